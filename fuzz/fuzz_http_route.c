/* Fuzz target: `silt serve`'s request routing and parameter parsing (route, names, integer
 * parameters, Accept, bearer tokens) and the /api/sql guard, fed newline-separated fields:
 * method, path, parameter, Accept, Authorization, then the SQL text (the rest). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/route.h"
#include "http/sqlguard.h"
#include "sql/sql.h"
#include "util/arena.h"
#include "util/buf.h"

static const char *resolve(void *ctx, const char *name)
{
    (void)ctx;
    return !strcmp(name, "gold_sales") || !strcmp(name, "a/b") ? "/lake/gold`s" : NULL;
}

/* Aborts when the guard's output, read by the SQL engine's own lexer, holds a file reference
 * (`delta`, `parquet`, `json` or `csv`, bare or quoted, then `.` and a quoted name) other than
 * the catalog's one location. Text the engine cannot lex is refused later: nothing to check. */
static void check_refs(const char *sql)
{
    static const char *const formats[] = {"delta", "parquet", "json", "csv"};
    silt_arena *a = silt_arena_create(4096);
    if (!a) return;
    silt_sql_token *t;
    size_t n;
    silt_error err;
    if (!silt_sql_tokens(&t, &n, a, sql, &err)) {
        for (size_t i = 0; i + 2 < n; i++) {
            if (t[i].kind != SILT_SQL_TOKEN_WORD && t[i].kind != SILT_SQL_TOKEN_QNAME) continue;
            if (t[i + 1].kind != SILT_SQL_TOKEN_SYMBOL || strcmp(t[i + 1].text, ".") ||
                t[i + 2].kind != SILT_SQL_TOKEN_QNAME)
                continue;
            for (size_t f = 0; f < sizeof formats / sizeof *formats; f++)
                if (!strcasecmp(t[i].text, formats[f]) &&
                    (f != 0 || strcmp(t[i + 2].text, "/lake/gold`s")))
                    abort();
        }
    }
    silt_arena_destroy(a);
}

/* The next field of the input, NUL-terminated in place (the input is a private copy). */
static char *field(char **p, char *end)
{
    char *s = *p;
    char *nl = s < end ? memchr(s, '\n', (size_t)(end - s)) : NULL;
    if (nl) {
        *nl = 0;
        *p = nl + 1;
    } else {
        *p = end;
    }
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1);
    if (!copy) return 0;
    memcpy(copy, data, size);
    copy[size] = 0;
    char *p = copy, *end = copy + strlen(copy);
    char *method = field(&p, end), *path = field(&p, end), *param = field(&p, end);
    char *accept = field(&p, end), *auth = field(&p, end), *sql = p < end ? p : end;
    silt_http_route r;
    int st = silt_http_route_parse(&r, method, path);
    if (!st && r.kind == SILT_HTTP_R_TABLE && !silt_http_name_ok(r.name)) abort();
    if (!st && r.rows && !silt_http_name_ok(r.rows_name)) abort();
    int64_t v;
    if (!silt_http_param_int(&v, param, 0, 10000, 100) && (v < 0 || v > 10000)) abort();
    silt_http_format f;
    silt_http_accept(&f, accept);
    if (silt_http_auth_ok(auth, "0123456789abcdef") && strcmp(auth + 7, "0123456789abcdef") != 0)
        abort();
    silt_buf out = SILT_BUF_INIT;
    char unknown[64];
    silt_error err;
    /* what the guard lets through names no file but the catalog's */
    if (!silt_http_sql_rewrite(&out, sql, resolve, NULL, unknown, sizeof unknown, &err) &&
        !silt_buf_cstr(&out))
        check_refs((const char *)out.ptr);
    silt_buf_free(&out);
    free(copy);
    return 0;
}
