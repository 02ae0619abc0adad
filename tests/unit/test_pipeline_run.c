/* Unit tests for the pipeline runtime over a bronze table the test fills itself (through the
 * bronze sink, as ingestion would): silver by micro-batches with from_json, expectations
 * (quarantine with the decoder's reason, drop, count), the event log, a materialized view kept
 * up to date, restarts that go on where the tables say, FAIL UPDATE and the bind-time checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "delta/log.h"
#include "pipeline/bronze_table.h"
#include "pipeline/run.h"
#include "sql/sql.h"
#include "support/pipeline_fixture.h"
#include "support/tmpdir.h"

static char dir[256];
static char loc_bronze[300], loc_silver[300], loc_gold[300], query_gold[1024];
static int64_t next_offset = SILT_INGEST_OFFSET_DEFAULT;

static const char *silver_query =
    "SELECT t.*, ingested_at FROM (SELECT from_json(CAST(value AS STRING), "
    "'id INT, price DOUBLE, country STRING') AS t, ingested_at FROM bronze)";

static silt_pipeline_kv kafka_args[] = {{"bootstrapServers", "127.0.0.1:1"}, {"subscribe", "t"}};
static silt_pipeline_expect silver_expects[] = {
    {"valid", "id IS NOT NULL", SILT_PIPELINE_ON_QUARANTINE, 3},
    {"positive", "price > 0", SILT_PIPELINE_ON_DROP, 4},
    {"known_country", "country <> ''", SILT_PIPELINE_ON_NONE, 5},
};
static silt_pipeline_source src_kafka = {
    SILT_PIPELINE_SRC_KAFKA, "read_kafka", -1, kafka_args, 2, NULL};
static silt_pipeline_source src_bronze = {SILT_PIPELINE_SRC_TABLE, "bronze", 0, NULL, 0, NULL};
static int gold_reads[] = {1};
static int order[] = {0, 1, 2};
static silt_pipeline_table tables[4];
static silt_pipeline_def def;

static void build_def(silt_pipeline_action first_action)
{
    memset(tables, 0, sizeof tables);
    silver_expects[0].action = first_action;
    tables[0] = (silt_pipeline_table){.kind = SILT_PIPELINE_STREAMING_TABLE,
                                      .name = "bronze",
                                      .location = loc_bronze,
                                      .sources = &src_kafka,
                                      .n_sources = 1,
                                      .query = "SELECT * FROM read_kafka",
                                      .is_bronze = true};
    tables[1] = (silt_pipeline_table){.kind = SILT_PIPELINE_STREAMING_TABLE,
                                      .name = "silver",
                                      .location = loc_silver,
                                      .comment = "typed rows",
                                      .expects = silver_expects,
                                      .n_expects = 3,
                                      .sources = &src_bronze,
                                      .n_sources = 1,
                                      .query = (char *)silver_query,
                                      .line = 2};
    tables[2] = (silt_pipeline_table){.kind = SILT_PIPELINE_MATERIALIZED_VIEW,
                                      .name = "gold",
                                      .location = loc_gold,
                                      .reads = gold_reads,
                                      .n_reads = 1,
                                      .query = query_gold,
                                      .line = 9};
    def = (silt_pipeline_def){
        .file = "test.sql", .lake = dir, .tables = tables, .n_tables = 3, .order = order};
}

/* Appends messages to the bronze table as one commit, as the ingestion runtime would; message
 * i ingested at at_us[i] (at_us NULL: one microsecond apart). */
static void produce_at(const char *const *msgs, size_t n, const int64_t *at_us)
{
    silt_error err;
    silt_bronze_table *bt = NULL;
    assert_int_equal(silt_bronze_table_open(&bt, loc_bronze, NULL, &err), 0);
    silt_schema *s = silt_bronze_schema();
    silt_batch *b = silt_batch_create(s);
    int64_t start = next_offset, first = start < 0 ? 0 : start;
    for (size_t i = 0; i < n; i++) {
        silt_bronze_msg m = {NULL,          0, msgs[i], strlen(msgs[i]), "t", 0, first + (int64_t)i,
                             1700000000000, 0, NULL};
        int64_t at = at_us ? at_us[i] : 1700000000000000 + (int64_t)i;
        assert_int_equal(silt_bronze_append(b, &m, at), 0);
    }
    silt_ingest_sink *sink = silt_bronze_table_sink(bt);
    assert_int_equal(sink->ops->stage(sink, b, &err), 0);
    silt_ingest_range r = {"t", 0, start, first + (int64_t)n};
    int64_t v;
    if (sink->ops->commit(sink, &r, 1, &v, &err)) fail_msg("%s", err.msg);
    next_offset = first + (int64_t)n;
    silt_batch_destroy(b);
    silt_schema_destroy(s);
    silt_bronze_table_destroy(bt);
}

static void produce(const char *const *msgs, size_t n)
{
    produce_at(msgs, n, NULL);
}

/* silver's description and lineage are in its metadata. */
static void check_metadata(void)
{
    silt_error err;
    silt_store *st = NULL;
    silt_delta_snapshot *snap = NULL;
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    assert_int_equal(silt_store_open(&st, loc_silver, &err), 0);
    assert_int_equal(silt_delta_snapshot_load(&snap, st, &ro, &err), 0);
    assert_string_equal(snap->metadata.description, "typed rows");
    assert_string_equal(silt_delta_snapshot_config(snap, "silt.pipeline.sources"),
                        "STREAM(bronze)");
    assert_int_equal(snap->protocol.min_writer_version, 2);
    silt_delta_snapshot_destroy(snap);
    silt_store_destroy(st);
}

static int crash_after;
static int64_t max_versions; /* 0: the default */

static int run_caught_up(silt_error *err)
{
    return pf_run_caught_up(&def, true, max_versions, crash_after, err);
}

static int setup(void **state)
{
    (void)state;
    test_tmpdir_make(dir, sizeof dir, "prun");
    snprintf(loc_bronze, sizeof loc_bronze, "%s/bronze", dir);
    snprintf(loc_silver, sizeof loc_silver, "%s/silver", dir);
    snprintf(loc_gold, sizeof loc_gold, "%s/gold", dir);
    snprintf(query_gold, sizeof query_gold,
             "SELECT country, count(*) AS n, sum(price) AS revenue FROM delta.`%s` GROUP BY "
             "country",
             loc_silver);
    next_offset = SILT_INGEST_OFFSET_DEFAULT;
    max_versions = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    (void)test_tmpdir_remove(dir);
    return 0;
}

static void test_silver_quarantine_gold(void **state)
{
    (void)state;
    build_def(SILT_PIPELINE_ON_QUARANTINE);
    silt_error err;
    /* the bronze table exists before the run (created empty by the run otherwise) */
    static const char *const m1[] = {"{\"id\":1,\"price\":2.5,\"country\":\"PT\"}",
                                     "{\"id\":2,\"price\":-1,\"country\":\"PT\"}", "not json",
                                     "{\"id\":\"x\",\"price\":1,\"country\":\"FR\"}",
                                     "{\"id\":3,\"price\":4,\"country\":\"\"}"};
    produce(m1, 5);
    if (run_caught_up(&err)) fail_msg("%s", err.msg);
    pf_expect_q("2", "SELECT count(*) FROM delta.`%s`", loc_silver);
    pf_expect_q("4", "SELECT sum(id) FROM delta.`%s`", loc_silver);
    pf_expect_q("2", "SELECT count(*) FROM delta.`%s_quarantine`", loc_silver);
    pf_expect_q("2", "SELECT count(*) FROM delta.`%s_quarantine` WHERE _reason IS NOT NULL",
                loc_silver);
    pf_expect_q("not json",
                "SELECT CAST(value AS STRING) FROM delta.`%s_quarantine` ORDER BY offset",
                loc_silver);
    pf_expect_q("[\"valid\",\"positive\",\"known_country\"]",
                "SELECT _expectations FROM delta.`%s_quarantine` LIMIT 1", loc_silver);
    pf_expect_q(
        "1",
        "SELECT count(*) FROM delta.`%s_quarantine` WHERE _reason LIKE 'field ''id''%%offset 6%%'",
        loc_silver);
    pf_expect_q("5,2,1,2",
                "SELECT concat_ws(',', rows_read, rows_written, rows_dropped, "
                "rows_quarantined) FROM delta.`%s/_event_log` WHERE table_name = 'silver' "
                "AND error IS NULL",
                dir);
    pf_expect_q("2.5", "SELECT revenue FROM delta.`%s` WHERE country = 'PT'", loc_gold);
    pf_expect_q("1", "SELECT n FROM delta.`%s` WHERE country = ''", loc_gold);
    check_metadata();
    /* a restart goes on from where the tables are: only the new commit is read */
    static const char *const m2[] = {"{\"id\":5,\"price\":10,\"country\":\"PT\"}"};
    produce(m2, 1);
    if (run_caught_up(&err)) fail_msg("%s", err.msg);
    if (run_caught_up(&err)) fail_msg("%s", err.msg); /* nothing new: nothing written */
    pf_expect_q("3", "SELECT count(*) FROM delta.`%s`", loc_silver);
    pf_expect_q("12.5", "SELECT revenue FROM delta.`%s` WHERE country = 'PT'", loc_gold);
    pf_expect_q("2", "SELECT count(*) FROM delta.`%s/_event_log` WHERE table_name = 'silver'", dir);
    pf_expect_q("6", "SELECT sum(rows_read) FROM delta.`%s/_event_log` WHERE table_name = 'silver'",
                dir);
}

/* A crash between the writes of a batch (quarantine, then event log, then the table): the next
 * run writes the same batch to the tables that miss it and nothing twice. */
static void test_crash_between_writes(void **state)
{
    (void)state;
    build_def(SILT_PIPELINE_ON_QUARANTINE);
    silt_error err;
    static const char *const m1[] = {"{\"id\":1,\"price\":2.5,\"country\":\"PT\"}", "bad"};
    static const char *const m2[] = {"{\"id\":2,\"price\":3,\"country\":\"PT\"}", "bad2",
                                     "{\"id\":3,\"price\":4,\"country\":\"FR\"}"};
    static const char *const m3[] = {"{\"id\":4,\"price\":1,\"country\":\"FR\"}", "bad3"};
    produce(m1, 2);
    for (int where = 1; where <= 2; where++) {
        crash_after = where;
        silt_error_clear(&err);
        assert_int_equal(run_caught_up(&err), SILT_EIO);
        crash_after = 0;
        if (run_caught_up(&err)) fail_msg("%s", err.msg);
        produce(where == 1 ? m2 : m3, where == 1 ? 3 : 2);
    }
    if (run_caught_up(&err)) fail_msg("%s", err.msg);
    pf_expect_q("4", "SELECT count(*) FROM delta.`%s`", loc_silver);
    pf_expect_q("10", "SELECT sum(id) FROM delta.`%s`", loc_silver);
    pf_expect_q("3", "SELECT count(*) FROM delta.`%s_quarantine`", loc_silver);
    pf_expect_q("3", "SELECT count(DISTINCT offset) FROM delta.`%s_quarantine`", loc_silver);
    pf_expect_q("7",
                "SELECT sum(rows_read) FROM delta.`%s/_event_log` WHERE table_name = 'silver' "
                "AND error IS NULL",
                dir);
    pf_expect_q("3",
                "SELECT count(*) FROM delta.`%s/_event_log` WHERE table_name = 'silver' AND "
                "error IS NULL AND rows_read > 0",
                dir);
    pf_expect_q("5.5", "SELECT revenue FROM delta.`%s` WHERE country = 'PT'", loc_gold);
}

/* WATERMARK: each window appended once, when the watermark (latest event time less the delay)
 * passes its end; rows of windows already appended counted late; a rerun adds nothing. */
static void test_watermark_windows(void **state)
{
    (void)state;
    build_def(SILT_PIPELINE_ON_QUARANTINE);
    static char q[] = "SELECT window(ingested_at, '1 minute').start AS minute, count(*) AS n "
                      "FROM bronze GROUP BY 1";
    tables[1].query = q;
    tables[1].n_expects = 0;
    tables[1].has_watermark = true;
    tables[1].watermark_column = "ingested_at";
    tables[1].watermark_delay_us = 30000000;
    def.n_tables = 2;
    const int64_t t0 = 1699999980000000, s = 1000000; /* t0: a whole minute */
    static const char *const m[] = {"a", "b", "c"};
    const int64_t b1[] = {t0, t0 + 10 * s, t0 + 70 * s}, b15[] = {t0 + 80 * s},
                  b2[] = {t0 + 95 * s, t0 + 130 * s}, b3[] = {t0 + 20 * s, t0 + 215 * s};
    silt_error err;
    produce_at(m, 3, b1);
    if (run_caught_up(&err)) fail_msg("%s", err.msg);
    pf_expect_q("0", "SELECT count(*) FROM delta.`%s`", loc_silver); /* watermark 40 s: none */
    produce_at(m, 1, b15); /* 50 s: the watermark moves, but no window ends in (40 s, 50 s] */
    if (run_caught_up(&err)) fail_msg("%s", err.msg);
    pf_expect_q("0", "SELECT count(*) FROM delta.`%s`", loc_silver);
    produce_at(m, 2, b2);
    if (run_caught_up(&err)) fail_msg("%s", err.msg);
    pf_expect_q("2", "SELECT sum(n) FROM delta.`%s`", loc_silver); /* 100 s: [0, 60) closed */
    produce_at(m, 2, b3);
    if (run_caught_up(&err)) fail_msg("%s", err.msg);
    if (run_caught_up(&err)) fail_msg("%s", err.msg);
    pf_expect_q("3", "SELECT count(*) FROM delta.`%s`", loc_silver); /* 185 s: up to [120, 180) */
    pf_expect_q("2", "SELECT n FROM delta.`%s` ORDER BY minute LIMIT 1", loc_silver);
    pf_expect_q("6", "SELECT sum(n) FROM delta.`%s`", loc_silver);
    pf_expect_q("3", "SELECT max(n) FROM delta.`%s`", loc_silver); /* [60, 120): 70, 80, 95 s */
    pf_expect_q("1", "SELECT sum(rows_late) FROM delta.`%s/_event_log` WHERE table_name = 'silver'",
                dir);
}

/* Expectations of a windowed aggregate test each window's row when it is appended: windows
 * [0, 60) and [60, 120) hold 2 rows, [120, 180) one, which breaks "n >= 2". */
static void window_expect(silt_pipeline_action action)
{
    build_def(SILT_PIPELINE_ON_QUARANTINE);
    static char q[] = "SELECT window(ingested_at, '1 minute').start AS minute, count(*) AS n "
                      "FROM bronze GROUP BY 1";
    static silt_pipeline_expect e[] = {{"two", "n >= 2", SILT_PIPELINE_ON_NONE, 3},
                                       {"counted", "n < 100", SILT_PIPELINE_ON_NONE, 4}};
    e[0].action = action;
    tables[1] = (silt_pipeline_table){.kind = SILT_PIPELINE_STREAMING_TABLE,
                                      .name = "silver",
                                      .location = loc_silver,
                                      .expects = e,
                                      .n_expects = 2,
                                      .sources = &src_bronze,
                                      .n_sources = 1,
                                      .query = q,
                                      .has_watermark = true,
                                      .watermark_column = "ingested_at",
                                      .watermark_delay_us = 30000000,
                                      .line = 2};
    def.n_tables = 2;
    const int64_t t0 = 1699999980000000, s = 1000000;
    static const char *const m[] = {"a", "b", "c"};
    const int64_t b1[] = {t0, t0 + 10 * s, t0 + 70 * s}, b2[] = {t0 + 95 * s, t0 + 130 * s},
                  b3[] = {t0 + 215 * s};
    silt_error err;
    produce_at(m, 3, b1);
    produce_at(m, 2, b2);
    if (run_caught_up(&err)) fail_msg("%s", err.msg);
    pf_expect_q("2", "SELECT sum(n) FROM delta.`%s`", loc_silver);
    produce_at(m, 1, b3); /* watermark 185 s: [60, 120) and [120, 180) are appended */
    silt_error_clear(&err);
    int rc = run_caught_up(&err);
    if (action == SILT_PIPELINE_ON_FAIL) {
        assert_int_equal(rc, SILT_EINVAL);
        assert_non_null(strstr(err.msg, "FAIL UPDATE"));
        pf_expect_q("1", "SELECT count(*) FROM delta.`%s`", loc_silver);
        pf_expect_q("1", "SELECT count(*) FROM delta.`%s/_event_log` WHERE error IS NOT NULL", dir);
        return;
    }
    if (rc) fail_msg("%s", err.msg);
    if (run_caught_up(&err)) fail_msg("%s", err.msg); /* a rerun adds nothing */
    pf_expect_q("2,4", "SELECT concat_ws(',', count(*), sum(n)) FROM delta.`%s`", loc_silver);
    pf_expect_q(action == SILT_PIPELINE_ON_QUARANTINE ? "1" : "0",
                "SELECT count(*) FROM delta.`%s/_event_log` WHERE rows_quarantined = 1", dir);
    pf_expect_q(action == SILT_PIPELINE_ON_DROP ? "1" : "0",
                "SELECT count(*) FROM delta.`%s/_event_log` WHERE rows_dropped = 1", dir);
    pf_expect_q("{\"two\":{\"passed\":1,\"failed\":1},\"counted\":{\"passed\":2,\"failed\":0}}",
                "SELECT expectations FROM delta.`%s/_event_log` WHERE table_name = 'silver' "
                "ORDER BY batch_id DESC LIMIT 1",
                dir);
    if (action == SILT_PIPELINE_ON_QUARANTINE)
        pf_expect_q("1,[\"two\"]",
                    "SELECT concat_ws(',', n, _expectations) FROM delta.`%s_quarantine`",
                    loc_silver);
}

static void test_window_expect_quarantine(void **state)
{
    (void)state;
    window_expect(SILT_PIPELINE_ON_QUARANTINE);
}

static void test_window_expect_drop(void **state)
{
    (void)state;
    window_expect(SILT_PIPELINE_ON_DROP);
}

static void test_window_expect_fail(void **state)
{
    (void)state;
    window_expect(SILT_PIPELINE_ON_FAIL);
}

/* The same windows when one run makes every batch (one upstream version each): the watermark
 * before a batch is then carried in memory from the batch before, not scanned again. */
static void test_watermark_windows_one_run(void **state)
{
    (void)state;
    build_def(SILT_PIPELINE_ON_QUARANTINE);
    static char q[] = "SELECT window(ingested_at, '1 minute').start AS minute, count(*) AS n "
                      "FROM bronze GROUP BY 1";
    tables[1].query = q;
    tables[1].n_expects = 0;
    tables[1].has_watermark = true;
    tables[1].watermark_column = "ingested_at";
    tables[1].watermark_delay_us = 30000000;
    def.n_tables = 2;
    const int64_t t0 = 1699999980000000, s = 1000000;
    static const char *const m[] = {"a", "b", "c"};
    const int64_t b1[] = {t0, t0 + 10 * s, t0 + 70 * s}, b2[] = {t0 + 95 * s, t0 + 130 * s},
                  b3[] = {t0 + 20 * s, t0 + 215 * s};
    produce_at(m, 3, b1);
    produce_at(m, 2, b2);
    produce_at(m, 2, b3);
    max_versions = 1;
    silt_error err;
    if (run_caught_up(&err)) fail_msg("%s", err.msg);
    /* one batch per bronze version: its creation (0), then the three commits */
    pf_expect_q("4", "SELECT count(*) FROM delta.`%s/_event_log` WHERE table_name = 'silver'", dir);
    pf_expect_q("3", "SELECT count(*) FROM delta.`%s`", loc_silver);
    pf_expect_q("2", "SELECT n FROM delta.`%s` ORDER BY minute LIMIT 1", loc_silver);
    pf_expect_q("5", "SELECT sum(n) FROM delta.`%s`", loc_silver);
    pf_expect_q("1", "SELECT sum(rows_late) FROM delta.`%s/_event_log` WHERE table_name = 'silver'",
                dir);
}

/* Several silver batches in one run: a view kept incrementally reads each batch's rows from
 * memory (run_kept.c), a view recomputed in full (count DISTINCT) reads silver's files; both
 * hold what the same queries give over silver's files. */
static void test_views_in_memory(void **state)
{
    (void)state;
    build_def(SILT_PIPELINE_ON_QUARANTINE);
    static char bq[] = "SELECT count(DISTINCT country) AS countries, count(*) AS n, "
                       "sum(price) AS revenue FROM silver";
    static char q[1024];
    snprintf(q, sizeof q,
             "SELECT count(DISTINCT country) AS countries, count(*) AS n, sum(price) AS revenue "
             "FROM delta.`%s`",
             loc_silver);
    tables[2].query = q;
    tables[2].bind_query = bq;
    static char q2[1024], loc_gold2[300];
    static int order4[] = {0, 1, 2, 3};
    snprintf(loc_gold2, sizeof loc_gold2, "%s/gold2", dir);
    snprintf(q2, sizeof q2,
             "SELECT concat_ws(',', count(*), sum(n), sum(revenue), max(revenue)) FROM "
             "(SELECT country, count(*) AS n, sum(price) AS revenue FROM delta.`%s` GROUP BY "
             "country)",
             loc_silver);
    static char gq[1024];
    snprintf(gq, sizeof gq,
             "SELECT country, count(*) AS n, sum(price) AS revenue FROM delta.`%s` GROUP BY "
             "country",
             loc_silver);
    tables[3] = tables[2];
    tables[3].name = "gold2";
    tables[3].location = loc_gold2;
    tables[3].query = gq;
    static char bq2[] = "SELECT country, count(*) AS n, sum(price) AS revenue FROM silver GROUP BY "
                        "country";
    tables[3].bind_query = bq2;
    def.n_tables = 4;
    def.order = order4;
    static const char *const m1[] = {"{\"id\":1,\"price\":2.5,\"country\":\"PT\"}",
                                     "{\"id\":2,\"price\":3,\"country\":\"FR\"}"};
    static const char *const m2[] = {"{\"id\":3,\"price\":4,\"country\":\"PT\"}",
                                     "{\"id\":4,\"price\":5,\"country\":\"DE\"}"};
    static const char *const m3[] = {"{\"id\":5,\"price\":6,\"country\":\"ES\"}"};
    produce(m1, 2);
    produce(m2, 2);
    produce(m3, 1);
    max_versions = 1;
    silt_error err;
    if (run_caught_up(&err)) fail_msg("%s", err.msg);
    /* one batch per bronze version: its creation (0), then the three commits */
    pf_expect_q("4", "SELECT count(*) FROM delta.`%s/_event_log` WHERE table_name = 'silver'", dir);
    char want[256], oracle[1024];
    snprintf(oracle, sizeof oracle,
             "SELECT concat_ws(',', count(DISTINCT country), count(*), sum(price)) FROM "
             "delta.`%s`",
             loc_silver);
    pf_query1(want, sizeof want, oracle);
    pf_expect_q(want, "SELECT concat_ws(',', countries, n, revenue) FROM delta.`%s`", loc_gold);
    pf_expect_q("4,5,20.5", "SELECT concat_ws(',', countries, n, revenue) FROM delta.`%s`",
                loc_gold);
    /* a view kept incrementally read the same batches from memory */
    char want2[256];
    pf_query1(want2, sizeof want2, q2);
    pf_expect_q(want2,
                "SELECT concat_ws(',', count(*), sum(n), sum(revenue), max(revenue)) FROM "
                "delta.`%s/gold2`",
                dir);
    pf_expect_q("4,5,20.5,6.5",
                "SELECT concat_ws(',', count(*), sum(n), sum(revenue), max(revenue)) FROM "
                "delta.`%s/gold2`",
                dir);
}

/* A query that no longer gives the table's columns is refused, naming the way out. */
static void test_schema_change(void **state)
{
    (void)state;
    build_def(SILT_PIPELINE_ON_QUARANTINE);
    static const char *const m1[] = {"{\"id\":1,\"price\":2.5,\"country\":\"PT\"}"};
    produce(m1, 1);
    silt_error err;
    if (run_caught_up(&err)) fail_msg("%s", err.msg);
    static char q2[] = "SELECT t.*, ingested_at, 1 AS extra FROM (SELECT from_json(CAST(value AS "
                       "STRING), 'id INT, price DOUBLE, country STRING') AS t, ingested_at FROM "
                       "bronze)";
    tables[1].query = q2;
    silt_error_clear(&err);
    assert_int_equal(run_caught_up(&err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "--full"));
    pf_expect_q("1", "SELECT count(*) FROM delta.`%s`", loc_silver);
}

static void test_fail_update(void **state)
{
    (void)state;
    build_def(SILT_PIPELINE_ON_FAIL);
    static const char *const m1[] = {"{\"id\":1,\"price\":2.5,\"country\":\"PT\"}", "[1,2"};
    produce(m1, 2);
    silt_error err;
    silt_error_clear(&err);
    assert_int_equal(run_caught_up(&err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "valid"));
    assert_non_null(strstr(err.msg, "silver"));
    assert_non_null(strstr(err.msg, "FAIL UPDATE"));
    pf_expect_q("0", "SELECT count(*) FROM delta.`%s`", loc_silver);
    pf_expect_q("1", "SELECT count(*) FROM delta.`%s/_event_log` WHERE error IS NOT NULL", dir);
}

static void test_quarantine_needs_row_origin(void **state)
{
    (void)state;
    build_def(SILT_PIPELINE_ON_QUARANTINE);
    static char agg_query[] = "SELECT count(*) AS n FROM bronze";
    static silt_pipeline_expect e[] = {{"pos", "n > 0", SILT_PIPELINE_ON_QUARANTINE, 3}};
    tables[1].query = agg_query;
    tables[1].expects = e;
    tables[1].n_expects = 1;
    def.n_tables = 2;
    silt_error err;
    silt_error_clear(&err);
    assert_int_equal(run_caught_up(&err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "QUARANTINE"));
    assert_non_null(strstr(err.msg, "aggregate"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_silver_quarantine_gold, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fail_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watermark_windows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watermark_windows_one_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_views_in_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crash_between_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_window_expect_quarantine, setup, teardown),
        cmocka_unit_test_setup_teardown(test_window_expect_drop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_window_expect_fail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quarantine_needs_row_origin, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
