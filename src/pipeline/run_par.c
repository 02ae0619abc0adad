/* Full recomputes of independent views run side by side within a pass. A view's query over
 * its upstreams' pinned versions touches no state of the run (run_mv_any_thread), so it can run
 * on a worker while the main thread goes on with the pass; the commits (run_mv_finish) stay on
 * the main thread, in the pass's order, before any table that reads one of these views. At the
 * end of a catch-up the pipeline's views all become due at once: on two cores they then take
 * about half the time they took one after the other. */
#include <pthread.h>
#include <unistd.h>

#include "pipeline/run_int.h"
#include "util/alloc.h"

#define MAX_WORKERS 3

struct run_par {
    silt_pipeline_run *r;
    run_mv_job *jobs;
    size_t n, cap;
    size_t next; /* the next job to compute */
    bool closed; /* no more jobs: workers leave once the queue is empty */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t th[MAX_WORKERS];
    size_t n_threads, max_threads;
};

/* Computes queued jobs until the queue is empty and closed (wait) or just empty. */
static void drain(run_par *p, bool wait)
{
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (wait && p->next >= p->n && !p->closed) pthread_cond_wait(&p->cv, &p->mu);
        if (p->next >= p->n) break;
        run_mv_job *j = &p->jobs[p->next++];
        pthread_mutex_unlock(&p->mu);
        run_mv_compute(p->r, j); /* jobs[] does not move: its capacity is fixed */
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
}

static void *worker(void *arg)
{
    drain(arg, true);
    return NULL;
}

/* One worker per core beside the main thread's (none on one core: the main thread computes
 * everything in run_par_finish). */
static size_t workers_for_cores(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus <= 1) return 0;
    return cpus - 1 > MAX_WORKERS ? MAX_WORKERS : (size_t)(cpus - 1);
}

int run_par_add(run_par **pp, silt_pipeline_run *r, const run_mv_job *job, silt_error *err)
{
    run_par *p = *pp;
    if (!p) {
        p = silt_calloc(1, sizeof *p);
        if (p) p->jobs = silt_calloc(r->n + 1, sizeof *p->jobs);
        if (!p || !p->jobs) {
            silt_free(p);
            return silt_error_set(err, SILT_ENOMEM, "out of memory");
        }
        p->r = r;
        p->cap = r->n + 1;
        p->max_threads = workers_for_cores();
        pthread_mutex_init(&p->mu, NULL);
        pthread_cond_init(&p->cv, NULL);
        *pp = p;
    }
    pthread_mutex_lock(&p->mu);
    if (p->n >= p->cap) { /* a view is queued at most once per pass: cannot happen */
        pthread_mutex_unlock(&p->mu);
        return silt_error_set(err, SILT_EGENERIC, "internal: too many recomputes in one pass");
    }
    p->jobs[p->n++] = *job;
    size_t waiting = p->n - p->next;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    /* a thread failing to start leaves the job to the main thread in run_par_finish */
    if (p->n_threads < p->max_threads && waiting > 0 &&
        pthread_create(&p->th[p->n_threads], NULL, worker, p) == 0)
        p->n_threads++;
    return 0;
}

bool run_par_feeds(const run_par *p, const run_table *t)
{
    for (size_t k = 0; p && k < p->n; k++) {
        int v = (int)p->jobs[k].i;
        if (t->upstream == v) return true;
        for (size_t x = 0; x < t->def->n_reads; x++)
            if (t->def->reads[x] == v) return true;
    }
    return false;
}

int run_par_finish(run_par *p, silt_pipeline_run *r, bool *out_did, silt_error *err)
{
    if (!p) return 0;
    pthread_mutex_lock(&p->mu);
    p->closed = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    drain(p, false); /* the main thread takes its share */
    for (size_t k = 0; k < p->n_threads; k++) pthread_join(p->th[k], NULL);
    int rc = 0;
    for (size_t k = 0; k < p->n; k++) {
        bool changed = false;
        if (!rc)
            rc = run_mv_finish(r, &p->jobs[k], &changed, err);
        else
            silt_batch_destroy(p->jobs[k].out); /* after a failure nothing more is committed */
        if (changed) *out_did = true;
    }
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    silt_free(p->jobs);
    silt_free(p);
    return rc;
}
