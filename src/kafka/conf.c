/* Pass-through librdkafka properties with errors that name the property. */
#include "kafka/conf.h"

#include "util/log.h"

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

static void log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    (void)rk;
    /* syslog levels: 0..3 emergency to error, 4 warning, 5 notice, 6 info, 7 debug */
    silt_log_msg(level <= 4 ? SILT_LOG_WARN : SILT_LOG_DEBUG, "kafka: %s: %s", fac, buf);
}

void silt_kafka_conf_route_logs(rd_kafka_conf_t *conf)
{
    rd_kafka_conf_set_log_cb(conf, log_cb);
}
