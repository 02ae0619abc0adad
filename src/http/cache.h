/* A response shared by every request for a while: the endpoint renders it at most once per
 * time-to-live, or sooner when the catalog's generation moved, and queues the very same
 * libmicrohttpd response (reference-counted) to each request in between, so a crowd of clients
 * costs one rendering instead of one each. */
#ifndef SILT_HTTP_CACHE_H
#define SILT_HTTP_CACHE_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>

typedef struct silt_http_cache {
    pthread_rwlock_t lock;     /* readers queue resp; the renderer swaps it (writer first) */
    pthread_mutex_t render;    /* one rendering at a time */
    struct MHD_Response *resp; /* NULL until the first rendering */
    uint64_t gen, at_ns;       /* the catalog generation and the time it was rendered at */
} silt_http_cache;

void silt_http_cache_init(silt_http_cache *c);
/* Drops the response (once no request can use it any more: after the daemon stopped). */
void silt_http_cache_clear(silt_http_cache *c);

/* Builds a new response (a reference the cache takes over), or NULL when out of memory. */
typedef struct MHD_Response *(*silt_http_cache_build)(void *arg);

/* Queues the cached response with status 200, built anew by build(arg) first when there is
 * none, it is ttl_ms old or its generation is not gen. A 503 when it cannot be built. */
enum MHD_Result silt_http_cache_serve(silt_http_cache *c, struct MHD_Connection *conn, uint64_t gen,
                                      int64_t ttl_ms, silt_http_cache_build build, void *arg);

#endif
