//! `tamis run`, the local driver of a [`Pipeline`]: reader thread -> bounded queue -> worker threads
//! (front half) -> sequencer on the calling thread (back half, in input order) -> output thread.
//!
//! A run is one pass over the input, or several when a stage needs a corpus-wide index built from the
//! documents that reach it (site-frequent lines): each pass before the last stages its outcomes
//! (`staging`), and the last pass writes `kept/` and `removed/`. A trailing `minhash_dedup` runs after
//! that (`dedup::staged`). Every `shard_docs` input documents a pass checkpoints; a killed run
//! restarts from the last checkpoint of the pass it was in and produces the same bytes.

mod checkpoint;
mod output;
mod sequencer;
pub(crate) mod staging;
mod workers;

pub use checkpoint::Position;

use crate::config::{PipelineConfig, StageConfig, StageKind};
use crate::dedup::Signer;
use crate::error::{Error, Result};
use crate::pipeline::{pass_bounds, site_line_stages, stage_names, CorpusState, KeptKeys, PassOptions, Pipeline};
use crate::readers::{self, InputFile};
use crate::report::{InputSummary, Report};
use crate::writers::sink::{Sink, SinkMsg};
use crate::writers::{self, write_atomic};
use checkpoint::{fingerprint, restore_ordered, Checkpoint};
use crossbeam_channel::bounded;
use output::OutputDirs;
use sequencer::{Mode, Sequencer};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;
use workers::Source;

/// Live counters for a progress display (the library draws nothing itself).
#[derive(Debug, Default)]
pub struct Progress {
    /// Bytes read so far by the current pass (compressed size).
    pub input_bytes: Arc<AtomicU64>,
    /// Total bytes the current pass reads.
    pub total_bytes: AtomicU64,
    /// The current pass (1-based) and the number of passes before `minhash_dedup`'s final pass.
    pub pass: AtomicU64,
    pub passes: AtomicU64,
    /// Documents the current pass has taken through the pipeline.
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

/// Run the pipeline over the inputs into `options.output`, resuming a killed run there.
pub fn run(config: &PipelineConfig, options: &RunOptions) -> Result<Report> {
    config.validate()?;
    let started = Instant::now();
    let (files, skipped) = readers::collect_inputs(&options.inputs, config.input.format)?;
    // A stage that cannot be built (a missing model, a bad pattern) stops the run before the
    // output directory exists, so a failed start leaves nothing behind.
    Pipeline::build(config, &CorpusState::default())?;
    let out = &options.output;
    // Held to the end: a second run on the same output stops here, before touching anything.
    let _lock = crate::lock::DirLock::acquire(out, "output directory")?;
    let minhash = Pipeline::minhash(config);
    let splits = site_line_stages(config);
    let dirs = OutputDirs::create(out, minhash.is_some(), splits.len())?;
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
    let names = stage_names(config);
    let mut ckpt = match Checkpoint::load(&dirs, &fingerprint, out)? {
        Some(c) if c.passes.len() != splits.len() || c.stats.stages.len() != names.len() => {
            return Err(Error::Fatal(format!(
                "{}: the checkpoint was written by another version of tamis; delete the output directory to start over",
                dirs.checkpoint.display()
            )))
        }
        Some(c) => c,
        None => Checkpoint::new(fingerprint, &names, splits.len()),
    };
    let mut inputs = InputSummary {
        files: files.len() as u64,
        bytes: files.iter().map(|f| f.size).sum(),
        skipped_files: skipped.iter().map(|p| p.to_string_lossy().into_owned()).collect(),
        failed_files: Vec::new(),
    };
    let progress = options.progress.clone().unwrap_or_default();
    progress.passes.store(splits.len() as u64 + 1, Ordering::Relaxed);
    if !ckpt.complete {
        let run = Passes {
            config,
            options,
            files: &files,
            dirs: &dirs,
            progress: &progress,
            signer: signer.as_ref(),
            abandon: std::cell::Cell::new(options.abandon_after_checkpoints),
            accounted: std::cell::Cell::new(started),
        };
        let result = run.all(&mut ckpt);
        progress.done.store(true, Ordering::Relaxed);
        if result.is_err() && options.abandon_after_checkpoints.is_none() {
            // A stopped run (a full disk, say) leaves only what its last saved checkpoint covers: a
            // shard renamed into place before the checkpoint that would cover it failed goes now,
            // not at the rerun. Best effort: the error that stopped the run is the one to report.
            if let Ok(saved) = Checkpoint::load(&dirs, &ckpt.fingerprint, out) {
                let _ = dirs.clean_after(saved.map_or(0, |c| c.next_shard));
            }
        }
        result?;
    }
    // Idempotent: also finishes a removal a kill interrupted after the complete checkpoint.
    dirs.remove_passes()?;
    if let Some((m, annotate)) = minhash {
        minhash_pass(config, m, annotate, &dirs, &mut ckpt, &progress)?;
    }
    inputs.failed_files = ckpt.stats.failed_files.clone();
    let report = Report {
        tamis_version: env!("CARGO_PKG_VERSION").to_string(),
        complete: true,
        config: serde_json::to_value(config).map_err(|e| Error::Fatal(e.to_string()))?,
        inputs,
        stages: ckpt.stats.stages.clone(),
        documents: ckpt.stats.totals,
        output: ckpt.stats.output.clone(),
        errors_sample: ckpt.stats.errors_sample.clone(),
        seconds: ckpt.seconds,
        insights: ckpt.stats.insights.for_report(),
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

/// The passes of one run over the inputs.
struct Passes<'a> {
    config: &'a PipelineConfig,
    options: &'a RunOptions,
    files: &'a [InputFile],
    dirs: &'a OutputDirs,
    progress: &'a Arc<Progress>,
    signer: Option<&'a Signer>,
    /// Testing aid: checkpoints left before the run stops as a crash would, across passes.
    abandon: std::cell::Cell<Option<u64>>,
    /// Up to when this run's time is in the checkpoint's `seconds`: each pass goes on from where
    /// the previous one stopped counting (each used to restart from the run's start, so a
    /// two-pass run counted its first pass twice).
    accounted: std::cell::Cell<Instant>,
}

impl Passes<'_> {
    /// Pass `k` runs the stages from the `k`-th site-line stage (the first stage for `k = 0`) to the next.
    fn all(&self, ckpt: &mut Checkpoint) -> Result<()> {
        let bounds = pass_bounds(self.config);
        let last = bounds.len() - 2;
        for k in 0..=last {
            if k < last && ckpt.passes[k].done {
                continue;
            }
            let state = match k {
                0 => CorpusState::default(),
                _ => self.site_index(ckpt, k)?,
            };
            let source = match k {
                0 => Source::Inputs {
                    config: &self.config.input,
                    files: self.files,
                },
                _ => Source::Staged {
                    dir: &self.dirs.passes[k - 1],
                    chunks: ckpt.passes[k - 1].chunks,
                },
            };
            self.pass(ckpt, k == last, k, bounds[k]..bounds[k + 1], &state, source)?;
            if k < last {
                ckpt.passes[k].done = true;
                ckpt.save(self.dirs)?;
            }
        }
        Ok(())
    }

    /// The site-line index of pass `k`'s first stage, from pass `k - 1`'s keys.
    fn site_index(&self, ckpt: &Checkpoint, k: usize) -> Result<CorpusState> {
        let Some(&(_, c)) = site_line_stages(self.config).get(k - 1) else {
            return Err(Error::Fatal(format!(
                "internal error: pass {k} does not start at clean_lines"
            )));
        };
        let dir = &self.dirs.passes[k - 1];
        let index = staging::build_index(dir, ckpt.passes[k - 1].chunks, c.site_min_docs, c.site_max_entries)?;
        Ok(CorpusState {
            site_lines: Some(Arc::new(index)),
            ..Default::default()
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn pass(
        &self,
        ckpt: &mut Checkpoint,
        last: bool,
        k: usize,
        range: std::ops::Range<usize>,
        state: &CorpusState,
        source: Source<'_>,
    ) -> Result<()> {
        let (config, dirs) = (self.config, self.dirs);
        // A Bloom filter of kept exact-dedup keys spares the workers the band keys of duplicates,
        // when exact dedup decides right after them and nothing after it changes the text.
        let back: Vec<_> = config.stages[range.clone()]
            .iter()
            .skip_while(|e| e.config.kind() != StageKind::Ordered)
            .collect();
        let hint = back
            .first()
            .is_some_and(|e| matches!(e.config, StageConfig::ExactDedup(_)))
            && back.iter().all(|e| e.config.kind() == StageKind::Ordered);
        let kept_keys = (last && hint && self.signer.is_some()).then(|| Arc::new(KeptKeys::new()));
        let opts = PassOptions {
            lines: config.output.format != writers::OutputFormat::Parquet,
            last,
            site_keys: !last,
            signer: self.signer.filter(|_| last).cloned(),
            kept_keys: kept_keys.clone(),
        };
        let mut pipeline = Pipeline::build_pass(config, range, state, opts)?;
        let (mode, shard, start, state_dir) = if last {
            dirs.clean_after(ckpt.next_shard)?;
            let mode = Mode::Last {
                minhash: self.signer.is_some(),
                kept_keys,
                state: dirs.state.clone(),
            };
            (mode, ckpt.next_shard, ckpt.position, &dirs.state)
        } else {
            let dir = &dirs.passes[k];
            writers::remove_shards_from(dir, ckpt.passes[k].chunks)?;
            let mode = Mode::Stage {
                pass: k,
                state: dir.clone(),
            };
            (mode, ckpt.passes[k].chunks, ckpt.passes[k].position, dir)
        };
        restore_ordered(&mut pipeline, state_dir, shard)?;

        let progress = self.progress;
        let (total, done) = match source {
            Source::Inputs { files, .. } => (
                files.iter().map(|f| f.size).sum(),
                files[..start.file.min(files.len())].iter().map(|f| f.size).sum(),
            ),
            Source::Staged { dir, chunks } => (staging::StagedBatches::total_bytes(dir, chunks), 0),
        };
        progress.total_bytes.store(total, Ordering::Relaxed);
        progress.input_bytes.store(done, Ordering::Relaxed);
        let resumed = if last { ckpt.stats.totals.docs_in } else { 0 };
        let resumed_errors = ckpt.stats.totals.errors;
        progress.documents.store(resumed, Ordering::Relaxed);
        // Last: a display that sees the new pass number sees its totals too.
        progress.pass.store(k as u64 + 1, Ordering::Release);

        // A few batches of records: the queue is bounded in bytes by the batch size.
        let (sink_tx, sink_rx) = bounded::<SinkMsg>(4);
        let sink = Sink {
            kept_dir: dirs.main_kept().clone(),
            removed_dir: dirs.removed.clone(),
            config: config.output.clone(),
            shard,
            staging: (!last).then(|| dirs.passes[k].clone()),
        };
        let sink_thread = std::thread::spawn(move || sink.run(sink_rx));
        let front = pipeline.front().clone();
        let mut seq = Sequencer {
            pipeline: &mut pipeline,
            mode,
            output: &config.output,
            ckpt,
            checkpoint_file: dirs.checkpoint.clone(),
            sink: sink_tx,
            progress,
            run_started: self.accounted.get(),
            abandon_after: self.abandon.get(),
            docs_in_shard: 0,
            bytes_in_shard: 0,
            minhash_bands: Vec::new(),
            max_errors: config.input.max_errors,
            errors: if last { resumed_errors } else { 0 },
        };
        let threads = self.options.threads.max(1);
        let mut result = workers::drive(source, start, front, threads, progress.input_bytes.clone(), &mut seq);
        if result.is_ok() {
            if last {
                seq.ckpt.complete = true;
            }
            result = seq.checkpoint();
        }
        self.abandon.set(seq.abandon_after);
        self.accounted.set(seq.run_started);
        drop(seq);
        // The sink's own error (a full disk, say) explains a failed send: report it first.
        let sunk = sink_thread
            .join()
            .unwrap_or_else(|_| Err(Error::Fatal("the output thread panicked".into())));
        sunk?;
        result
    }
}

/// `minhash_dedup` after the last pass: cluster the staged documents' band keys and write the
/// final shards (skipped when a resumed run had already done it).
fn minhash_pass(
    config: &PipelineConfig,
    m: &crate::dedup::MinhashConfig,
    annotate: bool,
    dirs: &OutputDirs,
    ckpt: &mut Checkpoint,
    progress: &Progress,
) -> Result<()> {
    if ckpt.minhash_run_key.is_none() {
        let out = dirs.kept.parent().map(PathBuf::from).unwrap_or_default();
        let out_abs = std::fs::canonicalize(&out).unwrap_or(out);
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        ckpt.minhash_run_key = Some(format!("run {} {} {stamp}", out_abs.display(), ckpt.fingerprint));
        ckpt.save(dirs)?;
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
        let stats = &mut ckpt.stats;
        let slot = stats.stages.len() - 1;
        let outcome = finish.run(&mut stats.stages[slot], &mut stats.insights)?;
        outcome.account(stats, config.output.write_removed);
        progress.kept.fetch_sub(outcome.removed, Ordering::Relaxed);
        progress.removed.fetch_add(outcome.removed, Ordering::Relaxed);
        stats.stages[slot].seconds += t.elapsed().as_secs_f64();
        ckpt.seconds += t.elapsed().as_secs_f64();
        ckpt.minhash_done = true;
        ckpt.minhash = Some(outcome.minhash);
        ckpt.save(dirs)?;
    }
    // Idempotent: also finishes a cleanup a kill interrupted.
    finish.cleanup()
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
