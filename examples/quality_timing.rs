//! Times `quality::score` alone on one thread over a JSONL file's `text` fields:
//! `cargo run --release --example quality_timing -- FILE.jsonl[.gz] [REPEAT]`.
//! Prints MB/s (CPU time of this thread, and wall clock). A profiling aid: run it under
//! `valgrind --tool=callgrind` for repeatable instruction counts.

use copydesk::config::Options;
use std::io::BufRead;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: quality_timing FILE [REPEAT]"))?;
    let repeat: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(1);
    // QUALITY_DUMP=FILE writes every verdict as JSON lines, to compare two builds.
    let dump = std::env::var_os("QUALITY_DUMP");
    let sources = copydesk::input::discover(&[path.into()])?;
    let mut texts = Vec::new();
    for s in &sources {
        for line in copydesk::input::open(s)?.lines() {
            let v: serde_json::Value = serde_json::from_str(&line?)?;
            if let Some(t) = v["text"].as_str() {
                texts.push(t.to_string());
            }
        }
    }
    let mb = texts.iter().map(String::len).sum::<usize>() as f64 / 1e6;
    let opts = Options::default();
    // Load the lexicon outside the timed loop.
    let _ = copydesk::quality::score("Warm up.", &opts.quality);
    let cpu = thread_cpu_seconds();
    let wall = Instant::now();
    let mut sum = 0.0;
    for _ in 0..repeat {
        for t in &texts {
            sum += std::hint::black_box(copydesk::quality::score(t, &opts.quality)).score;
        }
    }
    let c = thread_cpu_seconds() - cpu;
    let w = wall.elapsed().as_secs_f64();
    let total = mb * repeat as f64;
    println!(
        "quality: {} docs, {:.1} MB x{repeat}: {:.1} MB/s cpu, {:.1} MB/s wall (mean score {:.4})",
        texts.len(),
        mb,
        total / c,
        total / w,
        sum / (texts.len() * repeat).max(1) as f64
    );
    if let Some(d) = dump {
        let mut out = String::new();
        for t in &texts {
            out.push_str(&serde_json::to_string(&copydesk::quality::score(
                t,
                &opts.quality,
            ))?);
            out.push('\n');
        }
        std::fs::write(d, out)?;
    }
    Ok(())
}

/// CPU time of the calling thread in seconds (Linux `schedstat`; 0 elsewhere).
fn thread_cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}
