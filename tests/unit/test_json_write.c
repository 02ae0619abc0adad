/* Unit tests for src/json/write: escaping like json.dumps, Python-repr doubles, objects, OOM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/write.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

static void check_str(const char *in, size_t n, unsigned flags, const char *want)
{
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_json_write_string(&b, in, n, flags), 0);
    assert_int_equal(silt_buf_cstr(&b), 0);
    assert_string_equal((char *)b.ptr, want);
    silt_buf_free(&b);
}

static void test_string_escaping(void **state)
{
    (void)state;
    /* Expected texts are Python 3's json.dumps(s) and json.dumps(s, ensure_ascii=False). */
    const char *s = "a\"b\\c\n\t\x01\x7f \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
    check_str(s, strlen(s), SILT_JSON_ASCII,
              "\"a\\\"b\\\\c\\n\\t\\u0001\\u007f \\u00e9 \\u20ac \\ud83d\\ude00\"");
    check_str(s, strlen(s), 0,
              "\"a\\\"b\\\\c\\n\\t\\u0001\x7f \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
    check_str("\b\f\r\x1f", 4, 0, "\"\\b\\f\\r\\u001f\"");
    check_str("", 0, 0, "\"\"");
    /* embedded NUL is a character like any other */
    check_str("a\0b", 3, 0, "\"a\\u0000b\"");
}

static void test_string_invalid_utf8(void **state)
{
    (void)state;
    /* lone continuation, overlong '/', surrogate, truncated sequence, byte > 0xf4 */
    check_str("\x80", 1, SILT_JSON_ASCII, "\"\\ufffd\"");
    check_str("\xc0\xaf", 2, SILT_JSON_ASCII, "\"\\ufffd\\ufffd\"");
    check_str("\xed\xa0\x80", 3, SILT_JSON_ASCII, "\"\\ufffd\\ufffd\\ufffd\"");
    check_str("ok\xe2\x82", 4, 0, "\"ok\xef\xbf\xbd\xef\xbf\xbd\"");
    check_str("\xff", 1, 0, "\"\xef\xbf\xbd\"");
}

static void check_double(double v, const char *want)
{
    char out[SILT_JSON_DOUBLE_MAX];
    size_t n = silt_json_format_double(out, v);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
    if (isfinite(v)) assert_true(strtod(out, NULL) == v);
}

static void test_double_python_repr(void **state)
{
    (void)state;
    /* Expected texts are Python 3's repr(float). */
    check_double(17490.0, "17490.0");
    check_double(0.1, "0.1");
    check_double(1e-05, "1e-05");
    check_double(0.0001, "0.0001");
    check_double(0.00012345, "0.00012345");
    check_double(1e16, "1e+16");
    check_double(1234567890123456.0, "1234567890123456.0");
    check_double(9999999999999998.0, "9999999999999998.0");
    check_double(123456789012345678.0, "1.2345678901234568e+17");
    check_double(-0.0, "-0.0");
    check_double(0.0, "0.0");
    check_double(5e-324, "5e-324");
    check_double(1.7976931348623157e+308, "1.7976931348623157e+308");
    check_double(0.1 + 0.2, "0.30000000000000004");
    check_double(100.0, "100.0");
    check_double(2.5e-10, "2.5e-10");
    check_double(21.47, "21.47");
    check_double(-3.25, "-3.25");
    check_double(NAN, "null");
    check_double(INFINITY, "null");
}

static void test_double_roundtrip_random(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double v;
        memcpy(&v, &x, sizeof v);
        if (!isfinite(v)) continue;
        char out[SILT_JSON_DOUBLE_MAX];
        silt_json_format_double(out, v);
        assert_true(strtod(out, NULL) == v);
        /* shortest: the same value with one significant digit fewer does not round-trip */
        char digits[32];
        size_t nd = 0;
        for (const char *p = out; *p && *p != 'e'; p++)
            if (*p >= '0' && *p <= '9' && (nd > 0 || *p != '0')) digits[nd++] = *p;
        while (nd > 1 && digits[nd - 1] == '0') nd--;
        if (nd > 1) {
            char fewer[40];
            snprintf(fewer, sizeof fewer, "%.*e", (int)nd - 2, v);
            assert_false(strtod(fewer, NULL) == v);
        }
    }
}

/* Values with few decimals take the fast path: same round-trip and shortness checks. */
static void check_shortest(double v)
{
    char out[SILT_JSON_DOUBLE_MAX];
    silt_json_format_double(out, v);
    assert_true(strtod(out, NULL) == v);
    char digits[32];
    size_t nd = 0;
    for (const char *p = out; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9' && (nd > 0 || *p != '0')) digits[nd++] = *p;
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    if (nd > 1) {
        char fewer[40];
        snprintf(fewer, sizeof fewer, "%.*e", (int)nd - 2, v);
        if (strtod(fewer, NULL) == v) fail_msg("%s is not the shortest for %.17g", out, v);
    }
    /* the same digits as printf's correctly rounded output with nd digits */
    char sci[40];
    snprintf(sci, sizeof sci, "%.*e", nd > 0 ? (int)nd - 1 : 0, v);
    size_t j = 0;
    for (const char *p = sci; *p && *p != 'e' && j < nd; p++)
        if (*p >= '0' && *p <= '9' && (j > 0 || *p != '0')) assert_int_equal(*p, digits[j++]);
}

static void test_double_few_decimals(void **state)
{
    (void)state;
    uint64_t x = 42;
    static const double scale[] = {1, 10, 100, 1000, 1e4, 1e6, 1e8, 1e10};
    for (int i = 0; i < 200000; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        double m = (double)(x >> (12 + (x & 31)));
        double v = m / scale[(x >> 5) & 7];
        check_shortest(v);
        check_shortest(-v);
        check_shortest(nextafter(v, 1e300));
    }
    check_double(0.05, "0.05");
    check_double(123.0, "123.0");
    check_double(-0.001, "-0.001");
    check_double(999999999999999.9, "999999999999999.9");
    check_double(2.9999999999999996, "2.9999999999999996");
}

static void test_object(void **state)
{
    (void)state;
    const char *keys[] = {"i", "d", "s", "n", "b"};
    silt_json_value v[5];
    v[0].type = SILT_JSON_INT;
    v[0].u.i = INT64_MIN;
    v[1].type = SILT_JSON_DOUBLE;
    v[1].u.d = 6.0;
    v[2].type = SILT_JSON_STRING;
    v[2].u.s.ptr = "x\"y";
    v[2].u.s.len = 3;
    v[3].type = SILT_JSON_NULL;
    v[4].type = SILT_JSON_BOOL;
    v[4].u.b = true;
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_json_write_object(&b, keys, v, 5, SILT_JSON_PY), 0);
    silt_buf_cstr(&b);
    assert_string_equal((char *)b.ptr, "{\"i\": -9223372036854775808, \"d\": 6.0, \"s\": "
                                       "\"x\\\"y\", \"n\": null, \"b\": true}");
    silt_buf_reset(&b);
    assert_int_equal(silt_json_write_object(&b, keys, v, 5, 0), 0);
    silt_buf_cstr(&b);
    assert_string_equal((char *)b.ptr,
                        "{\"i\":-9223372036854775808,\"d\":6.0,\"s\":\"x\\\"y\",\"n\":null,"
                        "\"b\":true}");
    silt_buf_reset(&b);
    assert_int_equal(silt_json_write_object(&b, keys, v, 0, 0), 0);
    assert_int_equal(b.len, 2);
    silt_buf_free(&b);
}

static void test_oom(void **state)
{
    (void)state;
    const char *keys[] = {"k"};
    silt_json_value v = {.type = SILT_JSON_STRING};
    v.u.s.ptr = "value";
    v.u.s.len = 5;
    silt_buf b = SILT_BUF_INIT;
    silt_alloc_fail_nth(1);
    assert_int_equal(silt_json_write_object(&b, keys, &v, 1, SILT_JSON_PY), SILT_ENOMEM);
    assert_true(silt_buf_oom(&b));
    silt_buf_free(&b);
    silt_alloc_fail_nth(1);
    assert_int_equal(silt_json_write_string(&b, "abc", 3, 0), SILT_ENOMEM);
    silt_buf_free(&b);
    silt_alloc_fail_nth(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_string_escaping),
        cmocka_unit_test(test_string_invalid_utf8),
        cmocka_unit_test(test_double_python_repr),
        cmocka_unit_test(test_double_roundtrip_random),
        cmocka_unit_test(test_double_few_decimals),
        cmocka_unit_test(test_object),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
