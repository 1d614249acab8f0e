//! STUB: GopherQuality (datatrove parity) — to be implemented.

use crate::document::Document;
use crate::stage::{Stage, StageError, Verdict};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct GopherQualityConfig {}

impl GopherQualityConfig {
    pub fn example() -> Self {
        Self::default()
    }
}

pub struct GopherQuality {
    #[expect(dead_code, reason = "stub")]
    record_signals: bool,
    #[expect(dead_code, reason = "stub")]
    config: GopherQualityConfig,
}

impl GopherQuality {
    /// `record_signals`: write the computed signals to `metadata.signals.<stage>` (annotate mode).
    pub fn new(config: GopherQualityConfig, record_signals: bool) -> Self {
        GopherQuality { config, record_signals }
    }
}

impl Stage for GopherQuality {
    fn process(&self, _doc: &mut Document) -> Result<Verdict, StageError> {
        Ok(Verdict::Keep)
    }
}
