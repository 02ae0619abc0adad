#!/usr/bin/env bash
# Parquet write benchmark: silt vs DuckDB (threads=1, zstd) on 1,000,000 rows of the seed's
# e-commerce schema, same rows, same run. Prints rows/s, MB/s, file sizes and the ratios.
# Usage: bench/parquet_write.sh [BUILD_DIR] [ROWS]   (exits 0; does not assert timings)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-release}
rows=${2:-1000000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/silt-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
silt_line=" $("$build/bench_parquet_write" "$tmp" "$rows")"
duck_line=" $(cd "$root" && node bench/parquet_write.mjs "$tmp")"
# Check that both files hold the same rows (not timed).
same=$(cd "$root" && node tests/oracle/duckdb-rows.mjs --sql "SELECT (SELECT count(*) FROM (SELECT * FROM '$tmp/silt.parquet' EXCEPT ALL SELECT * FROM '$tmp/duck.parquet')) + (SELECT count(*) FROM (SELECT * FROM '$tmp/duck.parquet' EXCEPT ALL SELECT * FROM '$tmp/silt.parquet'))")
get() { sed -n "s/.*[ ]$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
awk -v r="$(get rows "$silt_line")" -v ss="$(get seconds "$silt_line")" -v sb="$(get bytes "$silt_line")" \
    -v db="$(get data_bytes "$silt_line")" -v ds="$(get seconds "$duck_line")" \
    -v dsz="$(get bytes "$duck_line")" -v diff="$same" 'BEGIN {
  printf "parquet write, %d rows, zstd, 1 thread (data %.1f MB in memory)\n", r, db / 1e6
  printf "  silt:   %8.3f s  %12.0f rows/s  %7.1f MB/s  file %10d bytes\n", ss, r / ss, db / 1e6 / ss, sb
  printf "  duckdb: %8.3f s  %12.0f rows/s  %7.1f MB/s  file %10d bytes\n", ds, r / ds, db / 1e6 / ds, dsz
  printf "  speed ratio silt/duckdb: %.2fx (goal >= 1.5x)\n", ds / ss
  printf "  size ratio silt/duckdb:  %.3f (goal <= 1.10)\n", sb / dsz
  printf "  rows differing between the two files: %d\n", diff
}'
