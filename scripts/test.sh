#!/usr/bin/env bash
# Runs every test of the workspace on a fresh machine with only the Rust toolchain: installs what
# the tests need when it is missing (ffmpeg and sox from Debian; the development music corpus with
# scripts/fetch-corpus.sh into ./corpus), checks formatting and clippy, then runs
# `cargo test`.
#
#   bash scripts/test.sh [extra cargo test arguments]
#
# FERMATA_CORPUS=DIR uses a corpus fetched elsewhere. Under CI=true a missing corpus or ffmpeg
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

# The habits that keep the code readable: one format, no clippy warning (tests and benches too).
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  command -v rustup >/dev/null 2>&1 && rustup component add rustfmt clippy
fi
cargo fmt --all --check
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

cargo test --workspace --release --locked --all-features "$@"
