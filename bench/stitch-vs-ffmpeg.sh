#!/usr/bin/env bash
# `kling-media stitch` against the ffmpeg CLI doing the same job, in one run, on the same files:
#   copy:       two alike clips; ffmpeg's concat demuxer with -c copy.
#   mismatched: the Kling case, a 6 s 720p30 source with sound + a 5 s 1080p24 continuation
#               without; ffmpeg's concat filter with scale/pad/setsar/fps/format and aresample
#               (+ anullsrc for the silent clip), the same x264 preset and CRF, AAC.
#   crossfade:  the same two clips with a 0.5 s cross-fade; ffmpeg's xfade and acrossfade after the
#               same normalisation. The continuation has a keyframe every 2 s, so ours re-encodes
#               its first 2 s and copies the rest.
# Reports wall time (best of 3), the ratio ours/ffmpeg, peak memory, and for the mismatched case
# the SSIM of the re-encoded source part against the source scaled the same way.
#
#   bash bench/stitch-vs-ffmpeg.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build_log=$(mktemp)
swift build -c release --static-swift-stdlib --scratch-path .build-release --product kling-media >"$build_log" 2>&1 \
    || { cat "$build_log" >&2; exit 1; }
rm -f "$build_log"
ours=$PWD/.build-release/release/kling-media
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ff() { ffmpeg -hide_banner -loglevel error -nostdin -y "$@"; }

ff -f lavfi -i "testsrc2=size=1280x720:rate=30" -f lavfi -i "sine=frequency=440:sample_rate=44100" -t 6 \
   -c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p -c:a aac -b:a 128k "$work/source.mp4"
ff -f lavfi -i "mandelbrot=size=1920x1080:rate=24" -t 5 -c:v libx264 -preset veryfast -crf 20 -g 48 -pix_fmt yuv420p "$work/next.mp4"
printf "file '%s'\nfile '%s'\n" "$work/source.mp4" "$work/source.mp4" > "$work/list.txt"

# run NAME COMMAND...: best wall time of 3 and peak RSS (MB), printed as "seconds megabytes".
run() {
    local best="" peak=0
    for _ in 1 2 3; do
        /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
        read -r seconds kb < "$work/time"
        best=$(python3 -c "print(min(float('$seconds'), float('${best:-1e9}')))")
        peak=$(( kb > peak ? kb : peak ))
    done
    echo "$best $(( peak / 1024 ))"
}

report() {
    local name=$1 ours_line=$2 theirs_line=$3
    read -r ot om <<<"$ours_line"
    read -r tt tm <<<"$theirs_line"
    python3 -c "print(f'{\"$name\":11s} ours {float($ot):6.2f} s {int($om):4d} MB | ffmpeg {float($tt):6.2f} s {int($tm):4d} MB | time ratio {float($ot)/float($tt):.2f}  memory ratio {int($om)/int($tm):.2f}')"
}

copy_ours=$(run "$ours" stitch "$work/source.mp4" "$work/source.mp4" -o "$work/ours-copy.mp4")
copy_theirs=$(run ffmpeg -hide_banner -loglevel error -nostdin -y -f concat -safe 0 -i "$work/list.txt" -c copy \
    -movflags +faststart "$work/ffmpeg-copy.mp4")
report copy "$copy_ours" "$copy_theirs"

filter="[0:v]scale=1920:1080:force_original_aspect_ratio=decrease,pad=1920:1080:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=24,format=yuv420p[v0];\
[1:v]scale=1920:1080:force_original_aspect_ratio=decrease,pad=1920:1080:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=24,format=yuv420p[v1];\
[0:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo[a0];\
anullsrc=r=48000:cl=stereo,atrim=duration=5[a1];[v0][a0][v1][a1]concat=n=2:v=1:a=1[v][a]"
mixed_ours=$(run "$ours" stitch "$work/source.mp4" "$work/next.mp4" -o "$work/ours-mixed.mp4" --crf 18)
mixed_theirs=$(run ffmpeg -hide_banner -loglevel error -nostdin -y -i "$work/source.mp4" -i "$work/next.mp4" \
    -filter_complex "$filter" -map "[v]" -map "[a]" -c:v libx264 -preset veryfast -crf 18 -c:a aac -b:a 128k \
    -movflags +faststart "$work/ffmpeg-mixed.mp4")
report mismatched "$mixed_ours" "$mixed_theirs"

fade="[0:v]scale=1920:1080:force_original_aspect_ratio=decrease,pad=1920:1080:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=24,format=yuv420p[v0];\
[1:v]scale=1920:1080:force_original_aspect_ratio=decrease,pad=1920:1080:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=24,format=yuv420p[v1];\
[0:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo[a0];\
anullsrc=r=48000:cl=stereo,atrim=duration=5[a1];[v0][v1]xfade=transition=fade:duration=0.5:offset=5.5[v];[a0][a1]acrossfade=d=0.5[a]"
fade_ours=$(run "$ours" stitch "$work/source.mp4" "$work/next.mp4" -o "$work/ours-fade.mp4" --crf 18 --crossfade 0.5)
fade_theirs=$(run ffmpeg -hide_banner -loglevel error -nostdin -y -i "$work/source.mp4" -i "$work/next.mp4" \
    -filter_complex "$fade" -map "[v]" -map "[a]" -c:v libx264 -preset veryfast -crf 18 -c:a aac -b:a 128k \
    -movflags +faststart "$work/ffmpeg-fade.mp4")
report crossfade "$fade_ours" "$fade_theirs"

# SSIM of each output's first 6 s (the re-encoded source) against the source scaled to 1080p24,
# and of the last 5 s against the continuation itself (passthrough makes ours exact).
ssim() {
    ffmpeg -hide_banner -nostdin -i "$1" -i "$2" -lavfi \
        "[0:v]$3,setpts=PTS-STARTPTS[a];[1:v]scale=1920:1080,setsar=1,fps=24,setpts=PTS-STARTPTS[b];[a][b]ssim" -f null - 2>&1 \
        | sed -n 's/.*All:\([0-9.]*\).*/\1/p' | tail -1
}
for who in ours ffmpeg; do
    echo "$who: SSIM source part $(ssim "$work/$who-mixed.mp4" "$work/source.mp4" "trim=end=6"), continuation part $(ssim "$work/$who-mixed.mp4" "$work/next.mp4" "trim=start=6")"
done
