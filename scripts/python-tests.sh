#!/usr/bin/env bash
# The Python package's tests: build the abi3 wheel of crates/tamis-py (dev profile, sharing cargo's
# build artefacts with the Rust tests), install it with its test dependencies from PyPI into
# target/py-venv, run pytest on crates/tamis-py/tests (the Ray tests start a local 2-CPU Ray; the
# object-storage tests an S3 server of moto on the loopback).
# Skips, saying so, only where PyPI cannot be reached.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=target/py-venv
PY_DEPS=("maturin>=1.8,<2" "pyarrow>=14" polars duckdb datasets pytest "ray[data]>=2.60,<3" "moto[server]>=5" "fasttext-predict==0.9.2.4")
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" || { echo "python-tests: cannot create a venv (install python3-venv): FAILED" >&2; exit 1; }
fi
if ! "$VENV/bin/pip" download -q --no-deps -d "$(mktemp -d)" pytest >/dev/null 2>&1; then
  echo "python-tests: SKIPPED — PyPI cannot be reached to install ${PY_DEPS[*]}" >&2
  exit 0
fi
echo "python-tests: installing ${PY_DEPS[*]} (at ${SECONDS}s)"
"$VENV/bin/pip" install -q --upgrade "${PY_DEPS[@]}"
echo "python-tests: building the wheel (at ${SECONDS}s)"
rm -rf target/wheels
"$VENV/bin/maturin" build --profile dev -m crates/tamis-py/Cargo.toml -o target/wheels
"$VENV/bin/pip" install -q --force-reinstall --no-deps target/wheels/tamis-*.whl
echo "python-tests: pytest (at ${SECONDS}s)"
# Ray: no usage reports, loopback only (see crates/tamis-py/tests/conftest.py).
export RAY_USAGE_STATS_ENABLED=0 RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0
"$VENV/bin/python" -m pytest -q -p no:cacheprovider --durations=15 crates/tamis-py/tests
