//! Repeated phrases (English): the same three content words twice within one sentence
//! ("Boko Haram insurgents have been attacked by Boko Haram insurgents", "Senator Ali Ndume
//! of Nigeria representing Borno South, Senator Ali Ndume explained"). Neural machine
//! translation translates some source words twice ("over-translation", Tu et al. 2016,
//! "Modeling Coverage for Neural Machine Translation", ACL), and a sentence-by-sentence
//! system has nothing that stops it; a writer repeats a whole phrase inside one sentence only
//! on purpose, and then mostly with function words ("you weren't quite sure ..., you weren't
//! quite sure"), which are left out here.
//!
//! Counted: a trigram of letter words of at least three characters, each rarer than Zipf 6
//! (so not "the", "and", "was"; names count: most doubled phrases are a name and its title),
//! that starts again 3-30 tokens after its first start in the same sentence; at most one event
//! per sentence. On wmt21-dev-docs it fires in 6.1% of the Hausa-English machine
//! translations, 1.8% of Czech-English and 0.6% of German-English, against 0 / 0 / 0.6% of
//! their human translations; on garble-dev in 0.4% of the clean BBC documents (rugby squad
//! lists and an anaphora); see the README.

use super::garble::{Cues, REPEATED_PHRASE};
use super::text::{Segmented, Tok, ALPHA};

/// Tokens rarer than this (Zipf × 10) are content words for the phrase check.
const MAX_ZIPF10: u8 = 60;
/// Length of the repeated phrase, in words.
const PHRASE: usize = 3;
/// The second start must lie within this many tokens of the first.
const WINDOW: usize = 30;

fn content(t: &Tok) -> bool {
    t.is(ALPHA) && t.zipf < MAX_ZIPF10 && t.end - t.start >= 3
}

/// Counts sentences with a repeated content-word trigram (one event per sentence).
pub fn repeated_phrases(seg: &Segmented, cues: &mut Cues) {
    let toks = &seg.toks;
    let n = toks.len();
    let mut i = PHRASE;
    while i + PHRASE <= n {
        let sent = toks[i].sent;
        let here = &toks[i..i + PHRASE];
        let found = here.iter().all(|t| content(t) && t.sent == sent)
            && (i.saturating_sub(WINDOW)..=i - PHRASE)
                .rev()
                .take_while(|&j| toks[j].sent == sent)
                .any(|j| {
                    toks[j..j + PHRASE]
                        .iter()
                        .zip(here)
                        .all(|(a, b)| a.hash == b.hash)
                });
        if found {
            cues.add(sent as usize, REPEATED_PHRASE, 1);
            // One event per sentence: skip to the next sentence.
            while i < n && toks[i].sent == sent {
                i += 1;
            }
            continue;
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use crate::quality::cue_test::score_sentence;

    fn count(sentence: &str) -> f64 {
        score_sentence(sentence).signals["repeated_phrases_per_100w"]
    }

    #[test]
    fn counts_a_content_phrase_repeated_in_one_sentence() {
        for s in [
            "Earlier reports said that Boko Haram insurgents have been attacked by Boko Haram insurgents in Borno.",
            "Senator Ali Ndume of Nigeria representing Borno South, Senator Ali Ndume explained the plan.",
        ] {
            assert!(count(s) > 0.0, "{s}");
            assert!(score_sentence(s).flags.contains(&"repeated_phrases"), "{s}");
        }
    }

    #[test]
    fn function_words_and_separate_sentences_are_not_counted() {
        for s in [
            // Repetition of function words is a rhetorical device.
            "You were not quite sure that it did anything, you were not quite sure it had value.",
            // The same phrase in two sentences is a topic, not over-translation.
            "Boko Haram insurgents attacked the town. Troops later pushed Boko Haram insurgents back.",
            // Two words repeated only.
            "Health Minister Huml spoke first, and Health Minister Spahn replied later.",
        ] {
            assert_eq!(count(s), 0.0, "{s}");
        }
    }
}
