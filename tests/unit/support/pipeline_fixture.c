/* Pipeline runs and one-value queries for unit tests (see pipeline_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/canon.h"
#include "pipeline/bronze_table.h"
#include "sql/sql.h"
#include "support/pipeline_fixture.h"
#include "util/alloc.h"
#include "util/buf.h"

int pf_run_caught_up(const silt_pipeline_def *def, bool no_bronze, int64_t max_versions,
                     int crash_after, silt_error *err)
{
    silt_pipeline_run_opts o;
    silt_pipeline_run_opts_default(&o);
    o.until_caught_up = true;
    o.no_bronze = no_bronze;
    o.progress_us = 0;
    o.trigger_us = 1000;
    o.crash_after = crash_after;
    if (max_versions) o.max_versions = max_versions;
    silt_pipeline_run *r = NULL;
    int rc = silt_pipeline_run_create(&r, def, &o, err);
    if (!rc) rc = silt_pipeline_run_loop(r, NULL, err);
    silt_pipeline_run_destroy(r);
    return rc;
}

void pf_query1(char *out, size_t cap, const char *sql)
{
    silt_error err;
    silt_sql_plan *p = NULL;
    silt_batch *b = NULL;
    if (silt_sql_prepare(&p, sql, NULL, 0, &err) || silt_sql_run(p, NULL, &b, &err))
        fail_msg("%s: %s", sql, err.msg);
    silt_buf t = SILT_BUF_INIT;
    if (b->n_rows) silt_sql_format_value(&t, &b->schema->fields[0], &b->cols[0], 0);
    snprintf(out, cap, "%.*s", (int)t.len, t.ptr ? (const char *)t.ptr : "");
    silt_buf_free(&t);
    silt_batch_destroy(b);
    silt_sql_plan_destroy(p);
}

void pf_expect_q(const char *want, const char *fmt, ...)
{
    char sql[2048], got[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    pf_query1(got, sizeof got, sql);
    if (strcmp(got, want)) fail_msg("%s\n  got  %s\n  want %s", sql, got, want);
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *pf_rows(const char *sql)
{
    silt_error err;
    silt_sql_plan *p = NULL;
    silt_batch *out = NULL;
    if (silt_sql_prepare(&p, sql, NULL, 0, &err) || silt_sql_run(p, NULL, &out, &err))
        fail_msg("%s: %s", sql, err.msg);
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_canon_batch(&b, out), 0);
    assert_int_equal(silt_buf_cstr(&b), 0);
    char **lines = silt_calloc((size_t)out->n_rows + 1, sizeof *lines);
    size_t k = 0;
    for (char *s = (char *)b.ptr, *e; (e = strchr(s, '\n')); s = e + 1) {
        *e = 0;
        lines[k++] = s;
    }
    qsort(lines, k, sizeof *lines, cmp_line);
    silt_buf r = SILT_BUF_INIT;
    for (size_t i = 0; i < k; i++) silt_buf_printf(&r, "%s\n", lines[i]);
    assert_int_equal(silt_buf_cstr(&r), 0);
    silt_free(lines);
    silt_buf_free(&b);
    silt_batch_destroy(out);
    silt_sql_plan_destroy(p);
    return (char *)silt_buf_detach(&r, NULL);
}

void pf_produce(const char *loc, int64_t *next, const char *const *msgs, const int64_t *at, int n)
{
    silt_error err;
    silt_bronze_table *bt = NULL;
    assert_int_equal(silt_bronze_table_open(&bt, loc, NULL, &err), 0);
    silt_schema *s = silt_bronze_schema();
    silt_batch *b = silt_batch_create(s);
    int64_t start = *next, off = start < 0 ? 0 : start;
    for (int i = 0; i < n; i++) {
        silt_bronze_msg msg = {NULL,          0, msgs[i], strlen(msgs[i]), "t", 0, off + i,
                               1700000000000, 0, NULL};
        assert_int_equal(silt_bronze_append(b, &msg, at[i]), 0);
    }
    silt_ingest_sink *sink = silt_bronze_table_sink(bt);
    assert_int_equal(sink->ops->stage(sink, b, &err), 0);
    silt_ingest_range r = {"t", 0, start, off + n};
    int64_t v;
    if (sink->ops->commit(sink, &r, 1, &v, &err)) fail_msg("%s", err.msg);
    *next = off + n;
    silt_batch_destroy(b);
    silt_schema_destroy(s);
    silt_bronze_table_destroy(bt);
}
