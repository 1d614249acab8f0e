//! Corpus builders shared by the tests: every input here is generated, nothing is downloaded.

use std::io::Write;
use std::path::Path;
use tamis::{PipelineConfig, Report, RunOptions, StageConfig, StageEntry};

/// A paragraph of `n` distinct words built from a seed (deterministic).
pub fn words(seed: u64, n: usize) -> String {
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let len = 2 + (x % 9) as usize;
        let word: String = (0..len).map(|i| (b'a' + ((x >> (i * 5)) % 26) as u8) as char).collect();
        out.push(word);
    }
    out.join(" ")
}

/// JSONL corpus: unique docs, exact duplicates (case/space variants), short docs and bad lines.
pub fn write_jsonl_corpus(path: &Path, docs: u64) -> (u64, u64) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut bad = 0;
    for i in 0..docs {
        let line = if i % 97 == 13 {
            bad += 1;
            "{\"id\": \"broken\", \"text\": ".to_string()
        } else if i % 10 == 3 {
            // duplicate of an earlier document, differently spaced and cased
            let text = words(i - 3, 60).to_uppercase().replace(' ', "  ");
            serde_json::json!({"id": format!("d{i}"), "text": text}).to_string()
        } else if i % 10 == 7 {
            serde_json::json!({"id": format!("d{i}"), "text": "too short"}).to_string()
        } else {
            serde_json::json!({"id": format!("d{i}"), "text": words(i, 60), "url": format!("https://example.org/{i}"), "metadata": {"n": i}}).to_string()
        };
        writeln!(f, "{line}").unwrap();
    }
    (docs, bad)
}

/// One WARC record (headers + block + CRLFCRLF).
pub fn warc_record(kind: &str, id: &str, uri: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{id}>\r\nWARC-Date: 2026-01-01T00:00:00Z\r\nWARC-Target-URI: {uri}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

/// A WARC `response` record of an HTTP 200 response with this body.
pub fn response_record(id: &str, uri: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let block = http_block(200, content_type, body);
    warc_record("response", id, uri, "application/http; msgtype=response", &block)
}

/// An HTTP response block.
pub fn http_block(status: u16, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut b = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    b.extend_from_slice(body);
    b
}

pub fn gzip_member(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

pub fn run_into(config: &PipelineConfig, input: &Path, out: &Path, threads: usize) -> tamis::Result<Report> {
    tamis::run(
        config,
        &RunOptions {
            inputs: vec![input.to_path_buf()],
            output: out.to_path_buf(),
            threads,
            ..Default::default()
        },
    )
}

/// A run that stops as a killed process would, after `checkpoints` checkpoints (2 threads).
pub fn run_abandoned(config: &PipelineConfig, input: &Path, out: &Path, checkpoints: u64) -> tamis::Result<Report> {
    tamis::run(
        config,
        &RunOptions {
            inputs: vec![input.to_path_buf()],
            output: out.to_path_buf(),
            threads: 2,
            abandon_after_checkpoints: Some(checkpoints),
            ..Default::default()
        },
    )
}

/// Every file under kept/ and removed/ with its bytes, sorted by path.
pub fn output_files(out: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for dir in ["kept", "removed"] {
        let mut entries: Vec<_> = std::fs::read_dir(out.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            files.push((
                format!("{dir}/{}", p.file_name().unwrap().to_string_lossy()),
                std::fs::read(&p).unwrap(),
            ));
        }
    }
    files
}

/// Read every document of the given output subdirectory back with tamis's own readers.
pub fn read_back(dir: &Path) -> Vec<tamis::Document> {
    let (files, _) = tamis::readers::collect_inputs(&[dir.to_path_buf()], tamis::readers::InputFormat::Auto).unwrap();
    let mut docs = Vec::new();
    for f in files {
        for d in tamis::readers::open(&f, &Default::default(), None) {
            docs.push(d.unwrap());
        }
    }
    docs
}

/// The foundation's pipeline (payload → length → exact dedup): runner, reader and writer tests use it
/// so that their corpora of synthetic words are not judged by the language and quality stages.
pub fn basic_pipeline() -> PipelineConfig {
    use tamis::dedup::ExactDedupConfig;
    use tamis::filters::{LengthConfig, PayloadConfig};
    PipelineConfig {
        stages: vec![
            StageEntry::new(StageConfig::Payload(PayloadConfig::default())),
            StageEntry::new(StageConfig::Length(LengthConfig::default())),
            StageEntry::new(StageConfig::ExactDedup(ExactDedupConfig::default())),
        ],
        ..PipelineConfig::default()
    }
}
