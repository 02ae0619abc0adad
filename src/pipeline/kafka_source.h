/* The Kafka consumer as an ingestion source: positions on assignment come from the table (via
 * the ingestion runtime), revocations flush what is buffered, messages are handed over without
 * copying, and lag / caught-up come from the partitions' watermarks. */
#ifndef SILT_PIPELINE_KAFKA_SOURCE_H
#define SILT_PIPELINE_KAFKA_SOURCE_H

#include "kafka/consumer.h"
#include "pipeline/ingest.h"

typedef struct silt_kafka_source silt_kafka_source;

typedef struct silt_kafka_source_config {
    const char *brokers;
    const char *group;
    const char *const *topics;
    size_t n_topics;
    silt_kafka_start start;       /* for partitions the table has never seen */
    const char *const *prop_keys; /* kafka.* pass-through */
    const char *const *prop_vals;
    size_t n_props;
    size_t max_poll; /* messages per poll, default 10,000 */
} silt_kafka_source_config;

/* Creates the consumer and subscribes; ing (borrowed) receives assignments and revocations. */
int silt_kafka_source_create(silt_kafka_source **out, const silt_kafka_source_config *cfg,
                             silt_ingest *ing, silt_error *err);
/* Waits (at most timeout_ms) until a broker has answered: see silt_kafka_consumer_wait_ready. */
int silt_kafka_source_wait_ready(silt_kafka_source *s, int timeout_ms, silt_error *err);
/* Leaves the group (which commits what is buffered through the revocation) and frees. */
void silt_kafka_source_destroy(silt_kafka_source *s);
silt_ingest_source *silt_kafka_source_base(silt_kafka_source *s);

#endif
