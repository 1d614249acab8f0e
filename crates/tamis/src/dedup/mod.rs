//! Deduplication stages.

pub mod exact;

pub use exact::{ExactDedup, ExactDedupConfig};
