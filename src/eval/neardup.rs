//! `copydesk eval neardup FILE`: runs `clean` on a JSONL file labelled with a `cluster` field
//! (and optionally `orig_id`, `is_original`, `j5`, as in the bundled development set) and prints
//! pairwise precision, recall, F1 and ARI of the duplicate clusters, plus recall by `j5` band.

use super::{label_str, pair_scores, read_labelled, read_lines, PairScores};
use crate::config::Options;
use anyhow::Result;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, serde::Serialize)]
pub struct NeardupResult {
    pub records: usize,
    pub scores: PairScores,
    /// (band label, copies in band, copies found with their original).
    pub recall_by_j5: Vec<(String, usize, usize)>,
    pub seconds: f64,
}

const J5_BANDS: &[(f64, f64, &str)] = &[
    (0.0, 0.3, "j5 < 0.3"),
    (0.3, 0.5, "0.3-0.5"),
    (0.5, 0.7, "0.5-0.7"),
    (0.7, 0.85, "0.7-0.85"),
    (0.85, 1.01, ">= 0.85"),
];

/// Runs the pipeline on `file` with `options` and scores its clusters against the labels.
pub fn evaluate(file: &Path, options: &Options, workdir: Option<PathBuf>) -> Result<NeardupResult> {
    let tmp = tempfile::tempdir()?;
    let outdir = workdir.unwrap_or_else(|| tmp.path().join("out"));
    let started = std::time::Instant::now();
    super::run_quiet(vec![file.to_path_buf()], &outdir, options.clone())?;
    let seconds = started.elapsed().as_secs_f64();
    let mut group_of: HashMap<String, String> = HashMap::new();
    for line in read_lines(&outdir.join("clusters.jsonl"))? {
        let v: Value = serde_json::from_str(&line)?;
        // Story groups are another level; copy clusters are what is scored here.
        if v["level"] == "story" {
            continue;
        }
        let cid = v["cluster"].as_str().unwrap_or_default().to_string();
        for m in v["members"].as_array().into_iter().flatten() {
            if let Some(id) = m.as_str() {
                group_of.insert(id.to_string(), cid.clone());
            }
        }
    }
    let mut truth = Vec::new();
    let mut predicted = Vec::new();
    let mut copies: Vec<(String, String, f64)> = Vec::new();
    for v in read_labelled(file)? {
        {
            let id = label_str(&v["id"]);
            let cluster = label_str(&v["cluster"]);
            predicted.push(
                group_of
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| format!("single:{id}")),
            );
            truth.push(cluster);
            if v["is_original"] == Value::Bool(false) {
                if let (Some(orig), Some(j5)) = (v["orig_id"].as_str(), v["j5"].as_f64()) {
                    copies.push((id, orig.to_string(), j5));
                }
            }
        }
    }
    let scores = pair_scores(&truth, &predicted);
    let recall_by_j5 = J5_BANDS
        .iter()
        .map(|&(lo, hi, label)| {
            let in_band: Vec<_> = copies.iter().filter(|c| c.2 >= lo && c.2 < hi).collect();
            let found = in_band
                .iter()
                .filter(|(id, orig, _)| {
                    matches!((group_of.get(id), group_of.get(orig)), (Some(a), Some(b)) if a == b)
                })
                .count();
            (label.to_string(), in_band.len(), found)
        })
        .collect();
    Ok(NeardupResult {
        records: truth.len(),
        scores,
        recall_by_j5,
        seconds,
    })
}

/// Human-readable rendering of a result.
pub fn render(r: &NeardupResult) -> String {
    let s = &r.scores;
    let mut out = format!(
        "records {}\nprecision {:.4}\nrecall    {:.4}\nF1        {:.4}\nARI       {:.4}\n(pairs: true {}, predicted {}, correct {}; {:.2}s)\n",
        r.records, s.precision, s.recall, s.f1, s.ari, s.true_pairs, s.predicted_pairs, s.correct_pairs, r.seconds
    );
    out.push_str("recall of copy→original by j5 band:\n");
    for (label, n, found) in &r.recall_by_j5 {
        if *n > 0 {
            out.push_str(&format!(
                "  {label:>9}: {found}/{n} = {:.3}\n",
                *found as f64 / *n as f64
            ));
        }
    }
    out
}
