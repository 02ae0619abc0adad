#!/usr/bin/env bash
# `silt pipeline validate`: the example pipeline parses, resolves and binds (every table with its
# kind, sources, readers, location, expectations and schema, in topological order); ${NAME}
# from --var and from the environment; bad files exit 2 with file:line:col, a caret and what is
# wrong; the `silt pipeline` dispatcher lists and suggests its subcommands.
source "$(dirname "$0")/../lib/common.sh"

example=$SILT_ROOT/examples/ecommerce.sql

out=$("$SILT" pipeline validate "$example" --lake "$tmpdir/lake" --var KAFKA=127.0.0.1:9 \
  --var TOPIC=sales)
grep -q "^pipeline $example: 7 tables, lake $tmpdir/lake$" <<<"$out" || fail "header: $out"
# topological order: bronze, silver, then the gold tables in file order
tables=$(grep -E '^[a-z_]+: ' <<<"$out" | cut -d: -f1 | tr '\n' ' ')
assert_eq "$tables" "bronze_transactions silver_transactions gold_revenue_by_country gold_revenue_by_day gold_top_products gold_revenue_per_minute gold_customer_features " "tables in order"
grep -q "^bronze_transactions: streaming table, bronze" <<<"$out" || fail "bronze kind: $out"
grep -q "STREAM read_kafka(bootstrapServers => '127.0.0.1:9', subscribe => 'sales', startingOffsets => 'earliest')" <<<"$out" ||
  fail "kafka source with substituted variables: $out"
grep -q "^  location     $tmpdir/lake/silver_transactions$" <<<"$out" || fail "location: $out"
grep -q "^  read by      gold_revenue_by_country (read), gold_revenue_by_day (read), gold_top_products (read), gold_revenue_per_minute (stream), gold_customer_features (read)$" <<<"$out" ||
  fail "silver's readers: $out"
grep -q "^    valid_json: EXPECT (TransactionNo IS NOT NULL) ON VIOLATION QUARANTINE$" <<<"$out" ||
  fail "expectation: $out"
grep -q "^    positive_price: EXPECT (Price > 0) ON VIOLATION DROP ROW$" <<<"$out" || fail "drop: $out"
grep -q "^  watermark    ingested_at, delay 30.000 s$" <<<"$out" || fail "watermark: $out"
# schemas come from binding: silver's typed columns, gold's aggregates
silver=$(sed -n '/^silver_transactions:/,/^$/p' <<<"$out" | sed -n '/^  schema/,$p' | tr -s ' ' | tr '\n' '|')
assert_eq "$silver" " schema| TransactionNo string| date date| ProductNo string| ProductName string| Price float| Quantity int| CustomerNo float| Country string| cancelled boolean| ingested_at timestamp||" "silver schema"
features=$(sed -n '/^gold_customer_features:/,$p' <<<"$out" | sed -n '/^  schema/,$p' | tr -s ' ' | tr '\n' '|')
assert_eq "$features" " schema| CustomerNo float| recency_days int| frequency bigint| monetary double| cancellations bigint| cancelled_value double| last_purchase date|" "customer features schema"
[ ! -e "$tmpdir/lake" ] || fail "validate created the lake"
pass "the example validates, in order, with its schemas"

# --queries: what the runtime runs (sources as inputs, whole tables as delta.`location`)
out=$("$SILT" pipeline validate "$example" --lake "$tmpdir/lake" --var KAFKA=k --var TOPIC=t --queries)
country=$(sed -n '/^gold_revenue_by_country:/,/^$/p' <<<"$out" | sed -n '/^  query/,$p' | tr -s ' \n' ' ')
assert_eq "$country" " query SELECT Country, count(*) AS lines, sum(Price * Quantity) AS revenue FROM delta.\`$tmpdir/lake/silver_transactions\` AS \`silver_transactions\` WHERE NOT cancelled GROUP BY Country " "rewritten query"
grep -q '^       FROM `silver_transactions`$' <<<"$out" || fail "stream source as an input, watermark gone: $out"
pass "--queries prints the rewritten queries"

out=$(KAFKA=10.0.0.1:9092 TOPIC=from_env "$SILT" pipeline validate "$example")
grep -q "bootstrapServers => '10.0.0.1:9092', subscribe => 'from_env'" <<<"$out" || fail "env: $out"
grep -q "^  location     ./lake/gold_top_products$" <<<"$out" || fail "default lake: $out"
out=$(KAFKA=env TOPIC=env "$SILT" pipeline validate "$example" --var TOPIC=var)
grep -q "bootstrapServers => 'env', subscribe => 'var'" <<<"$out" || fail "--var before env: $out"
pass "\${NAME} from --var, then the environment"

# expect_error FILE LINE:COL MESSAGE [ARGS...]: exit 2, file:line:col and the message
expect_error() {
  local file=$1 pos=$2 msg=$3 rc
  shift 3
  set +e
  "$SILT" pipeline validate "$file" "$@" >"$tmpdir/out" 2>"$tmpdir/err"; rc=$?
  set -e
  assert_eq "$rc" 2 "exit code for $msg"
  [ ! -s "$tmpdir/out" ] || fail "printed a graph for a bad file: $(cat "$tmpdir/out")"
  grep -qF "$file:$pos: $msg" "$tmpdir/err" || fail "want '$file:$pos: $msg', got: $(cat "$tmpdir/err")"
  grep -q '^ *\^$' "$tmpdir/err" || fail "no caret: $(cat "$tmpdir/err")"
}

KAFKA= TOPIC= expect_error "$example" 13:57 'undefined variable ${KAFKA}: give --var KAFKA=VALUE' --no-env

sed 's/FROM STREAM(bronze_transactions)/FROM STREAM(bronze_transaction)/' "$example" >"$tmpdir/typo.sql"
expect_error "$tmpdir/typo.sql" 34:22 "STREAM(bronze_transaction): no table 'bronze_transaction' in this pipeline; did you mean 'bronze_transactions'?" --var KAFKA=k --var TOPIC=t

cat >"$tmpdir/cycle.sql" <<'EOF'
CREATE OR REFRESH MATERIALIZED VIEW a AS SELECT * FROM c;
CREATE OR REFRESH MATERIALIZED VIEW b AS SELECT * FROM a;
CREATE OR REFRESH MATERIALIZED VIEW c AS
  SELECT * FROM b;
EOF
expect_error "$tmpdir/cycle.sql" 2:56 "the tables read each other in a cycle: a -> c -> b -> a"
cat >"$tmpdir/stream_mv.sql" <<'EOF'
CREATE OR REFRESH MATERIALIZED VIEW a AS SELECT 1 AS x;
CREATE OR REFRESH STREAMING TABLE s AS SELECT * FROM STREAM(a);
EOF
expect_error "$tmpdir/stream_mv.sql" 2:61 "STREAM(a): 'a' is a materialized view, rewritten as its inputs change, so it cannot be read as a stream: read it whole (FROM a) or make it a STREAMING TABLE"

cat >"$tmpdir/syntax.sql" <<'EOF'
CREATE OR REFRESH MATERIALIZED VIEW a AS SELECT 1 AS x;
CREATE OR REFRESH MATERIALIZED VIEW b (
  CONSTRAINT ok EXPECT (x > 0) ON VIOLATION SKIP
) AS SELECT x FROM a;
EOF
expect_error "$tmpdir/syntax.sql" 3:45 "syntax error: expected DROP ROW, FAIL UPDATE or QUARANTINE after ON VIOLATION, got 'SKIP'"

# errors found by binding point into the file too, and name the table
cat >"$tmpdir/bind.sql" <<'EOF'
CREATE OR REFRESH MATERIALIZED VIEW a AS SELECT 1 AS x;
CREATE OR REFRESH MATERIALIZED VIEW b (
  CONSTRAINT half EXPECT (x / 2)
) AS SELECT x FROM a;
EOF
set +e
"$SILT" pipeline validate "$tmpdir/bind.sql" 2>"$tmpdir/err"; rc=$?
set -e
assert_eq "$rc" 2 "exit code for a bad expectation"
grep -qF "$tmpdir/bind.sql:3:27: table 'b': CONSTRAINT half: EXPECT (...) needs a boolean condition" "$tmpdir/err" ||
  fail "bad expectation: $(cat "$tmpdir/err")"
sed -i 's#AS SELECT x FROM a#AS SELECT x, y FROM a#; s#(x / 2)#(x > 0)#' "$tmpdir/bind.sql"
set +e
"$SILT" pipeline validate "$tmpdir/bind.sql" 2>"$tmpdir/err"; rc=$?
set -e
assert_eq "$rc" 2 "exit code for an unknown column"
grep -qF "$tmpdir/bind.sql:4:16: the query of 'b': unknown column 'y' (did you mean 'x'?)" "$tmpdir/err" ||
  fail "unknown column: $(cat "$tmpdir/err")"
set +e
"$SILT" pipeline validate "$tmpdir/missing.sql" 2>"$tmpdir/err"; rc=$?
set -e
assert_eq "$rc" 2 "exit code for a missing file"
grep -q "cannot open $tmpdir/missing.sql" "$tmpdir/err" || fail "missing file: $(cat "$tmpdir/err")"
pass "bad files exit 2 with file:line:col and the reason"

"$SILT" pipeline --help | grep -q "^ *validate " || fail "pipeline --help lists validate"
"$SILT" --help | grep -q "^ *pipeline " || fail "silt --help lists pipeline"
set +e
"$SILT" pipeline valdate x.sql 2>"$tmpdir/err"; rc=$?
set -e
assert_eq "$rc" 2 "unknown subcommand exit code"
grep -q "did you mean 'validate'" "$tmpdir/err" || fail "suggestion: $(cat "$tmpdir/err")"
pass "silt pipeline lists and suggests its subcommands"
