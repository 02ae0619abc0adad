/* Unit tests for src/http's pure parts: routing, catalog names, query parameters, Accept, the
 * bearer token check, the /api/sql guard, and the listen address rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "http/route.h"
#include "http/server.h"
#include "http/sqlguard.h"

static void test_routes(void **state)
{
    (void)state;
    silt_http_route r;
    assert_int_equal(silt_http_route_parse(&r, "GET", "/"), 0);
    assert_int_equal(r.kind, SILT_HTTP_R_INDEX);
    assert_int_equal(silt_http_route_parse(&r, "GET", "/api/tables"), 0);
    assert_int_equal(r.kind, SILT_HTTP_R_TABLES);
    assert_int_equal(silt_http_route_parse(&r, "POST", "/api/sql"), 0);
    assert_int_equal(r.kind, SILT_HTTP_R_SQL);
    assert_int_equal(silt_http_route_parse(&r, "GET", "/api/sql"), 405);
    assert_string_equal(r.allow, "POST");
    assert_int_equal(silt_http_route_parse(&r, "GET", "/api/tables/gold/x/rows"), 0);
    assert_int_equal(r.kind, SILT_HTTP_R_TABLE);
    assert_true(r.rows);
    assert_string_equal(r.name, "gold/x/rows");
    assert_string_equal(r.rows_name, "gold/x");
    assert_int_equal(silt_http_route_parse(&r, "GET", "/api/tables/gold_x"), 0);
    assert_false(r.rows);
    assert_int_equal(silt_http_route_parse(&r, "GET", "/api/tables/../etc"), 400);
    assert_int_equal(silt_http_route_parse(&r, "GET", "/api/tables/a//b"), 400);
    assert_int_equal(silt_http_route_parse(&r, "GET", "/api/tables/a/./b"), 400);
    assert_int_equal(silt_http_route_parse(&r, "GET", "/api/tables/a\\b"), 400);
    assert_int_equal(silt_http_route_parse(&r, "GET", "/api/tables/a\x7f"), 400);
    assert_int_equal(silt_http_route_parse(&r, "GET", "/assets/../x"), 404);
    assert_int_equal(silt_http_route_parse(&r, "GET", "/assets/app.js"), 0);
    assert_string_equal(r.name, "app.js");
    assert_int_equal(silt_http_route_parse(&r, "GET", "/nothing"), 404);
    assert_int_equal(silt_http_route_parse(&r, "GET", "relative"), 404);
    assert_true(silt_http_name_ok("a/b=1/c.d-e_f"));
    assert_false(silt_http_name_ok(""));
    assert_false(silt_http_name_ok("/abs"));
    assert_false(silt_http_name_ok("a/"));
    assert_false(silt_http_name_ok("a/.."));
    assert_false(silt_http_name_ok("a b"));
    assert_false(silt_http_name_ok("a\"b"));
}

static void test_params_accept_auth(void **state)
{
    (void)state;
    int64_t v;
    assert_int_equal(silt_http_param_int(&v, NULL, 0, 10, 7), 0);
    assert_int_equal(v, 7);
    assert_int_equal(silt_http_param_int(&v, "10", 0, 10, 7), 0);
    assert_int_equal(v, 10);
    assert_int_equal(silt_http_param_int(&v, "11", 0, 10, 7), -1);
    assert_int_equal(silt_http_param_int(&v, "-1", 0, 10, 7), -1);
    assert_int_equal(silt_http_param_int(&v, "1x", 0, 10, 7), -1);
    assert_int_equal(silt_http_param_int(&v, "99999999999999999999", 0, INT64_MAX, 7), -1);
    silt_http_format f;
    assert_int_equal(silt_http_accept(&f, NULL), 0);
    assert_int_equal(f, SILT_HTTP_FMT_JSON);
    assert_int_equal(silt_http_accept(&f, "text/csv"), 0);
    assert_int_equal(f, SILT_HTTP_FMT_CSV);
    assert_int_equal(silt_http_accept(&f, "text/csv;q=0, application/vnd.apache.arrow.stream"), 0);
    assert_int_equal(f, SILT_HTTP_FMT_ARROW);
    assert_int_equal(silt_http_accept(&f, "image/png"), -1);
    assert_int_equal(silt_http_accept(&f, "image/png, */*;q=0.1"), 0);
    assert_int_equal(f, SILT_HTTP_FMT_JSON);
    assert_true(silt_http_auth_ok("Bearer s3cret-token-value", "s3cret-token-value"));
    assert_true(silt_http_auth_ok("bearer s3cret-token-value", "s3cret-token-value"));
    assert_false(silt_http_auth_ok("Bearer s3cret-token-valu", "s3cret-token-value"));
    assert_false(silt_http_auth_ok("Bearer s3cret-token-value2", "s3cret-token-value"));
    assert_false(silt_http_auth_ok("Basic s3cret-token-value", "s3cret-token-value"));
    assert_false(silt_http_auth_ok(NULL, "s3cret-token-value"));
    assert_false(silt_http_auth_ok("Bearer ", ""));
}

static const char *resolve(void *ctx, const char *name)
{
    (void)ctx;
    if (!strcmp(name, "gold_sales")) return "/lake/gold_sales";
    if (!strcmp(name, "sub/t")) return "/lake/sub/t";
    return NULL;
}

static int rewrite(char *out, size_t n, const char *sql, char *unknown)
{
    silt_buf b = SILT_BUF_INIT;
    silt_error err;
    int rc = silt_http_sql_rewrite(&b, sql, resolve, NULL, unknown, 64, &err);
    silt_buf_cstr(&b);
    snprintf(out, n, "%s", rc ? err.msg : (const char *)b.ptr);
    silt_buf_free(&b);
    return rc;
}

static void test_sql_guard(void **state)
{
    (void)state;
    char out[512], unknown[64];
    assert_int_equal(
        rewrite(out, sizeof out, "SELECT a FROM gold_sales g WHERE x = 'FROM gold_sales'", unknown),
        0);
    assert_string_equal(out,
                        "SELECT a FROM delta.`/lake/gold_sales` g WHERE x = 'FROM gold_sales'");
    assert_string_equal(unknown, "");
    assert_int_equal(rewrite(out, sizeof out,
                             "WITH w AS (SELECT * FROM `sub/t`) SELECT * FROM w, gold_sales JOIN "
                             "gold_sales b ON true",
                             unknown),
                     0);
    assert_string_equal(out, "WITH w AS (SELECT * FROM delta.`/lake/sub/t`) SELECT * FROM w, "
                             "delta.`/lake/gold_sales` JOIN delta.`/lake/gold_sales` b ON true");
    assert_string_equal(unknown, "w");
    assert_int_equal(
        rewrite(out, sizeof out, "SELECT gold_sales FROM t WHERE gold_sales > 1", unknown), 0);
    assert_string_equal(out, "SELECT gold_sales FROM t WHERE gold_sales > 1");
    assert_string_equal(unknown, "t");
    assert_int_equal(rewrite(out, sizeof out, "SELECT * FROM delta.`/etc`", unknown), SILT_EINVAL);
    assert_int_equal(rewrite(out, sizeof out, "SELECT * FROM `json`.`/etc/passwd`", unknown),
                     SILT_EINVAL);
    assert_int_equal(rewrite(out, sizeof out, "SELECT * FROM db.gold_sales", unknown), SILT_EINVAL);
    assert_int_equal(rewrite(out, sizeof out, "SELECT (SELECT 1 FROM csv.`x`)", unknown),
                     SILT_EINVAL);
    assert_int_equal(rewrite(out, sizeof out, "INSERT INTO gold_sales SELECT 1", unknown),
                     SILT_EINVAL);
    assert_int_equal(rewrite(out, sizeof out, "  -- c\n SELECT 'x", unknown), SILT_EINVAL);
    assert_int_equal(rewrite(out, sizeof out, "SELECT 1 /* x", unknown), SILT_EINVAL);
    assert_int_equal(rewrite(out, sizeof out, "/* c */ select 1 -- FROM delta.`x`", unknown), 0);
    /* a quote right after a catalog name must not continue the location (found by fuzzing) */
    assert_int_equal(rewrite(out, sizeof out, "SELECT * FROM gold_sales`/../x`", unknown), 0);
    assert_string_equal(out, "SELECT * FROM delta.`/lake/gold_sales` `/../x`");
    assert_int_equal(rewrite(out, sizeof out, "SELECT * FROM`gold_sales`x", unknown), 0);
    assert_string_equal(out, "SELECT * FROM delta.`/lake/gold_sales` x");
    /* the guard reads words as the engine does: 1delta is 1, then delta */
    assert_int_equal(rewrite(out, sizeof out, "SELECT 1delta.`/etc`", unknown), SILT_EINVAL);
}

static void test_listen(void **state)
{
    (void)state;
    struct sockaddr_storage a;
    unsigned len;
    bool lo;
    assert_int_equal(silt_http_listen_parse(&a, &len, &lo, "127.0.0.1:8080", NULL), 0);
    assert_true(lo);
    assert_int_equal(silt_http_listen_parse(&a, &len, &lo, "localhost:0", NULL), 0);
    assert_true(lo);
    assert_int_equal(silt_http_listen_parse(&a, &len, &lo, "0.0.0.0:80", NULL), 0);
    assert_false(lo);
    assert_int_equal(silt_http_listen_parse(&a, &len, &lo, "[::1]:80", NULL), 0);
    assert_true(lo);
    assert_int_equal(silt_http_listen_parse(&a, &len, &lo, "[::]:80", NULL), 0);
    assert_false(lo);
    assert_int_equal(silt_http_listen_parse(&a, &len, &lo, "8080", NULL), SILT_EINVAL);
    assert_int_equal(silt_http_listen_parse(&a, &len, &lo, "host:1", NULL), SILT_EINVAL);
    assert_int_equal(silt_http_listen_parse(&a, &len, &lo, "1.2.3.4:70000", NULL), SILT_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routes),
        cmocka_unit_test(test_params_accept_auth),
        cmocka_unit_test(test_sql_guard),
        cmocka_unit_test(test_listen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
