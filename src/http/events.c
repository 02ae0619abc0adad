/* GET /api/events: Server-Sent Events of the catalog's changes (new tables, new commits with
 * their figures, vanished tables) as they happen; a comment line every 15 s (or every half
 * of the server's idle timeout, if shorter: the server closes a connection silent that long)
 * keeps idle connections open. A client that reconnects with Last-Event-ID gets what it missed (of
 * the newest 256 events). */
#include <stdlib.h>
#include <string.h>

#include "http/server_int.h"
#include "util/alloc.h"

typedef struct sse {
    silt_http_server *srv;
    uint64_t seq;
    silt_buf pending;
    size_t off;
} sse;

static int keepalive_ms(const silt_http_server *s)
{
    int64_t ms = s->cfg.idle_s * 500;
    if (ms <= 0 || ms > 15000) ms = 15000;
    return ms < 100 ? 100 : (int)ms;
}

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    sse *e = cls;
    while (e->off == e->pending.len) {
        silt_buf_reset(&e->pending);
        e->off = 0;
        if (atomic_load(&e->srv->stopping)) return MHD_CONTENT_READER_END_OF_STREAM;
        if (!silt_http_catalog_events(e->srv->cat, &e->seq, keepalive_ms(e->srv), &e->pending) &&
            !atomic_load(&e->srv->stopping))
            silt_buf_puts(&e->pending, ": keep-alive\n\n");
        if (silt_buf_oom(&e->pending)) return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    size_t n = e->pending.len - e->off;
    if (n > max) n = max;
    memcpy(buf, e->pending.ptr + e->off, n);
    e->off += n;
    return (ssize_t)n;
}

static void sse_free(void *cls)
{
    sse *e = cls;
    atomic_fetch_sub(&e->srv->sse_clients, 1);
    silt_buf_free(&e->pending);
    silt_free(e);
}

enum MHD_Result silt_http_events(silt_http_server *s, struct MHD_Connection *conn)
{
    sse *e = silt_calloc(1, sizeof *e);
    if (!e) return silt_http_respond_error(conn, 503, "out of memory", NULL);
    e->srv = s;
    e->seq = UINT64_MAX;
    silt_http_catalog_events(s->cat, &e->seq, 0, &e->pending);
    const char *last = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Last-Event-ID");
    if (last && *last) {
        char *end;
        unsigned long long v = strtoull(last, &end, 10);
        if (!*end && v <= e->seq) e->seq = v;
    }
    silt_buf_printf(&e->pending, "retry: 3000\n: silt events from %llu\n\n",
                    (unsigned long long)e->seq);
    atomic_fetch_add(&s->sse_clients, 1);
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, sse_read, e, sse_free);
    if (!r) {
        sse_free(e);
        return MHD_NO;
    }
    silt_http_secure_headers(r, true);
    MHD_add_response_header(r, "Content-Type", "text/event-stream");
    MHD_add_response_header(r, "X-Accel-Buffering", "no");
    enum MHD_Result ok = MHD_queue_response(conn, 200, r);
    MHD_destroy_response(r);
    return ok;
}
