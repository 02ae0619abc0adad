#!/usr/bin/env bash
# Exactly once through every layer across crashes: while a generated stream is produced, `silt
# pipeline run examples/ecommerce.sql` is killed with SIGKILL at random moments
# (PIPELINE_KILLS, default 20) and restarted; at the end every table equals what one
# uninterrupted run over the same topic gives (rows as multisets; money to 1e-6 relative;
# ingested_at aside, which is the time of ingestion), bronze holds each message once, and the
# event log counts each silver batch once. PIPELINE_KILL_MESSAGES sets the stream's size
# (default 1000000, as issue 11 asks).
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/kafka.sh"
source "$(dirname "$0")/../lib/pipeline.sh"

N=${PIPELINE_KILL_MESSAGES:-1000000}
KILLS=${PIPELINE_KILLS:-20}
# the stream lasts about as long as the kills (a restart rejoins the group in about 6 s)
RATE=$((N / (KILLS * 6) > 200 ? N / (KILLS * 6) : 200))
# the development cluster keeps about 5 MiB per partition: enough partitions for the stream
kafka_dev --brokers 1 --topic "gen:$((N / 40000 > 6 ? N / 40000 : 6))"
P=("$SILT_ROOT/examples/ecommerce.sql" --var "KAFKA=$boot" --var TOPIC=gen --trigger 250ms
  --max-versions 1 --progress 0)

"$SILT" produce -b "$boot" -t gen --generate "$N" --seed 11 --rate "$RATE" --compression zstd \
  2>"$tmpdir/produce.log" &
producer=$!
_silt_pids+=("$producer")

# ---- killed at random moments while it works: 0-0.9 s after its first bronze commit (the
# downstream tables then have new upstream versions to process)
bronze_commits() { { find "$tmpdir/lake/bronze_transactions/_delta_log" -name '*.json' 2>/dev/null || true; } | wc -l; }
RANDOM=$$
pipeline_kill_loop "$KILLS" "$SILT" pipeline run "${P[@]}" --lake "$tmpdir/lake"
[ "$hits" -ge $((KILLS / 2)) ] || fail "only $hits of $KILLS kills came while the pipeline wrote"
wait "$producer" || fail "produce failed: $(tail -3 "$tmpdir/produce.log")"
"$SILT" pipeline run "${P[@]}" --lake "$tmpdir/lake" --until-caught-up 2>"$tmpdir/final.log" ||
  fail "final run failed: $(tail -5 "$tmpdir/final.log")"

# ---- one uninterrupted run over the same topic
"$SILT" pipeline run "${P[@]}" --lake "$tmpdir/ref" --until-caught-up 2>"$tmpdir/ref.log" ||
  fail "reference run failed: $(tail -5 "$tmpdir/ref.log")"

ecommerce_same "$N" "$tmpdir/lake" "$tmpdir/ref"
bronze=$("$SILT" sql --format canonical "SELECT count(*) FROM delta.\`$tmpdir/lake/bronze_transactions\`")
silver=$("$SILT" sql --format canonical "SELECT count(*) FROM delta.\`$tmpdir/lake/silver_transactions\`")
pass "$N messages, $KILLS SIGKILLs: bronze $bronze, silver $silver, every table equals the uninterrupted run"
