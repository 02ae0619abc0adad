#!/usr/bin/env bash
# Exactly once through every layer across crashes: while a generated stream is produced, `silt
# pipeline run examples/ecommerce.sql` is killed with SIGKILL at random moments
# (PIPELINE_KILLS, default 20) and restarted; at the end every table equals what one
# uninterrupted run over the same topic gives (rows as multisets; money to 1e-6 relative;
# ingested_at aside, which is the time of ingestion), bronze holds each message once, and the
# event log counts each silver batch once. PIPELINE_KILL_MESSAGES sets the stream's size
# (default 100000).
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/kafka.sh"

N=${PIPELINE_KILL_MESSAGES:-100000}
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
commits() { { find "$tmpdir/lake/bronze_transactions/_delta_log" -name '*.json' 2>/dev/null || true; } | wc -l; }
RANDOM=$$
hits=0
for k in $(seq "$KILLS"); do
  before=$(commits)
  "$SILT" pipeline run "${P[@]}" --lake "$tmpdir/lake" 2>>"$tmpdir/killed.log" &
  pid=$!
  for _ in $(seq 300); do [ "$(commits)" -gt "$before" ] && break; sleep 0.05; done
  [ "$(commits)" -gt "$before" ] && hits=$((hits + 1))
  sleep "0.$((RANDOM % 10))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
echo "kills while writing: $hits of $KILLS"
[ "$hits" -ge $((KILLS / 2)) ] || fail "only $hits of $KILLS kills came while the pipeline wrote"
wait "$producer" || fail "produce failed: $(tail -3 "$tmpdir/produce.log")"
"$SILT" pipeline run "${P[@]}" --lake "$tmpdir/lake" --until-caught-up 2>"$tmpdir/final.log" ||
  fail "final run failed: $(tail -5 "$tmpdir/final.log")"

# ---- one uninterrupted run over the same topic
"$SILT" pipeline run "${P[@]}" --lake "$tmpdir/ref" --until-caught-up 2>"$tmpdir/ref.log" ||
  fail "reference run failed: $(tail -5 "$tmpdir/ref.log")"

s() { "$SILT" sql --format canonical "$1" || fail "silt sql failed: $1"; }
same() { # what, file a, file b
  sort "$2" >"$2.s"
  sort "$3" >"$3.s"
  awk -F'\t' -v what="$1" 'NR == FNR { a[FNR] = $0; n = FNR; next }
    { if (!(FNR in a)) { print what ": extra row " $0; bad = 1; exit }
      split(a[FNR], x, "\t"); m = split($0, y, "\t")
      for (i = 1; i <= m; i++) if (x[i] != y[i]) {
        if (x[i] ~ /^-?[0-9.eE+-]+$/ && y[i] ~ /^-?[0-9.eE+-]+$/) {
          d = x[i] - y[i]; if (d < 0) d = -d; s = y[i] < 0 ? -y[i] : y[i]
          if (d <= 1e-6 * s || d < 1e-9) continue }
        print what ": row " FNR "\n  killed " a[FNR] "\n  ref    " $0; bad = 1; exit } }
    END { if (!bad && FNR != n) { print what ": " n " rows, the uninterrupted run has " FNR; bad = 1 }
          exit bad }' "$2.s" "$3.s" || fail "$1 differs from the uninterrupted run"
}
cmp_table() { # table, columns
  s "SELECT $2 FROM delta.\`$tmpdir/lake/$1\`" >"$tmpdir/$1.killed"
  s "SELECT $2 FROM delta.\`$tmpdir/ref/$1\`" >"$tmpdir/$1.ref"
  [ -s "$tmpdir/$1.ref" ] || fail "$1 is empty"
  same "$1" "$tmpdir/$1.killed" "$tmpdir/$1.ref"
}

bronze=$(s "SELECT count(*) FROM delta.\`$tmpdir/lake/bronze_transactions\`")
assert_eq "$bronze" "$N" "bronze rows"
assert_eq "$(s "SELECT count(DISTINCT partition, offset) FROM delta.\`$tmpdir/lake/bronze_transactions\`")" \
  "$N" "distinct bronze offsets"
cmp_table silver_transactions "TransactionNo, date, ProductNo, ProductName, Price, Quantity, CustomerNo, Country, cancelled"
cmp_table silver_transactions_quarantine "key, value, topic, partition, offset, _expectations, _reason"
cmp_table gold_revenue_by_country "*"
cmp_table gold_revenue_by_day "*"
cmp_table gold_top_products "*"
cmp_table gold_customer_features "*"
# the windows appended once the watermark passed them depend on ingestion times: each once, and
# each equal to silver's rows of that minute
for L in lake ref; do
  g="delta.\`$tmpdir/$L/gold_revenue_per_minute\`"
  assert_eq "$(s "SELECT count(*) - count(DISTINCT minute) FROM $g")" 0 "windows appended twice ($L)"
  assert_eq "$(s "SELECT count(*) FROM $g g LEFT JOIN (SELECT window(ingested_at, '1 minute').start
      AS minute, count(*) AS lines FROM delta.\`$tmpdir/$L/silver_transactions\` WHERE NOT cancelled
      GROUP BY 1) x ON g.minute = x.minute WHERE x.lines IS NULL OR x.lines <> g.lines")" 0 \
    "windows that differ from silver's rows of their minute ($L)"
done
[ "$(s "SELECT count(*) FROM delta.\`$tmpdir/lake/gold_revenue_per_minute\`")" -gt 0 ] ||
  fail "no window of the killed run was closed by the watermark"
ev() { s "SELECT sum(rows_read) FROM delta.\`$tmpdir/$1/_event_log\` WHERE table_name = 'silver_transactions' AND error IS NULL"; }
assert_eq "$(ev lake)" "$N" "silver's rows read by the event log, killed run"
assert_eq "$(ev ref)" "$N" "silver's rows read by the event log, uninterrupted run"
silver=$(s "SELECT count(*) FROM delta.\`$tmpdir/lake/silver_transactions\`")
pass "$N messages, $KILLS SIGKILLs: bronze $bronze, silver $silver, every table equals the uninterrupted run"
