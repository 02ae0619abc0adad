#!/usr/bin/env bash
# STREAM read_files(...) exactly once across crashes: while files keep arriving, `silt pipeline
# run` is killed with SIGKILL at random moments (READ_FILES_KILLS, default 6) and restarted
# (batches of 2 files, so that kills fall between the quarantine, event log and table commits);
# at the end every line of every file is in the table or the quarantine exactly once, the table
# equals DuckDB's reading of the files, and the event log counts every line once.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/pipeline.sh"

KILLS=${READ_FILES_KILLS:-6}
in=$tmpdir/in
mkdir -p "$in"
cat >"$tmpdir/p.sql" <<'EOF'
CREATE OR REFRESH STREAMING TABLE events (
  CONSTRAINT has_id EXPECT (id IS NOT NULL) ON VIOLATION QUARANTINE
) AS SELECT id, amount FROM STREAM read_files('${IN}', format => 'json', schema => 'id BIGINT, amount DOUBLE');
EOF
# file i: 200 rows; every 5th file also has a line that does not decode and a row without id
gen() {
  for j in $(seq 1 200); do printf '{"id": %d, "amount": %d.5}\n' $(($1 * 1000 + j)) "$j"; done
  if [ $(($1 % 5)) = 0 ]; then printf '%s\n' '{"id": "x"}' '{"amount": 1}'; fi
}
n_files=0
add_files() { for _ in $(seq "$1"); do n_files=$((n_files + 1)); gen "$n_files" >"$in/.tmp" && mv "$in/.tmp" "$in/f$(printf %04d "$n_files").json"; done; }
add_files 30
P=("$tmpdir/p.sql" --var IN="$in" --lake "$tmpdir/lake" --trigger 100ms --max-versions 2 --progress 0)
commits() { { find "$tmpdir/lake/events/_delta_log" -name '*.json' 2>/dev/null || true; } | wc -l; }

RANDOM=$$
hits=0
for k in $(seq "$KILLS"); do
  before=$(commits)
  "$SILT" pipeline run "${P[@]}" 2>>"$tmpdir/killed.log" &
  pid=$!
  end=$((SECONDS + 30))
  while [ "$SECONDS" -lt "$end" ] && [ "$(commits)" -le "$before" ]; do sleep 0.05; done
  [ "$(commits)" -gt "$before" ] && hits=$((hits + 1))
  sleep "0.$((RANDOM % 10))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  add_files 3
done
echo "kills while writing: $hits of $KILLS"
[ "$hits" -ge $((KILLS / 2)) ] || fail "only $hits of $KILLS kills came while the pipeline wrote"
"$SILT" pipeline run "${P[@]}" --until-caught-up 2>"$tmpdir/final.log" ||
  fail "final run failed: $(tail -5 "$tmpdir/final.log")"

sql() { "$SILT" sql --format canonical "$1" || fail "silt sql failed: $1"; }
T="delta.\`$tmpdir/lake/events\`"
Q="delta.\`$tmpdir/lake/events_quarantine\`"
oracle --sql "SELECT id, amount FROM read_json('$in/*.json', format = 'newline_delimited',
  columns = {id: 'BIGINT', amount: 'DOUBLE'}, ignore_errors = true) WHERE id IS NOT NULL" >"$tmpdir/want"
sql "SELECT id, amount FROM $T" >"$tmpdir/got"
rows_same events "$tmpdir/got" "$tmpdir/want"
assert_eq "$(sql "SELECT count(*) - count(DISTINCT id) FROM $T")" 0 "rows written twice"
bad=$((n_files / 5))
assert_eq "$(sql "SELECT count(*), count(DISTINCT _file || ':' || _line) FROM $Q" | tr '\t' ' ')" \
  "$((2 * bad)) $((2 * bad))" "quarantined rows (each once)"
lines=$((n_files * 200 + 2 * bad))
read -r rd wr qu <<<"$(sql "SELECT sum(rows_read), sum(rows_written), sum(rows_quarantined)
  FROM delta.\`$tmpdir/lake/_event_log\` WHERE table_name = 'events' AND error IS NULL" | tr '\t' ' ')"
assert_eq "$rd $wr $qu" "$lines $((n_files * 200)) $((2 * bad))" "event log: lines read, written, quarantined"
pass "$n_files files, $KILLS SIGKILLs: every line once in the table or the quarantine, and once in the event log"
