/* A pipeline's bronze table (SELECT * FROM STREAM read_kafka(...)): the ingestion runtime
 * (ingest.h + bronze_table.h + kafka_source.h, as `silt ingest` wires them) in its own thread,
 * configured from read_kafka's named arguments. */
#include <limits.h>
#include <string.h>
#include <strings.h>

#include "pipeline/bronze_table.h"
#include "pipeline/kafka_source.h"
#include "pipeline/run_int.h"
#include "util/alloc.h"
#include "util/log.h"

/* silt's librdkafka settings (see `silt ingest`): fetches answered within 100 ms, a prefetch
 * queue that never pauses, a short session so a restarted pipeline rejoins quickly. */
static const char *const default_keys[] = {"fetch.wait.max.ms", "queued.min.messages",
                                           "queued.max.messages.kbytes", "session.timeout.ms",
                                           "heartbeat.interval.ms"};
static const char *const default_vals[] = {"100", "1000000", "262144", "6000", "2000"};
#define N_DEFAULTS (sizeof default_keys / sizeof default_keys[0])
#define MAX_ARGS 64

static const char *arg(const silt_pipeline_source *s, const char *key)
{
    for (size_t i = 0; i < s->n_args; i++)
        if (!strcasecmp(s->args[i].key, key)) return s->args[i].value;
    return NULL;
}

int run_bronze_open(silt_pipeline_run *r, run_table *t, silt_error *err)
{
    silt_delta_pqio_options pq = {0};
    /* zstd: raw text compresses about twice as well as with snappy */
    int rc = run_table_codec(&pq.codec, t->def, SILT_PQ_CODEC_ZSTD, err);
    if (!rc) rc = silt_bronze_table_prepare(&t->bronze.bt, t->def->location, &pq, err);
    if (rc) return rc;
    int64_t v;
    if ((rc = silt_bronze_table_create_missing(t->bronze.bt, &v, err))) return rc;
    (void)r;
    return run_delta_open(&t->d, t->def->location, err);
}

static void *bronze_main(void *arg)
{
    run_table *t = arg;
    t->bronze.rc = silt_ingest_run(t->bronze.ing, silt_kafka_source_base(t->bronze.src),
                                   &t->bronze.stop, &t->bronze.err);
    t->bronze.done = 1;
    return NULL;
}

static int source_config(silt_kafka_source_config *kc, const run_table *t, const char **keys,
                         const char **vals, const char **topics, char *tbuf, size_t tcap,
                         silt_error *err)
{
    const silt_pipeline_source *s = &t->def->sources[0];
    const char *brokers = arg(s, "bootstrapServers"), *sub = arg(s, "subscribe");
    const char *start = arg(s, "startingOffsets");
    if (!brokers || !*brokers || !sub || !*sub)
        return silt_error_set(err, SILT_EINVAL,
                              "table %s (line %d): read_kafka needs bootstrapServers => "
                              "'host:port' and subscribe => 'topic[,topic]'",
                              t->def->name, t->def->line);
    if (start && strcasecmp(start, "earliest") && strcasecmp(start, "latest"))
        return silt_error_set(err, SILT_EINVAL,
                              "table %s: read_kafka startingOffsets => '%s': expected 'earliest' "
                              "or 'latest'",
                              t->def->name, start);
    memset(kc, 0, sizeof *kc);
    snprintf(tbuf, tcap, "%s", sub);
    size_t nt = 0;
    char *save = NULL;
    for (char *p = strtok_r(tbuf, ",", &save); p && nt < 32; p = strtok_r(NULL, ",", &save))
        if (*p) topics[nt++] = p;
    size_t np = 0;
    for (; np < N_DEFAULTS; np++) {
        keys[np] = default_keys[np];
        vals[np] = default_vals[np];
    }
    for (size_t i = 0; i < s->n_args && np < MAX_ARGS; i++)
        if (!strncasecmp(s->args[i].key, "kafka.", 6)) {
            keys[np] = s->args[i].key;
            vals[np++] = s->args[i].value;
        }
    kc->brokers = brokers;
    kc->topics = topics;
    kc->n_topics = nt;
    kc->start =
        start && !strcasecmp(start, "latest") ? SILT_KAFKA_START_LATEST : SILT_KAFKA_START_EARLIEST;
    kc->prop_keys = keys;
    kc->prop_vals = vals;
    kc->n_props = np;
    return 0;
}

int run_bronze_start(silt_pipeline_run *r, run_table *t, silt_error *err)
{
    silt_ingest_options io;
    silt_ingest_options_default(&io);
    io.trigger_us = r->opts.trigger_us;
    io.until_caught_up = r->opts.until_caught_up;
    io.max_rows = r->opts.max_rows; /* one bronze version is at most one downstream batch */
    io.progress_us = 0;
    io.live_name = t->def->name;
    int rc = silt_ingest_create(&t->bronze.ing, silt_bronze_table_sink(t->bronze.bt), &io, err);
    if (rc) return rc;
    char group[600], tbuf[1024];
    const char *keys[MAX_ARGS], *vals[MAX_ARGS], *topics[32];
    silt_kafka_source_config kc;
    if ((rc = source_config(&kc, t, keys, vals, topics, tbuf, sizeof tbuf, err))) return rc;
    snprintf(group, sizeof group, "silt-pipeline-%s", t->d.name);
    kc.group = group;
    if ((rc = silt_kafka_source_create(&t->bronze.src, &kc, t->bronze.ing, err))) return rc;
    int64_t ms = r->opts.connect_timeout_us / 1000;
    if ((rc = silt_kafka_source_wait_ready(t->bronze.src, ms > INT_MAX ? INT_MAX : (int)ms, err)))
        return rc;
    silt_ingest_set_table_version(t->bronze.ing, t->d.snap ? t->d.snap->version : -1);
    silt_error_clear(&t->bronze.err);
    if (pthread_create(&t->bronze.thread, NULL, bronze_main, t))
        return silt_error_set(err, SILT_EGENERIC, "table %s: cannot start a thread", t->def->name);
    t->bronze.started = true;
    silt_log_info("pipeline: %s <- kafka %s", t->def->name, kc.brokers);
    return 0;
}

int run_bronze_join(run_table *t, bool stop, silt_error *err)
{
    if (!t->bronze.started) return 0;
    if (stop) t->bronze.stop = 1;
    pthread_join(t->bronze.thread, NULL);
    t->bronze.started = false;
    silt_kafka_source_destroy(t->bronze.src); /* leaves the group */
    t->bronze.src = NULL;
    const silt_ingest_stats *st = silt_ingest_get_stats(t->bronze.ing);
    t->st.rows_written = st->rows;
    t->st.version = st->last_version;
    if (t->bronze.rc) {
        *err = t->bronze.err;
        silt_error_prefix(err, "table %s", t->def->name);
    }
    return t->bronze.rc;
}

void run_bronze_close(run_table *t)
{
    silt_error e;
    silt_error_clear(&e);
    run_bronze_join(t, true, &e);
    silt_kafka_source_destroy(t->bronze.src);
    silt_ingest_destroy(t->bronze.ing);
    silt_bronze_table_destroy(t->bronze.bt);
    memset(&t->bronze, 0, sizeof t->bronze);
}
