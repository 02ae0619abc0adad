#!/usr/bin/env bash
# `silt table scan` and `silt table optimize` on tables other engines wrote: Spark's streaming
# table (432 rows equal to the first 432 CSV rows, loaded from the checkpoint at 420 with no JSON
# commit, time travel row counts equal to DuckDB's replay of the log, OPTIMIZE of a copy into one
# file with both versions readable), and every delta-golden table against the Parquet files of
# its expected/ directory read by DuckDB; the two invalid golden tables are refused.
source "$SILT_ROOT/tests/lib/common.sh"
source "$SILT_ROOT/tests/lib/delta.sh"
F=$SILT_FIXTURES
spark=$F/spark-streaming-table
csv=$F/sales-transactions-sample.csv

scan() { "$SILT" table scan --format canonical "$@" | LC_ALL=C sort; }

# ---- Spark's streaming table: rows, checkpoint use ----
scan --stats "$spark" >"$tmpdir/silt.txt" 2>"$tmpdir/stats.txt" || fail "scan of $spark failed"
grep -q "^snapshot: version 420 from checkpoint 420 + 0 JSON commits$" "$tmpdir/stats.txt" ||
  fail "the reader did not start from checkpoint 420 with no JSON commit: $(cat "$tmpdir/stats.txt")"
grep -q "^scan: 421 of 421 files read, 432 rows read, 432 rows returned$" "$tmpdir/stats.txt" ||
  fail "unexpected scan statistics: $(cat "$tmpdir/stats.txt")"
"$SILT" table describe "$spark" | grep >/dev/null "^loaded from: *checkpoint 420 + 0 JSON commits$" ||
  fail "describe does not report loading from checkpoint 420 + 0 JSON commits"
oracle --sql "select TransactionNo, Date, ProductNo, ProductName, Price::FLOAT,
    Quantity::INTEGER, CustomerNo::FLOAT, Country
  from read_csv('$csv', header=true, all_varchar=true) limit 432" >"$tmpdir/csv.txt"
assert_eq "$(wc -l <"$tmpdir/silt.txt")" 432 "rows of the latest snapshot"
diff "$tmpdir/csv.txt" "$tmpdir/silt.txt" >"$tmpdir/diff.txt" ||
  { head -10 "$tmpdir/diff.txt" >&2; fail "streaming table rows differ from the first 432 CSV rows"; }
pass "spark-streaming-table: 432 rows equal the first 432 CSV rows; loaded from checkpoint 420 + 0 JSON commits"

# ---- time travel: row counts against DuckDB's replay of the JSON log ----
versions="0, 9, 10, 100, 419"
oracle --no-sort --sql "
with raw as (
  select filename, add, remove from read_json('$spark/_delta_log/*.json', format='auto',
    filename=true, union_by_name=true,
    columns={add: 'STRUCT(path VARCHAR, stats VARCHAR)', remove: 'STRUCT(path VARCHAR)'})
), ev as (
  select regexp_extract(filename, '(\\d{20})\\.json\$', 1)::BIGINT as v, add.path as path, true as live,
         json_extract(add.stats, '\$.numRecords')::BIGINT as n from raw where add is not null
  union all
  select regexp_extract(filename, '(\\d{20})\\.json\$', 1)::BIGINT, remove.path, false, 0
  from raw where remove is not null
), fin as (
  select upto, path, arg_max({'live': live, 'n': n}, v) as s
  from ev, (select unnest([$versions]) as upto) where v <= upto group by upto, path
)
select upto || ' ' || sum(s.n) from fin where s.live group by upto order by upto" |
  tr -d '"' >"$tmpdir/expect_counts.txt"
[ "$(wc -l <"$tmpdir/expect_counts.txt")" -eq 5 ] || fail "DuckDB replay gave no counts"
while read -r v n; do
  got=$("$SILT" table scan --format canonical --version "$v" "$spark" | wc -l)
  assert_eq "$got" "$n" "rows at version $v"
done <"$tmpdir/expect_counts.txt"
# --timestamp: the commit time of version 100 selects version 100, one ms earlier version 99
ts100=$("$SILT" table history "$spark" | awk -F'\t' '$1 == 100 {print $4}' | jq -r .timestamp)
n100=$(awk '$1 == 100 {print $2}' "$tmpdir/expect_counts.txt")
assert_eq "$("$SILT" table scan -f canonical --timestamp "$ts100" "$spark" | wc -l)" "$n100" "rows at the time of version 100"
"$SILT" table scan --stats -f canonical --timestamp "$((ts100 - 1))" "$spark" 2>"$tmpdir/st.txt" >/dev/null
grep -q "^snapshot: version 99 " "$tmpdir/st.txt" || fail "--timestamp before version 100: $(cat "$tmpdir/st.txt")"
# the same instants as ISO 8601 text (UTC, and with an offset)
iso100="$(date -u -d "@$((ts100 / 1000))" '+%Y-%m-%d %H:%M:%S').$(printf %03d $((ts100 % 1000)))"
"$SILT" table scan --stats -f canonical --timestamp "$iso100" "$spark" 2>"$tmpdir/st.txt" >/dev/null
grep -q "^snapshot: version 100 " "$tmpdir/st.txt" || fail "--timestamp '$iso100': $(cat "$tmpdir/st.txt")"
iso99="$(date -d "@$(((ts100 - 1000) / 1000))" '+%Y-%m-%dT%H:%M:%S' -u)+00:00"
"$SILT" table scan --stats -f canonical --timestamp "$iso99" "$spark" 2>"$tmpdir/st.txt" >/dev/null
grep -q "^snapshot: version 99 " "$tmpdir/st.txt" || fail "--timestamp '$iso99': $(cat "$tmpdir/st.txt")"
pass "time travel to versions $versions: row counts equal the log's ($(awk '{printf "v%s: %s rows; ", $1, $2}' "$tmpdir/expect_counts.txt"))"

# ---- OPTIMIZE on a copy: 421 files into one, both versions readable ----
t=$tmpdir/spark-copy
cp -r "$spark" "$t"
"$SILT" table optimize "$t" >"$tmpdir/opt.txt" || fail "optimize failed"
grep -q "^version 421: 421 files .* compacted into 1 " "$tmpdir/opt.txt" || fail "optimize: $(cat "$tmpdir/opt.txt")"
"$SILT" table describe "$t" >"$tmpdir/d.txt"
grep -q "^version: *421 " "$tmpdir/d.txt" || fail "no version 421 after optimize"
grep -q "^files: *1 " "$tmpdir/d.txt" || fail "more than one live file after optimize"
scan "$t" >"$tmpdir/after.txt"
diff "$tmpdir/silt.txt" "$tmpdir/after.txt" >/dev/null || fail "rows changed by optimize"
scan --version 420 "$t" >"$tmpdir/v420.txt"
diff "$tmpdir/silt.txt" "$tmpdir/v420.txt" >/dev/null || fail "version 420 unreadable after optimize"
live=$("$SILT" table describe --files "$t" | cut -f1)
oracle "$t/$live" >"$tmpdir/duck_opt.txt"
diff "$tmpdir/silt.txt" "$tmpdir/duck_opt.txt" >/dev/null || fail "DuckDB reads other rows from the compacted file"
h=$("$SILT" table history --limit 1 "$t")
case $h in *'OPTIMIZE'*'"numRemovedFiles":"421"'*) ;; *) fail "history lacks the OPTIMIZE: $h" ;; esac
grep -q '"dataChange":true' "$t/_delta_log/00000000000000000421.json" && fail "OPTIMIZE wrote dataChange true"
"$SILT" table optimize "$t" | grep >/dev/null "nothing to compact" || fail "a second optimize compacted again"
out=$("$SILT" table vacuum --retention 0s "$t" 2>&1) && fail "vacuum below the retention property ran"
case $out in *"delta.deletedFileRetentionDuration ('interval 7 days' = 7d)"*--force*) ;;
  *) fail "unclear refusal of --retention 0s: $out" ;; esac
"$SILT" table vacuum --retention 0s --force --dry-run "$t" 2>"$tmpdir/vac.txt" >/dev/null
grep -q "^would delete 0 files (0 bytes); kept 421 unreferenced files" "$tmpdir/vac.txt" ||
  fail "forced vacuum did not keep the files younger than an hour: $(tail -1 "$tmpdir/vac.txt")"
grep -q "^kept .*: modified [0-9]*[smh] ago, less than 1h ago (it may belong to a commit in flight)" \
  "$tmpdir/vac.txt" || fail "dry run does not say why files were kept: $(head -3 "$tmpdir/vac.txt")"
delta_age_files "$t"
"$SILT" table vacuum --retention 0s --force "$t" 2>"$tmpdir/vac.txt" >/dev/null || fail "vacuum after optimize"
grep -q "^deleted 421 files" "$tmpdir/vac.txt" || fail "vacuum did not delete the 421 compacted files: $(cat "$tmpdir/vac.txt")"
scan "$t" | diff -q - "$tmpdir/silt.txt" >/dev/null || fail "rows changed by vacuum"
out=$("$SILT" table scan --version 420 "$t" 2>&1 >/dev/null) && fail "version 420 readable after vacuum"
case $out in *"references a data file that is missing"*) ;; *) fail "unclear error after vacuum: $out" ;; esac
pass "optimize of a copy: 421 files -> 1 in version 421; versions 420 and 421 hold the same 432 rows (DuckDB agrees)"

# ---- projection, filters, formats on the streaming table ----
n=$("$SILT" table scan -f canonical --where "Quantity >= 12" "$spark" | wc -l)
e=$(awk -F'\t' '$6 >= 12' "$tmpdir/silt.txt" | wc -l)
assert_eq "$n" "$e" "rows with Quantity >= 12"
"$SILT" table scan -f canonical -c Country,Quantity --where "Country = 'Norway'" "$spark" |
  LC_ALL=C sort >"$tmpdir/fr.txt"
awk -F'\t' -v OFS='\t' '$8 == "\"Norway\"" {print $8, $6}' "$tmpdir/silt.txt" | LC_ALL=C sort >"$tmpdir/fr2.txt"
diff "$tmpdir/fr.txt" "$tmpdir/fr2.txt" >/dev/null || fail "projection + filter differ"
[ -s "$tmpdir/fr.txt" ] || fail "no Norwegian rows"
"$SILT" table scan -f jsonl --limit 2 "$spark" | jq -e 'has("Price") and has("Country")' >/dev/null ||
  fail "jsonl rows are not JSON objects with the columns"
assert_eq "$("$SILT" table scan -f csv --limit 5 "$spark" | wc -l)" 6 "csv: header + 5 rows"
"$SILT" table scan --limit 3 "$spark" | head -1 | grep >/dev/null "^TransactionNo | Date " || fail "table format header"
out=$("$SILT" table scan --where "Qty > 3" "$spark" 2>&1) && fail "unknown column accepted"
case $out in *"no column 'Qty'"*) ;; *) fail "unclear error for an unknown column: $out" ;; esac
out=$("$SILT" table scan --columns Price,Nope "$spark" 2>&1) && fail "unknown projected column accepted"
case $out in *"'Nope'"*) ;; *) fail "unclear error for an unknown projected column: $out" ;; esac
out=$("$SILT" table scan "$tmpdir/nothing-here" 2>&1) && fail "a missing table was scanned"
pass "scan --where/--columns/--limit and jsonl, csv, table formats; clear errors"

# ---- delta-golden: every valid table equals its expected/ rows ----
n=0
for t in "$F"/delta-golden/*/; do
  name=$(basename "$t")
  case $name in deltalog-invalid-protocol-version | versions-not-contiguous) continue ;; esac
  scan "${t}delta" >"$tmpdir/g.txt" 2>"$tmpdir/err.txt" || fail "$name: $(cat "$tmpdir/err.txt")"
  cols=$("$SILT" table scan -f csv --limit 0 "${t}delta" | head -1 | sed 's/\([^,]*\)/"\1"/g')
  sel=$cols
  if [ "$name" = data-reader-partition-values ]; then
    # Spark wrote this table's timestamp partition values in its session time zone
    # (America/Los_Angeles, UTC-7 on that date) while its expected/ files hold the instants;
    # the protocol reads partition timestamps without an offset as UTC.
    sel=${cols/\"as_timestamp\"/(\"as_timestamp\" - INTERVAL 7 HOUR) as as_timestamp}
  fi
  oracle --sql "select $sel from read_parquet('${t}expected/*.parquet')" >"$tmpdir/e.txt"
  [ -s "$tmpdir/e.txt" ] || fail "$name: DuckDB read no expected rows"
  diff "$tmpdir/e.txt" "$tmpdir/g.txt" >"$tmpdir/diff.txt" ||
    { head -10 "$tmpdir/diff.txt" >&2; fail "$name: rows differ from expected/"; }
  n=$((n + 1))
done
assert_eq "$n" 16 "valid golden tables compared"
pass "16 delta-golden tables: latest snapshot rows equal their expected/ Parquet files"

out=$("$SILT" table scan "$F/delta-golden/deltalog-invalid-protocol-version/delta" 2>&1) &&
  fail "invalid protocol version accepted"
case $out in *"reader version 99"*) ;; *) fail "unclear error for reader version 99: $out" ;; esac
out=$("$SILT" table scan "$F/delta-golden/versions-not-contiguous/delta" 2>&1) &&
  fail "non-contiguous log accepted"
case $out in *"not contiguous"*"version 1 is missing"*) ;; *) fail "unclear error for a gap: $out" ;; esac
pass "invalid golden tables refused: reader version 99, missing version 1"
