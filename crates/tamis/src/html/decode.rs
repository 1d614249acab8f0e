//! Bytes → UTF-8 text: BOM, HTTP charset, `<meta>` prescan, detection (chardetng), decode with
//! replacement characters. Never fails and never panics.
//!
//! Order (HTML spec "determining the character encoding", as browsers do it):
//! 1. a byte-order mark (UTF-8, UTF-16LE/BE);
//! 2. the charset of the HTTP `Content-Type` header (the caller passes it);
//! 3. the `<meta charset>` / `<meta http-equiv=Content-Type>` prescan of the first 1024 bytes;
//! 4. detection with chardetng (UTF-8 allowed, the URL's top-level domain as a hint).
//!
//! One deliberate deviation for crawl data: a declared legacy encoding (steps 2–3) is overridden
//! by UTF-8 when the bytes are valid UTF-8 and contain non-ASCII bytes. Servers that send
//! `charset=iso-8859-1` for UTF-8 pages are common; valid multi-byte UTF-8 sequences by chance in
//! legacy-encoded text are not.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// How many bytes the `<meta>` prescan looks at (HTML spec: 1024).
pub const PRESCAN_BYTES: usize = 1024;
/// How many bytes chardetng sees at most (enough for a confident guess; keeps the cost bounded).
pub const DETECT_BYTES: usize = 64 * 1024;

/// Where the encoding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodingSource {
    Bom,
    Http,
    Meta,
    /// A declared (HTTP or meta) legacy encoding overridden because the bytes are valid UTF-8.
    Utf8Override,
    /// No declaration; the bytes are valid UTF-8.
    Utf8Valid,
    Detected,
}

impl EncodingSource {
    pub fn as_str(self) -> &'static str {
        match self {
            EncodingSource::Bom => "bom",
            EncodingSource::Http => "http",
            EncodingSource::Meta => "meta",
            EncodingSource::Utf8Override => "utf8_override",
            EncodingSource::Utf8Valid => "utf8_valid",
            EncodingSource::Detected => "detected",
        }
    }
}

/// The result of [`decode`].
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
    pub source: EncodingSource,
    /// Whether malformed sequences were replaced by U+FFFD.
    pub had_errors: bool,
}

/// The `charset` parameter of a `Content-Type` value (`text/html; charset="utf-8"` → `utf-8`).
pub fn charset_from_content_type(content_type: &str) -> Option<&str> {
    extract_charset(content_type.as_bytes()).and_then(|b| std::str::from_utf8(b).ok())
}

/// The lower-case ASCII top-level-domain label of a URL, if it is safe to give chardetng.
pub fn tld_of_url(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host_port = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host_port.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    let label = host.trim_end_matches('.').rsplit('.').next()?;
    let ok = !label.is_empty() && label.len() <= 63 && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    // Digits only means an IP address, not a TLD.
    (ok && !label.bytes().all(|b| b.is_ascii_digit())).then(|| label.to_ascii_lowercase())
}

/// Decode `bytes` to UTF-8. `http_charset` is the charset label of the HTTP header (if any),
/// `url` gives the TLD hint for detection.
pub fn decode(bytes: &[u8], http_charset: Option<&str>, url: Option<&str>) -> Decoded {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        return finish(rest, encoding, EncodingSource::Bom);
    }
    let declared = http_charset
        .and_then(|l| Encoding::for_label(l.trim().as_bytes()))
        .map(|e| (e, EncodingSource::Http))
        .or_else(|| prescan(bytes).map(|e| (e, EncodingSource::Meta)));
    let utf8_ok = std::str::from_utf8(bytes).is_ok();
    if let Some((encoding, source)) = declared {
        // A header saying UTF-16 without a BOM is honoured only if the bytes do not look like UTF-8.
        if encoding != UTF_8 && utf8_ok && !bytes.is_ascii() {
            return finish(bytes, UTF_8, EncodingSource::Utf8Override);
        }
        return finish(bytes, encoding, source);
    }
    if utf8_ok {
        return finish(bytes, UTF_8, EncodingSource::Utf8Valid);
    }
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    let sample = bytes.get(..DETECT_BYTES).unwrap_or(bytes);
    // `feed` is called exactly once, with `last = true` (a second call would panic).
    detector.feed(sample, true);
    let tld = url.and_then(tld_of_url);
    // `guess` panics on upper case, dots or non-ASCII in the TLD: `tld_of_url` guarantees neither.
    let encoding = detector.guess(tld.as_deref().map(str::as_bytes), Utf8Detection::Allow);
    finish(bytes, encoding, EncodingSource::Detected)
}

fn finish(bytes: &[u8], encoding: &'static Encoding, source: EncodingSource) -> Decoded {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        encoding,
        source,
        had_errors,
    }
}

/// The HTML spec's "prescan a byte stream to determine its encoding" over the first 1024 bytes.
pub fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let b = bytes.get(..PRESCAN_BYTES).unwrap_or(bytes);
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i = memchr::memchr(b'<', &b[i..]).map_or(b.len(), |p| i + p);
            continue;
        }
        let rest = &b[i..];
        if rest.starts_with(b"<!--") {
            // The `-->` may share its dashes with the `<!--`.
            i = memchr::memmem::find(&rest[2..], b"-->").map_or(b.len(), |p| i + 2 + p + 3);
        } else if rest.len() >= 6 && rest[..5].eq_ignore_ascii_case(b"<meta") && is_space_or_slash(rest[5]) {
            i += 5;
            if let Some(e) = meta_charset(b, &mut i) {
                return Some(e);
            }
        } else if rest.len() >= 2
            && (rest[1].is_ascii_alphabetic() || (rest[1] == b'/' && rest.get(2).is_some_and(u8::is_ascii_alphabetic)))
        {
            // A tag: skip its name, then its attributes.
            i += 1;
            while i < b.len() && !is_space(b[i]) && b[i] != b'>' {
                i += 1;
            }
            while get_attribute(b, &mut i).is_some() {}
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") || rest.starts_with(b"<?") {
            i = memchr::memchr(b'>', rest).map_or(b.len(), |p| i + p + 1);
        } else {
            i += 1;
        }
    }
    None
}

fn meta_charset(b: &[u8], i: &mut usize) -> Option<&'static Encoding> {
    let mut got_pragma = false;
    let mut need_pragma: Option<bool> = None;
    let mut charset: Option<&'static Encoding> = None;
    let mut seen: Vec<Vec<u8>> = Vec::new();
    while let Some((name, value)) = get_attribute(b, i) {
        if seen.contains(&name) {
            continue;
        }
        seen.push(name.clone());
        match name.as_slice() {
            b"http-equiv" => got_pragma |= value.eq_ignore_ascii_case(b"content-type"),
            b"content" if charset.is_none() => {
                if let Some(label) = extract_charset(&value) {
                    charset = Encoding::for_label(label);
                    need_pragma = Some(true);
                }
            }
            b"charset" => {
                charset = Encoding::for_label(&value);
                need_pragma = Some(false);
            }
            _ => {}
        }
    }
    match need_pragma {
        None => return None,
        Some(true) if !got_pragma => return None,
        _ => {}
    }
    let encoding = charset?;
    // UTF-16 declared in a meta means UTF-8; x-user-defined means windows-1252.
    if encoding.name() == "x-user-defined" {
        return Some(WINDOWS_1252);
    }
    Some(encoding.output_encoding())
}

fn is_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn is_space_or_slash(c: u8) -> bool {
    is_space(c) || c == b'/'
}

/// The spec's "get an attribute": name lower-cased, raw value (no entity decoding).
fn get_attribute(b: &[u8], i: &mut usize) -> Option<(Vec<u8>, Vec<u8>)> {
    while *i < b.len() && is_space_or_slash(b[*i]) {
        *i += 1;
    }
    if *i >= b.len() || b[*i] == b'>' {
        return None;
    }
    let mut name = Vec::new();
    let mut value = Vec::new();
    // The name (a first '=' belongs to it).
    loop {
        let &c = b.get(*i)?;
        if c == b'=' && !name.is_empty() {
            *i += 1;
            break;
        }
        if is_space(c) {
            while *i < b.len() && is_space(b[*i]) {
                *i += 1;
            }
            if b.get(*i) != Some(&b'=') {
                return Some((name, value));
            }
            *i += 1;
            break;
        }
        if c == b'/' || c == b'>' {
            return Some((name, value));
        }
        name.push(c.to_ascii_lowercase());
        *i += 1;
    }
    while *i < b.len() && is_space(b[*i]) {
        *i += 1;
    }
    let &c = b.get(*i)?;
    if c == b'"' || c == b'\'' {
        *i += 1;
        let end = memchr::memchr(c, &b[*i..])?;
        value.extend(b[*i..*i + end].iter().map(u8::to_ascii_lowercase));
        *i += end + 1;
        return Some((name, value));
    }
    if c == b'>' {
        return Some((name, value));
    }
    while let Some(&c) = b.get(*i) {
        if is_space(c) || c == b'>' {
            return Some((name, value));
        }
        value.push(c.to_ascii_lowercase());
        *i += 1;
    }
    None
}

/// The spec's "extracting a character encoding from a meta element" (also used for HTTP values).
fn extract_charset(s: &[u8]) -> Option<&[u8]> {
    let mut i = 0;
    loop {
        let p = find_ascii_ci(&s[i..], b"charset")?;
        i += p + 7;
        while i < s.len() && is_space(s[i]) {
            i += 1;
        }
        if s.get(i) == Some(&b'=') {
            i += 1;
            break;
        }
    }
    while i < s.len() && is_space(s[i]) {
        i += 1;
    }
    let c = *s.get(i)?;
    if c == b'"' || c == b'\'' {
        let end = memchr::memchr(c, &s[i + 1..])?;
        return Some(&s[i + 1..i + 1 + end]);
    }
    let end = s[i..]
        .iter()
        .position(|&c| is_space(c) || c == b';')
        .map_or(s.len(), |p| i + p);
    (end > i).then(|| &s[i..end])
}

fn find_ascii_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - needle.len()).find(|&p| hay[p..p + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(text: &str, e: &'static Encoding) -> Vec<u8> {
        let (b, _, unmappable) = e.encode(text);
        assert!(!unmappable);
        b.into_owned()
    }

    const FR: &str = "Les élèves déjà présents à l'école ont reçu leur diplôme, naïvement, à Noël. Où êtes-vous ?";
    const RU: &str = "Съешь же ещё этих мягких французских булок, да выпей чаю. Москва — столица России.";
    const JA: &str = "日本語のテキストです。文字コードの判定をテストしています。東京都の天気は晴れです。";

    #[test]
    fn bom_wins_over_everything() {
        let mut b = vec![0xFF, 0xFE];
        for u in "<meta charset=windows-1252>Ünïcode".encode_utf16() {
            b.extend(u.to_le_bytes());
        }
        let d = decode(&b, Some("iso-8859-1"), None);
        assert_eq!(d.source, EncodingSource::Bom);
        assert_eq!(d.encoding.name(), "UTF-16LE");
        assert_eq!(d.text, "<meta charset=windows-1252>Ünïcode");
    }

    #[test]
    fn http_charset_windows_1252() {
        let html = format!("<html><body><p>{FR}</p></body></html>");
        let b = enc(&html, WINDOWS_1252);
        let d = decode(
            &b,
            charset_from_content_type("text/html; charset=\"Windows-1252\""),
            None,
        );
        assert_eq!(d.source, EncodingSource::Http);
        assert_eq!(d.text, html);
    }

    #[test]
    fn meta_charset_shift_jis() {
        let html = format!("<html><head><meta charset=\"Shift_JIS\"></head><body>{JA}</body></html>");
        let d = decode(&enc(&html, encoding_rs::SHIFT_JIS), None, None);
        assert_eq!((d.source, d.encoding.name()), (EncodingSource::Meta, "Shift_JIS"));
        assert_eq!(d.text, html);
    }

    #[test]
    fn meta_http_equiv_windows_1251() {
        let html = format!(
            "<!-- x --><html><head><META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=windows-1251'></head><p>{RU}</p>"
        );
        let d = decode(&enc(&html, encoding_rs::WINDOWS_1251), None, None);
        assert_eq!((d.source, d.encoding.name()), (EncodingSource::Meta, "windows-1251"));
        assert_eq!(d.text, html);
    }

    #[test]
    fn meta_content_without_http_equiv_is_ignored() {
        assert_eq!(prescan(b"<meta content='text/html; charset=koi8-r'>"), None);
        assert_eq!(prescan(b"<meta charset=koi8-r>").map(Encoding::name), Some("KOI8-R"));
        // Inside a comment it does not count.
        assert_eq!(prescan(b"<!-- <meta charset=koi8-r> -->"), None);
        // UTF-16 in a meta means UTF-8.
        assert_eq!(prescan(b"<meta charset=utf-16le>"), Some(UTF_8));
    }

    #[test]
    fn utf8_with_wrong_meta_is_utf8() {
        let html = format!("<meta charset=iso-8859-1><p>{FR} {RU}</p>");
        let d = decode(html.as_bytes(), None, None);
        assert_eq!(d.source, EncodingSource::Utf8Override);
        assert_eq!(d.text, html);
        // Same with a lying HTTP header.
        let d = decode(html.as_bytes(), Some("latin1"), None);
        assert_eq!(d.source, EncodingSource::Utf8Override);
    }

    #[test]
    fn undeclared_legacy_encodings_are_detected() {
        for (text, e, tld) in [
            (RU, encoding_rs::WINDOWS_1251, Some("http://example.ru/a")),
            (JA, encoding_rs::SHIFT_JIS, None),
            (FR, WINDOWS_1252, Some("https://exemple.FR:8080/")),
        ] {
            let html = format!("<html><body><p>{text}</p><p>{text}</p></body></html>");
            let d = decode(&enc(&html, e), None, tld);
            assert_eq!(d.source, EncodingSource::Detected);
            assert_eq!(d.encoding, e, "{text}");
            assert_eq!(d.text, html);
        }
    }

    #[test]
    fn unsafe_tld_hints_are_not_passed() {
        assert_eq!(tld_of_url("http://Example.DE/x").as_deref(), Some("de"));
        assert_eq!(tld_of_url("http://192.168.0.1/").as_deref(), None);
        assert_eq!(tld_of_url("http://bücher.de/").as_deref(), Some("de"));
        assert_eq!(tld_of_url("http://xn--p1ai/").as_deref(), Some("xn--p1ai"));
        assert_eq!(tld_of_url("http://host.рф/"), None);
        assert_eq!(tld_of_url(""), None);
        // A non-UTF-8 page with a weird URL decodes without panicking.
        let d = decode(&[0xC0, 0xFF, b'a', 0x80], None, Some("http://x.Ü."));
        assert_eq!(d.source, EncodingSource::Detected);
    }

    #[test]
    fn invalid_bytes_become_replacement_characters() {
        let d = decode(b"<meta charset=utf-8>a\xFFb", None, None);
        assert!(d.had_errors);
        assert_eq!(d.text, "<meta charset=utf-8>a\u{FFFD}b");
        assert_eq!(decode(b"", None, None).text, "");
    }

    #[test]
    fn content_type_charset_parsing() {
        assert_eq!(charset_from_content_type("text/html;charset=UTF-8"), Some("UTF-8"));
        assert_eq!(
            charset_from_content_type("text/html; charset = 'koi8-r' ; x"),
            Some("koi8-r")
        );
        assert_eq!(charset_from_content_type("text/html"), None);
        assert_eq!(charset_from_content_type("text/html; charset="), None);
    }
}
