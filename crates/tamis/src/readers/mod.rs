//! Streaming readers, one per input format; the format comes from the extension, else magic bytes.

pub mod gzip;
mod inflate;
pub mod jsonl;
pub mod parquet;
pub mod text;
pub mod warc;

use crate::document::Document;
use crate::error::{Error, Location, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
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
    /// Stop the run at its first error beyond this many (a bad record, an unreadable file, a
    /// stage that failed on a document); unset: count every error and go on. `--strict` sets 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_errors: Option<u64>,
}

impl Default for InputConfig {
    fn default() -> Self {
        InputConfig {
            format: InputFormat::Auto,
            text_field: "text".into(),
            max_record_bytes: 64 << 20,
            max_errors: None,
        }
    }
}

/// One input file and its resolved format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    pub path: PathBuf,
    pub format: InputFormat,
    pub size: u64,
    /// Why the file cannot be read, when listing it already showed that (a dangling symlink, an
    /// unreadable directory): [`open`] then yields that one error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
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
///
/// A path that cannot be listed or read (a dangling or looping symlink, a directory without read
/// permission) is still returned, carrying its error, so the run counts it and goes on; only when
/// no input is readable at all is that an error here. A directory reached twice (a symlink to an
/// ancestor) is walked once, and a file reached twice is read once (the later path is skipped).
pub fn collect_inputs(paths: &[PathBuf], format: InputFormat) -> Result<(Vec<InputFile>, Vec<PathBuf>)> {
    let mut walk = Walk::new(format);
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk.dir(path),
            Ok(meta) => walk.file(path, meta.len(), true),
            Err(e) => walk.unreadable(path, e),
        }
    }
    let Walk { files, skipped, .. } = walk;
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
    if let Some(bad) = files.first().filter(|_| files.iter().all(|f| f.error.is_some())) {
        // Nothing to run on: most likely a mistyped path, better said now than as a run of errors.
        return Err(Error::Fatal(format!(
            "{}: {}",
            bad.display(),
            bad.error.as_deref().unwrap_or_default()
        )));
    }
    Ok((files, skipped))
}

/// One file as [`collect_inputs`] takes a file named on the command line: its format from
/// `format`, else its name, else its bytes; a file that cannot be read carries its error.
pub fn input_file(path: &Path, format: InputFormat) -> InputFile {
    let mut walk = Walk::new(format);
    match std::fs::metadata(path) {
        Ok(meta) => walk.file(path, meta.len(), true),
        Err(e) => walk.unreadable(path, e),
    }
    // `file` takes any file given by name (`explicit`), so this is the only way out of it.
    walk.files.pop().unwrap_or_else(|| InputFile {
        path: path.to_path_buf(),
        format: InputFormat::Txt,
        size: 0,
        error: Some("not an input tamis reads".into()),
    })
}

/// The state of [`collect_inputs`]'s walk.
struct Walk {
    format: InputFormat,
    files: Vec<InputFile>,
    skipped: Vec<PathBuf>,
    /// Canonical paths of the directories and files taken so far.
    seen: HashSet<PathBuf>,
}

impl Walk {
    fn new(format: InputFormat) -> Self {
        Walk {
            format,
            files: Vec::new(),
            skipped: Vec::new(),
            seen: HashSet::new(),
        }
    }

    fn dir(&mut self, dir: &Path) {
        if let Ok(canonical) = std::fs::canonicalize(dir) {
            if !self.seen.insert(canonical) {
                return; // a loop (`self -> .`) or a second way to a directory already walked
            }
        }
        let listing =
            std::fs::read_dir(dir).and_then(|d| d.map(|e| e.map(|e| e.path())).collect::<std::io::Result<Vec<_>>>());
        let mut entries = match listing {
            Ok(entries) => entries,
            Err(e) => return self.unreadable(dir, e),
        };
        entries.sort();
        for path in entries {
            if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
                continue;
            }
            match std::fs::metadata(&path) {
                Ok(meta) if meta.is_dir() => self.dir(&path),
                Ok(meta) => self.file(&path, meta.len(), false),
                Err(e) => self.unreadable(&path, e),
            }
        }
    }

    /// A file given on the command line (`explicit`: taken whatever its type) or found in a walk.
    fn file(&mut self, path: &Path, size: u64, explicit: bool) {
        if let Ok(canonical) = std::fs::canonicalize(path) {
            if !self.seen.insert(canonical) {
                self.skipped.push(path.to_path_buf());
                return;
            }
        }
        let found = match format_from_name(path) {
            _ if explicit && self.format != InputFormat::Auto => Some(self.format),
            Some(f) => Some(f),
            None => match sniff_format(path) {
                Ok(f) if explicit => Some(f),
                // Unknown extensions in a walked directory: take them only if their bytes say WARC,
                // JSONL or Parquet (`x.warc.gz.bad`), never as text (LICENSE, README, scripts).
                Ok(f @ (InputFormat::Warc | InputFormat::Jsonl | InputFormat::Parquet)) => Some(f),
                Ok(_) => None,
                Err(Error::Io { source, .. }) => return self.unreadable(path, source),
                Err(e) => return self.unreadable(path, std::io::Error::other(e.to_string())),
            },
        };
        let format = match (self.format, found) {
            (InputFormat::Auto, Some(f)) => f,
            (f, _) if explicit => f,
            (f, Some(g)) if f == g => f,
            _ => return self.skipped.push(path.to_path_buf()),
        };
        self.files.push(InputFile {
            path: path.to_path_buf(),
            format,
            size,
            error: None,
        });
    }

    /// A path that cannot be listed or read: kept, with its error, for the run to count.
    fn unreadable(&mut self, path: &Path, e: std::io::Error) {
        let format = match self.format {
            InputFormat::Auto => format_from_name(path).unwrap_or(InputFormat::Txt),
            f => f,
        };
        self.files.push(InputFile {
            path: path.to_path_buf(),
            format,
            size: 0,
            error: Some(e.to_string()),
        });
    }
}

/// Error kinds of a whole input file that cannot be read (one error at record 0; the run goes on).
pub const FILE_ERROR_KINDS: &[&str] = &["bad_symlink", "corrupt_file", "no_text_column", "unreadable_file"];

/// Every error kind a reader gives a record (the report counts errors by these names).
pub const ERROR_KINDS: &[&str] = &[
    "bad_json",
    "bad_symlink",
    "bad_warc_header",
    "corrupt_file",
    "corrupt_input",
    "missing_text",
    "no_text_column",
    "record_too_large",
    "truncated_record",
    "unreadable_file",
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

/// Open one input as a stream of documents (or per-record errors). `counter` receives compressed
/// bytes read. A file that cannot be read at all (unreadable, a dangling or looping symlink, a
/// corrupt Parquet footer, no text column) yields one error of a [`FILE_ERROR_KINDS`] kind, so
/// that every caller counts it and goes on to the next file.
pub fn open(input: &InputFile, config: &InputConfig, counter: Option<Arc<AtomicU64>>) -> DocIter {
    let opened = match &input.error {
        Some(message) => Err(Error::io(&input.path, std::io::Error::other(message.clone()))),
        None => open_file(input, config, counter),
    };
    opened.unwrap_or_else(|e| Box::new(std::iter::once(Err(file_error(input, e)))))
}

/// A file-level failure as the one error record of its file.
fn file_error(input: &InputFile, e: Error) -> Error {
    let location = Location {
        file: input.display(),
        record: 0,
        offset: None,
    };
    match e {
        e @ Error::Record { .. } => e,
        Error::Io { path, source } => {
            // A symlink whose target is missing or loops: said as such, the OS text alone misleads.
            let symlink = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
            if symlink && std::fs::metadata(&path).is_err() {
                let target = std::fs::read_link(&path)
                    .map(|t| t.display().to_string())
                    .unwrap_or_default();
                Error::record(
                    location,
                    "bad_symlink",
                    format!("symlink to {target:?} cannot be followed: {source}"),
                )
            } else {
                Error::record(location, "unreadable_file", source.to_string())
            }
        }
        other => Error::record(location, "unreadable_file", other.to_string()),
    }
}

fn open_file(input: &InputFile, config: &InputConfig, counter: Option<Arc<AtomicU64>>) -> Result<DocIter> {
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
            let size = input.size.max(bytes.len() as u64); // the file may have grown since listed
            Ok(Box::new(std::iter::once(text::whole_file_document(
                &name,
                bytes,
                size,
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
