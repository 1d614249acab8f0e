//! The HTML path (`tamis::html`): adversarial nesting, big and broken pages, and a smoke run over
//! the gold sets in `../shared/data` when present.

use std::time::{Duration, Instant};
use tamis::html::tree::{parse, ParseLimits, MAX_DEPTH};
use tamis::html::{extract, ExtractConfig};

/// Parse and extract `html`; both must finish well inside `limit`.
fn timed(html: &str, limit: Duration) -> String {
    let t = Instant::now();
    let dom = parse(html, ParseLimits::default());
    assert!(dom.nodes.len() > 1);
    let text = extract(html.as_bytes(), None, None, &ExtractConfig::default())
        .unwrap()
        .text;
    let took = t.elapsed();
    assert!(took < limit, "took {took:?}");
    text
}

/// Depth of the deepest node, computed iteratively from parent links.
fn max_depth(html: &str) -> usize {
    let dom = parse(html, ParseLimits::default());
    let mut depth = vec![0usize; dom.nodes.len()];
    for i in 1..dom.nodes.len() {
        depth[i] = depth[dom.nodes[i].parent as usize] + 1;
    }
    depth.into_iter().max().unwrap_or(0)
}

#[test]
fn ten_thousand_deep_nesting_parses_fast_without_overflow() {
    let n = 10_000;
    // Release builds take under 15 ms per case (`html_bench deep`); unoptimised test builds ~40× more.
    let limit = Duration::from_millis(if cfg!(debug_assertions) { 3_000 } else { 50 });
    for (open, close) in [
        ("<div>", "</div>"),
        ("<ul><li>", "</li></ul>"),
        ("<b>", "</b>"),
        ("<table><tr><td>", "</td></tr></table>"),
        ("<svg><g>", "</g></svg>"),
        ("<span><div>", "</div></span>"),
        ("<a>", "</a>"),
        ("<p><i>", "</i></p>"),
        ("<x-custom>", "</x-custom>"),
    ] {
        let html = format!("<body>{}deep text{}</body>", open.repeat(n), close.repeat(n));
        let text = timed(&html, limit);
        eprintln!("{open}: ok");
        assert!(max_depth(&html) <= MAX_DEPTH + 1, "{open}");
        if open != "<svg><g>" {
            assert!(text.contains("deep text"), "{open}: {text:?}");
        }
        // Unclosed: the same without end tags.
        timed(&format!("<body>{}x", open.repeat(n)), limit);
    }
}

#[test]
fn deeper_start_tags_become_siblings() {
    let html = format!("{}<p>a</p><p>b</p>", "<div>".repeat(600));
    let dom = parse(&html, ParseLimits::default());
    let ps: Vec<u32> = (0..dom.nodes.len() as u32)
        .filter(|&i| dom.tag(i) == tamis::html::tags::P)
        .collect();
    assert_eq!(ps.len(), 2);
    assert_eq!(dom.nodes[ps[0] as usize].parent, dom.nodes[ps[1] as usize].parent);
}

#[test]
fn multi_megabyte_pages_and_the_size_cap() {
    let para = "<p>Some words in a paragraph of a long page.</p>\n".repeat(100_000);
    let html = format!("<html><body>{para}</body></html>");
    assert!(html.len() > 4_000_000);
    let t = Instant::now();
    let e = extract(html.as_bytes(), None, None, &ExtractConfig::default()).unwrap();
    assert!(t.elapsed() < Duration::from_secs(if cfg!(debug_assertions) { 30 } else { 2 }));
    assert_eq!(e.text.matches("Some words").count(), 100_000);
    let small = ExtractConfig {
        max_bytes: 1_000_000,
        ..ExtractConfig::default()
    };
    assert_eq!(
        extract(html.as_bytes(), None, None, &small).unwrap_err().reason(),
        "too_large"
    );
}

/// The work budget is counted, not timed: a page right at it is kept and one unit less removes it,
/// every time, while other threads load every core (a wall-clock budget flipped on such a page).
#[test]
fn the_work_budget_gives_the_same_verdict_under_load() {
    let html = format!(
        "<html><body><nav>{}</nav><article>{}</article></body></html>",
        "<a href=\"/x\">menu</a> ".repeat(2_000),
        "<p>Some words in a paragraph of a long page.</p>\n".repeat(20_000)
    );
    let work = extract(html.as_bytes(), None, None, &ExtractConfig::default())
        .unwrap()
        .work;
    assert!(work > html.len() as u64, "{work}");
    let at = |max_work| ExtractConfig {
        max_work,
        ..ExtractConfig::default()
    };
    let stop = std::sync::atomic::AtomicBool::new(false);
    let verdicts: Vec<(bool, bool)> = std::thread::scope(|scope| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        for _ in 0..2 * cores {
            scope.spawn(|| {
                let mut x = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
                }
            });
        }
        let runs: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    (0..3)
                        .map(|_| {
                            let kept = extract(html.as_bytes(), None, None, &at(work)).map(|e| e.work);
                            let cut = extract(html.as_bytes(), None, None, &at(work - 1));
                            (kept == Ok(work), cut.is_err_and(|e| e.reason() == "over_budget"))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        // Stop the load before a failed run's panic is passed on, or the scope would wait forever.
        let out: Vec<_> = runs.into_iter().map(|r| r.join()).collect();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        out.into_iter().flat_map(|r| r.unwrap()).collect()
    });
    assert_eq!(verdicts, vec![(true, true); 12]);
}

#[test]
fn node_budget_marks_the_page_truncated() {
    let html = "<p>x</p>".repeat(10_000);
    let config = ExtractConfig {
        max_nodes: 1_000,
        ..ExtractConfig::default()
    };
    let e = extract(html.as_bytes(), None, None, &config).unwrap();
    assert!(e.truncated);
}

#[test]
fn broken_markup_never_panics() {
    let cases = [
        "<",
        "<!",
        "<!-",
        "<!--",
        "</",
        "<a",
        "<a b",
        "<a b=",
        "<a b='",
        "<a b=\"c",
        "&",
        "&#",
        "&#x",
        "&#xFFFFFFFFFF;",
        "<script>",
        "<script><!--",
        "<style>",
        "<title>",
        "<textarea>",
        "<plaintext>",
        "<svg><![CDATA[",
        "<math><mi>",
        "</html></body><body><html>",
        "<table><td><table><td>",
        "<select><option><optgroup>",
        "<p><li><dd><dt><h1><h2>",
        "\u{feff}<p>x",
        "<meta charset=utf-16><p>x",
        "<html\0><bo\0dy>\0",
    ];
    for c in cases {
        let _ = extract(
            c.as_bytes(),
            Some("text/html; charset=bogus"),
            Some("http://x"),
            &ExtractConfig::default(),
        );
        let _ = extract(&c.as_bytes()[..c.len() / 2], None, None, &ExtractConfig::default());
    }
    // Invalid UTF-8 and binary noise.
    let noise: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let _ = extract(&noise, None, Some("http://example.jp/"), &ExtractConfig::default()).unwrap();
}

#[test]
fn metadata_and_encoding_are_reported() {
    let html = "<html lang=fr><head><meta charset=windows-1252><title>Caf\u{e9}</title></head><body><p>Th\u{e9} \u{e0} la menthe.</p></body></html>";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(html);
    let e = extract(&bytes, None, None, &ExtractConfig::default()).unwrap();
    assert_eq!(e.encoding, "windows-1252");
    assert_eq!(e.encoding_source, "meta");
    assert_eq!(e.meta.title.as_deref(), Some("Caf\u{e9}"));
    assert_eq!(e.meta.lang.as_deref(), Some("fr"));
    assert_eq!(e.text, "Th\u{e9} \u{e0} la menthe.");
}

fn gold_dir(rel: &str) -> Option<std::path::PathBuf> {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel);
    p.is_dir().then_some(p)
}

#[test]
fn aeb_pages_extract_to_nonempty_text() {
    let Some(dir) = gold_dir("scrapinghub-aeb/html") else {
        eprintln!("skipped: ../shared/data/scrapinghub-aeb not present");
        return;
    };
    let mut empty = 0;
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let mut bytes = Vec::new();
        let f = std::fs::File::open(&path).unwrap();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(f), &mut bytes).unwrap();
        let e = extract(&bytes, None, None, &ExtractConfig::default()).unwrap();
        n += 1;
        empty += usize::from(e.text.len() < 200);
    }
    assert_eq!(n, 181);
    assert!(empty <= 2, "{empty} of {n} pages gave under 200 bytes");
}

#[test]
fn warc_with_html_and_binary_payloads_runs_through_extract() {
    use crate::common::*;
    let dir = tempfile::tempdir().unwrap();
    let page = b"<html lang=en><head><title>Hello</title></head><body><nav>Home | About</nav>\
        <article><p>This is the article text of a real page.</p></article><footer>(c)</footer></body></html>";
    let mut warc = Vec::new();
    for (i, (ct, body)) in [
        ("text/html; charset=utf-8", &page[..]),
        ("image/png", b"\x89PNG\r\n\x1a\nbinary"),
        ("application/pdf", b"%PDF-1.4 ..."),
        ("text/html", b"<html><body><script>app()</script></body></html>"),
        ("text/plain", b"<!doctype html><p>Sniffed page text.</p>"),
    ]
    .into_iter()
    .enumerate()
    {
        let rec = response_record(&format!("<urn:uuid:{i}>"), &format!("http://example.org/{i}"), ct, body);
        warc.extend(gzip_member(&rec));
    }
    std::fs::write(dir.path().join("pages.warc.gz"), warc).unwrap();
    let config = extraction_pipeline();
    let out = tempfile::tempdir().unwrap();
    let report = run_into(&config, dir.path(), out.path(), 1).unwrap();
    assert!(report.documents.balanced());
    let extract = report.stages.iter().find(|s| s.name == "extract").unwrap();
    assert_eq!(extract.kept, 2, "{extract:?}");
    assert_eq!(extract.dropped.get("empty"), Some(&1), "{extract:?}");
    let kept = read_back(&out.path().join("kept"));
    let texts: Vec<&str> = kept.iter().filter_map(|d| d.text()).collect();
    assert!(texts.contains(&"This is the article text of a real page."), "{texts:?}");
    assert!(texts.contains(&"Sniffed page text."), "{texts:?}");
    let d = kept
        .iter()
        .find(|d| d.text() == Some("This is the article text of a real page."))
        .unwrap();
    assert_eq!(d.metadata.get("title").and_then(|v| v.as_str()), Some("Hello"));
}

#[test]
fn real_warc_samples_run_through_extract() {
    let Some(dir) = gold_dir("warc-samples/dolma-wget-2024") else {
        eprintln!("skipped: ../shared/data/warc-samples not present");
        return;
    };
    let config = extraction_pipeline();
    let out = tempfile::tempdir().unwrap();
    let report = crate::common::run_into(&config, &dir, out.path(), 2).unwrap();
    assert!(report.documents.balanced());
    let extract = report.stages.iter().find(|s| s.name == "extract").unwrap();
    eprintln!("{extract:?}");
    assert!(extract.kept >= 20, "{extract:?}");
}

/// The site-line pass of `clean_lines` sees pages as extracted, so a site's disclaimer in WARC
/// pages is found and removed (before, raw pages gave it no text).
#[test]
fn site_frequent_lines_are_found_in_extracted_warc_pages() {
    use crate::common::*;
    use tamis::clean::CleanLinesConfig;
    use tamis::config::{StageConfig, StageEntry};
    let disclaimer =
        "Die Beispiel Rundschau GmbH haftet nicht für Inhalte verlinkter Seiten, Musterstraße 12, Musterstadt.";
    let dir = tempfile::tempdir().unwrap();
    let mut warc = Vec::new();
    for i in 0..4u64 {
        let paragraphs: String = (0..4).map(|p| format!("<p>{}.</p>", words(i * 10 + p, 25))).collect();
        let page = format!(
            "<html lang=de><head><title>Seite {i}</title></head><body><article><h1>{}</h1>{paragraphs}<p>{disclaimer}</p></article></body></html>",
            words(i + 100, 4)
        );
        let rec = response_record(
            &format!("<urn:uuid:{i}>"),
            &format!("https://rundschau.example/artikel/{i}"),
            "text/html; charset=utf-8",
            page.as_bytes(),
        );
        warc.extend(gzip_member(&rec));
    }
    std::fs::write(dir.path().join("site.warc.gz"), warc).unwrap();
    let mut config = extraction_pipeline();
    config
        .stages
        .push(StageEntry::new(StageConfig::CleanLines(CleanLinesConfig::default())));
    let out = tempfile::tempdir().unwrap();
    let report = run_into(&config, dir.path(), out.path(), 1).unwrap();
    let clean = report.stages.iter().find(|s| s.name == "clean_lines").unwrap();
    assert_eq!(clean.lines_removed.get("site_frequent"), Some(&4), "{clean:?}");
    for doc in read_back(&out.path().join("kept")) {
        assert!(!doc.text().unwrap().contains("haftet nicht"), "{}", doc.text().unwrap());
    }
}

/// WARC payload check, then extraction.
fn extraction_pipeline() -> tamis::PipelineConfig {
    use tamis::config::{StageConfig, StageEntry};
    tamis::PipelineConfig {
        stages: vec![
            StageEntry::new(StageConfig::Payload(Default::default())),
            StageEntry::new(StageConfig::Extract(ExtractConfig::default())),
        ],
        ..Default::default()
    }
}
