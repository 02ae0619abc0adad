#!/usr/bin/env bash
# VACUUM never deletes a file that a writer is about to commit. While `silt ingest` streams
# 1,000,000 messages into a bronze table (writing each data file a moment before the commit that
# references it), VACUUM runs in a loop at the shortest retention the table allows (its
# delta.deletedFileRetentionDuration) and forced to 0s. A retention of 0s without --force must
# be refused, naming the property. Afterwards every message is in the table exactly once, counted
# by DuckDB over the live files of an independent replay of the JSON log.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/kafka.sh"
source "$(dirname "$0")/../lib/delta.sh"

N=${VACUUM_INGEST_MESSAGES:-1000000}

kafka_dev --brokers 1 --topic ev:6
T="$tmpdir/lake/bronze_ev"

# zstd batches, keyed so the 1M messages spread evenly over the partitions (the mock cluster
# keeps ~5 MiB per partition; see ingest_kill.sh)
"$SILT" produce -b "$boot" -t ev --generate "$N" --rate 100000 --key TransactionNo \
  --compression zstd kafka.linger.ms=200 kafka.batch.num.messages=100000 \
  kafka.batch.size=4000000 2>"$tmpdir/produce.log" &
producer=$!
_silt_pids+=("$producer")
# small, frequent commits: many files written just before their commit, for VACUUM to see
"$SILT" ingest -b "$boot" -t ev --table "$T" --group vacuum-test --trigger 100ms --progress 0 \
  2>"$tmpdir/ingest.log" &
ingest=$!
_silt_pids+=("$ingest")

for _ in $(seq 300); do [ -d "$T/_delta_log" ] && break; sleep 0.1; done
[ -d "$T/_delta_log" ] || fail "ingest created no table in 30 s: $(tail -3 "$tmpdir/ingest.log")"
out=$("$SILT" table vacuum --retention 0s "$T" 2>&1) && fail "vacuum --retention 0s ran unforced"
case $out in *"delta.deletedFileRetentionDuration ('interval 7 days' = 7d)"*--force*) ;;
  *) fail "unclear refusal of --retention 0s: $out" ;; esac

rounds=0
while kill -0 "$producer" 2>/dev/null; do
  "$SILT" table vacuum "$T" >/dev/null 2>"$tmpdir/vac.err" ||
    fail "vacuum at the table's retention failed: $(cat "$tmpdir/vac.err")"
  "$SILT" table vacuum --retention 0s --force "$T" >"$tmpdir/vac.out" 2>"$tmpdir/vac.err" ||
    fail "forced vacuum failed: $(cat "$tmpdir/vac.err")"
  [ -s "$tmpdir/vac.out" ] && fail "forced vacuum deleted files younger than an hour: $(head -3 "$tmpdir/vac.out")"
  rounds=$((rounds + 1))
done
wait "$producer" || fail "producer failed: $(tail -3 "$tmpdir/produce.log")"
[ "$rounds" -ge 5 ] || fail "only $rounds vacuum rounds ran during the ingest"
kept=$(sed -n 's/.*kept \([0-9]*\) unreferenced.*/\1/p' "$tmpdir/vac.err")
for p in 0 1 2 3 4 5; do
  first=$(kcat -C -b "$boot" -t ev -p $p -o beginning -c 1 -e -q -f '%o')
  [ "$first" = 0 ] || fail "the mock cluster dropped the oldest messages of partition $p (its log \
now starts at $first): the test's premise is broken"
done
kill -TERM "$ingest"
wait "$ingest" || fail "ingest failed: $(tail -3 "$tmpdir/ingest.log")"
"$SILT" ingest -b "$boot" -t ev --table "$T" --group vacuum-final --until-caught-up \
  --progress 0 2>"$tmpdir/final.log" || fail "final ingest failed: $(tail -5 "$tmpdir/final.log")"

missing=$(delta_live_files "$T" | while read -r f; do [ -e "$f" ] || echo "$f"; done | wc -l)
assert_eq "$missing" 0 "committed data files that VACUUM deleted"
files=$(delta_parquet_list "$T")
read -r total distinct <<<"$(oracle --sql "
  SELECT count(*), count(DISTINCT (\"partition\", \"offset\")) FROM read_parquet($files)" |
  tr '\t' ' ')"
assert_eq "$total" "$N" "bronze rows (DuckDB) after $rounds vacuum rounds"
assert_eq "$distinct" "$N" "distinct (partition, offset) (DuckDB)"
pass "$N messages ingested while VACUUM ran $rounds rounds (7d and forced 0s, the last kept $kept unreferenced files): every message once"
