/* Unit tests for src/delta writing: create / append / overwrite / replace, commitInfo, optimistic
 * concurrency and conflicts, store faults, checkpoints through fake Parquet ops, expired-log
 * cleanup, history and VACUUM selection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch/canon.h"
#include "delta/checkpoint.h"
#include "delta/commit.h"
#include "delta/log.h"
#include "delta/maint.h"
#include "delta/schema.h"
#include "store/store.h"
#include "support/oom.h"
#include "util/alloc.h"
#include "util/time.h"
#include "support/tmpdir.h"

static silt_schema *test_schema(void)
{
    silt_schema *s = NULL;
    silt_error err;
    assert_int_equal(silt_delta_schema_parse(
                         &s,
                         "{\"type\":\"struct\",\"fields\":["
                         "{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
                         "{\"name\":\"day\",\"type\":\"date\",\"nullable\":true,\"metadata\":{}}]}",
                         &err),
                     0);
    return s;
}

static silt_store *fresh_store(void)
{
    silt_store *s = NULL;
    silt_error err;
    assert_int_equal(silt_store_mem_create(&s, &err), 0);
    return s;
}

static int64_t create(silt_store *s, const silt_delta_map *conf)
{
    silt_schema *schema = test_schema();
    const char *parts[] = {"day"};
    silt_delta_table_def def = {schema, parts, 1, "t", "a test table", conf};
    int64_t v = -1;
    silt_error err;
    int rc = silt_delta_create_table(&v, s, &def, NULL, &err);
    if (rc) fail_msg("create: %s", err.msg);
    silt_schema_destroy(schema);
    return v;
}

/* A made-up add action for file `name` in partition day=`day` holding `rows` rows. */
static silt_delta_add make_add(const char *name, const char *day, int64_t rows)
{
    silt_delta_add a = {0};
    char path[256], stats[64];
    snprintf(path, sizeof path, "day=%s/%s", day, name);
    snprintf(stats, sizeof stats, "{\"numRecords\":%lld}", (long long)rows);
    a.path = silt_strdup(path);
    a.stats = silt_strdup(stats);
    a.size = 100 + rows;
    a.modification_time = silt_time_wall_ms();
    a.data_change = true;
    assert_int_equal(silt_delta_map_set(&a.partition_values, "day", day), 0);
    return a;
}

static silt_delta_snapshot *latest(silt_store *s, const silt_delta_file_ops *ops)
{
    silt_delta_read_opts o = silt_delta_read_opts_default();
    o.file_ops = ops;
    silt_delta_snapshot *snap = NULL;
    silt_error err;
    if (silt_delta_snapshot_load(&snap, s, &o, &err)) fail_msg("load: %s", err.msg);
    return snap;
}

static void read_commit(silt_store *s, int64_t v, silt_delta_actions *out)
{
    char key[64];
    silt_delta_commit_key(key, sizeof key, v);
    silt_buf b = SILT_BUF_INIT;
    silt_error err;
    assert_int_equal(silt_store_get(s, &b, key, &err), 0);
    assert_int_equal(silt_delta_actions_parse(out, b.ptr, b.len, key, &err), 0);
    silt_buf_free(&b);
}

static void test_create_append_overwrite(void **state)
{
    (void)state;
    silt_store *s = fresh_store();
    silt_error err;
    assert_int_equal(create(s, NULL), 0);
    /* creating again is refused */
    silt_schema *schema = test_schema();
    silt_delta_table_def def = {schema, NULL, 0, NULL, NULL, NULL};
    int64_t v;
    assert_int_equal(silt_delta_create_table(&v, s, &def, NULL, &err), SILT_EEXISTS);
    assert_non_null(strstr(err.msg, "already exists"));
    /* append two files with a txn */
    silt_delta_add adds[2] = {make_add("a.parquet", "2024-01-01", 5),
                              make_add("b.parquet", "2024-01-02", 7)};
    silt_delta_txn txn = {"silt:t:topic:0", 11, -1};
    assert_int_equal(silt_delta_append(&v, s, NULL, adds, 2, &txn, 1, NULL, &err), 0);
    assert_int_equal(v, 1);
    silt_delta_snapshot *snap = latest(s, NULL);
    assert_int_equal(snap->version, 1);
    assert_int_equal(snap->n_files, 2);
    assert_int_equal(silt_delta_snapshot_txn_version(snap, "silt:t:topic:0"), 11);
    assert_string_equal(snap->metadata.description, "a test table");
    assert_string_equal(snap->metadata.partition_columns[0], "day");
    assert_int_equal(snap->schema->fields[1].type, SILT_TYPE_DATE32);
    /* the same txn version again: refused, the data was written */
    assert_int_equal(silt_delta_append(&v, s, snap, adds, 2, &txn, 1, NULL, &err), SILT_ECONFLICT);
    assert_non_null(strstr(err.msg, "silt:t:topic:0"));
    /* commitInfo */
    silt_delta_actions a = {0};
    read_commit(s, 1, &a);
    assert_int_equal(a.items[0].type, SILT_DELTA_COMMIT_INFO);
    const char *ci = a.items[0].u.commit_info.json;
    assert_non_null(strstr(ci, "\"operation\":\"WRITE\""));
    assert_non_null(strstr(ci, "\"operationParameters\":{\"mode\":\"Append\"}"));
    assert_non_null(strstr(ci, "\"numOutputRows\":\"12\""));
    assert_non_null(strstr(ci, "\"numFiles\":\"2\""));
    assert_non_null(strstr(ci, "\"engineInfo\":\"silt/"));
    assert_non_null(strstr(ci, "\"readVersion\":0"));
    assert_non_null(strstr(ci, "\"isBlindAppend\":true"));
    silt_delta_actions_clear(&a);
    /* overwrite one partition */
    silt_delta_add c = make_add("c.parquet", "2024-01-01", 3);
    silt_delta_map part = {0};
    assert_int_equal(silt_delta_map_set(&part, "day", "2024-01-01"), 0);
    assert_int_equal(silt_delta_overwrite(&v, s, snap, &part, &c, 1, NULL, 0, NULL, &err), 0);
    assert_int_equal(v, 2);
    silt_delta_snapshot_destroy(snap);
    snap = latest(s, NULL);
    assert_int_equal(snap->n_files, 2);
    assert_non_null(silt_delta_snapshot_find(snap, "day=2024-01-01/c.parquet"));
    assert_non_null(silt_delta_snapshot_find(snap, "day=2024-01-02/b.parquet"));
    assert_int_equal(snap->n_tombstones, 1);
    assert_string_equal(snap->tombstones[0].path, "day=2024-01-01/a.parquet");
    assert_true(snap->tombstones[0].deletion_timestamp > 1700000000000LL);
    assert_int_equal(snap->tombstones[0].size, 105);
    read_commit(s, 2, &a);
    assert_non_null(strstr(a.items[0].u.commit_info.json, "\"mode\":\"Overwrite\""));
    assert_non_null(strstr(a.items[0].u.commit_info.json, "\"isBlindAppend\":false"));
    silt_delta_actions_clear(&a);
    /* overwrite the whole table */
    silt_delta_add d = make_add("d.parquet", "2024-02-01", 1);
    assert_int_equal(silt_delta_overwrite(&v, s, snap, NULL, &d, 1, NULL, 0, NULL, &err), 0);
    silt_delta_snapshot_destroy(snap);
    snap = latest(s, NULL);
    assert_int_equal(snap->version, 3);
    assert_int_equal(snap->n_files, 1);
    assert_int_equal(snap->n_tombstones, 3);
    /* replace with a new schema */
    silt_schema *s2 = NULL;
    assert_int_equal(
        silt_delta_schema_parse(&s2,
                                "{\"type\":\"struct\",\"fields\":[{\"name\":\"x\",\"type\":"
                                "\"string\",\"nullable\":true,\"metadata\":{}}]}",
                                &err),
        0);
    silt_delta_table_def def2 = {s2, NULL, 0, NULL, NULL, NULL};
    assert_int_equal(silt_delta_replace(&v, s, snap, &def2, NULL, 0, NULL, &err), 0);
    silt_delta_snapshot_destroy(snap);
    snap = latest(s, NULL);
    assert_int_equal(snap->version, 4);
    assert_int_equal(snap->n_files, 0);
    assert_int_equal(snap->schema->n_fields, 1);
    assert_int_equal(snap->metadata.n_partition_columns, 0);
    /* history, newest first */
    silt_delta_history h;
    assert_int_equal(silt_delta_history_read(&h, s, 0, &err), 0);
    assert_int_equal(h.n, 5);
    assert_int_equal(h.entries[0].version, 4);
    assert_string_equal(h.entries[0].operation, "CREATE OR REPLACE TABLE");
    assert_string_equal(h.entries[4].operation, "CREATE TABLE");
    silt_delta_history_clear(&h);
    assert_int_equal(silt_delta_history_read(&h, s, 2, &err), 0);
    assert_int_equal(h.n, 2);
    silt_delta_history_clear(&h);
    silt_delta_snapshot_destroy(snap);
    silt_schema_destroy(s2);
    silt_schema_destroy(schema);
    silt_delta_map_clear(&part);
    silt_delta_add_clear(&adds[0]);
    silt_delta_add_clear(&adds[1]);
    silt_delta_add_clear(&c);
    silt_delta_add_clear(&d);
    silt_store_destroy(s);
}

static void test_partition_column_must_exist(void **state)
{
    (void)state;
    silt_store *s = fresh_store();
    silt_schema *schema = test_schema();
    const char *parts[] = {"nope"};
    silt_delta_table_def def = {schema, parts, 1, NULL, NULL, NULL};
    int64_t v;
    silt_error err;
    assert_int_equal(silt_delta_create_table(&v, s, &def, NULL, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "'nope'"));
    silt_schema_destroy(schema);
    silt_store_destroy(s);
}

static void test_conflicts(void **state)
{
    (void)state;
    silt_store *s = fresh_store();
    silt_error err;
    create(s, NULL);
    silt_delta_add a = make_add("a.parquet", "2024-01-01", 1),
                   b = make_add("b.parquet", "2024-01-01", 1);
    int64_t v;
    assert_int_equal(silt_delta_append(&v, s, NULL, &a, 1, NULL, 0, NULL, &err), 0);
    silt_delta_snapshot *old = latest(s, NULL); /* version 1 */
    /* blind appends from the same snapshot both land, at the next free versions */
    assert_int_equal(silt_delta_append(&v, s, old, &b, 1, NULL, 0, NULL, &err), 0);
    assert_int_equal(v, 2);
    silt_delta_add c = make_add("c.parquet", "2024-01-02", 1);
    assert_int_equal(silt_delta_append(&v, s, old, &c, 1, NULL, 0, NULL, &err), 0);
    assert_int_equal(v, 3);
    /* same appId moved past our version in between: conflict */
    silt_delta_txn t1 = {"app", 5, -1};
    assert_int_equal(silt_delta_append(&v, s, old, &c, 1, &t1, 1, NULL, &err), 0);
    assert_int_equal(v, 4);
    silt_delta_txn t2 = {"app", 5, -1};
    assert_int_equal(silt_delta_append(&v, s, old, &c, 1, &t2, 1, NULL, &err), SILT_ECONFLICT);
    assert_non_null(strstr(err.msg, "'app' already committed its version 5"));
    /* a different appId is fine */
    silt_delta_txn t3 = {"app2", 1, -1};
    assert_int_equal(silt_delta_append(&v, s, old, &c, 1, &t3, 1, NULL, &err), 0);
    /* overwriting a partition that a concurrent commit appended to: conflict */
    silt_delta_map part = {0};
    silt_delta_map_set(&part, "day", "2024-01-01");
    assert_int_equal(silt_delta_overwrite(&v, s, old, &part, NULL, 0, NULL, 0, NULL, &err),
                     SILT_ECONFLICT);
    assert_non_null(strstr(err.msg, "added files to a partition"));
    assert_true(err.retriable);
    /* two overwrites from one snapshot: the second removes files already removed */
    silt_delta_snapshot *now = latest(s, NULL);
    assert_int_equal(silt_delta_overwrite(&v, s, now, NULL, NULL, 0, NULL, 0, NULL, &err), 0);
    assert_int_equal(silt_delta_overwrite(&v, s, now, NULL, NULL, 0, NULL, 0, NULL, &err),
                     SILT_ECONFLICT);
    assert_non_null(strstr(err.msg, "removed concurrently"));
    /* a metadata change in between: conflict even for a blind append */
    silt_delta_snapshot_destroy(now);
    now = latest(s, NULL);
    silt_schema *schema = test_schema();
    silt_delta_table_def def = {schema, NULL, 0, NULL, NULL, NULL};
    assert_int_equal(silt_delta_replace(&v, s, NULL, &def, NULL, 0, NULL, &err), 0);
    assert_int_equal(silt_delta_append(&v, s, now, &a, 1, NULL, 0, NULL, &err), SILT_ECONFLICT);
    assert_non_null(strstr(err.msg, "metadata"));
    /* versions stay contiguous and readable */
    silt_delta_snapshot *fin = latest(s, NULL);
    assert_int_equal(fin->version, v);
    silt_delta_snapshot_destroy(fin);
    silt_schema_destroy(schema);
    silt_delta_snapshot_destroy(now);
    silt_delta_snapshot_destroy(old);
    silt_delta_map_clear(&part);
    silt_delta_add_clear(&a);
    silt_delta_add_clear(&b);
    silt_delta_add_clear(&c);
    silt_store_destroy(s);
}

/* The out-of-memory case of test_store_faults: an append with a txn to a fresh table with one
 * commit after its creation. The result is the store itself (moved out of the context),
 * compared through its snapshot. */
typedef struct oom_append_ctx {
    const silt_delta_add *add;
    silt_store *store; /* set by setup; moved into the result by a successful run */
} oom_append_ctx;

static void oom_append_setup(void *ctx)
{
    oom_append_ctx *c = ctx;
    c->store = fresh_store();
    create(c->store, NULL);
    silt_delta_add first = make_add("first.parquet", "2024-01-02", 3);
    int64_t v;
    silt_error err;
    if (silt_delta_append(&v, c->store, NULL, &first, 1, NULL, 0, NULL, &err))
        fail_msg("append: %s", err.msg);
    silt_delta_add_clear(&first);
}

static int oom_append_run(void *ctx, void **result)
{
    oom_append_ctx *c = ctx;
    silt_delta_txn t = {"oom", 1, -1};
    int64_t v = -1;
    silt_error err;
    int rc = silt_delta_append(&v, c->store, NULL, c->add, 1, &t, 1, NULL, &err);
    if (rc) return rc;
    *result = c->store;
    c->store = NULL;
    return 0;
}

/* Same live files (path, size, stats, partition values) and txns in both snapshots. */
static bool same_files_and_txns(const silt_delta_snapshot *a, const silt_delta_snapshot *b)
{
    if (a->n_files != b->n_files || a->n_txns != b->n_txns) return false;
    for (size_t i = 0; i < a->n_files; i++) {
        const silt_delta_add *x = &a->files[i], *y = &b->files[i];
        if (strcmp(x->path, y->path) || x->size != y->size || strcmp(x->stats, y->stats) ||
            x->partition_values.n != y->partition_values.n)
            return false;
        for (size_t k = 0; k < x->partition_values.n; k++)
            if (strcmp(x->partition_values.items[k].key, y->partition_values.items[k].key) ||
                strcmp(x->partition_values.items[k].value, y->partition_values.items[k].value))
                return false;
    }
    for (size_t i = 0; i < a->n_txns; i++)
        if (strcmp(a->txns[i].app_id, b->txns[i].app_id) ||
            a->txns[i].version != b->txns[i].version)
            return false;
    return true;
}

static bool oom_append_same(void *ctx, const void *ref, const void *got)
{
    (void)ctx;
    silt_delta_snapshot *a = latest((silt_store *)ref, NULL), *b = latest((silt_store *)got, NULL);
    bool same = a->version == 2 && b->version == 2 && a->n_files == 2 && a->n_txns == 1 &&
                same_files_and_txns(a, b);
    silt_delta_snapshot_destroy(a);
    silt_delta_snapshot_destroy(b);
    return same;
}

static void oom_append_drop(void *ctx, void *result)
{
    (void)ctx;
    silt_store_destroy(result);
}

/* A failed append commits nothing: the table is still at version 1. */
static void oom_append_teardown(void *ctx, int rc)
{
    oom_append_ctx *c = ctx;
    if (rc) {
        silt_delta_snapshot *snap = latest(c->store, NULL);
        assert_int_equal(snap->version, 1);
        silt_delta_snapshot_destroy(snap);
    }
    silt_store_destroy(c->store);
    c->store = NULL;
}

static void test_store_faults(void **state)
{
    (void)state;
    silt_store *s = fresh_store();
    silt_error err;
    create(s, NULL);
    silt_delta_add a = make_add("a.parquet", "2024-01-01", 1);
    int64_t v;
    silt_store_mem_fail_path(s, "00000000000000000001.json");
    assert_int_equal(silt_delta_append(&v, s, NULL, &a, 1, NULL, 0, NULL, &err), SILT_EIO);
    silt_store_mem_fail_path(s, NULL);
    silt_delta_snapshot *snap = latest(s, NULL);
    assert_int_equal(snap->version, 0);
    silt_delta_snapshot_destroy(snap);
    /* a failure on each store call of an append, one at a time: never a torn table */
    for (uint64_t n = 1; n <= 8; n++) {
        silt_store_mem_fail_nth(s, n);
        int rc = silt_delta_append(&v, s, NULL, &a, 1, NULL, 0, NULL, &err);
        silt_store_mem_fail_nth(s, 0);
        assert_true(rc == 0 || rc == SILT_EIO);
        snap = latest(s, NULL);
        silt_delta_snapshot_destroy(snap);
    }
    /* out of memory at every allocation of an append: SILT_ENOMEM and nothing committed, or
     * the same table as without failures */
    oom_append_ctx oc = {.add = &a};
    oom_case oomc = {.name = "delta append",
                     .ctx = &oc,
                     .setup = oom_append_setup,
                     .run = oom_append_run,
                     .same = oom_append_same,
                     .drop = oom_append_drop,
                     .teardown = oom_append_teardown};
    oom_check_every_allocation(&oomc);
    silt_delta_add_clear(&a);
    silt_store_destroy(s);
}

/* Fake Parquet ops: a "checkpoint file" holds the checkpoint's actions as JSON lines; reading
 * it turns them back into checkpoint rows. Both directions go through the batch code. */
typedef struct fake_pq {
    int writes, reads;
} fake_pq;

/* Checkpoint rows for a list of actions (borrowed into a stack snapshot). */
static int batch_from_actions(silt_batch **out, const silt_delta_actions *a, silt_error *err)
{
    silt_delta_snapshot snap;
    memset(&snap, 0, sizeof snap);
    snap.files = silt_calloc(a->n + 1, sizeof *snap.files);
    snap.tombstones = silt_calloc(a->n + 1, sizeof *snap.tombstones);
    snap.txns = silt_calloc(a->n + 1, sizeof *snap.txns);
    for (size_t i = 0; i < a->n; i++) {
        const silt_delta_action *x = &a->items[i];
        if (x->type == SILT_DELTA_ADD) snap.files[snap.n_files++] = x->u.add;
        if (x->type == SILT_DELTA_REMOVE) snap.tombstones[snap.n_tombstones++] = x->u.remove;
        if (x->type == SILT_DELTA_TXN) snap.txns[snap.n_txns++] = x->u.txn;
        if (x->type == SILT_DELTA_PROTOCOL) snap.protocol = x->u.protocol;
        if (x->type == SILT_DELTA_METADATA) snap.metadata = x->u.metadata;
    }
    int rc = silt_delta_checkpoint_batch(out, &snap, INT64_MIN, err);
    silt_free(snap.files);
    silt_free(snap.tombstones);
    silt_free(snap.txns);
    return rc;
}

static int fake_write_checkpoint(void *ctx, uint64_t *out_size, silt_store *store, const char *key,
                                 const silt_batch *batch, silt_error *err)
{
    fake_pq *f = ctx;
    f->writes++;
    silt_delta_actions a = {0};
    silt_buf b = SILT_BUF_INIT;
    int rc = silt_delta_actions_from_batch(&a, batch, err);
    if (!rc) rc = silt_delta_actions_write(&b, &a, err);
    if (!rc) rc = silt_store_put(store, key, b.ptr, b.len, err);
    *out_size = b.len;
    silt_buf_free(&b);
    silt_delta_actions_clear(&a);
    return rc;
}

static int fake_read_checkpoint(void *ctx, silt_store *store, const char *key,
                                int (*emit)(void *, const silt_batch *, silt_error *), void *arg,
                                silt_error *err)
{
    fake_pq *f = ctx;
    f->reads++;
    silt_buf b = SILT_BUF_INIT;
    silt_delta_actions a = {0};
    silt_batch *batch = NULL;
    int rc = silt_store_get(store, &b, key, err);
    if (!rc) rc = silt_delta_actions_parse(&a, b.ptr, b.len, key, err);
    if (!rc) rc = batch_from_actions(&batch, &a, err);
    if (!rc) rc = emit(arg, batch, err);
    silt_batch_destroy(batch);
    silt_delta_actions_clear(&a);
    silt_buf_free(&b);
    return rc;
}

static void test_checkpoints_and_cleanup(void **state)
{
    (void)state;
    silt_store *s = fresh_store();
    silt_error err;
    fake_pq f = {0, 0};
    silt_delta_file_ops ops = {&f,   NULL, NULL, fake_read_checkpoint, fake_write_checkpoint,
                               NULL, NULL};
    silt_delta_commit_opts co = {NULL, NULL, 0, &ops, 0};
    silt_delta_map conf = {0};
    /* keep no expired log: everything before the newest checkpoint may go at once */
    silt_delta_map_set(&conf, "delta.logRetentionDuration", "interval 0 seconds");
    create(s, &conf);
    int64_t total = 0, v = 0;
    for (int i = 1; i <= 25; i++) {
        char name[32];
        snprintf(name, sizeof name, "f%02d.parquet", i);
        silt_delta_add a = make_add(name, i % 2 ? "2024-01-01" : "2024-01-02", i);
        silt_delta_txn t = {"app", i, -1};
        total += i;
        if (i == 13) {
            /* one overwrite of a partition, so the checkpoint carries tombstones */
            silt_delta_map part = {0};
            silt_delta_map_set(&part, "day", "2024-01-02");
            assert_int_equal(silt_delta_overwrite(&v, s, NULL, &part, &a, 1, &t, 1, &co, &err), 0);
            silt_delta_map_clear(&part);
        } else {
            assert_int_equal(silt_delta_append(&v, s, NULL, &a, 1, &t, 1, &co, &err), 0);
        }
        silt_delta_add_clear(&a);
    }
    assert_int_equal(v, 25);
    assert_int_equal(f.writes, 2); /* versions 10 and 20 */
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_store_get(s, &b, "_delta_log/_last_checkpoint", &err), 0);
    silt_buf_cstr(&b);
    assert_non_null(strstr((char *)b.ptr, "\"version\":20"));
    silt_buf_free(&b);
    /* logs before the checkpoint at 20 were cleaned up */
    silt_store_entry e;
    assert_int_equal(silt_store_head(s, &e, "_delta_log/00000000000000000000.json", &err),
                     SILT_ENOTFOUND);
    assert_int_equal(silt_store_head(s, &e, "_delta_log/00000000000000000019.json", &err),
                     SILT_ENOTFOUND);
    assert_int_equal(silt_store_head(s, &e, "_delta_log/00000000000000000020.json", &err), 0);
    silt_free(e.key);
    /* loading: checkpoint 20 + 5 commits */
    f.reads = 0;
    silt_delta_snapshot *snap = latest(s, &ops);
    assert_int_equal(f.reads, 1);
    assert_int_equal(snap->checkpoint_version, 20);
    assert_int_equal(snap->n_commits_read, 5);
    assert_true(snap->used_last_checkpoint);
    assert_int_equal(silt_delta_snapshot_txn_version(snap, "app"), 25);
    /* the even days up to 12 were overwritten at 13 */
    int64_t sum = 0;
    for (size_t i = 0; i < snap->n_files; i++) {
        int64_t n;
        assert_int_equal(silt_delta_stats_num_records(&n, snap->files[i].stats, &err), 0);
        sum += n;
    }
    assert_int_equal(sum, total - (2 + 4 + 6 + 8 + 10 + 12));
    assert_int_equal(snap->n_tombstones, 6);
    silt_delta_snapshot_destroy(snap);
    /* without a checkpoint reader the cleaned-up log cannot be replayed, and says so */
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    assert_int_equal(silt_delta_snapshot_load(&snap, s, &ro, &err), SILT_EUNSUPPORTED);
    /* versions before the checkpoint are gone for time travel */
    ro.version = 5;
    ro.file_ops = &ops;
    assert_int_equal(silt_delta_snapshot_load(&snap, s, &ro, &err), SILT_ENOTFOUND);
    silt_delta_map_clear(&conf);
    silt_store_destroy(s);
}

static void test_snapshot_update(void **state)
{
    (void)state;
    silt_store *s = fresh_store();
    silt_error err;
    create(s, NULL);
    silt_delta_snapshot *snap = latest(s, NULL);
    /* nothing new: unchanged */
    silt_delta_snapshot *before = snap;
    assert_int_equal(silt_delta_snapshot_update(&snap, s, &err), 0);
    assert_ptr_equal(snap, before);
    int64_t v;
    for (int i = 0; i < 5; i++) {
        char name[32];
        snprintf(name, sizeof name, "u%d.parquet", i);
        silt_delta_add a = make_add(name, i % 2 ? "2024-01-01" : "2024-01-02", i + 1);
        silt_delta_txn t = {"app", i + 1, -1};
        assert_int_equal(silt_delta_append(&v, s, NULL, &a, 1, &t, 1, NULL, &err), 0);
        silt_delta_add_clear(&a);
    }
    silt_delta_map part = {0};
    silt_delta_map_set(&part, "day", "2024-01-01");
    assert_int_equal(silt_delta_overwrite(&v, s, NULL, &part, NULL, 0, NULL, 0, NULL, &err), 0);
    assert_int_equal(silt_delta_snapshot_update(&snap, s, &err), 0);
    silt_delta_snapshot *full = latest(s, NULL);
    assert_int_equal(snap->version, full->version);
    assert_int_equal(snap->n_commits_read, 7);
    assert_int_equal(snap->n_files, full->n_files);
    for (size_t i = 0; i < full->n_files; i++)
        assert_string_equal(snap->files[i].path, full->files[i].path);
    assert_int_equal(snap->n_tombstones, full->n_tombstones);
    assert_int_equal(silt_delta_snapshot_txn_version(snap, "app"), 5);
    assert_int_equal(snap->timestamp_ms, full->timestamp_ms);
    /* a missing commit: refused, the old snapshot kept */
    silt_delta_snapshot_destroy(full);
    silt_delta_add a = make_add("late.parquet", "2024-01-03", 1);
    assert_int_equal(silt_delta_append(&v, s, NULL, &a, 1, NULL, 0, NULL, &err), 0);
    assert_int_equal(silt_delta_append(&v, s, NULL, &a, 1, NULL, 0, NULL, &err), 0);
    char key[64];
    silt_delta_commit_key(key, sizeof key, v - 1);
    assert_int_equal(silt_store_delete(s, key, &err), 0);
    int64_t was = snap->version;
    assert_int_equal(silt_delta_snapshot_update(&snap, s, &err), SILT_ENOTFOUND);
    assert_int_equal(snap->version, was);
    silt_delta_add_clear(&a);
    silt_delta_map_clear(&part);
    silt_delta_snapshot_destroy(snap);
    silt_store_destroy(s);
}

/* A fake data-file writer: stores the batch's canonical rows and reports stats like a Parquet
 * writer would. */
static int fake_write_file(void *ctx, silt_delta_add *out, silt_store *store, const char *key,
                           const silt_batch *batch, silt_error *err)
{
    (void)ctx;
    silt_buf b = SILT_BUF_INIT, st = SILT_BUF_INIT;
    int rc = silt_canon_batch(&b, batch) ? silt_error_set(err, SILT_ENOMEM, "oom") : 0;
    if (!rc) rc = silt_store_put(store, key, b.ptr, b.len, err);
    silt_buf_printf(&st, "{\"numRecords\":%lld}", (long long)batch->n_rows);
    silt_buf_cstr(&st);
    if (!rc) {
        out->size = (int64_t)b.len;
        out->modification_time = silt_time_wall_ms();
        out->stats = (char *)silt_buf_detach(&st, NULL);
    }
    silt_buf_free(&b);
    silt_buf_free(&st);
    return rc;
}

static void test_write_data_file(void **state)
{
    (void)state;
    silt_store *s = fresh_store();
    silt_error err;
    create(s, NULL);
    silt_schema *schema = test_schema();
    silt_batch *batch = silt_batch_create(schema);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(silt_column_append_int(&batch->cols[0], i), 0);
        assert_int_equal(silt_column_append_int(&batch->cols[1], 19000), 0);
    }
    assert_int_equal(silt_batch_validate(batch, &err), 0);
    silt_delta_add a;
    silt_delta_map part = {0};
    silt_delta_map_set(&part, "day", "2024-01-01");
    const char *cols[] = {"day"};
    /* without a writer: a clear refusal */
    assert_int_equal(silt_delta_write_data_file(&a, s, NULL, batch, &part, cols, 1, &err),
                     SILT_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "Parquet writer"));
    silt_delta_file_ops ops = {NULL, fake_write_file, NULL, NULL, NULL, NULL, NULL};
    assert_int_equal(silt_delta_write_data_file(&a, s, &ops, batch, &part, cols, 1, &err), 0);
    assert_true(strncmp(a.path, "day=2024-01-01/part-00000-", 26) == 0);
    assert_true(a.data_change);
    int64_t v;
    assert_int_equal(silt_delta_append(&v, s, NULL, &a, 1, NULL, 0, NULL, &err), 0);
    silt_delta_snapshot *snap = latest(s, NULL);
    assert_int_equal(snap->n_files, 1);
    const char *pv;
    assert_true(silt_delta_map_get(&snap->files[0].partition_values, "day", &pv));
    assert_string_equal(pv, "2024-01-01");
    int64_t n;
    assert_int_equal(silt_delta_stats_num_records(&n, snap->files[0].stats, &err), 0);
    assert_int_equal(n, 3);
    silt_store_entry e;
    assert_int_equal(silt_store_head(s, &e, snap->files[0].path, &err), 0);
    assert_int_equal((int64_t)e.size, snap->files[0].size);
    silt_free(e.key);
    silt_delta_snapshot_destroy(snap);
    silt_delta_add_clear(&a);
    silt_delta_map_clear(&part);
    silt_batch_destroy(batch);
    silt_schema_destroy(schema);
    silt_store_destroy(s);
}

static void test_checkpoint_interval(void **state)
{
    (void)state;
    silt_store *s = fresh_store();
    silt_error err;
    fake_pq f = {0, 0};
    silt_delta_file_ops ops = {&f,   NULL, NULL, fake_read_checkpoint, fake_write_checkpoint,
                               NULL, NULL};
    silt_delta_commit_opts co = {NULL, NULL, 0, &ops, 0};
    silt_delta_map conf = {0};
    silt_delta_map_set(&conf, "delta.checkpointInterval", "4");
    create(s, &conf);
    int64_t v;
    for (int i = 0; i < 9; i++) {
        silt_delta_add a = make_add(i % 2 ? "x.parquet" : "y.parquet", "2024-01-01", 1);
        assert_int_equal(silt_delta_append(&v, s, NULL, &a, 1, NULL, 0, &co, &err), 0);
        silt_delta_add_clear(&a);
    }
    assert_int_equal(f.writes, 2); /* versions 4 and 8 */
    silt_store_entry e;
    assert_int_equal(
        silt_store_head(s, &e, "_delta_log/00000000000000000008.checkpoint.parquet", &err), 0);
    silt_free(e.key);
    silt_delta_map_clear(&conf);
    silt_store_destroy(s);
}

static void test_vacuum(void **state)
{
    (void)state;
    char dir[256];
    test_tmpdir_make(dir, sizeof dir, "vacuum");
    silt_store *s = NULL;
    silt_error err;
    assert_int_equal(silt_store_local_create(&s, dir, &err), 0);
    create(s, NULL);
    const char *files[] = {"day=2024-01-01/a.parquet",      "day=2024-01-01/b.parquet",
                           "day=2024-01-02/orphan.parquet", "day=2024-01-02/_hidden",
                           "day=2024-01-02/.a.crc",         "_tmp/x.parquet"};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(silt_store_put(s, files[i], "data", 4, &err), 0);
    silt_delta_add a = make_add("a.parquet", "2024-01-01", 1),
                   b = make_add("b.parquet", "2024-01-01", 1);
    int64_t v;
    assert_int_equal(silt_delta_append(&v, s, NULL, &a, 1, NULL, 0, NULL, &err), 0);
    assert_int_equal(silt_delta_append(&v, s, NULL, &b, 1, NULL, 0, NULL, &err), 0);
    assert_int_equal(silt_delta_overwrite(&v, s, NULL, NULL, &b, 1, NULL, 0, NULL, &err), 0);
    /* a is removed now; b is live; orphan was never committed */
    silt_delta_snapshot *snap = latest(s, NULL);
    int64_t now = silt_time_wall_ms() + 1000;
    silt_delta_vacuum_result r;
    silt_delta_vacuum_opts vo = {.retention_ms = -1, .dry_run = true, .now_ms = now};
    /* default retention (7 days): nothing is old enough */
    assert_int_equal(silt_delta_vacuum(&r, s, snap, &vo, &err), 0);
    assert_int_equal(r.n, 0);
    assert_int_equal(r.retention_ms, 7LL * 86400000);
    silt_delta_vacuum_result_clear(&r);
    /* a retention below the table's delta.deletedFileRetentionDuration is refused */
    vo.retention_ms = 0;
    assert_int_equal(silt_delta_vacuum(&r, s, snap, &vo, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "delta.deletedFileRetentionDuration"));
    assert_non_null(strstr(err.msg, "interval 7 days"));
    /* forced: files written a second ago may belong to a commit in flight, so they stay */
    vo.force = true;
    assert_int_equal(silt_delta_vacuum(&r, s, snap, &vo, &err), 0);
    assert_int_equal(r.n, 0);
    assert_int_equal(r.n_kept, 2);
    assert_string_equal(r.kept[0].path, "day=2024-01-01/a.parquet");
    assert_int_equal(r.kept[0].why, SILT_DELTA_VACUUM_KEEP_RECENT);
    assert_string_equal(r.kept[1].path, "day=2024-01-02/orphan.parquet");
    silt_delta_vacuum_result_clear(&r);
    /* two hours later, dry run: lists a (removed) and the orphan, deletes nothing */
    vo.now_ms = now + 2 * 3600 * 1000;
    assert_int_equal(silt_delta_vacuum(&r, s, snap, &vo, &err), 0);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.paths[0], "day=2024-01-01/a.parquet");
    assert_string_equal(r.paths[1], "day=2024-01-02/orphan.parquet");
    assert_int_equal(r.bytes, 8);
    assert_int_equal(r.n_deleted, 0);
    silt_delta_vacuum_result_clear(&r);
    /* with a retention of 3 hours, a (removed 2 hours ago) is kept for its tombstone */
    vo.retention_ms = 3 * 3600 * 1000;
    assert_int_equal(silt_delta_vacuum(&r, s, snap, &vo, &err), 0);
    assert_int_equal(r.n, 0);
    assert_int_equal(r.n_kept, 2);
    assert_int_equal(r.kept[0].why, SILT_DELTA_VACUUM_KEEP_REMOVED_RECENTLY);
    assert_int_equal(r.kept[1].why, SILT_DELTA_VACUUM_KEEP_RECENT);
    silt_delta_vacuum_result_clear(&r);
    silt_store_entry e;
    assert_int_equal(silt_store_head(s, &e, "day=2024-01-02/orphan.parquet", &err), 0);
    silt_free(e.key);
    /* for real */
    vo.retention_ms = 0;
    vo.dry_run = false;
    assert_int_equal(silt_delta_vacuum(&r, s, snap, &vo, &err), 0);
    assert_int_equal(r.n_deleted, 2);
    silt_delta_vacuum_result_clear(&r);
    assert_int_equal(silt_store_head(s, &e, "day=2024-01-02/orphan.parquet", &err), SILT_ENOTFOUND);
    assert_int_equal(silt_store_head(s, &e, "day=2024-01-01/b.parquet", &err), 0);
    silt_free(e.key);
    assert_int_equal(silt_store_head(s, &e, "day=2024-01-02/_hidden", &err), 0);
    silt_free(e.key);
    assert_int_equal(silt_store_head(s, &e, "_tmp/x.parquet", &err), 0);
    silt_free(e.key);
    silt_delta_snapshot_destroy(snap);
    silt_delta_add_clear(&a);
    silt_delta_add_clear(&b);
    silt_store_destroy(s);
    assert_int_equal(test_tmpdir_remove(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_append_overwrite),
        cmocka_unit_test(test_partition_column_must_exist),
        cmocka_unit_test(test_conflicts),
        cmocka_unit_test(test_store_faults),
        cmocka_unit_test(test_checkpoints_and_cleanup),
        cmocka_unit_test(test_snapshot_update),
        cmocka_unit_test(test_write_data_file),
        cmocka_unit_test(test_checkpoint_interval),
        cmocka_unit_test(test_vacuum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
