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
const [csv, file] = process.argv.slice(1);
const db = await DuckDBInstance.create(":memory:");
const c = await db.connect();
const q = (s) => "\x27" + s.replaceAll("\x27", "\x27\x27") + "\x27";
await c.run(`CREATE TABLE s AS SELECT * FROM read_csv(${q(csv)}, header=true, all_varchar=true)`);
await c.run(`CREATE TABLE p AS SELECT row_number() OVER () - 1 AS k, ProductNo, ProductName,
  CAST(Price AS DECIMAL(10,2)) AS Price FROM (SELECT DISTINCT ProductNo, ProductName, Price FROM s)`);
await c.run(`CREATE TABLE co AS SELECT row_number() OVER () - 1 AS k, Country
  FROM (SELECT DISTINCT Country FROM s)`);
const np = Number((await (await c.run("SELECT count(*) FROM p")).getRows())[0][0]);
const nc = Number((await (await c.run("SELECT count(*) FROM co")).getRows())[0][0]);
await c.run(`CREATE TABLE t AS SELECT
  CAST(536365 + i // 4 AS VARCHAR) AS TransactionNo,
  strftime(DATE \x272018-12-01\x27 + CAST(i // 2800 AS INTEGER), \x27%-m/%-d/%Y\x27) AS Date,
  p.ProductNo, p.ProductName, p.Price,
  CAST(1 + hash(i * 13) % 24 AS INTEGER) AS Quantity,
  CAST(12000 + (i // 4) % 4300 AS DOUBLE) AS CustomerNo,
  co.Country
  FROM range(1000000) r(i)
  JOIN p ON p.k = hash(i * 7) % ${np}
  JOIN co ON co.k = CASE WHEN hash(i * 19) % 10 < 9 THEN 0 ELSE hash(i * 23) % ${nc} END
  ORDER BY i`);
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
