/* Kafka consumer adapted to the ingestion runtime's source interface. */
#include "pipeline/kafka_source.h"
#include "pipeline/live.h"

#include "util/alloc.h"
#include "util/log.h"
#include "util/time.h"

#include <string.h>

typedef struct tracked {
    char *topic;
    int32_t partition;
    int64_t next; /* next offset expected; -1 unknown */
    int64_t eof;  /* offset at which the fetcher last reported the partition's end; -1 none */
} tracked;

struct silt_kafka_source {
    silt_ingest_source base;
    silt_kafka_consumer *consumer;
    silt_ingest *ing;
    silt_kafka_batch batch;
    size_t max_poll;
    silt_kafka_start start;
    tracked *parts;
    size_t n_parts, cap_parts;
    uint64_t caught_up_since_ns; /* first check that saw no lag, 0 = not caught up */
    uint64_t created_ns;         /* when the consumer subscribed */
    bool joined;                 /* the first assignment has come */
    uint64_t live_ns;            /* when the partitions were last published (pipeline/live.h) */
    char *group;                 /* for messages */
};

static tracked *track(silt_kafka_source *s, const char *topic, int32_t partition)
{
    for (size_t i = 0; i < s->n_parts; i++)
        if (s->parts[i].partition == partition && strcmp(s->parts[i].topic, topic) == 0)
            return &s->parts[i];
    if (s->n_parts == s->cap_parts) {
        size_t cap = s->cap_parts ? 2 * s->cap_parts : 16;
        tracked *p = silt_realloc(s->parts, cap * sizeof *p);
        if (!p) return NULL;
        s->parts = p;
        s->cap_parts = cap;
    }
    tracked *t = &s->parts[s->n_parts];
    if (!(t->topic = silt_strdup(topic))) return NULL;
    t->partition = partition;
    t->next = -1;
    t->eof = -1;
    s->n_parts++;
    return t;
}

static int64_t start_fn(void *opaque, const char *topic, int32_t partition)
{
    silt_kafka_source *s = opaque;
    silt_ingest_tp tp = {topic, partition, SILT_INGEST_OFFSET_DEFAULT};
    if (!s->joined) {
        s->joined = true;
        silt_log_info("ingest: joined group %s %.1f s after subscribing", s->group,
                      (double)(silt_time_mono_ns() - s->created_ns) / 1e9);
    }
    silt_error err;
    silt_error_clear(&err);
    if (silt_ingest_on_assign(s->ing, &tp, 1, &err)) {
        silt_log_error("ingest: cannot read the table's position of %s [%d]: %s (starting from "
                       "--starting-offsets; a conflicting commit will be refused)",
                       topic, (int)partition, err.msg);
        return -1;
    }
    tracked *t = track(s, topic, partition);
    if (t) {
        t->next = tp.offset;
        t->eof = -1;
    }
    silt_log_info("ingest: assigned %s [%d], starting at %s%lld", topic, (int)partition,
                  tp.offset < 0 ? "--starting-offsets, " : "offset ",
                  (long long)(tp.offset < 0 ? 0 : tp.offset));
    return tp.offset;
}

static void revoke_fn(void *opaque, const silt_kafka_tp *parts, size_t n, bool lost)
{
    silt_kafka_source *s = opaque;
    silt_ingest_tp stack[64];
    silt_ingest_tp *tps = n <= 64 ? stack : silt_calloc(n, sizeof *tps);
    if (!tps) return;
    for (size_t i = 0; i < n; i++)
        tps[i] = (silt_ingest_tp){parts[i].topic, parts[i].partition, -1};
    silt_log_info("ingest: %zu partition(s) %s; committing what is buffered", n,
                  lost ? "lost" : "revoked");
    silt_ingest_on_revoke(s->ing, tps, n);
    for (size_t i = 0; i < n; i++) {
        tracked *t = track(s, parts[i].topic, parts[i].partition);
        if (t) t->next = t->eof = -1;
    }
    if (tps != stack) silt_free(tps);
}

static void eof_fn(void *opaque, const char *topic, int32_t partition, int64_t offset)
{
    tracked *t = track(opaque, topic, partition);
    if (t) t->eof = offset;
}

static silt_kafka_tp *assignment(silt_kafka_source *s, size_t *n);

/* A partition's cached low and high watermarks and the next offset to read (the low one before
 * any read): 0, or -1 when the watermarks are not known yet. */
static int span(silt_kafka_source *s, const silt_kafka_tp *tp, int64_t *lo, int64_t *next,
                int64_t *hi)
{
    silt_error err;
    if (silt_kafka_consumer_watermarks(lo, hi, s->consumer, tp->topic, tp->partition, false, 0,
                                       &err) ||
        *hi < 0)
        return -1;
    tracked *t = track(s, tp->topic, tp->partition);
    *next = t && t->next >= 0 ? t->next : *lo;
    return 0;
}

/* Publishes each assigned partition's position and high watermark (cached from fetches) to the
 * live registry, at most twice a second. */
static void publish_live(silt_kafka_source *s)
{
    uint64_t now = silt_time_mono_ns();
    if (!silt_live_enabled() || now - s->live_ns < 500000000ull) return;
    s->live_ns = now;
    size_t n;
    silt_kafka_tp *tps = assignment(s, &n);
    for (size_t i = 0; i < n; i++) {
        int64_t lo, next, hi;
        if (!span(s, &tps[i], &lo, &next, &hi))
            silt_live_partition_set(tps[i].topic, tps[i].partition, next < lo ? lo : next, hi);
    }
    silt_kafka_tp_array_free(tps, n);
}

static int src_poll(silt_ingest_source *base, silt_ingest *ing, int timeout_ms,
                    silt_ingest_msg_fn fn, silt_error *err)
{
    silt_kafka_source *s = (silt_kafka_source *)base;
    int got = silt_kafka_consumer_poll(&s->batch, s->consumer, s->max_poll, timeout_ms, err);
    if (got < 0) return got;
    int rc = 0;
    silt_bronze_header hstack[16];
    for (size_t i = 0; i < s->batch.n && rc == 0; i++) {
        const silt_kafka_msg *m = &s->batch.msgs[i];
        size_t nh = silt_kafka_msg_header_count(m);
        silt_bronze_header *hs = nh <= 16 ? hstack : silt_calloc(nh, sizeof *hs);
        if (!hs) {
            rc = silt_error_set(err, SILT_ENOMEM, "out of memory for message headers");
            break;
        }
        for (size_t k = 0; k < nh; k++) {
            const char *name = "";
            const void *val = NULL;
            size_t len = 0;
            silt_kafka_msg_header(&name, &val, &len, m, k);
            hs[k] = (silt_bronze_header){name, strlen(name), val, len};
        }
        silt_bronze_msg bm = {m->key,       m->key_len, m->value,        m->value_len, m->topic,
                              m->partition, m->offset,  m->timestamp_ms, nh,           hs};
        rc = fn(ing, &bm);
        if (hs != hstack) silt_free(hs);
        tracked *t = track(s, m->topic, m->partition);
        if (t && m->offset + 1 > t->next) t->next = m->offset + 1;
    }
    silt_kafka_batch_release(&s->batch);
    publish_live(s);
    return rc ? rc : got;
}

static int src_seek(silt_ingest_source *base, const char *topic, int32_t partition, int64_t offset,
                    silt_error *err)
{
    silt_kafka_source *s = (silt_kafka_source *)base;
    tracked *t = track(s, topic, partition);
    if (t) {
        t->next = offset;
        t->eof = -1; /* the end must be seen again from the new position */
    }
    return silt_kafka_consumer_seek(s->consumer, topic, partition, offset, err);
}

static int src_commit_offsets(silt_ingest_source *base, const silt_ingest_tp *tps, size_t n,
                              silt_error *err)
{
    silt_kafka_source *s = (silt_kafka_source *)base;
    silt_kafka_tp stack_tp[64];
    int64_t stack_off[64];
    if (n > 64) n = 64; /* lag tools only: the first 64 are plenty per commit */
    for (size_t i = 0; i < n; i++) {
        stack_tp[i] = (silt_kafka_tp){tps[i].topic, tps[i].partition};
        stack_off[i] = tps[i].offset;
    }
    return silt_kafka_consumer_commit(s->consumer, stack_tp, stack_off, n, true, err);
}

/* The assigned partitions (*n = 0 when none or unknown); free with silt_kafka_tp_array_free. */
static silt_kafka_tp *assignment(silt_kafka_source *s, size_t *n)
{
    silt_kafka_tp *tps = NULL;
    silt_error err;
    *n = 0;
    if (silt_kafka_consumer_assignment(&tps, n, s->consumer, &err)) {
        silt_kafka_tp_array_free(tps, *n);
        *n = 0;
        return NULL;
    }
    return tps;
}

/* Sums the lag of partitions tps from the watermarks cached from fetch responses;
 * *out_all_known says every partition had them. */
static int64_t lag_of(silt_kafka_source *s, const silt_kafka_tp *tps, size_t n, bool *out_all_known)
{
    int64_t lag = 0;
    bool known = true;
    silt_error err;
    for (size_t i = 0; i < n; i++) {
        int64_t lo, hi;
        if (silt_kafka_consumer_watermarks(&lo, &hi, s->consumer, tps[i].topic, tps[i].partition,
                                           false, 0, &err) ||
            hi < 0) {
            known = false;
            continue;
        }
        tracked *t = track(s, tps[i].topic, tps[i].partition);
        int64_t next = t ? t->next : -1;
        if (next < 0) next = s->start == SILT_KAFKA_START_LATEST ? hi : lo;
        if (next < lo) next = lo;
        if (hi > next) lag += hi - next;
    }
    *out_all_known = known;
    return lag;
}

/* True when the fetcher has reported the end of every partition of tps at exactly the offset
 * read next: every message up to the end seen by the last fetch has been handed to the runtime.
 * This is what `kcat -e` waits for, and it needs no extra round trip. */
static bool all_at_eof(silt_kafka_source *s, const silt_kafka_tp *tps, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        tracked *t = track(s, tps[i].topic, tps[i].partition);
        if (!t || t->eof < 0 || (t->next >= 0 && t->next != t->eof)) return false;
    }
    return true;
}

/* Caught up when every assigned partition's end was reported at the offset read next (see
 * all_at_eof). As a fallback (a partition whose end event was lost to a seek or a rebalance),
 * also when the cached watermarks show no lag on two checks at least 600 ms apart, so that a
 * fetch response newer than the last message has come in between. */
static bool src_caught_up(silt_ingest_source *base)
{
    silt_kafka_source *s = (silt_kafka_source *)base;
    size_t n;
    silt_kafka_tp *tps = assignment(s, &n);
    bool known = false, done = n > 0 && all_at_eof(s, tps, n);
    int64_t lag = n > 0 && !done ? lag_of(s, tps, n, &known) : -1;
    silt_kafka_tp_array_free(tps, n);
    if (done) return true;
    if (!known || lag != 0) {
        s->caught_up_since_ns = 0;
        return false;
    }
    uint64_t now = silt_time_mono_ns();
    if (!s->caught_up_since_ns) s->caught_up_since_ns = now;
    return now - s->caught_up_since_ns >= 600000000ull; /* > fetch.wait.max.ms (500) */
}

static int64_t src_lag(silt_ingest_source *base)
{
    silt_kafka_source *s = (silt_kafka_source *)base;
    size_t n;
    silt_kafka_tp *tps = assignment(s, &n);
    bool known = false;
    int64_t lag = n > 0 ? lag_of(s, tps, n, &known) : -1;
    silt_kafka_tp_array_free(tps, n);
    return known ? lag : -1;
}

static void src_lag_detail(silt_ingest_source *base, char *out, size_t n)
{
    silt_kafka_source *s = (silt_kafka_source *)base;
    size_t np, used = 0;
    out[0] = '\0';
    silt_kafka_tp *tps = assignment(s, &np);
    for (size_t i = 0; i < np && used + 1 < n; i++) {
        int64_t lo, next, hi;
        if (span(s, &tps[i], &lo, &next, &hi)) continue;
        int w = snprintf(out + used, n - used, "%s%s[%d]=%lld", used ? " " : "", tps[i].topic,
                         (int)tps[i].partition, (long long)(hi > next ? hi - next : 0));
        if (w < 0 || (size_t)w >= n - used) {
            out[used] = '\0';
            break;
        }
        used += (size_t)w;
    }
    silt_kafka_tp_array_free(tps, np);
}

static const struct silt_ingest_source_ops kafka_ops = {src_poll,      src_seek, src_commit_offsets,
                                                        src_caught_up, src_lag,  src_lag_detail};

silt_ingest_source *silt_kafka_source_base(silt_kafka_source *s)
{
    return &s->base;
}

int silt_kafka_source_create(silt_kafka_source **out, const silt_kafka_source_config *cfg,
                             silt_ingest *ing, silt_error *err)
{
    *out = NULL;
    silt_kafka_source *s = silt_calloc(1, sizeof *s);
    if (!s) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    s->base.ops = &kafka_ops;
    s->ing = ing;
    s->start = cfg->start;
    s->max_poll = cfg->max_poll ? cfg->max_poll : 10000;
    s->created_ns = silt_time_mono_ns();
    if (!(s->group = silt_strdup(cfg->group ? cfg->group : "silt"))) {
        silt_free(s);
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    silt_kafka_consumer_config kc = {0};
    kc.brokers = cfg->brokers;
    kc.group = cfg->group;
    kc.topics = cfg->topics;
    kc.n_topics = cfg->n_topics;
    kc.start = cfg->start;
    kc.prop_keys = cfg->prop_keys;
    kc.prop_vals = cfg->prop_vals;
    kc.n_props = cfg->n_props;
    kc.start_fn = start_fn;
    kc.revoke_fn = revoke_fn;
    kc.eof_fn = eof_fn;
    kc.opaque = s;
    int rc = silt_kafka_consumer_create(&s->consumer, &kc, err);
    if (rc) {
        silt_kafka_source_destroy(s);
        return rc;
    }
    *out = s;
    return 0;
}

int silt_kafka_source_wait_ready(silt_kafka_source *s, int timeout_ms, silt_error *err)
{
    return silt_kafka_consumer_wait_ready(s->consumer, timeout_ms, err);
}

void silt_kafka_source_destroy(silt_kafka_source *s)
{
    if (!s) return;
    if (s->consumer) {
        silt_error err;
        silt_error_clear(&err);
        if (silt_kafka_consumer_close(s->consumer, &err))
            silt_log_warn("ingest: leaving the consumer group: %s", err.msg);
        silt_kafka_consumer_destroy(s->consumer);
    }
    silt_kafka_batch_free(&s->batch);
    for (size_t i = 0; i < s->n_parts; i++) silt_free(s->parts[i].topic);
    silt_free(s->parts);
    silt_free(s->group);
    silt_free(s);
}
