#!/usr/bin/env python3
"""Line-level evaluation of furniture removal on real pages: tamis `clean_lines` vs C4's line rules.

Sets (--set):
  aeb (default, DEVELOPMENT set: the clean_lines rules were written looking at it) — scrapinghub
      article-extraction-benchmark, 181 English news/blog pages, from ../shared/data/scrapinghub-aeb:
        output/html-text.json  whole-page text per page id (html-text, i.e. no boilerplate removal)
        ground-truth.json      {id: {articleBody, url}}, the gold article text
  wcxb (HELD OUT) — WCXB 2026 dev split, 1 497 pages of 2025, 7 page types (article, forum, product,
      collection, listing, documentation, service), ../shared/data/wcxb/wcxb-dev.tar.xz:
      gold = ground_truth.main_content of dev/ground-truth/<id>.json, or the table rows of its
      main_content_markdown twin (main_content flattens tables to prose; link targets dropped);
      results also per page type.
  cleaneval (HELD OUT) — ../shared/data/html-cleaning-merged (CleanEval dev, CleanPortalEval,
      Dragnet training split, L3S-GN1 "page-signal", Mozilla Readability test pages), per sub-set; gold:
        cleaneval-dev, CleanPortalEval  GoldStandard/<id>.txt minus the "URL:" line and <p>/<h>/<l> marks
        dragnet_data                    GoldStandard/<id>.txt; the part after the "!@#$%^&*() COMMENTS"
                                        marker (user comments) is neither article nor furniture
        page-signal-master              text under x-nc-sel1 (headline) / x-nc-sel2 (full text) spans of the
                                        annotated page; sel3 (supplemental) and sel5 (user comments) text is
                                        neither; sel4 (related content) and unannotated text is furniture
        readability                     GoldStandard/<id>.txt is the expected readability HTML: its text
  For wcxb and cleaneval the archives are unpacked once into bench/work/data (gitignored; --work), and
  the whole-page text is resiliparse's extract_plain_text(html, preserve_formatting=True,
  main_content=False) (other options at their defaults: list bullets and alt texts on, links, form
  fields, noscript off) of the page bytes decoded as UTF-8 when they are valid UTF-8 (some archived
  pages were re-saved as UTF-8 with a stale <meta charset>), else with resiliparse's
  detect_encoding(from_html_meta=True) (<meta> charset, else uchardet) + bytes_to_str(errors="replace").

Every non-blank line of the whole-page text is labelled ARTICLE when its normalised text is contained
in the normalised gold, else FURNITURE; lines shorter than 3 characters are skipped, and a line of 1-3
words that occurs in the gold only inside a longer gold line ("Share", "Business", "Twitter") is
excluded as ambiguous; so is a line found only in the "neither" text (comments, supplemental) of a set.
Normalisation: aeb (html-text output, same typography as its gold) lower-cases and collapses
whitespace, containment is plain substring; wcxb and cleaneval (extractor output vs gold written by
other tools: curly vs straight quotes, "•" list bullets, "?" for lost characters in L3S-GN1) also map
every run of non-word characters to one space and test containment on word boundaries; and
(duplicate rule, --dup-rule, on by default for them) a line occurring more often on the page than in
the gold (a table-of-contents entry repeating a heading, a heading repeated in a menu or teaser) is
excluded as ambiguous in all its copies, since containment cannot tell which copy is the article's.
A removed line is a positive: precision = share of removed lines that are furniture, recall = share of
furniture lines removed (micro over all lines).
Caveats: the gold body usually lacks the title (a kept title counts as a missed furniture line), the
gold sometimes includes photo credits and copyright lines (their removal counts as a false positive),
and a few gold bodies are truncated (paywalls).

Methods, each a `tamis run --threads 1` over one JSONL ({"id","url","text"} per page); removed lines
are read from the kept documents' `metadata.removed_lines` ([{"line","reason"}]):
  tamis                  [[stages]] type = "clean_lines", annotate = true
  c4 (original)          type = "c4_quality", filter_no_terminal_punct = true,  annotate = true
  c4 (fineweb)           type = "c4_quality", filter_no_terminal_punct = false, annotate = true

usage: bench/.venv/bin/python bench/furniture_eval.py [--set {aeb,wcxb,cleaneval}] [--data DIR]
            [--work DIR] [--tamis BIN] [--dup-rule {on,off}] [--write] [--examples N]
            [--examples-group G] [--keep-tmp]
"""
import argparse, collections, datetime as dt, glob, json, os, re, subprocess, sys, tarfile, tempfile
from pathlib import Path

from html_gold import WS, clean_text, cleaning_gold, cleaning_pairs, decode_html, machine, page_text

ROOT = Path(__file__).resolve().parent.parent

METHODS = [
    ("tamis clean_lines", 'type = "clean_lines"\nannotate = true\n'),
    ("C4 lines (original: terminal punct)", 'type = "c4_quality"\nannotate = true\nfilter_no_terminal_punct = true\n'),
    ("C4 lines (FineWeb: no terminal-punct rule)", 'type = "c4_quality"\nannotate = true\nfilter_no_terminal_punct = false\n'),
]

NONWORD = re.compile(r"[\W_]+")


def norm(s):
    return WS.sub(" ", s.lower()).strip()


def norm_loose(s):
    """lower-case, every run of non-word characters (punctuation, quotes, bullets, "?") -> one space"""
    return NONWORD.sub(" ", s.lower()).strip()


def label_lines(text, gold, gold_lines, loose, neither="", alt="", dups=False):
    """Labels per line of `text`: None (skipped), True (article), False (furniture), "ambiguous".
    gold: the gold text; alt: another rendering of it (a line is article if in either); gold_lines:
    its lines/blocks (for the 1-3 word rule); neither: text that is neither article nor furniture
    (comments, supplemental): lines found only there are "ambiguous". dups: a line whose normalised
    text occurs more often on the page than in the gold (a table-of-contents entry repeating a
    heading, a heading repeated in a nav menu or a teaser) is "ambiguous" in all its copies, since
    containment cannot tell which copy is the article's."""
    nf = norm_loose if loose else norm
    if loose:  # containment on word boundaries
        g = " " + nf(gold) + " "
        ga = " " + nf(alt) + " " if alt else ""
        nb = " " + nf(neither) + " " if neither else ""
        contains = lambda hay, n: (" " + n + " ") in hay
        count = lambda hay, n: hay.count(" " + n + " ")
    else:
        g, ga, nb = nf(gold), nf(alt) if alt else "", nf(neither) if neither else ""
        contains = lambda hay, n: n in hay
        count = lambda hay, n: hay.count(n)
    g_lines = {nf(x) for x in gold_lines}
    page_count = collections.Counter(nf(l) for l in text.split("\n")) if dups else None
    labels = []
    for line in text.split("\n"):
        n = nf(line)
        if len(norm(line)) < 3 or not n:
            labels.append(None)
        elif not contains(g, n) and not (ga and contains(ga, n)):
            labels.append("ambiguous" if nb and contains(nb, n) else False)
        elif len(n.split()) <= 3 and n not in g_lines:
            # a 1-3 word line ("Share", "Business", "Twitter") found only inside a longer gold
            # paragraph: usually a navigation word that happens to occur in the article; excluded
            labels.append("ambiguous")
        elif dups and page_count[n] > 1 and page_count[n] > max(count(g, n), count(ga, n) if ga else 0):
            labels.append("ambiguous")
        else:
            labels.append(True)
    return labels


def load_aeb(data, work, dups=False):
    base = Path(data) / "scrapinghub-aeb"
    if not (base / "ground-truth.json").exists():
        sys.exit(f"furniture_eval: {base} not found (needs ../shared/data)")
    pages = json.load(open(base / "output" / "html-text.json", encoding="utf-8"))["output"]
    gold = json.load(open(base / "ground-truth.json", encoding="utf-8"))
    docs = []
    for pid in sorted(pages):
        if pid not in gold:
            continue
        text = pages[pid]["articleBody"]
        gb = gold[pid]["articleBody"]
        labels = label_lines(text, gb, gb.split("\n"), loose=False, dups=dups)
        docs.append({"id": pid, "url": gold[pid].get("url", ""), "text": text, "labels": labels, "group": ""})
    return docs, 0


def unpack(archive, work, marker):
    """unpack `archive` into `work` once (when `work/marker` is missing)"""
    if not (Path(work) / marker).exists():
        if not Path(archive).exists():
            sys.exit(f"furniture_eval: {archive} not found (needs ../shared/data)")
        Path(work).mkdir(parents=True, exist_ok=True)
        print(f"unpacking {archive} -> {work}", file=sys.stderr)
        with tarfile.open(archive, "r:xz") as t:
            t.extractall(work, filter="data") if hasattr(tarfile, "data_filter") else t.extractall(work)
    return Path(work) / marker


def load_wcxb(data, work, dups=True):
    base = unpack(Path(data) / "wcxb" / "wcxb-dev.tar.xz", work, "wcxb")
    meta = json.load(open(base / "metadata.json", encoding="utf-8"))["files"]
    docs, skipped = [], 0
    for gp in sorted((base / "dev" / "ground-truth").glob("*.json")):
        pid = gp.stem
        hp = base / "dev" / "html" / f"{pid}.html"
        g = json.load(open(gp, encoding="utf-8"))
        gold = (g.get("ground_truth") or {}).get("main_content") or ""
        if not hp.exists() or not gold.strip():
            skipped += 1
            continue
        text = clean_text(page_text(decode_html(hp.read_bytes())))
        if not text.strip():
            skipped += 1
            continue
        ptype = (meta.get(pid) or {}).get("page_type") or \
            (((g.get("_internal") or {}).get("page_type") or {}).get("primary")) or "?"
        # main_content flattens tables into prose ("OneTrip Basic: Cost $642, …"); its markdown twin keeps
        # the rows ("| Cost* | $642 | $845 |"), which match the page's table lines: a line is article if
        # it is in either
        md = (g.get("ground_truth") or {}).get("main_content_markdown") or ""
        # only its table rows, link targets dropped (URL slugs would "contain" menu lines)
        md = "\n".join(re.sub(r"\]\([^)]*\)", "]", l) for l in md.split("\n") if l.lstrip().startswith("|"))
        docs.append({"id": pid, "url": g.get("url", ""), "text": text, "group": ptype,
                     "labels": label_lines(text, gold, (gold + "\n" + md).split("\n"), loose=True, alt=md, dups=dups)})
    return docs, skipped


def load_cleaneval(data, work, dups=True):
    base = unpack(Path(data) / "html-cleaning-merged" / "html-cleaning-merged.tar.xz", work, "html-cleaning-merged")
    docs, skipped = [], 0
    for sub, hp, gp in cleaning_pairs(base):
        if gp is None:
            skipped += 1
            continue
        gold, glines, neither, gtxt = cleaning_gold(sub, gp.read_bytes())
        text = clean_text(page_text(decode_html(hp.read_bytes())))
        if not gold.strip() or not text.strip():
            skipped += 1
            continue
        url = ""
        m = re.match(r"\s*URL:\s*(\S+)", gtxt)
        if m:
            url = m.group(1)
        docs.append({"id": f"{sub}/{hp.stem}", "url": url, "text": text, "group": sub,
                     "labels": label_lines(text, gold, glines, loose=True, neither=neither, dups=dups)})
    return docs, skipped


SETS = {
    "aeb": (load_aeb, "scrapinghub article-extraction-benchmark (DEVELOPMENT set of the clean_lines rules)",
            "181 English news/blog pages of 2019; whole-page text = html-text output shipped with the benchmark; "
            "gold = articleBody; normalisation: lower-case + whitespace collapsed, substring containment"),
    "wcxb": (load_wcxb, "WCXB 2026 dev split (HELD OUT)",
             "1 497 pages of 2025 in 7 page types; whole-page text = resiliparse extract_plain_text(html, "
             "preserve_formatting=True, main_content=False) of the page decoded as UTF-8 when valid, else with "
             "resiliparse detect_encoding(from_html_meta=True) + bytes_to_str; gold = ground_truth.main_content (LLM-drafted, human-reviewed) or the table rows of its main_content_markdown twin (main_content flattens tables to prose); "
             "normalisation: lower-case, non-word runs -> space, containment on word boundaries; duplicate rule (see data)"),
    "cleaneval": (load_cleaneval, "html-cleaning-merged: CleanEval dev, CleanPortalEval, Dragnet train, L3S-GN1, "
                  "Readability tests (HELD OUT)",
                  "whole-page text as for wcxb (resiliparse, main_content=False); gold per sub-set: CleanEval "
                  "GoldStandard minus URL line and <p>/<h>/<l> marks; Dragnet gold before the COMMENTS marker "
                  "(comments excluded: neither); L3S-GN1 text of x-nc-sel1/2 (headline, full text) spans, sel3/5 "
                  "(supplemental, comments) excluded as neither, sel4 (related) and unannotated = furniture; "
                  "Readability expected HTML -> resiliparse text; normalisation and duplicate rule as for wcxb"),
}


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
        for line in data.split("\n"):
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
    per_group = collections.defaultdict(lambda: [0, 0, 0, 0])  # group -> [tp, fp, fn, tn]
    fps = []
    for d in docs:
        pg = per_group[d.get("group", "")]
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
                pg[0] += 1
            elif removed and lab is True:
                fp += 1
                pg[1] += 1
                fps.append((d["id"], d["url"], rem[i], lines[i].strip(), d.get("group", "")))
            elif not removed and lab is False:
                fn += 1
                pg[2] += 1
            else:
                tn += 1
                pg[3] += 1
    examples = distinct_examples(fps)
    return {"name": name, "tp": tp, "fp": fp, "fn": fn, "tn": tn, "prf": prf(tp, fp, fn), "examples": examples,
            "per_reason": dict(per_reason), "per_group": {k: tuple(v) for k, v in per_group.items()},
            "fps": fps, "missing_docs": missing, "unmatched": unmatched_total}


def distinct_examples(fps, group=None):
    """each distinct line once, pages taken in turn so one page cannot fill the list"""
    seen, by_page = set(), collections.OrderedDict()
    for f in fps:
        if group and f[4] != group:
            continue
        if f[3] not in seen:
            seen.add(f[3])
            by_page.setdefault(f[0], []).append(f)
    # pages of the groups (page types, sub-sets) interleaved, so the first group cannot fill the list
    by_group = collections.OrderedDict()
    for pid, lst in by_page.items():
        by_group.setdefault(lst[0][4], []).append(pid)
    order = []
    while any(by_group.values()):
        for pids in by_group.values():
            if pids:
                order.append(pids.pop(0))
    examples = []
    while any(by_page.values()):
        for pid in order:
            if by_page[pid]:
                examples.append(by_page[pid].pop(0))
    return examples


def ref(pid, url):
    return url or (pid[:12] if len(pid) > 40 else pid)


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


SHORT = ["tamis", "C4 orig", "C4 FineWeb"]


def fmt_groups(results, docs, label="group"):
    """one row per group: pages, labelled lines, tamis counts and P/R/F1, the C4 variants' P/R/F1"""
    groups = collections.OrderedDict()
    for d in docs:
        g = groups.setdefault(d["group"], [0, 0, 0])
        g[0] += 1
        g[1] += sum(1 for l in d["labels"] if l is True)
        g[2] += sum(1 for l in d["labels"] if l is False)
    ok = [(i, r) for i, r in enumerate(results) if "error" not in r]
    if not ok:
        return ""
    head = f"| {label} | pages | article lines | furniture lines | tamis TP | tamis FP | tamis FN |"
    sep = "|---|---:|---:|---:|---:|---:|---:|"
    for i, r in ok:
        head += f" {SHORT[i] if i < len(SHORT) else r['name']} P / R / F1 |"
        sep += "---:|"
    rows = [head, sep]
    order = sorted(groups, key=lambda g: -groups[g][0])
    for g in order + ["**all**"]:
        if g == "**all**":
            n = [sum(v[k] for v in groups.values()) for k in range(3)]
        else:
            n = groups[g]
        row = f"| {g} | {n[0]} | {n[1]} | {n[2]} |"
        for j, (i, r) in enumerate(ok):
            tp, fp, fn, _ = (r["tp"], r["fp"], r["fn"], r["tn"]) if g == "**all**" else r["per_group"].get(g, (0, 0, 0, 0))
            if j == 0:
                row += f" {tp} | {fp} | {fn} |"
            p, rc, f = prf(tp, fp, fn)
            row += f" {p:.3f} / {rc:.3f} / {f:.3f} |"
        rows.append(row)
    return "\n".join(rows)


def fmt_reasons(r):
    rows = ["| reason | removed | furniture | article (FP) | precision |", "|---|---:|---:|---:|---:|"]
    for reason, (good, bad) in sorted(r["per_reason"].items(), key=lambda kv: -sum(kv[1])):
        rows.append(f"| {reason} | {good + bad} | {good} | {bad} | {good / (good + bad):.3f} |")
    return "\n".join(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", default="aeb", choices=sorted(SETS), help="evaluation set (default aeb)")
    ap.add_argument("--data", default=os.environ.get("TAMIS_DATA", str(ROOT.parent / "shared" / "data")))
    ap.add_argument("--work", default=str(ROOT / "bench" / "work" / "data"),
                    help="where the wcxb / cleaneval archives are unpacked once (default bench/work/data, gitignored)")
    ap.add_argument("--tamis", default=str(ROOT / "target" / "release" / "tamis"))
    ap.add_argument("--examples", type=int, default=20, help="false positives to print for tamis")
    ap.add_argument("--examples-group", default=None,
                    help="take the false-positive examples from this group only (default: article for wcxb)")
    ap.add_argument("--dup-rule", choices=["on", "off"], default=None,
                    help="label as ambiguous the copies of a line that occurs more often on the page than in the "
                         "gold (default: on for wcxb/cleaneval, off for aeb, as in its development figures)")
    ap.add_argument("--write", action="store_true", help="write bench/results/furniture-<set>.md")
    ap.add_argument("--keep-tmp", action="store_true", help="keep the temp dir (inputs, configs, outputs)")
    args = ap.parse_args()
    if not Path(args.tamis).exists():
        sys.exit(f"furniture_eval: {args.tamis} not found (cargo build --release -p tamis-cli)")
    loader, set_title, set_desc = SETS[args.set]
    ex_group = args.examples_group if args.examples_group is not None else ("article" if args.set == "wcxb" else None)
    group_label = {"wcxb": "page type", "cleaneval": "sub-set"}.get(args.set)

    dups = (args.dup_rule or ("off" if args.set == "aeb" else "on")) == "on"
    docs, skipped = loader(args.data, args.work, dups)
    n_lines = sum(1 for d in docs for l in d["labels"] if l is True or l is False)
    n_art = sum(1 for d in docs for l in d["labels"] if l is True)
    n_amb = sum(1 for d in docs for l in d["labels"] if l == "ambiguous")
    print(f"{args.set}: {len(docs)} pages ({skipped} skipped: no gold / empty text), {n_lines} labelled lines: "
          f"{n_art} article, {n_lines - n_art} furniture ({n_amb} ambiguous lines excluded)")

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
    gtable = fmt_groups(results, docs, group_label) if group_label else ""
    if gtable:
        print(f"\nper {group_label}:\n" + gtable)
    t = results[0]
    examples = []
    if "error" not in t:
        examples = distinct_examples(t["fps"], ex_group)
        n_fp = sum(1 for f in t["fps"] if not ex_group or f[4] == ex_group)
        ex_title = (f"tamis false positives (article lines removed){' on ' + ex_group + ' pages' if ex_group else ''}: "
                    f"{n_fp} lines, {len(examples)} distinct; first {args.examples}, pages in turn")
        print("\ntamis per reason:\n" + fmt_reasons(t))
        print(f"\n{ex_title}:")
        for pid, url, reason, line, grp in examples[: args.examples]:
            print(f"  [{reason}] {line[:140]!r}  ({ref(pid, url)}{', ' + grp if grp and not ex_group else ''})")
    if args.keep_tmp:
        print(f"\ntemp dir kept: {tmp}")
    else:
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)

    if args.write:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        cmd = "bench/.venv/bin/python bench/furniture_eval.py" + ("" if args.set == "aeb" else f" --set {args.set}") + \
            (f" --dup-rule {args.dup_rule}" if args.dup_rule else "") + " --write"
        md = [f"# Furniture removal, line level — {set_title}",
              "",
              f"- date: {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
              f"- machine: {machine()}",
              f"- tamis: {commit}{' (+ uncommitted changes)' if dirty else ''}",
              f"- command: `{cmd}`",
              f"- set: {set_desc}",
              f"- data: {len(docs)} pages ({skipped} skipped: no gold or empty text), {n_lines} labelled lines "
              f"({n_art} article, {n_lines - n_art} furniture); a line is ARTICLE when its normalised text is "
              f"contained in the normalised gold; lines < 3 chars skipped; {n_amb} lines excluded as ambiguous "
              f"(1-3 words found only inside a longer gold paragraph, \"Share\", \"Business\"; or found only in "
              f"text that is neither article nor furniture{'; or a line occurring more often on the page than in the gold, all its copies: duplicate rule on' if dups else ''})",
              "- positive = a removed line; micro-averaged over all lines; each method is one "
              "`tamis run --threads 1` with the stage in annotate mode, removed lines read from `metadata.removed_lines`",
              "",
              table,
              ""]
        if gtable:
            md += [f"## per {group_label}", "", gtable, ""]
        if "error" not in t:
            md += ["## tamis, per reason", "", fmt_reasons(t), "", f"## {ex_title[0].upper() + ex_title[1:]}", ""]
            md += [f"- `{reason}`: {line[:160]!r} ({ref(pid, url)}{', ' + grp if grp and not ex_group else ''})"
                   for pid, url, reason, line, grp in examples[: args.examples]]
            md.append("")
        if args.set == "aeb":
            md += ["Caveats: the gold body usually omits the title, so a kept title counts as missed furniture; the gold "
                   "sometimes includes photo credits (`Фото:`, `[사진=…]`) and copyright lines, whose removal counts as a "
                   "false positive; some gold bodies are truncated at a paywall. Most pages are English.", ""]
        else:
            md += ["Caveats: gold bodies differ in what they count as content (titles, bylines, dates, captions, "
                   "comments); a kept title or byline that the gold omits counts as missed furniture, a removed "
                   "caption/credit that the gold includes counts as a false positive. For non-article page types "
                   "(listing, collection, product, service) the gold 'main content' is often the item list itself, "
                   "which line rules built for articles cannot be expected to separate.", ""]
        path = ROOT / "bench" / "results" / f"furniture-{args.set}.md"
        path.write_text("\n".join(md), encoding="utf-8")
        print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
