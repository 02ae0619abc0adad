#!/usr/bin/env bash
# The compression of a pipeline table's data files: snappy by default (Spark's default), the
# codec TBLPROPERTIES ('parquet.compression' = ...) names otherwise, for the table, its
# quarantine, and the files auto-compaction writes; DuckDB's parquet_metadata reads the codec
# of every column chunk of every live file, and the rows. An unknown codec stops the run with
# an error that names the table, the value and the codecs there are.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/delta.sh"

in=$tmpdir/in
mkdir -p "$in"
cat >"$tmpdir/p.sql" <<'SQL'
CREATE OR REFRESH STREAMING TABLE plain PARTITIONED BY (day)
AS SELECT id, amount, to_date(d, 'yyyy-MM-dd') AS day
   FROM STREAM read_files('${IN}/*.json', format => 'json',
                          schema => 'id BIGINT, amount DOUBLE, d STRING');

CREATE OR REFRESH STREAMING TABLE packed (
  CONSTRAINT positive EXPECT (amount > 0) ON VIOLATION QUARANTINE
) TBLPROPERTIES ('parquet.compression' = 'ZSTD')
AS SELECT id, amount FROM STREAM(plain);

CREATE OR REFRESH MATERIALIZED VIEW totals TBLPROPERTIES ('parquet.compression' = 'gzip')
AS SELECT day, count(*) AS n, sum(amount) AS amount FROM plain GROUP BY day;
SQL
# 12 files, one batch each (--max-versions 1): the small files of `plain` and `packed` are
# compacted on the way
for f in $(seq 1 12); do
  for i in $(seq 1 50); do
    printf '{"id": %d, "amount": %d.5, "d": "2026-01-%02d"}\n' $((f * 100 + i)) $((i % 7 - 1)) $((i % 3 + 1))
  done >"$in/f$(printf %02d "$f").json"
done
sleep 0.3 # older than the settle time
"$SILT" pipeline run "$tmpdir/p.sql" --var IN="$in" --lake "$tmpdir/lake" --until-caught-up \
  --trigger 100ms --max-versions 1 --progress 0 2>"$tmpdir/run.log" ||
  fail "pipeline run failed: $(tail -5 "$tmpdir/run.log")"

# codec per table: every column chunk of every live file (and every file on disk), by DuckDB
codecs() {
  oracle --sql "SELECT DISTINCT compression FROM parquet_metadata($(delta_parquet_list "$1"))" |
    tr -d '"' | paste -sd, -
}
assert_eq "$(codecs "$tmpdir/lake/plain")" "SNAPPY" "codec of plain (the default)"
assert_eq "$(codecs "$tmpdir/lake/packed")" "ZSTD" "codec of packed"
assert_eq "$(codecs "$tmpdir/lake/packed_quarantine")" "ZSTD" "codec of packed's quarantine"
assert_eq "$(codecs "$tmpdir/lake/totals")" "GZIP" "codec of totals"
assert_eq "$(codecs "$tmpdir/lake/_event_log")" "SNAPPY" "codec of the event log"
others=$(find "$tmpdir/lake/plain" "$tmpdir/lake/packed" -name '*.parquet' -not -path '*/_delta_log/*' | grep -vc -e '/plain/.*snappy' -e '/packed/.*zstd' || true)
assert_eq "$others" 0 "files of another codec on disk (compactions included)"
compacted=$("$SILT" table history "$tmpdir/lake/packed" | grep -c OPTIMIZE || true)
[ "$compacted" -ge 1 ] || fail "packed was never compacted: the compaction's codec is untested"

# the rows, read by DuckDB from the files
got=$(oracle --sql "SELECT count(*), sum(amount) FROM read_parquet($(delta_parquet_list "$tmpdir/lake/packed"))")
want=$(oracle --sql "SELECT count(*), sum(amount) FROM read_json('$in/*.json') WHERE amount > 0")
assert_eq "$got" "$want" "rows of packed"
pass "snappy by default; zstd for packed and its quarantine, gzip for totals; compactions keep the codec"

# an unknown codec: a clear error before anything is written
sed -i "s/'ZSTD'/'brotli'/" "$tmpdir/p.sql"
if "$SILT" pipeline run "$tmpdir/p.sql" --var IN="$in" --lake "$tmpdir/lake2" --until-caught-up \
  --progress 0 2>"$tmpdir/bad.log"; then
  fail "a pipeline with parquet.compression = 'brotli' ran"
fi
grep -q "table packed (line 6): TBLPROPERTIES 'parquet.compression' = 'brotli' is not a codec" \
  "$tmpdir/bad.log" || fail "unclear error: $(cat "$tmpdir/bad.log")"
pass "an unknown codec is refused: $(grep -o "TBLPROPERTIES.*" "$tmpdir/bad.log" | head -1)"
