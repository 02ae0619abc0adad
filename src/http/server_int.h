/* The server's insides, shared by its files: the server, a request's context, and the
 * responders of each endpoint. */
#ifndef SILT_HTTP_SERVER_INT_H
#define SILT_HTTP_SERVER_INT_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>

#include "http/cache.h"
#include "http/catalog.h"
#include "http/route.h"
#include "http/server.h"
#include "util/buf.h"

struct silt_http_server {
    silt_http_config cfg;
    char *token; /* owned copy, or NULL */
    silt_http_catalog *cat;
    struct MHD_Daemon *mhd;
    uint16_t port;
    int64_t start_ms;
    pthread_t refresher;
    bool refresher_started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_bool stopping;
    atomic_int queries; /* running now (including ones whose client gave up waiting) */
    atomic_int sse_clients;
    atomic_uint_fast64_t requests, queries_run, queries_failed, queries_refused, queries_timed_out,
        rows_returned;
    /* request duration histogram, without a lock: requests per bucket (not cumulative; the
     * last is past the largest bound) and the total in nanoseconds */
    atomic_uint_fast64_t hist[13], hist_sum_ns;
    silt_http_cache metrics_cache, tables_cache; /* /metrics and /api/tables, shared a while */
};

typedef struct http_req {
    silt_buf body;
    bool too_large;
    uint64_t start_ns;
} http_req;

/* ---- responses (respond.c); each returns what the access handler returns ---- */

/* Queues a response with the security headers; body is copied. */
enum MHD_Result silt_http_respond(struct MHD_Connection *conn, unsigned status,
                                  const char *content_type, const void *body, size_t len);
/* {"error": msg, "suggestion": suggestion (when not NULL)} with the status. */
enum MHD_Result silt_http_respond_error(struct MHD_Connection *conn, unsigned status,
                                        const char *msg, const char *suggestion);
/* Responses with a 4xx and a 5xx status sent so far (by every server of the process). */
void silt_http_respond_counts(uint64_t *out_4xx, uint64_t *out_5xx);
/* Adds the security headers every response carries. */
void silt_http_secure_headers(struct MHD_Response *r, bool api);
/* The embedded dashboard's index or an asset; 404 for an unknown asset. */
enum MHD_Result silt_http_serve_asset(struct MHD_Connection *conn, const char *name);

/* ---- endpoints ---- */
enum MHD_Result silt_http_api_tables(silt_http_server *s, struct MHD_Connection *conn);
enum MHD_Result silt_http_api_table(silt_http_server *s, struct MHD_Connection *conn,
                                    const silt_http_route *r);
enum MHD_Result silt_http_api_sql(silt_http_server *s, struct MHD_Connection *conn,
                                  const http_req *req);
enum MHD_Result silt_http_metrics(silt_http_server *s, struct MHD_Connection *conn);
enum MHD_Result silt_http_events(silt_http_server *s, struct MHD_Connection *conn);

/* Runs a (guarded) query for the API with the server's limits and sends the rows in the format
 * the Accept header asks for. sql is the request's text (catalog names). */
enum MHD_Result silt_http_run_query(silt_http_server *s, struct MHD_Connection *conn,
                                    const char *sql, int64_t max_rows);

#endif
