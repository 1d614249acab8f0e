//! A byte-level HTML tokenizer (memchr-driven) that feeds a [`Sink`] directly.
//!
//! Covers what text extraction needs from the WHATWG tokenizer: start/end tags with attributes
//! (character references decoded in values), comments (including `<!-->`), doctype and other bogus
//! comments, raw-text and RCDATA elements (the sink says which), `<plaintext>`, CDATA sections in
//! foreign content, and character references in text (the full named table, numeric references with
//! the windows-1252 remapping of 0x80–0x9F). Not covered: the script-data "escaped" states
//! (`<!--` inside `<script>`), which matter only for pages that nest `</script>` inside comments.
//! A tag cut by the end of input is dropped, as in the spec. NUL characters are dropped.
//!
//! Everything is a loop over the input; nothing recurses.

use super::entities;
use memchr::{memchr, memchr2, memmem};

/// How the content after a start tag is tokenized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextMode {
    Data,
    /// Text up to the matching end tag, no character references (`script`, `style`, …).
    RawText,
    /// Text up to the matching end tag, character references decoded (`title`, `textarea`).
    RcData,
    /// The rest of the input is text.
    Plaintext,
}

/// An attribute of the current start tag: name as written, value decoded.
#[derive(Debug, Clone, Copy)]
pub struct Attr<'a> {
    pub name: &'a str,
    pub value: &'a str,
}

/// A start tag: lower-case name, attributes in source order (duplicates kept; first one wins by spec).
#[derive(Debug)]
pub struct StartTag<'a> {
    pub name: &'a str,
    pub attrs: &'a [Attr<'a>],
    pub self_closing: bool,
}

/// The receiver of tokens (the tree builder).
pub trait Sink {
    fn text(&mut self, text: &str);
    /// Returns how the content after this tag is tokenized.
    fn start_tag(&mut self, tag: &StartTag<'_>) -> TextMode;
    /// `name` is lower case.
    fn end_tag(&mut self, name: &str);
    /// Whether `<![CDATA[` is a CDATA section here (foreign content) rather than a bogus comment.
    fn cdata_allowed(&self) -> bool {
        false
    }
    /// Whether to stop tokenizing (a budget was hit).
    fn should_stop(&self) -> bool {
        false
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// Raw attribute as byte ranges; `decoded` means the value lives in the decode buffer.
#[derive(Clone, Copy)]
struct RawAttr {
    name: (usize, usize),
    value: (usize, usize),
    decoded: bool,
}

enum Markup {
    Start {
        name: (usize, usize),
        self_closing: bool,
    },
    End {
        name: (usize, usize),
    },
    Comment,
    Cdata((usize, usize)),
    /// Not markup: the `<` is text.
    Literal,
    /// The input ended inside the markup.
    Eof,
}

/// Reusable tokenizer state (buffers).
#[derive(Default)]
pub struct Tokenizer {
    name: String,
    attrs: Vec<RawAttr>,
    values: String,
    text: String,
}

impl Tokenizer {
    pub fn new() -> Self {
        Tokenizer::default()
    }

    /// Tokenize `input` into `sink`.
    pub fn run<S: Sink>(&mut self, input: &str, sink: &mut S) {
        let b = input.as_bytes();
        let mut i = 0;
        let mut text_start = 0;
        while i < b.len() {
            if sink.should_stop() {
                return;
            }
            let Some(p) = memchr(b'<', &b[i..]) else { break };
            let lt = i + p;
            let (markup, next) = self.markup(input, lt, sink.cdata_allowed());
            if matches!(markup, Markup::Literal) {
                i = lt + 1;
                continue;
            }
            self.emit_text(&input[text_start..lt], sink, false);
            i = next;
            text_start = next;
            match markup {
                Markup::Start { name, self_closing } => {
                    self.name.clear();
                    self.name.push_str(&input[name.0..name.1]);
                    self.name.make_ascii_lowercase();
                    let attrs: Vec<Attr<'_>> = self
                        .attrs
                        .iter()
                        .map(|a| Attr {
                            name: &input[a.name.0..a.name.1],
                            value: if a.decoded {
                                self.values.get(a.value.0..a.value.1).unwrap_or("")
                            } else {
                                &input[a.value.0..a.value.1]
                            },
                        })
                        .collect();
                    let mode = sink.start_tag(&StartTag {
                        name: &self.name,
                        attrs: &attrs,
                        self_closing,
                    });
                    drop(attrs);
                    match mode {
                        TextMode::Data => {}
                        TextMode::Plaintext => {
                            self.emit_text(&input[i..], sink, false);
                            return;
                        }
                        TextMode::RawText | TextMode::RcData => {
                            let end = find_end_tag(b, i, self.name.as_bytes());
                            let raw = matches!(mode, TextMode::RawText);
                            self.emit_text(&input[i..end], sink, raw);
                            i = end;
                            text_start = end;
                        }
                    }
                }
                Markup::End { name } => {
                    self.name.clear();
                    self.name.push_str(&input[name.0..name.1]);
                    self.name.make_ascii_lowercase();
                    sink.end_tag(&self.name);
                }
                Markup::Cdata((s, e)) => {
                    if s < e {
                        sink.text(&input[s..e]);
                    }
                }
                Markup::Comment | Markup::Literal => {}
                Markup::Eof => return,
            }
        }
        if text_start < b.len() {
            self.emit_text(&input[text_start..], sink, false);
        }
    }

    fn emit_text<S: Sink>(&mut self, s: &str, sink: &mut S, raw: bool) {
        if s.is_empty() {
            return;
        }
        let b = s.as_bytes();
        if raw {
            if memchr(0, b).is_none() {
                sink.text(s);
            } else {
                self.text.clear();
                self.text.extend(s.chars().filter(|&c| c != '\0'));
                sink.text(&self.text);
            }
            return;
        }
        if memchr2(b'&', 0, b).is_none() {
            sink.text(s);
            return;
        }
        self.text.clear();
        decode_refs(s, false, &mut self.text);
        if !self.text.is_empty() {
            sink.text(&self.text);
        }
    }

    /// Parse the markup starting at `b[lt] == b'<'`; returns it and the index after it.
    fn markup(&mut self, input: &str, lt: usize, cdata_allowed: bool) -> (Markup, usize) {
        let b = input.as_bytes();
        let Some(&c) = b.get(lt + 1) else {
            return (Markup::Literal, lt + 1);
        };
        if c.is_ascii_alphabetic() {
            let ns = lt + 1;
            let mut j = ns;
            while j < b.len() && !is_space(b[j]) && b[j] != b'/' && b[j] != b'>' {
                j += 1;
            }
            let name = (ns, j);
            return match self.attributes(input, j) {
                Some((next, self_closing)) => (Markup::Start { name, self_closing }, next),
                None => (Markup::Eof, b.len()),
            };
        }
        match c {
            b'/' => match b.get(lt + 2) {
                None => (Markup::Literal, lt + 1),
                Some(b'>') => (Markup::Comment, lt + 3),
                Some(c) if c.is_ascii_alphabetic() => {
                    let ns = lt + 2;
                    let mut j = ns;
                    while j < b.len() && !is_space(b[j]) && b[j] != b'/' && b[j] != b'>' {
                        j += 1;
                    }
                    match self.attributes(input, j) {
                        Some((next, _)) => (Markup::End { name: (ns, j) }, next),
                        None => (Markup::Eof, b.len()),
                    }
                }
                Some(_) => bogus_comment(b, lt + 2),
            },
            b'!' => {
                let rest = &b[lt + 2..];
                if rest.starts_with(b"--") {
                    let body = lt + 4;
                    if b.get(body) == Some(&b'>') {
                        return (Markup::Comment, body + 1);
                    }
                    if b.get(body..body + 2) == Some(b"->") {
                        return (Markup::Comment, body + 2);
                    }
                    return match memmem::find(&b[body..], b"-->") {
                        Some(p) => (Markup::Comment, body + p + 3),
                        None => (Markup::Comment, b.len()),
                    };
                }
                if cdata_allowed && rest.starts_with(b"[CDATA[") {
                    let s = lt + 9;
                    return match memmem::find(&b[s..], b"]]>") {
                        Some(p) => (Markup::Cdata((s, s + p)), s + p + 3),
                        None => (Markup::Cdata((s, b.len())), b.len()),
                    };
                }
                bogus_comment(b, lt + 2)
            }
            b'?' => bogus_comment(b, lt + 1),
            _ => (Markup::Literal, lt + 1),
        }
    }

    /// Attributes from `j` to the closing `>`; `None` at end of input.
    fn attributes(&mut self, input: &str, mut j: usize) -> Option<(usize, bool)> {
        let b = input.as_bytes();
        self.attrs.clear();
        self.values.clear();
        loop {
            while j < b.len() && is_space(b[j]) {
                j += 1;
            }
            let c = *b.get(j)?;
            if c == b'>' {
                return Some((j + 1, false));
            }
            if c == b'/' {
                if b.get(j + 1) == Some(&b'>') {
                    return Some((j + 2, true));
                }
                j += 1;
                continue;
            }
            let ns = j;
            j += 1;
            while j < b.len() && !is_space(b[j]) && !matches!(b[j], b'/' | b'>' | b'=') {
                j += 1;
            }
            let name = (ns, j);
            while j < b.len() && is_space(b[j]) {
                j += 1;
            }
            let mut value = (j, j);
            if b.get(j) == Some(&b'=') {
                j += 1;
                while j < b.len() && is_space(b[j]) {
                    j += 1;
                }
                let q = *b.get(j)?;
                if q == b'"' || q == b'\'' {
                    let p = memchr(q, &b[j + 1..])?;
                    value = (j + 1, j + 1 + p);
                    j += p + 2;
                } else if q != b'>' {
                    let s = j;
                    while j < b.len() && !is_space(b[j]) && b[j] != b'>' {
                        j += 1;
                    }
                    value = (s, j);
                }
            }
            let v = &input[value.0..value.1];
            if memchr2(b'&', 0, v.as_bytes()).is_some() {
                let s = self.values.len();
                decode_refs(v, true, &mut self.values);
                self.attrs.push(RawAttr {
                    name,
                    value: (s, self.values.len()),
                    decoded: true,
                });
            } else {
                self.attrs.push(RawAttr {
                    name,
                    value,
                    decoded: false,
                });
            }
        }
    }
}

fn bogus_comment(b: &[u8], from: usize) -> (Markup, usize) {
    match memchr(b'>', b.get(from..).unwrap_or_default()) {
        Some(p) => (Markup::Comment, from + p + 1),
        None => (Markup::Comment, b.len()),
    }
}

/// Index of the `</name` (followed by space, `/` or `>`) that ends raw text starting at `from`.
fn find_end_tag(b: &[u8], from: usize, name: &[u8]) -> usize {
    let finder = memmem::Finder::new(b"</");
    let mut k = from;
    while let Some(p) = finder.find(&b[k..]) {
        let at = k + p;
        let n = at + 2;
        if b.len() >= n + name.len()
            && b[n..n + name.len()].eq_ignore_ascii_case(name)
            && b.get(n + name.len())
                .is_none_or(|&c| is_space(c) || c == b'/' || c == b'>')
        {
            return at;
        }
        k = at + 2;
    }
    b.len()
}

/// Windows-1252 code points for numeric references 0x80–0x9F (HTML spec table).
const C1: [u32; 32] = [
    0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D,
    0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,
    0x017E, 0x0178,
];

/// Append `s` to `out` with character references decoded and NULs dropped. In attribute values a
/// legacy reference without `;` followed by an alphanumeric or `=` stays literal (spec).
pub fn decode_refs(s: &str, in_attr: bool, out: &mut String) {
    let b = s.as_bytes();
    let mut last = 0;
    let mut i = 0;
    while let Some(p) = memchr2(b'&', 0, &b[i..]) {
        let at = i + p;
        out.push_str(&s[last..at]);
        if b[at] == 0 {
            last = at + 1;
            i = at + 1;
            continue;
        }
        match char_ref(&b[at + 1..], in_attr) {
            Some((len, Repl::Char(c))) => {
                out.push(c);
                last = at + 1 + len;
            }
            Some((len, Repl::Str(r))) => {
                out.push_str(r);
                last = at + 1 + len;
            }
            None => last = at,
        }
        i = at + 1;
    }
    out.push_str(&s[last..]);
}

enum Repl {
    Char(char),
    Str(&'static str),
}

/// A character reference at `b` (just after `&`): bytes consumed and replacement.
fn char_ref(b: &[u8], in_attr: bool) -> Option<(usize, Repl)> {
    let first = *b.first()?;
    if first == b'#' {
        let (hex, start) = match b.get(1) {
            Some(b'x' | b'X') => (true, 2),
            _ => (false, 1),
        };
        let mut j = start;
        let mut v: u32 = 0;
        while let Some(&c) = b.get(j) {
            let d = match c {
                b'0'..=b'9' => u32::from(c - b'0'),
                b'a'..=b'f' if hex => u32::from(c - b'a' + 10),
                b'A'..=b'F' if hex => u32::from(c - b'A' + 10),
                _ => break,
            };
            v = v
                .saturating_mul(if hex { 16 } else { 10 })
                .saturating_add(d)
                .min(0x11_0000);
            j += 1;
        }
        if j == start {
            return None;
        }
        if b.get(j) == Some(&b';') {
            j += 1;
        }
        let v = match v {
            0x80..=0x9F => C1[(v - 0x80) as usize],
            _ => v,
        };
        let c = if v == 0 {
            '\u{FFFD}'
        } else {
            char::from_u32(v).unwrap_or('\u{FFFD}')
        };
        return Some((j, Repl::Char(c)));
    }
    if !first.is_ascii_alphanumeric() {
        return None;
    }
    let run = b.iter().take(40).take_while(|c| c.is_ascii_alphanumeric()).count();
    if b.get(run) == Some(&b';') {
        if let Some(v) = entities::lookup(&b[..run]) {
            return Some((run + 1, Repl::Str(v)));
        }
    }
    let (len, v) = entities::legacy_prefix(&b[..run])?;
    if in_attr && b.get(len).is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'=') {
        return None;
    }
    let len = if b.get(len) == Some(&b';') { len + 1 } else { len };
    Some((len, Repl::Str(v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Log(Vec<String>);

    impl Sink for Log {
        fn text(&mut self, text: &str) {
            self.0.push(format!("T:{text}"));
        }
        fn start_tag(&mut self, tag: &StartTag<'_>) -> TextMode {
            let attrs: Vec<String> = tag.attrs.iter().map(|a| format!(" {}={}", a.name, a.value)).collect();
            let sc = if tag.self_closing { "/" } else { "" };
            self.0.push(format!("S:{}{}{sc}", tag.name, attrs.concat()));
            match tag.name {
                "script" | "style" => TextMode::RawText,
                "title" => TextMode::RcData,
                "plaintext" => TextMode::Plaintext,
                _ => TextMode::Data,
            }
        }
        fn end_tag(&mut self, name: &str) {
            self.0.push(format!("E:{name}"));
        }
        fn cdata_allowed(&self) -> bool {
            true
        }
    }

    fn toks(s: &str) -> Vec<String> {
        let mut log = Log::default();
        Tokenizer::new().run(s, &mut log);
        log.0
    }

    #[test]
    fn tags_attributes_and_text() {
        assert_eq!(
            toks("a<DIV Class=\"x &amp; y\" id=z data-q='1' hidden>b</Div >c<br/>"),
            [
                "T:a",
                "S:div Class=x & y id=z data-q=1 hidden=",
                "T:b",
                "E:div",
                "T:c",
                "S:br/"
            ]
        );
    }

    #[test]
    fn comments_doctype_and_bogus_markup() {
        assert_eq!(
            toks("<!DOCTYPE html>x<!-- <p> -->y<!-->z<!--->w<?php x ?>v</ 3>u</>t"),
            ["T:x", "T:y", "T:z", "T:w", "T:v", "T:u", "T:t"]
        );
        assert_eq!(toks("a<!-- never closed <p>b"), ["T:a"]);
    }

    #[test]
    fn literal_less_than_and_eof_in_tag() {
        assert_eq!(toks("1 < 2 <3 a<"), ["T:1 < 2 <3 a<"]);
        assert_eq!(toks("x<div class=\"unterminated"), ["T:x"]);
        assert_eq!(toks("x<div"), ["T:x"]);
    }

    #[test]
    fn raw_text_and_rcdata() {
        assert_eq!(
            toks("<script>if (a<b && c) x='</div>'</SCRIPT>t<title>A &amp; <b></title>"),
            [
                "S:script",
                "T:if (a<b && c) x='</div>'",
                "E:script",
                "T:t",
                "S:title",
                "T:A & <b>",
                "E:title"
            ]
        );
        assert_eq!(toks("<style>p{}</styles>x"), ["S:style", "T:p{}</styles>x"]);
        assert_eq!(toks("<plaintext><b>x"), ["S:plaintext", "T:<b>x"]);
    }

    #[test]
    fn cdata_in_foreign_content() {
        assert_eq!(toks("<![CDATA[a<b]]>c"), ["T:a<b", "T:c"]);
    }

    #[test]
    fn character_references() {
        let mut out = String::new();
        decode_refs(
            "&lt;&#65;&#x42;&#X43&#128;&#0;&#xD800;&#99999999;&notit; &notin; &copy2 &bogus; & &#;",
            false,
            &mut out,
        );
        assert_eq!(out, "<ABC€\u{FFFD}\u{FFFD}\u{FFFD}¬it; ∉ ©2 &bogus; & &#;");
        let mut out = String::new();
        decode_refs("?a=1&copy=2&amp;b&ampx&lt", true, &mut out);
        assert_eq!(out, "?a=1&copy=2&b&ampx<");
        let mut out = String::new();
        decode_refs("a\0b", false, &mut out);
        assert_eq!(out, "ab");
    }
}
