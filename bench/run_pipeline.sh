#!/usr/bin/env bash
# Time `tamis run` on the JSONL and the WARC benchmark corpus, at --threads 1 and --threads $(nproc).
# Reports docs/s, MB/s (uncompressed input), wall time, CPU use and peak RSS, writes a markdown table
# to bench/results/pipeline-<date>.md (+ .json), and checks that --threads 1 and --threads 2 give
# byte-identical kept/ and removed/ files (sha256 of every file).
#
# usage: bench/run_pipeline.sh [options]
#   --corpus DIR       corpus built by build_corpus.py (default bench/work/corpus)
#   --tamis BIN        tamis binary (default target/release/tamis, or $TAMIS)
#   --config FILE      pass --config FILE to tamis run
#   --threads "1 N"    thread counts to time (default "1 $(nproc)")
#   --only jsonl|warc  time one corpus only
#   --reps N           repetitions per (corpus, threads); best wall time counts (default 1)
#   --format F         tamis --format (default: tamis default, jsonl.zst)
#   --work DIR         scratch dir for outputs (default bench/work/pipeline)
#   --keep             keep output dirs (default: deleted after hashing)
#   --no-determinism   skip the threads-1 vs threads-2 comparison
#   --out FILE         markdown output (default bench/results/pipeline-<date>.md)
# exit: 0 all runs ok (exit 0/1) and outputs identical; 1 otherwise.
set -uo pipefail

ARGV="$*"
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH")"
CORPUS="$BENCH/work/corpus"
TAMIS="${TAMIS:-$REPO/target/release/tamis}"
CONFIG=""
NPROC="$(nproc)"
THREADS="1 $NPROC"
ONLY=""
REPS=1
FORMAT=""
WORK="$BENCH/work/pipeline"
KEEP=0
DETERMINISM=1
OUT=""
while (($#)); do
    case "$1" in
        --corpus) CORPUS="$2"; shift 2 ;;
        --tamis) TAMIS="$2"; shift 2 ;;
        --config) CONFIG="$2"; shift 2 ;;
        --threads) THREADS="$2"; shift 2 ;;
        --only) ONLY="$2"; shift 2 ;;
        --reps) REPS="$2"; shift 2 ;;
        --format) FORMAT="$2"; shift 2 ;;
        --work) WORK="$2"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        --no-determinism) DETERMINISM=0; shift ;;
        --out) OUT="$2"; shift 2 ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "run_pipeline: unknown option $1" >&2; exit 2 ;;
    esac
done

die() { echo "run_pipeline: $*" >&2; exit 2; }
log() { echo "[run_pipeline $(date +%H:%M:%S)] $*" >&2; }
[[ -x "$TAMIS" ]] || die "tamis binary not found at $TAMIS (cargo build --release -p tamis-cli)"
[[ -d "$CORPUS" ]] || die "corpus $CORPUS not found (bench/.venv/bin/python bench/build_corpus.py)"
[[ -z "$CONFIG" || -f "$CONFIG" ]] || die "config $CONFIG not found"
PY="$BENCH/.venv/bin/python"; [[ -x "$PY" ]] || PY="$(command -v python3)"
CORPUS="$(cd "$CORPUS" && pwd)"
mkdir -p "$WORK" "$BENCH/results"
WORK="$(cd "$WORK" && pwd)"
DAY="$(date +%Y-%m-%d)"
if [[ -z "$OUT" ]]; then
    OUT="$BENCH/results/pipeline-$DAY.md"; k=2
    while [[ -e "$OUT" ]]; do OUT="$BENCH/results/pipeline-$DAY-$k.md"; k=$((k + 1)); done
fi
# snapshot the binary: a concurrent `cargo build` must not swap it between runs
cp "$TAMIS" "$WORK/tamis.bin" || die "cannot copy $TAMIS"
TAMIS_SRC="$TAMIS"; TAMIS="$WORK/tamis.bin"
ROWS="$WORK/rows.jsonl"; : > "$ROWS"
FAIL=0

HAVE_GNU_TIME=0
/usr/bin/time -v true >/dev/null 2>&1 && HAVE_GNU_TIME=1
((HAVE_GNU_TIME)) || log "GNU /usr/bin/time -v unavailable: peak RSS from /proc polling (VmHWM)"

# corpus halves: name, input glob, input format
declare -A PAT=([jsonl]="*.jsonl.zst" [warc]="*.warc.gz")
list_files() {  # half -> FILES array (sorted glob; paths may contain spaces)
    shopt -s nullglob
    # shellcheck disable=SC2206  # the pattern part is meant to glob
    FILES=("$CORPUS/$1"/${PAT[$1]})
    shopt -u nullglob
}
declare -A IFMT=([jsonl]=jsonl [warc]=warc)
HALVES=(jsonl warc); [[ -n "$ONLY" ]] && HALVES=("$ONLY")

# uncompressed input bytes: from manifest.json if it matches the files, else measured.
input_bytes() {  # half files...
    local half="$1"; shift
    "$PY" - "$CORPUS" "$half" "$@" <<'PY'
import json, os, subprocess, sys
corpus, half, files = sys.argv[1], sys.argv[2], sys.argv[3:]
try:
    m = json.load(open(os.path.join(corpus, "manifest.json")))[half]
    shards = {s["path"]: s for s in m["shards"]}
    if all(os.path.basename(f) in shards and os.path.getsize(f) == shards[os.path.basename(f)]["compressed_bytes"]
           for f in files) and len(files) == len(shards):
        docs = sum(s.get("documents", s.get("records", 0)) for s in shards.values())
        print(sum(s["uncompressed_bytes"] for s in shards.values()), docs, "manifest")
        sys.exit(0)
except (OSError, KeyError, ValueError):
    pass
tot = 0
for f in files:
    dec = ["zstd", "-dc", f] if f.endswith(".zst") else ["gzip", "-dc", f]
    p = subprocess.Popen(dec, stdout=subprocess.PIPE)
    for chunk in iter(lambda: p.stdout.read(1 << 20), b""):
        tot += len(chunk)
    p.wait()
print(tot, -1, "measured")
PY
}

# sha256 of every file under kept/ and removed/, relative paths, sorted.
hash_outputs() {  # outdir -> file
    (cd "$1" && find kept removed -type f -print0 2>/dev/null | sort -z | xargs -0 -r sha256sum) > "$2"
}

# run one timed `tamis run`; prints a JSON row to $ROWS
timed_run() {  # half threads rep outdir
    local half="$1" threads="$2" rep="$3" out="$4"
    local FILES; list_files "$half"
    local files=("${FILES[@]}")
    rm -rf "$out"
    local args=(run --threads "$threads" --input-format "${IFMT[$half]}" -o "$out")
    [[ -n "$CONFIG" ]] && args+=(--config "$CONFIG")
    [[ -n "$FORMAT" ]] && args+=(--format "$FORMAT")
    local tfile="$WORK/time-$half-t$threads-r$rep.txt" logf="$WORK/log-$half-t$threads-r$rep.txt"
    log "$half threads=$threads rep=$rep: $TAMIS ${args[*]} (${#files[@]} files)"
    local t0 t1 rc hwm=""
    t0=$(date +%s.%N)
    if ((HAVE_GNU_TIME)); then
        /usr/bin/time -v -o "$tfile" "$TAMIS" "${args[@]}" "${files[@]}" >"$logf" 2>&1
        rc=$?
    else
        "$TAMIS" "${args[@]}" "${files[@]}" >"$logf" 2>&1 &
        local pid=$!
        while kill -0 "$pid" 2>/dev/null; do
            local v; v=$(awk '/^VmHWM:/{print $2}' "/proc/$pid/status" 2>/dev/null) && [[ -n "$v" ]] && hwm="$v"
            sleep 0.05
        done
        wait "$pid"; rc=$?
        printf 'Maximum resident set size (kbytes): %s\n' "${hwm:-0}" > "$tfile"
    fi
    t1=$(date +%s.%N)
    log "$half threads=$threads rep=$rep: exit $rc, $(awk "BEGIN{printf \"%.2f\", $t1 - $t0}") s"
    ((rc > 1)) && { FAIL=1; log "tamis failed (exit $rc); last log lines:"; tail -5 "$logf" >&2; }
    "$PY" - "$half" "$threads" "$rep" "$rc" "$t0" "$t1" "$tfile" "$out" "${INB[$half]}" "${#files[@]}" >> "$ROWS" <<'PY'
import json, re, sys
half, threads, rep, rc, t0, t1, tfile, out, inb, nfiles = sys.argv[1:]
row = {"corpus": half, "threads": int(threads), "rep": int(rep), "exit": int(rc),
       "wall_s": float(t1) - float(t0), "input_bytes": int(inb), "input_files": int(nfiles)}
t = open(tfile, errors="replace").read()
def grab(pat, conv=float):
    m = re.search(pat, t)
    return conv(m.group(1)) if m else None
row["peak_rss_kb"] = grab(r"Maximum resident set size \(kbytes\): (\d+)", int)
row["user_s"] = grab(r"User time \(seconds\): ([\d.]+)")
row["sys_s"] = grab(r"System time \(seconds\): ([\d.]+)")
try:
    rep_ = json.load(open(f"{out}/report.json"))
    row["documents"] = rep_.get("documents")
except (OSError, ValueError):
    row["documents"] = None
print(json.dumps(row))
PY
}

declare -A INB
for half in "${HALVES[@]}"; do
    list_files "$half"; files=("${FILES[@]}")
    ((${#files[@]})) || die "no input files: $CORPUS/$half/${PAT[$half]}"
    read -r b docs src < <(input_bytes "$half" "${files[@]}")
    INB[$half]="$b"
    log "$half: ${#files[@]} files, $b uncompressed bytes ($src), manifest docs/records: $docs"
    # warm the page cache so the first run is not penalised
    cat "${files[@]}" > /dev/null
done

# thread counts that must be run; determinism needs 1 and 2
RUN_THREADS="$THREADS"
if ((DETERMINISM)); then
    for t in 1 2; do [[ " $RUN_THREADS " == *" $t "* ]] || RUN_THREADS="$RUN_THREADS $t"; done
fi

declare -A DET
LOAD0="$(cut -d' ' -f1-3 /proc/loadavg)"
log "load average before the runs: $LOAD0"
for half in "${HALVES[@]}"; do
    for t in $RUN_THREADS; do
        for ((r = 1; r <= REPS; r++)); do
            out="$WORK/out-$half-t$t"
            timed_run "$half" "$t" "$r" "$out"
            [[ -f "$out/report.json" ]] || FAIL=1
            if ((r == REPS)) && ((DETERMINISM)) && [[ $t == 1 || $t == 2 ]]; then
                hash_outputs "$out" "$WORK/sha-$half-t$t.txt"
            fi
            ((KEEP)) || { ((r == REPS)) && [[ $t != 1 && $t != 2 ]] && rm -rf "$out"; }
        done
    done
    if ((DETERMINISM)); then
        a="$WORK/sha-$half-t1.txt"; b="$WORK/sha-$half-t2.txt"
        n=$(wc -l < "$a")
        if ((n > 0)) && cmp -s "$a" "$b"; then
            DET[$half]="identical ($n files under kept/ + removed/)"
        else
            FAIL=1
            nd=$(diff "$a" "$b" | grep -c '^<')
            DET[$half]="**DIFFERENT** ($n vs $(wc -l < "$b") files, $nd file(s) of threads-1 run without identical counterpart; see $(basename "$a") vs $(basename "$b") in ${WORK#$REPO/})"
            ((n == 0)) && DET[$half]="**NO OUTPUT FILES** under kept/ removed/"
        fi
        log "$half: threads 1 vs 2: ${DET[$half]}"
        ((KEEP)) || rm -rf "$WORK/out-$half-t1" "$WORK/out-$half-t2"
    fi
done

# ---------------------------------------------------------------- markdown
DETJSON="{}"
if ((DETERMINISM)); then
    DETJSON=$(for h in "${HALVES[@]}"; do printf '%s\t%s\n' "$h" "${DET[$h]}"; done |
        "$PY" -c 'import json,sys; print(json.dumps(dict(l.rstrip("\n").split("\t",1) for l in sys.stdin)))')
fi
TV="$("$TAMIS" --version 2>/dev/null | head -1)"; [[ -n "$TV" ]] || TV="?"
BIN_SHA="$(sha256sum "$TAMIS" | cut -c1-12)"
GIT="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo 'no commit')"
GITDIRTY="$(git -C "$REPO" status --porcelain 2>/dev/null | grep -vc '^??' || true)"
CPU="$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)"
MEM="$(awk '/^MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
"$PY" - "$ROWS" "$OUT" "$CORPUS" "$REPO" "$DETJSON" "$TV" "$BIN_SHA" "$GIT" "$GITDIRTY" "$CPU" "$NPROC" "$MEM" \
        "$CONFIG" "$REPS" "$ARGV" "${TAMIS_SRC#"$REPO"/}" "$LOAD0" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import json, os, sys, datetime as dt
rows_f, out, corpus, repo, detjson, tv, binsha, git, dirty, cpu, nproc, mem, config, reps, argv, tsrc, load0, load1 = sys.argv[1:]
rows = [json.loads(l) for l in open(rows_f) if l.strip()]
det = json.loads(detjson)
try:
    man = json.load(open(os.path.join(corpus, "manifest.json")))
except (OSError, ValueError):
    man = {}
best = {}
for r in rows:
    k = (r["corpus"], r["threads"])
    if k not in best or r["wall_s"] < best[k]["wall_s"]:
        best[k] = r
L = [f"# tamis run throughput ({dt.datetime.now():%Y-%m-%d %H:%M})", "",
     f"- machine: {cpu}, {nproc} cores, {mem} RAM; load average (1/5/15 min) before: {load0}, after: {load1}"
     + (" — **machine was busy, numbers are noisy**" if float(load0.split()[0]) > 0.5 else ""),
     f"- tamis: `{tv}` ({tsrc}, sha256 {binsha}…, copied before the first run), git {git}" + (f" (+{dirty} modified files)" if dirty not in ("", "0") else ""),
     f"- config: {config or 'default'}; best of {reps} run(s) per row; MB = 10^6 bytes of *uncompressed* input; "
     f"docs/s uses report.json documents.in",
     f"- corpus: `{os.path.relpath(corpus, repo)}`"]
for half in ("jsonl", "warc"):
    if half in man:
        t = man[half]["totals"]
        L.append(f"  - {half}: {len(man[half]['shards'])} shards, {t['compressed_bytes']/1e6:.0f} MB compressed, "
                 f"{t['uncompressed_bytes']/1e6:.0f} MB uncompressed, "
                 + (f"{t['documents']} docs" if 'documents' in t else f"{t['records']} records ({t['by_type'].get('response')} responses)"))
L += ["", "| corpus | threads | exit | docs in | kept | removed | errors | wall s | docs/s | MB/s | "
      "CPU s (user+sys) | CPU util | peak RSS MiB |",
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
for (half, th), r in sorted(best.items()):
    d = r.get("documents") or {}
    din = d.get("in")
    cpu_s = (r["user_s"] or 0) + (r["sys_s"] or 0) if r.get("user_s") is not None else None
    L.append("| {} | {} | {} | {} | {} | {} | {} | {:.2f} | {} | {:.1f} | {} | {} | {} |".format(
        half, th, r["exit"], din if din is not None else "–", d.get("kept", "–"), d.get("removed", "–"),
        d.get("errors", "–"), r["wall_s"], f"{din / r['wall_s']:.0f}" if din else "–",
        r["input_bytes"] / 1e6 / r["wall_s"],
        f"{cpu_s:.1f}" if cpu_s is not None else "–",
        f"{cpu_s / r['wall_s']:.2f}" if cpu_s is not None else "–",
        f"{r['peak_rss_kb'] / 1024:.0f}" if r.get("peak_rss_kb") else "–"))
for half in ("jsonl", "warc"):
    t1, tn = best.get((half, 1)), best.get((half, int(nproc)))
    if t1 and tn and int(nproc) > 1:
        if not L[-1].startswith("- "):
            L.append("")
        L.append(f"- {half}: speed-up threads {nproc} vs 1: **{t1['wall_s'] / tn['wall_s']:.2f}x**")
if det:
    L += ["", "Determinism (sha256 of every file under kept/ and removed/, `--threads 1` vs `--threads 2`):", ""]
    L += [f"- {h}: {v}" for h, v in det.items()]
if len(rows) > len(best):
    L += ["", "All runs (wall s): " + "; ".join(f"{r['corpus']} t{r['threads']} r{r['rep']}: {r['wall_s']:.2f}" for r in rows)]
L += ["", f"Command: `bench/run_pipeline.sh {argv}`".replace("  ", " "), ""]
md = "\n".join(L)
open(out, "w").write(md)
json.dump({"rows": rows, "determinism": det}, open(os.path.splitext(out)[0] + ".json", "w"), indent=1)
print(md)
PY
log "wrote $OUT"
exit $FAIL
