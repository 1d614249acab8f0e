//! `OUT/report.html`: one self-contained page (inline CSS, inline SVG charts, a few lines of inline
//! script, no network) drawn from `report.json` alone, so `tamis report OUT` can redraw it.
//!
//! Charts are SVG written here rather than a vendored chart library: the page stays small for any
//! corpus size (its size depends on the number of stages, reasons and samples, not documents) and
//! renders without running any script.

use crate::insights::Sample;
use crate::report::Report;
use crate::stats::{Histogram, StageStats};
use std::fmt::Write;

/// Render the report page.
pub fn render(report: &Report) -> String {
    let mut h = String::with_capacity(64 << 10);
    h.push_str(HEAD);
    let _ = write!(
        h,
        "<header><h1>tamis report</h1><p>tamis {} · {} input files ({}) · {:.1} s</p></header>",
        esc(&report.tamis_version),
        report.inputs.files,
        bytes(report.inputs.bytes),
        report.seconds
    );
    h.push_str("<nav>");
    for (id, title) in SECTIONS {
        let _ = write!(h, "<a href=\"#{id}\">{title}</a>");
    }
    h.push_str("</nav><main>");
    summary(&mut h, report);
    funnel(&mut h, report);
    reasons(&mut h, report);
    languages(&mut h, report);
    signals(&mut h, report);
    site_lines(&mut h, report);
    samples(&mut h, report);
    errors(&mut h, report);
    h.push_str("</main>");
    h.push_str(SCRIPT);
    h.push_str("</body></html>\n");
    h
}

const SECTIONS: &[(&str, &str)] = &[
    ("summary", "Summary"),
    ("funnel", "Funnel"),
    ("reasons", "Removal reasons"),
    ("languages", "Languages"),
    ("signals", "Signals"),
    ("sites", "Removed lines per site"),
    ("samples", "Samples"),
    ("errors", "Errors"),
];

fn section(h: &mut String, id: &str, title: &str, note: &str) {
    let _ = write!(h, "<section id=\"{id}\"><h2>{title}</h2>");
    if !note.is_empty() {
        let _ = write!(h, "<p class=\"note\">{note}</p>");
    }
}

fn summary(h: &mut String, r: &Report) {
    section(h, "summary", "Summary", "");
    let d = &r.documents;
    let mut cards = vec![
        ("documents in", num(d.docs_in)),
        ("kept", format!("{} ({})", num(d.kept), pct(d.kept, d.docs_in))),
        ("removed", format!("{} ({})", num(d.removed), pct(d.removed, d.docs_in))),
        ("errors", num(d.errors)),
        ("bytes kept", bytes(r.output.kept_bytes)),
    ];
    for (enc, n) in &r.output.tokens {
        cards.push(("tokens kept", format!("{} {}", num(*n), esc(enc))));
    }
    h.push_str("<div class=\"cards\">");
    for (label, value) in cards {
        let _ = write!(h, "<div class=\"card\"><b>{value}</b><span>{label}</span></div>");
    }
    h.push_str("</div></section>");
}

/// Documents, bytes and tokens after each stage.
fn funnel(h: &mut String, r: &Report) {
    section(
        h,
        "funnel",
        "Funnel",
        "What is left after each stage. Tokens are counted on the text as each stage leaves it (raw HTML is not counted).",
    );
    let encodings: Vec<String> = r
        .stages
        .iter()
        .flat_map(|s| s.tokens_kept.keys().cloned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let input = r.stages.first().map_or(0, |s| s.kept).max(1);
    let rows: Vec<(String, f64, String)> = r
        .stages
        .iter()
        .map(|s| {
            (
                s.name.clone(),
                s.kept as f64 / input as f64,
                format!("{} docs", num(s.kept)),
            )
        })
        .collect();
    bar_chart(h, &rows, "funnel");
    h.push_str("<table><tr><th>stage</th><th>in</th><th>kept</th><th>removed</th><th>errors</th><th>bytes kept</th>");
    for e in &encodings {
        let _ = write!(h, "<th>{} tokens kept</th>", esc(e));
    }
    h.push_str("<th>seconds</th></tr>");
    for s in &r.stages {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            esc(&s.name),
            num(s.docs_in),
            num(s.kept),
            num(s.dropped_total()),
            num(s.errors_total()),
            bytes(s.bytes_kept)
        );
        for e in &encodings {
            let _ = write!(h, "<td>{}</td>", s.tokens_kept.get(e).map_or("–".into(), |n| num(*n)));
        }
        let _ = write!(h, "<td>{:.1}</td></tr>", s.seconds);
    }
    h.push_str("</table></section>");
}

fn reasons(h: &mut String, r: &Report) {
    section(
        h,
        "reasons",
        "Removal reasons",
        "Documents removed per stage and reason, then lines removed from documents.",
    );
    let mut docs: Vec<(String, u64)> = Vec::new();
    let mut lines: Vec<(String, u64)> = Vec::new();
    let mut flagged: Vec<(String, u64)> = Vec::new();
    for s in &r.stages {
        docs.extend(s.dropped.iter().map(|(k, v)| (format!("{}.{k}", s.name), *v)));
        docs.extend(s.errors.iter().map(|(k, v)| (format!("{} error: {k}", s.name), *v)));
        lines.extend(s.lines_removed.iter().map(|(k, v)| (format!("{}.{k}", s.name), *v)));
        flagged.extend(s.flagged.iter().map(|(k, v)| (format!("{}.{k}", s.name), *v)));
    }
    for (title, mut list, unit) in [
        ("Documents removed", docs, "docs"),
        ("Flagged (annotate mode, kept)", flagged, "docs"),
        ("Lines removed", lines, "lines"),
    ] {
        if list.is_empty() {
            continue;
        }
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let max = list.first().map_or(1, |x| x.1).max(1) as f64;
        let rows: Vec<(String, f64, String)> = list
            .iter()
            .map(|(k, v)| (k.clone(), *v as f64 / max, format!("{} {unit}", num(*v))))
            .collect();
        let _ = write!(h, "<h3>{title}</h3>");
        bar_chart(h, &rows, "reasons");
    }
    h.push_str("</section>");
}

fn languages(h: &mut String, r: &Report) {
    section(
        h,
        "languages",
        "Languages",
        "Documents per language (<code>metadata.language</code>; <i>none</i>: removed before language ID or without it). Bar: all documents; dark part: kept.",
    );
    let mut list: Vec<_> = r.insights.languages.iter().collect();
    if list.is_empty() {
        h.push_str("<p>No documents.</p></section>");
        return;
    }
    list.sort_by(|a, b| b.1.docs.cmp(&a.1.docs).then(a.0.cmp(b.0)));
    let shown = list.len().min(30);
    let max = list[0].1.docs.max(1) as f64;
    let (row_h, label_w, width) = (20.0, 90.0, 760.0);
    let height = row_h * shown as f64 + 10.0;
    let _ = write!(
        h,
        "<svg class=\"chart\" data-chart=\"languages\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\">"
    );
    for (i, (lang, c)) in list.iter().take(shown).enumerate() {
        let y = i as f64 * row_h + 4.0;
        let w_all = (width - label_w - 200.0) * c.docs as f64 / max;
        let w_kept = (width - label_w - 200.0) * c.kept as f64 / max;
        let _ = write!(
            h,
            "<text x=\"{:.0}\" y=\"{:.1}\" class=\"lbl\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" class=\"bar-light\"/><rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" class=\"bar\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"val\">{} docs, {} kept</text>",
            label_w - 6.0,
            y + row_h * 0.65,
            esc(lang),
            w_all.max(1.0),
            row_h - 6.0,
            w_kept,
            row_h - 6.0,
            label_w + w_all.max(1.0) + 6.0,
            y + row_h * 0.65,
            num(c.docs),
            num(c.kept)
        );
    }
    h.push_str("</svg>");
    h.push_str(
        "<table><tr><th>language</th><th>documents</th><th>kept</th><th>bytes kept</th><th>tokens kept</th></tr>",
    );
    for (lang, c) in &list {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(lang),
            num(c.docs),
            num(c.kept),
            bytes(c.bytes_kept),
            num(c.tokens_kept)
        );
    }
    h.push_str("</table></section>");
}

fn signals(h: &mut String, r: &Report) {
    section(
        h,
        "signals",
        "Signals",
        "Distribution of each signal over the documents the stage evaluated; red lines are the configured thresholds (the shaded side is removed). Under FineWeb-2's per-language settings, other languages have their own thresholds.",
    );
    let mut any = false;
    for s in &r.stages {
        if s.histograms.is_empty() {
            continue;
        }
        any = true;
        let _ = write!(h, "<h3>{}</h3><div class=\"grid\">", esc(&s.name));
        for (name, hist) in &s.histograms {
            histogram(h, s, name, hist);
        }
        h.push_str("</div>");
    }
    if !any {
        h.push_str(
            "<p>No signals recorded (no quality or language stage, or <code>report.signals = false</code>).</p>",
        );
    }
    h.push_str("</section>");
}

fn histogram(h: &mut String, stage: &StageStats, name: &str, hist: &Histogram) {
    let (w, ht, pad_l, pad_b, pad_t) = (340.0, 150.0, 8.0, 22.0, 8.0);
    let plot_w = w - 2.0 * pad_l;
    let plot_h = ht - pad_b - pad_t;
    let max = hist.bins.iter().copied().max().unwrap_or(0).max(1) as f64;
    let n = hist.bins.len().max(1) as f64;
    let _ = write!(
        h,
        "<figure><figcaption>{} <small>{} docs{}</small></figcaption><svg class=\"chart\" data-chart=\"hist-{}-{}\" viewBox=\"0 0 {w} {ht}\" width=\"{w}\" height=\"{ht}\" role=\"img\">",
        esc(name),
        num(hist.total()),
        if hist.below + hist.above > 0 {
            format!(", {} outside the axis", num(hist.below + hist.above))
        } else {
            String::new()
        },
        esc(&stage.name),
        esc(name)
    );
    let x_of = |v: f64| -> f64 {
        let f = if hist.log {
            (v.max(hist.lo).ln() - hist.lo.ln()) / (hist.hi.ln() - hist.lo.ln())
        } else {
            (v - hist.lo) / (hist.hi - hist.lo)
        };
        pad_l + plot_w * f.clamp(0.0, 1.0)
    };
    // Removed side shaded first, bars over it.
    if let Some(m) = hist.min {
        let x = x_of(m);
        let _ = write!(
            h,
            "<rect x=\"{pad_l}\" y=\"{pad_t}\" width=\"{:.1}\" height=\"{plot_h}\" class=\"cut\"/>",
            x - pad_l
        );
    }
    if let Some(m) = hist.max {
        let x = x_of(m);
        let _ = write!(
            h,
            "<rect x=\"{x:.1}\" y=\"{pad_t}\" width=\"{:.1}\" height=\"{plot_h}\" class=\"cut\"/>",
            pad_l + plot_w - x
        );
    }
    let bw = plot_w / n;
    for (i, c) in hist.bins.iter().enumerate() {
        if *c == 0 {
            continue;
        }
        let bh = plot_h * (*c as f64 / max);
        let _ = write!(
            h,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" class=\"bar\"><title>{} – {}: {}</title></rect>",
            pad_l + bw * i as f64,
            pad_t + plot_h - bh,
            (bw - 0.5).max(0.5),
            fmt_value(hist.edge(i)),
            fmt_value(hist.edge(i + 1)),
            num(*c)
        );
    }
    for (t, label) in [(hist.min, "min"), (hist.max, "max")] {
        if let Some(t) = t {
            let x = x_of(t);
            let _ = write!(
                h,
                "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{pad_t}\" y2=\"{:.1}\" class=\"thr\"><title>{label} threshold {}</title></line>",
                pad_t + plot_h,
                fmt_value(t)
            );
        }
    }
    let y_axis = pad_t + plot_h;
    let _ = write!(
        h,
        "<line x1=\"{pad_l}\" x2=\"{:.1}\" y1=\"{y_axis}\" y2=\"{y_axis}\" class=\"axis\"/><text x=\"{pad_l}\" y=\"{:.1}\" class=\"tick\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"end\">{}{}</text></svg>",
        pad_l + plot_w,
        ht - 6.0,
        fmt_value(hist.lo),
        pad_l + plot_w,
        ht - 6.0,
        fmt_value(hist.hi),
        if hist.log { " (log)" } else { "" }
    );
    let thresholds: Vec<String> = [(hist.min, "keep ≥"), (hist.max, "keep ≤")]
        .iter()
        .filter_map(|(t, l)| t.map(|t| format!("{l} {}", fmt_value(t))))
        .collect();
    if !thresholds.is_empty() {
        let _ = write!(h, "<small class=\"thr-label\">{}</small>", thresholds.join(", "));
    }
    h.push_str("</figure>");
}

fn site_lines(h: &mut String, r: &Report) {
    let note = if r.insights.site_lines_pruned {
        "The lines removed most often, for the sites with the most removed lines. Rare lines were dropped from the count to bound memory: counts are lower bounds."
    } else {
        "The lines removed most often, for the sites with the most removed lines."
    };
    section(h, "sites", "Removed lines per site", note);
    let mut sites: Vec<(&String, u64)> = r
        .insights
        .site_lines
        .iter()
        .map(|(s, m)| (s, m.values().sum()))
        .collect();
    if sites.is_empty() {
        h.push_str("<p>No lines were removed.</p></section>");
        return;
    }
    sites.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (site, total) in sites.iter().take(15) {
        let mut lines: Vec<(&String, &u64)> = r.insights.site_lines[*site].iter().collect();
        lines.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let _ = write!(
            h,
            "<details><summary><b>{}</b> — {} lines removed</summary><table><tr><th>times</th><th class=\"line\">line</th></tr>",
            esc(site),
            num(*total)
        );
        for (line, n) in lines.iter().take(12) {
            let _ = write!(h, "<tr><td>{}</td><td class=\"line\">{}</td></tr>", num(**n), esc(line));
        }
        h.push_str("</table></details>");
    }
    h.push_str("</section>");
}

fn samples(h: &mut String, r: &Report) {
    section(
        h,
        "samples",
        "Samples",
        "The first documents (in input order) removed for each reason, and kept documents that lost lines for each line reason. Removed lines are struck through in red, with their reason.",
    );
    if r.insights.samples.is_empty() {
        h.push_str("<p>Nothing was removed.</p></section>");
        return;
    }
    for (reason, list) in &r.insights.samples {
        let _ = write!(
            h,
            "<details class=\"sample\"><summary><b>{}</b> — {} sample{}</summary>",
            esc(reason),
            list.len(),
            if list.len() == 1 { "" } else { "s" }
        );
        for s in list {
            sample(h, s);
        }
        h.push_str("</details>");
    }
    h.push_str("</section>");
}

fn sample(h: &mut String, s: &Sample) {
    let _ = write!(
        h,
        "<div class=\"doc\"><div class=\"meta\">{} · {}",
        esc(&s.id),
        esc(&s.source)
    );
    if let Some(u) = &s.url {
        let _ = write!(h, " · {}", esc(u));
    }
    h.push_str("</div>");
    for l in &s.lines {
        match &l.removed {
            Some(reason) => {
                let _ = write!(
                    h,
                    "<p class=\"rm\"><span class=\"why\">{}</span><s>{}</s></p>",
                    esc(reason),
                    esc(&l.text)
                );
            }
            None => {
                let _ = write!(h, "<p>{}</p>", esc(&l.text));
            }
        }
    }
    if s.truncated {
        h.push_str("<p class=\"note\">… (cut)</p>");
    }
    h.push_str("</div>");
}

fn errors(h: &mut String, r: &Report) {
    section(
        h,
        "errors",
        "Errors",
        "Documents that could not be processed (first ones; the counts cover all).",
    );
    if r.errors_sample.is_empty() {
        h.push_str("<p>None.</p></section>");
        return;
    }
    h.push_str("<table><tr><th>stage</th><th>kind</th><th>where</th><th>message</th></tr>");
    for e in &r.errors_sample {
        let offset = e.offset.map_or(String::new(), |o| format!(" @{o}"));
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}:{}{}</td><td>{}</td></tr>",
            esc(&e.stage),
            esc(&e.kind),
            esc(&e.file),
            e.record,
            offset,
            esc(&e.message)
        );
    }
    h.push_str("</table></section>");
}

/// Horizontal bars, one per row: (label, fraction of the full width, value text).
fn bar_chart(h: &mut String, rows: &[(String, f64, String)], id: &str) {
    let (row_h, label_w, width) = (22.0, 380.0, 1000.0);
    let height = row_h * rows.len() as f64 + 8.0;
    let bar_w = width - label_w - 170.0;
    let _ = write!(
        h,
        "<svg class=\"chart\" data-chart=\"{id}\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\">"
    );
    for (i, (label, f, value)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 4.0;
        let w = (bar_w * f.clamp(0.0, 1.0)).max(1.0);
        let _ = write!(
            h,
            "<text x=\"{:.0}\" y=\"{:.1}\" class=\"lbl\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\" class=\"bar\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"val\">{}</text>",
            label_w - 8.0,
            y + row_h * 0.65,
            esc(label),
            row_h - 6.0,
            label_w + w + 6.0,
            y + row_h * 0.65,
            esc(value)
        );
    }
    h.push_str("</svg>");
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// 1234567 → "1 234 567".
fn num(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "–".into();
    }
    format!("{:.1} %", 100.0 * part as f64 / whole as f64)
}

fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u + 1 < UNITS.len() {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

fn fmt_value(v: f64) -> String {
    if v.abs() >= 1000.0 {
        num(v.round() as u64)
    } else if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').to_string()
    }
}

const HEAD: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>tamis report</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:14px 28px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;opacity:.8}
nav{position:sticky;top:0;background:#fff;border-bottom:1px solid #dde1e7;padding:8px 28px;z-index:1}
nav a{margin-right:16px;color:#2b59c3;text-decoration:none}
main{padding:8px 28px 40px;max-width:1200px}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:12px 18px;margin:16px 0;overflow-x:auto}
h2{margin:4px 0 8px;font-size:18px}h3{font-size:15px;margin:14px 0 6px}
.note{color:#5b6475;margin:0 0 8px}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #dde1e7;border-radius:6px;padding:8px 14px;min-width:130px}
.card b{display:block;font-size:18px}.card span{color:#5b6475}
table{border-collapse:collapse;margin:8px 0}td,th{border-bottom:1px solid #e6e9ee;padding:3px 10px;text-align:right;vertical-align:top}
td:first-child,th:first-child{text-align:left}td.line,th.line{text-align:left;font-family:ui-monospace,monospace;font-size:12px;max-width:760px;word-break:break-word}
svg .bar{fill:#3b6fd8}svg .bar-light{fill:#c9d6f3}svg .cut{fill:#fbe3e3}svg .thr{stroke:#d33;stroke-width:2}
svg .axis{stroke:#99a}svg text{font-size:12px;fill:#1d2330}svg .tick{font-size:10px;fill:#5b6475}svg .val{fill:#5b6475}
.grid{display:flex;flex-wrap:wrap;gap:10px}figure{margin:0;border:1px solid #e6e9ee;border-radius:4px;padding:6px}
figcaption{font-weight:600;font-size:13px}figcaption small,.thr-label{font-weight:400;color:#5b6475;display:block}
details{margin:4px 0}summary{cursor:pointer}
.doc{border-left:3px solid #c9d6f3;margin:8px 0 12px;padding:2px 10px;font-size:13px}.doc p{margin:2px 0;white-space:pre-wrap;word-break:break-word}
.doc .meta{color:#5b6475;font-size:12px;margin-bottom:4px}
.doc p.rm{color:#a21}.doc p.rm s{text-decoration-color:#d33}.why{display:inline-block;background:#fbe3e3;color:#a21;border-radius:3px;padding:0 5px;margin-right:6px;font-size:11px}
</style></head><body>
"#;

/// Marks the page for tests and tools: `data-charts` (SVG charts with a non-empty box),
/// `data-errors` (script errors seen), `data-ready-ms` (time to load). Nothing else runs.
const SCRIPT: &str = r#"<script>
(function(){var errs=[];window.addEventListener('error',function(e){errs.push(String(e.message));document.body.dataset.errors=errs.join(' | ');});
window.addEventListener('load',function(){var n=0,bad=0;document.querySelectorAll('svg.chart').forEach(function(s){var b=s.getBoundingClientRect();if(b.width>0&&b.height>0&&s.childElementCount>0){n++;}else{bad++;}});
var d=document.body.dataset;d.charts=n;d.emptyCharts=bad;d.errors=errs.join(' | ');d.readyMs=Math.round(performance.now());d.render=bad===0&&errs.length===0?'ok':'failed';});})();
</script>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_escaping() {
        assert_eq!(num(1234567), "1\u{202f}234\u{202f}567");
        assert_eq!(num(12), "12");
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(bytes(1_500_000), "1.5 MB");
        assert_eq!(fmt_value(0.12), "0.12");
        assert_eq!(fmt_value(50.0), "50");
    }
}
