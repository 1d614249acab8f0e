//! JSONL shard writer, plain or zstd.

use super::{jsonl_line, rename_into_place, temp_path, ShardWriter};
use crate::document::Document;
use crate::error::{Error, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

enum Sink {
    Plain(BufWriter<File>),
    Zstd(zstd::stream::write::Encoder<'static, BufWriter<File>>),
}

pub struct JsonlWriter {
    sink: Sink,
    path: PathBuf,
    tmp: PathBuf,
}

impl JsonlWriter {
    pub fn create(path: &Path, zstd_level: Option<i32>) -> Result<Self> {
        let tmp = temp_path(path);
        let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let buf = BufWriter::with_capacity(1 << 20, file);
        let sink = match zstd_level {
            Some(level) => Sink::Zstd(zstd::stream::write::Encoder::new(buf, level).map_err(|e| Error::io(&tmp, e))?),
            None => Sink::Plain(buf),
        };
        Ok(JsonlWriter {
            sink,
            path: path.to_path_buf(),
            tmp,
        })
    }
}

impl ShardWriter for JsonlWriter {
    fn write(&mut self, doc: &Document, removed_by: Option<&str>) -> Result<()> {
        self.write_line(&jsonl_line(doc, removed_by))
    }

    fn write_line(&mut self, line: &[u8]) -> Result<()> {
        let r = match &mut self.sink {
            Sink::Plain(w) => w.write_all(line),
            Sink::Zstd(w) => w.write_all(line),
        };
        r.map_err(|e| Error::io(&self.tmp, e))
    }

    fn finish(self: Box<Self>) -> Result<()> {
        let tmp = self.tmp.clone();
        let buf = match self.sink {
            Sink::Plain(w) => w,
            Sink::Zstd(w) => w.finish().map_err(|e| Error::io(&tmp, e))?,
        };
        let file = buf.into_inner().map_err(|e| Error::io(&tmp, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(&tmp, e))?;
        drop(file);
        rename_into_place(&tmp, &self.path)
    }
}
