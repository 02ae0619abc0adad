/* The query of a pipeline statement: STREAM sources (STREAM(t), STREAM t, STREAM read_kafka(...),
 * STREAM read_files(...)), LIVE.t names and the WATERMARK clause are taken out of the tokens
 * (each source becomes one name token), the rest is parsed by the SQL parser, and the syntax
 * tree tells which FROM / JOIN names are tables read whole (not WITH queries). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sql/pipeline_int.h"
#include "util/suggest.h"

/* The query being rewritten: the tokens handed to the SQL parser, and LIVE.t spans. */
typedef struct pl_q {
    sql_parser *p;
    silt_sql_pl_stmt *st;
    sql_tok *nt;
    size_t n_nt;
    silt_sql_pl_read *live; /* LIVE.t names: pos and span (the name filled in later) */
    size_t n_live, cap_live, cap_src;
} pl_q;

static bool tk_kw(const sql_parser *p, size_t j, const char *kw)
{
    return j < p->n && p->t[j].kind == TK_IDENT && !strcasecmp(p->t[j].text, kw);
}

static bool tk_op(const sql_parser *p, size_t j, const char *op)
{
    return j < p->n && p->t[j].kind == TK_OP && !strcmp(p->t[j].op, op);
}

/* A name: quoted, or a bare word that is not a reserved keyword. */
static bool tk_name(const sql_parser *p, size_t j)
{
    return j < p->n &&
           (p->t[j].kind == TK_QIDENT || (p->t[j].kind == TK_IDENT && !sp_reserved(p->t[j].text)));
}

static void emit(pl_q *q, const sql_tok *t)
{
    q->nt[q->n_nt++] = *t;
}

/* One synthesized name token at pos (the parser sees a table name there). */
static void emit_name(pl_q *q, const char *name, int pos)
{
    sql_tok t = {.kind = TK_QIDENT, .text = name, .len = strlen(name), .pos = pos};
    emit(q, &t);
}

/* (arg, ...) of read_kafka / read_files: name => literal, or a literal. */
static int parse_args(sql_parser *p, silt_sql_pl_source *s)
{
    size_t cap = 0;
    int rc = sp_expect_op(p, "(");
    if (rc || sp_accept_op(p, ")")) return rc;
    do {
        silt_sql_pl_arg *a = pl_grow(p, (void **)&s->args, &s->n_args, &cap, sizeof *a);
        if (!a) return SILT_ENOMEM;
        a->pos = sp_peek(p)->pos;
        if (tk_name(p, p->i) && tk_op(p, p->i + 1, "=") && tk_op(p, p->i + 2, ">") &&
            p->t[p->i + 2].pos == p->t[p->i + 1].pos + 1) {
            a->key = p->t[p->i].text;
            p->i += 3;
        } else if (s->n_args > 1 && s->args[s->n_args - 2].key) {
            return sp_fail(p, "a named argument (name => value) after named ones");
        }
        if ((rc = pl_literal(p, &a->value))) return rc;
    } while (sp_accept_op(p, ","));
    return sp_expect_op(p, ")");
}

static int source_fn(sql_parser *p, silt_sql_pl_source *s)
{
    static const char *const fns[] = {"read_kafka", "read_files"};
    const char *name = p->t[p->i].text;
    if (!strcasecmp(name, fns[0])) {
        s->kind = SILT_SQL_PL_SRC_KAFKA;
    } else if (!strcasecmp(name, fns[1])) {
        s->kind = SILT_SQL_PL_SRC_FILES;
    } else {
        const char *best = silt_suggest(name, fns, 2);
        return pl_error(p, s->pos,
                        "STREAM %s(...): unknown source%s%s%s; STREAM reads a table of the "
                        "pipeline, read_kafka(...) or read_files(...)",
                        name, best ? " (did you mean " : "", best ? best : "", best ? "?)" : "");
    }
    s->name = fns[s->kind == SILT_SQL_PL_SRC_KAFKA ? 0 : 1];
    p->i++;
    return parse_args(p, s);
}

/* STREAM at p->i: the source up to its last token. */
static int stream_source(pl_q *q)
{
    sql_parser *p = q->p;
    silt_sql_pl_stmt *st = q->st;
    silt_sql_pl_source *s =
        pl_grow(p, (void **)&st->sources, &st->n_sources, &q->cap_src, sizeof *s);
    if (!s) return SILT_ENOMEM;
    int rc, start = p->t[p->i++].pos;
    bool paren = sp_accept_op(p, "(");
    if (tk_kw(p, p->i, "live") && tk_op(p, p->i + 1, ".")) p->i += 2;
    s->pos = sp_peek(p)->pos;
    if (!tk_name(p, p->i)) return sp_fail(p, "a table name, read_kafka(...) or read_files(...)");
    if (p->t[p->i].kind == TK_IDENT && tk_op(p, p->i + 1, "(")) {
        if ((rc = source_fn(p, s))) return rc;
    } else {
        s->kind = SILT_SQL_PL_SRC_TABLE;
        s->name = p->t[p->i++].text;
        if (sp_is_op(p, "."))
            return pl_error(p, s->pos, "name the table without catalog or schema");
    }
    if (paren && (rc = sp_expect_op(p, ")"))) return rc;
    s->span = (silt_sql_pl_span){start, pl_tok_end(p->text, &p->t[p->i - 1])};
    emit_name(q, s->name, start);
    return 0;
}

static int interval_unit(sql_parser *p, const char *u, int pos, int64_t *out)
{
    static const struct {
        const char *name;
        int64_t us;
    } units[] = {{"microsecond", 1},      {"millisecond", 1000},  {"second", 1000000},
                 {"minute", 60000000},    {"hour", 3600000000LL}, {"day", 86400000000LL},
                 {"week", 604800000000LL}};
    size_t n = strlen(u);
    for (size_t k = 0; k < sizeof units / sizeof units[0]; k++) {
        size_t m = strlen(units[k].name);
        if (!strncasecmp(u, units[k].name, m) && (n == m || (n == m + 1 && (u[m] | 32) == 's'))) {
            *out = units[k].us;
            return 0;
        }
    }
    return pl_error(p, pos,
                    "unknown interval unit '%s': use SECONDS, MINUTES, HOURS, DAYS, "
                    "MILLISECONDS or MICROSECONDS",
                    u);
}

/* INTERVAL n unit | INTERVAL 'n unit' */
static int parse_interval(sql_parser *p, int64_t *out)
{
    int rc = sp_expect_kw(p, "interval");
    if (rc) return rc;
    const sql_tok *t = sp_peek(p);
    char unit[32] = "";
    long long n = -1;
    int upos = t->pos;
    if (t->kind == TK_INT && tk_name(p, p->i + 1)) {
        n = strtoll(t->text, NULL, 10);
        upos = p->t[p->i + 1].pos;
        snprintf(unit, sizeof unit, "%s", p->t[p->i + 1].text);
        p->i += 2;
    } else if (t->kind == TK_STRING) {
        int used = 0;
        if (sscanf(t->text, " %lld %31[A-Za-z] %n", &n, unit, &used) < 2 || t->text[used])
            return pl_error(p, t->pos, "expected an interval such as '30 seconds'");
        p->i++;
    } else {
        return sp_fail(p, "a whole number and a unit (INTERVAL 30 SECONDS)");
    }
    int64_t us = 1;
    if ((rc = interval_unit(p, unit, upos, &us))) return rc;
    if (n < 0) return pl_error(p, t->pos, "a watermark's delay cannot be negative");
    if (n > INT64_MAX / us) return pl_error(p, t->pos, "the delay is out of range");
    *out = n * us;
    return 0;
}

/* WATERMARK col DELAY OF INTERVAL ... at p->i: into st, its tokens dropped. */
static int watermark(pl_q *q)
{
    sql_parser *p = q->p;
    silt_sql_pl_stmt *st = q->st;
    int rc, start = sp_peek(p)->pos;
    if (st->has_watermark)
        return pl_error(p, start, "a query has one WATERMARK (this is its second)");
    p->i++;
    if (!tk_name(p, p->i)) return sp_fail(p, "the event-time column after WATERMARK");
    st->watermark_pos = p->t[p->i].pos;
    st->watermark_column = p->t[p->i++].text;
    if ((rc = sp_expect_kw(p, "delay")) || (rc = sp_expect_kw(p, "of")) ||
        (rc = parse_interval(p, &st->watermark_delay_us)))
        return rc;
    st->has_watermark = true;
    st->watermark = (silt_sql_pl_span){start, pl_tok_end(p->text, &p->t[p->i - 1])};
    return 0;
}

/* After a source: [AS] alias and WATERMARK, in either order. */
static int after_source(pl_q *q)
{
    sql_parser *p = q->p;
    size_t k = p->i;
    if (tk_kw(p, k, "as") && tk_name(p, k + 1))
        k += 2;
    else if (p->t[k].kind == TK_QIDENT ||
             (p->t[k].kind == TK_IDENT && !sp_reserved(p->t[k].text) && !tk_kw(p, k, "watermark")))
        k++;
    if (!tk_kw(p, k, "watermark")) return 0;
    while (p->i < k) emit(q, &p->t[p->i++]);
    return watermark(q);
}

static bool after_from(const sql_parser *p, size_t i, size_t qs)
{
    return i > qs && (tk_kw(p, i - 1, "from") || tk_kw(p, i - 1, "join"));
}

/* Copies tokens [qs, qe) into q->nt, rewriting sources, LIVE.t and WATERMARK. */
static int rewrite_tokens(pl_q *q, size_t qs, size_t qe)
{
    sql_parser *p = q->p;
    int rc;
    for (p->i = qs; p->i < qe;) {
        size_t i = p->i;
        if (tk_kw(p, i, "stream") && after_from(p, i, qs) &&
            (tk_op(p, i + 1, "(") || tk_name(p, i + 1))) {
            if ((rc = stream_source(q)) || (rc = after_source(q))) return rc;
        } else if (tk_kw(p, i, "live") && after_from(p, i, qs) && tk_op(p, i + 1, ".") &&
                   tk_name(p, i + 2)) {
            silt_sql_pl_read *r =
                pl_grow(p, (void **)&q->live, &q->n_live, &q->cap_live, sizeof *r);
            if (!r) return SILT_ENOMEM;
            r->pos = p->t[i].pos;
            r->span = (silt_sql_pl_span){r->pos, pl_tok_end(p->text, &p->t[i + 2])};
            emit_name(q, p->t[i + 2].text, r->pos);
            p->i += 3;
        } else if (tk_kw(p, i, "watermark") && tk_name(p, i + 1) && tk_kw(p, i + 2, "delay")) {
            return pl_error(p, p->t[i].pos,
                            "WATERMARK goes right after a STREAM source: FROM STREAM(t) "
                            "WATERMARK col DELAY OF INTERVAL n SECONDS");
        } else {
            emit(q, &p->t[p->i++]);
        }
        if (p->i > qe)
            return pl_error(p, p->t[qe].pos, "the source is not closed before the query ends");
    }
    return 0;
}

typedef struct pl_scope {
    const sql_query *q;
    size_t n_ctes; /* the WITH names visible */
    const struct pl_scope *up;
} pl_scope;

static bool in_scope(const pl_scope *s, const char *name)
{
    for (; s; s = s->up)
        for (size_t i = 0; i < s->n_ctes; i++)
            if (!strcasecmp(s->q->ctes[i].name, name)) return true;
    return false;
}

static int walk_query(pl_q *q, const sql_query *qu, const pl_scope *up);

/* The original token at pos (binary search: tokens are in text order). */
static const sql_tok *tok_at(const sql_parser *p, int pos)
{
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (p->t[mid].pos < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return &p->t[lo < p->n ? lo : p->n - 1];
}

static int walk_table(pl_q *q, const sql_from *f, const pl_scope *sc)
{
    silt_sql_pl_stmt *st = q->st;
    for (size_t k = 0; k < st->n_sources; k++)
        if (st->sources[k].span.start == f->pos) {
            st->sources[k].has_alias = f->alias != NULL;
            return 0;
        }
    if (in_scope(sc, f->path)) return 0;
    silt_sql_pl_read *r = NULL;
    for (size_t k = 0; k < q->n_live && !r; k++)
        if (q->live[k].pos == f->pos) r = &q->live[k];
    size_t cap = st->n_reads; /* grows by doubling from its count */
    silt_sql_pl_read *nr = pl_grow(q->p, (void **)&st->reads, &st->n_reads, &cap, sizeof *nr);
    if (!nr) return SILT_ENOMEM;
    nr->name = f->path;
    nr->pos = f->pos;
    nr->has_alias = f->alias != NULL;
    nr->span =
        r ? r->span : (silt_sql_pl_span){f->pos, pl_tok_end(q->p->text, tok_at(q->p, f->pos))};
    return 0;
}

static int walk_from(pl_q *q, const sql_from *f, const pl_scope *sc)
{
    int rc;
    if (!f) return 0;
    switch (f->kind) {
    case F_TABLE: return f->format ? 0 : walk_table(q, f, sc);
    case F_SUBQUERY: return walk_query(q, f->sub, sc);
    case F_JOIN:
        if ((rc = walk_from(q, f->left, sc))) return rc;
        return walk_from(q, f->right, sc);
    }
    return 0;
}

static int walk_query(pl_q *q, const sql_query *qu, const pl_scope *up)
{
    int rc;
    for (size_t i = 0; i < qu->n_ctes; i++) {
        pl_scope s = {qu, i, up}; /* a WITH query sees the ones before it */
        if ((rc = walk_query(q, qu->ctes[i].q, &s))) return rc;
    }
    pl_scope s = {qu, qu->n_ctes, up};
    for (size_t i = 0; i < qu->n_blocks; i++)
        if ((rc = walk_from(q, qu->blocks[i]->from, &s))) return rc;
    return 0;
}

/* SELECT * FROM <the one source>, nothing else. */
static bool passthrough(const silt_sql_pl_stmt *st, const sql_query *qu)
{
    if (qu->n_ctes || qu->n_blocks != 1 || qu->n_order || qu->limit >= 0 || st->n_sources != 1 ||
        st->has_watermark)
        return false;
    const sql_select *b = qu->blocks[0];
    return !b->distinct && b->n_items == 1 && b->items[0].expr->kind == A_STAR &&
           b->items[0].expr->n_parts == 0 && b->from && b->from->kind == F_TABLE &&
           !b->from->format && b->from->pos == st->sources[0].span.start && !b->where &&
           !b->n_group && !b->group_all && !b->having;
}

int pl_parse_query(sql_parser *p, silt_sql_pl_stmt *st)
{
    size_t qs = p->i, qe = p->i;
    for (int depth = 0; p->t[qe].kind != TK_EOF; qe++) {
        if (tk_op(p, qe, "(")) depth++;
        if (tk_op(p, qe, ")")) depth--;
        if (depth <= 0 && tk_op(p, qe, ";")) break;
    }
    if (qe == qs) return sp_fail(p, "a query after AS");
    st->query = (silt_sql_pl_span){p->t[qs].pos, pl_tok_end(p->text, &p->t[qe - 1])};
    pl_q q = {.p = p, .st = st};
    if (!(q.nt = sp_alloc(p, (qe - qs + 1) * sizeof *q.nt))) return SILT_ENOMEM;
    int rc = rewrite_tokens(&q, qs, qe);
    if (rc) return rc;
    q.nt[q.n_nt] = p->t[qe];
    q.nt[q.n_nt].kind = TK_EOF;
    sql_parser sub = {q.nt, q.n_nt + 1, 0, p->a, p->text, p->err, 0};
    sql_query *qu;
    if ((rc = sp_query(&sub, &qu))) return rc;
    if (sp_peek(&sub)->kind != TK_EOF)
        return sp_fail(&sub, "the end of the query (or WHERE, GROUP BY, HAVING, ORDER BY, LIMIT, "
                             "UNION ALL)");
    if ((rc = walk_query(&q, qu, NULL))) return rc;
    st->passthrough = passthrough(st, qu);
    p->i = qe;
    return 0;
}
