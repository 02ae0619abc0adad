/* librdkafka configuration from silt's pass-through `kafka.<property>=value` settings. */
#ifndef SILT_KAFKA_CONF_H
#define SILT_KAFKA_CONF_H

#include <stddef.h>

#include <librdkafka/rdkafka.h>

#include "util/error.h"

/* Sets one property on conf; a leading "kafka." in key is stripped. Returns 0, or SILT_EINVAL
 * with a message naming the property and librdkafka's reason. */
int silt_kafka_conf_set(rd_kafka_conf_t *conf, const char *key, const char *value, silt_error *err);

/* Sets n properties (keys[i] = vals[i]) in order, stopping at the first error. */
int silt_kafka_conf_set_all(rd_kafka_conf_t *conf, const char *const *keys, const char *const *vals,
                            size_t n, silt_error *err);

/* Routes librdkafka's log lines (otherwise printed raw on stderr) through silt's logger:
 * syslog levels up to WARNING (connection failures and the like, which librdkafka retries by
 * itself) become warnings, the rest debug lines, each prefixed "kafka: " and its facility. */
void silt_kafka_conf_route_logs(rd_kafka_conf_t *conf);

#endif
