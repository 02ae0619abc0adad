/* librdkafka loaded on first use (see rdk_dl.h): resolves the rd_kafka_* entry points silt
 * calls with dlopen/dlsym and defines each as a forwarder, so that the program does not link
 * librdkafka (nor libssl, libsasl2, libcrypto through it). The list below is the one place that
 * names them: a new call to an rd_kafka_* function needs its line here (the link fails without
 * it), with the prototype of <librdkafka/rdkafka.h>, which the compiler checks against. */
#include "kafka/rdk_dl.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/dl.h"

/* F(return type, name, parameters, arguments); FV for the functions returning void. */
/* clang-format off */
#define SILT_RDK_FUNCTIONS(F, FV) \
    F(rd_kafka_resp_err_t, rd_kafka_assign, \
      (rd_kafka_t *rk, const rd_kafka_topic_partition_list_t *partitions), (rk, partitions)) \
    F(rd_kafka_resp_err_t, rd_kafka_assignment, \
      (rd_kafka_t *rk, rd_kafka_topic_partition_list_t **partitions), (rk, partitions)) \
    F(int, rd_kafka_assignment_lost, (rd_kafka_t *rk), (rk)) \
    F(rd_kafka_resp_err_t, rd_kafka_commit, \
      (rd_kafka_t *rk, const rd_kafka_topic_partition_list_t *offsets, int async), \
      (rk, offsets, async)) \
    F(rd_kafka_resp_err_t, rd_kafka_commit_queue, \
      (rd_kafka_t *rk, const rd_kafka_topic_partition_list_t *offsets, rd_kafka_queue_t *rkqu, \
       void (*cb)(rd_kafka_t *rk, rd_kafka_resp_err_t err, \
                  rd_kafka_topic_partition_list_t *offsets, void *commit_opaque), \
       void *commit_opaque), (rk, offsets, rkqu, cb, commit_opaque)) \
    FV(void, rd_kafka_conf_destroy, (rd_kafka_conf_t *conf), (conf)) \
    F(rd_kafka_conf_t *, rd_kafka_conf_new, (void), ()) \
    F(rd_kafka_conf_res_t, rd_kafka_conf_set, \
      (rd_kafka_conf_t *conf, const char *name, const char *value, char *errstr, \
       size_t errstr_size), (conf, name, value, errstr, errstr_size)) \
    FV(void, rd_kafka_conf_set_dr_msg_cb, \
      (rd_kafka_conf_t *conf, \
       void (*dr_msg_cb)(rd_kafka_t *rk, const rd_kafka_message_t *rkmessage, void *opaque)), \
      (conf, dr_msg_cb)) \
    FV(void, rd_kafka_conf_set_error_cb, \
      (rd_kafka_conf_t *conf, \
       void (*error_cb)(rd_kafka_t *rk, int err, const char *reason, void *opaque)), \
      (conf, error_cb)) \
    FV(void, rd_kafka_conf_set_log_cb, \
      (rd_kafka_conf_t *conf, \
       void (*log_cb)(const rd_kafka_t *rk, int level, const char *fac, const char *buf)), \
      (conf, log_cb)) \
    FV(void, rd_kafka_conf_set_opaque, (rd_kafka_conf_t *conf, void *opaque), (conf, opaque)) \
    FV(void, rd_kafka_conf_set_rebalance_cb, \
      (rd_kafka_conf_t *conf, \
       void (*rebalance_cb)(rd_kafka_t *rk, rd_kafka_resp_err_t err, \
                            rd_kafka_topic_partition_list_t *partitions, void *opaque)), \
      (conf, rebalance_cb)) \
    F(rd_kafka_resp_err_t, rd_kafka_consumer_close, (rd_kafka_t *rk), (rk)) \
    F(rd_kafka_message_t *, rd_kafka_consumer_poll, \
      (rd_kafka_t *rk, int timeout_ms), (rk, timeout_ms)) \
    FV(void, rd_kafka_destroy, (rd_kafka_t *rk), (rk)) \
    F(const char *, rd_kafka_err2name, (rd_kafka_resp_err_t err), (err)) \
    F(const char *, rd_kafka_err2str, (rd_kafka_resp_err_t err), (err)) \
    F(rd_kafka_resp_err_t, rd_kafka_error_code, (const rd_kafka_error_t *error), (error)) \
    FV(void, rd_kafka_error_destroy, (rd_kafka_error_t *error), (error)) \
    F(const char *, rd_kafka_error_string, (const rd_kafka_error_t *error), (error)) \
    FV(void, rd_kafka_event_destroy, (rd_kafka_event_t *rkev), (rkev)) \
    F(rd_kafka_resp_err_t, rd_kafka_event_error, (rd_kafka_event_t *rkev), (rkev)) \
    F(rd_kafka_topic_partition_list_t *, rd_kafka_event_topic_partition_list, \
      (rd_kafka_event_t *rkev), (rkev)) \
    F(rd_kafka_resp_err_t, rd_kafka_fatal_error, \
      (rd_kafka_t *rk, char *errstr, size_t errstr_size), (rk, errstr, errstr_size)) \
    F(rd_kafka_resp_err_t, rd_kafka_flush, (rd_kafka_t *rk, int timeout_ms), (rk, timeout_ms)) \
    FV(void, rd_kafka_get_err_descs, \
      (const struct rd_kafka_err_desc **errdescs, size_t *cntp), (errdescs, cntp)) \
    F(rd_kafka_resp_err_t, rd_kafka_get_watermark_offsets, \
      (rd_kafka_t *rk, const char *topic, int32_t partition, int64_t *low, int64_t *high), \
      (rk, topic, partition, low, high)) \
    F(size_t, rd_kafka_header_cnt, (const rd_kafka_headers_t *hdrs), (hdrs)) \
    F(rd_kafka_resp_err_t, rd_kafka_header_get_all, \
      (const rd_kafka_headers_t *hdrs, size_t idx, const char **namep, const void **valuep, \
       size_t *sizep), (hdrs, idx, namep, valuep, sizep)) \
    F(rd_kafka_error_t *, rd_kafka_incremental_assign, \
      (rd_kafka_t *rk, const rd_kafka_topic_partition_list_t *partitions), (rk, partitions)) \
    F(rd_kafka_error_t *, rd_kafka_incremental_unassign, \
      (rd_kafka_t *rk, const rd_kafka_topic_partition_list_t *partitions), (rk, partitions)) \
    FV(void, rd_kafka_message_destroy, (rd_kafka_message_t *rkmessage), (rkmessage)) \
    F(const char *, rd_kafka_message_errstr, (const rd_kafka_message_t *rkmessage), (rkmessage)) \
    F(rd_kafka_resp_err_t, rd_kafka_message_headers, \
      (const rd_kafka_message_t *rkmessage, rd_kafka_headers_t **hdrsp), (rkmessage, hdrsp)) \
    F(int64_t, rd_kafka_message_timestamp, \
      (const rd_kafka_message_t *rkmessage, rd_kafka_timestamp_type_t *tstype), \
      (rkmessage, tstype)) \
    F(rd_kafka_resp_err_t, rd_kafka_metadata, \
      (rd_kafka_t *rk, int all_topics, rd_kafka_topic_t *only_rkt, \
       const struct rd_kafka_metadata **metadatap, int timeout_ms), \
      (rk, all_topics, only_rkt, metadatap, timeout_ms)) \
    FV(void, rd_kafka_metadata_destroy, (const struct rd_kafka_metadata *metadata), (metadata)) \
    F(rd_kafka_resp_err_t, rd_kafka_mock_broker_set_down, \
      (rd_kafka_mock_cluster_t *mcluster, int32_t broker_id), (mcluster, broker_id)) \
    F(rd_kafka_resp_err_t, rd_kafka_mock_broker_set_rtt, \
      (rd_kafka_mock_cluster_t *mcluster, int32_t broker_id, int rtt_ms), \
      (mcluster, broker_id, rtt_ms)) \
    F(rd_kafka_resp_err_t, rd_kafka_mock_broker_set_up, \
      (rd_kafka_mock_cluster_t *mcluster, int32_t broker_id), (mcluster, broker_id)) \
    FV(void, rd_kafka_mock_clear_request_errors, \
      (rd_kafka_mock_cluster_t *mcluster, int16_t ApiKey), (mcluster, ApiKey)) \
    F(const char *, rd_kafka_mock_cluster_bootstraps, \
      (const rd_kafka_mock_cluster_t *mcluster), (mcluster)) \
    FV(void, rd_kafka_mock_cluster_destroy, (rd_kafka_mock_cluster_t *mcluster), (mcluster)) \
    F(rd_kafka_mock_cluster_t *, rd_kafka_mock_cluster_new, \
      (rd_kafka_t *rk, int broker_cnt), (rk, broker_cnt)) \
    F(rd_kafka_resp_err_t, rd_kafka_mock_coordinator_set, \
      (rd_kafka_mock_cluster_t *mcluster, const char *key_type, const char *key, \
       int32_t broker_id), (mcluster, key_type, key, broker_id)) \
    F(rd_kafka_resp_err_t, rd_kafka_mock_partition_set_leader, \
      (rd_kafka_mock_cluster_t *mcluster, const char *topic, int32_t partition, \
       int32_t broker_id), (mcluster, topic, partition, broker_id)) \
    FV(void, rd_kafka_mock_push_request_errors_array, \
      (rd_kafka_mock_cluster_t *mcluster, int16_t ApiKey, size_t cnt, \
       const rd_kafka_resp_err_t *errors), (mcluster, ApiKey, cnt, errors)) \
    F(rd_kafka_resp_err_t, rd_kafka_mock_topic_create, \
      (rd_kafka_mock_cluster_t *mcluster, const char *topic, int partition_cnt, \
       int replication_factor), (mcluster, topic, partition_cnt, replication_factor)) \
    FV(void, rd_kafka_mock_topic_set_error, \
      (rd_kafka_mock_cluster_t *mcluster, const char *topic, rd_kafka_resp_err_t err), \
      (mcluster, topic, err)) \
    F(rd_kafka_t *, rd_kafka_new, \
      (rd_kafka_type_t type, rd_kafka_conf_t *conf, char *errstr, size_t errstr_size), \
      (type, conf, errstr, errstr_size)) \
    F(int, rd_kafka_outq_len, (rd_kafka_t *rk), (rk)) \
    F(int, rd_kafka_poll, (rd_kafka_t *rk, int timeout_ms), (rk, timeout_ms)) \
    F(rd_kafka_resp_err_t, rd_kafka_poll_set_consumer, (rd_kafka_t *rk), (rk)) \
    F(rd_kafka_error_t *, rd_kafka_produceva, \
      (rd_kafka_t *rk, const rd_kafka_vu_t *vus, size_t cnt), (rk, vus, cnt)) \
    F(rd_kafka_resp_err_t, rd_kafka_query_watermark_offsets, \
      (rd_kafka_t *rk, const char *topic, int32_t partition, int64_t *low, int64_t *high, \
       int timeout_ms), (rk, topic, partition, low, high, timeout_ms)) \
    FV(void, rd_kafka_queue_destroy, (rd_kafka_queue_t *rkqu), (rkqu)) \
    F(rd_kafka_queue_t *, rd_kafka_queue_new, (rd_kafka_t *rk), (rk)) \
    F(rd_kafka_event_t *, rd_kafka_queue_poll, \
      (rd_kafka_queue_t *rkqu, int timeout_ms), (rkqu, timeout_ms)) \
    F(const char *, rd_kafka_rebalance_protocol, (rd_kafka_t *rk), (rk)) \
    F(rd_kafka_error_t *, rd_kafka_seek_partitions, \
      (rd_kafka_t *rk, rd_kafka_topic_partition_list_t *partitions, int timeout_ms), \
      (rk, partitions, timeout_ms)) \
    F(rd_kafka_resp_err_t, rd_kafka_subscribe, \
      (rd_kafka_t *rk, const rd_kafka_topic_partition_list_t *topics), (rk, topics)) \
    FV(void, rd_kafka_topic_destroy, (rd_kafka_topic_t *rkt), (rkt)) \
    F(const char *, rd_kafka_topic_name, (const rd_kafka_topic_t *rkt), (rkt)) \
    F(rd_kafka_topic_t *, rd_kafka_topic_new, \
      (rd_kafka_t *rk, const char *topic, rd_kafka_topic_conf_t *conf), (rk, topic, conf)) \
    F(rd_kafka_topic_partition_t *, rd_kafka_topic_partition_list_add, \
      (rd_kafka_topic_partition_list_t *rktparlist, const char *topic, int32_t partition), \
      (rktparlist, topic, partition)) \
    FV(void, rd_kafka_topic_partition_list_destroy, \
      (rd_kafka_topic_partition_list_t *rkparlist), (rkparlist)) \
    F(rd_kafka_topic_partition_t *, rd_kafka_topic_partition_list_find, \
      (const rd_kafka_topic_partition_list_t *rktparlist, const char *topic, int32_t partition), \
      (rktparlist, topic, partition)) \
    F(rd_kafka_topic_partition_list_t *, rd_kafka_topic_partition_list_new, (int size), (size)) \
    F(const char *, rd_kafka_version_str, (void), ())
/* clang-format on */

#define FIELD(ret, name, params, args) ret(*name) params;
#define FIELDV(ret, name, params, args) FIELD(ret, name, params, args)
static struct {
    SILT_RDK_FUNCTIONS(FIELD, FIELDV)
} fn;

#define SYM(ret, name, params, args) {(void **)&fn.name, #name},
static const silt_dl_sym syms[] = {SILT_RDK_FUNCTIONS(SYM, SYM)};
static silt_dl_lib lib = SILT_DL_LIB(SILT_RDKAFKA_SONAME, syms);

int silt_rdk_dl_load(silt_error *err)
{
    if (silt_dl_load(&lib)) return 0;
    return silt_error_set(err, SILT_EUNSUPPORTED,
                          "Kafka needs librdkafka (%s), which could not be loaded: %s; install it "
                          "(Debian/Ubuntu: apt-get install %s)",
                          SILT_RDKAFKA_SONAME, lib.msg, SILT_RDKAFKA_PACKAGE);
}

const char *silt_rdk_dl_version(void)
{
    return silt_rdk_dl_load(NULL) ? NULL : fn.rd_kafka_version_str();
}

/* A forwarder reached without the library: every Kafka path checks silt_rdk_dl_load first and
 * reports the error normally, so this is a path that forgot to; there is no handle to fail
 * with, and going on would call through a null pointer. */
static void need(void)
{
    if (silt_dl_load(&lib)) return;
    silt_error e = {0};
    silt_rdk_dl_load(&e);
    fprintf(stderr, "silt: %s\n", e.msg);
    exit(EXIT_FAILURE);
}

#define FORWARD(ret, name, params, args)                                                           \
    ret name params                                                                                \
    {                                                                                              \
        need();                                                                                    \
        return fn.name args;                                                                       \
    }
#define FORWARDV(ret, name, params, args)                                                          \
    ret name params                                                                                \
    {                                                                                              \
        need();                                                                                    \
        fn.name args;                                                                              \
    }
SILT_RDK_FUNCTIONS(FORWARD, FORWARDV)
