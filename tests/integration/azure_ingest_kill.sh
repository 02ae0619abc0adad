#!/usr/bin/env bash
# Exactly once into Azure: 200,000 keyed zstd messages over 6 partitions are ingested into a
# bronze table on Azurite by three `silt ingest` workers in one group, through the fault proxy
# (500, 503, connection resets, delayed answers, answers dropped after the request was applied),
# while workers are killed with SIGKILL and restarted at least 10 times. The table must end with
# exactly one row per (partition, offset), counted by DuckDB over a download of its live files
# and by silt's own reader.
source "$SILT_ROOT/tests/lib/common.sh"
source "$SILT_ROOT/tests/lib/kafka.sh"
source "$SILT_ROOT/tests/lib/delta.sh"
source "$SILT_ROOT/tests/lib/azure.sh"
SILT_BUILD=${SILT_BUILD:-$SILT_ROOT/build}

N=${AZURE_KILL_MESSAGES:-200000}
KILLS=${AZURE_KILL_KILLS:-10}
RANDOM=${AZURE_KILL_SEED:-13}

azurite --memory
fault_proxy --seed 11
az_container lake
kafka_dev --brokers 1 --topic ev:6
T=az://lake/bronze_ev
proxied=(env "AZURE_STORAGE_ENDPOINT=http://127.0.0.1:$proxy_port/devstoreaccount1"
         SILT_AZURE_BACKOFF_MS=20)

"$SILT" produce -b "$boot" -t ev --generate "$N" --rate 10000 --key TransactionNo \
  --compression zstd kafka.linger.ms=200 kafka.batch.num.messages=100000 \
  kafka.batch.size=4000000 2>"$tmpdir/produce.log" &
producer=$!
_silt_pids+=("$producer")

# random faults, plus the answers of the first three commits (put-if-absent of
# _delta_log/<version>.json) dropped after Azurite applied them
faults '{"p500":0.02,"p503":0.01,"preset":0.02,"pdelay":0.03,"pdrop":0.03,
  "rules":[{"method":"PUT","re":"_delta_log/[0-9]{20}\\.json$","action":"drop","count":3}]}' >/dev/null
worker() { # worker INDEX: starts ingest process INDEX in the background
  "${proxied[@]}" "$SILT" ingest -b "$boot" -t ev --table "$T" --group kill-test --trigger 250ms \
    --progress 0 kafka.session.timeout.ms=2000 kafka.heartbeat.interval.ms=300 \
    2>>"$tmpdir/worker$1.log" &
  pids[$1]=$!
  _silt_pids+=("${pids[$1]}")
}
declare -a pids
for i in 0 1 2; do worker $i; done
kills=0
while [ $kills -lt "$KILLS" ] || kill -0 "$producer" 2>/dev/null; do
  sleep "$((RANDOM % 2 + 1)).$((RANDOM % 9 + 1))"
  i=$((RANDOM % 3))
  kill -9 "${pids[$i]}" 2>/dev/null && kills=$((kills + 1))
  wait "${pids[$i]}" 2>/dev/null || true
  worker $i
done
wait "$producer" || fail "producer failed: $(tail -3 "$tmpdir/produce.log")"
pass "$kills workers killed with SIGKILL and restarted while $N messages were produced"
sleep 3
during=$("$SILT" table describe "$T" | awk '/^version:/ {print $2}')
echo "during the kills: table version $during"
[ "${during:--1}" -ge 3 ] || fail "the workers committed (almost) nothing while being killed"
for i in 0 1 2; do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
for i in 0 1 2; do wait "${pids[$i]}" 2>/dev/null || true; done
"${proxied[@]}" "$SILT" ingest -b "$boot" -t ev --table "$T" --group kill-test-final \
  --until-caught-up --progress 0 kafka.session.timeout.ms=6000 2>"$tmpdir/final.log" ||
  fail "final ingest failed: $(tail -5 "$tmpdir/final.log")"
stats=$(faults '{}')
echo "proxy: $stats"
n_drop=$(node -e 'console.log(JSON.parse(process.argv[1]).drop)' "$stats")
n_rules=$(node -e 'console.log(JSON.parse(process.argv[1]).rules)' "$stats")
assert_eq "$n_rules" 3 "commit answers dropped by rule"

az_download "$T" "$tmpdir/bronze"
files=$(delta_parquet_list "$tmpdir/bronze")
read -r total distinct parts <<<"$(oracle --sql "
  SELECT count(*), count(DISTINCT (\"partition\", \"offset\")), count(DISTINCT \"partition\")
  FROM read_parquet($files)" | tr '\t' ' ')"
assert_eq "$total" "$N" "bronze rows (DuckDB)"
assert_eq "$distinct" "$N" "distinct (partition, offset) (DuckDB)"
assert_eq "$parts" 6 "partitions"
gaps=$(oracle --sql "
  SELECT count(*) FROM (SELECT \"partition\", max(\"offset\") - min(\"offset\") + 1 - count(*) AS g
                        FROM read_parquet($files) GROUP BY 1) WHERE g <> 0 OR g IS NULL")
assert_eq "$gaps" 0 "partitions with missing offsets"
got=$("$SILT" table scan --format jsonl --columns partition,offset "$T" | sort -u | wc -l)
assert_eq "$got" "$N" "distinct (partition, offset) read by silt from Azure"
commits=$(ls "$tmpdir/bronze/_delta_log" | grep -c '\.json$')
pass "$N messages, exactly one bronze row each, in $commits commits on Azure through $n_drop dropped answers"
