#!/usr/bin/env bash
# Ingestion resumes by itself through broker trouble: while messages stream in, the partitions'
# leader goes down and comes back, and Fetch, OffsetCommit and Heartbeat requests fail (errors
# injected with librdkafka's mock-cluster API through kafka-dev's control FIFO). The running
# `silt ingest` (never restarted) ends with every message exactly once in the bronze table.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/kafka.sh"
source "$(dirname "$0")/../lib/delta.sh"
ctl="$tmpdir/ctl"
N=60000

kafka_dev --brokers 3 --topic f:3 --control "$ctl"
T="$tmpdir/lake/bronze_f"
rows() { "$SILT_BUILD/tool_bronze_dump" "$T" 2>/dev/null | wc -l; }

"$SILT" produce -b "$boot" -t f --generate $((N / 2)) --seed 5 --compression zstd 2>"$tmpdir/p1.log" ||
  fail "produce 1: $(cat "$tmpdir/p1.log")"
"$SILT" ingest -b "$boot" -t f --table "$T" --trigger 200ms --progress 0 \
  kafka.session.timeout.ms=6000 kafka.heartbeat.interval.ms=500 2>"$tmpdir/ingest.log" &
ing=$!
_silt_pids+=("$ing")
for _ in $(seq 300); do [ "$(rows)" -gt 0 ] && break; sleep 0.1; done
[ "$(rows)" -gt 0 ] || fail "ingest did not start: $(tail -5 "$tmpdir/ingest.log")"

for p in 0 1 2; do control leader f $p 1; wait_reply "ok leader f $p 1"; done
control errors Fetch NOT_LEADER_FOR_PARTITION REQUEST_TIMED_OUT NOT_LEADER_FOR_PARTITION
wait_reply "ok errors Fetch"
control errors OffsetCommit REQUEST_TIMED_OUT COORDINATOR_NOT_AVAILABLE
wait_reply "ok errors OffsetCommit"
control errors Heartbeat COORDINATOR_LOAD_IN_PROGRESS
wait_reply "ok errors Heartbeat"
control broker-down 1
wait_reply "ok broker-down 1"
"$SILT" produce -b "$boot" -t f --generate $((N / 2)) --seed 6 --compression zstd --rate 10000 2>"$tmpdir/p2.log" &
prod=$!
sleep 2
control broker-up 1
wait_reply "ok broker-up 1"
wait "$prod" || fail "produce during the outage failed: $(tail -3 "$tmpdir/p2.log")"

for _ in $(seq 300); do [ "$(rows)" -ge $N ] && break; sleep 0.2; done
kill -TERM "$ing"
wait "$ing" || fail "ingest exited non-zero: $(tail -5 "$tmpdir/ingest.log")"
"$SILT_BUILD/tool_bronze_dump" "$T" | awk '{print $2, $3}' | sort >"$tmpdir/got.txt"
kcat -C -e -q -b "$boot" -t f -f '%p %o\n' | sort >"$tmpdir/all.txt"
assert_eq "$(wc -l <"$tmpdir/all.txt")" $N "messages in the topic"
assert_eq "$(uniq -d "$tmpdir/got.txt" | wc -l)" 0 "offsets in bronze twice"
diff "$tmpdir/all.txt" "$tmpdir/got.txt" >/dev/null || fail "bronze misses messages"
files=$(delta_parquet_list "$T")
assert_eq "$(oracle --sql "SELECT count(DISTINCT (\"partition\", \"offset\")) FROM read_parquet($files)")" \
  $N "distinct offsets according to DuckDB"
pass "broker down/up and injected Fetch/OffsetCommit/Heartbeat errors: $N messages, each once"
