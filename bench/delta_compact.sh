#!/usr/bin/env bash
# Auto-compaction benchmark: a table fed one row per commit (a topic with one message a second),
# silt_delta_auto_compact after each commit; prints live files at the end, compactions, bytes
# rewritten per byte appended and the time per commit + check, on local disk.
# Usage: bench/delta_compact.sh [BUILD_DIR] [COMMITS]   (default build-release, else build; 1000)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${SILT_BUILD:-}}
if [ -z "$build" ]; then
  if [ -x "$root/build-release/bench_delta_compact" ]; then build=$root/build-release; else build=$root/build; fi
fi
bin=$build/bench_delta_compact
[ -x "$bin" ] || { echo "delta_compact.sh: $bin not built" >&2; exit 1; }
out=$("$bin" "${2:-1000}")
echo "$out"
files=$(awk '/^delta_auto_compact_live_files / {print $2}' <<<"$out")
[ -n "$files" ] || { echo "delta_compact.sh: missing figures" >&2; exit 1; }
echo "after ${2:-1000} one-row commits with auto-compaction: $files live files"
