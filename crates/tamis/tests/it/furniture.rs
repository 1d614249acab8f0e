//! Line cleaning on whole news pages: every article line kept, every furniture line removed.
//! Fixtures: `tests/fixtures/furniture/page.<lang>.txt`, each line prefixed `K ` (article, keep) or
//! `F ` (furniture, remove); blank lines carry no prefix.

use std::path::PathBuf;
use tamis::clean::{CleanLines, CleanLinesConfig};

fn fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/furniture");
    let mut pages: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    pages.sort();
    pages
}

/// The page text and, per line, whether it must be removed (`None` for blank lines).
fn parse(fixture: &str) -> (String, Vec<Option<bool>>) {
    let mut text = Vec::new();
    let mut expect = Vec::new();
    for (n, line) in fixture.lines().enumerate() {
        if line.trim().is_empty() {
            text.push("");
            expect.push(None);
            continue;
        }
        let (mark, rest) = line
            .split_at_checked(2)
            .unwrap_or_else(|| panic!("line {}: no K/F prefix", n + 1));
        expect.push(Some(match mark {
            "K " => false,
            "F " => true,
            _ => panic!("line {}: prefix must be `K ` or `F `: {line:?}", n + 1),
        }));
        text.push(rest);
    }
    (text.join("\n"), expect)
}

#[test]
fn news_pages_lose_all_furniture_and_keep_every_article_line() {
    let cleaner = CleanLines::new(CleanLinesConfig::default(), None);
    let pages = fixtures();
    assert!(pages.len() >= 4, "fixtures missing: {pages:?}");
    let mut failures = Vec::new();
    for page in &pages {
        let (text, expect) = parse(&std::fs::read_to_string(page).unwrap());
        let decisions = cleaner.decide(&text, 0);
        assert_eq!(decisions.len(), expect.len());
        for (d, want) in decisions.iter().zip(&expect) {
            let Some(remove) = want else { continue };
            if d.reason.is_some() != *remove {
                let name = page.file_name().unwrap().to_string_lossy();
                let what = if *remove {
                    "kept furniture"
                } else {
                    "removed article line"
                };
                failures.push(format!("{name}: {what} ({:?}): {}", d.reason, d.line));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} wrong lines:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
