//! Gopher repetition rules (Rae et al. 2021, Table A1), as datatrove's `GopherRepetitionFilter`:
//! same definitions, defaults, rule order and reason names.
//!
//! - paragraphs = `re.split(r"\n{2,}", text.strip())`, lines = `re.split(r"\n+", text)` (not
//!   stripped: a leading/trailing newline gives an empty line, and repeated empty lines count as
//!   duplicates, as in datatrove);
//! - duplicates count only the 2nd and later copies (`find_duplicates`); character fractions divide
//!   by the text's length in Unicode code points;
//! - top n-gram: `len(" ".join(ngram)) × count` of the most frequent n-gram (ties: the first seen,
//!   as `Counter.most_common`); duplicated n-grams: datatrove's greedy scan over `"".join(words[i:i+n])`
//!   (a repeat adds its length and jumps n words);
//! - words are [`crate::words::split_words`] tokens, not lower-cased.
//!
//! Empty text is dropped with `empty`, as datatrove does.
//!
//! Language: `metadata.language`, else `language`. With `per_language = true` and a non-English
//! language FineWeb-2 has settings for, its `dup_*` fractions and n-gram thresholds replace the
//! config's (`None` = rule disabled; FineWeb-2 disables the paragraph rules and `dup_line_char_frac`).
//! Other languages keep the config's (datatrove's) thresholds: these rules are language-neutral.
//! As in datatrove, a line or paragraph fraction of 0 (Python falsy) disables its rule; an n-gram
//! fraction of 0 does not (datatrove compares `> n_frac` unconditionally, so 0 drops any text that
//! has such an n-gram, or a repeated one).

use crate::document::Document;
use crate::filters::fineweb2;
use crate::filters::text::{doc_language, find_duplicates, is_english, Mix};
use crate::stage::{SignalSpec, Stage, StageError, Verdict};
use crate::words::{is_py_space, split_words};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

pub const EMPTY: &str = "empty";
pub const DUP_PARA_FRAC: &str = "dup_para_frac";
pub const DUP_PARA_CHAR_FRAC: &str = "dup_para_char_frac";
pub const DUP_LINE_FRAC: &str = "dup_line_frac";
pub const DUP_LINE_CHAR_FRAC: &str = "dup_line_char_frac";

/// The stage's name in `metadata.signals`.
pub const STAGE: &str = "gopher_repetition";

/// `top_{n}_gram` (datatrove's f-string), for the n the filter is used with.
fn top_reason(n: usize) -> &'static str {
    match n {
        1 => "top_1_gram",
        2 => "top_2_gram",
        3 => "top_3_gram",
        4 => "top_4_gram",
        5 => "top_5_gram",
        6 => "top_6_gram",
        _ => "top_n_gram",
    }
}

/// `duplicated_{n}_n_grams` (datatrove's f-string).
fn dup_reason(n: usize) -> &'static str {
    match n {
        1 => "duplicated_1_n_grams",
        2 => "duplicated_2_n_grams",
        3 => "duplicated_3_n_grams",
        4 => "duplicated_4_n_grams",
        5 => "duplicated_5_n_grams",
        6 => "duplicated_6_n_grams",
        7 => "duplicated_7_n_grams",
        8 => "duplicated_8_n_grams",
        9 => "duplicated_9_n_grams",
        10 => "duplicated_10_n_grams",
        11 => "duplicated_11_n_grams",
        12 => "duplicated_12_n_grams",
        _ => "duplicated_n_n_grams",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GopherRepetitionConfig {
    /// Drop if duplicated lines / lines is above this (datatrove 0.3).
    pub dup_line_frac: Option<f64>,
    /// Drop if duplicated paragraphs / paragraphs is above this (datatrove 0.3).
    pub dup_para_frac: Option<f64>,
    /// Drop if chars in duplicated lines / chars is above this (datatrove 0.2).
    pub dup_line_char_frac: Option<f64>,
    /// Drop if chars in duplicated paragraphs / chars is above this (datatrove 0.2).
    pub dup_para_char_frac: Option<f64>,
    /// `[n, fraction]` pairs: drop if the most frequent n-gram covers more than the fraction of the
    /// chars (datatrove `[[2, 0.2], [3, 0.18], [4, 0.16]]`).
    pub top_n_grams: Vec<(usize, f64)>,
    /// `[n, fraction]` pairs: drop if repeated n-grams cover more than the fraction of the chars
    /// (datatrove `[[5, 0.15], [6, 0.14], [7, 0.13], [8, 0.12], [9, 0.11], [10, 0.1]]`).
    pub dup_n_grams: Vec<(usize, f64)>,
    /// Language (ISO 639-1) for documents without `metadata.language`.
    pub language: String,
    /// Use FineWeb-2's per-language thresholds (see the module docs).
    pub per_language: bool,
}

impl Default for GopherRepetitionConfig {
    fn default() -> Self {
        GopherRepetitionConfig {
            dup_line_frac: Some(0.3),
            dup_para_frac: Some(0.3),
            dup_line_char_frac: Some(0.2),
            dup_para_char_frac: Some(0.2),
            top_n_grams: vec![(2, 0.2), (3, 0.18), (4, 0.16)],
            dup_n_grams: vec![(5, 0.15), (6, 0.14), (7, 0.13), (8, 0.12), (9, 0.11), (10, 0.10)],
            language: "en".into(),
            per_language: true,
        }
    }
}

impl GopherRepetitionConfig {
    pub fn example() -> Self {
        Self::default()
    }
}

pub struct GopherRepetition {
    record_signals: bool,
    config: GopherRepetitionConfig,
}

impl GopherRepetition {
    /// `record_signals`: write the computed signals to `metadata.signals.<stage>` (annotate mode).
    pub fn new(config: GopherRepetitionConfig, record_signals: bool) -> Self {
        GopherRepetition { config, record_signals }
    }
}

/// Thresholds in force for one document.
struct Thresholds<'c> {
    dup_line_frac: Option<f64>,
    dup_para_frac: Option<f64>,
    dup_line_char_frac: Option<f64>,
    dup_para_char_frac: Option<f64>,
    top_n_grams: &'c [(usize, f64)],
    dup_n_grams: &'c [(usize, f64)],
}

impl GopherRepetitionConfig {
    fn thresholds(&self, language: &str) -> Thresholds<'_> {
        if self.per_language && !is_english(language) {
            if let Some(p) = fineweb2::params(language) {
                // FineWeb-2's n-gram fractions were fitted on words; where tamis can only split
                // characters (zh, ja, th) those rules are off and the line rules remain.
                let chars = crate::words::counts_characters(language);
                return Thresholds {
                    dup_line_frac: p.dup_line_frac,
                    dup_para_frac: p.dup_para_frac,
                    dup_line_char_frac: p.dup_line_char_frac,
                    dup_para_char_frac: p.dup_para_char_frac,
                    top_n_grams: if chars { &[] } else { p.top_n_grams },
                    dup_n_grams: if chars { &[] } else { p.dup_n_grams },
                };
            }
        }
        Thresholds {
            dup_line_frac: self.dup_line_frac,
            dup_para_frac: self.dup_para_frac,
            dup_line_char_frac: self.dup_line_char_frac,
            dup_para_char_frac: self.dup_para_char_frac,
            top_n_grams: &self.top_n_grams,
            dup_n_grams: &self.dup_n_grams,
        }
    }
}

/// Split on runs of `min_run` or more `\n` (`re.split(r"\n{k,}", s)`); keeps empty pieces.
fn split_newline_runs(s: &str, min_run: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut start = 0usize;
    let mut i = 0usize;
    while i < bytes.len() {
        if bytes[i] == b'\n' {
            let run = bytes[i..].iter().take_while(|&&b| b == b'\n').count();
            if run >= min_run {
                out.push(&s[start..i]);
                start = i + run;
            }
            i += run;
        } else {
            i += 1;
        }
    }
    out.push(&s[start..]);
    out
}

/// Each distinct word as a small integer (equal words, equal ids).
fn word_ids(words: &[&str]) -> Vec<u32> {
    let mut ids: HashMap<&str, u32, Mix> =
        HashMap::with_capacity_and_hasher(start_capacity(words.len() / 2), Mix::default());
    words
        .iter()
        .map(|w| {
            let next = ids.len() as u32;
            *ids.entry(w).or_insert(next)
        })
        .collect()
}

/// `len(" ".join(ngram)) * count` of the most common n-gram (first seen wins ties); 0 if none.
/// Up to 4 word ids pack into a u128 key; longer n-grams (not in datatrove's defaults) are keyed by
/// a 128-bit hash of their ids.
fn top_ngram_chars(ids: &[u32], word_chars: &[u32], n: usize) -> usize {
    if n == 0 || ids.len() < n {
        return 0;
    }
    // Tokens contain no whitespace, so " ".join equality is word-tuple equality.
    let mut counts: HashMap<u128, (u32, u32), Mix> =
        HashMap::with_capacity_and_hasher(start_capacity(ids.len()), Mix::default());
    for (i, gram) in (0u32..).zip(ids.windows(n)) {
        let key = if n <= 4 {
            gram.iter().fold(0u128, |k, &id| (k << 32) | u128::from(id))
        } else {
            let bytes: Vec<u8> = gram.iter().flat_map(|id| id.to_le_bytes()).collect();
            xxhash_rust::xxh3::xxh3_128(&bytes)
        };
        counts.entry(key).or_insert((0, i)).0 += 1;
    }
    let Some(&(count, first)) = counts.values().max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1))) else {
        return 0;
    };
    let first = first as usize;
    let len: usize = word_chars[first..first + n].iter().map(|&c| c as usize).sum::<usize>() + (n - 1);
    len * count as usize
}

/// Polynomial prefix hashes (mod 2^61 − 1) over the words' bytes written one after another, so
/// that the key of words[i..j] is the key of their `"".join`: datatrove compares n-grams by that
/// string, and different word tuples can join to the same one. Hashes are kept at word boundaries
/// only and powers only up to the longest n-gram asked for: memory grows with the word count, not
/// eight bytes twice per byte of text (a 20 MB document took 320 MB here before).
struct Concat {
    /// Byte offset of each word in the concatenation (len = words + 1).
    offsets: Vec<usize>,
    /// Hash of the concatenation of `words[..i]` (len = words + 1).
    prefix: Vec<u64>,
    /// `BASE^k` for k up to the byte length of the longest n-gram `key` may be asked for.
    powers: Vec<u64>,
}

const MERSENNE61: u64 = (1 << 61) - 1;

fn mul_mod(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    let r = ((p & u128::from(MERSENNE61)) + (p >> 61)) as u64;
    if r >= MERSENNE61 {
        r - MERSENNE61
    } else {
        r
    }
}

/// `x mod 2^61 − 1` for `x < 2 (2^61 − 1)`: one subtraction, not a division (this runs once per
/// byte of text and twice per n-gram).
fn reduce(x: u64) -> u64 {
    if x >= MERSENNE61 {
        x - MERSENNE61
    } else {
        x
    }
}

impl Concat {
    /// `max_n`: the most words an n-gram given to `key` will have.
    fn new(words: &[&str], max_n: usize) -> Concat {
        const BASE: u64 = 1_000_003;
        let mut offsets = Vec::with_capacity(words.len() + 1);
        let mut prefix = Vec::with_capacity(words.len() + 1);
        let (mut hash, mut at) = (0u64, 0usize);
        offsets.push(0);
        prefix.push(0);
        for w in words {
            for &b in w.as_bytes() {
                hash = reduce(mul_mod(hash, BASE) + u64::from(b) + 1);
            }
            at += w.len();
            offsets.push(at);
            prefix.push(hash);
        }
        // Any n-gram of up to `max_n` words lies within some window of min(max_n, words) words.
        let m = max_n.min(words.len());
        let longest = (0..=words.len() - m)
            .map(|i| offsets[i + m] - offsets[i])
            .max()
            .unwrap_or(0);
        let mut powers = Vec::with_capacity(longest + 1);
        powers.push(1);
        for _ in 0..longest {
            powers.push(mul_mod(*powers.last().unwrap_or(&1), BASE));
        }
        Concat {
            offsets,
            prefix,
            powers,
        }
    }

    /// Key of `"".join(words[i..j])`: its hash and its byte length.
    fn key(&self, i: usize, j: usize) -> u128 {
        let (a, b) = (self.offsets[i], self.offsets[j]);
        let h = reduce(self.prefix[j] + MERSENNE61 - mul_mod(self.prefix[i], self.powers[b - a]));
        (u128::from(h) << 64) | (b - a) as u128
    }
}

/// A hash table's first size for `n` items: all of them for ordinary documents (no regrowth), at
/// most 64 Ki for huge ones, whose few distinct keys (a repeated dump) must not cost a slot each.
fn start_capacity(n: usize) -> usize {
    n.min(1 << 16) + 1
}

/// datatrove `find_all_duplicate`: greedy scan; an n-gram (`"".join`) seen before adds its length
/// and the scan jumps n words.
fn all_duplicate_chars(concat: &Concat, word_chars: &[u32], n: usize) -> usize {
    let words = word_chars.len();
    if n == 0 || words < n {
        return 0;
    }
    let mut seen: HashSet<u128, Mix> = HashSet::with_capacity_and_hasher(start_capacity(words), Mix::default());
    let mut repeated = 0usize;
    let mut idx = 0usize;
    while idx + n <= words {
        if seen.insert(concat.key(idx, idx + n)) {
            idx += 1;
        } else {
            repeated += word_chars[idx..idx + n].iter().map(|&c| c as usize).sum::<usize>();
            idx += n;
        }
    }
    repeated
}

/// Evaluate the rules in datatrove's order; with `all`, keep computing every signal after a drop.
fn evaluate(text: &str, language: &str, t: &Thresholds<'_>, all: bool, signals: &mut Map<String, Value>) -> Verdict {
    if text.is_empty() {
        return Verdict::Drop(EMPTY);
    }
    let mut verdict = Verdict::Keep;
    let mut check = |name: &'static str, value: f64, max: Option<f64>, signals: &mut Map<String, Value>| -> bool {
        signals.insert(name.into(), num(value));
        if verdict == Verdict::Keep && max.is_some_and(|m| value > m) {
            verdict = Verdict::Drop(name);
        }
        verdict != Verdict::Keep && !all
    };
    let text_chars = text.chars().count() as f64;

    let paragraphs = split_newline_runs(text.trim_matches(is_py_space), 2);
    let (para_dups, para_dup_chars) = find_duplicates(paragraphs.iter().copied());
    if check(
        DUP_PARA_FRAC,
        para_dups as f64 / paragraphs.len() as f64,
        truthy(t.dup_para_frac),
        signals,
    ) || check(
        DUP_PARA_CHAR_FRAC,
        para_dup_chars as f64 / text_chars,
        truthy(t.dup_para_char_frac),
        signals,
    ) {
        return verdict;
    }
    let lines = split_newline_runs(text, 1);
    let (line_dups, line_dup_chars) = find_duplicates(lines.iter().copied());
    if check(
        DUP_LINE_FRAC,
        line_dups as f64 / lines.len() as f64,
        truthy(t.dup_line_frac),
        signals,
    ) || check(
        DUP_LINE_CHAR_FRAC,
        line_dup_chars as f64 / text_chars,
        truthy(t.dup_line_char_frac),
        signals,
    ) {
        return verdict;
    }

    let words = split_words(text, language);
    // Word lengths fit u32: a record is at most `max_record_bytes` (u32 halves this vector's memory).
    let word_chars: Vec<u32> = words.iter().map(|w| w.chars().count() as u32).collect();
    let ids = word_ids(&words);
    for &(n, frac) in t.top_n_grams {
        if words.len() < n || n == 0 {
            continue; // datatrove: no n-grams, rule skipped
        }
        let value = top_ngram_chars(&ids, &word_chars, n) as f64 / text_chars;
        if check(top_reason(n), value, Some(frac), signals) {
            return verdict;
        }
    }
    let longest = t.dup_n_grams.iter().map(|&(n, _)| n).max().unwrap_or(0);
    let concat = Concat::new(&words, longest);
    for &(n, frac) in t.dup_n_grams {
        let value = all_duplicate_chars(&concat, &word_chars, n) as f64 / text_chars;
        if check(dup_reason(n), value, Some(frac), signals) {
            return verdict;
        }
    }
    verdict
}

/// datatrove's `if self.x and ...`: `None` and 0 disable the line and paragraph rules. Its n-gram
/// rules have no such test (`if frac_of_text > n_frac`): an n-gram fraction of 0 is a live threshold.
fn truthy(v: Option<f64>) -> Option<f64> {
    v.filter(|m| *m != 0.0)
}

fn num(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

impl Stage for GopherRepetition {
    fn process(&self, doc: &mut Document) -> Result<Verdict, StageError> {
        let Some(text) = doc.text() else {
            return Ok(Verdict::Keep);
        };
        let language = doc_language(doc, &self.config.language);
        let thresholds = self.config.thresholds(language);
        let mut signals = Map::new();
        let verdict = evaluate(text, language, &thresholds, self.record_signals, &mut signals);
        if self.record_signals {
            doc.set_signals(STAGE, signals);
        }
        Ok(verdict)
    }

    fn signal_specs(&self) -> Vec<SignalSpec> {
        let c = &self.config;
        let mut specs = vec![
            SignalSpec::ratio(DUP_PARA_FRAC, None, truthy(c.dup_para_frac)),
            SignalSpec::ratio(DUP_PARA_CHAR_FRAC, None, truthy(c.dup_para_char_frac)),
            SignalSpec::ratio(DUP_LINE_FRAC, None, truthy(c.dup_line_frac)),
            SignalSpec::ratio(DUP_LINE_CHAR_FRAC, None, truthy(c.dup_line_char_frac)),
        ];
        specs.extend(
            c.top_n_grams
                .iter()
                .map(|&(n, f)| SignalSpec::ratio(top_reason(n), None, Some(f))),
        );
        specs.extend(
            c.dup_n_grams
                .iter()
                .map(|&(n, f)| SignalSpec::ratio(dup_reason(n), None, Some(f))),
        );
        specs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::test_doc as doc;

    const GOOD: &str = "The quick brown fox jumps over the lazy dog and runs to the forest with the other animals.\n\
        It is a sunny day and the birds are singing in the trees of the old park near the river.\n\n\
        Children play with a ball while their parents talk about the weather and the news of the week.\n\
        Later they will have lunch together and walk back home before the evening comes to the town.";

    fn run(config: GopherRepetitionConfig, text: &str) -> Verdict {
        GopherRepetition::new(config, false).process(&mut doc(text)).unwrap()
    }

    fn default_run(text: &str) -> Verdict {
        run(GopherRepetitionConfig::default(), text)
    }

    #[test]
    fn keeps_text_without_repetition() {
        assert_eq!(default_run(GOOD), Verdict::Keep);
    }

    #[test]
    fn drops_empty_text() {
        assert_eq!(default_run(""), Verdict::Drop(EMPTY));
    }

    #[test]
    fn drops_duplicated_paragraphs() {
        let text = format!("{GOOD}\n\nSame paragraph here.\n\nSame paragraph here.\n\nSame paragraph here.");
        assert_eq!(default_run(&text), Verdict::Drop(DUP_PARA_FRAC));
    }

    #[test]
    fn drops_paragraphs_duplicated_by_characters() {
        let long =
            "A long paragraph that repeats itself with many words in it, again and again and again, to weigh a lot.";
        let text = format!("{long}\n\n{long}\n\nshort one\n\nshort two\n\nshort three\n\nshort four\n\nshort five");
        assert_eq!(default_run(&text), Verdict::Drop(DUP_PARA_CHAR_FRAC));
    }

    #[test]
    fn drops_duplicated_lines() {
        let c = GopherRepetitionConfig {
            dup_para_frac: None,
            dup_para_char_frac: None,
            ..Default::default()
        };
        let text = format!("{GOOD}\nmenu\nmenu\nmenu\nmenu");
        assert_eq!(run(c, &text), Verdict::Drop(DUP_LINE_FRAC));
    }

    #[test]
    fn drops_lines_duplicated_by_characters() {
        let c = GopherRepetitionConfig {
            dup_para_frac: None,
            dup_para_char_frac: None,
            ..Default::default()
        };
        let long = "A long line that repeats itself with many words in it, again and again, to weigh a lot of chars.";
        let text = format!("{long}\n{long}\nb\nc\nd\ne\nf\ng");
        assert_eq!(run(c, &text), Verdict::Drop(DUP_LINE_CHAR_FRAC));
    }

    #[test]
    fn drops_dominant_top_ngrams() {
        let c = |n: usize| GopherRepetitionConfig {
            top_n_grams: vec![(n, 0.2)],
            ..Default::default()
        };
        let text = format!("{} {}", GOOD.replace('\n', " "), ["big sale"; 30].join(" "));
        assert_eq!(run(c(2), &text), Verdict::Drop("top_2_gram"));
        let text = format!("{} {}", GOOD.replace('\n', " "), ["big sale now"; 20].join(" "));
        assert_eq!(run(c(3), &text), Verdict::Drop("top_3_gram"));
        let text = format!("{} {}", GOOD.replace('\n', " "), ["big sale now on"; 15].join(" "));
        assert_eq!(run(c(4), &text), Verdict::Drop("top_4_gram"));
    }

    #[test]
    fn drops_duplicated_ngrams() {
        for n in 5..=10 {
            let c = GopherRepetitionConfig {
                top_n_grams: Vec::new(),
                dup_n_grams: vec![(n, 0.1)],
                ..Default::default()
            };
            let phrase = "one two three four five six seven eight nine ten";
            let text = format!("{} {phrase} {phrase} {phrase}", GOOD.replace('\n', " "));
            assert_eq!(run(c, &text), Verdict::Drop(dup_reason(n)), "n = {n}");
        }
        assert_eq!(dup_reason(5), "duplicated_5_n_grams");
        assert_eq!(dup_reason(10), "duplicated_10_n_grams");
    }

    #[test]
    fn greedy_duplicate_scan_matches_datatrove() {
        // datatrove: words a b a b a b, n=2 -> "ab" at 0 new, "ba" at 1 new, "ab" at 2 repeat (+2, jump to 4),
        // "ab" at 4 repeat (+2) -> 4.
        let words = ["a", "b", "a", "b", "a", "b"];
        let chars = [1; 6];
        assert_eq!(all_duplicate_chars(&Concat::new(&words, 2), &chars, 2), 4);
        // "".join makes ("ab", "c") equal to ("a", "bc").
        let words = ["ab", "c", "a", "bc"];
        assert_eq!(all_duplicate_chars(&Concat::new(&words, 2), &[2, 1, 1, 2], 2), 3);
        // ... but not ("ab", "c") and ("a", "cb").
        let words = ["ab", "c", "a", "cb"];
        assert_eq!(all_duplicate_chars(&Concat::new(&words, 2), &[2, 1, 1, 2], 2), 0);
    }

    #[test]
    fn top_ngram_ties_take_the_first_seen() {
        // "xx y" and "y z" both occur twice; "xx y" (first seen) has 4 chars.
        let words = ["xx", "y", "xx", "y", "z", "q", "y", "z"];
        let chars: Vec<u32> = words.iter().map(|w| w.chars().count() as u32).collect();
        assert_eq!(top_ngram_chars(&word_ids(&words), &chars, 2), 8);
        // Longer n-grams are keyed by hash: every 5-gram occurs once, so the first, "xx y xx y z"
        // (11 characters), counts once.
        assert_eq!(top_ngram_chars(&word_ids(&words), &chars, 5), 11);
    }

    #[test]
    fn splits_paragraphs_and_lines_like_re_split() {
        assert_eq!(split_newline_runs("a\n\n\nb\nc", 2), vec!["a", "b\nc"]);
        assert_eq!(split_newline_runs("\na\n\nb\n", 1), vec!["", "a", "b", ""]);
    }

    #[test]
    fn zero_fraction_disables_line_rules_but_not_ngram_rules() {
        // datatrove: `if self.dup_line_frac and ...` vs `if top_char_length / len(text) > n_frac`.
        let text = format!("{GOOD}\nmenu\nmenu");
        let lines_off = GopherRepetitionConfig {
            dup_line_frac: Some(0.0),
            dup_para_frac: Some(0.0),
            dup_line_char_frac: Some(0.0),
            dup_para_char_frac: Some(0.0),
            top_n_grams: Vec::new(),
            dup_n_grams: Vec::new(),
            ..Default::default()
        };
        assert_eq!(run(lines_off.clone(), &text), Verdict::Keep);
        let top_zero = GopherRepetitionConfig {
            top_n_grams: vec![(2, 0.0)],
            ..lines_off.clone()
        };
        assert_eq!(run(top_zero, &text), Verdict::Drop("top_2_gram"));
        let dup_zero = GopherRepetitionConfig {
            dup_n_grams: vec![(5, 0.0)],
            ..lines_off.clone()
        };
        assert_eq!(
            run(dup_zero.clone(), GOOD),
            Verdict::Keep,
            "no repeated 5-gram: 0 > 0 is false"
        );
        let repeated = format!("{GOOD} {GOOD}");
        assert_eq!(run(dup_zero, &repeated), Verdict::Drop("duplicated_5_n_grams"));
    }

    #[test]
    fn language_params_change_the_decision() {
        let text = format!("{GOOD}\nmenu\nmenu");
        let c = GopherRepetitionConfig::default();
        let strict = Thresholds {
            dup_line_frac: Some(0.1),
            dup_para_frac: None,
            dup_line_char_frac: None,
            dup_para_char_frac: None,
            top_n_grams: &[],
            dup_n_grams: &[],
        };
        let mut s = Map::new();
        assert_eq!(evaluate(&text, "xx", &c.thresholds("en"), false, &mut s), Verdict::Keep);
        assert_eq!(
            evaluate(&text, "xx", &strict, false, &mut s),
            Verdict::Drop(DUP_LINE_FRAC)
        );
    }

    #[test]
    fn records_every_signal_in_annotate_mode() {
        let mut d = doc(&format!("{GOOD}\n\n{GOOD}"));
        let v = GopherRepetition::new(GopherRepetitionConfig::default(), true)
            .process(&mut d)
            .unwrap();
        assert_eq!(v, Verdict::Drop(DUP_PARA_FRAC));
        let sig = &d.metadata["signals"][STAGE];
        assert!(sig["dup_para_frac"].as_f64().unwrap() > 0.3);
        assert!(sig["duplicated_10_n_grams"].as_f64().is_some());
    }

    #[test]
    fn raw_documents_pass() {
        let mut d = doc("");
        d.body = crate::document::Body::Raw {
            bytes: Vec::new(),
            content_type: "text/html".into(),
            charset: None,
        };
        assert_eq!(run_doc(&mut d), Verdict::Keep);
    }

    fn run_doc(d: &mut Document) -> Verdict {
        GopherRepetition::new(GopherRepetitionConfig::default(), false)
            .process(d)
            .unwrap()
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_records_signals(text in "(\\PC|\n|\r|\u{2028}|#|-|…|\\.){0,300}", lang in "(en|fr|de|ja|zz)") {
            let mut d = doc(&text);
            d.metadata.insert("language".into(), lang.into());
            let verdict = GopherRepetition::new(GopherRepetitionConfig::default(), true).process(&mut d);
            proptest::prop_assert!(verdict.is_ok());
            proptest::prop_assert!(d.metadata["signals"][STAGE].is_object());
        }
    }
}
