//! One pass that cuts a document into blocks (non-empty lines), sentences and word tokens, all
//! as byte ranges into the original text, so later passes never copy or allocate per token.

use super::lexicon::{word_hash, Lexicon, Zipf10};

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

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Cuts `text` into blocks, sentences and tokens. Texts over 4 GiB are cut at 4 GiB (offsets are
/// 32-bit); callers bound their input long before that.
pub fn segment(text: &str, lex: &Lexicon, out: &mut Segmented) {
    out.blocks.clear();
    out.sents.clear();
    out.toks.clear();
    let text = &text[..super::floor_char_boundary(text, u32::MAX as usize)];
    let mut buf = String::new();
    let mut line_start = 0usize;
    for line in text.split_inclusive('\n') {
        let ls = line_start;
        line_start += line.len();
        let trimmed_start = line.len() - line.trim_start().len();
        let body = line.trim();
        if body.is_empty() {
            continue;
        }
        let bstart = ls + trimmed_start;
        let bend = bstart + body.len();
        let sent_start = out.sents.len() as u32;
        split_sentences(
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

fn split_sentences(
    text: &str,
    start: usize,
    end: usize,
    block: u32,
    lex: &Lexicon,
    out: &mut Segmented,
    buf: &mut String,
) {
    let s = &text[start..end];
    let mut sent_from = 0usize;
    let mut iter = s.char_indices().peekable();
    let mut last_word_start: Option<usize> = None;
    let mut prev_char = ' ';
    while let Some((i, c)) = iter.next() {
        if is_word_char(c) && !is_word_char(prev_char) {
            last_word_start = Some(i);
        }
        prev_char = c;
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        // The word just before the mark decides abbreviations and initials.
        let word = last_word_start.map(|w| &s[w..i]).unwrap_or("");
        // Consume further marks and closers: `?!`, `."`, `.)`.
        let mut j = i + c.len_utf8();
        while let Some(&(k, d)) = iter.peek() {
            if matches!(d, '.' | '!' | '?') || is_closer(d) {
                j = k + d.len_utf8();
                iter.next();
                prev_char = d;
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
            Some(n) if had_space => {
                (n.is_uppercase() || n.is_ascii_digit() || is_opener(n))
                    && !(c == '.'
                        && (lex.is_abbreviation(word)
                            || (word.chars().count() == 1 && word.chars().all(char::is_uppercase))))
            }
            // "information.To": a missing space after a period also ends a sentence.
            Some(n) => {
                c == '.'
                    && n.is_uppercase()
                    && word.chars().count() >= 2
                    && word.chars().all(char::is_lowercase)
                    && after_ws.chars().nth(1).is_some_and(char::is_lowercase)
            }
        };
        if boundary {
            push_sentence(text, start + sent_from, start + j, block, lex, out, buf);
            sent_from = j + (rest.len() - after_ws.len());
        }
    }
    if sent_from < s.len() {
        push_sentence(text, start + sent_from, end, block, lex, out, buf);
    }
}

fn push_sentence(
    text: &str,
    start: usize,
    end: usize,
    block: u32,
    lex: &Lexicon,
    out: &mut Segmented,
    buf: &mut String,
) {
    let s = &text[start..end];
    if s.trim().is_empty() {
        return;
    }
    let sent = out.sents.len() as u32;
    let tok_start = out.toks.len() as u32;
    let mut tok_from: Option<usize> = None;
    let mut chars = s.char_indices().peekable();
    let mut first = true;
    while let Some((i, c)) = chars.next() {
        let inner_joiner = matches!(c, '\'' | '’' | '-')
            && tok_from.is_some()
            && chars.peek().is_some_and(|&(_, d)| is_word_char(d));
        if is_word_char(c) || inner_joiner {
            if tok_from.is_none() {
                tok_from = Some(i);
            }
            continue;
        }
        if let Some(f) = tok_from.take() {
            push_tok(text, start + f, start + i, sent, first, lex, out, buf);
            first = false;
        }
    }
    if let Some(f) = tok_from {
        push_tok(text, start + f, end, sent, first, lex, out, buf);
    }
    out.sents.push(Sentence {
        start: start as u32,
        end: end as u32,
        block,
        tok_start,
        tok_end: out.toks.len() as u32,
    });
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
    let b = w.as_bytes();
    let hash;
    let alpha;
    if b.is_ascii() && b.len() <= 64 {
        // Fast path: one pass over the bytes for the flags and the lower-case hash.
        let mut tmp = [0u8; 64];
        let (mut is_alpha, mut lower, mut joined) = (true, true, false);
        for (t, &c) in tmp.iter_mut().zip(b) {
            if c.is_ascii_uppercase() {
                lower = false;
            } else if c == b'\'' || c == b'-' {
                joined = true;
            } else if !c.is_ascii_lowercase() {
                is_alpha = false;
            }
            *t = c.to_ascii_lowercase();
        }
        if b.first().is_some_and(u8::is_ascii_uppercase) {
            flags |= CAP;
        }
        flags |= CHARS_ASCII;
        if lower {
            flags |= LOWER;
        }
        if joined {
            flags |= JOINED;
        }
        alpha = is_alpha;
        hash = xxhash_rust::xxh3::xxh3_64(&tmp[..b.len()]);
    } else {
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
    let zipf = if alpha { lex.zipf(hash) } else { 0 };
    out.toks.push(Tok {
        start: start as u32,
        end: end as u32,
        sent,
        hash,
        zipf,
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
    fn tokens_keep_inner_apostrophes_and_hyphens() {
        let t = "Okonkwo-Lindqvist's plan isn't new.";
        let mut s = Segmented::default();
        segment(t, Lexicon::en(), &mut s);
        let words: Vec<_> = s.toks.iter().map(|k| k.text(t)).collect();
        assert_eq!(words, vec!["Okonkwo-Lindqvist's", "plan", "isn't", "new"]);
        assert!(s.toks[0].is(CAP) && s.toks[0].is(INITIAL));
    }
}
