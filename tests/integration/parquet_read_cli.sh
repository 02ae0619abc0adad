#!/usr/bin/env bash
# `silt parquet schema|meta|cat`: output contents, projection, limits, JSON lines that parse,
# CSV that DuckDB reads back to the same values, and clear errors for bad input.
. "$(dirname "$0")/../lib/common.sh"

PT=$SILT_FIXTURES/parquet-testing
SST=$SILT_FIXTURES/spark-streaming-table
spark=$SST/part-00000-31bf7eb8-ac64-4319-81a7-49739bc384a7-c000.snappy.parquet

# ---- schema: the Parquet tree and the silt types
"$SILT" parquet schema "$PT/nested_maps.snappy.parquet" >"$tmpdir/schema"
grep -q '^    optional group a (MAP) {$' "$tmpdir/schema" || fail "schema: Parquet tree missing"
grep -q '^  a: map$' "$tmpdir/schema" || fail "schema: silt map type missing"
grep -q '^          key: int32 not null$' "$tmpdir/schema" || fail "schema: nested key type"
"$SILT" parquet schema "$PT/int96_from_spark.parquet" | grep '^  a: timestamp$' >/dev/null || fail "schema: INT96"

# ---- meta: row groups, encodings, codecs, sizes, statistics, key-value metadata
"$SILT" parquet meta "$spark" >"$tmpdir/meta"
grep -q '^row groups:  1$' "$tmpdir/meta" || fail "meta: row group count"
grep -q '^  column Quantity: INT32 SNAPPY, encodings RLE,BIT_PACKED,PLAIN, values 1, compressed 35 B' "$tmpdir/meta" || fail "meta: column line"
grep -q '^    stats: nulls 0 min 1 max 1$' "$tmpdir/meta" || fail "meta: int statistics"
grep -q 'stats: nulls 0 min "United Kingdom" max "United Kingdom"' "$tmpdir/meta" || fail "meta: string statistics"
grep -q '^key-value:   org.apache.spark.version = 3.5.2$' "$tmpdir/meta" || fail "meta: key-value"

# ---- cat: JSON lines parse, projection and limit
"$SILT" parquet cat "$PT/alltypes_plain.parquet" >"$tmpdir/all.jsonl"
assert_eq "$(jq -r .id "$tmpdir/all.jsonl" | sort -n | tr '\n' ' ')" "0 1 2 3 4 5 6 7 " "jsonl ids"
assert_eq "$(jq -r .timestamp_col "$tmpdir/all.jsonl" | sed -n 1p)" "2009-03-01 00:00:00.000000" "jsonl timestamp"
"$SILT" parquet cat "$PT/alltypes_plain.parquet" --columns double_col,id --limit 3 >"$tmpdir/proj.jsonl"
assert_eq "$(wc -l <"$tmpdir/proj.jsonl")" 3 "limit"
assert_eq "$(head -1 "$tmpdir/proj.jsonl")" '{"double_col":0,"id":4}' "projection order"
"$SILT" parquet cat "$PT/single_nan.parquet" | jq -e . >/dev/null || fail "NaN must stay valid JSON"
"$SILT" parquet cat "$PT/nested_maps.snappy.parquet" --limit 1 | jq -e '.a.a[1].value == false' >/dev/null || fail "jsonl map (string keys: object; others: key/value array)"

# ---- cat: CSV with RFC 4180 quoting that DuckDB reads back to the same strings
"$SILT" parquet cat --format csv "$PT/nested_maps.snappy.parquet" --limit 1 >"$tmpdir/m.csv"
assert_eq "$(sed -n 2p "$tmpdir/m.csv")" '"{""a"":[{""key"":1,""value"":true},{""key"":2,""value"":false}]}",1,1' "csv quoting (nested values as JSON)"
all=("$SST"/*.parquet)
some=("${all[@]:0:60}")
"$SILT" parquet cat --format csv "${some[@]}" >"$tmpdir/sst.csv"
oracle --sql "SELECT TransactionNo, ProductName, Country FROM read_csv('$tmpdir/sst.csv', header=true, all_varchar=true, quote='\"', escape='\"')" >"$tmpdir/from_csv"
files=$(printf "'%s'," "${some[@]}")
files=${files%,}
oracle --sql "SELECT TransactionNo, ProductName, Country FROM read_parquet([$files])" >"$tmpdir/from_pq"
cmp -s "$tmpdir/from_csv" "$tmpdir/from_pq" || { diff "$tmpdir/from_csv" "$tmpdir/from_pq" | sed -n 1,10p >&2; fail "CSV read back differs"; }
assert_eq "$(($(wc -l <"$tmpdir/sst.csv") - 1))" "$(wc -l <"$tmpdir/from_pq")" "csv row count"

# ---- errors: usage (exit 2) and bad files (exit 1, naming file and offset)
set +e
"$SILT" parquet cat "$PT/alltypes_plain.parquet" --columns idd 2>"$tmpdir/err"; rc=$?
set -e
assert_eq "$rc" 2 "unknown column exit code"
grep -q "no column 'idd' in the file; did you mean 'id'?" "$tmpdir/err" || fail "unknown column message"
set +e
"$SILT" parquet cat "$tmpdir/nope.parquet" 2>"$tmpdir/err"; rc=$?
set -e
assert_eq "$rc" 1 "missing file exit code"
grep -q "nope.parquet" "$tmpdir/err" || fail "missing file message"
head -c 1000 "$PT/alltypes_plain.parquet" >"$tmpdir/cut.parquet"
set +e
"$SILT" parquet cat "$tmpdir/cut.parquet" 2>"$tmpdir/err"; rc=$?
set -e
assert_eq "$rc" 1 "truncated file exit code"
grep -q "no PAR1 magic at the end.*cut.parquet, offset 996" "$tmpdir/err" || { cat "$tmpdir/err" >&2; fail "truncated file message"; }
# a cut inside the pages but with the footer kept: the column and offset are named
python3 - "$PT/alltypes_plain.parquet" "$tmpdir/hole.parquet" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
d[4:40] = b'\xff' * 36
open(sys.argv[2], 'wb').write(d)
PY
set +e
"$SILT" parquet cat "$tmpdir/hole.parquet" 2>"$tmpdir/err"; rc=$?
set -e
assert_eq "$rc" 1 "damaged page exit code"
grep -q "hole.parquet, column id, offset [0-9]" "$tmpdir/err" || { cat "$tmpdir/err" >&2; fail "damaged page message"; }
pass "silt parquet schema, meta and cat"
