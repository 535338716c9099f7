#!/usr/bin/env bash
# Fetches fermata's development music corpus (about two hours of freely licensed game and demo
# music packaged by Debian) into DIR, for the tests and the benchmark.
#
#   bash scripts/fetch-corpus.sh DIR
#   bash scripts/fetch-corpus.sh --unregistered DIR
#
# With --unregistered it fetches a second, larger set (about 4.3 hours, 78 tracks, same layout and
# kind of licences) of music that nobody registers, for measuring false positives on real music
# (the benchmark's `--unregistered-music DIR/music`).
#
# Lays out DIR/music/<package>/<file>, DIR/licences/<package> (each package's copyright file:
# keep it with any use of the audio) and DIR/tracks.tsv (path, package, seconds; tracks under
# 30 s are dropped). Needs apt-get (as root, or with sudo) and ffprobe. Idempotent: packages
# already unpacked are kept, and a run killed halfway leaves only `.partial` names behind.
# Never commit the audio.
set -euo pipefail
default_packages="singularity-music drascula-music asc-music"
if [ "${1:-}" = "--unregistered" ]; then
  shift
  default_packages="hyperrogue-music ufoai-music"
fi
dir=${1:?usage: fetch-corpus.sh [--unregistered] DIR}
read -r -a packages <<<"${CORPUS_PACKAGES:-$default_packages}"

mkdir -p "$dir/debs" "$dir/music" "$dir/licences"
dir=$(cd "$dir" && pwd)

for p in "${packages[@]}"; do
  compgen -G "$dir/debs/${p}_*.deb" >/dev/null && continue
  (cd "$dir/debs" && { apt-get download "$p" 2>/dev/null || { apt-get update -qq && apt-get download "$p"; }; })
done

for p in "${packages[@]}"; do
  [ -d "$dir/music/$p" ] && continue
  work=$(mktemp -d)
  dpkg-deb -x "$dir/debs/${p}"_*.deb "$work/root"
  # Some games ship their music inside zip archives (.pk3).
  if find "$work/root" -name '*.pk3' | grep -q .; then
    command -v unzip >/dev/null 2>&1 || apt-get install -y -qq unzip >/dev/null
    find "$work/root" -name '*.pk3' -exec unzip -q -o -d "$work/root/unpacked" {} \;
  fi
  [ -f "$work/root/usr/share/doc/$p/copyright" ] && cp "$work/root/usr/share/doc/$p/copyright" "$dir/licences/$p"
  out="$dir/music/$p.partial"
  rm -rf "$out" && mkdir -p "$out"
  find "$work/root" -type f \( -iname '*.ogg' -o -iname '*.mp3' -o -iname '*.flac' -o -iname '*.wav' -o -iname '*.opus' \) -print0 |
    while IFS= read -r -d '' f; do
      name=$(basename "$f")
      # Two files of one name in different folders keep both, the second prefixed by its folder.
      [ -e "$out/$name" ] && name="$(basename "$(dirname "$f")")_$name"
      cp "$f" "$out/$name"
    done
  rm -rf "$work"
  mv "$out" "$dir/music/$p"
done

command -v ffprobe >/dev/null 2>&1 || { echo "fetch-corpus.sh: ffprobe (ffmpeg) is needed for tracks.tsv" >&2; exit 1; }
list="$dir/tracks.tsv.partial"
: >"$list"
while IFS= read -r f; do
  seconds=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$f" 2>/dev/null || true)
  seconds=${seconds%%.*}
  if [ "${seconds:-0}" -lt 30 ]; then rm -f "$f"; continue; fi
  rel=${f#"$dir/music/"}
  printf '%s\t%s\t%s\n' "$f" "${rel%%/*}" "$seconds" >>"$list"
done < <(find "$dir/music" -type f | sort)
mv "$list" "$dir/tracks.tsv"
awk -F'\t' '{n++; s+=$3} END {printf "fetch-corpus.sh: %d tracks, %.1f minutes\n", n, s/60}' "$dir/tracks.tsv"
