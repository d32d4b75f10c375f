#!/usr/bin/env bash
# A batch at the speed of the plan: `kling-media batch` of LINES lines (a 5 s vertical 720×1280 clip at 30 fps each, so every stitch re-encodes;
# each its own file), against the simulator at a time scale of 0.05: the model's 224 s take 11.2 s
# and the plan's minute 3 s, so 5 requests a minute is 5 requests per 3 s and the batch runs in
# minutes, not hours. The client is told the same (SEGMIND_TIME_SCALE=0.05: its minute
# and its poll intervals scaled alike).
#
# For --concurrency 2, 8 and 32 (each in a home of its own, after three warm-up jobs so that the
# journal knows how long jobs take, as it does after a user's first jobs) it reports:
#   - jobs per plan-minute against the bound (the budget ÷ 2 requests per job; and, where lower,
#     what --concurrency allows: jobs in flight ÷ the time one job takes, Little's law),
#   - requests per job, counted by the server (submissions, polls, result fetches, 429s included),
#   - the process's peak memory (getrusage's maxrss).
# Then once more at --concurrency 32 with a server allowing 60 a minute and the client still
# configured for 5: the rate it learned, step by step, and the jobs per plan-minute that gave.
#
#   bash bench/batch.sh            LINES=100 by default; LINES=20 for a quicker look;
#                                  CONCURRENCY="2 32" for some of the runs; LEARN=0 without the last;
#                                  LOGS=DIR keeps the simulator's log of each run there (c8.json, …):
#                                  every request's arrival and answer, for a timeline;
#                                  TIME_SCALE=0.25 for a plan's minute of 15 s: at 0.05 the two cores'
#                                  stitches and each request's own round trip (counted in the budget
#                                  from its answer) are twenty times larger against the plan than at
#                                  Segmind, and they, not the plan, bound the faster runs
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${LINES:-100}
scale=${TIME_SCALE:-0.05}
concurrencies=${CONCURRENCY:-2 8 32}
build_log=$(mktemp)
for product in kling-media kling-media-simulator; do
    swift build -c release --static-swift-stdlib --scratch-path .build-release --product "$product" >>"$build_log" 2>&1 \
        || { cat "$build_log" >&2; exit 1; }
done
rm -f "$build_log"
bin=$PWD/.build-release/release
work=$(mktemp -d)
simulator_pid=""
trap '[ -n "$simulator_pid" ] && kill "$simulator_pid" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

# One encode, then LINES distinct files (a different title each, the streams copied).
mkdir -p "$work/clips"
ffmpeg -hide_banner -loglevel error -nostdin -y -f lavfi -i "testsrc2=size=720x1280:rate=30" -t 5 \
    -c:v libx264 -preset veryfast -crf 28 -pix_fmt yuv420p "$work/clip.mp4"
for i in $(seq 0 $((lines + 2))); do
    ffmpeg -hide_banner -loglevel error -nostdin -y -i "$work/clip.mp4" -c copy -metadata title="clip $i" "$work/clips/$i.mp4"
done

# start_simulator RATE: a fresh simulator allowing RATE requests per plan-minute; sets $base.
start_simulator() {
    [ -n "$simulator_pid" ] && kill "$simulator_pid" 2>/dev/null && wait "$simulator_pid" 2>/dev/null || true
    "$bin/kling-media-simulator" --port 0 --json --look pattern --queue 20 --processing 224 --time-scale "$scale" \
        --rate-limit "$1" > "$work/simulator.json" 2>"$work/simulator.err" &
    simulator_pid=$!
    for _ in $(seq 100); do [ -s "$work/simulator.json" ] && break; sleep 0.1; done
    base=$(python3 -c "import json; print(json.load(open('$work/simulator.json'))['base_url'])")
}

# batch NAME FIRST COUNT CONCURRENCY: lines FIRST..FIRST+COUNT-1 in home NAME; prints "seconds maxrss_kb".
batch() {
    local name=$1 first=$2 count=$3 concurrency=$4
    mkdir -p "$work/$name/out"
    : > "$work/$name/lines.jsonl"
    rm -f "$work/$name/lines.jsonl.measure"
    for i in $(seq "$first" $((first + count - 1))); do
        printf '{"clip": "%s", "prompt": "Based on @Video1, the next shot %s", "duration": 5, "output": "%s"}\n' \
            "$work/clips/$i.mp4" "$i" "$work/$name/out/$i.mp4" >> "$work/$name/lines.jsonl"
    done
    HOME="$work/$name/home" SEGMIND_REQUESTS_PER_MINUTE=5 SEGMIND_TIME_SCALE="$scale" SEGMIND_API_BASE="$base" \
        SEGMIND_UPLOAD_URL="$base/upload-asset" SEGMIND_API_KEY=SG_5151a7e0c0ffee00 \
        python3 - "$bin/kling-media" batch "$work/$name/lines.jsonl" --concurrency "$concurrency" --json \
        2>>"$work/$name/stderr" >"$work/$name/report.json" <<'EOF'
import resource, subprocess, sys, time
started = time.monotonic()
status = subprocess.run(sys.argv[1:], stdout=sys.stdout, stderr=sys.stderr).returncode
elapsed = time.monotonic() - started
if status != 0:
    sys.exit(f"batch exited {status}")
print(f"{elapsed:.1f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}", file=open(sys.argv[3] + ".measure", "w"))
EOF
    [ -s "$work/$name/lines.jsonl.measure" ] || { echo "batch $name failed:" >&2; tail -5 "$work/$name/stderr" >&2; exit 1; }
    cat "$work/$name/lines.jsonl.measure"
}

# api_requests: requests to the API the server saw so far (uploads and downloads are not API requests).
api_requests() {
    curl -s "$base/_simulator/log" | python3 -c "
import json, sys
log = json.load(sys.stdin)
print(sum(1 for r in log if r['path'].startswith('/v2/')))"
}

printf '%-12s %8s %10s %10s %8s %12s %10s\n' concurrency seconds jobs/min bound share requests/job peak_MB
for concurrency in $concurrencies; do
    start_simulator 5
    batch "c$concurrency" 0 3 3 > /dev/null            # warm-up: three jobs teach the typical time
    before=$(api_requests)
    read -r seconds maxrss <<<"$(batch "c$concurrency" 3 "$lines" "$concurrency")"
    after=$(api_requests)
    [ -z "${LOGS:-}" ] || { mkdir -p "$LOGS"; curl -s "$base/_simulator/log" > "$LOGS/c$concurrency.json"; }
    python3 - "$concurrency" "$seconds" "$maxrss" "$((after - before))" "$lines" "$scale" <<'EOF'
import sys
concurrency, seconds, maxrss, requests, lines = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
minutes = seconds / (60 * float(sys.argv[6]))   # plan-minutes: 3 s each at a time scale of 0.05
per_job = requests / lines
budget_bound = 5 / 2                       # 5 requests a minute, 2 a job
little_bound = concurrency / ((224 + 3) / 60)   # in flight ÷ a job's time (model + a poll's worth)
bound = min(budget_bound, little_bound)
rate = lines / minutes
print(f"{concurrency:<12} {seconds:8.1f} {rate:10.2f} {bound:10.2f} {rate / bound:8.0%} {per_job:12.2f} {maxrss / 1024:10.0f}")
EOF
done

[ "${LEARN:-1}" = 1 ] || exit 0
echo
echo "learning: a server allowing 60 a minute, the client configured for 5, --concurrency 32"
start_simulator 60
batch learn 0 3 3 > /dev/null
read -r seconds maxrss <<<"$(batch learn 3 "$lines" 32)"
[ -z "${LOGS:-}" ] || { mkdir -p "$LOGS"; curl -s "$base/_simulator/log" > "$LOGS/learn.json"; }
grep -o "request budget for this key: [0-9]* requests per [^,]*, was [0-9]*" "$work/learn/stderr" | sed 's/^/  /' || true
python3 - "$lines" "$seconds" "$maxrss" "$scale" <<'EOF'
import sys
lines, seconds, maxrss = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
print(f"  {lines} jobs in {seconds:.1f} s: {lines / (seconds / (60 * float(sys.argv[4]))):.2f} jobs per plan-minute "
      f"(at most 2.5 at the configured 5 a minute); peak {maxrss / 1024:.0f} MB")
EOF
