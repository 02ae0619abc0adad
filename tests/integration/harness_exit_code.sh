#!/usr/bin/env bash
# The harness fails loudly: a CTest directory holding one deliberately failing cmocka test makes
# both ctest and `make ctest` (what `make test` and .ci/run end in) exit non-zero.
source "$(dirname "$0")/../lib/common.sh"
bin="$SILT_BUILD/selftest_deliberate_failure"
[ -x "$bin" ] || fail "missing $bin"
mkdir -p "$tmpdir/ct"
printf 'add_test(deliberate_failure "%s")\n' "$bin" > "$tmpdir/ct/CTestTestfile.cmake"
if (cd "$tmpdir/ct" && ctest >/dev/null 2>&1); then fail "ctest exited 0 with a failing test"; fi
pass "ctest exits non-zero on a failing test"
if make -s -C "$SILT_ROOT" ctest BUILD="$tmpdir/ct" >/dev/null 2>&1; then
  fail "make ctest exited 0 with a failing test"
fi
pass "make ctest exits non-zero on a failing test"
