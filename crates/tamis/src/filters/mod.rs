//! Per-document filters.

pub mod length;
pub mod payload;

pub use length::{Length, LengthConfig};
pub use payload::{Payload, PayloadConfig};
