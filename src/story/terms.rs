//! Story terms: the words of a cleaned article that survive rewriting and translation.
//!
//! A term is a lower-cased run of letters and digits (inner `-` and `'` kept, a possessive `'s`
//! dropped). Function words are skipped. Each term records how often it occurs and whether it
//! looks like a **name** (capitalised somewhere other than at the start of a sentence or in a
//! title-case headline) or a **number** (contains a digit; `2,800` and `2800` are one term).
//! Names and numbers are what a translation or a spun rewrite keeps, so they are weighted up.
//! Scripts written without spaces (Chinese, Japanese, Thai) yield character bigrams.

use std::collections::HashMap;
use std::sync::OnceLock;
use xxhash_rust::xxh3::xxh3_64;

pub use crate::prehash::PreHashedMap;

/// The term is capitalised where capitals mean a name.
pub const NAME: u8 = 1;
/// The term contains a digit.
pub const NUMBER: u8 = 2;
/// The number is a year (four digits, 1900–2099): it says when in history, not which event
/// (every article of a period has it), so it is not weighted up like other numbers.
pub const YEAR: u8 = 4;

/// One distinct term of a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub hash: u64,
    /// Occurrences, each discounted by its position (see [`LEAD_TERMS`]).
    pub tf: f32,
    pub kind: u8,
}

/// News is written top-down: the lead names the event, the tail drifts to background, related
/// links and teasers that debris stripping missed. An occurrence at term position `i` counts
/// `1 / (1 + i / LEAD_TERMS)`, so the tail weighs less without being ignored.
pub const LEAD_TERMS: f32 = 150.0;

/// The stop words (`stopwords_en.txt`).
fn stopword_list() -> impl Iterator<Item = &'static str> {
    include_str!("stopwords_en.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Hashes of the stop words: a term is looked up by the hash it needs anyway.
fn stopwords() -> &'static HashSet64 {
    static SET: OnceLock<HashSet64> = OnceLock::new();
    SET.get_or_init(|| HashSet64::new(stopword_list().map(term_hash)))
}

/// A fixed set of well-mixed 64-bit hashes: open addressing with linear probing, at most a
/// quarter full, so a lookup is one or two loads (a general hash map took several times as
/// many instructions per token). Slot value 0 means empty; the hash 0 is kept aside.
struct HashSet64 {
    slots: Vec<u64>,
    mask: usize,
    has_zero: bool,
}

impl HashSet64 {
    fn new(keys: impl Iterator<Item = u64>) -> Self {
        let keys: Vec<u64> = keys.collect();
        let size = (keys.len() * 4).next_power_of_two().max(16);
        let mut set = HashSet64 {
            slots: vec![0; size],
            mask: size - 1,
            has_zero: false,
        };
        for h in keys {
            if h == 0 {
                set.has_zero = true;
                continue;
            }
            let mut i = h as usize & set.mask;
            while set.slots[i] != 0 && set.slots[i] != h {
                i = (i + 1) & set.mask;
            }
            set.slots[i] = h;
        }
        set
    }

    fn contains(&self, h: u64) -> bool {
        if h == 0 {
            return self.has_zero;
        }
        let mut i = h as usize & self.mask;
        loop {
            let s = self.slots[i];
            if s == h {
                return true;
            }
            if s == 0 {
                return false;
            }
            i = (i + 1) & self.mask;
        }
    }
}

/// Hash of a term's text: the id used everywhere else (stable across runs and platforms).
pub fn term_hash(term: &str) -> u64 {
    xxh3_64(term.as_bytes())
}

/// A raw token with the facts needed to classify it, gathered while tokenizing so that no
/// token is scanned twice.
struct Token<'a> {
    /// The token's bytes (whole characters of the line: a byte slice needs no character
    /// boundary checks).
    text: &'a [u8],
    sentence_start: bool,
    /// Every byte is ASCII.
    ascii: bool,
    /// Holds an ASCII digit.
    digit: bool,
    /// Only lower-case ASCII letters and digits: the token is its own term.
    plain: bool,
    /// A run of spaceless-script characters.
    spaceless: bool,
    /// The first character is upper case.
    upper: bool,
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric() && !crate::normalize::is_spaceless_char(c)
    }
}

/// Classes of ASCII bytes for the tokenizer.
const ALNUM: u8 = 1;
const DIGIT: u8 = 2;
const ALPHA: u8 = 4;
const UPPER: u8 = 8;
/// Starts a sentence: `.`, `!`, `?`, `:`, `"`.
const SENTENCE: u8 = 16;
/// May join two parts of a token: `-`, `'`, `,`, `.`.
const JOINT: u8 = 32;

/// [`ALNUM`], [`DIGIT`], ... of every byte (none for the bytes of non-ASCII characters).
const BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_digit() {
            ALNUM | DIGIT
        } else if c.is_ascii_uppercase() {
            ALNUM | ALPHA | UPPER
        } else if c.is_ascii_lowercase() {
            ALNUM | ALPHA
        } else if c == b'.' {
            SENTENCE | JOINT
        } else if matches!(c, b'!' | b'?' | b':' | b'"') {
            SENTENCE
        } else if matches!(c, b'-' | b'\'' | b',') {
            JOINT
        } else {
            0
        };
        b += 1;
    }
    t
};

/// Receives the term occurrences of a text from [`scan_terms`], line by line.
trait TermSink {
    /// One occurrence: `term` is the normalized (lower-cased) form, `hash` its [`term_hash`].
    /// [`NAME`] in `kind` is provisional: it holds for a capitalised token inside a sentence,
    /// and [`TermSink::line_end`] says whether the line's capitals count at all.
    fn term(&mut self, term: &[u8], hash: u64, kind: u8);
    /// The end of a line. When `title_case` (a headline capitalising every word), the [`NAME`]
    /// marks of the line's occurrences do not hold and must be cleared.
    fn line_end(&mut self, title_case: bool);
}

/// Tokenizes `text` and gives every term occurrence to `sink`, in order, in one pass: each
/// token is turned into its term (hashed, stop words skipped) as soon as the tokenizer has
/// found it, with no token list in between. The title-case test needs a whole line, so
/// [`NAME`] is settled at the line's end ([`TermSink::line_end`]).
#[inline(always)]
fn scan_terms(text: &str, sink: &mut impl TermSink) {
    let mut norm = String::new();
    let mut ascii = Vec::new();
    // Looked up once, not per token (the lazy initialisation check is not free).
    let stop = stopwords();
    for line in text.lines() {
        let mut terms = TokenTerms {
            norm: &mut norm,
            ascii: &mut ascii,
            stop,
            sink: &mut *sink,
        };
        let (words, caps) = scan_line(line, &mut terms);
        // Title-case lines (headlines) capitalise every word: capitals there say nothing.
        sink.line_end(words >= 3 && caps * 10 > words * 6);
    }
}

/// Receives the tokens of a line from [`scan_line`], in order. A trait method rather than a
/// closure so that it is inlined into the tokenizer's loop (a closure was called per token).
trait TokenSink<'a> {
    fn token(&mut self, t: Token<'a>);
}

/// Turns each token into its term for a [`TermSink`].
struct TokenTerms<'s, S> {
    /// The lower-case form of a token with non-ASCII characters.
    norm: &'s mut String,
    /// The lower-case form of an ASCII token that is not its own term.
    ascii: &'s mut Vec<u8>,
    stop: &'s HashSet64,
    sink: &'s mut S,
}

impl<'a, S: TermSink> TokenSink<'a> for TokenTerms<'_, S> {
    #[inline(always)]
    fn token(&mut self, t: Token<'a>) {
        token_term(&t, self.norm, self.ascii, self.stop, self.sink);
    }
}

/// The term of one token (or the bigrams of a spaceless run), if it gives one, to `sink`;
/// [`NAME`] is provisional (see [`TermSink::term`]).
#[inline(always)]
fn token_term(
    t: &Token,
    norm: &mut String,
    ascii: &mut Vec<u8>,
    stop: &HashSet64,
    sink: &mut impl TermSink,
) {
    if t.spaceless {
        // Whole characters: never an error.
        if let Ok(run) = std::str::from_utf8(t.text) {
            spaceless_bigrams(run, &mut |term, hash, kind| {
                sink.term(term.as_bytes(), hash, kind)
            });
        }
        return;
    }
    // Tokens under three bytes without a digit never reach here (no term).
    let has_digit = t.digit;
    // The term, and its length in characters up to 3.
    let (term, chars) = if t.plain {
        // Most tokens: already lower case, nothing to strip or trim.
        (t.text, t.text.len().min(3))
    } else if t.ascii {
        ascii.clear();
        ascii.extend_from_slice(t.text);
        ascii.make_ascii_lowercase();
        if has_digit {
            ascii.retain(|&c| c != b',' && c != b'.');
        }
        if ascii.ends_with(b"'s") {
            ascii.truncate(ascii.len() - 2);
        }
        // Nothing to trim: an ASCII token starts and ends with a letter or digit, a joint is
        // between two of them (so is a removed `,` or `.`), and `'s` follows one.
        debug_assert!(ascii.first().is_some_and(u8::is_ascii_alphanumeric));
        debug_assert!(ascii.last().is_some_and(u8::is_ascii_alphanumeric));
        let term = ascii.as_slice();
        (term, term.len().min(3))
    } else {
        // Whole characters: never an error.
        let Ok(text) = std::str::from_utf8(t.text) else {
            return;
        };
        lower_term(text, has_digit, norm);
        if let Some(s) = norm
            .strip_suffix("'s")
            .or_else(|| norm.strip_suffix("\u{2019}s"))
        {
            let n = s.len();
            norm.truncate(n);
        }
        let term = trim_to_alphanumeric(norm);
        (term.as_bytes(), term.chars().take(3).count())
    };
    let mut kind = 0;
    if has_digit {
        // Single digits ("2 goals", list numbers) are too common to identify a story.
        if chars < 2 {
            return;
        }
        kind |= NUMBER;
        let b = term;
        if b.len() == 4
            && b.iter().all(u8::is_ascii_digit)
            && (b.starts_with(b"19") || b.starts_with(b"20"))
        {
            kind |= YEAR;
        }
    } else if chars < 3 {
        return;
    }
    let hash = xxh3_64(term);
    if !has_digit && stop.contains(hash) {
        return;
    }
    if t.upper && !t.sentence_start {
        kind |= NAME;
    }
    sink.term(term, hash, kind);
}

/// Writes the lower-case form of a token into `norm` (cleared first), without the `,` and `.`
/// of a number.
fn lower_term(token: &str, has_digit: bool, norm: &mut String) {
    norm.clear();
    for c in token.chars() {
        if has_digit && (c == ',' || c == '.') {
            continue;
        }
        if c.is_ascii() {
            norm.push(c.to_ascii_lowercase());
        } else {
            norm.extend(c.to_lowercase());
        }
    }
}

/// `s` without leading and trailing characters that are not letters or digits.
fn trim_to_alphanumeric(s: &str) -> &str {
    if !s.is_ascii() {
        return s.trim_matches(|c: char| !c.is_alphanumeric());
    }
    let b = s.as_bytes();
    let start = b
        .iter()
        .position(u8::is_ascii_alphanumeric)
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(u8::is_ascii_alphanumeric)
        .map_or(start, |e| e + 1);
    &s[start..end]
}

fn spaceless_bigrams(run: &str, f: &mut impl FnMut(&str, u64, u8)) {
    let idx: Vec<usize> = run
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(run.len()))
        .collect();
    if idx.len() <= 2 {
        return;
    }
    for w in idx.windows(3) {
        let bigram = &run[w[0]..w[2]];
        f(bigram, term_hash(bigram), 0);
    }
}

/// Splits a line into word tokens (letters and digits with inner `-`, `'`, `’`, and `,`/`.`
/// between digits) and runs of spaceless-script characters, marking sentence starts.
/// `emit` receives the tokens that can give a term, in order: word tokens under three bytes
/// without a digit (under three characters: never a term) are counted but not given. Returns the number of tokens starting with a letter and with an upper-case
/// character, all tokens counted (the title-case test of [`scan_terms`]). ASCII bytes are
/// classified by a table; only non-ASCII characters are decoded.
#[inline(always)]
fn scan_line<'a>(line: &'a str, emit: &mut impl TokenSink<'a>) -> (usize, usize) {
    let b = line.as_bytes();
    let n = b.len();
    let mut sentence_start = true;
    let (mut words, mut caps) = (0usize, 0usize);
    let mut i = 0;
    while i < n {
        let c0 = b[i];
        let (first_len, alpha, upper);
        if c0 < 0x80 {
            let k = BYTE_CLASS[usize::from(c0)];
            if k & ALNUM == 0 {
                if k & SENTENCE != 0 {
                    sentence_start = true;
                }
                i += 1;
                continue;
            }
            first_len = 1;
            alpha = k & ALPHA != 0;
            upper = k & UPPER != 0;
        } else {
            let Some(c) = char_at(line, i) else { break };
            if crate::normalize::is_spaceless_char(c) {
                let mut j = i + c.len_utf8();
                while let Some(d) =
                    char_at(line, j).filter(|&d| crate::normalize::is_spaceless_char(d))
                {
                    j += d.len_utf8();
                }
                let (alpha, upper) = (c.is_alphabetic(), c.is_uppercase());
                words += usize::from(alpha);
                caps += usize::from(upper);
                emit.token(Token {
                    text: &b[i..j],
                    sentence_start: false,
                    ascii: false,
                    digit: false,
                    plain: false,
                    spaceless: true,
                    upper,
                });
                i = j;
                continue;
            }
            if !is_word_char(c) {
                if c == '\u{201C}' {
                    sentence_start = true;
                }
                i += c.len_utf8();
                continue;
            }
            first_len = c.len_utf8();
            alpha = c.is_alphabetic();
            upper = c.is_uppercase();
        }
        let mut ascii = c0 < 0x80;
        // Classes of the ASCII characters taken, or-ed.
        let mut acc = if ascii {
            BYTE_CLASS[usize::from(c0)]
        } else {
            0
        };
        let mut joined = false;
        let mut j = i + first_len;
        loop {
            // The run of ASCII letters and digits. Lower-case letters, most of it, add nothing
            // to the classes read from `acc` (a digit, an upper-case letter), so a tighter
            // loop takes them without it (in the general loop `acc` lived on the stack).
            loop {
                while b.get(j).is_some_and(u8::is_ascii_lowercase) {
                    j += 1;
                }
                match b.get(j).map(|&d| BYTE_CLASS[usize::from(d)]) {
                    Some(k) if k & ALNUM != 0 => {
                        acc |= k;
                        j += 1;
                    }
                    _ => break,
                }
            }
            let Some(&d) = b.get(j) else { break };
            let d_len;
            let number_joint;
            if d < 0x80 {
                // Most tokens end at a space: one table lookup says `d` cannot join.
                if BYTE_CLASS[usize::from(d)] & JOINT == 0 {
                    break;
                }
                number_joint = matches!(d, b',' | b'.');
                // `,` and `.` join only after a digit. The character before `j` is an ASCII
                // digit: the last byte of a longer character is not ASCII.
                let joins = !number_joint || BYTE_CLASS[usize::from(b[j - 1])] & DIGIT != 0;
                if !joins {
                    break;
                }
                d_len = 1;
            } else {
                let Some(dc) = char_at(line, j) else { break };
                if is_word_char(dc) {
                    ascii = false;
                    j += dc.len_utf8();
                    continue;
                }
                if dc != '\u{2019}' {
                    break;
                }
                number_joint = false;
                d_len = dc.len_utf8();
            }
            // A joint joins only when the character after it continues the token.
            let Some(&m) = b.get(j + d_len) else {
                break;
            };
            if m < 0x80 {
                let k = BYTE_CLASS[usize::from(m)];
                let ok = if number_joint {
                    k & DIGIT != 0
                } else {
                    k & ALNUM != 0
                };
                if !ok {
                    break;
                }
                acc |= k;
                j += d_len + 1;
            } else {
                if number_joint {
                    break;
                }
                let Some(mc) = char_at(line, j + d_len) else {
                    break;
                };
                if !is_word_char(mc) {
                    break;
                }
                ascii = false;
                j += d_len + mc.len_utf8();
            }
            joined = true;
            if d_len > 1 {
                ascii = false;
            }
        }
        let digit = acc & DIGIT != 0;
        words += usize::from(alpha);
        caps += usize::from(upper);
        if digit || j - i >= 3 {
            emit.token(Token {
                text: &b[i..j],
                sentence_start,
                ascii,
                digit,
                plain: ascii && !joined && acc & UPPER == 0,
                spaceless: false,
                upper,
            });
        }
        sentence_start = false;
        i = j;
        // The byte that ended the token, when it is ASCII (then not a letter or digit), is
        // taken here rather than by the next round of the loop: it only may start a sentence.
        if let Some(&d) = b.get(j).filter(|d| d.is_ascii()) {
            sentence_start = BYTE_CLASS[usize::from(d)] & SENTENCE != 0;
            i = j + 1;
        }
    }
    (words, caps)
}

/// The character starting at byte `i` of `line` (`i` is a character boundary), if any.
fn char_at(line: &str, i: usize) -> Option<char> {
    let b = *line.as_bytes().get(i)?;
    if b.is_ascii() {
        Some(char::from(b))
    } else {
        line.get(i..)?.chars().next()
    }
}

/// The distinct terms of `text`, sorted by hash. A term is a name or a number if any
/// occurrence is. A run of terms repeated back to back ([`stutter`]) counts once.
///
/// Each distinct term gets a dense id on its first occurrence (one hash-map lookup per
/// occurrence); the repeat scan and the counts then index plain arrays. Scratch space is kept
/// per thread.
pub fn doc_terms(text: &str) -> Vec<Term> {
    thread_local! {
        static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
    }
    SCRATCH.with(|s| match s.try_borrow_mut() {
        Ok(mut s) => {
            let out = s.doc_terms(text);
            if s.ids.slots.len() > SCRATCH_KEPT_SLOTS || s.weights.len() > SCRATCH_KEPT_SLOTS {
                // A huge text: do not keep its buffers for the rest of the run.
                *s = Scratch::default();
            }
            out
        }
        Err(_) => Scratch::default().doc_terms(text),
    })
}

/// [`doc_terms`] keeps its buffers between texts up to this many id-table slots (4 MiB of
/// table; news articles need a few thousand).
const SCRATCH_KEPT_SLOTS: usize = 1 << 18;

/// Reusable buffers of [`doc_terms`].
#[derive(Default)]
struct Scratch {
    /// Term hash → dense id.
    ids: IdTable,
    /// Dense id → term hash.
    hashes: Vec<u64>,
    /// Every occurrence: (dense id, kind).
    seq: Vec<(u32, u8)>,
    /// Dense id → its last occurrence so far.
    last: Vec<u32>,
    /// Occurrence → the previous occurrence of the same term ([`NONE`] if none).
    previous: Vec<u32>,
    repeated: Vec<bool>,
    /// Dense id → (discounted count, kind).
    counts: Vec<(f32, u8)>,
    /// Bucket starts of [`sorted_terms`].
    buckets: Vec<u32>,
    /// Position → its discount `1 / (1 + position / LEAD_TERMS)`, as far as needed so far.
    weights: Vec<f32>,
}

/// No previous occurrence.
const NONE: u32 = u32::MAX;

/// Term hash → dense id within one document: open addressing with linear probing over a
/// power-of-two table at most half full. [`IdTable::clear`] starts a new document by bumping an
/// epoch stamp instead of wiping the slots, so a table kept per thread costs nothing to reset.
#[derive(Default)]
struct IdTable {
    /// (hash, id, epoch of the entry); an entry of another epoch is an empty slot.
    slots: Vec<(u64, u32, u32)>,
    epoch: u32,
    len: usize,
}

impl IdTable {
    fn clear(&mut self) {
        self.len = 0;
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            // Stamps wrapped around: wipe them once so no old entry looks current.
            self.slots.iter_mut().for_each(|s| s.2 = 0);
            self.epoch = 1;
        }
    }

    /// The id of `hash`, inserting it with id `next` if it is new.
    #[inline]
    fn id(&mut self, hash: u64, next: u32) -> u32 {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let slot = &mut self.slots[i];
            if slot.2 != self.epoch {
                *slot = (hash, next, self.epoch);
                self.len += 1;
                return next;
            }
            if slot.0 == hash {
                return slot.1;
            }
            i = (i + 1) & mask;
        }
    }

    // Rare (a table kept per thread grows a few times per run): out of line, so that `id`
    // is small enough to be inlined into the term loop.
    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        let old = std::mem::replace(&mut self.slots, vec![(0, 0, 0); size]);
        let epoch = self.epoch;
        self.epoch = 1;
        self.len = 0;
        for (hash, id, e) in old {
            if e == epoch {
                self.id(hash, id);
            }
        }
    }
}

/// The term loop of [`Scratch::doc_terms`]: numbers each distinct term and records every
/// occurrence as (dense id, kind).
struct IdSink<'a> {
    ids: &'a mut IdTable,
    hashes: &'a mut Vec<u64>,
    seq: &'a mut Vec<(u32, u8)>,
    /// The first occurrence of the current line in `seq`.
    line_start: usize,
}

impl TermSink for IdSink<'_> {
    #[inline(always)]
    fn term(&mut self, _: &[u8], hash: u64, kind: u8) {
        let next = self.hashes.len() as u32;
        let id = self.ids.id(hash, next);
        if id == next {
            self.hashes.push(hash);
        }
        self.seq.push((id, kind));
    }

    #[inline(always)]
    fn line_end(&mut self, title_case: bool) {
        if title_case {
            clear_names(&mut self.seq[self.line_start..], |o| &mut o.1);
        }
        self.line_start = self.seq.len();
    }
}

/// Clears the (provisional) [`NAME`] mark of the occurrences of a title-case line.
#[cold]
fn clear_names<T>(line: &mut [T], kind: impl Fn(&mut T) -> &mut u8) {
    for o in line {
        *kind(o) &= !NAME;
    }
}

/// Collects the (hash, kind) sequence of [`term_sequence`].
struct SeqSink<'a> {
    seq: &'a mut Vec<(u64, u8)>,
    line_start: usize,
}

impl TermSink for SeqSink<'_> {
    fn term(&mut self, _: &[u8], hash: u64, kind: u8) {
        self.seq.push((hash, kind));
    }

    fn line_end(&mut self, title_case: bool) {
        if title_case {
            clear_names(&mut self.seq[self.line_start..], |o| &mut o.1);
        }
        self.line_start = self.seq.len();
    }
}

impl Scratch {
    fn doc_terms(&mut self, text: &str) -> Vec<Term> {
        let Scratch {
            ids,
            hashes,
            seq,
            last,
            previous,
            repeated,
            counts,
            weights,
            ..
        } = self;
        ids.clear();
        hashes.clear();
        seq.clear();
        scan_terms(
            text,
            &mut IdSink {
                ids,
                hashes,
                seq,
                line_start: 0,
            },
        );
        last.clear();
        last.resize(hashes.len(), NONE);
        previous.clear();
        previous.extend(seq.iter().enumerate().map(|(i, &(id, _))| {
            let slot = &mut last[id as usize];
            std::mem::replace(slot, i as u32)
        }));
        stutter_linked(seq, previous, |o| o.0, repeated);
        counts.clear();
        counts.resize(hashes.len(), (0.0, 0));
        // The discount of each position, computed once per thread rather than per occurrence
        // (two divisions each).
        while weights.len() < seq.len() {
            let position = weights.len();
            weights.push(1.0 / (1.0 + position as f32 / LEAD_TERMS));
        }
        for ((&(id, kind), r), &w) in seq.iter().zip(repeated.iter()).zip(weights.iter()) {
            if !r {
                let e = &mut counts[id as usize];
                e.0 += w;
                e.1 |= kind;
            }
        }
        // Every distinct term is counted: its first occurrence is never a repeat (a repeat
        // copies terms that occurred before it), and every occurrence adds more than 0.
        debug_assert!(counts.iter().all(|c| c.0 > 0.0));
        sorted_terms(hashes, counts, &mut self.buckets)
    }
}

/// The terms with dense ids `0..hashes.len()` (`hashes[id]`, `counts[id]`), sorted by hash.
/// Term hashes are uniform, so a counting pass on their top bits (about one bucket per term)
/// places each term next to its final position, straight from the two arrays, leaving only
/// neighbours in the same bucket to order, by insertion: a few instructions per term instead
/// of a comparison sort's log n compares and moves, and no unsorted list built first. Falls
/// back to the comparison sort when a bucket is crowded (a crafted text), so the cost stays
/// bounded. The list is allocated at its final size: the story stage keeps these lists between
/// its passes, and a list grown by doubling held up to twice the memory it was charged for.
fn sorted_terms(hashes: &[u64], counts: &[(f32, u8)], buckets: &mut Vec<u32>) -> Vec<Term> {
    /// Below this, or with a bucket this full, the comparison sort is used.
    const SMALL: usize = 32;
    let n = hashes.len().min(counts.len());
    let terms = || {
        hashes
            .iter()
            .zip(counts)
            .map(|(&hash, &(tf, kind))| Term { hash, tf, kind })
    };
    let compared = || {
        let mut out: Vec<Term> = Vec::with_capacity(n);
        out.extend(terms());
        out.sort_unstable_by_key(|t| t.hash);
        out
    };
    if n < SMALL {
        return compared();
    }
    let bits = n.next_power_of_two().trailing_zeros();
    let shift = 64 - bits;
    // `hash >> shift` is below `1 << bits` already; masking it with `mask` tells the compiler
    // so, against slices of `mask + 1` buckets, and spares a bounds check per term.
    let mask = (1usize << bits) - 1;
    let bucket = |h: u64| (h >> shift) as usize & mask;
    buckets.clear();
    buckets.resize(mask + 2, 0);
    // The size of bucket `b` at `b + 1`; then the start of bucket `b` at `b`.
    let sizes = &mut buckets[1..mask + 2];
    for &h in &hashes[..n] {
        sizes[bucket(h)] += 1;
    }
    let mut crowded = false;
    let mut start = 0;
    for b in buckets.iter_mut() {
        crowded |= *b as usize > SMALL;
        start += *b;
        *b = start;
    }
    if crowded {
        return compared();
    }
    let starts = &mut buckets[..mask + 1];
    let mut sorted = vec![
        Term {
            hash: 0,
            tf: 0.0,
            kind: 0
        };
        n
    ];
    for t in terms() {
        let slot = &mut starts[bucket(t.hash)];
        sorted[*slot as usize] = t;
        *slot += 1;
    }
    insertion_sort_by_hash(&mut sorted);
    sorted
}

/// Sorts terms by hash by insertion: for lists where only neighbours are out of order (the
/// terms of one bucket). A term already in order costs one comparison.
fn insertion_sort_by_hash(terms: &mut [Term]) {
    for i in 1..terms.len() {
        let hash = terms[i].hash;
        if terms[i - 1].hash <= hash {
            continue;
        }
        let t = terms[i].clone();
        let mut j = i;
        while j > 0 && terms[j - 1].hash > hash {
            terms[j] = terms[j - 1].clone();
            j -= 1;
        }
        terms[j] = t;
    }
}

/// Shortest and longest run (in terms) that [`stutter`] looks for.
const STUTTER_MIN: usize = 3;
const STUTTER_MAX: usize = 24;

/// Occurrences that repeat the run of terms right before them (3 to 24 terms): a scraped
/// headline printed five times in a row, a caption doubled. Such a run says nothing new the
/// second time; counted every time it made one headline outweigh the article (two press
/// releases of one agency, each with its headline five times over, looked like one story).
/// Repeats further apart (a name in several sentences) are not touched.
pub fn stutter(seq: &[(u64, u8)]) -> Vec<bool> {
    // previous[i]: the last position before `i` holding the same term.
    let mut last: PreHashedMap<u64, u32> = PreHashedMap::default();
    let previous: Vec<u32> = seq
        .iter()
        .enumerate()
        .map(|(i, &(h, _))| last.insert(h, i as u32).unwrap_or(NONE))
        .collect();
    let mut out = Vec::new();
    stutter_linked(seq, &previous, |t| t.0, &mut out);
    out
}

/// [`stutter`] given, for every occurrence, the previous occurrence of the same term
/// (`previous`, [`NONE`] if none); `key` gives the term of an occurrence. Walking this chain
/// visits exactly the run lengths whose first term matches, shortest first. `out` receives one
/// flag per occurrence.
fn stutter_linked<T, K: PartialEq>(
    seq: &[T],
    previous: &[u32],
    key: impl Fn(&T) -> K,
    out: &mut Vec<bool>,
) {
    let n = seq.len();
    out.clear();
    out.resize(n, false);
    let mut i = 0;
    while i < n {
        let mut hit = None;
        let mut p = previous[i];
        while p != NONE {
            let q = p as usize;
            let l = i - q;
            if l > STUTTER_MAX || l > n - i {
                break;
            }
            if l >= STUTTER_MIN
                && seq[q..i]
                    .iter()
                    .zip(&seq[i..i + l])
                    .all(|(a, b)| key(a) == key(b))
            {
                hit = Some(l);
                break;
            }
            p = previous[q];
        }
        match hit {
            Some(l) => {
                out[i..i + l].fill(true);
                i += l;
            }
            None => i += 1,
        }
    }
}

/// Occurrences of each term, each discounted by its position (see [`LEAD_TERMS`]), and whether
/// any occurrence is a name or a number.
#[derive(Default)]
struct TermCounts(PreHashedMap<u64, (f32, u8)>);

impl TermCounts {
    fn add(&mut self, hash: u64, kind: u8, position: f32) {
        let e = self.0.entry(hash).or_insert((0.0, 0));
        e.0 += 1.0 / (1.0 + position / LEAD_TERMS);
        e.1 |= kind;
    }

    /// The distinct terms, sorted by hash.
    fn into_terms(self) -> Vec<Term> {
        let mut out: Vec<Term> = self
            .0
            .into_iter()
            .map(|(hash, (tf, kind))| Term { hash, tf, kind })
            .collect();
        out.sort_unstable_by_key(|t| t.hash);
        out
    }
}

/// Terms in a row that count as shared wording (see [`outside_shared_wording`]). Five content
/// words span about eight to ten running words: a template phrase or a copied sentence, never
/// a chance match between two rewrites.
pub const SHARED_RUN: usize = 5;

/// The term sequence of `text`: (hash, kind) of every occurrence, in order.
pub fn term_sequence(text: &str) -> Vec<(u64, u8)> {
    let mut out = Vec::new();
    scan_terms(
        text,
        &mut SeqSink {
            seq: &mut out,
            line_start: 0,
        },
    );
    out
}

/// The distinct terms of two term sequences once every run of [`SHARED_RUN`] terms that occurs
/// in both is removed from both: what each article says *in its own words*. Templated reports
/// (one league's match reports, a site's sign-up box, a paywall notice) share their similarity
/// through such runs; rewrites of one event share facts but hardly any run. Occurrences keep
/// their original positions for the lead discount, so the result is comparable with
/// [`doc_terms`].
pub fn outside_shared_wording(a: &[(u64, u8)], b: &[(u64, u8)]) -> (Vec<Term>, Vec<Term>) {
    let runs = |s: &[(u64, u8)]| -> Vec<u64> {
        s.windows(SHARED_RUN)
            .map(|w| {
                w.iter().fold(0x9e37_79b9_7f4a_7c15u64, |h, t| {
                    crate::normalize::fmix64(h ^ t.0).wrapping_add(h.rotate_left(17))
                })
            })
            .collect()
    };
    let (ra, rb) = (runs(a), runs(b));
    let in_a: std::collections::HashSet<u64> = ra.iter().copied().collect();
    let in_b: std::collections::HashSet<u64> = rb.iter().copied().collect();
    let strip = |s: &[(u64, u8)], r: &[u64], other: &std::collections::HashSet<u64>| {
        // Back-to-back repeats count once, as in `doc_terms`.
        let mut covered = stutter(s);
        for (i, h) in r.iter().enumerate() {
            if other.contains(h) {
                covered[i..i + SHARED_RUN].fill(true);
            }
        }
        let mut counts = TermCounts::default();
        for (position, (t, c)) in s.iter().zip(&covered).enumerate() {
            if !c {
                counts.add(t.0, t.1, position as f32);
            }
        }
        counts.into_terms()
    };
    (strip(a, &ra, &in_b), strip(b, &rb, &in_a))
}

/// The normalized form of the terms of `text` whose hash `wanted` accepts, by hash.
pub fn spellings(text: &str, wanted: impl Fn(u64) -> bool) -> HashMap<u64, String> {
    /// Keeps the wanted spellings; kinds do not matter.
    struct Spellings<'a, W> {
        wanted: W,
        out: &'a mut HashMap<u64, String>,
    }
    impl<W: Fn(u64) -> bool> TermSink for Spellings<'_, W> {
        fn term(&mut self, term: &[u8], hash: u64, _: u8) {
            if (self.wanted)(hash) {
                // Terms are whole characters: the conversion loses nothing.
                self.out
                    .entry(hash)
                    .or_insert_with(|| String::from_utf8_lossy(term).into_owned());
            }
        }
        fn line_end(&mut self, _: bool) {}
    }
    let mut out = HashMap::new();
    scan_terms(
        text,
        &mut Spellings {
            wanted,
            out: &mut out,
        },
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The term loop before [`scan_terms`] (a token list per line, then a loop over it): the
    /// reference the one-pass loop is tested against. Calls `f(term, hash, kind)` for every
    /// term occurrence in `text`, in order.
    fn for_each_term(text: &str, mut f: impl FnMut(&str, u64, u8)) {
        let mut norm = String::new();
        let mut tokens = Vec::new();
        // Looked up once, not per token (the lazy initialisation check is not free).
        let stop = stopwords();
        for line in text.lines() {
            // Title-case lines (headlines) capitalise every word: capitals there say nothing.
            let (words, caps) = tokenize_line(line, &mut tokens);
            let title_case = words >= 3 && caps * 10 > words * 6;
            for t in &tokens {
                let text = std::str::from_utf8(t.text).expect("tokens are whole characters");
                if t.spaceless {
                    spaceless_bigrams(text, &mut f);
                    continue;
                }
                // Tokens under three bytes without a digit never reach here (no term).
                let has_digit = t.digit;
                // The term, and its length in characters up to 3.
                let (term, chars) = if t.plain {
                    // Most tokens: already lower case, nothing to strip or trim.
                    (text, text.len().min(3))
                } else if t.ascii {
                    norm.clear();
                    norm.push_str(text);
                    norm.make_ascii_lowercase();
                    if has_digit {
                        norm.retain(|c| c != ',' && c != '.');
                    }
                    if norm.ends_with("'s") {
                        norm.truncate(norm.len() - 2);
                    }
                    let term = trim_to_alphanumeric(&norm);
                    (term, term.len().min(3))
                } else {
                    lower_term(text, has_digit, &mut norm);
                    if let Some(s) = norm
                        .strip_suffix("'s")
                        .or_else(|| norm.strip_suffix("\u{2019}s"))
                    {
                        let n = s.len();
                        norm.truncate(n);
                    }
                    let term = trim_to_alphanumeric(&norm);
                    (term, term.chars().take(3).count())
                };
                let mut kind = 0;
                if has_digit {
                    // Single digits ("2 goals", list numbers) are too common to identify a story.
                    if chars < 2 {
                        continue;
                    }
                    kind |= NUMBER;
                    let b = term.as_bytes();
                    if b.len() == 4
                        && b.iter().all(u8::is_ascii_digit)
                        && (b.starts_with(b"19") || b.starts_with(b"20"))
                    {
                        kind |= YEAR;
                    }
                } else if chars < 3 {
                    continue;
                }
                let hash = term_hash(term);
                if !has_digit && stop.contains(hash) {
                    continue;
                }
                if t.upper && !t.sentence_start && !title_case {
                    kind |= NAME;
                }
                f(term, hash, kind);
            }
        }
    }

    /// The tokens of a line as a list, as the tokenizer gave them before [`scan_line`] handed
    /// them over one by one.
    fn tokenize_line<'a>(line: &'a str, out: &mut Vec<Token<'a>>) -> (usize, usize) {
        out.clear();
        scan_line(line, out)
    }

    impl<'a> TokenSink<'a> for Vec<Token<'a>> {
        fn token(&mut self, t: Token<'a>) {
            self.push(t);
        }
    }

    /// Every occurrence with its term, as [`scan_terms`] gives them once each line's [`NAME`]
    /// marks are settled.
    fn one_pass_terms(text: &str) -> Vec<(String, u64, u8)> {
        struct Collect {
            out: Vec<(String, u64, u8)>,
            line_start: usize,
        }
        impl TermSink for Collect {
            fn term(&mut self, term: &[u8], hash: u64, kind: u8) {
                let term = std::str::from_utf8(term).expect("terms are whole characters");
                self.out.push((term.to_string(), hash, kind));
            }
            fn line_end(&mut self, title_case: bool) {
                if title_case {
                    clear_names(&mut self.out[self.line_start..], |o| &mut o.2);
                }
                self.line_start = self.out.len();
            }
        }
        let mut c = Collect {
            out: Vec::new(),
            line_start: 0,
        };
        scan_terms(text, &mut c);
        c.out
    }

    fn terms(text: &str) -> Vec<(String, u8)> {
        let mut v: Vec<(String, u8)> = Vec::new();
        v.extend(one_pass_terms(text).into_iter().map(|(t, _, k)| (t, k)));
        v
    }

    #[test]
    fn shared_runs_are_set_aside_and_own_words_kept() {
        let a = term_sequence(
            "Rovers beat Kestrel at Quayside Park. Full tables, fixtures and match statistics are available on the league website.",
        );
        let b = term_sequence(
            "Saltby drew with Millbrook at Harbour Road. Full tables, fixtures and match statistics are available on the league website.",
        );
        let (ta, tb) = outside_shared_wording(&a, &b);
        let has = |t: &[Term], w: &str| t.iter().any(|x| x.hash == term_hash(w));
        assert!(has(&ta, "rovers") && has(&tb, "saltby"));
        assert!(!has(&ta, "fixtures") && !has(&tb, "website"));
        // Without a shared run nothing is removed.
        let c = term_sequence("Kestrel fixtures website tables league");
        let (ta, _) = outside_shared_wording(&a, &c);
        assert_eq!(ta, doc_terms("Rovers beat Kestrel at Quayside Park. Full tables, fixtures and match statistics are available on the league website."));
    }

    #[test]
    fn a_headline_repeated_back_to_back_counts_once() {
        let once = doc_terms("Kestrel opens harbour bridge. The mayor cut the ribbon.");
        let thrice = doc_terms(
            "Kestrel opens harbour bridge Kestrel opens harbour bridge Kestrel opens harbour bridge. The mayor cut the ribbon.",
        );
        let tf = |t: &[Term], w: &str| t.iter().find(|x| x.hash == term_hash(w)).map(|x| x.tf);
        assert_eq!(once.len(), thrice.len());
        assert_eq!(tf(&thrice, "bridge"), tf(&once, "bridge"));
        // A name recurring across sentences is not a stutter.
        let seq = term_sequence("Varga spoke. Varga left. Varga returned.");
        assert!(stutter(&seq).iter().all(|r| !r));
    }

    #[test]
    fn years_are_numbers_but_marked() {
        let t = terms("in 2020 about 2,800 people and 1999 and 3060 and 1836");
        assert!(t.contains(&("2020".into(), NUMBER | YEAR)));
        assert!(t.contains(&("1999".into(), NUMBER | YEAR)));
        assert!(t.contains(&("1836".into(), NUMBER)));
        assert!(t.contains(&("2800".into(), NUMBER)));
        assert!(t.contains(&("3060".into(), NUMBER)));
    }

    #[test]
    fn names_are_capitalised_inside_sentences_only() {
        let t = terms("Scientists met in Mombasa. Officials agreed.");
        assert!(t.contains(&("mombasa".into(), NAME)));
        assert!(t.contains(&("scientists".into(), 0)));
        assert!(t.contains(&("officials".into(), 0)));
    }

    #[test]
    fn numbers_lose_separators_and_single_digits_are_skipped() {
        let t = terms("about 2,800 m down and 2 ships, cost 240.5 million");
        assert!(t.contains(&("2800".into(), NUMBER)));
        assert!(t.contains(&("2405".into(), NUMBER)));
        assert!(!t.iter().any(|(w, _)| w == "2"));
    }

    #[test]
    fn headline_capitals_are_not_names_and_stopwords_are_dropped() {
        let t = terms("Observatory And Institute Agree To Build Station");
        assert!(t.iter().all(|(_, k)| *k == 0));
        assert!(!t.iter().any(|(w, _)| w == "and"));
    }

    #[test]
    fn possessives_and_hyphens_are_kept_together() {
        let t = terms("the station's cost and Okonkwo-Lindqvist's plan");
        assert!(t.contains(&("station".into(), 0)));
        assert!(t.contains(&("okonkwo-lindqvist".into(), NAME)));
    }

    #[test]
    fn spaceless_scripts_give_bigrams() {
        let t = terms("缆车开通");
        assert_eq!(t.len(), 3);
    }

    /// The previous character-buffer tokenizer: the specification [`tokenize_line`] is tested
    /// against. Splits a line into word tokens (letters and digits with inner `-`, `'`, `’`, and `,`/`.`
    /// between digits) and runs of spaceless-script characters, marking sentence starts.
    /// `chars` is scratch space and `out` receives the tokens; both are reused across lines.
    fn tokenize_line_reference<'a>(
        line: &'a str,
        chars: &mut Vec<(usize, char)>,
        out: &mut Vec<RefToken<'a>>,
    ) {
        out.clear();
        let mut sentence_start = true;
        chars.clear();
        chars.extend(line.char_indices());
        let mut i = 0;
        while i < chars.len() {
            let (start, c) = chars[i];
            if crate::normalize::is_spaceless_char(c) {
                let mut j = i;
                while j < chars.len() && crate::normalize::is_spaceless_char(chars[j].1) {
                    j += 1;
                }
                let end = chars.get(j).map_or(line.len(), |x| x.0);
                out.push(RefToken {
                    text: &line[start..end],
                    sentence_start: false,
                });
                i = j;
                continue;
            }
            if !is_word_char(c) {
                if matches!(c, '.' | '!' | '?' | ':' | '"' | '\u{201C}') {
                    sentence_start = true;
                }
                i += 1;
                continue;
            }
            let mut j = i + 1;
            while j < chars.len() {
                let c = chars[j].1;
                if is_word_char(c) {
                    j += 1;
                    continue;
                }
                let joins = matches!(c, '-' | '\'' | '\u{2019}')
                    || (matches!(c, ',' | '.') && chars[j - 1].1.is_ascii_digit());
                let next_ok = chars.get(j + 1).is_some_and(|n| {
                    if matches!(c, ',' | '.') {
                        n.1.is_ascii_digit()
                    } else {
                        is_word_char(n.1)
                    }
                });
                if joins && next_ok {
                    j += 2;
                } else {
                    break;
                }
            }
            let end = chars.get(j).map_or(line.len(), |x| x.0);
            out.push(RefToken {
                text: &line[start..end],
                sentence_start,
            });
            sentence_start = false;
            i = j;
        }
    }

    /// The stop words in a general hash map, as before [`HashSet64`].
    fn stopword_map() -> &'static HashMap<u64, ()> {
        static MAP: OnceLock<HashMap<u64, ()>> = OnceLock::new();
        MAP.get_or_init(|| stopword_list().map(|w| (term_hash(w), ())).collect())
    }

    #[test]
    fn stopword_set_matches_a_hash_map() {
        let map = stopword_map();
        let set = stopwords();
        assert!(map.len() > 100);
        for &h in map.keys() {
            assert!(set.contains(h));
        }
        for w in ["kestrel", "harbour", "2800", "mombasa", "", "x"] {
            assert_eq!(
                set.contains(term_hash(w)),
                map.contains_key(&term_hash(w)),
                "{w}"
            );
        }
        for h in (0..100_000u64).map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15)) {
            assert_eq!(set.contains(h), map.contains_key(&h));
        }
        let zero = HashSet64::new([0u64, 5].into_iter());
        assert!(zero.contains(0) && zero.contains(5) && !zero.contains(6));
    }

    /// A token of the reference tokenizer: its text and whether it starts a sentence.
    struct RefToken<'a> {
        text: &'a str,
        sentence_start: bool,
    }

    type TokenView = (String, bool, bool, bool, bool, bool, bool);

    /// The fast tokenizer's tokens with every fact it records.
    fn view(t: &[Token]) -> Vec<TokenView> {
        t.iter()
            .map(|x| {
                (
                    String::from_utf8(x.text.to_vec()).expect("whole characters"),
                    x.sentence_start,
                    x.ascii,
                    x.digit,
                    x.plain,
                    x.spaceless,
                    x.upper,
                )
            })
            .collect()
    }

    /// The reference tokens that can give a term (a spaceless run, a digit, or three bytes
    /// and more: what [`tokenize_line`] keeps) with the same facts computed from their text.
    fn view_reference(t: &[RefToken]) -> Vec<TokenView> {
        t.iter()
            .filter(|x| {
                let first = x.text.chars().next().unwrap_or(' ');
                crate::normalize::is_spaceless_char(first)
                    || x.text.bytes().any(|b| b.is_ascii_digit())
                    || x.text.len() >= 3
            })
            .map(|x| {
                let first = x.text.chars().next().unwrap_or(' ');
                (
                    x.text.to_string(),
                    x.sentence_start,
                    x.text.is_ascii(),
                    x.text.bytes().any(|b| b.is_ascii_digit()),
                    x.text
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
                    crate::normalize::is_spaceless_char(first),
                    first.is_uppercase(),
                )
            })
            .collect()
    }

    /// Tokens starting with a letter and with an upper-case character, of all reference tokens
    /// (the title-case counts [`tokenize_line`] returns).
    fn counts_reference(t: &[RefToken]) -> (usize, usize) {
        let first = |x: &RefToken| x.text.chars().next().unwrap_or(' ');
        (
            t.iter().filter(|x| first(x).is_alphabetic()).count(),
            t.iter().filter(|x| first(x).is_uppercase()).count(),
        )
    }

    /// The previous term loop, on the reference tokenizer: the specification of
    /// [`for_each_term`].
    fn for_each_term_reference(text: &str, mut f: impl FnMut(&str, u64, u8)) {
        let mut norm = String::new();
        let (mut chars, mut tokens) = (Vec::new(), Vec::new());
        for line in text.lines() {
            tokenize_line_reference(line, &mut chars, &mut tokens);
            let words = tokens
                .iter()
                .filter(|t| t.text.chars().next().is_some_and(char::is_alphabetic))
                .count();
            let caps = tokens
                .iter()
                .filter(|t| t.text.chars().next().is_some_and(char::is_uppercase))
                .count();
            let title_case = words >= 3 && caps * 10 > words * 6;
            for t in &tokens {
                let first = t.text.chars().next().unwrap_or(' ');
                if crate::normalize::is_spaceless_char(first) {
                    spaceless_bigrams(t.text, &mut f);
                    continue;
                }
                let has_digit = t.text.bytes().any(|b| b.is_ascii_digit());
                if !has_digit && t.text.len() < 3 {
                    continue;
                }
                lower_term(t.text, has_digit, &mut norm);
                if let Some(s) = norm
                    .strip_suffix("'s")
                    .or_else(|| norm.strip_suffix("\u{2019}s"))
                {
                    let n = s.len();
                    norm.truncate(n);
                }
                let term = trim_to_alphanumeric(&norm);
                let chars = term.chars().take(3).count();
                let mut kind = 0;
                let hash = term_hash(term);
                if has_digit {
                    if chars < 2 {
                        continue;
                    }
                    kind |= NUMBER;
                    let b = term.as_bytes();
                    if b.len() == 4
                        && b.iter().all(u8::is_ascii_digit)
                        && (b.starts_with(b"19") || b.starts_with(b"20"))
                    {
                        kind |= YEAR;
                    }
                } else if chars < 3 || stopword_map().contains_key(&hash) {
                    continue;
                }
                if first.is_uppercase() && !t.sentence_start && !title_case {
                    kind |= NAME;
                }
                f(term, hash, kind);
            }
        }
    }

    /// A term loop: calls the callback with (term, hash, kind) of every occurrence.
    type TermLoop = fn(&str, &mut dyn FnMut(&str, u64, u8));

    fn all_terms(text: &str, each: TermLoop) -> Vec<(String, u64, u8)> {
        let mut v = Vec::new();
        each(text, &mut |t, h, k| v.push((t.to_string(), h, k)));
        v
    }

    fn fast_terms(text: &str) -> Vec<(String, u64, u8)> {
        all_terms(text, |t, f| for_each_term(t, f))
    }

    fn reference_terms(text: &str) -> Vec<(String, u64, u8)> {
        all_terms(text, |t, f| for_each_term_reference(t, f))
    }

    /// Pieces of text that exercise the term loop: cases, possessives, numbers, stop words,
    /// headlines, sentence ends, spaceless scripts, non-ASCII letters and line breaks.
    const PIECES: &[&str] = &[
        "the",
        "The",
        "Kestrel",
        "KESTREL",
        "harbour",
        "station's",
        "Okonkwo-Lindqvist",
        "’s",
        "'s",
        "2,800",
        "240.5",
        "1999",
        "2020",
        "7",
        "a",
        "of",
        "and",
        " ",
        " ",
        " ",
        ". ",
        "! ",
        ": ",
        "\"",
        "\u{201C}",
        ",",
        "-",
        "'",
        "\n",
        "\r\n",
        "Émile",
        "İstanbul",
        "straße",
        "ΣΟΦΙΑ",
        "缆车开通",
        "ก",
        "٣٤",
        "x\u{0301}y",
        "Ünal's",
        "rock'n'roll",
        "3.5m",
        "U.S.",
    ];

    proptest::proptest! {
        #[test]
        fn term_loop_matches_its_reference(
            picks in proptest::collection::vec(0..PIECES.len(), 0..80)
        ) {
            let text: String = picks.iter().map(|&k| PIECES[k]).collect();
            proptest::prop_assert_eq!(fast_terms(&text), reference_terms(&text));
        }

        #[test]
        fn term_loop_matches_on_any_text(text in "\\PC{0,120}") {
            proptest::prop_assert_eq!(fast_terms(&text), reference_terms(&text));
        }

        #[test]
        fn one_pass_terms_match_the_token_list_loop(
            picks in proptest::collection::vec(0..PIECES.len(), 0..200)
        ) {
            let text: String = picks.iter().map(|&k| PIECES[k]).collect();
            proptest::prop_assert_eq!(one_pass_terms(&text), fast_terms(&text));
            proptest::prop_assert_eq!(one_pass_terms(&text), reference_terms(&text));
        }

        #[test]
        fn one_pass_terms_match_on_any_text(text in "\\PC{0,200}") {
            proptest::prop_assert_eq!(one_pass_terms(&text), fast_terms(&text));
            proptest::prop_assert_eq!(one_pass_terms(&text), reference_terms(&text));
        }

        #[test]
        fn one_pass_terms_match_on_headlines_and_lines(
            picks in proptest::collection::vec(0..HEADLINE_PIECES.len(), 0..120)
        ) {
            // Title-case lines next to sentences, blank lines and lines without terms: the
            // provisional name marks are settled per line.
            let text: String = picks.iter().map(|&k| HEADLINE_PIECES[k]).collect();
            proptest::prop_assert_eq!(one_pass_terms(&text), fast_terms(&text));
            proptest::prop_assert_eq!(one_pass_terms(&text), reference_terms(&text));
            let seq: Vec<(u64, u8)> =
                fast_terms(&text).into_iter().map(|(_, h, k)| (h, k)).collect();
            proptest::prop_assert_eq!(term_sequence(&text), seq);
        }
    }

    /// Pieces that make title-case lines, lines with names, empty lines and lines of
    /// punctuation only.
    const HEADLINE_PIECES: &[&str] = &[
        "Kestrel ",
        "Harbour ",
        "Bridge ",
        "Opens ",
        "the ",
        "And ",
        "mayor ",
        "Émile ",
        "2,800 ",
        "缆车开通 ",
        ". ",
        "\u{201C}",
        "\n",
        "\r\n",
        "\n\n",
        "-- ",
        "İstanbul's ",
    ];

    /// Characters that exercise every branch of the tokenizer.
    const TRICKY: &[char] = &[
        'a', 'B', '7', '0', ' ', '.', ',', '-', '\'', '\u{2019}', '!', '?', ':', '"', '\u{201C}',
        'é', 'Ü', '中', '文', 'ก', '\u{0301}', '٣', '\u{00A0}',
    ];

    proptest::proptest! {
        #[test]
        fn byte_tokenizer_matches_the_character_tokenizer(
            picks in proptest::collection::vec(0..TRICKY.len(), 0..60)
        ) {
            let line: String = picks.iter().map(|&k| TRICKY[k]).collect();
            let mut fast = Vec::new();
            let counts = tokenize_line(&line, &mut fast);
            let (mut chars, mut slow) = (Vec::new(), Vec::new());
            tokenize_line_reference(&line, &mut chars, &mut slow);
            proptest::prop_assert_eq!(counts, counts_reference(&slow));
            proptest::prop_assert_eq!(view(&fast), view_reference(&slow));
        }

        #[test]
        fn byte_tokenizer_matches_on_any_text(line in "\\PC{0,80}") {
            let mut fast = Vec::new();
            let counts = tokenize_line(&line, &mut fast);
            let (mut chars, mut slow) = (Vec::new(), Vec::new());
            tokenize_line_reference(&line, &mut chars, &mut slow);
            proptest::prop_assert_eq!(counts, counts_reference(&slow));
            proptest::prop_assert_eq!(view(&fast), view_reference(&slow));
        }
    }

    /// The previous [`doc_terms`] (a term sequence, its repeats, a map of counts): the
    /// specification of the dense-id version.
    fn doc_terms_reference(text: &str) -> Vec<Term> {
        let seq: Vec<(u64, u8)> = reference_terms(text)
            .into_iter()
            .map(|(_, h, k)| (h, k))
            .collect();
        let repeated = stutter_reference(&seq);
        let mut counts = TermCounts::default();
        for (position, ((hash, kind), r)) in seq.iter().zip(&repeated).enumerate() {
            if !r {
                counts.add(*hash, *kind, position as f32);
            }
        }
        counts.into_terms()
    }

    #[test]
    fn a_huge_text_gives_the_same_terms_and_its_buffers_are_not_kept() {
        let huge: String = (0..150_000).map(|i| format!("kx{i} ")).collect();
        assert_eq!(doc_terms(&huge), doc_terms_reference(&huge));
        let small = "Kestrel opens harbour bridge. The mayor cut the ribbon.";
        assert_eq!(doc_terms(small), doc_terms_reference(small));
    }

    /// The previous sort of [`Scratch::doc_terms`], the reference of [`sorted_terms`]: an
    /// unsorted list sorted in place by a counting pass on the hashes' top bits, then by
    /// insertion within buckets (the comparison sort when a bucket is crowded).
    fn sort_by_hash(terms: &mut Vec<Term>, buckets: &mut Vec<u32>) {
        /// Below this, or with a bucket this full, the comparison sort is used.
        const SMALL: usize = 32;
        let n = terms.len();
        if n < SMALL {
            terms.sort_unstable_by_key(|t| t.hash);
            return;
        }
        let bits = n.next_power_of_two().trailing_zeros();
        let shift = 64 - bits;
        buckets.clear();
        buckets.resize((1usize << bits) + 1, 0);
        for t in terms.iter() {
            buckets[(t.hash >> shift) as usize + 1] += 1;
        }
        if buckets.iter().any(|&c| c as usize > SMALL) {
            terms.sort_unstable_by_key(|t| t.hash);
            return;
        }
        for b in 1..buckets.len() {
            buckets[b] += buckets[b - 1];
        }
        let mut sorted = vec![
            Term {
                hash: 0,
                tf: 0.0,
                kind: 0
            };
            n
        ];
        for t in terms.iter() {
            let slot = &mut buckets[(t.hash >> shift) as usize];
            sorted[*slot as usize] = t.clone();
            *slot += 1;
        }
        // Insertion sort: only terms of one bucket are out of order.
        for i in 1..n {
            let mut j = i;
            while j > 0 && sorted[j - 1].hash > sorted[j].hash {
                sorted.swap(j - 1, j);
                j -= 1;
            }
        }
        *terms = sorted;
    }

    proptest::proptest! {
        #[test]
        fn id_table_numbers_terms_in_order_of_first_occurrence(
            docs in proptest::collection::vec(
                proptest::collection::vec(0u64..3000, 0..1500), 1..5),
            wrap in proptest::bool::ANY
        ) {
            let mut table = IdTable::default();
            if wrap {
                // Entries stamped 1, then the stamp runs up to wrap around past them.
                table.clear();
                table.id(7 << 40, 0);
                table.epoch = u32::MAX - 1;
            }
            for doc in docs {
                table.clear();
                let mut expected: HashMap<u64, u32> = HashMap::new();
                for h in doc {
                    // Low bits alike: long probe runs.
                    let h = h << 40 | (h & 3);
                    let next = expected.len() as u32;
                    let want = *expected.entry(h).or_insert(next);
                    proptest::prop_assert_eq!(table.id(h, next), want);
                }
            }
        }

        #[test]
        fn bucket_sort_sorts_by_hash_like_its_reference(
            hashes in proptest::collection::hash_set(proptest::num::u64::ANY, 0..2000),
            crowd in 0u32..4
        ) {
            // `crowd` squeezes the hashes into few buckets (the comparison-sort fallback).
            let mut terms: Vec<Term> = hashes
                .iter()
                .map(|&h| Term { hash: h >> (crowd * 20), tf: h as f32, kind: h as u8 })
                .collect();
            terms.sort_by_key(|t| t.hash);
            terms.dedup_by_key(|t| t.hash);
            let mut expected = terms.clone();
            expected.sort_unstable_by_key(|t| t.hash);
            terms.reverse();
            let hashes: Vec<u64> = terms.iter().map(|t| t.hash).collect();
            let counts: Vec<(f32, u8)> = terms.iter().map(|t| (t.tf, t.kind)).collect();
            let direct = sorted_terms(&hashes, &counts, &mut Vec::new());
            proptest::prop_assert_eq!(direct.capacity(), direct.len());
            sort_by_hash(&mut terms, &mut Vec::new());
            proptest::prop_assert_eq!(&terms, &expected);
            proptest::prop_assert_eq!(direct, expected);
        }

        #[test]
        fn doc_terms_match_their_reference(
            picks in proptest::collection::vec(0..PIECES.len(), 0..200)
        ) {
            let text: String = picks.iter().map(|&k| PIECES[k]).collect();
            proptest::prop_assert_eq!(doc_terms(&text), doc_terms_reference(&text));
        }

        #[test]
        fn doc_terms_match_with_repeats(
            picks in proptest::collection::vec(0usize..6, 0..300)
        ) {
            // Six words: back-to-back runs are frequent.
            const WORDS: [&str; 6] =
                ["Kestrel ", "harbour ", "bridge. ", "2,800 ", "mayor ", "ribbon\n"];
            let text: String = picks.iter().map(|&k| WORDS[k]).collect();
            proptest::prop_assert_eq!(doc_terms(&text), doc_terms_reference(&text));
        }
    }

    /// The first implementation of [`stutter`], the specification it is tested against.
    fn stutter_reference(seq: &[(u64, u8)]) -> Vec<bool> {
        let n = seq.len();
        let mut out = vec![false; n];
        let mut i = 0;
        while i < n {
            let hit = (STUTTER_MIN..=STUTTER_MAX)
                .filter(|&l| l <= i && i + l <= n)
                .find(|&l| {
                    seq[i - l].0 == seq[i].0 && (0..l).all(|k| seq[i - l + k].0 == seq[i + k].0)
                });
            match hit {
                Some(l) => {
                    out[i..i + l].fill(true);
                    i += l;
                }
                None => i += 1,
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn stutter_matches_its_reference(
            picks in proptest::collection::vec(0u64..4, 0..120)
        ) {
            // Four distinct terms: runs repeat often.
            let seq: Vec<(u64, u8)> = picks.iter().map(|&h| (h, 0)).collect();
            proptest::prop_assert_eq!(stutter(&seq), stutter_reference(&seq));
        }
    }
}
