//! C4 quality rules, as datatrove's `C4QualityFilter` applies them (datatrove 0.10.1,
//! `pipeline/filters/c4_filters.py`).
//!
//! The stage **rewrites** the text: it splits it into lines (Python `str.splitlines()`), strips each
//! line (Python `str.strip()`), and removes the lines that break a line rule; the kept lines (with
//! citations removed) are joined with `"\n"` and the result stripped. It **drops** the document if a
//! kept-so-far line contains "lorem ipsum" or `{`, or if the kept lines hold fewer than
//! `min_num_sentences` sentences.
//!
//! Line rules, in datatrove's order (the first that applies names the reason):
//! 1. a whitespace-separated word longer than `max_word_length` characters → `too_long_word`;
//! 2. (citations `[12]`, `[edit]`, `[citation needed]` are then removed from the line);
//! 3. no terminal punctuation (`. ? ! " '`, and not `...`) → `no_terminal_punc` (off by default here);
//! 4. fewer than `min_words_per_line` words (counted *before* citation removal) → `too_few_words`;
//! 5. "lorem ipsum" (case-insensitive) → the document is dropped: `lorem_ipsum`;
//! 6. "javascript" (case-insensitive) → `javascript`;
//! 7. `{` → the document is dropped: `curly_bracket`;
//! 8. a cookie/terms phrase (case-insensitive) → `policy`.
//!
//! Sentences are counted as datatrove does with spaCy: `spacy.blank(language)` + the rule-based
//! `sentencizer`. The sentencizer starts a new sentence at the first token that is neither
//! punctuation (every char in Unicode category P) nor one of its sentence-final characters, after a
//! token that *is* one of its sentence-final characters (`.`, `!`, `?`, `。`, …). The tokens are
//! spaCy's tokenizer as [`crate::words`] reproduces it (for the configured `language`), plus the
//! whitespace tokens spaCy keeps and the sentencizer counts as ordinary tokens: a whitespace run other
//! than the single space after a token (`"\n"`, the second space of `"  "`) starts a sentence after
//! a `.`.
//!
//! Default difference from datatrove: `filter_no_terminal_punct` is **false**, as FineWeb ran it
//! (`C4QualityFilter(filter_no_terminal_punct=False)`); datatrove's own default is true.
//!
//! Removed lines are recorded in `metadata.removed_lines` as `{"line", "reason": "c4_quality.<reason>"}`
//! when the document is kept; with `record_signals`, counts go to `metadata.signals.c4_quality`.

use crate::document::{Body, Document};
use crate::stage::{Stage, StageError, Verdict};
use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::sync::OnceLock;

use crate::filters::text::py_splitlines;
use crate::words::{is_py_space, word_spans};

/// Line reason: a word longer than `max_word_length`.
pub const TOO_LONG_WORD: &str = "too_long_word";
/// Line reason: no terminal punctuation (only with `filter_no_terminal_punct`).
pub const NO_TERMINAL_PUNC: &str = "no_terminal_punc";
/// Line reason: fewer than `min_words_per_line` words.
pub const TOO_FEW_WORDS: &str = "too_few_words";
/// Line reason: mentions "javascript".
pub const JAVASCRIPT: &str = "javascript";
/// Line reason: a terms-of-use / cookie phrase.
pub const POLICY: &str = "policy";
/// Document reason: "lorem ipsum" in a line.
pub const LOREM_IPSUM: &str = "lorem_ipsum";
/// Document reason: a `{` in a line.
pub const CURLY_BRACKET: &str = "curly_bracket";
/// Document reason: fewer than `min_num_sentences` sentences in the kept lines.
pub const TOO_FEW_SENTENCES: &str = "too_few_sentences";

const STAGE: &str = "c4_quality";

/// datatrove's `POLICY_SUBSTRINGS`.
const POLICY_SUBSTRINGS: [&str; 6] = [
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
];

/// datatrove's `C4QualityFilter` parameters, with its defaults except `filter_no_terminal_punct`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct C4QualityConfig {
    /// true: lines are `str.splitlines()`; false: the text's sentences are the "lines" (joined with " ").
    pub split_paragraph: bool,
    /// Remove `[1]`, `[edit]`, `[citation needed]` from kept lines.
    pub remove_citations: bool,
    /// Remove lines not ending in `. ? ! " '` (or ending in `...`). Default **false** (FineWeb's
    /// setting; datatrove's default is true).
    pub filter_no_terminal_punct: bool,
    /// Drop documents whose kept lines hold fewer sentences; -1 disables.
    pub min_num_sentences: i64,
    /// Remove lines with fewer whitespace-separated words; -1 disables.
    pub min_words_per_line: i64,
    /// Remove lines with a longer word (characters); -1 disables.
    pub max_word_length: i64,
    /// Drop documents with "lorem ipsum".
    pub filter_lorem_ipsum: bool,
    /// Remove lines with "javascript".
    pub filter_javascript: bool,
    /// Drop documents with `{`.
    pub filter_curly_bracket: bool,
    /// Remove lines with cookie / terms-of-use phrases.
    pub filter_policy: bool,
    /// Language of the text: the sentence tokenizer's rules ([`crate::words`]), as datatrove's
    /// `split_into_sentences(text, language)`.
    pub language: String,
}

impl Default for C4QualityConfig {
    fn default() -> Self {
        C4QualityConfig {
            split_paragraph: true,
            remove_citations: true,
            filter_no_terminal_punct: false,
            min_num_sentences: 5,
            min_words_per_line: 3,
            max_word_length: 1000,
            filter_lorem_ipsum: true,
            filter_javascript: true,
            filter_curly_bracket: true,
            filter_policy: true,
            language: "en".into(),
        }
    }
}

impl C4QualityConfig {
    pub fn example() -> Self {
        Self::default()
    }
}

pub struct C4Quality {
    record_signals: bool,
    config: C4QualityConfig,
}

impl C4Quality {
    /// `record_signals`: write the computed signals to `metadata.signals.<stage>` (annotate mode).
    pub fn new(config: C4QualityConfig, record_signals: bool) -> Self {
        C4Quality { config, record_signals }
    }
}

/// What the line rules decide for one stripped line.
enum LineOutcome<'a> {
    /// Keep the line (citations removed).
    Keep(Cow<'a, str>),
    /// Remove the line, with its reason.
    Remove(&'static str),
    /// Drop the whole document, with its reason.
    DropDocument(&'static str),
}

/// datatrove's per-line loop body, for a line already stripped.
fn judge_line<'a>(line: &'a str, c: &C4QualityConfig) -> LineOutcome<'a> {
    let n_words = line.split(is_py_space).filter(|w| !w.is_empty()).count();
    if c.max_word_length != -1 {
        let too_long = line
            .split(is_py_space)
            .any(|w| i64::try_from(w.chars().count()).unwrap_or(i64::MAX) > c.max_word_length);
        if too_long {
            return LineOutcome::Remove(TOO_LONG_WORD);
        }
    }
    let line: Cow<'a, str> = if c.remove_citations {
        remove_citations(line)
    } else {
        Cow::Borrowed(line)
    };
    if c.filter_no_terminal_punct {
        let ends = line.ends_with(['.', '?', '!', '"', '\'']);
        if !ends || line.ends_with("...") {
            return LineOutcome::Remove(NO_TERMINAL_PUNC);
        }
    }
    if i64::try_from(n_words).unwrap_or(i64::MAX) < c.min_words_per_line {
        return LineOutcome::Remove(TOO_FEW_WORDS);
    }
    let needs_lower = c.filter_lorem_ipsum || c.filter_javascript || c.filter_policy;
    let lower = if needs_lower {
        line.to_lowercase()
    } else {
        String::new()
    };
    if c.filter_lorem_ipsum && lower.contains("lorem ipsum") {
        return LineOutcome::DropDocument(LOREM_IPSUM);
    }
    if c.filter_javascript && lower.contains("javascript") {
        return LineOutcome::Remove(JAVASCRIPT);
    }
    if c.filter_curly_bracket && line.contains('{') {
        return LineOutcome::DropDocument(CURLY_BRACKET);
    }
    if c.filter_policy && POLICY_SUBSTRINGS.iter().any(|p| lower.contains(p)) {
        return LineOutcome::Remove(POLICY);
    }
    LineOutcome::Keep(line)
}

/// The reason the C4 line rules would remove this (already stripped) line, or None.
/// Only line rules are reported: a line that would make datatrove drop the whole document
/// (`lorem_ipsum`, `curly_bracket`) yields None here unless an earlier line rule applies.
pub fn c4_line_reason(line: &str, config: &C4QualityConfig) -> Option<&'static str> {
    match judge_line(line, config) {
        LineOutcome::Remove(reason) => Some(reason),
        LineOutcome::Keep(_) | LineOutcome::DropDocument(_) => None,
    }
}

fn citation_regex() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\[\d*\]|\[edit\]|\[citation needed\]").ok())
        .as_ref()
}

/// Remove Wikipedia-style citations (`[12]`, `[]`, `[edit]`, `[citation needed]`), as datatrove's
/// `CITATION_REGEX.sub("", line)` (`\d` = Unicode decimal digits, as in Python).
pub fn remove_citations(line: &str) -> Cow<'_, str> {
    if !line.contains('[') {
        return Cow::Borrowed(line);
    }
    match citation_regex() {
        Some(re) => re.replace_all(line, ""),
        None => Cow::Borrowed(line),
    }
}

impl Stage for C4Quality {
    fn process(&self, doc: &mut Document) -> Result<Verdict, StageError> {
        // Raw payloads (HTML before extraction) are not text yet: they pass.
        let Some(text) = doc.text() else {
            return Ok(Verdict::Keep);
        };
        let c = &self.config;
        let lines: Vec<&str> = if c.split_paragraph {
            py_splitlines(text)
        } else {
            sentence_pieces(text, &c.language)
        };
        let mut kept: Vec<Cow<'_, str>> = Vec::new();
        let mut removed: Vec<(&str, &'static str)> = Vec::new();
        let mut sentences: u64 = 0;
        let mut drop_reason = None;
        for raw in &lines {
            let line = py_strip(raw);
            match judge_line(line, c) {
                LineOutcome::Remove(reason) => removed.push((line, reason)),
                LineOutcome::DropDocument(reason) => {
                    drop_reason = Some(reason);
                    break;
                }
                LineOutcome::Keep(clean) => {
                    if c.min_num_sentences != -1 {
                        sentences += if c.split_paragraph {
                            // datatrove's `len(split_into_sentences(line))`: an empty line is one piece.
                            count_sentences_in(&clean, &c.language).max(1) as u64
                        } else {
                            1
                        };
                    }
                    kept.push(clean);
                }
            }
        }
        if drop_reason.is_none() && i64::try_from(sentences).unwrap_or(i64::MAX) < c.min_num_sentences {
            drop_reason = Some(TOO_FEW_SENTENCES);
        }
        let lines_total = lines.len();
        let (n_kept, n_removed) = (kept.len(), removed.len());
        // datatrove always rewrites a kept document: stripped lines, citations removed, "\n"-joined.
        let new_text = match drop_reason {
            Some(_) => None,
            None => {
                let sep = if c.split_paragraph { "\n" } else { " " };
                Some(py_strip(&kept.join(sep)).to_string())
            }
        };
        if drop_reason.is_none() {
            let records: Vec<_> = removed
                .iter()
                .map(|(line, reason)| (line.to_string(), format!("{STAGE}.{reason}"), None))
                .collect();
            doc.push_removed_lines(records);
        }
        if let Some(t) = new_text {
            doc.body = Body::Text(t);
        }
        if self.record_signals {
            let mut s = Map::new();
            s.insert("lines".into(), Value::from(lines_total as u64));
            s.insert("lines_kept".into(), Value::from(n_kept as u64));
            s.insert("lines_removed".into(), Value::from(n_removed as u64));
            s.insert("sentences".into(), Value::from(sentences));
            doc.set_signals(STAGE, s);
        }
        Ok(match drop_reason {
            Some(r) => Verdict::Drop(r),
            None => Verdict::Keep,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Python string semantics

/// Python's `str.strip()` (no argument).
pub(crate) fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

// ---------------------------------------------------------------------------------------------
// Sentences: spaCy's rule-based sentencizer over an approximation of spaCy's English tokenizer.

/// spaCy `Sentencizer.default_punct_chars` (spaCy 3.8, `pipeline/sentencizer.pyx`).
const SENTENCE_PUNCT: &[char] = &[
    '!',
    '.',
    '?',
    '\u{589}',
    '\u{61f}',
    '\u{6d4}',
    '\u{700}',
    '\u{701}',
    '\u{702}',
    '\u{7f9}',
    '\u{964}',
    '\u{965}',
    '\u{104a}',
    '\u{104b}',
    '\u{1362}',
    '\u{1367}',
    '\u{1368}',
    '\u{166e}',
    '\u{1735}',
    '\u{1736}',
    '\u{1803}',
    '\u{1809}',
    '\u{1944}',
    '\u{1945}',
    '\u{1aa8}',
    '\u{1aa9}',
    '\u{1aaa}',
    '\u{1aab}',
    '\u{1b5a}',
    '\u{1b5b}',
    '\u{1b5e}',
    '\u{1b5f}',
    '\u{1c3b}',
    '\u{1c3c}',
    '\u{1c7e}',
    '\u{1c7f}',
    '\u{203c}',
    '\u{203d}',
    '\u{2047}',
    '\u{2048}',
    '\u{2049}',
    '\u{2e2e}',
    '\u{2e3c}',
    '\u{a4ff}',
    '\u{a60e}',
    '\u{a60f}',
    '\u{a6f3}',
    '\u{a6f7}',
    '\u{a876}',
    '\u{a877}',
    '\u{a8ce}',
    '\u{a8cf}',
    '\u{a92f}',
    '\u{a9c8}',
    '\u{a9c9}',
    '\u{aa5d}',
    '\u{aa5e}',
    '\u{aa5f}',
    '\u{aaf0}',
    '\u{aaf1}',
    '\u{abeb}',
    '\u{fe52}',
    '\u{fe56}',
    '\u{fe57}',
    '\u{ff01}',
    '\u{ff0e}',
    '\u{ff1f}',
    '\u{10a56}',
    '\u{10a57}',
    '\u{11047}',
    '\u{11048}',
    '\u{110be}',
    '\u{110bf}',
    '\u{110c0}',
    '\u{110c1}',
    '\u{11141}',
    '\u{11142}',
    '\u{11143}',
    '\u{111c5}',
    '\u{111c6}',
    '\u{111cd}',
    '\u{111de}',
    '\u{111df}',
    '\u{11238}',
    '\u{11239}',
    '\u{1123b}',
    '\u{1123c}',
    '\u{112a9}',
    '\u{1144b}',
    '\u{1144c}',
    '\u{115c2}',
    '\u{115c3}',
    '\u{115c9}',
    '\u{115ca}',
    '\u{115cb}',
    '\u{115cc}',
    '\u{115cd}',
    '\u{115ce}',
    '\u{115cf}',
    '\u{115d0}',
    '\u{115d1}',
    '\u{115d2}',
    '\u{115d3}',
    '\u{115d4}',
    '\u{115d5}',
    '\u{115d6}',
    '\u{115d7}',
    '\u{11641}',
    '\u{11642}',
    '\u{1173c}',
    '\u{1173d}',
    '\u{1173e}',
    '\u{11a42}',
    '\u{11a43}',
    '\u{11a9b}',
    '\u{11a9c}',
    '\u{11c41}',
    '\u{11c42}',
    '\u{16a6e}',
    '\u{16a6f}',
    '\u{16af5}',
    '\u{16b37}',
    '\u{16b38}',
    '\u{16b44}',
    '\u{1bc9f}',
    '\u{1da88}',
    '\u{ff61}',
    '\u{3002}',
];

fn is_sentence_punct(c: char) -> bool {
    SENTENCE_PUNCT.contains(&c)
}

/// Kinds of token the sentencizer distinguishes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum TokenKind {
    /// The token is exactly one sentence-final character.
    SentencePunct,
    /// Every character is Unicode punctuation (category P*).
    Punct,
    Other,
}

fn punct_regex() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^\p{P}+$").ok()).as_ref()
}

fn token_kind(t: &str) -> TokenKind {
    let mut chars = t.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if is_sentence_punct(c) {
            return TokenKind::SentencePunct;
        }
    }
    if punct_regex().is_some_and(|re| re.is_match(t)) {
        TokenKind::Punct
    } else {
        TokenKind::Other
    }
}

/// The whitespace token spaCy makes of the gap `from..to` (all whitespace) of `text`, if any. After a
/// token (`after_token`), a leading ' ' is that token's trailing space, not part of a token: `" "` →
/// none, `"  "` → `" "`, `" \n"` → `"\n"`; at the start of the text the whole run is a token.
fn whitespace_token(text: &str, from: usize, to: usize, after_token: bool) -> Option<(usize, usize)> {
    let from = if after_token && text.as_bytes().get(from) == Some(&b' ') && from < to {
        from + 1
    } else {
        from
    };
    (from < to).then_some((from, to))
}

/// spaCy's Doc tokens of `text` for `language` as byte ranges, in order: the word tokens of
/// [`crate::words::word_spans`] (spaCy's tokenizer) and the whitespace tokens spaCy keeps between
/// them, which datatrove's word split drops but the sentencizer sees (as non-punctuation tokens).
fn for_each_spacy_token(text: &str, language: &str, mut emit: impl FnMut(usize, usize)) {
    let mut prev_end: Option<usize> = None;
    for span in word_spans(text, language) {
        if let Some((a, b)) = whitespace_token(text, prev_end.unwrap_or(0), span.start, prev_end.is_some()) {
            emit(a, b);
        }
        emit(span.start, span.end);
        prev_end = Some(span.end);
    }
    if let Some((a, b)) = whitespace_token(text, prev_end.unwrap_or(0), text.len(), prev_end.is_some()) {
        emit(a, b);
    }
}

/// The end offsets (bytes) of the sentences spaCy's sentencizer finds in `text` (tokenised for
/// `language`).
fn sentence_ends(text: &str, language: &str) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut seen_period = false;
    let mut last_end: Option<usize> = None;
    for_each_spacy_token(text, language, |a, b| {
        let t = &text[a..b];
        let kind = if seen_period || t.len() <= 4 {
            token_kind(t)
        } else {
            TokenKind::Other
        };
        match (last_end, kind) {
            // seen_period is only set after a first token, so `prev_end` is there.
            (Some(prev_end), TokenKind::Other) if seen_period => {
                ends.push(prev_end);
                seen_period = false;
            }
            (_, TokenKind::SentencePunct) => seen_period = true,
            _ => {}
        }
        last_end = Some(b);
    });
    if let Some(e) = last_end {
        ends.push(e);
    }
    ends
}

/// Number of sentences spaCy's `sentencizer` (on `spacy.blank("en")`) finds in `text` (0 for `""`,
/// where datatrove's `split_into_sentences` gives one empty piece).
pub fn count_sentences(text: &str) -> usize {
    count_sentences_in(text, "en")
}

/// Number of sentences spaCy's `sentencizer` finds in `text` tokenised for `language` (datatrove's
/// `len(split_into_sentences(text, language))`; see [`crate::words`] for the languages whose spaCy
/// tokenizer is reproduced).
pub fn count_sentences_in(text: &str, language: &str) -> usize {
    sentence_ends(text, language).len()
}

/// datatrove's `split_into_sentences(text, language)`: consecutive pieces of the text, each ending
/// where a sentence ends (the last piece runs to the end of the text); `""` gives `[""]`.
fn sentence_pieces<'a>(text: &'a str, language: &str) -> Vec<&'a str> {
    let ends = sentence_ends(text, language);
    if ends.is_empty() {
        return vec![text];
    }
    let mut out = Vec::with_capacity(ends.len());
    let mut start = 0;
    for (k, &e) in ends.iter().enumerate() {
        let end = if k + 1 == ends.len() { text.len() } else { e };
        out.push(&text[start..end]);
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::test_doc as doc;

    const GOOD: &str = "This is the first sentence here.\nAnd here is a second one, longer.\n\
        The third line has words. It has two sentences!\nIs this the fifth sentence? Yes it is.";

    fn run(config: C4QualityConfig, text: &str) -> (Verdict, Document) {
        let mut d = doc(text);
        let v = C4Quality::new(config, true).process(&mut d).unwrap();
        (v, d)
    }

    fn reason_of(line: &str) -> Option<&'static str> {
        c4_line_reason(line, &C4QualityConfig::default())
    }

    #[test]
    fn keeps_a_good_document_unchanged() {
        let (v, d) = run(C4QualityConfig::default(), GOOD);
        assert_eq!(v, Verdict::Keep);
        assert_eq!(d.text(), Some(GOOD));
        assert_eq!(d.metadata["signals"]["c4_quality"]["sentences"], 6);
        assert_eq!(d.metadata["signals"]["c4_quality"]["lines_removed"], 0);
        assert!(d.metadata.get("removed_lines").is_none());
    }

    #[test]
    fn removes_lines_with_a_too_long_word() {
        let line = format!("a {} word", "x".repeat(1001));
        assert_eq!(reason_of(&line), Some(TOO_LONG_WORD));
        assert_eq!(reason_of(&format!("a {} word", "é".repeat(1000))), None);
    }

    #[test]
    fn removes_lines_without_terminal_punctuation_when_asked() {
        let c = C4QualityConfig {
            filter_no_terminal_punct: true,
            ..Default::default()
        };
        assert_eq!(c4_line_reason("no end mark here", &c), Some(NO_TERMINAL_PUNC));
        assert_eq!(c4_line_reason("it trails off...", &c), Some(NO_TERMINAL_PUNC));
        assert_eq!(c4_line_reason("he said 'yes'", &c), None);
        assert_eq!(c4_line_reason("it ends here [1]", &c), Some(NO_TERMINAL_PUNC));
        assert_eq!(c4_line_reason("it ends here.[1]", &c), None);
        // Off by default (FineWeb).
        assert_eq!(reason_of("no end mark here"), None);
    }

    #[test]
    fn removes_lines_with_too_few_words() {
        assert_eq!(reason_of("two words."), Some(TOO_FEW_WORDS));
        assert_eq!(reason_of("three words here."), None);
        // Words are counted before citations are removed.
        assert_eq!(reason_of("two words [1]"), None);
    }

    #[test]
    fn removes_javascript_lines() {
        assert_eq!(reason_of("Please enable JavaScript to view this."), Some(JAVASCRIPT));
    }

    #[test]
    fn removes_policy_lines() {
        assert_eq!(reason_of("Read our Privacy Policy for details."), Some(POLICY));
        assert_eq!(reason_of("This site uses cookies to work."), Some(POLICY));
    }

    #[test]
    fn drops_documents_with_lorem_ipsum() {
        let text = format!("{GOOD}\nLorem ipsum dolor sit amet.");
        assert_eq!(run(C4QualityConfig::default(), &text).0, Verdict::Drop(LOREM_IPSUM));
        // A line removed earlier (too few words) does not trigger it.
        let text = format!("{GOOD}\nLorem ipsum");
        assert_eq!(run(C4QualityConfig::default(), &text).0, Verdict::Keep);
        assert_eq!(reason_of("Lorem ipsum dolor sit amet."), None);
    }

    #[test]
    fn drops_documents_with_curly_brackets() {
        let text = format!("{GOOD}\nfunction f() {{ return 1; }}");
        let (v, d) = run(C4QualityConfig::default(), &text);
        assert_eq!(v, Verdict::Drop(CURLY_BRACKET));
        // A dropped document keeps its text.
        assert_eq!(d.text(), Some(text.as_str()));
    }

    #[test]
    fn drops_documents_with_too_few_sentences() {
        let (v, _) = run(C4QualityConfig::default(), "One sentence only here.\nAnd a second one.");
        assert_eq!(v, Verdict::Drop(TOO_FEW_SENTENCES));
        assert_eq!(run(C4QualityConfig::default(), "").0, Verdict::Drop(TOO_FEW_SENTENCES));
        let c = C4QualityConfig {
            min_num_sentences: -1,
            ..Default::default()
        };
        assert_eq!(run(c, "").0, Verdict::Keep);
    }

    #[test]
    fn an_empty_kept_line_counts_one_sentence_like_datatrove() {
        let c = C4QualityConfig {
            min_words_per_line: -1,
            min_num_sentences: 3,
            ..Default::default()
        };
        assert_eq!(run(c.clone(), "One. Two.").0, Verdict::Drop(TOO_FEW_SENTENCES));
        let (v, d) = run(c.clone(), "One. Two.\n  \n");
        assert_eq!(v, Verdict::Keep);
        assert_eq!(d.text(), Some("One. Two."));
        assert_eq!(d.metadata["signals"]["c4_quality"]["sentences"], 3);
    }

    #[test]
    fn rewrites_the_text_and_records_removed_lines() {
        let text = format!("  Menu\r\n{GOOD}\u{2028}Enable javascript to continue.\nCited text here.[2][edit]\n");
        let (v, d) = run(C4QualityConfig::default(), &text);
        assert_eq!(v, Verdict::Keep);
        assert_eq!(d.text(), Some(format!("{GOOD}\nCited text here.").as_str()));
        let removed = d.metadata["removed_lines"].as_array().unwrap();
        assert_eq!(removed.len(), 2);
        assert_eq!(removed[0]["line"], "Menu");
        assert_eq!(removed[0]["reason"], "c4_quality.too_few_words");
        assert_eq!(removed[1]["line"], "Enable javascript to continue.");
        assert_eq!(removed[1]["reason"], "c4_quality.javascript");
        let s = &d.metadata["signals"]["c4_quality"];
        assert_eq!(s["lines_removed"], 2);
        assert_eq!(s["lines_kept"], 5);
    }

    #[test]
    fn keeps_other_metadata() {
        let mut d = doc(GOOD);
        d.metadata.insert("signals".into(), serde_json::json!({"other": 1}));
        d.metadata.insert(
            "removed_lines".into(),
            serde_json::json!([{"line": "x", "reason": "y"}]),
        );
        let text = format!("{GOOD}\nshort line");
        d.body = Body::Text(text);
        C4Quality::new(C4QualityConfig::default(), true)
            .process(&mut d)
            .unwrap();
        assert_eq!(d.metadata["signals"]["other"], 1);
        assert_eq!(d.metadata["removed_lines"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn raw_documents_pass() {
        let mut d = doc("");
        d.body = Body::Raw {
            bytes: b"<p>x</p>".to_vec(),
            content_type: "text/html".into(),
            charset: None,
        };
        assert_eq!(
            C4Quality::new(C4QualityConfig::default(), false)
                .process(&mut d)
                .unwrap(),
            Verdict::Keep
        );
    }

    #[test]
    fn splits_on_sentences_when_not_splitting_paragraphs() {
        let c = C4QualityConfig {
            split_paragraph: false,
            ..Default::default()
        };
        let text = "First one is here. Second one is here. Third one is here. Fourth is also here. \
            Fifth is here too. JavaScript is needed here.";
        let (v, d) = run(c, text);
        assert_eq!(v, Verdict::Keep);
        assert_eq!(
            d.text(),
            Some("First one is here. Second one is here. Third one is here. Fourth is also here. Fifth is here too.")
        );
    }

    #[test]
    fn python_string_semantics() {
        assert_eq!(py_strip("\u{1f}\u{a0} x \u{3000}"), "x");
        assert_eq!(
            remove_citations("a[1] b[] c[edit] d[citation needed] e[x]"),
            "a b c d e[x]"
        );
    }

    #[test]
    fn urls_are_not_split_at_infixes() {
        // spaCy's URL_MATCH keeps the URL whole: no sentence break at `e.H`.
        assert_eq!(count_sentences("Go to https://foo.Bar.org/Page.Html. Next"), 2);
        assert_eq!(count_sentences("Go to example.com and then"), 1);
        assert_eq!(count_sentences("The artist.She sings"), 2);
        assert_eq!(count_sentences("The end.Next one"), 2);
    }

    #[test]
    fn whitespace_tokens_start_sentences() {
        // spaCy keeps whitespace runs (less a single space after a token) as tokens, and the
        // sentencizer starts a sentence at them.
        assert_eq!(count_sentences("Hello. "), 1);
        assert_eq!(count_sentences("Hello.  "), 2);
        assert_eq!(count_sentences("Hello.\n"), 2);
        assert_eq!(count_sentences("  Hello. \nWorld"), 2);
        assert_eq!(count_sentences(" \n "), 1);
        assert_eq!(sentence_pieces("Hello.  ", "en"), vec!["Hello.", "  "]);
        assert_eq!(sentence_pieces("", "en"), vec![""]);
        assert_eq!(sentence_pieces("  Hello. \nWorld", "en"), vec!["  Hello.", " \nWorld"]);
        assert_eq!(sentence_pieces("Hello.\n\nWorld", "en"), vec!["Hello.", "\n\nWorld"]);
    }

    #[test]
    fn sentences_use_the_language_tokenizer() {
        // German abbreviation exceptions (datatrove `split_into_sentences(text, "de")`).
        assert_eq!(count_sentences_in("Wir sind ca. zehn Leute", "en"), 2);
        assert_eq!(count_sentences_in("Wir sind ca. zehn Leute", "de"), 1);
        assert_eq!(count_sentences_in("Am 3. Oktober war es", "en"), 2);
        assert_eq!(count_sentences_in("Am 3. Oktober war es", "de"), 1);
        let text = format!("{GOOD}\nWir sind ca. zehn Leute hier.");
        let de = C4QualityConfig {
            language: "de".into(),
            ..Default::default()
        };
        assert_eq!(
            run(C4QualityConfig::default(), &text).1.metadata["signals"]["c4_quality"]["sentences"],
            8
        );
        assert_eq!(run(de, &text).1.metadata["signals"]["c4_quality"]["sentences"], 7);
    }

    #[test]
    fn counts_sentences_like_the_spacy_sentencizer() {
        assert_eq!(count_sentences("Hello world. This is it."), 2);
        assert_eq!(count_sentences("Hello world.This is it."), 2);
        assert_eq!(count_sentences("Hello world... this is it"), 1);
        assert_eq!(count_sentences("Mr. Smith went to Washington. He left."), 2);
        assert_eq!(count_sentences("He said \"Stop.\" Then he left!"), 2);
        assert_eq!(count_sentences("Wait?! What?"), 2);
        assert_eq!(count_sentences("Built by Company A. Then sold."), 1);
        assert_eq!(count_sentences("In the U.S. there are many."), 1);
        assert_eq!(count_sentences("Step 1. Do it. e.g. this"), 3);
        assert_eq!(count_sentences("Visit example.com. It is good"), 2);
        assert_eq!(count_sentences(""), 0);
        assert_eq!(count_sentences("..."), 1);
        assert_eq!(count_sentences("Tires by BFGoodrich\u{ae}. Season: All."), 2);
        assert_eq!(count_sentences("the p-n-s. the end"), 1);
        assert_eq!(count_sentences("It is why. :-D They did."), 2);
        assert_eq!(count_sentences("I know whats. Then we go"), 1);
        assert_eq!(count_sentences("po 150m. Vynikajuci"), 1);
        assert_eq!(count_sentences("mínimo 118km/h. Then"), 2);
        assert_eq!(count_sentences("apartmana itd.) a"), 1);
        assert_eq!(
            sentence_pieces("It is why. :-D They did. Then", "en"),
            vec!["It is why.", " :-D They did.", " Then"]
        );
        assert_eq!(count_sentences("It was 0 \u{b0}C. And then -12\u{a0}\u{b0}C."), 2);
        assert_eq!(count_sentences("Visit St.Lucia. Now"), 2);
        assert_eq!(count_sentences("Bio\u{2605}Born here.\u{2605} Much more"), 2);
        assert_eq!(count_sentences("KOMMUNISMI??!!\u{262d}\u{262d})"), 2);
        assert_eq!(count_sentences("\u{c800}\u{d76c}.\u{c544}\u{ac00}\u{b294} x"), 1);
    }

    /// Dev harness for bench/sentences_parity.py: reads JSONL `{"text", "lang"}` from `$TAMIS_SENT_IN`,
    /// writes one JSON array of sentence pieces per line to `$TAMIS_SENT_OUT`.
    #[test]
    #[ignore = "dev harness, needs TAMIS_SENT_IN / TAMIS_SENT_OUT"]
    fn dump_sentences_for_comparison() {
        crate::words::map_jsonl_for_comparison("TAMIS_SENT_IN", "TAMIS_SENT_OUT", |text, lang| {
            serde_json::json!(sentence_pieces(text, lang))
        });
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,200}", lines in proptest::collection::vec("[a-z .!?{}\\[\\]0-9\r\n\u{2028}\u{a0}…]{0,40}", 0..8)) {
            let _ = run(C4QualityConfig::default(), &text);
            let joined = lines.join("\n");
            let _ = run(C4QualityConfig::default(), &joined);
            let c = C4QualityConfig { split_paragraph: false, filter_no_terminal_punct: true, ..Default::default() };
            let _ = run(c, &joined);
            let _ = count_sentences(&text);
        }
    }
}
