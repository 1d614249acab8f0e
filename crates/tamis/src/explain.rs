//! `tamis explain`: run the pipeline's stages on one document and say, line by line and stage by
//! stage, what was kept, what was removed and why.
//!
//! Every stage runs with its signals recorded (as in annotate mode) and the document goes on through
//! every stage even after one would drop it, so all signals are shown; the verdict is the first drop.
//! Ordered stages (exact dedup) depend on the rest of the corpus and are reported as not evaluated.

use crate::config::PipelineConfig;
use crate::document::Document;
use crate::error::{Error, Result};
use crate::metadata::keys;
use crate::pipeline::{build_for_explain, site_index_serial, ExplainStage};
use crate::readers;
use crate::stage::Verdict;
use serde::Serialize;
use serde_json::Value;
use std::path::PathBuf;

/// One line of the original text.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExplainedLine {
    pub line: String,
    /// `stage.reason` that removed it; `None` = kept.
    pub removed_by: Option<String>,
}

/// One stage's outcome on the document.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExplainedStage {
    pub stage: String,
    /// `keep`, `drop`, `error` or `not_evaluated`.
    pub verdict: String,
    pub reason: Option<String>,
    pub lines_removed: usize,
    /// What the stage wrote into the metadata (signals, language, …).
    pub signals: Value,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Explanation {
    pub id: String,
    pub origin: String,
    pub url: Option<String>,
    pub lines: Vec<ExplainedLine>,
    pub stages: Vec<ExplainedStage>,
    /// `kept`, or the first `stage.reason` that drops the document.
    pub verdict: String,
    /// The text after every transform.
    pub final_text: Option<String>,
}

/// Explain the document `id` of `inputs` (the first document when `id` is `None`).
pub fn explain(config: &PipelineConfig, inputs: &[PathBuf], id: Option<&str>) -> Result<Explanation> {
    let (files, _) = readers::collect_inputs(inputs, config.input.format)?;
    let doc = find_document(config, &files, id)?;
    // Files are opened one at a time; one that cannot be read adds nothing to the index.
    let docs = files
        .iter()
        .flat_map(|f| readers::open(f, &config.input, None).flatten());
    let state = site_index_serial(config, docs)?;
    let stages = build_for_explain(config, &state)?;
    Ok(explain_document(&stages, doc))
}

fn find_document(config: &PipelineConfig, files: &[readers::InputFile], id: Option<&str>) -> Result<Document> {
    for file in files {
        for item in readers::open(file, &config.input, None) {
            match (item, id) {
                (Ok(doc), None) => return Ok(doc),
                // FILE#RECORD, or FILE:RECORD as older outputs' `origin` wrote it.
                (Ok(doc), Some(want))
                    if doc.id == want
                        || doc.source.to_string() == want
                        || format!("{}:{}", doc.source.file, doc.source.record) == want =>
                {
                    return Ok(doc)
                }
                // A broken record cannot be the one asked for unless nothing else is: keep looking.
                _ => {}
            }
        }
    }
    Err(Error::Fatal(match id {
        Some(id) => format!("no document with id {id:?} in the inputs (ids come from the JSONL `id` field, the WARC-Record-ID, or FILE#RECORD)"),
        None => "the inputs hold no readable document".into(),
    }))
}

pub(crate) fn explain_document(stages: &[ExplainStage], mut doc: Document) -> Explanation {
    let original = doc.text_lossy().into_owned();
    let mut lines: Vec<ExplainedLine> = original
        .split('\n')
        .map(|l| ExplainedLine {
            line: l.trim_end_matches('\r').to_string(),
            removed_by: None,
        })
        .collect();
    let mut verdict = "kept".to_string();
    let mut explained = Vec::new();
    for stage in stages {
        let Some(imp) = stage.stage.as_ref() else {
            explained.push(ExplainedStage {
                stage: stage.name.clone(),
                verdict: "not_evaluated".into(),
                reason: Some("needs the rest of the corpus".into()),
                lines_removed: 0,
                signals: Value::Null,
            });
            continue;
        };
        let before = doc.metadata.clone();
        let removed_before = removed_lines(&doc).len();
        let result = imp.process(&mut doc);
        let new_removed: Vec<(String, String)> = removed_lines(&doc)[removed_before..].to_vec();
        mark_removed(&mut lines, &new_removed);
        let (v, reason) = match result {
            Ok(Verdict::Keep) => ("keep", None),
            Ok(Verdict::Drop(r)) => ("drop", Some(r.to_string())),
            Err(e) => ("error", Some(format!("{}: {}", e.kind, e.message))),
        };
        if v != "keep" && verdict == "kept" {
            verdict = format!("{}.{}", stage.name, reason.as_deref().unwrap_or(""));
        }
        explained.push(ExplainedStage {
            stage: stage.name.clone(),
            verdict: v.into(),
            reason,
            lines_removed: new_removed.len(),
            signals: metadata_added(&before, &doc.metadata),
        });
    }
    Explanation {
        id: doc.id.clone(),
        origin: doc.source.to_string(),
        url: doc.url.clone(),
        lines,
        stages: explained,
        verdict,
        final_text: doc.text().map(str::to_string),
    }
}

fn removed_lines(doc: &Document) -> Vec<(String, String)> {
    doc.removed_lines()
        .into_iter()
        .map(|e| (e.line.unwrap_or("").to_string(), e.reason.unwrap_or("").to_string()))
        .collect()
}

/// Mark each removed line on the first still-kept original line with the same (trimmed) text, in
/// order: a later stage sees the lines an earlier one kept, in the same order.
fn mark_removed(lines: &mut [ExplainedLine], removed: &[(String, String)]) {
    let mut from = 0;
    for (text, reason) in removed {
        let want = text.trim();
        let found = (from..lines.len())
            .chain(0..from)
            .find(|&i| lines[i].removed_by.is_none() && lines[i].line.trim() == want);
        if let Some(i) = found {
            lines[i].removed_by = Some(reason.clone());
            from = i + 1;
        }
    }
}

/// The metadata keys a stage added or changed (except the removed-line list, shown per line).
fn metadata_added(before: &serde_json::Map<String, Value>, after: &serde_json::Map<String, Value>) -> Value {
    let mut out = serde_json::Map::new();
    for (k, v) in after {
        if k == keys::REMOVED_LINES {
            continue;
        }
        match (k.as_str(), before.get(k), v) {
            (keys::SIGNALS, Some(Value::Object(old)), Value::Object(new)) => {
                for (sk, sv) in new {
                    if old.get(sk) != Some(sv) {
                        out.insert(sk.clone(), sv.clone());
                    }
                }
            }
            (keys::SIGNALS, None, Value::Object(new)) => out.extend(new.clone()),
            (_, old, v) if old != Some(v) => {
                out.insert(k.clone(), v.clone());
            }
            _ => {}
        }
    }
    Value::Object(out)
}

/// Human-readable rendering: the lines, then the stages, then the verdict.
pub fn render(e: &Explanation) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "document {} ({}){}",
        e.id,
        e.origin,
        e.url.as_deref().map(|u| format!(" {u}")).unwrap_or_default()
    );
    let _ = writeln!(s, "\nlines:");
    let width = e
        .lines
        .iter()
        .filter_map(|l| l.removed_by.as_ref())
        .map(String::len)
        .max()
        .unwrap_or(4)
        .max(4);
    for l in &e.lines {
        match &l.removed_by {
            Some(r) => {
                let _ = writeln!(s, "  - {r:<width$}  {}", l.line);
            }
            None if l.line.trim().is_empty() => {
                let _ = writeln!(s);
            }
            None => {
                let _ = writeln!(s, "  + {:<width$}  {}", "", l.line);
            }
        }
    }
    let _ = writeln!(s, "\nstages:");
    for st in &e.stages {
        let verdict = match &st.reason {
            Some(r) => format!("{} {r}", st.verdict),
            None => st.verdict.clone(),
        };
        let lines = if st.lines_removed > 0 {
            format!(" ({} lines removed)", st.lines_removed)
        } else {
            String::new()
        };
        let signals = match &st.signals {
            Value::Object(m) if !m.is_empty() => format!("  {}", Value::Object(m.clone())),
            _ => String::new(),
        };
        let _ = writeln!(s, "  {:<18} {verdict}{lines}{signals}", st.stage);
    }
    let _ = writeln!(s, "\nverdict: {}", e.verdict);
    s
}
