//! Parquet shard writer: columns `id`, `text`, `url` (optional), `metadata` (JSON string), zstd pages.
//! Uses parquet's column writers directly (no Arrow), buffering one row group at a time.

use super::{rename_into_place, temp_path, to_record, ShardWriter};
use crate::document::Document;
use crate::error::{Error, Result};
use parquet::basic::{Compression, ZstdLevel};
use parquet::data_type::{ByteArray, ByteArrayType};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use serde_json::Value;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const SCHEMA: &str = "message document {
  REQUIRED BYTE_ARRAY id (UTF8);
  REQUIRED BYTE_ARRAY text (UTF8);
  OPTIONAL BYTE_ARRAY url (UTF8);
  REQUIRED BYTE_ARRAY metadata (UTF8);
}";
const ROW_GROUP_BYTES: usize = 64 << 20;

pub struct ParquetWriter {
    writer: SerializedFileWriter<File>,
    path: PathBuf,
    tmp: PathBuf,
    ids: Vec<ByteArray>,
    texts: Vec<ByteArray>,
    urls: Vec<ByteArray>,
    url_levels: Vec<i16>,
    metas: Vec<ByteArray>,
    buffered: usize,
}

fn pq_err(path: &Path, e: parquet::errors::ParquetError) -> Error {
    Error::Fatal(format!("{}: writing Parquet: {e}", path.display()))
}

impl ParquetWriter {
    pub fn create(path: &Path, zstd_level: i32) -> Result<Self> {
        let tmp = temp_path(path);
        let schema = Arc::new(parse_message_type(SCHEMA).map_err(|e| pq_err(path, e))?);
        let level = ZstdLevel::try_new(zstd_level).map_err(|e| pq_err(path, e))?;
        let props = Arc::new(
            WriterProperties::builder()
                .set_compression(Compression::ZSTD(level))
                .set_created_by("tamis".into())
                .build(),
        );
        let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let writer = SerializedFileWriter::new(file, schema, props).map_err(|e| pq_err(path, e))?;
        Ok(ParquetWriter {
            writer,
            path: path.to_path_buf(),
            tmp,
            ids: Vec::new(),
            texts: Vec::new(),
            urls: Vec::new(),
            url_levels: Vec::new(),
            metas: Vec::new(),
            buffered: 0,
        })
    }

    fn flush_row_group(&mut self) -> Result<()> {
        if self.ids.is_empty() {
            return Ok(());
        }
        let path = self.path.clone();
        let mut rg = self.writer.next_row_group().map_err(|e| pq_err(&path, e))?;
        let mut index = 0;
        while let Some(mut col) = rg.next_column().map_err(|e| pq_err(&path, e))? {
            let typed = col.typed::<ByteArrayType>();
            let written = match index {
                0 => typed.write_batch(&self.ids, None, None),
                1 => typed.write_batch(&self.texts, None, None),
                2 => typed.write_batch(&self.urls, Some(&self.url_levels), None),
                _ => typed.write_batch(&self.metas, None, None),
            };
            written.map_err(|e| pq_err(&path, e))?;
            col.close().map_err(|e| pq_err(&path, e))?;
            index += 1;
        }
        rg.close().map_err(|e| pq_err(&path, e))?;
        self.ids.clear();
        self.texts.clear();
        self.urls.clear();
        self.url_levels.clear();
        self.metas.clear();
        self.buffered = 0;
        Ok(())
    }
}

impl ShardWriter for ParquetWriter {
    fn write(&mut self, doc: &Document, removed_by: Option<&str>) -> Result<()> {
        let rec = to_record(doc, removed_by);
        let text = doc.text_lossy().into_owned();
        self.buffered += text.len();
        self.ids.push(ByteArray::from(doc.id.as_str()));
        self.texts.push(ByteArray::from(text.into_bytes()));
        match &doc.url {
            Some(u) => {
                self.urls.push(ByteArray::from(u.as_str()));
                self.url_levels.push(1);
            }
            None => self.url_levels.push(0),
        }
        let meta = rec.get("metadata").cloned().unwrap_or(Value::Null).to_string();
        self.buffered += meta.len();
        self.metas.push(ByteArray::from(meta.into_bytes()));
        if self.buffered >= ROW_GROUP_BYTES {
            self.flush_row_group()?;
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
        self.flush_row_group()?;
        let path = self.path.clone();
        let tmp = self.tmp.clone();
        let file = self.writer.into_inner().map_err(|e| pq_err(&path, e))?;
        file.sync_all().map_err(|e| Error::io(&tmp, e))?;
        drop(file);
        rename_into_place(&tmp, &path)
    }
}
