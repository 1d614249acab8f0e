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
