#!/usr/bin/env bash
# "earliest" on a partition whose log no longer starts at offset 0: the mock cluster keeps about
# 5 MiB per partition, so after ~12 MiB of uncompressed messages the oldest segments are gone.
# silt starts never-seen partitions at offset 0 (no offset query: see src/kafka/consumer.c);
# the broker answers OFFSET_OUT_OF_RANGE and the fetcher must move to the log's first offset.
# Bronze then holds exactly the messages still in the topic, from the first one kcat sees.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/kafka.sh"
kafka_dev --brokers 1 --topic ls:1
"$SILT" produce -b "$boot" -t ls --generate 60000 --seed 9 kafka.linger.ms=50 2>"$tmpdir/p.log" ||
  fail "produce: $(cat "$tmpdir/p.log")"
kcat -C -e -q -b "$boot" -t ls -o beginning -f '%o\n' >"$tmpdir/all.txt"
first=$(head -1 "$tmpdir/all.txt")
[ "$first" -gt 0 ] || fail "the mock kept the whole log (first offset $first): produce more"
T="$tmpdir/bronze_ls"
"$SILT" ingest -b "$boot" -t ls --table "$T" --until-caught-up --progress 0 \
  kafka.session.timeout.ms=6000 2>"$tmpdir/ingest.log" || fail "ingest: $(tail -5 "$tmpdir/ingest.log")"
"$SILT_BUILD/tool_bronze_dump" "$T" | awk '{print $3}' | sort -n >"$tmpdir/got.txt"
assert_eq "$(head -1 "$tmpdir/got.txt")" "$first" "first offset in bronze"
diff "$tmpdir/all.txt" "$tmpdir/got.txt" >/dev/null ||
  fail "bronze differs from the topic ($(wc -l <"$tmpdir/got.txt") rows, topic $(wc -l <"$tmpdir/all.txt"))"
pass "log starting at offset $first: bronze holds its $(wc -l <"$tmpdir/all.txt") messages, from the first"
