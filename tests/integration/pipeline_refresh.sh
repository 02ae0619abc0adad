#!/usr/bin/env bash
# `silt pipeline refresh FILE --table T --full` after a changed expectation: the rows the old
# expectation quarantined come back through, and the tables equal those of a fresh run with the
# new file; `refresh` without --full recomputes a view; bad arguments are usage errors.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/pipeline.sh"
source "$(dirname "$0")/../lib/kafka.sh"

kafka_dev --brokers 1 --topic tx:2
"$SILT" produce -b "$boot" -t tx --csv "$SILT_FIXTURES/sales-transactions-sample.csv" 2>/dev/null ||
  fail "produce failed"

pipeline() { # file, max quantity a row may have
  cat >"$1" <<EOF
CREATE OR REFRESH STREAMING TABLE bronze
AS SELECT * FROM STREAM read_kafka(bootstrapServers => '\${KAFKA}', subscribe => 'tx');

CREATE OR REFRESH STREAMING TABLE silver (
  CONSTRAINT small_order EXPECT (Quantity <= $2) ON VIOLATION QUARANTINE
) AS SELECT t.*
   FROM (SELECT from_json(CAST(value AS STRING),
           'TransactionNo STRING, ProductNo STRING, Price DOUBLE, Quantity INT, Country STRING') AS t
         FROM STREAM(bronze));

CREATE OR REFRESH MATERIALIZED VIEW gold
AS SELECT Country, count(*) AS lines, sum(Price * Quantity) AS revenue FROM silver GROUP BY Country;
EOF
}
pipeline "$tmpdir/v1.sql" 12
pipeline "$tmpdir/v2.sql" 1000000
V=(--var "KAFKA=$boot")
s() { "$SILT" sql --format canonical "$1" || fail "silt sql failed: $1"; }

"$SILT" pipeline run "$tmpdir/v1.sql" --lake "$tmpdir/lake" "${V[@]}" --until-caught-up \
  --trigger 250ms 2>"$tmpdir/run1.log" || fail "run v1 failed: $(tail -3 "$tmpdir/run1.log")"
q1=$(s "SELECT count(*) FROM delta.\`$tmpdir/lake/silver_quarantine\`")
[ "$q1" -gt 0 ] || fail "v1 quarantined nothing"

"$SILT" pipeline refresh "$tmpdir/v2.sql" --lake "$tmpdir/lake" "${V[@]}" --table silver --full \
  2>"$tmpdir/refresh.log" || fail "refresh --full failed: $(tail -3 "$tmpdir/refresh.log")"
"$SILT" pipeline run "$tmpdir/v2.sql" --lake "$tmpdir/fresh" "${V[@]}" --until-caught-up \
  --trigger 250ms 2>"$tmpdir/run2.log" || fail "fresh run failed: $(tail -3 "$tmpdir/run2.log")"
for t in silver gold; do # gold's sums of doubles to 1e-6: the order of addition follows batches
  s "SELECT * FROM delta.\`$tmpdir/lake/$t\`" >"$tmpdir/$t.refreshed"
  s "SELECT * FROM delta.\`$tmpdir/fresh/$t\`" >"$tmpdir/$t.fresh"
  [ -s "$tmpdir/$t.fresh" ] || fail "fresh $t is empty"
  rows_same "$t after refresh --full (vs a fresh run)" "$tmpdir/$t.refreshed" "$tmpdir/$t.fresh"
done
assert_eq "$(s "SELECT count(*) FROM delta.\`$tmpdir/lake/silver_quarantine\`")" 0 \
  "quarantine after refresh --full"
bronze=$(s "SELECT count(*) FROM delta.\`$tmpdir/lake/bronze\`")
assert_eq "$(s "SELECT count(*) FROM delta.\`$tmpdir/lake/silver\`")" "$bronze" "silver rows"
pass "refresh --full: $q1 rows quarantined by the old expectation came back; equal to a fresh run"

# refresh without --full recomputes the view (a new version) and changes nothing else
n_gold=$(ls "$tmpdir/lake/gold/_delta_log/" | grep -c '\.json$')
"$SILT" pipeline refresh "$tmpdir/v2.sql" --lake "$tmpdir/lake" "${V[@]}" --table gold \
  2>"$tmpdir/refresh2.log" || fail "refresh failed: $(tail -3 "$tmpdir/refresh2.log")"
assert_eq "$(ls "$tmpdir/lake/gold/_delta_log/" | grep -c '\.json$')" "$((n_gold + 1))" \
  "gold versions after refresh"
s "SELECT * FROM delta.\`$tmpdir/lake/gold\`" >"$tmpdir/gold.again"
rows_same "gold after a refresh (vs a fresh run)" "$tmpdir/gold.again" "$tmpdir/gold.fresh"
set +e
"$SILT" pipeline refresh "$tmpdir/v2.sql" --lake "$tmpdir/lake" "${V[@]}" --table nosuch 2>"$tmpdir/bad.log"
rc=$?
set -e
assert_eq "$rc" 2 "exit code of refresh --table nosuch"
grep -q "nosuch" "$tmpdir/bad.log" || fail "the message does not name the table: $(cat "$tmpdir/bad.log")"
pass "refresh recomputes a view; an unknown table is a usage error"
