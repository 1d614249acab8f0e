#!/usr/bin/env python3
"""What the site-line index costs: the default pipeline vs the same pipeline with
`clean_lines.site_lines = false`, for a tamis binary before and after a change, at --threads 1 and 2.

Runs are interleaved (variant by variant within each repetition) and the best CPU time (user + sys,
from /usr/bin/time) of --reps counts, because this machine is shared. Prints and writes a markdown
table: CPU seconds per 1,000 input documents, the ratio default / no-site-lines per binary, and the
--threads 2 speed-up (wall). Also checks that the two binaries' default outputs are byte-identical.

usage: python3 bench/site_pass.py --before OLD_BIN --after NEW_BIN [--corpus DIR] [--reps 3] [--out FILE]
Only the standard library; the model comes from $TAMIS_LID_MODEL or models/lid.176.ftz.
"""

from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(binary: str, config: Path, corpus: Path, threads: int, out: Path) -> dict:
    if out.exists():
        shutil.rmtree(out)
    cmd = ["/usr/bin/time", "-f", "%U %S %e %M", binary, "run", "--config", str(config),
           "--threads", str(threads), "-o", str(out), str(corpus)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr[-2000:]}")
    user, sys_, wall, rss = p.stderr.strip().splitlines()[-1].split()
    report = json.loads((out / "report.json").read_text())
    return {"cpu": float(user) + float(sys_), "wall": float(wall), "rss_mb": int(rss) / 1024,
            "docs": report["documents"]["in"]}


def same_output(a: Path, b: Path) -> bool:
    for d in ("kept", "removed"):
        cmp = filecmp.dircmp(a / d, b / d)
        if cmp.left_only or cmp.right_only or cmp.diff_files:
            return False
        if any(not filecmp.cmp(a / d / f, b / d / f, shallow=False) for f in cmp.common_files):
            return False
    return True


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", required=True)
    ap.add_argument("--corpus", default=str(REPO / "bench/work/corpus-warc/warc"))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--out", default=str(REPO / f"bench/results/site-pass-{dt.date.today()}.md"))
    args = ap.parse_args()
    os.environ.setdefault("TAMIS_LID_MODEL", str(REPO / "models/lid.176.ftz"))
    work = Path(tempfile.mkdtemp(prefix="site-pass-"))
    default = subprocess.run([args.after, "run", "--print-config", "-o", str(work / "x")],
                             capture_output=True, text=True, check=True).stdout
    configs = {"default": work / "default.toml", "no_site_lines": work / "no-site.toml"}
    configs["default"].write_text(default)
    assert "site_lines = true" in default, "the default pipeline no longer counts site lines"
    configs["no_site_lines"].write_text(default.replace("site_lines = true", "site_lines = false"))
    variants = [(b, c, t) for b in ("before", "after") for c in configs for t in (1, 2)]
    best: dict = {}
    for rep in range(args.reps):
        for b, c, t in variants:
            binary = args.before if b == "before" else args.after
            r = run(binary, configs[c], Path(args.corpus), t, work / f"{b}-{c}-{t}")
            key = (b, c, t)
            print(f"rep {rep} {b:6} {c:13} t{t}: cpu {r['cpu']:.2f}s wall {r['wall']:.2f}s rss {r['rss_mb']:.0f} MB",
                  flush=True)
            if key not in best or r["cpu"] < best[key]["cpu"]:
                best[key] = {**r, "wall": min(r["wall"], best.get(key, r)["wall"])}
            else:
                best[key]["wall"] = min(best[key]["wall"], r["wall"])
    identical = same_output(work / "before-default-1", work / "after-default-1")
    identical_t = same_output(work / "after-default-1", work / "after-default-2")
    docs = best[("after", "default", 1)]["docs"]
    lines = [
        f"# Site-line index cost ({dt.date.today()})",
        "",
        f"`python3 bench/site_pass.py --before {args.before} --after {args.after} --corpus {args.corpus} "
        f"--reps {args.reps}`; {docs} input documents; best of {args.reps} interleaved runs; "
        f"{os.cpu_count()} cores, shared machine.",
        "",
        "| binary | pipeline | threads | CPU s | CPU s / 1,000 docs | wall s | peak RSS MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for b, c, t in variants:
        r = best[(b, c, t)]
        lines.append(f"| {b} | {c} | {t} | {r['cpu']:.2f} | {1000 * r['cpu'] / docs:.3f} | {r['wall']:.2f} | "
                     f"{r['rss_mb']:.0f} |")
    lines.append("")
    for b in ("before", "after"):
        for t in (1, 2):
            ratio = best[(b, "default", t)]["cpu"] / best[(b, "no_site_lines", t)]["cpu"]
            lines.append(f"- {b}, --threads {t}: default / no-site-lines CPU = **{ratio:.3f}×**")
        speedup = best[(b, "default", 1)]["wall"] / best[(b, "default", 2)]["wall"]
        lines.append(f"- {b}: --threads 2 wall speed-up of the default pipeline = **{speedup:.2f}×**")
    lines.append(f"- default outputs before vs after byte-identical: **{identical}**; "
                 f"after --threads 1 vs 2: **{identical_t}**")
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.out).write_text(text)
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
