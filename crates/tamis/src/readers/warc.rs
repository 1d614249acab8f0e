//! WARC and WET reader (WARC/1.0 and 1.1), gzip (one member per record or whole-file) or plain.
//!
//! `response` and `resource` records become raw-payload documents (HTTP headers parsed: status, content
//! type, charset); WET `conversion` records become text documents; other record types (warcinfo,
//! request, metadata, revisit) are skipped and counted. A truncated record is an error for that record;
//! after a corrupt gzip member or a malformed header the reader resynchronises on the next record.

use super::gzip::GzMembers;
use crate::document::{Body, Document, Source};
use crate::error::{Error, Location, Result};
use serde_json::Value;
use std::io::{self, BufRead, Read};

/// The byte stream under the WARC parser: gzip members or a plain file.
pub enum WarcStream<R: Read> {
    Gzip(Box<GzMembers<R>>),
    Plain { inner: io::BufReader<R>, pos: u64 },
}

impl<R: Read> WarcStream<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self {
            WarcStream::Gzip(g) => g.fill_buf(),
            WarcStream::Plain { inner, .. } => inner.fill_buf(),
        }
    }

    fn consume(&mut self, n: usize) {
        match self {
            WarcStream::Gzip(g) => g.consume(n),
            WarcStream::Plain { inner, pos } => {
                inner.consume(n);
                *pos += n as u64;
            }
        }
    }

    /// Offset users can seek to: the gzip member's compressed offset, or the byte offset of a plain file.
    fn offset(&mut self) -> u64 {
        // Step into the next member first, so the offset names the member the next byte comes from.
        let _ = self.fill_buf();
        match self {
            WarcStream::Gzip(g) => g.member_offset(),
            WarcStream::Plain { pos, .. } => *pos,
        }
    }

    /// Bytes of WARC data (after decompression) read so far.
    pub fn decompressed_bytes(&self) -> u64 {
        match self {
            WarcStream::Gzip(g) => g.decompressed_bytes(),
            WarcStream::Plain { pos, .. } => *pos,
        }
    }

    /// Read one line (through `\n`) into `line`, at most `max` bytes; returns bytes read (0 at EOF).
    fn read_line(&mut self, line: &mut Vec<u8>, max: usize) -> io::Result<usize> {
        line.clear();
        loop {
            let buf = self.fill_buf()?;
            if buf.is_empty() {
                return Ok(line.len());
            }
            let room = max.saturating_sub(line.len());
            let look = &buf[..buf.len().min(room.max(1))];
            match memchr::memchr(b'\n', look) {
                Some(i) => {
                    line.extend_from_slice(&look[..=i]);
                    self.consume(i + 1);
                    return Ok(line.len());
                }
                None => {
                    let n = look.len();
                    line.extend_from_slice(look);
                    self.consume(n);
                    if line.len() >= max {
                        return Err(io::Error::new(io::ErrorKind::InvalidData, "header line too long"));
                    }
                }
            }
        }
    }

    /// Append exactly `n` bytes to `out` (or skip them when `out` is None); returns bytes actually read.
    fn read_exact_into(&mut self, mut n: u64, mut out: Option<&mut Vec<u8>>) -> io::Result<u64> {
        let want = n;
        while n > 0 {
            let buf = self.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            let take = buf.len().min(n as usize);
            if let Some(out) = out.as_deref_mut() {
                out.extend_from_slice(&buf[..take]);
            }
            self.consume(take);
            n -= take as u64;
        }
        Ok(want - n)
    }
}

/// Reader options shared with the other formats.
#[derive(Debug, Clone)]
pub struct WarcOptions {
    /// Records with a larger block are skipped with a `record_too_large` error.
    pub max_record_bytes: u64,
}

pub struct WarcReader<R: Read> {
    stream: WarcStream<R>,
    file: String,
    record: u64,
    opts: WarcOptions,
    line: Vec<u8>,
    /// Set after an error: the next call first resynchronises.
    needs_resync: bool,
    done: bool,
    /// Records of types that carry no document (warcinfo, request, metadata, ...), by type.
    pub skipped: std::collections::BTreeMap<String, u64>,
}

#[derive(Default)]
struct Headers {
    warc_type: String,
    record_id: Option<String>,
    target_uri: Option<String>,
    date: Option<String>,
    content_type: Option<String>,
    content_length: Option<u64>,
    truncated: Option<String>,
    identified_payload_type: Option<String>,
}

const MAX_HEADER_LINE: usize = 64 << 10;

impl<R: Read> WarcReader<R> {
    pub fn new(stream: WarcStream<R>, file: String, opts: WarcOptions) -> Self {
        WarcReader {
            stream,
            file,
            record: 0,
            opts,
            line: Vec::with_capacity(256),
            needs_resync: false,
            done: false,
            skipped: Default::default(),
        }
    }

    pub fn stream(&self) -> &WarcStream<R> {
        &self.stream
    }

    fn loc(&self, offset: u64) -> Location {
        Location {
            file: self.file.clone(),
            record: self.record,
            offset: Some(offset),
        }
    }

    /// Skip to the next line that starts a WARC record, across a corrupt gzip member if needed.
    fn resync(&mut self) -> io::Result<bool> {
        let gzip = matches!(self.stream, WarcStream::Gzip(_));
        loop {
            if let WarcStream::Gzip(g) = &mut self.stream {
                if !g.resync()? {
                    return Ok(false);
                }
            }
            match self.skip_to_version() {
                Ok(found) => return Ok(found),
                // A gzip error while scanning: resynchronise on the next member and scan again.
                Err(_) if gzip => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn skip_to_version(&mut self) -> io::Result<bool> {
        loop {
            match self.peek_is_version()? {
                Some(true) => return Ok(true),
                None => return Ok(false),
                Some(false) => match self.stream.read_line(&mut self.line, MAX_HEADER_LINE) {
                    Ok(0) => return Ok(false),
                    Ok(_) => {}
                    // An over-long junk line: keep skipping.
                    Err(e) if e.kind() == io::ErrorKind::InvalidData && e.to_string() == "header line too long" => {}
                    Err(e) => return Err(e),
                },
            }
        }
    }

    /// Whether the stream is positioned at `WARC/`; None at EOF.
    fn peek_is_version(&mut self) -> io::Result<Option<bool>> {
        let buf = self.stream.fill_buf()?;
        if buf.is_empty() {
            return Ok(None);
        }
        if buf.len() >= 5 {
            return Ok(Some(buf.starts_with(b"WARC/")));
        }
        // Rare: a buffer boundary inside the magic; decide on what we have.
        Ok(Some(b"WARC/".starts_with(buf)))
    }

    fn next_record(&mut self) -> Option<Result<Document>> {
        loop {
            if self.done {
                return None;
            }
            if self.needs_resync {
                self.needs_resync = false;
                match self.resync() {
                    Ok(true) => {}
                    Ok(false) | Err(_) => {
                        self.done = true;
                        return None;
                    }
                }
            }
            match self.read_one() {
                Ok(Some(Some(doc))) => return Some(Ok(doc)),
                Ok(Some(None)) => continue,
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.needs_resync = true;
                    return Some(Err(e));
                }
            }
        }
    }

    /// Ok(None) at EOF; Ok(Some(None)) for a record that is not a document.
    fn read_one(&mut self) -> Result<Option<Option<Document>>> {
        // Skip blank lines between records (some writers add extra CRLFs).
        let offset;
        loop {
            let start = self.stream.offset();
            let n = self
                .stream
                .read_line(&mut self.line, MAX_HEADER_LINE)
                .map_err(|e| self.io_err(start, e))?;
            if n == 0 {
                return Ok(None);
            }
            if self.line.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            offset = start;
            break;
        }
        if !self.line.starts_with(b"WARC/") {
            if let Some(h) = parse_arc_header(trim_eol(&self.line)) {
                // ARC (the Internet Archive's pre-WARC format): one header line, then the block.
                let result = self.read_block(h, offset);
                self.record += 1;
                return result;
            }
            let shown = String::from_utf8_lossy(&self.line[..self.line.len().min(40)]).into_owned();
            let err = Error::record(
                self.loc(offset),
                "bad_warc_header",
                format!("expected a WARC/1.x version line, found {shown:?}"),
            );
            self.record += 1;
            return Err(err);
        }
        let headers = match self.read_headers(offset) {
            Ok(h) => h,
            Err(e) => {
                self.record += 1;
                return Err(e);
            }
        };
        let result = self.read_block(headers, offset);
        self.record += 1;
        result
    }

    fn io_err(&self, offset: u64, e: io::Error) -> Error {
        let kind = match e.kind() {
            io::ErrorKind::UnexpectedEof => "truncated_record",
            _ => "corrupt_input",
        };
        Error::record(self.loc(offset), kind, e.to_string())
    }

    fn read_headers(&mut self, offset: u64) -> Result<Headers> {
        let mut h = Headers::default();
        loop {
            let n = self
                .stream
                .read_line(&mut self.line, MAX_HEADER_LINE)
                .map_err(|e| self.io_err(offset, e))?;
            if n == 0 {
                return Err(Error::record(
                    self.loc(offset),
                    "truncated_record",
                    "input ends inside the WARC headers",
                ));
            }
            let line = trim_eol(&self.line);
            if line.is_empty() {
                break;
            }
            let Some(colon) = memchr::memchr(b':', line) else {
                continue; // continuation or junk line: nothing we need lives there
            };
            let name = &line[..colon];
            let value = String::from_utf8_lossy(&line[colon + 1..]).trim().to_string();
            if name.eq_ignore_ascii_case(b"WARC-Type") {
                h.warc_type = value.to_ascii_lowercase();
            } else if name.eq_ignore_ascii_case(b"WARC-Record-ID") {
                h.record_id = Some(value.trim_start_matches('<').trim_end_matches('>').to_string());
            } else if name.eq_ignore_ascii_case(b"WARC-Target-URI") {
                h.target_uri = Some(value.trim_start_matches('<').trim_end_matches('>').to_string());
            } else if name.eq_ignore_ascii_case(b"WARC-Date") {
                h.date = Some(value);
            } else if name.eq_ignore_ascii_case(b"Content-Type") {
                h.content_type = Some(value);
            } else if name.eq_ignore_ascii_case(b"Content-Length") {
                h.content_length = Some(value.parse().map_err(|_| {
                    Error::record(
                        self.loc(offset),
                        "bad_warc_header",
                        format!("Content-Length {value:?} is not a number"),
                    )
                })?);
            } else if name.eq_ignore_ascii_case(b"WARC-Truncated") {
                h.truncated = Some(value);
            } else if name.eq_ignore_ascii_case(b"WARC-Identified-Payload-Type") {
                h.identified_payload_type = Some(value);
            }
        }
        Ok(h)
    }

    fn read_block(&mut self, h: Headers, offset: u64) -> Result<Option<Option<Document>>> {
        let Some(len) = h.content_length else {
            return Err(Error::record(
                self.loc(offset),
                "bad_warc_header",
                "record has no Content-Length",
            ));
        };
        let is_doc = matches!(h.warc_type.as_str(), "response" | "resource" | "conversion");
        let keep = is_doc && len <= self.opts.max_record_bytes;
        let is_http = h.warc_type != "conversion"
            && h.content_type
                .as_deref()
                .is_some_and(|c| c.to_ascii_lowercase().starts_with("application/http"));
        // HTTP head read straight from the stream, so the payload lands in its own buffer uncopied.
        let mut head = Vec::new();
        let mut got = 0u64;
        if keep && is_http {
            got = self
                .read_http_head(len, &mut head)
                .map_err(|e| self.io_err(offset, e))?;
        }
        let mut block = Vec::new();
        if keep {
            block.reserve_exact((len - got) as usize);
        }
        got += self
            .stream
            .read_exact_into(len - got, if keep { Some(&mut block) } else { None })
            .map_err(|e| self.io_err(offset, e))?;
        if got < len {
            return Err(Error::record(
                self.loc(offset),
                "truncated_record",
                format!("record block has {got} of its {len} bytes (Content-Length)"),
            ));
        }
        self.skip_record_end();
        if let WarcStream::Gzip(g) = &mut self.stream {
            g.finish_member().map_err(|e| self.io_err(offset, e))?;
        }
        if !is_doc {
            *self
                .skipped
                .entry(if h.warc_type.is_empty() {
                    "unknown".into()
                } else {
                    h.warc_type.clone()
                })
                .or_default() += 1;
            return Ok(Some(None));
        }
        if !keep {
            return Err(Error::record(
                self.loc(offset),
                "record_too_large",
                format!(
                    "record block of {len} bytes exceeds max_record_bytes {}",
                    self.opts.max_record_bytes
                ),
            ));
        }
        Ok(Some(Some(self.make_document(h, head, block, offset))))
    }

    /// Read the HTTP status line and headers (through the blank line) of a block of `len` bytes.
    fn read_http_head(&mut self, len: u64, head: &mut Vec<u8>) -> io::Result<u64> {
        let mut used = 0u64;
        while used < len {
            let max = (len - used).min(MAX_HEADER_LINE as u64) as usize;
            let read = self.stream.read_line(&mut self.line, max);
            used += self.line.len() as u64;
            head.extend_from_slice(&self.line);
            match read {
                Ok(0) => break,
                Ok(_) if trim_eol(&self.line).is_empty() => break,
                Ok(_) => {}
                // A line that fills the block or the limit: the rest is body.
                Err(e) if e.kind() == io::ErrorKind::InvalidData => break,
                Err(e) => return Err(e),
            }
            if !self.line.ends_with(b"\n") {
                break;
            }
        }
        Ok(used)
    }

    /// Consume the CRLFs that end a record; tolerant of missing or extra ones.
    fn skip_record_end(&mut self) {
        for _ in 0..4 {
            match self.stream.fill_buf() {
                Ok(buf) if !buf.is_empty() && (buf[0] == b'\r' || buf[0] == b'\n') => self.stream.consume(1),
                _ => break,
            }
        }
    }

    fn make_document(&self, h: Headers, head: Vec<u8>, block: Vec<u8>, offset: u64) -> Document {
        let source = Source {
            file: self.file.clone(),
            record: self.record,
            offset: Some(offset),
        };
        let id = h
            .record_id
            .clone()
            .unwrap_or_else(|| crate::document::derived_id(&self.file, self.record));
        let mut metadata = serde_json::Map::new();
        metadata.insert("warc_type".into(), Value::from(h.warc_type.clone()));
        if let Some(d) = &h.date {
            metadata.insert("warc_date".into(), Value::from(d.clone()));
        }
        if let Some(t) = &h.truncated {
            metadata.insert("warc_truncated".into(), Value::from(t.clone()));
        }
        let warc_ct = h.content_type.clone().unwrap_or_default();
        let body = if h.warc_type == "conversion" {
            Body::Text(String::from_utf8_lossy(&block).into_owned())
        } else if warc_ct.to_ascii_lowercase().starts_with("application/http") {
            let http = parse_http(&head, block);
            if let Some(status) = http.status {
                metadata.insert("http_status".into(), Value::from(status));
            }
            let (mime, charset) = http.content_type.as_deref().map(split_content_type).unwrap_or_default();
            let mime = if mime.is_empty() {
                h.identified_payload_type.clone().unwrap_or_default()
            } else {
                mime
            };
            metadata.insert("content_type".into(), Value::from(mime.clone()));
            if let Some(c) = &charset {
                metadata.insert("charset".into(), Value::from(c.clone()));
            }
            Body::Raw {
                bytes: http.body,
                content_type: mime,
                charset,
            }
        } else {
            let (mime, charset) = split_content_type(&warc_ct);
            metadata.insert("content_type".into(), Value::from(mime.clone()));
            Body::Raw {
                bytes: block,
                content_type: mime,
                charset,
            }
        };
        Document {
            id,
            body,
            url: h.target_uri,
            source,
            metadata,
        }
    }
}

impl<R: Read> Iterator for WarcReader<R> {
    type Item = Result<Document>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_record()
    }
}

/// An ARC v1/v2 record header line: `URL IP DATE CONTENT-TYPE [...] LENGTH`.
fn parse_arc_header(line: &[u8]) -> Option<Headers> {
    let line = std::str::from_utf8(line).ok()?;
    let fields: Vec<&str> = line.split_whitespace().collect();
    if fields.len() < 5 || !(fields[0].contains("://") || fields[0].starts_with("filedesc:")) {
        return None;
    }
    let length: u64 = fields.last()?.parse().ok()?;
    let url = fields[0];
    let filedesc = url.starts_with("filedesc:");
    Some(Headers {
        warc_type: if filedesc {
            "arc_filedesc".into()
        } else {
            "response".into()
        },
        record_id: None,
        target_uri: (!filedesc).then(|| url.to_string()),
        date: Some(fields[2].to_string()),
        // ARC blocks of http(s) URLs hold the HTTP response; others hold the bare payload.
        content_type: Some(if url.starts_with("http") {
            "application/http; msgtype=response".to_string()
        } else {
            fields[3].to_string()
        }),
        content_length: Some(length),
        truncated: None,
        identified_payload_type: Some(fields[3].to_string()),
    })
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && (line[end - 1] == b'\n' || line[end - 1] == b'\r') {
        end -= 1;
    }
    &line[..end]
}

/// `text/html; charset=UTF-8` -> (`text/html`, Some(`utf-8`)).
pub fn split_content_type(value: &str) -> (String, Option<String>) {
    let mut parts = value.split(';');
    let mime = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let charset = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(|c| c == '"' || c == '\'').to_ascii_lowercase())
    });
    (mime, charset.filter(|c| !c.is_empty()))
}

struct Http {
    status: Option<u16>,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// Parse an HTTP response: the head (status line + headers) and the body that followed it
/// (de-chunked, gzip/deflate decoded).
fn parse_http(head: &[u8], body: Vec<u8>) -> Http {
    let head = String::from_utf8_lossy(head);
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok());
    let (mut content_type, mut chunked, mut encoding) = (None, false, None);
    for line in lines {
        let Some((k, v)) = line.split_once(':') else { continue };
        let (k, v) = (k.trim(), v.trim());
        if k.eq_ignore_ascii_case("content-type") {
            content_type = Some(v.to_string());
        } else if k.eq_ignore_ascii_case("transfer-encoding") {
            chunked = v.to_ascii_lowercase().contains("chunked");
        } else if k.eq_ignore_ascii_case("content-encoding") {
            encoding = Some(v.to_ascii_lowercase());
        }
    }
    let mut body = body;
    if chunked {
        if let Some(d) = dechunk(&body) {
            body = d;
        }
    }
    // A body that fails to decode is kept as sent.
    let decoded = match encoding.as_deref() {
        Some("gzip") | Some("x-gzip") => read_capped(flate2::read::MultiGzDecoder::new(&body[..])),
        Some("deflate") => read_capped(flate2::read::ZlibDecoder::new(&body[..])),
        _ => None,
    };
    if let Some(d) = decoded {
        body = d;
    }
    Http {
        status,
        content_type,
        body,
    }
}

/// Decompress a content-encoded body, at most 64 MiB of it.
fn read_capped(reader: impl Read) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    reader.take(64 << 20).read_to_end(&mut out).ok().map(|_| out)
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    loop {
        let nl = memchr::memchr(b'\n', data)?;
        let size_str = std::str::from_utf8(&data[..nl]).ok()?.trim();
        let size_str = size_str.split(';').next()?.trim();
        let size = usize::from_str_radix(size_str, 16).ok()?;
        data = &data[nl + 1..];
        if size == 0 {
            return Some(out);
        }
        if data.len() < size {
            return None;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size..];
        if data.starts_with(b"\r\n") {
            data = &data[2..];
        } else if data.starts_with(b"\n") {
            data = &data[1..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_content_type() {
        assert_eq!(
            split_content_type("text/HTML; Charset=\"UTF-8\""),
            ("text/html".to_string(), Some("utf-8".to_string()))
        );
        assert_eq!(split_content_type("image/png"), ("image/png".to_string(), None));
    }

    #[test]
    fn dechunks_http_body() {
        assert_eq!(
            dechunk(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").unwrap(),
            b"hello world"
        );
        assert!(dechunk(b"zz\r\nhello").is_none());
    }
}
