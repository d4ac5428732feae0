//! `copydesk eval mt FILE`: scores every document of a JSONL file labelled with `kind`
//! (`machine_translation`, `human_translation`, `original`), `lang_pair` and `chunk` (as in the
//! WMT21 document set) and prints (1) the ROC AUC of `quality` separating human translations
//! and originals (positive) from machine translations, overall and per language pair, and (2)
//! pairwise accuracy: per (`lang_pair`, `chunk`), the share of (human translation, MT output)
//! pairs in which the human translation scores higher (ties count one half).

use super::garble::auc;
use crate::config::Options;
use crate::quality;
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, serde::Serialize)]
pub struct MtResult {
    pub records: usize,
    pub auc: f64,
    /// (language pair, AUC human vs MT, pairwise accuracy, pairs compared).
    pub by_pair: Vec<(String, f64, f64, usize)>,
    pub pairwise_mean: f64,
}

struct Doc {
    kind: String,
    pair: String,
    chunk: String,
    score: f64,
}

pub fn evaluate(file: &Path, options: &Options) -> Result<MtResult> {
    let mut docs = Vec::new();
    for v in super::read_labelled(file)? {
        {
            let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
            docs.push(Doc {
                kind: s("kind"),
                pair: s("lang_pair"),
                chunk: s("chunk"),
                score: quality::score(v["text"].as_str().unwrap_or(""), &options.quality).score,
            });
        }
    }
    let is_mt = |d: &Doc| d.kind == "machine_translation";
    let good: Vec<f64> = docs.iter().filter(|d| !is_mt(d)).map(|d| d.score).collect();
    let bad: Vec<f64> = docs.iter().filter(|d| is_mt(d)).map(|d| d.score).collect();
    let mut pairs: Vec<&str> = docs
        .iter()
        .filter(|d| d.kind == "human_translation")
        .map(|d| d.pair.as_str())
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut by_pair = Vec::new();
    for p in pairs {
        let h: Vec<f64> = docs
            .iter()
            .filter(|d| d.pair == p && d.kind == "human_translation")
            .map(|d| d.score)
            .collect();
        let m: Vec<f64> = docs
            .iter()
            .filter(|d| d.pair == p && is_mt(d))
            .map(|d| d.score)
            .collect();
        let mut chunks: BTreeMap<&str, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
        for d in docs.iter().filter(|d| d.pair == p) {
            let e = chunks.entry(d.chunk.as_str()).or_default();
            match d.kind.as_str() {
                "human_translation" => e.0.push(d.score),
                "machine_translation" => e.1.push(d.score),
                _ => {}
            }
        }
        let (mut wins, mut n) = (0.0, 0usize);
        for (hs, ms) in chunks.values() {
            for x in hs {
                for y in ms {
                    n += 1;
                    wins += if x > y {
                        1.0
                    } else if x == y {
                        0.5
                    } else {
                        0.0
                    };
                }
            }
        }
        let acc = if n == 0 { f64::NAN } else { wins / n as f64 };
        by_pair.push((p.to_string(), auc(&h, &m), acc, n));
    }
    let valid: Vec<f64> = by_pair
        .iter()
        .map(|b| b.2)
        .filter(|x| x.is_finite())
        .collect();
    Ok(MtResult {
        records: docs.len(),
        auc: auc(&good, &bad),
        pairwise_mean: if valid.is_empty() {
            f64::NAN
        } else {
            valid.iter().sum::<f64>() / valid.len() as f64
        },
        by_pair,
    })
}

pub fn render(r: &MtResult) -> String {
    let mut out = format!(
        "records {}\nROC AUC (human + original positive, MT negative) {:.4}\nmean pairwise accuracy {:.4}\n",
        r.records, r.auc, r.pairwise_mean
    );
    for (p, a, acc, n) in &r.by_pair {
        out.push_str(&format!(
            "  {p}: AUC human vs MT {a:.4}, pairwise {acc:.4} ({n} pairs)\n"
        ));
    }
    out
}
