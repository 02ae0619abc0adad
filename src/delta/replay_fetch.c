/* Getting and parsing the JSON commits of a segment several at a time (the store is
 * thread-safe; on object stores each get is a round trip), for the replay to apply in version
 * order. */
#include "delta/log_int.h"

#include <pthread.h>
#include <string.h>

#include "util/alloc.h"

#define FETCH_THREADS 8

typedef struct fetch_job {
    silt_store *store;
    char *const *keys;
    silt_delta_fetched *out;
    size_t n;
    pthread_mutex_t mu;
    size_t next; /* the next key to take */
} fetch_job;

static void *fetch_worker(void *arg)
{
    fetch_job *j = arg;
    silt_buf b = SILT_BUF_INIT;
    for (;;) {
        pthread_mutex_lock(&j->mu);
        size_t i = j->next++;
        pthread_mutex_unlock(&j->mu);
        if (i >= j->n) break;
        silt_delta_fetched *f = &j->out[i];
        silt_error_clear(&f->err);
        f->rc = silt_store_get(j->store, &b, j->keys[i], &f->err);
        if (!f->rc) f->rc = silt_delta_actions_parse(&f->acts, b.ptr, b.len, j->keys[i], &f->err);
    }
    silt_buf_free(&b);
    return NULL;
}

void silt_delta_fetch_commits(silt_delta_fetched *out, silt_store *store, char *const *keys,
                              size_t n)
{
    fetch_job j = {store, keys, out, n, PTHREAD_MUTEX_INITIALIZER, 0};
    pthread_t th[FETCH_THREADS - 1];
    size_t started = 0;
    /* the calling thread is one of the workers; threads that cannot start are done without */
    while (started < FETCH_THREADS - 1 && started + 1 < n &&
           pthread_create(&th[started], NULL, fetch_worker, &j) == 0)
        started++;
    fetch_worker(&j);
    for (size_t i = 0; i < started; i++) pthread_join(th[i], NULL);
    pthread_mutex_destroy(&j.mu);
}
