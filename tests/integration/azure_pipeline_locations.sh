#!/usr/bin/env bash
# Pipelines whose tables are on Azure: a local lake with silver's LOCATION an abfss:// URL and
# gold's a path-style http:// URL (silver's quarantine beside silver, the event log in the lake),
# then the whole lake under az:// (with a trailing slash); `run`, `status` and `refresh --full`
# each give the same tables as the same pipeline on local disk.
source "$SILT_ROOT/tests/lib/common.sh"
source "$SILT_ROOT/tests/lib/kafka.sh"
source "$SILT_ROOT/tests/lib/azure.sh"
source "$SILT_ROOT/tests/lib/pipeline.sh"
SILT_BUILD=${SILT_BUILD:-$SILT_ROOT/build}

azurite --memory
az_container lake
kafka_dev --brokers 1 --topic tx:2
"$SILT" produce -b "$boot" -t tx --csv "$SILT_FIXTURES/sales-transactions-sample.csv" 2>/dev/null ||
  fail "produce failed"

pipeline() { # file, max quantity a row may have, silver's LOCATION clause, gold's
  cat >"$1" <<EOF
CREATE OR REFRESH STREAMING TABLE bronze
AS SELECT * FROM STREAM read_kafka(bootstrapServers => '\${KAFKA}', subscribe => 'tx');

CREATE OR REFRESH STREAMING TABLE silver (
  CONSTRAINT small_order EXPECT (Quantity <= $2) ON VIOLATION QUARANTINE
) $3
AS SELECT t.*
   FROM (SELECT from_json(CAST(value AS STRING),
           'TransactionNo STRING, ProductNo STRING, Price DOUBLE, Quantity INT, Country STRING') AS t
         FROM STREAM(bronze));

CREATE OR REFRESH MATERIALIZED VIEW gold $4
AS SELECT Country, count(*) AS lines, sum(Price * Quantity) AS revenue FROM silver GROUP BY Country;
EOF
}
SILVER=abfss://lake@devstoreaccount1.dfs.core.windows.net/tables/silver
GOLD=http://127.0.0.1:$az_port/devstoreaccount1/lake/tables/gold
pipeline "$tmpdir/local.sql" 12 "" ""
pipeline "$tmpdir/mixed.sql" 12 "LOCATION '$SILVER'" "LOCATION '$GOLD'"
pipeline "$tmpdir/local2.sql" 1000000 "" ""
pipeline "$tmpdir/mixed2.sql" 1000000 "LOCATION '$SILVER'" "LOCATION '$GOLD'"
V=(--var "KAFKA=$boot" --trigger 250ms --progress 0)
s() { "$SILT" sql --format canonical "$1" || fail "silt sql failed: $1"; }
run() { # file, lake, log name
  "$SILT" pipeline run "$1" --lake "$2" "${V[@]}" --until-caught-up 2>"$tmpdir/$3.log" ||
    fail "run $3 failed: $(tail -3 "$tmpdir/$3.log")"
}
same() { # what, location, reference location (ingested_at aside: the time of ingestion)
  local cols="*"
  case $1 in
  bronze) cols="key, value, topic, partition, offset, headers" ;;
  *quarantine) cols="key, value, topic, partition, offset, _expectations, _reason" ;;
  esac
  s "SELECT $cols FROM delta.\`$2\`" >"$tmpdir/got"
  s "SELECT $cols FROM delta.\`$3\`" >"$tmpdir/want"
  [ -s "$tmpdir/want" ] || fail "reference $1 is empty"
  # sums of doubles depend on the order rows are added in, and a run's micro-batches (so the
  # order gold adds silver's rows in) depend on timing: numbers are equal to 1e-6 relative
  rows_same "$1 at $2 (vs $3)" "$tmpdir/got" "$tmpdir/want"
}
count() { s "SELECT count(*) FROM delta.\`$1\` ${2:-}"; }

# ---- a local lake, silver and gold on Azure
run "$tmpdir/local.sql" "$tmpdir/ref" ref
run "$tmpdir/mixed.sql" "$tmpdir/lake" mixed
q=$(count az://lake/tables/silver_quarantine)
[ "$q" -gt 0 ] || fail "nothing quarantined on Azure"
same silver az://lake/tables/silver "$tmpdir/ref/silver"
same silver_quarantine az://lake/tables/silver_quarantine "$tmpdir/ref/silver_quarantine"
same gold az://lake/tables/gold "$tmpdir/ref/gold"
[ ! -e "$tmpdir/lake/silver" ] && [ ! -e "$tmpdir/lake/silver_quarantine" ] ||
  fail "silver was written to the local lake, not its LOCATION"
assert_eq "$(count "$tmpdir/lake/_event_log" "WHERE table_name = 'silver'")" \
  "$(count "$tmpdir/ref/_event_log" "WHERE table_name = 'silver'")" \
  "silver's batches in the local event log"
"$SILT" pipeline status "$tmpdir/mixed.sql" --var "KAFKA=$boot" --lake "$tmpdir/lake" \
  >"$tmpdir/status.txt" || fail "status failed"
grep -qF "silver ($SILVER)" "$tmpdir/status.txt" || fail "status: $(cat "$tmpdir/status.txt")"
grep -q "bronze: version .* (lag 0 versions)" "$tmpdir/status.txt" ||
  fail "status shows silver behind: $(cat "$tmpdir/status.txt")"
pass "silver ($q quarantined) and gold at their LOCATIONs on Azure equal the local run"

# ---- refresh --full of the silver on Azure after a changed expectation
"$SILT" pipeline refresh "$tmpdir/mixed2.sql" --lake "$tmpdir/lake" "${V[@]}" --table silver \
  --full 2>"$tmpdir/refresh.log" || fail "refresh --full failed: $(tail -3 "$tmpdir/refresh.log")"
run "$tmpdir/local2.sql" "$tmpdir/ref2" ref2
same silver az://lake/tables/silver "$tmpdir/ref2/silver"
same gold az://lake/tables/gold "$tmpdir/ref2/gold"
assert_eq "$(count az://lake/tables/silver_quarantine)" 0 "quarantine on Azure after refresh --full"
pass "refresh --full rebuilt silver and gold on Azure"

# ---- the whole lake on Azure
run "$tmpdir/local.sql" az://lake/all/ all
for t in bronze silver silver_quarantine gold; do same "$t" "az://lake/all/$t" "$tmpdir/ref/$t"; done
assert_eq "$(count az://lake/all/_event_log "WHERE table_name = 'silver'")" \
  "$(count "$tmpdir/ref/_event_log" "WHERE table_name = 'silver'")" \
  "silver's batches in the event log on Azure"
pass "a lake on az:// equals the local one"
