#!/usr/bin/env bash
# Fault injection on silt kafka-dev through its --control FIFO: a broker taken down and brought
# back and injected Fetch/Produce errors while producing and consuming; nothing is lost or
# doubled. Also: a failed delivery makes `silt produce` exit non-zero, and SIGTERM stops
# kafka-dev cleanly.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/kafka.sh"
consume="$SILT_BUILD/tool_kafka_consume"
ctl="$tmpdir/ctl"

kafka_dev --brokers 3 --topic f:3 --control "$ctl"
control ping
wait_reply "ok pong"
control bogus command
wait_reply "error unknown control command"
pass "control FIFO answers"

"$SILT" produce -b "$boot" -t f --generate 3000 --seed 3 --key TransactionNo 2>"$tmpdir/p1.log" ||
  fail "produce 1: $(cat "$tmpdir/p1.log")"

# The group's coordinator stays on broker 2 (the mock coordinator does not survive its broker
# going away gracefully); positions live in a store the assignment callback reads, as in ingest.
control coordinator group faults 2
wait_reply "ok coordinator group faults 2"
"$consume" -b "$boot" -t f -g faults --positions "$tmpdir/pos" --count 6000 --timeout-ms 90000 \
  --batch 100 --delay-ms 10 \
  kafka.session.timeout.ms=6000 kafka.heartbeat.interval.ms=500 >"$tmpdir/got.txt" 2>"$tmpdir/got.err" &
cons=$!
_silt_pids+=("$cons")
for _ in $(seq 600); do [ "$(wc -l <"$tmpdir/got.txt")" -ge 500 ] && break; sleep 0.1; done
[ "$(wc -l <"$tmpdir/got.txt")" -ge 500 ] || fail "consumer did not start: $(cat "$tmpdir/got.err")"

# Leadership of every partition moves to broker 1, which then goes down for two seconds while
# more data is produced; fetches and produce requests also fail a few times.
for p in 0 1 2; do control leader f $p 1; wait_reply "ok leader f $p 1"; done
control errors Fetch NOT_LEADER_FOR_PARTITION REQUEST_TIMED_OUT NOT_LEADER_FOR_PARTITION
wait_reply "ok errors Fetch"
control errors Produce NOT_LEADER_FOR_PARTITION REQUEST_TIMED_OUT
wait_reply "ok errors Produce"
control broker-down 1
wait_reply "ok broker-down 1"
"$SILT" produce -b "$boot" -t f --generate 3000 --seed 4 --key TransactionNo 2>"$tmpdir/p2.log" &
prod=$!
sleep 2
control broker-up 1
wait_reply "ok broker-up 1"
wait "$prod" || fail "produce during the outage failed: $(tail -3 "$tmpdir/p2.log")"
pass "broker down/up and injected errors: producer delivered everything"

wait "$cons" || fail "consumer failed: $(tail -5 "$tmpdir/got.err")"
kcat -C -e -q -b "$boot" -t f -f '%p %o\n' | sort >"$tmpdir/all.txt"
assert_eq "$(wc -l <"$tmpdir/all.txt")" 6000 "messages in the topic"
cut -d' ' -f2,3 "$tmpdir/got.txt" | sort >"$tmpdir/consumed.txt"
assert_eq "$(uniq -d "$tmpdir/consumed.txt" | wc -l)" 0 "messages consumed twice"
diff "$tmpdir/all.txt" "$tmpdir/consumed.txt" >/dev/null || fail "consumer missed messages"
pass "consumer resumed by itself: 6000 messages, each exactly once"

# Delivery failure: every broker down and a short message timeout -> non-zero exit, counted.
for b in 1 2 3; do control broker-down $b; wait_reply "ok broker-down $b"; done
if "$SILT" produce -b "$boot" -t f --generate 5 kafka.message.timeout.ms=1500 \
  2>"$tmpdir/p3.log"; then
  fail "produce exited 0 although nothing was delivered"
fi
grep -q '5 failed' "$tmpdir/p3.log" || fail "summary does not count failures: $(cat "$tmpdir/p3.log")"
pass "failed deliveries are counted and make produce exit non-zero"

kill -TERM "$dev"
wait "$dev" || fail "kafka-dev did not exit 0 on SIGTERM"
[ ! -e "$ctl" ] || fail "control FIFO left behind"
pass "kafka-dev stops cleanly on SIGTERM"
