//! Site-frequent lines: a pass over the whole input that counts, per site, in how many distinct
//! documents each normalised line occurs (CCNet-style line hashing, but per site instead of per shard).
//! Lines repeated across many pages of one site are its template: disclaimers, sign-offs, menus.
//!
//! Memory is bounded by `max_entries` counters (16 bytes each plus table overhead): when the table is
//! full, lines seen in fewer documents than the pruning floor are forgotten and the floor rises. A
//! line first seen after a prune can thus be undercounted; frequent lines (the target) survive.
//! Exact copies of a document are counted once, so a page crawled twice does not make its own
//! article lines "frequent"; near-copies can, as in CCNet (near-dedup handles those).

use crate::document::Document;
use std::collections::{HashMap, HashSet};
use xxhash_rust::xxh3::{xxh3_128, xxh3_64, xxh3_64_with_seed};

/// The per-site line index built by [`SiteLinesBuilder`] and consulted by the cleaner.
#[derive(Debug, Default)]
pub struct SiteLines {
    frequent: HashSet<u64>,
    /// Documents counted (distinct texts) and sites seen: for the report and tests.
    pub documents: u64,
    pub sites: u64,
}

impl SiteLines {
    /// Whether `line` (any form; it is normalised here) is frequent on `site` (see [`site_key`]).
    pub fn is_frequent(&self, site: u64, line: &str) -> bool {
        line_key(site, line).is_some_and(|k| self.frequent.contains(&k))
    }

    /// An index of keys found frequent elsewhere (a count over the whole corpus by a driver).
    pub fn from_keys(frequent: impl IntoIterator<Item = u64>) -> Self {
        SiteLines {
            frequent: frequent.into_iter().collect(),
            documents: 0,
            sites: 0,
        }
    }

    /// Number of (site, line) pairs flagged as frequent.
    pub fn len(&self) -> usize {
        self.frequent.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frequent.is_empty()
    }
}

/// Counts lines document by document; `finish` keeps those seen in at least `min_docs` documents.
pub struct SiteLinesBuilder {
    counts: HashMap<u64, u32>,
    seen_docs: HashSet<u128>,
    sites: HashSet<u64>,
    min_docs: u32,
    max_entries: usize,
    floor: u32,
    documents: u64,
}

/// What the count needs of one document, computed where the document is (a worker): a hash of its
/// text (exact copies count once), its site and the distinct keys of its lines, sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocLineKeys {
    pub text_hash: u128,
    pub site: u64,
    pub keys: Vec<u64>,
}

/// The line keys of a text document (`None` for a raw payload).
pub fn doc_line_keys(doc: &Document) -> Option<DocLineKeys> {
    let text = doc.text()?;
    let site = site_key(doc);
    let mut keys: Vec<u64> = text.lines().filter_map(|l| line_key(site, l)).collect();
    keys.sort_unstable();
    keys.dedup();
    Some(DocLineKeys {
        text_hash: xxh3_128(text.as_bytes()),
        site,
        keys,
    })
}

impl SiteLinesBuilder {
    pub fn new(min_docs: u32, max_entries: usize) -> Self {
        SiteLinesBuilder {
            counts: HashMap::new(),
            seen_docs: HashSet::new(),
            sites: HashSet::new(),
            min_docs: min_docs.max(2),
            max_entries: max_entries.max(1024),
            floor: 1,
            documents: 0,
        }
    }

    /// Count one document's lines (raw payloads are not text yet and are skipped).
    pub fn add(&mut self, doc: &Document) {
        if let Some(keys) = doc_line_keys(doc) {
            self.add_keys(&keys);
        }
    }

    /// Count one document's lines from its keys (made anywhere by [`doc_line_keys`]); documents
    /// must come in input order for the same result as one pass.
    pub fn add_keys(&mut self, doc: &DocLineKeys) {
        if self.seen_docs.len() < self.max_entries && !self.seen_docs.insert(doc.text_hash) {
            return;
        }
        self.documents += 1;
        self.sites.insert(doc.site);
        for &k in &doc.keys {
            *self.counts.entry(k).or_insert(0) += 1;
        }
        if self.counts.len() > self.max_entries {
            self.prune();
        }
    }

    /// Forget the rarest lines until the table is at most half full.
    fn prune(&mut self) {
        while self.counts.len() > self.max_entries / 2 {
            let floor = self.floor;
            self.counts.retain(|_, c| *c > floor);
            self.floor += 1;
        }
    }

    pub fn finish(self) -> SiteLines {
        let min = self.min_docs;
        SiteLines {
            frequent: self
                .counts
                .into_iter()
                .filter(|&(_, c)| c >= min)
                .map(|(k, _)| k)
                .collect(),
            documents: self.documents,
            sites: self.sites.len() as u64,
        }
    }
}

/// The site of a document: the URL's host without `www.`, else the file it came from.
pub fn site_key(doc: &Document) -> u64 {
    if let Some(host) = doc.url.as_deref().and_then(url_host) {
        return xxh3_64(host.as_bytes());
    }
    xxh3_64(doc.source.file.as_bytes())
}

/// The site's name for people: URL host without `www.`, else the source file.
pub fn site_name(doc: &Document) -> String {
    doc.url
        .as_deref()
        .and_then(url_host)
        .unwrap_or_else(|| doc.source.file.clone())
}

fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (!host.is_empty()).then_some(host)
}

/// Hash of a line normalised as CCNet does (lower case, digits → 0, punctuation and spacing dropped),
/// seeded by the site. Lines with no letter or digit are not counted.
fn line_key(site: u64, line: &str) -> Option<u64> {
    let mut norm = String::with_capacity(line.len());
    for c in line.chars() {
        if c.is_numeric() {
            norm.push('0');
        } else if c.is_alphanumeric() {
            norm.extend(c.to_lowercase());
        } else if c.is_whitespace() && !norm.ends_with(' ') && !norm.is_empty() {
            norm.push(' ');
        }
    }
    let norm = norm.trim_end();
    (!norm.is_empty()).then(|| xxh3_64_with_seed(norm.as_bytes(), site))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::test_doc;

    fn doc(url: &str, text: &str) -> Document {
        let mut d = test_doc(text);
        d.url = Some(url.to_string());
        d
    }

    #[test]
    fn lines_repeated_across_a_sites_pages_are_frequent() {
        let mut b = SiteLinesBuilder::new(3, 1 << 20);
        let disclaimer = "Cet article est issu de l'AFP. Reproduction interdite.";
        for (i, word) in ["alpha", "beta", "gamma"].iter().enumerate() {
            b.add(&doc(
                &format!("https://www.example.fr/a/{i}"),
                &format!("Article {i} about {word}.\n{disclaimer}"),
            ));
        }
        b.add(&doc("https://other.example.org/x", disclaimer));
        let index = b.finish();
        let fr = site_key(&doc("http://example.fr/z", ""));
        let org = site_key(&doc("https://other.example.org/", ""));
        assert!(index.is_frequent(fr, disclaimer));
        assert!(index.is_frequent(fr, "CET ARTICLE est issu de l’AFP —  reproduction interdite"));
        assert!(!index.is_frequent(org, disclaimer), "counted per site");
        assert!(!index.is_frequent(fr, "Article 1 about beta."));
        assert_eq!(index.sites, 2);
    }

    #[test]
    fn exact_copies_of_a_page_count_once() {
        let mut b = SiteLinesBuilder::new(2, 1 << 20);
        for _ in 0..5 {
            b.add(&doc("https://example.fr/a", "Same page, same words."));
        }
        assert!(b.finish().is_empty());
    }

    #[test]
    fn pruning_keeps_the_frequent_lines() {
        let mut b = SiteLinesBuilder::new(3, 1024);
        for i in 0..5000u32 {
            // Letters, not digits: digits fold to 0 and would make every line the same.
            let word: String = i.to_string().bytes().map(|d| char::from(b'a' + d - b'0')).collect();
            b.add(&doc(
                "https://example.fr/",
                &format!("unique line {word}\nSuivez-nous partout"),
            ));
        }
        let index = b.finish();
        assert!(index.is_frequent(site_key(&doc("https://example.fr/", "")), "Suivez-nous partout"));
        assert!(index.len() < 1024);
    }

    #[test]
    fn hosts_are_read_from_urls() {
        assert_eq!(
            url_host("https://user@WWW.Example.fr:8080/a?b").as_deref(),
            Some("example.fr")
        );
        assert_eq!(url_host("example.org/path").as_deref(), Some("example.org"));
        assert_eq!(url_host("https:///x"), None);
    }
}
