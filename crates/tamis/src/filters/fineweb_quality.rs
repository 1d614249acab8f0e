//! FineWeb's own quality rules, as datatrove's `FineWebQualityFilter`: same definitions, defaults,
//! order and reason names.
//!
//! Lines are `text.split("\n")` without the ones that are blank after Python `strip()`; they are
//! not stripped themselves (a line ending with `". "` does not end with punctuation).
//! 1. `line_punct_ratio`: share of lines ending with a stop char (default: datatrove's
//!    `TERMINAL_PUNCTUATION`) **below** `line_punct_thr`;
//! 2. `short_line_ratio`: share of lines of at most `short_line_length` code points above `short_line_thr`;
//! 3. `char_dup_ratio`: code points in duplicated lines (2nd+ copies) / code points of the text
//!    without `\n`, above `char_duplicates_ratio`;
//! 4. `list_ratio`: `\n` count / word tokens ([`crate::words::split_words`]) above `new_line_ratio`.
//!
//! A text with no non-blank line is dropped with `empty`.
//!
//! Language: `metadata.language`, else `language`. With `per_language = true` and a non-English
//! language FineWeb-2 has settings for, its `line_punct_thr`, `short_line_thr`,
//! `char_duplicates_ratio` and `new_line_ratio` replace the config's (`None` = rule disabled).
//! Other languages keep datatrove's thresholds (these rules are language-neutral; only the word
//! tokenizer of rule 4 depends on the language).

use crate::document::Document;
use crate::filters::fineweb2;
use crate::filters::text::{doc_language, find_duplicates, is_english};
use crate::stage::{SignalSpec, Stage, StageError, Verdict};
use crate::words::{is_py_space, is_terminal_punctuation, split_words};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub const EMPTY: &str = "empty";
pub const LINE_PUNCT_RATIO: &str = "line_punct_ratio";
pub const SHORT_LINE_RATIO: &str = "short_line_ratio";
pub const CHAR_DUP_RATIO: &str = "char_dup_ratio";
pub const LIST_RATIO: &str = "list_ratio";

/// The stage's name in `metadata.signals`.
pub const STAGE: &str = "fineweb_quality";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FineWebQualityConfig {
    /// Drop if the share of lines ending with a stop char is below this (datatrove 0.12).
    pub line_punct_thr: Option<f64>,
    /// Do not apply `line_punct_thr` when no line at all ends with a stop char (datatrove false).
    pub line_punct_exclude_zero: bool,
    /// Line endings that count as punctuation; `None` = datatrove's `TERMINAL_PUNCTUATION`.
    pub stop_chars: Option<Vec<String>>,
    /// Drop if the share of short lines is above this (datatrove 0.67).
    pub short_line_thr: Option<f64>,
    /// A line of at most this many code points is short (datatrove 30).
    pub short_line_length: usize,
    /// Drop if chars in duplicated lines / chars (without `\n`) is above this (datatrove 0.01).
    pub char_duplicates_ratio: Option<f64>,
    /// Drop if `\n` count / words is above this (datatrove 0.3).
    pub new_line_ratio: Option<f64>,
    /// Language (ISO 639-1) for documents without `metadata.language`.
    pub language: String,
    /// Use FineWeb-2's per-language thresholds (see the module docs).
    pub per_language: bool,
}

impl Default for FineWebQualityConfig {
    fn default() -> Self {
        FineWebQualityConfig {
            line_punct_thr: Some(0.12),
            line_punct_exclude_zero: false,
            stop_chars: None,
            short_line_thr: Some(0.67),
            short_line_length: 30,
            char_duplicates_ratio: Some(0.01),
            new_line_ratio: Some(0.3),
            language: "en".into(),
            per_language: true,
        }
    }
}

impl FineWebQualityConfig {
    pub fn example() -> Self {
        Self::default()
    }
}

pub struct FineWebQuality {
    record_signals: bool,
    config: FineWebQualityConfig,
}

impl FineWebQuality {
    /// `record_signals`: write the computed signals to `metadata.signals.<stage>` (annotate mode).
    pub fn new(config: FineWebQualityConfig, record_signals: bool) -> Self {
        FineWebQuality { config, record_signals }
    }
}

struct Thresholds {
    line_punct_thr: Option<f64>,
    short_line_thr: Option<f64>,
    char_duplicates_ratio: Option<f64>,
    new_line_ratio: Option<f64>,
}

impl FineWebQualityConfig {
    fn thresholds(&self, language: &str) -> Thresholds {
        if self.per_language && !is_english(language) {
            if let Some(p) = fineweb2::params(language) {
                return Thresholds {
                    line_punct_thr: p.line_punct_thr,
                    short_line_thr: p.short_line_thr,
                    char_duplicates_ratio: p.char_duplicates_ratio,
                    new_line_ratio: p.new_line_ratio,
                };
            }
        }
        Thresholds {
            line_punct_thr: self.line_punct_thr,
            short_line_thr: self.short_line_thr,
            char_duplicates_ratio: self.char_duplicates_ratio,
            new_line_ratio: self.new_line_ratio,
        }
    }

    fn ends_with_stop(&self, line: &str) -> bool {
        match &self.stop_chars {
            None => line.chars().next_back().is_some_and(is_terminal_punctuation),
            Some(list) => list.iter().any(|s| line.ends_with(s.as_str())),
        }
    }
}

fn num(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// Evaluate in datatrove's order; with `all`, keep computing every signal after a drop.
fn evaluate(
    text: &str,
    language: &str,
    c: &FineWebQualityConfig,
    t: &Thresholds,
    all: bool,
    signals: &mut Map<String, Value>,
) -> Verdict {
    let lines: Vec<&str> = text
        .split('\n')
        .filter(|l| !l.trim_matches(is_py_space).is_empty())
        .collect();
    if lines.is_empty() {
        return Verdict::Drop(EMPTY);
    }
    let n = lines.len() as f64;
    let mut verdict = Verdict::Keep;

    let punct = lines.iter().filter(|l| c.ends_with_stop(l)).count() as f64 / n;
    signals.insert(LINE_PUNCT_RATIO.into(), num(punct));
    if t.line_punct_thr
        .is_some_and(|thr| punct < thr && !(punct == 0.0 && c.line_punct_exclude_zero))
    {
        verdict = Verdict::Drop(LINE_PUNCT_RATIO);
        if !all {
            return verdict;
        }
    }

    let short = lines
        .iter()
        .filter(|l| l.chars().count() <= c.short_line_length)
        .count() as f64
        / n;
    signals.insert(SHORT_LINE_RATIO.into(), num(short));
    if verdict == Verdict::Keep && t.short_line_thr.is_some_and(|thr| short > thr) {
        verdict = Verdict::Drop(SHORT_LINE_RATIO);
        if !all {
            return verdict;
        }
    }

    let (_, dup_chars) = find_duplicates(lines.iter().copied());
    let chars_without_newlines = text.chars().filter(|&ch| ch != '\n').count();
    let dup = if chars_without_newlines == 0 {
        0.0
    } else {
        dup_chars as f64 / chars_without_newlines as f64
    };
    signals.insert(CHAR_DUP_RATIO.into(), num(dup));
    if verdict == Verdict::Keep && t.char_duplicates_ratio.is_some_and(|thr| dup > thr) {
        verdict = Verdict::Drop(CHAR_DUP_RATIO);
        if !all {
            return verdict;
        }
    }

    if t.new_line_ratio.is_some() || all {
        let words = split_words(text, language).len();
        let newlines = text.bytes().filter(|&b| b == b'\n').count();
        // A non-blank line always yields a token, so `words` > 0 here; guard anyway.
        let list = if words == 0 {
            f64::INFINITY
        } else {
            newlines as f64 / words as f64
        };
        signals.insert(LIST_RATIO.into(), num(list));
        if verdict == Verdict::Keep && t.new_line_ratio.is_some_and(|thr| list > thr) {
            verdict = Verdict::Drop(LIST_RATIO);
        }
    }
    verdict
}

impl Stage for FineWebQuality {
    fn process(&self, doc: &mut Document) -> Result<Verdict, StageError> {
        let Some(text) = doc.text() else {
            return Ok(Verdict::Keep);
        };
        let language = doc_language(doc, &self.config.language);
        let thresholds = self.config.thresholds(language);
        let mut signals = Map::new();
        let verdict = evaluate(
            text,
            language,
            &self.config,
            &thresholds,
            self.record_signals,
            &mut signals,
        );
        if self.record_signals {
            doc.set_signals(STAGE, signals);
        }
        Ok(verdict)
    }

    fn signal_specs(&self) -> Vec<SignalSpec> {
        let c = &self.config;
        vec![
            SignalSpec::ratio(LINE_PUNCT_RATIO, c.line_punct_thr, None),
            SignalSpec::ratio(SHORT_LINE_RATIO, None, c.short_line_thr),
            SignalSpec::linear(CHAR_DUP_RATIO, 0.0, 0.2, None, c.char_duplicates_ratio),
            SignalSpec::linear(LIST_RATIO, 0.0, 2.0, None, c.new_line_ratio),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::test_doc as doc;

    const GOOD: &str = "The quick brown fox jumps over the lazy dog and runs to the forest with the other animals.\n\
        It is a sunny day and the birds are singing in the trees of the old park near the river.\n\
        Children play with a ball while their parents talk about the weather and the news of the week.\n\
        Later they will have lunch together and walk back home before the evening comes to the town.";

    fn run(config: FineWebQualityConfig, text: &str) -> Verdict {
        FineWebQuality::new(config, false).process(&mut doc(text)).unwrap()
    }

    fn default_run(text: &str) -> Verdict {
        run(FineWebQualityConfig::default(), text)
    }

    #[test]
    fn keeps_punctuated_prose() {
        assert_eq!(default_run(GOOD), Verdict::Keep);
    }

    #[test]
    fn drops_blank_text() {
        assert_eq!(default_run(" \n\t\n"), Verdict::Drop(EMPTY));
        assert_eq!(default_run(""), Verdict::Drop(EMPTY));
    }

    #[test]
    fn drops_lines_without_final_punctuation() {
        let text = GOOD.replace('.', "");
        assert_eq!(default_run(&text), Verdict::Drop(LINE_PUNCT_RATIO));
        // A trailing space hides the period, as in datatrove.
        assert_eq!(
            default_run(&GOOD.replace(".\n", ". \n").replace("town.", "town. ")),
            Verdict::Drop(LINE_PUNCT_RATIO)
        );
    }

    #[test]
    fn exclude_zero_skips_the_punctuation_rule_when_no_line_has_it() {
        let c = FineWebQualityConfig {
            line_punct_exclude_zero: true,
            ..Default::default()
        };
        assert_eq!(run(c, &GOOD.replace('.', "")), Verdict::Keep);
    }

    #[test]
    fn drops_mostly_short_lines() {
        let text = format!("{GOOD}\nHome.\nAbout us.\nContact.\nNews.\nShop.\nLogin.\nCart.\nHelp.\nFAQ.");
        let c = FineWebQualityConfig {
            new_line_ratio: None,
            ..Default::default()
        };
        assert_eq!(run(c, &text), Verdict::Drop(SHORT_LINE_RATIO));
    }

    #[test]
    fn drops_duplicated_line_characters() {
        let text = format!("{GOOD}\nAll rights reserved.\nAll rights reserved.");
        assert_eq!(default_run(&text), Verdict::Drop(CHAR_DUP_RATIO));
    }

    #[test]
    fn drops_list_like_text() {
        let text = GOOD.replace(' ', "\n");
        let c = FineWebQualityConfig {
            short_line_thr: None,
            line_punct_thr: None,
            char_duplicates_ratio: None,
            ..Default::default()
        };
        assert_eq!(run(c, &text), Verdict::Drop(LIST_RATIO));
    }

    #[test]
    fn language_params_change_the_decision() {
        // One duplicated line: about 2.6 % of the chars, over English's 0.01, under FineWeb-2's 0.1.
        let text = format!("{GOOD}\n{GOOD}\nAll rights reserved.\nAll rights reserved.");
        let c = FineWebQualityConfig {
            char_duplicates_ratio: Some(0.01),
            ..Default::default()
        };
        let fw2 = Thresholds {
            line_punct_thr: Some(0.1),
            short_line_thr: None,
            char_duplicates_ratio: Some(0.1),
            new_line_ratio: Some(0.185),
        };
        let text = text.replacen(GOOD, &GOOD.to_uppercase(), 1);
        let mut s = Map::new();
        assert_eq!(
            evaluate(&text, "fr", &c, &c.thresholds("en"), false, &mut s),
            Verdict::Drop(CHAR_DUP_RATIO)
        );
        assert_eq!(evaluate(&text, "fr", &c, &fw2, false, &mut s), Verdict::Keep);
    }

    #[test]
    fn records_signals_in_annotate_mode() {
        let mut d = doc(GOOD);
        FineWebQuality::new(FineWebQualityConfig::default(), true)
            .process(&mut d)
            .unwrap();
        let sig = &d.metadata["signals"][STAGE];
        assert_eq!(sig[LINE_PUNCT_RATIO], serde_json::json!(1.0));
        assert_eq!(sig[SHORT_LINE_RATIO], serde_json::json!(0.0));
        assert!(sig[LIST_RATIO].as_f64().unwrap() > 0.0);
    }

    #[test]
    fn raw_documents_pass() {
        let mut d = doc("");
        d.body = crate::document::Body::Raw {
            bytes: Vec::new(),
            content_type: "text/html".into(),
            charset: None,
        };
        let v = FineWebQuality::new(FineWebQualityConfig::default(), false)
            .process(&mut d)
            .unwrap();
        assert_eq!(v, Verdict::Keep);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_records_signals(text in "(\\PC|\n|\r|\u{2028}|#|-|…|\\.){0,300}", lang in "(en|fr|de|ja|zz)") {
            let mut d = doc(&text);
            d.metadata.insert("language".into(), lang.into());
            let verdict = FineWebQuality::new(FineWebQualityConfig::default(), true).process(&mut d);
            proptest::prop_assert!(verdict.is_ok());
            proptest::prop_assert!(d.metadata["signals"][STAGE].is_object());
        }
    }
}
