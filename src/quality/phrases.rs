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
    for (k, s) in seg.sents.iter().enumerate() {
        let sentence = seg
            .toks
            .get(s.tok_start as usize..s.tok_end as usize)
            .unwrap_or_default();
        if repeats_a_phrase(sentence) {
            cues.add(k, REPEATED_PHRASE, 1);
        }
    }
}

/// Whether the tokens of one sentence hold a content-word trigram that starts again 3 to
/// `WINDOW` tokens after an earlier start.
///
/// One pass per sentence, so no token compares sentence numbers: the number of content tokens
/// in a row says whether a trigram qualifies, and a 64-bit filter of the words that can start
/// an earlier copy (bit `hash % 64`) spares most qualifying trigrams the look-back.
fn repeats_a_phrase(s: &[Tok]) -> bool {
    // A trigram with room for an earlier copy starts at `PHRASE` or later, so it ends at
    // `FIRST_END` or later; the tokens before only extend the run of content words.
    const FIRST_END: usize = 2 * PHRASE - 1;
    if s.len() <= FIRST_END {
        return false;
    }
    let mut run = 0usize;
    for t in &s[..FIRST_END] {
        run = if content(t) { run + 1 } else { 0 };
    }
    let mut seen = 0u64;
    for (i, t) in s.iter().enumerate().skip(FIRST_END) {
        run = if content(t) { run + 1 } else { 0 };
        // The trigram ending here starts at `p`.
        let p = i + 1 - PHRASE;
        seen |= 1 << (s[p - PHRASE].hash & 63);
        if run >= PHRASE
            && seen >> (s[p].hash & 63) & 1 != 0
            && (p.saturating_sub(WINDOW)..=p - PHRASE).any(|j| {
                s[j].hash == s[p].hash && s[j + 1].hash == s[p + 1].hash && s[j + 2].hash == t.hash
            })
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::cue_test::score_sentence;
    use crate::quality::lexicon::Lexicon;
    use crate::quality::text::segment;

    /// The previous [`repeated_phrases`] (every position tests its three tokens), kept as the
    /// reference.
    fn repeated_phrases_reference(seg: &Segmented, cues: &mut Cues) {
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
                while i < n && toks[i].sent == sent {
                    i += 1;
                }
                continue;
            }
            i += 1;
        }
    }

    fn cues_for(seg: &Segmented) -> Cues {
        Cues {
            sent_mask: vec![0; seg.sents.len()],
            sent_events: vec![0; seg.sents.len()],
            ..Cues::default()
        }
    }

    proptest::proptest! {
        #[test]
        fn repeated_phrases_equals_the_reference(
            text in "((Boko|Haram|insurgents|Ali|Ndume|Borno|the|of|attacked|plan|x1)[ .,]{1,2}){0,90}"
        ) {
            let mut seg = Segmented::default();
            segment(&text, Lexicon::en(), &mut seg);
            let (mut a, mut b) = (cues_for(&seg), cues_for(&seg));
            repeated_phrases(&seg, &mut a);
            repeated_phrases_reference(&seg, &mut b);
            proptest::prop_assert_eq!(a.counts, b.counts);
            proptest::prop_assert_eq!(a.sent_mask, b.sent_mask);
        }
    }

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
