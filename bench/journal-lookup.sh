#!/usr/bin/env bash
# Journal lookups from 100 to 50,000 records: through the index (by request id, by an id prefix,
# by a continuation's key) against a scan of every record, the way lookups were made before the
# index. Medians in milliseconds; "indexing" is the one-time cost of opening a journal written
# before indexes existed. Usage: bash bench/journal-lookup.sh [SIZES…]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product journal-bench >/dev/null
binary=$(swift build -c release --show-bin-path)/journal-bench
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000 10000 50000)
printf "records\tby request id (ms)\tby prefix (ms)\tby continuation key (ms)\tscan, as before (ms)\tindexing once (s)\n"
for size in "${sizes[@]}"; do "$binary" "$size"; done
