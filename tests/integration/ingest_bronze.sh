#!/usr/bin/env bash
# silt ingest lands Kafka messages in a bronze Delta table exactly as they came:
# - the sample CSV produced with `silt produce` (one message per row) ingests to one bronze row
#   per message, values byte for byte what kcat reads from the topic (checked with DuckDB over
#   the table's Parquet files, found by replaying its JSON log);
# - binary garbage, empty and null values and keys, and a 5 MB message land unchanged;
# - a second run resumes from the table's txn positions and adds only new messages.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/kafka.sh"
source "$(dirname "$0")/../lib/delta.sh"

kafka_dev --brokers 1 --topic tx:3 --topic odd:2
K=(kafka.session.timeout.ms=6000)
CSV="$SILT_FIXTURES/sales-transactions-sample.csv"
T="$tmpdir/lake/bronze_tx"

# ---- the sample CSV, byte for byte
"$SILT" produce -b "$boot" -t tx --csv "$CSV" 2>"$tmpdir/produce.log" || fail "produce failed"
"$SILT" ingest -b "$boot" -t tx --table "$T" --until-caught-up --trigger 250ms "${K[@]}" \
  2>"$tmpdir/ingest1.log" || fail "ingest failed: $(tail -5 "$tmpdir/ingest1.log")"
grep -q "ingest: done: " "$tmpdir/ingest1.log" || fail "no summary line"
kcat -b "$boot" -C -t tx -e -q -J >"$tmpdir/kcat.json" 2>/dev/null || fail "kcat failed"
rows=$(oracle --sql "SELECT count(*) FROM read_csv('$CSV', header=true)")
n_kcat=$(wc -l <"$tmpdir/kcat.json")
assert_eq "$n_kcat" "$rows" "messages in the topic vs CSV rows"
files=$(delta_parquet_list "$T")
mismatch=$(oracle --sql "
  WITH b AS (SELECT \"partition\" AS p, \"offset\" AS o, value FROM read_parquet($files)),
       k AS (SELECT \"partition\" AS p, \"offset\" AS o, payload FROM read_json('$tmpdir/kcat.json'))
  SELECT count(*) FROM b FULL OUTER JOIN k USING (p, o)
  WHERE b.value IS NULL OR k.payload IS NULL OR b.value <> encode(k.payload)")
assert_eq "$mismatch" 0 "bronze rows that differ from the topic's messages"
n_bronze=$(oracle --sql "SELECT count(*) FROM read_parquet($files)")
assert_eq "$n_bronze" "$rows" "bronze rows"
q=$(oracle --sql "SELECT count(*) FROM read_parquet($files) WHERE
      contains(decode(value), 'Record Frame 7\\\" Single Size')")
[ "$q" -ge 1 ] || fail "the RFC 4180 quoted product name did not arrive intact"
pass "$rows CSV rows -> $rows messages -> $rows bronze rows, byte for byte"

# ---- a second run resumes from the table (txn actions), adding only the new messages
"$SILT" produce -b "$boot" -t tx --generate 500 --seed 7 2>/dev/null || fail "produce 2 failed"
"$SILT" ingest -b "$boot" -t tx --table "$T" --until-caught-up --trigger 250ms "${K[@]}" \
  2>"$tmpdir/ingest2.log" || fail "second ingest failed: $(tail -5 "$tmpdir/ingest2.log")"
grep -q "ingest: done: 500 rows" "$tmpdir/ingest2.log" || fail "second run: $(tail -1 "$tmpdir/ingest2.log")"
"$SILT_BUILD/tool_bronze_dump" "$T" >"$tmpdir/dump.txt" || fail "dump failed"
total=$((rows + 500))
assert_eq "$(wc -l <"$tmpdir/dump.txt")" "$total" "rows after the second run"
assert_eq "$(awk '{print $2, $3}' "$tmpdir/dump.txt" | sort -u | wc -l)" "$total" "distinct offsets"
pass "restart resumes from the table's positions: +500 rows, none twice"

# ---- awkward messages: garbage, empty, null, a 5 MB value
"$SILT_BUILD/tool_kafka_produce_special" "$boot" odd 5000000 >"$tmpdir/sent.txt" \
  2>"$tmpdir/sent.err" || fail "producing special messages failed: $(cat "$tmpdir/sent.err")"
O="$tmpdir/lake/bronze_odd"
"$SILT" ingest -b "$boot" -t odd --table "$O" --until-caught-up --trigger 250ms "${K[@]}" \
  kafka.fetch.max.bytes=10000000 kafka.max.partition.fetch.bytes=10000000 \
  kafka.receive.message.max.bytes=20000000 2>"$tmpdir/ingest3.log" ||
  fail "ingest of special messages failed: $(tail -5 "$tmpdir/ingest3.log")"
"$SILT_BUILD/tool_bronze_dump" "$O" | sort >"$tmpdir/got.txt" || fail "dump failed"
sort "$tmpdir/sent.txt" >"$tmpdir/want.txt"
diff "$tmpdir/want.txt" "$tmpdir/got.txt" >"$tmpdir/diff" ||
  fail "bronze differs from what was sent: $(head -5 "$tmpdir/diff")"
files=$(delta_parquet_list "$O")
big=$(oracle --sql "SELECT max(octet_length(value)) FROM read_parquet($files)")
assert_eq "$big" 5000000 "largest value according to DuckDB"
nulls=$(oracle --sql "SELECT count(*) FROM read_parquet($files) WHERE value IS NULL")
[ "$nulls" -ge 1 ] || fail "DuckDB sees no null value"
empty=$(oracle --sql "SELECT count(*) FROM read_parquet($files) WHERE octet_length(value) = 0")
[ "$empty" -ge 1 ] || fail "DuckDB sees no empty value"
pass "$(wc -l <"$tmpdir/sent.txt") awkward messages (garbage, empty, null, 5 MB) land unchanged"

# ---- several topics into one table (a comma-separated --topic)
M="$tmpdir/lake/bronze_both"
"$SILT" ingest -b "$boot" -t tx,odd --table "$M" --until-caught-up --trigger 250ms "${K[@]}" \
  kafka.fetch.max.bytes=10000000 kafka.max.partition.fetch.bytes=10000000 \
  kafka.receive.message.max.bytes=20000000 2>"$tmpdir/ingest4.log" ||
  fail "ingest of two topics failed: $(tail -5 "$tmpdir/ingest4.log")"
"$SILT_BUILD/tool_bronze_dump" "$M" >"$tmpdir/both.txt" || fail "dump failed"
want=$(($(wc -l <"$tmpdir/dump.txt") + $(wc -l <"$tmpdir/sent.txt")))
assert_eq "$(wc -l <"$tmpdir/both.txt")" "$want" "rows from both topics"
assert_eq "$(awk '{print $1}' "$tmpdir/both.txt" | sort -u | paste -sd,)" "odd,tx" "topics"
parts=$(awk '{print $1, $2}' "$tmpdir/both.txt" | sort -u | wc -l) # partitions holding data
assert_eq "$(grep -c '^txn: *silt:bronze_both:' <("$SILT" table describe "$M"))" "$parts" \
  "txn per topic-partition"
pass "two topics into one table: $want rows, one txn per topic-partition"
