//! Word-pair evidence: adjacent words that books almost never put side by side although both
//! are frequent ("the wrote", "of expect", "will law"). A content word swapped for another word
//! of similar frequency (spinning, bad machine translation) keeps the text fluent-looking word by
//! word, but usually breaks the pairs around it.
//!
//! `data/en_bigrams.txt.gz` (derived by `scripts/derive_bigram_table.py` from the SymSpell
//! frequency lists shipped in `symspellpy`; Google Books Ngram counts, see `data/README.md`)
//! holds, per word, its Google Books count (log10 × 10) and the frequent word pairs (the source
//! list keeps pairs seen at least ~6.4 million times). A pair missing from the list says
//! something only when it would be expected often if the two words were independent:
//! `count(a) × count(b) / total ≥ 10^4.5`. Such a pair is *checked*; a checked pair that is
//! missing costs `log10(expected / 10^4.5)`, so a missing "the" + frequent word costs more than
//! a missing pair of two middling words. A checked pair that is listed but *weak* (seen less
//! than `min(10, (1 / p)^0.5)` times its independence expectation, `p` the share of the more
//! frequent word among all words; the table marks it with its deficit) costs
//! `3 × deficit` (log10), at most what it would cost if it were missing: a swapped word often
//! lands in a pair that books use, but barely more often than chance.
//!
//! Why these costs: on the garble development set, against the pairs of clean documents, a
//! pair next to a swapped word is missing 2× as often at an expected count of 10^4.5, 3× at
//! 10^5, 7× at 10^5.5 and 17× at 10^6, so `log10(expected / 10^4.5)` follows the log
//! likelihood ratio of a missing pair; listed pairs with a PMI below 1 are 3-8× as frequent
//! next to a swapped word.
//!
//! Document statistic: the summed cost over the checked pairs, divided by the number of
//! checked pairs (at least 60, so a short text's few pairs weigh less). Clean BBC news: median
//! about 0.047 (75th percentile 0.06); a document with swapped words goes higher. Look-ups take the tokens' pre-computed hashes; nothing is allocated per
//! token.

use super::lexicon::{compiled, fingerprint, pair_hash, u32s};
use super::text::{Segmented, ALPHA, CAP, CHARS_ASCII, INITIAL, JOINED, LOWER};
use std::sync::OnceLock;

/// Pairs expected at least 10^4.5 times (in tenths of log10) are checked.
const MIN_EXPECTED10: i32 = 45;
/// The statistic is averaged over at least this many checked pairs.
const MIN_PAIRS: u32 = 60;

/// The word-pair table.
pub struct Bigrams {
    /// Per listed pair, `fingerprint << 5 | deficit` (never 0): a 27-bit fingerprint of the
    /// pair hash (its low bit set) and the pair's association deficit in tenths of log10
    /// (0..=31, see [`WEAK_PAIR_WEIGHT`]); open addressing.
    pairs: Vec<u32>,
    /// log10 of the total unigram count × 10.
    total10: i32,
}

/// A listed pair seen fewer than 10 times its independence expectation costs
/// `WEAK_PAIR_WEIGHT × deficit` (the table's `b:D`, `D = 10 × (1 − log10(count / expected))`),
/// at most what a missing pair of the same words would cost. Books use such a pair, but only a
/// little more often than chance: swapped words land in them about four times as often as the
/// words of clean news do (garble development set, pairs next to a swapped word against all
/// pairs of clean documents).
const WEAK_PAIR_WEIGHT: i32 = 3;

/// One checked pair that costs: missing from the table, or listed but weakly associated
/// (per-sentence evidence: "the wrote").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnlikelyPair {
    /// Sentence holding the pair.
    pub sent: u32,
    /// Token indices (`Segmented::toks`) of the two words; they are adjacent words a space
    /// apart, so `text[toks[first].start..toks[second].end]` is the pair as written.
    pub first: u32,
    pub second: u32,
    /// Cost of the pair (> 0), in tenths of log10 (see the module docs).
    pub cost10: u16,
}

/// What the pair check found in one document.
#[derive(Debug, Default, Clone, Copy)]
pub struct PairStats {
    /// Pairs frequent enough to be checked.
    pub checked: u32,
    /// Checked pairs missing from the table.
    pub unseen: u32,
    /// Summed cost of the missing pairs, in tenths of log10.
    pub cost10: u32,
    /// Summed log10 expected count (above 10^4.5) of the checked pairs, in tenths.
    pub expected10: u32,
}

impl PairStats {
    /// Mean cost per checked pair (at least `MIN_PAIRS` in the denominator).
    pub fn surprise(&self) -> f64 {
        f64::from(self.cost10) / 10.0 / f64::from(self.checked.max(MIN_PAIRS))
    }

    /// Mean log10 expected count of the checked pairs (how common the words that form pairs
    /// are), `None` under `MIN_PAIRS` checked pairs.
    pub fn mean_expected(&self) -> Option<f64> {
        (self.checked >= MIN_PAIRS).then(|| {
            f64::from(self.expected10) / 10.0 / f64::from(self.checked)
                + f64::from(MIN_EXPECTED10) / 10.0
        })
    }
}

impl Bigrams {
    /// The process-wide English table (built by `build.rs`, copied out of the binary on
    /// first use).
    pub fn en() -> &'static Bigrams {
        static TABLE: OnceLock<Bigrams> = OnceLock::new();
        TABLE.get_or_init(Bigrams::load)
    }

    fn load() -> Bigrams {
        Bigrams {
            pairs: u32s(compiled::BIGRAM_PAIRS),
            total10: compiled::BIGRAM_TOTAL10,
        }
    }

    /// The association deficit (tenths of log10, 0 for a well-attested pair) of a listed pair
    /// (lower-case word hashes), `None` when the pair is not listed.
    #[inline]
    pub fn pair_deficit(&self, a: u64, b: u64) -> Option<u32> {
        let h = pair_hash(a, b);
        let fp = fingerprint(h);
        let mask = self.pairs.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let s = self.pairs[i];
            if s & !31 == fp {
                return Some(s & 31);
            }
            if s == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Checks every pair of adjacent words (a single space apart, same sentence; the second
    /// in lower case, the first in lower case or capitalised at the start of its sentence).
    /// Every checked pair that costs (missing, or listed but weak) is appended to `unlikely`
    /// (cleared first), in text order, for the per-sentence evidence.
    pub fn check(
        &self,
        text: &str,
        seg: &Segmented,
        unlikely: &mut Vec<UnlikelyPair>,
    ) -> PairStats {
        let bytes = text.as_bytes();
        let mut st = PairStats::default();
        unlikely.clear();
        let mut prev_idx = 0u32;
        // The previous eligible token; `prev_end == NONE` when there is none (no token starts
        // at `NONE + 1`: texts are cut below 4 GiB).
        const NONE: u32 = u32::MAX - 1;
        let (mut prev_hash, mut prev_level, mut prev_end, mut prev_sent) = (0u64, 0i32, NONE, 0u32);
        const LOWER_WORD: u8 = ALPHA | CHARS_ASCII | LOWER | INITIAL;
        const FIRST_WORD: u8 = ALPHA | CHARS_ASCII | INITIAL | CAP;
        const MASK: u8 = ALPHA | CHARS_ASCII | LOWER | INITIAL | CAP | JOINED;
        for (ti, t) in seg.toks.iter().enumerate() {
            let f = t.flags & MASK;
            // Lower-case ASCII word (anywhere), or capitalised first word of its sentence.
            let lower = f | INITIAL == LOWER_WORD;
            if !lower && f != FIRST_WORD {
                prev_end = NONE;
                continue;
            }
            let l = i32::from(t.level);
            if l == 0 {
                prev_end = NONE;
                continue;
            }
            if lower
                && t.start == prev_end + 1
                && prev_sent == t.sent
                && bytes.get(prev_end as usize) == Some(&b' ')
            {
                let over = prev_level + l - self.total10 - MIN_EXPECTED10;
                if over >= 0 {
                    st.checked += 1;
                    st.expected10 += over as u32;
                    let cost = match self.pair_deficit(prev_hash, t.hash) {
                        None => {
                            st.unseen += 1;
                            over
                        }
                        Some(d) => (WEAK_PAIR_WEIGHT * d as i32).min(over),
                    };
                    if cost > 0 {
                        st.cost10 += cost as u32;
                        unlikely.push(UnlikelyPair {
                            sent: t.sent,
                            first: prev_idx,
                            second: ti as u32,
                            cost10: cost.min(i32::from(u16::MAX)) as u16,
                        });
                    }
                }
            }
            (prev_hash, prev_level, prev_end, prev_sent) = (t.hash, l, t.end, t.sent);
            prev_idx = ti as u32;
        }
        st
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexicon::hash_word;
    use super::*;

    /// The table `build.rs` shipped equals a fresh build from the compressed list.
    #[test]
    fn shipped_table_equals_a_fresh_build() {
        use std::io::Read;
        let mut text = String::new();
        flate2::read::GzDecoder::new(&include_bytes!("data/en_bigrams.txt.gz")[..])
            .read_to_string(&mut text)
            .expect("compiled-in table decodes");
        let (pairs, total10) = super::super::lexicon::build_bigrams(&text);
        let b = Bigrams::en();
        assert_eq!(b.total10, total10);
        assert_eq!(b.pairs, pairs);
        assert!(b.pairs.iter().filter(|&&p| p != 0).count() > 100_000);
    }

    #[test]
    fn table_knows_frequent_pairs_and_levels() {
        let b = Bigrams::en();
        let lex = super::super::lexicon::Lexicon::en();
        let h = |w: &str| hash_word(w.as_bytes());
        assert!(lex.zipf_level(h("the")).1 > 100);
        assert!(lex.zipf_level(h("behavior")).1 > 60);
        assert_eq!(lex.zipf_level(h("qzxv")), (0, 0));
        assert!(b.pair_deficit(h("new"), h("york")).is_some());
        assert!(b.pair_deficit(h("of"), h("expect")).is_none());
        assert!(b.pair_deficit(h("will"), h("law")).is_none());
        // Listed, but seen barely more often than chance ("the are" is scanning debris).
        assert_eq!(b.pair_deficit(h("of"), h("the")), Some(0));
        assert!(b.pair_deficit(h("the"), h("are")).is_some_and(|d| d > 5));
        assert_eq!(b.pair_deficit(h("the"), h("wrote")), None);
    }

    #[test]
    fn a_weak_listed_pair_costs_at_most_what_missing_would() {
        let lex = super::super::lexicon::Lexicon::en();
        let b = Bigrams::en();
        let mut seg = Segmented::default();
        let mut unlikely = Vec::new();
        let mut check = |t: &str| {
            super::super::text::segment(t, lex, &mut seg);
            b.check(t, &seg, &mut unlikely)
        };
        let fine = check("the area");
        assert_eq!((fine.checked, fine.cost10), (1, 0));
        // Listed but weak: costs, without counting as unseen, and no more than the pair's
        // expected-count excess (what it would cost if it were missing).
        let weak = check("the are");
        assert_eq!((weak.checked, weak.unseen), (1, 0));
        assert!(
            weak.cost10 > 0 && weak.cost10 <= weak.expected10,
            "{weak:?}"
        );
        let missing = check("the wrote");
        assert_eq!((missing.unseen, missing.cost10), (1, missing.expected10));
    }

    #[test]
    fn swapped_words_break_pairs() {
        let lex = super::super::lexicon::Lexicon::en();
        let b = Bigrams::en();
        let mut seg = Segmented::default();
        let clean = "The government said on Tuesday that the new law would help people who want to buy their first home.";
        let swapped = "The government said on Tuesday that the wrote law would help people who expect to buy their first home.";
        let mut unlikely = Vec::new();
        super::super::text::segment(clean, lex, &mut seg);
        let c = b.check(clean, &seg, &mut unlikely);
        super::super::text::segment(swapped, lex, &mut seg);
        let s = b.check(swapped, &seg, &mut unlikely);
        assert!(c.checked > 5, "{c:?}");
        assert!(s.unseen > c.unseen, "{c:?} vs {s:?}");
        assert!(s.surprise() > c.surprise());
        assert_eq!(
            unlikely.iter().map(|p| u32::from(p.cost10)).sum::<u32>(),
            s.cost10
        );
        let pairs: Vec<&str> = unlikely
            .iter()
            .map(|m| {
                let (a, b) = (&seg.toks[m.first as usize], &seg.toks[m.second as usize]);
                &swapped[a.start as usize..b.end as usize]
            })
            .collect();
        assert!(pairs.contains(&"the wrote"), "{pairs:?}");
    }
}
