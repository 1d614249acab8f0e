#!/usr/bin/env python3
"""Per-worker throughput of `tamis.ray.run` against `tamis run` on the same corpus and config.

Runs, interleaved and best of --reps (wall seconds; this machine is shared): `tamis run --threads N`
and `tamis.ray.run` on a local Ray with N CPUs, for N in --cpus. Prints documents per second per
worker and the ratio, checks that both kept the same documents, and writes a markdown table.

usage: python bench/ray_run.py [--corpus DIR] [--config TOML] [--tamis BIN] [--cpus 1 2] [--reps 3] [--out FILE]
Needs a release build of the wheel in the running Python (`pip install crates/tamis-py "ray[data]"`)
and of the CLI (`cargo build --release -p tamis-cli`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # a local Ray on 127.0.0.1
os.environ.setdefault("TAMIS_LID_MODEL", str(REPO / "models" / "lid.176.ftz"))


def kept_ids(directory: Path) -> list[str]:
    import tamis

    return sorted(r["id"] for batch in tamis.read(directory) for r in batch.to_pylist())


def local_run(binary: str, corpus: Path, threads: int, out: Path, config: str | None) -> tuple[float, dict]:
    shutil.rmtree(out, ignore_errors=True)
    t = time.monotonic()
    extra = ["--config", config] if config else []
    subprocess.run([binary, "run", *extra, "--threads", str(threads), "-o", str(out), str(corpus)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - t, json.loads((out / "report.json").read_text())


def ray_runs(corpus: Path, cpus: int, out: Path, runs: int, config: str | None) -> list[tuple[float, dict]]:
    """`runs` runs in one Ray session: the first pays Ray Data's start-up in this driver (cold),
    the others run on warm workers, as jobs on a running cluster do."""
    import ray

    import tamis
    import tamis.ray

    ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        results = []
        for _ in range(runs):
            shutil.rmtree(out, ignore_errors=True)
            t = time.monotonic()
            pipeline = tamis.Pipeline.from_toml(Path(config).read_text()) if config else tamis.Pipeline.default()
            report = tamis.ray.run([corpus], pipeline, out, progress=False)
            results.append((time.monotonic() - t, report))
        return results
    finally:
        ray.shutdown()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(REPO / "bench/work/corpus-warc/warc"))
    ap.add_argument("--config", help="pipeline TOML (default: the built-in default pipeline)")
    ap.add_argument("--tamis", default=str(REPO / "target/release/tamis"))
    ap.add_argument("--cpus", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--out", default=str(REPO / f"bench/results/ray-run-{dt.date.today()}.md"))
    args = ap.parse_args()
    corpus = Path(args.corpus)
    work = Path(tempfile.mkdtemp(prefix="ray-run-"))
    best: dict[tuple[str, int], float] = {}
    docs = 0
    for rep in range(args.reps):
        for n in args.cpus:
            seconds, report = local_run(args.tamis, corpus, n, work / f"local-{n}", args.config)
            docs = report["documents"]["in"]
            best[("local", n)] = min(best.get(("local", n), seconds), seconds)
            print(f"rep {rep} local {n} cpu: {seconds:.2f} s", flush=True)
            # One session per rep: a cold run, then two warm ones.
            for j, (seconds, report) in enumerate(ray_runs(corpus, n, work / f"ray-{n}", 3, args.config)):
                kind = "cold" if j == 0 else "ray"
                best[(kind, n)] = min(best.get((kind, n), seconds), seconds)
                print(f"rep {rep} {kind:5} {n} cpu: {seconds:.2f} s", flush=True)
    same = all(kept_ids(work / f"local-{n}" / "kept") == kept_ids(work / f"ray-{n}" / "kept") for n in args.cpus)
    lines = [
        f"# tamis.ray.run vs tamis run ({dt.date.today()})",
        "",
        f"`python bench/ray_run.py --corpus {args.corpus}{' --config ' + args.config if args.config else ''} "
        f"--cpus {' '.join(map(str, args.cpus))} --reps {args.reps}`; "
        f"{docs} input documents, {args.config or 'default pipeline (site lines + exact dedup)'}; best wall time of {args.reps} "
        f"interleaved reps; per rep and CPU count one local Ray session (its start-up not timed) runs "
        f"`tamis.ray.run` three times: the first (cold: Ray Data's start-up in the driver) and the best "
        f"of the other two (warm: a job on a running cluster); {os.cpu_count()} cores, shared.",
        "",
        "| CPUs | tamis run s | tamis.ray.run s, warm | cold | docs/s per worker, local | docs/s per worker, Ray warm | Ray / local, warm | cold |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n in args.cpus:
        loc, ray_, cold = best[("local", n)], best[("ray", n)], best[("cold", n)]
        lines.append(f"| {n} | {loc:.2f} | {ray_:.2f} | {cold:.2f} | {docs / loc / n:.0f} | {docs / ray_ / n:.0f} "
                     f"| {loc / ray_:.2f} | {loc / cold:.2f} |")
    lines.append("")
    lines.append(f"- same kept documents in both: **{same}**")
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.out).write_text(text)
    shutil.rmtree(work)
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
