//! Times each per-document component of the score pass on one thread over a JSONL file's
//! `text` fields: `cargo run --release --example stage_timing -- FILE.jsonl[.gz]`.
//! A profiling aid; the benchmarks of record are in `benches/` and `copydesk bench`.

use copydesk::config::Options;
use copydesk::debris::{Debris, LineStatsBuilder};
use copydesk::fingerprint::{band_keys, minhash, shingle_size, shingles};
use copydesk::normalize::{tokenize, Tokens};
use std::io::BufRead;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: stage_timing FILE"))?;
    let sources = copydesk::input::discover(&[path.into()])?;
    let mut texts = Vec::new();
    for s in &sources {
        for line in copydesk::input::open(s)?.lines() {
            let v: serde_json::Value = serde_json::from_str(&line?)?;
            if let Some(t) = v["text"].as_str() {
                texts.push(t.to_string());
            }
        }
    }
    let mb = texts.iter().map(String::len).sum::<usize>() as f64 / 1e6;
    let opts = Options::default();
    let time = |name: &str, f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        let s = t.elapsed().as_secs_f64();
        println!("{name:>12}: {:8.1} ms  {:8.1} MB/s", s * 1e3, mb / s);
    };
    let mut b = LineStatsBuilder::new(&opts.debris);
    time("line_stats", &mut || {
        texts.iter().for_each(|t| b.add(None, t))
    });
    let stats = b.finish();
    let debris = Debris::new(&opts.debris)?;
    time("debris", &mut || {
        texts.iter().for_each(|t| {
            let _ = std::hint::black_box(debris.strip(t, None, &stats));
        })
    });
    let mut tokens = Tokens::default();
    time("tokenize", &mut || {
        texts.iter().for_each(|t| tokenize(t, &mut tokens))
    });
    let (mut sh, mut sig, mut keys) = (Vec::new(), Vec::new(), Vec::new());
    time("minhash", &mut || {
        texts.iter().for_each(|t| {
            tokenize(t, &mut tokens);
            shingles(&tokens.hashes, shingle_size(&tokens, 3, 5), &mut sh);
            minhash(&sh, 126, &mut sig);
            band_keys(&sig, 3, &mut keys);
        })
    });
    time("quality", &mut || {
        texts.iter().for_each(|t| {
            let _ = std::hint::black_box(copydesk::quality::score(t, &opts.quality));
        })
    });
    time("whatlang", &mut || {
        texts.iter().for_each(|t| {
            let _ = std::hint::black_box(whatlang::detect(
                &t[..copydesk::quality::floor_char_boundary(t, 4096)],
            ));
        })
    });
    time("json_parse", &mut || {
        texts.iter().for_each(|t| {
            let _ = std::hint::black_box(
                serde_json::to_string(t).map(|s| serde_json::from_str::<serde_json::Value>(&s)),
            );
        })
    });
    Ok(())
}
