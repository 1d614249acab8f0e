//! Per-document filters.

pub mod language;
pub mod length;
pub mod payload;
pub mod pii;

pub use language::{Language, LanguageConfig};
pub use length::{Length, LengthConfig};
pub use payload::{Payload, PayloadConfig};
pub use pii::{Pii, PiiConfig};
