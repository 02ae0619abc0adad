/* The thread that folds new rows into the aggregates of views kept in memory (run_acc.c), so
 * that the main thread goes on with the next batch meanwhile: the rows a streaming table just
 * appended are handed over by reference (run_kept_ref), in version order, and folded on the
 * second core. The main thread waits for the folds (run_accq_drain) before it reads or
 * rebuilds any view's states, so each view's states are only ever touched by one thread at a
 * time. A bounded queue (one version of three views) keeps at most a few batches of rows
 * alive. With one core the folds run at once, on the main thread. */
#include <pthread.h>
#include <unistd.h>

#include "pipeline/run_int.h"
#include "util/alloc.h"

#define QMAX 3

typedef struct fold {
    run_acc *a;
    run_kept_rows *rows; /* a reference; NULL: the version added no rows */
    int64_t v;
} fold;

struct run_accq {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a fold queued, a fold done, or stop */
    fold q[QMAX];
    size_t head, n;
    bool busy; /* a fold taken off the queue and running */
    bool stop;
};

static void *feeder(void *arg)
{
    run_accq *q = arg;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (!q->stop && !q->n) pthread_cond_wait(&q->cv, &q->mu);
        if (!q->n) break; /* stopped */
        fold f = q->q[q->head];
        q->head = (q->head + 1) % QMAX;
        q->n--;
        q->busy = true;
        pthread_mutex_unlock(&q->mu);
        run_acc_fold(f.a, f.rows, f.v);
        run_kept_unref(f.rows);
        pthread_mutex_lock(&q->mu);
        q->busy = false;
        pthread_cond_broadcast(&q->cv);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

/* The queue, started on first use; NULL on one core (or when no thread starts). */
static run_accq *queue(silt_pipeline_run *r)
{
    if (r->accq || r->accq_none) return r->accq;
    run_accq *q = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? silt_calloc(1, sizeof *q) : NULL;
    if (q) {
        pthread_mutex_init(&q->mu, NULL);
        pthread_cond_init(&q->cv, NULL);
        if (pthread_create(&q->th, NULL, feeder, q)) {
            pthread_cond_destroy(&q->cv);
            pthread_mutex_destroy(&q->mu);
            silt_free(q);
            q = NULL;
        }
    }
    r->accq = q;
    r->accq_none = !q;
    return q;
}

void run_accq_push(silt_pipeline_run *r, run_acc *a, run_kept_rows *rows, int64_t v)
{
    run_accq *q = queue(r);
    if (!q) { /* one core: folded here */
        run_acc_fold(a, rows, v);
        run_kept_unref(rows);
        return;
    }
    pthread_mutex_lock(&q->mu);
    while (q->n == QMAX) pthread_cond_wait(&q->cv, &q->mu);
    q->q[(q->head + q->n) % QMAX] = (fold){a, rows, v};
    q->n++;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

void run_accq_drain(silt_pipeline_run *r)
{
    run_accq *q = r->accq;
    if (!q) return;
    pthread_mutex_lock(&q->mu);
    while (q->n || q->busy) pthread_cond_wait(&q->cv, &q->mu);
    pthread_mutex_unlock(&q->mu);
}

void run_accq_stop(silt_pipeline_run *r)
{
    run_accq *q = r->accq;
    if (!q) return;
    pthread_mutex_lock(&q->mu);
    for (; q->n; q->n--, q->head = (q->head + 1) % QMAX) /* not folded: nothing reads them */
        run_kept_unref(q->q[q->head].rows);
    q->stop = true;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
    pthread_join(q->th, NULL);
    pthread_cond_destroy(&q->cv);
    pthread_mutex_destroy(&q->mu);
    silt_free(q);
    r->accq = NULL;
}
