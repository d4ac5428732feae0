//! Property tests of the whole pipeline on generated corpora: near-copies with a few changed
//! words are found, and the clusters do not depend on the order of the input.

use copydesk::pipeline::{run, CleanJob};
use copydesk::progress::Mode;
use copydesk::Options;
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;

/// A made-up vocabulary, so that unrelated generated articles share almost no phrase.
fn word(i: usize) -> String {
    const SYL: [&str; 16] = [
        "ka", "lo", "mi", "ter", "sun", "ba", "rol", "ve", "nia", "dor", "pe", "qui", "sa", "tam",
        "ul", "zen",
    ];
    format!(
        "{}{}{}",
        SYL[i % 16],
        SYL[(i / 16) % 16],
        SYL[(i / 256) % 16]
    )
}

fn article(seed: u64, words: usize) -> Vec<String> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..words)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            word((x >> 33) as usize % 4096)
        })
        .collect()
}

fn to_text(words: &[String]) -> String {
    words
        .chunks(20)
        .map(|s| format!("{}.", s.join(" ")))
        .collect::<Vec<_>>()
        .join(" ")
}

fn run_corpus(dir: &Path, records: &[(String, String)]) -> Vec<BTreeSet<String>> {
    let input = dir.join("in.jsonl");
    let body: String = records
        .iter()
        .map(|(id, text)| serde_json::json!({"id": id, "text": text}).to_string() + "\n")
        .collect();
    std::fs::write(&input, body).expect("write");
    let out = dir.join("out");
    run(&CleanJob {
        inputs: vec![input],
        outdir: out.clone(),
        options: Options::default(),
        progress: Mode::Quiet,
    })
    .expect("pipeline");
    let mut clusters: Vec<BTreeSet<String>> = std::fs::read_to_string(out.join("clusters.jsonl"))
        .expect("clusters")
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json");
            v["members"]
                .as_array()
                .expect("members")
                .iter()
                .map(|m| m.as_str().expect("id").to_string())
                .collect()
        })
        .collect();
    clusters.sort();
    clusters
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn near_copy_with_a_few_changed_words_is_found(seed in 0u64..1_000_000, percent in 1usize..=8, len in 150usize..500) {
        let original = article(seed, len);
        let mut copy = original.clone();
        let changes = (len * percent / 100).max(1);
        for k in 0..changes {
            let at = (k * 7919 + seed as usize) % len;
            copy[at] = format!("changed{k}");
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let mut records = vec![
            ("orig".to_string(), to_text(&original)),
            ("copy".to_string(), to_text(&copy)),
        ];
        for d in 0..5 {
            records.push((format!("other{d}"), to_text(&article(seed + 1000 + d, len))));
        }
        let clusters = run_corpus(dir.path(), &records);
        let want: BTreeSet<String> = ["orig".to_string(), "copy".to_string()].into();
        prop_assert_eq!(clusters, vec![want]);
    }

    #[test]
    fn shuffling_the_input_does_not_change_the_clusters(seed in 0u64..1_000_000, rotate in 1usize..20) {
        let mut records = Vec::new();
        for d in 0..8u64 {
            let base = article(seed * 31 + d, 200);
            records.push((format!("a{d}"), to_text(&base)));
            if d % 2 == 0 {
                records.push((format!("a{d}-exact"), to_text(&base).to_uppercase()));
            }
            if d % 3 == 0 {
                let cut = base[..150].to_vec();
                records.push((format!("a{d}-trunc"), to_text(&cut)));
            }
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let first = run_corpus(&dir.path().join("x"), &{
            std::fs::create_dir_all(dir.path().join("x")).expect("mkdir");
            records.clone()
        });
        let mut shuffled = records.clone();
        shuffled.reverse();
        let r = rotate % shuffled.len();
        shuffled.rotate_left(r);
        std::fs::create_dir_all(dir.path().join("y")).expect("mkdir");
        let second = run_corpus(&dir.path().join("y"), &shuffled);
        prop_assert!(!first.is_empty());
        prop_assert_eq!(first, second);
    }
}
