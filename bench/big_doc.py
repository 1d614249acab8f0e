#!/usr/bin/env python3
"""One huge document against the same text cut into many: is tamis's cost linear in size?

    python3 bench/big_doc.py [--mb 20 50] [--pieces 400] [--binary target/release/tamis] [--runs 3]

Builds, from real English web documents (../shared/data/hplt-v2-inspection: HPLT v2, `eng_Latn`;
one language, so that the big document passes the language stage and meets every stage), one
document of N MB (the first 168 documents joined, repeated to size: many lines, few distinct, like
a scraped forum dump or a mis-split WET record) and the same text cut at
line ends into --pieces documents. Runs the default pipeline (`--threads 1`) on each, best CPU
seconds of --runs, and prints CPU seconds, peak RSS (from /usr/bin/time -v or getrusage), the
ratio big/pieces, each stage's seconds and the token counting's from report.json, and the seconds
neither accounts for (reading, writing, compression; wall-clock stage times against CPU seconds).
Goal (issue 19): big ≤ 2× pieces in CPU, ≤ 400 MB RSS; a 50 MB document handled in ≤ 10 s.
"""

from __future__ import annotations

import argparse
import lzma
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO.parent / "shared" / "data" / "hplt-v2-inspection" / "hplt-v2-inspection-subset.jsonl.xz"


def build(mb: int, pieces: int, work: Path) -> tuple[Path, Path]:
    docs = [d["text"] for d in map(json.loads, lzma.open(SAMPLE, "rt")) if d["lang"] == "eng_Latn"][:168]
    unit = "\n".join(docs) + "\n"
    text = unit * (mb * 1_000_000 // len(unit.encode()) + 1)
    text = text[: mb * 1_000_000]
    text = text[: text.rfind("\n") + 1]
    big = work / f"big-{mb}mb.jsonl"
    big.write_text(json.dumps({"id": "big", "text": text, "url": "https://forum.example/dump"}) + "\n")
    lines = text.splitlines(keepends=True)
    per = len(lines) // pieces + 1
    split = work / f"split-{mb}mb.jsonl"
    with split.open("w") as f:
        for i in range(0, len(lines), per):
            # One site per piece: the pieces repeat each other's lines, and on one site those would
            # go as site-frequent lines, sparing the later stages work the big document gets.
            f.write(json.dumps({"id": f"p{i}", "text": "".join(lines[i:i + per]), "url": f"https://forum{i}.example/"}) + "\n")
    return big, split


def run(binary: str, inputs: Path, out: Path) -> tuple[float, float, dict]:
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.monotonic()
    proc = subprocess.run([binary, "run", "--threads", "1", "-o", str(out), str(inputs)],
                          capture_output=True, text=True)
    wall = time.monotonic() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        sys.exit(f"tamis failed: {proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    report = json.loads((out / "report.json").read_text())
    return cpu, wall, report


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=str(REPO / "target" / "release" / "tamis"))
    ap.add_argument("--mb", type=int, nargs="+", default=[20, 50])
    ap.add_argument("--pieces", type=int, default=400)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if not SAMPLE.exists():
        sys.exit(f"{SAMPLE}: not found (../shared/data)")
    os.environ.setdefault("TAMIS_LID_MODEL", str(REPO / "models" / "lid.176.ftz"))
    work = Path(tempfile.mkdtemp(prefix="tamis-bigdoc-"))
    try:
        for mb in args.mb:
            big, split = build(mb, args.pieces, work)
            best: dict[str, tuple] = {}
            for _ in range(args.runs):  # interleaved: load drifts hit both alike
                for name, path in (("big", big), ("pieces", split)):
                    # Peak RSS: this child's own, read from /usr/bin/time when present.
                    cpu, wall, report = run(args.binary, path, work / f"out-{name}")
                    if name not in best or cpu < best[name][0]:
                        best[name] = (cpu, wall, report)
            for name, (cpu, wall, report) in best.items():
                rss = peak_rss(args.binary, big if name == "big" else split, work / "out-rss")
                stages = {s["name"]: round(s["seconds"], 2) for s in report["stages"] if s["seconds"] >= 0.05}
                tokens = sum(s.get("tokens_seconds", 0) for s in report["stages"])
                unattributed = cpu - tokens - sum(s["seconds"] for s in report["stages"])
                print(f"{mb} MB {name:<6} cpu {cpu:6.2f} s  wall {wall:6.2f} s  peak RSS {rss:6.0f} MB  "
                      f"documents {report['documents']}  token counting {tokens:5.2f} s  unattributed {unattributed:5.2f} s  stages {stages}")
            print(f"{mb} MB: big/pieces CPU ratio {best['big'][0] / best['pieces'][0]:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def peak_rss(binary: str, inputs: Path, out: Path) -> float:
    """Peak RSS in MB of one run (GNU time's "Maximum resident set size")."""
    shutil.rmtree(out, ignore_errors=True)
    if Path("/usr/bin/time").exists():
        proc = subprocess.run(["/usr/bin/time", "-v", binary, "run", "--threads", "1", "-o", str(out), str(inputs)],
                              capture_output=True, text=True)
        for line in proc.stderr.splitlines():
            if "Maximum resident set size" in line:
                return int(line.split(":")[1]) / 1024
    # Without GNU time: the largest child RSS so far (an upper bound across runs).
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


if __name__ == "__main__":
    sys.exit(main())
