//! STUB: the line cleaner.

use crate::document::Document;
use crate::stage::{Stage, StageError, Verdict};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct CleanLinesConfig {}

impl CleanLinesConfig {
    pub fn example() -> Self {
        Self::default()
    }
}

pub struct CleanLines {
    #[expect(dead_code, reason = "stub")]
    config: CleanLinesConfig,
}

impl CleanLines {
    pub fn new(config: CleanLinesConfig) -> Self {
        CleanLines { config }
    }
}

impl Stage for CleanLines {
    fn process(&self, _doc: &mut Document) -> Result<Verdict, StageError> {
        Ok(Verdict::Keep)
    }
}
