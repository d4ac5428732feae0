//! Fingerprint speed: copydesk's one-permutation MinHash (tokenize, shingle, signature, band
//! keys) against the design card's `simhash` crate (whitespace words, SipHash, 64 bits).
//! Input: the article texts of `samples/news.jsonl`. Run: `cargo bench --bench fingerprint`.

use copydesk::fingerprint::{band_keys, minhash, shingle_size, shingles};
use copydesk::normalize::{tokenize, Tokens};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn sample_texts() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/news.jsonl");
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_string))
        .filter(|t| t.len() > 200)
        .collect()
}

fn fingerprints(c: &mut Criterion) {
    let texts = sample_texts();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut group = c.benchmark_group("fingerprint");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("copydesk_oph_minhash_126", |b| {
        let (mut tokens, mut sh, mut sig, mut keys) =
            (Tokens::default(), Vec::new(), Vec::new(), Vec::new());
        b.iter(|| {
            let mut acc = 0u64;
            for t in &texts {
                tokenize(t, &mut tokens);
                shingles(&tokens.hashes, shingle_size(&tokens, 3, 5), &mut sh);
                minhash(&sh, 126, &mut sig);
                band_keys(&sig, 3, &mut keys);
                acc ^= keys.first().copied().unwrap_or(0);
            }
            acc
        })
    });
    group.bench_function("simhash_crate_words", |b| {
        b.iter(|| texts.iter().fold(0u64, |acc, t| acc ^ simhash::simhash(t)))
    });
    group.bench_function("copydesk_tokenize_only", |b| {
        let mut tokens = Tokens::default();
        b.iter(|| {
            texts.iter().fold(0usize, |acc, t| {
                tokenize(t, &mut tokens);
                acc + tokens.hashes.len()
            })
        })
    });
    group.finish();
}

criterion_group!(benches, fingerprints);
criterion_main!(benches);
