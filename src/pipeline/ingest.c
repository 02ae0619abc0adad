/* Ingestion runtime: micro-batches of bronze rows committed with their partitions' positions. */
#include "pipeline/ingest.h"

#include "util/alloc.h"
#include "util/log.h"
#include "util/time.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

typedef struct part {
    char *topic;
    int32_t partition;
    int64_t start; /* table position when the current batch began (DEFAULT = never seen) */
    int64_t next;  /* next offset expected from the source */
    bool known;    /* start/next are set (from the sink or the first message) */
    bool dirty;    /* the current batch holds rows of this partition */
} part;

#define LAT_MAX 60000

/* The commit running on its own thread (at most one at a time). */
typedef struct inflight {
    bool running;
    bool inline_done; /* ran on the caller's thread: nothing to join */
    pthread_t thread;
    silt_batch *batch; /* the rows being committed; swapped with the filling batch */
    int64_t bytes;
    silt_ingest_range *ranges;
    size_t n_ranges;
    uint64_t started_ns;
    uint64_t done_ns;     /* when the commit returned */
    int64_t done_wall_ms; /* the same on the wall clock, for latency */
    int rc;
    int64_t version;
    silt_error err;
} inflight;

struct silt_ingest {
    silt_ingest_sink *sink;
    silt_ingest_source *src; /* set while running */
    silt_ingest_options opts;
    silt_schema *schema;
    silt_batch *batch;
    int64_t batch_bytes;
    uint64_t batch_started_ns;
    part *parts;
    size_t n_parts, cap_parts;
    silt_ingest_tp *tps;
    silt_ingest_stats stats;
    silt_error pending; /* first error raised inside a callback, reported by run */
    uint64_t last_progress_ns;
    uint64_t first_msg_ns, last_commit_ns;
    int64_t *latency; /* histogram: committed rows per ms of latency, LAT_MAX = overflow */
    int64_t latency_n;
    int64_t progress_rows;
    inflight fl;
};

void silt_ingest_options_default(silt_ingest_options *out)
{
    memset(out, 0, sizeof *out);
    out->trigger_us = 1000000;
    out->max_rows = 1000000;
    out->max_bytes = 128LL << 20;
    out->progress_us = 5000000;
}

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
    ing->schema = silt_bronze_schema();
    if (!ing->schema) goto oom;
    ing->batch = silt_batch_create(ing->schema);
    if (!ing->batch) goto oom;
    ing->fl.batch = silt_batch_create(ing->schema);
    if (!ing->fl.batch) goto oom;
    ing->latency = silt_calloc(LAT_MAX + 1, sizeof *ing->latency);
    if (!ing->latency) goto oom;
    ing->stats.last_version = -1;
    silt_error_clear(&ing->pending);
    *out = ing;
    return 0;
oom:
    silt_ingest_destroy(ing);
    return silt_error_set(err, SILT_ENOMEM, "out of memory creating the ingestion runtime");
}

void silt_ingest_destroy(silt_ingest *ing)
{
    if (!ing) return;
    if (ing->fl.running && !ing->fl.inline_done) pthread_join(ing->fl.thread, NULL);
    for (size_t i = 0; i < ing->n_parts; i++) silt_free(ing->parts[i].topic);
    silt_free(ing->parts);
    silt_free(ing->fl.ranges);
    silt_batch_destroy(ing->fl.batch);
    silt_free(ing->tps);
    silt_batch_destroy(ing->batch);
    silt_schema_destroy(ing->schema);
    silt_free(ing->latency);
    silt_free(ing);
}

const silt_ingest_stats *silt_ingest_get_stats(const silt_ingest *ing)
{
    return &ing->stats;
}

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
        silt_ingest_range *fr = silt_realloc(ing->fl.ranges, cap * sizeof *fr);
        if (!fr) return NULL;
        ing->fl.ranges = fr;
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

static void reset_batch(silt_ingest *ing)
{
    silt_batch_reset(ing->batch);
    ing->batch_bytes = 0;
    for (size_t i = 0; i < ing->n_parts; i++) ing->parts[i].dirty = false;
}

static void record_latency(silt_ingest *ing, const silt_batch *b, int64_t now_ms)
{
    const silt_column *ts = &b->cols[SILT_BRONZE_TIMESTAMP];
    for (int64_t i = 0; i < b->n_rows; i++) {
        if (!silt_column_is_valid(ts, i)) continue;
        int64_t lat = now_ms - silt_column_get_int(ts, i) / 1000;
        if (lat < 0) lat = 0;
        if (lat > LAT_MAX) lat = LAT_MAX;
        ing->latency[lat]++;
        ing->latency_n++;
    }
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

/* The commit of one batch, run on its own thread while the next batch fills. */
static void *commit_thread(void *arg)
{
    silt_ingest *ing = arg;
    inflight *f = &ing->fl;
    f->version = -1;
    f->rc = 0;
    for (int attempt = 0; attempt < 6; attempt++) {
        silt_error_clear(&f->err);
        f->rc = ing->sink->ops->commit(ing->sink, f->batch, f->ranges, f->n_ranges, &f->version,
                                       &f->err);
        if (f->rc == 0 || f->rc == SILT_ECONFLICT || !f->err.retriable) break;
        struct timespec ts = {0, (long)(100000000L << attempt)};
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec = ts.tv_nsec / 1000000000L;
            ts.tv_nsec %= 1000000000L;
        }
        silt_log_warn("ingest: commit failed (%s); retrying", f->err.msg);
        nanosleep(&ts, NULL);
    }
    f->done_ns = silt_time_mono_ns();
    f->done_wall_ms = silt_time_wall_ms();
    return NULL;
}

/* Moves every partition in the in-flight commit or the current batch back to the table's
 * position (after a conflict): both batches are forgotten, their rows are read again. */
static void rewind_to_table(silt_ingest *ing)
{
    ing->stats.dropped += ing->batch->n_rows;
    for (size_t i = 0; i < ing->n_parts; i++) {
        part *p = &ing->parts[i];
        bool touched = p->dirty;
        for (size_t k = 0; k < ing->fl.n_ranges && !touched; k++)
            touched = ing->fl.ranges[k].partition == p->partition &&
                      strcmp(ing->fl.ranges[k].topic, p->topic) == 0;
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

/* Waits for the in-flight commit, if any, and takes its result. */
static int finish_commit(silt_ingest *ing, silt_error *err)
{
    inflight *f = &ing->fl;
    if (!f->running) return 0;
    if (!f->inline_done) pthread_join(f->thread, NULL);
    f->running = false;
    int rc = f->rc;
    if (rc == SILT_ECONFLICT) {
        silt_log_warn("ingest: another worker already wrote these offsets (%s); dropping %lld "
                      "rows and re-reading from the table's positions",
                      f->err.msg, (long long)(f->batch->n_rows + ing->batch->n_rows));
        ing->stats.conflicts++;
        ing->stats.dropped += f->batch->n_rows;
        rewind_to_table(ing);
        rc = 0;
    } else if (rc) {
        if (err) *err = f->err;
        ing->stats.dropped += f->batch->n_rows;
        rewind_to_table(ing); /* not committed: read again from the table's positions */
    } else {
        record_latency(ing, f->batch, f->done_wall_ms);
        ing->last_commit_ns = f->done_ns;
        ing->stats.rows += f->batch->n_rows;
        ing->stats.bytes += f->bytes;
        ing->stats.commits++;
        ing->stats.last_version = f->version;
        ing->stats.last_commit_ms = (double)(ing->last_commit_ns - f->started_ns) / 1e6;
        silt_log_debug("ingest: committed %lld rows as table version %lld in %.1f ms",
                       (long long)f->batch->n_rows, (long long)f->version,
                       ing->stats.last_commit_ms);
        for (size_t i = 0; i < f->n_ranges; i++)
            ing->tps[i] =
                (silt_ingest_tp){f->ranges[i].topic, f->ranges[i].partition, f->ranges[i].next};
        if (ing->src && ing->src->ops->commit_offsets) {
            silt_error e;
            silt_error_clear(&e);
            if (ing->src->ops->commit_offsets(ing->src, ing->tps, f->n_ranges, &e))
                silt_log_debug("ingest: offset commit to Kafka failed (lag tools only): %s", e.msg);
        }
    }
    silt_batch_reset(f->batch);
    f->n_ranges = 0;
    return rc;
}

/* Hands the current batch to a commit thread (no commit may be in flight) and starts a new
 * batch whose partitions begin where this one ends. */
static int start_commit(silt_ingest *ing, silt_error *err)
{
    inflight *f = &ing->fl;
    if (ing->batch->n_rows == 0) return 0;
    size_t n = 0;
    for (size_t i = 0; i < ing->n_parts; i++) {
        part *p = &ing->parts[i];
        if (!p->dirty) continue;
        f->ranges[n++] = (silt_ingest_range){p->topic, p->partition, p->start, p->next};
        p->start = p->next; /* the next batch builds on this one */
    }
    f->n_ranges = n;
    silt_batch *b = f->batch;
    f->batch = ing->batch;
    ing->batch = b;
    f->bytes = ing->batch_bytes;
    reset_batch(ing);
    f->started_ns = silt_time_mono_ns();
    f->running = true;
    f->inline_done = false;
    if (pthread_create(&f->thread, NULL, commit_thread, ing) != 0) {
        commit_thread(ing); /* no thread to be had: commit here */
        f->inline_done = true;
        return finish_commit(ing, err);
    }
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
    return ing->batch->n_rows >= ing->opts.max_rows || ing->batch_bytes >= ing->opts.max_bytes;
}

static int on_message(silt_ingest *ing, const silt_bronze_msg *m)
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
    if (ing->batch->n_rows == 0) ing->batch_started_ns = silt_time_mono_ns();
    if (!ing->first_msg_ns) ing->first_msg_ns = ing->batch_started_ns;
    int rc = silt_bronze_append(ing->batch, m, silt_time_wall_us());
    if (rc == SILT_ERANGE && ing->batch->n_rows > 0) {
        /* the batch cannot hold this message: commit what is there and start a new one */
        if ((rc = flush_async(ing, &ing->pending))) return rc;
        ing->batch_started_ns = silt_time_mono_ns();
        rc = silt_bronze_append(ing->batch, m, silt_time_wall_us());
    }
    if (rc)
        return silt_error_set(&ing->pending, rc, "cannot buffer message %s[%d]@%lld", m->topic,
                              m->partition, (long long)m->offset);
    p->next = m->offset + 1;
    p->dirty = true;
    ing->batch_bytes += (int64_t)(m->key_len + m->value_len);
    if (batch_full(ing) && (rc = flush_async(ing, &ing->pending))) return rc;
    return 0;
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
    while (!(stop && *stop)) {
        int timeout_ms = 100;
        if (ing->batch->n_rows > 0) {
            uint64_t due = ing->batch_started_ns + (uint64_t)ing->opts.trigger_us * 1000;
            uint64_t now = silt_time_mono_ns();
            int64_t left_ms = now >= due ? 0 : (int64_t)((due - now) / 1000000);
            if (left_ms < timeout_ms) timeout_ms = (int)left_ms;
        }
        int got = src->ops->poll(src, ing, timeout_ms, on_message, err);
        if (ing->pending.code) {
            if (err) *err = ing->pending;
            rc = ing->pending.code;
            break;
        }
        if (got < 0) {
            rc = got;
            break;
        }
        if (ing->batch->n_rows > 0 &&
            silt_time_mono_ns() - ing->batch_started_ns >= (uint64_t)ing->opts.trigger_us * 1000) {
            if ((rc = flush_async(ing, err))) break;
        }
        progress(ing, false);
        if (ing->opts.until_caught_up && got == 0 && src->ops->caught_up(src)) {
            if ((rc = silt_ingest_flush(ing, err))) break;
            if (ing->batch->n_rows == 0 && src->ops->caught_up(src)) break;
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
    ing->src = NULL;
    return rc;
}
