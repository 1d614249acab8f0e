//! PII masking. Emails and public IP addresses are replaced as datatrove's `PIIFormatter` does (its
//! regexes, its replacement values used in turn, only `ipaddress.is_global` IPs); phone numbers, IBANs
//! and payment-card numbers are added, each validated (plausible phone shape and digit count, IBAN
//! mod-97 checksum, Luhn checksum with a known card prefix) to keep false positives low.
//!
//! One deliberate difference: datatrove cycles replacement values across all the documents a process
//! sees; tamis restarts the cycle in each document, so the output does not depend on how documents
//! are spread over threads. (Checked against datatrove 0.10.1 from PyPI: `bench/pii_check.py`.)

use crate::document::{Body, Document};
use crate::stage::{Stage, StageError, Verdict};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

/// What a span is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiKind {
    Email,
    Ip,
    Iban,
    Card,
    Phone,
}

impl PiiKind {
    pub fn name(self) -> &'static str {
        match self {
            PiiKind::Email => "email",
            PiiKind::Ip => "ip",
            PiiKind::Iban => "iban",
            PiiKind::Card => "card",
            PiiKind::Phone => "phone",
        }
    }
}

/// A detected span (byte offsets into the text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PiiSpan {
    pub start: usize,
    pub end: usize,
    pub kind: PiiKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PiiConfig {
    pub emails: bool,
    pub ips: bool,
    /// Replace only public (globally routable) IPv4 addresses, as datatrove does.
    pub only_public_ips: bool,
    pub phones: bool,
    pub ibans: bool,
    pub cards: bool,
    /// Used in turn within a document (datatrove's values).
    pub email_replacements: Vec<String>,
    /// Used in turn within a document (datatrove's values).
    pub ip_replacements: Vec<String>,
    pub phone_replacement: String,
    pub iban_replacement: String,
    pub card_replacement: String,
}

impl Default for PiiConfig {
    fn default() -> Self {
        PiiConfig {
            emails: true,
            ips: true,
            only_public_ips: true,
            phones: true,
            ibans: true,
            cards: true,
            email_replacements: vec!["email@example.com".into(), "firstname.lastname@example.org".into()],
            ip_replacements: [
                "22.214.171.124",
                "126.96.36.199",
                "188.8.131.52",
                "184.108.40.206",
                "220.127.116.11",
                "18.104.22.168",
            ]
            .map(String::from)
            .to_vec(),
            // Numbers reserved or published for examples: 555-01xx, the IBAN register's GB example,
            // a card-network test number.
            phone_replacement: "+1-202-555-0100".into(),
            iban_replacement: "GB82WEST12345698765432".into(),
            card_replacement: "4111 1111 1111 1111".into(),
        }
    }
}

impl PiiConfig {
    pub fn example() -> Self {
        PiiConfig::default()
    }

    /// datatrove's `PIIFormatter()`: emails and public IPs only.
    pub fn datatrove() -> Self {
        PiiConfig {
            phones: false,
            ibans: false,
            cards: false,
            ..Default::default()
        }
    }
}

// datatrove 0.10.1's patterns (formatters/pii.py); `]` escaped for Rust's regex syntax.
const EMAIL: &str = r"\b[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?|\[(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?|[A-Za-z0-9-]*[A-Za-z0-9]:)\])";
const IP: &str = r"(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)";
// Ours. IBAN: country, check digits, 11-30 alphanumerics, optionally grouped by 4 with spaces.
const IBAN: &str = r"(?i)\b[a-z]{2}[0-9]{2}(?:[ ]?[a-z0-9]){11,30}\b";
// Card: 12-19 digits, optionally grouped with single spaces or dashes.
const CARD: &str = r"\b[0-9](?:[ -]?[0-9]){11,18}\b";
// Phone: +country then digits in up to 6 groups; or an optional (area) and 2-5 groups of 2-5
// digits joined by a single space, dash or dot; or 9-12 bare digits; then an optional extension.
const PHONE: &str = r"(?:\+[0-9]{1,3}(?:[ .-]?[0-9]{1,5}){1,6}|(?:\([0-9]{1,4}\)[ .-]?)?[0-9]{2,5}(?:[ .-][0-9]{2,5}){1,4}|[0-9]{9,12})(?:[ ]?(?:x|ext\.?)[ ]?[0-9]{1,5})?\b";
/// Words that announce a phone number, for shapes that are phones only in context.
const PHONE_CUES: &[&str] = &[
    "phone",
    "tel",
    "call",
    "mobile",
    "cell",
    "fax",
    "contact",
    "whatsapp",
    "sms",
    "téléphone",
    "portable",
    "teléfono",
    "telefono",
    "telefone",
    "telefon",
    "número",
    "numero",
    "nummer",
    "тел",
    "電話",
    "电话",
];

pub struct Pii {
    config: PiiConfig,
    email: Regex,
    ip: Regex,
    iban: Windowed,
    card: Windowed,
    phone: Windowed,
}

/// A pattern with a Unicode `\b` whose matches are made of a few ASCII characters and hold a digit
/// (IBAN, card, phone). On non-ASCII text the regex engine cannot run such a pattern with its fast
/// DFA (a Unicode word boundary needs the whole character) and falls back to its NFA engines, ten
/// times slower and most of this stage's time. So it runs only inside windows: maximal runs of the
/// characters a match can hold, with at least one ASCII digit. No match crosses a window's edge
/// and the search sees the text around the window (`\b` looks outside it), so the matches are
/// those of the whole text (`windowed_search_finds_what_the_whole_text_search_finds`).
struct Windowed {
    re: regex_automata::meta::Regex,
    /// The characters a match can consist of.
    alphabet: fn(char) -> bool,
}

impl Windowed {
    fn new(pattern: &str, alphabet: fn(char) -> bool) -> Result<Self, String> {
        let re = regex_automata::meta::Regex::new(pattern).map_err(|e| e.to_string())?;
        Ok(Windowed { re, alphabet })
    }

    /// `(start, end)` of every match in `text`, as `find_iter` over the whole text gives them.
    fn find_iter(&self, text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut chars = text.char_indices().peekable();
        while let Some((start, c)) = chars.next() {
            if !(self.alphabet)(c) {
                continue;
            }
            let (mut end, mut digit) = (start + c.len_utf8(), c.is_ascii_digit());
            while let Some(&(i, c)) = chars.peek() {
                if !(self.alphabet)(c) {
                    break;
                }
                digit |= c.is_ascii_digit();
                end = i + c.len_utf8();
                chars.next();
            }
            let mut at = start;
            while digit && at < end {
                let Some(m) = self.re.find(regex_automata::Input::new(text).range(at..end)) else {
                    break;
                };
                out.push((m.start(), m.end()));
                at = if m.is_empty() { m.end() + 1 } else { m.end() };
            }
        }
        out
    }
}

/// What IBAN's `(?i)[a-z0-9 ]` matches: ASCII letters and digits, the space, and the two
/// characters Unicode case folding adds (KELVIN SIGN ~ k, LATIN SMALL LETTER LONG S ~ s).
fn iban_chars(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == ' ' || c == '\u{212A}' || c == '\u{17F}'
}

fn card_chars(c: char) -> bool {
    c.is_ascii_digit() || c == ' ' || c == '-'
}

fn phone_chars(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '+' | '(' | ')' | 'x' | 'e' | 't')
}

impl Pii {
    pub fn new(config: PiiConfig) -> Result<Self, String> {
        let re = |p: &str| Regex::new(p).map_err(|e| e.to_string());
        Ok(Pii {
            email: re(EMAIL)?,
            ip: re(IP)?,
            iban: Windowed::new(IBAN, iban_chars)?,
            card: Windowed::new(CARD, card_chars)?,
            phone: Windowed::new(PHONE, phone_chars)?,
            config,
        })
    }

    /// Every PII span, non-overlapping, in text order. Earlier kinds win overlaps
    /// (email, IP, IBAN, card, phone), as datatrove replaces emails before IPs.
    pub fn find(&self, text: &str) -> Vec<PiiSpan> {
        let mut spans: Vec<PiiSpan> = Vec::new();
        let add = |start: usize, end: usize, kind: PiiKind, spans: &mut Vec<PiiSpan>| {
            if !spans.iter().any(|s| start < s.end && s.start < end) {
                spans.push(PiiSpan { start, end, kind });
            }
        };
        let c = &self.config;
        if c.emails && text.contains('@') {
            for m in self.email.find_iter(text) {
                add(m.start(), m.end(), PiiKind::Email, &mut spans);
            }
        }
        if c.ips && text.contains('.') {
            for m in self.ip.find_iter(text) {
                if ip_counts(m.as_str(), c.only_public_ips) {
                    add(m.start(), m.end(), PiiKind::Ip, &mut spans);
                }
            }
        }
        let has_digit = text.bytes().any(|b| b.is_ascii_digit());
        if c.ibans && has_digit {
            for (start, end) in self.iban.find_iter(text) {
                if iban_valid(&text[start..end]) {
                    add(start, end, PiiKind::Iban, &mut spans);
                }
            }
        }
        if c.cards && has_digit {
            for (start, end) in self.card.find_iter(text) {
                if card_valid(&text[start..end]) {
                    add(start, end, PiiKind::Card, &mut spans);
                }
            }
        }
        if c.phones && has_digit {
            for (start, end) in self.phone.find_iter(text) {
                let s = &text[start..end];
                // The regex cannot look behind: reject matches glued to a word or number.
                let before = text[..start].chars().next_back();
                if before.is_some_and(|b| b.is_alphanumeric() || b == '.' || b == ',') {
                    continue;
                }
                if phone_plausible(s, || phone_cue_before(text, start)) {
                    add(start, end, PiiKind::Phone, &mut spans);
                }
            }
        }
        spans.sort_by_key(|s| s.start);
        spans
    }

    fn replacement(&self, kind: PiiKind, n: usize) -> &str {
        let c = &self.config;
        let pick = |v: &'_ [String]| -> usize {
            if v.is_empty() {
                usize::MAX
            } else {
                n % v.len()
            }
        };
        match kind {
            PiiKind::Email => c
                .email_replacements
                .get(pick(&c.email_replacements))
                .map_or("", String::as_str),
            PiiKind::Ip => c
                .ip_replacements
                .get(pick(&c.ip_replacements))
                .map_or("", String::as_str),
            PiiKind::Iban => &c.iban_replacement,
            PiiKind::Card => &c.card_replacement,
            PiiKind::Phone => &c.phone_replacement,
        }
    }

    /// The text with every span replaced, and the count per kind.
    pub fn mask(&self, text: &str) -> (String, [usize; 5]) {
        let spans = self.find(text);
        let mut counts = [0usize; 5];
        if spans.is_empty() {
            return (text.to_string(), counts);
        }
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for s in spans {
            out.push_str(&text[last..s.start]);
            let i = s.kind as usize;
            out.push_str(self.replacement(s.kind, counts[i]));
            counts[i] += 1;
            last = s.end;
        }
        out.push_str(&text[last..]);
        (out, counts)
    }
}

/// Python's `ipaddress.ip_address(s)` accepts it (no leading zeros) and, when asked, `is_global`
/// holds (Python 3.11's tables: private, reserved and shared ranges are not global).
fn ip_counts(s: &str, public_only: bool) -> bool {
    if s.split('.').any(|o| o.len() > 1 && o.starts_with('0')) {
        return false;
    }
    let Ok(ip) = s.parse::<Ipv4Addr>() else { return false };
    !public_only || is_global(ip)
}

fn is_global(ip: Ipv4Addr) -> bool {
    let v = u32::from(ip);
    let within = |net: [u8; 4], bits: u32| {
        let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
        v & mask == u32::from(Ipv4Addr::from(net)) & mask
    };
    const NOT_GLOBAL: &[([u8; 4], u32)] = &[
        ([0, 0, 0, 0], 8),
        ([10, 0, 0, 0], 8),
        ([100, 64, 0, 0], 10),
        ([127, 0, 0, 0], 8),
        ([169, 254, 0, 0], 16),
        ([172, 16, 0, 0], 12),
        ([192, 0, 0, 0], 29),
        ([192, 0, 0, 170], 31),
        ([192, 0, 2, 0], 24),
        ([192, 168, 0, 0], 16),
        ([198, 18, 0, 0], 15),
        ([198, 51, 100, 0], 24),
        ([203, 0, 113, 0], 24),
        ([240, 0, 0, 0], 4),
        ([255, 255, 255, 255], 32),
    ];
    !NOT_GLOBAL.iter().any(|(net, bits)| within(*net, *bits))
}

/// ISO 13616: length 15-34 and mod-97 of the rearranged number equals 1.
pub fn iban_valid(s: &str) -> bool {
    let compact: Vec<u8> = s
        .bytes()
        .filter(|b| *b != b' ')
        .map(|b| b.to_ascii_uppercase())
        .collect();
    if !(15..=34).contains(&compact.len()) || !compact[..2].iter().all(u8::is_ascii_uppercase) {
        return false;
    }
    let mut rem = 0u32;
    for &b in compact[4..].iter().chain(&compact[..4]) {
        let value = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return false,
        };
        rem = if value >= 10 {
            (rem * 100 + value) % 97
        } else {
            (rem * 10 + value) % 97
        };
    }
    rem == 1
}

/// Luhn checksum and a prefix/length some card network issues.
pub fn card_valid(s: &str) -> bool {
    let digits: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    let n = digits.len();
    if !(12..=19).contains(&n) || digits.iter().all(|d| *d == digits[0]) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                if d * 2 > 9 {
                    d * 2 - 9
                } else {
                    d * 2
                }
            } else {
                d
            }
        })
        .sum();
    if !sum.is_multiple_of(10) {
        return false;
    }
    let prefix = |k: usize| digits[..k].iter().fold(0u32, |a, d| a * 10 + d);
    let (p1, p2, p3, p4) = (prefix(1), prefix(2), prefix(3), prefix(4));
    match p1 {
        4 => matches!(n, 13 | 16 | 19), // Visa
        5 => (51..=55).contains(&p2) && n == 16 || matches!(p4, 5018 | 5020 | 5038 | 5893), // Mastercard, Maestro
        2 => (2221..=2720).contains(&p4) && n == 16 || p4 == 2131 && n == 15, // Mastercard, JCB
        3 => {
            matches!(p2, 34 | 37) && n == 15                                               // Amex
            || (3528..=3589).contains(&p4) && n >= 16                                       // JCB
            || ((300..=305).contains(&p3) || matches!(p2, 36 | 38 | 39)) && n >= 14
        } // Diners
        6 => {
            p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 || p2 == 62                  // Discover, UnionPay
            || matches!(p4, 6304 | 6759 | 6761..=6763)
        } // Maestro
        1 => p4 == 1800 && n == 15,     // JCB
        _ => false,
    }
}

/// A phone cue word within the 40 bytes before `at`.
fn phone_cue_before(text: &str, at: usize) -> bool {
    let mut from = at.saturating_sub(40);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let window = text[from..at].to_lowercase();
    PHONE_CUES.iter().any(|cue| window.contains(cue))
}

/// 7-15 digits (E.164 allows 15, plus an extension), not a date, an SSN or a decimal number. Strong
/// shapes (a `+`, an `(area)`, three or more groups) stand alone; two groups or bare digits (also
/// street numbers, amounts, ids) need a cue word such as "phone" or "tel" just before.
fn phone_plausible(s: &str, cue: impl FnOnce() -> bool) -> bool {
    let main = s.split(['x', 'e']).next().unwrap_or(s).trim_end();
    let groups: Vec<&str> = main
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    let digits: usize = groups.iter().map(|g| g.len()).sum();
    if !(7..=15).contains(&digits) {
        return false;
    }
    let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    // 2024-05-17 (11:30), 17.05.2024, and US social security numbers (123-45-6789).
    let year_first = lens.len() >= 3
        && lens[0] == 4
        && lens[1] <= 2
        && lens[2] <= 2
        && (groups[0].starts_with("19") || groups[0].starts_with("20"));
    let year_last = lens.len() == 3 && lens[0] <= 2 && lens[1] <= 2 && lens[2] == 4;
    let ssn = lens == [3, 2, 4] && main.contains('-');
    // Dot-separated pairs are decimals or versions.
    let dotted_pair = main.contains('.') && !main.contains(' ') && !main.contains('-') && lens.len() < 3;
    if year_first || year_last || ssn || dotted_pair {
        return false;
    }
    let strong = main.starts_with('+') || main.starts_with('(') || lens.len() >= 3;
    strong || cue()
}

impl Stage for Pii {
    fn process(&self, doc: &mut Document) -> Result<Verdict, StageError> {
        let Body::Text(text) = &doc.body else {
            return Ok(Verdict::Keep);
        };
        let (masked, counts) = self.mask(text);
        if counts.iter().any(|c| *c > 0) {
            let mut found = serde_json::Map::new();
            for kind in [
                PiiKind::Email,
                PiiKind::Ip,
                PiiKind::Iban,
                PiiKind::Card,
                PiiKind::Phone,
            ] {
                if counts[kind as usize] > 0 {
                    found.insert(kind.name().into(), counts[kind as usize].into());
                }
            }
            doc.metadata.insert("pii".into(), found.into());
            doc.body = Body::Text(masked);
        }
        Ok(Verdict::Keep)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Characters at and around the patterns' edges: digits, separators, the phone extension's
    /// letters, letters in and out of ASCII (word characters for `\b`), the two that case-fold to
    /// ASCII, `_` (a word character), newlines.
    const STRESS: &[&str] = &[
        "0",
        "1",
        "4",
        "9",
        "12",
        "345",
        "6789",
        " ",
        "-",
        ".",
        "+",
        "(",
        ")",
        "x",
        "e",
        "t",
        "ext.",
        "a",
        "Z",
        "DE",
        "é",
        "\u{212A}",
        "\u{17F}",
        "日",
        "_",
        "\n",
        "@",
        ",",
        "+49 ",
        "(0)",
        "12 34 ",
        " x1",
        "ext.5",
        "DE12",
        "1234 5678 ",
        "k\u{212A}",
        "\u{17F}s",
        "-12",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn windowed_search_finds_what_the_whole_text_search_finds(
            parts in proptest::collection::vec(0..STRESS.len(), 0..80),
        ) {
            let text: String = parts.iter().map(|&i| STRESS[i]).collect();
            for (pattern, alphabet) in [(IBAN, iban_chars as fn(char) -> bool), (CARD, card_chars), (PHONE, phone_chars)] {
                let whole: Vec<(usize, usize)> =
                    Regex::new(pattern).unwrap().find_iter(&text).map(|m| (m.start(), m.end())).collect();
                let windowed = Windowed::new(pattern, alphabet).unwrap().find_iter(&text);
                proptest::prop_assert_eq!(windowed, whole, "{:?}", text);
            }
        }
    }

    fn pii(config: PiiConfig) -> Pii {
        Pii::new(config).unwrap()
    }

    #[test]
    fn replaces_emails_and_public_ips_in_turn_like_datatrove() {
        let p = pii(PiiConfig::datatrove());
        let (out, counts) = p.mask("write a@b.org or c.d@e.co.uk from 8.8.8.8 and 1.1.1.1, not 10.0.0.1");
        assert_eq!(
            out,
            "write email@example.com or firstname.lastname@example.org from 22.214.171.124 and 126.96.36.199, not 10.0.0.1"
        );
        assert_eq!(counts[PiiKind::Email as usize], 2);
        assert_eq!(counts[PiiKind::Ip as usize], 2);
    }

    #[test]
    fn datatrove_settings_leave_phones_cards_and_ibans() {
        let text = "Mail Jane.Doe@Example.com or call 905-674-3793 about 4111-1111-1111-1111";
        assert_eq!(
            pii(PiiConfig::datatrove()).mask(text).0,
            "Mail email@example.com or call 905-674-3793 about 4111-1111-1111-1111"
        );
    }

    #[test]
    fn ip_validation_follows_python_ipaddress() {
        for (ip, counts) in [
            ("8.8.8.8", true),
            ("108.0.0.01", false), // leading zero: Python rejects it
            ("192.168.1.2", false),
            ("172.31.254.254", false),
            ("100.64.0.1", false),
            ("224.0.0.1", true), // multicast is "global" in Python 3.11's table
            ("255.255.255.255", false),
        ] {
            assert_eq!(ip_counts(ip, true), counts, "{ip}");
        }
        assert!(ip_counts("10.0.0.1", false));
    }

    #[test]
    fn ibans_need_a_valid_checksum() {
        assert!(iban_valid("GB82 WEST 1234 5698 7654 32"));
        assert!(iban_valid("gb82west12345698765432"));
        assert!(!iban_valid("GB82WEST12345698765433"));
        let p = pii(PiiConfig::default());
        assert_eq!(
            p.mask("IBAN: DE89 3704 0044 0532 0130 00.").0,
            "IBAN: GB82WEST12345698765432."
        );
        assert_eq!(p.mask("ref DE89370400440532013001").0, "ref DE89370400440532013001");
    }

    #[test]
    fn cards_need_luhn_and_a_known_prefix() {
        let p = pii(PiiConfig::default());
        assert_eq!(p.mask("card 4111-1111-1111-1111 ok").0, "card 4111 1111 1111 1111 ok");
        assert_eq!(p.mask("pay with 378282246310005").1[PiiKind::Card as usize], 1);
        // Luhn-invalid, and Luhn-valid with no network prefix: left alone.
        assert_eq!(p.mask("order 4111111111111112").1[PiiKind::Card as usize], 0);
        assert_eq!(p.mask("id 9999999999999995").1[PiiKind::Card as usize], 0);
    }

    #[test]
    fn phones_need_a_phone_shape() {
        let p = pii(PiiConfig::default());
        for phone in [
            "905-674-3793",
            "+33 6 12 34 56 78",
            "(37) 788-063",
            "07700 063 966",
            "+4915123456789",
        ] {
            let text = format!("call {phone} now");
            assert_eq!(p.mask(&text).0, "call +1-202-555-0100 now", "{phone}");
        }
        for not_phone in [
            "in 2024-05-17 we",
            "pi is 3.14159 and",
            "v1.2.3 released",
            "12345678 units",
            "ISBN978-3-16",
            "at 2000-04-16 11:30",
            "SSN 460-89-9847",
            "lives at 17151 2450 Main St",
        ] {
            assert_eq!(p.mask(not_phone).0, not_phone);
        }
        // Weak shapes count after a cue word.
        assert_eq!(p.mask("Phone: 467 3395").0, "Phone: +1-202-555-0100");
        assert_eq!(p.mask("tel 9498777106").0, "tel +1-202-555-0100");
        assert_eq!(p.mask("call 345-899-3560x4587 now").0, "call +1-202-555-0100 now");
    }

    #[test]
    fn pii_counts_go_into_metadata_and_text_is_rewritten() {
        let stage = pii(PiiConfig::default());
        let mut doc = crate::document::test_doc("Reach me at jo@site.net.");
        assert_eq!(stage.process(&mut doc).unwrap(), Verdict::Keep);
        assert_eq!(doc.text(), Some("Reach me at email@example.com."));
        assert_eq!(doc.metadata["pii"]["email"], 1);
        let mut clean = crate::document::test_doc("Nothing here.");
        stage.process(&mut clean).unwrap();
        assert!(!clean.metadata.contains_key("pii"));
    }
}
