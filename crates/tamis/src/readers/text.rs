//! Whole-file readers: a `.txt` file is one text document (a scraped page); an `.html` file is one
//! raw HTML document awaiting extraction.

use crate::document::{Body, Document, Source};
use crate::error::{Error, Location, Result};

/// Decode a text file: BOM wins, else UTF-16 when every other byte is NUL (a BOM-less UTF-16
/// export), else UTF-8, else Windows-1252 (the common mislabel on the web). NUL characters are
/// dropped: no text format means them, and they would pass into kept text.
pub fn decode_text_file(bytes: &[u8]) -> (String, &'static str) {
    let (text, name) = decode_bytes(bytes);
    if text.contains('\0') {
        return (text.replace('\0', ""), name);
    }
    (text, name)
}

fn decode_bytes(bytes: &[u8]) -> (String, &'static str) {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return (text.into_owned(), enc.name());
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(bytes);
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

/// UTF-16 of mostly Latin text has a NUL as the high byte of nearly every unit: little-endian
/// when those sit at odd offsets. Judged on the first 4 KB; at least 9 in 10 units must show it.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(4096) & !1];
    let units = head.len() / 2;
    if units < 4 {
        return None;
    }
    let nul_at = |parity: usize| head.iter().skip(parity).step_by(2).filter(|&&b| b == 0).count();
    let (even, odd) = (nul_at(0), nul_at(1));
    if odd * 10 >= units * 9 && even * 10 < units {
        Some(encoding_rs::UTF_16LE)
    } else if even * 10 >= units * 9 && odd * 10 < units {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Build the single document of a whole-file input.
/// `bytes` holds at most `max_record_bytes + 1` of the file's `file_size` bytes.
pub fn whole_file_document(
    path: &str,
    bytes: Vec<u8>,
    file_size: u64,
    html: bool,
    max_record_bytes: u64,
) -> Result<Document> {
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
            format!("file of {file_size} bytes exceeds max_record_bytes {max_record_bytes}"),
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

    #[test]
    fn nul_bytes_never_reach_the_text() {
        assert_eq!(decode_text_file(b"one\0two\0\0"), ("onetwo".to_string(), "UTF-8"));
        let le: Vec<u8> = "Grüße aus Köln\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode_text_file(&le), ("Grüße aus Köln\n".to_string(), "UTF-16LE"));
        let be: Vec<u8> = "plain words".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode_text_file(&be), ("plain words".to_string(), "UTF-16BE"));
    }

    #[test]
    fn too_large_names_the_file_size() {
        let err = whole_file_document("big.txt", vec![b'x'; 11], 5_000, false, 10).unwrap_err();
        assert!(
            err.to_string()
                .contains("file of 5000 bytes exceeds max_record_bytes 10"),
            "{err}"
        );
    }
}
