#!/usr/bin/env bash
# scripts/check-code-size fails when it should: on the fixture's 81-line function (and not on
# its 80-line one), on a file over 800 lines unless its opening comment gives a "size:" reason,
# and passes again once the allowlist names the offender.
source "$(dirname "$0")/../lib/common.sh"
check=$SILT_ROOT/scripts/check-code-size
fixtures=$SILT_ROOT/tests/selftest/code_size
: >"$tmpdir/none.txt"

# the fixture: too_long (81 lines) reported with file:line, length and name; just_fits not
if "$check" --allow "$tmpdir/none.txt" "$fixtures" >"$tmpdir/out.txt" 2>&1; then
  cat "$tmpdir/out.txt" >&2
  fail "the checker passed a function of 81 lines"
fi
grep -qx "$fixtures/too_long.c:[0-9]*: function too_long is 81 lines (limit 80)" "$tmpdir/out.txt" ||
  { cat "$tmpdir/out.txt" >&2; fail "no 'too_long is 81 lines' line with file:line"; }
! grep -q just_fits "$tmpdir/out.txt" || fail "a function of exactly 80 lines was reported"
pass "an 81-line function fails the check, an 80-line one does not"

# the allowlist lets a named offender through, and notes entries that match nothing
printf '# known\n%s\n%s\n' "$fixtures/too_long.c:too_long" "src/gone.c:old" >"$tmpdir/allow.txt"
"$check" --allow "$tmpdir/allow.txt" "$fixtures" >"$tmpdir/out2.txt" 2>&1 ||
  { cat "$tmpdir/out2.txt" >&2; fail "an allowlisted function still failed the check"; }
grep -q 'entry "src/gone.c:old" matches no offender' "$tmpdir/out2.txt" ||
  fail "a stale allowlist entry was not noted"
pass "the allowlist lets a named function through and notes stale entries"

# files: 801 lines fail, unless the opening comment says why
mkdir -p "$tmpdir/big"
{ echo "/* A generated file of 801 lines. */"; for i in $(seq 800); do echo "int v$i = $i;"; done; } \
  >"$tmpdir/big/big.c"
if "$check" --allow "$tmpdir/none.txt" "$tmpdir/big" >"$tmpdir/out3.txt" 2>&1; then
  fail "the checker passed a file of 801 lines"
fi
grep -qx "$tmpdir/big/big.c:1: file is 801 lines (limit 800)" "$tmpdir/out3.txt" ||
  { cat "$tmpdir/out3.txt" >&2; fail "no 'file is 801 lines' line"; }
{ echo "/* A generated table."; echo " * size: one entry per line, generated"; echo " */";
  for i in $(seq 800); do echo "int v$i = $i;"; done; } >"$tmpdir/big/big.c"
"$check" --allow "$tmpdir/none.txt" "$tmpdir/big" >"$tmpdir/out4.txt" 2>&1 ||
  { cat "$tmpdir/out4.txt" >&2; fail "a file with a size: reason failed the check"; }
pass "a file over 800 lines fails unless its opening comment has a size: reason"
