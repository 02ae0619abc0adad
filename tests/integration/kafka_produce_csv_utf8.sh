#!/usr/bin/env bash
# silt produce --csv with a cell that is not UTF-8 (a Latin-1 é): stops with the line and
# column and sends nothing after it; with --invalid-utf8 replace the cell arrives with U+FFFD.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/kafka.sh"
kafka_dev --brokers 1 --topic u8:1 --topic u8r:1
printf 'id,name\n1,plain\n2,Caf\xe9\n3,after\n' >"$tmpdir/latin1.csv"
set +e
"$SILT" produce -b "$boot" -t u8 --csv "$tmpdir/latin1.csv" 2>"$tmpdir/fail.log"
rc=$?
set -e
assert_eq "$rc" 1 "exit code ($(tail -2 "$tmpdir/fail.log"))"
grep -q 'line 3, column 2 (name): invalid UTF-8' "$tmpdir/fail.log" ||
  fail "no line and column in: $(cat "$tmpdir/fail.log")"
grep -qF -- '--invalid-utf8 replace' "$tmpdir/fail.log" || fail "no hint: $(cat "$tmpdir/fail.log")"
got=$(kcat -C -e -q -b "$boot" -t u8 -f '%s\n')
assert_eq "$got" '{"id": 1, "name": "plain"}' "messages sent before the bad line"
pass "invalid UTF-8 refused: $(grep -o 'line 3.*' "$tmpdir/fail.log" | head -1)"

"$SILT" produce -b "$boot" -t u8r --csv "$tmpdir/latin1.csv" --invalid-utf8 replace \
  2>"$tmpdir/replace.log" || fail "produce --invalid-utf8 replace: $(tail -3 "$tmpdir/replace.log")"
got=$(kcat -C -e -q -b "$boot" -t u8r -f '%s\n' | sed -n 2p)
assert_eq "$got" '{"id": 2, "name": "Caf\ufffd"}' "the replaced cell"
pass "--invalid-utf8 replace: $got"
