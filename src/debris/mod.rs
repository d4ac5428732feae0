//! Debris stage: removes page furniture (navigation, share prompts, comment forms, widget
//! teasers) from article text, line by line, recording a reason for every cut.
//!
//! It runs in two steps so that it can use corpus evidence: [`LineStatsBuilder`] counts
//! normalized short lines over the whole corpus during the read pass, then [`Debris::strip`]
//! cleans each document with those counts in hand.
//!
//! This first version uses exact UI phrases and corpus repetition only; the full classifier
//! (line shape, context, glued spans, multilingual phrase lists) replaces its internals behind
//! the same interface.

use crate::config::DebrisOptions;
use serde::Serialize;
use std::collections::HashMap;
use xxhash_rust::xxh3::xxh3_64;

/// A removed line or span of a document.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Removed {
    /// The removed text, as it stood in the input.
    pub text: String,
    /// 1-based line number in the input text.
    pub line: usize,
    /// Byte offset of the removed span within its line (0 for a whole line).
    pub start: usize,
    /// Why it was removed (`ui_phrase`, `repeated_line`, ...).
    pub reason: &'static str,
}

/// The outcome of cleaning one document.
#[derive(Debug, Clone, Default)]
pub struct Stripped {
    /// The text with debris removed (or unchanged when only annotating).
    pub text: String,
    pub removed: Vec<Removed>,
    /// Characters of debris removed, and characters of (non-blank) input, for the debris share.
    pub debris_chars: usize,
    pub total_chars: usize,
}

impl Stripped {
    /// Share of the document's characters that were debris.
    pub fn debris_share(&self) -> f64 {
        if self.total_chars == 0 {
            0.0
        } else {
            self.debris_chars as f64 / self.total_chars as f64
        }
    }
}

/// Lines longer than this are never counted as template lines: they are prose.
const MAX_TEMPLATE_LINE_CHARS: usize = 160;

/// Accumulates, per site, how many documents contain each short normalized line.
#[derive(Debug, Default, Clone)]
pub struct LineStatsBuilder {
    counts: HashMap<u64, u32>,
    docs: HashMap<u64, u32>,
}

impl LineStatsBuilder {
    pub fn new(_opts: &DebrisOptions) -> Self {
        Self::default()
    }

    /// Counts the distinct short lines of one document.
    pub fn add(&mut self, site: Option<&str>, text: &str) {
        let site_key = xxh3_64(site.unwrap_or("").as_bytes());
        *self.docs.entry(site_key).or_default() += 1;
        let mut seen: Vec<u64> = text.lines().filter_map(|l| line_key(site_key, l)).collect();
        seen.sort_unstable();
        seen.dedup();
        for k in seen {
            *self.counts.entry(k).or_default() += 1;
        }
    }

    /// Adds another builder's counts (the merge is commutative, so parallel order is irrelevant).
    pub fn merge(&mut self, other: LineStatsBuilder) {
        for (k, v) in other.counts {
            *self.counts.entry(k).or_default() += v;
        }
        for (k, v) in other.docs {
            *self.docs.entry(k).or_default() += v;
        }
    }

    pub fn finish(self) -> LineStats {
        LineStats {
            counts: self.counts,
            docs: self.docs,
        }
    }
}

fn line_key(site_key: u64, line: &str) -> Option<u64> {
    let norm: String = line
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    if norm.is_empty() || norm.chars().count() > MAX_TEMPLATE_LINE_CHARS {
        return None;
    }
    Some(xxh3_64(norm.as_bytes()) ^ site_key.rotate_left(17))
}

/// Corpus line counts, read-only once built.
#[derive(Debug, Default, Clone)]
pub struct LineStats {
    counts: HashMap<u64, u32>,
    docs: HashMap<u64, u32>,
}

impl LineStats {
    /// In how many documents of `site` the line occurs, and how many documents the site has.
    pub fn frequency(&self, site: Option<&str>, line: &str) -> (u32, u32) {
        let site_key = xxh3_64(site.unwrap_or("").as_bytes());
        let docs = self.docs.get(&site_key).copied().unwrap_or(0);
        let n = line_key(site_key, line)
            .and_then(|k| self.counts.get(&k).copied())
            .unwrap_or(0);
        (n, docs)
    }
}

/// Whole-line UI phrases (compared case-insensitively, whitespace folded).
const UI_PHRASES: &[&str] = &[
    "read more",
    "leave a reply",
    "back to top button",
    "related articles",
    "you may also like",
    "previous post next post",
    "view article origin here",
    "share this article",
    "advertisement",
];

/// The compiled debris classifier.
#[derive(Debug, Clone)]
pub struct Debris {
    opts: DebrisOptions,
}

impl Debris {
    pub fn new(opts: &DebrisOptions) -> anyhow::Result<Self> {
        Ok(Debris { opts: opts.clone() })
    }

    /// Cleans one document.
    pub fn strip(&self, text: &str, site: Option<&str>, stats: &LineStats) -> Stripped {
        let mut out = Stripped::default();
        let mut kept: Vec<&str> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            out.total_chars += trimmed.chars().count();
            if trimmed.is_empty() {
                kept.push(line);
                continue;
            }
            let folded = trimmed
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase();
            let reason = if UI_PHRASES.contains(&folded.as_str()) {
                Some("ui_phrase")
            } else {
                let (n, docs) = stats.frequency(site, trimmed);
                (n >= 3 && docs >= 5 && n * 10 >= docs).then_some("repeated_line")
            };
            match reason {
                Some(reason) => {
                    out.debris_chars += trimmed.chars().count();
                    out.removed.push(Removed {
                        text: line.to_string(),
                        line: i + 1,
                        start: 0,
                        reason,
                    });
                    if self.opts.keep_debris {
                        kept.push(line);
                    }
                }
                None => kept.push(line),
            }
        }
        out.text = tidy_blank_lines(&kept);
        out
    }
}

/// Joins kept lines, collapsing the runs of blank lines that removed lines leave behind.
fn tidy_blank_lines(lines: &[&str]) -> String {
    let mut out = String::new();
    let mut blank_run = 0;
    for line in lines {
        if line.trim().is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ui_phrases_are_removed_with_reason() {
        let d = Debris::new(&DebrisOptions::default()).expect("debris");
        let s = d.strip(
            "Title\n\nBody text here.\n\nRead More\nBack to top button",
            None,
            &LineStats::default(),
        );
        assert_eq!(s.text, "Title\n\nBody text here.");
        assert_eq!(s.removed.len(), 2);
        assert_eq!(s.removed[0].line, 5);
        assert_eq!(s.removed[0].reason, "ui_phrase");
    }

    #[test]
    fn lines_repeated_across_a_site_are_template() {
        let mut b = LineStatsBuilder::new(&DebrisOptions::default());
        for i in 0..10 {
            b.add(
                Some("a.com"),
                &format!("Subscribe to our newsletter today\nStory {i} body."),
            );
        }
        let stats = b.finish();
        let d = Debris::new(&DebrisOptions::default()).expect("debris");
        let s = d.strip(
            "Subscribe to our newsletter today\nFresh body.",
            Some("a.com"),
            &stats,
        );
        assert_eq!(s.text, "Fresh body.");
        assert_eq!(s.removed[0].reason, "repeated_line");
    }
}
