/* Unit tests for views kept incrementally by the pipeline runtime: bronze (filled by the test
 * through the bronze sink) -> silver -> a GROUP BY view of counts, sums, mins and maxes. After
 * the first full computation each new upstream commit is merged with deletion vectors (a MERGE
 * commit, only the new silver versions read); the view always equals its query recomputed over
 * silver; a view with avg is recomputed in full and equal too; restarts go on from the txns. A
 * STREAM source whose rows were deleted with deletion vectors stops the stream with the reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "delta/dv_commit.h"
#include "delta/log.h"
#include "pipeline/bronze_table.h"
#include "pipeline/run.h"
#include "sql/sql.h"
#include "util/alloc.h"
#include "support/pipeline_fixture.h"
#include "support/tmpdir.h"

static char dir[256], loc_bronze[300], loc_silver[300], loc_gold[300], loc_avg[300];
static char q_gold[1024], q_avg[1024];
static int64_t next_offset = SILT_INGEST_OFFSET_DEFAULT;

static const char *silver_query = "SELECT t.* FROM (SELECT from_json(CAST(value AS STRING), "
                                  "'id INT, price DOUBLE, country STRING') AS t FROM bronze)";
static char bq_gold[] = "SELECT country, count(*) AS n, sum(price) AS revenue, min(id) AS lo, "
                        "max(id) AS hi FROM silver GROUP BY country";
static char bq_avg[] = "SELECT country, avg(price) AS mean FROM silver GROUP BY country";

static silt_pipeline_kv kafka_args[] = {{"bootstrapServers", "127.0.0.1:1"}, {"subscribe", "t"}};
static silt_pipeline_source src_kafka = {
    SILT_PIPELINE_SRC_KAFKA, "read_kafka", -1, kafka_args, 2, NULL};
static silt_pipeline_source src_bronze = {SILT_PIPELINE_SRC_TABLE, "bronze", 0, NULL, 0, NULL};
static int reads_silver[] = {1};
static int order[] = {0, 1, 2, 3};
static silt_pipeline_table tables[4];
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
    tables[2] = (silt_pipeline_table){.kind = SILT_PIPELINE_MATERIALIZED_VIEW,
                                      .name = "gold",
                                      .location = loc_gold,
                                      .reads = reads_silver,
                                      .n_reads = 1,
                                      .query = q_gold,
                                      .bind_query = bq_gold};
    tables[3] = (silt_pipeline_table){.kind = SILT_PIPELINE_MATERIALIZED_VIEW,
                                      .name = "gold_avg",
                                      .location = loc_avg,
                                      .reads = reads_silver,
                                      .n_reads = 1,
                                      .query = q_avg,
                                      .bind_query = bq_avg};
    def = (silt_pipeline_def){"mv.sql", dir, tables, 4, order, NULL};
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
        snprintf(m[i], sizeof m[i], "{\"id\":%d,\"price\":%d.5,\"country\":\"%s\"}", id, id % 17,
                 countries[(id * 5) % (first ? 7 : 4)]);
        msgs[i] = m[i];
        at[i] = 1700000000000000 + id;
    }
    pf_produce(loc_bronze, &next_offset, msgs, at, n);
    silt_free(m);
    silt_free(msgs);
    silt_free(at);
}

static int run_caught_up_err(silt_error *err);

static int run_caught_up(void)
{
    silt_error err;
    int rc = run_caught_up_err(&err);
    if (rc) fail_msg("%s", err.msg);
    return rc;
}

static int run_caught_up_err(silt_error *err)
{
    return pf_run_caught_up(&def, true, 1, 0, err); /* one upstream version per batch */
}

/* view equals its query recomputed over silver now. */
static void assert_recompute(const char *loc, const char *query)
{
    char sql[1200];
    snprintf(sql, sizeof sql, "SELECT * FROM delta.`%s`", loc);
    char *got = pf_rows(sql), *want = pf_rows(query);
    if (strcmp(got, want)) fail_msg("%s differs from its recompute:\n%s\nwant\n%s", loc, got, want);
    silt_free(got);
    silt_free(want);
}

static silt_delta_snapshot *load(const char *loc)
{
    silt_error err;
    silt_store *st = NULL;
    silt_delta_snapshot *snap = NULL;
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    assert_int_equal(silt_store_open(&st, loc, &err), 0);
    if (silt_delta_snapshot_load(&snap, st, &ro, &err)) fail_msg("%s", err.msg);
    silt_store_destroy(st);
    return snap;
}

static size_t files_with_dv(const silt_delta_snapshot *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_files; i++) n += silt_delta_add_has_dv(&s->files[i]);
    return n;
}

/* The commits of the table at loc up to version last whose text contains s. */
static int commits_with(const char *loc, int64_t last, const char *s)
{
    int n = 0;
    for (int64_t v = 0; v <= last; v++) {
        char path[600], buf[1 << 16];
        snprintf(path, sizeof path, "%s/_delta_log/%020lld.json", loc, (long long)v);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        size_t len = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[len] = 0;
        n += strstr(buf, s) != NULL;
    }
    return n;
}

static void test_view_kept_incrementally(void **state)
{
    (void)state;
    build_def();
    produce(0, 40); /* countries PT, FR, DE, NO */
    run_caught_up();
    assert_recompute(loc_gold, q_gold);
    assert_recompute(loc_avg, q_avg);
    silt_delta_snapshot *g = load(loc_gold);
    int64_t v1 = g->version;
    silt_delta_snapshot_destroy(g);
    /* three more silver versions: existing groups change, ES, IT and UK appear */
    produce(1000, 30);
    produce(2000, 30);
    produce(3000, 5);
    run_caught_up();
    assert_recompute(loc_gold, q_gold);
    assert_recompute(loc_avg, q_avg);
    g = load(loc_gold);
    assert_true(silt_delta_dvs_enabled(g));
    /* merges marked rows deleted (auto-compaction may since have rewritten such small files) */
    assert_true(commits_with(loc_gold, g->version, "\"operation\":\"MERGE\"") >= 3);
    assert_true(commits_with(loc_gold, g->version, "\"deletionVector\"") >= 1);
    assert_true(g->version >= v1 + 3);
    silt_delta_snapshot *a = load(loc_avg);
    assert_int_equal(files_with_dv(a), 0);
    assert_false(silt_delta_dvs_enabled(a));
    silt_delta_snapshot_destroy(a);
    /* after the first computation, gold's batches each read one silver version (from = to):
     * merges, not recomputes (those log from_version -1) */
    char sql[1200], *got;
    snprintf(sql, sizeof sql,
             "SELECT concat_ws(',', sum(CASE WHEN from_version < 0 THEN 1 ELSE 0 END), "
             "sum(CASE WHEN from_version = to_version THEN 1 ELSE 0 END) >= 3) FROM "
             "delta.`%s/_event_log` WHERE table_name = 'gold'",
             dir);
    got = pf_rows(sql);
    assert_string_equal(got, "\"1,true\"\n");
    silt_free(got);
    snprintf(sql, sizeof sql,
             "SELECT sum(CASE WHEN from_version < 0 THEN 1 ELSE 0 END) > 1 FROM "
             "delta.`%s/_event_log` WHERE table_name = 'gold_avg'",
             dir);
    got = pf_rows(sql);
    assert_string_equal(got, "true\n");
    silt_free(got);
    /* nothing new: nothing written */
    int64_t v2 = g->version;
    silt_delta_snapshot_destroy(g);
    run_caught_up();
    g = load(loc_gold);
    assert_int_equal(g->version, v2);
    silt_delta_snapshot_destroy(g);
    /* a new run (a restart) goes on from the txns */
    produce(4000, 12);
    run_caught_up();
    assert_recompute(loc_gold, q_gold);
    assert_recompute(loc_avg, q_avg);
}

/* Rows deleted from a STREAM source with deletion vectors are not new rows: the stream stops
 * with the reason instead of reading the re-added file again (which would count it twice). */
static void test_stream_refuses_changed_rows(void **state)
{
    (void)state;
    build_def();
    produce(0, 20);
    run_caught_up();
    silt_error err;
    silt_store *st = NULL;
    silt_delta_snapshot *snap = NULL;
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    assert_int_equal(silt_store_open(&st, loc_bronze, &err), 0);
    assert_int_equal(silt_delta_snapshot_load(&snap, st, &ro, &err), 0);
    int64_t v;
    assert_int_equal(silt_delta_enable_dvs(&v, st, snap, NULL, &err), 0);
    assert_int_equal(silt_delta_snapshot_update(&snap, st, &err), 0);
    silt_delta_rowset rows = {0};
    assert_int_equal(silt_delta_rowset_add(&rows, 3), 0);
    silt_delta_row_delete d = {snap->files[0].path, &rows};
    if (silt_delta_delete_rows(&v, NULL, st, snap, &d, 1, NULL, 0, NULL, 0, NULL, &err))
        fail_msg("%s", err.msg);
    silt_error_clear(&err);
    assert_int_equal(run_caught_up_err(&err), SILT_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "changes existing rows"));
    assert_non_null(strstr(err.msg, "refresh --full"));
    /* silver kept its 20 rows: nothing was counted twice */
    char sql[600];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM delta.`%s`", loc_silver);
    char *got = pf_rows(sql);
    assert_string_equal(got, "20\n");
    silt_free(got);
    silt_delta_rowset_free(&rows);
    silt_delta_snapshot_destroy(snap);
    silt_store_destroy(st);
}

static int setup(void **state)
{
    (void)state;
    test_tmpdir_make(dir, sizeof dir, "pmv");
    snprintf(loc_bronze, sizeof loc_bronze, "%s/bronze", dir);
    snprintf(loc_silver, sizeof loc_silver, "%s/silver", dir);
    snprintf(loc_gold, sizeof loc_gold, "%s/gold", dir);
    snprintf(loc_avg, sizeof loc_avg, "%s/gold_avg", dir);
    snprintf(q_gold, sizeof q_gold,
             "SELECT country, count(*) AS n, sum(price) AS revenue, min(id) AS lo, max(id) AS hi "
             "FROM delta.`%s` GROUP BY country",
             loc_silver);
    snprintf(q_avg, sizeof q_avg,
             "SELECT country, avg(price) AS mean FROM delta.`%s` GROUP BY country", loc_silver);
    next_offset = SILT_INGEST_OFFSET_DEFAULT;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    (void)test_tmpdir_remove(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_view_kept_incrementally, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stream_refuses_changed_rows, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
