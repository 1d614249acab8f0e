#!/usr/bin/env python3
"""What tamis.ray.run's corpus-wide steps shuffle per document, measured on real corpora: the
default pipeline plus `minhash_dedup` over a WARC corpus, and exact + MinHash dedup over the HPLT
sample's 40 199 documents (split in 8 files). Prints rows and bytes per input document for each
shuffle and the connected-components rounds (report.json's "ray" section), and the peak RSS of the
Ray workers is left to `bench/results/` (read from /proc by the caller if wanted).

usage: python bench/ray_volumes.py [--warc DIR] [--cpus 2]
Needs the wheel and ray[data] in the running Python.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
os.environ.setdefault("TAMIS_LID_MODEL", str(REPO / "models" / "lid.176.ftz"))
HPLT = REPO.parent / "shared" / "data" / "hplt-v2-inspection" / "hplt-v2-inspection-subset.jsonl.xz"


def show(name: str, report: dict, seconds: float) -> dict:
    docs = report["documents"]["in"]
    row = {"corpus": name, "documents": docs, "seconds": round(seconds, 1), "minhash": report.get("minhash")}
    for step, v in report["ray"]["shuffled"].items():
        row[step] = {"rows_per_doc": round(v["rows"] / docs, 2), "bytes_per_doc": round(v["bytes"] / docs, 1),
                     **({"rounds": v["components_rounds"]} if "components_rounds" in v else {})}
    print(json.dumps(row), flush=True)
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--warc", default=str(REPO / "bench/work/corpus-warc1g/warc"))
    ap.add_argument("--cpus", type=int, default=2)
    args = ap.parse_args()
    import ray

    import tamis
    import tamis.ray

    work = Path(tempfile.mkdtemp(prefix="ray-volumes-"))
    ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False, configure_logging=False)
    config = tamis.Pipeline.default().to_dict()
    config["stages"].append({"type": "minhash_dedup"})
    t = time.monotonic()
    show("warc (default + minhash_dedup)", tamis.ray.run(args.warc, config, work / "warc", progress=False), time.monotonic() - t)
    if HPLT.exists():
        lines = lzma.open(HPLT, "rt").read().splitlines(keepends=True)
        (work / "hplt").mkdir()
        step = len(lines) // 8 + 1
        for n in range(8):
            (work / "hplt" / f"hplt-{n}.jsonl").write_text("".join(lines[n * step:(n + 1) * step]))
        dedup = {"stages": [{"type": "exact_dedup"}, {"type": "minhash_dedup"}], "tokens": {"encodings": []}}
        t = time.monotonic()
        show("hplt (exact + minhash_dedup)", tamis.ray.run(work / "hplt", dedup, work / "hplt-out", progress=False), time.monotonic() - t)
    ray.shutdown()


if __name__ == "__main__":
    main()
