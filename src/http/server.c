/* The HTTP server's lifetime and its access handler: listen address and token rules, the
 * catalog's refresher thread, authentication, request bodies within the size limit, and the
 * dispatch of each route to its endpoint. */
#define _GNU_SOURCE /* SCHED_IDLE */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "http/eventlog.h"
#include "http/mhd_dl.h"
#include "http/server_int.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/time.h"

silt_http_config silt_http_config_default(void)
{
    silt_http_config c = {0};
    c.max_body = 1 << 20;
    c.max_rows = 10000;
    c.query_ms = 30000;
    c.max_queries = 4;
    c.max_conns = 256;
    c.idle_s = 30;
    c.poll_ms = 1000;
    c.nice = 10;
    c.cache_ms = 250;
    return c;
}

int silt_http_listen_parse(void *out_addr, unsigned *out_len, bool *out_loopback,
                           const char *listen, silt_error *err)
{
    char host[128];
    const char *colon = strrchr(listen ? listen : "", ':');
    if (!listen || !colon || colon == listen || (size_t)(colon - listen) >= sizeof host)
        return silt_error_set(err, SILT_EINVAL,
                              "--listen '%s' is not HOST:PORT (e.g. 127.0.0.1:8080)",
                              listen ? listen : "");
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = 0;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || port < 0 || port > 65535)
        return silt_error_set(err, SILT_EINVAL, "--listen '%s': the port must be 0..65535", listen);
    struct sockaddr_storage *ss = out_addr;
    memset(ss, 0, sizeof *ss);
    if (!strcmp(host, "localhost")) strcpy(host, "127.0.0.1");
    size_t hl = strlen(host);
    if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
        host[hl - 1] = 0;
        if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1) goto bad;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        *out_len = sizeof *a6;
        *out_loopback = IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr);
        return 0;
    }
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    if (inet_pton(AF_INET, host, &a4->sin_addr) != 1) goto bad;
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    *out_len = sizeof *a4;
    *out_loopback = (ntohl(a4->sin_addr.s_addr) >> 24) == 127;
    return 0;
bad:
    return silt_error_set(err, SILT_EINVAL,
                          "--listen '%s': the host must be an IPv4 address, [IPv6 address] or "
                          "localhost",
                          listen);
}

/* Moves the calling thread (once per thread) cfg.nice levels below the process, so that the
 * server's threads (and the query threads they start, which inherit it) yield the CPU to the
 * pipeline, in this process or another: a crowd of clients cannot starve it. Linux keeps a nice
 * value per thread; raising it needs no privilege. cfg.nice 20 puts the thread in the idle class
 * (SCHED_IDLE) instead: it runs only on CPU time that no other thread wants, which also needs
 * no privilege. */
static void lower_priority(const silt_http_server *s)
{
    static _Thread_local bool done;
    if (done || s->cfg.nice <= 0) return;
    done = true;
    if (s->cfg.nice >= 20) {
        struct sched_param sp = {0};
        int rc = pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp);
        if (rc)
            silt_log_msg(SILT_LOG_DEBUG, "serve: cannot move a thread to SCHED_IDLE: %s",
                         strerror(rc));
        return;
    }
    errno = 0;
    int cur = getpriority(PRIO_PROCESS, (id_t)getpid()); /* the main thread's */
    if (cur == -1 && errno) return;
    int64_t want = cur + s->cfg.nice;
    if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), want > 19 ? 19 : (int)want))
        silt_log_msg(SILT_LOG_DEBUG, "serve: cannot lower a thread's priority: %s",
                     strerror(errno));
}

static void *refresher_main(void *arg)
{
    silt_http_server *s = arg;
    lower_priority(s);
    pthread_mutex_lock(&s->mu);
    while (!atomic_load(&s->stopping)) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        int64_t ns = ts.tv_nsec + (s->cfg.poll_ms % 1000) * 1000000;
        ts.tv_sec += s->cfg.poll_ms / 1000 + ns / 1000000000;
        ts.tv_nsec = ns % 1000000000;
        pthread_cond_timedwait(&s->cv, &s->mu, &ts);
        if (atomic_load(&s->stopping)) break;
        pthread_mutex_unlock(&s->mu);
        silt_error err;
        silt_error_clear(&err);
        if (silt_http_catalog_refresh(s->cat, &err))
            silt_log_msg(SILT_LOG_WARN, "serve: refreshing the catalog: %s", err.msg);
        silt_http_eventlog_refresh(s->cat);
        pthread_mutex_lock(&s->mu);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static void observe(silt_http_server *s, uint64_t start_ns)
{
    static const double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                    0.1,   0.25,   0.5,   1,    2.5,   10};
    uint64_t ns = silt_time_mono_ns() - start_ns;
    double sec = (double)ns / 1e9;
    size_t i = 0;
    while (i < 12 && sec > bounds[i]) i++;
    atomic_fetch_add(&s->hist[i], 1);
    atomic_fetch_add(&s->hist_sum_ns, ns);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
    http_req *req = *con_cls;
    if (!req) return;
    observe(cls, req->start_ns);
    silt_buf_free(&req->body);
    silt_free(req);
    *con_cls = NULL;
}

static enum MHD_Result dispatch(silt_http_server *s, struct MHD_Connection *conn, const char *url,
                                const char *method, http_req *req)
{
    silt_http_route r;
    int st = silt_http_route_parse(&r, method, url);
    if (st == 405) {
        struct MHD_Response *resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
        if (!resp) return MHD_NO;
        silt_http_secure_headers(resp, true);
        MHD_add_response_header(resp, "Allow", r.allow);
        enum MHD_Result ok = MHD_queue_response(conn, 405, resp);
        MHD_destroy_response(resp);
        return ok;
    }
    if (st == 400)
        return silt_http_respond_error(conn, 400,
                                       "a table name is letters, digits and _-.= in "
                                       "'/'-separated parts, without . or .. parts",
                                       NULL);
    if (st)
        return silt_http_respond_error(conn, 404, "no such endpoint",
                                       "GET /api/tables, /api/tables/NAME, /api/tables/NAME/rows, "
                                       "/api/events, /metrics, / ; POST /api/sql");
    switch (r.kind) {
    case SILT_HTTP_R_INDEX: return silt_http_serve_asset(conn, "index.html");
    case SILT_HTTP_R_ASSET: return silt_http_serve_asset(conn, r.name);
    case SILT_HTTP_R_HEALTH: return silt_http_respond(conn, 200, "text/plain", "ok\n", 3);
    case SILT_HTTP_R_TABLES: return silt_http_api_tables(s, conn);
    case SILT_HTTP_R_TABLE: return silt_http_api_table(s, conn, &r);
    case SILT_HTTP_R_SQL: return silt_http_api_sql(s, conn, req);
    case SILT_HTTP_R_METRICS: return silt_http_metrics(s, conn);
    case SILT_HTTP_R_EVENTS: return silt_http_events(s, conn);
    default: return silt_http_respond_error(conn, 404, "no such endpoint", NULL);
    }
}

/* The first call of a request: its context, the token, the announced body size. Returns 1 when
 * a response was queued (in *res), 0 to go on. */
static int first_call(silt_http_server *s, struct MHD_Connection *conn, const char *url,
                      void **con_cls, enum MHD_Result *res)
{
    lower_priority(s);
    http_req *req = silt_calloc(1, sizeof *req);
    if (!req) {
        *res = MHD_NO;
        return 1;
    }
    req->start_ns = silt_time_mono_ns();
    *con_cls = req;
    atomic_fetch_add(&s->requests, 1);
    /* the dashboard's page and assets hold no data: the page asks for the token on a 401 */
    bool page = !strcmp(url, "/") || !strcmp(url, "/index.html") || !strncmp(url, "/assets/", 8);
    if (s->token && !page) {
        const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
        if (!silt_http_auth_ok(auth, s->token)) {
            *res = silt_http_respond_error(conn, 401,
                                           auth ? "wrong token" : "this server needs a token",
                                           "send the header 'Authorization: Bearer <token>' "
                                           "with the token of --token-file");
            return 1;
        }
    }
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
    if (cl && strtoll(cl, NULL, 10) > s->cfg.max_body) {
        char msg[128];
        snprintf(msg, sizeof msg, "the request body is over the limit of %lld bytes",
                 (long long)s->cfg.max_body);
        *res = silt_http_respond_error(conn, 413, msg, NULL);
        return 1;
    }
    return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    silt_http_server *s = cls;
    http_req *req = *con_cls;
    if (!req) {
        enum MHD_Result res;
        if (first_call(s, conn, url, con_cls, &res)) return res;
        return MHD_YES; /* answering after the whole request keeps the connection alive */
    }
    if (*upload_size) {
        if (!req->too_large && req->body.len + *upload_size <= (size_t)s->cfg.max_body)
            silt_buf_append(&req->body, upload_data, *upload_size);
        else
            req->too_large = true;
        *upload_size = 0;
        return MHD_YES;
    }
    if (req->too_large) {
        char msg[128];
        snprintf(msg, sizeof msg, "the request body is over the limit of %lld bytes",
                 (long long)s->cfg.max_body);
        return silt_http_respond_error(conn, 413, msg, NULL);
    }
    if (silt_buf_oom(&req->body)) return silt_http_respond_error(conn, 503, "out of memory", NULL);
    return dispatch(s, conn, url, method, req);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    size_t n = strlen(line);
    while (n && line[n - 1] == '\n') line[--n] = 0;
    silt_log_msg(SILT_LOG_DEBUG, "serve: libmicrohttpd: %s", line);
}

/* Percent-decoding of paths and query arguments that never yields a control byte (a %00 would
 * cut the name short): those become DEL, which no route or parameter accepts. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    size_t r = 0, w = 0;
    while (s[r]) {
        unsigned char c = (unsigned char)s[r];
        int hi, lo;
        if (c == '%' && (hi = silt_http_hex(s[r + 1])) >= 0 &&
            (lo = silt_http_hex(s[r + 2])) >= 0) {
            c = (unsigned char)(hi * 16 + lo);
            r += 3;
        } else {
            r++;
        }
        s[w++] = (char)(c < 0x20 ? 0x7f : c);
    }
    s[w] = 0;
    return w;
}

static int start_daemon(silt_http_server *s, silt_error *err)
{
    struct sockaddr_storage addr;
    unsigned alen;
    bool loopback;
    int rc = silt_http_listen_parse(&addr, &alen, &loopback, s->cfg.listen, err);
    if (rc) return rc;
    if (!loopback && !s->token)
        return silt_error_set(err, SILT_EINVAL,
                              "--listen %s is not a loopback address: give --token-file so that "
                              "every request must carry the token (or listen on 127.0.0.1)",
                              s->cfg.listen);
    if ((rc = silt_mhd_dl_load(err))) return rc; /* libmicrohttpd is loaded on first use */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                     MHD_USE_POLL | MHD_USE_ERROR_LOG;
    if (addr.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
    s->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
                              (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_LIMIT,
                              (unsigned)s->cfg.max_conns, MHD_OPTION_CONNECTION_TIMEOUT,
                              (unsigned)s->cfg.idle_s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                              MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s, MHD_OPTION_UNESCAPE_CALLBACK,
                              unescape, s, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
    if (!s->mhd)
        return silt_error_set(err, SILT_EIO,
                              "cannot listen on %s (in use, or not an address of this machine)",
                              s->cfg.listen);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : 0;
    return 0;
}

int silt_http_server_start(silt_http_server **out, const silt_http_config *cfg, silt_error *err)
{
    *out = NULL;
    silt_http_server *s = silt_calloc(1, sizeof *s);
    if (!s) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    s->cfg = *cfg;
    s->start_ms = silt_time_wall_ms();
    pthread_mutex_init(&s->mu, NULL);
    silt_http_cache_init(&s->metrics_cache);
    silt_http_cache_init(&s->tables_cache);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
    int rc;
    if (cfg->token && !(s->token = silt_strdup(cfg->token))) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto fail;
    }
    if ((rc = silt_http_catalog_create(&s->cat, cfg->lake, err))) goto fail;
    if ((rc = start_daemon(s, err))) goto fail;
    if (pthread_create(&s->refresher, NULL, refresher_main, s)) {
        rc = silt_error_set(err, SILT_EGENERIC, "cannot start the catalog's thread");
        goto fail;
    }
    s->refresher_started = true;
    *out = s;
    return 0;
fail:
    silt_http_server_stop(s);
    return rc;
}

uint16_t silt_http_server_port(const silt_http_server *s)
{
    return s->port;
}

void silt_http_server_stop(silt_http_server *s)
{
    if (!s) return;
    atomic_store(&s->stopping, true);
    pthread_mutex_lock(&s->mu);
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    if (s->cat) silt_http_catalog_wake(s->cat);
    if (s->refresher_started) pthread_join(s->refresher, NULL);
    if (s->mhd) MHD_stop_daemon(s->mhd);
    /* queries whose clients gave up finish on their own threads: wait for them */
    while (atomic_load(&s->queries) > 0) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    silt_http_cache_clear(&s->metrics_cache);
    silt_http_cache_clear(&s->tables_cache);
    silt_http_catalog_destroy(s->cat);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    silt_free(s->token);
    silt_free(s);
}
