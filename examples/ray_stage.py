"""tamis's per-document stages on Ray Data, on a local Ray (2 CPUs).

    pip install crates/tamis-py "ray[data]"
    bash scripts/fetch-models.sh
    python examples/ray_stage.py

Reads the bundled sample crawl with tamis's reader, spreads it over 4 blocks, runs extraction,
language ID, the quality filters and PII masking in `map_batches`, and prints what was kept.
"""

import os
from pathlib import Path

import ray

import tamis
import tamis.ray

HERE = Path(__file__).resolve().parent
os.environ.setdefault("TAMIS_LID_MODEL", str(HERE.parent / "models" / "lid.176.ftz"))
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # a local Ray on 127.0.0.1 only

# The default pipeline without its corpus-wide steps (site lines, exact dedup).
config = tamis.Pipeline.default().to_dict()
config["stages"] = [s for s in config["stages"] if s["type"] != "exact_dedup"]
for stage in config["stages"]:
    if stage["type"] == "clean_lines":
        stage["site_lines"] = False

ray.init(num_cpus=2, include_dashboard=False)
pages = tamis.read(HERE / "crawl.warc.gz").read_all()
ds = ray.data.from_arrow(pages).repartition(4)
out = ds.map_batches(
    tamis.ray.Stage,
    fn_constructor_args=(config,),
    fn_constructor_kwargs={"removed": True},
    batch_format="pyarrow",
    concurrency=2,
    num_cpus=0.5,
)
for row in sorted(out.take_all(), key=lambda r: r["id"]):
    verdict = row["removed_by"] or f"kept ({row['language']}, {len(row['text'])} chars)"
    print(f"{row['url'] or row['id']}: {verdict}")
ray.shutdown()
