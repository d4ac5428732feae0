//! Opens `report.html` in a real headless browser (Debian's `chromium`, driven by
//! playwright-core from `tests/browser/`) and checks that it renders without console errors and
//! makes no network requests. The screenshot is kept as `target/report-screenshot.png`.
//!
//! Locally: `apt-get install chromium && npm install --prefix tests/browser`, then
//! `cargo test --test report_browser`. Without the browser the test is skipped with a message,
//! except under CI (`CI=true`), where a missing browser is a failure.

use crate::common::*;
use std::path::Path;
use std::process::Command;

#[test]
fn report_renders_in_headless_chromium_without_errors_or_requests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = root.join("tests/browser/check_report.mjs");
    let ready = Path::new("/usr/bin/chromium").exists()
        && root
            .join("tests/browser/node_modules/playwright-core")
            .exists()
        && Command::new("node").arg("--version").output().is_ok();
    if !ready {
        assert!(
            std::env::var("CI").is_err(),
            "CI must install chromium and tests/browser's node modules (see .ci/run)"
        );
        eprintln!("skipped: install chromium and run `npm install --prefix tests/browser`");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    // Hostile text must not be able to run: put a script into an article the report shows.
    let input = dir.path().join("in.jsonl");
    let evil = serde_json::json!({"id": "evil", "text": "<script>console.error('ran')</script>\n<img src=\"http://127.0.0.1:9/x.png\">\nA short note."});
    std::fs::write(&input, evil.to_string() + "\n").expect("write");
    clean(&[&samples(), &input], &out, &[]);
    let shot = root.join("target/report-screenshot.png");
    let output = Command::new("node")
        .arg(&script)
        .arg(out.join("report.html"))
        .arg(&shot)
        .output()
        .expect("run node");
    assert!(
        output.status.success(),
        "browser check failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(shot.exists());
}
