//! Line shape: cheap features of one line (length, punctuation, stop words, dates, links)
//! computed in one pass without allocating.

use super::lang::StopWords;
use std::collections::HashSet;

const WORDS: &str = include_str!("words.txt");

/// Word lists used by the shape rules (see `words.txt`).
#[derive(Debug, Clone)]
pub struct Lexicon {
    pub stop: StopWords,
    date: HashSet<&'static str>,
    verb: HashSet<&'static str>,
}

impl Lexicon {
    pub fn new() -> Lexicon {
        let mut date = HashSet::new();
        let mut verb = HashSet::new();
        let mut section = "";
        for line in WORDS.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if line.starts_with('[') {
                section = line;
                continue;
            }
            match section {
                "[date]" => {
                    date.insert(line);
                }
                "[verb]" => {
                    verb.insert(line);
                }
                _ => {}
            }
        }
        Lexicon {
            stop: StopWords::new(),
            date,
            verb,
        }
    }

    pub fn is_date_word(&self, w: &str) -> bool {
        self.date.contains(w)
    }
}

impl Default for Lexicon {
    fn default() -> Self {
        Lexicon::new()
    }
}

/// Features of one trimmed line.
#[derive(Debug, Default, Clone, Copy)]
pub struct Shape {
    /// Whitespace-separated tokens holding a letter or digit.
    pub words: u32,
    /// Length in "words", counting two CJK characters as one word.
    pub weight: u32,
    /// Stop-word hits per language in `LANGS` order.
    pub stop: [u16; 5],
    /// Ends in sentence punctuation (closing quotes and brackets skipped).
    pub ends_sentence: bool,
    /// Ends like a truncated teaser: "...", "…", "read more".
    pub ends_truncated: bool,
    /// Sentence breaks inside the line (". " followed by an upper-case letter).
    pub inner_sentences: u32,
    pub has_link: bool,
    pub has_copyright: bool,
    /// A month name next to a number, or a numeric date.
    pub date_like: bool,
    /// Every token is a number or a date/time word.
    pub time_only: bool,
    /// No English verb-like word (auxiliary, irregular form, -ed word).
    pub verbless: bool,
    /// Words starting with an upper-case letter.
    pub capitalised: u32,
    pub letters: u32,
    pub digits: u32,
    pub has_quote: bool,
}

impl Shape {
    /// Share of stop words for language index `lang`.
    pub fn stop_share(&self, lang: usize) -> f64 {
        if self.words == 0 {
            0.0
        } else {
            f64::from(self.stop[lang]) / f64::from(self.words)
        }
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x0E00..=0x0E7F)
}

/// Lower-cases `line` into `out`, inserting a space where words were glued together without
/// one ("Top NewsWorld News" → "top news world news", "0shares" → "0 shares").
pub fn lower_split_into(line: &str, out: &mut String) {
    out.clear();
    let mut prev: Option<char> = None;
    let mut lower_run = 0usize;
    for c in line.chars() {
        if let Some(p) = prev {
            let glue = (p.is_lowercase() && c.is_uppercase() && lower_run >= 2)
                || (p.is_ascii_digit() && c.is_alphabetic() && !c.is_uppercase());
            if glue {
                out.push(' ');
            }
        }
        lower_run = if c.is_lowercase() { lower_run + 1 } else { 0 };
        for l in c.to_lowercase() {
            out.push(l);
        }
        prev = Some(c);
    }
}

/// Lower-cases `line` into `out` char by char.
pub fn lower_into(line: &str, out: &mut String) {
    out.clear();
    for c in line.chars() {
        for l in c.to_lowercase() {
            out.push(l);
        }
    }
}

/// Computes the shape of a trimmed line; `lower` is its plain lower-cased form.
pub fn shape(line: &str, lower: &str, lex: &Lexicon) -> Shape {
    let mut s = Shape {
        time_only: true,
        verbless: true,
        ..Shape::default()
    };
    let mut cjk = 0u32;
    for c in line.chars() {
        if c.is_alphabetic() {
            s.letters += 1;
            if is_cjk(c) {
                cjk += 1;
            }
        } else if c.is_numeric() {
            s.digits += 1;
        } else if matches!(c, '"' | '“' | '”' | '«' | '»' | '„') {
            s.has_quote = true;
        } else if c == '©' {
            s.has_copyright = true;
        }
    }
    let mut prev_month = false;
    let mut prev_number = false;
    let mut any_token = false;
    for (tok, ltok) in line.split_whitespace().zip(lower.split_whitespace()) {
        if !tok.chars().any(char::is_alphanumeric) {
            continue;
        }
        s.words += 1;
        if tok.chars().next().is_some_and(char::is_uppercase) {
            s.capitalised += 1;
        }
        if ltok.contains("http") || ltok.starts_with("www.") || (ltok.contains('@') && ltok.contains('.')) {
            s.has_link = true;
        }
        let word = ltok.trim_matches(|c: char| !c.is_alphanumeric());
        let bits = lex.stop.langs(word);
        if bits != 0 {
            for (i, n) in s.stop.iter_mut().enumerate() {
                if bits & (1 << i) != 0 {
                    *n += 1;
                }
            }
        }
        if lex.verb.contains(word)
            || (word.len() > 4 && word.ends_with("ed") && !tok.starts_with(char::is_uppercase))
        {
            s.verbless = false;
        }
        if [".com", ".org", ".net", ".co.uk", ".html"]
            .iter()
            .any(|d| word.ends_with(d.trim_start_matches('.')) && ltok.contains(d))
        {
            s.has_link = true;
        }
        // Tokens of a date/time line: numbers and date words, split on punctuation.
        for part in ltok.split(|c: char| !c.is_alphanumeric() && c != '.') {
            let part = part.trim_matches('.');
            if part.is_empty() {
                continue;
            }
            any_token = true;
            let number = part.chars().all(|c| c.is_ascii_digit())
                || (part.len() <= 4
                    && part.chars().next().is_some_and(|c| c.is_ascii_digit())
                    && ["st", "nd", "rd", "th"].iter().any(|x| part.ends_with(x)));
            let month = !number && lex.is_date_word(part);
            if !(number || month) {
                s.time_only = false;
            }
            if (month && prev_number) || (number && prev_month) {
                if month || part.len() <= 4 {
                    s.date_like = true;
                }
            }
            if number && is_numeric_date(part, ltok) {
                s.date_like = true;
            }
            prev_month = month && part.len() >= 3;
            prev_number = number;
        }
    }
    if !any_token {
        s.time_only = false;
    }
    if lower.contains("(c) ") || lower.starts_with("copyright") {
        s.has_copyright = true;
    }
    s.weight = s.words.max(cjk / 2);
    let end = line.trim_end_matches(|c: char| {
        matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '*') || c.is_whitespace()
    });
    s.ends_sentence = end.ends_with(['.', '!', '?', '…', '。', '！', '？']);
    let tail = lower.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '…');
    s.ends_truncated = tail.ends_with("...")
        || tail.ends_with('…')
        || tail.ends_with("read more")
        || tail.ends_with("continue reading")
        || tail.ends_with("weiterlesen")
        || tail.ends_with("lire la suite")
        || tail.ends_with("leer más");
    let b = line.as_bytes();
    for i in 0..b.len().saturating_sub(2) {
        if matches!(b[i], b'.' | b'!' | b'?') && b[i + 1] == b' ' && b[i + 2].is_ascii_uppercase() {
            s.inner_sentences += 1;
        }
    }
    s
}

fn is_numeric_date(part: &str, token: &str) -> bool {
    // 2019-11-18, 18.11.2019, 11/18/2019: a 4-digit year inside a token with separators.
    part.len() == 4
        && (part.starts_with("19") || part.starts_with("20"))
        && token.len() >= 8
        && token.chars().filter(|c| matches!(c, '-' | '/' | '.')).count() >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(line: &str) -> Shape {
        let lex = Lexicon::new();
        let mut lower = String::new();
        lower_into(line, &mut lower);
        shape(line, &lower, &lex)
    }

    #[test]
    fn glued_crumbs_are_split_for_matching() {
        let mut out = String::new();
        lower_split_into("Top NewsWorld News", &mut out);
        assert_eq!(out, "top news world news");
        lower_split_into("WeWork", &mut out);
        assert_eq!(out, "wework");
    }

    #[test]
    fn dates_and_times_are_recognised() {
        assert!(sh("November 18, 2019 11:03 PM").time_only);
        assert!(sh("2 hours ago").time_only);
        assert!(sh("Reuters November 18, 2019 11:03 PM").date_like);
        assert!(!sh("The council met on Monday to vote.").time_only);
    }

    #[test]
    fn caption_without_verb_is_verbless() {
        assert!(sh("Scientists of the institute at the signing ceremony in Mombasa on 9 March 2026.").verbless);
        assert!(!sh("The institute said it would build the station.").verbless);
    }

    #[test]
    fn teaser_ending_is_truncated() {
        assert!(sh("the real test will come when ... Read more").ends_truncated);
        assert!(!sh("It ended well.").ends_truncated);
    }
}
