//! `copydesk bench` (`--repeat`, `--scaling`): the figures it prints are the ones its runs
//! measured.

use crate::common::bin;
use serde_json::Value;

/// `copydesk bench` on 60 generated articles at 2 threads with `extra` flags, its JSON output.
fn bench_json(extra: &[&str]) -> Value {
    let out = bin()
        .args(["bench", "--articles", "60", "--threads", "2"])
        .args(extra)
        .args(["--min-quality", "0.1", "--json"])
        .output()
        .expect("run copydesk bench");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn scaling_reports_medians_of_its_runs() {
    let r = bench_json(&["--scaling", "1"]);
    assert_eq!(r["threads"], 2);
    assert_eq!(r["repeats"], 1);
    let first = |k: &str| {
        let v = r[k].as_array().expect(k);
        assert_eq!(v.len(), 1, "{k}");
        v[0].as_f64().expect("seconds")
    };
    let (one, two, independent) = (
        first("one_thread_seconds"),
        first("n_threads_seconds"),
        first("independent_seconds"),
    );
    assert!(one > 0.0 && two > 0.0 && independent > 0.0);
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9 * b.abs().max(1.0);
    let speed_up = r["speed_up"].as_f64().expect("speed_up");
    let ceiling = r["machine_ceiling"].as_f64().expect("machine_ceiling");
    assert!(close(speed_up, one / two));
    assert!(close(ceiling, 2.0 * one / independent));
    assert!(close(
        r["share_of_ceiling"].as_f64().expect("share"),
        speed_up / ceiling
    ));
    assert!(r["megabytes"].as_f64().expect("MB") > 0.1);
}

#[test]
fn scaling_checks_its_options_before_any_run() {
    let out = bin()
        .args(["bench", "--articles", "20", "--scaling", "1"])
        .args(["--config", "/nonexistent/copydesk.toml"])
        .output()
        .expect("run copydesk bench");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/copydesk.toml"), "{err}");
}

#[test]
fn repeated_rounds_report_their_medians_and_every_round() {
    let r = bench_json(&["--repeat", "3"]);
    assert_eq!(r["repeats"], 3);
    let runs = |k: &str| -> Vec<f64> {
        let v: Vec<f64> = r[k]
            .as_array()
            .expect(k)
            .iter()
            .map(|x| x.as_f64().expect("MB/s"))
            .collect();
        assert_eq!(v.len(), 3, "{k}");
        assert!(v.iter().all(|&x| x > 0.0), "{k}: {v:?}");
        v
    };
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[1]
    };
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9 * b.abs().max(1.0);
    let pipeline = r["pipeline_mb_per_s"].as_f64().expect("rate");
    let parse = r["parse_only_mb_per_s"].as_f64().expect("rate");
    assert!(close(pipeline, median(runs("pipeline_mb_per_s_runs"))));
    assert!(close(parse, median(runs("parse_only_mb_per_s_runs"))));
    assert!(close(
        r["ratio_to_parse_only"].as_f64().expect("ratio"),
        pipeline / parse
    ));
    // The stage figures are those of a real run: every pass took some time.
    for stage in ["read", "score", "group", "write"] {
        assert!(r["stage_ms"][stage].as_u64().is_some(), "{stage}");
    }
}
