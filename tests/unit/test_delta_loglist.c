/* Unit tests for the narrowed log listing (from _last_checkpoint's version on, through 20-digit
 * prefixes, across digit boundaries) and for snapshot loads that use it, on the mem store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "delta/checkpoint.h"
#include "delta/commit.h"
#include "delta/log_int.h"
#include "delta/pqio.h"
#include "util/alloc.h"
#include "util/time.h"

static void put_key(silt_store *s, const char *fmt, int64_t v)
{
    char key[128];
    silt_error err;
    snprintf(key, sizeof key, fmt, v);
    assert_int_equal(silt_store_put(s, key, "{}", 2, &err), 0);
}

/* Commits lo..hi as bare keys (the listing only looks at names). */
static void put_commits(silt_store *s, int64_t lo, int64_t hi)
{
    for (int64_t v = lo; v <= hi; v++) put_key(s, "_delta_log/%020" PRId64 ".json", v);
}

/* Lists from `from` and checks the commits seen (first..last), the checkpoints and the number
 * of store calls the listing took (one per prefix). */
static void check_listing(silt_store *s, int64_t from, int64_t first, int64_t last, size_t n_cps,
                          uint64_t calls)
{
    silt_error err;
    silt_delta_listing x;
    uint64_t c0 = silt_store_mem_calls(s);
    assert_int_equal(silt_delta_listing_read_from(&x, s, from, &err), 0);
    assert_int_equal(silt_store_mem_calls(s) - c0, calls);
    assert_int_equal(x.n_commits, (size_t)(last - first + 1));
    assert_int_equal(x.versions[0], first);
    assert_int_equal(x.versions[x.n_commits - 1], last);
    assert_int_equal(x.n_cps, n_cps);
    silt_delta_listing_clear(&x);
}

/* Checkpoint at 99990, commits up to 100010: [99900, 100000) then [100000, 200000). */
static void test_listing_digit_boundary(void **state)
{
    (void)state;
    silt_error err;
    silt_store *s = NULL;
    assert_int_equal(silt_store_mem_create(&s, &err), 0);
    put_commits(s, 0, 20); /* early history, never listed */
    put_commits(s, 99800, 100010);
    put_key(s, "_delta_log/%020" PRId64 ".checkpoint.parquet", 99990);
    put_key(s, "_delta_log/%020" PRId64 ".crc", 99995);
    check_listing(s, 99990, 99900, 100010, 1, 2);
    /* a log that ends right at the boundary: the block after it is listed, empty */
    silt_store *t = NULL;
    assert_int_equal(silt_store_mem_create(&t, &err), 0);
    put_commits(t, 99990, 99999);
    check_listing(t, 99990, 99990, 99999, 0, 2);
    /* from 0, three blocks of 100; from 250, one */
    silt_store *u = NULL;
    assert_int_equal(silt_store_mem_create(&u, &err), 0);
    put_commits(u, 0, 250);
    check_listing(u, 0, 0, 250, 0, 3);
    check_listing(u, 250, 200, 250, 0, 1);
    silt_store_destroy(s);
    silt_store_destroy(t);
    silt_store_destroy(u);
}

/* A store forwarding to a mem store that counts the listings of the whole log. */
typedef struct spy_store {
    silt_store base;
    silt_store *inner;
    int whole_lists; /* listings with the prefix _delta_log/ alone */
} spy_store;
#define INNER(s) (((spy_store *)(s))->inner)
static int spy_get(silt_store *s, silt_buf *out, const char *key, silt_error *err)
{
    return silt_store_get(INNER(s), out, key, err);
}
static int spy_get_range(silt_store *s, void *buf, const char *key, uint64_t off, size_t n,
                         silt_error *err)
{
    return silt_store_get_range(INNER(s), buf, key, off, n, err);
}
static int spy_put(silt_store *s, const char *key, const void *data, size_t n, silt_error *err)
{
    return silt_store_put(INNER(s), key, data, n, err);
}
static int spy_put_if_absent(silt_store *s, const char *key, const void *data, size_t n,
                             silt_error *err)
{
    return silt_store_put_if_absent(INNER(s), key, data, n, err);
}
static int spy_list(silt_store *s, silt_store_listing *out, const char *prefix, silt_error *err)
{
    if (strcmp(prefix, "_delta_log/") == 0) ((spy_store *)s)->whole_lists++;
    return silt_store_list(INNER(s), out, prefix, err);
}
static int spy_del(silt_store *s, const char *key, silt_error *err)
{
    return silt_store_delete(INNER(s), key, err);
}
static int spy_head(silt_store *s, silt_store_entry *out, const char *key, silt_error *err)
{
    return silt_store_head(INNER(s), out, key, err);
}
static void spy_destroy(silt_store *s)
{
    (void)s;
}
static const struct silt_store_ops spy_ops = {spy_get,  spy_get_range, spy_put,  spy_put_if_absent,
                                              spy_list, spy_del,       spy_head, spy_destroy,
                                              NULL,     NULL,          NULL};

/* One blind-append commit of one add and a txn. */
static void commit_one(silt_store *s, int64_t *version, int64_t i)
{
    silt_error err;
    silt_delta_actions a = {0};
    silt_delta_action *x = silt_delta_actions_push(&a, SILT_DELTA_ADD);
    char path[64];
    snprintf(path, sizeof path, "part-%06" PRId64 ".parquet", i);
    x->u.add.path = silt_strdup(path);
    x->u.add.size = 100 + i;
    x->u.add.modification_time = 1000 + i;
    x->u.add.data_change = true;
    silt_delta_action *t = silt_delta_actions_push(&a, SILT_DELTA_TXN);
    t->u.txn.app_id = silt_strdup("app");
    t->u.txn.version = i;
    assert_int_equal(silt_delta_commit(version, s, *version, &a, NULL, &err), 0);
    silt_delta_actions_clear(&a);
}

static silt_delta_snapshot *load(silt_store *s, const silt_delta_file_ops *ops, int64_t version)
{
    silt_error err;
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    ro.file_ops = ops;
    ro.version = version;
    silt_delta_snapshot *snap = NULL;
    int rc = silt_delta_snapshot_load(&snap, s, &ro, &err);
    if (rc) fail_msg("load: %s", err.msg);
    return snap;
}

/* A table checkpointed at 990 with commits up to 1010 loads from the checkpoint (20 commits
 * read) to the same state as a replay of every JSON commit; time travel before the checkpoint
 * and a checkpoint that has gone missing still work (a full listing). */
static void test_load_across_boundary(void **state)
{
    (void)state;
    silt_error err;
    spy_store spy = {{&spy_ops, (char *)"spy:", false}, NULL, 0};
    assert_int_equal(silt_store_mem_create(&spy.inner, &err), 0);
    silt_store *s = &spy.base;
    silt_schema *schema = silt_schema_create(1);
    silt_field_init(&schema->fields[0], "x", SILT_TYPE_INT64, true);
    silt_delta_table_def def = {schema, NULL, 0, "t", NULL, NULL};
    int64_t v;
    assert_int_equal(silt_delta_create_table(&v, s, &def, NULL, &err), 0);
    while (v < 990) commit_one(s, &v, v + 1);
    const silt_delta_file_ops *ops = silt_delta_parquet_ops();
    silt_delta_snapshot *snap = load(s, ops, -1);
    assert_int_equal(silt_delta_checkpoint_write(s, snap, ops, silt_time_wall_ms(), &err), 0);
    silt_delta_snapshot_destroy(snap);
    while (v < 1010) commit_one(s, &v, v + 1);

    silt_delta_file_ops json_only = *ops;
    json_only.read_checkpoint = NULL;
    silt_delta_snapshot *all = load(s, &json_only, -1);
    spy.whole_lists = 0;
    snap = load(s, ops, -1);
    assert_int_equal(spy.whole_lists, 0); /* listed from the checkpoint on only */
    assert_int_equal(snap->version, 1010);
    assert_int_equal(snap->checkpoint_version, 990);
    assert_true(snap->used_last_checkpoint);
    assert_int_equal(snap->n_commits_read, 20);
    assert_int_equal(all->n_commits_read, 1011);
    assert_int_equal(snap->n_files, all->n_files);
    assert_int_equal(snap->n_files, 1010);
    for (size_t i = 0; i < snap->n_files; i++) {
        assert_string_equal(snap->files[i].path, all->files[i].path);
        assert_int_equal(snap->files[i].size, all->files[i].size);
    }
    assert_int_equal(silt_delta_snapshot_txn_version(snap, "app"), 1010);
    silt_delta_snapshot_destroy(snap);
    silt_delta_snapshot_destroy(all);

    snap = load(s, ops, 500); /* before the checkpoint */
    assert_int_equal(snap->n_files, 500);
    silt_delta_snapshot_destroy(snap);
    snap = load(s, ops, 1000);
    assert_int_equal(snap->n_files, 1000);
    assert_int_equal(snap->checkpoint_version, 990);
    silt_delta_snapshot_destroy(snap);
    assert_int_equal(spy.whole_lists, 1); /* version 500 only */

    /* the checkpoint _last_checkpoint names is gone: the whole log is listed and replayed */
    char key[64];
    snprintf(key, sizeof key, "_delta_log/%020d.checkpoint.parquet", 990);
    assert_int_equal(silt_store_delete(s, key, &err), 0);
    snap = load(s, ops, -1);
    assert_int_equal(snap->n_files, 1010);
    assert_int_equal(snap->checkpoint_version, -1);
    assert_int_equal(spy.whole_lists, 2);
    silt_delta_snapshot_destroy(snap);
    silt_schema_destroy(schema);
    silt_store_destroy(spy.inner);
}

/* A failed get among commits fetched in parallel is reported, and nothing is half-applied. */
static void test_parallel_fetch_failure(void **state)
{
    (void)state;
    silt_error err;
    silt_store *s = NULL;
    assert_int_equal(silt_store_mem_create(&s, &err), 0);
    silt_schema *schema = silt_schema_create(1);
    silt_field_init(&schema->fields[0], "x", SILT_TYPE_INT64, true);
    silt_delta_table_def def = {schema, NULL, 0, "t", NULL, NULL};
    int64_t v;
    assert_int_equal(silt_delta_create_table(&v, s, &def, NULL, &err), 0);
    while (v < 300) commit_one(s, &v, v + 1);
    silt_store_mem_fail_path(s, "00000000000000000257.json");
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    silt_delta_snapshot *snap = NULL;
    assert_int_equal(silt_delta_snapshot_load(&snap, s, &ro, &err), SILT_EIO);
    assert_null(snap);
    assert_non_null(strstr(err.msg, "00000000000000000257.json"));
    silt_store_mem_fail_path(s, NULL);
    assert_int_equal(silt_delta_snapshot_load(&snap, s, &ro, &err), 0);
    assert_int_equal(snap->n_files, 300);
    silt_delta_snapshot_destroy(snap);
    silt_schema_destroy(schema);
    silt_store_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listing_digit_boundary),
        cmocka_unit_test(test_load_across_boundary),
        cmocka_unit_test(test_parallel_fetch_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
