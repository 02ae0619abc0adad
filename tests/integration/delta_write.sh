#!/usr/bin/env bash
# Tables silt writes, read back by silt and by an independent DuckDB replay of the JSON log:
# create + appends + partition overwrite; four processes appending 100 commits each at once
# (versions contiguous, nothing lost, row count exact); writers killed with SIGKILL mid-commit
# leave a readable table whose orphaned files VACUUM finds and deletes.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/delta.sh"
W=${SILT_BUILD:-$SILT_ROOT/build}/tool_delta_writer
[ -x "$W" ] || fail "missing $W (build the test tools)"

duck_files() {
  local dir=$1
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
  from ev group by path
)
select url_decode(path) || chr(9) || s.size || chr(9) ||
       coalesce(json_extract(s.stats, '\$.numRecords')::VARCHAR, 'null') || chr(9) ||
       '{' || array_to_string(list_sort(list_transform(map_entries(s.pv),
              e -> to_json(e.key) || ':' || coalesce(to_json(e.value), 'null'))), ',') || '}'
from fin where s.live" |
    node -e 'require("readline").createInterface({input: process.stdin}).on("line", l => console.log(JSON.parse(l)))' |
    LC_ALL=C sort
}

same_as_duckdb() {
  local dir=$1
  "$SILT" table describe --files "$dir" | LC_ALL=C sort >"$tmpdir/silt.txt" || fail "silt cannot read $dir"
  duck_files "$dir" >"$tmpdir/duck.txt"
  diff "$tmpdir/duck.txt" "$tmpdir/silt.txt" >"$tmpdir/diff.txt" ||
    { head -20 "$tmpdir/diff.txt" >&2; fail "$dir: silt and DuckDB disagree on the live files"; }
}

rows_of() { awk -F'\t' '{s += $3} END {print s + 0}' "$tmpdir/silt.txt"; }

contiguous() {
  local dir=$1 expect_last=$2
  local n last
  n=$(ls "$dir/_delta_log" | grep -c '^[0-9]\{20\}\.json$')
  last=$(ls "$dir/_delta_log" | grep '^[0-9]\{20\}\.json$' | tail -1 | sed 's/^0*\([0-9]\)/\1/; s/\.json$//')
  assert_eq "$last" "$((n - 1))" "$dir: versions 0..last are all present"
  [ -z "$expect_last" ] || assert_eq "$last" "$expect_last" "$dir: last version"
}

# ---- create, append, overwrite ----
t=$tmpdir/t1
"$W" create "$t" >/dev/null
"$W" append "$t" a 6 10 app-a >/dev/null
"$W" append "$t" b 3 5 >/dev/null
same_as_duckdb "$t"
assert_eq "$(wc -l <"$tmpdir/silt.txt")" 9 "files after appends"
assert_eq "$(rows_of)" 75 "rows after appends"
"$W" overwrite "$t" 2024-01-02 ow 100 >/dev/null
same_as_duckdb "$t"
# a: i%3==1 -> 2 files in 2024-01-02 (20 rows); b: 1 file (5 rows); replaced by 100 rows
assert_eq "$(rows_of)" 150 "rows after overwrite"
assert_eq "$(grep -c '2024-01-02' "$tmpdir/silt.txt")" 1 "files in the overwritten partition"
removes=$(oracle --sql "select count(*) from read_json('$t/_delta_log/*.json', format='auto', union_by_name=true)
  where remove is not null and remove.deletionTimestamp > 1700000000000 and remove.dataChange")
assert_eq "$removes" 3 "remove actions with deletionTimestamp"
contiguous "$t" 10
"$SILT" table history "$t" >"$tmpdir/h.txt"
assert_eq "$(head -1 "$tmpdir/h.txt" | cut -f3)" WRITE "latest operation"
grep -q '"mode":"Overwrite"' <(head -1 "$tmpdir/h.txt") || fail "overwrite not in history"
grep -q '"engineInfo":"silt/' <(head -1 "$tmpdir/h.txt") || fail "no engineInfo"
assert_eq "$(tail -1 "$tmpdir/h.txt" | cut -f3)" "CREATE TABLE" "first operation"
pass "create + appends + overwrite: silt and DuckDB agree (10 files, 150 rows)"

# ---- four concurrent writers, 100 commits each ----
t=$tmpdir/t2
"$W" create "$t" >/dev/null
pids=()
for k in 1 2 3 4; do
  "$W" append "$t" "w$k" 100 7 "app-$k" >"$tmpdir/v$k.txt" 2>"$tmpdir/e$k.txt" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent writer failed: $(cat "$tmpdir"/e*.txt)"; done
cat "$tmpdir"/v[1-4].txt | sort -n >"$tmpdir/all.txt"
assert_eq "$(wc -l <"$tmpdir/all.txt")" 400 "commits reported"
assert_eq "$(uniq -d "$tmpdir/all.txt" | wc -l)" 0 "versions reported twice"
assert_eq "$(head -1 "$tmpdir/all.txt")-$(tail -1 "$tmpdir/all.txt")" "1-400" "version range"
contiguous "$t" 400
same_as_duckdb "$t"
assert_eq "$(wc -l <"$tmpdir/silt.txt")" 400 "live files"
assert_eq "$(rows_of)" 2800 "sum of numRecords"
"$SILT" table describe "$t" >"$tmpdir/d.txt"
for k in 1 2 3 4; do grep -q "^txn: *app-$k = 100$" "$tmpdir/d.txt" || fail "txn app-$k is not 100"; done
pass "4 writers x 100 commits: versions 0..400 contiguous, 400 files, 2800 rows, txns at 100"

# ---- writers killed with SIGKILL at random points ----
t=$tmpdir/t3
"$W" create "$t" >/dev/null
for round in $(seq 1 8); do
  "$W" append "$t" "k$round" 100000 1 >/dev/null 2>&1 &
  p=$!
  sleep "0.0$((RANDOM % 9 + 1))"
  kill -9 "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  "$SILT" table describe "$t" >/dev/null 2>"$tmpdir/err.txt" ||
    fail "table unreadable after SIGKILL in round $round: $(cat "$tmpdir/err.txt")"
done
contiguous "$t" ""
same_as_duckdb "$t"
live=$(wc -l <"$tmpdir/silt.txt")
on_disk=$(find "$t" -name '*.parquet' -not -path '*/_delta_log/*' | wc -l)
delta_age_files "$t"
"$SILT" table vacuum --dry-run --retention 0s --force "$t" >"$tmpdir/orphans.txt"
orphans=$(wc -l <"$tmpdir/orphans.txt")
assert_eq "$((live + orphans))" "$on_disk" "live + orphaned files = data files on disk"
"$SILT" table vacuum --retention 0s --force "$t" >/dev/null 2>&1
assert_eq "$(find "$t" -name '*.parquet' -not -path '*/_delta_log/*' | wc -l)" "$live" "files after vacuum"
same_as_duckdb "$t"
pass "8 SIGKILLed writers: table readable, $live live files, vacuum removed $orphans orphans"
