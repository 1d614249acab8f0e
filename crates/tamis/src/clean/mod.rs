//! Line cleaning: rewrite a document's text, removing page furniture, C4-rule lines and site-frequent
//! lines, and record every removed line with its reason.

pub mod lexicon;
pub mod lines;
pub mod site_lines;

pub use lines::{CleanLines, CleanLinesConfig, LineDecision};
pub use site_lines::{SiteLines, SiteLinesBuilder};
