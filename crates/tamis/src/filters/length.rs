//! Length filter: minimum/maximum characters or whitespace-separated words.

use crate::document::Document;
use crate::stage::{Stage, StageError, Verdict};
use serde::{Deserialize, Serialize};

pub const TOO_SHORT: &str = "too_short";
pub const TOO_LONG: &str = "too_long";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LengthConfig {
    /// Drop text with fewer Unicode characters than this.
    pub min_chars: Option<u64>,
    /// Drop text with more Unicode characters than this.
    pub max_chars: Option<u64>,
    /// Drop text with fewer whitespace-separated words than this.
    pub min_words: Option<u64>,
    /// Drop text with more whitespace-separated words than this.
    pub max_words: Option<u64>,
}

impl Default for LengthConfig {
    fn default() -> Self {
        LengthConfig {
            min_chars: None,
            max_chars: None,
            min_words: Some(20),
            max_words: None,
        }
    }
}

impl LengthConfig {
    pub fn example() -> Self {
        LengthConfig {
            min_chars: Some(200),
            max_chars: Some(1_000_000),
            min_words: Some(50),
            max_words: Some(100_000),
        }
    }
}

pub struct Length {
    config: LengthConfig,
}

impl Length {
    pub fn new(config: LengthConfig) -> Self {
        Length { config }
    }
}

impl Stage for Length {
    fn process(&self, doc: &mut Document) -> Result<Verdict, StageError> {
        // Raw payloads (HTML before extraction) are not text yet: they pass.
        let Some(text) = doc.text() else {
            return Ok(Verdict::Keep);
        };
        let c = &self.config;
        if c.min_chars.is_some() || c.max_chars.is_some() {
            let chars = text.chars().count() as u64;
            if c.min_chars.is_some_and(|m| chars < m) {
                return Ok(Verdict::Drop(TOO_SHORT));
            }
            if c.max_chars.is_some_and(|m| chars > m) {
                return Ok(Verdict::Drop(TOO_LONG));
            }
        }
        if c.min_words.is_some() || c.max_words.is_some() {
            let words = text.split_whitespace().count() as u64;
            if c.min_words.is_some_and(|m| words < m) {
                return Ok(Verdict::Drop(TOO_SHORT));
            }
            if c.max_words.is_some_and(|m| words > m) {
                return Ok(Verdict::Drop(TOO_LONG));
            }
        }
        Ok(Verdict::Keep)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::test_doc as doc;

    fn run(config: LengthConfig, text: &str) -> Verdict {
        Length::new(config).process(&mut doc(text)).unwrap()
    }

    #[test]
    fn drops_docs_under_min_words() {
        let c = LengthConfig {
            min_words: Some(3),
            ..Default::default()
        };
        assert_eq!(run(c.clone(), "one two"), Verdict::Drop(TOO_SHORT));
        assert_eq!(run(c, "one two three"), Verdict::Keep);
    }

    #[test]
    fn drops_docs_over_max_words() {
        let c = LengthConfig {
            min_words: None,
            max_words: Some(2),
            ..Default::default()
        };
        assert_eq!(run(c, "one two three"), Verdict::Drop(TOO_LONG));
    }

    #[test]
    fn counts_characters_not_bytes() {
        let c = LengthConfig {
            min_words: None,
            min_chars: Some(4),
            max_chars: Some(4),
            ..Default::default()
        };
        assert_eq!(run(c.clone(), "été!"), Verdict::Keep);
        assert_eq!(run(c.clone(), "été"), Verdict::Drop(TOO_SHORT));
        assert_eq!(run(c, "étés!"), Verdict::Drop(TOO_LONG));
    }
}
