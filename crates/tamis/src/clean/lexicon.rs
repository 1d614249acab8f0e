//! The multilingual page-furniture lexicon (`furniture.tsv`, written by this project) and its matcher.
//!
//! Each entry is `lang<TAB>kind<TAB>phrase`. All languages are matched on every document: a French
//! site quoting an English share widget is still furniture, and the language stage runs after cleaning.
//! Kinds:
//! - `label`: the whole normalised line equals the phrase ("publicité", "trending").
//! - `prompt`: the line starts with the phrase and is short ("suivez-nous sur …", "lire aussi : …").
//! - `stub`: the line starts with the phrase and the rest is empty or only a date ("publié le 3 mars").
//! - `cue`: the phrase occurs anywhere in a notice ("utilise des cookies", "all rights reserved").

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Anchored, Input, MatchKind, StartKind};
use std::collections::HashSet;
use std::sync::OnceLock;

/// What a lexicon phrase says about a line that matches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Label,
    Prompt,
    Stub,
    Cue,
}

/// A prompt line longer than this (words or characters) is content that merely starts like a prompt.
pub const PROMPT_MAX_WORDS: usize = 15;
pub const PROMPT_MAX_CHARS: usize = 120;

pub struct Lexicon {
    labels: HashSet<String>,
    starts: AhoCorasick,
    start_kinds: Vec<Kind>,
    cues: AhoCorasick,
    /// Number of entries per kind (for docs and tests).
    pub entries: usize,
}

/// How one line matched the lexicon.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LineMatch {
    pub label: bool,
    /// A prompt phrase starts the line (length limits not yet applied).
    pub prompt: bool,
    /// A stub phrase starts the line and the rest is empty or only a date.
    pub stub: bool,
    /// Distinct cue phrases in the line.
    pub cues: usize,
}

impl Lexicon {
    /// The built-in lexicon, parsed once.
    pub fn builtin() -> &'static Lexicon {
        static LEXICON: OnceLock<Lexicon> = OnceLock::new();
        LEXICON.get_or_init(|| {
            // The file is part of the binary; a malformed line is a bug caught by the tests, so it is
            // skipped here rather than failing every run.
            Lexicon::parse(include_str!("furniture.tsv")).0
        })
    }

    /// Parse the TSV: the lexicon of the well-formed lines, and one message per malformed line.
    pub fn parse(tsv: &str) -> (Lexicon, Vec<String>) {
        let mut labels = HashSet::new();
        let mut starts = Vec::new();
        let mut start_kinds = Vec::new();
        let mut cues = Vec::new();
        let mut errors = Vec::new();
        let mut entries = 0;
        for (n, raw) in tsv.lines().enumerate() {
            if raw.trim().is_empty() || raw.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = raw.split('\t').collect();
            if fields.len() != 3 {
                errors.push(format!("line {}: expected lang<TAB>kind<TAB>phrase: {raw:?}", n + 1));
                continue;
            }
            let kind = match fields[1] {
                "label" => Kind::Label,
                "prompt" => Kind::Prompt,
                "stub" => Kind::Stub,
                "cue" => Kind::Cue,
                other => {
                    errors.push(format!("line {}: unknown kind {other:?}", n + 1));
                    continue;
                }
            };
            let phrase = match kind {
                // Cues are matched inside the line, so they keep their punctuation ("©").
                Kind::Cue => fold(fields[2]),
                // A prompt's trailing punctuation carries its meaning: "photo:" opens a credit,
                // "photo" also opens sentences. Only the phrase's start is trimmed like a line's.
                Kind::Prompt | Kind::Stub => fold(fields[2])
                    .trim_start_matches(|c: char| !c.is_alphanumeric())
                    .to_string(),
                Kind::Label => normalize(fields[2]),
            };
            if phrase.is_empty() {
                errors.push(format!("line {}: empty phrase", n + 1));
                continue;
            }
            entries += 1;
            match kind {
                Kind::Label => {
                    labels.insert(phrase);
                }
                Kind::Prompt | Kind::Stub => {
                    starts.push(phrase);
                    start_kinds.push(kind);
                }
                Kind::Cue => cues.push(phrase),
            }
        }
        let build = |patterns: &[String], start: StartKind| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .start_kind(start)
                .build(patterns)
        };
        let (starts, cues) = match (build(&starts, StartKind::Anchored), build(&cues, StartKind::Unanchored)) {
            (Ok(s), Ok(c)) => (s, c),
            (Err(e), _) | (_, Err(e)) => {
                errors.push(format!("cannot build the matcher: {e}"));
                let empty: [&str; 0] = [];
                let (Ok(s), Ok(c)) = (AhoCorasick::new(empty), AhoCorasick::new(empty)) else {
                    unreachable!("an empty automaton always builds")
                };
                (s, c)
            }
        };
        let lexicon = Lexicon {
            labels,
            starts,
            start_kinds,
            cues,
            entries,
        };
        (lexicon, errors)
    }

    /// Match one line: `norm` = [`normalize`]d, `folded` = [`fold`]ed.
    pub fn match_line(&self, norm: &str, folded: &str) -> LineMatch {
        // "5 min read", "3 Min. Lesezeit": a label after a leading number.
        let unnumbered = norm.trim_start_matches(|c: char| c.is_numeric() || c == ' ');
        let mut m = LineMatch {
            label: self.labels.contains(norm) || (unnumbered.len() < norm.len() && self.labels.contains(unnumbered)),
            ..LineMatch::default()
        };
        if !norm.is_empty() {
            if let Some(hit) = self.starts.find(Input::new(norm).anchored(Anchored::Yes)) {
                if at_word_boundary(norm, hit.start(), hit.end()) {
                    match self.start_kinds[hit.pattern().as_usize()] {
                        Kind::Stub => m.stub = is_empty_or_date(&norm[hit.end()..]),
                        _ => m.prompt = true,
                    }
                }
            }
        }
        let mut seen = Vec::new();
        for hit in self.cues.find_iter(folded) {
            let id = hit.pattern().as_usize();
            if at_word_boundary(folded, hit.start(), hit.end()) && !seen.contains(&id) {
                seen.push(id);
            }
        }
        m.cues = seen.len();
        m
    }
}

/// Lower case, typographic apostrophes folded to `'`, whitespace runs collapsed to one space.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut space = false;
    for c in line.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}' => out.push('\''),
            // Turkish İ lower-cases to i + U+0307; the lexicon writes a plain i.
            c if c.is_uppercase() => out.extend(c.to_lowercase().filter(|&l| l != '\u{0307}')),
            c => out.push(c),
        }
    }
    out
}

/// [`fold`], then leading and trailing non-alphanumeric characters (punctuation, symbols, bullets,
/// emoji) trimmed: the key that labels and prompts are matched on.
pub fn normalize(line: &str) -> String {
    let folded = fold(line);
    folded.trim_matches(|c: char| !c.is_alphanumeric()).to_string()
}

/// Scripts written without spaces between words: no word boundary is needed around their phrases.
pub fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0x0E00..=0x0E7F    // Thai
        | 0x0E80..=0x0EFF    // Lao
        | 0x1000..=0x109F    // Myanmar
        | 0x1780..=0x17FF    // Khmer
    )
}

/// A phrase found at `start..end` must not continue a word on either side ("share" in "shareholders"),
/// unless the text there is in an unspaced script.
fn at_word_boundary(text: &str, start: usize, end: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() && !is_unspaced_script(c);
    let before = text[..start].chars().next_back();
    let first = text[start..end].chars().next();
    let last = text[start..end].chars().next_back();
    let after = text[end..].chars().next();
    let left_ok = !(before.is_some_and(word) && first.is_some_and(word));
    let right_ok = !(after.is_some_and(word) && last.is_some_and(word));
    left_ok && right_ok
}

/// The rest of a stub line: nothing, or a date/time ("le 12 mars 2024 à 10h30", "03/12/2024",
/// "2024年3月12日"). It must hold a digit, and at most three letters outside month names, weekday
/// abbreviations and date/time words: "par Jean Dupont" (no digit) and "수정안은 2024년…" (a sentence)
/// are not dates.
fn is_empty_or_date(rest: &str) -> bool {
    // Month names and date/time words of the major web languages (lower case).
    const DATE_WORDS: &[&str] = &[
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
        "januar",
        "februar",
        "märz",
        "juni",
        "juli",
        "oktober",
        "dezember",
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
        "gennaio",
        "febbraio",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "settembre",
        "ottobre",
        "dicembre",
        "janeiro",
        "fevereiro",
        "março",
        "maio",
        "junho",
        "julho",
        "setembro",
        "outubro",
        "dezembro",
        "januari",
        "februari",
        "maart",
        "mei",
        "augustus",
        "oktober",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "am",
        "pm",
        "at",
        "on",
        "de",
        "del",
        "à",
        "le",
        "um",
        "am",
        "uhr",
        "las",
        "alle",
        "às",
        "om",
        "et",
        "est",
        "edt",
        "pst",
        "pdt",
        "cet",
        "cest",
        "gmt",
        "utc",
        "bst",
        "mez",
        "mesz",
        "h",
        "min",
        "a.m",
        "p.m",
    ];
    // Date and time characters of unspaced scripts: 年 月 日 時 分 秒 号 (zh, ja) and 년 월 일 시 분 (ko).
    const DATE_CHARS: &[char] = &[
        '年', '月', '日', '時', '时', '分', '秒', '号', '號', '년', '월', '일', '시', '분', '초',
    ];
    let rest = rest.trim_matches(|c: char| !c.is_alphanumeric());
    if rest.is_empty() {
        return true;
    }
    if !rest.chars().any(char::is_numeric) || rest.chars().count() > 60 {
        return false;
    }
    let mut letters = 0;
    for word in rest.split(|c: char| !c.is_alphabetic() && c != '.') {
        let word = word.trim_matches('.');
        if word.is_empty() || DATE_WORDS.contains(&word) {
            continue;
        }
        letters += word
            .chars()
            .filter(|c| c.is_alphabetic() && !DATE_CHARS.contains(c))
            .count();
    }
    letters <= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "# test lexicon\nfr\tlabel\tpublicité\nen\tprompt\tshare this article\nfr\tprompt\tlire aussi\nfr\tstub\tpublié le\nfr\tstub\tpar\nfr\tcue\tdonnées personnelles\nfr\tcue\tvous désinscrire\nzh\tprompt\t分享到\n*\tcue\t©\n";

    fn lex() -> Lexicon {
        let (lexicon, errors) = Lexicon::parse(TSV);
        assert!(errors.is_empty(), "{errors:?}");
        lexicon
    }

    fn m(line: &str) -> LineMatch {
        lex().match_line(&normalize(line), &fold(line))
    }

    #[test]
    fn labels_match_the_whole_normalised_line() {
        assert!(m("  PUBLICITÉ  ").label);
        assert!(m("— Publicité —").label);
        assert!(!m("Publicité ciblée et vie privée").label);
    }

    #[test]
    fn prompts_need_a_word_boundary() {
        assert!(m("Lire aussi : Le gouvernement recule").prompt);
        assert!(m("Share this article").prompt);
        assert!(!m("Share this articles of faith").prompt, "boundary inside a word");
        assert!(m("分享到：微信").prompt, "unspaced scripts need no boundary");
    }

    #[test]
    fn stubs_are_empty_or_only_a_date() {
        assert!(m("Publié le").stub);
        assert!(m("Publié le 12 mars 2024 à 10h30").stub);
        assert!(m("Par").stub);
        assert!(!m("Par Jean Dupont").stub, "a byline with a name is not empty");
        assert!(!m("Parmi les victimes, trois enfants.").stub, "word boundary");
        assert!(m("Par 12 mars 2024 à 10h30 CET").stub);
        assert!(
            !m("Par 3 voix contre 2, le conseil a voté.").stub,
            "a sentence with a number"
        );
    }

    #[test]
    fn prompt_phrases_keep_their_trailing_punctuation() {
        let (lexicon, errors) = Lexicon::parse("vi\tprompt\tảnh:\nen\tlabel\tmin read\ntr\tlabel\tiletişim\n");
        assert!(errors.is_empty());
        let m = |line: &str| lexicon.match_line(&normalize(line), &fold(line));
        assert!(m("Ảnh: Reuters").prompt);
        assert!(!m("Ảnh hưởng của bão rất lớn").prompt, "the bare word opens sentences");
        assert!(m("5 min read").label);
        assert!(m("İLETİŞİM").label, "Turkish dotted capital I folds to a plain i");
    }

    #[test]
    fn cues_are_counted_once_each() {
        let hit = m("Vos données personnelles sont traitées ; vous désinscrire : lien. Vos données personnelles.");
        assert_eq!(hit.cues, 2);
        assert_eq!(m("© AFP").cues, 1);
    }

    #[test]
    fn malformed_entries_are_reported() {
        let (lexicon, errors) = Lexicon::parse("fr\tlabel\n en\tbogus\tx\nfr\tlabel\tok\n");
        assert_eq!(errors.len(), 2);
        assert_eq!(lexicon.entries, 1);
    }

    #[test]
    fn the_builtin_lexicon_parses_cleanly() {
        let (_, errors) = Lexicon::parse(include_str!("furniture.tsv"));
        assert!(errors.is_empty(), "furniture.tsv: {errors:#?}");
        assert!(Lexicon::builtin().entries > 0);
    }
}
