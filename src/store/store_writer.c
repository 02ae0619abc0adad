/* Streaming writers over any store: the backend's own (Azure: Put Block / Put Block List) or,
 * for backends without one, a writer that buffers the object and puts it whole on close. */
#include "store/store.h"

#include "util/alloc.h"

typedef struct buf_writer {
    silt_store_writer base;
    silt_store *store; /* borrowed */
    char *key;         /* owned */
    silt_buf data;
} buf_writer;

static int bw_write(silt_store_writer *w, const void *data, size_t n, silt_error *err)
{
    buf_writer *bw = (buf_writer *)w;
    if (silt_buf_append(&bw->data, data, n))
        return silt_error_set(err, SILT_ENOMEM, "out of memory buffering '%s'", bw->key);
    w->written += n;
    return 0;
}

static void bw_free(buf_writer *bw)
{
    silt_buf_free(&bw->data);
    silt_free(bw->key);
    silt_free(bw);
}

static int bw_close(silt_store_writer *w, silt_error *err)
{
    buf_writer *bw = (buf_writer *)w;
    int rc = silt_store_put(bw->store, bw->key, bw->data.ptr ? bw->data.ptr : (uint8_t *)"",
                            bw->data.len, err);
    bw_free(bw);
    return rc;
}

static void bw_abort(silt_store_writer *w)
{
    bw_free((buf_writer *)w);
}

static const struct silt_store_writer_ops bw_ops = {bw_write, bw_close, bw_abort};

int silt_store_open_writer(silt_store *s, silt_store_writer **out, const char *key, silt_error *err)
{
    *out = NULL;
    if (s->ops->open_writer) return s->ops->open_writer(s, out, key, err);
    buf_writer *bw = silt_calloc(1, sizeof *bw);
    if (!bw || !(bw->key = silt_strdup(key))) {
        silt_free(bw);
        return silt_error_set(err, SILT_ENOMEM, "out of memory opening '%s'", key);
    }
    bw->base.ops = &bw_ops;
    bw->store = s;
    silt_buf_init(&bw->data);
    *out = &bw->base;
    return 0;
}
