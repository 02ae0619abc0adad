/* Unit tests for the Delta engine on the real Parquet reader and writer: Spark's streaming table
 * loaded from its checkpoint, and tables silt writes read back with their statistics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/canon.h"
#include "delta/checkpoint.h"
#include "delta/commit.h"
#include "delta/log.h"
#include "delta/pqio.h"
#include "parquet/writer.h"
#include "util/time.h"
#include "support/tmpdir.h"

static char spark_table[1024];

typedef struct {
    int64_t rows;
    int64_t quantity_sum;
    silt_buf canon;
} scan_acc;

static int count_rows(void *arg, const silt_batch *b, silt_error *err)
{
    (void)err;
    scan_acc *a = arg;
    a->rows += b->n_rows;
    long q = silt_schema_find(b->schema, "Quantity");
    for (int64_t i = 0; q >= 0 && i < b->n_rows; i++)
        if (silt_column_is_valid(&b->cols[q], i))
            a->quantity_sum += silt_column_get_int(&b->cols[q], i);
    silt_canon_batch(&a->canon, b);
    return 0;
}

static void test_spark_table_from_checkpoint(void **state)
{
    (void)state;
    silt_store *store = NULL;
    silt_error err;
    assert_int_equal(silt_store_open(&store, spark_table, &err), 0);
    silt_delta_read_opts o = silt_delta_read_opts_default();
    o.file_ops = silt_delta_parquet_ops();
    silt_delta_snapshot *snap = NULL;
    int rc = silt_delta_snapshot_load(&snap, store, &o, &err);
    if (rc) fail_msg("%s", err.msg);
    assert_int_equal(snap->version, 420);
    assert_int_equal(snap->checkpoint_version, 420);
    assert_int_equal(snap->n_commits_read, 0); /* not the 421 JSON commits */
    assert_int_equal(snap->n_files, 421);
    scan_acc acc = {0, 0, SILT_BUF_INIT};
    for (size_t i = 0; i < snap->n_files; i++) {
        rc = o.file_ops->read_file(NULL, store, snap->files[i].path, snap->schema, count_rows, &acc,
                                   &err);
        if (rc) fail_msg("%s", err.msg);
    }
    assert_int_equal(acc.rows, 432);
    assert_true(acc.quantity_sum != 0);
    silt_buf_free(&acc.canon);
    silt_delta_snapshot_destroy(snap);
    /* time travel: version 9 replays checkpoint-free JSON (10 files) */
    o.version = 9;
    assert_int_equal(silt_delta_snapshot_load(&snap, store, &o, &err), 0);
    assert_int_equal(snap->n_files, 10);
    silt_delta_snapshot_destroy(snap);
    silt_store_destroy(store);
}

/* Every live path and txn of a snapshot, one per line: what two loads must agree on. */
static void state_text(silt_buf *out, const silt_delta_snapshot *snap)
{
    silt_buf_reset(out);
    silt_buf_printf(out, "version %lld\n", (long long)snap->version);
    for (size_t i = 0; i < snap->n_files; i++)
        silt_buf_printf(out, "%s %lld\n", snap->files[i].path, (long long)snap->files[i].size);
    for (size_t i = 0; i < snap->n_txns; i++)
        silt_buf_printf(out, "txn %s %lld\n", snap->txns[i].app_id,
                        (long long)snap->txns[i].version);
    silt_buf_cstr(out);
}

static silt_delta_snapshot *load_at(silt_store *s, int64_t version)
{
    silt_delta_read_opts o = silt_delta_read_opts_default();
    o.file_ops = silt_delta_parquet_ops();
    o.version = version;
    silt_delta_snapshot *snap = NULL;
    silt_error err;
    if (silt_delta_snapshot_load(&snap, s, &o, &err)) fail_msg("load failed: %s", err.msg);
    return snap;
}

static void put_prefix(silt_store *s, const char *key, size_t keep)
{
    silt_buf b = SILT_BUF_INIT;
    silt_error err;
    assert_int_equal(silt_store_get(s, &b, key, &err), 0);
    assert_true(keep < b.len);
    assert_int_equal(silt_store_put(s, key, b.ptr, keep, &err), 0);
    silt_buf_free(&b);
}

#define CP410 "_delta_log/00000000000000000410.checkpoint.parquet"
#define CP420 "_delta_log/00000000000000000420.checkpoint.parquet"

/* A truncated or corrupt checkpoint does not lock the table: the load falls back to the previous
 * checkpoint, then to the JSON commits, and a new checkpoint makes it whole again. */
static void test_corrupt_checkpoint_fallback(void **state)
{
    (void)state;
    silt_store *src = NULL, *m = NULL;
    silt_error err;
    assert_int_equal(silt_store_open(&src, spark_table, &err), 0);
    assert_int_equal(silt_store_mem_create(&m, &err), 0);
    silt_store_listing l = {0};
    silt_buf b = SILT_BUF_INIT, good = SILT_BUF_INIT, got = SILT_BUF_INIT;
    assert_int_equal(silt_store_list(src, &l, "", &err), 0);
    for (size_t i = 0; i < l.n; i++) { /* the checkpoints of versions 410 and 420 only */
        const char *k = l.entries[i].key;
        if (strstr(k, ".checkpoint.") && strcmp(k, CP410) != 0 && strcmp(k, CP420) != 0) continue;
        assert_int_equal(silt_store_get(src, &b, k, &err), 0);
        assert_int_equal(silt_store_put(m, k, b.ptr, b.len, &err), 0);
    }
    silt_store_list_clear(&l);
    silt_delta_snapshot *snap = load_at(m, -1);
    assert_int_equal(snap->checkpoint_version, 420);
    state_text(&good, snap);
    silt_delta_snapshot_destroy(snap);
    /* the latest checkpoint truncated (named by _last_checkpoint): from 410 + 10 commits */
    put_prefix(m, CP420, 1000);
    snap = load_at(m, -1);
    assert_int_equal(snap->checkpoint_version, 410);
    assert_int_equal(snap->n_commits_read, 10);
    state_text(&got, snap);
    assert_string_equal((char *)got.ptr, (char *)good.ptr);
    silt_delta_snapshot_destroy(snap);
    /* both corrupt (no PAR1 magic at all): from the JSON commits alone */
    assert_int_equal(silt_store_put(m, CP410, "not a parquet file", 18, &err), 0);
    snap = load_at(m, -1);
    assert_int_equal(snap->checkpoint_version, -1);
    assert_int_equal(snap->n_commits_read, 421);
    state_text(&got, snap);
    assert_string_equal((char *)got.ptr, (char *)good.ptr);
    silt_delta_snapshot_destroy(snap);
    /* without commit 0 nothing can rebuild the table: an error naming the checkpoint */
    assert_int_equal(silt_store_get(m, &b, "_delta_log/00000000000000000000.json", &err), 0);
    assert_int_equal(silt_store_delete(m, "_delta_log/00000000000000000000.json", &err), 0);
    silt_delta_read_opts o = silt_delta_read_opts_default();
    o.file_ops = silt_delta_parquet_ops();
    assert_int_not_equal(silt_delta_snapshot_load(&snap, m, &o, &err), 0);
    assert_non_null(strstr(err.msg, "no older checkpoint or complete JSON history"));
    assert_non_null(strstr(err.msg, "00000000000000000420.checkpoint.parquet"));
    assert_int_equal(silt_store_put(m, "_delta_log/00000000000000000000.json", b.ptr, b.len, &err),
                     0);
    /* a new checkpoint of the latest version replaces the bad one */
    snap = load_at(m, -1);
    assert_int_equal(
        silt_delta_checkpoint_write(m, snap, silt_delta_parquet_ops(), silt_time_wall_ms(), &err),
        0);
    silt_delta_snapshot_destroy(snap);
    snap = load_at(m, -1);
    assert_int_equal(snap->checkpoint_version, 420);
    assert_int_equal(snap->n_commits_read, 0);
    assert_true(snap->used_last_checkpoint);
    state_text(&got, snap);
    assert_string_equal((char *)got.ptr, (char *)good.ptr);
    silt_delta_snapshot_destroy(snap);
    silt_buf_free(&b);
    silt_buf_free(&good);
    silt_buf_free(&got);
    silt_store_destroy(m);
    silt_store_destroy(src);
}

static silt_schema *sales_schema(void)
{
    silt_schema *s = silt_schema_create(5);
    silt_field_init(&s->fields[0], "name", SILT_TYPE_STRING, true);
    silt_field_init(&s->fields[1], "price", SILT_TYPE_FLOAT, true);
    silt_field_init(&s->fields[2], "qty", SILT_TYPE_INT32, true);
    silt_field_init(&s->fields[3], "at", SILT_TYPE_TIMESTAMP, true);
    silt_field_init_nested(&s->fields[4], "loc", SILT_TYPE_STRUCT, true, 1);
    silt_field_init(&s->fields[4].children[0], "country", SILT_TYPE_STRING, true);
    return s;
}

static void test_write_read_stats(void **state)
{
    (void)state;
    char dir[256];
    test_tmpdir_make(dir, sizeof dir, "pqio");
    silt_store *store = NULL;
    silt_error err;
    assert_int_equal(silt_store_open(&store, dir, &err), 0);
    silt_schema *schema = sales_schema();
    silt_delta_table_def def = {schema, NULL, 0, "t", NULL, NULL};
    silt_delta_commit_opts co = {0};
    co.file_ops = silt_delta_parquet_ops();
    int64_t v;
    assert_int_equal(silt_delta_create_table(&v, store, &def, &co, &err), 0);
    silt_batch *b = silt_batch_create(schema);
    const char *long_name = "A very long product name that goes past thirty-two characters";
    silt_column_append_bytes(&b->cols[0], long_name, strlen(long_name));
    silt_column_append_bytes(&b->cols[0], "Bag", 3);
    silt_column_append_null(&b->cols[0]);
    silt_column_append_float(&b->cols[1], 11.06f);
    silt_column_append_float(&b->cols[1], 13069.0f);
    silt_column_append_null(&b->cols[1]);
    silt_column_append_int(&b->cols[2], -5);
    silt_column_append_int(&b->cols[2], 24);
    silt_column_append_int(&b->cols[2], 7);
    silt_column_append_int(&b->cols[3], 1580544550123456LL);
    silt_column_append_int(&b->cols[3], 1580544550000000LL);
    silt_column_append_null(&b->cols[3]);
    for (int i = 0; i < 3; i++) {
        silt_column_append_bytes(&b->cols[4].children[0], "UK", 2);
        silt_column_append_valid(&b->cols[4]);
    }
    assert_int_equal(silt_batch_validate(b, &err), 0);
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    ro.file_ops = co.file_ops;
    silt_delta_snapshot *snap = NULL;
    assert_int_equal(silt_delta_snapshot_load(&snap, store, &ro, &err), 0);
    silt_delta_add add;
    int rc = silt_delta_write_data_file(&add, store, co.file_ops, b, NULL, NULL, 0, &err);
    if (rc) fail_msg("%s", err.msg);
    assert_string_equal(
        add.stats,
        "{\"numRecords\":3,\"minValues\":{\"name\":\"A very long product name that go\","
        "\"price\":11.06,\"qty\":-5,\"at\":\"2020-02-01T08:09:10.000Z\",\"loc\":{\"country\":"
        "\"UK\"}},\"maxValues\":{\"name\":\"Bag\",\"price\":13069.0,\"qty\":24,\"at\":"
        "\"2020-02-01T08:09:10.123Z\",\"loc\":{\"country\":\"UK\"}},\"nullCount\":{\"name\":1,"
        "\"price\":1,\"qty\":0,\"at\":1,\"loc\":{\"country\":0}}}");
    assert_int_equal(silt_delta_append(&v, store, snap, &add, 1, NULL, 0, &co, &err), 0);
    silt_delta_add_clear(&add);
    silt_delta_snapshot_destroy(snap);
    assert_int_equal(silt_delta_snapshot_load(&snap, store, &ro, &err), 0);
    assert_int_equal(snap->n_files, 1);
    scan_acc acc = {0, 0, SILT_BUF_INIT};
    assert_int_equal(ro.file_ops->read_file(NULL, store, snap->files[0].path, snap->schema,
                                            count_rows, &acc, &err),
                     0);
    silt_buf expect = SILT_BUF_INIT;
    silt_canon_batch(&expect, b);
    assert_int_equal(acc.canon.len, expect.len);
    assert_memory_equal(acc.canon.ptr, expect.ptr, expect.len);
    silt_buf_free(&expect);
    silt_buf_free(&acc.canon);
    silt_delta_snapshot_destroy(snap);
    silt_batch_destroy(b);
    silt_schema_destroy(schema);
    silt_store_destroy(store);
    assert_int_equal(test_tmpdir_remove(dir), 0);
}

/* The byte-range source over a stored object (the store-to-Parquet adapter). */
static void test_store_source(void **state)
{
    (void)state;
    silt_error err;
    silt_store *s = NULL;
    assert_int_equal(silt_store_mem_create(&s, &err), 0);
    assert_int_equal(silt_store_put(s, "b/x.txt", "HELLO WORLD!", 12, &err), 0);
    silt_pq_source *src = NULL;
    assert_int_equal(silt_delta_store_source(&src, s, "b/x.txt", &err), 0);
    assert_int_equal(src->size, 12);
    assert_string_equal(src->name, "b/x.txt");
    char r[8] = {0};
    assert_int_equal(src->ops->read_at(src, 6, r, 5, &err), 0);
    assert_string_equal(r, "WORLD");
    memset(r, 0, sizeof r);
    assert_int_equal(src->ops->read_at(src, 0, r, 5, &err), 0);
    assert_string_equal(r, "HELLO");
    assert_int_equal(src->ops->read_at(src, 11, r, 2, &err), SILT_ECORRUPT);
    assert_non_null(strstr(err.msg, "past the end of 'b/x.txt'"));
    silt_pq_source_destroy(src);
    assert_int_equal(silt_delta_store_source(&src, s, "nope", &err), SILT_ENOTFOUND);
    assert_null(src);
    silt_store_destroy(s);
}

/* A Parquet file of 40 row groups of 250 rows (v = row number) stored at key. */
static void put_row_groups(silt_store *s, const char *key, const silt_schema *schema, silt_buf *f)
{
    silt_batch *b = silt_batch_create(schema);
    assert_non_null(b);
    for (int64_t r = 0; r < 10000; r++) assert_int_equal(silt_column_append_int(&b->cols[0], r), 0);
    b->n_rows = 10000;
    silt_pq_sink *sink = silt_pq_sink_buf(f);
    silt_pq_writer_options o;
    silt_pq_writer_options_default(&o);
    o.row_group_bytes = 2000;
    silt_pq_writer *w = NULL;
    silt_error err;
    assert_int_equal(silt_pq_writer_create(&w, sink, schema, &o, &err), 0);
    for (int64_t r = 0; r < 10000; r += 250) { /* one write per row group */
        silt_batch *part = silt_batch_create(schema);
        assert_int_equal(silt_column_append_range(&part->cols[0], &b->cols[0], r, 250), 0);
        part->n_rows = 250;
        assert_int_equal(silt_pq_writer_write(w, part, &err), 0);
        silt_batch_destroy(part);
    }
    assert_int_equal(silt_pq_writer_close(w, &err), 0);
    silt_pq_writer_destroy(w);
    silt_pq_sink_destroy(sink);
    silt_batch_destroy(b);
    assert_int_equal(silt_store_put(s, key, f->ptr, f->len, &err), 0);
}

typedef struct order_acc {
    int64_t next; /* the value expected first in the next batch */
    int64_t stop; /* emit fails once this many rows were seen (< 0: never) */
    int batches;
} order_acc;

static int check_order(void *arg, const silt_batch *b, silt_error *err)
{
    order_acc *a = arg;
    for (int64_t i = 0; i < b->n_rows; i++)
        assert_int_equal(silt_column_get_int(&b->cols[0], i), a->next + i);
    a->next += b->n_rows;
    a->batches++;
    if (a->stop >= 0 && a->next >= a->stop) return silt_error_set(err, SILT_ECANCELLED, "enough");
    return 0;
}

/* Files of several row groups are decoded ahead by worker threads (SILT_READ_THREADS 1 or 2) or
 * by the caller alone (0): batches still come in file order, an emit that stops the read stops
 * it, and an error in a later row group is reported with the batches before it delivered. */
static void read_ahead_with(const char *threads)
{
    assert_int_equal(setenv("SILT_READ_THREADS", threads, 1), 0);
    silt_error err;
    silt_store *s = NULL;
    assert_int_equal(silt_store_mem_create(&s, &err), 0);
    silt_schema *schema = silt_schema_create(1);
    assert_int_equal(silt_field_init(&schema->fields[0], "v", SILT_TYPE_INT64, false), 0);
    silt_buf f = SILT_BUF_INIT;
    put_row_groups(s, "t/a.parquet", schema, &f);
    const silt_delta_file_ops *ops = silt_delta_parquet_ops();
    order_acc a = {0, -1, 0};
    assert_int_equal(ops->read_file(NULL, s, "t/a.parquet", schema, check_order, &a, &err), 0);
    assert_int_equal(a.next, 10000);
    assert_int_equal(a.batches, 40);
    order_acc stop = {0, 1000, 0};
    assert_int_equal(ops->read_file(NULL, s, "t/a.parquet", schema, check_order, &stop, &err),
                     SILT_ECANCELLED);
    assert_int_equal(stop.batches, 4);
    /* damage the data of the last row groups (the footer stays readable) */
    uint32_t footer;
    memcpy(&footer, f.ptr + f.len - 8, 4);
    size_t data_end = f.len - 8 - footer;
    for (size_t i = data_end * 3 / 4; i < data_end * 9 / 10; i++) f.ptr[i] ^= 0x5a;
    assert_int_equal(silt_store_put(s, "t/b.parquet", f.ptr, f.len, &err), 0);
    order_acc bad = {0, -1, 0};
    int rc = ops->read_file(NULL, s, "t/b.parquet", schema, check_order, &bad, &err);
    assert_int_equal(rc, SILT_ECORRUPT);
    if (!strstr(err.msg, "b.parquet") && !strstr(err.path, "b.parquet")) fail_msg("%s", err.msg);
    if (bad.batches < 20 || bad.batches >= 40) fail_msg("%d batches before the error", bad.batches);
    silt_buf_free(&f);
    silt_schema_destroy(schema);
    silt_store_destroy(s);
    unsetenv("SILT_READ_THREADS");
}

static void test_read_ahead(void **state)
{
    (void)state;
    read_ahead_with("2");
    read_ahead_with("1");
    read_ahead_with("0");
}

int main(void)
{
    const char *fx = getenv("SILT_FIXTURES");
    snprintf(spark_table, sizeof spark_table, "%s/spark-streaming-table",
             fx ? fx : "../../shared/fixtures");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spark_table_from_checkpoint),
        cmocka_unit_test(test_corrupt_checkpoint_fallback),
        cmocka_unit_test(test_write_read_stats),
        cmocka_unit_test(test_store_source),
        cmocka_unit_test(test_read_ahead),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
