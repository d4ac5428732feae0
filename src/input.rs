//! Read stage: finds the input files, decompresses them, splits them into lines and parses each
//! line into a [`Record`] or an [`InvalidLine`]. Nothing here knows about deduplication.
//!
//! Behaviour on bad input (documented in the README):
//! - a line that is not valid UTF-8, not a JSON object, lacks the text field, has a non-string
//!   text, or is longer than `max_line_bytes` becomes an [`InvalidLine`] with file, line and error;
//! - blank lines are skipped and counted;
//! - a read error inside a file (a truncated `.gz`, say) becomes one invalid entry and ends that
//!   file only; the other inputs are still read;
//! - an id that is missing, null or not a string/number is replaced by `FILE:LINE`.

use crate::config::InputOptions;
use anyhow::{bail, Context, Result};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// How the bytes of one input are to be understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Jsonl(Compression),
    /// A whole file is one article; the record id is given by the source.
    Text,
}

/// How a file's bytes are compressed: read from an input's name, chosen for the outputs by
/// `[output] compress`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    #[default]
    None,
    Gzip,
    Zstd,
}

impl Compression {
    /// What a file so compressed adds to its name (`cleaned.jsonl.zst`).
    pub fn extension(self) -> &'static str {
        match self {
            Compression::None => "",
            Compression::Gzip => ".gz",
            Compression::Zstd => ".zst",
        }
    }
}

/// One input: a file found on disk, or standard input.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path to open; `None` is standard input.
    pub path: Option<PathBuf>,
    /// How the source is named in messages and `invalid.jsonl`.
    pub display: String,
    pub kind: SourceKind,
    /// Record id for a `.txt` source: its path below the input directory, without extension.
    pub text_id: Option<String>,
}

/// Expands the command-line inputs into sources, in a deterministic order: arguments in the order
/// given, directory contents sorted by path. A missing or unreadable path is an error.
pub fn discover(inputs: &[PathBuf]) -> Result<Vec<Source>> {
    let mut sources = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            sources.push(Source {
                path: None,
                display: "stdin".into(),
                kind: SourceKind::Jsonl(Compression::None),
                text_id: None,
            });
            continue;
        }
        let meta = std::fs::metadata(input)
            .with_context(|| format!("cannot read input {}", input.display()))?;
        if meta.is_dir() {
            let mut files = Vec::new();
            walk(input, &mut files)
                .with_context(|| format!("cannot list directory {}", input.display()))?;
            files.sort();
            for file in files {
                if let Some(kind) = kind_by_name(&file, false) {
                    let text_id = (kind == SourceKind::Text).then(|| text_id(input, &file));
                    sources.push(Source {
                        display: file.display().to_string(),
                        path: Some(file),
                        kind,
                        text_id,
                    });
                }
            }
        } else {
            let kind = kind_by_name(input, true).unwrap_or(SourceKind::Jsonl(Compression::None));
            let text_id = (kind == SourceKind::Text).then(|| {
                let stem = input.with_extension("");
                stem.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
            sources.push(Source {
                path: Some(input.clone()),
                display: input.display().to_string(),
                kind,
                text_id,
            });
        }
    }
    if sources.is_empty() {
        bail!("no input files found (looked for .jsonl, .jsonl.gz, .jsonl.zst and .txt)");
    }
    Ok(sources)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let file_type = entry.file_type()?;
        if file_type.is_dir() {
            walk(&path, out)?;
        } else if file_type.is_file() || file_type.is_symlink() {
            out.push(path);
        }
    }
    Ok(())
}

/// The kind of a file by its name. In a directory walk only known endings count; a file named
/// explicitly is read as JSONL unless its ending says otherwise.
fn kind_by_name(path: &Path, explicit: bool) -> Option<SourceKind> {
    let name = path.file_name()?.to_string_lossy().to_lowercase();
    if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
        Some(SourceKind::Jsonl(Compression::None))
    } else if name.ends_with(".jsonl.gz") || name.ends_with(".ndjson.gz") {
        Some(SourceKind::Jsonl(Compression::Gzip))
    } else if name.ends_with(".jsonl.zst") || name.ends_with(".ndjson.zst") {
        Some(SourceKind::Jsonl(Compression::Zstd))
    } else if name.ends_with(".txt") {
        Some(SourceKind::Text)
    } else if explicit && name.ends_with(".gz") {
        Some(SourceKind::Jsonl(Compression::Gzip))
    } else if explicit && (name.ends_with(".zst") || name.ends_with(".zstd")) {
        Some(SourceKind::Jsonl(Compression::Zstd))
    } else {
        None
    }
}

fn text_id(root: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(root).unwrap_or(file).with_extension("");
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Opens a source as a buffered byte stream, decompressing as needed.
pub fn open(source: &Source) -> Result<Box<dyn BufRead + Send>> {
    let raw: Box<dyn Read + Send> = match &source.path {
        None => Box::new(std::io::stdin()),
        Some(path) => Box::new(
            File::open(path).with_context(|| format!("cannot open input {}", path.display()))?,
        ),
    };
    let reader: Box<dyn Read + Send> = match source.kind {
        SourceKind::Jsonl(Compression::Gzip) => Box::new(flate2::read::MultiGzDecoder::new(
            BufReader::with_capacity(1 << 16, raw),
        )),
        SourceKind::Jsonl(Compression::Zstd) => Box::new(
            zstd::stream::read::Decoder::new(raw)
                .with_context(|| format!("cannot start zstd decoding of {}", source.display))?,
        ),
        _ => raw,
    };
    Ok(Box::new(BufReader::with_capacity(1 << 20, reader)))
}

/// One physical line (or one whole `.txt` file) as read, before parsing.
#[derive(Debug)]
pub struct RawLine {
    pub source: u32,
    /// 1-based line number.
    pub line: u64,
    pub bytes: Vec<u8>,
    /// The line was longer than the limit and `bytes` holds only its start.
    pub truncated: bool,
    /// The stream failed while reading this line.
    pub read_error: Option<String>,
}

/// Reads the next line into `buf` (without the newline), keeping at most `max` bytes and
/// skipping the rest. Returns `Ok(None)` at end of input, or `Ok(Some(truncated))`.
pub fn read_capped_line(
    reader: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<bool>> {
    buf.clear();
    let mut truncated = false;
    let mut any = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(any.then_some(truncated));
        }
        any = true;
        let (chunk, used, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..i], i + 1, true),
            None => (available, available.len(), false),
        };
        let room = max.saturating_sub(buf.len());
        if chunk.len() > room {
            truncated = true;
        }
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        reader.consume(used);
        if done {
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            return Ok(Some(truncated));
        }
    }
}

/// A parsed, valid input record.
#[derive(Debug, Clone)]
pub struct Record {
    pub id: String,
    pub text: String,
    /// Site the record came from (a URL host or a source name), for per-site statistics.
    pub site: Option<String>,
    /// The record's JSON when it is not the input line itself (a `.txt` article).
    pub built: Option<Vec<u8>>,
    /// Where the text's JSON string (quotes included) stands in the input line, when the text
    /// is a top-level field: the spill then keeps the line alone, not the text a second time.
    pub text_span: Option<std::ops::Range<usize>>,
    /// The line's top-level fields and where their values stand (see `field_map`), when the
    /// line was read by its top-level keys.
    pub field_map: Option<Vec<u8>>,
}

/// An input line that could not be read as a record.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InvalidLine {
    pub file: String,
    pub line: u64,
    pub error: String,
    /// The raw line, lossily decoded (invalid bytes become U+FFFD).
    pub raw: String,
}

/// Parses one raw line of `source` into a record.
pub fn parse(
    raw: &RawLine,
    source: &Source,
    opts: &InputOptions,
) -> std::result::Result<Record, InvalidLine> {
    let invalid = |error: String| InvalidLine {
        file: source.display.clone(),
        line: raw.line,
        error,
        raw: String::from_utf8_lossy(&raw.bytes).into_owned(),
    };
    if let Some(e) = &raw.read_error {
        return Err(invalid(format!("read error: {e}")));
    }
    if raw.truncated {
        return Err(invalid(format!(
            "line longer than max_line_bytes ({} bytes); only its start is shown",
            opts.max_line_bytes
        )));
    }
    let text = std::str::from_utf8(&raw.bytes).map_err(|e| {
        invalid(format!(
            "invalid UTF-8 at byte {} of the line",
            e.valid_up_to()
        ))
    })?;
    if source.kind == SourceKind::Text {
        let id = source
            .text_id
            .clone()
            .unwrap_or_else(|| source.display.clone());
        let mut value = Map::new();
        value.insert(opts.id_field.clone(), Value::String(id.clone()));
        value.insert(opts.text_field.clone(), Value::String(text.to_string()));
        return Ok(Record {
            id,
            text: text.to_string(),
            site: None,
            built: Some(serde_json::to_vec(&value).map_err(|e| invalid(e.to_string()))?),
            text_span: None,
            field_map: None,
        });
    }
    match parse_top_level(text, source, raw.line, opts) {
        Some(rec) => Ok(rec),
        None => parse_tree(text, source, raw.line, opts).map_err(invalid),
    }
}

/// The general path of [`parse`]: the whole record as a tree, for dotted field paths and for
/// the lines the fast path does not take (invalid ones among them, which get their message
/// here). The error is the message for `invalid.jsonl`.
fn parse_tree(
    line: &str,
    source: &Source,
    line_no: u64,
    opts: &InputOptions,
) -> std::result::Result<Record, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("malformed JSON: {e}"))?;
    let Value::Object(map) = value else {
        return Err("not a JSON object".into());
    };
    let body = match lookup(&map, &opts.text_field) {
        None | Some(Value::Null) => {
            return Err(format!("missing text field `{}`", opts.text_field))
        }
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(format!(
                "text field `{}` is a {}, not a string",
                opts.text_field,
                json_type(other)
            ))
        }
    };
    let id = match lookup(&map, &opts.id_field) {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => format!("{}:{}", source.display, line_no),
    };
    let site = opts.site_fields.iter().find_map(|f| match lookup(&map, f) {
        Some(Value::String(s)) if !s.is_empty() => Some(site_of(s)),
        _ => None,
    });
    Ok(Record {
        id,
        text: body,
        site,
        built: None,
        text_span: None,
        field_map: None,
    })
}

/// The fast path of [`parse`]: when the id, text and site fields are top-level keys, the line
/// is read as its top-level keys with raw values, without building a tree of every field,
/// and the text's place in the line is kept. `None` when the path does not apply or the line
/// is not a valid record, for the general path to decide (and word the error) exactly as before.
fn parse_top_level(
    line: &str,
    source: &Source,
    line_no: u64,
    opts: &InputOptions,
) -> Option<Record> {
    let dotted = |f: &str| f.contains('.');
    if dotted(&opts.text_field)
        || dotted(&opts.id_field)
        || opts.site_fields.iter().any(|f| dotted(f))
        || !line.trim_start().starts_with('{')
    {
        return None;
    }
    let top: TopLevel = serde_json::from_str(line).ok()?;
    // As in a JSON object read into a map, the last of repeated keys wins.
    let get = |key: &str| {
        top.0
            .iter()
            .rev()
            .find(|(k, _)| k.0 == key)
            .map(|(_, v)| *v)
    };
    let raw_text = get(&opts.text_field)?;
    if !raw_text.get().starts_with('"') {
        return None;
    }
    let text: String = serde_json::from_str(raw_text.get()).ok()?;
    let start = raw_text.get().as_ptr() as usize - line.as_ptr() as usize;
    let id = match get(&opts.id_field).map(RawValue::get) {
        Some(raw) if raw.starts_with('"') => match serde_json::from_str::<String>(raw).ok()? {
            s if s.is_empty() => format!("{}:{}", source.display, line_no),
            s => s,
        },
        Some(raw) if raw.starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']) => {
            serde_json::from_str::<serde_json::Number>(raw)
                .ok()?
                .to_string()
        }
        _ => format!("{}:{}", source.display, line_no),
    };
    let mut site = None;
    for f in &opts.site_fields {
        if let Some(raw) = get(f).map(RawValue::get).filter(|r| r.starts_with('"')) {
            let s: String = serde_json::from_str(raw).ok()?;
            if !s.is_empty() {
                site = Some(site_of(&s));
                break;
            }
        }
    }
    Some(Record {
        id,
        text,
        site,
        built: None,
        text_span: Some(start..start + raw_text.get().len()),
        field_map: field_map(&top, line),
    })
}

/// Encodes where each top-level field of `line` stands: in order, each key (decoded) and its
/// value's byte range. The read spill keeps it beside the line, so the write pass and the
/// story stage reach a field without parsing the line again: a scraped page's line can carry
/// half a megabyte of HTML next to its text. `None` for a line past 4 GiB.
///
/// Layout, little-endian `u32`s: the field count, then per field the key's length, the key's
/// UTF-8 bytes, and the value's start and end offsets in the line.
pub(crate) fn field_map(top: &TopLevel, line: &str) -> Option<Vec<u8>> {
    let base = line.as_ptr() as usize;
    let mut out = Vec::with_capacity(4 + top.0.iter().map(|(k, _)| 12 + k.0.len()).sum::<usize>());
    fn put(out: &mut Vec<u8>, n: usize) -> Option<()> {
        out.extend_from_slice(&u32::try_from(n).ok()?.to_le_bytes());
        Some(())
    }
    put(&mut out, top.0.len())?;
    for (key, value) in &top.0 {
        // The raw value is borrowed from `line`.
        let start = value.get().as_ptr() as usize - base;
        put(&mut out, key.0.len())?;
        out.extend_from_slice(key.0.as_bytes());
        put(&mut out, start)?;
        put(&mut out, start + value.get().len())?;
    }
    Some(out)
}

/// A line's top-level fields in order: each key and its value's raw JSON.
pub type TopFields<'a> = Vec<(&'a str, &'a [u8])>;

/// The fields a `field_map` describes, borrowed from the map and from `line`. `None` when the
/// map does not fit the line.
pub fn fields_from_map<'a>(map: &'a [u8], line: &'a [u8]) -> Option<TopFields<'a>> {
    fn next(map: &[u8], at: &mut usize) -> Option<usize> {
        let b = map.get(*at..*at + 4)?;
        *at += 4;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }
    let mut at = 0usize;
    let count = next(map, &mut at)?;
    let mut fields = Vec::with_capacity(count.min(map.len() / 12));
    for _ in 0..count {
        let len = next(map, &mut at)?;
        let key = std::str::from_utf8(map.get(at..at + len)?).ok()?;
        at += len;
        let (start, end) = (next(map, &mut at)?, next(map, &mut at)?);
        fields.push((key, line.get(start..end)?));
    }
    (at == map.len()).then_some(fields)
}

/// A JSON object's top-level fields, in order, values as raw JSON borrowed from the line (and
/// keys too, unless they hold escapes).
pub(crate) struct TopLevel<'a>(pub Vec<(Key<'a>, &'a RawValue)>);

/// An object key, borrowed from the line when it has no escapes.
pub(crate) struct Key<'a>(pub std::borrow::Cow<'a, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> serde::de::Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(std::borrow::Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

impl<'de> serde::Deserialize<'de> for TopLevel<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = TopLevel<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<Key<'de>, &'de RawValue>()? {
                    out.push(entry);
                }
                Ok(TopLevel(out))
            }
        }
        d.deserialize_map(Fields)
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Follows a dotted path (`meta.url`) through nested objects.
pub fn lookup<'a>(map: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    if let Some(v) = map.get(path) {
        return Some(v);
    }
    let mut parts = path.split('.');
    let mut current = map.get(parts.next()?)?;
    for part in parts {
        current = current.as_object()?.get(part)?;
    }
    Some(current)
}

/// Sets the value at a dotted path, creating nothing: the path was found on reading.
pub fn set_at(map: &mut Map<String, Value>, path: &str, value: Value) {
    if map.contains_key(path) || !path.contains('.') {
        map.insert(path.to_string(), value);
        return;
    }
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop().unwrap_or(path);
    let mut current = map;
    for part in parts {
        match current.get_mut(part).and_then(Value::as_object_mut) {
            Some(next) => current = next,
            None => return,
        }
    }
    current.insert(last.to_string(), value);
}

/// The host of a URL (`https://www.example.com/a` → `example.com`), or the value itself.
pub fn site_of(value: &str) -> String {
    let rest = value.split_once("://").map(|(_, r)| r).unwrap_or(value);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.split(':').next().unwrap_or(host);
    host.trim_start_matches("www.").to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src() -> Source {
        Source {
            path: None,
            display: "in.jsonl".into(),
            kind: SourceKind::Jsonl(Compression::None),
            text_id: None,
        }
    }

    fn line(bytes: &[u8]) -> RawLine {
        RawLine {
            source: 0,
            line: 7,
            bytes: bytes.to_vec(),
            truncated: false,
            read_error: None,
        }
    }

    #[test]
    fn parses_id_text_and_site() {
        let r = parse(
            &line(br#"{"id":"a","text":"hello","url":"https://www.Example.com/x"}"#),
            &src(),
            &InputOptions::default(),
        )
        .expect("valid");
        assert_eq!(r.id, "a");
        assert_eq!(r.text, "hello");
        assert_eq!(r.site.as_deref(), Some("example.com"));
    }

    #[test]
    fn missing_id_is_derived_from_file_and_line() {
        let r = parse(&line(br#"{"text":"x"}"#), &src(), &InputOptions::default()).expect("valid");
        assert_eq!(r.id, "in.jsonl:7");
    }

    #[test]
    fn dotted_paths_reach_nested_fields() {
        let opts = InputOptions {
            text_field: "body.content".into(),
            id_field: "meta.id".into(),
            ..InputOptions::default()
        };
        let r = parse(
            &line(br#"{"meta":{"id":5},"body":{"content":"t"}}"#),
            &src(),
            &opts,
        )
        .expect("valid");
        assert_eq!((r.id.as_str(), r.text.as_str()), ("5", "t"));
    }

    #[test]
    fn bad_lines_name_their_problem() {
        let opts = InputOptions::default();
        let err = |b: &[u8]| parse(&line(b), &src(), &opts).expect_err("invalid").error;
        assert!(err(b"{\"id\":1,").starts_with("malformed JSON"));
        assert!(err(b"[1,2]").contains("not a JSON object"));
        assert!(err(br#"{"id":"a"}"#).contains("missing text field"));
        assert!(err(br#"{"id":"a","text":3}"#).contains("is a number"));
        assert!(err(b"{\"text\":\"\xff\"}").contains("invalid UTF-8"));
    }

    #[test]
    fn capped_reader_truncates_long_lines_and_keeps_going() {
        let data = b"short\nthis line is long\r\nlast";
        let mut reader = std::io::BufReader::with_capacity(4, &data[..]);
        let mut buf = Vec::new();
        assert_eq!(
            read_capped_line(&mut reader, &mut buf, 8).ok(),
            Some(Some(false))
        );
        assert_eq!(buf, b"short");
        assert_eq!(
            read_capped_line(&mut reader, &mut buf, 8).ok(),
            Some(Some(true))
        );
        assert_eq!(buf, b"this lin");
        assert_eq!(
            read_capped_line(&mut reader, &mut buf, 8).ok(),
            Some(Some(false))
        );
        assert_eq!(buf, b"last");
        assert_eq!(read_capped_line(&mut reader, &mut buf, 8).ok(), Some(None));
    }

    /// Where the fast path takes a line, it reads the same record as the tree: same id, text
    /// and site, and the span holds the text's JSON string.
    fn same_as_tree(line: &str) {
        let opts = InputOptions::default();
        let Some(fast) = parse_top_level(line, &src(), 7, &opts) else {
            return;
        };
        let tree = parse_tree(line, &src(), 7, &opts)
            .unwrap_or_else(|e| panic!("the tree refused what the fast path took: {e}: {line}"));
        assert_eq!(
            (&fast.id, &fast.text, &fast.site),
            (&tree.id, &tree.text, &tree.site),
            "{line}"
        );
        let span = fast.text_span.expect("span");
        let decoded: String = serde_json::from_str(&line[span]).expect("span is a JSON string");
        assert_eq!(decoded, tree.text);
    }

    fn fast_path_takes(line: &str) -> bool {
        parse_top_level(line, &src(), 7, &InputOptions::default()).is_some()
    }

    #[test]
    fn the_fast_path_reads_what_the_tree_reads() {
        let t = r#""The council met on Tuesday.""#;
        for line in [
            format!(r#"{{"id":"a","text":{t},"url":"https://www.Example.com/x"}}"#),
            format!(r#"{{"id":"a","text":"overwritten","text":{t}}}"#),
            format!(r#"{{"id":1.0,"text":{t}}}"#),
            format!(r#"{{"id":1e2,"text":{t}}}"#),
            format!(r#"{{"id":-0,"text":{t}}}"#),
            format!(r#"{{"id":"","text":{t},"source":"","site":"Other"}}"#),
            format!(r#"{{"id":null,"text":{t}}}"#),
            format!(r#"{{"id":{{"n":1}},"text":{t},"meta":{{"a":[1,{{"b":null}}]}}}}"#),
            format!(r#"  {{"te\u0078t":{t},"id":"k"}}  "#),
            r#"{"id":"u","text":"Caf\u00e9 \/ \ud83d\ude00 \"q\"\n"}"#.to_string(),
            r#"{"id":"e","text":""}"#.to_string(),
        ] {
            assert!(fast_path_takes(&line), "{line}");
            same_as_tree(&line);
        }
        // Not taken: left to the tree, which words the error.
        for line in [
            r#"{"id":"n","text":null}"#,
            r#"{"id":"n","text":42}"#,
            r#"{"id":"n"}"#,
            r#"[1,2]"#,
            r#"{"id":"x","text":"a",}"#,
            r#"{"id":"x","text":"unterminated"#,
        ] {
            assert!(!fast_path_takes(line), "{line}");
            assert!(
                parse_tree(line, &src(), 7, &InputOptions::default()).is_err(),
                "{line}"
            );
        }
    }

    use proptest::strategy::Strategy;

    proptest::proptest! {
        #[test]
        fn the_fast_path_agrees_with_the_tree_on_generated_records(
            id in proptest::option::of(proptest::prop_oneof![
                ".{0,8}".prop_map(Value::from),
                proptest::num::i64::ANY.prop_map(Value::from),
                proptest::num::f64::NORMAL.prop_map(Value::from),
            ]),
            text in "\\PC{0,40}",
            site in proptest::option::of("[a-z:/. ]{0,20}"),
            extra in proptest::collection::vec(("[a-z]{1,4}", ".{0,6}"), 0..4),
        ) {
            let mut map = Map::new();
            for (k, v) in extra {
                map.insert(k, Value::from(v));
            }
            if let Some(id) = id {
                map.insert("id".into(), id);
            }
            map.insert("text".into(), Value::from(text));
            if let Some(site) = site {
                map.insert("url".into(), Value::from(site));
            }
            let line = serde_json::to_string(&map).expect("json");
            proptest::prop_assert!(fast_path_takes(&line));
            same_as_tree(&line);
        }
    }

    #[test]
    fn site_of_strips_scheme_www_and_port() {
        assert_eq!(site_of("http://www.a.b:80/x?y"), "a.b");
        assert_eq!(site_of("Reuters"), "reuters");
    }
    #[test]
    fn the_field_map_gives_each_top_level_key_and_raw_value_as_a_parse_would() {
        let text = r#" { "id" : 7, "t\u0065xt":"a\"b", "html":"<p>x</p>\n", "meta":{"d":[1,{"e":2}]}, "id":"again" } "#;
        let r = parse(&line(text.as_bytes()), &src(), &InputOptions::default()).expect("valid");
        let map = r.field_map.expect("read by its top-level keys");
        let got = fields_from_map(&map, text.as_bytes()).expect("fits the line");
        let top: TopLevel = serde_json::from_str(text).expect("object");
        let want: Vec<(&str, &[u8])> = top
            .0
            .iter()
            .map(|(k, v)| (&*k.0, v.get().as_bytes()))
            .collect();
        assert_eq!(got, want);
        assert_eq!(got[1], ("text", &br#""a\"b""#[..]));
        assert_eq!(got[4], ("id", &br#""again""#[..]));
        // A map that does not fit its line is refused, not read out of bounds.
        assert!(fields_from_map(&map, &text.as_bytes()[..20]).is_none());
        assert!(fields_from_map(&map[..map.len() - 1], text.as_bytes()).is_none());
        assert!(fields_from_map(&[], text.as_bytes()).is_none());
    }
}
