//! The `clean` job: read → strip debris → normalize → fingerprint & score → group → select →
//! write. Each arrow is a pass over compact state or a spill file; only the per-document
//! [`DocState`] (a few dozen bytes plus LSH keys) stays in memory across passes, never the texts.
//!
//! Passes:
//! 1. **read**: inputs are streamed by one reader thread in batches, parsed in parallel, and
//!    spilled (`records.spill`); corpus line statistics for the debris stage are counted.
//! 2. **score**: every spilled record is cleaned of debris, tokenized, fingerprinted and scored
//!    in parallel; cleaned text and annotations go to `cleaned.spill`.
//! 3. **group**: exact groups, LSH candidates, verification (re-reading cleaned texts of the
//!    candidates only), union-find, and the keep decision per cluster.
//! 4. **write**: both spills are read in input order and every record is written to
//!    `cleaned.jsonl` or `dropped.jsonl`; clusters and reports follow. All outputs are written in
//!    a temporary folder inside OUTDIR and renamed into place at the end.

use crate::batches;
use crate::config::Options;
use crate::debris::{Debris, LineStats, LineStatsBuilder};
use crate::dedup::{self, DedupStats, DocSets};
use crate::fingerprint;
use crate::input::{self, InvalidLine, RawLine, Record, Source, SourceKind};
use crate::memory;
use crate::normalize::{self, Tokens};
use crate::output;
use crate::prehash::PreHashedMap;
use crate::progress::{Mode, Progress};
use crate::quality::{self, Quality};
use crate::report::{self, Report};
use crate::select::{self, Candidate, DecidedBy};
use crate::spill::{self, pack, unpack, SpillReader, SpillWriter};
use anyhow::{anyhow, bail, Context, Result};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;
use std::time::{Duration, Instant};

/// How long one pass took: wall time, and CPU time of all threads when the OS reports it.
#[derive(Debug, Clone, Copy)]
pub struct StageTime {
    pub stage: &'static str,
    pub wall: Duration,
    pub cpu: Option<f64>,
}

/// Everything a `clean` run needs.
#[derive(Debug, Clone)]
pub struct CleanJob {
    pub inputs: Vec<PathBuf>,
    pub outdir: PathBuf,
    pub options: Options,
    pub progress: Mode,
}

/// Why a record was not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    Empty,
    MostlyDebris,
    Language,
    LowQuality,
    ExactDuplicate,
    NearDuplicate,
    /// `--collapse stories`: another article of the same story was kept.
    SameStory,
}

impl DropReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::Empty => "empty",
            DropReason::MostlyDebris => "mostly_debris",
            DropReason::Language => "language",
            DropReason::LowQuality => "low_quality",
            DropReason::ExactDuplicate => "exact_duplicate",
            DropReason::NearDuplicate => "near_duplicate",
            DropReason::SameStory => "same_story",
        }
    }
}

/// Compact state of one valid record, kept in memory across passes.
#[derive(Debug, Clone)]
pub struct DocState {
    /// Offset of the record in `records.spill`.
    pub raw_at: u64,
    /// Offset of the cleaned text and annotations in `cleaned.spill`.
    pub clean_at: u64,
    /// Hash of the normalized token sequence (0 when there is no token).
    pub exact: u64,
    pub quality: f64,
    /// Characters of cleaned text.
    pub chars: u64,
    /// Set when a filter (not deduplication) drops the record.
    pub filtered: Option<DropReason>,
    pub lang: Option<String>,
}

/// The outcome of a run, as returned to the caller (the CLI prints it).
#[derive(Debug, Clone)]
pub struct Summary {
    pub report: Report,
    pub outdir: PathBuf,
}

/// An invalid line under `--strict`: the run stops with exit status 2.
#[derive(Debug)]
pub struct StrictError(pub InvalidLine);

impl std::fmt::Display for StrictError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {} (--strict stops at the first unreadable line)",
            self.0.file, self.0.line, self.0.error
        )
    }
}

impl std::error::Error for StrictError {}

/// Runs the whole `clean` job.
pub fn run(job: &CleanJob) -> Result<Summary> {
    let started = Instant::now();
    let gates = job
        .options
        .gates
        .iter()
        .map(|g| report::gates::parse(g).map(|p| (g.clone(), p)))
        .collect::<Result<Vec<_>>>()?;
    let sources = input::discover(&job.inputs)?;
    std::fs::create_dir_all(&job.outdir)
        .with_context(|| format!("cannot create output folder {}", job.outdir.display()))?;
    let work = tempfile::Builder::new()
        .prefix(".copydesk-tmp-")
        .tempdir_in(&job.outdir)
        .with_context(|| format!("cannot write in output folder {}", job.outdir.display()))?;
    let progress = Progress::new(job.progress);
    let opts = &job.options;
    let plan = memory::Plan::new(opts.memory_limit.as_deref())?;
    let mut timings: Vec<StageTime> = Vec::new();
    let mut cpu = crate::bench::process_cpu_seconds();
    let mut timed = |stage: &'static str, wall: Duration| {
        let now = crate::bench::process_cpu_seconds();
        let used = now.zip(cpu).map(|(n, c)| n - c);
        cpu = now;
        StageTime {
            stage,
            wall,
            cpu: used,
        }
    };

    // Pass 1: read. The debris automata and the quality tables are built meanwhile: reading
    // leaves the workers idle much of the time, and building them is a fixed cost that would
    // otherwise hold up the first scoring batch.
    let stage = progress.stage("read", None, "records");
    let (read, debris) = rayon::join(
        || read_pass(&sources, work.path(), opts, &plan, &stage),
        || rayon::join(|| Debris::new(&opts.debris), quality::preload).0,
    );
    let (read, debris) = (read?, debris?);
    timings.push(timed("read", stage.finish()));

    // Pass 2: strip debris, fingerprint, score.
    let stage = progress.stage("score", Some(read.ids.len() as u64), "records");
    let mut scored = score_pass(&read, &debris, work.path(), opts, &plan, &stage)?;
    timings.push(timed("score", stage.finish()));

    // Pass 3: group and select.
    let stage = progress.stage("group", Some(scored.docs.len() as u64), "records");
    let grouping = group_pass(&mut scored, &read.spill, opts, &plan, &stage)?;
    timings.push(timed("group", stage.finish()));

    // Pass 4: write.
    let stage = progress.stage("write", Some(scored.docs.len() as u64), "records");
    let written = write_pass(&read, &scored, &grouping, work.path(), opts, &plan, &stage)?;
    timings.push(timed("write", stage.finish()));

    let elapsed = started.elapsed();
    let mut report = report::build(report::Inputs {
        read: &read.counts,
        scored: &scored,
        grouping: &grouping,
        written: &written,
        options: opts,
        timings: &timings,
        elapsed,
        ids: &read.ids,
        disk_bytes: folder_bytes(work.path()).ok(),
    });
    report.check_balance()?;
    report.gates = report::gates::evaluate(&report, &gates);
    report::write_all(&report, work.path())?;
    move_outputs(work.path(), &job.outdir, opts.output.compress)?;
    Ok(Summary {
        report,
        outdir: job.outdir.clone(),
    })
}

/// Bytes of the files directly in `dir`.
fn folder_bytes(dir: &Path) -> std::io::Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        let meta = entry?.metadata()?;
        if meta.is_file() {
            total += meta.len();
        }
    }
    Ok(total)
}

/// Moves the finished outputs from the work folder into the output folder, and removes the
/// copies an earlier run wrote there with another `compress` setting, so that the folder
/// never mixes two runs.
fn move_outputs(work: &Path, outdir: &Path, compress: input::Compression) -> Result<()> {
    use input::Compression as C;
    let move_in = |from: &Path, name: &str| {
        std::fs::rename(from, outdir.join(name))
            .with_context(|| format!("cannot move {name} into {}", outdir.display()))
    };
    for name in output::JSONL_OUTPUTS {
        let file = output::output_name(name, compress);
        move_in(&work.join(&file), &file)?;
        for other in [C::None, C::Gzip, C::Zstd]
            .into_iter()
            .filter(|&c| c != compress)
        {
            let stale = output::output_path(outdir, name, other);
            match std::fs::remove_file(&stale) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(e).with_context(|| {
                        format!("cannot remove an earlier run's {}", stale.display())
                    })
                }
                _ => {}
            }
        }
    }
    for name in ["report.json", "report.md", "report.html"] {
        move_in(&work.join(name), name)?;
    }
    Ok(())
}

pub(crate) fn write_atomic(
    path: &Path,
    body: impl FnOnce(&mut BufWriter<File>) -> Result<()>,
) -> Result<()> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = BufWriter::new(file);
    body(&mut w)?;
    w.flush()?;
    Ok(())
}

/// Ids of the valid records, in input order, in one arena.
#[derive(Debug, Default)]
pub struct IdArena {
    buf: String,
    ends: Vec<usize>,
}

impl IdArena {
    pub fn push(&mut self, id: &str) {
        self.buf.push_str(id);
        self.ends.push(self.buf.len());
    }
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.buf[start..self.ends[i]]
    }
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// Counters of the read pass.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ReadCounts {
    pub records: u64,
    pub invalid: u64,
    pub blank_lines: u64,
    pub bytes: u64,
    pub files: u64,
    pub duplicate_ids: u64,
    /// Records whose site and text repeat an earlier record's.
    pub repeated_texts: u64,
}

pub struct ReadPass {
    pub ids: IdArena,
    pub raw_at: Vec<u64>,
    /// Per record: the index of the first record with the same site and text (an exact copy,
    /// which the score pass does not score again), or [`NOT_A_COPY`].
    pub copy_of: Vec<u32>,
    pub spill: SpillReader,
    pub line_stats: LineStats,
    pub counts: ReadCounts,
}

/// A parsed line with its spill entry and its [`TextKeys`], or why it could not be read.
type ParsedLine = std::result::Result<(Record, Vec<u8>, TextKeys), InvalidLine>;
/// A batch of raw lines, each parsed (`None`: blank), with the batch's line statistics.
type ParsedBatch = (
    Vec<RawLine>,
    Vec<Option<ParsedLine>>,
    Option<LineStatsBuilder>,
);

/// A message from the reader thread.
enum Batch {
    Lines(Vec<RawLine>),
    Failed(anyhow::Error),
}

/// Reads every source in order on one thread, sending batches of raw lines (sized by `plan`).
fn reader_thread(
    sources: Vec<Source>,
    max_line: usize,
    plan: memory::Plan,
    tx: std::sync::mpsc::SyncSender<Batch>,
) {
    for (si, source) in sources.iter().enumerate() {
        let mut reader = match input::open(source) {
            Ok(r) => r,
            Err(e) => {
                let _ = tx.send(Batch::Failed(e));
                return;
            }
        };
        let mut batch = Vec::new();
        let mut batch_bytes = 0usize;
        if source.kind == SourceKind::Text {
            let mut bytes = Vec::new();
            let limited = (&mut reader)
                .take(max_line as u64 + 1)
                .read_to_end(&mut bytes);
            let truncated = bytes.len() > max_line;
            bytes.truncate(max_line);
            batch.push(RawLine {
                source: si as u32,
                line: 1,
                bytes,
                truncated,
                read_error: limited.err().map(|e| e.to_string()),
            });
        } else {
            let mut line_no = 0u64;
            loop {
                let mut buf = Vec::new();
                line_no += 1;
                match input::read_capped_line(&mut reader, &mut buf, max_line) {
                    Ok(None) => break,
                    Ok(Some(truncated)) => {
                        batch_bytes += buf.len();
                        batch.push(RawLine {
                            source: si as u32,
                            line: line_no,
                            bytes: buf,
                            truncated,
                            read_error: None,
                        });
                    }
                    Err(e) => {
                        // The stream is broken (a truncated archive, say): record it and move on
                        // to the next input.
                        batch.push(RawLine {
                            source: si as u32,
                            line: line_no,
                            bytes: buf,
                            truncated: false,
                            read_error: Some(e.to_string()),
                        });
                        break;
                    }
                }
                if batch.len() >= plan.batch_records || batch_bytes >= plan.batch_bytes {
                    if tx.send(Batch::Lines(std::mem::take(&mut batch))).is_err() {
                        return;
                    }
                    batch_bytes = 0;
                }
            }
        }
        if !batch.is_empty() && tx.send(Batch::Lines(batch)).is_err() {
            return;
        }
    }
}

/// What a read-and-parse-only pass saw.
#[derive(Debug, Clone, Copy, Default)]
pub struct FloorCounts {
    pub records: u64,
    pub bytes: u64,
}

/// Reads and parses every input exactly as the read pass does (same reader thread, same
/// batches, same parallel parse) and does nothing else: the I/O floor `copydesk bench`
/// compares the whole pipeline with.
pub fn read_and_parse_only(sources: &[Source], opts: &Options) -> Result<FloorCounts> {
    let (tx, rx) = sync_channel::<Batch>(READ_AHEAD);
    let owned = sources.to_vec();
    let max_line = opts.input.max_line_bytes;
    let plan = memory::Plan::new(opts.memory_limit.as_deref())?;
    let reader = std::thread::spawn(move || reader_thread(owned, max_line, plan, tx));
    let mut counts = FloorCounts::default();
    for batch in rx {
        let lines = match batch {
            Batch::Lines(lines) => lines,
            Batch::Failed(e) => return Err(e),
        };
        let valid: usize = lines
            .par_iter()
            .map(|raw| {
                let source = &sources[raw.source as usize];
                usize::from(!is_blank(&raw.bytes) && input::parse(raw, source, &opts.input).is_ok())
            })
            .sum();
        counts.records += valid as u64;
        counts.bytes += lines.iter().map(|l| l.bytes.len() as u64 + 1).sum::<u64>();
    }
    reader
        .join()
        .map_err(|_| anyhow!("the input reader thread panicked"))?;
    Ok(counts)
}

fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

/// Batches the input reader thread may queue (the pipeline fetches two more ahead).
const READ_AHEAD: usize = 1;

fn read_pass(
    sources: &[Source],
    work: &Path,
    opts: &Options,
    plan: &memory::Plan,
    stage: &crate::progress::Stage,
) -> Result<ReadPass> {
    let (tx, rx) = sync_channel::<Batch>(READ_AHEAD);
    let owned = sources.to_vec();
    let max_line = opts.input.max_line_bytes;
    let plan_for_reader = *plan;
    let reader = std::thread::spawn(move || reader_thread(owned, max_line, plan_for_reader, tx));

    let mut spill = SpillWriter::create(&work.join("records.spill"), opts.output.compress_spill)?;
    let mut invalid_out = output::JsonlWriter::create(work, "invalid.jsonl", opts.output.compress)?;
    let mut ids = IdArena::default();
    let mut raw_at = Vec::new();
    let mut counts = ReadCounts {
        files: sources.len() as u64,
        ..ReadCounts::default()
    };
    let mut stats = LineStatsBuilder::new(&opts.debris);
    let mut seen_ids: HashSet<u64> = HashSet::new();
    let mut seen_texts: HashSet<u64> = HashSet::new();
    // The first record of every (site, text), to find the later copies; dropped after the pass.
    let mut first_of_copy: PreHashedMap<u128, u32> = PreHashedMap::default();
    let mut copy_of: Vec<u32> = Vec::new();
    let fetch = rx.into_iter().map(|batch| match batch {
        Batch::Lines(lines) => Ok(lines),
        Batch::Failed(e) => Err(e),
    });
    // Parsing and the batch's line statistics run on the workers; spilling, counting and
    // merging the statistics run on the fold thread, overlapping the next batch.
    let parse = |lines: Vec<RawLine>| -> Result<ParsedBatch> {
        let parsed: Vec<Option<ParsedLine>> = lines
            .par_iter()
            .map(|raw| {
                if raw.read_error.is_none() && !raw.truncated && is_blank(&raw.bytes) {
                    return None;
                }
                let source = &sources[raw.source as usize];
                Some(input::parse(raw, source, &opts.input).map(|rec| {
                    let entry = spill_entry(&rec, raw);
                    let keys = TextKeys::of(&rec);
                    (rec, entry, keys)
                }))
            })
            .collect();
        let mut batch_stats = None;
        if opts.debris.enabled {
            // A text seen before (an exact copy) adds nothing to the line statistics: otherwise
            // every line of a much-copied article would look like a site template.
            let first_copy: Vec<bool> = parsed
                .iter()
                .map(|p| match p {
                    Some(Ok((_, _, keys))) => seen_texts.insert(keys.text),
                    _ => false,
                })
                .collect();
            batch_stats = Some(
                parsed
                    .par_iter()
                    .zip(first_copy.par_iter())
                    .fold(
                        || LineStatsBuilder::new(&opts.debris),
                        |mut b, (p, &first)| {
                            if let (Some(Ok((rec, _, _))), true) = (p, first) {
                                b.add(rec.site.as_deref(), &rec.text);
                            }
                            b
                        },
                    )
                    .reduce(
                        || LineStatsBuilder::new(&opts.debris),
                        |mut a, b| {
                            a.merge(b);
                            a
                        },
                    ),
            );
        }
        Ok((lines, parsed, batch_stats))
    };
    let fold = |(lines, parsed, batch_stats): ParsedBatch| -> Result<()> {
        if let Some(b) = batch_stats {
            stats.merge(b);
        }
        for (raw, p) in lines.iter().zip(parsed) {
            counts.bytes += raw.bytes.len() as u64 + 1;
            match p {
                None => counts.blank_lines += 1,
                Some(Ok((rec, entry, keys))) => {
                    counts.records += 1;
                    let key = xxhash_rust::xxh3::xxh3_64(rec.id.as_bytes());
                    if !seen_ids.insert(key) {
                        counts.duplicate_ids += 1;
                    }
                    let index = ids.len() as u32;
                    let first = *first_of_copy.entry(keys.copy).or_insert(index);
                    copy_of.push(if first == index {
                        NOT_A_COPY
                    } else {
                        counts.repeated_texts += 1;
                        first
                    });
                    ids.push(&rec.id);
                    raw_at.push(spill.append(&entry)?);
                }
                Some(Err(bad)) => {
                    if opts.strict {
                        return Err(StrictError(bad).into());
                    }
                    counts.records += 1;
                    counts.invalid += 1;
                    serde_json::to_writer(&mut invalid_out, &bad)?;
                    invalid_out.write_all(b"\n")?;
                }
            }
        }
        stage.inc(lines.len() as u64);
        // Stop as soon as the records read so far cannot fit (after the last batch, this is
        // the check of the whole input).
        plan.check(ids.len() as u64)
    };
    batches::pipelined(fetch, parse, fold)?;
    reader
        .join()
        .map_err(|_| anyhow!("the input reader thread panicked"))?;
    invalid_out.finish()?;
    drop(first_of_copy);
    Ok(ReadPass {
        ids,
        raw_at,
        copy_of,
        spill: spill.finish()?,
        line_stats: stats.finish(),
        counts,
    })
}

/// `copy_of` of a record that is the first with its site and text.
pub const NOT_A_COPY: u32 = u32::MAX;

/// A record's text hashed once, on the workers, for the read pass's two look-ups.
struct TextKeys {
    /// The text alone: has the text been seen before (the line statistics count it once)?
    text: u64,
    /// The (site, text) pair: everything the score pass reads, so two records with one key
    /// get the same cleaned text, annotations, fingerprints and verdicts (a re-crawl). 128
    /// bits, so that a collision, which would give a record another's text, is out of reach
    /// at any corpus size.
    copy: u128,
}

impl TextKeys {
    fn of(rec: &Record) -> TextKeys {
        let text = xxhash_rust::xxh3::xxh3_128(rec.text.as_bytes());
        // The site is hashed after the text's hash, not the text again.
        let mut pair = xxhash_rust::xxh3::Xxh3::new();
        pair.update(&text.to_le_bytes());
        pair.update(rec.site.as_deref().unwrap_or("").as_bytes());
        TextKeys {
            text: text as u64,
            copy: pair.digest128(),
        }
    }
}

/// What the read pass spills per record: site, text and the original record. When the text is
/// a top-level string of the input line it is not stored a second time: the entry holds an
/// empty text and, as a fourth field, the string's byte range in the line, from which
/// [`RawEntry::text`] decodes it. The spill so takes about the input's size, not twice it. A
/// fifth field, the line's [`input::field_map`], lets later passes reach its fields unparsed.
fn spill_entry(rec: &Record, raw: &RawLine) -> Vec<u8> {
    let site = rec.site.as_deref().unwrap_or("").as_bytes();
    match (&rec.built, &rec.text_span) {
        (Some(built), _) => pack(&[site, rec.text.as_bytes(), built]),
        (None, Some(span)) => {
            let mut at = [0u8; 16];
            at[..8].copy_from_slice(&(span.start as u64).to_le_bytes());
            at[8..].copy_from_slice(&(span.end as u64).to_le_bytes());
            match &rec.field_map {
                Some(map) => pack(&[site, b"", &raw.bytes, &at, map]),
                None => pack(&[site, b"", &raw.bytes, &at]),
            }
        }
        (None, None) => pack(&[site, rec.text.as_bytes(), &raw.bytes]),
    }
}

/// A read-spill entry split into its fields (see [`spill_entry`]).
struct RawEntry<'a> {
    site: &'a [u8],
    stored_text: &'a [u8],
    original: &'a [u8],
    /// The text's JSON string in `original`, when it is not stored.
    span: Option<std::ops::Range<usize>>,
    /// Where `original`'s top-level fields stand ([`input::fields_from_map`]), when known.
    field_map: Option<&'a [u8]>,
}

impl<'a> RawEntry<'a> {
    fn split(entry: &'a [u8]) -> Result<RawEntry<'a>> {
        let fields = unpack(entry)?;
        let (site, stored_text, original, at, field_map) = match fields[..] {
            [site, text, original] => (site, text, original, None, None),
            [site, text, original, at] => (site, text, original, Some(at), None),
            [site, text, original, at, map] => (site, text, original, Some(at), Some(map)),
            _ => bail!("corrupt record spill entry"),
        };
        let span = match at.map(<[u8; 16]>::try_from) {
            None => None,
            Some(Ok(at)) => {
                let (mut a, mut b) = ([0u8; 8], [0u8; 8]);
                a.copy_from_slice(&at[..8]);
                b.copy_from_slice(&at[8..]);
                Some(u64::from_le_bytes(a) as usize..u64::from_le_bytes(b) as usize)
            }
            Some(Err(_)) => bail!("corrupt record spill entry"),
        };
        Ok(RawEntry {
            site,
            stored_text,
            original,
            span,
            field_map,
        })
    }

    /// The line's top-level fields (key, raw value) as the read pass located them, when it
    /// did; an error when the spilled map does not fit the line.
    fn top_level(&self) -> Result<Option<input::TopFields<'a>>> {
        self.field_map
            .map(|map| {
                input::fields_from_map(map, self.original)
                    .ok_or_else(|| anyhow!("corrupt field map in the record spill"))
            })
            .transpose()
    }

    /// The record's text: borrowed from the spill unless its JSON string holds escapes.
    fn text(&self) -> Result<Cow<'a, str>> {
        let Some(span) = self.span.clone() else {
            return Ok(Cow::Borrowed(std::str::from_utf8(self.stored_text)?));
        };
        let literal = self
            .original
            .get(span)
            .filter(|l| l.len() >= 2)
            .ok_or_else(|| anyhow!("corrupt record spill entry"))?;
        Ok(if literal.contains(&b'\\') {
            Cow::Owned(serde_json::from_slice(literal)?)
        } else {
            // A JSON string without escapes is its own text (control characters cannot occur).
            Cow::Borrowed(std::str::from_utf8(&literal[1..literal.len() - 1])?)
        })
    }
}

pub struct ScorePass {
    pub docs: Vec<DocState>,
    /// LSH band keys of the records that take part in near-copy detection.
    pub lsh_docs: Vec<u32>,
    pub lsh_keys: dedup::bands::BandStore,
    /// One similarity sketch per record (zeros for those without band keys).
    pub sketches: dedup::sketch::SketchReader,
    pub spill: SpillReader,
    pub removed_by_reason: BTreeMap<&'static str, u64>,
    pub removed_lines: HashMap<String, u64>,
    pub bytes_in_text: u64,
    /// Records whose cleaned text the score memo held (not scored again). Depends on the
    /// order the workers met the texts in, so it is reported with the run's measurements.
    pub memo_hits: u64,
}

/// Per-record result of the score pass before it is folded into compact state.
struct Scored {
    state: DocState,
    keys: Vec<u64>,
    sketch: Vec<u8>,
    entry: Vec<u8>,
    removed: Vec<(&'static str, String)>,
    text_bytes: u64,
}

/// What the score stage computes from a cleaned text alone, whatever record it came from:
/// kept in the score pass's [`Memo`](crate::memo::Memo) so that a text met again is not
/// tokenized, scored and fingerprinted again.
struct TextScore {
    /// Hash of the normalized tokens (0: no token).
    exact: u64,
    score: f64,
    lang: Option<String>,
    /// The quality verdict as the output carries it.
    quality: output::QualityFields,
    chars: u64,
    /// LSH band keys and similarity sketch, computed when the text passes the text-level
    /// filters (language, quality) and near-copy detection is on; empty otherwise.
    keys: Vec<u64>,
    sketch: Vec<u8>,
}

impl TextScore {
    fn of(text: &str, opts: &Options) -> Result<TextScore> {
        let mut tokens = Tokens::default();
        normalize::tokenize(text, &mut tokens);
        let exact = normalize::exact_hash(&tokens.hashes);
        let quality = quality::score(text, &opts.quality);
        let mut keys = Vec::new();
        let mut sketch = Vec::new();
        let passes = text_filters(quality.score, quality.lang.as_deref(), opts).is_none();
        if exact != 0 && opts.dedup.near && passes {
            let mut sh = Vec::new();
            let k = fingerprint::shingle_size(
                &tokens,
                opts.dedup.shingle_words,
                opts.dedup.shingle_chars,
            );
            fingerprint::shingles(&tokens.hashes, k, &mut sh);
            let slots = opts.dedup.bands * opts.dedup.rows;
            let mut sig = Vec::new();
            if fingerprint::minhash(&sh, slots, &mut sig) {
                fingerprint::band_keys(&sig, opts.dedup.rows, &mut keys);
                // The sketch records the set size, as verification will count it.
                let distinct = fingerprint::distinct_count(&sh, &mut Vec::new());
                dedup::sketch::encode(distinct, &sig, slots, &mut sketch);
            }
        }
        Ok(TextScore {
            exact,
            score: quality.score,
            quality: output::QualityFields::of(&quality)?,
            lang: quality.lang,
            chars: text.chars().count() as u64,
            keys,
            sketch,
        })
    }

    /// About how much memory it holds in the memo (with its map entry), for the budget.
    fn bytes(&self) -> usize {
        std::mem::size_of::<TextScore>()
            + 64
            + self.quality.json_bytes()
            + self.keys.len() * 8
            + self.sketch.len()
            + self.lang.as_ref().map_or(0, String::len)
    }
}

/// The filters that depend on a text's quality verdict alone, in their order: `language`,
/// then `low_quality` (`None`: it passes both).
fn text_filters(score: f64, lang: Option<&str>, opts: &Options) -> Option<DropReason> {
    let languages = &opts.quality.languages;
    if !languages.is_empty() && !lang.is_some_and(|l| languages.iter().any(|x| x == l)) {
        Some(DropReason::Language)
    } else if score < opts.quality.min_quality {
        Some(DropReason::LowQuality)
    } else {
        None
    }
}

/// The score pass's memo of [`TextScore`]s (about 3 KB each for a news article, most of it the
/// quality verdict's JSON), sized by the memory plan.
type ScoreMemo = crate::memo::Memo<TextScore>;

fn score_one(
    entry: &[u8],
    debris: &Debris,
    stats: &LineStats,
    opts: &Options,
    memo: &ScoreMemo,
) -> Result<Scored> {
    let entry = RawEntry::split(entry)?;
    let site = std::str::from_utf8(entry.site)?;
    let site = (!site.is_empty()).then_some(site);
    let text = entry.text()?;
    let text = &*text;
    let stripped = if opts.debris.enabled {
        debris.strip(text, site, stats)
    } else {
        crate::debris::Stripped {
            text: text.to_string(),
            ..Default::default()
        }
    };
    let key = crate::memo::key(&stripped.text);
    let by_text = match memo.get(key) {
        Some(found) => found,
        None => {
            let computed = std::sync::Arc::new(TextScore::of(&stripped.text, opts)?);
            memo.insert(key, std::sync::Arc::clone(&computed), computed.bytes());
            computed
        }
    };
    let debris_share = stripped.debris_share();
    let filtered = if by_text.exact == 0 {
        Some(if stripped.removed.is_empty() {
            DropReason::Empty
        } else {
            DropReason::MostlyDebris
        })
    } else if opts.debris.enabled && debris_share > opts.debris.max_debris_share {
        Some(DropReason::MostlyDebris)
    } else {
        text_filters(by_text.score, by_text.lang.as_deref(), opts)
    };
    let (keys, sketch) = if filtered.is_none() {
        (by_text.keys.clone(), by_text.sketch.clone())
    } else {
        (Vec::new(), Vec::new())
    };
    let removed = stripped
        .removed
        .iter()
        .map(|r| (r.reason, r.text.trim().to_string()))
        .collect();
    let removed_json = serde_json::to_vec(&stripped.removed)?;
    let share_json = serde_json::to_vec(&quality::round4(debris_share))?;
    let annotations = output::Annotations {
        quality: by_text.quality.json(),
        removed: &removed_json,
        debris_share: &share_json,
    };
    let mut fields = vec![stripped.text.as_bytes()];
    fields.extend(annotations.fields());
    let entry = pack(&fields);
    Ok(Scored {
        state: DocState {
            raw_at: 0,
            clean_at: 0,
            exact: by_text.exact,
            quality: by_text.score,
            chars: by_text.chars,
            filtered,
            lang: by_text.lang.clone(),
        },
        keys,
        sketch,
        entry,
        removed,
        text_bytes: text.len() as u64,
    })
}

/// What the score pass makes of one record.
enum Scoring {
    Scored(Scored),
    /// An exact copy (same site and text) of the record with this index, not scored again: it
    /// shares that record's cleaned-spill entry and verdicts, and takes no part in near-copy
    /// detection (its exact group already holds it).
    CopyOf(u32),
}

/// Removed lines remembered for the "most frequent removed lines" table; rarer ones are pruned
/// when the table grows past this, so memory stays bounded on any corpus.
const REMOVED_LINES_CAP: usize = 200_000;

fn score_pass(
    read: &ReadPass,
    debris: &Debris,
    work: &Path,
    opts: &Options,
    plan: &memory::Plan,
    stage: &crate::progress::Stage,
) -> Result<ScorePass> {
    let mut spill = SpillWriter::create(&work.join("cleaned.spill"), opts.output.compress_spill)?;
    let mut bands = dedup::bands::BandWriter::create(work, opts.dedup.bands)?;
    let mut sketches = dedup::sketch::SketchWriter::create(
        &work.join("sketches.bin"),
        opts.dedup.bands * opts.dedup.rows,
    )?;
    let mut docs: Vec<DocState> = Vec::with_capacity(read.ids.len());
    let mut lsh_docs = Vec::new();
    let mut removed_by_reason: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut removed_lines: HashMap<String, u64> = HashMap::new();
    let mut bytes_in_text = 0u64;
    let mut index = 0usize;
    // Later copies per first record: its removed lines and text bytes count once per copy,
    // as if each copy had been scored.
    let mut copies: PreHashedMap<u32, u64> = PreHashedMap::default();
    for &first in &read.copy_of {
        if first != NOT_A_COPY {
            *copies.entry(first).or_default() += 1;
        }
    }
    let memo = ScoreMemo::new(plan.score_memo_bytes);
    let score_batch = |(base, batch): (usize, Vec<Vec<u8>>)| -> Result<Vec<Scoring>> {
        batch
            .par_iter()
            .enumerate()
            .map(|(k, e)| match read.copy_of[base + k] {
                NOT_A_COPY => Ok(Scoring::Scored(score_one(
                    e,
                    debris,
                    &read.line_stats,
                    opts,
                    &memo,
                )?)),
                first => Ok(Scoring::CopyOf(first)),
            })
            .collect()
    };
    let fold = |results: Vec<Scoring>| -> Result<()> {
        let n = results.len() as u64;
        for result in results {
            let raw_at = read.raw_at[index];
            let mut r = match result {
                Scoring::Scored(r) => r,
                Scoring::CopyOf(first) => {
                    // Its first record was folded before it (batches fold in input order).
                    let state = DocState {
                        raw_at,
                        ..docs[first as usize].clone()
                    };
                    // An empty entry keeps the spill in step with the records; the write pass
                    // reads the first record's entry at `clean_at` instead.
                    spill.append(&[])?;
                    sketches.push(&[])?;
                    docs.push(state);
                    index += 1;
                    continue;
                }
            };
            let weight = 1 + copies.get(&(index as u32)).copied().unwrap_or(0);
            r.state.raw_at = raw_at;
            r.state.clean_at = spill.append(&r.entry)?;
            if !r.keys.is_empty() {
                lsh_docs.push(index as u32);
                bands.push(&r.keys)?;
            }
            sketches.push(&r.sketch)?;
            for (reason, text) in r.removed {
                *removed_by_reason.entry(reason).or_default() += weight;
                if text.chars().count() <= 200 {
                    *removed_lines.entry(text).or_default() += weight;
                }
            }
            if removed_lines.len() > REMOVED_LINES_CAP {
                removed_lines.retain(|_, n| *n > 1);
            }
            bytes_in_text += r.text_bytes * weight;
            docs.push(r.state);
            index += 1;
        }
        stage.inc(n);
        Ok(())
    };
    let mut next_base = 0usize;
    let numbered = batches::chunked(read.spill.sequential()?, plan.batch_records).map(|batch| {
        batch.map(|b| {
            let base = next_base;
            next_base += b.len();
            (base, b)
        })
    });
    batches::pipelined(numbered, score_batch, fold)?;
    Ok(ScorePass {
        docs,
        lsh_docs,
        lsh_keys: bands.finish()?,
        sketches: sketches.finish()?,
        spill: spill.finish()?,
        removed_by_reason,
        removed_lines,
        bytes_in_text,
        memo_hits: memo.hits(),
    })
}

/// One output cluster.
#[derive(Debug, Clone)]
pub struct OutCluster {
    pub id: String,
    pub cluster: dedup::Cluster,
    pub kept: u32,
    pub runner_up: u32,
    pub decided_by: DecidedBy,
}

pub struct Grouping {
    /// Quality of near-copy members re-scored with their cluster's names; replaces the
    /// per-document verdict in the output.
    pub requality: HashMap<u32, Quality>,
    pub clusters: Vec<OutCluster>,
    /// Per record: index into `clusters`, if any.
    pub cluster_of: Vec<Option<u32>>,
    pub stats: DedupStats,
    /// Same-story groups over one representative per copy cluster (see `src/story/`).
    pub stories: crate::story::Stories,
}

fn group_pass(
    scored: &mut ScorePass,
    raw: &SpillReader,
    opts: &Options,
    plan: &memory::Plan,
    stage: &crate::progress::Stage,
) -> Result<Grouping> {
    let exact: Vec<u64> = scored
        .docs
        .iter()
        .map(|d| if d.filtered.is_none() { d.exact } else { 0 })
        .collect();
    let groups = if opts.dedup.exact || opts.dedup.near {
        dedup::exact_groups(&exact)
    } else {
        Vec::new()
    };
    // Only the first member of an exact group takes part in near-copy detection.
    let mut is_copy = vec![false; scored.docs.len()];
    for g in &groups {
        for &d in &g[1..] {
            is_copy[d as usize] = true;
        }
    }
    let mut stats = DedupStats::default();
    let edges = if opts.dedup.near {
        // Exact groups are joined first, so their members are never verified against each other.
        let mut uf = dedup::UnionFind::new(scored.docs.len());
        for g in &groups {
            for &d in &g[1..] {
                uf.union(g[0], d);
            }
        }
        let load = |d: u32| load_sets(&scored.spill, scored.docs[d as usize].clean_at, opts);
        dedup::near_copy_edges(
            &scored.lsh_docs,
            &is_copy,
            &scored.lsh_keys,
            &scored.sketches,
            plan.band_run_entries,
            &mut uf,
            load,
            &opts.dedup,
            &mut stats,
        )?
    } else {
        Vec::new()
    };
    let groups = if opts.dedup.exact { groups } else { Vec::new() };
    let clusters = dedup::cluster(scored.docs.len(), &exact, &groups, &edges);
    // Copies of one story agree on its names: re-score near-copy members with the names the
    // cluster shares before choosing which member to keep.
    let mut requality = rescore_with_cluster_names(&clusters, scored, opts)?;
    for (d, q) in &requality {
        scored.docs[*d as usize].quality = q.score;
    }
    let docs = &scored.docs;
    let mut cluster_of = vec![None; docs.len()];
    let mut out = Vec::with_capacity(clusters.len());
    for (ci, c) in clusters.into_iter().enumerate() {
        let choice = choose_among(&c.members, docs)
            .ok_or_else(|| anyhow!("internal error: cluster with fewer than two members"))?;
        for &d in &c.members {
            cluster_of[d as usize] = Some(ci as u32);
        }
        out.push(OutCluster {
            id: format!("c{:06}", ci + 1),
            cluster: c,
            kept: choice.kept,
            runner_up: choice.runner_up,
            decided_by: choice.decided_by,
        });
    }
    // Story level: after copy clusters, which it never changes.
    let mut stories = group_stories(scored, raw, &out, &cluster_of, opts, plan)?;
    // The names most articles of a story agree on expose the article that mangles them: its
    // quality drops, and the story's best article is chosen again.
    let story_requality = rescore_with_story_names(&stories, scored, &requality, opts)?;
    for (d, q) in story_requality {
        scored.docs[d as usize].quality = q.score;
        requality.insert(d, q);
    }
    rechoose_story_best(&mut stories, &scored.docs);
    stage.inc(scored.docs.len() as u64);
    Ok(Grouping {
        requality,
        clusters: out,
        cluster_of,
        stats,
        stories,
    })
}

/// The representative of a record that takes part in story grouping: itself, or the kept
/// member of its copy cluster; `None` for filtered records.
fn story_rep(
    d: u32,
    docs: &[DocState],
    clusters: &[OutCluster],
    cluster_of: &[Option<u32>],
) -> Option<u32> {
    if docs[d as usize].filtered.is_some() {
        return None;
    }
    Some(cluster_of[d as usize].map_or(d, |c| clusters[c as usize].kept))
}

/// Runs the story stage (`src/story/`) on one representative per copy cluster.
fn group_stories(
    scored: &ScorePass,
    raw: &SpillReader,
    clusters: &[OutCluster],
    cluster_of: &[Option<u32>],
    opts: &Options,
    plan: &memory::Plan,
) -> Result<crate::story::Stories> {
    let docs = &scored.docs;
    let reps: Vec<u32> = (0..docs.len() as u32)
        .filter(|&d| story_rep(d, docs, clusters, cluster_of) == Some(d))
        .collect();
    let mut stories = crate::story::group(
        &scored.spill,
        docs.len(),
        &reps,
        |d| docs[d as usize].clean_at,
        |d| (docs[d as usize].quality, docs[d as usize].chars),
        |d| {
            // The date fields of the original record, the third field of the read spill: by
            // its field map when it has one, so a page's HTML is not parsed for them.
            let entry = raw.read_at(docs[d as usize].raw_at)?;
            let entry = RawEntry::split(&entry)?;
            let date_fields = &opts.story.date_fields;
            Ok(match entry.top_level()? {
                Some(top) => crate::story::dates::record_day_in_fields(&top, date_fields),
                None => crate::story::dates::record_day(entry.original, date_fields),
            })
        },
        plan.story_cache_bytes,
        &opts.story,
    )?;
    stories.extend_to(|d| story_rep(d, docs, clusters, cluster_of));
    Ok(stories)
}

/// Story groups of at least this many articles re-score their members with the group's names:
/// with two articles, neither spelling of a name has a majority.
const STORY_NAME_MIN_ARTICLES: usize = 3;

/// Re-scores the articles of each story group of [`STORY_NAME_MIN_ARTICLES`] or more with a
/// name index over the group (at most [`NAME_INDEX_MEMBERS`] texts). Only verdicts that fall
/// below the article's current quality are returned: the group can expose a mangled name, and
/// its absence proves nothing the article's own score has not already weighed.
/// `cluster_requality` holds the verdicts the copy-cluster re-score changed.
fn rescore_with_story_names(
    stories: &crate::story::Stories,
    scored: &ScorePass,
    cluster_requality: &HashMap<u32, Quality>,
    opts: &Options,
) -> Result<Vec<(u32, Quality)>> {
    let per_group: Vec<Vec<(u32, Quality)>> = stories
        .groups
        .par_iter()
        .filter(|g| g.articles.len() >= STORY_NAME_MIN_ARTICLES)
        .map(|g| {
            let mut lower = Vec::new();
            for (d, rescored) in rescore_with_group_names(&g.articles, scored, opts)? {
                let q = match rescored {
                    Some(q) => q,
                    // The first-pass verdict, which is the article's current quality unless
                    // its copy cluster changed it.
                    None if !cluster_requality.contains_key(&d) => continue,
                    None => quality::score(&cleaned_text_of(scored, d)?, &opts.quality),
                };
                if q.score < scored.docs[d as usize].quality {
                    lower.push((d, q));
                }
            }
            Ok(lower)
        })
        .collect::<Result<_>>()?;
    Ok(per_group.into_iter().flatten().collect())
}

/// Each member's verdict with a name index over the group's first [`NAME_INDEX_MEMBERS`]
/// texts (`quality::rescore_with`): `None` where the index changes nothing. The texts that
/// built the index are re-scored with the segmentation that built it.
fn rescore_with_group_names(
    members: &[u32],
    scored: &ScorePass,
    opts: &Options,
) -> Result<Vec<(u32, Option<Quality>)>> {
    let texts: Vec<String> = members
        .iter()
        .take(NAME_INDEX_MEMBERS)
        .map(|&d| cleaned_text_of(scored, d))
        .collect::<Result<_>>()?;
    let (index, segs) = group_name_index(&texts);
    members
        .iter()
        .enumerate()
        .map(|(k, &d)| {
            let rescored = match (texts.get(k), segs.get(k)) {
                (Some(t), Some(seg)) => quality::rescore_segmented(t, seg, &opts.quality, &index),
                _ => quality::rescore_with(&cleaned_text_of(scored, d)?, &opts.quality, &index),
            };
            Ok((d, rescored))
        })
        .collect()
}

/// The keep rule (`select::choose`) over some records, by their quality and length.
fn choose_among(members: &[u32], docs: &[DocState]) -> Option<select::Choice> {
    let candidates: Vec<Candidate> = members
        .iter()
        .map(|&d| Candidate {
            doc: d,
            quality: docs[d as usize].quality,
            chars: docs[d as usize].chars,
        })
        .collect();
    select::choose(&candidates)
}

/// Chooses each story's best article again with the qualities as they now stand.
fn rechoose_story_best(stories: &mut crate::story::Stories, docs: &[DocState]) {
    for g in &mut stories.groups {
        if let Some(choice) = choose_among(&g.articles, docs) {
            g.kept = choice.kept;
            g.runner_up = choice.runner_up;
            g.decided_by = choice.decided_by;
        }
    }
}

/// The cleaned text of a record, re-read from the spill.
fn cleaned_text_of(scored: &ScorePass, d: u32) -> Result<String> {
    scored
        .spill
        .with_text_at(scored.docs[d as usize].clean_at, str::to_owned)
}

/// Members of one cluster whose texts feed its name index: bounds memory on huge clusters.
const NAME_INDEX_MEMBERS: usize = 64;

/// Tokens of a group's segmented texts kept for re-scoring (about 32 bytes each); the texts
/// past this budget are segmented again when re-scored, so huge articles cannot blow memory.
const GROUP_SEGMENT_TOKENS: usize = 1 << 20;

/// The name index over a group's texts, and the segmentations it was built from (those of the
/// first texts, up to [`GROUP_SEGMENT_TOKENS`] tokens in all, so a prefix of `texts`) for
/// `quality::rescore_segmented`: each text is segmented once for both.
fn group_name_index(texts: &[String]) -> (quality::NameIndex, Vec<quality::text::Segmented>) {
    let mut index = quality::NameIndex::new();
    let mut segs = Vec::new();
    let mut tokens = 0usize;
    for t in texts {
        let seg = quality::segmented(t);
        index.add_segmented(t, &seg);
        tokens += seg.toks.len();
        if tokens <= GROUP_SEGMENT_TOKENS {
            segs.push(seg);
        }
    }
    (index, segs)
}

/// Re-scores every member of each near-copy cluster with a name index built from the cluster's
/// members (`quality::rescore_with`): a name that most copies spell one way exposes the copy
/// that mangles it. Exact-copy clusters share one text and gain nothing. Only the members whose
/// verdict the index changes are returned; the others keep their first-pass quality.
fn rescore_with_cluster_names(
    clusters: &[dedup::Cluster],
    scored: &ScorePass,
    opts: &Options,
) -> Result<HashMap<u32, Quality>> {
    let per_cluster: Vec<Vec<(u32, Option<Quality>)>> = clusters
        .par_iter()
        .filter(|c| !c.exact)
        .map(|c| rescore_with_group_names(&c.members, scored, opts))
        .collect::<Result<_>>()?;
    Ok(per_cluster
        .into_iter()
        .flatten()
        .filter_map(|(d, q)| Some((d, q?)))
        .collect())
}

/// Shingle and number sets of a record's cleaned text, re-read from the spill.
fn load_sets(spill: &SpillReader, at: u64, opts: &Options) -> Result<DocSets> {
    spill.with_text_at(at, |text| sets_of(text, opts))
}

fn sets_of(text: &str, opts: &Options) -> DocSets {
    let mut tokens = Tokens::default();
    normalize::tokenize(text, &mut tokens);
    DocSets {
        shingles: fingerprint::shingle_set(
            &tokens,
            opts.dedup.shingle_words,
            opts.dedup.shingle_chars,
        ),
        numbers: normalize::number_set(text),
    }
}

/// Counters of the write pass.
#[derive(Debug, Default, Clone)]
pub struct Written {
    pub kept: u64,
    pub dropped: BTreeMap<DropReason, u64>,
    pub bytes_out: u64,
    pub quality_kept: Vec<f32>,
    pub quality_dropped: Vec<f32>,
    pub languages: BTreeMap<String, u64>,
    pub sites: BTreeMap<String, SiteCounts>,
    pub samples: report::Samples,
}

/// Per-site counters, for the report's site table.
#[derive(Debug, Default, Clone)]
pub struct SiteCounts {
    pub records: u64,
    pub kept: u64,
    pub duplicates: u64,
    pub quality_sum: f64,
}

/// How many worst-kept and best-dropped articles the report shows.
const SAMPLES_PER_KIND: usize = 8;
/// Lines of an article shown in a report sample.
const SAMPLE_LINES: usize = 80;

/// The records shown as report samples: the lowest-quality kept ones, and the highest-quality
/// ones dropped by a filter (where a threshold may hurt). Duplicates are not samples.
fn pick_samples(
    scored: &ScorePass,
    grouping: &Grouping,
    opts: &Options,
) -> (Vec<usize>, Vec<usize>) {
    let mut kept = Vec::new();
    let mut filtered = Vec::new();
    for i in 0..scored.docs.len() {
        match decide(i, scored, grouping, opts).0 {
            None => kept.push(i),
            Some(
                DropReason::ExactDuplicate | DropReason::NearDuplicate | DropReason::SameStory,
            ) => {}
            Some(_) => filtered.push(i),
        }
    }
    let q = |i: &usize| (scored.docs[*i].quality * 10_000.0).round() as i64;
    kept.sort_by_key(|i| (q(i), *i));
    filtered.sort_by_key(|i| (-q(i), *i));
    kept.truncate(SAMPLES_PER_KIND);
    filtered.truncate(SAMPLES_PER_KIND);
    (kept, filtered)
}

/// Builds a report sample: the original lines, with removed lines and spans marked.
fn make_sample(
    id: &str,
    original: &str,
    annotations: &output::Annotations,
    reason: Option<DropReason>,
) -> Result<report::Sample> {
    let removed: Vec<Value> = serde_json::from_slice(annotations.removed)?;
    let mut removed_at: HashMap<usize, (String, String)> = HashMap::new();
    for r in &removed {
        if let (Some(line), Some(text), Some(reason)) = (
            r.get("line").and_then(Value::as_u64),
            r.get("text").and_then(Value::as_str),
            r.get("reason").and_then(Value::as_str),
        ) {
            removed_at.insert(line as usize, (text.to_string(), reason.to_string()));
        }
    }
    let all: Vec<&str> = original.lines().collect();
    let lines = all
        .iter()
        .take(SAMPLE_LINES)
        .enumerate()
        .map(|(k, line)| {
            let cut = removed_at.get(&(k + 1));
            let whole = cut.is_some_and(|(t, _)| t.trim() == line.trim());
            report::SampleLine {
                text: line.chars().take(600).collect(),
                removed: cut.map(|(_, r)| r.clone()),
                span: cut.filter(|_| !whole).map(|(t, _)| t.clone()),
            }
        })
        .collect();
    Ok(report::Sample {
        id: id.to_string(),
        quality: serde_json::from_slice(annotations.quality.score)?,
        reason: reason.map(|r| r.as_str().to_string()),
        flags: serde_json::from_slice(annotations.quality.flags)?,
        lines,
        truncated: all.len() > SAMPLE_LINES,
    })
}

/// The fate of one record, decided from its state and its cluster.
fn decide(
    i: usize,
    scored: &ScorePass,
    grouping: &Grouping,
    opts: &Options,
) -> (Option<DropReason>, Option<u32>) {
    let doc = &scored.docs[i];
    if let Some(r) = doc.filtered {
        return (Some(r), None);
    }
    match grouping.cluster_of[i] {
        Some(ci) => {
            let c = &grouping.clusters[ci as usize];
            if c.kept as usize == i {
                decide_story(i, grouping, opts)
            } else if scored.docs[c.kept as usize].exact == doc.exact {
                (Some(DropReason::ExactDuplicate), Some(c.kept))
            } else {
                (Some(DropReason::NearDuplicate), Some(c.kept))
            }
        }
        None => decide_story(i, grouping, opts),
    }
}

/// Under `--collapse stories`, a representative that is not its story's best is dropped.
fn decide_story(
    i: usize,
    grouping: &Grouping,
    opts: &Options,
) -> (Option<DropReason>, Option<u32>) {
    if !opts.story.collapse {
        return (None, None);
    }
    match grouping.stories.story_of[i] {
        Some(s) => {
            let kept = grouping.stories.groups[s as usize].kept;
            if kept as usize == i {
                (None, None)
            } else {
                (Some(DropReason::SameStory), Some(kept))
            }
        }
        None => (None, None),
    }
}

fn write_pass(
    read: &ReadPass,
    scored: &ScorePass,
    grouping: &Grouping,
    work: &Path,
    opts: &Options,
    plan: &memory::Plan,
    stage: &crate::progress::Stage,
) -> Result<Written> {
    let compress = opts.output.compress;
    let mut cleaned = output::JsonlWriter::create(work, "cleaned.jsonl", compress)?;
    let mut dropped = output::JsonlWriter::create(work, "dropped.jsonl", compress)?;
    let mut written = Written::default();
    let (worst_kept, best_dropped) = pick_samples(scored, grouping, opts);
    let mut samples: BTreeMap<usize, report::Sample> = BTreeMap::new();
    // Batches of both spills, in step, with the index of their first record.
    let mut raws = batches::chunked(read.spill.sequential()?, plan.batch_records);
    let mut cleans = batches::chunked(scored.spill.sequential()?, plan.batch_records);
    let mut next_base = 0usize;
    let fetch = std::iter::from_fn(move || match (raws.next(), cleans.next()) {
        (None, None) => None,
        (Some(Ok(raw)), Some(Ok(clean))) if raw.len() == clean.len() => {
            let base = next_base;
            next_base += raw.len();
            Some(Ok((base, raw, clean)))
        }
        (Some(Err(e)), _) | (_, Some(Err(e))) => Some(Err(e)),
        _ => Some(Err(anyhow!("spill files out of step"))),
    });
    type Fetched = (usize, Vec<Vec<u8>>, Vec<Vec<u8>>);
    let assemble =
        |(base, raw_batch, clean_batch): Fetched| -> Result<(usize, Vec<WrittenRecord>)> {
            let lines: Vec<WrittenRecord> = raw_batch
                .par_iter()
                .zip(clean_batch.par_iter())
                .enumerate()
                .map(|(k, (raw, clean))| {
                    let i = base + k;
                    let copied;
                    let clean = if read.copy_of[i] == NOT_A_COPY {
                        clean
                    } else {
                        copied = scored.spill.read_at(scored.docs[i].clean_at)?;
                        &copied
                    };
                    let (reason, dup_of) = decide(i, scored, grouping, opts);
                    let line = output_record(i, raw, clean, reason, dup_of, read, grouping, opts)?;
                    let raw_entry = RawEntry::split(raw)?;
                    let site = spill::text(raw_entry.site).into_owned();
                    let sample = if worst_kept.contains(&i) || best_dropped.contains(&i) {
                        let clean_fields = unpack(clean)?;
                        let annotations =
                            output::Annotations::from_fields(clean_fields.get(1..).unwrap_or(&[]))?;
                        let original = raw_entry.text()?;
                        Some(make_sample(
                            read.ids.get(i),
                            &original,
                            &annotations,
                            reason,
                        )?)
                    } else {
                        None
                    };
                    Ok(WrittenRecord {
                        reason,
                        line,
                        site,
                        sample,
                    })
                })
                .collect::<Result<_>>()?;
            Ok((base, lines))
        };
    let fold = |(base, lines): (usize, Vec<WrittenRecord>)| -> Result<()> {
        let n = lines.len() as u64;
        for (k, rec) in lines.into_iter().enumerate() {
            let WrittenRecord {
                reason,
                line,
                site,
                sample,
            } = rec;
            let doc = &scored.docs[base + k];
            if let Some(sample) = sample {
                samples.insert(base + k, sample);
            }
            if !site.is_empty() {
                let s = written.sites.entry(site).or_default();
                s.records += 1;
                s.kept += u64::from(reason.is_none());
                s.duplicates += u64::from(matches!(
                    reason,
                    Some(DropReason::ExactDuplicate | DropReason::NearDuplicate)
                ));
                s.quality_sum += doc.quality;
            }
            match reason {
                None => {
                    written.kept += 1;
                    written.bytes_out += line.len() as u64;
                    written.quality_kept.push(doc.quality as f32);
                    *written
                        .languages
                        .entry(doc.lang.clone().unwrap_or_else(|| "unknown".into()))
                        .or_default() += 1;
                    cleaned.write_all(&line)?;
                }
                Some(r) => {
                    *written.dropped.entry(r).or_default() += 1;
                    written.quality_dropped.push(doc.quality as f32);
                    dropped.write_all(&line)?;
                }
            }
        }
        stage.inc(n);
        Ok(())
    };
    batches::pipelined(fetch, assemble, fold)?;
    cleaned.finish()?;
    dropped.finish()?;
    written.samples = report::Samples {
        worst_kept: worst_kept
            .iter()
            .filter_map(|i| samples.remove(i))
            .collect(),
        best_dropped: best_dropped
            .iter()
            .filter_map(|i| samples.remove(i))
            .collect(),
    };
    let mut w = output::JsonlWriter::create(work, "clusters.jsonl", compress)?;
    for c in &grouping.clusters {
        serde_json::to_writer(&mut w, &cluster_json(c, &read.ids, scored))?;
        w.write_all(b"\n")?;
    }
    for g in &grouping.stories.groups {
        let line = crate::story::group_json(
            g,
            |d| read.ids.get(d as usize),
            |d| {
                (
                    scored.docs[d as usize].quality,
                    scored.docs[d as usize].chars,
                )
            },
        );
        serde_json::to_writer(&mut w, &line)?;
        w.write_all(b"\n")?;
    }
    w.finish()?;
    Ok(written)
}

/// One record as the write pass produced it.
struct WrittenRecord {
    reason: Option<DropReason>,
    line: Vec<u8>,
    site: String,
    sample: Option<report::Sample>,
}

/// Builds one output line from the two spill entries of record `i` and its decision
/// (`src/output.rs` assembles it).
#[allow(clippy::too_many_arguments)]
fn output_record(
    i: usize,
    raw: &[u8],
    clean: &[u8],
    reason: Option<DropReason>,
    dup_of: Option<u32>,
    read: &ReadPass,
    grouping: &Grouping,
    opts: &Options,
) -> Result<Vec<u8>> {
    let raw_entry = RawEntry::split(raw)?;
    let clean_fields = unpack(clean)?;
    let Some((text, annotations)) = clean_fields.split_first() else {
        bail!("corrupt spill entry for record {}", read.ids.get(i));
    };
    let annotations = output::Annotations::from_fields(annotations)
        .with_context(|| format!("record {}", read.ids.get(i)))?;
    let decision = output::Decision {
        reason: reason.map(DropReason::as_str),
        duplicate_of: dup_of.map(|d| read.ids.get(d as usize)),
        cluster: grouping.cluster_of[i].map(|c| grouping.clusters[c as usize].id.as_str()),
        story: grouping.stories.story_of[i]
            .map(|s| grouping.stories.groups[s as usize].id.as_str()),
        requality: grouping.requality.get(&(i as u32)),
    };
    output::record_line(
        raw_entry.original,
        raw_entry.top_level()?.as_deref(),
        text,
        &annotations,
        read.ids.get(i),
        &decision,
        &opts.input,
    )
}

fn cluster_json(c: &OutCluster, ids: &IdArena, scored: &ScorePass) -> Value {
    let members: Vec<Value> = c
        .cluster
        .members
        .iter()
        .map(|&d| Value::String(ids.get(d as usize).into()))
        .collect();
    let q = |d: u32| scored.docs[d as usize].quality;
    let mut similarity = Map::new();
    if c.cluster.exact {
        similarity.insert("jaccard_min".into(), 1.0.into());
        similarity.insert("containment_min".into(), 1.0.into());
    } else if let Ok(Value::Object(m)) = serde_json::to_value(&c.cluster.pairs) {
        similarity = m;
    }
    serde_json::json!({
        "cluster": c.id,
        "level": if c.cluster.exact { "exact" } else { "near" },
        "size": c.cluster.members.len(),
        "members": members,
        "kept": ids.get(c.kept as usize),
        "similarity": similarity,
        "selection": {
            "rule": select::RULE,
            "decided_by": c.decided_by,
            "runner_up": ids.get(c.runner_up as usize),
            "kept_quality": q(c.kept),
            "runner_up_quality": q(c.runner_up),
            "kept_chars": scored.docs[c.kept as usize].chars,
            "runner_up_chars": scored.docs[c.runner_up as usize].chars,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_arena_returns_ids_in_order() {
        let mut a = IdArena::default();
        for id in ["x", "", "long-id"] {
            a.push(id);
        }
        assert_eq!(
            (a.get(0), a.get(1), a.get(2), a.len()),
            ("x", "", "long-id", 3)
        );
    }

    #[test]
    fn blank_lines_are_blank() {
        assert!(is_blank(b"  \t"));
        assert!(!is_blank(b" {}"));
    }
}
