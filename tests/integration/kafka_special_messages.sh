#!/usr/bin/env bash
# Awkward messages survive the trip through kafka-dev and silt's consumer byte for byte: binary
# garbage and invalid UTF-8, empty and null values and keys, and a 5 MB message.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/kafka.sh"

kafka_dev --brokers 1 --topic odd:2

"$SILT_BUILD/tool_kafka_produce_special" "$boot" odd 5000000 >"$tmpdir/sent.txt" \
  2>"$tmpdir/sent.err" || fail "producing failed: $(cat "$tmpdir/sent.err")"
n_sent=$(wc -l <"$tmpdir/sent.txt")
[ "$n_sent" -eq 51 ] || fail "expected 51 delivery reports, got $n_sent"
grep -q ' 5000000$' "$tmpdir/sent.txt" || fail "no 5 MB message sent"

"$SILT_BUILD/tool_kafka_consume" --brokers "$boot" --topics odd --group special --count "$n_sent" \
  --timeout-ms 60000 kafka.fetch.max.bytes=10000000 kafka.max.partition.fetch.bytes=10000000 \
  kafka.receive.message.max.bytes=20000000 >"$tmpdir/got.txt" 2>"$tmpdir/got.err" ||
  fail "consuming failed: $(tail -5 "$tmpdir/got.err")"
sort "$tmpdir/sent.txt" >"$tmpdir/a"
sort "$tmpdir/got.txt" >"$tmpdir/b"
diff "$tmpdir/a" "$tmpdir/b" >"$tmpdir/diff" || fail "consumed differs from sent: $(head "$tmpdir/diff")"
pass "$n_sent messages consumed byte for byte (hashes, lengths, offsets equal)"
grep -q '^odd 0 [0-9]* [0-9a-f]* null 0$' "$tmpdir/got.txt" || fail "null value not seen as null"
grep -q '^odd 0 [0-9]* [0-9a-f]* [0-9a-f]\{16\} 0$' "$tmpdir/got.txt" || fail "empty value not seen as empty"
grep -q '^odd 0 [0-9]* null null 0$' "$tmpdir/got.txt" || fail "null key+value not seen"
pass "null and empty values stay distinct"

# A bad librdkafka property is refused with its name.
if "$SILT_BUILD/tool_kafka_consume" --brokers "$boot" --topics odd kafka.fetch.max.bytez=1 \
  >/dev/null 2>"$tmpdir/bad.err"; then fail "bad property accepted"; fi
grep -q 'fetch.max.bytez' "$tmpdir/bad.err" || fail "error does not name the property: $(cat "$tmpdir/bad.err")"
if "$SILT" produce -b "$boot" -t odd --generate 1 kafka.no.such=1 2>"$tmpdir/bad2.err"; then
  fail "produce accepted a bad property"
fi
grep -q 'no.such' "$tmpdir/bad2.err" || fail "produce error does not name the property"
pass "unknown kafka.* properties are refused by name"
