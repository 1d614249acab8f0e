//! `tamis dedup`: MinHash LSH near-dedup over existing shards, in bounded memory.
//!
//! A multi-pass job, not a per-document stage:
//! 1. **signatures**: read every document (doc id = its position among the readable documents, in
//!    input order), compute its band keys on worker threads, and feed them, in doc-id order, to
//!    [`BandRuns`] (sorted runs spilled to a temporary directory when the budget fills);
//! 2. **clusters**: merge each band's runs, union the candidate pairs (optionally only those whose
//!    exact Jaccard similarity passes the threshold) — the root of a cluster is its lowest doc id;
//! 3. **write**: re-read the inputs, keep each cluster's first document and every document with
//!    no near-duplicate, move the others to `removed/` (`minhash_dedup.duplicate`), and write
//!    `minhash_cluster_id` (lowest doc id of the cluster, `-1` when alone) and
//!    `minhash_cluster_size` (1 when alone) into every document's metadata.
//!
//! Memory: [`FIXED_RESERVE`] of `memory_limit` is left for what the job needs whatever the corpus
//! (code, thread stacks, reader and writer buffers); of the rest, the band buffers take at most a
//! quarter, the merge buffers an eighth, the index's cache an eighth;
//! the per-document state is the union-find's 4 bytes; the reader holds a bounded number of
//! batches. Everything order-dependent runs in doc-id order on one thread, so the output is the
//! same for any thread count.

use super::index::{with_probe, Index};
use super::lsh::{BandRuns, Clusters, ShingleReader, ShingleStore, UnionFind};
use super::minhash::{jaccard_sorted, shingle_hashes, MinhashConfig, Signer};
use crate::document::Document;
use crate::error::{Error, Result};
use crate::readers::{self, InputConfig, InputFile};
use crate::writers::{self, OutputConfig, ShardWriter};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

/// Report key of a removed near-duplicate.
pub const REMOVED_REASON: &str = "minhash_dedup.duplicate";
/// Reason of a document near-duplicate to a document of an earlier run (through the index).
pub const EARLIER_RUN: &str = "earlier_run";

/// Memory the job uses besides its budgeted buffers (code, thread stacks, reader batches, zstd
/// and writer buffers): about 20 MiB measured (`bench/results/minhash-2026-11-25.md`), rounded up.
pub const FIXED_RESERVE: u64 = 24 << 20;

/// The part of `memory_limit` the buffers may use; limits below twice the reserve are refused.
pub fn buffer_budget(memory_limit: u64) -> Result<u64> {
    if memory_limit < 2 * FIXED_RESERVE {
        return Err(Error::Config(format!(
            "memory limit {} MiB is below the minimum of {} MiB",
            memory_limit >> 20,
            (2 * FIXED_RESERVE) >> 20
        )));
    }
    Ok(memory_limit - FIXED_RESERVE)
}

/// Documents per batch handed to a worker.
const BATCH_DOCS: usize = 256;
/// ... or this many bytes of text.
const BATCH_BYTES: usize = 4 << 20;

/// Where and how to run the job.
#[derive(Debug, Clone)]
pub struct NearDedupOptions {
    pub inputs: Vec<PathBuf>,
    /// Output directory: `kept/`, `removed/`, `report.json`.
    pub output: PathBuf,
    pub threads: usize,
    /// Bytes the job may use for its own buffers (band runs, merge, union-find, index cache): the
    /// CLI passes `--memory-limit` minus [`FIXED_RESERVE`] ([`buffer_budget`]).
    pub memory_limit: u64,
    pub input: InputConfig,
    pub output_config: OutputConfig,
    /// Persistent index of earlier runs (see [`super::index`]); `None`: this run alone.
    pub index: Option<PathBuf>,
}

/// `report.json` of a `tamis dedup` run.
#[derive(Debug, Clone, Serialize)]
pub struct NearDedupReport {
    pub config: MinhashConfig,
    pub input_files: usize,
    pub input_bytes: u64,
    pub documents: DocumentCounts,
    /// Removed documents by `stage.reason`.
    pub removed: BTreeMap<String, u64>,
    pub minhash: MinhashStats,
    /// The buffer budget (`options.memory_limit`).
    pub memory_limit: u64,
    pub threads: usize,
    pub seconds: Timings,
    /// Up to 100 record errors (`file record N: kind: message`).
    pub errors_sample: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DocumentCounts {
    pub docs_in: u64,
    pub kept: u64,
    pub removed: u64,
    pub errors: u64,
    #[serde(skip)]
    removed_by: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct MinhashStats {
    /// Documents with a signature (at least `n_grams` units).
    pub signed: u64,
    /// Documents too short for one shingle: never deduplicated.
    pub too_short: u64,
    /// `(band key, doc)` records written to the LSH.
    pub band_records: u64,
    /// Sorted run files spilled to disk (0: everything fit in the budget).
    pub spilled_runs: u64,
    /// Candidate pairs found by LSH (a document sharing a band with a group's first document).
    pub candidate_pairs: u64,
    /// Candidate pairs whose exact Jaccard similarity was computed.
    pub jaccard_checked: u64,
    /// ... and that were below the threshold (not joined).
    pub jaccard_rejected: u64,
    /// Clusters of two or more documents.
    pub clusters: u64,
    /// Documents in those clusters (kept + removed).
    pub docs_in_clusters: u64,
    /// Documents sharing a band with a document of an earlier run (index given).
    pub earlier_run_matches: u64,
    /// Band keys of this run the index did not hold yet (added at the end of the run).
    pub index_keys_added: u64,
    /// Runs the index held before this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_runs_before: Option<u64>,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Timings {
    pub signatures: f64,
    pub clusters: f64,
    pub write: f64,
    pub total: f64,
}

/// One batch of texts from the reader.
struct Batch {
    seq: u64,
    texts: Vec<String>,
}

/// A worker's results for one batch: per document, its band keys (if any) and, for the Jaccard
/// check, its shingle hashes.
struct Signed {
    seq: u64,
    docs: Vec<(Option<Vec<u64>>, Vec<u64>)>,
}

/// Run the near-dedup job.
pub fn near_dedup(config: &MinhashConfig, options: &NearDedupOptions) -> Result<NearDedupReport> {
    let started = Instant::now();
    let signer = Signer::new(config.clone()).map_err(Error::Config)?;
    let (files, _skipped) = readers::collect_inputs(&options.inputs, options.input.format)?;
    let out = &options.output;
    let _lock = crate::lock::DirLock::acquire(out, "output directory")?;
    if out.join("report.json").exists() {
        return Err(Error::Fatal(format!(
            "{} already holds a finished run (report.json); choose another output directory",
            out.display()
        )));
    }
    let tmp = out.join(".tamis-minhash-tmp");
    std::fs::create_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;

    let mut stats = MinhashStats::default();
    let budget = options.memory_limit;
    let mut runs = BandRuns::new(config.bands, &tmp, budget / 4);
    let mut store = match config.jaccard_threshold {
        Some(_) => Some(ShingleStore::create(&tmp)?),
        None => None,
    };
    let mut docs: u32 = 0;
    let mut consume = |signed: Signed| -> Result<()> {
        for (keys, mut shingles) in signed.docs {
            if let Some(keys) = keys {
                runs.push(docs, &keys)?;
                stats.signed += 1;
            } else {
                stats.too_short += 1;
            }
            if let Some(store) = store.as_mut() {
                store.push(&mut shingles)?;
            }
            docs = docs.checked_add(1).ok_or_else(|| {
                Error::Fatal("more than 4 294 967 295 documents: split the input into several dedup runs".into())
            })?;
        }
        Ok(())
    };
    signatures(&signer, &files, options, &mut consume)?;
    stats.band_records = runs.records;
    stats.spilled_runs = runs.spilled_runs() as u64;
    let t_signatures = started.elapsed().as_secs_f64();

    let reader = match store {
        Some(s) => Some((config.jaccard_threshold.unwrap_or(0.0), s.into_reader()?)),
        None => None,
    };
    // Same output and inputs = same run (a killed run redone finds its own keys, not earlier ones).
    let inputs: String = files
        .iter()
        .map(|f| format!("\n{}\t{}", f.path.display(), f.size))
        .collect();
    let run_key = format!(
        "dedup {} {:016x}",
        std::fs::canonicalize(out).unwrap_or_else(|_| out.clone()).display(),
        xxhash_rust::xxh3::xxh3_64(inputs.as_bytes())
    );
    let index = match &options.index {
        Some(dir) => Some(Index::open(dir, config, budget / 8)?),
        None => None,
    };
    stats.index_runs_before = index.as_ref().map(Index::runs).transpose()?;
    let ((documents, errors_sample, t_clusters), added) = with_probe(index.as_ref(), &run_key, |probe| {
        let d = decide(runs, docs, budget, reader, probe, &mut stats)?;
        let t = started.elapsed().as_secs_f64();
        let (c, e) = write_outputs(&files, options, &d)?;
        Ok((c, e, t))
    })?;
    stats.index_keys_added = added;
    std::fs::remove_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let total = started.elapsed().as_secs_f64();
    let removed = documents.removed_by.clone();
    let report = NearDedupReport {
        config: config.clone(),
        input_files: files.len(),
        input_bytes: files.iter().map(|f| f.size).sum(),
        documents,
        removed,
        minhash: stats,
        memory_limit: options.memory_limit,
        threads: options.threads,
        seconds: Timings {
            signatures: t_signatures,
            clusters: t_clusters - t_signatures,
            write: total - t_clusters,
            total,
        },
        errors_sample,
    };
    let path = out.join("report.json");
    let json = serde_json::to_vec_pretty(&report).map_err(|e| Error::Fatal(format!("report: {e}")))?;
    std::fs::write(&path, json).map_err(|e| Error::io(&path, e))?;
    Ok(report)
}

/// What the LSH step decided for the documents of a run.
pub struct Decisions {
    pub clusters: Clusters,
    docs: u32,
    /// Bit per doc id: the root of a cluster (or a lone document) one of whose members shares a
    /// band with a document of an earlier run.
    earlier: Vec<u64>,
}

impl Decisions {
    /// Documents decided on.
    pub fn docs(&self) -> u32 {
        self.docs
    }

    /// `(removal reason, minhash_cluster_id, minhash_cluster_size)` of a doc: in a cluster, every
    /// document but the first (lowest id) is a `duplicate`; the first, or a lone document, is
    /// removed as `earlier_run` when its cluster matched an earlier run. Cluster id is the first
    /// doc id (`-1` alone).
    pub fn of(&self, doc: u32) -> (Option<&'static str>, i64, u32) {
        let (root, size) = self.clusters.cluster_of(doc).unwrap_or((doc, 1));
        let id = if size > 1 { i64::from(root) } else { -1 };
        let reason = if self.clusters.is_duplicate(doc) {
            Some(super::minhash::DUPLICATE)
        } else if bit(&self.earlier, root) {
            Some(EARLIER_RUN)
        } else {
            None
        };
        (reason, id, size)
    }
}

fn bit(bits: &[u64], i: u32) -> bool {
    bits.get(i as usize / 64).is_some_and(|w| w >> (i % 64) & 1 == 1)
}

fn set_bit(bits: &mut [u64], i: u32) {
    if let Some(w) = bits.get_mut(i as usize / 64) {
        *w |= 1 << (i % 64);
    }
}

/// Candidate pairs → union-find clusters (optionally Jaccard-checked against stored shingle sets);
/// with `probe` (an index of earlier runs), every band key is also looked up there and added.
/// `budget`: the buffer budget ([`buffer_budget`]).
pub(crate) fn decide(
    runs: BandRuns,
    docs: u32,
    budget: u64,
    mut jaccard: Option<(f64, ShingleReader)>,
    mut probe: Option<&mut super::index::Probe<'_>>,
    stats: &mut MinhashStats,
) -> Result<Decisions> {
    // The union-find and two bitsets are the per-document arrays: check they fit first.
    let per_doc_bytes = u64::from(docs) * 4 + u64::from(docs).div_ceil(64) * 16;
    if per_doc_bytes > budget / 2 {
        return Err(Error::Config(format!(
            "{docs} documents need {per_doc_bytes} bytes of union-find, more than half of the memory budget {budget}: raise the memory limit"
        )));
    }
    let mut uf = UnionFind::new(docs);
    let words = (docs as usize).div_ceil(64);
    let mut matched = vec![0u64; if probe.is_some() { words } else { 0 }];
    let (mut set_a, mut set_b) = (Vec::new(), Vec::new());
    let mut group_matched = false;
    runs.for_each_record(budget / 8, |band, key, a, b| {
        if let Some(p) = probe.as_mut() {
            if a == b {
                group_matched = p(band, key, a)?;
            }
            if group_matched {
                set_bit(&mut matched, b);
            }
        }
        if a == b {
            return Ok(());
        }
        stats.candidate_pairs += 1;
        if let Some((threshold, r)) = jaccard.as_mut() {
            // Pairs already joined through other pairs need no check.
            if uf.find(a) == uf.find(b) {
                return Ok(());
            }
            stats.jaccard_checked += 1;
            r.get(a, &mut set_a)?;
            r.get(b, &mut set_b)?;
            if jaccard_sorted(&set_a, &set_b) < *threshold {
                stats.jaccard_rejected += 1;
                return Ok(());
            }
        }
        uf.union(a, b);
        Ok(())
    })?;
    drop(jaccard);
    let clusters = uf.into_clusters();
    stats.clusters = clusters.clusters() as u64;
    stats.docs_in_clusters = stats.clusters + clusters.duplicates();
    let mut earlier = vec![0u64; matched.len()];
    for doc in 0..docs {
        if bit(&matched, doc) {
            stats.earlier_run_matches += 1;
            let root = clusters.cluster_of(doc).map_or(doc, |(root, _)| root);
            set_bit(&mut earlier, root);
        }
    }
    Ok(Decisions {
        clusters,
        docs,
        earlier,
    })
}

/// Every readable document of the inputs, in order (record errors are skipped here; the write
/// pass counts them).
fn for_each_text(files: &[InputFile], input: &InputConfig, mut f: impl FnMut(String) -> Result<()>) -> Result<()> {
    for file in files {
        for item in readers::open(file, input, None) {
            match item {
                Ok(doc) => f(doc.text_lossy().into_owned())?,
                Err(e) if e.is_record() => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}

fn sign_batch(signer: &Signer, batch: Batch, keep_shingles: bool, scratch: &mut Vec<u64>) -> Signed {
    let docs = batch
        .texts
        .iter()
        .map(|text| {
            shingle_hashes(text, signer.config(), scratch);
            let keys = signer.signature(scratch).map(|s| signer.band_keys(&s));
            let shingles = if keep_shingles { scratch.clone() } else { Vec::new() };
            (keys, shingles)
        })
        .collect();
    Signed { seq: batch.seq, docs }
}

/// Pass 1: band keys of every document, handed to `consume` in doc-id order.
fn signatures(
    signer: &Signer,
    files: &[InputFile],
    options: &NearDedupOptions,
    consume: &mut impl FnMut(Signed) -> Result<()>,
) -> Result<()> {
    let keep_shingles = signer.config().jaccard_threshold.is_some();
    let mut batcher = Batcher::default();
    if options.threads <= 1 {
        // One thread does everything: the per-core figure of the benchmarks.
        let mut scratch = Vec::new();
        for_each_text(files, &options.input, |text| {
            if let Some(batch) = batcher.push(text) {
                consume(sign_batch(signer, batch, keep_shingles, &mut scratch))?;
            }
            Ok(())
        })?;
        if let Some(batch) = batcher.flush() {
            consume(sign_batch(signer, batch, keep_shingles, &mut scratch))?;
        }
        return Ok(());
    }
    let threads = options.threads;
    let (batch_tx, batch_rx) = crossbeam_channel::bounded::<Batch>(threads * 2);
    let (signed_tx, signed_rx) = crossbeam_channel::bounded::<Signed>(threads * 2);
    std::thread::scope(|scope| -> Result<()> {
        let reader = scope.spawn(move || -> Result<()> {
            for_each_text(files, &options.input, |text| {
                if let Some(batch) = batcher.push(text) {
                    // A closed channel means the consumer failed; it reports the error.
                    if batch_tx.send(batch).is_err() {
                        return Err(Error::Fatal("minhash: signature workers stopped".into()));
                    }
                }
                Ok(())
            })?;
            if let Some(batch) = batcher.flush() {
                let _ = batch_tx.send(batch);
            }
            Ok(())
        });
        for _ in 0..threads {
            let (rx, tx) = (batch_rx.clone(), signed_tx.clone());
            scope.spawn(move || {
                let mut scratch = Vec::new();
                for batch in rx {
                    if tx.send(sign_batch(signer, batch, keep_shingles, &mut scratch)).is_err() {
                        break;
                    }
                }
            });
        }
        drop((batch_rx, signed_tx));
        // Reorder: batches are consumed strictly by sequence number.
        let mut pending = BTreeMap::new();
        let mut next = 0u64;
        let mut result = Ok(());
        for signed in &signed_rx {
            pending.insert(signed.seq, signed);
            while let Some(s) = pending.remove(&next) {
                next += 1;
                if result.is_ok() {
                    result = consume(s);
                }
            }
            if result.is_err() {
                break;
            }
        }
        drop(signed_rx);
        let read = reader
            .join()
            .unwrap_or_else(|_| Err(Error::Fatal("minhash: reader thread panicked".into())));
        result.and(read)
    })
}

#[derive(Default)]
struct Batcher {
    seq: u64,
    texts: Vec<String>,
    bytes: usize,
}

impl Batcher {
    fn push(&mut self, text: String) -> Option<Batch> {
        self.bytes += text.len();
        self.texts.push(text);
        if self.texts.len() >= BATCH_DOCS || self.bytes >= BATCH_BYTES {
            self.flush()
        } else {
            None
        }
    }

    fn flush(&mut self) -> Option<Batch> {
        if self.texts.is_empty() {
            return None;
        }
        let batch = Batch {
            seq: self.seq,
            texts: std::mem::take(&mut self.texts),
        };
        self.seq += 1;
        self.bytes = 0;
        Some(batch)
    }
}

/// Output shards of one directory (`kept/` or `removed/`), rolled every `shard_docs` documents.
pub(crate) struct Shards {
    dir: PathBuf,
    config: OutputConfig,
    writer: Option<Box<dyn ShardWriter>>,
    in_shard: u64,
    next: u64,
}

impl Shards {
    /// Shards numbered from `first`.
    pub(crate) fn new(dir: PathBuf, config: &OutputConfig, first: u64) -> Result<Self> {
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Shards {
            dir,
            config: config.clone(),
            writer: None,
            in_shard: 0,
            next: first,
        })
    }

    pub(crate) fn write(&mut self, doc: &Document, removed_by: Option<&str>) -> Result<()> {
        if self.in_shard >= self.config.shard_docs.max(1) {
            self.finish_shard()?;
        }
        let writer = match &mut self.writer {
            Some(w) => w,
            None => {
                let path = writers::shard_path(&self.dir, self.next, self.config.format);
                self.next += 1;
                self.writer.insert(writers::create(&path, &self.config)?)
            }
        };
        writer.write(doc, removed_by)?;
        self.in_shard += 1;
        Ok(())
    }

    pub(crate) fn finish_shard(&mut self) -> Result<()> {
        if let Some(w) = self.writer.take() {
            w.finish()?;
        }
        self.in_shard = 0;
        Ok(())
    }
}

/// Pass 3: re-read the inputs and write every document with its cluster metadata.
fn write_outputs(
    files: &[InputFile],
    options: &NearDedupOptions,
    decisions: &Decisions,
) -> Result<(DocumentCounts, Vec<String>)> {
    let mut kept = Shards::new(options.output.join("kept"), &options.output_config, 0)?;
    let mut removed = if options.output_config.write_removed {
        Some(Shards::new(options.output.join("removed"), &options.output_config, 0)?)
    } else {
        None
    };
    let mut counts = DocumentCounts::default();
    counts.removed_by.insert(REMOVED_REASON.to_string(), 0);
    let mut sample = Vec::new();
    let mut doc_id: u32 = 0;
    for file in files {
        for item in readers::open(file, &options.input, None) {
            counts.docs_in += 1;
            let mut doc = match item {
                Ok(doc) => doc,
                Err(e) if e.is_record() => {
                    counts.errors += 1;
                    if sample.len() < 100 {
                        sample.push(e.to_string());
                    }
                    continue;
                }
                Err(e) => return Err(e),
            };
            let (reason, id, size) = decisions.of(doc_id);
            doc.set_minhash_cluster(id, u64::from(size));
            if let Some(reason) = reason {
                counts.removed += 1;
                let by = format!("minhash_dedup.{reason}");
                if let Some(r) = removed.as_mut() {
                    r.write(&doc, Some(&by))?;
                }
                *counts.removed_by.entry(by).or_default() += 1;
            } else {
                counts.kept += 1;
                kept.write(&doc, None)?;
            }
            doc_id = doc_id.wrapping_add(1);
        }
    }
    kept.finish_shard()?;
    if let Some(r) = removed.as_mut() {
        r.finish_shard()?;
    }
    Ok((counts, sample))
}

pub use crate::units::parse_size;
