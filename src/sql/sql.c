/* Prepared statements: parse, bind twice (the first pass finds the columns each table
 * reference uses, the second builds the plan reading only those), then run SELECT, EXPLAIN
 * and DESCRIBE; CREATE TABLE AS and INSERT are in stmt_write.c. */
#include <string.h>

#include "sql/agg.h"
#include "sql/plan.h"
#include "sql/scan.h"
#include "sql/sql.h"
#include "util/alloc.h"
#include "util/time.h"

struct silt_sql_plan {
    silt_arena *a;
    sql_ctx ctx;
    sql_stmt *stmt;
    sql_node *root;
    silt_schema schema; /* what run returns */
    char *text;
    silt_error scratch;
    void *trace; /* silt_sql_run_traced's row origins and reasons (trace.c) */
};

int sql_write_prepare(silt_sql_plan *p);
void sql_trace_free(void *t);

static int bind_stmt(silt_sql_plan *p)
{
    sql_ctx *c = &p->ctx;
    sql_stmt *s = p->stmt;
    int rc;
    if (s->kind == S_DESCRIBE) {
        sql_node *n = sql_node_new(c, N_SCAN, NULL, 0);
        if (!n) return SILT_ENOMEM;
        if (s->table->kind != F_TABLE || !s->table->format)
            return sql_error_at(c->err, SILT_EINVAL, c->text, s->table->pos,
                                "DESCRIBE takes a table such as delta.`path`");
        if ((rc = sql_scan_open(n, c, s->table))) return rc;
        p->root = n;
        return 0;
    }
    c->prune = false;
    if ((rc = sql_bind_query(&p->root, c, s->query))) return rc;
    c->prune = true;
    return sql_bind_query(&p->root, c, s->query);
}

static int set_schema(silt_sql_plan *p)
{
    static const char *const desc[] = {"col_name", "data_type", "comment"};
    sql_ctx *c = &p->ctx;
    silt_field st = sql_type(SILT_TYPE_STRING), lt = sql_type(SILT_TYPE_INT64);
    size_t n = p->stmt->kind == S_DESCRIBE ? 3 : p->stmt->kind == S_EXPLAIN ? 1 : 0;
    if (p->stmt->kind == S_SELECT) {
        p->schema = p->root->schema;
        return 0;
    }
    if (p->stmt->kind == S_CTAS || p->stmt->kind == S_INSERT) n = 1;
    p->schema.n_fields = n;
    p->schema.fields = sql_ctx_alloc(c, n * sizeof(silt_field));
    if (!p->schema.fields) return SILT_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *nm = p->stmt->kind == S_DESCRIBE  ? desc[i]
                         : p->stmt->kind == S_EXPLAIN ? "plan"
                                                      : "num_affected_rows";
        const silt_field *t = p->stmt->kind == S_CTAS || p->stmt->kind == S_INSERT ? &lt : &st;
        if (sql_field_dup(c->a, &p->schema.fields[i], t, nm)) return sql_oom(c);
    }
    return 0;
}

int silt_sql_prepare(silt_sql_plan **out, const char *sql, const silt_sql_input *inputs,
                     size_t n_inputs, silt_error *err)
{
    silt_sql_plan *p = silt_calloc(1, sizeof *p);
    if (!p || !(p->a = silt_arena_create(64 * 1024)) || !(p->text = silt_strdup(sql))) {
        silt_sql_plan_destroy(p);
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    sql_ctx *c = &p->ctx;
    c->a = p->a;
    c->text = p->text;
    c->err = err;
    c->now_us = silt_time_wall_us();
    c->inputs = (const sql_named_input *)inputs;
    c->n_inputs = n_inputs;
    sql_tok *toks;
    size_t nt;
    int rc = sql_lex(&toks, &nt, p->a, p->text, err);
    if (!rc) rc = sql_parse(&p->stmt, p->a, toks, nt, p->text, err);
    if (!rc) rc = bind_stmt(p);
    if (!rc && (p->stmt->kind == S_CTAS || p->stmt->kind == S_INSERT)) rc = sql_write_prepare(p);
    if (!rc) rc = set_schema(p);
    if (rc) {
        if (rc == SILT_ENOMEM && !err->code) silt_error_set(err, rc, "out of memory");
        silt_sql_plan_destroy(p);
        return rc;
    }
    c->err = &p->scratch;
    *out = p;
    return 0;
}

typedef enum agg_flag { AGG_RUNNING, AGG_QUIET } agg_flag;

/* Sets a flag of every aggregate under n: running_on or running_quiet. */
static void set_agg_flag(sql_node *n, agg_flag flag, bool on)
{
    if (!n) return;
    if (n->kind == N_AGG && flag == AGG_RUNNING) n->running_on = on;
    if (n->kind == N_AGG && flag == AGG_QUIET) n->running_quiet = on;
    set_agg_flag(n->in, flag, on);
    set_agg_flag(n->right, flag, on);
    for (size_t i = 0; i < n->n_inputs; i++) set_agg_flag(n->inputs[i], flag, on);
}

void silt_sql_plan_set_running(silt_sql_plan *p, bool on)
{
    if (p->stmt->kind == S_DESCRIBE) return;
    sql_agg_release(p->root);
    set_agg_flag(p->root, AGG_RUNNING, on);
}

int silt_sql_run_feed(silt_sql_plan *p, const silt_batch *input, silt_error *err)
{
    if (p->stmt->kind != S_SELECT) return silt_error_set(err, SILT_EINVAL, "not a SELECT");
    silt_batch *out = NULL;
    set_agg_flag(p->root, AGG_QUIET, true);
    int rc = silt_sql_run(p, input, &out, err);
    set_agg_flag(p->root, AGG_QUIET, false);
    silt_batch_destroy(out);
    return rc;
}

void silt_sql_plan_destroy(silt_sql_plan *p)
{
    if (!p) return;
    if (p->stmt && p->stmt->kind != S_DESCRIBE) sql_agg_release(p->root);
    sql_ctx_release(&p->ctx);
    sql_trace_free(p->trace);
    silt_arena_destroy(p->a);
    silt_free(p->text);
    silt_free(p);
}

silt_sql_kind silt_sql_plan_kind(const silt_sql_plan *p)
{
    static const silt_sql_kind k[] = {SILT_SQL_SELECT, SILT_SQL_CREATE_TABLE_AS, SILT_SQL_INSERT,
                                      SILT_SQL_DESCRIBE, SILT_SQL_EXPLAIN};
    return k[p->stmt->kind];
}

const silt_schema *silt_sql_plan_schema(const silt_sql_plan *p)
{
    return &p->schema;
}

static int text_rows(silt_batch **out, const silt_sql_plan *p, const silt_buf *text, int per_row)
{
    silt_batch *b = silt_batch_create(&p->schema);
    if (!b) return SILT_ENOMEM;
    const char *s = text->ptr ? (const char *)text->ptr : "";
    size_t len = text->len, i = 0;
    int col = 0, rc = 0;
    while (i < len && !rc) {
        size_t j = i;
        while (j < len && s[j] != '\n' && s[j] != '\t') j++;
        rc = silt_column_append_bytes(&b->cols[col], s + i, j - i);
        if (++col == per_row) {
            col = 0;
            b->n_rows++;
        }
        i = j + 1;
    }
    if (rc) {
        silt_batch_destroy(b);
        return rc;
    }
    *out = b;
    return 0;
}

static int run_describe(silt_sql_plan *p, silt_batch **out)
{
    const silt_schema *s = &p->root->schema;
    silt_batch *b = silt_batch_create(&p->schema);
    if (!b) return SILT_ENOMEM;
    int rc = 0;
    for (size_t i = 0; i < s->n_fields && !rc; i++) {
        char tb[1024];
        sql_type_str(&s->fields[i], tb, sizeof tb);
        rc = silt_column_append_bytes(&b->cols[0], s->fields[i].name, strlen(s->fields[i].name));
        if (!rc) rc = silt_column_append_bytes(&b->cols[1], tb, strlen(tb));
        if (!rc) rc = silt_column_append_null(&b->cols[2]);
        b->n_rows++;
    }
    if (rc) {
        silt_batch_destroy(b);
        return rc;
    }
    *out = b;
    return 0;
}

int sql_write_run(silt_sql_plan *p, sql_rel *rows, silt_batch **out, silt_error *err);

int silt_sql_run(silt_sql_plan *p, const silt_batch *input, silt_batch **out, silt_error *err)
{
    int rc;
    if (p->stmt->kind == S_DESCRIBE) {
        rc = run_describe(p, out);
        return rc ? silt_error_set(err, rc, "out of memory") : 0;
    }
    sql_rel rel = {0};
    bool exec = p->stmt->kind != S_EXPLAIN || p->stmt->analyze;
    if (exec && (rc = sql_exec_node(&rel, p->root, input, err))) goto done;
    if (p->stmt->kind == S_EXPLAIN) {
        silt_buf t = SILT_BUF_INIT;
        rc = sql_explain(&t, p->root, 0, p->stmt->analyze);
        if (!rc) rc = silt_buf_oom(&t) ? SILT_ENOMEM : text_rows(out, p, &t, 1);
        silt_buf_free(&t);
        if (rc) silt_error_set(err, rc, "out of memory");
    } else if (p->stmt->kind == S_SELECT) {
        if ((rc = sql_rel_concat(out, &rel, &p->schema))) silt_error_set(err, rc, "out of memory");
    } else {
        rc = sql_write_run(p, &rel, out, err);
    }
done:
    sql_rel_free(&rel);
    return rc;
}

int silt_sql_explain(const silt_sql_plan *p, silt_buf *out, bool stats)
{
    return sql_explain(out, p->root, 0, stats);
}

/* Accessors for stmt_write.c. */
sql_stmt *sql_plan_stmt(silt_sql_plan *p);
sql_stmt *sql_plan_stmt(silt_sql_plan *p)
{
    return p->stmt;
}
sql_node *sql_plan_root(silt_sql_plan *p);
sql_node *sql_plan_root(silt_sql_plan *p)
{
    return p->root;
}
void sql_plan_set_root(silt_sql_plan *p, sql_node *n);
void sql_plan_set_root(silt_sql_plan *p, sql_node *n)
{
    p->root = n;
}
sql_ctx *sql_plan_ctx(silt_sql_plan *p);
sql_ctx *sql_plan_ctx(silt_sql_plan *p)
{
    return &p->ctx;
}
void **sql_plan_trace(silt_sql_plan *p);
void **sql_plan_trace(silt_sql_plan *p)
{
    return &p->trace;
}
