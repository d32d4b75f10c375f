#!/usr/bin/env bash
# Peak memory of `kling-media probe --json` over 10, 100 and 1,000 files: results stream out one
# file at a time, so the peak must not grow with the count.
#
#   bash bench/probe-memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build_log=$(mktemp)
swift build -c release --static-swift-stdlib --scratch-path .build-release --product kling-media >"$build_log" 2>&1 \
    || { cat "$build_log" >&2; exit 1; }
rm -f "$build_log"
ours=$PWD/.build-release/release/kling-media
folder=$(mktemp -d)
trap 'rm -rf "$folder"' EXIT
sources=(fixtures/landscape.mp4 fixtures/rotated.mp4 fixtures/vfr.mp4 fixtures/ref_ok.png fixtures/square.mov)
for i in $(seq 1000); do
    ln "${sources[$((i % ${#sources[@]}))]}" "$folder/$(printf %04d "$i").${sources[$((i % ${#sources[@]}))]##*.}" 2>/dev/null \
        || cp "${sources[$((i % ${#sources[@]}))]}" "$folder/$(printf %04d "$i").${sources[$((i % ${#sources[@]}))]##*.}"
done
python3 - "$ours" "$folder" <<'PY'
import os, resource, subprocess, sys, time
ours, folder = sys.argv[1], sys.argv[2]
files = sorted(os.path.join(folder, f) for f in os.listdir(folder))
for count in (10, 100, 1000):
    start = time.monotonic()
    # A fresh child each time: ru_maxrss of RUSAGE_CHILDREN is the largest child so far, so run
    # each in its own python to read its own peak.
    out = subprocess.run([sys.executable, "-c",
        "import resource,subprocess,sys;"
        "p=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL);"
        "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
        ours, "probe", "--json", *files[:count]], capture_output=True, text=True, check=True).stdout.split()
    status, peak_kb = int(out[0]), int(out[1])
    print(f"{count:5d} files: exit {status}, peak RSS {peak_kb / 1024:6.1f} MB, {time.monotonic() - start:5.2f} s")
PY
