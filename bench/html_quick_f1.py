#!/usr/bin/env python3
"""Quick quality check of tamis's HTML extraction (a development aid, not the official bench).

Reads the JSONL of `cargo run --release -p tamis --example html_bench -- dump DIR` and prints
AEB 4-gram shingle F1 (scrapinghub/article-extraction-benchmark `evaluate.py` rules: per-page
shingle-count P/R averaged, F1 of the means) or WCXB word F1 (macro over pages, per page type,
Murrough-Foley/web-content-extraction-benchmark `evaluate.py` rules).

    python3 bench/html_quick_f1.py aeb  DUMP.jsonl /work/shared/data/scrapinghub-aeb
    python3 bench/html_quick_f1.py wcxb DUMP.jsonl UNPACKED/wcxb
    python3 bench/html_quick_f1.py trafeval DUMP.jsonl UNPACKED/trafilatura-eval
"""
import json
import re
import sys
from collections import Counter, defaultdict


def shingles(text, n=4):
    toks = re.findall(r"\w+", text or "", re.UNICODE)
    if len(toks) < n:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))


def aeb(dump, root):
    gold = json.load(open(f"{root}/ground-truth.json"))
    pred = {}
    for line in open(dump):
        d = json.loads(line)
        pred[d["file"].split(".")[0]] = d["text"]
    ps, rs = [], []
    for key, g in gold.items():
        gs, es = shingles(g["articleBody"]), shingles(pred.get(key, ""))
        tp = sum((gs & es).values())
        fp = sum(es.values()) - tp
        fn = sum(gs.values()) - tp
        if fp == fn == 0:
            p = r = 1.0
        else:
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
        ps.append(p)
        rs.append(r)
    p, r = sum(ps) / len(ps), sum(rs) / len(rs)
    print(f"AEB pages={len(ps)} P={p:.3f} R={r:.3f} F1={2 * p * r / (p + r):.3f}")


def words(t):
    return re.findall(r"\w+", (t or "").lower())


def word_f1(pred, ref):
    p, r = words(pred), words(ref)
    if not r:
        return 1.0 if not p else 0.0
    if not p:
        return 0.0
    overlap = sum((Counter(p) & Counter(r)).values())
    if overlap == 0:
        return 0.0
    prec, rec = overlap / len(p), overlap / len(r)
    return 2 * prec * rec / (prec + rec)


def wcxb(dump, root):
    meta = json.load(open(f"{root}/metadata.json"))
    types = {}
    items = meta if isinstance(meta, list) else meta.get("files", meta)
    if isinstance(items, dict):
        items = [dict(v, file_id=k) for k, v in items.items()]
    for m in items:
        fid = str(m.get("file_id") or m.get("id") or "")
        types[fid] = "collection" if m.get("page_type") == "category" else m.get("page_type", "?")
    scores = defaultdict(list)
    for line in open(dump):
        d = json.loads(line)
        fid = d["file"].split(".")[0]
        g = json.load(open(f"{root}/dev/ground-truth/{fid}.json"))["ground_truth"].get("main_content") or ""
        f = word_f1(d["text"], g)
        scores["all"].append(f)
        scores[types.get(fid, "?")].append(f)
    for k in sorted(scores, key=lambda k: (k != "all", k)):
        v = scores[k]
        print(f"WCXB {k:14s} n={len(v):5d} F1={sum(v) / len(v):.3f}")




def trafeval(dump, root):
    """trafilatura's snippet evaluation (adbar/trafilatura tests/eval_common.py rules)."""
    import unicodedata
    data = json.load(open(f"{root}/evaldata.json"))
    pred = {}
    for line in open(dump):
        d = json.loads(line)
        pred[unicodedata.normalize("NFC", d["file"])] = d["text"]
    tp = fn = fp = tn = 0
    norm = lambda s: re.sub(r"\s+", " ", s or "").strip()
    for url, item in data.items():
        text = norm(pred.get(unicodedata.normalize("NFC", item["file"]), ""))
        for s in item.get("with") or []:
            if norm(s) in text:
                tp += 1
            else:
                fn += 1
        for s in item.get("without") or []:
            if norm(s) in text:
                fp += 1
            else:
                tn += 1
    p, r = tp / (tp + fp), tp / (tp + fn)
    print(f"trafilatura-eval docs={len(data)} P={p:.3f} R={r:.3f} acc={(tp + tn) / (tp + tn + fp + fn):.3f} F1={2 * tp / (2 * tp + fp + fn):.3f}")


if __name__ == "__main__":
    {"aeb": aeb, "wcxb": wcxb, "trafeval": trafeval}[sys.argv[1]](sys.argv[2], sys.argv[3])
