#!/usr/bin/env python3
"""datatrove's FineWeb recipe on datatrove's `RayPipelineExecutor`, for a side by side with `tamis.ray.run`.

Runs, on a local Ray with --cpus CPUs started by this script, one Ray task per WARC.gz file of --corpus
(`workers` = --cpus): WarcReader -> Trafilatura(favour_precision=True) -> LanguageFilter (lid.176.ftz)
-> GopherRepetitionFilter -> GopherQualityFilter -> C4QualityFilter(filter_no_terminal_punct=False)
-> FineWebQualityFilter -> PIIFormatter -> JsonlWriter, as datatrove's examples/fineweb.py (its first
stage) with URLFilter left out (its blocklist is downloaded at run time). Prints one JSON line: wall
seconds (Ray start-up excluded: `ray.init` runs before the clock starts; actor and model start-up are
included), documents in (the HTML response records WarcReader yields, from datatrove's stats.json) and
out, the CPU seconds of the task processes (getrusage of each task process and its reaped children —
the Trafilatura sandbox — taken at the end of its stream; Ray's own daemons are not counted), and the
path of the sorted kept ids (WARC-Record-ID without <>, as tamis writes them).

usage: /work/venv-dt/bin/python bench/ray_datatrove.py [--corpus DIR] [--cpus N] [--out DIR] [--limit-files K]
venv: python3 -m venv /work/venv-dt && /work/venv-dt/bin/pip install "datatrove[processing,ray]==0.10.1" \
      spacy "xxhash<4" warcio faust-cchardet python-magic aiohttp orjson "ray[data]>=2.60,<3"
Pitfalls (and the recipe itself): bench/dt_fineweb.py. JsonlWriter needs
orjson, which no datatrove extra pulls in. xxhash 4.x breaks datatrove's MinHash. python-magic needs the
system libmagic. A reused logging_dir skips the tasks marked completed there, so --out must be new.
"""

import argparse, gzip, json, os, resource, sys, tempfile, time
from pathlib import Path

os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # a local Ray bound to 127.0.0.1

import ray  # noqa: E402
from datatrove.executor.ray import RayPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import WarcReader  # noqa: E402
from datatrove.pipeline.writers.jsonl import JsonlWriter  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dt_fineweb import LID_MODEL, REPO, fineweb_steps  # noqa: E402


class CpuProbe:
    """Last pipeline step: drains the stream, then writes this task process's CPU seconds (its own and
    its reaped children's) to <dir>/<rank>.json."""

    def __init__(self, directory: str):
        self.directory = directory

    def __call__(self, data, rank: int = 0, world_size: int = 1):
        yield from data or ()
        cpu = sum(r.ru_utime + r.ru_stime for r in
                  (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))
        Path(self.directory, f"{rank:05d}.json").write_text(json.dumps({"cpu_s": cpu}))


def fineweb_pipeline(files: list[Path], out: Path, timeout: float) -> list:
    return [
        WarcReader(str(files[0].parent), glob_pattern=None, paths_file=str(out / "paths.txt")),
        *fineweb_steps(timeout),
        JsonlWriter(str(out / "output")),
        CpuProbe(str(out / "cpu")),
    ]


def step_count(stats: list[dict], name_part: str, key: str) -> int:
    for step in stats:
        if name_part in step["name"]:
            return int(step["stats"].get(key, {}).get("total", 0))
    return 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default=str(REPO / "bench/work/corpus-warc1g/warc"))
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--out", default=None, help="output dir (new temp dir by default; must not exist)")
    ap.add_argument("--limit-files", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=1.0, help="Trafilatura timeout per page (s)")
    args = ap.parse_args()
    if not LID_MODEL.exists():
        sys.exit(f"{LID_MODEL} missing: run bash scripts/fetch-models.sh")
    files = sorted(Path(args.corpus).glob("*.warc.gz"))[: args.limit_files or None]
    if not files:
        sys.exit(f"no *.warc.gz in {args.corpus}")
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="ray-datatrove-")) / "run"
    if out.exists():
        sys.exit(f"{out} exists: datatrove would skip the tasks it records as completed there")
    (out / "cpu").mkdir(parents=True)
    # relative to the reader's folder, one line per file: task i reads line i (tasks = files)
    (out / "paths.txt").write_text("".join(f"{f.name}\n" for f in files))

    ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False)
    try:
        executor = RayPipelineExecutor(
            pipeline=fineweb_pipeline(files, out, args.timeout), tasks=len(files), workers=args.cpus,
            logging_dir=str(out / "logs"), cpus_per_task=1, mem_per_cpu_gb=2)
        t = time.monotonic()
        executor.run()
        wall = time.monotonic() - t
    finally:
        ray.shutdown()

    stats_file = out / "logs" / "stats.json"
    if not stats_file.exists():
        sys.exit(f"no {stats_file}: some task failed, see {out / 'logs' / 'logs'}")
    stats = json.loads(stats_file.read_text())
    ids = sorted(json.loads(line)["id"].strip("<>")
                 for f in sorted((out / "output").glob("*.jsonl.gz")) for line in gzip.open(f, "rt"))
    (out / "kept_ids.txt").write_text("".join(i + "\n" for i in ids))
    cpu = [json.loads(p.read_text())["cpu_s"] for p in (out / "cpu").glob("*.json")]
    line = {"tool": "datatrove RayPipelineExecutor", "cpus": args.cpus, "files": len(files),
            "docs_in": step_count(stats, "Warc", "documents"), "docs_out": len(ids),
            "wall_s": round(wall, 2)}
    if len(cpu) == len(files):
        line["cpu_s"] = round(sum(cpu), 2)
    line["kept_ids"] = str(out / "kept_ids.txt")
    print(json.dumps(line))


if __name__ == "__main__":
    main()
