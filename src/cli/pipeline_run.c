/* `silt pipeline run FILE` (every table, continuously or until caught up, exactly once) and
 * `silt pipeline refresh FILE --table T [--full]` (recompute a table and what reads it; with
 * --full, from scratch: rows quarantined before come back through a changed expectation). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli/pipeline.h"
#include "cli/serve.h"
#include "pipeline/run.h"
#include "util/heap.h"
#include "util/log.h"

typedef struct run_settings {
    silt_pipeline_common common;
    bool until_caught_up, full;
    int64_t trigger_us, progress_us, connect_timeout_us, max_versions, max_rows;
    const char *table;
    const char *http, *token_file; /* run only: serve the lake while running */
} run_settings;

#define RUN_OPTS                                                                                   \
    {"trigger",                                                                                    \
     0,                                                                                            \
     SILT_OPT_DURATION,                                                                            \
     "DURATION",                                                                                   \
     "1s",                                                                                         \
     NULL,                                                                                         \
     "bronze cuts a micro-batch this long after its first message; the other tables look for new " \
     "upstream commits 4 times as often",                                                          \
     SILT_OPT_TO_I64(run_settings, trigger_us)},                                                   \
        {"max-versions",                                                                           \
         0,                                                                                        \
         SILT_OPT_INT,                                                                             \
         "N",                                                                                      \
         "100",                                                                                    \
         "1..1000000",                                                                             \
         "upstream versions per micro-batch at most",                                              \
         SILT_OPT_TO_I64(run_settings, max_versions)},                                             \
        {"max-rows",                                                                               \
         0,                                                                                        \
         SILT_OPT_INT,                                                                             \
         "N",                                                                                      \
         "250000",                                                                                 \
         "1..100000000",                                                                           \
         "... and about this many upstream rows, also rows per bronze commit (memory stays "       \
         "bounded)",                                                                               \
         SILT_OPT_TO_I64(run_settings, max_rows)},                                                 \
        {"progress",                                                                               \
         0,                                                                                        \
         SILT_OPT_DURATION,                                                                        \
         "DURATION",                                                                               \
         "5s",                                                                                     \
         NULL,                                                                                     \
         "one line per table on stderr this often (0 = none)",                                     \
         SILT_OPT_TO_I64(run_settings, progress_us)},                                              \
    {                                                                                              \
        "connect-timeout", 0, SILT_OPT_DURATION, "DURATION", "30s", NULL,                          \
            "give up when no Kafka broker has answered this long after the start",                 \
            SILT_OPT_TO_I64(run_settings, connect_timeout_us)                                      \
    }

static const silt_opt_spec run_spec[] = {
    SILT_PIPELINE_COMMON_OPTS(run_settings),
    {"until-caught-up", 0, SILT_OPT_FLAG, NULL, NULL, NULL,
     "stop once bronze has read Kafka to its end and every table has consumed its upstreams",
     SILT_OPT_TO_BOOL(run_settings, until_caught_up)},
    RUN_OPTS,
    {"http", 0, SILT_OPT_STRING, "HOST:PORT", NULL, NULL,
     "also serve the lake as `silt serve` does (dashboard, API, /metrics), with the running "
     "pipeline's live figures: rows in/out and batch durations per table, Kafka position, high "
     "watermark and lag per partition (port 0 picks one; an address other than loopback needs "
     "--token-file)",
     SILT_OPT_TO_STR(run_settings, http)},
    {"token-file", 0, SILT_OPT_STRING, "FILE", NULL, NULL,
     "with --http: file holding a token (16 characters or more) every API request must send as "
     "'Authorization: Bearer <token>'",
     SILT_OPT_TO_STR(run_settings, token_file)},
    {0},
};

static const silt_opt_spec refresh_spec[] = {
    SILT_PIPELINE_COMMON_OPTS(run_settings),
    {"table", 0, SILT_OPT_STRING, "T", NULL, NULL, "the table to recompute (required)",
     SILT_OPT_TO_STR(run_settings, table)},
    {"full", 0, SILT_OPT_FLAG, NULL, NULL, NULL,
     "rebuild T and every table that reads it from scratch (their rows and quarantines are "
     "dropped and read again from the sources)",
     SILT_OPT_TO_BOOL(run_settings, full)},
    RUN_OPTS,
    {0},
};

static void set_opts(silt_pipeline_run_opts *o, const run_settings *s)
{
    silt_pipeline_run_opts_default(o);
    o->until_caught_up = s->until_caught_up;
    o->trigger_us = s->trigger_us;
    o->progress_us = s->progress_us;
    o->connect_timeout_us = s->connect_timeout_us;
    o->max_versions = s->max_versions;
    o->max_rows = s->max_rows;
}

static void summary(const silt_pipeline_run *r, const silt_pipeline_def *d)
{
    for (size_t k = 0; k < d->n_tables; k++) {
        const silt_pipeline_table_stats *s = silt_pipeline_run_stats(r, (size_t)d->order[k]);
        fprintf(stderr,
                "pipeline: done: %-28s version %lld, %lld rows written in %lld batches, "
                "%lld dropped, %lld quarantined\n",
                d->tables[d->order[k]].name, (long long)s->version, (long long)s->rows_written,
                (long long)s->batches, (long long)s->rows_dropped, (long long)s->rows_quarantined);
    }
}

/* Loads the file, opens the tables and runs the loop; prints a summary. */
static int go(const char *cmd, const char *file, const run_settings *s, silt_pipeline_run_opts *o)
{
    silt_error err;
    silt_error_clear(&err);
    silt_pipeline_def *d = NULL;
    silt_pipeline_run *r = NULL;
    int refresh_idx = -1;
    int rc = silt_pipeline_cli_load(&d, file, &s->common, &err);
    if (!rc && s->table && (refresh_idx = silt_pipeline_def_find(d, s->table)) < 0)
        rc = silt_error_set(&err, SILT_EINVAL, "--table %s: no such table in %s", s->table, file);
    if (rc) {
        fprintf(stderr, "silt %s: %s\n", cmd, err.msg);
        silt_pipeline_def_destroy(d);
        return rc == SILT_ENOMEM ? SILT_EXIT_RUNTIME : SILT_EXIT_USAGE;
    }
    if (refresh_idx >= 0) {
        o->refresh = &refresh_idx;
        o->n_refresh = 1;
    }
    silt_http_server *srv = NULL;
    /* Threads' heaps keep 32 MiB each: with glibc's default (128 KiB) a batch's blocks were
     * faulted in afresh, 4 KiB at a time, by every batch, and the run spent an eighth of its
     * CPU time more (bench/pipeline.sh, alternated runs; peak RSS about the same). */
    silt_heap_pad((size_t)32 << 20);
    rc = silt_pipeline_run_create(&r, d, o, &err);
    if (!rc && s->http)
        rc = silt_pipeline_http_start(&srv, s->http, s->token_file, d->lake ? d->lake : "./lake",
                                      &err);
    if (!rc) {
        silt_cli_catch_stop();
        silt_log_info("pipeline %s: %zu tables under %s", d->file, d->n_tables, d->lake);
        rc = silt_pipeline_run_loop(r, &silt_cli_stop, &err);
        summary(r, d);
    }
    silt_http_server_stop(srv);
    silt_pipeline_run_destroy(r);
    silt_pipeline_def_destroy(d);
    return rc ? silt_cli_fail(cmd, &err) : SILT_EXIT_OK;
}

int silt_pipeline_cmd_run(int argc, char **argv)
{
    silt_opts o;
    run_settings set = {0};
    int code;
    if (silt_cli_parse(&o, &code, run_spec, &set, argc, argv, 1, NULL,
                       "silt pipeline run FILE [--lake DIR] [--var NAME=VALUE]... "
                       "[--until-caught-up] [--trigger 1s] [--http 127.0.0.1:8080 "
                       "[--token-file F]]",
                       "Runs every table of a pipeline file, exactly once: bronze tables read "
                       "Kafka (as `silt ingest`), every other streaming table reads the new "
                       "commits of its upstream in micro-batches (positions in its txns), applies "
                       "its expectations (rows that break a QUARANTINE one go to "
                       "<table>_quarantine with the reason, DROP ROW ones are dropped, FAIL "
                       "UPDATE stops the pipeline without committing), materialized views are "
                       "recomputed when an upstream moves, and a GROUP BY window(...) with a "
                       "WATERMARK appends each window once the watermark passes it. One row per "
                       "table per batch goes to "
                       "<lake>/_event_log. Stop with Ctrl-C: the current batch is finished "
                       "first; a crash at any moment loses nothing and duplicates nothing. "
                       "With --http, the process also serves the lake (the routes, security "
                       "rules and default limits of `silt serve`) with the running pipeline's "
                       "live figures in /api/tables (\"live\") and /metrics "
                       "(silt_commit_duration_seconds, silt_kafka_lag_messages)."))
        return code;
    if (o.n_args != 1) {
        fprintf(stderr, "silt pipeline run: give one pipeline file\n");
        return SILT_EXIT_USAGE;
    }
    if (set.token_file && !set.http) {
        fprintf(stderr, "silt pipeline run: --token-file goes with --http HOST:PORT\n");
        return SILT_EXIT_USAGE;
    }
    silt_pipeline_run_opts ro;
    set_opts(&ro, &set);
    return go("pipeline run", o.args[0], &set, &ro);
}

int silt_pipeline_cmd_refresh(int argc, char **argv)
{
    silt_opts o;
    run_settings set = {0};
    int code;
    if (silt_cli_parse(&o, &code, refresh_spec, &set, argc, argv, 1, NULL,
                       "silt pipeline refresh FILE --table T [--full] [--lake DIR] "
                       "[--var NAME=VALUE]...",
                       "Brings table T and the tables that read it up to date with their "
                       "sources and stops (bronze is not read from Kafka). A materialized view "
                       "is recomputed. With --full, T and its readers are rebuilt from scratch: "
                       "their rows and quarantines are dropped and every upstream row is read "
                       "again, so rows quarantined under an expectation since changed come back "
                       "through."))
        return code;
    if (o.n_args != 1 || !set.table) {
        fprintf(stderr, "silt pipeline refresh: give one pipeline file and --table T\n");
        return SILT_EXIT_USAGE;
    }
    silt_pipeline_run_opts ro;
    set_opts(&ro, &set);
    ro.until_caught_up = true;
    ro.no_bronze = true;
    ro.refresh_full = set.full;
    return go("pipeline refresh", o.args[0], &set, &ro);
}
