/* `silt ingest`: Kafka topics into a bronze Delta table, exactly once: every message byte for
 * byte, each micro-batch one Delta commit carrying the next offset of every partition. */
#include "cli/cli.h"
#include "store/store.h"
#include "pipeline/bronze_table.h"
#include "pipeline/kafka_source.h"
#include "util/log.h"
#include "util/time.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

typedef struct settings {
    const char *brokers, *topic, *table, *group;
    int64_t trigger_us, max_rows, max_bytes;
    bool until_caught_up;
    int start; /* silt_kafka_start */
    int codec; /* silt_pq_codec */
    int64_t progress_us;
    int64_t connect_timeout_us;
} settings;

static const silt_opt_choice starts[] = {
    {"earliest", SILT_KAFKA_START_EARLIEST}, {"latest", SILT_KAFKA_START_LATEST}, {NULL, 0}};
static const silt_opt_choice codecs[] = {{"zstd", SILT_PQ_CODEC_ZSTD},
                                         {"snappy", SILT_PQ_CODEC_SNAPPY},
                                         {"gzip", SILT_PQ_CODEC_GZIP},
                                         {"none", SILT_PQ_CODEC_UNCOMPRESSED},
                                         {NULL, 0}};

static const silt_opt_spec opts_spec[] = {
    {"brokers", 'b', SILT_OPT_STRING, "HOST:PORT", NULL, NULL, "Kafka bootstrap servers (required)",
     SILT_OPT_TO_STR(settings, brokers)},
    {"topic", 't', SILT_OPT_STRING, "T[,T2...]", NULL, NULL,
     "topic(s) to read, comma-separated; ^regex subscribes by pattern (required)",
     SILT_OPT_TO_STR(settings, topic)},
    {"table", 0, SILT_OPT_STRING, "LOCATION", NULL, NULL,
     "bronze table location: a path or file:// URL; created when missing (required)",
     SILT_OPT_TO_STR(settings, table)},
    {"group", 'g', SILT_OPT_STRING, "GROUP", NULL, NULL,
     "consumer group [default: silt-ingest-<table name>]", SILT_OPT_TO_STR(settings, group)},
    {"trigger", 0, SILT_OPT_DURATION, "DURATION", "1s", NULL,
     "commit a micro-batch this long after its first message",
     SILT_OPT_TO_I64(settings, trigger_us)},
    {"max-rows", 0, SILT_OPT_INT, "N", "1000000", "1..100000000",
     "... or once it holds this many messages", SILT_OPT_TO_I64(settings, max_rows)},
    {"max-bytes", 0, SILT_OPT_SIZE, "BYTES", "128M", "1..2G",
     "... or once it holds this many key+value bytes", SILT_OPT_TO_I64(settings, max_bytes)},
    {"until-caught-up", 0, SILT_OPT_FLAG, NULL, NULL, NULL,
     "stop once every assigned partition is read to its end and committed",
     SILT_OPT_TO_BOOL(settings, until_caught_up)},
    {"starting-offsets", 0, SILT_OPT_CHOICE, "WHERE", "earliest", NULL,
     "where to start partitions the table has never seen", SILT_OPT_TO_INT(settings, start),
     SILT_OPT_CHOICES(starts)},
    {"codec", 0, SILT_OPT_CHOICE, "CODEC", "zstd", NULL, "compression of the Parquet data files",
     SILT_OPT_TO_INT(settings, codec), SILT_OPT_CHOICES(codecs)},
    {"progress", 0, SILT_OPT_DURATION, "DURATION", "5s", NULL,
     "interval of the progress line on stderr (0 = none)", SILT_OPT_TO_I64(settings, progress_us)},
    {"connect-timeout", 0, SILT_OPT_DURATION, "DURATION", "30s", NULL,
     "give up when no broker has answered this long after the start",
     SILT_OPT_TO_I64(settings, connect_timeout_us)},
    {0},
};

static const char usage[] =
    "silt ingest --brokers HOST:PORT --topic T --table LOCATION [--group G] [--trigger 1s] "
    "[--until-caught-up] [kafka.PROPERTY=VALUE ...]";
static const char description[] =
    "Reads JSON events (or anything else: nothing is parsed or rejected) from Kafka into a "
    "bronze Delta table: key, value (byte for byte), topic, partition, offset, timestamp, headers "
    "and ingested_at, partitioned by ingest_date. Each micro-batch is one Delta commit that also "
    "records, per partition, the next offset to read (txn appId silt:<table>:<topic>:<partition>),"
    " so a restart, a crash or a rebalance between several `silt ingest` processes in one group "
    "neither loses nor duplicates a message. Offsets are also committed to Kafka after each "
    "Delta commit, for lag tools only. Any kafka.<property>=<value> (or --kafka.<property> "
    "VALUE) is passed to librdkafka as is, e.g. kafka.security.protocol=SASL_SSL (unless given, "
    "silt sets fetch.wait.max.ms=100 so that batches are cut on time, and queued.min.messages="
    "1000000 with queued.max.messages.kbytes=262144 so that prefetching never pauses: the "
    "prefetch queue may hold up to 256 MiB). Stop with "
    "Ctrl-C: what is buffered is committed first. Memory: the prefetch queue, up to 24 chunks "
    "of 8 MiB of messages waiting to be encoded, and the batch's compressed files until its "
    "commit.";

/* Exit code 2 with a message when a required option is missing or empty. */
static int check_usage(const settings *set, const silt_opts *o)
{
    const char *why = o->n_args                     ? "unexpected argument"
                      : !set->brokers               ? "--brokers is required"
                      : !*set->brokers              ? "--brokers is empty: give the Kafka "
                                                      "bootstrap servers as HOST:PORT[,...]"
                      : !set->topic || !*set->topic ? "--topic is required"
                      : !set->table || !*set->table ? "--table is required"
                                                    : NULL;
    if (!why) return 0;
    fprintf(stderr, "silt ingest: %s\nUsage: %s\n", why, usage);
    return SILT_EXIT_USAGE;
}

/* silt's librdkafka settings first, then the user's kafka.* settings (which win):
 * - brokers answer a fetch within 100 ms even when little data is waiting, so a micro-batch is
 *   cut on time;
 * - a deeper prefetch queue: librdkafka (2.0 here) stops fetching for a whole second once its
 *   queue holds queued.min.messages (100,000) or queued.max.messages.kbytes, and one zstd fetch
 *   response alone can hold more than 100,000 small messages; with room for a few responses,
 *   reading never pauses while silt keeps up (the queue is bounded at 256 MiB either way);
 * - a session timeout of 6 s (librdkafka's default is 45 s; 6 s is the shortest a broker
 *   accepts by default, group.min.session.timeout.ms), heartbeats every 2 s: a dead worker's
 *   partitions move on sooner, and a rerun on the development cluster does not sit idle: when
 *   the last member of a group leaves, librdkafka's mock coordinator waits session.timeout.ms
 *   - 1 s (of the member that left) for members to rejoin before it answers anyone who joins
 *   meanwhile, where a real broker empties the group at once. */
static const char *const default_keys[] = {"fetch.wait.max.ms", "queued.min.messages",
                                           "queued.max.messages.kbytes", "session.timeout.ms",
                                           "heartbeat.interval.ms"};
static const char *const default_vals[] = {"100", "1000000", "262144", "6000", "2000"};
#define N_DEFAULTS (sizeof default_keys / sizeof default_keys[0])

/* The Kafka side: topics split at commas (into topics_buf), the group, silt's settings and the
 * user's. The config borrows from everything passed in. */
static void kafka_config(silt_kafka_source_config *kc, const settings *set, const silt_opts *o,
                         const char *group, char *topics_buf, size_t topics_cap,
                         const char **topics, const char **keys, const char **vals)
{
    memset(kc, 0, sizeof *kc);
    snprintf(topics_buf, topics_cap, "%s", set->topic);
    size_t n_topics = 0;
    char *save = NULL;
    for (char *t = strtok_r(topics_buf, ",", &save); t && n_topics < 32;
         t = strtok_r(NULL, ",", &save))
        if (*t) topics[n_topics++] = t;
    for (size_t i = 0; i < N_DEFAULTS; i++) {
        keys[i] = default_keys[i];
        vals[i] = default_vals[i];
    }
    for (size_t i = 0; i < o->n_extra; i++) {
        keys[N_DEFAULTS + i] = o->extra_key[i];
        vals[N_DEFAULTS + i] = o->extra_val[i];
    }
    kc->brokers = set->brokers;
    kc->group = group;
    kc->topics = topics;
    kc->n_topics = n_topics;
    kc->start = (silt_kafka_start)set->start;
    kc->prop_keys = keys;
    kc->prop_vals = vals;
    kc->n_props = N_DEFAULTS + o->n_extra;
}

static void print_summary(const silt_ingest *ing, double secs)
{
    const silt_ingest_stats *st = silt_ingest_get_stats(ing);
    fprintf(stderr,
            "ingest: done: %lld rows (%.1f MB) in %lld commits, %.1f s, %.0f rows/s; table "
            "version %lld%s\n",
            (long long)st->rows, (double)st->bytes / 1e6, (long long)st->commits, secs,
            secs > 0 ? (double)st->rows / secs : 0.0, (long long)st->last_version,
            st->conflicts ? " (commits by other workers resolved)" : "");
    double active = silt_ingest_active_seconds(ing);
    if (st->rows > 0 && active > 0)
        fprintf(stderr,
                "ingest: from first message to last commit: %.2f s, %.0f rows/s; latency from "
                "produce to commit: p50 %.0f ms, p99 %.0f ms\n",
                active, (double)st->rows / active, silt_ingest_latency_ms(ing, 0.5),
                silt_ingest_latency_ms(ing, 0.99));
}

/* What one run holds; everything is freed by close_all. */
typedef struct ingest_run {
    silt_bronze_table *bt;
    silt_ingest *ing;
    silt_kafka_source *src;
    char group[512];
} ingest_run;

/* Opens the table (without creating it), the runtime and the consumer; then waits for Kafka to
 * answer and only then creates a missing table. */
static int open_all(ingest_run *r, const settings *set, const silt_opts *o, silt_error *err)
{
    silt_delta_pqio_options pq = {0};
    pq.codec = (silt_pq_codec)set->codec;
    int rc = silt_bronze_table_prepare(&r->bt, set->table, &pq, err);
    if (rc) return rc;
    silt_ingest_options io;
    silt_ingest_options_default(&io);
    io.trigger_us = set->trigger_us;
    io.max_rows = set->max_rows;
    io.max_bytes = set->max_bytes;
    io.until_caught_up = set->until_caught_up;
    io.progress_us = set->progress_us;
    if ((rc = silt_ingest_create(&r->ing, silt_bronze_table_sink(r->bt), &io, err))) return rc;
    if (set->group)
        snprintf(r->group, sizeof r->group, "%s", set->group);
    else
        snprintf(r->group, sizeof r->group, "silt-ingest-%s", silt_bronze_table_name(r->bt));
    char topics_buf[1024];
    const char *topics[32];
    const char *keys[SILT_OPT_MAX_ARGS + N_DEFAULTS], *vals[SILT_OPT_MAX_ARGS + N_DEFAULTS];
    silt_kafka_source_config kc;
    kafka_config(&kc, set, o, r->group, topics_buf, sizeof topics_buf, topics, keys, vals);
    if ((rc = silt_kafka_source_create(&r->src, &kc, r->ing, err))) return rc;
    int64_t wait_ms = set->connect_timeout_us / 1000, version;
    if ((rc = silt_kafka_source_wait_ready(r->src, wait_ms > INT_MAX ? INT_MAX : (int)wait_ms,
                                           err)) ||
        (rc = silt_bronze_table_create_missing(r->bt, &version, err)))
        return rc;
    silt_ingest_set_table_version(r->ing, version);
    return 0;
}

static void close_all(ingest_run *r)
{
    silt_kafka_source_destroy(r->src);
    silt_ingest_destroy(r->ing);
    silt_bronze_table_destroy(r->bt);
}

static int run(int argc, char **argv)
{
    silt_opts o;
    settings set;
    int code;
    if (silt_cli_parse(&o, &code, opts_spec, &set, argc, argv, 1, "kafka.", usage, description))
        return code;
    if ((code = check_usage(&set, &o))) return code;
    silt_error err;
    silt_error_clear(&err);
    ingest_run r;
    memset(&r, 0, sizeof r);
    int rc = open_all(&r, &set, &o, &err);
    if (rc == 0) {
        silt_cli_catch_stop();
        silt_log_info("ingest: %s -> %s (group %s, trigger %.3g s)", set.topic, set.table, r.group,
                      (double)set.trigger_us / 1e6);
        uint64_t t0 = silt_time_mono_ns();
        rc = silt_ingest_run(r.ing, silt_kafka_source_base(r.src), &silt_cli_stop, &err);
        silt_kafka_source_destroy(r.src); /* leaves the group: commits what a revocation buffered */
        r.src = NULL;
        print_summary(r.ing, (double)(silt_time_mono_ns() - t0) / 1e9);
    }
    close_all(&r);
    if (rc) return silt_cli_fail("ingest", &err);
    return SILT_EXIT_OK;
}

const silt_command silt_cmd_ingest = {"ingest", "stream Kafka topics into a bronze Delta table",
                                      run};
