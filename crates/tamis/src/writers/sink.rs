//! The output thread: compresses and writes shard files, then state and checkpoint files, in the
//! order the sequencer sends them, so compression and I/O run beside the sequencer instead of in it.

use super::{create, shard_path, OutputConfig, ShardWriter};
use crate::document::Document;
use crate::error::{Error, Result};
use crossbeam_channel::Receiver;
use std::path::PathBuf;

/// A document ready for a shard: a serialized JSONL line, or the document (Parquet, or when it
/// could not be serialized on a worker).
pub enum Record {
    Line(Vec<u8>),
    Doc(Box<Document>, Option<String>),
}

pub enum SinkMsg {
    /// The records of one input batch, in order: (kept?, record).
    Records(Vec<(bool, Record)>),
    /// Close the current shard files, write these files atomically (state, then the checkpoint, last),
    /// and continue with shard `next_shard`.
    Checkpoint {
        next_shard: u64,
        files: Vec<(PathBuf, Vec<u8>)>,
    },
    /// Testing aid: stop as a killed process would, leaving the open shards half-written.
    Abandon,
}

pub struct Sink {
    pub kept_dir: PathBuf,
    pub removed_dir: PathBuf,
    pub config: OutputConfig,
    pub shard: u64,
}

impl Sink {
    /// Run until the channel closes or an error; an error ends the thread (the sender then fails).
    pub fn run(mut self, rx: Receiver<SinkMsg>) -> Result<()> {
        let mut kept: Option<Box<dyn ShardWriter>> = None;
        let mut removed: Option<Box<dyn ShardWriter>> = None;
        for msg in rx {
            match msg {
                SinkMsg::Records(records) => {
                    for (is_kept, r) in records {
                        let slot = if is_kept { &mut kept } else { &mut removed };
                        self.write(slot, is_kept, r)?;
                    }
                }
                SinkMsg::Checkpoint { next_shard, files } => {
                    for w in [kept.take(), removed.take()].into_iter().flatten() {
                        w.finish()?;
                    }
                    for (path, data) in files {
                        crate::pipeline::write_atomic(&path, &data)?;
                    }
                    self.shard = next_shard;
                }
                SinkMsg::Abandon => {
                    std::mem::forget(kept.take());
                    std::mem::forget(removed.take());
                    return Err(Error::Fatal("run abandoned (testing aid)".into()));
                }
            }
        }
        // The sequencer always ends with a checkpoint; anything open now belongs to an aborted run.
        Ok(())
    }

    fn write(&self, slot: &mut Option<Box<dyn ShardWriter>>, kept: bool, record: Record) -> Result<()> {
        if slot.is_none() {
            let dir = if kept { &self.kept_dir } else { &self.removed_dir };
            *slot = Some(create(&shard_path(dir, self.shard, self.config.format), &self.config)?);
        }
        let Some(w) = slot.as_mut() else { return Ok(()) };
        match record {
            Record::Line(line) => w.write_line(&line),
            Record::Doc(doc, by) => w.write(&doc, by.as_deref()),
        }
    }
}
