/* Development Kafka cluster: librdkafka's in-process mock cluster (rdkafka_mock.h) with real
 * TCP listeners on 127.0.0.1, plus a one-line text control language for fault injection. */
#ifndef SILT_KAFKA_DEVCLUSTER_H
#define SILT_KAFKA_DEVCLUSTER_H

#include <stddef.h>

#include "util/error.h"

typedef struct silt_kafka_dev silt_kafka_dev;

/* Starts a mock cluster of `brokers` brokers (1..64). Returns 0, SILT_EINVAL or SILT_EIO. */
int silt_kafka_dev_create(silt_kafka_dev **out, int brokers, silt_error *err);
/* Stops the cluster (closing its listeners). NULL is a no-op. */
void silt_kafka_dev_destroy(silt_kafka_dev *d);

/* Bootstrap list "127.0.0.1:P1,127.0.0.1:P2,..." (owned by d). */
const char *silt_kafka_dev_bootstrap(const silt_kafka_dev *d);

/* Creates a topic with `partitions` partitions (1..10000). Returns 0 or SILT_EINVAL/SILT_EEXISTS
 * with the mock cluster's reason. */
int silt_kafka_dev_topic_create(silt_kafka_dev *d, const char *name, int partitions,
                                silt_error *err);

/* Parses "NAME[:PARTITIONS]" (default partitions `def`) into name (size n) and *out_parts. */
int silt_kafka_dev_parse_topic(char *name, size_t n, int *out_parts, const char *spec, int def,
                               silt_error *err);

/* Runs one control command (see silt_kafka_dev_control_help) and writes a one-line reply into
 * reply (size n). Returns 0, or SILT_EINVAL for an unknown command or bad argument. */
int silt_kafka_dev_control(char *reply, size_t n, silt_kafka_dev *d, const char *line,
                           silt_error *err);

/* Text describing the control commands, for --help. */
const char *silt_kafka_dev_control_help(void);

#endif
