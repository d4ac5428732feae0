//! `copydesk diff OLD NEW`: what changed between two runs' reports — counts, drop reasons,
//! duplicate rate and the quality distribution — as a Markdown table.

use super::Report;
use anyhow::{Context, Result};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

/// Reads `report.json` from a run's output folder (or the file itself).
pub fn load(path: &Path) -> Result<Report> {
    let file = if path.is_dir() {
        path.join("report.json")
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} is not a copydesk report", file.display()))
}

fn row(out: &mut String, name: &str, old: f64, new: f64, percent: bool) {
    let f = |x: f64| {
        if percent {
            format!("{:.2}%", 100.0 * x)
        } else if x.fract() == 0.0 {
            format!("{x:.0}")
        } else {
            format!("{x:.4}")
        }
    };
    let delta = new - old;
    let sign = if delta > 0.0 { "+" } else { "" };
    let _ = writeln!(
        out,
        "| {name} | {} | {} | {sign}{} |",
        f(old),
        f(new),
        f(delta)
    );
}

/// Renders the differences between two reports.
pub fn render(old: &Report, new: &Report) -> String {
    let mut s =
        String::from("# copydesk diff\n\n| figure | old | new | change |\n|---|---:|---:|---:|\n");
    let share = |r: &Report, n: u64| {
        if r.counts.read == 0 {
            0.0
        } else {
            n as f64 / r.counts.read as f64
        }
    };
    row(
        &mut s,
        "records read",
        old.counts.read as f64,
        new.counts.read as f64,
        false,
    );
    row(
        &mut s,
        "kept",
        share(old, old.counts.kept),
        share(new, new.counts.kept),
        true,
    );
    row(
        &mut s,
        "invalid",
        share(old, old.counts.invalid),
        share(new, new.counts.invalid),
        true,
    );
    row(
        &mut s,
        "duplicate rate",
        old.clusters.dup_rate,
        new.clusters.dup_rate,
        true,
    );
    row(
        &mut s,
        "mean quality (kept)",
        old.quality.mean_kept,
        new.quality.mean_kept,
        false,
    );
    let reasons: BTreeSet<&String> = old
        .counts
        .dropped_by_reason
        .keys()
        .chain(new.counts.dropped_by_reason.keys())
        .collect();
    for r in reasons {
        let o = old.counts.dropped_by_reason.get(r).copied().unwrap_or(0);
        let n = new.counts.dropped_by_reason.get(r).copied().unwrap_or(0);
        row(
            &mut s,
            &format!("dropped: {r}"),
            share(old, o),
            share(new, n),
            true,
        );
    }
    let _ = writeln!(s, "\n## Quality distribution (share of kept records per bin)\n\n| quality | old | new | change |\n|---|---:|---:|---:|");
    let norm = |h: &[u64]| {
        let total: u64 = h.iter().sum();
        h.iter()
            .map(|&x| {
                if total == 0 {
                    0.0
                } else {
                    x as f64 / total as f64
                }
            })
            .collect::<Vec<_>>()
    };
    let (ho, hn) = (
        norm(&old.quality.histogram_kept),
        norm(&new.quality.histogram_kept),
    );
    for b in 0..ho.len().max(hn.len()) {
        let label = format!("{:.1}–{:.1}", b as f64 / 10.0, (b + 1) as f64 / 10.0);
        row(
            &mut s,
            &label,
            ho.get(b).copied().unwrap_or(0.0),
            hn.get(b).copied().unwrap_or(0.0),
            true,
        );
    }
    s
}
