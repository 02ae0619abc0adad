# Pipeline helpers for the kill tests (source after common.sh). Provides:
#   pipeline_kill_loop KILLS [--while PID] CMD...  runs CMD (a `silt pipeline run ...`) KILLS
#                     times (and, with --while, as long as process PID lives), each time
#                     SIGKILLed 0-0.9 s after bronze's next commit (20 s at most; the caller
#                     defines bronze_commits, printing how many commits bronze has); its stderr
#                     goes to $tmpdir/killed.log; sets $kills_done, and $hits to the kills that
#                     came after such a commit
#   rows_same WHAT A B   fails unless files A (got) and B (want: the reference run) hold the
#                     same tab-separated rows as multisets (numbers equal to 1e-6 relative)
#   ecommerce_same N LAKE REF   every table of examples/ecommerce.sql under LAKE equals the one
#                     under REF (any location silt reads: a folder, az://...), bronze holds each
#                     of the N messages once, each window of gold_revenue_per_minute is there once
#                     and equals silver's rows of its minute (windows depend on ingestion
#                     times), each event log counts every silver row once, and
#                     bronze = silver + dropped + quarantined
pipeline_kill_loop() {
  local kills=$1 k=0 before pid end alive=""
  shift
  if [ "$1" = --while ]; then alive=$2; shift 2; fi
  hits=0
  while [ "$k" -lt "$kills" ] || { [ -n "$alive" ] && kill -0 "$alive" 2>/dev/null; }; do
    k=$((k + 1))
    before=$(bronze_commits)
    "$@" 2>>"$tmpdir/killed.log" &
    pid=$!
    end=$((SECONDS + 20))
    while [ "$SECONDS" -lt "$end" ] && [ "$(bronze_commits)" -le "$before" ]; do sleep 0.05; done
    [ "$(bronze_commits)" -gt "$before" ] && hits=$((hits + 1))
    sleep "0.$((RANDOM % 10))"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  kills_done=$k
  echo "kills while writing: $hits of $k"
}

rows_same() {
  sort "$2" >"$2.s"
  sort "$3" >"$3.s"
  awk -F'\t' -v what="$1" 'NR == FNR { a[FNR] = $0; n = FNR; next }
    { if (!(FNR in a)) { print what ": extra row " $0; bad = 1; exit }
      split(a[FNR], x, "\t"); m = split($0, y, "\t")
      for (i = 1; i <= m; i++) if (x[i] != y[i]) {
        if (x[i] ~ /^-?[0-9.eE+-]+$/ && y[i] ~ /^-?[0-9.eE+-]+$/) {
          d = x[i] - y[i]; if (d < 0) d = -d; s = y[i] < 0 ? -y[i] : y[i]
          if (d <= 1e-6 * s || d < 1e-9) continue }
        print what ": row " FNR "\n  got  " a[FNR] "\n  want " $0; bad = 1; exit } }
    END { if (!bad && FNR != n) { print what ": " n " rows, the reference has " FNR; bad = 1 }
          exit bad }' "$2.s" "$3.s" || fail "$1 differs from the reference"
}

_pl_sql() { "$SILT" sql --format canonical "$1" || fail "silt sql failed: $1"; }

_pl_cmp_table() { # lake, ref, table, columns
  _pl_sql "SELECT $4 FROM delta.\`$1/$3\`" >"$tmpdir/$3.killed"
  _pl_sql "SELECT $4 FROM delta.\`$2/$3\`" >"$tmpdir/$3.ref"
  [ -s "$tmpdir/$3.ref" ] || fail "$3 is empty"
  rows_same "$3" "$tmpdir/$3.killed" "$tmpdir/$3.ref"
}

ecommerce_same() {
  local n=$1 lake=$2 ref=$3 l g
  assert_eq "$(_pl_sql "SELECT count(*) FROM delta.\`$lake/bronze_transactions\`")" "$n" "bronze rows"
  assert_eq "$(_pl_sql "SELECT count(DISTINCT partition, offset) FROM delta.\`$lake/bronze_transactions\`")" \
    "$n" "distinct bronze offsets"
  _pl_cmp_table "$lake" "$ref" silver_transactions "TransactionNo, date, ProductNo, ProductName, Price, Quantity, CustomerNo, Country, cancelled"
  _pl_cmp_table "$lake" "$ref" silver_transactions_quarantine "key, value, topic, partition, offset, _expectations, _reason"
  _pl_cmp_table "$lake" "$ref" gold_revenue_by_country "*"
  _pl_cmp_table "$lake" "$ref" gold_revenue_by_day "*"
  _pl_cmp_table "$lake" "$ref" gold_top_products "*"
  _pl_cmp_table "$lake" "$ref" gold_customer_features "*"
  # the windows appended once the watermark passed them depend on ingestion times: each once, and
  # each equal to silver's rows of that minute
  for l in "$lake" "$ref"; do
    g="delta.\`$l/gold_revenue_per_minute\`"
    assert_eq "$(_pl_sql "SELECT count(*) - count(DISTINCT minute) FROM $g")" 0 "windows appended twice ($l)"
    assert_eq "$(_pl_sql "SELECT count(*) FROM $g g LEFT JOIN (SELECT window(ingested_at, '1 minute').start
        AS minute, count(*) AS lines FROM delta.\`$l/silver_transactions\` WHERE NOT cancelled
        GROUP BY 1) x ON g.minute = x.minute WHERE x.lines IS NULL OR x.lines <> g.lines")" 0 \
      "windows that differ from silver's rows of their minute ($l)"
  done
  [ "$(_pl_sql "SELECT count(*) FROM delta.\`$lake/gold_revenue_per_minute\`")" -gt 0 ] ||
    fail "no window of the killed run was closed by the watermark"
  for l in "$lake" "$ref"; do
    assert_eq "$(_pl_sql "SELECT sum(rows_read) FROM delta.\`$l/_event_log\`
                          WHERE table_name = 'silver_transactions' AND error IS NULL")" \
      "$n" "silver's rows read by the event log of $l"
  done
  local kept dropped quarantined
  kept=$(_pl_sql "SELECT count(*) FROM delta.\`$lake/silver_transactions\`")
  quarantined=$(_pl_sql "SELECT count(*) FROM delta.\`$lake/silver_transactions_quarantine\`")
  dropped=$(_pl_sql "SELECT sum(rows_dropped) FROM delta.\`$lake/_event_log\`
                     WHERE table_name = 'silver_transactions' AND error IS NULL")
  assert_eq "$((kept + dropped + quarantined))" "$n" \
    "silver $kept + dropped $dropped + quarantined $quarantined against bronze"
}
