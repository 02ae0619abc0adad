#!/usr/bin/env bash
# Incremental view benchmark: an aggregate view (count, sum, min, max by key) over 1,000,000
# groups; a batch touching 1,000 of them is merged with deletion vectors (bench_mv), against
# DuckDB (threads=1) recomputing the same view in full from the same source Parquet files and
# writing it as Parquet, in the same run: prints both times, the ratio, and the share of the
# view's bytes the merge wrote.
# Usage: bench/mv.sh [BUILD_DIR] [GROUPS] [TOUCHED]   (default build-release, else build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${SILT_BUILD:-}}
if [ -z "$build" ]; then
  if [ -x "$root/build-release/bench_mv" ]; then build=$root/build-release; else build=$root/build; fi
fi
bin=$build/bench_mv
[ -x "$bin" ] || { echo "mv.sh: $bin not built" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/silt-bench-mv.XXXXXX")
trap 'rm -rf "$work"' EXIT
out=$("$bin" "$work" "${2:-1000000}" "${3:-1000}")
echo "$out"
merge_ms=$(awk '/^mv_merge_ms / {print $2}' <<<"$out")
[ -n "$merge_ms" ] || { echo "mv.sh: missing figures" >&2; exit 1; }
cd "$root"
duck_ms=$(node --input-type=module -e "
import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await db.connect();
const t0 = performance.now();
await c.run(\"COPY (SELECT k, count(*) AS n, sum(x) AS total, min(x) AS lo, max(x) AS hi FROM read_parquet('$work/src/*.parquet') GROUP BY k) TO '$work/duck_view.parquet' (FORMAT parquet, COMPRESSION zstd)\");
console.log(Math.round(performance.now() - t0));
")
echo "duckdb_full_recompute_ms $duck_ms ms"
awk -v d="$duck_ms" -v s="$merge_ms" 'BEGIN { if (s < 1) s = 1; printf "mv_vs_duckdb_full_recompute %.1fx (silt incremental merge %d ms, DuckDB full recompute %d ms)\n", d / s, s, d }'
