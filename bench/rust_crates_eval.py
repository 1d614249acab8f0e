#!/usr/bin/env python3
"""The existing Rust extraction crates on the four HTML gold sets, next to tamis, in one run.

Issue 4 asked to measure them before building our own extractor: dom_smoothie (Mozilla
Readability port), trafilatura (the `trafilatura` crate, a go-trafilatura port) and
rs-trafilatura (another trafilatura port, with page-type profiles). Each runs in
`bench/rust-crates` (its own Cargo project, outside the workspace) on one pinned core; quality uses
`html_eval.py`'s scorers (each set's official metric), speed is pages per second of the timed calls
(decoding included). tamis runs as in `html_eval.py` (`tamis run --threads 1`, whole process).

    cargo build --release --manifest-path bench/rust-crates/Cargo.toml
    bench/.venv/bin/python bench/rust_crates_eval.py [--out bench/results/rust-crates-DATE.md]
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import html_eval as H  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / "bench" / "rust-crates" / "target" / "release" / "rust-crates-bench"
TOOLS = ["dom_smoothie", "trafilatura", "rs-trafilatura"]
WORK = ROOT / "bench" / "work" / "rust-crates"


def run_crate(tool, pagedir, pages, cpu):
    out = pagedir.parent / f"{tool}.jsonl"
    cmd = ["taskset", "-c", str(cpu), str(BIN), tool, str(pagedir), str(out)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr[-400:]}")
    texts, secs, failed = {}, 0.0, 0
    for line in out.read_text(encoding="utf-8").split("\n"):  # not splitlines(): U+2028 is inside texts
        if not line:
            continue
        rec = json.loads(line)
        i = int(Path(rec["file"]).stem)
        secs += rec["secs"]
        if rec["text"] is None:
            failed += 1
        texts[pages[i].id] = rec["text"] or ""
    return texts, secs, failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ROOT / "bench" / "work" / "html-data"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / f"rust-crates-{datetime.date.today()}.md"))
    ap.add_argument("--cpu", type=int, default=max(os.sched_getaffinity(0)))
    ap.add_argument("--tamis", default=str(ROOT / "target" / "release" / "tamis"))
    a = ap.parse_args()
    if not BIN.exists():
        sys.exit(f"{BIN} is missing: cargo build --release --manifest-path bench/rust-crates/Cargo.toml")
    rows = []
    for name in ["aeb", "wcxb", "trafilatura", "cleaning"]:
        loader, scorer, title = H.SETS[name][0], H.SETS[name][1], H.SETS[name][2]
        pages = loader(a.data)[0]
        pagedir = WORK / name / "pages"
        if not pagedir.exists():
            pagedir.mkdir(parents=True)
            for i, pg in enumerate(pages):
                (pagedir / f"{i:06d}.html").write_bytes(pg.read())
        texts, (cpu_s, _wall), err = H.run_tamis(a.tamis, str(ROOT / "bench" / "configs" / "extract.toml"),
                                                  pages, str(WORK / name / "tamis"))
        rows.append((title, "tamis", scorer(pages, texts)["all"]["F1"], len(pages) / cpu_s, err))
        print(f"{name}: tamis {rows[-1][2]:.3f}", flush=True)
        for tool in TOOLS:
            texts, secs, failed = run_crate(tool, pagedir, pages, a.cpu)
            rows.append((title, tool, scorer(pages, texts)["all"]["F1"], len(pages) / secs, failed))
            print(f"{name}: {tool} {rows[-1][2]:.3f} {rows[-1][3]:.1f} pages/s, {failed} failed", flush=True)
    md = ["# Existing Rust extraction crates vs tamis on the four gold sets", "",
          f"- date: {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC; one pinned core",
          f"- command: `bench/.venv/bin/python bench/rust_crates_eval.py` (crates pinned in `bench/rust-crates/Cargo.toml`)",
          "- F1: each set's official metric (`html_eval.py`); pages/s: crates over their decode + extract calls, "
          "tamis over its whole `tamis run --threads 1` process (conservative for tamis)", "",
          "| set | tool | F1 | pages/s | failed pages (scored empty; tamis: errors (pages with no text kept)) |", "|---|---|---:|---:|---:|"]
    md += [f"| {t} | {tool} | {f1:.3f} | {pps:.1f} | {failed} |" for t, tool, f1, pps, failed in rows]
    Path(a.out).write_text("\n".join(md) + "\n", encoding="utf-8")
    print("wrote", a.out)


if __name__ == "__main__":
    main()
