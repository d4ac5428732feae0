//! Options for a run: one struct per stage, loadable from a TOML file and overridable from the
//! command line. The whole `Options` value is echoed into `report.json`, so a run can be
//! reproduced from its report.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// Every option of a `clean` run. Field defaults are the measured defaults documented in the
/// README; a TOML file may set any subset of them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    pub input: InputOptions,
    pub dedup: DedupOptions,
    pub debris: DebrisOptions,
    pub quality: QualityOptions,
    /// Same-story grouping (see `src/story/`).
    pub story: StoryOptions,
    /// Stop at the first unreadable input line with exit status 2 instead of recording it.
    pub strict: bool,
    /// Report gates (`dup_rate > 0.4`): when one holds, `clean` exits with status 1 after
    /// writing every output.
    pub gates: Vec<String>,
    /// Memory budget (`512M`, `4G`; see `src/memory.rs`): batches and band sorts are sized to
    /// it, and a run whose resident state cannot fit stops early with the figure it needs.
    pub memory_limit: Option<String>,
    /// How the output files are written.
    pub output: OutputOptions,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct OutputOptions {
    /// Compress the JSONL outputs (`cleaned`, `dropped`, `clusters`, `invalid`), each one
    /// stream, at level 1: `zstd` writes `cleaned.jsonl.zst`, `gzip` `cleaned.jsonl.gz`;
    /// `none` (the default) writes plain `cleaned.jsonl`.
    pub compress: crate::input::Compression,
    /// Compress the work folder's spill files too (zstd, entry by entry): about 60% less
    /// temporary disk for about 40% more CPU time (README, Performance).
    pub compress_spill: bool,
}

impl Options {
    /// Reads options from a TOML file; unknown keys are an error so typos do not pass silently.
    pub fn from_toml_file(path: &Path) -> anyhow::Result<Options> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read config {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("config {}: {e}", path.display()))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct InputOptions {
    /// Dotted path of the id field (`meta.doc_id`).
    pub id_field: String,
    /// Dotted path of the text field.
    pub text_field: String,
    /// Dotted paths tried in order to find the record's site (a URL's host, or a plain name).
    pub site_fields: Vec<String>,
    /// Lines longer than this are recorded as invalid instead of being parsed, so that one
    /// runaway line cannot exhaust memory.
    pub max_line_bytes: usize,
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            id_field: "id".into(),
            text_field: "text".into(),
            site_fields: vec!["url".into(), "source".into(), "site".into()],
            max_line_bytes: 64 << 20,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct DedupOptions {
    /// Detect exact copies (hash of the normalized token sequence).
    pub exact: bool,
    /// Detect near-copies (MinHash LSH + verification).
    pub near: bool,
    /// Words per shingle for texts written with spaces.
    pub shingle_words: usize,
    /// Characters per shingle for texts written without spaces (Chinese, Japanese, Thai).
    pub shingle_chars: usize,
    /// LSH bands; the signature has `bands * rows` slots.
    pub bands: usize,
    /// Slots per LSH band.
    pub rows: usize,
    /// A candidate pair is a copy when the Jaccard similarity of its shingle sets reaches this...
    pub jaccard: f64,
    /// ...or when this share of the smaller document's shingles is in the larger one
    /// (truncated copies, copies with another header or footer).
    pub containment: f64,
    /// Containment is only trusted when the smaller document has at least this many shingles.
    pub min_shingles_for_containment: usize,
    /// Pairs whose documents both state at least this many distinct numbers must agree on
    /// them: templated briefs share wording but not facts.
    pub min_numbers_for_fact_check: usize,
    /// Share of the smaller document's numbers that the other must contain.
    pub number_containment: f64,
    /// Within one LSH bucket each document is paired with at most this many following members,
    /// so a huge bucket costs linear, not quadratic, work.
    pub bucket_window: usize,
}

impl Default for DedupOptions {
    fn default() -> Self {
        DedupOptions {
            exact: true,
            near: true,
            shingle_words: 3,
            shingle_chars: 5,
            bands: 42,
            rows: 3,
            jaccard: 0.35,
            containment: 0.6,
            min_shingles_for_containment: 20,
            min_numbers_for_fact_check: 2,
            number_containment: 0.5,
            bucket_window: 32,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct DebrisOptions {
    /// Run the debris stage at all.
    pub enabled: bool,
    /// Only annotate debris (the `removed` list) but keep the text unchanged.
    pub keep_debris: bool,
    /// Documents whose share of debris characters exceeds this are dropped as `mostly_debris`.
    /// Real news pages dumped with all their menus reach 0.95 (aeb-dev: p99 0.91, max 0.95),
    /// so the default sits above that; navigation-only records are emptied and dropped anyway.
    pub max_debris_share: f64,
    /// Extra phrase files (one phrase per line) added to the built-in UI phrase lists.
    pub phrase_files: Vec<String>,
    /// A line is a template line when at least this many documents of its site hold it...
    pub template_min_docs: u32,
    /// ...and at least this share of the site's documents (a tenth of it corpus-wide).
    pub template_min_share: f64,
}

impl Default for DebrisOptions {
    fn default() -> Self {
        DebrisOptions {
            enabled: true,
            keep_debris: false,
            max_debris_share: 0.97,
            phrase_files: Vec::new(),
            template_min_docs: 3,
            template_min_share: 0.05,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct QualityOptions {
    /// Records whose quality is below this are dropped as `low_quality` (0 disables). The
    /// default 0.15 drops no clean article of the garble development set and none of the 356
    /// real scraped articles of the SemEval story set (0.3 dropped 41 of those: one-line
    /// scrapes that repeat their lead), and 15.5% of the garbled documents; see the README.
    pub min_quality: f64,
    /// Keep only these languages (ISO 639-1 codes); empty keeps all.
    pub languages: Vec<String>,
    /// Thresholds of the Gopher / C4 / FineWeb rules (published values by default).
    pub heuristics: crate::quality::HeuristicThresholds,
    /// Weights and thresholds of the garble cues, fluency and language checks.
    pub garble: crate::quality::GarbleOptions,
}

impl Default for QualityOptions {
    fn default() -> Self {
        QualityOptions {
            min_quality: 0.15,
            languages: Vec::new(),
            heuristics: Default::default(),
            garble: Default::default(),
        }
    }
}

/// Same-story grouping: articles that report one event in different words.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct StoryOptions {
    /// Group articles into stories at all (annotation only, unless `collapse`).
    pub enabled: bool,
    /// Keep only the best article of each story; drop the others as `same_story`.
    pub collapse: bool,
    /// Distinctive terms kept per article (its story vector).
    pub top_terms: usize,
    /// Weight multiplier of names (capitalised inside a sentence).
    pub name_boost: f32,
    /// Weight multiplier of numbers and dates (not of years such as 2020: every article of a
    /// period has one; they still count as shared facts).
    pub number_boost: f32,
    /// Terms among the heaviest (indexed) terms of more articles than this are not used to find
    /// candidates.
    pub max_postings: usize,
    /// Candidate pairs share at least this many of their heaviest (indexed) terms.
    pub min_shared_terms: usize,
    /// A candidate pair is the same story when the cosine of its vectors reaches this...
    pub min_similarity: f64,
    /// ...and it shares at least this many names or numbers.
    pub min_shared_facts: usize,
    /// A pair whose texts both name weekdays, none in common ("met Thursday" / "said
    /// Wednesday"), reports two events (weekday names of several languages, see
    /// `src/story/event.rs`).
    pub compare_weekdays: bool,
    /// Record fields (dotted paths) holding an ISO 8601 publication date, tried in order.
    pub date_fields: Vec<String>,
    /// Articles with known dates further apart than this many days are never the same story
    /// (unset: dates are ignored).
    pub max_days_apart: Option<u32>,
    /// Distinct terms whose document frequency is tracked exactly; rarer ones beyond this are
    /// pruned (they only need to be known as rare).
    pub df_table_terms: usize,
    /// Weight of the built-in English background frequencies, in pseudo-documents blended with
    /// the corpus counts (0 disables; matters only on small corpora).
    pub background_docs: f64,
}

impl Default for StoryOptions {
    fn default() -> Self {
        StoryOptions {
            enabled: true,
            collapse: false,
            top_terms: 24,
            name_boost: 1.5,
            number_boost: 1.5,
            max_postings: 256,
            min_shared_terms: 2,
            min_similarity: 0.38,
            min_shared_facts: 1,
            compare_weekdays: true,
            date_fields: vec!["published".into(), "date".into(), "meta.published".into()],
            max_days_apart: Some(14),
            df_table_terms: 4 << 20,
            background_docs: 2000.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's TOML block documents the defaults: it must parse, and to exactly them.
    #[test]
    fn the_readmes_config_block_is_the_defaults() {
        let readme = include_str!("../README.md");
        let start = readme
            .find("```toml\nstrict = false")
            .expect("config block in README");
        let body = &readme[start + "```toml\n".len()..];
        let block = &body[..body.find("```").expect("end of block")];
        let parsed: Options = toml::from_str(block).expect("README config block parses");
        assert_eq!(parsed, Options::default());
    }
}
