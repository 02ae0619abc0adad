/* Unit tests of lazy string columns (silt_column.lazy): the Parquet reader asked for them
 * (silt_pq_reader_set_lazy_dict) gives a dictionary-encoded string column as codes and its
 * dictionary only, and the bytes of the rows come out the same as an ordinary read's through
 * silt_column_materialize, silt_column_append_range and truncation; a column that cannot be lazy
 * (a page fell back to PLAIN, NULLs, more distinct values than half the rows, integers) is read
 * whole, with the same rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "batch/batch.h"
#include "batch/canon.h"
#include "parquet/reader.h"
#include "parquet/writer.h"
#include "util/alloc.h"
#include "util/buf.h"

#define ROWS 3000

static const char *const KEYS[] = {"Norway", "a", "", "a-long-key-over-16-bytes", "b"};

/* k: 5 keys, no NULLs; n: the same with a NULL every 7th row; u: a distinct value per row;
 * v: integers. */
static silt_schema *test_schema(void)
{
    silt_schema *s = silt_schema_create(4);
    assert_non_null(s);
    assert_int_equal(silt_field_init(&s->fields[0], "k", SILT_TYPE_STRING, true), 0);
    assert_int_equal(silt_field_init(&s->fields[1], "n", SILT_TYPE_STRING, true), 0);
    assert_int_equal(silt_field_init(&s->fields[2], "u", SILT_TYPE_BINARY, true), 0);
    assert_int_equal(silt_field_init(&s->fields[3], "v", SILT_TYPE_INT64, true), 0);
    return s;
}

static silt_batch *rows(const silt_schema *s)
{
    silt_batch *b = silt_batch_create(s);
    assert_non_null(b);
    for (int64_t r = 0; r < ROWS; r++) {
        const char *k = KEYS[(r * 3 + r / 50) % 5];
        assert_int_equal(silt_column_append_bytes(&b->cols[0], k, strlen(k)), 0);
        if (r % 7 == 3)
            assert_int_equal(silt_column_append_null(&b->cols[1]), 0);
        else
            assert_int_equal(silt_column_append_bytes(&b->cols[1], k, strlen(k)), 0);
        char u[32];
        int len = snprintf(u, sizeof u, "row-%lld", (long long)r);
        assert_int_equal(silt_column_append_bytes(&b->cols[2], u, (size_t)len), 0);
        assert_int_equal(silt_column_append_int(&b->cols[3], r), 0);
    }
    b->n_rows = ROWS;
    return b;
}

/* One row group, pages of about page_bytes, dictionaries up to dictionary_bytes. */
static void write_file(silt_buf *out, const silt_batch *b, int64_t dictionary_bytes)
{
    silt_pq_sink *sink = silt_pq_sink_buf(out);
    assert_non_null(sink);
    silt_pq_writer_options o;
    silt_pq_writer_options_default(&o);
    o.dictionary_bytes = dictionary_bytes;
    o.page_bytes = 1024; /* several pages per chunk */
    silt_pq_writer *w = NULL;
    silt_error err;
    assert_int_equal(silt_pq_writer_create(&w, sink, b->schema, &o, &err), 0);
    assert_int_equal(silt_pq_writer_write(w, b, &err), 0);
    assert_int_equal(silt_pq_writer_close(w, &err), 0);
    silt_pq_writer_destroy(w);
    silt_pq_sink_destroy(sink);
}

static silt_batch *read_back(const silt_buf *file, bool lazy)
{
    silt_pq_source *src = silt_pq_source_mem(file->ptr, file->len, "mem.parquet");
    silt_pq_reader *r = NULL;
    silt_error err;
    assert_int_equal(silt_pq_reader_open(&r, src, &err), 0);
    silt_pq_reader_set_lazy_dict(r, lazy);
    silt_batch *b = NULL;
    if (silt_pq_reader_read_row_group(r, 0, NULL, 0, &b, &err)) fail_msg("read: %s", err.msg);
    silt_pq_reader_destroy(r);
    silt_pq_source_destroy(src);
    return b;
}

static char *canon(const silt_batch *b)
{
    silt_buf out = SILT_BUF_INIT;
    assert_int_equal(silt_canon_batch(&out, b), 0);
    silt_buf_cstr(&out);
    char *r = silt_strdup((char *)out.ptr);
    silt_buf_free(&out);
    return r;
}

/* A copy of b through silt_column_append_range (whole columns, in two pieces). */
static silt_batch *copy_by_ranges(const silt_batch *b)
{
    silt_batch *o = silt_batch_create(b->schema);
    assert_non_null(o);
    for (size_t c = 0; c < b->n_cols; c++) {
        assert_int_equal(silt_column_append_range(&o->cols[c], &b->cols[c], 0, 1234), 0);
        assert_int_equal(silt_column_append_range(&o->cols[c], &b->cols[c], 1234, b->n_rows - 1234),
                         0);
        assert_false(o->cols[c].lazy);
    }
    o->n_rows = b->n_rows;
    return o;
}

/* The key column comes lazy, the others whole; every way of getting at its bytes gives the
 * rows an ordinary read gives. */
static void test_lazy_read(void **state)
{
    (void)state;
    silt_schema *s = test_schema();
    silt_batch *b = rows(s);
    silt_buf file = SILT_BUF_INIT;
    write_file(&file, b, 1 << 20);
    silt_batch *plain = read_back(&file, false), *lazy = read_back(&file, true);
    char *want = canon(plain);
    assert_false(plain->cols[0].lazy);
    silt_column *k = &lazy->cols[0];
    assert_true(k->lazy);
    assert_null(k->offsets);
    assert_null(k->values);
    assert_non_null(silt_column_dict(k));
    assert_true(k->dict->values.length <= 5);
    assert_false(lazy->cols[1].lazy); /* NULLs */
    assert_false(lazy->cols[2].lazy); /* more distinct values than half the rows */
    assert_false(lazy->cols[3].lazy); /* not a string */
    silt_error err = {0};
    assert_int_equal(silt_batch_validate(lazy, &err), 0);

    silt_batch *copy = copy_by_ranges(lazy);
    char *got = canon(copy);
    assert_string_equal(got, want);
    silt_free(got);
    silt_batch_destroy(copy);

    assert_int_equal(silt_column_materialize(k), 0);
    assert_false(k->lazy);
    assert_non_null(silt_column_dict(k)); /* the view stays */
    got = canon(lazy);
    assert_string_equal(got, want);
    silt_free(got);
    assert_int_equal(silt_column_materialize(k), 0); /* nothing left to do */

    silt_batch_destroy(lazy);
    lazy = read_back(&file, true);
    silt_column_truncate(&lazy->cols[0], 10);
    assert_true(lazy->cols[0].lazy);
    assert_non_null(silt_column_dict(&lazy->cols[0]));
    assert_int_equal(silt_column_materialize(&lazy->cols[0]), 0);
    for (int64_t r = 0; r < 10; r++) {
        size_t la, lb;
        const uint8_t *pa = silt_column_bytes(&lazy->cols[0], r, &la);
        const uint8_t *pb = silt_column_bytes(&plain->cols[0], r, &lb);
        assert_int_equal(la, lb);
        if (la) assert_memory_equal(pa, pb, la);
    }
    silt_free(want);
    silt_batch_destroy(lazy);
    silt_batch_destroy(plain);
    silt_buf_free(&file);
    silt_batch_destroy(b);
    silt_schema_destroy(s);
}

/* A chunk whose dictionary filled up (the writer went on in PLAIN): the pages read as codes so
 * far get their bytes, and the column is read whole, the same as an ordinary read. */
static void test_plain_fallback(void **state)
{
    (void)state;
    silt_schema *s = test_schema();
    silt_batch *b = rows(s);
    silt_buf file = SILT_BUF_INIT;
    write_file(&file, b, 16);
    silt_batch *plain = read_back(&file, false), *lazy = read_back(&file, true);
    for (size_t c = 0; c < lazy->n_cols; c++) assert_false(lazy->cols[c].lazy);
    char *want = canon(plain), *got = canon(lazy), *orig = canon(b);
    assert_string_equal(got, want);
    assert_string_equal(got, orig);
    silt_free(want);
    silt_free(got);
    silt_free(orig);
    silt_batch_destroy(lazy);
    silt_batch_destroy(plain);
    silt_buf_free(&file);
    silt_batch_destroy(b);
    silt_schema_destroy(s);
}

/* A lazy source appended to a column that already has rows, and to one with NULLs. */
static void test_append_after_rows(void **state)
{
    (void)state;
    silt_schema *s = test_schema();
    silt_batch *b = rows(s);
    silt_buf file = SILT_BUF_INIT;
    write_file(&file, b, 1 << 20);
    silt_batch *lazy = read_back(&file, true);
    assert_true(lazy->cols[0].lazy);
    silt_column dst;
    assert_int_equal(silt_column_init(&dst, &s->fields[0]), 0);
    assert_int_equal(silt_column_append_null(&dst), 0);
    assert_int_equal(silt_column_append_bytes(&dst, "x", 1), 0);
    assert_int_equal(silt_column_append_range(&dst, &lazy->cols[0], 5, 20), 0);
    assert_int_equal(dst.length, 22);
    assert_int_equal(dst.null_count, 1);
    assert_false(silt_column_is_valid(&dst, 0));
    for (int64_t r = 0; r < 20; r++) {
        size_t len;
        const uint8_t *p = silt_column_bytes(&dst, r + 2, &len);
        const char *k = KEYS[((r + 5) * 3 + (r + 5) / 50) % 5];
        assert_true(silt_column_is_valid(&dst, r + 2));
        assert_int_equal(len, strlen(k));
        if (len) assert_memory_equal(p, k, len);
    }
    silt_column_clear(&dst);
    /* a lazy column cannot be appended to an integer one */
    silt_column ints;
    assert_int_equal(silt_column_init(&ints, &s->fields[3]), 0);
    assert_int_equal(silt_column_append_range(&ints, &lazy->cols[0], 0, 3), SILT_EINVAL);
    silt_column_clear(&ints);
    silt_batch_destroy(lazy);
    silt_buf_free(&file);
    silt_batch_destroy(b);
    silt_schema_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lazy_read),
        cmocka_unit_test(test_plain_fallback),
        cmocka_unit_test(test_append_after_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
