/* Unit tests for the canonical value form shared with the DuckDB oracle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "batch/canon.h"
#include "batch/render.h"

static void check_double(double v, const char *expect)
{
    silt_buf b = SILT_BUF_INIT;
    silt_canon_double(&b, v);
    silt_buf_cstr(&b);
    assert_string_equal((char *)b.ptr, expect);
    silt_buf_free(&b);
}

/* Expected strings are what node prints for String(v). */
static void test_doubles_match_ecmascript(void **state)
{
    (void)state;
    check_double(0.0, "0");
    check_double(-0.0, "0");
    check_double(1.0, "1");
    check_double(-2.5, "-2.5");
    check_double(0.1, "0.1");
    check_double((double)1.1f, "1.100000023841858");
    check_double(10.1, "10.1");
    check_double(1e21, "1e+21");
    check_double(1e20, "100000000000000000000");
    check_double(123456789012345680000.0, "123456789012345680000");
    check_double(1e-7, "1e-7");
    check_double(1.5e-7, "1.5e-7");
    check_double(0.000001, "0.000001");
    check_double(0.0000012345, "0.0000012345");
    check_double(5e-324, "5e-324");
    check_double(1.7976931348623157e308, "1.7976931348623157e+308");
    check_double(NAN, "NaN");
    check_double(-INFINITY, "-Infinity");
    check_double(2.0 / 3.0, "0.6666666666666666");
}

static void test_strings_decimals_dates(void **state)
{
    (void)state;
    silt_buf b = SILT_BUF_INIT;
    silt_canon_json_string(&b, (const uint8_t *)"a\"b\\c\n\x01\xc3\xa9", 9);
    silt_buf_cstr(&b);
    assert_string_equal((char *)b.ptr, "\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\"");
    silt_buf_reset(&b);
    uint8_t d[16] = {0};
    int64_t v = -5;
    memcpy(d, &v, 8);
    memset(d + 8, 0xff, 8);
    silt_canon_decimal(&b, d, 2);
    silt_buf_putc(&b, ' ');
    v = 12345;
    memcpy(d, &v, 8);
    memset(d + 8, 0, 8);
    silt_canon_decimal(&b, d, 0);
    silt_buf_putc(&b, ' ');
    silt_canon_decimal(&b, d, 7);
    silt_buf_putc(&b, ' ');
    silt_canon_date(&b, -1);
    silt_buf_putc(&b, ' ');
    silt_canon_timestamp(&b, -1, 6);
    silt_buf_putc(&b, ' ');
    silt_canon_timestamp(&b, 1704141296123456789LL, 9);
    silt_buf_cstr(&b);
    assert_string_equal((char *)b.ptr,
                        "-0.05 12345 0.0012345 1969-12-31 1969-12-31 23:59:59.999999 "
                        "2024-01-01 20:34:56.123456789");
    silt_buf_free(&b);
}

static void test_render_json_csv(void **state)
{
    (void)state;
    silt_schema *s = silt_schema_create(3);
    silt_field_init_nested(&s->fields[0], "m", SILT_TYPE_MAP, true, 1);
    silt_field_init_nested(&s->fields[0].children[0], "key_value", SILT_TYPE_STRUCT, false, 2);
    silt_field_init(&s->fields[0].children[0].children[0], "key", SILT_TYPE_STRING, false);
    silt_field_init(&s->fields[0].children[0].children[1], "value", SILT_TYPE_DOUBLE, true);
    silt_field_init(&s->fields[1], "d", SILT_TYPE_DATE32, true);
    silt_field_init(&s->fields[2], "t", SILT_TYPE_STRING, true);
    silt_batch *b = silt_batch_create_owned(s);
    silt_column *kv = &b->cols[0].children[0];
    silt_column_append_bytes(&kv->children[0], "a,b", 3);
    silt_column_append_double(&kv->children[1], NAN);
    silt_column_append_valid(kv);
    silt_column_append_bytes(&kv->children[0], "c", 1);
    silt_column_append_double(&kv->children[1], 1.5);
    silt_column_append_valid(kv);
    silt_column_append_valid(&b->cols[0]);
    silt_column_append_int(&b->cols[1], 0);
    silt_column_append_bytes(&b->cols[2], "say \"hi\"", 8);
    silt_buf j = SILT_BUF_INIT, c = SILT_BUF_INIT;
    for (size_t k = 0; k < 3; k++) {
        if (k) silt_buf_putc(&j, ' '), silt_buf_putc(&c, ',');
        silt_render_json_value(&j, &s->fields[k], &b->cols[k], 0);
        silt_render_csv_value(&c, &s->fields[k], &b->cols[k], 0);
    }
    silt_buf_cstr(&j);
    silt_buf_cstr(&c);
    assert_string_equal((char *)j.ptr,
                        "{\"a,b\":\"NaN\",\"c\":1.5} \"1970-01-01\" \"say \\\"hi\\\"\"");
    assert_string_equal(
        (char *)c.ptr, "\"{\"\"a,b\"\":\"\"NaN\"\",\"\"c\"\":1.5}\",1970-01-01,\"say \"\"hi\"\"\"");
    silt_buf_free(&j);
    silt_buf_free(&c);
    silt_batch_destroy(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doubles_match_ecmascript),
        cmocka_unit_test(test_strings_decimals_dates),
        cmocka_unit_test(test_render_json_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
