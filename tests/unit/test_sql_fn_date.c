/* Unit tests for the date and time functions (fn_date.c, fn_date_format.c, fn_date_trunc.c)
 * through the registry; expected values are the examples of Spark 3.5's SQL function
 * reference (session time zone UTC) and non-ANSI edge cases (text that is not a date: NULL). */
#include "test_sql_fn_harness.h"

#include <stdlib.h>

#include "util/time.h"

static int64_t days(int y, int m, int d)
{
    return silt_time_days_from_civil(y, (unsigned)m, (unsigned)d);
}
static int64_t ts(int y, int m, int d, int hh, int mi, int ss)
{
    return days(y, m, d) * 86400000000LL + ((hh * 60 + mi) * 60 + ss) * 1000000LL;
}

/* f(str[, str...]) over one row (the first argument a column, the rest constants). */
static void call_strs(tcol *out, const char *fn, int n, const char *const *v, silt_error *err,
                      int want_rc)
{
    tcol cols[MAXA], *args[MAXA];
    bool k[MAXA] = {false};
    for (int i = 0; i < n; i++) {
        tcol_str1(&cols[i], v[i]);
        args[i] = &cols[i];
        k[i] = i > 0;
    }
    assert_int_equal(call_scalar(out, fn, args, k, n, 1, err), want_rc);
    for (int i = 0; i < n; i++) tcol_clear(&cols[i]);
}

static void check_date(const char *fn, const char *s, const char *fmt, int64_t want)
{
    silt_error err = {0};
    tcol out;
    const char *v[2] = {s, fmt};
    call_strs(&out, fn, fmt ? 2 : 1, v, &err, 0);
    if (want == INT64_MIN)
        want_null(&out, 0);
    else
        want_int(&out, 0, want);
    tcol_clear(&out);
}

static void test_to_date(void **state)
{
    (void)state;
    /* Spark doc: to_date('2009-07-30 04:17:52') -> 2009-07-30;
     * to_date('2016-12-31', 'yyyy-MM-dd') -> 2016-12-31 */
    check_date("to_date", "2009-07-30 04:17:52", NULL, days(2009, 7, 30));
    check_date("to_date", "2016-12-31", "yyyy-MM-dd", days(2016, 12, 31));
    check_date("to_date", "12/9/2019", "M/d/yyyy", days(2019, 12, 9));
    check_date("to_date", "1/22/2019", "M/d/yyyy", days(2019, 1, 22));
    check_date("to_date", "2019-1-5", NULL, days(2019, 1, 5));
    check_date("to_date", " 2019-01-05 ", NULL, days(2019, 1, 5));
    check_date("to_date", "2019", NULL, days(2019, 1, 1));
    check_date("to_date", "2019-02-30", NULL, INT64_MIN);
    check_date("to_date", "hello", NULL, INT64_MIN);
    check_date("to_date", "", NULL, INT64_MIN);
    check_date("to_date", "13/9/2019", "M/d/yyyy", INT64_MIN);
    check_date("to_date", NULL, "M/d/yyyy", INT64_MIN);
    /* Spark doc: to_timestamp('2016-12-31 00:12:00') -> 2016-12-31 00:12:00;
     * to_timestamp('2016-12-31', 'yyyy-MM-dd') -> 2016-12-31 00:00:00 */
    check_date("to_timestamp", "2016-12-31 00:12:00", NULL, ts(2016, 12, 31, 0, 12, 0));
    check_date("to_timestamp", "2016-12-31", "yyyy-MM-dd", ts(2016, 12, 31, 0, 0, 0));
    check_date("to_timestamp", "2016-12-31T01:02:03.5Z", NULL, ts(2016, 12, 31, 1, 2, 3) + 500000);
    check_date("to_timestamp", "2016-12-31 01:02:03+01:00", NULL, ts(2016, 12, 31, 0, 2, 3));
    check_date("to_timestamp", "12/9/2019 8:26", "M/d/yyyy H:mm", ts(2019, 12, 9, 8, 26, 0));
    /* far years (found by fuzz_sql: the microseconds overflowed): a DATE reaches past the
     * timestamp range, up to a day number of 32 bits; beyond each range the value is NULL */
    check_date("to_date", "4030000-01-01", NULL, days(4030000, 1, 1));
    check_date("to_date", "9999999-01-01", NULL, INT64_MIN);
    check_date("to_timestamp", "4030000-01-01", NULL, INT64_MIN);
    check_date("to_timestamp", "200000-01-01", NULL, ts(200000, 1, 1, 0, 0, 0));
    silt_error err = {0};
    tcol out;
    const char *bad[2] = {"x", "yyyy-MM-dd Q#"};
    call_strs(&out, "to_date", 2, bad, &err, SILT_EINVAL);
    assert_non_null(strstr(err.msg, "to_date"));
}

static void test_fields(void **state)
{
    (void)state;
    silt_error err = {0};
    const char *fns[] = {"year",    "month",   "day",       "dayofmonth", "dayofweek",
                         "weekday", "quarter", "dayofyear", "weekofyear"};
    /* Spark doc: year('2016-07-30') 2016, month 7, day('2009-07-30') 30, dayofweek('2009-07-30')
     * 5, weekday('2009-07-30') 3, quarter('2016-08-31') 3, dayofyear('2016-04-09') 100,
     * weekofyear('2008-02-20') 8 */
    const char *in[] = {"2016-07-30", "2016-07-30", "2009-07-30", "2009-07-30", "2009-07-30",
                        "2009-07-30", "2016-08-31", "2016-04-09", "2008-02-20"};
    int64_t want[] = {2016, 7, 30, 30, 5, 3, 3, 100, 8};
    for (int i = 0; i < 9; i++) {
        tcol a, out, *args[1] = {&a};
        int64_t d;
        int y, m, dd;
        sscanf(in[i], "%d-%d-%d", &y, &m, &dd);
        d = days(y, m, dd);
        tcol_ints(&a, SILT_TYPE_DATE32, &d, NULL, 1);
        assert_int_equal(call_scalar(&out, fns[i], args, NULL, 1, 1, &err), 0);
        want_int(&out, 0, want[i]);
        tcol_clear(&out);
        tcol_clear(&a);
    }
    /* hour/minute/second of a timestamp, including before 1970 */
    int64_t t[] = {ts(2009, 7, 30, 12, 58, 59), ts(1969, 12, 31, 23, 59, 58), 0};
    bool valid[] = {true, true, false};
    tcol a, out, *args[1] = {&a};
    tcol_ints(&a, SILT_TYPE_TIMESTAMP, t, valid, 3);
    assert_int_equal(call_scalar(&out, "hour", args, NULL, 1, 3, &err), 0);
    want_int(&out, 0, 12);
    want_int(&out, 1, 23);
    want_null(&out, 2);
    tcol_clear(&out);
    assert_int_equal(call_scalar(&out, "second", args, NULL, 1, 3, &err), 0);
    want_int(&out, 0, 59);
    want_int(&out, 1, 58);
    tcol_clear(&out);
    assert_int_equal(call_scalar(&out, "year", args, NULL, 1, 3, &err), 0);
    want_int(&out, 1, 1969);
    tcol_clear(&out);
    tcol_clear(&a);
}

static void test_date_arith(void **state)
{
    (void)state;
    silt_error err = {0};
    tcol a, b, out, *args[2] = {&a, &b};
    int64_t d = days(2016, 7, 30), one = 1;
    tcol_ints(&a, SILT_TYPE_DATE32, &d, NULL, 1);
    tcol_ints(&b, SILT_TYPE_INT32, &one, NULL, 1);
    /* Spark doc: date_add('2016-07-30', 1) -> 2016-07-31; date_sub -> 2016-07-29 */
    assert_int_equal(call_scalar(&out, "date_add", args, NULL, 2, 1, &err), 0);
    want_type(&out, "date");
    want_int(&out, 0, days(2016, 7, 31));
    tcol_clear(&out);
    assert_int_equal(call_scalar(&out, "date_sub", args, NULL, 2, 1, &err), 0);
    want_int(&out, 0, days(2016, 7, 29));
    tcol_clear(&out);
    tcol_clear(&b);
    /* Spark doc: datediff('2009-07-31', '2009-07-30') -> 1; datediff('2009-07-30',
     * '2009-07-31') -> -1 */
    int64_t d2 = days(2016, 7, 31);
    tcol_ints(&b, SILT_TYPE_DATE32, &d2, NULL, 1);
    assert_int_equal(call_scalar(&out, "datediff", args, NULL, 2, 1, &err), 0);
    want_int(&out, 0, -1);
    tcol_clear(&out);
    tcol_clear(&a);
    tcol_clear(&b);
    assert_int_equal(call_scalar(&out, "current_date", NULL, NULL, 0, 2, &err), 0);
    want_int(&out, 1, 1700000000000000LL / 86400000000LL);
    tcol_clear(&out);
    assert_int_equal(call_scalar(&out, "current_timestamp", NULL, NULL, 0, 1, &err), 0);
    want_type(&out, "timestamp");
    want_int(&out, 0, 1700000000000000LL);
    tcol_clear(&out);
}

static void check_format(int64_t t, const char *fmt, const char *want)
{
    silt_error err = {0};
    tcol a, f, out, *args[2] = {&a, &f};
    bool k[2] = {false, true};
    tcol_ints(&a, SILT_TYPE_TIMESTAMP, &t, NULL, 1);
    tcol_str1(&f, fmt);
    assert_int_equal(call_scalar(&out, "date_format", args, k, 2, 1, &err), 0);
    want_str(&out, 0, want);
    tcol_clear(&out);
    tcol_clear(&a);
    tcol_clear(&f);
}

static void test_date_format(void **state)
{
    (void)state;
    int64_t t = ts(2016, 4, 8, 13, 5, 9) + 123456;
    /* Spark doc: date_format('2016-04-08', 'y') -> '2016' */
    check_format(t, "y", "2016");
    check_format(t, "yyyy-MM-dd HH:mm:ss.SSS", "2016-04-08 13:05:09.123");
    check_format(t, "yy/M/d h:m a", "16/4/8 1:5 PM");
    check_format(t, "EEE, d MMM yyyy", "Fri, 8 Apr 2016");
    check_format(t, "EEEE MMMM D", "Friday April 99");
    check_format(t, "'Q'Q 'at' HH'h'", "Q2 at 13h");
    check_format(t, "yyyy-MM-dd'T'HH:mm:ssXXX", "2016-04-08T13:05:09Z");
    silt_error err = {0};
    tcol a, f, out, *args[2] = {&a, &f};
    bool k[2] = {false, true};
    tcol_ints(&a, SILT_TYPE_TIMESTAMP, &t, NULL, 1);
    tcol_str1(&f, "yyyy-bb");
    assert_int_equal(call_scalar(&out, "date_format", args, k, 2, 1, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "'b'"));
    tcol_clear(&a);
    tcol_clear(&f);
    int64_t secs = 0;
    tcol_ints(&a, SILT_TYPE_INT64, &secs, NULL, 1);
    assert_int_equal(call_scalar(&out, "from_unixtime", args, NULL, 1, 1, &err), 0);
    want_str(&out, 0, "1970-01-01 00:00:00");
    tcol_clear(&out);
    tcol_clear(&a);
}

static void test_trunc_window(void **state)
{
    (void)state;
    silt_error err = {0};
    tcol u, a, out, *args[2] = {&u, &a};
    bool k[2] = {true, false};
    int64_t t[] = {ts(2015, 3, 5, 9, 32, 5) + 123456, ts(1969, 12, 31, 23, 59, 59)};
    tcol_str1(&u, "MM");
    tcol_ints(&a, SILT_TYPE_TIMESTAMP, t, NULL, 2);
    /* Spark doc: date_trunc('MM', '2015-03-05T09:32:05.359') -> 2015-03-01 00:00:00;
     * 'HOUR' -> 2015-03-05 09:00:00; 'MILLISECOND' -> 2015-03-05 09:32:05.123 */
    assert_int_equal(call_scalar(&out, "date_trunc", args, k, 2, 2, &err), 0);
    want_int(&out, 0, ts(2015, 3, 1, 0, 0, 0));
    want_int(&out, 1, ts(1969, 12, 1, 0, 0, 0));
    tcol_clear(&out);
    tcol_clear(&u);
    tcol_str1(&u, "HOUR");
    assert_int_equal(call_scalar(&out, "date_trunc", args, k, 2, 2, &err), 0);
    want_int(&out, 0, ts(2015, 3, 5, 9, 0, 0));
    want_int(&out, 1, ts(1969, 12, 31, 23, 0, 0));
    tcol_clear(&out);
    tcol_clear(&u);
    tcol_str1(&u, "week");
    assert_int_equal(call_scalar(&out, "date_trunc", args, k, 2, 2, &err), 0);
    want_int(&out, 0, ts(2015, 3, 2, 0, 0, 0)); /* a Monday */
    tcol_clear(&out);
    tcol_clear(&u);
    tcol_str1(&u, "fortnight");
    assert_int_equal(call_scalar(&out, "date_trunc", args, k, 2, 2, &err), 0);
    want_null(&out, 0);
    tcol_clear(&out);
    tcol_clear(&u);
    /* window(ts, '5 minutes'): [09:30, 09:35) */
    tcol_str1(&u, "5 minutes");
    tcol *wargs[2] = {&a, &u};
    bool wk[2] = {false, true};
    assert_int_equal(call_scalar(&out, "window", wargs, wk, 2, 2, &err), 0);
    want_type(&out, "struct<start:timestamp,end:timestamp>");
    assert_int_equal(silt_column_get_int(&out.c.children[0], 0), ts(2015, 3, 5, 9, 30, 0));
    assert_int_equal(silt_column_get_int(&out.c.children[1], 0), ts(2015, 3, 5, 9, 35, 0));
    assert_int_equal(silt_column_get_int(&out.c.children[0], 1), ts(1969, 12, 31, 23, 55, 0));
    tcol_clear(&out);
    tcol_clear(&u);
    tcol_str1(&u, "1 month");
    assert_int_equal(call_scalar(&out, "window", wargs, wk, 2, 2, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "not a duration"));
    tcol_clear(&u);
    tcol_clear(&a);
}

static void test_months_unix(void **state)
{
    (void)state;
    silt_error err = {0};
    tcol a, b, c, out, *args[3] = {&a, &b, &c};
    int64_t d[] = {days(2016, 8, 31), days(2016, 1, 31), days(2008, 2, 12)}, n[] = {1, -2, 12};
    tcol_ints(&a, SILT_TYPE_DATE32, d, NULL, 3);
    tcol_ints(&b, SILT_TYPE_INT32, n, NULL, 3);
    /* Spark doc: add_months('2016-08-31', 1) -> 2016-09-30; last_day('2009-01-12') ->
     * 2009-01-31 */
    assert_int_equal(call_scalar(&out, "add_months", args, NULL, 2, 3, &err), 0);
    want_int(&out, 0, days(2016, 9, 30));
    want_int(&out, 1, days(2015, 11, 30));
    want_int(&out, 2, days(2009, 2, 12));
    tcol_clear(&out);
    assert_int_equal(call_scalar(&out, "last_day", args, NULL, 1, 3, &err), 0);
    want_int(&out, 2, days(2008, 2, 29));
    tcol_clear(&out);
    tcol_clear(&a);
    tcol_clear(&b);
    /* Spark doc: make_date(2013, 7, 15) -> 2013-07-15; make_date(2019, 7, NULL) -> NULL;
     * non-ANSI: a day that does not exist -> NULL */
    int64_t y[] = {2013, 2013}, m[] = {7, 2}, dd[] = {15, 30};
    tcol_ints(&a, SILT_TYPE_INT32, y, NULL, 2);
    tcol_ints(&b, SILT_TYPE_INT32, m, NULL, 2);
    tcol_ints(&c, SILT_TYPE_INT32, dd, NULL, 2);
    assert_int_equal(call_scalar(&out, "make_date", args, NULL, 3, 2, &err), 0);
    want_int(&out, 0, days(2013, 7, 15));
    want_null(&out, 1);
    tcol_clear(&out);
    tcol_clear(&a);
    tcol_clear(&b);
    tcol_clear(&c);
    /* Spark doc: unix_timestamp('2016-04-08', 'yyyy-MM-dd') -> 1460073600 (UTC) */
    check_date("unix_timestamp", "2016-04-08", "yyyy-MM-dd", 1460073600);
    check_date("unix_timestamp", "2016-04-08 01:02:03", NULL, 1460077323);
    check_date("unix_timestamp", "2016-04-08", NULL, INT64_MIN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_to_date),      cmocka_unit_test(test_fields),
        cmocka_unit_test(test_date_arith),   cmocka_unit_test(test_date_format),
        cmocka_unit_test(test_trunc_window), cmocka_unit_test(test_months_unix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
