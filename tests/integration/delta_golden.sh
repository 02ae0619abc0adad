#!/usr/bin/env bash
# Delta log replay checked against an independent replay in DuckDB: for every fixture table
# (delta-golden, delta-txn, spark-streaming-table) the live files, sizes, numRecords and partition
# values silt reads from the JSON log equal those of a SQL add/remove reconciliation of the same
# log; time travel on the Spark table agrees at several versions; invalid tables are refused.
source "$SILT_ROOT/tests/lib/common.sh"

# DuckDB's replay of the JSON commits up to version $2 of table $1, in silt's --files format.
duck_files() {
  local dir=$1 upto=$2
  oracle --no-sort --sql "
with raw as (
  select filename, add, remove from read_json('$dir/_delta_log/*.json', format='auto',
    filename=true, union_by_name=true,
    columns={add: 'STRUCT(path VARCHAR, size BIGINT, stats VARCHAR, \"partitionValues\" MAP(VARCHAR, VARCHAR))',
             remove: 'STRUCT(path VARCHAR)'})
), ev as (
  select regexp_extract(filename, '(\\d{20})\\.json\$', 1)::BIGINT as v, add.path as path, true as live,
         add.size as size, add.stats as stats, add.partitionValues as pv from raw where add is not null
  union all
  select regexp_extract(filename, '(\\d{20})\\.json\$', 1)::BIGINT, remove.path, false, null, null, null
  from raw where remove is not null
), fin as (
  select path, arg_max({'live': live, 'size': size, 'stats': stats, 'pv': pv}, v) as s
  from ev where v <= $upto group by path
)
select url_decode(path) || chr(9) || s.size || chr(9) ||
       coalesce(json_extract(s.stats, '\$.numRecords')::VARCHAR, 'null') || chr(9) ||
       '{' || array_to_string(list_sort(list_transform(map_entries(s.pv),
              e -> to_json(e.key) || ':' || coalesce(to_json(e.value), 'null'))), ',') || '}'
from fin where s.live" |
    node -e 'require("readline").createInterface({input: process.stdin}).on("line", l => console.log(JSON.parse(l)))' |
    LC_ALL=C sort
}

check_table() {
  local dir=$1 version=${2:-}
  local args=() upto=999999999
  if [ -n "$version" ]; then args=(--version "$version"); upto=$version; fi
  "$SILT" table describe --files "${args[@]}" "$dir" | LC_ALL=C sort >"$tmpdir/silt.txt" ||
    fail "silt could not read $dir ${version:+at version $version}"
  duck_files "$dir" "$upto" >"$tmpdir/duck.txt"
  [ -s "$tmpdir/duck.txt" ] || fail "DuckDB found no live files in $dir"
  if ! diff "$tmpdir/duck.txt" "$tmpdir/silt.txt" >"$tmpdir/diff.txt"; then
    head -20 "$tmpdir/diff.txt" >&2
    fail "live files of $dir ${version:+at version $version} differ from DuckDB's replay"
  fi
  echo "$(wc -l <"$tmpdir/silt.txt")"
}

n=0
for t in "$SILT_FIXTURES"/delta-golden/*/; do
  name=$(basename "$t")
  case $name in deltalog-invalid-protocol-version|versions-not-contiguous) continue ;; esac
  files=$(check_table "${t}delta")
  pass "$name: $files live files match DuckDB"
  n=$((n + 1))
done
[ "$n" -eq 16 ] || fail "expected 16 valid golden tables, checked $n"

for t in app-txn-no-checkpoint app-txn-checkpoint; do
  files=$(check_table "$SILT_FIXTURES/delta-txn/$t")
  "$SILT" table describe "$SILT_FIXTURES/delta-txn/$t" >"$tmpdir/d.txt"
  grep -q '^txn: *my-app = 3$' "$tmpdir/d.txt" || fail "$t: txn my-app is not 3"
  grep -q '^txn: *my-app2 = 2$' "$tmpdir/d.txt" || fail "$t: txn my-app2 is not 2"
  pass "$t: $files files match DuckDB; txn my-app=3, my-app2=2"
done

spark=$SILT_FIXTURES/spark-streaming-table
for v in 0 9 10 100 419 ""; do
  files=$(check_table "$spark" "$v")
  rows=$(awk -F'\t' '{s += $3} END {print s}' "$tmpdir/silt.txt")
  duck_rows=$(awk -F'\t' '{s += $3} END {print s}' "$tmpdir/duck.txt")
  assert_eq "$rows" "$duck_rows" "rows at version ${v:-latest}"
  label=latest
  [ -z "$v" ] || label="version $v"
  pass "spark-streaming-table $label: $files files, $rows rows (DuckDB agrees)"
done
assert_eq "$files" 421 "latest file count"
assert_eq "$rows" 432 "latest row count"

# File skipping never drops a file that holds a matching row: DuckDB reads the rows of every
# data file, and the files it finds matching must all be among silt's selection.
skip_check() {
  local where=$1 sql=$2 expect_max=$3
  "$SILT" table describe --files --where "$where" "$spark" | cut -f1 | LC_ALL=C sort >"$tmpdir/sel.txt" ||
    fail "--where '$where' failed"
  oracle --sql "select distinct replace(filename, '$spark/', '') from
      read_parquet('$spark/*.parquet', filename=true) where $sql" |
    node -e 'require("readline").createInterface({input: process.stdin}).on("line", l => console.log(JSON.parse(l)))' |
    LC_ALL=C sort >"$tmpdir/match.txt"
  local missed
  missed=$(comm -13 "$tmpdir/sel.txt" "$tmpdir/match.txt" | wc -l)
  assert_eq "$missed" 0 "files with rows matching '$where' that silt skipped"
  local sel
  sel=$(wc -l <"$tmpdir/sel.txt")
  [ "$sel" -le "$expect_max" ] || fail "'$where' selected $sel files, expected at most $expect_max"
  pass "--where \"$where\": $sel of 421 files kept, $(wc -l <"$tmpdir/match.txt") hold matches"
}
skip_check "Quantity > 100" '"Quantity" > 100' 20
skip_check "Quantity = 36" '"Quantity" = 36' 40
skip_check "Price < 11" '"Price" < 11' 421
skip_check "ProductName >= 'Tree T-Light Holder Willie Winkie'" \
  '"ProductName" >= '"'Tree T-Light Holder Willie Winkie'" 100
skip_check "Country = 'Norway'" '"Country" = '"'Norway'" 421
skip_check "Country = 'France'" '"Country" = '"'France'" 0
skip_check "CustomerNo IS NULL" '"CustomerNo" IS NULL' 0

# Time travel by timestamp: commitInfo.timestamp of version 1 is 1724782618406.
"$SILT" table describe --timestamp 1724782618406 "$spark" | grep -q '^version: *1 ' ||
  fail "--timestamp did not select version 1"
"$SILT" table describe --timestamp '2024-08-27 18:16:58.405' "$spark" | grep -q '^version: *0 ' ||
  fail "--timestamp just before version 1 did not select version 0"
pass "time travel by timestamp"

# Refusals, with messages that say why.
if "$SILT" table describe "$SILT_FIXTURES/delta-golden/deltalog-invalid-protocol-version/delta" \
    2>"$tmpdir/err.txt"; then fail "invalid protocol version accepted"; fi
grep -q "reader version 99" "$tmpdir/err.txt" || fail "unclear error: $(cat "$tmpdir/err.txt")"
pass "invalid protocol refused: $(cat "$tmpdir/err.txt")"
if "$SILT" table describe "$SILT_FIXTURES/delta-golden/versions-not-contiguous/delta" \
    2>"$tmpdir/err.txt"; then fail "non-contiguous log accepted"; fi
grep -q "not contiguous: version 1 is missing" "$tmpdir/err.txt" ||
  fail "unclear error: $(cat "$tmpdir/err.txt")"
pass "non-contiguous log refused: $(cat "$tmpdir/err.txt")"
