//! Shard writers for `kept/` and `removed/`: JSONL (zstd or plain) or Parquet. A shard is written to a
//! temporary name and renamed by `finish`, so a file under its final name is always complete.

pub mod jsonl;
pub mod parquet;
pub mod sink;

use crate::document::Document;
use crate::error::{Error, Result};
use crate::metadata::keys;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// Output file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum OutputFormat {
    #[default]
    #[serde(rename = "jsonl.zst")]
    JsonlZst,
    #[serde(rename = "jsonl")]
    Jsonl,
    #[serde(rename = "parquet")]
    Parquet,
}

impl OutputFormat {
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::JsonlZst => "jsonl.zst",
            OutputFormat::Jsonl => "jsonl",
            OutputFormat::Parquet => "parquet",
        }
    }
}

impl std::str::FromStr for OutputFormat {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "jsonl.zst" | "zst" => Ok(OutputFormat::JsonlZst),
            "jsonl" => Ok(OutputFormat::Jsonl),
            "parquet" => Ok(OutputFormat::Parquet),
            _ => Err(format!("unknown output format {s:?} (jsonl.zst, jsonl, parquet)")),
        }
    }
}

/// Writer settings from the `[output]` config table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutputConfig {
    pub format: OutputFormat,
    /// Start a new shard (and a resume checkpoint) after this many input documents.
    pub shard_docs: u64,
    /// ... or once this many bytes of text were written to the shard.
    pub shard_bytes: u64,
    /// Write removed documents to `removed/` (with `metadata.removed_by`).
    pub write_removed: bool,
    /// zstd level for `.jsonl.zst` and Parquet.
    pub zstd_level: i32,
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig {
            format: OutputFormat::JsonlZst,
            shard_docs: 100_000,
            shard_bytes: 256 << 20,
            write_removed: true,
            zstd_level: 3,
        }
    }
}

/// The output record of a document: `{id, text, url?, metadata}`; `metadata.origin` names the input
/// record, `metadata.removed_by` the `stage.reason` of a removed document.
pub fn to_record(doc: &Document, removed_by: Option<&str>) -> Map<String, Value> {
    let mut metadata = doc.metadata.clone();
    metadata.insert(keys::ORIGIN.into(), Value::from(doc.source.to_string()));
    if let Some(r) = removed_by {
        metadata.insert(keys::REMOVED_BY.into(), Value::from(r));
    }
    let mut rec = Map::new();
    rec.insert("id".into(), Value::from(doc.id.clone()));
    rec.insert("text".into(), Value::from(doc.text_lossy().into_owned()));
    if let Some(u) = &doc.url {
        rec.insert("url".into(), Value::from(u.clone()));
    }
    rec.insert("metadata".into(), Value::Object(metadata));
    rec
}

/// The JSONL line of a document (what `JsonlWriter::write` writes).
pub fn jsonl_line(doc: &Document, removed_by: Option<&str>) -> Vec<u8> {
    let mut line = Vec::with_capacity(doc.byte_len() + 256);
    // Serializing a map of JSON values cannot fail.
    let _ = serde_json::to_writer(&mut line, &to_record(doc, removed_by));
    line.push(b'\n');
    line
}

/// Turn the kept line of a document into its removed line: `metadata` is the record's last field and
/// `removed_by` goes last in it, so this equals `jsonl_line(doc, Some(by))` when the document's own
/// metadata has no `removed_by` (callers check).
pub fn mark_removed(mut line: Vec<u8>, by: &str) -> Vec<u8> {
    let end = line.len().saturating_sub(3); // before the closing "}}\n"
    let mut insert = b",\"removed_by\":".to_vec();
    let _ = serde_json::to_writer(&mut insert, by);
    line.splice(end..end, insert);
    line
}

/// Writes one shard file.
pub trait ShardWriter: Send {
    fn write(&mut self, doc: &Document, removed_by: Option<&str>) -> Result<()>;
    /// Write a line made by `jsonl_line` (JSONL formats only).
    fn write_line(&mut self, line: &[u8]) -> Result<()>;
    /// Flush, close and move the file to its final name.
    fn finish(self: Box<Self>) -> Result<()>;
}

/// Path of shard `n` in `dir`.
pub fn shard_path(dir: &Path, n: u64, format: OutputFormat) -> PathBuf {
    dir.join(format!("part-{n:05}.{}", format.extension()))
}

/// The files of `dir` with their names, sorted by name.
pub fn files_in(dir: &Path) -> Result<Vec<(PathBuf, String)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.push((path, name));
    }
    files.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(files)
}

/// Remove from `dir` every temporary file and every file numbered `first` or later (`part-NNNNN.*`
/// shards, `NNNNN-*` state files): what a run interrupted after shard `first - 1` left behind.
pub fn remove_shards_from(dir: &Path, first: u64) -> Result<()> {
    for (path, name) in files_in(dir)? {
        let number = name
            .strip_prefix("part-")
            .unwrap_or(&name)
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|n| n.parse::<u64>().ok());
        if name.ends_with(".tmp") || number.is_some_and(|n| n >= first) {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(())
}

/// Temporary path a shard is written to before its rename.
pub fn temp_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".tmp");
    PathBuf::from(s)
}

/// Open a writer for shard `path` in the given format.
pub fn create(path: &Path, config: &OutputConfig) -> Result<Box<dyn ShardWriter>> {
    Ok(match config.format {
        OutputFormat::JsonlZst => Box::new(jsonl::JsonlWriter::create(path, Some(config.zstd_level))?),
        OutputFormat::Jsonl => Box::new(jsonl::JsonlWriter::create(path, None)?),
        OutputFormat::Parquet => Box::new(parquet::ParquetWriter::create(path, config.zstd_level)?),
    })
}

/// Write a file under a temporary name, sync, rename.
pub(crate) fn write_atomic(path: &Path, data: &[u8]) -> Result<()> {
    let tmp = temp_path(path);
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        f.write_all(data).map_err(|e| Error::io(&tmp, e))?;
        f.sync_all().map_err(|e| Error::io(&tmp, e))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

pub(crate) fn rename_into_place(tmp: &Path, path: &Path) -> Result<()> {
    std::fs::rename(tmp, path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Source;

    #[test]
    fn mark_removed_equals_serializing_with_the_reason() {
        let mut doc = Document::new_text(
            "i",
            "t \"q\"}}",
            Source {
                file: "f".into(),
                record: 3,
                offset: None,
            },
        );
        doc.metadata.insert("k".into(), serde_json::json!({"a": "}}"}));
        let spliced = mark_removed(jsonl_line(&doc, None), "length.too_short");
        assert_eq!(spliced, jsonl_line(&doc, Some("length.too_short")));
    }
}
