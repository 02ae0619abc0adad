/* Ingestion runtime: micro-batches of bronze rows committed with their partitions' positions.
 *
 * Two threads share the work. The caller's thread reads messages into chunks of rows (a few
 * MiB each); every full chunk goes to the commit thread, which stages it with the sink (the
 * Parquet encoding happens there) while reading goes on. When a batch is cut (trigger, rows,
 * bytes), its last chunk and a commit request follow; the commit then has little left to do
 * but close files and write the log. At most one commit is in flight; chunks of the next batch
 * queue behind it. Chunks are recycled, so memory stays bounded and warm. */
#include "pipeline/ingest.h"
#include "pipeline/live.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/time.h"

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#define CHUNK_ROWS 32768
#define CHUNK_BYTES (8 << 20)
#define MAX_CHUNKS 24 /* beyond this many chunks in use, reading waits for the commit thread */
#define RING (MAX_CHUNKS + 8)
#define LAT_MAX 60000

typedef struct part {
    char *topic;
    int32_t partition;
    int64_t start; /* table position when the current batch began (DEFAULT = never seen) */
    int64_t next;  /* next offset expected from the source */
    bool known;    /* start/next are set (from the sink or the first message) */
    bool dirty;    /* the current batch holds rows of this partition */
} part;

typedef enum { JOB_CHUNK, JOB_COMMIT, JOB_DISCARD, JOB_STOP } job_kind;

typedef struct job {
    job_kind kind;
    silt_batch *chunk;
} job;

struct silt_ingest {
    silt_ingest_sink *sink;
    silt_ingest_source *src; /* set while running */
    silt_ingest_options opts;
    silt_schema *schema;

    /* ---- reader side (caller's thread) ---- */
    silt_batch *cur; /* chunk being filled */
    int64_t cur_bytes;
    int64_t batch_rows, batch_bytes; /* the current batch: handed-off chunks plus cur */
    uint64_t batch_started_ns;
    part *parts;
    size_t n_parts, cap_parts;
    silt_ingest_tp *tps;
    silt_ingest_stats stats;
    silt_error pending; /* first error raised inside a callback, reported by run */
    uint64_t last_progress_ns;
    uint64_t first_msg_ns, last_commit_ns;
    int64_t progress_rows;
    uint64_t chunk_wait_ns; /* time the reader waited for a free chunk */
    bool running;           /* a commit was requested and its result not yet taken */
    silt_ingest_range *fl_ranges;
    size_t fl_n;
    int64_t fl_rows, fl_bytes;
    uint64_t fl_started_ns;

    /* ---- shared, under mu ---- */
    pthread_mutex_t mu;
    pthread_cond_t cv_worker, cv_reader;
    bool thread_started;
    pthread_t thread;
    job ring[RING];
    size_t ring_head, ring_n;
    silt_batch *free_chunks[MAX_CHUNKS];
    size_t n_free, n_chunks;
    atomic_bool fl_finished;
    bool discarded;
    int fl_rc;
    int64_t fl_version;
    silt_error fl_err;
    uint64_t fl_done_ns;

    /* ---- commit thread only ---- */
    bool discarding; /* a stage or commit failed: skip chunks until the reader's discard */
    bool staged;     /* the sink holds staged rows */
    int stage_rc;
    silt_error stage_err;
    silt_buf ts;      /* Kafka timestamps (ms) of the staged rows, for latency */
    int64_t *latency; /* histogram: committed rows per ms of latency, LAT_MAX = overflow */
    int64_t latency_n;
};

void silt_ingest_options_default(silt_ingest_options *out)
{
    memset(out, 0, sizeof *out);
    out->trigger_us = 1000000;
    out->max_rows = 1000000;
    out->max_bytes = 128LL << 20;
    out->progress_us = 5000000;
}

const silt_ingest_stats *silt_ingest_get_stats(const silt_ingest *ing)
{
    return &ing->stats;
}

/* ---- the commit thread ---- */

static void enqueue(silt_ingest *ing, job_kind kind, silt_batch *chunk)
{
    pthread_mutex_lock(&ing->mu);
    /* at most MAX_CHUNKS chunks exist, and one commit is in flight (plus its successor queued) */
    assert(ing->ring_n < RING && ing->ring_head < RING);
    assert((kind == JOB_CHUNK) == (chunk != NULL));
    ing->ring[(ing->ring_head + ing->ring_n) % RING] = (job){kind, chunk};
    ing->ring_n++;
    pthread_cond_signal(&ing->cv_worker);
    pthread_mutex_unlock(&ing->mu);
}

static void remember_timestamps(silt_ingest *ing, const silt_batch *b)
{
    const silt_column *ts = &b->cols[SILT_BRONZE_TIMESTAMP];
    int64_t *out = (int64_t *)silt_buf_extend(&ing->ts, (size_t)b->n_rows * sizeof *out);
    if (!out) return; /* latency figures only */
    size_t n = 0;
    for (int64_t i = 0; i < b->n_rows; i++)
        if (silt_column_is_valid(ts, i)) out[n++] = silt_column_get_int(ts, i) / 1000;
    ing->ts.len -= (size_t)(b->n_rows - (int64_t)n) * sizeof *out;
}

static void record_latency(silt_ingest *ing, int64_t now_ms)
{
    const int64_t *ts = (const int64_t *)ing->ts.ptr;
    size_t n = ing->ts.len / sizeof *ts;
    for (size_t i = 0; i < n; i++) {
        int64_t lat = now_ms - ts[i];
        if (lat < 0) lat = 0;
        if (lat > LAT_MAX) lat = LAT_MAX;
        ing->latency[lat]++;
        ing->latency_n++;
    }
}

static int run_commit(silt_ingest *ing, int64_t *version, silt_error *err)
{
    if (ing->discarding) {
        *err = ing->stage_err;
        return ing->stage_rc;
    }
    int rc = 0;
    for (int attempt = 0; attempt < 6; attempt++) {
        silt_error_clear(err);
        rc = ing->sink->ops->commit(ing->sink, ing->fl_ranges, ing->fl_n, version, err);
        if (rc == 0 || rc == SILT_ECONFLICT || !err->retriable) break;
        struct timespec ts = {0, (long)(100000000L << attempt)};
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec = ts.tv_nsec / 1000000000L;
            ts.tv_nsec %= 1000000000L;
        }
        silt_log_warn("ingest: commit failed (%s); retrying", err->msg);
        nanosleep(&ts, NULL);
    }
    return rc;
}

static void *commit_thread(void *arg)
{
    silt_ingest *ing = arg;
    pthread_mutex_lock(&ing->mu);
    for (;;) {
        while (ing->ring_n == 0) pthread_cond_wait(&ing->cv_worker, &ing->mu);
        job j = ing->ring[ing->ring_head];
        ing->ring_head = (ing->ring_head + 1) % RING;
        ing->ring_n--;
        pthread_mutex_unlock(&ing->mu);
        switch (j.kind) {
        case JOB_CHUNK:
            if (!ing->discarding) {
                silt_error e;
                silt_error_clear(&e);
                int rc = ing->sink->ops->stage(ing->sink, j.chunk, &e);
                ing->staged = true;
                if (rc) {
                    ing->discarding = true;
                    ing->stage_rc = rc;
                    ing->stage_err = e;
                } else {
                    remember_timestamps(ing, j.chunk);
                }
            }
            silt_batch_reset(j.chunk);
            pthread_mutex_lock(&ing->mu);
            assert(ing->n_free < ing->n_chunks && ing->n_chunks <= MAX_CHUNKS);
            ing->free_chunks[ing->n_free++] = j.chunk;
            pthread_cond_broadcast(&ing->cv_reader);
            continue; /* locked */
        case JOB_COMMIT: {
            silt_error e;
            silt_error_clear(&e);
            int64_t version = -1;
            int rc = run_commit(ing, &version, &e);
            uint64_t done = silt_time_mono_ns();
            if (rc == 0) {
                record_latency(ing, silt_time_wall_ms());
                /* fl_rows and fl_started_ns stay as they are while the commit is in flight */
                silt_live_batch(ing->opts.live_name, ing->fl_rows, ing->fl_rows,
                                (int64_t)((done - ing->fl_started_ns) / 1000000));
            } else {
                ing->sink->ops->discard(ing->sink);
                ing->discarding = true; /* until the reader has rewound */
            }
            ing->staged = false;
            silt_buf_reset(&ing->ts);
            pthread_mutex_lock(&ing->mu);
            ing->fl_rc = rc;
            ing->fl_err = e;
            ing->fl_version = version;
            ing->fl_done_ns = done;
            atomic_store(&ing->fl_finished, true);
            pthread_cond_broadcast(&ing->cv_reader);
            continue;
        }
        case JOB_DISCARD:
            ing->sink->ops->discard(ing->sink);
            ing->discarding = ing->staged = false;
            silt_buf_reset(&ing->ts);
            pthread_mutex_lock(&ing->mu);
            ing->discarded = true;
            pthread_cond_broadcast(&ing->cv_reader);
            continue;
        case JOB_STOP:
            if (ing->staged) ing->sink->ops->discard(ing->sink);
            return NULL;
        }
    }
}

/* ---- life cycle ---- */

int silt_ingest_create(silt_ingest **out, silt_ingest_sink *sink, const silt_ingest_options *opts,
                       silt_error *err)
{
    *out = NULL;
    silt_ingest *ing = silt_calloc(1, sizeof *ing);
    if (!ing) goto oom;
    ing->sink = sink;
    if (opts)
        ing->opts = *opts;
    else
        silt_ingest_options_default(&ing->opts);
    if (!ing->opts.progress) ing->opts.progress = stderr;
    if (ing->opts.chunk_rows <= 0) ing->opts.chunk_rows = CHUNK_ROWS;
    silt_buf_init(&ing->ts);
    pthread_mutex_init(&ing->mu, NULL);
    pthread_cond_init(&ing->cv_worker, NULL);
    pthread_cond_init(&ing->cv_reader, NULL);
    ing->schema = silt_bronze_schema();
    if (!ing->schema) goto oom;
    ing->cur = silt_batch_create(ing->schema);
    if (!ing->cur) goto oom;
    ing->n_chunks = 1;
    ing->latency = silt_calloc(LAT_MAX + 1, sizeof *ing->latency);
    if (!ing->latency) goto oom;
    ing->stats.last_version = -1;
    silt_error_clear(&ing->pending);
    if (pthread_create(&ing->thread, NULL, commit_thread, ing) != 0) {
        silt_ingest_destroy(ing);
        return silt_error_set(err, SILT_ENOMEM, "cannot start the ingestion commit thread");
    }
    ing->thread_started = true;
    *out = ing;
    return 0;
oom:
    silt_ingest_destroy(ing);
    return silt_error_set(err, SILT_ENOMEM, "out of memory creating the ingestion runtime");
}

void silt_ingest_set_table_version(silt_ingest *ing, int64_t version)
{
    ing->stats.last_version = version;
}

static int finish_commit(silt_ingest *ing, silt_error *err);

void silt_ingest_destroy(silt_ingest *ing)
{
    if (!ing) return;
    if (ing->thread_started) {
        silt_error e;
        silt_error_clear(&e);
        finish_commit(ing, &e);
        enqueue(ing, JOB_STOP, NULL);
        pthread_join(ing->thread, NULL);
    }
    for (size_t i = 0; i < ing->n_parts; i++) silt_free(ing->parts[i].topic);
    silt_free(ing->parts);
    silt_free(ing->fl_ranges);
    silt_free(ing->tps);
    silt_batch_destroy(ing->cur);
    for (size_t i = 0; i < ing->n_free; i++) silt_batch_destroy(ing->free_chunks[i]);
    silt_schema_destroy(ing->schema);
    silt_free(ing->latency);
    silt_buf_free(&ing->ts);
    pthread_cond_destroy(&ing->cv_worker);
    pthread_cond_destroy(&ing->cv_reader);
    pthread_mutex_destroy(&ing->mu);
    silt_free(ing);
}

double silt_ingest_latency_ms(const silt_ingest *ing, double q)
{
    if (ing->latency_n == 0) return -1;
    int64_t rank = (int64_t)(q * (double)(ing->latency_n - 1)), seen = 0;
    for (int64_t ms = 0; ms <= LAT_MAX; ms++) {
        seen += ing->latency[ms];
        if (seen > rank) return (double)ms;
    }
    return LAT_MAX;
}

double silt_ingest_active_seconds(const silt_ingest *ing)
{
    if (!ing->first_msg_ns || ing->last_commit_ns < ing->first_msg_ns) return 0;
    return (double)(ing->last_commit_ns - ing->first_msg_ns) / 1e9;
}

/* ---- reader side ---- */

static part *find_part(silt_ingest *ing, const char *topic, int32_t partition)
{
    for (size_t i = 0; i < ing->n_parts; i++)
        if (ing->parts[i].partition == partition && strcmp(ing->parts[i].topic, topic) == 0)
            return &ing->parts[i];
    return NULL;
}

static part *add_part(silt_ingest *ing, const char *topic, int32_t partition)
{
    if (ing->n_parts == ing->cap_parts) {
        size_t cap = ing->cap_parts ? ing->cap_parts * 2 : 16;
        part *p = silt_realloc(ing->parts, cap * sizeof *p);
        if (!p) return NULL;
        ing->parts = p;
        silt_ingest_tp *t = silt_realloc(ing->tps, cap * sizeof *t);
        if (!t) return NULL;
        ing->tps = t;
        ing->cap_parts = cap;
    }
    part *p = &ing->parts[ing->n_parts];
    memset(p, 0, sizeof *p);
    p->topic = silt_strdup(topic);
    if (!p->topic) return NULL;
    p->partition = partition;
    ing->n_parts++;
    return p;
}

static int load_position(silt_ingest *ing, part *p, silt_error *err)
{
    int64_t pos = SILT_INGEST_OFFSET_DEFAULT;
    int rc = ing->sink->ops->position(ing->sink, p->topic, p->partition, &pos, err);
    if (rc) return rc;
    p->start = pos;
    p->next = pos;
    p->known = true;
    return 0;
}

/* A recycled chunk, or a new one while fewer than MAX_CHUNKS exist; else waits for the commit
 * thread to free one. NULL without memory. */
static silt_batch *take_chunk(silt_ingest *ing)
{
    pthread_mutex_lock(&ing->mu);
    if (ing->n_free == 0 && ing->n_chunks >= MAX_CHUNKS) {
        uint64_t t0 = silt_time_mono_ns();
        while (ing->n_free == 0 && ing->n_chunks >= MAX_CHUNKS)
            pthread_cond_wait(&ing->cv_reader, &ing->mu);
        ing->chunk_wait_ns += silt_time_mono_ns() - t0;
    }
    silt_batch *b = NULL;
    assert(ing->n_free <= ing->n_chunks && ing->n_chunks <= MAX_CHUNKS);
    if (ing->n_free > 0) {
        b = ing->free_chunks[--ing->n_free];
        assert(b && b->n_rows == 0); /* reset by the commit thread */
    } else if ((b = silt_batch_create(ing->schema))) {
        ing->n_chunks++;
    }
    pthread_mutex_unlock(&ing->mu);
    return b;
}

/* Sends the chunk being filled to the commit thread and starts a new one. */
static int hand_off(silt_ingest *ing)
{
    if (ing->cur->n_rows == 0) return 0;
    silt_batch *next = take_chunk(ing);
    if (!next) return SILT_ENOMEM;
    enqueue(ing, JOB_CHUNK, ing->cur);
    ing->cur = next;
    ing->cur_bytes = 0;
    return 0;
}

/* Forgets the current batch (its handed-off chunks are skipped by the commit thread until the
 * reader's discard). */
static void reset_batch(silt_ingest *ing)
{
    silt_batch_reset(ing->cur);
    ing->cur_bytes = 0;
    ing->batch_rows = ing->batch_bytes = 0;
    for (size_t i = 0; i < ing->n_parts; i++) ing->parts[i].dirty = false;
}

/* Moves every partition of the failed commit or the current batch back to the table's position:
 * both batches are forgotten, their rows are read again. */
static void rewind_to_table(silt_ingest *ing)
{
    /* the commit thread drops what it staged and skips what is queued */
    pthread_mutex_lock(&ing->mu);
    ing->discarded = false;
    pthread_mutex_unlock(&ing->mu);
    enqueue(ing, JOB_DISCARD, NULL);
    pthread_mutex_lock(&ing->mu);
    while (!ing->discarded) pthread_cond_wait(&ing->cv_reader, &ing->mu);
    pthread_mutex_unlock(&ing->mu);
    ing->stats.dropped += ing->batch_rows;
    for (size_t i = 0; i < ing->n_parts; i++) {
        part *p = &ing->parts[i];
        bool touched = p->dirty;
        for (size_t k = 0; k < ing->fl_n && !touched; k++)
            touched = ing->fl_ranges[k].partition == p->partition &&
                      strcmp(ing->fl_ranges[k].topic, p->topic) == 0;
        if (!touched) continue;
        silt_error e;
        silt_error_clear(&e);
        if (load_position(ing, p, &e) != 0) {
            silt_log_warn("ingest: cannot re-read the position of %s[%d]: %s", p->topic,
                          p->partition, e.msg);
            p->known = false;
            continue;
        }
        if (ing->src && p->next >= 0) {
            silt_error_clear(&e);
            if (ing->src->ops->seek(ing->src, p->topic, p->partition, p->next, &e))
                silt_log_warn("ingest: cannot seek %s[%d] to %lld: %s", p->topic, p->partition,
                              (long long)p->next, e.msg);
        }
    }
    reset_batch(ing);
}

/* Waits for the commit in flight, if any, and takes its result. */
static int finish_commit(silt_ingest *ing, silt_error *err)
{
    if (!ing->running) return 0;
    pthread_mutex_lock(&ing->mu);
    while (!atomic_load(&ing->fl_finished)) pthread_cond_wait(&ing->cv_reader, &ing->mu);
    int rc = ing->fl_rc;
    silt_error fe = ing->fl_err;
    int64_t version = ing->fl_version;
    uint64_t done_ns = ing->fl_done_ns;
    pthread_mutex_unlock(&ing->mu);
    ing->running = false;
    if (rc == SILT_ECONFLICT) {
        silt_log_warn("ingest: another worker already wrote these offsets (%s); dropping %lld "
                      "rows and re-reading from the table's positions",
                      fe.msg, (long long)(ing->fl_rows + ing->batch_rows));
        ing->stats.conflicts++;
        ing->stats.dropped += ing->fl_rows;
        rewind_to_table(ing);
        rc = 0;
    } else if (rc) {
        if (err) *err = fe;
        ing->stats.dropped += ing->fl_rows;
        rewind_to_table(ing); /* not committed: read again from the table's positions */
    } else {
        ing->last_commit_ns = done_ns;
        ing->stats.rows += ing->fl_rows;
        ing->stats.bytes += ing->fl_bytes;
        ing->stats.commits++;
        ing->stats.last_version = version;
        ing->stats.last_commit_ms = (double)(done_ns - ing->fl_started_ns) / 1e6;
        silt_log_debug("ingest: committed %lld rows as table version %lld, %.1f ms after the cut",
                       (long long)ing->fl_rows, (long long)version, ing->stats.last_commit_ms);
        for (size_t i = 0; i < ing->fl_n; i++)
            ing->tps[i] = (silt_ingest_tp){ing->fl_ranges[i].topic, ing->fl_ranges[i].partition,
                                           ing->fl_ranges[i].next};
        if (ing->src && ing->src->ops->commit_offsets) {
            silt_error e;
            silt_error_clear(&e);
            if (ing->src->ops->commit_offsets(ing->src, ing->tps, ing->fl_n, &e))
                silt_log_debug("ingest: offset commit to Kafka failed (lag tools only): %s", e.msg);
        }
    }
    silt_free(ing->fl_ranges);
    ing->fl_ranges = NULL;
    ing->fl_n = 0;
    ing->fl_rows = ing->fl_bytes = 0;
    return rc;
}

/* Cuts the current batch and asks the commit thread to commit it (no commit may be in flight);
 * the next batch's partitions begin where this one ends. */
static int start_commit(silt_ingest *ing, silt_error *err)
{
    if (ing->batch_rows == 0) return 0;
    size_t n = 0;
    for (size_t i = 0; i < ing->n_parts; i++) n += ing->parts[i].dirty;
    silt_ingest_range *r = silt_calloc(n ? n : 1, sizeof *r);
    if (!r || hand_off(ing)) {
        silt_free(r);
        return silt_error_set(err, SILT_ENOMEM, "out of memory cutting a batch");
    }
    n = 0;
    for (size_t i = 0; i < ing->n_parts; i++) {
        part *p = &ing->parts[i];
        if (!p->dirty) continue;
        /* a batch covers [start, next): never backwards, never from an unknown position */
        assert(p->next >= 0 && (p->start == SILT_INGEST_OFFSET_DEFAULT || p->start <= p->next));
        r[n++] = (silt_ingest_range){p->topic, p->partition, p->start, p->next};
        p->start = p->next; /* the next batch builds on this one */
        p->dirty = false;
    }
    ing->fl_ranges = r;
    ing->fl_n = n;
    ing->fl_rows = ing->batch_rows;
    ing->fl_bytes = ing->batch_bytes;
    ing->batch_rows = ing->batch_bytes = 0;
    ing->fl_started_ns = silt_time_mono_ns();
    ing->running = true;
    atomic_store(&ing->fl_finished, false);
    enqueue(ing, JOB_COMMIT, NULL);
    return 0;
}

int silt_ingest_flush(silt_ingest *ing, silt_error *err)
{
    int rc = finish_commit(ing, err);
    if (rc == 0) rc = start_commit(ing, err);
    if (rc == 0) rc = finish_commit(ing, err);
    return rc;
}

/* Cuts the batch without waiting for its commit (waiting only for the one before). */
static int flush_async(silt_ingest *ing, silt_error *err)
{
    int rc = finish_commit(ing, err);
    if (rc == 0) rc = start_commit(ing, err);
    return rc;
}

static bool batch_full(const silt_ingest *ing)
{
    return ing->batch_rows >= ing->opts.max_rows || ing->batch_bytes >= ing->opts.max_bytes;
}

static int on_message(silt_ingest *ing, const silt_bronze_msg *m, int64_t now_us)
{
    if (ing->pending.code) return ing->pending.code;
    part *p = find_part(ing, m->topic, m->partition);
    if (!p) {
        p = add_part(ing, m->topic, m->partition);
        if (!p) return silt_error_set(&ing->pending, SILT_ENOMEM, "out of memory");
    }
    if (!p->known) {
        /* a partition that was never assigned (or came back): read its position once no
         * commit is in flight */
        if (finish_commit(ing, &ing->pending) || load_position(ing, p, &ing->pending))
            return ing->pending.code;
    }
    if (p->next >= 0 && m->offset < p->next) return 0; /* already in the table or the batch */
    if (p->start == SILT_INGEST_OFFSET_DEFAULT && !p->dirty) p->next = m->offset;
    if (ing->batch_rows == 0) ing->batch_started_ns = silt_time_mono_ns();
    if (!ing->first_msg_ns) ing->first_msg_ns = ing->batch_started_ns;
    int rc = silt_bronze_append(ing->cur, m, now_us);
    if (rc == SILT_ERANGE && ing->cur->n_rows > 0) {
        /* the chunk cannot hold this message: hand it off and start a new one */
        if (hand_off(ing))
            return silt_error_set(&ing->pending, SILT_ENOMEM, "out of memory for a new chunk");
        rc = silt_bronze_append(ing->cur, m, now_us);
    }
    if (rc)
        return silt_error_set(&ing->pending, rc, "cannot buffer message %s[%d]@%lld", m->topic,
                              m->partition, (long long)m->offset);
    assert(m->offset >= 0 && (p->next < 0 || m->offset >= p->next)); /* positions only grow */
    p->next = m->offset + 1;
    p->dirty = true;
    int64_t bytes = (int64_t)(m->key_len + m->value_len);
    ing->batch_rows++;
    ing->batch_bytes += bytes;
    ing->cur_bytes += bytes;
    if ((ing->cur->n_rows >= ing->opts.chunk_rows || ing->cur_bytes >= CHUNK_BYTES) &&
        hand_off(ing))
        return silt_error_set(&ing->pending, SILT_ENOMEM, "out of memory for a new chunk");
    if (batch_full(ing) && (rc = flush_async(ing, &ing->pending))) return rc;
    return 0;
}

/* The source's callback: each message is stamped with the wall clock as it is buffered. */
static int on_message_cb(silt_ingest *ing, const silt_bronze_msg *m)
{
    return on_message(ing, m, silt_time_wall_us());
}

int silt_ingest_on_assign(silt_ingest *ing, silt_ingest_tp *tps, size_t n, silt_error *err)
{
    int rc0 = finish_commit(ing, err); /* positions read below must see that commit */
    if (rc0) return rc0;
    for (size_t i = 0; i < n; i++) {
        part *p = find_part(ing, tps[i].topic, tps[i].partition);
        if (!p && !(p = add_part(ing, tps[i].topic, tps[i].partition)))
            return silt_error_set(err, SILT_ENOMEM, "out of memory");
        if (!p->dirty) {
            int rc = load_position(ing, p, err);
            if (rc) return rc;
        }
        tps[i].offset = p->next;
    }
    return 0;
}

void silt_ingest_on_revoke(silt_ingest *ing, const silt_ingest_tp *tps, size_t n)
{
    silt_error e;
    silt_error_clear(&e);
    if (silt_ingest_flush(ing, &e) != 0) {
        silt_log_warn("ingest: could not commit before giving partitions away (%s); the next "
                      "owner re-reads those rows",
                      e.msg);
        /* finish_commit already moved the partitions back to the table's positions */
    }
    for (size_t i = 0; i < n; i++) {
        part *p = find_part(ing, tps[i].topic, tps[i].partition);
        if (p) p->known = false; /* re-read the table's position if it comes back */
    }
}

static void progress(silt_ingest *ing, bool final)
{
    if (!ing->opts.progress_us && !final) return;
    uint64_t now = silt_time_mono_ns();
    if (!final && now - ing->last_progress_ns < (uint64_t)ing->opts.progress_us * 1000) return;
    double dt = (double)(now - ing->last_progress_ns) / 1e9;
    double rate = dt > 0 ? (double)(ing->stats.rows - ing->progress_rows) / dt : 0;
    int64_t lag = ing->src && ing->src->ops->lag ? ing->src->ops->lag(ing->src) : -1;
    char lagbuf[32] = "?", detail[256] = "";
    if (lag >= 0) snprintf(lagbuf, sizeof lagbuf, "%lld", (long long)lag);
    if (lag > 0 && ing->src->ops->lag_detail) {
        detail[0] = ' ';
        detail[1] = '(';
        ing->src->ops->lag_detail(ing->src, detail + 2, sizeof detail - 3);
        strcat(detail, ")");
    }
    fprintf(ing->opts.progress,
            "ingest: %lld rows in %lld commits (%.0f rows/s), table version %lld (last commit "
            "%.0f ms), lag %s%s%s\n",
            (long long)ing->stats.rows, (long long)ing->stats.commits, rate,
            (long long)ing->stats.last_version, ing->stats.last_commit_ms, lagbuf, detail,
            ing->stats.conflicts ? " (conflicts resolved)" : "");
    fflush(ing->opts.progress);
    ing->last_progress_ns = now;
    ing->progress_rows = ing->stats.rows;
}

int silt_ingest_run(silt_ingest *ing, silt_ingest_source *src, volatile sig_atomic_t *stop,
                    silt_error *err)
{
    ing->src = src;
    ing->last_progress_ns = silt_time_mono_ns();
    int rc = 0;
    uint64_t trigger_ns = (uint64_t)ing->opts.trigger_us * 1000;
    while (!(stop && *stop)) {
        int timeout_ms = 100;
        if (ing->batch_rows > 0) {
            uint64_t due = ing->batch_started_ns + trigger_ns;
            uint64_t now = silt_time_mono_ns();
            int64_t left_ms = now >= due ? 0 : (int64_t)((due - now) / 1000000);
            /* overdue behind a running commit: look again soon for the commit's end */
            if (left_ms == 0 && ing->running) left_ms = 2;
            if (left_ms < timeout_ms) timeout_ms = (int)left_ms;
        }
        int got = src->ops->poll(src, ing, timeout_ms, on_message_cb, err);
        if (ing->pending.code) {
            if (err) *err = ing->pending;
            rc = ing->pending.code;
            break;
        }
        if (got < 0) {
            rc = got;
            break;
        }
        /* The trigger cuts the batch once it is due and the previous commit has finished:
         * while a commit runs, rows keep coming into the batch (and being staged) instead of
         * the reader waiting; only a full batch (max rows or bytes) waits for the commit. */
        if (ing->batch_rows > 0 && silt_time_mono_ns() - ing->batch_started_ns >= trigger_ns &&
            (!ing->running || atomic_load(&ing->fl_finished))) {
            if ((rc = flush_async(ing, err))) break;
        }
        progress(ing, false);
        if (ing->opts.until_caught_up && src->ops->caught_up(src)) {
            if ((rc = silt_ingest_flush(ing, err))) break;
            if (ing->batch_rows == 0 && src->ops->caught_up(src)) break;
        }
    }
    if (rc == 0) {
        rc = silt_ingest_flush(ing, err);
    } else {
        silt_error e; /* stopping on an error: the commit in flight still lands (or not) */
        silt_error_clear(&e);
        finish_commit(ing, &e);
    }
    progress(ing, true);
    silt_log_debug("ingest: the reader waited %.0f ms in all for the commit thread to free chunks",
                   (double)ing->chunk_wait_ns / 1e6);
    ing->src = NULL;
    return rc;
}
