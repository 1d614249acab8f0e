//! Pipeline configuration: a TOML file, CLI flags, or the built-in default all produce a `PipelineConfig`.

use crate::clean::CleanLinesConfig;
use crate::dedup::{ExactDedupConfig, MinhashConfig};
use crate::error::{Error, Result};
use crate::filters::{
    C4QualityConfig, FineWebQualityConfig, GopherQualityConfig, GopherRepetitionConfig, LanguageConfig, LengthConfig,
    PayloadConfig, PiiConfig,
};
use crate::readers::InputConfig;
use crate::writers::OutputConfig;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// Every stage, by its config `type`. One variant per stage; `pipeline::build_stage` matches exhaustively.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StageConfig {
    Payload(PayloadConfig),
    Extract(crate::html::ExtractConfig),
    Length(LengthConfig),
    CleanLines(CleanLinesConfig),
    Language(LanguageConfig),
    GopherRepetition(GopherRepetitionConfig),
    GopherQuality(GopherQualityConfig),
    C4Quality(C4QualityConfig),
    #[serde(rename = "fineweb_quality")]
    FineWebQuality(FineWebQualityConfig),
    Pii(PiiConfig),
    ExactDedup(ExactDedupConfig),
    MinhashDedup(MinhashConfig),
}

/// How a stage runs: per document on any worker, or in input order on one thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    Filter,
    Transform,
    Ordered,
    /// Decided once every document has been seen: must be the last stage; the final shards are
    /// written after it.
    Global,
}

/// One row of the stage registry: everything about a stage that is not its config or its build arm.
#[derive(Debug, Clone, Copy)]
pub struct StageSpec {
    /// The config `type`.
    pub name: &'static str,
    pub kind: StageKind,
    /// One line for `tamis stages` and the docs.
    pub summary: &'static str,
    /// An example config (docs and the compliance test).
    pub example: fn() -> StageConfig,
}

/// The stage registry, in the order `tamis stages` lists them. A test checks that it names every
/// `StageConfig` variant once and that each example has its row's type.
pub const STAGES: &[StageSpec] = &[
    StageSpec {
        name: "payload",
        kind: StageKind::Filter,
        summary: "removes raw records that can never become text (images, PDF, binaries) and non-2xx HTTP responses",
        example: || StageConfig::Payload(PayloadConfig::example()),
    },
    StageSpec {
        name: "extract",
        kind: StageKind::Transform,
        summary: "turns HTML payloads (WARC responses, .html files) into main-content text with page metadata; removes non-HTML payloads",
        example: || StageConfig::Extract(crate::html::ExtractConfig::example()),
    },
    StageSpec {
        name: "length",
        kind: StageKind::Filter,
        summary: "removes documents outside min/max characters or words",
        example: || StageConfig::Length(LengthConfig::example()),
    },
    StageSpec {
        name: "clean_lines",
        kind: StageKind::Transform,
        summary: "removes page furniture (multilingual), C4-rule lines and site-frequent lines; records each removed line",
        example: || StageConfig::CleanLines(CleanLinesConfig::example()),
    },
    StageSpec {
        name: "language",
        kind: StageKind::Filter,
        summary: "fastText lid.176 language label and score into metadata; keeps wanted languages above their score threshold",
        example: || StageConfig::Language(LanguageConfig::example()),
    },
    StageSpec {
        name: "gopher_repetition",
        kind: StageKind::Filter,
        summary: "datatrove's GopherRepetitionFilter: duplicate lines/paragraphs and repeated n-grams (FineWeb-2 per language)",
        example: || StageConfig::GopherRepetition(GopherRepetitionConfig::example()),
    },
    StageSpec {
        name: "gopher_quality",
        kind: StageKind::Filter,
        summary: "datatrove's GopherQualityFilter: word counts and lengths, symbols, bullets, alphabetic words, stop words",
        example: || StageConfig::GopherQuality(GopherQualityConfig::example()),
    },
    StageSpec {
        name: "c4_quality",
        kind: StageKind::Transform,
        summary: "datatrove's C4QualityFilter: drops C4-rule lines, then documents with lorem ipsum, curly brackets or too few sentences",
        example: || StageConfig::C4Quality(C4QualityConfig::example()),
    },
    StageSpec {
        name: "fineweb_quality",
        kind: StageKind::Filter,
        summary: "datatrove's FineWebQualityFilter: line punctuation, short lines, duplicated-line characters, list ratio",
        example: || StageConfig::FineWebQuality(FineWebQualityConfig::example()),
    },
    StageSpec {
        name: "pii",
        kind: StageKind::Transform,
        summary: "masks emails and public IPs as datatrove's PIIFormatter, plus validated phone numbers, IBANs and card numbers",
        example: || StageConfig::Pii(PiiConfig::example()),
    },
    StageSpec {
        name: "exact_dedup",
        kind: StageKind::Ordered,
        summary: "removes exact duplicates of normalised text, keeping the first in input order",
        example: || StageConfig::ExactDedup(ExactDedupConfig::example()),
    },
    StageSpec {
        name: "minhash_dedup",
        kind: StageKind::Global,
        summary: "removes near-duplicates (MinHash LSH, FineWeb's parameters), one kept per cluster, optionally also against an index of earlier runs",
        example: || StageConfig::MinhashDedup(MinhashConfig::example()),
    },
];

impl StageConfig {
    /// The config `type` of this stage (its serde tag, as listed in [`STAGES`]).
    pub fn type_name(&self) -> &'static str {
        self.spec().map_or("unknown", |s| s.name)
    }

    /// How this stage runs.
    pub fn kind(&self) -> StageKind {
        self.spec().map_or(StageKind::Filter, |s| s.kind)
    }

    /// The stage's registry row.
    pub fn spec(&self) -> Option<&'static StageSpec> {
        let value = serde_json::to_value(self).ok()?;
        let tag = value.get("type")?.as_str()?;
        STAGES.iter().find(|s| s.name == tag)
    }

    /// One example config per stage, in registry order.
    pub fn examples() -> Vec<StageConfig> {
        STAGES.iter().map(|s| (s.example)()).collect()
    }
}

/// A stage in the pipeline: its config, plus `annotate = true` to record verdicts without dropping.
#[derive(Debug, Clone, PartialEq)]
pub struct StageEntry {
    pub config: StageConfig,
    pub annotate: bool,
}

impl StageEntry {
    pub fn new(config: StageConfig) -> Self {
        StageEntry {
            config,
            annotate: false,
        }
    }
}

impl<'de> Deserialize<'de> for StageEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        let mut value = Value::deserialize(d)?;
        let obj = value
            .as_object_mut()
            .ok_or_else(|| D::Error::custom("a stage must be a table"))?;
        let annotate = match obj.remove("annotate") {
            None => false,
            Some(Value::Bool(b)) => b,
            Some(_) => return Err(D::Error::custom("`annotate` must be true or false")),
        };
        let ty = obj.get("type").and_then(Value::as_str).map(str::to_string);
        let Some(ty) = ty else {
            return Err(D::Error::custom("a stage needs a `type` (see `tamis stages`)"));
        };
        if !STAGES.iter().any(|s| s.name == ty) {
            let known: Vec<_> = STAGES.iter().map(|s| s.name).collect();
            return Err(D::Error::custom(format!(
                "unknown stage type {ty:?}; known: {}",
                known.join(", ")
            )));
        }
        let config = check_unknown_fields(&ty, value).map_err(D::Error::custom)?;
        Ok(StageEntry { config, annotate })
    }
}

/// Deserialize a stage config, naming the stage and any unknown key.
fn check_unknown_fields(ty: &str, value: Value) -> std::result::Result<StageConfig, String> {
    let config: StageConfig = serde_json::from_value(value.clone()).map_err(|e| format!("stage {ty:?}: {e}"))?;
    // serde's internally tagged enums cannot deny unknown fields: compare against the re-serialised keys.
    let known = serde_json::to_value(&config).map_err(|e| e.to_string())?;
    if let (Some(given), Some(known)) = (value.as_object(), known.as_object()) {
        if let Some(bad) = given.keys().find(|k| !known.contains_key(*k)) {
            let fields: Vec<_> = known.keys().filter(|k| *k != "type").map(String::as_str).collect();
            return Err(format!(
                "stage {ty:?}: unknown key {bad:?}; known keys: {}",
                fields.join(", ")
            ));
        }
    }
    Ok(config)
}

impl Serialize for StageEntry {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut value = serde_json::to_value(&self.config).map_err(serde::ser::Error::custom)?;
        if let Some(obj) = value.as_object_mut() {
            obj.retain(|_, v| !v.is_null());
            if self.annotate {
                obj.insert("annotate".into(), Value::Bool(true));
            }
        }
        value.serialize(s)
    }
}

/// The whole pipeline: readers, stages in order, writers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineConfig {
    #[serde(default)]
    pub input: InputConfig,
    #[serde(default)]
    pub output: OutputConfig,
    /// Token counts per document and per stage.
    #[serde(default)]
    pub tokens: crate::tokens::TokensConfig,
    /// What `report.html` shows.
    #[serde(default)]
    pub report: crate::insights::ReportConfig,
    #[serde(default = "default_stages")]
    pub stages: Vec<StageEntry>,
}

impl Default for PipelineConfig {
    fn default() -> Self {
        PipelineConfig {
            input: InputConfig::default(),
            output: OutputConfig::default(),
            tokens: Default::default(),
            report: Default::default(),
            stages: default_stages(),
        }
    }
}

/// The built-in pipeline used when no config file is given: payload check (WARC), main-content
/// extraction of HTML payloads (WARC responses, `.html` files; text documents pass), line cleaning,
/// language, FineWeb's quality filters with FineWeb-2's per-language settings, PII, exact dedup.
/// C4's filter is not in it: its 3-word line rule removes titles and list items, and FineWeb-2
/// dropped it for multilingual data; add `c4_quality` (or `c4_lines` in `clean_lines`) to use it.
pub fn default_stages() -> Vec<StageEntry> {
    vec![
        StageEntry::new(StageConfig::Payload(PayloadConfig::default())),
        StageEntry::new(StageConfig::Extract(crate::html::ExtractConfig::default())),
        StageEntry::new(StageConfig::CleanLines(CleanLinesConfig::default())),
        StageEntry::new(StageConfig::Language(LanguageConfig::default())),
        StageEntry::new(StageConfig::GopherRepetition(GopherRepetitionConfig::default())),
        StageEntry::new(StageConfig::GopherQuality(GopherQualityConfig::default())),
        StageEntry::new(StageConfig::FineWebQuality(FineWebQualityConfig::default())),
        StageEntry::new(StageConfig::Pii(PiiConfig::default())),
        StageEntry::new(StageConfig::ExactDedup(ExactDedupConfig::default())),
    ]
}

impl PipelineConfig {
    /// Parse a TOML pipeline file's text.
    pub fn from_toml(text: &str) -> Result<Self> {
        let config: PipelineConfig = toml::from_str(text).map_err(|e| Error::Config(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Read and parse a TOML pipeline file.
    pub fn from_file(path: &std::path::Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::from_toml(&text).map_err(|e| match e {
            Error::Config(m) => Error::Config(format!("{}: {m}", path.display())),
            other => other,
        })
    }

    pub fn validate(&self) -> Result<()> {
        if self.output.shard_docs == 0 {
            return Err(Error::Config("output.shard_docs must be at least 1".into()));
        }
        for (i, entry) in self.stages.iter().enumerate() {
            let StageConfig::MinhashDedup(m) = &entry.config else {
                continue;
            };
            if i + 1 != self.stages.len() {
                return Err(Error::Config(
                    "minhash_dedup must be the last stage: it decides once every document has been seen".into(),
                ));
            }
            m.validate().map_err(Error::Config)?;
        }
        Ok(())
    }

    /// The resolved config as TOML (for `report.json` and `tamis run --print-config`).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_names_every_config_variant_once() {
        // serde lists every variant of the enum when it meets an unknown tag.
        let e = serde_json::from_value::<StageConfig>(serde_json::json!({"type": "?"})).unwrap_err();
        let message = e.to_string();
        let expected = message.split("expected one of ").nth(1).unwrap();
        let mut variants: Vec<&str> = expected.split(", ").map(|v| v.trim_matches('`')).collect();
        let mut listed: Vec<&str> = STAGES.iter().map(|s| s.name).collect();
        variants.sort_unstable();
        listed.sort_unstable();
        assert_eq!(variants, listed, "every StageConfig variant needs one STAGES row");
        for spec in STAGES {
            assert_eq!((spec.example)().type_name(), spec.name, "the example of {}", spec.name);
        }
    }

    #[test]
    fn parses_stages_and_annotate() {
        let c = PipelineConfig::from_toml(
            "[output]\nformat = \"jsonl\"\n[[stages]]\ntype = \"length\"\nmin_words = 3\nannotate = true\n[[stages]]\ntype = \"exact_dedup\"\n",
        )
        .unwrap();
        assert_eq!(c.stages.len(), 2);
        assert!(c.stages[0].annotate);
        assert_eq!(
            c.stages[0].config,
            StageConfig::Length(LengthConfig {
                min_words: Some(3),
                ..LengthConfig::default()
            })
        );
    }

    #[test]
    fn unknown_keys_and_types_are_named() {
        let e = PipelineConfig::from_toml("[[stages]]\ntype = \"length\"\nmin_wrds = 3\n").unwrap_err();
        assert!(e.to_string().contains("min_wrds"), "{e}");
        let e = PipelineConfig::from_toml("[[stages]]\ntype = \"lenght\"\n").unwrap_err();
        assert!(e.to_string().contains("lenght"), "{e}");
        let e = PipelineConfig::from_toml("[ouput]\nformat = \"jsonl\"\n").unwrap_err();
        assert!(e.to_string().contains("ouput"), "{e}");
        let e = PipelineConfig::from_toml("[input]\ntext_feld = \"x\"\n").unwrap_err();
        assert!(e.to_string().contains("text_feld"), "{e}");
    }

    #[test]
    fn the_readme_pipeline_example_parses() {
        let readme = include_str!("../../../README.md");
        let start = readme.find("```toml\n").unwrap() + 8;
        let end = start + readme[start..].find("```").unwrap();
        let c = PipelineConfig::from_toml(&readme[start..end]).unwrap();
        let types: Vec<_> = c.stages.iter().map(|s| s.config.type_name()).collect();
        assert_eq!(
            types,
            [
                "payload",
                "extract",
                "clean_lines",
                "language",
                "gopher_repetition",
                "gopher_quality",
                "fineweb_quality",
                "c4_quality",
                "pii",
                "exact_dedup"
            ]
        );
    }

    #[test]
    fn minhash_dedup_must_be_last() {
        let ok = PipelineConfig::from_toml(
            "[[stages]]\ntype = \"exact_dedup\"\n[[stages]]\ntype = \"minhash_dedup\"\nbands = 20\nrows = 13\nindex = \"idx\"\n",
        )
        .unwrap();
        assert!(matches!(&ok.stages[1].config, StageConfig::MinhashDedup(m) if m.bands == 20 && m.index.is_some()));
        let e = PipelineConfig::from_toml("[[stages]]\ntype = \"minhash_dedup\"\n[[stages]]\ntype = \"exact_dedup\"\n")
            .unwrap_err();
        assert!(e.to_string().contains("must be the last stage"), "{e}");
        let e =
            PipelineConfig::from_toml("[[stages]]\ntype = \"minhash_dedup\"\njaccard_threshold = 1.8\n").unwrap_err();
        assert!(e.to_string().contains("jaccard_threshold"), "{e}");
        let e =
            PipelineConfig::from_toml("[[stages]]\ntype = \"minhash_dedup\"\nmemory_limit = \"lots\"\n").unwrap_err();
        assert!(e.to_string().contains("memory_limit"), "{e}");
    }

    #[test]
    fn resolved_config_round_trips() {
        let c = PipelineConfig::default();
        let again = PipelineConfig::from_toml(&c.to_toml()).unwrap();
        assert_eq!(c, again);
    }
}
