/* `silt ingest`: Kafka topics into a bronze Delta table, exactly once: every message byte for
 * byte, each micro-batch one Delta commit carrying the next offset of every partition. */
#include "cli/cli.h"
#include "store/store.h"
#include "pipeline/bronze_table.h"
#include "pipeline/kafka_source.h"
#include "util/log.h"
#include "util/time.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

static const silt_opt_spec opts_spec[] = {
    {"brokers", 'b', SILT_OPT_STRING, "HOST:PORT", NULL, NULL,
     "Kafka bootstrap servers (required)"},
    {"topic", 't', SILT_OPT_STRING, "T[,T2...]", NULL, NULL,
     "topic(s) to read, comma-separated; ^regex subscribes by pattern (required)"},
    {"table", 0, SILT_OPT_STRING, "LOCATION", NULL, NULL,
     "bronze table location: a path or file:// URL; created when missing (required)"},
    {"group", 'g', SILT_OPT_STRING, "GROUP", NULL, NULL,
     "consumer group [default: silt-ingest-<table name>]"},
    {"trigger", 0, SILT_OPT_DURATION, "DURATION", "1s", NULL,
     "commit a micro-batch this long after its first message"},
    {"max-rows", 0, SILT_OPT_INT, "N", "1000000", "1..100000000",
     "... or once it holds this many messages"},
    {"max-bytes", 0, SILT_OPT_SIZE, "BYTES", "128M", "1..2G",
     "... or once it holds this many key+value bytes"},
    {"until-caught-up", 0, SILT_OPT_FLAG, NULL, NULL, NULL,
     "stop once every assigned partition is read to its end and committed"},
    {"starting-offsets", 0, SILT_OPT_CHOICE, "WHERE", "earliest", "earliest|latest",
     "where to start partitions the table has never seen"},
    {"codec", 0, SILT_OPT_CHOICE, "CODEC", "zstd", "zstd|snappy|gzip|none",
     "compression of the Parquet data files"},
    {"progress", 0, SILT_OPT_DURATION, "DURATION", "5s", NULL,
     "interval of the progress line on stderr (0 = none)"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL},
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

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

static int run(int argc, char **argv)
{
    silt_opts o;
    int code;
    silt_error serr; /* --storage-option NAME=VALUE: Azure settings */
    if (silt_store_options_from_argv(&argc, argv, &serr))
        return fprintf(stderr, "silt ingest: %s\n", serr.msg), SILT_EXIT_USAGE;
    if (silt_cli_parse(&o, &code, opts_spec, argc, argv, 1, "kafka.", usage, description))
        return code;
    const char *brokers = silt_opts_str(&o, "brokers"), *topic = silt_opts_str(&o, "topic");
    const char *table = silt_opts_str(&o, "table");
    if (!brokers || !topic || !table || o.n_args) {
        fprintf(stderr, "silt ingest: %s\nUsage: %s\n",
                o.n_args ? "unexpected argument" : "--brokers, --topic and --table are required",
                usage);
        return SILT_EXIT_USAGE;
    }
    silt_error err;
    silt_error_clear(&err);
    char topics_buf[1024];
    snprintf(topics_buf, sizeof topics_buf, "%s", topic);
    const char *topics[32];
    size_t n_topics = 0;
    for (char *t = strtok(topics_buf, ","); t && n_topics < 32; t = strtok(NULL, ","))
        if (*t) topics[n_topics++] = t;

    silt_delta_pqio_options pq = {0};
    const char *codec = silt_opts_str(&o, "codec");
    pq.codec = strcmp(codec, "snappy") == 0 ? SILT_PQ_CODEC_SNAPPY
               : strcmp(codec, "gzip") == 0 ? SILT_PQ_CODEC_GZIP
               : strcmp(codec, "none") == 0 ? SILT_PQ_CODEC_UNCOMPRESSED
                                            : SILT_PQ_CODEC_ZSTD;
    silt_bronze_table *bt = NULL;
    silt_ingest *ing = NULL;
    silt_kafka_source *src = NULL;
    int rc = silt_bronze_table_open(&bt, table, &pq, &err);
    if (rc) goto done;

    silt_ingest_options io;
    silt_ingest_options_default(&io);
    io.trigger_us = silt_opts_duration_us(&o, "trigger");
    io.max_rows = silt_opts_int(&o, "max-rows");
    io.max_bytes = silt_opts_size(&o, "max-bytes");
    io.until_caught_up = silt_opts_flag(&o, "until-caught-up");
    io.progress_us = silt_opts_duration_us(&o, "progress");
    if ((rc = silt_ingest_create(&ing, silt_bronze_table_sink(bt), &io, &err))) goto done;

    char group[512];
    if (silt_opts_str(&o, "group"))
        snprintf(group, sizeof group, "%s", silt_opts_str(&o, "group"));
    else
        snprintf(group, sizeof group, "silt-ingest-%s", silt_bronze_table_name(bt));
    silt_kafka_source_config kc = {0};
    kc.brokers = brokers;
    kc.group = group;
    kc.topics = topics;
    kc.n_topics = n_topics;
    kc.start = strcmp(silt_opts_str(&o, "starting-offsets"), "latest") == 0
                   ? SILT_KAFKA_START_LATEST
                   : SILT_KAFKA_START_EARLIEST;
    /* silt's defaults first (the user's kafka.* settings come after and win):
     * - brokers answer a fetch within 100 ms even when little data is waiting, so a micro-batch
     *   is cut on time;
     * - a deeper prefetch queue: librdkafka (2.0 here) stops fetching for a whole second once
     *   its queue holds queued.min.messages (100,000) or queued.max.messages.kbytes, and one
     *   zstd fetch response alone can hold more than 100,000 small messages; with room for a
     *   few responses, reading never pauses while silt keeps up (the queue is bounded at
     *   256 MiB either way). */
    static const char *const dk[] = {"fetch.wait.max.ms", "queued.min.messages",
                                     "queued.max.messages.kbytes"};
    static const char *const dv[] = {"100", "1000000", "262144"};
    const size_t nd = sizeof dk / sizeof dk[0];
    const char *keys[SILT_OPT_MAX_ARGS + sizeof dk / sizeof dk[0]];
    const char *vals[SILT_OPT_MAX_ARGS + sizeof dk / sizeof dk[0]];
    for (size_t i = 0; i < nd; i++) {
        keys[i] = dk[i];
        vals[i] = dv[i];
    }
    for (size_t i = 0; i < o.n_extra; i++) {
        keys[i + nd] = o.extra_key[i];
        vals[i + nd] = o.extra_val[i];
    }
    kc.prop_keys = keys;
    kc.prop_vals = vals;
    kc.n_props = o.n_extra + nd;
    if ((rc = silt_kafka_source_create(&src, &kc, ing, &err))) goto done;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    silt_log_info("ingest: %s -> %s (group %s, trigger %s)", topic, table, group,
                  silt_opts_str(&o, "trigger"));
    uint64_t t0 = silt_time_mono_ns();
    rc = silt_ingest_run(ing, silt_kafka_source_base(src), &g_stop, &err);
    silt_kafka_source_destroy(src); /* leaves the group: commits what a revocation buffered */
    src = NULL;
    double secs = (double)(silt_time_mono_ns() - t0) / 1e9;
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
done:
    silt_kafka_source_destroy(src);
    silt_ingest_destroy(ing);
    silt_bronze_table_destroy(bt);
    if (rc) return silt_cli_fail("ingest", &err);
    return SILT_EXIT_OK;
}

const silt_command silt_cmd_ingest = {"ingest", "stream Kafka topics into a bronze Delta table",
                                      run};
