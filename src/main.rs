//! The `copydesk` command: parses arguments and calls the library. Exit status: 0 success,
//! 1 a report gate failed, 2 usage error or unreadable input.

use clap::{Args, Parser, Subcommand, ValueEnum};
use copydesk::config::Options;
use copydesk::input::Compression;
use copydesk::pipeline::{self, CleanJob, StrictError};
use copydesk::progress::Mode;
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc instead of the system allocator: the stages allocate many small short-lived
/// buffers on every worker thread (README, Performance, for the measured difference).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Measure throughput and memory: a read-and-parse-only pass and a full run on the same
    /// input (a generated corpus of news-sized articles unless --input is given).
    Bench {
        /// Articles to generate.
        #[arg(long, default_value_t = 20_000)]
        articles: usize,
        /// Seed of the generated corpus.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Benchmark this JSONL input instead of a generated corpus.
        #[arg(long)]
        input: Option<PathBuf>,
        /// Only write the generated corpus to this file, and exit.
        #[arg(long)]
        generate_only: Option<PathBuf>,
        /// With --generate-only: one- or two-paragraph articles instead of news-sized ones.
        #[arg(long)]
        short: bool,
        #[command(flatten)]
        common: CommonArgs,
        /// Measure parallel scaling instead: REPEATS interleaved rounds of `clean` at one
        /// thread, at --threads N (default: all cores, at least 2), and N independent
        /// one-thread runs at once (what this machine gives independent work).
        #[arg(long, value_name = "REPEATS")]
        scaling: Option<usize>,
        /// Measure REPEAT rounds (each a read-and-parse-only pass, then a full run) and report
        /// the medians and the spread: a shared machine drifts from minute to minute.
        #[arg(long, value_name = "REPEAT", default_value_t = 1)]
        repeat: usize,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Re-render report.md and report.html of an output folder from its report.json.
    Report {
        /// A folder written by `copydesk clean`.
        outdir: PathBuf,
    },
    /// Compare two runs' reports: duplicate rate, quality distribution, drop reasons.
    Diff {
        /// The older run's output folder (or its report.json).
        old: PathBuf,
        /// The newer run's output folder (or its report.json).
        new: PathBuf,
    },
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
    /// Keep only the best record of each group of this kind: `stories` drops the other
    /// articles of each same-story group (reason `same_story`). Copies are always collapsed.
    #[arg(long, value_enum)]
    collapse: Option<Collapse>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CompressArg {
    None,
    Zstd,
    Gzip,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Collapse {
    /// Same-story groups: different articles about one event.
    Stories,
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
    /// Fail (exit status 1, after writing every output) when a report figure crosses a
    /// threshold: METRIC OP NUMBER, e.g. 'dup_rate > 0.4', 'mean_quality < 0.6',
    /// 'dropped.low_quality > 0.2', 'invalid > 0'. Repeatable. Metrics: read, kept, dropped,
    /// invalid, kept_rate, dropped_rate, invalid_rate, dup_rate, mean_quality,
    /// dropped.REASON (share of records read), dropped_count.REASON, debris_lines,
    /// clusters.largest.
    #[arg(long = "fail-if", value_name = "EXPR")]
    fail_if: Vec<String>,
    /// Memory budget, e.g. 2G or 512M: batches and band sorts are sized to fit it, and a
    /// run whose per-record state cannot fit stops early saying how much it needs.
    #[arg(long, value_name = "SIZE")]
    memory_limit: Option<String>,
    /// Compress the JSONL outputs: zstd writes cleaned.jsonl.zst (and dropped, clusters,
    /// invalid likewise), gzip cleaned.jsonl.gz; none writes plain .jsonl (the default).
    #[arg(long, value_enum, value_name = "FORMAT")]
    compress: Option<CompressArg>,
    /// Compress the temporary spill files as well (zstd): much less temporary disk, for more
    /// CPU time.
    #[arg(long)]
    compress_spill: bool,
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
    /// Precision, recall and F1 of same-story decisions over labelled article pairs
    /// (JSONL with `id`, `text`, `text2`, `same_story`).
    Story {
        file: PathBuf,
        #[command(flatten)]
        common: CommonArgs,
        /// Keep the pipeline's output here instead of a temporary folder.
        #[arg(long)]
        keep_output: Option<PathBuf>,
        /// Also score candidate similarities (weighted cosine, weighted SimHash, the simhash
        /// crate) directly on the pairs.
        #[arg(long)]
        compare: bool,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// ROC AUC of quality separating clean from garbled documents, Spearman with `intensity`,
    /// per level and per operator, and scoring speed (labels: `garbled`, `intensity`, `level`,
    /// `ops`).
    Garble {
        file: PathBuf,
        #[command(flatten)]
        common: CommonArgs,
        /// Also print how well each signal separates the classes on its own.
        #[arg(long)]
        signals: bool,
        /// Write every document's score, flags and evidence to this JSONL file.
        #[arg(long)]
        dump: Option<PathBuf>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// ROC AUC of quality separating human translations and originals from machine
    /// translations, and per-chunk pairwise accuracy (labels: `kind`, `lang_pair`, `chunk`).
    Mt {
        file: PathBuf,
        #[command(flatten)]
        common: CommonArgs,
        /// Score through the whole `clean` pipeline (debris, and the name checks of near-copy
        /// and same-story members against their group) instead of each document alone.
        #[arg(long)]
        in_corpus: bool,
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
        for g in &self.fail_if {
            copydesk::report::gates::parse(g)?;
            o.gates.push(g.clone());
        }
        if let Some(m) = &self.memory_limit {
            copydesk::memory::Plan::new(Some(m))?;
            o.memory_limit = Some(m.clone());
        }
        if !self.lang.is_empty() {
            o.quality.languages = self.lang.iter().map(|l| l.trim().to_lowercase()).collect();
        }
        o.output.compress_spill |= self.compress_spill;
        if let Some(c) = self.compress {
            o.output.compress = match c {
                CompressArg::None => Compression::None,
                CompressArg::Zstd => Compression::Zstd,
                CompressArg::Gzip => Compression::Gzip,
            };
        }
        Ok(o)
    }

    /// The option flags as given, for a child `clean` run (not --threads or --quiet).
    fn clean_args(&self) -> Vec<String> {
        let mut a: Vec<String> = Vec::new();
        let mut pair = |flag: &str, v: String| {
            a.push(flag.to_string());
            a.push(v);
        };
        if let Some(p) = &self.config {
            pair("--config", p.display().to_string());
        }
        if let Some(f) = &self.id_field {
            pair("--id-field", f.clone());
        }
        if let Some(f) = &self.text_field {
            pair("--text-field", f.clone());
        }
        if let Some(q) = self.min_quality {
            pair("--min-quality", q.to_string());
        }
        if !self.lang.is_empty() {
            pair("--lang", self.lang.join(","));
        }
        for g in &self.fail_if {
            pair("--fail-if", g.clone());
        }
        if let Some(m) = &self.memory_limit {
            pair("--memory-limit", m.clone());
        }
        if let Some(p) = self.compress.and_then(|c| c.to_possible_value()) {
            pair("--compress", p.get_name().to_string());
        }
        for (on, flag) in [
            (self.strict, "--strict"),
            (self.keep_debris, "--keep-debris"),
            (self.no_debris, "--no-debris"),
            (self.compress_spill, "--compress-spill"),
        ] {
            if on {
                a.push(flag.to_string());
            }
        }
        a
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

/// Prints a command's result as pretty JSON or as its human rendering.
fn emit<T: serde::Serialize>(
    json: bool,
    result: &T,
    render: impl Fn(&T) -> String,
) -> anyhow::Result<ExitCode> {
    if json {
        println!("{}", serde_json::to_string_pretty(result)?);
    } else {
        print!("{}", render(result));
    }
    Ok(ExitCode::SUCCESS)
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
            let mut options = args.common.options()?;
            if args.collapse == Some(Collapse::Stories) {
                options.story.collapse = true;
            }
            let job = CleanJob {
                inputs: args.inputs,
                outdir: args.output,
                options,
                progress: args.common.mode(),
            };
            let summary = args.common.pool()?.install(|| pipeline::run(&job))?;
            let failed: Vec<_> = summary.report.gates.iter().filter(|g| g.failed).collect();
            for g in &summary.report.gates {
                if g.failed || !args.common.quiet {
                    eprintln!("copydesk: {}", g.describe());
                }
            }
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
            if failed.is_empty() {
                Ok(ExitCode::SUCCESS)
            } else {
                Ok(ExitCode::from(1))
            }
        }
        Command::Bench {
            articles,
            seed,
            input,
            generate_only,
            short,
            common,
            scaling,
            repeat,
            json,
        } => {
            if let Some(path) = generate_only {
                let size = if short {
                    copydesk::bench::Size::Short
                } else {
                    copydesk::bench::Size::News
                };
                let bytes = copydesk::bench::generate(&path, articles, seed, size)?;
                eprintln!(
                    "copydesk: wrote {articles} articles, {bytes} bytes, to {}",
                    path.display()
                );
                return Ok(ExitCode::SUCCESS);
            }
            if let Some(repeats) = scaling {
                common.options()?; // the flags are checked here, before any run starts
                let threads = common
                    .threads
                    .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
                let exe = std::env::current_exe()?;
                let result = copydesk::bench::scaling(
                    &exe,
                    &common.clean_args(),
                    input,
                    articles,
                    seed,
                    threads,
                    repeats,
                )?;
                return emit(json, &result, copydesk::bench::render_scaling);
            }
            let options = common.options()?;
            let result = common
                .pool()?
                .install(|| copydesk::bench::run(input, articles, seed, repeat, &options))?;
            emit(json, &result, copydesk::bench::render)
        }
        Command::Report { outdir } => {
            copydesk::report::rerender(&outdir)?;
            eprintln!(
                "copydesk: wrote {0}/report.md and {0}/report.html",
                outdir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff { old, new } => {
            let (o, n) = (
                copydesk::report::diff::load(&old)?,
                copydesk::report::diff::load(&new)?,
            );
            print!("{}", copydesk::report::diff::render(&o, &n));
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
            emit(json, &result, copydesk::eval::neardup::render)
        }
        Command::Eval(EvalCommand::Story {
            file,
            common,
            keep_output,
            compare,
            json,
        }) => {
            let options = common.options()?;
            let result = common.pool()?.install(|| {
                copydesk::eval::story::evaluate(&file, &options, keep_output, compare)
            })?;
            emit(json, &result, copydesk::eval::story::render)
        }
        Command::Eval(EvalCommand::Garble {
            file,
            common,
            signals,
            dump,
            json,
        }) => {
            let options = common.options()?;
            let result = copydesk::eval::garble::evaluate(&file, &options, dump.as_deref())?;
            emit(json, &result, |r| {
                copydesk::eval::garble::render(r, signals)
            })
        }
        Command::Eval(EvalCommand::Mt {
            file,
            common,
            in_corpus,
            json,
        }) => {
            let options = common.options()?;
            let result = copydesk::eval::mt::evaluate(&file, &options, in_corpus)?;
            emit(json, &result, copydesk::eval::mt::render)
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
            emit(json, &result, |r| {
                copydesk::eval::boilerplate::render(r, worst)
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean_common(args: &[&str]) -> CommonArgs {
        let cli = Cli::try_parse_from(
            ["copydesk", "clean", "in.jsonl", "--output", "out"]
                .iter()
                .chain(args),
        )
        .expect("parse");
        match cli.command {
            Command::Clean(c) => c.common,
            _ => unreachable!("parsed a clean command"),
        }
    }

    #[test]
    fn clean_args_give_a_child_run_the_same_options() {
        let given = clean_common(&[
            "--text-field",
            "body.text",
            "--min-quality",
            "0.25",
            "--lang",
            "en,de",
            "--keep-debris",
            "--fail-if",
            "dup_rate > 0.4",
            "--memory-limit",
            "2G",
            "--threads",
            "3",
            "-q",
        ]);
        let args = given.clean_args();
        assert!(!args.iter().any(|a| a == "--threads" || a == "-q"));
        let child = clean_common(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(
            child.options().expect("options"),
            given.options().expect("options")
        );
        assert_eq!(child.fail_if, given.fail_if);
        assert!(clean_common(&[]).clean_args().is_empty());
    }
}
