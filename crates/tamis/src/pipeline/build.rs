//! Building stages from their configs: the registry's one `build` arm per stage, stage names, and
//! the corpus-wide state a stage may need (passed in explicitly, never gathered here).

use crate::clean::{CleanLines, SiteLines};
use crate::config::{PipelineConfig, StageConfig};
use crate::dedup::ExactDedup;
use crate::error::{Error, Result};
use crate::filters::{C4Quality, FineWebQuality, GopherQuality, GopherRepetition, Language, Length, Payload, Pii};
use crate::stage::{Keyer, OrderedStage, SignalSpec, Stage};
use std::sync::Arc;

/// Corpus-wide state that per-document stages consult, built by a pass over the corpus before
/// them (the local runner's first pass, or a shuffle on a cluster) and handed to
/// [`Pipeline::build`](super::Pipeline::build).
#[derive(Debug, Clone, Default)]
pub struct CorpusState {
    /// Site-frequent lines for `clean_lines` with `site_lines = true`. Without it that rule is off.
    pub site_lines: Option<Arc<SiteLines>>,
    /// Exact dedup decided over the whole corpus by a driver: the records of the one input file
    /// this pipeline processes that are duplicates. `exact_dedup` then applies these decisions.
    pub exact_duplicates: Option<Arc<std::collections::HashSet<u64>>>,
}

pub(crate) enum StageImpl {
    Parallel(Box<dyn Stage>),
    /// The stage and its keyer, taken once at build time.
    Ordered(Box<dyn OrderedStage>, Keyer),
}

pub(crate) struct BuiltStage {
    pub info: StageInfo,
    pub imp: StageImpl,
}

/// What `apply` needs to know of a stage besides running it (apart from `imp`, so that an ordered
/// stage can be borrowed mutably while it is applied).
pub(crate) struct StageInfo {
    /// Report name: the type, numbered from the second of a kind (`clean_lines_2`).
    pub name: String,
    /// Index in the run's stats: 0 is the reader, stage `i` of the config is `i + 1`.
    pub slot: usize,
    pub annotate: bool,
    /// Where the stage writes its signals (`metadata.signals.<key>`): its type name.
    pub signal_key: &'static str,
    /// Signals counted into histograms (empty when the report's histograms are off).
    pub specs: Vec<SignalSpec>,
}

fn ordered(stage: impl OrderedStage + 'static) -> StageImpl {
    let keyer = stage.keyer();
    StageImpl::Ordered(Box::new(stage), keyer)
}

/// Build one stage from its config (one arm per stage). `annotate`: the stage writes every signal
/// to the metadata (annotate mode and the report's histograms).
pub(crate) fn build_stage(config: &StageConfig, annotate: bool, state: &CorpusState) -> Result<StageImpl> {
    Ok(match config {
        StageConfig::Payload(c) => StageImpl::Parallel(Box::new(Payload::new(c.clone()))),
        StageConfig::Extract(c) => StageImpl::Parallel(Box::new(crate::html::Extract::new(c.clone()))),
        StageConfig::Length(c) => StageImpl::Parallel(Box::new(Length::new(c.clone()))),
        StageConfig::CleanLines(c) => {
            let index = state.site_lines.clone().filter(|_| c.site_lines);
            StageImpl::Parallel(Box::new(CleanLines::new(c.clone(), index)))
        }
        StageConfig::GopherRepetition(c) => StageImpl::Parallel(Box::new(GopherRepetition::new(c.clone(), annotate))),
        StageConfig::GopherQuality(c) => StageImpl::Parallel(Box::new(GopherQuality::new(c.clone(), annotate))),
        StageConfig::C4Quality(c) => StageImpl::Parallel(Box::new(C4Quality::new(c.clone(), annotate))),
        StageConfig::FineWebQuality(c) => StageImpl::Parallel(Box::new(FineWebQuality::new(c.clone(), annotate))),
        StageConfig::Language(c) => StageImpl::Parallel(Box::new(
            Language::new(c.clone()).map_err(|e| Error::Config(format!("stage language: {e}")))?,
        )),
        StageConfig::Pii(c) => StageImpl::Parallel(Box::new(
            Pii::new(c.clone()).map_err(|e| Error::Config(format!("stage pii: {e}")))?,
        )),
        StageConfig::ExactDedup(c) => match &state.exact_duplicates {
            Some(d) => ordered(crate::dedup::ExactDecided { duplicates: d.clone() }),
            None => ordered(ExactDedup::new(c.clone())),
        },
        // Not a per-document stage: drivers run it after every document has been seen.
        StageConfig::MinhashDedup(_) => {
            return Err(Error::Config(
                "minhash_dedup must be the last stage (it runs after every document has been seen)".into(),
            ))
        }
    })
}

/// The report names of `config`'s stages, `read` first: a stage's type, numbered from the second
/// stage of the same type on (`clean_lines`, `clean_lines_2`).
pub fn stage_names(config: &PipelineConfig) -> Vec<String> {
    let mut names = vec!["read".to_string()];
    for entry in &config.stages {
        let base = entry.config.type_name();
        let count = names
            .iter()
            .filter(|n| *n == base || n.starts_with(&format!("{base}_")))
            .count();
        names.push(if count == 0 {
            base.to_string()
        } else {
            format!("{base}_{}", count + 1)
        });
    }
    names
}

/// Build the stages `range` of `config` (indices into `config.stages`; `minhash_dedup` excluded).
pub(crate) fn build_stages(
    config: &PipelineConfig,
    range: std::ops::Range<usize>,
    state: &CorpusState,
) -> Result<Vec<BuiltStage>> {
    let names = stage_names(config);
    let mut stages = Vec::new();
    for i in range {
        let entry = &config.stages[i];
        let imp = build_stage(&entry.config, entry.annotate || config.report.signals, state)?;
        let specs = match &imp {
            StageImpl::Parallel(s) if config.report.signals => s.signal_specs(),
            _ => Vec::new(),
        };
        stages.push(BuiltStage {
            info: StageInfo {
                name: names[i + 1].clone(),
                slot: i + 1,
                annotate: entry.annotate,
                signal_key: entry.config.type_name(),
                specs,
            },
            imp,
        });
    }
    Ok(stages)
}

/// A stage built for `tamis explain`: per-document stages only (`None` = an ordered or global stage).
pub(crate) struct ExplainStage {
    pub name: String,
    pub stage: Option<Box<dyn Stage>>,
}

/// Build every stage of `config` with its signals recorded, for `tamis explain`.
pub(crate) fn build_for_explain(config: &PipelineConfig, state: &CorpusState) -> Result<Vec<ExplainStage>> {
    let names = stage_names(config);
    let mut out = Vec::new();
    for (i, entry) in config.stages.iter().enumerate() {
        let stage = match &entry.config {
            StageConfig::MinhashDedup(_) => None,
            other => match build_stage(other, true, state)? {
                StageImpl::Parallel(s) => Some(s),
                StageImpl::Ordered(..) => None,
            },
        };
        out.push(ExplainStage {
            name: names[i + 1].clone(),
            stage,
        });
    }
    Ok(out)
}
