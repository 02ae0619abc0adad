#!/usr/bin/env bash
# Delta log replay checked against an independent replay in DuckDB: for every fixture table
# (delta-golden, delta-txn, spark-streaming-table) the live files, sizes, numRecords and partition
# values silt reads from the JSON log equal those of a SQL add/remove reconciliation of the same
# log; time travel on the Spark table agrees at several versions; invalid tables are refused.
source "$(dirname "$0")/../lib/common.sh"

# DuckDB's replay of the JSON commits of every table matching the glob $1, as of each version
# in the list $2, in silt's --files format prefixed with "TABLE<TAB>VERSION<TAB>" (VERSION is
# "latest" for the last entry when it is 999999999).
duck_files() {
  local glob=$1 versions=$2
  oracle --no-sort --sql "
with raw as (
  select filename, add, remove from read_json('$glob/_delta_log/*.json', format='auto',
    filename=true, union_by_name=true,
    columns={add: 'STRUCT(path VARCHAR, size BIGINT, stats VARCHAR, \"partitionValues\" MAP(VARCHAR, VARCHAR))',
             remove: 'STRUCT(path VARCHAR)'})
), ev as (
  select regexp_extract(filename, '^(.*)/_delta_log/', 1) as tbl,
         regexp_extract(filename, '(\\d{20})\\.json\$', 1)::BIGINT as v, add.path as path, true as live,
         add.size as size, add.stats as stats, add.partitionValues as pv from raw where add is not null
  union all
  select regexp_extract(filename, '^(.*)/_delta_log/', 1),
         regexp_extract(filename, '(\\d{20})\\.json\$', 1)::BIGINT, remove.path, false, null, null, null
  from raw where remove is not null
), fin as (
  select tbl, upto, path, arg_max({'live': live, 'size': size, 'stats': stats, 'pv': pv}, v) as s
  from ev, (select unnest([$versions]) as upto) where v <= upto group by tbl, upto, path
)
select tbl || chr(9) || (case when upto = 999999999 then 'latest' else upto::VARCHAR end) || chr(9) ||
       url_decode(path) || chr(9) || s.size || chr(9) ||
       coalesce(json_extract(s.stats, '\$.numRecords')::VARCHAR, 'null') || chr(9) ||
       '{' || array_to_string(list_sort(list_transform(map_entries(s.pv),
              e -> to_json(e.key) || ':' || coalesce(to_json(e.value), 'null'))), ',') || '}'
from fin where s.live" |
    node -e 'require("readline").createInterface({input: process.stdin}).on("line", l => console.log(JSON.parse(l)))' |
    LC_ALL=C sort
}

# silt's reading of table $1 as of version $2 (empty: latest), in the same format.
silt_files() {
  local dir=$1 version=${2:-}
  local args=() label=latest
  if [ -n "$version" ]; then args=(--version "$version"); label=$version; fi
  "$SILT" table describe --files "${args[@]}" "$dir" | sed "s|^|${dir%/}\t$label\t|" ||
    fail "silt could not read $dir ${version:+at version $version}"
}

compare() {
  local what=$1
  LC_ALL=C sort "$tmpdir/silt.txt" -o "$tmpdir/silt.txt"
  [ -s "$tmpdir/duck.txt" ] || fail "DuckDB found no live files ($what)"
  if ! diff "$tmpdir/duck.txt" "$tmpdir/silt.txt" >"$tmpdir/diff.txt"; then
    head -20 "$tmpdir/diff.txt" >&2
    fail "$what: live files differ from DuckDB's replay"
  fi
}

# Every valid golden table and both txn tables, latest version: one DuckDB replay for all.
: >"$tmpdir/silt.txt"
n=0
for t in "$SILT_FIXTURES"/delta-golden/*/; do
  name=$(basename "$t")
  case $name in deltalog-invalid-protocol-version|versions-not-contiguous) continue ;; esac
  silt_files "${t}delta" >>"$tmpdir/silt.txt"
  n=$((n + 1))
done
[ "$n" -eq 16 ] || fail "expected 16 valid golden tables, checked $n"
duck_files "$SILT_FIXTURES/delta-golden/*/delta" 999999999 |
  grep -v -e deltalog-invalid-protocol-version -e versions-not-contiguous >"$tmpdir/duck.txt"
compare "delta-golden"
for t in "$SILT_FIXTURES"/delta-golden/*/; do
  name=$(basename "$t")
  c=$(grep -c "^${t}delta	" "$tmpdir/silt.txt" || true)
  case $name in deltalog-invalid-protocol-version|versions-not-contiguous) continue ;; esac
  pass "$name: $c live files match DuckDB"
done

: >"$tmpdir/silt.txt"
for t in app-txn-no-checkpoint app-txn-checkpoint; do
  silt_files "$SILT_FIXTURES/delta-txn/$t" >>"$tmpdir/silt.txt"
  "$SILT" table describe "$SILT_FIXTURES/delta-txn/$t" >"$tmpdir/d.txt"
  grep -q '^txn: *my-app = 3$' "$tmpdir/d.txt" || fail "$t: txn my-app is not 3"
  grep -q '^txn: *my-app2 = 2$' "$tmpdir/d.txt" || fail "$t: txn my-app2 is not 2"
done
duck_files "$SILT_FIXTURES/delta-txn/*" 999999999 >"$tmpdir/duck.txt"
compare "delta-txn"
pass "delta-txn: $(wc -l <"$tmpdir/silt.txt") files match DuckDB; txn my-app=3, my-app2=2"

# Time travel on the Spark table: each version against DuckDB's replay up to it.
spark=$SILT_FIXTURES/spark-streaming-table
: >"$tmpdir/silt.txt"
for v in 0 9 10 100 419 ""; do silt_files "$spark" "$v" >>"$tmpdir/silt.txt"; done
duck_files "$spark" "0, 9, 10, 100, 419, 999999999" >"$tmpdir/duck.txt"
compare "spark-streaming-table time travel"
for v in 0 9 10 100 419 latest; do
  files=$(awk -F'\t' -v v=$v '$2 == v' "$tmpdir/silt.txt" | wc -l)
  rows=$(awk -F'\t' -v v=$v '$2 == v {s += $5} END {print s}' "$tmpdir/silt.txt")
  pass "spark-streaming-table version $v: $files files, $rows rows (DuckDB agrees)"
done
assert_eq "$files" 421 "latest file count"
assert_eq "$rows" 432 "latest row count"
expected=(1 10 11 101 420)
i=0
for v in 0 9 10 100 419; do
  assert_eq "$(awk -F'\t' -v v=$v '$2 == v' "$tmpdir/silt.txt" | wc -l)" "${expected[$i]}" "files at $v"
  i=$((i + 1))
done

# File skipping never drops a file that holds a matching row: DuckDB reads the rows of every
# data file (one query for all predicates), and the files it finds matching must all be among
# silt's selection.
preds=("Quantity > 100" "Quantity = 36" "Price < 11"
  "ProductName >= 'Tree T-Light Holder Willie Winkie'" "Country = 'Norway'"
  "Country = 'France'" "CustomerNo IS NULL")
sqls=('"Quantity" > 100' '"Quantity" = 36' '"Price" < 11'
  "\"ProductName\" >= 'Tree T-Light Holder Willie Winkie'" "\"Country\" = 'Norway'"
  "\"Country\" = 'France'" '"CustomerNo" IS NULL')
max_kept=(20 40 421 100 421 0 0)
cols=""
for i in "${!sqls[@]}"; do cols="$cols, bool_or(${sqls[$i]})::INT"; done
oracle --sql "select replace(filename, '$spark/', '') $cols
  from read_parquet('$spark/*.parquet', filename=true) group by filename" |
  node -e 'require("readline").createInterface({input: process.stdin}).on("line", l => {
    const f = l.split("\t"); console.log([JSON.parse(f[0])].concat(f.slice(1)).join("\t")); })' \
  >"$tmpdir/matches.txt"
assert_eq "$(wc -l <"$tmpdir/matches.txt")" 421 "data files DuckDB read"
for i in "${!preds[@]}"; do
  where=${preds[$i]}
  "$SILT" table describe --files --where "$where" "$spark" | cut -f1 | LC_ALL=C sort >"$tmpdir/sel.txt" ||
    fail "--where '$where' failed"
  awk -F'\t' -v c=$((i + 2)) '$c == 1 {print $1}' "$tmpdir/matches.txt" | LC_ALL=C sort >"$tmpdir/match.txt"
  missed=$(comm -13 "$tmpdir/sel.txt" "$tmpdir/match.txt" | wc -l)
  assert_eq "$missed" 0 "files with rows matching '$where' that silt skipped"
  sel=$(wc -l <"$tmpdir/sel.txt")
  [ "$sel" -le "${max_kept[$i]}" ] || fail "'$where' kept $sel files, expected at most ${max_kept[$i]}"
  pass "--where \"$where\": $sel of 421 files kept, $(wc -l <"$tmpdir/match.txt") hold matches"
done

# With _last_checkpoint at 420, a checkpoint reader starts there and reads no JSON commit.
"$SILT" table describe "$spark" | grep >/dev/null '^checkpoint: *420 (1 part, named by _last_checkpoint): a checkpoint reader replays it + 0 JSON commits$' ||
  fail "the plan for the Spark table does not start from the checkpoint at 420"
"$SILT" table describe "$SILT_FIXTURES/delta-golden/multi-part-checkpoint/delta" | grep >/dev/null '^checkpoint: *1 (2 parts' ||
  fail "the multi-part checkpoint is not planned"
pass "plans start from the checkpoints (420 for the Spark table; 2-part checkpoint at 1)"

# The checkpoint rows silt builds from the JSON replay of the Spark table equal, row for row in
# the canonical form, the checkpoint Spark 3.5 / Delta 3.2 wrote at version 420 (read by DuckDB).
"${SILT_BUILD:-$SILT_ROOT/build}/tool_delta_checkpoint_rows" "$spark" 420 | LC_ALL=C sort >"$tmpdir/ours.txt"
oracle "$spark/_delta_log/00000000000000000420.checkpoint.parquet" >"$tmpdir/spark.txt"
diff "$tmpdir/spark.txt" "$tmpdir/ours.txt" >"$tmpdir/diff.txt" ||
  { head -c 2000 "$tmpdir/diff.txt" >&2; fail "checkpoint rows differ from Spark's checkpoint"; }
pass "checkpoint batch for version 420 = Spark's checkpoint ($(wc -l <"$tmpdir/ours.txt") rows)"

# Every checkpoint in the fixtures (Spark's and delta-rs's, single and multi-part), read by
# DuckDB, holds the live files and txn versions silt replays from JSON at that version.
for cp in "$spark:420:00000000000000000420.checkpoint.parquet" \
  "$SILT_FIXTURES/delta-golden/basic-with-inserts-deletes-checkpoint/delta:10:00000000000000000010.checkpoint.parquet" \
  "$SILT_FIXTURES/delta-golden/multi-part-checkpoint/delta:1:00000000000000000001.checkpoint.*.parquet" \
  "$SILT_FIXTURES/delta-txn/app-txn-checkpoint:1:00000000000000000001.checkpoint.parquet"; do
  IFS=: read -r dir ver file <<<"$cp"
  "$SILT" table describe --files --version "$ver" "$dir" | cut -f1 | LC_ALL=C sort >"$tmpdir/a.txt"
  oracle --sql "select url_decode(add.path) from read_parquet('$dir/_delta_log/$file') where add is not null" |
    node -e 'require("readline").createInterface({input: process.stdin}).on("line", l => console.log(JSON.parse(l)))' |
    LC_ALL=C sort >"$tmpdir/b.txt"
  diff "$tmpdir/b.txt" "$tmpdir/a.txt" >/dev/null || fail "$dir: live files at $ver differ from its checkpoint"
  "$SILT" table describe --version "$ver" "$dir" | sed -n 's/^txn: *\(.*\) = \(.*\)$/\1\t\2/p' | LC_ALL=C sort >"$tmpdir/ta.txt"
  oracle --sql "select txn.appId || chr(9) || txn.version from read_parquet('$dir/_delta_log/$file') where txn is not null" |
    node -e 'require("readline").createInterface({input: process.stdin}).on("line", l => console.log(JSON.parse(l)))' |
    LC_ALL=C sort >"$tmpdir/tb.txt"
  diff "$tmpdir/tb.txt" "$tmpdir/ta.txt" >/dev/null || fail "$dir: txn versions at $ver differ from its checkpoint"
  pass "$(basename "${dir%/delta}") checkpoint $ver: $(wc -l <"$tmpdir/a.txt") files and $(wc -l <"$tmpdir/ta.txt") txns as silt replays them"
done
grep -q "^my-app	3$" "$tmpdir/tb.txt" || fail "delta-rs checkpoint: my-app is not 3"

# Time travel by timestamp: commitInfo.timestamp of version 1 is 1724782618406.
"$SILT" table describe --timestamp 1724782618406 "$spark" | grep >/dev/null '^version: *1 ' ||
  fail "--timestamp did not select version 1"
"$SILT" table describe --timestamp '2024-08-27 18:16:58.405' "$spark" | grep >/dev/null '^version: *0 ' ||
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
