//! Garble cues: the traces that bad machine translation, spinning and careless scraping leave in
//! otherwise fluent text, counted per sentence so that one broken sentence in a clean article is
//! visible instead of averaged away.
//!
//! | cue | what it counts |
//! |---|---|
//! | `fragments` | sentences of at most 3 words inside a paragraph ("Congress approved. In 2011."), sentences ending on a function word ("... shooting the. Film"), subordinate clauses standing alone ("Because of the case.") |
//! | `punct_debris` | a space before `,` or `.` ("demonstration , design"), a doubled period ("MPs.."), a missing space after a period ("information.To") |
//! | `broken_paragraphs` | a paragraph that starts in lower case or with `,` (a sentence broken across a paragraph break), or that follows a paragraph ending on a function word without punctuation ("... between" / "Number ...") |
//! | `doubled_words` | the same word twice in a row ("the the"), except the legitimate "had had", "that that", "is is", "on on", "in in" |
//! | `placeholder_sentences` | placeholder or test text ("Lorem ipsum", "Quick example of an extraction task") |
//! | `isolated_sentences` | a body sentence with at least 8 content words, none of which occur anywhere else in the article: a stray sentence from another text |
//! | `oov_words` | lower-case words unknown to the shipped English lexicon (garbled, invented or untranslated words), typos left out |
//! | `lower_case_sentences` | a sentence that starts in lower case after a full stop inside a paragraph ("... watch manufactory. the occasion of ..."; English): a sentence broken in two, or a stray full stop |
//! | `typos` | lower-case unknown words one edit (a letter inserted, dropped, changed, or two swapped) from a common English word with the same first letter ("governemnt", "aditionally"): a slip of the keyboard that leaves the word readable, counted apart from `oov_words` so it can cost less |
//! | `repeated_lines` | a paragraph of at least 4 words repeating an earlier one verbatim (a doubled headline or paragraph left by the scraper) |
//! | `repeated_conjuncts` | the same word on both sides of "and" / "or" ("greed and greed"; English, idioms such as "time and time again" left out; conjuncts.rs) |
//! | `repeated_phrases` | the same three content words twice within one sentence ("Boko Haram insurgents have been attacked by Boko Haram insurgents"; English, machine translation's over-translation; phrases.rs) |
//! | `tokenizer_debris` | a double quote mark with white space on both sides (`" In order to ... population, " he said`), SentencePiece's `▁` or a zero-width space (English): a machine translation pipeline's tokenization that was never undone |
//! | `article_mismatches` | "a" before a vowel letter or "an" before a consonant letter in the body ("an solid", "a award"; English, exceptions in `data/article_exceptions.txt`): left where a word was swapped for another or an article dropped or moved |
//!
//! Fluency: each word costs its surprisal under the shipped unigram model, `8 - Zipf`
//! (unknown words cost 8, "the" costs 0.3); a sentence's fluency is its mean cost, and the
//! worst sentences are reported.

use super::lexicon::{hash_word, Counter, Lexicon};
use super::text::{Segmented, Tok, ALPHA, CAP, CHARS_ASCII, INITIAL, JOINED, LOWER};
use std::sync::OnceLock;
use xxhash_rust::xxh3::xxh3_64;

pub const CUE_NAMES: [&str; N_CUES] = [
    "fragment",
    "punct_debris",
    "broken_paragraph",
    "doubled_word",
    "placeholder",
    "isolated",
    "oov_word",
    "mangled_name",
    "repeated_line",
    "article_mismatch",
    "repeated_conjunct",
    "typo",
    "lower_case_sentence",
    "repeated_phrase",
    "tokenizer_debris",
];

/// Number of garble cues.
pub const N_CUES: usize = 15;

pub const FRAGMENT: usize = 0;
pub const PUNCT: usize = 1;
pub const BROKEN: usize = 2;
pub const DOUBLED: usize = 3;
pub const PLACEHOLDER: usize = 4;
pub const ISOLATED: usize = 5;
pub const OOV: usize = 6;
pub const MANGLED: usize = 7;
pub const REPEATED: usize = 8;
pub const ARTICLE: usize = 9;
pub const REPEATED_CONJUNCT: usize = 10;
pub const TYPO: usize = 11;
pub const LOWER_START: usize = 12;
pub const REPEATED_PHRASE: usize = 13;
pub const TOKENIZER_DEBRIS: usize = 14;

/// At most this many typos are kept as evidence per document.
pub const MAX_TYPO_EVIDENCE: usize = 10;

/// Exceptions to the a/an vowel-letter rule ("a university", "an hour").
const ARTICLE_EXCEPTIONS: &str = include_str!("data/article_exceptions.txt");

/// Counts of each cue in a document, and per-sentence tallies.
#[derive(Debug, Default)]
pub struct Cues {
    pub counts: [u32; N_CUES],
    /// Per sentence: cue bit mask and number of cue events.
    pub sent_mask: Vec<u16>,
    pub sent_events: Vec<u16>,
    /// Per sentence: mean surprisal of its words (0 when it has none).
    pub sent_fluency: Vec<f32>,
    pub mean_surprisal: f64,
    pub scored_words: usize,
    /// Mean surprisal of the known lower-case words (names and unknown words left out): the
    /// lexical richness that machine translation loses (Vanmassenhove et al. 2019).
    pub richness: f64,
    pub richness_words: usize,
    /// The first typos found (`MAX_TYPO_EVIDENCE` at most): (as written, the common word
    /// it is one edit from).
    pub typos: Vec<(String, &'static str)>,
}

impl Cues {
    pub fn add(&mut self, sent: usize, cue: usize, n: u32) {
        if n == 0 {
            return;
        }
        self.counts[cue] += n;
        if let Some(m) = self.sent_mask.get_mut(sent) {
            *m |= 1 << cue;
        }
        if let Some(e) = self.sent_events.get_mut(sent) {
            *e = e.saturating_add(n as u16);
        }
    }
}

/// Reused buffers.
#[derive(Default)]
pub struct Scratch {
    content: Counter,
    lines: Counter,
    /// Per token: 1 + the counter slot of a content word's stem, 0 for other words.
    stems: Vec<u64>,
}

fn is_terminal(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | '"' | '”' | '’' | '\'' | ')' | ':' | '…' | ';'
    )
}

/// Hash of a content word's lower-case form without a plural `s`, so "station" and
/// "stations" meet. ASCII only; other words use their plain hash. The reference for
/// [`stem_hash_of`].
#[cfg(test)]
fn stem_hash(w: &str, plain: u64) -> u64 {
    let b = w.as_bytes();
    if b.len() > 64 || !w.is_ascii() {
        return plain;
    }
    let mut tmp = [0u8; 64];
    for (t, c) in tmp.iter_mut().zip(b) {
        *t = c.to_ascii_lowercase();
    }
    let mut n = b.len();
    if n > 4 && tmp[n - 1] == b's' && tmp[n - 2] != b's' {
        n -= 1;
    }
    hash_word(&tmp[..n])
}

/// [`stem_hash`] of the content token `t` of the text `bytes`: its own hash (already the
/// lower-case form's) unless a plural `s` is dropped, and then the remaining bytes hashed in
/// place, with no lower-cased copy.
fn stem_hash_of(bytes: &[u8], t: &Tok) -> u64 {
    let (start, end) = (t.start as usize, t.end as usize);
    let n = end - start;
    if n > 64 || !t.is(CHARS_ASCII) || n <= 4 {
        return t.hash;
    }
    // Letters, `'` and `-` only (content words are alphabetic), so `| 0x20` lower-cases.
    if bytes[end - 1] | 0x20 == b's' && bytes[end - 2] | 0x20 != b's' {
        super::text::hash_ascii_lower(bytes, start, end - 1)
    } else {
        t.hash
    }
}

/// Computes every cue of a segmented document. `english` enables the lexicon-based cues.
pub fn find_cues(
    text: &str,
    seg: &Segmented,
    lex: &Lexicon,
    english: bool,
    scratch: &mut Scratch,
) -> Cues {
    let n_sents = seg.sents.len();
    let mut cues = Cues {
        sent_mask: vec![0; n_sents],
        sent_events: vec![0; n_sents],
        sent_fluency: vec![0.0; n_sents],
        ..Default::default()
    };
    punctuation_debris(text, seg, &mut cues);
    broken_paragraphs(text, seg, lex, &mut cues);
    fragments_and_doubles(text, seg, lex, english, &mut cues);
    placeholders(text, seg, lex, &mut cues);
    repeated_lines(text, seg, &mut scratch.lines, &mut cues);
    if english {
        isolated_sentences(text, seg, scratch, &mut cues);
        super::conjuncts::repeated_conjuncts(text, seg, lex, &mut cues);
        super::phrases::repeated_phrases(seg, &mut cues);
        lower_case_sentences(text, seg, lex, &mut cues);
        tokenizer_debris(text, seg, &mut cues);
        fluency(text, seg, lex, &mut cues);
    }
    cues
}

/// Sentence index holding byte offset `at` (sentences are sorted by start).
fn sentence_at(seg: &Segmented, at: usize) -> usize {
    seg.sents
        .partition_point(|s| (s.start as usize) <= at)
        .saturating_sub(1)
}

fn punctuation_debris(text: &str, seg: &Segmented, cues: &mut Cues) {
    let b = text.as_bytes();
    for i in memchr::memchr2_iter(b',', b'.', b) {
        let c = b[i];
        // " ," / " ." after a word: "demonstration , design", "said ." (not " :" or " ;",
        // which French typography writes on purpose).
        if i >= 2 && b[i - 1] == b' ' && b[i - 2].is_ascii_alphanumeric() {
            let next = b.get(i + 1).copied().unwrap_or(b' ');
            // " .5" or " .com" are not debris; an ellipsis " ..." neither.
            if matches!(next, b' ' | b'\n' | b'"' | b'\'' | b'.' | b',')
                && !(c == b'.' && next == b'.' && b.get(i + 2) == Some(&b'.'))
            {
                cues.add(sentence_at(seg, i), PUNCT, 1);
            }
        }
        if c == b'.' {
            // Exactly two periods: "MPs.."
            if i >= 2
                && b[i - 1] == b'.'
                && b[i - 2] != b'.'
                && b.get(i + 1) != Some(&b'.')
                && b[i - 2].is_ascii_alphanumeric()
            {
                cues.add(sentence_at(seg, i), PUNCT, 1);
            }
            // "information.To": two lower-case letters, a period, upper then lower.
            if i >= 2
                && b[i - 1].is_ascii_lowercase()
                && b[i - 2].is_ascii_lowercase()
                && b.get(i + 1).is_some_and(u8::is_ascii_uppercase)
                && b.get(i + 2).is_some_and(u8::is_ascii_lowercase)
            {
                cues.add(sentence_at(seg, i + 1), PUNCT, 1);
            }
        }
    }
}

/// Lower-case words that end with a period inside a sentence ("incl. tax", "approx. ten"),
/// besides the listed abbreviations.
const LOWER_ABBREVIATIONS: [&str; 14] = [
    "incl", "esp", "dept", "govt", "vol", "misc", "min", "max", "approx", "etc", "est", "viz",
    "resp", "fig",
];

/// "manufactory. the occasion": a word of at least three lower-case letters, a full stop, one
/// space and a word of at least two lower-case letters (English). Careful writing starts every
/// sentence with a capital, so this is a sentence broken in two or a stray full stop (weak
/// machine translation ends a sentence where the source had none). Abbreviations are left
/// out ("etc. and", "approx. ten").
fn lower_case_sentences(text: &str, seg: &Segmented, lex: &Lexicon, cues: &mut Cues) {
    let b = text.as_bytes();
    for i in memchr::memchr_iter(b'.', b) {
        if b.get(i + 1) != Some(&b' ') {
            continue;
        }
        // The word after: at least two lower-case letters, then no letter or digit.
        let after = &b[i + 2..];
        let n_after = after.iter().take_while(|c| c.is_ascii_lowercase()).count();
        if n_after < 2
            || after
                .get(n_after)
                .is_some_and(|&c| c.is_ascii_alphanumeric() || c >= 0x80)
        {
            continue;
        }
        // The word before: at least three lower-case letters, starting a word.
        let n_before = b[..i]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_lowercase())
            .count();
        if n_before < 3 {
            continue;
        }
        let start = i - n_before;
        if start > 0 && (b[start - 1].is_ascii_alphanumeric() || b[start - 1] >= 0x80) {
            continue;
        }
        let word = &text[start..i];
        if LOWER_ABBREVIATIONS.contains(&word) || lex.is_abbreviation(word) {
            continue;
        }
        cues.add(sentence_at(seg, i + 2), LOWER_START, 1);
    }
}

/// Tokenizer debris (English): what a machine translation pipeline's tokenization leaves when
/// it is not undone.
///
/// - A double quote mark (`"`, `“`, `”`, `„`) with white space (or the start of the text)
///   before it and white space after it: `" In order to avoid further spread, we have to take
///   this step, " explained the administrator`. The Moses tokenizer splits punctuation off
///   words, and a pipeline that does not detokenize the quote marks again leaves them standing
///   alone; careful writing attaches a quote mark to its first or last word. wmt21-dev-docs:
///   15.7% of the de-en machine translations (11 of its 19 systems; ICL and SMU in 76 of their
///   84 chunks), 4.5% of cs-en, 0.3% of ha-en, 2 of the 420 human translations; 1.1% of clean
///   BBC documents (their own spacing slips: `world. " England's`). English only: French
///   typography spaces its quote marks on purpose.
/// - SentencePiece's word-boundary mark `▁` (U+2581; Kudo & Richardson 2018) left in the
///   output (`from ▁ Rubewa`: one ha-en system, 26 outputs) and the zero-width space U+200B
///   (`values \u{200b}\u{200b}for`, copied from the source: 23 outputs of three systems). In
///   none of the human translations and none of the garble set's documents.
fn tokenizer_debris(text: &str, seg: &Segmented, cues: &mut Cues) {
    let b = text.as_bytes();
    for i in memchr::memchr2_iter(b'"', 0xE2, b) {
        // The quote mark's byte length: `"`, or `“` / `”` / `„` (E2 80 9C..9E).
        let len = match (b[i], b.get(i + 1), b.get(i + 2)) {
            (b'"', _, _) => 1,
            (_, Some(0x80), Some(0x9C..=0x9E)) => 3,
            // `▁` (E2 96 81) and the zero-width space (E2 80 8B) are debris wherever they are.
            (_, Some(0x96), Some(0x81)) | (_, Some(0x80), Some(0x8B)) => {
                cues.add(sentence_at(seg, i), TOKENIZER_DEBRIS, 1);
                continue;
            }
            _ => continue,
        };
        let before = i == 0 || b[i - 1].is_ascii_whitespace();
        let after = b.get(i + len).is_some_and(u8::is_ascii_whitespace);
        if before && after {
            cues.add(sentence_at(seg, i), TOKENIZER_DEBRIS, 1);
        }
    }
}

/// Whether `article` ("a" or "an", lower case) fits before the lower-case word `next` by the
/// vowel-letter rule or one of its listed exceptions.
fn article_fits(article: &[u8], next: &[u8]) -> bool {
    let vowel = matches!(next.first(), Some(b'a' | b'e' | b'i' | b'o' | b'u'));
    if vowel == (article.len() == 2) {
        return true;
    }
    // (article, word beginning), parsed once.
    static EXCEPTIONS: OnceLock<Vec<(&'static [u8], &'static [u8])>> = OnceLock::new();
    EXCEPTIONS
        .get_or_init(|| {
            ARTICLE_EXCEPTIONS
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| l.split_once(' '))
                .map(|(a, prefix)| (a.as_bytes(), prefix.as_bytes()))
                .collect()
        })
        .iter()
        .any(|&(a, prefix)| a == article && next.starts_with(prefix))
}

/// Whether `t` is "a" / "an" followed (one space apart) by `n`, a lower-case ASCII word that
/// takes the other article. A capitalised "A" / "An" counts only as the first word of its
/// sentence ("Plan A is" is not an article). Checked in the body's word-pair loop
/// ([`fragments_and_doubles`]), so headlines are not checked.
fn article_mismatch(text: &str, t: &Tok, n: &Tok) -> bool {
    let b = text.as_bytes();
    const WORD: u8 = ALPHA | LOWER | CHARS_ASCII;
    let len = t.len();
    if len > 2 || n.start != t.end + 1 || n.flags & WORD != WORD || n.is(CAP) {
        return false;
    }
    let mut art = [0u8; 2];
    for (d, &c) in art.iter_mut().zip(&b[t.start as usize..t.end as usize]) {
        *d = c | 0x20;
    }
    let art = &art[..len];
    let capital = b[t.start as usize].is_ascii_uppercase();
    if !(art == b"a" || art == b"an")
        || (capital && !t.is(INITIAL))
        || (len == 2 && b[t.start as usize + 1].is_ascii_uppercase())
        || b[t.end as usize] != b' '
    {
        return false;
    }
    !article_fits(art, &b[n.start as usize..n.end as usize])
}

/// Paragraphs of at least 4 words that repeat an earlier paragraph verbatim. Clean articles
/// do not say the same paragraph twice; scrapers double headlines and paragraphs.
fn repeated_lines(text: &str, seg: &Segmented, lines: &mut Counter, cues: &mut Cues) {
    lines.reset(seg.blocks.len());
    for blk in &seg.blocks {
        let n_toks: usize = seg.sents[blk.sent_start as usize..blk.sent_end as usize]
            .iter()
            .map(|s| s.n_toks())
            .sum();
        if n_toks < 4 {
            continue;
        }
        if lines.inc(xxh3_64(blk.text(text).as_bytes())) > 1 {
            cues.add(blk.sent_start as usize, REPEATED, 1);
        }
    }
}

fn broken_paragraphs(text: &str, seg: &Segmented, lex: &Lexicon, cues: &mut Cues) {
    // The first block is the headline; it may start or end anyhow.
    for (k, blk) in seg.blocks.iter().enumerate().skip(1) {
        let t = blk.text(text);
        let first = t.chars().next().unwrap_or(' ');
        let starts_broken = first.is_lowercase() || matches!(first, ',' | ';');
        let prev_broken = k >= 2 && {
            let pb = seg.blocks[k - 1];
            let p = pb.text(text);
            let last = p.chars().next_back().unwrap_or('.');
            let last_tok = seg
                .sents
                .get((pb.sent_end as usize).wrapping_sub(1))
                .filter(|_| pb.sent_end > pb.sent_start)
                .and_then(|s| seg.toks[s.tok_start as usize..s.tok_end as usize].last());
            // A body paragraph that stops on a function word ("... between" / "Number ..."):
            // titles and list items rarely do.
            !is_terminal(last)
                && last.is_lowercase()
                && last_tok.is_some_and(|t| {
                    t.end as usize == pb.end as usize && lex.is_function_word(t.hash)
                })
                && !p.starts_with(['-', '*', '•', '·', '–'])
        };
        if starts_broken || prev_broken {
            cues.add(blk.sent_start as usize, BROKEN, 1);
        }
    }
}

fn fragments_and_doubles(
    text: &str,
    seg: &Segmented,
    lex: &Lexicon,
    english: bool,
    cues: &mut Cues,
) {
    // Tokens carry the hash of their lower-case form: "a" / "A" and "an" / "An" / "AN".
    let (hash_a, hash_an) = (hash_word(b"a"), hash_word(b"an"));
    for blk in seg.blocks.iter().skip(1) {
        let sents = &seg.sents[blk.sent_start as usize..blk.sent_end as usize];
        let multi = sents.len() >= 2;
        for (k, s) in sents.iter().enumerate() {
            let si = blk.sent_start as usize + k;
            let toks = &seg.toks[s.tok_start as usize..s.tok_end as usize];
            let st = s.text(text).trim_end();
            let question = st.trim_end_matches(is_closer_char).ends_with('?');
            let ends_period = st.trim_end_matches(is_closer_char).ends_with('.');
            if multi && !toks.is_empty() && toks.len() <= 3 && !question {
                cues.add(si, FRAGMENT, 1);
            } else if english && ends_period && toks.len() >= 2 {
                let last = toks[toks.len() - 1];
                let tail = &text[last.end as usize..s.end as usize];
                if tail.trim_end_matches(is_closer_char) == "." && lex.is_fragment_ending(last.hash)
                {
                    cues.add(si, FRAGMENT, 1);
                }
            }
            if english
                && !question
                && toks.len() >= 2
                && lex.is_subordinator(toks[0].hash)
                && !st.contains(',')
                && toks[0].is(CAP)
            {
                cues.add(si, FRAGMENT, 1);
            }
            if english {
                for w in toks.windows(2) {
                    if (w[0].hash == hash_a || w[0].hash == hash_an)
                        && article_mismatch(text, &w[0], &w[1])
                    {
                        cues.add(si, ARTICLE, 1);
                    }
                    if w[0].hash == w[1].hash
                        && w[0].is(ALPHA)
                        && text[w[0].end as usize..w[1].start as usize]
                            .bytes()
                            .all(|b| b == b' ')
                        && !matches!(
                            w[0].text(text).to_ascii_lowercase().as_str(),
                            "had" | "that" | "is" | "on" | "in"
                        )
                    {
                        cues.add(si, DOUBLED, 1);
                    }
                }
            }
        }
    }
}

fn is_closer_char(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»')
}

fn placeholders(text: &str, seg: &Segmented, lex: &Lexicon, cues: &mut Cues) {
    let b = text.as_bytes();
    let Some(ac) = lex.placeholders() else {
        return;
    };
    // Long sentences that merely mention "an example of a" are prose, not placeholders, so
    // only short sentences are searched (no phrase holds a sentence mark, so a match never
    // crosses into the next sentence).
    for (si, s) in seg.sents.iter().enumerate() {
        if s.n_toks() > 12 {
            continue;
        }
        let (from, to) = (s.start as usize, s.end as usize);
        for m in ac.find_iter(&text[from..to]) {
            let (ms, me) = (from + m.start(), from + m.end());
            let before_ok = ms == 0 || !b[ms - 1].is_ascii_alphanumeric();
            let after_ok = b.get(me).is_none_or_not_alnum();
            if before_ok && after_ok {
                cues.add(si, PLACEHOLDER, 1);
                break;
            }
        }
    }
}

trait NotAlnum {
    fn is_none_or_not_alnum(&self) -> bool;
}

impl NotAlnum for Option<&u8> {
    fn is_none_or_not_alnum(&self) -> bool {
        match self {
            None => true,
            Some(c) => !c.is_ascii_alphanumeric(),
        }
    }
}

/// Content words: alphabetic, at least 4 bytes, not among the most frequent English words.
fn is_content(t: &super::text::Tok) -> bool {
    t.is(ALPHA) && t.len() >= 4 && t.zipf < 50
}

fn isolated_sentences(text: &str, seg: &Segmented, scratch: &mut Scratch, cues: &mut Cues) {
    let Scratch { content, stems, .. } = scratch;
    content.reset(seg.toks.len());
    stems.clear();
    let bytes = text.as_bytes();
    // Per token: 1 + the counter slot of a content word's stem (equal slots, equal stems),
    // 0 for other words; so the sentence pass reads counts without hashing again.
    stems.extend(seg.toks.iter().map(|t| {
        if is_content(t) {
            // Only a final `s` changes the hash (`t.hash` is the lower-case form's).
            let h = if bytes[t.end as usize - 1] | 0x20 == b's' {
                stem_hash_of(bytes, t)
            } else {
                t.hash
            }
            .max(1);
            content.inc_slot(h) as u64 + 1
        } else {
            0
        }
    }));
    for blk in seg.blocks.iter().skip(1) {
        // Stray sentences are inserted after another sentence of a body paragraph.
        for si in blk.sent_start as usize + 1..blk.sent_end as usize {
            let s = &seg.sents[si];
            let sent = &stems[s.tok_start as usize..s.tok_end as usize];
            let n_content = sent.iter().filter(|&&h| h != 0).count();
            // Stray sentences are ordinary sentences; the in-sentence count below is quadratic,
            // so run-on "sentences" (scraped tables, unpunctuated dumps) are skipped.
            if !(8..=200).contains(&n_content) {
                continue;
            }
            // A word the document uses once is used only here, so its uses in the sentence
            // need counting only when the document has more.
            let shared = sent.iter().any(|&h| {
                h != 0 && {
                    let in_doc = content.count_at(h as usize - 1);
                    in_doc > 1 && in_doc > sent.iter().filter(|&&x| x == h).count() as u32
                }
            });
            if !shared {
                cues.add(si, ISOLATED, 1);
            }
        }
    }
}

/// A word's surprisal, `(80 - Zipf x10) / 10` (Zipf capped at 8), for each Zipf x10 up to 80:
/// one load per word instead of a conversion and a division, with the same `f32` values.
fn surprisal_table() -> &'static [f32; 81] {
    static TABLE: OnceLock<[f32; 81]> = OnceLock::new();
    TABLE.get_or_init(|| std::array::from_fn(|z| (80.0 - f32::from(z as u8)) / 10.0))
}

fn fluency(text: &str, seg: &Segmented, lex: &Lexicon, cues: &mut Cues) {
    let surprisal = surprisal_table();
    let mut total = 0.0f64;
    let mut n = 0usize;
    let (mut rich_total, mut rich_n) = (0u64, 0usize);
    for (si, s) in seg.sents.iter().enumerate() {
        let mut st = 0.0f32;
        let mut sn = 0u32;
        let (mut oov, mut typos) = (0u32, 0u32);
        for t in &seg.toks[s.tok_start as usize..s.tok_end as usize] {
            if !t.is(ALPHA) || t.is(JOINED) {
                continue;
            }
            let cost = surprisal[usize::from(t.zipf.min(80))];
            if t.zipf > 0 && t.is(LOWER) {
                rich_total += u64::from(80 - t.zipf.min(80));
                rich_n += 1;
            }
            st += cost;
            sn += 1;
            if t.zipf == 0
                && t.is(LOWER)
                && t.is(CHARS_ASCII)
                && t.len() >= 3
                && !t.is(CAP)
                && !t.is(INITIAL)
            {
                let word = t.text(text);
                match lex.typo_of(word) {
                    Some(likely) => {
                        typos += 1;
                        if cues.typos.len() < MAX_TYPO_EVIDENCE {
                            cues.typos.push((word.to_string(), likely));
                        }
                    }
                    None => oov += 1,
                }
            }
        }
        if sn > 0 {
            cues.sent_fluency[si] = st / sn as f32;
            total += f64::from(st);
            n += sn as usize;
        }
        cues.add(si, OOV, oov);
        cues.add(si, TYPO, typos);
    }
    cues.mean_surprisal = if n == 0 { 0.0 } else { total / n as f64 };
    cues.scored_words = n;
    cues.richness = if rich_n == 0 {
        0.0
    } else {
        rich_total as f64 / 10.0 / rich_n as f64
    };
    cues.richness_words = rich_n;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cues of `body`, below a headline (headlines are not checked).
    fn cues_of(body: &str) -> Cues {
        let lex = Lexicon::en();
        let mut seg = Segmented::default();
        let t = format!("Match report\n\n{body}");
        super::super::text::segment(&t, lex, &mut seg);
        find_cues(&t, &seg, lex, true, &mut Scratch::default())
    }

    /// Article mismatches in `body`.
    fn mismatches(body: &str) -> u32 {
        cues_of(body).counts[ARTICLE]
    }

    /// The previous [`isolated_sentences`] (stem hashes per token, counts probed again in
    /// the sentence pass), kept as the reference.
    fn isolated_sentences_reference(text: &str, seg: &Segmented, cues: &mut Cues) {
        let mut content = Counter::default();
        let mut stems: Vec<u64> = Vec::new();
        content.reset(seg.toks.len());
        for t in &seg.toks {
            if is_content(t) {
                let w = t.text(text);
                let h = if w.ends_with(['s', 'S']) {
                    stem_hash(w, t.hash)
                } else {
                    t.hash
                }
                .max(1);
                content.inc(h);
                stems.push(h);
            } else {
                stems.push(0);
            }
        }
        for blk in seg.blocks.iter().skip(1) {
            for si in blk.sent_start as usize + 1..blk.sent_end as usize {
                let s = &seg.sents[si];
                let sent = &stems[s.tok_start as usize..s.tok_end as usize];
                let n_content = sent.iter().filter(|&&h| h != 0).count();
                if !(8..=200).contains(&n_content) {
                    continue;
                }
                let shared = sent.iter().any(|&h| {
                    h != 0 && {
                        let in_doc = content.get(h);
                        in_doc > 1 && in_doc > sent.iter().filter(|&&x| x == h).count() as u32
                    }
                });
                if !shared {
                    cues.add(si, ISOLATED, 1);
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn isolated_sentences_equals_the_reference(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "station", "stations", "Stations", "harbour", "ferry", "council",
                    "planning", "minister", "budget", "budgets", "the", "and", "naïve",
                    "glass", "Glass", "across", "river", "rivers", "vote", "NEWS", "Process",
                    "ferry's", "co-ops", "Reuters", "naïves", "visas", "VISAS",
                ]),
                0..300,
            ),
            marks in proptest::collection::vec(0u8..12, 0..300),
        ) {
            let mut t = String::from("Headline here\n\n");
            for (k, w) in words.iter().enumerate() {
                t.push_str(w);
                t.push_str(match marks.get(k).copied().unwrap_or(0) {
                    0 => ". ",
                    1 => "\n\n",
                    _ => " ",
                });
            }
            let lex = Lexicon::en();
            let mut seg = Segmented::default();
            super::super::text::segment(&t, lex, &mut seg);
            let n = seg.sents.len();
            let fresh = || Cues {
                sent_mask: vec![0; n],
                sent_events: vec![0; n],
                sent_fluency: vec![0.0; n],
                ..Default::default()
            };
            let (mut a, mut b) = (fresh(), fresh());
            isolated_sentences(&t, &seg, &mut Scratch::default(), &mut a);
            isolated_sentences_reference(&t, &seg, &mut b);
            proptest::prop_assert_eq!(a.counts, b.counts);
            proptest::prop_assert_eq!(a.sent_mask, b.sent_mask);
        }
    }

    #[test]
    fn the_surprisal_table_holds_the_computed_costs() {
        for z in 0..=u8::MAX {
            let computed = (80.0 - f32::from(z.min(80))) / 10.0;
            assert_eq!(
                surprisal_table()[usize::from(z.min(80))].to_bits(),
                computed.to_bits()
            );
        }
    }

    #[test]
    fn article_before_the_wrong_sound_is_a_mismatch() {
        assert_eq!(
            mismatches("It was an solid result and a award for the team."),
            2
        );
        assert_eq!(mismatches("An game was lost."), 1);
    }

    #[test]
    fn articles_that_fit_are_not_mismatches() {
        for t in [
            "It was a solid result and an award for the team.",
            "He joined a university and a European club for a one-off fee.",
            "They waited an hour for an historic vote and a useful answer.",
            "Plan A is the best, said the head of Group A.",
            "An MP and a US firm signed a deal.",
        ] {
            assert_eq!(mismatches(t), 0, "{t}");
        }
    }

    fn typos_and_oov(body: &str) -> (u32, u32, Vec<(String, &'static str)>) {
        let cues = cues_of(body);
        (cues.counts[TYPO], cues.counts[OOV], cues.typos)
    }

    #[test]
    fn a_misspelled_common_word_is_a_typo() {
        let (typos, oov, found) = typos_and_oov(
            "The governemnt said the plan would aditionally need the budget to be agreed.",
        );
        assert_eq!((typos, oov), (2, 0));
        assert_eq!(
            found,
            vec![
                ("governemnt".to_string(), "government"),
                ("aditionally".to_string(), "additionally")
            ]
        );
    }

    #[test]
    fn garbled_and_untranslated_words_are_not_typos() {
        // Not one edit from a common word, or one edit from a word with another first
        // letter ("wuzirci", "autoposers", "xovernment"): unknown words, not typos.
        let (typos, oov, found) = typos_and_oov(
            "The autoposers met the wuzirci near the xovernment building on the main road today.",
        );
        assert_eq!(typos, 0, "{found:?}");
        assert_eq!(oov, 3);
        let (typos, oov, _) =
            typos_and_oov("The government said the plan would go ahead although it was late.");
        assert_eq!((typos, oov), (0, 0));
    }

    fn lower_starts(body: &str) -> u32 {
        cues_of(body).counts[LOWER_START]
    }

    #[test]
    fn a_sentence_starting_in_lower_case_is_counted() {
        assert_eq!(
            lower_starts(
                "He bought a watch from the manufactory. the occasion was his birthday. \
                 The party said they had written to the secretary. the party failed."
            ),
            2
        );
    }

    #[test]
    fn abbreviations_and_capitals_are_not_lower_case_sentences() {
        for t in [
            "He bought apples, pears etc. and went home. Then he slept.",
            "The fee is approx. ten pounds, incl. tax, says the manager.",
            "It starts at 10 p.m. on Friday. The team is ready.",
            "She left the room. He stayed on. iPhone sales rose.",
        ] {
            assert_eq!(lower_starts(t), 0, "{t}");
        }
    }

    fn spaced(body: &str) -> u32 {
        cues_of(body).counts[TOKENIZER_DEBRIS]
    }

    #[test]
    fn a_quote_mark_standing_alone_is_counted() {
        assert_eq!(
            spaced(
                "The office announced it on Saturday.\n\" In order to avoid further spread, we \
                 have to take this step, \" explained the administrator. He said „ yes “ twice."
            ),
            4
        );
    }

    #[test]
    fn subword_marks_and_zero_width_spaces_are_counted() {
        assert_eq!(
            spaced("Some foods are said to prevent them from \u{2581} Rubewa, doctors say."),
            1
        );
        assert_eq!(
            spaced("There are no values \u{200b}\u{200b}for the years before, he said."),
            2
        );
    }

    #[test]
    fn attached_quote_marks_are_not_spaced_quotes() {
        for t in [
            "\"In order to avoid further spread, we have to act,\" explained the administrator.",
            "He said “yes” and left. The “Neue Zeitung” reported it on Saturday.",
            "The board is 6\" wide and the shelf 12\".",
        ] {
            assert_eq!(spaced(t), 0, "{t}");
        }
    }
}
