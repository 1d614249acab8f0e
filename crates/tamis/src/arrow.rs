//! Documents as Arrow record batches: the table tamis writes (Parquet shards) and the conversions
//! both ways. The Parquet writer and reader go through here, and so will the Python package
//! (pyarrow and polars tables).
//!
//! # The document table
//!
//! | column                 | Arrow type                                                    | holds |
//! |------------------------|---------------------------------------------------------------|-------|
//! | `id`                   | utf8                                                          | the document id |
//! | `text`                 | utf8                                                          | the text (a raw payload decoded with its charset) |
//! | `url`                  | utf8, nullable                                                | the URL |
//! | `removed_lines`        | list of struct {`line`: utf8, `reason`: utf8, `at`: int64, nullable}, nullable | lines the cleaning stages removed, `stage.reason`; `at` (from `clean_lines`) is the number of kept non-blank lines before the line |
//! | `language`             | utf8, nullable                                                | fastText label (`fr`) |
//! | `language_score`       | float64, nullable                                             | its score |
//! | `tokens`               | struct {`o200k`: int64, `cl100k`: int64, both nullable}, nullable | token counts per [`Encoding`] |
//! | `minhash_cluster_id`   | int64, nullable                                               | near-duplicate cluster: its lowest document number, `-1` alone |
//! | `minhash_cluster_size` | int64, nullable                                               | its size (1 alone) |
//! | `origin`               | utf8                                                          | the input record, `file:record` |
//! | `removed_by`           | utf8, nullable                                                | `stage.reason` of a removed document |
//! | `metadata`             | utf8                                                          | JSON object of every other metadata key, in the document's order |
//!
//! The typed columns (`removed_lines` to `removed_by`) hold the metadata keys of the same names, so
//! `SELECT count(*) FROM 'kept/*.parquet' WHERE language = 'fr'` needs no JSON parsing. A null cell
//! means the key is absent. A value its column cannot hold exactly (a `language` that is not a
//! string, an integer `language_score`, a `removed_lines` entry with other fields, `tokens` keys in
//! another order or with a null) stays in the `metadata` JSON instead, unchanged: no metadata is
//! lost or retyped. `origin` and `removed_by` are what [`crate::writers::to_record`] puts in the
//! JSONL record.
//!
//! # Reading tables back
//!
//! [`from_record_batch`] reads this schema and plain tables alike (pyarrow, polars, other tools'
//! Parquet): the text column is named by the caller; `id` (else derived from file and record) and
//! `url` are taken when they are strings; `metadata` may be a JSON string or a struct; every other
//! column becomes the metadata key of its name (see `arrow/json.rs` for how values convert; a key
//! in `metadata` wins over a column of the same name). String columns may be utf8, large utf8,
//! utf8 view or dictionary-encoded.
//!
//! Key order: the `metadata` keys come first, in their order, then one key per other non-null column,
//! in column order. This schema's column order is the order keys are added to a document: by the
//! stages (`removed_lines`, `language`, `language_score`), after all stages (`tokens`, the MinHash
//! keys), then by the writer (`origin`, `removed_by`, last as in the JSONL record). So a document
//! comes back with its exact key order unless a key was added out of that order: a key outside the
//! typed set added after a typed one (`pii`, annotate mode's `signals` and `flagged_by` come after
//! `language`) moves before the typed keys, and `origin` read back from `tamis run`'s staged shards
//! (before the MinHash keys were added) moves after them. The map itself (keys and values) always
//! comes back equal.

mod json;

use crate::document::{derived_id, Body, Document, Source};
use crate::error::{Error, Location, Result};
use crate::tokens::Encoding;
use arrow_array::builder::{Float64Builder, Int64Builder, NullBufferBuilder, OffsetBufferBuilder, StringBuilder};
use arrow_array::{ArrayRef, ListArray, RecordBatch, StructArray};
use arrow_schema::{DataType, Field, FieldRef, Fields, Schema, SchemaRef};
use serde::Serializer;
use serde_json::{Map, Value};
use std::sync::{Arc, LazyLock};

const ID: &str = "id";
const TEXT: &str = "text";
const URL: &str = "url";
// The typed columns are named after the metadata keys they hold.
use crate::metadata::keys::{
    LANGUAGE, LANGUAGE_SCORE, MINHASH_CLUSTER_ID, MINHASH_CLUSTER_SIZE, ORIGIN, REMOVED_BY, REMOVED_LINES, TOKENS,
};
const METADATA: &str = "metadata";
// The reader table's columns for raw payloads (see `reader_schema`).
const RAW: &str = "raw";
const CONTENT_TYPE: &str = "content_type";
const CHARSET: &str = "charset";
const OFFSET: &str = "offset";
const READ_ERROR: &str = "read_error";

static SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
    use DataType::{Float64, Int64, Utf8};
    Arc::new(Schema::new(vec![
        Field::new(ID, Utf8, false),
        Field::new(TEXT, Utf8, false),
        Field::new(URL, Utf8, true),
        Field::new(REMOVED_LINES, DataType::List(removed_line_item()), true),
        Field::new(LANGUAGE, Utf8, true),
        Field::new(LANGUAGE_SCORE, Float64, true),
        Field::new(TOKENS, DataType::Struct(token_fields()), true),
        Field::new(MINHASH_CLUSTER_ID, Int64, true),
        Field::new(MINHASH_CLUSTER_SIZE, Int64, true),
        Field::new(ORIGIN, Utf8, false),
        Field::new(REMOVED_BY, Utf8, true),
        Field::new(METADATA, Utf8, false),
    ]))
});

/// The schema of the document table (the module documentation describes each column).
pub fn schema() -> SchemaRef {
    SCHEMA.clone()
}

fn removed_line_fields() -> Fields {
    Fields::from(vec![
        Field::new("line", DataType::Utf8, false),
        Field::new("reason", DataType::Utf8, false),
        Field::new("at", DataType::Int64, true),
    ])
}

fn removed_line_item() -> FieldRef {
    Arc::new(Field::new_list_field(DataType::Struct(removed_line_fields()), false))
}

fn token_fields() -> Fields {
    Encoding::ALL
        .iter()
        .map(|e| Field::new(e.name(), DataType::Int64, true))
        .collect()
}

/// Documents as one record batch of [`schema`]; `removed_by` is the `stage.reason` of a removed one.
pub fn to_record_batch(docs: &[(&Document, Option<&str>)]) -> Result<RecordBatch> {
    let mut builder = BatchBuilder::default();
    for (doc, removed_by) in docs {
        builder.append(doc, *removed_by)?;
    }
    builder.finish()
}

/// The reader table (`tamis.read`): documents as they come from the readers, before any stage.
/// `text` is null for a raw payload (a WARC response, an `.html` file), which is in `raw` with its
/// `content_type` and `charset`; `origin` is `file:record` and `offset` the record's byte offset.
pub fn reader_schema() -> SchemaRef {
    static READER: LazyLock<SchemaRef> = LazyLock::new(|| {
        use DataType::{Binary, UInt64, Utf8};
        Arc::new(Schema::new(vec![
            Field::new(ID, Utf8, false),
            Field::new(TEXT, Utf8, true),
            Field::new(RAW, Binary, true),
            Field::new(CONTENT_TYPE, Utf8, true),
            Field::new(CHARSET, Utf8, true),
            Field::new(URL, Utf8, true),
            Field::new(ORIGIN, Utf8, false),
            Field::new(OFFSET, UInt64, true),
            Field::new(METADATA, Utf8, false),
        ]))
    });
    READER.clone()
}

/// Documents as one record batch of [`reader_schema`].
pub fn to_reader_batch(docs: &[Document]) -> Result<RecordBatch> {
    use arrow_array::builder::{BinaryBuilder, UInt64Builder};
    let (mut id, mut text, mut raw) = (StringBuilder::new(), StringBuilder::new(), BinaryBuilder::new());
    let (mut content_type, mut charset, mut url) = (StringBuilder::new(), StringBuilder::new(), StringBuilder::new());
    let (mut origin, mut offset, mut metadata) = (StringBuilder::new(), UInt64Builder::new(), StringBuilder::new());
    for doc in docs {
        id.append_value(&doc.id);
        match &doc.body {
            crate::document::Body::Text(t) => {
                text.append_value(t);
                raw.append_null();
                content_type.append_null();
                charset.append_null();
            }
            crate::document::Body::Raw { .. } if doc.metadata.contains_key(READ_ERROR) => {
                text.append_null();
                raw.append_null();
                content_type.append_null();
                charset.append_null();
            }
            crate::document::Body::Raw {
                bytes,
                content_type: ct,
                charset: cs,
            } => {
                text.append_null();
                raw.append_value(bytes);
                content_type.append_value(ct);
                charset.append_option(cs.as_deref());
            }
        }
        url.append_option(doc.url.as_deref());
        origin.append_value(doc.source.to_string());
        offset.append_option(doc.source.offset);
        metadata.append_value(serde_json::to_string(&doc.metadata).map_err(|e| Error::Fatal(e.to_string()))?);
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(id.finish()),
        Arc::new(text.finish()),
        Arc::new(raw.finish()),
        Arc::new(content_type.finish()),
        Arc::new(charset.finish()),
        Arc::new(url.finish()),
        Arc::new(origin.finish()),
        Arc::new(offset.finish()),
        Arc::new(metadata.finish()),
    ];
    RecordBatch::try_new(reader_schema(), columns).map_err(arrow_error)
}

/// The reader table's row for a record that could not be read: no text, no payload, and
/// `metadata` `{"read_error": kind, "message": ...}` ([`from_record_batch`] turns it back into
/// that record's error).
pub fn read_error_document(e: &Error) -> Document {
    let (location, kind, message) = match e {
        Error::Record {
            location,
            kind,
            message,
        } => (location.clone(), *kind, message.clone()),
        other => (
            Location {
                file: String::new(),
                record: 0,
                offset: None,
            },
            "io",
            other.to_string(),
        ),
    };
    let mut doc = Document::new_text(
        derived_id(&location.file, location.record),
        "",
        Source {
            file: location.file,
            record: location.record,
            offset: location.offset,
        },
    );
    doc.body = Body::Raw {
        bytes: Vec::new(),
        content_type: String::new(),
        charset: None,
    };
    doc.metadata.insert(READ_ERROR.into(), kind.into());
    doc.metadata.insert("message".into(), message.into());
    doc
}

/// The error a reader-table row stands for (see [`read_error_document`]).
fn read_error(metadata: &Value) -> Option<(&'static str, String)> {
    let metadata = match metadata {
        Value::String(s) => serde_json::from_str::<Value>(s).ok()?,
        other => other.clone(),
    };
    let kind = metadata.get(READ_ERROR)?.as_str()?;
    // Error kinds are `&'static str`: the ones a reader can give, else a generic one.
    let kind = crate::readers::ERROR_KINDS
        .iter()
        .find(|k| **k == kind)
        .copied()
        .unwrap_or("read_error");
    let message = metadata
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    Some((kind, message))
}

/// Row → the payload bytes of that row (`None`: null).
type RawColumn<'a> = Box<dyn Fn(usize) -> Option<Vec<u8>> + 'a>;

/// The `raw` column of a batch, when it is binary.
fn raw_column(batch: &RecordBatch) -> Option<RawColumn<'_>> {
    use arrow_array::{Array, BinaryArray, LargeBinaryArray};
    let array = batch.column_by_name(RAW)?;
    if let Some(a) = array.as_any().downcast_ref::<BinaryArray>() {
        return Some(Box::new(move |row| (!a.is_null(row)).then(|| a.value(row).to_vec())));
    }
    let a = array.as_any().downcast_ref::<LargeBinaryArray>()?;
    Some(Box::new(move |row| (!a.is_null(row)).then(|| a.value(row).to_vec())))
}

/// Builds record batches of [`schema`] one document at a time (no copy of the documents is kept).
#[derive(Default)]
pub struct BatchBuilder {
    id: StringBuilder,
    text: StringBuilder,
    url: StringBuilder,
    removed_lines: RemovedLinesBuilder,
    language: StringBuilder,
    language_score: Float64Builder,
    tokens: TokensBuilder,
    minhash_cluster_id: Int64Builder,
    minhash_cluster_size: Int64Builder,
    origin: StringBuilder,
    removed_by: StringBuilder,
    metadata: StringBuilder,
    rows: usize,
    bytes: usize,
    json: Vec<u8>,
}

impl BatchBuilder {
    /// Add a document, as [`crate::writers::to_record`] would write it.
    pub fn append(&mut self, doc: &Document, removed_by: Option<&str>) -> Result<()> {
        let mut typed = Typed {
            removed_by,
            ..Typed::default()
        };
        let mut other = Vec::new();
        for (key, value) in &doc.metadata {
            match key.as_str() {
                // The writer's own keys: `origin` always comes from the source, `removed_by` when given.
                ORIGIN => {}
                REMOVED_BY if removed_by.is_some() => {}
                _ if typed.take(key, value) => {}
                _ => other.push((key, value)),
            }
        }
        self.json.clear();
        serde_json::Serializer::new(&mut self.json)
            .collect_map(other)
            .map_err(|e| Error::Fatal(format!("metadata of document {}: {e}", doc.id)))?;
        let json = std::str::from_utf8(&self.json)
            .map_err(|e| Error::Fatal(format!("metadata of document {}: {e}", doc.id)))?;
        let text = doc.text_lossy();
        self.rows += 1;
        self.bytes += text.len() + json.len();
        self.id.append_value(&doc.id);
        self.text.append_value(&text);
        self.url.append_option(doc.url.as_deref());
        self.removed_lines.append(typed.removed_lines.as_deref());
        self.language.append_option(typed.language);
        self.language_score.append_option(typed.language_score);
        self.tokens.append(typed.tokens);
        self.minhash_cluster_id.append_option(typed.minhash_cluster_id);
        self.minhash_cluster_size.append_option(typed.minhash_cluster_size);
        self.origin.append_value(doc.source.to_string());
        self.removed_by.append_option(typed.removed_by);
        self.metadata.append_value(json);
        Ok(())
    }

    /// Documents appended since the last [`finish`](Self::finish).
    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Bytes of text and metadata JSON appended since the last [`finish`](Self::finish).
    pub fn byte_len(&self) -> usize {
        self.bytes
    }

    /// The batch of the documents appended so far; the builder starts again empty.
    pub fn finish(&mut self) -> Result<RecordBatch> {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.id.finish()),
            Arc::new(self.text.finish()),
            Arc::new(self.url.finish()),
            self.removed_lines.finish()?,
            Arc::new(self.language.finish()),
            Arc::new(self.language_score.finish()),
            self.tokens.finish()?,
            Arc::new(self.minhash_cluster_id.finish()),
            Arc::new(self.minhash_cluster_size.finish()),
            Arc::new(self.origin.finish()),
            Arc::new(self.removed_by.finish()),
            Arc::new(self.metadata.finish()),
        ];
        self.rows = 0;
        self.bytes = 0;
        RecordBatch::try_new(schema(), columns).map_err(arrow_error)
    }
}

fn arrow_error(e: arrow_schema::ArrowError) -> Error {
    Error::Fatal(format!("building a record batch: {e}"))
}

/// One `removed_lines` entry: line, reason, position.
type RemovedLine<'a> = (&'a str, &'a str, Option<i64>);

const ENCODINGS: usize = Encoding::ALL.len();

/// The typed keys of one document's metadata whose values fit their columns exactly.
#[derive(Default)]
struct Typed<'a> {
    removed_lines: Option<Vec<RemovedLine<'a>>>,
    language: Option<&'a str>,
    language_score: Option<f64>,
    tokens: Option<[Option<i64>; ENCODINGS]>,
    minhash_cluster_id: Option<i64>,
    minhash_cluster_size: Option<i64>,
    removed_by: Option<&'a str>,
}

impl<'a> Typed<'a> {
    /// Take `key: value` if `key` has a typed column that holds `value` exactly; false otherwise
    /// (the key then goes to the JSON column).
    fn take(&mut self, key: &str, value: &'a Value) -> bool {
        match key {
            REMOVED_LINES => put(&mut self.removed_lines, removed_lines(value)),
            LANGUAGE => put(&mut self.language, value.as_str()),
            // An integer would come back as a float: it stays JSON.
            LANGUAGE_SCORE => put(&mut self.language_score, value.as_f64().filter(|_| value.is_f64())),
            TOKENS => put(&mut self.tokens, tokens(value)),
            MINHASH_CLUSTER_ID => put(&mut self.minhash_cluster_id, value.as_i64()),
            MINHASH_CLUSTER_SIZE => put(&mut self.minhash_cluster_size, value.as_i64()),
            REMOVED_BY => put(&mut self.removed_by, value.as_str()),
            _ => false,
        }
    }
}

fn put<T>(slot: &mut Option<T>, value: Option<T>) -> bool {
    let fits = value.is_some();
    if fits {
        *slot = value;
    }
    fits
}

/// `[{line, reason, at?}, ...]` with exactly those keys in that order (what `clean_lines` and
/// `c4_quality` write), else `None`.
fn removed_lines(value: &Value) -> Option<Vec<RemovedLine<'_>>> {
    value.as_array()?.iter().map(removed_line).collect()
}

fn removed_line(entry: &Value) -> Option<RemovedLine<'_>> {
    let mut fields = entry.as_object()?.iter().map(|(k, v)| (k.as_str(), v));
    let Some(("line", Value::String(line))) = fields.next() else {
        return None;
    };
    let Some(("reason", Value::String(reason))) = fields.next() else {
        return None;
    };
    let at = match fields.next() {
        None => None,
        Some(("at", at)) => Some(at.as_i64()?),
        Some(_) => return None,
    };
    fields.next().is_none().then_some((line.as_str(), reason.as_str(), at))
}

/// `{"o200k": n, "cl100k": m}` (any of them, in `Encoding::ALL`'s order, integers), else `None`.
fn tokens(value: &Value) -> Option<[Option<i64>; ENCODINGS]> {
    let mut counts = [None; ENCODINGS];
    let mut next = 0; // keys out of order would come back reordered: they stay JSON
    for (key, count) in value.as_object()? {
        let i = next + Encoding::ALL.get(next..)?.iter().position(|e| e.name() == key)?;
        *counts.get_mut(i)? = Some(count.as_i64()?);
        next = i + 1;
    }
    Some(counts)
}

#[derive(Default)]
struct RemovedLinesBuilder {
    line: StringBuilder,
    reason: StringBuilder,
    at: Int64Builder,
    lengths: Vec<usize>,
    valid: Vec<bool>,
}

impl RemovedLinesBuilder {
    fn append(&mut self, lines: Option<&[RemovedLine<'_>]>) {
        self.valid.push(lines.is_some());
        let lines = lines.unwrap_or_default();
        for (line, reason, at) in lines {
            self.line.append_value(line);
            self.reason.append_value(reason);
            self.at.append_option(*at);
        }
        self.lengths.push(lines.len());
    }

    fn finish(&mut self) -> Result<ArrayRef> {
        let entries = StructArray::try_new(
            removed_line_fields(),
            vec![
                Arc::new(self.line.finish()),
                Arc::new(self.reason.finish()),
                Arc::new(self.at.finish()),
            ],
            None,
        )
        .map_err(arrow_error)?;
        let mut offsets = OffsetBufferBuilder::<i32>::new(self.lengths.len());
        for n in self.lengths.drain(..) {
            offsets.push_length(n);
        }
        let mut nulls = NullBufferBuilder::new(self.valid.len());
        nulls.append_slice(&self.valid);
        self.valid.clear();
        let list = ListArray::try_new(removed_line_item(), offsets.finish(), Arc::new(entries), nulls.finish())
            .map_err(arrow_error)?;
        Ok(Arc::new(list))
    }
}

#[derive(Default)]
struct TokensBuilder {
    counts: [Int64Builder; ENCODINGS],
    valid: Vec<bool>,
}

impl TokensBuilder {
    fn append(&mut self, counts: Option<[Option<i64>; ENCODINGS]>) {
        self.valid.push(counts.is_some());
        for (builder, count) in self.counts.iter_mut().zip(counts.unwrap_or_default()) {
            builder.append_option(count);
        }
    }

    fn finish(&mut self) -> Result<ArrayRef> {
        let columns = self
            .counts
            .iter_mut()
            .map(|b| Arc::new(b.finish()) as ArrayRef)
            .collect();
        let mut nulls = NullBufferBuilder::new(self.valid.len());
        nulls.append_slice(&self.valid);
        self.valid.clear();
        let tokens = StructArray::try_new(token_fields(), columns, nulls.finish()).map_err(arrow_error)?;
        Ok(Arc::new(tokens))
    }
}

/// The documents of a record batch, one result per row: [`schema`]'s table or any table with a
/// string column `text_field` (see the module documentation). Row `i` is record `first_record + i`
/// of `file`. A table without `text_field` is an error; a row whose text is null or not a string
/// is a `missing_text` record error; a column of a type tamis cannot convert makes every row an
/// `unsupported_column` record error.
pub fn from_record_batch(
    batch: &RecordBatch,
    file: &str,
    first_record: u64,
    text_field: &str,
) -> Result<Vec<Result<Document>>> {
    let schema = batch.schema();
    if schema.column_with_name(text_field).is_none() {
        return Err(Error::Fatal(format!(
            "{file}: table has no column {text_field:?} (set --text-field)"
        )));
    }
    let (mut texts, mut ids, mut urls, mut metadatas) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut content_types, mut charsets, mut offsets) = (Vec::new(), Vec::new(), Vec::new());
    let mut extras = Vec::new();
    let mut unsupported = None;
    // A reader table (see `reader_schema`): rows without text carry a raw payload.
    let raw = raw_column(batch);
    for (field, array) in schema.fields().iter().zip(batch.columns()) {
        let name = field.name().as_str();
        if raw.is_some() && name == RAW {
            continue;
        }
        // In the typed columns a null struct field means "absent".
        let values = match json::column(array, name == TOKENS || name == REMOVED_LINES) {
            Ok(values) => values,
            Err(e) => {
                unsupported.get_or_insert_with(|| format!("column {name:?}: {e}"));
                continue;
            }
        };
        match name {
            n if n == text_field => texts = values,
            ID => ids = values,
            URL => urls = values,
            METADATA => metadatas = values,
            CONTENT_TYPE if raw.is_some() => content_types = values,
            CHARSET if raw.is_some() => charsets = values,
            OFFSET if raw.is_some() => offsets = values,
            ORIGIN if raw.is_some() => {}
            _ => extras.push((name, values)),
        }
    }
    let mut docs = Vec::with_capacity(batch.num_rows());
    for row in 0..batch.num_rows() {
        let record = first_record + row as u64;
        let location = || Location {
            file: file.to_string(),
            record,
            offset: None,
        };
        if let Some(message) = &unsupported {
            docs.push(Err(Error::record(location(), "unsupported_column", message.clone())));
            continue;
        }
        let body = match (json::take(&mut texts, row), raw.as_ref().and_then(|r| r(row))) {
            (Value::String(text), _) => Body::Text(text),
            (Value::Null, Some(bytes)) => Body::Raw {
                bytes,
                content_type: json::take(&mut content_types, row).as_str().unwrap_or("").to_string(),
                charset: json::take(&mut charsets, row).as_str().map(str::to_string),
            },
            _ => {
                let (kind, message) = read_error(&json::take(&mut metadatas, row))
                    .unwrap_or(("missing_text", format!("row has no string {text_field:?}")));
                docs.push(Err(Error::record(location(), kind, message)));
                continue;
            }
        };
        let id = match json::take(&mut ids, row) {
            Value::String(s) => s,
            Value::Null => derived_id(file, record),
            other => other.to_string(),
        };
        let mut odd = Vec::new(); // a non-string url, a metadata that is no object: kept as keys
        let url = match json::take(&mut urls, row) {
            Value::String(s) => Some(s),
            Value::Null => None,
            other => {
                odd.push((URL, other));
                None
            }
        };
        let mut metadata = match json::take(&mut metadatas, row) {
            Value::Object(m) => m,
            Value::Null => Map::new(),
            Value::String(s) => match serde_json::from_str(&s) {
                Ok(Value::Object(m)) => m,
                _ => {
                    odd.push((METADATA, Value::String(s)));
                    Map::new()
                }
            },
            other => {
                odd.push((METADATA, other));
                Map::new()
            }
        };
        let columns = extras.iter_mut().map(|(name, values)| (*name, json::take(values, row)));
        for (key, value) in odd.into_iter().chain(columns) {
            if !value.is_null() {
                metadata.entry(key).or_insert(value);
            }
        }
        let source = Source {
            file: file.to_string(),
            record,
            offset: json::take(&mut offsets, row).as_u64(),
        };
        docs.push(Ok(Document {
            id,
            body,
            url,
            source,
            metadata,
        }));
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Body;
    use crate::writers::to_record;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, Int32Type, Int64Type};
    use arrow_array::{
        Array, DictionaryArray, Float32Array, Int64Array, LargeStringArray, StringArray, StringViewArray,
    };
    use serde_json::json;

    fn doc(id: &str, metadata: Value) -> Document {
        let mut d = Document::new_text(
            id,
            format!("text of {id}"),
            Source {
                file: "in.jsonl".into(),
                record: 7,
                offset: Some(99),
            },
        );
        if let Value::Object(m) = metadata {
            d.metadata = m;
        }
        d
    }

    /// What the JSONL writer writes for the document: id, text, url, metadata.
    fn expected(doc: &Document, removed_by: Option<&str>) -> (String, String, Option<String>, Map<String, Value>) {
        let mut rec = to_record(doc, removed_by);
        let Some(Value::Object(metadata)) = rec.remove("metadata") else {
            panic!("no metadata")
        };
        (doc.id.clone(), doc.text_lossy().into_owned(), doc.url.clone(), metadata)
    }

    fn round_trip(docs: &[(&Document, Option<&str>)]) -> Vec<Document> {
        let batch = to_record_batch(docs).unwrap();
        assert_eq!(batch.schema(), schema());
        from_record_batch(&batch, "part-00000.parquet", 0, "text")
            .unwrap()
            .into_iter()
            .map(Result::unwrap)
            .collect()
    }

    /// Equal as maps and in key order.
    fn assert_same(got: &Document, want: &(String, String, Option<String>, Map<String, Value>)) {
        assert_eq!(
            (&got.id, got.text().unwrap(), &got.url),
            (&want.0, want.1.as_str(), &want.2)
        );
        assert_eq!(got.metadata, want.3, "{}", got.id);
        let keys = |m: &Map<String, Value>| m.keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&got.metadata), keys(&want.3), "{}", got.id);
    }

    /// A document as the stages leave it: reader and extract keys, then the typed keys in the order
    /// they are added.
    fn full_doc() -> Document {
        let mut d = doc(
            "full",
            json!({
                "warc_type": "response",
                "title": "T",
                "removed_lines": [
                    {"line": "Menu", "reason": "clean_lines.furniture", "at": 0},
                    {"line": "Cookies", "reason": "c4_quality.javascript"}
                ],
                "language": "fr",
                "language_score": 0.93,
                "tokens": {"o200k": 12, "cl100k": 14},
                "minhash_cluster_id": -1,
                "minhash_cluster_size": 1,
            }),
        );
        d.url = Some("https://example.org/a".into());
        d
    }

    #[test]
    fn round_trips_documents_with_and_without_each_typed_key() {
        let full = full_doc();
        let mut docs = vec![doc("bare", json!({})), full.clone()];
        for (key, value) in &full.metadata {
            docs.push(doc(&format!("only {key}"), json!({"before": 0, key: value})));
        }
        // Read back from a `removed/` shard: the writer's keys are already there.
        let mut with_reason = full.clone();
        with_reason.metadata.insert("origin".into(), "earlier.jsonl:1".into());
        with_reason
            .metadata
            .insert("removed_by".into(), "earlier.reason".into());
        docs.push(with_reason);
        let cases: Vec<_> = docs
            .iter()
            .flat_map(|d| [(d, None), (d, Some("length.too_short"))])
            .collect();
        let got = round_trip(&cases);
        assert_eq!(got.len(), cases.len());
        for (got, (doc, by)) in got.iter().zip(&cases) {
            assert_same(got, &expected(doc, *by));
        }
    }

    #[test]
    fn typed_keys_fill_their_columns_and_leave_the_json() {
        let full = full_doc();
        let batch = to_record_batch(&[(&full, Some("minhash_dedup.duplicate"))]).unwrap();
        let column = |name: &str| batch.column_by_name(name).unwrap().clone();
        assert_eq!(column("language").as_string::<i32>().value(0), "fr");
        assert_eq!(column("language_score").as_primitive::<Float64Type>().value(0), 0.93);
        assert_eq!(column("origin").as_string::<i32>().value(0), "in.jsonl#7");
        assert_eq!(
            column("removed_by").as_string::<i32>().value(0),
            "minhash_dedup.duplicate"
        );
        assert_eq!(column("minhash_cluster_id").as_primitive::<Int64Type>().value(0), -1);
        let tokens = column("tokens");
        let tokens = tokens.as_struct();
        assert_eq!(
            tokens
                .column_by_name("cl100k")
                .unwrap()
                .as_primitive::<Int64Type>()
                .value(0),
            14
        );
        let lines = column("removed_lines");
        let lines = lines.as_list::<i32>().value(0);
        let lines = lines.as_struct();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines.column(1).as_string::<i32>().value(1), "c4_quality.javascript");
        assert!(lines.column(2).is_null(1));
        let json: Value = serde_json::from_str(column("metadata").as_string::<i32>().value(0)).unwrap();
        assert_eq!(json, json!({"warc_type": "response", "title": "T"}));
    }

    #[test]
    fn values_a_typed_column_cannot_hold_stay_in_the_json_column() {
        let odd = [
            ("language", json!(5)),
            ("language", Value::Null),
            ("language_score", json!(1)),
            ("language_score", json!("0.9")),
            ("tokens", json!({"cl100k": 3, "o200k": 4})),
            ("tokens", json!({"o200k": null})),
            ("tokens", json!({"o200k": 1.5})),
            ("tokens", json!({"p50k": 3})),
            ("tokens", json!({"o200k": u64::MAX})),
            ("tokens", json!([])),
            ("removed_lines", json!([{"line": "x", "reason": "y", "at": null}])),
            ("removed_lines", json!([{"reason": "y", "line": "x"}])),
            ("removed_lines", json!([{"line": "x"}])),
            (
                "removed_lines",
                json!([{"line": "x", "reason": "y", "at": 1, "more": 0}]),
            ),
            ("removed_lines", json!([{"line": "x", "reason": "y", "at": 1.5}])),
            ("removed_lines", json!("x")),
            ("minhash_cluster_id", json!("c1")),
            ("minhash_cluster_id", json!(1.0)),
            ("minhash_cluster_size", json!(u64::MAX)),
            ("removed_by", json!(3)),
        ];
        let docs: Vec<_> = odd
            .iter()
            .enumerate()
            .map(|(i, (key, value))| doc(&format!("odd{i}"), json!({"before": 0, *key: value, "after": 1})))
            .collect();
        let cases: Vec<_> = docs.iter().map(|d| (d, None)).collect();
        let batch = to_record_batch(&cases).unwrap();
        for (i, (key, value)) in odd.iter().enumerate() {
            assert!(batch.column_by_name(key).unwrap().is_null(i), "{key} {value}");
            let json = batch
                .column_by_name("metadata")
                .unwrap()
                .as_string::<i32>()
                .value(i)
                .to_string();
            let json: Map<String, Value> = serde_json::from_str(&json).unwrap();
            assert_eq!(json.get(*key), Some(value));
        }
        for (got, (doc, by)) in round_trip(&cases).iter().zip(&cases) {
            assert_same(got, &expected(doc, *by));
        }
    }

    #[test]
    fn edge_values_that_fit_stay_typed() {
        let d = doc(
            "edge",
            json!({"tokens_note": {"o200k": 1}, "removed_lines": [], "language": "", "language_score": -0.0,
                   "tokens": {}, "minhash_cluster_id": i64::MIN}),
        );
        let batch = to_record_batch(&[(&d, None)]).unwrap();
        for key in [
            "tokens",
            "removed_lines",
            "language",
            "language_score",
            "minhash_cluster_id",
        ] {
            assert!(batch.column_by_name(key).unwrap().is_valid(0), "{key}");
        }
        assert_same(&round_trip(&[(&d, None)])[0], &expected(&d, None));
    }

    #[test]
    fn keys_added_after_a_typed_key_come_back_before_the_typed_keys() {
        let d = doc("pii", json!({"title": "T", "language": "fr", "pii": {"email": 1}}));
        let got = &round_trip(&[(&d, None)])[0];
        let want = expected(&d, None);
        assert_eq!(got.metadata, want.3);
        let keys: Vec<_> = got.metadata.keys().map(String::as_str).collect();
        assert_eq!(keys, ["title", "pii", "language", "origin"]);
    }

    #[test]
    fn raw_bodies_are_written_as_decoded_text() {
        let mut d = doc("raw", json!({}));
        d.body = Body::Raw {
            bytes: b"caf\xe9".to_vec(),
            content_type: "text/plain".into(),
            charset: Some("latin1".into()),
        };
        assert_eq!(round_trip(&[(&d, None)])[0].text(), Some("café"));
    }

    #[test]
    fn the_reader_table_carries_raw_payloads_back_to_documents() {
        let mut raw = doc("page", json!({"warc_type": "response"}));
        raw.url = Some("https://example.fr/a".into());
        raw.source.offset = Some(512);
        raw.body = Body::Raw {
            bytes: b"<p>caf\xe9</p>".to_vec(),
            content_type: "text/html".into(),
            charset: Some("latin1".into()),
        };
        let text = doc("t", json!({"k": 1}));
        let batch = to_reader_batch(&[raw.clone(), text.clone()]).unwrap();
        assert_eq!(batch.schema(), reader_schema());
        let back: Vec<Document> = from_record_batch(&batch, "in.warc.gz", 0, TEXT)
            .unwrap()
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            (back[0].id.as_str(), &back[0].body, &back[0].url),
            ("page", &raw.body, &raw.url)
        );
        assert_eq!(back[0].source.offset, Some(512));
        assert_eq!(back[0].metadata, raw.metadata);
        assert_eq!((back[1].text(), &back[1].metadata), (Some("text of t"), &text.metadata));
    }

    #[test]
    fn reads_plain_tables_of_any_string_and_metadata_types() {
        let metadata = StructArray::try_new(
            Fields::from(vec![
                Field::new("lang", DataType::Utf8, true),
                Field::new("n", DataType::Int64, true),
            ]),
            vec![
                Arc::new(StringArray::from(vec![Some("en"), None, Some("de")])),
                Arc::new(Int64Array::from(vec![1, 2, 3])),
            ],
            None,
        )
        .unwrap();
        let source: DictionaryArray<Int32Type> = vec!["cc", "cc", "wiki"].into_iter().collect();
        let columns: Vec<(&str, ArrayRef)> = vec![
            ("id", Arc::new(Int64Array::from(vec![Some(10), None, Some(12)]))),
            (
                "content",
                Arc::new(LargeStringArray::from(vec![Some("a"), Some("b"), None])),
            ),
            (
                "url",
                Arc::new(StringViewArray::from(vec![Some("https://x"), None, None])),
            ),
            ("metadata", Arc::new(metadata)),
            ("source", Arc::new(source)),
            ("score", Arc::new(Float32Array::from(vec![0.5, 0.25, 1.0]))),
            ("n", Arc::new(Int64Array::from(vec![100, 200, 300]))),
        ];
        let batch = RecordBatch::try_from_iter(columns).unwrap();
        let docs = from_record_batch(&batch, "t.parquet", 5, "content").unwrap();
        let a = docs[0].as_ref().unwrap();
        assert_eq!(
            (a.id.as_str(), a.text(), a.url.as_deref()),
            ("10", Some("a"), Some("https://x"))
        );
        // `metadata` keys first; a column of the same name (`n`) loses to them.
        assert_eq!(
            Value::Object(a.metadata.clone()),
            json!({"lang": "en", "n": 1, "source": "cc", "score": 0.5})
        );
        let b = docs[1].as_ref().unwrap();
        assert_eq!((b.id.as_str(), b.source.record), ("t.parquet#6", 6));
        assert_eq!(b.metadata["lang"], Value::Null);
        match &docs[2] {
            Err(Error::Record { kind, location, .. }) => assert_eq!((*kind, location.record), ("missing_text", 7)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_json_metadata_that_is_not_an_object_is_kept_as_a_key() {
        let batch = RecordBatch::try_from_iter(vec![
            ("text", Arc::new(StringArray::from(vec!["a", "b"])) as ArrayRef),
            (
                "metadata",
                Arc::new(StringArray::from(vec![r#"{"k": [1]}"#, "not json"])),
            ),
        ])
        .unwrap();
        let docs = from_record_batch(&batch, "t", 0, "text").unwrap();
        assert_eq!(docs[0].as_ref().unwrap().metadata["k"], json!([1]));
        assert_eq!(docs[1].as_ref().unwrap().metadata["metadata"], "not json");
    }

    #[test]
    fn a_missing_text_column_is_an_error_and_an_unreadable_column_a_record_error() {
        let batch =
            RecordBatch::try_from_iter(vec![("body", Arc::new(StringArray::from(vec!["a"])) as ArrayRef)]).unwrap();
        assert!(from_record_batch(&batch, "t", 0, "text").is_err());
        let interval = arrow_array::IntervalYearMonthArray::from(vec![1]);
        let batch = RecordBatch::try_from_iter(vec![
            ("text", Arc::new(StringArray::from(vec!["a"])) as ArrayRef),
            ("span", Arc::new(interval)),
        ])
        .unwrap();
        let docs = from_record_batch(&batch, "t", 0, "text").unwrap();
        assert!(matches!(
            &docs[0],
            Err(Error::Record {
                kind: "unsupported_column",
                ..
            })
        ));
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            // Floats exact in JSON text (serde_json's default parser may miss the last bit otherwise).
            (-4000i32..4000).prop_map(|n| Value::from(f64::from(n) / 8.0)),
            "[a-z]{0,3}".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            let keys = prop_oneof![
                Just("line"),
                Just("reason"),
                Just("at"),
                Just("o200k"),
                Just("cl100k"),
                Just("k")
            ];
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                proptest::collection::vec((keys, inner), 0..4)
                    .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn any_metadata_round_trips(
            entries in proptest::collection::vec((0usize..12, json_value()), 0..10),
            removed in proptest::option::of("[a-z._]{1,8}"),
        ) {
            const KEYS: [&str; 12] = [
                "removed_lines", "language", "language_score", "tokens", "origin", "minhash_cluster_id",
                "minhash_cluster_size", "removed_by", "metadata", "url", "a", "b",
            ];
            let metadata: Map<String, Value> = entries.into_iter().map(|(k, v)| (KEYS[k].to_string(), v)).collect();
            let d = doc("p", Value::Object(metadata));
            let got = &round_trip(&[(&d, removed.as_deref())])[0];
            proptest::prop_assert_eq!(&got.metadata, &expected(&d, removed.as_deref()).3);
        }
    }
}
