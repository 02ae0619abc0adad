/* Responses shared by the requests of a short while (see cache.h). Requests only share a read
 * lock, never a mutex: a request thread preempted while it holds it (the server's threads run
 * at a low priority) does not hold up the others. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pthread_rwlockattr_setkind_np */
#endif
#include "http/cache.h"

#include "http/server_int.h"
#include "util/time.h"

void silt_http_cache_init(silt_http_cache *c)
{
    pthread_rwlockattr_t a;
    pthread_rwlockattr_init(&a);
#ifdef __GLIBC__
    /* a steady crowd of readers must not keep the renderer from swapping in a new response */
    pthread_rwlockattr_setkind_np(&a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
    pthread_rwlock_init(&c->lock, &a);
    pthread_rwlockattr_destroy(&a);
    pthread_mutex_init(&c->render, NULL);
    c->resp = NULL;
    c->gen = c->at_ns = 0;
}

void silt_http_cache_clear(silt_http_cache *c)
{
    if (c->resp) MHD_destroy_response(c->resp);
    c->resp = NULL;
    pthread_rwlock_destroy(&c->lock);
    pthread_mutex_destroy(&c->render);
}

/* Under the read lock: whether the response can be sent as it is. */
static bool fresh(const silt_http_cache *c, uint64_t gen, int64_t ttl_ms, uint64_t now)
{
    return c->resp && c->gen == gen && now - c->at_ns < (uint64_t)ttl_ms * 1000000u;
}

/* Queues the response under the read lock (a rendering cannot free it meanwhile); MHD_NO
 * with *none when there is none. */
static enum MHD_Result queue(silt_http_cache *c, struct MHD_Connection *conn, uint64_t gen,
                             int64_t ttl_ms, bool only_fresh, bool *none)
{
    enum MHD_Result ok = MHD_NO;
    pthread_rwlock_rdlock(&c->lock);
    *none = only_fresh ? !fresh(c, gen, ttl_ms, silt_time_mono_ns()) : !c->resp;
    if (!*none) ok = MHD_queue_response(conn, 200, c->resp);
    pthread_rwlock_unlock(&c->lock);
    return ok;
}

enum MHD_Result silt_http_cache_serve(silt_http_cache *c, struct MHD_Connection *conn, uint64_t gen,
                                      int64_t ttl_ms, silt_http_cache_build build, void *arg)
{
    bool none;
    enum MHD_Result ok = queue(c, conn, gen, ttl_ms, true, &none);
    if (!none) return ok;
    pthread_mutex_lock(&c->render);
    /* the request that rendered while this one waited may have left a fresh one */
    ok = queue(c, conn, gen, ttl_ms, true, &none);
    if (!none) {
        pthread_mutex_unlock(&c->render);
        return ok;
    }
    uint64_t now = silt_time_mono_ns();
    struct MHD_Response *r = build(arg), *old = NULL;
    pthread_rwlock_wrlock(&c->lock);
    if (r || c->gen != gen) { /* out of date: better an error than old news */
        old = c->resp;
        c->resp = r;
        c->gen = gen;
        c->at_ns = now;
    }
    pthread_rwlock_unlock(&c->lock);
    pthread_mutex_unlock(&c->render);
    if (old) MHD_destroy_response(old); /* the requests that were sent it keep their reference */
    ok = queue(c, conn, gen, ttl_ms, false, &none);
    if (none) return silt_http_respond_error(conn, 503, "out of memory", NULL);
    return ok;
}
