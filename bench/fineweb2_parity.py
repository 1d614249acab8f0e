"""Verdict parity of tamis's per-language (FineWeb-2) mode with datatrove's filters configured as
huggingface/fineweb-2's `fineweb-2-pipeline.py` configures them.

For every language of `crates/tamis/src/filters/fineweb2.rs` that has documents in the HPLT v2
inspection subset:

- datatrove 0.10.1: `GopherRepetitionFilter`, `FineWebQualityFilter`, `GopherQualityFilter` built with
  the pipeline's kwargs (step 5 of fineweb-2-pipeline.py), `language=<config name>` (e.g. `fra_Latn`,
  which picks the language's word tokenizer from datatrove's `tokenizer_assignment.csv`) and the
  language's values, parsed from fineweb2.rs (the table generated from FineWeb-2's `configs/*.yml`);
  the pipeline's literal constants (`dup_para_frac=0`, `short_line_thr=999`, `min_stop_words=2`, ...)
  are written here as the pipeline writes them, not taken from tamis's mapping.
- tamis: one annotate-mode CLI run per language with the three stages, `language = "<iso1>"`,
  `per_language = true` (verdicts from `metadata.flagged_by`, signals from `metadata.signals`).

A verdict agrees when both keep, or both drop with the same reason. For every disagreement the
datatrove-side token count (`split_into_words(text, <config name>)`) is compared with tamis's
`gopher_quality.n_words` signal: a different count means the word tokenizers differ on that document.

Usage (repository root, after `cargo build --release -p tamis-cli`; Python with datatrove + spaCy,
plus the non-spaCy tokenizers datatrove assigns — `FINEWEB2_TOKENIZERS=1 bash bench/setup.sh` installs them: sudachipy + sudachidict_core (ja), jieba (zh),
pyvi (vi), pythainlp (th), kiwipiepy (ko), indic-nlp-library (hi)):

    python bench/fineweb2_parity.py [--langs fr,de,...] [--n 1000] [--show 5] [--json out.json]
                                    [--drop-excerpt-marks]

Results: bench/results/fineweb2-parity-2026-11-25.md.
"""

import argparse
import collections
import json
import lzma
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tamis_annotate import run_annotated  # noqa: E402

from datatrove.data import Document
from datatrove.pipeline.filters import FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter
from datatrove.utils.text import split_into_words

DATA = os.environ.get("TAMIS_SHARED_DATA", "/work/shared/data")
HPLT = f"{DATA}/hplt-v2-inspection/hplt-v2-inspection-subset.jsonl.xz"
FINEWEB2_RS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crates/tamis/src/filters/fineweb2.rs")

# HPLT labels for a fineweb2.rs language when they differ from the FineWeb-2 config name
# (HPLT uses macro-language / other codes for these).
HPLT_LABELS = {
    "ar": ["ara_Arab"],  # FineWeb-2 config arb_Arab
    "fa": ["pes_Arab"],  # FineWeb-2 config fas_Arab
    "zh": ["zho_Hans", "zho_Hant"],  # FineWeb-2 config cmn_Hani
}

STAGES = ["gopher_repetition", "fineweb_quality", "gopher_quality"]


def parse_fineweb2_rs(path):
    """The TABLE of fineweb2.rs as {iso1: {config, field: value}}."""
    src = open(path, encoding="utf-8").read()
    block_re = re.compile(r"// configs/(\w+)\.yml @ \w+\n\s*LanguageParams \{(.*?)\n\s*\},", re.S)
    out = {}
    for config, body in block_re.findall(src):
        fields = {}
        for name, value in re.findall(r"^\s*(\w+): (.*),$", body, re.M):
            value = value.strip()
            if value.startswith('"'):
                fields[name] = json.loads(value)
            elif value.startswith("&[") and name == "stop_words":
                fields[name] = json.loads("[" + value[2:-1] + "]")
            elif value.startswith("&["):
                fields[name] = [[int(n), float(x)] for n, x in re.findall(r"\((\d+), ([0-9.e-]+)\)", value)]
            elif value == "None":
                fields[name] = None
            elif value.startswith("Some("):
                fields[name] = float(value[5:-1])
            else:
                fields[name] = float(value)
        fields["config"] = config
        out[fields["language"]] = fields
    assert len(out) >= 30, f"parsed only {len(out)} entries from {path}"
    return out


def datatrove_filters(p):
    """The three filters as fineweb-2-pipeline.py builds them (YAML values from fineweb2.rs)."""
    lang_script = p["config"]
    return {
        "gopher_repetition": GopherRepetitionFilter(
            language=lang_script,
            dup_para_frac=0,
            dup_line_char_frac=0,
            dup_para_char_frac=0,
            dup_line_frac=p["dup_line_frac"],
            top_n_grams=p["top_n_grams"],
            dup_n_grams=p["dup_n_grams"],
        ),
        "fineweb_quality": FineWebQualityFilter(
            language=lang_script,
            short_line_thr=999,
            char_duplicates_ratio=0.1,
            line_punct_thr=p["line_punct_thr"],
            new_line_ratio=p["new_line_ratio"],
        ),
        "gopher_quality": GopherQualityFilter(
            language=lang_script,
            max_avg_word_length=p["max_avg_word_length"],
            min_avg_word_length=p["min_avg_word_length"],
            stop_words=p["stop_words"],
            max_non_alpha_words_ratio=p["max_non_alpha_words_ratio"],
            min_stop_words=2,
        ),
    }


def datatrove_signals(stage, text, words, p):
    """datatrove's values of the rules of `stage` (same names as tamis's signals), for the notes."""
    from datatrove.pipeline.filters.gopher_repetition_filter import find_all_duplicate, find_top_duplicate, get_n_grams
    from datatrove.utils.text import PUNCTUATION_SET

    if stage == "gopher_quality":
        nsw = [w for w in words if any(ch not in PUNCTUATION_SET for ch in w)]
        return {"n_words": len(words), "n_non_symbol_words": len(nsw),
                "avg_word_length": sum(map(len, nsw)) / len(nsw) if nsw else None,
                "alpha_words_ratio": sum(any(c.isalpha() for c in w) for w in words) / len(words) if words else None,
                "stop_words": len(set(p["stop_words"]) & set(words))}
    if stage == "fineweb_quality":
        return {"n_words": len(words), "list_ratio": text.count("\n") / len(words) if words else None}
    out = {"n_words": len(words)}
    for n, _ in p["top_n_grams"]:
        grams = get_n_grams(words, n)
        if grams:
            out[f"top_{n}_gram"] = find_top_duplicate(grams) / len(text)
    for n, _ in p["dup_n_grams"]:
        out[f"duplicated_{n}_n_grams"] = find_all_duplicate(words, n) / len(text)
    return out


# The HPLT inspection subset stores excerpts: head and tail of a document joined by a line of dots
# ("\n..........\n"). That line ends with "...", so on a 3-line text GopherQuality's end-ellipsis rule
# (> 0.3 of lines) fires before the alpha-ratio and stop-word rules are reached. --drop-excerpt-marks
# removes such lines so that the per-language rules behind it are exercised too.
EXCERPT_MARK = re.compile(r"\n\.{4,}\n")


def load_hplt(drop_marks=False):
    by_label = collections.defaultdict(list)
    with lzma.open(HPLT, "rt") as f:
        for line in f:
            d = json.loads(line)
            text = EXCERPT_MARK.sub("\n", d["text"]) if drop_marks else d["text"]
            by_label[d["lang"]].append({"id": f"hplt-{d['id']}", "text": text})
    return by_label


def tamis_run(tamis, iso1, input_path, workdir):
    return run_annotated(tamis, STAGES, {"language": iso1, "per_language": True}, input_path,
                         os.path.join(workdir, f"out-{iso1}"), os.path.join(workdir, f"fw2-{iso1}.toml"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--langs", default="", help="comma-separated ISO 639-1 codes (default: all with HPLT docs)")
    ap.add_argument("--n", type=int, default=1000, help="max documents per language")
    ap.add_argument("--show", type=int, default=5, help="disagreements printed per language and filter")
    ap.add_argument("--tamis", default="target/release/tamis")
    ap.add_argument("--json", default="", help="write the per-language results here")
    ap.add_argument("--drop-excerpt-marks", action="store_true",
                    help="remove the inspection subset's '..........' separator lines (see below) first")
    args = ap.parse_args()

    table = parse_fineweb2_rs(FINEWEB2_RS)
    hplt = load_hplt(args.drop_excerpt_marks)
    langs = args.langs.split(",") if args.langs else sorted(table)
    results = []
    with tempfile.TemporaryDirectory(prefix="fineweb2-parity-") as workdir:
        for iso1 in langs:
            p = table[iso1]
            labels = HPLT_LABELS.get(iso1, [p["config"]])
            docs = [d for label in labels for d in hplt.get(label, [])][: args.n]
            if not docs:
                print(f"{iso1} ({p['config']}): no HPLT documents, skipped")
                continue
            input_path = os.path.join(workdir, f"input-{iso1}.jsonl")
            with open(input_path, "w") as f:
                for d in docs:
                    f.write(json.dumps(d) + "\n")
            tm, sig, tm_s = tamis_run(args.tamis, iso1, input_path, workdir)

            try:
                filters = datatrove_filters(p)
                t0 = time.perf_counter()
                dt, dt_words, texts = {}, {}, {}
                for d in docs:
                    texts[d["id"]] = d["text"]
                    doc = Document(text=d["text"], id=d["id"])
                    for stage, flt in filters.items():
                        r = flt.filter(doc)
                        dt[(stage, d["id"])] = None if r is True else r[1]
                    dt_words[d["id"]] = len(split_into_words(d["text"], p["config"]))
                dt_s = time.perf_counter() - t0
            except Exception as e:  # a tokenizer package missing: not comparable
                print(f"{iso1} ({p['config']}): datatrove failed: {type(e).__name__}: {e}")
                results.append({"lang": iso1, "config": p["config"], "hplt": labels, "docs": len(docs),
                                "error": f"{type(e).__name__}: {e}"})
                continue

            tok_same = sum(1 for d in docs if sig.get(d["id"], {}).get("gopher_quality", {}).get("n_words")
                           == dt_words[d["id"]])
            row = {"lang": iso1, "config": p["config"], "hplt": labels, "docs": len(docs),
                   "token_count_equal": tok_same, "datatrove_s": round(dt_s, 1), "tamis_s": round(tm_s, 1),
                   "filters": {}}
            print(f"{iso1} ({p['config']}, HPLT {'+'.join(labels)}): {len(docs)} docs; token count equal on "
                  f"{tok_same}/{len(docs)}; datatrove {dt_s:.1f}s, tamis CLI {tm_s:.1f}s")
            for stage in STAGES:
                keys = [(stage, d["id"]) for d in docs]
                agree = sum(1 for k in keys if k in tm and tm[k] == dt[k])
                dropped_dt = sum(1 for k in keys if dt[k])
                dropped_tm = sum(1 for k in keys if tm.get(k))
                dis = [k for k in keys if tm.get(k, "<missing>") != dt[k]]
                dis_tok = sum(1 for _, i in dis
                              if sig.get(i, {}).get("gopher_quality", {}).get("n_words") != dt_words[i])
                pairs = collections.Counter(f"{dt[k]}->{tm.get(k, '<missing>')}" for k in dis)
                row["filters"][stage] = {"agree": agree, "dt_drops": dropped_dt, "tamis_drops": dropped_tm,
                                         "disagree": len(dis), "disagree_token_count_differs": dis_tok,
                                         "pairs": dict(pairs.most_common())}
                print(f"  {stage}: {agree}/{len(docs)} = {100 * agree / len(docs):.2f}% agree (drops: datatrove "
                      f"{dropped_dt}, tamis {dropped_tm}; {len(dis)} disagreements, {dis_tok} with a different "
                      f"token count) {dict(pairs.most_common())}")
                for k in dis[: args.show]:
                    i = k[1]
                    words = split_into_words(texts[i], p["config"])
                    print(f"    {i}: datatrove={dt[k]} tamis={tm.get(k, '<missing>')}\n"
                          f"      datatrove signals={json.dumps(datatrove_signals(stage, texts[i], words, p))}\n"
                          f"      tamis signals={json.dumps(sig.get(i, {}).get(stage))}")
            results.append(row)
            sys.stdout.flush()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
