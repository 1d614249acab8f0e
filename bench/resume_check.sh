#!/usr/bin/env bash
# Crash/resume check for `tamis run`:
#   1. run tamis uninterrupted into OUT_A;
#   2. start a run into OUT_B and `kill -9` it after --kill-after seconds (mid-run; several
#      values = several successive kills, each applied to the resumed run);
#   3. rerun into OUT_B until it completes;
#   4. compare sha256 of every file under kept/ and removed/ of OUT_A and OUT_B, and the
#      report.json "documents" totals.
#
# usage: bench/resume_check.sh [options] [INPUT ...]
#   INPUT              files or dirs (dirs: *.jsonl.zst / *.warc.gz inside);
#                      default bench/work/corpus/jsonl
#   --kill-after "S.."  seconds after start to kill -9 (default "auto" = 50% of run A's wall time);
#                      e.g. --kill-after "4 2" kills at 4 s, resumes, kills the resumed run at 2 s
#   --threads N        default $(nproc)
#   --config FILE      pass --config FILE
#   --tamis BIN        default target/release/tamis (or $TAMIS)
#   --work DIR         default bench/work/resume
#   --keep             keep OUT_A / OUT_B
# exit: 0 identical; 1 outputs differ or a run failed; 3 inconclusive (the run ended before the
#       kill, i.e. nothing was interrupted: use a smaller --kill-after or a larger input); 2 usage.
set -uo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH")"
TAMIS="${TAMIS:-$REPO/target/release/tamis}"
KILL_AFTER="auto"
THREADS="$(nproc)"
CONFIG=""
WORK="$BENCH/work/resume"
KEEP=0
INPUTS=()
while (($#)); do
    case "$1" in
        --kill-after) KILL_AFTER="$2"; shift 2 ;;
        --threads) THREADS="$2"; shift 2 ;;
        --config) CONFIG="$2"; shift 2 ;;
        --tamis) TAMIS="$2"; shift 2 ;;
        --work) WORK="$2"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        -*) echo "resume_check: unknown option $1" >&2; exit 2 ;;
        *) INPUTS+=("$1"); shift ;;
    esac
done
say() { echo "[resume_check $(date +%H:%M:%S)] $*"; }
die() { echo "resume_check: $*" >&2; exit 2; }
[[ -x "$TAMIS" ]] || die "tamis binary not found at $TAMIS"
((${#INPUTS[@]})) || INPUTS=("$BENCH/work/corpus/jsonl")
FILES=()
for x in "${INPUTS[@]}"; do
    if [[ -d "$x" ]]; then
        shopt -s nullglob
        FILES+=("$x"/*.jsonl.zst "$x"/*.jsonl.gz "$x"/*.jsonl "$x"/*.warc.gz "$x"/*.warc)
        shopt -u nullglob
    elif [[ -f "$x" ]]; then FILES+=("$x")
    else die "no such input: $x"; fi
done
((${#FILES[@]})) || die "no input files in ${INPUTS[*]}"
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
A="$WORK/OUT_A"; B="$WORK/OUT_B"
# snapshot the binary: a concurrent `cargo build` must not swap it between the runs
cp "$TAMIS" "$WORK/tamis.bin" || die "cannot copy $TAMIS"
say "tamis $TAMIS sha256 $(sha256sum "$TAMIS" | cut -c1-12)… (running a copy: $WORK/tamis.bin)"
TAMIS="$WORK/tamis.bin"
ARGS=(run --threads "$THREADS")
[[ -n "$CONFIG" ]] && ARGS+=(--config "$CONFIG")
now() { date +%s.%N; }
fsub() { awk "BEGIN{printf \"%.2f\", $1 - $2}"; }

# one-line description of an output dir's state
describe() {  # dir
    local d="$1" k r t o rep pat='\.tmp\|\.partial\|\.inprogress\|/\.[^/]*$'
    k=$(find "$d/kept" -type f -name 'part-*' 2>/dev/null | grep -vc "$pat")
    r=$(find "$d/removed" -type f -name 'part-*' 2>/dev/null | grep -vc "$pat")
    t=$(find "$d/kept" "$d/removed" -type f 2>/dev/null | grep -c "$pat")
    o=$(find "$d" -type f 2>/dev/null | wc -l)
    rep=absent; [[ -f "$d/report.json" ]] && rep=present
    echo "kept/ $k shard(s), removed/ $r shard(s), $t temp/in-progress file(s) there; $o file(s) in total under OUT ($(du -sh "$d" 2>/dev/null | cut -f1)), report.json $rep"
}
listing() {  # dir -> files under kept/ removed/ (max 8) with sizes
    (cd "$1" 2>/dev/null && find kept removed -type f -printf '%p (%s B)\n' 2>/dev/null | sort | head -8 | paste -sd ';' -)
}
hashes() {  # dir out
    (cd "$1" && find kept removed -type f -print0 2>/dev/null | sort -z | xargs -0 -r sha256sum) > "$2"
}
totals() {  # dir -> "in kept removed errors"
    python3 - "$1/report.json" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))["documents"]
    print(" ".join(str(d.get(k)) for k in ("in", "kept", "removed", "errors")))
except Exception as e:  # noqa: BLE001
    print(f"unreadable ({e.__class__.__name__})")
PY
}

say "${#FILES[@]} input file(s), $(du -chL "${FILES[@]}" | tail -1 | cut -f1); threads $THREADS"

# ---- 1. reference run
rm -rf "$A" "$B"
say "run A (uninterrupted) -> $A"
t0=$(now); "$TAMIS" "${ARGS[@]}" -o "$A" "${FILES[@]}" > "$WORK/A.log" 2>&1; rcA=$?; t1=$(now)
TA=$(fsub "$t1" "$t0")
say "run A: exit $rcA after ${TA}s; $(describe "$A")"
if ((rcA > 1)); then tail -5 "$WORK/A.log"; say "FAIL: reference run failed"; exit 1; fi

# ---- 2. killed run(s)
if [[ "$KILL_AFTER" == auto ]]; then
    KILL_AFTER=$(awk "BEGIN{v=$TA*0.5; if (v<0.3) v=0.3; printf \"%.2f\", v}")
    say "kill time auto = 50% of run A = ${KILL_AFTER}s"
fi
KILLED=0; UNKILLED=0; n=0
for k in ${KILL_AFTER//,/ }; do
    n=$((n + 1))
    say "run B attempt $n: start, kill -9 after ${k}s"
    t0=$(now)
    "$TAMIS" "${ARGS[@]}" -o "$B" "${FILES[@]}" >> "$WORK/B.log" 2>&1 &
    pid=$!
    deadline=$(awk "BEGIN{printf \"%.3f\", $t0 + $k}")
    while kill -0 "$pid" 2>/dev/null && awk "BEGIN{exit !($(now) < $deadline)}"; do sleep 0.02; done
    if kill -0 "$pid" 2>/dev/null && [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]]; then
        state="$(describe "$B")"; files_at_kill="$(listing "$B")"
        kill -9 "$pid"; wait "$pid" 2>/dev/null; rc=$?
        KILLED=$((KILLED + 1))
        say "  KILLED mid-run at $(fsub "$(now)" "$t0")s (pid $pid, wait status $rc = $([[ $rc == 137 ]] && echo SIGKILL || echo '?'))"
        say "  state at kill time: $state"
        say "  files at kill time: ${files_at_kill:-none}"
        say "  (run A produced: $(describe "$A"))"
    else
        wait "$pid"; rc=$?
        UNKILLED=$((UNKILLED + 1))
        say "  NOT killed: the run had already finished (exit $rc) after $(fsub "$(now)" "$t0")s < ${k}s"
    fi
done

# ---- 3. resume to completion
say "run B (resume to completion) -> $B; state before: $(describe "$B")"
t0=$(now); "$TAMIS" "${ARGS[@]}" -o "$B" "${FILES[@]}" >> "$WORK/B.log" 2>&1; rcB=$?; t1=$(now)
say "run B resume: exit $rcB after $(fsub "$t1" "$t0")s; $(describe "$B")"

# ---- 4. compare
hashes "$A" "$WORK/A.sha256"; hashes "$B" "$WORK/B.sha256"
nA=$(wc -l < "$WORK/A.sha256"); nB=$(wc -l < "$WORK/B.sha256")
TOT_A="$(totals "$A")"; TOT_B="$(totals "$B")"
say "report.json documents (in kept removed errors): A = $TOT_A | B = $TOT_B"
STATUS=0
if cmp -s "$WORK/A.sha256" "$WORK/B.sha256" && ((nA > 0)); then
    say "files: IDENTICAL ($nA files under kept/ + removed/)"
else
    STATUS=1
    say "files: DIFFERENT (A $nA files, B $nB files):"
    diff <(sed 's/^\(\S*\)  \(.*\)$/\2 \1/' "$WORK/A.sha256") <(sed 's/^\(\S*\)  \(.*\)$/\2 \1/' "$WORK/B.sha256") | head -20
    ((nA == 0)) && say "  (run A wrote no files under kept/ or removed/)"
fi
[[ "$TOT_A" == "$TOT_B" && "$TOT_A" != unreadable* ]] || { STATUS=1; say "report.json totals: DIFFERENT or unreadable"; }
((rcA == rcB)) || { STATUS=1; say "exit codes differ: A $rcA, B $rcB"; }
((KEEP)) || rm -rf "$A" "$B"
if ((STATUS)); then
    say "RESULT: FAIL (killed $KILLED time(s))"; exit 1
elif ((KILLED == 0)); then
    say "RESULT: INCONCLUSIVE - outputs identical but no run was interrupted (kill after ${KILL_AFTER}s was too late)"; exit 3
else
    say "RESULT: PASS - killed $KILLED time(s) mid-run$( ((UNKILLED)) && echo ", $UNKILLED kill(s) came too late"), resumed output identical to uninterrupted run"
    exit 0
fi
