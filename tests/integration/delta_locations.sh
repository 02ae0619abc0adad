#!/usr/bin/env bash
# Table locations on the command line: file: URIs as Spark and delta-rs take them (file:///abs,
# file:/abs, percent-escapes) name the same table as the plain path; file:relative, other schemes
# and mem: (in-memory tables vanish with the process) are refused with the forms that work, and
# no folder is created for them; a path that is a regular file is said to be a file. And no
# `silt table` command prints version -1 for a table that exists.
source "$SILT_ROOT/tests/lib/common.sh"
spark=$SILT_FIXTURES/spark-streaming-table
t="$tmpdir/my table"
cp -r "$spark" "$t"
cd "$tmpdir"

want=$("$SILT" table describe "$t" | head -2)
for loc in "file://$t" "file:$t" "file://localhost$t" "file://${t// /%20}" "my table" "./my table"; do
  got=$("$SILT" table describe "$loc" 2>&1 | head -2) || fail "describe '$loc' failed: $got"
  assert_eq "$got" "$want" "describe '$loc'"
done
pass "file:///abs, file:/abs, file://localhost/abs, %20 escapes and relative paths name the same table"

refused() { # refused LOCATION EXPECTED-TEXT: every table command refuses LOCATION with the text
  local sub out
  for sub in describe history scan vacuum optimize checkpoint; do
    out=$("$SILT" table $sub "$1" 2>&1) && fail "table $sub accepted '$1'"
    case $out in *"$2"*) ;; *) fail "table $sub '$1': unclear error: $out" ;; esac
  done
}
refused "file:t" "a file: URI needs an absolute path (file:///abs/path or file:/abs/path)"
refused "mem://t" "in-memory tables vanish when the process exits"
refused "s3:bucket/t" "unsupported scheme 's3'"
refused "file://host/t" "would be a remote host"
[ -z "$(ls -A "$tmpdir" | grep -v '^my table$' | grep -v '^dev')" ] ||
  fail "refused locations left something behind: $(ls -A "$tmpdir")"
refused "$t/_delta_log/00000000000000000000.json" "is a file, not a table folder"
pass "file:relative, mem:, other schemes and a file refused with a clear message, nothing created"

# ---- no version -1 for a table that exists ----
for v in 0 420; do
  "$SILT" table describe --version $v "$t" | grep >/dev/null "^version: *$v (committed 20" ||
    fail "describe --version $v: $("$SILT" table describe --version $v "$t" | sed -n 2p)"
done
out=$({ "$SILT" table describe "$t"; "$SILT" table history -n 3 "$t"; "$SILT" table vacuum --dry-run "$t"
        "$SILT" table optimize "$t"; "$SILT" table optimize "$t"; "$SILT" table checkpoint "$t"; } 2>&1)
echo "$out" | grep -i -- "version -1\|version: *-1\|^-1" && fail "a table command printed version -1"
echo "$out" | grep >/dev/null "^version 421: 421 files" || fail "optimize did not report version 421: $out"
pass "describe, history, vacuum, optimize and checkpoint print no version -1"
