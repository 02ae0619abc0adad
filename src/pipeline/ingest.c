/* Ingestion runtime: micro-batches of bronze rows committed with their partitions' positions. */
#include "pipeline/ingest.h"

#include "util/alloc.h"
#include "util/log.h"
#include "util/time.h"

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
    silt_ingest_range *ranges;
    silt_ingest_tp *tps;
    silt_ingest_stats stats;
    silt_error pending; /* first error raised inside a callback, reported by run */
    uint64_t started_ns, last_progress_ns;
    uint64_t first_msg_ns, last_commit_ns;
    int64_t *latency; /* histogram: committed rows per ms of latency, LAT_MAX = overflow */
    int64_t latency_n;
    int64_t progress_rows;
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
    for (size_t i = 0; i < ing->n_parts; i++) silt_free(ing->parts[i].topic);
    silt_free(ing->parts);
    silt_free(ing->ranges);
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
        silt_ingest_range *r = silt_realloc(ing->ranges, cap * sizeof *r);
        if (!r) return NULL;
        ing->ranges = r;
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

static void reset_batch(silt_ingest *ing)
{
    silt_batch_reset(ing->batch);
    ing->batch_bytes = 0;
    for (size_t i = 0; i < ing->n_parts; i++) ing->parts[i].dirty = false;
}

/* After a conflict or a failed commit: forget the batch and move every partition it touched
 * back to the table's position. */
static void drop_batch(silt_ingest *ing)
{
    ing->stats.dropped += ing->batch->n_rows;
    for (size_t i = 0; i < ing->n_parts; i++) {
        part *p = &ing->parts[i];
        if (!p->dirty) continue;
        silt_error e;
        silt_error_clear(&e);
        if (load_position(ing, p, &e) != 0) {
            silt_log_warn("ingest: cannot re-read the position of %s[%d]: %s", p->topic,
                          p->partition, e.msg);
            p->next = p->start;
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

static void record_latency(silt_ingest *ing)
{
    int64_t now_ms = silt_time_wall_ms();
    const silt_column *ts = &ing->batch->cols[SILT_BRONZE_TIMESTAMP];
    for (int64_t i = 0; i < ing->batch->n_rows; i++) {
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

int silt_ingest_flush(silt_ingest *ing, silt_error *err)
{
    if (ing->batch->n_rows == 0) return 0;
    size_t n = 0;
    for (size_t i = 0; i < ing->n_parts; i++) {
        part *p = &ing->parts[i];
        if (!p->dirty) continue;
        ing->ranges[n] = (silt_ingest_range){p->topic, p->partition, p->start, p->next};
        n++;
    }
    int64_t version = -1;
    int rc = 0;
    uint64_t t0 = silt_time_mono_ns();
    for (int attempt = 0; attempt < 6; attempt++) {
        silt_error_clear(err);
        rc = ing->sink->ops->commit(ing->sink, ing->batch, ing->ranges, n, &version, err);
        if (rc == 0 || rc == SILT_ECONFLICT || !(err && err->retriable)) break;
        struct timespec ts = {0, (long)(100000000L << attempt)};
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec = ts.tv_nsec / 1000000000L;
            ts.tv_nsec %= 1000000000L;
        }
        silt_log_warn("ingest: commit failed (%s); retrying", err ? err->msg : "");
        nanosleep(&ts, NULL);
    }
    if (rc == SILT_ECONFLICT) {
        silt_log_warn("ingest: another worker already wrote these offsets (%s); dropping %lld "
                      "buffered rows and re-reading from the table's positions",
                      err ? err->msg : "", (long long)ing->batch->n_rows);
        ing->stats.conflicts++;
        drop_batch(ing);
        silt_error_clear(err);
        return 0;
    }
    if (rc) return rc;
    record_latency(ing);
    ing->last_commit_ns = silt_time_mono_ns();
    ing->stats.rows += ing->batch->n_rows;
    ing->stats.bytes += ing->batch_bytes;
    ing->stats.commits++;
    ing->stats.last_version = version;
    ing->stats.last_commit_ms = (double)(silt_time_mono_ns() - t0) / 1e6;
    silt_log_debug("ingest: committed %lld rows as table version %lld in %.1f ms",
                   (long long)ing->batch->n_rows, (long long)version, ing->stats.last_commit_ms);
    for (size_t i = 0; i < n; i++) {
        part *p = find_part(ing, ing->ranges[i].topic, ing->ranges[i].partition);
        p->start = p->next;
        ing->tps[i] = (silt_ingest_tp){p->topic, p->partition, p->next};
    }
    if (ing->src && ing->src->ops->commit_offsets) {
        silt_error e;
        silt_error_clear(&e);
        if (ing->src->ops->commit_offsets(ing->src, ing->tps, n, &e))
            silt_log_debug("ingest: offset commit to Kafka failed (lag tools only): %s", e.msg);
    }
    reset_batch(ing);
    return 0;
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
    if (!p->known && load_position(ing, p, &ing->pending)) return ing->pending.code;
    if (p->next >= 0 && m->offset < p->next) return 0; /* already in the table or the batch */
    if (p->start == SILT_INGEST_OFFSET_DEFAULT && !p->dirty) p->next = m->offset;
    if (ing->batch->n_rows == 0) ing->batch_started_ns = silt_time_mono_ns();
    if (!ing->first_msg_ns) ing->first_msg_ns = ing->batch_started_ns;
    int rc = silt_bronze_append(ing->batch, m, silt_time_wall_us());
    if (rc == SILT_ERANGE && ing->batch->n_rows > 0) {
        /* the batch cannot hold this message: commit what is there and start a new one */
        if ((rc = silt_ingest_flush(ing, &ing->pending))) return rc;
        ing->batch_started_ns = silt_time_mono_ns();
        rc = silt_bronze_append(ing->batch, m, silt_time_wall_us());
    }
    if (rc)
        return silt_error_set(&ing->pending, rc, "cannot buffer message %s[%d]@%lld", m->topic,
                              m->partition, (long long)m->offset);
    p->next = m->offset + 1;
    p->dirty = true;
    ing->batch_bytes += (int64_t)(m->key_len + m->value_len);
    if (batch_full(ing) && (rc = silt_ingest_flush(ing, &ing->pending))) return rc;
    return 0;
}

int silt_ingest_on_assign(silt_ingest *ing, silt_ingest_tp *tps, size_t n, silt_error *err)
{
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
        drop_batch(ing); /* partitions that stay are moved back to the table position */
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
    char lagbuf[32] = "?";
    if (lag >= 0) snprintf(lagbuf, sizeof lagbuf, "%lld", (long long)lag);
    fprintf(ing->opts.progress,
            "ingest: %lld rows in %lld commits (%.0f rows/s), table version %lld (last commit "
            "%.0f ms), lag %s%s\n",
            (long long)ing->stats.rows, (long long)ing->stats.commits, rate,
            (long long)ing->stats.last_version, ing->stats.last_commit_ms, lagbuf,
            ing->stats.conflicts ? " (conflicts resolved)" : "");
    fflush(ing->opts.progress);
    ing->last_progress_ns = now;
    ing->progress_rows = ing->stats.rows;
}

int silt_ingest_run(silt_ingest *ing, silt_ingest_source *src, volatile sig_atomic_t *stop,
                    silt_error *err)
{
    ing->src = src;
    ing->started_ns = ing->last_progress_ns = silt_time_mono_ns();
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
            if ((rc = silt_ingest_flush(ing, err))) break;
        }
        progress(ing, false);
        if (ing->opts.until_caught_up && got == 0 && src->ops->caught_up(src)) {
            if ((rc = silt_ingest_flush(ing, err))) break;
            if (ing->batch->n_rows == 0 && src->ops->caught_up(src)) break;
        }
    }
    if (rc == 0) rc = silt_ingest_flush(ing, err);
    progress(ing, true);
    ing->src = NULL;
    return rc;
}
