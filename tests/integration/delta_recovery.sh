#!/usr/bin/env bash
# A damaged log does not lock a table, nor pass unnoticed. On copies of Spark's streaming table
# (checkpoints every 10 versions up to 420, every JSON commit still there): the latest checkpoint
# truncated, then also corrupt, then deleted while _last_checkpoint still names it; every time
# `silt table scan` warns and returns the rows of the undamaged table, and `silt table checkpoint`
# writes a good checkpoint that the next read starts from. A 0-byte commit file is an error that
# names the file and says what to do (here version 415, read after checkpoint 410).
source "$SILT_ROOT/tests/lib/common.sh"
spark=$SILT_FIXTURES/spark-streaming-table
scan() { "$SILT" table scan --format canonical --stats "$@" | LC_ALL=C sort; }

scan "$spark" >"$tmpdir/good.txt" 2>/dev/null
assert_eq "$(wc -l <"$tmpdir/good.txt")" 432 "rows of the undamaged table"

t=$tmpdir/t
cp -r "$spark" "$t"
cp420=$t/_delta_log/00000000000000000420.checkpoint.parquet
cp410=$t/_delta_log/00000000000000000410.checkpoint.parquet
# ---- truncated latest checkpoint: the previous one + 10 commits ----
truncate -s 1000 "$cp420"
scan "$t" >"$tmpdir/rows.txt" 2>"$tmpdir/err.txt" || fail "scan with a truncated checkpoint failed: $(cat "$tmpdir/err.txt")"
grep -q "warn .*checkpoint _delta_log/00000000000000000420.checkpoint.parquet is unreadable (.*PAR1.*); reading the table without it" \
  "$tmpdir/err.txt" || fail "no warning naming the truncated checkpoint: $(cat "$tmpdir/err.txt")"
grep -q "^snapshot: version 420 from checkpoint 410 + 10 JSON commits$" "$tmpdir/err.txt" ||
  fail "did not fall back to checkpoint 410: $(cat "$tmpdir/err.txt")"
diff -q "$tmpdir/good.txt" "$tmpdir/rows.txt" >/dev/null || fail "rows differ with a truncated checkpoint"
# ---- the previous one corrupt too (bytes flipped in its middle): the JSON commits alone ----
size=$(stat -c %s "$cp410")
printf 'garbage!' | dd of="$cp410" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
head -c 4 /dev/zero | dd of="$cp410" bs=1 seek=$((size - 4)) conv=notrunc 2>/dev/null
scan "$t" >"$tmpdir/rows.txt" 2>"$tmpdir/err.txt" || fail "scan with two bad checkpoints failed: $(cat "$tmpdir/err.txt")"
assert_eq "$(grep -c 'is unreadable' "$tmpdir/err.txt")" 2 "warnings for two bad checkpoints"
grep -q "^snapshot: version 420 from checkpoint 400 + 20 JSON commits$" "$tmpdir/err.txt" ||
  fail "did not fall back to checkpoint 400: $(cat "$tmpdir/err.txt")"
diff -q "$tmpdir/good.txt" "$tmpdir/rows.txt" >/dev/null || fail "rows differ with two bad checkpoints"
# ---- every describe, history and vacuum works too ----
"$SILT" table describe "$t" >"$tmpdir/desc.txt" 2>/dev/null || fail "describe failed with bad checkpoints"
grep -q "^loaded from: *checkpoint 400 + 20 JSON commits$" "$tmpdir/desc.txt" || fail "describe: $(cat "$tmpdir/desc.txt")"
grep -q "^checkpoint: *420 is unreadable: the table was read without it" "$tmpdir/desc.txt" ||
  fail "describe does not say the checkpoint is unreadable: $(grep checkpoint "$tmpdir/desc.txt")"
"$SILT" table vacuum --dry-run "$t" >/dev/null 2>&1 || fail "vacuum failed with bad checkpoints"
# ---- `silt table checkpoint` repairs it ----
"$SILT" table checkpoint "$t" >"$tmpdir/cp.txt" 2>/dev/null || fail "checkpoint failed"
assert_eq "$(cat "$tmpdir/cp.txt")" "_delta_log/00000000000000000420.checkpoint.parquet" "checkpoint written"
scan "$t" >"$tmpdir/rows.txt" 2>"$tmpdir/err.txt"
grep -q "warn" "$tmpdir/err.txt" && fail "warnings after a new checkpoint: $(cat "$tmpdir/err.txt")"
grep -q "^snapshot: version 420 from checkpoint 420 + 0 JSON commits$" "$tmpdir/err.txt" ||
  fail "the new checkpoint is not used: $(cat "$tmpdir/err.txt")"
diff -q "$tmpdir/good.txt" "$tmpdir/rows.txt" >/dev/null || fail "rows differ after the new checkpoint"
# ---- _last_checkpoint names a checkpoint that is gone ----
rm "$cp420"
scan "$t" >"$tmpdir/rows.txt" 2>"$tmpdir/err.txt" || fail "scan without the named checkpoint failed"
grep -q "_last_checkpoint names version 420 but that checkpoint is missing" "$tmpdir/err.txt" ||
  fail "no warning about _last_checkpoint: $(cat "$tmpdir/err.txt")"
diff -q "$tmpdir/good.txt" "$tmpdir/rows.txt" >/dev/null || fail "rows differ without the named checkpoint"
pass "truncated, corrupt and missing checkpoints: warned, the same 432 rows, repaired by 'silt table checkpoint'"

# ---- a 0-byte commit file ----
t2=$tmpdir/t2
cp -r "$spark" "$t2"
: >"$t2/_delta_log/00000000000000000415.json"
out=$("$SILT" table scan --version 419 "$t2" 2>&1 >/dev/null) && fail "a table with an empty commit was read"
case $out in *"_delta_log/00000000000000000415.json is empty (0 bytes): a Delta commit file always holds at least one action"*"not written completely"*) ;;
  *) fail "unclear error for an empty commit: $out" ;; esac
pass "a 0-byte commit file is an error naming it: ${out:0:120}..."
