/* Binding a pipeline before its tables exist: each query prepared in topological order over
 * named inputs (sources and whole-table reads) whose schemas come from bronze, read_files'
 * schema (given or inferred) or the upstream table's bound output; then the checks that need
 * the output schema. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pipeline/bind.h"
#include "pipeline/bronze.h"
#include "pipeline/files_src.h"
#include "sql/fn.h"
#include "sql/sql.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/suggest.h"

static const char *arg_of(const silt_pipeline_source *s, const char *key)
{
    for (size_t i = 0; i < s->n_args; i++)
        if (!strcasecmp(s->args[i].key, key)) return s->args[i].value;
    return NULL;
}

static int infer_files(silt_schema **out, const silt_pipeline_source *s, silt_error *err)
{
    silt_pipeline_files f;
    int rc = silt_pipeline_files_init(&f, s, err);
    if (!rc) rc = silt_pipeline_files_infer(out, &f, err);
    silt_pipeline_files_clear(&f);
    return rc;
}

int silt_pipeline_source_schema(silt_schema **out, const silt_pipeline_source *s,
                                silt_schema *const *tables, silt_error *err)
{
    *out = NULL;
    if (s->kind == SILT_PIPELINE_SRC_KAFKA) {
        *out = silt_bronze_schema();
    } else if (s->kind == SILT_PIPELINE_SRC_TABLE) {
        if (!tables || !tables[s->upstream])
            return silt_error_set(err, SILT_EINVAL, "%s: its table is not bound yet",
                                  s->input_name);
        *out = silt_schema_copy(tables[s->upstream]);
    } else {
        const char *ddl = arg_of(s, "schema");
        if (!ddl) return infer_files(out, s, err);
        int rc = silt_sql_ddl_parse(out, ddl, err);
        if (rc) silt_error_prefix(err, "read_files('%s', schema => ...)", s->path);
        return rc;
    }
    return *out ? 0 : silt_error_set(err, SILT_ENOMEM, "out of memory");
}

static long find_col(const silt_schema *s, const char *name)
{
    for (size_t i = 0; i < s->n_fields; i++)
        if (!strcasecmp(s->fields[i].name, name)) return (long)i;
    return -1;
}

static int no_col(const silt_pipeline_def *d, const silt_pipeline_table *t, const silt_schema *s,
                  const char *what, const char *name, silt_error *err)
{
    const char *cand[256];
    size_t n = 0;
    for (size_t i = 0; i < s->n_fields && n < 256; i++) cand[n++] = s->fields[i].name;
    const char *best = n ? silt_suggest(name, cand, n) : NULL;
    return silt_error_set(err, SILT_EINVAL,
                          "%s:%d: table '%s': %s '%s' is not a column of %s%s%s%s", d->file,
                          t->line, t->name, what, name,
                          strcmp(what, "watermark column") ? "its query's output" : "its stream",
                          best ? " (did you mean '" : "", best ? best : "", best ? "'?)" : "");
}

/* An error silt_sql_prepare set on sql, placed where its text is in the file: table's
 * bind_query, or (expect >= 0) that expectation's expr, which starts skip bytes into sql. */
static int place_error(silt_error *err, int rc, const silt_pipeline_def *d, int table, int expect,
                       const char *sql, size_t skip, const char *what)
{
    if (rc != SILT_EINVAL || !err || err->line < 1) {
        silt_error_prefix(err, "%s:%d: %s", d->file, d->tables[table].line, what);
        return rc;
    }
    size_t off = 0;
    for (int64_t line = 1; sql[off] && line < err->line; off++)
        if (sql[off] == '\n') line++;
    off += (size_t)(err->col > 0 ? err->col - 1 : 0);
    off = off > skip ? off - skip : 0;
    if (expect >= 0 && off > strlen(d->tables[table].expects[expect].expr))
        off = strlen(d->tables[table].expects[expect].expr);
    char *at = NULL;
    for (char *c = strstr(err->msg, " at line "); c; c = strstr(c + 1, " at line ")) at = c;
    if (at) *at = 0;
    char msg[SILT_ERROR_MSG_MAX + 320];
    snprintf(msg, sizeof msg, "%.300s: %s", what, err->msg);
    return silt_pipeline_def_error_at(err, d, table, expect, off, msg);
}

/* Each expectation is a boolean expression over the output columns. */
static int check_expects(const silt_pipeline_def *d, const silt_pipeline_table *t,
                         const silt_schema *out, silt_error *err)
{
    int ti = (int)(t - d->tables);
    for (size_t i = 0; i < t->n_expects; i++) {
        const silt_pipeline_expect *e = &t->expects[i];
        silt_buf q = SILT_BUF_INIT;
        silt_buf_printf(&q, "SELECT (%s) AS ok FROM t", e->expr); /* the expr at byte 8 */
        silt_buf_cstr(&q);
        silt_sql_input in = {"t", out};
        silt_sql_plan *p = NULL;
        int rc = silt_buf_oom(&q) ? SILT_ENOMEM : silt_sql_prepare(&p, (char *)q.ptr, &in, 1, err);
        char what[400];
        snprintf(what, sizeof what, "table '%.200s': CONSTRAINT %.100s", t->name, e->name);
        if (rc == SILT_EINVAL) rc = place_error(err, rc, d, ti, (int)i, (char *)q.ptr, 8, what);
        silt_buf_free(&q);
        bool boolean = !rc && silt_sql_plan_schema(p)->fields[0].type == SILT_TYPE_BOOL;
        silt_sql_plan_destroy(p);
        if (rc == SILT_ENOMEM) return silt_error_set(err, rc, "out of memory");
        if (rc) return rc;
        if (!boolean) {
            char msg[600];
            snprintf(msg, sizeof msg,
                     "%s: EXPECT (...) needs a boolean condition, such as x > 0 or x IS NOT NULL",
                     what);
            return silt_pipeline_def_error_at(err, d, ti, (int)i, 0, msg);
        }
    }
    return 0;
}

static int check_columns(const silt_pipeline_def *d, const silt_pipeline_table *t,
                         const silt_schema *out, const silt_schema *stream, silt_error *err)
{
    for (size_t i = 0; i < out->n_fields; i++)
        for (size_t j = i + 1; j < out->n_fields; j++)
            if (!strcasecmp(out->fields[i].name, out->fields[j].name))
                return silt_error_set(err, SILT_EINVAL,
                                      "%s:%d: table '%s': its query gives two columns named "
                                      "'%s' and '%s' (Delta column names are case-insensitive): "
                                      "rename one with AS",
                                      d->file, t->line, t->name, out->fields[i].name,
                                      out->fields[j].name);
    for (size_t i = 0; i < t->n_partition_by; i++)
        if (find_col(out, t->partition_by[i]) < 0)
            return no_col(d, t, out, "partition column", t->partition_by[i], err);
    for (size_t i = 0; i < t->n_columns; i++) {
        long k = find_col(out, t->columns[i].name);
        if (k < 0) return no_col(d, t, out, "declared column", t->columns[i].name, err);
        char ty[256];
        silt_sql_type_format(ty, sizeof ty, &out->fields[k]);
        if (strcmp(ty, t->columns[i].type))
            return silt_error_set(err, SILT_EINVAL,
                                  "%s:%d: table '%s': column '%s' is declared %s but the query "
                                  "gives %s (CAST it in the query)",
                                  d->file, t->line, t->name, t->columns[i].name, t->columns[i].type,
                                  ty);
    }
    if (!t->has_watermark || !stream) return 0;
    long k = find_col(stream, t->watermark_column);
    if (k < 0) return no_col(d, t, stream, "watermark column", t->watermark_column, err);
    if (stream->fields[k].type != SILT_TYPE_TIMESTAMP)
        return silt_error_set(err, SILT_EINVAL,
                              "%s:%d: table '%s': WATERMARK %s: the column is not a timestamp",
                              d->file, t->line, t->name, t->watermark_column);
    return 0;
}

typedef struct bind_inputs {
    silt_sql_input in[130];
    silt_schema *own[130]; /* the schemas the sources made */
    size_t n;
} bind_inputs;

static void inputs_free(bind_inputs *bi)
{
    for (size_t i = 0; i < bi->n; i++) silt_schema_destroy(bi->own[i]);
    bi->n = 0;
}

static bool has_input(const bind_inputs *bi, const char *name)
{
    for (size_t i = 0; i < bi->n; i++)
        if (!strcasecmp(bi->in[i].name, name)) return true;
    return false;
}

/* The named inputs of t's bind_query: its sources, then the tables it reads whole. */
static int make_inputs(bind_inputs *bi, const silt_pipeline_def *d, const silt_pipeline_table *t,
                       silt_schema *const *bound, silt_error *err)
{
    for (size_t k = 0; k < t->n_sources && bi->n < 64; k++) {
        if (has_input(bi, t->sources[k].input_name)) continue;
        silt_schema *s;
        int rc = silt_pipeline_source_schema(&s, &t->sources[k], bound, err);
        if (rc) {
            silt_error_prefix(err, "%s:%d: table '%s'", d->file, t->line, t->name);
            return rc;
        }
        bi->own[bi->n] = s;
        bi->in[bi->n++] = (silt_sql_input){t->sources[k].input_name, s};
    }
    for (size_t k = 0; k < t->n_reads && bi->n < 128; k++) {
        const silt_pipeline_table *up = &d->tables[t->reads[k]];
        if (has_input(bi, up->name)) continue;
        bi->own[bi->n] = NULL;
        bi->in[bi->n++] = (silt_sql_input){up->name, bound[t->reads[k]]};
    }
    return 0;
}

static int bind_table(silt_schema **out, const silt_pipeline_def *d, const silt_pipeline_table *t,
                      silt_schema *const *bound, silt_error *err)
{
    bind_inputs bi = {.n = 0};
    silt_sql_plan *p = NULL;
    int rc = make_inputs(&bi, d, t, bound, err);
    if (rc) goto fail;
    if ((rc = silt_sql_prepare(&p, t->bind_query, bi.in, bi.n, err))) {
        char what[300];
        snprintf(what, sizeof what, "the query of '%s'", t->name);
        rc = place_error(err, rc, d, (int)(t - d->tables), -1, t->bind_query, 0, what);
        goto fail;
    }
    if (silt_sql_plan_kind(p) != SILT_SQL_SELECT) {
        rc = silt_error_set(err, SILT_EINVAL, "%s:%d: the query of '%s' is not a SELECT", d->file,
                            t->line, t->name);
        goto fail;
    }
    if (!(*out = silt_schema_copy(silt_sql_plan_schema(p)))) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto fail;
    }
    const silt_schema *stream = t->n_sources ? bi.in[0].schema : NULL;
    if ((rc = check_expects(d, t, *out, err)) || (rc = check_columns(d, t, *out, stream, err))) {
        silt_schema_destroy(*out);
        *out = NULL;
    }
fail:
    silt_sql_plan_destroy(p);
    inputs_free(&bi);
    return rc;
}

int silt_pipeline_bind(silt_pipeline_bound **out, const silt_pipeline_def *d, silt_error *err)
{
    *out = NULL;
    silt_pipeline_bound *b = silt_calloc(1, sizeof *b);
    if (!b || !(b->schemas = silt_calloc(d->n_tables ? d->n_tables : 1, sizeof *b->schemas))) {
        silt_free(b);
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    b->n = d->n_tables;
    for (size_t k = 0; k < d->n_tables; k++) {
        int i = d->order[k];
        int rc = bind_table(&b->schemas[i], d, &d->tables[i], b->schemas, err);
        if (rc) {
            silt_pipeline_bound_destroy(b);
            return rc;
        }
    }
    *out = b;
    return 0;
}

void silt_pipeline_bound_destroy(silt_pipeline_bound *b)
{
    if (!b) return;
    for (size_t i = 0; i < b->n; i++) silt_schema_destroy(b->schemas[i]);
    silt_free(b->schemas);
    silt_free(b);
}
