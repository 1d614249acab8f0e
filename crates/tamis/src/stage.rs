//! The stage contract. A stage returns `Keep`, `Drop(reason)` or an error; the runner does the counting.

use crate::document::Document;

/// A stage's decision on one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Keep,
    /// Remove the document; the reason is a snake_case constant of the stage (`too_short`).
    Drop(&'static str),
}

/// A document the stage could not process (not a decision): counted as an error with its location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageError {
    pub kind: &'static str,
    pub message: String,
}

/// A per-document stage: no I/O, no threads, no shared mutable state; the runner calls it from any worker.
/// Filters only read the document; transforms may rewrite it.
pub trait Stage: Send + Sync {
    fn process(&self, doc: &mut Document) -> Result<Verdict, StageError>;

    /// The signals the report draws as histograms. The stage writes their values to
    /// `metadata.signals.<stage>` (or `metadata.<name>` with `metadata_key`) for every document it
    /// evaluates; outside annotate mode the runner takes them out again after counting.
    fn signal_specs(&self) -> Vec<SignalSpec> {
        Vec::new()
    }
}

/// One signal's histogram layout and thresholds.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalSpec {
    pub name: &'static str,
    /// Read from `metadata.<name>` instead of `metadata.signals.<stage>.<name>`.
    pub metadata_key: bool,
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
    pub bins: usize,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl SignalSpec {
    /// A ratio in [0, 1], 50 bins.
    pub fn ratio(name: &'static str, min: Option<f64>, max: Option<f64>) -> Self {
        SignalSpec {
            name,
            metadata_key: false,
            lo: 0.0,
            hi: 1.0,
            log: false,
            bins: 50,
            min,
            max,
        }
    }

    /// A linear range, 50 bins.
    pub fn linear(name: &'static str, lo: f64, hi: f64, min: Option<f64>, max: Option<f64>) -> Self {
        SignalSpec {
            lo,
            hi,
            ..SignalSpec::ratio(name, min, max)
        }
    }

    /// A count on a log scale from 1 to `hi`, 50 bins.
    pub fn log(name: &'static str, hi: f64, min: Option<f64>, max: Option<f64>) -> Self {
        SignalSpec {
            lo: 1.0,
            hi,
            log: true,
            ..SignalSpec::ratio(name, min, max)
        }
    }
}

/// Order-independent per-document work of an ordered stage (normalise and hash), run on the workers.
pub type Keyer = std::sync::Arc<dyn Fn(&Document) -> u128 + Send + Sync>;

/// A stage whose decision depends on the documents before it in input order (exact dedup).
/// The expensive part (`keyer`) runs on the workers; `decide` runs on one thread, in input order, so
/// results do not depend on the thread count. It cannot change the document.
pub trait OrderedStage: Send + Sync {
    fn keyer(&self) -> Keyer;
    fn decide(&mut self, key: u128) -> Result<Verdict, StageError>;
    /// Append the state added since the last call to `out` (resume checkpoints).
    fn save_delta(&mut self, out: &mut Vec<u8>);
    /// Re-apply one saved delta, in order, when resuming.
    fn load_delta(&mut self, data: &[u8]) -> Result<(), String>;
}
