#!/usr/bin/env bash
# STREAM read_files(...): a streaming table over a folder picks up the files added while the
# pipeline runs (JSON lines written in place or written then renamed), each once: the table
# equals DuckDB's reading of the same files; lines that do not decode go to the quarantine with
# the decoder's reason, rows that break an expectation as the expectation says. Then CSV and
# Parquet folders, with a bad record and a file that is not Parquet. (The kill test is
# pipeline_read_files_kill.sh.)
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/pipeline.sh"

in=$tmpdir/in
mkdir -p "$in"
cat >"$tmpdir/p.sql" <<'EOF'
CREATE OR REFRESH STREAMING TABLE events (
  CONSTRAINT has_id   EXPECT (id IS NOT NULL) ON VIOLATION QUARANTINE,
  CONSTRAINT positive EXPECT (amount > 0)     ON VIOLATION DROP ROW
) AS SELECT id, amount, upper(name) AS name
     FROM STREAM read_files('${IN}/*.json', format => 'json',
                            schema => 'id BIGINT, amount DOUBLE, name STRING');
CREATE OR REFRESH MATERIALIZED VIEW totals AS SELECT count(*) AS n, sum(amount) AS s FROM events;
EOF
# file i: 50 rows, ids i*1000+j, amounts j - 5 (some not positive: dropped)
gen() { for j in $(seq 1 50); do printf '{"id": %d, "amount": %d.25, "name": "n%d"}\n' $(($1 * 1000 + j)) $((j - 5)) "$j"; done; }
for i in 1 2 3; do gen "$i" >"$in/f$i.json"; done # before the start
sql() { "$SILT" sql --format canonical "$1" || fail "silt sql failed: $1"; }
count() { "$SILT" sql --format canonical "SELECT count(*) FROM delta.\`$1\`" 2>/dev/null || echo 0; }

"$SILT" pipeline run "$tmpdir/p.sql" --var IN="$in" --lake "$tmpdir/lake" --trigger 200ms \
  --progress 0 2>"$tmpdir/run.log" &
run=$!
_silt_pids+=("$run")
# files arrive while it runs: written in place in one go, or written then renamed from a
# hidden name (the way for writers that take their time), and one with bad lines
for i in $(seq 4 15); do
  # (in place: the whole file in one write(); a writer that pauses in the middle must rename)
  if [ $((i % 2)) = 0 ]; then content=$(gen "$i"); printf '%s\n' "$content" >"$in/f$i.json"
  else gen "$i" >"$in/.f$i.json.part" && mv "$in/.f$i.json.part" "$in/f$i.json"; fi
  sleep 0.$((RANDOM % 4))
done
printf '%s\n' '{"id": 99001, "amount": "abc", "name": "x"}' 'not json at all' \
  '{"amount": 7.5, "name": "no id"}' '{"id": 99004, "amount": -1, "name": "neg"}' \
  '{"id": 99005, "amount": 2.5, "name": "ok"}' >"$in/g_bad.json"
echo '{"id": 1, "amount": 1}' >"$in/ignored.txt" # not *.json: not read

# expected: DuckDB over the same files
oracle --sql "SELECT id, amount, upper(name) FROM read_json('$in/*.json', format = 'newline_delimited',
  columns = {id: 'BIGINT', amount: 'DOUBLE', name: 'VARCHAR'}, ignore_errors = true)
  WHERE amount > 0 AND id IS NOT NULL" >"$tmpdir/want"
want=$(wc -l <"$tmpdir/want")
end=$((SECONDS + 180))
while [ "$SECONDS" -lt "$end" ] && [ "$(count "$tmpdir/lake/events")" -lt "$want" ]; do sleep 0.2; done
kill -TERM "$run"
wait "$run" || fail "the pipeline failed: $(tail -5 "$tmpdir/run.log")"
sql "SELECT id, amount, name FROM delta.\`$tmpdir/lake/events\`" >"$tmpdir/got"
rows_same events "$tmpdir/got" "$tmpdir/want"

# the quarantine: the two lines that do not decode (with the reason) and the row without id
sql "SELECT _file, _line, CAST(_raw AS STRING), _expectations, _reason FROM delta.\`$tmpdir/lake/events_quarantine\` ORDER BY _line" >"$tmpdir/q"
assert_eq "$(wc -l <"$tmpdir/q")" 3 "quarantined rows"
grep -F '"g_bad.json"	1	' "$tmpdir/q" | grep -F "field 'amount': expected double, got string" >/dev/null ||
  fail "line 1 of g_bad.json: $(cat "$tmpdir/q")"
grep -F '"g_bad.json"	2	"not json at all"	"[]"	"invalid JSON' "$tmpdir/q" >/dev/null || fail "line 2: $(cat "$tmpdir/q")"
grep -F '"g_bad.json"	3	null	"[\"has_id\"]"	null' "$tmpdir/q" >/dev/null || fail "line 3: $(cat "$tmpdir/q")"
# the event log counts every line once: read = written + dropped + quarantined
read -r rd wr dr qu <<<"$(sql "SELECT sum(rows_read), sum(rows_written), sum(rows_dropped), sum(rows_quarantined)
  FROM delta.\`$tmpdir/lake/_event_log\` WHERE table_name = 'events'" | tr '\t' ' ')"
assert_eq "$rd" $((15 * 50 + 5)) "lines read by the event log"
assert_eq "$((wr + dr + qu))" "$rd" "written + dropped + quarantined"
assert_eq "$wr" "$want" "rows written by the event log"
assert_eq "$(sql "SELECT n FROM delta.\`$tmpdir/lake/totals\`")" "$want" "the view over the table"
"$SILT" pipeline status "$tmpdir/p.sql" --var IN="$in" --lake "$tmpdir/lake" >"$tmpdir/status" ||
  fail "status failed"
grep -E '^  position     read_files: batch [0-9]+, 16 files done$' "$tmpdir/status" >/dev/null ||
  fail "status: $(cat "$tmpdir/status")"
pass "read_files while running: $want rows from 16 files, 3 quarantined, the view follows"

# ---- CSV and Parquet
mkdir -p "$tmpdir/csv" "$tmpdir/pq"
printf 'id,amount,name\n1,1.5,a\n2,x,b\n3,,c\n' >"$tmpdir/csv/a.csv"
printf 'id,amount,name\n4,4.5,"d, e"\n' >"$tmpdir/csv/b.csv"
oracle --sql "COPY (SELECT range AS id, CAST(range * 1.5 AS DOUBLE) AS amount, 'p' || range AS name
  FROM range(10, 20)) TO '$tmpdir/pq/a.parquet' (FORMAT parquet)" >/dev/null
head -c 100 "$tmpdir/pq/a.parquet" >"$tmpdir/pq/b.parquet"
cat >"$tmpdir/f.sql" <<'EOF'
CREATE OR REFRESH STREAMING TABLE from_csv
AS SELECT * FROM STREAM read_files('${CSV}', format => 'csv', schema => 'id INT, amount DOUBLE, name STRING');
CREATE OR REFRESH STREAMING TABLE from_parquet AS SELECT id, amount FROM STREAM read_files('${PQ}', format => 'parquet');
EOF
"$SILT" pipeline run "$tmpdir/f.sql" --var CSV="$tmpdir/csv" --var PQ="$tmpdir/pq" --lake "$tmpdir/lake2" \
  --until-caught-up --trigger 200ms --progress 0 2>"$tmpdir/f.log" || fail "csv/parquet run: $(tail -5 "$tmpdir/f.log")"
assert_eq "$(sql "SELECT id, amount, name FROM delta.\`$tmpdir/lake2/from_csv\` ORDER BY id" | tr '\t\n' ',;')" \
  "1,1.5,\"a\";3,null,\"c\";4,4.5,\"d, e\";" "csv rows"
sql "SELECT _file, _line, _reason FROM delta.\`$tmpdir/lake2/from_csv_quarantine\`" >"$tmpdir/cq"
grep -F "\"a.csv\"	3	\"field 'amount'" "$tmpdir/cq" >/dev/null || fail "csv quarantine: $(cat "$tmpdir/cq")"
oracle --sql "SELECT id, amount FROM read_parquet('$tmpdir/pq/a.parquet')" >"$tmpdir/pwant"
sql "SELECT id, amount FROM delta.\`$tmpdir/lake2/from_parquet\`" >"$tmpdir/pgot"
rows_same from_parquet "$tmpdir/pgot" "$tmpdir/pwant"
sql "SELECT _file, _line, _reason FROM delta.\`$tmpdir/lake2/from_parquet_quarantine\`" >"$tmpdir/pq.q"
assert_eq "$(wc -l <"$tmpdir/pq.q")" 1 "parquet quarantine rows"
grep -F '"b.parquet"	null	' "$tmpdir/pq.q" >/dev/null || fail "parquet quarantine: $(cat "$tmpdir/pq.q")"
pass "read_files csv and parquet: rows as DuckDB reads them; a bad record and a broken file quarantined"
