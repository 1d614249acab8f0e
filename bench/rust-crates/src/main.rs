//! `rust-crates-bench TOOL DIR OUT`: runs one Rust extraction crate on every `*.html` file of DIR
//! (sorted) and writes one JSON line per page to OUT (not stdout: a crate may print there): `{"file", "text" (null on error or panic), "secs"}` (decoding
//! and extraction, wall time of the call on one thread). Pages are decoded by tamis's decoder (BOM,
//! HTTP/meta charset, chardetng) so every tool gets the same text.
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

fn run(tool: &str, html: &str) -> Option<String> {
    match tool {
        "dom_smoothie" => {
            let cfg = dom_smoothie::Config {
                text_mode: dom_smoothie::TextMode::Formatted,
                ..Default::default()
            };
            let mut r = dom_smoothie::Readability::new(html, None, Some(cfg)).ok()?;
            r.parse().ok().map(|a| a.text_content.to_string())
        }
        "trafilatura" => trafilatura::extract(html, &trafilatura::Options::default())
            .ok()
            .map(|r| r.content_text),
        "rs-trafilatura" => rs_trafilatura::extract(html).ok().map(|r| r.content_text),
        other => panic!("unknown tool {other}"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (tool, dir) = (&args[1], &args[2]);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&args[3]).expect("OUT"));
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("DIR")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    files.sort();
    // Warm-up (lazy statics), untimed.
    let _ = run(tool, "<html><body><p>warm-up text for the extractor</p></body></html>");
    for f in files {
        let bytes = std::fs::read(&f).expect("read");
        let t0 = Instant::now();
        let text = tamis::html::decode::decode(&bytes, None, None).text;
        let text_out = catch_unwind(AssertUnwindSafe(|| run(tool, &text))).ok().flatten();
        let secs = t0.elapsed().as_secs_f64();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        writeln!(
            out,
            "{}",
            serde_json::json!({"file": name, "text": text_out, "secs": secs})
        )
        .expect("write");
    }
}
