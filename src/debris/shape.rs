//! Line shape: cheap features of one line (length, punctuation, stop words, dates, links)
//! computed in one pass without allocating.

use super::hash::WordBuild;
use super::lang::LISTS;
use std::collections::HashMap;

const WORDS: &str = include_str!("words.txt");
const DATE: u16 = 1 << 8;
const VERB: u16 = 1 << 9;
const MONTH: u16 = 1 << 10;
const SITE: u16 = 1 << 11;

/// Word lists used by the shape rules (stop words from `stopwords/`, date and verb words from
/// `words.txt`), merged into one map so each word costs one lookup.
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// Bits 0-4: stop word of `LANGS[i]`; `DATE`; `VERB`.
    map: HashMap<&'static str, u16, WordBuild>,
}

impl Lexicon {
    pub fn new() -> Lexicon {
        let mut map: HashMap<&'static str, u16, WordBuild> = HashMap::default();
        for (bit, list) in LISTS.iter().enumerate() {
            for w in list.lines().map(str::trim).filter(|w| !w.is_empty()) {
                *map.entry(w).or_default() |= 1 << bit;
            }
        }
        let mut section = 0u16;
        for line in WORDS.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line {
                "[date]" => section = DATE,
                "[verb]" => section = VERB,
                "[month]" => section = MONTH | DATE,
                "[site]" => section = SITE,
                _ if line.starts_with('[') => section = 0,
                _ if section != 0 => *map.entry(line).or_default() |= section,
                _ => {}
            }
        }
        Lexicon { map }
    }

    #[inline]
    fn flags(&self, w: &str) -> u16 {
        if w.is_empty() || w.len() > 14 {
            return 0;
        }
        self.map.get(w).copied().unwrap_or(0)
    }

    /// A stop word of any language.
    pub fn is_stop(&self, w: &str) -> bool {
        self.flags(w) & 0x1f != 0
    }

    pub fn is_date_word(&self, w: &str) -> bool {
        self.flags(w) & DATE != 0
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
    /// Words about the website itself ("comments", "account", "privacy"): `[site]` in
    /// `words.txt`.
    pub site_terms: u32,
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

/// Character classes with fast paths for ASCII, Cyrillic and general punctuation (quotes,
/// dashes), which make up almost all non-ASCII news text; everything else goes to the `char`
/// methods. Results are identical to theirs (see the `fast_classes_match_std` test), they only
/// skip the Unicode table searches that dominated profiles.
pub mod chars {
    #[inline]
    pub fn is_alphabetic(c: char) -> bool {
        match c as u32 {
            0..=0x7f => c.is_ascii_alphabetic(),
            0x400..=0x481 => true,
            0x2000..=0x206f => false,
            _ => c.is_alphabetic(),
        }
    }

    #[inline]
    pub fn is_alphanumeric(c: char) -> bool {
        match c as u32 {
            0..=0x7f => c.is_ascii_alphanumeric(),
            0x400..=0x481 => true,
            0x2000..=0x206f => false,
            _ => c.is_alphanumeric(),
        }
    }

    #[inline]
    pub fn is_numeric(c: char) -> bool {
        match c as u32 {
            0..=0x7f => c.is_ascii_digit(),
            0x400..=0x481 | 0x2000..=0x206f => false,
            _ => c.is_numeric(),
        }
    }

    #[inline]
    pub fn is_lowercase(c: char) -> bool {
        match c as u32 {
            0..=0x7f => c.is_ascii_lowercase(),
            0x430..=0x45f => true,
            0x400..=0x42f | 0x2000..=0x206f => false,
            _ => c.is_lowercase(),
        }
    }

    #[inline]
    pub fn is_uppercase(c: char) -> bool {
        match c as u32 {
            0..=0x7f => c.is_ascii_uppercase(),
            0x400..=0x42f => true,
            0x430..=0x45f | 0x2000..=0x206f => false,
            _ => c.is_uppercase(),
        }
    }

    /// Appends the lower-case form of `c` (as `char::to_lowercase`).
    #[inline]
    pub fn push_lower(out: &mut String, c: char) {
        let u = c as u32;
        let mapped = match u {
            0..=0x7f => Some(c.to_ascii_lowercase()),
            0x400..=0x40f => char::from_u32(u + 0x50),
            0x410..=0x42f => char::from_u32(u + 0x20),
            0x430..=0x45f | 0x2000..=0x206f => Some(c),
            _ => None,
        };
        match mapped {
            Some(m) => out.push(m),
            None => out.extend(c.to_lowercase()),
        }
    }
}

/// Characters whose lower-case form is one character of the same UTF-8 length (a subset: ASCII,
/// basic Cyrillic, general punctuation, and caseless CJK).
fn same_len_lower(c: char) -> bool {
    matches!(c as u32, 0..=0x7f | 0x400..=0x45f | 0x2000..=0x206f | 0x3000..=0x9fff | 0xac00..=0xd7a3)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x0E00..=0x0E7F)
}

/// Lower-cases `line` into `out`, inserting a space where words were glued together without
/// one ("Top NewsWorld News" → "top news world news", "0shares" → "0 shares"). Returns whether
/// any space was inserted (if not, `out` equals the plain lower-cased form of [`lower_into`]).
pub fn lower_split_into(line: &str, out: &mut String) -> bool {
    out.clear();
    let mut glued = false;
    if line.is_ascii() {
        let b = line.as_bytes();
        // Most lines have no glue: then a bulk copy and lower-casing does.
        let mut lower_run = 0usize;
        let mut any_glue = false;
        for w in b.windows(2) {
            let (p, c) = (w[0], w[1]);
            lower_run = if p.is_ascii_lowercase() {
                lower_run + 1
            } else {
                0
            };
            if (p.is_ascii_lowercase() && c.is_ascii_uppercase() && lower_run >= 2)
                || (p.is_ascii_digit() && c.is_ascii_lowercase())
            {
                any_glue = true;
                break;
            }
        }
        if !any_glue {
            out.push_str(line);
            out.make_ascii_lowercase();
            return false;
        }
        let mut lower_run = 0usize;
        let mut p = 0u8;
        for (i, &c) in b.iter().enumerate() {
            if i > 0
                && ((p.is_ascii_lowercase() && c.is_ascii_uppercase() && lower_run >= 2)
                    || (p.is_ascii_digit() && c.is_ascii_lowercase()))
            {
                out.push(' ');
                glued = true;
            }
            lower_run = if c.is_ascii_lowercase() {
                lower_run + 1
            } else {
                0
            };
            out.push(c.to_ascii_lowercase() as char);
            p = c;
        }
        return glued;
    }
    let mut prev: Option<char> = None;
    let mut lower_run = 0usize;
    for c in line.chars() {
        if let Some(p) = prev {
            let glue = (chars::is_lowercase(p) && chars::is_uppercase(c) && lower_run >= 2)
                || (p.is_ascii_digit() && chars::is_alphabetic(c) && !chars::is_uppercase(c));
            if glue {
                out.push(' ');
                glued = true;
            }
        }
        lower_run = if chars::is_lowercase(c) {
            lower_run + 1
        } else {
            0
        };
        chars::push_lower(out, c);
        prev = Some(c);
    }
    glued
}

/// Lower-cases `line` into `out` char by char.
pub fn lower_into(line: &str, out: &mut String) {
    out.clear();
    if line.is_ascii() {
        out.push_str(line);
        out.make_ascii_lowercase();
        return;
    }
    for c in line.chars() {
        chars::push_lower(out, c);
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
    let ascii = line.is_ascii();
    if ascii {
        for &b in line.as_bytes() {
            s.letters += u32::from(b.is_ascii_alphabetic());
            s.digits += u32::from(b.is_ascii_digit());
            s.has_quote |= b == b'"';
        }
    } else {
        for c in line.chars() {
            if c.is_ascii() {
                s.letters += u32::from(c.is_ascii_alphabetic());
                s.digits += u32::from(c.is_ascii_digit());
                s.has_quote |= c == '"';
            } else if is_cjk(c) {
                s.letters += 1;
                cjk += 1;
            } else if chars::is_alphabetic(c) {
                s.letters += 1;
            } else if chars::is_numeric(c) {
                s.digits += 1;
            } else if matches!(c, '“' | '”' | '«' | '»' | '„') {
                s.has_quote = true;
            } else if c == '©' {
                s.has_copyright = true;
            }
        }
    }
    let mut prev_month = false;
    let mut prev_number = false;
    let mut any_token = false;
    let mut on_token = |tok: &str, ltok: &str| {
        if !tok.chars().any(chars::is_alphanumeric) {
            return;
        }
        s.words += 1;
        if tok.chars().next().is_some_and(chars::is_uppercase) {
            s.capitalised += 1;
        }
        // Fast path: a plain lower-case ASCII word (most tokens of prose).
        if ltok.bytes().all(|b| b.is_ascii_lowercase()) {
            let flags = lex.flags(ltok);
            count_stop(&mut s, flags);
            s.site_terms += u32::from(flags & SITE != 0);
            if flags & VERB != 0 || (ltok.len() > 4 && ltok.ends_with("ed")) {
                s.verbless = false;
            }
            any_token = true;
            let month = flags & MONTH != 0;
            if flags & DATE == 0 {
                s.time_only = false;
            } else if month && prev_number {
                s.date_like = true;
            }
            prev_month = month && ltok.len() >= 3;
            prev_number = false;
            return;
        }
        if ltok.contains("http")
            || ltok.starts_with("www.")
            || (ltok.contains('@') && ltok.contains('.'))
        {
            s.has_link = true;
        }
        let word = ltok.trim_matches(|c: char| !chars::is_alphanumeric(c));
        let flags = lex.flags(word);
        count_stop(&mut s, flags);
        s.site_terms += u32::from(flags & SITE != 0);
        if flags & VERB != 0
            || (word.len() > 4 && word.ends_with("ed") && !tok.starts_with(chars::is_uppercase))
        {
            s.verbless = false;
        }
        if ltok.contains('.')
            && [".com", ".org", ".net", ".co.uk", ".html"]
                .iter()
                .any(|d| word.ends_with(d.trim_start_matches('.')) && ltok.contains(d))
        {
            s.has_link = true;
        }
        // Dates and times only matter on short lines (bylines, captions, comment headers).
        if s.words > 36 {
            s.time_only = false;
            return;
        }
        // Tokens of a date/time line: numbers and date words, split on punctuation.
        for part in ltok.split(|c: char| !chars::is_alphanumeric(c) && c != '.') {
            let part = part.trim_matches('.');
            if part.is_empty() {
                continue;
            }
            any_token = true;
            let number = part.chars().all(|c| c.is_ascii_digit())
                || (part.len() <= 4
                    && part.chars().next().is_some_and(|c| c.is_ascii_digit())
                    && ["st", "nd", "rd", "th"].iter().any(|x| part.ends_with(x)));
            let part_flags = if part.len() == word.len() {
                flags
            } else {
                lex.flags(part)
            };
            let month = !number && part_flags & MONTH != 0;
            if !(number || part_flags & DATE != 0) {
                s.time_only = false;
            }
            if ((month && prev_number) || (number && prev_month)) && (month || part.len() <= 4) {
                s.date_like = true;
            }
            if number && is_numeric_date(part, ltok) {
                s.date_like = true;
            }
            prev_month = month && part.len() >= 3;
            prev_number = number;
        }
    };
    // ASCII lines (most news text) split faster, and their lower-case form has the same byte
    // offsets, so it is sliced rather than split again; so are lines whose characters all keep
    // their byte length in lower case (Cyrillic, typographic punctuation).
    if (line.is_ascii() && lower.len() == line.len())
        || (lower.len() == line.len() && line.chars().all(same_len_lower))
    {
        let base = line.as_ptr() as usize;
        let ascii = line.is_ascii();
        let mut each = |tok: &str| {
            let off = tok.as_ptr() as usize - base;
            on_token(tok, &lower[off..off + tok.len()]);
        };
        if ascii {
            line.split_ascii_whitespace().for_each(&mut each);
        } else {
            line.split_whitespace().for_each(&mut each);
        }
    } else {
        for (tok, ltok) in line.split_whitespace().zip(lower.split_whitespace()) {
            on_token(tok, ltok);
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
    let tail = lower.trim_end_matches(|c: char| !chars::is_alphanumeric(c) && c != '.' && c != '…');
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

#[inline]
fn count_stop(s: &mut Shape, flags: u16) {
    let bits = flags & 0x1f;
    if bits != 0 {
        for (i, n) in s.stop.iter_mut().enumerate() {
            if bits & (1 << i) != 0 {
                *n += 1;
            }
        }
    }
}

fn is_numeric_date(part: &str, token: &str) -> bool {
    // 2019-11-18, 18.11.2019, 11/18/2019: a 4-digit year inside a token with separators.
    part.len() == 4
        && (part.starts_with("19") || part.starts_with("20"))
        && token.len() >= 8
        && token
            .chars()
            .filter(|c| matches!(c, '-' | '/' | '.'))
            .count()
            >= 2
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
    fn fast_classes_match_std() {
        for u in (0..0x3000u32).chain(0xfe00..0x10000) {
            let Some(c) = char::from_u32(u) else { continue };
            assert_eq!(chars::is_alphabetic(c), c.is_alphabetic(), "{u:x}");
            assert_eq!(chars::is_alphanumeric(c), c.is_alphanumeric(), "{u:x}");
            assert_eq!(chars::is_numeric(c), c.is_numeric(), "{u:x}");
            assert_eq!(chars::is_lowercase(c), c.is_lowercase(), "{u:x}");
            assert_eq!(chars::is_uppercase(c), c.is_uppercase(), "{u:x}");
            let mut a = String::new();
            chars::push_lower(&mut a, c);
            assert_eq!(a, c.to_lowercase().collect::<String>(), "{u:x}");
        }
        for u in 0..0x10000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            if same_len_lower(c) {
                let l: Vec<char> = c.to_lowercase().collect();
                assert!(l.len() == 1 && l[0].len_utf8() == c.len_utf8(), "{u:x}");
            }
        }
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
        assert!(
            sh("Scientists of the institute at the signing ceremony in Mombasa on 9 March 2026.")
                .verbless
        );
        assert!(!sh("The institute said it would build the station.").verbless);
    }

    #[test]
    fn teaser_ending_is_truncated() {
        assert!(sh("the real test will come when ... Read more").ends_truncated);
        assert!(!sh("It ended well.").ends_truncated);
    }
}
