#!/usr/bin/env bash
# `silt ingest --until-caught-up` run again on the same table with default Kafka settings: the
# rerun joins the group without sitting out librdkafka's default 45-s session timeout, reads
# exactly what was produced since, and every summary names the version `table describe` shows
# (also when nothing was new, and when the last commit was followed by a compaction).
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/kafka.sh"
kafka_dev --brokers 1 --topic rr:2
T="$tmpdir/bronze_rr"

produce() {
  "$SILT" produce -b "$boot" -t rr --generate "$1" --seed "$2" 2>"$tmpdir/p.log" ||
    fail "produce: $(cat "$tmpdir/p.log")"
}
# run NAME EXPECTED_ROWS: one ingest to the end (small batches, so that compactions follow
# commits), checked against the table
run() {
  local t0 t1 summary v
  t0=$(date +%s.%N)
  timeout 300 "$SILT" ingest -b "$boot" -t rr --table "$T" --until-caught-up --max-rows 700 \
    --progress 0 2>"$tmpdir/$1.log" || fail "ingest $1: $(tail -5 "$tmpdir/$1.log")"
  t1=$(date +%s.%N)
  echo "ingest $1: $(echo "$t1 - $t0" | bc) s ($(grep -o 'joined group.*' "$tmpdir/$1.log"))"
  summary=$(grep '^ingest: done: ' "$tmpdir/$1.log") || fail "no summary: $(tail -3 "$tmpdir/$1.log")"
  [[ "$summary" =~ ^ingest:\ done:\ $2\ rows ]] || fail "ingest $1 read other than $2 rows: $summary"
  v=$("$SILT" table describe "$T" | sed -nE 's/^version: +([0-9]+).*/\1/p')
  [[ "$summary" =~ table\ version\ $v($|\ ) ]] || fail "ingest $1: table at version $v, summary: $summary"
  joined=$(sed -nE 's/.*joined group .* ([0-9.]+) s after subscribing.*/\1/p' "$tmpdir/$1.log")
  [ -n "$joined" ] || fail "ingest $1 logged no join: $(head -3 "$tmpdir/$1.log")"
}

produce 20000 1
run first 20000
produce 5000 2
run second 5000
# the rerun was answered before librdkafka's default session timeout (45 s) ran out
awk -v j="$joined" 'BEGIN { exit !(j < 40) }' || fail "the rerun waited $joined s for its group"
run third 0
"$SILT_BUILD/tool_bronze_dump" "$T" | awk '{ print $1, $2, $3 }' | sort >"$tmpdir/got"
kcat -C -e -q -b "$boot" -t rr -o beginning -f '%t %p %o\n' | sort >"$tmpdir/want"
assert_eq "$(wc -l <"$tmpdir/got")" 25000 "rows in the table"
diff -q "$tmpdir/want" "$tmpdir/got" >/dev/null || fail "the table differs from the topic"
pass "three runs: 20000, 5000, 0 new messages, each once; summaries name the table's version"
