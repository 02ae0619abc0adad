#!/usr/bin/env bash
# silt produce --jsonl (lines sent as they are, --key from a field), --generate (deterministic
# for a seed, different across seeds, the seed's schema), --rate pacing, usage errors.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/kafka.sh"

kafka_dev --brokers 1 --topic j:1 --topic g1:1 --topic g2:1 --topic g3:1 --topic r:1

printf '{"id": "a1", "v": 1}\r\n\n{"v":2,"id":7}\n  {"nested": {"x": [1, 2]}, "id": null}\nnot json at all\n{"id":"\xc3\xa9"}' \
  >"$tmpdir/in.jsonl"
"$SILT" produce -b "$boot" -t j --jsonl "$tmpdir/in.jsonl" --key id 2>"$tmpdir/j.log" ||
  fail "produce --jsonl: $(cat "$tmpdir/j.log")"
kcat -C -e -q -b "$boot" -t j -f '%k|%s\n' >"$tmpdir/j.out"
want=$'a1|{"id": "a1", "v": 1}\n7|{"v":2,"id":7}\n|  {"nested": {"x": [1, 2]}, "id": null}\n|not json at all\n\xc3\xa9|{"id":"\xc3\xa9"}'
assert_eq "$(cat "$tmpdir/j.out")" "$want" "JSON lines and keys"
assert_eq "$(kcat -C -e -q -b "$boot" -t j -f '%K\n' | tr '\n' ' ')" "2 1 -1 -1 2 " "key lengths (-1 = null)"
pass "--jsonl sends each non-empty line as is, CRLF stripped; --key takes the field"

"$SILT" produce -b "$boot" -t g1 --generate 500 --seed 9 2>/dev/null
"$SILT" produce -b "$boot" -t g2 --generate 500 --seed 9 2>/dev/null
"$SILT" produce -b "$boot" -t g3 --generate 500 --seed 10 2>/dev/null
kcat -C -e -q -b "$boot" -t g1 >"$tmpdir/g1"
kcat -C -e -q -b "$boot" -t g2 >"$tmpdir/g2"
kcat -C -e -q -b "$boot" -t g3 >"$tmpdir/g3"
assert_eq "$(wc -l <"$tmpdir/g1")" 500 "generated messages"
cmp -s "$tmpdir/g1" "$tmpdir/g2" || fail "same seed, different messages"
if cmp -s "$tmpdir/g1" "$tmpdir/g3"; then fail "different seeds, same messages"; fi
pass "--generate is deterministic for a seed"
# DuckDB reads the generated messages with the seed's schema.
oracle --types --sql "SELECT * FROM read_json('$tmpdir/g1', format='newline_delimited',
  columns={TransactionNo:'VARCHAR', Date:'VARCHAR', ProductNo:'VARCHAR', ProductName:'VARCHAR',
  Price:'DOUBLE', Quantity:'BIGINT', CustomerNo:'DOUBLE', Country:'VARCHAR'})" >"$tmpdir/g1.rows"
assert_eq "$(tail -n +2 "$tmpdir/g1.rows" | wc -l)" 500 "rows DuckDB reads"
stats=$(oracle --sql "SELECT count(DISTINCT ProductNo) > 100, count(DISTINCT Country) > 3,
  bool_and((TransactionNo LIKE 'C%') = (Quantity < 0)), bool_and(Price > 0)
  FROM read_json('$tmpdir/g1', format='newline_delimited')")
assert_eq "$stats" $'true\ttrue\ttrue\ttrue' "generated data checks"
pass "generated messages are valid JSON in the seed's schema"

t0=$(date +%s%N)
"$SILT" produce -b "$boot" -t r --generate 60 --rate 100 2>"$tmpdir/r.log" || fail "rate"
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
[ "$ms" -ge 550 ] || fail "60 messages at 100/s took only ${ms} ms"
grep -q '^silt produce: 60 messages' "$tmpdir/r.log" || fail "summary: $(cat "$tmpdir/r.log")"
pass "--rate 100 paces 60 messages over ${ms} ms"

for args in "-t x --generate 1" "-b $boot --generate 1" "-b $boot -t x" \
  "-b $boot -t x --csv a --jsonl b" "-b $boot -t x --generate 1 --compression brotli" \
  "-b $boot -t x --generate 1 --compresion zstd"; do
  set +e
  # shellcheck disable=SC2086
  "$SILT" produce $args >/dev/null 2>"$tmpdir/u.err"
  rc=$?
  set -e
  assert_eq "$rc" 2 "exit code of 'produce $args'"
done
grep -q 'did you mean --compression?' "$tmpdir/u.err" || fail "no suggestion: $(cat "$tmpdir/u.err")"
pass "usage errors exit 2 with a suggestion"
