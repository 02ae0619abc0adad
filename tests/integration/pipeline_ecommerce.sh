#!/usr/bin/env bash
# silt pipeline run examples/ecommerce.sql over real Kafka (silt kafka-dev):
# - the sample CSV produced to Kafka: silver and every gold table equal DuckDB's answer to the
#   same query over the CSV (rows as a multiset, money to 1e-6 relative);
# - bad messages (invalid JSON, wrong types, missing fields, invalid UTF-8, empty and null
#   values, garbage, a 5 MB message) end in silver_transactions_quarantine with the right
#   reason and do not stop the pipeline;
# - bronze rows = silver + dropped + quarantined, by counting and by the event log;
# - a second run with nothing new writes nothing; `silt pipeline status` shows the positions.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/kafka.sh"

kafka_dev --brokers 1 --topic transactions:3 --topic odd:2
CSV="$SILT_FIXTURES/sales-transactions-sample.csv"
LAKE="$tmpdir/lake"
# the example, with the fetch sizes a 5 MB message needs
sed "s|startingOffsets => 'earliest'|startingOffsets => 'earliest', \`kafka.fetch.max.bytes\` => '10000000', \`kafka.max.partition.fetch.bytes\` => '10000000', \`kafka.receive.message.max.bytes\` => '20000000'|" \
  "$SILT_ROOT/examples/ecommerce.sql" >"$tmpdir/p.sql"
grep -q "kafka.fetch.max.bytes" "$tmpdir/p.sql" || fail "could not add the fetch sizes"
P=("$tmpdir/p.sql" --lake "$LAKE" --var "KAFKA=$boot" --var "TOPIC=transactions,odd")

"$SILT" produce -b "$boot" -t transactions --csv "$CSV" 2>/dev/null || fail "produce failed"
{
  echo 'not json'
  echo '{"TransactionNo":"X1","Date":"1/2/2020","ProductNo":"p","ProductName":"n","Price":"abc","Quantity":1,"CustomerNo":1,"Country":"PT"}'
  echo '{"Date":"1/2/2020","Price":3}'
  printf '{"TransactionNo":"X2","Date":"1/2/2020","ProductNo":"p","ProductName":"bad \xff byte","Price":1,"Quantity":1,"CustomerNo":1,"Country":"PT"}\n'
  echo '{"TransactionNo":"X3","Date":"1/2/2020","ProductNo":"p","ProductName":"n","Price":-5,"Quantity":1,"CustomerNo":1,"Country":"PT"}'
  echo '{"TransactionNo":"X4","Date":"1/2/2020","ProductNo":"p","ProductName":"n","Price":5,"Quantity":1,"CustomerNo":null,"Country":"PT"}'
} >"$tmpdir/bad.jsonl"
"$SILT" produce -b "$boot" -t transactions --jsonl "$tmpdir/bad.jsonl" 2>/dev/null || fail "produce bad failed"
"$SILT_BUILD/tool_kafka_produce_special" "$boot" odd 5000000 >"$tmpdir/special.txt" 2>&1 ||
  fail "special messages: $(cat "$tmpdir/special.txt")"
n_special=$(wc -l <"$tmpdir/special.txt")

"$SILT" pipeline run "${P[@]}" --until-caught-up --trigger 250ms --progress 1s 2>"$tmpdir/run1.log" ||
  fail "pipeline run failed: $(tail -5 "$tmpdir/run1.log")"
grep -q "pipeline: done: silver_transactions" "$tmpdir/run1.log" || fail "no summary: $(tail -3 "$tmpdir/run1.log")"

s() { "$SILT" sql --format canonical "$1" || fail "silt sql failed: $1"; }
T() { echo "delta.\`$LAKE/$1\`"; }

# ---- counts: bronze = silver + dropped + quarantined
csv_rows=$(oracle --sql "SELECT count(*) FROM read_csv('$CSV', header=true)")
bad_rows=$(wc -l <"$tmpdir/bad.jsonl")
bronze=$(s "SELECT count(*) FROM $(T bronze_transactions)")
assert_eq "$bronze" "$((csv_rows + bad_rows + n_special))" "bronze rows"
silver=$(s "SELECT count(*) FROM $(T silver_transactions)")
quar=$(s "SELECT count(*) FROM $(T silver_transactions_quarantine)")
evs() { s "SELECT sum($1) FROM $(T _event_log) WHERE table_name = 'silver_transactions' AND error IS NULL"; }
ev_read=$(evs rows_read) ev_written=$(evs rows_written) ev_dropped=$(evs rows_dropped)
ev_quar=$(evs rows_quarantined)
assert_eq "$ev_read" "$bronze" "event log: rows read by silver"
assert_eq "$ev_written" "$silver" "event log: rows written to silver"
assert_eq "$ev_quar" "$quar" "event log: rows quarantined"
assert_eq "$((silver + ev_dropped + quar))" "$bronze" "silver + dropped + quarantined"
assert_eq "$ev_dropped" 1 "rows dropped (the negative price)"
pass "bronze $bronze = silver $silver + dropped $ev_dropped + quarantined $quar (counted and by the event log)"

# ---- bad messages in quarantine with their reasons
qt=$(T silver_transactions_quarantine)
reason() { s "SELECT coalesce(_reason, 'NULL') FROM $qt WHERE $1"; }
case "$(reason "CAST(value AS STRING) = 'not json'")" in *"invalid JSON"*) ;; *) fail "reason of 'not json': $(reason "CAST(value AS STRING) = 'not json'")" ;; esac
case "$(reason "CAST(value AS STRING) LIKE '%\"X1\"%'")" in *Price*) ;; *) fail "reason of the wrong type: $(reason "CAST(value AS STRING) LIKE '%\"X1\"%'")" ;; esac
assert_eq "$(s "SELECT count(*) FROM $qt WHERE topic = 'transactions' AND
               _reason LIKE 'field ''ProductName''%not valid UTF-8%'")" 1 "reason of invalid UTF-8"
assert_eq "$(s "SELECT count(*) FROM $qt WHERE CAST(value AS STRING) LIKE '{\"Date\"%' AND
  _expectations = '[\"valid_json\",\"has_customer\",\"known_country\"]' AND _reason IS NULL")" 1 \
  "expectations broken by the row without fields"
assert_eq "$(s "SELECT count(*) FROM $qt WHERE CAST(value AS STRING) LIKE '%\"X4\"%' AND
  _expectations = '[\"has_customer\"]'")" 1 "expectations broken by the row without customer"
assert_eq "$(s "SELECT count(*) FROM $qt WHERE topic = 'odd'")" "$n_special" "special messages quarantined"
assert_eq "$(s "SELECT max(length(value)) FROM $qt")" 5000000 "the 5 MB message, whole, in quarantine"
assert_eq "$(s "SELECT count(*) FROM $qt WHERE value IS NULL AND _reason IS NULL")" 2 "null values"
assert_eq "$(s "SELECT count(*) FROM $qt WHERE _upstream_version < 1 OR _upstream_version IS NULL")" 0 "upstream versions"
pass "bad messages quarantined with their reasons (invalid JSON, wrong type, UTF-8, missing fields, null, 5 MB)"

# ---- silver and gold equal DuckDB's answers over the CSV
silver_duck="WITH silver AS (SELECT TransactionNo, strptime(Date, '%m/%d/%Y')::DATE AS date, ProductNo,
    ProductName, CAST(Price AS FLOAT) AS Price, CAST(Quantity AS INTEGER) AS Quantity,
    CAST(CustomerNo AS FLOAT) AS CustomerNo, Country, TransactionNo LIKE 'C%' AS cancelled
  FROM read_csv('$CSV', header=true, all_varchar=true))"
# rows as multisets; numbers equal to 1e-6 relative
same() { # what, silt rows file, duckdb rows file
  sort "$2" >"$2.s"
  sort "$3" >"$3.s"
  awk -F'\t' -v what="$1" 'NR == FNR { a[FNR] = $0; n = FNR; next }
    { if (!(FNR in a)) { print what ": extra row " $0; bad = 1; exit }
      split(a[FNR], x, "\t"); m = split($0, y, "\t")
      for (i = 1; i <= m; i++) if (x[i] != y[i]) {
        if (x[i] ~ /^-?[0-9.eE+-]+$/ && y[i] ~ /^-?[0-9.eE+-]+$/) {
          d = x[i] - y[i]; if (d < 0) d = -d; s = y[i] < 0 ? -y[i] : y[i]
          if (d <= 1e-6 * s || d < 1e-9) continue }
        print what ": row " FNR "\n  silt   " a[FNR] "\n  duckdb " $0; bad = 1; exit } }
    END { if (!bad && FNR != n) { print what ": " n " rows, DuckDB has " FNR; bad = 1 } exit bad }' \
    "$2.s" "$3.s" || fail "$1 differs from DuckDB"
}
check() { # table, silt columns, duckdb query
  s "SELECT $2 FROM $(T "$1")" >"$tmpdir/$1.silt"
  oracle --sql "$silver_duck $3" >"$tmpdir/$1.duck" || fail "oracle failed on $1"
  [ -s "$tmpdir/$1.duck" ] || fail "DuckDB gave no rows for $1"
  same "$1" "$tmpdir/$1.silt" "$tmpdir/$1.duck"
}
check silver_transactions "TransactionNo, date, ProductNo, Price, Quantity, CustomerNo, Country, cancelled" \
  "SELECT TransactionNo, date, ProductNo, Price, Quantity, CustomerNo, Country, cancelled FROM silver"
check gold_revenue_by_country "Country, lines, revenue" \
  "SELECT Country, count(*), sum(Price * Quantity) FROM silver WHERE NOT cancelled GROUP BY Country"
check gold_revenue_by_day "date, transactions, lines, units, revenue" \
  "SELECT date, count(DISTINCT TransactionNo), count(*), sum(Quantity), sum(Price * Quantity)
   FROM silver WHERE NOT cancelled GROUP BY date"
check gold_top_products "ProductNo, ProductName, units, revenue, customers" \
  "SELECT ProductNo, max(ProductName), sum(Quantity), sum(Price * Quantity) AS revenue,
     count(DISTINCT CustomerNo) FROM silver WHERE NOT cancelled GROUP BY ProductNo
   ORDER BY revenue DESC, ProductNo LIMIT 100"
check gold_customer_features "CustomerNo, recency_days, frequency, monetary, cancellations" \
  "SELECT CustomerNo, (SELECT max(date) FROM silver) - max(CASE WHEN NOT cancelled THEN date END),
     count(DISTINCT CASE WHEN NOT cancelled THEN TransactionNo END),
     coalesce(sum(CASE WHEN NOT cancelled THEN Price * Quantity END), 0),
     count(DISTINCT CASE WHEN cancelled THEN TransactionNo END) FROM silver GROUP BY CustomerNo"
# every message arrived within a minute: the watermark (30 s behind) has closed no window yet
assert_eq "$(s "SELECT count(*) FROM $(T gold_revenue_per_minute)")" 0 "windows closed early"
assert_eq "$(s "SELECT sum(rows_read) FROM $(T _event_log) WHERE table_name = 'gold_revenue_per_minute'")" \
  "$silver" "rows gold_revenue_per_minute read"
pass "silver and every gold table equal DuckDB's answers over the CSV"

# ---- a second run: nothing new, nothing written
v1=$(s "SELECT count(*) FROM $(T _event_log)")
"$SILT" pipeline run "${P[@]}" --until-caught-up --trigger 250ms 2>"$tmpdir/run2.log" ||
  fail "second run failed: $(tail -5 "$tmpdir/run2.log")"
assert_eq "$(s "SELECT count(*) FROM $(T silver_transactions)")" "$silver" "silver after a rerun"
assert_eq "$(s "SELECT count(*) FROM $(T _event_log)")" "$v1" "event log rows after a rerun with nothing new"
"$SILT" pipeline status "${P[@]}" >"$tmpdir/status.txt" || fail "status failed"
grep -q "position     bronze_transactions: version" "$tmpdir/status.txt" || fail "status: $(cat "$tmpdir/status.txt")"
grep -q "lag 0 versions" "$tmpdir/status.txt" || fail "status shows no lag: $(cat "$tmpdir/status.txt")"
pass "a rerun with nothing new writes nothing; status shows positions and lag"
