#!/usr/bin/env bash
# Exactly once under fire: 1,000,000 generated messages over 6 partitions, streamed while three
# `silt ingest` processes share them in one consumer group and one of them is killed with SIGKILL
# and restarted at random moments, 20 times or more. The bronze table must end with exactly one
# row per (topic, partition, offset): none missing, none twice. Counted by DuckDB over the
# table's Parquet files (live files from a replay of the JSON log) and by silt's own reader.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/kafka.sh"
source "$(dirname "$0")/../lib/delta.sh"

N=${INGEST_KILL_MESSAGES:-1000000}
KILLS=${INGEST_KILL_KILLS:-20}
RANDOM=${INGEST_KILL_SEED:-42}

kafka_dev --brokers 1 --topic ev:6
T="$tmpdir/lake/bronze_ev"

# the stream: zstd batches, at a pace that lasts through the kills. The mock cluster keeps
# ~5 MiB per partition and drops the oldest batches beyond that, so the 1M messages must spread
# evenly (keyed: without keys librdkafka's sticky partitioner, starved of CPU, can pour a burst
# into one partition) in big batches that compress well (200 ms linger): ~3.6 MB per partition.
"$SILT" produce -b "$boot" -t ev --generate "$N" --rate 60000 --key TransactionNo \
  --compression zstd kafka.linger.ms=200 kafka.batch.num.messages=100000 \
  kafka.batch.size=4000000 2>"$tmpdir/produce.log" &
producer=$!
_silt_pids+=("$producer")

worker() { # worker INDEX: starts ingest process INDEX in the background
  "$SILT" ingest -b "$boot" -t ev --table "$T" --group kill-test --trigger 250ms --progress 0 \
    kafka.session.timeout.ms=2000 kafka.heartbeat.interval.ms=300 \
    2>>"$tmpdir/worker$1.log" &
  pids[$1]=$!
  _silt_pids+=("${pids[$1]}")
}
declare -a pids
for i in 0 1 2; do worker $i; done

kills=0
while [ $kills -lt "$KILLS" ]; do
  sleep "$((RANDOM % 2)).$((RANDOM % 9 + 1))"
  i=$((RANDOM % 3))
  kill -9 "${pids[$i]}" 2>/dev/null && kills=$((kills + 1))
  wait "${pids[$i]}" 2>/dev/null || true
  worker $i
done
wait "$producer" || fail "producer failed: $(tail -3 "$tmpdir/produce.log")"
for p in 0 1 2 3 4 5; do # every message must still be in the topic for the count to mean anything
  first=$(kcat -C -b "$boot" -t ev -p $p -o beginning -c 1 -e -q -f '%o')
  [ "$first" = 0 ] || fail "the mock cluster dropped the oldest messages of partition $p (its log \
now starts at $first; it keeps ~5 MiB per partition): the test's premise is broken"
done
pass "$kills workers killed with SIGKILL and restarted while $N messages were produced"

# let the survivors drain, then stop them cleanly and mop up with one caught-up run
sleep 3
for i in 0 1 2; do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
for i in 0 1 2; do wait "${pids[$i]}" 2>/dev/null || true; done
during=$("$SILT_BUILD/tool_bronze_dump" "$T" | wc -l)
commits=$(ls "$T/_delta_log/" | grep -c '\.json$')
echo "during the kills: $during rows in $commits commits"
[ "$during" -gt 0 ] || fail "the workers committed nothing while being killed"
# (a fresh group: its one member owns every partition at once, where the old group may still
# count killed members for a session timeout; positions come from the table either way)
"$SILT" ingest -b "$boot" -t ev --table "$T" --group kill-test-final --until-caught-up \
  --progress 0 kafka.session.timeout.ms=6000 2>"$tmpdir/final.log" ||
  fail "final ingest failed: $(tail -5 "$tmpdir/final.log")"

files=$(delta_parquet_list "$T")
# per partition: rows, first and last offset, and the first missing ranges, for failure messages
detail=$(oracle --sql "
  WITH o AS (SELECT DISTINCT \"partition\" AS p, \"offset\" AS o FROM read_parquet($files)),
       g AS (SELECT p, o, lead(o) OVER (PARTITION BY p ORDER BY o) AS nx FROM o)
  SELECT p, (SELECT count(*) FROM o WHERE o.p = g.p), min(o), max(o),
         string_agg(CASE WHEN nx > o + 1 THEN (o + 1) || '..' || (nx - 1) END, ' ')
  FROM g GROUP BY p ORDER BY p" | tr '\t' ' ' | sed 's/^/  partition /')
read -r total distinct parts <<<"$(oracle --sql "
  SELECT count(*), count(DISTINCT (\"partition\", \"offset\")), count(DISTINCT \"partition\")
  FROM read_parquet($files)" | tr '\t' ' ')"
[ "$total" = "$N" ] || fail "bronze rows (DuckDB): expected $N, got $total; partition, rows, first, last, gaps:
$detail
final ingest: $(grep -v '^%' "$tmpdir/final.log" | tail -5)"
assert_eq "$distinct" "$N" "distinct (partition, offset) (DuckDB)"
assert_eq "$parts" 6 "partitions"
gaps=$(oracle --sql "
  SELECT count(*) FROM (SELECT \"partition\", max(\"offset\") - min(\"offset\") + 1 - count(*) AS g
                        FROM read_parquet($files) GROUP BY 1) WHERE g <> 0 OR g IS NULL")
assert_eq "$gaps" 0 "partitions with missing offsets"
"$SILT_BUILD/tool_bronze_dump" "$T" | awk '{print $2, $3}' | sort -u | wc -l >"$tmpdir/silt_count"
assert_eq "$(cat "$tmpdir/silt_count")" "$N" "distinct offsets read by silt"
conflicts=$(cat "$tmpdir"/worker*.log | grep -c "another worker" || true)
pass "$N messages, exactly one bronze row each ($conflicts stale commits refused)"
