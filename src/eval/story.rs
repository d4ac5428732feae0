//! `copydesk eval story FILE`: same-story decisions against labelled article pairs.
//!
//! FILE is JSONL with one pair per line: `id`, `text`, `text2` and a boolean `same_story` (the
//! SemEval-2022 Task 8 layout of `shared/data/story/`). Both articles of every pair become
//! separate records (ids from the pair id `A_B`, else `ID#1` / `ID#2`), the real `clean`
//! pipeline runs on all of them, and a pair is predicted "same story" when its two articles share
//! a story group or a copy cluster. Prints precision, recall and F1 over the labelled pairs.
//!
//! The figures are also given on two halves of the pairs (split by a hash of the pair id), and
//! every wrong decision is listed with its graded label.
//!
//! `--compare` also scores the candidate representations directly on the pairs (weighted cosine
//! of top-k vectors, of full vectors, weighted SimHash, the unweighted `simhash` crate): ROC AUC,
//! best F1 and precision at recall ≥ 0.7, which is how the stage's design was chosen.

use super::{for_each_written, label_str, read_labelled, run_quiet};
use crate::config::Options;
use crate::story::{terms, vector};
use anyhow::Result;
use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, serde::Serialize)]
pub struct StoryEvalResult {
    pub pairs: usize,
    pub articles: usize,
    pub positives: usize,
    pub predicted: usize,
    pub correct: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub story_groups: usize,
    /// Pairs with an article dropped before story grouping (quality filter, `mostly_debris`,
    /// language filter: no story and no copy cluster), and how many of them are same story.
    /// These pairs count as "not same" in the figures above.
    pub pairs_filtered: usize,
    pub positives_filtered: usize,
    /// False positives by the graded label `overall`: (band, count).
    pub false_positives_by_overall: Vec<(String, usize)>,
    pub seconds: f64,
    /// The same figures on two halves of the pairs (split by a hash of the pair id), to see
    /// how much a change owes to a few pairs.
    pub halves: Vec<HalfScore>,
    /// Every wrong decision: pair id, "false positive" or "false negative", graded label.
    pub errors: Vec<(String, String, Option<f64>)>,
    pub compare: Vec<MethodScore>,
}

/// Precision and recall on one half of the pairs.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HalfScore {
    pub half: String,
    pub pairs: usize,
    pub positives: usize,
    pub predicted: usize,
    pub correct: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Precision, recall and F1 (1.0 when nothing is predicted or nothing is positive).
fn prf(predicted: usize, correct: usize, positives: usize) -> (f64, f64, f64) {
    let precision = if predicted == 0 {
        1.0
    } else {
        correct as f64 / predicted as f64
    };
    let recall = if positives == 0 {
        1.0
    } else {
        correct as f64 / positives as f64
    };
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    (precision, recall, f1)
}

/// The half of a pair: low bit of the XXH3 hash of its id (stable across runs and platforms).
fn half_of(pair_id: &str) -> usize {
    (xxhash_rust::xxh3::xxh3_64(pair_id.as_bytes()) & 1) as usize
}

/// How well one similarity separates same-story pairs from the rest.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MethodScore {
    pub method: String,
    pub auc: f64,
    pub best_f1: f64,
    pub best_threshold: f64,
    pub precision_at_recall_07: f64,
}

struct Pair {
    id: String,
    a: String,
    b: String,
    same: bool,
    /// The graded label (1 = very similar ... 4 = very dissimilar), when present.
    overall: Option<f64>,
}

/// Runs the pipeline on the articles of `file` and scores its story decisions.
pub fn evaluate(
    file: &Path,
    options: &Options,
    workdir: Option<PathBuf>,
    compare: bool,
) -> Result<StoryEvalResult> {
    let tmp = tempfile::tempdir()?;
    let (pairs, articles) = read_pairs(file)?;
    let input = tmp.path().join("articles.jsonl");
    {
        let mut w = BufWriter::new(std::fs::File::create(&input)?);
        for (id, text) in &articles {
            serde_json::to_writer(&mut w, &serde_json::json!({ "id": id, "text": text }))?;
            w.write_all(b"\n")?;
        }
        w.flush()?;
    }
    let outdir = workdir.unwrap_or_else(|| tmp.path().join("out"));
    let started = std::time::Instant::now();
    run_quiet(vec![input], &outdir, options.clone())?;
    let seconds = started.elapsed().as_secs_f64();
    // id → (story, copy cluster, text as written).
    let mut seen: HashMap<String, (Option<String>, Option<String>, String)> = HashMap::new();
    // Articles dropped before grouping: neither a story nor a copy cluster.
    let mut filtered: std::collections::HashSet<String> = std::collections::HashSet::new();
    for_each_written(&outdir, |dropped, v| {
        let c = &v["copydesk"];
        if dropped && c["story"].is_null() && c["cluster"].is_null() {
            filtered.insert(label_str(&v["id"]));
        }
        seen.insert(
            label_str(&v["id"]),
            (
                c["story"].as_str().map(String::from),
                c["cluster"].as_str().map(String::from),
                v["text"].as_str().unwrap_or_default().to_string(),
            ),
        );
    })?;
    let same_group = |a: &str, b: &str| {
        let (Some(x), Some(y)) = (seen.get(a), seen.get(b)) else {
            return false;
        };
        (x.0.is_some() && x.0 == y.0) || (x.1.is_some() && x.1 == y.1)
    };
    let (mut positives, mut predicted, mut correct) = (0, 0, 0);
    // Per half: (pairs, positives, predicted, correct).
    let mut half = [(0usize, 0usize, 0usize, 0usize); 2];
    let mut errors = Vec::new();
    let mut fp_bands: Vec<(String, usize)> =
        OVERALL_BANDS.iter().map(|b| (b.2.to_string(), 0)).collect();
    let (mut pairs_filtered, mut positives_filtered) = (0, 0);
    for p in &pairs {
        if filtered.contains(&p.a) || filtered.contains(&p.b) {
            pairs_filtered += 1;
            positives_filtered += p.same as usize;
        }
        let guess = same_group(&p.a, &p.b);
        positives += p.same as usize;
        predicted += guess as usize;
        correct += (guess && p.same) as usize;
        if guess != p.same {
            let kind = if guess {
                "false positive"
            } else {
                "false negative"
            };
            errors.push((p.id.clone(), kind.to_string(), p.overall));
        }
        let h = &mut half[half_of(&p.id)];
        h.0 += 1;
        h.1 += p.same as usize;
        h.2 += guess as usize;
        h.3 += (guess && p.same) as usize;
        if guess && !p.same {
            if let Some(o) = p.overall {
                if let Some(k) = OVERALL_BANDS.iter().position(|b| o > b.0 && o <= b.1) {
                    fp_bands[k].1 += 1;
                }
            }
        }
    }
    let (precision, recall, f1) = prf(predicted, correct, positives);
    let halves = half
        .iter()
        .zip(["A", "B"])
        .map(|(h, name)| {
            let (precision, recall, f1) = prf(h.2, h.3, h.1);
            HalfScore {
                half: name.to_string(),
                pairs: h.0,
                positives: h.1,
                predicted: h.2,
                correct: h.3,
                precision,
                recall,
                f1,
            }
        })
        .collect();
    let mut story_ids: Vec<&String> = seen.values().filter_map(|x| x.0.as_ref()).collect();
    story_ids.sort();
    story_ids.dedup();
    let compare = if compare {
        let texts: HashMap<&str, &str> = seen
            .iter()
            .map(|(id, x)| (id.as_str(), x.2.as_str()))
            .collect();
        compare_methods(&pairs, &texts, options)
    } else {
        Vec::new()
    };
    Ok(StoryEvalResult {
        pairs: pairs.len(),
        articles: articles.len(),
        positives,
        predicted,
        correct,
        precision,
        recall,
        f1,
        story_groups: story_ids.len(),
        pairs_filtered,
        positives_filtered,
        false_positives_by_overall: fp_bands,
        seconds,
        halves,
        errors,
        compare,
    })
}

/// Distinct articles as (id, text).
type Articles = Vec<(String, String)>;

/// Bands of the graded label for false positives: (above, up to, label).
const OVERALL_BANDS: &[(f64, f64, &str)] = &[
    (1.5, 2.0, "1.5 < overall <= 2 (related)"),
    (2.0, 3.0, "2 < overall <= 3"),
    (3.0, 4.0, "3 < overall <= 4 (unrelated)"),
];

/// The labelled pairs and the distinct articles (id, text) in first-seen order.
fn read_pairs(file: &Path) -> Result<(Vec<Pair>, Articles)> {
    let mut pairs = Vec::new();
    let mut articles: Vec<(String, String)> = Vec::new();
    let mut text_of: HashMap<String, usize> = HashMap::new();
    let at = file.display();
    for (n, v) in read_labelled(file)?.into_iter().enumerate() {
        {
            let id = label_str(&v["id"]);
            let (Some(t1), Some(t2)) = (v["text"].as_str(), v["text2"].as_str()) else {
                anyhow::bail!("{at}: record {}: a pair needs text and text2", n + 1);
            };
            let same = match &v["same_story"] {
                Value::Bool(b) => *b,
                Value::Number(x) => x.as_f64().is_some_and(|x| x != 0.0),
                _ => anyhow::bail!("{at}: record {}: same_story must be a boolean", n + 1),
            };
            let (ia, ib) = match id.split_once('_') {
                Some((a, b)) if !a.is_empty() && !b.is_empty() && a != b => {
                    (a.to_string(), b.to_string())
                }
                _ => (format!("{id}#1"), format!("{id}#2")),
            };
            let mut place = |aid: String, text: &str| -> String {
                match text_of.get(&aid) {
                    Some(&k) if articles[k].1 == text => aid,
                    Some(_) => {
                        // Same article id with another text: keep both, apart.
                        let alt = format!("{aid}@{id}");
                        text_of.insert(alt.clone(), articles.len());
                        articles.push((alt.clone(), text.to_string()));
                        alt
                    }
                    None => {
                        text_of.insert(aid.clone(), articles.len());
                        articles.push((aid.clone(), text.to_string()));
                        aid
                    }
                }
            };
            let a = place(ia, t1);
            let b = place(ib, t2);
            let overall = v["overall"].as_f64();
            pairs.push(Pair {
                id: id.clone(),
                a,
                b,
                same,
                overall,
            });
        }
    }
    Ok((pairs, articles))
}

fn compare_methods(
    pairs: &[Pair],
    texts: &HashMap<&str, &str>,
    opts: &Options,
) -> Vec<MethodScore> {
    let so = &opts.story;
    let mut ids: Vec<&str> = texts.keys().copied().collect();
    ids.sort_unstable();
    let mut df = vector::DocFreq::new(so.df_table_terms, so.background_docs);
    let mut corpus_df = vector::DocFreq::new(so.df_table_terms, 0.0);
    let doc_terms: HashMap<&str, Vec<terms::Term>> = ids
        .iter()
        .map(|&id| (id, terms::doc_terms(texts[id])))
        .collect();
    for id in &ids {
        df.add_doc(&doc_terms[id]);
        corpus_df.add_doc(&doc_terms[id]);
    }
    let w = vector::Weighting {
        name_boost: so.name_boost,
        number_boost: so.number_boost,
    };
    let flat = vector::Weighting {
        name_boost: 1.0,
        number_boost: 1.0,
    };
    type Sim = Box<dyn Fn(&str, &str) -> f64>;
    let top = |df: &vector::DocFreq, wt: vector::Weighting, k: usize| {
        let v: HashMap<String, vector::TopTerms> = ids
            .iter()
            .map(|&id| {
                let t = vector::top_k(&vector::weigh(&doc_terms[id], df, wt), k);
                (id.to_string(), t)
            })
            .collect();
        v
    };
    let cos_of = |v: HashMap<String, vector::TopTerms>| -> Sim {
        Box::new(move |a: &str, b: &str| {
            let (x, y) = (&v[a], &v[b]);
            vector::overlap(
                (&x.keys, &x.weights, &x.kinds),
                (&y.keys, &y.weights, &y.kinds),
            )
            .cosine
        })
    };
    let k = so.top_terms;
    let mut methods: Vec<(String, Sim)> = vec![
        (
            format!("cosine top-{k}, boosts, background IDF (default)"),
            cos_of(top(&df, w, k)),
        ),
        (
            format!("cosine top-{k}, boosts, corpus IDF only"),
            cos_of(top(&corpus_df, w, k)),
        ),
        (
            format!("cosine top-{k}, no boosts, background IDF"),
            cos_of(top(&df, flat, k)),
        ),
        (
            "cosine top-12, boosts, background IDF".into(),
            cos_of(top(&df, w, 12)),
        ),
        (
            "cosine top-48, boosts, background IDF".into(),
            cos_of(top(&df, w, 48)),
        ),
        (
            "cosine all terms, boosts, background IDF".into(),
            cos_of(top(&df, w, usize::MAX)),
        ),
    ];
    let sh: HashMap<String, u64> = ids
        .iter()
        .map(|&id| {
            (
                id.to_string(),
                vector::weighted_simhash(&vector::weigh(&doc_terms[id], &df, w)),
            )
        })
        .collect();
    methods.push((
        "weighted SimHash-64 (all terms, same weights)".into(),
        Box::new(move |a: &str, b: &str| vector::simhash_similarity(sh[a], sh[b])),
    ));
    let plain: HashMap<String, u64> = ids
        .iter()
        .map(|&id| (id.to_string(), simhash::simhash(texts[id])))
        .collect();
    methods.push((
        "simhash crate (unweighted words)".into(),
        Box::new(move |a: &str, b: &str| simhash::hash_similarity(plain[a], plain[b])),
    ));
    methods
        .into_iter()
        .map(|(name, sim)| {
            let scored: Vec<(f64, bool)> = pairs
                .iter()
                .filter(|p| texts.contains_key(p.a.as_str()) && texts.contains_key(p.b.as_str()))
                .map(|p| (sim(&p.a, &p.b), p.same))
                .collect();
            score_method(name, &scored)
        })
        .collect()
}

fn score_method(method: String, scored: &[(f64, bool)]) -> MethodScore {
    let pos: Vec<f64> = scored.iter().filter(|s| s.1).map(|s| s.0).collect();
    let neg: Vec<f64> = scored.iter().filter(|s| !s.1).map(|s| s.0).collect();
    let mut wins = 0.0;
    for p in &pos {
        for n in &neg {
            wins += if p > n {
                1.0
            } else if p == n {
                0.5
            } else {
                0.0
            };
        }
    }
    let auc = wins / (pos.len().max(1) * neg.len().max(1)) as f64;
    let mut thresholds: Vec<f64> = scored.iter().map(|s| s.0).collect();
    thresholds.sort_by(f64::total_cmp);
    thresholds.dedup();
    let (mut best_f1, mut best_threshold, mut p_at_r) = (0.0, 0.0, 0.0f64);
    for &t in &thresholds {
        let tp = pos.iter().filter(|&&x| x >= t).count() as f64;
        let fp = neg.iter().filter(|&&x| x >= t).count() as f64;
        let p = if tp + fp > 0.0 { tp / (tp + fp) } else { 1.0 };
        let r = tp / pos.len().max(1) as f64;
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        if f > best_f1 {
            (best_f1, best_threshold) = (f, t);
        }
        if r >= 0.7 {
            p_at_r = p_at_r.max(p);
        }
    }
    MethodScore {
        method,
        auc,
        best_f1,
        best_threshold,
        precision_at_recall_07: p_at_r,
    }
}

/// Human-readable rendering of a result.
pub fn render(r: &StoryEvalResult) -> String {
    let mut out = format!(
        "pairs {} ({} same story), articles {}, story groups {}\nprecision {:.4}\nrecall    {:.4}\nF1        {:.4}\n(predicted same {}, correct {}; {:.2}s)\n",
        r.pairs, r.positives, r.articles, r.story_groups, r.precision, r.recall, r.f1, r.predicted, r.correct, r.seconds
    );
    for h in &r.halves {
        out.push_str(&format!(
            "half {}: {} pairs ({} same story): precision {:.4} recall {:.4} F1 {:.4} (predicted {}, correct {})\n",
            h.half, h.pairs, h.positives, h.precision, h.recall, h.f1, h.predicted, h.correct
        ));
    }
    if r.pairs_filtered > 0 {
        out.push_str(&format!(
            "pairs with an article dropped before story grouping: {} ({} same story; counted as not same; --min-quality 0 keeps low-quality articles)\n",
            r.pairs_filtered, r.positives_filtered
        ));
    }
    if r.false_positives_by_overall.iter().any(|b| b.1 > 0) {
        out.push_str("false positives by graded label:\n");
        for (band, n) in &r.false_positives_by_overall {
            out.push_str(&format!("  {band}: {n}\n"));
        }
    }
    if !r.errors.is_empty() {
        out.push_str("wrong decisions (pair, kind, overall):\n");
        for (id, kind, overall) in &r.errors {
            let o = overall.map_or_else(|| "-".to_string(), |o| format!("{o:.2}"));
            out.push_str(&format!("  {id} {kind} {o}\n"));
        }
    }
    if !r.compare.is_empty() {
        out.push_str("\nsimilarity on the labelled pairs (cleaned texts):\n");
        out.push_str(&format!(
            "  {:<50} {:>6} {:>8} {:>6} {:>8}\n",
            "method", "AUC", "best F1", "at", "P@R0.7"
        ));
        for m in &r.compare {
            out.push_str(&format!(
                "  {:<50} {:>6.3} {:>8.3} {:>6.3} {:>8.3}\n",
                m.method, m.auc, m.best_f1, m.best_threshold, m.precision_at_recall_07
            ));
        }
    }
    out
}
