//! Story stage: groups articles that report the same event in different words — rewrites,
//! spun copies, translations — which share facts but hardly any sentence, so the near-copy
//! detector rightly leaves them apart.
//!
//! How (each step measured with `copydesk eval story`, see the README):
//! 1. **Terms** ([`terms`]): content words of the *cleaned* text (debris already stripped),
//!    names (capitalised inside a sentence) and numbers marked.
//! 2. **Weights** ([`vector`]): (1 + ln tf) × IDF × boosts for names and numbers. Document
//!    frequencies are counted over the articles taking part (one per copy cluster, so syndication
//!    does not make a story's words look common), in a table of bounded size.
//! 3. **Vector**: the `top_terms` heaviest terms of each article, kept in a flat arena (about
//!    9 bytes per term: 24 terms ≈ 220 bytes per article).
//! 4. **Candidates, verification, clustering** ([`cluster`]): inverted index over each
//!    article's heaviest terms with capped posting lists, cosine plus shared names/numbers, and
//!    average linkage with a majority rule, so one article cannot chain two unrelated stories.
//! 5. **Own wording** ([`terms::outside_shared_wording`]): before clustering, a verified pair must
//!    keep [`OWN_WORDING_SHARE`] × `min_similarity` once the runs of words both texts share are
//!    set aside, so templated reports of different events (one league's match reports) and
//!    pages alike only through boilerplate do not count as one story.
//! 6. **Event days** ([`event`]): a verified pair whose texts both name weekdays, none in
//!    common (future ones like "coming Friday" left out), reports two events and is dropped.
//!
//! Cost: each text is read and tokenized once for document frequencies; its term lists are kept
//! (up to `TERM_CACHE_BYTES`) to build the vectors, so the second tokenization only happens
//! beyond that. Candidate work per article is bounded (see [`cluster`]).
//!
//! Guarantees: the stage never changes copy clusters (it runs on one representative per
//! cluster, after them); results are identical whatever the thread count (batches are folded in
//! input order, every list is sorted before use); only compact vectors stay in memory, texts are
//! re-read from the cleaned spill.

pub mod background;
pub mod cluster;
pub mod dates;
pub mod event;
pub mod terms;
pub mod vector;

use crate::config::StoryOptions;
use crate::select::{self, Candidate, DecidedBy};
use crate::spill::SpillReader;
use anyhow::{anyhow, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use vector::{DocFreq, TopTerms, Weighting};

/// One same-story group.
#[derive(Debug, Clone)]
pub struct StoryGroup {
    /// `s000001`, ... in order of the group's first article.
    pub id: String,
    /// The articles (one representative per copy cluster), in input order.
    pub articles: Vec<u32>,
    pub kept: u32,
    pub runner_up: u32,
    pub decided_by: DecidedBy,
    /// Distinctive terms most articles of the group share, heaviest first.
    pub evidence: Vec<String>,
    /// Cosine of the verified pairs inside the group.
    pub cosine_min: f64,
    pub cosine_mean: f64,
    /// Verified pairs inside the group, out of all pairs.
    pub linked_pairs: u64,
}

/// Counters for the report.
#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoryStats {
    pub articles: u64,
    pub candidate_pairs: u64,
    pub verified_pairs: u64,
    /// Terms too common in the vectors to serve as candidate keys.
    pub skipped_keys: u64,
    pub groups: u64,
    pub grouped_articles: u64,
    pub vector_bytes: u64,
}

/// The result of the stage.
#[derive(Debug, Default)]
pub struct Stories {
    pub groups: Vec<StoryGroup>,
    /// Per record: index into `groups` (representatives only until [`Stories::extend_to`]).
    pub story_of: Vec<Option<u32>>,
    pub stats: StoryStats,
}

impl Stories {
    /// Gives every record the story of its representative (copies share their kept copy's).
    pub fn extend_to(&mut self, rep_of: impl Fn(u32) -> Option<u32>) {
        for d in 0..self.story_of.len() {
            if self.story_of[d].is_none() {
                if let Some(r) = rep_of(d as u32) {
                    self.story_of[d] = self.story_of[r as usize];
                }
            }
        }
    }
}

/// Articles read per batch.
const BATCH: usize = 2048;

/// A verified pair must keep this share of `min_similarity` on the words it does not share in
/// runs ([`terms::outside_shared_wording`]). Rewrites of one event keep most of their
/// similarity (they share facts, not phrases); templated reports, boilerplate-sharing pages and
/// paywall notices lose nearly all of it.
pub const OWN_WORDING_SHARE: f64 = 0.6;
/// Keys per article in the candidate index: its 16 heaviest terms that are not in more than
/// `max_postings` vectors. A pair is a candidate when the indexed keys of both articles share
/// two terms. With 16 the 20,000-article bench corpus gives exactly the groups of probing all
/// 24 terms (12 lost 3 of 28), with a third fewer candidate pairs.
pub const INDEX_TERMS: usize = 16;
/// Pass A keeps the term lists of articles for pass B up to this many bytes (about 90,000
/// news-sized articles); beyond, pass B tokenizes the cleaned text again. The result is the
/// same either way.
pub const TERM_CACHE_BYTES: usize = 256 << 20;
/// Evidence terms listed per group.
const EVIDENCE_TERMS: usize = 12;

/// Runs the stage over `reps` (record indices in increasing order, one per copy cluster, none
/// filtered). `clean_at` gives a record's offset in the cleaned spill, `rank` its quality and
/// cleaned length (for choosing the best of a group), `day` its publication day from the date
/// fields of its original record (`dates::record_day`). `n_docs` is the number of records. Term lists are kept between the two
/// passes up to `term_cache_bytes` (the memory budget's share; [`TERM_CACHE_BYTES`] without
/// one).
#[allow(clippy::too_many_arguments)]
// Kept out of line so that profiles show the stage as one function.
#[inline(never)]
pub fn group(
    spill: &SpillReader,
    n_docs: usize,
    reps: &[u32],
    clean_at: impl Fn(u32) -> u64 + Sync,
    rank: impl Fn(u32) -> (f64, u64),
    day: impl Fn(u32) -> Result<Option<i32>> + Sync,
    term_cache_bytes: usize,
    opts: &StoryOptions,
) -> Result<Stories> {
    let mut out = Stories {
        story_of: vec![None; n_docs],
        ..Stories::default()
    };
    out.stats.articles = reps.len() as u64;
    if !opts.enabled || reps.len() < 2 {
        return Ok(out);
    }
    // Pass A: document frequencies, folded in input order (deterministic even when pruned).
    // The term lists are kept for pass B while they fit in TERM_CACHE_BYTES: tokenizing was
    // most of the stage's cost, and it was done twice.
    let mut df = DocFreq::new(opts.df_table_terms, opts.background_docs);
    let mut days: Vec<Option<i32>> = Vec::new();
    let mut cache: Vec<Vec<terms::Term>> = Vec::new();
    let mut cache_bytes = 0usize;
    let mut caching = true;
    let use_dates = opts.max_days_apart.is_some() && !opts.date_fields.is_empty();
    for chunk in reps.chunks(BATCH) {
        let terms: Vec<(Vec<terms::Term>, Option<i32>)> = chunk
            .par_iter()
            .map(|&d| {
                let day = if use_dates { day(d)? } else { None };
                Ok((spill.with_text_at(clean_at(d), terms::doc_terms)?, day))
            })
            .collect::<Result<_>>()?;
        for (t, day) in terms {
            df.add_doc(&t);
            days.push(day);
            if caching {
                cache_bytes += t.capacity() * std::mem::size_of::<terms::Term>() + 24;
                caching = cache_bytes <= term_cache_bytes;
                if caching {
                    cache.push(t);
                }
            }
        }
    }
    df.freeze();
    // Pass B: the story vector of every article (term lists from the cache, else tokenized
    // again).
    let weighting = Weighting {
        name_boost: opts.name_boost,
        number_boost: opts.number_boost,
    };
    let mut arena = cluster::Arena::default();
    let mut cached = cache.into_iter();
    for chunk in reps.chunks(BATCH) {
        let have: Vec<Vec<terms::Term>> = cached.by_ref().take(chunk.len()).collect();
        let vectors: Vec<TopTerms> = chunk
            .par_iter()
            .enumerate()
            .map(|(i, &d)| {
                let fresh;
                let t = match have.get(i) {
                    Some(t) => t,
                    None => {
                        fresh = spill.with_text_at(clean_at(d), terms::doc_terms)?;
                        &fresh
                    }
                };
                Ok(vector::top_k(
                    &vector::weigh(t, &df, weighting),
                    opts.top_terms,
                ))
            })
            .collect::<Result<_>>()?;
        for v in &vectors {
            arena.push(v);
        }
    }
    out.stats.vector_bytes = arena.bytes() as u64;
    let rules = cluster::Rules {
        max_postings: opts.max_postings,
        index_terms: INDEX_TERMS.min(opts.top_terms),
        min_shared_terms: opts.min_shared_terms.max(1),
        min_similarity: opts.min_similarity,
        min_shared_facts: opts.min_shared_facts,
        max_days_apart: opts.max_days_apart,
    };
    let mut counts = cluster::PairCounts::default();
    let edges = cluster::verified_edges(&arena, &days, &rules, &mut counts);
    // Own-wording check: the pair must stay similar once the runs of words it shares are set
    // aside (templated reports of different events share their similarity through them).
    // Event days: a pair whose texts name weekdays, none in common, is two events.
    let min_own = opts.min_similarity * OWN_WORDING_SHARE;
    let own: Vec<f64> = edges
        .par_iter()
        .map(|e| {
            // Both texts borrowed from their spill entries (no copies).
            spill.with_text_at(clean_at(reps[e.a as usize]), |text_a| {
                spill.with_text_at(clean_at(reps[e.b as usize]), |text_b| {
                    if opts.compare_weekdays
                        && event::weekdays_disagree(
                            event::weekdays(text_a),
                            event::weekdays(text_b),
                        )
                    {
                        return -1.0;
                    }
                    let a = terms::term_sequence(text_a);
                    let b = terms::term_sequence(text_b);
                    let (ta, tb) = terms::outside_shared_wording(&a, &b);
                    let va = vector::top_k(&vector::weigh(&ta, &df, weighting), opts.top_terms);
                    let vb = vector::top_k(&vector::weigh(&tb, &df, weighting), opts.top_terms);
                    vector::overlap(
                        (&va.keys, &va.weights, &va.kinds),
                        (&vb.keys, &vb.weights, &vb.kinds),
                    )
                    .cosine
                })
            })?
        })
        .collect::<Result<_>>()?;
    drop(df);
    let edges: Vec<cluster::Edge> = edges
        .into_iter()
        .zip(&own)
        .filter(|(_, &c)| c >= min_own)
        .map(|(e, _)| e)
        .collect();
    counts.verified = edges.len() as u64;
    out.stats.candidate_pairs = counts.candidates;
    out.stats.verified_pairs = counts.verified;
    out.stats.skipped_keys = counts.skipped_keys;
    let groups = cluster::cluster(arena.len(), &edges);
    let mut cos: HashMap<(u32, u32), f64> = HashMap::new();
    for e in &edges {
        cos.insert((e.a, e.b), e.overlap.cosine);
    }
    for (gi, g) in groups.iter().enumerate() {
        let articles: Vec<u32> = g.iter().map(|&p| reps[p as usize]).collect();
        let candidates: Vec<Candidate> = articles
            .iter()
            .map(|&d| {
                let (quality, chars) = rank(d);
                Candidate {
                    doc: d,
                    quality,
                    chars,
                }
            })
            .collect();
        let choice = select::choose(&candidates)
            .ok_or_else(|| anyhow!("internal error: story with fewer than two articles"))?;
        let mut sims = Vec::new();
        for (i, &a) in g.iter().enumerate() {
            for &b in &g[i + 1..] {
                if let Some(&c) = cos.get(&(a, b)) {
                    sims.push(c);
                }
            }
        }
        let evidence = evidence(spill, &arena, g, &articles, &clean_at)?;
        for &d in &articles {
            out.story_of[d as usize] = Some(gi as u32);
        }
        out.stats.grouped_articles += articles.len() as u64;
        out.groups.push(StoryGroup {
            id: format!("s{:06}", gi + 1),
            articles,
            kept: choice.kept,
            runner_up: choice.runner_up,
            decided_by: choice.decided_by,
            evidence,
            cosine_min: round4(sims.iter().copied().fold(f64::INFINITY, f64::min)),
            cosine_mean: round4(sims.iter().sum::<f64>() / sims.len().max(1) as f64),
            linked_pairs: sims.len() as u64,
        });
    }
    out.stats.groups = out.groups.len() as u64;
    Ok(out)
}

fn round4(x: f64) -> f64 {
    if x.is_finite() {
        (x * 10_000.0).round() / 10_000.0
    } else {
        0.0
    }
}

/// The terms in the vectors of at least half the group (and at least two articles), heaviest
/// first, spelled as in the first article that has them.
fn evidence(
    spill: &SpillReader,
    arena: &cluster::Arena,
    positions: &[u32],
    articles: &[u32],
    clean_at: &impl Fn(u32) -> u64,
) -> Result<Vec<String>> {
    let mut tally: HashMap<u32, (usize, f64)> = HashMap::new();
    for &p in positions {
        let (keys, weights, _) = arena.get(p as usize);
        for (k, w) in keys.iter().zip(weights) {
            let e = tally.entry(*k).or_default();
            e.0 += 1;
            e.1 += *w as f64;
        }
    }
    let need = positions.len().div_ceil(2).max(2);
    let mut shared: Vec<(u32, usize, f64)> = tally
        .into_iter()
        .filter(|(_, (n, _))| *n >= need)
        .map(|(k, (n, w))| (k, n, w))
        .collect();
    shared.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.total_cmp(&a.2)).then(a.0.cmp(&b.0)));
    shared.truncate(EVIDENCE_TERMS);
    let wanted: Vec<u32> = shared.iter().map(|s| s.0).collect();
    let mut spelled: HashMap<u32, String> = HashMap::new();
    for &d in articles {
        if spelled.len() == wanted.len() {
            break;
        }
        let found = spill.with_text_at(clean_at(d), |text| {
            terms::spellings(text, |h| wanted.contains(&vector::key32(h)))
        })?;
        for (k, s) in found {
            spelled.entry(vector::key32(k)).or_insert(s);
        }
    }
    Ok(wanted
        .iter()
        .filter_map(|k| spelled.get(k).cloned())
        .collect())
}

/// The `clusters.jsonl` line of a story group (`"level": "story"`). `id_of` names a record,
/// `rank` gives its quality and cleaned length.
pub fn group_json<'a>(
    g: &StoryGroup,
    id_of: impl Fn(u32) -> &'a str,
    rank: impl Fn(u32) -> (f64, u64),
) -> serde_json::Value {
    let n = g.articles.len() as u64;
    serde_json::json!({
        "cluster": g.id,
        "level": "story",
        "size": g.articles.len(),
        "members": g.articles.iter().map(|&d| id_of(d)).collect::<Vec<_>>(),
        "kept": id_of(g.kept),
        "similarity": {
            "cosine_min": g.cosine_min,
            "cosine_mean": g.cosine_mean,
            "linked_pairs": g.linked_pairs,
            "pairs": n * (n - 1) / 2,
        },
        "evidence": { "shared_terms": g.evidence },
        "selection": {
            "rule": select::RULE,
            "decided_by": g.decided_by,
            "runner_up": id_of(g.runner_up),
            "kept_quality": rank(g.kept).0,
            "runner_up_quality": rank(g.runner_up).0,
        },
    })
}

/// A story group as listed in the report.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StorySummary {
    pub story: String,
    pub size: usize,
    pub kept: String,
    /// Up to [`REPORT_MEMBERS`] member ids, in input order.
    pub members: Vec<String>,
    pub evidence: Vec<String>,
}

/// Groups listed in the report, and members listed per group.
pub const REPORT_GROUPS: usize = 10;
pub const REPORT_MEMBERS: usize = 12;

/// The largest groups (ties: earlier group first) for the report.
pub fn largest<'a>(stories: &Stories, id_of: impl Fn(u32) -> &'a str) -> Vec<StorySummary> {
    let mut order: Vec<&StoryGroup> = stories.groups.iter().collect();
    order.sort_by(|a, b| {
        b.articles
            .len()
            .cmp(&a.articles.len())
            .then(a.id.cmp(&b.id))
    });
    order
        .into_iter()
        .take(REPORT_GROUPS)
        .map(|g| StorySummary {
            story: g.id.clone(),
            size: g.articles.len(),
            kept: id_of(g.kept).to_string(),
            members: g
                .articles
                .iter()
                .take(REPORT_MEMBERS)
                .map(|&d| id_of(d).to_string())
                .collect(),
            evidence: g.evidence.clone(),
        })
        .collect()
}
