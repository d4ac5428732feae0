//! Background document frequencies, so that IDF works on small corpora too.
//!
//! With a few hundred articles, the corpus alone cannot tell a common word ("league", "court")
//! from a distinctive one: both occur in two or three documents. The background table gives
//! every English word of Zipf frequency ≥ 3 a prior probability of occurring in a news article,
//! which is blended with the corpus counts as `prior_docs` pseudo-documents. On large corpora the
//! corpus counts dominate. Words not in the table (names, numbers, rare words, other languages)
//! get the table's floor. Data: `background_en.tsv` (derived from wordfreq, CC-BY-SA 4.0; see
//! the header of that file).

use super::terms::{term_hash, PreHashedMap};
use crate::quality::lexicon::{short_lines, split_at_byte};
use std::sync::OnceLock;

/// Tokens in a typical news article, to turn a word frequency into a document probability.
const ARTICLE_TOKENS: f64 = 400.0;
/// Zipf frequency given to words not in the table (just below its cut-off).
const FLOOR_ZIPF: f64 = 2.7;

fn doc_probability(zipf: f64) -> f64 {
    let per_token = 10f64.powf(zipf - 9.0);
    1.0 - (-per_token * ARTICLE_TOKENS).exp()
}

fn table() -> &'static PreHashedMap<u64, f32> {
    static TABLE: OnceLock<PreHashedMap<u64, f32>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let text = include_str!("background_en.tsv");
        // Sized once: growing by doubling rehashed the map four times.
        let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1;
        let mut map = PreHashedMap::with_capacity_and_hasher(lines, Default::default());
        // The Zipf values are integers (x 100, 300 to 773): each distinct one's probability is
        // computed once, not a `powf` and an `exp` per line (most of the table's build cost).
        // Any other value is parsed and computed as such, with the same result.
        let mut memo: Vec<Option<f32>> = vec![None; 1024];
        // Lines and fields cut byte by byte, as `lines` and `split_once` cut them (the lines
        // are a few bytes long; see `short_lines`).
        for l in short_lines(text).filter(|l| !l.starts_with('#')) {
            let Some((word, z)) = split_at_byte(l, b'\t') else {
                continue;
            };
            let p = match small_integer(z) {
                Some(n) if n < memo.len() => {
                    *memo[n].get_or_insert_with(|| doc_probability(n as f64 / 100.0) as f32)
                }
                _ => match z.trim().parse::<f64>() {
                    Ok(z) => doc_probability(z / 100.0) as f32,
                    Err(_) => continue,
                },
            };
            map.insert(term_hash(word), p);
        }
        map
    })
}

/// The value of `s` if it is 1 to 4 ASCII digits (so trimming it and parsing it as `f64`
/// gives the same integer exactly).
fn small_integer(s: &str) -> Option<usize> {
    if s.is_empty() || s.len() > 4 {
        return None;
    }
    s.bytes().try_fold(0usize, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + usize::from(b - b'0'))
    })
}

/// Prior probability that a news article contains the term.
pub fn probability(hash: u64) -> f64 {
    table()
        .get(&hash)
        .map_or_else(|| doc_probability(FLOOR_ZIPF), |&p| p as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table equals the one built line by line with `f64` parsing, as before the memo.
    #[test]
    fn table_equals_the_plain_build() {
        let plain: PreHashedMap<u64, f32> = include_str!("background_en.tsv")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (word, z) = l.split_once('\t')?;
                let z: f64 = z.trim().parse().ok()?;
                Some((term_hash(word), doc_probability(z / 100.0) as f32))
            })
            .collect();
        assert!(plain.len() > 20_000);
        assert_eq!(table().len(), plain.len());
        for (h, p) in &plain {
            assert_eq!(table().get(h).map(|q| q.to_bits()), Some(p.to_bits()));
        }
        assert_eq!(small_integer("0773"), Some(773));
        assert_eq!(small_integer("7.5"), None);
        assert_eq!(small_integer(""), None);
    }

    #[test]
    fn common_words_are_likely_and_names_are_not() {
        let p = |w: &str| probability(term_hash(w));
        assert!(p("league") > 0.02, "{}", p("league"));
        assert!(p("about") > 0.5);
        assert!(p("okonkwo-lindqvist") < 0.001);
        assert!(p("league") > 50.0 * p("okonkwo-lindqvist"));
    }
}
