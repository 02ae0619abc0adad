/* Unit tests for the aggregate functions (fn_agg_*.c) and the registry: each aggregate called
 * through silt_sql_agg_find over hand-built columns, split in two partial states that are
 * merged, and checked against Spark 3.5's documented answers. */
#include "test_sql_fn_harness.h"

static const bool V3N[] = {true, false, true};

static void test_registry(void **state)
{
    (void)state;
    assert_non_null(silt_sql_agg_find("COUNT"));
    assert_non_null(silt_sql_agg_find("Sum"));
    assert_null(silt_sql_agg_find("no_such_fn"));
    assert_null(silt_sql_scalar_find("count"));
    assert_string_equal(silt_sql_fn_suggest("cuont"), "count");
    assert_string_equal(silt_sql_fn_suggest("AVGG"), "avg");
    assert_null(silt_sql_fn_suggest("zzzzzzzzzzzz"));
}

static void test_count(void **state)
{
    (void)state;
    silt_error err = {0};
    tcol x, out, *args[1] = {&x};
    int64_t v[] = {1, 2, 1, 5, 1};
    bool valid[] = {true, true, false, true, true};
    tcol_ints(&x, SILT_TYPE_INT32, v, valid, 5);
    /* Spark doc: SELECT count(*) FROM VALUES (NULL), (5), (5), (20) -> 4; count(col) -> 3;
     * count(DISTINCT col) -> 2 */
    assert_int_equal(call_agg(&out, "count", false, args, 0, 5, NULL, 1, &err), 0);
    want_type(&out, "bigint");
    want_int(&out, 0, 5);
    tcol_clear(&out);
    assert_int_equal(call_agg(&out, "count", false, args, 1, 5, NULL, 1, &err), 0);
    want_int(&out, 0, 4);
    tcol_clear(&out);
    assert_int_equal(call_agg(&out, "count", true, args, 1, 5, NULL, 1, &err), 0);
    want_int(&out, 0, 3); /* 1, 2, 5 */
    tcol_clear(&out);
    uint32_t groups[] = {0, 1, 0, 1, 0};
    assert_int_equal(call_agg(&out, "count", true, args, 1, 5, groups, 3, &err), 0);
    want_int(&out, 0, 1); /* group 0: 1, NULL, 1 */
    want_int(&out, 1, 2); /* group 1: 2, 5 */
    want_int(&out, 2, 0); /* no rows */
    tcol_clear(&out);
    tcol_clear(&x);
}

static void test_count_distinct_pairs(void **state)
{
    (void)state;
    silt_error err = {0};
    tcol a, b, out, *args[2] = {&a, &b};
    const char *s[] = {"x", "x", "y", "x", NULL, "x"};
    int64_t v[] = {1, 1, 1, 2, 3, 0};
    bool valid[] = {true, true, true, true, true, false};
    tcol_strs(&a, s, 6);
    tcol_ints(&b, SILT_TYPE_INT64, v, valid, 6);
    assert_int_equal(call_agg(&out, "count", true, args, 2, 6, NULL, 1, &err), 0);
    want_int(&out, 0, 3); /* (x,1) (y,1) (x,2) */
    tcol_clear(&out);
    assert_int_equal(call_agg(&out, "count", false, args, 2, 6, NULL, 1, &err), 0);
    want_int(&out, 0, 4);
    tcol_clear(&out);
    tcol_clear(&a);
    tcol_clear(&b);
}

static void test_sum_ints(void **state)
{
    (void)state;
    silt_error err = {0};
    tcol x, out, *args[1] = {&x};
    int64_t v[] = {5, 10, 15};
    /* Spark doc: SELECT sum(col) FROM VALUES (5), (10), (15) -> 30 */
    tcol_ints(&x, SILT_TYPE_INT32, v, NULL, 3);
    assert_int_equal(call_agg(&out, "sum", false, args, 1, 3, NULL, 1, &err), 0);
    want_type(&out, "bigint");
    want_int(&out, 0, 30);
    tcol_clear(&out);
    tcol_clear(&x);
    /* Spark doc: SELECT sum(col) FROM VALUES (NULL), (10), (15) -> 25; all NULL -> NULL */
    tcol_ints(&x, SILT_TYPE_INT32, v, V3N, 3);
    assert_int_equal(call_agg(&out, "sum", false, args, 1, 3, NULL, 1, &err), 0);
    want_int(&out, 0, 20);
    tcol_clear(&out);
    tcol_clear(&x);
    bool none[] = {false, false};
    tcol_ints(&x, SILT_TYPE_INT32, v, none, 2);
    assert_int_equal(call_agg(&out, "sum", false, args, 1, 2, NULL, 1, &err), 0);
    want_null(&out, 0);
    tcol_clear(&out);
    tcol_clear(&x);
    /* non-ANSI: bigint overflow wraps */
    int64_t big[] = {INT64_MAX, 1};
    tcol_ints(&x, SILT_TYPE_INT64, big, NULL, 2);
    assert_int_equal(call_agg(&out, "sum", false, args, 1, 2, NULL, 1, &err), 0);
    want_int(&out, 0, INT64_MIN);
    tcol_clear(&out);
    tcol_clear(&x);
    /* Spark doc: SELECT sum(DISTINCT col) FROM VALUES (5), (10), (10), (15) -> 30 */
    int64_t d[] = {5, 10, 10, 15};
    tcol_ints(&x, SILT_TYPE_INT16, d, NULL, 4);
    assert_int_equal(call_agg(&out, "sum", true, args, 1, 4, NULL, 1, &err), 0);
    want_int(&out, 0, 30);
    tcol_clear(&out);
    tcol_clear(&x);
}

static void test_sum_avg_decimal(void **state)
{
    (void)state;
    silt_error err = {0};
    tcol x, out, *args[1] = {&x};
    int64_t v[] = {125, 250, 101}; /* 1.25 2.50 1.01 */
    tcol_decs(&x, 5, 2, v, NULL, 3);
    assert_int_equal(call_agg(&out, "sum", false, args, 1, 3, NULL, 1, &err), 0);
    want_dec(&out, 0, 476, 15, 2);
    tcol_clear(&out);
    /* avg(decimal(5,2)) is decimal(9,6): 4.76 / 3 = 1.586666(6) -> 1.586667 (HALF_UP) */
    assert_int_equal(call_agg(&out, "avg", false, args, 1, 3, NULL, 1, &err), 0);
    want_dec(&out, 0, 1586667, 9, 6);
    tcol_clear(&out);
    tcol_clear(&x);
    int64_t neg[] = {-125, -250, -101};
    tcol_decs(&x, 5, 2, neg, NULL, 3);
    assert_int_equal(call_agg(&out, "avg", false, args, 1, 3, NULL, 1, &err), 0);
    want_dec(&out, 0, -1586667, 9, 6);
    tcol_clear(&out);
    tcol_clear(&x);
    /* decimal(38,0): the sum does not fit 38 digits -> NULL */
    tcol_init(&x, SILT_TYPE_DECIMAL);
    x.f.precision = 38;
    __int128 nines = 1;
    for (int i = 0; i < 38; i++) nines *= 10;
    nines -= 1;
    uint8_t le[16];
    memcpy(le, &nines, 16);
    for (int i = 0; i < 4; i++) assert_int_equal(silt_column_append_decimal(&x.c, le), 0);
    assert_int_equal(call_agg(&out, "sum", false, args, 1, 4, NULL, 1, &err), 0);
    want_type(&out, "decimal(38,0)");
    want_null(&out, 0);
    tcol_clear(&out);
    tcol_clear(&x);
}

static void test_avg(void **state)
{
    (void)state;
    silt_error err = {0};
    tcol x, out, *args[1] = {&x};
    /* Spark doc: SELECT avg(col) FROM VALUES (1), (2), (3) -> 2.0; (1), (2), (NULL) -> 1.5 */
    int64_t v[] = {1, 2, 3};
    tcol_ints(&x, SILT_TYPE_INT32, v, NULL, 3);
    assert_int_equal(call_agg(&out, "avg", false, args, 1, 3, NULL, 1, &err), 0);
    want_type(&out, "double");
    want_double(&out, 0, 2.0);
    tcol_clear(&out);
    tcol_clear(&x);
    bool valid[] = {true, true, false};
    tcol_ints(&x, SILT_TYPE_INT32, v, valid, 3);
    assert_int_equal(call_agg(&out, "avg", false, args, 1, 3, NULL, 1, &err), 0);
    want_double(&out, 0, 1.5);
    tcol_clear(&out);
    tcol_clear(&x);
    double d[] = {1.5, 2.5, 2.5, 10};
    tcol_doubles(&x, d, NULL, 4);
    assert_int_equal(call_agg(&out, "avg", true, args, 1, 4, NULL, 1, &err), 0);
    want_double(&out, 0, 14.0 / 3);
    tcol_clear(&out);
    assert_int_equal(call_agg(&out, "sum", false, args, 1, 4, NULL, 1, &err), 0);
    want_double(&out, 0, 16.5);
    tcol_clear(&out);
    tcol_clear(&x);
}

static void test_min_max(void **state)
{
    (void)state;
    silt_error err = {0};
    tcol x, out, *args[1] = {&x};
    /* Spark doc: SELECT min(col) FROM VALUES (10), (-1), (20) -> -1; max -> 20 */
    int64_t v[] = {10, -1, 20};
    tcol_ints(&x, SILT_TYPE_INT32, v, NULL, 3);
    assert_int_equal(call_agg(&out, "min", false, args, 1, 3, NULL, 1, &err), 0);
    want_type(&out, "int");
    want_int(&out, 0, -1);
    tcol_clear(&out);
    assert_int_equal(call_agg(&out, "max", false, args, 1, 3, NULL, 1, &err), 0);
    want_int(&out, 0, 20);
    tcol_clear(&out);
    tcol_clear(&x);
    const char *s[] = {"pear", NULL, "apple", "Zebra", "appl", "éclair"};
    tcol_strs(&x, s, 6);
    uint32_t groups[] = {0, 0, 0, 1, 1, 1};
    assert_int_equal(call_agg(&out, "min", false, args, 1, 6, groups, 2, &err), 0);
    want_str(&out, 0, "apple");
    want_str(&out, 1, "Zebra");
    tcol_clear(&out);
    assert_int_equal(call_agg(&out, "max", false, args, 1, 6, groups, 2, &err), 0);
    want_str(&out, 0, "pear");
    want_str(&out, 1, "éclair");
    tcol_clear(&out);
    assert_int_equal(call_agg(&out, "any_value", false, args, 1, 6, groups, 2, &err), 0);
    want_str(&out, 0, "pear");
    tcol_clear(&out);
    tcol_clear(&x);
    double d[] = {1, NAN, -3};
    tcol_doubles(&x, d, NULL, 3);
    assert_int_equal(call_agg(&out, "max", false, args, 1, 3, NULL, 1, &err), 0);
    want_double(&out, 0, NAN);
    tcol_clear(&out);
    assert_int_equal(call_agg(&out, "min", false, args, 1, 3, NULL, 1, &err), 0);
    want_double(&out, 0, -3);
    tcol_clear(&out);
    tcol_clear(&x);
    int64_t days[] = {19000, 18000, 20000};
    tcol_ints(&x, SILT_TYPE_DATE32, days, NULL, 3);
    assert_int_equal(call_agg(&out, "min", false, args, 1, 3, NULL, 1, &err), 0);
    want_type(&out, "date");
    want_int(&out, 0, 18000);
    tcol_clear(&out);
    tcol_clear(&x);
    int64_t dv[] = {-5, 300, 12};
    tcol_decs(&x, 10, 2, dv, NULL, 3);
    assert_int_equal(call_agg(&out, "max", false, args, 1, 3, NULL, 1, &err), 0);
    want_dec(&out, 0, 300, 10, 2);
    tcol_clear(&out);
    tcol_clear(&x);
}

static void test_bad_args(void **state)
{
    (void)state;
    silt_error err = {0};
    tcol x, out, *args[1] = {&x};
    int64_t v[] = {1};
    tcol_ints(&x, SILT_TYPE_DATE32, v, NULL, 1);
    assert_int_equal(call_agg(&out, "sum", false, args, 1, 1, NULL, 1, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "sum(date)"));
    tcol_clear(&x);
}

static void test_variance(void **state)
{
    (void)state;
    silt_error err = {0};
    tcol x, out, *args[1] = {&x};
    /* Spark doc: var_samp(col) FROM VALUES (1), (2), (3) -> 1.0; var_pop -> 0.6666666666666666;
     * stddev_pop -> 0.816496580927726; stddev_samp -> 1.0 */
    int64_t v[] = {1, 2, 3};
    tcol_ints(&x, SILT_TYPE_INT32, v, NULL, 3);
    const char *fns[] = {"var_samp", "variance", "var_pop", "stddev_pop", "stddev_samp", "std"};
    double want[] = {1.0, 1.0, 2.0 / 3, 0.816496580927726, 1.0, 1.0};
    for (int i = 0; i < 6; i++) {
        assert_int_equal(call_agg(&out, fns[i], false, args, 1, 3, NULL, 1, &err), 0);
        want_type(&out, "double");
        want_double(&out, 0, want[i]);
        tcol_clear(&out);
        tcol_clear(&x);
        tcol_ints(&x, SILT_TYPE_INT32, v, NULL, 3);
    }
    tcol_clear(&x);
    /* one value: NULL for the sample forms, 0 for the population ones */
    tcol_ints(&x, SILT_TYPE_INT32, v, NULL, 1);
    assert_int_equal(call_agg(&out, "stddev_samp", false, args, 1, 1, NULL, 1, &err), 0);
    want_null(&out, 0);
    tcol_clear(&out);
    tcol_clear(&x);
    tcol_ints(&x, SILT_TYPE_INT32, v, NULL, 1);
    assert_int_equal(call_agg(&out, "var_pop", false, args, 1, 1, NULL, 1, &err), 0);
    want_double(&out, 0, 0);
    tcol_clear(&out);
    tcol_clear(&x);
    /* numerically stable: a large offset does not swamp the variance (naive sum of squares
     * would lose it); the two halves are merged with Chan's formula */
    double d[] = {1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16};
    tcol_doubles(&x, d, NULL, 4);
    assert_int_equal(call_agg(&out, "var_samp", false, args, 1, 4, NULL, 1, &err), 0);
    want_double(&out, 0, 30);
    tcol_clear(&out);
    tcol_clear(&x);
}

static void test_approx_count_distinct(void **state)
{
    (void)state;
    silt_error err = {0};
    int sizes[] = {1, 100, 1000, 50000, 300000};
    for (int k = 0; k < 5; k++) {
        int n = sizes[k];
        tcol x, out, *args[1] = {&x};
        tcol_init(&x, SILT_TYPE_INT64);
        for (int i = 0; i < 2 * n; i++) /* every value twice */
            assert_int_equal(silt_column_append_int(&x.c, (i % n) * 7919LL), 0);
        assert_int_equal(
            call_agg(&out, "approx_count_distinct", false, args, 1, 2 * n, NULL, 1, &err), 0);
        want_type(&out, "bigint");
        double est = (double)silt_column_get_int(&out.c, 0);
        /* rsd 0.05: within three standard deviations */
        if (fabs(est - n) > 0.15 * n) fail_msg("n=%d: estimate %.0f", n, est);
        if (n <= 100) assert_true(fabs(est - n) <= 0.03 * n + 0.5);
        tcol_clear(&out);
        tcol_clear(&x);
    }
    /* strings, per group, NULLs ignored */
    const char *s[] = {"a", "b", NULL, "a", "c", "c", "c"};
    uint32_t groups[] = {0, 0, 0, 0, 1, 1, 1};
    tcol x, out, *args[1] = {&x};
    tcol_strs(&x, s, 7);
    assert_int_equal(call_agg(&out, "approx_count_distinct", false, args, 1, 7, groups, 3, &err),
                     0);
    want_int(&out, 0, 2);
    want_int(&out, 1, 1);
    want_int(&out, 2, 0);
    tcol_clear(&out);
    tcol_clear(&x);
}

static void test_first_last_bool(void **state)
{
    (void)state;
    silt_error err = {0};
    tcol x, t, out, *args[2] = {&x, &t};
    int64_t v[] = {0, 5, 20, 0};
    bool valid[] = {false, true, true, false};
    tcol_ints(&x, SILT_TYPE_INT32, v, valid, 4);
    /* first/last take NULLs unless ignoreNulls (Spark doc: first(col) over (10), (5), (20) ->
     * 10; first(col, true) skips NULLs) */
    assert_int_equal(call_agg(&out, "first", false, args, 1, 4, NULL, 1, &err), 0);
    want_null(&out, 0);
    tcol_clear(&out);
    assert_int_equal(call_agg(&out, "last", false, args, 1, 4, NULL, 1, &err), 0);
    want_null(&out, 0);
    tcol_clear(&out);
    tcol_init(&t, SILT_TYPE_BOOL);
    silt_column_append_bool(&t.c, true);
    agg_const_tail = true;
    assert_int_equal(call_agg(&out, "first", false, args, 2, 4, NULL, 1, &err), 0);
    want_int(&out, 0, 5);
    tcol_clear(&out);
    assert_int_equal(call_agg(&out, "last_value", false, args, 2, 4, NULL, 1, &err), 0);
    want_int(&out, 0, 20);
    tcol_clear(&out);
    agg_const_tail = false;
    tcol_clear(&t);
    tcol_clear(&x);
    /* count_if, bool_and, bool_or; a group of only NULLs: NULL (count_if 0) */
    tcol_init(&x, SILT_TYPE_BOOL);
    silt_column_append_bool(&x.c, true);
    silt_column_append_bool(&x.c, false);
    silt_column_append_null(&x.c);
    silt_column_append_bool(&x.c, true);
    uint32_t groups[] = {0, 0, 1, 0};
    assert_int_equal(call_agg(&out, "count_if", false, args, 1, 4, groups, 2, &err), 0);
    want_int(&out, 0, 2);
    want_int(&out, 1, 0);
    tcol_clear(&out);
    assert_int_equal(call_agg(&out, "bool_and", false, args, 1, 4, groups, 2, &err), 0);
    want_bool(&out, 0, false);
    want_null(&out, 1);
    tcol_clear(&out);
    assert_int_equal(call_agg(&out, "bool_or", false, args, 1, 4, groups, 2, &err), 0);
    want_bool(&out, 0, true);
    tcol_clear(&out);
    tcol_clear(&x);
}

static void test_collect(void **state)
{
    (void)state;
    silt_error err = {0};
    tcol x, out, *args[1] = {&x};
    const char *v[] = {"b", NULL, "a", "b", "c", "a"};
    uint32_t groups[] = {0, 0, 0, 0, 1, 1};
    tcol_strs(&x, v, 6);
    /* Spark doc: collect_list(col) over (1), (2), (1) -> [1,2,1]; collect_set -> [1,2];
     * NULLs are left out; a group with no values gives [] */
    assert_int_equal(call_agg(&out, "collect_list", false, args, 1, 6, groups, 3, &err), 0);
    want_type(&out, "array<string>");
    assert_int_equal(out.c.offsets[1], 3);
    assert_int_equal(out.c.offsets[2], 5);
    assert_int_equal(out.c.offsets[3], 5);
    assert_true(silt_column_is_valid(&out.c, 2));
    tcol el = {.c = out.c.children[0]};
    want_str(&el, 0, "b");
    want_str(&el, 1, "a");
    want_str(&el, 2, "b");
    tcol_clear(&out);
    assert_int_equal(call_agg(&out, "collect_set", false, args, 1, 6, groups, 2, &err), 0);
    assert_int_equal(out.c.offsets[1], 2);
    assert_int_equal(out.c.offsets[2], 4);
    el.c = out.c.children[0];
    want_str(&el, 0, "b");
    want_str(&el, 1, "a");
    want_str(&el, 2, "c");
    want_str(&el, 3, "a");
    tcol_clear(&out);
    tcol_clear(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_count_distinct_pairs),
        cmocka_unit_test(test_sum_ints),
        cmocka_unit_test(test_sum_avg_decimal),
        cmocka_unit_test(test_avg),
        cmocka_unit_test(test_min_max),
        cmocka_unit_test(test_bad_args),
        cmocka_unit_test(test_variance),
        cmocka_unit_test(test_approx_count_distinct),
        cmocka_unit_test(test_first_last_bool),
        cmocka_unit_test(test_collect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
