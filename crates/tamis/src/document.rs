//! The one document type that flows through the whole pipeline.

use serde_json::{Map, Value};

/// What a document carries: text, or a raw payload still to be decoded/extracted (HTML from WARC).
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Text(String),
    Raw {
        bytes: Vec<u8>,
        /// MIME type without parameters, lower case (`text/html`).
        content_type: String,
        /// Charset from the HTTP header, when given.
        charset: Option<String>,
    },
}

/// Where a document came from: input file, record index and byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub file: String,
    pub record: u64,
    pub offset: Option<u64>,
}

impl Source {
    pub fn location(&self) -> crate::Location {
        crate::Location {
            file: self.file.clone(),
            record: self.record,
            offset: self.offset,
        }
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The form of derived ids (`derived_id`), so one `FILE#RECORD` names a document everywhere.
        write!(f, "{}#{}", self.file, self.record)
    }
}

/// A document: id, body, url, source and free-form metadata (kept as ordered JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// From the input (JSONL `id`, `WARC-Record-ID`) or derived from source + record index.
    pub id: String,
    pub body: Body,
    pub url: Option<String>,
    pub source: Source,
    pub metadata: Map<String, Value>,
}

impl Document {
    /// A text document with empty metadata.
    pub fn new_text(id: impl Into<String>, text: impl Into<String>, source: Source) -> Self {
        Document {
            id: id.into(),
            body: Body::Text(text.into()),
            url: None,
            source,
            metadata: Map::new(),
        }
    }

    /// The text, if this is a text document.
    pub fn text(&self) -> Option<&str> {
        match &self.body {
            Body::Text(t) => Some(t),
            Body::Raw { .. } => None,
        }
    }

    /// Size of the body in bytes.
    pub fn byte_len(&self) -> usize {
        match &self.body {
            Body::Text(t) => t.len(),
            Body::Raw { bytes, .. } => bytes.len(),
        }
    }

    /// Record an annotate-mode verdict (`stage.reason`) in `metadata.flagged_by`.
    pub fn flag(&mut self, by: String) {
        let flags = self
            .metadata
            .entry(crate::metadata::keys::FLAGGED_BY)
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(a) = flags {
            a.push(by.into());
        }
    }

    /// The body as text: raw payloads are decoded with their charset (UTF-8 when unknown/invalid).
    pub fn text_lossy(&self) -> std::borrow::Cow<'_, str> {
        match &self.body {
            Body::Text(t) => std::borrow::Cow::Borrowed(t),
            Body::Raw { bytes, charset, .. } => decode_bytes(bytes, charset.as_deref()),
        }
    }
}

/// Decode bytes with a declared charset (WHATWG labels); BOM wins; invalid sequences become U+FFFD.
pub fn decode_bytes<'a>(bytes: &'a [u8], charset: Option<&str>) -> std::borrow::Cow<'a, str> {
    let encoding = charset
        .and_then(|c| encoding_rs::Encoding::for_label(c.trim().as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    let (text, _, _) = encoding.decode(bytes);
    text
}

/// A stable id derived from the source when the input has none.
pub fn derived_id(file: &str, record: u64) -> String {
    format!("{file}#{record}")
}

/// A text document with a fixed source, for unit tests of stages.
#[cfg(test)]
pub(crate) fn test_doc(text: &str) -> Document {
    Document::new_text(
        "d",
        text,
        Source {
            file: "f".into(),
            record: 0,
            offset: None,
        },
    )
}
