/* Azure streaming uploads: bytes are sent in blocks (Put Block) as they are written and the
 * object is published whole by Put Block List on close; an object smaller than one block goes
 * up with one Put Blob. At most one block is held in memory. */
#include "store/store_azure.h"

#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/time.h"

typedef struct az_writer {
    silt_store_writer base;
    silt_az_store *az; /* borrowed */
    char *key;         /* owned: the store key */
    silt_buf name;     /* blob name */
    silt_buf block;    /* bytes not yet sent */
    silt_buf ids;      /* the <BlockList> body built so far */
    uint64_t tag;      /* random part of this writer's block ids */
    unsigned nblocks;
} az_writer;

static void aw_free(az_writer *w)
{
    silt_buf_free(&w->name);
    silt_buf_free(&w->block);
    silt_buf_free(&w->ids);
    silt_free(w->key);
    silt_free(w);
}

int silt_az_block_id(silt_buf *out, uint64_t tag, unsigned index)
{
    char raw[40];
    /* every id of a blob must have the same length: 16 hex digits + 8 digits */
    snprintf(raw, sizeof raw, "%016llx%08u", (unsigned long long)tag, index);
    return silt_az_b64_encode(out, raw, strlen(raw));
}

int silt_az_put_block(silt_az_store *az, const char *blob, const char *key, const char *id,
                      const void *data, size_t n, silt_error *err)
{
    silt_az_req q = {.method = "PUT",
                     .blob = blob,
                     .params = {{"comp", "block"}, {"blockid", id}},
                     .nparams = 2,
                     .data = data,
                     .data_len = n};
    silt_az_resp r;
    int rc = silt_az_http_do(az, &q, &r, err);
    if (!rc && r.status != 201) rc = silt_az_status_error(az, &r, "uploading a block of", key, err);
    return rc;
}

int silt_az_put_block_list(silt_az_store *az, const char *blob, const char *key,
                           const silt_buf *ids, silt_error *err)
{
    silt_buf list = SILT_BUF_INIT;
    silt_buf_printf(&list, "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>%.*s</BlockList>",
                    (int)ids->len, (char *)ids->ptr);
    if (silt_buf_oom(&list)) {
        silt_buf_free(&list);
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    silt_az_req q = {.method = "PUT",
                     .blob = blob,
                     .params = {{"comp", "blocklist"}},
                     .nparams = 1,
                     .data = list.ptr,
                     .data_len = list.len};
    silt_az_resp r;
    int rc = silt_az_http_do(az, &q, &r, err);
    if (!rc && r.status != 201)
        rc = silt_az_status_error(az, &r, "committing the blocks of", key, err);
    silt_buf_free(&list);
    return rc;
}

/* Sends the buffered bytes as the next block. */
static int put_block(az_writer *w, silt_error *err)
{
    silt_buf id = SILT_BUF_INIT;
    if (silt_az_block_id(&id, w->tag, w->nblocks)) {
        silt_buf_free(&id);
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    int rc = silt_az_put_block(w->az, (char *)w->name.ptr, w->key, (char *)id.ptr, w->block.ptr,
                               w->block.len, err);
    if (!rc) {
        silt_buf_printf(&w->ids, "<Latest>%s</Latest>", (char *)id.ptr);
        if (silt_buf_oom(&w->ids)) rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        w->nblocks++;
        silt_buf_reset(&w->block);
    }
    silt_buf_free(&id);
    return rc;
}

static int aw_write(silt_store_writer *sw, const void *data, size_t n, silt_error *err)
{
    az_writer *w = (az_writer *)sw;
    size_t bs = w->az->cfg.block_size;
    const uint8_t *p = data;
    while (n > 0) {
        size_t take = bs - w->block.len < n ? bs - w->block.len : n;
        if (silt_buf_append(&w->block, p, take))
            return silt_error_set(err, SILT_ENOMEM, "out of memory writing '%s'", w->key);
        p += take;
        n -= take;
        sw->written += take;
        if (w->block.len == bs) {
            int rc = put_block(w, err);
            if (rc) return rc;
        }
    }
    return 0;
}

static int aw_close(silt_store_writer *sw, silt_error *err)
{
    az_writer *w = (az_writer *)sw;
    int rc = 0;
    silt_az_cache_drop(w->az, w->key);
    if (w->nblocks == 0) {
        rc = silt_store_put(&w->az->base, w->key, w->block.ptr ? w->block.ptr : (uint8_t *)"",
                            w->block.len, err);
        goto done;
    }
    if (w->block.len && (rc = put_block(w, err))) goto done;
    rc = silt_az_put_block_list(w->az, (char *)w->name.ptr, w->key, &w->ids, err);
done:
    aw_free(w);
    return rc;
}

/* Uncommitted blocks are discarded by the service (after a week at most). */
static void aw_abort(silt_store_writer *sw)
{
    aw_free((az_writer *)sw);
}

static const struct silt_store_writer_ops aw_ops = {aw_write, aw_close, aw_abort};

int silt_az_open_writer(silt_store *s, silt_store_writer **out, const char *key, silt_error *err)
{
    silt_az_store *az = (silt_az_store *)s;
    *out = NULL;
    az_writer *w = silt_calloc(1, sizeof *w);
    if (!w) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    w->base.ops = &aw_ops;
    w->az = az;
    int rc = silt_az_blob_name(az, &w->name, key, err);
    if (rc) {
        aw_free(w);
        return rc;
    }
    if (!(w->key = silt_strdup(key))) {
        aw_free(w);
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    pthread_mutex_lock(&az->lock);
    az->rng = az->rng * 6364136223846793005ULL + 1442695040888963407ULL;
    w->tag = az->rng ^ silt_time_mono_ns();
    pthread_mutex_unlock(&az->lock);
    *out = &w->base;
    return 0;
}
