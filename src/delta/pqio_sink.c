/* A Parquet sink that streams into a store writer: data files and checkpoints go to the store
 * as they are encoded (Azure: blocks uploaded as they fill), never held whole in memory. */
#include "delta/pqio_int.h"

#include "util/alloc.h"

/* Small writes (page headers, footer parts) are gathered into store writes of this size. */
#define SINK_CHUNK (1u << 20)

typedef struct store_sink {
    silt_pq_sink base;
    silt_store_writer *w; /* owned: closed (published) by finish, aborted by destroy */
    silt_buf pending;     /* bytes not yet handed to w */
    uint64_t *size_out;   /* where finish stores the object's size */
} store_sink;

static int flush_pending(store_sink *s, silt_error *err)
{
    if (s->pending.len == 0) return 0;
    int rc = silt_store_writer_write(s->w, s->pending.ptr, s->pending.len, err);
    silt_buf_reset(&s->pending);
    return rc;
}

static int ssink_write(silt_pq_sink *ps, const void *data, size_t n, silt_error *err)
{
    store_sink *s = (store_sink *)ps;
    if (!s->w) return silt_error_set(err, SILT_EINVAL, "write to a finished store sink");
    if (s->pending.len + n > SINK_CHUNK) {
        int rc = flush_pending(s, err);
        if (rc) return rc;
        if (n >= SINK_CHUNK) return silt_store_writer_write(s->w, data, n, err);
    }
    if (silt_buf_append(&s->pending, data, n))
        return silt_error_set(err, SILT_ENOMEM, "out of memory buffering a Parquet file");
    return 0;
}

static int ssink_finish(silt_pq_sink *ps, silt_error *err)
{
    store_sink *s = (store_sink *)ps;
    if (!s->w) return silt_error_set(err, SILT_EINVAL, "store sink finished twice");
    int rc = flush_pending(s, err);
    if (rc) return rc;             /* destroy aborts the writer */
    uint64_t size = s->w->written; /* close frees the writer */
    silt_store_writer *w = s->w;
    s->w = NULL;
    if ((rc = silt_store_writer_close(w, err))) return rc;
    if (s->size_out) *s->size_out = size;
    return 0;
}

static void ssink_destroy(silt_pq_sink *ps)
{
    store_sink *s = (store_sink *)ps;
    silt_store_writer_abort(s->w);
    silt_buf_free(&s->pending);
    silt_free(s);
}

static const struct silt_pq_sink_ops store_sink_ops = {ssink_write, ssink_finish, ssink_destroy};

int silt_delta_store_sink(silt_pq_sink **out, silt_store *store, const char *key,
                          uint64_t *size_out, silt_error *err)
{
    *out = NULL;
    store_sink *s = silt_calloc(1, sizeof *s);
    if (!s) return silt_error_set(err, SILT_ENOMEM, "out of memory opening '%s'", key);
    s->base.ops = &store_sink_ops;
    s->size_out = size_out;
    silt_buf_init(&s->pending);
    int rc = silt_store_open_writer(store, &s->w, key, err);
    if (rc) {
        silt_free(s);
        return rc;
    }
    *out = &s->base;
    return 0;
}
