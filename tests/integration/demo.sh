#!/usr/bin/env bash
# `make demo` (scripts/demo) runs the embedded default end to end: kafka-dev, produce of the
# sample CSV plus a generated stream, `silt pipeline run examples/ecommerce.sql` into ./lake
# (bronze, silver, gold), the gold table of revenue by country as it fills, status, describe.
source "$(dirname "$0")/../lib/common.sh"
cd "$tmpdir"
DEMO_SECONDS=14 DEMO_RATE=500 "$SILT_ROOT/scripts/demo" "$SILT" >"$tmpdir/demo.log" 2>&1 ||
  fail "demo exited non-zero: $(tail -20 "$tmpdir/demo.log")"
grep -q "== silt table describe" "$tmpdir/demo.log" || fail "no describe: $(tail "$tmpdir/demo.log")"
rows=$(sed -n 's/^rows: *\([0-9]*\).*/\1/p' "$tmpdir/demo.log")
csv=$(oracle --sql "SELECT count(*) FROM read_csv('$SILT_FIXTURES/sales-transactions-sample.csv', header=true)")
[ -n "$rows" ] && [ "$rows" -gt "$csv" ] || fail "expected more than $csv rows, got '$rows'"
assert_eq "$(grep -c '^txn: *silt:bronze_transactions:transactions:' "$tmpdir/demo.log")" 6 "txn lines"
for t in bronze_transactions silver_transactions gold_revenue_by_country gold_customer_features; do
  [ -d "$tmpdir/lake/$t/_delta_log" ] || fail "no table $t in ./lake: $(ls "$tmpdir/lake")"
done
grep -q -- "-- gold_revenue_by_country (top 5 by revenue) --" "$tmpdir/demo.log" ||
  fail "the demo did not show the gold table: $(tail -20 "$tmpdir/demo.log")"
grep -q "^United Kingdom *| [0-9]" "$tmpdir/demo.log" || fail "no gold rows shown: $(tail -20 "$tmpdir/demo.log")"
grep -q "== silt pipeline status" "$tmpdir/demo.log" || fail "no pipeline status"
pass "make demo: $rows rows in ./lake/bronze_transactions"
