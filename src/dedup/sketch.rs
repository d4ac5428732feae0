//! Similarity sketches: a cheap, conservative screen in front of exact verification.
//!
//! Most candidate pairs from the LSH bands are not copies (on 20,000 generated articles,
//! 27,352 of 29,727), and verifying one means re-reading and re-tokenizing both texts. A sketch
//! is a record's shingle-set size and the low byte of each MinHash slot (b-bit MinHash, Li and
//! König 2010). From two sketches the Jaccard similarity is estimated, and a pair is refused
//! without loading its texts only when even the estimate plus [`SCREEN_MARGIN`] could not
//! reach the Jaccard or containment threshold. The margin is more than four standard
//! deviations of the estimate at the default threshold, so the screen refuses a pair that
//! verification would accept about once in a million such borderline pairs; all other pairs
//! are verified exactly, as before.
//!
//! Sketches live in a file of fixed-width records, one per document, so they cost no
//! memory between the passes.

use crate::config::DedupOptions;
use anyhow::{Context, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// Added to the estimated Jaccard similarity before comparing it with the thresholds.
pub const SCREEN_MARGIN: f64 = 0.2;

/// Bytes of one sketch: the set size (`u32`, little-endian) and one byte per MinHash slot.
pub fn width(slots: usize) -> usize {
    4 + slots
}

/// Writes the sketch of a document with `set_size` distinct shingles and MinHash `sig` into
/// `out` (cleared first). An empty `sig` gives an all-zero sketch: size 0, never screened.
pub fn encode(set_size: usize, sig: &[u32], slots: usize, out: &mut Vec<u8>) {
    out.clear();
    out.resize(width(slots), 0);
    if sig.len() != slots {
        return;
    }
    let size = u32::try_from(set_size).unwrap_or(u32::MAX);
    out[..4].copy_from_slice(&size.to_le_bytes());
    for (o, &v) in out[4..].iter_mut().zip(sig) {
        *o = v as u8;
    }
}

/// True when the pair may still be a copy and must be verified on its texts. Pairs whose
/// smaller set has fewer shingles than slots are always verified: their densified slots are
/// not independent, and they are cheap to load.
pub fn may_be_copy(a: &[u8], b: &[u8], opts: &DedupOptions) -> bool {
    let (Some(size_a), Some(size_b)) = (set_size(a), set_size(b)) else {
        return true;
    };
    let slots = a.len().saturating_sub(4);
    let smaller = size_a.min(size_b);
    if slots == 0 || b.len() != a.len() || smaller < slots as u64 {
        return true;
    }
    let matches = a[4..].iter().zip(&b[4..]).filter(|(x, y)| x == y).count();
    // Unequal values still agree on their low byte once in 256 slots.
    let chance = 1.0 / 256.0;
    let estimate = ((matches as f64 / slots as f64) - chance) / (1.0 - chance);
    let j = (estimate + SCREEN_MARGIN).clamp(0.0, 1.0);
    if j >= opts.jaccard {
        return true;
    }
    if smaller < opts.min_shingles_for_containment as u64 {
        return false;
    }
    // |A ∩ B| = J (|A| + |B|) / (1 + J); containment grows with J.
    let shared = j * (size_a + size_b) as f64 / (1.0 + j);
    shared / smaller as f64 >= opts.containment
}

fn set_size(sketch: &[u8]) -> Option<u64> {
    let bytes: [u8; 4] = sketch.get(..4)?.try_into().ok()?;
    Some(u64::from(u32::from_le_bytes(bytes)))
}

/// Appends one fixed-width sketch per document, in document order.
pub struct SketchWriter {
    out: BufWriter<File>,
    path: PathBuf,
    width: usize,
}

impl SketchWriter {
    pub fn create(path: &Path, slots: usize) -> Result<Self> {
        let file = File::create(path)
            .with_context(|| format!("cannot create sketch file {}", path.display()))?;
        Ok(SketchWriter {
            out: BufWriter::with_capacity(1 << 20, file),
            path: path.to_path_buf(),
            width: width(slots),
        })
    }

    /// Writes the next document's sketch (zeros when it has none).
    pub fn push(&mut self, sketch: &[u8]) -> Result<()> {
        if sketch.len() == self.width {
            self.out.write_all(sketch)?;
        } else {
            self.out.write_all(&vec![0u8; self.width])?;
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<SketchReader> {
        self.out.flush()?;
        let file = File::open(&self.path)
            .with_context(|| format!("cannot open sketch file {}", self.path.display()))?;
        Ok(SketchReader {
            file,
            width: self.width,
        })
    }
}

/// Reads the sketch of any document (from any thread).
pub struct SketchReader {
    file: File,
    width: usize,
}

impl SketchReader {
    pub fn read(&self, doc: u32) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; self.width];
        self.file
            .read_exact_at(&mut buf, u64::from(doc) * self.width as u64)
            .context("cannot read the sketch file")?;
        Ok(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::{jaccard_containment, minhash};

    fn sketch_of(set: &[u64], slots: usize) -> Vec<u8> {
        let mut sig = Vec::new();
        minhash(set, slots, &mut sig);
        let mut out = Vec::new();
        encode(set.len(), &sig, slots, &mut out);
        out
    }

    fn sorted(set: &[u64]) -> Vec<u64> {
        let mut s = set.to_vec();
        s.sort_unstable();
        s
    }

    /// Sets of `n` shingles sharing a chosen number of them.
    fn overlapping(n: u64, shared: u64, seed: u64) -> (Vec<u64>, Vec<u64>) {
        let a: Vec<u64> = (0..n).map(|i| i * 7919 + seed).collect();
        let mut b: Vec<u64> = a[..shared as usize].to_vec();
        b.extend((0..n - shared).map(|i| (i + 1) * 104_729 + seed + 1_000_000_007));
        (a, b)
    }

    #[test]
    fn copies_at_the_thresholds_are_never_screened_out() {
        let opts = DedupOptions::default();
        let slots = opts.bands * opts.rows;
        for seed in 0..300 {
            for (n, shared) in [(400, 210), (400, 250), (150, 80), (1000, 520)] {
                let (a, b) = overlapping(n, shared, seed);
                let (j, _) = jaccard_containment(&sorted(&a), &sorted(&b));
                assert!(j >= opts.jaccard, "test sets must be copies: {j}");
                assert!(may_be_copy(
                    &sketch_of(&a, slots),
                    &sketch_of(&b, slots),
                    &opts
                ));
            }
        }
    }

    #[test]
    fn a_truncated_copy_is_never_screened_out() {
        let opts = DedupOptions::default();
        let slots = opts.bands * opts.rows;
        for seed in 0..300 {
            // The first 200 shingles of a 1,000-shingle article: Jaccard 0.2, containment 1.
            let long: Vec<u64> = (0..1000).map(|i| i * 31 + seed * 1_000_003).collect();
            let short = long[..200].to_vec();
            assert!(may_be_copy(
                &sketch_of(&short, slots),
                &sketch_of(&long, slots),
                &opts
            ));
        }
    }

    #[test]
    fn unrelated_articles_are_screened_out() {
        let opts = DedupOptions::default();
        let slots = opts.bands * opts.rows;
        let mut refused = 0;
        for seed in 0..100 {
            let (a, b) = overlapping(500, 25, seed);
            if !may_be_copy(&sketch_of(&a, slots), &sketch_of(&b, slots), &opts) {
                refused += 1;
            }
        }
        assert!(refused >= 95, "{refused}");
    }

    #[test]
    fn small_or_missing_sketches_are_always_verified() {
        let opts = DedupOptions::default();
        let slots = opts.bands * opts.rows;
        let (a, b) = overlapping(60, 2, 1);
        assert!(may_be_copy(
            &sketch_of(&a, slots),
            &sketch_of(&b, slots),
            &opts
        ));
        let mut empty = Vec::new();
        encode(0, &[], slots, &mut empty);
        assert!(may_be_copy(&empty, &sketch_of(&a, slots), &opts));
        assert!(may_be_copy(&[], &[], &opts));
    }

    #[test]
    fn sketches_round_trip_through_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut w = SketchWriter::create(&dir.path().join("s"), 8).expect("create");
        let one = sketch_of(&(0..50).collect::<Vec<u64>>(), 8);
        w.push(&one).expect("push");
        w.push(&[]).expect("push");
        let r = w.finish().expect("finish");
        assert_eq!(r.read(0).expect("read"), one);
        assert_eq!(r.read(1).expect("read"), vec![0u8; width(8)]);
        assert!(r.read(2).is_err());
    }
}
