/* Kafka producer: librdkafka with delivery reports counted, back-pressure when the local queue
 * is full, and a final flush that tells whether every message was delivered. */
#ifndef SILT_KAFKA_PRODUCER_H
#define SILT_KAFKA_PRODUCER_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

typedef struct silt_kafka_producer silt_kafka_producer;

typedef struct silt_kafka_producer_stats {
    int64_t queued;        /* messages handed to librdkafka */
    int64_t delivered;     /* acknowledged by the broker */
    int64_t failed;        /* permanently failed delivery */
    int64_t bytes;         /* key + value bytes delivered */
    char first_error[256]; /* reason of the first failed delivery, "" if none */
} silt_kafka_producer_stats;

/* Creates a producer for `brokers` (bootstrap list). props are librdkafka properties (keys with
 * or without "kafka."), applied after silt's defaults (linger.ms=20, acks=all, idempotence off)
 * so that they win. Returns 0 or SILT_EINVAL (bad property, named) / SILT_ENOMEM. */
int silt_kafka_producer_create(silt_kafka_producer **out, const char *brokers,
                               const char *const *prop_keys, const char *const *prop_vals,
                               size_t n_props, silt_error *err);
/* Flushes nothing: call silt_kafka_producer_flush first. NULL is a no-op. */
void silt_kafka_producer_destroy(silt_kafka_producer *p);

/* Queues one message (key and value copied; either may be NULL for a null key/value).
 * partition -1 lets the partitioner choose (by key hash when a key is given). Waits while the
 * local queue is full. Returns 0, or SILT_EINVAL/SILT_ENOTFOUND/SILT_ERANGE with librdkafka's
 * reason (unknown partition, message larger than message.max.bytes). */
int silt_kafka_producer_send(silt_kafka_producer *p, const char *topic, int32_t partition,
                             const void *key, size_t key_len, const void *value, size_t value_len,
                             silt_error *err);

/* Connects to the cluster and learns topic's partitions and leaders (a metadata request), so
 * that the first messages are not held back while the producer finds its way. Returns 0, or
 * SILT_EIO / SILT_ETIMEOUT (err names the brokers) when no broker answered within timeout_ms. */
int silt_kafka_producer_wait_ready(silt_kafka_producer *p, const char *brokers, const char *topic,
                                   int timeout_ms, silt_error *err);

/* Serves delivery reports without blocking. */
void silt_kafka_producer_poll(silt_kafka_producer *p);

/* Waits up to timeout_ms for every queued message to be delivered or fail. Returns 0, or
 * SILT_ETIMEOUT when messages are still in flight. */
int silt_kafka_producer_flush(silt_kafka_producer *p, int timeout_ms, silt_error *err);

/* Messages queued but neither delivered nor failed yet. */
int64_t silt_kafka_producer_in_flight(const silt_kafka_producer *p);

void silt_kafka_producer_stats_get(silt_kafka_producer_stats *out, const silt_kafka_producer *p);

#endif
