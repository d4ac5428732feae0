//! LSH band keys on disk, one file per band. The score pass appends every participating
//! document's key to each band's file; the group pass loads one band's column at a time, so the
//! keys never have to be resident together (4 bytes per document per band on disk, 4 bytes per
//! document in memory while a band is processed).

use anyhow::{Context, Result};
use std::fs::File;
use std::io::{BufWriter, Read, Write};
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
}
