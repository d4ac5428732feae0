//! Group stage: finds exact copies and near-copies among the scored documents and joins them into
//! clusters. It works on compact per-document state (hashes and LSH band keys) and reads a
//! document's shingles only to verify a candidate pair; it never opens an input file.
//!
//! Near-copies are found in three steps, each one its own function:
//! 1. [`band_pairs`]: documents sharing an LSH band key are candidates. Inside a bucket each
//!    member is paired with at most `bucket_window` following members, so one huge bucket costs
//!    linear work and can never explode into all pairs.
//! 2. [`verify`]: every candidate pair is checked on its actual shingle sets (Jaccard, or
//!    containment for truncated copies and copies with other headers and footers) and on the
//!    numbers the two texts state. No pair is joined on a shared band alone.
//! 3. [`cluster`]: union-find over exact groups and verified pairs.
//!
//! [`near_copy_edges`] runs steps 1 and 2 band by band, skipping pairs already joined.

pub mod bands;
pub mod sketch;
mod unionfind;

use crate::config::DedupOptions;
use crate::fingerprint::{intersection_size, jaccard_containment};
use anyhow::Result;
use rayon::prelude::*;
pub use unionfind::UnionFind;

/// What verification needs of one document.
#[derive(Debug, Clone, Default)]
pub struct DocSets {
    /// Sorted distinct shingle hashes.
    pub shingles: Vec<u64>,
    /// Sorted distinct number hashes.
    pub numbers: Vec<u64>,
}

/// A verified near-copy pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    pub a: u32,
    pub b: u32,
    pub jaccard: f32,
    pub containment: f32,
}

/// Counters of the candidate and verification steps, for the report.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct DedupStats {
    pub candidate_pairs: u64,
    pub verified_pairs: u64,
    pub rejected_low_similarity: u64,
    /// Of the pairs rejected for low similarity, those refused on their sketches alone
    /// (`sketch.rs`), without loading their texts.
    #[serde(default)]
    pub screened_pairs: u64,
    pub rejected_numbers_differ: u64,
    pub largest_bucket: u64,
    pub capped_buckets: u64,
}

/// Groups of two or more documents with equal non-zero exact hash, each sorted, in order of
/// their first member. Documents with hash 0 (no text) are never grouped.
pub fn exact_groups(exact: &[u64]) -> Vec<Vec<u32>> {
    let mut order: Vec<(u64, u32)> = exact
        .iter()
        .enumerate()
        .filter(|(_, &h)| h != 0)
        .map(|(i, &h)| (h, i as u32))
        .collect();
    order.par_sort_unstable();
    let mut groups: Vec<Vec<u32>> = order
        .chunk_by(|x, y| x.0 == y.0)
        .filter(|run| run.len() > 1)
        .map(|run| run.iter().map(|&(_, d)| d).collect())
        .collect();
    groups.sort_unstable_by_key(|g| g[0]);
    groups
}

/// Candidate pairs `(a, b)`, `a < b`, sorted and distinct, from one band's `(key, doc)` column.
/// Inside a bucket each member is paired with its next `window` members (in document order), so
/// a bucket of size m costs at most m × window pairs.
pub fn band_pairs(
    column: &mut [(u32, u32)],
    window: usize,
    stats: &mut DedupStats,
) -> Vec<(u32, u32)> {
    column.par_sort_unstable();
    let mut pairs = Vec::new();
    for bucket in column.chunk_by(|x, y| x.0 == y.0) {
        bucket_pairs(bucket, window, &mut pairs, stats);
    }
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// Appends the candidate pairs of one bucket (entries with one key, documents increasing).
fn bucket_pairs(
    bucket: &[(u32, u32)],
    window: usize,
    pairs: &mut Vec<(u32, u32)>,
    stats: &mut DedupStats,
) {
    let window = window.max(1);
    stats.largest_bucket = stats.largest_bucket.max(bucket.len() as u64);
    if bucket.len() > window + 1 {
        stats.capped_buckets += 1;
    }
    for (i, &(_, a)) in bucket.iter().enumerate() {
        for &(_, b) in bucket.iter().skip(i + 1).take(window) {
            pairs.push((a.min(b), a.max(b)));
        }
    }
}

/// Finds near-copy edges band by band: each band's candidate pairs are verified unless the two
/// documents are already joined (through earlier bands or exact groups) or the pair was already
/// rejected. Only one band's column and pairs are in memory at a time, and the result does not
/// depend on the thread count (bands and pairs are processed in a fixed order).
///
/// `docs[i]` is the document whose key is entry `i` of every band column; `skip` marks
/// documents (by id) that do not take part (exact copies of another member). `run_entries`
/// bounds the band entries sorted in memory at once (the memory budget's share).
#[allow(clippy::too_many_arguments)]
pub fn near_copy_edges<F>(
    docs: &[u32],
    skip: &[bool],
    store: &bands::BandStore,
    sketches: &sketch::SketchReader,
    run_entries: usize,
    uf: &mut UnionFind,
    load: F,
    opts: &DedupOptions,
    stats: &mut DedupStats,
) -> Result<Vec<Edge>>
where
    F: Fn(u32) -> Result<DocSets> + Sync,
{
    let mut edges = Vec::new();
    let mut rejected: std::collections::HashSet<u64> = std::collections::HashSet::new();
    for band in 0..store.bands {
        let mut pairs = Vec::new();
        store.for_each_bucket(band, docs, skip, run_entries, |bucket| {
            bucket_pairs(bucket, opts.bucket_window, &mut pairs, stats)
        })?;
        pairs.par_sort_unstable();
        pairs.dedup();
        pairs.retain(|&(a, b)| !rejected.contains(&pack(a, b)) && uf.find(a) != uf.find(b));
        stats.candidate_pairs += pairs.len() as u64;
        let screened = screen(&mut pairs, sketches, opts)?;
        stats.screened_pairs += screened.len() as u64;
        stats.rejected_low_similarity += screened.len() as u64;
        rejected.extend(screened.into_iter().map(|(a, b)| pack(a, b)));
        let (found, refused) = verify(&pairs, &load, opts, stats)?;
        for e in &found {
            uf.union(e.a, e.b);
        }
        rejected.extend(refused.into_iter().map(|(a, b)| pack(a, b)));
        edges.extend(found);
    }
    stats.verified_pairs = edges.len() as u64;
    Ok(edges)
}

/// Removes from `pairs` those whose sketches show they cannot be copies, and returns them.
/// Works chunk by chunk, so at most [`VERIFY_CHUNK`] pairs' sketches are in memory.
fn screen(
    pairs: &mut Vec<(u32, u32)>,
    sketches: &sketch::SketchReader,
    opts: &DedupOptions,
) -> Result<Vec<(u32, u32)>> {
    let mut keep = Vec::with_capacity(pairs.len());
    for chunk in pairs.chunks(VERIFY_CHUNK) {
        let mut docs: Vec<u32> = chunk.iter().flat_map(|&(a, b)| [a, b]).collect();
        docs.sort_unstable();
        docs.dedup();
        let loaded: Vec<Vec<u8>> = docs
            .par_iter()
            .map(|&d| sketches.read(d))
            .collect::<Result<_>>()?;
        let of = |d: u32| docs.binary_search(&d).map(|i| loaded[i].as_slice()).ok();
        keep.par_extend(chunk.par_iter().map(|&(a, b)| match (of(a), of(b)) {
            (Some(x), Some(y)) => sketch::may_be_copy(x, y, opts),
            _ => true,
        }));
    }
    let mut refused = Vec::new();
    let mut verdicts = keep.into_iter();
    pairs.retain(|&p| {
        let verify = verdicts.next().unwrap_or(true);
        if !verify {
            refused.push(p);
        }
        verify
    });
    Ok(refused)
}

fn pack(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// The verdict on one candidate pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    Copy { jaccard: f64, containment: f64 },
    LowSimilarity,
    NumbersDiffer,
}

/// Decides whether two documents are copies, on their actual shingle and number sets.
pub fn judge(a: &DocSets, b: &DocSets, opts: &DedupOptions) -> Verdict {
    let (jaccard, containment) = jaccard_containment(&a.shingles, &b.shingles);
    let smaller = a.shingles.len().min(b.shingles.len());
    let similar = jaccard >= opts.jaccard
        || (smaller >= opts.min_shingles_for_containment && containment >= opts.containment);
    if !similar {
        return Verdict::LowSimilarity;
    }
    let min_numbers = a.numbers.len().min(b.numbers.len());
    if min_numbers >= opts.min_numbers_for_fact_check.max(1) {
        let shared = intersection_size(&a.numbers, &b.numbers) as f64;
        if shared / (min_numbers as f64) < opts.number_containment {
            return Verdict::NumbersDiffer;
        }
    }
    Verdict::Copy {
        jaccard,
        containment,
    }
}

/// The outcome of verifying a list of pairs: the copies found, and the pairs refused.
pub type Verified = (Vec<Edge>, Vec<(u32, u32)>);

/// Pairs verified per chunk: bounds the shingle sets held in memory at once.
const VERIFY_CHUNK: usize = 1 << 16;

/// Verifies every candidate pair, loading the sets of the documents involved chunk by chunk.
/// `load` must be deterministic; it may be called from several threads.
pub fn verify<F>(
    pairs: &[(u32, u32)],
    load: &F,
    opts: &DedupOptions,
    stats: &mut DedupStats,
) -> Result<Verified>
where
    F: Fn(u32) -> Result<DocSets> + Sync,
{
    let mut edges = Vec::new();
    let mut refused = Vec::new();
    for chunk in pairs.chunks(VERIFY_CHUNK) {
        let mut needed: Vec<u32> = chunk.iter().flat_map(|&(a, b)| [a, b]).collect();
        needed.sort_unstable();
        needed.dedup();
        let sets: Vec<DocSets> = needed.par_iter().map(|&d| load(d)).collect::<Result<_>>()?;
        let find = |d: u32| needed.binary_search(&d).map(|i| &sets[i]).ok();
        let verdicts: Vec<Verdict> = chunk
            .par_iter()
            .map(|&(a, b)| match (find(a), find(b)) {
                (Some(x), Some(y)) => judge(x, y, opts),
                _ => Verdict::LowSimilarity,
            })
            .collect();
        for (&(a, b), v) in chunk.iter().zip(verdicts) {
            match v {
                Verdict::Copy {
                    jaccard,
                    containment,
                } => edges.push(Edge {
                    a,
                    b,
                    jaccard: jaccard as f32,
                    containment: containment as f32,
                }),
                Verdict::LowSimilarity => {
                    stats.rejected_low_similarity += 1;
                    refused.push((a, b));
                }
                Verdict::NumbersDiffer => {
                    stats.rejected_numbers_differ += 1;
                    refused.push((a, b));
                }
            }
        }
    }
    Ok((edges, refused))
}

/// Similarity figures of the verified pairs inside one cluster.
#[derive(Debug, Clone, Default, serde::Serialize, PartialEq)]
pub struct PairSummary {
    pub verified_pairs: u64,
    pub jaccard_min: f64,
    pub jaccard_mean: f64,
    pub containment_min: f64,
    pub containment_mean: f64,
}

/// A cluster of two or more documents.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Members in input order.
    pub members: Vec<u32>,
    /// True when every member has the same exact hash.
    pub exact: bool,
    pub pairs: PairSummary,
}

/// Joins exact groups and verified edges into clusters, ordered by their first member.
pub fn cluster(n_docs: usize, exact: &[u64], groups: &[Vec<u32>], edges: &[Edge]) -> Vec<Cluster> {
    let mut uf = UnionFind::new(n_docs);
    for g in groups {
        for &d in &g[1..] {
            uf.union(g[0], d);
        }
    }
    for e in edges {
        uf.union(e.a, e.b);
    }
    let mut by_root: Vec<(u32, u32)> = groups
        .iter()
        .flatten()
        .chain(edges.iter().flat_map(|e| [&e.a, &e.b]))
        .map(|&d| (uf.find(d), d))
        .collect();
    by_root.sort_unstable();
    by_root.dedup();
    let mut clusters: Vec<Cluster> = by_root
        .chunk_by(|x, y| x.0 == y.0)
        .filter(|run| run.len() > 1)
        .map(|run| {
            let members: Vec<u32> = run.iter().map(|&(_, d)| d).collect();
            let first = exact[members[0] as usize];
            Cluster {
                exact: members.iter().all(|&d| exact[d as usize] == first),
                members,
                pairs: PairSummary::default(),
            }
        })
        .collect();
    clusters.sort_unstable_by_key(|c| c.members[0]);
    // Attach each edge's figures to its cluster.
    let index_of_root: std::collections::HashMap<u32, usize> = clusters
        .iter()
        .enumerate()
        .map(|(i, c)| (uf.find(c.members[0]), i))
        .collect();
    let mut sums = vec![(0u64, f64::MAX, 0.0f64, f64::MAX, 0.0f64); clusters.len()];
    for e in edges {
        if let Some(&i) = index_of_root.get(&uf.find(e.a)) {
            let s = &mut sums[i];
            s.0 += 1;
            s.1 = s.1.min(e.jaccard as f64);
            s.2 += e.jaccard as f64;
            s.3 = s.3.min(e.containment as f64);
            s.4 += e.containment as f64;
        }
    }
    for (c, s) in clusters.iter_mut().zip(sums) {
        if s.0 > 0 {
            let r = crate::quality::round4;
            c.pairs = PairSummary {
                verified_pairs: s.0,
                jaccard_min: r(s.1),
                jaccard_mean: r(s.2 / s.0 as f64),
                containment_min: r(s.3),
                containment_mean: r(s.4 / s.0 as f64),
            };
        }
    }
    clusters
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_groups_skip_empty_documents() {
        assert_eq!(exact_groups(&[5, 0, 5, 0, 7, 5]), vec![vec![0, 2, 5]]);
    }

    #[test]
    fn big_bucket_is_capped_not_quadratic() {
        let mut column: Vec<(u32, u32)> = (0..1000).map(|d| (42, d)).collect();
        let mut stats = DedupStats::default();
        let pairs = band_pairs(&mut column, 4, &mut stats);
        assert!(pairs.len() <= 4000);
        assert_eq!(stats.largest_bucket, 1000);
        assert_eq!(stats.capped_buckets, 1);
        assert!(pairs.contains(&(0, 1)) && pairs.contains(&(998, 999)));
    }

    fn sets(sh: std::ops::Range<u64>, numbers: &[u64]) -> DocSets {
        DocSets {
            shingles: sh.collect(),
            numbers: numbers.to_vec(),
        }
    }

    #[test]
    fn templated_text_with_other_numbers_is_not_a_copy() {
        let opts = DedupOptions::default();
        let a = sets(0..100, &[1, 2, 3]);
        let b = sets(5..105, &[4, 5, 6]);
        assert_eq!(judge(&a, &b, &opts), Verdict::NumbersDiffer);
        let c = sets(5..105, &[1, 2, 3]);
        assert!(matches!(judge(&a, &c, &opts), Verdict::Copy { .. }));
    }

    #[test]
    fn truncated_copy_passes_on_containment() {
        let opts = DedupOptions::default();
        let full = sets(0..300, &[]);
        let half = sets(0..120, &[]);
        assert!(matches!(judge(&full, &half, &opts), Verdict::Copy { .. }));
    }

    #[test]
    fn clusters_join_exact_groups_and_edges() {
        let exact = [1, 1, 2, 3, 4];
        let groups = exact_groups(&exact);
        let edges = [Edge {
            a: 1,
            b: 2,
            jaccard: 0.8,
            containment: 0.9,
        }];
        let c = cluster(5, &exact, &groups, &edges);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].members, vec![0, 1, 2]);
        assert!(!c[0].exact);
        assert_eq!(c[0].pairs.verified_pairs, 1);
    }
}
