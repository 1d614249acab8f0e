//! Resume state: what a killed run finds in `.tamis/checkpoint.json` and how it picks up from there.

use super::output::OutputDirs;
use crate::config::{PipelineConfig, StageConfig};
use crate::error::{Error, Result};
use crate::pipeline::{Pipeline, RunStats};
use crate::readers::InputFile;
use crate::writers::write_atomic;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Where a reader is: input file (or staged chunk) index and records consumed in it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub file: usize,
    pub record: u64,
}

/// How far a pass before the last one (see `runner::staging`) got.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct PassState {
    /// Staged chunks written completely.
    pub chunks: u64,
    pub position: Position,
    pub done: bool,
}

/// Saved after every shard; a rerun on the same output continues from here.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Checkpoint {
    pub fingerprint: String,
    pub next_shard: u64,
    /// The last pass's position.
    pub position: Position,
    pub complete: bool,
    #[serde(flatten)]
    pub stats: RunStats,
    pub seconds: f64,
    /// Passes before the last one, one per stage that needs a site-line index.
    #[serde(default)]
    pub passes: Vec<PassState>,
    /// `minhash_dedup`'s final pass has written the final shards.
    #[serde(default)]
    pub minhash_done: bool,
    #[serde(default)]
    pub minhash: Option<crate::dedup::near::MinhashStats>,
    /// This run's name in the MinHash index, fixed (and checkpointed) before the index is first
    /// written, so that a redone final pass, even from a moved directory, is the same run there.
    #[serde(default)]
    pub minhash_run_key: Option<String>,
}

impl Checkpoint {
    pub fn new(fingerprint: String, names: &[String], passes: usize) -> Self {
        Checkpoint {
            fingerprint,
            next_shard: 0,
            position: Position::default(),
            complete: false,
            stats: RunStats::new(names),
            seconds: 0.0,
            passes: vec![PassState::default(); passes],
            minhash_done: false,
            minhash: None,
            minhash_run_key: None,
        }
    }

    /// The checkpoint of `dirs`, if a run started there; refused when it belongs to another run.
    pub fn load(dirs: &OutputDirs, fingerprint: &str, out: &Path) -> Result<Option<Self>> {
        let path = &dirs.checkpoint;
        let ckpt: Checkpoint = match std::fs::read(path) {
            Ok(data) => serde_json::from_slice(&data).map_err(|e| {
                Error::Fatal(format!(
                    "{}: unreadable checkpoint ({e}); delete the output directory to start over",
                    path.display()
                ))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(path, e)),
        };
        if ckpt.fingerprint != fingerprint {
            return Err(Error::Fatal(format!(
                "{} holds the output of a run with other inputs or another config; choose a new -o directory or delete it",
                out.display()
            )));
        }
        Ok(Some(ckpt))
    }

    /// Write the checkpoint directly (when no output thread runs).
    pub fn save(&self, dirs: &OutputDirs) -> Result<()> {
        write_atomic(&dirs.checkpoint, &self.to_bytes()?)
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        serde_json::to_vec(self).map_err(|e| Error::Fatal(e.to_string()))
    }
}

/// Reload the ordered stages' state saved with shards `0..shards` (files `NNNNN-SLOT.bin` in `dir`).
pub(crate) fn restore_ordered(pipeline: &mut Pipeline, dir: &Path, shards: u64) -> Result<()> {
    for (slot, stage) in pipeline.ordered_stages() {
        for shard in 0..shards {
            let path = state_path(dir, shard, slot);
            match std::fs::read(&path) {
                Ok(data) => stage
                    .load_delta(&data)
                    .map_err(|e| Error::Fatal(format!("{}: {e}", path.display())))?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&path, e)),
            }
        }
    }
    Ok(())
}

/// Where an ordered stage's state delta of one shard goes.
pub(crate) fn state_path(dir: &Path, shard: u64, slot: usize) -> std::path::PathBuf {
    dir.join(format!("{shard:05}-{slot}.bin"))
}

/// Identifies a run: config and inputs (path, size). A resumed run must match it.
pub(crate) fn fingerprint(config: &PipelineConfig, files: &[InputFile]) -> String {
    // minhash_dedup's memory limit and index only matter to the final pass: a run stopped there
    // (too little memory, say) can be resumed with other values without redoing the main pass.
    // The error budget changes no output: a `--strict` run that stopped can go on without it.
    let mut config = config.clone();
    config.input.max_errors = None;
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
