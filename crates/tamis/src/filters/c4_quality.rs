//! STUB: C4Quality (datatrove parity) — to be implemented.

use crate::document::Document;
use crate::stage::{Stage, StageError, Verdict};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct C4QualityConfig {}

impl C4QualityConfig {
    pub fn example() -> Self {
        Self::default()
    }
}

pub struct C4Quality {
    #[expect(dead_code, reason = "stub")]
    record_signals: bool,
    #[expect(dead_code, reason = "stub")]
    config: C4QualityConfig,
}

impl C4Quality {
    /// `record_signals`: write the computed signals to `metadata.signals.<stage>` (annotate mode).
    pub fn new(config: C4QualityConfig, record_signals: bool) -> Self {
        C4Quality { config, record_signals }
    }
}

impl Stage for C4Quality {
    fn process(&self, _doc: &mut Document) -> Result<Verdict, StageError> {
        Ok(Verdict::Keep)
    }
}
