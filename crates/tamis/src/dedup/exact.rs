//! Exact dedup on normalised text: the first occurrence in input order is kept.
//!
//! Runs as an ordered stage (one thread, input order) so the kept copy does not depend on the thread
//! count. State is a set of 128-bit xxh3 hashes: 16 bytes per distinct document, kept in memory;
//! the corpus-scale, beyond-RAM path is the dedup issue's work.

use crate::document::Document;
use crate::stage::{Keyer, OrderedStage, StageError, Verdict};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

pub const DUPLICATE: &str = "duplicate";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExactDedupConfig {
    /// Compare lower-cased text.
    pub lowercase: bool,
    /// Collapse every run of whitespace to one space and trim the ends.
    pub collapse_whitespace: bool,
}

impl Default for ExactDedupConfig {
    fn default() -> Self {
        ExactDedupConfig {
            lowercase: true,
            collapse_whitespace: true,
        }
    }
}

impl ExactDedupConfig {
    pub fn example() -> Self {
        ExactDedupConfig::default()
    }
}

/// Normalise text for comparison, per the config: whitespace runs become one space (ends trimmed),
/// letters are lower-cased character by character.
pub fn normalize(text: &str, config: &ExactDedupConfig) -> String {
    let mut out = Vec::with_capacity(text.len());
    normalize_chunks(text, config, |chunk| out.extend_from_slice(chunk));
    String::from_utf8(out).unwrap_or_default()
}

/// The dedup key: xxh3-128 of `normalize(text)`, computed in chunks without building the string.
pub fn key(text: &str, config: &ExactDedupConfig) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    normalize_chunks(text, config, |chunk| hasher.update(chunk));
    hasher.digest128()
}

/// Feed the normalised text to `sink` in chunks of a few KB. One pass over the bytes: ASCII is
/// handled byte by byte, other characters are decoded; whitespace is `char::is_whitespace`, as in
/// `str::split_whitespace`.
fn normalize_chunks(text: &str, config: &ExactDedupConfig, mut sink: impl FnMut(&[u8])) {
    const CHUNK: usize = 8 << 10;
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + 64);
    let mut tmp = [0u8; 4];
    let mut started = false;
    let mut pending_space = false;
    let mut push = |c: char, buf: &mut Vec<u8>| {
        if config.lowercase {
            for l in c.to_lowercase() {
                buf.extend_from_slice(l.encode_utf8(&mut tmp).as_bytes());
            }
        } else {
            buf.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
        }
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (is_space, width) = if b < 0x80 {
            (matches!(b, b'\t'..=b'\r' | b' '), 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_whitespace(), c.len_utf8())
        };
        if is_space && config.collapse_whitespace {
            pending_space = started;
        } else {
            if pending_space {
                buf.push(b' ');
                pending_space = false;
            }
            started = true;
            if b < 0x80 {
                buf.push(if config.lowercase { b.to_ascii_lowercase() } else { b });
            } else if let Some(c) = text[i..].chars().next() {
                push(c, &mut buf);
            }
            if buf.len() >= CHUNK {
                sink(&buf);
                buf.clear();
            }
        }
        i += width;
    }
    sink(&buf);
}

pub struct ExactDedup {
    config: ExactDedupConfig,
    seen: HashSet<u128>,
    /// Hashes added since the last checkpoint, in order.
    delta: Vec<u128>,
}

impl ExactDedup {
    pub fn new(config: ExactDedupConfig) -> Self {
        ExactDedup {
            config,
            seen: HashSet::new(),
            delta: Vec::new(),
        }
    }
}

impl OrderedStage for ExactDedup {
    fn keyer(&self) -> Keyer {
        let config = self.config.clone();
        std::sync::Arc::new(move |doc: &Document| key(&doc.text_lossy(), &config))
    }

    fn decide(&mut self, hash: u128) -> Result<Verdict, StageError> {
        if self.seen.insert(hash) {
            self.delta.push(hash);
            Ok(Verdict::Keep)
        } else {
            Ok(Verdict::Drop(DUPLICATE))
        }
    }

    fn save_delta(&mut self, out: &mut Vec<u8>) {
        for h in self.delta.drain(..) {
            out.extend_from_slice(&h.to_le_bytes());
        }
    }

    fn load_delta(&mut self, data: &[u8]) -> Result<(), String> {
        if !data.len().is_multiple_of(16) {
            return Err(format!(
                "exact_dedup state has {} bytes, not a multiple of 16",
                data.len()
            ));
        }
        for chunk in data.chunks_exact(16) {
            let mut b = [0u8; 16];
            b.copy_from_slice(chunk);
            self.seen.insert(u128::from_le_bytes(b));
        }
        Ok(())
    }
}

/// Exact dedup decided elsewhere (a shuffle over the whole corpus, first copy in input order
/// kept): the records of this input file that are duplicates. It drops exactly those, with the
/// reason `ExactDedup` gives, so counts and output are those of the local run.
pub struct ExactDecided {
    pub duplicates: std::sync::Arc<HashSet<u64>>,
}

impl OrderedStage for ExactDecided {
    fn keyer(&self) -> Keyer {
        // The key is the record number: the decision is already made per record.
        std::sync::Arc::new(|doc: &Document| u128::from(doc.source.record))
    }

    fn decide(&mut self, record: u128) -> Result<Verdict, StageError> {
        let duplicate = u64::try_from(record).is_ok_and(|r| self.duplicates.contains(&r));
        Ok(if duplicate {
            Verdict::Drop(DUPLICATE)
        } else {
            Verdict::Keep
        })
    }

    fn save_delta(&mut self, _out: &mut Vec<u8>) {}

    fn load_delta(&mut self, _data: &[u8]) -> Result<(), String> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::test_doc as doc;

    impl ExactDedup {
        fn process(&mut self, doc: &mut Document) -> Result<Verdict, StageError> {
            let key = self.keyer()(doc);
            self.decide(key)
        }
    }

    #[test]
    fn keeps_first_and_drops_normalised_duplicates() {
        let mut d = ExactDedup::new(ExactDedupConfig::default());
        assert_eq!(d.process(&mut doc("Hello  World\n")).unwrap(), Verdict::Keep);
        assert_eq!(d.process(&mut doc("hello world")).unwrap(), Verdict::Drop(DUPLICATE));
        assert_eq!(d.process(&mut doc("hello world!")).unwrap(), Verdict::Keep);
    }

    #[test]
    fn state_survives_a_checkpoint() {
        let mut a = ExactDedup::new(ExactDedupConfig::default());
        a.process(&mut doc("one")).unwrap();
        let mut saved = Vec::new();
        a.save_delta(&mut saved);
        let mut b = ExactDedup::new(ExactDedupConfig::default());
        b.load_delta(&saved).unwrap();
        assert_eq!(b.process(&mut doc("ONE")).unwrap(), Verdict::Drop(DUPLICATE));
        assert!(b.load_delta(&[1, 2, 3]).is_err());
    }

    #[test]
    fn key_is_the_hash_of_the_normalised_text() {
        for config in [
            ExactDedupConfig::default(),
            ExactDedupConfig {
                lowercase: false,
                collapse_whitespace: false,
            },
        ] {
            let text = format!("  Ünïcode ΣΑΣ \u{a0}\u{b}\t{}\nEnd\u{3000}x ", "Word İ ".repeat(5000));
            let normalised = normalize(&text, &config);
            assert_eq!(key(&text, &config), xxhash_rust::xxh3::xxh3_128(normalised.as_bytes()));
            // The reference definition: split on Unicode whitespace, lower-case each character.
            let reference: String = if config.collapse_whitespace {
                let words: Vec<String> = text
                    .split_whitespace()
                    .map(|w| w.chars().flat_map(char::to_lowercase).collect())
                    .collect();
                words.join(" ")
            } else {
                text.clone()
            };
            assert_eq!(normalised, reference);
        }
        assert_eq!(normalize("  ÀB  c\n", &ExactDedupConfig::default()), "àb c");
    }

    proptest::proptest! {
        #[test]
        fn normalisation_matches_split_whitespace_definition(text in "\\PC{0,60}|[ \t\naAÀßİΣ]{0,30}") {
            let c = ExactDedupConfig::default();
            let words: Vec<String> = text.split_whitespace().map(|w| w.chars().flat_map(char::to_lowercase).collect()).collect();
            let once = normalize(&text, &c);
            proptest::prop_assert_eq!(&once, &words.join(" "));
            proptest::prop_assert_eq!(key(&text, &c), xxhash_rust::xxh3::xxh3_128(once.as_bytes()));
        }
    }

    #[test]
    fn normalisation_is_idempotent() {
        let c = ExactDedupConfig::default();
        let once = normalize("  A\tB \n C ", &c);
        assert_eq!(once, "a b c");
        assert_eq!(normalize(&once, &c), once);
    }
}
