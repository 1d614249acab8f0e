//! Errors. Record errors (one bad record) are counted and the run goes on; fatal errors stop it.

use std::path::PathBuf;

/// Where a record sits in its input: file and record index / byte offset.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Location {
    pub file: String,
    /// Record index within the file (0-based), when known.
    pub record: u64,
    /// Byte offset of the record in the (compressed) file, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} record {}", self.file, self.record)?;
        if let Some(o) = self.offset {
            write!(f, " (byte offset {o})")?;
        }
        Ok(())
    }
}

/// The library's error type.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input or output path could not be opened, read or written: fatal.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// One record could not be read or processed; the run goes on.
    #[error("{location}: {kind}: {message}")]
    Record {
        location: Location,
        /// Short snake_case kind used as the stats key (`bad_json`, `truncated_record`, ...).
        kind: &'static str,
        message: String,
    },
    /// Invalid configuration.
    #[error("config: {0}")]
    Config(String),
    /// Anything else that stops the run (bad output directory state, ...).
    #[error("{0}")]
    Fatal(String),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn record(location: Location, kind: &'static str, message: impl Into<String>) -> Self {
        Error::Record {
            location,
            kind,
            message: message.into(),
        }
    }

    /// True when the error concerns one record only.
    pub fn is_record(&self) -> bool {
        matches!(self, Error::Record { .. })
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The message of a caught panic (`catch_unwind`'s payload).
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}
