#!/usr/bin/env bash
# A micro-batch that writes many partitions (here 40 dates) publishes its files without an
# fsync each and makes them durable with one syncfs(2) before the commit that adds them
# (silt_store_defer_sync): strace sees no fsync of a file or folder under the partitions, at
# least one syncfs, and the table holds every row. A batch of few partitions keeps an fsync
# per file.
source "$(dirname "$0")/../lib/common.sh"
command -v strace >/dev/null || fail "strace is not installed (scripts/install-deps installs it)"
# LeakSanitizer cannot run under ptrace: leaks are left to the other tests in `make asan`
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

in=$tmpdir/in
mkdir -p "$in"
cat >"$tmpdir/p.sql" <<'SQL'
CREATE OR REFRESH STREAMING TABLE events PARTITIONED BY (day)
AS SELECT id, amount, to_date(d, 'yyyy-MM-dd') AS day
   FROM STREAM read_files('${IN}/*.json', format => 'json',
                          schema => 'id BIGINT, amount DOUBLE, d STRING');
SQL
for i in $(seq 0 399); do
  printf '{"id": %d, "amount": %d.5, "d": "2026-01-%02d"}\n' "$i" "$i" $((i % 40 / 2 + 1))
  printf '{"id": %d, "amount": %d.5, "d": "2026-02-%02d"}\n' "$((i + 1000))" "$i" $((i % 40 / 2 + 1))
done >"$in/a.json"
sleep 0.3 # older than the settle time
strace -f -qq -y -e trace=fsync,fdatasync,syncfs -o "$tmpdir/trace" \
  "$SILT" pipeline run "$tmpdir/p.sql" --var IN="$in" --lake "$tmpdir/lake" --until-caught-up \
  --trigger 100ms --progress 0 2>"$tmpdir/run.log" || fail "pipeline run failed: $(tail -5 "$tmpdir/run.log")"
parts=$(find "$tmpdir/lake/events" -name 'day=*' -type d | wc -l)
assert_eq "$parts" 40 "partition folders"
rows=$("$SILT" sql --format csv "SELECT count(*) AS n, count(DISTINCT id) AS d FROM delta.\`$tmpdir/lake/events\`" | tail -1)
assert_eq "$rows" "800,800" "rows in the table"
part_fsyncs=$(grep -E '^[0-9]+ +f(data)?sync\(' "$tmpdir/trace" | grep -c 'day=' || true)
syncfs=$(grep -cE '^[0-9]+ +syncfs\(' "$tmpdir/trace" || true)
assert_eq "$part_fsyncs" 0 "fsyncs under the partitions"
[ "$syncfs" -ge 1 ] || fail "no syncfs: $(head -20 "$tmpdir/trace")"
pass "40 partitions written with $syncfs syncfs and no fsync under them; 800 rows"

# few partitions: an fsync per file, no syncfs
printf '{"id": 1, "amount": 1.5, "d": "2026-03-01"}\n{"id": 2, "amount": 2.5, "d": "2026-03-02"}\n' \
  >"$tmpdir/in/b.json"
sleep 0.3
strace -f -qq -y -e trace=fsync,fdatasync,syncfs -o "$tmpdir/trace2" \
  "$SILT" pipeline run "$tmpdir/p.sql" --var IN="$in" --lake "$tmpdir/lake" --until-caught-up \
  --trigger 100ms --progress 0 2>"$tmpdir/run2.log" || fail "second run failed: $(tail -5 "$tmpdir/run2.log")"
few=$(grep -E '^[0-9]+ +fsync\(' "$tmpdir/trace2" | grep -c 'day=2026-03-0[12]' || true)
[ "$few" -ge 2 ] || fail "a batch of two partitions should fsync its files: $(grep day= "$tmpdir/trace2" | head)"
assert_eq "$(grep -cE '^[0-9]+ +syncfs\(' "$tmpdir/trace2" || true)" 0 "syncfs for two partitions"
rows=$("$SILT" sql --format csv "SELECT count(*) AS n FROM delta.\`$tmpdir/lake/events\`" | tail -1)
assert_eq "$rows" 802 "rows after the second file"
pass "a batch of two partitions fsyncs each file"
