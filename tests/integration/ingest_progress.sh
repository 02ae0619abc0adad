#!/usr/bin/env bash
# silt ingest's progress line: while it catches up on a pre-filled topic it reports rows, commits,
# rows/s, the table version, the last commit's duration and the lag, in total and per partition;
# the last line is a summary that agrees with the table.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/kafka.sh"

kafka_dev --brokers 1 --topic pg:3
N=200000
"$SILT" produce -b "$boot" -t pg --generate $N --compression zstd kafka.linger.ms=20 \
  2>"$tmpdir/produce.log" || fail "produce failed: $(tail -3 "$tmpdir/produce.log")"

T="$tmpdir/lake/bronze_pg"
# a progress line every 10 ms, so that several fall inside the catch-up
"$SILT" ingest -b "$boot" -t pg --table "$T" --until-caught-up --trigger 100ms --progress 10ms \
  kafka.session.timeout.ms=6000 2>"$tmpdir/ingest.log" ||
  fail "ingest failed: $(tail -5 "$tmpdir/ingest.log")"
grep '^ingest: [0-9]' "$tmpdir/ingest.log" >"$tmpdir/lines" || fail "no progress line: $(cat "$tmpdir/ingest.log")"
re='^ingest: [0-9]+ rows in [0-9]+ commits \([0-9]+ rows/s\), table version -?[0-9]+ \(last commit [0-9]+ ms\), lag ([0-9]+|\?)'
bad=$(grep -Evc "$re" "$tmpdir/lines" || true)
assert_eq "$bad" 0 "progress lines not in the documented form ($(grep -Ev "$re" "$tmpdir/lines" | head -2))"
pass "$(wc -l <"$tmpdir/lines") progress lines, each with rows, commits, rows/s, version, last commit, lag"

# while behind: the lag in total and per partition, pg[0..2], adding up
lagged=$(grep -E 'lag [1-9][0-9]* \(pg\[0\]=[0-9]+ pg\[1\]=[0-9]+ pg\[2\]=[0-9]+\)' "$tmpdir/lines" | head -1)
[ -n "$lagged" ] || fail "no line shows a per-partition lag: $(head -5 "$tmpdir/lines")"
total=$(sed -E 's/.*lag ([0-9]+) .*/\1/' <<<"$lagged")
sum=$(grep -oE 'pg\[[0-9]\]=[0-9]+' <<<"$lagged" | cut -d= -f2 | awk '{ s += $1 } END { print s }')
assert_eq "$sum" "$total" "per-partition lags add up to the total ($lagged)"
[ "$total" -le $N ] || fail "lag $total exceeds the $N messages in the topic"
pass "lag reported per partition while behind: $lagged"

# rows grow line by line, and the summary agrees with the table
prev=0
while read -r _ rows _; do
  [ "$rows" -ge "$prev" ] || fail "rows went back from $prev to $rows"
  prev=$rows
done <"$tmpdir/lines"
summary=$(grep '^ingest: done: ' "$tmpdir/ingest.log") || fail "no summary: $(tail -3 "$tmpdir/ingest.log")"
[[ "$summary" =~ ^ingest:\ done:\ $N\ rows\ .*\ in\ [0-9]+\ commits,\ .*rows/s ]] || fail "summary: $summary"
n_table=$("$SILT_BUILD/tool_bronze_dump" "$T" | wc -l)
assert_eq "$n_table" $N "rows in the table"
pass "summary: $summary"
