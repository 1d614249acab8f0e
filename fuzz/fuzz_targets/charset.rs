//! Fuzz charset detection and decoding: the HTML decoder (BOM, HTTP charset, `<meta>` prescan,
//! TLD hint, detection), `.txt` decoding (BOM, BOM-less UTF-16, UTF-8, Windows-1252) and decoding
//! with a declared label. Checks: no panic, and no NUL character in decoded `.txt` text.
#![no_main]

use libfuzzer_sys::fuzz_target;

const LABELS: &[&str] = &["utf-8", "windows-1252", "shift_jis", "euc-kr", "gb18030", "utf-16le", "iso-2022-jp", "x-unknown", " UTF-8 "];

fuzz_target!(|data: &[u8]| {
    let (sel, body) = match data.split_first() {
        Some((s, b)) => (*s as usize, b),
        None => (0, data),
    };
    let label = LABELS.get(sel % (LABELS.len() + 1)).copied();
    let url = ["http://example.jp/", "http://example.RU./x", "not a url"].get(sel / 16 % 4).copied();
    let decoded = tamis::html::decode::decode(body, label, url);
    assert!(!decoded.encoding.name().is_empty());
    let (text, name) = tamis::readers::text::decode_text_file(body);
    assert!(!text.contains('\0') && !name.is_empty());
    let _ = tamis::document::decode_bytes(body, label);
});
