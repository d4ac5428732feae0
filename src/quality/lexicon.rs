//! The English word-frequency table shipped in the binary, and the small word lists beside it.
//!
//! `data/en_zipf.txt.gz` holds the ~195k most frequent English words of `wordfreq` 3.1.1 with
//! their Zipf frequency (log10 of occurrences per billion words), derived once by
//! `scripts/derive_quality_tables.py` (see `data/README.md` for source and licence). Nothing is
//! downloaded at build or run time. `build.rs` decodes it and builds the look-up tables (with
//! `lexicon/tables.rs`); a process copies them out of its image once, on first use.
//!
//! Lookups take a 64-bit hash of the lower-cased word, so the hot loop never allocates a string.

use std::sync::OnceLock;

mod tables;

#[cfg(test)]
pub(super) use tables::build_bigrams;
use tables::{deletion_hashes, DeleteIndex, ZipfTable};
pub(super) use tables::{fingerprint, pair_hash};
pub use tables::{fold_mul, hash_word, short_fields, short_lines, split_at_byte, HASH_MUL};

/// The tables `build.rs` built (little-endian arrays, see `build.rs`).
pub(super) mod compiled {
    include!(concat!(env!("OUT_DIR"), "/quality_tables.rs"));
}

/// The `u64`s of a little-endian array from [`compiled`].
fn u64s(b: &[u8]) -> Vec<u64> {
    b.chunks_exact(8)
        .map(|c| c.try_into().map_or(0, u64::from_le_bytes))
        .collect()
}

/// The `u32`s of a little-endian array from [`compiled`].
pub(super) fn u32s(b: &[u8]) -> Vec<u32> {
    b.chunks_exact(4)
        .map(|c| c.try_into().map_or(0, u32::from_le_bytes))
        .collect()
}

const ABBREVIATIONS: &str = include_str!("data/abbreviations.txt");
const PLACEHOLDERS: &str = include_str!("data/placeholders.txt");
const FUNCTION_WORDS: &str = include_str!("data/function_words.txt");
const SUBORDINATORS: &str = include_str!("data/subordinators.txt");
const FRAGMENT_ENDINGS: &str = include_str!("data/fragment_endings.txt");

pub type HashMapU64<V> = crate::prehash::PreHashedMap<u64, V>;

/// Zipf frequency times 10 of a word (0 = not in the table).
pub type Zipf10 = u8;

/// Words at or above this Zipf x10 are "common" and serve as near-miss anchors.
pub const COMMON_ZIPF10: Zipf10 = tables::COMMON_ZIPF10;

pub struct Lexicon {
    zipf: ZipfTable,
    /// Common words (lower case) that anchor near-miss look-ups.
    common: Vec<&'static str>,
    /// Symmetric-delete index (SymSpell) finding common words within one edit of a token:
    /// hash of a deletion variant → range of `delete_words`.
    deletes: DeleteIndex,
    /// Indexes into `common`, grouped by deletion variant.
    delete_words: Vec<u32>,
    /// Abbreviations by the xxh3 hash of their exact spelling: checked at every sentence
    /// mark, so one probe instead of a scan of the list.
    abbreviations: HashMapU64<&'static str>,
    /// `None` only if the compiled-in phrase list were unusable.
    placeholders: Option<aho_corasick::AhoCorasick>,
    function_words: HashMapU64<()>,
    subordinators: HashMapU64<()>,
    fragment_endings: HashMapU64<()>,
}

fn data_lines(s: &'static str) -> impl Iterator<Item = &'static str> {
    short_lines(s)
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Open-addressing counter of 64-bit keys, cleared in time proportional to its use, so the
/// n-gram passes cost a few nanoseconds per word and allocate nothing once warm.
#[derive(Default)]
pub struct Counter {
    keys: Vec<u64>,
    vals: Vec<u32>,
    used: Vec<u32>,
}

impl Counter {
    pub fn reset(&mut self, expected: usize) {
        let want = (expected * 2).next_power_of_two().max(64);
        if self.keys.len() < want {
            self.keys = vec![0; want];
            self.vals = vec![0; want];
            self.used.clear();
        } else {
            for &u in &self.used {
                self.keys[u as usize] = 0;
                self.vals[u as usize] = 0;
            }
            self.used.clear();
        }
    }

    fn slot(&self, key: u64) -> usize {
        let mask = self.keys.len() - 1;
        let mut i = (key as usize) & mask;
        loop {
            let k = self.keys[i];
            if k == key || k == 0 {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds one to `key` and returns its new count. `reset` must have been called with at
    /// least the number of distinct keys that will be added.
    pub fn inc(&mut self, key: u64) -> u32 {
        let i = self.inc_slot(key);
        self.vals[i]
    }

    /// Adds one to `key` and returns its slot, whose count [`Counter::count_at`] reads
    /// (slots stay valid until the next `reset`).
    #[inline]
    pub fn inc_slot(&mut self, key: u64) -> usize {
        let key = key.max(1);
        let i = self.slot(key);
        if self.keys[i] == 0 {
            self.keys[i] = key;
            self.used.push(i as u32);
        }
        self.vals[i] += 1;
        i
    }

    #[inline]
    pub fn count_at(&self, slot: usize) -> u32 {
        self.vals[slot]
    }

    pub fn get(&self, key: u64) -> u32 {
        if self.keys.is_empty() {
            return 0;
        }
        self.vals[self.slot(key.max(1))]
    }

    pub fn distinct(&self) -> usize {
        self.used.len()
    }
}

/// Incremental form of [`hash_word`], fed one byte at a time, so the tokenizer hashes a word
/// in the same loop that classifies its characters.
#[derive(Clone, Copy)]
pub struct WordHasher {
    h: u64,
    word: u64,
    shift: u32,
}

impl WordHasher {
    #[inline(always)]
    pub fn new() -> WordHasher {
        WordHasher {
            h: tables::HASH_SEED,
            word: 0,
            shift: 0,
        }
    }
    #[inline(always)]
    pub fn push(&mut self, b: u8) {
        self.word |= u64::from(b) << self.shift;
        self.shift += 8;
        if self.shift == 64 {
            self.h = fold_mul(self.h ^ self.word, HASH_MUL);
            self.word = 0;
            self.shift = 0;
        }
    }
    /// Feeds eight bytes at once (only at a multiple of eight bytes).
    #[inline(always)]
    pub fn push_word(&mut self, w: u64) {
        self.h = fold_mul(self.h ^ w, HASH_MUL);
    }
    /// Finishes with the last `len % 8` bytes packed little-endian in `tail` (nothing pushed
    /// byte by byte).
    #[inline(always)]
    pub fn finish_with(self, tail: u64, len: usize) -> u64 {
        fold_mul(
            self.h ^ tail ^ (len as u64).wrapping_mul(HASH_MUL),
            tables::HASH_FIN,
        )
    }
    #[inline(always)]
    pub fn finish(self, len: usize) -> u64 {
        fold_mul(
            self.h ^ self.word ^ (len as u64).wrapping_mul(HASH_MUL),
            tables::HASH_FIN,
        )
    }
}

impl Default for WordHasher {
    fn default() -> Self {
        WordHasher::new()
    }
}

/// Hash of a word's lower-case form; `buf` is reused across calls so nothing is allocated once
/// it has grown to the longest word.
pub fn word_hash(word: &str, buf: &mut String) -> u64 {
    if word.is_ascii() {
        let b = word.as_bytes();
        if b.len() <= 64 {
            let mut tmp = [0u8; 64];
            for (t, c) in tmp.iter_mut().zip(b) {
                *t = c.to_ascii_lowercase();
            }
            return hash_word(&tmp[..b.len()]);
        }
    }
    buf.clear();
    for c in word.chars() {
        // Curly apostrophes are written straight in the table.
        if c == '\u{2019}' {
            buf.push('\'');
        } else {
            buf.extend(c.to_lowercase());
        }
    }
    hash_word(buf.as_bytes())
}

impl Lexicon {
    /// The process-wide English lexicon.
    pub fn en() -> &'static Lexicon {
        static LEX: OnceLock<Lexicon> = OnceLock::new();
        LEX.get_or_init(Lexicon::load)
    }

    fn load() -> Lexicon {
        let offsets = u32s(compiled::COMMON_OFFSETS);
        let common = offsets
            .windows(2)
            .map(|w| {
                compiled::COMMON_WORDS
                    .get(w[0] as usize..w[1] as usize)
                    .unwrap_or("")
            })
            .collect();
        let set = |s: &'static str| -> HashMapU64<()> {
            data_lines(s)
                .map(|w| (hash_word(w.as_bytes()), ()))
                .collect()
        };
        Lexicon {
            zipf: ZipfTable {
                slots: u64s(compiled::ZIPF_SLOTS),
            },
            common,
            deletes: DeleteIndex {
                keys: u64s(compiled::DELETE_KEYS),
                ranges: u64s(compiled::DELETE_RANGES),
            },
            delete_words: u32s(compiled::DELETE_WORDS),
            abbreviations: data_lines(ABBREVIATIONS)
                .map(|w| (xxhash_rust::xxh3::xxh3_64(w.as_bytes()), w))
                .collect(),
            placeholders: aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(data_lines(PLACEHOLDERS))
                .ok(),
            function_words: set(FUNCTION_WORDS),
            subordinators: set(SUBORDINATORS),
            fragment_endings: set(FRAGMENT_ENDINGS),
        }
    }

    /// Zipf x10 of a word given its lower-case hash (0 = unknown).
    #[inline]
    pub fn zipf(&self, hash: u64) -> Zipf10 {
        self.zipf.get_both(hash).0
    }

    /// Zipf x10 and Google Books level (log10 count x 10, see bigrams.rs; 0 = not in the
    /// word-pair table's list) of a word given its lower-case hash, in one look-up.
    #[inline]
    pub fn zipf_level(&self, hash: u64) -> (Zipf10, u8) {
        self.zipf.get_both(hash)
    }

    pub fn is_function_word(&self, hash: u64) -> bool {
        self.function_words.contains_key(&hash)
    }

    pub fn is_fragment_ending(&self, hash: u64) -> bool {
        self.fragment_endings.contains_key(&hash)
    }

    pub fn is_subordinator(&self, hash: u64) -> bool {
        self.subordinators.contains_key(&hash)
    }

    pub fn is_abbreviation(&self, word: &str) -> bool {
        self.abbreviations
            .get(&xxhash_rust::xxh3::xxh3_64(word.as_bytes()))
            .is_some_and(|&a| a == word)
    }

    /// Case-insensitive matcher of the placeholder phrases.
    pub fn placeholders(&self) -> Option<&aho_corasick::AhoCorasick> {
        self.placeholders.as_ref()
    }

    /// The most frequent common word within one edit (optimal string alignment) of `word`
    /// (lower-case ASCII), other than the word itself.
    pub fn near_common_word(&self, word: &str) -> Option<&'static str> {
        let max_dist = 1;
        let b = word.as_bytes();
        if !b.iter().all(u8::is_ascii_lowercase) || b.len() < 4 || b.len() > 24 {
            return None;
        }
        let mut scratch = Vec::new();
        deletion_hashes(b, &mut scratch);
        let mut best: Option<(Zipf10, &'static str)> = None;
        for h in scratch {
            let Some(range) = self.deletes.get(h) else {
                continue;
            };
            for &i in self.delete_words.get(range).unwrap_or(&[]) {
                let cand = self.common[i as usize];
                if cand == word || osa_distance(cand.as_bytes(), b, max_dist) > max_dist {
                    continue;
                }
                let z = self.zipf(hash_word(cand.as_bytes()));
                let better = match best {
                    None => true,
                    Some((bz, bw)) => z > bz || (z == bz && cand < bw),
                };
                if better {
                    best = Some((z, cand));
                }
            }
        }
        best.map(|(_, w)| w)
    }

    /// The common word that `word` (an unknown lower-case ASCII word) is a typo of: one edit
    /// (optimal string alignment) from a common word that starts with the same letter.
    /// Misspellings rarely change the first letter; a word that differs there is more often
    /// another word or a name ("Mamming"/"jamming", "Kranks"/"ranks").
    pub fn typo_of(&self, word: &str) -> Option<&'static str> {
        let likely = self.near_common_word(word)?;
        (likely.as_bytes().first() == word.as_bytes().first()).then_some(likely)
    }
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), giving up
/// (returning `max + 1`) as soon as it must exceed `max`.
pub fn osa_distance(a: &[u8], b: &[u8], max: usize) -> usize {
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    let n = b.len();
    // Rows on the stack for words up to 63 bytes (names and words); longer ones allocate.
    let mut stack = [[0usize; 64]; 3];
    let mut heap;
    let [prev2, prev, cur]: [&mut [usize]; 3] = if n < 64 {
        let [x, y, z] = &mut stack;
        [&mut x[..=n], &mut y[..=n], &mut z[..=n]]
    } else {
        heap = [
            vec![0usize; n + 1],
            vec![0usize; n + 1],
            vec![0usize; n + 1],
        ];
        let [x, y, z] = &mut heap;
        [&mut x[..], &mut y[..], &mut z[..]]
    };
    let (mut prev2, mut prev, mut cur) = (prev2, prev, cur);
    for (j, p) in prev.iter_mut().enumerate() {
        *p = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=n {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return max + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[n]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_knows_common_and_rare_words() {
        let lex = Lexicon::en();
        let mut buf = String::new();
        assert!(lex.zipf(word_hash("The", &mut buf)) >= 70);
        assert!(lex.zipf(word_hash("station", &mut buf)) >= 40);
        assert_eq!(lex.zipf(word_hash("Teudsay", &mut buf)), 0);
    }

    #[test]
    fn transposed_letters_find_their_word() {
        assert_eq!(Lexicon::en().near_common_word("tuesdya"), Some("tuesday"));
        assert_eq!(Lexicon::en().near_common_word("amereca"), Some("america"));
        assert_eq!(Lexicon::en().near_common_word("teudsay"), None);
        assert_eq!(osa_distance(b"teudsay", b"tuesday", 3), 2);
        assert_eq!(osa_distance(b"armis", b"artemis", 3), 2);
    }

    /// The tables `build.rs` shipped equal what building them from the compressed lists at
    /// run time gives, the delete index checked against the hash map the lexicon used to
    /// build (every variant hash to its range of `delete_words`).
    #[test]
    fn shipped_tables_equal_a_fresh_build() {
        use std::io::Read;
        let gunzip = |gz: &[u8]| {
            let mut text = String::new();
            flate2::read::GzDecoder::new(gz)
                .read_to_string(&mut text)
                .expect("compiled-in table decodes");
            text
        };
        let zipf_text = gunzip(include_bytes!("data/en_zipf.txt.gz"));
        let bigram_text = gunzip(include_bytes!("data/en_bigrams.txt.gz"));
        let fresh = tables::build_lexicon(&zipf_text, &bigram_text);
        let lex = Lexicon::en();
        assert_eq!(lex.zipf, fresh.zipf);
        assert_eq!(lex.common, fresh.common);
        assert_eq!(lex.delete_words, fresh.delete_words);
        assert_eq!(lex.deletes, fresh.deletes);
        assert!(lex.common.len() > 10_000);

        // The delete index as the lexicon built it before: sorted (variant, word) pairs
        // grouped into a hash map of ranges.
        let mut deletes = Vec::new();
        let mut scratch = Vec::new();
        for (i, w) in fresh.common.iter().enumerate() {
            deletion_hashes(w.as_bytes(), &mut scratch);
            deletes.extend(scratch.iter().map(|&h| (h, i as u32)));
        }
        deletes.sort_unstable();
        deletes.dedup();
        let mut map: HashMapU64<(u32, u32)> = HashMapU64::default();
        let mut words = Vec::new();
        let mut k = 0;
        while k < deletes.len() {
            let h = deletes[k].0;
            let from = words.len() as u32;
            while k < deletes.len() && deletes[k].0 == h {
                words.push(deletes[k].1);
                k += 1;
            }
            map.insert(h, (from, words.len() as u32 - from));
        }
        assert_eq!(words, lex.delete_words);
        for (&h, &(from, len)) in &map {
            assert_eq!(
                lex.deletes.get(h),
                Some(from as usize..(from + len) as usize)
            );
        }
        let occupied = lex.deletes.ranges.iter().filter(|&&r| r != 0).count();
        assert_eq!(occupied, map.len());
        for h in [0, 1, hash_word(b"zzzzqq")] {
            assert_eq!(lex.deletes.get(h).is_some(), map.contains_key(&h));
        }

        // The Zipf table: every listed word, and every level, as inserted one by one.
        for line in short_lines(&zipf_text).filter(|l| !l.starts_with('#')) {
            let h = hash_word(line.as_bytes());
            assert_eq!(lex.zipf_level(h), fresh.zipf.get_both(h));
            assert!(lex.zipf(h) > 0, "{line}");
        }
        for (h, level) in tables::word_levels(&bigram_text) {
            assert!(level > 0 && lex.zipf_level(h).1 > 0);
        }
    }

    proptest::proptest! {
        /// The byte scanners cut as the `str` methods they replace in the table decoding.
        #[test]
        fn byte_scanners_cut_as_the_str_methods(text in "[a-zé:# \r\n]{0,40}") {
            proptest::prop_assert_eq!(
                short_lines(&text).collect::<Vec<_>>(),
                text.lines().collect::<Vec<_>>()
            );
            proptest::prop_assert_eq!(
                short_fields(&text, b' ').collect::<Vec<_>>(),
                text.split(' ').collect::<Vec<_>>()
            );
            proptest::prop_assert_eq!(split_at_byte(&text, b':'), text.split_once(':'));
        }
    }
}
