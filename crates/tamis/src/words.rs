//! Word tokenisation shared by the quality filters.
//!
//! datatrove's filters count "words" as `split_into_words(text, language)`: for English (and most Latin
//! languages) spaCy's rule-based tokenizer (`spacy.blank(lang)`), whose tokens include punctuation.
//! Their thresholds were tuned on those counts, so parity needs the same tokens.
//! STUB: whitespace split with leading/trailing punctuation split off; replaced by the spaCy-parity
//! tokenizer.

/// Split `text` into datatrove-style word tokens (stripped, non-empty) for `language` (ISO 639-1).
pub fn split_words<'a>(text: &'a str, _language: &str) -> Vec<&'a str> {
    text.split_whitespace().collect()
}
