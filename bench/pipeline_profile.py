#!/usr/bin/env python3
"""Where the default pipeline's CPU goes, next to extraction alone (issue 20).

Runs `tamis run --threads 1` pinned to one core on a WARC corpus with four configs, interleaved,
best of --reps by CPU seconds (user + sys of the process, from wait4):
  extract        payload + extract only, no token counts or histograms (bench/configs/extract-warc.toml)
  default        the default pipeline (o200k token counts)
  default+cl100k the default pipeline counting both vocabularies
  default-tokens the default pipeline without token counts
Prints per-stage seconds and token-counting seconds from report.json (best run of each config), the
ratio default / extract, and, where `perf` can sample (`-e cpu-clock`), the default run's top
symbols grouped by the part of the pipeline they belong to. Writes bench/results/profile-DATE.md.

usage: python3 bench/pipeline_profile.py [--corpus DIR] [--tamis BIN] [--reps N] [--no-perf]
"""
import argparse, datetime as dt, json, os, re, shutil, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# perf symbol → part of the pipeline (first match wins); anything else is "other".
AREAS = [
    ("token counting (BPE)", r"^bpe::|bpe_openai|tokens::|daachorse"),
    ("extract (HTML parse, tree, scoring)", r"tamis::html::"),
    ("language (fastText model)", r"filters::fasttext|filters::language"),
    ("gopher_repetition", r"gopher_repetition"),
    ("clean_lines", r"tamis::clean::"),
    ("regex engine (pre-tokeniser, pii, c4)", r"^regex_automata::|^regex::|regex_syntax"),
    ("aho-corasick (lexicon, pii)", r"aho_corasick"),
    ("pii", r"filters::pii"),
    ("words / quality filters", r"tamis::words|gopher_quality|fineweb_quality|c4_quality|filters::text"),
    ("input: gzip/deflate", r"deflate|inflate|libdeflate|zlib|crc32"),
    ("input: WARC / readers", r"tamis::readers|warc"),
    ("output: zstd", r"(?i)zstd"),
    ("output: JSON serialisation", r"serde_json|tamis::writers|tamis::arrow|itoa|ryu"),
    ("site-line index / staging", r"site_lines|staging|SiteLines"),
    ("hash maps", r"hashbrown|HashMap|foldhash|xxh3|xxhash"),
    ("memory (malloc, memcpy, memcmp)", r"malloc|free|memmove|memcpy|memset|memcmp|realloc|cfree"),
    ("kernel", r"^\[k\]"),
]


def run(tamis, config, corpus, out):
    """One run; returns (cpu seconds, peak RSS MiB, report)."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = ["taskset", "-c", "0", tamis, "run", "--threads", "1", "-o", str(out), str(corpus)]
    if config:
        cmd[5:5] = ["--config", str(config)]
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"profile: {' '.join(cmd)} failed")
    report = json.loads((out / "report.json").read_text())
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, report


def perf_areas(tamis, corpus, tmp):
    data = tmp / "perf.data"
    out = tmp / "perf-out"
    try:
        subprocess.run(["perf", "record", "-e", "cpu-clock", "-F", "999", "-o", str(data), "taskset", "-c", "0", tamis, "run",
                        "--threads", "1", "-o", str(out), str(corpus)], check=True, capture_output=True)
        rep = subprocess.run(["perf", "report", "-i", str(data), "--no-children", "--sort", "symbol", "--stdio"],
                             check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"profile: perf unavailable ({e}); no symbol profile", file=sys.stderr)
        return None, None
    symbols = []
    for line in rep.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+(\[.\])\s+(.*\S)", line)
        if m:
            symbols.append((float(m.group(1)), m.group(2), m.group(3)))
    areas = {}
    for pct, kind, sym in symbols:
        name = "other"
        for area, pat in AREAS:
            if re.search(pat, sym if kind != "[k]" else "[k]"):
                name = area
                break
        areas[name] = areas.get(name, 0.0) + pct
    return sorted(areas.items(), key=lambda kv: -kv[1]), symbols[:25]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT / "bench" / "work" / "corpus-warc1g" / "warc"))
    ap.add_argument("--tamis", default=str(ROOT / "target" / "release" / "tamis"))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--no-perf", action="store_true")
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if not corpus.exists():
        sys.exit(f"profile: {corpus} not found (bench/build_corpus.py builds it)")
    os.environ.setdefault("TAMIS_LID_MODEL", str(ROOT / "models" / "lid.176.ftz"))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        default_toml = subprocess.run([args.tamis, "run", "--print-config"], check=True, capture_output=True, text=True).stdout
        both = tmp / "both.toml"
        both.write_text(re.sub(r'encodings = \[[^\]]*\]', 'encodings = ["o200k", "cl100k"]', default_toml))
        none = tmp / "none.toml"
        none.write_text(re.sub(r'encodings = \[[^\]]*\]', 'encodings = []', default_toml))
        configs = {"extract": ROOT / "bench" / "configs" / "extract-warc.toml", "default": None,
                   "default+cl100k": both, "default-tokens": none}
        best = {}
        for rep in range(args.reps):
            for name, cfg in configs.items():
                cpu, rss, report = run(args.tamis, cfg, corpus, tmp / "out")
                print(f"rep {rep + 1} {name}: {cpu:.2f} s CPU, {rss:.0f} MiB", file=sys.stderr)
                if name not in best or cpu < best[name][0]:
                    best[name] = (cpu, rss, report)
        areas, top = (None, None) if args.no_perf else perf_areas(args.tamis, corpus, tmp)

    docs = best["default"][2]["documents"]["in"]
    lines = [f"# Profile of the default pipeline ({dt.date.today()})", "",
             f"Corpus: `{corpus}` ({docs} records); `tamis run --threads 1` pinned to one core; best of {args.reps} "
             "interleaved runs by CPU seconds (user + sys); machine shared (2 cores).", "",
             "| config | CPU s | peak RSS MiB | × extract |", "|---|---:|---:|---:|"]
    ext = best["extract"][0]
    for name, (cpu, rss, _) in best.items():
        lines.append(f"| {name} | {cpu:.2f} | {rss:.0f} | {cpu / ext:.2f} |")
    lines += ["", "Stage seconds in the best run of each config (report.json; token counting is timed apart: "
              "`tokens` = seconds spent counting the text a stage left):", ""]
    names = [s["name"] for s in best["default"][2]["stages"]]
    lines.append("| stage | " + " | ".join(best) + " |")
    lines.append("|---|" + "---:|" * len(best))
    for stage in names:
        row = []
        for name, (cpu, _, report) in best.items():
            s = next((x for x in report["stages"] if x["name"] == stage), None)
            row.append("" if s is None else f"{s['seconds']:.2f}" + (f" + tokens {s['tokens_seconds']:.2f}" if s.get("tokens_seconds", 0) >= 0.005 else ""))
        lines.append(f"| {stage} | " + " | ".join(row) + " |")
    for name, (cpu, _, report) in best.items():
        stage_s = sum(s["seconds"] for s in report["stages"])
        tok_s = sum(s.get("tokens_seconds", 0) for s in report["stages"])
        lines.append(f"- {name}: stages {stage_s:.2f} s ({100 * stage_s / cpu:.0f} %), token counting {tok_s:.2f} s "
                     f"({100 * tok_s / cpu:.0f} %), outside the stages (reading, decompression, serialisation, "
                     f"compression, index, report) {cpu - stage_s - tok_s:.2f} s ({100 * (cpu - stage_s - tok_s) / cpu:.0f} %)")
    if areas:
        lines += ["", "Symbols of one `perf record -e cpu-clock` run of the default config, grouped:", "",
                  "| part | share of samples |", "|---|---:|"]
        lines += [f"| {a} | {p:.1f} % |" for a, p in areas]
        lines += ["", "Top symbols:", ""] + [f"- {p:.2f} % `{s[:110]}`" for p, _, s in top]
    lines += ["", f"Command: `python3 bench/pipeline_profile.py --reps {args.reps}` (release build of HEAD)"]
    text = "\n".join(lines) + "\n"
    print(text)
    (ROOT / "bench" / "results" / f"profile-{dt.date.today()}.md").write_text(text)


if __name__ == "__main__":
    main()
