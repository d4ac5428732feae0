//! The memory budget of a run (`--memory-limit`). Everything copydesk holds in memory is one of
//! three kinds, and the budget governs each differently:
//! - **in-flight batches** (records being parsed, scored or written): sized from the budget, so
//!   a small budget means smaller batches, never more memory;
//! - **work that can go to disk or be redone**: a band's LSH column is sorted in runs that fit
//!   the budget and merged from disk ([`crate::dedup::bands`]); texts always live in spill
//!   files; the story stage keeps term lists between its passes only up to its share, and
//!   tokenizes again beyond it; the score pass remembers the scores of recent texts only up to
//!   its share ([`crate::memo`]), and scores a text met again beyond it;
//! - **compact per-record state** (offsets, hashes, scores, story terms: a few hundred bytes per
//!   record, [`RESIDENT_BYTES_PER_RECORD`]) plus fixed tables ([`FIXED_BYTES`]): this cannot
//!   spill, so while the records are read the run checks that it fits and, as soon as it
//!   cannot, stops with an error that names the figure needed — instead of being killed by the
//!   system halfway through.
//!
//! Without a limit the defaults below apply; outputs never depend on the budget.

use anyhow::{bail, Context, Result};

/// Resident bytes per record across the passes (compact state, ids, union-find, story
/// vectors and their index), measured with `copydesk bench` at 20k/80k articles (see README)
/// and rounded up.
pub const RESIDENT_BYTES_PER_RECORD: u64 = 1024;
/// Fixed tables: the debris stage's line-count sketch and sparse table, the quality lexicon,
/// thread stacks, buffers.
pub const FIXED_BYTES: u64 = 160 << 20;
/// The smallest budget accepted.
pub const MIN_LIMIT: u64 = 256 << 20;

/// Batch size without a budget.
const DEFAULT_BATCH_RECORDS: usize = 1024;
const DEFAULT_BATCH_BYTES: usize = 8 << 20;
/// The score memo without a budget: the last 2,800 to 5,600 distinct news texts (about 3 KB
/// each, see `TextScore::bytes` in the pipeline).
const DEFAULT_SCORE_MEMO: usize = 16 << 20;
/// Band entries sorted in memory at once without a budget (8 bytes each: 512 MB).
const DEFAULT_BAND_RUN: usize = 64 << 20;
/// How many copies of a batch are alive at once: the reader's queue and the batches fetched
/// ahead (3), and three batches in flight (being processed, queued, being folded: see
/// `src/batches.rs`) of up to three copies each (raw lines, parsed records, spill entries).
const BATCH_COPIES: u64 = 12;

/// Parses a size such as `512M`, `4G`, `1.5G`, `300000000` (bytes; K, M, G, T are powers of
/// 1024, an optional trailing `B` or `iB` is accepted).
pub fn parse_size(text: &str) -> Result<u64> {
    let t = text.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(t);
    let (number, unit) = match t.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&t[..i], &t[i..]),
        None => (t, ""),
    };
    let scale: u64 = match unit.to_ascii_uppercase().as_str() {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "T" => 1 << 40,
        _ => bail!("memory size {text:?}: unknown unit {unit:?} (use K, M, G or T)"),
    };
    let value: f64 = number
        .trim()
        .parse()
        .with_context(|| format!("memory size {text:?} is not a number with a unit like 4G"))?;
    if !value.is_finite() || value <= 0.0 {
        bail!("memory size {text:?} must be positive");
    }
    Ok((value * scale as f64) as u64)
}

/// Formats bytes for messages: `1.5 GiB`, `300 MiB`.
pub fn show(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= (1u64 << 30) as f64 {
        format!("{:.1} GiB", b / (1u64 << 30) as f64)
    } else {
        format!("{:.0} MiB", b / (1u64 << 20) as f64)
    }
}

/// How a run uses its memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// The budget in bytes, if one was given.
    pub limit: Option<u64>,
    /// Records per in-flight batch.
    pub batch_records: usize,
    /// Bytes of input per in-flight batch (a batch closes at whichever comes first).
    pub batch_bytes: usize,
    /// `(key, document)` band entries sorted in memory at once; a longer column is sorted in
    /// runs on disk and merged.
    pub band_run_entries: usize,
    /// Bytes of story term lists kept between the story stage's two passes (beyond them,
    /// texts are tokenized again: slower, same result).
    pub story_cache_bytes: usize,
    /// Bytes of the score pass's memo of recent texts' scores (beyond them, a copy is scored
    /// again: slower, same result).
    pub score_memo_bytes: usize,
}

impl Plan {
    /// The plan for an optional budget given as text (`--memory-limit`).
    pub fn new(limit: Option<&str>) -> Result<Plan> {
        let Some(text) = limit else {
            return Ok(Plan {
                limit: None,
                batch_records: DEFAULT_BATCH_RECORDS,
                batch_bytes: DEFAULT_BATCH_BYTES,
                band_run_entries: DEFAULT_BAND_RUN,
                story_cache_bytes: crate::story::TERM_CACHE_BYTES,
                score_memo_bytes: DEFAULT_SCORE_MEMO,
            });
        };
        let limit = parse_size(text)?;
        if limit < MIN_LIMIT {
            bail!(
                "--memory-limit {text} is below the smallest budget copydesk can honour ({}): \
                 its fixed tables alone take {}",
                show(MIN_LIMIT),
                show(FIXED_BYTES)
            );
        }
        Ok(Plan::for_bytes(limit))
    }

    /// The plan for a budget in bytes (at least [`MIN_LIMIT`]).
    pub fn for_bytes(limit: u64) -> Plan {
        // A sixteenth of the budget for in-flight batches, an eighth for one band's sort run.
        let batch_bytes = (limit / 16 / BATCH_COPIES).clamp(1 << 20, DEFAULT_BATCH_BYTES as u64);
        let band_run = (limit / 8 / 8).clamp(1 << 16, DEFAULT_BAND_RUN as u64);
        // An eighth for the story stage's term cache.
        let story_cache = (limit / 8).min(crate::story::TERM_CACHE_BYTES as u64);
        // A sixty-fourth for the score memo, which lives beside the score pass's batches.
        let score_memo = (limit / 64).min(DEFAULT_SCORE_MEMO as u64);
        Plan {
            limit: Some(limit),
            batch_records: DEFAULT_BATCH_RECORDS.min((batch_bytes / 1024).max(64) as usize),
            batch_bytes: batch_bytes as usize,
            band_run_entries: band_run as usize,
            story_cache_bytes: story_cache as usize,
            score_memo_bytes: score_memo as usize,
        }
    }

    /// Memory the run needs for `records` records: the resident state plus fixed tables plus
    /// the largest of the in-flight batches (with the score memo beside them), one band run
    /// and the story term cache. The passes run one after another and so do the band and story
    /// stages of the group pass: these three are never alive together (summing them refused 500,000 articles at `768M`, a run
    /// that peaks near 450 MB with twice that budget).
    pub fn needed(&self, records: u64) -> u64 {
        let largest_phase = (self.batch_bytes as u64 * BATCH_COPIES + self.score_memo_bytes as u64)
            .max(self.band_run_entries as u64 * 8)
            .max(self.story_cache_bytes as u64);
        records * RESIDENT_BYTES_PER_RECORD + FIXED_BYTES + largest_phase
    }

    /// Checks that the resident state of the `records` read so far fits the budget. The read
    /// pass calls it after every batch: the state only grows with the count, so a budget too
    /// small is refused as soon as it overflows, not after the whole read pass (98 s for 2
    /// million articles), and the check after the last batch covers the whole input.
    pub fn check(&self, records: u64) -> Result<()> {
        let Some(limit) = self.limit else {
            return Ok(());
        };
        let needed = self.needed(records);
        if needed > limit {
            // The largest record count that fits, for the message.
            let fits = limit.saturating_sub(needed - records * RESIDENT_BYTES_PER_RECORD)
                / RESIDENT_BYTES_PER_RECORD;
            bail!(
                "--memory-limit {} is too small: the {records} records read so far need about \
                 {} of compact state ({RESIDENT_BYTES_PER_RECORD} bytes each plus {} of tables \
                 and buffers). Raise the limit, or split the input into shards of at most \
                 {fits} records",
                show(limit),
                show(needed),
                show(needed - records * RESIDENT_BYTES_PER_RECORD),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("512M").unwrap(), 512 << 20);
        assert_eq!(parse_size("4g").unwrap(), 4 << 30);
        assert_eq!(parse_size("1.5GiB").unwrap(), 3 << 29);
        assert_eq!(parse_size("300000000").unwrap(), 300_000_000);
        assert_eq!(parse_size(" 2 GB ").unwrap(), 2 << 30);
        for bad in ["", "G", "-1G", "4X", "lots", "0"] {
            assert!(parse_size(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn a_smaller_budget_gives_smaller_batches_and_runs() {
        let big = Plan::new(Some("16G")).unwrap();
        let small = Plan::new(Some("256M")).unwrap();
        assert!(small.batch_bytes < big.batch_bytes);
        assert!(small.band_run_entries < big.band_run_entries);
        assert!(small.batch_records <= big.batch_records);
        assert!(small.story_cache_bytes < big.story_cache_bytes);
        assert_eq!(Plan::new(None).unwrap().limit, None);
        assert!(Plan::new(Some("64M")).is_err());
    }

    #[test]
    fn the_check_names_what_is_needed() {
        let plan = Plan::new(Some("256M")).unwrap();
        assert!(plan.check(10_000).is_ok());
        let err = plan.check(10_000_000).unwrap_err().to_string();
        assert!(err.contains("the 10000000 records read so far"), "{err}");
        assert!(err.contains("shards of at most"), "{err}");
        assert!(Plan::new(None).unwrap().check(u32::MAX as u64).is_ok());
    }

    #[test]
    fn phases_that_never_overlap_are_not_summed() {
        let plan = Plan::new(Some("768M")).unwrap();
        let phases = [
            plan.batch_bytes as u64 * BATCH_COPIES + plan.score_memo_bytes as u64,
            plan.band_run_entries as u64 * 8,
            plan.story_cache_bytes as u64,
        ];
        let largest = phases.iter().copied().max().unwrap_or(0);
        assert_eq!(plan.needed(0), FIXED_BYTES + largest);
        assert!(plan.needed(0) < FIXED_BYTES + phases.iter().sum::<u64>());
        // Measured: 500,000 generated articles peak at 450 MB under `--memory-limit 1G`.
        assert!(plan.check(500_000).is_ok());
        assert!(plan.check(2_000_000).is_err());
    }
}
