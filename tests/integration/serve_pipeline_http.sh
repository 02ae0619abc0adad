#!/usr/bin/env bash
# `silt pipeline run examples/ecommerce.sql --http`: the server of `silt serve` inside the
# running pipeline (kafka-dev, the sample CSV). /api/tables carries the live registry's figures
# (bronze's rows in = the messages produced, each partition's position = its high watermark once
# read, lag 0), /metrics passes `promtool check metrics` with silt_kafka_lag_messages per
# partition and a live silt_commit_duration_seconds histogram, figures rise when more messages
# come, the security rules hold (a non-loopback address needs a token; the API then needs it,
# the dashboard's page does not), and SIGTERM stops the pipeline and the server cleanly.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/kafka.sh"

kafka_dev --brokers 1 --topic transactions:3
LAKE="$tmpdir/lake"
CSV="$SILT_FIXTURES/sales-transactions-sample.csv"
"$SILT" produce -b "$boot" -t transactions --csv "$CSV" 2>/dev/null || fail "produce failed"
sent=$(($(grep -c '' "$CSV") - 1)) # rows without the header (the last line has no newline)
run=("$SILT" pipeline run "$SILT_ROOT/examples/ecommerce.sql" --lake "$LAKE" --var "KAFKA=$boot"
  --var "TOPIC=transactions" --trigger 250ms --progress 0)

# a non-loopback address without a token is refused before anything runs
if "${run[@]}" --http 0.0.0.0:0 2>"$tmpdir/refused.log"; then fail "--http 0.0.0.0 without a token ran"; fi
grep -F -- "--token-file" "$tmpdir/refused.log" >/dev/null || fail "no hint at --token-file: $(cat "$tmpdir/refused.log")"
pass "--http on a non-loopback address without --token-file is refused"

openssl rand -hex 24 >"$tmpdir/token"
token=$(cat "$tmpdir/token")
"${run[@]}" --http 0.0.0.0:0 --token-file "$tmpdir/token" 2>"$tmpdir/run.log" &
pid=$!
_silt_pids+=("$pid")
port=""
for _ in $(seq 300); do
  port=$(sed -n 's|.*dashboard at http://[^:]*:\([0-9]*\)/.*|\1|p' "$tmpdir/run.log" | head -1)
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || fail "pipeline run --http exited: $(cat "$tmpdir/run.log")"
  sleep 0.1
done
[ -n "$port" ] || fail "no dashboard address in the log: $(cat "$tmpdir/run.log")"
url="http://127.0.0.1:$port"
auth=(-H "Authorization: Bearer $token")

code=$(curl -s -o /dev/null -w '%{http_code}' "$url/api/tables")
assert_eq "$code" 401 "the API without the token"
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/")
assert_eq "$code" 200 "the dashboard's page without the token"
pass "with --token-file the API needs the token, the page does not"

# waits (up to 120 s) until the jq expression is true of /api/tables
wait_tables() {
  for _ in $(seq 600); do
    curl -sf "${auth[@]}" "$url/api/tables" >"$tmpdir/tables.json" || true
    jq -e "$1" "$tmpdir/tables.json" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || fail "pipeline run exited: $(tail -5 "$tmpdir/run.log")"
    sleep 0.2
  done
  fail "timed out waiting for $1: $(jq -c .live "$tmpdir/tables.json" 2>/dev/null)"
}
wait_tables ".live.tables.bronze_transactions.rows_in == $sent and .live.lag == 0 and
  (.live.partitions | length) == 3 and .live.tables.silver_transactions.rows_in == $sent"
positions=$(jq '[.live.partitions[].position] | add' "$tmpdir/tables.json")
highs=$(jq '[.live.partitions[].high_watermark] | add' "$tmpdir/tables.json")
assert_eq "$positions" "$sent" "sum of the partitions' positions"
assert_eq "$highs" "$sent" "sum of the partitions' high watermarks"
pass "live figures: bronze read $sent rows, silver read them, 3 partitions at their high watermark"

curl -sf "${auth[@]}" "$url/metrics" >"$tmpdir/metrics" || fail "GET /metrics"
promtool check metrics <"$tmpdir/metrics" || fail "promtool check metrics"
lagged=$(grep -c '^silt_kafka_lag_messages{topic="transactions",partition="[0-2]"} 0$' "$tmpdir/metrics" || true)
assert_eq "$lagged" 3 "silt_kafka_lag_messages series at 0"
batches=$(jq '.live.tables.bronze_transactions.batches' "$tmpdir/tables.json")
count=$(awk '$1 == "silt_commit_duration_seconds_count{table=\"bronze_transactions\"}" {print $2}' "$tmpdir/metrics")
[ "$count" -ge "$batches" ] && [ "$count" -ge 1 ] || fail "bronze commit histogram count $count, live batches $batches"
pass "promtool check metrics passes with the live lag per partition and commit histograms"

printf '%s\n' '{"TransactionNo":"L1","Date":"1/2/2020","ProductNo":"p","ProductName":"n","Price":5,"Quantity":1,"CustomerNo":1,"Country":"PT"}' \
  '{"TransactionNo":"L2","Date":"1/2/2020","ProductNo":"p","ProductName":"n","Price":6,"Quantity":1,"CustomerNo":2,"Country":"PT"}' \
  >"$tmpdir/more.jsonl"
"$SILT" produce -b "$boot" -t transactions --jsonl "$tmpdir/more.jsonl" 2>/dev/null || fail "produce more failed"
wait_tables ".live.tables.bronze_transactions.rows_in == $((sent + 2)) and
  .live.tables.silver_transactions.rows_out > $((sent - 100)) and .live.lag == 0"
pass "live figures rise with new messages"

kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
assert_eq "$rc" 0 "pipeline run's exit code on SIGTERM"
pass "SIGTERM stops the pipeline and its server cleanly"
