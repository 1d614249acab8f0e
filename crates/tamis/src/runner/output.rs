//! The output directory's layout: shards, resume state, and what each pass stages.

use crate::error::{Error, Result};
use crate::writers;
use std::path::{Path, PathBuf};

pub(crate) struct OutputDirs {
    pub kept: PathBuf,
    pub removed: PathBuf,
    /// Ordered stages' state deltas and MinHash band keys of the last pass, per shard.
    pub state: PathBuf,
    pub checkpoint: PathBuf,
    /// `minhash_dedup`: the main pass's kept shards, rewritten into `kept/` by the final pass.
    pub staged: Option<PathBuf>,
    /// One folder per pass before the last (`.tamis/pass-K`): staged outcomes, site-line keys and
    /// that pass's ordered-stage state.
    pub passes: Vec<PathBuf>,
}

impl OutputDirs {
    pub fn create(out: &Path, minhash: bool, passes: usize) -> Result<Self> {
        let meta = out.join(".tamis");
        let dirs = OutputDirs {
            kept: out.join("kept"),
            removed: out.join("removed"),
            state: meta.join("state"),
            checkpoint: meta.join("checkpoint.json"),
            staged: minhash.then(|| meta.join("staged")),
            passes: (0..passes).map(|k| meta.join(format!("pass-{k}"))).collect(),
        };
        for d in [&dirs.kept, &dirs.removed, &dirs.state]
            .into_iter()
            .chain(&dirs.staged)
            .chain(&dirs.passes)
        {
            std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))?;
        }
        // Fail now, with the path, if the output is not writable.
        let probe = meta.join("write-probe");
        std::fs::write(&probe, b"").map_err(|e| Error::io(&probe, e))?;
        let _ = std::fs::remove_file(&probe);
        Ok(dirs)
    }

    /// Where the last pass writes kept documents.
    pub fn main_kept(&self) -> &PathBuf {
        self.staged.as_ref().unwrap_or(&self.kept)
    }

    /// Remove what an interrupted last pass left after its last checkpoint: temp files and later shards.
    pub fn clean_after(&self, next_shard: u64) -> Result<()> {
        for dir in [&self.kept, &self.removed, &self.state].into_iter().chain(&self.staged) {
            writers::remove_shards_from(dir, next_shard)?;
        }
        Ok(())
    }

    /// Remove the staged files of the passes before the last, once the run is complete.
    pub fn remove_passes(&self) -> Result<()> {
        for dir in &self.passes {
            match std::fs::remove_dir_all(dir) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(dir, e)),
            }
        }
        Ok(())
    }
}
