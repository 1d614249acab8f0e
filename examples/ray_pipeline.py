"""A whole tamis pipeline on Ray, corpus-wide steps included, on a local Ray (2 CPUs).

    pip install crates/tamis-py "ray[data]"
    bash scripts/fetch-models.sh
    python examples/ray_pipeline.py [OUT]

Runs the default pipeline plus MinHash near-dedup over the bundled sample (its WARC, JSONL and HTML
pages) with `tamis.ray.run`: one task per file and step, site-frequent lines, exact and near
duplicates decided by Ray Data shuffles. Writes OUT (default: a temporary directory) as `tamis run`
would and prints the report's counts. On a cluster, `ray.init(address="auto")` and paths every
worker reaches: a shared file system, or object storage (`s3://bucket/crawl/`).
"""

import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
os.environ.setdefault("TAMIS_LID_MODEL", str(HERE.parent / "models" / "lid.176.ftz"))
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # a local Ray on 127.0.0.1 only

import ray  # noqa: E402  (reads the variables above when imported)

import tamis  # noqa: E402
import tamis.ray  # noqa: E402

config = tamis.Pipeline.default().to_dict()
config["stages"].append({"type": "minhash_dedup"})
out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="tamis-ray-")) / "out"

ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
inputs = [HERE / "crawl.warc.gz", HERE / "crawl.jsonl", HERE / "pages"]
report = tamis.ray.run(inputs, config, out)
ray.shutdown()

d = report["documents"]
print(f"{d['in']} documents: {d['kept']} kept, {d['removed']} removed, {d['errors']} errors -> {out}")
for stage in report["stages"]:
    if stage["dropped"]:
        print(f"  {stage['name']}: " + ", ".join(f"{k} {v}" for k, v in sorted(stage["dropped"].items())))
print(f"  shuffled: {report['ray']['shuffled']}")
