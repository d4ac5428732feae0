//! Byte classes of ASCII text eight bytes at a time ("SIMD within a register"), in safe code
//! on the baseline x86-64 target: the shape pass looked at every byte of every line through a
//! table, which was the largest single cost of the debris stage.
//!
//! A *mask* has the high bit of each byte set where the byte is in a class; a *bit map* has
//! one bit per byte (bit `i` for byte `i`). All functions expect ASCII bytes (below 0x80),
//! except where said.

const ONES: u64 = u64::MAX / 255;
const HIGH: u64 = ONES * 0x80;

/// The 8 bytes at `b[..8]` (fewer at the end of a slice: zero-padded; a zero byte is in no
/// class below) as a little-endian word.
#[inline]
pub fn load8(b: &[u8]) -> u64 {
    match b.get(..8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
        Some(w) => u64::from_le_bytes(w),
        None => {
            let mut w = [0u8; 8];
            let n = b.len().min(8);
            w[..n].copy_from_slice(&b[..n]);
            u64::from_le_bytes(w)
        }
    }
}

/// Any byte of `w` at or above 0x80.
#[inline]
pub fn has_high(w: u64) -> bool {
    w & HIGH != 0
}

/// Mask of the bytes of `w` (all below 0x80) in `lo..=hi` (`lo` at least 1): adding
/// `0x80 - lo` sets a byte's high bit exactly when it is at least `lo`, adding `0x7f - hi`
/// when it is above `hi`, and neither carries into the next byte.
#[inline]
pub fn in_range(w: u64, lo: u8, hi: u8) -> u64 {
    let ge_lo = w.wrapping_add(ONES * u64::from(0x80 - lo));
    let gt_hi = w.wrapping_add(ONES * u64::from(0x7f - hi));
    ge_lo & !gt_hi & HIGH
}

/// Number of bytes set in a mask.
#[inline]
pub fn count(mask: u64) -> u32 {
    sum_bytes(mask >> 7)
}

/// The sum of the bytes of `x`, when it is below 256: the multiply adds every byte into the
/// top one.
#[inline]
fn sum_bytes(x: u64) -> u32 {
    (x.wrapping_mul(ONES) >> 56) as u32
}

/// One word's letters and whitespace as per-byte counters (a letter adds 1, a whitespace byte
/// 16), to be added up over at most eight words and read once with [`tally_sums`]: the two
/// counting multiplies per word of [`count`] become one pair per 64 bytes. A byte is in one
/// class at most, so no byte of the sum passes 8 letters (low nibble) or 8 × 16 (high nibble).
#[inline]
fn tally(c: &Classes) -> u64 {
    (c.alpha >> 7) | (c.space >> 3)
}

/// Letters and whitespace in a sum of at most eight [`tally`] words.
#[inline]
fn tally_sums(t: u64) -> (u32, u32) {
    const LOW: u64 = ONES * 0x0f;
    (sum_bytes(t & LOW), sum_bytes(t >> 4 & LOW))
}

/// A mask as a bit map of its 8 bytes (byte `i` to bit `i`): each byte's bit lands in the top
/// byte of the product at a distinct position, with no carries.
#[inline]
pub fn to_bits(mask: u64) -> u8 {
    ((mask >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u8
}

/// Class masks of one word of ASCII text.
#[derive(Clone, Copy, Default)]
pub struct Classes {
    /// Letters of either case (`lower | upper`).
    pub alpha: u64,
    pub lower: u64,
    pub upper: u64,
    pub digit: u64,
    pub quote: u64,
    /// `char::is_whitespace` on ASCII: tab to carriage return, and space.
    pub space: u64,
    /// What `str::split_ascii_whitespace` splits on: `space` without the vertical tab.
    pub split: u64,
}

impl Classes {
    #[inline]
    pub fn of(w: u64) -> Classes {
        // One range test for letters: setting bit 0x20 folds upper case onto lower case; a
        // letter is upper case when its own 0x20 bit (moved to the high bit) is clear.
        let alpha = in_range(w | (ONES * 0x20), b'a', b'z');
        let upper = alpha & !(w << 2);
        let blank = in_range(w, b' ', b' ');
        // Control characters are rare: the tab-to-carriage-return test only when present.
        let (space, split) = if in_range(w, 1, 0x1f) == 0 {
            (blank, blank)
        } else {
            let space = in_range(w, b'\t', b'\r') | blank;
            (space, space & !in_range(w, 0x0b, 0x0b))
        };
        Classes {
            alpha,
            lower: alpha & !upper,
            upper,
            digit: in_range(w, b'0', b'9'),
            quote: in_range(w, b'"', b'"'),
            space,
            split,
        }
    }
}

/// Counts and flags of an ASCII line from its byte classes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct AsciiCounts {
    pub letters: u32,
    pub digits: u32,
    /// The line holds a straight double quote.
    pub quote: bool,
    pub spaces: u32,
    /// Two lower-case letters then an upper-case one ("newsWorld"), or a digit then a
    /// lower-case letter ("0shares"): the glue `shape::lower_split_into` splits.
    pub glue: bool,
}

/// One pass over an ASCII line: its counts, and in `seps` a bit map of the bytes
/// `split_ascii_whitespace` splits on (bits past the end set, so that every token ends).
/// Letters and whitespace are counted per 64-byte block (see [`tally`]); the quote is looked
/// for with `memchr`'s vector search, cheaper than a class test in every word.
pub fn ascii_counts(b: &[u8], seps: &mut Vec<u64>) -> AsciiCounts {
    seps.clear();
    let (mut letters, mut spaces, mut digits) = (0u32, 0u32, 0u32);
    let (mut prev_lower, mut prev_digit) = (0u64, 0u64);
    let mut glue = 0u64;
    // The separator bits and letter/whitespace tallies of one word.
    let mut word = |w: u64| -> (u64, u64) {
        let c = Classes::of(w);
        if c.digit != 0 {
            digits += count(c.digit);
        }
        // The classes of the one and two bytes before each byte (from the previous word
        // across the boundary).
        let lower1 = c.lower << 8 | prev_lower >> 56;
        let lower2 = c.lower << 16 | prev_lower >> 48;
        let digit1 = c.digit << 8 | prev_digit >> 56;
        glue |= (lower2 & lower1 & c.upper) | (digit1 & c.lower);
        (prev_lower, prev_digit) = (c.lower, c.digit);
        (u64::from(to_bits(c.split)), tally(&c))
    };
    let mut add = |t: u64| {
        let (l, s) = tally_sums(t);
        letters += l;
        spaces += s;
    };
    let mut blocks = b.chunks_exact(64);
    for chunk in blocks.by_ref() {
        let (bits, t) = block(chunk.chunks_exact(8).map(load8), &mut word);
        add(t);
        seps.push(bits);
    }
    let rest = blocks.remainder();
    if !rest.is_empty() {
        let (bits, t) = block(rest.chunks(8).map(load8), &mut word);
        add(t);
        // Past the end of the line counts as a separator.
        seps.push(bits | u64::MAX << rest.len());
    }
    // A sentinel word of separators, for lines whose length is a multiple of 64.
    seps.push(u64::MAX);
    AsciiCounts {
        letters,
        digits,
        quote: memchr::memchr(b'"', b).is_some(),
        spaces,
        glue: glue != 0,
    }
}

/// The separator bits and the summed tallies of up to eight words (64 bytes), from `word`'s
/// bits and tally of each.
#[inline(always)]
fn block(words: impl Iterator<Item = u64>, word: &mut impl FnMut(u64) -> (u64, u64)) -> (u64, u64) {
    let (mut bits, mut t) = (0u64, 0u64);
    for (k, w) in words.enumerate() {
        let (wb, wt) = word(w);
        bits |= wb << (8 * k);
        t += wt;
    }
    (bits, t)
}

/// Clears a separator bit map for a line of `len` bytes (see [`or_bits`], [`seal`]).
pub fn clear_bits(seps: &mut Vec<u64>, len: usize) {
    seps.clear();
    seps.resize(len / 64 + 2, 0);
}

/// Sets bits `at..` of a bit map from the low bits of `bits` (at most 8 of them).
#[inline]
pub fn or_bits(seps: &mut [u64], at: usize, bits: u64) {
    let (i, k) = (at / 64, at % 64);
    if let Some(x) = seps.get_mut(i) {
        *x |= bits << k;
    }
    if k > 56 {
        if let Some(x) = seps.get_mut(i + 1) {
            *x |= bits >> (64 - k);
        }
    }
}

/// Marks every position from `len` on as a separator, so that every token ends.
pub fn seal(seps: &mut [u64], len: usize) {
    let (i, k) = (len / 64, len % 64);
    for (j, x) in seps.iter_mut().enumerate().skip(i) {
        *x |= if j == i { u64::MAX << k } else { u64::MAX };
    }
}

/// The glue test of `shape::lower_split_into` carried from character to character: two
/// lower-case letters then an upper-case one, or a digit then a lower-case letter.
#[derive(Default, Clone, Copy)]
pub struct Glue {
    /// The previous character is lower case, the one before it too, the previous one a digit.
    pub lower1: bool,
    pub lower2: bool,
    pub digit1: bool,
    pub glued: bool,
}

impl Glue {
    /// Eight ASCII bytes at once.
    #[inline]
    pub fn word(&mut self, c: &Classes) {
        let (l1, l2, d1) = (
            u64::from(self.lower1),
            u64::from(self.lower2),
            u64::from(self.digit1),
        );
        let lower1 = c.lower << 8 | l1 << 7;
        let lower2 = c.lower << 16 | l1 << 15 | l2 << 7;
        let digit1 = c.digit << 8 | d1 << 7;
        self.glued |= (lower2 & lower1 & c.upper) | (digit1 & c.lower) != 0;
        self.lower1 = c.lower >> 63 != 0;
        self.lower2 = c.lower >> 55 & 1 != 0;
        self.digit1 = c.digit >> 63 != 0;
    }

    /// One character: `alpha_not_upper` is what follows a digit in "0shares".
    #[inline]
    pub fn char(&mut self, lower: bool, upper: bool, digit: bool, alpha_not_upper: bool) {
        self.glued |= (self.lower1 && self.lower2 && upper) || (self.digit1 && alpha_not_upper);
        self.lower2 = self.lower1;
        self.lower1 = lower;
        self.digit1 = digit;
    }
}

/// The tokens of a line as byte ranges between separators of a bit map (see [`ascii_counts`]).
/// The map must end with a separator (bits past the end set), so that every token ends.
///
/// Starts and ends are found as bit maps of edges, one word at a time, and taken lowest bit
/// first: a token costs two bit pops instead of two searches from a position (each an index,
/// a bounds check and a shifted mask).
pub struct BitTokens<'a> {
    starts: Edges<'a>,
    ends: Edges<'a>,
}

impl<'a> BitTokens<'a> {
    pub fn new(seps: &'a [u64]) -> Self {
        BitTokens {
            starts: Edges::new(seps, false),
            ends: Edges::new(seps, true),
        }
    }
}

impl Iterator for BitTokens<'_> {
    type Item = (usize, usize);

    #[inline]
    fn next(&mut self) -> Option<(usize, usize)> {
        // Starts and ends alternate (before the line counts as a separator): the n-th end
        // closes the n-th start.
        let start = self.starts.next()?;
        let end = self.ends.next()?;
        Some((start, end))
    }
}

/// The positions where a separator bit map turns to non-separators (`sep == false`: token
/// starts) or back (`sep == true`: token ends), in order.
struct Edges<'a> {
    seps: &'a [u64],
    /// The word of `bits`, and its edges not yet returned.
    word: usize,
    bits: u64,
    sep: bool,
}

impl<'a> Edges<'a> {
    fn new(seps: &'a [u64], sep: bool) -> Self {
        Edges {
            seps,
            word: 0,
            bits: edges(seps, 0, sep).unwrap_or(0),
            sep,
        }
    }

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.bits == 0 {
            self.word += 1;
            self.bits = edges(self.seps, self.word, self.sep)?;
        }
        let k = self.bits.trailing_zeros() as usize;
        self.bits &= self.bits - 1;
        Some(self.word * 64 + k)
    }
}

/// The bits of word `i` of a separator bit map that differ from the bit before them (before
/// the map counts as a separator) and are `sep`; `None` past the end of the map.
#[inline]
fn edges(seps: &[u64], i: usize, sep: bool) -> Option<u64> {
    let x = *seps.get(i)?;
    let before = match i.checked_sub(1) {
        Some(j) => seps.get(j).map_or(1, |p| p >> 63),
        None => 1,
    };
    let changed = x ^ (x << 1 | before);
    Some(if sep { changed & x } else { changed & !x })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The previous [`ascii_counts`], which counted letters and whitespace in every word and
    /// tested every word for a quote: the reference for its proptest.
    fn ascii_counts_per_word(b: &[u8], seps: &mut Vec<u64>) -> AsciiCounts {
        let mut out = AsciiCounts::default();
        seps.clear();
        let (mut prev_lower, mut prev_digit) = (0u64, 0u64);
        let (mut glue, mut quote) = (0u64, 0u64);
        let mut word = |w: u64| -> u8 {
            let c = Classes::of(w);
            out.letters += count(c.lower | c.upper);
            out.spaces += count(c.space);
            if c.digit != 0 {
                out.digits += count(c.digit);
            }
            quote |= c.quote;
            let lower1 = c.lower << 8 | prev_lower >> 56;
            let lower2 = c.lower << 16 | prev_lower >> 48;
            let digit1 = c.digit << 8 | prev_digit >> 56;
            glue |= (lower2 & lower1 & c.upper) | (digit1 & c.lower);
            (prev_lower, prev_digit) = (c.lower, c.digit);
            to_bits(c.split)
        };
        let mut blocks = b.chunks_exact(64);
        for block in blocks.by_ref() {
            let mut bits = 0u64;
            for (k, w) in block.chunks_exact(8).enumerate() {
                bits |= u64::from(word(load8(w))) << (8 * k);
            }
            seps.push(bits);
        }
        let rest = blocks.remainder();
        if !rest.is_empty() {
            let mut bits = 0u64;
            for (k, w) in rest.chunks(8).enumerate() {
                bits |= u64::from(word(load8(w))) << (8 * k);
            }
            seps.push(bits | u64::MAX << rest.len());
        }
        seps.push(u64::MAX);
        out.glue = glue != 0;
        out.quote = quote != 0;
        out
    }

    /// The previous [`BitTokens`], which searched for each token's start and end from a
    /// position: the reference for its proptest.
    fn bit_tokens_by_search(seps: &[u64]) -> Vec<(usize, usize)> {
        let next_bit = |pos: usize, want: bool| -> Option<usize> {
            let mut i = pos / 64;
            let flip = if want { 0 } else { u64::MAX };
            let mut x = (*seps.get(i)? ^ flip) & (u64::MAX << (pos % 64));
            while x == 0 {
                i += 1;
                x = *seps.get(i)? ^ flip;
            }
            Some(i * 64 + x.trailing_zeros() as usize)
        };
        let mut out = Vec::new();
        let mut pos = 0;
        while let Some(start) = next_bit(pos, false) {
            let Some(end) = next_bit(start, true) else {
                break;
            };
            out.push((start, end));
            pos = end;
        }
        out
    }

    proptest::proptest! {
        /// Edge bit maps give the tokens the position searches gave, on any map ending with a
        /// separator (sparse, dense and runs across words).
        #[test]
        fn edge_tokens_match_position_search(
            words in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::prelude::any::<u64>(),
                    proptest::prelude::Just(0u64),
                    proptest::prelude::Just(u64::MAX),
                    proptest::prelude::Just(1u64 << 63),
                    proptest::prelude::Just(1u64),
                ],
                0..6,
            ),
        ) {
            let mut seps = words;
            seps.push(u64::MAX);
            let got: Vec<(usize, usize)> = BitTokens::new(&seps).collect();
            proptest::prop_assert_eq!(got, bit_tokens_by_search(&seps));
        }
    }

    proptest::proptest! {
        /// Per-block tallies count as the per-word counts did, on lines of any ASCII (runs of
        /// one class fill the byte counters to their limit of eight words).
        #[test]
        fn block_tallies_match_per_word_counts(
            parts in proptest::collection::vec(
                ("[ -~\t\n\x0b\x0c\r]{0,12}", "[a-zA-Z]{0,80}|[ ]{0,80}|[0-9]{0,80}"),
                0..12,
            ),
        ) {
            let line: String = parts.iter().map(|(a, b)| format!("{a}{b}")).collect();
            let (mut got, mut want) = (Vec::new(), Vec::new());
            let counts = ascii_counts(line.as_bytes(), &mut got);
            proptest::prop_assert_eq!(counts, ascii_counts_per_word(line.as_bytes(), &mut want));
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn to_bits_moves_each_byte_to_its_bit() {
        for i in 0..8 {
            assert_eq!(to_bits(0x80 << (8 * i)), 1 << i);
        }
        assert_eq!(to_bits(HIGH), 0xff);
    }

    #[test]
    fn classes_match_the_byte_tests() {
        for c in 0u8..0x80 {
            let w = u64::from(c) << 24;
            let k = Classes::of(w);
            let bit = |m: u64| m == 0x80 << 24;
            let none = |m: u64| m == 0;
            for (m, want) in [
                (k.lower, c.is_ascii_lowercase()),
                (k.upper, c.is_ascii_uppercase()),
                (k.digit, c.is_ascii_digit()),
                (k.quote, c == b'"'),
                (k.space, (c as char).is_whitespace()),
                (k.split, matches!(c, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r')),
            ] {
                assert!(if want { bit(m) } else { none(m) }, "{c:#x}");
            }
        }
    }

    #[test]
    fn bit_tokens_match_split_ascii_whitespace() {
        let mut seps = Vec::new();
        let long = "word ".repeat(40) + "end\tof  line";
        for line in [
            "",
            "   ",
            "a",
            " two  words ",
            "tab\tsep\x0bvt\x0cff\r\ncr",
            "End.",
            "\x0b",
            long.as_str(),
            &"x".repeat(130),
            &"y".repeat(64),
            &"z ".repeat(64),
        ] {
            ascii_counts(line.as_bytes(), &mut seps);
            let ours: Vec<&str> = BitTokens::new(&seps).map(|(s, e)| &line[s..e]).collect();
            let std: Vec<&str> = line.split_ascii_whitespace().collect();
            assert_eq!(ours, std, "{line:?}");
        }
    }

    #[test]
    fn counts_match_a_byte_loop() {
        let mut seps = Vec::new();
        for line in [
            "Top NewsWorld News 0shares \"quoted\" 12 ab",
            "aaB",
            "aB",
            "1a",
            "12345678abcdefgHxyz 9z",
            "abcdefgHijklmno",
            "",
        ] {
            let b = line.as_bytes();
            let got = ascii_counts(b, &mut seps);
            let glue = b.windows(2).enumerate().any(|(i, w)| {
                (w[1].is_ascii_uppercase()
                    && w[0].is_ascii_lowercase()
                    && i >= 1
                    && b[i - 1].is_ascii_lowercase())
                    || (w[0].is_ascii_digit() && w[1].is_ascii_lowercase())
            });
            let want = AsciiCounts {
                letters: b.iter().filter(|c| c.is_ascii_alphabetic()).count() as u32,
                digits: b.iter().filter(|c| c.is_ascii_digit()).count() as u32,
                quote: b.contains(&b'"'),
                spaces: b.iter().filter(|&&c| (c as char).is_whitespace()).count() as u32,
                glue,
            };
            assert_eq!(got, want, "{line:?}");
        }
    }
}
