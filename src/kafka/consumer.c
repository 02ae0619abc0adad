/* High-level consumer: group membership, caller-chosen starting offsets on assignment,
 * revocation hook, zero-copy batches, manual commits. */
#include "kafka/consumer.h"

#include "kafka/conf.h"
#include "kafka/rdk_dl.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/time.h"

#include <librdkafka/rdkafka.h>
#include <string.h>
#include <time.h>

struct silt_kafka_consumer {
    rd_kafka_t *rk;
    silt_kafka_consumer_config cfg; /* callbacks and fallback; pointers not used after create */
    char *brokers;                  /* the bootstrap list, for error messages */
    bool closed;
    bool assigned_once;    /* a group assignment has arrived (see silt_kafka_consumer_destroy) */
    int fatal;             /* sticky fatal error seen in a callback */
    silt_kafka_batch *cur; /* batch being filled by the poll in progress, or NULL */
    size_t cur_start;      /* first message added by that poll */
    char fatal_msg[256];
};

static int64_t fallback_offset(const silt_kafka_consumer *c)
{
    if (c->cfg.use_committed)
        return RD_KAFKA_OFFSET_INVALID; /* committed, else auto.offset.reset */
    /* "earliest" starts at offset 0 rather than at the logical BEGINNING: the same place (a
     * log that no longer starts at 0 answers OFFSET_OUT_OF_RANGE, and auto.offset.reset=earliest
     * moves the fetcher to its first offset), without an offset query first. librdkafka delays
     * that query by up to a second for partitions whose leader it has not learnt yet, as is the
     * case for all but the first just after a group assignment. */
    return c->cfg.start == SILT_KAFKA_START_LATEST ? RD_KAFKA_OFFSET_END : 0;
}

static void call_revoke(silt_kafka_consumer *c, rd_kafka_topic_partition_list_t *parts, bool lost)
{
    if (!c->cfg.revoke_fn || parts->cnt == 0) return;
    silt_kafka_tp stack[64] = {{0}};
    silt_kafka_tp *tp = stack;
    if (parts->cnt > 64) {
        tp = silt_calloc((size_t)parts->cnt, sizeof *tp);
        if (!tp) {
            /* Without memory, tell the caller one partition at a time. */
            for (int i = 0; i < parts->cnt; i++) {
                silt_kafka_tp one = {parts->elems[i].topic, parts->elems[i].partition};
                c->cfg.revoke_fn(c->cfg.opaque, &one, 1, lost);
            }
            return;
        }
    }
    for (int i = 0; i < parts->cnt; i++) {
        tp[i].topic = parts->elems[i].topic;
        tp[i].partition = parts->elems[i].partition;
    }
    c->cfg.revoke_fn(c->cfg.opaque, tp, (size_t)parts->cnt, lost);
    if (tp != stack) silt_free(tp);
}

/* Messages of revoked partitions gathered by the poll in progress were never handed out: the
 * caller has just been told the partitions are gone, so they are dropped (the next owner reads
 * them again). */
static void drop_revoked(silt_kafka_consumer *c, rd_kafka_topic_partition_list_t *parts)
{
    silt_kafka_batch *b = c->cur;
    if (!b) return;
    size_t w = c->cur_start;
    for (size_t r = c->cur_start; r < b->n; r++) {
        silt_kafka_msg *m = &b->msgs[r];
        if (rd_kafka_topic_partition_list_find(parts, m->topic, m->partition)) {
            b->bytes -= (int64_t)(m->key_len + m->value_len);
            rd_kafka_message_destroy(m->handle_);
        } else {
            b->msgs[w++] = *m;
        }
    }
    b->n = w;
}

static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t e,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
    silt_kafka_consumer *c = opaque;
    bool cooperative = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    if (e == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        c->assigned_once = true;
        for (int i = 0; i < parts->cnt; i++) {
            rd_kafka_topic_partition_t *p = &parts->elems[i];
            int64_t off =
                c->cfg.start_fn ? c->cfg.start_fn(c->cfg.opaque, p->topic, p->partition) : -1;
            p->offset = off >= 0 ? off : fallback_offset(c);
            silt_log_debug("kafka: assigned %s [%d] from offset %lld", p->topic, (int)p->partition,
                           (long long)p->offset);
        }
        if (cooperative) {
            rd_kafka_error_t *ke = rd_kafka_incremental_assign(rk, parts);
            if (ke) {
                silt_log_error("kafka: incremental assign failed: %s", rd_kafka_error_string(ke));
                rd_kafka_error_destroy(ke);
            }
        } else {
            rd_kafka_assign(rk, parts);
        }
    } else if (e == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
        call_revoke(c, parts, rd_kafka_assignment_lost(rk) != 0);
        drop_revoked(c, parts);
        if (cooperative) {
            rd_kafka_error_t *ke = rd_kafka_incremental_unassign(rk, parts);
            if (ke) {
                silt_log_error("kafka: incremental unassign failed: %s", rd_kafka_error_string(ke));
                rd_kafka_error_destroy(ke);
            }
        } else {
            rd_kafka_assign(rk, NULL);
        }
    } else {
        silt_log_warn("kafka: rebalance error: %s", rd_kafka_err2str(e));
        rd_kafka_assign(rk, NULL);
    }
}

static void error_cb(rd_kafka_t *rk, int e, const char *reason, void *opaque)
{
    silt_kafka_consumer *c = opaque;
    if (e == RD_KAFKA_RESP_ERR__FATAL) {
        char buf[256];
        rd_kafka_fatal_error(rk, buf, sizeof buf);
        snprintf(c->fatal_msg, sizeof c->fatal_msg, "%s", buf);
        c->fatal = 1;
        return;
    }
    /* Broker transport failures and the like: librdkafka retries by itself. */
    silt_log_debug("kafka: %s: %s", rd_kafka_err2name((rd_kafka_resp_err_t)e), reason);
}

int silt_kafka_consumer_create(silt_kafka_consumer **out, const silt_kafka_consumer_config *cfg,
                               silt_error *err)
{
    *out = NULL;
    char reason[512];
    rd_kafka_topic_partition_list_t *subs = NULL;
    if (cfg->n_topics == 0)
        return silt_error_set(err, SILT_EINVAL, "no topic to consume: give at least one --topic");
    if (silt_rdk_dl_load(err)) return SILT_EUNSUPPORTED;
    silt_kafka_consumer *c = silt_calloc(1, sizeof *c);
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (!c || !conf) {
        silt_error_set(err, SILT_ENOMEM, "out of memory creating the Kafka consumer");
        goto fail;
    }
    c->cfg = *cfg;
    c->cfg.topics = NULL;
    c->cfg.prop_keys = c->cfg.prop_vals = NULL;
    c->cfg.brokers = NULL;
    if (!(c->brokers = silt_strdup(cfg->brokers ? cfg->brokers : ""))) {
        silt_error_set(err, SILT_ENOMEM, "out of memory creating the Kafka consumer");
        goto fail;
    }
    if (silt_kafka_conf_set(conf, "bootstrap.servers", cfg->brokers, err) ||
        silt_kafka_conf_set(conf, "group.id", cfg->group ? cfg->group : "silt", err) ||
        silt_kafka_conf_set(conf, "enable.auto.commit", "false", err) ||
        silt_kafka_conf_set(conf, "enable.auto.offset.store", "false", err) ||
        silt_kafka_conf_set(conf, "partition.assignment.strategy", "cooperative-sticky", err) ||
        silt_kafka_conf_set(conf, "auto.offset.reset",
                            cfg->start == SILT_KAFKA_START_LATEST ? "latest" : "earliest", err) ||
        silt_kafka_conf_set_all(conf, cfg->prop_keys, cfg->prop_vals, cfg->n_props, err) ||
        (cfg->eof_fn && silt_kafka_conf_set(conf, "enable.partition.eof", "true", err)))
        goto fail;
    rd_kafka_conf_set_rebalance_cb(conf, rebalance_cb);
    rd_kafka_conf_set_error_cb(conf, error_cb);
    rd_kafka_conf_set_opaque(conf, c);
    silt_kafka_conf_route_logs(conf);
    c->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, reason, sizeof reason);
    if (!c->rk) {
        silt_error_set(err, SILT_EINVAL, "cannot create the Kafka consumer: %s", reason);
        goto fail;
    }
    conf = NULL;
    rd_kafka_poll_set_consumer(c->rk);
    subs = rd_kafka_topic_partition_list_new((int)cfg->n_topics);
    if (!subs) {
        silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < cfg->n_topics; i++)
        rd_kafka_topic_partition_list_add(subs, cfg->topics[i], RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t e = rd_kafka_subscribe(c->rk, subs);
    if (e) {
        silt_error_set(err, SILT_EINVAL, "cannot subscribe to %s%s: %s", cfg->topics[0],
                       cfg->n_topics > 1 ? ", ..." : "", rd_kafka_err2str(e));
        goto fail;
    }
    rd_kafka_topic_partition_list_destroy(subs);
    *out = c;
    return 0;
fail:
    if (subs) rd_kafka_topic_partition_list_destroy(subs);
    if (conf) rd_kafka_conf_destroy(conf);
    if (c) {
        c->closed = true;
        if (c->rk) rd_kafka_destroy(c->rk);
        silt_free(c->brokers);
        silt_free(c);
    }
    return err && err->code ? err->code : SILT_ENOMEM;
}

int silt_kafka_consumer_wait_ready(silt_kafka_consumer *c, int timeout_ms, silt_error *err)
{
    uint64_t deadline = silt_time_mono_ns() + (uint64_t)timeout_ms * 1000000u;
    const struct timespec pause = {0, 100 * 1000 * 1000};
    rd_kafka_resp_err_t e;
    for (;;) {
        uint64_t now = silt_time_mono_ns();
        int left = now < deadline ? (int)((deadline - now) / 1000000u) : 0;
        const struct rd_kafka_metadata *md = NULL;
        /* locally known topics only: one request, answered by any broker */
        e = rd_kafka_metadata(c->rk, 0, NULL, &md, left > 1000 ? 1000 : left > 0 ? left : 1);
        if (md) rd_kafka_metadata_destroy(md);
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
        if (silt_time_mono_ns() >= deadline) break;
        if (e != RD_KAFKA_RESP_ERR__TIMED_OUT) nanosleep(&pause, NULL); /* refused: retry */
    }
    silt_error_set(err, SILT_ETIMEOUT,
                   "no Kafka broker answered within %.1f s (brokers: %s; last error: %s): check "
                   "--brokers and that the brokers are running and reachable from here, or give "
                   "them longer with --connect-timeout",
                   timeout_ms / 1000.0, c->brokers, rd_kafka_err2str(e));
    return SILT_ETIMEOUT;
}

int silt_kafka_consumer_close(silt_kafka_consumer *c, silt_error *err)
{
    if (c->closed) return 0;
    c->closed = true;
    rd_kafka_resp_err_t e = rd_kafka_consumer_close(c->rk);
    if (e)
        return silt_error_set(err, SILT_EIO, "leaving the consumer group: %s", rd_kafka_err2str(e));
    return 0;
}

void silt_kafka_consumer_destroy(silt_kafka_consumer *c)
{
    if (!c) return;
    if (!c->closed) silt_kafka_consumer_close(c, NULL);
    /* librdkafka before 2.3 (Debian has 2.0.2) aborts in rd_kafka_destroy when a
     * cooperative-sticky member is destroyed after joining its group but before its first
     * assignment (librdkafka issue #4312, e.g. SIGTERM while the group forms or the brokers
     * vanish mid-join). Such a handle owns no partitions and has nothing to commit, so it is
     * left to the process's exit instead of destroyed. */
    if (c->assigned_once) rd_kafka_destroy(c->rk);
    silt_free(c->brokers);
    silt_free(c);
}

static int batch_grow(silt_kafka_batch *b, size_t need)
{
    if (need <= b->cap) return 0;
    size_t nc = b->cap ? b->cap : 256;
    while (nc < need) nc *= 2;
    silt_kafka_msg *m = silt_realloc(b->msgs, nc * sizeof *m);
    if (!m) return SILT_ENOMEM;
    b->msgs = m;
    b->cap = nc;
    return 0;
}

int silt_kafka_consumer_poll(silt_kafka_batch *out, silt_kafka_consumer *c, size_t max,
                             int timeout_ms, silt_error *err)
{
    size_t added = 0;
    if (batch_grow(out, out->n + max))
        return silt_error_set(err, SILT_ENOMEM, "out of memory for a batch of %zu messages", max);
    int wait = timeout_ms;
    c->cur = out;
    c->cur_start = out->n;
    while (out->n - c->cur_start < max) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(c->rk, wait);
        if (c->fatal) {
            if (m) rd_kafka_message_destroy(m);
            c->cur = NULL;
            return silt_error_set(err, SILT_EIO, "fatal Kafka consumer error: %s", c->fatal_msg);
        }
        if (!m) break;
        wait = 0;
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF && m->rkt && c->cfg.eof_fn)
            c->cfg.eof_fn(c->cfg.opaque, rd_kafka_topic_name(m->rkt), m->partition, m->offset);
        if (m->err) {
            if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                silt_log_warn("kafka: consumer error on %s [%d]: %s",
                              m->rkt ? rd_kafka_topic_name(m->rkt) : "-", (int)m->partition,
                              rd_kafka_message_errstr(m));
            rd_kafka_message_destroy(m);
            continue;
        }
        silt_kafka_msg *o = &out->msgs[out->n++];
        o->key = m->key;
        o->key_len = m->key ? m->key_len : 0;
        o->value = m->payload;
        o->value_len = m->len;
        o->topic = rd_kafka_topic_name(m->rkt);
        o->partition = m->partition;
        o->offset = m->offset;
        rd_kafka_timestamp_type_t tt;
        o->timestamp_ms = rd_kafka_message_timestamp(m, &tt);
        o->handle_ = m;
        out->bytes += (int64_t)(o->key_len + o->value_len);
    }
    added = out->n - c->cur_start;
    c->cur = NULL;
    return (int)added;
}

int silt_kafka_consumer_commit(silt_kafka_consumer *c, const silt_kafka_tp *parts,
                               const int64_t *offsets, size_t n, int timeout_ms, silt_error *err)
{
    if (n == 0) return 0;
    rd_kafka_queue_t *q = NULL;
    rd_kafka_event_t *ev = NULL;
    rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
    int rc = 0;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new((int)n);
    if (!l) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        rd_kafka_topic_partition_list_add(l, parts[i].topic, parts[i].partition)->offset =
            offsets[i];
    if (timeout_ms <= 0) {
        e = rd_kafka_commit(c->rk, l, 1);
        if (e) goto fail_err;
        goto done;
    }
    /* A synchronous rd_kafka_commit() can wait forever for a coordinator that is gone: wait
     * for the result on a private queue instead, for at most timeout_ms. */
    q = rd_kafka_queue_new(c->rk);
    if (!q) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto done;
    }
    e = rd_kafka_commit_queue(c->rk, l, q, NULL, NULL);
    if (e) goto fail_err;
    ev = rd_kafka_queue_poll(q, timeout_ms);
    if (!ev) {
        rc = silt_error_set(err, SILT_ETIMEOUT,
                            "committing offsets to Kafka: no answer within %d ms (is the group "
                            "coordinator reachable?)",
                            timeout_ms);
        silt_error_retriable(err, true);
        goto done;
    }
    e = rd_kafka_event_error(ev);
    if (!e) {
        const rd_kafka_topic_partition_list_t *res = rd_kafka_event_topic_partition_list(ev);
        for (int i = 0; res && i < res->cnt && !e; i++) e = res->elems[i].err;
    }
    if (e) goto fail_err;
    goto done;
fail_err:
    rc = silt_error_set(err, SILT_EIO, "committing offsets to Kafka: %s", rd_kafka_err2str(e));
    silt_error_retriable(err, e != RD_KAFKA_RESP_ERR__FATAL);
done:
    if (ev) rd_kafka_event_destroy(ev);
    if (q) rd_kafka_queue_destroy(q);
    rd_kafka_topic_partition_list_destroy(l);
    return rc;
}

size_t silt_kafka_consumer_assignment_count(silt_kafka_consumer *c)
{
    rd_kafka_topic_partition_list_t *l = NULL;
    if (rd_kafka_assignment(c->rk, &l) || !l) return 0;
    size_t n = (size_t)l->cnt;
    rd_kafka_topic_partition_list_destroy(l);
    return n;
}

int silt_kafka_consumer_assignment(silt_kafka_tp **out, size_t *out_n, silt_kafka_consumer *c,
                                   silt_error *err)
{
    *out = NULL;
    *out_n = 0;
    rd_kafka_topic_partition_list_t *l = NULL;
    rd_kafka_resp_err_t e = rd_kafka_assignment(c->rk, &l);
    if (e) return silt_error_set(err, SILT_EIO, "reading the assignment: %s", rd_kafka_err2str(e));
    silt_kafka_tp *tp = silt_calloc(l->cnt ? (size_t)l->cnt : 1, sizeof *tp);
    if (!tp) goto oom;
    for (int i = 0; i < l->cnt; i++) {
        tp[i].topic = silt_strdup(l->elems[i].topic);
        tp[i].partition = l->elems[i].partition;
        if (!tp[i].topic) {
            silt_kafka_tp_array_free(tp, (size_t)i);
            goto oom;
        }
    }
    *out = tp;
    *out_n = (size_t)l->cnt;
    rd_kafka_topic_partition_list_destroy(l);
    return 0;
oom:
    rd_kafka_topic_partition_list_destroy(l);
    return silt_error_set(err, SILT_ENOMEM, "out of memory");
}

void silt_kafka_tp_array_free(silt_kafka_tp *parts, size_t n)
{
    if (!parts) return;
    for (size_t i = 0; i < n; i++) silt_free((char *)parts[i].topic);
    silt_free(parts);
}

int silt_kafka_consumer_watermarks(int64_t *out_low, int64_t *out_high, silt_kafka_consumer *c,
                                   const char *topic, int32_t partition, bool query, int timeout_ms,
                                   silt_error *err)
{
    *out_low = *out_high = -1;
    rd_kafka_resp_err_t e =
        query ? rd_kafka_query_watermark_offsets(c->rk, topic, partition, out_low, out_high,
                                                 timeout_ms)
              : rd_kafka_get_watermark_offsets(c->rk, topic, partition, out_low, out_high);
    if (e) {
        int code = e == RD_KAFKA_RESP_ERR__TIMED_OUT ? SILT_ETIMEOUT : SILT_EIO;
        silt_error_set(err, code, "watermarks of %s [%d]: %s", topic, (int)partition,
                       rd_kafka_err2str(e));
        silt_error_retriable(err, true);
        return code;
    }
    return 0;
}

size_t silt_kafka_msg_header_count(const silt_kafka_msg *m)
{
    rd_kafka_headers_t *h = NULL;
    if (rd_kafka_message_headers((rd_kafka_message_t *)m->handle_, &h) || !h) return 0;
    return rd_kafka_header_cnt(h);
}

int silt_kafka_msg_header(const char **out_name, const void **out_value, size_t *out_len,
                          const silt_kafka_msg *m, size_t i)
{
    rd_kafka_headers_t *h = NULL;
    if (rd_kafka_message_headers((rd_kafka_message_t *)m->handle_, &h) || !h) return SILT_ENOTFOUND;
    if (rd_kafka_header_get_all(h, i, out_name, out_value, out_len)) return SILT_ENOTFOUND;
    return 0;
}

void silt_kafka_batch_release(silt_kafka_batch *b)
{
    for (size_t i = 0; i < b->n; i++) rd_kafka_message_destroy(b->msgs[i].handle_);
    b->n = 0;
    b->bytes = 0;
}

void silt_kafka_batch_free(silt_kafka_batch *b)
{
    silt_kafka_batch_release(b);
    silt_free(b->msgs);
    b->msgs = NULL;
    b->cap = 0;
}

int silt_kafka_consumer_seek(silt_kafka_consumer *c, const char *topic, int32_t partition,
                             int64_t offset, silt_error *err)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    if (!l) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    rd_kafka_topic_partition_list_add(l, topic, partition)->offset = offset;
    int rc = 0;
    rd_kafka_error_t *ke = rd_kafka_seek_partitions(c->rk, l, 5000);
    if (ke) {
        rc = silt_error_set(err, SILT_EIO, "cannot seek %s [%d] to %lld: %s", topic, (int)partition,
                            (long long)offset, rd_kafka_error_string(ke));
        rd_kafka_error_destroy(ke);
    } else if (l->elems[0].err) {
        rc = silt_error_set(err,
                            l->elems[0].err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION ? SILT_ENOTFOUND
                                                                                    : SILT_EIO,
                            "cannot seek %s [%d] to %lld: %s", topic, (int)partition,
                            (long long)offset, rd_kafka_err2str(l->elems[0].err));
    }
    rd_kafka_topic_partition_list_destroy(l);
    return rc;
}
