#!/usr/bin/env bash
# Views recomputed side by side (src/pipeline/run_par.c): four views over one streaming table,
# recomputed in full (count DISTINCT, avg, a join of two aggregates), and a view over one of
# them, which must read that view's commit of the same pass. Two runs with --until-caught-up,
# the second after more files arrived: each view equals DuckDB's answer over the JSON files,
# and the view over a view records the version of the view it read, which is that view's latest.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/pipeline.sh"

in=$tmpdir/in
mkdir -p "$in"
cat >"$tmpdir/p.sql" <<'EOF'
CREATE OR REFRESH STREAMING TABLE sales
AS SELECT id, cust, day, amount
   FROM STREAM read_files('${IN}/*.json', format => 'json',
                          schema => 'id BIGINT, cust STRING, day INT, amount DOUBLE');
CREATE OR REFRESH MATERIALIZED VIEW by_day
AS SELECT day, count(DISTINCT cust) AS custs, count(*) AS n, sum(amount) AS total
   FROM sales GROUP BY day;
CREATE OR REFRESH MATERIALIZED VIEW by_cust
AS SELECT cust, count(*) AS n, avg(amount) AS mean FROM sales GROUP BY cust;
CREATE OR REFRESH MATERIALIZED VIEW top_cust
AS SELECT cust, n FROM by_cust ORDER BY n DESC, cust LIMIT 5;
CREATE OR REFRESH MATERIALIZED VIEW day_share
AS WITH d AS (SELECT day, sum(amount) AS s, 1 AS k FROM sales GROUP BY day),
        t AS (SELECT sum(amount) AS s, 1 AS k FROM sales)
   SELECT d.day, d.s / t.s AS share FROM d JOIN t ON d.k = t.k;
CREATE OR REFRESH MATERIALIZED VIEW spread
AS SELECT count(DISTINCT day) AS days, count(DISTINCT cust) AS custs, max(amount) AS top
   FROM sales;
EOF
# file i: 400 rows over 23 customers and 9 days
gen() {
  awk -v f="$1" 'BEGIN { for (j = 0; j < 400; j++)
    printf "{\"id\": %d, \"cust\": \"c%02d\", \"day\": %d, \"amount\": %d.5}\n",
      f * 1000 + j, (j * 7 + f) % 23, (j + f) % 9, (j * 13 + f) % 97 }'
}
for i in 1 2 3 4; do gen "$i" >"$in/f$i.json"; done
sql() { "$SILT" sql --format canonical "$1" || fail "silt sql failed: $1"; }
t() { echo "delta.\`$tmpdir/lake/$1\`"; }
files="read_json('$in/*.json', format = 'newline_delimited',
  columns = {id: 'BIGINT', cust: 'VARCHAR', day: 'INTEGER', amount: 'DOUBLE'})"

check() { # the views against DuckDB over the files
  oracle --sql "SELECT day, count(DISTINCT cust), count(*), sum(amount) FROM $files GROUP BY day" \
    >"$tmpdir/want.by_day"
  oracle --sql "SELECT cust, count(*), avg(amount) FROM $files GROUP BY cust" >"$tmpdir/want.by_cust"
  oracle --sql "SELECT cust, count(*) AS n FROM $files GROUP BY cust ORDER BY n DESC, cust LIMIT 5" \
    >"$tmpdir/want.top_cust"
  oracle --sql "SELECT day, sum(amount) / (SELECT sum(amount) FROM $files) FROM $files GROUP BY day" \
    >"$tmpdir/want.day_share"
  oracle --sql "SELECT count(DISTINCT day), count(DISTINCT cust), max(amount) FROM $files" \
    >"$tmpdir/want.spread"
  for v in by_day by_cust top_cust day_share spread; do
    sql "SELECT * FROM $(t $v)" >"$tmpdir/got.$v"
    [ -s "$tmpdir/want.$v" ] || fail "no oracle rows for $v"
    rows_same "$v ($1)" "$tmpdir/got.$v" "$tmpdir/want.$v"
  done
  # top_cust read by_cust as committed in the same pass: the version it records is the latest
  local read want_v
  read=$(sql "SELECT to_version FROM $(t _event_log) WHERE table_name = 'top_cust'
              ORDER BY time DESC LIMIT 1")
  want_v=$(ls "$tmpdir/lake/by_cust/_delta_log" | grep -c '\.json$')
  assert_eq "$read" "$((want_v - 1))" "by_cust version top_cust read ($1)"
  # ... in the pass that committed it: never an older version first (one event per by_cust's)
  assert_eq "$(sql "SELECT count(*) FROM $(t _event_log) WHERE table_name = 'top_cust'")" \
    "$(sql "SELECT count(*) FROM $(t _event_log) WHERE table_name = 'by_cust'")" \
    "recomputes of top_cust against those of by_cust ($1)"
}

run() {
  "$SILT" pipeline run "$tmpdir/p.sql" --var IN="$in" --lake "$tmpdir/lake" --until-caught-up \
    --progress 0 2>>"$tmpdir/run.log" || fail "the pipeline failed: $(tail -5 "$tmpdir/run.log")"
}

run
check "first run"
for i in 5 6 7; do gen "$i" >"$in/f$i.json"; done
run
check "second run"
pass
