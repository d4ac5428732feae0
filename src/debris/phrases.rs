//! UI phrase lists, compiled once into one Aho-Corasick automaton.
//!
//! The built-in lists live in `phrases/{en,de,fr,es,ru,pt,it}.txt` (written for copydesk, same
//! licence); users add their own files through `DebrisOptions::phrase_files` in the same format:
//!
//! ```text
//! # comment
//! [line.ui_phrase]      a line made only of such phrases (and separators) is debris
//! [marker]              like line.*, and it also opens a related-stories zone
//! [comments]            like line.*, and it may open a reader-comments zone
//! [contains.footer]     a short line containing the phrase is debris
//! [prefix.caption]      a short line starting with the phrase is debris
//! [inline.injected_text] the sentence containing the phrase is cut out of its line
//! ```
//!
//! Phrases before any section header are `[line.ui_phrase]`. Matching is case-insensitive and
//! only counts at word boundaries.

use super::dfa::Dfa;
use super::reasons;
use super::shape::chars;
use anyhow::{bail, Context, Result};

const BUILTIN: &[(&str, &str)] = &[
    ("en", include_str!("phrases/en.txt")),
    ("de", include_str!("phrases/de.txt")),
    ("fr", include_str!("phrases/fr.txt")),
    ("es", include_str!("phrases/es.txt")),
    ("ru", include_str!("phrases/ru.txt")),
    ("pt", include_str!("phrases/pt.txt")),
    ("it", include_str!("phrases/it.txt")),
];

/// How a phrase is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The whole line must consist of such phrases.
    Line,
    /// Whole-line, and opens a related-stories zone.
    Marker,
    /// Anywhere in a short line.
    Contains,
    /// At the start of a short line.
    Prefix,
    /// Anywhere; only its sentence is cut.
    Inline,
    /// Whole-line, and opens a reader-comments zone.
    Comments,
}

#[derive(Debug, Clone, Copy)]
pub struct Phrase {
    pub mode: Mode,
    pub reason: &'static str,
}

/// What the phrase lists say about one line.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct PhraseHits {
    /// The line is made only of line/marker phrases: the reason of its longest one.
    pub whole_line: Option<&'static str>,
    /// One of the whole-line phrases is a marker.
    pub marker: bool,
    /// One of the whole-line phrases is a comments heading.
    pub comments: bool,
    /// Reason of the first `contains` phrase found.
    pub contains: Option<&'static str>,
    /// Reason of a `prefix` phrase matching at the line start.
    pub prefix: Option<&'static str>,
    /// Byte range (in the lower-cased line) of the first `inline` phrase.
    pub inline: Option<(usize, usize, &'static str)>,
}

#[derive(Debug, Clone)]
pub struct PhraseSet {
    ac: Dfa,
    phrases: Vec<Phrase>,
    /// For long lines, where only `inline` and `contains` phrases can apply: all of them (up to
    /// `CONTAINS_MAX_WORDS` words), inline and footer phrases (up to
    /// `CONTAINS_FOOTER_MAX_WORDS`), inline phrases only (longer).
    tiers: [(Dfa, Vec<Phrase>); 3],
    /// The folded patterns, by pattern ID (for the tests' reference automata).
    #[cfg(test)]
    patterns: Vec<String>,
}

/// Longest line (words) that a `contains` phrase makes debris; footers may be longer.
pub const CONTAINS_MAX_WORDS: u32 = 40;
pub const CONTAINS_FOOTER_MAX_WORDS: u32 = 150;

fn compile_tier(
    patterns: &[String],
    phrases: &[Phrase],
    keep: impl Fn(&Phrase) -> bool,
) -> Result<(Dfa, Vec<Phrase>)> {
    let (pat, ph): (Vec<&String>, Vec<Phrase>) = patterns
        .iter()
        .zip(phrases)
        .filter(|(_, p)| keep(p))
        .map(|(s, p)| (s, *p))
        .unzip();
    let ac = Dfa::new(&pat).context("cannot compile inline debris phrases")?;
    Ok((ac, ph))
}

/// Lines longer than this (bytes) are only searched for inline phrases: whole-line, prefix and
/// contains rules never apply to them.
pub const FULL_SCAN_MAX_BYTES: usize = 400;

impl PhraseSet {
    /// Built-in lists plus the user's files.
    pub fn load(extra_files: &[String]) -> Result<PhraseSet> {
        let mut patterns: Vec<String> = Vec::new();
        let mut phrases: Vec<Phrase> = Vec::new();
        for (name, text) in BUILTIN {
            parse_into(text, name, &mut patterns, &mut phrases)?;
        }
        for path in extra_files {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read phrase file {path}"))?;
            parse_into(&text, path, &mut patterns, &mut phrases)?;
        }
        // The four automata are independent; building them is most of the start-up cost,
        // so they are built on the pool side by side.
        let full = || Dfa::new(&patterns).context("cannot compile debris phrase lists");
        let short_lines = || {
            compile_tier(&patterns, &phrases, |p| {
                matches!(p.mode, Mode::Inline | Mode::Contains)
            })
        };
        let footer_lines = || {
            compile_tier(&patterns, &phrases, |p| {
                p.mode == Mode::Inline || (p.mode == Mode::Contains && p.reason == reasons::FOOTER)
            })
        };
        let long_lines = || compile_tier(&patterns, &phrases, |p| p.mode == Mode::Inline);
        let ((ac, t0), (t1, t2)) = rayon::join(
            || rayon::join(full, short_lines),
            || rayon::join(footer_lines, long_lines),
        );
        let ac = ac?;
        let tiers = [t0?, t1?, t2?];
        Ok(PhraseSet {
            ac,
            phrases,
            tiers,
            #[cfg(test)]
            patterns,
        })
    }

    /// Inline and contains phrases only, for long lines of `weight` words: a `contains`
    /// phrase only decides lines of at most `CONTAINS_MAX_WORDS` words (footers
    /// `CONTAINS_FOOTER_MAX_WORDS`), so longer lines are searched for fewer phrases.
    pub fn scan_inline(&self, lower: &str, weight: u32) -> PhraseHits {
        let (ac, phrases) = if weight <= CONTAINS_MAX_WORDS {
            &self.tiers[0]
        } else if weight <= CONTAINS_FOOTER_MAX_WORDS {
            &self.tiers[1]
        } else {
            &self.tiers[2]
        };
        let mut hits = PhraseHits::default();
        if phrases.is_empty() {
            return hits;
        }
        ac.find_each(lower.as_bytes(), |pid, s, e| {
            if !at_boundary(lower, s, e) {
                return true;
            }
            let Some(&p) = phrases.get(pid) else {
                return true;
            };
            if p.mode == Mode::Inline && hits.inline.is_none() {
                hits.inline = Some((s, e, p.reason));
            } else if p.mode == Mode::Contains && hits.contains.is_none() {
                hits.contains = Some(p.reason);
            }
            !(hits.inline.is_some() && hits.contains.is_some())
        });
        hits
    }

    /// Scans one lower-cased line. `lower` must already be lower-cased with glued words split
    /// (see `shape::lower_into`) for the whole-line test to see through "Top NewsWorld News".
    pub fn scan(&self, lower: &str) -> PhraseHits {
        let mut hits = PhraseHits::default();
        // Covered byte ranges of whole-line phrases, to check that nothing else is on the line.
        let mut covered: [(usize, usize); 16] = [(0, 0); 16];
        let mut n_cov = 0usize;
        let mut longest = 0usize;
        let mut longest_reason = reasons::UI_PHRASE;
        let first_alnum = lower
            .char_indices()
            .find(|&(_, c)| chars::is_alphanumeric(c) || c == '(')
            .map(|(i, _)| i)
            .unwrap_or(0);
        self.ac.overlapping(lower.as_bytes(), |pid, s, e| {
            if !at_boundary(lower, s, e) {
                return true;
            }
            let Some(&p) = self.phrases.get(pid) else {
                return true;
            };
            match p.mode {
                Mode::Line | Mode::Marker | Mode::Comments => {
                    if n_cov < covered.len() {
                        covered[n_cov] = (s, e);
                        n_cov += 1;
                    }
                    if e - s > longest {
                        longest = e - s;
                        longest_reason = p.reason;
                    }
                    hits.marker |= p.mode == Mode::Marker;
                    hits.comments |= p.mode == Mode::Comments;
                }
                Mode::Contains => {
                    if hits.contains.is_none() {
                        hits.contains = Some(p.reason);
                    }
                }
                Mode::Prefix => {
                    if s == first_alnum && hits.prefix.is_none() {
                        hits.prefix = Some(p.reason);
                    }
                }
                Mode::Inline => {
                    if hits.inline.is_none() {
                        hits.inline = Some((s, e, p.reason));
                    }
                }
            }
            true
        });
        if n_cov > 0 && n_cov < covered.len() {
            let ranges = &covered[..n_cov];
            // Stops at the first uncovered letter (most lines with a phrase have one early).
            let uncovered = lower.char_indices().any(|(i, c)| {
                chars::is_alphabetic(c) && !ranges.iter().any(|&(s, e)| i >= s && i < e)
            });
            if !uncovered {
                hits.whole_line = Some(longest_reason);
            } else {
                hits.marker = false;
                hits.comments = false;
            }
        } else {
            hits.marker = false;
            hits.comments = false;
        }
        hits
    }
}

/// A match counts only when it is not part of a longer word.
fn at_boundary(s: &str, start: usize, end: usize) -> bool {
    let before = s[..start].chars().next_back();
    let after = s[end..].chars().next();
    let first = s[start..end].chars().next();
    let last = s[start..end].chars().next_back();
    let word = |c: Option<char>| c.is_some_and(chars::is_alphanumeric);
    !((word(before) && word(first)) || (word(after) && word(last)))
}

fn parse_into(
    text: &str,
    source: &str,
    patterns: &mut Vec<String>,
    phrases: &mut Vec<Phrase>,
) -> Result<()> {
    let mut current = Phrase {
        mode: Mode::Line,
        reason: reasons::UI_PHRASE,
    };
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = parse_section(section.trim())
                .with_context(|| format!("{source}:{}: bad section [{section}]", i + 1))?;
            continue;
        }
        let folded: String = line
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        patterns.push(folded);
        phrases.push(current);
    }
    Ok(())
}

fn parse_section(section: &str) -> Result<Phrase> {
    if section == "comments" {
        return Ok(Phrase {
            mode: Mode::Comments,
            reason: reasons::COMMENT_FORM,
        });
    }
    if section == "marker" {
        return Ok(Phrase {
            mode: Mode::Marker,
            reason: reasons::RELATED_TEASER,
        });
    }
    let Some((mode, reason)) = section.split_once('.') else {
        bail!("expected [marker] or [MODE.REASON]");
    };
    let mode = match mode {
        "line" => Mode::Line,
        "contains" => Mode::Contains,
        "prefix" => Mode::Prefix,
        "inline" => Mode::Inline,
        other => bail!("unknown mode {other:?} (line, contains, prefix, inline)"),
    };
    let Some(reason) = reasons::ALL.iter().find(|r| **r == reason) else {
        bail!(
            "unknown reason {reason:?}; known: {}",
            reasons::ALL.join(", ")
        );
    };
    Ok(Phrase { mode, reason })
}

#[cfg(test)]
mod tests {
    use super::*;

    use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

    fn set() -> PhraseSet {
        PhraseSet::load(&[]).expect("built-in phrases compile")
    }

    /// `scan` and `scan_inline` as they were on the `aho-corasick` crate's automata: the
    /// reference the hand-built DFA must agree with.
    struct Reference {
        ac: AhoCorasick,
        phrases: Vec<Phrase>,
        tiers: [(AhoCorasick, Vec<Phrase>); 3],
    }

    impl Reference {
        fn new(set: &PhraseSet) -> Reference {
            let build = |keep: &dyn Fn(&Phrase) -> bool| {
                let (pat, ph): (Vec<&String>, Vec<Phrase>) = set
                    .patterns
                    .iter()
                    .zip(&set.phrases)
                    .filter(|(_, p)| keep(p))
                    .map(|(s, p)| (s, *p))
                    .unzip();
                let ac = AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .ascii_case_insensitive(true)
                    .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                    .build(&pat)
                    .expect("reference automaton");
                (ac, ph)
            };
            let (ac, phrases) = build(&|_| true);
            Reference {
                ac,
                phrases,
                tiers: [
                    build(&|p| matches!(p.mode, Mode::Inline | Mode::Contains)),
                    build(&|p| {
                        p.mode == Mode::Inline
                            || (p.mode == Mode::Contains && p.reason == reasons::FOOTER)
                    }),
                    build(&|p| p.mode == Mode::Inline),
                ],
            }
        }

        fn scan_inline(&self, lower: &str, weight: u32) -> PhraseHits {
            let (ac, phrases) = if weight <= CONTAINS_MAX_WORDS {
                &self.tiers[0]
            } else if weight <= CONTAINS_FOOTER_MAX_WORDS {
                &self.tiers[1]
            } else {
                &self.tiers[2]
            };
            let mut hits = PhraseHits::default();
            if phrases.is_empty() {
                return hits;
            }
            for m in ac.find_iter(lower) {
                if !at_boundary(lower, m.start(), m.end()) {
                    continue;
                }
                let p = phrases[m.pattern().as_usize()];
                if p.mode == Mode::Inline && hits.inline.is_none() {
                    hits.inline = Some((m.start(), m.end(), p.reason));
                } else if p.mode == Mode::Contains && hits.contains.is_none() {
                    hits.contains = Some(p.reason);
                }
                if hits.inline.is_some() && hits.contains.is_some() {
                    break;
                }
            }
            hits
        }

        /// Scans one lower-cased line. `lower` must already be lower-cased with glued words split
        /// (see `shape::lower_into`) for the whole-line test to see through "Top NewsWorld News".
        fn scan(&self, lower: &str) -> PhraseHits {
            let mut hits = PhraseHits::default();
            // Covered byte ranges of whole-line phrases, to check that nothing else is on the line.
            let mut covered: [(usize, usize); 16] = [(0, 0); 16];
            let mut n_cov = 0usize;
            let mut longest = 0usize;
            let mut longest_reason = reasons::UI_PHRASE;
            let first_alnum = lower
                .char_indices()
                .find(|&(_, c)| chars::is_alphanumeric(c) || c == '(')
                .map(|(i, _)| i)
                .unwrap_or(0);
            for m in self.ac.find_overlapping_iter(lower) {
                let (s, e) = (m.start(), m.end());
                if !at_boundary(lower, s, e) {
                    continue;
                }
                let p = self.phrases[m.pattern().as_usize()];
                match p.mode {
                    Mode::Line | Mode::Marker | Mode::Comments => {
                        if n_cov < covered.len() {
                            covered[n_cov] = (s, e);
                            n_cov += 1;
                        }
                        if e - s > longest {
                            longest = e - s;
                            longest_reason = p.reason;
                        }
                        hits.marker |= p.mode == Mode::Marker;
                        hits.comments |= p.mode == Mode::Comments;
                    }
                    Mode::Contains => {
                        if hits.contains.is_none() {
                            hits.contains = Some(p.reason);
                        }
                    }
                    Mode::Prefix => {
                        if s == first_alnum && hits.prefix.is_none() {
                            hits.prefix = Some(p.reason);
                        }
                    }
                    Mode::Inline => {
                        if hits.inline.is_none() {
                            hits.inline = Some((s, e, p.reason));
                        }
                    }
                }
            }
            if n_cov > 0 && n_cov < covered.len() {
                let ranges = &covered[..n_cov];
                // Stops at the first uncovered letter (most lines with a phrase have one early).
                let uncovered = lower.char_indices().any(|(i, c)| {
                    chars::is_alphabetic(c) && !ranges.iter().any(|&(s, e)| i >= s && i < e)
                });
                if !uncovered {
                    hits.whole_line = Some(longest_reason);
                } else {
                    hits.marker = false;
                    hits.comments = false;
                }
            } else {
                hits.marker = false;
                hits.comments = false;
            }
            hits
        }
    }

    /// Lines made of phrase pieces, words and separators, in any case, with CRLF, unicode and
    /// long runs: the hits must be those of the reference.
    fn line() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just("share this article".to_string()),
            Just("Read More".to_string()),
            Just("you may also like".to_string()),
            Just("Leave a Reply".to_string()),
            Just("by".to_string()),
            Just("All rights reserved".to_string()),
            Just("Поделиться".to_string()),
            Just("Weiterlesen".to_string()),
            Just("Photo:".to_string()),
            Just("comments".to_string()),
            Just("©".to_string()),
            Just(" ".to_string()),
            Just("\r".to_string()),
            Just(" | ".to_string()),
            "[a-zA-Z]{1,8}",
            "\\PC{1,6}",
        ];
        proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
    }

    /// The set and its reference, built once for all cases.
    fn both() -> &'static (PhraseSet, Reference) {
        static BOTH: std::sync::OnceLock<(PhraseSet, Reference)> = std::sync::OnceLock::new();
        BOTH.get_or_init(|| {
            let s = set();
            let r = Reference::new(&s);
            (s, r)
        })
    }

    proptest::proptest! {
        #[test]
        fn scans_agree_with_the_crate(l in line(), weight in 0u32..200) {
            let (s, r) = both();
            let lower = l.to_lowercase();
            for t in [l.as_str(), lower.as_str()] {
                proptest::prop_assert_eq!(s.scan(t), r.scan(t));
                proptest::prop_assert_eq!(s.scan_inline(t, weight), r.scan_inline(t, weight));
            }
        }
    }

    #[test]
    fn scans_agree_with_the_crate_on_the_samples() {
        let (s, r) = both();
        let long = "Read more share this article ".repeat(40);
        let mut texts = vec![long.as_str()];
        for (_, t) in BUILTIN {
            texts.push(t);
        }
        for text in texts {
            for l in text.lines() {
                let lower = l.to_lowercase();
                for t in [l, lower.as_str()] {
                    assert_eq!(s.scan(t), r.scan(t), "{t:?}");
                    for w in [0, 41, 151] {
                        assert_eq!(s.scan_inline(t, w), r.scan_inline(t, w), "{t:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn whole_line_needs_every_word_covered() {
        let s = set();
        assert!(s.scan("previous post next post").whole_line.is_some());
        assert!(s.scan("share this article").whole_line.is_some());
        assert!(s
            .scan("share this article with a friend today")
            .whole_line
            .is_none());
    }

    #[test]
    fn phrases_match_only_at_word_boundaries() {
        let s = set();
        assert!(s.scan("shares of homeowners").whole_line.is_none());
        assert!(s.scan("menus").whole_line.is_none());
    }

    #[test]
    fn marker_phrase_opens_a_zone() {
        let s = set();
        let h = s.scan("you may also like");
        assert!(h.marker);
        assert_eq!(h.whole_line, Some(reasons::RELATED_TEASER));
    }

    #[test]
    fn contains_phrase_is_found_inside_a_line() {
        let h =
            set().scan("your email address will not be published. required fields are marked *");
        assert_eq!(h.contains, Some(reasons::COMMENT_FORM));
    }

    #[test]
    fn unknown_reason_in_a_user_file_is_an_error() {
        let mut p = Vec::new();
        let mut ph = Vec::new();
        assert!(parse_into("[line.nonsense]\nfoo\n", "x", &mut p, &mut ph).is_err());
    }
}
