//! One hasher for the maps keyed by values that already are hashes (XXH3 of a term, a line, a
//! word): the key is its own hash, so those maps skip SipHash, which showed up in the profiles
//! of the debris, quality and story stages.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use xxhash_rust::xxh3::xxh3_64;

/// Hasher for keys that already are well-mixed hashes.
#[derive(Default, Clone, Copy)]
pub struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = xxh3_64(bytes);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
    fn write_u128(&mut self, n: u128) {
        // A 128-bit hash: its two halves folded.
        self.0 = (n as u64) ^ ((n >> 64) as u64);
    }
    fn write_u32(&mut self, n: u32) {
        // 32-bit keys are the high half of a hash: spread them over the whole word.
        self.0 = u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// Builds [`PreHashed`] hashers.
pub type PreBuild = BuildHasherDefault<PreHashed>;

/// A map keyed by a hash (or its 32-bit half).
pub type PreHashedMap<K, V> = HashMap<K, V, PreBuild>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn a_64_bit_key_is_its_own_hash() {
        assert_eq!(
            PreBuild::default().hash_one(0x1234_5678_9abc_def0u64),
            0x1234_5678_9abc_def0
        );
        assert_ne!(PreBuild::default().hash_one(7u32), 7);
    }
}
