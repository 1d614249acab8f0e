"""Shared helpers for the HTML gold sets in ../shared/data: page decoding, whole-page text, and the
gold parsers of html-cleaning-merged's sub-sets (used by furniture_eval.py and html_eval.py).

Gold formats (html-cleaning-merged/<set>/GoldStandard/<id>.txt):
  cleaneval-dev, CleanPortalEval-master  CleanEval format: "URL:" line, blocks opened by <p>/<h>/<l>
  dragnet_data                           article text, then user comments after a "!@#$%^&*() COMMENTS" marker
  page-signal-master                     L3S-GN1: the annotated page, text in <span class="x-nc-selN">
  readability                            Mozilla Readability's expected output HTML
"""
import html as htmllib
import os
import platform
import re

WS = re.compile(r"\s+")


def decode_html(b):
    """bytes -> str: valid UTF-8 as UTF-8 (some archived pages were re-saved as UTF-8 but kept a
    stale <meta charset=iso-8859-1/windows-125x>: 20 wcxb, 131 html-cleaning-merged pages); else the
    <meta> charset, else uchardet (resiliparse detect_encoding + bytes_to_str, errors=replace);
    without resiliparse: <meta> charset, else utf-8 with errors=replace"""
    try:
        return b.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        pass
    try:
        from resiliparse.parse.encoding import detect_encoding, bytes_to_str
        return bytes_to_str(b, detect_encoding(b, from_html_meta=True), errors="replace")
    except ImportError:
        m = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", b[:4096], re.I)
        try:
            return b.decode(m.group(1).decode("ascii") if m else "utf-8", errors="replace")
        except LookupError:
            return b.decode("utf-8", errors="replace")


def page_text(html):
    from resiliparse.extract.html2text import extract_plain_text
    return extract_plain_text(html, preserve_formatting=True, main_content=False)


def clean_text(t):
    return "\n".join(l.rstrip() for l in t.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


CLEANEVAL_SETS = ["cleaneval-dev", "CleanPortalEval-master", "dragnet_data", "page-signal-master", "readability"]
COMMENTS_MARK = re.compile(r"^\s*!.{0,12}\s*COMMENTS\s*$", re.M)
CE_TAG = re.compile(r"<(?:p|h|l)>", re.I)


def gold_cleaneval(raw):
    """CleanEval format: 'URL: …' line, then blocks opened by <p>, <h>, <l> (lines hard-wrapped)"""
    t = clean_text(raw)
    t = re.sub(r"^\s*URL:[^\n]*\n", "", t, count=1)
    blocks = [htmllib.unescape(WS.sub(" ", b)).strip() for b in CE_TAG.split(t)]
    blocks = [b for b in blocks if b]
    return "\n".join(blocks), blocks, ""


def gold_dragnet(raw):
    t = clean_text(raw)
    m = COMMENTS_MARK.search(t)
    body, comments = (t[:m.start()], t[m.end():]) if m else (t, "")
    return body, body.split("\n"), comments


def gold_page_signal(raw):
    """L3S-GN1: the page with text wrapped in <span class="x-nc-selN">: 1 headline, 2 full text,
    3 supplemental, 4 related content, 5 user comments, 0 not content (spans nest: the innermost counts)"""
    from html.parser import HTMLParser

    class P(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.spans, self.skip = [], 0
            self.parts = {"main": [], "neither": []}

        def handle_starttag(self, tag, attrs):
            if tag == "span":
                m = re.search(r"x-nc-sel(\d)", dict(attrs).get("class") or "")
                self.spans.append(int(m.group(1)) if m else None)
            elif tag in ("script", "style"):
                self.skip += 1
            elif tag in ("br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"):
                for v in self.parts.values():
                    v.append("\n")

        def handle_endtag(self, tag):
            if tag == "span" and self.spans:
                self.spans.pop()
            elif tag in ("script", "style") and self.skip:
                self.skip -= 1

        def handle_data(self, x):
            if self.skip:
                return
            sel = next((v for v in reversed(self.spans) if v is not None), 0)
            for k, keep in (("main", sel in (1, 2)), ("neither", sel in (3, 5))):
                self.parts[k].append(x if keep else (" " if not x.strip() else "\n"))

    p = P()
    p.feed(raw)
    p.close()
    main = "".join(p.parts["main"])
    return main, main.split("\n"), "".join(p.parts["neither"])


def gold_readability(raw):
    t = clean_text(page_text(raw))
    return t, t.split("\n"), ""


def bytes_to_text(b):
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return b.decode("cp1252", errors="replace")


def machine():
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu}".strip(", ")


GOLD_PARSERS = {"cleaneval-dev": gold_cleaneval, "CleanPortalEval-master": gold_cleaneval,
                "dragnet_data": gold_dragnet, "page-signal-master": gold_page_signal,
                "readability": gold_readability}


def cleaning_pairs(base):
    """(sub-set, page path, gold path or None when it is missing) of every page of html-cleaning-merged,
    unpacked at `base` (a Path)"""
    for sub in CLEANEVAL_SETS:
        for hp in sorted((base / sub / "input").glob("*.html")):
            gp = base / sub / "GoldStandard" / (hp.stem + ".txt")
            yield sub, hp, (gp if gp.exists() else None)


def cleaning_gold(sub, graw):
    """Gold of one html-cleaning-merged page from its GoldStandard bytes -> (gold text, gold lines or
    blocks, text that is neither article nor furniture, the decoded gold file). The two sets whose gold
    is HTML are decoded like pages; the plain-text golds are UTF-8, else Windows-1252."""
    gtxt = decode_html(graw) if sub in ("page-signal-master", "readability") else bytes_to_text(graw)
    gold, glines, neither = GOLD_PARSERS[sub](gtxt)
    return gold, glines, neither, gtxt
