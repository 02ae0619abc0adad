/* Unit tests for the SQL engine's core (src/sql except the function library): parsing and its
 * error messages, binding (names, types, implicit casts), the vectorized operators and CAST
 * with Spark's non-ANSI semantics, GROUP BY / ORDER BY / joins over a named input, and plans
 * prepared once and run on several batches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/canon.h"
#include "sql/sql.h"
#include "util/alloc.h"

/* Runs sql (no tables) and returns its rows in canonical form, one per line (owned). */
static char *run_sql(const char *sql, const silt_batch *input)
{
    static silt_field f[3];
    static silt_schema s = {3, f};
    static bool init;
    if (!init) {
        silt_field_init(&f[0], "k", SILT_TYPE_STRING, true);
        silt_field_init(&f[1], "v", SILT_TYPE_INT64, true);
        silt_field_init(&f[2], "d", SILT_TYPE_DOUBLE, true);
        init = true;
    }
    silt_sql_input in = {"t", &s};
    silt_sql_plan *p = NULL;
    silt_error err = {0};
    int rc = silt_sql_prepare(&p, sql, &in, 1, &err);
    if (rc) {
        fprintf(stderr, "prepare failed: %s\n", err.msg);
        fail();
    }
    silt_batch *b = NULL;
    rc = silt_sql_run(p, input, &b, &err);
    if (rc) fprintf(stderr, "run failed: %s\n", err.msg);
    assert_int_equal(rc, 0);
    silt_buf out = SILT_BUF_INIT;
    silt_canon_batch(&out, b);
    silt_buf_cstr(&out);
    char *r = silt_strdup(out.ptr ? (char *)out.ptr : "");
    silt_buf_free(&out);
    silt_batch_destroy(b);
    silt_sql_plan_destroy(p);
    return r;
}

static void expect(const char *sql, const char *want)
{
    char *got = run_sql(sql, NULL);
    if (strcmp(got, want)) fprintf(stderr, "%s\n  got:  %s  want: %s", sql, got, want);
    assert_string_equal(got, want);
    silt_free(got);
}

/* The error prepare gives for sql, which must fail with code. */
static void expect_error(const char *sql, int code, const char *needle)
{
    silt_sql_plan *p = NULL;
    silt_error err = {0};
    assert_int_equal(silt_sql_prepare(&p, sql, NULL, 0, &err), code);
    assert_null(p);
    if (!strstr(err.msg, needle)) fprintf(stderr, "%s\n  message: %s\n", sql, err.msg);
    assert_non_null(strstr(err.msg, needle));
}

static void test_arithmetic(void **state)
{
    (void)state;
    expect("SELECT 1 + 2, 7 / 2, 7 div 2, 7 % 3, -7 % 3, 2 * 3.5", "3\t3.5\t3\t1\t-1\t7.0\n");
    expect("SELECT 2147483647 + 1, 9223372036854775807 + 1", "-2147483648\t-9223372036854775808\n");
    expect("SELECT 1 / 0, 1 % 0, 1.0 / 0", "null\tnull\tnull\n");
    expect("SELECT 0.1 + 0.2, 1.10 * 3, 10.5 / 4", "0.3\t3.30\t2.625000\n");
    expect("SELECT CAST(12345678901234567890123456789012345678 AS DECIMAL(38,0)) + 1",
           "12345678901234567890123456789012345679\n");
    expect("SELECT 99999999999999999999999999999999999999 + 1", "null\n");
    expect("SELECT '3' + 1, '1.5' * 2, 'x' + 1", "4\t3\tnull\n");
}

static void test_logic_and_nulls(void **state)
{
    (void)state;
    expect("SELECT NULL AND false, NULL AND true, NULL OR true, NULL OR false, NOT NULL",
           "false\tnull\ttrue\tnull\tnull\n");
    expect("SELECT NULL = NULL, NULL <=> NULL, 1 <=> NULL, NULL IS NULL, 1 IS NOT NULL",
           "null\ttrue\tfalse\ttrue\ttrue\n");
    expect("SELECT 2 IN (1, 2), 3 IN (1, 2), 3 IN (1, NULL), 3 NOT IN (1, 2), NULL IN (1)",
           "true\tfalse\tnull\ttrue\tnull\n");
    expect("SELECT 5 BETWEEN 1 AND 10, 5 NOT BETWEEN 1 AND 4", "true\ttrue\n");
    expect("SELECT CASE WHEN 1 > 2 THEN 'a' WHEN 2 > 1 THEN 'b' END, CASE 3 WHEN 1 THEN 'x' END",
           "\"b\"\tnull\n");
}

static void test_casts(void **state)
{
    (void)state;
    expect("SELECT CAST(' 42 ' AS INT), CAST('4.7' AS INT), CAST('abc' AS INT), "
           "CAST('300' AS TINYINT)",
           "42\t4\tnull\tnull\n");
    expect("SELECT CAST('2019-12-09' AS DATE), CAST('2019-02-30' AS DATE), "
           "CAST('2019-12-09 10:30:00' AS TIMESTAMP)",
           "2019-12-09\tnull\t2019-12-09 10:30:00.000000\n");
    expect("SELECT CAST(1.5 AS STRING), CAST(1e10 AS STRING), CAST(0.0001D AS STRING), "
           "CAST(100.0D AS STRING)",
           "\"1.5\"\t\"1.0E10\"\t\"1.0E-4\"\t\"100.0\"\n");
    expect("SELECT CAST(2.5 AS DECIMAL(3,0)), CAST(-2.5 AS DECIMAL(3,0)), "
           "CAST(1234.5 AS DECIMAL(3,1))",
           "3\t-3\tnull\n");
    expect("SELECT CAST('yes' AS BOOLEAN), CAST('0' AS BOOLEAN), CAST('maybe' AS BOOLEAN)",
           "true\tfalse\tnull\n");
    expect("SELECT CAST(3.99 AS INT), CAST(-3.99 AS INT), CAST(1e20 AS BIGINT)",
           "3\t-3\t9223372036854775807\n");
    expect("SELECT try_cast('12' AS INT), DATE '2020-02-29' < TIMESTAMP '2020-03-01 00:00:00'",
           "12\ttrue\n");
    /* far exponents and scales (found by fuzz_sql: 10^k past 38 digits overflowed, and one of
     * them divided by zero): too large is NULL, too small rounds to zero */
    expect("SELECT CAST('1e99999999999' AS DECIMAL(10,2)), CAST('1.5e-99999' AS DECIMAL(10,2)), "
           "CAST('0e500' AS DECIMAL(10,2)), CAST('1.5e3' AS DECIMAL(10,2))",
           "null\t0.00\t0.00\t1500.00\n");
    /* the exponent moves the point before rounding (Spark: 123.45, 12.35, 2, -0.01) */
    expect("SELECT CAST('12.345e1' AS DECIMAL(10,2)), CAST('1234.5e-2' AS DECIMAL(10,2)), "
           "CAST('150e-2' AS DECIMAL(10,0)), CAST('-0.005' AS DECIMAL(10,2)), "
           "CAST('1e' AS DECIMAL(10,0))",
           "123.45\t12.35\t2\t-0.01\tnull\n");
    expect("SELECT 1 / CAST(3 AS DECIMAL(38,38)) IS NULL, "
           "CAST(1 AS DECIMAL(38,0)) * CAST(1 AS DECIMAL(38,0))",
           "true\t1\n");
}

static void test_like(void **state)
{
    (void)state;
    expect("SELECT 'abc' LIKE 'a%', 'abc' LIKE '%c', 'abc' LIKE '%b%', 'abc' LIKE 'abc', "
           "'abc' LIKE 'a_c', 'abc' LIKE 'b%'",
           "true\ttrue\ttrue\ttrue\ttrue\tfalse\n");
    expect("SELECT 'a_c' LIKE 'a\\_c', 'abc' LIKE 'a\\_c', 'ABC' ILIKE 'a%', 'x%' LIKE 'x!%' "
           "ESCAPE '!'",
           "true\tfalse\ttrue\ttrue\n");
    expect("SELECT 'héllo' LIKE 'h_llo', NULL LIKE 'a', 'abc' NOT LIKE 'a%'",
           "true\tnull\tfalse\n");
}

static silt_batch *input_batch(void)
{
    static silt_field f[3];
    static silt_schema s = {3, f};
    static bool init;
    if (!init) {
        silt_field_init(&f[0], "k", SILT_TYPE_STRING, true);
        silt_field_init(&f[1], "v", SILT_TYPE_INT64, true);
        silt_field_init(&f[2], "d", SILT_TYPE_DOUBLE, true);
        init = true;
    }
    silt_batch *b = silt_batch_create(&s);
    const char *k[] = {"a", "b", "a", NULL, "b", "c"};
    for (int i = 0; i < 6; i++) {
        if (k[i])
            silt_column_append_bytes(&b->cols[0], k[i], 1);
        else
            silt_column_append_null(&b->cols[0]);
        if (i == 4)
            silt_column_append_null(&b->cols[1]);
        else
            silt_column_append_int(&b->cols[1], i * 10);
        silt_column_append_double(&b->cols[2], i / 2.0);
    }
    b->n_rows = 6;
    return b;
}

static void expect_in(const char *sql, const char *want)
{
    silt_batch *b = input_batch();
    char *got = run_sql(sql, b);
    if (strcmp(got, want)) fprintf(stderr, "%s\n  got:  %s  want: %s", sql, got, want);
    assert_string_equal(got, want);
    silt_free(got);
    silt_batch_destroy(b);
}

static void test_query_over_input(void **state)
{
    (void)state;
    expect_in("SELECT k, v FROM t WHERE v > 10 ORDER BY v DESC",
              "\"c\"\t50\nnull\t30\n\"a\"\t20\n");
    expect_in("SELECT k, count(*), sum(v) FROM t GROUP BY k ORDER BY k",
              "null\t1\t30\n\"a\"\t2\t20\n\"b\"\t2\t10\n\"c\"\t1\t50\n");
    expect_in("SELECT v FROM t ORDER BY v DESC LIMIT 3", "50\n30\n20\n");
    expect_in("SELECT v FROM t ORDER BY v NULLS LAST LIMIT 2", "0\n10\n");
    expect_in("SELECT x.k, y.v FROM t x JOIN t y ON x.k = y.k WHERE x.v = 0 ORDER BY y.v",
              "\"a\"\t0\n\"a\"\t20\n");
    expect_in("SELECT x.v, y.v FROM t x LEFT JOIN t y ON x.k = y.k AND y.v > 100 ORDER BY 1 "
              "LIMIT 2",
              "null\tnull\n0\tnull\n");
    expect_in("SELECT DISTINCT k FROM t ORDER BY k", "null\n\"a\"\n\"b\"\n\"c\"\n");
    expect_in("WITH s AS (SELECT k, sum(v) AS sv FROM t GROUP BY k) SELECT max(sv) FROM s", "50\n");
    expect_in("SELECT count(*) FROM (SELECT k FROM t UNION ALL SELECT 'z')", "7\n");
    expect_in("SELECT k, sum(v) AS q FROM t GROUP BY ALL HAVING q > 15 ORDER BY q", "\"a\"\t20\n"
                                                                                    "null\t30\n"
                                                                                    "\"c\"\t50\n");
    expect_in("SELECT count(*) FILTER (WHERE d > 1), count(v) FROM t WHERE false", "0\t0\n");
}

static void test_plan_reuse(void **state)
{
    (void)state;
    silt_batch *in = input_batch();
    silt_sql_input inp = {"t", in->schema};
    silt_sql_plan *p = NULL;
    silt_error err = {0};
    assert_int_equal(
        silt_sql_prepare(&p, "SELECT count(*), sum(v) FROM t WHERE k <> 'c'", &inp, 1, &err), 0);
    for (int round = 0; round < 3; round++) {
        silt_batch *b = NULL;
        assert_int_equal(silt_sql_run(p, in, &b, &err), 0);
        assert_int_equal(b->n_rows, 1);
        assert_int_equal(silt_column_get_int(&b->cols[0], 0), 4);
        assert_int_equal(silt_column_get_int(&b->cols[1], 0), 30);
        silt_batch_destroy(b);
    }
    silt_sql_plan_destroy(p);
    silt_batch_destroy(in);
}

/* Row origins: a chain of projections and filters maps each output row to its input row, with
 * from_json's reason for the rows it refused; other plans are refused by name. */
static void test_row_origins(void **state)
{
    (void)state;
    silt_batch *in = input_batch();
    silt_sql_input inp = {"t", in->schema};
    silt_sql_plan *p = NULL;
    silt_error err = {0};
    assert_int_equal(silt_sql_prepare(&p,
                                      "SELECT w, j.x FROM (SELECT v * 2 AS w, from_json(k, 'x "
                                      "INT') AS j, k FROM t WHERE v > 10) WHERE k IS NOT NULL",
                                      &inp, 1, &err),
                     0);
    assert_int_equal(silt_sql_plan_traceable(p, "q", &err), 0);
    silt_batch *b = NULL;
    assert_int_equal(silt_sql_run_traced(p, in, &b, &err), 0);
    assert_true(b->n_rows >= 2);
    for (int64_t i = 0; i < b->n_rows; i++) {
        int64_t o = silt_sql_plan_row_origin(p, i);
        assert_true(o >= 0 && o < in->n_rows);
        assert_int_equal(silt_column_get_int(&b->cols[0], i),
                         2 * silt_column_get_int(&in->cols[1], o));
        const char *why = silt_sql_plan_row_reason(p, i);
        assert_non_null(why); /* k is 'a', 'b' or 'c': not JSON */
        assert_non_null(strstr(why, "JSON"));
    }
    assert_int_equal(silt_sql_plan_row_origin(p, b->n_rows), -1);
    silt_batch_destroy(b);
    silt_sql_plan_destroy(p);
    assert_int_equal(silt_sql_prepare(&p, "SELECT k, count(*) FROM t GROUP BY k", &inp, 1, &err),
                     0);
    assert_int_equal(silt_sql_plan_traceable(p, "table x", &err), SILT_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "aggregate"));
    assert_non_null(strstr(err.msg, "table x"));
    silt_sql_plan_destroy(p);
    silt_batch_destroy(in);
}

/* Canonical rows of running p on in (owned). */
static char *run_plan(silt_sql_plan *p, const silt_batch *in)
{
    silt_batch *b = NULL;
    silt_error err = {0};
    assert_int_equal(silt_sql_run(p, in, &b, &err), 0);
    silt_buf out = SILT_BUF_INIT;
    silt_canon_batch(&out, b);
    silt_buf_cstr(&out);
    char *r = silt_strdup((char *)out.ptr);
    silt_buf_free(&out);
    silt_batch_destroy(b);
    return r;
}

static void test_running_aggregates(void **state)
{
    (void)state;
    silt_batch *in = input_batch();
    silt_sql_input inp = {"t", in->schema};
    silt_sql_plan *p = NULL, *q = NULL;
    silt_error err = {0};
    assert_int_equal(silt_sql_prepare(&p,
                                      "SELECT k, count(*), sum(v), max(d) FROM t GROUP BY k "
                                      "ORDER BY k",
                                      &inp, 1, &err),
                     0);
    assert_int_equal(silt_sql_prepare(&q, "SELECT count(DISTINCT k), sum(v) FROM t", &inp, 1, &err),
                     0);
    silt_sql_plan_set_running(p, true);
    silt_sql_plan_set_running(q, true);
    char *r1 = run_plan(p, in), *r2 = run_plan(p, in), *g = run_plan(q, in);
    assert_string_equal(r1,
                        "null\t1\t30\t1.5\n\"a\"\t2\t20\t1\n\"b\"\t2\t10\t2\n\"c\"\t1\t50\t2.5\n");
    assert_string_equal(r2,
                        "null\t2\t60\t1.5\n\"a\"\t4\t40\t1\n\"b\"\t4\t20\t2\n\"c\"\t2\t100\t2.5\n");
    silt_free(g);
    g = run_plan(q, in);
    assert_string_equal(g, "3\t220\n");
    silt_sql_plan_set_running(p, false);
    silt_free(r1);
    r1 = run_plan(p, in);
    assert_string_equal(r1,
                        "null\t1\t30\t1.5\n\"a\"\t2\t20\t1\n\"b\"\t2\t10\t2\n\"c\"\t1\t50\t2.5\n");
    silt_free(r1);
    silt_free(r2);
    silt_free(g);
    silt_sql_plan_destroy(p);
    silt_sql_plan_destroy(q);
    silt_batch_destroy(in);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("SELEC 1", SILT_EINVAL, "expected SELECT");
    expect_error("SELECT 1 +", SILT_EINVAL, "expected an expression, got the end of the query");
    expect_error("SELECT a FROM", SILT_EINVAL, "line 1, column 14");
    expect_error("SELECT 1\nFROM x WHERE", SILT_EINVAL, "line 2");
    expect_error("SELECT 1 + DATE '2020-01-01'", SILT_EINVAL, "int and date");
    expect_error("SELECT 'a' FROM nowhere", SILT_EINVAL, "unknown table 'nowhere'");
    expect_error("SELECT uper('a')", SILT_EINVAL, "unknown function uper");
    expect_error("SELECT sum(1) + 1 WHERE sum(1) > 0", SILT_EINVAL, "not allowed");
    expect_error("SELECT 1 UNION SELECT 2", SILT_EINVAL, "UNION ALL");
    silt_batch *in = input_batch();
    silt_sql_input inp = {"t", in->schema};
    silt_sql_plan *p = NULL;
    silt_error err = {0};
    assert_int_equal(silt_sql_prepare(&p, "SELECT vv FROM t", &inp, 1, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "did you mean 'v'"));
    assert_non_null(strstr(err.msg, "^"));
    assert_int_equal(silt_sql_prepare(&p, "SELECT k, v FROM t GROUP BY k", &inp, 1, &err),
                     SILT_EINVAL);
    assert_non_null(strstr(err.msg, "GROUP BY"));
    silt_batch_destroy(in);
}

static void test_limits(void **state)
{
    (void)state;
    silt_buf q = SILT_BUF_INIT;
    silt_buf_puts(&q, "SELECT 9999 IN (");
    for (int i = 0; i < 10000; i++) silt_buf_printf(&q, "%s%d", i ? ", " : "", i);
    silt_buf_puts(&q, "), 10000 IN (");
    for (int i = 0; i < 10000; i++) silt_buf_printf(&q, "%s%d", i ? ", " : "", i);
    silt_buf_puts(&q, ")");
    silt_buf_cstr(&q);
    expect((const char *)q.ptr, "true\tfalse\n");
    silt_buf_reset(&q);
    silt_buf_puts(&q, "SELECT ");
    for (int i = 0; i < 300; i++) silt_buf_puts(&q, "(1 + ");
    silt_buf_puts(&q, "1");
    for (int i = 0; i < 300; i++) silt_buf_puts(&q, ")");
    silt_buf_cstr(&q);
    expect((const char *)q.ptr, "301\n");
    silt_buf_reset(&q);
    silt_buf_puts(&q, "SELECT ");
    for (int i = 0; i < 100000; i++) silt_buf_puts(&q, "(");
    silt_buf_cstr(&q);
    expect_error((const char *)q.ptr, SILT_EINVAL, "nested");
    silt_buf_free(&q);
}

/* A struct's fields (E_FIELD): taken as they are from a struct column of the input or moved out
 * of one the expression computed, and null wherever the struct row is null, even when the
 * field column holds a value there. */
static void test_struct_fields(void **state)
{
    (void)state;
    const char *json = "from_json(concat('{\"x\":', CAST(v AS STRING), ',\"y\":\"', k, '\"}'), "
                       "'x BIGINT, y STRING')";
    const char *want = "0\t\"a\"\n10\t\"b\"\n20\t\"a\"\nnull\tnull\nnull\tnull\n50\t\"c\"\n";
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT j.x, j.y FROM (SELECT %s AS j FROM t)", json);
    expect_in(sql, want);
    snprintf(sql, sizeof sql, "SELECT (%s).x, (%s).y FROM t", json, json);
    expect_in(sql, want);
    snprintf(sql, sizeof sql, "SELECT j.x, j.x + 1, j.y LIKE 'a' FROM (SELECT %s AS j FROM t)",
             json);
    expect_in(sql, "0\t1\ttrue\n10\t11\tfalse\n20\t21\ttrue\nnull\tnull\tnull\nnull\tnull\tnull\n"
                   "50\t51\tfalse\n");
    expect_in("SELECT s.a, s.b FROM (SELECT CASE WHEN v > 10 THEN named_struct('a', v, 'b', k) "
              "END AS s FROM t)",
              "null\tnull\nnull\tnull\n20\t\"a\"\n30\tnull\nnull\tnull\n50\t\"c\"\n");

    /* a struct column whose second row is null while its field holds 2 there */
    silt_field f;
    assert_int_equal(silt_field_init_nested(&f, "s", SILT_TYPE_STRUCT, true, 1), 0);
    assert_int_equal(silt_field_init(&f.children[0], "a", SILT_TYPE_INT64, true), 0);
    silt_schema sch = {1, &f};
    silt_batch *in = silt_batch_create(&sch);
    silt_column *c = &in->cols[0];
    for (int i = 1; i <= 3; i++) {
        assert_int_equal(silt_column_append_int(&c->children[0], i), 0);
        assert_int_equal(silt_column_append_valid(c), 0);
    }
    assert_int_equal(silt_column_append_null(c), 0); /* one null row to get a validity bitmap */
    silt_bit_set(c->validity, 1, false);
    c->null_count++;
    in->n_rows = 4;
    silt_sql_input inp = {"t", &sch};
    silt_sql_plan *p = NULL;
    silt_error err = {0};
    assert_int_equal(silt_sql_prepare(&p, "SELECT s.a, s.a * 10 FROM t", &inp, 1, &err), 0);
    char *got = run_plan(p, in);
    assert_string_equal(got, "1\t10\nnull\tnull\n3\t30\nnull\tnull\n");
    silt_free(got);
    silt_sql_plan_destroy(p);
    silt_batch_destroy(in);
    silt_field_clear(&f);
}

/* Which plans keep running aggregates equal to one run over every batch
 * (silt_sql_plan_accumulates), and silt_sql_run_feed folding batches in without a result. */
static void test_accumulates(void **state)
{
    (void)state;
    silt_batch *in = input_batch();
    silt_sql_input inp = {"t", in->schema};
    static const struct {
        const char *sql;
        bool yes;
    } cases[] = {
        {"SELECT k, count(*), sum(v) FROM t GROUP BY k", true},
        {"SELECT count(DISTINCT k) AS n FROM t WHERE v > 0", true},
        {"SELECT k, sum(v) AS s FROM t GROUP BY k ORDER BY s DESC LIMIT 2", true},
        {"WITH a AS (SELECT k, max(v) AS m, 1 AS j FROM t GROUP BY k), b AS (SELECT max(d) AS x, "
         "1 AS j FROM t) SELECT a.k, a.m, b.x FROM a JOIN b ON a.j = b.j",
         true},
        {"SELECT k, v FROM t WHERE v > 10", false}, /* no aggregate */
        {"SELECT count(*) FROM (SELECT k, count(*) AS n FROM t GROUP BY k)", false}, /* nested */
        {"SELECT count(*) FROM (SELECT k FROM t ORDER BY v LIMIT 3)", false}, /* limit below */
        {"SELECT count(*) FROM (SELECT DISTINCT k FROM t)", false},           /* distinct below */
        {"SELECT k, count(*) FROM t GROUP BY k UNION ALL SELECT k, 1 FROM t", false},
        {"SELECT 1 AS x, count(*) FROM (SELECT 1 AS y)", false}, /* not over the input */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        silt_sql_plan *p = NULL;
        silt_error err = {0};
        if (silt_sql_prepare(&p, cases[i].sql, &inp, 1, &err))
            fail_msg("%s: %s", cases[i].sql, err.msg);
        if (silt_sql_plan_accumulates(p) != cases[i].yes)
            fail_msg("%s: accumulates should be %d", cases[i].sql, cases[i].yes);
        silt_sql_plan_destroy(p);
    }
    /* three batches fed, then the result from no rows: as one run over the three */
    silt_sql_plan *p = NULL;
    silt_error err = {0};
    assert_int_equal(silt_sql_prepare(&p,
                                      "SELECT k, count(*), count(DISTINCT v), sum(d) FROM t "
                                      "GROUP BY k ORDER BY k",
                                      &inp, 1, &err),
                     0);
    silt_sql_plan_set_running(p, true);
    for (int i = 0; i < 3; i++) assert_int_equal(silt_sql_run_feed(p, in, &err), 0);
    silt_batch *empty = silt_batch_create(in->schema), *all = silt_batch_create(in->schema);
    for (int i = 0; i < 3; i++)
        for (size_t c = 0; c < in->n_cols; c++)
            assert_int_equal(silt_column_append_range(&all->cols[c], &in->cols[c], 0, in->n_rows),
                             0);
    all->n_rows = 3 * in->n_rows;
    char *got = run_plan(p, empty);
    silt_sql_plan_set_running(p, false);
    char *want = run_plan(p, all);
    assert_string_equal(got, want);
    assert_non_null(strstr(want, "\"a\"\t6\t2\t")); /* a: rows 0 and 2, three times */
    silt_free(got);
    silt_free(want);
    silt_batch_destroy(all);
    silt_batch_destroy(empty);
    silt_sql_plan_destroy(p);
    silt_batch_destroy(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arithmetic),
        cmocka_unit_test(test_logic_and_nulls),
        cmocka_unit_test(test_casts),
        cmocka_unit_test(test_like),
        cmocka_unit_test(test_query_over_input),
        cmocka_unit_test(test_plan_reuse),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_running_aggregates),
        cmocka_unit_test(test_row_origins),
        cmocka_unit_test(test_struct_fields),
        cmocka_unit_test(test_accumulates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
