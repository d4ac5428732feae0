//! `copydesk eval mt FILE`: scores every document of a JSONL file labelled with `kind`
//! (`machine_translation`, `human_translation`, `original`), `lang_pair` and `chunk` (as in the
//! WMT21 document set) and prints (1) the ROC AUC of `quality` separating human translations
//! and originals (positive) from machine translations, overall and per language pair, and (2)
//! pairwise accuracy: per (`lang_pair`, `chunk`), the share of (human translation, MT output)
//! pairs in which the human translation scores higher (ties count one half).
//!
//! By default each document is scored alone (`quality::score`). With `in_corpus` the file runs
//! through the whole `clean` pipeline instead and each record's `copydesk.quality` is read from
//! `cleaned.jsonl` / `dropped.jsonl`: debris stripping, and the name checks of near-copy and
//! same-story members against their group's names, then count. That is what a user who cleans
//! such a corpus gets, where many translations of one text form a group.

use super::garble::auc;
use crate::config::Options;
use crate::quality;
use anyhow::{Context, Result};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

#[derive(Debug, Clone, serde::Serialize)]
pub struct MtResult {
    pub records: usize,
    /// Scored through the whole pipeline (true) or each document alone (false).
    pub in_corpus: bool,
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

pub fn evaluate(file: &Path, options: &Options, in_corpus: bool) -> Result<MtResult> {
    let piped = if in_corpus {
        Some(pipeline_scores(file, options)?)
    } else {
        None
    };
    let mut docs = Vec::new();
    for v in super::read_labelled(file)? {
        let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
        let score = match &piped {
            Some(by_id) => {
                let id = super::label_str(&v["id"]);
                *by_id
                    .get(&id)
                    .with_context(|| format!("record {id} is missing from the outputs"))?
            }
            None => quality::score(v["text"].as_str().unwrap_or(""), &options.quality).score,
        };
        docs.push(Doc {
            kind: s("kind"),
            pair: s("lang_pair"),
            chunk: s("chunk"),
            score,
        });
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
        in_corpus,
        auc: auc(&good, &bad),
        pairwise_mean: if valid.is_empty() {
            f64::NAN
        } else {
            valid.iter().sum::<f64>() / valid.len() as f64
        },
        by_pair,
    })
}

/// Runs `clean` on `file` (nothing dropped for quality, so every record is scored) and returns
/// each record's `copydesk.quality` by id.
fn pipeline_scores(file: &Path, options: &Options) -> Result<HashMap<String, f64>> {
    let tmp = tempfile::tempdir()?;
    let outdir = tmp.path().join("out");
    let mut options = options.clone();
    options.quality.min_quality = 0.0;
    super::run_quiet(vec![file.to_path_buf()], &outdir, options)?;
    let mut by_id = HashMap::new();
    super::for_each_written(&outdir, |_, v| {
        if let Some(q) = v["copydesk"]["quality"].as_f64() {
            by_id.insert(super::label_str(&v["id"]), q);
        }
    })?;
    Ok(by_id)
}

pub fn render(r: &MtResult) -> String {
    let mut out = format!(
        "records {}{}\nROC AUC (human + original positive, MT negative) {:.4}\nmean pairwise accuracy {:.4}\n",
        r.records,
        if r.in_corpus {
            " (scored in the corpus: the whole clean pipeline)"
        } else {
            " (each scored alone)"
        },
        r.auc,
        r.pairwise_mean
    );
    for (p, a, acc, n) in &r.by_pair {
        out.push_str(&format!(
            "  {p}: AUC human vs MT {a:.4}, pairwise {acc:.4} ({n} pairs)\n"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two chunks of one language pair, each with a human translation and a machine output
    /// that garbles a name the human translation spells consistently.
    fn labelled_file(dir: &Path) -> std::path::PathBuf {
        let human = "The minister Isa Pantami said on Monday that the new network would reach \
                     every state by March. Pantami told reporters in Abuja that the plan had \
                     been approved by the federal cabinet after a long debate.";
        let machine = "The minister Isa Pantami said on Monday that the new network would reach \
                       every state by March. Pantomi told reporters in Abuja that the plan had \
                       approved. By the federal cabinet after a long debate.";
        let mut lines = String::new();
        for chunk in ["chunk000", "chunk001"] {
            let suffix = if chunk == "chunk001" {
                " Officials in Kano welcomed the announcement."
            } else {
                ""
            };
            for (kind, system, text) in [
                ("human_translation", "ref-A", human),
                ("machine_translation", "sys1", machine),
            ] {
                let record = serde_json::json!({
                    "id": format!("ha-en:{system}:{chunk}"),
                    "text": format!("{text}{suffix}"),
                    "kind": kind,
                    "lang_pair": "ha-en",
                    "system": system,
                    "chunk": chunk,
                });
                lines.push_str(&format!("{record}\n"));
            }
        }
        let path = dir.join("mt.jsonl");
        std::fs::write(&path, lines).expect("write");
        path
    }

    #[test]
    fn both_modes_score_every_record_and_rank_the_human_translation_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = labelled_file(dir.path());
        let options = Options::default();
        for in_corpus in [false, true] {
            let r = evaluate(&file, &options, in_corpus).expect("evaluate");
            assert_eq!(r.records, 4);
            assert_eq!(r.in_corpus, in_corpus);
            assert_eq!(r.by_pair.len(), 1);
            let (pair, _, accuracy, pairs) = &r.by_pair[0];
            assert_eq!(pair, "ha-en");
            assert_eq!(*pairs, 2, "one human/MT pair per chunk");
            assert_eq!(*accuracy, 1.0, "in_corpus {in_corpus}: {r:?}");
            assert!(render(&r).contains(if in_corpus { "in the corpus" } else { "alone" }));
        }
    }
}
