//! Per-stage counters, merged with `+=`; the runner owns them.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Counts for one stage (or for the reader).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageStats {
    pub name: String,
    #[serde(rename = "in")]
    pub docs_in: u64,
    pub kept: u64,
    /// Documents removed, by reason.
    pub dropped: BTreeMap<String, u64>,
    /// Verdicts recorded but not applied (annotate mode), by reason.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub flagged: BTreeMap<String, u64>,
    /// Documents that could not be processed, by error kind.
    pub errors: BTreeMap<String, u64>,
    /// Lines a transform removed from documents it kept or dropped, by reason (line cleaning, C4).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub lines_removed: BTreeMap<String, u64>,
    pub bytes_in: u64,
    pub bytes_kept: u64,
    /// Wall time spent inside the stage, summed over workers.
    pub seconds: f64,
}

impl StageStats {
    pub fn new(name: impl Into<String>) -> Self {
        StageStats {
            name: name.into(),
            ..Default::default()
        }
    }

    pub fn dropped_total(&self) -> u64 {
        self.dropped.values().sum()
    }

    pub fn lines_removed_total(&self) -> u64 {
        self.lines_removed.values().sum()
    }

    pub fn errors_total(&self) -> u64 {
        self.errors.values().sum()
    }

    /// `in == kept + dropped + errors`.
    pub fn balanced(&self) -> bool {
        self.docs_in == self.kept + self.dropped_total() + self.errors_total()
    }

    pub fn merge(&mut self, other: &StageStats) {
        self.docs_in += other.docs_in;
        self.kept += other.kept;
        for (k, v) in &other.dropped {
            *self.dropped.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &other.flagged {
            *self.flagged.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &other.errors {
            *self.errors.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &other.lines_removed {
            *self.lines_removed.entry(k.clone()).or_default() += v;
        }
        self.bytes_in += other.bytes_in;
        self.bytes_kept += other.bytes_kept;
        self.seconds += other.seconds;
    }
}

/// Whole-run totals: every input document is kept, removed or an error.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    #[serde(rename = "in")]
    pub docs_in: u64,
    pub kept: u64,
    pub removed: u64,
    pub errors: u64,
}

impl Totals {
    pub fn balanced(&self) -> bool {
        self.docs_in == self.kept + self.removed + self.errors
    }
}

/// One sampled error with where it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorSample {
    pub stage: String,
    pub kind: String,
    pub file: String,
    pub record: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    pub message: String,
}
