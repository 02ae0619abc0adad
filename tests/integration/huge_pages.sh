#!/usr/bin/env bash
# Transparent huge pages (src/cli/main.c): where the kernel gives them on request (madvise
# mode), silt sets glibc.malloc.hugetlb=1 and starts itself again once, keeping any other glibc
# tunable; SILT_HUGE_PAGES=0, another mode, or a sanitizer build (its own allocator) leave it
# as started. With huge pages, a query that allocates half a GiB faults in a fraction of the
# pages it faults without, and gives the same answer.
source "$(dirname "$0")/../lib/common.sh"

mode=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo none)
sanitized=no
if ldd "$SILT" | grep -Eq 'lib(asan|tsan)'; then sanitized=yes; fi
want=1
if [[ $mode == *"[madvise]"* && $sanitized == no ]]; then want=2; fi

# the execve calls of one `silt version` (env's own left out), with their environments (the
# leak checker of an ASan build cannot run under strace's ptrace)
execs() {
  ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
    strace -f -v -s 2000 -e trace=execve -o "$tmpdir/strace.txt" "$@" "$SILT" version >/dev/null
  grep 'execve(' "$tmpdir/strace.txt" | grep -vc 'execve("[^"]*/env"'
}
assert_eq "$(execs env -u GLIBC_TUNABLES)" "$want" "execve calls of silt version (THP mode '$mode', sanitizer build: $sanitized)"
if [ "$want" = 2 ]; then
  grep -q "execve(\"$(readlink -f "$SILT")\".*\"GLIBC_TUNABLES=glibc.malloc.hugetlb=1\"" "$tmpdir/strace.txt" ||
    fail "silt did not start itself again with glibc.malloc.hugetlb=1: $(cat "$tmpdir/strace.txt")"
  assert_eq "$(execs env GLIBC_TUNABLES=glibc.malloc.arena_max=4)" 2 "execve calls with another tunable set"
  grep -q '"GLIBC_TUNABLES=glibc.malloc.arena_max=4:glibc.malloc.hugetlb=1"' "$tmpdir/strace.txt" ||
    fail "the tunable already set was not kept: $(cat "$tmpdir/strace.txt")"
  assert_eq "$(execs env GLIBC_TUNABLES=glibc.malloc.hugetlb=0)" 1 "execve calls when the tunable is already set"
  "$SILT" kafka-dev --brokers 1 --topic t:1 --bootstrap-file "$tmpdir/boot" >"$tmpdir/dev.log" 2>&1 &
  _silt_pids+=("$!")
  for _ in $(seq 100); do [ -s "$tmpdir/boot" ] && break; sleep 0.1; done
  assert_eq "$(cat "/proc/$!/comm")" "$(basename "$(readlink -f "$SILT")" | cut -c1-15)" "the process name after the second start"
  pass "silt starts itself again once with glibc.malloc.hugetlb=1, keeping other tunables"
fi
assert_eq "$(execs env SILT_HUGE_PAGES=0)" 1 "execve calls with SILT_HUGE_PAGES=0"
pass "SILT_HUGE_PAGES=0 leaves silt as started"

# the effect: minor page faults of a query over 2,000,000 rows, with and without
seq 1 2000000 | awk 'BEGIN { print "id,s" } { printf "%d,row-%060d\n", $1, $1 }' >"$tmpdir/rows.csv"
q="SELECT count(DISTINCT s), max(length(s)), sum(id) FROM csv.\`$tmpdir/rows.csv\`"
/usr/bin/time -f %R -o "$tmpdir/on.txt" "$SILT" sql --format csv "$q" >"$tmpdir/on.csv"
SILT_HUGE_PAGES=0 /usr/bin/time -f %R -o "$tmpdir/off.txt" "$SILT" sql --format csv "$q" >"$tmpdir/off.csv"
assert_eq "$(tail -1 "$tmpdir/on.csv")" "2000000,64,2000001000000" "the query's answer with huge pages"
assert_eq "$(tail -1 "$tmpdir/off.csv")" "2000000,64,2000001000000" "the query's answer without"
on=$(tail -1 "$tmpdir/on.txt")
off=$(tail -1 "$tmpdir/off.txt")
if [ "$want" = 2 ]; then
  [ "$((on * 4))" -lt "$off" ] || fail "huge pages did not cut the page faults: $on with, $off without"
  pass "huge pages: $on page faults against $off without, same answer"
else
  pass "no huge pages asked for here ($mode): $on and $off page faults, same answer"
fi
