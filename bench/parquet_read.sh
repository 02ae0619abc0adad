#!/usr/bin/env bash
# Parquet read benchmark: 1,000,000 rows of the seed's e-commerce schema (products, customers
# and countries drawn from the sample CSV), written by DuckDB (snappy); silt reads it with every
# column materialised, single thread, against DuckDB's
# `CREATE TABLE t AS SELECT * FROM read_parquet(...)` with threads=1, in the same run.
# Usage: bench/parquet_read.sh [BUILD_DIR]   (default build-release, else build)
# PARQUET_BENCH_FILE=path keeps the generated file there (and reuses it when it exists).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-}
if [ -z "$build" ]; then
  if [ -x "$root/build-release/bench_parquet_read" ]; then build=$root/build-release; else build=$root/build; fi
fi
bin=$build/bench_parquet_read
[ -x "$bin" ] || { echo "parquet_read.sh: $bin not built" >&2; exit 1; }
csv=$root/../shared/fixtures/sales-transactions-sample.csv
work=$(mktemp -d "${TMPDIR:-/tmp}/silt-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
file=${PARQUET_BENCH_FILE:-$work/ecommerce.parquet}

cd "$root"
out=$(node --input-type=module -e '
import { DuckDBInstance } from "@duckdb/node-api";
import { createEcommerce } from "./bench/lib/ecommerce.mjs";
import fs from "node:fs";
const [csv, file] = process.argv.slice(1);
const db = await DuckDBInstance.create(":memory:");
const c = await db.connect();
const q = (s) => "\x27" + s.replaceAll("\x27", "\x27\x27") + "\x27";
await createEcommerce(c, csv, { price: "FLOAT", customer: "FLOAT" });
if (!fs.existsSync(file)) await c.run(`COPY t TO ${q(file)} (FORMAT parquet, COMPRESSION snappy)`);
await c.run("SET threads = 1");
let best = 1e9;
for (let k = 0; k < 3; k++) {
  await c.run("DROP TABLE IF EXISTS t2");
  const t0 = process.hrtime.bigint();
  await c.run(`CREATE TABLE t2 AS SELECT * FROM read_parquet(${q(file)})`);
  const t = Number(process.hrtime.bigint() - t0) / 1e9;
  if (t < best) best = t;
}
console.log(`duckdb_read_seconds=${best.toFixed(6)}`);
' "$csv" "$file")
duck=$(echo "$out" | sed -n 's/^duckdb_read_seconds=//p')
silt_out=$("$bin" "$file" 3)
silt=$(echo "$silt_out" | sed -n 's/^silt_read_seconds=\([0-9.]*\).*/\1/p')
rows=$(echo "$silt_out" | sed -n 's/.* rows=\([0-9]*\).*/\1/p')
bytes=$(stat -c %s "$file")
awk -v s="$silt" -v d="$duck" -v r="$rows" -v b="$bytes" 'BEGIN {
  printf "file: %d rows, %.1f MB (DuckDB, snappy)\n", r, b / 1e6
  printf "silt   read: %.3f s  %12.0f rows/s  %8.1f MB/s\n", s, r / s, b / s / 1e6
  printf "duckdb read: %.3f s  %12.0f rows/s  %8.1f MB/s  (threads=1, CREATE TABLE AS)\n", d, r / d, b / d / 1e6
  printf "ratio silt/duckdb (rows/s): %.2fx\n", d / s
}'
