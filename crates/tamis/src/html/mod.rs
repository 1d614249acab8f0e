//! HTML → main-content text and page metadata (issue 4).
//!
//! - [`decode`]: bytes → UTF-8 (BOM, HTTP charset, `<meta>` prescan, chardetng).
//! - [`tokenizer`] + [`tree`]: a byte-level tokenizer and a depth-capped tree builder into an arena.
//! - [`meta`]: title, author, date, site name, canonical URL, language, description.
//! - `score`: Readability's content scoring, for pages that mark no content zone.
//! - [`extract()`]: the main-content text with block structure (the entry point).
//! - [`stage::Extract`]: the `extract` pipeline stage (raw HTML payloads → text documents).

pub mod decode;
pub mod entities;
pub mod extract;
pub mod meta;
mod score;
pub mod stage;
pub mod tags;
pub mod tokenizer;
pub mod tree;

pub use extract::{extract, ExtractConfig, ExtractError, Extracted};
pub use meta::PageMeta;
pub use stage::Extract;
