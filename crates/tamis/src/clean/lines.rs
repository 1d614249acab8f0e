//! `clean_lines`: remove page furniture, site-frequent lines and (optionally) C4-rule lines from a
//! document's text, and record every removed line with its reason in `metadata.removed_lines`.
//!
//! Furniture is decided from the lexicon ([`super::lexicon`], ~20+ languages) together with the
//! line's structure and position. The article body is the span from the first to the last prose line
//! (a line of several words ending in sentence punctuation, not itself matched as furniture); lines
//! before it are the head, lines after it the tail. Rules that could hit article text (a single
//! notice cue, runs of short lines, section labels, teaser lists) act only in the head and tail;
//! lexicon labels, prompts, empty stubs, share widgets and breadcrumbs act anywhere, because ads and
//! "read also" teasers sit inside articles. An article sentence that merely contains "share" is not
//! a prompt: prompts must start the line and the line must be short.

use super::lexicon::{fold, is_unspaced_script, normalize, Lexicon, PROMPT_MAX_CHARS, PROMPT_MAX_WORDS};
use super::site_lines::{site_key, SiteLines};
use crate::document::{Body, Document};
use crate::filters::c4_quality::{c4_line_reason, C4QualityConfig};
use crate::stage::{Stage, StageError, Verdict};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub const LABEL: &str = "furniture_label";
pub const PROMPT: &str = "furniture_prompt";
pub const STUB: &str = "empty_stub";
pub const NOTICE: &str = "notice";
pub const SHARE_WIDGET: &str = "share_widget";
pub const BREADCRUMB: &str = "breadcrumb";
pub const NAVIGATION: &str = "navigation";
pub const SECTION_LABEL: &str = "section_label";
pub const TEASER_LIST: &str = "teaser_list";
pub const PAGE_HEAD: &str = "page_head";
pub const CAPTION: &str = "caption";
pub const SITE_FREQUENT: &str = "site_frequent";
pub const C4_TOO_LONG_WORD: &str = "c4_too_long_word";
pub const C4_NO_TERMINAL_PUNC: &str = "c4_no_terminal_punc";
pub const C4_TOO_FEW_WORDS: &str = "c4_too_few_words";
pub const C4_JAVASCRIPT: &str = "c4_javascript";
pub const C4_POLICY: &str = "c4_policy";
pub const C4_OTHER: &str = "c4_line";
/// Document reason: nothing is left after cleaning.
pub const EMPTY: &str = "empty_after_cleaning";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CleanLinesConfig {
    /// Remove page furniture (lexicon + structure).
    pub furniture: bool,
    /// Remove lines that occur in at least `site_min_docs` distinct documents of the same site
    /// (a pass over the whole input before the run).
    pub site_lines: bool,
    pub site_min_docs: u32,
    /// Memory bound of the site-line pass, in line counters (~40 bytes each with table overhead).
    pub site_max_entries: usize,
    /// Also apply C4's line rules (datatrove's `C4QualityFilter` line rules: long words, citations,
    /// < 3 words, "javascript", policy phrases).
    pub c4_lines: bool,
    /// With `c4_lines`: C4's terminal-punctuation rule (off = FineWeb's setting).
    pub c4_terminal_punct: bool,
    /// Write every removed line and its reason to `metadata.removed_lines`.
    pub record_lines: bool,
}

impl Default for CleanLinesConfig {
    fn default() -> Self {
        CleanLinesConfig {
            furniture: true,
            site_lines: true,
            site_min_docs: 3,
            site_max_entries: 8_000_000,
            c4_lines: false,
            c4_terminal_punct: false,
            record_lines: true,
        }
    }
}

impl CleanLinesConfig {
    pub fn example() -> Self {
        CleanLinesConfig {
            site_min_docs: 5,
            c4_lines: true,
            ..CleanLinesConfig::default()
        }
    }
}

/// One input line and what the cleaner decided about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineDecision<'a> {
    pub line: &'a str,
    /// `None` = kept.
    pub reason: Option<&'static str>,
}

pub struct CleanLines {
    config: CleanLinesConfig,
    c4: C4QualityConfig,
    lexicon: &'static Lexicon,
    site_lines: Option<Arc<SiteLines>>,
}

impl CleanLines {
    /// `site_lines`: the index of the site-line pass (`None` = that rule is off).
    pub fn new(config: CleanLinesConfig, site_lines: Option<Arc<SiteLines>>) -> Self {
        let c4 = C4QualityConfig {
            filter_no_terminal_punct: config.c4_terminal_punct,
            ..C4QualityConfig::default()
        };
        CleanLines {
            config,
            c4,
            lexicon: Lexicon::builtin(),
            site_lines,
        }
    }

    /// Decide every line of `text` (split on `\n`) for a document of site `site`.
    pub fn decide<'a>(&self, text: &'a str, site: u64) -> Vec<LineDecision<'a>> {
        let mut lines: Vec<Line<'a>> = text.split('\n').map(|l| Line::new(l, self.lexicon)).collect();
        mark_wrapped_paragraphs(&mut lines);
        let mut reasons: Vec<Option<&'static str>> = vec![None; lines.len()];
        let c = &self.config;
        // Pass 1: rules that hold anywhere in the page.
        for (i, l) in lines.iter().enumerate() {
            if l.blank {
                continue;
            }
            reasons[i] = if c.furniture { l.anywhere_reason() } else { None }
                .or_else(|| {
                    let index = self.site_lines.as_ref()?;
                    index.is_frequent(site, l.raw).then_some(SITE_FREQUENT)
                })
                .or_else(|| c.c4_lines.then(|| self.c4_reason(l.raw)).flatten());
        }
        if c.furniture {
            // Share names first: a spread-out share widget must not count as the title zone.
            lone_share_names(&lines, &mut reasons);
            positional_rules(&lines, &mut reasons);
            lone_share_names(&lines, &mut reasons);
        }
        lines
            .iter()
            .zip(reasons)
            .map(|(l, reason)| LineDecision { line: l.raw, reason })
            .collect()
    }

    /// C4's line rules (datatrove's `C4QualityFilter`, FineWeb's setting unless `c4_terminal_punct`);
    /// reasons are prefixed `c4_` to tell them from furniture. Citations are not rewritten here (that
    /// is the `c4_quality` stage's job): this stage only removes lines.
    fn c4_reason(&self, line: &str) -> Option<&'static str> {
        let line = line.trim();
        if line.is_empty() {
            return None;
        }
        c4_line_reason(line, &self.c4).map(|r| match r {
            "too_long_word" => C4_TOO_LONG_WORD,
            "no_terminal_punc" => C4_NO_TERMINAL_PUNC,
            "too_few_words" => C4_TOO_FEW_WORDS,
            "javascript" => C4_JAVASCRIPT,
            "policy" => C4_POLICY,
            _ => C4_OTHER,
        })
    }
}

/// Rebuild the text from the kept lines: blank-line runs collapsed, no leading/trailing blank lines.
pub fn kept_text(decisions: &[LineDecision<'_>]) -> String {
    let mut out = String::new();
    let mut pending_blank = false;
    for d in decisions.iter().filter(|d| d.reason.is_none()) {
        let line = d.line.trim_end_matches('\r');
        if line.trim().is_empty() {
            pending_blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if pending_blank {
                out.push('\n');
            }
        }
        pending_blank = false;
        out.push_str(line);
    }
    out
}

impl Stage for CleanLines {
    fn process(&self, doc: &mut Document) -> Result<Verdict, StageError> {
        let Some(text) = doc.text() else {
            return Ok(Verdict::Keep);
        };
        let decisions = self.decide(text, site_key(doc));
        if decisions.iter().all(|d| d.reason.is_none()) {
            return Ok(Verdict::Keep);
        }
        let cleaned = kept_text(&decisions);
        let removed: Vec<(String, String, Option<u64>)> = if self.config.record_lines {
            // `at`: the line's place among the non-blank lines of the input, so a viewer can put
            // it back between the kept lines (blank runs are collapsed in the output).
            let mut nonblank = 0u64;
            decisions
                .iter()
                .filter_map(|d| {
                    let line = d.line.trim_end_matches('\r');
                    let at = nonblank;
                    nonblank += u64::from(!line.trim().is_empty());
                    let reason = d.reason?;
                    Some((line.to_string(), format!("clean_lines.{reason}"), Some(at)))
                })
                .collect()
        } else {
            Vec::new()
        };
        doc.push_removed_lines(removed);
        let empty = cleaned.is_empty();
        doc.body = Body::Text(cleaned);
        Ok(if empty { Verdict::Drop(EMPTY) } else { Verdict::Keep })
    }
}

/// What the rules need to know about one line.
struct Line<'a> {
    raw: &'a str,
    blank: bool,
    words: usize,
    chars: usize,
    /// Ends with sentence punctuation (after closing quotes and brackets).
    terminal: bool,
    unspaced: bool,
    m: super::lexicon::LineMatch,
    share_widget: bool,
    /// The line is one social-network or share-action name.
    share_name: bool,
    /// Starts with a list marker ("- ", "• ", "・", "1. ").
    list_item: bool,
    /// Ends with a photo credit ("… Credit: Getty Images").
    caption: bool,
    /// Part of a paragraph hard-wrapped over several lines that, joined, is prose.
    wrapped_prose: bool,
    breadcrumb: bool,
}

impl<'a> Line<'a> {
    fn new(raw: &'a str, lexicon: &Lexicon) -> Line<'a> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Line {
                raw,
                blank: true,
                words: 0,
                chars: 0,
                terminal: false,
                unspaced: false,
                m: Default::default(),
                share_widget: false,
                share_name: false,
                list_item: false,
                caption: false,
                wrapped_prose: false,
                breadcrumb: false,
            };
        }
        let norm = normalize(trimmed);
        let folded = fold(trimmed);
        let unspaced = trimmed.chars().filter(|&c| is_unspaced_script(c)).take(4).count() >= 4;
        let last = trimmed
            .trim_end_matches(['"', '\'', ')', ']', '»', '”', '’', '」', '』', '*'])
            .chars()
            .next_back();
        Line {
            raw,
            blank: false,
            words: trimmed.split_whitespace().count(),
            chars: trimmed.chars().count(),
            terminal: last.is_some_and(|c| matches!(c, '.' | '!' | '?' | '。' | '！' | '？' | '؟' | '।' | '…' | ':')),
            unspaced,
            m: {
                let mut m = lexicon.match_line(&norm, &folded);
                // A lone network name ("TikTok") may head a section of an article: only next to
                // other share furniture is it removed (`lone_share_names`).
                m.label &= !SHARE_NAMES.contains(&norm.as_str());
                m
            },
            share_widget: is_share_widget(&folded),
            share_name: SHARE_NAMES.contains(&norm.as_str()),
            list_item: is_list_item(trimmed),
            caption: is_caption(&folded),
            wrapped_prose: false,
            breadcrumb: is_breadcrumb(trimmed),
        }
    }

    /// Prose: a sentence-like line long enough to belong to the article body.
    fn prose(&self) -> bool {
        self.wrapped_prose
            || self.terminal
                && !self.raw.trim_end().ends_with(':')
                && if self.unspaced {
                    self.chars >= 20
                } else {
                    self.words >= 6
                }
    }

    /// Short enough that a prompt phrase at its start makes the whole line a prompt.
    fn short(&self) -> bool {
        if self.unspaced {
            self.chars <= PROMPT_MAX_CHARS / 2
        } else {
            self.words <= PROMPT_MAX_WORDS && self.chars <= PROMPT_MAX_CHARS
        }
    }

    fn anywhere_reason(&self) -> Option<&'static str> {
        if self.m.label {
            Some(LABEL)
        } else if self.m.stub {
            Some(STUB)
        } else if self.m.prompt && self.short() {
            Some(PROMPT)
        } else if self.m.cues >= 2 || (self.m.cues == 1 && self.words <= 6 && !self.unspaced) {
            Some(NOTICE)
        } else if self.share_widget {
            Some(SHARE_WIDGET)
        } else if self.caption {
            Some(CAPTION)
        } else if self.breadcrumb {
            Some(BREADCRUMB)
        } else {
            None
        }
    }
}

/// The article body: the span of lines with the largest total score, where a prose line scores its
/// length in words and every other non-blank line a small penalty (a line already matched as
/// furniture a larger one). This is Finn et al.'s body-text-extraction idea on lines: a teaser block
/// between two parts of an article is absorbed, a menu or a comment section beyond it is not.
fn body_span(lines: &[Line<'_>], reasons: &[Option<&'static str>]) -> Option<(usize, usize)> {
    let score = |i: usize| -> i64 {
        let l = &lines[i];
        if l.blank {
            0
        } else if reasons[i].is_some() {
            -3
        } else if l.m.cues > 0 {
            // A notice phrase ("lien de désinscription") in a long sentence: consent and legal text
            // reads like prose but must not anchor the body.
            -2
        } else if l.prose() {
            if l.unspaced {
                (l.chars / 3) as i64
            } else {
                l.words as i64
            }
        } else if l.list_item || l.raw.trim_end().ends_with([':', '：']) {
            // Lists and their lead-in line are article structure as often as not.
            0
        } else {
            -1
        }
    };
    let (mut best, mut best_span) = (0i64, None);
    let (mut sum, mut start) = (0i64, 0usize);
    for i in 0..lines.len() {
        if sum <= 0 {
            sum = 0;
            start = i;
        }
        sum += score(i);
        if sum > best {
            best = sum;
            best_span = Some((start, i));
        }
    }
    // Trim to the first and last prose line of the span.
    let (a, b) = best_span?;
    let is_prose = |i: &usize| reasons[*i].is_none() && !lines[*i].blank && lines[*i].prose() && lines[*i].m.cues == 0;
    Some(((a..=b).find(is_prose)?, (a..=b).rev().find(is_prose)?))
}

/// How many live lines just above the body are kept as the title zone (title, kicker, byline, date).
const TITLE_ZONE: usize = 4;

/// Rules that act only outside the article body (head and tail), plus teaser lists inside it.
fn positional_rules(lines: &[Line<'_>], reasons: &mut [Option<&'static str>]) {
    let live = |i: usize, reasons: &[Option<&'static str>]| !lines[i].blank && reasons[i].is_none();
    // No prose at all: a list page or a stub; only the lexicon rules apply.
    let Some((body_start, body_end)) = body_span(lines, reasons) else {
        return;
    };
    let outside = |i: usize| i < body_start || i > body_end;

    // A single notice cue ("tous droits réservés") outside the body.
    for i in 0..lines.len() {
        if outside(i) && live(i, reasons) && lines[i].m.cues >= 1 {
            reasons[i] = Some(NOTICE);
        }
    }
    // The title zone: the last few live lines above the body (title, kicker, byline, date), which
    // are short like menu entries but belong to the article.
    let zone: Vec<usize> = (0..body_start)
        .rev()
        .filter(|&i| live(i, reasons))
        .take(TITLE_ZONE)
        .collect();
    // Runs of three or more very short lines outside the body (and the title zone) are menus.
    let short = |l: &Line<'_>| !l.terminal && (if l.unspaced { l.chars <= 8 } else { l.words <= 3 });
    let outside = |i: usize| outside(i) && !zone.contains(&i);
    let mut i = 0;
    while i < lines.len() {
        if !(outside(i) && live(i, reasons) && short(&lines[i])) {
            i += 1;
            continue;
        }
        let mut run = vec![i];
        let mut j = i + 1;
        while j < lines.len() && outside(j) {
            if lines[j].blank || reasons[j].is_some() {
                j += 1;
                continue;
            }
            if !short(&lines[j]) {
                break;
            }
            run.push(j);
            j += 1;
        }
        if run.len() >= 3 {
            for &k in &run {
                reasons[k] = Some(NAVIGATION);
            }
        }
        i = j.max(i + 1);
    }
    // Tail: from the first furniture line after the body, what follows is other pages' teasers,
    // comment widgets and footers; only long prose (a comment, an author's note) is kept.
    if let Some(first) = (body_end + 1..lines.len()).find(|&i| reasons[i].is_some()) {
        for i in first + 1..lines.len() {
            let l = &lines[i];
            let teaser = if l.unspaced {
                l.chars <= 60
            } else {
                l.words <= 40 || !l.prose()
            };
            if live(i, reasons) && teaser {
                reasons[i] = Some(TEASER_LIST);
            }
        }
    }
    // Head: when the page head shows furniture, the short non-prose lines above the title zone go.
    let head: Vec<usize> = (0..body_start).filter(|&i| !lines[i].blank).collect();
    if head.iter().any(|&i| reasons[i].is_some()) {
        for &i in &head {
            // Prose above the title zone may be the article's lead-in (before a table): kept.
            if live(i, reasons) && !zone.contains(&i) && lines[i].words <= 25 && !lines[i].prose() {
                reasons[i] = Some(PAGE_HEAD);
            }
        }
    }
    // Inside the body: three or more headline-like lines after a list heading ("Most read",
    // "À lire aussi") are links to other articles.
    let mut i = body_start;
    while i <= body_end {
        if !matches!(reasons[i], Some(LABEL) | Some(PROMPT)) {
            i += 1;
            continue;
        }
        let mut run = Vec::new();
        let mut j = i + 1;
        while j <= body_end {
            if lines[j].blank || (reasons[j].is_some() && reasons[j] != Some(TEASER_LIST)) {
                j += 1;
                continue;
            }
            // Teasers are headlines: no list marker, no closing punctuation.
            let l = &lines[j];
            if l.prose()
                || l.words > 25
                || l.list_item
                || l.raw
                    .trim_end()
                    .ends_with(['.', ';', ':', ',', '!', '?', '。', '；', '：'])
            {
                break;
            }
            run.push(j);
            j += 1;
        }
        if run.len() >= 3 {
            for &k in &run {
                reasons[k] = Some(TEASER_LIST);
            }
        }
        i = j.max(i + 1);
    }
    // A one- or two-word line in the head directly above a longer head line (the title) is a
    // section label ("Politique", "Sport").
    for i in 0..body_start {
        if !live(i, reasons) || lines[i].terminal || lines[i].unspaced || lines[i].words > 2 {
            continue;
        }
        let next = (i + 1..body_start).find(|&j| live(j, reasons));
        if next.is_some_and(|j| lines[j].words > lines[i].words + 1 && !lines[j].prose()) {
            reasons[i] = Some(SECTION_LABEL);
        }
    }
}

/// Social networks and share actions, as share widgets list them.
const SHARE_NAMES: &[&str] = &[
    "facebook",
    "twitter",
    "x",
    "linkedin",
    "whatsapp",
    "telegram",
    "pinterest",
    "reddit",
    "email",
    "e-mail",
    "mail",
    "instagram",
    "tiktok",
    "youtube",
    "messenger",
    "flipboard",
    "threads",
    "bluesky",
    "mastodon",
    "vk",
    "vkontakte",
    "weibo",
    "wechat",
    "line",
    "xing",
    "tumblr",
    "snapchat",
    "rss",
    "sms",
    "print",
    "imprimer",
    "drucken",
    "imprimir",
    "stampa",
    "copy link",
    "copier le lien",
    "link kopieren",
    "copiar enlace",
];

/// Hard-wrapped paragraphs (`<br>` inside a sentence): a line without closing punctuation followed by
/// one that starts in lower case continues it. When the joined run is prose, every line of it counts
/// as prose, so the body is found and no part of the sentence is taken for a menu.
fn mark_wrapped_paragraphs(lines: &mut [Line<'_>]) {
    let mut i = 0;
    while i < lines.len() {
        let mut j = i;
        while j + 1 < lines.len()
            && !lines[j].blank
            && !lines[j].terminal
            && !lines[j].unspaced
            && lines[j + 1]
                .raw
                .trim_start()
                .chars()
                .next()
                .is_some_and(char::is_lowercase)
        {
            j += 1;
        }
        if j > i {
            let words: usize = lines[i..=j].iter().map(|l| l.words).sum();
            if lines[j].terminal && words >= 6 {
                for l in &mut lines[i..=j] {
                    l.wrapped_prose = true;
                }
            }
        }
        i = j + 1;
    }
}

/// A line holding one social-network name ("X", "Facebook") next to a removed share widget, label or
/// prompt is part of that widget, spread one name per line.
fn lone_share_names(lines: &[Line<'_>], reasons: &mut [Option<&'static str>]) {
    let furniture = |r: Option<&'static str>| matches!(r, Some(SHARE_WIDGET) | Some(LABEL) | Some(PROMPT));
    for i in 0..lines.len() {
        if lines[i].blank || reasons[i].is_some() || !lines[i].share_name {
            continue;
        }
        let prev = (0..i).rev().find(|&j| !lines[j].blank);
        let next = (i + 1..lines.len()).find(|&j| !lines[j].blank);
        if prev.is_some_and(|j| furniture(reasons[j])) || next.is_some_and(|j| furniture(reasons[j])) {
            reasons[i] = Some(SHARE_WIDGET);
        }
    }
}

/// A line made only of social-network and share-action names ("Facebook Twitter WhatsApp E-mail").
fn is_share_widget(folded: &str) -> bool {
    let words: Vec<&str> = folded
        .split(|c: char| c.is_whitespace() || matches!(c, '|' | ',' | '/' | '·' | '•'))
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() < 2 {
        // One name alone ("Facebook") is too ambiguous; "Twitter" may be a heading in an article.
        return false;
    }
    let mut i = 0;
    while i < words.len() {
        if i + 1 < words.len() && SHARE_NAMES.contains(&format!("{} {}", words[i], words[i + 1]).as_str()) {
            i += 2;
        } else if SHARE_NAMES.contains(&words[i].trim_matches(|c: char| !c.is_alphanumeric() && c != '-')) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

/// An image caption: a line that ends with a photo credit ("… Credit: Getty Images",
/// "… (Photo : AFP)", "… Foto: dpa"). The credit must be short and end the line.
fn is_caption(folded: &str) -> bool {
    // One automaton pass over the line instead of a reverse search per marker (this test runs on
    // every line; the searches were 2 % of the default pipeline).
    static MARKERS_AC: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::LazyLock::new(|| aho_corasick::AhoCorasick::new(CAPTION_MARKERS).ok());
    let Some(ac) = MARKERS_AC.as_ref() else {
        return false;
    };
    // The last marker in the line (no two markers match at one position).
    let Some((pos, len)) = ac
        .find_overlapping_iter(folded)
        .map(|m| (m.start(), m.len()))
        .max_by_key(|&(p, _)| p)
    else {
        return false;
    };
    let before = folded[..pos].trim_end_matches(['(', '[', ' ', '|', '-', '–', '/']);
    let credit = folded[pos + len..].trim().trim_end_matches([')', ']']);
    // A caption has text before its credit (a credit alone at the start is a prompt), and the credit
    // is a few words naming an agency or photographer, not a sentence.
    before.split_whitespace().count() >= 3
        && !credit.is_empty()
        && credit.split_whitespace().count() <= 6
        && !credit.ends_with(['.', '!', '?'])
}

/// What announces a photo credit at the end of a caption (lines are folded to lower case).
const CAPTION_MARKERS: &[&str] = &[
    "credit:",
    "credits:",
    "crédit :",
    "crédit:",
    "crédit photo",
    "photo :",
    "photo:",
    "photos:",
    "foto:",
    "fotos:",
    "bild:",
    "image:",
    "picture:",
    "pictured:",
    "source photo",
    "©",
    "ⓒ",
];

/// A list item: a bullet or a number with a dot or parenthesis, then a space.
fn is_list_item(line: &str) -> bool {
    if line.starts_with(['-', '•', '*', '·', '–', '—', '▪', '►']) {
        return line.chars().nth(1).is_some_and(char::is_whitespace);
    }
    if line.starts_with(['・', '●', '■', '◆']) {
        return true;
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && digits <= 3 && {
        let mut rest = line[digits..].chars();
        matches!(rest.next(), Some('.' | ')')) && rest.next().is_some_and(char::is_whitespace)
    }
}

/// "Accueil › Politique › France": two or more spaced separators between short segments.
fn is_breadcrumb(line: &str) -> bool {
    const SEPARATORS: &[&str] = &[" › ", " > ", " » ", " / ", " | ", " → ", " · ", " ／ ", " ＞ "];
    let Some(sep) = SEPARATORS.iter().find(|s| line.matches(*s).count() >= 2) else {
        return false;
    };
    let segments: Vec<&str> = line.split(sep).map(str::trim).collect();
    segments
        .iter()
        .all(|s| !s.is_empty() && s.split_whitespace().count() <= 4)
        && !line.trim_end().ends_with(['.', '!', '?'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::test_doc;

    fn cleaner() -> CleanLines {
        CleanLines::new(CleanLinesConfig::default(), None)
    }

    fn reasons(text: &str) -> Vec<(String, Option<&'static str>)> {
        cleaner()
            .decide(text, 0)
            .into_iter()
            .map(|d| (d.line.to_string(), d.reason))
            .collect()
    }

    fn reason_of(text: &str, line: &str) -> Option<&'static str> {
        reasons(text)
            .into_iter()
            .find(|(l, _)| l == line)
            .unwrap_or_else(|| panic!("no line {line:?}"))
            .1
    }

    const BODY: &str = "Le conseil municipal a voté mardi soir le nouveau plan de circulation du centre-ville.\nLes commerçants redoutent une baisse de fréquentation pendant les travaux prévus cet été.\nLe maire promet une concertation avec les riverains avant toute décision définitive.";

    #[test]
    fn share_words_inside_article_sentences_stay() {
        let text = format!("{BODY}\nShare prices fell by four percent after the announcement on Monday morning.");
        assert_eq!(
            reason_of(
                &text,
                "Share prices fell by four percent after the announcement on Monday morning."
            ),
            None
        );
    }

    #[test]
    fn breadcrumbs_and_share_widgets_are_removed() {
        let text = format!("Accueil › Politique › France\n{BODY}\nFacebook Twitter WhatsApp E-mail");
        assert_eq!(reason_of(&text, "Accueil › Politique › France"), Some(BREADCRUMB));
        assert_eq!(reason_of(&text, "Facebook Twitter WhatsApp E-mail"), Some(SHARE_WIDGET));
        assert_eq!(
            reason_of(
                &text,
                "Les commerçants redoutent une baisse de fréquentation pendant les travaux prévus cet été."
            ),
            None
        );
    }

    #[test]
    fn menus_outside_the_body_are_removed_but_the_title_stays() {
        // Menu entries no lexicon lists: the structure alone decides. The last four live lines above
        // the body are the title zone (title, kicker, byline, date) and are left alone.
        let menu = "Alpha\nBravo Charlie\nDelta\nEcho\nFoxtrot\nGolf\nHotel";
        let text = format!("{menu}\n\nUn nouveau plan de circulation pour le centre-ville\n{BODY}");
        let r = reasons(&text);
        assert!(r[..4].iter().all(|(_, reason)| *reason == Some(NAVIGATION)), "{r:?}");
        assert!(r[4..6].iter().all(|(_, reason)| reason.is_none()), "{r:?}");
        // A one-word line right above the title is read as its section label.
        assert_eq!(r[6].1, Some(SECTION_LABEL));
        assert_eq!(
            reason_of(&text, "Un nouveau plan de circulation pour le centre-ville"),
            None
        );
    }

    #[test]
    fn a_section_label_above_the_title_is_removed() {
        let text = format!("Politique\nUn nouveau plan de circulation pour le centre-ville\n{BODY}");
        assert_eq!(reason_of(&text, "Politique"), Some(SECTION_LABEL));
        assert_eq!(
            reason_of(&text, "Un nouveau plan de circulation pour le centre-ville"),
            None
        );
    }

    #[test]
    fn tail_teaser_lists_follow_their_heading() {
        // The heading must be in the lexicon for the list to be recognised; use the built-in one's
        // ad label as a stand-in when the lexicon has no trending heading.
        let text = format!("{BODY}\nPublicité\nLa sécheresse menace les récoltes de blé\nUn festival de jazz à Lyon");
        assert_eq!(reason_of(&text, "Publicité"), Some(LABEL));
        assert_eq!(reason_of(&text, "Un festival de jazz à Lyon"), Some(TEASER_LIST));
    }

    #[test]
    fn site_frequent_lines_are_removed() {
        use super::super::site_lines::SiteLinesBuilder;
        let disclaimer = "Les articles de ce site proviennent de nos correspondants régionaux.";
        let mut b = SiteLinesBuilder::new(3, 1 << 16);
        for i in 0..3 {
            let mut d = test_doc(&format!(
                "Une histoire numéro {}.\n{disclaimer}",
                ["un", "deux", "trois"][i]
            ));
            d.url = Some("https://journal.example/x".into());
            b.add(&d);
        }
        let stage = CleanLines::new(CleanLinesConfig::default(), Some(Arc::new(b.finish())));
        let mut d = test_doc(&format!("{BODY}\n{disclaimer}"));
        d.url = Some("https://journal.example/y".into());
        assert_eq!(stage.process(&mut d), Ok(Verdict::Keep));
        assert_eq!(d.text(), Some(BODY));
        assert_eq!(d.metadata["removed_lines"][0]["reason"], "clean_lines.site_frequent");
        assert_eq!(d.metadata["removed_lines"][0]["line"], disclaimer);
    }

    #[test]
    fn lone_network_names_next_to_a_widget_are_removed() {
        let text = format!("{BODY}\nFacebook Twitter\nX\nLe maire a conclu la séance en remerciant les commerçants venus en nombre.\nX");
        let r = reasons(&text);
        assert_eq!(r[4].1, Some(SHARE_WIDGET), "{r:?}");
        assert_eq!(r[6].1, None, "not next to furniture: {r:?}");
    }

    #[test]
    fn captions_end_with_a_credit() {
        assert!(is_caption(&fold(
            "The hospital where the patients were treated Credit: Getty Images"
        )));
        assert!(is_caption(&fold(
            "Les premiers cyclistes sur la passerelle (Photo : AFP)"
        )));
        assert!(!is_caption(&fold("Credit: Getty Images")), "a credit alone is a prompt");
        assert!(!is_caption(&fold(
            "The bank cut its credit: lending fell by a third in the second quarter of the year."
        )));
    }

    #[test]
    fn head_lines_above_the_title_zone_go_when_the_head_shows_furniture() {
        let text = format!(
            "Se connecter\nMon espace abonné et mes favoris du jour\nLes cinq recettes les plus lues cette semaine\nPolitique\nUn nouveau plan de circulation pour le centre-ville\nPar Claire Moreau\n14 mars 2026\n{BODY}"
        );
        let r = reasons(&text);
        assert_eq!(r[1].1, Some(PAGE_HEAD), "{r:?}");
        assert_eq!(r[2].1, Some(PAGE_HEAD), "{r:?}");
        for line in [
            "Un nouveau plan de circulation pour le centre-ville",
            "Par Claire Moreau",
            "14 mars 2026",
        ] {
            assert_eq!(reason_of(&text, line), None, "title zone: {line}");
        }
        // Without furniture in the head, nothing above the body is touched.
        let clean = format!("Mon espace abonné et mes favoris du jour\nLes cinq recettes les plus lues cette semaine\nUn nouveau plan\nPar Claire Moreau\n14 mars 2026\nLyon\n{BODY}");
        assert!(
            reasons(&clean).iter().all(|(_, r)| r.is_none()),
            "{:?}",
            reasons(&clean)
        );
    }

    #[test]
    fn the_tail_after_furniture_goes_but_lists_inside_the_body_stay() {
        let text = format!(
            "{BODY}\nLe projet comprend :\n- deux voies cyclables\n- douze bancs\n- un éclairage\nLe chantier doit s'achever avant la fin de l'année prochaine, selon la mairie.\nPublicité\nLa sécheresse menace les récoltes de blé\nUn festival de jazz à Lyon\nRetraites ce qui change"
        );
        assert_eq!(reason_of(&text, "- douze bancs"), None);
        assert_eq!(reason_of(&text, "Le projet comprend :"), None);
        assert_eq!(reason_of(&text, "Un festival de jazz à Lyon"), Some(TEASER_LIST));
        assert_eq!(reason_of(&text, "Retraites ce qui change"), Some(TEASER_LIST));
    }

    #[test]
    fn c4_line_rules_are_optional() {
        let text = format!("{BODY}\nPlease enable JavaScript to view the comments powered by our partner.\nOui");
        assert_eq!(reason_of(&text, "Oui"), None);
        let c4 = CleanLines::new(
            CleanLinesConfig {
                c4_lines: true,
                ..CleanLinesConfig::default()
            },
            None,
        );
        let r: Vec<_> = c4.decide(&text, 0).into_iter().map(|d| d.reason).collect();
        assert_eq!(r[3], Some(C4_JAVASCRIPT));
        assert_eq!(r[4], Some(C4_TOO_FEW_WORDS));
        assert_eq!(r[0], None);
    }

    #[test]
    fn a_long_consent_notice_after_the_article_is_not_body() {
        let notice = "Les informations recueillies sont traitées par le journal pour vous adresser ses lettres et, avec votre accord, les offres de ses partenaires ; vous pouvez exercer vos droits à tout moment grâce au lien de désinscription présent dans chaque envoi.";
        let text = format!("{BODY}\n{notice}");
        let (lexicon, errors) = Lexicon::parse("fr\tcue\tlien de désinscription\n");
        assert!(errors.is_empty());
        let lexicon: &'static Lexicon = Box::leak(Box::new(lexicon));
        let stage = CleanLines {
            lexicon,
            ..CleanLines::new(CleanLinesConfig::default(), None)
        };
        let r: Vec<_> = stage.decide(&text, 0).into_iter().map(|d| d.reason).collect();
        assert_eq!(r, [None, None, None, Some(NOTICE)]);
    }

    #[test]
    fn hard_wrapped_sentences_are_prose() {
        let text = format!("Se connecter\nGym equipment refers to the various machines and\ntools used in a fitness centre to\nbuild strength and endurance.\n{BODY}");
        let r = reasons(&text);
        assert!(r[1..4].iter().all(|(_, reason)| reason.is_none()), "{r:?}");
    }

    #[test]
    fn a_network_name_heading_a_section_stays() {
        let text = format!(
            "{BODY}\nTikTok\nLa plateforme a annoncé de nouvelles règles pour les comptes des mineurs cette semaine."
        );
        assert_eq!(reason_of(&text, "TikTok"), None);
    }

    #[test]
    fn a_document_of_only_furniture_is_dropped() {
        let mut d = test_doc("Facebook Twitter\nAccueil › Sport › Foot");
        assert_eq!(cleaner().process(&mut d), Ok(Verdict::Drop(EMPTY)));
    }

    #[test]
    fn clean_documents_are_untouched() {
        let mut d = test_doc(&format!("Titre de l'article\n\n{BODY}\n"));
        assert_eq!(cleaner().process(&mut d), Ok(Verdict::Keep));
        assert_eq!(d.text(), Some(format!("Titre de l'article\n\n{BODY}\n").as_str()));
        assert!(!d.metadata.contains_key("removed_lines"));
    }

    #[test]
    fn kept_text_collapses_blank_runs() {
        let d = |line, reason| LineDecision { line, reason };
        let text = kept_text(&[
            d("", None),
            d("a", None),
            d("", None),
            d("x", Some(LABEL)),
            d("", None),
            d("b\r", None),
            d("", None),
        ]);
        assert_eq!(text, "a\n\nb");
    }
}
