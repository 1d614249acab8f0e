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
//!
//! Counts (`RunStats`) of every step, merged file by file in input order, are the local run's.

use crate::config::PipelineConfig;
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
        StepInput::File(file) => {
            let mut items = Vec::with_capacity(BATCH_DOCS);
            for item in readers::open(file, &config.input, None)? {
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

/// Replay the last staging of input file `file_index` through the ordered stages (with the
/// driver's decisions in `state`) and the stages after them, writing `kept/` and `removed/` shards
/// named `part-FFFFF-NNNNN` under `output`.
pub fn finish_step(
    config: &PipelineConfig,
    file_index: usize,
    staged: &Path,
    state: &CorpusState,
    output: &Path,
) -> Result<RunStats> {
    let b = pass_bounds(config);
    let opts = PassOptions {
        lines: config.output.format != OutputFormat::Parquet,
        last: true,
        ..Default::default()
    };
    let mut pipeline = Pipeline::build_pass(config, b[b.len() - 2]..b[b.len() - 1], state, opts)?;
    let mut acc = RunStats::new(pipeline.stage_names());
    let dirs = [output.join("kept"), output.join("removed")];
    for d in &dirs {
        std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))?;
    }
    let mut shards = FileShards {
        dirs,
        file_index,
        shard: 0,
        docs: 0,
        writers: [None, None],
        config: &config.output,
    };
    let mut batches = StagedBatches::from_file(staged);
    while let Some((items, _)) = batches.next_batch()? {
        let mut scratch = BatchInsights::default();
        let n = items.len() as u64;
        for item in items {
            let Item::Staged(outcome) = item else { continue };
            let outcome = pipeline.back(outcome, &mut acc, &mut scratch);
            match pipeline.settle(outcome, &mut acc) {
                Settled::Kept { record, .. } => shards.write(0, record)?,
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
    Ok(acc)
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

impl FileShards<'_> {
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
