#!/usr/bin/env python3
"""Parity of tamis' `c4_quality` stage with datatrove's C4QualityFilter(filter_no_terminal_punct=False).

Runs both on the same English documents and compares the verdict (keep / drop + reason) and, for
documents both keep, the rewritten text. Also compares the sentence count (tamis' annotate-mode
signal vs datatrove's spaCy sentencizer over the kept lines) to locate disagreements.

Needs the bench venv with datatrove 0.10.1 and spaCy (`pip install spacy`), and a release build
(`cargo build --release -p tamis-cli`).

usage: bench/.venv/bin/python bench/c4_parity.py [--tamis target/release/tamis] [--work /tmp/c4_parity]
       [--max-docs N] [--show N] [--sentences] [--all-langs [--stride N]]

--sentences: compare with split_paragraph=False (the "lines" are the text's spaCy sentences).
"""

import argparse
import copy
import glob
import gzip
import json
import lzma
import os
import shutil
import subprocess
import sys
from pathlib import Path

from datatrove.data import Document
from datatrove.pipeline.filters.c4_filters import CITATION_REGEX, C4QualityFilter
from datatrove.utils.text import split_into_sentences

REPO = Path(__file__).resolve().parent.parent
HPLT = "/work/shared/data/hplt-v2-inspection/hplt-v2-inspection-subset.jsonl.xz"
CC = "/work/shared/data/cc-text-samples/*.jsonl.gz"

CONFIG = """[output]
format = "jsonl"
write_removed = true
[[stages]]
type = "c4_quality"
{extra}
"""


def load_docs(max_docs, all_langs=False, stride=1):
    docs = []
    with lzma.open(HPLT, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            r = json.loads(line)
            if (all_langs and i % stride == 0) or r.get("lang") == "eng_Latn":
                docs.append((f"hplt-{i}", r["text"]))
    for path in sorted(glob.glob(CC)):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for i, line in enumerate(f):
                r = json.loads(line)
                docs.append((f"{os.path.basename(path)}-{i}", r["text"]))
    return docs[:max_docs] if max_docs else docs


def datatrove_sentences(f, text):
    """datatrove's num_sentences for the kept lines (the filter does not expose it)."""
    n = 0
    for line in text.splitlines():
        line = line.strip()
        words = line.split()
        if any(len(w) > f.max_word_length for w in words):
            continue
        line = CITATION_REGEX.sub("", line)
        if len(words) < f.min_words_per_line:
            continue
        low = line.lower()
        if "lorem ipsum" in low or "{" in line:
            return n
        if "javascript" in low or any(p in low for p in ("terms of use", "privacy policy", "cookie policy",
                                                         "uses cookies", "use of cookies", "use cookies")):
            continue
        n += len(split_into_sentences(line, "en"))
    return n


def run_tamis(tamis, work, inp, annotate, extra=""):
    out = work / ("out-annotate" if annotate else "out")
    shutil.rmtree(out, ignore_errors=True)
    cfg = work / ("annotate.toml" if annotate else "c4.toml")
    cfg.write_text(CONFIG.format(extra=("annotate = true\n" if annotate else "") + extra))
    subprocess.run([tamis, "run", "-o", str(out), "--threads", "1", "--config", str(cfg), str(inp)],
                   check=True, stdout=subprocess.DEVNULL)
    res = {}
    for kind in ("kept", "removed"):
        for p in sorted((out / kind).glob("*.jsonl")):
            with open(p, encoding="utf-8") as fh:
                for line in fh:
                    r = json.loads(line)
                    res[r["id"]] = (kind, r)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tamis", default=str(REPO / "target/release/tamis"))
    ap.add_argument("--work", default="/tmp/c4_parity")
    ap.add_argument("--max-docs", type=int, default=0)
    ap.add_argument("--show", type=int, default=20)
    ap.add_argument("--sentences", action="store_true")
    ap.add_argument("--all-langs", action="store_true", help="HPLT documents of every language, not only eng_Latn")
    ap.add_argument("--stride", type=int, default=1, help="with --all-langs: every Nth HPLT document (+ all eng_Latn)")
    a = ap.parse_args()
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)

    docs = load_docs(a.max_docs, a.all_langs, a.stride)
    inp = work / "input.jsonl"
    with open(inp, "w", encoding="utf-8") as fh:
        for i, t in docs:
            fh.write(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n")

    f = C4QualityFilter(filter_no_terminal_punct=False, split_paragraph=not a.sentences)
    extra = "split_paragraph = false\n" if a.sentences else ""
    dt = {}
    for i, t in docs:
        d = Document(text=t, id=i)
        r = f.filter(d)
        dt[i] = ("keep", d.text) if r is True else ("drop", r[1])

    tm = run_tamis(a.tamis, work, inp, annotate=False, extra=extra)
    ann = run_tamis(a.tamis, work, inp, annotate=True, extra=extra)

    n = len(docs)
    verdict_ok = text_ok = both_kept = 0
    bad = []
    for i, t in docs:
        kind, rec = tm[i]
        tv = ("keep", rec["text"]) if kind == "kept" else ("drop", rec["metadata"]["removed_by"].split(".", 1)[1])
        d = dt[i]
        if d[0] == tv[0] and (d[0] == "keep" or d[1] == tv[1]):
            verdict_ok += 1
        else:
            bad.append((i, "verdict", d if d[0] == "drop" else ("keep",), tv if tv[0] == "drop" else ("keep",)))
        if d[0] == "keep" and tv[0] == "keep":
            both_kept += 1
            if d[1] == tv[1]:
                text_ok += 1
            else:
                bad.append((i, "text", None, None))
    sent_ok = 0
    sent_bad = []
    for i, t in docs if not a.sentences else []:
        ts = ann[i][1]["metadata"]["signals"]["c4_quality"]["sentences"]
        ds = datatrove_sentences(f, t)
        if ts == ds:
            sent_ok += 1
        else:
            sent_bad.append((i, ds, ts))

    print(f"documents: {n} (HPLT v2 {'all languages' if a.all_langs else 'eng_Latn'} + cc-text-samples)")
    print(f"verdict agreement: {verdict_ok}/{n} = {100 * verdict_ok / n:.2f} %")
    print(f"text agreement (both kept): {text_ok}/{both_kept} = {100 * text_ok / max(both_kept, 1):.2f} %")
    if not a.sentences:
        print(f"sentence-count agreement: {sent_ok}/{n} = {100 * sent_ok / n:.2f} %")
    kept_dt = sum(1 for v in dt.values() if v[0] == "keep")
    print(f"datatrove kept {kept_dt}, tamis kept {sum(1 for v in tm.values() if v[0] == 'kept')}")
    for i, what, d, t in bad[: a.show]:
        print(f"  {what:8} {i}: datatrove {d} tamis {t}")
    for i, ds, ts in sent_bad[: a.show]:
        print(f"  sentences {i}: datatrove {ds} tamis {ts}")
    json.dump({"disagreements": bad, "sentences": sent_bad}, open(work / "disagreements.json", "w"), indent=1)
    return 0 if verdict_ok == n and text_ok == both_kept else 1


if __name__ == "__main__":
    sys.exit(main())
