//! The library core: a [`Pipeline`] built from a [`PipelineConfig`] processes batches of documents
//! with no files and no threads of its own. `tamis run` (the [`runner`](crate::runner)) drives it over
//! files on local threads; the Python package drives it from Ray tasks.
//!
//! One document's path has two halves. The *front* runs the per-document stages up to the first
//! ordered one; it is order-independent, so drivers run it on any worker. The *back* runs the ordered
//! stages (exact dedup) and everything after them in input order, then *settles* the document: kept
//! or removed, counted once. [`Pipeline::process`] does both halves for one batch.
//!
//! ```no_run
//! use tamis::{Document, Pipeline, PipelineConfig, Source};
//! let mut pipeline = Pipeline::build(&PipelineConfig::default(), &Default::default())?;
//! let source = Source { file: "mem".into(), record: 0, offset: None };
//! let outcome = pipeline.process(vec![Document::new_text("1", "Some text.", source)]);
//! assert_eq!(outcome.stats.totals.docs_in, 1);
//! # Ok::<(), tamis::Error>(())
//! ```

mod apply;
mod build;

pub(crate) use apply::{error_kind, process_guarded};
pub(crate) use build::{build_for_explain, ExplainStage};
pub use build::{stage_names, CorpusState};

use crate::clean::site_lines::DocLineKeys;
use crate::config::{PipelineConfig, StageConfig};
use crate::dedup::{MinhashConfig, Signer};
use crate::document::Document;
use crate::error::{Error, Location, Result};
use crate::insights::{BatchInsights, Insights, ReportConfig};
use crate::report::{OutputSummary, ERROR_SAMPLE_CAP};
use crate::stage::Keyer;
use crate::stats::{ErrorSample, StageStats, Totals};
use crate::tokens::{Encoding, Tally};
use crate::writers::{self, sink::Record};
use apply::{add_counts, apply, Meter};
use build::{build_stages, BuiltStage, StageImpl};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Where a document stands when a driver hands it to the front half.
pub(crate) enum Item {
    /// Straight from a reader (a read error is that record's error).
    Read(Result<Document>),
    /// Carried over from an earlier pass of the same run.
    Staged(Outcome),
}

/// A document still in the pipeline, with what the front prepared for the back.
pub(crate) struct Alive {
    pub doc: Document,
    /// Keys of the ordered stages that directly follow the front (computed on the workers).
    pub keys: Vec<u128>,
    /// The kept JSONL line, when it could be made on the worker.
    pub line: Option<Vec<u8>>,
    pub tally: Tally,
    /// MinHash band keys of the text as it leaves the front (empty: too short to sign).
    pub bands: Option<Vec<u64>>,
    /// The document's site-line keys, for the index of the next pass.
    pub line_keys: Option<DocLineKeys>,
}

/// A document that could not be processed: counted as an error of stats slot `slot`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure {
    pub slot: usize,
    pub location: Location,
    pub kind: String,
    pub message: String,
}

impl Failure {
    fn read(e: Error) -> Self {
        let location = match &e {
            Error::Record { location, .. } => location.clone(),
            Error::Io { path, .. } => Location {
                file: path.to_string_lossy().into_owned(),
                record: 0,
                offset: None,
            },
            _ => Location {
                file: String::new(),
                record: 0,
                offset: None,
            },
        };
        let message = match &e {
            Error::Record { message, .. } => message.clone(),
            other => other.to_string(),
        };
        Failure {
            slot: 0,
            location,
            kind: error_kind(&e).to_string(),
            message,
        }
    }
}

#[allow(
    clippy::large_enum_variant,
    reason = "outcomes live one batch long in one Vec; boxing would cost an allocation per document"
)]
pub(crate) enum Outcome {
    Alive(Alive),
    /// Removed; `record` is ready for the removed shard, `bytes` is the document's size.
    Dropped {
        record: Record,
        bytes: u64,
    },
    Failed(Failure),
}

/// A settled document: what the driver writes.
pub(crate) enum Settled {
    Kept {
        record: Record,
        bytes: u64,
        /// Its key for the first ordered stage, if any (the runner's Bloom hint).
        key: Option<u128>,
        /// Its MinHash band keys (`minhash_dedup` configured).
        bands: Option<Vec<u64>>,
    },
    Removed {
        record: Record,
        bytes: u64,
    },
    Failed(ErrorSample),
}

/// Counts of a run or of one batch: per stage (`read` first), totals, output, errors, insights.
/// Batches processed anywhere merge into the run's with [`RunStats::merge`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunStats {
    pub stages: Vec<StageStats>,
    pub totals: Totals,
    pub errors_sample: Vec<ErrorSample>,
    /// Input files that could not be read at all (one error each), all of them up to
    /// [`FAILED_FILES_CAP`]; their count is in the `read` stage's errors either way.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed_files: Vec<ErrorSample>,
    pub output: OutputSummary,
    #[serde(default)]
    pub insights: Insights,
}

/// Failed input files listed in a report (enough to act on; the counts cover all of them).
pub const FAILED_FILES_CAP: usize = 10_000;

impl RunStats {
    /// Empty counts for the stages of `names` (see [`stage_names`]).
    pub fn new(names: &[String]) -> Self {
        RunStats {
            stages: names.iter().map(StageStats::new).collect(),
            ..Default::default()
        }
    }

    /// Add the counts of a later part of the input (batches merged in input order give the same
    /// samples as one pass).
    pub fn merge(&mut self, other: RunStats, report: &ReportConfig) {
        for (mine, theirs) in self.stages.iter_mut().zip(&other.stages) {
            mine.merge(theirs);
        }
        self.totals += other.totals;
        other.errors_sample.into_iter().for_each(|e| self.sample_error(e));
        let room = FAILED_FILES_CAP.saturating_sub(self.failed_files.len());
        self.failed_files.extend(other.failed_files.into_iter().take(room));
        self.output += other.output;
        self.insights.merge(other.insights, report);
    }

    pub(crate) fn record_error(&mut self, sample: ErrorSample) {
        self.totals.errors += 1;
        let whole_file = crate::readers::FILE_ERROR_KINDS.contains(&sample.kind.as_str());
        if whole_file && self.failed_files.len() < FAILED_FILES_CAP {
            self.failed_files.push(sample.clone());
        }
        self.sample_error(sample);
    }

    /// Keep an error in the sample while it has room (the counts cover all of them).
    fn sample_error(&mut self, sample: ErrorSample) {
        if self.errors_sample.len() < ERROR_SAMPLE_CAP {
            self.errors_sample.push(sample);
        }
    }
}

/// What [`Pipeline::process`] returns for one batch.
#[derive(Debug, Clone, Default)]
pub struct BatchOutcome {
    /// Kept documents in input order, with `metadata.tokens` (and their cleaned text).
    pub kept: Vec<Document>,
    /// Removed documents in input order with the `stage.reason` that removed them.
    pub removed: Vec<(Document, String)>,
    /// Every document that could not be processed, with its location (the stats keep a sample).
    pub errors: Vec<ErrorSample>,
    pub stats: RunStats,
}

/// A Bloom filter (two probes) of the exact-dedup keys of kept documents, written by the back half
/// and read by the front without locks. Only a hint: a worker skips the band keys of a document
/// found here, and the back computes them itself if the document is kept after all (a false
/// positive, or `exact_dedup` in annotate mode). Output never depends on it.
pub(crate) struct KeptKeys {
    bits: Vec<AtomicU64>,
}

impl KeptKeys {
    /// 2^27 bits (16 MiB): under 1 % false positives up to about 10 million kept documents.
    const BITS: u64 = 1 << 27;

    pub fn new() -> Self {
        KeptKeys {
            bits: (0..Self::BITS / 64).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    fn probes(key: u128) -> [u64; 2] {
        [(key as u64) % Self::BITS, ((key >> 64) as u64) % Self::BITS]
    }

    pub fn insert(&self, key: u128) {
        for p in Self::probes(key) {
            self.bits[(p / 64) as usize].fetch_or(1 << (p % 64), Ordering::Relaxed);
        }
    }

    fn contains(&self, key: u128) -> bool {
        Self::probes(key)
            .iter()
            .all(|&p| self.bits[(p / 64) as usize].load(Ordering::Relaxed) >> (p % 64) & 1 == 1)
    }
}

/// How a driver wants a pipeline (or one pass of it) built.
#[derive(Clone, Default)]
pub(crate) struct PassOptions {
    /// Serialize kept/removed JSONL lines on the workers (JSONL output) instead of carrying documents.
    pub lines: bool,
    /// This pass ends the documents' path: stamp `metadata.tokens`, make kept records, sign MinHash.
    pub last: bool,
    /// Compute every surviving document's site-line keys (the next pass needs an index).
    pub site_keys: bool,
    /// `minhash_dedup`'s signer, when its band keys are to be computed.
    pub signer: Option<Signer>,
    pub kept_keys: Option<Arc<KeptKeys>>,
}

/// The order-independent half, shared by every worker.
pub(crate) struct Front {
    stages: Vec<BuiltStage>,
    /// Keyers of the ordered stages that directly follow the front.
    keyers: Vec<Keyer>,
    encodings: Vec<Encoding>,
    report: ReportConfig,
    write_removed: bool,
    slots: usize,
    opts: PassOptions,
    /// Band keys are made by the front (no later stage can change the text).
    sign_here: bool,
}

/// A built pipeline: the front half (shared with workers) and the back half (ordered stages).
pub struct Pipeline {
    names: Vec<String>,
    front: Arc<Front>,
    back: Vec<BuiltStage>,
}

impl Pipeline {
    /// Build every stage of `config` but a trailing `minhash_dedup` (a corpus-wide step the driver
    /// runs after all documents were seen; see [`Pipeline::minhash`]). `state` holds what
    /// corpus-wide steps computed before (the site-line index).
    pub fn build(config: &PipelineConfig, state: &CorpusState) -> Result<Pipeline> {
        config.validate()?;
        let opts = PassOptions {
            lines: false,
            last: true,
            ..Default::default()
        };
        Self::build_pass(config, 0..per_document_stages(config), state, opts)
    }

    /// Build the stages `range` of `config` as one pass of a run.
    pub(crate) fn build_pass(
        config: &PipelineConfig,
        range: std::ops::Range<usize>,
        state: &CorpusState,
        opts: PassOptions,
    ) -> Result<Pipeline> {
        let names = stage_names(config);
        let mut stages = build_stages(config, range, state)?;
        let split = stages
            .iter()
            .position(|s| matches!(s.imp, StageImpl::Ordered(..)))
            .unwrap_or(stages.len());
        let back = stages.split_off(split);
        let keyers = back
            .iter()
            .map_while(|s| match &s.imp {
                StageImpl::Ordered(_, keyer) => Some(keyer.clone()),
                StageImpl::Parallel(_) => None,
            })
            .collect();
        let sign_here = !back.iter().any(|s| matches!(s.imp, StageImpl::Parallel(_)));
        let front = Front {
            stages,
            keyers,
            encodings: config.tokens.encodings.clone(),
            report: config.report.clone(),
            write_removed: config.output.write_removed,
            slots: names.len(),
            opts,
            sign_here,
        };
        Ok(Pipeline {
            names,
            front: Arc::new(front),
            back,
        })
    }

    /// `read` and every stage's report name, in order (the slots of [`RunStats::stages`]).
    pub fn stage_names(&self) -> &[String] {
        &self.names
    }

    /// The trailing `minhash_dedup` of `config` and its annotate flag, if any.
    pub fn minhash(config: &PipelineConfig) -> Option<(&MinhashConfig, bool)> {
        match config.stages.last() {
            Some(e) => match &e.config {
                StageConfig::MinhashDedup(m) => Some((m, e.annotate)),
                _ => None,
            },
            None => None,
        }
    }

    /// Process one batch: every document ends up kept, removed or as an error. Ordered stages keep
    /// their state from batch to batch, so batches must come in input order.
    pub fn process(&mut self, docs: impl IntoIterator<Item = Document>) -> BatchOutcome {
        self.process_read(docs.into_iter().map(Ok))
    }

    /// [`process`](Self::process) over what a reader yields: a record that could not be read is
    /// counted as that record's error (stage `read`).
    pub fn process_read(&mut self, items: impl IntoIterator<Item = Result<Document>>) -> BatchOutcome {
        let mut stats = self.front.empty_stats();
        let mut insights = BatchInsights::default();
        let front = self.front.clone();
        let outcomes: Vec<Outcome> = items
            .into_iter()
            .map(|d| front.run(Item::Read(d), &mut stats, &mut insights))
            .collect();
        let mut out = BatchOutcome {
            stats: RunStats::new(&self.names),
            ..Default::default()
        };
        self.merge_front(&mut out.stats, &stats, insights);
        let mut scratch = BatchInsights::default();
        for outcome in outcomes {
            let outcome = self.back(outcome, &mut out.stats, &mut scratch);
            match self.settle(outcome, &mut out.stats) {
                // `build` makes no JSONL lines: every record is a document.
                Settled::Kept {
                    record: Record::Doc(doc, _),
                    ..
                } => out.kept.push(*doc),
                Settled::Removed {
                    record: Record::Doc(doc, by),
                    ..
                } => out.removed.push((*doc, by.unwrap_or_default())),
                Settled::Failed(e) => {
                    out.stats.record_error(e.clone());
                    out.errors.push(e);
                }
                Settled::Kept { .. } | Settled::Removed { .. } => {}
            }
        }
        out.stats.insights.merge_batch(scratch, &self.front.report);
        out
    }

    /// Whether the pipeline has ordered stages (a back half).
    pub(crate) fn has_back(&self) -> bool {
        !self.back.is_empty()
    }

    pub(crate) fn report_config(&self) -> &ReportConfig {
        &self.front.report
    }

    /// The ordered stages with their stats slots (their state is saved and restored by drivers).
    pub(crate) fn ordered_stages(&mut self) -> Vec<(usize, &mut Box<dyn crate::stage::OrderedStage>)> {
        self.back
            .iter_mut()
            .filter_map(|s| match &mut s.imp {
                StageImpl::Ordered(stage, _) => Some((s.info.slot, stage)),
                StageImpl::Parallel(_) => None,
            })
            .collect()
    }

    pub(crate) fn front(&self) -> &Arc<Front> {
        &self.front
    }

    /// Merge what the front counted for one batch (batches in input order).
    pub(crate) fn merge_front(&self, acc: &mut RunStats, stats: &[StageStats], insights: BatchInsights) {
        for (i, s) in stats.iter().enumerate() {
            acc.stages[i].merge(s);
        }
        acc.insights.merge_batch(insights, &self.front.report);
    }

    /// The back half on one outcome, in input order: ordered stages and the stages after them.
    /// `scratch` collects removed lines (merged after the batch, as the front's are).
    pub(crate) fn back(&mut self, outcome: Outcome, acc: &mut RunStats, scratch: &mut BatchInsights) -> Outcome {
        let Outcome::Alive(mut alive) = outcome else {
            return outcome;
        };
        let front = &*self.front;
        let mut meter = Meter {
            encodings: &front.encodings,
            tally: std::mem::take(&mut alive.tally),
        };
        // The first stage that removes the document, or fails on it.
        let mut verdict = Ok(None);
        for (j, stage) in self.back.iter_mut().enumerate() {
            let stats = &mut acc.stages[stage.info.slot];
            let info = &stage.info;
            let doc = &mut alive.doc;
            let result = match &mut stage.imp {
                StageImpl::Ordered(s, keyer) => {
                    let key = alive.keys.get(j).copied().unwrap_or_else(|| keyer(doc));
                    apply(info, stats, doc, &mut meter, scratch, |_| s.decide(key))
                }
                StageImpl::Parallel(s) => {
                    // This stage may rewrite the document: a line made on the worker is stale.
                    alive.line = None;
                    alive.line_keys = None;
                    apply(info, stats, doc, &mut meter, scratch, |d| {
                        process_guarded(s.as_ref(), d)
                    })
                }
            };
            match result {
                Ok(None) => {}
                Ok(Some(reason)) => {
                    verdict = Ok(Some(format!("{}.{reason}", info.name)));
                    break;
                }
                Err(e) => {
                    verdict = Err((info.slot, e));
                    break;
                }
            }
            if info.annotate && doc.metadata.contains_key(crate::metadata::keys::FLAGGED_BY) {
                // Annotate mode may have changed the metadata after the worker serialized it.
                alive.line = None;
            }
        }
        match verdict {
            Ok(None) => {}
            Ok(Some(by)) => {
                let mut doc = alive.doc;
                if alive.line.is_none() {
                    meter.stamp(&mut doc);
                }
                acc.insights.count_document(&doc, false, None);
                acc.insights.offer_sample(&by, &doc, &front.report);
                let bytes = doc.byte_len() as u64;
                let record = match alive.line {
                    Some(l) => Record::Line(writers::mark_removed(l, &by)),
                    None => Record::Doc(Box::new(doc), Some(by)),
                };
                return Outcome::Dropped { record, bytes };
            }
            Err((slot, e)) => {
                return Outcome::Failed(Failure {
                    slot,
                    location: alive.doc.source.location(),
                    kind: e.kind.to_string(),
                    message: e.message,
                })
            }
        }
        alive.tally = meter.tally;
        Outcome::Alive(alive)
    }

    /// Count a document that has been through every stage of the run: kept, removed or an error.
    pub(crate) fn settle(&self, outcome: Outcome, acc: &mut RunStats) -> Settled {
        let front = &*self.front;
        acc.totals.docs_in += 1;
        match outcome {
            Outcome::Failed(f) => Settled::Failed(ErrorSample {
                stage: self.names.get(f.slot).cloned().unwrap_or_default(),
                kind: f.kind,
                file: f.location.file,
                record: f.location.record,
                offset: f.location.offset,
                message: f.message,
            }),
            Outcome::Dropped { record, bytes } => {
                acc.totals.removed += 1;
                if front.write_removed {
                    acc.output.removed_bytes += bytes;
                }
                Settled::Removed { record, bytes }
            }
            Outcome::Alive(mut alive) => {
                acc.totals.kept += 1;
                let key = alive.keys.first().copied();
                let bands = front.opts.signer.as_ref().map(|signer| {
                    // The front leaves them out when a stage after it could change the text or
                    // the document looked like an exact duplicate.
                    alive.bands.take().unwrap_or_else(|| band_keys(signer, &alive.doc))
                });
                let mut meter = Meter {
                    encodings: &front.encodings,
                    tally: alive.tally,
                };
                let doc = &mut alive.doc;
                if alive.line.is_none() {
                    meter.stamp(doc);
                }
                let counts = meter.tally.current(doc.text(), meter.encodings);
                if let Some(counts) = counts {
                    add_counts(meter.encodings, counts, &mut acc.output.tokens);
                }
                let first = counts.and_then(|c| c.first().copied());
                acc.insights.count_document(doc, true, first);
                acc.insights.offer_line_samples(doc, &front.report);
                let bytes = doc.byte_len() as u64;
                acc.output.kept_bytes += bytes;
                let record = match alive.line {
                    Some(l) => Record::Line(l),
                    None => Record::Doc(Box::new(alive.doc), None),
                };
                Settled::Kept {
                    record,
                    bytes,
                    key,
                    bands,
                }
            }
        }
    }
}

impl Front {
    /// Per-batch counters, one per stats slot.
    pub fn empty_stats(&self) -> Vec<StageStats> {
        vec![StageStats::default(); self.slots]
    }

    /// The front half on one item.
    pub fn run(&self, item: Item, stats: &mut [StageStats], insights: &mut BatchInsights) -> Outcome {
        let (mut doc, tally) = match item {
            Item::Read(Err(e)) => {
                stats[0].docs_in += 1;
                *stats[0].errors.entry(error_kind(&e).to_string()).or_default() += 1;
                return Outcome::Failed(Failure::read(e));
            }
            Item::Read(Ok(doc)) => {
                let read = &mut stats[0];
                read.docs_in += 1;
                read.kept += 1;
                read.bytes_in += doc.byte_len() as u64;
                read.bytes_kept += doc.byte_len() as u64;
                (doc, Tally::default())
            }
            Item::Staged(Outcome::Alive(a)) => (a.doc, a.tally),
            Item::Staged(other) => return other,
        };
        let mut meter = Meter {
            encodings: &self.encodings,
            tally,
        };
        for stage in &self.stages {
            let StageImpl::Parallel(s) = &stage.imp else { continue };
            let slot = stage.info.slot;
            match apply(&stage.info, &mut stats[slot], &mut doc, &mut meter, insights, |d| {
                process_guarded(s.as_ref(), d)
            }) {
                Ok(None) => {}
                Ok(Some(reason)) => {
                    let by = format!("{}.{reason}", stage.info.name);
                    meter.stamp(&mut doc);
                    insights.count_removed(&by, &doc, &self.report);
                    let bytes = doc.byte_len() as u64;
                    let record = if self.opts.lines {
                        Record::Line(writers::jsonl_line(&doc, Some(&by)))
                    } else {
                        Record::Doc(Box::new(doc), Some(by))
                    };
                    return Outcome::Dropped { record, bytes };
                }
                Err(e) => {
                    return Outcome::Failed(Failure {
                        slot,
                        location: doc.source.location(),
                        kind: e.kind.to_string(),
                        message: e.message,
                    })
                }
            }
        }
        let keys: Vec<u128> = self.keyers.iter().map(|k| k(&doc)).collect();
        let line_keys = if self.opts.site_keys {
            crate::clean::site_lines::doc_line_keys(&doc)
        } else {
            None
        };
        let (mut line, mut bands) = (None, None);
        if self.opts.last {
            meter.stamp(&mut doc);
            // A document that already carries `removed_by` cannot take the spliced reason: no line.
            if self.opts.lines && !doc.has_removed_by() {
                line = Some(writers::jsonl_line(&doc, None));
            }
            let likely_duplicate = match (&self.opts.kept_keys, keys.first()) {
                (Some(kept), Some(&key)) => kept.contains(key),
                _ => false,
            };
            bands = self
                .opts
                .signer
                .as_ref()
                .filter(|_| self.sign_here && !likely_duplicate)
                .map(|s| band_keys(s, &doc));
        }
        Outcome::Alive(Alive {
            doc,
            keys,
            line,
            tally: meter.tally,
            bands,
            line_keys,
        })
    }
}

/// The number of leading stages that run per document (all but a trailing `minhash_dedup`).
pub(crate) fn per_document_stages(config: &PipelineConfig) -> usize {
    config.stages.len() - usize::from(Pipeline::minhash(config).is_some())
}

/// The stages that need a site-line index built from the documents that reach them, with their
/// index and config: a run splits into passes there.
pub(crate) fn site_line_stages(config: &PipelineConfig) -> Vec<(usize, &crate::clean::CleanLinesConfig)> {
    config
        .stages
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match &e.config {
            StageConfig::CleanLines(c) if c.site_lines => Some((i, c)),
            _ => None,
        })
        .collect()
}

/// Where a run's passes start and end: pass `k` runs the stages `bounds[k]..bounds[k + 1]`.
pub(crate) fn pass_bounds(config: &PipelineConfig) -> Vec<usize> {
    let mut bounds = vec![0];
    bounds.extend(site_line_stages(config).into_iter().map(|(i, _)| i));
    bounds.push(per_document_stages(config));
    bounds
}

/// The site-line index for the first stage that needs one, counted over `docs` (in order) as they
/// reach it: for one-off tools such as `tamis explain`. `tamis run` counts on its workers instead,
/// and a cluster with a shuffle. Later site-line stages get the same index here.
pub fn site_index_serial(config: &PipelineConfig, docs: impl IntoIterator<Item = Document>) -> Result<CorpusState> {
    let Some(&(split, c)) = site_line_stages(config).first() else {
        return Ok(CorpusState::default());
    };
    let opts = PassOptions {
        site_keys: true,
        ..Default::default()
    };
    let mut pipeline = Pipeline::build_pass(config, 0..split, &CorpusState::default(), opts)?;
    let mut builder = crate::clean::SiteLinesBuilder::new(c.site_min_docs, c.site_max_entries);
    let front = pipeline.front.clone();
    let mut acc = RunStats::new(&pipeline.names);
    let mut stats = front.empty_stats();
    let (mut insights, mut scratch) = (BatchInsights::default(), BatchInsights::default());
    for doc in docs {
        let outcome = front.run(Item::Read(Ok(doc)), &mut stats, &mut insights);
        if let Outcome::Alive(Alive {
            line_keys: Some(keys), ..
        }) = pipeline.back(outcome, &mut acc, &mut scratch)
        {
            builder.add_keys(&keys);
        }
    }
    Ok(CorpusState {
        site_lines: Some(Arc::new(builder.finish())),
        ..Default::default()
    })
}

/// A document's MinHash band keys (empty when it is too short for one shingle).
fn band_keys(signer: &Signer, doc: &Document) -> Vec<u64> {
    let mut scratch = Vec::new();
    signer
        .doc_band_keys(&doc.text_lossy(), &mut scratch)
        .unwrap_or_default()
}
