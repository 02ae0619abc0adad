/* `silt pipeline status FILE`: each table's version, the positions it has consumed of its
 * upstreams (its txns), its lag in upstream versions, and its last event in the event log. */
#include <stdio.h>
#include <string.h>

#include "cli/pipeline.h"
#include "delta/log.h"
#include "sql/sql.h"
#include "store/store.h"

typedef struct status_settings {
    silt_pipeline_common common;
} status_settings;

static const silt_opt_spec status_spec[] = {
    SILT_PIPELINE_COMMON_OPTS(status_settings),
    {0},
};

static silt_delta_snapshot *load(const char *loc)
{
    silt_error err;
    silt_store *s = NULL;
    silt_delta_snapshot *snap = NULL;
    silt_delta_read_opts o = silt_delta_read_opts_default();
    if (silt_store_open(&s, loc, &err) == 0) silt_delta_snapshot_load(&snap, s, &o, &err);
    silt_store_destroy(s);
    return snap;
}

static const char *base(const char *loc)
{
    const char *b = strrchr(loc, '/');
    return b ? b + 1 : loc;
}

/* The last event-log row of table, as "batch N, ... at TIME", into out. */
static void last_event(char *out, size_t n, const char *lake, const char *table)
{
    char sql[2048];
    snprintf(sql, sizeof sql,
             "SELECT concat('to upstream version ', to_version, ': ', rows_read, ' read, ', "
             "rows_written, ' written, ', rows_dropped, ' dropped, ', rows_quarantined, "
             "' quarantined, ', duration_ms, ' ms, at ', CAST(time AS STRING), "
             "coalesce(concat(', error: ', error), '')) FROM delta.`%s/_event_log` "
             "WHERE table_name = '%s' ORDER BY time DESC LIMIT 1",
             lake, table);
    silt_error err;
    silt_sql_plan *p = NULL;
    silt_batch *b = NULL;
    snprintf(out, n, "-");
    if (silt_sql_prepare(&p, sql, NULL, 0, &err) == 0 && silt_sql_run(p, NULL, &b, &err) == 0 &&
        b->n_rows) {
        silt_buf t = SILT_BUF_INIT;
        silt_sql_format_value(&t, &b->schema->fields[0], &b->cols[0], 0);
        snprintf(out, n, "%.*s", (int)t.len, t.ptr ? (const char *)t.ptr : "");
        silt_buf_free(&t);
    }
    silt_batch_destroy(b);
    silt_sql_plan_destroy(p);
}

static void print_positions(const silt_pipeline_def *d, const silt_pipeline_table *t,
                            const silt_delta_snapshot *snap)
{
    char prefix[600];
    snprintf(prefix, sizeof prefix, "silt:%s:", base(t->location));
    long long files = 0, batch = -1; /* read_files: the files done (a txn each), the batch */
    for (size_t i = 0; i < snap->n_txns; i++) {
        const char *id = snap->txns[i].app_id;
        if (strncmp(id, prefix, strlen(prefix))) continue;
        const char *up = id + strlen(prefix);
        if (t->n_sources && t->sources[0].kind == SILT_PIPELINE_SRC_FILES &&
            !strncmp(up, t->sources[0].input_name, strlen(t->sources[0].input_name))) {
            if (strchr(up, ':'))
                files++;
            else
                batch = (long long)snap->txns[i].version;
            continue;
        }
        long long lag = -1;
        for (size_t k = 0; k < d->n_tables && !t->is_bronze; k++) {
            if (strcmp(base(d->tables[k].location), up)) continue;
            silt_delta_snapshot *us = load(d->tables[k].location);
            if (us) lag = (long long)(us->version - snap->txns[i].version);
            silt_delta_snapshot_destroy(us);
        }
        if (t->is_bronze)
            printf("  position     %s: next offset %lld\n", up, (long long)snap->txns[i].version);
        else
            printf("  position     %s: version %lld (lag %lld versions)\n", up,
                   (long long)snap->txns[i].version, lag);
    }
    if (batch >= 0)
        printf("  position     read_files: batch %lld, %lld files done\n", batch, files);
}

int silt_pipeline_cmd_status(int argc, char **argv)
{
    silt_opts o;
    status_settings set = {0};
    int code;
    if (silt_cli_parse(&o, &code, status_spec, &set, argc, argv, 1, NULL,
                       "silt pipeline status FILE [--lake DIR] [--var NAME=VALUE]...",
                       "Prints each table of a pipeline: its version, the upstream positions it "
                       "has consumed (Kafka offsets for bronze, upstream versions for the rest) "
                       "with its lag, and its last row in the event log."))
        return code;
    silt_error err;
    silt_error_clear(&err);
    silt_pipeline_def *d = NULL;
    if (o.n_args != 1) {
        fprintf(stderr, "silt pipeline status: give one pipeline file\n");
        return SILT_EXIT_USAGE;
    }
    if (silt_pipeline_cli_load(&d, o.args[0], &set.common, &err)) {
        fprintf(stderr, "silt pipeline status: %s\n", err.msg);
        return SILT_EXIT_USAGE;
    }
    printf("pipeline %s, lake %s\n", d->file, d->lake);
    for (size_t k = 0; k < d->n_tables; k++) {
        const silt_pipeline_table *t = &d->tables[d->order[k]];
        silt_delta_snapshot *snap = load(t->location);
        printf("\n%s (%s)\n", t->name, t->location);
        if (!snap) {
            printf("  not created yet\n");
            continue;
        }
        printf("  version      %lld, %zu files\n", (long long)snap->version, snap->n_files);
        print_positions(d, t, snap);
        char ev[1024];
        last_event(ev, sizeof ev, d->lake, t->name);
        printf("  last event   %s\n", ev);
        silt_delta_snapshot_destroy(snap);
    }
    silt_pipeline_def_destroy(d);
    return SILT_EXIT_OK;
}
