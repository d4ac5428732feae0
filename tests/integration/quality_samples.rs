//! Quality scoring on the invented sample corpus (`samples/`), against `samples/EXPECTED.json`:
//! garbled articles score below clean ones, the story group is ranked as a reader would rank
//! it, and the garbled story names its mangled names as evidence.

use copydesk::config::QualityOptions;
use copydesk::quality::{self, NameIndex, Quality};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn samples_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/samples"))
}

fn expected() -> Value {
    let text = std::fs::read_to_string(samples_dir().join("EXPECTED.json")).expect("EXPECTED.json");
    serde_json::from_str(&text).expect("EXPECTED.json is JSON")
}

/// Texts of the valid records of `news.jsonl`, by id (malformed lines are skipped).
fn texts() -> BTreeMap<String, String> {
    let raw = std::fs::read(samples_dir().join("news.jsonl")).expect("news.jsonl");
    let mut out = BTreeMap::new();
    for line in raw.split(|&b| b == b'\n') {
        let Ok(v) = serde_json::from_slice::<Value>(line) else {
            continue;
        };
        if let (Some(id), Some(text)) = (v["id"].as_str(), v["text"].as_str()) {
            out.insert(id.to_string(), text.to_string());
        }
    }
    out
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str().map(str::to_string))
        .collect()
}

fn score(text: &str) -> Quality {
    quality::score(text, &QualityOptions::default())
}

/// The text with the debris that EXPECTED.json lists for it removed, as the debris stage
/// would leave it.
fn without_listed_debris(id: &str, text: &str, exp: &Value) -> String {
    let d = &exp["debris"][id];
    let lines = ids(&d["removed"]);
    let spans = ids(&d["removed_spans"]);
    // Lines the debris stage keeps only once (a headline repeated above the body).
    let repeats = ids(&d["collapse_repeated"]);
    let mut seen: Vec<&str> = Vec::new();
    text.lines()
        .filter(|l| !lines.iter().any(|r| r == l.trim()))
        .filter(|l| {
            let l = l.trim();
            if repeats.iter().any(|r| r == l) {
                let first = !seen.contains(&l);
                seen.push(l);
                first
            } else {
                true
            }
        })
        .map(|l| {
            let mut l = l.to_string();
            for s in &spans {
                l = l.replace(s.as_str(), "");
            }
            l
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn garbled_articles_score_below_every_clean_reference() {
    let exp = expected();
    let texts = texts();
    for g in ids(&exp["garbled"]) {
        let gq = score(&texts[&g]).score;
        for c in ids(&exp["clean_reference"]) {
            let cq = score(&texts[&c]).score;
            assert!(gq < cq, "{g} ({gq}) should score below {c} ({cq})");
        }
    }
}

#[test]
fn story_group_ranks_the_clean_copy_first_and_the_garbled_one_last() {
    let exp = expected();
    let texts = texts();
    for group in exp["story_groups"].as_array().into_iter().flatten() {
        let scored: Vec<(String, f64)> = ids(&group["members"])
            .into_iter()
            .map(|id| {
                let q = score(&without_listed_debris(&id, &texts[&id], &exp)).score;
                (id, q)
            })
            .collect();
        let best = group["best"].as_str().unwrap_or_default();
        let worst = group["worst"].as_str().unwrap_or_default();
        let q = |id: &str| {
            scored
                .iter()
                .find(|s| s.0 == id)
                .map(|s| s.1)
                .unwrap_or(-1.0)
        };
        for (id, s) in &scored {
            if id != best {
                // Once their debris is gone, the look-alike of the clean seed and that of the
                // mildly odd one (story-5) are both clean text and may tie: the keep rule then
                // prefers the longer (tests/integration/story_samples.rs checks story-1 is kept). Only the
                // defective members must score strictly lower.
                assert!(q(best) >= *s, "{best} should rank first: {scored:?}");
            }
            if id != worst {
                assert!(q(worst) < *s, "{worst} should rank last: {scored:?}");
            }
        }
    }
}

#[test]
fn garbled_story_is_flagged_with_its_mangled_names() {
    let exp = expected();
    let texts = texts();
    let evidence = exp["garble_evidence"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    assert!(!evidence.is_empty());
    for (id, pairs) in evidence {
        let q = score(&texts[&id]);
        assert!(q.flags.contains(&"garbled_names"), "{id}: {:?}", q.flags);
        assert!(
            q.flags.contains(&"machine_translation_suspected") || q.flags.contains(&"fragments"),
            "{id}: {:?}",
            q.flags
        );
        for pair in pairs.as_array().into_iter().flatten() {
            let (right, wrong) = (
                pair[0].as_str().unwrap_or(""),
                pair[1].as_str().unwrap_or(""),
            );
            // On its own, an article can only tell that two forms clash.
            assert!(
                q.evidence
                    .mangled_names
                    .iter()
                    .any(|m| (m.found == wrong && m.likely == right)
                        || (m.found == right && m.likely == wrong)),
                "{id}: ({right}, {wrong}) missing from {:?}",
                q.evidence.mangled_names
            );
        }
    }
}

#[test]
fn the_story_group_tells_which_form_of_a_name_is_right() {
    let exp = expected();
    let texts = texts();
    let group = &exp["story_groups"][0];
    let members = ids(&group["members"]);
    let index = NameIndex::from_texts(members.iter().map(|m| texts[m].as_str()));
    let worst = group["worst"].as_str().unwrap_or_default();
    let q = quality::score_with(&texts[worst], &QualityOptions::default(), &index);
    for pair in exp["garble_evidence"][worst]
        .as_array()
        .into_iter()
        .flatten()
    {
        let (right, wrong) = (
            pair[0].as_str().unwrap_or(""),
            pair[1].as_str().unwrap_or(""),
        );
        assert!(
            q.evidence
                .mangled_names
                .iter()
                .any(|m| m.found == wrong && m.likely == right),
            "({right}, {wrong}) missing from {:?}",
            q.evidence.mangled_names
        );
    }
    // Corpus evidence can only add findings.
    assert!(q.score <= score(&texts[worst]).score);
}

#[test]
fn clean_references_carry_no_garble_flags() {
    let exp = expected();
    let texts = texts();
    for c in ids(&exp["clean_reference"]) {
        let q = score(&texts[&c]);
        for f in [
            "garbled_names",
            "machine_translation_suspected",
            "doubled_words",
        ] {
            assert!(!q.flags.contains(&f), "{c}: {:?} {:?}", q.flags, q.evidence);
        }
    }
}

#[test]
fn languages_are_detected() {
    let exp = expected();
    let texts = texts();
    for (id, lang) in exp["languages"].as_object().into_iter().flatten() {
        let Some(text) = texts.get(id) else {
            continue; // records of the feeds folder
        };
        assert_eq!(score(text).lang.as_deref(), lang.as_str(), "{id}");
    }
}

#[test]
fn scoring_is_deterministic() {
    let texts = texts();
    for t in texts.values() {
        assert_eq!(score(t), score(t));
    }
}
