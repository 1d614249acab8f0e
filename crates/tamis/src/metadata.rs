//! Typed access to the metadata keys that stages and drivers share. Metadata stays one ordered JSON
//! map (inputs bring arbitrary keys, and the output writes them back in order), but the keys one
//! stage writes and another reads are spelled here only.

use crate::document::Document;
use serde_json::{Map, Value};

/// The shared metadata keys.
pub mod keys {
    /// Language label (`fr`, `zh`), written by `language`.
    pub const LANGUAGE: &str = "language";
    /// Its fastText score in [0, 1].
    pub const LANGUAGE_SCORE: &str = "language_score";
    /// `{encoding: count}` of the final text, written by the runner.
    pub const TOKENS: &str = "tokens";
    /// `[{line, reason, at?}]`: lines the cleaning stages removed, with their `stage.reason`.
    pub const REMOVED_LINES: &str = "removed_lines";
    /// `{stage: {signal: value}}`, in annotate mode.
    pub const SIGNALS: &str = "signals";
    /// `[stage.reason]`: verdicts recorded but not applied (annotate mode).
    pub const FLAGGED_BY: &str = "flagged_by";
    /// The `stage.reason` that removed a document (output only).
    pub const REMOVED_BY: &str = "removed_by";
    /// `file:record` of the input (output only).
    pub const ORIGIN: &str = "origin";
    /// `minhash_dedup`: the cluster's id (its kept document) and size.
    pub const MINHASH_CLUSTER_ID: &str = "minhash_cluster_id";
    pub const MINHASH_CLUSTER_SIZE: &str = "minhash_cluster_size";
}

/// One entry of `metadata.removed_lines`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RemovedLine<'a> {
    pub line: Option<&'a str>,
    /// `stage.reason`.
    pub reason: Option<&'a str>,
    /// Index among the text's non-blank lines when the stage knows it (`clean_lines`).
    pub at: Option<u64>,
}

impl<'a> RemovedLine<'a> {
    fn from_value(v: &'a Value) -> Self {
        RemovedLine {
            line: v.get("line").and_then(Value::as_str),
            reason: v.get("reason").and_then(Value::as_str),
            at: v.get("at").and_then(Value::as_u64),
        }
    }
}

impl Document {
    /// `metadata.language`, when set and not empty.
    pub fn language(&self) -> Option<&str> {
        self.metadata
            .get(keys::LANGUAGE)
            .and_then(Value::as_str)
            .filter(|l| !l.is_empty())
    }

    pub fn language_score(&self) -> Option<f64> {
        self.metadata.get(keys::LANGUAGE_SCORE).and_then(Value::as_f64)
    }

    /// Set the language label and score (a score that is not a finite number is written as null).
    pub fn set_language(&mut self, label: &str, score: f64) {
        self.metadata.insert(keys::LANGUAGE.into(), label.into());
        self.metadata.insert(keys::LANGUAGE_SCORE.into(), score.into());
    }

    /// The lines removed so far, in removal order.
    pub fn removed_lines(&self) -> Vec<RemovedLine<'_>> {
        match self.metadata.get(keys::REMOVED_LINES) {
            Some(Value::Array(list)) => list.iter().map(RemovedLine::from_value).collect(),
            _ => Vec::new(),
        }
    }

    /// Number of removed lines recorded (cheaper than `removed_lines().len()`).
    pub fn removed_lines_len(&self) -> usize {
        match self.metadata.get(keys::REMOVED_LINES) {
            Some(Value::Array(list)) => list.len(),
            _ => 0,
        }
    }

    /// Append removed lines (each `{line, reason, at?}`).
    pub fn push_removed_lines(&mut self, entries: impl IntoIterator<Item = (String, String, Option<u64>)>) {
        let mut entries = entries.into_iter().peekable();
        if entries.peek().is_none() {
            return;
        }
        let list = self
            .metadata
            .entry(keys::REMOVED_LINES)
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(a) = list {
            for (line, reason, at) in entries {
                let mut o = Map::new();
                o.insert("line".into(), line.into());
                o.insert("reason".into(), reason.into());
                if let Some(at) = at {
                    o.insert("at".into(), at.into());
                }
                a.push(Value::Object(o));
            }
        }
    }

    /// `metadata.signals.<stage>.<name>` as a number.
    pub fn signal(&self, stage: &str, name: &str) -> Option<f64> {
        self.metadata
            .get(keys::SIGNALS)?
            .get(stage)?
            .get(name)
            .and_then(Value::as_f64)
    }

    /// Write a stage's signals to `metadata.signals.<stage>`, keeping other stages' entries.
    pub fn set_signals(&mut self, stage: &str, signals: Map<String, Value>) {
        let all = self
            .metadata
            .entry(keys::SIGNALS)
            .or_insert_with(|| Value::Object(Map::new()));
        if !all.is_object() {
            *all = Value::Object(Map::new());
        }
        if let Value::Object(all) = all {
            all.insert(stage.to_string(), Value::Object(signals));
        }
    }

    /// Take a stage's signals out again (and `signals` when it is left empty).
    pub fn remove_signals(&mut self, stage: &str) {
        if let Some(Value::Object(all)) = self.metadata.get_mut(keys::SIGNALS) {
            all.remove(stage);
            if all.is_empty() {
                self.metadata.remove(keys::SIGNALS);
            }
        }
    }

    /// Set `metadata.tokens`.
    pub fn set_tokens(&mut self, counts: Map<String, Value>) {
        self.metadata.insert(keys::TOKENS.into(), Value::Object(counts));
    }

    /// `metadata.tokens` in the order written (the first is the report's main count).
    pub fn tokens(&self) -> Vec<(String, u64)> {
        match self.metadata.get(keys::TOKENS) {
            Some(Value::Object(m)) => m
                .iter()
                .filter_map(|(k, v)| v.as_u64().map(|n| (k.clone(), n)))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Set `minhash_dedup`'s cluster id (its kept document's number; -1 for a cluster of one) and size.
    pub fn set_minhash_cluster(&mut self, id: i64, size: u64) {
        self.metadata.insert(keys::MINHASH_CLUSTER_ID.into(), id.into());
        self.metadata.insert(keys::MINHASH_CLUSTER_SIZE.into(), size.into());
    }

    /// `metadata.origin` as (file, record), for a document read back from tamis output
    /// (`file#record`; `file:record` as tamis wrote it before 2026-12).
    pub fn origin(&self) -> Option<(&str, u64)> {
        let (file, record) = self.metadata.get(keys::ORIGIN)?.as_str()?.rsplit_once(['#', ':'])?;
        Some((file, record.parse().ok()?))
    }

    /// Whether the input already carried a `removed_by` (its line then cannot take a spliced one).
    pub fn has_removed_by(&self) -> bool {
        self.metadata.contains_key(keys::REMOVED_BY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::test_doc;

    #[test]
    fn removed_lines_round_trip_with_and_without_position() {
        let mut d = test_doc("x");
        assert_eq!(d.removed_lines_len(), 0);
        d.push_removed_lines([
            ("Partagez".to_string(), "clean_lines.furniture".to_string(), Some(3)),
            ("[1]".to_string(), "c4_quality.citation".to_string(), None),
        ]);
        let lines = d.removed_lines();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].line, Some("Partagez"));
        assert_eq!(lines[0].at, Some(3));
        assert_eq!(lines[1].reason, Some("c4_quality.citation"));
        assert_eq!(lines[1].at, None);
        assert_eq!(
            serde_json::to_string(&d.metadata).unwrap(),
            r#"{"removed_lines":[{"line":"Partagez","reason":"clean_lines.furniture","at":3},{"line":"[1]","reason":"c4_quality.citation"}]}"#
        );
    }

    #[test]
    fn signals_are_kept_per_stage_and_removed_when_empty() {
        let mut d = test_doc("x");
        let mut s = Map::new();
        s.insert("ratio".into(), 0.25.into());
        d.set_signals("gopher_quality", s.clone());
        d.set_signals("fineweb_quality", s);
        assert_eq!(d.signal("gopher_quality", "ratio"), Some(0.25));
        d.remove_signals("gopher_quality");
        assert_eq!(d.signal("gopher_quality", "ratio"), None);
        assert_eq!(d.signal("fineweb_quality", "ratio"), Some(0.25));
        d.remove_signals("fineweb_quality");
        assert!(!d.metadata.contains_key(keys::SIGNALS));
    }

    #[test]
    fn language_is_read_back() {
        let mut d = test_doc("x");
        assert_eq!(d.language(), None);
        d.set_language("fr", 0.93);
        assert_eq!((d.language(), d.language_score()), (Some("fr"), Some(0.93)));
    }
}
