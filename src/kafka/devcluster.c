/* The mock cluster behind `silt kafka-dev` and the fault-injection commands tests send to it. */
#include "kafka/devcluster.h"

#include "kafka/conf.h"
#include "kafka/rdk_dl.h"
#include "util/alloc.h"

#include <ctype.h>
#include <errno.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct silt_kafka_dev {
    rd_kafka_t *rk; /* owns the mock cluster's threads */
    rd_kafka_mock_cluster_t *mc;
    int brokers;
};

int silt_kafka_dev_create(silt_kafka_dev **out, int brokers, silt_error *err)
{
    *out = NULL;
    char reason[512];
    if (brokers < 1 || brokers > 64)
        return silt_error_set(err, SILT_EINVAL, "--brokers %d: must be between 1 and 64", brokers);
    if (silt_rdk_dl_load(err)) return SILT_EUNSUPPORTED;
    silt_kafka_dev *d = silt_calloc(1, sizeof *d);
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (!d || !conf) {
        silt_error_set(err, SILT_ENOMEM, "out of memory starting the mock cluster");
        goto fail;
    }
    d->brokers = brokers;
    rd_kafka_conf_set(conf, "log_level", "3", NULL, 0);
    silt_kafka_conf_route_logs(conf);
    d->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, reason, sizeof reason);
    if (!d->rk) {
        silt_error_set(err, SILT_EIO, "cannot create the mock cluster's handle: %s", reason);
        goto fail;
    }
    conf = NULL;
    d->mc = rd_kafka_mock_cluster_new(d->rk, brokers);
    if (!d->mc) {
        silt_error_set(err, SILT_EIO,
                       "cannot start the mock cluster (could not listen on 127.0.0.1?)");
        goto fail;
    }
    *out = d;
    return 0;
fail:
    if (conf) rd_kafka_conf_destroy(conf);
    silt_kafka_dev_destroy(d);
    return err && err->code ? err->code : SILT_ENOMEM;
}

void silt_kafka_dev_destroy(silt_kafka_dev *d)
{
    if (!d) return;
    if (d->mc) rd_kafka_mock_cluster_destroy(d->mc);
    if (d->rk) rd_kafka_destroy(d->rk);
    silt_free(d);
}

const char *silt_kafka_dev_bootstrap(const silt_kafka_dev *d)
{
    return rd_kafka_mock_cluster_bootstraps(d->mc);
}

int silt_kafka_dev_topic_create(silt_kafka_dev *d, const char *name, int partitions,
                                silt_error *err)
{
    if (partitions < 1 || partitions > 10000)
        return silt_error_set(err, SILT_EINVAL, "topic %s: %d partitions, must be 1..10000", name,
                              partitions);
    rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(d->mc, name, partitions, 1);
    if (e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
        return silt_error_set(err, SILT_EEXISTS, "topic %s already exists", name);
    if (e)
        return silt_error_set(err, SILT_EINVAL, "cannot create topic %s: %s", name,
                              rd_kafka_err2str(e));
    return 0;
}

static int parse_int(long *out, const char *s, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

int silt_kafka_dev_parse_topic(char *name, size_t n, int *out_parts, const char *spec, int def,
                               silt_error *err)
{
    const char *colon = strrchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
    long parts = def;
    if (colon && parse_int(&parts, colon + 1, 1, 10000))
        return silt_error_set(err, SILT_EINVAL,
                              "--topic %s: partitions must be a number 1..10000 after ':'", spec);
    if (len == 0 || len >= n || len > 249)
        return silt_error_set(err, SILT_EINVAL, "--topic %s: topic name must be 1..249 chars",
                              spec);
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)spec[i]) && spec[i] != '.' && spec[i] != '_' && spec[i] != '-')
            return silt_error_set(err, SILT_EINVAL,
                                  "--topic %s: topic names use only letters, digits, '.', '_' "
                                  "and '-'",
                                  spec);
    memcpy(name, spec, len);
    name[len] = '\0';
    *out_parts = (int)parts;
    return 0;
}

static const struct {
    const char *name;
    int16_t key;
} api_keys[] = {
    {"Produce", 0},          {"Fetch", 1},
    {"ListOffsets", 2},      {"Metadata", 3},
    {"OffsetCommit", 8},     {"OffsetFetch", 9},
    {"FindCoordinator", 10}, {"JoinGroup", 11},
    {"Heartbeat", 12},       {"LeaveGroup", 13},
    {"SyncGroup", 14},       {"ApiVersion", 18},
    {"InitProducerId", 22},  {"OffsetForLeaderEpoch", 23},
};

static int parse_api(int16_t *out, const char *s)
{
    long v;
    for (size_t i = 0; i < sizeof api_keys / sizeof api_keys[0]; i++)
        if (strcasecmp(api_keys[i].name, s) == 0) {
            *out = api_keys[i].key;
            return 0;
        }
    if (parse_int(&v, s, 0, 100)) return -1;
    *out = (int16_t)v;
    return 0;
}

/* Error by librdkafka name (NOT_LEADER_FOR_PARTITION, with or without RD_KAFKA_RESP_ERR_) or by
 * number. */
static int parse_err(rd_kafka_resp_err_t *out, const char *s)
{
    long v;
    if (strncmp(s, "RD_KAFKA_RESP_ERR_", 18) == 0) s += 18;
    if (parse_int(&v, s, -200, 200) == 0) {
        *out = (rd_kafka_resp_err_t)v;
        return 0;
    }
    const struct rd_kafka_err_desc *descs;
    size_t n;
    rd_kafka_get_err_descs(&descs, &n);
    for (size_t i = 0; i < n; i++)
        if (descs[i].name && strcasecmp(descs[i].name, s) == 0) {
            *out = descs[i].code;
            return 0;
        }
    return -1;
}

const char *silt_kafka_dev_control_help(void)
{
    return "Control commands (one per line on the --control FIFO; each reply is one line on "
           "stdout):\n"
           "  broker-down ID          close broker ID's connections and refuse new ones\n"
           "  broker-up ID            bring broker ID back\n"
           "  broker-rtt ID MS        add MS ms of latency to broker ID's responses\n"
           "  errors API ERR...       the next requests of API (Produce, Fetch, Metadata,\n"
           "                          OffsetCommit, JoinGroup, Heartbeat, SyncGroup, ... or a\n"
           "                          number) fail with ERR, ERR... in turn (librdkafka error\n"
           "                          names such as NOT_LEADER_FOR_PARTITION, or numbers)\n"
           "  clear-errors API        drop the errors still queued for API\n"
           "  topic-error TOPIC ERR   metadata for TOPIC reports ERR (NO_ERROR to stop)\n"
           "  topic-create NAME PARTS create a topic\n"
           "  leader TOPIC PART ID    move a partition's leadership to broker ID\n"
           "  coordinator group|transaction KEY ID  set the coordinator for a group or txn id\n"
           "  ping                    reply \"ok pong\"\n";
}

#define MAX_TOK 66

int silt_kafka_dev_control(char *reply, size_t n, silt_kafka_dev *d, const char *line,
                           silt_error *err)
{
    char buf[1024];
    char *tok[MAX_TOK];
    int nt = 0;
    snprintf(buf, sizeof buf, "%s", line);
    for (char *save = NULL, *t = strtok_r(buf, " \t\r\n", &save); t && nt < MAX_TOK;
         t = strtok_r(NULL, " \t\r\n", &save))
        tok[nt++] = t;
    if (nt == 0) return silt_error_set(err, SILT_EINVAL, "empty control command");
    const char *cmd = tok[0];
    long id = 0, v = 0;
    rd_kafka_resp_err_t e = 0;
    if (strcmp(cmd, "ping") == 0 && nt == 1) {
        snprintf(reply, n, "ok pong");
        return 0;
    }
    if ((strcmp(cmd, "broker-down") == 0 || strcmp(cmd, "broker-up") == 0) && nt == 2) {
        if (parse_int(&id, tok[1], 1, d->brokers)) goto bad_broker;
        e = cmd[7] == 'd' ? rd_kafka_mock_broker_set_down(d->mc, (int32_t)id)
                          : rd_kafka_mock_broker_set_up(d->mc, (int32_t)id);
    } else if (strcmp(cmd, "broker-rtt") == 0 && nt == 3) {
        if (parse_int(&id, tok[1], 1, d->brokers)) goto bad_broker;
        if (parse_int(&v, tok[2], 0, 600000))
            return silt_error_set(err, SILT_EINVAL, "broker-rtt: '%s' is not a number of ms",
                                  tok[2]);
        e = rd_kafka_mock_broker_set_rtt(d->mc, (int32_t)id, (int)v);
    } else if (strcmp(cmd, "errors") == 0 && nt >= 3) {
        int16_t api;
        rd_kafka_resp_err_t errs[MAX_TOK];
        if (parse_api(&api, tok[1])) goto bad_api;
        for (int i = 2; i < nt; i++)
            if (parse_err(&errs[i - 2], tok[i]))
                return silt_error_set(err, SILT_EINVAL, "errors: unknown Kafka error '%s'", tok[i]);
        rd_kafka_mock_push_request_errors_array(d->mc, api, (size_t)(nt - 2), errs);
    } else if (strcmp(cmd, "clear-errors") == 0 && nt == 2) {
        int16_t api;
        if (parse_api(&api, tok[1])) goto bad_api;
        rd_kafka_mock_clear_request_errors(d->mc, api);
    } else if (strcmp(cmd, "topic-error") == 0 && nt == 3) {
        if (parse_err(&e, tok[2]))
            return silt_error_set(err, SILT_EINVAL, "topic-error: unknown Kafka error '%s'",
                                  tok[2]);
        rd_kafka_mock_topic_set_error(d->mc, tok[1], e);
        e = 0;
    } else if (strcmp(cmd, "topic-create") == 0 && nt == 3) {
        if (parse_int(&v, tok[2], 1, 10000))
            return silt_error_set(err, SILT_EINVAL, "topic-create: bad partition count '%s'",
                                  tok[2]);
        int rc = silt_kafka_dev_topic_create(d, tok[1], (int)v, err);
        if (rc) return rc;
    } else if (strcmp(cmd, "leader") == 0 && nt == 4) {
        if (parse_int(&v, tok[2], 0, 100000) || parse_int(&id, tok[3], 1, d->brokers))
            return silt_error_set(err, SILT_EINVAL, "leader: usage 'leader TOPIC PART ID'");
        e = rd_kafka_mock_partition_set_leader(d->mc, tok[1], (int32_t)v, (int32_t)id);
    } else if (strcmp(cmd, "coordinator") == 0 && nt == 4) {
        if (parse_int(&id, tok[3], 1, d->brokers)) goto bad_broker;
        e = rd_kafka_mock_coordinator_set(d->mc, tok[1], tok[2], (int32_t)id);
    } else {
        return silt_error_set(err, SILT_EINVAL,
                              "unknown control command or wrong arguments: '%s' (see 'silt "
                              "kafka-dev --help')",
                              line);
    }
    if (e) return silt_error_set(err, SILT_EINVAL, "%s: %s", cmd, rd_kafka_err2str(e));
    snprintf(reply, n, "ok %s", line);
    size_t l = strlen(reply);
    while (l && (reply[l - 1] == '\n' || reply[l - 1] == '\r')) reply[--l] = '\0';
    return 0;
bad_broker:
    return silt_error_set(err, SILT_EINVAL, "%s: broker id must be 1..%d", cmd, d->brokers);
bad_api:
    return silt_error_set(err, SILT_EINVAL, "%s: unknown API '%s' (Produce, Fetch, Metadata, ...)",
                          cmd, tok[1]);
}
