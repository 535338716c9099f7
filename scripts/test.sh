#!/usr/bin/env bash
# Runs every test of the workspace on a fresh machine with only the Rust toolchain: installs what
# the tests need when it is missing (ffmpeg and sox from Debian; the development music corpus with
# scripts/fetch-corpus.sh into ./corpus; schemathesis and openapi-python-client from PyPI into
# ~/.cache/fermata-api-tools), checks formatting and clippy, then runs
# `cargo test`.
#
#   bash scripts/test.sh [extra cargo test arguments]
#
# FERMATA_CORPUS=DIR uses a corpus fetched elsewhere; FERMATA_API_TOOLS=DIR the `bin` of a
# virtual environment with the two Python tools. Under CI=true a missing corpus, ffmpeg or tool
# fails the tests that need them instead of skipping them.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else return 1
  fi
}

# ffmpeg: codecs for the re-encoding tests and the corpus durations; sox: the benchmark's speed,
# tempo and pitch conditions.
missing=()
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v sox >/dev/null 2>&1 || missing+=(sox)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}"
  { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; } ||
    echo "test.sh: could not install ${missing[*]}; tests that need them will skip (or fail under CI=true)"
fi

corpus=${FERMATA_CORPUS:-$PWD/corpus}
if [ ! -s "$corpus/tracks.tsv" ]; then
  echo "test.sh: fetching the development corpus into $corpus"
  as_root bash scripts/fetch-corpus.sh "$corpus" || echo "test.sh: could not fetch the corpus; real-music tests will skip (or fail under CI=true)"
fi
export FERMATA_CORPUS=$corpus

# schemathesis (`st`) and openapi-python-client: the server's OpenAPI tests run them against the
# real server (crates/server/tests/openapi.rs). Installed once into a virtual environment, at the
# versions the tests were written against (a new release may bring new checks: move on purpose).
tools=${FERMATA_API_TOOLS:-$HOME/.cache/fermata-api-tools/bin}
if [ ! -x "$tools/st" ] || [ ! -x "$tools/openapi-python-client" ]; then
  echo "test.sh: installing schemathesis and openapi-python-client into $(dirname "$tools")"
  # Debian's python3 makes virtual environments only with python3-venv.
  python3 -m venv --help >/dev/null 2>&1 && python3 -c 'import ensurepip' 2>/dev/null ||
    { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; } || true
  { python3 -m venv "$(dirname "$tools")" &&
    "$tools/pip" install -q schemathesis==4.32.5 openapi-python-client==0.29.1; } ||
    echo "test.sh: could not install them; the OpenAPI tests will skip (or fail under CI=true)"
fi
export FERMATA_API_TOOLS=$tools

# The habits that keep the code readable: one format, no clippy warning (tests and benches too).
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  command -v rustup >/dev/null 2>&1 && rustup component add rustfmt clippy
fi
cargo fmt --all --check
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

cargo test --workspace --release --locked --all-features "$@"
