//! Publication dates for date proximity: two articles published weeks apart report different
//! events even when they share every name (a trial's opening and its verdict). Only ISO 8601
//! dates (`2026-03-09`, `2026-03-09T10:00:00Z`) are read; anything else counts as no date, and a
//! pair with a missing date is never rejected for it.

use serde_json::Value;

/// Days since 1970-01-01 of an ISO 8601 date prefix `YYYY-MM-DD`.
pub fn parse_iso_day(s: &str) -> Option<i32> {
    let b = s.trim().as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        std::str::from_utf8(&b[r]).ok()?.parse().ok()
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i32::try_from(era * 146_097 + doe - 719_468).ok()
}

/// The first parsable date among `fields` (dotted paths) of a JSON record.
pub fn record_day(original: &[u8], fields: &[String]) -> Option<i32> {
    if fields.is_empty() {
        return None;
    }
    // Most records have no date field: skip the parse when no field name occurs at all (a
    // byte search, before the UTF-8 check: either failing gives no date).
    if !fields.iter().any(|f| {
        let name = f.rsplit('.').next().unwrap_or(f);
        memchr::memmem::find(original, name.as_bytes()).is_some()
    }) {
        return None;
    }
    let text = std::str::from_utf8(original).ok()?;
    // Only the top level is parsed; the named fields' values are read by `record_day_in_fields`.
    let top: crate::input::TopLevel = serde_json::from_str(text).ok()?;
    let located: Vec<(&str, &[u8])> = top
        .0
        .iter()
        .map(|(k, v)| (&*k.0, v.get().as_bytes()))
        .collect();
    record_day_in_fields(&located, fields)
}

/// [`record_day`] for a record whose top-level fields are already located (the read pass's
/// field map, `input::fields_from_map`): only the named fields' values are parsed, not the
/// whole record. As in a parsed object, the last of repeated keys counts.
pub fn record_day_in_fields(top: &[(&str, &[u8])], fields: &[String]) -> Option<i32> {
    fields.iter().find_map(|f| {
        let (first, rest) = match f.split_once('.') {
            Some((first, rest)) => (first, Some(rest)),
            None => (f.as_str(), None),
        };
        let raw = top.iter().rev().find(|(k, _)| *k == first)?.1;
        let value: Value = serde_json::from_slice(raw).ok()?;
        let mut cur = &value;
        for part in rest.into_iter().flat_map(|r| r.split('.')) {
            cur = cur.get(part)?;
        }
        cur.as_str().and_then(parse_iso_day)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_become_day_numbers() {
        assert_eq!(parse_iso_day("1970-01-01"), Some(0));
        assert_eq!(
            parse_iso_day("2026-03-09T10:00:00Z")
                .map(|d| d - parse_iso_day("2026-02-28").unwrap_or(0)),
            Some(9)
        );
        assert_eq!(parse_iso_day("9 March 2026"), None);
        assert_eq!(parse_iso_day("2026-13-01"), None);
    }

    #[test]
    fn record_day_reads_nested_fields_and_ignores_records_without_dates() {
        let fields = vec!["published".to_string(), "meta.date".to_string()];
        assert_eq!(
            record_day(br#"{"id":"a","meta":{"date":"1970-01-03"}}"#, &fields),
            Some(2)
        );
        assert_eq!(record_day(br#"{"id":"a","text":"x"}"#, &fields), None);
        assert_eq!(record_day(br#"{"published":"yesterday"}"#, &fields), None);
    }

    /// The previous [`record_day`] (UTF-8 check, then `str::contains`): the specification.
    fn record_day_reference(original: &[u8], fields: &[String]) -> Option<i32> {
        if fields.is_empty() {
            return None;
        }
        let text = std::str::from_utf8(original).ok()?;
        if !fields
            .iter()
            .any(|f| text.contains(f.rsplit('.').next().unwrap_or(f)))
        {
            return None;
        }
        let v: Value = serde_json::from_str(text).ok()?;
        fields.iter().find_map(|f| {
            let mut cur = &v;
            for part in f.split('.') {
                cur = cur.get(part)?;
            }
            cur.as_str().and_then(parse_iso_day)
        })
    }

    const PIECES: &[&[u8]] = &[
        b"{",
        b"}",
        b"\"published\":",
        b"\"date\":",
        b"\"meta\":{",
        b"\"text\":\"on date\",",
        b"\"2026-03-09\"",
        b"\"1970-01-03T10:00Z\"",
        b",",
        b"\"x\"",
        b"\xff",
        b"\xc3\xa9",
        b"dat",
        b"e",
        b"",
    ];

    const KEYS: &[&str] = &["published", "date", "meta", "text", "", "html"];
    const VALUES: &[&str] = &[
        r#""2026-03-09""#,
        r#""1970-01-03T10:00Z""#,
        r#""yesterday""#,
        r#"{"published":"2026-01-02","date":7}"#,
        r#"{"date":"2025-12-31"}"#,
        r#"[1,"2026-03-09"]"#,
        "null",
        "12",
        r#""on date: 2026-03-09""#,
    ];

    proptest::proptest! {
        #[test]
        fn record_day_in_fields_matches_the_reference_on_valid_records(
            pairs in proptest::collection::vec((0..KEYS.len(), 0..VALUES.len()), 0..8),
            which in 0usize..4
        ) {
            let record = format!(
                "{{{}}}",
                pairs
                    .iter()
                    .map(|&(k, v)| format!("{:?}:{}", KEYS[k], VALUES[v]))
                    .collect::<Vec<_>>()
                    .join(",")
            );
            let fields: Vec<String> = match which {
                0 => vec![],
                1 => vec!["published".into(), "date".into(), "meta.published".into()],
                2 => vec!["meta.date".into()],
                _ => vec!["".into(), "date".into(), "meta..date".into()],
            };
            let top: crate::input::TopLevel = serde_json::from_str(&record).expect("object");
            let map = crate::input::field_map(&top, &record).expect("map");
            let located = crate::input::fields_from_map(&map, record.as_bytes()).expect("fits");
            proptest::prop_assert_eq!(
                record_day_in_fields(&located, &fields),
                record_day_reference(record.as_bytes(), &fields)
            );
        }

        #[test]
        fn record_day_matches_its_reference(
            picks in proptest::collection::vec(0..PIECES.len(), 0..24),
            which in 0usize..4
        ) {
            let record: Vec<u8> = picks.iter().flat_map(|&k| PIECES[k].iter().copied()).collect();
            let fields: Vec<String> = match which {
                0 => vec![],
                1 => vec!["published".into(), "date".into(), "meta.published".into()],
                2 => vec!["meta.date".into()],
                _ => vec!["".into(), "date".into()],
            };
            proptest::prop_assert_eq!(
                record_day(&record, &fields),
                record_day_reference(&record, &fields)
            );
        }
    }
}
