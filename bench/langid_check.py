#!/usr/bin/env python3
"""Language ID differential check: tamis's `language` stage vs fastText's Python binding
(fasttext-predict) with the same model (models/lid.176.ftz) on the same texts, one core each.

Texts: the HPLT v2 inspection subset (186 languages) from ../shared/data. For each document both
sides predict the top label of `text` with newlines replaced by spaces (datatrove's LanguageFilter).
Reports label agreement, the largest score difference, the disagreements, and docs/s of each side.

usage: bench/.venv/bin/python bench/langid_check.py [--docs N] [--data DIR] [--tamis BIN]
"""
import argparse, datetime as dt, json, lzma, os, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--data", default=os.environ.get("TAMIS_DATA", str(ROOT.parent / "shared" / "data")))
    ap.add_argument("--tamis", default=str(ROOT / "target" / "release" / "tamis"))
    ap.add_argument("--model", default=str(ROOT / "models" / "lid.176.ftz"))
    args = ap.parse_args()
    src = Path(args.data) / "hplt-v2-inspection" / "hplt-v2-inspection-subset.jsonl.xz"
    if not src.exists():
        sys.exit(f"langid_check: {src} not found (needs ../shared/data)")
    docs = []
    with lzma.open(src, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d.get("text", "").strip():
                docs.append({"id": f"hplt-{len(docs)}", "text": d["text"], "metadata": {"hplt_lang": d.get("lang")}})
            if len(docs) >= args.docs:
                break

    import fasttext  # fasttext-predict
    model = fasttext.load_model(args.model)
    t0 = time.perf_counter()
    py = {}
    for d in docs:
        labels, scores = model.predict(d["text"].replace("\n", " "), k=1)
        py[d["id"]] = (labels[0].replace("__label__", ""), float(scores[0]))
    py_secs = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        inp = Path(tmp) / "docs.jsonl"
        inp.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
        cfg = Path(tmp) / "p.toml"
        cfg.write_text(f'[output]\nformat = "jsonl"\n[[stages]]\ntype = "language"\nmodel = "{args.model}"\nmin_score = 0.0\n')
        out = Path(tmp) / "out"
        t0 = time.perf_counter()
        subprocess.run(["taskset", "-c", "0", args.tamis, "run", "--threads", "1", "--config", str(cfg), "-o", str(out), str(inp)],
                       check=True, stderr=subprocess.DEVNULL)
        tamis_secs = time.perf_counter() - t0
        rs = {}
        for p in sorted((out / "kept").glob("*.jsonl")):
            for line in p.open(encoding="utf-8"):
                r = json.loads(line)
                rs[r["id"]] = (r["metadata"]["language"], r["metadata"]["language_score"])

    same = sum(1 for k, v in py.items() if k in rs and rs[k][0] == v[0])
    diffs = [(k, py[k], rs.get(k)) for k in py if rs.get(k, (None,))[0] != py[k][0]]
    max_score_diff = max((abs(rs[k][1] - py[k][1]) for k in py if k in rs and rs[k][0] == py[k][0]), default=0.0)
    langs = len({v[0] for v in py.values()})
    lines = [
        f"# Language ID: tamis vs fastText Python ({dt.date.today()})",
        "",
        f"- texts: {len(docs)} HPLT v2 inspection documents ({langs} distinct predicted labels); model {Path(args.model).name}",
        f"- same top label: **{same}/{len(docs)} ({100.0 * same / len(docs):.2f} %)**; max |score difference| on agreeing labels: {max_score_diff:.2e}",
        f"- fastText Python (fasttext-predict): {len(docs) / py_secs:.0f} docs/s (predict only, in-process)",
        f"- tamis run (read JSONL, language stage, write JSONL), 1 core: {len(docs) / tamis_secs:.0f} docs/s (whole process)",
        "",
        "Disagreements (id, python, tamis):",
    ] + [f"- {k}: {a} vs {b}" for k, a, b in diffs[:50]] + [
        "",
        f"Command: `bench/.venv/bin/python bench/langid_check.py --docs {args.docs}`",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    res = ROOT / "bench" / "results"
    res.mkdir(parents=True, exist_ok=True)
    (res / f"langid-{dt.date.today()}.md").write_text(text)
    sys.exit(0 if same == len(docs) else 1)


if __name__ == "__main__":
    main()
