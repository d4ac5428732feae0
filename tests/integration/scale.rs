//! Scale: a generated corpus of many short articles (200,000 by default; set
//! `COPYDESK_SCALE_ARTICLES` to change it) runs through `clean` with counts that balance,
//! duplicates found, and peak memory under the `--memory-limit` it was given; a budget too small
//! for the corpus stops the run early with the figure it needs. It asserts correctness and
//! memory, never speed: speed is measured by `copydesk bench` and `cargo bench`.

use crate::common::*;

/// The memory budget of the run, in MB, and the peak resident memory allowed. The per-record
/// state is a few hundred bytes, so 200,000 records need well under this; a leak of article
/// texts would not fit.
const PEAK_RSS_LIMIT_MB: f64 = 768.0;

#[test]
fn a_large_generated_corpus_balances_finds_copies_and_stays_within_memory() {
    let articles: u64 = std::env::var("COPYDESK_SCALE_ARTICLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus.jsonl");
    let status = bin()
        .args([
            "bench",
            "--short",
            "--articles",
            &articles.to_string(),
            "--generate-only",
        ])
        .arg(&corpus)
        .status()
        .expect("generate");
    assert!(status.success());
    // A budget far too small for this many records is refused while they are read, before
    // any heavy work, with the figure needed (not killed by the system halfway).
    let small = bin()
        .args(["clean", "--quiet", "--memory-limit", "256M", "-o"])
        .arg(dir.path().join("small"))
        .arg(&corpus)
        .output()
        .expect("run");
    let says = String::from_utf8_lossy(&small.stderr);
    if articles >= 200_000 {
        assert_eq!(small.status.code(), Some(2), "{says}");
        assert!(
            says.contains("--memory-limit") && says.contains("shards of at most"),
            "{says}"
        );
        assert!(!dir.path().join("small/cleaned.jsonl").exists());
    }
    let out = dir.path().join("out");
    let limit = format!("{}M", PEAK_RSS_LIMIT_MB as u64);
    clean(&[&corpus], &out, &["--memory-limit", &limit]);
    let report = read_json(&out.join("report.json"));
    let c = &report["counts"];
    let n = |k: &str| c[k].as_u64().expect("count");
    assert_eq!(n("read"), articles);
    assert_eq!(n("read"), n("kept") + n("dropped") + n("invalid"));
    assert_eq!(n("invalid"), 0);
    // The generator makes 8% exact copies and 10% near-copies.
    let dups = c["dropped_by_reason"]["exact_duplicate"]
        .as_u64()
        .unwrap_or(0)
        + c["dropped_by_reason"]["near_duplicate"]
            .as_u64()
            .unwrap_or(0);
    assert!(
        dups * 100 >= articles * 12,
        "only {dups} duplicates among {articles}"
    );
    assert!(
        dups * 100 <= articles * 25,
        "{dups} duplicates among {articles}: over-merging"
    );
    if let Some(peak) = report["run"]["peak_rss_mb"].as_f64() {
        assert!(peak < PEAK_RSS_LIMIT_MB, "peak memory {peak} MB");
    }
}
