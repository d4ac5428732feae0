//! Repeated conjuncts (English): the same word on both sides of "and" / "or" ("greed and
//! greed", "the development and development of", "destroy or destroy it"). Weak machine
//! translation writes them when it renders two near-synonyms of the source ("Habgier und Gier",
//! a Hausa reduplication) with one English word; it is the doubled word ("the the") of a
//! coordination, and costs as much (`weight_repeated_conjunct`, default 2.0 like
//! `weight_doubled_word`).
//!
//! English repeats a word around "and" on purpose too, so these are not counted:
//! - intensifying repetition: progressive forms and comparatives ("growing and growing",
//!   "bigger and bigger", so every word ending in `-ing` or `-er`), quantities ("hundreds and
//!   hundreds", "pages and pages"), fixed phrases ("time and time again", "neck and neck",
//!   "over and over", "more and more");
//! - a chain of three or more ("shrunk and shrunk and shrunk");
//! - "X or X not" ("may or may not", "should or should not");
//! - function words, capitalised words ("Sport and Sport England") and words of fewer than
//!   three letters.
//!
//! The words must stand one space apart. On wmt21-dev-docs 145 machine translations have one
//! (121 of them Hausa-English) against 2 human translations; on garble-dev 1 of 1,062 clean
//! BBC documents ("consulates or consulates general"); see the README.

use super::garble::{Cues, REPEATED_CONJUNCT};
use super::lexicon::{hash_word, Lexicon};
use super::text::{Segmented, Tok, ALPHA, CHARS_ASCII, LOWER};
use std::sync::OnceLock;

/// Words whose repetition around "and" / "or" is idiomatic (besides `-ing` / `-er` forms).
const EXCEPTIONS: [&str; 21] = [
    "time",
    "neck",
    "more",
    "less",
    "over",
    "again",
    "round",
    "through",
    "hundreds",
    "thousands",
    "millions",
    "billions",
    "dozens",
    "tens",
    "scores",
    "pages",
    "years",
    "months",
    "weeks",
    "days",
    "miles",
];

struct Hashes {
    and: u64,
    or: u64,
    not: u64,
    exceptions: Vec<u64>,
}

fn hashes() -> &'static Hashes {
    static H: OnceLock<Hashes> = OnceLock::new();
    H.get_or_init(|| Hashes {
        and: hash_word(b"and"),
        or: hash_word(b"or"),
        not: hash_word(b"not"),
        exceptions: EXCEPTIONS.iter().map(|w| hash_word(w.as_bytes())).collect(),
    })
}

/// Whether only single spaces separate tokens `a` and `b`.
fn one_space(text: &str, a: &Tok, b: &Tok) -> bool {
    &text[a.end as usize..b.start as usize] == " "
}

/// Counts repeated conjuncts over the document's tokens (one event per "X and X").
pub fn repeated_conjuncts(text: &str, seg: &Segmented, lex: &Lexicon, cues: &mut Cues) {
    let h = hashes();
    let toks = &seg.toks;
    for i in 1..toks.len().saturating_sub(1) {
        let (c, a, b) = (&toks[i], &toks[i - 1], &toks[i + 1]);
        if (c.hash != h.and && c.hash != h.or) || a.hash != b.hash {
            continue;
        }
        let plain_words = a.is(ALPHA) && a.is(LOWER) && a.is(CHARS_ASCII) && b.is(LOWER);
        if !plain_words || a.sent != b.sent || !one_space(text, a, c) || !one_space(text, c, b) {
            continue;
        }
        let w = a.text(text).as_bytes();
        if w.len() < 3
            || w.ends_with(b"ing")
            || w.ends_with(b"er")
            || lex.is_function_word(a.hash)
            || h.exceptions.contains(&a.hash)
        {
            continue;
        }
        // A chain: "X and X and X" (either side).
        let chain_after = toks
            .get(i + 3)
            .is_some_and(|n| n.hash == a.hash && toks[i + 2].hash == c.hash);
        let chain_before = i >= 3 && toks[i - 3].hash == a.hash && toks[i - 2].hash == c.hash;
        // "may or may not".
        let negated = toks.get(i + 2).is_some_and(|n| n.hash == h.not);
        if chain_after || chain_before || negated {
            continue;
        }
        cues.add(a.sent as usize, REPEATED_CONJUNCT, 1);
    }
}

#[cfg(test)]
mod tests {
    use crate::quality::cue_test::score_sentence;

    fn count(sentence: &str) -> f64 {
        score_sentence(sentence).signals["repeated_conjuncts_per_100w"]
    }

    #[test]
    fn counts_a_word_repeated_around_and_or() {
        for s in [
            "Research shows that greed and greed are among the factors behind the problem.",
            "The minister spoke about the development and development of the region.",
            "Soldiers were told to find the weapon and destroy or destroy it at once.",
        ] {
            assert!(count(s) > 0.0, "{s}");
            assert!(
                score_sentence(s).flags.contains(&"repeated_conjuncts"),
                "{s}"
            );
        }
    }

    #[test]
    fn idiomatic_repetition_is_not_counted() {
        for s in [
            "Prices kept growing and growing through the winter months.",
            "The queues got longer and longer as the day went on.",
            "We have seen time and time again that the rules do not work.",
            "The two candidates were running neck and neck in the polls.",
            "There were hundreds and hundreds of people outside the hall.",
            "The paint was shrunk and shrunk and shrunk until it cracked.",
            "Voters may or may not turn out in large numbers this time.",
            "Funding came from UK Sport and Sport England over the summer.",
            "Officials met, and and the council agreed to the plan.",
            "Bread and butter pudding is served with tea and coffee.",
        ] {
            assert_eq!(count(s), 0.0, "{s}");
        }
    }
}
