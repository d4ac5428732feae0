//! Write stage, per record: the output line is the original record, with the cleaned text in
//! its text field when the record is kept, its id filled in when it had none, and the
//! `copydesk` object (quality, cluster, story, reason, flags, signals, evidence, removed
//! debris) last — or where a `copydesk` field already stood.
//!
//! When the id and text fields are top-level keys (the usual case) the record is not parsed
//! into a tree: its top-level values are spliced through as the raw JSON they were, so a
//! record's other fields pass byte for byte (numbers keep their spelling, nested objects their
//! layout) and the large text field is never unescaped and re-escaped for dropped records.
//! Dotted field paths, and records with repeated keys, take the general path through
//! `serde_json::Map`.

use crate::config::InputOptions;
use crate::input::{self, Compression};
use crate::quality::Quality;
use anyhow::{Context, Result};
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The JSONL outputs, in the order they are reported.
pub const JSONL_OUTPUTS: [&str; 4] = [
    "cleaned.jsonl",
    "dropped.jsonl",
    "clusters.jsonl",
    "invalid.jsonl",
];

/// One JSONL output file, plain or compressed as a single stream (one gzip member, one zstd
/// frame), so that every decompressor reads it whole. [`JsonlWriter::finish`] must end it: it
/// writes the stream's trailer and reports the error that dropping the writer would swallow.
pub enum JsonlWriter {
    Plain(BufWriter<File>),
    Gzip(flate2::write::GzEncoder<BufWriter<File>>),
    Zstd(zstd::stream::write::Encoder<'static, BufWriter<File>>),
}

impl JsonlWriter {
    /// Creates `name` in `dir`, with the compression's extension added (`cleaned.jsonl.zst`).
    pub fn create(dir: &Path, name: &str, compression: Compression) -> Result<JsonlWriter> {
        let path = output_path(dir, name, compression);
        let file =
            File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        let buf = BufWriter::with_capacity(1 << 20, file);
        Ok(match compression {
            Compression::None => JsonlWriter::Plain(buf),
            // Level 1 for both: the stream is written by one thread while the workers run, and
            // the higher levels cost 2-3 times the CPU for 10-25% smaller files.
            // flate2 writes a header without a name or time, so the bytes depend on the data only.
            Compression::Gzip => JsonlWriter::Gzip(flate2::write::GzEncoder::new(
                buf,
                flate2::Compression::fast(),
            )),
            Compression::Zstd => {
                let mut e = zstd::stream::write::Encoder::new(buf, 1)?;
                e.include_checksum(true)?;
                JsonlWriter::Zstd(e)
            }
        })
    }

    /// Ends the stream and flushes the file.
    pub fn finish(self) -> Result<()> {
        let mut file = match self {
            JsonlWriter::Plain(w) => w,
            JsonlWriter::Gzip(e) => e.finish()?,
            JsonlWriter::Zstd(e) => e.finish()?,
        };
        file.flush()?;
        Ok(())
    }
}

impl Write for JsonlWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            JsonlWriter::Plain(w) => w.write(buf),
            JsonlWriter::Gzip(w) => w.write(buf),
            JsonlWriter::Zstd(w) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            JsonlWriter::Plain(w) => w.write_all(buf),
            JsonlWriter::Gzip(w) => w.write_all(buf),
            JsonlWriter::Zstd(w) => w.write_all(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            JsonlWriter::Plain(w) => w.flush(),
            JsonlWriter::Gzip(w) => w.flush(),
            JsonlWriter::Zstd(w) => w.flush(),
        }
    }
}

/// The file name of the output `name` written with `compression` (`cleaned.jsonl.zst`).
pub fn output_name(name: &str, compression: Compression) -> String {
    format!("{name}{}", compression.extension())
}

/// Where the output `name` is written in `dir` with `compression`.
pub fn output_path(dir: &Path, name: &str, compression: Compression) -> PathBuf {
    dir.join(output_name(name, compression))
}

/// What the group and select stages decided about one record.
#[derive(Debug, Clone, Copy, Default)]
pub struct Decision<'a> {
    /// Why the record is dropped (`None`: kept).
    pub reason: Option<&'a str>,
    /// The id of the record kept in its place.
    pub duplicate_of: Option<&'a str>,
    /// Its duplicate cluster's id.
    pub cluster: Option<&'a str>,
    /// Its same-story group's id.
    pub story: Option<&'a str>,
    /// Its quality re-scored with its cluster's names, replacing the per-document verdict.
    pub requality: Option<&'a Quality>,
}

/// A quality verdict's output fields, each as the compact JSON the output carries; `evidence`
/// is empty when there is none (the output then has no `evidence` key).
#[derive(Debug, Clone, Copy)]
pub struct QualityJson<'a> {
    pub score: &'a [u8],
    pub lang: &'a [u8],
    pub flags: &'a [u8],
    pub signals: &'a [u8],
    pub evidence: &'a [u8],
}

/// A quality verdict serialized once, field by field, into one buffer. The score stage stores
/// these fields in its spill entry so that the write pass splices them without parsing JSON
/// (parsing them back was 2% of a run).
#[derive(Debug, Clone, Default)]
pub struct QualityFields {
    bytes: Vec<u8>,
    /// End of each field in `bytes`, in [`QualityJson`]'s order.
    ends: [usize; 5],
}

impl QualityFields {
    pub fn of(q: &Quality) -> Result<QualityFields> {
        // A news article's verdict takes 2-3 KB (48 signals, the evidence sentences).
        let mut bytes = Vec::with_capacity(4096);
        let mut ends = [0; 5];
        serde_json::to_writer(&mut bytes, &q.score)?;
        ends[0] = bytes.len();
        serde_json::to_writer(&mut bytes, &q.lang)?;
        ends[1] = bytes.len();
        serde_json::to_writer(&mut bytes, &q.flags)?;
        ends[2] = bytes.len();
        serde_json::to_writer(&mut bytes, &q.signals)?;
        ends[3] = bytes.len();
        if !q.evidence.is_empty() {
            serde_json::to_writer(&mut bytes, &q.evidence)?;
        }
        ends[4] = bytes.len();
        Ok(QualityFields { bytes, ends })
    }

    /// Bytes of JSON held (for a memory budget).
    pub fn json_bytes(&self) -> usize {
        self.bytes.len()
    }

    pub fn json(&self) -> QualityJson<'_> {
        let b = &self.bytes;
        let e = self.ends;
        QualityJson {
            score: &b[..e[0]],
            lang: &b[e[0]..e[1]],
            flags: &b[e[1]..e[2]],
            signals: &b[e[2]..e[3]],
            evidence: &b[e[3]..e[4]],
        }
    }
}

/// The score stage's annotations of one record, each field compact JSON, as its spill entry
/// holds them after the cleaned text (see [`Annotations::fields`]).
#[derive(Debug, Clone, Copy)]
pub struct Annotations<'a> {
    pub quality: QualityJson<'a>,
    /// The removed lines and spans (a JSON array).
    pub removed: &'a [u8],
    pub debris_share: &'a [u8],
}

impl<'a> Annotations<'a> {
    /// The spill fields, in order: score, lang, flags, signals, evidence, removed, debris_share.
    pub fn fields(&self) -> [&'a [u8]; 7] {
        let q = self.quality;
        [
            q.score,
            q.lang,
            q.flags,
            q.signals,
            q.evidence,
            self.removed,
            self.debris_share,
        ]
    }

    /// Reads back what [`Annotations::fields`] gave.
    pub fn from_fields(fields: &[&'a [u8]]) -> Result<Annotations<'a>> {
        let &[score, lang, flags, signals, evidence, removed, debris_share] = fields else {
            anyhow::bail!("corrupt spill entry: {} annotation fields", fields.len());
        };
        Ok(Annotations {
            quality: QualityJson {
                score,
                lang,
                flags,
                signals,
                evidence,
            },
            removed,
            debris_share,
        })
    }
}

/// Builds one output line (ending in a newline). `original` is the record's JSON, `top_level`
/// its top-level fields (key, raw value) when the read pass located them
/// (`input::fields_from_map`), `text` its cleaned text, `annotations` the score stage's, `id`
/// its id (derived when it had none).
pub fn record_line(
    original: &[u8],
    top_level: Option<&[(&str, &[u8])]>,
    text: &[u8],
    annotations: &Annotations,
    id: &str,
    decision: &Decision,
    fields: &InputOptions,
) -> Result<Vec<u8>> {
    let requality = decision.requality.map(QualityFields::of).transpose()?;
    let quality = requality
        .as_ref()
        .map_or(annotations.quality, QualityFields::json);
    let info = copydesk_object(&quality, annotations, decision)?;
    let cleaned = crate::spill::text(text);
    let cleaned = decision.reason.is_none().then_some(&*cleaned);
    let plain = !fields.text_field.contains('.') && !fields.id_field.contains('.');
    if plain {
        if let Some(line) = splice(original, top_level, cleaned, id, &info, fields)? {
            return Ok(line);
        }
    }
    general(original, cleaned, id, &info, fields)
}

/// The `copydesk` object, serialized, with its keys in their documented order.
fn copydesk_object(q: &QualityJson, a: &Annotations, d: &Decision) -> Result<Vec<u8>> {
    let string = |v: Option<&str>| -> Result<Vec<u8>> {
        Ok(match v {
            Some(s) => serde_json::to_vec(s)?,
            None => b"null".to_vec(),
        })
    };
    let (cluster, story) = (string(d.cluster)?, string(d.story)?);
    let (reason, duplicate_of) = (string(d.reason)?, string(d.duplicate_of)?);
    let mut fields: Vec<(&str, &[u8])> = vec![
        ("quality", q.score),
        ("cluster", &cluster),
        ("story", &story),
    ];
    if d.reason.is_some() {
        fields.push(("reason", &reason));
    }
    if d.duplicate_of.is_some() {
        fields.push(("duplicate_of", &duplicate_of));
    }
    fields.push(("lang", q.lang));
    fields.push(("flags", q.flags));
    fields.push(("signals", q.signals));
    if !q.evidence.is_empty() {
        fields.push(("evidence", q.evidence));
    }
    fields.push(("debris_share", a.debris_share));
    fields.push(("removed", a.removed));
    // The raw values come from serde_json's compact output, so the object is compact too.
    let mut out = Vec::with_capacity(fields.iter().map(|(k, v)| k.len() + v.len() + 4).sum());
    out.push(b'{');
    for (i, (k, v)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(b"\":");
        out.extend_from_slice(v);
    }
    out.push(b'}');
    Ok(out)
}

/// The fast path: top-level fields copied as raw JSON, as located by the read pass when they
/// were (no parse of the line), else by parsing its top level. `None` when the record repeats
/// a key (the general path keeps the last value, as a JSON object would).
fn splice(
    original: &[u8],
    top_level: Option<&[(&str, &[u8])]>,
    cleaned: Option<&str>,
    id: &str,
    info: &[u8],
    fields: &InputOptions,
) -> Result<Option<Vec<u8>>> {
    let parsed: input::TopLevel;
    let located: Vec<(&str, &[u8])>;
    let top = match top_level {
        Some(top) => top,
        None => {
            parsed = serde_json::from_slice(original)?;
            located = parsed
                .0
                .iter()
                .map(|(k, v)| (&*k.0, v.get().as_bytes()))
                .collect();
            &located
        }
    };
    let mut seen: HashSet<&str> = HashSet::with_capacity(top.len());
    if !top.iter().all(|(k, _)| seen.insert(k)) {
        return Ok(None);
    }
    let extra = cleaned.map_or(0, |t| t.len() + t.len() / 16);
    let mut out = Vec::with_capacity(original.len() + info.len() + extra + 16);
    out.push(b'{');
    let put = |out: &mut Vec<u8>, key: &str, value: &[u8]| -> Result<()> {
        if out.len() > 1 {
            out.push(b',');
        }
        serde_json::to_writer(&mut *out, key)?;
        out.push(b':');
        out.extend_from_slice(value);
        Ok(())
    };
    let (mut has_text, mut has_id, mut has_info) = (false, false, false);
    for &(key, value) in top {
        if key == "copydesk" {
            put(&mut out, key, info)?;
            has_info = true;
        } else if let (true, Some(text)) = (key == fields.text_field, cleaned) {
            put(&mut out, key, b"")?;
            push_json_str(&mut out, text);
            has_text = true;
        } else {
            put(&mut out, key, value)?;
        }
        has_id |= key == fields.id_field;
    }
    if let (Some(text), false) = (cleaned, has_text) {
        put(&mut out, &fields.text_field, b"")?;
        push_json_str(&mut out, text);
    }
    if !has_id {
        put(&mut out, &fields.id_field, &serde_json::to_vec(id)?)?;
    }
    if !has_info {
        put(&mut out, "copydesk", info)?;
    }
    out.extend_from_slice(b"}\n");
    Ok(Some(out))
}

/// Appends `s` as a JSON string, byte for byte as `serde_json` writes it (the same escapes),
/// eight bytes at a time: serde_json looks every byte of the cleaned text up in a table, which
/// was 2% of a run.
fn push_json_str(out: &mut Vec<u8>, s: &str) {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES * 0x80;
    // Exact for "some byte of `w` is below 0x20, a quote or a backslash": the classic test
    // for a byte below `n` (`n` at most 0x80); bytes at or above 0x80 never match.
    let has_below = |w: u64, n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w & HIGH != 0;
    let needs_escape = |w: u64| {
        has_below(w, 0x20)
            || has_below(w ^ (ONES * u64::from(b'"')), 1)
            || has_below(w ^ (ONES * u64::from(b'\\')), 1)
    };
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0; // bytes[start..i] are still to be copied as they are
    let mut i = 0;
    while i < bytes.len() {
        if let Some(word) = bytes.get(i..i + 8) {
            let w = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
            if !needs_escape(w) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => b"",
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 15)],
            ]);
        } else {
            out.extend_from_slice(escape);
        }
        i += 1;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// The general path: the record as a `serde_json::Map`, fields set at dotted paths.
fn general(
    original: &[u8],
    cleaned: Option<&str>,
    id: &str,
    info: &[u8],
    fields: &InputOptions,
) -> Result<Vec<u8>> {
    let mut record: Map<String, Value> = serde_json::from_slice(original)?;
    if let Some(text) = cleaned {
        input::set_at(&mut record, &fields.text_field, Value::String(text.into()));
    }
    if input::lookup(&record, &fields.id_field).is_none() {
        // A derived id is written into the record so that every output line can be named.
        input::set_at(&mut record, &fields.id_field, Value::String(id.into()));
    }
    record.insert("copydesk".into(), serde_json::from_slice(info)?);
    let mut line = serde_json::to_vec(&record)?;
    line.push(b'\n');
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(original: &str, kept: bool, fields: &InputOptions) -> Value {
        let d = Decision {
            reason: (!kept).then_some("near_duplicate"),
            duplicate_of: (!kept).then_some("a"),
            cluster: Some("c000001"),
            ..Decision::default()
        };
        let ann = Annotations {
            quality: QualityJson {
                score: b"0.9",
                lang: br#""en""#,
                flags: b"[]",
                signals: br#"{"x":1.0}"#,
                evidence: b"",
            },
            removed: b"[]",
            debris_share: b"0.0",
        };
        let out = record_line(original.as_bytes(), None, b"clean", &ann, "f:1", &d, fields)
            .expect("line");
        // The read pass's field map, where the line has one, gives the same line unparsed.
        if let Ok(top) = serde_json::from_str::<input::TopLevel>(original) {
            let map = input::field_map(&top, original).expect("map");
            let located = input::fields_from_map(&map, original.as_bytes()).expect("fits");
            let mapped = record_line(
                original.as_bytes(),
                Some(&located),
                b"clean",
                &ann,
                "f:1",
                &d,
                fields,
            )
            .expect("line");
            assert_eq!(
                String::from_utf8_lossy(&mapped),
                String::from_utf8_lossy(&out)
            );
        }
        assert!(out.ends_with(b"}\n"));
        serde_json::from_slice(&out).expect("valid JSON")
    }

    #[test]
    fn quality_fields_are_the_verdicts_own_json_field_by_field() {
        let opts = crate::config::QualityOptions::default();
        let texts = [
            "The council approved the new budget on Monday after a long debate.\n\nThe mayor said \
             the plan would cut waiting times at the city's clinics by half within two years.",
            "The governemnt said the the the plan was was approved. Minister Rogozin and \
             Romitin met in Moscow. Romitin said that Rogozin agreed.",
        ];
        let mut with_evidence = 0;
        for text in texts {
            let q = crate::quality::score(text, &opts);
            with_evidence += usize::from(!q.evidence.is_empty());
            let fields = QualityFields::of(&q).expect("fields");
            let j = fields.json();
            let piece = |b: &[u8]| String::from_utf8(b.to_vec()).expect("utf-8");
            let mut assembled = format!(
                r#"{{"score":{},"signals":{},"flags":{},"lang":{}"#,
                piece(j.score),
                piece(j.signals),
                piece(j.flags),
                piece(j.lang)
            );
            if !j.evidence.is_empty() {
                assembled += &format!(r#","evidence":{}"#, piece(j.evidence));
            }
            assembled.push('}');
            let whole = serde_json::to_string(&q).expect("json");
            assert_eq!(assembled, whole);
        }
        assert!(with_evidence > 0, "no text exercised the evidence field");
    }

    #[test]
    fn fast_and_general_paths_agree() {
        let fields = InputOptions::default();
        for original in [
            r#"{"id":"a","text":"dirty","meta":{"n":1,"t":[1,2]},"url":"https://x.org/"}"#,
            r#"{"text":"no id here","copydesk":"old","z":null}"#,
            r#"{"id":"b","other":"\u00e9\n"}"#,
        ] {
            for kept in [true, false] {
                let fast = line(original, kept, &fields);
                let slow: Value = serde_json::from_slice(
                    &general(
                        original.as_bytes(),
                        kept.then_some("clean"),
                        "f:1",
                        &serde_json::to_vec(&fast["copydesk"]).expect("info"),
                        &fields,
                    )
                    .expect("general"),
                )
                .expect("json");
                assert_eq!(fast, slow, "{original} kept={kept}");
                assert_eq!(
                    serde_json::to_string(&fast).expect("s"),
                    serde_json::to_string(&slow).expect("s"),
                    "key order of {original}"
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn json_strings_are_written_as_serde_json_writes_them(
            s in "(\\PC|[\\x00-\\x1f\"\\\\\u{7f}\u{2028}])*"
        ) {
            let mut out = Vec::new();
            push_json_str(&mut out, &s);
            proptest::prop_assert_eq!(out, serde_json::to_vec(&s).expect("json"));
        }
    }

    #[test]
    fn kept_records_carry_the_cleaned_text_and_dropped_ones_the_original() {
        let fields = InputOptions::default();
        let kept = line(r#"{"id":"a","text":"dirty"}"#, true, &fields);
        assert_eq!(kept["text"], "clean");
        assert_eq!(kept["copydesk"]["quality"], 0.9);
        assert!(kept["copydesk"].get("reason").is_none());
        let dropped = line(r#"{"id":"a","text":"dirty"}"#, false, &fields);
        assert_eq!(dropped["text"], "dirty");
        assert_eq!(dropped["copydesk"]["reason"], "near_duplicate");
        assert_eq!(dropped["copydesk"]["duplicate_of"], "a");
    }

    #[test]
    fn a_missing_id_is_filled_in_and_an_old_copydesk_field_replaced_in_place() {
        let fields = InputOptions::default();
        let v = line(r#"{"copydesk":1,"text":"t"}"#, true, &fields);
        let keys: Vec<&String> = v.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["copydesk", "text", "id"]);
        assert_eq!(v["id"], "f:1");
    }

    #[test]
    fn repeated_keys_take_the_general_path() {
        let fields = InputOptions::default();
        let v = line(r#"{"id":"a","x":1,"x":2,"text":"t"}"#, false, &fields);
        assert_eq!(v["x"], 2);
    }

    #[test]
    fn nested_fields_take_the_general_path() {
        let fields = InputOptions {
            text_field: "body.content".into(),
            ..InputOptions::default()
        };
        let v = line(
            r#"{"id":"a","body":{"content":"dirty","n":1}}"#,
            true,
            &fields,
        );
        assert_eq!(v["body"]["content"], "clean");
        assert_eq!(v["body"]["n"], 1);
    }
}
