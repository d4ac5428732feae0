//! Cheap hashers for the stage's hot maps (SipHash showed up in profiles).

use std::hash::{BuildHasherDefault, Hasher};

/// For string keys: xxh3 over the written bytes.
#[derive(Default, Clone, Copy)]
pub struct XxHasher(u64);

impl Hasher for XxHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = xxhash_rust::xxh3::xxh3_64_with_seed(bytes, self.0);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// For keys that already are well-mixed 64-bit hashes.
#[derive(Default, Clone, Copy)]
pub struct PreHashed(u64);

impl Hasher for PreHashed {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub type XxBuild = BuildHasherDefault<XxHasher>;
pub type PreBuild = BuildHasherDefault<PreHashed>;
