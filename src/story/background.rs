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
        include_str!("background_en.tsv")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (word, z) = l.split_once('\t')?;
                let z: f64 = z.trim().parse().ok()?;
                Some((term_hash(word), doc_probability(z / 100.0) as f32))
            })
            .collect()
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

    #[test]
    fn common_words_are_likely_and_names_are_not() {
        let p = |w: &str| probability(term_hash(w));
        assert!(p("league") > 0.02, "{}", p("league"));
        assert!(p("about") > 0.5);
        assert!(p("okonkwo-lindqvist") < 0.001);
        assert!(p("league") > 50.0 * p("okonkwo-lindqvist"));
    }
}
