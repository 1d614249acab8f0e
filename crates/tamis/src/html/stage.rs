//! The `extract` stage: raw HTML payloads (WARC `response` records, `.html` files) become text
//! documents with page metadata. Text documents pass unchanged.
//!
//! A payload is HTML when its content type says so and its bytes do not look binary, or when the
//! content type is missing or generic (`text/plain`, `application/octet-stream`, …) and the bytes
//! start like HTML (WHATWG sniffing patterns). Everything else is removed as `not_html`.

use super::extract::{extract, ExtractConfig};
use crate::document::{Body, Document};
use crate::stage::{Stage, StageError, Verdict};

/// Not an HTML payload (image, PDF, binary, JSON, …).
pub const NOT_HTML: &str = "not_html";
/// Over `max_bytes`.
pub const TOO_LARGE: &str = "too_large";
/// Over the per-page work budget (`max_work`).
pub const OVER_BUDGET: &str = "over_budget";
/// No main-content text.
pub const EMPTY: &str = "empty";

impl ExtractConfig {
    pub fn example() -> Self {
        ExtractConfig::default()
    }
}

pub struct Extract {
    config: ExtractConfig,
}

impl Extract {
    pub fn new(config: ExtractConfig) -> Self {
        Extract { config }
    }
}

/// Magic numbers of common binary payloads.
fn looks_binary(bytes: &[u8]) -> bool {
    const MAGIC: &[&[u8]] = &[
        b"%PDF",
        b"\x89PNG",
        b"GIF8",
        b"\xFF\xD8\xFF",
        b"PK\x03\x04",
        b"\x1F\x8B",
        b"RIFF",
        b"\0\0\x01\0",
    ];
    MAGIC.iter().any(|m| bytes.starts_with(m)) || {
        let head = bytes.get(..1024).unwrap_or(bytes);
        // UTF-16 pages have NULs; their BOM says so.
        !head.starts_with(b"\xFF\xFE") && !head.starts_with(b"\xFE\xFF") && head.contains(&0)
    }
}

/// Whether the bytes start like HTML (after whitespace and a UTF-8 BOM).
pub fn sniff_html(bytes: &[u8]) -> bool {
    const PATTERNS: &[&[u8]] = &[
        b"<!doctype html",
        b"<html",
        b"<head",
        b"<script",
        b"<iframe",
        b"<h1",
        b"<div",
        b"<font",
        b"<table",
        b"<a",
        b"<style",
        b"<title",
        b"<b",
        b"<body",
        b"<br",
        b"<p",
        b"<!--",
        b"<meta",
        b"<link",
    ];
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    let b = &b[start..];
    PATTERNS.iter().any(|p| {
        b.len() > p.len()
            && b[..p.len()].eq_ignore_ascii_case(p)
            && (p == b"<!--" || matches!(b[p.len()], b' ' | b'>' | b'\t' | b'\n' | b'\r' | b'\x0c'))
    })
}

/// Whether a payload with this MIME type (lower case, no parameters) goes through extraction.
pub fn is_html(mime: &str, bytes: &[u8]) -> bool {
    if looks_binary(bytes) {
        return false;
    }
    match mime {
        "text/html" | "application/xhtml+xml" => true,
        "" | "text/plain" | "application/octet-stream" | "unknown/unknown" | "application/unknown" => sniff_html(bytes),
        _ => false,
    }
}

impl Stage for Extract {
    fn process(&self, doc: &mut Document) -> Result<Verdict, StageError> {
        let Body::Raw {
            bytes,
            content_type,
            charset,
        } = &doc.body
        else {
            return Ok(Verdict::Keep);
        };
        if !is_html(content_type, bytes) {
            return Ok(Verdict::Drop(NOT_HTML));
        }
        let header = charset.as_ref().map(|c| format!("text/html; charset={c}"));
        let e = match extract(bytes, header.as_deref(), doc.url.as_deref(), &self.config) {
            Ok(e) => e,
            Err(e) => {
                return Ok(Verdict::Drop(match e.reason() {
                    "too_large" => TOO_LARGE,
                    _ => OVER_BUDGET,
                }))
            }
        };
        if e.text.trim().is_empty() {
            return Ok(Verdict::Drop(EMPTY));
        }
        if let Ok(serde_json::Value::Object(meta)) = serde_json::to_value(&e.meta) {
            for (k, v) in meta {
                let key = if k == "lang" { "html_lang".to_owned() } else { k };
                doc.metadata.insert(key, v);
            }
        }
        doc.metadata.insert("encoding".into(), e.encoding.into());
        doc.metadata.insert("encoding_source".into(), e.encoding_source.into());
        doc.metadata.insert("extract_zone".into(), e.zone.into());
        if e.truncated {
            doc.metadata.insert("extract_truncated".into(), true.into());
        }
        doc.body = Body::Text(e.text);
        Ok(Verdict::Keep)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::test_doc;

    fn raw(mime: &str, bytes: &[u8]) -> Document {
        let mut d = test_doc("");
        d.body = Body::Raw {
            bytes: bytes.to_vec(),
            content_type: mime.into(),
            charset: None,
        };
        d
    }

    fn run(d: &mut Document, config: ExtractConfig) -> Verdict {
        Extract::new(config).process(d).unwrap_or(Verdict::Drop("error"))
    }

    #[test]
    fn extracts_html_into_text_and_metadata() {
        let mut d = raw(
            "text/html",
            b"<html lang=en><title>T</title><body><nav>Menu</nav><p>Body text.</p></body></html>",
        );
        assert_eq!(run(&mut d, ExtractConfig::default()), Verdict::Keep);
        assert_eq!(d.text(), Some("Body text."));
        assert_eq!(d.metadata.get("title").and_then(|v| v.as_str()), Some("T"));
        assert_eq!(d.metadata.get("html_lang").and_then(|v| v.as_str()), Some("en"));
        assert_eq!(d.metadata.get("encoding").and_then(|v| v.as_str()), Some("UTF-8"));
    }

    #[test]
    fn sniffs_html_when_the_type_is_generic() {
        let mut d = raw("", b"\n <!DOCTYPE html><p>Sniffed.</p>");
        assert_eq!(run(&mut d, ExtractConfig::default()), Verdict::Keep);
        assert_eq!(d.text(), Some("Sniffed."));
    }

    #[test]
    fn drops_non_html_payloads() {
        for (mime, bytes) in [
            ("image/png", &b"\x89PNGxxxx"[..]),
            ("text/html", b"%PDF-1.7 lying header"),
            ("application/json", b"{\"a\": 1}"),
            ("", b"plain words, no markup"),
            ("text/html", b"a\0b"),
        ] {
            assert_eq!(
                run(&mut raw(mime, bytes), ExtractConfig::default()),
                Verdict::Drop(NOT_HTML),
                "{mime}"
            );
        }
    }

    #[test]
    fn drops_too_large_pages() {
        let config = ExtractConfig {
            max_bytes: 8,
            ..ExtractConfig::default()
        };
        assert_eq!(
            run(&mut raw("text/html", b"<p>too large</p>"), config),
            Verdict::Drop(TOO_LARGE)
        );
    }

    #[test]
    fn drops_pages_over_the_work_budget() {
        let config = ExtractConfig {
            max_work: 100_000,
            ..ExtractConfig::default()
        };
        let page = "<p>word </p>".repeat(50_000);
        assert_eq!(
            run(&mut raw("text/html", page.as_bytes()), config),
            Verdict::Drop(OVER_BUDGET)
        );
    }

    #[test]
    fn drops_empty_pages() {
        assert_eq!(
            run(
                &mut raw("text/html", b"<html><script>x()</script><nav>menu</nav></html>"),
                ExtractConfig::default()
            ),
            Verdict::Drop(EMPTY)
        );
    }

    #[test]
    fn keeps_text_documents_unchanged() {
        let mut d = test_doc("already text");
        assert_eq!(run(&mut d, ExtractConfig::default()), Verdict::Keep);
        assert_eq!(d.text(), Some("already text"));
    }
}
