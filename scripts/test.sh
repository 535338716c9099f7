#!/usr/bin/env bash
# Runs every test of the workspace on a fresh machine with only the Rust toolchain: installs what
# the tests need when it is missing (ffmpeg, sox, chromium, chromium-driver and fonts-noto-cjk from
# Debian; the development music corpus with scripts/fetch-corpus.sh into ./corpus; schemathesis and
# openapi-python-client from PyPI into ~/.cache/fermata-api-tools; axe-core from npm into
# ~/.cache/fermata-web-tools), checks formatting and clippy, then runs `cargo test`.
#
#   bash scripts/test.sh [extra cargo test arguments]
#
# FERMATA_CORPUS=DIR uses a corpus fetched elsewhere; FERMATA_API_TOOLS=DIR the `bin` of a
# virtual environment with the two Python tools; FERMATA_AXE_CORE=FILE an axe.min.js installed
# elsewhere. Under CI=true a missing corpus, ffmpeg, browser or tool fails the tests that need them
# instead of skipping them.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else return 1
  fi
}

# ffmpeg: codecs for the re-encoding tests and the corpus durations; sox: the benchmark's speed,
# tempo and pitch conditions; chromium and chromium-driver: the browser tests drive headless
# Chromium through WebDriver (fermata_testkit::browser); fonts-noto-cjk: Korean, Japanese and
# Chinese glyphs, without which Chromium draws boxes and the overflow checks of translated pages
# measure the wrong widths.
missing=()
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v sox >/dev/null 2>&1 || missing+=(sox)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
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
    "$tools/pip" install -q schemathesis==4.32.5 hypothesis==6.170.17 openapi-python-client==0.29.1; } ||
    echo "test.sh: could not install them; the OpenAPI tests will skip (or fail under CI=true)"
fi
export FERMATA_API_TOOLS=$tools

# axe-core: the accessibility checks of the browser tests (WCAG 2.1 AA) inject its axe.min.js into
# the page. Installed once with npm, at the version the tests were written against (a new release
# brings new rules: move on purpose). Debian's npm brings Node.js with it.
web_tools=$HOME/.cache/fermata-web-tools
axe=${FERMATA_AXE_CORE:-$web_tools/node_modules/axe-core/axe.min.js}
if [ -z "${FERMATA_AXE_CORE:-}" ] && [ ! -s "$axe" ]; then
  echo "test.sh: installing axe-core into $web_tools"
  { command -v npm >/dev/null 2>&1 ||
    { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }; } &&
    npm install --prefix "$web_tools" --no-audit --no-fund --silent axe-core@4.14.1 ||
    echo "test.sh: could not install axe-core; the accessibility checks will skip (or fail under CI=true)"
fi
export FERMATA_AXE_CORE=$axe

# The habits that keep the code readable: one format, no clippy warning (tests and benches too).
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  command -v rustup >/dev/null 2>&1 && rustup component add rustfmt clippy
fi
cargo fmt --all --check
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

cargo test --workspace --release --locked --all-features "$@"
