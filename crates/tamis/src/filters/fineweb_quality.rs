//! STUB: FineWebQuality (datatrove parity) — to be implemented.

use crate::document::Document;
use crate::stage::{Stage, StageError, Verdict};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct FineWebQualityConfig {}

impl FineWebQualityConfig {
    pub fn example() -> Self {
        Self::default()
    }
}

pub struct FineWebQuality {
    #[expect(dead_code, reason = "stub")]
    record_signals: bool,
    #[expect(dead_code, reason = "stub")]
    config: FineWebQualityConfig,
}

impl FineWebQuality {
    /// `record_signals`: write the computed signals to `metadata.signals.<stage>` (annotate mode).
    pub fn new(config: FineWebQualityConfig, record_signals: bool) -> Self {
        FineWebQuality { config, record_signals }
    }
}

impl Stage for FineWebQuality {
    fn process(&self, _doc: &mut Document) -> Result<Verdict, StageError> {
        Ok(Verdict::Keep)
    }
}
