//! Debris stage: removes page furniture (navigation, share prompts, captions, bylines, comment
//! forms, related-story teasers, author boxes) from article text, line by line and, where
//! debris is glued into a sentence, span by span, recording a reason for every cut.
//!
//! It runs in two steps so that it can use corpus evidence: [`LineStatsBuilder`] counts
//! normalized short lines over the whole corpus during the read pass (bounded memory,
//! order-independent merge: see [`stats`]), then [`Debris::strip`] cleans each document.
//!
//! `strip` combines four kinds of evidence:
//! 1. **phrases** ([`phrases`]): UI text in en/de/fr/es/ru/pt/it, user-extendable, one
//!    Aho-Corasick pass per line;
//! 2. **corpus**: lines recurring across documents of the same site (or, for short non-sentence
//!    lines, across the corpus) are template lines;
//! 3. **shape** ([`shape`]): length, terminal punctuation, stop-word share in the document's
//!    language, dates, times, links, bylines, verbless one-sentence captions;
//! 4. **context**: a line is first *good* (prose), *bad* (debris), or *short*/*near-good*
//!    (undecided); hard-wrapped paragraphs are joined into prose; a headline repeated at the top
//!    is collapsed; a lead photo's caption + credit and dated verbless captions go; after a
//!    "Read More"/"You May Also Like" marker, headlines and truncated teaser paragraphs are
//!    debris until real prose resumes; after a comments heading followed by comment headers
//!    ("Jane on May 3, 2019 at 4:47 pm said:") everything is readers' comments; undecided lines
//!    take the verdict of their nearest decided neighbours (a short line between paragraphs is a
//!    subheading, between debris it is debris, and a title directly above the first paragraph is
//!    the headline); finally prose blocks cut off from the main block by three or more debris
//!    lines, and much smaller than it, are sidebars.
//!
//! Finally glued debris inside kept lines is cut ([`spans`]).
//!
//! The bias is toward recall: losing article text costs more than leaving a stray line, so
//! every rule that removes prose-shaped text needs a second, independent signal.
//!
//! Teaser lists also go without a marker when three or more truncated paragraphs ("…", "[…]")
//! follow each other separated only by titles; a passage printed twice on the page (two or more
//! adjacent paragraphs repeated verbatim) keeps only its copy in the main block; relative
//! timestamps ("2 days ago at 07:52 am") count as comment headers under a comments heading.
//! A teaser card whose title-case headline runs into its lede without a space ("…Deals In
//! DetroitIn the market…") is a related teaser; a name glued to its link's hover card ("Kristi
//! NoemKristi Lynn Noem… MORE") loses the card; a block away from the main one dense with words
//! about the website itself (users, comments, accounts, privacy) is policy text (footer).
//!
//! Measured with `copydesk eval boilerplate` on aeb-dev (181 real news pages, plain-text dumps
//! with menus, footers and comments): precision 0.910, recall 0.952, F1 0.930 (keep-all 0.672,
//! the ten-words rule 0.841). Every rule was written against that same set of 181 pages, so the
//! figure is optimistic for unseen pages; the rules are kept general (no site names, no counts
//! tuned to single pages) to limit that.
//!
//! Removal reasons (the `reason` strings of [`Removed`]) are listed in [`reasons`].

mod dfa;
pub mod lang;
pub mod phrases;
pub mod shape;
pub mod spans;
pub mod stats;
mod swar;

use crate::config::DebrisOptions;
use phrases::{PhraseHits, PhraseSet};
use serde::Serialize;
use shape::{Lexicon, Shape};
pub use stats::{Frequency, LineStats, LineStatsBuilder};

/// The reasons a line or span is removed.
pub mod reasons {
    /// A line made only of UI text ("Share this article", "Back to top button").
    pub const UI_PHRASE: &str = "ui_phrase";
    /// Section names and breadcrumbs ("Top NewsUS News", "World").
    pub const NAVIGATION: &str = "navigation";
    /// A line recurring across many documents of the site (or corpus).
    pub const TEMPLATE_LINE: &str = "template_line";
    /// Photo/video captions and credits.
    pub const CAPTION: &str = "caption";
    /// Author and date lines ("By Jane Roe", "Reuters November 18, 2019 11:03 PM").
    pub const BYLINE: &str = "byline";
    /// A line that is only a date, time or duration.
    pub const TIMESTAMP: &str = "timestamp";
    /// Comment forms ("Leave a Reply", "Your email address will not be published").
    pub const COMMENT_FORM: &str = "comment_form";
    /// Related-story markers and the headlines/teasers that follow them.
    pub const RELATED_TEASER: &str = "related_teaser";
    /// Author boxes ("… bookmarking her author page right here").
    pub const AUTHOR_BIO: &str = "author_bio";
    /// Copyright, cookie, newsletter and legal lines.
    pub const FOOTER: &str = "footer";
    /// A bare link or e-mail address.
    pub const LINK: &str = "link";
    /// Widget text glued into a sentence ("…leaving port 1:12However").
    pub const GLUED_WIDGET: &str = "glued_widget";
    /// The headline repeated at the top of the text.
    pub const REPEATED_HEADLINE: &str = "repeated_headline";
    /// A stray sentence injected into a paragraph by the scraper.
    pub const INJECTED_TEXT: &str = "injected_text";
    /// A short line inside (or at the edge of) a run of debris.
    pub const BOILERPLATE_RUN: &str = "boilerplate_run";
    /// Readers' comments below the article.
    pub const COMMENTS: &str = "comments";
    /// Prose cut off from the article by a long run of debris (sidebars, widgets).
    pub const ISOLATED_BLOCK: &str = "isolated_block";
    /// A second copy of a paragraph kept elsewhere (the page printed the article twice, or a
    /// teaser list repeats its lede).
    pub const DUPLICATE_TEXT: &str = "duplicate_text";

    /// Every reason, for validating user phrase files.
    pub const ALL: &[&str] = &[
        UI_PHRASE,
        NAVIGATION,
        TEMPLATE_LINE,
        CAPTION,
        BYLINE,
        TIMESTAMP,
        COMMENT_FORM,
        RELATED_TEASER,
        AUTHOR_BIO,
        FOOTER,
        LINK,
        GLUED_WIDGET,
        REPEATED_HEADLINE,
        INJECTED_TEXT,
        BOILERPLATE_RUN,
        COMMENTS,
        ISOLATED_BLOCK,
        DUPLICATE_TEXT,
    ];
}

/// A removed line or span of a document.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Removed {
    /// The removed text, as it stood in the input.
    pub text: String,
    /// 1-based line number in the input text.
    pub line: usize,
    /// Byte offset of the removed span within its line (0 for a whole line).
    pub start: usize,
    /// Why it was removed: one of [`reasons`].
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Blank,
    /// Prose: long, or medium and ending like a sentence.
    Good,
    /// A short sentence: kept unless it sits in debris on both sides.
    NearGood,
    /// Short, not a sentence: takes the verdict of its context.
    Short,
    /// Debris, with a reason.
    Bad,
}

#[derive(Debug, Clone, Copy)]
struct Line {
    /// The trimmed line is ASCII (its characters are its bytes).
    ascii: bool,
    class: Class,
    reason: Option<&'static str>,
    shape: Shape,
    hits: PhraseHits,
}

/// The compiled debris classifier; build once, share across threads.
#[derive(Debug, Clone)]
pub struct Debris {
    opts: DebrisOptions,
    phrases: PhraseSet,
    lex: Lexicon,
}

/// Scratch buffers reused across the lines of one document.
#[derive(Default)]
struct Scratch {
    lower: String,
    split: String,
    norm: String,
    /// Separator bit map of the current line (see `swar::ascii_counts`).
    seps: Vec<u64>,
}

impl Debris {
    pub fn new(opts: &DebrisOptions) -> anyhow::Result<Self> {
        Ok(Debris {
            opts: opts.clone(),
            phrases: PhraseSet::load(&opts.phrase_files)?,
            lex: Lexicon::new(),
        })
    }

    /// Cleans one document.
    pub fn strip(&self, text: &str, site: Option<&str>, stats: &LineStats) -> Stripped {
        let raw = split_lines(text);
        let mut lines = Vec::with_capacity(raw.len());
        let mut scratch = Scratch::default();
        let mut stop_total = [0u32; 5];
        let mut words_total = 0u32;
        for r in &raw {
            let t = r.trim();
            if t.is_empty() {
                lines.push(Line {
                    ascii: true,
                    class: Class::Blank,
                    reason: None,
                    shape: Shape::default(),
                    hits: PhraseHits::default(),
                });
                continue;
            }
            let ascii = t.is_ascii();
            let (sh, hits) = if ascii {
                // ASCII (most news text): no lower-case copy of the line. The phrase automata
                // ignore ASCII case; only a line with glued words is scanned in its split form.
                let sh = shape::shape_ascii(t, &self.lex, &mut scratch.lower, &mut scratch.seps);
                let hits = if t.len() > phrases::FULL_SCAN_MAX_BYTES {
                    self.phrases.scan_inline(t, sh.weight)
                } else if sh.glued {
                    shape::lower_split_into(t, &mut scratch.split);
                    self.phrases.scan(&scratch.split)
                } else {
                    self.phrases.scan(t)
                };
                (sh, hits)
            } else {
                // Shape without a lower-case copy; the phrase scan needs one only when
                // lower-casing changes more than ASCII case (see `shape::shape_mixed`).
                let (mut sh, glued, invariant) =
                    shape::shape_mixed(t, &self.lex, &mut scratch.lower, &mut scratch.seps);
                let hits = if t.len() > phrases::FULL_SCAN_MAX_BYTES {
                    // No glue splitting on long lines: offsets are those of the lower-case form.
                    if invariant {
                        self.phrases.scan_inline(t, sh.weight)
                    } else {
                        shape::lower_into(t, &mut scratch.lower);
                        self.phrases.scan_inline(&scratch.lower, sh.weight)
                    }
                } else {
                    sh.glued = glued;
                    if invariant && !glued {
                        self.phrases.scan(t)
                    } else {
                        shape::lower_split_into(t, &mut scratch.split);
                        self.phrases.scan(&scratch.split)
                    }
                };
                (sh, hits)
            };
            for (tot, n) in stop_total.iter_mut().zip(sh.stop) {
                *tot += u32::from(n);
            }
            words_total += sh.words;
            let reason = self.line_reason(t, &sh, &hits, site, stats, &mut scratch);
            lines.push(Line {
                ascii,
                class: if reason.is_some() {
                    Class::Bad
                } else {
                    Class::Short
                },
                reason,
                shape: sh,
                hits,
            });
        }
        let lang = doc_language(&stop_total, words_total);
        for l in lines.iter_mut().filter(|l| l.class == Class::Short) {
            l.class = prose_class(&l.shape, lang);
        }
        self.join_wrapped_paragraphs(&raw, &mut lines);
        if !lines.iter().any(|l| l.class == Class::Good) {
            // A short text made of short sentences: its sentences are the article.
            for l in lines.iter_mut().filter(|l| l.class == Class::NearGood) {
                l.class = Class::Good;
            }
        }
        collapse_repeated_headline(&raw, &mut lines);
        mark_captions(&mut lines, lang);
        mark_author_boxes(&mut lines);
        mark_related_zones(&mut lines);
        mark_teaser_lists(&mut lines);
        mark_comment_zone(&raw, &mut lines);
        resolve_by_context(&mut lines);
        let main = drop_isolated_blocks(&mut lines);
        drop_duplicate_paragraphs(&raw, &mut lines, main);
        self.assemble(&raw, &lines, &mut scratch)
    }

    /// Hard-wrapped paragraphs (a sentence running over several short lines) are prose: each
    /// line ends mid-sentence (after a comma or a function word, or the next line goes on in
    /// lower case) and the last one ends the sentence.
    fn join_wrapped_paragraphs(&self, raw: &[&str], lines: &mut [Line]) {
        let continues = |i: usize| -> bool {
            let l = &lines[i];
            if l.class == Class::Bad
                || l.class == Class::Blank
                || l.shape.ends_sentence
                || l.shape.words < 6
            {
                return false;
            }
            let Some(next) = lines.get(i + 1) else {
                return false;
            };
            if matches!(next.class, Class::Bad | Class::Blank) {
                return false;
            }
            let t = raw[i].trim_end();
            let next_lower = raw[i + 1].trim_start().starts_with(char::is_lowercase);
            let last = t.rsplit(char::is_whitespace).next().unwrap_or("");
            next_lower || t.ends_with(',') || self.is_stop_folded(last)
        };
        let cont: Vec<bool> = (0..lines.len()).map(continues).collect();
        let mut i = 0;
        while i < lines.len() {
            let mut j = i;
            while j < lines.len() && cont[j] {
                j += 1;
            }
            if j > i
                && j < lines.len()
                && lines[j].shape.ends_sentence
                && lines[j].class != Class::Bad
            {
                let weight: u32 = (i..=j).map(|k| lines[k].shape.weight).sum();
                if weight >= 15 {
                    for l in &mut lines[i..=j] {
                        l.class = Class::Good;
                    }
                }
            }
            i = j + 1;
        }
    }

    /// `word` lower-cased is a stop word (without allocating for plain ASCII words).
    fn is_stop_folded(&self, word: &str) -> bool {
        let mut buf = [0u8; 16];
        if word.is_ascii() && word.len() <= buf.len() {
            let b = &mut buf[..word.len()];
            b.copy_from_slice(word.as_bytes());
            b.make_ascii_lowercase();
            return std::str::from_utf8(b).is_ok_and(|w| self.lex.is_stop(w));
        }
        self.lex.is_stop(&word.to_lowercase())
    }

    /// Line-level verdict from phrases, shape and corpus counts (None = not debris by itself).
    fn line_reason(
        &self,
        t: &str,
        sh: &Shape,
        hits: &PhraseHits,
        site: Option<&str>,
        stats: &LineStats,
        scratch: &mut Scratch,
    ) -> Option<&'static str> {
        use reasons::*;
        if let Some(r) = hits.whole_line {
            return Some(r);
        }
        if let Some(r) = hits.contains {
            let short_label = sh.weight <= 12 && !sh.ends_sentence;
            let max_words = if r == FOOTER {
                phrases::CONTAINS_FOOTER_MAX_WORDS
            } else {
                phrases::CONTAINS_MAX_WORDS
            };
            if sh.weight <= max_words && (r != BYLINE || short_label) {
                return Some(r);
            }
        }
        if let Some(r) = hits.prefix {
            let ok = match r {
                BYLINE => sh.weight <= 8 && !sh.ends_sentence && sh.capitalised * 2 >= sh.words,
                _ => sh.weight <= 40,
            };
            if ok {
                return Some(r);
            }
        }
        if sh.time_only && sh.words <= 10 {
            return Some(TIMESTAMP);
        }
        if t.len() <= 600
            && sh.capitalised >= 3
            && spans::glued_title(t)
            && (!sh.more_link || spans::hover_cards(t).is_empty())
        {
            return Some(RELATED_TEASER);
        }
        if sh.date_like && sh.weight <= 12 && !sh.ends_sentence {
            return Some(BYLINE);
        }
        if sh.has_link && sh.words <= 6 {
            return Some(LINK);
        }
        if sh.has_copyright && sh.weight <= 40 {
            return Some(FOOTER);
        }
        if sh.visible as usize > stats::MAX_LINE_CHARS {
            // Too long to be counted (see `stats::normalize`).
            return None;
        }
        let f = stats.frequency_with(site, t, &mut scratch.norm);
        let o = &self.opts;
        let site_known = f.site != f.corpus || site.is_some();
        let site_tmpl = f.site.0 >= o.template_min_docs
            && f64::from(f.site.0) >= o.template_min_share * f64::from(f.site.1);
        let corpus_tmpl = f.corpus.0 >= o.template_min_docs.max(5)
            && f64::from(f.corpus.0) >= o.template_min_share / 10.0 * f64::from(f.corpus.1);
        let sentence = sh.ends_sentence && sh.weight >= 5;
        let template = if sentence {
            // Sentences recur across syndicated copies: demand a site-wide habit.
            site_known && site_tmpl && f.site.0 * 2 >= f.site.1
        } else if sh.weight <= 8 {
            site_tmpl || corpus_tmpl
        } else {
            site_tmpl
        };
        template.then_some(TEMPLATE_LINE)
    }

    /// Writes the kept lines (cutting glued spans) and the removal records.
    fn assemble(&self, raw: &[&str], lines: &[Line], scratch: &mut Scratch) -> Stripped {
        let mut out = Stripped::default();
        let mut kept: Vec<std::borrow::Cow<'_, str>> = Vec::with_capacity(raw.len());
        for (i, (r, l)) in raw.iter().zip(lines).enumerate() {
            let r = r.strip_suffix('\r').unwrap_or(r);
            let trimmed = r.trim();
            // (`trimmed` is the line `strip` classified: `\r` is whitespace to `trim`.)
            let chars = if l.ascii {
                trimmed.len()
            } else {
                trimmed.chars().count()
            };
            out.total_chars += chars;
            if l.class == Class::Blank {
                kept.push(r.into());
                continue;
            }
            if l.class == Class::Bad {
                out.debris_chars += chars;
                out.removed.push(Removed {
                    text: r.to_string(),
                    line: i + 1,
                    start: 0,
                    reason: l.reason.unwrap_or(reasons::BOILERPLATE_RUN),
                });
                if self.opts.keep_debris {
                    kept.push(r.into());
                }
                continue;
            }
            let cards = if l.shape.more_link {
                spans::hover_cards(r)
            } else {
                Vec::new()
            };
            if !cards.is_empty() {
                let mut kept_text = String::with_capacity(r.len());
                let mut at = 0;
                for &(s, e) in &cards {
                    out.debris_chars += r[s..e].chars().count();
                    out.removed.push(Removed {
                        text: r[s..e].to_string(),
                        line: i + 1,
                        start: s,
                        reason: reasons::GLUED_WIDGET,
                    });
                    kept_text.push_str(&r[at..s]);
                    at = e;
                }
                kept_text.push_str(&r[at..]);
                kept.push(if self.opts.keep_debris {
                    r.into()
                } else {
                    kept_text.into()
                });
                continue;
            }
            match self.cut_span(r, l, scratch) {
                Some((s, e, reason)) => {
                    out.debris_chars += r[s..e].chars().count();
                    out.removed.push(Removed {
                        text: r[s..e].to_string(),
                        line: i + 1,
                        start: s,
                        reason,
                    });
                    if self.opts.keep_debris {
                        kept.push(r.into());
                    } else {
                        let head = r[..s].trim_end();
                        let tail = r[e..].trim_start();
                        let joined = match (head.is_empty(), tail.is_empty()) {
                            (true, _) => tail.to_string(),
                            (_, true) => head.to_string(),
                            _ => format!("{head} {tail}"),
                        };
                        kept.push(joined.into());
                    }
                }
                None => kept.push(r.into()),
            }
        }
        out.text = tidy_blank_lines(&kept);
        out
    }

    /// Glued debris inside a kept line, as a byte range of `r`.
    fn cut_span(
        &self,
        r: &str,
        l: &Line,
        scratch: &mut Scratch,
    ) -> Option<(usize, usize, &'static str)> {
        if let Some((s, e)) = spans::glued_timestamp(r) {
            return Some((s, e, reasons::GLUED_WIDGET));
        }
        if let Some((ps, pe, reason)) = l.hits.inline {
            // Offsets are in the split lower-case form; find the phrase in the line itself.
            let phrase = scratch_phrase(r, ps, pe, scratch)?;
            shape::lower_into(r, &mut scratch.lower);
            if scratch.lower.len() != r.len() {
                return None;
            }
            let at = scratch.lower.find(&phrase)?;
            let s = spans::sentence_start(r, at);
            let e = spans::sentence_end(r, at + phrase.len());
            return Some((s, e, reason));
        }
        None
    }
}

/// The inline phrase text as matched (re-derived from the line, since scratch buffers moved on).
fn scratch_phrase(r: &str, ps: usize, pe: usize, scratch: &mut Scratch) -> Option<String> {
    let t = r.trim();
    if t.len() <= phrases::FULL_SCAN_MAX_BYTES {
        shape::lower_split_into(t, &mut scratch.split);
    } else {
        shape::lower_into(t, &mut scratch.split);
    }
    scratch.split.get(ps..pe).map(str::to_string)
}

/// The lines of `text` (as `text.split('\n')`), found with the `memchr` crate's vector search
/// (the standard library's byte search cost about 3 instructions per byte here).
fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::with_capacity(text.len() / 64 + 1);
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
        lines.push(&text[start..end]);
        start = end + 1;
    }
    lines.push(&text[start..]);
    lines
}

/// The document language: the stop list with most hits, if they are at least 10% of words.
fn doc_language(stop_total: &[u32; 5], words: u32) -> Option<usize> {
    let (best, &n) = stop_total
        .iter()
        .enumerate()
        .max_by_key(|&(i, n)| (*n, usize::MAX - i))?;
    (n >= 3 && n * 10 >= words).then_some(best)
}

/// Good / near-good / short from shape alone.
fn prose_class(sh: &Shape, lang: Option<usize>) -> Class {
    let prose_words = match lang {
        // A long line with almost no function words is a list of names or tags.
        Some(l) if sh.words >= 8 => sh.stop_share(l) >= 0.08,
        _ => true,
    };
    if prose_words && (sh.weight >= 20 || (sh.weight >= 10 && sh.ends_sentence)) {
        Class::Good
    } else if sh.ends_sentence && sh.weight >= 3 && prose_words {
        Class::NearGood
    } else {
        Class::Short
    }
}

fn bad(l: &mut Line, reason: &'static str) {
    l.class = Class::Bad;
    l.reason = Some(reason);
}

fn next_nonblank(lines: &[Line], i: usize) -> Option<usize> {
    (i + 1..lines.len()).find(|&j| lines[j].class != Class::Blank)
}

fn prev_nonblank(lines: &[Line], i: usize) -> Option<usize> {
    (0..i).rev().find(|&j| lines[j].class != Class::Blank)
}

/// A headline scraped twice at the top: the later copies go.
fn collapse_repeated_headline(raw: &[&str], lines: &mut [Line]) {
    let top: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].class != Class::Blank)
        .take(12)
        .collect();
    for (k, &i) in top.iter().enumerate() {
        if lines[i].class == Class::Bad {
            continue;
        }
        let a = raw[i].trim();
        if top[..k].iter().any(|&j| eq_fold(raw[j].trim(), a)) && lines[i].shape.words >= 2 {
            bad(&mut lines[i], reasons::REPEATED_HEADLINE);
        }
    }
}

/// `a` and `b` are equal ignoring whitespace and case (compared lower-cased, character by
/// character). Their ASCII parts are compared byte by byte; at the first non-ASCII byte the
/// rest is compared with the full lower-case mapping (most lines differ long before).
fn eq_fold(a: &str, b: &str) -> bool {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    // ASCII whitespace as `char::is_whitespace` sees it (tab to carriage return, space).
    let space = |c: u8| c == b' ' || (b'\t'..=b'\r').contains(&c);
    loop {
        while i < x.len() && space(x[i]) {
            i += 1;
        }
        while j < y.len() && space(y[j]) {
            j += 1;
        }
        match (x.get(i), y.get(j)) {
            (None, None) => return true,
            (Some(&c), Some(&d)) if c.is_ascii() && d.is_ascii() => {
                if !c.eq_ignore_ascii_case(&d) {
                    return false;
                }
                i += 1;
                j += 1;
            }
            // A non-ASCII character, or the end of one side only: the general comparison.
            _ => break,
        }
    }
    // Both positions follow ASCII bytes: character boundaries.
    let (Some(a), Some(b)) = (a.get(i..), b.get(j..)) else {
        return false;
    };
    a.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .eq(b
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase))
}

/// Photo captions and credits.
fn mark_captions(lines: &mut [Line], lang: Option<usize>) {
    // (a) The first paragraph is one short sentence followed by a credit line ("Nordic Ocean
    // Observatory", "SpaceIL") and then the article: a lead photo's caption and credit.
    if let Some(g) = lines.iter().position(|l| l.class == Class::Good) {
        let gs = lines[g].shape;
        if gs.inner_sentences == 0 && gs.weight <= 30 && !gs.has_quote {
            if let Some(c) = next_nonblank(lines, g) {
                let cs = lines[c].shape;
                let credit = lines[c].class == Class::Short
                    && (1..=4).contains(&cs.words)
                    && cs.capitalised == cs.words
                    && cs.digits == 0;
                let then_prose =
                    next_nonblank(lines, c).is_some_and(|n| lines[n].class == Class::Good);
                if credit && then_prose {
                    bad(&mut lines[g], reasons::CAPTION);
                    bad(&mut lines[c], reasons::CAPTION);
                }
            }
        }
    }
    // (b) A dated one-sentence line without a verb: "Scientists … at the signing ceremony in
    // Mombasa on 9 March 2026." English only (the verb list is English).
    if lang == Some(0) {
        for l in lines.iter_mut() {
            let s = l.shape;
            if matches!(l.class, Class::Good | Class::NearGood)
                && s.inner_sentences == 0
                && s.weight <= 35
                && s.verbless
                && s.date_like
                && !s.has_quote
            {
                bad(l, reasons::CAPTION);
            }
        }
    }
}

/// The name line right above an author bio belongs to the box.
fn mark_author_boxes(lines: &mut [Line]) {
    for i in 0..lines.len() {
        if lines[i].reason != Some(reasons::AUTHOR_BIO) {
            continue;
        }
        if let Some(p) = prev_nonblank(lines, i) {
            let s = lines[p].shape;
            if matches!(lines[p].class, Class::Short) && s.words <= 4 && s.capitalised == s.words {
                bad(&mut lines[p], reasons::AUTHOR_BIO);
            }
        }
    }
}

/// After a related-stories marker, headlines and teaser paragraphs are debris until a
/// paragraph that is not a teaser (not truncated, not followed by another marker).
fn mark_related_zones(lines: &mut [Line]) {
    let mut zone = false;
    for i in 0..lines.len() {
        let l = lines[i];
        if l.class == Class::Blank {
            continue;
        }
        if l.hits.marker && l.class == Class::Bad {
            zone = true;
            continue;
        }
        if !zone {
            continue;
        }
        match l.class {
            Class::Short | Class::NearGood => bad(&mut lines[i], reasons::RELATED_TEASER),
            Class::Good => {
                let next_marker = next_nonblank(lines, i).is_some_and(|n| lines[n].hits.marker);
                if l.shape.ends_truncated || next_marker {
                    bad(&mut lines[i], reasons::RELATED_TEASER);
                } else {
                    zone = false;
                }
            }
            Class::Bad | Class::Blank => {}
        }
    }
}

/// Truncated paragraphs ("…", "[…]", "Read more") in a row that make a teaser list.
const MIN_TEASERS_IN_LIST: usize = 3;

/// A list of teaser cards without a marker above it: at least three truncated paragraphs, each
/// separated from the next only by short title lines (at most two). Article paragraphs do not
/// end cut off three times in a row. The teasers and the titles between them go.
fn mark_teaser_lists(lines: &mut [Line]) {
    let teaser = |l: &Line| l.shape.ends_truncated && l.shape.weight >= 5 && l.class != Class::Bad;
    let title = |l: &Line| l.shape.weight <= 15 && !teaser(l);
    let idx: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].class != Class::Blank)
        .collect();
    let mut k = 0;
    while k < idx.len() {
        if !teaser(&lines[idx[k]]) {
            k += 1;
            continue;
        }
        // Extend the run: teaser (title{0,2} teaser)*
        let start = k;
        let mut end = k;
        let mut count = 1;
        let mut j = k + 1;
        loop {
            let mut t = j;
            while t < idx.len() && t - j < 2 && title(&lines[idx[t]]) {
                t += 1;
            }
            if t < idx.len() && teaser(&lines[idx[t]]) {
                count += 1;
                end = t;
                j = t + 1;
            } else {
                break;
            }
        }
        if count >= MIN_TEASERS_IN_LIST {
            // The title of the first card sits right above it.
            let first = if start > 0 && title(&lines[idx[start - 1]]) {
                start - 1
            } else {
                start
            };
            for &i in &idx[first..=end] {
                if lines[i].class != Class::Bad {
                    bad(&mut lines[i], reasons::RELATED_TEASER);
                }
            }
        }
        k = end + 1;
    }
}

/// Words of prose that must precede a comments heading followed by comment headers for it to
/// open a comment zone (a "12 Comments" link in the byline area must not swallow the article)...
const MIN_ARTICLE_WORDS_BEFORE_HEADING: u32 = 30;
/// ...and that must precede a lone "Name said:" header.
const MIN_ARTICLE_WORDS_BEFORE_COMMENTS: u32 = 100;

/// A comment's header: "Jane on May 3, 2019 at 4:47 pm said:", "Alex says:".
fn is_comment_header(raw: &str, l: &Line) -> bool {
    if l.shape.weight > 15 {
        return false;
    }
    let t = raw.trim_end();
    if !t.ends_with(':') {
        // A dated or timed line: "May 3, 2019 at 4:47 pm", "2 days ago at 07:52 am".
        return (l.shape.date_like || l.shape.time_only) && !l.shape.ends_sentence;
    }
    let t = t.to_lowercase();
    let said = [
        "said:",
        "says:",
        "wrote:",
        "sagt:",
        "dit :",
        "a dit:",
        "dice:",
        "escribió:",
        "пишет:",
    ]
    .iter()
    .any(|x| t.ends_with(x));
    l.shape.weight <= 15 && (said || (l.shape.date_like && !l.shape.ends_sentence))
}

/// Readers' comments: after a comments heading ("Comments", "10 Responses", "Leave a Reply")
/// that follows the article and is followed by comment headers, or after a "… said:" header,
/// everything to the end is comments.
fn mark_comment_zone(raw: &[&str], lines: &mut [Line]) {
    let mut good_words = 0u32;
    let mut start = None;
    for i in 0..lines.len() {
        let l = lines[i];
        if l.class == Class::Good {
            good_words += l.shape.weight;
        }
        if l.class == Class::Blank || good_words < MIN_ARTICLE_WORDS_BEFORE_HEADING {
            continue;
        }
        let said_header = good_words >= MIN_ARTICLE_WORDS_BEFORE_COMMENTS
            && is_comment_header(raw[i], &l)
            && !l.shape.date_like
            && !l.shape.time_only;
        let heading = l.hits.comments && l.class == Class::Bad;
        if said_header
            || (heading
                && (i + 1..lines.len().min(i + 24))
                    .filter(|&j| lines[j].class != Class::Blank)
                    .take(10)
                    .any(|j| is_comment_header(raw[j], &lines[j])))
        {
            start = Some(i);
            break;
        }
    }
    if let Some(s) = start {
        for l in lines[s..].iter_mut().filter(|l| l.class != Class::Blank) {
            if l.class != Class::Bad {
                bad(l, reasons::COMMENTS);
            }
        }
    }
}

/// Runs of at least this many debris lines split the text into blocks.
const BLOCK_GAP: usize = 3;
/// A block below the main one with less than this share of its words is a sidebar or widget;
/// above it the share must be smaller still. Tuned on aeb-dev (see the README).
const MIN_BLOCK_SHARE_AFTER: f64 = 0.3;
const MIN_BLOCK_SHARE_BEFORE: f64 = 0.1;

/// A block away from the main one with at least this share of `[site]` words (accounts,
/// comments, privacy, subscriptions) and at least `SITE_BLOCK_MIN_WORDS` words is a policy,
/// sign-up or comment-rules block: news prose talks about the world, not about the website.
const SITE_BLOCK_MIN_SHARE: f64 = 0.06;
const SITE_BLOCK_MIN_WORDS: u32 = 30;

/// Keeps the article's main block: kept lines separated from the biggest block of prose by a
/// long run of debris, and much smaller than it, are sidebars, widgets or teasers; blocks away
/// from it that talk about the website are policy text.
fn drop_isolated_blocks(lines: &mut [Line]) -> Option<(usize, usize)> {
    // first, last line, words, site words
    let mut blocks: Vec<(usize, usize, u32, u32)> = Vec::new();
    let mut bad_run = 0usize;
    for (i, l) in lines.iter().enumerate() {
        match l.class {
            Class::Blank => {}
            Class::Bad => bad_run += 1,
            _ => {
                let w = l.shape.weight;
                match blocks.last_mut() {
                    Some(b) if bad_run < BLOCK_GAP => {
                        b.1 = i;
                        b.2 += w;
                        b.3 += l.shape.site_terms;
                    }
                    _ => blocks.push((i, i, w, l.shape.site_terms)),
                }
                bad_run = 0;
            }
        }
    }
    let &(mfirst, mlast, main, _) = blocks.iter().max_by_key(|b| b.2)?;
    for &(first, last, words, site) in &blocks {
        // Below the article: related widgets, sidebars. Above it: rarer, and often the lede
        // split off by a photo, so it must be much smaller to go.
        let share = if first > mfirst {
            MIN_BLOCK_SHARE_AFTER
        } else {
            MIN_BLOCK_SHARE_BEFORE
        };
        let policy = first != mfirst
            && words >= SITE_BLOCK_MIN_WORDS
            && f64::from(site) >= SITE_BLOCK_MIN_SHARE * f64::from(words);
        let reason = if policy {
            reasons::FOOTER
        } else if f64::from(words) < share * f64::from(main) {
            reasons::ISOLATED_BLOCK
        } else {
            continue;
        };
        for l in lines[first..=last].iter_mut() {
            if !matches!(l.class, Class::Blank | Class::Bad) {
                bad(l, reason);
            }
        }
    }
    Some((mfirst, mlast))
}

/// Paragraphs at least this long (words) are checked for verbatim copies.
const MIN_DUPLICATE_WORDS: u32 = 15;

/// A kept paragraph that occurs verbatim more than once, next to another paragraph that is
/// repeated with it (so a repeated passage, not a repeated line), keeps one copy: the one in
/// the main block if there is one, else the first. Articles do not repeat whole passages; pages
/// do (a print or AMP copy of the article). A single repeated paragraph (the same question put
/// to each interviewee, a recipe line in several meal plans, a pull quote) stays.
fn drop_duplicate_paragraphs(raw: &[&str], lines: &mut [Line], main: Option<(usize, usize)>) {
    let in_main = |i: usize| main.is_some_and(|(a, b)| (a..=b).contains(&i));
    let keys: Vec<Option<u64>> = lines
        .iter()
        .zip(raw)
        .map(|(l, r)| {
            let long = !matches!(l.class, Class::Blank | Class::Bad)
                && l.shape.weight >= MIN_DUPLICATE_WORDS;
            long.then(|| xxhash_rust::xxh3::xxh3_64(r.trim().as_bytes()))
        })
        .collect();
    let key_at = |j: Option<usize>| j.and_then(|j| keys[j]);
    let same_neighbour = |i: usize, k: usize| {
        let next = key_at(next_nonblank(lines, i));
        let prev = key_at(prev_nonblank(lines, i));
        (next.is_some() && next == key_at(next_nonblank(lines, k)))
            || (prev.is_some() && prev == key_at(prev_nonblank(lines, k)))
    };
    let mut seen: std::collections::HashMap<u64, usize, crate::prehash::PreBuild> =
        Default::default();
    let mut drop = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let Some(key) = *key else { continue };
        match seen.get(&key).copied() {
            None => {
                seen.insert(key, i);
            }
            Some(k) if same_neighbour(i, k) => {
                if in_main(i) && !in_main(k) {
                    drop.push(k);
                    seen.insert(key, i);
                } else {
                    drop.push(i);
                }
            }
            Some(_) => {}
        }
    }
    for i in drop {
        bad(&mut lines[i], reasons::DUPLICATE_TEXT);
    }
}

/// Undecided lines take the verdict of their nearest decided neighbours (document edges count
/// as debris): between prose they are subheadings or short paragraphs, between debris they are
/// debris, and at a border only a real sentence survives. A title-like line directly above the
/// first paragraph is kept as the headline.
fn resolve_by_context(lines: &mut [Line]) {
    let decided = |c: Class| matches!(c, Class::Good | Class::Bad);
    let n = lines.len();
    let mut prev_decided: Vec<Option<Class>> = vec![None; n];
    let mut last = None;
    for i in 0..n {
        prev_decided[i] = last;
        if decided(lines[i].class) {
            last = Some(lines[i].class);
        }
    }
    let mut next_decided: Vec<Option<Class>> = vec![None; n];
    let mut last = None;
    for i in (0..n).rev() {
        next_decided[i] = last;
        if decided(lines[i].class) {
            last = Some(lines[i].class);
        }
    }
    let first_good = lines.iter().position(|l| l.class == Class::Good);
    for i in 0..n {
        let c = lines[i].class;
        if !matches!(c, Class::Short | Class::NearGood) {
            continue;
        }
        let good = |x: Option<Class>| x == Some(Class::Good);
        let (p, q) = (good(prev_decided[i]), good(next_decided[i]));
        let keep = match (p, q) {
            (true, true) => true,
            (false, false) => is_headline(lines, i, first_good),
            _ => c == Class::NearGood || is_headline(lines, i, first_good),
        };
        if !keep {
            bad(&mut lines[i], reasons::BOILERPLATE_RUN);
        }
    }
}

/// A title-like short line directly above the first paragraph.
fn is_headline(lines: &[Line], i: usize, first_good: Option<usize>) -> bool {
    let Some(g) = first_good else { return false };
    i < g
        && lines[i].shape.words >= 3
        && next_nonblank(lines, i).is_some_and(|n| {
            n == g
                || (lines[n].reason == Some(reasons::REPEATED_HEADLINE)
                    && next_nonblank(lines, n) == Some(g))
        })
}

/// Joins kept lines, collapsing the runs of blank lines that removed lines leave behind.
fn tidy_blank_lines(lines: &[std::borrow::Cow<'_, str>]) -> String {
    let mut out = String::with_capacity(lines.iter().map(|l| l.len() + 2).sum());
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
mod tests;
