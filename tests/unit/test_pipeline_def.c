/* Unit tests for the pipeline file's front end: sql/pipeline_*.c (the statements' syntax),
 * pipeline/def*.c (substitution, resolution, cycles, order, rewritten queries) and
 * pipeline/bind.c (schemas and the checks that need them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline/bind.h"
#include "pipeline/def.h"
#include "sql/fn.h"
#include "support/oom.h"
#include "util/alloc.h"
#include "util/buf.h"

static const char *action_word(silt_pipeline_action a)
{
    static const char *const w[] = {"none", "drop", "fail", "quarantine"};
    return w[a];
}

static void dump_source(silt_buf *b, const silt_pipeline_source *s)
{
    static const char *const kinds[] = {"?", "kafka", "table", "files"};
    silt_buf_printf(b, "  source %s as %s up=%d", kinds[s->kind], s->input_name, s->upstream);
    if (s->path) silt_buf_printf(b, " path=%s", s->path);
    for (size_t k = 0; k < s->n_args; k++)
        silt_buf_printf(b, " %s=%s", s->args[k].key, s->args[k].value);
    silt_buf_putc(b, '\n');
}

static void dump_table(silt_buf *b, const silt_pipeline_def *d, const silt_pipeline_table *t)
{
    silt_buf_printf(b, "%s %s line=%d loc=%s%s\n",
                    t->kind == SILT_PIPELINE_STREAMING_TABLE ? "ST" : "MV", t->name, t->line,
                    t->location, t->is_bronze ? " bronze" : "");
    if (t->comment) silt_buf_printf(b, "  comment %s\n", t->comment);
    for (size_t k = 0; k < t->n_partition_by; k++)
        silt_buf_printf(b, "  partition %s\n", t->partition_by[k]);
    for (size_t k = 0; k < t->n_properties; k++)
        silt_buf_printf(b, "  prop %s=%s\n", t->properties[k].key, t->properties[k].value);
    for (size_t k = 0; k < t->n_columns; k++)
        silt_buf_printf(b, "  column %s %s%s %s\n", t->columns[k].name, t->columns[k].type,
                        t->columns[k].not_null ? " not-null" : "",
                        t->columns[k].comment ? t->columns[k].comment : "-");
    for (size_t k = 0; k < t->n_expects; k++)
        silt_buf_printf(b, "  expect %s (%s) %s line=%d\n", t->expects[k].name, t->expects[k].expr,
                        action_word(t->expects[k].action), t->expects[k].line);
    for (size_t k = 0; k < t->n_sources; k++) dump_source(b, &t->sources[k]);
    for (size_t k = 0; k < t->n_reads; k++)
        silt_buf_printf(b, "  reads %s\n", d->tables[t->reads[k]].name);
    if (t->has_watermark)
        silt_buf_printf(b, "  watermark %s %lld\n", t->watermark_column,
                        (long long)t->watermark_delay_us);
    silt_buf_printf(b, "  query %s\n  bind %s\n  text %s\n", t->query, t->bind_query,
                    t->query_text);
}

/* Everything in d as text, tables in topological order. */
static silt_buf *dump(const silt_pipeline_def *d)
{
    silt_buf *b = silt_calloc(1, sizeof *b);
    if (!b) return NULL;
    silt_buf_printf(b, "file=%s lake=%s\n", d->file, d->lake);
    for (size_t k = 0; k < d->n_tables; k++) dump_table(b, d, &d->tables[d->order[k]]);
    silt_buf_cstr(b);
    return b;
}

static silt_pipeline_def *parse_ok(const char *text, const silt_pipeline_parse_opts *o)
{
    silt_pipeline_def *d = NULL;
    silt_error err = {0};
    int rc = silt_pipeline_def_parse(&d, text, "p.sql", o, &err);
    if (rc) fail_msg("unexpected error: %s", err.msg);
    return d;
}

/* The message ends with a line of the file and a caret: the caret stands under the byte at
 * line:col of text (the end of the text counts as a blank). */
static void caret_points_at(const char *msg, const char *text, int line, int col)
{
    const char *caret = strrchr(msg, '^'), *cl = caret, *shown;
    assert_non_null(caret);
    while (cl > msg && cl[-1] != '\n') cl--;
    shown = cl - 1;
    while (shown > msg && shown[-1] != '\n') shown--;
    size_t k = (size_t)(caret - cl); /* the caret's column in its line */
    const char *at = text;
    for (int l = 1; l < line; at++)
        if (*at == '\n') l++;
    at += col - 1;
    char want = *at && *at != '\n' ? *at : ' ';
    char got = shown + k < cl - 1 ? shown[k] : ' ';
    if (want != got) fail_msg("the caret stands under '%c', not '%c': %s", got, want, msg);
}

/* The parse fails with SILT_EINVAL, the message starting "p.sql:<line>:<col>: " and holding
 * want. */
static void parse_err(const char *text, int line, int col, const char *want)
{
    silt_pipeline_def *d = NULL;
    silt_error err = {0};
    silt_pipeline_var vars[] = {{"K", "127.0.0.1:9092"}};
    silt_pipeline_parse_opts o = {NULL, vars, 1, false};
    assert_int_equal(silt_pipeline_def_parse(&d, text, "p.sql", &o, &err), SILT_EINVAL);
    assert_null(d);
    char head[64];
    snprintf(head, sizeof head, "p.sql:%d:%d: ", line, col);
    if (strncmp(err.msg, head, strlen(head)) || !strstr(err.msg, want))
        fail_msg("want '%s...%s', got: %s", head, want, err.msg);
    assert_int_equal(err.line, line);
    assert_int_equal(err.col, col);
    caret_points_at(err.msg, text, line, col);
}

static const char *const good_file =
    "-- a pipeline\n"
    "CREATE OR REFRESH STREAMING TABLE raw\n"
    "COMMENT 'as it came' TBLPROPERTIES ('quality' = 'bronze', delta.appendOnly = true)\n"
    "AS SELECT * FROM STREAM read_kafka(bootstrapServers => '${K}', subscribe => '${T}',\n"
    "                                   startingOffsets => 'earliest');\n"
    "\n"
    "CREATE OR REFRESH STREAMING TABLE clean (\n"
    "  id INT NOT NULL COMMENT 'the key',\n"
    "  CONSTRAINT has_id EXPECT (id IS NOT NULL) ON VIOLATION QUARANTINE,\n"
    "  CONSTRAINT pos    EXPECT (amount > 0)    ON VIOLATION DROP ROW,\n"
    "  CONSTRAINT stop   EXPECT (amount < 1e9)  ON VIOLATION FAIL UPDATE,\n"
    "  CONSTRAINT seen   EXPECT (ts IS NOT NULL)\n"
    ") PARTITIONED BY (day) LOCATION 'abfss://c@acct.dfs.core.windows.net/clean'\n"
    "AS SELECT CAST(get_json_object(CAST(value AS STRING), '$.id') AS INT) AS id,\n"
    "          CAST(get_json_object(CAST(value AS STRING), '$.amount') AS DOUBLE) AS amount,\n"
    "          ingested_at AS ts, CAST(ingested_at AS DATE) AS day\n"
    "   FROM STREAM(LIVE.raw);\n"
    "CREATE OR REFRESH MATERIALIZED VIEW totals AS\n"
    "  WITH c AS (SELECT * FROM live.clean) /* a WITH name is not a table */\n"
    "  SELECT day, sum(amount) AS total FROM c GROUP BY day;\n"
    "CREATE STREAMING TABLE per_minute\n"
    "AS SELECT window(s.ts, '1 minute').start AS minute, count(*) AS n\n"
    "   FROM STREAM clean AS s WATERMARK ts DELAY OF INTERVAL 90 SECONDS\n"
    "   JOIN totals ON s.day = totals.day GROUP BY 1;\n";

static const char *const good_dump =
    "file=p.sql lake=/data/lake\n"
    "ST raw line=2 loc=/data/lake/raw bronze\n"
    "  comment as it came\n"
    "  prop quality=bronze\n"
    "  prop delta.appendOnly=true\n"
    "  source kafka as read_kafka up=-1 bootstrapServers=h:1 subscribe=events "
    "startingOffsets=earliest\n"
    "  query SELECT * FROM `read_kafka`\n"
    "  bind SELECT * FROM `read_kafka`\n"
    "  text SELECT * FROM STREAM read_kafka(bootstrapServers => '${K}', subscribe => '${T}',\n"
    "                                   startingOffsets => 'earliest')\n"
    "ST clean line=7 loc=abfss://c@acct.dfs.core.windows.net/clean\n"
    "  partition day\n"
    "  column id int not-null the key\n"
    "  expect has_id (id IS NOT NULL) quarantine line=9\n"
    "  expect pos (amount > 0) drop line=10\n"
    "  expect stop (amount < 1e9) fail line=11\n"
    "  expect seen (ts IS NOT NULL) none line=12\n"
    "  source table as raw up=0\n"
    "  query SELECT CAST(get_json_object(CAST(value AS STRING), '$.id') AS INT) AS id,\n"
    "          CAST(get_json_object(CAST(value AS STRING), '$.amount') AS DOUBLE) AS amount,\n"
    "          ingested_at AS ts, CAST(ingested_at AS DATE) AS day\n"
    "   FROM `raw`\n"
    "  bind SELECT CAST(get_json_object(CAST(value AS STRING), '$.id') AS INT) AS id,\n"
    "          CAST(get_json_object(CAST(value AS STRING), '$.amount') AS DOUBLE) AS amount,\n"
    "          ingested_at AS ts, CAST(ingested_at AS DATE) AS day\n"
    "   FROM `raw`\n"
    "  text SELECT CAST(get_json_object(CAST(value AS STRING), '$.id') AS INT) AS id,\n"
    "          CAST(get_json_object(CAST(value AS STRING), '$.amount') AS DOUBLE) AS amount,\n"
    "          ingested_at AS ts, CAST(ingested_at AS DATE) AS day\n"
    "   FROM STREAM(LIVE.raw)\n"
    "MV totals line=18 loc=/data/lake/totals\n"
    "  reads clean\n"
    "  query WITH c AS (SELECT * FROM delta.`abfss://c@acct.dfs.core.windows.net/clean` AS "
    "`clean`) /* a WITH name is not a table */\n"
    "  SELECT day, sum(amount) AS total FROM c GROUP BY day\n"
    "  bind WITH c AS (SELECT * FROM `clean`) /* a WITH name is not a table */\n"
    "  SELECT day, sum(amount) AS total FROM c GROUP BY day\n"
    "  text WITH c AS (SELECT * FROM live.clean) /* a WITH name is not a table */\n"
    "  SELECT day, sum(amount) AS total FROM c GROUP BY day\n"
    "ST per_minute line=21 loc=/data/lake/per_minute\n"
    "  source table as clean up=1\n"
    "  reads totals\n"
    "  watermark ts 90000000\n"
    "  query SELECT window(s.ts, '1 minute').start AS minute, count(*) AS n\n"
    "   FROM `clean` AS s\n"
    "   JOIN delta.`/data/lake/totals` AS `totals` ON s.day = totals.day GROUP BY 1\n"
    "  bind SELECT window(s.ts, '1 minute').start AS minute, count(*) AS n\n"
    "   FROM `clean` AS s\n"
    "   JOIN `totals` ON s.day = totals.day GROUP BY 1\n"
    "  text SELECT window(s.ts, '1 minute').start AS minute, count(*) AS n\n"
    "   FROM STREAM clean AS s WATERMARK ts DELAY OF INTERVAL 90 SECONDS\n"
    "   JOIN totals ON s.day = totals.day GROUP BY 1\n";

static void test_good_file(void **state)
{
    (void)state;
    silt_pipeline_var vars[] = {{"K", "x"}, {"T", "events"}, {"K", "h:1"}}; /* the last wins */
    silt_pipeline_parse_opts o = {"/data/lake/", vars, 3, false};
    silt_pipeline_def *d = parse_ok(good_file, &o);
    silt_buf *b = dump(d);
    assert_string_equal((char *)b->ptr, good_dump);
    assert_int_equal(d->n_tables, 4);
    assert_int_equal(silt_pipeline_def_find(d, "PER_MINUTE"), 3);
    assert_int_equal(silt_pipeline_def_find(d, "nope"), -1);
    silt_buf_free(b);
    silt_free(b);
    silt_pipeline_def_destroy(d);
}

/* A lake's trailing '/'s are dropped (on Azure "lake//_event_log" is another object than
 * "lake/_event_log"); a URL's "//" and a root "/" stay. */
static void test_lake_urls(void **state)
{
    (void)state;
    const char *cases[][3] = {
        {"az://c/lake//", "az://c/lake", "az://c/lake/t"},
        {"abfss://c@a.dfs.core.windows.net/", "abfss://c@a.dfs.core.windows.net",
         "abfss://c@a.dfs.core.windows.net/t"},
        {"http://127.0.0.1:1/acct/c/l/", "http://127.0.0.1:1/acct/c/l",
         "http://127.0.0.1:1/acct/c/l/t"},
        {"/", "/", "/t"},
        {"file:///", "file:///", "file:///t"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        silt_pipeline_parse_opts o = {cases[i][0], NULL, 0, false};
        silt_pipeline_def *d = parse_ok("CREATE MATERIALIZED VIEW t AS SELECT 1 AS x", &o);
        assert_string_equal(d->lake, cases[i][1]);
        assert_string_equal(d->tables[0].location, cases[i][2]);
        silt_pipeline_def_destroy(d);
    }
}

/* Sources before readers; among tables ready at once, file order. */
static void test_order(void **state)
{
    (void)state;
    silt_pipeline_def *d = parse_ok("CREATE MATERIALIZED VIEW d AS SELECT * FROM c JOIN b ON "
                                    "c.x = b.x;\n"
                                    "CREATE MATERIALIZED VIEW c AS SELECT * FROM a;\n"
                                    "CREATE MATERIALIZED VIEW b AS SELECT * FROM a;\n"
                                    "CREATE MATERIALIZED VIEW a AS SELECT 1 AS x;\n"
                                    "CREATE MATERIALIZED VIEW e AS SELECT 2 AS x",
                                    NULL);
    int want[] = {3, 1, 2, 0, 4};
    for (size_t i = 0; i < 5; i++) assert_int_equal(d->order[i], want[i]);
    assert_string_equal(d->lake, "./lake");
    assert_string_equal(d->tables[0].location, "./lake/d");
    silt_pipeline_def_destroy(d);
}

static void test_substitution(void **state)
{
    (void)state;
    const char *text = "-- ${NOT_A_VAR} in a comment is left alone\n"
                       "CREATE MATERIALIZED VIEW ${NAME} /* ${NOR} */ AS SELECT '${V}' AS v";
    setenv("SILT_TEST_PDEF_V", "from-env", 1);
    setenv("NAME", "env_name", 1);
    silt_pipeline_var vars[] = {{"NAME", "m"}, {"V", "x'y"}};
    silt_pipeline_parse_opts o = {NULL, vars, 1, true};
    silt_pipeline_def *d = NULL;
    silt_error err = {0};
    /* V defined nowhere */
    assert_int_equal(silt_pipeline_def_parse(&d, text, "p.sql", &o, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "p.sql:2:58: undefined variable ${V}: give --var V=VALUE or "
                                    "set it in the environment"));
    /* --var before the environment */
    setenv("V", "from-env", 1);
    d = parse_ok(text, &o);
    assert_string_equal(d->tables[0].name, "m");
    assert_string_equal(d->tables[0].query, "SELECT 'from-env' AS v");
    assert_string_equal(d->tables[0].query_text, "SELECT '${V}' AS v");
    silt_pipeline_def_destroy(d);
    /* without the environment, only --var */
    o.use_environment = false;
    o.n_vars = 2;
    assert_int_equal(
        silt_pipeline_def_parse(&d, "CREATE MATERIALIZED VIEW m AS SELECT ${V}", "p.sql", &o, &err),
        SILT_EINVAL); /* x'y is not SQL: the error points at ${V} as written */
    assert_non_null(strstr(err.msg, "p.sql:1:38: unterminated string"));
    o.n_vars = 1;
    assert_int_equal(silt_pipeline_def_parse(&d, text, "p.sql", &o, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "give --var V=VALUE\n"));
    /* \${ in a string keeps the text */
    d = parse_ok("CREATE MATERIALIZED VIEW m AS SELECT '\\${X}' AS v", NULL);
    assert_string_equal(d->tables[0].query, "SELECT '\\${X}' AS v");
    silt_pipeline_def_destroy(d);
    unsetenv("V");
    unsetenv("NAME");
    unsetenv("SILT_TEST_PDEF_V");
}

/* An error after a substitution on the same line points into the text as written. */
static void test_positions_after_substitution(void **state)
{
    (void)state;
    parse_err("CREATE STREAMING TABLE s AS SELECT * FROM STREAM read_kafka(bootstrapServers => "
              "'${K}', subscribe => 't') WHERE WHERE",
              1, 113, "syntax error: expected an expression, got 'WHERE'");
    parse_err("CREATE MATERIALIZED VIEW m AS SELECT '${K}' AS k FROM silver_transaction;\n"
              "CREATE MATERIALIZED VIEW silver_transactions AS SELECT 1 AS x",
              1, 55,
              "FROM silver_transaction: no table 'silver_transaction' in this pipeline; did you "
              "mean 'silver_transactions'?");
}

static void test_syntax_errors(void **state)
{
    (void)state;
    parse_err("", 1, 1, "no table: a pipeline file holds CREATE OR REFRESH");
    parse_err("SELECT 1", 1, 1, "expected CREATE OR REFRESH STREAMING TABLE or MATERIALIZED VIEW");
    parse_err("CREATE OR REPLACE MATERIALIZED VIEW m AS SELECT 1", 1, 11,
              "CREATE OR REPLACE is not pipeline SQL: write CREATE OR REFRESH");
    parse_err("CREATE OR REFRESH TEMPORARY LIVE VIEW v AS SELECT 1", 1, 19,
              "views are not supported");
    parse_err("CREATE TABLE t AS SELECT 1", 1, 8, "expected STREAMING TABLE or MATERIALIZED VIEW");
    parse_err("CREATE MATERIALIZED VIEW a.b AS SELECT 1", 1, 26,
              "name the table without catalog or schema");
    parse_err("CREATE MATERIALIZED VIEW m\n  (CONSTRAINT c EXPECT (x >) ) AS SELECT 1 AS x", 2, 28,
              "expected an expression, got ')'");
    parse_err("CREATE MATERIALIZED VIEW m (CONSTRAINT c EXPECT (x > 1) ON VIOLATION IGNORE) AS "
              "SELECT 1 AS x",
              1, 70, "expected DROP ROW, FAIL UPDATE or QUARANTINE after ON VIOLATION");
    parse_err("CREATE MATERIALIZED VIEW m (CONSTRAINT c EXPECT (x > 1), CONSTRAINT C EXPECT (x)) "
              "AS SELECT 1 AS x",
              1, 69, "constraint 'C' is defined twice");
    parse_err("CREATE MATERIALIZED VIEW m (x INTEGRAL) AS SELECT 1 AS x", 1, 31, "INTEGRAL");
    parse_err("CREATE MATERIALIZED VIEW m COMMENT 'a' COMMENT 'b' AS SELECT 1", 1, 40,
              "COMMENT is given twice");
    parse_err("CREATE MATERIALIZED VIEW m CLUSTER BY (x) AS SELECT 1", 1, 28,
              "CLUSTER BY is not supported");
    parse_err("CREATE MATERIALIZED VIEW m SELECT 1", 1, 28, "expected AS and the query");
    parse_err("CREATE MATERIALIZED VIEW m AS", 1, 30, "expected a query after AS");
    parse_err("CREATE MATERIALIZED VIEW m AS SELECT 1\nFROM x y z", 2, 10,
              "expected the end of the query");
    parse_err("CREATE MATERIALIZED VIEW m AS SELECT 1 CREATE MATERIALIZED VIEW n AS SELECT 1", 1,
              40, "expected the end of the query");
    parse_err("CREATE MATERIALIZED VIEW m LOCATION '' AS SELECT 1", 1, 37, "LOCATION is empty");
    parse_err("CREATE MATERIALIZED VIEW m TBLPROPERTIES (a.=1) AS SELECT 1", 1, 45,
              "expected a property name, got '='");
    parse_err("CREATE MATERIALIZED VIEW `` AS SELECT 1", 1, 26, "a table's name cannot be empty");
    parse_err("CREATE STREAMING TABLE s AS SELECT * FROM STREAM(s) WATERMARK x DELAY OF INTERVAL "
              "'-5 seconds'",
              1, 83, "a watermark's delay cannot be negative");
    parse_err("CREATE MATERIALIZED VIEW m AS SELECT 'open", 1, 38, "unterminated string");
    parse_err("CREATE MATERIALIZED VIEW m AS SELECT ${ 1", 1, 38, "'${' starts a variable");
}

static void test_stream_errors(void **state)
{
    (void)state;
    parse_err("CREATE STREAMING TABLE s AS SELECT * FROM STREAM read_kafak(a => 'b')", 1, 50,
              "STREAM read_kafak(...): unknown source (did you mean read_kafka?)");
    parse_err("CREATE STREAMING TABLE s AS SELECT * FROM STREAM read_kafka(subscribe => 't')", 1,
              50, "read_kafka needs bootstrapServers => 'host:port'");
    parse_err("CREATE STREAMING TABLE s AS SELECT * FROM STREAM read_kafka(bootstrapServers => "
              "'${K}')",
              1, 50, "read_kafka needs subscribe => 'topic'");
    parse_err("CREATE STREAMING TABLE s AS SELECT * FROM STREAM read_kafka('x')", 1, 61,
              "read_kafka takes named arguments");
    parse_err("CREATE STREAMING TABLE s AS SELECT * FROM STREAM read_files('/d', format => 'xml')",
              1, 67,
              "read_files reads format => 'json' (JSON lines), 'csv' or 'parquet', not 'xml'");
    parse_err("CREATE STREAMING TABLE s AS SELECT * FROM STREAM read_files(format => 'json')", 1,
              50, "read_files needs the folder first");
    parse_err("CREATE STREAMING TABLE s AS SELECT * FROM STREAM read_files('/d', 'e')", 1, 67,
              "read_files takes the folder, then named arguments");
    parse_err("CREATE STREAMING TABLE s AS SELECT * FROM STREAM(orders) WHERE a = 1", 1, 50,
              "STREAM(orders): no table 'orders' in this pipeline (its tables: s); read a table "
              "from elsewhere as delta.`path`");
    parse_err("CREATE MATERIALIZED VIEW a AS SELECT 1 AS x;\n"
              "CREATE MATERIALIZED VIEW m AS SELECT * FROM STREAM(a)",
              2, 45, "materialized view 'm' reads a STREAM");
    parse_err("CREATE MATERIALIZED VIEW a AS SELECT 1 AS x;\n"
              "CREATE STREAMING TABLE s AS SELECT * FROM a",
              2, 29, "streaming table 's' reads no STREAM");
    parse_err("CREATE MATERIALIZED VIEW a AS SELECT 1 AS x;\n"
              "CREATE STREAMING TABLE s AS SELECT * FROM STREAM(a) WATERMARK t DELAY OF 5",
              2, 74, "expected INTERVAL");
    parse_err("CREATE MATERIALIZED VIEW a AS SELECT 1 AS x;\n"
              "CREATE STREAMING TABLE s AS SELECT * FROM STREAM(a) WATERMARK t DELAY OF INTERVAL "
              "5 YEARS",
              2, 85, "unknown interval unit 'YEARS'");
    parse_err("CREATE MATERIALIZED VIEW a AS SELECT 1 AS x;\n"
              "CREATE STREAMING TABLE s AS SELECT * FROM a WATERMARK t DELAY OF INTERVAL 5 SECONDS",
              2, 45, "WATERMARK goes right after a STREAM source");
    parse_err("CREATE MATERIALIZED VIEW a AS SELECT 1 AS x;\n"
              "CREATE STREAMING TABLE s AS SELECT * FROM STREAM(a) WATERMARK t DELAY OF INTERVAL "
              "'5 seconds' JOIN STREAM(a) b WATERMARK t DELAY OF INTERVAL 1 SECOND ON a.x = b.x",
              2, 112, "a query has one WATERMARK");
}

static void test_graph_errors(void **state)
{
    (void)state;
    parse_err("CREATE MATERIALIZED VIEW a AS SELECT 1 AS x;\n"
              "CREATE STREAMING TABLE s AS SELECT * FROM STREAM(a)",
              2, 50, "STREAM(a): 'a' is a materialized view, rewritten as its inputs change");
    parse_err("CREATE MATERIALIZED VIEW a AS SELECT 1 AS x;\n"
              "CREATE MATERIALIZED VIEW A AS SELECT 2 AS x",
              2, 26, "table 'A' is defined twice (first on line 1)");
    parse_err("CREATE MATERIALIZED VIEW a AS SELECT * FROM a", 1, 45, "table 'a' reads itself");
    parse_err("CREATE MATERIALIZED VIEW a AS SELECT * FROM b;\n"
              "CREATE MATERIALIZED VIEW b AS SELECT * FROM c;\n"
              "CREATE MATERIALIZED VIEW c AS SELECT * FROM a",
              3, 45, "the tables read each other in a cycle: a -> b -> c -> a");
    parse_err("CREATE STREAMING TABLE a AS SELECT * FROM STREAM(c);\n"
              "CREATE STREAMING TABLE b AS SELECT * FROM STREAM(a);\n"
              "CREATE STREAMING TABLE c AS SELECT * FROM STREAM b JOIN d ON b.x = d.x;\n"
              "CREATE MATERIALIZED VIEW d AS SELECT 1 AS x",
              2, 50, "the tables read each other in a cycle: a -> c -> b -> a");
}

/* A long cycle is named by its ends. */
static void test_long_cycle(void **state)
{
    (void)state;
    char text[2048];
    size_t n = 0;
    for (int i = 0; i < 12; i++)
        n += (size_t)snprintf(text + n, sizeof text - n,
                              "CREATE MATERIALIZED VIEW t%d AS SELECT x FROM t%d;\n", i,
                              (i + 1) % 12);
    parse_err(text, 12, 47,
              "the tables read each other in a cycle: t0 -> t1 -> t2 -> ... (6 more) -> t9 -> "
              "t10 -> t11 -> t0 (each reads the next)");
}

/* STREAM's spellings, LIVE.t, DLT's older statement names, a second source of a kind. */
static void test_spellings(void **state)
{
    (void)state;
    silt_pipeline_def *d =
        parse_ok("CREATE OR REFRESH LIVE TABLE v AS SELECT 1 AS x;\n"
                 "CREATE OR REFRESH STREAMING LIVE TABLE a AS\n"
                 "SELECT * FROM STREAM read_files('/in0', schema => 'x INT, t TIMESTAMP');\n"
                 "CREATE OR REFRESH STREAMING LIVE TABLE s AS\n"
                 "SELECT * FROM STREAM (LIVE.a) WATERMARK t DELAY OF INTERVAL '2 minutes' one\n"
                 "JOIN STREAM(a) two ON one.x = two.x\n"
                 "JOIN STREAM read_files('/in', format => 'json') f ON f.x = one.x\n"
                 "JOIN STREAM read_files('/in2') g ON g.x = one.x",
                 NULL);
    const silt_pipeline_table *s = &d->tables[2];
    assert_int_equal(d->tables[0].kind, SILT_PIPELINE_MATERIALIZED_VIEW);
    assert_int_equal(d->tables[1].kind, SILT_PIPELINE_STREAMING_TABLE);
    assert_int_equal(s->kind, SILT_PIPELINE_STREAMING_TABLE);
    assert_int_equal(s->n_sources, 4);
    assert_string_equal(s->sources[0].input_name, "a");
    assert_string_equal(s->sources[1].input_name, "a_2");
    assert_string_equal(s->sources[2].input_name, "read_files");
    assert_string_equal(s->sources[2].path, "/in");
    assert_string_equal(s->sources[3].input_name, "read_files_2");
    assert_int_equal(s->watermark_delay_us, 120000000);
    assert_false(s->is_bronze);
    assert_string_equal(s->query, "SELECT * FROM `a` one\n"
                                  "JOIN `a_2` two ON one.x = two.x\n"
                                  "JOIN `read_files` f ON f.x = one.x\n"
                                  "JOIN `read_files_2` g ON g.x = one.x");
    silt_pipeline_def_destroy(d);
    /* a table named stream is read whole, not taken for a STREAM source */
    d = parse_ok("CREATE MATERIALIZED VIEW stream AS SELECT 1 AS x;\n"
                 "CREATE MATERIALIZED VIEW m AS SELECT * FROM stream WHERE x = 1",
                 NULL);
    assert_int_equal(d->tables[1].n_reads, 1);
    assert_string_equal(d->tables[1].query,
                        "SELECT * FROM delta.`./lake/stream` AS `stream` WHERE x = 1");
    silt_pipeline_def_destroy(d);
    /* a read_kafka table that is not SELECT * is not bronze */
    silt_pipeline_var v = {"K", "k"};
    silt_pipeline_parse_opts o = {NULL, &v, 1, false};
    d = parse_ok("CREATE STREAMING TABLE s AS SELECT value FROM STREAM read_kafka("
                 "bootstrapServers => '${K}', subscribe => 't', maxOffsetsPerTrigger => -5)",
                 &o);
    assert_false(d->tables[0].is_bronze);
    assert_string_equal(d->tables[0].sources[0].args[2].value, "-5");
    silt_pipeline_def_destroy(d);
}

static void test_load(void **state)
{
    (void)state;
    silt_pipeline_def *d = NULL;
    silt_error err = {0};
    assert_int_equal(silt_pipeline_def_load(&d, "/nonexistent/p.sql", NULL, &err), SILT_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/p.sql"));
    char path[] = "/tmp/silt-pdef-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "CREATE MATERIALIZED VIEW m AS SELECT 1 AS x";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    assert_int_equal(silt_pipeline_def_load(&d, path, NULL, &err), 0);
    assert_string_equal(d->file, path);
    assert_string_equal(d->tables[0].query, "SELECT 1 AS x");
    silt_pipeline_def_destroy(d);
    unlink(path);
    silt_pipeline_def_destroy(NULL);
}

static int oom_run(void *ctx, void **result)
{
    silt_pipeline_var vars[] = {{"K", "h:1"}, {"T", "events"}};
    silt_pipeline_parse_opts o = {"/data/lake/", vars, 2, false};
    silt_pipeline_def *d = NULL;
    silt_error err = {0};
    int rc = silt_pipeline_def_parse(&d, ctx, "p.sql", &o, &err);
    if (rc) return rc;
    *result = dump(d);
    silt_pipeline_def_destroy(d);
    if (!*result || silt_buf_oom(*result)) {
        oom_drop_buf(NULL, *result);
        return SILT_ENOMEM;
    }
    return 0;
}

static void test_oom(void **state)
{
    (void)state;
    oom_case c = {"pipeline def", (void *)good_file, NULL, oom_run,
                  oom_same_buf,   oom_drop_buf,      NULL, 0};
    oom_check_every_allocation(&c);
}

/* The column names and types of s: "a int, b string". */
static void schema_text(char *out, size_t cap, const silt_schema *s)
{
    size_t n = 0;
    out[0] = 0;
    for (size_t i = 0; i < s->n_fields && n < cap; i++) {
        char ty[128];
        silt_sql_type_format(ty, sizeof ty, &s->fields[i]);
        n += (size_t)snprintf(out + n, cap - n, "%s%s %s", i ? ", " : "", s->fields[i].name, ty);
    }
}

static void test_bind(void **state)
{
    (void)state;
    silt_pipeline_var vars[] = {{"K", "h:1"}, {"T", "events"}};
    silt_pipeline_parse_opts o = {NULL, vars, 2, false};
    silt_pipeline_def *d = parse_ok(good_file, &o);
    silt_pipeline_bound *b = NULL;
    silt_error err = {0};
    if (silt_pipeline_bind(&b, d, &err)) fail_msg("%s", err.msg);
    char s[1024];
    schema_text(s, sizeof s, b->schemas[0]);
    assert_string_equal(s, "key binary, value binary, topic string, partition int, offset bigint, "
                           "timestamp timestamp, headers map<string,binary>, ingested_at "
                           "timestamp, ingest_date date");
    schema_text(s, sizeof s, b->schemas[1]);
    assert_string_equal(s, "id int, amount double, ts timestamp, day date");
    schema_text(s, sizeof s, b->schemas[2]);
    assert_string_equal(s, "day date, total double");
    schema_text(s, sizeof s, b->schemas[3]);
    assert_string_equal(s, "minute timestamp, n bigint");
    silt_pipeline_bound_destroy(b);
    silt_pipeline_def_destroy(d);
}

/* Binding text fails with SILT_EINVAL and a message holding want. */
static void bind_err(const char *text, const char *want)
{
    silt_pipeline_def *d = parse_ok(text, NULL);
    silt_pipeline_bound *b = NULL;
    silt_error err = {0};
    assert_int_equal(silt_pipeline_bind(&b, d, &err), SILT_EINVAL);
    assert_null(b);
    if (!strstr(err.msg, want)) fail_msg("want '%s', got: %s", want, err.msg);
    silt_pipeline_def_destroy(d);
}

static void test_bind_errors(void **state)
{
    (void)state;
    const char *a = "CREATE STREAMING TABLE a AS SELECT x, s, t FROM STREAM read_files("
                    "'/nonexistent', schema => 'x INT, s STRING, t TIMESTAMP');\n";
    char text[1024];
    snprintf(text, sizeof text, "%sCREATE MATERIALIZED VIEW m AS SELECT y FROM a", a);
    bind_err(text, "p.sql:2:38: the query of 'm': unknown column 'y' (did you mean 'x'?)\n"
                   "  CREATE MATERIALIZED VIEW m AS SELECT y FROM a\n"
                   "                                       ^");
    snprintf(text, sizeof text,
             "%sCREATE MATERIALIZED VIEW m (\n CONSTRAINT c EXPECT (x + 1))"
             " AS SELECT x FROM a",
             a);
    bind_err(text, "p.sql:3:23: table 'm': CONSTRAINT c: EXPECT (...) needs a boolean condition");
    snprintf(text, sizeof text,
             "%sCREATE MATERIALIZED VIEW m (CONSTRAINT c EXPECT (z > 1)) AS "
             "SELECT x FROM a",
             a);
    bind_err(text, "p.sql:2:50: table 'm': CONSTRAINT c: unknown column 'z'");
    snprintf(text, sizeof text,
             "%sCREATE MATERIALIZED VIEW m PARTITIONED BY (ss) AS "
             "SELECT x, s FROM a",
             a);
    bind_err(text, "partition column 'ss' is not a column of its query's output (did you mean "
                   "'s'?)");
    snprintf(text, sizeof text, "%sCREATE MATERIALIZED VIEW m (x BIGINT) AS SELECT x FROM a", a);
    bind_err(text, "column 'x' is declared bigint but the query gives int");
    snprintf(text, sizeof text,
             "%sCREATE STREAMING TABLE m AS SELECT x FROM STREAM(a) "
             "WATERMARK s DELAY OF INTERVAL 1 SECOND",
             a);
    bind_err(text, "WATERMARK s: the column is not a timestamp");
    snprintf(text, sizeof text,
             "%sCREATE STREAMING TABLE m AS SELECT x FROM STREAM(a) "
             "WATERMARK tt DELAY OF INTERVAL 1 SECOND",
             a);
    bind_err(text, "watermark column 'tt' is not a column of its stream (did you mean 't'?)");
    /* after a rewritten source, the place is still the file's */
    snprintf(text, sizeof text,
             "%sCREATE STREAMING TABLE m AS SELECT x FROM STREAM(LIVE.a) "
             "WATERMARK t DELAY OF INTERVAL 1 SECOND JOIN a b USING (x) "
             "WHERE zz = 1",
             a);
    bind_err(text, "p.sql:2:122: the query of 'm': unknown column 'zz'");
    snprintf(text, sizeof text, "%sCREATE MATERIALIZED VIEW m AS SELECT x, s AS X FROM a", a);
    bind_err(text, "two columns named 'x' and 'X'");
    bind_err("CREATE STREAMING TABLE f AS SELECT * FROM STREAM read_files('/nonexistent/dir')",
             "read_files('/nonexistent/dir'): no such folder here, so its schema cannot be "
             "inferred: give schema => 'col TYPE, ...'");
}

static void test_read_files_schema(void **state)
{
    (void)state;
    char dir[] = "/tmp/silt-pdef-dir-XXXXXX", file[128], text[512];
    assert_non_null(mkdtemp(dir));
    snprintf(text, sizeof text, "CREATE STREAMING TABLE f AS SELECT * FROM STREAM read_files('%s')",
             dir);
    bind_err(text, "the folder has no file to infer the schema from: give schema => ");
    snprintf(file, sizeof file, "%s/b.json", dir);
    FILE *fp = fopen(file, "w");
    assert_non_null(fp);
    fputs("{\"id\": 1, \"name\": \"x\"}\n", fp);
    fclose(fp);
    silt_pipeline_def *d = parse_ok(text, NULL);
    silt_pipeline_bound *b = NULL;
    silt_error err = {0};
    if (silt_pipeline_bind(&b, d, &err)) fail_msg("%s", err.msg);
    char s[256];
    schema_text(s, sizeof s, b->schemas[0]);
    assert_string_equal(s, "id bigint, name string");
    silt_pipeline_bound_destroy(b);
    silt_pipeline_def_destroy(d);
    snprintf(text, sizeof text,
             "CREATE STREAMING TABLE f AS SELECT * FROM STREAM read_files('%s', "
             "schema => 'a INT, b STRING')",
             dir);
    d = parse_ok(text, NULL);
    if (silt_pipeline_bind(&b, d, &err)) fail_msg("%s", err.msg);
    schema_text(s, sizeof s, b->schemas[0]);
    assert_string_equal(s, "a int, b string");
    silt_pipeline_bound_destroy(b);
    silt_pipeline_def_destroy(d);
    unlink(file);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_lake_urls),
        cmocka_unit_test(test_substitution),
        cmocka_unit_test(test_positions_after_substitution),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_stream_errors),
        cmocka_unit_test(test_graph_errors),
        cmocka_unit_test(test_long_cycle),
        cmocka_unit_test(test_spellings),
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_oom),
        cmocka_unit_test(test_bind),
        cmocka_unit_test(test_bind_errors),
        cmocka_unit_test(test_read_files_schema),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
