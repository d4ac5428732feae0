//! Per-stage benchmarks on a generated corpus of news-sized articles (`copydesk::bench`):
//! parse, debris, normalize, fingerprint, quality, candidate generation, the sketch screen,
//! verification, story terms, clustering and writing an output line, and the whole pipeline end to end. Run: `cargo bench --bench stages`. Throughput is in bytes of JSONL.

use copydesk::config::Options;
use copydesk::debris::{Debris, LineStatsBuilder};
use copydesk::dedup::{self, DocSets, UnionFind};
use copydesk::fingerprint::{
    band_keys, distinct_count, minhash, shingle_set, shingle_size, shingles,
};
use copydesk::normalize::{number_set, tokenize, Tokens};
use copydesk::pipeline::{run, CleanJob};
use copydesk::progress::Mode;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const ARTICLES: usize = 2_000;

struct Corpus {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    lines: Vec<String>,
    texts: Vec<String>,
    bytes: u64,
}

fn corpus() -> Corpus {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("corpus.jsonl");
    let bytes = copydesk::bench::generate(&path, ARTICLES, 1, copydesk::bench::Size::News)
        .expect("generate");
    let lines: Vec<String> = std::fs::read_to_string(&path)
        .expect("read")
        .lines()
        .map(str::to_string)
        .collect();
    let texts = lines
        .iter()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("json")["text"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    Corpus {
        _dir: dir,
        path,
        lines,
        texts,
        bytes,
    }
}

fn stages(c: &mut Criterion) {
    let corpus = corpus();
    let opts = Options::default();
    let mut g = c.benchmark_group("stage");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(corpus.bytes));

    g.bench_function("parse_json", |b| {
        b.iter(|| {
            corpus
                .lines
                .iter()
                .filter(|l| serde_json::from_str::<serde_json::Value>(l).is_ok())
                .count()
        })
    });
    let mut builder = LineStatsBuilder::new(&opts.debris);
    corpus.texts.iter().for_each(|t| builder.add(None, t));
    let stats = builder.finish();
    let debris = Debris::new(&opts.debris).expect("debris");
    g.bench_function("debris_line_stats", |b| {
        b.iter(|| {
            let mut s = LineStatsBuilder::new(&opts.debris);
            corpus.texts.iter().for_each(|t| s.add(None, t));
            s
        })
    });
    g.bench_function("debris_strip", |b| {
        b.iter(|| {
            corpus
                .texts
                .iter()
                .map(|t| debris.strip(t, None, &stats).text.len())
                .sum::<usize>()
        })
    });
    g.bench_function("normalize_tokenize", |b| {
        let mut tokens = Tokens::default();
        b.iter(|| {
            corpus
                .texts
                .iter()
                .map(|t| {
                    tokenize(t, &mut tokens);
                    tokens.hashes.len()
                })
                .sum::<usize>()
        })
    });
    g.bench_function("fingerprint_minhash", |b| {
        let (mut tokens, mut sh, mut sig, mut keys) =
            (Tokens::default(), Vec::new(), Vec::new(), Vec::new());
        b.iter(|| {
            for t in &corpus.texts {
                tokenize(t, &mut tokens);
                shingles(&tokens.hashes, shingle_size(&tokens, 3, 5), &mut sh);
                minhash(&sh, 126, &mut sig);
                band_keys(&sig, 3, &mut keys);
            }
            keys.len()
        })
    });
    g.bench_function("quality_score", |b| {
        b.iter(|| {
            corpus
                .texts
                .iter()
                .map(|t| copydesk::quality::score(t, &opts.quality).score)
                .sum::<f64>()
        })
    });
    let sets: Vec<DocSets> = corpus
        .texts
        .iter()
        .map(|t| {
            let mut tokens = Tokens::default();
            tokenize(t, &mut tokens);
            DocSets {
                shingles: shingle_set(&tokens, 3, 5),
                numbers: number_set(t),
            }
        })
        .collect();
    let pairs: Vec<(u32, u32)> = (0..sets.len() as u32 - 1).map(|i| (i, i + 1)).collect();
    g.bench_function("verify_pairs", |b| {
        b.iter(|| {
            pairs
                .iter()
                .filter(|&&(x, y)| {
                    matches!(
                        dedup::judge(&sets[x as usize], &sets[y as usize], &opts.dedup),
                        dedup::Verdict::Copy { .. }
                    )
                })
                .count()
        })
    });
    // The sketch screen in front of verification: estimated similarity of the same pairs.
    let sketches: Vec<Vec<u8>> = corpus
        .texts
        .iter()
        .map(|t| {
            let mut tokens = Tokens::default();
            tokenize(t, &mut tokens);
            let (mut sh, mut sig, mut out) = (Vec::new(), Vec::new(), Vec::new());
            shingles(&tokens.hashes, shingle_size(&tokens, 3, 5), &mut sh);
            let slots = opts.dedup.bands * opts.dedup.rows;
            minhash(&sh, slots, &mut sig);
            let distinct = distinct_count(&sh, &mut Vec::new());
            dedup::sketch::encode(distinct, &sig, slots, &mut out);
            out
        })
        .collect();
    g.bench_function("screen_sketches", |b| {
        b.iter(|| {
            pairs
                .iter()
                .filter(|&&(x, y)| {
                    dedup::sketch::may_be_copy(
                        &sketches[x as usize],
                        &sketches[y as usize],
                        &opts.dedup,
                    )
                })
                .count()
        })
    });
    // Story terms: the per-article work of the same-story stage (tokens, stop words, names,
    // numbers, position discount, back-to-back repeats).
    g.bench_function("story_doc_terms", |b| {
        b.iter(|| {
            corpus
                .texts
                .iter()
                .map(|t| copydesk::story::terms::doc_terms(t).len())
                .sum::<usize>()
        })
    });
    // Candidate generation: every document's band keys written to band files, then every
    // band's buckets walked and turned into capped candidate pairs.
    let band_dir = tempfile::tempdir().expect("tempdir");
    let mut writer =
        dedup::bands::BandWriter::create(band_dir.path(), opts.dedup.bands).expect("band files");
    for t in &corpus.texts {
        let mut tokens = Tokens::default();
        tokenize(t, &mut tokens);
        let (mut sh, mut sig, mut keys) = (Vec::new(), Vec::new(), Vec::new());
        shingles(&tokens.hashes, shingle_size(&tokens, 3, 5), &mut sh);
        minhash(&sh, opts.dedup.bands * opts.dedup.rows, &mut sig);
        band_keys(&sig, opts.dedup.rows, &mut keys);
        writer.push(&keys).expect("push");
    }
    let store = writer.finish().expect("finish");
    let docs: Vec<u32> = (0..corpus.texts.len() as u32).collect();
    let skip = vec![false; docs.len()];
    g.bench_function("candidates_band_buckets", |b| {
        b.iter(|| {
            let mut pairs = 0usize;
            for band in 0..store.bands {
                store
                    .for_each_bucket(band, &docs, &skip, usize::MAX, |bucket| {
                        pairs += bucket.len().saturating_sub(1).min(opts.dedup.bucket_window)
                    })
                    .expect("walk");
            }
            pairs
        })
    });
    g.bench_function("write_record_line", |b| {
        let annotations = copydesk::output::Annotations {
            quality: copydesk::output::QualityJson {
                score: b"0.91",
                lang: br#""en""#,
                flags: b"[]",
                signals: br#"{"fluency":0.8}"#,
                evidence: b"",
            },
            removed: b"[]",
            debris_share: b"0.0",
        };
        let decision = copydesk::output::Decision {
            cluster: Some("c000001"),
            ..Default::default()
        };
        // The field maps the read pass spills beside each line, and the fields they locate.
        let source = copydesk::input::Source {
            path: None,
            display: "corpus.jsonl".into(),
            kind: copydesk::input::SourceKind::Jsonl(copydesk::input::Compression::None),
            text_id: None,
        };
        let maps: Vec<Option<Vec<u8>>> = corpus
            .lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                let raw = copydesk::input::RawLine {
                    source: 0,
                    line: i as u64 + 1,
                    bytes: line.as_bytes().to_vec(),
                    truncated: false,
                    read_error: None,
                };
                copydesk::input::parse(&raw, &source, &opts.input)
                    .ok()
                    .and_then(|r| r.field_map)
            })
            .collect();
        let located: Vec<Option<copydesk::input::TopFields>> = corpus
            .lines
            .iter()
            .zip(&maps)
            .map(|(line, map)| {
                map.as_deref()
                    .and_then(|m| copydesk::input::fields_from_map(m, line.as_bytes()))
            })
            .collect();
        b.iter(|| {
            corpus
                .lines
                .iter()
                .zip(&corpus.texts)
                .zip(&located)
                .map(|((line, text), top)| {
                    copydesk::output::record_line(
                        line.as_bytes(),
                        top.as_deref(),
                        text.as_bytes(),
                        &annotations,
                        "id",
                        &decision,
                        &opts.input,
                    )
                    .expect("line")
                    .len()
                })
                .sum::<usize>()
        })
    });
    g.bench_function("cluster_union_find", |b| {
        b.iter(|| {
            let mut uf = UnionFind::new(sets.len());
            for &(x, y) in &pairs {
                uf.union(x, y);
            }
            uf.find(0)
        })
    });
    g.bench_function("end_to_end", |b| {
        b.iter(|| {
            let out = tempfile::tempdir().expect("tempdir");
            run(&CleanJob {
                inputs: vec![corpus.path.clone()],
                outdir: out.path().join("o"),
                options: opts.clone(),
                progress: Mode::Quiet,
            })
            .expect("run")
            .report
            .counts
            .kept
        })
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
