//! Interned tag ids and their parsing/layout categories.
//!
//! Known tag names map to fixed ids (generated list below); any other name gets a per-document id
//! from [`FIRST_UNKNOWN`] up (see `tree.rs`). Unknown elements are inline and not "special".

/// A tag id. `TEXT` and `DOCUMENT` are node kinds, not tags.
pub type Tag = u16;

// Generated list of known tag ids (see tree.rs); unknown names get ids from FIRST_UNKNOWN up.
pub const TEXT: Tag = 0;
pub const DOCUMENT: Tag = 1;
pub const HTML: Tag = 2;
pub const HEAD: Tag = 3;
pub const BODY: Tag = 4;
pub const TITLE: Tag = 5;
pub const META: Tag = 6;
pub const LINK: Tag = 7;
pub const BASE: Tag = 8;
pub const STYLE: Tag = 9;
pub const SCRIPT: Tag = 10;
pub const NOSCRIPT: Tag = 11;
pub const TEMPLATE: Tag = 12;
pub const IFRAME: Tag = 13;
pub const FRAME: Tag = 14;
pub const FRAMESET: Tag = 15;
pub const OBJECT: Tag = 16;
pub const EMBED: Tag = 17;
pub const APPLET: Tag = 18;
pub const PARAM: Tag = 19;
pub const NOEMBED: Tag = 20;
pub const NOFRAMES: Tag = 21;
pub const TEXTAREA: Tag = 22;
pub const XMP: Tag = 23;
pub const PLAINTEXT: Tag = 24;
pub const SELECT: Tag = 25;
pub const OPTION: Tag = 26;
pub const OPTGROUP: Tag = 27;
pub const INPUT: Tag = 28;
pub const BUTTON: Tag = 29;
pub const LABEL: Tag = 30;
pub const FORM: Tag = 31;
pub const FIELDSET: Tag = 32;
pub const LEGEND: Tag = 33;
pub const DATALIST: Tag = 34;
pub const OUTPUT: Tag = 35;
pub const PROGRESS: Tag = 36;
pub const METER: Tag = 37;
pub const KEYGEN: Tag = 38;
pub const CANVAS: Tag = 39;
pub const SVG: Tag = 40;
pub const MATH: Tag = 41;
pub const IMG: Tag = 42;
pub const PICTURE: Tag = 43;
pub const SOURCE: Tag = 44;
pub const TRACK: Tag = 45;
pub const VIDEO: Tag = 46;
pub const AUDIO: Tag = 47;
pub const MAP: Tag = 48;
pub const AREA: Tag = 49;
pub const BR: Tag = 50;
pub const WBR: Tag = 51;
pub const HR: Tag = 52;
pub const P: Tag = 53;
pub const DIV: Tag = 54;
pub const SPAN: Tag = 55;
pub const A: Tag = 56;
pub const B: Tag = 57;
pub const I: Tag = 58;
pub const U: Tag = 59;
pub const S: Tag = 60;
pub const EM: Tag = 61;
pub const STRONG: Tag = 62;
pub const SMALL: Tag = 63;
pub const BIG: Tag = 64;
pub const FONT: Tag = 65;
pub const CODE: Tag = 66;
pub const PRE: Tag = 67;
pub const KBD: Tag = 68;
pub const SAMP: Tag = 69;
pub const VAR: Tag = 70;
pub const TT: Tag = 71;
pub const Q: Tag = 72;
pub const CITE: Tag = 73;
pub const ABBR: Tag = 74;
pub const DFN: Tag = 75;
pub const TIME: Tag = 76;
pub const MARK: Tag = 77;
pub const SUB: Tag = 78;
pub const SUP: Tag = 79;
pub const DEL: Tag = 80;
pub const INS: Tag = 81;
pub const STRIKE: Tag = 82;
pub const BLOCKQUOTE: Tag = 83;
pub const ADDRESS: Tag = 84;
pub const ARTICLE: Tag = 85;
pub const ASIDE: Tag = 86;
pub const FOOTER: Tag = 87;
pub const HEADER: Tag = 88;
pub const HGROUP: Tag = 89;
pub const MAIN: Tag = 90;
pub const NAV: Tag = 91;
pub const SECTION: Tag = 92;
pub const FIGURE: Tag = 93;
pub const FIGCAPTION: Tag = 94;
pub const DETAILS: Tag = 95;
pub const SUMMARY: Tag = 96;
pub const DIALOG: Tag = 97;
pub const MENU: Tag = 98;
pub const DIR: Tag = 99;
pub const CENTER: Tag = 100;
pub const H1: Tag = 101;
pub const H2: Tag = 102;
pub const H3: Tag = 103;
pub const H4: Tag = 104;
pub const H5: Tag = 105;
pub const H6: Tag = 106;
pub const UL: Tag = 107;
pub const OL: Tag = 108;
pub const LI: Tag = 109;
pub const DL: Tag = 110;
pub const DT: Tag = 111;
pub const DD: Tag = 112;
pub const TABLE: Tag = 113;
pub const CAPTION: Tag = 114;
pub const COLGROUP: Tag = 115;
pub const COL: Tag = 116;
pub const THEAD: Tag = 117;
pub const TBODY: Tag = 118;
pub const TFOOT: Tag = 119;
pub const TR: Tag = 120;
pub const TD: Tag = 121;
pub const TH: Tag = 122;
pub const MARQUEE: Tag = 123;
pub const LISTING: Tag = 124;
pub const RUBY: Tag = 125;
pub const RB: Tag = 126;
pub const RT: Tag = 127;
pub const RP: Tag = 128;
pub const RTC: Tag = 129;
pub const NOBR: Tag = 130;
pub const BDI: Tag = 131;
pub const BDO: Tag = 132;
pub const DATA: Tag = 133;
pub const IMAGE: Tag = 134;
pub const SEARCH: Tag = 135;
pub const FOREIGNOBJECT: Tag = 136;
pub const DESC: Tag = 137;
/// The first id given to an unknown tag name (per document).
pub const FIRST_UNKNOWN: Tag = 138;
/// Names of the known tags, indexed by id.
pub static NAMES: [&str; 138] = [
    "#text",
    "#document",
    "html",
    "head",
    "body",
    "title",
    "meta",
    "link",
    "base",
    "style",
    "script",
    "noscript",
    "template",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "param",
    "noembed",
    "noframes",
    "textarea",
    "xmp",
    "plaintext",
    "select",
    "option",
    "optgroup",
    "input",
    "button",
    "label",
    "form",
    "fieldset",
    "legend",
    "datalist",
    "output",
    "progress",
    "meter",
    "keygen",
    "canvas",
    "svg",
    "math",
    "img",
    "picture",
    "source",
    "track",
    "video",
    "audio",
    "map",
    "area",
    "br",
    "wbr",
    "hr",
    "p",
    "div",
    "span",
    "a",
    "b",
    "i",
    "u",
    "s",
    "em",
    "strong",
    "small",
    "big",
    "font",
    "code",
    "pre",
    "kbd",
    "samp",
    "var",
    "tt",
    "q",
    "cite",
    "abbr",
    "dfn",
    "time",
    "mark",
    "sub",
    "sup",
    "del",
    "ins",
    "strike",
    "blockquote",
    "address",
    "article",
    "aside",
    "footer",
    "header",
    "hgroup",
    "main",
    "nav",
    "section",
    "figure",
    "figcaption",
    "details",
    "summary",
    "dialog",
    "menu",
    "dir",
    "center",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "caption",
    "colgroup",
    "col",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "marquee",
    "listing",
    "ruby",
    "rb",
    "rt",
    "rp",
    "rtc",
    "nobr",
    "bdi",
    "bdo",
    "data",
    "image",
    "search",
    "foreignobject",
    "desc",
];
/// The id of a known lower-case tag name.
pub fn lookup(name: &str) -> Option<Tag> {
    Some(match name {
        "html" => HTML,
        "head" => HEAD,
        "body" => BODY,
        "title" => TITLE,
        "meta" => META,
        "link" => LINK,
        "base" => BASE,
        "style" => STYLE,
        "script" => SCRIPT,
        "noscript" => NOSCRIPT,
        "template" => TEMPLATE,
        "iframe" => IFRAME,
        "frame" => FRAME,
        "frameset" => FRAMESET,
        "object" => OBJECT,
        "embed" => EMBED,
        "applet" => APPLET,
        "param" => PARAM,
        "noembed" => NOEMBED,
        "noframes" => NOFRAMES,
        "textarea" => TEXTAREA,
        "xmp" => XMP,
        "plaintext" => PLAINTEXT,
        "select" => SELECT,
        "option" => OPTION,
        "optgroup" => OPTGROUP,
        "input" => INPUT,
        "button" => BUTTON,
        "label" => LABEL,
        "form" => FORM,
        "fieldset" => FIELDSET,
        "legend" => LEGEND,
        "datalist" => DATALIST,
        "output" => OUTPUT,
        "progress" => PROGRESS,
        "meter" => METER,
        "keygen" => KEYGEN,
        "canvas" => CANVAS,
        "svg" => SVG,
        "math" => MATH,
        "img" => IMG,
        "picture" => PICTURE,
        "source" => SOURCE,
        "track" => TRACK,
        "video" => VIDEO,
        "audio" => AUDIO,
        "map" => MAP,
        "area" => AREA,
        "br" => BR,
        "wbr" => WBR,
        "hr" => HR,
        "p" => P,
        "div" => DIV,
        "span" => SPAN,
        "a" => A,
        "b" => B,
        "i" => I,
        "u" => U,
        "s" => S,
        "em" => EM,
        "strong" => STRONG,
        "small" => SMALL,
        "big" => BIG,
        "font" => FONT,
        "code" => CODE,
        "pre" => PRE,
        "kbd" => KBD,
        "samp" => SAMP,
        "var" => VAR,
        "tt" => TT,
        "q" => Q,
        "cite" => CITE,
        "abbr" => ABBR,
        "dfn" => DFN,
        "time" => TIME,
        "mark" => MARK,
        "sub" => SUB,
        "sup" => SUP,
        "del" => DEL,
        "ins" => INS,
        "strike" => STRIKE,
        "blockquote" => BLOCKQUOTE,
        "address" => ADDRESS,
        "article" => ARTICLE,
        "aside" => ASIDE,
        "footer" => FOOTER,
        "header" => HEADER,
        "hgroup" => HGROUP,
        "main" => MAIN,
        "nav" => NAV,
        "section" => SECTION,
        "figure" => FIGURE,
        "figcaption" => FIGCAPTION,
        "details" => DETAILS,
        "summary" => SUMMARY,
        "dialog" => DIALOG,
        "menu" => MENU,
        "dir" => DIR,
        "center" => CENTER,
        "h1" => H1,
        "h2" => H2,
        "h3" => H3,
        "h4" => H4,
        "h5" => H5,
        "h6" => H6,
        "ul" => UL,
        "ol" => OL,
        "li" => LI,
        "dl" => DL,
        "dt" => DT,
        "dd" => DD,
        "table" => TABLE,
        "caption" => CAPTION,
        "colgroup" => COLGROUP,
        "col" => COL,
        "thead" => THEAD,
        "tbody" => TBODY,
        "tfoot" => TFOOT,
        "tr" => TR,
        "td" => TD,
        "th" => TH,
        "marquee" => MARQUEE,
        "listing" => LISTING,
        "ruby" => RUBY,
        "rb" => RB,
        "rt" => RT,
        "rp" => RP,
        "rtc" => RTC,
        "nobr" => NOBR,
        "bdi" => BDI,
        "bdo" => BDO,
        "data" => DATA,
        "image" => IMAGE,
        "search" => SEARCH,
        "foreignobject" => FOREIGNOBJECT,
        "desc" => DESC,
        _ => return None,
    })
}

/// No children (the tree builder never pushes them).
pub const VOID: u16 = 1;
/// A start tag that closes an open `<p>` (in button scope).
pub const CLOSES_P: u16 = 1 << 1;
/// The spec's "special" category: an end tag of an ordinary element does not cross them.
pub const SPECIAL: u16 = 1 << 2;
/// Default-scope boundary: end-tag searches for block elements stop here.
pub const SCOPE: u16 = 1 << 3;
/// May stay in `<head>`; any other start tag closes an open head.
pub const HEAD_CONTENT: u16 = 1 << 4;
/// An HTML start tag that breaks out of foreign (svg/math) content.
pub const BREAKOUT: u16 = 1 << 5;
/// A block for text layout: its text starts and ends a line.
pub const BLOCK: u16 = 1 << 6;

/// The category bits of `tag` (0 for unknown tags).
pub fn flags(tag: Tag) -> u16 {
    const HEADING: u16 = CLOSES_P | SPECIAL | BREAKOUT | BLOCK;
    match tag {
        AREA | BASE | COL | EMBED | IMG | INPUT | LINK | META | PARAM | SOURCE | TRACK | WBR | KEYGEN | FRAME
        | IMAGE => {
            let mut f = VOID | SPECIAL;
            if matches!(tag, BASE | LINK | META) {
                f |= HEAD_CONTENT;
            }
            if matches!(tag, EMBED | IMG | META) {
                f |= BREAKOUT;
            }
            f
        }
        BR => VOID | SPECIAL | BREAKOUT,
        HR => VOID | SPECIAL | CLOSES_P | BREAKOUT | BLOCK,
        H1 | H2 | H3 | H4 | H5 | H6 => HEADING,
        P | DIV | UL | OL | DL | BLOCKQUOTE | CENTER | MENU | PRE | LISTING => CLOSES_P | SPECIAL | BREAKOUT | BLOCK,
        ADDRESS | ARTICLE | ASIDE | DETAILS | DIALOG | DIR | FIELDSET | FIGCAPTION | FIGURE | FOOTER | FORM
        | HEADER | HGROUP | MAIN | NAV | SECTION | SUMMARY | SEARCH => CLOSES_P | SPECIAL | BLOCK,
        TABLE => CLOSES_P | SPECIAL | SCOPE | BREAKOUT | BLOCK,
        XMP | PLAINTEXT => CLOSES_P | SPECIAL | BLOCK,
        LI | DD | DT => SPECIAL | BREAKOUT | BLOCK,
        TD | TH | CAPTION => SPECIAL | SCOPE | BLOCK,
        TR | TBODY | THEAD | TFOOT => SPECIAL | BLOCK,
        HTML => SPECIAL | SCOPE | BLOCK,
        BODY => SPECIAL | BREAKOUT | BLOCK,
        HEAD => SPECIAL | BREAKOUT,
        TITLE | STYLE | SCRIPT | NOSCRIPT | TEMPLATE => {
            let f = SPECIAL | HEAD_CONTENT;
            if tag == TEMPLATE {
                f | SCOPE
            } else {
                f
            }
        }
        APPLET | MARQUEE | OBJECT => SPECIAL | SCOPE,
        FOREIGNOBJECT | DESC => SCOPE,
        BUTTON | COLGROUP | FRAMESET | IFRAME | NOEMBED | NOFRAMES | SELECT | TEXTAREA => SPECIAL,
        LEGEND | OPTION => BLOCK,
        B | BIG | CODE | EM | I | NOBR | RUBY | S | SMALL | SPAN | STRONG | STRIKE | SUB | SUP | TT | U | VAR => {
            BREAKOUT
        }
        _ => 0,
    }
}

/// Whether `tag` has the category bit(s) `f`.
pub fn is(tag: Tag, f: u16) -> bool {
    flags(tag) & f != 0
}

/// `h1`–`h6`.
pub fn is_heading(tag: Tag) -> bool {
    (H1..=H6).contains(&tag)
}
