//! The document filters that web-corpus teams already rely on, computed as signals with their
//! published thresholds as defaults:
//!
//! - **Gopher quality** (Rae et al. 2021, "Scaling Language Models: Methods, Analysis & Insights
//!   from Training Gopher", appendix A.1.1): 50..100,000 words; mean word length 3..10
//!   characters; symbol-to-word ratio (`#`, `...`, `…`) below 0.1; at most 90% of lines starting
//!   with a bullet and 30% ending with an ellipsis; at least 80% of words with a letter; at
//!   least 2 of the stop words *the, be, to, of, and, that, have, with*.
//! - **Gopher repetition** (same appendix, table A1): duplicate lines ≤ 30% of lines and ≤ 20% of
//!   characters; duplicate paragraphs ≤ 30% / ≤ 20%; the most frequent 2-, 3-, 4-gram covers
//!   ≤ 20%, 18%, 16% of the characters; characters inside duplicated 5..10-grams ≤ 15%, 14%,
//!   13%, 12%, 11%, 10%.
//! - **C4** (Raffel et al. 2020, "Exploring the Limits of Transfer Learning with a Unified
//!   Text-to-Text Transformer", section 2.2): lines end in terminal punctuation, lines have at
//!   least 3 words, pages have at least 5 sentences, no "lorem ipsum", no curly brace.
//! - **FineWeb** (Penedo et al. 2024, "The FineWeb Datasets", section 3.4 custom filters): share
//!   of lines ending in punctuation > 0.12; share of characters in duplicated lines < 0.1; share
//!   of lines shorter than 30 characters < 0.67.
//!
//! The original filters drop a document that fails a rule. copydesk only scores, so a failed rule
//! multiplies the quality by a penalty (see [`Penalty`]) and names itself in `flags`.

use super::lexicon::{hash_word, Counter};
use super::text::{Segmented, Tok, CHARS_ASCII};
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

/// Thresholds of the heuristic rules; defaults are the published values cited in the module
/// documentation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct HeuristicThresholds {
    pub gopher_min_words: f64,
    pub gopher_max_words: f64,
    pub gopher_min_mean_word_length: f64,
    pub gopher_max_mean_word_length: f64,
    pub gopher_max_symbol_word_ratio: f64,
    pub gopher_max_bullet_line_share: f64,
    pub gopher_max_ellipsis_line_share: f64,
    pub gopher_min_alpha_word_share: f64,
    pub gopher_min_stop_words: f64,
    pub gopher_max_duplicate_line_share: f64,
    pub gopher_max_duplicate_paragraph_share: f64,
    pub gopher_max_duplicate_line_char_share: f64,
    pub gopher_max_duplicate_paragraph_char_share: f64,
    /// Most frequent 2-, 3-, 4-gram: maximum share of characters.
    pub gopher_max_top_ngram_char_share: [f64; 3],
    /// Duplicated 5- to 10-grams: maximum share of characters.
    pub gopher_max_duplicate_ngram_char_share: [f64; 6],
    pub c4_min_sentences: f64,
    pub c4_min_words_per_line: f64,
    pub fineweb_min_line_punct_share: f64,
    pub fineweb_max_duplicate_line_char_share: f64,
    pub fineweb_max_short_line_share: f64,
    pub fineweb_short_line_chars: usize,
    /// Cost of the share of lines without terminal punctuation, below the C4 cut-off:
    /// `factor × (1 - cost × unterminated share)`. Not a published threshold.
    pub soft_unterminated_line_cost: f64,
}

impl Default for HeuristicThresholds {
    fn default() -> Self {
        HeuristicThresholds {
            gopher_min_words: 50.0,
            gopher_max_words: 100_000.0,
            gopher_min_mean_word_length: 3.0,
            gopher_max_mean_word_length: 10.0,
            gopher_max_symbol_word_ratio: 0.1,
            gopher_max_bullet_line_share: 0.9,
            gopher_max_ellipsis_line_share: 0.3,
            gopher_min_alpha_word_share: 0.8,
            gopher_min_stop_words: 2.0,
            gopher_max_duplicate_line_share: 0.3,
            gopher_max_duplicate_paragraph_share: 0.3,
            gopher_max_duplicate_line_char_share: 0.2,
            gopher_max_duplicate_paragraph_char_share: 0.2,
            gopher_max_top_ngram_char_share: [0.20, 0.18, 0.16],
            gopher_max_duplicate_ngram_char_share: [0.15, 0.14, 0.13, 0.12, 0.11, 0.10],
            c4_min_sentences: 5.0,
            c4_min_words_per_line: 3.0,
            fineweb_min_line_punct_share: 0.12,
            fineweb_max_duplicate_line_char_share: 0.1,
            fineweb_max_short_line_share: 0.67,
            fineweb_short_line_chars: 30,
            soft_unterminated_line_cost: 0.05,
        }
    }
}

/// Multiplicative penalty of a failed rule, and the flag it raises.
pub struct Penalty {
    pub factor: f64,
    pub flag: &'static str,
}

/// Outcome of the heuristic rules on one document.
pub struct HeuristicResult {
    /// Product of the penalties of the failed rules.
    pub factor: f64,
    pub flags: Vec<&'static str>,
}

impl HeuristicResult {
    fn fail(&mut self, cond: bool, p: Penalty) {
        if cond {
            self.factor *= p.factor;
            if !self.flags.contains(&p.flag) {
                self.flags.push(p.flag);
            }
        }
    }
}

const STOP_WORDS: [&str; 8] = ["the", "be", "to", "of", "and", "that", "have", "with"];

/// Reused buffers for the n-gram passes.
#[derive(Default)]
pub struct Scratch {
    counts: Counter,
    /// Per position: hash of the n-gram starting there.
    hashes: Vec<u64>,
    /// Positions whose (n-1)-gram repeats, and their counter slots.
    cand: Vec<u32>,
    slots: Vec<u32>,
    line_hashes: Vec<(u64, usize)>,
}

/// Computes every heuristic signal into `signals` and the penalties of failed rules.
/// `spaceless` is true for scripts written without spaces (word rules do not apply).
pub fn evaluate(
    text: &str,
    seg: &Segmented,
    english: bool,
    spaceless: bool,
    th: &HeuristicThresholds,
    scratch: &mut Scratch,
    signals: &mut Vec<(&'static str, f64)>,
) -> HeuristicResult {
    let mut acc = HeuristicResult {
        factor: 1.0,
        flags: Vec::new(),
    };
    let toks = &seg.toks;
    let n_words = toks.len();
    // Words for spaceless scripts: two characters make a word, roughly.
    let words = if spaceless {
        text.chars().count() as f64 / 2.0
    } else {
        n_words as f64
    };
    let word_chars: usize = toks
        .iter()
        .map(|t| {
            if t.is(CHARS_ASCII) {
                t.len()
            } else {
                t.text(text).chars().count()
            }
        })
        .sum();
    let mean_word_len = if n_words == 0 {
        0.0
    } else {
        word_chars as f64 / n_words as f64
    };
    let (whitespace_words, with_letter, symbols) = whitespace_word_stats(text);
    let whitespace_words = whitespace_words.max(1);
    let alpha_share = if spaceless {
        1.0
    } else {
        with_letter as f64 / whitespace_words as f64
    };
    let symbol_ratio = symbols as f64 / whitespace_words as f64;
    let blocks = &seg.blocks;
    let n_lines = blocks.len().max(1) as f64;
    let bullet_lines = blocks
        .iter()
        .filter(|b| {
            b.text(text)
                .starts_with(['•', '●', '○', '▪', '‣', '-', '*', '·'])
        })
        .count() as f64;
    let ellipsis_lines = blocks
        .iter()
        .filter(|b| {
            let t = b.text(text);
            t.ends_with("...") || t.ends_with('…')
        })
        .count() as f64;
    let mut stop_words = 0usize;
    if english {
        stop_words = stop_words_present(toks);
    }
    signals.push(("words", words.round()));
    signals.push(("mean_word_length", super::round4(mean_word_len)));
    signals.push(("alpha_word_share", super::round4(alpha_share)));
    signals.push(("symbol_word_ratio", super::round4(symbol_ratio)));
    signals.push(("bullet_line_share", super::round4(bullet_lines / n_lines)));
    signals.push((
        "ellipsis_line_share",
        super::round4(ellipsis_lines / n_lines),
    ));
    if english {
        signals.push(("stop_words", stop_words as f64));
    }
    acc.fail(
        words < th.gopher_min_words,
        Penalty {
            factor: 0.5 + 0.5 * words / th.gopher_min_words.max(1.0),
            flag: "short",
        },
    );
    acc.fail(
        words > th.gopher_max_words,
        Penalty {
            factor: 0.7,
            flag: "too_long",
        },
    );
    acc.fail(
        !spaceless
            && n_words > 0
            && !(th.gopher_min_mean_word_length..=th.gopher_max_mean_word_length)
                .contains(&mean_word_len),
        Penalty {
            factor: 0.6,
            flag: "odd_word_length",
        },
    );
    acc.fail(
        symbol_ratio > th.gopher_max_symbol_word_ratio,
        Penalty {
            factor: 0.7,
            flag: "symbols",
        },
    );
    acc.fail(
        alpha_share < th.gopher_min_alpha_word_share,
        Penalty {
            factor: 0.5 + 0.5 * (alpha_share / th.gopher_min_alpha_word_share.max(1e-9)),
            flag: "symbols",
        },
    );
    acc.fail(
        bullet_lines / n_lines > th.gopher_max_bullet_line_share
            || ellipsis_lines / n_lines > th.gopher_max_ellipsis_line_share,
        Penalty {
            factor: 0.7,
            flag: "list_like",
        },
    );
    acc.fail(
        english && (stop_words as f64) < th.gopher_min_stop_words,
        Penalty {
            factor: 0.6,
            flag: "few_stop_words",
        },
    );

    // Repetition: duplicate lines and paragraphs (lines here are non-empty lines, which are the
    // paragraphs of news text, so both rules see the same units).
    let (dup_line_share, dup_line_chars) = duplicate_lines(text, seg, scratch);
    signals.push(("duplicate_line_share", super::round4(dup_line_share)));
    signals.push(("duplicate_line_char_share", super::round4(dup_line_chars)));
    let mut repetitive = dup_line_share > th.gopher_max_duplicate_line_share
        || dup_line_share > th.gopher_max_duplicate_paragraph_share
        || dup_line_chars > th.gopher_max_duplicate_line_char_share
        || dup_line_chars > th.gopher_max_duplicate_paragraph_char_share;
    acc.fail(
        dup_line_chars >= th.fineweb_max_duplicate_line_char_share,
        Penalty {
            factor: 0.9,
            flag: "duplicate_lines",
        },
    );
    if !spaceless && n_words >= 10 {
        const TOP_NAMES: [&str; 3] = [
            "top_2gram_char_share",
            "top_3gram_char_share",
            "top_4gram_char_share",
        ];
        const DUP_NAMES: [&str; 6] = [
            "dup_5gram_char_share",
            "dup_6gram_char_share",
            "dup_7gram_char_share",
            "dup_8gram_char_share",
            "dup_9gram_char_share",
            "dup_10gram_char_share",
        ];
        let total = word_chars.max(1) as f64;
        let (top, dup) = ngram_chars(seg, scratch);
        for k in 0..3 {
            let share = top[k] / total;
            signals.push((TOP_NAMES[k], super::round4(share)));
            repetitive |= share > th.gopher_max_top_ngram_char_share[k];
        }
        for k in 0..6 {
            let share = dup[k] / total;
            signals.push((DUP_NAMES[k], super::round4(share)));
            repetitive |= share > th.gopher_max_duplicate_ngram_char_share[k];
        }
    }
    acc.fail(
        repetitive,
        Penalty {
            factor: 0.5,
            flag: "repetitive",
        },
    );

    // C4 and FineWeb line statistics.
    let end_punct = blocks
        .iter()
        .filter(|b| ends_terminal(b.text(text)))
        .count() as f64;
    let short_lines = blocks
        .iter()
        .filter(|b| fewer_chars_than(b.text(text), th.fineweb_short_line_chars))
        .count() as f64;
    let few_word_lines = blocks
        .iter()
        .filter(|b| {
            let n = seg.sents[b.sent_start as usize..b.sent_end as usize]
                .iter()
                .map(|s| s.n_toks())
                .sum::<usize>();
            !spaceless && (n as f64) < th.c4_min_words_per_line
        })
        .count() as f64;
    let end_share = if blocks.is_empty() {
        0.0
    } else {
        end_punct / n_lines
    };
    signals.push(("line_end_punct_share", super::round4(end_share)));
    signals.push(("short_line_share", super::round4(short_lines / n_lines)));
    signals.push((
        "few_word_line_share",
        super::round4(few_word_lines / n_lines),
    ));
    signals.push(("sentences", seg.sents.len() as f64));
    // C4 drops the offending lines; the debris stage does that, so a remaining share of them
    // only costs a little.
    acc.fail(
        end_share < 0.5,
        Penalty {
            factor: 0.7 + 0.6 * end_share,
            flag: "unterminated_lines",
        },
    );
    // Below C4's cut-off, every unterminated line left after the headline (a byline, a
    // caption, a crumb the debris stage kept) still costs a little, so the score does not
    // saturate at 1.0 and a copy with residual debris ranks below a clean one. The first line
    // is left out: a headline never ends in punctuation, and counting it would favour long
    // articles.
    if blocks.len() >= 2 {
        let body_unterminated =
            (n_lines - end_punct - f64::from(!ends_terminal(blocks[0].text(text)))).max(0.0);
        acc.factor *= 1.0 - th.soft_unterminated_line_cost * body_unterminated / (n_lines - 1.0);
    }
    acc.fail(
        end_share <= th.fineweb_min_line_punct_share && !blocks.is_empty(),
        Penalty {
            factor: 0.8,
            flag: "unterminated_lines",
        },
    );
    acc.fail(
        short_lines / n_lines >= th.fineweb_max_short_line_share,
        Penalty {
            factor: 0.8,
            flag: "short_lines",
        },
    );
    acc.fail(
        !spaceless && (seg.sents.len() as f64) < th.c4_min_sentences,
        Penalty {
            factor: 0.9,
            flag: "few_sentences",
        },
    );
    // "Lorem ipsum" or "lorem ipsum".
    let lorem = memchr::memmem::find(text.as_bytes(), b"orem ipsum").is_some();
    acc.fail(
        lorem || memchr::memchr(b'{', text.as_bytes()).is_some(),
        Penalty {
            factor: 0.8,
            flag: "placeholder_or_code",
        },
    );
    acc
}

// Byte classes for [`whitespace_word_stats`].
const C_WS: u8 = 0;
const C_LETTER: u8 = 1;
const C_NON_ASCII: u8 = 2;
const C_OTHER: u8 = 3;

const BYTE_CLASS: [u8; 256] = {
    let mut t = [C_OTHER; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0C) {
            t[c] = C_WS;
        } else if b.is_ascii_alphabetic() {
            t[c] = C_LETTER;
        } else if b >= 0x80 {
            t[c] = C_NON_ASCII;
        }
        c += 1;
    }
    t
};

/// How many of the eight [`STOP_WORDS`] occur among `toks`. Stops at the token that brings
/// the last of them: most English articles hold all eight within their first paragraphs.
fn stop_words_present(toks: &[Tok]) -> usize {
    let stop = STOP_WORDS.map(|w| hash_word(w.as_bytes()));
    let mut seen = 0u8;
    // The stop words are all among the most frequent words (Zipf >= 6.5).
    for t in toks.iter().filter(|t| t.zipf >= 65 && t.len() <= 4) {
        if let Some(i) = stop.iter().position(|&h| h == t.hash) {
            seen |= 1 << i;
            if seen == u8::MAX {
                break;
            }
        }
    }
    seen.count_ones() as usize
}

/// (whitespace-separated words, those with a letter, Gopher symbols: `#`, `...`
/// (non-overlapping) and `…`). Eight bytes at a time: exact per-byte masks of whitespace and
/// ASCII letters give the word starts (a non-whitespace byte after whitespace or at the text
/// start); a word starting with an ASCII letter has one, the others (digits, punctuation,
/// non-ASCII) are scanned to their first letter or their end (a word holds a letter when it
/// has an ASCII letter, or else a non-ASCII alphabetic character). The symbols are counted
/// with SIMD substring search.
fn whitespace_word_stats(text: &str) -> (usize, usize, usize) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let b = text.as_bytes();
    let n = b.len();
    let (mut words, mut with_letter) = (0usize, 0usize);
    // Whether the byte before position `i` is whitespace (the text start counts as such).
    let mut prev_ws = true;
    let mut i = 0usize;
    while i + 8 <= n {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[i..i + 8]);
        let x = u64::from_le_bytes(w);
        let ascii = !x & HIGH;
        // High bit of each ASCII byte of `v` below `c` (exact: no borrow crosses a byte).
        let below = |v: u64, c: u8| !((v | HIGH).wrapping_sub(ONES * u64::from(c))) & ascii;
        let ws = if below(x, 0x20) == 0 {
            // No control byte: the whitespace is the spaces.
            below(x, 0x21)
        } else {
            let mut m = 0u64;
            for (k, &c) in w.iter().enumerate() {
                if BYTE_CLASS[c as usize] == C_WS {
                    m |= 0x80 << (8 * k);
                }
            }
            m
        };
        let lower = x | (ONES * 0x20);
        let letters = !below(lower, 0x61) & below(lower, 0x7B);
        let starts = !ws & HIGH & ((ws << 8) | (u64::from(prev_ws) << 7));
        // One or two word starts per eight bytes of prose: a loop over them is cheaper than
        // a population count (no POPCNT in the baseline x86-64 target).
        let mut rest = starts;
        while rest != 0 {
            let bit = rest & rest.wrapping_neg();
            words += 1;
            with_letter += usize::from(
                bit & letters != 0
                    || word_has_letter(text, i + (rest.trailing_zeros() / 8) as usize),
            );
            rest ^= bit;
        }
        prev_ws = ws >> 63 != 0;
        i += 8;
    }
    for j in i..n {
        let is_ws = BYTE_CLASS[b[j] as usize] == C_WS;
        if !is_ws && prev_ws {
            words += 1;
            with_letter += usize::from(word_has_letter(text, j));
        }
        prev_ws = is_ws;
    }
    let symbols = memchr::memchr_iter(b'#', b).count()
        + memchr::memmem::find_iter(b, b"...").count()
        + memchr::memmem::find_iter(b, "\u{2026}".as_bytes()).count();
    (words, with_letter, symbols)
}

/// Whether the whitespace-separated word starting at byte `start` (a char boundary) holds an
/// ASCII letter, or else a non-ASCII alphabetic character.
fn word_has_letter(text: &str, start: usize) -> bool {
    let b = text.as_bytes();
    let mut non_ascii = false;
    let mut i = start;
    while i < b.len() {
        match BYTE_CLASS[b[i] as usize] {
            C_WS => break,
            C_LETTER => return true,
            C_NON_ASCII => non_ascii = true,
            _ => {}
        }
        i += 1;
    }
    non_ascii
        && text
            .get(start..i)
            .is_some_and(|w| w.chars().any(char::is_alphabetic))
}

/// Whether `t` has fewer than `k` characters; counted only when its byte length (1 to 4 bytes
/// per character) does not decide it.
fn fewer_chars_than(t: &str, k: usize) -> bool {
    t.len() < k || (t.len() < k.saturating_mul(4) && t.chars().count() < k)
}

/// C4: a line ending in terminal punctuation (or a closing quote or bracket).
fn ends_terminal(line: &str) -> bool {
    line.ends_with([
        '.', '!', '?', '"', '”', '’', '\'', '。', '！', '？', '»', ')', '…', ':',
    ])
}

/// (share of lines that repeat an earlier line, share of characters in such lines).
fn duplicate_lines(text: &str, seg: &Segmented, scratch: &mut Scratch) -> (f64, f64) {
    let lines = &mut scratch.line_hashes;
    lines.clear();
    lines.extend(seg.blocks.iter().map(|b| {
        let t = b.text(text);
        (xxh3_64(t.as_bytes()), t.len())
    }));
    if lines.is_empty() {
        return (0.0, 0.0);
    }
    let total_chars: usize = lines.iter().map(|l| l.1).sum();
    let n = lines.len();
    lines.sort_unstable();
    let mut dup = 0usize;
    let mut dup_chars = 0usize;
    for w in lines.windows(2) {
        if w[0].0 == w[1].0 {
            dup += 1;
            dup_chars += w[1].1;
        }
    }
    (
        dup as f64 / n as f64,
        dup_chars as f64 / total_chars.max(1) as f64,
    )
}

const NGRAM_SEED: u64 = 0x9E37_79B9_7F4A_7C15;

/// Extends an n-gram hash by one word.
#[inline]
fn ngram_step(h: u64, word: u64) -> u64 {
    (h ^ word).wrapping_mul(0x1000_0000_01B3).rotate_left(23)
}

/// Characters behind Gopher's repetition rules, for n = 2..=4 (`top`: occurrences × word
/// characters of the most frequent n-gram, 0 when none repeats) and n = 5..=10 (`dup`: word
/// characters covered by any n-gram occurring more than once).
///
/// An n-gram can only repeat where its (n-1)-gram prefix repeats, so each n counts only the
/// positions whose shorter prefix repeated: every word is hashed for 2-grams, and news text
/// leaves few positions after that. Each position's hash is extended by one word per n. The
/// characters covered by repeated n-grams are summed over the union of their (sorted) spans,
/// so no pass over all the words is made for n >= 3.
fn ngram_chars(seg: &Segmented, scratch: &mut Scratch) -> ([f64; 3], [f64; 6]) {
    let mut top = [0.0; 3];
    let mut dup = [0.0; 6];
    let toks = &seg.toks;
    let Scratch {
        counts,
        hashes,
        cand,
        slots,
        ..
    } = scratch;
    if toks.len() < 2 {
        return (top, dup);
    }
    // n = 2 over every position: the 2-gram hashes, their counter slots and the best.
    let positions = toks.len() - 1;
    hashes.clear();
    hashes.extend(
        toks.windows(2)
            .map(|w| ngram_step(ngram_step(NGRAM_SEED, w[0].hash), w[1].hash)),
    );
    counts.reset(positions);
    let mut best = (0u32, 0usize);
    slots.clear();
    slots.extend(hashes.iter().enumerate().map(|(p, &h)| {
        let slot = counts.inc_slot(h);
        let c = counts.count_at(slot);
        if c > best.0 {
            best = (c, p);
        }
        slot as u32
    }));
    if best.0 >= 2 {
        let chars: usize = toks[best.1..best.1 + 2].iter().map(|t| t.len()).sum();
        top[0] = (best.0 as usize * chars) as f64;
    }
    cand.clear();
    cand.extend(
        slots
            .iter()
            .enumerate()
            .filter(|&(_, &s)| counts.count_at(s as usize) > 1)
            .map(|(p, _)| p as u32),
    );
    for n in 3..=10usize {
        if toks.len() < n {
            break;
        }
        let positions = (toks.len() - n + 1) as u32;
        while cand.last().is_some_and(|&p| p >= positions) {
            cand.pop();
        }
        if cand.is_empty() {
            break;
        }
        counts.reset(cand.len());
        let mut best = (0u32, 0usize);
        slots.clear();
        slots.extend(cand.iter().map(|&p| {
            let p = p as usize;
            let h = ngram_step(hashes[p], toks[p + n - 1].hash);
            hashes[p] = h;
            let slot = counts.inc_slot(h);
            let c = counts.count_at(slot);
            if c > best.0 {
                best = (c, p);
            }
            slot as u32
        }));
        if n <= 4 && best.0 >= 2 {
            let chars: usize = toks[best.1..best.1 + n].iter().map(|t| t.len()).sum();
            top[n - 2] = (best.0 as usize * chars) as f64;
        }
        // Keep the positions whose n-gram repeats.
        let mut kept = 0;
        for k in 0..cand.len() {
            if counts.count_at(slots[k] as usize) > 1 {
                cand[kept] = cand[k];
                kept += 1;
            }
        }
        cand.truncate(kept);
        if n >= 5 && !cand.is_empty() {
            // `cand` is sorted: sum the word characters of the union of the spans.
            let mut covered_to = 0usize;
            let mut chars = 0usize;
            for &p in cand.iter() {
                let (from, to) = ((p as usize).max(covered_to), p as usize + n);
                if from < to {
                    chars += toks[from..to].iter().map(|t| t.len()).sum::<usize>();
                    covered_to = to;
                }
            }
            dup[n - 5] = chars as f64;
        }
    }
    (top, dup)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::lexicon::Lexicon;
    use crate::quality::text::segment;

    /// The stop-word count before [`stop_words_present`] (every token looked at).
    fn stop_words_present_reference(toks: &[Tok]) -> usize {
        let stop: Vec<u64> = STOP_WORDS.iter().map(|w| hash_word(w.as_bytes())).collect();
        let mut seen = [false; 8];
        for t in toks.iter().filter(|t| t.zipf >= 65 && t.len() <= 4) {
            if let Some(i) = stop.iter().position(|&h| h == t.hash) {
                seen[i] = true;
            }
        }
        seen.iter().filter(|&&s| s).count()
    }

    proptest::proptest! {
        #[test]
        fn stop_words_present_equals_the_reference(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "the", "The", "be", "to", "of", "and", "that", "have", "with", "WITH",
                    "a", "in", "is", "was", "council", "said", "Thee", "haves",
                ]),
                0..60,
            ),
        ) {
            let t = words.join(" ");
            let mut seg = Segmented::default();
            segment(&t, Lexicon::en(), &mut seg);
            proptest::prop_assert_eq!(
                stop_words_present(&seg.toks),
                stop_words_present_reference(&seg.toks)
            );
        }
    }

    /// The previous [`ngram_chars`] (a pass over all words per n >= 5), kept as the reference.
    fn ngram_chars_reference(seg: &Segmented, scratch: &mut Scratch) -> ([f64; 3], [f64; 6]) {
        let mut top = [0.0; 3];
        let mut dup = [0.0; 6];
        let toks = &seg.toks;
        let Scratch {
            counts,
            hashes,
            cand,
            slots,
            ..
        } = scratch;
        let mut covered = Vec::new();
        hashes.clear();
        hashes.extend(toks.iter().map(|t| ngram_step(NGRAM_SEED, t.hash)));
        cand.clear();
        cand.extend(0..toks.len() as u32);
        for n in 2..=10usize {
            if toks.len() < n {
                break;
            }
            let positions = (toks.len() - n + 1) as u32;
            while cand.last().is_some_and(|&p| p >= positions) {
                cand.pop();
            }
            if cand.is_empty() {
                break;
            }
            counts.reset(cand.len());
            slots.clear();
            let mut best = (0u32, 0usize);
            for &p in cand.iter() {
                let p = p as usize;
                let h = ngram_step(hashes[p], toks[p + n - 1].hash);
                hashes[p] = h;
                let slot = counts.inc_slot(h);
                slots.push(slot as u32);
                let c = counts.count_at(slot);
                if c > best.0 {
                    best = (c, p);
                }
            }
            if n <= 4 && best.0 >= 2 {
                let chars: usize = toks[best.1..best.1 + n].iter().map(|t| t.len()).sum();
                top[n - 2] = (best.0 as usize * chars) as f64;
            }
            let mut kept = 0;
            for k in 0..cand.len() {
                if counts.count_at(slots[k] as usize) > 1 {
                    cand[kept] = cand[k];
                    kept += 1;
                }
            }
            cand.truncate(kept);
            if n >= 5 && !cand.is_empty() {
                covered.clear();
                covered.resize(toks.len(), false);
                for &p in cand.iter() {
                    for c in &mut covered[p as usize..p as usize + n] {
                        *c = true;
                    }
                }
                dup[n - 5] = toks
                    .iter()
                    .zip(covered.iter())
                    .filter(|(_, &c)| c)
                    .map(|(t, _)| t.len())
                    .sum::<usize>() as f64;
            }
        }
        (top, dup)
    }

    /// The previous [`whitespace_word_stats`] (a byte loop to each word's end).
    fn whitespace_word_stats_reference(text: &str) -> (usize, usize, usize) {
        let b = text.as_bytes();
        let n = b.len();
        let class = |i: usize| BYTE_CLASS[b[i] as usize];
        let (mut words, mut with_letter) = (0usize, 0usize);
        let mut i = 0usize;
        while i < n {
            while i < n && class(i) == C_WS {
                i += 1;
            }
            if i == n {
                break;
            }
            words += 1;
            let start = i;
            let mut non_ascii = false;
            let mut letter = false;
            while i < n {
                let k = class(i);
                if k == C_WS {
                    break;
                }
                i += 1;
                if k == C_LETTER {
                    letter = true;
                    while i < n && class(i) != C_WS {
                        i += 1;
                    }
                    break;
                }
                non_ascii |= k == C_NON_ASCII;
            }
            if letter
                || (non_ascii
                    && text
                        .get(start..i)
                        .is_some_and(|w| w.chars().any(char::is_alphabetic)))
            {
                with_letter += 1;
            }
        }
        let symbols = memchr::memchr_iter(b'#', b).count()
            + memchr::memmem::find_iter(b, b"...").count()
            + memchr::memmem::find_iter(b, "\u{2026}".as_bytes()).count();
        (words, with_letter, symbols)
    }

    proptest::proptest! {
        #[test]
        fn whitespace_word_stats_equals_the_reference(
            text in "([a-zA-Z0-9é#.…,!\u{1}\u{b}\u{1f} \t\n\r\u{c}-]{0,40}){0,12}"
        ) {
            proptest::prop_assert_eq!(
                whitespace_word_stats(&text),
                whitespace_word_stats_reference(&text)
            );
        }

        #[test]
        fn fewer_chars_than_counts_characters(text in "[a-zé€😀 ]{0,60}", k in 0usize..50) {
            proptest::prop_assert_eq!(fewer_chars_than(&text, k), text.chars().count() < k);
        }
    }

    /// Texts from a small vocabulary, so n-grams of every length repeat.
    fn repetitive_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let word = prop::sample::select(vec![
            "the", "cat", "sat", "on", "mat", "The", "dog", "ran", "Ab", "x1", "é", "naïve",
        ]);
        let sep = prop::sample::select(vec![" ", " ", " ", ", ", ". ", "\n\n", " - "]);
        prop::collection::vec((word, sep), 0..200).prop_map(|ws| {
            ws.into_iter()
                .map(|(w, s)| format!("{w}{s}"))
                .collect::<String>()
        })
    }

    proptest::proptest! {
        #[test]
        fn ngram_chars_equals_the_reference(text in repetitive_text()) {
            let mut seg = Segmented::default();
            segment(&text, Lexicon::en(), &mut seg);
            let mut a = Scratch::default();
            let mut b = Scratch::default();
            proptest::prop_assert_eq!(ngram_chars(&seg, &mut a), ngram_chars_reference(&seg, &mut b));
        }
    }
}
