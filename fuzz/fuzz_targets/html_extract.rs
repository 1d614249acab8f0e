//! Fuzz the HTML path: bytes (with an optional content type and URL taken from the input) →
//! `tamis::html::extract`. Checks: no panic, no hang (libFuzzer's -timeout), and that a page is
//! either refused with a reason or yields text without NUL characters.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tamis::html::{extract, ExtractConfig};

fuzz_target!(|data: &[u8]| {
    // First byte picks the header variant, so charsets and TLD hints get exercised too.
    let (sel, body) = match data.split_first() {
        Some((s, b)) => (*s, b),
        None => (0, data),
    };
    let content_type = match sel % 4 {
        0 => None,
        1 => Some("text/html; charset=utf-8"),
        2 => Some("text/html; charset=windows-1252"),
        _ => Some("text/html; charset=shift_jis"),
    };
    let url = match sel / 4 % 3 {
        0 => None,
        1 => Some("http://example.RU./x"),
        _ => Some("http://[::1]:80/"),
    };
    let config = ExtractConfig {
        max_bytes: 1 << 20,
        ..ExtractConfig::default()
    };
    match extract(body, content_type, url, &config) {
        Ok(e) => assert!(!e.text.contains('\0')),
        Err(e) => assert!(!e.reason().is_empty()),
    }
});
