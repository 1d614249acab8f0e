//! Streaming readers, one per input format; the format comes from the extension, else magic bytes.

pub mod gzip;
mod inflate;
pub mod jsonl;
pub mod parquet;
pub mod text;
pub mod warc;

use crate::document::Document;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Input formats; `Auto` detects per file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    #[default]
    Auto,
    Txt,
    Html,
    Jsonl,
    Warc,
    Parquet,
}

impl std::str::FromStr for InputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(InputFormat::Auto),
            "txt" | "text" => Ok(InputFormat::Txt),
            "html" => Ok(InputFormat::Html),
            "jsonl" => Ok(InputFormat::Jsonl),
            "warc" | "wet" => Ok(InputFormat::Warc),
            "parquet" => Ok(InputFormat::Parquet),
            _ => Err(format!(
                "unknown input format {s:?} (auto, txt, html, jsonl, warc, parquet)"
            )),
        }
    }
}

/// Reader settings from the `[input]` config table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InputConfig {
    /// Format of every input; `auto` detects from extension and magic bytes.
    pub format: InputFormat,
    /// JSONL/Parquet field holding the text.
    pub text_field: String,
    /// Records larger than this are errors (`record_too_large`) instead of filling memory.
    pub max_record_bytes: u64,
}

impl Default for InputConfig {
    fn default() -> Self {
        InputConfig {
            format: InputFormat::Auto,
            text_field: "text".into(),
            max_record_bytes: 64 << 20,
        }
    }
}

/// One input file and its resolved format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    pub path: PathBuf,
    pub format: InputFormat,
    pub size: u64,
}

impl InputFile {
    /// The path as written in sources and ids.
    pub fn display(&self) -> String {
        self.path.to_string_lossy().into_owned()
    }
}

/// Format from the file name, if it is a known extension.
pub fn format_from_name(path: &Path) -> Option<InputFormat> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let base = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".zst"))
        .or_else(|| name.strip_suffix(".zstd"))
        .or_else(|| name.strip_suffix(".lz4"))
        .unwrap_or(&name);
    let ext = base.rsplit_once('.').map(|(_, e)| e)?;
    Some(match ext {
        "txt" => InputFormat::Txt,
        "html" | "htm" => InputFormat::Html,
        "jsonl" | "ndjson" | "json" => InputFormat::Jsonl,
        "warc" | "wet" | "wat" | "arc" => InputFormat::Warc,
        "parquet" => InputFormat::Parquet,
        _ => return None,
    })
}

/// Format from the first bytes (decompressing gzip/zstd first).
pub fn sniff_format(path: &Path) -> Result<InputFormat> {
    let mut head = Vec::with_capacity(512);
    open_decompressed(path, None)?
        .take(512)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(path, e))?;
    let mut raw = [0u8; 4];
    let raw_len = File::open(path)
        .and_then(|mut f| f.read(&mut raw))
        .map_err(|e| Error::io(path, e))?;
    if raw_len == 4 && &raw == b"PAR1" {
        return Ok(InputFormat::Parquet);
    }
    let trimmed = head.trim_ascii_start();
    Ok(
        if trimmed.starts_with(b"WARC/") || trimmed.starts_with(b"filedesc://") {
            InputFormat::Warc
        } else if trimmed.starts_with(b"{") {
            InputFormat::Jsonl
        } else if trimmed.len() >= 5
            && (trimmed[..5].eq_ignore_ascii_case(b"<!doc") || trimmed[..5].eq_ignore_ascii_case(b"<html"))
        {
            InputFormat::Html
        } else {
            InputFormat::Txt
        },
    )
}

/// Expand the command-line inputs: files as given, directories walked (sorted; hidden entries and
/// files of no recognisable type skipped). Returns the files and the skipped paths.
pub fn collect_inputs(paths: &[PathBuf], format: InputFormat) -> Result<(Vec<InputFile>, Vec<PathBuf>)> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            walk(path, format, &mut files, &mut skipped)?;
        } else {
            let format = match format {
                InputFormat::Auto => match format_from_name(path) {
                    Some(f) => f,
                    None => sniff_format(path)?,
                },
                f => f,
            };
            files.push(InputFile {
                path: path.clone(),
                format,
                size: meta.len(),
            });
        }
    }
    if files.is_empty() {
        return Err(Error::Fatal(format!(
            "no input files found in {} (known types: .txt .html .jsonl[.gz|.zst] .warc[.gz] .wet[.gz] .parquet)",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok((files, skipped))
}

fn walk(dir: &Path, format: InputFormat, files: &mut Vec<InputFile>, skipped: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()
        .map_err(|e| Error::io(dir, e))?;
    entries.sort();
    for path in entries {
        if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
            continue;
        }
        let meta = std::fs::metadata(&path).map_err(|e| Error::io(&path, e))?;
        if meta.is_dir() {
            walk(&path, format, files, skipped)?;
            continue;
        }
        // Unknown extensions in a walked directory: take them only if their bytes say WARC, JSONL
        // or Parquet (`x.warc.gz.bad`), never as text (LICENSE, README, scripts).
        let found = format_from_name(&path).or_else(|| match sniff_format(&path) {
            Ok(f @ (InputFormat::Warc | InputFormat::Jsonl | InputFormat::Parquet)) => Some(f),
            _ => None,
        });
        match (format, found) {
            (InputFormat::Auto, Some(f)) => files.push(InputFile {
                path,
                format: f,
                size: meta.len(),
            }),
            (InputFormat::Auto, None) => skipped.push(path),
            (f, Some(g)) if f == g => files.push(InputFile {
                path,
                format: f,
                size: meta.len(),
            }),
            _ => skipped.push(path),
        }
    }
    Ok(())
}

/// Every error kind a reader gives a record (the report counts errors by these names).
pub const ERROR_KINDS: &[&str] = &[
    "bad_json",
    "bad_warc_header",
    "corrupt_input",
    "missing_text",
    "record_too_large",
    "truncated_record",
    "unsupported_column",
];

/// Counts compressed bytes read, for progress and throughput figures.
pub struct Counting<R> {
    inner: R,
    counter: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

fn open_counted(path: &Path, counter: Option<Arc<AtomicU64>>) -> Result<Counting<File>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    Ok(Counting {
        inner: file,
        counter: counter.unwrap_or_default(),
    })
}

const LZ4_MAGIC: [u8; 4] = [0x04, 0x22, 0x4d, 0x18];

/// Open a file, transparently decompressing gzip, zstd or LZ4 frames (by magic bytes).
pub fn open_decompressed(path: &Path, counter: Option<Arc<AtomicU64>>) -> Result<Box<dyn BufRead + Send>> {
    let mut magic = [0u8; 4];
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut magic))
        .map_err(|e| Error::io(path, e))?;
    let file = open_counted(path, counter)?;
    Ok(if n >= 2 && magic[..2] == [0x1f, 0x8b] {
        Box::new(BufReader::with_capacity(
            256 << 10,
            flate2::read::MultiGzDecoder::new(BufReader::with_capacity(256 << 10, file)),
        ))
    } else if n == 4 && magic == [0x28, 0xb5, 0x2f, 0xfd] {
        let dec = zstd::stream::read::Decoder::new(file).map_err(|e| Error::io(path, e))?;
        Box::new(BufReader::with_capacity(256 << 10, dec))
    } else if n == 4 && magic == LZ4_MAGIC {
        Box::new(BufReader::with_capacity(
            256 << 10,
            lz4_flex::frame::FrameDecoder::new(file),
        ))
    } else {
        Box::new(BufReader::with_capacity(256 << 10, file))
    })
}

/// A document stream over one input file.
pub type DocIter = Box<dyn Iterator<Item = Result<Document>> + Send>;

/// Open one input as a stream of documents (or per-record errors). `counter` receives compressed bytes read.
pub fn open(input: &InputFile, config: &InputConfig, counter: Option<Arc<AtomicU64>>) -> Result<DocIter> {
    let path = &input.path;
    let name = input.display();
    match input.format {
        InputFormat::Auto => Err(Error::Fatal(format!("{name}: input format not resolved"))),
        InputFormat::Jsonl => {
            let r = open_decompressed(path, counter)?;
            Ok(Box::new(jsonl::JsonlReader::new(
                r,
                name,
                config.text_field.clone(),
                config.max_record_bytes,
            )))
        }
        InputFormat::Warc => Ok(Box::new(open_warc(path, counter, config)?)),
        InputFormat::Parquet => Ok(Box::new(parquet::ParquetReader::open(
            path,
            name,
            config.text_field.clone(),
        )?)),
        InputFormat::Txt | InputFormat::Html => {
            let mut bytes = Vec::new();
            open_counted(path, counter)?
                .take(config.max_record_bytes.saturating_add(1))
                .read_to_end(&mut bytes)
                .map_err(|e| Error::io(path, e))?;
            let html = input.format == InputFormat::Html;
            Ok(Box::new(std::iter::once(text::whole_file_document(
                &name,
                bytes,
                html,
                config.max_record_bytes,
            ))))
        }
    }
}

/// Open a WARC/WET file: gzip (member-aware), LZ4 frames (offsets are then decompressed positions),
/// or plain, by magic bytes.
pub fn open_warc(
    path: &Path,
    counter: Option<Arc<AtomicU64>>,
    config: &InputConfig,
) -> Result<warc::WarcReader<Box<dyn Read + Send>>> {
    let mut magic = [0u8; 4];
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut magic))
        .map_err(|e| Error::io(path, e))?;
    let file = open_counted(path, counter)?;
    // A `.gz` name counts too: a damaged first member must not turn the file into "plain" garbage.
    let gz_name = path.to_string_lossy().to_ascii_lowercase().ends_with(".gz");
    let stream = if n >= 2 && magic[..2] == [0x1f, 0x8b] || gz_name {
        warc::WarcStream::Gzip(Box::new(gzip::GzMembers::new(Box::new(file) as Box<dyn Read + Send>)))
    } else {
        let inner: Box<dyn Read + Send> = if n == 4 && magic == LZ4_MAGIC {
            Box::new(lz4_flex::frame::FrameDecoder::new(file))
        } else {
            Box::new(file)
        };
        warc::WarcStream::Plain {
            inner: BufReader::with_capacity(256 << 10, inner),
            pos: 0,
        }
    };
    let opts = warc::WarcOptions {
        max_record_bytes: config.max_record_bytes,
    };
    Ok(warc::WarcReader::new(stream, path.to_string_lossy().into_owned(), opts))
}
