//! `minhash_dedup` inside `tamis run`: the final pass over the main pass's staged output.
//!
//! During the main pass the workers compute each surviving document's band keys; the sequencer
//! appends them, in output order, to one file per checkpoint (`.tamis/state/NNNNN-minhash.bin`,
//! cleaned and resumed with the shard it belongs to) and writes the documents themselves to
//! `.tamis/staged/`. Once every document has been seen, the final pass reads the band keys back
//! into [`BandRuns`] (bounded memory, spilled runs), clusters them (and, with an index, matches
//! them against earlier runs), then rewrites the staged shards into `kept/` and `removed/` with the
//! cluster metadata. The pass is restartable: a killed final pass is redone from its inputs,
//! which stay until the checkpoint records it as done.

use super::index::{with_probe, Index};
use super::lsh::{BandRuns, ShingleReader, ShingleStore};
use super::minhash::{shingle_hashes, MinhashConfig};
use super::near::{buffer_budget, decide, Decisions, MinhashStats, Shards};
use crate::document::Document;
use crate::error::{Error, Result};
use crate::insights::{Insights, ReportConfig};
use crate::readers::{self, InputConfig};
use crate::stats::StageStats;
use crate::writers::{files_in, OutputConfig};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Append one kept document's record: its byte length as counted by the main pass (LE u64), a
/// count byte (0 = too short to sign), then the band keys (LE u64).
pub(crate) fn push_bands(out: &mut Vec<u8>, bands: &[u64], byte_len: u64) {
    out.extend_from_slice(&byte_len.to_le_bytes());
    out.push(bands.len() as u8);
    for k in bands {
        out.extend_from_slice(&k.to_le_bytes());
    }
}

/// The records of the band-key files, in order.
pub(crate) struct BandRecords {
    files: std::vec::IntoIter<PathBuf>,
    path: PathBuf,
    data: Vec<u8>,
    pos: usize,
}

impl BandRecords {
    pub(crate) fn new(files: Vec<PathBuf>) -> Self {
        BandRecords {
            files: files.into_iter(),
            path: PathBuf::new(),
            data: Vec::new(),
            pos: 0,
        }
    }

    /// The next record: byte length and band keys (empty: too short).
    pub(crate) fn next(&mut self, keys: &mut Vec<u64>) -> Result<Option<u64>> {
        while self.pos >= self.data.len() {
            let Some(path) = self.files.next() else {
                return Ok(None);
            };
            self.data = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            self.path = path;
            self.pos = 0;
        }
        let rest = &self.data[self.pos..];
        let truncated = || {
            Error::Fatal(format!(
                "{}: truncated band keys; delete the output directory to start over",
                self.path.display()
            ))
        };
        let head = rest.get(..9).ok_or_else(truncated)?;
        let mut len = [0u8; 8];
        len.copy_from_slice(&head[..8]);
        let n = usize::from(head[8]);
        let body = rest.get(9..9 + n * 8).ok_or_else(truncated)?;
        keys.clear();
        keys.extend(body.chunks_exact(8).map(|c| {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            u64::from_le_bytes(b)
        }));
        self.pos += 9 + n * 8;
        Ok(Some(u64::from_le_bytes(len)))
    }
}

/// What the final pass needs to know.
pub(crate) struct FinalPass<'a> {
    pub config: &'a MinhashConfig,
    pub annotate: bool,
    pub staged: &'a Path,
    pub bands_dir: &'a Path,
    pub kept: &'a Path,
    pub removed: &'a Path,
    pub output: &'a OutputConfig,
    pub report: &'a ReportConfig,
    pub first_removed_shard: u64,
    /// The first configured token encoding (the language table's token count).
    pub main_encoding: Option<String>,
    /// Names this run in the index (a redone final pass finds its own keys and ignores them).
    pub run_key: String,
}

/// Changes to the run's totals.
#[derive(Debug, Default)]
pub(crate) struct FinalOutcome {
    pub removed: u64,
    pub removed_bytes: u64,
    pub removed_tokens: BTreeMap<String, u64>,
    pub minhash: MinhashStats,
}

impl FinalOutcome {
    /// Move the documents the final pass removed from the run's kept counts to its removed ones.
    pub(crate) fn account(&self, stats: &mut crate::pipeline::RunStats, write_removed: bool) {
        stats.totals.kept -= self.removed;
        stats.totals.removed += self.removed;
        stats.output.kept_bytes = stats.output.kept_bytes.saturating_sub(self.removed_bytes);
        if write_removed {
            stats.output.removed_bytes += self.removed_bytes;
        }
        for (name, n) in &self.removed_tokens {
            if let Some(t) = stats.output.tokens.get_mut(name) {
                *t = t.saturating_sub(*n);
            }
        }
    }
}

impl FinalPass<'_> {
    fn tmp(&self) -> PathBuf {
        self.bands_dir.with_file_name("minhash-tmp")
    }

    /// Cluster, then write the final shards; `stats` is the `minhash_dedup` stage's entry.
    pub fn run(&self, stats: &mut StageStats, insights: &mut Insights) -> Result<FinalOutcome> {
        self.clean_partial()?;
        let memory = buffer_budget(self.config.memory_limit_bytes().map_err(Error::Config)?)?;
        let tmp = self.tmp();
        std::fs::create_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let mut outcome = FinalOutcome::default();
        let mut runs = BandRuns::new(self.config.bands, &tmp, memory / 4);
        let docs = self.read_bands(&mut runs, &mut outcome.minhash)?;
        outcome.minhash.band_records = runs.records;
        outcome.minhash.spilled_runs = runs.spilled_runs() as u64;
        let jaccard = match self.config.jaccard_threshold {
            Some(t) => Some((t, self.shingle_sets(&tmp)?)),
            None => None,
        };
        let index = match &self.config.index {
            Some(dir) => Some(Index::open(dir, self.config, memory / 8)?),
            None => None,
        };
        outcome.minhash.index_runs_before = index.as_ref().map(Index::runs).transpose()?;
        let ((), added) = with_probe(index.as_ref(), &self.run_key, |probe| {
            let d = decide(runs, docs, memory, jaccard, probe, &mut outcome.minhash)?;
            self.write(&d, stats, insights, &mut outcome)
        })?;
        outcome.minhash.index_keys_added = added;
        Ok(outcome)
    }

    /// Remove the staged shards, band keys and temporary files (after the checkpoint says done).
    pub fn cleanup(&self) -> Result<()> {
        remove_dir_if_present(self.staged)?;
        remove_dir_if_present(&self.tmp())?;
        for path in self.band_files()? {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
        Ok(())
    }

    /// What an interrupted final pass wrote: every final kept shard, the removed shards after the
    /// main pass's, temporary runs.
    fn clean_partial(&self) -> Result<()> {
        crate::writers::remove_shards_from(self.kept, 0)?;
        crate::writers::remove_shards_from(self.removed, self.first_removed_shard)?;
        remove_dir_if_present(&self.tmp())
    }

    fn band_files(&self) -> Result<Vec<PathBuf>> {
        Ok(files_in(self.bands_dir)?
            .into_iter()
            .filter(|(_, name)| name.ends_with("-minhash.bin"))
            .map(|(path, _)| path)
            .collect())
    }

    /// Feed every staged document's band keys to `runs`, in output order; returns the count.
    fn read_bands(&self, runs: &mut BandRuns, stats: &mut MinhashStats) -> Result<u32> {
        let mut docs: u32 = 0;
        let mut keys = Vec::with_capacity(self.config.bands);
        let mut records = BandRecords::new(self.band_files()?);
        while records.next(&mut keys)?.is_some() {
            if keys.is_empty() {
                stats.too_short += 1;
            } else {
                stats.signed += 1;
                runs.push(docs, &keys)?;
            }
            docs = docs.checked_add(1).ok_or_else(|| {
                Error::Fatal("minhash_dedup: more than 4 294 967 295 kept documents in one run".into())
            })?;
        }
        Ok(docs)
    }

    /// For the exact-Jaccard check: every staged document's shingle set, stored on disk in order.
    fn shingle_sets(&self, tmp: &Path) -> Result<ShingleReader> {
        let mut store = ShingleStore::create(tmp)?;
        let mut shingles = Vec::new();
        for_each_staged(self.staged, |doc| {
            shingle_hashes(&doc.text_lossy(), self.config, &mut shingles);
            store.push(&mut shingles)
        })?;
        store.into_reader()
    }

    /// Rewrite the staged shards, in order, into `kept/` and `removed/`.
    fn write(
        &self,
        decisions: &Decisions,
        stats: &mut StageStats,
        insights: &mut Insights,
        outcome: &mut FinalOutcome,
    ) -> Result<()> {
        let mut kept = Shards::new(self.kept.to_path_buf(), self.output, 0)?;
        let mut removed = Shards::new(self.removed.to_path_buf(), self.output, self.first_removed_shard)?;
        let mut records = BandRecords::new(self.band_files()?);
        let mut keys = Vec::new();
        let settle = Settle {
            annotate: self.annotate,
            report: self.report,
            main_encoding: self.main_encoding.as_deref(),
        };
        let mut doc_id: u32 = 0;
        for_each_staged(self.staged, |mut doc| {
            // The size the main pass counted (raw bodies are read back as decoded text).
            let bytes = records.next(&mut keys)?.ok_or_else(|| mismatch(self.staged))?;
            let decision = decisions.of(doc_id);
            doc_id = doc_id.wrapping_add(1);
            match settle.doc(&mut doc, bytes, decision, stats, insights, outcome) {
                Some(by) if self.output.write_removed => removed.write(&doc, Some(&by)),
                Some(_) => Ok(()),
                None => kept.write(&doc, None),
            }
        })?;
        if records.next(&mut keys)?.is_some() || doc_id != decisions.docs() {
            return Err(mismatch(self.staged));
        }
        kept.finish_shard()?;
        removed.finish_shard()?;
        Ok(())
    }
}

/// How the final pass settles one document, wherever its shards go (`tamis run`'s final pass, or a
/// distributed run's per-file step).
pub(crate) struct Settle<'a> {
    pub annotate: bool,
    pub report: &'a ReportConfig,
    /// The first configured token encoding (the language table's token count).
    pub main_encoding: Option<&'a str>,
}

impl Settle<'_> {
    /// Write the document's cluster into its metadata and count it with `decision`
    /// (`Decisions::of`'s reason, cluster id, size); `Some(removed_by)` when it is removed.
    pub(crate) fn doc(
        &self,
        doc: &mut Document,
        bytes: u64,
        (reason, id, size): (Option<&str>, i64, u32),
        stats: &mut StageStats,
        insights: &mut Insights,
        outcome: &mut FinalOutcome,
    ) -> Option<String> {
        doc.set_minhash_cluster(id, u64::from(size));
        let tokens = doc.tokens();
        stats.docs_in += 1;
        stats.bytes_in += bytes;
        add(&mut stats.tokens_in, &tokens);
        match reason {
            Some(reason) if !self.annotate => {
                *stats.dropped.entry(reason.to_string()).or_default() += 1;
                let by = format!("minhash_dedup.{reason}");
                let main = tokens.iter().find(|t| Some(t.0.as_str()) == self.main_encoding);
                insights.uncount_kept(doc, main.map(|t| t.1));
                insights.offer_sample(&by, doc, self.report);
                outcome.removed += 1;
                outcome.removed_bytes += bytes;
                add(&mut outcome.removed_tokens, &tokens);
                Some(by)
            }
            _ => {
                if let Some(reason) = reason {
                    *stats.flagged.entry(reason.to_string()).or_default() += 1;
                    doc.flag(format!("minhash_dedup.{reason}"));
                }
                stats.kept += 1;
                stats.bytes_kept += bytes;
                add(&mut stats.tokens_kept, &tokens);
                None
            }
        }
    }
}

/// The shards of `dir` (staged by the main pass), in order.
fn staged_files(dir: &Path) -> Result<Vec<readers::InputFile>> {
    let mut files = Vec::new();
    for (path, name) in files_in(dir)? {
        if name.starts_with("part-") && !name.ends_with(".tmp") {
            let size = std::fs::metadata(&path).map_err(|e| Error::io(&path, e))?.len();
            let format = readers::format_from_name(&path)
                .ok_or_else(|| Error::Fatal(format!("{}: not a shard tamis writes", path.display())))?;
            files.push(readers::InputFile {
                path,
                size,
                format,
                error: None,
            });
        }
    }
    Ok(files)
}

/// Every document staged in `dir`, in order, with its input record as source.
pub(crate) fn for_each_staged(dir: &Path, mut f: impl FnMut(Document) -> Result<()>) -> Result<()> {
    // Our own records: no size cap (a kept document may exceed the input's record limit).
    let input = InputConfig {
        max_record_bytes: u64::MAX,
        ..InputConfig::default()
    };
    for file in &staged_files(dir)? {
        for item in readers::open(file, &input, None) {
            let mut doc = item?;
            // The record's origin is the input record, not the staged line.
            if let Some((file, record)) = doc.origin() {
                doc.source = crate::document::Source {
                    file: file.to_string(),
                    record,
                    offset: None,
                };
            }
            f(doc)?;
        }
    }
    Ok(())
}

fn remove_dir_if_present(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(dir, e)),
    }
}

pub(crate) fn mismatch(staged: &Path) -> Error {
    Error::Fatal(format!(
        "{}: the staged documents and their band keys disagree; delete the output directory to start over",
        staged.display()
    ))
}

fn add(into: &mut BTreeMap<String, u64>, tokens: &[(String, u64)]) {
    for (k, n) in tokens {
        *into.entry(k.clone()).or_default() += n;
    }
}
