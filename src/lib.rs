//! copydesk cleans scraped news corpora: it strips web debris from article text, scores each
//! article's quality, finds exact copies and near-copies, keeps the best copy of each group, and
//! accounts for every input record. See `ARCHITECTURE.md` for how the stages fit together.

pub mod batches;
pub mod bench;
pub mod config;
pub mod debris;
pub mod dedup;
pub mod eval;
pub mod fingerprint;
pub mod input;
pub mod memo;
pub mod memory;
pub mod normalize;
pub mod output;
pub mod pipeline;
pub mod prehash;
pub mod progress;
pub mod quality;
pub mod report;
pub mod select;
pub mod spill;
pub mod story;

pub use config::Options;
pub use pipeline::{run, CleanJob, Summary};
