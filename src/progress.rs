//! Progress reporting on stderr: indicatif bars with rate and ETA on a terminal, plain log lines
//! (start, every few seconds, end) otherwise, nothing with `--quiet`. Stages only call
//! [`Stage::inc`]; they never know which of the three is active.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Bars on a terminal, log lines otherwise.
    Auto,
    /// Plain log lines even on a terminal.
    Log,
    Quiet,
}

/// How often plain log mode prints a line during a stage.
const LOG_EVERY: Duration = Duration::from_secs(5);

pub struct Progress {
    mode: Mode,
    tty: bool,
}

impl Progress {
    pub fn new(mode: Mode) -> Self {
        Progress {
            mode,
            tty: std::io::stderr().is_terminal(),
        }
    }

    /// Starts a stage that will process `total` items (`None` when unknown).
    pub fn stage(&self, name: &'static str, total: Option<u64>, unit: &'static str) -> Stage {
        let bar = (self.mode == Mode::Auto && self.tty).then(|| {
            let bar = match total {
                Some(t) => ProgressBar::new(t),
                None => ProgressBar::new_spinner(),
            };
            let template = if total.is_some() {
                "{prefix:>8} [{bar:30}] {human_pos}/{human_len} {msg} ({per_sec}, ETA {eta})"
            } else {
                "{prefix:>8} {spinner} {human_pos} {msg} ({per_sec})"
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_prefix(name);
            bar.set_message(unit);
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        let log = self.mode != Mode::Quiet && bar.is_none();
        if log {
            match total {
                Some(t) => eprintln!("copydesk: {name}: {t} {unit}"),
                None => eprintln!("copydesk: {name}"),
            }
        }
        Stage {
            name,
            unit,
            bar,
            log,
            done: AtomicU64::new(0),
            start: Instant::now(),
            last_log: Mutex::new(Instant::now()),
        }
    }
}

pub struct Stage {
    name: &'static str,
    unit: &'static str,
    bar: Option<ProgressBar>,
    log: bool,
    done: AtomicU64,
    start: Instant,
    last_log: Mutex<Instant>,
}

impl Stage {
    pub fn inc(&self, n: u64) {
        let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
        if let Some(bar) = &self.bar {
            bar.inc(n);
        } else if self.log {
            if let Ok(mut last) = self.last_log.lock() {
                if last.elapsed() >= LOG_EVERY {
                    *last = Instant::now();
                    eprintln!(
                        "copydesk: {}: {done} {} ({:.0}/s)",
                        self.name,
                        self.unit,
                        self.rate(done)
                    );
                }
            }
        }
    }

    fn rate(&self, done: u64) -> f64 {
        done as f64 / self.start.elapsed().as_secs_f64().max(1e-9)
    }

    /// Ends the stage and returns its duration.
    pub fn finish(self) -> Duration {
        let elapsed = self.start.elapsed();
        let done = self.done.load(Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if self.log {
            eprintln!(
                "copydesk: {}: done, {done} {} in {:.2}s",
                self.name,
                self.unit,
                elapsed.as_secs_f64()
            );
        }
        elapsed
    }
}
