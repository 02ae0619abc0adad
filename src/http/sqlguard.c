/* The /api/sql guard: finds a query's table references in the tokens the SQL engine itself reads
 * (silt_sql_tokens: the guard and the engine cannot disagree on where a word, a quoted name or a
 * string ends) and rewrites catalog names to delta.`location`, refusing any file reference a
 * request could carry. */
#include <string.h>
#include <strings.h>

#include "http/sqlguard.h"
#include "sql/sql.h"

#define DEPTH_MAX 64

static bool is_name(const silt_sql_token *t)
{
    return t->kind == SILT_SQL_TOKEN_WORD || t->kind == SILT_SQL_TOKEN_QNAME;
}

static bool word_is(const silt_sql_token *t, const char *w)
{
    return t->kind == SILT_SQL_TOKEN_WORD && !strcasecmp(t->text, w);
}

static bool sym_is(const silt_sql_token *t, const char *s)
{
    return t->kind == SILT_SQL_TOKEN_SYMBOL && !strcmp(t->text, s);
}

/* delta, parquet, json or csv, bare or quoted: the engine reads `format`.`path` as a file. */
static bool is_format(const silt_sql_token *t)
{
    static const char *const formats[] = {"delta", "parquet", "json", "csv"};
    if (!is_name(t)) return false;
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
        if (!strcasecmp(t->text, formats[i])) return true;
    return false;
}

/* Whether c, next to the reference, would run into it: a quote right after the closing one
 * (FROM gold`...`) would continue the path as a doubled quote, a word would join delta. */
static bool joins(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c >= 0x80 || c == '`' || c == '\'' || c == '"';
}

/* delta.`location` in place of the name sql[start, end), spaced from what it would run into. */
static void put_location(silt_buf *out, const char *sql, size_t start, size_t end, const char *loc)
{
    if (start > 0 && joins((unsigned char)sql[start - 1])) silt_buf_putc(out, ' ');
    silt_buf_puts(out, "delta.`");
    for (; *loc; loc++) {
        if (*loc == '`') silt_buf_putc(out, '`');
        silt_buf_putc(out, (uint8_t)*loc);
    }
    silt_buf_putc(out, '`');
    if (joins((unsigned char)sql[end])) silt_buf_putc(out, ' ');
}

static int refuse_path(silt_error *err, const silt_sql_token *t)
{
    return silt_error_set(err, SILT_EINVAL,
                          "offset %zu: name tables by their catalog names (GET /api/tables), "
                          "as in FROM gold_sales; files and qualified names (delta.`path`, "
                          "db.table) cannot be read through the API",
                          t->start);
}

typedef struct rewrite {
    const char *sql;
    silt_buf *out;
    silt_http_resolve_fn resolve;
    void *ctx;
    char *unknown;
    size_t n_unknown;
    size_t copied; /* text before this offset is already in out */
    silt_error *err;
} rewrite;

/* A table token t (followed by nx): replaced when it is a catalog name. */
static int table_ref(rewrite *r, const silt_sql_token *t, const silt_sql_token *nx)
{
    if (!is_name(t)) return 0; /* '(' subquery, or a syntax error */
    if (sym_is(nx, ".")) return refuse_path(r->err, t);
    const char *loc = r->resolve(r->ctx, t->text);
    if (!loc) {
        if (r->unknown && r->n_unknown && !r->unknown[0]) {
            strncpy(r->unknown, t->text, r->n_unknown - 1);
            r->unknown[r->n_unknown - 1] = 0;
        }
        return 0;
    }
    silt_buf_append(r->out, r->sql + r->copied, t->start - r->copied);
    put_location(r->out, r->sql, t->start, t->end, loc);
    r->copied = t->end;
    return 0;
}

static bool ends_from(const silt_sql_token *t)
{
    static const char *const kw[] = {
        "where",  "group", "order",   "having", "limit",     "union",   "window", "on",
        "select", "sort",  "cluster", "except", "intersect", "lateral", "using",  "distribute"};
    for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
        if (word_is(t, kw[i])) return true;
    return false;
}

/* Walks the tokens: FROM, JOIN and commas in a FROM list announce a table reference. */
static int walk(rewrite *r, const silt_sql_token *t, size_t n)
{
    bool in_from[DEPTH_MAX] = {false};
    int depth = 0, rc;
    bool table_next = false;
    if (!word_is(&t[0], "select") && !word_is(&t[0], "with") && !sym_is(&t[0], "("))
        return silt_error_set(
            r->err, SILT_EINVAL,
            "only a query (SELECT or WITH ... SELECT) can be run through the API");
    for (size_t i = 0; i + 1 < n; i++) {
        const silt_sql_token *c = &t[i], *nx = &t[i + 1];
        if (is_format(c) && sym_is(nx, ".")) return refuse_path(r->err, c);
        if (table_next && (rc = table_ref(r, c, nx))) return rc;
        table_next = false;
        if (word_is(c, "from")) {
            in_from[depth] = true;
            table_next = true;
        } else if (word_is(c, "join")) {
            table_next = true;
        } else if (ends_from(c)) {
            in_from[depth] = false;
        } else if (sym_is(c, ",") && in_from[depth]) {
            table_next = true;
        } else if (sym_is(c, "(")) {
            if (++depth >= DEPTH_MAX)
                return silt_error_set(r->err, SILT_EINVAL, "query nested too deeply");
            in_from[depth] = false;
        } else if (sym_is(c, ")") && depth > 0) {
            depth--;
        }
    }
    return 0;
}

int silt_http_sql_rewrite(silt_buf *out, const char *sql, silt_http_resolve_fn resolve, void *ctx,
                          char *unknown, size_t n_unknown, silt_error *err)
{
    rewrite r = {sql, out, resolve, ctx, unknown, n_unknown, 0, err};
    if (unknown && n_unknown) unknown[0] = 0;
    silt_arena *a = silt_arena_create(4096);
    if (!a) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    silt_sql_token *t;
    size_t n;
    int rc = silt_sql_tokens(&t, &n, a, sql, err);
    if (!rc) rc = walk(&r, t, n);
    silt_arena_destroy(a);
    if (rc) return rc;
    silt_buf_append(out, sql + r.copied, strlen(sql + r.copied));
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;
}
