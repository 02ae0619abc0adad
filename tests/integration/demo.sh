#!/usr/bin/env bash
# `make demo` (scripts/demo) runs the embedded default end to end: kafka-dev, produce of the
# sample CSV plus a generated stream, ingest into ./lake/bronze_transactions, and describe.
source "$(dirname "$0")/../lib/common.sh"
cd "$tmpdir"
DEMO_SECONDS=8 DEMO_RATE=500 "$SILT_ROOT/scripts/demo" "$SILT" >"$tmpdir/demo.log" 2>&1 ||
  fail "demo exited non-zero: $(tail -20 "$tmpdir/demo.log")"
grep -q "== silt table describe" "$tmpdir/demo.log" || fail "no describe: $(tail "$tmpdir/demo.log")"
rows=$(sed -n 's/^rows: *\([0-9]*\).*/\1/p' "$tmpdir/demo.log")
csv=$(oracle --sql "SELECT count(*) FROM read_csv('$SILT_FIXTURES/sales-transactions-sample.csv', header=true)")
[ -n "$rows" ] && [ "$rows" -gt "$csv" ] || fail "expected more than $csv rows, got '$rows'"
assert_eq "$(grep -c '^txn: *silt:bronze_transactions:transactions:' "$tmpdir/demo.log")" 6 "txn lines"
[ -d "$tmpdir/lake/bronze_transactions/_delta_log" ] || fail "no table in ./lake"
pass "make demo: $rows rows in ./lake/bronze_transactions"
