/* The /api/sql guard: a small tokenizer (strings, quoted names, comments, words, symbols) that
 * finds table references and rewrites catalog names to delta.`location`, refusing any file
 * reference a request could carry. */
#include <string.h>
#include <strings.h>

#include "http/sqlguard.h"

typedef enum { T_END, T_WORD, T_QNAME, T_STRING, T_SYM } tok_kind;

typedef struct tok {
    tok_kind kind;
    size_t off, len; /* the token's bytes in the text */
    char sym;
} tok;

#define DEPTH_MAX 64

typedef struct guard {
    const char *s;
    size_t pos;
    silt_error *err;
} guard;

static int skip_space(guard *g)
{
    const char *s = g->s;
    for (;;) {
        char c = s[g->pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            g->pos++;
        } else if (c == '-' && s[g->pos + 1] == '-') {
            while (s[g->pos] && s[g->pos] != '\n') g->pos++;
        } else if (c == '/' && s[g->pos + 1] == '*') {
            const char *e = strstr(s + g->pos + 2, "*/");
            if (!e)
                return silt_error_set(g->err, SILT_EINVAL, "unterminated comment at offset %zu",
                                      g->pos);
            g->pos = (size_t)(e - s) + 2;
        } else {
            return 0;
        }
    }
}

/* A quoted token from g->pos (the opening quote q) to its closing quote: doubled quotes and,
 * in strings, backslash escapes stay inside. */
static int quoted(guard *g, char q)
{
    size_t i = g->pos + 1;
    for (;;) {
        char c = g->s[i];
        if (!c)
            return silt_error_set(g->err, SILT_EINVAL, "unterminated %s starting at offset %zu",
                                  q == '`' ? "quoted name" : "string", g->pos);
        if (c == '\\' && q != '`' && g->s[i + 1]) {
            i += 2;
            continue;
        }
        if (c == q && g->s[i + 1] == q) {
            i += 2;
            continue;
        }
        if (c == q) break;
        i++;
    }
    g->pos = i + 1;
    return 0;
}

static int next(guard *g, tok *t)
{
    int rc = skip_space(g);
    if (rc) return rc;
    const char *s = g->s;
    char c = s[g->pos];
    t->off = g->pos;
    t->sym = 0;
    if (!c) {
        t->kind = T_END;
    } else if (c == '\'' || c == '"' || c == '`') {
        if ((rc = quoted(g, c))) return rc;
        t->kind = c == '`' ? T_QNAME : T_STRING;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
               (c >= '0' && c <= '9') || (unsigned char)c >= 0x80) {
        while ((c = s[g->pos]) && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                                   (c >= '0' && c <= '9') || (unsigned char)c >= 0x80))
            g->pos++;
        t->kind = T_WORD;
    } else {
        t->kind = T_SYM;
        t->sym = c;
        g->pos++;
    }
    t->len = g->pos - t->off;
    return 0;
}

static bool word_is(const guard *g, const tok *t, const char *w)
{
    return t->kind == T_WORD && strlen(w) == t->len && !strncasecmp(g->s + t->off, w, t->len);
}

/* The name a table token stands for (quoted names without their quotes, doubled quotes once). */
static void token_name(const guard *g, const tok *t, char *out, size_t n)
{
    size_t k = 0, from = t->off, to = t->off + t->len;
    if (t->kind == T_QNAME) from++, to--;
    for (size_t i = from; i < to && k + 1 < n; i++) {
        out[k++] = g->s[i];
        if (t->kind == T_QNAME && g->s[i] == '`') i++;
    }
    out[k] = 0;
}

static void put_location(silt_buf *out, const char *loc)
{
    silt_buf_puts(out, "delta.`");
    for (; *loc; loc++) {
        if (*loc == '`') silt_buf_putc(out, '`');
        silt_buf_putc(out, (uint8_t)*loc);
    }
    silt_buf_putc(out, '`');
}

static bool is_format(const guard *g, const tok *t)
{
    static const char *const formats[] = {"delta", "parquet", "json", "csv"};
    char name[16];
    if (t->kind != T_WORD && t->kind != T_QNAME) return false;
    if (t->len >= sizeof name) return false;
    token_name(g, t, name, sizeof name);
    for (size_t i = 0; i < 4; i++)
        if (!strcasecmp(name, formats[i])) return true;
    return false;
}

static int refuse_path(guard *g, const tok *t)
{
    return silt_error_set(g->err, SILT_EINVAL,
                          "offset %zu: name tables by their catalog names (GET /api/tables), "
                          "as in FROM gold_sales; files and qualified names (delta.`path`, "
                          "db.table) cannot be read through the API",
                          t->off);
}

typedef struct rewrite {
    guard g;
    silt_buf *out;
    silt_http_resolve_fn resolve;
    void *ctx;
    char *unknown;
    size_t n_unknown;
    size_t copied; /* text before this offset is already in out */
} rewrite;

/* A table token t (followed by nx): replaced when it is a catalog name. */
static int table_ref(rewrite *r, const tok *t, const tok *nx)
{
    char name[1024];
    if (t->kind != T_WORD && t->kind != T_QNAME) return 0; /* '(' subquery, or a syntax error */
    if (nx->kind == T_SYM && nx->sym == '.') return refuse_path(&r->g, t);
    token_name(&r->g, t, name, sizeof name);
    const char *loc = r->resolve(r->ctx, name);
    if (!loc) {
        if (r->unknown && r->n_unknown && !r->unknown[0]) {
            strncpy(r->unknown, name, r->n_unknown - 1);
            r->unknown[r->n_unknown - 1] = 0;
        }
        return 0;
    }
    silt_buf_append(r->out, r->g.s + r->copied, t->off - r->copied);
    put_location(r->out, loc);
    r->copied = t->off + t->len;
    return 0;
}

static bool ends_from(const guard *g, const tok *t)
{
    static const char *const kw[] = {
        "where",  "group", "order",   "having", "limit",     "union",   "window", "on",
        "select", "sort",  "cluster", "except", "intersect", "lateral", "using",  "distribute"};
    for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
        if (word_is(g, t, kw[i])) return true;
    return false;
}

static int first_word(guard *g, tok *t)
{
    int rc = next(g, t);
    if (rc) return rc;
    if (word_is(g, t, "select") || word_is(g, t, "with") || (t->kind == T_SYM && t->sym == '('))
        return 0;
    return silt_error_set(g->err, SILT_EINVAL,
                          "only a query (SELECT or WITH ... SELECT) can be run through the API");
}

int silt_http_sql_rewrite(silt_buf *out, const char *sql, silt_http_resolve_fn resolve, void *ctx,
                          char *unknown, size_t n_unknown, silt_error *err)
{
    rewrite r = {{sql, 0, err}, out, resolve, ctx, unknown, n_unknown, 0};
    bool in_from[DEPTH_MAX] = {false};
    int depth = 0, rc;
    bool table_next = false;
    tok t, nx;
    if (unknown && n_unknown) unknown[0] = 0;
    if ((rc = first_word(&r.g, &t))) return rc;
    r.g.pos = 0;
    if ((rc = next(&r.g, &t))) return rc;
    while (t.kind != T_END) {
        if ((rc = next(&r.g, &nx))) return rc;
        if (is_format(&r.g, &t) && nx.kind == T_SYM && nx.sym == '.') return refuse_path(&r.g, &t);
        if (table_next && (rc = table_ref(&r, &t, &nx))) return rc;
        table_next = false;
        if (word_is(&r.g, &t, "from")) {
            in_from[depth] = true;
            table_next = true;
        } else if (word_is(&r.g, &t, "join")) {
            table_next = true;
        } else if (ends_from(&r.g, &t)) {
            in_from[depth] = false;
        } else if (t.kind == T_SYM && t.sym == ',' && in_from[depth]) {
            table_next = true;
        } else if (t.kind == T_SYM && t.sym == '(') {
            if (++depth >= DEPTH_MAX)
                return silt_error_set(err, SILT_EINVAL, "query nested too deeply");
            in_from[depth] = false;
        } else if (t.kind == T_SYM && t.sym == ')' && depth > 0) {
            depth--;
        }
        t = nx;
    }
    silt_buf_append(out, sql + r.copied, strlen(sql + r.copied));
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;
}
