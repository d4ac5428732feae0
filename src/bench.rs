//! `copydesk bench`: measures the whole pipeline against the I/O floor on the same input.
//! It generates (or takes) a corpus of news-sized articles, times a read-and-parse-only pass
//! over it, then a full `clean` run, and prints MB/s, articles/s, per-stage times, peak memory
//! and the ratio of end-to-end to read-and-parse-only throughput.
//!
//! The generated corpus is deterministic for a given size and seed: English sentences from the
//! bundled samples with 60% of their lower-case content words replaced by other words of the
//! samples (so articles are distinct, as real ones are), numbers, web debris lines, 8% exact copies and 10%
//! near-copies (a paragraph dropped, words changed, another footer).

use crate::config::Options;
use crate::pipeline::{self, CleanJob};
use crate::progress::Mode;
use anyhow::{Context, Result};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

const SAMPLES: &str = include_str!("../samples/news.jsonl");

/// A small, fast, fixed-specification generator (SplitMix64), so corpora are reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// English sentences of the bundled samples (plain articles only).
fn sentence_pool() -> Vec<String> {
    let mut pool = Vec::new();
    for line in SAMPLES.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let id = v["id"].as_str().unwrap_or_default();
        let english = v["url"].is_string()
            && ![
                "de-", "fr-", "es-", "ru-", "zh-", "ja-", "nav-", "empty", "story-",
            ]
            .iter()
            .any(|p| id.starts_with(p));
        let Some(text) = v["text"].as_str().filter(|_| english) else {
            continue;
        };
        for para in text.split("\n\n") {
            for s in para.split_inclusive(". ") {
                let s = s.trim();
                if s.split_whitespace().count() >= 8 && s.ends_with('.') {
                    pool.push(s.to_string());
                }
            }
        }
    }
    pool.sort();
    pool.dedup();
    pool
}

/// Lower-case words of four or more letters used in the pool: replacements that keep the text
/// English (a quality scorer rightly rejects made-up words).
fn vocabulary(pool: &[String]) -> Vec<String> {
    let mut words: Vec<String> = pool
        .iter()
        .flat_map(|s| s.split(' '))
        .filter(|w| w.len() >= 4 && w.chars().all(|c| c.is_ascii_lowercase()))
        .map(str::to_string)
        .collect();
    words.sort();
    words.dedup();
    words
}

fn article(rng: &mut Rng, pool: &[String], vocab: &[String], size: Size) -> Vec<String> {
    let paragraphs = match size {
        Size::News => 7 + rng.below(8),
        Size::Short => 1 + rng.below(2),
    };
    (0..paragraphs)
        .map(|_| {
            let sentences = 2 + rng.below(3);
            (0..sentences)
                .map(|_| {
                    let s = &pool[rng.below(pool.len())];
                    s.split(' ')
                        .map(|w| {
                            if w.len() >= 4
                                && w.chars().all(|c| c.is_ascii_lowercase())
                                && rng.chance(0.6)
                            {
                                vocab[rng.below(vocab.len())].clone()
                            } else if w.chars().all(|c| c.is_ascii_digit()) {
                                rng.below(10_000).to_string()
                            } else {
                                w.to_string()
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

const HEADERS: &[&str] = &[
    "Home | World | Business | Sport",
    "Top StoriesLocal News",
    "Menu",
    "Subscribe",
];
const FOOTERS: &[&str] = &[
    "Read More",
    "Share this article",
    "Leave a Reply",
    "Back to top button",
    "Related Articles",
];

/// Article length of a generated corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// News-sized: 7 to 14 paragraphs, about 4 KB per record.
    News,
    /// One or two paragraphs, about 0.6 KB: many records for little disk, for scale tests.
    Short,
}

/// Writes a corpus of `articles` records to `path`; returns the bytes written.
pub fn generate(path: &Path, articles: usize, seed: u64, size: Size) -> Result<u64> {
    let pool = sentence_pool();
    let vocab = vocabulary(&pool);
    anyhow::ensure!(
        !pool.is_empty() && !vocab.is_empty(),
        "no sentences in the bundled samples"
    );
    let mut rng = Rng(seed);
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut bodies: Vec<Vec<String>> = Vec::new();
    let mut bytes = 0u64;
    for i in 0..articles {
        let roll = rng.below(100);
        let body: Vec<String> = if roll < 8 && !bodies.is_empty() {
            bodies[rng.below(bodies.len())].clone()
        } else if roll < 18 && !bodies.is_empty() {
            let mut b = bodies[rng.below(bodies.len())].clone();
            if b.len() > 2 {
                let drop = rng.below(b.len());
                b.remove(drop);
            }
            for p in b.iter_mut() {
                if rng.chance(0.3) {
                    *p = p
                        .split(' ')
                        .map(|w| {
                            if rng.chance(0.05) {
                                vocab[rng.below(vocab.len())].clone()
                            } else {
                                w.to_string()
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(" ");
                }
            }
            b
        } else {
            article(&mut rng, &pool, &vocab, size)
        };
        // Remember a bounded window of recent bodies to copy from.
        if bodies.len() < 2000 {
            bodies.push(body.clone());
        } else {
            let at = rng.below(bodies.len());
            bodies[at] = body.clone();
        }
        let mut text = String::new();
        if rng.chance(0.5) {
            text.push_str(HEADERS[rng.below(HEADERS.len())]);
            text.push_str("\n\n");
        }
        text.push_str(&body.join("\n\n"));
        for _ in 0..rng.below(3) {
            text.push_str("\n\n");
            text.push_str(FOOTERS[rng.below(FOOTERS.len())]);
        }
        let record = serde_json::json!({
            "id": format!("gen-{i:08}"),
            "url": format!("https://site{}.example/news/{i}", rng.below(200)),
            "text": text,
        });
        let line = serde_json::to_string(&record)?;
        bytes += line.len() as u64 + 1;
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(bytes)
}

/// The figures one bench run prints.
#[derive(Debug, Clone, Serialize)]
pub struct BenchResult {
    pub articles: u64,
    pub megabytes: f64,
    pub threads: usize,
    pub parse_only_seconds: f64,
    pub parse_only_mb_per_s: f64,
    pub pipeline_seconds: f64,
    pub pipeline_mb_per_s: f64,
    pub articles_per_s: f64,
    /// End-to-end throughput as a share of read-and-parse-only throughput.
    pub ratio_to_parse_only: f64,
    pub stage_ms: std::collections::BTreeMap<String, u64>,
    /// CPU time per stage, all threads (Linux).
    pub stage_cpu_ms: std::collections::BTreeMap<String, u64>,
    /// Peak resident memory of the process (VmHWM), in MB, when the OS reports it.
    pub peak_rss_mb: Option<f64>,
    /// Records whose cleaned text the score pass had scored already (syndicated copies,
    /// re-crawls aside): `run.score_memo_hits` of the run's report.
    pub score_memo_hits: u64,
    /// Rounds measured (`--repeat`): each a read-and-parse-only pass, then a full run. The
    /// seconds and rates above are the medians; the stage figures are the median run's.
    pub repeats: usize,
    /// Each round's read-and-parse-only throughput, in MB/s, in run order.
    pub parse_only_mb_per_s_runs: Vec<f64>,
    /// Each round's end-to-end throughput, in MB/s, in run order.
    pub pipeline_mb_per_s_runs: Vec<f64>,
}

/// CPU time (user + system, all threads) this process has used so far, in seconds, from
/// `/proc/self/stat` (Linux; its clock ticks are USER_HZ = 100 per second).
pub fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// Peak resident set size of this process, from `/proc/self/status` (Linux).
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The benchmark's input: the given file, or a corpus generated into `dir`.
fn corpus(input: Option<PathBuf>, dir: &Path, articles: usize, seed: u64) -> Result<PathBuf> {
    match input {
        Some(p) => Ok(p),
        None => {
            let p = dir.join("corpus.jsonl");
            generate(&p, articles, seed, Size::News)?;
            Ok(p)
        }
    }
}

/// Runs the benchmark on `input` (generated when `None`) with `options`: `repeats` rounds
/// (at least one), each a read-and-parse-only pass and then a full run, so that a machine whose
/// speed drifts from minute to minute shows its spread and the medians are compared.
pub fn run(
    input: Option<PathBuf>,
    articles: usize,
    seed: u64,
    repeats: usize,
    options: &Options,
) -> Result<BenchResult> {
    let tmp = tempfile::tempdir()?;
    let input = corpus(input, tmp.path(), articles, seed)?;
    let sources = crate::input::discover(std::slice::from_ref(&input))?;
    let mut rounds = Vec::new();
    for round in 0..repeats.max(1) {
        let started = Instant::now();
        let floor = pipeline::read_and_parse_only(&sources, options)?;
        let parse_only_seconds = started.elapsed().as_secs_f64();
        let outdir = tmp.path().join(format!("out-{round}"));
        let started = Instant::now();
        let summary = pipeline::run(&CleanJob {
            inputs: vec![input.clone()],
            outdir: outdir.clone(),
            options: options.clone(),
            progress: Mode::Quiet,
        })?;
        let pipeline_seconds = started.elapsed().as_secs_f64();
        // Only the figures are kept; the outputs would fill the disk over many rounds.
        std::fs::remove_dir_all(&outdir)?;
        rounds.push((floor, parse_only_seconds, summary, pipeline_seconds));
    }
    let mb = rounds[0].0.bytes as f64 / 1e6;
    let rate = |seconds: f64| mb / seconds.max(1e-9);
    let parse_runs: Vec<f64> = rounds.iter().map(|r| rate(r.1)).collect();
    let pipeline_runs: Vec<f64> = rounds.iter().map(|r| rate(r.3)).collect();
    let parse_only_seconds = median(&rounds.iter().map(|r| r.1).collect::<Vec<_>>());
    let pipeline_seconds = median(&rounds.iter().map(|r| r.3).collect::<Vec<_>>());
    // The round whose full run is the median (the lower middle one for an even count).
    let mut order: Vec<usize> = (0..rounds.len()).collect();
    order.sort_by(|&a, &b| rounds[a].3.total_cmp(&rounds[b].3));
    let (floor, _, summary, _) = &rounds[order[(order.len() - 1) / 2]];
    Ok(BenchResult {
        articles: floor.records,
        megabytes: (mb * 100.0).round() / 100.0,
        threads: rayon::current_num_threads(),
        parse_only_seconds,
        parse_only_mb_per_s: rate(parse_only_seconds),
        pipeline_seconds,
        pipeline_mb_per_s: rate(pipeline_seconds),
        articles_per_s: floor.records as f64 / pipeline_seconds.max(1e-9),
        ratio_to_parse_only: rate(pipeline_seconds) / rate(parse_only_seconds).max(1e-9),
        stage_ms: summary.report.run.stage_ms.clone(),
        stage_cpu_ms: summary.report.run.stage_cpu_ms.clone(),
        peak_rss_mb: peak_rss_mb(),
        score_memo_hits: summary.report.run.score_memo_hits,
        repeats: rounds.len(),
        parse_only_mb_per_s_runs: parse_runs,
        pipeline_mb_per_s_runs: pipeline_runs,
    })
}

/// How the pipeline scales from one worker thread to several, set against what this machine
/// gives independent work. A virtual machine's cores share caches, memory bandwidth and often
/// physical cores with other tenants, so two single-thread runs side by side may each run
/// slower than one alone; that ceiling, not 2×, is what a parallel program can reach here.
/// Each configuration runs as child processes of `exe clean`, interleaved and repeated, and
/// medians are compared, because such machines also drift by tens of per cent between runs.
#[derive(Debug, Clone, Serialize)]
pub struct Scaling {
    pub threads: usize,
    pub repeats: usize,
    pub megabytes: f64,
    /// Wall seconds of `clean --threads 1`, one per repeat.
    pub one_thread_seconds: Vec<f64>,
    /// Wall seconds of `clean --threads N`.
    pub n_threads_seconds: Vec<f64>,
    /// Wall seconds until N concurrent `clean --threads 1` runs have all finished.
    pub independent_seconds: Vec<f64>,
    /// median(one thread) / median(N threads).
    pub speed_up: f64,
    /// N × median(one thread) / median(N independent runs): the throughput N independent
    /// single-thread runs reach together, relative to one.
    pub machine_ceiling: f64,
    /// speed_up / machine_ceiling.
    pub share_of_ceiling: f64,
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    match s.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => s[n / 2],
        n => (s[n / 2 - 1] + s[n / 2]) / 2.0,
    }
}

/// Measures [`Scaling`] on `input` (generated when `None`): `exe` is this program, `args` the
/// option flags to pass to each `clean` run.
pub fn scaling(
    exe: &Path,
    args: &[String],
    input: Option<PathBuf>,
    articles: usize,
    seed: u64,
    threads: usize,
    repeats: usize,
) -> Result<Scaling> {
    let tmp = tempfile::tempdir()?;
    let input = corpus(input, tmp.path(), articles, seed)?;
    let bytes = std::fs::metadata(&input)
        .with_context(|| format!("cannot read {}", input.display()))?
        .len();
    // Starts one `clean` run into its own output folder.
    let start = |t: usize, k: usize| -> Result<std::process::Child> {
        let out = tmp.path().join(format!("out-{k}"));
        let _ = std::fs::remove_dir_all(&out);
        std::process::Command::new(exe)
            .arg("clean")
            .arg(&input)
            .arg("--output")
            .arg(&out)
            .args(["--quiet", "--threads", &t.to_string()])
            .args(args)
            .stdout(std::process::Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {}", exe.display()))
    };
    let finish = |mut c: std::process::Child| -> Result<()> {
        let status = c.wait()?;
        // Exit status 1 is a failed report gate: the run itself completed.
        match status.code() {
            Some(0) | Some(1) => Ok(()),
            _ => Err(anyhow::anyhow!("a benchmark run failed ({status})")),
        }
    };
    let timed = |children: Vec<std::process::Child>, started: Instant| -> Result<f64> {
        for c in children {
            finish(c)?;
        }
        Ok(started.elapsed().as_secs_f64())
    };
    let threads = threads.max(2);
    let (mut one, mut many, mut independent) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..repeats.max(1) {
        let t0 = Instant::now();
        one.push(timed(vec![start(1, 0)?], t0)?);
        let t0 = Instant::now();
        many.push(timed(vec![start(threads, 0)?], t0)?);
        let t0 = Instant::now();
        let runs = (0..threads)
            .map(|k| start(1, k))
            .collect::<Result<Vec<_>>>()?;
        independent.push(timed(runs, t0)?);
    }
    let speed_up = median(&one) / median(&many);
    let machine_ceiling = threads as f64 * median(&one) / median(&independent);
    Ok(Scaling {
        threads,
        repeats: one.len(),
        megabytes: (bytes as f64 / 1e4).round() / 100.0,
        one_thread_seconds: one,
        n_threads_seconds: many,
        independent_seconds: independent,
        speed_up,
        machine_ceiling,
        share_of_ceiling: speed_up / machine_ceiling,
    })
}

/// Human-readable rendering of [`Scaling`].
pub fn render_scaling(s: &Scaling) -> String {
    let list = |v: &[f64]| {
        v.iter()
            .map(|x| format!("{x:.2}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    format!(
        "input: {:.1} MB, {} repeats (wall seconds, medians compared)\n\
         1 thread:                      {}\n\
         {n} threads:                     {}\n\
         {n} independent 1-thread runs:   {}\n\
         speed-up 1 -> {n} threads: {:.2}x\n\
         machine ceiling ({n} independent runs together vs one): {:.2}x\n\
         share of the ceiling reached: {:.0}%\n",
        s.megabytes,
        s.repeats,
        list(&s.one_thread_seconds),
        list(&s.n_threads_seconds),
        list(&s.independent_seconds),
        s.speed_up,
        s.machine_ceiling,
        s.share_of_ceiling * 100.0,
        n = s.threads,
    )
}

/// Human-readable rendering.
pub fn render(r: &BenchResult) -> String {
    let mut s = format!(
        "input: {} articles, {:.1} MB, {} threads\nread+parse only: {:.2} s = {:.1} MB/s\nfull pipeline:   {:.2} s = {:.1} MB/s, {:.0} articles/s\nratio end-to-end / read+parse: {:.2}\n",
        r.articles, r.megabytes, r.threads, r.parse_only_seconds, r.parse_only_mb_per_s, r.pipeline_seconds, r.pipeline_mb_per_s, r.articles_per_s, r.ratio_to_parse_only
    );
    if r.repeats > 1 {
        let spread = |v: &[f64]| {
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            format!("{lo:.1}-{hi:.1} MB/s")
        };
        s.push_str(&format!(
            "medians of {} rounds; read+parse only {}, full pipeline {} (stage figures: the median round)\n",
            r.repeats,
            spread(&r.parse_only_mb_per_s_runs),
            spread(&r.pipeline_mb_per_s_runs)
        ));
    }
    for (stage, ms) in &r.stage_ms {
        match r.stage_cpu_ms.get(stage) {
            Some(&cpu) => s.push_str(&format!(
                "  {stage:>6}: {ms} ms, CPU {cpu} ms ({:.2} cores busy)\n",
                cpu as f64 / (*ms).max(1) as f64
            )),
            None => s.push_str(&format!("  {stage:>6}: {ms} ms\n")),
        }
    }
    match r.peak_rss_mb {
        Some(mb) => s.push_str(&format!("peak memory: {mb:.0} MB\n")),
        None => s.push_str("peak memory: not reported by this OS\n"),
    }
    s.push_str(&format!(
        "score memo: {} records took the score of an identical cleaned text met earlier\n",
        r.score_memo_hits
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn generated_corpus_is_deterministic_and_news_sized() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        let bytes = generate(&a, 200, 7, Size::News).expect("generate");
        generate(&b, 200, 7, Size::News).expect("generate");
        assert_eq!(std::fs::read(&a).expect("a"), std::fs::read(&b).expect("b"));
        let mean = bytes as f64 / 200.0;
        assert!((1500.0..6000.0).contains(&mean), "mean record size {mean}");
    }
}
