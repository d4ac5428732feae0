//! Properties of the quality scorer on arbitrary input: it never panics, stays in 0..1, is
//! deterministic, and a name index of documents that share no name with the article changes
//! nothing.

use copydesk::config::QualityOptions;
use copydesk::quality::{self, NameIndex};
use proptest::prelude::*;

/// Text that looks a little like news: words, names, punctuation debris, odd Unicode and
/// paragraph breaks, so the garble cues and name checks all run.
fn newsish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("the".to_string()),
        Just("The".to_string()),
        Just("Artemis".to_string()),
        Just("Armis".to_string()),
        Just("Okonkwo-Lindqvist".to_string()),
        Just("Okonkist".to_string()),
        Just("Teudsay".to_string()),
        Just(" , ".to_string()),
        Just(". ".to_string()),
        Just("..".to_string()),
        Just(".To".to_string()),
        Just("\n\n".to_string()),
        Just("\n\n, the".to_string()),
        Just("Lorem ipsum".to_string()),
        Just("Straße".to_string()),
        Just("Ünïcödé’s".to_string()),
        Just("空間站".to_string()),
        Just("Мир".to_string()),
        Just("'".to_string()),
        Just("-".to_string()),
        "[a-zA-Z]{1,12}",
        "\\PC{0,6}",
    ];
    prop::collection::vec(piece, 0..120).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn score_is_total_bounded_and_deterministic(text in newsish()) {
        let opts = QualityOptions::default();
        let a = quality::score(&text, &opts);
        prop_assert!((0.0..=1.0).contains(&a.score));
        prop_assert_eq!(&a, &quality::score(&text, &opts));
    }

    #[test]
    fn arbitrary_unicode_never_panics(text in "\\PC{0,400}") {
        let q = quality::score(&text, &QualityOptions::default());
        prop_assert!((0.0..=1.0).contains(&q.score));
    }

    #[test]
    fn an_index_of_unrelated_names_changes_nothing(text in newsish()) {
        let opts = QualityOptions::default();
        let idx = NameIndex::from_texts([
            "Officials at Zyxwvut Quorble said the work had begun.",
            "A Zyxwvut Quorble spokesman confirmed the date.",
        ]);
        prop_assert_eq!(quality::score(&text, &opts), quality::score_with(&text, &opts, &idx));
    }

    /// The cheap re-score agrees with the full one: `None` exactly when the index changes
    /// nothing, the full verdict otherwise.
    #[test]
    fn rescore_with_matches_the_full_rescore(text in newsish(), others in prop::collection::vec(newsish(), 0..4)) {
        let opts = QualityOptions::default();
        let mut idx = NameIndex::from_texts(others.iter().map(String::as_str));
        // Names the generator uses, so the index often decides.
        idx.merge(&NameIndex::from_texts([
            "Artemis and Okonkwo-Lindqvist met on Tuesday.",
            "Artemis and Okonkwo-Lindqvist met again.",
            "Armis said Artemis was late.",
        ]));
        let full = quality::score_with(&text, &opts, &idx);
        match quality::rescore_with(&text, &opts, &idx) {
            None => prop_assert_eq!(quality::score(&text, &opts), full),
            Some(q) => prop_assert_eq!(q, full),
        }
    }
}
