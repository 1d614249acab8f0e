//! Parquet reader (row API, one row group in memory at a time): text column configurable; `id`, `url`,
//! `metadata` (JSON string or struct) recognised; other columns go into the metadata.

use crate::document::{derived_id, Body, Document, Source};
use crate::error::{Error, Location, Result};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::reader::RowIter;
use parquet::record::Field;
use serde_json::{Map, Value};
use std::fs::File;

pub struct ParquetReader {
    rows: RowIter<'static>,
    file: String,
    text_field: String,
    record: u64,
    done: bool,
}

impl ParquetReader {
    pub fn open(path: &std::path::Path, file: String, text_field: String) -> Result<Self> {
        let f = File::open(path).map_err(|e| Error::io(path, e))?;
        let reader = SerializedFileReader::new(f)
            .map_err(|e| Error::Fatal(format!("{}: not a readable Parquet file: {e}", path.display())))?;
        let has_text = reader
            .metadata()
            .file_metadata()
            .schema_descr()
            .columns()
            .iter()
            .any(|c| c.name() == text_field);
        if !has_text {
            return Err(Error::Fatal(format!(
                "{}: Parquet file has no column {text_field:?} (set --text-field)",
                path.display()
            )));
        }
        let rows = RowIter::from_file_into(Box::new(reader));
        Ok(ParquetReader {
            rows,
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
        if self.done {
            return None;
        }
        let row = match self.rows.next()? {
            Ok(row) => row,
            Err(e) => {
                self.done = true;
                return Some(Err(Error::record(self.loc(), "corrupt_input", e.to_string())));
            }
        };
        let mut text = None;
        let mut id = None;
        let mut url = None;
        let mut metadata = Map::new();
        let mut extra = Vec::new();
        for (name, field) in row.get_column_iter() {
            match (name.as_str(), field) {
                (n, Field::Str(s)) if n == self.text_field => text = Some(s.clone()),
                ("id", Field::Str(s)) => id = Some(s.clone()),
                ("id", Field::Null) => {}
                ("id", other) => id = Some(other.to_json_value().to_string()),
                ("url", Field::Str(s)) => url = Some(s.clone()),
                ("metadata", Field::Str(s)) => match serde_json::from_str::<Value>(s) {
                    Ok(Value::Object(m)) => metadata = m,
                    _ => extra.push(("metadata".to_string(), Value::from(s.clone()))),
                },
                ("metadata", Field::Group(g)) => {
                    if let Value::Object(m) = g.to_json_value() {
                        metadata = m;
                    }
                }
                (_, Field::Null) => {}
                (n, other) => extra.push((n.to_string(), other.to_json_value())),
            }
        }
        for (k, v) in extra {
            metadata.entry(k).or_insert(v);
        }
        let record = self.record;
        self.record += 1;
        let Some(text) = text else {
            let loc = Location {
                file: self.file.clone(),
                record,
                offset: None,
            };
            return Some(Err(Error::record(
                loc,
                "missing_text",
                format!("row has no string {:?}", self.text_field),
            )));
        };
        Some(Ok(Document {
            id: id.unwrap_or_else(|| derived_id(&self.file, record)),
            body: Body::Text(text),
            url,
            source: Source {
                file: self.file.clone(),
                record,
                offset: None,
            },
            metadata,
        }))
    }
}

impl ParquetReader {
    fn loc(&self) -> Location {
        Location {
            file: self.file.clone(),
            record: self.record,
            offset: None,
        }
    }
}
