//! LSH band keys on disk, one file per band. The score pass appends every participating
//! document's key to each band's file; the group pass walks one band at a time, so the keys
//! never have to be resident together (4 bytes per document per band on disk). A band is
//! sorted in memory when it fits the run size the memory budget allows, and otherwise in
//! sorted runs on disk that are merged (an external sort): the buckets come out the same.

use anyhow::{Context, Result};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// Appends band keys, one file per band.
pub struct BandWriter {
    files: Vec<BufWriter<File>>,
    dir: PathBuf,
    count: u64,
}

fn band_path(dir: &Path, band: usize) -> PathBuf {
    dir.join(format!("band-{band:03}.keys"))
}

impl BandWriter {
    pub fn create(dir: &Path, bands: usize) -> Result<Self> {
        let files = (0..bands)
            .map(|b| {
                let path = band_path(dir, b);
                File::create(&path)
                    .map(|f| BufWriter::with_capacity(1 << 16, f))
                    .with_context(|| format!("cannot create {}", path.display()))
            })
            .collect::<Result<_>>()?;
        Ok(BandWriter {
            files,
            dir: dir.to_path_buf(),
            count: 0,
        })
    }

    /// Appends one document's keys (one per band; 32 bits of each are kept).
    pub fn push(&mut self, keys: &[u64]) -> Result<()> {
        anyhow::ensure!(keys.len() == self.files.len(), "wrong number of band keys");
        for (f, &k) in self.files.iter_mut().zip(keys) {
            f.write_all(&(k as u32).to_le_bytes())?;
        }
        self.count += 1;
        Ok(())
    }

    pub fn finish(self) -> Result<BandStore> {
        let bands = self.files.len();
        for mut f in self.files {
            f.flush()?;
        }
        Ok(BandStore {
            dir: self.dir,
            bands,
            count: self.count,
        })
    }
}

/// Band keys written by a [`BandWriter`].
#[derive(Debug, Clone)]
pub struct BandStore {
    dir: PathBuf,
    pub bands: usize,
    pub count: u64,
}

impl BandStore {
    /// The keys of every document for one band, in the order they were pushed.
    pub fn column(&self, band: usize) -> Result<Vec<u32>> {
        let path = band_path(&self.dir, band);
        let mut bytes = Vec::with_capacity(self.count as usize * 4);
        File::open(&path)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .with_context(|| format!("cannot read {}", path.display()))?;
        Ok(bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    /// Visits every bucket of one band — a run of entries `(key, document)` with one key,
    /// documents increasing — in key order. `docs[i]` is the document of the column's entry `i`;
    /// entries whose document is marked in `skip` are left out. At most `run_entries` entries
    /// are sorted in memory at once: a longer column is sorted in runs written beside the band
    /// file and merged, with the same buckets as an in-memory sort.
    pub fn for_each_bucket(
        &self,
        band: usize,
        docs: &[u32],
        skip: &[bool],
        run_entries: usize,
        mut visit: impl FnMut(&[(u32, u32)]),
    ) -> Result<()> {
        anyhow::ensure!(
            docs.len() as u64 == self.count,
            "band {band} has {} keys for {} documents",
            self.count,
            docs.len()
        );
        let run_entries = run_entries.max(1);
        let path = band_path(&self.dir, band);
        let mut keys = BufReader::with_capacity(
            1 << 16,
            File::open(&path).with_context(|| format!("cannot read {}", path.display()))?,
        );
        let mut runs = Vec::new();
        let mut column: Vec<(u32, u32)> = Vec::new();
        for chunk in docs.chunks(run_entries) {
            let mut bytes = vec![0u8; chunk.len() * 4];
            keys.read_exact(&mut bytes)
                .with_context(|| format!("{} is shorter than expected", path.display()))?;
            column.clear();
            column.extend(
                bytes
                    .chunks_exact(4)
                    .zip(chunk)
                    .filter(|(_, &d)| !skip[d as usize])
                    .map(|(k, &d)| (u32::from_le_bytes([k[0], k[1], k[2], k[3]]), d)),
            );
            rayon::slice::ParallelSliceMut::par_sort_unstable(&mut column[..]);
            if docs.len() <= run_entries {
                column.chunk_by(|x, y| x.0 == y.0).for_each(&mut visit);
                return Ok(());
            }
            let run = self
                .dir
                .join(format!("band-{band:03}.run{:05}", runs.len()));
            let mut w = BufWriter::with_capacity(
                1 << 16,
                File::create(&run).with_context(|| format!("cannot create {}", run.display()))?,
            );
            for &(k, d) in &column {
                w.write_all(&k.to_le_bytes())?;
                w.write_all(&d.to_le_bytes())?;
            }
            w.flush()?;
            runs.push(run);
        }
        drop(column);
        merge_runs(&runs, &mut visit)?;
        for run in &runs {
            std::fs::remove_file(run)
                .with_context(|| format!("cannot remove {}", run.display()))?;
        }
        Ok(())
    }
}

/// Reads one `(key, document)` entry of a sorted run; `None` at its end.
fn next_entry(r: &mut impl Read) -> Result<Option<(u32, u32)>> {
    let mut b = [0u8; 8];
    match r.read_exact(&mut b) {
        Ok(()) => Ok(Some((
            u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            u32::from_le_bytes([b[4], b[5], b[6], b[7]]),
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Merges sorted runs (k-way, smallest entry first) and visits each bucket of equal keys.
fn merge_runs(runs: &[PathBuf], visit: &mut impl FnMut(&[(u32, u32)])) -> Result<()> {
    let mut readers = runs
        .iter()
        .map(|p| {
            File::open(p)
                .map(|f| BufReader::with_capacity(1 << 16, f))
                .with_context(|| format!("cannot read {}", p.display()))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut heap = BinaryHeap::new();
    for (i, r) in readers.iter_mut().enumerate() {
        if let Some(e) = next_entry(r)? {
            heap.push(Reverse((e, i)));
        }
    }
    let mut bucket: Vec<(u32, u32)> = Vec::new();
    while let Some(Reverse((entry, i))) = heap.pop() {
        if bucket.last().is_some_and(|last| last.0 != entry.0) {
            visit(&bucket);
            bucket.clear();
        }
        bucket.push(entry);
        if let Some(e) = next_entry(&mut readers[i])? {
            heap.push(Reverse((e, i)));
        }
    }
    if !bucket.is_empty() {
        visit(&bucket);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_come_back_in_push_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut w = BandWriter::create(dir.path(), 2).expect("create");
        w.push(&[1, 2]).expect("push");
        w.push(&[3, 4]).expect("push");
        let store = w.finish().expect("finish");
        assert_eq!(store.column(0).expect("col"), vec![1, 3]);
        assert_eq!(store.column(1).expect("col"), vec![2, 4]);
    }

    /// Buckets of one band, collected.
    fn buckets(store: &BandStore, docs: &[u32], skip: &[bool], run: usize) -> Vec<Vec<(u32, u32)>> {
        let mut out = Vec::new();
        store
            .for_each_bucket(0, docs, skip, run, |b| out.push(b.to_vec()))
            .expect("walk");
        out
    }

    #[test]
    fn runs_on_disk_give_the_same_buckets_as_memory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut w = BandWriter::create(dir.path(), 1).expect("create");
        let n = 1000u32;
        // Keys with many collisions, pushed out of order.
        for i in 0..n {
            w.push(&[u64::from((i * 7919) % 37)]).expect("push");
        }
        let store = w.finish().expect("finish");
        let docs: Vec<u32> = (0..n).map(|i| i * 2).collect();
        let skip: Vec<bool> = (0..2 * n).map(|d| d % 10 == 4).collect();
        let in_memory = buckets(&store, &docs, &skip, usize::MAX);
        assert_eq!(in_memory.len(), 37);
        for run in [1, 7, 64, 999, 1000] {
            assert_eq!(
                buckets(&store, &docs, &skip, run),
                in_memory,
                "run size {run}"
            );
        }
        let visited: usize = in_memory.iter().map(Vec::len).sum();
        assert_eq!(visited, docs.iter().filter(|&&d| !skip[d as usize]).count());
        for b in &in_memory {
            assert!(b.windows(2).all(|w| w[0].0 == w[1].0 && w[0].1 < w[1].1));
        }
        // The runs are removed once merged.
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".run"))
            .collect();
        assert!(left.is_empty());
    }
}
