#!/usr/bin/env bash
# Tables silt writes with real Parquet data files of every type (decimal, date, timestamps,
# binary, struct, list, map; partitioned with escaped and null values, and not), read back by
# `silt table scan` and by an independent DuckDB replay of the JSON log plus read_parquet of the
# live files; DuckDB reads silt's checkpoint and finds the same live files. Four processes append
# 100 commits each (two auto-compacting): versions contiguous, no commit or row lost. Writers
# killed with SIGKILL leave a scannable table whose orphaned files VACUUM removes.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/delta.sh"
R=${SILT_BUILD:-$SILT_ROOT/build}/tool_delta_rows
[ -x "$R" ] || fail "missing $R (build the test tools)"
data_cols='id, b, i8, i16, i32, f, d, s, bin, dec, dt, ts, tsn, st, arr, m'

scan() { "$SILT" table scan --format canonical "$@" | LC_ALL=C sort; }

# DuckDB: the live files of table $1 (as of version $2, default all) from its JSON commits:
# "path<TAB>part<TAB>pday" with \N for nulls, paths decoded.
duck_live() {
  local t=$1 upto=${2:-999999999}
  oracle --no-sort --sql "
with raw as (
  select filename, add, remove from read_json('$t/_delta_log/*.json', format='auto',
    filename=true, union_by_name=true,
    columns={add: 'STRUCT(path VARCHAR, \"partitionValues\" MAP(VARCHAR, VARCHAR))',
             remove: 'STRUCT(path VARCHAR)'})
), ev as (
  select regexp_extract(filename, '(\\d{20})\\.json\$', 1)::BIGINT as v, add.path as path, true as live,
         add.partitionValues as pv from raw where add is not null
  union all
  select regexp_extract(filename, '(\\d{20})\\.json\$', 1)::BIGINT, remove.path, false, null
  from raw where remove is not null
), fin as (
  select path, arg_max({'live': live, 'pv': pv}, v) as s from ev where v <= $upto group by path
)
select url_decode(path) || chr(9) || coalesce(map_extract(s.pv, 'part')[1], '\\N') || chr(9) ||
       coalesce(map_extract(s.pv, 'pday')[1], '\\N')
from fin where s.live" |
    node -e 'require("readline").createInterface({input: process.stdin}).on("line", l => console.log(JSON.parse(l)))' |
    LC_ALL=C sort
}

# DuckDB's rows of table $1: read_parquet of the live files, partition values from the log.
duck_rows() {
  local t=$1 partitioned=$2
  duck_live "$t" >"$tmpdir/live.txt"
  [ -s "$tmpdir/live.txt" ] || fail "DuckDB found no live files in $t"
  local files values
  files=$(awk -F'\t' -v t="$t" '{printf "%s\x27%s/%s\x27", (NR > 1 ? ", " : ""), t, $1}' "$tmpdir/live.txt")
  if [ "$partitioned" = partitioned ]; then
    values=$(awk -F'\t' -v t="$t" '{
      part = $2 == "\\N" ? "NULL" : "\x27" $2 "\x27"; day = $3 == "\\N" ? "NULL" : "DATE \x27" $3 "\x27"
      printf "%s(\x27%s/%s\x27, %s, %s)", (NR > 1 ? ", " : ""), t, $1, part, day}' "$tmpdir/live.txt")
    oracle --sql "with f(fname, part, pday) as (values $values)
      select $data_cols, f.part, f.pday from read_parquet([$files], filename=true) d
      join f on d.filename = f.fname"
  else
    oracle --sql "select $data_cols, part, pday from read_parquet([$files])"
  fi
}

same_rows() {
  local t=$1 kind=$2 what=$3
  scan "$t" >"$tmpdir/silt.txt" || fail "$what: silt cannot scan $t"
  duck_rows "$t" "$kind" >"$tmpdir/duck.txt"
  diff "$tmpdir/duck.txt" "$tmpdir/silt.txt" >"$tmpdir/diff.txt" ||
    { head -6 "$tmpdir/diff.txt" >&2; fail "$what: silt and DuckDB read different rows"; }
}

# ---- every type, partitioned and flat, with a checkpoint at version 10 ----
for kind in partitioned flat; do
  t=$tmpdir/$kind
  "$R" create "$t" "$kind" >/dev/null || fail "create $kind"
  "$R" append "$t" w 12 5 >/dev/null || fail "append to $kind"
  [ -f "$t/_delta_log/00000000000000000010.checkpoint.parquet" ] || fail "$kind: no checkpoint at 10"
  same_rows "$t" "$kind" "$kind table"
  assert_eq "$(wc -l <"$tmpdir/silt.txt")" 60 "$kind: rows"
  grep -q 'null	null	null	null	null	null	null	null	null	null	null	null	null	null	null' \
    "$tmpdir/silt.txt" || fail "$kind: no row with nulls in every nullable data column"
  # DuckDB reads silt's checkpoint and finds the live files of its JSON replay of version 10
  oracle --sql "select url_decode(add.path) from
      read_parquet('$t/_delta_log/00000000000000000010.checkpoint.parquet') where add is not null" |
    node -e 'require("readline").createInterface({input: process.stdin}).on("line", l => console.log(JSON.parse(l)))' |
    LC_ALL=C sort >"$tmpdir/ckpt.txt"
  duck_live "$t" 10 | cut -f1 >"$tmpdir/json10.txt"
  assert_eq "$(wc -l <"$tmpdir/ckpt.txt")" 10 "$kind: live files in the checkpoint"
  diff "$tmpdir/ckpt.txt" "$tmpdir/json10.txt" >/dev/null || fail "$kind: checkpoint and JSON replay differ"
  "$SILT" table describe --files --version 10 "$t" | cut -f1 | LC_ALL=C sort >"$tmpdir/silt10.txt"
  diff "$tmpdir/ckpt.txt" "$tmpdir/silt10.txt" >/dev/null || fail "$kind: silt's files at 10 differ"
  "$SILT" table scan --stats -f canonical --version 10 "$t" 2>"$tmpdir/stats.txt" >/dev/null
  grep -q "from checkpoint 10 + 0 JSON commits" "$tmpdir/stats.txt" ||
    fail "$kind: version 10 not read from its checkpoint"
  # the same rows after OPTIMIZE, for silt and for DuckDB's replay with the remove actions
  "$SILT" table optimize "$t" >/dev/null || fail "$kind: optimize"
  cp "$tmpdir/silt.txt" "$tmpdir/before.txt"
  same_rows "$t" "$kind" "$kind table after OPTIMIZE"
  diff "$tmpdir/before.txt" "$tmpdir/silt.txt" >/dev/null || fail "$kind: OPTIMIZE changed the rows"
  pass "$kind all-types table: silt == DuckDB replay (60 rows, before and after OPTIMIZE); checkpoint 10 read by DuckDB"
done
# jsonl and csv output of every type parse as JSON and CSV
t=$tmpdir/partitioned
"$SILT" table scan -f jsonl "$t" >"$tmpdir/rows.jsonl"
assert_eq "$(jq -c 'select(.st == null or (.st | type) == "object")' "$tmpdir/rows.jsonl" | wc -l)" 60 "jsonl rows"
assert_eq "$(jq -c 'select((.m | type) == "object" and (.arr | type) == "array")' "$tmpdir/rows.jsonl" | wc -l)" \
  51 "jsonl rows with a map and a list (9 rows are all null)"
"$SILT" table scan -f csv "$t" >"$tmpdir/rows.csv"
assert_eq "$(oracle --sql "select count(*), count(distinct id), count(s) from read_csv('$tmpdir/rows.csv', header=true)")" \
  "$(printf '60\t60\t51')" "csv rows read back by DuckDB"
"$SILT" table describe --files "$tmpdir/partitioned" | grep >/dev/null '"part":"x/y%"' || fail "escaped partition value"
test -d "$tmpdir/partitioned/part=x%2Fy%25" || fail "escaped partition directory"
assert_eq "$("$SILT" table scan -f canonical -c id --where "part IS NULL" "$tmpdir/partitioned" | wc -l)" 15 \
  "rows with a null partition value"
assert_eq "$("$SILT" table scan -f canonical -c id --where "dec < -900" "$tmpdir/flat" | wc -l)" \
  "$(awk -F'\t' '$10 != "null" && $10 < -900' "$tmpdir/before.txt" | wc -l)" "rows with dec < -900"

# ---- four concurrent writers with real data files, two of them auto-compacting ----
t=$tmpdir/concurrent
"$R" create "$t" partitioned >/dev/null
pids=()
for k in 1 2 3 4; do
  if [ "$k" -le 2 ]; then ac=--auto-compact; else ac=; fi
  "$R" append "$t" "c$k" 100 2 $ac >"$tmpdir/v$k.txt" 2>"$tmpdir/e$k.txt" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent writer failed: $(cat "$tmpdir"/e*.txt)"; done
cat "$tmpdir"/v[1-4].txt | sort -n >"$tmpdir/all.txt"
assert_eq "$(wc -l <"$tmpdir/all.txt")" 400 "commits reported"
assert_eq "$(uniq -d "$tmpdir/all.txt" | wc -l)" 0 "versions reported twice"
n=$(ls "$t/_delta_log" | grep -c '^[0-9]\{20\}\.json$')
last=$(ls "$t/_delta_log" | grep '^[0-9]\{20\}\.json$' | tail -1 | sed 's/^0*\([0-9]\)/\1/; s/\.json$//')
assert_eq "$last" "$((n - 1))" "versions 0..last all present"
optimizes=$("$SILT" table history "$t" | awk -F'\t' '$3 == "OPTIMIZE"' | wc -l)
assert_eq "$((400 + optimizes + 1))" "$n" "versions = create + 400 appends + $optimizes compactions"
scan -c id "$t" >"$tmpdir/ids.txt"
assert_eq "$(wc -l <"$tmpdir/ids.txt")" 800 "rows scanned"
assert_eq "$(uniq -d "$tmpdir/ids.txt" | wc -l)" 0 "duplicated rows"
files=$("$SILT" table describe --files "$t" | wc -l)
[ "$optimizes" -gt 0 ] || fail "the auto-compacting writers never compacted"
pass "4 writers x 100 commits: versions 0..$last contiguous, 800 rows, $optimizes auto-compactions, $files live files"

# ---- writers killed with SIGKILL ----
t=$tmpdir/killed
"$R" create "$t" partitioned >/dev/null
for round in 1 2 3 4 5 6; do
  "$R" append "$t" "k$round" 100000 3 >/dev/null 2>&1 &
  p=$!
  sleep "0.$((RANDOM % 3))$((RANDOM % 9 + 1))"
  kill -9 "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  "$SILT" table scan -f canonical -c id "$t" >/dev/null 2>"$tmpdir/err.txt" ||
    fail "table unscannable after SIGKILL in round $round: $(cat "$tmpdir/err.txt")"
done
rows=$(scan -c id "$t" | wc -l)
stats_rows=$("$SILT" table describe "$t" | sed -n 's/^rows: *\([0-9]*\) .*/\1/p')
assert_eq "$rows" "$stats_rows" "rows scanned vs numRecords"
live=$("$SILT" table describe --files "$t" | wc -l)
on_disk=$(find "$t" -name '*.parquet' -not -path '*/_delta_log/*' | wc -l)
delta_age_files "$t"
"$SILT" table vacuum --dry-run --retention 0s --force "$t" >"$tmpdir/orphans.txt" 2>/dev/null
orphans=$(wc -l <"$tmpdir/orphans.txt")
assert_eq "$((live + orphans))" "$on_disk" "live + orphaned files = data files on disk"
"$SILT" table vacuum --retention 0s --force "$t" >/dev/null 2>&1 || fail "vacuum failed"
assert_eq "$(find "$t" -name '*.parquet' -not -path '*/_delta_log/*' | wc -l)" "$live" "files after vacuum"
assert_eq "$(scan -c id "$t" | wc -l)" "$rows" "rows after vacuum"
same_rows "$t" partitioned "killed writers"
pass "6 SIGKILLed writers: table scannable ($rows rows, $live files), vacuum removed $orphans orphans"
