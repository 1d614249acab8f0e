//! `OUT/report.json`: resolved config, per-stage stats in pipeline order, totals, sampled errors.

use crate::stats::{ErrorSample, StageStats, Totals};
use serde::{Deserialize, Serialize};

/// Errors kept in the report's sample (the counts cover all of them).
pub const ERROR_SAMPLE_CAP: usize = 100;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InputSummary {
    pub files: u64,
    pub bytes: u64,
    /// Files found while walking directories that are of no known type, or reached a second time
    /// (through a symlink, or given twice).
    pub skipped_files: Vec<String>,
    /// Files that could not be read at all (unreadable, a bad symlink, a corrupt or text-less
    /// Parquet file): each counted as one `read` error, and the run went on without it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed_files: Vec<ErrorSample>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub tamis_version: String,
    pub complete: bool,
    pub config: serde_json::Value,
    pub inputs: InputSummary,
    /// `read` first, then every stage in pipeline order.
    pub stages: Vec<StageStats>,
    pub documents: Totals,
    pub output: OutputSummary,
    pub errors_sample: Vec<ErrorSample>,
    /// Wall time of the runs that produced this output (summed over resumed runs).
    pub seconds: f64,
    /// Languages, most removed lines per site, samples per removal reason (for `report.html`).
    #[serde(default)]
    pub insights: crate::insights::Insights,
    /// `minhash_dedup`'s LSH figures (signed documents, candidate pairs, clusters, index matches).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minhash: Option<crate::dedup::near::MinhashStats>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutputSummary {
    pub shards: u64,
    pub kept_bytes: u64,
    pub removed_bytes: u64,
    /// Tokens of the kept documents' final text, per encoding (the sum of their `metadata.tokens`).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub tokens: std::collections::BTreeMap<String, u64>,
}

impl std::ops::AddAssign for OutputSummary {
    fn add_assign(&mut self, other: OutputSummary) {
        self.shards += other.shards;
        self.kept_bytes += other.kept_bytes;
        self.removed_bytes += other.removed_bytes;
        for (k, v) in other.tokens {
            *self.tokens.entry(k).or_default() += v;
        }
    }
}

impl Report {
    /// Read a report back (used by tests and `tamis` tooling).
    pub fn read(path: &std::path::Path) -> crate::Result<Report> {
        let text = std::fs::read_to_string(path).map_err(|e| crate::Error::io(path, e))?;
        serde_json::from_str(&text).map_err(|e| crate::Error::Fatal(format!("{}: {e}", path.display())))
    }
}
