//! Reports: report.json, report.md and report.html agree, every section is there, hostile text
//! is escaped, gates set the exit status, and `report` / `diff` work from the files alone.

use crate::common::*;
use std::path::Path;

fn hostile_corpus(dir: &Path) -> std::path::PathBuf {
    let evil = "<script>alert('pwned')</script>";
    let body = format!(
        "Harbour news\n\n{evil}\n\nThe council met on Tuesday <img src=x onerror=alert(1)> to discuss the ferry timetable and the new cycle lane along the quay, which residents said was overdue.\n\nRead More"
    );
    let lines = [
        serde_json::json!({"id": "<b>bold-id</b>", "text": body, "url": "https://evil.example/\"><script>x</script>"}),
        serde_json::json!({"id": "copy\"quote", "text": body, "url": "https://evil.example/2"}),
        serde_json::json!({"id": "plain", "text": "A quiet story about allotments and the long waiting list for plots in the town, told by gardeners.", "url": "https://calm.example/1"}),
    ];
    let path = dir.join("hostile.jsonl");
    std::fs::write(
        &path,
        lines
            .iter()
            .map(|l| l.to_string() + "\n")
            .collect::<String>(),
    )
    .expect("write");
    path
}

#[test]
fn html_report_escapes_hostile_text_and_loads_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = hostile_corpus(dir.path());
    let out = dir.path().join("out");
    clean(&[&input], &out, &[]);
    let html = std::fs::read_to_string(out.join("report.html")).expect("html");
    assert!(!html.contains("<script"), "unescaped script tag");
    assert!(!html.contains("<img"), "unescaped img tag");
    assert!(!html.contains("<b>bold-id"), "unescaped id");
    assert!(
        html.contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;"),
        "hostile text should be shown, escaped"
    );
    assert!(html.contains("Content-Security-Policy"));
    assert!(html.contains("default-src 'none'"));
    for attr in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(
            !html.contains(attr),
            "report references the network: {attr}"
        );
    }
    let md = std::fs::read_to_string(out.join("report.md")).expect("md");
    assert!(!md.contains("<script"), "unescaped script in markdown");
}

#[test]
fn reports_agree_with_report_json_and_have_every_section() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    clean(&[&samples()], &out, &[]);
    let report = read_json(&out.join("report.json"));
    assert_eq!(report["schema_version"], 1);
    let html = std::fs::read_to_string(out.join("report.html")).expect("html");
    let md = std::fs::read_to_string(out.join("report.md")).expect("md");
    let c = &report["counts"];
    for key in ["read", "kept", "dropped", "invalid"] {
        let n = c[key].as_u64().expect("count").to_string();
        assert!(
            html.contains(&format!("<b>{n}</b>")),
            "html lacks {key} = {n}"
        );
        assert!(
            md.contains(&format!("| {key} | {n} |")),
            "md lacks {key} = {n}"
        );
    }
    for section in [
        "Headline",
        "Quality score, kept vs dropped",
        "Duplicate cluster sizes",
        "Dropped records by reason",
        "Removed debris by reason",
        "Languages of kept records",
        "Sites",
        "Largest clusters",
        "Largest story groups",
        "Worst-scored kept articles",
        "Best-scored dropped articles",
        "Run",
    ] {
        assert!(html.contains(section), "html lacks section {section}");
    }
    for section in [
        "## Cluster sizes",
        "## Largest clusters",
        "## Sites",
        "## Languages of kept records",
    ] {
        assert!(md.contains(section), "md lacks {section}");
    }
    let largest = &report["largest_clusters"][0];
    assert!(html.contains(largest["kept"].as_str().expect("kept")));
    assert!(report["sites"].as_array().expect("sites").len() > 1);
}

#[test]
fn a_failed_gate_exits_1_after_writing_everything() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let output = bin()
        .args([
            "clean",
            "--quiet",
            "--fail-if",
            "dup_rate > 0.05",
            "--fail-if",
            "invalid > 1000",
            "-o",
        ])
        .arg(&out)
        .arg(samples())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("gate FAILED: dup_rate > 0.05"), "{err}");
    assert!(
        !err.contains("invalid > 1000"),
        "passing gates are quiet under --quiet: {err}"
    );
    for f in [
        "cleaned.jsonl",
        "dropped.jsonl",
        "clusters.jsonl",
        "report.json",
        "report.html",
    ] {
        assert!(out.join(f).exists(), "{f} missing after a failed gate");
    }
    let report = read_json(&out.join("report.json"));
    let gates = report["gates"].as_array().expect("gates");
    assert_eq!(gates.len(), 2);
    assert_eq!(gates[0]["failed"], true);
    assert_eq!(gates[1]["failed"], false);
}

#[test]
fn passing_gates_exit_0_and_a_malformed_gate_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ok = bin()
        .args(["clean", "--quiet", "--fail-if", "mean_quality < 0.01", "-o"])
        .arg(dir.path().join("a"))
        .arg(samples())
        .output()
        .expect("run");
    assert_eq!(ok.status.code(), Some(0));
    let bad = bin()
        .args(["clean", "--quiet", "--fail-if", "dup_rate >> x", "-o"])
        .arg(dir.path().join("b"))
        .arg(samples())
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("dup_rate >> x"));
}

#[test]
fn report_command_rerenders_from_report_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    clean(&[&samples()], &out, &[]);
    let html = std::fs::read_to_string(out.join("report.html")).expect("html");
    let md = std::fs::read_to_string(out.join("report.md")).expect("md");
    std::fs::remove_file(out.join("report.html")).expect("rm");
    std::fs::write(out.join("report.md"), "stale").expect("write");
    let status = bin().arg("report").arg(&out).status().expect("run");
    assert!(status.success());
    assert_eq!(
        std::fs::read_to_string(out.join("report.html")).expect("html"),
        html
    );
    assert_eq!(
        std::fs::read_to_string(out.join("report.md")).expect("md"),
        md
    );
}

#[test]
fn diff_shows_what_changed_between_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    clean(&[&samples()], &a, &[]);
    clean(&[&samples().join("news.jsonl")], &b, &[]);
    let output = bin().arg("diff").arg(&a).arg(&b).output().expect("run");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("| duplicate rate |"), "{text}");
    assert!(text.contains("| dropped: exact_duplicate |"), "{text}");
    assert!(text.contains("Quality distribution"), "{text}");
}
