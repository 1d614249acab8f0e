#!/usr/bin/env python3
"""FineWeb's filter chain, datatrove against tamis, on the same documents, one core each.

Chain (datatrove examples/fineweb.py order): GopherRepetitionFilter -> GopherQualityFilter ->
C4QualityFilter(filter_no_terminal_punct=False) -> FineWebQualityFilter, all with their defaults.
A document goes to the next filter only if the previous one kept it, as in a datatrove pipeline.

Reports: docs/s and MB/s of each, the speed ratio, and the agreement of the final outcome per
document (kept, or the first filter's reason) with the list of disagreements.

datatrove is timed on the filter calls only (its reading and writing are not counted); tamis is timed
as the whole `tamis run --threads 1` process (reading JSONL, the chain, writing JSONL). Both pinned to
CPU 0 with taskset when available.

    bench/.venv/bin/python bench/quality_chain.py [--docs N] [--lang en] [--write]
"""
import argparse
import gzip
import json
import lzma
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
HPLT_LANG = {"en": "eng_Latn", "fr": "fra_Latn", "de": "deu_Latn", "ru": "rus_Cyrl"}


def load_docs(lang, limit):
    docs = []
    with lzma.open(DATA / "hplt-v2-inspection" / "hplt-v2-inspection-subset.jsonl.xz", "rt") as f:
        for line in f:
            d = json.loads(line)
            if d["lang"] == HPLT_LANG[lang]:
                docs.append({"id": f"hplt-{d['id']}", "text": d["text"]})
    if lang == "en":
        for p in sorted((DATA / "cc-text-samples").glob("*.jsonl.gz")):
            with gzip.open(p, "rt") as f:
                for i, line in enumerate(f):
                    d = json.loads(line)
                    text = d.get("text") or d.get("raw_content") or ""
                    lang_meta = (d.get("metadata") or {}).get("language", "en")
                    if text and lang_meta == "en":
                        docs.append({"id": f"{p.stem}-{i}", "text": text})
    return docs[:limit]


def pin():
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})


def run_datatrove(docs, lang):
    from datatrove.data import Document
    from datatrove.pipeline.filters import (
        C4QualityFilter,
        FineWebQualityFilter,
        GopherQualityFilter,
        GopherRepetitionFilter,
    )

    chain = [
        ("gopher_repetition", GopherRepetitionFilter(language=lang)),
        ("gopher_quality", GopherQualityFilter(language=lang)),
        ("c4_quality", C4QualityFilter(filter_no_terminal_punct=False, language=lang)),
        ("fineweb_quality", FineWebQualityFilter(language=lang)),
    ]
    # Warm the tokenizer (spaCy model load) outside the timing.
    for _, f in chain:
        f.filter(Document(text="Warm up sentence one. Warm up sentence two.", id="w"))
    outcome = {}
    texts = {}
    start = time.perf_counter()
    for d in docs:
        doc = Document(text=d["text"], id=d["id"])
        verdict = "kept"
        for name, f in chain:
            r = f.filter(doc)
            ok, reason = (r, None) if isinstance(r, bool) else r
            if not ok:
                verdict = f"{name}.{reason}"
                break
        outcome[d["id"]] = verdict
        texts[d["id"]] = doc.text
    return outcome, texts, time.perf_counter() - start


def run_tamis(docs, lang, binary, work, repeat):
    # tamis runs `repeat` copies of the documents (ids suffixed) so that its time is not dominated by
    # process start-up; throughput is compared per document.
    inp = work / "in.jsonl"
    with open(inp, "w") as f:
        for r in range(repeat):
            for d in docs:
                doc = d if r == 0 else {"id": f"{d['id']}#copy{r}", "text": d["text"]}
                f.write(json.dumps(doc, ensure_ascii=False) + "\n")
    cfg = work / "chain.toml"
    cfg.write_text(
        "[output]\nformat = \"jsonl\"\nwrite_removed = true\n"
        + "".join(
            f"[[stages]]\ntype = \"{t}\"\nlanguage = \"{lang}\"\nper_language = false\n"
            for t in ["gopher_repetition", "gopher_quality"]
        )
        + f"[[stages]]\ntype = \"c4_quality\"\nlanguage = \"{lang}\"\n"
        + f"[[stages]]\ntype = \"fineweb_quality\"\nlanguage = \"{lang}\"\nper_language = false\n"
    )
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [str(binary), "run", "-o", str(out), "--threads", "1", "--config", str(cfg), str(inp)]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0"] + cmd
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    outcome, texts = {}, {}
    for part in ("kept", "removed"):
        for p in sorted((out / part).glob("*.jsonl")):
            for line in open(p):
                d = json.loads(line)
                outcome[d["id"]] = d["metadata"].get("removed_by", "kept")
                texts[d["id"]] = d["text"]
    stages = json.load(open(out / "report.json"))["stages"]
    per_stage = {st["name"]: st["seconds"] for st in stages}
    return outcome, texts, seconds, per_stage


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--lang", default="en", choices=sorted(HPLT_LANG))
    ap.add_argument("--tamis-repeat", type=int, default=20, help="copies of the documents tamis runs")
    ap.add_argument("--binary", default=str(ROOT / "target" / "release" / "tamis"))
    ap.add_argument("--write", action="store_true", help="append the result to bench/results/quality-chain.md")
    args = ap.parse_args()

    docs = load_docs(args.lang, args.docs)
    mb = sum(len(d["text"].encode()) for d in docs) / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        t_out, t_text, t_sec, t_stages = run_tamis(docs, args.lang, Path(args.binary), Path(tmp), args.tamis_repeat)
    pin()
    d_out, d_text, d_sec = run_datatrove(docs, args.lang)

    same = sum(1 for d in docs if t_out.get(d["id"]) == d_out[d["id"]])
    same_kept = sum(1 for d in docs if (t_out.get(d["id"]) == "kept") == (d_out[d["id"]] == "kept"))
    text_same = sum(
        1 for d in docs if d_out[d["id"]] == "kept" and t_out.get(d["id"]) == "kept" and t_text[d["id"]] == d_text[d["id"]]
    )
    both_kept = sum(1 for d in docs if d_out[d["id"]] == "kept" and t_out.get(d["id"]) == "kept")
    n = len(docs)
    tn = n * args.tamis_repeat
    lines = [
        f"## {time.strftime('%Y-%m-%d')} — {args.lang}, {n} docs ({mb:.1f} MB), {platform.node()}",
        "",
        f"`bench/.venv/bin/python bench/quality_chain.py --docs {args.docs} --lang {args.lang} --tamis-repeat {args.tamis_repeat}`",
        "",
        "| | seconds | docs/s | MB/s |",
        "|---|---|---|---|",
        f"| datatrove 4-filter chain (filter calls only) | {d_sec:.2f} | {n / d_sec:.0f} | {mb / d_sec:.2f} |",
        f"| tamis run --threads 1 (whole process, {args.tamis_repeat} copies) | {t_sec:.2f} | {tn / t_sec:.0f} | {mb * args.tamis_repeat / t_sec:.2f} |",
        "",
        f"Speed ratio tamis/datatrove (documents per second): **{(tn / t_sec) / (n / d_sec):.1f}×**",
        "",
        "tamis seconds per stage (inside the stage, all copies): "
        + ", ".join(f"{k} {v:.2f}" for k, v in t_stages.items() if k != "read"),
        "",
        f"Same outcome (kept, or the same first `filter.reason`): {same}/{n} = {100 * same / n:.2f} %; "
        f"same kept/removed decision: {same_kept}/{n} = {100 * same_kept / n:.2f} %; "
        f"identical text of documents both kept: {text_same}/{both_kept}",
        "",
    ]
    diffs = [(d["id"], d_out[d["id"]], t_out.get(d["id"])) for d in docs if t_out.get(d["id"]) != d_out[d["id"]]]
    if diffs:
        lines.append("Disagreements (id, datatrove, tamis), first 30:")
        lines.append("")
        lines += [f"- `{i}`: {a} vs {b}" for i, a, b in diffs[:30]]
        lines.append("")
    report = "\n".join(lines)
    print(report)
    if args.write:
        res = ROOT / "bench" / "results" / "quality-chain.md"
        with open(res, "a") as f:
            f.write(report + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
