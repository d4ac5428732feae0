//! A cheap hasher for the stage's maps keyed by 64-bit hashes (SipHash showed up in profiles;
//! the lexicon has its own table, see `shape::Lexicon`).

use std::hash::{BuildHasherDefault, Hasher};

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

pub type PreBuild = BuildHasherDefault<PreHashed>;
