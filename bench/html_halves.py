#!/usr/bin/env python3
"""Development aid for the extractor: tamis vs trafilatura on two fixed halves of every gold set.

Each page goes to the "dev" half when the first byte of md5(page id) is even, else to "test". Rule
changes were looked for on dev-half pages only; both halves are reported, so a change that only fits
the pages it was made on shows up as a dev-only gain. trafilatura's output (the evaluation's options,
see html_eval.py) is computed once and cached in bench/work/html-halves-cache/; tamis is rerun each
time (target/release/tamis, bench/configs/extract.toml).

    bench/.venv/bin/python bench/html_halves.py [aeb,wcxb,trafilatura,cleaning] [N]

N > 0 also lists the N dev-half pages where tamis trails trafilatura most (per-page metric difference).
TAG=name stores tamis's texts in the cache folder as tamis-<set>-<name>.json for comparisons.
"""
import hashlib
import json
import os
import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
import html_eval as H  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench/work/html-data"
CACHE = ROOT / "bench/work/html-halves-cache"
CACHE.mkdir(parents=True, exist_ok=True)

def half(pid):
    return "dev" if int(hashlib.md5(pid.encode()).hexdigest()[:2], 16) % 2 == 0 else "test"

def pages_of(name):
    return H.SETS[name][0](str(DATA))[0]

def traf(name, pages):
    f = CACHE / f"traf-{name}.json"
    if f.exists():
        return json.loads(f.read_text())
    texts, _, _ = H.run_inprocess(H.trafilatura_fn(False), pages, H.trafilatura_reset())
    f.write_text(json.dumps(texts))
    return texts

def tamis(name, pages):
    return H.run_tamis(str(ROOT / "target/release/tamis"), str(ROOT / "bench/configs/extract.toml"), pages,
                       f"/tmp/html-halves-{name}")[0]

def score(name, pages, texts):
    s = H.SETS[name][1](pages, texts)
    return s["all"]["F1"], s

def perpage(name, pg, text):
    text = text or ""
    if name == "aeb":
        c = H.shingle_counts(pg.gold, text)
        p, r, f = H.aeb_prf([c]); return f
    if name == "wcxb":
        return H.word_f1(text, pg.gold["main"])[2]
    if name == "cleaning":
        return H.word_f1(text, pg.gold)[2]
    tp, fp, fn, tn = H.snippet_confusion(pg.gold, text)
    return -(fp + fn)

if __name__ == "__main__":
    sets = sys.argv[1].split(",") if len(sys.argv) > 1 else ["aeb", "wcxb", "trafilatura", "cleaning"]
    show = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    for name in sets:
        pages = pages_of(name)
        tr = traf(name, pages)
        tm = tamis(name, pages)
        if os.environ.get("TAG"):
            (CACHE / f"tamis-{name}-{os.environ['TAG']}.json").write_text(json.dumps(tm))
        line = [name]
        for h in ("dev", "test", None):
            sub = [p for p in pages if h is None or half(p.id) == h]
            a, sa = score(name, sub, tm); b, sb = score(name, sub, tr)
            line.append(f"{h or 'all'}: {a:.4f} vs {b:.4f} ({a-b:+.4f})")
            if h is None and name in ("wcxb", "cleaning"):
                for g in sa:
                    if g != "all":
                        line.append(f"\n   {g}: {sa[g]['F1']:.4f} vs {sb[g]['F1']:.4f}")
        print("  ".join(line), flush=True)
        if show:
            d = [(perpage(name, p, tm.get(p.id)) - perpage(name, p, tr.get(p.id)), p) for p in pages if half(p.id) == "dev"]
            d.sort(key=lambda x: x[0])
            for delta, p in d[:show]:
                print(f"  {delta:+.3f} {p.id} {p.path}")
