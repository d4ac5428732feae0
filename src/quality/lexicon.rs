//! The English word-frequency table shipped in the binary, and the small word lists beside it.
//!
//! `data/en_zipf.txt.gz` holds the ~195k most frequent English words of `wordfreq` 3.1.1 with
//! their Zipf frequency (log10 of occurrences per billion words), derived once by
//! `scripts/derive_quality_tables.py` (see `data/README.md` for source and licence). Nothing is
//! downloaded at build or run time. The table is decoded once per process on first use.
//!
//! Lookups take a 64-bit hash of the lower-cased word, so the hot loop never allocates a string.

use std::io::Read;
use std::sync::OnceLock;

const EN_ZIPF_GZ: &[u8] = include_bytes!("data/en_zipf.txt.gz");
const ABBREVIATIONS: &str = include_str!("data/abbreviations.txt");
const PLACEHOLDERS: &str = include_str!("data/placeholders.txt");
const FUNCTION_WORDS: &str = include_str!("data/function_words.txt");
const SUBORDINATORS: &str = include_str!("data/subordinators.txt");
const FRAGMENT_ENDINGS: &str = include_str!("data/fragment_endings.txt");

pub type HashMapU64<V> = crate::prehash::PreHashedMap<u64, V>;

/// Zipf frequency times 10 of a word (0 = not in the table).
pub type Zipf10 = u8;

/// Words at or above this Zipf x10 are "common" and serve as near-miss anchors.
pub const COMMON_ZIPF10: Zipf10 = 33;

pub struct Lexicon {
    zipf: ZipfTable,
    /// Common words (lower case) that anchor near-miss look-ups.
    common: Vec<&'static str>,
    /// Symmetric-delete index (SymSpell) finding common words within one edit of a token:
    /// hash of a deletion variant → range of `delete_words`.
    deletes: HashMapU64<(u32, u32)>,
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

/// The lines of `s`, cut exactly as [`str::lines`] cuts them (at `\n`, a `\r` just before
/// it dropped, no empty line after a final `\n`). The compiled-in tables are ~300k lines of a
/// few bytes each, and `str::lines` starts a `memchr` per line, which costs several times more
/// than scanning such a line byte by byte.
pub(super) fn short_lines(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        Some(match split_at_byte(rest, b'\n') {
            Some((line, next)) => {
                rest = next;
                line.strip_suffix('\r').unwrap_or(line)
            }
            None => std::mem::take(&mut rest),
        })
    })
}

/// The fields of `s` between the (ASCII) byte `sep`, as `s.split(sep as char)` gives them,
/// scanned byte by byte for the same reason as [`short_lines`]: the word-pair table's fields
/// are a few bytes long.
pub(super) fn short_fields(s: &str, sep: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let r = rest?;
        Some(match split_at_byte(r, sep) {
            Some((field, next)) => {
                rest = Some(next);
                field
            }
            None => {
                rest = None;
                r
            }
        })
    })
}

/// `s` before and after the first `sep` (an ASCII byte, so both sides are whole characters),
/// as `s.split_once(sep as char)` but without starting a `memchr` on a few bytes.
pub(super) fn split_at_byte(s: &str, sep: u8) -> Option<(&str, &str)> {
    debug_assert!(sep.is_ascii());
    let k = s.bytes().position(|b| b == sep)?;
    Some((s.get(..k)?, s.get(k + 1..)?))
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

/// Open-addressing table from word hash to Zipf x10 and Google Books level, each slot one
/// `u64` (the hash's upper 48 bits, the level in the second byte, Zipf x10 in the low byte), so
/// the tokenizer gets both with one look-up (one cache miss at most).
struct ZipfTable {
    slots: Vec<u64>,
}

impl ZipfTable {
    fn with_capacity(n: usize) -> ZipfTable {
        ZipfTable {
            slots: vec![0; (n * 2).next_power_of_two()],
        }
    }

    fn tag(hash: u64) -> u64 {
        (hash & !0xFFFF).max(0x1_0000)
    }

    /// The slot holding `hash`, or the empty slot where it would go (linear probing).
    #[inline]
    fn probe(&self, hash: u64) -> usize {
        let mask = self.slots.len() - 1;
        let tag = Self::tag(hash);
        let mut i = (hash >> 8) as usize & mask;
        while self.slots[i] != 0 && self.slots[i] & !0xFFFF != tag {
            i = (i + 1) & mask;
        }
        i
    }

    fn insert(&mut self, hash: u64, z: Zipf10) {
        let i = self.probe(hash);
        // The first (most frequent) entry of a hash wins.
        if self.slots[i] == 0 {
            self.slots[i] = Self::tag(hash) | u64::from(z);
        }
    }

    /// Sets the Google Books level of a word (adding it with Zipf 0, "unknown", if the Zipf
    /// list lacks it).
    fn set_level(&mut self, hash: u64, level: u8) {
        let i = self.probe(hash);
        if self.slots[i] == 0 {
            self.slots[i] = Self::tag(hash);
        }
        self.slots[i] = (self.slots[i] & !0xFF00) | (u64::from(level) << 8);
    }

    #[inline]
    fn get(&self, hash: u64) -> Zipf10 {
        self.get_both(hash).0
    }

    #[inline]
    fn get_both(&self, hash: u64) -> (Zipf10, u8) {
        let s = self.slots[self.probe(hash)];
        ((s & 0xFF) as Zipf10, ((s >> 8) & 0xFF) as u8)
    }
}

const HASH_SEED: u64 = 0x243F_6A88_85A3_08D3;
pub(super) const HASH_MUL: u64 = 0x9E37_79B9_7F4A_7C15;
const HASH_FIN: u64 = 0xA076_1D64_78BD_642F;

/// Folded 64×64→128-bit multiply (as in wyhash).
#[inline(always)]
pub fn fold_mul(a: u64, b: u64) -> u64 {
    let r = u128::from(a) * u128::from(b);
    (r as u64) ^ ((r >> 64) as u64)
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
            h: HASH_SEED,
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
            HASH_FIN,
        )
    }
    #[inline(always)]
    pub fn finish(self, len: usize) -> u64 {
        fold_mul(
            self.h ^ self.word ^ (len as u64).wrapping_mul(HASH_MUL),
            HASH_FIN,
        )
    }
}

impl Default for WordHasher {
    fn default() -> Self {
        WordHasher::new()
    }
}

/// Hash of a (lower-case) word: every word look-up (lexicon, word lists, token hashes) uses
/// it. Eight bytes per multiply, so short words cost a few instructions.
#[inline]
pub fn hash_word(b: &[u8]) -> u64 {
    let mut h = HASH_SEED;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = fold_mul(h ^ u64::from_le_bytes(w), HASH_MUL);
    }
    let mut word = 0u64;
    for (k, &c) in chunks.remainder().iter().enumerate() {
        word |= u64::from(c) << (8 * k);
    }
    fold_mul(h ^ word ^ (b.len() as u64).wrapping_mul(HASH_MUL), HASH_FIN)
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
        let mut text = String::new();
        // The table is compiled in; a decoding failure would be a build defect, and an empty
        // lexicon then only disables the lexicon-based signals.
        let _ = flate2::read::GzDecoder::new(EN_ZIPF_GZ).read_to_string(&mut text);
        let text: &'static str = Box::leak(text.into_boxed_str());
        let mut zipf = ZipfTable::with_capacity(200_000);
        let mut common = Vec::new();
        let mut z: Zipf10 = 0;
        for line in short_lines(text) {
            if let Some(rest) = line.strip_prefix('#') {
                z = rest.parse().unwrap_or(0);
                continue;
            }
            zipf.insert(hash_word(line.as_bytes()), z.max(1));
            if z >= COMMON_ZIPF10 && line.len() >= 4 && line.bytes().all(|b| b.is_ascii_lowercase())
            {
                common.push(line);
            }
        }
        for (h, level) in super::bigrams::word_levels() {
            zipf.set_level(h, level);
        }
        let mut deletes = Vec::with_capacity(common.len() * 9);
        let mut scratch = Vec::new();
        for (i, w) in common.iter().enumerate() {
            deletion_hashes(w.as_bytes(), &mut scratch);
            deletes.extend(scratch.iter().map(|&h| (h, i as u32)));
        }
        // Not a parallel sort: this runs inside a `OnceLock` initializer, and a rayon join
        // there lets the waiting thread steal a job that waits on this very `OnceLock`.
        deletes.sort_unstable();
        deletes.dedup();
        let mut index = HashMapU64::default();
        index.reserve(deletes.len());
        let mut delete_words = Vec::with_capacity(deletes.len());
        let mut k = 0;
        while k < deletes.len() {
            let h = deletes[k].0;
            let from = delete_words.len() as u32;
            while k < deletes.len() && deletes[k].0 == h {
                delete_words.push(deletes[k].1);
                k += 1;
            }
            index.insert(h, (from, delete_words.len() as u32 - from));
        }
        let set = |s: &'static str| -> HashMapU64<()> {
            data_lines(s)
                .map(|w| (hash_word(w.as_bytes()), ()))
                .collect()
        };
        Lexicon {
            zipf,
            common,
            deletes: index,
            delete_words,
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
        self.zipf.get(hash)
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
            let Some(&(from, len)) = self.deletes.get(&h) else {
                continue;
            };
            for &i in &self.delete_words[from as usize..(from + len) as usize] {
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

/// Hashes of the word itself and of every variant with one letter deleted (words of at most
/// 32 bytes; longer ones only yield their own hash). Two words within one edit (a
/// transposition included) always share one of these.
fn deletion_hashes(w: &[u8], out: &mut Vec<u64>) {
    out.clear();
    out.push(hash_word(w));
    if w.len() > 32 {
        return;
    }
    let mut buf = [0u8; 32];
    let n = w.len();
    for i in 0..n {
        // w without i
        buf[..i].copy_from_slice(&w[..i]);
        buf[i..n - 1].copy_from_slice(&w[i + 1..]);
        out.push(hash_word(&buf[..n - 1]));
    }
    out.sort_unstable();
    out.dedup();
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
