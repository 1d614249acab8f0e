//! Times the HTML path on a folder of pages (`.html` or `.html.gz`), one thread.
//!
//! ```text
//! cargo run --release -p tamis --example html_bench -- parse DIR      # decode + tokenize + tree
//! cargo run --release -p tamis --example html_bench -- extract DIR    # the whole extraction
//! cargo run --release -p tamis --example html_bench -- dump DIR       # JSONL {file, text, zone} on stdout
//! cargo run --release -p tamis --example html_bench -- deep [N]       # N-deep nesting cases, ms each
//! ```
//! Files are read and gunzipped before timing starts; the figures are wall time and on-CPU time
//! (`/proc/thread-self/schedstat`) of the timed part.

use std::io::Read;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("deep") {
        return deep(args.get(2).and_then(|n| n.parse().ok()).unwrap_or(10_000));
    }
    let (Some(mode), Some(dir)) = (args.get(1), args.get(2)) else {
        return Err("usage: html_bench {parse|extract} DIR".into());
    };
    let mut pages = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    paths.sort();
    for p in paths {
        let name = p.to_string_lossy().to_string();
        let mut bytes = std::fs::read(&p)?;
        if name.ends_with(".gz") {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut out)?;
            bytes = out;
        } else if !name.ends_with(".html") && !name.ends_with(".htm") {
            continue;
        }
        let file = p
            .file_name()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_default();
        pages.push((file, bytes));
    }
    if mode == "dump" {
        let config = tamis::html::ExtractConfig::default();
        for (file, page) in &pages {
            let (text, zone) = match tamis::html::extract(page, None, None, &config) {
                Ok(e) => (e.text, e.zone),
                Err(e) => (String::new(), e.reason()),
            };
            println!("{}", serde_json::json!({"file": file, "text": text, "zone": zone}));
        }
        return Ok(());
    }
    let total: usize = pages.iter().map(|(_, b)| b.len()).sum();
    let config = tamis::html::ExtractConfig::default();
    let mut checksum = 0usize;
    let cpu0 = cpu_ns();
    let t = Instant::now();
    for (_, page) in &pages {
        match mode.as_str() {
            "parse" => {
                let d = tamis::html::decode::decode(page, None, None);
                let dom = tamis::html::tree::parse(&d.text, Default::default());
                checksum += dom.nodes.len();
            }
            "extract" => {
                if let Ok(e) = tamis::html::extract(page, None, None, &config) {
                    checksum += e.text.len();
                }
            }
            _ => return Err("mode must be parse or extract".into()),
        }
    }
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu_ns().zip(cpu0).map(|(b, a)| (b - a) as f64 / 1e9);
    let n = pages.len().max(1) as f64;
    if let Some(cpu) = cpu {
        println!(
            "{mode}: on-CPU {:.3} ms/page ({:.0} pages/s per core)",
            cpu * 1e3 / n,
            n / cpu
        );
    }
    println!(
        "{mode}: {} pages, {:.1} MB, {:.3} ms/page, {:.0} pages/s, {:.1} MB/s (checksum {checksum})",
        pages.len(),
        total as f64 / 1e6,
        secs * 1e3 / n,
        n / secs,
        total as f64 / 1e6 / secs
    );
    Ok(())
}

/// Nanoseconds this thread spent on a CPU (Linux `/proc/thread-self/schedstat`), to report
/// per-core figures on a machine shared with other work.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Times extraction of N-deep nested pages, closed and unclosed.
fn deep(n: usize) -> Result<(), Box<dyn std::error::Error>> {
    let config = tamis::html::ExtractConfig::default();
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
        for closed in [true, false] {
            let html = format!(
                "<body>{}deep text{}</body>",
                open.repeat(n),
                if closed { close.repeat(n) } else { String::new() }
            );
            let t = Instant::now();
            let e = tamis::html::extract(html.as_bytes(), None, None, &config)?;
            println!(
                "{open:18} closed={closed:5} {:8.2} ms  text={:?}",
                t.elapsed().as_secs_f64() * 1e3,
                e.text.chars().take(20).collect::<String>()
            );
        }
    }
    Ok(())
}
