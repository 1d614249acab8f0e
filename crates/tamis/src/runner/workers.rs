//! The threads of a pass: one reader cuts the input into numbered batches, N workers run the
//! pipeline's front half on them, and the calling thread (the sequencer) takes the results back in
//! order. A token channel caps the batches in flight (2·threads + 2), so memory stays bounded.

use super::checkpoint::Position;
use super::sequencer::Sequencer;
use super::staging::StagedBatches;
use crate::document::Document;
use crate::error::{Error, Result};
use crate::insights::BatchInsights;
use crate::pipeline::{Front, Item, Outcome};
use crate::readers::{self, InputConfig, InputFile};
use crate::stats::StageStats;
use crossbeam_channel::{bounded, Receiver, Sender};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

const BATCH_DOCS: usize = 256;
const BATCH_BYTES: usize = 4 << 20;

pub(crate) struct Batch {
    seq: u64,
    items: Vec<Item>,
    end: Position,
}

/// A batch after the front half.
pub(crate) struct Done {
    pub seq: u64,
    pub outcomes: Vec<Outcome>,
    /// One per stats slot (`read` first).
    pub stats: Vec<StageStats>,
    pub insights: BatchInsights,
    pub end: Position,
}

pub(crate) enum Msg {
    Done(Done),
    Fatal(Error),
}

/// What a pass reads.
#[derive(Clone, Copy)]
pub(crate) enum Source<'a> {
    /// The run's input files.
    Inputs {
        config: &'a InputConfig,
        files: &'a [InputFile],
    },
    /// What the pass before staged (`chunks` complete chunks in `dir`).
    Staged { dir: &'a Path, chunks: u64 },
}

/// Run one pass from `start`: reader and worker threads, the sequencer on this thread.
pub(crate) fn drive(
    source: Source<'_>,
    start: Position,
    front: Arc<Front>,
    threads: usize,
    counter: Arc<AtomicU64>,
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
    std::thread::scope(|scope| -> Result<()> {
        {
            let done_tx = done_tx.clone();
            let stop = stop.clone();
            scope.spawn(move || {
                let mut out = BatchSender {
                    seq: 0,
                    batches: batch_tx,
                    tokens: token_rx,
                    stop,
                };
                let read = match source {
                    Source::Inputs { config, files } => read_inputs(config, files, start, counter, &mut out),
                    Source::Staged { dir, chunks } => read_staged(dir, chunks, start, counter, &mut out),
                };
                if let Err(e) = read {
                    let _ = done_tx.send(Msg::Fatal(e));
                }
            });
        }
        for _ in 0..threads {
            let batch_rx = batch_rx.clone();
            let done_tx = done_tx.clone();
            let front = front.clone();
            scope.spawn(move || work(&front, batch_rx, done_tx));
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

/// The reader's end of the batch channel: numbers batches and waits for a token before each.
struct BatchSender {
    seq: u64,
    batches: Sender<Batch>,
    tokens: Receiver<()>,
    stop: Arc<AtomicBool>,
}

impl BatchSender {
    /// Send a batch; `false` once the run is stopping.
    fn send(&mut self, items: Vec<Item>, end: Position) -> bool {
        if self.tokens.recv().is_err() || self.stop.load(Ordering::Relaxed) {
            return false;
        }
        let batch = Batch {
            seq: self.seq,
            items,
            end,
        };
        self.seq += 1;
        self.batches.send(batch).is_ok()
    }
}

/// Cut the input files into batches (256 documents or 4 MB) from `start` on.
fn read_inputs(
    config: &InputConfig,
    files: &[InputFile],
    start: Position,
    counter: Arc<AtomicU64>,
    out: &mut BatchSender,
) -> Result<()> {
    let mut items = Vec::with_capacity(BATCH_DOCS);
    let mut bytes = 0usize;
    let mut end = start;
    for (index, file) in files.iter().enumerate().skip(start.file) {
        let iter = readers::open(file, config, Some(counter.clone()));
        let skip = if index == start.file { start.record } else { 0 };
        let mut record = 0u64;
        for item in iter {
            record += 1;
            if record <= skip {
                continue;
            }
            bytes += item.as_ref().map(Document::byte_len).unwrap_or(0);
            items.push(Item::Read(item));
            end = Position { file: index, record };
            if items.len() >= BATCH_DOCS || bytes >= BATCH_BYTES {
                bytes = 0;
                if !out.send(std::mem::take(&mut items), end) {
                    return Ok(());
                }
            }
        }
        if record < skip {
            return Err(Error::Fatal(format!(
                "{}: has {record} records, fewer than the {skip} the checkpoint says were read; the input changed since the interrupted run",
                file.display()
            )));
        }
    }
    if !items.is_empty() {
        out.send(items, end);
    }
    Ok(())
}

/// Replay the batches the pass before staged, with their boundaries, from `start` on.
fn read_staged(dir: &Path, chunks: u64, start: Position, counter: Arc<AtomicU64>, out: &mut BatchSender) -> Result<()> {
    let mut staged = StagedBatches::new(dir, chunks, counter);
    while let Some((items, end)) = staged.next_batch()? {
        // Checkpoints fall on batch ends, so a resumed pass skips whole batches.
        if (end.file, end.record) <= (start.file, start.record) {
            continue;
        }
        if !out.send(items, end) {
            return Ok(());
        }
    }
    Ok(())
}

fn work(front: &Front, batches: Receiver<Batch>, done: Sender<Msg>) {
    for batch in batches {
        let mut stats = front.empty_stats();
        let mut insights = BatchInsights::default();
        let outcomes = batch
            .items
            .into_iter()
            .map(|item| front.run(item, &mut stats, &mut insights))
            .collect();
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
