/* Unit tests for deletion vectors in tables: the protocol upgrade, delete commits (merging with
 * a file's DV, dropping a wholly deleted file, conflicts), scans that skip deleted rows (across
 * row groups, with predicates, as of older versions, from checkpoints), replay of Spark's
 * action order, OPTIMIZE dropping deleted rows and VACUUM keeping referenced DV files. Real
 * Parquet reader/writer over an in-memory store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta/checkpoint.h"
#include "delta/commit.h"
#include "delta/dv_commit.h"
#include "delta/log.h"
#include "delta/maint.h"
#include "delta/optimize.h"
#include "delta/pqio.h"
#include "delta/scan.h"
#include "delta/schema.h"
#include "util/alloc.h"

#define OK(call)                                                                                   \
    do {                                                                                           \
        silt_error_clear(&err);                                                                    \
        int rc_ = (call);                                                                          \
        if (rc_) fail_msg("%s: %s", #call, err.msg);                                               \
    } while (0)

static const char *schema_json =
    "{\"type\":\"struct\",\"fields\":["
    "{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"v\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}}]}";

typedef struct table {
    silt_store *store;
    silt_schema *schema;
    silt_delta_pqio_options pq;
    silt_delta_file_ops ops;
} table;

static void table_create(table *t)
{
    silt_error err;
    memset(t, 0, sizeof *t);
    OK(silt_store_mem_create(&t->store, &err));
    OK(silt_delta_schema_parse(&t->schema, schema_json, &err));
    t->pq.row_group_bytes = 4096; /* several row groups per file */
    silt_delta_parquet_ops_with(&t->ops, &t->pq);
    silt_delta_table_def def = {t->schema, NULL, 0, "t", NULL, NULL};
    silt_delta_commit_opts co = {0};
    int64_t v;
    OK(silt_delta_create_table(&v, t->store, &def, &co, &err));
}

static void table_destroy(table *t)
{
    silt_schema_destroy(t->schema);
    silt_store_destroy(t->store);
}

/* Appends one file of ids [first, first+n); returns its path (owned). */
static char *append_ids(table *t, int64_t first, int64_t n)
{
    silt_error err;
    silt_batch *b = silt_batch_create(t->schema);
    for (int64_t i = first; i < first + n; i++) {
        char v[32];
        int k = snprintf(v, sizeof v, "value-%lld", (long long)i);
        silt_column_append_int(&b->cols[0], i);
        silt_column_append_bytes(&b->cols[1], v, (size_t)k);
    }
    b->n_rows = n;
    silt_delta_add add;
    OK(silt_delta_write_data_file(&add, t->store, &t->ops, b, NULL, NULL, 0, &err));
    silt_delta_commit_opts co = {0};
    int64_t ver;
    OK(silt_delta_append(&ver, t->store, NULL, &add, 1, NULL, 0, &co, &err));
    char *path = silt_strdup(add.path);
    silt_delta_add_clear(&add);
    silt_batch_destroy(b);
    return path;
}

static silt_delta_snapshot *load(table *t, int64_t version)
{
    silt_error err;
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    ro.file_ops = &t->ops;
    ro.version = version;
    silt_delta_snapshot *s = NULL;
    OK(silt_delta_snapshot_load(&s, t->store, &ro, &err));
    return s;
}

typedef struct ids {
    uint8_t seen[4096];
    int64_t n;
} ids;

static int collect(void *arg, const silt_batch *b, silt_error *err)
{
    (void)err;
    ids *x = arg;
    for (int64_t i = 0; i < b->n_rows; i++) {
        int64_t id = silt_column_get_int(&b->cols[0], i);
        char want[32];
        snprintf(want, sizeof want, "value-%lld", (long long)id);
        size_t len;
        const uint8_t *v = silt_column_bytes(&b->cols[1], i, &len);
        if (len != strlen(want) || memcmp(v, want, len) != 0) return SILT_ECORRUPT;
        x->seen[id]++;
        x->n++;
    }
    return 0;
}

/* The ids a scan of snap emits (each must appear at most once). */
static void scan_ids(ids *out, table *t, const silt_delta_snapshot *snap, const silt_delta_pred *p)
{
    silt_error err;
    memset(out, 0, sizeof *out);
    silt_delta_scan_opts o = silt_delta_scan_opts_default();
    o.file_ops = &t->ops;
    o.pred = p;
    OK(silt_delta_scan(NULL, snap, t->store, &o, collect, out, &err));
    for (int i = 0; i < 4096; i++) assert_true(out->seen[i] <= 1);
}

static silt_delta_rowset rows_of(const uint64_t *r, size_t n)
{
    silt_delta_rowset s = {0};
    for (size_t i = 0; i < n; i++) assert_int_equal(silt_delta_rowset_add(&s, r[i]), 0);
    silt_delta_rowset_normalize(&s);
    return s;
}

/* Deletes rows of path as of the latest version; returns the new version. */
static int64_t delete_rows(table *t, const char *path, const uint64_t *r, size_t n,
                           silt_delta_dv_commit_stats *st)
{
    silt_error err;
    silt_delta_snapshot *s = load(t, -1);
    silt_delta_rowset rs = rows_of(r, n);
    silt_delta_row_delete d = {path, &rs};
    int64_t v;
    OK(silt_delta_delete_rows(&v, st, t->store, s, &d, 1, NULL, 0, NULL, 0, NULL, &err));
    silt_delta_rowset_free(&rs);
    silt_delta_snapshot_destroy(s);
    return v;
}

static void enable(table *t)
{
    silt_error err;
    silt_delta_snapshot *s = load(t, -1);
    int64_t v;
    OK(silt_delta_enable_dvs(&v, t->store, s, NULL, &err));
    silt_delta_snapshot_destroy(s);
}

static void test_upgrade_and_delete(void **state)
{
    (void)state;
    table t;
    table_create(&t);
    char *a = append_ids(&t, 0, 1000);
    char *b = append_ids(&t, 1000, 1000);
    silt_error err;
    /* without the feature the table refuses deletion vectors */
    silt_delta_snapshot *s = load(&t, -1);
    silt_delta_rowset rs = rows_of((uint64_t[]){1}, 1);
    silt_delta_row_delete d = {a, &rs};
    int64_t v;
    assert_int_equal(
        silt_delta_delete_rows(&v, NULL, t.store, s, &d, 1, NULL, 0, NULL, 0, NULL, &err),
        SILT_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "deletionVectors"));
    silt_delta_snapshot_destroy(s);
    enable(&t);
    s = load(&t, -1);
    assert_int_equal(s->protocol.min_reader_version, 3);
    assert_int_equal(s->protocol.min_writer_version, 7);
    assert_true(silt_delta_dvs_enabled(s));
    assert_string_equal(silt_delta_snapshot_config(s, "delta.enableDeletionVectors"), "true");
    /* enabling again writes nothing */
    OK(silt_delta_enable_dvs(&v, t.store, s, NULL, &err));
    assert_int_equal(v, s->version);
    silt_delta_snapshot_destroy(s);
    /* rows 0, 5, 500 and 999 of a: first, middle, last row, across row groups */
    silt_delta_dv_commit_stats st;
    int64_t v1 = delete_rows(&t, a, (uint64_t[]){999, 0, 5, 500}, 4, &st);
    assert_int_equal(st.files_touched, 1);
    assert_int_equal(st.rows_deleted, 4);
    assert_true(st.dv_file_size > 0);
    ids got;
    s = load(&t, -1);
    assert_int_equal(s->n_files, 2);
    const silt_delta_add *fa = silt_delta_snapshot_find(s, a);
    assert_non_null(fa);
    assert_int_equal(fa->dv.cardinality, 4);
    scan_ids(&got, &t, s, NULL);
    assert_int_equal(got.n, 1996);
    assert_int_equal(got.seen[0] + got.seen[5] + got.seen[500] + got.seen[999], 0);
    assert_int_equal(got.seen[1] + got.seen[998] + got.seen[1000], 3);
    silt_delta_snapshot_destroy(s);
    /* more rows of a (5 again): merged with the DV it has */
    delete_rows(&t, a, (uint64_t[]){5, 6}, 2, &st);
    assert_int_equal(st.rows_deleted, 1);
    s = load(&t, -1);
    assert_int_equal(silt_delta_snapshot_find(s, a)->dv.cardinality, 5);
    scan_ids(&got, &t, s, NULL);
    assert_int_equal(got.n, 1995);
    assert_int_equal(got.seen[6], 0);
    /* a data predicate on a file with a DV: rows still skipped */
    silt_delta_pred p;
    OK(silt_delta_pred_parse(&p, "id < 10", &err));
    scan_ids(&got, &t, s, &p);
    assert_int_equal(got.n, 7); /* 1..9 without 5 and 6 */
    silt_delta_snapshot_destroy(s);
    /* time travel: the version before sees the first DV only */
    s = load(&t, v1);
    scan_ids(&got, &t, s, NULL);
    assert_int_equal(got.n, 1996);
    assert_int_equal(got.seen[6], 1);
    silt_delta_snapshot_destroy(s);
    /* every row of b: the file goes */
    uint64_t *all = silt_calloc(1000, sizeof *all);
    for (int i = 0; i < 1000; i++) all[i] = (uint64_t)i;
    delete_rows(&t, b, all, 1000, &st);
    assert_int_equal(st.files_dropped, 1);
    assert_int_equal(st.files_touched, 0);
    s = load(&t, -1);
    assert_int_equal(s->n_files, 1);
    scan_ids(&got, &t, s, NULL);
    assert_int_equal(got.n, 995);
    silt_delta_snapshot_destroy(s);
    silt_free(all);
    silt_delta_rowset_free(&rs);
    silt_free(a);
    silt_free(b);
    table_destroy(&t);
}

/* A checkpoint carries the DVs: a snapshot read from it scans the same rows. */
static void test_checkpoint_keeps_dvs(void **state)
{
    (void)state;
    table t;
    table_create(&t);
    char *a = append_ids(&t, 0, 300);
    enable(&t);
    delete_rows(&t, a, (uint64_t[]){1, 2, 3, 299}, 4, NULL);
    silt_error err;
    silt_delta_snapshot *s = load(&t, -1);
    OK(silt_delta_checkpoint_write(t.store, s, &t.ops, 0, &err));
    silt_delta_snapshot_destroy(s);
    s = load(&t, -1);
    assert_true(s->checkpoint_version >= 0);
    assert_int_equal(s->n_commits_read, 0);
    const silt_delta_add *f = silt_delta_snapshot_find(s, a);
    assert_int_equal(f->dv.storage_type, 'u');
    assert_int_equal(f->dv.cardinality, 4);
    assert_int_equal(f->dv.max_row_index, 299);
    /* the tombstone (the entry the DV commit removed) has no DV: the file had none */
    ids got;
    scan_ids(&got, &t, s, NULL);
    assert_int_equal(got.n, 296);
    assert_int_equal(got.seen[299], 0);
    silt_delta_snapshot_destroy(s);
    silt_free(a);
    table_destroy(&t);
}

/* Spark may write the add with the new DV before the remove of the old entry: the file stays
 * live with the new DV. */
static void test_replay_add_before_remove(void **state)
{
    (void)state;
    table t;
    table_create(&t);
    char *a = append_ids(&t, 0, 100);
    enable(&t);
    delete_rows(&t, a, (uint64_t[]){10}, 1, NULL);
    silt_error err;
    silt_delta_snapshot *s = load(&t, -1);
    const silt_delta_add *f = silt_delta_snapshot_find(s, a);
    /* new DV for rows {10, 11}, committed as add then remove */
    silt_delta_rowset rs = rows_of((uint64_t[]){10, 11}, 2);
    silt_delta_dv dv;
    OK(silt_delta_dv_write(&dv, NULL, t.store, &rs, 1, &err));
    silt_delta_actions acts = {0};
    silt_delta_action *x = silt_delta_actions_push(&acts, SILT_DELTA_ADD);
    assert_int_equal(silt_delta_add_copy(&x->u.add, f), 0);
    silt_delta_dv_clear(&x->u.add.dv);
    x->u.add.dv = dv;
    x = silt_delta_actions_push(&acts, SILT_DELTA_REMOVE);
    x->u.remove.path = silt_strdup(a);
    x->u.remove.data_change = true;
    x->u.remove.deletion_timestamp = 1;
    assert_int_equal(silt_delta_dv_copy(&x->u.remove.dv, &f->dv), 0);
    silt_delta_commit_opts co = {0};
    int64_t v;
    OK(silt_delta_commit(&v, t.store, s->version, &acts, &co, &err));
    silt_delta_snapshot_destroy(s);
    s = load(&t, -1);
    assert_int_equal(s->n_files, 1);
    assert_int_equal(s->files[0].dv.cardinality, 2);
    ids got;
    scan_ids(&got, &t, s, NULL);
    assert_int_equal(got.n, 98);
    silt_delta_snapshot_destroy(s);
    silt_delta_actions_clear(&acts);
    silt_delta_rowset_free(&rs);
    silt_free(a);
    table_destroy(&t);
}

/* Two deletes prepared against the same version touching the same file: the second conflicts
 * (its remove names a file entry the first already removed). */
static void test_concurrent_deletes_conflict(void **state)
{
    (void)state;
    table t;
    table_create(&t);
    char *a = append_ids(&t, 0, 100);
    enable(&t);
    silt_error err;
    silt_delta_snapshot *s = load(&t, -1);
    silt_delta_rowset r1 = rows_of((uint64_t[]){1}, 1), r2 = rows_of((uint64_t[]){2}, 1);
    silt_delta_row_delete d1 = {a, &r1}, d2 = {a, &r2};
    int64_t v;
    OK(silt_delta_delete_rows(&v, NULL, t.store, s, &d1, 1, NULL, 0, NULL, 0, NULL, &err));
    assert_int_equal(
        silt_delta_delete_rows(&v, NULL, t.store, s, &d2, 1, NULL, 0, NULL, 0, NULL, &err),
        SILT_ECONFLICT);
    /* a path given twice, a path that is not live */
    silt_delta_row_delete twice[2] = {{a, &r1}, {a, &r2}};
    assert_int_equal(
        silt_delta_delete_rows(&v, NULL, t.store, s, twice, 2, NULL, 0, NULL, 0, NULL, &err),
        SILT_EINVAL);
    silt_delta_row_delete gone = {"nope.parquet", &r1};
    assert_int_equal(
        silt_delta_delete_rows(&v, NULL, t.store, s, &gone, 1, NULL, 0, NULL, 0, NULL, &err),
        SILT_EINVAL);
    silt_delta_snapshot_destroy(s);
    silt_delta_rowset_free(&r1);
    silt_delta_rowset_free(&r2);
    silt_free(a);
    table_destroy(&t);
}

/* OPTIMIZE rewrites a file with more than 5% of its rows deleted, without them; VACUUM then
 * deletes the DV files no live file references and keeps those that are. */
static void test_optimize_and_vacuum(void **state)
{
    (void)state;
    table t;
    table_create(&t);
    char *a = append_ids(&t, 0, 200);
    char *b = append_ids(&t, 200, 200);
    enable(&t);
    uint64_t many[20];
    for (int i = 0; i < 20; i++) many[i] = (uint64_t)(i * 10);
    delete_rows(&t, a, many, 20, NULL);              /* 10% of a */
    delete_rows(&t, b, (uint64_t[]){0, 1}, 2, NULL); /* 1% of b: not worth a rewrite */
    delete_rows(&t, b, (uint64_t[]){2}, 1, NULL);    /* b's first DV file is now unused */
    silt_error err;
    silt_delta_snapshot *s = load(&t, -1);
    silt_delta_optimize_opts oo = {0};
    oo.file_ops = &t.ops;
    oo.target_size = 1; /* no file is small: only the mostly deleted one qualifies */
    silt_delta_optimize_result res;
    OK(silt_delta_optimize(&res, t.store, s, &oo, &err));
    assert_int_equal(res.files_removed, 1);
    assert_int_equal(res.files_added, 1);
    assert_int_equal(res.rows, 180);
    silt_delta_snapshot_destroy(s);
    s = load(&t, -1);
    assert_null(silt_delta_snapshot_find(s, a));
    assert_non_null(silt_delta_snapshot_find(s, b));
    ids got;
    scan_ids(&got, &t, s, NULL);
    assert_int_equal(got.n, 180 + 197);
    for (int i = 0; i < 200; i++) assert_int_equal(got.seen[i], i % 10 != 0);
    /* three DV files were written; only b's latest is live */
    silt_store_listing l = {0};
    OK(silt_store_list(t.store, &l, "", &err));
    size_t n_dv = 0;
    for (size_t i = 0; i < l.n; i++) n_dv += strstr(l.entries[i].key, "deletion_vector_") != NULL;
    assert_int_equal(n_dv, 3);
    silt_store_list_clear(&l);
    silt_delta_vacuum_opts vo = {0, true, false, INT64_MAX / 2};
    silt_delta_vacuum_result vr;
    OK(silt_delta_vacuum(&vr, t.store, s, &vo, &err));
    size_t dv_deleted = 0;
    for (size_t i = 0; i < vr.n; i++) dv_deleted += strstr(vr.paths[i], "deletion_vector_") != NULL;
    assert_int_equal(dv_deleted, 2);
    silt_delta_vacuum_result_clear(&vr);
    /* the table still reads, with b's DV */
    scan_ids(&got, &t, s, NULL);
    assert_int_equal(got.n, 180 + 197);
    silt_delta_snapshot_destroy(s);
    silt_free(a);
    silt_free(b);
    table_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upgrade_and_delete),
        cmocka_unit_test(test_checkpoint_keeps_dvs),
        cmocka_unit_test(test_replay_add_before_remove),
        cmocka_unit_test(test_concurrent_deletes_conflict),
        cmocka_unit_test(test_optimize_and_vacuum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
