//! Event time references in the text: which days of the week an article names.
//!
//! Two write-ups of one event name the day it happened ("said on Thursday", "jeudi"); two
//! reports of one official on different days ("the study group met Thursday" / "she said
//! Wednesday") name different days while sharing every name. When both articles name weekdays
//! and none of them in common, they report different events. An article that names no weekday
//! says nothing either way, and one shared weekday is enough to agree, so the rule only acts on
//! an outright disagreement (and more text only makes it more cautious).
//!
//! A weekday next to a word that puts it in the future ("update coming Friday", "next Monday",
//! "vendredi prochain") is a plan, not the day of the reported event, and is not counted: an
//! article about Thursday's briefing that announces an update for Friday is not Friday's story.
//!
//! Weekday names are language data: the table covers English, German, French, Spanish,
//! Italian, Portuguese, Dutch, Polish, Russian (nominative and accusative forms), Arabic, and,
//! by substring, Chinese and Japanese. Turkish is left out (`pazar` also means "market").
//! Other languages simply never disagree.

/// Words naming a weekday, lower case: (word, 0 = Monday ... 6 = Sunday).
const WEEKDAY_WORDS: &[(&str, u8)] = &[
    // English
    ("monday", 0),
    ("tuesday", 1),
    ("wednesday", 2),
    ("thursday", 3),
    ("friday", 4),
    ("saturday", 5),
    ("sunday", 6),
    // German
    ("montag", 0),
    ("dienstag", 1),
    ("mittwoch", 2),
    ("donnerstag", 3),
    ("freitag", 4),
    ("samstag", 5),
    ("sonnabend", 5),
    ("sonntag", 6),
    // French
    ("lundi", 0),
    ("mardi", 1),
    ("mercredi", 2),
    ("jeudi", 3),
    ("vendredi", 4),
    ("samedi", 5),
    ("dimanche", 6),
    // Spanish (sábado, domingo shared with Portuguese)
    ("lunes", 0),
    ("martes", 1),
    ("miércoles", 2),
    ("jueves", 3),
    ("viernes", 4),
    ("sábado", 5),
    ("domingo", 6),
    // Italian
    ("lunedì", 0),
    ("martedì", 1),
    ("mercoledì", 2),
    ("giovedì", 3),
    ("venerdì", 4),
    ("sabato", 5),
    ("domenica", 6),
    // Portuguese
    ("segunda-feira", 0),
    ("terça-feira", 1),
    ("quarta-feira", 2),
    ("quinta-feira", 3),
    ("sexta-feira", 4),
    // Dutch
    ("maandag", 0),
    ("dinsdag", 1),
    ("woensdag", 2),
    ("donderdag", 3),
    ("vrijdag", 4),
    ("zaterdag", 5),
    ("zondag", 6),
    // Polish
    ("poniedziałek", 0),
    ("wtorek", 1),
    ("środa", 2),
    ("środę", 2),
    ("czwartek", 3),
    ("piątek", 4),
    ("sobota", 5),
    ("sobotę", 5),
    ("niedziela", 6),
    ("niedzielę", 6),
    // Russian
    ("понедельник", 0),
    ("вторник", 1),
    ("среда", 2),
    ("среду", 2),
    ("четверг", 3),
    ("пятница", 4),
    ("пятницу", 4),
    ("суббота", 5),
    ("субботу", 5),
    ("воскресенье", 6),
    // Arabic
    ("الاثنين", 0),
    ("الإثنين", 0),
    ("الثلاثاء", 1),
    ("الأربعاء", 2),
    ("الخميس", 3),
    ("الجمعة", 4),
    ("السبت", 5),
    ("الأحد", 6),
];

/// Words that, right before or after a weekday, put it in the future (the same languages).
const FUTURE_MARKERS: &[&str] = &[
    "next",
    "coming",
    "nächsten",
    "kommenden",
    "prochain",
    "prochaine",
    "próximo",
    "próxima",
    "prossimo",
    "prossima",
    "volgende",
    "komende",
    "przyszły",
    "przyszłą",
    "следующий",
    "следующую",
    "ближайший",
    "ближайшую",
];

/// Weekday names in scripts written without spaces, found as substrings.
const WEEKDAY_SUBSTRINGS: &[(&str, u8)] = &[
    ("星期一", 0),
    ("星期二", 1),
    ("星期三", 2),
    ("星期四", 3),
    ("星期五", 4),
    ("星期六", 5),
    ("星期日", 6),
    ("星期天", 6),
    ("周一", 0),
    ("周二", 1),
    ("周三", 2),
    ("周四", 3),
    ("周五", 4),
    ("周六", 5),
    ("周日", 6),
    ("月曜", 0),
    ("火曜", 1),
    ("水曜", 2),
    ("木曜", 3),
    ("金曜", 4),
    ("土曜", 5),
    ("日曜", 6),
];

/// The weekdays `text` names, as a bit mask (bit 0 = Monday ... bit 6 = Sunday), leaving out
/// weekdays put in the future by a neighbouring word (`FUTURE_MARKERS`).
///
/// Each word of five bytes or more is lower-cased into one reused buffer and looked up by
/// binary search (`weekday_of`); a fresh string and a scan of the whole table per word made
/// this cost about twice the tokenization of the text.
pub fn weekdays(text: &str) -> u8 {
    let lower = |token: &str| -> String {
        let mut word = String::with_capacity(token.len());
        lower_into(token, &mut word);
        word
    };
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .map(|t| t.trim_matches('-'))
        .filter(|t| !t.is_empty())
        .collect();
    let is_future = |i: usize| {
        let marker = |j: usize| {
            words
                .get(j)
                .is_some_and(|w| w.len() >= 4 && FUTURE_MARKERS.contains(&lower(w).as_str()))
        };
        (i > 0 && marker(i - 1)) || marker(i + 1)
    };
    let mut mask = 0u8;
    let mut word = String::new();
    for (i, token) in words.iter().enumerate() {
        if token.len() < 5 {
            continue;
        }
        lower_into(token, &mut word);
        if let Some(d) = weekday_of(&word) {
            if !is_future(i) {
                mask |= 1 << d;
            }
        }
    }
    if text.chars().any(crate::normalize::is_spaceless_char) {
        for &(s, d) in WEEKDAY_SUBSTRINGS {
            if text.contains(s) {
                mask |= 1 << d;
            }
        }
    }
    mask
}

/// Writes the lower-case form of `token` into `word` (cleared first).
fn lower_into(token: &str, word: &mut String) {
    word.clear();
    for c in token.chars() {
        if c.is_ascii() {
            word.push(c.to_ascii_lowercase());
        } else {
            word.extend(c.to_lowercase());
        }
    }
}

/// The day of a lower-case weekday word of [`WEEKDAY_WORDS`] (the first entry of a word listed
/// twice, as a scan of the list finds).
fn weekday_of(word: &str) -> Option<u8> {
    static SORTED: std::sync::OnceLock<Vec<(&'static str, u8)>> = std::sync::OnceLock::new();
    let sorted = SORTED.get_or_init(|| {
        let mut v = WEEKDAY_WORDS.to_vec();
        // Stable: of a word listed twice the first entry stays first and is kept.
        v.sort_by_key(|e| e.0);
        v.dedup_by_key(|e| e.0);
        v
    });
    sorted
        .binary_search_by(|e| e.0.cmp(word))
        .ok()
        .map(|i| sorted[i].1)
}

/// Both texts name weekdays, and none in common: they report events on different days.
pub fn weekdays_disagree(a: u8, b: u8) -> bool {
    a != 0 && b != 0 && a & b == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_are_found_in_several_languages() {
        assert_eq!(weekdays("The group met on Thursday."), 1 << 3);
        assert_eq!(weekdays("Die Gruppe traf sich am Donnerstag"), 1 << 3);
        assert_eq!(weekdays("Le groupe s'est réuni jeudi."), 1 << 3);
        assert_eq!(weekdays("Группа собралась в четверг."), 1 << 3);
        assert_eq!(weekdays("A reunião foi na quinta-feira."), 1 << 3);
        assert_eq!(weekdays("小组星期四开会。"), 1 << 3);
        assert_eq!(weekdays("Mondays and Fridays"), 0);
        assert_eq!(weekdays("No day at all"), 0);
    }

    #[test]
    fn weekdays_in_the_future_are_not_the_event_day() {
        let a = weekdays("DeWine says update coming Friday. At his Thursday briefing he said");
        assert_eq!(a, 1 << 3);
        assert_eq!(weekdays("il reviendra vendredi prochain"), 0);
        assert_eq!(weekdays("They meet next Monday and met on Tuesday"), 1 << 1);
        assert!(weekdays_disagree(a, weekdays("DeWine said Friday")));
    }

    /// The previous [`weekdays`] (a fresh string and a table scan per word): the specification.
    fn weekdays_reference(text: &str) -> u8 {
        let lower = |token: &str| -> String {
            let mut word = String::with_capacity(token.len());
            for c in token.chars() {
                if c.is_ascii() {
                    word.push(c.to_ascii_lowercase());
                } else {
                    word.extend(c.to_lowercase());
                }
            }
            word
        };
        let words: Vec<&str> = text
            .split(|c: char| !(c.is_alphanumeric() || c == '-'))
            .map(|t| t.trim_matches('-'))
            .filter(|t| !t.is_empty())
            .collect();
        let is_future = |i: usize| {
            let marker = |j: usize| {
                words
                    .get(j)
                    .is_some_and(|w| w.len() >= 4 && FUTURE_MARKERS.contains(&lower(w).as_str()))
            };
            (i > 0 && marker(i - 1)) || marker(i + 1)
        };
        let mut mask = 0u8;
        for (i, token) in words.iter().enumerate() {
            if token.len() < 5 {
                continue;
            }
            let word = lower(token);
            if let Some(&(_, d)) = WEEKDAY_WORDS.iter().find(|(w, _)| *w == word) {
                if !is_future(i) {
                    mask |= 1 << d;
                }
            }
        }
        if text.chars().any(crate::normalize::is_spaceless_char) {
            for &(s, d) in WEEKDAY_SUBSTRINGS {
                if text.contains(s) {
                    mask |= 1 << d;
                }
            }
        }
        mask
    }

    #[test]
    fn every_weekday_word_is_found_as_the_table_says() {
        for &(w, d) in WEEKDAY_WORDS {
            let first = WEEKDAY_WORDS.iter().find(|e| e.0 == w).map(|e| e.1);
            assert_eq!(weekday_of(w), first, "{w}");
            assert_eq!(weekdays(w), weekdays_reference(w), "{w}");
            assert_eq!(weekdays(&w.to_uppercase()), 1 << d, "{w}");
        }
    }

    const PIECES: &[&str] = &[
        "Thursday",
        "FRIDAY",
        "friday's",
        "Mondays",
        "next",
        "coming",
        "Coming",
        "prochain",
        "vendredi",
        "Sonnabend",
        "quinta-feira",
        "-",
        "--",
        " ",
        ". ",
        "Środę",
        "ПЯТНИЦУ",
        "الجمعة",
        "星期四",
        "周日",
        "İ",
        "ẞ",
        "K",
        "met",
        "on",
        "x",
        "sábado",
        "SÁBADO",
    ];

    proptest::proptest! {
        #[test]
        fn weekdays_match_their_reference(
            picks in proptest::collection::vec(0..PIECES.len(), 0..30)
        ) {
            let text: String = picks.iter().map(|&k| PIECES[k]).collect();
            proptest::prop_assert_eq!(weekdays(&text), weekdays_reference(&text));
        }

        #[test]
        fn weekdays_match_their_reference_on_any_text(text in "\\PC{0,60}") {
            proptest::prop_assert_eq!(weekdays(&text), weekdays_reference(&text));
        }
    }

    #[test]
    fn only_an_outright_disagreement_counts() {
        let thu = weekdays("met on Thursday");
        let wed = weekdays("said Wednesday");
        let both = weekdays("said Wednesday after Thursday's meeting");
        assert!(weekdays_disagree(thu, wed));
        assert!(!weekdays_disagree(thu, both));
        assert!(!weekdays_disagree(thu, 0));
        assert!(!weekdays_disagree(0, 0));
    }
}
