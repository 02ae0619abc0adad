#!/usr/bin/env bash
# Two consumers in one group on kafka-dev: they split 6 partitions; when one leaves, the other
# gets all of them. Positions live in a shared store read by the assignment callback (as silt
# ingest will read the bronze table's txn actions), so every message is consumed exactly once.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/kafka.sh"
consume="$SILT_BUILD/tool_kafka_consume"

kafka_dev --brokers 3 --topic ev:6

"$SILT" produce -b "$boot" -t ev --generate 6000 --seed 7 --key TransactionNo 2>"$tmpdir/p.log" ||
  fail "produce: $(cat "$tmpdir/p.log")"
kcat -C -e -q -b "$boot" -t ev -f '%p %o\n' | sort >"$tmpdir/all.txt"
assert_eq "$(wc -l <"$tmpdir/all.txt")" 6000 "messages in the topic"
assert_eq "$(cut -d' ' -f1 "$tmpdir/all.txt" | sort -u | wc -l)" 6 "partitions with data"

# The mock coordinator waits session.timeout.ms - 1 s before completing a rebalance: keep it short.
fast="kafka.session.timeout.ms=6000 kafka.heartbeat.interval.ms=500"
# Events (not librdkafka's log lines) of a consumer, for failure messages.
events() { grep -v '^%' "$1" | tail -20; }
count() { grep -c "^$1 " "$2" || true; }
wait_for() { # wait_for SECONDS 'CONDITION': until the shell condition holds
  local t=$1 cond=$2
  for _ in $(seq $((t * 10))); do eval "$cond" && return 0; sleep 0.1; done
  return 1
}

# A: slow (at most 100 msgs/s, so that under any load it has read well under half of the 6000
# when B's partitions arrive and B still finds work); records its positions after each batch,
# commits them to Kafka on revocation (for lag tools only).
"$consume" -b "$boot" -t ev -g grp --positions "$tmpdir/pos" --commit --batch 2 --delay-ms 20 $fast \
  >"$tmpdir/a.txt" 2>"$tmpdir/a.err" &
a=$!
_silt_pids+=("$a")
wait_for 30 'test "$(count assigned "$tmpdir/a.err")" -ge 6' || fail "A got no assignment: $(events "$tmpdir/a.err")"
wait_for 30 'test "$(wc -l <"$tmpdir/a.txt")" -ge 300' || fail "A consumes nothing"
pass "A alone is assigned all 6 partitions"

# B: fast; it finishes what A leaves.
"$consume" -b "$boot" -t ev -g grp --positions "$tmpdir/pos" --commit --batch 500 $fast \
  >"$tmpdir/b.txt" 2>"$tmpdir/b.err" &
b=$!
_silt_pids+=("$b")
wait_for 30 'test "$(count revoked "$tmpdir/a.err")" -ge 3' || fail "A lost nothing: $(events "$tmpdir/a.err") // B: $(events "$tmpdir/b.err")"
wait_for 30 'test "$(count assigned "$tmpdir/b.err")" -ge 3' || fail "B got nothing: $(events "$tmpdir/b.err") // A: $(events "$tmpdir/a.err")"
assert_eq "$(count revoked "$tmpdir/a.err")" 3 "partitions A gave up"
assert_eq "$(count assigned "$tmpdir/b.err")" 3 "partitions B got"
# The two sets are disjoint and together make all 6.
{ grep '^revoked' "$tmpdir/a.err" | cut -d' ' -f2,3; } | sort >"$tmpdir/moved"
{ grep '^assigned' "$tmpdir/b.err" | cut -d' ' -f2,3; } | sort >"$tmpdir/bset"
diff "$tmpdir/moved" "$tmpdir/bset" >/dev/null || fail "B did not get what A gave up"
wait_for 30 'test "$(wc -l <"$tmpdir/b.txt")" -ge 100' ||
  fail "B consumes nothing (A read $(wc -l <"$tmpdir/a.txt"), B $(wc -l <"$tmpdir/b.txt")): $(events "$tmpdir/b.err")"
pass "A and B split the 6 partitions 3/3 (cooperative-sticky)"

kill -TERM "$a"
wait "$a" || fail "A did not exit cleanly"
wait_for 30 'test "$(count assigned "$tmpdir/b.err")" -ge 6' || fail "B did not take over: $(events "$tmpdir/b.err")"
pass "after A leaves, B is assigned all 6 partitions"

wait_for 60 'test "$(($(wc -l <"$tmpdir/a.txt") + $(wc -l <"$tmpdir/b.txt")))" -ge 6000' ||
  fail "only $(cat "$tmpdir/a.txt" "$tmpdir/b.txt" | wc -l) of 6000 consumed"
sleep 1
kill -TERM "$b"
wait "$b" || fail "B did not exit cleanly"
cat "$tmpdir/a.txt" "$tmpdir/b.txt" | cut -d' ' -f2,3 | sort >"$tmpdir/consumed.txt"
dups=$(uniq -d "$tmpdir/consumed.txt" | wc -l)
assert_eq "$dups" 0 "messages consumed twice"
diff "$tmpdir/all.txt" "$tmpdir/consumed.txt" >"$tmpdir/diff" || fail "missing: $(head "$tmpdir/diff")"
pass "every one of 6000 messages consumed exactly once (A: $(wc -l <"$tmpdir/a.txt"), B: $(wc -l <"$tmpdir/b.txt"))"

# Starting offsets from the callback are honoured; other partitions fall back to earliest.
"$consume" -b "$boot" -t ev -g fresh --count 0 --idle-ms 2000 --timeout-ms 30000 \
  --start-offsets ev:0=7,ev:3=25 $fast >"$tmpdir/c.txt" 2>"$tmpdir/c.err" || fail "C: $(cat "$tmpdir/c.err")"
for p in 0 1 2 3 4 5; do
  first=$(awk -v p="$p" '$2 == p { print $3; exit }' "$tmpdir/c.txt")
  case $p in 0) want=7 ;; 3) want=25 ;; *) want=0 ;; esac
  assert_eq "$first" "$want" "first offset read from partition $p"
done
n_c=$(wc -l <"$tmpdir/c.txt")
assert_eq "$n_c" $((6000 - 7 - 25)) "messages read from the given offsets"
pass "starting offsets from the callback are honoured"
