#!/usr/bin/env bash
# Size of OUT/report.{html,json} and the time headless Chromium takes to load report.html (the
# page's own `performance.now()` at its load event, read from the rendered DOM), with no network.
#   bash bench/report_check.sh OUT [REPS]
set -euo pipefail
out="$1"; reps="${2:-5}"
page="$(cd "$out" && pwd)/report.html"
browser="${TAMIS_CHROMIUM:-$(command -v chromium || echo /usr/bin/chromium)}"
echo "report.html $(stat -c %s "$page") bytes, report.json $(stat -c %s "$out/report.json") bytes"
for i in $(seq "$reps"); do
  profile="$(mktemp -d)"
  start=$(date +%s.%N)
  body="$("$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    "--host-resolver-rules=MAP * ~NOTFOUND" --user-data-dir="$profile" \
    --virtual-time-budget=5000 --dump-dom "file://$page" 2>/dev/null | grep -o '<body[^>]*>')"
  end=$(date +%s.%N)
  rm -rf "$profile"
  echo "run $i: $(grep -o 'data-ready-ms="[0-9]*"' <<<"$body") $(grep -o 'data-charts="[0-9]*"' <<<"$body") $(grep -o 'data-render="[a-z]*"' <<<"$body") chromium process $(echo "$end - $start" | bc) s"
done
