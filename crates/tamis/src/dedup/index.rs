//! A persistent MinHash LSH index across runs: every band key of every earlier run, in one redb
//! file, so a new batch is deduplicated against all of them without recomputing anything.
//!
//! Table `bands`: key = band number (u64, big-endian) ‖ band key (u64, big-endian), so keys sort
//! band by band as the LSH merge produces them (inserts and lookups arrive in key order); value =
//! run number << 32 | doc id of the first document of that run with the key. Table `runs`: run
//! name → run number. Table `meta`: the hashing settings, which every run must share.
//!
//! A run reads and writes the index in one write transaction, committed after its output is
//! written: a run killed before that leaves the index as it was. A run redone after a kill (same
//! run name) gets its old number back; only keys of lower run numbers count as earlier.
//!
//! redb (pure Rust, copy-on-write B-tree, atomic commit, bounded cache) was chosen over LMDB
//! (heed) and fjall by measurement: `bench/results/minhash-index-2026-12-01.md`.

use super::minhash::MinhashConfig;
use crate::error::{Error, Result};
use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};
use std::path::{Path, PathBuf};

const BANDS: TableDefinition<&[u8; 16], u64> = TableDefinition::new("bands");
const RUNS: TableDefinition<&str, u32> = TableDefinition::new("runs");
const META: TableDefinition<&str, &str> = TableDefinition::new("meta");

/// Looks up one band key (band, key, doc id of the first document with it in this run): `true`
/// when an earlier run has it; a key not there yet is added for this run.
pub type Probe<'a> = dyn FnMut(usize, u64, u32) -> Result<bool> + 'a;

/// Run `f` with `index`'s probe inside its transaction for run `run` (see [`Index::update`]), or
/// with no probe when there is no index. Returns `f`'s result and the keys added.
pub fn with_probe<T>(
    index: Option<&Index>,
    run: &str,
    f: impl FnOnce(Option<&mut Probe<'_>>) -> Result<T>,
) -> Result<(T, u64)> {
    match index {
        Some(index) => index.update(run, |probe| f(Some(probe))),
        None => Ok((f(None)?, 0)),
    }
}

pub struct Index {
    db: Database,
    path: PathBuf,
    /// One run updates an index at a time.
    _lock: crate::lock::DirLock,
}

fn db_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Fatal(format!("minhash index {}: {e}", path.display()))
}

impl Index {
    /// Open the index in `dir` (created when absent); its hashing settings must equal `config`'s.
    /// `cache_bytes`: redb's page cache (its default is 1 GiB; reads and writes come in key order,
    /// so a small cache does).
    pub fn open(dir: &Path, config: &MinhashConfig, cache_bytes: u64) -> Result<Index> {
        let lock = crate::lock::DirLock::acquire(dir, "MinHash index")?;
        let path = dir.join("minhash-index.redb");
        let db = redb::Builder::new()
            .set_cache_size(usize::try_from(cache_bytes).unwrap_or(usize::MAX).max(1 << 20))
            .create(&path)
            .map_err(|e| db_err(&path, e))?;
        let want = config.hashing_fingerprint();
        let tx = db.begin_write().map_err(|e| db_err(&path, e))?;
        {
            let mut meta = tx.open_table(META).map_err(|e| db_err(&path, e))?;
            let have = meta
                .get("hashing")
                .map_err(|e| db_err(&path, e))?
                .map(|v| v.value().to_string());
            match have {
                Some(h) if h != want => {
                    return Err(Error::Config(format!(
                        "minhash index {} was built with other MinHash settings ({h}); this run has {want}: use the same settings or another index",
                        path.display()
                    )))
                }
                Some(_) => {}
                None => {
                    meta.insert("hashing", want.as_str()).map_err(|e| db_err(&path, e))?;
                }
            }
            tx.open_table(BANDS).map_err(|e| db_err(&path, e))?;
            tx.open_table(RUNS).map_err(|e| db_err(&path, e))?;
        }
        tx.commit().map_err(|e| db_err(&path, e))?;
        Ok(Index { db, path, _lock: lock })
    }

    /// Runs recorded so far.
    pub fn runs(&self) -> Result<u64> {
        let tx = self.db.begin_read().map_err(|e| db_err(&self.path, e))?;
        let runs = tx.open_table(RUNS).map_err(|e| db_err(&self.path, e))?;
        runs.len().map_err(|e| db_err(&self.path, e))
    }

    /// Run `f` with a [`Probe`] over the index inside one write transaction for run `run`, and
    /// commit if `f` succeeds. Returns `f`'s result and the number of keys added.
    pub fn update<T>(&self, run: &str, f: impl FnOnce(&mut Probe<'_>) -> Result<T>) -> Result<(T, u64)> {
        let path = &self.path;
        let tx = self.db.begin_write().map_err(|e| db_err(path, e))?;
        let (value, added) = {
            let mut runs = tx.open_table(RUNS).map_err(|e| db_err(path, e))?;
            let existing = runs.get(run).map_err(|e| db_err(path, e))?.map(|v| v.value());
            let number = match existing {
                Some(n) => n,
                None => {
                    let n = u32::try_from(runs.len().map_err(|e| db_err(path, e))?)
                        .map_err(|_| Error::Fatal(format!("minhash index {}: too many runs", path.display())))?;
                    runs.insert(run, n).map_err(|e| db_err(path, e))?;
                    n
                }
            };
            let mut bands = tx.open_table(BANDS).map_err(|e| db_err(path, e))?;
            let mut added = 0u64;
            let mut probe = |band: usize, key: u64, doc: u32| -> Result<bool> {
                let mut k = [0u8; 16];
                k[..8].copy_from_slice(&(band as u64).to_be_bytes());
                k[8..].copy_from_slice(&key.to_be_bytes());
                let found = bands.get(&k).map_err(|e| db_err(path, e))?.map(|v| v.value());
                match found {
                    // Only runs recorded before this one count: a run redone after a kill must
                    // not treat a later run's keys as earlier than its own documents.
                    Some(v) => Ok(((v >> 32) as u32) < number),
                    None => {
                        bands
                            .insert(&k, u64::from(number) << 32 | u64::from(doc))
                            .map_err(|e| db_err(path, e))?;
                        added += 1;
                        Ok(false)
                    }
                }
            };
            let value = f(&mut probe)?;
            (value, added)
        };
        tx.commit().map_err(|e| db_err(path, e))?;
        Ok((value, added))
    }
}
