//! Report stage: folds the counters of every pass into `report.json` (for machines) and
//! `report.md` (for people and CI job summaries). The report is a consumer of the pipeline's
//! results; no stage knows about it.
//!
//! Everything in the report is deterministic for a given input and options except the `run`
//! object (threads, durations, throughput), which measures the run itself.

pub mod diff;
pub mod gates;
pub mod html;

use crate::config::Options;
use crate::dedup::DedupStats;
use crate::pipeline::{Grouping, IdArena, ReadCounts, ScorePass, Written};
use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

/// Bumped whenever a field changes meaning or disappears (adding fields does not bump it).
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: String,
    pub counts: Counts,
    pub bytes: Bytes,
    pub clusters: ClusterSummary,
    pub dedup: DedupStats,
    pub debris: DebrisSummary,
    pub quality: QualitySummary,
    /// Same-story groups (see `src/story/`).
    pub stories: StoriesSummary,
    pub languages: BTreeMap<String, u64>,
    /// Per-site figures for the sites with the most records (when records name a site).
    #[serde(default)]
    pub sites: Vec<SiteSummary>,
    /// The largest clusters, with members and evidence.
    #[serde(default)]
    pub largest_clusters: Vec<ClusterBrief>,
    /// Articles worth a look: the worst-scored kept ones and the best-scored dropped ones.
    #[serde(default)]
    pub samples: Samples,
    /// Results of the `--fail-if` gates, in the order given.
    #[serde(default)]
    pub gates: Vec<gates::GateResult>,
    pub options: Options,
    pub run: Run,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SiteSummary {
    pub site: String,
    pub records: u64,
    pub kept: u64,
    pub duplicates: u64,
    pub dup_rate: f64,
    pub mean_quality: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ClusterBrief {
    pub cluster: String,
    pub level: String,
    pub size: u64,
    pub kept: String,
    /// Up to `BRIEF_MEMBERS` member ids, in input order.
    pub members: Vec<String>,
    pub decided_by: String,
    /// Similarity summary or other evidence, as written in `clusters.jsonl`.
    pub evidence: serde_json::Value,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Samples {
    pub worst_kept: Vec<Sample>,
    pub best_dropped: Vec<Sample>,
}

/// One article shown in the report, with its removed lines marked in context.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Sample {
    pub id: String,
    pub quality: f64,
    pub reason: Option<String>,
    pub flags: Vec<String>,
    pub lines: Vec<SampleLine>,
    /// The article had more lines than are shown.
    pub truncated: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SampleLine {
    pub text: String,
    /// Why this line, or a span of it, was removed.
    pub removed: Option<String>,
    /// The removed span when only part of the line went.
    pub span: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Counts {
    /// Non-blank input lines (and `.txt` files): every one is kept, dropped or invalid.
    pub read: u64,
    pub kept: u64,
    pub dropped: u64,
    pub dropped_by_reason: BTreeMap<String, u64>,
    pub invalid: u64,
    pub blank_lines: u64,
    pub input_files: u64,
    pub duplicate_ids: u64,
    /// Valid records whose site and text repeat an earlier record's (re-crawls): cleaned and
    /// scored once, then kept or dropped like any other exact copy.
    #[serde(default)]
    pub repeated_texts: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Bytes {
    /// Input bytes as read (after decompression).
    pub input: u64,
    /// Bytes of article text in valid records.
    pub input_text: u64,
    /// Bytes of the `cleaned.jsonl` lines (before any `--compress`).
    pub cleaned_output: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClusterSummary {
    pub exact: u64,
    pub near: u64,
    /// Cluster size → number of clusters of that size.
    pub size_histogram: BTreeMap<u64, u64>,
    pub largest: u64,
    /// Share of valid records dropped as exact or near duplicates.
    pub dup_rate: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoriesSummary {
    #[serde(flatten)]
    pub stats: crate::story::StoryStats,
    /// The largest groups with their members and shared terms.
    pub largest: Vec<crate::story::StorySummary>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DebrisSummary {
    pub removed_by_reason: BTreeMap<String, u64>,
    pub top_removed_lines: Vec<LineCount>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LineCount {
    pub text: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QualitySummary {
    pub mean_kept: f64,
    pub mean_dropped: f64,
    /// Ten bins over 0..1: kept and dropped counts per bin.
    pub histogram_kept: Vec<u64>,
    pub histogram_dropped: Vec<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Run {
    pub threads: usize,
    pub duration_ms: u64,
    pub stage_ms: BTreeMap<String, u64>,
    /// CPU time of each stage, all threads (Linux; empty elsewhere): with `stage_ms`, how
    /// busy the cores were.
    #[serde(default)]
    pub stage_cpu_ms: BTreeMap<String, u64>,
    pub mb_per_s: f64,
    pub records_per_s: f64,
    /// Peak resident memory of the process when the report was built (Linux VmHWM), in MB.
    #[serde(default)]
    pub peak_rss_mb: Option<f64>,
    /// Disk the run's files took, in MB: the spills, band keys and sketches in the work
    /// folder and the outputs, measured once every output is written (the largest they are
    /// together; the sorted band runs of a tight `--memory-limit` are merged and deleted
    /// earlier and not counted).
    #[serde(default)]
    pub disk_mb: Option<f64>,
    /// Records whose cleaned text the score pass had scored already, in another record (a
    /// syndicated copy, say), and took from its memo. Varies with the thread count: two copies
    /// scored at the same moment both miss.
    #[serde(default)]
    pub score_memo_hits: u64,
}

pub struct Inputs<'a> {
    pub read: &'a ReadCounts,
    pub scored: &'a ScorePass,
    pub grouping: &'a Grouping,
    pub written: &'a Written,
    pub options: &'a Options,
    pub timings: &'a [crate::pipeline::StageTime],
    pub elapsed: Duration,
    pub ids: &'a IdArena,
    /// Bytes in the work folder once every output is written.
    pub disk_bytes: Option<u64>,
}

/// How many sites, clusters and member ids the report lists.
pub const TOP_SITES: usize = 50;
pub const TOP_CLUSTERS: usize = 10;
pub const BRIEF_MEMBERS: usize = 20;

fn histogram(values: &[f32]) -> Vec<u64> {
    let mut bins = vec![0u64; 10];
    for &v in values {
        bins[((v.clamp(0.0, 1.0) * 10.0) as usize).min(9)] += 1;
    }
    bins
}

fn mean(values: &[f32]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        crate::quality::round4(values.iter().map(|&v| v as f64).sum::<f64>() / values.len() as f64)
    }
}

/// How many of the most frequent removed lines the report lists.
const TOP_REMOVED: usize = 20;

pub fn build(i: Inputs<'_>) -> Report {
    let mut size_histogram = BTreeMap::new();
    let (mut exact, mut near, mut largest) = (0, 0, 0);
    for c in &i.grouping.clusters {
        let n = c.cluster.members.len() as u64;
        *size_histogram.entry(n).or_default() += 1;
        largest = largest.max(n);
        if c.cluster.exact {
            exact += 1;
        } else {
            near += 1;
        }
    }
    let dropped: u64 = i.written.dropped.values().sum();
    let dups: u64 = i
        .written
        .dropped
        .iter()
        .filter(|(r, _)| {
            matches!(
                r,
                crate::pipeline::DropReason::ExactDuplicate
                    | crate::pipeline::DropReason::NearDuplicate
            )
        })
        .map(|(_, n)| n)
        .sum();
    let valid = i.ids.len() as u64;
    let mut top: Vec<LineCount> = i
        .scored
        .removed_lines
        .iter()
        .filter(|(_, &n)| n > 1)
        .map(|(t, &n)| LineCount {
            text: t.clone(),
            count: n,
        })
        .collect();
    top.sort_by(|a, b| b.count.cmp(&a.count).then(a.text.cmp(&b.text)));
    top.truncate(TOP_REMOVED);
    let secs = i.elapsed.as_secs_f64().max(1e-9);
    Report {
        schema_version: SCHEMA_VERSION,
        tool: format!("copydesk {}", env!("CARGO_PKG_VERSION")),
        counts: Counts {
            read: i.read.records,
            kept: i.written.kept,
            dropped,
            dropped_by_reason: i
                .written
                .dropped
                .iter()
                .map(|(r, n)| (r.as_str().to_string(), *n))
                .collect(),
            invalid: i.read.invalid,
            blank_lines: i.read.blank_lines,
            input_files: i.read.files,
            duplicate_ids: i.read.duplicate_ids,
            repeated_texts: i.read.repeated_texts,
        },
        bytes: Bytes {
            input: i.read.bytes,
            input_text: i.scored.bytes_in_text,
            cleaned_output: i.written.bytes_out,
        },
        clusters: ClusterSummary {
            exact,
            near,
            size_histogram,
            largest,
            dup_rate: if valid == 0 {
                0.0
            } else {
                crate::quality::round4(dups as f64 / valid as f64)
            },
        },
        dedup: i.grouping.stats.clone(),
        debris: DebrisSummary {
            removed_by_reason: i
                .scored
                .removed_by_reason
                .iter()
                .map(|(r, n)| (r.to_string(), *n))
                .collect(),
            top_removed_lines: top,
        },
        quality: QualitySummary {
            mean_kept: mean(&i.written.quality_kept),
            mean_dropped: mean(&i.written.quality_dropped),
            histogram_kept: histogram(&i.written.quality_kept),
            histogram_dropped: histogram(&i.written.quality_dropped),
        },
        stories: StoriesSummary {
            stats: i.grouping.stories.stats.clone(),
            largest: crate::story::largest(&i.grouping.stories, |d| i.ids.get(d as usize)),
        },
        languages: i.written.languages.clone(),
        sites: site_summaries(&i.written.sites),
        largest_clusters: largest_clusters(i.grouping, i.ids),
        samples: i.written.samples.clone(),
        gates: Vec::new(),
        options: i.options.clone(),
        run: Run {
            threads: rayon::current_num_threads(),
            duration_ms: i.elapsed.as_millis() as u64,
            stage_ms: i
                .timings
                .iter()
                .map(|t| (t.stage.to_string(), t.wall.as_millis() as u64))
                .collect(),
            stage_cpu_ms: i
                .timings
                .iter()
                .filter_map(|t| Some((t.stage.to_string(), (t.cpu? * 1000.0).round() as u64)))
                .collect(),
            mb_per_s: (i.read.bytes as f64 / 1e6 / secs * 100.0).round() / 100.0,
            records_per_s: (i.read.records as f64 / secs).round(),
            peak_rss_mb: crate::bench::peak_rss_mb().map(|m| m.round()),
            disk_mb: i.disk_bytes.map(|b| (b as f64 / 1e6).round()),
            score_memo_hits: i.scored.memo_hits,
        },
    }
}

fn site_summaries(sites: &BTreeMap<String, crate::pipeline::SiteCounts>) -> Vec<SiteSummary> {
    let mut out: Vec<SiteSummary> = sites
        .iter()
        .map(|(site, c)| SiteSummary {
            site: site.clone(),
            records: c.records,
            kept: c.kept,
            duplicates: c.duplicates,
            dup_rate: crate::quality::round4(c.duplicates as f64 / c.records.max(1) as f64),
            mean_quality: crate::quality::round4(c.quality_sum / c.records.max(1) as f64),
        })
        .collect();
    out.sort_by(|a, b| b.records.cmp(&a.records).then(a.site.cmp(&b.site)));
    out.truncate(TOP_SITES);
    out
}

fn largest_clusters(grouping: &Grouping, ids: &IdArena) -> Vec<ClusterBrief> {
    let mut order: Vec<&crate::pipeline::OutCluster> = grouping.clusters.iter().collect();
    order.sort_by(|a, b| {
        b.cluster
            .members
            .len()
            .cmp(&a.cluster.members.len())
            .then(a.cluster.members[0].cmp(&b.cluster.members[0]))
    });
    order
        .into_iter()
        .take(TOP_CLUSTERS)
        .map(|c| ClusterBrief {
            cluster: c.id.clone(),
            level: if c.cluster.exact { "exact" } else { "near" }.into(),
            size: c.cluster.members.len() as u64,
            kept: ids.get(c.kept as usize).into(),
            members: c
                .cluster
                .members
                .iter()
                .take(BRIEF_MEMBERS)
                .map(|&d| ids.get(d as usize).to_string())
                .collect(),
            decided_by: serde_json::to_value(c.decided_by)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            evidence: serde_json::to_value(&c.cluster.pairs).unwrap_or_default(),
        })
        .collect()
}

impl Report {
    /// The program's own check that nothing was lost: read = kept + dropped + invalid.
    pub fn check_balance(&self) -> Result<()> {
        let c = &self.counts;
        if c.read != c.kept + c.dropped + c.invalid {
            bail!(
                "internal error: counts do not balance: read {} != kept {} + dropped {} + invalid {}",
                c.read,
                c.kept,
                c.dropped,
                c.invalid
            );
        }
        Ok(())
    }
}

/// Writes `report.json`, `report.md` and `report.html` into `dir`.
pub fn write_all(report: &Report, dir: &std::path::Path) -> Result<()> {
    use std::io::Write as _;
    crate::pipeline::write_atomic(&dir.join("report.json"), |w| {
        serde_json::to_writer_pretty(&mut *w, report)?;
        w.write_all(b"\n")?;
        Ok(())
    })?;
    crate::pipeline::write_atomic(&dir.join("report.md"), |w| {
        w.write_all(markdown(report).as_bytes())?;
        Ok(())
    })?;
    crate::pipeline::write_atomic(&dir.join("report.html"), |w| {
        w.write_all(html::render(report).as_bytes())?;
        Ok(())
    })
}

/// `copydesk report OUTDIR`: re-renders `report.md` and `report.html` from `report.json`,
/// writing each through a temporary file so a reader never sees half a report.
pub fn rerender(outdir: &std::path::Path) -> Result<Report> {
    use std::io::Write as _;
    let report = diff::load(outdir)?;
    for (name, body) in [
        ("report.md", markdown(&report)),
        ("report.html", html::render(&report)),
    ] {
        let mut tmp = tempfile::NamedTempFile::new_in(outdir)?;
        tmp.write_all(body.as_bytes())?;
        tmp.persist(outdir.join(name))
            .map_err(|e| anyhow::anyhow!("cannot write {name}: {e}"))?;
    }
    Ok(report)
}

/// Renders the report as GitHub-flavoured Markdown.
pub fn markdown(r: &Report) -> String {
    let mut s = String::new();
    let c = &r.counts;
    let pct = |n: u64| {
        if c.read == 0 {
            0.0
        } else {
            100.0 * n as f64 / c.read as f64
        }
    };
    let _ = writeln!(s, "# copydesk report\n");
    let _ = writeln!(s, "| | records | share |\n|---|---:|---:|");
    let _ = writeln!(s, "| read | {} | 100.0% |", c.read);
    let _ = writeln!(s, "| kept | {} | {:.1}% |", c.kept, pct(c.kept));
    let _ = writeln!(s, "| dropped | {} | {:.1}% |", c.dropped, pct(c.dropped));
    for (reason, n) in &c.dropped_by_reason {
        let _ = writeln!(s, "| dropped: {reason} | {n} | {:.1}% |", pct(*n));
    }
    let _ = writeln!(s, "| invalid | {} | {:.1}% |", c.invalid, pct(c.invalid));
    let _ = writeln!(
        s,
        "\nDuplicate clusters: {} exact, {} near (largest {} records); duplicate rate {:.1}%.",
        r.clusters.exact,
        r.clusters.near,
        r.clusters.largest,
        100.0 * r.clusters.dup_rate
    );
    let _ = writeln!(
        s,
        "Mean quality: {:.3} kept, {:.3} dropped.",
        r.quality.mean_kept, r.quality.mean_dropped
    );
    if !r.gates.is_empty() {
        let _ = writeln!(s, "\n## Gates\n\n| gate | value | result |\n|---|---:|---|");
        for g in &r.gates {
            let _ = writeln!(
                s,
                "| `{}` | {} | {} |",
                g.expr.replace('|', "\\|").replace('`', "'"),
                g.value,
                if g.failed { "**FAILED**" } else { "passed" }
            );
        }
    }
    if !r.clusters.size_histogram.is_empty() {
        let _ = writeln!(s, "\n## Cluster sizes\n\n| size | clusters |\n|---:|---:|");
        for (size, n) in &r.clusters.size_histogram {
            let _ = writeln!(s, "| {size} | {n} |");
        }
    }
    if !r.largest_clusters.is_empty() {
        let _ = writeln!(s, "\n## Largest clusters\n\n| cluster | level | size | kept | decided by |\n|---|---|---:|---|---|");
        for c in &r.largest_clusters {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                md_escape(&c.cluster),
                md_escape(&c.level),
                c.size,
                md_escape(&c.kept),
                md_escape(&c.decided_by)
            );
        }
    }
    if !r.sites.is_empty() {
        let _ = writeln!(s, "\n## Sites\n\n| site | records | duplicate rate | mean quality |\n|---|---:|---:|---:|");
        for site in r.sites.iter().take(10) {
            let _ = writeln!(
                s,
                "| {} | {} | {:.1}% | {:.3} |",
                md_escape(&site.site),
                site.records,
                100.0 * site.dup_rate,
                site.mean_quality
            );
        }
    }
    if !r.debris.removed_by_reason.is_empty() {
        let _ = writeln!(s, "\n## Removed debris\n\n| reason | lines |\n|---|---:|");
        for (reason, n) in &r.debris.removed_by_reason {
            let _ = writeln!(s, "| {reason} | {n} |");
        }
    }
    if !r.debris.top_removed_lines.is_empty() {
        let _ = writeln!(
            s,
            "\n## Most frequent removed lines\n\n| line | times |\n|---|---:|"
        );
        for l in &r.debris.top_removed_lines {
            let _ = writeln!(s, "| {} | {} |", md_escape(&l.text), l.count);
        }
    }
    if !r.stories.largest.is_empty() {
        let _ = writeln!(
            s,
            "\n## Largest story groups\n\n{} groups hold {} articles (one per copy cluster).\n\n| story | articles | kept | members | shared terms |\n|---|---:|---|---|---|",
            r.stories.stats.groups, r.stories.stats.grouped_articles
        );
        for g in &r.stories.largest {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                g.story,
                g.size,
                md_escape(&g.kept),
                md_escape(&g.members.join(", ")),
                md_escape(&g.evidence.join(", "))
            );
        }
    }
    if !r.languages.is_empty() {
        let _ = writeln!(
            s,
            "\n## Languages of kept records\n\n| language | records |\n|---|---:|"
        );
        for (l, n) in &r.languages {
            let _ = writeln!(s, "| {l} | {n} |");
        }
    }
    let _ = writeln!(s, "\n## Run\n\n| stage | ms | CPU ms |\n|---|---:|---:|");
    for (stage, ms) in &r.run.stage_ms {
        let cpu = r
            .run
            .stage_cpu_ms
            .get(stage)
            .map_or_else(|| "—".to_string(), u64::to_string);
        let _ = writeln!(s, "| {stage} | {ms} | {cpu} |");
    }
    let _ = writeln!(
        s,
        "\n{} threads, {} ms in all, {:.2} MB/s, {:.0} records/s. {} input bytes, {} bytes of cleaned output.",
        r.run.threads, r.run.duration_ms, r.run.mb_per_s, r.run.records_per_s, r.bytes.input, r.bytes.cleaned_output
    );
    s
}

/// Escapes text for a Markdown table cell.
fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            // Entities rather than backslashes: GitHub renders them as text in any context.
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '#' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cells_cannot_break_the_table_or_inject_html() {
        assert_eq!(md_escape("a|b <script>"), "a\\|b &lt;script&gt;");
    }

    #[test]
    fn histogram_puts_one_in_the_last_bin() {
        assert_eq!(histogram(&[0.0, 0.05, 1.0, 0.95])[9], 2);
    }
}
