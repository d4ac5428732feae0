//! One pass that cuts a document into blocks (non-empty lines), sentences and word tokens, all
//! as byte ranges into the original text, so later passes never copy or allocate per token.

use super::lexicon::{word_hash, Lexicon, WordHasher, Zipf10};

/// A word token: a run of letters/digits with inner apostrophes or hyphens.
#[derive(Debug, Clone, Copy)]
pub struct Tok {
    pub start: u32,
    pub end: u32,
    /// Index of the sentence holding the token.
    pub sent: u32,
    /// Hash of the lower-case form (see [`word_hash`]).
    pub hash: u64,
    pub zipf: Zipf10,
    /// Google Books level of the lower-case form (log10 count x 10; 0 = not listed), for the
    /// word-pair check (bigrams.rs).
    pub level: u8,
    pub flags: u8,
}

pub const CAP: u8 = 1; // first char upper-case
pub const INITIAL: u8 = 2; // first token of its sentence
pub const ALPHA: u8 = 4; // letters (and inner ' or -) only
pub const LOWER: u8 = 8; // all letters lower-case
pub const CHARS_ASCII: u8 = 16; // ASCII only
pub const JOINED: u8 = 32; // has an inner apostrophe or hyphen

impl Tok {
    pub fn text<'a>(&self, doc: &'a str) -> &'a str {
        &doc[self.start as usize..self.end as usize]
    }
    pub fn is(&self, f: u8) -> bool {
        self.flags & f != 0
    }
    /// Length in bytes.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Sentence {
    pub start: u32,
    pub end: u32,
    pub block: u32,
    pub tok_start: u32,
    pub tok_end: u32,
}

impl Sentence {
    pub fn text<'a>(&self, doc: &'a str) -> &'a str {
        &doc[self.start as usize..self.end as usize]
    }
    pub fn n_toks(&self) -> usize {
        (self.tok_end - self.tok_start) as usize
    }
}

/// A non-empty line (a paragraph in the blank-line-separated layout of news text).
#[derive(Debug, Clone, Copy)]
pub struct Block {
    pub start: u32,
    pub end: u32,
    pub sent_start: u32,
    pub sent_end: u32,
}

impl Block {
    pub fn text<'a>(&self, doc: &'a str) -> &'a str {
        &doc[self.start as usize..self.end as usize]
    }
}

#[derive(Debug, Default)]
pub struct Segmented {
    pub blocks: Vec<Block>,
    pub sents: Vec<Sentence>,
    pub toks: Vec<Tok>,
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»')
}

fn is_opener(c: char) -> bool {
    matches!(c, '"' | '\'' | '“' | '‘' | '(' | '[' | '«')
}

/// Cuts `text` into blocks, sentences and tokens. Texts over 4 GiB are cut at 4 GiB (offsets are
/// 32-bit); callers bound their input long before that.
pub fn segment(text: &str, lex: &Lexicon, out: &mut Segmented) {
    out.blocks.clear();
    out.sents.clear();
    out.toks.clear();
    let text = &text[..super::floor_char_boundary(text, u32::MAX as usize)];
    let bytes = text.as_bytes();
    let mut buf = String::new();
    let mut pos = 0usize;
    while pos < bytes.len() {
        let line_end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |k| pos + k + 1);
        let line = &text[pos..line_end];
        let ls = pos;
        pos = line_end;
        let trimmed_start = line.len() - line.trim_start().len();
        let body = line.trim();
        if body.is_empty() {
            continue;
        }
        let bstart = ls + trimmed_start;
        let bend = bstart + body.len();
        let sent_start = out.sents.len() as u32;
        split_block(
            text,
            bstart,
            bend,
            out.blocks.len() as u32,
            lex,
            out,
            &mut buf,
        );
        out.blocks.push(Block {
            start: bstart as u32,
            end: bend as u32,
            sent_start,
            sent_end: out.sents.len() as u32,
        });
    }
}

/// The character at byte `i` of `s` (a char boundary) and its length.
#[inline(always)]
fn char_at(s: &str, i: usize) -> (char, usize) {
    let b = s.as_bytes()[i];
    if b < 0x80 {
        (b as char, 1)
    } else {
        let c = s[i..].chars().next().unwrap_or('\u{FFFD}');
        (c, c.len_utf8())
    }
}

#[inline(always)]
fn word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }
}

/// One pass over a block: sentence boundaries and word tokens together. Tokens never straddle a
/// boundary (a boundary follows a sentence mark, which ends any token).
fn split_block(
    text: &str,
    start: usize,
    end: usize,
    block: u32,
    lex: &Lexicon,
    out: &mut Segmented,
    buf: &mut String,
) {
    let s = &text[start..end];
    let n = s.len();
    let mut sent_from = 0usize;
    let mut last_word_start: Option<usize> = None;
    let mut prev_word = false;
    let mut tok_from: Option<usize> = None;
    let mut first = true;
    let mut i = 0usize;
    let bytes = s.as_bytes();
    while i < n {
        // Fast path: a token of ASCII letters and digits (with inner ' or -) is classified,
        // lower-cased and hashed in one loop over its bytes.
        if tok_from.is_none() && bytes[i].is_ascii_alphanumeric() {
            if let Some((j, run_start)) =
                ascii_token(bytes, i, start, out.sents.len() as u32, first, lex, out)
            {
                first = false;
                last_word_start = Some(run_start);
                prev_word = true;
                i = j;
                // Most tokens are followed by a space: skip it (and any other plain bytes) here,
                // as the plain-byte branch below would, without another round of this loop.
                while i < n && BYTE_CLASS[bytes[i] as usize] == B_PLAIN {
                    prev_word = false;
                    i += 1;
                }
                continue;
            }
        }
        if tok_from.is_none() && BYTE_CLASS[bytes[i] as usize] == B_PLAIN {
            // Space, comma and the like: nothing to do but end the word run.
            prev_word = false;
            i += 1;
            continue;
        }
        let (c, len) = char_at(s, i);
        let is_word = word_char(c);
        if is_word {
            if !prev_word {
                last_word_start = Some(i);
            }
            prev_word = true;
            if tok_from.is_none() {
                tok_from = Some(i);
            }
            i += len;
            continue;
        }
        prev_word = false;
        // An inner apostrophe or hyphen joins two runs of word characters.
        if matches!(c, '\'' | '’' | '-') && tok_from.is_some() && i + len < n {
            let (d, _) = char_at(s, i + len);
            if word_char(d) {
                i += len;
                continue;
            }
        }
        if let Some(f) = tok_from.take() {
            push_tok(
                text,
                start + f,
                start + i,
                out.sents.len() as u32,
                first,
                lex,
                out,
                buf,
            );
            first = false;
        }
        if !matches!(c, '.' | '!' | '?') {
            i += len;
            continue;
        }
        // The word just before the mark decides abbreviations and initials.
        let word = last_word_start.map(|w| &s[w..i]).unwrap_or("");
        // Consume further marks and closers: `?!`, `."`, `.)`.
        let mut j = i + len;
        while j < n {
            let (d, dl) = char_at(s, j);
            if matches!(d, '.' | '!' | '?') || is_closer(d) {
                j += dl;
            } else {
                break;
            }
        }
        let rest = &s[j..];
        let after_ws = rest.trim_start();
        let had_space = after_ws.len() < rest.len();
        let next = after_ws.chars().next();
        let boundary = match next {
            None => true,
            Some(nc) if had_space => {
                (nc.is_uppercase() || nc.is_ascii_digit() || is_opener(nc))
                    && !(c == '.'
                        && (lex.is_abbreviation(word)
                            || (word.chars().count() == 1 && word.chars().all(char::is_uppercase))))
            }
            // "information.To": a missing space after a period also ends a sentence.
            Some(nc) => {
                c == '.'
                    && nc.is_uppercase()
                    && word.chars().count() >= 2
                    && word.chars().all(char::is_lowercase)
                    && after_ws.chars().nth(1).is_some_and(char::is_lowercase)
            }
        };
        if boundary {
            if finish_sentence(text, start + sent_from, start + j, block, out) {
                first = true;
            }
            sent_from = j + (rest.len() - after_ws.len());
        }
        i = j;
    }
    if let Some(f) = tok_from {
        push_tok(
            text,
            start + f,
            end,
            out.sents.len() as u32,
            first,
            lex,
            out,
            buf,
        );
    }
    if sent_from < n {
        finish_sentence(text, start + sent_from, end, block, out);
    }
}

/// Scans and pushes the token starting at `bytes[i]` (an ASCII letter or digit) when it is
/// pure ASCII; returns its end and the start of its last run of letters and digits (after its
/// last inner joiner). `None` (nothing pushed) when it holds a non-ASCII character, which the
/// general path handles.
#[inline]
fn ascii_token(
    bytes: &[u8],
    i: usize,
    base: usize,
    sent: u32,
    first: bool,
    lex: &Lexicon,
    out: &mut Segmented,
) -> Option<(usize, usize)> {
    let n = bytes.len();
    let mut j = i;
    let mut run_start = i;
    let mut seen = 0u8;
    let mut joined = false;
    loop {
        // A run of ASCII letters and digits, classified by one table look-up per byte.
        while j < n {
            let k = BYTE_CLASS[bytes[j] as usize];
            if k & B_ALNUM == 0 {
                break;
            }
            seen |= k;
            j += 1;
        }
        if j >= n {
            break;
        }
        let c = bytes[j];
        if c >= 0x80 {
            return None;
        }
        if (c == b'\'' || c == b'-') && j + 1 < n {
            let d = bytes[j + 1];
            if d >= 0x80 {
                return None;
            }
            if BYTE_CLASS[d as usize] & B_ALNUM != 0 {
                joined = true;
                j += 1;
                run_start = j;
                continue;
            }
        }
        break;
    }
    let mut flags = CHARS_ASCII;
    if first {
        flags |= INITIAL;
    }
    if bytes[i].is_ascii_uppercase() {
        flags |= CAP;
    }
    if seen & B_UPPER == 0 {
        flags |= LOWER;
    }
    if joined {
        flags |= JOINED;
    }
    let hash = hash_ascii_lower(bytes, i, j);
    let (zipf, level) = if seen & B_DIGIT != 0 {
        (0, 0)
    } else {
        flags |= ALPHA;
        lex.zipf_level(hash)
    };
    out.toks.push(Tok {
        start: (base + i) as u32,
        end: (base + j) as u32,
        sent,
        hash,
        zipf,
        level,
        flags,
    });
    Some((j, run_start))
}

const B_ALNUM: u8 = 1;
const B_UPPER: u8 = 2;
const B_DIGIT: u8 = 4;
/// ASCII, not a letter or digit, not a sentence mark and not a joiner: ends a token and
/// otherwise means nothing to the splitter.
const B_PLAIN: u8 = 8;

/// Byte classes for the tokenizer's ASCII fast paths.
const BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        t[c] = if b.is_ascii_uppercase() {
            B_ALNUM | B_UPPER
        } else if b.is_ascii_lowercase() {
            B_ALNUM
        } else if b.is_ascii_digit() {
            B_ALNUM | B_DIGIT
        } else if matches!(b, b'.' | b'!' | b'?' | b'\'' | b'-') {
            0
        } else {
            B_PLAIN
        };
        c += 1;
    }
    t
};

/// [`WordHasher`] over the ASCII token `bytes[from..to]`, each byte `| 0x20` (lower-cases
/// letters and leaves digits, ' and - unchanged), eight bytes at a time.
#[inline(always)]
pub(crate) fn hash_ascii_lower(bytes: &[u8], from: usize, to: usize) -> u64 {
    const LOW: u64 = 0x2020_2020_2020_2020;
    let load = |k: usize| -> u64 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&bytes[k..k + 8]);
        u64::from_le_bytes(w)
    };
    let mut h = WordHasher::new();
    let mut k = from;
    while k + 8 <= to {
        h.push_word(load(k) | LOW);
        k += 8;
    }
    let r = to - k;
    let tail = if r == 0 {
        0
    } else if k + 8 <= bytes.len() {
        // Eight bytes are readable: keep the token's `r` of them.
        let keep = u64::MAX >> (8 * (8 - r));
        (load(k) | LOW) & keep
    } else {
        let mut w = 0u64;
        for (n, &c) in bytes[k..to].iter().enumerate() {
            w |= u64::from(c | 0x20) << (8 * n);
        }
        w
    };
    h.finish_with(tail, to - from)
}

/// Records the sentence `start..end` over the tokens pushed since the previous one, unless it
/// is blank. Returns whether it was recorded.
fn finish_sentence(text: &str, start: usize, end: usize, block: u32, out: &mut Segmented) -> bool {
    if text[start..end].trim().is_empty() {
        return false;
    }
    // Blank sentences hold no tokens, so this one's start where the previous one's end.
    let tok_start = out.sents.last().map_or(0, |p| p.tok_end);
    out.sents.push(Sentence {
        start: start as u32,
        end: end as u32,
        block,
        tok_start,
        tok_end: out.toks.len() as u32,
    });
    true
}

#[allow(clippy::too_many_arguments)]
fn push_tok(
    text: &str,
    start: usize,
    end: usize,
    sent: u32,
    first: bool,
    lex: &Lexicon,
    out: &mut Segmented,
    buf: &mut String,
) {
    let w = &text[start..end];
    let mut flags = if first { INITIAL } else { 0 };
    let hash;
    let alpha;
    {
        let mut is_alpha = true;
        let mut lower = true;
        for (k, c) in w.chars().enumerate() {
            if k == 0 && c.is_uppercase() {
                flags |= CAP;
            }
            if c.is_uppercase() {
                lower = false;
            }
            if !(c.is_alphabetic() || matches!(c, '\'' | '’' | '-')) {
                is_alpha = false;
            }
        }
        if lower {
            flags |= LOWER;
        }
        if w.is_ascii() {
            flags |= CHARS_ASCII;
        }
        if w.contains(['\'', '’', '-']) {
            flags |= JOINED;
        }
        alpha = is_alpha;
        hash = word_hash(w, buf);
    }
    if alpha {
        flags |= ALPHA;
    }
    let (zipf, level) = if alpha { lex.zipf_level(hash) } else { (0, 0) };
    out.toks.push(Tok {
        start: start as u32,
        end: end as u32,
        sent,
        hash,
        zipf,
        level,
        flags,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(t: &str) -> Vec<String> {
        let mut s = Segmented::default();
        segment(t, Lexicon::en(), &mut s);
        s.sents.iter().map(|x| x.text(t).to_string()).collect()
    }

    /// `split_block` skips the plain bytes after an ASCII token inside the token's round. That
    /// is what the next rounds would do only because a plain byte is never a letter or digit
    /// (which would start a token) and `tok_from` is empty after the ASCII-token branch.
    #[test]
    fn a_plain_byte_never_starts_a_token() {
        for b in 0..=255u8 {
            if BYTE_CLASS[b as usize] == B_PLAIN {
                assert!(b.is_ascii() && !b.is_ascii_alphanumeric(), "byte {b}");
                assert!(!matches!(b, b'.' | b'!' | b'?' | b'\'' | b'-'), "byte {b}");
            }
        }
    }

    #[test]
    fn splits_sentences_but_not_abbreviations() {
        assert_eq!(
            sents("Mr. Smith went to St. Ives. He met J. Doe! \"Fine,\" he said."),
            vec![
                "Mr. Smith went to St. Ives.",
                "He met J. Doe!",
                "\"Fine,\" he said."
            ]
        );
    }

    #[test]
    fn a_missing_space_after_a_period_ends_a_sentence() {
        assert_eq!(
            sents("Found guilty of using information.To manipulate prices. Visit bbc.co.uk now."),
            vec![
                "Found guilty of using information.",
                "To manipulate prices.",
                "Visit bbc.co.uk now."
            ]
        );
    }

    #[test]
    fn chunked_hash_equals_the_word_hash() {
        for w in [
            "",
            "a",
            "Ab",
            "don't",
            "ABCDEFG",
            "abcdefgh",
            "Okonkwo-Lindqvist's",
            "x1-2y",
            "abcdefghijklmnopq",
        ] {
            let lower = w.to_ascii_lowercase();
            // Also inside a longer buffer, where the tail is read eight bytes at once.
            let padded = format!("{w} and more text");
            assert_eq!(
                hash_ascii_lower(padded.as_bytes(), 0, w.len()),
                super::super::lexicon::hash_word(lower.as_bytes()),
                "{w}"
            );
            assert_eq!(
                hash_ascii_lower(w.as_bytes(), 0, w.len()),
                super::super::lexicon::hash_word(lower.as_bytes()),
                "{w}"
            );
        }
    }

    #[test]
    fn tokens_keep_inner_apostrophes_and_hyphens() {
        let t = "Okonkwo-Lindqvist's plan isn't new.";
        let mut s = Segmented::default();
        segment(t, Lexicon::en(), &mut s);
        let words: Vec<_> = s.toks.iter().map(|k| k.text(t)).collect();
        assert_eq!(words, vec!["Okonkwo-Lindqvist's", "plan", "isn't", "new"]);
        assert!(s.toks[0].is(CAP) && s.toks[0].is(INITIAL));
    }
}
