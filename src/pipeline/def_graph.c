/* The pipeline's graph: STREAM sources and whole-table reads resolved to tables of the file
 * (nearest name suggested), read_kafka / read_files arguments checked, cycles refused with the
 * cycle named, a topological order, and each query rewritten for silt_sql_prepare. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pipeline/def_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/suggest.h"

static int unknown_table(const silt_pipeline_def *d, const def_text *tx, int pos, const char *name,
                         bool stream, silt_error *err)
{
    const char *cand[256];
    size_t n = 0;
    for (size_t i = 0; i < d->n_tables && n < 256; i++) cand[n++] = d->tables[i].name;
    const char *best = n ? silt_suggest(name, cand, n) : NULL;
    char what[160];
    snprintf(what, sizeof what, "%s%s%s: ", stream ? "STREAM(" : "FROM ", name, stream ? ")" : "");
    if (best)
        return def_fail(err, tx, (size_t)pos,
                        "%sno table '%s' in this pipeline; did you mean '%s'?", what, name, best);
    silt_buf b = SILT_BUF_INIT;
    for (size_t i = 0; i < n && i < 6; i++)
        silt_buf_printf(&b, "%s%s", i ? ", " : "", i == 5 ? "..." : cand[i]);
    silt_buf_cstr(&b);
    int rc = def_fail(err, tx, (size_t)pos,
                      "%sno table '%s' in this pipeline (its tables: %s); read a table from "
                      "elsewhere as delta.`path`",
                      what, name, b.ptr ? (char *)b.ptr : "none");
    silt_buf_free(&b);
    return rc;
}

/* base, or base_2, base_3, ... : the first not yet taken by t's sources. */
static char *unique_input(const silt_pipeline_table *t, const char *base)
{
    char name[300];
    snprintf(name, sizeof name, "%s", base);
    for (int k = 2;; k++) {
        bool taken = false;
        for (size_t i = 0; i < t->n_sources && !taken; i++)
            taken = t->sources[i].input_name && !strcasecmp(t->sources[i].input_name, name);
        if (!taken) return silt_strdup(name);
        snprintf(name, sizeof name, "%s_%d", base, k);
    }
}

static const silt_sql_pl_arg *find_arg(const silt_sql_pl_source *s, const char *key)
{
    for (size_t i = 0; i < s->n_args; i++)
        if (s->args[i].key && !strcasecmp(s->args[i].key, key)) return &s->args[i];
    return NULL;
}

/* read_kafka(name => value, ...) needs bootstrapServers and subscribe; read_files('dir', ...)
 * reads json, csv or parquet. */
static int check_fn_args(const silt_sql_pl_source *s, const def_text *tx, silt_error *err)
{
    bool kafka = s->kind == SILT_SQL_PL_SRC_KAFKA;
    for (size_t i = 0; i < s->n_args; i++)
        if (!s->args[i].key && (kafka || i > 0))
            return def_fail(err, tx, (size_t)s->args[i].pos,
                            "%s takes %snamed arguments: name => 'value'", s->name,
                            kafka ? "" : "the folder, then ");
    if (kafka) {
        static const char *const need[] = {"bootstrapServers", "subscribe"};
        for (size_t k = 0; k < 2; k++)
            if (!find_arg(s, need[k]))
                return def_fail(err, tx, (size_t)s->pos, "read_kafka needs %s => '%s'", need[k],
                                k ? "topic" : "host:port");
        return 0;
    }
    if (!s->n_args || s->args[0].key || !s->args[0].value[0])
        return def_fail(err, tx, (size_t)s->pos,
                        "read_files needs the folder first: read_files('dir', format => 'json')");
    const silt_sql_pl_arg *f = find_arg(s, "format");
    if (f && strcasecmp(f->value, "json") && strcasecmp(f->value, "csv") &&
        strcasecmp(f->value, "parquet"))
        return def_fail(err, tx, (size_t)f->pos,
                        "read_files reads format => 'json' (JSON lines), 'csv' or 'parquet', "
                        "not '%s'",
                        f->value);
    return 0;
}

static int copy_args(silt_pipeline_source *o, const silt_sql_pl_source *s)
{
    size_t first = s->kind == SILT_SQL_PL_SRC_FILES ? 1 : 0;
    if (first && !(o->path = silt_strdup(s->args[0].value))) return SILT_ENOMEM;
    if (s->n_args > first && !(o->args = silt_calloc(s->n_args - first, sizeof *o->args)))
        return SILT_ENOMEM;
    for (size_t i = first; i < s->n_args; i++) {
        silt_pipeline_kv *kv = &o->args[o->n_args++]; /* counted first: freed even half-made */
        if (!(kv->key = silt_strdup(s->args[i].key)) ||
            !(kv->value = silt_strdup(s->args[i].value)))
            return SILT_ENOMEM;
    }
    return 0;
}

static int resolve_source(silt_pipeline_def *d, silt_pipeline_table *t, const silt_sql_pl_source *s,
                          const def_text *tx, silt_error *err)
{
    silt_pipeline_source *o = &t->sources[t->n_sources];
    o->upstream = -1;
    int rc;
    if (s->kind == SILT_SQL_PL_SRC_TABLE) {
        o->kind = SILT_PIPELINE_SRC_TABLE;
        if ((o->upstream = silt_pipeline_def_find(d, s->name)) < 0)
            return unknown_table(d, tx, s->pos, s->name, true, err);
        if (d->tables[o->upstream].kind == SILT_PIPELINE_MATERIALIZED_VIEW)
            return def_fail(err, tx, (size_t)s->pos,
                            "STREAM(%s): '%s' is a materialized view, rewritten as its inputs "
                            "change, so it cannot be read as a stream: read it whole (FROM %s) "
                            "or make it a STREAMING TABLE",
                            s->name, d->tables[o->upstream].name, s->name);
        o->input_name = unique_input(t, d->tables[o->upstream].name);
    } else {
        o->kind =
            s->kind == SILT_SQL_PL_SRC_KAFKA ? SILT_PIPELINE_SRC_KAFKA : SILT_PIPELINE_SRC_FILES;
        if ((rc = check_fn_args(s, tx, err))) return rc;
        o->input_name = unique_input(t, s->name);
        if ((rc = copy_args(o, s))) {
            t->n_sources++;
            return silt_error_set(err, rc, "out of memory");
        }
    }
    t->n_sources++;
    return o->input_name ? 0 : silt_error_set(err, SILT_ENOMEM, "out of memory");
}

static int resolve_reads(silt_pipeline_def *d, silt_pipeline_table *t, const silt_sql_pl_stmt *s,
                         const def_text *tx, silt_error *err)
{
    if (s->n_reads && !(t->reads = silt_calloc(s->n_reads, sizeof *t->reads)))
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (size_t k = 0; k < s->n_reads; k++) {
        int up = silt_pipeline_def_find(d, s->reads[k].name);
        if (up < 0) return unknown_table(d, tx, s->reads[k].pos, s->reads[k].name, false, err);
        bool seen = false;
        for (size_t j = 0; j < t->n_reads; j++) seen = seen || t->reads[j] == up;
        if (!seen) t->reads[t->n_reads++] = up;
    }
    return 0;
}

int def_resolve(silt_pipeline_def *d, const silt_sql_pl_stmt *st, const def_text *tx,
                silt_error *err)
{
    for (size_t i = 0; i < d->n_tables; i++) {
        silt_pipeline_table *t = &d->tables[i];
        const silt_sql_pl_stmt *s = &st[i];
        if (t->kind == SILT_PIPELINE_MATERIALIZED_VIEW && s->n_sources)
            return def_fail(err, tx, (size_t)s->sources[0].span.start,
                            "materialized view '%s' reads a STREAM: a materialized view reads "
                            "its inputs whole (drop STREAM), a STREAMING TABLE reads streams",
                            t->name);
        if (t->kind == SILT_PIPELINE_STREAMING_TABLE && !s->n_sources)
            return def_fail(err, tx, (size_t)s->query.start,
                            "streaming table '%s' reads no STREAM: read STREAM(table), STREAM "
                            "read_kafka(...) or STREAM read_files(...), or make it a "
                            "MATERIALIZED VIEW",
                            t->name);
        if (s->n_sources + s->n_reads > 64)
            return def_fail(err, tx, (size_t)s->query.start,
                            "the query of '%s' reads more than 64 tables and sources", t->name);
        if (s->n_sources && !(t->sources = silt_calloc(s->n_sources, sizeof *t->sources)))
            return silt_error_set(err, SILT_ENOMEM, "out of memory");
        int rc;
        for (size_t k = 0; k < s->n_sources; k++)
            if ((rc = resolve_source(d, t, &s->sources[k], tx, err))) return rc;
        if ((rc = resolve_reads(d, t, s, tx, err))) return rc;
        t->is_bronze = s->passthrough && t->sources[0].kind == SILT_PIPELINE_SRC_KAFKA;
    }
    return 0;
}

/* The upstream tables of table i (at most cap). */
static size_t deps(const silt_pipeline_def *d, size_t i, int *up, size_t cap)
{
    size_t n = 0;
    const silt_pipeline_table *t = &d->tables[i];
    for (size_t k = 0; k < t->n_sources && n < cap; k++)
        if (t->sources[k].upstream >= 0) up[n++] = t->sources[k].upstream;
    for (size_t k = 0; k < t->n_reads && n < cap; k++) up[n++] = t->reads[k];
    return n;
}

/* Where statement s names table name (a STREAM source or a read). */
static int pos_of(const silt_sql_pl_stmt *s, const char *name)
{
    for (size_t k = 0; k < s->n_sources; k++)
        if (s->sources[k].kind == SILT_SQL_PL_SRC_TABLE && !strcasecmp(s->sources[k].name, name))
            return s->sources[k].pos;
    for (size_t k = 0; k < s->n_reads; k++)
        if (!strcasecmp(s->reads[k].name, name)) return s->reads[k].pos;
    return s->query.start;
}

typedef struct dfs {
    const silt_pipeline_def *d;
    const silt_sql_pl_stmt *st;
    const def_text *tx;
    char *color;
    int *stack;
    size_t depth;
    silt_error *err;
} dfs;

static int cycle_error(dfs *g, size_t from, int pos)
{
    silt_buf b = SILT_BUF_INIT;
    if (from == g->depth - 1)
        return def_fail(g->err, g->tx, (size_t)pos, "table '%s' reads itself",
                        g->d->tables[g->stack[from]].name);
    size_t len = g->depth - from;
    for (size_t k = from; k < g->depth; k++) {
        if (len > 8 && k == from + 3) silt_buf_printf(&b, "... (%zu more) -> ", len - 6);
        if (len > 8 && k >= from + 3 && k < g->depth - 3) continue;
        silt_buf_printf(&b, "%s -> ", g->d->tables[g->stack[k]].name);
    }
    silt_buf_puts(&b, g->d->tables[g->stack[from]].name);
    silt_buf_cstr(&b);
    int rc = def_fail(g->err, g->tx, (size_t)pos,
                      "the tables read each other in a cycle: %s (each reads the next)",
                      b.ptr ? (char *)b.ptr : "?");
    silt_buf_free(&b);
    return rc;
}

static int visit(dfs *g, int i)
{
    int up[64];
    g->color[i] = 1;
    g->stack[g->depth++] = i;
    size_t n = deps(g->d, (size_t)i, up, 64);
    for (size_t k = 0; k < n; k++) {
        if (g->color[up[k]] == 1) {
            size_t from = 0;
            while (g->stack[from] != up[k]) from++;
            return cycle_error(g, from, pos_of(&g->st[i], g->d->tables[up[k]].name));
        }
        int rc = g->color[up[k]] ? 0 : visit(g, up[k]);
        if (rc) return rc;
    }
    g->color[i] = 2;
    g->depth--;
    return 0;
}

int def_order(silt_pipeline_def *d, const silt_sql_pl_stmt *st, const def_text *tx, silt_error *err)
{
    size_t n = d->n_tables;
    dfs g = {d, st, tx, silt_calloc(n, 1), silt_calloc(n, sizeof(int)), 0, err};
    int rc = 0;
    if (!g.color || !g.stack || !(d->order = silt_calloc(n, sizeof *d->order))) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n && !rc; i++)
        if (!g.color[i]) rc = visit(&g, (int)i);
    /* sources before readers; among the ready ones, file order */
    memset(g.color, 0, n);
    for (size_t k = 0; k < n && !rc; k++) {
        for (size_t i = 0; i < n; i++) {
            int up[64];
            if (g.color[i]) continue;
            size_t m = deps(d, i, up, 64), j = 0;
            while (j < m && g.color[up[j]]) j++;
            if (j == m) {
                g.color[i] = 1;
                d->order[k] = (int)i;
                break;
            }
        }
    }
done:
    silt_free(g.color);
    silt_free(g.stack);
    return rc;
}
