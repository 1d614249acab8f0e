//! The per-file steps of a distributed run (`tamis.ray.run`): every corpus-wide decision is made by
//! the driver from keys these steps return, so each step sees one input file and nothing else.
//!
//! A pipeline has `passes(config)` passes, split where `clean_lines` needs a site-line index (as in
//! `tamis run`). For an input file with index `f`:
//! 1. `stage_step(k)` for each pass `k`: pass 0 reads the file, a later pass the file's staging of the
//!    pass before. It runs the pass's per-document stages up to its first ordered stage, stages every
//!    outcome (the format of `runner::staging`) and returns the keys the next decision needs: line
//!    keys of the surviving documents before a site-line stage, exact-dedup keys in the last pass.
//! 2. The driver counts site lines (first copy of a text in input order counts, a key is frequent at
//!    `site_min_docs`) and picks exact duplicates (the lowest `(file, record)` of a key is kept), and
//!    hands each file its own part: its frequent keys, its duplicate records (`CorpusState`).
//! 3. `finish_step` replays the last staging through the ordered stages with those decisions and the
//!    stages after them, and writes the file's shards `part-FFFFF-NNNNN.*`.
//! 4. With a trailing `minhash_dedup`, `finish_step` stages the file's kept documents and their band
//!    keys instead ([`MinhashFiles`]) and returns the keys; the driver numbers the kept documents in
//!    input order (the local run's doc ids), clusters the band keys, and `minhash_step` writes the
//!    file's kept shards with each document's cluster (the local final pass, one file at a time).
//!
//! Counts (`RunStats`) of every step, merged file by file in input order, are the local run's.

use crate::config::PipelineConfig;
use crate::dedup::minhash::{Signer, DUPLICATE};
use crate::dedup::staged::{for_each_staged, mismatch, push_bands, BandRecords, FinalOutcome, Settle};
use crate::error::{Error, Result};
use crate::insights::BatchInsights;
use crate::pipeline::{
    pass_bounds, site_line_stages, CorpusState, Item, Outcome, PassOptions, Pipeline, RunStats, Settled,
};
use crate::readers::{self, InputFile};
use crate::runner::staging::{encode_batch, StagedBatches};
use crate::writers::{self, sink::Record, OutputFormat, ShardWriter};
use std::path::Path;

/// Documents per staged batch (the local runner's batch size; its 4 MB cut does not change results).
const BATCH_DOCS: usize = 256;

/// The number of staging passes of `config` (one more than its site-line stages).
pub fn passes(config: &PipelineConfig) -> usize {
    site_line_stages(config).len() + 1
}

/// The `site_min_docs` of the site-line stage that starts pass `k` (k ≥ 1): the driver's threshold.
pub fn site_min_docs(config: &PipelineConfig, k: usize) -> Option<u32> {
    site_line_stages(config)
        .get(k.checked_sub(1)?)
        .map(|(_, c)| c.site_min_docs)
}

/// What a step hands the driver about one surviving document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocKeys {
    /// Before a site-line stage: the document's text hash, site and line keys.
    Lines {
        record: u64,
        text_hash: u128,
        keys: Vec<u64>,
    },
    /// In the last pass: its exact-dedup key.
    Exact { record: u64, key: u128 },
}

/// A staging step's counts and keys.
pub struct StepOutput {
    pub stats: RunStats,
    pub keys: Vec<DocKeys>,
}

/// What a staging step reads.
pub enum StepInput<'a> {
    File(&'a InputFile),
    /// A local copy of an input (fetched from object storage): documents and record errors name
    /// the input as `name`, not the copy.
    Copy {
        file: &'a InputFile,
        name: &'a str,
    },
    /// The file's staging of the pass before.
    Staged(&'a Path),
}

/// Run pass `k`'s stages up to its first ordered stage over one input, staging every outcome to
/// `staged` (a zstd file, written under a temporary name and renamed: a retried task rewrites it).
pub fn stage_step(
    config: &PipelineConfig,
    k: usize,
    input: StepInput<'_>,
    state: &CorpusState,
    staged: &Path,
) -> Result<StepOutput> {
    let b = pass_bounds(config);
    let last = k + 1 == b.len() - 1;
    let opts = PassOptions {
        lines: false,
        last,
        site_keys: !last,
        ..Default::default()
    };
    let pipeline = Pipeline::build_pass(config, b[k]..b[k + 1], state, opts)?;
    if !last && pipeline.has_back() {
        return Err(Error::Config(
            "an ordered stage (exact_dedup) before a site-line stage cannot run distributed; move it after clean_lines"
                .into(),
        ));
    }
    let mut acc = RunStats::new(pipeline.stage_names());
    let front = pipeline.front().clone();
    let mut keys = Vec::new();
    // A byte stream to a temporary name, renamed when complete (level 1, as the runner stages).
    let mut out = writers::jsonl::JsonlWriter::create(staged, Some(1))?;
    let mut write_batch = |items: Vec<Item>, end, acc: &mut RunStats| -> Result<()> {
        let mut stats = front.empty_stats();
        let mut insights = BatchInsights::default();
        let outcomes: Vec<Outcome> = items
            .into_iter()
            .map(|i| front.run(i, &mut stats, &mut insights))
            .collect();
        pipeline.merge_front(acc, &stats, insights);
        for o in &outcomes {
            if let Outcome::Alive(a) = o {
                let record = a.doc.source.record;
                match (&a.line_keys, a.keys.first()) {
                    (Some(l), _) if !last => keys.push(DocKeys::Lines {
                        record,
                        text_hash: l.text_hash,
                        keys: l.keys.clone(),
                    }),
                    (_, Some(&key)) if last => keys.push(DocKeys::Exact { record, key }),
                    _ => {}
                }
            }
        }
        let (mut data, mut unused) = (Vec::new(), Vec::new());
        encode_batch(&outcomes, end, &mut data, &mut unused);
        out.write_line(&data)
    };
    match input {
        StepInput::File(file) | StepInput::Copy { file, .. } => {
            let name = match input {
                StepInput::Copy { name, .. } => Some(name),
                _ => None,
            };
            let mut items = Vec::with_capacity(BATCH_DOCS);
            for mut item in readers::open(file, &config.input, None) {
                if let Some(name) = name {
                    match &mut item {
                        Ok(doc) => doc.source.file = name.to_string(),
                        Err(Error::Record { location, .. }) => location.file = name.to_string(),
                        Err(_) => {}
                    }
                }
                items.push(Item::Read(item));
                if items.len() == BATCH_DOCS {
                    write_batch(std::mem::take(&mut items), Default::default(), &mut acc)?;
                }
            }
            if !items.is_empty() {
                write_batch(items, Default::default(), &mut acc)?;
            }
        }
        StepInput::Staged(path) => {
            let mut batches = StagedBatches::from_file(path);
            while let Some((items, end)) = batches.next_batch()? {
                write_batch(items, end, &mut acc)?;
            }
        }
    }
    Box::new(out).finish()?;
    Ok(StepOutput { stats: acc, keys })
}

/// Where a distributed `minhash_dedup` keeps one input file's kept documents between
/// `finish_step` and `minhash_step`.
pub struct MinhashFiles {
    /// The documents, as shards in the output format.
    pub docs: std::path::PathBuf,
    /// Their band keys, one record per document in order (`staged::push_bands`).
    pub bands: std::path::PathBuf,
}

/// What `finish_step` returns.
pub struct Finished {
    pub stats: RunStats,
    /// The file's next shard number (a later step of the same file numbers its shards from here).
    pub next_shard: u64,
    /// With `minhash_dedup`: each kept document's band keys, in order (empty: too short to sign).
    pub bands: Vec<Vec<u64>>,
}

/// Replay the last staging of input file `file_index` through the ordered stages (with the
/// driver's decisions in `state`) and the stages after them, writing `kept/` and `removed/` shards
/// named `part-FFFFF-NNNNN` under `output` — the kept ones to `minhash` instead when the config ends
/// with `minhash_dedup` (which must be given then).
pub fn finish_step(
    config: &PipelineConfig,
    file_index: usize,
    staged: &Path,
    state: &CorpusState,
    output: &Path,
    minhash: Option<&MinhashFiles>,
) -> Result<Finished> {
    let b = pass_bounds(config);
    let signer = match (Pipeline::minhash(config), minhash) {
        (Some((m, _)), Some(_)) => Some(Signer::new(m.clone()).map_err(Error::Config)?),
        (None, None) => None,
        _ => {
            return Err(Error::Config(
                "minhash_dedup's staging is given exactly when the config ends with it".into(),
            ))
        }
    };
    let opts = PassOptions {
        lines: config.output.format != OutputFormat::Parquet,
        last: true,
        signer,
        ..Default::default()
    };
    let mut pipeline = Pipeline::build_pass(config, b[b.len() - 2]..b[b.len() - 1], state, opts)?;
    let mut acc = RunStats::new(pipeline.stage_names());
    let kept_dir = minhash.map_or_else(|| output.join("kept"), |m| m.docs.clone());
    let mut shards = FileShards::new([kept_dir, output.join("removed")], file_index, 0, &config.output)?;
    let (mut bands, mut band_file) = (Vec::new(), Vec::new());
    let mut batches = StagedBatches::from_file(staged);
    while let Some((items, _)) = batches.next_batch()? {
        let mut scratch = BatchInsights::default();
        let n = items.len() as u64;
        for item in items {
            let Item::Staged(outcome) = item else { continue };
            let outcome = pipeline.back(outcome, &mut acc, &mut scratch);
            match pipeline.settle(outcome, &mut acc) {
                Settled::Kept {
                    record,
                    bytes,
                    bands: keys,
                    ..
                } => {
                    if minhash.is_some() {
                        let keys = keys.ok_or_else(|| Error::Fatal("a kept document without band keys".into()))?;
                        push_bands(&mut band_file, &keys, bytes);
                        bands.push(keys);
                    }
                    shards.write(0, record)?
                }
                Settled::Removed { record, .. } if config.output.write_removed => shards.write(1, record)?,
                Settled::Removed { .. } => {}
                Settled::Failed(e) => acc.record_error(e),
            }
        }
        acc.insights.merge_batch(scratch, pipeline.report_config());
        shards.docs += n;
        if shards.docs >= config.output.shard_docs {
            shards.close()?;
        }
    }
    shards.close()?;
    if let Some(m) = minhash {
        writers::write_atomic(&m.bands, &band_file)?;
    }
    Ok(Finished {
        stats: acc,
        next_shard: shards.shard,
        bands,
    })
}

/// A document the driver's connected components put in a cluster of two or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Clustered {
    /// Its place among the file's kept documents.
    pub seq: u64,
    /// The cluster's lowest doc id (doc ids number the kept documents of the run in input order).
    pub root: u64,
    pub size: u64,
}

/// `minhash_dedup` for one input file: its staged kept documents (`files`), the first of which has
/// doc id `first_doc`, get their clusters (`clustered`, sorted by `seq`; a document not listed is
/// alone); every one but a cluster's first is removed as a duplicate (flagged in annotate mode).
/// Writes `kept/` and `removed/` shards from `first_shard` on, and returns the file's `stats`
/// (those `finish_step` returned) with the step counted in.
#[allow(clippy::too_many_arguments)]
pub fn minhash_step(
    config: &PipelineConfig,
    file_index: usize,
    files: &MinhashFiles,
    first_doc: u64,
    clustered: &[Clustered],
    mut stats: RunStats,
    output: &Path,
    first_shard: u64,
) -> Result<RunStats> {
    let started = std::time::Instant::now();
    let Some((_, annotate)) = Pipeline::minhash(config) else {
        return Err(Error::Config("minhash_step: the config has no minhash_dedup".into()));
    };
    let settle = Settle {
        annotate,
        report: &config.report,
        main_encoding: config.tokens.encodings.first().map(|e| e.name()),
    };
    let dirs = [output.join("kept"), output.join("removed")];
    let mut shards = FileShards::new(dirs, file_index, first_shard, &config.output)?;
    let mut records = BandRecords::new(vec![files.bands.clone()]);
    let (mut keys, mut outcome, mut insights) =
        (Vec::new(), FinalOutcome::default(), std::mem::take(&mut stats.insights));
    let slot = stats.stages.len() - 1;
    let mut clustered = clustered.iter().peekable();
    let mut seq = 0u64;
    for_each_staged(&files.docs, |mut doc| {
        let bytes = records.next(&mut keys)?.ok_or_else(|| mismatch(&files.docs))?;
        let id = first_doc + seq;
        let decision = match clustered.next_if(|c| c.seq == seq) {
            Some(c) => {
                let reason = (c.root != id).then_some(DUPLICATE);
                (reason, c.root as i64, u32::try_from(c.size).unwrap_or(u32::MAX))
            }
            None => (None, -1, 1),
        };
        seq += 1;
        match settle.doc(
            &mut doc,
            bytes,
            decision,
            &mut stats.stages[slot],
            &mut insights,
            &mut outcome,
        ) {
            Some(by) if config.output.write_removed => shards.write(1, Record::Doc(Box::new(doc), Some(by))),
            Some(_) => Ok(()),
            None => shards.write(0, Record::Doc(Box::new(doc), None)),
        }?;
        shards.docs += 1;
        if shards.docs >= config.output.shard_docs {
            shards.close()?;
        }
        Ok(())
    })?;
    if records.next(&mut keys)?.is_some() || clustered.next().is_some() {
        return Err(mismatch(&files.docs));
    }
    shards.close()?;
    stats.insights = insights;
    outcome.account(&mut stats, config.output.write_removed);
    stats.stages[slot].seconds += started.elapsed().as_secs_f64();
    Ok(stats)
}

/// The shards of one input file's documents.
struct FileShards<'a> {
    dirs: [std::path::PathBuf; 2],
    file_index: usize,
    shard: u64,
    docs: u64,
    writers: [Option<Box<dyn writers::ShardWriter>>; 2],
    config: &'a writers::OutputConfig,
}

impl<'a> FileShards<'a> {
    fn new(
        dirs: [std::path::PathBuf; 2],
        file_index: usize,
        shard: u64,
        config: &'a writers::OutputConfig,
    ) -> Result<Self> {
        for d in &dirs {
            std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))?;
        }
        Ok(FileShards {
            dirs,
            file_index,
            shard,
            docs: 0,
            writers: [None, None],
            config,
        })
    }

    fn write(&mut self, which: usize, record: Record) -> Result<()> {
        if self.writers[which].is_none() {
            let name = format!(
                "part-{:05}-{:05}.{}",
                self.file_index,
                self.shard,
                self.config.format.extension()
            );
            self.writers[which] = Some(writers::create(&self.dirs[which].join(name), self.config)?);
        }
        let Some(w) = self.writers[which].as_mut() else {
            return Ok(());
        };
        match record {
            Record::Line(l) => w.write_line(&l),
            Record::Doc(doc, by) => w.write(&doc, by.as_deref()),
        }
    }

    fn close(&mut self) -> Result<()> {
        let mut wrote = false;
        for w in self.writers.iter_mut() {
            if let Some(w) = w.take() {
                w.finish()?;
                wrote = true;
            }
        }
        self.shard += u64::from(wrote);
        self.docs = 0;
        Ok(())
    }
}
