//! Fingerprint stage: shingles, the exact hash, and one-permutation MinHash signatures cut into
//! LSH band keys. Everything here is a pure function of the cleaned text and the options, and
//! uses hashes with a fixed specification (XXH3-64, MurmurHash3's finalizer), so fingerprints
//! are stable across runs, thread counts and platforms.
//!
//! The signature uses one-permutation hashing with optimal densification (Li, Owen & Zhang 2012;
//! Shrivastava 2017): each shingle is hashed once and lands in one of `bands * rows` bins, instead
//! of being hashed once per permutation. That costs O(shingles + slots) instead of
//! O(shingles × slots) and estimates Jaccard similarity the same way.

use crate::normalize::{fmix64, Tokens};
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Shingles of `k` consecutive tokens, as 64-bit hashes (with repeats; callers sort as needed).
/// A text shorter than `k` tokens yields one shingle of all its tokens, so that short texts
/// still match themselves.
pub fn shingles(tokens: &[u64], k: usize, out: &mut Vec<u64>) {
    out.clear();
    let k = k.max(1);
    if tokens.is_empty() {
        return;
    }
    if tokens.len() < k {
        out.push(combine(tokens));
        return;
    }
    out.extend(tokens.windows(k).map(combine));
}

#[inline]
fn combine(window: &[u64]) -> u64 {
    let mut h: u64 = 0x2545_F491_4F6C_DD1D;
    for &t in window {
        h = fmix64(h.rotate_left(23) ^ t);
    }
    h
}

/// The shingle size for a token stream: characters for spaceless scripts, words otherwise.
pub fn shingle_size(tokens: &Tokens, words: usize, chars: usize) -> usize {
    if tokens.is_spaceless() {
        chars
    } else {
        words
    }
}

/// Sorted, distinct shingle hashes: the set that verification compares.
pub fn shingle_set(tokens: &Tokens, words: usize, chars: usize) -> Vec<u64> {
    let mut out = Vec::new();
    shingles(&tokens.hashes, shingle_size(tokens, words, chars), &mut out);
    out.sort_unstable();
    out.dedup();
    out
}

/// Number of distinct values in `hashes` (well-mixed 64-bit hashes, such as shingles), counted
/// in an open-addressing table instead of sorting: about five times cheaper for an article's
/// few hundred shingles. The values' low bits pick their slot (mixing them again was a fifth
/// of the cost); values that are not well mixed are counted right, only more slowly. `table`
/// is scratch space reused across calls.
pub fn distinct_count(hashes: &[u64], table: &mut Vec<u64>) -> usize {
    let size = (hashes.len() * 2).next_power_of_two().max(16);
    table.clear();
    table.resize(size, 0);
    let mask = size - 1;
    let mut distinct = 0;
    let mut seen_zero = false;
    for &h in hashes {
        if h == 0 {
            // 0 marks an empty slot; count the value 0 apart.
            distinct += usize::from(!seen_zero);
            seen_zero = true;
            continue;
        }
        let mut slot = (h as usize) & mask;
        loop {
            match table[slot] {
                0 => {
                    table[slot] = h;
                    distinct += 1;
                    break;
                }
                v if v == h => break,
                _ => slot = (slot + 1) & mask,
            }
        }
    }
    distinct
}

const EMPTY: u32 = u32::MAX;

/// One-permutation MinHash signature with `slots` bins. Returns `false` (and leaves `sig`
/// all-empty) when there is no shingle.
pub fn minhash(shingles: &[u64], slots: usize, sig: &mut Vec<u32>) -> bool {
    sig.clear();
    sig.resize(slots, EMPTY);
    if shingles.is_empty() || slots == 0 {
        return false;
    }
    for &s in shingles {
        let h = fmix64(s ^ 0x5851_F42D_4C95_7F2D);
        let bin = ((h as u128 * slots as u128) >> 64) as usize;
        // The low bits are independent of the bin (chosen by the high bits); never EMPTY.
        let value = (h as u32) & 0x7FFF_FFFF;
        if value < sig[bin] {
            sig[bin] = value;
        }
    }
    densify(sig);
    true
}

/// Optimal densification: an empty bin copies the value of a bin chosen by a fixed hash
/// sequence of its own index, probing until it finds a filled one (Shrivastava 2017).
fn densify(sig: &mut [u32]) {
    let slots = sig.len();
    if sig.iter().all(|&v| v != EMPTY) {
        return;
    }
    let original: Vec<u32> = sig.to_vec();
    for (i, slot) in sig.iter_mut().enumerate() {
        if *slot != EMPTY {
            continue;
        }
        let mut attempt: u64 = 0;
        loop {
            let h = fmix64(((i as u64) << 32) ^ attempt ^ 0xA076_1D64_78BD_642F);
            let j = ((h as u128 * slots as u128) >> 64) as usize;
            if original[j] != EMPTY {
                *slot = original[j];
                break;
            }
            attempt += 1;
        }
    }
}

/// One key per LSH band: the hash of that band's `rows` signature values, seeded by the band
/// index so equal values in different bands do not collide.
pub fn band_keys(sig: &[u32], rows: usize, out: &mut Vec<u64>) {
    out.clear();
    for (band, chunk) in sig.chunks(rows.max(1)).enumerate() {
        let mut bytes = [0u8; 4 * 16];
        let n = chunk.len().min(16);
        for (k, v) in chunk.iter().take(n).enumerate() {
            bytes[4 * k..4 * k + 4].copy_from_slice(&v.to_le_bytes());
        }
        out.push(xxh3_64_with_seed(&bytes[..4 * n], band as u64));
    }
}

/// Size of the intersection of two sorted, distinct slices.
pub fn intersection_size(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Jaccard similarity and containment (share of the smaller set found in the larger) of two
/// sorted, distinct sets.
pub fn jaccard_containment(a: &[u64], b: &[u64]) -> (f64, f64) {
    if a.is_empty() || b.is_empty() {
        return (0.0, 0.0);
    }
    let inter = intersection_size(a, b) as f64;
    let union = (a.len() + b.len()) as f64 - inter;
    (inter / union, inter / a.len().min(b.len()) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::tokenize;

    fn set(text: &str) -> Vec<u64> {
        let mut t = Tokens::default();
        tokenize(text, &mut t);
        shingle_set(&t, 3, 5)
    }

    #[test]
    fn minhash_agreement_estimates_jaccard() {
        let words: Vec<String> = (0..400).map(|i| format!("w{i}")).collect();
        let a = words.join(" ");
        let b = words[100..].join(" ")
            + " "
            + &words[..100]
                .iter()
                .map(|w| format!("{w}x"))
                .collect::<Vec<_>>()
                .join(" ");
        let (sa, sb) = (set(&a), set(&b));
        let (j, _) = jaccard_containment(&sa, &sb);
        let (mut ga, mut gb) = (Vec::new(), Vec::new());
        minhash(&sa, 256, &mut ga);
        minhash(&sb, 256, &mut gb);
        let agree = ga.iter().zip(&gb).filter(|(x, y)| x == y).count() as f64 / 256.0;
        assert!((agree - j).abs() < 0.12, "estimate {agree} vs jaccard {j}");
    }

    #[test]
    fn identical_sets_share_every_band() {
        let s = set("the quick brown fox jumps over the lazy dog again and again");
        let (mut g, mut k1, mut k2) = (Vec::new(), Vec::new(), Vec::new());
        minhash(&s, 12, &mut g);
        band_keys(&g, 3, &mut k1);
        band_keys(&g, 3, &mut k2);
        assert_eq!(k1.len(), 4);
        assert_eq!(k1, k2);
        assert!(!g.contains(&EMPTY));
    }

    #[test]
    fn short_text_still_has_one_shingle() {
        assert_eq!(set("two words").len(), 1);
        assert!(set("").is_empty());
    }

    #[test]
    fn containment_sees_a_truncated_copy() {
        let full = (0..300)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let part = (0..150)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let (j, c) = jaccard_containment(&set(&full), &set(&part));
        assert!(j < 0.55 && c > 0.99, "j={j} c={c}");
    }

    proptest::proptest! {
        #[test]
        fn distinct_count_matches_sort_and_dedup(
            values in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
            spread in 0u64..3,
        ) {
            // Few distinct byte values widened three ways: many repeats, zeros included.
            let hashes: Vec<u64> = values.iter().map(|&v| u64::from(v) << (spread * 20)).collect();
            let mut sorted = hashes.clone();
            sorted.sort_unstable();
            sorted.dedup();
            let mut table = Vec::new();
            proptest::prop_assert_eq!(distinct_count(&hashes, &mut table), sorted.len());
        }
    }
}
