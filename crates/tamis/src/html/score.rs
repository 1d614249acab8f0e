//! Content scoring for pages that mark no zone: the algorithm of Mozilla's Readability
//! (`_grabArticle`), on the arena tree and its precomputed text statistics.
//!
//! Every paragraph-like element (`p`, `pre`, `td`, and a `div` holding text directly) with at least
//! 25 characters scores `1 + commas + min(chars / 100, 3)`; the score goes to its parent in full,
//! its grandparent halved and further ancestors (up to five levels) divided by `3 × level`. Each
//! ancestor starts from a base by tag (`div` +5, `pre`/`td`/`blockquote` +3, lists and forms −3,
//! headings −5) plus a class/id weight given by the caller (Readability: ±25). The best candidate's
//! score is scaled by `1 − link density`; its siblings join it when they score at least a fifth of
//! it (at least 10), or are paragraphs of 80+ characters with little link text, as in Readability.

use super::tags;
use super::tree::{AttrName, Dom, NONE};

/// Ancestor levels a paragraph's score reaches (Readability.js: 5).
const LEVELS: usize = 5;

/// Ancestor levels searched for a series of posts around the best candidate (forum markup nests
/// a post's text eight levels deep).
const SERIES_LEVELS: usize = 10;

/// Per-node inputs of [`best_zone`]: non-space text bytes, link-text bytes and commas of each
/// subtree (computed once, bottom-up: no subtree is walked again here).
pub(super) struct TextStats<'a> {
    pub text: &'a [u32],
    pub link: &'a [u32],
    pub commas: &'a [u32],
}

fn base_score(tag: tags::Tag) -> f64 {
    use tags::*;
    match tag {
        DIV => 5.0,
        PRE | TD | BLOCKQUOTE => 3.0,
        ADDRESS | OL | UL | DL | DD | DT | LI | FORM => -3.0,
        H1 | H2 | H3 | H4 | H5 | H6 | TH => -5.0,
        _ => 0.0,
    }
}

/// Commas of a text, Latin and CJK (Readability counts `,` and their look-alikes).
///
/// Counted on bytes (this runs on every text node): `,` itself, then the look-alikes by their lead
/// bytes, which never occur inside another character in UTF-8.
pub(super) fn commas(text: &str) -> u32 {
    let b = text.as_bytes();
    let mut n = memchr::memchr_iter(b',', b).count();
    for i in memchr::memchr3_iter(0xD8, 0xE3, 0xEF, b) {
        let tail = &b[i + 1..];
        n += usize::from(match b[i] {
            0xD8 => tail.starts_with(&[0x8C]),       // ، U+060C
            0xE3 => tail.starts_with(&[0x80, 0x81]), // 、 U+3001
            _ => matches!(tail, [0xBC, 0x8C, ..] | [0xB9, 0x90, ..] | [0xB8, 0x90, ..]), // ， ﹐ ︐
        });
    }
    n as u32
}

/// Bytes of `text` that are not ASCII whitespace (written so that it vectorises).
pub(super) fn non_space_bytes(text: &str) -> usize {
    text.len()
        - text
            .bytes()
            .map(|b| usize::from(matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')))
            .sum::<usize>()
}

/// Text bytes directly inside `id` (not in child elements).
fn own_text(dom: &Dom, id: u32) -> usize {
    let mut n = 0;
    let mut c = dom.node(id).first_child;
    while c != NONE {
        if dom.tag(c) == tags::TEXT {
            n += non_space_bytes(dom.text_of(c));
        }
        c = dom.node(c).next_sibling;
    }
    n
}

/// Siblings of `id` with its tag and (non-empty) class attribute and 100+ bytes of text.
fn series(dom: &Dom, st: &TextStats<'_>, id: u32) -> usize {
    let (tag, class) = (dom.tag(id), dom.attr(id, AttrName::Class));
    // Without a class, same-tag siblings are just a page's blocks, not a series.
    let Some(class) = class.filter(|c| !c.trim().is_empty()) else {
        return 0;
    };
    let class = Some(class);
    let mut n = 0;
    let mut c = dom.node(dom.node(id).parent).first_child;
    while c != NONE {
        if c != id && dom.tag(c) == tag && dom.attr(c, AttrName::Class) == class && st.text[c as usize] >= 100 {
            n += 1;
        }
        c = dom.node(c).next_sibling;
    }
    n
}

/// The best-scored element under `root` and the siblings that join it (document order), or
/// `None` when nothing scores. `skip(id)` prunes a subtree (boilerplate, non-text); `weight(id)` is
/// the class/id weight of a candidate.
pub(super) fn best_zone(
    dom: &Dom,
    st: &TextStats<'_>,
    root: u32,
    skip: impl Fn(u32) -> bool,
    weight: impl Fn(u32) -> f64,
) -> Option<Vec<u32>> {
    let n = dom.nodes.len();
    let mut score: Vec<f64> = vec![0.0; n];
    let mut seen: Vec<bool> = vec![false; n];
    for id in dom.elements_pruned(root, &skip) {
        let tag = dom.tag(id);
        let paragraph = matches!(tag, tags::P | tags::PRE | tags::TD) || (tag == tags::DIV && own_text(dom, id) >= 25);
        let chars = st.text[id as usize] as usize;
        if !paragraph || chars < 25 {
            continue;
        }
        let points = 1.0 + f64::from(st.commas[id as usize]) + (chars as f64 / 100.0).min(3.0);
        let mut at = dom.node(id).parent;
        for level in 0..LEVELS {
            if at == NONE || at == dom.node(root).parent {
                break;
            }
            let a = at as usize;
            if !seen[a] {
                seen[a] = true;
                score[a] = base_score(dom.tag(at)) + weight(at);
            }
            score[a] += match level {
                0 => points,
                1 => points / 2.0,
                l => points / (l as f64 * 3.0),
            };
            at = dom.node(at).parent;
        }
    }
    let density = |id: u32| {
        let t = st.text[id as usize];
        if t == 0 {
            0.0
        } else {
            f64::from(st.link[id as usize]) / f64::from(t)
        }
    };
    let final_score = |id: u32| score[id as usize] * (1.0 - density(id));
    let mut best = (NONE, f64::MIN);
    for id in 0..n as u32 {
        if seen[id as usize] {
            let f = final_score(id);
            if f > best.1 {
                best = (id, f);
            }
        }
    }
    let (top, top_score) = best;
    if top == NONE || top_score <= 0.0 {
        return None;
    }
    let parent = dom.node(top).parent;
    if parent == NONE || top == root {
        return Some(vec![top]);
    }
    // Inside one of a series (forum posts, answers: siblings of the same tag and class, each with
    // text) a few levels up: the series is the content, not its best member.
    let stop = dom.node(root).parent;
    let mut at = top;
    for _ in 0..SERIES_LEVELS {
        let up = dom.node(at).parent;
        if up == NONE || up == stop || at == root {
            break;
        }
        if series(dom, st, at) >= 2 {
            return Some(vec![up]);
        }
        at = up;
    }
    let threshold = (top_score * 0.2).max(10.0);
    let mut zone = Vec::new();
    let mut c = dom.node(parent).first_child;
    while c != NONE {
        let tag = dom.tag(c);
        let join = c == top
            || (tag != tags::TEXT
                && !skip(c)
                && ((seen[c as usize] && final_score(c) >= threshold)
                    || (tag == tags::P && st.text[c as usize] >= 80 && density(c) < 0.25)));
        if join {
            zone.push(c);
        }
        c = dom.node(c).next_sibling;
    }
    Some(zone)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn byte_counts_equal_char_counts(text in "(,|，|、|،|﹐|︐|\\PC|\\s|ج|、|ｌ|︑){0,60}") {
            let chars = text.chars().filter(|c| matches!(c, ',' | '，' | '、' | '،' | '﹐' | '︐')).count();
            proptest::prop_assert_eq!(commas(&text) as usize, chars);
            proptest::prop_assert_eq!(non_space_bytes(&text), text.bytes().filter(|b| !b.is_ascii_whitespace()).count());
        }
    }
}
