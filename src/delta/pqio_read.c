/* Delta data files and checkpoints read through the Parquet reader: the store-backed byte-range
 * source, whole-file reads with columns the file lacks read as nulls, and row groups skipped by
 * their statistics for a scan's predicates. A file of several row groups is decoded by up to two
 * worker threads (alternate row groups, each with its own reader), one row group ahead of the
 * caller's emit, which still sees them in file order; how many is read_workers' choice. */
#include "delta/pqio.h"
#include "delta/pqio_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "delta/skip.h"
#include "parquet/reader.h"
#include "util/alloc.h"

/* The byte-range source over a stored object: here, where the store and Parquet meet (the
 * store is below Parquet's users and does not know the reader). A local file stays open for all
 * of the reader's ranges. */
typedef struct store_source {
    silt_pq_source base;
    silt_store_object obj;
} store_source;

static int source_read_at(silt_pq_source *s, uint64_t offset, void *buf, size_t n, silt_error *err)
{
    store_source *ss = (store_source *)s;
    if (offset > s->size || n > s->size - offset) {
        silt_error_set(err, SILT_ECORRUPT,
                       "read of %zu bytes at offset %llu is past the end of '%s' (%llu bytes)", n,
                       (unsigned long long)offset, ss->obj.key, (unsigned long long)s->size);
        silt_error_path(err, ss->obj.key);
        return silt_error_offset(err, (int64_t)offset);
    }
    return silt_store_object_read(&ss->obj, buf, offset, n, err);
}

static void source_destroy(silt_pq_source *s)
{
    store_source *ss = (store_source *)s;
    silt_store_object_close(&ss->obj);
    silt_free(ss);
}

static const struct silt_pq_source_ops store_source_ops = {source_read_at, source_destroy};

int silt_delta_store_source(silt_pq_source **out, silt_store *s, const char *key, silt_error *err)
{
    *out = NULL;
    store_source *ss = silt_calloc(1, sizeof *ss);
    if (!ss) return silt_error_set(err, SILT_ENOMEM, "out of memory opening '%s'", key);
    int rc = silt_store_object_open(&ss->obj, s, key, err);
    if (rc) {
        silt_free(ss);
        return rc;
    }
    ss->base.ops = &store_source_ops;
    ss->base.size = ss->obj.size;
    ss->base.name = ss->obj.key;
    *out = &ss->base;
    return 0;
}

static int open_reader(silt_pq_source **out_src, silt_pq_reader **out_r, silt_store *store,
                       const char *key, silt_error *err)
{
    int rc = silt_delta_store_source(out_src, store, key, err);
    if (rc) return rc;
    rc = silt_pq_reader_open(out_r, *out_src, err);
    if (rc) {
        silt_pq_source_destroy(*out_src);
        *out_src = NULL;
    }
    return rc;
}

int silt_delta_pq_read_checkpoint(void *ctx, silt_store *store, const char *key,
                                  silt_delta_pqio_emit_fn emit, void *arg, silt_error *err)
{
    (void)ctx;
    silt_pq_source *src = NULL;
    silt_pq_reader *r = NULL;
    int rc = open_reader(&src, &r, store, key, err);
    for (int g = 0; rc == 0 && g < silt_pq_reader_num_row_groups(r); g++) {
        silt_batch *b = NULL;
        rc = silt_pq_reader_read_row_group(r, g, NULL, 0, &b, err);
        if (rc == 0) rc = emit(arg, b, err);
        silt_batch_destroy(b);
    }
    silt_pq_reader_destroy(r);
    silt_pq_source_destroy(src);
    return rc;
}

/* May row group g hold rows matching every term of filter (partition terms aside)? */
static bool row_group_may_match(silt_pq_reader *r, int g, const silt_delta_read_filter *filter)
{
    const silt_schema *fs = silt_pq_reader_schema(r);
    for (size_t k = 0; k < filter->n_terms; k++) {
        const silt_delta_term *t = &filter->terms[k];
        long c = t->on_partition ? -1 : silt_schema_find(fs, t->field->name);
        silt_pq_rg_stats st;
        if (c < 0 || silt_pq_reader_row_group_stats(&st, r, g, (int)c, NULL)) continue;
        bool may = silt_delta_term_may_match(t, st.has_min_max ? &st.min_max : NULL, st.null_count,
                                             st.num_values);
        silt_pq_rg_stats_clear(&st);
        if (!may) return false;
    }
    return true;
}

/* The file's field index of each field of schema (-1: the file lacks it), and the indexes of
 * those present, in order. */
typedef struct projection {
    int *cols, *proj;
    size_t n_present;
    bool lazy_dict; /* the caller's silt_delta_read_filter.lazy_dict */
} projection;

static int project(projection *p, const silt_schema *fs, const silt_schema *schema, silt_error *err)
{
    size_t n = schema->n_fields ? schema->n_fields : 1;
    p->cols = silt_calloc(n, sizeof *p->cols);
    p->proj = silt_calloc(n, sizeof *p->proj);
    if (!p->cols || !p->proj) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (size_t i = 0; i < schema->n_fields; i++) {
        p->cols[i] = (int)silt_schema_find(fs, schema->fields[i].name);
        if (p->cols[i] >= 0) p->proj[p->n_present++] = p->cols[i];
    }
    return 0;
}

/* Emits b as a batch of schema: columns the file lacks (added to the table later) read as
 * nulls. Takes b's columns. */
static int emit_conformed(const projection *p, const silt_schema *schema, silt_batch *b,
                          silt_delta_pqio_emit_fn emit, void *arg, silt_error *err)
{
    if (p->n_present == schema->n_fields) return emit(arg, b, err);
    silt_batch *out = silt_batch_create(schema);
    if (!out) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    int rc = 0;
    int64_t rows = b->n_rows;
    for (size_t i = 0, k = 0; i < schema->n_fields && rc == 0; i++) {
        if (p->cols[i] >= 0) {
            silt_column_clear(&out->cols[i]);
            out->cols[i] = b->cols[k];
            memset(&b->cols[k], 0, sizeof b->cols[k]);
            k++;
        } else {
            for (int64_t j = 0; j < rows && rc == 0; j++)
                if (silt_column_append_null(&out->cols[i]))
                    rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        }
    }
    out->n_rows = rows;
    if (rc == 0) rc = emit(arg, out, err);
    silt_batch_destroy(out);
    return rc;
}

/* Reads row group g (or skips it by its statistics: *out NULL). */
static int read_group(silt_batch **out, silt_pq_reader *r, int g, const projection *p,
                      silt_delta_read_filter *filter, silt_error *err)
{
    *out = NULL;
    if (filter && !row_group_may_match(r, g, filter)) {
        filter->parts_skipped++;
        return 0;
    }
    if (filter) filter->parts_read++;
    if (p->n_present == 0) {
        /* no column of the file is wanted (a scan of partition columns only, or of columns the
         * file lacks): the row count is all it takes, not the reader's every column */
        silt_batch *b = silt_batch_create_owned(silt_schema_create(0));
        if (!b) return silt_error_set(err, SILT_ENOMEM, "out of memory");
        b->n_rows = silt_pq_reader_meta(r)->row_groups[g].num_rows;
        *out = b;
        return 0;
    }
    silt_pq_reader_set_lazy_dict(r, p->lazy_dict);
    return silt_pq_reader_read_row_group(r, g, p->proj, p->n_present, out, err);
}

#define AHEAD_WORKERS 2

struct ahead;

/* A worker decoding every AHEAD_WORKERS-th row group with its own reader, one ahead of the
 * consumer. */
typedef struct worker {
    struct ahead *a;
    int first;
    silt_pq_source *src; /* owned when the worker opened its own reader */
    silt_pq_reader *r;
    silt_delta_read_filter counts; /* its row groups read and skipped */
    bool filtered;
    silt_batch *ready; /* the row group decoded last, not yet taken (owned; NULL: skipped) */
    bool posted, done;
    int rc;
    silt_error err;
    pthread_t th;
    bool running;
} worker;

typedef struct ahead {
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a row group posted, taken, a worker done, or stop */
    const projection *p;
    int n_groups, n_workers;
    bool stop;
    worker w[AHEAD_WORKERS];
} ahead;

static void *worker_main(void *arg)
{
    worker *w = arg;
    ahead *a = w->a;
    int rc = 0;
    for (int g = w->first; g < a->n_groups && rc == 0; g += a->n_workers) {
        silt_batch *b = NULL;
        rc = read_group(&b, w->r, g, a->p, w->filtered ? &w->counts : NULL, &w->err);
        if (rc) break;
        pthread_mutex_lock(&a->mu);
        while (w->posted && !a->stop) pthread_cond_wait(&a->cv, &a->mu);
        bool stop = a->stop;
        if (!stop) {
            w->ready = b;
            w->posted = true;
            pthread_cond_broadcast(&a->cv);
        }
        pthread_mutex_unlock(&a->mu);
        if (stop) {
            silt_batch_destroy(b);
            break;
        }
    }
    pthread_mutex_lock(&a->mu);
    w->rc = rc;
    w->done = true;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

/* Takes row group g from its worker: 0 and *out (owned; NULL when skipped), or the worker's
 * error (in *err). */
static int take_group(silt_batch **out, ahead *a, int g, silt_error *err)
{
    worker *w = &a->w[g % a->n_workers];
    pthread_mutex_lock(&a->mu);
    while (!w->posted && !w->done) pthread_cond_wait(&a->cv, &a->mu);
    bool posted = w->posted;
    *out = w->ready;
    w->ready = NULL;
    w->posted = false;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    if (posted) return 0;
    *err = w->err; /* the worker stopped at its first error */
    return w->rc ? w->rc : silt_error_set(err, SILT_EGENERIC, "internal: a reader stopped early");
}

/* Starts the workers: the first with the caller's reader, the others with their own (fewer
 * workers when one cannot be opened). Returns false when a thread could not be started (those
 * started are stopped by stop_workers, and the caller reads the file itself). */
static bool start_workers(ahead *a, silt_pq_reader *r, silt_store *store, const char *key,
                          const silt_delta_read_filter *filter, int n_workers)
{
    int started = 0;
    for (int i = 0; i < n_workers && i < a->n_groups; i++) {
        worker *w = &a->w[i];
        silt_error_clear(&w->err);
        w->a = a;
        w->first = i;
        w->r = r;
        if (i > 0 && open_reader(&w->src, &w->r, store, key, &w->err)) break;
        if (filter)
            w->counts =
                (silt_delta_read_filter){filter->terms, filter->n_terms, 0, 0, filter->lazy_dict};
        w->filtered = filter != NULL;
        started++;
    }
    a->n_workers = started;
    for (int i = 0; i < started; i++) {
        if (pthread_create(&a->w[i].th, NULL, worker_main, &a->w[i])) return false;
        a->w[i].running = true;
    }
    return started > 0;
}

/* Stops and joins the workers, frees what they hold, adds up their counts. */
static void stop_workers(ahead *a, silt_delta_read_filter *filter)
{
    pthread_mutex_lock(&a->mu);
    a->stop = true;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    for (int i = 0; i < AHEAD_WORKERS; i++) {
        worker *w = &a->w[i];
        if (w->running) pthread_join(w->th, NULL);
        silt_batch_destroy(w->ready);
        if (filter) {
            filter->parts_read += w->counts.parts_read;
            filter->parts_skipped += w->counts.parts_skipped;
        }
        if (w->src) {
            silt_pq_reader_destroy(w->r);
            silt_pq_source_destroy(w->src);
        }
    }
}

/* How many threads decode a local file's row groups ahead of the caller: each holds its own
 * row groups in flight, and on a machine without a spare core their memory (first-touch page
 * faults: a quarter to half of a scan's CPU on a virtual machine) costs more than the overlap
 * gains, so the workers are used only for the cores the 1-minute load average leaves idle. A
 * remote store's reads wait on the network: there the workers always run. SILT_READ_THREADS
 * (0 to 2) overrides the choice. */
static int read_workers(const silt_store *store)
{
    const char *env = getenv("SILT_READ_THREADS");
    if (env && env[0] >= '0' && env[0] <= '9' && !env[1])
        return env[0] - '0' < AHEAD_WORKERS ? env[0] - '0' : AHEAD_WORKERS;
    const char *url = store->url ? store->url : "";
    if (strstr(url, "://") && strncmp(url, "file:", 5) && strncmp(url, "mem:", 4))
        return AHEAD_WORKERS;
    double load[1];
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (getloadavg(load, 1) != 1 || cpus < 1) return AHEAD_WORKERS;
    double spare = (double)cpus - load[0];
    return spare >= AHEAD_WORKERS ? AHEAD_WORKERS : spare >= 1 ? (int)spare : 0;
}

/* Emits the row groups of r's file, decoded by n_workers threads, in order. Returns 0 or the
 * first error (a reader's or emit's); *started false when no thread could be started (nothing
 * was read). */
static int read_ahead(bool *started, silt_pq_reader *r, silt_store *store, const char *key,
                      const projection *p, const silt_schema *schema,
                      silt_delta_read_filter *filter, silt_delta_pqio_emit_fn emit, void *arg,
                      int n_workers, silt_error *err)
{
    ahead a;
    memset(&a, 0, sizeof a);
    a.p = p;
    a.n_groups = silt_pq_reader_num_row_groups(r);
    *started = false;
    if (pthread_mutex_init(&a.mu, NULL)) return 0;
    if (pthread_cond_init(&a.cv, NULL)) {
        pthread_mutex_destroy(&a.mu);
        return 0;
    }
    int rc = 0;
    silt_delta_read_filter counts = {0};
    if (start_workers(&a, r, store, key, filter, n_workers)) {
        *started = true;
        for (int g = 0; g < a.n_groups && rc == 0; g++) {
            silt_batch *b = NULL;
            rc = take_group(&b, &a, g, err);
            if (rc == 0 && b) rc = emit_conformed(p, schema, b, emit, arg, err);
            silt_batch_destroy(b);
        }
    }
    stop_workers(&a, *started ? filter : &counts); /* not started: nothing counted */
    pthread_cond_destroy(&a.cv);
    pthread_mutex_destroy(&a.mu);
    return rc;
}

int silt_delta_pq_read_file_filtered(void *ctx, silt_store *store, const char *key,
                                     const silt_schema *schema, silt_delta_read_filter *filter,
                                     silt_delta_pqio_emit_fn emit, void *arg, silt_error *err)
{
    (void)ctx;
    silt_pq_source *src = NULL;
    silt_pq_reader *r = NULL;
    projection p = {0};
    int rc = open_reader(&src, &r, store, key, err);
    if (rc == 0) rc = project(&p, silt_pq_reader_schema(r), schema, err);
    p.lazy_dict = filter && filter->lazy_dict;
    int n = rc ? 0 : silt_pq_reader_num_row_groups(r), g = 0;
    bool started = false;
    int workers = n > 1 ? read_workers(store) : 0;
    if (workers > 0)
        rc = read_ahead(&started, r, store, key, &p, schema, filter, emit, arg, workers, err);
    if (started) g = n; /* read (or failed) by the workers */
    for (; rc == 0 && g < n; g++) {
        silt_batch *b = NULL;
        rc = read_group(&b, r, g, &p, filter, err);
        if (rc == 0 && b) rc = emit_conformed(&p, schema, b, emit, arg, err);
        silt_batch_destroy(b);
    }
    silt_free(p.cols);
    silt_free(p.proj);
    silt_pq_reader_destroy(r);
    silt_pq_source_destroy(src);
    return rc;
}

int silt_delta_pq_read_file(void *ctx, silt_store *store, const char *key,
                            const silt_schema *schema, silt_delta_pqio_emit_fn emit, void *arg,
                            silt_error *err)
{
    return silt_delta_pq_read_file_filtered(ctx, store, key, schema, NULL, emit, arg, err);
}
