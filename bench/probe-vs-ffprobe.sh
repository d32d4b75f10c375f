#!/usr/bin/env bash
# Times `kling-media probe --json` against `ffprobe -show_format -show_streams -of json` on the same
# files in one run, and prints the ratio (ours / ffprobe's wall time; under 1 is faster).
#
#   bash bench/probe-vs-ffprobe.sh [ROUNDS]        (default 20 rounds over every readable fixture)
#
# Two ways of use are measured: one process per file (as a shell loop calls either tool), and one
# process for all files (kling-media takes many files; ffprobe takes one, so it stays a loop).
# Target (issue "Foundation, probe and validate"): at most half of ffprobe's time per file.
# Also printed: a C program that only links the same FFmpeg libraries and exits, the floor for any
# process that uses them (loading libavcodec's ~150 dependencies dominates both tools' start-up).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}

# The build users install (scripts/install): release, Swift's runtime linked in statically.
build_log=$(mktemp)
swift build -c release --static-swift-stdlib --scratch-path .build-release --product kling-media >"$build_log" 2>&1 \
    || { cat "$build_log" >&2; exit 1; }
rm -f "$build_log"
ours=.build-release/release/kling-media
files=()
for f in fixtures/*; do
    case "$f" in *.sh|*/empty.mp4|*/not_media.mp4|*/truncated.mp4) continue ;; esac
    files+=("$f")
done

now() { date +%s%N; }
elapsed_ms() { echo $(( ($2 - $1) / 1000000 )); }

# Warm the page cache and the dynamic loader for both tools.
for f in "${files[@]}"; do "$ours" probe --json "$f" >/dev/null; ffprobe -v error -show_format -show_streams -of json "$f" >/dev/null; done

start=$(now)
for _ in $(seq "$rounds"); do for f in "${files[@]}"; do
    ffprobe -v error -show_format -show_streams -of json "$f" >/dev/null
done; done
ffprobe_ms=$(elapsed_ms "$start" "$(now)")

start=$(now)
for _ in $(seq "$rounds"); do for f in "${files[@]}"; do
    "$ours" probe --json "$f" >/dev/null
done; done
ours_each_ms=$(elapsed_ms "$start" "$(now)")

start=$(now)
for _ in $(seq "$rounds"); do "$ours" probe --json "${files[@]}" >/dev/null; done
ours_batch_ms=$(elapsed_ms "$start" "$(now)")

floor_program=$(mktemp -d)/floor
printf '#include <libavformat/avformat.h>\nint main(void) { return avformat_version() == 0; }\n' \
    | cc -x c - -o "$floor_program" $(pkg-config --cflags --libs libavformat libavcodec libavutil libswscale libswresample)
start=$(now)
for _ in $(seq "$rounds"); do for f in "${files[@]}"; do "$floor_program"; done; done
floor_ms=$(elapsed_ms "$start" "$(now)")
rm -rf "$(dirname "$floor_program")"

count=$(( rounds * ${#files[@]} ))
awk -v n="$count" -v f="$ffprobe_ms" -v e="$ours_each_ms" -v b="$ours_batch_ms" -v c="$floor_ms" 'BEGIN {
    printf "%d probes of %d files\n", n, n / ('"$rounds"')
    printf "%-40s %9.2f ms/file\n", "ffprobe, one process per file", f / n
    printf "%-40s %9.2f ms/file   ratio %.2f\n", "kling-media probe, one process per file", e / n, e / f
    printf "%-40s %9.2f ms/file   ratio %.2f\n", "kling-media probe, one process for all", b / n, b / f
    printf "%-40s %9.2f ms/file   ratio %.2f\n", "C program linking FFmpeg, doing nothing", c / n, c / f
}'
