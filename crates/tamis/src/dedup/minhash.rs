//! MinHash signatures, datatrove-compatible (`datatrove/pipeline/dedup/minhash.py`, v0.10.1).
//!
//! A document's signature is computed exactly as datatrove's `MinhashDedupSignature` does, so the
//! two can be compared value for value (`tests/it/minhash.rs` checks fixtures produced by datatrove):
//!
//! 1. [`simplify_text`]: datatrove's `simplify_text` with its default `TextNormConfig` (lower case,
//!    digit runs → `0`, punctuation → space, whitespace collapsed, NFD with combining marks (`Mn`)
//!    removed);
//! 2. shingles: word n-grams of the datatrove word tokenizer ([`crate::words::split_words`]) joined
//!    by one space, or character n-grams (NeMo Curator style), each hashed with xxhash64 (seed 0);
//! 3. per permutation `i`: `min over shingles of ((h·a_i + b_i) mod 2^64) mod (2^61 − 1)`. The
//!    `mod 2^64` is not a choice: datatrove multiplies numpy `uint64` arrays, which wrap, before
//!    the modulo. `a_i`, `b_i` are drawn by `np.random.RandomState(seed).randint`, reproduced here
//!    by [`Permutations`] (MT19937 + numpy's masked rejection sampling);
//! 4. the signature is cut into `bands` bands of `rows` values; each band is reduced to one 64-bit
//!    key (xxh3 of its values) for the LSH step (`dedup/lsh.rs`).
//!
//! Documents with fewer than `n_grams` units have no shingles, hence no signature, and are never
//! deduplicated (as in datatrove).

use super::kernel::{self, Kernel};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// The Mersenne prime 2^61 − 1, the modulus of the permutations.
pub use super::kernel::MERSENNE_61;

/// The reason a near-duplicate is removed (report key `minhash_dedup.duplicate`).
pub const DUPLICATE: &str = "duplicate";

/// Memory for near-dedup when none is given, the same for `tamis run`'s `minhash_dedup` stage and
/// `tamis dedup --memory-limit`.
pub const DEFAULT_MEMORY_LIMIT: &str = "1G";

/// What a shingle is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ShingleUnit {
    /// Words of the datatrove tokenizer for `language` (FineWeb: 5 words).
    #[default]
    Words,
    /// Unicode characters of the normalised text (NeMo Curator: 24 characters).
    Chars,
}

/// datatrove's `TextNormConfig` (weekday/month normalisation, English-only and off by default
/// there, is not offered).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TextNormConfig {
    /// Lower-case the text (Unicode full case mapping, as Python's `str.lower`).
    pub lowercase: bool,
    /// Trim the text and collapse every whitespace run to one space.
    pub norm_whitespace: bool,
    /// Replace every character of datatrove's punctuation set with a space.
    pub remove_punctuation: bool,
    /// NFD, then drop combining marks (`Mn`): strips accents.
    pub norm_unicode_diacritics: bool,
    /// Replace each number (`\p{Nd}+`, optionally one decimal separator and more digits) with `0`.
    pub norm_numbers: bool,
}

impl Default for TextNormConfig {
    fn default() -> Self {
        TextNormConfig {
            lowercase: true,
            norm_whitespace: true,
            remove_punctuation: true,
            norm_unicode_diacritics: true,
            norm_numbers: true,
        }
    }
}

/// MinHash LSH settings. The defaults are FineWeb's (datatrove `MinhashConfig()`): word 5-grams,
/// 14 bands × 8 rows = 112 hashes, seed 1, xxhash64 shingles, 64-bit values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MinhashConfig {
    /// Shingle length in units (words or characters).
    pub n_grams: usize,
    /// Shingle unit: `words` or `chars`.
    pub unit: ShingleUnit,
    /// Number of LSH bands (datatrove `num_buckets`).
    pub bands: usize,
    /// Hashes per band (datatrove `hashes_per_bucket`).
    pub rows: usize,
    /// Seed of the permutation parameters (numpy `RandomState(seed)`).
    pub seed: u32,
    /// Tokenizer rules for word shingles (ISO 639-1; datatrove's default is English).
    pub language: String,
    /// Text normalisation applied before shingling.
    pub normalization: TextNormConfig,
    /// When set, a candidate pair joins a cluster only if the exact Jaccard similarity of the two
    /// documents' shingle sets is at least this value (cuts LSH false positives).
    pub jaccard_threshold: Option<f64>,
    /// `tamis run`: memory for the LSH step's buffers (`512M`, `2G`; default
    /// [`DEFAULT_MEMORY_LIMIT`]). `tamis dedup` takes `--memory-limit` instead (same default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_limit: Option<String>,
    /// A persistent index of earlier runs' band keys (a directory, created when absent): documents
    /// near-duplicate to a document of an earlier run are removed (`minhash_dedup.earlier_run`),
    /// and this run's band keys are added for the next runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<std::path::PathBuf>,
}

impl Default for MinhashConfig {
    fn default() -> Self {
        MinhashConfig {
            n_grams: 5,
            unit: ShingleUnit::Words,
            bands: 14,
            rows: 8,
            seed: 1,
            language: "en".into(),
            normalization: TextNormConfig::default(),
            jaccard_threshold: None,
            memory_limit: None,
            index: None,
        }
    }
}

impl MinhashConfig {
    pub fn example() -> Self {
        MinhashConfig {
            memory_limit: Some("512M".into()),
            ..MinhashConfig::default()
        }
    }

    /// Bytes of `memory_limit` (default [`DEFAULT_MEMORY_LIMIT`]).
    pub fn memory_limit_bytes(&self) -> Result<u64, String> {
        let s = self.memory_limit.as_deref().unwrap_or(DEFAULT_MEMORY_LIMIT);
        crate::units::parse_size(s).map_err(|e| format!("minhash: memory_limit: {e}"))
    }

    /// The settings that decide band keys: runs sharing an index must agree on them.
    pub fn hashing_fingerprint(&self) -> String {
        let n = &self.normalization;
        format!(
            "n_grams={} unit={:?} bands={} rows={} seed={} language={} norm={},{},{},{},{}",
            self.n_grams,
            self.unit,
            self.bands,
            self.rows,
            self.seed,
            self.language,
            n.lowercase,
            n.norm_whitespace,
            n.remove_punctuation,
            n.norm_unicode_diacritics,
            n.norm_numbers
        )
    }

    /// Read a TOML file of these fields (unknown fields are errors).
    pub fn from_file(path: &std::path::Path) -> crate::error::Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| crate::error::Error::io(path, e))?;
        let config: MinhashConfig =
            toml::from_str(&text).map_err(|e| crate::error::Error::Config(format!("{}: {e}", path.display())))?;
        config
            .validate()
            .map_err(|e| crate::error::Error::Config(format!("{}: {e}", path.display())))?;
        Ok(config)
    }

    /// Number of hash functions (`bands × rows`).
    pub fn num_hashes(&self) -> usize {
        self.bands * self.rows
    }

    /// Reject settings that cannot work.
    pub fn validate(&self) -> Result<(), String> {
        if self.n_grams == 0 {
            return Err("minhash: n_grams must be at least 1".into());
        }
        if self.bands == 0 || self.rows == 0 {
            return Err("minhash: bands and rows must be at least 1".into());
        }
        if self.bands > 255 {
            return Err("minhash: at most 255 bands".into());
        }
        self.memory_limit_bytes()?;
        if let Some(t) = self.jaccard_threshold {
            if !(0.0..=1.0).contains(&t) {
                return Err(format!("minhash: jaccard_threshold {t} is not in [0, 1]"));
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Normalisation

/// datatrove's `simplify_text(text, config)`: lower case, numbers, punctuation, whitespace, then
/// NFD with `Mn` removed, in that order. After lower-casing, the steps are fused into one pass
/// over the characters: each character is classified as it was in the lower-cased text (a digit,
/// punctuation, whitespace, or other) and only "other" characters are replaced by their NFD
/// minus combining marks, which is what the separate passes do (punctuation and whitespace are
/// decided before NFD there too). The one difference: NFD's canonical reordering of two adjacent
/// marks that are both kept (spacing marks with different non-zero combining classes) is not done.
pub fn simplify_text(text: &str, config: &TextNormConfig) -> String {
    let lowered;
    let text = if config.lowercase {
        lowered = text.to_lowercase();
        lowered.as_str()
    } else {
        text
    };
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        let class = char_class(c);
        if config.norm_numbers && class & DIGIT != 0 {
            // `\p{Nd}+([.,،٫⎖⎗⎘]\p{Nd}+)?` → "0" (greedy, like the regex).
            while chars.peek().is_some_and(|&(_, d)| char_class(d) & DIGIT != 0) {
                chars.next();
            }
            if let Some(&(i, sep)) = chars.peek() {
                let after = &text[i + sep.len_utf8()..];
                if is_decimal_separator(sep) && after.chars().next().is_some_and(|d| char_class(d) & DIGIT != 0) {
                    chars.next();
                    while chars.peek().is_some_and(|&(_, d)| char_class(d) & DIGIT != 0) {
                        chars.next();
                    }
                }
            }
            push_char(&mut out, &mut pending_space, '0');
        } else if (config.remove_punctuation && class & PUNCT != 0) || class & SPACE != 0 {
            if config.norm_whitespace {
                pending_space = !out.is_empty();
            } else if class & SPACE != 0 {
                out.push(c);
            } else {
                out.push(' ');
            }
        } else if config.norm_unicode_diacritics && class & NFD_CHANGES != 0 {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            unicode_normalization::char::decompose_canonical(c, |d| {
                if !is_nonspacing_mark(d) {
                    out.push(d);
                }
            });
        } else {
            push_char(&mut out, &mut pending_space, c);
        }
    }
    let trimmed = out.trim_matches(crate::words::is_py_space);
    if trimmed.len() != out.len() {
        out = trimmed.to_string();
    }
    out
}

fn push_char(out: &mut String, pending_space: &mut bool, c: char) {
    if *pending_space {
        out.push(' ');
        *pending_space = false;
    }
    out.push(c);
}

const PUNCT: u8 = 1;
const SPACE: u8 = 2;
const DIGIT: u8 = 4;
/// NFD changes the character, or it is a combining mark (`Mn`) that the normalisation drops.
const NFD_CHANGES: u8 = 8;

/// The class bits of a character; a table for the Basic Multilingual Plane (built once, 64 KB),
/// computed for the others.
fn char_class(c: char) -> u8 {
    // One table load for the whole BMP (ASCII included: a binary search in the punctuation list
    // per character was the top cost of shingling).
    static TABLE: OnceLock<Vec<u8>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (0..0x1_0000u32)
            .map(|u| char::from_u32(u).map_or(0, classify_slow))
            .collect()
    });
    match table.get(c as usize) {
        Some(&class) => class,
        None => classify_slow(c),
    }
}

/// In datatrove's `PUNCTUATION` string, which `simplify_text` translates to spaces. Not the
/// `TERMINAL_PUNCTUATION` set: `।`, `።`, `。` and the like stay in the text.
fn is_translated_punctuation(c: char) -> bool {
    crate::words::PUNCTUATION.binary_search(&c).is_ok()
}

fn classify_slow(c: char) -> u8 {
    let mut class = 0;
    if is_translated_punctuation(c) {
        class |= PUNCT;
    }
    if crate::words::is_py_space(c) {
        class |= SPACE;
    }
    if is_decimal_digit(c) {
        class |= DIGIT;
    }
    let mut changes = is_nonspacing_mark(c);
    unicode_normalization::char::decompose_canonical(c, |d| changes |= d != c);
    if changes {
        class |= NFD_CHANGES;
    }
    class
}

/// `\p{Nd}` (ASCII fast path; other scripts' digits via the regex crate's Unicode tables).
fn is_decimal_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    static ND: OnceLock<Option<regex::Regex>> = OnceLock::new();
    c.is_numeric()
        && ND
            .get_or_init(|| regex::Regex::new(r"^\p{Nd}$").ok())
            .as_ref()
            .is_some_and(|re| re.is_match(c.encode_utf8(&mut [0; 4])))
}

fn is_decimal_separator(c: char) -> bool {
    matches!(c, '.' | ',' | '،' | '٫' | '⎖' | '⎗' | '⎘')
}

/// General category `Mn` (what datatrove drops after NFD); `Mc`/`Me` marks are kept.
fn is_nonspacing_mark(c: char) -> bool {
    static MN: OnceLock<Option<regex::Regex>> = OnceLock::new();
    !c.is_ascii()
        && unicode_normalization::char::is_combining_mark(c)
        && MN
            .get_or_init(|| regex::Regex::new(r"^\p{Mn}$").ok())
            .as_ref()
            .is_some_and(|re| re.is_match(c.encode_utf8(&mut [0; 4])))
}

// ---------------------------------------------------------------------------------------------
// Shingles

/// The xxhash64 values of the document's shingles, in text order (repeats included), computed on
/// `simplify_text(text)`. Empty when the text has fewer than `n_grams` units.
pub fn shingle_hashes(text: &str, config: &MinhashConfig, out: &mut Vec<u64>) {
    out.clear();
    let simple = simplify_text(text, &config.normalization);
    let n = config.n_grams;
    match config.unit {
        ShingleUnit::Words => {
            let words = crate::words::split_words(&simple, &config.language);
            if words.len() < n {
                return;
            }
            let base = simple.as_ptr() as usize;
            let spans: Vec<(usize, usize)> = words
                .iter()
                .map(|w| {
                    let start = w.as_ptr() as usize - base;
                    (start, start + w.len())
                })
                .collect();
            // `" ".join(window)` is the text slice itself when every gap in the window is exactly
            // one space (nearly always, since the text is normalised); count the other gaps.
            let mut odd_gaps = vec![0u32; spans.len()];
            for i in 1..spans.len() {
                let gap = &simple.as_bytes()[spans[i - 1].1..spans[i].0];
                odd_gaps[i] = odd_gaps[i - 1] + u32::from(gap != b" ");
            }
            let mut joined = String::new();
            out.reserve(spans.len() + 1 - n);
            for first in 0..=spans.len() - n {
                let last = first + n - 1;
                let h = if odd_gaps[last] == odd_gaps[first] {
                    xxhash_rust::xxh64::xxh64(&simple.as_bytes()[spans[first].0..spans[last].1], 0)
                } else {
                    joined.clear();
                    for (k, w) in words[first..=last].iter().enumerate() {
                        if k > 0 {
                            joined.push(' ');
                        }
                        joined.push_str(w);
                    }
                    xxhash_rust::xxh64::xxh64(joined.as_bytes(), 0)
                };
                out.push(h);
            }
        }
        ShingleUnit::Chars => {
            let starts: Vec<usize> = simple
                .char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(simple.len()))
                .collect();
            let chars = starts.len() - 1;
            if chars < n {
                return;
            }
            out.extend(
                (0..=chars - n).map(|i| xxhash_rust::xxh64::xxh64(&simple.as_bytes()[starts[i]..starts[i + n]], 0)),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Permutations

/// numpy's legacy `RandomState` generator: MT19937 seeded by `init_genrand` (`mt19937_seed`).
struct Mt19937 {
    state: [u32; 624],
    index: usize,
}

impl Mt19937 {
    fn new(seed: u32) -> Self {
        let mut state = [0u32; 624];
        state[0] = seed;
        for i in 1..624 {
            let prev = state[i - 1];
            state[i] = 1_812_433_253u32
                .wrapping_mul(prev ^ (prev >> 30))
                .wrapping_add(i as u32);
        }
        Mt19937 { state, index: 624 }
    }

    fn next_u32(&mut self) -> u32 {
        if self.index >= 624 {
            for i in 0..624 {
                let y = (self.state[i] & 0x8000_0000) | (self.state[(i + 1) % 624] & 0x7fff_ffff);
                let mag = if y & 1 == 1 { 0x9908_b0df } else { 0 };
                self.state[i] = self.state[(i + 397) % 624] ^ (y >> 1) ^ mag;
            }
            self.index = 0;
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `mt19937_next64`: high word drawn first.
    fn next_u64(&mut self) -> u64 {
        let hi = u64::from(self.next_u32());
        (hi << 32) | u64::from(self.next_u32())
    }

    /// `randint(low, high, dtype=uint64)` for a range wider than 32 bits: numpy's
    /// `bounded_masked_uint64` (draw, mask to the range's bit width, reject above the range).
    fn randint_u64(&mut self, low: u64, high: u64) -> u64 {
        let range = high - 1 - low;
        let mask = u64::MAX >> range.leading_zeros();
        loop {
            let v = self.next_u64() & mask;
            if v <= range {
                return low + v;
            }
        }
    }
}

/// The permutation parameters `a` (in `[1, p)`) and `b` (in `[0, p)`), drawn as datatrove does:
/// `gen = RandomState(seed); a = gen.randint(1, p, size=n); b = gen.randint(0, p, size=n)`.
#[derive(Debug, Clone)]
pub struct Permutations {
    pub a: Vec<u64>,
    pub b: Vec<u64>,
}

impl Permutations {
    pub fn new(seed: u32, n: usize) -> Self {
        let mut rng = Mt19937::new(seed);
        let a = (0..n).map(|_| rng.randint_u64(1, MERSENNE_61)).collect();
        let b = (0..n).map(|_| rng.randint_u64(0, MERSENNE_61)).collect();
        Permutations { a, b }
    }
}

/// Computes signatures and band keys for one config; cheap to clone, one per worker.
#[derive(Debug, Clone)]
pub struct Signer {
    config: MinhashConfig,
    perms: Permutations,
    /// `perms` padded to a multiple of [`kernel::LANES`] (the padding's minima are dropped).
    padded: Permutations,
    kernel: Kernel,
}

/// `x mod (2^61 − 1)` for any u64, branch-free.
#[inline(always)]
fn mod_mersenne(x: u64) -> u64 {
    let r = (x & MERSENNE_61) + (x >> 61);
    r.min(r.wrapping_sub(MERSENNE_61))
}

impl Signer {
    pub fn new(config: MinhashConfig) -> Result<Self, String> {
        config.validate()?;
        let perms = Permutations::new(config.seed, config.num_hashes());
        Ok(Self::with_permutations(config, perms))
    }

    fn with_permutations(config: MinhashConfig, perms: Permutations) -> Self {
        let n = perms.a.len().div_ceil(kernel::LANES) * kernel::LANES;
        let pad = |v: &[u64], fill: u64| {
            let mut v = v.to_vec();
            v.resize(n, fill);
            v
        };
        let padded = Permutations {
            a: pad(&perms.a, 1),
            b: pad(&perms.b, 0),
        };
        Signer {
            config,
            perms,
            padded,
            kernel: Kernel::detect(),
        }
    }

    pub fn config(&self) -> &MinhashConfig {
        &self.config
    }

    /// The MinHash signature of a set of shingle hashes (`bands × rows` values, each below
    /// 2^61 − 1), or `None` when there are no shingles.
    pub fn signature(&self, shingles: &[u64]) -> Option<Vec<u64>> {
        if shingles.is_empty() {
            return None;
        }
        let mut mins = vec![0; self.padded.a.len()];
        let max = self
            .kernel
            .unreduced_mins(shingles, &self.padded.a, &self.padded.b, &mut mins);
        mins.truncate(self.perms.a.len());
        // Some value reached p unreduced (probability ~2^-55 per shingle): redo exactly.
        if max >= MERSENNE_61 {
            for ((m, &a), &b) in mins.iter_mut().zip(&self.perms.a).zip(&self.perms.b) {
                *m = shingles
                    .iter()
                    .map(|&h| mod_mersenne(h.wrapping_mul(a).wrapping_add(b)))
                    .min()
                    .unwrap_or(u64::MAX);
            }
        }
        Some(mins)
    }

    /// One 64-bit key per band: xxh3 of the band's `rows` values (little-endian). Two documents
    /// share a key when their band values are equal (or, with probability ~2^-64, collide).
    pub fn band_keys(&self, signature: &[u64]) -> Vec<u64> {
        let mut bytes = Vec::with_capacity(self.config.rows * 8);
        signature
            .chunks_exact(self.config.rows)
            .map(|band| {
                bytes.clear();
                for v in band {
                    bytes.extend_from_slice(&v.to_le_bytes());
                }
                xxhash_rust::xxh3::xxh3_64(&bytes)
            })
            .collect()
    }

    /// Shingles, signature and band keys of one text; `None` when it has no shingles.
    pub fn doc_band_keys(&self, text: &str, scratch: &mut Vec<u64>) -> Option<Vec<u64>> {
        shingle_hashes(text, &self.config, scratch);
        self.signature(scratch).map(|s| self.band_keys(&s))
    }
}

/// Exact Jaccard similarity of two sorted, deduplicated hash sets.
pub fn jaccard_sorted(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common as f64 / (a.len() + b.len() - common) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutations_match_numpy_randomstate() {
        // numpy 2.4: RandomState(1).randint(1, 2**61-1, dtype=uint64, size=112), then (0, p).
        let p = Permutations::new(1, 112);
        assert_eq!(&p.a[..3], &[775169054918279404, 1758426461858698313, 2109959069025162]);
        assert_eq!(p.a[111], 223865076026037746);
        assert_eq!(
            &p.b[..3],
            &[1062448801025099917, 1324811268927594100, 1217488311597731462]
        );
        assert_eq!(p.b[111], 1097409548522419201);
    }

    #[test]
    fn rare_unreduced_values_are_reduced() {
        // h·a + b = 10 + (p − 10) = p: unreduced it is p, its remainder 0 (the lane's minimum).
        let signer = Signer::with_permutations(
            MinhashConfig {
                bands: 1,
                rows: 2,
                ..MinhashConfig::default()
            },
            Permutations {
                a: vec![1, 1],
                b: vec![MERSENNE_61 - 10, 0],
            },
        );
        let sig = signer.signature(&[10, 20]).unwrap();
        assert_eq!(sig, vec![0, 10]);
        for (h, a, b) in [(u64::MAX, u64::MAX, u64::MAX), (MERSENNE_61, 1, 0), (12345, 999, 7)] {
            let s = Signer::with_permutations(
                MinhashConfig {
                    bands: 1,
                    rows: 1,
                    ..MinhashConfig::default()
                },
                Permutations { a: vec![a], b: vec![b] },
            );
            assert_eq!(
                s.signature(&[h]).unwrap(),
                vec![h.wrapping_mul(a).wrapping_add(b) % MERSENNE_61]
            );
        }
    }

    #[test]
    fn mod_mersenne_is_the_remainder() {
        for x in [
            0,
            1,
            MERSENNE_61 - 1,
            MERSENNE_61,
            MERSENNE_61 + 1,
            u64::MAX,
            u64::MAX - 1,
            1 << 61,
            7 << 61,
        ] {
            assert_eq!(mod_mersenne(x), x % MERSENNE_61, "{x}");
        }
    }

    #[test]
    fn simplify_follows_datatrove() {
        let c = TextNormConfig::default();
        assert_eq!(
            simplify_text("  Hello, World!! 3.14 and 1,000,000 ", &c),
            "hello world 0 and 0 0"
        );
        assert_eq!(simplify_text("Café déjà vu — naïve", &c), "cafe deja vu naive");
        assert_eq!(simplify_text("١٢٣ x", &c), "0 x");
        assert_eq!(simplify_text("a\u{a0}\tb\u{1c}c", &c), "a b c");
        assert_eq!(simplify_text("", &c), "");
        assert_eq!(simplify_text("ΣΑΣ", &c), "σας");
        // Terminal punctuation outside datatrove's PUNCTUATION string is kept (Ethiopic, CJK).
        assert_eq!(simplify_text("ነው። 你好。", &c), "ነው። 你好");
    }

    #[test]
    fn short_docs_have_no_signature() {
        let signer = Signer::new(MinhashConfig::default()).unwrap();
        let mut scratch = Vec::new();
        assert!(signer.doc_band_keys("only four words here", &mut scratch).is_none());
        assert!(signer.doc_band_keys("now there are five words", &mut scratch).is_some());
        assert_eq!(scratch.len(), 1);
    }

    #[test]
    fn equal_texts_after_normalisation_share_every_band() {
        let signer = Signer::new(MinhashConfig::default()).unwrap();
        let mut s = Vec::new();
        let a = signer.doc_band_keys("The quick brown fox jumps over the lazy dog in 2024.", &mut s);
        let b = signer.doc_band_keys("the QUICK brown fox, jumps over the lazy dog in 1999", &mut s);
        assert!(a.is_some());
        assert_eq!(a, b);
    }

    #[test]
    fn char_shingles_count_characters() {
        let config = MinhashConfig {
            unit: ShingleUnit::Chars,
            n_grams: 3,
            ..MinhashConfig::default()
        };
        let mut out = Vec::new();
        shingle_hashes("Ab-ç", &config, &mut out);
        // "ab c": 4 chars → 2 shingles.
        assert_eq!(
            out,
            vec![
                xxhash_rust::xxh64::xxh64(b"ab ", 0),
                xxhash_rust::xxh64::xxh64(b"b c", 0)
            ]
        );
    }

    #[test]
    fn jaccard_of_sorted_sets() {
        assert_eq!(jaccard_sorted(&[1, 2, 3], &[2, 3, 4]), 0.5);
        assert_eq!(jaccard_sorted(&[], &[]), 1.0);
        assert_eq!(jaccard_sorted(&[1], &[]), 0.0);
    }

    #[test]
    fn invalid_config_is_rejected() {
        for bad in [
            MinhashConfig {
                n_grams: 0,
                ..MinhashConfig::default()
            },
            MinhashConfig {
                bands: 0,
                ..MinhashConfig::default()
            },
            MinhashConfig {
                jaccard_threshold: Some(1.5),
                ..MinhashConfig::default()
            },
        ] {
            assert!(Signer::new(bad).is_err());
        }
    }
}
