#!/usr/bin/env python3
"""Print the character-class range tables used by tamis' spaCy-tokenizer approximation
(crates/tamis/src/filters/c4_quality.rs): spaCy's ALPHA_LOWER, ALPHA_UPPER and the LIST_ICONS class,
as sorted inclusive code-point ranges. Needs spaCy (facts read from spacy/lang/char_classes.py).

usage: bench/.venv/bin/python bench/gen_spacy_tables.py
"""
import re

import spacy
from spacy.lang import char_classes as cc


def ranges(cls):
    r = re.compile("[" + cls + "]")
    out, start, prev = [], None, None
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        if r.match(chr(c)):
            if start is None:
                start = c
            elif c != prev + 1:
                out.append((start, prev))
                start = c
            prev = c
    if start is not None:
        out.append((start, prev))
    return out


def emit(name, rs):
    print(f"/// spaCy {spacy.__version__} `{name}` as inclusive ranges.")
    print(f"const {name}: &[(char, char)] = &[")
    line = "   "
    for a, b in rs:
        item = f" ('\\u{{{a:x}}}', '\\u{{{b:x}}}'),"
        if len(line) + len(item) > 110:
            print(line)
            line = "   "
        line += item
    print(line)
    print("];")


emit("SPACY_ALPHA_LOWER", ranges(cc.ALPHA_LOWER))
emit("SPACY_ALPHA_UPPER", ranges(cc.ALPHA_UPPER))
emit("SPACY_ICONS", ranges(cc.LIST_ICONS[0][1:-1]))
