//! Parquet reader: parquet's Arrow reader, one record batch (a few MB) in memory at a time, each
//! turned into documents by [`crate::arrow::from_record_batch`]: tamis's own shards and plain
//! tables alike (text column configurable; `id`, `url`, `metadata` as JSON string or struct
//! recognised; other columns go into the metadata).

use crate::arrow::from_record_batch;
use crate::document::Document;
use crate::error::{Error, Location, Result};
use arrow_schema::ArrowError;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use std::fs::File;
use std::path::Path;

/// `f()`, with a panic of the Parquet/Arrow libraries on a corrupt file turned into its message
/// (arrow-ipc 59.3 panics on some corrupt embedded Arrow schemas instead of failing, as fuzzing
/// found): one bad file must not take the reader thread, and with it the run, down.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        let what = crate::error::panic_message(payload.as_ref());
        format!("not a readable Parquet file (the Parquet library failed on it: {what})")
    })
}

/// Rows per batch aim at this many uncompressed bytes (from the file's own row-group sizes).
const BATCH_BYTES: i64 = 16 << 20;
const MAX_BATCH_ROWS: i64 = 8192;

pub struct ParquetReader {
    batches: ParquetRecordBatchReader,
    docs: std::vec::IntoIter<Result<Document>>,
    file: String,
    text_field: String,
    record: u64,
    done: bool,
}

impl ParquetReader {
    pub fn open(path: &Path, file: String, text_field: String) -> Result<Self> {
        let f = File::open(path).map_err(|e| Error::io(path, e))?;
        // Whole-file faults are the file's one error record (see `readers::open`).
        let at_start = || Location {
            file: file.clone(),
            record: 0,
            offset: None,
        };
        let corrupt = |e: parquet::errors::ParquetError| {
            Error::record(at_start(), "corrupt_file", format!("not a readable Parquet file: {e}"))
        };
        let builder = guarded(|| ParquetRecordBatchReaderBuilder::try_new(f))
            .map_err(|what| Error::record(at_start(), "corrupt_file", what))?
            .map_err(corrupt)?;
        if builder.schema().column_with_name(&text_field).is_none() {
            let columns: Vec<_> = builder.schema().fields().iter().map(|f| f.name().as_str()).collect();
            return Err(Error::record(
                at_start(),
                "no_text_column",
                format!(
                    "no column {text_field:?} (its columns: {}); set --text-field",
                    columns.join(", ")
                ),
            ));
        }
        let (rows, bytes) = builder
            .metadata()
            .row_groups()
            .iter()
            .fold((0, 0), |(r, b), g| (r + g.num_rows(), b + g.total_byte_size()));
        let row_bytes = (bytes / rows.max(1)).max(1);
        let batch_rows = (BATCH_BYTES / row_bytes).clamp(1, MAX_BATCH_ROWS);
        let batches = builder.with_batch_size(batch_rows as usize).build().map_err(corrupt)?;
        Ok(ParquetReader {
            batches,
            docs: Vec::new().into_iter(),
            file,
            text_field,
            record: 0,
            done: false,
        })
    }
}

impl Iterator for ParquetReader {
    type Item = Result<Document>;

    fn next(&mut self) -> Option<Result<Document>> {
        loop {
            if let Some(doc) = self.docs.next() {
                return Some(doc);
            }
            if self.done {
                return None;
            }
            let next = guarded(|| self.batches.next())
                .unwrap_or_else(|what| Some(Err(ArrowError::ExternalError(what.into()))));
            let converted = match next? {
                Ok(batch) => from_record_batch(&batch, &self.file, self.record, &self.text_field)
                    .map(|docs| (batch.num_rows(), docs)),
                Err(e) => {
                    let location = Location {
                        file: self.file.clone(),
                        record: self.record,
                        offset: None,
                    };
                    Err(Error::record(location, "corrupt_input", e.to_string()))
                }
            };
            match converted {
                Ok((rows, docs)) => {
                    self.record += rows as u64;
                    self.docs = docs.into_iter();
                }
                Err(e) => {
                    // The file cannot be read past a corrupt page: one error, then the end.
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
    }
}
