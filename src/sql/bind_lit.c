/* Binding literals and names: constants as one-row columns (integers, exact decimals, doubles,
 * strings, booleans, NULL, DATE '...' and TIMESTAMP '...'), column references with
 * qualifiers and struct fields, and "did you mean" for unknown names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sql/binder.h"
#include "sql/cast.h"
#include "util/alloc.h"
#include "util/suggest.h"

void *sql_ctx_alloc(sql_ctx *c, size_t n)
{
    void *p = silt_arena_alloc(c->a, n ? n : 1);
    if (p)
        memset(p, 0, n ? n : 1);
    else
        silt_error_set(c->err, SILT_ENOMEM, "out of memory binding the query");
    return p;
}

int sql_oom(sql_ctx *c)
{
    return silt_error_set(c->err, SILT_ENOMEM, "out of memory binding the query");
}

int sql_ctx_defer(sql_ctx *c, void (*fn)(void *), void *p)
{
    if (c->n_defers == c->cap_defers) {
        size_t nc = c->cap_defers ? c->cap_defers * 2 : 32;
        sql_defer *nd = silt_realloc(c->defers, nc * sizeof *nd);
        if (!nd) {
            fn(p);
            return sql_oom(c);
        }
        c->defers = nd;
        c->cap_defers = nc;
    }
    c->defers[c->n_defers++] = (sql_defer){fn, p};
    return 0;
}

void sql_ctx_release(sql_ctx *c)
{
    for (size_t i = c->n_defers; i-- > 0;) c->defers[i].fn(c->defers[i].p);
    silt_free(c->defers);
    c->defers = NULL;
    c->n_defers = c->cap_defers = 0;
}

static void free_column(void *p)
{
    silt_column_clear(p);
    silt_free(p);
}

/* A constant expression owning a one-row column of type t (value appended by the caller). */
static int new_const(sql_expr **out, silt_column **col, sql_ctx *c, const silt_field *t)
{
    sql_expr *e = sql_ctx_alloc(c, sizeof *e);
    silt_column *v = silt_calloc(1, sizeof *v);
    silt_field st = t->type == SQL_TYPE_NULL ? sql_type(SILT_TYPE_STRING) : *t;
    if (!e || !v || silt_column_init(v, &st)) {
        silt_free(v);
        return sql_oom(c);
    }
    if (sql_ctx_defer(c, free_column, v)) return SILT_ENOMEM;
    e->kind = E_CONST;
    if (sql_field_dup(c->a, &e->type, t, "")) return sql_oom(c);
    e->value = v;
    *out = e;
    *col = v;
    return 0;
}

int sql_const_from_column(sql_expr **out, sql_ctx *c, const silt_field *t, const silt_column *src);
int sql_const_from_column(sql_expr **out, sql_ctx *c, const silt_field *t, const silt_column *src)
{
    silt_column *v;
    int rc = new_const(out, &v, c, t);
    if (!rc && silt_column_append_range(v, src, 0, 1)) rc = sql_oom(c);
    return rc;
}

static int number_lit(sql_expr **out, silt_column **v, sql_ctx *c, const sql_tok *t)
{
    int rc;
    if (t->kind == TK_INT) {
        int64_t x;
        if (sql_parse_int(&x, t->text, t->len)) {
            silt_field ty =
                sql_type(x >= INT32_MIN && x <= INT32_MAX ? SILT_TYPE_INT32 : SILT_TYPE_INT64);
            if ((rc = new_const(out, v, c, &ty))) return rc;
            return silt_column_append_int(*v, x) ? sql_oom(c) : 0;
        }
    }
    if (t->kind == TK_FLOAT) {
        silt_field ty = sql_type(SILT_TYPE_DOUBLE);
        if ((rc = new_const(out, v, c, &ty))) return rc;
        return silt_column_append_double(*v, strtod(t->text, NULL)) ? sql_oom(c) : 0;
    }
    const char *dot = strchr(t->text, '.');
    int scale = dot ? (int)strlen(dot + 1) : 0, digits = 0;
    bool lead = true;
    for (const char *p = t->text; *p; p++) {
        if (*p < '0' || *p > '9') continue;
        if (lead && *p == '0') continue;
        lead = false;
        digits++;
    }
    int prec = digits > scale ? digits : scale;
    if (prec < 1) prec = 1;
    __int128 d;
    if (prec > 38 || !sql_parse_decimal(&d, t->text, t->len, prec, scale))
        return sql_error_at(c->err, SILT_EINVAL, c->text, t->pos,
                            "number %s has more than 38 digits", t->text);
    silt_field ty = sql_decimal_type(prec, scale);
    if ((rc = new_const(out, v, c, &ty))) return rc;
    uint8_t le[16];
    memcpy(le, &d, 16);
    return silt_column_append_decimal(*v, le) ? sql_oom(c) : 0;
}

static int typed_lit(sql_expr **out, silt_column **v, sql_ctx *c, const sql_ast *a)
{
    int rc = new_const(out, v, c, &a->cast_type);
    if (rc) return rc;
    if (a->cast_type.type == SILT_TYPE_DATE32) {
        int32_t d;
        if (!sql_parse_date(&d, a->tok.text, a->tok.len))
            return sql_error_at(c->err, SILT_EINVAL, c->text, a->tok.pos,
                                "'%s' is not a date (write DATE 'yyyy-MM-dd')", a->tok.text);
        return silt_column_append_int(*v, d) ? sql_oom(c) : 0;
    }
    int64_t us;
    if (!sql_parse_timestamp(&us, a->tok.text, a->tok.len))
        return sql_error_at(c->err, SILT_EINVAL, c->text, a->tok.pos,
                            "'%s' is not a timestamp (write TIMESTAMP 'yyyy-MM-dd HH:mm:ss')",
                            a->tok.text);
    return silt_column_append_int(*v, us) ? sql_oom(c) : 0;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

int sql_bind_literal(sql_expr **out, sql_ctx *c, const sql_ast *a);
int sql_bind_literal(sql_expr **out, sql_ctx *c, const sql_ast *a)
{
    silt_column *v;
    int rc;
    if (a->kind == A_TYPED_LIT) return typed_lit(out, &v, c, a);
    if (a->lit_null) {
        silt_field t = sql_type(SQL_TYPE_NULL);
        if ((rc = new_const(out, &v, c, &t))) return rc;
        return silt_column_append_null(v) ? sql_oom(c) : 0;
    }
    if (a->lit_bool) {
        silt_field t = sql_type(SILT_TYPE_BOOL);
        if ((rc = new_const(out, &v, c, &t))) return rc;
        return silt_column_append_bool(v, a->bool_val) ? sql_oom(c) : 0;
    }
    if (a->tok.kind == TK_HEX) {
        silt_field t = sql_type(SILT_TYPE_BINARY);
        uint8_t *bytes = silt_arena_alloc(c->a, a->tok.len / 2 + 1);
        if (!bytes) return sql_oom(c);
        size_t nb = 0;
        for (size_t i = 0; i + 1 < a->tok.len + 1 && i < a->tok.len; i += 2) {
            int hi = hexval(a->tok.text[i]),
                lo = i + 1 < a->tok.len ? hexval(a->tok.text[i + 1]) : -1;
            if (hi < 0 || lo < 0)
                return sql_error_at(c->err, SILT_EINVAL, c->text, a->pos,
                                    "X'%s' is not an even number of hex digits", a->tok.text);
            bytes[nb++] = (uint8_t)(hi * 16 + lo);
        }
        if ((rc = new_const(out, &v, c, &t))) return rc;
        return silt_column_append_bytes(v, bytes, nb) ? sql_oom(c) : 0;
    }
    if (a->tok.kind == TK_STRING) {
        silt_field t = sql_type(SILT_TYPE_STRING);
        if ((rc = new_const(out, &v, c, &t))) return rc;
        return silt_column_append_bytes(v, a->tok.text, a->tok.len) ? sql_oom(c) : 0;
    }
    return number_lit(out, &v, c, &a->tok);
}

sql_expr *sql_col_ref(sql_ctx *c, int index, const silt_field *type, const char *name)
{
    sql_expr *e = sql_ctx_alloc(c, sizeof *e);
    if (!e) return NULL;
    e->kind = E_COL;
    e->index = index;
    e->name = name;
    if (sql_field_dup(c->a, &e->type, type, "")) {
        sql_oom(c);
        return NULL;
    }
    return e;
}

static int unknown_column(sql_ctx *c, const sql_scope *s, const sql_ast *a)
{
    const char *cand[256];
    size_t n = 0;
    for (size_t i = 0; i < s->n && n < 256; i++) cand[n++] = s->cols[i].name;
    const char *name = a->parts[a->n_parts > 1 ? 1 : 0];
    const char *best = silt_suggest(a->parts[0], cand, n);
    if (!best && a->n_parts > 1) best = silt_suggest(name, cand, n);
    char avail[300] = "";
    size_t len = 0;
    for (size_t i = 0; i < s->n && len < 250; i++)
        len += (size_t)snprintf(avail + len, sizeof avail - len, "%s%s", i ? ", " : "",
                                s->cols[i].name);
    if (best)
        return sql_error_at(c->err, SILT_EINVAL, c->text, a->pos,
                            "unknown column '%s' (did you mean '%s'?)", a->parts[0], best);
    return sql_error_at(c->err, SILT_EINVAL, c->text, a->pos, "unknown column '%s' (columns: %s)",
                        a->parts[0], s->n ? avail : "none: the query has no FROM");
}

/* Finds parts[0] (or parts[0].parts[1] as qualifier.column); *used_parts = parts consumed. */
static int find_col(const sql_scope *s, const sql_ast *a, size_t *used_parts, bool *ambiguous)
{
    int hit = -1;
    *ambiguous = false;
    if (a->n_parts > 1) {
        for (size_t i = 0; i < s->n; i++)
            if (s->cols[i].qual && !strcasecmp(s->cols[i].qual, a->parts[0]) &&
                !strcasecmp(s->cols[i].name, a->parts[1])) {
                *used_parts = 2;
                return (int)i;
            }
    }
    for (size_t i = 0; i < s->n; i++)
        if (!s->cols[i].hidden && !strcasecmp(s->cols[i].name, a->parts[0])) {
            if (hit >= 0) *ambiguous = true;
            if (hit < 0) hit = (int)i;
        }
    *used_parts = 1;
    return hit;
}

int sql_bind_field(sql_expr **out, sql_ctx *c, sql_expr *base, const char *name, int pos);
int sql_bind_field(sql_expr **out, sql_ctx *c, sql_expr *base, const char *name, int pos)
{
    const silt_field *t = &base->type;
    char tb[128];
    if (t->type != SILT_TYPE_STRUCT)
        return sql_error_at(c->err, SILT_EINVAL, c->text, pos,
                            "cannot take field '%s' of a %s value (only structs have fields)", name,
                            sql_type_str(t, tb, sizeof tb));
    for (size_t k = 0; k < t->n_children; k++) {
        if (strcasecmp(t->children[k].name, name)) continue;
        sql_expr *e = sql_ctx_alloc(c, sizeof *e);
        sql_expr **args = sql_ctx_alloc(c, sizeof *args);
        if (!e || !args || sql_field_dup(c->a, &e->type, &t->children[k], "")) return sql_oom(c);
        e->type.nullable = true;
        e->kind = E_FIELD;
        e->index = (int)k;
        args[0] = base;
        e->args = args;
        e->n_args = 1;
        e->name = t->children[k].name;
        *out = e;
        return sql_fold(out, c);
    }
    const char *cand[256];
    size_t n = 0;
    for (size_t k = 0; k < t->n_children && n < 256; k++) cand[n++] = t->children[k].name;
    const char *best = silt_suggest(name, cand, n);
    return sql_error_at(c->err, SILT_EINVAL, c->text, pos, "struct has no field '%s'%s%s%s", name,
                        best ? " (did you mean '" : "", best ? best : "", best ? "'?)" : "");
}

int sql_bind_fn_named(sql_expr **out, sql_ctx *c, const char *name, sql_expr **args, size_t n,
                      int pos);
int sql_bind_column(sql_expr **out, sql_ctx *c, const sql_scope *s, const sql_ast *a);
int sql_bind_column(sql_expr **out, sql_ctx *c, const sql_scope *s, const sql_ast *a)
{
    size_t used;
    bool amb;
    int i = find_col(s, a, &used, &amb);
    if (i < 0 && a->n_parts == 1 &&
        (!strcasecmp(a->parts[0], "current_date") ||
         !strcasecmp(a->parts[0], "current_timestamp"))) {
        char name[32];
        snprintf(name, sizeof name, "%s", a->parts[0]);
        for (char *p = name; *p; p++) *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        return sql_bind_fn_named(out, c, name, NULL, 0, a->pos); /* Spark's niladic forms */
    }
    if (i < 0) return unknown_column(c, s, a);
    if (amb && used == 1)
        return sql_error_at(c->err, SILT_EINVAL, c->text, a->pos,
                            "column '%s' is ambiguous: qualify it with its table alias",
                            a->parts[0]);
    if (s->cols[i].used) *s->cols[i].used = true;
    sql_expr *e = sql_col_ref(c, i, s->cols[i].type, s->cols[i].name);
    if (!e) return SILT_ENOMEM;
    e->pos = a->pos;
    for (size_t k = used; k < a->n_parts; k++) {
        int rc = sql_bind_field(&e, c, e, a->parts[k], a->pos);
        if (rc) return rc;
    }
    *out = e;
    return 0;
}
