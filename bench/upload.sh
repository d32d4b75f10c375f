#!/usr/bin/env bash
# Upload throughput and peak memory: `kling-media upload` to the simulator's Segmind Storage endpoint
# against `curl -T` of the same file to a sink on the same server, in one run.
#
#   bash bench/upload.sh [MEGABYTES]        (default 500)
#
# kling-media sends the file as a base64 data URL in JSON (4/3 of its bytes on the wire) and the
# simulator decodes it to disk; curl sends the raw bytes, discarded (without the 1 s wait for a
# "100 Continue" curl makes by default). Rates are of the file's bytes.
# Target (issue "Upload local files…"): peak memory under 64 MB whatever the file's size.
set -euo pipefail
cd "$(dirname "$0")/.."
megabytes=${1:-500}

build_log=$(mktemp)
swift build -c release --static-swift-stdlib --scratch-path .build-release >"$build_log" 2>&1 \
    || { cat "$build_log" >&2; exit 1; }
rm -f "$build_log"
bin=$PWD/.build-release/release

work=$(mktemp -d)
trap 'kill "$simulator" 2>/dev/null || true; rm -rf "$work"' EXIT
head -c "$((megabytes * 1024 * 1024))" /dev/urandom > "$work/big.mp4"
"$bin/kling-media-simulator" --port 0 --json --output-dir "$work/sim" > "$work/sim.json" &
simulator=$!
for _ in $(seq 50); do [ -s "$work/sim.json" ] && break; sleep 0.1; done
port=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["port"])' "$work/sim.json")

python3 - "$bin/kling-media" "$work" "$port" "$megabytes" <<'PY'
import os, resource, subprocess, sys, time
ours, work, port, megabytes = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
env = dict(os.environ, SEGMIND_API_KEY="SG_5151a7e0c0ffee00", SEGMIND_API_BASE=f"http://127.0.0.1:{port}",
           SEGMIND_UPLOAD_URL=f"http://127.0.0.1:{port}/upload-asset", XDG_CACHE_HOME=f"{work}/cache",
           XDG_STATE_HOME=f"{work}/state")
def measure(command):
    start = time.monotonic()
    out = subprocess.run([sys.executable, "-c",
        "import resource,subprocess,sys;"
        "p=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
        "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)", *command],
        env=env, capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), int(out[1]) / 1024, time.monotonic() - start
path = f"{work}/big.mp4"
ours_status, ours_peak, ours_seconds = measure([ours, "upload", "--no-cache", path])
curl_status, curl_peak, curl_seconds = measure(["curl", "-s", "-o", "/dev/null", "-H", "Expect:", "-T", path, f"http://127.0.0.1:{port}/_simulator/sink"])
print(f"{megabytes} MB file")
print(f"{'kling-media upload (base64 JSON, decoded to disk)':52} exit {ours_status}  {megabytes / ours_seconds:7.1f} MB/s  peak {ours_peak:6.1f} MB")
print(f"{'curl -T (raw bytes, discarded)':52} exit {curl_status}  {megabytes / curl_seconds:7.1f} MB/s  peak {curl_peak:6.1f} MB")
print(f"time ratio kling-media / curl: {ours_seconds / curl_seconds:.2f}")
PY
