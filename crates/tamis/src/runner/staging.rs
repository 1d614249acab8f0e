//! Passes before the last: a stage that needs a site-line index (`clean_lines` with `site_lines`)
//! must see counts over every document that reaches it. Instead of a serial pre-pass that reads and
//! extracts the corpus twice, the run splits there: the pass before it runs the earlier stages on
//! the workers, which also compute each surviving document's line keys, and stages every outcome —
//! removed records, errors and surviving documents — in input order, batch by batch, to
//! `.tamis/pass-K/NNNNN.bin.zst` (the keys to `NNNNN.keys`). The index is then built from the keys
//! alone and the next pass replays the staged batches with the same boundaries, so shards, reports
//! and resume points are exactly those of a single pass.
//!
//! The staged format is private to a run (it never outlives it): little-endian, length-prefixed.
//! A batch is `u64 length | u32 outcomes | u64 end file | u64 end record | outcomes`.

use super::checkpoint::Position;
use crate::clean::site_lines::DocLineKeys;
use crate::clean::{SiteLines, SiteLinesBuilder};
use crate::document::{Body, Document, Source};
use crate::error::{Error, Location, Result};
use crate::pipeline::{Alive, Failure, Item, Outcome};
use crate::tokens::{Encoding, Tally};
use crate::writers::sink::{chunk_paths, Record};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

const ALIVE: u8 = 0;
const DROPPED_LINE: u8 = 1;
const DROPPED_DOC: u8 = 2;
const FAILED: u8 = 3;

/// Encode one batch's outcomes (in order) and the line keys of its surviving documents.
pub(crate) fn encode_batch(outcomes: &[Outcome], end: Position, data: &mut Vec<u8>, keys: &mut Vec<u8>) {
    let start = data.len();
    put_u64(data, 0); // the batch's length, filled in below
    put_u32(data, outcomes.len() as u32);
    put_u64(data, end.file as u64);
    put_u64(data, end.record);
    for o in outcomes {
        match o {
            Outcome::Alive(a) => {
                data.push(ALIVE);
                put_doc(data, &a.doc);
                let (counted, counts, segments) = a.tally.parts();
                match counted {
                    Some((len, hash)) => {
                        data.push(1);
                        put_u64(data, len as u64);
                        put_u64(data, hash);
                    }
                    None => data.push(0),
                }
                put_u32(data, counts.len() as u32);
                counts.iter().for_each(|c| put_u64(data, *c));
                // The segments' counts let the next pass recount only what its stages change.
                put_u32(data, segments.len() as u32);
                for s in segments {
                    put_u32(data, s.len);
                    s.counts[..counts.len()].iter().for_each(|c| put_u32(data, *c));
                }
                if let Some(k) = &a.line_keys {
                    put_keys(keys, k);
                }
            }
            Outcome::Dropped {
                record: Record::Line(line),
                bytes,
            } => {
                data.push(DROPPED_LINE);
                put_u64(data, *bytes);
                put_bytes(data, line);
            }
            Outcome::Dropped {
                record: Record::Doc(doc, by),
                bytes,
            } => {
                data.push(DROPPED_DOC);
                put_u64(data, *bytes);
                put_doc(data, doc);
                put_opt_str(data, by.as_deref());
            }
            Outcome::Failed(f) => {
                data.push(FAILED);
                put_u32(data, f.slot as u32);
                put_str(data, &f.location.file);
                put_u64(data, f.location.record);
                put_opt_u64(data, f.location.offset);
                put_str(data, &f.kind);
                put_str(data, &f.message);
            }
        }
    }
    let len = (data.len() - start - 8) as u64;
    data[start..start + 8].copy_from_slice(&len.to_le_bytes());
}

fn put_keys(out: &mut Vec<u8>, k: &DocLineKeys) {
    out.extend_from_slice(&k.text_hash.to_le_bytes());
    put_u64(out, k.site);
    put_u32(out, k.keys.len() as u32);
    k.keys.iter().for_each(|x| put_u64(out, *x));
}

/// Build the site-line index of a pass from its keys files, in chunk order (the order the
/// documents came in, so pruning decides as a single pass over them would).
pub(crate) fn build_index(dir: &Path, chunks: u64, min_docs: u32, max_entries: usize) -> Result<SiteLines> {
    let mut builder = SiteLinesBuilder::new(min_docs, max_entries);
    for n in 0..chunks {
        let path = chunk_paths(dir, n).1;
        let data = match std::fs::read(&path) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::io(&path, e)),
        };
        let mut r = Cursor {
            data: &data,
            pos: 0,
            path: &path,
        };
        while r.pos < data.len() {
            let mut hash = [0u8; 16];
            hash.copy_from_slice(r.take(16)?);
            let site = r.u64()?;
            let n = r.u32()? as usize;
            let keys = (0..n).map(|_| r.u64()).collect::<Result<Vec<u64>>>()?;
            builder.add_keys(&DocLineKeys {
                text_hash: u128::from_le_bytes(hash),
                site,
                keys,
            });
        }
    }
    Ok(builder.finish())
}

/// Reads a pass's staged chunks back, batch by batch.
pub(crate) struct StagedBatches {
    dir: PathBuf,
    chunks: u64,
    chunk: u64,
    reader: Option<Box<dyn std::io::BufRead + Send>>,
    counter: Arc<AtomicU64>,
    /// Outcomes consumed in the current chunk.
    record: u64,
    /// Read this one file instead of numbered chunks.
    single: Option<PathBuf>,
}

impl StagedBatches {
    pub fn new(dir: &Path, chunks: u64, counter: Arc<AtomicU64>) -> Self {
        StagedBatches {
            dir: dir.to_path_buf(),
            chunks,
            chunk: 0,
            reader: None,
            counter,
            record: 0,
            single: None,
        }
    }

    /// One staged file of a distributed step (see `tasks.rs`).
    pub fn from_file(path: &Path) -> Self {
        let mut reader = StagedBatches::new(path.parent().unwrap_or(Path::new(".")), 1, Arc::default());
        reader.single = Some(path.to_path_buf());
        reader
    }

    /// Bytes of the staged chunks, for progress.
    pub fn total_bytes(dir: &Path, chunks: u64) -> u64 {
        (0..chunks)
            .filter_map(|n| std::fs::metadata(chunk_paths(dir, n).0).ok())
            .map(|m| m.len())
            .sum()
    }

    /// The next batch: its items and where it ends (chunk, outcomes consumed in it).
    pub fn next_batch(&mut self) -> Result<Option<(Vec<Item>, Position)>> {
        loop {
            if self.chunk >= self.chunks {
                return Ok(None);
            }
            let path = match &self.single {
                Some(p) => p.clone(),
                None => chunk_paths(&self.dir, self.chunk).0,
            };
            if self.reader.is_none() {
                self.reader = Some(crate::readers::open_decompressed(&path, Some(self.counter.clone()))?);
                self.record = 0;
            }
            let Some(reader) = self.reader.as_mut() else { continue };
            let mut len = [0u8; 8];
            match reader.read_exact(&mut len) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    self.reader = None;
                    self.chunk += 1;
                    continue;
                }
                Err(e) => return Err(Error::io(&path, e)),
            }
            let mut data = vec![0u8; u64::from_le_bytes(len) as usize];
            reader.read_exact(&mut data).map_err(|e| Error::io(&path, e))?;
            let items = decode_batch(&data, &path)?;
            self.record += items.len() as u64;
            let end = Position {
                file: self.chunk as usize,
                record: self.record,
            };
            return Ok(Some((items, end)));
        }
    }
}

fn decode_batch(data: &[u8], path: &Path) -> Result<Vec<Item>> {
    let mut r = Cursor { data, pos: 0, path };
    let n = r.u32()? as usize;
    // The end position is the reader's own count; it is stored for inspection only.
    r.u64()?;
    r.u64()?;
    let mut items = Vec::with_capacity(n);
    for _ in 0..n {
        let outcome = match r.u8()? {
            ALIVE => {
                let doc = r.doc()?;
                let counted = match r.u8()? {
                    0 => None,
                    _ => Some((r.u64()? as usize, r.u64()?)),
                };
                let n = r.u32()? as usize;
                let counts = (0..n).map(|_| r.u64()).collect::<Result<Vec<u64>>>()?;
                let mut segments = Vec::with_capacity(r.u32()? as usize);
                for _ in 0..segments.capacity() {
                    let len = r.u32()?;
                    let mut c = [0; Encoding::ALL.len()];
                    for c in c.iter_mut().take(n) {
                        *c = r.u32()?;
                    }
                    segments.push((len, c));
                }
                let tally = Tally::from_parts(counted, counts, &segments, doc.text());
                Outcome::Alive(Alive {
                    doc,
                    keys: Vec::new(),
                    line: None,
                    tally,
                    bands: None,
                    line_keys: None,
                })
            }
            DROPPED_LINE => {
                let bytes = r.u64()?;
                Outcome::Dropped {
                    record: Record::Line(r.bytes()?.to_vec()),
                    bytes,
                }
            }
            DROPPED_DOC => {
                let bytes = r.u64()?;
                let doc = r.doc()?;
                let by = r.opt_str()?;
                Outcome::Dropped {
                    record: Record::Doc(Box::new(doc), by),
                    bytes,
                }
            }
            FAILED => Outcome::Failed(Failure {
                slot: r.u32()? as usize,
                location: Location {
                    file: r.str()?,
                    record: r.u64()?,
                    offset: r.opt_u64()?,
                },
                kind: r.str()?,
                message: r.str()?,
            }),
            tag => return Err(r.corrupt(&format!("unknown outcome tag {tag}"))),
        };
        items.push(Item::Staged(outcome));
    }
    Ok(items)
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_u64(out, b.len() as u64);
    out.extend_from_slice(b);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_bytes(out, s.as_bytes());
}

fn put_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => {
            out.push(1);
            put_str(out, s);
        }
        None => out.push(0),
    }
}

fn put_opt_u64(out: &mut Vec<u8>, v: Option<u64>) {
    match v {
        Some(v) => {
            out.push(1);
            put_u64(out, v);
        }
        None => out.push(0),
    }
}

fn put_doc(out: &mut Vec<u8>, doc: &Document) {
    put_str(out, &doc.id);
    put_opt_str(out, doc.url.as_deref());
    put_str(out, &doc.source.file);
    put_u64(out, doc.source.record);
    put_opt_u64(out, doc.source.offset);
    match &doc.body {
        Body::Text(t) => {
            out.push(0);
            put_str(out, t);
        }
        Body::Raw {
            bytes,
            content_type,
            charset,
        } => {
            out.push(1);
            put_bytes(out, bytes);
            put_str(out, content_type);
            put_opt_str(out, charset.as_deref());
        }
    }
    // Serializing a map of JSON values cannot fail.
    let metadata = serde_json::to_vec(&doc.metadata).unwrap_or_default();
    put_bytes(out, &metadata);
}

struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
    path: &'a Path,
}

impl<'a> Cursor<'a> {
    fn corrupt(&self, what: &str) -> Error {
        Error::Fatal(format!(
            "{}: staged data is damaged ({what} at byte {}); delete the output directory to start over",
            self.path.display(),
            self.pos
        ))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let s = self
            .data
            .get(self.pos..self.pos.saturating_add(n))
            .ok_or_else(|| self.corrupt("truncated"))?;
        self.pos += n;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32> {
        let mut b = [0u8; 4];
        b.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(b))
    }

    fn u64(&mut self) -> Result<u64> {
        let mut b = [0u8; 8];
        b.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(b))
    }

    fn bytes(&mut self) -> Result<&'a [u8]> {
        let n = self.u64()? as usize;
        self.take(n)
    }

    fn str(&mut self) -> Result<String> {
        let b = self.bytes()?;
        String::from_utf8(b.to_vec()).map_err(|_| self.corrupt("invalid UTF-8"))
    }

    fn opt_str(&mut self) -> Result<Option<String>> {
        Ok(match self.u8()? {
            0 => None,
            _ => Some(self.str()?),
        })
    }

    fn opt_u64(&mut self) -> Result<Option<u64>> {
        Ok(match self.u8()? {
            0 => None,
            _ => Some(self.u64()?),
        })
    }

    fn doc(&mut self) -> Result<Document> {
        let id = self.str()?;
        let url = self.opt_str()?;
        let source = Source {
            file: self.str()?,
            record: self.u64()?,
            offset: self.opt_u64()?,
        };
        let body = match self.u8()? {
            0 => Body::Text(self.str()?),
            _ => Body::Raw {
                bytes: self.bytes()?.to_vec(),
                content_type: self.str()?,
                charset: self.opt_str()?,
            },
        };
        let metadata = serde_json::from_slice(self.bytes()?).map_err(|e| self.corrupt(&e.to_string()))?;
        Ok(Document {
            id,
            body,
            url,
            source,
            metadata,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, text: &str) -> Document {
        let mut d = Document::new_text(
            id,
            text,
            Source {
                file: "in/a.warc.gz".into(),
                record: 7,
                offset: Some(1234),
            },
        );
        d.url = Some("https://example.fr/a".into());
        d.metadata.insert("z".into(), 1.into());
        d.metadata.insert("a".into(), serde_json::json!({"nested": [1, "x"]}));
        d
    }

    #[test]
    fn staged_batches_come_back_as_they_were_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut alive_doc = doc("1", "Bonjour.\nSuivez-nous");
        alive_doc.body = Body::Raw {
            bytes: b"<p>x</p>".to_vec(),
            content_type: "text/html".into(),
            charset: None,
        };
        let outcomes = vec![
            Outcome::Alive(Alive {
                doc: doc("0", "Texte.\nPartagez"),
                keys: Vec::new(),
                line: None,
                tally: Tally::from_parts(Some((14, 99)), vec![3, 4], &[], None),
                bands: None,
                line_keys: crate::clean::site_lines::doc_line_keys(&doc("0", "Texte.\nPartagez")),
            }),
            Outcome::Alive(Alive {
                doc: alive_doc.clone(),
                keys: Vec::new(),
                line: None,
                tally: Tally::default(),
                bands: None,
                line_keys: None,
            }),
            Outcome::Dropped {
                record: Record::Line(b"{\"id\":\"2\"}\n".to_vec()),
                bytes: 10,
            },
            Outcome::Dropped {
                record: Record::Doc(Box::new(doc("3", "")), Some("extract.empty".into())),
                bytes: 0,
            },
            Outcome::Failed(Failure {
                slot: 2,
                location: Location {
                    file: "f".into(),
                    record: 9,
                    offset: None,
                },
                kind: "panic".into(),
                message: "boom".into(),
            }),
        ];
        let (mut data, mut keys) = (Vec::new(), Vec::new());
        let end = Position { file: 3, record: 5 };
        encode_batch(&outcomes, end, &mut data, &mut keys);
        encode_batch(&outcomes[2..3], end, &mut data, &mut keys);
        let (chunk, keys_path) = chunk_paths(dir.path(), 0);
        std::fs::write(&chunk, zstd::encode_all(&data[..], 1).unwrap()).unwrap();
        std::fs::write(keys_path, &keys).unwrap();

        let mut reader = StagedBatches::new(dir.path(), 1, Arc::default());
        let (items, end) = reader.next_batch().unwrap().unwrap();
        assert_eq!(end, Position { file: 0, record: 5 });
        let Item::Staged(Outcome::Alive(a)) = &items[0] else {
            panic!("not alive")
        };
        assert_eq!(a.doc, doc("0", "Texte.\nPartagez"));
        assert_eq!(a.tally.parts(), (Some((14, 99)), &[3u64, 4][..], &[][..]));
        let Item::Staged(Outcome::Alive(b)) = &items[1] else {
            panic!("not alive")
        };
        assert_eq!(b.doc, alive_doc);
        assert!(
            matches!(&items[2], Item::Staged(Outcome::Dropped { record: Record::Line(l), bytes: 10 }) if l == b"{\"id\":\"2\"}\n")
        );
        assert!(
            matches!(&items[3], Item::Staged(Outcome::Dropped { record: Record::Doc(d, Some(by)), .. }) if d.id == "3" && by == "extract.empty")
        );
        assert!(matches!(&items[4], Item::Staged(Outcome::Failed(f)) if f.slot == 2 && f.message == "boom"));
        let (items, end) = reader.next_batch().unwrap().unwrap();
        assert_eq!((items.len(), end), (1, Position { file: 0, record: 6 }));
        assert!(reader.next_batch().unwrap().is_none());

        let index = build_index(dir.path(), 1, 1, 1 << 10).unwrap();
        assert_eq!(index.documents, 1);
    }
}
