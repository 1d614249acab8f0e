#!/usr/bin/env bash
# Fuzz one target for SECONDS (default 1800) and record the outcome in bench/results/fuzz.md:
#   bash scripts/fuzz.sh TARGET [SECONDS]      targets: fuzz/Cargo.toml ([[bin]] names)
# Installs cargo-fuzz from crates.io if missing; uses a nightly toolchain when there is one, else
# stable with RUSTC_BOOTSTRAP=1. Seeds come from fuzz/seeds.py; the corpus grows in fuzz/corpus/TARGET and crashes land
# in fuzz/artifacts/TARGET (both git-ignored): turn each crash into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh TARGET [SECONDS]}
seconds=${2:-1800}
grep -q "name = \"$target\"" fuzz/Cargo.toml || { echo "fuzz.sh: no target $target in fuzz/Cargo.toml" >&2; exit 2; }
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# cargo-fuzz needs nightly flags: a nightly toolchain if there is one, else stable told to allow them.
if rustup toolchain list | grep -q nightly; then toolchain=+nightly; else toolchain=+stable; export RUSTC_BOOTSTRAP=1; fi
[ -x target/debug/tamis ] || cargo build -q -p tamis-cli   # fuzz/seeds.py writes Parquet seeds with it
[ -d "fuzz/corpus/$target" ] || python3 fuzz/seeds.py
mkdir -p "fuzz/artifacts/$target" bench/results
log=$(mktemp)
status=0
(cd fuzz && cargo "$toolchain" fuzz run "$target" "corpus/$target" -- \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="artifacts/$target/") >"$log" 2>&1 || status=$?
tail -5 "$log"
execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' | tail -1)
last=$(grep -E '^#[0-9]+' "$log" | tail -1)
cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
corpus=$(find "fuzz/corpus/$target" -type f | wc -l)
crashes=$(find "fuzz/artifacts/$target" -type f | wc -l)
results=bench/results/fuzz.md
[ -f "$results" ] || printf '# Fuzzing runs (scripts/fuzz.sh)\n\n| date | commit | target | seconds | execs | cov | ft | corpus | crash files | exit |\n|---|---|---|---|---|---|---|---|---|---|\n' >"$results"
echo "| $(date -u +%F) | $(git rev-parse --short HEAD) | $target | $seconds | ${execs:-?} | ${cov:-?} | ${ft:-?} | $corpus | $crashes | $status |" >>"$results"
echo "fuzz.sh: $target: ${execs:-?} execs, cov ${cov:-?}, $crashes crash files, libFuzzer exit $status (recorded in $results)"
exit "$status"
