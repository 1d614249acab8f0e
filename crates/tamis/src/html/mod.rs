//! HTML → main-content text and page metadata (issue 4).
//!
//! - [`decode`]: bytes → UTF-8 (BOM, HTTP charset, `<meta>` prescan, chardetng).

pub mod decode;
