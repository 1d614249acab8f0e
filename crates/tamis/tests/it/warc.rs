//! WARC/WET reading: HTTP parsing, corrupt gzip members, truncated records.

use crate::common::*;
use tamis::readers::{self, InputFile, InputFormat};
use tamis::{Body, Error};

fn corpus() -> (Vec<u8>, Vec<u64>) {
    let mut bytes = Vec::new();
    let mut offsets = Vec::new();
    let mut push = |rec: Vec<u8>, bytes: &mut Vec<u8>| {
        offsets.push(bytes.len() as u64);
        bytes.extend(gzip_member(&rec));
    };
    push(
        warc_record("warcinfo", "0", "", "application/warc-fields", b"software: test\r\n"),
        &mut bytes,
    );
    for i in 0..5 {
        let html = format!("<html><body><p>page {i} caf\u{e9}</p></body></html>");
        push(
            response_record(
                &format!("r{i}"),
                &format!("https://example.org/{i}"),
                "text/html; charset=UTF-8",
                html.as_bytes(),
            ),
            &mut bytes,
        );
    }
    push(
        warc_record(
            "conversion",
            "wet",
            "https://example.org/t",
            "text/plain",
            "plain text body".as_bytes(),
        ),
        &mut bytes,
    );
    (bytes, offsets)
}

fn read_all(bytes: &[u8]) -> Vec<tamis::Result<tamis::Document>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.warc.gz");
    std::fs::write(&path, bytes).unwrap();
    let input = InputFile {
        path,
        format: InputFormat::Warc,
        size: bytes.len() as u64,
        error: None,
    };
    readers::open(&input, &Default::default(), None).collect()
}

#[test]
fn reads_responses_and_conversions() {
    let (bytes, offsets) = corpus();
    let docs: Vec<_> = read_all(&bytes).into_iter().map(Result::unwrap).collect();
    assert_eq!(docs.len(), 6);
    let first = &docs[0];
    assert_eq!(first.id, "urn:uuid:r0");
    assert_eq!(first.url.as_deref(), Some("https://example.org/0"));
    assert_eq!(first.metadata["http_status"], 200);
    assert_eq!(first.source.offset, Some(offsets[1]));
    match &first.body {
        Body::Raw {
            bytes,
            content_type,
            charset,
        } => {
            assert_eq!(content_type, "text/html");
            assert_eq!(charset.as_deref(), Some("utf-8"));
            assert!(bytes.starts_with(b"<html>"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(docs[5].text(), Some("plain text body"));
}

/// Exactly one error, a `corrupt_input` at the third response's member, and every other record read.
fn assert_only_r2_lost(items: &[tamis::Result<tamis::Document>], offset: u64) {
    let errors: Vec<_> = items.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        matches!(errors[0], Error::Record { location, kind: "corrupt_input", .. } if location.offset == Some(offset)),
        "{errors:?}"
    );
    let ids: Vec<_> = items
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|d| d.id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "urn:uuid:r0",
            "urn:uuid:r1",
            "urn:uuid:r3",
            "urn:uuid:r4",
            "urn:uuid:wet"
        ]
    );
}

#[test]
fn a_corrupt_member_costs_only_its_record() {
    let (mut bytes, offsets) = corpus();
    // Damage the deflate data of the third response (member index 3).
    let start = offsets[3] as usize;
    let end = offsets[4] as usize;
    for b in &mut bytes[start + 14..end - 10] {
        *b ^= 0x5a;
    }
    assert_only_r2_lost(&read_all(&bytes), offsets[3]);
}

#[test]
fn a_crc_mismatch_fails_the_record_it_belongs_to() {
    let (mut bytes, offsets) = corpus();
    // The CRC-32 is the trailer's first 4 bytes, 8 bytes before the next member.
    bytes[offsets[4] as usize - 8] ^= 0xff;
    assert_only_r2_lost(&read_all(&bytes), offsets[3]);
}

#[test]
fn a_truncated_file_gives_a_truncated_record_error() {
    let (bytes, offsets) = corpus();
    let cut = &bytes[..offsets[4] as usize + 40];
    let items = read_all(cut);
    assert_eq!(items.iter().filter(|r| r.is_ok()).count(), 3);
    let last = items.last().unwrap();
    assert!(
        matches!(
            last,
            Err(Error::Record {
                kind: "truncated_record",
                ..
            })
        ),
        "{last:?}"
    );
}

#[test]
fn a_short_block_in_a_plain_warc_is_truncated_not_short_text() {
    let mut rec = warc_record("conversion", "a", "u", "text/plain", b"0123456789");
    // Claim more bytes than the file holds.
    let text = String::from_utf8(rec.clone())
        .unwrap()
        .replace("Content-Length: 10", "Content-Length: 99");
    rec = text.into_bytes();
    rec.truncate(rec.len() - 4);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.warc");
    std::fs::write(&path, &rec).unwrap();
    let input = InputFile {
        path,
        format: InputFormat::Warc,
        size: rec.len() as u64,
        error: None,
    };
    let items: Vec<_> = readers::open(&input, &Default::default(), None).collect();
    assert_eq!(items.len(), 1);
    assert!(
        matches!(
            &items[0],
            Err(Error::Record {
                kind: "truncated_record",
                ..
            })
        ),
        "{:?}",
        items[0]
    );
}

#[test]
fn chunked_http_payloads_are_decoded() {
    let body = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n";
    let rec = warc_record("response", "c", "u", "application/http; msgtype=response", body);
    let items = read_all(&gzip_member(&rec));
    let doc = items[0].as_ref().unwrap();
    assert!(matches!(&doc.body, Body::Raw { bytes, .. } if bytes == b"Wikipedia"));
}

#[test]
fn arc_files_and_lz4_warcs_are_read() {
    let body = http_block(200, "text/html", b"<p>arc page</p>");
    let mut arc = b"filedesc://x.arc 0.0.0.0 20140101000000 text/plain 15\n1 0 Test\nURL IP\n\n".to_vec();
    arc.extend(format!("http://example.com/a 1.2.3.4 20140101000000 text/html {}\n", body.len()).into_bytes());
    arc.extend(&body);
    arc.push(b'\n');
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.arc");
    std::fs::write(&path, &arc).unwrap();
    let input = InputFile {
        path,
        format: InputFormat::Warc,
        size: arc.len() as u64,
        error: None,
    };
    let docs: Vec<_> = readers::open(&input, &Default::default(), None)
        .map(Result::unwrap)
        .collect();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].url.as_deref(), Some("http://example.com/a"));
    assert!(matches!(&docs[0].body, Body::Raw { bytes, .. } if bytes == b"<p>arc page</p>"));

    let (warc, _) = corpus();
    let plain = {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&warc[..])
            .read_to_end(&mut out)
            .unwrap();
        out
    };
    let mut enc = lz4_flex::frame::FrameEncoder::new(Vec::new());
    std::io::Write::write_all(&mut enc, &plain).unwrap();
    let lz4 = enc.finish().unwrap();
    let path = dir.path().join("x.warc.lz4");
    std::fs::write(&path, &lz4).unwrap();
    let input = InputFile {
        path,
        format: InputFormat::Warc,
        size: lz4.len() as u64,
        error: None,
    };
    let n = readers::open(&input, &Default::default(), None)
        .filter(|d| d.is_ok())
        .count();
    assert_eq!(n, 6);
}

#[test]
fn gzip_content_encoding_is_decoded() {
    let page = b"<html><body>compressed page</body></html>";
    let mut block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
    block.extend(gzip_member(page));
    let rec = warc_record("response", "g", "u", "application/http; msgtype=response", &block);
    let items = read_all(&gzip_member(&rec));
    let doc = items[0].as_ref().unwrap();
    assert!(matches!(&doc.body, Body::Raw { bytes, .. } if bytes == page));
}

mod arbitrary_input {
    use super::*;
    use proptest::prelude::*;

    fn read_bytes(bytes: &[u8], name: &str, format: InputFormat) -> usize {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let input = InputFile {
            path,
            format,
            size: bytes.len() as u64,
            error: None,
        };
        // Any outcome but a panic or a hang is fine; every item is a document or a record error.
        readers::open(&input, &Default::default(), None).take(10_000).count()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn readers_survive_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            read_bytes(&bytes, "x.warc", InputFormat::Warc);
            read_bytes(&bytes, "x.jsonl", InputFormat::Jsonl);
            read_bytes(&bytes, "x.txt", InputFormat::Txt);
        }

        /// A real WARC.gz with bytes flipped anywhere: the reader goes on and still returns the
        /// records whose members are intact.
        #[test]
        fn warc_gz_survives_flipped_bytes(flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..6)) {
            let (mut bytes, offsets) = corpus();
            let mut damaged = std::collections::BTreeSet::new();
            for (at, xor) in flips {
                let i = at.index(bytes.len());
                bytes[i] ^= xor;
                damaged.insert(offsets.iter().rposition(|&o| o as usize <= i).unwrap());
            }
            let items: Vec<_> = {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("x.warc.gz");
                std::fs::write(&path, &bytes).unwrap();
                let input = InputFile { path, format: InputFormat::Warc, size: bytes.len() as u64 , error: None,};
                readers::open(&input, &Default::default(), None).take(1000).collect()
            };
            let ok = items.iter().filter(|r| r.is_ok()).count();
            // Records 1..=6 are documents (0 is warcinfo); undamaged ones must all be read.
            let intact = (1..offsets.len()).filter(|m| !damaged.contains(m)).count();
            prop_assert!(ok >= intact, "read {ok} documents, {intact} members intact");
        }
    }
}
