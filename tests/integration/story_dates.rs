//! Date proximity: write-ups of one event published weeks apart are not grouped, because a
//! story that returns weeks later (a trial's verdict after its opening) is another event.

use copydesk::config::Options;
use copydesk::pipeline::{run, CleanJob};
use copydesk::progress::Mode;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

fn sample_text(id: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/news.jsonl");
    let text = std::fs::read_to_string(path).expect("samples/news.jsonl");
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["id"] == id)
        .and_then(|v| v["text"].as_str().map(String::from))
        .expect("sample record")
}

fn stories(dated: &[(&str, &str)], options: Options) -> BTreeMap<String, Value> {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in.jsonl");
    let mut f = std::fs::File::create(&input).expect("create");
    for (id, date) in dated {
        let rec = serde_json::json!({ "id": id, "text": sample_text(id), "published": date });
        writeln!(f, "{rec}").expect("write");
    }
    drop(f);
    let out = dir.path().join("out");
    run(&CleanJob {
        inputs: vec![input],
        outdir: out.clone(),
        options,
        progress: Mode::Quiet,
    })
    .expect("clean runs");
    let mut m = BTreeMap::new();
    for name in ["cleaned.jsonl", "dropped.jsonl"] {
        for line in std::fs::read_to_string(out.join(name))
            .expect("output")
            .lines()
        {
            let v: Value = serde_json::from_str(line).expect("JSON");
            m.insert(
                v["id"].as_str().expect("id").to_string(),
                v["copydesk"]["story"].clone(),
            );
        }
    }
    m
}

#[test]
fn a_write_up_dated_months_later_is_not_in_the_story() {
    let dated = [
        ("story-1", "2026-03-09"),
        ("story-5", "2026-03-10"),
        ("story-2", "2026-06-01"),
    ];
    let s = stories(&dated, Options::default());
    assert!(s["story-1"].is_string());
    assert_eq!(s["story-1"], s["story-5"]);
    assert!(s["story-2"].is_null(), "{s:?}");
    // Without the date rule the third write-up joins: the rule, not the text, kept it out.
    let mut no_dates = Options::default();
    no_dates.story.max_days_apart = None;
    let s = stories(&dated, no_dates);
    assert_eq!(s["story-1"], s["story-2"], "{s:?}");
}
