//! A bounded memo shared by the workers of one pass: values that depend on a text only, keyed
//! by the text's 128-bit XXH3 hash. The score pass keeps in it what it computes from a cleaned
//! text (tokens' hash, quality, fingerprints), so that a text met again — a syndicated copy
//! whose site header and footer are gone once cleaned — is not scored again.
//!
//! Outputs never depend on the memo: a value is what computing it again would give, so a hit
//! saves time and a miss costs time, whichever worker got there first. Only the count of hits
//! (`run` in `report.json`) varies between runs.
//!
//! Memory is bounded by two generations: new entries go into the young map; when its entries
//! pass half the byte budget it becomes the old map and the previous old map is dropped. A hit
//! in the old map moves the entry back into the young one, so a text that keeps coming back
//! stays. A copy further back than about half the budget's worth of distinct texts is scored
//! again.

use crate::prehash::PreHashedMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use xxhash_rust::xxh3::xxh3_128;

/// The key of a text.
pub fn key(text: &str) -> u128 {
    xxh3_128(text.as_bytes())
}

/// See the module documentation.
pub struct Memo<V> {
    generations: Mutex<Generations<V>>,
    /// Bytes the young map may hold before it is aged.
    half_budget: usize,
    hits: AtomicU64,
}

struct Generations<V> {
    young: PreHashedMap<u128, (Arc<V>, usize)>,
    young_bytes: usize,
    old: PreHashedMap<u128, (Arc<V>, usize)>,
}

impl<V> Memo<V> {
    /// A memo holding at most about `budget` bytes of values (as their `bytes` reported them).
    pub fn new(budget: usize) -> Memo<V> {
        Memo {
            generations: Mutex::new(Generations {
                young: PreHashedMap::default(),
                young_bytes: 0,
                old: PreHashedMap::default(),
            }),
            half_budget: budget / 2,
            hits: AtomicU64::new(0),
        }
    }

    /// The value stored under `key`, if it is still held.
    pub fn get(&self, key: u128) -> Option<Arc<V>> {
        let mut g = self.lock();
        let found = if let Some((v, _)) = g.young.get(&key) {
            Some(Arc::clone(v))
        } else if let Some((v, bytes)) = g.old.remove(&key) {
            let found = Arc::clone(&v);
            g.store(key, v, bytes, self.half_budget);
            Some(found)
        } else {
            None
        };
        if found.is_some() {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
        found
    }

    /// Stores `value`, which takes about `bytes` bytes, under `key`. A value larger than half
    /// the budget is not stored.
    pub fn insert(&self, key: u128, value: Arc<V>, bytes: usize) {
        if bytes > self.half_budget {
            return;
        }
        self.lock().store(key, value, bytes, self.half_budget);
    }

    /// How many look-ups found their value.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Generations<V>> {
        // A worker that panicked while holding the lock left the maps consistent (every
        // mutation is a single map operation): carry on with them.
        self.generations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl<V> Generations<V> {
    fn store(&mut self, key: u128, value: Arc<V>, bytes: usize, half_budget: usize) {
        if let Some(slot) = self.young.get_mut(&key) {
            self.young_bytes = self.young_bytes - slot.1 + bytes;
            *slot = (value, bytes);
            return;
        }
        if self.young_bytes + bytes > half_budget {
            self.old = std::mem::take(&mut self.young);
            self.young_bytes = 0;
        }
        self.young.insert(key, (value, bytes));
        self.young_bytes += bytes;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_found_until_two_generations_have_passed() {
        let memo: Memo<u32> = Memo::new(400);
        memo.insert(key("first"), Arc::new(1), 100);
        memo.insert(key("second"), Arc::new(2), 100);
        assert_eq!(memo.get(key("first")).as_deref(), Some(&1));
        assert_eq!(memo.get(key("absent")), None);
        // The young map (budget 200) is full: the next insert ages it, and "first" and
        // "second" are still found in the old map...
        memo.insert(key("third"), Arc::new(3), 100);
        assert_eq!(memo.get(key("second")).as_deref(), Some(&2));
        // ...which moved "second" back into the young map, beside "third". Two more inserts
        // age the young map twice: "first" (left in the old map) is gone.
        memo.insert(key("fourth"), Arc::new(4), 150);
        memo.insert(key("fifth"), Arc::new(5), 150);
        assert_eq!(memo.get(key("first")), None);
        assert_eq!(memo.get(key("fourth")).as_deref(), Some(&4));
        assert_eq!(memo.hits(), 3);
    }

    #[test]
    fn a_value_over_half_the_budget_is_not_stored() {
        let memo: Memo<u32> = Memo::new(400);
        memo.insert(key("big"), Arc::new(1), 201);
        assert_eq!(memo.get(key("big")), None);
        memo.insert(key("small"), Arc::new(2), 200);
        assert_eq!(memo.get(key("small")).as_deref(), Some(&2));
    }

    #[test]
    fn the_same_key_stored_twice_is_counted_once() {
        let memo: Memo<u32> = Memo::new(400);
        for _ in 0..10 {
            memo.insert(key("again"), Arc::new(7), 150);
        }
        memo.insert(key("other"), Arc::new(8), 50);
        // 150 + 50 fits the young map: nothing was aged.
        assert_eq!(memo.get(key("again")).as_deref(), Some(&7));
        assert_eq!(memo.get(key("other")).as_deref(), Some(&8));
    }
}
