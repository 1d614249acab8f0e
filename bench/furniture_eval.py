#!/usr/bin/env python3
"""Line-level evaluation of furniture removal on real pages: tamis `clean_lines` vs C4's line rules.

Data: scrapinghub article-extraction-benchmark (181 English news/blog pages) from ../shared/data:
  output/html-text.json  whole-page text per page id (html-text, i.e. no boilerplate removal)
  ground-truth.json      {id: {articleBody, url}}, the gold article text

Every non-blank line of the whole-page text is labelled ARTICLE when its normalised text
(lower-case, whitespace collapsed) is contained in the normalised gold articleBody, else FURNITURE;
lines shorter than 3 characters are skipped, and a line of 1-3 words that occurs in the gold only
inside a longer gold line ("Share", "Business", "Twitter") is excluded as ambiguous. A removed line is a positive: precision = share of
removed lines that are furniture, recall = share of furniture lines removed (micro over all lines).
Caveats: the gold body usually lacks the title (a kept title counts as a missed furniture line), the
gold sometimes includes photo credits and copyright lines (their removal counts as a false positive),
and a few gold bodies are truncated (paywalls). The pages are English, with a few ru/ko/it/… ones.

Methods, each a `tamis run --threads 1` over one JSONL ({"id","url","text"} per page); removed lines
are read from the kept documents' `metadata.removed_lines` ([{"line","reason"}]):
  tamis                  [[stages]] type = "clean_lines", annotate = true
  c4 (original)          type = "c4_quality", filter_no_terminal_punct = true,  annotate = true
  c4 (fineweb)           type = "c4_quality", filter_no_terminal_punct = false, annotate = true

usage: bench/.venv/bin/python bench/furniture_eval.py [--data DIR] [--tamis BIN] [--write]
                                                      [--examples N] [--keep-tmp]
"""
import argparse, collections, datetime as dt, glob, json, os, platform, re, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

METHODS = [
    ("tamis clean_lines", 'type = "clean_lines"\nannotate = true\n'),
    ("C4 lines (original: terminal punct)", 'type = "c4_quality"\nannotate = true\nfilter_no_terminal_punct = true\n'),
    ("C4 lines (FineWeb: no terminal-punct rule)", 'type = "c4_quality"\nannotate = true\nfilter_no_terminal_punct = false\n'),
]

WS = re.compile(r"\s+")


def norm(s):
    return WS.sub(" ", s.lower()).strip()


def load(data):
    base = Path(data) / "scrapinghub-aeb"
    pages = json.load(open(base / "output" / "html-text.json", encoding="utf-8"))["output"]
    gold = json.load(open(base / "ground-truth.json", encoding="utf-8"))
    docs = []
    for pid in sorted(pages):
        if pid not in gold:
            continue
        text = pages[pid]["articleBody"]
        g = norm(gold[pid]["articleBody"])
        g_lines = {norm(x) for x in gold[pid]["articleBody"].split("\n")}
        labels = []  # per line: None (skipped), True (article), False (furniture), "ambiguous"
        for line in text.split("\n"):
            n = norm(line)
            if len(n) < 3:
                labels.append(None)
            elif n not in g:
                labels.append(False)
            elif len(n.split()) <= 3 and n not in g_lines:
                # a 1-3 word line ("Share", "Business", "Twitter") found only inside a longer gold
                # paragraph: usually a navigation word that happens to occur in the article; excluded
                labels.append("ambiguous")
            else:
                labels.append(True)
        docs.append({"id": pid, "url": gold[pid].get("url", ""), "text": text, "labels": labels})
    return docs


def read_outputs(outdir):
    res = {}
    for p in sorted(glob.glob(str(Path(outdir) / "kept" / "*"))):
        if p.endswith(".zst"):
            import zstandard
            with open(p, "rb") as f:
                data = zstandard.ZstdDecompressor().stream_reader(f).read().decode("utf-8")
        elif p.endswith(".jsonl"):
            data = Path(p).read_text(encoding="utf-8")
        else:
            continue
        for line in data.splitlines():
            if line.strip():
                r = json.loads(line)
                res[r["id"]] = r
    return res


def removed_indices(doc, out):
    """Map the output document's removed_lines back to input line indices -> {index: reason}.
    Each entry takes the first not-yet-taken input line with the same (stripped, then normalised) text.
    Returns (mapping, unmatched entries count, whole doc missing?)."""
    if out is None:
        return {}, 0, True
    lines = doc["text"].split("\n")
    entries = (out.get("metadata") or {}).get("removed_lines") or []
    taken = {}
    by_strip = collections.defaultdict(list)
    by_norm = collections.defaultdict(list)
    for i, l in enumerate(lines):
        by_strip[l.strip()].append(i)
        by_norm[norm(l)].append(i)
    unmatched = 0
    for e in entries:
        line = e.get("line", "") if isinstance(e, dict) else str(e)
        reason = e.get("reason", "?") if isinstance(e, dict) else "?"
        idx = None
        for cand in (by_strip.get(line.strip(), []), by_norm.get(norm(line), [])):
            for i in cand:
                if i not in taken:
                    idx = i
                    break
            if idx is not None:
                break
        if idx is None:
            unmatched += 1
        else:
            taken[idx] = reason
    return taken, unmatched, False


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def run_method(name, stage_toml, docs, tamis, tmp):
    inp = Path(tmp) / "pages.jsonl"
    if not inp.exists():
        inp.write_text("".join(json.dumps({"id": d["id"], "url": d["url"], "text": d["text"]}, ensure_ascii=False) + "\n"
                               for d in docs), encoding="utf-8")
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    cfg = Path(tmp) / f"{slug}.toml"
    cfg.write_text('[output]\nformat = "jsonl"\n[[stages]]\n' + stage_toml, encoding="utf-8")
    out = Path(tmp) / f"out-{slug}"
    cmd = [tamis, "run", "-o", str(out), "--threads", "1", "--config", str(cfg), str(inp)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return {"name": name, "error": (p.stderr or p.stdout).strip().splitlines()[-3:]}
    outs = read_outputs(out)
    tp = fp = fn = tn = 0
    missing = unmatched_total = 0
    per_reason = collections.defaultdict(lambda: [0, 0])  # reason -> [furniture removed, article removed]
    fps = []
    for d in docs:
        rem, unmatched, miss = removed_indices(d, outs.get(d["id"]))
        missing += miss
        unmatched_total += unmatched
        lines = d["text"].split("\n")
        for i, lab in enumerate(d["labels"]):
            if lab is None or lab == "ambiguous":
                continue
            removed = i in rem
            if removed:
                per_reason[rem[i]][0 if lab is False else 1] += 1
            if removed and lab is False:
                tp += 1
            elif removed and lab is True:
                fp += 1
                fps.append((d["id"], d["url"], rem[i], lines[i].strip()))
            elif not removed and lab is False:
                fn += 1
            else:
                tn += 1
    # examples: each distinct line once, pages taken in turn so one page cannot fill the list
    seen, by_page = set(), collections.OrderedDict()
    for f in fps:
        if f[3] not in seen:
            seen.add(f[3])
            by_page.setdefault(f[0], []).append(f)
    examples = []
    while any(by_page.values()):
        for lst in by_page.values():
            if lst:
                examples.append(lst.pop(0))
    return {"name": name, "tp": tp, "fp": fp, "fn": fn, "tn": tn, "prf": prf(tp, fp, fn), "examples": examples,
            "per_reason": dict(per_reason), "fps": fps, "missing_docs": missing, "unmatched": unmatched_total}


def fmt_table(results):
    rows = ["| method | removed | furniture removed (TP) | article removed (FP) | furniture kept (FN) | precision | recall | F1 |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        if "error" in r:
            msg = (r["error"][-1] if r["error"] else "failed").replace("|", "/")
            rows.append(f"| {r['name']} | run failed: {msg} | | | | | | |")
            continue
        p, rc, f = r["prf"]
        rows.append(f"| {r['name']} | {r['tp'] + r['fp']} | {r['tp']} | {r['fp']} | {r['fn']} | {p:.3f} | {rc:.3f} | {f:.3f} |")
    return "\n".join(rows)


def fmt_reasons(r):
    rows = ["| reason | removed | furniture | article (FP) | precision |", "|---|---:|---:|---:|---:|"]
    for reason, (good, bad) in sorted(r["per_reason"].items(), key=lambda kv: -sum(kv[1])):
        rows.append(f"| {reason} | {good + bad} | {good} | {bad} | {good / (good + bad):.3f} |")
    return "\n".join(rows)


def machine():
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu}".strip(", ")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.environ.get("TAMIS_DATA", str(ROOT.parent / "shared" / "data")))
    ap.add_argument("--tamis", default=str(ROOT / "target" / "release" / "tamis"))
    ap.add_argument("--examples", type=int, default=20, help="false positives to print for tamis")
    ap.add_argument("--write", action="store_true", help="write bench/results/furniture-aeb.md")
    ap.add_argument("--keep-tmp", action="store_true", help="keep the temp dir (inputs, configs, outputs)")
    args = ap.parse_args()
    if not (Path(args.data) / "scrapinghub-aeb" / "ground-truth.json").exists():
        sys.exit(f"furniture_eval: {args.data}/scrapinghub-aeb not found (needs ../shared/data)")
    if not Path(args.tamis).exists():
        sys.exit(f"furniture_eval: {args.tamis} not found (cargo build --release -p tamis-cli)")

    docs = load(args.data)
    n_lines = sum(1 for d in docs for l in d["labels"] if l is True or l is False)
    n_art = sum(1 for d in docs for l in d["labels"] if l is True)
    n_amb = sum(1 for d in docs for l in d["labels"] if l == "ambiguous")
    print(f"{len(docs)} pages, {n_lines} labelled lines: {n_art} article, {n_lines - n_art} furniture "
          f"({n_amb} ambiguous short lines excluded)")

    tmp = tempfile.mkdtemp(prefix="tamis-furniture-")
    results = []
    for name, stage in METHODS:
        r = run_method(name, stage, docs, args.tamis, tmp)
        results.append(r)
        if "error" in r:
            print(f"{name}: tamis run failed: {' / '.join(r['error'])}", file=sys.stderr)
        elif r["missing_docs"] or r["unmatched"]:
            print(f"{name}: {r['missing_docs']} pages missing from kept/, {r['unmatched']} removed_lines entries "
                  f"not found in the input", file=sys.stderr)
    table = fmt_table(results)
    print()
    print(table)
    t = results[0]
    if "error" not in t:
        print("\ntamis per reason:\n" + fmt_reasons(t))
        print(f"\ntamis false positives (article lines removed): {len(t['fps'])}, {len(t['examples'])} distinct; "
              f"first {args.examples} (pages in turn):")
        for pid, url, reason, line in t["examples"][: args.examples]:
            print(f"  [{reason}] {line[:140]!r}  ({url or pid[:12]})")
    if args.keep_tmp:
        print(f"\ntemp dir kept: {tmp}")
    else:
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)

    if args.write:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        md = [f"# Furniture removal, line level — scrapinghub article-extraction-benchmark",
              "",
              f"- date: {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
              f"- machine: {machine()}",
              f"- tamis: {commit}{' (+ uncommitted changes)' if dirty else ''}",
              f"- command: `bench/.venv/bin/python bench/furniture_eval.py --write`",
              f"- data: {len(docs)} pages (html-text whole-page text), {n_lines} labelled lines "
              f"({n_art} article, {n_lines - n_art} furniture); a line is ARTICLE when its lower-cased, "
              f"whitespace-collapsed text is contained in the gold articleBody; lines < 3 chars skipped; "
              f"{n_amb} lines of 1-3 words found only inside a longer gold paragraph (\"Share\", \"Business\") "
              f"excluded as ambiguous",
              "- positive = a removed line; micro-averaged over all lines; each method is one "
              "`tamis run --threads 1` with the stage in annotate mode, removed lines read from `metadata.removed_lines`",
              "",
              table,
              ""]
        if "error" not in t:
            md += ["## tamis, per reason", "", fmt_reasons(t), "",
                   f"## tamis false positives ({len(t['fps'])} lines, {len(t['examples'])} distinct; "
                   f"first {args.examples}, pages in turn)", ""]
            md += [f"- `{reason}`: {line[:160]!r} ({url or pid[:12]})" for pid, url, reason, line in t["examples"][: args.examples]]
            md.append("")
        md += ["Caveats: the gold body usually omits the title, so a kept title counts as missed furniture; the gold "
               "sometimes includes photo credits (`Фото:`, `[사진=…]`) and copyright lines, whose removal counts as a "
               "false positive; some gold bodies are truncated at a paywall. Most pages are English.", ""]
        path = ROOT / "bench" / "results" / "furniture-aeb.md"
        path.write_text("\n".join(md), encoding="utf-8")
        print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
