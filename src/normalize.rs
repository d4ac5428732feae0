//! Normalize stage: turns text into the token stream that every fingerprint is computed from.
//!
//! Matching is blind to what users do not consider a difference: Unicode compatibility forms
//! (NFKC: full-width letters, ligatures), letter case, whitespace, and punctuation (straight
//! versus curly quotes, dashes, a dropped comma). A token is a maximal run of letters and digits;
//! in scripts written without spaces (Chinese, Japanese, Thai, ...) every character is a token,
//! so those texts get character shingles instead of collapsing into one giant "word".

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};
use xxhash_rust::xxh3::xxh3_64;

/// The token hashes of a text, and whether it is mostly written without spaces.
#[derive(Debug, Default, Clone)]
pub struct Tokens {
    pub hashes: Vec<u64>,
    /// Tokens that are single characters of a script written without spaces.
    pub spaceless: usize,
}

impl Tokens {
    /// True when most tokens come from scripts written without spaces.
    pub fn is_spaceless(&self) -> bool {
        self.spaceless * 2 > self.hashes.len()
    }
}

/// Scripts whose words are not separated by spaces: each character is its own token.
pub fn is_spaceless_char(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF     // Thai, Lao
        | 0x1000..=0x109F   // Myanmar
        | 0x1780..=0x17FF   // Khmer
        | 0x3040..=0x30FF   // Hiragana, Katakana
        | 0x3400..=0x4DBF   // CJK extension A
        | 0x4E00..=0x9FFF   // CJK unified ideographs
        | 0xF900..=0xFAFF   // CJK compatibility ideographs
        | 0x20000..=0x2FA1F // CJK extensions B-F
    )
}

/// Tokenizes `text` into `out` (cleared first), hashing each lowercased token with XXH3-64.
/// Tokens are those of the text's NFKC form. ASCII bytes are handled on a fast path; a run of
/// other characters is NFKC-normalized on its own only when it is not already normalized (an
/// ellipsis, a no-break space, full-width digits), so one such character no longer sends the
/// whole text down the slow path.
pub fn tokenize(text: &str, out: &mut Tokens) {
    out.hashes.clear();
    out.spaceless = 0;
    let bytes = text.as_bytes();
    let mut word: Vec<u8> = Vec::with_capacity(64);
    let mut normalized = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            let lower = ASCII_WORD[b as usize];
            if lower != 0 {
                word.push(lower);
            } else {
                flush(&mut word, out);
            }
            i += 1;
            continue;
        }
        // `text[i..end]`: a run of non-ASCII characters (ASCII bytes never occur inside a
        // multi-byte character, so `end` is a character boundary).
        let end = bytes[i..]
            .iter()
            .position(u8::is_ascii)
            .map_or(bytes.len(), |k| i + k);
        let run = &text[i..end];
        if is_nfkc_quick(run.chars()) == IsNormalized::Yes {
            run.chars().for_each(|c| push_char(c, &mut word, out));
        } else if i > 0
            && run
                .chars()
                .next()
                .is_some_and(|c| canonical_combining_class(c) != 0)
        {
            // A combining mark right after an ASCII letter may compose with it ("e" + U+0301):
            // the run is not a normalization segment of its own.
            out.hashes.clear();
            out.spaceless = 0;
            tokenize_chars(text.nfkc(), out);
            return;
        } else {
            // Every ASCII character is a starter that composes with nothing before it, so the
            // NFKC form of the text is the concatenation of the forms of these segments.
            normalized.clear();
            normalized.extend(run.nfkc());
            normalized
                .chars()
                .for_each(|c| push_char(c, &mut word, out));
        }
        i = end;
    }
    flush(&mut word, out);
}

/// For each byte: its lowercase form when it is an ASCII letter or digit, else 0.
static ASCII_WORD: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            t[b] = c.to_ascii_lowercase();
        }
        b += 1;
    }
    t
};

/// Ends the current word, if any.
fn flush(word: &mut Vec<u8>, out: &mut Tokens) {
    if !word.is_empty() {
        out.hashes.push(xxh3_64(word));
        word.clear();
    }
}

/// Adds one character of NFKC text to the token stream, as [`tokenize_chars`] does.
fn push_char(c: char, word: &mut Vec<u8>, out: &mut Tokens) {
    let mut buf = [0u8; 4];
    if is_spaceless_char(c) {
        flush(word, out);
        out.hashes.push(xxh3_64(c.encode_utf8(&mut buf).as_bytes()));
        out.spaceless += 1;
    } else if c.is_alphanumeric() {
        if c.is_uppercase() {
            for l in c.to_lowercase() {
                word.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
            }
        } else {
            word.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    } else if is_word_joiner(c) {
        if !word.is_empty() {
            word.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    } else {
        flush(word, out);
    }
}

/// The reference tokenizer over a stream of NFKC characters (the slow path, and the
/// specification the fast path is tested against).
fn tokenize_chars(chars: impl Iterator<Item = char>, out: &mut Tokens) {
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Tokens| {
        if !word.is_empty() {
            out.hashes.push(xxh3_64(word.as_bytes()));
            word.clear();
        }
    };
    for c in chars {
        if is_spaceless_char(c) {
            flush(&mut word, out);
            let mut buf = [0u8; 4];
            out.hashes.push(xxh3_64(c.encode_utf8(&mut buf).as_bytes()));
            out.spaceless += 1;
        } else if c.is_alphanumeric() {
            if c.is_uppercase() {
                word.extend(c.to_lowercase());
            } else {
                word.push(c);
            }
        } else if is_word_joiner(c) {
            // Combining marks (Devanagari vowel signs, ...) belong to the word they are in.
            if !word.is_empty() {
                word.push(c);
            }
        } else {
            flush(&mut word, out);
        }
    }
    flush(&mut word, out);
}

/// Combining marks and zero-width joiners that continue a word rather than end it.
fn is_word_joiner(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0900..=0x0DFF | 0x200C | 0x200D)
}

/// Hash of the whole normalized token sequence: equal for texts that differ only in case,
/// whitespace, punctuation or Unicode compatibility forms. Zero when there is no token.
pub fn exact_hash(tokens: &[u64]) -> u64 {
    if tokens.is_empty() {
        return 0;
    }
    let mut h: u64 = 0x9E37_79B9_7F4A_7C15;
    for &t in tokens {
        h = fmix64(h.rotate_left(29) ^ t);
    }
    h.max(1)
}

/// MurmurHash3's 64-bit finalizer: a fixed, well-mixed bijection used to combine hashes.
#[inline]
pub fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

/// The distinct numbers a text states (`412.6`, `2026`, `8,3`), hashed and sorted. Templated
/// articles share their words but not their numbers, so numbers are a cheap fact check.
pub fn number_set(text: &str) -> Vec<u64> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_digit()
                    || ((bytes[i] == b'.' || bytes[i] == b',')
                        && i + 1 < bytes.len()
                        && bytes[i + 1].is_ascii_digit()))
            {
                i += 1;
            }
            let digits: Vec<u8> = bytes[start..i]
                .iter()
                .map(|&b| if b == b',' { b'.' } else { b })
                .collect();
            out.push(xxh3_64(&digits));
        } else {
            i += 1;
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Tokens {
        let mut t = Tokens::default();
        tokenize(s, &mut t);
        t
    }

    #[test]
    fn case_punctuation_and_quotes_do_not_matter() {
        let a = toks("“Hello,”   World — it's   here.");
        let b = toks("\"hello\" world - it’s here");
        assert_eq!(a.hashes, b.hashes);
        assert_eq!(exact_hash(&a.hashes), exact_hash(&b.hashes));
    }

    #[test]
    fn fullwidth_forms_fold_to_ascii() {
        assert_eq!(toks("ＡＢＣ １２３").hashes, toks("abc 123").hashes);
    }

    #[test]
    fn spaceless_scripts_give_one_token_per_character() {
        let t = toks("中国和俄罗斯");
        assert_eq!(t.hashes.len(), 6);
        assert!(t.is_spaceless());
        assert!(!toks("Москва и Пекин").is_spaceless());
        assert_eq!(toks("Москва и Пекин").hashes.len(), 3);
    }

    #[test]
    fn text_without_letters_or_digits_has_no_tokens() {
        assert!(toks(" ... — !!").hashes.is_empty());
        assert_eq!(exact_hash(&[]), 0);
    }

    #[test]
    fn very_long_ascii_words_are_one_token() {
        let long = "a".repeat(200);
        let t = toks(&format!("x {long} y"));
        assert_eq!(t.hashes.len(), 3);
        assert_eq!(t.hashes[1], xxh3_64(long.as_bytes()));
    }

    /// The tokens of `text` equal those of the general path over its NFKC form.
    fn assert_like_nfkc(text: &str) {
        let mut general = Tokens::default();
        tokenize_chars(text.nfkc(), &mut general);
        assert_eq!(toks(text).hashes, general.hashes, "{text}");
        assert_eq!(toks(text).spaceless, general.spaceless, "{text}");
    }

    /// The in-place path and the normalizing path agree on text already in NFKC.
    #[test]
    fn fast_path_matches_the_general_path() {
        for text in [
            "“Quoted” Straße, Ünïcödé — ÉCOLE 12,5 km; naïve café",
            "Москва и Пекин: ПРИВЕТ мир",
            "नमस्ते दुनिया, हिन्दी",
            "中国和俄罗斯 say 你好 to Tokyo東京",
            "plain ascii, nothing else 42",
            "İstanbul ΣΊΣΥΦΟΣ",
        ] {
            assert_like_nfkc(text);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_tokenizes_like_its_nfkc_form(text in "\\PC{0,80}") {
            let mut general = Tokens::default();
            tokenize_chars(text.nfkc(), &mut general);
            proptest::prop_assert_eq!(toks(&text).hashes, general.hashes);
        }
    }

    /// Characters whose NFKC form differs or that compose with a neighbour, mixed with ASCII.
    const TRICKY: &[char] = &[
        'a', 'e', 'Z', '7', ' ', '.', '\u{0301}', '\u{0308}', '\u{00A0}', '\u{2026}', '２',
        '\u{FB01}', 'é', '\u{1100}', '\u{1161}', '\u{212B}', '\u{0B47}', '\u{0B3E}', 'ｶ',
        '\u{3099}', 'İ', 'ß', '中', '\u{200D}',
    ];

    #[test]
    fn runs_needing_normalization_match_the_general_path() {
        for text in [
            "Scores 2\u{00A0}0 at ２０２６…",
            "cafe\u{0301} and e\u{0301}",
            "\u{0301}leading mark",
            "ﬁnal ﬂight",
            "Å and \u{212B}ngstrom",
        ] {
            assert_like_nfkc(text);
        }
    }

    proptest::proptest! {
        #[test]
        fn mixed_ascii_and_tricky_characters_tokenize_like_nfkc(
            picks in proptest::collection::vec(0..TRICKY.len(), 0..40)
        ) {
            let text: String = picks.iter().map(|&k| TRICKY[k]).collect();
            let mut general = Tokens::default();
            tokenize_chars(text.nfkc(), &mut general);
            proptest::prop_assert_eq!(toks(&text).hashes, general.hashes);
            proptest::prop_assert_eq!(toks(&text).spaceless, general.spaceless);
        }
    }

    #[test]
    fn numbers_keep_their_decimal_part() {
        assert_ne!(
            number_set("revenue 412.6 million"),
            number_set("revenue 412 million")
        );
        assert_eq!(number_set("8,3 and 2026"), number_set("2026 and 8.3"));
    }
}
