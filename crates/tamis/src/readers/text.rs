//! Whole-file readers: a `.txt` file is one text document (a scraped page); an `.html` file is one
//! raw HTML document awaiting extraction.

use crate::document::{Body, Document, Source};
use crate::error::{Error, Location, Result};

/// Decode a text file: BOM wins, else UTF-8, else Windows-1252 (the common mislabel on the web).
pub fn decode_text_file(bytes: &[u8]) -> (String, &'static str) {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return (text.into_owned(), enc.name());
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (text.into_owned(), "windows-1252")
        }
    }
}

/// Build the single document of a whole-file input.
pub fn whole_file_document(path: &str, bytes: Vec<u8>, html: bool, max_record_bytes: u64) -> Result<Document> {
    let source = Source {
        file: path.to_string(),
        record: 0,
        offset: Some(0),
    };
    if bytes.len() as u64 > max_record_bytes {
        return Err(Error::record(
            Location {
                file: path.to_string(),
                record: 0,
                offset: Some(0),
            },
            "record_too_large",
            format!(
                "file of {} bytes exceeds max_record_bytes {max_record_bytes}",
                bytes.len()
            ),
        ));
    }
    let mut doc = if html {
        Document {
            id: path.to_string(),
            body: Body::Raw {
                bytes,
                content_type: "text/html".into(),
                charset: None,
            },
            url: None,
            source,
            metadata: Default::default(),
        }
    } else {
        let (text, charset) = decode_text_file(&bytes);
        let mut doc = Document::new_text(path, text, source);
        if charset != "UTF-8" {
            doc.metadata.insert("charset".into(), charset.into());
        }
        doc
    };
    if html {
        doc.metadata.insert("content_type".into(), "text/html".into());
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_bom_utf8_and_latin1() {
        assert_eq!(decode_text_file(b"\xef\xbb\xbfhi").0, "hi");
        assert_eq!(decode_text_file("été".as_bytes()).0, "été");
        assert_eq!(decode_text_file(b"\xe9t\xe9"), ("été".to_string(), "windows-1252"));
    }
}
