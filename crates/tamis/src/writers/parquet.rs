//! Parquet shard writer: the document table of [`crate::arrow`] (typed columns for language, tokens,
//! removed lines, ...; the rest of the metadata as JSON), zstd pages, through parquet's `ArrowWriter`.
//! Documents go into an Arrow batch builder, a batch goes to the writer every few MB, and a row group
//! is closed once it holds ~64 MB of text, so memory stays bounded whatever the shard size.

use super::{rename_into_place, temp_path, ShardWriter};
use crate::arrow::{schema, BatchBuilder};
use crate::document::Document;
use crate::error::{Error, Result};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;
use std::fs::File;
use std::path::{Path, PathBuf};

/// Text and metadata bytes per row group (what readers hold in memory per column chunk).
const ROW_GROUP_BYTES: usize = 64 << 20;
/// ... and per Arrow batch handed to the writer.
const BATCH_BYTES: usize = 8 << 20;

pub struct ParquetWriter {
    writer: ArrowWriter<File>,
    batch: BatchBuilder,
    path: PathBuf,
    tmp: PathBuf,
    row_group_bytes: usize,
}

fn pq_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Fatal(format!("{}: writing Parquet: {e}", path.display()))
}

impl ParquetWriter {
    pub fn create(path: &Path, zstd_level: i32) -> Result<Self> {
        let tmp = temp_path(path);
        let level = ZstdLevel::try_new(zstd_level).map_err(|e| pq_err(path, e))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(level))
            .set_created_by(format!("tamis {}", env!("CARGO_PKG_VERSION")))
            // Row groups end by bytes (`ROW_GROUP_BYTES`), not by a row count.
            .set_max_row_group_row_count(None)
            // Texts are (nearly) all distinct: a dictionary would only be built to be dropped.
            .set_column_dictionary_enabled(ColumnPath::from("text"), false)
            .build();
        let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let writer = ArrowWriter::try_new(file, schema(), Some(props)).map_err(|e| pq_err(path, e))?;
        Ok(ParquetWriter {
            writer,
            batch: BatchBuilder::default(),
            path: path.to_path_buf(),
            tmp,
            row_group_bytes: 0,
        })
    }

    /// Hand the buffered documents to the writer; close the row group once it is big enough.
    fn write_batch(&mut self) -> Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        self.row_group_bytes += self.batch.byte_len();
        let batch = self.batch.finish().map_err(|e| pq_err(&self.path, e))?;
        self.writer.write(&batch).map_err(|e| pq_err(&self.path, e))?;
        if self.row_group_bytes >= ROW_GROUP_BYTES {
            self.writer.flush().map_err(|e| pq_err(&self.path, e))?;
            self.row_group_bytes = 0;
        }
        Ok(())
    }
}

impl ShardWriter for ParquetWriter {
    fn write(&mut self, doc: &Document, removed_by: Option<&str>) -> Result<()> {
        self.batch.append(doc, removed_by).map_err(|e| pq_err(&self.path, e))?;
        if self.batch.byte_len() >= BATCH_BYTES {
            self.write_batch()?;
        }
        Ok(())
    }

    fn write_line(&mut self, _line: &[u8]) -> Result<()> {
        Err(Error::Fatal(format!(
            "{}: Parquet shards take documents, not JSONL lines",
            self.path.display()
        )))
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.write_batch()?;
        let ParquetWriter { writer, path, tmp, .. } = *self;
        let file = writer.into_inner().map_err(|e| pq_err(&path, e))?;
        file.sync_all().map_err(|e| Error::io(&tmp, e))?;
        drop(file);
        rename_into_place(&tmp, &path)
    }
}
