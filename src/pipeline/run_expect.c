/* Expectations (CONSTRAINT name EXPECT (cond) [ON VIOLATION ...]) over a table's output rows:
 * one prepared plan SELECT cond1, cond2, ... over the output, evaluated per batch; a row
 * breaks an expectation when its condition is false or NULL. Counts per expectation and each
 * row's fate: kept, dropped, quarantined, or the batch refused (FAIL UPDATE). */
#include <string.h>

#include "pipeline/run_int.h"
#include "util/alloc.h"

#define OUTPUT_NAME "pipeline_output"

int run_expect_bind(run_table *t, silt_error *err)
{
    const silt_pipeline_table *d = t->def;
    if (!d->n_expects) return 0;
    silt_buf q = SILT_BUF_INIT;
    silt_buf_puts(&q, "SELECT ");
    for (size_t k = 0; k < d->n_expects; k++)
        silt_buf_printf(&q, "%s(%s) AS e%zu", k ? ", " : "", d->expects[k].expr, k);
    silt_buf_puts(&q, " FROM " OUTPUT_NAME);
    if (silt_buf_cstr(&q)) {
        silt_buf_free(&q);
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    silt_sql_input in = {OUTPUT_NAME, silt_sql_plan_schema(t->plan)};
    int rc = silt_sql_prepare(&t->expect_plan, (const char *)q.ptr, &in, 1, err);
    silt_buf_free(&q);
    if (rc) {
        silt_error_prefix(err, "table %s: expectations", d->name);
        return rc;
    }
    const silt_schema *s = silt_sql_plan_schema(t->expect_plan);
    for (size_t k = 0; k < s->n_fields; k++)
        if (s->fields[k].type != SILT_TYPE_BOOL)
            return silt_error_set(
                err, SILT_EINVAL,
                "table %s: expectation %s (line %d) is not a boolean condition: %s", d->name,
                d->expects[k].name, d->expects[k].line, d->expects[k].expr);
    return 0;
}

void run_verdict_free(run_verdict *v)
{
    silt_free(v->action);
    silt_free(v->failed_mask);
    silt_free(v->passed);
    silt_free(v->failed);
    memset(v, 0, sizeof *v);
}

/* Row i of out as a JSON object of its values as Spark prints them. */
static void row_json(silt_buf *o, const silt_batch *out, int64_t i)
{
    silt_buf_putc(o, '{');
    for (size_t c = 0; c < out->n_cols; c++) {
        silt_buf v = SILT_BUF_INIT;
        silt_sql_format_value(&v, &out->schema->fields[c], &out->cols[c], i);
        silt_buf_printf(o, "%s\"%s\":\"", c ? "," : "", out->schema->fields[c].name);
        for (size_t k = 0; k < v.len && o->len < 2000; k++) {
            char ch = (char)v.ptr[k];
            if (ch == '"' || ch == '\\') silt_buf_putc(o, '\\');
            silt_buf_putc(o, (uint8_t)ch);
        }
        silt_buf_putc(o, '"');
        silt_buf_free(&v);
    }
    silt_buf_putc(o, '}');
    silt_buf_cstr(o);
}

static int fail_row(const run_table *t, const silt_batch *out, int64_t i, size_t k, silt_error *err)
{
    silt_buf o = SILT_BUF_INIT;
    row_json(&o, out, i);
    const silt_pipeline_expect *e = &t->def->expects[k];
    int rc =
        silt_error_set(err, SILT_EINVAL,
                       "table %s: expectation %s (line %d: %s) ON VIOLATION FAIL UPDATE "
                       "broken by row %s; nothing of this batch was committed: fix the "
                       "data or the expectation and run again",
                       t->def->name, e->name, e->line, e->expr, o.ptr ? (const char *)o.ptr : "{}");
    silt_buf_free(&o);
    return rc;
}

static int alloc_verdict(run_verdict *v, int64_t n, size_t n_exp)
{
    memset(v, 0, sizeof *v);
    v->n_rows = n;
    v->action = silt_calloc((size_t)n + 1, 1);
    v->failed_mask = silt_calloc((size_t)n + 1, sizeof *v->failed_mask);
    v->passed = silt_calloc(n_exp + 1, sizeof *v->passed);
    v->failed = silt_calloc(n_exp + 1, sizeof *v->failed);
    return v->action && v->failed_mask && v->passed && v->failed ? 0 : SILT_ENOMEM;
}

int run_expect_eval(run_verdict *v, run_table *t, const silt_batch *out, silt_error *err)
{
    const silt_pipeline_table *d = t->def;
    if (alloc_verdict(v, out->n_rows, d->n_expects))
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    if (!t->expect_plan) return 0;
    silt_batch *e = NULL;
    int rc = silt_sql_run(t->expect_plan, out, &e, err);
    if (rc) {
        silt_error_prefix(err, "table %s: expectations", d->name);
        return rc;
    }
    for (int64_t i = 0; i < out->n_rows && !rc; i++) {
        for (size_t k = 0; k < d->n_expects; k++) {
            const silt_column *c = &e->cols[k];
            bool ok = silt_column_is_valid(c, i) && silt_bit_get(c->values, i);
            if (ok) {
                v->passed[k]++;
                continue;
            }
            v->failed[k]++;
            if (k < 64) v->failed_mask[i] |= (uint64_t)1 << k;
            silt_pipeline_action a = d->expects[k].action;
            if (a == SILT_PIPELINE_ON_FAIL) {
                rc = fail_row(t, out, i, k, err);
                break;
            }
            if (a == SILT_PIPELINE_ON_QUARANTINE)
                v->action[i] = 2;
            else if (a == SILT_PIPELINE_ON_DROP && v->action[i] == 0)
                v->action[i] = 1;
        }
    }
    silt_batch_destroy(e);
    return rc;
}

int run_expect_json(silt_buf *out, const run_table *t, const run_verdict *v)
{
    silt_buf_putc(out, '{');
    for (size_t k = 0; k < t->def->n_expects; k++)
        silt_buf_printf(out, "%s\"%s\":{\"passed\":%lld,\"failed\":%lld}", k ? "," : "",
                        t->def->expects[k].name, (long long)v->passed[k], (long long)v->failed[k]);
    silt_buf_putc(out, '}');
    return silt_buf_cstr(out);
}
