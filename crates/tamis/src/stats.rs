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
    /// Tokens of the documents entering the stage, per encoding (text documents only).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tokens_in: BTreeMap<String, u64>,
    /// Tokens of the documents the stage kept, as it left them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tokens_kept: BTreeMap<String, u64>,
    /// Distributions of the stage's signals over the documents it evaluated.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub histograms: BTreeMap<String, Histogram>,
    /// Wall time spent inside the stage, summed over workers.
    pub seconds: f64,
    /// Wall time spent counting the tokens of the documents entering and leaving the stage
    /// (`tokens_in`, `tokens_kept`; outside `seconds`), summed over workers.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub tokens_seconds: f64,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
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
        for (k, v) in &other.tokens_in {
            *self.tokens_in.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &other.tokens_kept {
            *self.tokens_kept.entry(k.clone()).or_default() += v;
        }
        for (k, h) in &other.histograms {
            match self.histograms.get_mut(k) {
                Some(mine) => mine.merge(h),
                None => {
                    self.histograms.insert(k.clone(), h.clone());
                }
            }
        }
        self.seconds += other.seconds;
        self.tokens_seconds += other.tokens_seconds;
    }
}

/// A fixed-bin histogram of one signal, with the thresholds the stage applies to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// Range covered by `bins`; on a log scale when `log` (then `lo` > 0).
    pub lo: f64,
    pub hi: f64,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub log: bool,
    pub bins: Vec<u64>,
    /// Values below `lo` / above `hi`.
    pub below: u64,
    pub above: u64,
    /// The configured thresholds: documents below `min` or above `max` are removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

impl Histogram {
    pub fn new(spec: &crate::stage::SignalSpec) -> Self {
        Histogram {
            lo: spec.lo,
            hi: spec.hi,
            log: spec.log,
            bins: vec![0; spec.bins.max(1)],
            below: 0,
            above: 0,
            min: spec.min,
            max: spec.max,
        }
    }

    fn position(&self, v: f64) -> f64 {
        if self.log {
            (v.max(f64::MIN_POSITIVE).ln() - self.lo.ln()) / (self.hi.ln() - self.lo.ln())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        }
    }

    pub fn add(&mut self, v: f64) {
        if v.is_nan() {
            return;
        }
        if v < self.lo {
            self.below += 1;
        } else if v > self.hi {
            self.above += 1;
        } else {
            let n = self.bins.len();
            let i = ((self.position(v) * n as f64) as usize).min(n - 1);
            self.bins[i] += 1;
        }
    }

    /// The lower edge of bin `i` (`i == bins.len()` gives `hi`).
    pub fn edge(&self, i: usize) -> f64 {
        let f = i as f64 / self.bins.len() as f64;
        if self.log {
            (self.lo.ln() + f * (self.hi.ln() - self.lo.ln())).exp()
        } else {
            self.lo + f * (self.hi - self.lo)
        }
    }

    pub fn total(&self) -> u64 {
        self.bins.iter().sum::<u64>() + self.below + self.above
    }

    fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.bins.iter_mut().zip(&other.bins) {
            *a += b;
        }
        self.below += other.below;
        self.above += other.above;
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

impl std::ops::AddAssign for Totals {
    fn add_assign(&mut self, other: Totals) {
        self.docs_in += other.docs_in;
        self.kept += other.kept;
        self.removed += other.removed;
        self.errors += other.errors;
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
