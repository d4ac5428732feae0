//! Helpers shared by the integration tests: run the binary, read its outputs, read the samples'
//! expectations. Tests use `samples/` and data they generate, never `../shared`.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_copydesk"))
}

pub fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

pub fn expected() -> Value {
    let text = std::fs::read_to_string(samples().join("EXPECTED.json")).expect("EXPECTED.json");
    serde_json::from_str(&text).expect("EXPECTED.json is JSON")
}

/// Runs `copydesk clean` with `args` and returns its output; panics with stderr on failure
/// unless `allow_failure`.
pub fn clean(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let mut cmd = bin();
    cmd.arg("clean")
        .args(inputs)
        .arg("-o")
        .arg(out)
        .arg("--quiet")
        .args(extra);
    cmd.stdin(Stdio::null());
    let output = cmd.output().expect("run copydesk");
    assert!(
        output.status.success(),
        "copydesk failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

pub fn read_jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).expect("output line is JSON"))
        .collect()
}

pub fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read json")).expect("json")
}

pub fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_str().expect("string").to_string())
        .collect()
}

/// Cluster id of each record id, from clusters.jsonl (only `exact`/`near` levels).
pub fn copy_cluster_of(out: &Path) -> std::collections::HashMap<String, String> {
    let mut map = std::collections::HashMap::new();
    for c in read_jsonl(&out.join("clusters.jsonl")) {
        let level = c["level"].as_str().unwrap_or_default();
        if level != "exact" && level != "near" {
            continue;
        }
        for m in strs(&c["members"]) {
            map.insert(m, c["cluster"].as_str().expect("cluster id").to_string());
        }
    }
    map
}
