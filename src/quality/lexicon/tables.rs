//! The word-table builders and the hashes they key on, with no dependency outside `std`, so
//! that `build.rs` includes this very file (`#[path]`) and runs them once at build time: the
//! binary then ships the finished tables, and a run only copies them out of its image instead
//! of inflating ~3.5 MB of text, parsing it and sorting ~170k deletion variants (~270 million
//! instructions, most of the start-up of a small run). The lexicon uses the hashes and
//! look-ups at run time; its tests run the builders again to prove the shipped tables equal
//! a fresh build.

// Each includer uses a part: build.rs the builders, the crate the hashes and look-ups (and
// the builders in its tests).
#![allow(dead_code)]

pub const HASH_SEED: u64 = 0x243F_6A88_85A3_08D3;
pub const HASH_MUL: u64 = 0x9E37_79B9_7F4A_7C15;
pub const HASH_FIN: u64 = 0xA076_1D64_78BD_642F;

/// Zipf x10 at or above which a word is "common" and serves as a near-miss anchor.
pub const COMMON_ZIPF10: u8 = 33;

/// Folded 64×64→128-bit multiply (as in wyhash).
#[inline(always)]
pub fn fold_mul(a: u64, b: u64) -> u64 {
    let r = u128::from(a) * u128::from(b);
    (r as u64) ^ ((r >> 64) as u64)
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

/// Hash of a pair of word hashes (the word-pair table's key).
#[inline(always)]
pub fn pair_hash(a: u64, b: u64) -> u64 {
    fold_mul(a ^ b.rotate_left(29), HASH_MUL)
}

/// The word-pair table entry of a pair hash with a zero deficit: 27 high bits of the hash (low
/// bit set) shifted over the 5 deficit bits.
#[inline(always)]
pub fn fingerprint(h: u64) -> u32 {
    (((h >> 37) as u32) | 1) << 5
}

/// The lines of `s`, cut exactly as [`str::lines`] cuts them (at `\n`, a `\r` just before
/// it dropped, no empty line after a final `\n`). The tables are ~300k lines of a few bytes
/// each, and `str::lines` starts a `memchr` per line, which costs several times more than
/// scanning such a line byte by byte.
pub fn short_lines(s: &str) -> impl Iterator<Item = &str> {
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
pub fn short_fields(s: &str, sep: u8) -> impl Iterator<Item = &str> {
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
pub fn split_at_byte(s: &str, sep: u8) -> Option<(&str, &str)> {
    debug_assert!(sep.is_ascii());
    let k = s.bytes().position(|b| b == sep)?;
    Some((s.get(..k)?, s.get(k + 1..)?))
}

/// Hashes of the word itself and of every variant with one letter deleted (words of at most
/// 32 bytes; longer ones only yield their own hash), sorted and deduplicated. Two words within
/// one edit (a transposition included) always share one of these.
pub fn deletion_hashes(w: &[u8], out: &mut Vec<u64>) {
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

/// Open-addressing table from word hash to Zipf x10 and Google Books level, each slot one
/// `u64` (the hash's upper 48 bits, the level in the second byte, Zipf x10 in the low byte), so
/// the tokenizer gets both with one look-up (one cache miss at most).
#[derive(Debug, PartialEq, Eq)]
pub struct ZipfTable {
    pub slots: Vec<u64>,
}

impl ZipfTable {
    pub fn with_capacity(n: usize) -> ZipfTable {
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

    pub fn insert(&mut self, hash: u64, z: u8) {
        let i = self.probe(hash);
        // The first (most frequent) entry of a hash wins.
        if self.slots[i] == 0 {
            self.slots[i] = Self::tag(hash) | u64::from(z);
        }
    }

    /// Sets the Google Books level of a word (adding it with Zipf 0, "unknown", if the Zipf
    /// list lacks it).
    pub fn set_level(&mut self, hash: u64, level: u8) {
        let i = self.probe(hash);
        if self.slots[i] == 0 {
            self.slots[i] = Self::tag(hash);
        }
        self.slots[i] = (self.slots[i] & !0xFF00) | (u64::from(level) << 8);
    }

    /// Zipf x10 and level of a word hash (0 for unknown).
    #[inline]
    pub fn get_both(&self, hash: u64) -> (u8, u8) {
        let s = self.slots[self.probe(hash)];
        ((s & 0xFF) as u8, ((s >> 8) & 0xFF) as u8)
    }
}

/// Symmetric-delete index (SymSpell): hash of a deletion variant → the range of the common
/// words (indexes into the common-word list, ascending) that have it. Open addressing with
/// linear probing on the key's low bits; a slot's range packs `from << 32 | len`, and a slot
/// with `len` 0 is empty (every listed variant has at least one word), so no key value is
/// reserved.
#[derive(Debug, PartialEq, Eq)]
pub struct DeleteIndex {
    pub keys: Vec<u64>,
    pub ranges: Vec<u64>,
}

impl DeleteIndex {
    /// An index of `groups` (variant hash, first word, word count), distinct hashes.
    pub fn build(groups: &[(u64, u32, u32)]) -> DeleteIndex {
        let size = (groups.len() + groups.len() / 2)
            .next_power_of_two()
            .max(64);
        let mut ix = DeleteIndex {
            keys: vec![0; size],
            ranges: vec![0; size],
        };
        let mask = size - 1;
        for &(h, from, len) in groups {
            let mut i = h as usize & mask;
            while ix.ranges[i] & 0xFFFF_FFFF != 0 {
                i = (i + 1) & mask;
            }
            ix.keys[i] = h;
            ix.ranges[i] = u64::from(from) << 32 | u64::from(len);
        }
        ix
    }

    /// The range of common-word indexes holding the deletion variant `h`.
    #[inline]
    pub fn get(&self, h: u64) -> Option<std::ops::Range<usize>> {
        let mask = self.keys.len().checked_sub(1)?;
        let mut i = h as usize & mask;
        loop {
            let r = self.ranges[i];
            let len = (r & 0xFFFF_FFFF) as usize;
            if len == 0 {
                return None;
            }
            if self.keys[i] == h {
                let from = (r >> 32) as usize;
                return Some(from..from + len);
            }
            i = (i + 1) & mask;
        }
    }
}

/// The lexicon's tables as built from the decoded text of `en_zipf.txt.gz` and
/// `en_bigrams.txt.gz`.
pub struct LexiconTables<'a> {
    pub zipf: ZipfTable,
    /// Common words (lower case) that anchor near-miss look-ups.
    pub common: Vec<&'a str>,
    pub deletes: DeleteIndex,
    /// Indexes into `common`, grouped by deletion variant.
    pub delete_words: Vec<u32>,
}

/// Each word of the word-pair table with its hash and level (log10 Google Books count × 10).
pub fn word_levels(bigrams: &str) -> impl Iterator<Item = (u64, u8)> + '_ {
    let mut level: u8 = 0;
    short_lines(bigrams)
        .take_while(|l| *l != "#P")
        .filter_map(move |line| {
            if let Some(rest) = line.strip_prefix('#') {
                if !rest.starts_with("N ") {
                    level = rest.parse().unwrap_or(0);
                }
                return None;
            }
            (level > 0).then(|| (hash_word(line.as_bytes()), level))
        })
}

/// Builds the lexicon's tables from the decoded Zipf list and word-pair table.
pub fn build_lexicon<'a>(zipf_text: &'a str, bigrams: &str) -> LexiconTables<'a> {
    let mut zipf = ZipfTable::with_capacity(200_000);
    let mut common = Vec::new();
    let mut z: u8 = 0;
    for line in short_lines(zipf_text) {
        if let Some(rest) = line.strip_prefix('#') {
            z = rest.parse().unwrap_or(0);
            continue;
        }
        zipf.insert(hash_word(line.as_bytes()), z.max(1));
        if z >= COMMON_ZIPF10 && line.len() >= 4 && line.bytes().all(|b| b.is_ascii_lowercase()) {
            common.push(line);
        }
    }
    for (h, level) in word_levels(bigrams) {
        zipf.set_level(h, level);
    }
    let mut deletes = Vec::with_capacity(common.len() * 9);
    let mut scratch = Vec::new();
    for (i, w) in common.iter().enumerate() {
        deletion_hashes(w.as_bytes(), &mut scratch);
        deletes.extend(scratch.iter().map(|&h| (h, i as u32)));
    }
    deletes.sort_unstable();
    deletes.dedup();
    let mut groups = Vec::new();
    let mut delete_words = Vec::with_capacity(deletes.len());
    let mut k = 0;
    while k < deletes.len() {
        let h = deletes[k].0;
        let from = delete_words.len() as u32;
        while k < deletes.len() && deletes[k].0 == h {
            delete_words.push(deletes[k].1);
            k += 1;
        }
        groups.push((h, from, delete_words.len() as u32 - from));
    }
    LexiconTables {
        zipf,
        common,
        deletes: DeleteIndex::build(&groups),
        delete_words,
    }
}

/// Builds the word-pair table (open addressing of `fingerprint | deficit`) and the log10 total
/// unigram count × 10 from the decoded `en_bigrams.txt.gz`.
pub fn build_bigrams(text: &str) -> (Vec<u32>, i32) {
    let mut total10 = i32::MAX / 4;
    let mut in_pairs = false;
    let mut pair_keys: Vec<(u64, u32)> = Vec::with_capacity(200_000);
    for line in short_lines(text) {
        if let Some(rest) = line.strip_prefix('#') {
            if let Some(n) = rest.strip_prefix("N ") {
                total10 = n.trim().parse().unwrap_or(total10);
            } else if rest == "P" {
                in_pairs = true;
            }
            continue;
        }
        if in_pairs {
            let mut it = short_fields(line, b' ');
            let Some(a) = it.next() else { continue };
            let ha = hash_word(a.as_bytes());
            pair_keys.extend(it.map(|b| {
                let (b, deficit) = match split_at_byte(b, b':') {
                    Some((b, d)) => (b, d.parse::<u32>().unwrap_or(0).min(31)),
                    None => (b, 0),
                };
                (pair_hash(ha, hash_word(b.as_bytes())), deficit)
            }));
        }
    }
    let mut pt = vec![0u32; (pair_keys.len() * 2).next_power_of_two().max(64)];
    let mask = pt.len() - 1;
    for (h, deficit) in pair_keys {
        let fp = fingerprint(h);
        let mut i = h as usize & mask;
        while pt[i] != 0 && pt[i] & !31 != fp {
            i = (i + 1) & mask;
        }
        // A pair listed twice (American and British spellings meeting) keeps one deficit.
        pt[i] = fp | deficit;
    }
    (pt, total10)
}
