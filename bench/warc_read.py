#!/usr/bin/env python3
"""WARC reading speed: `tamis scan` vs FastWARC vs warcio, one core each.

Every reader runs in its own process pinned with `taskset -c CPU`, reads every record of the
given .warc.gz files and its full payload, `--reps` times; the best run counts (median shown
too). Speeds are given in MB/s of *decompressed WARC data* (the same byte count for every
reader, measured once here with zlib) and in records/s.

  tamis     `tamis scan FILES...` -> one JSON line; its own "seconds" is the timed figure
  fastwarc  ArchiveIterator(GzipReader(path) | GZipStream(FileStream(path)), parse_http=True),
            `rec.reader.read()` for every record (any record type)
  fastwarc1 the same with the legacy Cython FastWARC 1.x, if bench/setup.sh installed it in
            bench/.venv/fastwarc1 (FastWARC 2.x is a Rust rewrite; both are reported)
  warcio    ArchiveIterator(fh), `record.content_stream().read()` for every record

Python readers time their own loop (interpreter start-up excluded); the wall time of each
whole process is recorded as well. All readers must report the same number of records: the
Python readers count every record (and responses separately); tamis' "documents" is compared
to both and the match is reported.

Usage: bench/.venv/bin/python bench/warc_read.py [--reps 5] [--tamis PATH] [FILE|DIR ...]
       (default input: bench/work/corpus/warc/*.warc.gz)
"""
from __future__ import annotations

import argparse
import datetime as dt
import glob
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import zlib

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
VENV_PY = os.path.join(BENCH, ".venv", "bin", "python")
FASTWARC1_DIR = os.path.join(BENCH, ".venv", "fastwarc1")


# --------------------------------------------------------------------------------------------
# workers (run in a pinned subprocess)
# --------------------------------------------------------------------------------------------

def worker_fastwarc(files: list[str]) -> dict:
    import fastwarc
    from fastwarc.warc import ArchiveIterator, WarcRecordType
    import fastwarc.stream_io as sio
    RESPONSE = int(WarcRecordType.response)
    names: dict = {}
    legacy = hasattr(sio, "GZipStream")
    records = responses = payload = 0
    by_type: dict = {}
    t0 = time.perf_counter()
    for path in files:
        if legacy:   # FastWARC <= 1.x (Cython)
            stream = sio.GZipStream(sio.FileStream(path, "rb"))
        else:        # FastWARC >= 2.0 (Rust)
            stream = sio.GzipReader(path)
        for rec in ArchiveIterator(stream, parse_http=True):
            records += 1
            rt = int(rec.record_type)
            if rt in by_type:
                by_type[rt] += 1
            else:
                by_type[rt] = 1
                names[rt] = str(rec.record_type).rsplit(".", 1)[-1]
            if rt == RESPONSE:
                responses += 1
            payload += len(rec.reader.read())
    secs = time.perf_counter() - t0
    try:
        from importlib.metadata import version
        ver = version("fastwarc")
    except Exception:  # noqa: BLE001
        ver = getattr(fastwarc, "__version__", "?")
    if legacy and ver.startswith("2"):
        ver = "legacy"
    by_name = {names[k]: v for k, v in by_type.items()}
    return {"records": records, "responses": responses, "payload_bytes": payload, "by_type": by_name,
            "seconds": secs, "version": ver, "api": "GZipStream(FileStream)" if legacy else "GzipReader"}


def worker_warcio(files: list[str]) -> dict:
    from warcio.archiveiterator import ArchiveIterator
    import warcio
    records = responses = payload = 0
    by_type: dict = {}
    t0 = time.perf_counter()
    for path in files:
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                records += 1
                by_type[rec.rec_type] = by_type.get(rec.rec_type, 0) + 1
                if rec.rec_type == "response":
                    responses += 1
                payload += len(rec.content_stream().read())
    secs = time.perf_counter() - t0
    try:
        from importlib.metadata import version
        ver = version("warcio")
    except Exception:  # noqa: BLE001
        ver = getattr(warcio, "__version__", "?")
    return {"records": records, "responses": responses, "payload_bytes": payload, "by_type": by_type,
            "seconds": secs, "version": ver, "api": "ArchiveIterator.content_stream()"}


# --------------------------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------------------------

def decompressed_size(path: str) -> int:
    """Bytes of the decompressed (multi-member) gzip stream."""
    total = 0
    with open(path, "rb") as fh:
        d = zlib.decompressobj(31)
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            while chunk:
                total += len(d.decompress(chunk))
                if d.eof:
                    chunk = d.unused_data
                    d = zlib.decompressobj(31)
                else:
                    chunk = b""
        total += len(d.flush())
    return total


def warm(files: list[str]) -> None:
    for p in files:
        with open(p, "rb") as fh:
            while fh.read(8 << 20):
                pass


def pin(cmd: list[str], cpu: str | None) -> list[str]:
    if cpu is not None and shutil.which("taskset"):
        return ["taskset", "-c", cpu] + cmd
    return cmd


def run_once(name: str, files: list[str], args) -> dict:
    env = dict(os.environ)
    if name == "tamis":
        cmd = [args.tamis, "scan"] + files
    else:
        py = args.python
        kind = "fastwarc" if name.startswith("fastwarc") else "warcio"
        cmd = [py, os.path.abspath(__file__), "--worker", kind] + files
        if name == "fastwarc1":
            env["PYTHONPATH"] = FASTWARC1_DIR + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    t0 = time.perf_counter()
    p = subprocess.run(pin(cmd, args.cpu), capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if p.returncode not in (0, 1):
        raise RuntimeError(f"{name} exited {p.returncode}: {p.stderr.strip()[-2000:]}")
    line = [ln for ln in p.stdout.splitlines() if ln.strip().startswith("{")]
    if not line:
        raise RuntimeError(f"{name}: no JSON on stdout (rc {p.returncode}); stderr: {p.stderr.strip()[-2000:]}")
    res = json.loads(line[-1])
    res["wall"] = wall
    res["rc"] = p.returncode
    if name == "tamis":
        res["records"] = res.get("documents")
    return res


def tamis_version(path: str) -> str:
    try:
        p = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10)
        v = (p.stdout or p.stderr).strip().splitlines()
        return v[0] if v and p.returncode == 0 else "?"
    except Exception:  # noqa: BLE001
        return "?"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def out_path(results_dir: str, stem: str, ext: str) -> str:
    day = dt.date.today().isoformat()
    p = os.path.join(results_dir, f"{stem}-{day}.{ext}")
    k = 2
    while os.path.exists(p):
        p = os.path.join(results_dir, f"{stem}-{day}-{k}.{ext}")
        k += 1
    return p


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="*", help=".warc.gz files or dirs (default bench/work/corpus/warc)")
    ap.add_argument("--worker", choices=["fastwarc", "warcio"], help=argparse.SUPPRESS)
    ap.add_argument("--reps", type=int, default=5, help="repetitions per reader (best counts)")
    ap.add_argument("--cpu", default="0", help="CPU list for taskset (default 0; 'none' = no pinning)")
    ap.add_argument("--tamis", default=os.environ.get("TAMIS", os.path.join(REPO, "target", "release", "tamis")))
    ap.add_argument("--python", default=VENV_PY if os.path.exists(VENV_PY) else sys.executable,
                    help="interpreter with fastwarc + warcio (default bench/.venv)")
    ap.add_argument("--readers", default="tamis,fastwarc,fastwarc1,warcio",
                    help="comma list among tamis,fastwarc,fastwarc1,warcio")
    ap.add_argument("--results-dir", default=os.path.join(BENCH, "results"))
    ap.add_argument("--out", help="markdown output path (default results/warc-read-<date>.md)")
    ap.add_argument("--no-write", action="store_true", help="print only, write no result files")
    args = ap.parse_args()

    if args.worker:
        fn = worker_fastwarc if args.worker == "fastwarc" else worker_warcio
        print(json.dumps(fn(args.inputs)))
        return

    if args.cpu.lower() == "none":
        args.cpu = None
    inputs = args.inputs or [os.path.join(BENCH, "work", "corpus", "warc")]
    files: list[str] = []
    for x in inputs:
        if os.path.isdir(x):
            files += sorted(glob.glob(os.path.join(x, "*.warc.gz")))
        elif os.path.isfile(x):
            files.append(x)
        else:
            sys.exit(f"warc_read: no such input {x!r} (build a corpus with bench/build_corpus.py)")
    if not files:
        sys.exit("warc_read: no .warc.gz files found")
    files = [os.path.abspath(f) for f in files]

    readers = [r.strip() for r in args.readers.split(",") if r.strip()]
    notes = []
    if "tamis" in readers and not os.access(args.tamis, os.X_OK):
        notes.append(f"tamis binary {args.tamis} not found: tamis skipped")
        readers.remove("tamis")
    if "fastwarc1" in readers and not os.path.isdir(FASTWARC1_DIR):
        readers.remove("fastwarc1")
    if args.cpu is not None and not shutil.which("taskset"):
        notes.append("taskset not found: processes were NOT pinned")
    for n in notes:
        print("warc_read:", n, file=sys.stderr)

    load0 = os.getloadavg()
    if load0[0] > 0.5:
        notes.append(f"machine not idle at start: load average {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f} "
                     f"(other processes compete for the cores; numbers are noisy)")
    if "tamis" in readers:  # snapshot: a concurrent `cargo build` must not swap it between reps
        import hashlib
        import tempfile
        snap = os.path.join(tempfile.mkdtemp(prefix="warc_read."), "tamis")
        shutil.copy2(args.tamis, snap)
        with open(snap, "rb") as fh:
            tamis_sha = hashlib.sha256(fh.read()).hexdigest()[:12]
        notes.append(f"tamis binary {os.path.relpath(args.tamis, REPO)} sha256 {tamis_sha}…")
        args.tamis_version = tamis_version(snap)
        args.tamis = snap
    comp = sum(os.path.getsize(f) for f in files)
    print(f"warc_read: {len(files)} files, {comp / 1e6:.1f} MB compressed; measuring decompressed size...",
          file=sys.stderr)
    decomp = sum(decompressed_size(f) for f in files)
    warm(files)
    print(f"warc_read: {decomp / 1e6:.1f} MB decompressed; readers {readers}, {args.reps} reps, cpu {args.cpu}",
          file=sys.stderr)

    runs: dict[str, list[dict]] = {r: [] for r in readers}
    for rep in range(args.reps):
        for r in readers:          # interleave readers so drift affects all alike
            res = run_once(r, files, args)
            runs[r].append(res)
            print(f"  rep {rep + 1}/{args.reps} {r:9s} {res['seconds']:.3f}s "
                  f"({decomp / 1e6 / res['seconds']:.1f} MB/s) records={res.get('records')}",
                  file=sys.stderr)

    summary = {}
    for r, rs in runs.items():
        secs = [x["seconds"] for x in rs]
        best = min(secs)
        last = rs[-1]
        summary[r] = {"best_s": best, "median_s": statistics.median(secs), "all_s": secs,
                      "wall_best_s": min(x["wall"] for x in rs),
                      "mb_s": decomp / 1e6 / best, "records_s": (last.get("records") or 0) / best,
                      "records": last.get("records"), "responses": last.get("responses"),
                      "by_type": last.get("by_type"),
                      "payload_bytes": last.get("payload_bytes"),
                      "decompressed_bytes_reported": last.get("decompressed_bytes"),
                      "errors": last.get("errors"), "rc": last.get("rc"),
                      "version": last.get("version") or (args.tamis_version if r == "tamis" else "?"),
                      "api": last.get("api", "tamis scan")}
        if len({x.get("records") for x in rs}) != 1:
            notes.append(f"{r}: record count varied between reps: {[x.get('records') for x in rs]}")

    # record-count agreement: the Python readers must agree on every per-type count; tamis'
    # "documents" must equal one natural subset of them (it may skip request/metadata/warcinfo).
    py = [r for r in summary if r != "tamis"]
    types = {json.dumps(summary[r]["by_type"], sort_keys=True) for r in py}
    ok = len(types) == 1
    count_check = ("python readers agree" if ok else
                   "python readers DISAGREE: " + "; ".join(f"{r} {summary[r]['by_type']}" for r in py))
    if py:
        bt = summary[py[0]]["by_type"] or {}
        count_check += " (" + ", ".join(f"{k} {v}" for k, v in sorted(bt.items())) + ")"
    if "tamis" in summary and py:
        t = summary["tamis"]["records"]
        bt = summary[py[0]]["by_type"] or {}
        subsets = [("all records", list(bt)), ("response records", ["response"]),
                   ("response + resource records", ["response", "resource"]),
                   ("response + resource + conversion records", ["response", "resource", "conversion"])]
        match = next((name for name, ks in subsets if t == sum(bt.get(k, 0) for k in ks)), None)
        if match:
            count_check += f"; tamis documents = {t} = {match}"
            for r in summary:
                summary[r]["docs_s"] = t / summary[r]["best_s"]
        else:
            ok = False
            count_check += f"; tamis documents = {t} MATCHES NO record subset"
        if summary["tamis"].get("decompressed_bytes_reported") not in (None, decomp):
            notes.append(f"tamis decompressed_bytes {summary['tamis']['decompressed_bytes_reported']} "
                         f"!= {decomp} measured with zlib")

    # ----- markdown
    now = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    lines = [f"# WARC reading: tamis scan vs FastWARC vs warcio ({now})", "",
             f"- machine: {cpu_model()}, {os.cpu_count()} cores, Linux {platform.release()}; "
             f"every reader pinned to one core (`taskset -c {args.cpu}`)" if args.cpu is not None else
             f"- machine: {cpu_model()}, {os.cpu_count()} cores; NOT pinned",
             f"- load average before / after: {load0[0]:.2f} / {os.getloadavg()[0]:.2f} (1 min)",
             f"- input: {len(files)} file(s), {comp / 1e6:.1f} MB gzip, **{decomp / 1e6:.1f} MB decompressed** "
             f"(`{os.path.relpath(os.path.dirname(files[0]), REPO)}/`)",
             f"- best of {args.reps} runs per reader (runs interleaved); MB = 10^6 bytes of decompressed WARC; "
             f"Python readers time their read loop, tamis its own `seconds`",
             f"- record counts: {count_check}",
             "- records/s counts each reader's own records (Python readers: every record; tamis: its "
             "documents); docs/s divides tamis' document count by each reader's time", ""]
    lines += ["| reader | version / API | records | responses | payload MB | best s | median s | "
              "MB/s | records/s | docs/s (tamis' doc set) | process wall s (best) |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r, s in summary.items():
        pay = f"{s['payload_bytes'] / 1e6:.1f}" if s.get("payload_bytes") is not None else "–"
        lines.append(f"| {r} | {s['version']} / {s['api']} | {s['records']} | {s['responses'] if s['responses'] is not None else '–'} "
                     f"| {pay} | {s['best_s']:.3f} | {s['median_s']:.3f} | {s['mb_s']:.1f} | "
                     f"{s['records_s']:.0f} | {s['docs_s']:.0f} | {s['wall_best_s']:.3f} |"
                     if "docs_s" in s else
                     f"{s['records_s']:.0f} | – | {s['wall_best_s']:.3f} |")
    lines.append("")
    if "tamis" in summary:
        for other in py:
            lines.append(f"- tamis / {other}: **{summary['tamis']['mb_s'] / summary[other]['mb_s']:.2f}x** "
                         f"(MB/s ratio)")
    else:
        for other in py[1:]:
            lines.append(f"- {py[0]} / {other}: {summary[py[0]]['mb_s'] / summary[other]['mb_s']:.2f}x")
    if notes:
        lines += ["", "Notes:"] + [f"- {n}" for n in notes]
    lines += ["", "All runs (seconds):", ""]
    for r, s in summary.items():
        lines.append(f"- {r}: " + ", ".join(f"{x:.3f}" for x in s["all_s"]))
    lines += ["", f"Command: `{' '.join([os.path.relpath(sys.argv[0], os.getcwd())] + sys.argv[1:])}`", ""]
    md = "\n".join(lines)
    print(md)
    if "tamis" in readers:
        shutil.rmtree(os.path.dirname(args.tamis), ignore_errors=True)
    if not args.no_write:
        os.makedirs(args.results_dir, exist_ok=True)
        path = args.out or out_path(args.results_dir, "warc-read", "md")
        with open(path, "w") as fh:
            fh.write(md)
        with open(os.path.splitext(path)[0] + ".json", "w") as fh:
            json.dump({"date": now, "files": [os.path.relpath(f, REPO) for f in files],
                       "compressed_bytes": comp, "decompressed_bytes": decomp, "cpu": args.cpu,
                       "reps": args.reps, "count_check": count_check, "ok": ok, "readers": summary,
                       "notes": notes}, fh, indent=1)
        print(f"warc_read: wrote {path}", file=sys.stderr)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
