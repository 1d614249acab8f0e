"""Verdict parity of tamis's gopher_quality / gopher_repetition / fineweb_quality stages with
datatrove's GopherQualityFilter / GopherRepetitionFilter / FineWebQualityFilter (defaults).

For each language, documents come from the HPLT v2 inspection subset (eng_Latn / fra_Latn /
deu_Latn) and, for English, the cc-text-samples files. datatrove's verdict is `filter(doc)`;
tamis's is read from an annotate-mode run of the CLI (`metadata.flagged_by`), one stage per run,
with `language = <lang>` and `per_language = false` (datatrove's default thresholds).

Usage (from the repository root, after `cargo build --release -p tamis-cli`; needs datatrove and
spaCy in the Python environment):

    python bench/quality_parity.py [--langs en,fr,de] [--n 2000] [--show 10] [--tamis target/release/tamis]
"""

import argparse
import glob
import gzip
import json
import lzma
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tamis_annotate import run_annotated  # noqa: E402

from datatrove.data import Document
from datatrove.pipeline.filters import FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter

DATA = os.environ.get("TAMIS_SHARED_DATA", "/work/shared/data")
HPLT = f"{DATA}/hplt-v2-inspection/hplt-v2-inspection-subset.jsonl.xz"
CC = f"{DATA}/cc-text-samples/*.jsonl.gz"
HPLT_LANG = {"en": "eng_Latn", "fr": "fra_Latn", "de": "deu_Latn"}

FILTERS = {
    "gopher_quality": GopherQualityFilter,
    "gopher_repetition": GopherRepetitionFilter,
    "fineweb_quality": FineWebQualityFilter,
}


def load_docs(lang, n):
    docs = []
    with lzma.open(HPLT, "rt") as f:
        for line in f:
            d = json.loads(line)
            if d.get("lang") == HPLT_LANG[lang]:
                docs.append({"id": f"hplt-{d['id']}", "text": d["text"]})
    if lang == "en":
        for path in sorted(glob.glob(CC)):
            name = os.path.basename(path).split(".")[0]
            with gzip.open(path, "rt") as f:
                for i, line in enumerate(f):
                    d = json.loads(line)
                    docs.append({"id": f"cc-{name}-{i}", "text": d["text"]})
    return docs[:n]


def datatrove_verdicts(stage, lang, docs):
    f = FILTERS[stage](language=lang)
    out = {}
    t0 = time.perf_counter()
    for d in docs:
        r = f.filter(Document(text=d["text"], id=d["id"]))
        out[d["id"]] = None if r is True else r[1]
    return out, time.perf_counter() - t0


def tamis_verdicts(tamis, stage, lang, input_path, workdir):
    verdicts, signals, elapsed = run_annotated(
        tamis, [stage], {"language": lang, "per_language": False}, input_path,
        os.path.join(workdir, f"out-{stage}-{lang}"), os.path.join(workdir, f"{stage}-{lang}.toml"))
    return ({i: r for (_, i), r in verdicts.items()},
            {i: sig.get(stage, {}) for i, sig in signals.items()}, elapsed)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--langs", default="en,fr,de")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--show", type=int, default=10)
    ap.add_argument("--tamis", default="target/release/tamis")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="quality-parity-") as workdir:
        for lang in args.langs.split(","):
            docs = load_docs(lang, args.n)
            input_path = os.path.join(workdir, f"input-{lang}.jsonl")
            with open(input_path, "w") as f:
                for d in docs:
                    f.write(json.dumps(d) + "\n")
            for stage in FILTERS:
                dt, dt_s = datatrove_verdicts(stage, lang, docs)
                tm, sig, tm_s = tamis_verdicts(args.tamis, stage, lang, input_path, workdir)
                missing = [d["id"] for d in docs if d["id"] not in tm]
                agree = sum(1 for d in docs if d["id"] in tm and tm[d["id"]] == dt[d["id"]])
                dropped_dt = sum(1 for v in dt.values() if v)
                print(f"{lang} {stage}: {agree}/{len(docs)} = {100 * agree / len(docs):.2f}% agree "
                      f"(datatrove drops {dropped_dt}; missing in tamis output {len(missing)}; "
                      f"datatrove {dt_s:.1f}s, tamis CLI {tm_s:.1f}s)")
                shown = 0
                for d in docs:
                    i = d["id"]
                    if tm.get(i, "<missing>") != dt[i] and shown < args.show:
                        shown += 1
                        print(f"    {i}: datatrove={dt[i]} tamis={tm.get(i, '<missing>')} signals={json.dumps(sig.get(i))}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
