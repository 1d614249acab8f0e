//! `apply`, the one place a stage runs: it counts documents, bytes, tokens, signals and removed
//! lines for the stage, and turns a panic into that document's error.

use super::build::StageInfo;
use crate::document::Document;
use crate::error::Error;
use crate::insights::BatchInsights;
use crate::stage::{Stage, StageError, Verdict};
use crate::stats::{Histogram, StageStats};
use crate::tokens::{Encoding, Tally};
use std::collections::BTreeMap;
use std::time::Instant;

/// A document's token counts as it goes through the stages, and the encodings to count.
pub(crate) struct Meter<'a> {
    pub encodings: &'a [Encoding],
    pub tally: Tally,
}

impl Meter<'_> {
    /// Add the document's token counts to `into` (counting again only if its text changed), and
    /// the time that took to `seconds`.
    pub fn add_to(&mut self, doc: &Document, into: &mut BTreeMap<String, u64>, seconds: &mut f64) {
        let t = Instant::now();
        if let Some(counts) = self.tally.current(doc.text(), self.encodings) {
            add_counts(self.encodings, counts, into);
        }
        *seconds += t.elapsed().as_secs_f64();
    }

    /// Write the current counts to `metadata.tokens`.
    pub fn stamp(&mut self, doc: &mut Document) {
        if let Some(counts) = self.tally.current(doc.text(), self.encodings) {
            doc.set_tokens(crate::tokens::to_map(self.encodings, counts));
        }
    }
}

/// `into[encoding name] += count`, per encoding.
pub(crate) fn add_counts(encodings: &[Encoding], counts: &[u64], into: &mut BTreeMap<String, u64>) {
    for (e, c) in encodings.iter().zip(counts) {
        *into.entry(e.name().to_string()).or_default() += c;
    }
}

/// Put the stage's signals of this document into its histograms; outside annotate mode, take them
/// out of the metadata again (they were computed for the report only).
fn harvest_signals(stage: &StageInfo, stats: &mut StageStats, doc: &mut Document) {
    for spec in &stage.specs {
        let value = if spec.metadata_key {
            doc.metadata.get(spec.name).and_then(serde_json::Value::as_f64)
        } else {
            doc.signal(stage.signal_key, spec.name)
        };
        if let Some(v) = value {
            stats
                .histograms
                .entry(spec.name.to_string())
                .or_insert_with(|| Histogram::new(spec))
                .add(v);
        }
    }
    if !stage.annotate {
        doc.remove_signals(stage.signal_key);
    }
}

/// `stage.process(doc)`, with a panic turned into this document's error (kind `panic`): a bug
/// met by one record must not take the worker, and with it the run, down.
pub(crate) fn process_guarded(stage: &dyn Stage, doc: &mut Document) -> Result<Verdict, StageError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| stage.process(doc))).unwrap_or_else(|payload| {
        Err(StageError {
            kind: "panic",
            message: format!(
                "internal error (please report it with this record): {}",
                crate::error::panic_message(payload.as_ref())
            ),
        })
    })
}

/// Run one stage on one document, counting; Ok(Some(reason)) = drop, Ok(None) = continue.
pub(crate) fn apply(
    stage: &StageInfo,
    stats: &mut StageStats,
    doc: &mut Document,
    meter: &mut Meter<'_>,
    insights: &mut BatchInsights,
    f: impl FnOnce(&mut Document) -> Result<Verdict, StageError>,
) -> Result<Option<&'static str>, StageError> {
    let (name, annotate) = (stage.name.as_str(), stage.annotate);
    meter.add_to(doc, &mut stats.tokens_in, &mut stats.tokens_seconds);
    let t = Instant::now();
    stats.docs_in += 1;
    stats.bytes_in += doc.byte_len() as u64;
    let lines_before = doc.removed_lines_len();
    let verdict = f(doc);
    stats.seconds += t.elapsed().as_secs_f64();
    harvest_signals(stage, stats, doc);
    if doc.removed_lines_len() > lines_before {
        let site = crate::clean::site_lines::site_name(doc);
        for entry in doc.removed_lines().into_iter().skip(lines_before) {
            let reason = entry.reason.unwrap_or("unknown");
            // Stored as `stage.reason`; the stats are already per stage.
            let reason = reason.split_once('.').map_or(reason, |(_, r)| r);
            *stats.lines_removed.entry(reason.to_string()).or_default() += 1;
            if let Some(line) = entry.line {
                insights.count_line(&site, line);
            }
        }
    }
    match verdict {
        Ok(Verdict::Keep) => {
            stats.kept += 1;
            stats.bytes_kept += doc.byte_len() as u64;
            meter.add_to(doc, &mut stats.tokens_kept, &mut stats.tokens_seconds);
            Ok(None)
        }
        Ok(Verdict::Drop(reason)) if annotate => {
            *stats.flagged.entry(reason.to_string()).or_default() += 1;
            stats.kept += 1;
            stats.bytes_kept += doc.byte_len() as u64;
            meter.add_to(doc, &mut stats.tokens_kept, &mut stats.tokens_seconds);
            doc.flag(format!("{name}.{reason}"));
            Ok(None)
        }
        Ok(Verdict::Drop(reason)) => {
            *stats.dropped.entry(reason.to_string()).or_default() += 1;
            Ok(Some(reason))
        }
        Err(e) => {
            *stats.errors.entry(e.kind.to_string()).or_default() += 1;
            Err(e)
        }
    }
}

/// The error kind counted in the stats and the report.
pub(crate) fn error_kind(e: &Error) -> &'static str {
    match e {
        Error::Record { kind, .. } => kind,
        Error::Io { .. } => "io",
        Error::Config(_) => "config",
        Error::Fatal(_) => "fatal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Panics;

    impl Stage for Panics {
        fn process(&self, doc: &mut Document) -> Result<Verdict, StageError> {
            panic!("slice index {} out of range", doc.text().map_or(0, str::len) + 7);
        }
    }

    #[test]
    fn a_panicking_stage_is_the_documents_error() {
        let source = crate::document::Source {
            file: "in.jsonl".into(),
            record: 0,
            offset: Some(0),
        };
        let mut doc = Document::new_text("d1", "some text", source);
        let e = process_guarded(&Panics, &mut doc).err();
        let e = e.map(|e| (e.kind, e.message));
        assert_eq!(
            e,
            Some((
                "panic",
                "internal error (please report it with this record): slice index 16 out of range".to_string()
            ))
        );
    }
}
