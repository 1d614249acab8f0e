//! Word tokenisation shared by the quality filters, and datatrove's punctuation sets.
//!
//! datatrove's filters count "words" as `split_into_words(text, language)`: for English, French,
//! German (and, by proxy, many other languages) that is spaCy's rule-based tokenizer
//! (`spacy.blank(lang)`), keeping every token that is non-empty after `strip()`. Tokens include
//! punctuation. The filters' thresholds were tuned on those counts, so [`split_words`] re-implements
//! that tokenizer:
//!
//! 1. split on whitespace (Python `str.isspace`; whitespace tokens are dropped as datatrove does);
//! 2. per chunk: the whole chunk as a tokenizer exception ("special case": `don't` → `do` `n't`);
//! 3. otherwise strip prefixes and suffixes in spaCy's loop (`Tokenizer._split_affixes`), stopping
//!    when the remainder is a special case;
//! 4. the remainder: special case, URL (spaCy's `URL_MATCH`), or split at infixes
//!    (`Tokenizer._attach_tokens`, including its quirk of ignoring an infix at position 0).
//!
//! The prefix/suffix/infix rules are spaCy's regexes (`spacy/lang/punctuation.py`, the `en`, `fr`
//! and `de` overrides) written as hand-coded matchers over chars, no regex in the hot path. The
//! character classes (`ALPHA`, `ALPHA_LOWER`, `ALPHA_UPPER`, the icon symbols, units, currencies,
//! the chars a final `.` may follow) and the exception tables are data exported from spaCy 3.8 by
//! `bench/gen_spacy_tables.py` into `words/spacy_tables.rs`.
//!
//! 5. spaCy's second pass (`_apply_special_cases`): special cases that contain affix characters
//!    (`a.`, `''`, `):`) are found again as token sequences and re-merged when they are contiguous.
//!
//! Approximations (documented so nobody mistakes this for spaCy itself):
//! - In that second pass, tokens separated by exactly one space count as adjacent (spaCy has no
//!   whitespace token there) and any other whitespace as a break (spaCy has a whitespace token).
//! - French `TOKEN_MATCH` (hyphenated/elided words kept whole: `Saint-Denis`, `rez-de-chaussée`) is
//!   spaCy's ~170 patterns compiled with the `regex` crate, their letter classes (`ALPHA`,
//!   `ALPHA_LOWER` under `(?i)`) taken as `\p{L}`.
//! - Languages other than en/fr/de use spaCy's base rules and base exceptions (spaCy `xx`), which is
//!   what datatrove uses for unassigned languages. datatrove assigns many languages their own spaCy
//!   tokenizer, whose abbreviation exceptions (and for ~35 of them, punctuation rules) are not
//!   reproduced here. Measured on 100 HPLT documents each (token match with datatrove): af 100 %,
//!   ru 99.8 %, bg 99.6 %, ast 99.5 %, nb 98.5 % (abbreviations like `kl.`, `2.`), ca 88.7 % (Catalan
//!   splits `del` → `d` `el`).
//! - zh/ja/th/lo/km/my/bo (no spaces between words): NOT datatrove's tokenizers (jieba, SudachiPy,
//!   pythainlp, ...). Fallback: the base rules, then every character of those scripts is its own
//!   token, so counts are "characters" there, not words.
//! - `\d` inside `URL_MATCH` ports is taken as ASCII digits, `\w` in its scheme as alphanumeric or `_`.

mod spacy_tables;

use spacy_tables as tables;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Split `text` into datatrove-style word tokens (stripped, non-empty) for `language` (ISO 639-1;
/// `eng`, `en_US`-style codes are accepted too). Never panics; returns slices of `text`.
pub fn split_words<'a>(text: &'a str, language: &str) -> Vec<&'a str> {
    // The quality stages tokenize the same text one after another on the same worker (datatrove
    // keeps an lru_cache on its splitter for the same reason): remember the last text's tokens.
    type Cached = Option<(u128, usize, Profile, Vec<std::ops::Range<usize>>)>;
    thread_local! {
        static LAST: std::cell::RefCell<Cached> = const { std::cell::RefCell::new(None) };
    }
    const CACHE_MIN_BYTES: usize = 512;
    if text.len() < CACHE_MIN_BYTES {
        return tokenize_words(text, language);
    }
    let profile = Profile::of(language);
    let hash = xxhash_rust::xxh3::xxh3_128(text.as_bytes());
    let hit = LAST.with(|last| {
        let last = last.borrow();
        let (h, len, p, spans) = last.as_ref()?;
        if (*h, *len, *p) != (hash, text.len(), profile) {
            return None;
        }
        spans.iter().map(|r| text.get(r.clone())).collect::<Option<Vec<&str>>>()
    });
    if let Some(tokens) = hit {
        return tokens;
    }
    let tokens = tokenize_words(text, language);
    let base = text.as_ptr() as usize;
    let spans = tokens
        .iter()
        .map(|t| {
            let start = t.as_ptr() as usize - base;
            start..start + t.len()
        })
        .collect();
    LAST.with(|last| *last.borrow_mut() = Some((hash, text.len(), profile, spans)));
    tokens
}

/// [`split_words`] without the cache.
fn tokenize_words<'a>(text: &'a str, language: &str) -> Vec<&'a str> {
    let profile = Profile::of(language);
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    let mut suffixes = Vec::new();
    for chunk in text.split(is_py_space) {
        if !chunk.is_empty() {
            tokenize_chunk(chunk, profile, true, &mut out, &mut suffixes);
        }
    }
    let out = apply_special_matcher(text, out, profile);
    if profile == Profile::NoSpace {
        split_no_space_scripts(out)
    } else {
        out
    }
}

/// The byte ranges in `text` of [`split_words`]' tokens, in order (same tokens, as offsets: spaCy's
/// whitespace tokens, which `split_words` drops, are the gaps between them).
pub fn word_spans(text: &str, language: &str) -> Vec<std::ops::Range<usize>> {
    let base = text.as_ptr() as usize;
    split_words(text, language)
        .into_iter()
        .map(|tok| {
            let start = tok.as_ptr() as usize - base;
            start..start + tok.len()
        })
        .collect()
}

/// Whether [`split_words`] falls back to one token per character for `language` (zh, ja, th, …):
/// word-based thresholds (mean word length, n-gram fractions) do not apply to such tokens.
pub fn counts_characters(language: &str) -> bool {
    Profile::of(language) == Profile::NoSpace
}

/// datatrove's `TERMINAL_PUNCTUATION` (sentence terminators of many scripts), sorted.
pub const TERMINAL_PUNCTUATION: &[char] = &[
    '!',
    '.',
    '?',
    '։',
    '؝',
    '؞',
    '؟',
    '۔',
    '܀',
    '܁',
    '܂',
    '߹',
    '࠷',
    '࠹',
    '࠽',
    '࠾',
    '।',
    '॥',
    '၊',
    '။',
    '።',
    '፧',
    '፨',
    '᙮',
    '᜵',
    '᜶',
    '។',
    '៕',
    '៖',
    '៙',
    '៚',
    '᠃',
    '᠉',
    '᥄',
    '᥅',
    '᪨',
    '᪩',
    '᪪',
    '᪫',
    '᭚',
    '᭛',
    '᭞',
    '᭟',
    '᭽',
    '᭾',
    '᰻',
    '᰼',
    '᱾',
    '᱿',
    '‼',
    '‽',
    '⁇',
    '⁈',
    '⁉',
    '⸮',
    '⸼',
    '⹓',
    '⹔',
    '。',
    '꓿',
    '꘎',
    '꘏',
    '꛳',
    '꛷',
    '꡶',
    '꡷',
    '꣎',
    '꣏',
    '꤯',
    '꧈',
    '꧉',
    '꩝',
    '꩞',
    '꩟',
    '꫰',
    '꫱',
    '꯫',
    '﹒',
    '﹖',
    '﹗',
    '！',
    '．',
    '？',
    '｡',
    '𐩖',
    '𐩗',
    '𐽕',
    '𐽖',
    '𐽗',
    '𐽘',
    '𐽙',
    '𐾆',
    '𐾇',
    '𐾈',
    '𐾉',
    '𑁇',
    '𑁈',
    '𑂾',
    '𑂿',
    '𑃀',
    '𑃁',
    '𑅁',
    '𑅂',
    '𑅃',
    '𑇅',
    '𑇆',
    '𑇍',
    '𑇞',
    '𑇟',
    '𑈸',
    '𑈹',
    '𑈻',
    '𑈼',
    '𑊩',
    '𑑋',
    '𑑌',
    '𑗂',
    '𑗃',
    '𑗉',
    '𑗊',
    '𑗋',
    '𑗌',
    '𑗍',
    '𑗎',
    '𑗏',
    '𑗐',
    '𑗑',
    '𑗒',
    '𑗓',
    '𑗔',
    '𑗕',
    '𑗖',
    '𑗗',
    '𑙁',
    '𑙂',
    '𑜼',
    '𑜽',
    '𑜾',
    '𑥄',
    '𑥆',
    '𑩂',
    '𑩃',
    '𑪛',
    '𑪜',
    '𑱁',
    '𑱂',
    '𑻷',
    '𑻸',
    '\u{11f43}',
    '\u{11f44}',
    '𖩮',
    '𖩯',
    '𖫵',
    '𖬷',
    '𖬸',
    '𖭄',
    '𖺘',
    '𛲟',
    '𝪈',
];

/// datatrove's `PUNCTUATION` string as chars, sorted; `PUNCTUATION_SET` is this ∪ [`TERMINAL_PUNCTUATION`].
pub const PUNCTUATION: &[char] = &[
    '\u{0}', '\u{1}', '\u{2}', '\u{3}', '\u{4}', '\u{5}', '\u{6}', '\u{7}', '\u{8}', '\u{b}', '\u{c}', '\u{d}',
    '\u{e}', '\u{f}', '\u{10}', '\u{11}', '\u{12}', '\u{13}', '\u{14}', '\u{15}', '\u{16}', '\u{17}', '\u{18}',
    '\u{19}', '\u{1a}', '\u{1b}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{1f}', '!', '"', '#', '$', '%', '&', '\'', '(', ')',
    '*', '+', ',', '-', '.', '/', ':', ';', '<', '=', '>', '?', '@', '[', '\\', ']', '^', '_', '`', '{', '|', '}', '~',
    '\u{7f}', '\u{80}', '\u{81}', '\u{82}', '\u{83}', '\u{84}', '\u{85}', '\u{86}', '\u{87}', '\u{88}', '\u{89}',
    '\u{8a}', '\u{8b}', '\u{8c}', '\u{8d}', '\u{8e}', '\u{8f}', '\u{90}', '\u{91}', '\u{92}', '\u{93}', '\u{94}',
    '\u{95}', '\u{96}', '\u{97}', '\u{98}', '\u{99}', '\u{9a}', '\u{9b}', '\u{9c}', '\u{9d}', '\u{9e}', '\u{9f}', '«',
    '´', '»', '–', '—', '’', '“', '”', '„', '…', '∶', '━', '►', '、', '。', '〈', '〉', '《', '》', '「', '」', '【',
    '】', '！', '％', '（', '）', '，', '．', '１', '：', '；', '？', '～',
];

/// `c in TERMINAL_PUNCTUATION` (datatrove `utils/text.py`).
pub fn is_terminal_punctuation(c: char) -> bool {
    match c {
        '.' | '!' | '?' => true,
        c if c.is_ascii() => false,
        c => TERMINAL_PUNCTUATION.binary_search(&c).is_ok(),
    }
}

/// `c in PUNCTUATION_SET` (datatrove `utils/text.py`: its `PUNCTUATION` string ∪ `TERMINAL_PUNCTUATION`).
pub fn is_punctuation(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation() || (c.is_ascii_control() && c != '\t' && c != '\n');
    }
    PUNCTUATION.binary_search(&c).is_ok() || TERMINAL_PUNCTUATION.binary_search(&c).is_ok()
}

/// Python `str.isalpha()` for one char (Unicode categories Lu, Ll, Lt, Lm, Lo; Python 3.11 data).
pub fn py_is_alpha(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    in_ranges(c, tables::PY_ALPHA)
}

/// Python `str.isspace()` for one char: Unicode White_Space plus the separators U+001C..U+001F.
pub fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Which of spaCy's rule sets a language gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Profile {
    En,
    Fr,
    De,
    /// spaCy's base rules (`xx`).
    Base,
    /// Scripts without spaces: base rules, then one token per character of those scripts.
    NoSpace,
}

impl Profile {
    fn of(language: &str) -> Profile {
        let code = language.split(['_', '-']).next().unwrap_or("");
        let is = |names: &[&str]| names.iter().any(|n| code.eq_ignore_ascii_case(n));
        if is(&["en", "eng"]) {
            Profile::En
        } else if is(&["fr", "fra", "fre"]) {
            Profile::Fr
        } else if is(&["de", "deu", "ger"]) {
            Profile::De
        } else if is(&[
            "zh", "zho", "chi", "cmn", "yue", "wuu", "ja", "jpn", "th", "tha", "lo", "lao", "km", "khm", "my", "mya",
            "bo", "bod",
        ]) {
            Profile::NoSpace
        } else {
            Profile::Base
        }
    }

    /// Index of the profile's lazily built tables (NoSpace shares the base rules).
    fn slot(self) -> usize {
        match self {
            Profile::En => 0,
            Profile::Fr => 1,
            Profile::De => 2,
            Profile::Base | Profile::NoSpace => 3,
        }
    }

    fn exceptions(self) -> &'static [(&'static str, &'static [u8])] {
        match self {
            Profile::En => tables::EXC_EN,
            Profile::Fr => tables::EXC_FR,
            Profile::De => tables::EXC_DE,
            Profile::Base | Profile::NoSpace => tables::EXC_XX,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The tokenizer loop (spaCy `Tokenizer._tokenize` / `_split_affixes` / `_attach_tokens`).

/// A profile's exceptions, indexed: a (first byte, length) bitmap rejects most strings before the
/// hash lookup.
struct SpecialIndex {
    /// Bit `min(len, 63)` of `present[first byte]`.
    present: [u64; 256],
    map: HashMap<&'static str, &'static [u8]>,
}

fn special_index(profile: Profile) -> &'static SpecialIndex {
    static INDEXES: [OnceLock<SpecialIndex>; 4] = [OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new()];
    INDEXES[profile.slot()].get_or_init(|| {
        let mut present = [0u64; 256];
        let mut map = HashMap::new();
        for &(orth, lens) in profile.exceptions() {
            if let Some(&b) = orth.as_bytes().first() {
                present[usize::from(b)] |= 1 << orth.len().min(63);
                map.insert(orth, lens);
            }
        }
        SpecialIndex { present, map }
    })
}

/// The special-case split of `s` (UTF-8 byte lengths of its tokens), if `s` is an exception.
fn special(s: &str, profile: Profile) -> Option<&'static [u8]> {
    let &b = s.as_bytes().first()?;
    let index = special_index(profile);
    if index.present[usize::from(b)] & (1 << s.len().min(63)) == 0 {
        return None;
    }
    index.map.get(s).copied()
}

/// Push the tokens of special case `s` (byte lengths `lens`). Falls back to `s` whole if the table
/// does not add up (it always does for the generated tables).
fn push_special<'a>(s: &'a str, lens: &[u8], out: &mut Vec<&'a str>) {
    let mut at = 0usize;
    let start_len = out.len();
    for &l in lens {
        let end = at + usize::from(l);
        match s.get(at..end) {
            Some(tok) => out.push(tok),
            None => {
                out.truncate(start_len);
                out.push(s);
                return;
            }
        }
        at = end;
    }
    if at != s.len() {
        out.truncate(start_len);
        out.push(s);
    }
}

/// Tokenize one whitespace-free chunk. `specials = false` is spaCy's `with_special_cases=False`
/// (used to build the special-case matcher's patterns).
fn tokenize_chunk<'a>(
    chunk: &'a str,
    profile: Profile,
    specials: bool,
    out: &mut Vec<&'a str>,
    suffixes: &mut Vec<&'a str>,
) {
    let special = |s: &str, profile: Profile| if specials { special(s, profile) } else { None };
    let token_match = |s: &str| profile == Profile::Fr && fr_token_match(s);
    if let Some(lens) = special(chunk, profile) {
        push_special(chunk, lens, out);
        return;
    }
    // Fast path: ASCII letters only cannot have a prefix, suffix or infix.
    if chunk.bytes().all(|b| b.is_ascii_alphabetic()) {
        out.push(chunk);
        return;
    }
    suffixes.clear();
    let mut s = chunk;
    let mut last_len = 0usize;
    while !s.is_empty() && s.len() != last_len {
        if token_match(s) || special(s, profile).is_some() {
            break;
        }
        last_len = s.len();
        let pre = find_prefix(s, profile);
        if pre != 0 {
            let minus_pre = &s[pre..];
            if !minus_pre.is_empty() && special(minus_pre, profile).is_some() {
                out.push(&s[..pre]);
                s = minus_pre;
                break;
            }
        }
        let suf = find_suffix(&s[pre..], profile);
        if suf != 0 {
            let cut = s.len() - suf;
            let minus_suf = &s[..cut];
            if !minus_suf.is_empty() && special(minus_suf, profile).is_some() {
                suffixes.push(&s[cut..]);
                s = minus_suf;
                break;
            }
        }
        if pre != 0 && suf != 0 && pre + suf <= s.len() {
            let cut = s.len() - suf;
            out.push(&s[..pre]);
            suffixes.push(&s[cut..]);
            s = &s[pre..cut];
        } else if pre != 0 {
            out.push(&s[..pre]);
            s = &s[pre..];
        } else if suf != 0 {
            let cut = s.len() - suf;
            suffixes.push(&s[cut..]);
            s = &s[..cut];
        }
    }
    if !s.is_empty() {
        if let Some(lens) = special(s, profile) {
            push_special(s, lens, out);
        } else if token_match(s) || url_match(s) {
            out.push(s);
        } else {
            split_infixes(s, profile, out);
        }
    }
    out.extend(suffixes.drain(..).rev());
}

/// spaCy fr `TOKEN_MATCH` (`re.match` of anchored alternatives = a full match).
fn fr_token_match(s: &str) -> bool {
    static RE: OnceLock<Option<regex::Regex>> = OnceLock::new();
    let re = RE.get_or_init(|| {
        let pattern = format!("(?i)(?:{})", tables::FR_TOKEN_MATCH.join("|"));
        regex::RegexBuilder::new(&pattern).size_limit(64 << 20).build().ok()
    });
    // Every pattern needs a hyphen or an apostrophe.
    s.contains(['-', '–', '—', '‐', '‑', '\'', '’']) && re.as_ref().is_some_and(|r| r.is_match(s))
}

/// spaCy's special-case phrase matcher for one profile: first token → patterns (token sequences).
struct SpecialMatcher {
    by_first: HashMap<&'static str, Vec<Vec<&'static str>>>,
}

fn special_matcher(profile: Profile) -> &'static SpecialMatcher {
    static MATCHERS: [OnceLock<SpecialMatcher>; 4] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new()];
    MATCHERS[profile.slot()].get_or_init(|| {
        let mut by_first: HashMap<&'static str, Vec<Vec<&'static str>>> = HashMap::new();
        let mut suffixes = Vec::new();
        for &(orth, _) in profile.exceptions() {
            // spaCy `add_special_case` with `faster_heuristics`: only cases with an affix or a space.
            let has_affix = find_prefix(orth, profile) != 0
                || find_suffix(orth, profile) != 0
                || has_infix(orth, profile)
                || orth.contains(' ');
            if !has_affix {
                continue;
            }
            let mut pattern = Vec::new();
            for chunk in orth.split(is_py_space).filter(|c| !c.is_empty()) {
                tokenize_chunk(chunk, profile, false, &mut pattern, &mut suffixes);
            }
            if let Some(&first) = pattern.first() {
                by_first.entry(first).or_default().push(pattern);
            }
        }
        SpecialMatcher { by_first }
    })
}

fn has_infix(s: &str, profile: Profile) -> bool {
    let mut prev = None;
    let mut prev2 = None;
    for (i, c) in s.char_indices() {
        if infix_at(&s[i..], c, prev, prev2, profile).is_some() {
            return true;
        }
        prev2 = prev;
        prev = Some(c);
    }
    false
}

/// spaCy `_apply_special_cases`: find special-case patterns among the tokens, keep non-overlapping
/// ones (longest first, then leftmost; a span is rejected if its first or last token is taken), and
/// replace a kept span by the special case's tokens when its text (with inner whitespace) is one.
fn apply_special_matcher<'a>(text: &'a str, tokens: Vec<&'a str>, profile: Profile) -> Vec<&'a str> {
    let matcher = special_matcher(profile);
    let base = text.as_ptr() as usize;
    let start_of = |t: &str| t.as_ptr() as usize - base;
    let mut matches: Vec<(usize, usize)> = Vec::new();
    for (i, tok) in tokens.iter().enumerate() {
        let Some(patterns) = matcher.by_first.get(tok) else {
            continue;
        };
        'pattern: for pattern in patterns {
            let Some(window) = tokens.get(i..i + pattern.len()) else {
                continue;
            };
            for (k, (t, p)) in window.iter().zip(pattern).enumerate() {
                if t != p {
                    continue 'pattern;
                }
                if k > 0 {
                    let gap = text
                        .get(start_of(window[k - 1]) + window[k - 1].len()..start_of(t))
                        .unwrap_or("x");
                    if !(gap.is_empty() || gap == " ") {
                        continue 'pattern;
                    }
                }
            }
            matches.push((i, pattern.len()));
        }
    }
    if matches.is_empty() {
        return tokens;
    }
    matches.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut seen = vec![false; tokens.len()];
    let mut kept: Vec<(usize, usize)> = Vec::new();
    for &(start, len) in &matches {
        if !seen[start] && !seen[start + len - 1] {
            kept.push((start, len));
        }
        seen[start..start + len].iter_mut().for_each(|s| *s = true);
    }
    kept.sort_unstable();
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0usize;
    for (start, len) in kept {
        out.extend_from_slice(&tokens[i..start]);
        let first = tokens[start];
        let last = tokens[start + len - 1];
        let span = text.get(start_of(first)..start_of(last) + last.len()).unwrap_or("");
        match special(span, profile) {
            Some(lens) => push_special(span, lens, &mut out),
            None => out.extend_from_slice(&tokens[start..start + len]),
        }
        i = start + len;
    }
    out.extend_from_slice(&tokens[i..]);
    out
}

/// spaCy `_attach_tokens`' infix loop over `finditer` matches.
fn split_infixes<'a>(s: &'a str, profile: Profile, out: &mut Vec<&'a str>) {
    let mut start = 0usize;
    let mut prev: Option<char> = None;
    let mut prev2: Option<char> = None;
    let mut i = 0usize;
    while i < s.len() {
        let rest = &s[i..];
        let Some(c) = rest.chars().next() else { break };
        if let Some(len) = infix_at(rest, c, prev, prev2, profile) {
            let end = i + len;
            // spaCy skips a match starting at 0 (and keeps `start` there).
            if i != 0 {
                if i != start {
                    out.push(&s[start..i]);
                }
                if len != 0 {
                    out.push(&s[i..end]);
                }
                start = end;
            }
            if len != 0 {
                let mut back = s[..end].chars().rev();
                prev = back.next();
                prev2 = back.next();
                i = end;
                continue;
            }
        }
        prev2 = prev;
        prev = Some(c);
        i += c.len_utf8();
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
}

// ---------------------------------------------------------------------------------------------
// Character classes.

fn in_ranges(c: char, table: &[(u32, u32)]) -> bool {
    let cp = c as u32;
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                Ordering::Less
            } else if lo > cp {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        })
        .is_ok()
}

/// spaCy `ALPHA`.
fn is_alpha(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        in_ranges(c, tables::ALPHA)
    }
}

/// spaCy `ALPHA_LOWER` (includes uncased scripts).
fn is_lower(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_lowercase()
    } else {
        in_ranges(c, tables::ALPHA_LOWER)
    }
}

/// spaCy `ALPHA_UPPER` (includes uncased scripts).
fn is_upper(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_uppercase()
    } else {
        in_ranges(c, tables::ALPHA_UPPER)
    }
}

/// spaCy `LIST_ICONS`.
fn is_icon(c: char) -> bool {
    (c as u32) >= 0xA6 && in_ranges(c, tables::ICONS)
}

/// The single chars of spaCy `LIST_PUNCT` (plus its `……`, handled by callers).
fn is_list_punct(c: char) -> bool {
    matches!(
        c,
        '…' | ','
            | ':'
            | ';'
            | '!'
            | '?'
            | '¿'
            | '؟'
            | '¡'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '<'
            | '>'
            | '_'
            | '#'
            | '*'
            | '&'
            | '。'
            | '？'
            | '！'
            | '，'
            | '、'
            | '；'
            | '：'
            | '～'
            | '·'
            | '।'
            | '،'
            | '۔'
            | '؛'
            | '٪'
    )
}

/// spaCy `LIST_QUOTES`.
fn is_quote(c: char) -> bool {
    matches!(
        c,
        '\'' | '"'
            | '”'
            | '“'
            | '`'
            | '‘'
            | '´'
            | '’'
            | '‚'
            | ','
            | '„'
            | '»'
            | '«'
            | '「'
            | '」'
            | '『'
            | '』'
            | '（'
            | '）'
            | '〔'
            | '〕'
            | '【'
            | '】'
            | '《'
            | '》'
            | '\u{3008}'
            | '\u{3009}'
            | '\u{2329}'
            | '\u{232A}'
            | '⟦'
            | '⟧'
    )
}

/// The single-char entries of spaCy `LIST_CURRENCY`.
fn is_currency_char(c: char) -> bool {
    matches!(c, '$' | '£' | '€' | '¥' | '฿' | '﷼' | '₠'..='₿')
}

fn prev_char(s: &str, end: usize) -> Option<char> {
    s.get(..end).and_then(|p| p.chars().next_back())
}

// ---------------------------------------------------------------------------------------------
// Prefixes (`^` alternatives, first listed alternative wins).

fn find_prefix(s: &str, profile: Profile) -> usize {
    let mut chars = s.chars();
    let Some(c) = chars.next() else { return 0 };
    let n = c.len_utf8();
    if profile == Profile::De && s.starts_with("``") {
        return 2;
    }
    match c {
        '§' | '%' | '=' | '—' | '–' => return n,
        '+' => {
            return if chars.next().is_some_and(|d| d.is_ascii_digit()) {
                0
            } else {
                1
            }
        }
        '.' => {
            let dots = s.bytes().take_while(|&b| b == b'.').count();
            return if dots >= 2 { dots } else { 0 };
        }
        _ => {}
    }
    if is_list_punct(c) || is_quote(c) || is_currency_char(c) || is_icon(c) {
        return n;
    }
    for cur in ["US$", "C$", "A$"] {
        if s.starts_with(cur) {
            return cur.len();
        }
    }
    if profile == Profile::Fr && matches!(c, 'd' | 'l' | 'n' | 'D' | 'L' | 'N') {
        let mut rest = s[1..].chars();
        if let Some(q) = rest.next() {
            if (q == '\'' || q == '’') && rest.next().is_some_and(is_alpha) {
                return 1 + q.len_utf8();
            }
        }
    }
    0
}

// ---------------------------------------------------------------------------------------------
// Suffixes (`re.search` of `alt$` alternatives: the leftmost start wins = the longest match).

/// Length in bytes of a suffix of `s` in `list` whose preceding char is an ASCII digit.
fn after_digit_suffix(s: &str, list: &[&str]) -> usize {
    let mut best = 0;
    for item in list {
        if item.len() > best
            && s.ends_with(item)
            && prev_char(s, s.len() - item.len()).is_some_and(|d| d.is_ascii_digit())
        {
            best = item.len();
        }
    }
    best
}

const FR_HYPHEN_SUFFIXES: &[&str] = &[
    "ce", "clés", "elle", "en", "il", "ils", "je", "là", "moi", "nous", "on", "t", "vous", "CE", "CLÉS", "ELLE", "EN",
    "IL", "ILS", "JE", "LÀ", "MOI", "NOUS", "ON", "T", "VOUS",
];

fn find_suffix(s: &str, profile: Profile) -> usize {
    let Some(last) = s.chars().next_back() else { return 0 };
    let n = last.len_utf8();
    let before = prev_char(s, s.len() - n);
    let mut best = 0usize;
    let icons = profile != Profile::Fr;
    if is_list_punct(last) || is_quote(last) || (icons && is_icon(last)) {
        best = n;
    }
    if matches!(profile, Profile::En | Profile::Base | Profile::NoSpace) {
        if matches!(last, '—' | '–') {
            best = best.max(n);
        }
        for apos in ["'s", "'S", "’s", "’S"] {
            if s.ends_with(apos) {
                best = best.max(apos.len());
            }
        }
    }
    if profile == Profile::De {
        if s.ends_with("''") {
            best = best.max(2);
        }
        if last == '/' {
            best = best.max(1);
        }
    }
    if s.ends_with("……") {
        best = best.max("……".len());
    }
    if last == '.' {
        let dots = s.bytes().rev().take_while(|&b| b == b'.').count();
        if dots >= 2 {
            best = best.max(dots);
        }
    }
    if last == '+' && before.is_some_and(|d| d.is_ascii_digit()) {
        best = best.max(1);
    }
    if profile == Profile::Fr && last == '%' && before.is_some_and(|d| d.is_ascii_digit()) {
        best = best.max(1);
    }
    if last == '.' {
        if let Some(b) = before {
            if matches!(b, 'F' | 'f' | 'C' | 'c' | 'K' | 'k') && prev_char(s, s.len() - 2) == Some('°') {
                best = best.max(1);
            }
            let table = match profile {
                Profile::Fr => tables::SUFFIX_DOT_AFTER_FR,
                Profile::De => tables::SUFFIX_DOT_AFTER_DE,
                _ => tables::SUFFIX_DOT_AFTER_BASE,
            };
            if in_ranges(b, table) {
                best = best.max(1);
            }
            if is_upper(b) && prev_char(s, s.len() - 1 - b.len_utf8()).is_some_and(is_upper) {
                best = best.max(1);
            }
        }
    }
    // Units and currencies follow an ASCII digit (longest entry: 10 bytes).
    if s.as_bytes()[s.len().saturating_sub(12)..]
        .iter()
        .any(u8::is_ascii_digit)
    {
        best = best.max(after_digit_suffix(s, tables::CURRENCY));
        best = best.max(after_digit_suffix(s, tables::UNITS));
    }
    if profile == Profile::Fr {
        for word in FR_HYPHEN_SUFFIXES {
            if s.ends_with(word) {
                let at = s.len() - word.len();
                if let Some(h) = prev_char(s, at) {
                    if matches!(h, '-' | '–' | '—' | '‐' | '‑') && prev_char(s, at - h.len_utf8()).is_some_and(is_alpha)
                    {
                        best = best.max(word.len() + h.len_utf8());
                    }
                }
            }
        }
    }
    best
}

// ---------------------------------------------------------------------------------------------
// Infixes (`finditer` over the alternatives, in order, at each position).

/// Length of the infix match starting at `rest` (first char `c`, preceded by `prev`), if any.
fn infix_at(rest: &str, c: char, prev: Option<char>, prev2: Option<char>, profile: Profile) -> Option<usize> {
    let next = rest[c.len_utf8()..].chars().next();
    // LIST_ELLIPSES, LIST_ICONS (all profiles).
    if c == '.' && next == Some('.') {
        return Some(rest.bytes().take_while(|&b| b == b'.').count());
    }
    if c == '…' || is_icon(c) {
        return Some(c.len_utf8());
    }
    let p = prev?;
    if profile == Profile::De {
        return infix_at_de(rest, c, p, next);
    }
    let n = c.len_utf8();
    // (?<=[0-9])[+\-\*^](?=[0-9-])
    if p.is_ascii_digit() && matches!(c, '+' | '-' | '*' | '^') && next.is_some_and(|d| d.is_ascii_digit() || d == '-')
    {
        return Some(1);
    }
    // (?<=[{al}{q}])\.(?=[{au}{q}])
    if c == '.' && (is_lower(p) || is_quote(p)) && next.is_some_and(|d| is_upper(d) || is_quote(d)) {
        return Some(1);
    }
    // (?<=[{a}]),(?=[{a}])
    if c == ',' && is_alpha(p) && next.is_some_and(is_alpha) {
        return Some(1);
    }
    // (?<=[{a}0-9])(?:-|–|—|--|---|——|~)(?=[{a}])  (base: lookbehind [{a}] only)
    let hyphen_before = is_alpha(p) || (profile == Profile::En && p.is_ascii_digit());
    if hyphen_before && matches!(c, '-' | '–' | '—' | '~') {
        for h in ["-", "–", "—", "--", "---", "——", "~"] {
            if rest.starts_with(h) && rest[h.len()..].chars().next().is_some_and(is_alpha) {
                return Some(h.len());
            }
        }
    }
    // (?<=[{a}0-9])[:<>=/](?=[{a}])
    if matches!(c, ':' | '<' | '>' | '=' | '/') && (is_alpha(p) || p.is_ascii_digit()) && next.is_some_and(is_alpha) {
        return Some(n);
    }
    // French elision: (?<=[{a}][{el}])(?=[{a}]), zero-width.
    if profile == Profile::Fr && is_alpha(c) && matches!(p, '\'' | '’') && prev2.is_some_and(is_alpha) {
        return Some(0);
    }
    None
}

fn infix_at_de(rest: &str, c: char, p: char, next: Option<char>) -> Option<usize> {
    let a_next = next.is_some_and(is_alpha);
    if c == '.' && is_lower(p) && next.is_some_and(is_upper) {
        return Some(1);
    }
    if matches!(c, ',' | '!' | '?' | ':' | '<' | '>' | '=') && is_alpha(p) && a_next {
        return Some(1);
    }
    if c == '/' && (is_alpha(p) || p.is_ascii_digit()) && next.is_some_and(|d| is_alpha(d) || d.is_ascii_digit()) {
        return Some(1);
    }
    if c != '\'' && (is_quote(c) || matches!(c, ')' | ']' | '(' | '[')) && is_alpha(p) && a_next {
        return Some(c.len_utf8());
    }
    if rest.starts_with("--") && is_alpha(p) && rest[2..].chars().next().is_some_and(is_alpha) {
        return Some(2);
    }
    if c == '-' && p.is_ascii_digit() && next.is_some_and(|d| d.is_ascii_digit()) {
        return Some(1);
    }
    None
}

// ---------------------------------------------------------------------------------------------
// spaCy URL_MATCH (`spacy/lang/tokenizer_exceptions.py`), hand-written.

fn is_label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || ('\u{a1}'..='\u{ffff}').contains(&c)
}

fn url_match(s: &str) -> bool {
    // Cheap rejection: a URL needs a '.' (host name or IP address).
    if !s.contains('.') {
        return false;
    }
    let mut bases = [0usize, usize::MAX];
    if let Some(colon) = s.find("://") {
        let scheme = &s[..colon];
        if scheme.chars().count() >= 2
            && scheme
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '+' | '-' | '.'))
        {
            bases[1] = colon + 3;
        }
    }
    for base in bases {
        if base == usize::MAX || base > s.len() {
            continue;
        }
        let rest = &s[base..];
        if host_and_rest(rest) {
            return true;
        }
        // Optional user info `\S+(?::\S*)?@`: any '@' after at least one char.
        for (at, _) in rest.match_indices('@') {
            if at >= 1 && host_and_rest(&rest[at + 1..]) {
                return true;
            }
        }
    }
    false
}

/// A dotted run of `n` groups of 1..=3 ASCII digits after `head` (the private-network lookaheads).
fn dotted_digits_after(s: &str, head: &str, groups: usize) -> bool {
    let Some(mut rest) = s.strip_prefix(head) else {
        return false;
    };
    for _ in 0..groups {
        let Some(r) = rest.strip_prefix('.') else { return false };
        let digits = r.bytes().take(3).take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &r[digits..];
    }
    true
}

/// `(?::\d{2,5})?(?:[/?#]\S*)?$`
fn port_and_path(rest: &str) -> bool {
    let mut r = rest;
    if let Some(p) = r.strip_prefix(':') {
        let digits = p.bytes().take_while(u8::is_ascii_digit).count();
        if !(2..=5).contains(&digits) {
            return false;
        }
        r = &p[digits..];
    }
    r.is_empty() || r.starts_with(['/', '?', '#'])
}

fn host_and_rest(h: &str) -> bool {
    // Negative lookaheads: private and local networks.
    if dotted_digits_after(h, "10", 3)
        || dotted_digits_after(h, "127", 3)
        || dotted_digits_after(h, "169.254", 2)
        || dotted_digits_after(h, "192.168", 2)
        || h.strip_prefix("172.").is_some_and(|r| {
            let d = r.bytes().take_while(u8::is_ascii_digit).count();
            d == 2 && r[..2].parse::<u8>().is_ok_and(|n| (16..=31).contains(&n)) && dotted_digits_after(r, &r[..2], 2)
        })
    {
        return false;
    }
    ip_and_rest(h) || domain_and_rest(h)
}

fn ip_and_rest(h: &str) -> bool {
    let mut rest = h;
    for i in 0..4 {
        if i > 0 {
            match rest.strip_prefix('.') {
                Some(r) => rest = r,
                None => return false,
            }
        }
        let len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let g = &rest[..len];
        let ok = match i {
            0 => !g.starts_with('0') && g.parse::<u32>().is_ok_and(|v| (1..=223).contains(&v)) && len <= 3,
            3 => !g.starts_with('0') && g.parse::<u32>().is_ok_and(|v| (1..=254).contains(&v)) && len <= 3,
            _ => (1..=2).contains(&len) || (len == 3 && g.parse::<u32>().is_ok_and(|v| (100..=255).contains(&v))),
        };
        if !ok {
            return false;
        }
        rest = &rest[len..];
    }
    port_and_path(rest)
}

fn domain_and_rest(h: &str) -> bool {
    let end = h
        .char_indices()
        .find(|&(_, c)| !(is_label_char(c) || matches!(c, '_' | '-' | '.')))
        .map_or(h.len(), |(i, _)| i);
    let host = &h[..end];
    let Some((labels, tld)) = host.rsplit_once('.') else {
        return false;
    };
    let tld_len = tld.chars().count();
    if !(2..=63).contains(&tld_len) || !tld.chars().all(is_lower) {
        return false;
    }
    for label in labels.split('.') {
        let n = label.chars().count();
        if !(1..=64).contains(&n) {
            return false;
        }
        let first = label.chars().next();
        let last = label.chars().next_back();
        if !first.is_some_and(is_label_char) || !last.is_some_and(is_label_char) {
            return false;
        }
    }
    port_and_path(&h[end..])
}

// ---------------------------------------------------------------------------------------------
// Scripts without spaces (fallback, not datatrove's tokenizers).

fn is_no_space_script(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF        // Thai, Lao
        | 0x0F00..=0x0FFF      // Tibetan
        | 0x1000..=0x109F      // Myanmar
        | 0x1780..=0x17FF      // Khmer
        | 0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF      // CJK Extension A
        | 0x4E00..=0x9FFF      // CJK Unified Ideographs
        | 0xF900..=0xFAFF      // CJK Compatibility Ideographs
        | 0xFF66..=0xFF9F      // half-width Katakana
        | 0x20000..=0x3134F // CJK Extensions B..G
    )
}

/// Combining marks of the unspaced scripts (Unicode category Mn/Mc in the Thai, Lao, Tibetan,
/// Myanmar and Khmer blocks, and the kana voicing marks).
fn is_combining_mark(c: char) -> bool {
    matches!(c as u32,
        0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E          // Thai
        | 0x0EB1 | 0x0EB4..=0x0EBC | 0x0EC8..=0x0ECE        // Lao
        | 0x0F18 | 0x0F19 | 0x0F35 | 0x0F37 | 0x0F39 | 0x0F3E | 0x0F3F | 0x0F71..=0x0F84 | 0x0F86 | 0x0F87
        | 0x0F8D..=0x0FBC | 0x0FC6                          // Tibetan
        | 0x102B..=0x103E | 0x1056..=0x1059 | 0x105E..=0x1060 | 0x1062..=0x1064 | 0x1067..=0x106D
        | 0x1071..=0x1074 | 0x1082..=0x108D | 0x108F | 0x109A..=0x109D // Myanmar
        | 0x17B4..=0x17D3 | 0x17DD                          // Khmer
        | 0x3099 | 0x309A                                   // kana voicing marks
    )
}

fn split_no_space_scripts(tokens: Vec<&str>) -> Vec<&str> {
    if !tokens.iter().any(|t| t.chars().any(is_no_space_script)) {
        return tokens;
    }
    let mut out = Vec::with_capacity(tokens.len() * 2);
    for tok in tokens {
        let mut start = 0usize;
        let mut chars = tok.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if is_no_space_script(c) {
                if start < i {
                    out.push(&tok[start..i]);
                }
                // One token per character, with its combining vowel and tone marks (Thai ั ่,
                // Khmer, Myanmar …): a mark alone is no letter for the alphabetic-word rule.
                let mut end = i + c.len_utf8();
                while let Some(&(j, m)) = chars.peek() {
                    if !is_combining_mark(m) {
                        break;
                    }
                    end = j + m.len_utf8();
                    chars.next();
                }
                out.push(&tok[i..end]);
                start = end;
            }
        }
        if start < tok.len() {
            out.push(&tok[start..]);
        }
    }
    out
}

/// For the bench scripts' dev harnesses (ignored tests): read JSONL `{"text", "lang"}` from the file
/// named by `$in_var`, write `f(text, lang)` as one JSON line each to the file named by `$out_var`.
/// Does nothing when either variable is unset.
#[cfg(test)]
pub(crate) fn map_jsonl_for_comparison(in_var: &str, out_var: &str, f: impl Fn(&str, &str) -> serde_json::Value) {
    use std::io::{BufRead, Write};
    let (Ok(input), Ok(output)) = (std::env::var(in_var), std::env::var(out_var)) else {
        return;
    };
    let reader = std::io::BufReader::new(std::fs::File::open(input).unwrap());
    let mut out = std::io::BufWriter::new(std::fs::File::create(output).unwrap());
    for line in reader.lines() {
        let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        let text = v["text"].as_str().unwrap_or("");
        let lang = v["lang"].as_str().unwrap_or("en");
        writeln!(out, "{}", f(text, lang)).unwrap();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en(text: &str) -> Vec<&str> {
        split_words(text, "en")
    }

    #[test]
    fn the_token_cache_never_serves_another_text_or_language() {
        let a = "L'homme qu'on attendait n'est pas venu, dit-il. ".repeat(20);
        let b = a.replace("venu", "vena");
        assert_eq!(split_words(&a, "fr"), tokenize_words(&a, "fr"));
        assert_eq!(split_words(&a, "fr"), tokenize_words(&a, "fr"), "served from the cache");
        assert_eq!(split_words(&a, "en"), tokenize_words(&a, "en"), "another language");
        assert_ne!(tokenize_words(&a, "fr"), tokenize_words(&a, "en"));
        assert_eq!(
            split_words(&b, "en"),
            tokenize_words(&b, "en"),
            "another text of the same length"
        );
    }

    #[test]
    fn splits_punctuation_and_contractions_like_spacy() {
        assert_eq!(
            en("Hello, world! Don't do it... I'm 10km away (see http://x.com/a?b). U.S. e-mail: a@b.com 3.5% $100 dont Im cant won't"),
            vec![
                "Hello", ",", "world", "!", "Do", "n't", "do", "it", "...", "I", "'m", "10", "km", "away", "(", "see",
                "http://x.com/a?b", ")", ".", "U.S.", "e", "-", "mail", ":", "a@b.com", "3.5", "%", "$", "100", "do",
                "nt", "I", "m", "ca", "nt", "wo", "n't"
            ]
        );
    }

    #[test]
    fn drops_whitespace_tokens() {
        assert_eq!(en("  a \n\n\t b\u{a0}c\u{2028}"), vec!["a", "b", "c"]);
        assert!(en("").is_empty());
        assert!(en(" \n ").is_empty());
    }

    #[test]
    fn word_spans_are_the_offsets_of_split_words() {
        let text = "  Don't\u{a0}go, Mr. Smith!\n\nl'homme";
        for lang in ["en", "fr", "de", "xx", "ja"] {
            let spans = word_spans(text, lang);
            let words: Vec<&str> = spans.iter().map(|r| &text[r.clone()]).collect();
            assert_eq!(words, split_words(text, lang));
        }
        assert_eq!(word_spans("a  end.", "en"), vec![0..1, 3..6, 6..7]);
    }

    #[test]
    fn final_period_rules() {
        assert_eq!(en("end."), vec!["end", "."]);
        assert_eq!(en("NASA."), vec!["NASA", "."]);
        assert_eq!(en("Mr."), vec!["Mr."]);
        assert_eq!(en("5."), vec!["5", "."]);
        assert_eq!(en("well...\""), vec!["well", "...", "\""]);
    }

    #[test]
    fn infixes_split_hyphens_and_slashes_between_letters() {
        assert_eq!(en("state-of-the-art"), vec!["state", "-", "of", "-", "the", "-", "art"]);
        assert_eq!(en("foo/bar"), vec!["foo", "/", "bar"]);
        assert_eq!(en("and/or"), vec!["and/or"]); // a spaCy exception
        assert_eq!(en("1-2"), vec!["1", "-", "2"]);
        assert_eq!(en("end.Start"), vec!["end", ".", "Start"]);
    }

    #[test]
    fn french_elisions_are_their_own_tokens() {
        let toks = split_words("l'homme d’Artagnan", "fr");
        assert_eq!(toks, vec!["l'", "homme", "d’", "Artagnan"]);
    }

    #[test]
    fn urls_follow_spacy_url_match() {
        for url in [
            "https://example.com/a_b?c=d",
            "www.example.org",
            "example.com:8080/x",
            "8.8.8.8",
            "user@mail.example.com",
        ] {
            assert!(url_match(url), "{url}");
        }
        for not_url in [
            "192.168.0.1",
            "172.16.0.1",
            "10.0.0.1",
            "e.g",
            "U.S.A",
            "3.14",
            "file.TXT",
        ] {
            assert!(!url_match(not_url), "{not_url}");
        }
    }

    #[test]
    fn french_token_match_keeps_hyphenated_words() {
        let toks = split_words("rez-de-chaussée Saint-Denis dit-il aujourd'hui", "fr");
        assert_eq!(
            toks,
            vec!["rez-de-chaussée", "Saint-Denis", "dit", "-il", "aujourd'hui"]
        );
    }

    #[test]
    fn no_space_scripts_fall_back_to_characters() {
        assert_eq!(split_words("日本語 abc", "ja"), vec!["日", "本", "語", "abc"]);
    }

    #[test]
    fn punctuation_sets_match_datatrove() {
        assert!(is_terminal_punctuation('.') && is_terminal_punctuation('。') && !is_terminal_punctuation(','));
        assert!(is_punctuation('—') && is_punctuation('\u{0}') && is_punctuation('►') && is_punctuation('。'));
        assert!(!is_punctuation('\n') && !is_punctuation('\t') && !is_punctuation('a') && !is_punctuation(' '));
        assert_eq!(TERMINAL_PUNCTUATION.len(), 159);
        assert!(TERMINAL_PUNCTUATION.windows(2).all(|w| w[0] < w[1]));
        assert!(PUNCTUATION.windows(2).all(|w| w[0] < w[1]));
        for c in (0u32..0x300).filter_map(char::from_u32) {
            if c.is_ascii() {
                let slow = PUNCTUATION.binary_search(&c).is_ok() || TERMINAL_PUNCTUATION.binary_search(&c).is_ok();
                assert_eq!(is_punctuation(c), slow, "{c:?}");
            }
        }
    }

    #[test]
    fn python_isalpha_excludes_marks_and_digits() {
        assert!(py_is_alpha('a') && py_is_alpha('é') && py_is_alpha('中'));
        assert!(!py_is_alpha('1') && !py_is_alpha('\u{301}') && !py_is_alpha('_'));
    }

    #[test]
    fn exception_tables_are_sorted_and_consistent() {
        for table in [tables::EXC_EN, tables::EXC_FR, tables::EXC_DE, tables::EXC_XX] {
            assert!(table.windows(2).all(|w| w[0].0 < w[1].0));
            for (orth, lens) in table {
                assert_eq!(
                    lens.iter().map(|&l| usize::from(l)).sum::<usize>(),
                    orth.len(),
                    "{orth}"
                );
            }
        }
    }

    /// Dev harness for bench/words_parity.py: reads JSONL `{"text", "lang"}` from `$TAMIS_WORDS_IN`,
    /// writes one JSON array of tokens per line to `$TAMIS_WORDS_OUT`.
    #[test]
    #[ignore = "dev harness, needs TAMIS_WORDS_IN / TAMIS_WORDS_OUT"]
    fn dump_tokens_for_comparison() {
        map_jsonl_for_comparison("TAMIS_WORDS_IN", "TAMIS_WORDS_OUT", |text, lang| {
            serde_json::json!(split_words(text, lang))
        });
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_tokens_are_non_empty_slices(text in "\\PC{0,200}", lang in "(en|fr|de|xx|ja)") {
            let toks = split_words(&text, &lang);
            for t in &toks {
                proptest::prop_assert!(!t.is_empty());
                proptest::prop_assert!(!t.chars().any(is_py_space));
            }
            // Tokens cover exactly the non-space characters, in order.
            let joined: String = toks.concat();
            let expected: String = text.chars().filter(|c| !is_py_space(*c)).collect();
            proptest::prop_assert_eq!(joined, expected);
        }

        #[test]
        fn never_panics_on_punctuation_soup(text in "[a-zA-Z0-9 .,:;'’\"()\\-–—/@#%$+*^~…°!?«»]{0,80}") {
            let toks = split_words(&text, "en");
            let joined: String = toks.concat();
            let expected: String = text.chars().filter(|c| !is_py_space(*c)).collect();
            proptest::prop_assert_eq!(joined, expected);
        }
    }
}
