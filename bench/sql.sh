#!/usr/bin/env bash
# SQL engine benchmark: five queries (a selective filter with a count; a group-by on Country with
# five aggregates; top 20 products by revenue; distinct customers per month; a join with a
# 5,000-row product dimension) over a 1,000,000-row e-commerce Delta table written by silt, each
# timed end to end from the table on disk (3 rounds, medians) against DuckDB with threads=1 over
# the same Parquet files in the same run. Prints each ratio, their geometric mean and the peak RSS
# of each silt query; fails when an answer differs from DuckDB's. Driver: bench/lib/sql_bench.mjs.
# Usage: bench/sql.sh [BUILD_DIR]   (default build-release, else build)
# SQL_BENCH_WRITER=js writes the tables with tests/tools/delta-writer.mjs instead of silt CTAS.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${SILT_BUILD:-}}
if [ -z "$build" ]; then
  if [ -x "$root/build-release/silt" ]; then build=$root/build-release; else build=$root/build; fi
fi
silt=${SILT:-$build/silt}
rusage=$build/bench_rusage
[ -x "$silt" ] || { echo "sql.sh: $silt not built" >&2; exit 1; }
[ -x "$rusage" ] || { echo "sql.sh: $rusage not built" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/silt-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$root"
node bench/lib/sql_bench.mjs "$silt" "$rusage" "$root/../shared/fixtures/sales-transactions-sample.csv" "$work" ${SQL_BENCH_WRITER:+--js-writer}
