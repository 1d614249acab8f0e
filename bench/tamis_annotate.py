"""Run tamis's filters in annotate mode through the CLI and read back each document's verdicts.

Shared by the parity scripts: one `tamis run --threads 1` with the given stages, every stage with
`annotate = true` plus the given options; a stage's verdict on a document is the reason it flagged
(`metadata.flagged_by = ["stage.reason", ...]`), or None when it kept it.
"""
import glob
import gzip
import json
import os
import subprocess
import time


def run_annotated(tamis, stages, options, input_path, outdir, config_path):
    """Returns ({(stage, id): reason or None}, {id: metadata.signals}, seconds)."""
    with open(config_path, "w") as f:
        f.write('[output]\nformat = "jsonl"\n')
        for stage in stages:
            f.write(f'\n[[stages]]\ntype = "{stage}"\nannotate = true\n')
            for key, value in options.items():
                f.write(f"{key} = {json.dumps(value)}\n")
    t0 = time.perf_counter()
    subprocess.run([tamis, "run", "-o", outdir, "--threads", "1", "--config", config_path, input_path],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - t0
    verdicts, signals = {}, {}
    for path in glob.glob(os.path.join(outdir, "kept", "*.jsonl*")):
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt") as f:
            for line in f:
                d = json.loads(line)
                md = d.get("metadata", {})
                flagged = md.get("flagged_by", [])
                for stage in stages:
                    hit = [x for x in flagged if x.startswith(stage + ".")]
                    verdicts[(stage, d["id"])] = hit[0].split(".", 1)[1] if hit else None
                signals[d["id"]] = md.get("signals", {})
    return verdicts, signals, elapsed
