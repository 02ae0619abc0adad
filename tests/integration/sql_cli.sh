#!/usr/bin/env bash
# `silt sql` from the command line: formats (table, jsonl, csv, canonical), statements from -f
# and from stdin, several statements, error messages with a caret, exit codes (2 bad query,
# 1 runtime failure), and CREATE TABLE AS / INSERT INTO read back by `silt table scan` and by
# the DuckDB oracle.
source "$(dirname "$0")/../lib/common.sh"

csv="csv.\`$SILT_FIXTURES/sales-transactions-sample.csv\`"

out=$("$SILT" sql --format canonical "SELECT Country, count(*) FROM $csv GROUP BY Country ORDER BY 2 DESC LIMIT 2")
assert_eq "$out" $'"United Kingdom"\t1207\n"Norway"\t65' "canonical group by"
pass "canonical format"

out=$("$SILT" sql --format csv "SELECT 1 AS a, 'x,y' AS b")
assert_eq "$out" $'a,b\n1,"x,y"' "csv format"
out=$("$SILT" sql --format jsonl "SELECT 1 AS a, 'x' AS b, NULL AS c")
assert_eq "$out" '{"a":1,"b":"x","c":null}' "jsonl format"
out=$("$SILT" sql "SELECT 1 AS a")
grep -q "(1 row)" <<<"$out" || fail "table format: $out"
pass "csv, jsonl and table formats"

printf 'SELECT 1;\n-- a comment; with a semicolon\nSELECT '"'"'a;b'"'"';\n' >"$tmpdir/q.sql"
out=$("$SILT" sql --format canonical -f "$tmpdir/q.sql")
assert_eq "$out" $'1\n"a;b"' "two statements from -f"
out=$(printf 'SELECT 2 + 2' | "$SILT" sql --format canonical)
assert_eq "$out" "4" "statement from stdin"
pass "statements from a file and from stdin"

set +e
"$SILT" sql "SELECT 1 +
  FROM x" 2>"$tmpdir/err"; rc=$?
set -e
assert_eq "$rc" 2 "syntax error exit code"
grep -q "line 2, column 3" "$tmpdir/err" || fail "no line:col: $(cat "$tmpdir/err")"
grep -q "expected an expression" "$tmpdir/err" || fail "no expectation: $(cat "$tmpdir/err")"
grep -q "^    \^" "$tmpdir/err" || fail "no caret under column 3: $(cat "$tmpdir/err")"
set +e
"$SILT" sql "SELECT Contry FROM $csv" 2>"$tmpdir/err"; rc=$?
set -e
assert_eq "$rc" 2 "unknown column exit code"
grep -q "did you mean 'Country'" "$tmpdir/err" || fail "no suggestion: $(cat "$tmpdir/err")"
set +e
"$SILT" sql "SELECT Country + DATE '2020-01-01' FROM $csv" 2>"$tmpdir/err"; rc=$?
set -e
assert_eq "$rc" 2 "type error exit code"
grep -q "string and date" "$tmpdir/err" || fail "type error names types: $(cat "$tmpdir/err")"
pass "bad queries exit 2 with a caret, a suggestion, the types"

mkdir -p "$tmpdir/notdelta/_delta_log"
echo garbage >"$tmpdir/notdelta/_delta_log/00000000000000000000.json"
set +e
"$SILT" sql "SELECT count(*) FROM parquet.\`$tmpdir/q.sql\`" 2>"$tmpdir/err"; rc=$?
set -e
[ "$rc" -ne 0 ] || fail "reading a non-Parquet file succeeded"
pass "unreadable input fails"

t="$tmpdir/t"
out=$("$SILT" sql --format canonical "CREATE TABLE delta.\`$t\` PARTITIONED BY (Country) AS SELECT TransactionNo, CAST(Quantity AS INT) AS q, CAST(Price AS DOUBLE) AS p, Country FROM $csv")
assert_eq "$out" "1305" "CTAS row count"
out=$("$SILT" sql --format canonical "INSERT INTO delta.\`$t\` SELECT 'N1', 3, 2.5, 'Atlantis'")
assert_eq "$out" "1" "INSERT row count"
silt_rows=$("$SILT" table scan "$t" --format canonical | sort)
[ "$(wc -l <<<"$silt_rows")" = 1306 ] || fail "table scan rows: $(wc -l <<<"$silt_rows")"
sql_sum=$("$SILT" sql --format canonical "SELECT sum(q), count(DISTINCT Country) FROM delta.\`$t\`")
files=$("$SILT" table describe "$t" --files | cut -f1 | sed "s|^|'$t/|; s|$|'|" | paste -sd, -)
oracle_sum=$(oracle --sql "SELECT sum(q), count(DISTINCT Country) FROM read_parquet([$files], hive_partitioning = true)")
assert_eq "$sql_sum" "$oracle_sum" "DuckDB reads the written table"
set +e
"$SILT" sql "CREATE TABLE delta.\`$t\` AS SELECT 1 AS a" 2>"$tmpdir/err"; rc=$?
set -e
assert_eq "$rc" 1 "CTAS over an existing table"
grep -q "exists" "$tmpdir/err" || fail "CTAS exists message: $(cat "$tmpdir/err")"
pass "CREATE TABLE AS and INSERT INTO, read back by silt and DuckDB"

out=$("$SILT" sql --format canonical "EXPLAIN SELECT count(*) FROM delta.\`$t\` WHERE Country = 'Norway'")
grep -q "pushed: Country = 'Norway'" <<<"$out" || fail "EXPLAIN pushdown: $out"
out=$("$SILT" sql --format canonical "EXPLAIN ANALYZE SELECT count(*) FROM delta.\`$t\` WHERE Country = 'Norway'")
grep -q "files read 1 of 5" <<<"$out" || fail "EXPLAIN ANALYZE files: $out"
out=$("$SILT" sql --format canonical "DESCRIBE delta.\`$t\`")
grep -q '"q"	"int"' <<<"$out" || fail "DESCRIBE: $out"
pass "EXPLAIN shows the pushed predicate and files pruned; DESCRIBE"
