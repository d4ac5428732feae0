//! The `copydesk` command: parses arguments and calls the library. Exit status: 0 success,
//! 1 a report gate failed, 2 usage error or unreadable input.

use clap::{Args, Parser, Subcommand};
use copydesk::config::Options;
use copydesk::pipeline::{self, CleanJob, StrictError};
use copydesk::progress::Mode;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "copydesk",
    version,
    about = "Clean scraped news at disk speed: deduplicate, strip debris, score quality, and account for every record."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Clean a corpus: write cleaned.jsonl, dropped.jsonl, clusters.jsonl, invalid.jsonl,
    /// report.json and report.md into OUTDIR.
    Clean(CleanArgs),
    /// Measure accuracy on labelled data.
    #[command(subcommand)]
    Eval(EvalCommand),
}

#[derive(Args)]
struct CleanArgs {
    /// .jsonl, .jsonl.gz, .jsonl.zst files, directories (read recursively; .txt files are one
    /// article each), or - for JSONL on standard input.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
    /// Output folder (created if missing).
    #[arg(short, long)]
    output: PathBuf,
}

#[derive(Args)]
struct CommonArgs {
    /// Worker threads (default: all cores). Outputs are identical whatever the count.
    #[arg(long)]
    threads: Option<usize>,
    /// TOML file with options (see the README); flags given here override it.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Field holding the record id (dotted paths reach nested fields: meta.id).
    #[arg(long)]
    id_field: Option<String>,
    /// Field holding the article text (dotted paths allowed).
    #[arg(long)]
    text_field: Option<String>,
    /// Stop with exit status 2 at the first unreadable input line.
    #[arg(long)]
    strict: bool,
    /// Only annotate debris (`copydesk.removed`); keep the text unchanged.
    #[arg(long)]
    keep_debris: bool,
    /// Turn the debris stage off.
    #[arg(long)]
    no_debris: bool,
    /// Drop records whose quality is below this (0..1).
    #[arg(long)]
    min_quality: Option<f64>,
    /// Keep only these languages (comma-separated ISO 639-1 codes: en,de).
    #[arg(long, value_delimiter = ',')]
    lang: Vec<String>,
    /// No progress bars or log lines.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Pairwise precision, recall, F1 and ARI of duplicate clusters against a `cluster` label.
    Neardup {
        file: PathBuf,
        #[command(flatten)]
        common: CommonArgs,
        /// Keep the pipeline's output here instead of a temporary folder.
        #[arg(long)]
        keep_output: Option<PathBuf>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Precision, recall and F1 of the debris stage against a gold article body (word-4-gram
    /// shingles per page, as the article-extraction benchmark scores extractors).
    Boilerplate {
        file: PathBuf,
        #[command(flatten)]
        common: CommonArgs,
        /// Field holding the gold article body.
        #[arg(long, default_value = "gold")]
        gold_field: String,
        /// Also list this many pages with the lowest recall and precision.
        #[arg(long, default_value_t = 0)]
        worst: usize,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
}

impl CommonArgs {
    fn options(&self) -> anyhow::Result<Options> {
        let mut o = match &self.config {
            Some(path) => Options::from_toml_file(path)?,
            None => Options::default(),
        };
        if let Some(f) = &self.id_field {
            o.input.id_field = f.clone();
        }
        if let Some(f) = &self.text_field {
            o.input.text_field = f.clone();
        }
        o.strict |= self.strict;
        o.debris.keep_debris |= self.keep_debris;
        if self.no_debris {
            o.debris.enabled = false;
        }
        if let Some(q) = self.min_quality {
            anyhow::ensure!(
                (0.0..=1.0).contains(&q),
                "--min-quality must be between 0 and 1"
            );
            o.quality.min_quality = q;
        }
        if !self.lang.is_empty() {
            o.quality.languages = self.lang.iter().map(|l| l.trim().to_lowercase()).collect();
        }
        Ok(o)
    }

    fn mode(&self) -> Mode {
        if self.quiet {
            Mode::Quiet
        } else {
            Mode::Auto
        }
    }

    fn pool(&self) -> anyhow::Result<rayon::ThreadPool> {
        let mut b = rayon::ThreadPoolBuilder::new();
        if let Some(n) = self.threads {
            anyhow::ensure!(n > 0, "--threads must be at least 1");
            b = b.num_threads(n);
        }
        Ok(b.build()?)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            if e.downcast_ref::<StrictError>().is_some() {
                eprintln!("copydesk: error: {e}");
            } else {
                eprintln!("copydesk: error: {e:#}");
            }
            ExitCode::from(2)
        }
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Clean(args) => {
            let options = args.common.options()?;
            let job = CleanJob {
                inputs: args.inputs,
                outdir: args.output,
                options,
                progress: args.common.mode(),
            };
            let summary = args.common.pool()?.install(|| pipeline::run(&job))?;
            if !args.common.quiet {
                let c = &summary.report.counts;
                eprintln!(
                    "copydesk: read {}, kept {}, dropped {}, invalid {} → {}",
                    c.read,
                    c.kept,
                    c.dropped,
                    c.invalid,
                    summary.outdir.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval(EvalCommand::Neardup {
            file,
            common,
            keep_output,
            json,
        }) => {
            let options = common.options()?;
            let result = common
                .pool()?
                .install(|| copydesk::eval::neardup::evaluate(&file, &options, keep_output))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&result)?);
            } else {
                print!("{}", copydesk::eval::neardup::render(&result));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval(EvalCommand::Boilerplate {
            file,
            common,
            gold_field,
            worst,
            json,
        }) => {
            let options = common.options()?;
            let result = common
                .pool()?
                .install(|| copydesk::eval::boilerplate::evaluate(&file, &options, &gold_field))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&result)?);
            } else {
                print!("{}", copydesk::eval::boilerplate::render(&result, worst));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
