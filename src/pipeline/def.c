/* A pipeline file parsed into its definition (def.h): ${NAME} substitution, the statements as
 * sql/ parses them copied into owned tables with their locations, then names resolved, the
 * graph ordered and the queries rewritten (def_graph.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pipeline/def_int.h"
#include "util/alloc.h"
#include "util/buf.h"

static char *dup_or_null(const char *s, int *rc)
{
    if (!s) return NULL;
    char *d = silt_strdup(s);
    if (!d) *rc = SILT_ENOMEM;
    return d;
}

static char *dup_span(const char *text, silt_sql_pl_span sp, int *rc)
{
    char *d = silt_strndup(text + sp.start, (size_t)(sp.end - sp.start));
    if (!d) *rc = SILT_ENOMEM;
    return d;
}

static char *join_path(const char *lake, const char *name, int *rc)
{
    size_t n = strlen(lake);
    silt_buf b = SILT_BUF_INIT;
    silt_buf_printf(&b, "%s%s%s", lake, n && lake[n - 1] == '/' ? "" : "/", name);
    silt_buf_cstr(&b);
    if (silt_buf_oom(&b)) {
        silt_buf_free(&b);
        *rc = SILT_ENOMEM;
        return NULL;
    }
    return (char *)silt_buf_detach(&b, NULL);
}

static silt_pipeline_action action_of(silt_sql_pl_action a)
{
    switch (a) {
    case SILT_SQL_PL_ON_DROP: return SILT_PIPELINE_ON_DROP;
    case SILT_SQL_PL_ON_FAIL: return SILT_PIPELINE_ON_FAIL;
    case SILT_SQL_PL_ON_QUARANTINE: return SILT_PIPELINE_ON_QUARANTINE;
    default: return SILT_PIPELINE_ON_NONE;
    }
}

/* Expectations, columns, partition columns and properties of one statement. */
static int copy_lists(silt_pipeline_table *t, def_tmap *m, const silt_sql_pl_stmt *s,
                      const def_text *tx)
{
    int rc = 0;
    if ((s->n_constraints && !(t->expects = silt_calloc(s->n_constraints, sizeof *t->expects))) ||
        (s->n_constraints &&
         !(m->expect_pos = silt_calloc(s->n_constraints, sizeof *m->expect_pos))) ||
        (s->n_columns && !(t->columns = silt_calloc(s->n_columns, sizeof *t->columns))) ||
        (s->n_partition_by &&
         !(t->partition_by = silt_calloc(s->n_partition_by, sizeof *t->partition_by))) ||
        (s->n_properties &&
         !(t->properties = silt_calloc(s->n_properties, sizeof(*t->properties)))))
        return SILT_ENOMEM;
    for (size_t k = 0; k < s->n_constraints; k++, t->n_expects++) {
        silt_pipeline_expect *e = &t->expects[k];
        e->name = dup_or_null(s->constraints[k].name, &rc);
        e->expr = dup_span(tx->text, s->constraints[k].expr, &rc);
        e->action = action_of(s->constraints[k].action);
        e->line = def_line(tx, (size_t)s->constraints[k].pos);
        m->expect_pos[k] = (size_t)s->constraints[k].expr.start;
    }
    for (size_t k = 0; k < s->n_columns; k++, t->n_columns++) {
        silt_pipeline_column *c = &t->columns[k];
        c->name = dup_or_null(s->columns[k].name, &rc);
        c->type = dup_or_null(s->columns[k].type, &rc);
        c->comment = dup_or_null(s->columns[k].comment, &rc);
        c->not_null = s->columns[k].not_null;
    }
    for (size_t k = 0; k < s->n_partition_by; k++, t->n_partition_by++)
        t->partition_by[k] = dup_or_null(s->partition_by[k], &rc);
    for (size_t k = 0; k < s->n_properties; k++, t->n_properties++) {
        t->properties[k].key = dup_or_null(s->properties[k].key, &rc);
        t->properties[k].value = dup_or_null(s->properties[k].value, &rc);
    }
    return rc;
}

static int build_table(silt_pipeline_def *d, silt_pipeline_table *t, const silt_sql_pl_stmt *s,
                       const def_text *tx, silt_error *err)
{
    int rc = 0;
    t->kind = s->kind == SILT_SQL_PL_STREAMING_TABLE ? SILT_PIPELINE_STREAMING_TABLE
                                                     : SILT_PIPELINE_MATERIALIZED_VIEW;
    t->line = def_line(tx, (size_t)s->pos);
    t->name = dup_or_null(s->name, &rc);
    t->comment = dup_or_null(s->comment, &rc);
    if (s->location && !s->location[0])
        return def_fail(err, tx, (size_t)s->location_pos, "LOCATION is empty");
    t->location = s->location ? dup_or_null(s->location, &rc) : join_path(d->lake, s->name, &rc);
    size_t qs = def_orig_pos(tx, (size_t)s->query.start),
           qe = def_orig_pos(tx, (size_t)s->query.end);
    if (!(t->query_text = silt_strndup(tx->orig + qs, qe - qs))) rc = SILT_ENOMEM;
    t->has_watermark = s->has_watermark;
    t->watermark_delay_us = s->watermark_delay_us;
    t->watermark_column = dup_or_null(s->watermark_column, &rc);
    if (!rc) rc = copy_lists(t, &d->src->maps[d->n_tables - 1], s, tx);
    return rc ? silt_error_set(err, rc, "out of memory") : 0;
}

static int build(silt_pipeline_def *d, const silt_sql_pl_stmt *st, size_t n, const def_text *tx,
                 silt_error *err)
{
    if (!n)
        return def_fail(err, tx, 0,
                        "no table: a pipeline file holds CREATE OR REFRESH "
                        "STREAMING TABLE / MATERIALIZED VIEW statements");
    if (!(d->tables = silt_calloc(n, sizeof *d->tables)) ||
        !(d->src->maps = silt_calloc(n, sizeof *d->src->maps)))
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        int prev = silt_pipeline_def_find(d, st[i].name);
        if (prev >= 0)
            return def_fail(err, tx, (size_t)st[i].name_pos,
                            "table '%s' is defined twice (first on line %d)", st[i].name,
                            d->tables[prev].line);
        int rc = build_table(d, &d->tables[d->n_tables++], &st[i], tx, err);
        if (rc) return rc;
    }
    return 0;
}

static int parse_text(silt_pipeline_def *d, const def_text *tx, silt_error *err)
{
    silt_sql_pl_file *pf = NULL;
    int rc = silt_sql_pl_parse(&pf, tx->text, err);
    if (rc == SILT_EINVAL) {
        char msg[SILT_ERROR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", err ? err->msg : "syntax error");
        return def_fail(err, tx, err && err->offset >= 0 ? (size_t)err->offset : 0, "%s", msg);
    }
    if (rc) return rc;
    size_t n;
    const silt_sql_pl_stmt *st = silt_sql_pl_stmts(pf, &n);
    if (!(rc = build(d, st, n, tx, err)) && !(rc = def_resolve(d, st, tx, err)) &&
        !(rc = def_order(d, st, tx, err)))
        rc = def_rewrite(d, st, tx, err);
    silt_sql_pl_free(pf);
    return rc;
}

/* Drops the trailing '/'s of a lake ("az://c/lake/" -> "az://c/lake"), so "<lake>/_event_log"
 * names one object on a store where "a//b" is not "a/b"; a root "/" and "file:///" stay. */
static void trim_slashes(char *lake)
{
    size_t e = strlen(lake);
    while (e > 0 && lake[e - 1] == '/') e--;
    if (e == 0 && lake[0])
        lake[1] = '\0'; /* "/", "//" -> "/" */
    else if (e > 0 && lake[e - 1] != ':')
        lake[e] = '\0';
}

int silt_pipeline_def_parse(silt_pipeline_def **out, const char *text, const char *file_name,
                            const silt_pipeline_parse_opts *opts, silt_error *err)
{
    *out = NULL;
    int rc;
    silt_pipeline_def *d = silt_calloc(1, sizeof *d);
    if (!d || !(d->file = silt_strdup(file_name ? file_name : "<pipeline>")) ||
        !(d->lake = silt_strdup(opts && opts->lake ? opts->lake : "./lake")) ||
        !(d->src = silt_calloc(1, sizeof *d->src)) || !(d->src->orig = silt_strdup(text))) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto fail;
    }
    trim_slashes(d->lake);
    if ((rc = def_substitute(&d->src->tx, d->src->orig, d->file, opts, err)) ||
        (rc = parse_text(d, &d->src->tx, err)))
        goto fail;
    *out = d;
    return 0;
fail:
    silt_pipeline_def_destroy(d);
    return rc;
}

int silt_pipeline_def_load(silt_pipeline_def **out, const char *path,
                           const silt_pipeline_parse_opts *opts, silt_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return silt_error_set_errno(err, SILT_EIO, errno, "cannot open %s", path);
    silt_buf b = SILT_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f))) silt_buf_append(&b, chunk, n);
    int rd = ferror(f);
    fclose(f);
    silt_buf_cstr(&b);
    int rc;
    if (rd)
        rc = silt_error_set(err, SILT_EIO, "cannot read %s", path);
    else if (silt_buf_oom(&b))
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory reading %s", path);
    else if (memchr(b.ptr, 0, b.len))
        rc = silt_error_set(err, SILT_EINVAL, "%s: a pipeline file is text (it holds a NUL byte)",
                            path);
    else
        rc = silt_pipeline_def_parse(out, (const char *)b.ptr, path, opts, err);
    silt_buf_free(&b);
    return rc;
}

static void free_kvs(silt_pipeline_kv *kv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        silt_free(kv[i].key);
        silt_free(kv[i].value);
    }
    silt_free(kv);
}

static void free_table(silt_pipeline_table *t)
{
    for (size_t i = 0; i < t->n_expects; i++) {
        silt_free(t->expects[i].name);
        silt_free(t->expects[i].expr);
    }
    for (size_t i = 0; i < t->n_columns; i++) {
        silt_free(t->columns[i].name);
        silt_free(t->columns[i].type);
        silt_free(t->columns[i].comment);
    }
    for (size_t i = 0; i < t->n_sources; i++) {
        silt_free(t->sources[i].input_name);
        silt_free(t->sources[i].path);
        free_kvs(t->sources[i].args, t->sources[i].n_args);
    }
    for (size_t i = 0; i < t->n_partition_by; i++) silt_free(t->partition_by[i]);
    free_kvs(t->properties, t->n_properties);
    silt_free(t->expects);
    silt_free(t->columns);
    silt_free(t->sources);
    silt_free(t->partition_by);
    silt_free(t->reads);
    silt_free(t->name);
    silt_free(t->location);
    silt_free(t->comment);
    silt_free(t->query);
    silt_free(t->bind_query);
    silt_free(t->query_text);
    silt_free(t->watermark_column);
}

static void free_src(struct silt_pipeline_def_src *src, size_t n)
{
    if (!src) return;
    for (size_t i = 0; src->maps && i < n; i++) {
        silt_free(src->maps[i].segs);
        silt_free(src->maps[i].expect_pos);
    }
    silt_free(src->maps);
    def_text_free(&src->tx);
    silt_free(src->orig);
    silt_free(src);
}

void silt_pipeline_def_destroy(silt_pipeline_def *d)
{
    if (!d) return;
    free_src(d->src, d->n_tables);
    for (size_t i = 0; i < d->n_tables; i++) free_table(&d->tables[i]);
    silt_free(d->tables);
    silt_free(d->order);
    silt_free(d->file);
    silt_free(d->lake);
    silt_free(d);
}

int silt_pipeline_def_find(const silt_pipeline_def *d, const char *name)
{
    for (size_t i = 0; d && name && i < d->n_tables; i++)
        if (d->tables[i].name && !strcasecmp(d->tables[i].name, name)) return (int)i;
    return -1;
}

int silt_pipeline_def_error_at(silt_error *err, const silt_pipeline_def *d, int table, int expect,
                               size_t offset, const char *msg)
{
    if (!d || !d->src || !d->src->maps || table < 0 || (size_t)table >= d->n_tables ||
        (expect >= 0 && (size_t)expect >= d->tables[table].n_expects))
        return silt_error_set(err, SILT_EINVAL, "%s", msg);
    const def_tmap *m = &d->src->maps[table];
    size_t pos = 0;
    if (expect >= 0) {
        pos = m->expect_pos[expect] + offset;
    } else {
        for (size_t i = 0; i < m->n_segs; i++) {
            const def_qseg *g = &m->segs[i];
            pos = g->s_start + (g->replaced ? 0 : offset - g->q_start);
            if (offset < g->q_end) break;
        }
    }
    return def_fail(err, &d->src->tx, pos, "%s", msg);
}
