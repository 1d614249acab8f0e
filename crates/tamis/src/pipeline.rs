//! The runner: reader thread -> bounded queue -> worker threads -> sequencer (this thread) -> writers.
//!
//! Batches carry sequence numbers; the sequencer handles them in input order, runs the ordered stages
//! (exact dedup) and writes shards, so output is byte-identical for any thread count. A token channel
//! bounds the batches in flight, so memory does not grow with the corpus. Every `shard_docs` input
//! documents the sequencer closes the shard files and writes a checkpoint (stats, ordered-stage state,
//! input position); a killed run restarts from the last checkpoint and produces the same bytes.

use crate::clean::{CleanLines, CleanLinesConfig, SiteLines, SiteLinesBuilder};
use crate::config::{PipelineConfig, StageConfig};
use crate::dedup::{ExactDedup, Signer};
use crate::document::Document;
use crate::error::{Error, Location, Result};
use crate::filters::{C4Quality, FineWebQuality, GopherQuality, GopherRepetition, Language, Length, Payload, Pii};
use crate::insights::{BatchInsights, Insights, ReportConfig};
use crate::readers::{self, InputFile};
use crate::report::{InputSummary, OutputSummary, Report, ERROR_SAMPLE_CAP};
use crate::stage::{Keyer, OrderedStage, SignalSpec, Stage, StageError, Verdict};
use crate::stats::{ErrorSample, Histogram, StageStats, Totals};
use crate::tokens::{Encoding, Tally};
use crate::writers;
use crate::writers::sink::{Record, Sink, SinkMsg};
use crossbeam_channel::{bounded, Receiver, Sender};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

const BATCH_DOCS: usize = 256;
const BATCH_BYTES: usize = 4 << 20;

enum StageImpl {
    Parallel(Box<dyn Stage>),
    /// The stage and its keyer, taken once at build time.
    Ordered(Box<dyn OrderedStage>, Keyer),
}

struct BuiltStage {
    info: StageInfo,
    imp: StageImpl,
}

/// What `apply` needs to know of a stage besides running it (apart from `imp`, so that an ordered
/// stage can be borrowed mutably while it is applied).
struct StageInfo {
    name: String,
    annotate: bool,
    /// Where the stage writes its signals (`metadata.signals.<key>`): its type name.
    signal_key: &'static str,
    /// Signals counted into histograms (empty when the report's histograms are off).
    specs: Vec<SignalSpec>,
}

/// A document's token counts as it goes through the stages, and the encodings to count.
struct Meter<'a> {
    encodings: &'a [Encoding],
    tally: Tally,
}

fn ordered(stage: impl OrderedStage + 'static) -> StageImpl {
    let keyer = stage.keyer();
    StageImpl::Ordered(Box::new(stage), keyer)
}

/// Build one stage from its config (one arm per stage). `annotate`: the stage writes every signal
/// to the metadata (annotate mode and the report's histograms).
fn build_stage(config: &StageConfig, annotate: bool, inputs: &Inputs<'_>) -> Result<StageImpl> {
    Ok(match config {
        StageConfig::Payload(c) => StageImpl::Parallel(Box::new(Payload::new(c.clone()))),
        StageConfig::Extract(c) => StageImpl::Parallel(Box::new(crate::html::Extract::new(c.clone()))),
        StageConfig::Length(c) => StageImpl::Parallel(Box::new(Length::new(c.clone()))),
        StageConfig::CleanLines(c) => {
            let index = if c.site_lines {
                Some(Arc::new(site_line_pass(c, inputs)?))
            } else {
                None
            };
            StageImpl::Parallel(Box::new(CleanLines::new(c.clone(), index)))
        }
        StageConfig::GopherRepetition(c) => StageImpl::Parallel(Box::new(GopherRepetition::new(c.clone(), annotate))),
        StageConfig::GopherQuality(c) => StageImpl::Parallel(Box::new(GopherQuality::new(c.clone(), annotate))),
        StageConfig::C4Quality(c) => StageImpl::Parallel(Box::new(C4Quality::new(c.clone(), annotate))),
        StageConfig::FineWebQuality(c) => StageImpl::Parallel(Box::new(FineWebQuality::new(c.clone(), annotate))),
        StageConfig::Language(c) => StageImpl::Parallel(Box::new(
            Language::new(c.clone()).map_err(|e| Error::Config(format!("stage language: {e}")))?,
        )),
        StageConfig::Pii(c) => StageImpl::Parallel(Box::new(
            Pii::new(c.clone()).map_err(|e| Error::Config(format!("stage pii: {e}")))?,
        )),
        StageConfig::ExactDedup(c) => ordered(ExactDedup::new(c.clone())),
        // Not a per-document stage: `run` takes it out of the list and runs it after the main pass.
        StageConfig::MinhashDedup(_) => {
            return Err(Error::Config(
                "minhash_dedup must be the last stage (it runs after every document has been seen)".into(),
            ))
        }
    })
}

/// A stage built for `tamis explain`: per-document stages only (`None` = an ordered stage).
pub(crate) struct ExplainStage {
    pub name: String,
    pub stage: Option<Box<dyn Stage>>,
}

/// Build every stage of `config` with its signals recorded, for `tamis explain`.
pub(crate) fn build_for_explain(config: &PipelineConfig, files: &[InputFile]) -> Result<Vec<ExplainStage>> {
    let mut inputs = Inputs {
        config: &config.input,
        files,
        extract: None,
    };
    let mut out = Vec::new();
    for entry in &config.stages {
        if let StageConfig::MinhashDedup(_) = entry.config {
            out.push(ExplainStage {
                name: entry.config.type_name().to_string(),
                stage: None,
            });
            continue;
        }
        let built = build_stage(&entry.config, true, &inputs)?;
        inputs.after(&entry.config);
        let stage = match built {
            StageImpl::Parallel(s) => Some(s),
            StageImpl::Ordered(..) => None,
        };
        out.push(ExplainStage {
            name: entry.config.type_name().to_string(),
            stage,
        });
    }
    Ok(out)
}

/// What stages that need a pass over the whole input see.
struct Inputs<'a> {
    config: &'a crate::readers::InputConfig,
    files: &'a [InputFile],
    /// The extraction configured before this stage, if any: a pass over the input applies it to
    /// raw pages (WARC, `.html`) so that it sees the same text as the stage.
    extract: Option<&'a crate::html::ExtractConfig>,
}

impl<'a> Inputs<'a> {
    /// Remember an extraction stage for the stages after it.
    fn after(&mut self, stage: &'a StageConfig) {
        if let StageConfig::Extract(c) = stage {
            self.extract = Some(c);
        }
    }
}

/// Count lines per site over every input document (records that fail to read are counted by the
/// main pass, not here).
fn site_line_pass(config: &CleanLinesConfig, inputs: &Inputs<'_>) -> Result<SiteLines> {
    let mut builder = SiteLinesBuilder::new(config.site_min_docs, config.site_max_entries);
    let extract = inputs.extract.map(|c| crate::html::Extract::new(c.clone()));
    for file in inputs.files {
        for mut doc in readers::open(file, inputs.config, None)?.flatten() {
            if let Some(x) = &extract {
                if doc.text().is_none() && !matches!(process_guarded(x, &mut doc), Ok(Verdict::Keep)) {
                    continue;
                }
            }
            builder.add(&doc);
        }
    }
    Ok(builder.finish())
}

/// Live counters for a progress display (the library draws nothing itself).
#[derive(Debug, Default)]
pub struct Progress {
    /// Bytes of input files read so far (compressed size).
    pub input_bytes: Arc<AtomicU64>,
    /// Total size of the input files.
    pub total_bytes: AtomicU64,
    pub documents: AtomicU64,
    pub kept: AtomicU64,
    pub removed: AtomicU64,
    pub errors: AtomicU64,
    pub done: AtomicBool,
}

/// What `run` needs beyond the pipeline config.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub inputs: Vec<PathBuf>,
    pub output: PathBuf,
    pub threads: usize,
    pub progress: Option<Arc<Progress>>,
    /// Testing aid: abandon the run, as a crash would, right after this many checkpoints
    /// (open shard files stay behind as temporary files).
    #[doc(hidden)]
    pub abandon_after_checkpoints: Option<u64>,
}

/// Where the reader is: input file index and records consumed in it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub file: usize,
    pub record: u64,
}

/// Saved after every shard; a rerun on the same output continues from here.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Checkpoint {
    fingerprint: String,
    next_shard: u64,
    position: Position,
    complete: bool,
    stages: Vec<StageStats>,
    totals: Totals,
    errors_sample: Vec<ErrorSample>,
    output: OutputSummary,
    seconds: f64,
    #[serde(default)]
    insights: Insights,
    /// `minhash_dedup`'s final pass has written the final shards.
    #[serde(default)]
    minhash_done: bool,
    #[serde(default)]
    minhash: Option<crate::dedup::near::MinhashStats>,
    /// This run's name in the MinHash index, fixed (and checkpointed) before the index is first
    /// written, so that a redone final pass, even from a moved directory, is the same run there.
    #[serde(default)]
    minhash_run_key: Option<String>,
}

struct Batch {
    seq: u64,
    items: Vec<Result<Document>>,
    end: Position,
}

#[allow(
    clippy::large_enum_variant,
    reason = "outcomes live one batch long in one Vec; boxing would cost an allocation per document"
)]
enum Outcome {
    ReadError(Error),
    /// Passed the worker stages. `keys`: precomputed keys of the leading ordered stages;
    /// `line`: the kept JSONL line, when it could be made on the worker.
    Alive {
        doc: Document,
        keys: Vec<u128>,
        line: Option<Vec<u8>>,
        tally: Tally,
        /// MinHash band keys of the text as it leaves the workers (`minhash_dedup` configured and
        /// no later stage can change the text); empty: too short to have a signature.
        bands: Option<Vec<u64>>,
    },
    /// Removed by a worker stage; `record` is ready for the removed shard.
    Dropped {
        record: Record,
        bytes: u64,
    },
    Failed(Location, usize, StageError),
}

/// What workers prepare for the sequencer.
struct Prep {
    /// Keyers of the ordered stages that directly follow the worker stages.
    keyers: Vec<Keyer>,
    /// Serialize JSONL lines on the workers (JSONL output formats).
    lines: bool,
    encodings: Vec<Encoding>,
    report: ReportConfig,
    /// Band keys are computed on the workers (see `Outcome::Alive::bands`).
    signer: Option<Signer>,
    /// With `exact_dedup` as the first sequential stage: the exact keys of documents kept so far,
    /// so that workers skip band keys of documents exact dedup is going to drop.
    kept_keys: Option<Arc<KeptKeys>>,
}

/// A Bloom filter (two probes) of the exact-dedup keys of kept documents, written by the
/// sequencer and read by the workers without locks. Only a hint: a worker skips the band keys of
/// a document found here, and the sequencer computes them itself if the document is kept after all
/// (a false positive, or `exact_dedup` in annotate mode). Output never depends on it.
struct KeptKeys {
    bits: Vec<AtomicU64>,
}

impl KeptKeys {
    /// 2^27 bits (16 MiB): under 1 % false positives up to about 10 million kept documents.
    const BITS: u64 = 1 << 27;

    fn new() -> Self {
        KeptKeys {
            bits: (0..Self::BITS / 64).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    fn probes(key: u128) -> [u64; 2] {
        [(key as u64) % Self::BITS, ((key >> 64) as u64) % Self::BITS]
    }

    fn insert(&self, key: u128) {
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

struct Done {
    seq: u64,
    outcomes: Vec<Outcome>,
    /// Reader stats first, then the parallel stages.
    stats: Vec<StageStats>,
    insights: BatchInsights,
    end: Position,
}

enum Msg {
    Done(Done),
    Fatal(Error),
}

/// Run the pipeline over the inputs into `options.output`, resuming a killed run there.
pub fn run(config: &PipelineConfig, options: &RunOptions) -> Result<Report> {
    config.validate()?;
    let started = Instant::now();
    let (files, skipped) = readers::collect_inputs(&options.inputs, config.input.format)?;
    let out = &options.output;
    // `minhash_dedup` (validated to be last) runs after the main pass, not as a stage.
    let (entries, minhash) = match config.stages.split_last() {
        Some((last, rest)) => match &last.config {
            StageConfig::MinhashDedup(m) => (rest, Some((m, last.annotate))),
            _ => (&config.stages[..], None),
        },
        None => (&config.stages[..], None),
    };
    let dirs = OutputDirs::create(out, minhash.is_some())?;
    let fingerprint = fingerprint(config, &files);
    let signer = match minhash {
        Some((m, _)) => Some(Signer::new(m.clone()).map_err(Error::Config)?),
        None => None,
    };
    if let Some((m, _)) = minhash {
        if let Some(dir) = &m.index {
            // Other hashing settings or an unreadable index: say so now, not after the main pass.
            crate::dedup::index::Index::open(dir, m, 1 << 20)?;
        }
    }

    let mut stages: Vec<BuiltStage> = Vec::new();
    let mut inputs = Inputs {
        config: &config.input,
        files: &files,
        extract: None,
    };
    for entry in entries {
        let base = entry.config.type_name();
        let count = stages
            .iter()
            .filter(|s| s.info.name == base || s.info.name.starts_with(&format!("{base}_")))
            .count();
        let name = if count == 0 {
            base.to_string()
        } else {
            format!("{base}_{}", count + 1)
        };
        let imp = build_stage(&entry.config, entry.annotate || config.report.signals, &inputs)?;
        inputs.after(&entry.config);
        let specs = match &imp {
            StageImpl::Parallel(s) if config.report.signals => s.signal_specs(),
            _ => Vec::new(),
        };
        stages.push(BuiltStage {
            info: StageInfo {
                name,
                annotate: entry.annotate,
                signal_key: entry.config.type_name(),
                specs,
            },
            imp,
        });
    }
    // Stages up to the first ordered one run on the workers; from there on, on the sequencer.
    let split = stages
        .iter()
        .position(|s| matches!(s.imp, StageImpl::Ordered(..)))
        .unwrap_or(stages.len());
    let mut sequential = stages.split_off(split);
    let parallel = Arc::new(stages);

    let mut ckpt = match load_checkpoint(&dirs)? {
        Some(c) if c.fingerprint != fingerprint => {
            return Err(Error::Fatal(format!(
            "{} holds the output of a run with other inputs or another config; choose a new -o directory or delete it",
            out.display()
        )))
        }
        Some(c) => c,
        None => Checkpoint {
            fingerprint: fingerprint.clone(),
            next_shard: 0,
            position: Position::default(),
            complete: false,
            stages: std::iter::once("read".to_string())
                .chain(parallel.iter().map(|s| s.info.name.clone()))
                .chain(sequential.iter().map(|s| s.info.name.clone()))
                .chain(minhash.map(|_| "minhash_dedup".to_string()))
                .map(StageStats::new)
                .collect(),
            totals: Totals::default(),
            errors_sample: Vec::new(),
            output: OutputSummary::default(),
            seconds: 0.0,
            insights: Insights::default(),
            minhash_done: false,
            minhash: None,
            minhash_run_key: None,
        },
    };
    if !ckpt.complete {
        // A complete run has nothing stale (and, with minhash_dedup, final shards numbered past it).
        dirs.clean_after(ckpt.next_shard)?;
        restore_ordered(&dirs, &mut sequential, ckpt.next_shard)?;
    }

    let input_summary = InputSummary {
        files: files.len() as u64,
        bytes: files.iter().map(|f| f.size).sum(),
        skipped_files: skipped.iter().map(|p| p.to_string_lossy().into_owned()).collect(),
    };
    let progress = options.progress.clone().unwrap_or_default();
    progress.total_bytes.store(input_summary.bytes, Ordering::Relaxed);
    let already: u64 = files[..ckpt.position.file.min(files.len())]
        .iter()
        .map(|f| f.size)
        .sum();
    progress.input_bytes.store(already, Ordering::Relaxed);
    progress.documents.store(ckpt.totals.docs_in, Ordering::Relaxed);

    // Band keys are computed on the workers unless a stage after them may still change the text.
    let sign_here = sequential.iter().any(|s| matches!(s.imp, StageImpl::Parallel(_)));
    let first_is_exact_dedup = sequential.first().is_some_and(|s| s.info.signal_key == "exact_dedup");
    let kept_keys = (signer.is_some() && !sign_here && first_is_exact_dedup).then(|| Arc::new(KeptKeys::new()));
    if !ckpt.complete {
        let keyers = sequential
            .iter()
            .map_while(|s| match &s.imp {
                StageImpl::Ordered(_, keyer) => Some(keyer.clone()),
                StageImpl::Parallel(_) => None,
            })
            .collect();
        let prep = Prep {
            keyers,
            lines: config.output.format != writers::OutputFormat::Parquet,
            encodings: config.tokens.encodings.clone(),
            report: config.report.clone(),
            signer: signer.clone().filter(|_| !sign_here),
            kept_keys: kept_keys.clone(),
        };
        // A few batches of records: the queue is bounded in bytes by the batch size.
        let (sink_tx, sink_rx) = bounded::<SinkMsg>(4);
        let sink = Sink {
            kept_dir: dirs.main_kept().clone(),
            removed_dir: dirs.removed.clone(),
            config: config.output.clone(),
            shard: ckpt.next_shard,
        };
        let sink_thread = std::thread::spawn(move || sink.run(sink_rx));
        let mut seq = Sequencer {
            config,
            dirs: &dirs,
            ckpt: &mut ckpt,
            sequential: &mut sequential,
            n_parallel: parallel.len(),
            sink: sink_tx,
            records: Vec::new(),
            scratch: BatchInsights::default(),
            encodings: &config.tokens.encodings,
            docs_in_shard: 0,
            bytes_in_shard: 0,
            progress: &progress,
            run_started: started,
            abandon_after: options.abandon_after_checkpoints,
            minhash_signer: signer.clone(),
            minhash_bands: Vec::new(),
            kept_keys: kept_keys.clone(),
        };
        let mut result = drive(
            config,
            &files,
            parallel,
            &prep,
            options.threads.max(1),
            &progress,
            &mut seq,
        );
        if result.is_ok() {
            seq.ckpt.complete = true;
            result = seq.checkpoint();
        }
        drop(seq);
        progress.done.store(true, Ordering::Relaxed);
        // The sink's own error (a full disk, say) explains a failed send: report it first.
        let sunk = sink_thread
            .join()
            .unwrap_or_else(|_| Err(Error::Fatal("the output thread panicked".into())));
        sunk?;
        result?;
    }
    if let Some((m, annotate)) = minhash {
        if ckpt.minhash_run_key.is_none() {
            let out_abs = std::fs::canonicalize(out).unwrap_or_else(|_| out.clone());
            let stamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            ckpt.minhash_run_key = Some(format!("run {} {} {stamp}", out_abs.display(), ckpt.fingerprint));
            save_checkpoint(&dirs, &ckpt)?;
        }
        let finish = crate::dedup::staged::FinalPass {
            config: m,
            annotate,
            staged: dirs.main_kept(),
            bands_dir: &dirs.state,
            kept: &dirs.kept,
            removed: &dirs.removed,
            output: &config.output,
            report: &config.report,
            // Removed shards of the main pass are numbered below the checkpoint's next shard.
            first_removed_shard: ckpt.next_shard,
            main_encoding: config.tokens.encodings.first().map(|e| e.name().to_string()),
            run_key: ckpt.minhash_run_key.clone().unwrap_or_default(),
        };
        if !ckpt.minhash_done {
            let t = Instant::now();
            let stage = ckpt.stages.len() - 1;
            let outcome = finish.run(&mut ckpt.stages[stage], &mut ckpt.insights)?;
            ckpt.totals.kept -= outcome.removed;
            ckpt.totals.removed += outcome.removed;
            ckpt.output.kept_bytes = ckpt.output.kept_bytes.saturating_sub(outcome.removed_bytes);
            if config.output.write_removed {
                ckpt.output.removed_bytes += outcome.removed_bytes;
            }
            for (name, n) in &outcome.removed_tokens {
                if let Some(t) = ckpt.output.tokens.get_mut(name) {
                    *t = t.saturating_sub(*n);
                }
            }
            progress.kept.fetch_sub(outcome.removed, Ordering::Relaxed);
            progress.removed.fetch_add(outcome.removed, Ordering::Relaxed);
            ckpt.stages[stage].seconds += t.elapsed().as_secs_f64();
            ckpt.seconds += t.elapsed().as_secs_f64();
            ckpt.minhash_done = true;
            ckpt.minhash = Some(outcome.minhash);
            save_checkpoint(&dirs, &ckpt)?;
        }
        // Idempotent: also finishes a cleanup a kill interrupted.
        finish.cleanup()?;
    }
    let report = Report {
        tamis_version: env!("CARGO_PKG_VERSION").to_string(),
        complete: true,
        config: serde_json::to_value(config).map_err(|e| Error::Fatal(e.to_string()))?,
        inputs: input_summary,
        stages: ckpt.stages.clone(),
        documents: ckpt.totals,
        output: ckpt.output.clone(),
        errors_sample: ckpt.errors_sample.clone(),
        seconds: ckpt.seconds,
        insights: ckpt.insights.for_report(),
        minhash: ckpt.minhash,
    };
    check_balance(&report)?;
    write_atomic(
        &out.join("report.json"),
        &serde_json::to_vec_pretty(&report).map_err(|e| Error::Fatal(e.to_string()))?,
    )?;
    if config.report.html {
        write_atomic(&out.join("report.html"), crate::report_html::render(&report).as_bytes())?;
    }
    Ok(report)
}

/// Every stage and the whole run must account for every document.
fn check_balance(report: &Report) -> Result<()> {
    for s in &report.stages {
        if !s.balanced() {
            return Err(Error::Fatal(format!(
                "internal accounting error in stage {}: {s:?}",
                s.name
            )));
        }
    }
    if !report.documents.balanced() {
        return Err(Error::Fatal(format!(
            "internal accounting error: totals {:?}",
            report.documents
        )));
    }
    Ok(())
}

fn drive(
    config: &PipelineConfig,
    files: &[InputFile],
    parallel: Arc<Vec<BuiltStage>>,
    prep: &Prep,
    threads: usize,
    progress: &Arc<Progress>,
    seq: &mut Sequencer<'_>,
) -> Result<()> {
    let in_flight = 2 * threads + 2;
    let (batch_tx, batch_rx) = bounded::<Batch>(in_flight);
    let (done_tx, done_rx) = bounded::<Msg>(in_flight);
    let (token_tx, token_rx) = bounded::<()>(in_flight);
    for _ in 0..in_flight {
        let _ = token_tx.send(());
    }
    let stop = Arc::new(AtomicBool::new(false));
    let start = seq.ckpt.position;
    std::thread::scope(|scope| -> Result<()> {
        {
            let done_tx = done_tx.clone();
            let stop = stop.clone();
            let counter = progress.input_bytes.clone();
            scope.spawn(move || read_inputs(config, files, start, counter, batch_tx, done_tx, token_rx, stop));
        }
        for _ in 0..threads {
            let batch_rx = batch_rx.clone();
            let done_tx = done_tx.clone();
            let parallel = parallel.clone();
            scope.spawn(move || work(&parallel, prep, batch_rx, done_tx));
        }
        drop(done_tx);
        drop(batch_rx);
        let result = seq.consume(done_rx, &token_tx);
        // On a fatal error, stop the reader; dropping the receivers unblocks everyone.
        stop.store(true, Ordering::Relaxed);
        drop(token_tx);
        result
    })
}

#[allow(clippy::too_many_arguments)]
fn read_inputs(
    config: &PipelineConfig,
    files: &[InputFile],
    start: Position,
    counter: Arc<AtomicU64>,
    batch_tx: Sender<Batch>,
    done_tx: Sender<Msg>,
    tokens: Receiver<()>,
    stop: Arc<AtomicBool>,
) {
    let mut seq = 0u64;
    let mut items = Vec::with_capacity(BATCH_DOCS);
    let mut bytes = 0usize;
    let mut end = start;
    let mut send = |items: &mut Vec<Result<Document>>, end: Position| -> bool {
        if tokens.recv().is_err() || stop.load(Ordering::Relaxed) {
            return false;
        }
        let batch = Batch {
            seq,
            items: std::mem::take(items),
            end,
        };
        seq += 1;
        batch_tx.send(batch).is_ok()
    };
    for (index, file) in files.iter().enumerate().skip(start.file) {
        let iter = match readers::open(file, &config.input, Some(counter.clone())) {
            Ok(it) => it,
            Err(e) => {
                let _ = done_tx.send(Msg::Fatal(e));
                return;
            }
        };
        let skip = if index == start.file { start.record } else { 0 };
        let mut record = 0u64;
        for item in iter {
            record += 1;
            if record <= skip {
                continue;
            }
            bytes += item.as_ref().map(|d| d.byte_len()).unwrap_or(0);
            items.push(item);
            end = Position { file: index, record };
            if items.len() >= BATCH_DOCS || bytes >= BATCH_BYTES {
                bytes = 0;
                if !send(&mut items, end) {
                    return;
                }
            }
        }
        if record < skip {
            let _ = done_tx.send(Msg::Fatal(Error::Fatal(format!(
                "{}: has {record} records, fewer than the {skip} the checkpoint says were read; the input changed since the interrupted run",
                file.display()
            ))));
            return;
        }
    }
    if !items.is_empty() {
        send(&mut items, end);
    }
}

fn work(stages: &[BuiltStage], prep: &Prep, batches: Receiver<Batch>, done: Sender<Msg>) {
    for batch in batches {
        let mut stats: Vec<StageStats> = std::iter::once(StageStats::default())
            .chain(stages.iter().map(|_| StageStats::default()))
            .collect();
        let mut insights = BatchInsights::default();
        let mut outcomes = Vec::with_capacity(batch.items.len());
        for item in batch.items {
            let read = &mut stats[0];
            read.docs_in += 1;
            let doc = match item {
                Ok(doc) => doc,
                Err(e) => {
                    *read.errors.entry(error_kind(&e).to_string()).or_default() += 1;
                    outcomes.push(Outcome::ReadError(e));
                    continue;
                }
            };
            read.kept += 1;
            read.bytes_in += doc.byte_len() as u64;
            read.bytes_kept += doc.byte_len() as u64;
            outcomes.push(run_worker_stages(stages, prep, &mut stats, &mut insights, doc));
        }
        let msg = Msg::Done(Done {
            seq: batch.seq,
            outcomes,
            stats,
            insights,
            end: batch.end,
        });
        if done.send(msg).is_err() {
            return;
        }
    }
}

fn run_worker_stages(
    stages: &[BuiltStage],
    prep: &Prep,
    stats: &mut [StageStats],
    insights: &mut BatchInsights,
    mut doc: Document,
) -> Outcome {
    let mut meter = Meter {
        encodings: &prep.encodings,
        tally: Tally::default(),
    };
    for (i, stage) in stages.iter().enumerate() {
        let StageImpl::Parallel(s) = &stage.imp else { continue };
        match apply(&stage.info, &mut stats[i + 1], &mut doc, &mut meter, insights, |d| {
            process_guarded(s.as_ref(), d)
        }) {
            Ok(None) => {}
            Ok(Some(reason)) => {
                let by = format!("{}.{reason}", stage.info.name);
                meter.stamp(&mut doc);
                insights.count_removed(&by, &doc, &prep.report);
                let bytes = doc.byte_len() as u64;
                let record = if prep.lines {
                    Record::Line(writers::jsonl_line(&doc, Some(&by)))
                } else {
                    Record::Doc(Box::new(doc), Some(by))
                };
                return Outcome::Dropped { record, bytes };
            }
            Err(e) => return Outcome::Failed(doc.source.location(), i, e),
        }
    }
    meter.stamp(&mut doc);
    let keys: Vec<u128> = prep.keyers.iter().map(|k| k(&doc)).collect();
    // A document that already carries `removed_by` cannot take the spliced reason: no line for it.
    let line = (prep.lines && !doc.metadata.contains_key("removed_by")).then(|| writers::jsonl_line(&doc, None));
    let likely_duplicate = match (&prep.kept_keys, keys.first()) {
        (Some(kept), Some(&key)) => kept.contains(key),
        _ => false,
    };
    let bands = prep
        .signer
        .as_ref()
        .filter(|_| !likely_duplicate)
        .map(|s| band_keys(s, &doc));
    Outcome::Alive {
        doc,
        keys,
        line,
        tally: meter.tally,
        bands,
    }
}

/// A document's MinHash band keys (empty when it is too short for one shingle).
fn band_keys(signer: &Signer, doc: &Document) -> Vec<u64> {
    let mut scratch = Vec::new();
    signer
        .doc_band_keys(&doc.text_lossy(), &mut scratch)
        .unwrap_or_default()
}

impl Meter<'_> {
    /// Add the document's token counts to `into` (counting again only if its text changed).
    fn add_to(&mut self, doc: &Document, into: &mut BTreeMap<String, u64>) {
        if let Some(counts) = self.tally.current(doc.text(), self.encodings) {
            add_counts(self.encodings, counts, into);
        }
    }

    /// Write the current counts to `metadata.tokens`.
    fn stamp(&mut self, doc: &mut Document) {
        if let Some(counts) = self.tally.current(doc.text(), self.encodings) {
            let map = crate::tokens::to_map(self.encodings, counts);
            doc.metadata.insert("tokens".into(), serde_json::Value::Object(map));
        }
    }
}

/// `into[encoding name] += count`, per encoding.
fn add_counts(encodings: &[Encoding], counts: &[u64], into: &mut BTreeMap<String, u64>) {
    for (e, c) in encodings.iter().zip(counts) {
        *into.entry(e.name().to_string()).or_default() += c;
    }
}

/// Put the stage's signals of this document into its histograms; outside annotate mode, take them
/// out of the metadata again (they were computed for the report only).
fn harvest_signals(stage: &StageInfo, stats: &mut StageStats, doc: &mut Document) {
    for spec in &stage.specs {
        let value = if spec.metadata_key {
            doc.metadata.get(spec.name)
        } else {
            doc.metadata
                .get("signals")
                .and_then(|s| s.get(stage.signal_key))
                .and_then(|s| s.get(spec.name))
        };
        if let Some(v) = value.and_then(serde_json::Value::as_f64) {
            stats
                .histograms
                .entry(spec.name.to_string())
                .or_insert_with(|| Histogram::new(spec))
                .add(v);
        }
    }
    if !stage.annotate {
        if let Some(serde_json::Value::Object(all)) = doc.metadata.get_mut("signals") {
            all.remove(stage.signal_key);
            if all.is_empty() {
                doc.metadata.remove("signals");
            }
        }
    }
}

/// `stage.process(doc)`, with a panic turned into this document's error (kind `panic`): a bug
/// met by one record must not take the worker, and with it the run, down.
fn process_guarded(stage: &dyn Stage, doc: &mut Document) -> std::result::Result<Verdict, StageError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| stage.process(doc))).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Err(StageError {
            kind: "panic",
            message: format!("internal error (please report it with this record): {what}"),
        })
    })
}

/// Run one stage on one document, counting; Ok(Some(reason)) = drop, Ok(None) = continue.
fn apply(
    stage: &StageInfo,
    stats: &mut StageStats,
    doc: &mut Document,
    meter: &mut Meter<'_>,
    insights: &mut BatchInsights,
    f: impl FnOnce(&mut Document) -> std::result::Result<Verdict, StageError>,
) -> std::result::Result<Option<&'static str>, StageError> {
    let (name, annotate) = (stage.name.as_str(), stage.annotate);
    meter.add_to(doc, &mut stats.tokens_in);
    let t = Instant::now();
    stats.docs_in += 1;
    stats.bytes_in += doc.byte_len() as u64;
    let lines_before = removed_lines_len(doc);
    let verdict = f(doc);
    stats.seconds += t.elapsed().as_secs_f64();
    harvest_signals(stage, stats, doc);
    let added = match doc.metadata.get("removed_lines") {
        Some(serde_json::Value::Array(list)) => &list[lines_before.min(list.len())..],
        _ => &[],
    };
    if !added.is_empty() {
        let site = crate::clean::site_lines::site_name(doc);
        for entry in added {
            let reason = entry
                .get("reason")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("unknown");
            // Stored as `stage.reason`; the stats are already per stage.
            let reason = reason.split_once('.').map_or(reason, |(_, r)| r);
            *stats.lines_removed.entry(reason.to_string()).or_default() += 1;
            if let Some(line) = entry.get("line").and_then(serde_json::Value::as_str) {
                insights.count_line(&site, line);
            }
        }
    }
    match verdict {
        Ok(Verdict::Keep) => {
            stats.kept += 1;
            stats.bytes_kept += doc.byte_len() as u64;
            meter.add_to(doc, &mut stats.tokens_kept);
            Ok(None)
        }
        Ok(Verdict::Drop(reason)) if annotate => {
            *stats.flagged.entry(reason.to_string()).or_default() += 1;
            stats.kept += 1;
            stats.bytes_kept += doc.byte_len() as u64;
            meter.add_to(doc, &mut stats.tokens_kept);
            doc.flag(format!("{name}.{reason}"));
            Ok(None)
        }
        Ok(Verdict::Drop(reason)) => {
            *stats.dropped.entry(reason.to_string()).or_default() += 1;
            Ok(Some(reason))
        }
        Err(e) => {
            *stats.errors.entry(e.kind.to_string()).or_default() += 1;
            Err(e)
        }
    }
}

fn removed_lines_len(doc: &Document) -> usize {
    match doc.metadata.get("removed_lines") {
        Some(serde_json::Value::Array(list)) => list.len(),
        _ => 0,
    }
}

fn error_kind(e: &Error) -> &'static str {
    match e {
        Error::Record { kind, .. } => kind,
        Error::Io { .. } => "io",
        Error::Config(_) => "config",
        Error::Fatal(_) => "fatal",
    }
}

struct Sequencer<'a> {
    config: &'a PipelineConfig,
    dirs: &'a OutputDirs,
    ckpt: &'a mut Checkpoint,
    sequential: &'a mut Vec<BuiltStage>,
    n_parallel: usize,
    sink: Sender<SinkMsg>,
    /// Records of the batch being handled, sent to the output thread together.
    records: Vec<(bool, Record)>,
    /// Removed lines counted by the sequential stages, merged after each batch.
    scratch: BatchInsights,
    encodings: &'a [Encoding],
    docs_in_shard: u64,
    bytes_in_shard: u64,
    progress: &'a Progress,
    run_started: Instant,
    abandon_after: Option<u64>,
    /// `minhash_dedup`: its signer and the band keys of the documents kept since the last
    /// checkpoint.
    minhash_signer: Option<Signer>,
    minhash_bands: Vec<u8>,
    kept_keys: Option<Arc<KeptKeys>>,
}

impl Sequencer<'_> {
    fn consume(&mut self, done: Receiver<Msg>, tokens: &Sender<()>) -> Result<()> {
        let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
        let mut next = 0u64;
        for msg in done {
            match msg {
                Msg::Fatal(e) => return Err(e),
                Msg::Done(d) => {
                    pending.insert(d.seq, d);
                }
            }
            while let Some(d) = pending.remove(&next) {
                next += 1;
                self.handle(d)?;
                let _ = tokens.send(());
            }
        }
        if !pending.is_empty() {
            return Err(Error::Fatal("a worker stopped before finishing its batch".into()));
        }
        Ok(())
    }

    fn send(&self, msg: SinkMsg) -> Result<()> {
        // A closed sink has failed; `run` reports the sink's own error.
        self.sink
            .send(msg)
            .map_err(|_| Error::Fatal("the output thread stopped".into()))
    }

    fn handle(&mut self, done: Done) -> Result<()> {
        for (i, s) in done.stats.iter().enumerate() {
            self.ckpt.stages[i].merge(s);
        }
        self.ckpt.insights.merge_batch(done.insights, &self.config.report);
        let n = done.outcomes.len() as u64;
        for outcome in done.outcomes {
            self.ckpt.totals.docs_in += 1;
            match outcome {
                Outcome::ReadError(e) => {
                    let message = match &e {
                        Error::Record { message, .. } => message.clone(),
                        other => other.to_string(),
                    };
                    self.record_error("read", &e_location(&e), error_kind(&e), &message)
                }
                Outcome::Failed(loc, i, e) => {
                    let name = self.ckpt.stages[i + 1].name.clone();
                    self.record_error(&name, &loc, e.kind, &e.message);
                }
                Outcome::Dropped { record, bytes } => self.write_removed(record, bytes)?,
                Outcome::Alive {
                    doc,
                    keys,
                    line,
                    tally,
                    bands,
                } => self.finish_document(doc, keys, line, tally, bands)?,
            }
        }
        let scratch = std::mem::take(&mut self.scratch);
        self.ckpt.insights.merge_batch(scratch, &self.config.report);
        let records = std::mem::take(&mut self.records);
        self.send(SinkMsg::Records(records))?;
        if self.abandon_after == Some(0) {
            // Testing aid: the output thread stops as a killed process would.
            self.send(SinkMsg::Abandon)?;
            return Err(Error::Fatal("run abandoned (testing aid)".into()));
        }
        self.docs_in_shard += n;
        self.progress.documents.fetch_add(n, Ordering::Relaxed);
        self.ckpt.position = done.end;
        if self.docs_in_shard >= self.config.output.shard_docs || self.bytes_in_shard >= self.config.output.shard_bytes
        {
            self.checkpoint()?;
            if let Some(n) = self.abandon_after.as_mut() {
                *n = n.saturating_sub(1);
            }
        }
        Ok(())
    }

    /// Sequential stages, then the kept shard.
    fn finish_document(
        &mut self,
        mut doc: Document,
        keys: Vec<u128>,
        mut line: Option<Vec<u8>>,
        tally: Tally,
        bands: Option<Vec<u64>>,
    ) -> Result<()> {
        let base = 1 + self.n_parallel;
        let mut meter = Meter {
            encodings: self.encodings,
            tally,
        };
        for (j, stage) in self.sequential.iter_mut().enumerate() {
            let stats = &mut self.ckpt.stages[base + j];
            let info = &stage.info;
            let result = match &mut stage.imp {
                StageImpl::Ordered(s, keyer) => {
                    let key = match keys.get(j) {
                        Some(k) => *k,
                        None => keyer(&doc),
                    };
                    apply(info, stats, &mut doc, &mut meter, &mut self.scratch, |_| s.decide(key))
                }
                StageImpl::Parallel(s) => {
                    // This stage may rewrite the document: a line made on the worker is stale.
                    line = None;
                    apply(info, stats, &mut doc, &mut meter, &mut self.scratch, |d| {
                        process_guarded(s.as_ref(), d)
                    })
                }
            };
            match result {
                Ok(None) => {}
                Ok(Some(reason)) => {
                    let by = format!("{}.{reason}", info.name);
                    if line.is_none() {
                        meter.stamp(&mut doc);
                    }
                    self.ckpt.insights.count_document(&doc, false, None);
                    self.ckpt.insights.offer_sample(&by, &doc, &self.config.report);
                    let bytes = doc.byte_len() as u64;
                    let record = match line {
                        Some(l) => Record::Line(writers::mark_removed(l, &by)),
                        None => Record::Doc(Box::new(doc), Some(by)),
                    };
                    return self.write_removed(record, bytes);
                }
                Err(e) => {
                    let loc = doc.source.location();
                    let name = info.name.clone();
                    self.record_error(&name, &loc, e.kind, &e.message);
                    return Ok(());
                }
            }
            if info.annotate && doc.metadata.contains_key("flagged_by") {
                // Annotate mode may have changed the metadata after the worker serialized it.
                line = None;
            }
        }
        self.ckpt.totals.kept += 1;
        self.progress.kept.fetch_add(1, Ordering::Relaxed);
        if let (Some(kept), Some(&key)) = (&self.kept_keys, keys.first()) {
            kept.insert(key);
        }
        if let Some(signer) = &self.minhash_signer {
            // The workers leave them out when a stage after them could change the text (they
            // have no signer then) or the document looked like an exact duplicate.
            let bands = bands.unwrap_or_else(|| band_keys(signer, &doc));
            crate::dedup::staged::push_bands(&mut self.minhash_bands, &bands, doc.byte_len() as u64);
        }
        if line.is_none() {
            meter.stamp(&mut doc);
        }
        let counts = meter.tally.current(doc.text(), meter.encodings);
        if let Some(counts) = counts {
            add_counts(meter.encodings, counts, &mut self.ckpt.output.tokens);
        }
        let first = counts.and_then(|c| c.first().copied());
        self.ckpt.insights.count_document(&doc, true, first);
        self.ckpt.insights.offer_line_samples(&doc, &self.config.report);
        let len = doc.byte_len() as u64;
        self.ckpt.output.kept_bytes += len;
        self.bytes_in_shard += len;
        let record = match line {
            Some(l) => Record::Line(l),
            None => Record::Doc(Box::new(doc), None),
        };
        self.records.push((true, record));
        Ok(())
    }

    fn write_removed(&mut self, record: Record, bytes: u64) -> Result<()> {
        self.ckpt.totals.removed += 1;
        self.progress.removed.fetch_add(1, Ordering::Relaxed);
        if !self.config.output.write_removed {
            return Ok(());
        }
        self.ckpt.output.removed_bytes += bytes;
        self.bytes_in_shard += bytes;
        self.records.push((false, record));
        Ok(())
    }

    fn record_error(&mut self, stage: &str, loc: &Location, kind: &str, message: &str) {
        self.ckpt.totals.errors += 1;
        self.progress.errors.fetch_add(1, Ordering::Relaxed);
        if self.ckpt.errors_sample.len() < ERROR_SAMPLE_CAP {
            self.ckpt.errors_sample.push(ErrorSample {
                stage: stage.to_string(),
                kind: kind.to_string(),
                file: loc.file.clone(),
                record: loc.record,
                offset: loc.offset,
                message: message.to_string(),
            });
        }
    }

    /// Ask the output thread to close the shard files, write the ordered stages' state, then the
    /// checkpoint (in that order, so a checkpoint never names a shard that is not complete).
    fn checkpoint(&mut self) -> Result<()> {
        let shard = self.ckpt.next_shard;
        let mut files = Vec::new();
        for (j, stage) in self.sequential.iter_mut().enumerate() {
            if let StageImpl::Ordered(s, _) = &mut stage.imp {
                let mut data = Vec::new();
                s.save_delta(&mut data);
                if !data.is_empty() {
                    files.push((self.dirs.state_path(shard, j), data));
                }
            }
        }
        if !self.minhash_bands.is_empty() {
            let data = std::mem::take(&mut self.minhash_bands);
            files.push((self.dirs.minhash_bands_path(shard), data));
        }
        if self.docs_in_shard > 0 || !files.is_empty() {
            self.ckpt.next_shard += 1;
            self.ckpt.output.shards = self.ckpt.next_shard;
        }
        self.docs_in_shard = 0;
        self.bytes_in_shard = 0;
        let now = Instant::now();
        self.ckpt.seconds += now.duration_since(self.run_started).as_secs_f64();
        self.run_started = now;
        let data = serde_json::to_vec(&*self.ckpt).map_err(|e| Error::Fatal(e.to_string()))?;
        files.push((self.dirs.checkpoint.clone(), data));
        self.send(SinkMsg::Checkpoint {
            next_shard: self.ckpt.next_shard,
            files,
        })
    }
}

fn e_location(e: &Error) -> Location {
    match e {
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
    }
}

struct OutputDirs {
    kept: PathBuf,
    removed: PathBuf,
    state: PathBuf,
    checkpoint: PathBuf,
    /// `minhash_dedup`: the main pass's kept shards, rewritten into `kept/` by the final pass.
    staged: Option<PathBuf>,
}

impl OutputDirs {
    fn create(out: &Path, minhash: bool) -> Result<Self> {
        let dirs = OutputDirs {
            kept: out.join("kept"),
            removed: out.join("removed"),
            state: out.join(".tamis").join("state"),
            checkpoint: out.join(".tamis").join("checkpoint.json"),
            staged: minhash.then(|| out.join(".tamis").join("staged")),
        };
        for d in [&dirs.kept, &dirs.removed, &dirs.state].into_iter().chain(&dirs.staged) {
            std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))?;
        }
        // Fail now, with the path, if the output is not writable.
        let probe = out.join(".tamis").join("write-probe");
        std::fs::write(&probe, b"").map_err(|e| Error::io(&probe, e))?;
        let _ = std::fs::remove_file(&probe);
        Ok(dirs)
    }

    fn state_path(&self, shard: u64, stage: usize) -> PathBuf {
        self.state.join(format!("{shard:05}-{stage}.bin"))
    }

    fn minhash_bands_path(&self, shard: u64) -> PathBuf {
        self.state.join(format!("{shard:05}-minhash.bin"))
    }

    /// Where the main pass writes kept documents.
    fn main_kept(&self) -> &PathBuf {
        self.staged.as_ref().unwrap_or(&self.kept)
    }

    /// Remove what an interrupted run left after its last checkpoint: temp files and later shards.
    fn clean_after(&self, next_shard: u64) -> Result<()> {
        for dir in [&self.kept, &self.removed, &self.state].into_iter().chain(&self.staged) {
            writers::remove_shards_from(dir, next_shard)?;
        }
        Ok(())
    }
}

/// Write the checkpoint directly (after the main pass, when no output thread runs any more).
fn save_checkpoint(dirs: &OutputDirs, ckpt: &Checkpoint) -> Result<()> {
    let data = serde_json::to_vec(ckpt).map_err(|e| Error::Fatal(e.to_string()))?;
    write_atomic(&dirs.checkpoint, &data)
}

fn load_checkpoint(dirs: &OutputDirs) -> Result<Option<Checkpoint>> {
    match std::fs::read(&dirs.checkpoint) {
        Ok(data) => serde_json::from_slice(&data).map(Some).map_err(|e| {
            Error::Fatal(format!(
                "{}: unreadable checkpoint ({e}); delete the output directory to start over",
                dirs.checkpoint.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(&dirs.checkpoint, e)),
    }
}

fn restore_ordered(dirs: &OutputDirs, stages: &mut [BuiltStage], shards: u64) -> Result<()> {
    for (j, stage) in stages.iter_mut().enumerate() {
        let StageImpl::Ordered(s, _) = &mut stage.imp else {
            continue;
        };
        for shard in 0..shards {
            let path = dirs.state_path(shard, j);
            match std::fs::read(&path) {
                Ok(data) => s
                    .load_delta(&data)
                    .map_err(|e| Error::Fatal(format!("{}: {e}", path.display())))?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&path, e)),
            }
        }
    }
    Ok(())
}

/// Identifies a run: config and inputs (path, size). A resumed run must match it.
fn fingerprint(config: &PipelineConfig, files: &[InputFile]) -> String {
    // minhash_dedup's memory limit and index only matter to the final pass: a run stopped there
    // (too little memory, say) can be resumed with other values without redoing the main pass.
    let mut config = config.clone();
    for entry in &mut config.stages {
        if let StageConfig::MinhashDedup(m) = &mut entry.config {
            m.memory_limit = None;
            m.index = None;
        }
    }
    let mut text = config.to_toml();
    for f in files {
        text.push_str(&format!("\n{}\t{}", f.path.display(), f.size));
    }
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
}

/// Write a file under a temporary name, sync, rename.
pub(crate) fn write_atomic(path: &Path, data: &[u8]) -> Result<()> {
    let tmp = writers::temp_path(path);
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        f.write_all(data).map_err(|e| Error::io(&tmp, e))?;
        f.sync_all().map_err(|e| Error::io(&tmp, e))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Panics;

    impl Stage for Panics {
        fn process(&self, doc: &mut Document) -> std::result::Result<Verdict, StageError> {
            panic!("slice index {} out of range", doc.text().map_or(0, str::len) + 7);
        }
    }

    #[test]
    fn a_panicking_stage_is_the_documents_error() {
        let source = crate::document::Source {
            file: "in.jsonl".into(),
            record: 0,
            offset: Some(0),
        };
        let mut doc = Document::new_text("d1", "some text", source);
        let e = process_guarded(&Panics, &mut doc).err();
        let e = e.map(|e| (e.kind, e.message));
        assert_eq!(
            e,
            Some((
                "panic",
                "internal error (please report it with this record): slice index 16 out of range".to_string()
            ))
        );
    }
}
