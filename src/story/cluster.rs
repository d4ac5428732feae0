//! Candidate pairs, verification and non-chaining clustering over compact story vectors.
//!
//! * **Candidates** come from an inverted index over the heaviest `index_terms` (16) of each
//!   article's top-k terms: its rarest names, numbers and words. Terms in the vectors of more
//!   than `max_postings` articles are not used as keys (they are not distinctive in this corpus;
//!   the next heaviest terms are indexed instead),
//!   so the work is linear in the number of articles times `index_terms × max_postings`, never
//!   quadratic. A pair is a candidate when the indexed keys of both share at least
//!   `min_shared_terms` terms.
//! * **Verification** is interpretable: cosine of the two weighted top-k vectors, plus at least
//!   `min_shared_facts` shared names or numbers.
//! * **Clustering** is average linkage on the verified graph with a majority rule: two groups
//!   merge only when more than half of all cross pairs are verified edges. One article that
//!   resembles two unrelated stories (two stories about the same agency) cannot join them, which
//!   plain connected components would do.

use super::terms::PreHashedMap;
use super::vector::{overlap_normed, Overlap, TopTerms};
use rayon::prelude::*;

/// Top-k vectors of many articles in flat arrays (no per-article allocation).
#[derive(Debug, Default)]
pub struct Arena {
    starts: Vec<u64>,
    /// Euclidean norm of each vector (verification is then one merge of the sorted keys).
    norms: Vec<f64>,
    keys: Vec<u32>,
    weights: Vec<f32>,
    kinds: Vec<u8>,
}

impl Arena {
    pub fn push(&mut self, t: &TopTerms) {
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        self.keys.extend_from_slice(&t.keys);
        self.weights.extend_from_slice(&t.weights);
        self.kinds.extend_from_slice(&t.kinds);
        self.starts.push(self.keys.len() as u64);
        self.norms.push(super::vector::norm(&t.weights));
    }

    /// Norm of vector `i`.
    pub fn norm(&self, i: usize) -> f64 {
        self.norms[i]
    }

    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: usize) -> (&[u32], &[f32], &[u8]) {
        let (s, e) = (self.starts[i] as usize, self.starts[i + 1] as usize);
        (&self.keys[s..e], &self.weights[s..e], &self.kinds[s..e])
    }

    /// Bytes held, for the report.
    pub fn bytes(&self) -> usize {
        self.starts.len() * 16 + self.keys.len() * 9
    }
}

/// The knobs of candidate generation and verification.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub max_postings: usize,
    /// Keys per article in the candidate index (its heaviest terms).
    pub index_terms: usize,
    pub min_shared_terms: usize,
    pub min_similarity: f64,
    pub min_shared_facts: usize,
    /// Articles whose dates are both known and further apart than this many days are not
    /// the same story.
    pub max_days_apart: Option<u32>,
}

/// A verified pair of article positions (in the arena) with its overlap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    pub a: u32,
    pub b: u32,
    pub overlap: Overlap,
}

/// Counters of candidate generation and verification.
#[derive(Debug, Default, Clone, Copy)]
pub struct PairCounts {
    pub candidates: u64,
    pub verified: u64,
    pub skipped_keys: u64,
}

/// Keys of each article that go into the candidate index: the heaviest [`Rules::index_terms`]
/// of its vector that are not `hot` (in the vectors of more than `max_postings` articles: not
/// distinctive in this corpus). Heavy terms are the rare ones (names, numbers, unusual words),
/// which is what two write-ups of one event share; common words stay out of the index, so
/// posting lists stay short whatever the corpus. Sorted by key.
///
/// Each term's rank (weight descending, then key) is packed into one `u64` and sorted as an
/// integer (a comparator over weights and keys took about 5,900 instructions per article; it
/// runs twice per article). A vector's keys are distinct, so the order is the same.
fn indexed_keys(
    arena: &Arena,
    i: usize,
    m: usize,
    hot: &PreHashedMap<u32, ()>,
    order: &mut Vec<u64>,
    out: &mut Vec<u32>,
) {
    out.clear();
    let (keys, weights, _) = arena.get(i);
    order.clear();
    // Heaviest first (as `f32::total_cmp`); ties by key, so the choice is deterministic.
    order.extend(
        keys.iter()
            .zip(weights)
            .map(|(&k, &w)| u64::from(super::vector::heaviest_first(w)) << 32 | u64::from(k)),
    );
    order.sort_unstable();
    out.extend(
        order
            .iter()
            .map(|&x| x as u32)
            .filter(|k| !hot.contains_key(k))
            .take(m),
    );
    out.sort_unstable();
}

/// Verified candidate pairs (a < b); sorted by decreasing cosine.
///
/// Candidates: every article is listed in an inverted index under its `indexed_keys` (terms in
/// more than `max_postings` vectors are not keys: they are not distinctive here); a pair is a
/// candidate when the indexed keys of both share at least `min_shared_terms`. (On the SemEval
/// dev pairs every pair with a cosine of 0.33 or more shares at least two of even the 12
/// heaviest.) Work per article is bounded by `index_terms × max_postings`, so the pass is linear
/// in the number of articles. Verification: cosine, shared terms, shared
/// facts, dates. `days` holds each article's publication day, if known (may be empty).
pub fn verified_edges(
    arena: &Arena,
    days: &[Option<i32>],
    rules: &Rules,
    counts: &mut PairCounts,
) -> Vec<Edge> {
    let far_apart = |i: usize, j: usize| match (rules.max_days_apart, days.get(i), days.get(j)) {
        (Some(max), Some(Some(x)), Some(Some(y))) => x.abs_diff(*y) > max,
        _ => false,
    };
    // Inverted index: (key, article) sorted, then one posting list per key.
    let m = rules.index_terms.max(1);
    // Hot keys: in more vectors than `max_postings`. An article whose heaviest terms are hot is
    // indexed under its next heaviest instead, so it still has keys to be found by.
    let mut all = arena.keys.clone();
    all.par_sort_unstable();
    let mut hot: PreHashedMap<u32, ()> = PreHashedMap::default();
    for run in all.chunk_by(|a, b| a == b) {
        if run.len() > rules.max_postings {
            hot.insert(run[0], ());
            counts.skipped_keys += 1;
        }
    }
    drop(all);
    let mut postings: Vec<(u32, u32)> = (0..arena.len())
        .into_par_iter()
        .map_init(
            || (Vec::new(), Vec::new()),
            |(order, keys), i| {
                indexed_keys(arena, i, m, &hot, order, keys);
                keys.iter().map(|&k| (k, i as u32)).collect::<Vec<_>>()
            },
        )
        .flatten()
        .collect();
    postings.sort_unstable();
    let mut lists: PreHashedMap<u32, (u32, u32)> = PreHashedMap::default();
    let mut s = 0;
    while s < postings.len() {
        let mut e = s + 1;
        while e < postings.len() && postings[e].0 == postings[s].0 {
            e += 1;
        }
        // No list is longer than `max_postings`: its key would be hot.
        lists.insert(postings[s].0, (s as u32, e as u32));
        s = e;
    }
    let min_shared = rules.min_shared_terms.max(1);
    let per_doc: Vec<(u64, Vec<Edge>)> = (0..arena.len())
        .into_par_iter()
        .map_init(
            || (Vec::new(), Vec::new(), Vec::new()),
            |(hits, order, mine): &mut (Vec<u32>, Vec<u64>, Vec<u32>), i| {
                hits.clear();
                indexed_keys(arena, i, m, &hot, order, mine);
                for k in mine.iter() {
                    if let Some(&(s, e)) = lists.get(k) {
                        let list = &postings[s as usize..e as usize];
                        // Lists are sorted by article: only the part after `i` is wanted.
                        let from = list.partition_point(|&(_, j)| j as usize <= i);
                        hits.extend(list[from..].iter().map(|&(_, j)| j));
                    }
                }
                hits.sort_unstable();
                let a = arena.get(i);
                let na = arena.norm(i);
                let mut candidates = 0u64;
                let mut edges = Vec::new();
                let mut s = 0;
                while s < hits.len() {
                    let j = hits[s];
                    let mut e = s + 1;
                    while e < hits.len() && hits[e] == j {
                        e += 1;
                    }
                    let n = e - s;
                    s = e;
                    if n < min_shared {
                        continue;
                    }
                    candidates += 1;
                    let o =
                        overlap_normed((a, na), (arena.get(j as usize), arena.norm(j as usize)));
                    if o.cosine >= rules.min_similarity
                        && o.shared_facts >= rules.min_shared_facts
                        && !far_apart(i, j as usize)
                    {
                        edges.push(Edge {
                            a: i as u32,
                            b: j,
                            overlap: o,
                        });
                    }
                }
                (candidates, edges)
            },
        )
        .collect();
    let mut edges = Vec::new();
    for (n, e) in per_doc {
        counts.candidates += n;
        edges.extend(e);
    }
    counts.verified = edges.len() as u64;
    edges.sort_by(|x, y| {
        y.overlap
            .cosine
            .total_cmp(&x.overlap.cosine)
            .then(x.a.cmp(&y.a))
            .then(x.b.cmp(&y.b))
    });
    edges
}

/// Groups larger than this stop growing: a story of thousands of articles is better split than
/// checked pair by pair.
const MAX_GROUP: usize = 5000;

/// Average-linkage clustering with a majority rule over `edges` (sorted by decreasing
/// similarity). Returns the groups of two or more articles, each sorted, ordered by their first
/// member.
pub fn cluster(n: usize, edges: &[Edge]) -> Vec<Vec<u32>> {
    let mut linked: Vec<u64> = edges
        .iter()
        .map(|e| (e.a as u64) << 32 | e.b as u64)
        .collect();
    linked.sort_unstable();
    let is_edge = |a: u32, b: u32| {
        let (x, y) = if a < b { (a, b) } else { (b, a) };
        linked.binary_search(&((x as u64) << 32 | y as u64)).is_ok()
    };
    let mut group_of: Vec<u32> = (0..n as u32).collect();
    let mut members: Vec<Vec<u32>> = (0..n as u32).map(|i| vec![i]).collect();
    for e in edges {
        let (ga, gb) = (group_of[e.a as usize], group_of[e.b as usize]);
        if ga == gb {
            continue;
        }
        let (sa, sb) = (members[ga as usize].len(), members[gb as usize].len());
        if sa + sb > MAX_GROUP {
            continue;
        }
        let mut links = 0usize;
        for &x in &members[ga as usize] {
            for &y in &members[gb as usize] {
                if is_edge(x, y) {
                    links += 1;
                }
            }
        }
        if links * 2 <= sa * sb {
            continue;
        }
        let (keep, gone) = if sa >= sb { (ga, gb) } else { (gb, ga) };
        let moved = std::mem::take(&mut members[gone as usize]);
        for &m in &moved {
            group_of[m as usize] = keep;
        }
        members[keep as usize].extend(moved);
    }
    let mut groups: Vec<Vec<u32>> = members
        .into_iter()
        .filter(|m| m.len() >= 2)
        .map(|mut m| {
            m.sort_unstable();
            m
        })
        .collect();
    groups.sort_by_key(|g| g[0]);
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The previous [`indexed_keys`] (a comparator sort of positions): the specification.
    fn indexed_keys_reference(
        arena: &Arena,
        i: usize,
        m: usize,
        hot: &PreHashedMap<u32, ()>,
    ) -> Vec<u32> {
        let (keys, weights, _) = arena.get(i);
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_by(|&a, &b| {
            weights[b]
                .total_cmp(&weights[a])
                .then(keys[a].cmp(&keys[b]))
        });
        let mut out: Vec<u32> = order
            .iter()
            .map(|&k| keys[k])
            .filter(|k| !hot.contains_key(k))
            .take(m)
            .collect();
        out.sort_unstable();
        out
    }

    proptest::proptest! {
        #[test]
        fn indexed_keys_match_their_reference(
            vectors in proptest::collection::vec(
                proptest::collection::btree_map(0u32..200, -3i32..12, 0..30), 1..6),
            hot_keys in proptest::collection::vec(0u32..200, 0..20),
            m in 0usize..20
        ) {
            // Few distinct weights (ties broken by key), negative and zero weights included.
            let mut arena = Arena::default();
            for v in &vectors {
                arena.push(&TopTerms {
                    keys: v.keys().copied().collect(),
                    weights: v.values().map(|&w| w as f32 / 2.0).collect(),
                    kinds: vec![0; v.len()],
                });
            }
            let hot: PreHashedMap<u32, ()> = hot_keys.iter().map(|&k| (k, ())).collect();
            let (mut order, mut out) = (Vec::new(), Vec::new());
            for i in 0..arena.len() {
                indexed_keys(&arena, i, m, &hot, &mut order, &mut out);
                proptest::prop_assert_eq!(&out, &indexed_keys_reference(&arena, i, m, &hot));
            }
        }
    }

    fn edge(a: u32, b: u32, cosine: f64) -> Edge {
        Edge {
            a,
            b,
            overlap: Overlap {
                cosine,
                shared: 5,
                shared_facts: 2,
            },
        }
    }

    #[test]
    fn a_bridge_article_does_not_chain_two_stories() {
        // 0-1 and 3-4 are two stories; 2 resembles one member of each.
        let edges = vec![
            edge(0, 1, 0.9),
            edge(3, 4, 0.9),
            edge(1, 2, 0.5),
            edge(2, 3, 0.5),
        ];
        let groups = cluster(5, &edges);
        assert!(groups.iter().all(|g| !(g.contains(&0) && g.contains(&4))));
        assert!(groups.contains(&vec![0, 1]) || groups.contains(&vec![0, 1, 2]));
    }

    proptest::proptest! {
        /// No chaining, as an invariant: in every group more than half of all member pairs are
        /// verified edges, whatever the graph.
        #[test]
        fn every_group_is_mostly_linked(raw in proptest::collection::vec((0u32..30, 0u32..30, 0u32..100), 0..120)) {
            let mut edges: Vec<Edge> = raw
                .iter()
                .filter(|(a, b, _)| a != b)
                .map(|&(a, b, c)| edge(a.min(b), a.max(b), c as f64 / 100.0))
                .collect();
            edges.sort_by_key(|e| (e.a, e.b));
            edges.dedup_by_key(|e| (e.a, e.b));
            edges.sort_by(|x, y| y.overlap.cosine.total_cmp(&x.overlap.cosine).then((x.a, x.b).cmp(&(y.a, y.b))));
            for g in cluster(30, &edges) {
                let mut linked = 0;
                for (i, &a) in g.iter().enumerate() {
                    for &b in &g[i + 1..] {
                        linked += edges.iter().any(|e| e.a == a && e.b == b) as usize;
                    }
                }
                let pairs = g.len() * (g.len() - 1) / 2;
                proptest::prop_assert!(linked * 2 > pairs, "{g:?}: {linked} of {pairs}");
            }
        }
    }

    #[test]
    fn articles_published_far_apart_are_not_paired() {
        let t = TopTerms {
            keys: vec![1, 2, 3, 4],
            weights: vec![1.0; 4],
            kinds: vec![1; 4],
        };
        let mut arena = Arena::default();
        for _ in 0..3 {
            arena.push(&t);
        }
        let rules = Rules {
            max_postings: 100,
            index_terms: 12,
            min_shared_terms: 2,
            min_similarity: 0.5,
            min_shared_facts: 1,
            max_days_apart: Some(7),
        };
        let days = [Some(100), Some(103), Some(200)];
        let mut counts = PairCounts::default();
        let edges = verified_edges(&arena, &days, &rules, &mut counts);
        let pairs: Vec<(u32, u32)> = edges.iter().map(|e| (e.a, e.b)).collect();
        assert_eq!(pairs, vec![(0, 1)]);
        let undated = verified_edges(&arena, &[], &rules, &mut counts);
        assert_eq!(undated.len(), 3);
    }

    #[test]
    fn a_clique_forms_one_group() {
        let mut edges = Vec::new();
        for a in 0..5 {
            for b in a + 1..5 {
                edges.push(edge(a, b, 0.5));
            }
        }
        assert_eq!(cluster(6, &edges), vec![vec![0, 1, 2, 3, 4]]);
    }
}
