#!/usr/bin/env bash
# Delta log benchmark: a local table with 10,000 commits (one add + txn each); latest-snapshot
# load from JSON only vs from silt's real Parquet checkpoint, measured in the same run, and
# append-commit latency on local disk (put-if-absent with fsync), without and with checkpointing.
# Usage: bench/delta_log.sh [BUILD_DIR] [COMMITS]   (default build-release, else build; 10000)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${SILT_BUILD:-}}
if [ -z "$build" ]; then
  if [ -x "$root/build-release/bench_delta_log" ]; then build=$root/build-release; else build=$root/build; fi
fi
bin=$build/bench_delta_log
[ -x "$bin" ] || { echo "delta_log.sh: $bin not built" >&2; exit 1; }
commits=${2:-10000}
out=$("$bin" "$commits")
echo "$out"
json=$(awk '/^delta_snapshot_load_json_only_/ {print $2}' <<<"$out")
cp=$(awk '/^delta_snapshot_load_checkpoint_/ {print $2}' <<<"$out")
[ -n "$json" ] && [ -n "$cp" ] || { echo "delta_log.sh: missing figures" >&2; exit 1; }
echo "snapshot load, $commits commits: JSON only $json ms, from checkpoint $cp ms"
