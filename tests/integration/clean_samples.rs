//! `copydesk clean` on the bundled samples: the output contract, the accounting of every record,
//! the duplicate clusters the samples were written to contain, and bad-input handling.

use crate::common::*;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

fn run_samples(out: &Path, extra: &[&str]) {
    clean(&[&samples()], out, extra);
}

#[test]
fn every_record_is_kept_dropped_or_invalid_and_counts_balance() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    run_samples(&out, &[]);
    let exp = expected();
    let report = read_json(&out.join("report.json"));
    let c = &report["counts"];
    let (read, kept, dropped, invalid) = (
        c["read"].as_u64().expect("read"),
        c["kept"].as_u64().expect("kept"),
        c["dropped"].as_u64().expect("dropped"),
        c["invalid"].as_u64().expect("invalid"),
    );
    assert_eq!(read, kept + dropped + invalid);
    assert_eq!(invalid, exp["invalid_line_count"].as_u64().expect("count"));
    assert_eq!(
        kept + dropped,
        exp["valid_record_count"].as_u64().expect("count")
    );
    assert_eq!(c["blank_lines"].as_u64(), Some(1));

    let cleaned = read_jsonl(&out.join("cleaned.jsonl"));
    let dropped_recs = read_jsonl(&out.join("dropped.jsonl"));
    assert_eq!(cleaned.len() as u64, kept);
    assert_eq!(dropped_recs.len() as u64, dropped);
    let mut ids = BTreeSet::new();
    for r in cleaned.iter().chain(&dropped_recs) {
        let id = r["id"].as_str().expect("id").to_string();
        assert!(ids.insert(id.clone()), "{id} written twice");
        let q = r["copydesk"]["quality"].as_f64().expect("quality");
        assert!((0.0..=1.0).contains(&q));
        assert!(r["copydesk"]["signals"].is_object());
    }
    for r in &dropped_recs {
        assert!(
            r["copydesk"]["reason"].is_string(),
            "dropped record without reason: {r}"
        );
    }
    // The whole output is accounted for: no temporary files are left in OUTDIR.
    let names: BTreeSet<String> = std::fs::read_dir(&out)
        .expect("outdir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    let want: BTreeSet<String> = [
        "cleaned.jsonl",
        "dropped.jsonl",
        "clusters.jsonl",
        "invalid.jsonl",
        "report.json",
        "report.md",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert!(want.is_subset(&names), "missing outputs: {names:?}");
    assert!(
        !names.iter().any(|n| n.starts_with(".copydesk-tmp")),
        "temp left: {names:?}"
    );
}

#[test]
fn malformed_lines_are_reported_with_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    run_samples(&out, &[]);
    let invalid = read_jsonl(&out.join("invalid.jsonl"));
    let got: BTreeSet<(String, u64)> = invalid
        .iter()
        .map(|r| {
            let file = r["file"].as_str().expect("file");
            let rel = file
                .split("samples/")
                .last()
                .expect("under samples")
                .to_string();
            assert!(!r["error"].as_str().expect("error").is_empty());
            assert!(r["raw"].is_string());
            (rel, r["line"].as_u64().expect("line"))
        })
        .collect();
    let want: BTreeSet<(String, u64)> = expected()["malformed"]
        .as_array()
        .expect("malformed")
        .iter()
        .map(|m| {
            (
                m["file"].as_str().expect("file").to_string(),
                m["line"].as_u64().expect("line"),
            )
        })
        .collect();
    assert_eq!(got, want);
    let by_problem: HashMap<String, String> = invalid
        .iter()
        .map(|r| {
            (
                format!("{}", r["line"]),
                r["error"].as_str().expect("error").to_string(),
            )
        })
        .collect();
    assert!(by_problem["34"].contains("missing text field"));
    assert!(by_problem["42"].contains("not a string"));
    assert!(by_problem["2"].contains("invalid UTF-8"));
}

#[test]
fn exact_and_near_copies_are_clustered_and_lookalikes_are_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    run_samples(&out, &[]);
    let exp = expected();
    let cluster_of = copy_cluster_of(&out);
    for key in ["exact_groups", "near_groups"] {
        for group in exp[key].as_array().expect("groups") {
            let ids = strs(group);
            let first = cluster_of
                .get(&ids[0])
                .unwrap_or_else(|| panic!("{} not clustered ({key})", ids[0]));
            for id in &ids[1..] {
                assert_eq!(
                    cluster_of.get(id),
                    Some(first),
                    "{id} not with {} ({key})",
                    ids[0]
                );
            }
        }
    }
    for set in exp["not_copies"].as_array().expect("not_copies") {
        let ids = strs(set);
        for (i, a) in ids.iter().enumerate() {
            for b in &ids[i + 1..] {
                if let (Some(x), Some(y)) = (cluster_of.get(a), cluster_of.get(b)) {
                    assert_ne!(x, y, "{a} and {b} must not be copies");
                }
            }
        }
    }
    for group in exp["exact_groups"].as_array().expect("groups") {
        let ids = strs(group);
        let clusters = read_jsonl(&out.join("clusters.jsonl"));
        let c = clusters
            .iter()
            .find(|c| strs(&c["members"]).contains(&ids[0]))
            .expect("cluster line");
        if strs(&c["members"]).len() == ids.len() {
            assert_eq!(c["level"], "exact");
        }
    }
}

#[test]
fn clusters_name_the_kept_member_and_dropped_copies_point_to_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    run_samples(&out, &[]);
    let clusters = read_jsonl(&out.join("clusters.jsonl"));
    assert!(!clusters.is_empty());
    let kept_ids: BTreeSet<String> = read_jsonl(&out.join("cleaned.jsonl"))
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_string())
        .collect();
    let dropped: HashMap<String, Value> = read_jsonl(&out.join("dropped.jsonl"))
        .into_iter()
        .map(|r| (r["id"].as_str().expect("id").to_string(), r))
        .collect();
    for c in clusters.iter().filter(|c| c["level"] != "story") {
        let kept = c["kept"].as_str().expect("kept").to_string();
        assert!(
            kept_ids.contains(&kept),
            "kept member {kept} not in cleaned.jsonl"
        );
        assert!(c["selection"]["rule"].is_string());
        assert!(c["selection"]["runner_up"].is_string());
        for m in strs(&c["members"]) {
            if m == kept {
                continue;
            }
            let r = &dropped[&m];
            assert_eq!(r["copydesk"]["duplicate_of"], kept.as_str());
            assert!(matches!(
                r["copydesk"]["reason"].as_str(),
                Some("exact_duplicate" | "near_duplicate")
            ));
            assert_eq!(r["copydesk"]["cluster"], c["cluster"]);
        }
    }
}

#[test]
fn other_fields_are_carried_through_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    run_samples(&out, &[]);
    let mut originals: HashMap<String, Value> = HashMap::new();
    let text = std::fs::read_to_string(samples().join("news.jsonl")).expect("news");
    for line in text.lines() {
        if let Ok(v) = serde_json::from_str::<Value>(line) {
            if let Some(id) = v["id"].as_str() {
                originals.insert(id.to_string(), v);
            }
        }
    }
    let all: Vec<Value> = read_jsonl(&out.join("cleaned.jsonl"))
        .into_iter()
        .chain(read_jsonl(&out.join("dropped.jsonl")))
        .collect();
    let exp = expected();
    let fields = exp["passthrough_fields"].as_object().expect("passthrough");
    let mut checked = 0;
    for r in &all {
        let id = r["id"].as_str().expect("id");
        let (Some(names), Some(orig)) = (fields.get(id), originals.get(id)) else {
            continue;
        };
        for f in strs(names) {
            assert_eq!(r[&f], orig[&f], "{id}.{f} changed");
            checked += 1;
        }
    }
    assert!(checked > 10, "only {checked} fields checked");
    // Dropped records keep their original text; kept ones carry the cleaned text.
    for r in &all {
        let id = r["id"].as_str().expect("id");
        if r["copydesk"]["reason"].is_string() {
            if let Some(orig) = originals.get(id) {
                assert_eq!(r["text"], orig["text"], "{id}: dropped record text changed");
            }
        }
    }
}

#[test]
fn empty_and_navigation_only_records_are_dropped_with_a_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    run_samples(&out, &[]);
    let dropped: HashMap<String, Value> = read_jsonl(&out.join("dropped.jsonl"))
        .into_iter()
        .map(|r| (r["id"].as_str().expect("id").to_string(), r))
        .collect();
    let empty = &dropped.get("empty-01").expect("empty-01 dropped")["copydesk"]["reason"];
    assert_eq!(empty, "empty");
}

fn comparable_report(out: &Path) -> Value {
    let mut r = read_json(&out.join("report.json"));
    r.as_object_mut().expect("object").remove("run");
    r
}

#[test]
fn outputs_are_byte_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let outs: Vec<_> = ["1", "2", "5"]
        .iter()
        .map(|t| {
            let out = dir.path().join(format!("out{t}"));
            run_samples(&out, &["--threads", t]);
            out
        })
        .collect();
    for name in [
        "cleaned.jsonl",
        "dropped.jsonl",
        "clusters.jsonl",
        "invalid.jsonl",
    ] {
        let first = std::fs::read(outs[0].join(name)).expect("read");
        for o in &outs[1..] {
            assert!(
                first == std::fs::read(o.join(name)).expect("read"),
                "{name} differs"
            );
        }
    }
    let first = comparable_report(&outs[0]);
    for o in &outs[1..] {
        assert_eq!(first, comparable_report(o));
    }
}

#[test]
fn strict_mode_stops_at_the_first_bad_line_with_status_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = bin()
        .args(["clean", "--strict", "--quiet", "-o"])
        .arg(dir.path().join("out"))
        .arg(samples().join("news.jsonl"))
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("news.jsonl:12"), "{err}");
    assert!(!dir.path().join("out/cleaned.jsonl").exists());
}

#[test]
fn a_missing_input_is_a_clear_error_with_status_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = bin()
        .args(["clean", "no/such/file.jsonl", "-o"])
        .arg(dir.path().join("out"))
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no/such/file.jsonl"));
}

#[test]
fn bad_usage_exits_with_status_2() {
    let output = bin()
        .args(["clean", "--threads", "x"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_garbled_copy_loses_the_keep_decision_to_its_clean_original() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    run_samples(&out, &[]);
    let garbled = strs(&expected()["garbled"]);
    let clusters = read_jsonl(&out.join("clusters.jsonl"));
    let mut checked = 0;
    for c in clusters.iter().filter(|c| c["level"] == "near") {
        let members = strs(&c["members"]);
        if members.iter().any(|m| garbled.contains(m)) {
            let kept = c["kept"].as_str().expect("kept").to_string();
            assert!(
                !garbled.contains(&kept),
                "garbled {kept} kept over its clean copy"
            );
            assert_eq!(c["selection"]["decided_by"], "quality");
            checked += 1;
        }
    }
    assert!(checked > 0, "no near cluster holds a garbled sample");
}

/// The samples, each record followed later by a re-crawl of it: the same line with another id.
fn samples_with_recrawls(dir: &Path) -> std::path::PathBuf {
    let mut lines: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(samples()).expect("samples") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "jsonl") {
            let text = std::fs::read_to_string(&path).expect("read sample");
            lines.extend(
                text.lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(String::from),
            );
        }
    }
    lines.sort();
    let mut again: Vec<String> = Vec::new();
    for line in &lines {
        let Ok(Value::Object(mut rec)) = serde_json::from_str::<Value>(line) else {
            continue; // the samples' malformed lines stay once
        };
        let Some(id) = rec.get("id").and_then(Value::as_str).map(String::from) else {
            continue;
        };
        rec.insert("id".into(), Value::String(format!("{id}-again")));
        again.push(serde_json::to_string(&rec).expect("json"));
    }
    let path = dir.join("recrawled.jsonl");
    std::fs::write(&path, [lines, again].concat().join("\n") + "\n").expect("write");
    path
}

#[test]
fn a_recrawled_copy_gets_its_first_copys_verdicts_and_counts_as_a_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = samples_with_recrawls(dir.path());
    let once = dir.path().join("once");
    let twice = dir.path().join("twice");
    // The first half of the file alone: the samples once.
    let text = std::fs::read_to_string(&input).expect("read");
    // Distinct ids of valid records: the samples hold a repeated id, which the map below
    // keeps once, and records without a text, which are invalid.
    let n_again = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|r| r["text"].is_string())
        .filter_map(|r| r["id"].as_str().map(String::from))
        .filter(|id| id.ends_with("-again"))
        .collect::<BTreeSet<_>>()
        .len();
    assert!(n_again > 20, "only {n_again} re-crawls");
    let first_half: String = text
        .lines()
        .filter(|l| !l.contains("-again\""))
        .map(|l| format!("{l}\n"))
        .collect();
    let once_input = dir.path().join("once.jsonl");
    std::fs::write(&once_input, first_half).expect("write");
    clean(&[&once_input], &once, &["--min-quality", "0"]);
    clean(&[&input], &twice, &["--min-quality", "0"]);

    let mut by_id: HashMap<String, Value> = HashMap::new();
    for f in ["cleaned.jsonl", "dropped.jsonl"] {
        for r in read_jsonl(&twice.join(f)) {
            by_id.insert(r["id"].as_str().expect("id").to_string(), r);
        }
    }
    let mut checked = 0;
    for (id, copy) in by_id.iter().filter(|(id, _)| id.ends_with("-again")) {
        let first = &by_id[id.trim_end_matches("-again")];
        let (c, f) = (&copy["copydesk"], &first["copydesk"]);
        for field in ["quality", "signals", "flags", "evidence", "removed", "lang"] {
            assert_eq!(c[field], f[field], "{id}: {field}");
        }
        if f["reason"].is_null() {
            assert_eq!(c["reason"], "exact_duplicate", "{id}");
            assert_eq!(
                c["duplicate_of"], first["id"],
                "{id} points to its first copy"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, n_again);
    // Counted as if each copy had been cleaned: every removed line and input byte twice.
    let (r1, r2) = (
        read_json(&once.join("report.json")),
        read_json(&twice.join("report.json")),
    );
    let removed = |r: &Value| r["debris"]["removed_by_reason"].clone();
    let doubled: serde_json::Map<String, Value> = removed(&r1)
        .as_object()
        .expect("reasons")
        .iter()
        .map(|(k, v)| (k.clone(), Value::from(2 * v.as_u64().expect("count"))))
        .collect();
    assert!(!doubled.is_empty());
    assert_eq!(removed(&r2), Value::Object(doubled));
    assert_eq!(
        r2["counts"]["repeated_texts"].as_u64(),
        r1["counts"]["repeated_texts"]
            .as_u64()
            .map(|n| n + n_again as u64),
        "every re-crawl is counted as a repeated text"
    );
    assert_eq!(
        r2["bytes"]["input_text"].as_u64(),
        r1["bytes"]["input_text"].as_u64().map(|b| 2 * b)
    );
}

/// The samples' records with a text, and a syndicated copy of each: another id, another site,
/// and that site's share prompt and "Read More" line around the same article.
fn samples_with_syndicated_copies(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf, usize) {
    let text = std::fs::read_to_string(samples().join("news.jsonl")).expect("read sample");
    let mut copies: Vec<String> = Vec::new();
    for line in text.lines() {
        let Ok(Value::Object(mut rec)) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let (Some(id), Some(body)) = (
            rec.get("id").and_then(Value::as_str).map(String::from),
            rec.get("text").and_then(Value::as_str).map(String::from),
        ) else {
            continue;
        };
        rec.insert("id".into(), Value::String(format!("{id}-syndicated")));
        rec.insert(
            "url".into(),
            Value::String(format!("https://wire-copies.example/{id}")),
        );
        rec.insert(
            "text".into(),
            Value::String(format!("Share this article\n{body}\nRead More")),
        );
        copies.push(serde_json::to_string(&rec).expect("json"));
    }
    let both = dir.join("with-copies.jsonl");
    let alone = dir.join("copies.jsonl");
    std::fs::write(&both, format!("{text}\n{}\n", copies.join("\n"))).expect("write");
    std::fs::write(&alone, copies.join("\n") + "\n").expect("write");
    (both, alone, copies.len())
}

#[test]
fn a_syndicated_copy_is_scored_once_and_gets_what_a_fresh_score_gives() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (both, alone, n) = samples_with_syndicated_copies(dir.path());
    assert!(n > 20, "only {n} copies");
    let (out_both, out_alone) = (dir.path().join("both"), dir.path().join("alone"));
    // One thread: the memo then meets the texts in input order, so its hits are a fixed count.
    let args = ["--min-quality", "0", "--threads", "1"];
    clean(&[&both], &out_both, &args);
    clean(&[&alone], &out_alone, &args);
    let by_id = |out: &Path| -> HashMap<String, Value> {
        ["cleaned.jsonl", "dropped.jsonl"]
            .iter()
            .flat_map(|f| read_jsonl(&out.join(f)))
            .map(|r| (r["id"].as_str().expect("id").to_string(), r))
            .collect()
    };
    let (together, fresh) = (by_id(&out_both), by_id(&out_alone));
    let mut checked = 0;
    for (id, copy) in together
        .iter()
        .filter(|(id, _)| id.ends_with("-syndicated"))
    {
        let (c, f) = (&copy["copydesk"], &fresh[id]["copydesk"]);
        for field in ["quality", "signals", "flags", "evidence", "lang", "removed"] {
            assert_eq!(c[field], f[field], "{id}: {field}");
        }
        checked += 1;
    }
    assert_eq!(checked, n);
    let hits = |out: &Path| {
        read_json(&out.join("report.json"))["run"]["score_memo_hits"]
            .as_u64()
            .expect("score_memo_hits")
    };
    // Copies kept when alone whose cleaned text is their kept original's (the others lost a
    // line to one site's templates and not the other's, or were dropped): each finds its
    // original's score in the memo, on top of the hits the copies make among themselves.
    let kept = |r: &Value| r["copydesk"]["reason"].is_null();
    let same_text = fresh
        .iter()
        .filter(|(id, copy)| {
            let original = &together[id.trim_end_matches("-syndicated")];
            kept(copy) && kept(original) && copy["text"] == original["text"]
        })
        .count();
    assert!(same_text > n / 2, "{same_text} of {n} copies clean alike");
    assert!(
        hits(&out_both) >= hits(&out_alone) + same_text as u64,
        "{} hits with the originals, {} without, {same_text} copies cleaned alike",
        hits(&out_both),
        hits(&out_alone)
    );
}
