//! FineWeb-2's per-language filter settings (stop words and thresholds), from
//! huggingface/fineweb-2 `configs/<lang>_<script>.yml`, and the fallback for other languages.
//! STUB: values to be filled from the configs.

/// Thresholds of one language for the quality filters. `None` = the rule is disabled for it.
#[derive(Debug, Clone, PartialEq)]
pub struct LanguageParams {
    /// ISO 639-1 code (fastText lid.176 label).
    pub language: &'static str,
    /// FineWeb-2's language_score threshold.
    pub language_score: f64,
    pub stop_words: &'static [&'static str],
    pub min_stop_words: Option<usize>,
    pub min_avg_word_length: Option<f64>,
    pub max_avg_word_length: Option<f64>,
    pub max_non_alpha_words_ratio: Option<f64>,
    pub dup_line_frac: Option<f64>,
    pub dup_para_frac: Option<f64>,
    pub dup_para_char_frac: Option<f64>,
    pub dup_line_char_frac: Option<f64>,
    /// (n, threshold) for n = 2, 3, 4.
    pub top_n_grams: &'static [(usize, f64)],
    /// (n, threshold) for n = 5..=10.
    pub dup_n_grams: &'static [(usize, f64)],
    pub line_punct_thr: Option<f64>,
    pub short_line_thr: Option<f64>,
    pub char_duplicates_ratio: Option<f64>,
    pub new_line_ratio: Option<f64>,
}

/// The settings for `language`, if FineWeb-2 has a config for it.
pub fn params(_language: &str) -> Option<&'static LanguageParams> {
    None
}
