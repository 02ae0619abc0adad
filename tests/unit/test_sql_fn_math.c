/* Unit tests for the arithmetic (fn_math.c) and conditional (fn_cond.c) functions, called
 * through the registry over hand-built columns; expected values are Spark 3.5's documented
 * answers (the examples of the Spark SQL function reference) and its non-ANSI edge cases. */
#include "test_sql_fn_harness.h"

static const bool K2[] = {false, true}; /* second argument constant */

/* f(x) for doubles x, one result per row (NaN in want = NULL expected). */
static void check_dbl1(const char *fn, const double *x, const double *want, int n)
{
    silt_error err = {0};
    tcol a, out, *args[1] = {&a};
    tcol_doubles(&a, x, NULL, n);
    assert_int_equal(call_scalar(&out, fn, args, NULL, 1, n, &err), 0);
    for (int i = 0; i < n; i++) {
        if (isnan(want[i]))
            want_null(&out, i);
        else
            want_double(&out, i, want[i]);
    }
    tcol_clear(&out);
    tcol_clear(&a);
}

static void test_round_double(void **state)
{
    (void)state;
    silt_error err = {0};
    /* Spark doc: round(2.5, 0) -> 3; HALF_UP on the decimal text: round(0.125, 2) -> 0.13,
     * round(-2.5) -> -3, round(1.005, 2) -> 1.01 (the text is 1.005) */
    double x[] = {2.5, 0.125, -2.5, 1.005, 1234.5678, 0.0, -0.4};
    double d2[] = {3, 0.13, -2.5, 1.01, 1234.57, 0, -0.4};
    tcol a, k, out, *args[2] = {&a, &k};
    tcol_doubles(&a, x, NULL, 7);
    tcol_int1(&k, SILT_TYPE_INT32, 0);
    assert_int_equal(call_scalar(&out, "round", args, K2, 2, 7, &err), 0);
    want_type(&out, "double");
    want_double(&out, 0, 3);
    want_double(&out, 2, -3);
    want_double(&out, 4, 1235);
    want_double(&out, 6, 0);
    tcol_clear(&out);
    tcol_clear(&k);
    tcol_int1(&k, SILT_TYPE_INT32, 2);
    assert_int_equal(call_scalar(&out, "round", args, K2, 2, 7, &err), 0);
    for (int i = 1; i < 6; i++) want_double(&out, i, d2[i]);
    tcol_clear(&out);
    tcol_clear(&k);
    tcol_int1(&k, SILT_TYPE_INT32, -2);
    assert_int_equal(call_scalar(&out, "round", args, K2, 2, 7, &err), 0);
    want_double(&out, 4, 1200);
    tcol_clear(&out);
    tcol_clear(&k);
    tcol_clear(&a);
}

/* Values whose double is just below a decimal tie still round up, as Spark rounds their text */
static void test_round_text_ties(void **state)
{
    (void)state;
    silt_error err = {0};
    double x[] = {2.675, 0.285, 1.015, -2.675, 1234567.125, 0.1 + 0.2, 2.6749999999};
    double want[] = {2.68, 0.29, 1.02, -2.68, 1234567.13, 0.3, 2.67};
    tcol a, k, out, *args[2] = {&a, &k};
    tcol_doubles(&a, x, NULL, 7);
    tcol_int1(&k, SILT_TYPE_INT32, 2);
    assert_int_equal(call_scalar(&out, "round", args, K2, 2, 7, &err), 0);
    for (int i = 0; i < 7; i++) want_double(&out, i, want[i]);
    tcol_clear(&out);
    tcol_clear(&k);
    tcol_clear(&a);
}

static void test_round_int_decimal(void **state)
{
    (void)state;
    silt_error err = {0};
    tcol a, k, out, *args[2] = {&a, &k};
    int64_t v[] = {125, -125, 2147483647};
    tcol_ints(&a, SILT_TYPE_INT32, v, NULL, 3);
    tcol_int1(&k, SILT_TYPE_INT32, -1);
    assert_int_equal(call_scalar(&out, "round", args, K2, 2, 3, &err), 0);
    want_type(&out, "int");
    want_int(&out, 0, 130);
    want_int(&out, 1, -130);
    tcol_clear(&out);
    tcol_clear(&k);
    tcol_clear(&a);
    /* decimal(5,3) rounded to 1 place: decimal(4,1); 12.345 -> 12.3, 12.350 -> 12.4 */
    int64_t dv[] = {12345, 12350, -12350};
    tcol_decs(&a, 5, 3, dv, NULL, 3);
    tcol_int1(&k, SILT_TYPE_INT32, 1);
    assert_int_equal(call_scalar(&out, "round", args, K2, 2, 3, &err), 0);
    want_dec(&out, 0, 123, 4, 1);
    want_dec(&out, 1, 124, 4, 1);
    want_dec(&out, 2, -124, 4, 1);
    tcol_clear(&out);
    /* floor / ceil of decimal(5,3): decimal(3,0) */
    assert_int_equal(call_scalar(&out, "floor", args, NULL, 1, 3, &err), 0);
    want_dec(&out, 0, 12, 3, 0);
    want_dec(&out, 2, -13, 3, 0);
    tcol_clear(&out);
    assert_int_equal(call_scalar(&out, "ceil", args, NULL, 1, 3, &err), 0);
    want_dec(&out, 0, 13, 3, 0);
    want_dec(&out, 2, -12, 3, 0);
    tcol_clear(&out);
    tcol_clear(&k);
    tcol_clear(&a);
    /* the scale must be a constant */
    tcol_decs(&a, 5, 3, dv, NULL, 3);
    tcol_ints(&k, SILT_TYPE_INT32, v, NULL, 3);
    assert_int_equal(call_scalar(&out, "round", args, NULL, 2, 3, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "constant"));
    tcol_clear(&k);
    tcol_clear(&a);
}

static void test_floor_ceil_abs(void **state)
{
    (void)state;
    silt_error err = {0};
    tcol a, out, *args[1] = {&a};
    /* Spark doc: floor(-0.1) -> -1, floor(5) -> 5, ceil(-0.1) -> 0, ceil(5.4) -> 6 */
    double x[] = {-0.1, 5, 5.4, NAN, 1e300};
    tcol_doubles(&a, x, NULL, 5);
    assert_int_equal(call_scalar(&out, "floor", args, NULL, 1, 5, &err), 0);
    want_type(&out, "bigint");
    want_int(&out, 0, -1);
    want_int(&out, 1, 5);
    want_int(&out, 3, 0);
    want_int(&out, 4, INT64_MAX);
    tcol_clear(&out);
    assert_int_equal(call_scalar(&out, "ceil", args, NULL, 1, 5, &err), 0);
    want_int(&out, 0, 0);
    want_int(&out, 2, 6);
    tcol_clear(&out);
    assert_int_equal(call_scalar(&out, "abs", args, NULL, 1, 5, &err), 0);
    want_double(&out, 0, 0.1);
    tcol_clear(&out);
    tcol_clear(&a);
    /* abs of the smallest int wraps (non-ANSI) */
    int64_t v[] = {-1, INT32_MIN, 0};
    bool valid[] = {true, true, false};
    tcol_ints(&a, SILT_TYPE_INT32, v, valid, 3);
    assert_int_equal(call_scalar(&out, "abs", args, NULL, 1, 3, &err), 0);
    want_type(&out, "int");
    want_int(&out, 0, 1);
    want_int(&out, 1, INT32_MIN);
    want_null(&out, 2);
    tcol_clear(&out);
    tcol_clear(&a);
}

static void test_double_functions(void **state)
{
    (void)state;
    double x[] = {4, 0, -1, 1};
    check_dbl1("sqrt", x, (double[]){2, 0, NAN, 1}, 1);
    check_dbl1("ln", x, (double[]){log(4), NAN, NAN, 0}, 4);
    check_dbl1("log10", (double[]){10, 100}, (double[]){1, 2}, 2);
    check_dbl1("log2", (double[]){2, 8}, (double[]){1, 3}, 2);
    check_dbl1("exp", (double[]){0}, (double[]){1}, 1);
    check_dbl1("sign", (double[]){40, -4, 0}, (double[]){1, -1, 0}, 3);
    silt_error err = {0};
    tcol a, b, out, *args[2] = {&a, &b};
    /* Spark doc: pow(2, 3) -> 8.0, log(10, 100) -> 2.0 */
    int64_t two = 2, three = 3;
    tcol_ints(&a, SILT_TYPE_INT32, &two, NULL, 1);
    tcol_ints(&b, SILT_TYPE_INT32, &three, NULL, 1);
    assert_int_equal(call_scalar(&out, "power", args, NULL, 2, 1, &err), 0);
    want_double(&out, 0, 8);
    tcol_clear(&out);
    tcol_clear(&a);
    tcol_clear(&b);
    tcol_doubles(&a, (double[]){10}, NULL, 1);
    tcol_doubles(&b, (double[]){100}, NULL, 1);
    assert_int_equal(call_scalar(&out, "log", args, NULL, 2, 1, &err), 0);
    want_double(&out, 0, 2);
    tcol_clear(&out);
    tcol_clear(&a);
    tcol_clear(&b);
}

static void test_mod(void **state)
{
    (void)state;
    silt_error err = {0};
    tcol a, b, out, *args[2] = {&a, &b};
    int64_t x[] = {-10, 10, 7, INT64_MIN}, y[] = {3, 0, -2, -1};
    tcol_ints(&a, SILT_TYPE_INT64, x, NULL, 4);
    tcol_ints(&b, SILT_TYPE_INT32, y, NULL, 4);
    assert_int_equal(call_scalar(&out, "mod", args, NULL, 2, 4, &err), 0);
    want_type(&out, "bigint");
    want_int(&out, 0, -1);
    want_null(&out, 1);
    want_int(&out, 2, 1);
    want_int(&out, 3, 0);
    tcol_clear(&out);
    /* Spark doc: pmod(-10, 3) -> 2 */
    assert_int_equal(call_scalar(&out, "pmod", args, NULL, 2, 4, &err), 0);
    want_int(&out, 0, 2);
    tcol_clear(&out);
    tcol_clear(&a);
    tcol_clear(&b);
}

static void test_coalesce_if(void **state)
{
    (void)state;
    silt_error err = {0};
    tcol a, b, c, out, *args[3] = {&a, &b, &c};
    int64_t x[] = {1, 0, 0}, y[] = {10, 20, 0};
    bool vx[] = {true, false, false}, vy[] = {true, true, false};
    tcol_ints(&a, SILT_TYPE_INT32, x, vx, 3);
    tcol_ints(&b, SILT_TYPE_INT64, y, vy, 3);
    assert_int_equal(call_scalar(&out, "coalesce", args, NULL, 2, 3, &err), 0);
    want_type(&out, "bigint");
    want_int(&out, 0, 1);
    want_int(&out, 1, 20);
    want_null(&out, 2);
    tcol_clear(&out);
    tcol_clear(&a);
    tcol_clear(&b);
    /* nvl(NULL, 'x') with a string: unified to string */
    const char *s[] = {NULL, "a", ""};
    tcol_strs(&a, s, 3);
    tcol_str1(&b, "x");
    bool k[] = {false, true};
    assert_int_equal(call_scalar(&out, "nvl", args, k, 2, 3, &err), 0);
    want_str(&out, 0, "x");
    want_str(&out, 1, "a");
    want_str(&out, 2, "");
    tcol_clear(&out);
    /* nullif('a', 'x') etc. */
    assert_int_equal(call_scalar(&out, "nullif", args, k, 2, 3, &err), 0);
    want_null(&out, 0);
    want_str(&out, 1, "a");
    tcol_clear(&out);
    tcol_clear(&a);
    tcol_clear(&b);
    /* if(cond, a, b): NULL condition takes b */
    tcol_init(&a, SILT_TYPE_BOOL);
    silt_column_append_bool(&a.c, true);
    silt_column_append_bool(&a.c, false);
    silt_column_append_null(&a.c);
    tcol_ints(&b, SILT_TYPE_INT32, y, NULL, 3);
    tcol_doubles(&c, (double[]){0.5, 1.5, 2.5}, NULL, 3);
    assert_int_equal(call_scalar(&out, "if", args, NULL, 3, 3, &err), 0);
    want_type(&out, "double");
    want_double(&out, 0, 10);
    want_double(&out, 1, 1.5);
    want_double(&out, 2, 2.5);
    tcol_clear(&out);
    tcol_clear(&a);
    tcol_clear(&b);
    tcol_clear(&c);
}

static void test_greatest_least(void **state)
{
    (void)state;
    silt_error err = {0};
    tcol a, b, c, out, *args[3] = {&a, &b, &c};
    /* Spark doc: greatest(10, 9, 2, 4, 3) -> 10; least(10, 9, 2, 4, 3) -> 2; NULLs skipped */
    int64_t x[] = {10, 0}, y[] = {9, 0};
    bool vx[] = {true, false};
    tcol_ints(&a, SILT_TYPE_INT32, x, NULL, 2);
    tcol_ints(&b, SILT_TYPE_INT32, y, vx, 2);
    tcol_decs(&c, 4, 1, (int64_t[]){20, 35}, NULL, 2);
    assert_int_equal(call_scalar(&out, "greatest", args, NULL, 2, 2, &err), 0);
    want_int(&out, 0, 10);
    want_int(&out, 1, 0);
    tcol_clear(&out);
    assert_int_equal(call_scalar(&out, "least", args, NULL, 2, 2, &err), 0);
    want_int(&out, 0, 9);
    tcol_clear(&out);
    /* with a decimal(4,1): unified to decimal(11,1) (int is decimal(10,0)) */
    assert_int_equal(call_scalar(&out, "least", args, NULL, 3, 2, &err), 0);
    want_type(&out, "decimal(11,1)");
    want_dec(&out, 0, 20, 11, 1);
    want_dec(&out, 1, 0, 11, 1);
    tcol_clear(&out);
    tcol_clear(&a);
    tcol_clear(&b);
    tcol_clear(&c);
    const char *s1[] = {"b", NULL}, *s2[] = {"ab", NULL};
    tcol_strs(&a, s1, 2);
    tcol_strs(&b, s2, 2);
    assert_int_equal(call_scalar(&out, "greatest", args, NULL, 2, 2, &err), 0);
    want_str(&out, 0, "b");
    want_null(&out, 1);
    tcol_clear(&out);
    tcol_clear(&a);
    tcol_clear(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_double),      cmocka_unit_test(test_round_text_ties),
        cmocka_unit_test(test_round_int_decimal), cmocka_unit_test(test_floor_ceil_abs),
        cmocka_unit_test(test_double_functions),  cmocka_unit_test(test_mod),
        cmocka_unit_test(test_coalesce_if),       cmocka_unit_test(test_greatest_least),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
