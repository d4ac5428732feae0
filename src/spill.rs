//! Spill files: the bulky per-record data (original record, cleaned text, annotations) written
//! to disk during the scoring pass and read back only when needed, so that the pipeline keeps
//! just compact per-record state in memory.
//!
//! Format: a sequence of entries; each is a little-endian `u32` byte length followed by that
//! many bytes. Entries are addressed by their byte offset.

use anyhow::{anyhow, Context, Result};
use std::borrow::Cow;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// Appends entries to a spill file.
pub struct SpillWriter {
    out: BufWriter<File>,
    offset: u64,
    path: PathBuf,
}

impl SpillWriter {
    pub fn create(path: &Path) -> Result<Self> {
        let file = File::create(path)
            .with_context(|| format!("cannot create spill file {}", path.display()))?;
        Ok(SpillWriter {
            out: BufWriter::with_capacity(1 << 20, file),
            offset: 0,
            path: path.to_path_buf(),
        })
    }

    /// Writes one entry and returns its offset.
    pub fn append(&mut self, bytes: &[u8]) -> Result<u64> {
        let at = self.offset;
        let len = u32::try_from(bytes.len()).context("spill entry larger than 4 GiB")?;
        self.out.write_all(&len.to_le_bytes())?;
        self.out.write_all(bytes)?;
        self.offset += 4 + bytes.len() as u64;
        Ok(at)
    }

    /// Flushes and reopens the file for reading.
    pub fn finish(mut self) -> Result<SpillReader> {
        self.out.flush()?;
        SpillReader::open(&self.path)
    }
}

/// Reads entries back, sequentially or by offset (from any thread).
pub struct SpillReader {
    file: File,
    path: PathBuf,
}

impl SpillReader {
    pub fn open(path: &Path) -> Result<Self> {
        let file = File::open(path)
            .with_context(|| format!("cannot open spill file {}", path.display()))?;
        Ok(SpillReader {
            file,
            path: path.to_path_buf(),
        })
    }

    /// Reads the entry at `offset`.
    pub fn read_at(&self, offset: u64) -> Result<Vec<u8>> {
        let mut len = [0u8; 4];
        self.file.read_exact_at(&mut len, offset)?;
        let mut buf = vec![0u8; u32::from_le_bytes(len) as usize];
        self.file.read_exact_at(&mut buf, offset + 4)?;
        Ok(buf)
    }

    /// Calls `f` with the first field of the entry at `offset` as text (the cleaned spill puts
    /// the cleaned text first), borrowed from the entry when it is valid UTF-8.
    pub fn with_text_at<T>(&self, offset: u64, f: impl FnOnce(&str) -> T) -> Result<T> {
        let entry = self.read_at(offset)?;
        let fields = unpack(&entry)?;
        let first = fields
            .first()
            .ok_or_else(|| anyhow!("empty spill entry at {offset} in {}", self.path.display()))?;
        Ok(f(&text(first)))
    }

    /// A sequential reader over all entries from the start.
    pub fn sequential(&self) -> Result<SpillIter> {
        Ok(SpillIter {
            reader: BufReader::with_capacity(1 << 20, File::open(&self.path)?),
        })
    }
}

/// Iterates the entries of a spill file in order.
pub struct SpillIter {
    reader: BufReader<File>,
}

impl Iterator for SpillIter {
    type Item = Result<Vec<u8>>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut len = [0u8; 4];
        match self.reader.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return None,
            Err(e) => return Some(Err(e.into())),
        }
        // Read into spare capacity: zeroing a buffer that is overwritten at once cost 1% of a run.
        let want = u32::from_le_bytes(len) as usize;
        let mut buf = Vec::with_capacity(want);
        Some(
            match (&mut self.reader).take(want as u64).read_to_end(&mut buf) {
                Ok(n) if n == want => Ok(buf),
                Ok(_) => Err(std::io::Error::from(std::io::ErrorKind::UnexpectedEof).into()),
                Err(e) => Err(e.into()),
            },
        )
    }
}

/// A spill field as text, borrowed when it is valid UTF-8 (it always is: spills hold `String`s).
/// `str::from_utf8` checks ASCII a word at a time; `String::from_utf8_lossy` goes byte by byte
/// and cost 2% of a run on the write and group passes.
pub fn text(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Packs several byte fields into one entry: each as `u32` length plus bytes.
pub fn pack(fields: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(fields.iter().map(|f| f.len() + 4).sum());
    for f in fields {
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(f);
    }
    out
}

/// Splits an entry made by [`pack`] back into its fields.
pub fn unpack(entry: &[u8]) -> Result<Vec<&[u8]>> {
    let mut fields = Vec::new();
    let mut rest = entry;
    while !rest.is_empty() {
        anyhow::ensure!(rest.len() >= 4, "corrupt spill entry");
        let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        anyhow::ensure!(rest.len() >= 4 + len, "corrupt spill entry");
        fields.push(&rest[4..4 + len]);
        rest = &rest[4 + len..];
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_by_offset_and_in_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut w = SpillWriter::create(&dir.path().join("s")).expect("create");
        let a = w.append(&pack(&[b"id1", b"text one"])).expect("append");
        let b = w.append(&pack(&[b"", b"two"])).expect("append");
        let r = w.finish().expect("finish");
        let got = r.read_at(b).expect("read");
        assert_eq!(unpack(&got).expect("unpack"), vec![&b""[..], &b"two"[..]]);
        let all: Vec<Vec<u8>> = r
            .sequential()
            .expect("seq")
            .map(|e| e.expect("entry"))
            .collect();
        assert_eq!(all.len(), 2);
        assert_eq!(r.read_at(a).expect("read"), all[0]);
    }
}
