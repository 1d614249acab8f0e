//! Beyond-RAM LSH: band keys → per-band sorted runs on disk → k-way merge → candidate pairs →
//! union-find.
//!
//! Every document with a signature contributes one `(band key, doc id)` record per band. Records
//! are buffered per band up to a byte budget; when it fills, each band's buffer is sorted and
//! written as a run file (12-byte records). At the end the runs of one band are merged (a heap
//! over the run heads); equal keys are adjacent in the merged stream, and each record of a group
//! forms a candidate pair with the group's first (lowest) doc id. Pairs go straight into the
//! union-find instead of being spilled: the union-find is a dense `u32` parent per document (4 bytes
//! a document, e.g. 400 MB for 100 M documents), which is the only per-document state kept in
//! memory, and spilling pairs would only re-read them into that same array.
//!
//! Determinism: the merged stream is ordered by `(key, doc id)`, a total order, so it does not
//! depend on where the buffers were cut into runs (memory budget) or on the thread count; a
//! cluster's root is always its lowest doc id (first in input order), which is the copy kept.

use crate::error::{Error, Result};
use std::collections::{BinaryHeap, HashMap};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

const RECORD: usize = 12;
/// In-memory cost of one buffered record (`(u64, u32)` is padded to 16 bytes).
const RECORD_MEM: usize = 16;

/// Collects `(band key, doc id)` records, spilling sorted runs to `dir` when the budget fills.
pub struct BandRuns {
    dir: PathBuf,
    buffers: Vec<Vec<(u64, u32)>>,
    buffered: usize,
    max_records: usize,
    runs: Vec<Vec<PathBuf>>,
    /// Records pushed in total.
    pub records: u64,
}

impl BandRuns {
    /// `budget_bytes` bounds the buffered records (at least a few thousand records are buffered).
    pub fn new(bands: usize, dir: &Path, budget_bytes: u64) -> Self {
        let max_records = usize::try_from(budget_bytes / RECORD_MEM as u64)
            .unwrap_or(usize::MAX)
            .max(bands * 64);
        BandRuns {
            dir: dir.to_path_buf(),
            buffers: vec![Vec::new(); bands],
            buffered: 0,
            max_records,
            runs: vec![Vec::new(); bands],
            records: 0,
        }
    }

    /// Add one document's band keys (`keys.len()` must equal the number of bands).
    pub fn push(&mut self, doc: u32, keys: &[u64]) -> Result<()> {
        for (buffer, &key) in self.buffers.iter_mut().zip(keys) {
            buffer.push((key, doc));
        }
        self.buffered += keys.len();
        self.records += keys.len() as u64;
        if self.buffered >= self.max_records {
            self.spill()?;
        }
        Ok(())
    }

    /// Number of run files written so far (all bands).
    pub fn spilled_runs(&self) -> usize {
        self.runs.iter().map(Vec::len).sum()
    }

    fn spill(&mut self) -> Result<()> {
        for (band, buffer) in self.buffers.iter_mut().enumerate() {
            if buffer.is_empty() {
                continue;
            }
            buffer.sort_unstable();
            let path = self
                .dir
                .join(format!("band{band:03}-run{:05}.bin", self.runs[band].len()));
            let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
            let mut w = BufWriter::with_capacity(1 << 20, file);
            for &(key, doc) in buffer.iter() {
                w.write_all(&key.to_le_bytes())
                    .and_then(|()| w.write_all(&doc.to_le_bytes()))
                    .map_err(|e| Error::io(&path, e))?;
            }
            w.flush().map_err(|e| Error::io(&path, e))?;
            self.runs[band].push(path);
            // Give the memory back: the next fill may be smaller (last partial run).
            *buffer = Vec::new();
        }
        self.buffered = 0;
        Ok(())
    }

    /// Merge each band's records in `(key, doc)` order and call `on_pair(first, other)` for every
    /// record that shares its key with the lowest doc id of its group. `merge_budget` bounds the
    /// read buffers of the runs of one band.
    pub fn for_each_candidate(self, merge_budget: u64, mut on_pair: impl FnMut(u32, u32) -> Result<()>) -> Result<()> {
        self.for_each_record(merge_budget, |_, _, first, doc| {
            if first != doc {
                on_pair(first, doc)?;
            }
            Ok(())
        })
    }

    /// Merge each band's records in `(key, doc)` order and call `on(band, key, first, doc)` for
    /// every record, `first` being the lowest doc id sharing its key in that band (`first == doc`
    /// for the first record of each key).
    pub fn for_each_record(
        mut self,
        merge_budget: u64,
        mut on: impl FnMut(usize, u64, u32, u32) -> Result<()>,
    ) -> Result<()> {
        // Once anything went to disk, everything does: one merge path over files.
        if self.spilled_runs() > 0 {
            self.spill()?;
        }
        let buffers = std::mem::take(&mut self.buffers);
        for (band, mut buffer) in buffers.into_iter().enumerate() {
            let runs = std::mem::take(&mut self.runs[band]);
            let mut on_band = |key, first, doc| on(band, key, first, doc);
            if runs.is_empty() {
                buffer.sort_unstable();
                scan_groups(buffer.into_iter().map(Ok), &mut on_band)?;
            } else {
                let per_run = usize::try_from(merge_budget / runs.len() as u64)
                    .unwrap_or(1 << 20)
                    .clamp(4 << 10, 1 << 20);
                let merged = Merge::open(&runs, per_run)?;
                scan_groups(merged, &mut on_band)?;
                for path in &runs {
                    std::fs::remove_file(path).map_err(|e| Error::io(path, e))?;
                }
            }
        }
        Ok(())
    }
}

fn scan_groups(
    records: impl Iterator<Item = Result<(u64, u32)>>,
    on: &mut impl FnMut(u64, u32, u32) -> Result<()>,
) -> Result<()> {
    let mut group: Option<(u64, u32)> = None;
    for record in records {
        let (key, doc) = record?;
        let first = match group {
            Some((k, first)) if k == key => first,
            _ => {
                group = Some((key, doc));
                doc
            }
        };
        on(key, first, doc)?;
    }
    Ok(())
}

struct RunReader {
    reader: BufReader<File>,
    path: PathBuf,
}

impl RunReader {
    fn next(&mut self) -> Result<Option<(u64, u32)>> {
        let mut buf = [0u8; RECORD];
        match self.reader.read_exact(&mut buf) {
            Ok(()) => {
                let (k, d) = buf.split_at(8);
                let key = u64::from_le_bytes(k.try_into().unwrap_or_default());
                let doc = u32::from_le_bytes(d.try_into().unwrap_or_default());
                Ok(Some((key, doc)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(None),
            Err(e) => Err(Error::io(&self.path, e)),
        }
    }
}

/// K-way merge of sorted run files.
struct Merge {
    runs: Vec<RunReader>,
    heap: BinaryHeap<std::cmp::Reverse<(u64, u32, usize)>>,
    failed: bool,
}

impl Merge {
    fn open(paths: &[PathBuf], buffer: usize) -> Result<Self> {
        let mut runs = Vec::with_capacity(paths.len());
        let mut heap = BinaryHeap::with_capacity(paths.len());
        for (i, path) in paths.iter().enumerate() {
            let file = File::open(path).map_err(|e| Error::io(path, e))?;
            let mut run = RunReader {
                reader: BufReader::with_capacity(buffer, file),
                path: path.clone(),
            };
            if let Some((k, d)) = run.next()? {
                heap.push(std::cmp::Reverse((k, d, i)));
            }
            runs.push(run);
        }
        Ok(Merge {
            runs,
            heap,
            failed: false,
        })
    }
}

impl Iterator for Merge {
    type Item = Result<(u64, u32)>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let std::cmp::Reverse((key, doc, i)) = self.heap.pop()?;
        match self.runs[i].next() {
            Ok(Some((k, d))) => self.heap.push(std::cmp::Reverse((k, d, i))),
            Ok(None) => {}
            Err(e) => {
                self.failed = true;
                return Some(Err(e));
            }
        }
        Some(Ok((key, doc)))
    }
}

/// Union-find over dense doc ids; the root of a set is always its lowest id.
pub struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    pub fn new(docs: u32) -> Self {
        UnionFind {
            parent: (0..docs).collect(),
        }
    }

    pub fn find(&mut self, mut x: u32) -> u32 {
        // Path halving.
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    /// Join the sets of `a` and `b`; false when they were already one set.
    pub fn union(&mut self, a: u32, b: u32) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        let (low, high) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[high as usize] = low;
        true
    }

    /// Resolve every document to its root and count the members of each cluster of 2 or more.
    pub fn into_clusters(mut self) -> Clusters {
        let mut sizes: HashMap<u32, u32> = HashMap::new();
        for x in 0..self.parent.len() as u32 {
            let root = self.find(x);
            self.parent[x as usize] = root;
            if root != x {
                *sizes.entry(root).or_insert(1) += 1;
            }
        }
        Clusters {
            root: self.parent,
            sizes,
        }
    }
}

/// The clustering: each document's root (lowest doc id of its cluster) and the sizes of the
/// clusters with at least two members.
pub struct Clusters {
    root: Vec<u32>,
    sizes: HashMap<u32, u32>,
}

impl Clusters {
    /// `(cluster id, cluster size)` of a document in a cluster of two or more; the cluster id is
    /// the lowest doc id in it. `None` for a document with no near-duplicate.
    pub fn cluster_of(&self, doc: u32) -> Option<(u32, u32)> {
        let root = *self.root.get(doc as usize)?;
        self.sizes.get(&root).map(|&size| (root, size))
    }

    /// True when the document is a duplicate to remove (in a cluster, and not its lowest id).
    pub fn is_duplicate(&self, doc: u32) -> bool {
        self.root.get(doc as usize).is_some_and(|&r| r != doc)
    }

    /// Number of clusters of two or more documents.
    pub fn clusters(&self) -> usize {
        self.sizes.len()
    }

    /// Number of documents to remove.
    pub fn duplicates(&self) -> u64 {
        self.sizes.values().map(|&s| u64::from(s) - 1).sum()
    }
}

/// Per-document shingle sets on disk, for the exact-Jaccard check of candidate pairs: written in
/// doc-id order during the signature pass, read back by random access while merging. Stored rather
/// than recomputed because candidate pairs link documents anywhere in the corpus, so a recompute
/// would need another full pass over the inputs (decompression and tokenization dominate it).
pub struct ShingleStore {
    data_path: PathBuf,
    index_path: PathBuf,
    data: BufWriter<File>,
    index: BufWriter<File>,
    end: u64,
    docs: u32,
}

impl ShingleStore {
    pub fn create(dir: &Path) -> Result<Self> {
        let data_path = dir.join("shingles.bin");
        let index_path = dir.join("shingles.idx");
        let data = File::create(&data_path).map_err(|e| Error::io(&data_path, e))?;
        let index = File::create(&index_path).map_err(|e| Error::io(&index_path, e))?;
        Ok(ShingleStore {
            data: BufWriter::with_capacity(1 << 20, data),
            index: BufWriter::with_capacity(64 << 10, index),
            data_path,
            index_path,
            end: 0,
            docs: 0,
        })
    }

    /// Append the next document's shingle hashes (sorted and deduplicated here).
    pub fn push(&mut self, shingles: &mut Vec<u64>) -> Result<()> {
        shingles.sort_unstable();
        shingles.dedup();
        for h in shingles.iter() {
            self.data
                .write_all(&h.to_le_bytes())
                .map_err(|e| Error::io(&self.data_path, e))?;
        }
        self.end += shingles.len() as u64;
        self.index
            .write_all(&self.end.to_le_bytes())
            .map_err(|e| Error::io(&self.index_path, e))?;
        self.docs += 1;
        Ok(())
    }

    /// Finish writing and open for reading.
    pub fn into_reader(mut self) -> Result<ShingleReader> {
        self.data.flush().map_err(|e| Error::io(&self.data_path, e))?;
        self.index.flush().map_err(|e| Error::io(&self.index_path, e))?;
        let data = File::open(&self.data_path).map_err(|e| Error::io(&self.data_path, e))?;
        let index = File::open(&self.index_path).map_err(|e| Error::io(&self.index_path, e))?;
        Ok(ShingleReader {
            data,
            index,
            data_path: self.data_path,
            index_path: self.index_path,
        })
    }
}

pub struct ShingleReader {
    data: File,
    index: File,
    data_path: PathBuf,
    index_path: PathBuf,
}

impl ShingleReader {
    fn read_at(file: &mut File, path: &Path, pos: u64, buf: &mut [u8]) -> Result<()> {
        use std::io::Seek;
        file.seek(std::io::SeekFrom::Start(pos))
            .and_then(|_| file.read_exact(buf))
            .map_err(|e| Error::io(path, e))
    }

    /// The sorted shingle set of `doc` into `out`.
    pub fn get(&mut self, doc: u32, out: &mut Vec<u64>) -> Result<()> {
        let mut b = [0u8; 16];
        let (start, end) = if doc == 0 {
            Self::read_at(&mut self.index, &self.index_path, 0, &mut b[..8])?;
            (0, u64::from_le_bytes(b[..8].try_into().unwrap_or_default()))
        } else {
            Self::read_at(&mut self.index, &self.index_path, (u64::from(doc) - 1) * 8, &mut b)?;
            (
                u64::from_le_bytes(b[..8].try_into().unwrap_or_default()),
                u64::from_le_bytes(b[8..].try_into().unwrap_or_default()),
            )
        };
        let n = usize::try_from(end.saturating_sub(start)).unwrap_or(0);
        let mut bytes = vec![0u8; n * 8];
        Self::read_at(&mut self.data, &self.data_path, start * 8, &mut bytes)?;
        out.clear();
        out.extend(
            bytes
                .chunks_exact(8)
                .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default())),
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(runs: BandRuns) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        runs.for_each_candidate(1 << 20, |a, b| {
            out.push((a, b));
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn spilled_runs_give_the_same_pairs_as_memory() {
        let dir = tempfile::tempdir().unwrap();
        let fill = |runs: &mut BandRuns| {
            for doc in 0..5000u32 {
                let keys = [u64::from(doc % 97), u64::from(doc / 3), u64::from(doc)];
                runs.push(doc, &keys).unwrap();
            }
        };
        let mut memory = BandRuns::new(3, dir.path(), 1 << 30);
        fill(&mut memory);
        assert_eq!(memory.spilled_runs(), 0);
        let mut disk = BandRuns::new(3, dir.path(), 4096);
        fill(&mut disk);
        assert!(disk.spilled_runs() > 10);
        let expected = pairs(memory);
        assert_eq!(expected.len(), (5000 - 97) + (5000 - 1667));
        assert_eq!(pairs(disk), expected);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "runs are deleted");
    }

    #[test]
    fn union_find_roots_are_lowest_ids() {
        let mut uf = UnionFind::new(8);
        assert!(uf.union(5, 3));
        assert!(uf.union(7, 5));
        assert!(!uf.union(3, 7));
        assert!(uf.union(6, 1));
        let c = uf.into_clusters();
        assert_eq!(c.cluster_of(7), Some((3, 3)));
        assert_eq!(c.cluster_of(1), Some((1, 2)));
        assert_eq!(c.cluster_of(0), None);
        assert!(c.is_duplicate(5) && !c.is_duplicate(3) && !c.is_duplicate(0));
        assert_eq!((c.clusters(), c.duplicates()), (2, 3));
    }

    #[test]
    fn shingle_store_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = ShingleStore::create(dir.path()).unwrap();
        store.push(&mut vec![3, 1, 3, 2]).unwrap();
        store.push(&mut vec![]).unwrap();
        store.push(&mut vec![9]).unwrap();
        let mut r = store.into_reader().unwrap();
        let mut out = Vec::new();
        r.get(2, &mut out).unwrap();
        assert_eq!(out, vec![9]);
        r.get(0, &mut out).unwrap();
        assert_eq!(out, vec![1, 2, 3]);
        r.get(1, &mut out).unwrap();
        assert!(out.is_empty());
    }
}
