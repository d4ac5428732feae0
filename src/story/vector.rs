//! Story vectors: document frequencies, IDF weights, the top-k distinctive terms of each
//! article, and the similarities compared in `copydesk eval story --compare` (weighted cosine of
//! top-k vectors, weighted SimHash, the unweighted `simhash` crate).

use super::terms::{PreHashedMap, Term, NAME, NUMBER, YEAR};

/// Document frequencies with bounded memory. Exact while the table holds fewer than `cap`
/// terms; beyond that the rarest terms are pruned (lossy counting) and a missing term is taken
/// to be as rare as the pruning floor. Rare terms only need to be known as rare, so the error
/// falls where it does not matter.
#[derive(Debug, Clone)]
pub struct DocFreq {
    /// Document frequency of each term, and its IDF once [`DocFreq::freeze`] has run (the
    /// pair takes the 16 bytes a `(u64, u32)` entry takes anyway).
    counts: PreHashedMap<u64, (u32, f32)>,
    /// The IDFs in `counts` are up to date.
    frozen: bool,
    docs: u64,
    floor: u32,
    cap: usize,
    /// Weight of the background table, in pseudo-documents (0: corpus counts only).
    prior_docs: f64,
}

impl DocFreq {
    pub fn new(cap: usize, prior_docs: f64) -> Self {
        DocFreq {
            counts: PreHashedMap::default(),
            frozen: false,
            docs: 0,
            floor: 0,
            cap: cap.max(1024),
            prior_docs: prior_docs.max(0.0),
        }
    }

    pub fn add_doc(&mut self, terms: &[Term]) {
        self.docs += 1;
        self.frozen = false;
        for t in terms {
            self.counts.entry(t.hash).or_insert((self.floor, 0.0)).0 += 1;
        }
        self.prune();
    }

    pub fn merge(&mut self, other: DocFreq) {
        self.docs += other.docs;
        self.frozen = false;
        self.floor = self.floor.max(other.floor);
        for (h, (n, _)) in other.counts {
            self.counts.entry(h).or_default().0 += n;
        }
        self.prune();
    }

    fn prune(&mut self) {
        while self.counts.len() > self.cap {
            self.floor += 1;
            let floor = self.floor;
            self.counts.retain(|_, (n, _)| *n > floor);
        }
    }

    /// Computes the IDF of every counted term once, for the many [`DocFreq::idf`] calls that
    /// follow when no more documents are added (each call otherwise looks up the background
    /// table and takes a logarithm). Adding a document undoes it; the values are the same
    /// either way.
    pub fn freeze(&mut self) {
        let (docs, prior) = (self.docs, self.prior_docs);
        for (&h, (n, idf)) in self.counts.iter_mut() {
            *idf = idf_of(docs, prior, (*n).max(1), h);
        }
        self.frozen = true;
    }

    pub fn docs(&self) -> u64 {
        self.docs
    }

    pub fn df(&self, hash: u64) -> u32 {
        self.counts.get(&hash).map_or(self.floor, |c| c.0).max(1)
    }

    /// Smoothed inverse document frequency, the corpus blended with the background table:
    /// ln((N + P + 1) / (df + P × p_background + 0.5)) with P = `prior_docs`.
    pub fn idf(&self, hash: u64) -> f32 {
        if self.frozen {
            if let Some(&(_, idf)) = self.counts.get(&hash) {
                return idf;
            }
        }
        self.idf_uncached(hash)
    }

    fn idf_uncached(&self, hash: u64) -> f32 {
        idf_of(self.docs, self.prior_docs, self.df(hash), hash)
    }
}

/// [`DocFreq::idf`] of the term `hash` with document frequency `df` among `docs` documents.
fn idf_of(docs: u64, prior: f64, df: u32, hash: u64) -> f32 {
    let expected = if prior > 0.0 {
        prior * super::background::probability(hash)
    } else {
        0.0
    };
    ((docs as f64 + prior + 1.0) / (df as f64 + expected + 0.5))
        .ln()
        .max(0.0) as f32
}

/// How terms are weighted.
#[derive(Debug, Clone, Copy)]
pub struct Weighting {
    pub name_boost: f32,
    pub number_boost: f32,
}

/// Sublinear term frequency: 1 + ln tf from one occurrence up, linear below (a single late
/// occurrence counts less than one).
fn tf_weight(tf: f32) -> f32 {
    if tf >= 1.0 {
        1.0 + tf.ln()
    } else {
        tf.max(0.0)
    }
}

/// Weight of every term: tf weight × idf × boosts, with the term's kind.
pub fn weigh(terms: &[Term], df: &DocFreq, w: Weighting) -> Vec<(u64, f32, u8)> {
    terms
        .iter()
        .map(|t| {
            let mut x = tf_weight(t.tf) * df.idf(t.hash);
            if t.kind & NAME != 0 {
                x *= w.name_boost;
            }
            // Years are facts (they count as shared facts) but not weighted up: every article
            // of a period has one.
            if t.kind & NUMBER != 0 && t.kind & YEAR == 0 {
                x *= w.number_boost;
            }
            (t.hash, x, t.kind)
        })
        .collect()
}

/// A term key in the compact per-document vector: the high 32 bits of the term hash.
pub fn key32(hash: u64) -> u32 {
    (hash >> 32) as u32
}

/// One article's story vector: its `k` heaviest terms, sorted by key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TopTerms {
    pub keys: Vec<u32>,
    pub weights: Vec<f32>,
    pub kinds: Vec<u8>,
}

/// A weight as an integer that sorts heaviest first, in the order of `f32::total_cmp`
/// reversed: packed with a key or a hash below it, one integer sort or comparison ranks terms
/// by weight, then key.
pub(crate) fn heaviest_first(weight: f32) -> u32 {
    let bits = weight.to_bits();
    let ordered = if bits >> 31 == 1 {
        !bits
    } else {
        bits | 1 << 31
    };
    !ordered
}

/// The `k` heaviest terms (ties by hash, so the choice is deterministic), sorted by key.
///
/// Each candidate's rank (weight descending, then hash) and its index are packed into one
/// `u128`, and the `k` best are kept in a bounded heap: one integer comparison for most terms,
/// instead of a selection over all terms through a comparator on references (about 26,000
/// instructions per article). When two selected terms share a key (the high 32 bits of their
/// hashes) or a term left out has an equal twin kept (same weight and hash), which one is kept
/// depends on the order the selection leaves them in: then [`top_k_general`], the previous
/// implementation, decides, so the result is always its result.
pub fn top_k(weighted: &[(u64, f32, u8)], k: usize) -> TopTerms {
    if weighted.len() > u32::MAX as usize {
        return top_k_general(weighted, k);
    }
    // Ascending is heaviest first, ties by hash (as `f32::total_cmp`, then hash); the low 32
    // bits hold the index.
    let rank = |t: &(u64, f32, u8), i: usize| -> u128 {
        u128::from(heaviest_first(t.1)) << 96 | u128::from(t.0) << 32 | i as u128
    };
    let mut heap: std::collections::BinaryHeap<u128> =
        std::collections::BinaryHeap::with_capacity(k.min(weighted.len()));
    // A term left out ranked like one kept (equal weight and hash): the cut is ambiguous.
    // Every term left out met the heap's worst at the time, which only falls, so a twin of the
    // final worst meets one of its rank then.
    let mut twin = false;
    for (i, t) in weighted.iter().enumerate() {
        if t.1 > 0.0 {
            let x = rank(t, i);
            if heap.len() < k {
                heap.push(x);
            } else if let Some(&worst) = heap.peek() {
                if x < worst {
                    if let Some(mut top) = heap.peek_mut() {
                        *top = x;
                    }
                    twin |= heap.peek().is_some_and(|&w| w >> 32 == worst >> 32);
                } else {
                    twin |= x >> 32 == worst >> 32;
                }
            }
        }
    }
    if twin {
        return top_k_general(weighted, k);
    }
    // (key, index), sorted by key.
    let mut chosen: Vec<u64> = heap
        .into_vec()
        .into_iter()
        .map(|x| {
            let i = x as u32;
            u64::from(key32(weighted[i as usize].0)) << 32 | u64::from(i)
        })
        .collect();
    chosen.sort_unstable();
    if chosen.windows(2).any(|w| w[0] >> 32 == w[1] >> 32) {
        return top_k_general(weighted, k);
    }
    let item = |c: &u64| &weighted[*c as u32 as usize];
    TopTerms {
        keys: chosen.iter().map(|c| (c >> 32) as u32).collect(),
        weights: chosen.iter().map(|c| item(c).1).collect(),
        kinds: chosen.iter().map(|c| item(c).2).collect(),
    }
}

/// [`top_k`] by a comparator over references: the specification, and what decides when two
/// selected terms share a key.
pub fn top_k_general(weighted: &[(u64, f32, u8)], k: usize) -> TopTerms {
    let mut v: Vec<&(u64, f32, u8)> = weighted.iter().filter(|t| t.1 > 0.0).collect();
    let heavier =
        |a: &&(u64, f32, u8), b: &&(u64, f32, u8)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    // Only the k heaviest are wanted (their order does not matter: they are sorted by key).
    if v.len() > k {
        v.select_nth_unstable_by(k, heavier);
        v.truncate(k);
    }
    let mut items: Vec<(u32, f32, u8)> = v.iter().map(|t| (key32(t.0), t.1, t.2)).collect();
    items.sort_by_key(|t| t.0);
    items.dedup_by_key(|t| t.0);
    TopTerms {
        keys: items.iter().map(|t| t.0).collect(),
        weights: items.iter().map(|t| t.1).collect(),
        kinds: items.iter().map(|t| t.2).collect(),
    }
}

/// What two story vectors share.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Overlap {
    /// Cosine similarity of the two top-k vectors.
    pub cosine: f64,
    /// Shared terms.
    pub shared: usize,
    /// Shared names and numbers.
    pub shared_facts: usize,
}

/// Euclidean norm of a weight vector.
pub fn norm(w: &[f32]) -> f64 {
    w.iter()
        .map(|&x| (x as f64) * (x as f64))
        .sum::<f64>()
        .sqrt()
}

/// A vector as (sorted keys, weights, kinds) slices.
pub type View<'a> = (&'a [u32], &'a [f32], &'a [u8]);

/// Compares two vectors given as (sorted keys, weights, kinds) slices.
pub fn overlap(a: View, b: View) -> Overlap {
    overlap_normed((a, norm(a.1)), (b, norm(b.1)))
}

/// [`overlap`] with the norms of the two vectors already known.
pub fn overlap_normed((a, na): (View, f64), (b, nb): (View, f64)) -> Overlap {
    let (mut i, mut j) = (0, 0);
    let mut out = Overlap::default();
    let mut dot = 0.0f64;
    while i < a.0.len() && j < b.0.len() {
        match a.0[i].cmp(&b.0[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += a.1[i] as f64 * b.1[j] as f64;
                out.shared += 1;
                if (a.2[i] | b.2[j]) & (NAME | NUMBER) != 0 {
                    out.shared_facts += 1;
                }
                i += 1;
                j += 1;
            }
        }
    }
    if na > 0.0 && nb > 0.0 {
        out.cosine = dot / (na * nb);
    }
    out
}

/// Charikar's SimHash over weighted features: each bit is the sign of the weighted sum of the
/// features' hash bits. Its Hamming similarity approximates the angle between the vectors.
pub fn weighted_simhash(weighted: &[(u64, f32, u8)]) -> u64 {
    let mut acc = [0f64; 64];
    for &(h, w, _) in weighted {
        let h = crate::normalize::fmix64(h);
        for (bit, a) in acc.iter_mut().enumerate() {
            if h >> bit & 1 == 1 {
                *a += w as f64;
            } else {
                *a -= w as f64;
            }
        }
    }
    acc.iter()
        .enumerate()
        .fold(0u64, |s, (bit, &a)| if a > 0.0 { s | 1 << bit } else { s })
}

/// Share of equal bits of two 64-bit SimHashes.
pub fn simhash_similarity(a: u64, b: u64) -> f64 {
    1.0 - (a ^ b).count_ones() as f64 / 64.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::story::terms::doc_terms;

    fn vec_of(text: &str, df: &DocFreq) -> TopTerms {
        let w = Weighting {
            name_boost: 1.5,
            number_boost: 1.5,
        };
        top_k(&weigh(&doc_terms(text), df, w), 24)
    }

    fn view(t: &TopTerms) -> (&[u32], &[f32], &[u8]) {
        (&t.keys, &t.weights, &t.kinds)
    }

    #[test]
    fn rewrites_overlap_more_than_unrelated_texts() {
        let texts = [
            "The Kina Deep Station will be built off Mombasa by 2031 at a cost of 240 million euros.",
            "Researchers plan Kina Deep Station near Mombasa; it costs 240 million euros and opens 2031.",
            "The rowing club in Harwich won the regional regatta after a close final on the river.",
        ];
        let mut df = DocFreq::new(1 << 20, 0.0);
        for t in texts {
            df.add_doc(&doc_terms(t));
        }
        let v: Vec<TopTerms> = texts.iter().map(|t| vec_of(t, &df)).collect();
        let same = overlap(view(&v[0]), view(&v[1]));
        let other = overlap(view(&v[0]), view(&v[2]));
        assert!(same.cosine > 0.4 && same.shared_facts >= 3, "{same:?}");
        assert!(other.cosine < 0.05, "{other:?}");
    }

    #[test]
    fn pruned_doc_freq_stays_bounded_and_keeps_frequent_terms() {
        let mut df = DocFreq::new(1024, 0.0);
        for i in 0..5000u64 {
            df.add_doc(&[
                Term {
                    hash: 1,
                    tf: 1.0,
                    kind: 0,
                },
                Term {
                    hash: 1000 + i,
                    tf: 1.0,
                    kind: 0,
                },
            ]);
        }
        assert!(df.counts.len() <= 1024);
        assert!(df.df(1) >= 4990);
        assert!(df.idf(1) < df.idf(999_999));
    }

    #[test]
    fn frozen_idf_is_the_computed_idf() {
        let mut df = DocFreq::new(1024, 2000.0);
        for i in 0..3000u64 {
            let terms: Vec<Term> = [
                1,
                2 + i % 7,
                100 + i,
                crate::story::terms::term_hash("league"),
            ]
            .iter()
            .map(|&hash| Term {
                hash,
                tf: 1.0,
                kind: 0,
            })
            .collect();
            df.add_doc(&terms);
        }
        let probe: Vec<u64> = (0..4000u64)
            .chain([crate::story::terms::term_hash("league"), 999_999])
            .collect();
        let before: Vec<u32> = probe.iter().map(|&h| df.idf(h).to_bits()).collect();
        df.freeze();
        let after: Vec<u32> = probe.iter().map(|&h| df.idf(h).to_bits()).collect();
        assert_eq!(before, after);
        df.add_doc(&[Term {
            hash: 1,
            tf: 1.0,
            kind: 0,
        }]);
        assert_eq!(df.idf(1).to_bits(), df.idf_uncached(1).to_bits());
    }

    proptest::proptest! {
        #[test]
        fn top_k_matches_the_general_selection(
            terms in proptest::collection::vec(
                (0u64..64, 0u64..6, -2i32..40, 0u8..8), 0..120),
            k in 0usize..40,
            spread in proptest::bool::ANY
        ) {
            // Few distinct keys and weights: shared keys, equal weights and duplicate hashes
            // (the fallback) are frequent; `spread` makes most hashes distinct instead.
            let weighted: Vec<(u64, f32, u8)> = terms
                .iter()
                .map(|&(hi, lo, w, kind)| {
                    let hash = if spread {
                        crate::normalize::fmix64(hi << 8 | lo)
                    } else {
                        hi << 32 | lo
                    };
                    let w = if w == -2 { f32::NAN } else { w as f32 / 4.0 };
                    (hash, w, kind)
                })
                .collect();
            let fast = top_k(&weighted, k);
            let general = top_k_general(&weighted, k);
            proptest::prop_assert_eq!(&fast.keys, &general.keys);
            proptest::prop_assert_eq!(&fast.kinds, &general.kinds);
            let bits = |t: &TopTerms| t.weights.iter().map(|w| w.to_bits()).collect::<Vec<_>>();
            proptest::prop_assert_eq!(bits(&fast), bits(&general));
        }
    }

    #[test]
    fn weighted_simhash_of_equal_vectors_is_equal() {
        let w = vec![(1u64, 2.0f32, 0u8), (2, 1.0, 0)];
        assert_eq!(
            simhash_similarity(weighted_simhash(&w), weighted_simhash(&w)),
            1.0
        );
    }
}
