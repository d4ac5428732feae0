//! Spill files: the bulky per-record data (original record, cleaned text, annotations) written
//! to disk during the scoring pass and read back only when needed, so that the pipeline keeps
//! just compact per-record state in memory.
//!
//! Format: a sequence of entries; each is a little-endian `u32` byte length followed by that
//! many bytes. Entries are addressed by their byte offset. A compressed spill (`--compress-spill`)
//! stores each entry as its own zstd frame (level 1, with its size in the frame header), so
//! entries stay addressable one by one: the spills then take about a third of the disk, for
//! some CPU time on every write and read.

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
    /// Compresses each entry when set.
    zstd: Option<zstd::bulk::Compressor<'static>>,
}

impl SpillWriter {
    /// Creates a spill file; `compressed` stores each entry as a zstd frame.
    pub fn create(path: &Path, compressed: bool) -> Result<Self> {
        let file = File::create(path)
            .with_context(|| format!("cannot create spill file {}", path.display()))?;
        let zstd = if compressed {
            let mut c = zstd::bulk::Compressor::new(1)?;
            c.include_contentsize(true)?;
            Some(c)
        } else {
            None
        };
        Ok(SpillWriter {
            out: BufWriter::with_capacity(1 << 20, file),
            offset: 0,
            path: path.to_path_buf(),
            zstd,
        })
    }

    /// Writes one entry and returns its offset.
    pub fn append(&mut self, bytes: &[u8]) -> Result<u64> {
        let packed;
        let bytes = match &mut self.zstd {
            Some(c) => {
                packed = c.compress(bytes)?;
                &packed[..]
            }
            None => bytes,
        };
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
        let mut reader = SpillReader::open(&self.path)?;
        reader.compressed = self.zstd.is_some();
        Ok(reader)
    }
}

/// Reads entries back, sequentially or by offset (from any thread).
pub struct SpillReader {
    file: File,
    path: PathBuf,
    compressed: bool,
}

thread_local! {
    /// One zstd decompression context per thread, not one per entry.
    static UNZSTD: std::cell::RefCell<Option<zstd::bulk::Decompressor<'static>>> =
        const { std::cell::RefCell::new(None) };
}

/// Decompresses one entry of a compressed spill.
fn unpack_entry(frame: &[u8], path: &Path) -> Result<Vec<u8>> {
    let corrupt = || anyhow!("corrupt compressed spill entry in {}", path.display());
    let size = zstd::zstd_safe::get_frame_content_size(frame)
        .ok()
        .flatten()
        .ok_or_else(corrupt)?;
    // An entry's size is at most 4 GiB (its length prefix when written plain).
    let size = usize::try_from(size)
        .ok()
        .filter(|&n| n <= u32::MAX as usize)
        .ok_or_else(corrupt)?;
    UNZSTD.with(|d| {
        let mut d = d.borrow_mut();
        if d.is_none() {
            *d = Some(zstd::bulk::Decompressor::new()?);
        }
        match d.as_mut() {
            Some(d) => Ok(d.decompress(frame, size)?),
            None => Err(corrupt()),
        }
    })
}

impl SpillReader {
    pub fn open(path: &Path) -> Result<Self> {
        let file = File::open(path)
            .with_context(|| format!("cannot open spill file {}", path.display()))?;
        Ok(SpillReader {
            file,
            path: path.to_path_buf(),
            compressed: false,
        })
    }

    /// Reads the entry at `offset`.
    pub fn read_at(&self, offset: u64) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; self.entry_len(offset)?];
        self.file.read_exact_at(&mut buf, offset + 4)?;
        if self.compressed {
            return unpack_entry(&buf, &self.path);
        }
        Ok(buf)
    }

    /// Calls `f` with the first field of the entry at `offset` as text (the cleaned spill puts
    /// the cleaned text first), borrowed from the entry when it is valid UTF-8.
    ///
    /// The entry is read into a buffer kept per thread, which grows to the largest entry read
    /// (up to `KEPT_BUFFER_BYTES`) and is never zeroed again: zeroing a fresh buffer for each
    /// of the group pass's random reads was 0.7% of a run. A call made from inside `f` reads
    /// into a buffer of its own.
    pub fn with_text_at<T>(&self, offset: u64, f: impl FnOnce(&str) -> T) -> Result<T> {
        thread_local! {
            static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let first_field = |entry: &[u8]| -> Result<T> {
            let fields = unpack(entry)?;
            let first = fields.first().ok_or_else(|| {
                anyhow!("empty spill entry at {offset} in {}", self.path.display())
            })?;
            Ok(f(&text(first)))
        };
        if self.compressed {
            return first_field(&self.read_at(offset)?);
        }
        let len = self.entry_len(offset)?;
        if len > KEPT_BUFFER_BYTES {
            // A huge text: its buffer is not kept for the rest of the run.
            return first_field(&self.read_at(offset)?);
        }
        BUFFER.with(|b| match b.try_borrow_mut() {
            Ok(mut buf) => {
                if buf.len() < len {
                    buf.resize(len, 0);
                }
                self.file.read_exact_at(&mut buf[..len], offset + 4)?;
                first_field(&buf[..len])
            }
            Err(_) => first_field(&self.read_at(offset)?),
        })
    }

    /// The length of the (stored) entry at `offset`.
    fn entry_len(&self, offset: u64) -> Result<usize> {
        let mut len = [0u8; 4];
        self.file.read_exact_at(&mut len, offset)?;
        Ok(u32::from_le_bytes(len) as usize)
    }

    /// A sequential reader over all entries from the start.
    pub fn sequential(&self) -> Result<SpillIter> {
        Ok(SpillIter {
            reader: BufReader::with_capacity(1 << 20, File::open(&self.path)?),
            compressed: self.compressed.then(|| self.path.clone()),
        })
    }
}

/// Entries up to this size are read into [`SpillReader::with_text_at`]'s buffer kept per
/// thread (news articles take a few KB; the largest texts get a buffer of their own).
const KEPT_BUFFER_BYTES: usize = 4 << 20;

/// Iterates the entries of a spill file in order.
pub struct SpillIter {
    reader: BufReader<File>,
    /// The file's path, when its entries are compressed.
    compressed: Option<PathBuf>,
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
                Ok(n) if n == want => match &self.compressed {
                    Some(path) => unpack_entry(&buf, path),
                    None => Ok(buf),
                },
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
        for compressed in [false, true] {
            let dir = tempfile::tempdir().expect("tempdir");
            let mut w = SpillWriter::create(&dir.path().join("s"), compressed).expect("create");
            let long = "a line of article text. ".repeat(400);
            let a = w.append(&pack(&[b"id1", b"text one"])).expect("append");
            let b = w.append(&pack(&[b"", b"two"])).expect("append");
            let c = w.append(&pack(&[b"x", long.as_bytes()])).expect("append");
            let empty = w.append(b"").expect("append");
            let r = w.finish().expect("finish");
            let got = r.read_at(b).expect("read");
            assert_eq!(unpack(&got).expect("unpack"), vec![&b""[..], &b"two"[..]]);
            let all: Vec<Vec<u8>> = r
                .sequential()
                .expect("seq")
                .map(|e| e.expect("entry"))
                .collect();
            assert_eq!(all.len(), 4);
            assert_eq!(r.read_at(a).expect("read"), all[0]);
            assert_eq!(r.read_at(c).expect("read"), all[2]);
            assert_eq!(unpack(&all[2]).expect("unpack")[1], long.as_bytes());
            assert!(r.read_at(empty).expect("read").is_empty());
            let file_len = std::fs::metadata(dir.path().join("s")).expect("meta").len();
            // Compressed, the repetitive long entry takes a small part of its 9,600 bytes.
            assert_eq!(file_len < 2_000, compressed, "{file_len} bytes");
        }
    }

    #[test]
    fn a_corrupt_compressed_entry_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s");
        let mut w = SpillWriter::create(&path, true).expect("create");
        let at = w.append(&pack(&[b"site", b"some text"])).expect("append");
        let r = w.finish().expect("finish");
        let mut bytes = std::fs::read(&path).expect("read");
        for b in &mut bytes[4..] {
            *b ^= 0x5a;
        }
        std::fs::write(&path, bytes).expect("write");
        assert!(r.read_at(at).is_err());
        assert!(r.sequential().expect("seq").next().expect("one").is_err());
    }
}
