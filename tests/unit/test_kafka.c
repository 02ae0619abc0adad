/* Unit tests for src/kafka: generator determinism and variety, the dev cluster and its control
 * commands, and the producer and consumer against an in-process mock cluster. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/write.h"
#include "kafka/consumer.h"
#include "kafka/devcluster.h"
#include "feed/gen.h"
#include "kafka/producer.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/hash.h"

/* ---- a tiny open-addressing set of 64-bit hashes, to count distinct values ---- */
typedef struct hset {
    uint64_t *slot;
    size_t cap, n;
} hset;

static void hset_add(hset *s, uint64_t h)
{
    if (h == 0) h = 1;
    if (s->n * 2 >= s->cap) {
        hset old = *s;
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->slot = calloc(s->cap, sizeof *s->slot);
        s->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.slot[i]) hset_add(s, old.slot[i]);
        free(old.slot);
    }
    size_t i = h & (s->cap - 1);
    while (s->slot[i] && s->slot[i] != h) i = (i + 1) & (s->cap - 1);
    if (!s->slot[i]) {
        s->slot[i] = h;
        s->n++;
    }
}

static uint64_t hs(const char *s)
{
    return silt_hash_bytes(s, strlen(s), 7);
}

static void test_gen_deterministic(void **state)
{
    (void)state;
    silt_gen *a, *b, *c;
    silt_error err;
    assert_int_equal(silt_gen_create(&a, 42, &err), 0);
    assert_int_equal(silt_gen_create(&b, 42, &err), 0);
    assert_int_equal(silt_gen_create(&c, 43, &err), 0);
    silt_buf ja = SILT_BUF_INIT, jb = SILT_BUF_INIT, jc = SILT_BUF_INIT;
    for (int i = 0; i < 5000; i++) {
        silt_gen_row ra, rb, rc;
        silt_gen_next(a, &ra);
        silt_gen_next(b, &rb);
        silt_gen_next(c, &rc);
        assert_int_equal(silt_gen_row_to_json(&ja, &ra, SILT_JSON_PY), 0);
        assert_int_equal(silt_gen_row_to_json(&jb, &rb, SILT_JSON_PY), 0);
        assert_int_equal(silt_gen_row_to_json(&jc, &rc, SILT_JSON_PY), 0);
    }
    assert_int_equal(ja.len, jb.len);
    assert_memory_equal(ja.ptr, jb.ptr, ja.len);
    assert_true(ja.len != jc.len || memcmp(ja.ptr, jc.ptr, ja.len) != 0);
    silt_buf_free(&ja);
    silt_buf_free(&jb);
    silt_buf_free(&jc);
    silt_gen_destroy(a);
    silt_gen_destroy(b);
    silt_gen_destroy(c);
    silt_gen_destroy(NULL);
}

static void test_gen_variety(void **state)
{
    (void)state;
    silt_gen *g;
    silt_error err;
    assert_int_equal(silt_gen_create(&g, 1, &err), 0);
    hset products = {0}, names = {0}, customers = {0}, countries = {0}, invoices = {0}, dates = {0};
    int64_t cancelled = 0, anonymous = 0, n = 200000;
    silt_buf j = SILT_BUF_INIT;
    for (int64_t i = 0; i < n; i++) {
        silt_gen_row r;
        silt_gen_next(g, &r);
        hset_add(&products, hs(r.product_no));
        hset_add(&names, hs(r.product_name));
        hset_add(&countries, hs(r.country));
        hset_add(&invoices, hs(r.transaction_no));
        hset_add(&dates, hs(r.date));
        if (r.has_customer)
            hset_add(&customers, (uint64_t)r.customer_no);
        else
            anonymous++;
        bool c = r.transaction_no[0] == 'C';
        cancelled += c;
        assert_true(c ? r.quantity < 0 : r.quantity > 0);
        assert_true(r.price > 0);
        if (i < 2000) {
            /* each row is a JSON object with the seed's types */
            silt_buf_reset(&j);
            assert_int_equal(silt_gen_row_to_json(&j, &r, SILT_JSON_PY), 0);
            json_error_t je;
            json_t *o = json_loadb((char *)j.ptr, j.len, 0, &je);
            assert_non_null(o);
            assert_int_equal(json_object_size(o), 8);
            assert_true(json_is_string(json_object_get(o, "TransactionNo")));
            assert_true(json_is_string(json_object_get(o, "Date")));
            assert_true(json_is_string(json_object_get(o, "ProductNo")));
            assert_true(json_is_real(json_object_get(o, "Price")));
            assert_true(json_is_integer(json_object_get(o, "Quantity")));
            json_t *cn = json_object_get(o, "CustomerNo");
            assert_true(r.has_customer ? json_is_real(cn) : json_is_null(cn));
            json_decref(o);
        }
    }
    silt_buf_free(&j);
    print_message("distinct: %zu products, %zu names, %zu customers, %zu countries, %zu invoices, "
                  "%zu dates; %lld cancelled, %lld anonymous rows\n",
                  products.n, names.n, customers.n, countries.n, invoices.n, dates.n,
                  (long long)cancelled, (long long)anonymous);
    assert_true(products.n >= 2000);
    assert_int_equal(names.n, products.n); /* one name per product */
    assert_true(customers.n >= 2000);
    assert_true(countries.n >= 24);
    assert_true(invoices.n >= 10000);
    assert_true(dates.n >= 100);
    assert_true(cancelled > n / 200 && cancelled < n / 10);
    assert_true(anonymous > n / 1000 && anonymous < n / 20);
    free(products.slot);
    free(names.slot);
    free(customers.slot);
    free(countries.slot);
    free(invoices.slot);
    free(dates.slot);
    silt_gen_destroy(g);
}

static void test_dev_parse_topic(void **state)
{
    (void)state;
    char name[64];
    int parts;
    silt_error err;
    assert_int_equal(silt_kafka_dev_parse_topic(name, sizeof name, &parts, "sales:12", 6, &err), 0);
    assert_string_equal(name, "sales");
    assert_int_equal(parts, 12);
    assert_int_equal(silt_kafka_dev_parse_topic(name, sizeof name, &parts, "a.b_c-d", 6, &err), 0);
    assert_int_equal(parts, 6);
    assert_int_equal(silt_kafka_dev_parse_topic(name, sizeof name, &parts, "t:0", 6, &err),
                     SILT_EINVAL);
    assert_int_equal(silt_kafka_dev_parse_topic(name, sizeof name, &parts, "t:x", 6, &err),
                     SILT_EINVAL);
    assert_int_equal(silt_kafka_dev_parse_topic(name, sizeof name, &parts, ":3", 6, &err),
                     SILT_EINVAL);
    assert_int_equal(silt_kafka_dev_parse_topic(name, sizeof name, &parts, "sp ace", 6, &err),
                     SILT_EINVAL);
    assert_non_null(strstr(err.msg, "sp ace"));
}

static void test_dev_control(void **state)
{
    (void)state;
    silt_kafka_dev *d;
    silt_error err;
    char reply[256];
    assert_int_equal(silt_kafka_dev_create(&d, 0, &err), SILT_EINVAL);
    assert_int_equal(silt_kafka_dev_create(&d, 3, &err), 0);
    const char *boot = silt_kafka_dev_bootstrap(d);
    assert_int_equal(strncmp(boot, "127.0.0.1:", 10), 0);
    assert_non_null(strchr(strchr(boot, ',') + 1, ','));
    assert_int_equal(silt_kafka_dev_topic_create(d, "t", 3, &err), 0);
    assert_int_equal(silt_kafka_dev_topic_create(d, "t", 3, &err), SILT_EEXISTS);
    const char *ok[] = {"ping",
                        "broker-down 2",
                        "broker-up 2",
                        "broker-rtt 1 5",
                        "errors Produce NOT_LEADER_FOR_PARTITION REQUEST_TIMED_OUT",
                        "errors 1 6",
                        "clear-errors Produce",
                        "topic-error t UNKNOWN_TOPIC_OR_PART",
                        "topic-error t NO_ERROR",
                        "topic-create u 2",
                        "leader t 0 3",
                        "coordinator group g 2"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        silt_error_clear(&err);
        if (silt_kafka_dev_control(reply, sizeof reply, d, ok[i], &err))
            fail_msg("'%s' failed: %s", ok[i], err.msg);
        assert_int_equal(strncmp(reply, "ok", 2), 0);
    }
    const char *bad[] = {"",
                         "nope",
                         "broker-down 9",
                         "broker-down x",
                         "errors Produce NO_SUCH_ERR",
                         "errors Bogus 6",
                         "topic-create u 2",
                         "leader t x 1",
                         "broker-rtt 1 -5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        silt_error_clear(&err);
        assert_int_not_equal(silt_kafka_dev_control(reply, sizeof reply, d, bad[i], &err), 0);
        assert_true(err.msg[0] != '\0');
    }
    silt_kafka_dev_destroy(d);
    silt_kafka_dev_destroy(NULL);
}

/* ---- producer and consumer against an in-process cluster ---- */
typedef struct cstate {
    int assigned, revoked;
    int64_t first_off[6];
} cstate;

static int64_t start_fn(void *opaque, const char *topic, int32_t partition)
{
    cstate *s = opaque;
    (void)topic;
    s->assigned++;
    /* even partitions start at offset 10 + partition, odd ones fall back to earliest */
    return partition % 2 == 0 ? 10 + partition : -1;
}

static void revoke_fn(void *opaque, const silt_kafka_tp *parts, size_t n, bool lost)
{
    cstate *s = opaque;
    (void)parts;
    (void)lost;
    s->revoked += (int)n;
}

static void test_produce_consume(void **state)
{
    (void)state;
    silt_kafka_dev *d;
    silt_error err;
    silt_error_clear(&err);
    assert_int_equal(silt_kafka_dev_create(&d, 2, &err), 0);
    assert_int_equal(silt_kafka_dev_topic_create(d, "pc", 6, &err), 0);
    silt_kafka_producer *p;
    const char *bad_k[] = {"kafka.no.such.property"}, *bad_v[] = {"1"};
    assert_int_equal(
        silt_kafka_producer_create(&p, silt_kafka_dev_bootstrap(d), bad_k, bad_v, 1, &err),
        SILT_EINVAL);
    assert_non_null(strstr(err.msg, "no.such.property"));
    const char *k[] = {"kafka.compression.codec"}, *v[] = {"zstd"};
    assert_int_equal(silt_kafka_producer_create(&p, silt_kafka_dev_bootstrap(d), k, v, 1, &err), 0);
    for (int part = 0; part < 6; part++)
        for (int i = 0; i < 50; i++) {
            char val[32];
            int n = snprintf(val, sizeof val, "p%d-m%d", part, i);
            assert_int_equal(
                silt_kafka_producer_send(p, "pc", part, "key", 3, val, (size_t)n, &err), 0);
        }
    assert_int_equal(silt_kafka_producer_flush(p, 10000, &err), 0);
    silt_kafka_producer_stats st;
    silt_kafka_producer_stats_get(&st, p);
    assert_int_equal(st.delivered, 300);
    assert_int_equal(st.failed, 0);
    assert_int_equal(silt_kafka_producer_in_flight(p), 0);
    silt_kafka_producer_destroy(p);

    cstate s = {0};
    for (int i = 0; i < 6; i++) s.first_off[i] = -1;
    const char *topics[] = {"pc"};
    /* the mock coordinator completes a rebalance after session.timeout.ms - 1 s */
    const char *sk[] = {"kafka.session.timeout.ms", "kafka.heartbeat.interval.ms"};
    const char *sv[] = {"3000", "300"};
    silt_kafka_consumer_config cfg = {.brokers = silt_kafka_dev_bootstrap(d),
                                      .group = "g1",
                                      .prop_keys = sk,
                                      .prop_vals = sv,
                                      .n_props = 2,
                                      .topics = topics,
                                      .n_topics = 1,
                                      .start = SILT_KAFKA_START_EARLIEST,
                                      .start_fn = start_fn,
                                      .revoke_fn = revoke_fn,
                                      .opaque = &s};
    silt_kafka_consumer *c;
    assert_int_equal(silt_kafka_consumer_create(&c, &cfg, &err), 0);
    silt_kafka_batch b = {0};
    int64_t want = 3 * 50 + (40 + 38 + 36), got = 0;
    int64_t next[6] = {0};
    for (int tries = 0; tries < 300 && got < want; tries++) {
        int n = silt_kafka_consumer_poll(&b, c, 1000, 100, &err);
        assert_true(n >= 0);
        for (size_t i = 0; i < b.n; i++) {
            const silt_kafka_msg *m = &b.msgs[i];
            assert_string_equal(m->topic, "pc");
            if (s.first_off[m->partition] < 0) {
                s.first_off[m->partition] = m->offset;
                next[m->partition] = m->offset;
            }
            assert_int_equal(m->offset, next[m->partition]++);
            char val[32];
            int vn =
                snprintf(val, sizeof val, "p%d-m%lld", (int)m->partition, (long long)m->offset);
            assert_int_equal(m->value_len, (size_t)vn);
            assert_memory_equal(m->value, val, (size_t)vn);
            assert_int_equal(m->key_len, 3);
            assert_true(m->timestamp_ms > 0);
            assert_int_equal(silt_kafka_msg_header_count(m), 0);
        }
        got += (int64_t)b.n;
        silt_kafka_batch_release(&b);
    }
    assert_int_equal(got, want);
    for (int part = 0; part < 6; part++)
        assert_int_equal(s.first_off[part], part % 2 == 0 ? 10 + part : 0);
    assert_int_equal(s.assigned, 6);
    assert_int_equal(silt_kafka_consumer_assignment_count(c), 6);
    silt_kafka_tp *asg;
    size_t n_asg;
    assert_int_equal(silt_kafka_consumer_assignment(&asg, &n_asg, c, &err), 0);
    assert_int_equal(n_asg, 6);
    int seen = 0;
    for (size_t i = 0; i < n_asg; i++) {
        assert_string_equal(asg[i].topic, "pc");
        seen |= 1 << asg[i].partition;
    }
    assert_int_equal(seen, 0x3f);
    silt_kafka_tp_array_free(asg, n_asg);
    int64_t lo, hi;
    assert_int_equal(silt_kafka_consumer_watermarks(&lo, &hi, c, "pc", 3, true, 5000, &err), 0);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 50);
    assert_int_equal(silt_kafka_consumer_watermarks(&lo, &hi, c, "pc", 3, false, 0, &err), 0);
    assert_int_equal(hi, 50); /* cached from the fetches */
    assert_int_not_equal(silt_kafka_consumer_watermarks(&lo, &hi, c, "pc", 99, true, 2000, &err),
                         0);
    /* commit 40 + p for every partition, then a new member that trusts committed offsets */
    silt_kafka_tp tps[6];
    int64_t offs[6];
    for (int part = 0; part < 6; part++) {
        tps[part].topic = "pc";
        tps[part].partition = part;
        offs[part] = 40 + part;
    }
    assert_int_equal(silt_kafka_consumer_commit(c, tps, offs, 6, 10000, &err), 0);
    assert_int_equal(silt_kafka_consumer_close(c, &err), 0);
    assert_int_equal(s.revoked, 6);
    silt_kafka_consumer_destroy(c);
    silt_kafka_consumer_destroy(NULL);

    silt_kafka_consumer_config cfg2 = {.brokers = silt_kafka_dev_bootstrap(d),
                                       .group = "g1",
                                       .topics = topics,
                                       .n_topics = 1,
                                       .prop_keys = sk,
                                       .prop_vals = sv,
                                       .n_props = 2,
                                       .use_committed = true};
    assert_int_equal(silt_kafka_consumer_create(&c, &cfg2, &err), 0);
    int64_t first[6] = {-1, -1, -1, -1, -1, -1};
    got = 0;
    for (int tries = 0; tries < 300 && got < 45; tries++) {
        assert_true(silt_kafka_consumer_poll(&b, c, 100, 100, &err) >= 0);
        for (size_t i = 0; i < b.n; i++)
            if (first[b.msgs[i].partition] < 0) first[b.msgs[i].partition] = b.msgs[i].offset;
        got += (int64_t)b.n;
        silt_kafka_batch_release(&b);
    }
    assert_int_equal(got, 45); /* sum of 50 - (40 + p) */
    for (int part = 0; part < 6; part++) assert_int_equal(first[part], 40 + part);
    silt_kafka_batch_free(&b);
    silt_kafka_consumer_destroy(c);
    silt_kafka_dev_destroy(d);
}

static void test_headers_tombstones_two_topics(void **state)
{
    (void)state;
    silt_kafka_dev *d;
    silt_error err;
    assert_int_equal(silt_kafka_dev_create(&d, 1, &err), 0);
    assert_int_equal(silt_kafka_dev_topic_create(d, "h", 1, &err), 0);
    assert_int_equal(silt_kafka_dev_topic_create(d, "h2", 2, &err), 0);
    char reason[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    assert_int_equal(rd_kafka_conf_set(conf, "bootstrap.servers", silt_kafka_dev_bootstrap(d),
                                       reason, sizeof reason),
                     RD_KAFKA_CONF_OK);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, reason, sizeof reason);
    assert_non_null(rk);
    const rd_kafka_vu_t m1[] = {
        {.vtype = RD_KAFKA_VTYPE_TOPIC, .u.cstr = "h"},
        {.vtype = RD_KAFKA_VTYPE_PARTITION, .u.i32 = 0},
        {.vtype = RD_KAFKA_VTYPE_VALUE, .u.mem = {"v", 1}},
        {.vtype = RD_KAFKA_VTYPE_HEADER, .u.header = {"a", "\0x", 2}},
        {.vtype = RD_KAFKA_VTYPE_HEADER, .u.header = {"n", NULL, 0}},
    };
    const rd_kafka_vu_t m2[] = {
        {.vtype = RD_KAFKA_VTYPE_TOPIC, .u.cstr = "h"},
        {.vtype = RD_KAFKA_VTYPE_PARTITION, .u.i32 = 0},
        {.vtype = RD_KAFKA_VTYPE_KEY, .u.mem = {"k", 1}},
    };
    const rd_kafka_vu_t m3[] = {
        {.vtype = RD_KAFKA_VTYPE_TOPIC, .u.cstr = "h2"},
        {.vtype = RD_KAFKA_VTYPE_PARTITION, .u.i32 = 1},
        {.vtype = RD_KAFKA_VTYPE_VALUE, .u.mem = {"", 0}},
    };
    assert_null(rd_kafka_produceva(rk, m1, sizeof m1 / sizeof m1[0]));
    assert_null(rd_kafka_produceva(rk, m2, sizeof m2 / sizeof m2[0]));
    assert_null(rd_kafka_produceva(rk, m3, sizeof m3 / sizeof m3[0]));
    assert_int_equal(rd_kafka_flush(rk, 10000), 0);
    rd_kafka_destroy(rk);

    /* two topics in one subscription */
    const char *topics[] = {"h", "h2"};
    silt_kafka_consumer_config cfg = {
        .brokers = silt_kafka_dev_bootstrap(d), .group = "gh", .topics = topics, .n_topics = 2};
    silt_kafka_consumer *c;
    assert_int_equal(silt_kafka_consumer_create(&c, &cfg, &err), 0);
    silt_kafka_batch b = {0};
    for (int tries = 0; tries < 300 && b.n < 3; tries++)
        assert_true(silt_kafka_consumer_poll(&b, c, 3 - b.n, 100, &err) >= 0);
    assert_int_equal(b.n, 3);
    assert_int_equal(silt_kafka_consumer_assignment_count(c), 3);
    /* order across topics is not defined: put h2's message last */
    for (size_t i = 0; i < 2; i++)
        if (strcmp(b.msgs[i].topic, "h2") == 0) {
            silt_kafka_msg tmp = b.msgs[i];
            memmove(&b.msgs[i], &b.msgs[i + 1], (2 - i) * sizeof tmp);
            b.msgs[2] = tmp;
            break;
        }
    const silt_kafka_msg *m = &b.msgs[0];
    assert_string_equal(m->topic, "h");
    assert_null(m->key);
    assert_int_equal(m->value_len, 1);
    assert_int_equal(silt_kafka_msg_header_count(m), 2);
    const char *name;
    const void *val;
    size_t len;
    assert_int_equal(silt_kafka_msg_header(&name, &val, &len, m, 0), 0);
    assert_string_equal(name, "a");
    assert_int_equal(len, 2);
    assert_memory_equal(val, "\0x", 2);
    assert_int_equal(silt_kafka_msg_header(&name, &val, &len, m, 1), 0);
    assert_string_equal(name, "n");
    assert_null(val);
    assert_int_equal(silt_kafka_msg_header(&name, &val, &len, m, 2), SILT_ENOTFOUND);
    m = &b.msgs[1];
    assert_null(m->value); /* tombstone */
    assert_int_equal(m->value_len, 0);
    assert_int_equal(m->key_len, 1);
    assert_int_equal(silt_kafka_msg_header_count(m), 0);
    m = &b.msgs[2];
    assert_string_equal(m->topic, "h2");
    assert_int_equal(m->partition, 1);
    assert_non_null(m->value); /* empty, not null */
    assert_int_equal(m->value_len, 0);
    assert_int_equal(b.bytes, 2);
    silt_kafka_batch_free(&b);
    silt_kafka_consumer_destroy(c);
    silt_kafka_dev_destroy(d);
}

/* Every allocation silt makes while creating the generator, producer and consumer may fail:
 * the call reports SILT_ENOMEM and leaves nothing behind (checked by the sanitizer build). */
static void test_create_oom(void **state)
{
    (void)state;
    silt_kafka_dev *d;
    silt_error err;
    assert_int_equal(silt_kafka_dev_create(&d, 1, &err), 0);
    const char *topics[] = {"oom"};
    silt_kafka_consumer_config cfg = {
        .brokers = silt_kafka_dev_bootstrap(d), .group = "go", .topics = topics, .n_topics = 1};
    bool gen_ok = false, prod_ok = false, cons_ok = false;
    for (uint64_t nth = 1; nth <= 8; nth++) {
        silt_gen *g = NULL;
        silt_kafka_producer *p = NULL;
        silt_kafka_consumer *c = NULL;
        silt_alloc_fail_nth(nth);
        int rc = silt_gen_create(&g, 1, &err);
        silt_alloc_fail_nth(0);
        assert_true(rc == 0 ? g != NULL : (rc == SILT_ENOMEM && g == NULL));
        gen_ok |= rc == 0;
        silt_gen_destroy(g);
        silt_alloc_fail_nth(nth);
        rc = silt_kafka_producer_create(&p, silt_kafka_dev_bootstrap(d), NULL, NULL, 0, &err);
        silt_alloc_fail_nth(0);
        assert_true(rc == 0 ? p != NULL : (rc == SILT_ENOMEM && p == NULL));
        prod_ok |= rc == 0;
        silt_kafka_producer_destroy(p);
        silt_alloc_fail_nth(nth);
        rc = silt_kafka_consumer_create(&c, &cfg, &err);
        silt_alloc_fail_nth(0);
        assert_true(rc == 0 ? c != NULL : (rc == SILT_ENOMEM && c == NULL));
        cons_ok |= rc == 0;
        silt_kafka_consumer_destroy(c);
    }
    assert_true(gen_ok && prod_ok && cons_ok);
    silt_kafka_dev_destroy(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gen_deterministic),
        cmocka_unit_test(test_gen_variety),
        cmocka_unit_test(test_dev_parse_topic),
        cmocka_unit_test(test_dev_control),
        cmocka_unit_test(test_produce_consume),
        cmocka_unit_test(test_headers_tombstones_two_topics),
        cmocka_unit_test(test_create_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
