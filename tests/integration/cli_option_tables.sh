#!/usr/bin/env bash
# Every command's option table is sound (each entry stores into a typed destination, choices map
# to values, defaults pass their own checks: a table that does not is refused whatever the
# command line), so --help works for every command and subcommand; values are still checked
# against their ranges, sizes against size bounds.
source "$(dirname "$0")/../lib/common.sh"
for cmd in ingest produce kafka-dev version "parquet schema" "parquet meta" "parquet cat" \
  "table describe" "table history" "table vacuum" "table scan" "table optimize" \
  "table checkpoint"; do
  # shellcheck disable=SC2086
  out=$("$SILT" $cmd --help 2>&1) || fail "silt $cmd --help exited $?: $out"
  grep -q '^Usage: silt ' <<<"$out" || fail "silt $cmd --help: $out"
  grep -q 'internal' <<<"$out" && fail "silt $cmd --help: $out"
done
pass "--help of every command and subcommand"

"$SILT" ingest --max-bytes 64M --help >/dev/null || fail "--max-bytes 64M refused (range 1..2G)"
set +e
out=$("$SILT" ingest --max-bytes 3G --help 2>&1)
rc=$?
set -e
assert_eq "$rc" 2 "exit code of --max-bytes 3G"
grep -q 'out of range 1..2G' <<<"$out" || fail "--max-bytes 3G: $out"
out=$("$SILT" table scan --format xml x 2>&1) && fail "--format xml accepted"
grep -q "not one of jsonl|csv|table|canonical" <<<"$out" || fail "--format xml: $out"
pass "ranges and choices checked: $out"
