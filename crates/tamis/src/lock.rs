//! An exclusive lock on a directory a run writes (an output directory, a MinHash index), held for
//! the run's whole life, so two processes never write the same shards.
//!
//! The lock is the operating system's advisory file lock (`flock` on Unix) on `DIR/.tamis.lock`.
//! The kernel drops it when its holder exits, however it exits: a run killed with `kill -9` leaves
//! a lock file nobody holds, and the next run takes it over (and resumes). The file says who holds
//! it (process id, host, command, start time), for the message a second process gets.

use crate::error::{Error, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The lock file's name inside the locked directory (hidden: readers skip it).
pub const LOCK_FILE: &str = ".tamis.lock";

/// A held lock; dropping it releases the lock (the file stays, held by nobody).
#[derive(Debug)]
pub struct DirLock {
    _file: File,
    path: PathBuf,
}

impl DirLock {
    /// Lock `dir` (created if missing) for `what` (e.g. "output directory"), or say who holds it.
    pub fn acquire(dir: &Path, what: &str) -> Result<DirLock> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let path = dir.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let holder = if holder.is_empty() { "another process" } else { holder };
                return Err(Error::Fatal(format!(
                    "{}: this {what} is in use by {holder}; wait for that run to end, or choose another {what}",
                    dir.display()
                )));
            }
            Err(TryLockError::Error(e)) => return Err(Error::io(&path, e)),
        }
        // Ours now: say who holds it (a lock left by a killed run is simply overwritten).
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let command: Vec<String> = std::env::args().collect();
        let holder = format!(
            "process {} on {} (`{}`, since unix time {since})\n",
            std::process::id(),
            host_name(),
            command.join(" ")
        );
        file.set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| file.write_all(holder.as_bytes()))
            .map_err(|e| Error::io(&path, e))?;
        Ok(DirLock { _file: file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "this host".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_with_the_first_named_and_a_released_lock_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let first = DirLock::acquire(dir.path(), "output directory").unwrap();
        // A second open file description of the same file: flock treats it as another holder.
        let err = DirLock::acquire(dir.path(), "output directory")
            .unwrap_err()
            .to_string();
        assert!(err.contains("is in use by process"), "{err}");
        assert!(err.contains(&std::process::id().to_string()), "{err}");
        drop(first);
        let again = DirLock::acquire(dir.path(), "output directory").unwrap();
        assert!(again.path().ends_with(LOCK_FILE));
    }
}
