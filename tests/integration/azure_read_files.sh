#!/usr/bin/env bash
# STREAM read_files(...) over a folder on Azure (Azurite): the schema inferred from the first
# file, files uploaded between runs picked up once each, a bad line quarantined; the table
# equals DuckDB's reading of the same files.
source "$SILT_ROOT/tests/lib/common.sh"
source "$SILT_ROOT/tests/lib/azure.sh"
source "$SILT_ROOT/tests/lib/pipeline.sh"
SILT_BUILD=${SILT_BUILD:-$SILT_ROOT/build}

azurite --memory
az_container landing
gen() { for j in $(seq 1 40); do printf '{"id": %d, "amount": %d.5}\n' $(($1 * 100 + j)) "$j"; done; }
mkdir -p "$tmpdir/up1" "$tmpdir/up2" "$tmpdir/all"
for i in 1 2; do gen "$i" >"$tmpdir/up1/f$i.json"; done
for i in 3 4; do gen "$i" >"$tmpdir/up2/f$i.json"; done
echo 'not json' >>"$tmpdir/up2/f4.json"
cp "$tmpdir"/up1/* "$tmpdir"/up2/* "$tmpdir/all/"
cat >"$tmpdir/p.sql" <<'EOF2'
CREATE OR REFRESH STREAMING TABLE events
AS SELECT id, amount FROM STREAM read_files('az://landing/in/*.json', format => 'json');
EOF2
run() { "$SILT" pipeline run "$tmpdir/p.sql" --lake "$tmpdir/lake" --until-caught-up --trigger 200ms \
  --progress 0 2>"$tmpdir/run.log" || fail "pipeline run: $(tail -5 "$tmpdir/run.log")"; }
az_upload "$tmpdir/up1" az://landing/in
run
az_upload "$tmpdir/up2" az://landing/in
run
run # nothing new: nothing read twice
sql() { "$SILT" sql --format canonical "$1" || fail "silt sql failed: $1"; }
oracle --sql "SELECT id, amount FROM read_json('$tmpdir/all/*.json', format = 'newline_delimited',
  columns = {id: 'BIGINT', amount: 'DOUBLE'}, ignore_errors = true) WHERE id IS NOT NULL" >"$tmpdir/want"
sql "SELECT id, amount FROM delta.\`$tmpdir/lake/events\`" >"$tmpdir/got"
rows_same events "$tmpdir/got" "$tmpdir/want"
sql "SELECT _file, _line, CAST(_raw AS STRING) FROM delta.\`$tmpdir/lake/events_quarantine\`" >"$tmpdir/q"
assert_eq "$(cat "$tmpdir/q")" "$(printf '"f4.json"\t41\t"not json"')" "quarantine"
pass "read_files on Azure: $(wc -l <"$tmpdir/want") rows from 4 files in 2 uploads, each once; 1 line quarantined"
