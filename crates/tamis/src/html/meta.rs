//! Page metadata from `<meta>`, OpenGraph, `<link rel=canonical>`, `<html lang>`, `<title>` and JSON-LD.
//!
//! Precedence per field (first non-empty wins):
//! - title: `og:title` → `<title>` → JSON-LD `headline` → first `<h1>`;
//! - author: `<meta name=author>` → `article:author` (unless a URL) → JSON-LD `author.name`;
//! - date: `article:published_time` → `<meta name=date|pubdate|publishdate|dc.date…>` →
//!   `itemprop=datePublished` → JSON-LD `datePublished`;
//! - site name: `og:site_name` → JSON-LD `publisher.name` → `application-name`;
//! - canonical URL: `<link rel=canonical>` → `og:url`; description: `description` → `og:description`.
//!
//! JSON-LD blobs over [`MAX_JSONLD_BYTES`] are ignored; serde_json's recursion limit (128) turns deep
//! blobs into an error; the walk over parsed values is iterative and bounded.

use super::tags;
use super::tree::{AttrName, Dom};
use serde::Serialize;
use serde_json::Value;

/// JSON-LD blobs larger than this are not parsed.
pub const MAX_JSONLD_BYTES: usize = 512 * 1024;
/// At most this many JSON values are visited per blob.
const MAX_JSONLD_VALUES: usize = 20_000;

/// Metadata of one page. Empty strings are never stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PageMeta {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canonical_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `og:type` (e.g. `article`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub og_type: Option<String>,
    /// JSON-LD `@type` values seen (first 16).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub jsonld_types: Vec<String>,
    /// The other descriptions the page gives (`og:description`, JSON-LD) when they differ from
    /// `description`: the extractor looks for the article's lead among them. Not output.
    #[serde(skip)]
    pub other_descriptions: Vec<String>,
}

#[derive(Default)]
struct Found {
    og_title: Option<String>,
    title: Option<String>,
    h1: Option<String>,
    author: Option<String>,
    article_author: Option<String>,
    published: Option<String>,
    date: Option<String>,
    itemprop_date: Option<String>,
    og_site: Option<String>,
    app_name: Option<String>,
    canonical: Option<String>,
    og_url: Option<String>,
    description: Option<String>,
    og_description: Option<String>,
    og_type: Option<String>,
    ld: LdFound,
}

#[derive(Default)]
struct LdFound {
    headline: Option<String>,
    author: Option<String>,
    date: Option<String>,
    publisher: Option<String>,
    description: Option<String>,
    types: Vec<String>,
}

fn clean(s: &str) -> Option<String> {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

fn set(slot: &mut Option<String>, value: Option<&str>) {
    if slot.is_none() {
        *slot = value.and_then(clean);
    }
}

/// Collect the metadata of a parsed page.
pub fn extract_meta(dom: &Dom) -> PageMeta {
    let mut f = Found::default();
    let mut buf = String::new();
    let mut it = dom.descendants(0);
    while let Some(id) = it.next() {
        let tag = dom.tag(id);
        match tag {
            tags::META => {
                let content = dom.attr(id, AttrName::Content);
                let key = dom
                    .attr(id, AttrName::Property)
                    .or_else(|| dom.attr(id, AttrName::Name));
                if let Some(key) = key {
                    match key.trim().to_ascii_lowercase().as_str() {
                        "og:title" => set(&mut f.og_title, content),
                        "author" | "dc.creator" | "sailthru.author" | "parsely-author" => set(&mut f.author, content),
                        "article:author" if !content.is_some_and(|c| c.starts_with("http")) => {
                            set(&mut f.article_author, content);
                        }
                        "article:published_time" | "og:published_time" => set(&mut f.published, content),
                        "date" | "pubdate" | "publishdate" | "publish-date" | "publish_date" | "dc.date"
                        | "dc.date.issued" | "dcterms.date" | "sailthru.date" | "parsely-pub-date" => {
                            set(&mut f.date, content)
                        }
                        "og:site_name" => set(&mut f.og_site, content),
                        "application-name" => set(&mut f.app_name, content),
                        "og:url" => set(&mut f.og_url, content),
                        "description" => set(&mut f.description, content),
                        "og:description" => set(&mut f.og_description, content),
                        "og:type" => set(&mut f.og_type, content),
                        _ => {}
                    }
                }
                if dom
                    .attr(id, AttrName::Itemprop)
                    .is_some_and(|p| p.eq_ignore_ascii_case("datePublished"))
                {
                    set(&mut f.itemprop_date, content);
                }
            }
            tags::LINK => {
                let canonical = dom
                    .attr(id, AttrName::Rel)
                    .is_some_and(|r| r.split_ascii_whitespace().any(|w| w.eq_ignore_ascii_case("canonical")));
                if canonical {
                    set(&mut f.canonical, dom.attr(id, AttrName::Href));
                }
            }
            tags::TIME
                if dom
                    .attr(id, AttrName::Itemprop)
                    .is_some_and(|p| p.eq_ignore_ascii_case("datePublished")) =>
            {
                set(&mut f.itemprop_date, dom.attr(id, AttrName::Datetime));
            }
            tags::TITLE if f.title.is_none() => {
                buf.clear();
                dom.text_content(id, &mut buf);
                f.title = clean(&buf);
            }
            tags::H1 if f.h1.is_none() => {
                buf.clear();
                dom.text_content(id, &mut buf);
                f.h1 = clean(&buf);
            }
            tags::SCRIPT => {
                if dom
                    .attr(id, AttrName::Type)
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
                {
                    buf.clear();
                    dom.text_content(id, &mut buf);
                    if buf.len() <= MAX_JSONLD_BYTES {
                        if let Ok(v) = serde_json::from_str::<Value>(buf.trim()) {
                            walk_jsonld(&v, &mut f.ld);
                        }
                    }
                }
                it.skip_children(id);
            }
            tags::SVG | tags::STYLE | tags::NOSCRIPT | tags::TEMPLATE => it.skip_children(id),
            _ => {}
        }
    }
    let ld = f.ld;
    let mut meta = PageMeta {
        title: f.og_title.or(f.title).or(ld.headline).or(f.h1),
        author: f.author.or(f.article_author).or(ld.author),
        date: f.published.or(f.date).or(f.itemprop_date).or(ld.date),
        site_name: f.og_site.or(ld.publisher).or(f.app_name),
        canonical_url: f.canonical.or(f.og_url),
        lang: (dom.html != 0)
            .then(|| dom.attr(dom.html, AttrName::Lang))
            .flatten()
            .and_then(clean),
        other_descriptions: Vec::new(),
        description: None,
        og_type: f.og_type,
        jsonld_types: ld.types,
    };
    let mut all = [f.description, f.og_description, ld.description].into_iter().flatten();
    meta.description = all.next();
    for d in all {
        if meta.description.as_ref() != Some(&d) && !meta.other_descriptions.contains(&d) {
            meta.other_descriptions.push(d);
        }
    }
    meta
}

fn str_of(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        Value::Array(a) => a.first().and_then(str_of),
        _ => None,
    }
}

/// A name: a string, `{name: …}`, or the first of an array of those.
fn name_of(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) if !s.starts_with("http") => Some(s),
        Value::Object(o) => o.get("name").and_then(str_of),
        Value::Array(a) => a.iter().find_map(name_of),
        _ => None,
    }
}

fn walk_jsonld(root: &Value, ld: &mut LdFound) {
    let mut stack = vec![root];
    let mut visited = 0;
    while let Some(v) = stack.pop() {
        visited += 1;
        if visited > MAX_JSONLD_VALUES {
            return;
        }
        match v {
            Value::Array(a) => stack.extend(a.iter().rev()),
            Value::Object(o) => {
                let types: Vec<&str> = match o.get("@type") {
                    Some(Value::String(s)) => vec![s.as_str()],
                    Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
                    _ => Vec::new(),
                };
                for t in &types {
                    if ld.types.len() < 16 && !ld.types.iter().any(|x| x == t) {
                        ld.types.push((*t).to_owned());
                    }
                }
                let creative = types.iter().any(|t| {
                    t.ends_with("Article")
                        || t.ends_with("Posting")
                        || matches!(*t, "Report" | "WebPage" | "Recipe" | "Review" | "QAPage" | "Question")
                });
                if creative {
                    set(
                        &mut ld.headline,
                        o.get("headline").or_else(|| o.get("name")).and_then(str_of),
                    );
                    set(&mut ld.author, o.get("author").and_then(name_of));
                    set(&mut ld.date, o.get("datePublished").and_then(str_of));
                    set(&mut ld.publisher, o.get("publisher").and_then(name_of));
                    set(&mut ld.description, o.get("description").and_then(str_of));
                }
                if let Some(g) = o.get("@graph") {
                    stack.push(g);
                }
                if let Some(m) = o.get("mainEntity").or_else(|| o.get("mainEntityOfPage")) {
                    if m.is_object() || m.is_array() {
                        stack.push(m);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::tree::{parse, ParseLimits};

    fn meta(html: &str) -> PageMeta {
        extract_meta(&parse(html, ParseLimits::default()))
    }

    #[test]
    fn meta_tags_and_opengraph() {
        let m = meta(
            r#"<html lang="en-GB"><head><title> Page  title </title>
            <meta property="og:title" content="OG title"><meta name="author" content="Ann Smith">
            <meta property="article:published_time" content="2024-03-01T10:00:00Z">
            <meta property="og:site_name" content="The Site"><link rel="canonical" href="https://x.org/a">
            <meta name="description" content="About &amp; more"><meta property="og:type" content="article">
            </head><body><h1>H</h1></body></html>"#,
        );
        assert_eq!(m.title.as_deref(), Some("OG title"));
        assert_eq!(m.author.as_deref(), Some("Ann Smith"));
        assert_eq!(m.date.as_deref(), Some("2024-03-01T10:00:00Z"));
        assert_eq!(m.site_name.as_deref(), Some("The Site"));
        assert_eq!(m.canonical_url.as_deref(), Some("https://x.org/a"));
        assert_eq!(m.lang.as_deref(), Some("en-GB"));
        assert_eq!(m.description.as_deref(), Some("About & more"));
        assert_eq!(m.og_type.as_deref(), Some("article"));
        assert!(m.other_descriptions.is_empty());
    }

    #[test]
    fn other_descriptions_are_kept_for_the_extractor_not_output() {
        let m = meta(
            r#"<head><meta name="description" content="SEO text"><meta property="og:description" content="The lead">
            <meta property="og:description" content="SEO text"></head>"#,
        );
        assert_eq!(m.description.as_deref(), Some("SEO text"));
        assert_eq!(m.other_descriptions, ["The lead"]);
        let json = serde_json::to_string(&m).unwrap();
        assert!(!json.contains("The lead"), "{json}");
    }

    #[test]
    fn title_falls_back_to_title_then_h1() {
        assert_eq!(meta("<title>T</title><h1>H</h1>").title.as_deref(), Some("T"));
        assert_eq!(
            meta("<body><h1> H <b>1</b></h1><h1>2</h1>").title.as_deref(),
            Some("H 1")
        );
    }

    #[test]
    fn json_ld_graph() {
        let m = meta(
            r#"<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
              {"@type":"WebSite","name":"Site"},
              {"@type":["NewsArticle"],"headline":"Head","datePublished":"2023-01-02",
               "author":[{"@type":"Person","name":"Bo"}],"publisher":{"@type":"Organization","name":"Pub"}}]}</script>"#,
        );
        assert_eq!(m.title.as_deref(), Some("Head"));
        assert_eq!(m.author.as_deref(), Some("Bo"));
        assert_eq!(m.date.as_deref(), Some("2023-01-02"));
        assert_eq!(m.site_name.as_deref(), Some("Pub"));
        assert_eq!(m.jsonld_types, ["WebSite", "NewsArticle"]);
    }

    #[test]
    fn broken_or_deep_json_ld_is_ignored() {
        let deep = format!(
            "<script type=application/ld+json>{}{}</script><title>t</title>",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(meta(&deep).title.as_deref(), Some("t"));
        assert_eq!(meta("<script type=application/ld+json>{not json</script>").title, None);
    }
}
