#!/usr/bin/env bash
# Exactly once through every layer on Azure: `silt pipeline run examples/ecommerce.sql` with its
# lake (every table, the quarantine and _event_log) on Azurite, through the fault proxy (500,
# 503, connection resets, delayed answers, answers dropped after the request was applied, plus
# the answers of three silver-side commits dropped on purpose), SIGKILLed at random moments at
# least 10 times (and until the stream ends) while 200,000 generated zstd messages are produced
# over 100 s, then run to the end. Every table must equal what one uninterrupted run without
# faults on local disk gives (the per-minute windows, which depend on ingestion times: each once
# and equal to silver's rows of its minute), bronze must hold each message once, and bronze =
# silver + dropped + quarantined. The lake is named in three location forms (abfss:// while
# killed, az:// for the last run, path-style http:// to read it back). AZURE_PIPELINE_MESSAGES,
# AZURE_PIPELINE_KILLS, AZURE_PIPELINE_SEED for runs by hand.
source "$SILT_ROOT/tests/lib/common.sh"
source "$SILT_ROOT/tests/lib/kafka.sh"
source "$SILT_ROOT/tests/lib/delta.sh"
source "$SILT_ROOT/tests/lib/azure.sh"
source "$SILT_ROOT/tests/lib/pipeline.sh"
SILT_BUILD=${SILT_BUILD:-$SILT_ROOT/build}

N=${AZURE_PIPELINE_MESSAGES:-200000}
KILLS=${AZURE_PIPELINE_KILLS:-10}
RANDOM=${AZURE_PIPELINE_SEED:-$$}
# the stream lasts 100 s: longer than 10 restarts (each opens every table and rejoins the group
# in about 6 s; the kills go on until it ends), and long enough for the watermark (30 s behind
# the ingestion times) to close at least one minute of gold_revenue_per_minute
RATE=$((N / 100 > 200 ? N / 100 : 200))

azurite --memory
fault_proxy --seed "$RANDOM"
az_container lake
kafka_dev --brokers 1 --topic gen:6
proxied=(env "AZURE_STORAGE_ENDPOINT=http://127.0.0.1:$proxy_port/devstoreaccount1"
         SILT_AZURE_BACKOFF_MS=20)
P=("$SILT_ROOT/examples/ecommerce.sql" --var "KAFKA=$boot" --var TOPIC=gen --trigger 250ms
   --max-versions 5 --progress 0)
# the same lake in three forms; the last one reaches Azurite directly, without faults
KILLED_LAKE=abfss://lake@devstoreaccount1.dfs.core.windows.net/lake
FINAL_LAKE=az://lake/lake
DIRECT_LAKE=http://127.0.0.1:$az_port/devstoreaccount1/lake/lake

"$SILT" produce -b "$boot" -t gen --generate "$N" --seed 11 --rate "$RATE" --compression zstd \
  2>"$tmpdir/produce.log" &
producer=$!
_silt_pids+=("$producer")

# random faults on every request, plus the answers of the first commits of the quarantine, the
# event log and silver dropped after Azurite applied them (the retry finds its own commit there)
faults '{"p500":0.02,"p503":0.01,"preset":0.02,"pdelay":0.03,"pdrop":0.03,"rules":[
  {"method":"PUT","re":"silver_transactions_quarantine/_delta_log/[0-9]{20}\\.json$","action":"drop","count":1},
  {"method":"PUT","re":"_event_log/_delta_log/[0-9]{20}\\.json$","action":"drop","count":1},
  {"method":"PUT","re":"silver_transactions/_delta_log/[0-9]{20}\\.json$","action":"drop","count":1}]}' \
  >/dev/null

bronze_commits() { # 0 before the table exists
  { "$SILT" table describe "$DIRECT_LAKE/bronze_transactions" 2>/dev/null || true; } |
    awk '/^version:/ { v = $2 + 1 } END { print v + 0 }'
}
pipeline_kill_loop "$KILLS" --while "$producer" \
  "${proxied[@]}" "$SILT" pipeline run "${P[@]}" --lake "$KILLED_LAKE"
[ "$hits" -ge $((KILLS / 2)) ] || fail "only $hits of $kills_done kills came while the pipeline wrote"
wait "$producer" || fail "produce failed: $(tail -3 "$tmpdir/produce.log")"
pass "$kills_done SIGKILLs of the pipeline on Azure while $N messages were produced"

"${proxied[@]}" "$SILT" pipeline run "${P[@]}" --lake "$FINAL_LAKE" --until-caught-up \
  2>"$tmpdir/final.log" || fail "final run failed: $(tail -5 "$tmpdir/final.log")"
stats=$(faults '{}')
echo "proxy: $stats"
n_rules=$(node -e 'console.log(JSON.parse(process.argv[1]).rules)' "$stats")
assert_eq "$n_rules" 3 "commit answers dropped by rule"

# ---- one uninterrupted run over the same topic, on local disk, without faults
"$SILT" pipeline run "${P[@]}" --lake "$tmpdir/ref" --until-caught-up 2>"$tmpdir/ref.log" ||
  fail "reference run failed: $(tail -5 "$tmpdir/ref.log")"

"$SILT" pipeline status "$SILT_ROOT/examples/ecommerce.sql" --var "KAFKA=$boot" --var TOPIC=gen \
  --lake "$FINAL_LAKE" >"$tmpdir/status.txt" || fail "pipeline status failed on Azure"
grep -q "silver_transactions (az://lake/lake/silver_transactions)" "$tmpdir/status.txt" ||
  fail "status does not name silver's location: $(head -20 "$tmpdir/status.txt")"
grep -q "bronze_transactions: version .* (lag 0 versions)" "$tmpdir/status.txt" ||
  fail "status shows silver behind bronze: $(head -20 "$tmpdir/status.txt")"

ecommerce_same "$N" "$DIRECT_LAKE" "$tmpdir/ref"
# the same rows from DuckDB over a download of silver's live files
az_download "$FINAL_LAKE/silver_transactions" "$tmpdir/silver"
got=$(oracle --sql "SELECT count(*) FROM read_parquet($(delta_parquet_list "$tmpdir/silver"))")
assert_eq "$got" "$(wc -l <"$tmpdir/silver_transactions.ref")" "silver rows (DuckDB over the download)"
commits=$(bronze_commits)
pass "$N messages, $kills_done SIGKILLs through faults: every table on Azure equals the uninterrupted run ($commits bronze commits)"
