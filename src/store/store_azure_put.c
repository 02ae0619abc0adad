/* Parallel uploads of large whole objects to Azure: the buffer is cut into pieces sent as blocks
 * by up to 4 threads (each on its own pooled connection), then published by Put Block List. */
#include "store/store_azure.h"

#include <string.h>

#include "util/alloc.h"
#include "util/time.h"

#define MAX_THREADS 4

typedef struct put_job {
    silt_az_store *az;
    const char *blob, *key;
    const uint8_t *data;
    size_t n, piece, npieces;
    uint64_t tag;
    pthread_mutex_t lock;
    size_t next;    /* next piece to send */
    int rc;         /* first failure */
    silt_error err; /* its message */
} put_job;

size_t silt_az_piece_size(const silt_az_store *az)
{
    size_t p = az->cfg.block_size < (4u << 20) ? az->cfg.block_size : (4u << 20);
    return p;
}

static void *put_worker(void *arg)
{
    put_job *j = arg;
    silt_buf id = SILT_BUF_INIT;
    silt_error err;
    for (;;) {
        pthread_mutex_lock(&j->lock);
        size_t i = j->rc ? j->npieces : j->next++;
        pthread_mutex_unlock(&j->lock);
        if (i >= j->npieces) break;
        size_t off = i * j->piece, len = j->n - off < j->piece ? j->n - off : j->piece;
        int rc = silt_az_block_id(&id, j->tag, (unsigned)i)
                     ? silt_error_set(&err, SILT_ENOMEM, "out of memory")
                     : silt_az_put_block(j->az, j->blob, j->key, (char *)id.ptr, j->data + off, len,
                                         &err);
        if (rc) {
            pthread_mutex_lock(&j->lock);
            if (!j->rc) {
                j->rc = rc;
                j->err = err;
            }
            pthread_mutex_unlock(&j->lock);
        }
    }
    silt_buf_free(&id);
    return NULL;
}

int silt_az_put_parallel(silt_az_store *az, const char *blob, const char *key, const void *data,
                         size_t n, silt_error *err)
{
    put_job j = {.az = az, .blob = blob, .key = key, .data = data, .n = n};
    j.piece = silt_az_piece_size(az);
    j.npieces = (n + j.piece - 1) / j.piece;
    pthread_mutex_lock(&az->lock);
    az->rng = az->rng * 6364136223846793005ULL + 1442695040888963407ULL;
    j.tag = az->rng ^ silt_time_mono_ns();
    pthread_mutex_unlock(&az->lock);
    pthread_mutex_init(&j.lock, NULL);
    pthread_t th[MAX_THREADS];
    size_t started = 0;
    for (; started < MAX_THREADS && started < j.npieces; started++)
        if (pthread_create(&th[started], NULL, put_worker, &j) != 0) break;
    if (started == 0) put_worker(&j); /* no thread: do it here */
    for (size_t i = 0; i < started; i++) pthread_join(th[i], NULL);
    pthread_mutex_destroy(&j.lock);
    if (j.rc) {
        if (err) *err = j.err;
        return j.rc;
    }
    silt_buf ids = SILT_BUF_INIT, id = SILT_BUF_INIT;
    for (size_t i = 0; i < j.npieces; i++) {
        silt_az_block_id(&id, j.tag, (unsigned)i);
        silt_buf_printf(&ids, "<Latest>%s</Latest>", id.ptr ? (char *)id.ptr : "");
    }
    int rc = silt_buf_oom(&ids) || silt_buf_oom(&id)
                 ? silt_error_set(err, SILT_ENOMEM, "out of memory")
                 : silt_az_put_block_list(az, blob, key, &ids, err);
    silt_buf_free(&ids);
    silt_buf_free(&id);
    return rc;
}
