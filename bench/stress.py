#!/usr/bin/env python3
"""Many small `tamis run`s at once under CPU load, with a watchdog that dumps every thread's stack of
a run that stops making progress.

    python3 bench/stress.py --runs 200 --parallel 4 --burners 4 [--binary target/release/tamis]

Each run takes one of eight inputs (the bundled sample, examples/: JSONL, WARC, .txt pages, and seven
random parts of it), a random pipeline (the default one, or one with `minhash_dedup`) and a random thread count (1, 2 or 4), into a
fresh output directory. The watchdog reads each run's CPU time from /proc every second: a run whose
CPU time has not moved for --stall seconds (blocked: a deadlock or a lost wake-up), or that has run
longer than --limit seconds (spinning), gets `gdb -batch -ex "thread apply all bt"` on it, the dump is
written to bench/results/stress-stacks-*.txt and the run is killed. Every finished run must exit 0 or
1 with a balanced report.json, and runs of the same input and pipeline must give the same bytes
whatever their thread count. Prints a summary line per 20 runs and a final verdict; exit 1 if any
run hung, failed or differed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MINHASH = '[[stages]]\ntype = "payload"\n\n[[stages]]\ntype = "extract"\n\n[[stages]]\ntype = "clean_lines"\n\n' \
          '[[stages]]\ntype = "exact_dedup"\n\n[[stages]]\ntype = "minhash_dedup"\n'


def burn(stop: multiprocessing.Event) -> None:
    x = 1
    while not stop.is_set():
        for _ in range(100_000):
            x = (x * 6364136223846793005 + 1) & 0xFFFFFFFFFFFFFFFF


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def dump_stacks(pid: int, why: str, command: list[str]) -> Path:
    out = REPO / "bench" / "results" / f"stress-stacks-{time.strftime('%Y%m%dT%H%M%S')}-{pid}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    gdb = subprocess.run(["gdb", "-p", str(pid), "-batch", "-ex", "thread apply all bt"],
                         capture_output=True, text=True, timeout=120)
    out.write_text(f"{why}\ncommand: {' '.join(command)}\n\n{gdb.stdout}\n{gdb.stderr}")
    return out


def output_digest(out: Path) -> str:
    h = hashlib.sha256()
    for sub in ("kept", "removed"):
        for p in sorted((out / sub).glob("*")):
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=str(REPO / "target" / "release" / "tamis"))
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--parallel", type=int, default=4)
    ap.add_argument("--burners", type=int, default=os.cpu_count() or 2, help="CPU-burning processes alongside")
    ap.add_argument("--stall", type=float, default=30.0, help="seconds without CPU progress that count as a hang")
    ap.add_argument("--limit", type=float, default=300.0, help="seconds a run may take at most")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if not Path(args.binary).exists():
        sys.exit(f"{args.binary}: build it first (cargo build --release -p tamis-cli)")
    rng = random.Random(args.seed)
    sample = sorted([p for p in (REPO / "examples").rglob("*") if p.suffix in (".jsonl", ".gz", ".txt")])
    # A few fixed inputs, so that each recurs at several thread counts and its outputs can be compared.
    groups = [tuple(sample)] + [tuple(sorted(rng.sample(sample, rng.randint(1, min(6, len(sample)))))) for _ in range(7)]
    env = {**os.environ, "TAMIS_LID_MODEL": os.environ.get("TAMIS_LID_MODEL", str(REPO / "models" / "lid.176.ftz"))}
    stop = multiprocessing.Event()
    burners = [multiprocessing.Process(target=burn, args=(stop,), daemon=True) for _ in range(args.burners)]
    for b in burners:
        b.start()
    work = Path(tempfile.mkdtemp(prefix="tamis-stress-"))
    (work / "minhash.toml").write_text(MINHASH)
    pending = list(range(args.runs))
    running: dict[int, tuple] = {}
    digests: dict[tuple, dict[int, str]] = {}
    hung, failed, differ, done = [], [], [], 0
    try:
        while pending or running:
            while pending and len(running) < args.parallel:
                i = pending.pop(0)
                g = rng.randrange(len(groups))
                files = groups[g]
                config = rng.choice(["default", "minhash"])
                threads = rng.choice([1, 2, 4])
                # One directory per input, shared by its runs: documents name their file, so the
                # same input must sit at the same path for outputs to be comparable.
                inputs = work / f"in-{g}"
                if not inputs.exists():
                    inputs.mkdir()
                    for f in files:
                        shutil.copy(f, inputs / f"{f.parent.name}-{f.name}")
                out = work / f"out-{i}"
                command = [args.binary, "run", "--threads", str(threads), "-o", str(out), str(inputs)]
                if config == "minhash":
                    command[2:2] = ["--config", str(work / "minhash.toml")]
                proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
                running[proc.pid] = (proc, command, out, (files, config), threads, time.monotonic(), 0.0, time.monotonic())
            time.sleep(1.0)
            for pid, (proc, command, out, key, threads, started, cpu, moved) in list(running.items()):
                now = time.monotonic()
                if proc.poll() is None:
                    c = cpu_seconds(pid) or cpu
                    if c > cpu:
                        running[pid] = (proc, command, out, key, threads, started, c, now)
                        continue
                    why = (f"no CPU progress for {now - moved:.0f} s" if now - moved > args.stall
                           else f"still running after {now - started:.0f} s" if now - started > args.limit else None)
                    if why:
                        hung.append(dump_stacks(pid, why, command))
                        proc.kill()
                        proc.wait()
                        del running[pid]
                    continue
                del running[pid]
                done += 1
                stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                report = out / "report.json"
                if proc.returncode not in (0, 1) or not report.exists():
                    failed.append((command, proc.returncode, stderr[-2000:]))
                else:
                    d = json.loads(report.read_text())["documents"]
                    if d["in"] != d["kept"] + d["removed"] + d["errors"]:
                        failed.append((command, "unbalanced", d))
                    seen = digests.setdefault(key, {})
                    seen[threads] = output_digest(out)
                    if len(set(seen.values())) > 1 and (key, tuple(sorted(seen))) not in {(k, tuple(sorted(v))) for k, v in differ}:
                        differ.append((key, dict(seen)))
                shutil.rmtree(out, ignore_errors=True)
                if done % 20 == 0:
                    print(f"stress: {done}/{args.runs} runs, {len(hung)} hung, {len(failed)} failed, {len(differ)} differed", flush=True)
    finally:
        stop.set()
        for b in burners:
            b.join(timeout=5)
        shutil.rmtree(work, ignore_errors=True)
    compared = sum(1 for s in digests.values() if len(s) > 1)
    print(f"stress: {done} runs finished ({compared} inputs run at several thread counts), {len(hung)} hung, "
          f"{len(failed)} failed, {len(differ)} differed; {args.burners} burners, {args.parallel} at once")
    for p in hung:
        print(f"  stacks: {p}")
    for f in failed[:5]:
        print(f"  failed: {f}")
    for d in differ[:5]:
        print(f"  differed: {d}")
    return 1 if hung or failed or differ else 0


if __name__ == "__main__":
    sys.exit(main())
