//! The debris stage on the sample corpus (`samples/`): every debris line listed in
//! `samples/EXPECTED.json` → `debris` is removed with a reason, every listed content line
//! survives, glued spans are cut at the right place, and repeated headlines are collapsed.
//! Statistics are built over all sample records first, as `copydesk clean` does.

use copydesk::config::DebrisOptions;
use copydesk::debris::{reasons, Debris, LineStatsBuilder, Stripped};
use serde_json::Value;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

struct Rec {
    id: String,
    text: String,
    site: Option<String>,
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

fn parse_jsonl(text: &str, out: &mut Vec<Rec>) {
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let (Some(id), Some(text)) = (v["id"].as_str(), v["text"].as_str()) else {
            continue;
        };
        out.push(Rec {
            id: id.to_string(),
            text: text.to_string(),
            site: v["url"].as_str().map(copydesk::input::site_of),
        });
    }
}

fn load_all() -> Vec<Rec> {
    let dir = samples();
    let mut recs = Vec::new();
    let news = std::fs::read_to_string(dir.join("news.jsonl")).expect("news.jsonl");
    parse_jsonl(&news, &mut recs);
    let raw = std::fs::read(dir.join("feeds/partner-dump.jsonl")).expect("partner dump");
    // Lines that are not UTF-8 are invalid records for the pipeline: skip them here too.
    for line in raw.split(|&b| b == b'\n') {
        if let Ok(line) = std::str::from_utf8(line) {
            parse_jsonl(line, &mut recs);
        }
    }
    let gz = std::fs::File::open(dir.join("feeds/wire-2026-03.jsonl.gz")).expect("wire");
    let mut wire = String::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_string(&mut wire)
        .expect("gunzip");
    parse_jsonl(&wire, &mut recs);
    for name in ["coastal-ferry", "allotment-waiting-list"] {
        let path = dir.join(format!("feeds/blog/{name}.txt"));
        recs.push(Rec {
            id: format!("feeds/blog/{name}"),
            text: std::fs::read_to_string(path).expect("blog post"),
            site: None,
        });
    }
    recs
}

struct Run {
    out: HashMap<String, Stripped>,
    input: HashMap<String, String>,
}

fn strip_all() -> Run {
    let opts = DebrisOptions::default();
    let recs = load_all();
    let mut b = LineStatsBuilder::new(&opts);
    for r in &recs {
        b.add(r.site.as_deref(), &r.text);
    }
    let stats = b.finish();
    let d = Debris::new(&opts).expect("debris");
    let mut run = Run {
        out: HashMap::new(),
        input: HashMap::new(),
    };
    for r in &recs {
        run.out
            .insert(r.id.clone(), d.strip(&r.text, r.site.as_deref(), &stats));
        run.input.insert(r.id.clone(), r.text.clone());
    }
    run
}

fn expected() -> Value {
    let text = std::fs::read_to_string(samples().join("EXPECTED.json")).expect("EXPECTED.json");
    serde_json::from_str(&text).expect("EXPECTED.json is JSON")
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn listed_debris_goes_and_listed_content_stays() {
    let exp = expected();
    let run = strip_all();
    let mut failures = Vec::new();
    let debris = exp["debris"].as_object().expect("debris section");
    for (id, e) in debris {
        let Some(s) = run.out.get(id) else {
            failures.push(format!("{id}: record not found"));
            continue;
        };
        let lines: Vec<&str> = s.text.lines().map(str::trim).collect();
        for r in strs(&e["removed"]) {
            if lines.contains(&r.trim()) {
                failures.push(format!("{id}: debris line kept: {r:?}"));
            }
            if !s.removed.iter().any(|x| x.text.trim() == r.trim()) {
                failures.push(format!("{id}: debris line not recorded: {r:?}"));
            }
        }
        for k in strs(&e["kept"]) {
            if !lines.contains(&k.trim()) {
                failures.push(format!("{id}: content line lost: {k:?}"));
            }
        }
        for r in strs(&e["removed_spans"]) {
            if s.text.contains(r) {
                failures.push(format!("{id}: debris span kept: {r:?}"));
            }
            if !s
                .removed
                .iter()
                .any(|x| x.text.contains(r.trim_end_matches([' ', '.'])))
            {
                failures.push(format!("{id}: debris span not recorded: {r:?}"));
            }
        }
        for k in strs(&e["kept_spans"]) {
            if !s.text.contains(k) {
                failures.push(format!("{id}: content span lost: {k:?}"));
            }
        }
        for h in strs(&e["collapse_repeated"]) {
            let n = lines.iter().filter(|l| **l == h.trim()).count();
            if n > 1 {
                failures.push(format!("{id}: headline appears {n} times"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_removal_has_a_known_reason() {
    let run = strip_all();
    for (id, s) in &run.out {
        for r in &s.removed {
            assert!(
                reasons::ALL.contains(&r.reason),
                "{id}: unknown reason {}",
                r.reason
            );
        }
    }
}

/// Articles without listed debris keep every line of ten words or more, except sentences that
/// the site repeats in most of its articles (the templated briefs' disclaimers), which are
/// template lines by design.
#[test]
fn articles_without_listed_debris_lose_no_prose() {
    let exp = expected();
    let run = strip_all();
    let skip = strs(&exp["empty_or_debris_only"]);
    let listed = exp["debris"].as_object().expect("debris section");
    let mut failures = Vec::new();
    for (id, text) in &run.input {
        if skip.contains(&id.as_str()) || listed.contains_key(id) {
            continue;
        }
        let s = &run.out[id];
        let template = |line: &str| {
            s.removed
                .iter()
                .any(|r| r.text.trim() == line && r.reason == reasons::TEMPLATE_LINE)
        };
        for line in text.lines().map(str::trim) {
            if line.split_whitespace().count() >= 10 && !s.text.contains(line) && !template(line) {
                failures.push(format!("{id}: lost {line:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn navigation_and_cookie_records_are_mostly_debris() {
    let exp = expected();
    let run = strip_all();
    let max = DebrisOptions::default().max_debris_share;
    for id in strs(&exp["empty_or_debris_only"]) {
        let s = &run.out[id];
        assert!(
            s.text.trim().is_empty() || s.debris_share() > max,
            "{id}: kept {:?}",
            s.text
        );
    }
}

#[test]
fn story_articles_are_not_dropped_as_mostly_debris() {
    let run = strip_all();
    let max = DebrisOptions::default().max_debris_share;
    for id in ["story-1", "story-2", "story-3", "story-4", "story-5"] {
        let s = &run.out[id];
        assert!(s.debris_share() < max, "{id}: share {}", s.debris_share());
    }
}
