#!/usr/bin/env bash
# The stitch made while the model works, against the stitch made after the shot arrives, in one
# run on the same files: `kling-media continue` on a 10 s 1080p30 clip with sound, against the
# simulator with 20 s of processing, once with --no-stitch-ahead (today's stitch, after the
# download) and once as it runs by default. Measures, from the tool's own stderr lines stamped as
# they arrive, the time from the shot being saved to the stitched result being renamed into place,
# and checks the two results with ffprobe/ffmpeg: frame count, durations, and the decoded frames.
#
#   bash bench/stitch-ahead.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build_log=$(mktemp)
swift build -c release --static-swift-stdlib --scratch-path .build-release --product kling-media >"$build_log" 2>&1 \
    && swift build -c release --static-swift-stdlib --scratch-path .build-release --product kling-media-simulator >>"$build_log" 2>&1 \
    || { cat "$build_log" >&2; exit 1; }
rm -f "$build_log"
bin=$PWD/.build-release/release
work=$(mktemp -d)
simulator_pid=""
trap '[ -n "$simulator_pid" ] && kill "$simulator_pid" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

ffmpeg -hide_banner -loglevel error -nostdin -y -f lavfi -i "testsrc2=size=1920x1080:rate=30" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000" -t 10 -c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p \
    -c:a aac -b:a 128k "$work/clip.mp4"

"$bin/kling-media-simulator" --port 0 --queue 1 --latency 20 --json > "$work/simulator.json" 2>"$work/simulator.err" &
simulator_pid=$!
for _ in $(seq 50); do [ -s "$work/simulator.json" ] && break; sleep 0.1; done
base=$(python3 -c "import json; print(json.load(open('$work/simulator.json'))['base_url'])")

# run NAME [OPTIONS...]: one continuation in a home of its own; prints the seconds from "saved" to "stitched".
run() {
    local name=$1; shift
    mkdir -p "$work/$name"
    cp "$work/clip.mp4" "$work/$name/clip.mp4"
    HOME="$work/$name/home" SEGMIND_REQUESTS_PER_MINUTE=60 SEGMIND_API_BASE="$base" SEGMIND_UPLOAD_URL="$base/upload-asset" SEGMIND_API_KEY=SG_5151a7e0c0ffee00 \
        "$bin/kling-media" continue "$work/$name/clip.mp4" --prompt "Based on @Video1, the next shot" "$@" \
        2> >(while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done > "$work/$name/stderr") > /dev/null
    sleep 0.2
    python3 - "$work/$name/stderr" <<'EOF'
import sys
saved = stitched = None
for line in open(sys.argv[1]):
    stamp, _, text = line.partition(" ")
    if ": saved " in text: saved = float(stamp)
    if text.startswith("stitched ") and not text.startswith("stitched ahead:"): stitched = float(stamp)
print(f"{stitched - saved:.3f}")
EOF
}

after=$(run after --no-stitch-ahead)
ahead=$(run ahead)
grep -q "stitched ahead" "$work/ahead/stderr" || { echo "the stitch was not made ahead:" >&2; cat "$work/ahead/stderr" >&2; exit 1; }

facts() {
    ffprobe -v error -count_frames -show_entries stream=codec_type,nb_read_frames,duration -of csv=p=0 "$1" | sort | tr '\n' ' '
}
frames_after=$(ffmpeg -hide_banner -loglevel error -nostdin -i "$work/after/clip+next.mp4" -map 0:v -f framemd5 - | grep -v '^#' | md5sum | cut -c1-12)
frames_ahead=$(ffmpeg -hide_banner -loglevel error -nostdin -i "$work/ahead/clip+next.mp4" -map 0:v -f framemd5 - | grep -v '^#' | md5sum | cut -c1-12)
errors=$(ffmpeg -hide_banner -loglevel error -nostdin -i "$work/ahead/clip+next.mp4" -f null - 2>&1 | wc -l)

python3 -c "print(f'saved → stitched: after the shot {float(\"$after\"):.3f} s, made ahead {float(\"$ahead\"):.3f} s; ratio {float(\"$ahead\")/float(\"$after\"):.3f}')"
echo "after: $(facts "$work/after/clip+next.mp4")"
echo "ahead: $(facts "$work/ahead/clip+next.mp4")"
echo "decoded frames (framemd5 digest): after $frames_after, ahead $frames_ahead; decode errors ahead: $errors"
