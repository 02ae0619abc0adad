#!/usr/bin/env bash
# JSON decode benchmark (the silver hot path): 1,000,000 JSON lines of the seed's transactions
# (products, customers and countries drawn from the sample CSV, written by DuckDB), decoded into
# typed columns (Date as a date from M/d/yyyy, Price decimal(10,2), Quantity int32, CustomerNo
# int64 from pandas-style 17490.0), single thread, against DuckDB's
# `CREATE TABLE AS SELECT * FROM read_json(..., columns = {...})` with threads=1, in the same
# run. Both report rows and sums of Quantity and Price, which must agree.
# Usage: bench/json_decode.sh [BUILD_DIR]   (default build-release, else build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-}
if [ -z "$build" ]; then
  if [ -x "$root/build-release/bench_json_decode" ]; then build=$root/build-release; else build=$root/build; fi
fi
bin=$build/bench_json_decode
[ -x "$bin" ] || { echo "json_decode.sh: $bin not built" >&2; exit 1; }
csv=$root/../shared/fixtures/sales-transactions-sample.csv
work=$(mktemp -d "${TMPDIR:-/tmp}/silt-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
file=$work/transactions.jsonl

cd "$root"
out=$(node --input-type=module -e '
import { DuckDBInstance } from "@duckdb/node-api";
import { createEcommerce } from "./bench/lib/ecommerce.mjs";
const [csv, file] = process.argv.slice(1);
const db = await DuckDBInstance.create(":memory:");
const c = await db.connect();
const q = (s) => "\x27" + s.replaceAll("\x27", "\x27\x27") + "\x27";
await createEcommerce(c, csv, { price: "DECIMAL(10,2)", customer: "DOUBLE" });
await c.run(`COPY t TO ${q(file)} (FORMAT json)`);
await c.run("SET threads = 1");
const cols = `{TransactionNo: \x27VARCHAR\x27, Date: \x27DATE\x27, ProductNo: \x27VARCHAR\x27,
  ProductName: \x27VARCHAR\x27, Price: \x27DECIMAL(10,2)\x27, Quantity: \x27INTEGER\x27,
  CustomerNo: \x27BIGINT\x27, Country: \x27VARCHAR\x27}`;
let best = 1e9;
for (let k = 0; k < 3; k++) {
  await c.run("DROP TABLE IF EXISTS t2");
  const t0 = process.hrtime.bigint();
  await c.run(`CREATE TABLE t2 AS SELECT * FROM read_json(${q(file)}, format=\x27newline_delimited\x27,
    columns=${cols}, dateformat=\x27%m/%d/%Y\x27)`);
  const t = Number(process.hrtime.bigint() - t0) / 1e9;
  if (t < best) best = t;
}
const r = (await (await c.run(`SELECT count(*), sum(Quantity), CAST(sum(Price) * 100 AS BIGINT),
  count(Date) FROM t2`)).getRows())[0];
console.log(`duckdb_seconds=${best.toFixed(6)} rows=${r[0]} qty_sum=${r[1]} price_cents=${r[2]} dates=${r[3]}`);
' "$csv" "$file")
duck=$(echo "$out" | sed -n 's/^duckdb_seconds=\([0-9.]*\).*/\1/p')
silt_out=$("$bin" "$file" 3)
silt=$(echo "$silt_out" | sed -n 's/^silt_decode_seconds=\([0-9.]*\).*/\1/p')
for k in rows qty_sum price_cents; do
  a=$(echo "$out" | sed -n "s/.* $k=\([0-9]*\).*/\1/p")
  b=$(echo "$silt_out" | sed -n "s/.* $k=\([0-9]*\).*/\1/p")
  [ "$a" = "$b" ] || { echo "json_decode.sh: $k differs: duckdb $a, silt $b" >&2; exit 1; }
done
rows=$(echo "$silt_out" | sed -n 's/.* rows=\([0-9]*\).*/\1/p')
bytes=$(stat -c %s "$file")
awk -v s="$silt" -v d="$duck" -v r="$rows" -v b="$bytes" 'BEGIN {
  printf "file: %d JSON lines, %.1f MB (DuckDB COPY ... FORMAT json)\n", r, b / 1e6
  printf "silt   decode: %.3f s  %12.0f rows/s  %8.1f MB/s\n", s, r / s, b / s / 1e6
  printf "duckdb decode: %.3f s  %12.0f rows/s  %8.1f MB/s  (threads=1, read_json with columns)\n", d, r / d, b / d / 1e6
  printf "ratio silt/duckdb (rows/s): %.2fx (rows, Quantity and Price sums agree)\n", d / s
}'
