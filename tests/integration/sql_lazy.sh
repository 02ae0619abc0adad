#!/usr/bin/env bash
# Lazy string columns (late materialization) in `silt sql` over Delta tables: a filtered scan
# reads dictionary-encoded string columns as codes, tests the predicate once per distinct value
# and copies the bytes of the rows it keeps only. Every query here gives the same rows over the
# source CSV, over the same rows as a Delta table (one file, then partitioned by Country, where
# the scan rebuilds the columns around the partition value), and over a 52,200-row table of
# several row groups read by 0 and by 2 read-ahead threads, against the plain Parquet scan of
# the same files (which reads every string whole). The predicates cover the dictionary path
# (=, IN, LIKE, functions, CASE), a predicate over two string columns (no lazy columns), and
# filters on numbers only (string columns gathered for the rows kept).
source "$(dirname "$0")/../lib/common.sh"

csv="csv.\`$SILT_FIXTURES/sales-transactions-sample.csv\`"
"$SILT" sql "CREATE TABLE delta.\`$tmpdir/t\` AS SELECT * FROM $csv" >/dev/null
"$SILT" sql "CREATE TABLE delta.\`$tmpdir/p\` PARTITIONED BY (Country) AS SELECT * FROM $csv" \
  >/dev/null
union="SELECT * FROM $csv"
for _ in $(seq 39); do union="$union UNION ALL SELECT * FROM $csv"; done
"$SILT" sql "CREATE TABLE delta.\`$tmpdir/big\` AS $union" >/dev/null
groups=$("$SILT" parquet meta "$(ls "$tmpdir"/big/*.parquet | head -1)" | sed -n 's/^row groups: *//p')
[ "$groups" -ge 2 ] || fail "the big table has $groups row group(s); the test needs several"

queries=(
  "SELECT count(*) FROM X WHERE Country = 'Norway'"
  "SELECT TransactionNo, ProductName, Country, Quantity FROM X WHERE Country IN ('Germany', 'Norway') AND Quantity > 5 ORDER BY 1, 2, 3, 4"
  "SELECT ProductNo, count(*) FROM X WHERE upper(Country) LIKE 'UNITED%' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10"
  "SELECT Country, sum(Quantity) FROM X WHERE length(ProductName) > 30 GROUP BY 1 ORDER BY 1"
  "SELECT count(*) FROM X WHERE ProductNo <> TransactionNo AND Country <> 'Belgium'"
  "SELECT Country, Date, ProductNo FROM X WHERE CASE WHEN Country = 'Germany' THEN Quantity > 2 ELSE false END ORDER BY 1, 2, 3 LIMIT 7"
  "SELECT TransactionNo, ProductNo, Quantity, Country FROM X WHERE ProductNo LIKE '2259%' ORDER BY 1, 2, 3"
  "SELECT Country, ProductName FROM X WHERE Quantity > 70 ORDER BY 1, 2"
  "SELECT DISTINCT Country FROM X WHERE Country <> '' ORDER BY 1"
  "SELECT count(*), count(DISTINCT Country) FROM X WHERE Country NOT IN ('United Kingdom') OR Price > 20"
)

run() { # QUERY TABLE-EXPRESSION
  "$SILT" sql --format canonical "${1//FROM X/FROM $2}"
}

n=0
for q in "${queries[@]}"; do
  want=$(run "$q" "$csv")
  [ -n "$want" ] || fail "no rows from the CSV for: $q"
  assert_eq "$(run "$q" "delta.\`$tmpdir/t\`")" "$want" "delta table: $q"
  assert_eq "$(run "$q" "delta.\`$tmpdir/p\`")" "$want" "partitioned delta table: $q"
  plain=$(run "$q" "parquet.\`$tmpdir/big/*.parquet\`")
  for threads in 0 2; do
    got=$(SILT_READ_THREADS=$threads run "$q" "delta.\`$tmpdir/big\`")
    assert_eq "$got" "$plain" "big delta table, $threads read threads: $q"
  done
  n=$((n + 1))
done
pass "$n queries: the same rows over the CSV, a Delta table, a partitioned one and $groups row groups"
