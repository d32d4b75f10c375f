#!/usr/bin/env bash
# Shot detection against PySceneDetect (scenedetect-headless, ContentDetector with its defaults)
# and FFmpeg's scdet filter (its default threshold, 10), on the same files in one run:
#   - edit-720p:  12 shots from FFmpeg's synthetic sources (sizes 320×240 to 1920×1080, 15 to
#                 30 fps), each brought to 1280×720 at 24 fps, joined and encoded once. The cut
#                 frames are the running totals of each shot's frames as ffprobe counts them.
#   - motion:     one continuous shot: a test card panned and shaken fast (up to ~250 px a frame),
#                 a two-frame white flash and a one-frame 80 % one. No cut.
#   - edit-1080p: 60 s at 1920×1080, 24 fps: 12 shots of 5 s (known cuts again), x264 at its defaults.
# For each tool: cuts found within one frame of a made one, missed, and reported where none was;
# on edit-1080p also the wall time (best of 5 rounds, the tools in turn) and the ratio to PySceneDetect's, beside the time
# ffmpeg takes only to decode the clip (`-f null`): the floor for any tool that looks at every frame;
# and only its frames other frames refer to (`-skip_frame noref`: what a detector that skips frames
# but decodes the rest exactly must still decode), and only its I- and P-frames (`bidir`).
#
#   bash bench/scenes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c "import scenedetect" 2>/dev/null || python3 -m pip install --quiet scenedetect-headless
build_log=$(mktemp)
swift build -c release --static-swift-stdlib --scratch-path .build-release --product kling-media >"$build_log" 2>&1 \
    || { cat "$build_log" >&2; exit 1; }
rm -f "$build_log"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
exec python3 bench/scenes-compare.py "$PWD/.build-release/release/kling-media" "$work"
