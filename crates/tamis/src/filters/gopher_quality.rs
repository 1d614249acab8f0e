//! Gopher quality rules (Rae et al. 2021, §A.1.1), as datatrove's `GopherQualityFilter`: same
//! definitions, defaults, rule order and reason names.
//!
//! "Words" are [`crate::words::split_words`] tokens (spaCy-style, punctuation tokens included):
//! word counts and mean word length use the *non-symbol* words (a token with at least one char
//! outside datatrove's `PUNCTUATION_SET`); the `#` and ellipsis ratios and the alphabetic-word ratio
//! divide by *all* tokens. Lines are Python `str.splitlines()` lines; `isalpha` is Python's.
//!
//! Language: the document's `metadata.language` (set by the language stage), else `language` from
//! the config. With `per_language = true` and a language other than English that FineWeb-2 has
//! settings for ([`crate::filters::fineweb2::params`]), its word-length bounds, alphabetic-word ratio,
//! stop words and minimum stop-word count replace the config's (a `None` there disables the rule).
//! English keeps datatrove's defaults (FineWeb English). For a language with no FineWeb-2 settings
//! the language-neutral rules keep the config values and the stop-word rule is **skipped**: English
//! stop words are never applied to another language unless `stop_words` is set explicitly, or
//! `per_language = false` (which reproduces datatrove exactly: its default stop words whatever the
//! language).
//!
//! As in datatrove (Python truthiness), a threshold of 0 disables its rule.

use crate::document::Document;
use crate::filters::fineweb2;
use crate::filters::text::{doc_language, is_english, py_splitlines};
use crate::stage::{SignalSpec, Stage, StageError, Verdict};
use crate::words::{is_punctuation, is_py_space, py_is_alpha, split_words};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub const SHORT_DOC: &str = "gopher_short_doc";
pub const LONG_DOC: &str = "gopher_long_doc";
pub const BELOW_AVG_THRESHOLD: &str = "gopher_below_avg_threshold";
pub const ABOVE_AVG_THRESHOLD: &str = "gopher_above_avg_threshold";
pub const TOO_MANY_HASHES: &str = "gopher_too_many_hashes";
pub const TOO_MANY_ELLIPSIS: &str = "gopher_too_many_ellipsis";
pub const TOO_MANY_BULLETS: &str = "gopher_too_many_bullets";
pub const TOO_MANY_END_ELLIPSIS: &str = "gopher_too_many_end_ellipsis";
pub const BELOW_ALPHA_THRESHOLD: &str = "gopher_below_alpha_threshold";
/// datatrove's name for "not enough stop words".
pub const ENOUGH_STOP_WORDS: &str = "gopher_enough_stop_words";

/// datatrove's default `STOP_WORDS` (English).
pub const DEFAULT_STOP_WORDS: &[&str] = &["the", "be", "to", "of", "and", "that", "have", "with"];

/// The stage's name in `metadata.signals`.
pub const STAGE: &str = "gopher_quality";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GopherQualityConfig {
    /// Drop if fewer non-symbol words than this (datatrove 50).
    pub min_doc_words: Option<u64>,
    /// Drop if more non-symbol words than this (datatrove 100 000).
    pub max_doc_words: Option<u64>,
    /// Drop if the mean non-symbol word length (chars) is below this (datatrove 3).
    pub min_avg_word_length: Option<f64>,
    /// Drop if the mean non-symbol word length (chars) is above this (datatrove 10).
    pub max_avg_word_length: Option<f64>,
    /// Drop if `#` count / tokens, or (`...` + `…` count) / tokens, is above this (datatrove 0.1).
    pub max_symbol_word_ratio: Option<f64>,
    /// Drop if the share of lines starting (after left-strip) with `•` or `-` is above this (datatrove 0.9).
    pub max_bullet_lines_ratio: Option<f64>,
    /// Drop if the share of lines ending (after right-strip) with `...` or `…` is above this (datatrove 0.3).
    pub max_ellipsis_lines_ratio: Option<f64>,
    /// Drop if the share of tokens with an alphabetic char is *below* this (datatrove 0.8; datatrove's
    /// name is kept although it is a minimum alpha ratio).
    pub max_non_alpha_words_ratio: Option<f64>,
    /// Drop if fewer distinct stop words than this occur (datatrove 2).
    pub min_stop_words: Option<u64>,
    /// Stop words (case-sensitive). `None`: datatrove's 8 English words for English (or always, with
    /// `per_language = false`), FineWeb-2's list for languages it has, and no stop-word rule otherwise.
    pub stop_words: Option<Vec<String>>,
    /// Language (ISO 639-1) for documents without `metadata.language`.
    pub language: String,
    /// Use FineWeb-2's per-language thresholds and stop words (see the module docs).
    pub per_language: bool,
}

impl Default for GopherQualityConfig {
    fn default() -> Self {
        GopherQualityConfig {
            min_doc_words: Some(50),
            max_doc_words: Some(100_000),
            min_avg_word_length: Some(3.0),
            max_avg_word_length: Some(10.0),
            max_symbol_word_ratio: Some(0.1),
            max_bullet_lines_ratio: Some(0.9),
            max_ellipsis_lines_ratio: Some(0.3),
            max_non_alpha_words_ratio: Some(0.8),
            min_stop_words: Some(2),
            stop_words: None,
            language: "en".into(),
            per_language: true,
        }
    }
}

impl GopherQualityConfig {
    pub fn example() -> Self {
        GopherQualityConfig {
            language: "en".into(),
            per_language: true,
            ..Self::default()
        }
    }
}

pub struct GopherQuality {
    record_signals: bool,
    config: GopherQualityConfig,
}

impl GopherQuality {
    /// `record_signals`: write the computed signals to `metadata.signals.<stage>` (annotate mode).
    pub fn new(config: GopherQualityConfig, record_signals: bool) -> Self {
        GopherQuality { config, record_signals }
    }
}

/// The thresholds in force for one document.
struct Thresholds<'c> {
    min_avg_word_length: Option<f64>,
    max_avg_word_length: Option<f64>,
    max_non_alpha_words_ratio: Option<f64>,
    min_stop_words: Option<u64>,
    stop_words: StopWords<'c>,
}

impl Thresholds<'static> {
    /// FineWeb-2's settings of one language.
    fn from_params(p: &'static fineweb2::LanguageParams) -> Self {
        Thresholds {
            min_avg_word_length: p.min_avg_word_length,
            max_avg_word_length: p.max_avg_word_length,
            max_non_alpha_words_ratio: p.max_non_alpha_words_ratio,
            min_stop_words: p.min_stop_words.map(|n| n as u64),
            stop_words: StopWords::Static(p.stop_words),
        }
    }
}

enum StopWords<'c> {
    Config(&'c [String]),
    Static(&'static [&'static str]),
    /// No stop-word list for this language: the rule is skipped.
    None,
}

impl StopWords<'_> {
    fn contains(&self, w: &str) -> bool {
        match self {
            StopWords::Config(list) => list.iter().any(|s| s == w),
            StopWords::Static(list) => list.contains(&w),
            StopWords::None => false,
        }
    }
}

impl GopherQualityConfig {
    fn thresholds(&self, language: &str) -> Thresholds<'_> {
        let mut t = Thresholds {
            min_avg_word_length: self.min_avg_word_length,
            max_avg_word_length: self.max_avg_word_length,
            max_non_alpha_words_ratio: self.max_non_alpha_words_ratio,
            min_stop_words: self.min_stop_words,
            stop_words: StopWords::Static(DEFAULT_STOP_WORDS),
        };
        if self.per_language && !is_english(language) {
            match fineweb2::params(language) {
                Some(p) if crate::words::counts_characters(language) => {
                    // tamis splits zh/ja/th into characters, not words: the word-length bounds and
                    // the stop-word list (words) do not apply; the alphabetic-ratio rule does.
                    t.min_avg_word_length = None;
                    t.max_avg_word_length = None;
                    t.max_non_alpha_words_ratio = p.max_non_alpha_words_ratio;
                    t.stop_words = StopWords::None;
                }
                Some(p) => t = Thresholds::from_params(p),
                None => t.stop_words = StopWords::None,
            }
        }
        if let Some(list) = &self.stop_words {
            t.stop_words = StopWords::Config(list);
        }
        t
    }
}

/// A threshold in force (Python truthiness: `None` and `0` disable a rule).
fn active(v: Option<f64>) -> Option<f64> {
    v.filter(|x| *x != 0.0)
}

fn active_n(v: Option<u64>) -> Option<u64> {
    v.filter(|x| *x != 0)
}

/// The Gopher quality signals of one text (field names are the signal names).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Signals {
    n_words: usize,
    n_non_symbol_words: usize,
    avg_word_length: f64,
    hash_ratio: f64,
    ellipsis_ratio: f64,
    bullet_lines_ratio: f64,
    end_ellipsis_lines_ratio: f64,
    alpha_words_ratio: f64,
    stop_words: Option<usize>,
}

fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

fn compute(text: &str, language: &str, t: &Thresholds<'_>) -> Signals {
    let words = split_words(text, language);
    let n_words = words.len();
    let mut n_non_symbol = 0usize;
    let mut non_symbol_chars = 0usize;
    let mut n_alpha = 0usize;
    for w in &words {
        if w.chars().any(|c| !is_punctuation(c)) {
            n_non_symbol += 1;
            non_symbol_chars += w.chars().count();
        }
        if w.chars().any(py_is_alpha) {
            n_alpha += 1;
        }
    }
    let avg_word_length = if n_non_symbol == 0 {
        f64::NAN // numpy's mean of nothing: every comparison is false
    } else {
        non_symbol_chars as f64 / n_non_symbol as f64
    };
    let hashes = text.matches('#').count();
    let ellipses = text.matches("...").count() + text.matches('…').count();
    let lines = py_splitlines(text);
    let mut bullets = 0usize;
    let mut end_ellipsis = 0usize;
    for line in &lines {
        let l = line.trim_start_matches(is_py_space);
        if l.starts_with('•') || l.starts_with('-') {
            bullets += 1;
        }
        let r = line.trim_end_matches(is_py_space);
        if r.ends_with("...") || r.ends_with('…') {
            end_ellipsis += 1;
        }
    }
    let stop_words = match t.stop_words {
        StopWords::None => None,
        _ => {
            let mut seen: Vec<&str> = Vec::new();
            for w in &words {
                if t.stop_words.contains(w) && !seen.contains(w) {
                    seen.push(w);
                }
            }
            Some(seen.len())
        }
    };
    Signals {
        n_words,
        n_non_symbol_words: n_non_symbol,
        avg_word_length,
        hash_ratio: ratio(hashes, n_words),
        ellipsis_ratio: ratio(ellipses, n_words),
        bullet_lines_ratio: ratio(bullets, lines.len()),
        end_ellipsis_lines_ratio: ratio(end_ellipsis, lines.len()),
        alpha_words_ratio: ratio(n_alpha, n_words),
        stop_words,
    }
}

fn decide(s: &Signals, c: &GopherQualityConfig, t: &Thresholds<'_>) -> Verdict {
    let n = s.n_non_symbol_words as u64;
    if active_n(c.min_doc_words).is_some_and(|m| n < m) {
        return Verdict::Drop(SHORT_DOC);
    }
    if active_n(c.max_doc_words).is_some_and(|m| n > m) {
        return Verdict::Drop(LONG_DOC);
    }
    if active(t.min_avg_word_length).is_some_and(|m| s.avg_word_length < m) {
        return Verdict::Drop(BELOW_AVG_THRESHOLD);
    }
    if active(t.max_avg_word_length).is_some_and(|m| s.avg_word_length > m) {
        return Verdict::Drop(ABOVE_AVG_THRESHOLD);
    }
    if let Some(m) = active(c.max_symbol_word_ratio) {
        if s.hash_ratio > m {
            return Verdict::Drop(TOO_MANY_HASHES);
        }
        if s.ellipsis_ratio > m {
            return Verdict::Drop(TOO_MANY_ELLIPSIS);
        }
    }
    if active(c.max_bullet_lines_ratio).is_some_and(|m| s.bullet_lines_ratio > m) {
        return Verdict::Drop(TOO_MANY_BULLETS);
    }
    if active(c.max_ellipsis_lines_ratio).is_some_and(|m| s.end_ellipsis_lines_ratio > m) {
        return Verdict::Drop(TOO_MANY_END_ELLIPSIS);
    }
    if active(t.max_non_alpha_words_ratio).is_some_and(|m| s.alpha_words_ratio < m) {
        return Verdict::Drop(BELOW_ALPHA_THRESHOLD);
    }
    if let (Some(m), Some(found)) = (active_n(t.min_stop_words), s.stop_words) {
        if (found as u64) < m {
            return Verdict::Drop(ENOUGH_STOP_WORDS);
        }
    }
    Verdict::Keep
}

fn num(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

impl Signals {
    fn to_json(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("n_words".into(), self.n_words.into());
        m.insert("n_non_symbol_words".into(), self.n_non_symbol_words.into());
        m.insert("avg_word_length".into(), num(self.avg_word_length));
        m.insert("hash_ratio".into(), num(self.hash_ratio));
        m.insert("ellipsis_ratio".into(), num(self.ellipsis_ratio));
        m.insert("bullet_lines_ratio".into(), num(self.bullet_lines_ratio));
        m.insert("end_ellipsis_lines_ratio".into(), num(self.end_ellipsis_lines_ratio));
        m.insert("alpha_words_ratio".into(), num(self.alpha_words_ratio));
        m.insert("stop_words".into(), self.stop_words.map_or(Value::Null, Value::from));
        m
    }
}

impl Stage for GopherQuality {
    fn process(&self, doc: &mut Document) -> Result<Verdict, StageError> {
        let Some(text) = doc.text() else {
            return Ok(Verdict::Keep);
        };
        let language = doc_language(doc, &self.config.language);
        let thresholds = self.config.thresholds(language);
        let signals = compute(text, language, &thresholds);
        let verdict = decide(&signals, &self.config, &thresholds);
        if self.record_signals {
            let json = signals.to_json();
            doc.set_signals(STAGE, json);
        }
        Ok(verdict)
    }

    /// Thresholds drawn are the configured ones (English's under FineWeb-2's per-language settings).
    fn signal_specs(&self) -> Vec<SignalSpec> {
        let c = &self.config;
        let f = |v: Option<u64>| v.map(|n| n as f64);
        vec![
            SignalSpec::log("n_words", 1e6, f(c.min_doc_words), f(c.max_doc_words)),
            SignalSpec::linear(
                "avg_word_length",
                0.0,
                15.0,
                c.min_avg_word_length,
                c.max_avg_word_length,
            ),
            SignalSpec::ratio("hash_ratio", None, c.max_symbol_word_ratio),
            SignalSpec::ratio("ellipsis_ratio", None, c.max_symbol_word_ratio),
            SignalSpec::ratio("bullet_lines_ratio", None, c.max_bullet_lines_ratio),
            SignalSpec::ratio("end_ellipsis_lines_ratio", None, c.max_ellipsis_lines_ratio),
            SignalSpec::ratio("alpha_words_ratio", c.max_non_alpha_words_ratio, None),
            SignalSpec::linear("stop_words", 0.0, 50.0, f(c.min_stop_words), None),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::test_doc as doc;

    const GOOD: &str = "The quick brown fox jumps over the lazy dog and runs to the forest with the other animals. \
        It is a sunny day and the birds are singing in the trees of the old park near the river. \
        Children play with a ball while their parents talk about the weather and the news of the week. \
        Later they will have lunch together and walk back home before the evening comes to the town.";

    fn run(config: GopherQualityConfig, text: &str) -> Verdict {
        GopherQuality::new(config, false).process(&mut doc(text)).unwrap()
    }

    fn default_run(text: &str) -> Verdict {
        run(GopherQualityConfig::default(), text)
    }

    #[test]
    fn keeps_ordinary_prose() {
        assert_eq!(default_run(GOOD), Verdict::Keep);
    }

    #[test]
    fn drops_docs_under_min_words() {
        assert_eq!(
            default_run("The cat sat on the mat and that was the end of it."),
            Verdict::Drop(SHORT_DOC)
        );
    }

    #[test]
    fn punctuation_tokens_do_not_count_as_words() {
        // 49 words + 49 commas: still short.
        let text = ["the"; 49].join(" , ");
        assert_eq!(default_run(&text), Verdict::Drop(SHORT_DOC));
    }

    #[test]
    fn drops_docs_over_max_words() {
        let c = GopherQualityConfig {
            max_doc_words: Some(60),
            ..Default::default()
        };
        assert_eq!(run(c, GOOD), Verdict::Drop(LONG_DOC));
    }

    #[test]
    fn drops_short_average_word_length() {
        let text = ["a b c d e to of"; 10].join(" ");
        assert_eq!(default_run(&text), Verdict::Drop(BELOW_AVG_THRESHOLD));
    }

    #[test]
    fn drops_long_average_word_length() {
        let text = ["the internationalization of telecommunications"; 20].join(" ");
        assert_eq!(default_run(&text), Verdict::Drop(ABOVE_AVG_THRESHOLD));
    }

    #[test]
    fn drops_too_many_hashes() {
        let text = format!("{GOOD} {}", ["#tag"; 20].join(" "));
        assert_eq!(default_run(&text), Verdict::Drop(TOO_MANY_HASHES));
    }

    #[test]
    fn drops_too_many_ellipses() {
        let text = format!("{GOOD} {}", ["wait..."; 15].join(" "));
        assert_eq!(default_run(&text), Verdict::Drop(TOO_MANY_ELLIPSIS));
    }

    #[test]
    fn drops_bullet_lists() {
        let text = GOOD
            .split(". ")
            .map(|s| format!("- {s}"))
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(default_run(&text), Verdict::Drop(TOO_MANY_BULLETS));
    }

    #[test]
    fn drops_lines_ending_with_ellipsis() {
        let lines: Vec<String> = GOOD.split(". ").map(|s| format!("{s} …")).collect();
        let c = GopherQualityConfig {
            max_symbol_word_ratio: Some(0.5),
            ..Default::default()
        };
        assert_eq!(run(c, &lines.join("\n")), Verdict::Drop(TOO_MANY_END_ELLIPSIS));
    }

    #[test]
    fn drops_docs_with_few_alphabetic_words() {
        let text = format!("{GOOD} {}", ["1234 5678 90"; 15].join(" "));
        assert_eq!(default_run(&text), Verdict::Drop(BELOW_ALPHA_THRESHOLD));
    }

    #[test]
    fn drops_docs_without_stop_words() {
        let text = ["Quick brown foxes jump over lazy dogs near rivers"; 8].join(" ");
        assert_eq!(default_run(&text), Verdict::Drop(ENOUGH_STOP_WORDS));
    }

    #[test]
    fn raw_documents_pass() {
        let mut d = doc("");
        d.body = crate::document::Body::Raw {
            bytes: b"<p>x</p>".to_vec(),
            content_type: "text/html".into(),
            charset: None,
        };
        assert_eq!(
            GopherQuality::new(GopherQualityConfig::default(), true)
                .process(&mut d)
                .unwrap(),
            Verdict::Keep
        );
    }

    #[test]
    fn unknown_language_skips_the_stop_word_rule_unless_per_language_is_off() {
        let text = ["Quick brown foxes jump over lazy dogs near rivers"; 8].join(" ");
        let mut d = doc(&text);
        d.metadata.insert("language".into(), "zz".into());
        let per_lang = GopherQuality::new(GopherQualityConfig::default(), false);
        assert_eq!(per_lang.process(&mut d.clone()).unwrap(), Verdict::Keep);
        let c = GopherQualityConfig {
            per_language: false,
            ..Default::default()
        };
        assert_eq!(
            GopherQuality::new(c, false).process(&mut d).unwrap(),
            Verdict::Drop(ENOUGH_STOP_WORDS)
        );
    }

    #[test]
    fn character_tokenized_languages_skip_word_length_and_stop_words() {
        // Thai is split into characters (mean length 1.0): FineWeb-2's word bounds would drop it all.
        let thai = "ประเทศไทยมีประชากรประมาณหกสิบหกล้านคนและกรุงเทพมหานครเป็นเมืองหลวงที่ใหญ่ที่สุดของประเทศ ".repeat(3);
        let config = GopherQualityConfig {
            language: "th".into(),
            ..GopherQualityConfig::default()
        };
        assert_eq!(run(config.clone(), &thai), Verdict::Keep);
        // Without per-language settings, datatrove's defaults apply (mean length >= 3) and it goes.
        let exact = GopherQualityConfig {
            per_language: false,
            ..config
        };
        assert_eq!(run(exact, &thai), Verdict::Drop(BELOW_AVG_THRESHOLD));
    }

    #[test]
    fn language_params_change_the_decision() {
        // French-like text with French stop words but fewer than 2 English ones.
        let text = ["le chat de la maison est dans le jardin et il mange une souris grise"; 5].join(" ");
        let c = GopherQualityConfig::default();
        let english = Thresholds {
            min_avg_word_length: c.min_avg_word_length,
            max_avg_word_length: c.max_avg_word_length,
            max_non_alpha_words_ratio: c.max_non_alpha_words_ratio,
            min_stop_words: c.min_stop_words,
            stop_words: StopWords::Static(DEFAULT_STOP_WORDS),
        };
        let s = compute(&text, "fr", &english);
        assert_eq!(decide(&s, &c, &english), Verdict::Drop(ENOUGH_STOP_WORDS));
        let p = fineweb2::LanguageParams {
            language: "fr",
            language_score: 0.824,
            stop_words: &[
                "de", "la", "le", "et", "à", "en", "l'", "des", "du", "les", "est", "d'", "un", "une", "il",
            ],
            min_stop_words: Some(2),
            min_avg_word_length: Some(2.0),
            max_avg_word_length: Some(11.0),
            max_non_alpha_words_ratio: Some(0.812),
            dup_line_frac: Some(0.264),
            dup_para_frac: None,
            dup_para_char_frac: None,
            dup_line_char_frac: None,
            top_n_grams: &[(2, 0.161), (3, 0.149), (4, 0.134)],
            dup_n_grams: &[(5, 0.15)],
            line_punct_thr: Some(0.1),
            short_line_thr: None,
            char_duplicates_ratio: Some(0.1),
            new_line_ratio: Some(0.185),
        };
        let p: &'static fineweb2::LanguageParams = Box::leak(Box::new(p));
        let french = Thresholds::from_params(p);
        let s = compute(&text, "fr", &french);
        assert_eq!(decide(&s, &c, &french), Verdict::Keep);
    }

    #[test]
    fn records_signals_without_clobbering_other_stages() {
        let mut d = doc(GOOD);
        d.metadata
            .insert("signals".into(), serde_json::json!({"other": {"x": 1}}));
        GopherQuality::new(GopherQualityConfig::default(), true)
            .process(&mut d)
            .unwrap();
        let sig = &d.metadata["signals"];
        assert_eq!(sig["other"]["x"], 1);
        assert!(sig[STAGE]["n_words"].as_u64().unwrap() > 50);
        assert!(sig[STAGE]["avg_word_length"].as_f64().unwrap() > 3.0);
        // the, to, of, and, have, with (not "be", "that").
        assert_eq!(sig[STAGE]["stop_words"], serde_json::json!(6));
    }

    #[test]
    fn config_round_trips_and_rejects_unknown_fields() {
        let c: GopherQualityConfig = toml::from_str("min_doc_words = 10\nlanguage = \"fr\"").unwrap();
        assert_eq!(c.min_doc_words, Some(10));
        assert_eq!(c.max_doc_words, Some(100_000));
        assert!(toml::from_str::<GopherQualityConfig>("bogus = 1").is_err());
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_records_signals(text in "(\\PC|\n|\r|\u{2028}|#|-|…|\\.){0,300}", lang in "(en|fr|de|ja|zz)") {
            let mut d = doc(&text);
            d.metadata.insert("language".into(), lang.into());
            let verdict = GopherQuality::new(GopherQualityConfig::default(), true).process(&mut d);
            proptest::prop_assert!(verdict.is_ok());
            proptest::prop_assert!(d.metadata["signals"][STAGE].is_object());
        }
    }
}
