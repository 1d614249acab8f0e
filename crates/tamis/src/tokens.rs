//! Token counts with OpenAI's BPE vocabularies (o200k_base, cl100k_base), for the funnel and per
//! document.
//!
//! Counting uses `bpe-openai` (GitHub's `bpe` crate with the two vocabularies compiled in: no
//! download at run time), which reproduces tiktoken's pre-tokenisation and merges;
//! `bench/tokens_check.py` compares its totals with OpenAI's `tiktoken` on the same texts.
//!
//! BPE is the costliest thing the runner does for the report (≈ 20–40 MB/s per encoding and core on
//! web text here, most of it the pre-tokeniser's regex), so a document is counted only when its
//! text changed since the last count, and then only the segments that changed ([`Tally`]); counts
//! of short pieces are remembered per thread ([`Encoding::count`]).

use serde::{Deserialize, Serialize};

/// A tokenizer vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// GPT-4o's vocabulary.
    O200k,
    /// GPT-4's and GPT-3.5's vocabulary.
    Cl100k,
}

impl Encoding {
    /// Every encoding, in the order of `metadata.tokens`' fields in the Arrow/Parquet schema.
    pub const ALL: [Encoding; 2] = [Encoding::O200k, Encoding::Cl100k];

    pub fn name(self) -> &'static str {
        match self {
            Encoding::O200k => "o200k",
            Encoding::Cl100k => "cl100k",
        }
    }

    /// Number of tokens of `text` (no special tokens): the pre-tokeniser's pieces, each encoded
    /// alone, as tiktoken and `bpe_openai::Tokenizer::count` do. A piece's count depends on the
    /// piece only, and web text repeats its pieces (" the", " de", "\n\n"), so counts of short
    /// pieces are remembered per thread: the same totals for a fraction of the BPE work.
    pub fn count(self, text: &str) -> u64 {
        let tokenizer = match self {
            Encoding::O200k => bpe_openai::o200k_base(),
            Encoding::Cl100k => bpe_openai::cl100k_base(),
        };
        let text = tokenizer.normalize(text);
        PIECES.with(|caches| {
            let cache = &mut caches.borrow_mut()[self as usize];
            let mut total = 0u64;
            for piece in tokenizer.split(text.as_str()).map(str::as_bytes) {
                if piece.len() > PIECE_MAX_BYTES {
                    total += tokenizer.bpe.count(piece) as u64;
                    continue;
                }
                // The key holds the piece itself (zero-padded, with its length): no pointer to
                // follow and no memcmp call on a lookup.
                let mut key = PieceKey([0; PIECE_MAX_BYTES], piece.len() as u8);
                key.0[..piece.len()].copy_from_slice(piece);
                if let Some(&n) = cache.get(&key) {
                    total += u64::from(n);
                    continue;
                }
                let n = tokenizer.bpe.count(piece) as u32;
                if cache.len() >= PIECE_CACHE_ENTRIES {
                    cache.clear();
                }
                cache.insert(key, n);
                total += u64::from(n);
            }
            total
        })
    }
}

/// Pieces longer than this are not remembered (long words, whitespace runs: rarely repeated).
const PIECE_MAX_BYTES: usize = 24;
/// Entries per encoding and thread before the cache starts over (≈ 7 MB).
const PIECE_CACHE_ENTRIES: usize = 200_000;

#[derive(PartialEq, Eq, Hash)]
struct PieceKey([u8; PIECE_MAX_BYTES], u8);

type PieceCache = std::collections::HashMap<PieceKey, u32, foldhash::fast::FixedState>;

thread_local! {
    /// Token counts of pieces already encoded, per encoding (indexed by `Encoding as usize`).
    static PIECES: std::cell::RefCell<[PieceCache; 2]> = std::cell::RefCell::new(Default::default());
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TokensConfig {
    /// Encodings counted per document (`metadata.tokens`) and per stage (stats); empty = off.
    pub encodings: Vec<Encoding>,
}

/// One vocabulary by default: exact BPE counts of a second one cost as much again (the
/// pre-tokeniser's regex is most of it), which took the default pipeline's token share from
/// ~12 % to ~22 % of its CPU (`bench/results/profile-2026-12-03.md`). `cl100k` is opt-in.
impl Default for TokensConfig {
    fn default() -> Self {
        TokensConfig {
            encodings: vec![Encoding::O200k],
        }
    }
}

/// The token counts of one document's text, recounted only where the text changed.
///
/// A text is counted as the sum of its segments (see [`segments`]), and the segments' counts are
/// kept: when a transform rewrites the text (`clean_lines` drops lines, `pii` masks a phone number),
/// only segments that were not in the previous text are encoded again.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Length and hash of the text the counts belong to.
    counted: Option<(usize, u64)>,
    counts: Vec<u64>,
    /// That text's segments, in order.
    segments: Vec<Segment>,
}

/// One segment of a counted text: its length, hash and counts (in `encodings` order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Segment {
    pub len: u32,
    hash: u64,
    pub counts: [u32; Encoding::ALL.len()],
}

impl Tally {
    /// Counts of `text` per encoding, in `encodings` order; `None` for a raw (not yet text) body.
    pub fn current(&mut self, text: Option<&str>, encodings: &[Encoding]) -> Option<&[u64]> {
        let text = text?;
        if encodings.is_empty() {
            return None;
        }
        // Hashing is ~1000× cheaper than BPE: it decides whether a transform changed the text.
        let print = (text.len(), xxhash_rust::xxh3::xxh3_64(text.as_bytes()));
        if self.counted != Some(print) {
            let known: std::collections::HashMap<(u32, u64), [u32; 2], foldhash::fast::FixedState> =
                self.segments.iter().map(|s| ((s.len, s.hash), s.counts)).collect();
            let mut segments = Vec::new();
            for seg in self::segments(text) {
                let (len, hash) = (seg.len() as u32, xxhash_rust::xxh3::xxh3_64(seg.as_bytes()));
                let counts = known.get(&(len, hash)).copied().unwrap_or_else(|| {
                    let mut c = [0; Encoding::ALL.len()];
                    for (c, e) in c.iter_mut().zip(encodings) {
                        *c = e.count(seg) as u32;
                    }
                    c
                });
                segments.push(Segment { len, hash, counts });
            }
            self.counts = (0..encodings.len())
                .map(|e| segments.iter().map(|s| u64::from(s.counts[e])).sum())
                .collect();
            self.segments = segments;
            self.counted = Some(print);
        }
        Some(&self.counts)
    }

    /// What a staged document carries over to the next pass: the print of the counted text, the
    /// counts, and its segments (whose hashes [`Tally::from_parts`] recomputes from the text).
    pub(crate) fn parts(&self) -> (Option<(usize, u64)>, &[u64], &[Segment]) {
        (self.counted, &self.counts, &self.segments)
    }

    /// The inverse of [`Tally::parts`] from segments' lengths and counts, for the document whose
    /// text is `text`; segments that do not fit that text are left out (the next count then
    /// encodes it whole).
    pub(crate) fn from_parts(
        counted: Option<(usize, u64)>,
        counts: Vec<u64>,
        segments: &[(u32, [u32; Encoding::ALL.len()])],
        text: Option<&str>,
    ) -> Self {
        let mut tally = Tally {
            counted,
            counts,
            segments: Vec::new(),
        };
        let fits = text.filter(|t| {
            counted == Some((t.len(), xxhash_rust::xxh3::xxh3_64(t.as_bytes())))
                && segments.iter().map(|s| s.0 as usize).sum::<usize>() == t.len()
        });
        if let Some(text) = fits {
            let mut at = 0;
            for &(len, counts) in segments {
                let hash = xxhash_rust::xxh3::xxh3_64(&text.as_bytes()[at..at + len as usize]);
                tally.segments.push(Segment { len, hash, counts });
                at += len as usize;
            }
        }
        tally
    }
}

/// The text cut after every newline that is followed by an ASCII character other than whitespace
/// and `/`. Both vocabularies' pre-tokenisers end a piece there whatever follows (no piece crosses
/// such a cut: words and numbers hold no newline, newline runs and whitespace stop at the
/// non-space, and only o200k's punctuation piece `[^\s\p{L}\p{N}]+[\r\n/]*` could run on, into
/// a `/`), and start afresh after it (no look-behind), so a text's count is the sum of its
/// segments' counts. `segments_add_up` checks it on generated and real text.
pub fn segments(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut cuts = memchr::memchr_iter(b'\n', bytes).filter(move |&i| {
        bytes
            .get(i + 1)
            .is_some_and(|&b| b.is_ascii() && !matches!(b, b'\t'..=b'\r' | b' ' | b'/'))
    });
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = cuts.next().map_or(text.len(), |i| i + 1);
        let seg = &text[start..end];
        start = end;
        Some(seg)
    })
}

/// `{"o200k": n, ...}` for metadata and stats.
pub fn to_map(encodings: &[Encoding], counts: &[u64]) -> serde_json::Map<String, serde_json::Value> {
    encodings
        .iter()
        .zip(counts)
        .map(|(e, c)| (e.name().to_string(), serde_json::Value::from(*c)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_known_strings() {
        // "hello world" is two tokens in both vocabularies (tiktoken: [15339, 1917] / [24912, 2375]).
        assert_eq!(Encoding::Cl100k.count("hello world"), 2);
        assert_eq!(Encoding::O200k.count("hello world"), 2);
        assert_eq!(Encoding::O200k.count(""), 0);
    }

    #[test]
    fn remembered_piece_counts_give_the_library_totals() {
        // Repeated and long pieces, mixed scripts, whitespace runs: the cached counts must add up
        // to what bpe-openai's own `count` (no cache) gives, on first and on repeated calls.
        let base = "The café's 2024 report — ünïcödé, 日本語のテキスト, \t\ttabs\n\n\nand   spaces; ";
        let texts = [
            base.repeat(3),
            "x".repeat(100) + " supercalifragilisticexpialidocious antidisestablishmentarianism",
            base.chars().rev().collect::<String>(),
            String::new(),
        ];
        for e in Encoding::ALL {
            let tokenizer = match e {
                Encoding::O200k => bpe_openai::o200k_base(),
                Encoding::Cl100k => bpe_openai::cl100k_base(),
            };
            for _ in 0..2 {
                for t in &texts {
                    assert_eq!(e.count(t), tokenizer.count(t.as_str()) as u64, "{e:?} {t:?}");
                }
            }
        }
    }

    #[test]
    fn all_lists_every_encoding_once() {
        // Adding a variant breaks this match: add it to `ALL` too (it becomes an Arrow column).
        for e in Encoding::ALL {
            match e {
                Encoding::O200k | Encoding::Cl100k => {}
            }
        }
        let names: std::collections::BTreeSet<_> = Encoding::ALL.iter().map(|e| e.name()).collect();
        assert_eq!(names.len(), Encoding::ALL.len());
    }

    /// The tally as the next pass gets it back from staging, for a document whose text is `text`.
    fn restage(tally: &Tally, text: &str) -> Tally {
        let (counted, counts, segments) = tally.parts();
        let segments: Vec<_> = segments.iter().map(|s| (s.len, s.counts)).collect();
        Tally::from_parts(counted, counts.to_vec(), &segments, Some(text))
    }

    fn library_count(e: Encoding, text: &str) -> u64 {
        let tokenizer = match e {
            Encoding::O200k => bpe_openai::o200k_base(),
            Encoding::Cl100k => bpe_openai::cl100k_base(),
        };
        tokenizer.count(text) as u64
    }

    /// Characters around the cuts: newlines, every kind of space, `/`, punctuation, letters of
    /// both cases and scripts, digits, an apostrophe for contractions, combining marks.
    const ALPHABET: &[&str] = &[
        "\n", "\n", "\n", " ", "  ", "\t", "\r", "\u{b}", "\u{c}", "\u{a0}", "\u{2028}", "/", ".", "-", "'", "s", "ll",
        "a", "B", "é", "Ü", "1", "234", "日本", "\u{301}", "Ω", "\u{85}",
    ];

    proptest::proptest! {
        #[test]
        fn segments_add_up(parts in proptest::collection::vec(0..ALPHABET.len(), 0..60)) {
            let text: String = parts.iter().map(|&i| ALPHABET[i]).collect();
            proptest::prop_assert_eq!(segments(&text).collect::<String>(), text.clone());
            for e in Encoding::ALL {
                let summed: u64 = segments(&text).map(|s| library_count(e, s)).sum();
                proptest::prop_assert_eq!(summed, library_count(e, &text), "{:?} {:?}", e, text);
            }
        }

        #[test]
        fn recounts_after_edits_are_exact(
            lines in proptest::collection::vec(proptest::collection::vec(0..ALPHABET.len(), 0..12), 1..12),
            keep in proptest::collection::vec(proptest::bool::ANY, 12),
        ) {
            let lines: Vec<String> = lines.iter().map(|l| l.iter().map(|&i| ALPHABET[i]).collect::<String>() + "\n").collect();
            let before: String = lines.concat();
            let after: String = lines.iter().zip(&keep).filter(|(_, k)| **k).map(|(l, _)| l.as_str()).collect();
            let mut tally = Tally::default();
            tally.current(Some(&before), &Encoding::ALL);
            let mut staged = restage(&tally, &before);
            for t in [&mut tally, &mut staged] {
                let got = t.current(Some(&after), &Encoding::ALL).unwrap().to_vec();
                let want: Vec<u64> = Encoding::ALL.iter().map(|&e| library_count(e, &after)).collect();
                proptest::prop_assert_eq!(got, want);
            }
        }
    }

    #[test]
    fn segments_cut_after_newlines_before_ascii_non_space() {
        let cut: Vec<&str> = segments("Home\nNews\n\nThe story.\n/path\n é\n").collect();
        assert_eq!(cut, ["Home\n", "News\n\n", "The story.\n/path\n é\n"]);
        assert_eq!(segments("").count(), 0);
    }

    #[test]
    fn staged_segments_that_do_not_fit_the_text_are_dropped() {
        let mut tally = Tally::default();
        tally.current(Some("a\nb\n"), &[Encoding::O200k]);
        assert_eq!(tally.parts().2.iter().map(|s| s.len).collect::<Vec<_>>(), [2, 2]);
        assert!(restage(&tally, "a\nc\n").segments.is_empty());
        assert_eq!(restage(&tally, "a\nb\n").segments, tally.segments);
    }

    #[test]
    fn tally_recounts_only_changed_text() {
        let encs = [Encoding::O200k];
        let mut t = Tally::default();
        let a = t.current(Some("one two three"), &encs).map(<[u64]>::to_vec);
        assert_eq!(a, Some(vec![3]));
        assert_eq!(t.current(Some("one two"), &encs).map(<[u64]>::to_vec), Some(vec![2]));
        assert_eq!(t.current(None, &encs), None);
        assert_eq!(t.current(Some("x"), &[]), None);
    }
}
