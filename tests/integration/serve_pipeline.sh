#!/usr/bin/env bash
# silt serve over a lake written by `silt pipeline run examples/ecommerce.sql` (kafka-dev, the
# sample CSV and a few bad messages): the catalog shows every layer with the pipeline's lineage
# (silver reads bronze, bronze is read by silver), each table's data quality from the event log
# (quarantined rows = the quarantine table's rows, expectations failed), and /metrics passes
# `promtool check metrics` with pipeline counters equal to the event log's sums (silt sql).
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/kafka.sh"

kafka_dev --brokers 1 --topic transactions:3
LAKE="$tmpdir/lake"
"$SILT" produce -b "$boot" -t transactions --csv "$SILT_FIXTURES/sales-transactions-sample.csv" 2>/dev/null ||
  fail "produce failed"
printf '%s\n' 'not json' '{"TransactionNo":"X3","Date":"1/2/2020","ProductNo":"p","ProductName":"n","Price":-5,"Quantity":1,"CustomerNo":1,"Country":"PT"}' \
  '{"TransactionNo":"X4","Date":"1/2/2020","ProductNo":"p","ProductName":"n","Price":5,"Quantity":1,"CustomerNo":null,"Country":"PT"}' \
  >"$tmpdir/bad.jsonl"
"$SILT" produce -b "$boot" -t transactions --jsonl "$tmpdir/bad.jsonl" 2>/dev/null || fail "produce bad failed"
"$SILT" pipeline run "$SILT_ROOT/examples/ecommerce.sql" --lake "$LAKE" --var "KAFKA=$boot" \
  --var "TOPIC=transactions" --until-caught-up --trigger 250ms 2>"$tmpdir/run.log" ||
  fail "pipeline run failed: $(tail -5 "$tmpdir/run.log")"

"$SILT" serve --lake "$LAKE" --listen 127.0.0.1:0 --port-file "$tmpdir/port" --poll 100ms \
  >"$tmpdir/serve.log" 2>&1 &
_silt_pids+=("$!")
for _ in $(seq 100); do [ -s "$tmpdir/port" ] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$tmpdir/port")"
s() { "$SILT" sql --format canonical "$1" || fail "silt sql failed: $1"; }
ev() { s "SELECT coalesce(sum($1), 0) FROM delta.\`$LAKE/_event_log\` WHERE table_name = '$2'"; }

tables=$(curl -sf "$url/api/tables") || fail "GET /api/tables"
for t in bronze_transactions silver_transactions silver_transactions_quarantine _event_log; do
  echo "$tables" | jq -e --arg t "$t" '.tables[] | select(.name == $t)' >/dev/null || fail "no $t in the catalog"
done
assert_eq "$(echo "$tables" | jq -r '.tables[] | select(.name == "_event_log") | .layer')" system "event log layer"
gold=$(echo "$tables" | jq -r '[.tables[] | select(.layer == "gold")] | length')
[ "$gold" -ge 1 ] || fail "no gold table in the catalog"
silver=$(curl -sf "$url/api/tables/silver_transactions") || fail "GET silver_transactions"
echo "$silver" | jq -e '.lineage.sources | index("bronze_transactions")' >/dev/null ||
  fail "silver's lineage: $(echo "$silver" | jq -c .lineage)"
curl -sf "$url/api/tables/bronze_transactions" | jq -e '.lineage.readers | index("silver_transactions")' >/dev/null ||
  fail "bronze is not read by silver in the lineage"
quar=$(s "SELECT count(*) FROM delta.\`$LAKE/silver_transactions_quarantine\`")
# the event log is summed by the refresher: wait for its first reading
for _ in $(seq 100); do
  q=$(curl -sf "$url/api/tables/silver_transactions" | jq -r '.quality.quarantined // empty')
  [ -n "$q" ] && break
  sleep 0.1
done
assert_eq "$q" "$quar" "quality: quarantined rows"
assert_eq "$q" "$(ev rows_quarantined silver_transactions)" "quality: quarantined = event log"
failed=$(curl -sf "$url/api/tables/silver_transactions" | jq -r '.quality.expectations_failed')
[ "$failed" -ge 1 ] || fail "expectations failed: $failed (X4 has no customer)"
pass "catalog: every layer, lineage both ways, quality from the event log ($q quarantined, $failed failed)"

curl -sf "$url/metrics" >"$tmpdir/metrics" || fail "GET /metrics"
promtool check metrics <"$tmpdir/metrics" || fail "promtool check metrics"
m() { grep -F "$1{table=\"$2\"} " "$tmpdir/metrics" | awk '{print $2}'; }
for t in silver_transactions $(echo "$tables" | jq -r '.tables[] | select(.layer == "gold") | .name'); do
  assert_eq "$(m silt_pipeline_rows_written_total "$t")" "$(ev rows_written "$t")" "$t rows written"
  assert_eq "$(m silt_pipeline_rows_read_total "$t")" "$(ev rows_read "$t")" "$t rows read"
  commits=$(s "SELECT count(*) FROM delta.\`$LAKE/_event_log\` WHERE table_name = '$t'")
  assert_eq "$(m silt_pipeline_batches_total "$t")" "$commits" "$t batches"
  assert_eq "$(m silt_commit_duration_seconds_count "$t")" "$commits" "$t commit histogram count"
  assert_eq "$(grep -F "silt_commit_duration_seconds_bucket{table=\"$t\",le=\"+Inf\"} " "$tmpdir/metrics" |
    awk '{print $2}')" "$commits" "$t commit histogram +Inf bucket"
done
grep -F 'silt_kafka_lag_messages' "$tmpdir/metrics" >/dev/null &&
  fail "standalone serve shows Kafka lag, but the event log holds no offsets"
assert_eq "$(m silt_pipeline_rows_quarantined_total silver_transactions)" "$quar" "quarantined counter"
grep -q '^silt_pipeline_expectation_rows_total{table="silver_transactions",expectation="has_customer",result="failed"} [1-9]' \
  "$tmpdir/metrics" || fail "no failed has_customer rows in the metrics"
pass "promtool check metrics passes; pipeline counters and the commit histogram equal the event log"
