//! `report.html`: one self-contained page (inline CSS and SVG, no script, no network fetch) for
//! people. Every piece of article text is HTML-escaped, and a Content-Security-Policy forbids
//! the page from loading anything, so hostile scraped text can neither run nor fetch.

use super::{Report, Sample};
use std::fmt::Write as _;

/// Escapes text for HTML element content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1100px;padding:1.5em;color:#111;background:#fff}
h1{margin:.2em 0}h2{margin-top:1.8em;border-bottom:2px solid #222;padding-bottom:.2em}
.cards{display:flex;flex-wrap:wrap;gap:.8em}.card{border:1px solid #999;border-radius:6px;padding:.6em 1em;min-width:9em}
.card b{display:block;font-size:1.5em}.card span{color:#444}
table{border-collapse:collapse;width:100%;margin:.6em 0}th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#eee}td.n{text-align:right;font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:1.5em}figure{margin:0}figcaption{font-weight:600;margin-bottom:.3em}
svg text{font:12px system-ui,sans-serif;fill:#111}.kept{fill:#1b3a6b}.dropped{fill:url(#hatch)}.bar{fill:#3d5a80}
.legend rect{stroke:#111;stroke-width:.5}
.sample{border:1px solid #999;border-radius:6px;margin:1em 0;padding:.5em 1em}
.sample pre{white-space:pre-wrap;word-break:break-word;font:13px/1.4 ui-monospace,monospace;margin:.4em 0}
.cut{text-decoration:line-through;background:#ddd;color:#555}.tag{font:11px system-ui;border:1px solid #555;border-radius:3px;padding:0 .3em;margin-left:.4em;color:#222;background:#fff;text-decoration:none;display:inline-block}
.flags{color:#333}.fail{font-weight:700}.ok{color:#333}
@media print{.sample{break-inside:avoid}}
"#;

const HATCH: &str = r##"<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#c6d4e8"/><line x1="0" y1="0" x2="0" y2="6" stroke="#1b3a6b" stroke-width="2"/></pattern></defs>"##;

/// A horizontal bar chart with one labelled bar per item.
fn hbars(title: &str, unit: &str, items: &[(String, f64)]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let (label_w, bar_w, row_h) = (200.0, 320.0, 22.0);
    let max = items.iter().map(|i| i.1).fold(0.0, f64::max).max(1e-9);
    let height = row_h * items.len() as f64 + 34.0;
    let mut s = format!(
        "<figure><figcaption>{}</figcaption><svg role=\"img\" aria-label=\"{}\" width=\"{}\" height=\"{height}\">",
        esc(title),
        esc(title),
        label_w + bar_w + 70.0
    );
    for (k, (label, value)) in items.iter().enumerate() {
        let y = 4.0 + row_h * k as f64;
        let w = (value / max * bar_w).max(1.0);
        let short: String = label.chars().take(30).collect();
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect class=\"bar\" x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>",
            label_w - 6.0,
            y + 14.0,
            esc(&short),
            row_h - 6.0,
            label_w + w + 4.0,
            y + 14.0,
            fmt(*value)
        );
    }
    let _ = write!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text></svg></figure>",
        label_w + bar_w / 2.0,
        height - 6.0,
        esc(unit)
    );
    s
}

/// A vertical bar chart with one or two series (kept solid, dropped hatched), axes labelled.
fn vbars(
    title: &str,
    x_label: &str,
    y_label: &str,
    cats: &[String],
    series: &[(&str, &str, Vec<f64>)],
) -> String {
    if cats.is_empty() {
        return String::new();
    }
    let (left, bottom, plot_h) = (56.0, 48.0, 180.0);
    let group_w = (440.0 / cats.len() as f64).clamp(18.0, 60.0);
    let plot_w = group_w * cats.len() as f64;
    let max = series
        .iter()
        .flat_map(|s| s.2.iter().copied())
        .fold(0.0, f64::max)
        .max(1.0);
    let width = left + plot_w + 130.0;
    let height = plot_h + bottom + 20.0;
    let mut s = format!(
        "<figure><figcaption>{}</figcaption><svg role=\"img\" aria-label=\"{}\" width=\"{width}\" height=\"{height}\">{HATCH}",
        esc(title),
        esc(title)
    );
    let top = 10.0;
    let _ = write!(
        s,
        "<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{}\" stroke=\"#111\"/><line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#111\"/>",
        top + plot_h,
        top + plot_h,
        left + plot_w,
        top + plot_h
    );
    for tick in 0..=4 {
        let v = max * tick as f64 / 4.0;
        let y = top + plot_h - plot_h * tick as f64 / 4.0;
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            left - 4.0,
            y + 4.0,
            fmt(v)
        );
    }
    let bar_w = (group_w - 4.0) / series.len().max(1) as f64;
    for (c, cat) in cats.iter().enumerate() {
        let gx = left + group_w * c as f64 + 2.0;
        for (k, (_, class, values)) in series.iter().enumerate() {
            let v = values.get(c).copied().unwrap_or(0.0);
            let h = v / max * plot_h;
            let _ = write!(
                s,
                "<rect class=\"{class}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" stroke=\"#111\" stroke-width=\".5\"><title>{}: {}</title></rect>",
                gx + bar_w * k as f64,
                top + plot_h - h,
                bar_w,
                esc(cat),
                fmt(v)
            );
        }
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            gx + (group_w - 4.0) / 2.0,
            top + plot_h + 14.0,
            esc(cat)
        );
    }
    let _ = write!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text><text transform=\"translate(14 {}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
        left + plot_w / 2.0,
        top + plot_h + 36.0,
        esc(x_label),
        top + plot_h / 2.0,
        esc(y_label)
    );
    if series.len() > 1 {
        for (k, (name, class, _)) in series.iter().enumerate() {
            let y = top + 8.0 + 18.0 * k as f64;
            let _ = write!(
                s,
                "<g class=\"legend\"><rect class=\"{class}\" x=\"{}\" y=\"{y}\" width=\"14\" height=\"12\"/><text x=\"{}\" y=\"{}\">{}</text></g>",
                left + plot_w + 12.0,
                left + plot_w + 32.0,
                y + 11.0,
                esc(name)
            );
        }
    }
    s.push_str("</svg></figure>");
    s
}

fn fmt(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

fn card(s: &mut String, value: &str, label: &str) {
    let _ = write!(
        s,
        "<div class=\"card\"><b>{}</b><span>{}</span></div>",
        esc(value),
        esc(label)
    );
}

fn sample_html(s: &mut String, sample: &Sample) {
    let _ = write!(
        s,
        "<div class=\"sample\"><b>{}</b> — quality {:.3}{}<div class=\"flags\">flags: {}</div><pre>",
        esc(&sample.id),
        sample.quality,
        sample
            .reason
            .as_ref()
            .map(|r| format!(", dropped: {}", esc(r)))
            .unwrap_or_default(),
        if sample.flags.is_empty() { "none".to_string() } else { esc(&sample.flags.join(", ")) }
    );
    for line in &sample.lines {
        match (&line.removed, &line.span) {
            (Some(reason), None) => {
                let _ = writeln!(
                    s,
                    "<span class=\"cut\">{}</span><span class=\"tag\">{}</span>",
                    esc(&line.text),
                    esc(reason)
                );
            }
            (Some(reason), Some(span)) => match line.text.find(span.as_str()) {
                Some(at) => {
                    let _ = writeln!(
                        s,
                        "{}<span class=\"cut\">{}</span><span class=\"tag\">{}</span>{}",
                        esc(&line.text[..at]),
                        esc(span),
                        esc(reason),
                        esc(&line.text[at + span.len()..])
                    );
                }
                None => {
                    let _ = writeln!(
                        s,
                        "{}<span class=\"tag\">{}: {}</span>",
                        esc(&line.text),
                        esc(reason),
                        esc(span)
                    );
                }
            },
            _ => {
                let _ = writeln!(s, "{}", esc(&line.text));
            }
        }
    }
    if sample.truncated {
        s.push_str("…\n");
    }
    s.push_str("</pre></div>");
}

/// Renders the whole page.
pub fn render(r: &Report) -> String {
    let c = &r.counts;
    let mut s = String::with_capacity(64 << 10);
    let _ = write!(
        s,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"><meta name=\"viewport\" content=\"width=device-width\"><title>copydesk report</title><style>{STYLE}</style></head><body><h1>copydesk report</h1><p>{} · schema {}</p>",
        esc(&r.tool),
        r.schema_version
    );
    s.push_str("<h2>Headline</h2><div class=\"cards\">");
    card(&mut s, &c.read.to_string(), "records read");
    card(&mut s, &c.kept.to_string(), "kept");
    card(&mut s, &c.dropped.to_string(), "dropped");
    card(&mut s, &c.invalid.to_string(), "invalid lines");
    card(
        &mut s,
        &format!("{:.1}%", 100.0 * r.clusters.dup_rate),
        "duplicate rate",
    );
    card(
        &mut s,
        &format!("{:.3}", r.quality.mean_kept),
        "mean quality (kept)",
    );
    card(
        &mut s,
        &format!("{:.1} MB", r.bytes.input as f64 / 1e6),
        "bytes in",
    );
    card(
        &mut s,
        &format!("{:.1} MB", r.bytes.cleaned_output as f64 / 1e6),
        "bytes out (cleaned.jsonl)",
    );
    card(
        &mut s,
        &format!("{:.2} s", r.run.duration_ms as f64 / 1000.0),
        "duration",
    );
    card(&mut s, &format!("{:.1} MB/s", r.run.mb_per_s), "throughput");
    s.push_str("</div>");

    if !r.gates.is_empty() {
        s.push_str("<h2>Gates</h2><table><tr><th>gate</th><th>value</th><th>result</th></tr>");
        for g in &r.gates {
            let _ = write!(
                s,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"{}\">{}</td></tr>",
                esc(&g.expr),
                fmt(g.value),
                if g.failed { "fail" } else { "ok" },
                if g.failed { "FAILED" } else { "passed" }
            );
        }
        s.push_str("</table>");
    }

    s.push_str("<h2>Charts</h2><div class=\"charts\">");
    let bins: Vec<String> = (0..10).map(|b| format!("{:.1}", b as f64 / 10.0)).collect();
    s.push_str(&vbars(
        "Quality score, kept vs dropped",
        "quality score (bin start)",
        "records",
        &bins,
        &[
            (
                "kept",
                "kept",
                r.quality.histogram_kept.iter().map(|&x| x as f64).collect(),
            ),
            (
                "dropped",
                "dropped",
                r.quality
                    .histogram_dropped
                    .iter()
                    .map(|&x| x as f64)
                    .collect(),
            ),
        ],
    ));
    let sizes: Vec<String> = r
        .clusters
        .size_histogram
        .keys()
        .map(|k| k.to_string())
        .collect();
    s.push_str(&vbars(
        "Duplicate cluster sizes",
        "cluster size (records)",
        "clusters",
        &sizes,
        &[(
            "clusters",
            "kept",
            r.clusters
                .size_histogram
                .values()
                .map(|&x| x as f64)
                .collect(),
        )],
    ));
    let items = |m: &std::collections::BTreeMap<String, u64>| -> Vec<(String, f64)> {
        let mut v: Vec<(String, f64)> = m.iter().map(|(k, &n)| (k.clone(), n as f64)).collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(20);
        v
    };
    s.push_str(&hbars(
        "Dropped records by reason",
        "records",
        &items(&c.dropped_by_reason),
    ));
    s.push_str(&hbars(
        "Removed debris by reason",
        "lines or spans",
        &items(&r.debris.removed_by_reason),
    ));
    s.push_str(&hbars(
        "Languages of kept records",
        "records",
        &items(&r.languages),
    ));
    s.push_str("</div>");

    if !r.sites.is_empty() {
        s.push_str("<h2>Sites</h2><table><tr><th>site</th><th>records</th><th>kept</th><th>duplicates</th><th>duplicate rate</th><th>mean quality</th></tr>");
        for site in &r.sites {
            let _ = write!(
                s,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{:.1}%</td><td class=\"n\">{:.3}</td></tr>",
                esc(&site.site),
                site.records,
                site.kept,
                site.duplicates,
                100.0 * site.dup_rate,
                site.mean_quality
            );
        }
        s.push_str("</table>");
    }

    if !r.largest_clusters.is_empty() {
        s.push_str("<h2>Largest clusters</h2><table><tr><th>cluster</th><th>level</th><th>size</th><th>kept</th><th>members</th><th>evidence</th></tr>");
        for cl in &r.largest_clusters {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{} <span class=\"tag\">by {}</span></td><td>{}</td><td>{}</td></tr>",
                esc(&cl.cluster),
                esc(&cl.level),
                cl.size,
                esc(&cl.kept),
                esc(&cl.decided_by),
                esc(&cl.members.join(", ")),
                esc(&evidence_text(&cl.evidence))
            );
        }
        s.push_str("</table>");
    }

    if !r.stories.largest.is_empty() {
        let _ = write!(
            s,
            "<h2>Largest story groups</h2><p>{} groups hold {} articles: different write-ups of one event, kept unless <code>--collapse stories</code>.</p><table><tr><th>story</th><th>size</th><th>kept (best quality)</th><th>members</th><th>shared distinctive terms</th></tr>",
            r.stories.stats.groups, r.stories.stats.grouped_articles
        );
        for g in &r.stories.largest {
            let _ = write!(
                s,
                "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&g.story),
                g.size,
                esc(&g.kept),
                esc(&g.members.join(", ")),
                esc(&g.evidence.join(", "))
            );
        }
        s.push_str("</table>");
    }

    s.push_str("<h2>Worst-scored kept articles</h2>");
    if r.samples.worst_kept.is_empty() {
        s.push_str("<p>None.</p>");
    }
    for sample in &r.samples.worst_kept {
        sample_html(&mut s, sample);
    }
    s.push_str("<h2>Best-scored dropped articles</h2><p>Dropped by a filter (not as duplicates): where a threshold may hurt.</p>");
    if r.samples.best_dropped.is_empty() {
        s.push_str("<p>None.</p>");
    }
    for sample in &r.samples.best_dropped {
        sample_html(&mut s, sample);
    }

    if !r.debris.top_removed_lines.is_empty() {
        s.push_str(
            "<h2>Most frequent removed lines</h2><table><tr><th>line</th><th>times</th></tr>",
        );
        for l in &r.debris.top_removed_lines {
            let _ = write!(
                s,
                "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
                esc(&l.text),
                l.count
            );
        }
        s.push_str("</table>");
    }

    s.push_str("<h2>Run</h2><table><tr><th>stage</th><th>ms</th></tr>");
    for (stage, ms) in &r.run.stage_ms {
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"n\">{ms}</td></tr>",
            esc(stage)
        );
    }
    let _ = writeln!(
        s,
        "</table><p>{} threads, {:.0} records/s.</p></body></html>",
        r.run.threads, r.run.records_per_s
    );
    s
}

/// Evidence as short text: `key value` pairs of a JSON object.
fn evidence_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Object(m) => m
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}: {s}"),
                serde_json::Value::Array(a) => format!(
                    "{k}: {}",
                    a.iter()
                        .map(|x| x
                            .as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| x.to_string()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                other => format!("{k}: {other}"),
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_neutralizes_markup() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }

    #[test]
    fn charts_label_their_axes() {
        let svg = vbars(
            "t",
            "quality",
            "records",
            &["0.0".into()],
            &[("kept", "kept", vec![3.0])],
        );
        assert!(svg.contains(">quality<") && svg.contains(">records<"));
        assert!(hbars("t", "u", &[]).is_empty());
    }
}
