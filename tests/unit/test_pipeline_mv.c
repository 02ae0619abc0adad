/* Unit tests for incremental aggregate views (src/pipeline/mv*.c): partial aggregates of
 * upstream batches merged into a view stored with deletion vectors; the view always equals the
 * full recompute over the source (silt sql over the source table), a replayed batch is refused
 * by its txn, and over 1,000,000 groups a batch touching 1,000 of them writes at most 5% of
 * the view's bytes (read from the commit's add actions and the DV file it references). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch/canon.h"
#include "delta/commit.h"
#include "delta/dv.h"
#include "delta/logname.h"
#include "delta/pqio.h"
#include "delta/schema.h"
#include "pipeline/mv.h"
#include "sql/sql.h"
#include "util/alloc.h"
#include "util/hash.h"
#include "support/pipeline_fixture.h"
#include "support/tmpdir.h"

#define OK(call)                                                                                   \
    do {                                                                                           \
        silt_error_clear(&err);                                                                    \
        int rc_ = (call);                                                                          \
        if (rc_) fail_msg("%s: %s", #call, err.msg);                                               \
    } while (0)

static const char *src_schema_json =
    "{\"type\":\"struct\",\"fields\":["
    "{\"name\":\"k\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"x\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}";

static const char *view_query = "SELECT k, count(*) AS n, sum(x) AS total, min(x) AS lo, "
                                "max(x) AS hi FROM batch GROUP BY k";
static const silt_pipeline_mv_op view_ops[] = {SILT_MV_KEY, SILT_MV_COUNT, SILT_MV_SUM, SILT_MV_MIN,
                                               SILT_MV_MAX};

/* A source table, the view over it, and the prepared aggregate of a batch. */
typedef struct fixture {
    char dir[256], src_dir[300], view_dir[300];
    silt_store *src, *view;
    silt_schema *src_schema;
    silt_sql_plan *plan;
    silt_delta_snapshot *snap; /* the view's latest */
} fixture;

static void fixture_open(fixture *fx)
{
    silt_error err;
    memset(fx, 0, sizeof *fx);
    test_tmpdir_make(fx->dir, sizeof fx->dir, "mv");
    snprintf(fx->src_dir, sizeof fx->src_dir, "%s/src", fx->dir);
    snprintf(fx->view_dir, sizeof fx->view_dir, "%s/view", fx->dir);
    OK(silt_delta_schema_parse(&fx->src_schema, src_schema_json, &err));
    OK(silt_store_open(&fx->src, fx->src_dir, &err));
    OK(silt_store_open(&fx->view, fx->view_dir, &err));
    silt_delta_table_def sd = {fx->src_schema, NULL, 0, "src", NULL, NULL};
    int64_t v;
    OK(silt_delta_create_table(&v, fx->src, &sd, NULL, &err));
    silt_sql_input in = {"batch", fx->src_schema};
    OK(silt_sql_prepare(&fx->plan, view_query, &in, 1, &err));
    silt_delta_table_def vd = {silt_sql_plan_schema(fx->plan), NULL, 0, "view", NULL, NULL};
    OK(silt_delta_create_table(&v, fx->view, &vd, NULL, &err));
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    ro.file_ops = silt_delta_parquet_ops();
    OK(silt_delta_snapshot_load(&fx->snap, fx->view, &ro, &err));
}

static void fixture_close(fixture *fx)
{
    silt_delta_snapshot_destroy(fx->snap);
    silt_sql_plan_destroy(fx->plan);
    silt_schema_destroy(fx->src_schema);
    silt_store_destroy(fx->src);
    silt_store_destroy(fx->view);
    assert_int_equal(test_tmpdir_remove(fx->dir), 0);
}

/* A batch of source rows (k, x); x < 0 stands for a null x. */
static silt_batch *rows(fixture *fx, const int64_t *k, const int64_t *x, size_t n)
{
    silt_batch *b = silt_batch_create(fx->src_schema);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(silt_column_append_int(&b->cols[0], k[i]), 0);
        assert_int_equal(x[i] < 0 ? silt_column_append_null(&b->cols[1])
                                  : silt_column_append_int(&b->cols[1], x[i]),
                         0);
    }
    b->n_rows = (int64_t)n;
    return b;
}

/* One upstream batch: appended to the source (its version is the batch id) and merged into
 * the view with txn silt:view:src = that version. */
static silt_pipeline_mv_stats feed(fixture *fx, silt_batch *b)
{
    silt_error err;
    silt_delta_add add;
    OK(silt_delta_write_data_file(&add, fx->src, silt_delta_parquet_ops(), b, NULL, NULL, 0, &err));
    int64_t sv;
    OK(silt_delta_append(&sv, fx->src, NULL, &add, 1, NULL, 0, NULL, &err));
    silt_delta_add_clear(&add);
    silt_batch *partial = NULL;
    OK(silt_sql_run(fx->plan, b, &partial, &err));
    silt_delta_txn txn = {(char *)"silt:view:src", sv, -1};
    silt_pipeline_mv_spec spec = {view_ops, 5};
    silt_pipeline_mv_stats st;
    OK(silt_pipeline_mv_upsert(&st, fx->view, &fx->snap, &spec, partial, &txn, 1,
                               silt_delta_parquet_ops(), &err));
    assert_int_equal(silt_delta_snapshot_txn_version(fx->snap, "silt:view:src"), sv);
    silt_batch_destroy(partial);
    silt_batch_destroy(b);
    return st;
}

/* The view equals the aggregate recomputed over the whole source. */
static void assert_view_is_recompute(fixture *fx)
{
    char q1[700], q2[700];
    snprintf(q1, sizeof q1, "%s", view_query);
    snprintf(q2, sizeof q2,
             "SELECT k, count(*) AS n, sum(x) AS total, min(x) AS lo, max(x) AS hi FROM "
             "delta.`%s` GROUP BY k",
             fx->src_dir);
    snprintf(q1, sizeof q1, "SELECT * FROM delta.`%s`", fx->view_dir);
    char *view = pf_rows(q1), *want = pf_rows(q2);
    if (strcmp(view, want) != 0) fail_msg("the view differs from the recompute");
    silt_free(view);
    silt_free(want);
}

static void test_merge_semantics(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx);
    /* groups 1..4; x null in group 3 */
    feed(&fx, rows(&fx, (int64_t[]){1, 1, 2, 3, 4}, (int64_t[]){10, 20, 5, -1, 7}, 5));
    assert_view_is_recompute(&fx);
    /* group 1 again (sum, count, min, max move), group 3 gets its first value, group 5 is new */
    silt_pipeline_mv_stats st =
        feed(&fx, rows(&fx, (int64_t[]){1, 3, 5, 1}, (int64_t[]){1, 9, 2, 30}, 4));
    assert_int_equal(st.groups_in, 3);
    assert_int_equal(st.groups_updated, 2);
    assert_int_equal(st.groups_new, 1);
    assert_view_is_recompute(&fx);
    assert_true(silt_delta_dvs_enabled(fx.snap));
    /* a batch whose commit is already in the view (its txn) is refused: nothing counted twice */
    silt_error err;
    silt_batch *b = rows(&fx, (int64_t[]){2}, (int64_t[]){100}, 1);
    silt_batch *partial = NULL;
    OK(silt_sql_run(fx.plan, b, &partial, &err));
    silt_delta_txn txn = {(char *)"silt:view:src",
                          silt_delta_snapshot_txn_version(fx.snap, "silt:view:src"), -1};
    silt_pipeline_mv_spec spec = {view_ops, 5};
    assert_int_equal(silt_pipeline_mv_upsert(NULL, fx.view, &fx.snap, &spec, partial, &txn, 1,
                                             silt_delta_parquet_ops(), &err),
                     SILT_ECONFLICT);
    assert_view_is_recompute(&fx);
    /* a batch holding a group twice is not a batch of partial aggregates */
    silt_batch *twice = rows(&fx, (int64_t[]){7, 7}, (int64_t[]){1, 1}, 2);
    silt_batch *bad = silt_batch_create(partial->schema);
    for (int64_t r = 0; r < 2; r++)
        for (size_t c = 0; c < 5; c++)
            assert_int_equal(silt_column_append_range(&bad->cols[c], &partial->cols[c], 0, 1), 0);
    bad->n_rows = 2;
    txn.version++;
    assert_int_equal(silt_pipeline_mv_upsert(NULL, fx.view, &fx.snap, &spec, bad, &txn, 1,
                                             silt_delta_parquet_ops(), &err),
                     SILT_EINVAL);
    /* a spec that does not fit the view */
    silt_pipeline_mv_op wrong[] = {SILT_MV_KEY, SILT_MV_COUNT, SILT_MV_SUM, SILT_MV_MIN};
    silt_pipeline_mv_spec ws = {wrong, 4};
    assert_int_equal(silt_pipeline_mv_check(&ws, fx.snap->schema, &err), SILT_EUNSUPPORTED);
    silt_batch_destroy(twice);
    silt_batch_destroy(bad);
    silt_batch_destroy(partial);
    silt_batch_destroy(b);
    fixture_close(&fx);
}

/* Bytes a commit wrote anew: adds of paths it does not also remove (re-adds of a file with a
 * new DV write no data) and the DV files its adds reference. */
static uint64_t commit_new_bytes(fixture *fx, int64_t version, uint64_t *out_removed)
{
    silt_error err;
    char key[128];
    silt_delta_commit_key(key, sizeof key, version);
    silt_buf raw = SILT_BUF_INIT;
    OK(silt_store_get(fx->view, &raw, key, &err));
    silt_delta_actions a = {0};
    OK(silt_delta_actions_parse(&a, raw.ptr, raw.len, key, &err));
    uint64_t bytes = 0, removed = 0;
    char dv_seen[8][200];
    size_t n_dv = 0;
    for (size_t i = 0; i < a.n; i++) {
        if (a.items[i].type == SILT_DELTA_REMOVE) removed += (uint64_t)a.items[i].u.remove.size;
        if (a.items[i].type != SILT_DELTA_ADD) continue;
        const silt_delta_add *x = &a.items[i].u.add;
        bool readd = false;
        for (size_t j = 0; j < a.n; j++)
            readd |= a.items[j].type == SILT_DELTA_REMOVE &&
                     strcmp(a.items[j].u.remove.path, x->path) == 0;
        if (!readd) bytes += (uint64_t)x->size;
        if (!silt_delta_add_has_dv(x)) continue;
        silt_buf dk = SILT_BUF_INIT;
        OK(silt_delta_dv_file_key(&dk, &x->dv, fx->view->url, &err));
        assert_int_equal(silt_buf_cstr(&dk), 0);
        bool seen = false;
        for (size_t k = 0; k < n_dv; k++) seen |= strcmp(dv_seen[k], (char *)dk.ptr) == 0;
        if (!seen) {
            assert_true(n_dv < 8);
            snprintf(dv_seen[n_dv++], sizeof dv_seen[0], "%s", (char *)dk.ptr);
            silt_store_entry e;
            OK(silt_store_head(fx->view, &e, (char *)dk.ptr, &err));
            bytes += e.size;
            silt_free(e.key);
        }
        silt_buf_free(&dk);
    }
    silt_delta_actions_clear(&a);
    silt_buf_free(&raw);
    if (out_removed) *out_removed = removed;
    return bytes;
}

/* 1,000,000 groups in 10 files; a batch of 1,500 rows touching 1,000 random groups and adding
 * 10: the commit writes at most 5% of the view's bytes, and the view equals the recompute. */
static void test_million_groups(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx);
    enum { GROUPS = 1000000, PARTS = 10 };
    int64_t *k = silt_malloc(GROUPS / PARTS * sizeof *k),
            *x = silt_malloc(GROUPS / PARTS * sizeof *x);
    for (int p = 0; p < PARTS; p++) {
        for (int64_t i = 0; i < GROUPS / PARTS; i++) {
            k[i] = p * (GROUPS / PARTS) + i;
            x[i] = (int64_t)(silt_hash_u64((uint64_t)k[i]) % 1000000000); /* incompressible */
        }
        feed(&fx, rows(&fx, k, x, GROUPS / PARTS));
    }
    uint64_t view_bytes = 0;
    for (size_t i = 0; i < fx.snap->n_files; i++) view_bytes += (uint64_t)fx.snap->files[i].size;
    assert_int_equal(fx.snap->n_files, PARTS);
    /* 1,000 distinct random groups, 500 of them twice, plus 10 new ones */
    uint64_t seed = 42;
    int64_t bk[1510], bx[1510];
    uint8_t *used = silt_calloc(GROUPS, 1);
    size_t n = 0;
    while (n < 1000) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        int64_t g = (int64_t)((seed >> 20) % GROUPS);
        if (used[g]) continue;
        used[g] = 1;
        bk[n] = g;
        bx[n++] = (int64_t)(seed >> 40) % 1000;
    }
    for (size_t i = 0; i < 500; i++, n++) {
        bk[n] = bk[i * 2];
        bx[n] = 200000 + (int64_t)i; /* a new maximum for those groups */
    }
    for (size_t i = 0; i < 10; i++, n++) {
        bk[n] = GROUPS + (int64_t)i;
        bx[n] = 1;
    }
    silt_pipeline_mv_stats st = feed(&fx, rows(&fx, bk, bx, n));
    assert_int_equal(st.groups_updated, 1000);
    assert_int_equal(st.groups_new, 10);
    uint64_t removed = 0, written = commit_new_bytes(&fx, st.version, &removed);
    print_message("view of %d groups: %" PRIu64 " bytes in %zu files; the batch touching 1,000 "
                  "groups wrote %" PRIu64 " bytes (%.3f%%); its commit re-added %" PRIu64
                  " bytes of files with new deletion vectors\n",
                  GROUPS, view_bytes, (size_t)PARTS, written,
                  100.0 * (double)written / (double)view_bytes, removed);
    assert_true(written * 20 <= view_bytes);
    assert_int_equal(written, st.bytes_added);
    assert_view_is_recompute(&fx);
    silt_free(used);
    silt_free(k);
    silt_free(x);
    fixture_close(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_semantics),
        cmocka_unit_test(test_million_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
