//! Story-level name evidence: the names most articles of a same-story group agree on are the
//! reference spellings, so an article that mangles one of them — and never spells it right
//! itself, so that its own score cannot tell — loses quality once the group is known.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

/// The seed look-alikes of one story, by id.
fn story_articles() -> Vec<Value> {
    std::fs::read_to_string(samples().join("news.jsonl"))
        .expect("samples/news.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|r| r["id"].as_str().is_some_and(|id| id.starts_with("story-")))
        .collect()
}

fn write_jsonl(path: &Path, records: &[Value]) {
    let body: String = records.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(path, body).expect("write corpus");
}

fn kept(out: &Path, id: &str) -> Value {
    read_jsonl(&out.join("cleaned.jsonl"))
        .into_iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("{id} not kept"))
}

#[test]
fn a_name_the_story_spells_otherwise_marks_the_article_that_mangles_it() {
    let articles = story_articles();
    let by_id = |id: &str| -> Value {
        articles
            .iter()
            .find(|r| r["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("sample {id}"))
    };
    // Article 4 with the port's name mangled everywhere it occurs.
    let mut mangled = by_id("story-4");
    let text = mangled["text"].as_str().expect("text").to_string();
    assert!(text.contains("Mombasa"), "the sample names the port");
    mangled["text"] = Value::String(text.replace("Mombasa", "Mombosa"));
    mangled["id"] = Value::String("story-4m".into());

    let dir = tempfile::tempdir().expect("tempdir");
    let alone = dir.path().join("alone.jsonl");
    write_jsonl(&alone, std::slice::from_ref(&mangled));
    clean(&[&alone], &dir.path().join("alone"), &[]);
    let by_itself = kept(&dir.path().join("alone"), "story-4m");

    let group = dir.path().join("group.jsonl");
    let records = vec![
        by_id("story-1"),
        by_id("story-3"),
        by_id("story-5"),
        mangled.clone(),
    ];
    write_jsonl(&group, &records);
    clean(&[&group], &dir.path().join("group"), &[]);
    let in_story = kept(&dir.path().join("group"), "story-4m");

    // By itself the article cannot be faulted for the name...
    let names_alone = &by_itself["copydesk"]["evidence"]["mangled_names"];
    assert!(
        !names_alone
            .as_array()
            .is_some_and(|a| a.iter().any(|e| e["found"] == "Mombosa")),
        "{names_alone}"
    );
    // ...in its story group, the spelling the other articles share exposes it.
    assert!(in_story["copydesk"]["story"].is_string(), "{in_story}");
    let names = in_story["copydesk"]["evidence"]["mangled_names"]
        .as_array()
        .expect("mangled names as evidence");
    assert!(
        names
            .iter()
            .any(|e| e["found"] == "Mombosa" && e["likely"] == "Mombasa"),
        "{names:?}"
    );
    let q = |r: &Value| r["copydesk"]["quality"].as_f64().expect("quality");
    assert!(q(&in_story) < q(&by_itself));
    assert!(in_story["copydesk"]["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .any(|f| f == "garbled_names"));
    // The story's kept article is chosen with the re-scored qualities.
    let story_line = read_jsonl(&dir.path().join("group/clusters.jsonl"))
        .into_iter()
        .find(|c| c["level"] == "story")
        .expect("a story group");
    assert_ne!(story_line["kept"], "story-4m");
    let quality_of = |id: &str| {
        read_jsonl(&dir.path().join("group/cleaned.jsonl"))
            .into_iter()
            .find(|r| r["id"] == id)
            .map(|r| q(&r))
            .expect("member")
    };
    assert_eq!(
        story_line["selection"]["kept_quality"].as_f64(),
        Some(quality_of(story_line["kept"].as_str().expect("kept id")))
    );
}
