//! `copydesk eval garble FILE`: scores every `text` of a JSONL file labelled with `garbled`
//! (bool), `intensity`, `level` and `ops` (as in the garble development set) with the quality
//! scorer, and prints the ROC AUC of `quality` separating clean (positive) from garbled
//! documents, the Spearman correlation of `quality` with `intensity` over garbled documents,
//! AUC per level and per single operator, how often each flag fires, and scoring speed.
//!
//! The scorer is called directly (no debris stage), single-threaded, so the MB/s figure is the
//! cost of scoring on one core.

use crate::config::Options;
use crate::quality;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, serde::Serialize)]
pub struct GarbleResult {
    pub records: usize,
    pub clean: usize,
    pub garbled: usize,
    pub auc: f64,
    pub spearman: f64,
    /// (level, garbled docs at that level, AUC of all clean vs those).
    pub auc_by_level: Vec<(String, usize, f64)>,
    /// (operator, garbled docs using only it, AUC of all clean vs those).
    pub auc_by_single_op: Vec<(String, usize, f64)>,
    /// (flag, share of clean docs with it, share of garbled docs with it).
    pub flag_rates: Vec<(String, f64, f64)>,
    /// (signal, AUC of the signal alone, oriented so that > 0.5 means it helps).
    pub signal_auc: Vec<(String, f64)>,
    pub megabytes: f64,
    /// Wall-clock seconds spent scoring.
    pub seconds: f64,
    pub mb_per_second: f64,
    /// CPU seconds of the scoring thread (Linux; `None` elsewhere): on a busy machine this is
    /// the figure that measures the scorer, not the neighbours.
    pub cpu_seconds: Option<f64>,
}

/// CPU time of the calling thread in seconds, from `/proc/thread-self/schedstat` (Linux).
fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

struct Doc {
    garbled: bool,
    intensity: f64,
    level: String,
    ops: Vec<String>,
    q: quality::Quality,
}

/// ROC AUC of `pos` scoring above `neg` (ties count one half).
pub fn auc(pos: &[f64], neg: &[f64]) -> f64 {
    if pos.is_empty() || neg.is_empty() {
        return f64::NAN;
    }
    let mut all: Vec<(f64, bool)> = pos
        .iter()
        .map(|&s| (s, true))
        .chain(neg.iter().map(|&s| (s, false)))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let ranks = average_ranks(&all.iter().map(|a| a.0).collect::<Vec<_>>());
    let rank_sum: f64 = all
        .iter()
        .zip(&ranks)
        .filter(|(a, _)| a.1)
        .map(|(_, r)| r)
        .sum();
    let np = pos.len() as f64;
    let nn = neg.len() as f64;
    (rank_sum - np * (np + 1.0) / 2.0) / (np * nn)
}

/// 1-based ranks of sorted values, ties sharing their average rank.
fn average_ranks(sorted: &[f64]) -> Vec<f64> {
    let mut ranks = vec![0.0; sorted.len()];
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j + 1 < sorted.len() && sorted[j + 1] == sorted[i] {
            j += 1;
        }
        let r = (i + j) as f64 / 2.0 + 1.0;
        for x in &mut ranks[i..=j] {
            *x = r;
        }
        i = j + 1;
    }
    ranks
}

fn ranks_of(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let sorted: Vec<f64> = idx.iter().map(|&i| v[i]).collect();
    let r = average_ranks(&sorted);
    let mut out = vec![0.0; v.len()];
    for (k, &i) in idx.iter().enumerate() {
        out[i] = r[k];
    }
    out
}

/// Spearman rank correlation (Pearson correlation of average ranks).
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len();
    if n < 2 || y.len() != n {
        return f64::NAN;
    }
    let (rx, ry) = (ranks_of(x), ranks_of(y));
    let mx = rx.iter().sum::<f64>() / n as f64;
    let my = ry.iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        sxy += (rx[i] - mx) * (ry[i] - my);
        sxx += (rx[i] - mx).powi(2);
        syy += (ry[i] - my).powi(2);
    }
    if sxx == 0.0 || syy == 0.0 {
        return 0.0;
    }
    sxy / (sxx * syy).sqrt()
}

/// Scores `file` and compares with its labels.
pub fn evaluate(file: &Path, options: &Options, dump: Option<&Path>) -> Result<GarbleResult> {
    let records = super::read_labelled(file)?;
    let mut docs = Vec::with_capacity(records.len());
    let mut bytes = 0usize;
    let mut seconds = 0.0;
    // Load the shipped tables before timing: that is a once-per-process cost.
    let _ = quality::score("Warm up.", &options.quality);
    let cpu_start = thread_cpu_seconds();
    for v in &records {
        let text = v["text"].as_str().unwrap_or_default();
        bytes += text.len();
        let t = std::time::Instant::now();
        let q = quality::score(text, &options.quality);
        seconds += t.elapsed().as_secs_f64();
        docs.push(Doc {
            garbled: v["garbled"].as_bool().unwrap_or(false),
            intensity: v["intensity"].as_f64().unwrap_or(0.0),
            level: v["level"].as_str().unwrap_or("").to_string(),
            ops: v["ops"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|o| o["op"].as_str().map(str::to_string))
                .collect(),
            q,
        });
    }
    let cpu_seconds = match (cpu_start, thread_cpu_seconds()) {
        (Some(a), Some(b)) => Some(b - a),
        _ => None,
    };
    if let Some(path) = dump {
        let mut out = std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        );
        for (v, d) in records.iter().zip(&docs) {
            let line = serde_json::json!({
                "id": v["id"], "garbled": d.garbled, "intensity": d.intensity,
                "ops": d.ops, "quality": d.q,
            });
            std::io::Write::write_all(&mut out, format!("{line}\n").as_bytes())?;
        }
    }
    let clean: Vec<f64> = docs
        .iter()
        .filter(|d| !d.garbled)
        .map(|d| d.q.score)
        .collect();
    let garbled: Vec<&Doc> = docs.iter().filter(|d| d.garbled).collect();
    let gs: Vec<f64> = garbled.iter().map(|d| d.q.score).collect();
    let gi: Vec<f64> = garbled.iter().map(|d| d.intensity).collect();
    let mut by_level: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut by_op: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for d in &garbled {
        by_level.entry(d.level.clone()).or_default().push(d.q.score);
        if let [op] = &d.ops[..] {
            by_op.entry(op.clone()).or_default().push(d.q.score);
        }
    }
    let level_order = ["light", "medium", "heavy"];
    let mut auc_by_level: Vec<(String, usize, f64)> = by_level
        .iter()
        .map(|(l, s)| (l.clone(), s.len(), auc(&clean, s)))
        .collect();
    auc_by_level.sort_by_key(|(l, _, _)| {
        level_order
            .iter()
            .position(|x| x == l)
            .unwrap_or(level_order.len())
    });
    let auc_by_single_op = by_op
        .iter()
        .map(|(o, s)| (o.clone(), s.len(), auc(&clean, s)))
        .collect();
    let mut flag_names: Vec<&str> = docs
        .iter()
        .flat_map(|d| d.q.flags.iter().copied())
        .collect();
    flag_names.sort_unstable();
    flag_names.dedup();
    let n_clean = clean.len().max(1) as f64;
    let n_garbled = garbled.len().max(1) as f64;
    let flag_rates = flag_names
        .iter()
        .map(|f| {
            let c = docs
                .iter()
                .filter(|d| !d.garbled && d.q.flags.contains(f))
                .count() as f64;
            let g = garbled.iter().filter(|d| d.q.flags.contains(f)).count() as f64;
            (f.to_string(), c / n_clean, g / n_garbled)
        })
        .collect();
    let mut signal_names: Vec<&str> = docs
        .iter()
        .flat_map(|d| d.q.signals.keys().copied())
        .collect();
    signal_names.sort_unstable();
    signal_names.dedup();
    let signal_auc = signal_names
        .iter()
        .map(|s| {
            let get = |d: &Doc| d.q.signals.get(s).copied().unwrap_or(0.0);
            let c: Vec<f64> = docs.iter().filter(|d| !d.garbled).map(get).collect();
            let g: Vec<f64> = garbled.iter().map(|d| get(d)).collect();
            // Signals grow with badness, so the clean side is the one scoring lower.
            (s.to_string(), auc(&g, &c))
        })
        .collect();
    let megabytes = bytes as f64 / 1e6;
    Ok(GarbleResult {
        records: docs.len(),
        clean: clean.len(),
        garbled: garbled.len(),
        auc: auc(&clean, &gs),
        spearman: spearman(&gs, &gi),
        auc_by_level,
        auc_by_single_op,
        flag_rates,
        signal_auc,
        megabytes,
        seconds,
        mb_per_second: if seconds > 0.0 {
            megabytes / seconds
        } else {
            0.0
        },
        cpu_seconds,
    })
}

/// Human-readable rendering of a result.
pub fn render(r: &GarbleResult, verbose: bool) -> String {
    let mut out = format!(
        "records {} (clean {}, garbled {})\nROC AUC (clean positive)      {:.4}\nSpearman(quality, intensity)  {:.4}\n",
        r.records, r.clean, r.garbled, r.auc, r.spearman
    );
    out.push_str("AUC by level:\n");
    for (l, n, a) in &r.auc_by_level {
        out.push_str(&format!("  {l:>8} ({n:>4}): {a:.4}\n"));
    }
    out.push_str("AUC by single operator:\n");
    for (o, n, a) in &r.auc_by_single_op {
        out.push_str(&format!("  {o:>14} ({n:>3}): {a:.4}\n"));
    }
    out.push_str("flags (share of clean / garbled docs):\n");
    for (f, c, g) in &r.flag_rates {
        out.push_str(&format!("  {f:>30}: {c:.3} / {g:.3}\n"));
    }
    if verbose {
        out.push_str("single-signal AUC (higher signal = more garbled):\n");
        for (s, a) in &r.signal_auc {
            out.push_str(&format!("  {s:>30}: {a:.4}\n"));
        }
    }
    out.push_str(&format!(
        "scoring speed: {:.1} MB in {:.2}s wall = {:.1} MB/s on one thread",
        r.megabytes, r.seconds, r.mb_per_second
    ));
    match r.cpu_seconds {
        Some(c) if c > 0.0 => out.push_str(&format!(
            "; {c:.2} CPU s = {:.1} MB/s per CPU second\n",
            r.megabytes / c
        )),
        _ => out.push('\n'),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_ties_as_half() {
        assert_eq!(auc(&[2.0, 3.0], &[1.0]), 1.0);
        assert_eq!(auc(&[1.0], &[1.0]), 0.5);
        assert_eq!(auc(&[0.0], &[1.0, 2.0]), 0.0);
    }

    #[test]
    fn spearman_of_monotone_series_is_one() {
        assert!((spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 40.0]) - 1.0).abs() < 1e-12);
        assert!((spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
    }
}
