/* Unit tests for src/batch: appends of every type, nulls, nesting, validation, out-of-memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "batch/batch.h"
#include "batch/canon.h"
#include "support/oom.h"
#include "util/alloc.h"

static silt_schema *make_schema(void)
{
    silt_schema *s = silt_schema_create(4);
    assert_non_null(s);
    assert_int_equal(silt_field_init(&s->fields[0], "id", SILT_TYPE_INT64, false), 0);
    assert_int_equal(silt_field_init(&s->fields[1], "name", SILT_TYPE_STRING, true), 0);
    assert_int_equal(silt_field_init_nested(&s->fields[2], "tags", SILT_TYPE_LIST, true, 1), 0);
    assert_int_equal(silt_field_init(&s->fields[2].children[0], "element", SILT_TYPE_INT32, true),
                     0);
    assert_int_equal(silt_field_init_nested(&s->fields[3], "pt", SILT_TYPE_STRUCT, true, 2), 0);
    assert_int_equal(silt_field_init(&s->fields[3].children[0], "x", SILT_TYPE_DOUBLE, true), 0);
    assert_int_equal(silt_field_init(&s->fields[3].children[1], "ok", SILT_TYPE_BOOL, true), 0);
    return s;
}

static void test_append_and_read(void **state)
{
    (void)state;
    silt_batch *b = silt_batch_create_owned(make_schema());
    assert_non_null(b);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(silt_column_append_int(&b->cols[0], i), 0);
        if (i % 3 == 0)
            assert_int_equal(silt_column_append_null(&b->cols[1]), 0);
        else
            assert_int_equal(silt_column_append_bytes(&b->cols[1], "héllo", 6), 0);
        silt_column *tags = &b->cols[2];
        if (i % 5 == 0) {
            assert_int_equal(silt_column_append_null(tags), 0);
        } else {
            for (int k = 0; k < i % 4; k++) silt_column_append_int(&tags->children[0], k);
            assert_int_equal(silt_column_append_valid(tags), 0);
        }
        silt_column *pt = &b->cols[3];
        if (i % 7 == 0) {
            assert_int_equal(silt_column_append_null(pt), 0);
        } else {
            silt_column_append_double(&pt->children[0], i * 0.5);
            silt_column_append_bool(&pt->children[1], i & 1);
            assert_int_equal(silt_column_append_valid(pt), 0);
        }
    }
    silt_error err;
    assert_int_equal(silt_batch_validate(b, &err), 0);
    assert_int_equal(b->n_rows, 1000);
    assert_int_equal(b->cols[1].null_count, 334);
    assert_false(silt_column_is_valid(&b->cols[1], 3));
    size_t len;
    const uint8_t *p = silt_column_bytes(&b->cols[1], 4, &len);
    assert_int_equal(len, 6);
    assert_memory_equal(p, "héllo", 6);
    assert_int_equal(silt_column_get_int(&b->cols[0], 999), 999);
    assert_int_equal(b->cols[2].offsets[2] - b->cols[2].offsets[1], 1);
    assert_false(silt_column_is_valid(&b->cols[3], 7));
    assert_false(silt_column_is_valid(&b->cols[3].children[0], 7));
    assert_true(silt_bit_get(b->cols[3].children[1].values, 1));
    silt_batch_reset(b);
    assert_int_equal(b->cols[1].length, 0);
    silt_batch_destroy(b);
    silt_batch_destroy(NULL);
}

/* got and want hold the same rows (canonical text) and null counts. */
static void assert_same_rows(const silt_batch *got, const silt_batch *want)
{
    silt_buf a = SILT_BUF_INIT, b = SILT_BUF_INIT;
    silt_canon_batch(&a, got);
    silt_canon_batch(&b, want);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.ptr, b.ptr, a.len);
    for (size_t c = 0; c < want->n_cols; c++)
        assert_int_equal(got->cols[c].null_count, want->cols[c].null_count);
    silt_buf_free(&a);
    silt_buf_free(&b);
}

/* 50 rows of every column of make_schema(), with nulls, empty strings and lists. */
static silt_batch *make_rows(const silt_schema *schema)
{
    silt_batch *src = silt_batch_create(schema);
    for (int i = 0; i < 50; i++) {
        silt_column_append_int(&src->cols[0], i);
        if (i % 3 == 0)
            silt_column_append_null(&src->cols[1]);
        else
            silt_column_append_bytes(&src->cols[1], "abcdef", (size_t)(i % 6));
        if (i % 5 == 0) {
            silt_column_append_null(&src->cols[2]);
        } else {
            for (int k = 0; k < i % 4; k++)
                silt_column_append_int(&src->cols[2].children[0], i + k);
            silt_column_append_valid(&src->cols[2]);
        }
        if (i % 7 == 0) {
            silt_column_append_null(&src->cols[3]);
        } else {
            silt_column_append_double(&src->cols[3].children[0], i * 0.25);
            silt_column_append_bool(&src->cols[3].children[1], i & 1);
            silt_column_append_valid(&src->cols[3]);
        }
    }
    src->n_rows = 50;
    return src;
}

static void test_append_range(void **state)
{
    (void)state;
    silt_schema *schema = make_schema();
    silt_batch *src = make_rows(schema);
    silt_error err;
    assert_int_equal(silt_batch_validate(src, &err), 0);
    /* copy in three slices; the result must equal the source row by row */
    silt_batch *dst = silt_batch_create(schema);
    int64_t cuts[] = {0, 7, 31, 50};
    for (int s = 0; s < 3; s++)
        for (size_t c = 0; c < src->n_cols; c++)
            assert_int_equal(silt_column_append_range(&dst->cols[c], &src->cols[c], cuts[s],
                                                      cuts[s + 1] - cuts[s]),
                             0);
    assert_int_equal(silt_batch_validate(dst, &err), 0);
    assert_same_rows(dst, src);
    silt_batch_destroy(src);
    silt_batch_destroy(dst);
    silt_schema_destroy(schema);
}

/* silt_column_gather picks rows by index (repeated, out of order, -1 for a null) into a column
 * that already holds rows: the same as appending each picked row on its own. */
static void test_gather(void **state)
{
    (void)state;
    silt_schema *schema = make_schema();
    silt_batch *src = make_rows(schema);
    int64_t idx[] = {49, 0, 3, -1, 3, 17, 21, 35, -1, 1, 48, 2};
    int64_t n = (int64_t)(sizeof idx / sizeof idx[0]);
    silt_batch *got = silt_batch_create(schema), *want = silt_batch_create(schema);
    for (size_t c = 0; c < src->n_cols; c++) {
        assert_int_equal(silt_column_append_range(&got->cols[c], &src->cols[c], 5, 2), 0);
        assert_int_equal(silt_column_append_range(&want->cols[c], &src->cols[c], 5, 2), 0);
        assert_int_equal(silt_column_gather(&got->cols[c], &src->cols[c], idx, n), 0);
        for (int64_t k = 0; k < n; k++)
            assert_int_equal(
                idx[k] < 0 ? silt_column_append_null(&want->cols[c])
                           : silt_column_append_range(&want->cols[c], &src->cols[c], idx[k], 1),
                0);
    }
    got->n_rows = want->n_rows = n + 2;
    silt_error err;
    assert_int_equal(silt_batch_validate(got, &err), 0);
    assert_same_rows(got, want);
    silt_batch_destroy(src);
    silt_batch_destroy(got);
    silt_batch_destroy(want);
    silt_schema_destroy(schema);
}

static void test_validate_catches_mismatch(void **state)
{
    (void)state;
    silt_batch *b = silt_batch_create_owned(make_schema());
    silt_column_append_int(&b->cols[0], 1);
    silt_error err;
    assert_int_equal(silt_batch_validate(b, &err), SILT_ECORRUPT);
    assert_non_null(strstr(err.msg, "rows"));
    silt_batch_destroy(b);
}

static void test_decimal_and_fixed(void **state)
{
    (void)state;
    silt_schema *s = silt_schema_create(2);
    silt_field_init(&s->fields[0], "d", SILT_TYPE_DECIMAL, true);
    s->fields[0].precision = 10;
    s->fields[0].scale = 2;
    silt_field_init(&s->fields[1], "f", SILT_TYPE_FIXED_BINARY, true);
    s->fields[1].byte_width = 3;
    silt_batch *b = silt_batch_create_owned(s);
    assert_int_equal(silt_column_append_decimal_i64(&b->cols[0], -12345), 0);
    assert_int_equal(silt_column_append_bytes(&b->cols[1], "abc", 3), 0);
    assert_int_equal(silt_column_append_bytes(&b->cols[1], "ab", 2), SILT_EINVAL);
    assert_int_equal(b->cols[0].values[15], 0xff);
    size_t len;
    assert_memory_equal(silt_column_bytes(&b->cols[1], 0, &len), "abc", 3);
    silt_batch_destroy(b);
}

/* The out-of-memory operation: a schema, a batch that owns it, 100 rows of a string and a
 * nullable int column (enough to grow every buffer several times), and a copy of 80 of them. */
static int oom_build(void *ctx, void **result)
{
    (void)ctx;
    silt_schema *s = silt_schema_create(2);
    if (!s) return SILT_ENOMEM;
    int rc = silt_field_init(&s->fields[0], "a", SILT_TYPE_STRING, true);
    if (!rc) rc = silt_field_init(&s->fields[1], "b", SILT_TYPE_INT32, true);
    if (rc) {
        silt_schema_destroy(s);
        return rc;
    }
    silt_batch *b = silt_batch_create_owned(s);
    if (!b) return SILT_ENOMEM;
    for (int i = 0; i < 100 && !rc; i++) {
        rc = silt_column_append_bytes(&b->cols[0], "xyz", 3);
        if (!rc)
            rc = i % 2 ? silt_column_append_null(&b->cols[1])
                       : silt_column_append_int(&b->cols[1], i);
    }
    /* and a copy of rows 10..89 through append_range into a batch with a copied schema */
    silt_batch *copy = rc ? NULL : silt_batch_create_owned(silt_schema_copy(b->schema));
    if (!rc && !copy) rc = SILT_ENOMEM;
    for (size_t i = 0; !rc && i < b->n_cols; i++)
        rc = silt_column_append_range(&copy->cols[i], &b->cols[i], 10, 80);
    silt_batch_destroy(b);
    if (rc) {
        silt_batch_destroy(copy);
        return rc;
    }
    *result = copy;
    return 0;
}

static void test_oom_every_point(void **state)
{
    (void)state;
    oom_case c = {
        .name = "batch build", .run = oom_build, .same = oom_same_batch, .drop = oom_drop_batch};
    oom_check_every_allocation(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_and_read),
        cmocka_unit_test(test_append_range),
        cmocka_unit_test(test_gather),
        cmocka_unit_test(test_validate_catches_mismatch),
        cmocka_unit_test(test_decimal_and_fixed),
        cmocka_unit_test(test_oom_every_point),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
