#!/usr/bin/env bash
# A batch's rows grouped by partition over several partition columns, with nulls, strings,
# booleans and dates: one file per partition per batch, each file under the folder of its
# values and holding exactly its partition's rows. DuckDB reads every file with its folder's
# values (hive partitioning), silt reads them with the Delta log's partitionValues; both must
# agree with the input grouped the same way. A streaming table over it reads each version
# through the adds the writer kept (a partition value with a space in its path).
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/delta.sh"

in=$tmpdir/in
mkdir -p "$in"
cat >"$tmpdir/p.sql" <<'SQL'
CREATE OR REFRESH STREAMING TABLE sales PARTITIONED BY (region, big, day)
AS SELECT id, amount, region, amount > 50 AS big, to_date(d, 'yyyy-MM-dd') AS day
   FROM STREAM read_files('${IN}/*.json', format => 'json',
                          schema => 'id BIGINT, amount DOUBLE, region STRING, d STRING');

-- reads the version sales appended through the adds sales kept (paths with a space)
CREATE OR REFRESH STREAMING TABLE downstream AS SELECT id, region, day FROM STREAM(sales);
SQL
# 3,000 rows over 4 regions (one of them null), 2 values of big (and null: no amount), 9 days
# (and null); ids scattered so that each partition's rows are spread over the batch
for i in $(seq 0 2999); do
  j=$(((i * 7919) % 3000))
  case $((j % 4)) in 0) r='"EU"' ;; 1) r='"US"' ;; 2) r='"Sao Paulo"' ;; 3) r=null ;; esac
  a=$((j % 101))
  [ $((j % 37)) -eq 0 ] && a=null
  d="\"2026-01-0$((j % 9 + 1))\""
  [ $((j % 53)) -eq 0 ] && d=null
  printf '{"id": %d, "amount": %s, "region": %s, "d": %s}\n' "$j" "$a" "$r" "$d"
done >"$in/a.json"
sleep 0.3 # older than the settle time
"$SILT" pipeline run "$tmpdir/p.sql" --var IN="$in" --lake "$tmpdir/lake" --until-caught-up \
  --trigger 100ms --progress 0 2>"$tmpdir/run.log" || fail "pipeline run failed: $(tail -5 "$tmpdir/run.log")"

# the input, grouped: partition -> rows, sum of ids
want=$(oracle --sql "
  SELECT region, amount > 50 AS big, strptime(d, '%Y-%m-%d')::DATE AS day, count(*), sum(id)
  FROM read_json('$in/a.json', columns = {id: 'BIGINT', amount: 'DOUBLE', region: 'VARCHAR',
                                          d: 'VARCHAR'})
  GROUP BY ALL")
groups=$(echo "$want" | wc -l)
[ "$groups" -ge 60 ] || fail "only $groups partitions in the input: the test lost its coverage"

# each file under its folder: DuckDB reads the values from the paths
files=$(delta_parquet_list "$tmpdir/lake/sales")
got=$(oracle --sql "
  SELECT CASE WHEN region = '__HIVE_DEFAULT_PARTITION__' THEN NULL ELSE region END,
         CASE WHEN big = '__HIVE_DEFAULT_PARTITION__' THEN NULL ELSE big::BOOLEAN END,
         CASE WHEN day = '__HIVE_DEFAULT_PARTITION__' THEN NULL ELSE day::DATE END,
         count(*), sum(id)
  FROM read_parquet($files, hive_partitioning = true, hive_types_autocast = false)
  GROUP BY ALL")
[ "$got" = "$want" ] || fail "rows by folder differ from the input:
$(diff <(echo "$want") <(echo "$got") | head -20)"

# one file per partition (one batch)
n_files=$(delta_live_files "$tmpdir/lake/sales" | wc -l)
assert_eq "$n_files" "$groups" "files (one per partition)"

# and silt reads the same rows back, its partition values from the log's partitionValues
silt_rows=$("$SILT" sql --format canonical "SELECT region, big, day, count(*), sum(id)
  FROM delta.\`$tmpdir/lake/sales\` GROUP BY region, big, day" | sort)
[ "$silt_rows" = "$want" ] || fail "rows read back by silt differ:
$(diff <(echo "$want") <(echo "$silt_rows") | head -20)"
down=$("$SILT" sql --format canonical "SELECT region, day, count(*), sum(id)
  FROM delta.\`$tmpdir/lake/downstream\` GROUP BY region, day" | sort)
want_down=$("$SILT" sql --format canonical "SELECT region, day, count(*), sum(id)
  FROM delta.\`$tmpdir/lake/sales\` GROUP BY region, day" | sort)
[ "$down" = "$want_down" ] || fail "the streaming table over sales differs:
$(diff <(echo "$want_down") <(echo "$down") | head -20)"
grep -q "Sao Paulo" <<<"$down" || fail "no partition with a space reached the downstream table"
pass "$groups partitions over (region, big, day) with nulls: one file each, rows as in the input, and downstream"
