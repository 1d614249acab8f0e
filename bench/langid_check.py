#!/usr/bin/env python3
"""Language ID differential check: tamis's `language` stage (a Rust reading of the fastText model)
vs fastText's own C++ inference through its Python binding (fasttext-predict), with the same model
(models/lid.176.ftz) on the same texts, one core each.

Texts: the HPLT v2 inspection subset (186 languages) from ../shared/data. For each document both
sides predict the top label of `text` with newlines replaced by spaces (datatrove's LanguageFilter).
Reports label agreement, the largest score difference, the disagreements, and the speed of each
side: fastText's `predict` calls timed in process (best of --repeat), tamis's `language` stage
seconds from report.json (best of --repeat runs), and tamis's whole process.

usage: python bench/langid_check.py [--docs N] [--repeat R] [--data DIR] [--tamis BIN]
       (python: a venv with `pip install fasttext-predict==0.9.2.4`)
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
    ap.add_argument("--repeat", type=int, default=3)
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
    lines_in = [(d["id"], d["text"].replace("\n", " ")) for d in docs]
    py_secs = float("inf")
    for _ in range(args.repeat):
        t0 = time.process_time()
        py = {}
        for i, t in lines_in:
            labels, scores = model.predict(t, k=1)
            py[i] = (labels[0].replace("__label__", ""), float(scores[0]))
        py_secs = min(py_secs, time.process_time() - t0)

    with tempfile.TemporaryDirectory() as tmp:
        inp = Path(tmp) / "docs.jsonl"
        inp.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
        cfg = Path(tmp) / "p.toml"
        cfg.write_text(f'[output]\nformat = "jsonl"\n[[stages]]\ntype = "language"\nmodel = "{args.model}"\nmin_score = 0.0\n')
        tamis_secs = stage_secs = float("inf")
        for r in range(args.repeat):
            out = Path(tmp) / f"out{r}"
            t0 = time.perf_counter()
            subprocess.run(["taskset", "-c", "0", args.tamis, "run", "--threads", "1", "--config", str(cfg), "-o", str(out), str(inp)],
                           check=True, stderr=subprocess.DEVNULL)
            tamis_secs = min(tamis_secs, time.perf_counter() - t0)
            report = json.loads((out / "report.json").read_text())
            stage_secs = min(stage_secs, next(s["seconds"] for s in report["stages"] if s["name"] == "language"))
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
        f"- fastText's C++ (fasttext-predict 0.9.2.4, `predict` in process, CPU): {len(docs) / py_secs:.0f} docs/s",
        f"- tamis `language` stage (report.json seconds): {len(docs) / stage_secs:.0f} docs/s, "
        f"**{py_secs / stage_secs:.1f}×** fastText per document",
        f"- tamis run (read JSONL, language stage, write JSONL), 1 core: {len(docs) / tamis_secs:.0f} docs/s (whole process, wall)",
        f"- best of {args.repeat} runs each; {os.cpu_count()} cores, machine shared",
        "",
        "Disagreements (id, python, tamis):",
    ] + [f"- {k}: {a} vs {b}" for k, a, b in diffs[:50]] + [
        "",
        f"Command: `python bench/langid_check.py --docs {args.docs} --repeat {args.repeat}` (python with fasttext-predict)",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    res = ROOT / "bench" / "results"
    res.mkdir(parents=True, exist_ok=True)
    (res / f"langid-{dt.date.today()}.md").write_text(text)
    sys.exit(0 if same == len(docs) else 1)


if __name__ == "__main__":
    main()
