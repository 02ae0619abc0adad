/* Getting and parsing the JSON commits of a segment several at a time (the store is
 * thread-safe; on object stores each get is a round trip) while the replay applies them in
 * version order: worker threads run up to a window ahead of the one applying. */
#include "delta/log_int.h"

#include <pthread.h>
#include <string.h>

#include "util/alloc.h"

#define FETCH_THREADS 7 /* besides the applying thread, which fetches too when it waits */
#define FETCH_WINDOW 256

struct silt_delta_fetch {
    silt_store *store;
    char *const *keys;
    size_t n;
    silt_delta_fetched ring[FETCH_WINDOW]; /* key i in slot i % FETCH_WINDOW */
    bool done[FETCH_WINDOW];
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a slot done, a slot freed, or stop */
    size_t next;       /* the next key to take */
    size_t released;   /* keys before it are applied and their slots free */
    bool stop;
    pthread_t th[FETCH_THREADS];
    size_t started;
};

/* Fetches key i into its slot (called without the lock). */
static void fetch_one(silt_delta_fetch *f, size_t i, silt_buf *b)
{
    silt_delta_fetched *x = &f->ring[i % FETCH_WINDOW];
    memset(x, 0, sizeof *x);
    x->rc = silt_store_get(f->store, b, f->keys[i], &x->err);
    if (!x->rc) x->rc = silt_delta_actions_parse(&x->acts, b->ptr, b->len, f->keys[i], &x->err);
}

static void mark_done(silt_delta_fetch *f, size_t i)
{
    pthread_mutex_lock(&f->mu);
    f->done[i % FETCH_WINDOW] = true;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
}

static void *worker(void *arg)
{
    silt_delta_fetch *f = arg;
    silt_buf b = SILT_BUF_INIT;
    pthread_mutex_lock(&f->mu);
    for (;;) {
        while (!f->stop && f->next < f->n && f->next >= f->released + FETCH_WINDOW)
            pthread_cond_wait(&f->cv, &f->mu);
        if (f->stop || f->next >= f->n) break;
        size_t i = f->next++;
        pthread_mutex_unlock(&f->mu);
        fetch_one(f, i, &b);
        mark_done(f, i);
        pthread_mutex_lock(&f->mu);
    }
    pthread_mutex_unlock(&f->mu);
    silt_buf_free(&b);
    return NULL;
}

int silt_delta_fetch_open(silt_delta_fetch **out, silt_store *store, char *const *keys, size_t n)
{
    silt_delta_fetch *f = silt_calloc(1, sizeof *f);
    *out = f;
    if (!f) return SILT_ENOMEM;
    f->store = store;
    f->keys = keys;
    f->n = n;
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    /* threads that cannot start are done without: the applying thread fetches too */
    while (f->started < FETCH_THREADS && f->started + 1 < n &&
           pthread_create(&f->th[f->started], NULL, worker, f) == 0)
        f->started++;
    return 0;
}

silt_delta_fetched *silt_delta_fetch_wait(silt_delta_fetch *f, size_t i)
{
    silt_buf b = SILT_BUF_INIT;
    pthread_mutex_lock(&f->mu);
    while (!f->done[i % FETCH_WINDOW]) {
        if (f->next <= i) { /* nobody has taken it (or one before it) yet: fetch it here */
            size_t k = f->next++;
            pthread_mutex_unlock(&f->mu);
            fetch_one(f, k, &b);
            mark_done(f, k);
            pthread_mutex_lock(&f->mu);
        } else {
            pthread_cond_wait(&f->cv, &f->mu);
        }
    }
    pthread_mutex_unlock(&f->mu);
    silt_buf_free(&b);
    return &f->ring[i % FETCH_WINDOW];
}

void silt_delta_fetch_release(silt_delta_fetch *f, size_t i)
{
    silt_delta_actions_clear(&f->ring[i % FETCH_WINDOW].acts);
    pthread_mutex_lock(&f->mu);
    f->done[i % FETCH_WINDOW] = false;
    f->released = i + 1;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
}

void silt_delta_fetch_close(silt_delta_fetch *f)
{
    if (!f) return;
    pthread_mutex_lock(&f->mu);
    f->stop = true;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
    for (size_t i = 0; i < f->started; i++) pthread_join(f->th[i], NULL);
    for (size_t i = 0; i < FETCH_WINDOW; i++) silt_delta_actions_clear(&f->ring[i].acts);
    pthread_cond_destroy(&f->cv);
    pthread_mutex_destroy(&f->mu);
    silt_free(f);
}
