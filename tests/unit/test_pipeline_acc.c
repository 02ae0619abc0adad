/* Unit tests for views kept as running aggregates in memory (run_acc.c): bronze (filled by the
 * test through the bronze sink) -> silver -> views whose queries aggregate silver (DISTINCT
 * counts, two aggregates joined, ORDER BY ... LIMIT over an aggregate). Each always equals its
 * query recomputed over silver: after batches folded in from memory, after a compaction of
 * silver (no new rows), after rows deleted from silver (the states are built again), and after
 * a restart; a view whose aggregate reads another aggregate is recomputed as before. Which way
 * each went is read from the runtime's debug log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta/dv_commit.h"
#include "delta/log.h"
#include "delta/optimize.h"
#include "delta/pqio.h"
#include "pipeline/bronze_table.h"
#include "pipeline/run.h"
#include "sql/sql.h"
#include "util/alloc.h"
#include "util/log.h"
#include "support/pipeline_fixture.h"
#include "support/tmpdir.h"

static char dir[256], loc_bronze[300], loc_silver[300], logpath[300];
static char loc_v[3][300], q_v[3][1400];
static int64_t next_offset = SILT_INGEST_OFFSET_DEFAULT;

static const char *silver_query = "SELECT t.* FROM (SELECT from_json(CAST(value AS STRING), "
                                  "'id INT, price DOUBLE, country STRING') AS t FROM bronze)";
/* the views' queries over "%s" (silver: its name, or delta.`location`) */
static const char *const view_fmt[3] = {
    "WITH c AS (SELECT country, count(DISTINCT id %% 5) AS d, sum(price) AS s, max(id) AS hi "
    "FROM %s GROUP BY country), m AS (SELECT max(id) AS top, 1 AS k FROM %s) "
    "SELECT c.country, c.d, c.s, m.top - c.hi AS gap FROM (SELECT *, 1 AS k FROM c) c "
    "JOIN m ON c.k = m.k",
    "SELECT country, sum(price) AS s, count(DISTINCT id) AS n FROM %s WHERE price > 2 "
    "GROUP BY country ORDER BY s DESC, country LIMIT 3",
    "SELECT count(*) AS groups, sum(n) AS rows FROM (SELECT country, count(*) AS n FROM %s "
    "GROUP BY country)"};
static const char *const view_name[3] = {"gold_feat", "gold_top", "gold_nested"};
static char bq_v[3][1400];

static silt_pipeline_kv kafka_args[] = {{"bootstrapServers", "127.0.0.1:1"}, {"subscribe", "t"}};
static silt_pipeline_source src_kafka = {
    SILT_PIPELINE_SRC_KAFKA, "read_kafka", -1, kafka_args, 2, NULL};
static silt_pipeline_source src_bronze = {SILT_PIPELINE_SRC_TABLE, "bronze", 0, NULL, 0, NULL};
static int reads_silver[] = {1};
static int order[] = {0, 1, 2, 3, 4};
static silt_pipeline_table tables[5];
static silt_pipeline_def def;

static void build_def(void)
{
    memset(tables, 0, sizeof tables);
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
                                      .sources = &src_bronze,
                                      .n_sources = 1,
                                      .query = (char *)silver_query};
    for (int k = 0; k < 3; k++)
        tables[2 + k] = (silt_pipeline_table){.kind = SILT_PIPELINE_MATERIALIZED_VIEW,
                                              .name = (char *)view_name[k],
                                              .location = loc_v[k],
                                              .reads = reads_silver,
                                              .n_reads = 1,
                                              .query = q_v[k],
                                              .bind_query = bq_v[k]};
    def = (silt_pipeline_def){"acc.sql", dir, tables, 5, order, NULL};
}

/* Appends messages {"id":i,"price":p,"country":c} to bronze as one commit. */
static void produce(int first, int n)
{
    static const char *const countries[] = {"PT", "FR", "DE", "NO", "ES", "IT", "UK"};
    char(*m)[128] = silt_calloc((size_t)n + 1, sizeof *m);
    const char **msgs = silt_calloc((size_t)n + 1, sizeof *msgs);
    int64_t *at = silt_calloc((size_t)n + 1, sizeof *at);
    for (int i = 0; i < n; i++) {
        int id = first + i;
        snprintf(m[i], sizeof m[i], "{\"id\":%d,\"price\":%d.25,\"country\":\"%s\"}", id, id % 13,
                 countries[(id * 3) % (first ? 7 : 4)]);
        msgs[i] = m[i];
        at[i] = 1700000000000000 + id;
    }
    pf_produce(loc_bronze, &next_offset, msgs, at, n);
    silt_free(m);
    silt_free(msgs);
    silt_free(at);
}

/* One run until caught up, one upstream version per batch (a restart each time). */
static void run_caught_up(void)
{
    silt_error err;
    if (pf_run_caught_up(&def, true, 1, 0, &err)) fail_msg("%s", err.msg);
}

/* Every view equals its query recomputed over silver now. */
static void assert_views(void)
{
    for (int k = 0; k < 3; k++) {
        char sql[1000];
        snprintf(sql, sizeof sql, "SELECT * FROM delta.`%s`", loc_v[k]);
        char *got = pf_rows(sql), *want = pf_rows(q_v[k]);
        if (strcmp(got, want))
            fail_msg("%s differs from its recompute:\n%s\nwant\n%s", view_name[k], got, want);
        silt_free(got);
        silt_free(want);
    }
}

/* Lines of the whole log that contain a. */
static int log_count(const char *a)
{
    FILE *f = fopen(logpath, "r");
    assert_non_null(f);
    char line[2048];
    int n = 0;
    while (fgets(line, sizeof line, f)) n += strstr(line, a) != NULL;
    fclose(f);
    return n;
}

/* Counts, in the log since the last call, for view k: states built whole, versions folded
 * from memory and from files, and (once for a view kept, never for another) results computed
 * from the states. */
static void expect_log(int k, int built, int mem_min, int files)
{
    char who[64];
    snprintf(who, sizeof who, "table %s: ", view_name[k]);
    static long seen[3];
    FILE *f = fopen(logpath, "r");
    assert_non_null(f);
    fseek(f, seen[k], SEEK_SET);
    char line[2048];
    int nb = 0, nm = 0, nf = 0, nc = 0;
    while (fgets(line, sizeof line, f)) {
        if (!strstr(line, who)) continue;
        nb += strstr(line, "aggregates built from") != NULL;
        nm += strstr(line, "folded into its aggregates (from memory)") != NULL;
        nf += strstr(line, "folded into its aggregates (from its files)") != NULL;
        nc += strstr(line, "computed from its aggregates kept") != NULL;
    }
    seen[k] = ftell(f);
    fclose(f);
    if (nb != built || nm < mem_min || nf != files || nc != (k < 2))
        fail_msg("%s: built %d (want %d), folded from memory %d (want >= %d), from files %d "
                 "(want %d), computed from them %d times (want %d)",
                 view_name[k], nb, built, nm, mem_min, nf, files, nc, k < 2);
}

/* Passes of r until one finds nothing to do. */
static void passes(silt_pipeline_run *r)
{
    silt_error err;
    bool idle = false;
    for (int i = 0; i < 100 && !idle; i++)
        if (silt_pipeline_run_pass(r, &idle, &err)) fail_msg("%s", err.msg);
    assert_true(idle);
}

static silt_pipeline_run *open_run(void)
{
    silt_pipeline_run_opts o;
    silt_pipeline_run_opts_default(&o);
    o.no_bronze = true;
    o.progress_us = 0;
    o.max_versions = 1;
    silt_pipeline_run *r = NULL;
    silt_error err;
    if (silt_pipeline_run_create(&r, &def, &o, &err)) fail_msg("%s", err.msg);
    return r;
}

static void sql(const char *fmt, const char *arg)
{
    char q[1200];
    snprintf(q, sizeof q, fmt, arg);
    char *r = pf_rows(q);
    silt_free(r);
}

static void test_views_kept_in_memory(void **state)
{
    (void)state;
    build_def();
    produce(0, 40);
    produce(100, 25);
    run_caught_up();
    assert_views();
    assert_int_equal(log_count("table gold_feat: its aggregates are kept in memory"), 1);
    assert_int_equal(log_count("table gold_top: its aggregates are kept in memory"), 1);
    assert_int_equal(log_count("table gold_nested: its aggregates are kept in memory"), 0);
    expect_log(0, 1, 1, 0); /* built once (empty silver), then silver's batches from memory */
    expect_log(1, 1, 1, 0);
    expect_log(2, 0, 0, 0); /* an aggregate over an aggregate: recomputed */

    /* a restart: built again from silver's snapshot (with the first new version), then fed */
    produce(1000, 30);
    produce(2000, 30);
    produce(3000, 5);
    run_caught_up();
    assert_views();
    expect_log(0, 1, 2, 0);
    expect_log(1, 1, 2, 0);

    /* in one run: a compaction of silver adds no rows (dataChange false): nothing folded */
    silt_pipeline_run *r = open_run();
    produce(3500, 10);
    passes(r);
    expect_log(0, 1, 0, 0); /* built with the new version */
    expect_log(1, 1, 0, 0);
    silt_error err;
    silt_store *st = NULL;
    silt_delta_snapshot *snap = NULL;
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    assert_int_equal(silt_store_open(&st, loc_silver, &err), 0);
    assert_int_equal(silt_delta_snapshot_load(&snap, st, &ro, &err), 0);
    silt_delta_optimize_opts oo = {0};
    oo.file_ops = silt_delta_parquet_ops();
    silt_delta_optimize_result res;
    if (silt_delta_optimize(&res, st, snap, &oo, &err)) fail_msg("%s", err.msg);
    assert_true(res.version > snap->version);
    produce(4000, 20);
    passes(r);
    assert_views();
    expect_log(0, 0, 1, 0);
    expect_log(1, 0, 1, 0);

    /* rows appended to silver by another writer: read from their files */
    sql("INSERT INTO delta.`%s` SELECT 9001 AS id, 3.25 AS price, 'PT' AS country UNION ALL "
        "SELECT 9002, 7.25, 'SE'",
        loc_silver);
    passes(r);
    assert_views();
    expect_log(0, 0, 0, 1);
    expect_log(1, 0, 0, 1);

    /* rows deleted from silver (a removal with dataChange): the states are built again */
    assert_int_equal(silt_delta_snapshot_update(&snap, st, &err), 0);
    int64_t v;
    assert_int_equal(silt_delta_enable_dvs(&v, st, snap, NULL, &err), 0);
    assert_int_equal(silt_delta_snapshot_update(&snap, st, &err), 0);
    silt_delta_rowset rows = {0};
    for (uint64_t i = 0; i < 9; i++) assert_int_equal(silt_delta_rowset_add(&rows, i * 2), 0);
    silt_delta_row_delete d = {snap->files[0].path, &rows};
    if (silt_delta_delete_rows(&v, NULL, st, snap, &d, 1, NULL, 0, NULL, 0, NULL, &err))
        fail_msg("%s", err.msg);
    produce(6000, 15);
    passes(r);
    assert_views();
    expect_log(0, 1, 0, 0);
    expect_log(1, 1, 0, 0);
    silt_pipeline_run_destroy(r);
    silt_delta_rowset_free(&rows);
    silt_delta_snapshot_destroy(snap);
    silt_store_destroy(st);
}

static int setup(void **state)
{
    (void)state;
    test_tmpdir_make(dir, sizeof dir, "pacc");
    snprintf(loc_bronze, sizeof loc_bronze, "%s/bronze", dir);
    snprintf(loc_silver, sizeof loc_silver, "%s/silver", dir);
    snprintf(logpath, sizeof logpath, "%s/log.txt", dir);
    char ref[320];
    snprintf(ref, sizeof ref, "delta.`%s`", loc_silver);
    for (int k = 0; k < 3; k++) {
        snprintf(loc_v[k], sizeof loc_v[k], "%s/%s", dir, view_name[k]);
        snprintf(q_v[k], sizeof q_v[k], view_fmt[k], ref, ref);
        snprintf(bq_v[k], sizeof bq_v[k], view_fmt[k], "silver", "silver");
    }
    next_offset = SILT_INGEST_OFFSET_DEFAULT;
    silt_log_set_level(SILT_LOG_DEBUG);
    assert_int_equal(silt_log_set_file(logpath), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    silt_log_set_file(NULL);
    silt_log_set_level(SILT_LOG_INFO);
    (void)test_tmpdir_remove(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_views_kept_in_memory, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
