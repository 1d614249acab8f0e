//! Deduplication: exact (an ordered stage) and MinHash LSH near-dedup (a multi-pass job).

pub mod exact;
pub mod index;
mod kernel;
pub mod lsh;
pub mod minhash;
pub mod near;
pub(crate) mod staged;

pub use exact::{ExactDecided, ExactDedup, ExactDedupConfig};
pub use minhash::{MinhashConfig, ShingleUnit, Signer, TextNormConfig};
pub use near::{near_dedup, NearDedupOptions, NearDedupReport};
