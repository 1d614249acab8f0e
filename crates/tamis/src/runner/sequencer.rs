//! The sequencer: takes the workers' batches back in input order, runs the pipeline's back half
//! (ordered stages) and hands the records to the output thread; every `shard_docs` input documents
//! it asks that thread for a checkpoint. Because all order-dependent work happens here, output is
//! byte-identical for any thread count.

use super::checkpoint::{state_path, Checkpoint, Position};
use super::staging;
use super::workers::{Done, Msg};
use super::Progress;
use crate::error::{Error, Result};
use crate::insights::BatchInsights;
use crate::pipeline::{KeptKeys, Outcome, Pipeline, Settled};
use crate::writers::sink::SinkMsg;
use crate::writers::OutputConfig;
use crossbeam_channel::{Receiver, Sender};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

/// What the pass does with the documents that leave the pipeline.
pub(crate) enum Mode {
    /// The last pass: settle every document into `kept/` and `removed/`.
    Last {
        /// `minhash_dedup`: band keys of the documents kept since the last checkpoint go here.
        minhash: bool,
        kept_keys: Option<Arc<KeptKeys>>,
        /// Where this pass's ordered-stage state and MinHash band keys go.
        state: PathBuf,
    },
    /// A pass before the last (index `pass`): stage every outcome for the next pass.
    Stage { pass: usize, state: PathBuf },
}

pub(crate) struct Sequencer<'a> {
    pub pipeline: &'a mut Pipeline,
    pub mode: Mode,
    pub output: &'a OutputConfig,
    pub ckpt: &'a mut Checkpoint,
    pub checkpoint_file: PathBuf,
    pub sink: Sender<SinkMsg>,
    pub progress: &'a Progress,
    pub run_started: Instant,
    /// Testing aid: stop as a crash would after this many more checkpoints.
    pub abandon_after: Option<u64>,
    pub docs_in_shard: u64,
    pub bytes_in_shard: u64,
    /// Band keys of the documents kept since the last checkpoint (`Mode::Last` with MinHash).
    pub minhash_bands: Vec<u8>,
    /// `input.max_errors`, and the errors this run has met so far (the last pass starts from the
    /// checkpoint's count).
    pub max_errors: Option<u64>,
    pub errors: u64,
}

impl Sequencer<'_> {
    pub fn consume(&mut self, done: Receiver<Msg>, tokens: &Sender<()>) -> Result<()> {
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
        let acc = &mut self.ckpt.stats;
        self.pipeline.merge_front(acc, &done.stats, done.insights);
        let n = done.outcomes.len() as u64;
        let mut scratch = BatchInsights::default();
        let mut records = Vec::new();
        let mut staged = Vec::new();
        for outcome in done.outcomes {
            let outcome = self.pipeline.back(outcome, acc, &mut scratch);
            let Mode::Last { kept_keys, minhash, .. } = &self.mode else {
                if let Outcome::Failed(f) = &outcome {
                    self.errors += 1;
                    within_budget(
                        self.max_errors,
                        self.errors,
                        &f.location.to_string(),
                        &f.kind,
                        &f.message,
                    )?;
                }
                staged.push(outcome);
                continue;
            };
            match self.pipeline.settle(outcome, acc) {
                Settled::Kept {
                    record,
                    bytes,
                    key,
                    bands,
                } => {
                    self.progress.kept.fetch_add(1, Ordering::Relaxed);
                    if let (Some(kept), Some(key)) = (kept_keys, key) {
                        kept.insert(key);
                    }
                    if let (true, Some(bands)) = (minhash, bands) {
                        crate::dedup::staged::push_bands(&mut self.minhash_bands, &bands, bytes);
                    }
                    self.bytes_in_shard += bytes;
                    records.push((true, record));
                }
                Settled::Removed { record, bytes } => {
                    self.progress.removed.fetch_add(1, Ordering::Relaxed);
                    if self.output.write_removed {
                        self.bytes_in_shard += bytes;
                        records.push((false, record));
                    }
                }
                Settled::Failed(e) => {
                    self.progress.errors.fetch_add(1, Ordering::Relaxed);
                    self.errors += 1;
                    let at = format!("{} record {}", e.file, e.record);
                    within_budget(self.max_errors, self.errors, &at, &e.kind, &e.message)?;
                    acc.record_error(e);
                }
            }
        }
        acc.insights.merge_batch(scratch, self.pipeline.report_config());
        if let Mode::Stage { .. } = self.mode {
            let (mut data, mut keys) = (Vec::new(), Vec::new());
            staging::encode_batch(&staged, done.end, &mut data, &mut keys);
            self.bytes_in_shard += data.len() as u64;
            self.send(SinkMsg::Staged { data, keys })?;
        } else {
            self.send(SinkMsg::Records(records))?;
        }
        if self.abandon_after == Some(0) {
            // Testing aid: the output thread stops as a killed process would.
            self.send(SinkMsg::Abandon)?;
            return Err(Error::Fatal("run abandoned (testing aid)".into()));
        }
        self.docs_in_shard += n;
        self.progress.documents.fetch_add(n, Ordering::Relaxed);
        *self.position() = done.end;
        if self.docs_in_shard >= self.output.shard_docs || self.bytes_in_shard >= self.output.shard_bytes {
            self.checkpoint()?;
            if let Some(n) = self.abandon_after.as_mut() {
                *n = n.saturating_sub(1);
            }
        }
        Ok(())
    }

    /// The position this pass checkpoints.
    fn position(&mut self) -> &mut Position {
        match &self.mode {
            Mode::Last { .. } => &mut self.ckpt.position,
            Mode::Stage { pass, .. } => &mut self.ckpt.passes[*pass].position,
        }
    }

    /// Ask the output thread to close the shard files, write the ordered stages' state, then the
    /// checkpoint (in that order, so a checkpoint never names a shard that is not complete).
    pub fn checkpoint(&mut self) -> Result<()> {
        let (state_dir, shard) = match &self.mode {
            Mode::Last { state, .. } => (state, self.ckpt.next_shard),
            Mode::Stage { pass, state } => (state, self.ckpt.passes[*pass].chunks),
        };
        let mut files = Vec::new();
        for (slot, stage) in self.pipeline.ordered_stages() {
            let mut data = Vec::new();
            stage.save_delta(&mut data);
            if !data.is_empty() {
                files.push((state_path(state_dir, shard, slot), data));
            }
        }
        if !self.minhash_bands.is_empty() {
            let data = std::mem::take(&mut self.minhash_bands);
            files.push((state_dir.join(format!("{shard:05}-minhash.bin")), data));
        }
        let next = shard + u64::from(self.docs_in_shard > 0 || !files.is_empty());
        match &self.mode {
            Mode::Last { .. } => {
                self.ckpt.next_shard = next;
                self.ckpt.stats.output.shards = next;
            }
            Mode::Stage { pass, .. } => self.ckpt.passes[*pass].chunks = next,
        }
        self.docs_in_shard = 0;
        self.bytes_in_shard = 0;
        let now = Instant::now();
        self.ckpt.seconds += now.duration_since(self.run_started).as_secs_f64();
        self.run_started = now;
        files.push((self.checkpoint_file.clone(), self.ckpt.to_bytes()?));
        self.send(SinkMsg::Checkpoint {
            next_shard: next,
            files,
        })
    }
}

/// `input.max_errors` (`--strict`: 0): the `errors`-th error of the run stops it when that is more
/// than allowed, naming the error.
fn within_budget(max_errors: Option<u64>, errors: u64, at: &str, kind: &str, message: &str) -> Result<()> {
    match max_errors {
        Some(max) if errors > max => Err(Error::Fatal(format!(
            "{at}: {kind}: {message}\nstopped at error {errors} of the run: input.max_errors is {max} (--strict sets 0); \
             rerun without --strict or with a higher max_errors to count errors and go on (it resumes from the last checkpoint)"
        ))),
        _ => Ok(()),
    }
}
