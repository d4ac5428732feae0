//! A byte stream read ahead on a thread of its own.
//!
//! Decompressing a `.gz` or `.zst` input is sequential, and so is the reader thread that splits
//! the stream into lines; run on one thread, the two together are the read pass's slowest part
//! on large records (web pages) while the other core waits. [`ReadAhead`] moves the inner
//! stream's reads (the decompression) to a second thread, which fills chunks a few ahead of the
//! line splitter. The bytes, their order and any read error are exactly the inner stream's:
//! every byte read before an error is delivered first, then the error, then end of stream.

use std::io::{self, BufRead, Read};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// Chunks in flight between the two threads: enough to ride out a slow moment on either side.
const DEPTH: usize = 4;

/// A [`BufRead`] over chunks that a background thread reads from the inner stream.
pub struct ReadAhead {
    chunks: Receiver<io::Result<Vec<u8>>>,
    /// Emptied chunks go back to the reading thread, so the buffers are reused.
    spent: SyncSender<Vec<u8>>,
    current: Vec<u8>,
    pos: usize,
    /// The stream has ended (end of input, an error delivered, or the thread gone).
    done: bool,
}

impl ReadAhead {
    /// Starts reading `inner` on a new thread in chunks of `chunk_bytes` (at most
    /// `DEPTH + 2` chunks exist at once). The thread ends at the end of the stream, after an
    /// error, or when the `ReadAhead` is dropped.
    pub fn new(inner: Box<dyn Read + Send>, chunk_bytes: usize) -> io::Result<ReadAhead> {
        let (chunk_tx, chunks) = sync_channel(DEPTH);
        let (spent, spent_rx) = sync_channel(DEPTH + 1);
        std::thread::Builder::new()
            .name("copydesk-readahead".into())
            .spawn(move || fill(inner, chunk_bytes.max(1), &chunk_tx, &spent_rx))?;
        Ok(ReadAhead {
            chunks,
            spent,
            current: Vec::new(),
            pos: 0,
            done: false,
        })
    }
}

/// The background thread: reads full chunks (short only at the end of the stream or before an
/// error) and sends them in order.
fn fill(
    mut inner: Box<dyn Read + Send>,
    chunk_bytes: usize,
    out: &SyncSender<io::Result<Vec<u8>>>,
    spent: &Receiver<Vec<u8>>,
) {
    loop {
        let mut chunk = spent.try_recv().unwrap_or_default();
        chunk.resize(chunk_bytes, 0);
        let mut filled = 0;
        let mut failure = None;
        while filled < chunk_bytes {
            match inner.read(&mut chunk[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        chunk.truncate(filled);
        let at_end = filled < chunk_bytes;
        if filled > 0 && out.send(Ok(chunk)).is_err() {
            return;
        }
        if let Some(e) = failure {
            let _ = out.send(Err(e));
            return;
        }
        if at_end {
            return;
        }
    }
}

impl Read for ReadAhead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for ReadAhead {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos == self.current.len() && !self.done {
            match self.chunks.recv() {
                Ok(Ok(chunk)) => {
                    let old = std::mem::replace(&mut self.current, chunk);
                    self.pos = 0;
                    // The thread may have ended; a buffer it cannot reuse is simply dropped.
                    let _ = self.spent.try_send(old);
                }
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                Err(_) => self.done = true,
            }
        }
        Ok(&self.current[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.current.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream that yields `data` in reads of at most `step` bytes, then fails once if told
    /// to, then ends.
    struct Stepped {
        data: Vec<u8>,
        at: usize,
        step: usize,
        fail: bool,
        /// Held while the stream exists, so a test can tell when the thread dropped it.
        _alive: std::sync::Arc<()>,
    }

    impl Read for Stepped {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.at == self.data.len() {
                if self.fail {
                    self.fail = false;
                    return Err(io::Error::new(io::ErrorKind::InvalidData, "broken stream"));
                }
                return Ok(0);
            }
            let n = buf.len().min(self.step).min(self.data.len() - self.at);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    fn stepped(data: &[u8], step: usize, fail: bool) -> Box<dyn Read + Send> {
        stepped_alive(data, step, fail, std::sync::Arc::new(()))
    }

    fn stepped_alive(
        data: &[u8],
        step: usize,
        fail: bool,
        alive: std::sync::Arc<()>,
    ) -> Box<dyn Read + Send> {
        Box::new(Stepped {
            data: data.to_vec(),
            at: 0,
            step,
            fail,
            _alive: alive,
        })
    }

    fn data(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[test]
    fn delivers_every_byte_in_order_whatever_the_chunk_and_read_sizes() {
        for (n, step, chunk) in [
            (0, 1, 4),
            (1, 1, 1),
            (1000, 7, 64),
            (5000, 4096, 100),
            (999, 1000, 1000),
        ] {
            let mut out = Vec::new();
            ReadAhead::new(stepped(&data(n), step, false), chunk)
                .expect("thread")
                .read_to_end(&mut out)
                .expect("read");
            assert_eq!(out, data(n), "n={n} step={step} chunk={chunk}");
        }
    }

    #[test]
    fn lines_read_through_it_are_the_streams_lines() {
        let text = b"a\nbb\n\nccc\r\nlast";
        let plain: Vec<String> = text.lines().map(|l| l.expect("line")).collect();
        let ahead = ReadAhead::new(stepped(text, 3, false), 4).expect("thread");
        let through: Vec<String> = ahead.lines().map(|l| l.expect("line")).collect();
        assert_eq!(through, plain);
    }

    #[test]
    fn bytes_before_an_error_come_first_then_the_error_then_the_end() {
        let mut r = ReadAhead::new(stepped(&data(300), 50, true), 128).expect("thread");
        let mut got = Vec::new();
        let err = loop {
            let mut buf = [0u8; 40];
            match r.read(&mut buf) {
                Ok(0) => panic!("the error was lost"),
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) => break e,
            }
        };
        assert_eq!(got, data(300));
        assert_eq!(err.to_string(), "broken stream");
        assert_eq!(r.read(&mut [0u8; 8]).expect("after the error"), 0);
    }

    #[test]
    fn dropping_it_early_ends_the_thread_and_releases_the_stream() {
        let alive = std::sync::Arc::new(());
        let inner = stepped_alive(&data(1 << 20), 1000, false, alive.clone());
        let mut r = ReadAhead::new(inner, 1024).expect("thread");
        let mut first = [0u8; 10];
        r.read_exact(&mut first).expect("read");
        assert_eq!(first.to_vec(), data(10));
        drop(r);
        // The thread is blocked sending its next chunk; that send fails once the receiver is
        // gone, and the thread returns, dropping the stream.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::sync::Arc::strong_count(&alive) > 1 {
            assert!(
                std::time::Instant::now() < deadline,
                "the reading thread kept running"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}
