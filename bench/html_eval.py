#!/usr/bin/env python3
"""Main-content extraction on the HTML gold sets of ../shared/data: tamis vs trafilatura vs resiliparse.

Every tool extracts the same pages (the raw page bytes); quality is scored with each gold set's own
metric, re-implemented here from the set's official evaluation script (sources below), and speed is
reported side by side, every tool on one core.

Sets (--set; `all` = the four in turn):
  aeb          scrapinghub article-extraction-benchmark, 181 pages (scrapinghub-aeb/html/<id>.html.gz,
               ground-truth.json articleBody). Metric of its evaluate.py (scrapinghub/
               article-extraction-benchmark@11b407d): tokens \\w+ (case kept), 4-token shingles with
               counts (a text of < 4 tokens is one shingle, no token no shingle); per page TP/FP/FN =
               shingle-count overlap / extra / missing, divided by their sum; P = mean of tp/(tp+fp) over
               pages with tp+fp > 0, R = mean of tp/(tp+fn) over pages with tp+fn > 0 (fp = fn = 0 -> 1,
               tp = fp = 0 -> P 0, tp = fn = 0 -> R 0); F1 = 2PR/(P+R) of those means; ± = 1.96 x stdev
               of 1 000 bootstrap resamples of the pages (seeded here, so runs repeat).
  wcxb         WCXB dev split, 1 497 pages (wcxb/dev/{html,ground-truth}). Metric of its evaluate.py
               (Murrough-Foley/web-content-extraction-benchmark@70e37e5): tokens \\w+ of the lower-cased
               text, multiset overlap with ground_truth.main_content; P = overlap/|pred|, R = overlap/|ref|,
               F1 per page; empty reference: P = R = F1 = 1 if the prediction has no token else 0; empty
               prediction: 0; macro-average over all pages and per page type (_internal.page_type.primary
               of the ground-truth file, default article, "category" counted as collection). Also its
               snippet rates: share of `with` / `without` snippets found (lower-cased substring).
  trafilatura  trafilatura's evaluation set, 990 pages (trafilatura-eval/{evaldata.json,html}). Metric of
               adbar/trafilatura tests/eval_common.py (@d5f6da0): per page TP = `with` snippets found,
               FN = not found, FP = `without` snippets found, TN = not found; matching = substring after
               collapsing whitespace runs to one space and stripping; an exception or None output counts
               as nothing found; summed over pages; P, R, accuracy = (TP+TN)/all, F1 = 2TP/(2TP+FP+FN).
  cleaning     html-cleaning-merged, 1 833 pages in 5 sub-sets (CleanEval dev, CleanPortalEval, Dragnet
               train, L3S-GN1 "page-signal", Readability tests). No official script covers them all; issue 4
               asks for word F1: WCXB's word_f1 per page, macro-averaged per sub-set (and over all pages).
               Gold parsed by html_gold.cleaning_gold (shared with furniture_eval.py). Pages whose parsed
               gold has no word are left out (gold-format artefacts, not "no content" judgements); the
               report counts them.

Tools (--tools, comma-separated):
  trafilatura            trafilatura.extract(page_bytes, include_comments=False, include_tables=True,
                         include_formatting=False): the canonical options of its own evaluation (eval_common.py
                         EXTRACT_OPTS); it decodes the bytes itself, as in that evaluation.
  trafilatura-precision  the datatrove/FineWeb configuration: extract(page_bytes, favor_precision=True,
                         include_comments=False, deduplicate=True); the dedup cache is cleared before each
                         set (trafilatura.meta.reset_caches) so runs do not depend on what ran before.
  resiliparse            extract_plain_text(bytes_to_str(b, detect_encoding(b)), main_content=True), the
                         decoding resiliparse's docs recommend (and trafilatura's evaluation uses).
  tamis                  `TAMIS run -o OUT --threads 1 --config bench/configs/extract.toml PAGEDIR`, the pages
                         written as PAGEDIR/<n>.html (raw bytes); records read back from OUT/kept/*.jsonl*
                         (`id` = the input path, mapped back by file name). Skipped with a message when the
                         binary is missing or does not know a stage type of the config.

Speed: the process is pinned to one core (--cpu) and the tamis subprocess inherits the pin (plus
--threads 1). trafilatura and resiliparse run in-process after one warm-up call; their time is the sum
over the extraction calls only (reading files excluded, bytes decoding included). tamis's time is that
of the whole subprocess: process start, reading the .html files, extraction and writing JSONL, so it is
conservative for tamis. Throughput is per CPU-second (process CPU time; for tamis the child's user+sys
time from getrusage), so it stays a per-core figure when other jobs share the core; wall seconds are
reported next to it. pages/s = pages / CPU s; MB/s = raw HTML bytes (10^6) / CPU s. With --reps N every
tool runs N times and the run with least CPU time counts (quality from the first run).

usage: bench/.venv/bin/python bench/html_eval.py [--set aeb|wcxb|trafilatura|cleaning|all]
           [--tools tamis,trafilatura,trafilatura-precision,resiliparse] [--limit N] [--data DIR]
           [--out FILE.md] [--tamis BIN] [--tamis-config TOML] [--cpu N] [--reps N]
"""
import argparse
import collections
import datetime as dt
import glob
import gzip
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

from html_gold import CLEANEVAL_SETS, cleaning_gold, cleaning_pairs, machine

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TAMIS_DATA", str(ROOT.parent / "shared" / "data")))
DEFAULT_TOOLS = "tamis,trafilatura,trafilatura-precision,resiliparse"
WCXB_TYPES = ["article", "forum", "product", "collection", "listing", "documentation", "service"]


# ---------------------------------------------------------------- metrics (official definitions)

WORD = re.compile(r"\w+")  # re is Unicode-aware for str by default, like the scripts' flags


def wcxb_tokens(text):
    return WORD.findall(text.lower()) if text else []


def word_f1(pred, ref):
    """WCXB word_f1 -> (precision, recall, f1)"""
    p_tok, r_tok = wcxb_tokens(pred), wcxb_tokens(ref)
    if not r_tok:
        return (1.0, 1.0, 1.0) if not p_tok else (0.0, 0.0, 0.0)
    if not p_tok:
        return 0.0, 0.0, 0.0
    overlap = sum((collections.Counter(p_tok) & collections.Counter(r_tok)).values())
    p, r = overlap / len(p_tok), overlap / len(r_tok)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def snippet_rate(text, snippets):
    """WCXB snippet_check: share of snippets found in the lower-cased text (1 when there are none)"""
    if not snippets:
        return 1.0
    low = (text or "").lower()
    return sum(1 for s in snippets if s.lower() in low) / len(snippets)


def shingles(text, n=4):
    tok = WORD.findall(text or "")
    return collections.Counter(tuple(tok[i:i + n]) for i in range(max(1, len(tok) - n + 1)) if tok[i:i + n])


def shingle_counts(true, pred):
    """AEB string_shingle_matching -> normalised (tp, fp, fn)"""
    t, p = shingles(true), shingles(pred)
    tp = sum((t & p).values())
    fp, fn = sum((p - t).values()), sum((t - p).values())
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def aeb_prf(counts):
    """AEB metrics_from_tp_fp_fns: means of per-page P and R (with its special cases), F1 of the means"""
    def prec(tp, fp, fn):
        return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)

    def rec(tp, fp, fn):
        return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)
    ps = [prec(*c) for c in counts if c[0] + c[1] > 0]
    rs = [rec(*c) for c in counts if c[0] + c[2] > 0]
    p = statistics.mean(ps) if ps else 0.0
    r = statistics.mean(rs) if rs else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def aeb_ci(counts, n_boot=1000, seed=0):
    """1.96 x stdev of F1 over bootstrap resamples of the pages (as evaluate.py, but seeded)"""
    rnd = random.Random(seed)
    f1s = []
    for _ in range(n_boot):
        f1s.append(aeb_prf([counts[rnd.randrange(len(counts))] for _ in counts])[2])
    return 1.96 * statistics.stdev(f1s) if len(f1s) > 1 else 0.0


def ws_norm(text):
    return re.sub(r"\s+", " ", text).strip()


def snippet_confusion(item, result):
    """trafilatura eval_common.count_item -> (tp, fp, fn, tn)"""
    if isinstance(result, str):
        res = ws_norm(result)
        tp = sum(1 for w in item["with"] if ws_norm(w) in res)
        fp = sum(1 for w in item["without"] if ws_norm(w) in res)
    else:
        tp = fp = 0
    return tp, fp, len(item["with"]) - tp, len(item["without"]) - fp


# ---------------------------------------------------------------- gold sets

class Page:
    __slots__ = ("id", "path", "gz", "group", "gold", "size")

    def __init__(self, pid, path, group, gold, gz=False):
        self.id, self.path, self.group, self.gold, self.gz = pid, Path(path), group, gold, gz
        self.size = len(self.read()) if gz else self.path.stat().st_size

    def read(self):
        data = self.path.read_bytes()
        return gzip.decompress(data) if self.gz else data


def find_dir(data, name, marker):
    """the set's folder in the unpacked data, else in ../shared/data (scrapinghub-aeb is stored unpacked
    there); `marker` must exist in it, so a folder holding only the .tar.xz is not taken for the set"""
    for base in (Path(data), SHARED):
        if (base / name / marker).exists():
            return base / name
    sys.exit(f"html_eval: {name}/{marker} not found in {data} or {SHARED} (unpack with {SHARED}/unpack.sh)")


def load_aeb(data):
    base = find_dir(data, "scrapinghub-aeb", "ground-truth.json")
    gold = json.loads((base / "ground-truth.json").read_text(encoding="utf-8"))
    return [Page(pid, base / "html" / f"{pid}.html.gz", "", g.get("articleBody", "") or "", gz=True)
            for pid, g in sorted(gold.items())], {}


def wcxb_page_type(gt):
    pt = (gt.get("_internal") or {}).get("page_type", {})
    pt = pt.get("primary", "article") if isinstance(pt, dict) else pt if isinstance(pt, str) else "article"
    return "collection" if pt == "category" else pt


def load_wcxb(data):
    base = find_dir(data, "wcxb", "dev/ground-truth") / "dev"
    pages = []
    for gp in sorted((base / "ground-truth").glob("*.json")):
        g = json.loads(gp.read_text(encoding="utf-8"))
        gt = g.get("ground_truth", {})
        if not isinstance(gt, dict):  # as evaluate.py: such files are not part of the set
            continue
        gold = {"main": gt.get("main_content", "") or "", "with": gt.get("with", []) or [],
                "without": gt.get("without", []) or []}
        pages.append(Page(gp.stem, base / "html" / f"{gp.stem}.html", wcxb_page_type(g), gold))
    return pages, {}


def load_trafilatura(data):
    base = find_dir(data, "trafilatura-eval", "evaldata.json")
    ev = json.loads((base / "evaldata.json").read_text(encoding="utf-8"))
    pages, missing = [], 0
    for url, item in ev.items():
        path = base / "html" / unicodedata.normalize("NFC", item["file"])  # stored NFC (data README)
        if not path.exists():
            missing += 1
            continue
        pages.append(Page(url, path, "", {"with": item["with"], "without": item["without"]}))
    return pages, {"pages without their HTML file (left out)": missing}


def load_cleaning(data):
    base = find_dir(data, "html-cleaning-merged", "dragnet_data/input")
    pages, no_gold, empty = [], 0, collections.Counter()
    for sub, hp, gp in cleaning_pairs(base):
        if gp is None:
            no_gold += 1
            continue
        gold = cleaning_gold(sub, gp.read_bytes())[0]
        if not wcxb_tokens(gold):
            empty[sub] += 1
            continue
        pages.append(Page(f"{sub}/{hp.stem}", hp, sub, gold))
    return pages, {"pages without a gold file (left out)": no_gold,
                   "pages whose parsed gold has no word (left out)": empty and f"{sum(empty.values())} (" +
                   ", ".join(f"{k} {v}" for k, v in sorted(empty.items())) + ")"}


# ---------------------------------------------------------------- scoring

def score_aeb(pages, texts):
    counts = [shingle_counts(p.gold, texts.get(p.id) or "") for p in pages]
    p, r, f = aeb_prf(counts)
    return {"all": {"P": p, "R": r, "F1": f, "±": aeb_ci(counts)}}


def macro(rows):
    n = len(rows)
    return {k: sum(r[k] for r in rows) / n for k in rows[0]} if n else {}


def macro_by_group(pages, row, order):
    """macro-average of the per-page metrics row(page) over all pages ("all") and per group, `order` first"""
    per, groups = [], collections.defaultdict(list)
    for pg in pages:
        per.append(row(pg))
        groups[pg.group].append(per[-1])
    out = {"all": macro(per)}
    for g in order + sorted(set(groups) - set(order)):
        if groups.get(g):
            out[g] = macro(groups[g])
    return out


def score_wcxb(pages, texts):
    def row(pg):
        pred = texts.get(pg.id) or ""
        p, r, f = word_f1(pred, pg.gold["main"])
        return {"P": p, "R": r, "F1": f, "with found": snippet_rate(pred, pg.gold["with"]),
                "without found": snippet_rate(pred, pg.gold["without"])}
    return macro_by_group(pages, row, WCXB_TYPES)


def score_trafilatura(pages, texts):
    tp = fp = fn = tn = 0
    for pg in pages:
        a, b, c, d = snippet_confusion(pg.gold, texts.get(pg.id))
        tp, fp, fn, tn = tp + a, fp + b, fn + c, tn + d
    total = tp + fp + fn + tn
    return {"all": {"TP": tp, "FP": fp, "FN": fn, "TN": tn,
                    "P": tp / (tp + fp) if tp + fp else 0.0, "R": tp / (tp + fn) if tp + fn else 0.0,
                    "accuracy": (tp + tn) / total if total else 0.0,
                    "F1": 2 * tp / (2 * tp + fp + fn) if 2 * tp + fp + fn else 0.0}}


def score_cleaning(pages, texts):
    return macro_by_group(pages, lambda pg: dict(zip(("P", "R", "F1"), word_f1(texts.get(pg.id) or "", pg.gold))),
                          CLEANEVAL_SETS)


# name: (loader, scorer, title, group label, metric columns of the main table)
SETS = {
    "aeb": (load_aeb, score_aeb, "scrapinghub article-extraction-benchmark (4-gram shingle F1)", None,
            ["P", "R", "F1", "±"]),
    "wcxb": (load_wcxb, score_wcxb, "WCXB dev (word F1, macro over pages)", "page type",
             ["P", "R", "F1", "with found", "without found"]),
    "trafilatura": (load_trafilatura, score_trafilatura, "trafilatura evaluation set (snippets, micro-summed)",
                    None, ["TP", "FP", "FN", "TN", "P", "R", "accuracy", "F1"]),
    "cleaning": (load_cleaning, score_cleaning, "html-cleaning-merged (word F1, macro over pages)", "sub-set",
                 ["P", "R", "F1"]),
}


# ---------------------------------------------------------------- tools

def run_inprocess(fn, pages, reset=None):
    """-> ({id: text or None}, (CPU seconds, wall seconds) of the extraction calls, errors)"""
    fn(b"<html><body><p>warm-up</p></body></html>")  # lazy imports and one-time set-up, untimed
    if reset:
        reset()
    texts, cpu, wall, errors = {}, 0.0, 0.0, 0
    for pg in pages:
        data = pg.read()
        c0, t0 = time.process_time(), time.perf_counter()
        try:
            out = fn(data)
        except Exception:  # a crash is a full miss, as in trafilatura's evaluation
            out, errors = None, errors + 1
        cpu += time.process_time() - c0
        wall += time.perf_counter() - t0
        texts[pg.id] = out
    return texts, (cpu, wall), errors


def trafilatura_fn(precision):
    from trafilatura import extract
    if precision:  # datatrove's Trafilatura extractor (FineWeb): favour_precision=True, deduplicate=True
        return lambda b: extract(b, favor_precision=True, include_comments=False, deduplicate=True)
    return lambda b: extract(b, include_comments=False, include_tables=True, include_formatting=False)


def resiliparse_fn():
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding
    return lambda b: extract_plain_text(bytes_to_str(b, detect_encoding(b)), main_content=True)


def trafilatura_reset():
    from trafilatura.meta import reset_caches
    return reset_caches


def stage_types(config_path):
    return re.findall(r'^\s*type\s*=\s*"([^"]+)"', Path(config_path).read_text(encoding="utf-8"), re.M)


def tamis_unavailable(tamis, config):
    """why tamis cannot run this config, or None"""
    if not (Path(tamis).is_file() and os.access(tamis, os.X_OK)):
        return f"binary {tamis} not found (cargo build --release -p tamis-cli, or --tamis BIN / $TAMIS_BIN)"
    p = subprocess.run([tamis, "stages"], capture_output=True, text=True)
    known = {line.split()[0] for line in p.stdout.splitlines() if line.strip()}
    missing = [t for t in stage_types(config) if t not in known]
    if p.returncode != 0 or missing:
        return (f"{tamis} has no stage {', '.join(repr(m) for m in missing)} (the extractor of issue 4 is not "
                f"built yet)" if missing else f"`{tamis} stages` failed: {p.stderr.strip()[:200]}")
    return None


def read_records(outdir):
    """{id: record} from OUT/kept/*.jsonl[.gz|.zst]"""
    recs = {}
    for path in sorted(glob.glob(os.path.join(outdir, "kept", "*.jsonl*"))):
        if path.endswith(".zst"):
            import zstandard
            with open(path, "rb") as f:
                data = zstandard.ZstdDecompressor().stream_reader(f).read().decode("utf-8")
        elif path.endswith(".gz"):
            data = gzip.decompress(Path(path).read_bytes()).decode("utf-8")
        else:
            data = Path(path).read_text(encoding="utf-8")
        for line in data.splitlines():
            if line.strip():
                r = json.loads(line)
                recs[r["id"]] = r
    return recs


def run_tamis(tamis, config, pages, tmp):
    """-> ({id: text}, (CPU seconds, wall seconds) of the subprocess, "errors" cell: documents tamis reported
    as errors and pages missing from kept/ (both scored as empty output))"""
    pagedir = Path(tmp) / "pages"
    if not pagedir.exists():
        pagedir.mkdir(parents=True)
        for i, pg in enumerate(pages):
            (pagedir / f"{i:06d}.html").write_bytes(pg.read())
    out = Path(tmp) / "out"
    shutil.rmtree(out, ignore_errors=True)  # a leftover OUT would make `tamis run` resume, not rerun
    cmd = [tamis, "run", "-o", str(out), "--threads", "1", "--config", str(config), str(pagedir)]
    r0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall, r1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)
    secs = (r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime, wall)
    report = out / "report.json"
    if p.returncode >= 2 or not report.exists():  # exit 1 = some documents failed, the rest is valid
        raise RuntimeError(f"`{' '.join(cmd)}` exited {p.returncode}: {(p.stderr or p.stdout).strip()[-400:]}")
    texts = {}
    for rid, rec in read_records(out).items():
        stem = Path(rid).stem  # the id is the input path or its bare file name: both end in <n>.html
        if stem.isdigit() and int(stem) < len(pages):
            texts[pages[int(stem)].id] = rec.get("text") or ""
    errors = json.loads(report.read_text(encoding="utf-8")).get("documents", {}).get("errors", 0)
    missing = len(pages) - len(texts)
    return texts, secs, (f"{errors} ({missing} missing)" if missing else errors)


# ---------------------------------------------------------------- report

def fmt(v):
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def set_report(name, pages, info, results, skipped, limited=False):
    loader, scorer, title, glabel, cols = SETS[name]
    mb = sum(p.size for p in pages) / 1e6
    if name == "wcxb":
        info = dict(info, **{"empty reference (scores 1 only if the output has no word)":
                             sum(1 for p in pages if not wcxb_tokens(p.gold["main"]))})
    md = [f"## {title}", "", f"{len(pages)} pages, {mb:.1f} MB of HTML" +
          "".join(f"; {k}: {v}" for k, v in info.items() if v) +
          (" (left-out counts are over the whole set, before --limit)"
           if limited and any(v for k, v in info.items() if "left out" in k) else "") +
          ".", ""]
    head = "| tool | " + " | ".join(cols) + " | errors | CPU s | pages/s | MB/s | wall s |"
    md += [head, "|---|" + "---:|" * (len(cols) + 5)]
    for tool, r in results.items():
        q, (cpu, wall) = r["quality"]["all"], r["seconds"]
        md.append(f"| {tool} | " + " | ".join(fmt(q[c]) for c in cols) + f" | {r['errors']} | {cpu:.2f} | "
                  f"{len(pages) / cpu:.1f} | {mb / cpu:.2f} | {wall:.2f} |")
    for tool, why in skipped.items():
        md.append(f"| {tool} | skipped: {why} |" + " |" * (len(cols) + 4))
    md.append("")
    if glabel and results:
        groups = [g for g in next(iter(results.values()))["quality"] if g != "all"]
        counts = collections.Counter(p.group for p in pages)
        md += [f"F1 (P / R) per {glabel}:", "",
               f"| {glabel} | pages | " + " | ".join(results) + " |", "|---|---:|" + "---:|" * len(results)]
        for g in groups:
            md.append(f"| {g} | {counts[g]} | " + " | ".join(
                f"**{r['quality'][g]['F1']:.3f}** ({r['quality'][g]['P']:.3f} / {r['quality'][g]['R']:.3f})"
                for r in results.values()) + " |")
        md.append("")
    md += done_when(results)
    return md


def done_when(results):
    """issue 4's done-when, when tamis and trafilatura (default) both ran"""
    t, b = results.get("tamis"), results.get("trafilatura")
    if not (t and b):
        return []
    worse = [g for g in b["quality"] if t["quality"][g]["F1"] < b["quality"][g]["F1"]]

    def ratio(other):  # pages per CPU-second of tamis over other's
        return other["seconds"][0] / t["seconds"][0] if t["seconds"][0] else float("inf")
    r = ratio(b)
    p = results.get("trafilatura-precision")
    return [f"Done-when: tamis F1 ≥ trafilatura on every row: {'yes' if not worse else 'NO (' + ', '.join(worse) + ')'}; "
            f"tamis pages/s = {r:.1f}× trafilatura's ({'≥' if r >= 3 else '<'} 3×)" +
            (f", {ratio(p):.1f}× trafilatura-precision's" if p else "") + ".", ""]


# ---------------------------------------------------------------- main

def ensure_data(data):
    """default data dir: unpack ../shared/data there once with its unpack.sh"""
    if (Path(data) / "wcxb").is_dir():
        return
    script = SHARED / "unpack.sh"
    if not script.exists():
        sys.exit(f"html_eval: {data} has no unpacked data and {script} is missing (set --data or $TAMIS_DATA)")
    print(f"unpacking {SHARED} -> {data}", file=sys.stderr)
    subprocess.run(["bash", str(script), str(data)], check=True, stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", default="all", choices=sorted(SETS) + ["all"])
    ap.add_argument("--tools", default=DEFAULT_TOOLS)
    ap.add_argument("--limit", type=int, default=0, help="N evenly spaced pages of each set (0 = all)")
    ap.add_argument("--data", default=str(ROOT / "bench" / "work" / "html-data"),
                    help="unpacked ../shared/data (default bench/work/html-data, unpacked there if missing)")
    ap.add_argument("--out", default=None, help="markdown report (default bench/results/extraction-<set>.md)")
    ap.add_argument("--tamis", default=os.environ.get("TAMIS_BIN", str(ROOT / "target" / "release" / "tamis")))
    ap.add_argument("--tamis-config", default=str(ROOT / "bench" / "configs" / "extract.toml"))
    ap.add_argument("--cpu", type=int, default=max(os.sched_getaffinity(0)), help="core to pin to")
    ap.add_argument("--reps", type=int, default=1, help="runs per tool; the fastest counts")
    args = ap.parse_args()

    os.sched_setaffinity(0, {args.cpu})  # one core for every tool (the tamis subprocess inherits it)
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = set(tools) - set(DEFAULT_TOOLS.split(","))
    if unknown:
        sys.exit(f"html_eval: unknown tools {sorted(unknown)}; known: {DEFAULT_TOOLS}")
    if args.data == ap.get_default("data"):
        ensure_data(args.data)
    names = list(SETS) if args.set == "all" else [args.set]
    skip_tamis = tamis_unavailable(args.tamis, args.tamis_config) if "tamis" in tools else None
    if skip_tamis:
        print(f"tamis: skipped — {skip_tamis}", file=sys.stderr)

    from importlib.metadata import version
    md_sets = []
    for name in names:
        loader, scorer = SETS[name][:2]
        pages, info = loader(args.data)
        if args.limit and args.limit < len(pages):  # evenly spaced, so every page type / sub-set is sampled
            pages = [pages[i * len(pages) // args.limit] for i in range(args.limit)]
        print(f"{name}: {len(pages)} pages", file=sys.stderr)
        results, skipped = {}, {}
        work = ROOT / "bench" / "work"  # git-ignored; holds tamis's copy of the pages (WCXB: 0.4 GB)
        work.mkdir(parents=True, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix="html-eval-", dir=work)
        try:
            for tool in tools:
                if tool == "tamis" and skip_tamis:
                    skipped[tool] = skip_tamis
                    continue
                best = None
                for rep in range(args.reps):
                    if tool == "tamis":
                        texts, secs, errors = run_tamis(args.tamis, args.tamis_config, pages, tmp)
                    elif tool.startswith("trafilatura"):
                        texts, secs, errors = run_inprocess(trafilatura_fn(tool == "trafilatura-precision"),
                                                            pages, reset=trafilatura_reset())
                    else:
                        texts, secs, errors = run_inprocess(resiliparse_fn(), pages)
                    if best is None:
                        best = {"quality": scorer(pages, texts), "errors": errors, "seconds": secs}
                    best["seconds"] = min(best["seconds"], secs)  # (CPU, wall) of the run with least CPU
                results[tool] = best
                q = best["quality"]["all"]
                print(f"  {tool}: F1 {q['F1']:.3f}, {len(pages) / best['seconds'][0]:.1f} pages per CPU-second",
                      file=sys.stderr)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        md_sets += set_report(name, pages, info, results, skipped, limited=bool(args.limit))

    vers = []
    for tool, pkg in (("trafilatura", "trafilatura"), ("resiliparse", "resiliparse")):
        if any(t.startswith(tool) for t in tools):
            vers.append(f"{pkg} {version(pkg)}")
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    if subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "bench/*.py", "bench/configs"],
                      capture_output=True, text=True).stdout.strip():
        commit += " + uncommitted changes to the bench scripts"
    cmd = "bench/.venv/bin/python bench/html_eval.py " + " ".join(sys.argv[1:])
    load = os.getloadavg()
    md = [f"# Main-content extraction — {args.set}", "",
          f"- date: {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
          f"- machine: {machine()}; pinned to core {args.cpu}; load average at the end "
          f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1 / 5 / 15 min)",
          f"- command: `{cmd.strip()}` (tamis repo {commit}); Python {sys.version.split()[0]}; "
          + ", ".join(vers),
          f"- tools: {', '.join(tools)}" + (f"; --limit {args.limit}" if args.limit else "")
          + (f"; fastest of {args.reps} runs" if args.reps > 1 else ""),
          "- metrics: each set's official definition (see `bench/html_eval.py` docstring); "
          "trafilatura = `extract(bytes, include_comments=False, include_tables=True)`, "
          "trafilatura-precision = datatrove's `favor_precision=True, deduplicate=True`, "
          "resiliparse = `extract_plain_text(bytes_to_str(b, detect_encoding(b)), main_content=True)`",
          "- speed: one core; pages/s and MB/s per CPU-second (wall time next to it); in-process tools timed "
          "over the extraction calls only (file reading excluded, decoding included); tamis = CPU time of "
          "`tamis run --threads 1` incl. process start, reading and writing (conservative for tamis); "
          "MB = 10^6 bytes of raw HTML",
          ""] + md_sets
    out = Path(args.out) if args.out else ROOT / "bench" / "results" / f"extraction-{args.set}.md"
    out.write_text("\n".join(md) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
