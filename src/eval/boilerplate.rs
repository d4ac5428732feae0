//! `copydesk eval boilerplate FILE`: runs the debris stage the way `clean` does (line statistics
//! over every page of the file, then `strip` on each page) on a JSONL file with a noisy text
//! field and a gold article body, and scores the result as the article-extraction benchmark
//! does: word tokens (`\w+`), word-4-gram shingle multisets per page, precision and recall per
//! page averaged over pages, F1 = harmonic mean of the two averages.
//!
//! It also prints the score on two halves of the pages (split by the parity of the id's XXH3
//! hash: a rule fitted to a few pages moves one half only), and, from the same pages, the
//! keep-everything baseline and the one-line rule
//! "keep lines of at least ten words ending in sentence punctuation", the throughput of the
//! `strip` calls (MB/s on one core), and the distribution of the debris share, which is what
//! `debris.max_debris_share` is tuned against.

use crate::config::Options;
use crate::debris::{Debris, LineStatsBuilder};
use anyhow::{Context, Result};
use rayon::prelude::*;
use serde_json::Value;
use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;
use xxhash_rust::xxh3::xxh3_64;

/// Mean precision, mean recall and F1 over pages.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Scores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// One page's outcome.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PageResult {
    pub id: String,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub debris_share: f64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct BoilerplateResult {
    pub pages: usize,
    pub debris: Scores,
    pub keep_all: Scores,
    pub ten_words_rule: Scores,
    /// Megabytes of input text per second through `Debris::strip`, single thread.
    pub strip_mb_per_s: f64,
    /// Megabytes of input text.
    pub text_mb: f64,
    /// `str::to_lowercase` over the page text, MB/s: a yardstick for this machine's speed.
    pub reference_mb_per_s: f64,
    /// Throughput of `strip` on the gold article bodies (clean news prose), MB/s, one core.
    pub strip_gold_mb_per_s: f64,
    /// Debris share quantiles (50%, 90%, 99%, max) over pages.
    pub debris_share_quantiles: [f64; 4],
    /// Pages that `clean` would drop as `mostly_debris` at the configured `max_debris_share`.
    pub dropped_mostly_debris: usize,
    pub per_page: Vec<PageResult>,
}

struct Page {
    id: String,
    text: String,
    gold: String,
    site: Option<String>,
}

/// Runs the debris stage on `file` and scores it against `gold_field`.
pub fn evaluate(file: &Path, options: &Options, gold_field: &str) -> Result<BoilerplateResult> {
    let pages = load(file, &options.input.text_field, gold_field)?;
    let opts = &options.debris;
    let debris = Debris::new(opts)?;
    let stats = pages
        .par_iter()
        .fold(
            || LineStatsBuilder::new(opts),
            |mut b, p| {
                b.add(p.site.as_deref(), &p.text);
                b
            },
        )
        .reduce(
            || LineStatsBuilder::new(opts),
            |mut a, b| {
                a.merge(b);
                a
            },
        )
        .finish();
    // Timed single-threaded, so the figure is per core; best of three runs.
    let mut seconds = f64::INFINITY;
    let mut stripped = Vec::new();
    // CPU time of this thread, not wall time: the machine may be shared.
    let reps: usize = std::env::var("COPYDESK_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    for _ in 0..reps.max(1) {
        let started = std::time::Instant::now();
        let cpu0 = thread_cpu_seconds();
        stripped = pages
            .iter()
            .map(|p| debris.strip(&p.text, p.site.as_deref(), &stats))
            .collect();
        let spent = match (cpu0, thread_cpu_seconds()) {
            (Some(a), Some(b)) => b - a,
            _ => started.elapsed().as_secs_f64(),
        };
        seconds = seconds.min(spent);
    }
    let bytes: usize = pages.iter().map(|p| p.text.len()).sum();
    // The same on the gold bodies alone: clean news prose, the stage's usual input.
    let gold_bytes: usize = pages.iter().map(|p| p.gold.len()).sum();
    let mut gold_seconds = f64::INFINITY;
    for _ in 0..reps.max(1) {
        let started = std::time::Instant::now();
        let cpu0 = thread_cpu_seconds();
        let n: usize = pages
            .iter()
            .map(|p| debris.strip(&p.gold, p.site.as_deref(), &stats).text.len())
            .sum();
        std::hint::black_box(n);
        let spent = match (cpu0, thread_cpu_seconds()) {
            (Some(a), Some(b)) => b - a,
            _ => started.elapsed().as_secs_f64(),
        };
        gold_seconds = gold_seconds.min(spent);
    }
    // Yardstick for this (possibly shared) machine: `str::to_lowercase` over the page text.
    let reference_mb_per_s = {
        let c0 = thread_cpu_seconds();
        let n: usize = pages.iter().map(|p| p.text.to_lowercase().len()).sum();
        match (c0, thread_cpu_seconds()) {
            (Some(a), Some(b)) if b > a => n as f64 / 1e6 / (b - a),
            _ => 0.0,
        }
    };

    if let Some(dir) = std::env::var_os("COPYDESK_DUMP") {
        // Debugging aid: the cleaned text and the removals of every page.
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir)?;
        for (p, s) in pages.iter().zip(&stripped) {
            let removed = serde_json::to_string(&s.removed)?;
            std::fs::write(dir.join(format!("{}.json", p.id)), removed)?;
        }
    }
    let mut per_page = Vec::with_capacity(pages.len());
    let mut ours = Vec::new();
    let mut keep_all = Vec::new();
    let mut rule = Vec::new();
    let mut shares = Vec::new();
    let mut dropped = 0;
    for (p, s) in pages.iter().zip(&stripped) {
        let gold = shingles(&p.gold);
        let t = tp_fp_fn(&gold, &shingles(&s.text));
        ours.push(t);
        keep_all.push(tp_fp_fn(&gold, &shingles(&p.text)));
        rule.push(tp_fp_fn(&gold, &shingles(&ten_words_rule(&p.text))));
        let share = s.debris_share();
        shares.push(share);
        if share > opts.max_debris_share || s.text.trim().is_empty() {
            dropped += 1;
        }
        per_page.push(PageResult {
            id: p.id.clone(),
            precision: precision(t),
            recall: recall(t),
            debris_share: share,
        });
    }
    shares.sort_by(f64::total_cmp);
    let q = |f: f64| {
        shares
            .get(((shares.len() as f64 - 1.0) * f).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    Ok(BoilerplateResult {
        pages: pages.len(),
        debris: mean_scores(&ours),
        keep_all: mean_scores(&keep_all),
        ten_words_rule: mean_scores(&rule),
        strip_mb_per_s: if seconds > 0.0 {
            bytes as f64 / 1e6 / seconds
        } else {
            0.0
        },
        text_mb: bytes as f64 / 1e6,
        reference_mb_per_s,
        strip_gold_mb_per_s: if gold_seconds > 0.0 {
            gold_bytes as f64 / 1e6 / gold_seconds
        } else {
            0.0
        },
        debris_share_quantiles: [q(0.5), q(0.9), q(0.99), q(1.0)],
        dropped_mostly_debris: dropped,
        per_page,
    })
}

/// On-CPU time of the calling thread (Linux `schedstat`), if available.
fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn load(file: &Path, text_field: &str, gold_field: &str) -> Result<Vec<Page>> {
    let mut pages = Vec::new();
    for source in crate::input::discover(&[file.to_path_buf()])? {
        let reader = crate::input::open(&source)?;
        for (n, line) in reader.lines().enumerate() {
            let line = line.with_context(|| format!("{}: line {}", source.display, n + 1))?;
            if line.trim().is_empty() {
                continue;
            }
            let v: Value = serde_json::from_str(&line)
                .with_context(|| format!("{}: line {} is not JSON", source.display, n + 1))?;
            let get = |f: &str| v.get(f).and_then(Value::as_str).unwrap_or("").to_string();
            let site = ["url", "source", "site"]
                .iter()
                .find_map(|f| v.get(*f).and_then(Value::as_str).filter(|s| !s.is_empty()))
                .map(crate::input::site_of);
            pages.push(Page {
                id: match v.get("id") {
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => format!("line-{}", n + 1),
                },
                text: get(text_field),
                gold: get(gold_field),
                site,
            });
        }
    }
    Ok(pages)
}

/// The one-line baseline: keep lines of at least ten words ending in sentence punctuation.
fn ten_words_rule(text: &str) -> String {
    text.lines()
        .filter(|l| {
            let t = l.trim();
            t.split_whitespace().count() >= 10 && t.ends_with(['.', '!', '?', '"', '”'])
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Word-4-gram shingle multiset, tokens being runs of word characters (`\w+`). A text of fewer
/// than four tokens is one shingle of all of them, as in the benchmark.
fn shingles(text: &str) -> HashMap<u64, u32> {
    let tokens: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .collect();
    let mut out = HashMap::new();
    if tokens.is_empty() {
        return out;
    }
    let n = 4.min(tokens.len());
    let mut key = String::new();
    for w in tokens.windows(n) {
        key.clear();
        for t in w {
            key.push_str(t);
            key.push('\u{1}');
        }
        *out.entry(xxh3_64(key.as_bytes())).or_default() += 1;
    }
    out
}

fn tp_fp_fn(gold: &HashMap<u64, u32>, pred: &HashMap<u64, u32>) -> (f64, f64, f64) {
    let (mut tp, mut fp, mut fn_) = (0u64, 0u64, 0u64);
    for (k, &p) in pred {
        let g = gold.get(k).copied().unwrap_or(0);
        tp += u64::from(p.min(g));
        fp += u64::from(p.saturating_sub(g));
    }
    for (k, &g) in gold {
        let p = pred.get(k).copied().unwrap_or(0);
        fn_ += u64::from(g.saturating_sub(p));
    }
    (tp as f64, fp as f64, fn_ as f64)
}

fn precision((tp, fp, fn_): (f64, f64, f64)) -> Option<f64> {
    if tp + fp == 0.0 {
        return None;
    }
    Some(if fp == 0.0 && fn_ == 0.0 {
        1.0
    } else {
        tp / (tp + fp)
    })
}

fn recall((tp, fp, fn_): (f64, f64, f64)) -> Option<f64> {
    if tp + fn_ == 0.0 {
        return None;
    }
    Some(if fp == 0.0 && fn_ == 0.0 {
        1.0
    } else {
        tp / (tp + fn_)
    })
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let (s, n) = xs.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    if n == 0 {
        0.0
    } else {
        s / n as f64
    }
}

fn mean_scores(t: &[(f64, f64, f64)]) -> Scores {
    let precision = mean(t.iter().filter_map(|&x| precision(x)));
    let recall = mean(t.iter().filter_map(|&x| recall(x)));
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    Scores {
        precision,
        recall,
        f1,
    }
}

/// Human-readable rendering; `worst` lists that many pages with the lowest recall and
/// precision.
pub fn render(r: &BoilerplateResult, worst: usize) -> String {
    let row = |name: &str, s: &Scores| {
        format!(
            "{name:<22} precision {:.4}  recall {:.4}  F1 {:.4}\n",
            s.precision, s.recall, s.f1
        )
    };
    let mut out = format!("pages {}\n", r.pages);
    out.push_str(&row("debris stage", &r.debris));
    out.push_str(&row("keep all (baseline)", &r.keep_all));
    out.push_str(&row(">=10 words + punct", &r.ten_words_rule));
    // The same score on two halves of the pages (split by a hash of the id): a rule that only
    // fits a few pages moves one half and not the other.
    for half in 0..2u64 {
        let pages: Vec<&PageResult> = r
            .per_page
            .iter()
            .filter(|p| xxh3_64(p.id.as_bytes()) & 1 == half)
            .collect();
        let precision = mean(pages.iter().filter_map(|p| p.precision));
        let recall = mean(pages.iter().filter_map(|p| p.recall));
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        out.push_str(&row(
            &format!("debris, half {half} ({}p)", pages.len()),
            &Scores {
                precision,
                recall,
                f1,
            },
        ));
    }
    let q = r.debris_share_quantiles;
    out.push_str(&format!(
        "strip throughput {:.1} MB/s on page text ({:.1} MB), {:.1} MB/s on gold article text (one core, CPU time; str::to_lowercase: {:.0} MB/s)\ndebris share p50 {:.3} p90 {:.3} p99 {:.3} max {:.3}; pages over max_debris_share or emptied: {}\n",
        r.strip_mb_per_s,
        r.text_mb,
        r.strip_gold_mb_per_s,
        r.reference_mb_per_s,
        q[0], q[1], q[2], q[3], r.dropped_mostly_debris
    ));
    if worst > 0 {
        let mut by_recall: Vec<&PageResult> = r.per_page.iter().collect();
        by_recall.sort_by(|a, b| a.recall.unwrap_or(1.0).total_cmp(&b.recall.unwrap_or(1.0)));
        out.push_str("lowest recall:\n");
        for p in by_recall.iter().take(worst) {
            out.push_str(&format!(
                "  {} recall {:.3} precision {:.3}\n",
                p.id,
                p.recall.unwrap_or(f64::NAN),
                p.precision.unwrap_or(f64::NAN)
            ));
        }
        let mut by_precision = by_recall;
        by_precision.sort_by(|a, b| {
            a.precision
                .unwrap_or(1.0)
                .total_cmp(&b.precision.unwrap_or(1.0))
        });
        out.push_str("lowest precision:\n");
        for p in by_precision.iter().take(worst) {
            out.push_str(&format!(
                "  {} precision {:.3} recall {:.3}\n",
                p.id,
                p.precision.unwrap_or(f64::NAN),
                p.recall.unwrap_or(f64::NAN)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_text_scores_one() {
        let g = shingles("one two three four five six");
        let t = tp_fp_fn(&g, &g);
        assert_eq!((precision(t), recall(t)), (Some(1.0), Some(1.0)));
    }

    #[test]
    fn extra_text_costs_precision_not_recall() {
        let g = shingles("a b c d e");
        let p = shingles("a b c d e f g h");
        let t = tp_fp_fn(&g, &p);
        assert_eq!(recall(t), Some(1.0));
        assert!((precision(t).unwrap_or(0.0) - 2.0 / 5.0).abs() < 1e-12);
    }

    #[test]
    fn short_texts_are_one_shingle() {
        assert_eq!(shingles("just two").len(), 1);
        assert!(shingles("").is_empty());
    }
}
