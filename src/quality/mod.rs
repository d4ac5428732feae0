//! Quality stage: per-document signals and the combined `quality` score (0..1, higher is
//! better) that decides which copy of a duplicate group is kept and which records are dropped
//! as `low_quality`.
//!
//! This version combines a few Gopher-style document heuristics (Rae et al. 2021) with
//! language identification (whatlang); the score is the product of per-signal soft penalties,
//! so each signal can only lower it and the `signals` explain by how much.

use crate::config::QualityOptions;
use serde::Serialize;
use std::collections::BTreeMap;

/// The quality verdict of one document.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Quality {
    pub score: f64,
    pub signals: BTreeMap<&'static str, f64>,
    pub flags: Vec<&'static str>,
    /// ISO 639-1 code of the detected language, when detection is confident enough.
    pub lang: Option<String>,
}

/// Rounds to 4 decimals so reports stay readable and stable.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Scores one cleaned document.
pub fn score(text: &str, _opts: &QualityOptions) -> Quality {
    let mut signals = BTreeMap::new();
    let mut flags = Vec::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    let n_words = words.len();
    let alpha_words = words
        .iter()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count();
    let mean_word_len = if n_words == 0 {
        0.0
    } else {
        words.iter().map(|w| w.chars().count()).sum::<usize>() as f64 / n_words as f64
    };
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let end_punct = lines
        .iter()
        .filter(|l| l.ends_with(['.', '!', '?', '"', '”', '’', '。', '！', '？', '»', ')']))
        .count();
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    let distinct = {
        let mut d = sorted.clone();
        d.dedup();
        d.len()
    };
    let dup_line_share = if lines.is_empty() {
        0.0
    } else {
        1.0 - distinct as f64 / lines.len() as f64
    };
    let alpha_share = if n_words == 0 {
        0.0
    } else {
        alpha_words as f64 / n_words as f64
    };
    let end_punct_share = if lines.is_empty() {
        0.0
    } else {
        end_punct as f64 / lines.len() as f64
    };

    let info = whatlang::detect(&text[..floor_char_boundary(text, 4096)]);
    let (lang, lang_conf) = match info {
        Some(i) => (Some(i.lang().code().to_string()), i.confidence()),
        None => (None, 0.0),
    };
    let spaceless = text
        .chars()
        .filter(|&c| crate::normalize::is_spaceless_char(c))
        .count();

    let mut q = 1.0f64;
    // Gopher: documents of fewer than 50 words are rarely useful articles.
    let length_units = if spaceless * 2 > text.chars().count() {
        spaceless as f64 / 2.0
    } else {
        n_words as f64
    };
    if length_units < 50.0 {
        q *= 0.5 + 0.5 * length_units / 50.0;
        flags.push("short");
    }
    // Gopher: mean word length outside 3..10 characters suggests non-prose.
    if spaceless * 2 <= text.chars().count()
        && !(3.0..=10.0).contains(&mean_word_len)
        && n_words > 0
    {
        q *= 0.6;
        flags.push("odd_word_length");
    }
    // Gopher: at least 80% of words should contain a letter.
    if alpha_share < 0.8 {
        q *= 0.5 + 0.5 * (alpha_share / 0.8);
        flags.push("symbols");
    }
    // C4/FineWeb: prose lines end in terminal punctuation.
    if end_punct_share < 0.5 {
        q *= 0.7 + 0.6 * end_punct_share;
        flags.push("unterminated_lines");
    }
    // Gopher repetition: many duplicated lines.
    if dup_line_share > 0.3 {
        q *= 1.0 - (dup_line_share - 0.3);
        flags.push("repetitive");
    }

    signals.insert("words", n_words as f64);
    signals.insert("mean_word_length", round4(mean_word_len));
    signals.insert("alpha_word_share", round4(alpha_share));
    signals.insert("line_end_punct_share", round4(end_punct_share));
    signals.insert("duplicate_line_share", round4(dup_line_share));
    signals.insert("lang_confidence", round4(lang_conf));
    Quality {
        score: round4(q.clamp(0.0, 1.0)),
        signals,
        flags,
        lang: lang.filter(|_| lang_conf >= 0.5).map(|l| iso639_1(&l)),
    }
}

/// whatlang returns ISO 639-3 codes; users write `--lang en,de`.
fn iso639_1(code3: &str) -> String {
    let two = match code3 {
        "eng" => "en",
        "deu" => "de",
        "fra" => "fr",
        "spa" => "es",
        "rus" => "ru",
        "cmn" => "zh",
        "jpn" => "ja",
        "ita" => "it",
        "por" => "pt",
        "nld" => "nl",
        "pol" => "pl",
        "ukr" => "uk",
        "tur" => "tr",
        "ara" => "ar",
        "kor" => "ko",
        "hin" => "hi",
        "swe" => "sv",
        "dan" => "da",
        "nob" => "no",
        "fin" => "fi",
        "ces" => "cs",
        "slk" => "sk",
        "hun" => "hu",
        "ron" => "ro",
        "bul" => "bg",
        "ell" => "el",
        "heb" => "he",
        "tha" => "th",
        "vie" => "vi",
        "ind" => "id",
        "pes" => "fa",
        "ben" => "bn",
        "hrv" => "hr",
        "srp" => "sr",
        "slv" => "sl",
        "lit" => "lt",
        "lav" => "lv",
        "est" => "et",
        "cat" => "ca",
        "hau" => "ha",
        "swh" => "sw",
        "tam" => "ta",
        other => other,
    };
    two.to_string()
}

/// The largest char boundary at or below `max`.
pub fn floor_char_boundary(s: &str, max: usize) -> usize {
    if max >= s.len() {
        return s.len();
    }
    let mut i = max;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = "The city council approved the new harbour plan on Tuesday after a long debate.\n\nThe plan moves the ferry terminal two kilometres east and adds a cycle path along the water. Officials said construction would begin next spring and take three years to complete.\n\nResidents welcomed the decision, although some shop owners worried about the loss of passing trade during the works.";

    #[test]
    fn prose_scores_above_menu_text() {
        let opts = QualityOptions::default();
        let prose = score(ARTICLE, &opts);
        let menu = score("Home\nWorld\nSport\nSubscribe\nSign In\nHome\nWorld", &opts);
        assert!(
            prose.score > menu.score,
            "{} vs {}",
            prose.score,
            menu.score
        );
        assert!(menu.flags.contains(&"unterminated_lines"));
        assert_eq!(prose.lang.as_deref(), Some("en"));
    }

    #[test]
    fn score_stays_in_unit_interval() {
        let opts = QualityOptions::default();
        for t in ["", "!!!", "a a a a a a", ARTICLE] {
            let q = score(t, &opts).score;
            assert!((0.0..=1.0).contains(&q), "{t}: {q}");
        }
    }
}
