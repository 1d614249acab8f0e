//! Per-document filters.

pub mod c4_quality;
pub mod fasttext;
pub mod fineweb2;
pub mod fineweb_quality;
pub mod gopher_quality;
pub mod gopher_repetition;
pub mod language;
pub mod length;
pub mod payload;
pub mod pii;
pub(crate) mod text;

pub use c4_quality::{C4Quality, C4QualityConfig};
pub use fineweb_quality::{FineWebQuality, FineWebQualityConfig};
pub use gopher_quality::{GopherQuality, GopherQualityConfig};
pub use gopher_repetition::{GopherRepetition, GopherRepetitionConfig};
pub use language::{Language, LanguageConfig};
pub use length::{Length, LengthConfig};
pub use payload::{Payload, PayloadConfig};
pub use pii::{Pii, PiiConfig};
