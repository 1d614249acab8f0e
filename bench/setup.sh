#!/usr/bin/env bash
# Create bench/.venv with the Python packages the benchmark scripts need.
# Idempotent: re-running only installs what is missing.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$BENCH_DIR/.venv"
PY="${PYTHON:-python3}"

if [[ ! -x "$VENV/bin/python" ]]; then
    echo "setup: creating venv at $VENV"
    "$PY" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi

# resiliparse ships FastWARC; warcio is the pure-Python reference reader;
# zstandard writes the .jsonl.zst corpus shards.
# fasttext-predict runs lid.176.ftz from Python (the language-ID differential check).
# datatrove (+ regex, which its formatters import) is the PII and quality-filter reference; its word
# tokenizer for English and French is spaCy (spacy.blank, no model download).
# tiktoken is the reference for token counts (tokens_check.py gives it its vocabularies offline).
# trafilatura (pinned: html_eval.py's baseline figures name its version) is the extraction reference
# next to resiliparse; its jusText fallback imports lxml.html.clean, a separate package since lxml 5.2.
# Plain `datatrove` does not constrain trafilatura (only its [processing] extra pins trafilatura<1.12).
PKGS=(resiliparse fastwarc warcio zstandard fasttext-predict datatrove regex spacy tiktoken
      "trafilatura==2.3.1" lxml_html_clean)
missing=()
for p in "${PKGS[@]}"; do
    name="${p%%==*}"
    have="$("$VENV/bin/python" -m pip show "$name" 2>/dev/null | sed -n 's/^Version: //p' || true)"
    # missing, or installed at another version than the pin
    if [[ -z "$have" || ( "$p" == *==* && "$have" != "${p#*==}" ) ]]; then
        missing+=("$p")
    fi
done
if ((${#missing[@]})); then
    echo "setup: pip install ${missing[*]}"
    "$VENV/bin/python" -m pip install --quiet "${missing[@]}"
else
    echo "setup: python packages already installed"
fi
"$VENV/bin/python" - <<'PY'
import fastwarc, warcio, zstandard, trafilatura, lxml_html_clean
from importlib.metadata import version
print("setup: fastwarc", version("fastwarc"), "| resiliparse", version("resiliparse"),
      "| warcio", version("warcio"), "| zstandard", version("zstandard"),
      "| trafilatura", version("trafilatura"))
PY

# Legacy FastWARC 1.x (Cython) next to the 2.x Rust rewrite that resiliparse now ships, so
# warc_read.py can report both. Installed into a plain directory used via PYTHONPATH only by
# warc_read.py's "fastwarc1" reader. Skip with SKIP_FASTWARC1=1.
FW1_VERSION="${FASTWARC1_VERSION:-1.1.0}"
FW1_DIR="$VENV/fastwarc1"
if [[ "${SKIP_FASTWARC1:-0}" != 1 ]]; then
    if [[ ! -d "$FW1_DIR/fastwarc-$FW1_VERSION.dist-info" ]]; then
        echo "setup: installing legacy fastwarc==$FW1_VERSION into $FW1_DIR"
        rm -rf "$FW1_DIR"
        # (pip warns that resiliparse wants fastwarc 2.x: harmless, the target dir is separate)
        "$VENV/bin/python" -m pip install --quiet --target "$FW1_DIR" "fastwarc==$FW1_VERSION" 2>&1 |
            grep -v "dependency resolver\|resiliparse .* requires fastwarc\|^$" || true
    fi
    PYTHONPATH="$FW1_DIR" "$VENV/bin/python" -c \
        'import fastwarc.stream_io as s; assert hasattr(s, "GZipStream"); print("setup: legacy fastwarc ok")'
fi

# minhash_parity.py / gen_minhash_fixture.py: rensa (signature speed), tokenizers (datatrove's
# dedup package imports it), xxhash < 3.6 (datatrove 0.10.1 hashes str shingles; xxhash 3.6
# rejects str with "Strings must be encoded before hashing").
"$VENV/bin/python" -m pip show --quiet rensa tokenizers orjson >/dev/null 2>&1 ||
    "$VENV/bin/python" -m pip install --quiet rensa tokenizers orjson
"$VENV/bin/python" -c 'import xxhash; xxhash.xxh64_intdigest("a")' 2>/dev/null ||
    "$VENV/bin/python" -m pip install --quiet "xxhash==3.5.0"

# The word tokenizers datatrove assigns to languages spaCy does not cover (ja, zh, vi, th, ko, hi),
# for bench/fineweb2_parity.py only. Opt in with FINEWEB2_TOKENIZERS=1. datatrove's Korean tokenizer
# needs kiwipiepy < 0.22 (later versions no longer ship the model it loads).
if [[ "${FINEWEB2_TOKENIZERS:-0}" == 1 ]]; then
    echo "setup: installing datatrove's non-spaCy word tokenizers"
    "$VENV/bin/python" -m pip install --quiet sudachipy sudachidict_core jieba pyvi pythainlp \
        "kiwipiepy<0.22.0" indic-nlp-library
fi

# GNU time gives peak RSS (-v). Install the Debian package if it is missing.
if ! /usr/bin/time -v true >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]]; then
        echo "setup: installing GNU time via apt-get"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time
    else
        echo "setup: WARNING /usr/bin/time -v unavailable; run_pipeline.sh will fall back to /proc polling" >&2
    fi
fi
for tool in taskset zstd sha256sum; do
    command -v "$tool" >/dev/null 2>&1 || echo "setup: note: '$tool' not found" >&2
done
echo "setup: ok"
