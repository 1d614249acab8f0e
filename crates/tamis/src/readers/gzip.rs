//! Gzip reader that knows its member boundaries.
//!
//! Common Crawl ships WARC/WET files as one gzip member per record. `flate2::MultiGzDecoder` hides the
//! boundaries and gives up at the first corrupt member; this reader exposes the compressed offset of the
//! current member (the record offset users need to find a record) and can resynchronise on the next
//! member after corruption, so a damaged member costs that record only. Inflate itself is flate2/zlib-rs.

use super::inflate::{Inflated, Inflater};
use flate2::{Crc, Decompress, FlushDecompress, Status};
use std::io::{self, BufRead, Read};

const IN_BUF: usize = 4 << 20;
/// The fast path wants this much compressed input buffered (more than a typical record member);
/// topping up only below it keeps buffer compaction copies rare.
const WHOLE_IN: usize = 1 << 20;
const OUT_BUF: usize = 256 << 10;
/// Members whose output would exceed this are left to the streaming path.
const MAX_WHOLE_OUT: usize = 64 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Header,
    Deflate,
    Trailer,
    Eof,
}

pub struct GzMembers<R> {
    inner: R,
    inbuf: Vec<u8>,
    in_start: usize,
    in_end: usize,
    inner_eof: bool,
    /// Compressed bytes consumed before `inbuf[in_start]`.
    pos: u64,
    member_start: u64,
    state: State,
    decomp: Decompress,
    crc: Crc,
    out: Vec<u8>,
    out_start: usize,
    out_end: usize,
    total_out: u64,
    fast: Option<Inflater>,
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

impl<R: Read> GzMembers<R> {
    pub fn new(inner: R) -> Self {
        GzMembers {
            inner,
            inbuf: vec![0; IN_BUF],
            in_start: 0,
            in_end: 0,
            inner_eof: false,
            pos: 0,
            member_start: 0,
            state: State::Header,
            decomp: Decompress::new(false),
            crc: Crc::new(),
            out: vec![0; OUT_BUF],
            out_start: 0,
            out_end: 0,
            total_out: 0,
            fast: Inflater::new(),
        }
    }

    /// Compressed offset of the member the next decompressed byte belongs to.
    pub fn member_offset(&self) -> u64 {
        self.member_start
    }

    /// Decompressed bytes produced so far.
    pub fn decompressed_bytes(&self) -> u64 {
        self.total_out
    }

    /// Make at least `n` compressed bytes available unless the input ends first.
    fn ensure(&mut self, n: usize) -> io::Result<usize> {
        while self.in_end - self.in_start < n && !self.inner_eof {
            // Compact, but keep the current member's bytes (up to half the buffer) so that
            // `resync` can rescan them after corruption.
            let base = self.pos - self.in_start as u64;
            let member_at = self.member_start.saturating_sub(base) as usize;
            let keep_from = if self.member_start >= base && self.in_start - member_at <= IN_BUF / 2 {
                member_at
            } else {
                self.in_start
            };
            if keep_from > 0 {
                self.inbuf.copy_within(keep_from..self.in_end, 0);
                self.in_end -= keep_from;
                self.in_start -= keep_from;
            }
            if self.in_end == self.inbuf.len() {
                self.inbuf.resize(self.inbuf.len() * 2, 0);
            }
            let read = self.inner.read(&mut self.inbuf[self.in_end..])?;
            if read == 0 {
                self.inner_eof = true;
            }
            self.in_end += read;
        }
        Ok(self.in_end - self.in_start)
    }

    fn consume_in(&mut self, n: usize) {
        self.in_start += n;
        self.pos += n as u64;
    }

    fn read_header(&mut self) -> io::Result<bool> {
        self.member_start = self.pos;
        if self.ensure(10)? == 0 {
            self.state = State::Eof;
            return Ok(false);
        }
        let avail = self.in_end - self.in_start;
        let h = &self.inbuf[self.in_start..self.in_end];
        if avail < 10 || h[0] != 0x1f || h[1] != 0x8b || h[2] != 8 {
            return Err(invalid(format!("no gzip member header at byte offset {}", self.pos)));
        }
        let flags = h[3];
        let mut len = 10usize;
        if flags & 0x04 != 0 {
            if self.ensure(len + 2)? < len + 2 {
                return Err(truncated(self.member_start));
            }
            let h = &self.inbuf[self.in_start..];
            len += 2 + u16::from_le_bytes([h[len], h[len + 1]]) as usize;
        }
        for flag in [0x08u8, 0x10] {
            if flags & flag != 0 {
                loop {
                    if self.ensure(len + 1)? < len + 1 {
                        return Err(truncated(self.member_start));
                    }
                    len += 1;
                    if self.inbuf[self.in_start + len - 1] == 0 {
                        break;
                    }
                }
            }
        }
        if flags & 0x02 != 0 {
            len += 2;
        }
        if self.ensure(len)? < len {
            return Err(truncated(self.member_start));
        }
        self.consume_in(len);
        self.decomp.reset(false);
        self.crc.reset();
        self.state = State::Deflate;
        self.try_whole_member()?;
        Ok(true)
    }

    /// Fast path: inflate the whole member from the buffered input in one call. On success the
    /// output buffer holds the member and the state moves to the trailer; otherwise nothing changed
    /// and the streaming path takes the member.
    fn try_whole_member(&mut self) -> io::Result<()> {
        if self.fast.is_none() {
            return Ok(());
        }
        // Top the buffer up so that a typical member is entirely present.
        if self.in_end - self.in_start < WHOLE_IN && !self.inner_eof {
            self.ensure(WHOLE_IN)?;
        }
        loop {
            let Some(fast) = self.fast.as_mut() else { return Ok(()) };
            match fast.inflate(&self.inbuf[self.in_start..self.in_end], &mut self.out) {
                Inflated::Done(used, made) => {
                    self.consume_in(used);
                    self.crc.update(&self.out[..made]);
                    self.out_start = 0;
                    self.out_end = made;
                    self.total_out += made as u64;
                    self.state = State::Trailer;
                    return Ok(());
                }
                Inflated::NeedSpace if self.out.len() < MAX_WHOLE_OUT => {
                    let grown = self.out.len() * 2;
                    self.out.resize(grown, 0);
                }
                Inflated::NeedSpace | Inflated::Failed => return Ok(()),
            }
        }
    }

    fn read_trailer(&mut self) -> io::Result<()> {
        if self.ensure(8)? < 8 {
            return Err(truncated(self.member_start));
        }
        let t = &self.inbuf[self.in_start..self.in_start + 8];
        let crc = u32::from_le_bytes([t[0], t[1], t[2], t[3]]);
        let size = u32::from_le_bytes([t[4], t[5], t[6], t[7]]);
        if crc != self.crc.sum() || size != self.crc.amount() {
            return Err(invalid(format!(
                "gzip member at byte offset {}: CRC or length mismatch",
                self.member_start
            )));
        }
        self.consume_in(8);
        self.state = State::Header;
        Ok(())
    }

    /// If the current member's data is used up, read and verify its trailer now (CRC and length),
    /// so a damaged member is charged to the record it holds, not to the next one.
    pub fn finish_member(&mut self) -> io::Result<()> {
        if self.state == State::Trailer && self.out_start == self.out_end {
            self.read_trailer()?;
        }
        Ok(())
    }

    /// After an error: skip to the next gzip member header after the failed member's start.
    /// Returns false when no further member exists.
    pub fn resync(&mut self) -> io::Result<bool> {
        self.out_start = 0;
        self.out_end = 0;
        // A damaged member can run on into the members after it (a corrupt length or end-of-block
        // code): scan again from just after its start while those bytes are still buffered.
        let base = self.pos - self.in_start as u64;
        if self.member_start >= base {
            self.in_start = (self.member_start - base) as usize;
            self.pos = self.member_start;
        }
        if self.pos == self.member_start && self.ensure(1)? > 0 {
            self.consume_in(1);
        }
        loop {
            let avail = self.ensure(3)?;
            if avail < 3 {
                let n = avail;
                self.consume_in(n);
                self.state = State::Eof;
                self.member_start = self.pos;
                return Ok(false);
            }
            let hay = &self.inbuf[self.in_start..self.in_end];
            match memchr::memmem::find(hay, &[0x1f, 0x8b, 0x08]) {
                Some(i) => {
                    self.consume_in(i);
                    self.state = State::Header;
                    self.member_start = self.pos;
                    return Ok(true);
                }
                None => {
                    // Keep the last two bytes: a header may straddle the buffer end.
                    let n = hay.len() - 2;
                    self.consume_in(n);
                }
            }
        }
    }

    fn fill(&mut self) -> io::Result<()> {
        while self.out_start == self.out_end {
            match self.state {
                State::Eof => return Ok(()),
                State::Header => {
                    if !self.read_header()? {
                        return Ok(());
                    }
                }
                State::Trailer => self.read_trailer()?,
                State::Deflate => {
                    if self.ensure(1)? == 0 {
                        return Err(truncated(self.member_start));
                    }
                    let before_in = self.decomp.total_in();
                    let before_out = self.decomp.total_out();
                    let status = self
                        .decomp
                        .decompress(
                            &self.inbuf[self.in_start..self.in_end],
                            &mut self.out,
                            FlushDecompress::None,
                        )
                        .map_err(|e| {
                            invalid(format!("corrupt gzip member at byte offset {}: {e}", self.member_start))
                        })?;
                    let used = (self.decomp.total_in() - before_in) as usize;
                    let made = (self.decomp.total_out() - before_out) as usize;
                    self.consume_in(used);
                    self.crc.update(&self.out[..made]);
                    self.out_start = 0;
                    self.out_end = made;
                    self.total_out += made as u64;
                    if status == Status::StreamEnd {
                        self.state = State::Trailer;
                    } else if used == 0 && made == 0 && self.inner_eof {
                        return Err(truncated(self.member_start));
                    }
                }
            }
        }
        Ok(())
    }
}

fn truncated(offset: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("gzip member at byte offset {offset} is truncated"),
    )
}

impl<R: Read> Read for GzMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for GzMembers<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.fill()?;
        Ok(&self.out[self.out_start..self.out_end])
    }

    fn consume(&mut self, amt: usize) {
        self.out_start = (self.out_start + amt).min(self.out_end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn member(data: &[u8]) -> Vec<u8> {
        let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn reads_concatenated_members() {
        let mut bytes = member(b"hello ");
        bytes.extend(member(b"world"));
        let mut s = String::new();
        GzMembers::new(&bytes[..]).read_to_string(&mut s).unwrap();
        assert_eq!(s, "hello world");
    }

    #[test]
    fn resyncs_after_corrupt_member() {
        let a = member(&vec![b'a'; 5000]);
        let mut b = member(&vec![b'b'; 5000]);
        let c = member(b"ccc");
        let mid = b.len() / 2;
        b[mid] ^= 0xff;
        b[mid + 1] ^= 0x55;
        let mut bytes = a.clone();
        bytes.extend(&b);
        bytes.extend(&c);
        let mut gz = GzMembers::new(&bytes[..]);
        let mut out = Vec::new();
        let err = loop {
            match gz.fill_buf() {
                Ok([]) => panic!("corruption not detected"),
                Ok(buf) => {
                    let n = buf.len();
                    out.extend_from_slice(buf);
                    gz.consume(n);
                }
                Err(e) => break e,
            }
        };
        assert!(err.to_string().contains(&format!("offset {}", a.len())), "{err}");
        assert!(out.len() >= 5000);
        assert!(gz.resync().unwrap());
        let mut rest = Vec::new();
        gz.read_to_end(&mut rest).unwrap();
        assert!(rest.ends_with(b"ccc"));
    }

    #[test]
    fn truncated_member_is_an_error() {
        let a = member(&vec![b'x'; 10000]);
        let mut gz = GzMembers::new(&a[..a.len() - 20]);
        let mut out = Vec::new();
        let err = gz.read_to_end(&mut out).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    }
}
