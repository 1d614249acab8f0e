//! Helpers the quality filters share: Python's line splitting (datatrove splits with it) and the
//! language a document's thresholds are chosen by.

use crate::document::Document;
use std::collections::HashSet;

/// Whether a language label is English (FineWeb's English settings apply, not FineWeb-2's).
pub(crate) fn is_english(language: &str) -> bool {
    language.eq_ignore_ascii_case("en") || language.eq_ignore_ascii_case("eng")
}

/// The document's language (`metadata.language`), else the configured one.
pub(crate) fn doc_language<'a>(doc: &'a Document, default: &'a str) -> &'a str {
    doc.language().unwrap_or(default)
}

/// Python `str.splitlines()` (no keepends): splits on \n, \r, \r\n, \v, \f, \x1c-\x1e, \x85, U+2028,
/// U+2029; no empty last line after a final line break.
pub(crate) fn py_splitlines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0usize;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let is_break = matches!(
            c,
            '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{1c}' | '\u{1d}' | '\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}'
        );
        if !is_break {
            continue;
        }
        lines.push(&text[start..i]);
        let mut end = i + c.len_utf8();
        if c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n') {
            chars.next();
            end += 1;
        }
        start = end;
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// A hasher for keys that are already well spread or small packed integers: one multiply-fold.
/// SipHash (std's default) costs more than the n-gram counting itself here.
/// Seeded once per process, so crafted text cannot aim at collisions; results never depend on the
/// table's order (ties are broken by position).
pub(crate) struct MixHasher(u64);

impl Default for MixHasher {
    fn default() -> Self {
        static SEED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
        MixHasher(*SEED.get_or_init(|| {
            use std::hash::BuildHasher;
            std::collections::hash_map::RandomState::new().hash_one(0x7461_6d69_u64)
        }))
    }
}

impl std::hash::Hasher for MixHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        self.write_u64(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
    }
    fn write_u32(&mut self, x: u32) {
        self.write_u64(u64::from(x));
    }
    fn write_u64(&mut self, x: u64) {
        let m = u128::from(self.0 ^ x) * 0x9E37_79B9_7F4A_7C15;
        self.0 = (m as u64) ^ ((m >> 64) as u64);
    }
    fn write_u128(&mut self, x: u128) {
        self.write_u64(x as u64);
        self.write_u64((x >> 64) as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type Mix = std::hash::BuildHasherDefault<MixHasher>;

/// datatrove `find_duplicates`: (number of 2nd+ copies, their total length in code points).
pub(crate) fn find_duplicates<'a>(items: impl IntoIterator<Item = &'a str>) -> (usize, usize) {
    let mut seen: HashSet<&str, Mix> = HashSet::default();
    let mut dup_elements = 0usize;
    let mut dup_chars = 0usize;
    for item in items {
        if !seen.insert(item) {
            dup_elements += 1;
            dup_chars += item.chars().count();
        }
    }
    (dup_elements, dup_chars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_duplicates_counts_second_and_later_copies_only() {
        assert_eq!(find_duplicates(["ab", "c", "ab", "ab", "é"]), (2, 4));
        assert_eq!(find_duplicates(["", "x", ""]), (1, 0));
    }

    #[test]
    fn splits_lines_as_python_does() {
        assert_eq!(
            py_splitlines("a\r\nb\rc\u{85}d\u{1c}e\n"),
            vec!["a", "b", "c", "d", "e"]
        );
        assert_eq!(py_splitlines("\n\n"), vec!["", ""]);
        assert_eq!(py_splitlines("\n"), vec![""]);
        assert!(py_splitlines("").is_empty());
        assert_eq!(py_splitlines("a\n\nb"), vec!["a", "", "b"]);
        assert_eq!(py_splitlines("x\u{2028}y"), vec!["x", "y"]);
    }

    #[test]
    fn english_is_recognised_in_both_label_forms() {
        assert!(is_english("en") && is_english("ENG"));
        assert!(!is_english("fr"));
    }
}
