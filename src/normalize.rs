//! Normalize stage: turns text into the token stream that every fingerprint is computed from.
//!
//! Matching is blind to what users do not consider a difference: Unicode compatibility forms
//! (NFKC: full-width letters, ligatures), letter case, whitespace, and punctuation (straight
//! versus curly quotes, dashes, a dropped comma). A token is a maximal run of letters and digits;
//! in scripts written without spaces (Chinese, Japanese, Thai, ...) every character is a token,
//! so those texts get character shingles instead of collapsing into one giant "word".

use unicode_normalization::{IsNormalized, UnicodeNormalization};
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
/// Text already in NFKC (nearly all text: curly quotes and accented letters are) is tokenized
/// in place, ASCII bytes on a fast path; other text is NFKC-normalized on the fly.
pub fn tokenize(text: &str, out: &mut Tokens) {
    out.hashes.clear();
    out.spaceless = 0;
    // ASCII characters are always normalized and can only end a run of combining marks, so
    // checking the other characters alone can answer "maybe" more often, never "yes" wrongly.
    if text.is_ascii()
        || unicode_normalization::is_nfkc_quick(text.chars().filter(|c| !c.is_ascii()))
            == IsNormalized::Yes
    {
        tokenize_nfkc(text, out);
    } else {
        tokenize_chars(text.nfkc(), out);
    }
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

/// Tokenizes text known to be in NFKC without allocating per token: ASCII bytes are handled
/// byte by byte, other characters are decoded one at a time. Gives the same tokens as
/// [`tokenize_chars`].
fn tokenize_nfkc(text: &str, out: &mut Tokens) {
    let bytes = text.as_bytes();
    let mut word: Vec<u8> = Vec::with_capacity(64);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let lower = ASCII_WORD[b as usize];
        if lower != 0 {
            word.push(lower);
            i += 1;
            continue;
        }
        if b.is_ascii() {
            if !word.is_empty() {
                out.hashes.push(xxh3_64(&word));
                word.clear();
            }
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        let mut buf = [0u8; 4];
        if is_spaceless_char(c) {
            if !word.is_empty() {
                out.hashes.push(xxh3_64(&word));
                word.clear();
            }
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
        } else if !word.is_empty() {
            out.hashes.push(xxh3_64(&word));
            word.clear();
        }
    }
    if !word.is_empty() {
        out.hashes.push(xxh3_64(&word));
    }
}

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
            let mut general = Tokens::default();
            tokenize_chars(text.chars(), &mut general);
            assert_eq!(toks(text).hashes, general.hashes, "{text}");
            assert_eq!(toks(text).spaceless, general.spaceless, "{text}");
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

    #[test]
    fn numbers_keep_their_decimal_part() {
        assert_ne!(
            number_set("revenue 412.6 million"),
            number_set("revenue 412 million")
        );
        assert_eq!(number_set("8,3 and 2026"), number_set("2026 and 8.3"));
    }
}
