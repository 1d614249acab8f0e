//! What `report.html` shows beyond the per-stage counts: documents per language, the lines removed
//! most often per site, and a few sample documents per removal reason.
//!
//! Workers fill a [`BatchInsights`] per batch; the sequencer merges them and takes samples in input
//! order, so the result does not depend on the thread count. Everything is bounded (site lines by
//! `site_line_entries`, samples by `samples` per reason and `sample_chars`) and saved in checkpoints.

use crate::document::Document;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportConfig {
    /// Write `report.html` beside `report.json`.
    pub html: bool,
    /// Histograms of the stages' signals (the stages then compute every signal of a document).
    pub signals: bool,
    /// Sample documents kept per removal reason.
    pub samples: usize,
    /// Characters of a sample's text kept.
    pub sample_chars: usize,
    /// Distinct (site, removed line) pairs counted; beyond that the rarest are dropped.
    pub site_line_entries: usize,
}

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig {
            html: true,
            signals: true,
            samples: 3,
            sample_chars: 3000,
            site_line_entries: 50_000,
        }
    }
}

/// Documents per language (`metadata.language`; `none` before or without language ID).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LanguageCount {
    pub docs: u64,
    pub kept: u64,
    pub bytes_kept: u64,
    /// Tokens of the kept documents, first configured encoding.
    #[serde(default)]
    pub tokens_kept: u64,
}

/// One line of a sample: kept, or removed with its `stage.reason`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleLine {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `file:record` of the input.
    pub source: String,
    /// The document's lines with the removed ones put back in place, up to `sample_chars`.
    pub lines: Vec<SampleLine>,
    pub truncated: bool,
}

/// Counts gathered on a worker for one batch.
#[derive(Debug, Default)]
pub struct BatchInsights {
    /// Documents removed on the worker, per language.
    pub removed_languages: BTreeMap<String, u64>,
    /// (site, line) → times removed; only lines a stage removed from a document.
    pub site_lines: HashMap<(String, String), u64>,
    /// Samples of documents removed on the worker, in input order, at most `samples` per reason.
    pub samples: Vec<(String, Sample)>,
}

/// Longest removed line counted per site (longer ones are cut, with "…").
const SITE_LINE_CHARS: usize = 200;

impl BatchInsights {
    /// A document removed on the worker for `reason`: its language, and a sample unless this batch
    /// has enough of them.
    pub fn count_removed(&mut self, reason: &str, doc: &Document, config: &ReportConfig) {
        *self.removed_languages.entry(language_of(doc)).or_default() += 1;
        if self.samples.iter().filter(|(r, _)| r == reason).count() < config.samples {
            self.samples
                .push((reason.to_string(), make_sample(doc, config.sample_chars)));
        }
    }

    /// A line a stage removed from a document of `site`.
    pub fn count_line(&mut self, site: &str, line: &str) {
        *self
            .site_lines
            .entry((site.to_string(), cut(line, SITE_LINE_CHARS)))
            .or_default() += 1;
    }
}

fn cut(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// The whole run's insights (part of the checkpoint and of `report.json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Insights {
    pub languages: BTreeMap<String, LanguageCount>,
    /// site → removed line → count.
    pub site_lines: BTreeMap<String, BTreeMap<String, u64>>,
    /// Counts are lower bounds once rare entries were dropped to stay within the bound.
    #[serde(default)]
    pub site_lines_pruned: bool,
    /// `stage.reason` (document removals and line removals) → sample documents.
    pub samples: BTreeMap<String, Vec<Sample>>,
}

/// The document's language as the report groups it.
pub fn language_of(doc: &Document) -> String {
    doc.language().unwrap_or("none").to_string()
}

impl Insights {
    pub fn merge_batch(&mut self, batch: BatchInsights, config: &ReportConfig) {
        for (reason, sample) in batch.samples {
            if self.wants_sample(&reason, config) {
                self.samples.entry(reason).or_default().push(sample);
            }
        }
        for (lang, n) in batch.removed_languages {
            self.languages.entry(lang).or_default().docs += n;
        }
        // Sorted, so pruning (which depends on arrival order) is the same for any thread count.
        let mut lines: Vec<_> = batch.site_lines.into_iter().collect();
        lines.sort_unstable();
        for ((site, line), n) in lines {
            *self.site_lines.entry(site).or_default().entry(line).or_default() += n;
        }
        self.prune_site_lines(config.site_line_entries);
    }

    /// Add the insights of a later part of the input (another batch's or task's).
    pub fn merge(&mut self, other: Insights, config: &ReportConfig) {
        for (reason, samples) in other.samples {
            for sample in samples {
                if self.wants_sample(&reason, config) {
                    self.samples.entry(reason.clone()).or_default().push(sample);
                }
            }
        }
        for (lang, c) in other.languages {
            let mine = self.languages.entry(lang).or_default();
            mine.docs += c.docs;
            mine.kept += c.kept;
            mine.bytes_kept += c.bytes_kept;
            mine.tokens_kept += c.tokens_kept;
        }
        for (site, lines) in other.site_lines {
            let mine = self.site_lines.entry(site).or_default();
            for (line, n) in lines {
                *mine.entry(line).or_default() += n;
            }
        }
        self.site_lines_pruned |= other.site_lines_pruned;
        self.prune_site_lines(config.site_line_entries);
    }

    /// Keep the counter within `max` entries: drop the pairs seen least (ties all go).
    fn prune_site_lines(&mut self, max: usize) {
        let total: usize = self.site_lines.values().map(BTreeMap::len).sum();
        if total <= max {
            return;
        }
        let mut counts: Vec<u64> = self.site_lines.values().flat_map(|m| m.values().copied()).collect();
        counts.sort_unstable();
        // Drop about half, so pruning is rare.
        let floor = counts[counts.len() / 2];
        for m in self.site_lines.values_mut() {
            m.retain(|_, n| *n > floor);
        }
        self.site_lines.retain(|_, m| !m.is_empty());
        self.site_lines_pruned = true;
    }

    /// A document that left the pipeline kept (`kept`) or removed on the sequencer.
    pub fn count_document(&mut self, doc: &Document, kept: bool, tokens: Option<u64>) {
        let entry = self.languages.entry(language_of(doc)).or_default();
        entry.docs += 1;
        if kept {
            entry.kept += 1;
            entry.bytes_kept += doc.byte_len() as u64;
            entry.tokens_kept += tokens.unwrap_or(0);
        }
    }

    /// A document counted as kept that a later pass removed (`minhash_dedup`).
    pub fn uncount_kept(&mut self, doc: &Document, tokens: Option<u64>) {
        let entry = self.languages.entry(language_of(doc)).or_default();
        entry.kept = entry.kept.saturating_sub(1);
        entry.bytes_kept = entry.bytes_kept.saturating_sub(doc.byte_len() as u64);
        entry.tokens_kept = entry.tokens_kept.saturating_sub(tokens.unwrap_or(0));
    }

    /// The part `report.json` keeps: the sites with the most removed lines and their most removed
    /// lines (the full bounded counter stays in the checkpoint, so a resumed run counts on).
    pub fn for_report(&self) -> Insights {
        const SITES: usize = 50;
        const LINES: usize = 25;
        let mut sites: Vec<(&String, u64)> = self.site_lines.iter().map(|(s, m)| (s, m.values().sum())).collect();
        sites.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let site_lines = sites
            .into_iter()
            .take(SITES)
            .map(|(site, _)| {
                let mut lines: Vec<(&String, &u64)> = self.site_lines[site].iter().collect();
                lines.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
                let top = lines.into_iter().take(LINES).map(|(l, n)| (l.clone(), *n)).collect();
                (site.clone(), top)
            })
            .collect();
        Insights {
            languages: self.languages.clone(),
            site_lines,
            site_lines_pruned: self.site_lines_pruned,
            samples: self.samples.clone(),
        }
    }

    /// Whether a sample for `reason` is still wanted.
    pub fn wants_sample(&self, reason: &str, config: &ReportConfig) -> bool {
        self.samples.get(reason).map_or(0, Vec::len) < config.samples
    }

    /// Take `doc` as a sample of `reason` if one is still wanted.
    pub fn offer_sample(&mut self, reason: &str, doc: &Document, config: &ReportConfig) {
        if self.wants_sample(reason, config) {
            let sample = make_sample(doc, config.sample_chars);
            self.samples.entry(reason.to_string()).or_default().push(sample);
        }
    }

    /// Offer a kept document as a sample of each line-removal reason it shows.
    pub fn offer_line_samples(&mut self, doc: &Document, config: &ReportConfig) {
        let removed = doc.removed_lines();
        let mut reasons: Vec<&str> = removed
            .iter()
            .filter_map(|e| e.reason)
            .filter(|r| self.wants_sample(r, config))
            .collect();
        reasons.sort_unstable();
        reasons.dedup();
        if reasons.is_empty() {
            return;
        }
        let sample = make_sample(doc, config.sample_chars);
        for r in reasons {
            self.samples.entry(r.to_string()).or_default().push(sample.clone());
        }
    }
}

/// The document's current lines with the lines removed from it put back where they were.
/// Positions (`at`, an index among non-blank lines) come from `clean_lines`; removed lines
/// without one (C4's rules) are listed after the text.
pub fn make_sample(doc: &Document, max_chars: usize) -> Sample {
    let text = doc.text_lossy();
    let mut lines: Vec<SampleLine> = text
        .split('\n')
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty())
        .map(|l| SampleLine {
            text: l.to_string(),
            removed: None,
        })
        .collect();
    let mut unplaced = Vec::new();
    let removed = doc.removed_lines();
    if !removed.is_empty() {
        let mut placed: Vec<(usize, SampleLine)> = Vec::new();
        for e in removed {
            let line = SampleLine {
                text: e.line.unwrap_or("").to_string(),
                removed: Some(e.reason.unwrap_or("?").to_string()),
            };
            match e.at {
                Some(at) => placed.push((at as usize, line)),
                None => unplaced.push(line),
            }
        }
        // Ascending positions in the stage's input: inserting in order rebuilds that input.
        placed.sort_by_key(|(at, _)| *at);
        for (at, line) in placed {
            let at = at.min(lines.len());
            lines.insert(at, line);
        }
    }
    lines.extend(unplaced);
    let mut used = 0usize;
    let mut truncated = false;
    let mut out = Vec::new();
    for mut l in lines {
        if used >= max_chars {
            truncated = true;
            break;
        }
        let n = l.text.chars().count();
        if used + n > max_chars {
            l.text = cut(&l.text, max_chars - used);
            truncated = true;
        }
        used += n;
        out.push(l);
    }
    Sample {
        id: doc.id.clone(),
        url: doc.url.clone(),
        source: doc.source.to_string(),
        lines: out,
        truncated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::test_doc;

    #[test]
    fn sample_puts_removed_lines_back_in_place() {
        let mut d = test_doc("Title\n\nBody one.\nBody two.");
        d.metadata.insert(
            "removed_lines".into(),
            serde_json::json!([
                {"line": "Menu", "reason": "clean_lines.menu", "at": 0},
                {"line": "Share", "reason": "clean_lines.share", "at": 3},
                {"line": "Footer", "reason": "c4_quality.policy"}
            ]),
        );
        let s = make_sample(&d, 1000);
        let shown: Vec<(&str, Option<&str>)> = s
            .lines
            .iter()
            .map(|l| (l.text.as_str(), l.removed.as_deref()))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("Menu", Some("clean_lines.menu")),
                ("Title", None),
                ("Body one.", None),
                ("Share", Some("clean_lines.share")),
                ("Body two.", None),
                ("Footer", Some("c4_quality.policy")),
            ]
        );
        assert!(!s.truncated);
        let s = make_sample(&d, 7);
        assert!(s.truncated);
        assert_eq!(s.lines.len(), 2);
    }

    #[test]
    fn report_keeps_the_top_sites_and_lines() {
        let mut all = Insights::default();
        for site in 0..60u64 {
            let lines = all.site_lines.entry(format!("site{site:02}")).or_default();
            for line in 0..30u64 {
                lines.insert(format!("line {line}"), site * 100 + line);
            }
        }
        let r = all.for_report();
        assert_eq!(r.site_lines.len(), 50);
        assert!(!r.site_lines.contains_key("site09") && r.site_lines.contains_key("site10"));
        let top = &r.site_lines["site59"];
        assert_eq!(top.len(), 25);
        assert!(!top.contains_key("line 4") && top.contains_key("line 5"));
    }

    #[test]
    fn site_lines_stay_bounded() {
        let config = ReportConfig {
            site_line_entries: 10,
            ..ReportConfig::default()
        };
        let mut all = Insights::default();
        for round in 0..5 {
            let mut b = BatchInsights::default();
            for i in 0..8 {
                b.site_lines.insert(("s".into(), format!("rare {round} {i}")), 1);
            }
            b.site_lines.insert(("s".into(), "frequent".into()), 3);
            all.merge_batch(b, &config);
            assert!(all.site_lines.values().map(BTreeMap::len).sum::<usize>() <= 10);
        }
        assert_eq!(all.site_lines["s"]["frequent"], 15);
        assert!(all.site_lines_pruned);
    }
}
