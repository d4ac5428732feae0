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
use crate::input;
use crate::quality::Quality;
use anyhow::Result;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::HashSet;

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

/// The quality fields the output carries, as raw JSON.
#[derive(Deserialize, Default)]
struct RawQuality<'a> {
    #[serde(borrow)]
    score: Option<&'a RawValue>,
    #[serde(borrow)]
    lang: Option<&'a RawValue>,
    #[serde(borrow)]
    flags: Option<&'a RawValue>,
    #[serde(borrow)]
    signals: Option<&'a RawValue>,
    #[serde(borrow)]
    evidence: Option<&'a RawValue>,
}

/// The score stage's annotations of one record (its spill entry), as raw JSON.
#[derive(Deserialize)]
struct RawAnnotations<'a> {
    #[serde(borrow, default)]
    quality: RawQuality<'a>,
    #[serde(borrow)]
    removed: Option<&'a RawValue>,
    #[serde(borrow)]
    debris_share: Option<&'a RawValue>,
}

/// Builds one output line (ending in a newline). `original` is the record's JSON, `text` its
/// cleaned text, `annotations` the score stage's JSON, `id` its id (derived when it had none).
pub fn record_line(
    original: &[u8],
    text: &[u8],
    annotations: &[u8],
    id: &str,
    decision: &Decision,
    fields: &InputOptions,
) -> Result<Vec<u8>> {
    let annotations: RawAnnotations = serde_json::from_slice(annotations)?;
    let requality = decision.requality.map(serde_json::to_vec).transpose()?;
    let quality: RawQuality = match &requality {
        Some(bytes) => serde_json::from_slice(bytes)?,
        None => annotations.quality,
    };
    let info = copydesk_object(
        &quality,
        annotations.removed,
        annotations.debris_share,
        decision,
    )?;
    let cleaned = crate::spill::text(text);
    let cleaned = decision.reason.is_none().then_some(&*cleaned);
    let plain = !fields.text_field.contains('.') && !fields.id_field.contains('.');
    if plain {
        if let Some(line) = splice(original, cleaned, id, &info, fields)? {
            return Ok(line);
        }
    }
    general(original, cleaned, id, &info, fields)
}

/// The `copydesk` object, serialized, with its keys in their documented order.
fn copydesk_object(
    q: &RawQuality,
    removed: Option<&RawValue>,
    debris_share: Option<&RawValue>,
    d: &Decision,
) -> Result<Vec<u8>> {
    let raw = |v: Option<&RawValue>| v.map_or("null", RawValue::get).to_owned();
    let string = |v: Option<&str>| -> Result<String> {
        Ok(match v {
            Some(s) => serde_json::to_string(s)?,
            None => "null".into(),
        })
    };
    let mut fields: Vec<(&str, String)> = vec![
        ("quality", raw(q.score)),
        ("cluster", string(d.cluster)?),
        ("story", string(d.story)?),
    ];
    if d.reason.is_some() {
        fields.push(("reason", string(d.reason)?));
    }
    if d.duplicate_of.is_some() {
        fields.push(("duplicate_of", string(d.duplicate_of)?));
    }
    fields.push(("lang", raw(q.lang)));
    fields.push(("flags", raw(q.flags)));
    fields.push(("signals", raw(q.signals)));
    if let Some(e) = q.evidence {
        fields.push(("evidence", e.get().to_owned()));
    }
    fields.push(("debris_share", raw(debris_share)));
    fields.push(("removed", removed.map_or("[]", RawValue::get).to_owned()));
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
        out.extend_from_slice(v.as_bytes());
    }
    out.push(b'}');
    Ok(out)
}

/// A record's top-level fields, in order, values as raw JSON.
struct TopLevel<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for TopLevel<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = TopLevel<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    out.push(entry);
                }
                Ok(TopLevel(out))
            }
        }
        d.deserialize_map(Fields)
    }
}

/// The fast path: top-level fields copied as raw JSON. `None` when the record repeats a key
/// (the general path keeps the last value, as a JSON object would).
fn splice(
    original: &[u8],
    cleaned: Option<&str>,
    id: &str,
    info: &[u8],
    fields: &InputOptions,
) -> Result<Option<Vec<u8>>> {
    let top: TopLevel = serde_json::from_slice(original)?;
    let mut seen: HashSet<&str> = HashSet::with_capacity(top.0.len());
    if !top.0.iter().all(|(k, _)| seen.insert(k)) {
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
    for (key, value) in &top.0 {
        if key == "copydesk" {
            put(&mut out, key, info)?;
            has_info = true;
        } else if key == &fields.text_field && cleaned.is_some() {
            put(&mut out, key, &serde_json::to_vec(&cleaned)?)?;
            has_text = true;
        } else {
            put(&mut out, key, value.get().as_bytes())?;
        }
        has_id |= key == &fields.id_field;
    }
    if let (Some(text), false) = (cleaned, has_text) {
        put(&mut out, &fields.text_field, &serde_json::to_vec(text)?)?;
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
        let ann = r#"{"quality":{"score":0.9,"signals":{"x":1.0},"flags":[],"lang":"en"},"removed":[],"debris_share":0.0}"#;
        let out = record_line(
            original.as_bytes(),
            b"clean",
            ann.as_bytes(),
            "f:1",
            &d,
            fields,
        )
        .expect("line");
        assert!(out.ends_with(b"}\n"));
        serde_json::from_slice(&out).expect("valid JSON")
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
