//! A simplified, depth-capped HTML tree builder into an arena.
//!
//! Nodes live in one `Vec` and refer to each other by `u32` index (0 = the document, which is never
//! a child, so 0 also means "none" in `first_child`/`next_sibling`). Tags are interned ids
//! ([`super::tags`]); only the attributes an extractor uses are kept ([`AttrName`]).
//!
//! Tree construction follows the HTML spec where it changes text structure, and simplifies the rest:
//! void elements; implied end tags (`p` closed by block starts, `li`, `dt`/`dd`, `option`, `tr`/`td`/`th`,
//! table sections, nested `a`/`button`, headings closing headings); an end tag pops to the nearest
//! open element of that name found within [`SEARCH_LIMIT`] entries, not crossing "special"
//! elements (inline end tags) or scope boundaries (block end tags) — otherwise it is ignored;
//! `<head>` is closed by body content; `<body>`/`<html>` end tags are ignored (content after them
//! stays in the body); svg/math honour `/>` and HTML tags break out of them. No adoption agency,
//! no foster parenting, no implied `<html>`/`<head>`/`<body>` elements.
//!
//! Depth cap ([`MAX_DEPTH`] = 512, as Blink/WebKit): deeper start tags become children of the deepest
//! open element (siblings of each other). Every loop is iterative; nothing recurses.

use super::tags::{self, Tag};
use super::tokenizer::{Sink, StartTag, TextMode, Tokenizer};
use std::collections::HashMap;

/// Maximum depth of open elements.
pub const MAX_DEPTH: usize = 512;
/// How far down the stack of open elements an end tag or implied end tag looks.
pub const SEARCH_LIMIT: usize = 256;

/// "No node" in links (index 0 is the document, which is never a child or sibling).
pub const NONE: u32 = 0;

/// The attributes kept on elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrName {
    Class,
    Id,
    Role,
    Itemprop,
    Itemtype,
    Rel,
    Hidden,
    AriaHidden,
    AriaExpanded,
    Style,
    Href,
    Lang,
    Content,
    Name,
    Property,
    Type,
    Datetime,
    Alt,
}

impl AttrName {
    fn parse(name: &str) -> Option<AttrName> {
        if name.len() > 13 {
            return None;
        }
        let mut buf = [0u8; 13];
        let lower = &mut buf[..name.len()];
        lower.copy_from_slice(name.as_bytes());
        lower.make_ascii_lowercase();
        Some(match &*lower {
            b"class" => AttrName::Class,
            b"id" => AttrName::Id,
            b"role" => AttrName::Role,
            b"itemprop" => AttrName::Itemprop,
            b"itemtype" => AttrName::Itemtype,
            b"rel" => AttrName::Rel,
            b"hidden" => AttrName::Hidden,
            b"aria-hidden" => AttrName::AriaHidden,
            b"aria-expanded" => AttrName::AriaExpanded,
            b"style" => AttrName::Style,
            b"href" => AttrName::Href,
            b"lang" => AttrName::Lang,
            b"content" => AttrName::Content,
            b"name" => AttrName::Name,
            b"property" => AttrName::Property,
            b"type" => AttrName::Type,
            b"datetime" => AttrName::Datetime,
            b"alt" => AttrName::Alt,
            _ => return None,
        })
    }
}

/// A kept attribute: its value is `Dom::attr_text[start..end]`.
#[derive(Debug, Clone, Copy)]
pub struct Attr {
    pub name: AttrName,
    pub start: u32,
    pub end: u32,
}

/// One node. For text nodes `start..end` is a range of `Dom::text`; for elements, of `Dom::attrs`.
#[derive(Debug, Clone, Copy)]
pub struct Node {
    pub parent: u32,
    pub first_child: u32,
    pub last_child: u32,
    pub next_sibling: u32,
    pub tag: Tag,
    pub start: u32,
    pub end: u32,
}

/// Limits for one parse.
#[derive(Debug, Clone, Copy)]
pub struct ParseLimits {
    /// Stop building (and mark the tree truncated) after this many nodes.
    pub max_nodes: usize,
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits { max_nodes: 2_000_000 }
    }
}

/// The parsed document.
#[derive(Debug, Clone, Default)]
pub struct Dom {
    pub nodes: Vec<Node>,
    pub text: String,
    pub attrs: Vec<Attr>,
    pub attr_text: String,
    /// The first `<html>`, `<head>`, `<body>` elements (NONE if absent).
    pub html: u32,
    pub head: u32,
    pub body: u32,
    /// Names of unknown tags, indexed by `tag - FIRST_UNKNOWN`.
    pub unknown_names: Vec<String>,
    /// Whether the node budget stopped the parse.
    pub truncated: bool,
    /// Node visits so far ([`Dom::node`] calls): the deterministic measure of the work done on
    /// this page that `extract`'s budget counts (a clock would make the verdict depend on load).
    visits: std::cell::Cell<u64>,
}

impl Dom {
    pub fn node(&self, id: u32) -> &Node {
        self.visits.set(self.visits.get() + 1);
        // Ids come from this arena; index 0 exists in every parsed Dom.
        &self.nodes[id as usize]
    }

    /// Node visits so far by every pass over this tree (see `extract`'s work budget).
    pub fn visits(&self) -> u64 {
        self.visits.get()
    }

    pub fn tag(&self, id: u32) -> Tag {
        self.node(id).tag
    }

    /// The text of a text node ("" for elements).
    pub fn text_of(&self, id: u32) -> &str {
        let n = self.node(id);
        if n.tag != tags::TEXT {
            return "";
        }
        self.text.get(n.start as usize..n.end as usize).unwrap_or("")
    }

    /// The value of attribute `name` on element `id`.
    pub fn attr(&self, id: u32, name: AttrName) -> Option<&str> {
        let n = self.node(id);
        if n.tag <= tags::DOCUMENT {
            return None;
        }
        self.attrs
            .get(n.start as usize..n.end as usize)?
            .iter()
            .find(|a| a.name == name)
            .and_then(|a| self.attr_text.get(a.start as usize..a.end as usize))
    }

    /// The tag name of an element.
    pub fn tag_name(&self, tag: Tag) -> &str {
        if tag < tags::FIRST_UNKNOWN {
            return tags::NAMES.get(tag as usize).copied().unwrap_or("");
        }
        self.unknown_names
            .get((tag - tags::FIRST_UNKNOWN) as usize)
            .map_or("", String::as_str)
    }

    /// Children of `id`.
    pub fn children(&self, id: u32) -> Children<'_> {
        Children {
            dom: self,
            next: self.node(id).first_child,
        }
    }

    /// All text under `id` (no separators), iteratively.
    pub fn text_content(&self, id: u32, out: &mut String) {
        for n in self.descendants(id) {
            out.push_str(self.text_of(n));
        }
    }

    /// Pre-order walk of the strict descendants of `root`.
    pub fn descendants(&self, root: u32) -> Descendants<'_> {
        Descendants {
            dom: self,
            root,
            next: self.node(root).first_child,
        }
    }

    /// Pre-order walk of the elements (no text nodes) under `root`; an element for which `prune`
    /// holds is neither returned nor entered.
    pub fn elements_pruned<F: Fn(u32) -> bool>(&self, root: u32, prune: F) -> ElementsPruned<'_, F> {
        ElementsPruned {
            inner: self.descendants(root),
            prune,
        }
    }

    /// The first element with `tag` in document order.
    pub fn find(&self, tag: Tag) -> Option<u32> {
        (1..self.nodes.len() as u32).find(|&i| self.node(i).tag == tag)
    }
}

pub struct Children<'a> {
    dom: &'a Dom,
    next: u32,
}

impl Iterator for Children<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.next == NONE {
            return None;
        }
        let id = self.next;
        self.next = self.dom.node(id).next_sibling;
        Some(id)
    }
}

/// See [`Dom::elements_pruned`].
pub struct ElementsPruned<'a, F> {
    inner: Descendants<'a>,
    prune: F,
}

impl<F: Fn(u32) -> bool> Iterator for ElementsPruned<'_, F> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        loop {
            let id = self.inner.next()?;
            if self.inner.dom.tag(id) == tags::TEXT {
                continue;
            }
            if (self.prune)(id) {
                self.inner.skip_children(id);
                continue;
            }
            return Some(id);
        }
    }
}

/// Pre-order iterator with `skip_children` to prune the subtree of the last node returned.
pub struct Descendants<'a> {
    dom: &'a Dom,
    root: u32,
    next: u32,
}

impl Descendants<'_> {
    /// Do not descend into the node last returned.
    pub fn skip_children(&mut self, last: u32) {
        self.next = self.after(last);
    }

    fn after(&self, mut id: u32) -> u32 {
        loop {
            if id == self.root {
                return NONE;
            }
            let n = self.dom.node(id);
            if n.next_sibling != NONE {
                return n.next_sibling;
            }
            id = n.parent;
        }
    }
}

impl Iterator for Descendants<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.next == NONE {
            return None;
        }
        let id = self.next;
        let n = self.dom.node(id);
        self.next = if n.first_child != NONE {
            n.first_child
        } else {
            self.after(id)
        };
        Some(id)
    }
}

/// Parse decoded HTML into a [`Dom`].
pub fn parse(html: &str, limits: ParseLimits) -> Dom {
    let mut b = Builder::new(limits, html.len());
    Tokenizer::new().run(html, &mut b);
    b.dom
}

struct Builder {
    dom: Dom,
    /// Open elements (node ids), bottom first.
    stack: Vec<u32>,
    /// Open elements per tag id.
    counts: Vec<u32>,
    unknown: HashMap<String, Tag>,
    /// Open svg/math elements.
    foreign: u32,
    head_open: bool,
    limits: ParseLimits,
}

impl Builder {
    fn new(limits: ParseLimits, input_len: usize) -> Self {
        let mut dom = Dom::default();
        dom.nodes.reserve(input_len / 40 + 16);
        dom.text.reserve(input_len / 3);
        dom.nodes.push(Node {
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            tag: tags::DOCUMENT,
            start: 0,
            end: 0,
        });
        Builder {
            dom,
            stack: Vec::with_capacity(64),
            counts: vec![0; tags::FIRST_UNKNOWN as usize],
            unknown: HashMap::new(),
            foreign: 0,
            head_open: false,
            limits,
        }
    }

    fn current(&self) -> u32 {
        self.stack.last().copied().unwrap_or(NONE)
    }

    fn current_tag(&self) -> Tag {
        self.dom.tag(self.current())
    }

    fn count(&self, tag: Tag) -> u32 {
        self.counts.get(tag as usize).copied().unwrap_or(0)
    }

    fn intern(&mut self, name: &str) -> Tag {
        if let Some(t) = tags::lookup(name) {
            return t;
        }
        if let Some(&t) = self.unknown.get(name) {
            return t;
        }
        let next = tags::FIRST_UNKNOWN as usize + self.dom.unknown_names.len();
        // Past the id space every further unknown name shares the last id.
        let t = Tag::try_from(next).unwrap_or(Tag::MAX);
        if t != Tag::MAX {
            self.unknown.insert(name.to_owned(), t);
            self.dom.unknown_names.push(name.to_owned());
            self.counts.push(0);
        }
        t
    }

    fn append(&mut self, parent: u32, mut node: Node) -> u32 {
        let id = self.dom.nodes.len() as u32;
        node.parent = parent;
        let last = self.dom.nodes[parent as usize].last_child;
        if last == NONE {
            self.dom.nodes[parent as usize].first_child = id;
        } else {
            self.dom.nodes[last as usize].next_sibling = id;
        }
        self.dom.nodes[parent as usize].last_child = id;
        self.dom.nodes.push(node);
        id
    }

    fn push(&mut self, id: u32, tag: Tag) {
        self.stack.push(id);
        if let Some(c) = self.counts.get_mut(tag as usize) {
            *c += 1;
        }
        if tag == tags::SVG || tag == tags::MATH {
            self.foreign += 1;
        }
    }

    /// Pop the top `n` open elements.
    fn pop_n(&mut self, n: usize) {
        for _ in 0..n {
            let Some(id) = self.stack.pop() else { return };
            let tag = self.dom.tag(id);
            if let Some(c) = self.counts.get_mut(tag as usize) {
                *c = c.saturating_sub(1);
            }
            if tag == tags::SVG || tag == tags::MATH {
                self.foreign = self.foreign.saturating_sub(1);
            }
            if tag == tags::HEAD {
                self.head_open = false;
            }
        }
    }

    /// How many entries to pop to close the nearest open element matching `want`, searching at most
    /// SEARCH_LIMIT entries and stopping at an element matching `stop` (which is not popped).
    fn find_open(&self, want: impl Fn(Tag) -> bool, stop: impl Fn(Tag) -> bool) -> Option<usize> {
        for (k, &id) in self.stack.iter().rev().take(SEARCH_LIMIT).enumerate() {
            let t = self.dom.tag(id);
            if want(t) {
                return Some(k + 1);
            }
            if stop(t) {
                return None;
            }
        }
        None
    }

    fn close(&mut self, want: impl Fn(Tag) -> bool, stop: impl Fn(Tag) -> bool) {
        if let Some(n) = self.find_open(want, stop) {
            self.pop_n(n);
        }
    }

    fn close_p(&mut self) {
        if self.count(tags::P) > 0 {
            self.close(|t| t == tags::P, |t| tags::is(t, tags::SCOPE) || t == tags::BUTTON);
        }
    }

    fn implied_end_tags(&mut self, tag: Tag) {
        use tags::*;
        let f = flags(tag);
        if f & CLOSES_P != 0 {
            self.close_p();
        }
        match tag {
            H1 | H2 | H3 | H4 | H5 | H6 if is_heading(self.current_tag()) => self.pop_n(1),
            LI if self.count(LI) > 0 => {
                self.close(|t| t == LI, |t| is(t, SPECIAL) && !matches!(t, ADDRESS | DIV | P));
            }
            DD | DT if self.count(DD) + self.count(DT) > 0 => {
                self.close(
                    |t| t == DD || t == DT,
                    |t| is(t, SPECIAL) && !matches!(t, ADDRESS | DIV | P),
                );
            }
            LI | DD | DT => self.close_p(),
            OPTION if self.current_tag() == OPTION => self.pop_n(1),
            OPTGROUP => {
                if self.current_tag() == OPTION {
                    self.pop_n(1);
                }
                if self.current_tag() == OPTGROUP {
                    self.pop_n(1);
                }
            }
            TR if self.count(TR) + self.count(TD) + self.count(TH) > 0 => {
                self.close(
                    |t| t == TR,
                    |t| matches!(t, TABLE | THEAD | TBODY | TFOOT | HTML | TEMPLATE),
                );
            }
            TD | TH if self.count(TD) + self.count(TH) > 0 => {
                self.close(
                    |t| t == TD || t == TH,
                    |t| matches!(t, TR | TABLE | THEAD | TBODY | TFOOT | HTML | TEMPLATE),
                );
            }
            THEAD | TBODY | TFOOT | CAPTION | COLGROUP => {
                // Close everything up to (not including) the nearest table.
                if let Some(n) = self.find_open(|t| t == TABLE, |t| matches!(t, HTML | TEMPLATE)) {
                    self.pop_n(n - 1);
                }
            }
            A if self.count(A) > 0 => self.close(|t| t == A, |t| matches!(t, TD | TH | CAPTION | TEMPLATE | HTML)),
            BUTTON if self.count(BUTTON) > 0 => self.close(|t| t == BUTTON, |t| is(t, SCOPE)),
            NOBR if self.count(NOBR) > 0 => self.close(|t| t == NOBR, |t| is(t, SCOPE)),
            _ => {}
        }
    }

    fn new_element(&mut self, tag: Tag, st: &StartTag<'_>) -> Node {
        let start = self.dom.attrs.len() as u32;
        for a in st.attrs {
            let Some(name) = AttrName::parse(a.name) else { continue };
            let first = (start as usize..self.dom.attrs.len()).all(|k| self.dom.attrs[k].name != name);
            if first {
                let s = self.dom.attr_text.len() as u32;
                self.dom.attr_text.push_str(a.value);
                self.dom.attrs.push(Attr {
                    name,
                    start: s,
                    end: self.dom.attr_text.len() as u32,
                });
            }
        }
        Node {
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            tag,
            start,
            end: self.dom.attrs.len() as u32,
        }
    }

    /// Insert an element as a child of the current node; push it unless void or depth-capped.
    fn insert(&mut self, tag: Tag, st: &StartTag<'_>, push: bool) -> u32 {
        let node = self.new_element(tag, st);
        let parent = self.current();
        let id = self.append(parent, node);
        if push && self.stack.len() < MAX_DEPTH {
            self.push(id, tag);
        }
        id
    }
}

impl Sink for Builder {
    fn text(&mut self, text: &str) {
        if self.head_open && !text.bytes().all(|c| c.is_ascii_whitespace()) && self.current_tag() == tags::HEAD {
            self.close(|t| t == tags::HEAD, |_| false);
        }
        let parent = self.current();
        let last = self.dom.nodes[parent as usize].last_child;
        let len = self.dom.text.len() as u32;
        if last != NONE {
            let n = &mut self.dom.nodes[last as usize];
            if n.tag == tags::TEXT && n.end == len {
                self.dom.text.push_str(text);
                n.end = self.dom.text.len() as u32;
                return;
            }
        }
        self.dom.text.push_str(text);
        let end = self.dom.text.len() as u32;
        self.append(
            parent,
            Node {
                parent: NONE,
                first_child: NONE,
                last_child: NONE,
                next_sibling: NONE,
                tag: tags::TEXT,
                start: len,
                end,
            },
        );
    }

    fn start_tag(&mut self, st: &StartTag<'_>) -> TextMode {
        use tags::*;
        if self.dom.nodes.len() >= self.limits.max_nodes {
            self.dom.truncated = true;
            return TextMode::Data;
        }
        let tag = self.intern(st.name);
        if self.foreign > 0 {
            let breakout = is(tag, BREAKOUT)
                || (tag == FONT
                    && st.attrs.iter().any(|a| {
                        a.name.eq_ignore_ascii_case("size")
                            || a.name.eq_ignore_ascii_case("color")
                            || a.name.eq_ignore_ascii_case("face")
                    }));
            if !breakout {
                self.insert(tag, st, !st.self_closing);
                return TextMode::Data;
            }
            if let Some(n) = self.find_open(|t| t == SVG || t == MATH, |_| false) {
                // Pop out of the outermost foreign element we can see.
                let mut deepest = n;
                for (k, &id) in self.stack.iter().rev().take(SEARCH_LIMIT).enumerate() {
                    if matches!(self.dom.tag(id), SVG | MATH) {
                        deepest = k + 1;
                    }
                }
                self.pop_n(deepest);
            }
        }
        match tag {
            HTML => {
                if self.dom.html == NONE && self.stack.is_empty() {
                    self.dom.html = self.insert(tag, st, true);
                }
                return TextMode::Data;
            }
            HEAD => {
                if self.dom.head == NONE && self.dom.body == NONE {
                    self.dom.head = self.insert(tag, st, true);
                    self.head_open = true;
                }
                return TextMode::Data;
            }
            BODY => {
                if self.dom.body == NONE {
                    if self.head_open {
                        self.close(|t| t == HEAD, |_| false);
                    }
                    self.dom.body = self.insert(tag, st, true);
                }
                return TextMode::Data;
            }
            _ => {}
        }
        if self.head_open && !is(tag, HEAD_CONTENT) {
            self.close(|t| t == HEAD, |_| false);
        }
        self.implied_end_tags(tag);
        let void = is(tag, VOID) || ((tag == SVG || tag == MATH) && st.self_closing);
        self.insert(tag, st, !void);
        match tag {
            SCRIPT | STYLE | XMP | IFRAME | NOEMBED | NOFRAMES => TextMode::RawText,
            TEXTAREA | TITLE => TextMode::RcData,
            PLAINTEXT => TextMode::Plaintext,
            _ => TextMode::Data,
        }
    }

    fn end_tag(&mut self, name: &str) {
        use tags::*;
        let Some(tag) = tags::lookup(name).or_else(|| self.unknown.get(name).copied()) else {
            return;
        };
        if tag == BR {
            // `</br>` is a `<br>`.
            if self.dom.nodes.len() < self.limits.max_nodes {
                let st = StartTag {
                    name: "br",
                    attrs: &[],
                    self_closing: false,
                };
                self.insert(BR, &st, false);
            }
            return;
        }
        if self.count(tag) == 0 || matches!(tag, HTML | BODY) {
            return;
        }
        if self.foreign > 0 && !is(tag, BREAKOUT) {
            self.close(|t| t == tag, |_| false);
            return;
        }
        match tag {
            HEAD => self.close(|t| t == HEAD, |_| false),
            LI => self.close(|t| t == LI, |t| is(t, SCOPE) || t == UL || t == OL),
            TABLE => self.close(|t| t == TABLE, |t| t == HTML || t == TEMPLATE),
            TD | TH | TR | THEAD | TBODY | TFOOT | CAPTION => {
                self.close(|t| t == tag, |t| t == TABLE || t == HTML || t == TEMPLATE)
            }
            _ if is(tag, SPECIAL) => self.close(|t| t == tag, |t| is(t, SCOPE)),
            _ => self.close(|t| t == tag, |t| is(t, SPECIAL)),
        }
    }

    fn cdata_allowed(&self) -> bool {
        self.foreign > 0
    }

    fn should_stop(&self) -> bool {
        self.dom.truncated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A compact serialisation: `tag(children)`, text quoted.
    fn shape(dom: &Dom) -> String {
        let mut out = String::new();
        let mut stack: Vec<(u32, bool)> = vec![(0, false)];
        while let Some((id, closing)) = stack.pop() {
            if closing {
                out.push(')');
                continue;
            }
            let n = dom.node(id);
            if n.tag == tags::TEXT {
                out.push_str(&format!("{:?}", dom.text_of(id)));
                continue;
            }
            if id != 0 {
                out.push_str(dom.tag_name(n.tag));
            }
            out.push('(');
            stack.push((id, true));
            let kids: Vec<u32> = dom.children(id).collect();
            for k in kids.into_iter().rev() {
                stack.push((k, false));
            }
        }
        out
    }

    fn p(html: &str) -> String {
        shape(&parse(html, ParseLimits::default()))
    }

    #[test]
    fn implied_end_tags() {
        assert_eq!(p("<p>a<p>b<div>c</div>"), r#"(p("a")p("b")div("c"))"#);
        assert_eq!(p("<ul><li>a<li>b</ul>c"), r#"(ul(li("a")li("b"))"c")"#);
        assert_eq!(p("<dl><dt>a<dd>b<dt>c</dl>"), r#"(dl(dt("a")dd("b")dt("c")))"#);
        assert_eq!(
            p("<table><tr><td>a<td>b<tr><td>c</table>d"),
            r#"(table(tr(td("a")td("b"))tr(td("c")))"d")"#
        );
        assert_eq!(
            p("<table><thead><tr><th>a<tbody><tr><td>b</table>"),
            r#"(table(thead(tr(th("a")))tbody(tr(td("b")))))"#
        );
        assert_eq!(
            p("<select><option>a<option>b</select>"),
            r#"(select(option("a")option("b")))"#
        );
        assert_eq!(p("<h1>a<h2>b</h2>"), r#"(h1("a")h2("b"))"#);
        assert_eq!(p("<a href=x>a<a>b</a>"), r#"(a("a")a("b"))"#);
        // A p inside a button is not closed by a block start.
        assert_eq!(
            p("<p><button><div>x</div></button>y</p>"),
            r#"(p(button(div("x"))"y"))"#
        );
        // li inside a nested list does not close the outer li.
        assert_eq!(
            p("<ul><li>a<ul><li>b</ul><li>c</ul>"),
            r#"(ul(li("a"ul(li("b")))li("c")))"#
        );
    }

    #[test]
    fn end_tags_and_stray_end_tags() {
        assert_eq!(p("<div><span>a</div>b"), r#"(div(span("a"))"b")"#);
        assert_eq!(p("</div></span>a</p>b"), r#"("ab")"#);
        // An inline end tag does not cross a block.
        assert_eq!(p("<b><div>x</b>y</div>z"), r#"(b(div("xy")"z"))"#);
        assert_eq!(p("a</br>b"), r#"("a"br()"b")"#);
        assert_eq!(
            p("<x-card>a<x-card>b</x-card>c</x-card>d"),
            r#"(x-card("a"x-card("b")"c")"d")"#
        );
    }

    #[test]
    fn void_raw_text_and_document_parts() {
        assert_eq!(p("<img src=x><br>a<input>b<hr>"), r#"(img()br()"a"input()"b"hr())"#);
        assert_eq!(
            p("<html lang=en><head><title>T &amp; U</title><meta name=x content=y><script>a<b</script></head><body><p>x</body>y</html>z"),
            r#"(html(head(title("T & U")meta()script("a<b"))body(p("xyz"))))"#
        );
        // Body content closes an unclosed head.
        assert_eq!(p("<head><title>t</title><div>x</div>"), r#"(head(title("t"))div("x"))"#);
        let dom = parse(
            "<html lang=de><body class='a b' CLASS=c onclick=x>",
            ParseLimits::default(),
        );
        assert_eq!(dom.attr(dom.html, AttrName::Lang), Some("de"));
        assert_eq!(dom.attr(dom.body, AttrName::Class), Some("a b"));
        assert_eq!(dom.attrs.len(), 2);
    }

    #[test]
    fn foreign_content() {
        assert_eq!(
            p("<svg><path/><g><text>a</text></g></svg>b"),
            r#"(svg(path()g(text("a")))"b")"#
        );
        assert_eq!(p("<svg><![CDATA[x]]><p>y"), r#"(svg("x")p("y"))"#);
        assert_eq!(p("<svg/><p>y"), r#"(svg()p("y"))"#);
    }

    #[test]
    fn node_budget_truncates() {
        let html = "<b>x</b>".repeat(1000);
        let dom = parse(&html, ParseLimits { max_nodes: 100 });
        assert!(dom.truncated);
        assert!(dom.nodes.len() <= 101);
    }
}
