//! Payload filter for raw records (WARC responses, .html files): removes what can never become text —
//! images, PDF, binaries — and HTTP responses that are not successes.

use crate::document::{Body, Document};
use crate::stage::{Stage, StageError, Verdict};
use serde::{Deserialize, Serialize};

pub const NOT_TEXT: &str = "not_text";
pub const HTTP_STATUS: &str = "http_status";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PayloadConfig {
    /// Keep only HTTP statuses 200–299 (responses without a status pass).
    pub require_success: bool,
}

impl Default for PayloadConfig {
    fn default() -> Self {
        PayloadConfig { require_success: true }
    }
}

impl PayloadConfig {
    pub fn example() -> Self {
        PayloadConfig::default()
    }
}

pub struct Payload {
    config: PayloadConfig,
}

impl Payload {
    pub fn new(config: PayloadConfig) -> Self {
        Payload { config }
    }
}

/// MIME types whose payload is text a later stage can use.
pub fn is_textual(mime: &str, bytes: &[u8]) -> bool {
    if mime.is_empty() {
        // No declared type: sniff for binary content (NUL bytes in the first KiB).
        return !bytes[..bytes.len().min(1024)].contains(&0);
    }
    mime.starts_with("text/")
        || mime.ends_with("+xml")
        || mime.ends_with("/xml")
        || mime.ends_with("/json")
        || mime == "application/xhtml+xml"
}

impl Stage for Payload {
    fn process(&self, doc: &mut Document) -> Result<Verdict, StageError> {
        let Body::Raw {
            bytes, content_type, ..
        } = &doc.body
        else {
            return Ok(Verdict::Keep);
        };
        if self.config.require_success {
            if let Some(status) = doc.metadata.get("http_status").and_then(|s| s.as_u64()) {
                if !(200..300).contains(&status) {
                    return Ok(Verdict::Drop(HTTP_STATUS));
                }
            }
        }
        if !is_textual(content_type, bytes) {
            return Ok(Verdict::Drop(NOT_TEXT));
        }
        Ok(Verdict::Keep)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::test_doc;

    fn raw(mime: &str, bytes: &[u8], status: Option<u64>) -> Document {
        let mut d = test_doc("");
        d.body = Body::Raw {
            bytes: bytes.to_vec(),
            content_type: mime.into(),
            charset: None,
        };
        if let Some(s) = status {
            d.metadata.insert("http_status".into(), s.into());
        }
        d
    }

    fn run(d: &mut Document) -> Verdict {
        Payload::new(PayloadConfig::default()).process(d).unwrap()
    }

    #[test]
    fn keeps_html_and_text() {
        assert_eq!(run(&mut raw("text/html", b"<p>x</p>", Some(200))), Verdict::Keep);
        assert_eq!(run(&mut raw("", b"plain words", None)), Verdict::Keep);
    }

    #[test]
    fn drops_images_and_binaries() {
        assert_eq!(
            run(&mut raw("image/png", b"\x89PNG", Some(200))),
            Verdict::Drop(NOT_TEXT)
        );
        assert_eq!(run(&mut raw("", b"a\0b", None)), Verdict::Drop(NOT_TEXT));
    }

    #[test]
    fn drops_http_errors() {
        assert_eq!(
            run(&mut raw("text/html", b"gone", Some(404))),
            Verdict::Drop(HTTP_STATUS)
        );
    }
}
