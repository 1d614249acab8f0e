#!/usr/bin/env python3
"""PII: (1) precision/recall of tamis's `pii` stage on Presidio's synthetic PII set
(../shared/data/pii-presidio-synth), per entity type, span level; (2) agreement with datatrove's
PIIFormatter (emails + public IPs) on the same texts plus HPLT documents.

A predicted span is correct when it overlaps a gold span of the matching type; a gold span is
found when a predicted span of that type overlaps it. Other gold types (names, addresses, ...) are
out of scope for a regex masker and are not counted.

usage: bench/.venv/bin/python bench/pii_check.py [--data DIR] [--tamis BIN] [--hplt N]
"""
import argparse, datetime as dt, json, lzma, os, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = {"EMAIL_ADDRESS": "email", "IP_ADDRESS": "ip", "PHONE_NUMBER": "phone", "CREDIT_CARD": "card", "IBAN_CODE": "iban"}


def tamis_spans(tamis, texts, datatrove=False):
    inp = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts)
    args = [tamis, "pii-spans"] + (["--datatrove"] if datatrove else [])
    out = subprocess.run(args, input=inp, capture_output=True, text=True, check=True).stdout
    return [json.loads(l) for l in out.splitlines()]


def pr(rows, pred):
    res = {}
    for gold_type, kind in KINDS.items():
        gold_n = found = pred_n = correct = 0
        for r, spans in zip(rows, pred):
            gold = [(g["start_position"], g["end_position"]) for g in r["spans"] if g["entity_type"] == gold_type]
            mine = [(s["start"], s["end"]) for s in spans if s["kind"] == kind]
            gold_n += len(gold)
            pred_n += len(mine)
            found += sum(1 for g in gold if any(p[0] < g[1] and g[0] < p[1] for p in mine))
            correct += sum(1 for p in mine if any(p[0] < g[1] and g[0] < p[1] for g in gold))
        res[gold_type] = (gold_n, found, pred_n, correct)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("TAMIS_DATA", str(ROOT.parent / "shared" / "data")))
    ap.add_argument("--tamis", default=str(ROOT / "target" / "release" / "tamis"))
    ap.add_argument("--hplt", type=int, default=5000)
    args = ap.parse_args()
    src = Path(args.data) / "pii-presidio-synth" / "synth_dataset_v2.json"
    if not src.exists():
        sys.exit(f"pii_check: {src} not found (needs ../shared/data)")
    rows = json.loads(src.read_text(encoding="utf-8"))
    texts = [r["full_text"] for r in rows]

    lines = [f"# PII check ({dt.date.today()})", "", f"Presidio synthetic set: {len(rows)} texts. Span level, overlap match.", ""]
    for label, dtmode in [("tamis default", False), ("tamis --datatrove settings", True)]:
        res = pr(rows, tamis_spans(args.tamis, texts, dtmode))
        lines += [f"## {label}", "", "| entity | gold | found | recall | predicted | correct | precision |", "|---|---:|---:|---:|---:|---:|---:|"]
        for t, (g, f, p, c) in res.items():
            rec = f / g if g else float("nan")
            prec = c / p if p else float("nan")
            lines.append(f"| {t} | {g} | {f} | {rec:.3f} | {p} | {c} | {prec:.3f} |")
        lines.append("")

    # datatrove parity: fresh PIIFormatter per document (its replacement cycle restarts, like tamis's).
    from datatrove.pipeline.formatters import PIIFormatter
    corpus = list(texts)
    hplt = Path(args.data) / "hplt-v2-inspection" / "hplt-v2-inspection-subset.jsonl.xz"
    if hplt.exists():
        with lzma.open(hplt, "rt", encoding="utf-8") as f:
            for i, line in enumerate(f):
                if i >= args.hplt:
                    break
                corpus.append(json.loads(line)["text"])
    want = [PIIFormatter().format(t) for t in corpus]
    with tempfile.TemporaryDirectory() as tmp:
        inp = Path(tmp) / "in.jsonl"
        inp.write_text("".join(json.dumps({"id": f"d{i}", "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(corpus)), encoding="utf-8")
        cfg = Path(tmp) / "p.toml"
        cfg.write_text('[output]\nformat = "jsonl"\n[[stages]]\ntype = "pii"\nphones = false\nibans = false\ncards = false\n')
        out = Path(tmp) / "out"
        subprocess.run([args.tamis, "run", "--threads", "2", "--config", str(cfg), "-o", str(out), str(inp)], check=True, stderr=subprocess.DEVNULL)
        got = {}
        for p in (out / "kept").glob("*.jsonl"):
            for line in p.open(encoding="utf-8"):
                r = json.loads(line)
                got[r["id"]] = r["text"]
    same = sum(1 for i, w in enumerate(want) if got.get(f"d{i}") == w)
    changed = sum(1 for i, t in enumerate(corpus) if want[i] != t)
    diffs = [i for i, w in enumerate(want) if got.get(f"d{i}") != w]
    lines += ["## Agreement with datatrove's PIIFormatter (emails + public IPs)", "",
              f"- texts: {len(corpus)} ({len(texts)} Presidio + {len(corpus) - len(texts)} HPLT v2); datatrove changed {changed} of them",
              f"- identical output: **{same}/{len(corpus)}**", ""]
    for i in diffs[:10]:
        lines.append(f"- d{i}: datatrove {want[i][:160]!r} / tamis {got.get(f'd{i}', '')[:160]!r}")
    lines += ["", "Command: `bench/.venv/bin/python bench/pii_check.py`"]
    text = "\n".join(lines) + "\n"
    print(text)
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / f"pii-{dt.date.today()}.md").write_text(text)


if __name__ == "__main__":
    main()
