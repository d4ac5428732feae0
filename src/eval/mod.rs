//! Evaluation against labelled data: the figures quoted in the README come from here.
//! Each evaluation runs the real `clean` pipeline on a labelled JSONL file and compares the
//! output files with the labels.

pub mod boilerplate;
pub mod garble;
pub mod mt;
pub mod neardup;
pub mod story;

use crate::config::Options;
use crate::pipeline::{run, CleanJob};
use crate::progress::Mode;
use anyhow::{Context, Result};
use serde_json::Value;
use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// Runs `clean` on `inputs` into `outdir` with no progress output.
pub(crate) fn run_quiet(inputs: Vec<PathBuf>, outdir: &Path, options: Options) -> Result<()> {
    run(&CleanJob {
        inputs,
        outdir: outdir.to_path_buf(),
        options,
        progress: Mode::Quiet,
    })?;
    Ok(())
}

/// Calls `f` with every record the pipeline wrote to `cleaned.jsonl` and then
/// `dropped.jsonl` in `outdir` (`dropped` says which), parsed.
pub(crate) fn for_each_written(outdir: &Path, mut f: impl FnMut(bool, &Value)) -> Result<()> {
    for (name, dropped) in [("cleaned.jsonl", false), ("dropped.jsonl", true)] {
        for line in read_lines(&outdir.join(name))? {
            f(dropped, &serde_json::from_str(&line)?);
        }
    }
    Ok(())
}

/// Every record of a labelled JSONL file (plain or compressed), in order; blank lines skipped.
/// A labelled file is ours to trust, so a bad line is an error naming file and line.
pub fn read_labelled(file: &Path) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    for source in crate::input::discover(&[file.to_path_buf()])? {
        let reader = crate::input::open(&source)?;
        for (n, line) in reader.lines().enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let v: Value = serde_json::from_str(&line)
                .with_context(|| format!("{}:{}: not valid JSON", source.display, n + 1))?;
            out.push(v);
        }
    }
    Ok(out)
}

/// A label or id as a string, whatever its JSON type.
pub fn label_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The lines of an output file of the pipeline.
pub fn read_lines(path: &Path) -> Result<Vec<String>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    Ok(std::io::BufReader::new(file)
        .lines()
        .collect::<std::io::Result<_>>()?)
}

/// Pairwise clustering scores: every unordered pair of items is positive when both share a
/// true label, predicted positive when both share a predicted group.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct PairScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub ari: f64,
    pub true_pairs: u64,
    pub predicted_pairs: u64,
    pub correct_pairs: u64,
}

fn pairs(n: u64) -> f64 {
    (n * n.saturating_sub(1) / 2) as f64
}

/// Scores predicted groups against true labels (one entry per item in each slice; an item with a
/// unique label is a singleton). Uses the contingency table, so it is linear in the items.
pub fn pair_scores<T: std::hash::Hash + Eq, P: std::hash::Hash + Eq>(
    truth: &[T],
    predicted: &[P],
) -> PairScores {
    assert_eq!(truth.len(), predicted.len());
    let mut joint: HashMap<(&T, &P), u64> = HashMap::new();
    let mut by_truth: HashMap<&T, u64> = HashMap::new();
    let mut by_pred: HashMap<&P, u64> = HashMap::new();
    for (t, p) in truth.iter().zip(predicted) {
        *joint.entry((t, p)).or_default() += 1;
        *by_truth.entry(t).or_default() += 1;
        *by_pred.entry(p).or_default() += 1;
    }
    let correct: f64 = joint.values().map(|&n| pairs(n)).sum();
    let true_pairs: f64 = by_truth.values().map(|&n| pairs(n)).sum();
    let pred_pairs: f64 = by_pred.values().map(|&n| pairs(n)).sum();
    let precision = if pred_pairs == 0.0 {
        1.0
    } else {
        correct / pred_pairs
    };
    let recall = if true_pairs == 0.0 {
        1.0
    } else {
        correct / true_pairs
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    let all = pairs(truth.len() as u64);
    let expected = if all == 0.0 {
        0.0
    } else {
        true_pairs * pred_pairs / all
    };
    let max_index = (true_pairs + pred_pairs) / 2.0;
    let ari = if (max_index - expected).abs() < f64::EPSILON {
        1.0
    } else {
        (correct - expected) / (max_index - expected)
    };
    PairScores {
        precision,
        recall,
        f1,
        ari,
        true_pairs: true_pairs as u64,
        predicted_pairs: pred_pairs as u64,
        correct_pairs: correct as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_clustering_scores_one() {
        let s = pair_scores(&[1, 1, 2, 2, 3], &["a", "a", "b", "b", "c"]);
        assert_eq!((s.precision, s.recall, s.f1, s.ari), (1.0, 1.0, 1.0, 1.0));
    }

    #[test]
    fn merging_two_clusters_costs_precision_not_recall() {
        let s = pair_scores(&[1, 1, 2, 2], &[0, 0, 0, 0]);
        assert_eq!(s.recall, 1.0);
        assert!((s.precision - 2.0 / 6.0).abs() < 1e-12);
        assert!(s.ari < 0.5);
    }

    #[test]
    fn splitting_costs_recall() {
        let s = pair_scores(&[1, 1, 1], &[0, 0, 1]);
        assert_eq!(s.precision, 1.0);
        assert!((s.recall - 1.0 / 3.0).abs() < 1e-12);
    }
}
