//! Token counts with OpenAI's BPE vocabularies (o200k_base, cl100k_base), for the funnel and per
//! document.
//!
//! Counting uses `bpe-openai` (GitHub's `bpe` crate with the two vocabularies compiled in: no
//! download at run time), which reproduces tiktoken's pre-tokenisation and merges;
//! `bench/tokens_check.py` compares its totals with OpenAI's `tiktoken` on the same texts.
//!
//! BPE is the costliest thing the runner does for the report (≈ 5–8 MB/s per encoding and core on
//! web text here), so a document is counted only when its text changed since the last count: once
//! on entry and once after each transform that rewrote it.

use serde::{Deserialize, Serialize};

/// A tokenizer vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// GPT-4o's vocabulary.
    O200k,
    /// GPT-4's and GPT-3.5's vocabulary.
    Cl100k,
}

impl Encoding {
    /// Every encoding, in the order of `metadata.tokens`' fields in the Arrow/Parquet schema.
    pub const ALL: [Encoding; 2] = [Encoding::O200k, Encoding::Cl100k];

    pub fn name(self) -> &'static str {
        match self {
            Encoding::O200k => "o200k",
            Encoding::Cl100k => "cl100k",
        }
    }

    /// Number of tokens of `text` (no special tokens).
    pub fn count(self, text: &str) -> u64 {
        let tokenizer = match self {
            Encoding::O200k => bpe_openai::o200k_base(),
            Encoding::Cl100k => bpe_openai::cl100k_base(),
        };
        tokenizer.count(text) as u64
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TokensConfig {
    /// Encodings counted per document (`metadata.tokens`) and per stage (stats); empty = off.
    pub encodings: Vec<Encoding>,
}

impl Default for TokensConfig {
    fn default() -> Self {
        TokensConfig {
            encodings: vec![Encoding::O200k, Encoding::Cl100k],
        }
    }
}

/// The token counts of one document's text, recounted only when the text changed.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Length and hash of the text the counts belong to.
    counted: Option<(usize, u64)>,
    counts: Vec<u64>,
}

impl Tally {
    /// Counts of `text` per encoding, in `encodings` order; `None` for a raw (not yet text) body.
    pub fn current(&mut self, text: Option<&str>, encodings: &[Encoding]) -> Option<&[u64]> {
        let text = text?;
        if encodings.is_empty() {
            return None;
        }
        // Hashing is ~1000× cheaper than BPE: it decides whether a transform changed the text.
        let print = (text.len(), xxhash_rust::xxh3::xxh3_64(text.as_bytes()));
        if self.counted != Some(print) {
            self.counts.clear();
            self.counts.extend(encodings.iter().map(|e| e.count(text)));
            self.counted = Some(print);
        }
        Some(&self.counts)
    }
}

impl Tally {
    /// What a staged document carries over to the next pass: the print of the counted text and
    /// the counts (so that the next pass does not count the same text again).
    pub(crate) fn parts(&self) -> (Option<(usize, u64)>, &[u64]) {
        (self.counted, &self.counts)
    }

    pub(crate) fn from_parts(counted: Option<(usize, u64)>, counts: Vec<u64>) -> Self {
        Tally { counted, counts }
    }
}

/// `{"o200k": n, ...}` for metadata and stats.
pub fn to_map(encodings: &[Encoding], counts: &[u64]) -> serde_json::Map<String, serde_json::Value> {
    encodings
        .iter()
        .zip(counts)
        .map(|(e, c)| (e.name().to_string(), serde_json::Value::from(*c)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_known_strings() {
        // "hello world" is two tokens in both vocabularies (tiktoken: [15339, 1917] / [24912, 2375]).
        assert_eq!(Encoding::Cl100k.count("hello world"), 2);
        assert_eq!(Encoding::O200k.count("hello world"), 2);
        assert_eq!(Encoding::O200k.count(""), 0);
    }

    #[test]
    fn all_lists_every_encoding_once() {
        // Adding a variant breaks this match: add it to `ALL` too (it becomes an Arrow column).
        for e in Encoding::ALL {
            match e {
                Encoding::O200k | Encoding::Cl100k => {}
            }
        }
        let names: std::collections::BTreeSet<_> = Encoding::ALL.iter().map(|e| e.name()).collect();
        assert_eq!(names.len(), Encoding::ALL.len());
    }

    #[test]
    fn tally_recounts_only_changed_text() {
        let encs = [Encoding::O200k];
        let mut t = Tally::default();
        let a = t.current(Some("one two three"), &encs).map(<[u64]>::to_vec);
        assert_eq!(a, Some(vec![3]));
        assert_eq!(t.current(Some("one two"), &encs).map(<[u64]>::to_vec), Some(vec![2]));
        assert_eq!(t.current(None, &encs), None);
        assert_eq!(t.current(Some("x"), &[]), None);
    }
}
