/* librdkafka producer wrapper: defaults, delivery accounting, queue-full back-pressure. */
#include "kafka/producer.h"

#include "kafka/conf.h"
#include "kafka/rdk_dl.h"
#include "util/alloc.h"

#include <librdkafka/rdkafka.h>
#include <string.h>

struct silt_kafka_producer {
    rd_kafka_t *rk;
    silt_kafka_producer_stats st;
};

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    silt_kafka_producer *p = opaque;
    if (m->err) {
        if (p->st.failed++ == 0)
            snprintf(p->st.first_error, sizeof p->st.first_error, "%s [%d]: %s",
                     rd_kafka_topic_name(m->rkt), (int)m->partition, rd_kafka_err2str(m->err));
    } else {
        p->st.delivered++;
        p->st.bytes += (int64_t)(m->len + m->key_len);
    }
}

int silt_kafka_producer_create(silt_kafka_producer **out, const char *brokers,
                               const char *const *prop_keys, const char *const *prop_vals,
                               size_t n_props, silt_error *err)
{
    *out = NULL;
    char reason[512];
    if (silt_rdk_dl_load(err)) return SILT_EUNSUPPORTED;
    silt_kafka_producer *p = silt_calloc(1, sizeof *p);
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (!p || !conf) {
        silt_error_set(err, SILT_ENOMEM, "out of memory creating the Kafka producer");
        goto fail;
    }
    if (silt_kafka_conf_set(conf, "bootstrap.servers", brokers, err) ||
        silt_kafka_conf_set(conf, "linger.ms", "20", err) ||
        silt_kafka_conf_set(conf, "acks", "all", err) ||
        silt_kafka_conf_set(conf, "enable.idempotence", "false", err) ||
        silt_kafka_conf_set_all(conf, prop_keys, prop_vals, n_props, err))
        goto fail;
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    rd_kafka_conf_set_opaque(conf, p);
    silt_kafka_conf_route_logs(conf);
    p->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, reason, sizeof reason);
    if (!p->rk) {
        silt_error_set(err, SILT_EINVAL, "cannot create the Kafka producer: %s", reason);
        goto fail;
    }
    *out = p;
    return 0;
fail:
    if (conf) rd_kafka_conf_destroy(conf);
    silt_free(p);
    return err && err->code ? err->code : SILT_ENOMEM;
}

int silt_kafka_producer_wait_ready(silt_kafka_producer *p, const char *brokers, const char *topic,
                                   int timeout_ms, silt_error *err)
{
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(p->rk, topic, NULL);
    if (!rkt) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t e = rd_kafka_metadata(p->rk, 0, rkt, &md, timeout_ms);
    rd_kafka_topic_destroy(rkt);
    if (md) rd_kafka_metadata_destroy(md);
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
    int code = e == RD_KAFKA_RESP_ERR__TIMED_OUT ? SILT_ETIMEOUT : SILT_EIO;
    silt_error_set(err, code,
                   "no Kafka broker at %s answered within %d ms (%s): check --brokers and that "
                   "the cluster is up",
                   brokers, timeout_ms, rd_kafka_err2str(e));
    silt_error_retriable(err, true);
    return code;
}

void silt_kafka_producer_destroy(silt_kafka_producer *p)
{
    if (!p) return;
    if (p->rk) rd_kafka_destroy(p->rk);
    silt_free(p);
}

int silt_kafka_producer_send(silt_kafka_producer *p, const char *topic, int32_t partition,
                             const void *key, size_t key_len, const void *value, size_t value_len,
                             silt_error *err)
{
    for (;;) {
        const rd_kafka_vu_t vu[] = {
            {.vtype = RD_KAFKA_VTYPE_TOPIC, .u.cstr = topic},
            {.vtype = RD_KAFKA_VTYPE_PARTITION, .u.i32 = partition},
            {.vtype = RD_KAFKA_VTYPE_MSGFLAGS, .u.i = RD_KAFKA_MSG_F_COPY},
            {.vtype = RD_KAFKA_VTYPE_KEY, .u.mem = {(void *)key, key_len}},
            {.vtype = RD_KAFKA_VTYPE_VALUE, .u.mem = {(void *)value, value_len}},
        };
        rd_kafka_error_t *pe = rd_kafka_produceva(p->rk, vu, sizeof vu / sizeof vu[0]);
        rd_kafka_resp_err_t e = pe ? rd_kafka_error_code(pe) : RD_KAFKA_RESP_ERR_NO_ERROR;
        if (pe) rd_kafka_error_destroy(pe);
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
            p->st.queued++;
            return 0;
        }
        if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            rd_kafka_poll(p->rk, 10);
            continue;
        }
        int code =
            e == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ? SILT_ERANGE
            : e == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION || e == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC
                ? SILT_ENOTFOUND
                : SILT_EINVAL;
        silt_error_set(err, code, "cannot produce to %s [%d]: %s%s", topic, (int)partition,
                       rd_kafka_err2str(e),
                       code == SILT_ERANGE ? " (raise kafka.message.max.bytes)" : "");
        return code;
    }
}

void silt_kafka_producer_poll(silt_kafka_producer *p)
{
    rd_kafka_poll(p->rk, 0);
}

int silt_kafka_producer_flush(silt_kafka_producer *p, int timeout_ms, silt_error *err)
{
    rd_kafka_resp_err_t e = rd_kafka_flush(p->rk, timeout_ms);
    rd_kafka_poll(p->rk, 0);
    if (e == RD_KAFKA_RESP_ERR__TIMED_OUT) {
        silt_error_set(err, SILT_ETIMEOUT,
                       "%d messages still undelivered after %d ms; is the broker reachable?",
                       rd_kafka_outq_len(p->rk), timeout_ms);
        silt_error_retriable(err, true);
        return SILT_ETIMEOUT;
    }
    return 0;
}

int64_t silt_kafka_producer_in_flight(const silt_kafka_producer *p)
{
    return p->st.queued - p->st.delivered - p->st.failed;
}

void silt_kafka_producer_stats_get(silt_kafka_producer_stats *out, const silt_kafka_producer *p)
{
    *out = p->st;
}
