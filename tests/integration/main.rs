//! Every integration test in one binary: the modules below used to be fourteen test
//! binaries, each linking the whole library and its dependencies again (most of the test
//! build's time in CI). `cargo test MODULE::` runs one file's tests, `cargo test --test
//! integration` all of them.

mod common;

mod bench_cli;
mod clean_samples;
mod debris_samples;
mod input_formats;
mod properties;
mod quality_props;
mod quality_samples;
mod report_browser;
mod reports;
mod scale;
mod story_dates;
mod story_names;
mod story_samples;
