/* Unit tests for bronze rows: messages kept byte for byte, nulls, headers, partition date. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "batch/canon.h"
#include "pipeline/bronze.h"
#include "util/alloc.h"

static void test_messages_kept_as_they_came(void **state)
{
    (void)state;
    silt_batch *b = silt_batch_create_owned(silt_bronze_schema());
    assert_non_null(b);
    const uint8_t garbage[] = {0xff, 0x00, 0xfe, '"'};
    silt_bronze_header hs[2] = {{"trace", 5, "abc", 3}, {"empty", 5, NULL, 0}};
    silt_bronze_msg m1 = {"k1", 2, "{\"a\":1}", 7, "orders", 3, 42, 1700000000123, 2, hs};
    silt_bronze_msg m2 = {NULL, 0, NULL, 0, "orders", 0, 7, -1, 0, NULL};
    silt_bronze_msg m3 = {"", 0, garbage, sizeof garbage, "orders", 1, 0, 0, 0, NULL};
    int64_t at = 1700000000000000LL; /* 2023-11-14T22:13:20Z */
    assert_int_equal(silt_bronze_append(b, &m1, at), 0);
    assert_int_equal(silt_bronze_append(b, &m2, at), 0);
    assert_int_equal(silt_bronze_append(b, &m3, -1), 0);
    silt_error err;
    assert_int_equal(silt_batch_validate(b, &err), 0);
    assert_int_equal(b->n_rows, 3);
    silt_buf out = SILT_BUF_INIT;
    silt_canon_batch(&out, b);
    silt_buf_cstr(&out);
    assert_string_equal(
        (char *)out.ptr,
        "x'6b31'\tx'7b2261223a317d'\t\"orders\"\t3\t42\t2023-11-14 22:13:20.123000\t"
        "map[\"trace\": x'616263', \"empty\": null]\t2023-11-14 22:13:20.000000\t2023-11-14\n"
        "null\tnull\t\"orders\"\t0\t7\tnull\tnull\t2023-11-14 22:13:20.000000\t2023-11-14\n"
        "x''\tx'ff00fe22'\t\"orders\"\t1\t0\t1970-01-01 00:00:00.000000\tnull\t"
        "1969-12-31 23:59:59.999999\t1969-12-31\n");
    silt_buf_free(&out);
    silt_batch_destroy(b);
}

static void test_failed_append_leaves_batch_consistent(void **state)
{
    (void)state;
    silt_bronze_header hs[1] = {{"h", 1, "v", 1}};
    silt_bronze_msg m = {"key", 3, "value", 5, "t", 0, 1, 5, 1, hs};
    for (uint64_t n = 1; n < 60; n++) {
        silt_batch *b = silt_batch_create_owned(silt_bronze_schema());
        if (!b) continue;
        assert_int_equal(silt_bronze_append(b, &m, 0), 0);
        silt_alloc_fail_nth(n);
        int rc = silt_bronze_append(b, &m, 0);
        silt_alloc_fail_nth(0);
        silt_error err;
        assert_int_equal(silt_batch_validate(b, &err), 0);
        assert_int_equal(b->n_rows, rc == 0 ? 2 : 1);
        assert_int_equal(silt_bronze_append(b, &m, 0), 0);
        assert_int_equal(silt_batch_validate(b, &err), 0);
        silt_batch_destroy(b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_messages_kept_as_they_came),
        cmocka_unit_test(test_failed_append_leaves_batch_consistent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
