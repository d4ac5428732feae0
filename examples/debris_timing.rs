//! Times the debris stage alone on one thread: `cargo run --release --example debris_timing --
//! FILE.jsonl[.gz] [REPS]` (statistics over the file's `text` fields, then `strip` on each,
//! best of REPS runs, CPU time of the thread). Small enough to run under
//! `valgrind --tool=callgrind` for repeatable instruction counts on a shared machine.
//!
//! `debris_timing FILE --dump OUT` writes every `strip` result instead (one JSON line per
//! document: text, removed list, character counts), to check that an optimisation leaves the
//! output byte-identical (`cmp` two dumps).

use copydesk::config::Options;
use copydesk::debris::{Debris, LineStatsBuilder};
use std::io::BufRead;

fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: debris_timing FILE [REPS]"))?;
    let second = args.next();
    let dump = match second.as_deref() {
        Some("--dump") => Some(
            args.next()
                .ok_or_else(|| anyhow::anyhow!("usage: debris_timing FILE --dump OUT"))?,
        ),
        _ => None,
    };
    let reps: usize = second.and_then(|r| r.parse().ok()).unwrap_or(3);
    let mut docs = Vec::new();
    for s in &copydesk::input::discover(&[path.into()])? {
        for line in copydesk::input::open(s)?.lines() {
            let v: serde_json::Value = serde_json::from_str(&line?)?;
            if let Some(t) = v["text"].as_str() {
                let site = v["url"].as_str().map(copydesk::input::site_of);
                docs.push((t.to_string(), site));
            }
        }
    }
    let mb = docs.iter().map(|d| d.0.len()).sum::<usize>() as f64 / 1e6;
    let opts = Options::default();
    let mut b = LineStatsBuilder::new(&opts.debris);
    for (t, site) in &docs {
        b.add(site.as_deref(), t);
    }
    let stats = b.finish();
    let debris = Debris::new(&opts.debris)?;
    if let Some(out) = dump {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(&out)?);
        for (t, site) in &docs {
            let s = debris.strip(t, site.as_deref(), &stats);
            let rec = serde_json::json!({
                "text": s.text,
                "removed": s.removed,
                "debris_chars": s.debris_chars,
                "total_chars": s.total_chars,
            });
            writeln!(w, "{rec}")?;
        }
        w.flush()?;
        println!("{} docs dumped to {out}", docs.len());
        return Ok(());
    }
    let mut best = f64::INFINITY;
    let mut removed = 0usize;
    for _ in 0..reps.max(1) {
        let started = std::time::Instant::now();
        let c0 = thread_cpu_seconds();
        removed = docs
            .iter()
            .map(|(t, site)| debris.strip(t, site.as_deref(), &stats).removed.len())
            .sum();
        let s = match (c0, thread_cpu_seconds()) {
            (Some(a), Some(b)) => b - a,
            _ => started.elapsed().as_secs_f64(),
        };
        best = best.min(s);
    }
    println!(
        "{} docs, {mb:.1} MB, {removed} removals: debris {:.1} ms, {:.1} MB/s (one core, CPU time)",
        docs.len(),
        best * 1e3,
        mb / best
    );
    Ok(())
}
