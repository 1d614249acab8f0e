//! STUB: GopherRepetition (datatrove parity) — to be implemented.

use crate::document::Document;
use crate::stage::{Stage, StageError, Verdict};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct GopherRepetitionConfig {}

impl GopherRepetitionConfig {
    pub fn example() -> Self {
        Self::default()
    }
}

pub struct GopherRepetition {
    #[expect(dead_code, reason = "stub")]
    record_signals: bool,
    #[expect(dead_code, reason = "stub")]
    config: GopherRepetitionConfig,
}

impl GopherRepetition {
    /// `record_signals`: write the computed signals to `metadata.signals.<stage>` (annotate mode).
    pub fn new(config: GopherRepetitionConfig, record_signals: bool) -> Self {
        GopherRepetition { config, record_signals }
    }
}

impl Stage for GopherRepetition {
    fn process(&self, _doc: &mut Document) -> Result<Verdict, StageError> {
        Ok(Verdict::Keep)
    }
}
