/* Test tool: produces awkward messages (binary garbage and invalid UTF-8, empty values, null
 * values and keys, one very large message) and prints, from the delivery reports, one line per
 * message in tool_kafka_consume's format ("topic partition offset key-hash value-hash length"),
 * so a test can diff what was sent with what was consumed. */
#include "util/alloc.h"
#include "util/hash.h"

#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failed;

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    (void)opaque;
    if (m->err) {
        fprintf(stderr, "delivery failed: %s\n", rd_kafka_err2str(m->err));
        failed++;
        return;
    }
    char kh[20] = "null", vh[20] = "null";
    if (m->key)
        snprintf(kh, sizeof kh, "%016llx",
                 (unsigned long long)silt_hash_bytes(m->key, m->key_len, 0));
    if (m->payload)
        snprintf(vh, sizeof vh, "%016llx",
                 (unsigned long long)silt_hash_bytes(m->payload, m->len, 0));
    printf("%s %d %lld %s %s %zu\n", rd_kafka_topic_name(m->rkt), (int)m->partition,
           (long long)m->offset, kh, vh, m->len);
}

static int send_msg(rd_kafka_t *rk, const char *topic, int32_t part, const void *key, size_t klen,
                    const void *val, size_t vlen)
{
    const rd_kafka_vu_t vu[] = {
        {.vtype = RD_KAFKA_VTYPE_TOPIC, .u.cstr = topic},
        {.vtype = RD_KAFKA_VTYPE_PARTITION, .u.i32 = part},
        {.vtype = RD_KAFKA_VTYPE_MSGFLAGS, .u.i = RD_KAFKA_MSG_F_COPY},
        {.vtype = RD_KAFKA_VTYPE_KEY, .u.mem = {(void *)key, klen}},
        {.vtype = RD_KAFKA_VTYPE_VALUE, .u.mem = {(void *)val, vlen}},
    };
    rd_kafka_resp_err_t e;
    for (;;) {
        rd_kafka_error_t *pe = rd_kafka_produceva(rk, vu, sizeof vu / sizeof vu[0]);
        e = pe ? rd_kafka_error_code(pe) : RD_KAFKA_RESP_ERR_NO_ERROR;
        if (pe) rd_kafka_error_destroy(pe);
        if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) break;
        rd_kafka_poll(rk, 10);
    }
    if (e) fprintf(stderr, "produce failed: %s\n", rd_kafka_err2str(e));
    return e ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: tool_kafka_produce_special BROKERS TOPIC BIG_BYTES\n"
                        "  partition 0 gets the small awkward messages, partition 1 the big one\n");
        return 2;
    }
    const char *brokers = argv[1], *topic = argv[2];
    size_t big = (size_t)strtoull(argv[3], NULL, 10);
    char reason[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers, reason, sizeof reason) ||
        rd_kafka_conf_set(conf, "message.max.bytes", "20000000", reason, sizeof reason) ||
        rd_kafka_conf_set(conf, "compression.codec", "lz4", reason, sizeof reason)) {
        fprintf(stderr, "%s\n", reason);
        return 2;
    }
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, reason, sizeof reason);
    if (!rk) {
        fprintf(stderr, "%s\n", reason);
        return 2;
    }
    int bad = 0;
    uint64_t x = 0x243f6a8885a308d3ull;
    unsigned char garbage[4096];
    for (int i = 0; i < 40; i++) {
        size_t n = 1 + (size_t)(i * 97 % 4096);
        for (size_t j = 0; j < n; j++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            garbage[j] = (unsigned char)x;
        }
        bad += send_msg(rk, topic, 0, garbage, n > 16 ? 16 : n, garbage, n);
    }
    static const char *const invalid_utf8[] = {"\xff\xfe", "\xc0\xaf", "\xed\xa0\x80", "ok\xe2\x82",
                                               "\x00\x01\x00"};
    for (int i = 0; i < 5; i++)
        bad += send_msg(rk, topic, 0, "utf8", 4, invalid_utf8[i],
                        i == 4 ? 3 : strlen(invalid_utf8[i]));
    bad += send_msg(rk, topic, 0, "empty", 5, "", 0);     /* empty value */
    bad += send_msg(rk, topic, 0, "null", 4, NULL, 0);    /* null value (tombstone) */
    bad += send_msg(rk, topic, 0, NULL, 0, "no key", 6);  /* null key */
    bad += send_msg(rk, topic, 0, "", 0, "empty key", 9); /* empty key */
    bad += send_msg(rk, topic, 0, NULL, 0, NULL, 0);      /* null key and value */
    if (big) {
        unsigned char *b = silt_malloc(big);
        if (!b) return 2;
        for (size_t j = 0; j < big; j++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            b[j] = (unsigned char)(x >> 56);
        }
        bad += send_msg(rk, topic, 1, "big", 3, b, big);
        silt_free(b);
    }
    if (rd_kafka_flush(rk, 60000)) {
        fprintf(stderr, "flush timed out\n");
        bad++;
    }
    rd_kafka_poll(rk, 0);
    rd_kafka_destroy(rk);
    return bad || failed ? 1 : 0;
}
