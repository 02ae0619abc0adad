/* POST /api/sql and the query runner behind it and /rows: one guarded SELECT, run on a thread
 * of its own so that the time limit holds (a query past it answers 504 and finishes in the
 * background, still counted against the concurrent-query limit), rows as JSON, CSV or Arrow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http/format.h"
#include "http/server_int.h"
#include "http/sqlguard.h"
#include "sql/sql.h"
#include "util/alloc.h"
#include "util/time.h"

typedef struct query_job {
    silt_http_server *srv;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int refs; /* the waiting handler and the worker */
    bool done;
    char *sql; /* rewritten */
    int64_t max_rows;
    silt_http_format fmt;
    unsigned status;
    char unknown[SILT_HTTP_NAME_MAX + 1]; /* first non-catalog table name, for suggestions */
    silt_error err;
    silt_buf out;
} query_job;

static void job_release(query_job *j)
{
    pthread_mutex_lock(&j->mu);
    bool last = --j->refs == 0;
    pthread_mutex_unlock(&j->mu);
    if (!last) return;
    pthread_mutex_destroy(&j->mu);
    pthread_cond_destroy(&j->cv);
    silt_buf_free(&j->out);
    silt_free(j->sql);
    silt_free(j);
}

static int count_stmt(void *arg, size_t off, size_t len)
{
    const char *text = ((const char **)arg)[0];
    for (size_t i = off; i < off + len; i++)
        if (text[i] != ' ' && text[i] != '\n' && text[i] != '\t' && text[i] != '\r') {
            ((size_t *)((const char **)arg)[1])[0]++;
            break;
        }
    return 0;
}

static unsigned status_of(int rc)
{
    switch (rc) {
    case SILT_EINVAL:
    case SILT_EUNSUPPORTED: return 400;
    case SILT_ENOTFOUND: return 404;
    case SILT_ENOMEM: return 503;
    default: return 500;
    }
}

static void run_job(query_job *j)
{
    silt_sql_plan *p = NULL;
    silt_batch *b = NULL;
    uint64_t t0 = silt_time_mono_ns();
    int rc = silt_sql_prepare(&p, j->sql, NULL, 0, &j->err);
    if (!rc && silt_sql_plan_kind(p) != SILT_SQL_SELECT)
        rc = silt_error_set(&j->err, SILT_EINVAL, "only a SELECT query can be run here");
    if (!rc) rc = silt_sql_run(p, NULL, &b, &j->err);
    if (rc) {
        j->status = status_of(rc);
        goto done;
    }
    double ms = (double)(silt_time_mono_ns() - t0) / 1e6;
    if (j->fmt == SILT_HTTP_FMT_CSV)
        rc = silt_http_format_csv(&j->out, b, j->max_rows);
    else if (j->fmt == SILT_HTTP_FMT_ARROW)
        rc = silt_http_format_arrow(&j->out, b, j->max_rows);
    else
        rc = silt_http_format_json(&j->out, b, j->max_rows, ms);
    j->status = rc ? 503 : 200;
    if (rc) silt_error_set(&j->err, rc, "out of memory while sending the rows");
    atomic_fetch_add(&j->srv->rows_returned,
                     (uint64_t)(b->n_rows < j->max_rows ? b->n_rows : j->max_rows));
done:
    silt_batch_destroy(b);
    silt_sql_plan_destroy(p);
}

static void *worker_main(void *arg)
{
    query_job *j = arg;
    silt_http_server *s = j->srv;
    run_job(j);
    atomic_fetch_add(j->status == 200 ? &s->queries_run : &s->queries_failed, 1);
    pthread_mutex_lock(&j->mu);
    j->done = true;
    pthread_cond_broadcast(&j->cv);
    pthread_mutex_unlock(&j->mu);
    job_release(j);
    atomic_fetch_sub(&s->queries, 1);
    return NULL;
}

static const char *resolve(void *ctx, const char *name)
{
    const silt_http_table *t = silt_http_catalog_find(ctx, name);
    return t ? t->location : NULL;
}

/* The job for a request's query: guarded and rewritten. Returns 0, or a status with err set. */
static unsigned make_job(query_job **out, silt_http_server *s, const char *sql, int64_t max_rows,
                         silt_http_format fmt, silt_error *err)
{
    query_job *j = silt_calloc(1, sizeof *j);
    silt_buf text = SILT_BUF_INIT;
    if (!j) return silt_error_set(err, SILT_ENOMEM, "out of memory"), 503;
    silt_http_catalog_rdlock(s->cat);
    int rc = silt_http_sql_rewrite(&text, sql, resolve, s->cat, j->unknown, sizeof j->unknown, err);
    silt_http_catalog_unlock(s->cat);
    size_t n_stmt = 0;
    silt_buf_cstr(&text);
    const void *args[2] = {text.ptr, &n_stmt};
    if (!rc && text.ptr) silt_sql_split((const char *)text.ptr, count_stmt, args);
    if (!rc && n_stmt != 1)
        rc =
            silt_error_set(err, SILT_EINVAL, "send exactly one SELECT statement (got %zu)", n_stmt);
    if (rc) {
        silt_buf_free(&text);
        silt_free(j);
        return status_of(rc);
    }
    j->sql = (char *)silt_buf_detach(&text, NULL);
    j->srv = s;
    j->max_rows = max_rows;
    j->fmt = fmt;
    j->refs = 2;
    pthread_mutex_init(&j->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&j->cv, &ca);
    pthread_condattr_destroy(&ca);
    *out = j;
    return 0;
}

static bool wait_job(query_job *j, int64_t ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t ns = ts.tv_nsec + (ms % 1000) * 1000000;
    ts.tv_sec += ms / 1000 + ns / 1000000000;
    ts.tv_nsec = ns % 1000000000;
    pthread_mutex_lock(&j->mu);
    while (!j->done)
        if (pthread_cond_timedwait(&j->cv, &j->mu, &ts)) break;
    bool done = j->done;
    pthread_mutex_unlock(&j->mu);
    return done;
}

static enum MHD_Result job_error(silt_http_server *s, struct MHD_Connection *conn, query_job *j)
{
    char suggestion[SILT_HTTP_NAME_MAX + 64];
    const char *best = NULL;
    if (j->unknown[0] && strstr(j->err.msg, "unknown table")) {
        silt_http_catalog_rdlock(s->cat);
        best = silt_http_catalog_suggest(s->cat, j->unknown);
        if (best) snprintf(suggestion, sizeof suggestion, "did you mean the table '%s'?", best);
        silt_http_catalog_unlock(s->cat);
    }
    return silt_http_respond_error(conn, j->status, j->err.msg, best ? suggestion : NULL);
}

static const char *content_type(silt_http_format f)
{
    return f == SILT_HTTP_FMT_CSV     ? "text/csv; charset=utf-8"
           : f == SILT_HTTP_FMT_ARROW ? "application/vnd.apache.arrow.stream"
                                      : "application/json";
}

enum MHD_Result silt_http_run_query(silt_http_server *s, struct MHD_Connection *conn,
                                    const char *sql, int64_t max_rows)
{
    silt_http_format fmt;
    const char *accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept");
    if (silt_http_accept(&fmt, accept))
        return silt_http_respond_error(conn, 406, "cannot answer in the types Accept names",
                                       "application/json, text/csv or "
                                       "application/vnd.apache.arrow.stream");
    if (atomic_fetch_add(&s->queries, 1) >= s->cfg.max_queries) {
        atomic_fetch_sub(&s->queries, 1);
        atomic_fetch_add(&s->queries_refused, 1);
        char msg[160];
        snprintf(msg, sizeof msg, "too many queries: %lld are running, the server's limit",
                 (long long)s->cfg.max_queries);
        return silt_http_respond_error(conn, 503, msg,
                                       "try again after Retry-After seconds (or raise the "
                                       "server's --max-queries)");
    }
    silt_error err;
    silt_error_clear(&err);
    query_job *j = NULL;
    unsigned st = make_job(&j, s, sql, max_rows, fmt, &err);
    pthread_t th;
    pthread_attr_t at;
    if (!st) {
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&th, &at, worker_main, j)) {
            st = 503;
            silt_error_set(&err, SILT_EGENERIC, "cannot start a query thread");
            job_release(j);
            job_release(j);
        }
        pthread_attr_destroy(&at);
    }
    if (st) {
        atomic_fetch_sub(&s->queries, 1);
        return silt_http_respond_error(conn, st, err.msg, NULL);
    }
    enum MHD_Result ok;
    if (!wait_job(j, s->cfg.query_ms)) {
        char msg[160];
        atomic_fetch_add(&s->queries_timed_out, 1);
        snprintf(msg, sizeof msg, "the query ran past the time limit of %lld ms",
                 (long long)s->cfg.query_ms);
        ok = silt_http_respond_error(conn, 504, msg, "narrow it with WHERE or LIMIT");
    } else if (j->status != 200) {
        ok = job_error(s, conn, j);
    } else {
        ok = silt_http_respond(conn, 200, content_type(fmt), j->out.ptr ? j->out.ptr : (void *)"",
                               j->out.len);
    }
    job_release(j);
    return ok;
}

enum MHD_Result silt_http_api_sql(silt_http_server *s, struct MHD_Connection *conn,
                                  const http_req *req)
{
    const char *ctype = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
    silt_buf text = SILT_BUF_INIT;
    int64_t limit = s->cfg.max_rows;
    if (ctype && !strncmp(ctype, "application/json", 16)) {
        json_error_t je;
        json_t *o =
            json_loadb(req->body.ptr ? (const char *)req->body.ptr : "", req->body.len, 0, &je);
        json_t *q = o ? json_object_get(o, "sql") : NULL,
               *l = o ? json_object_get(o, "limit") : NULL;
        if (!json_is_string(q) || (l && (!json_is_integer(l) || json_integer_value(l) < 0))) {
            char msg[300];
            snprintf(msg, sizeof msg,
                     "the body must be a JSON object {\"sql\": \"SELECT ...\", "
                     "\"limit\": N (optional)}%s%s",
                     o ? "" : ": ", o ? "" : je.text);
            json_decref(o);
            return silt_http_respond_error(conn, 400, msg, NULL);
        }
        if (l && json_integer_value(l) < limit) limit = json_integer_value(l);
        silt_buf_puts(&text, json_string_value(q));
        json_decref(o);
    } else {
        silt_buf_append(&text, req->body.ptr ? req->body.ptr : (uint8_t *)"", req->body.len);
    }
    silt_buf_cstr(&text);
    if (silt_buf_oom(&text)) return silt_http_respond_error(conn, 503, "out of memory", NULL);
    if (strlen((const char *)text.ptr) != text.len) {
        silt_buf_free(&text);
        return silt_http_respond_error(conn, 400, "the query contains a NUL byte", NULL);
    }
    enum MHD_Result ok = silt_http_run_query(s, conn, (const char *)text.ptr, limit);
    silt_buf_free(&text);
    return ok;
}
