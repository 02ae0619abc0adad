#!/usr/bin/env bash
# Round trips through silt's Parquet writer, checked by DuckDB: tool_pq_writegen writes files
# covering every type, nesting, codec and encoding path (plus 16 of random schemas and options)
# with the rows it wrote in canonical form and the expected DuckDB types; DuckDB must read exactly those rows and types. Then metadata
# checks (encodings, codecs, row groups, statistics, key-value metadata, created_by) and a
# 3M-row single row group checked by aggregates.
source "$(dirname "$0")/../lib/common.sh"
GEN=${SILT_BUILD:-$SILT_ROOT/build}/tool_pq_writegen
[ -x "$GEN" ] || fail "missing $GEN (build first)"
out=$tmpdir/pq
mkdir -p "$out"
"$GEN" "$out" --big --random 16 >"$tmpdir/cases" || fail "pq_writegen failed"

n=0
while read -r name; do
  [ "$name" = big ] && continue
  oracle "$out/$name.parquet" --types >"$out/$name.got" || fail "duckdb cannot read $name.parquet"
  { cat "$out/$name.types"; LC_ALL=C sort "$out/$name.expected"; } >"$out/$name.want"
  if ! cmp -s "$out/$name.got" "$out/$name.want"; then
    diff "$out/$name.want" "$out/$name.got" | head -20 >&2
    fail "$name: DuckDB's rows or types differ from what silt wrote"
  fi
  n=$((n + 1))
done <"$tmpdir/cases"
[ "$n" -ge 33 ] || fail "expected at least 33 cases, got $n"
pass "$n files read back by DuckDB with identical rows and types"

q() { oracle --no-sort --sql "$1"; }
meta() { echo "parquet_metadata('$out/$1.parquet')"; }
check() { # check NAME SQL EXPECTED
  local got
  got=$(q "$2") || fail "$1: query failed"
  [ "$got" = "$3" ] || fail "$1: expected '$3', got '$got' (query: $2)"
  pass "$1"
}

check "dictionary used for strings" \
  "SELECT encodings FROM $(meta flat_nullable) WHERE path_in_schema = 's'" \
  '"PLAIN, RLE, RLE_DICTIONARY"'
check "delta binary packed for sequential ids without dictionary" \
  "SELECT DISTINCT encodings FROM $(meta delta) WHERE path_in_schema = 'id'" \
  '"DELTA_BINARY_PACKED"'
check "dictionary overflow falls back to plain for the whole chunk" \
  "SELECT encodings FROM $(meta dict_overflow) WHERE path_in_schema = 's'" \
  '"PLAIN, RLE"'
check "RLE booleans when asked and smaller" \
  "SELECT encodings FROM $(meta rle_bool) ORDER BY path_in_schema" $'"RLE"\n"RLE"'
check "dictionary off writes no dictionary pages" \
  "SELECT count(*) FROM $(meta nodict_flat) WHERE encodings LIKE '%DICTIONARY%' OR dictionary_page_offset IS NOT NULL" \
  '0'
for c in none:UNCOMPRESSED snappy:SNAPPY gzip:GZIP zstd9:ZSTD; do
  check "codec ${c%%:*}" \
    "SELECT DISTINCT compression FROM $(meta "codec_${c%%:*}")" "\"${c##*:}\""
done
check "several row groups" \
  "SELECT count(DISTINCT row_group_id) > 2, sum(DISTINCT row_group_num_rows) > 0 FROM $(meta multi_rg)" \
  $'true\ttrue'
check "chunks larger than page_bytes (split into pages) read back" \
  "SELECT total_compressed_size > 4096 FROM $(meta codec_none) WHERE path_in_schema = 's'" 'true'
check "empty file has no row groups" \
  "SELECT num_rows, num_row_groups FROM parquet_file_metadata('$out/empty.parquet')" $'0\t0'
check "legacy converted types on flat columns" \
  "SELECT string_agg(name || '=' || coalesce(converted_type, '-'), ' ') FROM parquet_schema('$out/flat_nullable.parquet')" \
  '"schema=- b=- i8=INT_8 i16=INT_16 i32=- i64=- f32=- f64=- s=UTF8 bin=- fix=- d=DATE ts=TIMESTAMP_MICROS ts_ntz=- dec5=DECIMAL dec15=DECIMAL dec30=DECIMAL dec38=DECIMAL u8=UINT_8 u16=UINT_16 u32=UINT_32 u64=UINT_64 ts_ns=-"'
check "3-level lists, maps and repetition in the nested schema" \
  "SELECT string_agg(name || ':' || coalesce(repetition_type, '-') || ':' || coalesce(converted_type, '-'), ' ') FROM parquet_schema('$out/nested.parquet')" \
  '"schema:-:- st:OPTIONAL:- a:OPTIONAL:- l:OPTIONAL:LIST list:REPEATED:- element:OPTIONAL:- x:REQUIRED:- y:OPTIONAL:UTF8 m:OPTIONAL:MAP key_value:REPEATED:- key:REQUIRED:UTF8 value:OPTIONAL:LIST list:REPEATED:- element:OPTIONAL:- lm:OPTIONAL:LIST list:REPEATED:- element:OPTIONAL:MAP key_value:REPEATED:- key:REQUIRED:- value:OPTIONAL:UTF8 rs:REQUIRED:- r:REQUIRED:- o:OPTIONAL:UTF8 allnull_i:OPTIONAL:- ll:OPTIONAL:LIST list:REPEATED:- element:REQUIRED:LIST list:REPEATED:- element:OPTIONAL:UTF8 allnull_st:OPTIONAL:- z:OPTIONAL:- ck:OPTIONAL:- path:REQUIRED:UTF8 pv:OPTIONAL:MAP key_value:REPEATED:- key:REQUIRED:UTF8 value:OPTIONAL:UTF8"'
check "created_by names silt" \
  "SELECT created_by LIKE 'silt version 0.1.0 (build %)' FROM parquet_file_metadata('$out/kv.parquet')" \
  'true'
check "key-value metadata" \
  "SELECT decode(key), decode(value) FROM parquet_kv_metadata('$out/kv.parquet') ORDER BY 1" \
  $'"org.apache.spark.version"\t"3.5.0"\n"silt.test"\t"véritable"'
# Statistics agree with the data: exact ints, null counts, and byte-array bounds that hold.
f=$out/flat_nullable.parquet
check "int statistics and null counts match the data" \
  "SELECT (SELECT min(stats_min_value::BIGINT) FROM $(meta flat_nullable) WHERE path_in_schema='i64') = min(i64), (SELECT max(stats_max_value::BIGINT) FROM $(meta flat_nullable) WHERE path_in_schema='i64') = max(i64), (SELECT sum(stats_null_count) FROM $(meta flat_nullable) WHERE path_in_schema='i64') = count(*) - count(i64) FROM '$f'" \
  $'true\ttrue\ttrue'
check "string statistics bound the data" \
  "SELECT (SELECT min(stats_min_value) FROM $(meta multi_rg_flat) WHERE path_in_schema='s') <= min(s), (SELECT max(stats_max_value) FROM $(meta multi_rg_flat) WHERE path_in_schema='s') >= max(s) FROM '$out/multi_rg_flat.parquet'" \
  $'true\ttrue'
check "nested null counts" \
  "SELECT stats_null_count FROM $(meta nested) WHERE path_in_schema = 'allnull_i'" '2000'
check "3M rows in one row group" \
  "SELECT num_row_groups, num_rows FROM parquet_file_metadata('$out/big.parquet')" $'1\t3000000'
got=$(q "SELECT count(*), sum(id)::BIGINT, count(v), sum(v)::BIGINT, min(id), max(id) FROM '$out/big.parquet'")
want=$(cat "$out/big.expected")
[ "$got" = "$want" ] || fail "big: DuckDB aggregates '$got', expected '$want'"
pass "3M-row file aggregates match"
