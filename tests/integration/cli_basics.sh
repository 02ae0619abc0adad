#!/usr/bin/env bash
# The command line behaves as documented: --help, version, typo'd commands and options suggest
# the closest valid name, and exit codes are 0 (ok), 1 (runtime error), 2 (usage error).
source "$(dirname "$0")/../lib/common.sh"

out=$("$SILT" --help) || fail "silt --help exited $?"
grep -q "Usage: silt <command>" <<<"$out" || fail "--help lacks usage: $out"
grep -q "version" <<<"$out" || fail "--help does not list version"
pass "silt --help"

set +e
"$SILT" >/dev/null 2>"$tmpdir/err"; rc=$?
set -e
assert_eq "$rc" 2 "silt without a command"
grep -q "Usage" "$tmpdir/err" || fail "no usage on stderr"
pass "silt without a command is a usage error"

out=$("$SILT" version)
grep -q "^silt 0\." <<<"$out" || fail "version line: $out"
for lib in librdkafka zstd zlib lz4 snappy jansson libcurl openssl libmicrohttpd; do
  grep -q "$lib" <<<"$out" || fail "version does not name $lib"
done
grep -q "git revision:" <<<"$out" || fail "no git revision"
grep -q "build type:" <<<"$out" || fail "no build type"
[ "$("$SILT" version --short)" = "$("$SILT" --version | head -1 | awk '{print $2}')" ] \
  || fail "--short and --version disagree"
pass "silt version"

set +e
"$SILT" versoin >/dev/null 2>"$tmpdir/err"; rc=$?
set -e
assert_eq "$rc" 2 "typo'd command exit code"
grep -q "unknown command 'versoin'; did you mean 'version'?" "$tmpdir/err" \
  || fail "typo'd command: $(cat "$tmpdir/err")"
pass "typo'd command suggests the closest"

set +e
"$SILT" version --shrot >/dev/null 2>"$tmpdir/err"; rc=$?
set -e
assert_eq "$rc" 2 "typo'd option exit code"
grep -q "unknown option --shrot; did you mean --short?" "$tmpdir/err" \
  || fail "typo'd option: $(cat "$tmpdir/err")"
pass "typo'd option suggests the closest"

out=$("$SILT" help version) || fail "silt help version exited $?"
grep -q "Usage: silt version" <<<"$out" || fail "help version: $out"
out=$("$SILT" version --help) || fail "silt version --help exited $?"
grep -q -- "--short" <<<"$out" || fail "version --help lacks --short"
pass "command help"
