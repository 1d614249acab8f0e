//! tamis: refine raw web-crawl data into clean, deduplicated text corpora.
//!
//! The main types: [`Document`] (one type for the whole path), the [`Stage`] and [`OrderedStage`]
//! contracts, [`PipelineConfig`] (TOML / defaults), [`Pipeline`] (the built stages: `process` one
//! batch anywhere, no files, no threads) and [`run`], the local driver, which streams the inputs
//! through the pipeline into `kept/` and `removed/` shards and writes `report.json`. [`arrow`] turns
//! documents into Arrow record batches and back (the interchange with Python, the Parquet shards' table).
//!
//! ```no_run
//! use tamis::{run, PipelineConfig, RunOptions};
//! let report = run(
//!     &PipelineConfig::default(),
//!     &RunOptions { inputs: vec!["examples".into()], output: "out".into(), threads: 2, ..Default::default() },
//! )?;
//! assert!(report.documents.balanced());
//! # Ok::<(), tamis::Error>(())
//! ```

pub mod arrow;
pub mod clean;
pub mod config;
pub mod dedup;
pub mod document;
pub mod error;
pub mod explain;
pub mod filters;
pub mod html;
pub mod insights;
pub mod lock;
pub mod metadata;
pub mod pipeline;
pub mod readers;
pub mod report;
pub mod report_html;
pub mod runner;
pub mod stage;
pub mod stats;
pub mod tasks;
pub mod tokens;
pub mod units;
pub mod words;
pub mod writers;

pub use config::{PipelineConfig, StageConfig, StageEntry, StageKind, StageSpec, STAGES};
pub use document::{Body, Document, Source};
pub use error::{Error, Location, Result};
pub use pipeline::{BatchOutcome, CorpusState, Pipeline, RunStats};
pub use report::Report;
pub use runner::{run, Progress, RunOptions};
pub use stage::{OrderedStage, Stage, StageError, Verdict};
pub use stats::{StageStats, Totals};
