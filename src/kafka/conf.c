/* Pass-through librdkafka properties with errors that name the property. */
#include "kafka/conf.h"

#include <string.h>

int silt_kafka_conf_set(rd_kafka_conf_t *conf, const char *key, const char *value, silt_error *err)
{
    char reason[512];
    if (strncmp(key, "kafka.", 6) == 0) key += 6;
    if (rd_kafka_conf_set(conf, key, value, reason, sizeof reason) != RD_KAFKA_CONF_OK)
        return silt_error_set(err, SILT_EINVAL,
                              "kafka.%s=%s: %s (see librdkafka's CONFIGURATION.md for the "
                              "properties it accepts)",
                              key, value, reason);
    return 0;
}

int silt_kafka_conf_set_all(rd_kafka_conf_t *conf, const char *const *keys, const char *const *vals,
                            size_t n, silt_error *err)
{
    for (size_t i = 0; i < n; i++) {
        int rc = silt_kafka_conf_set(conf, keys[i], vals[i], err);
        if (rc) return rc;
    }
    return 0;
}
