#!/usr/bin/env bash
# `silt ingest` against brokers that cannot be reached gives up after --connect-timeout with an
# error that names the brokers and says what to do, exits 1 and leaves no table behind (the
# table is created only once Kafka has answered); librdkafka's own lines come through silt's
# logger. An empty --brokers is a usage error (exit 2).
source "$(dirname "$0")/../lib/common.sh"
port=$(free_port) # free a moment ago: nothing listens there
T="$tmpdir/lake/bronze_x"
set +e
timeout 120 "$SILT" ingest -b "127.0.0.1:$port" -t ev --table "$T" --until-caught-up \
  --connect-timeout 2s 2>"$tmpdir/ingest.log"
rc=$?
set -e
assert_eq "$rc" 1 "exit code against a closed port ($(tail -3 "$tmpdir/ingest.log"))"
msg=$(grep '^silt ingest: ' "$tmpdir/ingest.log") || fail "no error line: $(cat "$tmpdir/ingest.log")"
grep -qF "127.0.0.1:$port" <<<"$msg" || fail "the error does not name the brokers: $msg"
grep -qF -- "--connect-timeout" <<<"$msg" || fail "the error does not say how to fix: $msg"
grep -qF -- "--brokers" <<<"$msg" || fail "the error does not point at --brokers: $msg"
[ ! -e "$T" ] || fail "a table folder was left behind: $(find "$T" | head -5)"
[ ! -e "$tmpdir/lake" ] || fail "a parent folder was left behind"
if grep -v '^silt ingest: ' "$tmpdir/ingest.log" | grep -Ev '^[0-9TZ:.-]+ (debug|info|warn|error) ' |
  grep -q .; then
  fail "lines not from silt's logger: $(grep -Ev '^[0-9TZ:.-]+ (debug|info|warn|error) ' "$tmpdir/ingest.log" | head -3)"
fi
grep -q ' warn  kafka: ' "$tmpdir/ingest.log" ||
  fail "librdkafka's connection failures do not come through silt's logger: $(head -3 "$tmpdir/ingest.log")"
pass "unreachable brokers: exit 1 after the timeout, $msg"

set +e
"$SILT" ingest -b '' -t ev --table "$T" --until-caught-up 2>"$tmpdir/empty.log"
rc=$?
set -e
assert_eq "$rc" 2 "exit code of -b '' ($(cat "$tmpdir/empty.log"))"
grep -qF -- "--brokers" "$tmpdir/empty.log" || fail "the error does not name --brokers: $(cat "$tmpdir/empty.log")"
[ ! -e "$T" ] || fail "a table folder was made for -b ''"
pass "-b '' refused: $(cat "$tmpdir/empty.log")"
