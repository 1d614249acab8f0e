//! JSONL reader in the dolma/datatrove layout: `id`, `text`, `url`?, `metadata`?; plain, gzip or zstd.

use crate::document::{derived_id, Body, Document, Source};
use crate::error::{Error, Location, Result};
use serde_json::{Map, Value};
use std::io::{BufRead, Read};

pub struct JsonlReader<R> {
    inner: R,
    file: String,
    text_field: String,
    max_record_bytes: u64,
    record: u64,
    offset: u64,
    line: Vec<u8>,
    done: bool,
}

impl<R: BufRead> JsonlReader<R> {
    pub fn new(inner: R, file: String, text_field: String, max_record_bytes: u64) -> Self {
        JsonlReader {
            inner,
            file,
            text_field,
            max_record_bytes,
            record: 0,
            offset: 0,
            line: Vec::new(),
            done: false,
        }
    }

    fn loc(&self, offset: u64) -> Location {
        Location {
            file: self.file.clone(),
            record: self.record,
            offset: Some(offset),
        }
    }

    /// Skip the rest of an over-long line without buffering it.
    fn skip_line(&mut self) -> std::io::Result<u64> {
        let mut skipped = 0u64;
        loop {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                return Ok(skipped);
            }
            if let Some(i) = memchr::memchr(b'\n', buf) {
                self.inner.consume(i + 1);
                return Ok(skipped + i as u64 + 1);
            }
            let n = buf.len();
            self.inner.consume(n);
            skipped += n as u64;
        }
    }
}

impl<R: BufRead> Iterator for JsonlReader<R> {
    type Item = Result<Document>;

    fn next(&mut self) -> Option<Result<Document>> {
        loop {
            if self.done {
                return None;
            }
            self.line.clear();
            let start = self.offset;
            let limit = self.max_record_bytes.saturating_add(1);
            let read = (&mut self.inner).take(limit).read_until(b'\n', &mut self.line);
            let n = match read {
                Ok(n) => n,
                Err(e) => {
                    // The stream itself failed (corrupt compression): nothing after this point is reliable.
                    self.done = true;
                    let kind = if e.kind() == std::io::ErrorKind::UnexpectedEof {
                        "truncated_record"
                    } else {
                        "corrupt_input"
                    };
                    return Some(Err(Error::record(self.loc(start), kind, e.to_string())));
                }
            };
            if n == 0 {
                return None;
            }
            self.offset += n as u64;
            if n as u64 == limit && self.line.last() != Some(&b'\n') {
                let skipped = self.skip_line().unwrap_or(0);
                self.offset += skipped;
                let err = Error::record(
                    self.loc(start),
                    "record_too_large",
                    format!("line longer than max_record_bytes {}", self.max_record_bytes),
                );
                self.record += 1;
                return Some(Err(err));
            }
            if self.line.iter().all(|b| b.is_ascii_whitespace()) {
                continue; // blank lines are not records
            }
            let result = parse_record(&self.line, &self.text_field, &self.file, self.record, start);
            self.record += 1;
            return Some(result);
        }
    }
}

fn parse_record(line: &[u8], text_field: &str, file: &str, record: u64, offset: u64) -> Result<Document> {
    let loc = || Location {
        file: file.to_string(),
        record,
        offset: Some(offset),
    };
    let mut obj: Map<String, Value> =
        serde_json::from_slice(line).map_err(|e| Error::record(loc(), "bad_json", e.to_string()))?;
    let text = match obj.remove(text_field) {
        Some(Value::String(s)) => s,
        Some(Value::Null) | None => {
            return Err(Error::record(
                loc(),
                "missing_text",
                format!("no string field {text_field:?}"),
            ));
        }
        Some(other) => {
            return Err(Error::record(
                loc(),
                "missing_text",
                format!("field {text_field:?} is {}, not a string", json_kind(&other)),
            ))
        }
    };
    let id = match obj.remove("id") {
        Some(Value::String(s)) => s,
        Some(Value::Number(n)) => n.to_string(),
        _ => derived_id(file, record),
    };
    let mut metadata = match obj.remove("metadata") {
        Some(Value::Object(m)) => m,
        Some(Value::Null) | None => Map::new(),
        Some(other) => {
            let mut m = Map::new();
            m.insert("metadata".into(), other);
            m
        }
    };
    let url = match obj.remove("url") {
        Some(Value::String(s)) => Some(s),
        _ => metadata.get("url").and_then(Value::as_str).map(str::to_string),
    };
    // Other top-level fields (dolma's `source`, `added`, ...) are kept in the metadata.
    for (k, v) in obj {
        metadata.entry(k).or_insert(v);
    }
    Ok(Document {
        id,
        body: Body::Text(text),
        url,
        source: Source {
            file: file.to_string(),
            record,
            offset: Some(offset),
        },
        metadata,
    })
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &str) -> Vec<Result<Document>> {
        JsonlReader::new(input.as_bytes(), "f.jsonl".into(), "text".into(), 1 << 20).collect()
    }

    #[test]
    fn reads_dolma_layout_and_keeps_extra_fields() {
        let docs = read("{\"id\":\"a\",\"text\":\"hi\",\"source\":\"cc\",\"metadata\":{\"url\":\"http://x\"}}\n\n{\"id\":7,\"text\":\"yo\"}\n");
        assert_eq!(docs.len(), 2);
        let a = docs[0].as_ref().unwrap();
        assert_eq!(a.id, "a");
        assert_eq!(a.url.as_deref(), Some("http://x"));
        assert_eq!(a.metadata["source"], "cc");
        assert_eq!(docs[1].as_ref().unwrap().id, "7");
        assert_eq!(docs[1].as_ref().unwrap().source.record, 1);
    }

    #[test]
    fn bad_lines_are_record_errors_with_offsets() {
        let docs = read("{\"text\":\"ok\"}\n{broken\n{\"id\":\"x\"}\n{\"text\":\"last\"}\n");
        assert_eq!(docs.len(), 4);
        match &docs[1] {
            Err(Error::Record { kind, location, .. }) => {
                assert_eq!(*kind, "bad_json");
                assert_eq!(location.offset, Some(14));
                assert_eq!(location.record, 1);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            &docs[2],
            Err(Error::Record {
                kind: "missing_text",
                ..
            })
        ));
        assert_eq!(docs[3].as_ref().unwrap().text(), Some("last"));
        assert_eq!(docs[0].as_ref().unwrap().id, "f.jsonl#0");
    }

    #[test]
    fn over_long_line_is_skipped() {
        let long = format!("{{\"text\":\"{}\"}}\n{{\"text\":\"b\"}}\n", "a".repeat(100));
        let docs: Vec<_> = JsonlReader::new(long.as_bytes(), "f".into(), "text".into(), 50).collect();
        assert!(matches!(
            &docs[0],
            Err(Error::Record {
                kind: "record_too_large",
                ..
            })
        ));
        assert_eq!(docs[1].as_ref().unwrap().text(), Some("b"));
    }
}
