/* Test tool: writes Delta tables without Parquet, for the concurrency, crash and interop tests.
 *   tool_delta_writer create LOCATION             table (id long, day date, name string) by day
 *   tool_delta_writer append LOCATION TAG N ROWS [APP]
 *       N commits, each: a made-up data file day=<d>/TAG-<i>.parquet (put through the store),
 *       then a blind-append commit of its add (numRecords ROWS) and, with APP, txn APP = i+1
 *   tool_delta_writer overwrite LOCATION DAY TAG ROWS   replace partition day=DAY by one file
 * Prints one line per commit: "<version>" on stdout. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta/commit.h"
#include "delta/log.h"
#include "delta/schema.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/time.h"

static int die(const silt_error *err)
{
    fprintf(stderr, "tool_delta_writer: %s\n", err->msg);
    return 1;
}

static const char *days[] = {"2024-01-01", "2024-01-02", "2024-01-03"};

/* Writes the data file for `name` in partition day and fills *a. */
static int make_file(silt_delta_add *a, silt_store *s, const char *day, const char *name,
                     int64_t rows, silt_error *err)
{
    memset(a, 0, sizeof *a);
    char path[512], stats[128];
    snprintf(path, sizeof path, "day=%s/%s.parquet", day, name);
    snprintf(stats, sizeof stats,
             "{\"numRecords\":%" PRId64 ",\"minValues\":{\"id\":0},\"maxValues\":{\"id\":%" PRId64
             "},\"nullCount\":{\"id\":0,\"name\":0}}",
             rows, rows - 1);
    char body[64];
    int n = snprintf(body, sizeof body, "PAR1 fake data file %" PRId64 " rows", rows);
    int rc = silt_store_put(s, path, body, (size_t)n, err);
    if (rc) return rc;
    a->path = silt_strdup(path);
    a->stats = silt_strdup(stats);
    a->size = n;
    a->modification_time = silt_time_wall_ms();
    a->data_change = true;
    if (!a->path || !a->stats || silt_delta_map_set(&a->partition_values, "day", day))
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    return 0;
}

int main(int argc, char **argv)
{
    silt_error err;
    silt_error_clear(&err);
    if (argc < 3) {
        fprintf(stderr, "usage: tool_delta_writer create|append|overwrite LOCATION ...\n");
        return 2;
    }
    silt_store *s = NULL;
    if (silt_store_open(&s, argv[2], &err)) return die(&err);
    int rc = 0;
    if (strcmp(argv[1], "create") == 0) {
        silt_schema *schema = NULL;
        rc = silt_delta_schema_parse(
            &schema,
            "{\"type\":\"struct\",\"fields\":["
            "{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
            "{\"name\":\"day\",\"type\":\"date\",\"nullable\":true,\"metadata\":{}},"
            "{\"name\":\"name\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}}]}",
            &err);
        const char *parts[] = {"day"};
        silt_delta_table_def def = {schema, parts, 1, "events", "written by tool_delta_writer",
                                    NULL};
        int64_t v = -1;
        if (!rc) rc = silt_delta_create_table(&v, s, &def, NULL, &err);
        if (!rc) printf("%" PRId64 "\n", v);
        silt_schema_destroy(schema);
    } else if (strcmp(argv[1], "append") == 0 && argc >= 6) {
        const char *tag = argv[3];
        int n = atoi(argv[4]);
        int64_t rows = atoll(argv[5]);
        const char *app = argc > 6 ? argv[6] : NULL;
        int64_t read_version = -1;
        silt_delta_snapshot *snap = NULL;
        rc = silt_delta_snapshot_load(&snap, s, NULL, &err);
        if (!rc) read_version = snap->version;
        silt_delta_snapshot_destroy(snap);
        for (int i = 0; !rc && i < n; i++) {
            char name[256];
            snprintf(name, sizeof name, "%s-%05d", tag, i);
            silt_delta_actions acts = {0};
            silt_delta_action *a = silt_delta_actions_push(&acts, SILT_DELTA_ADD);
            if (!a) rc = silt_error_set(&err, SILT_ENOMEM, "out of memory");
            if (!rc) rc = make_file(&a->u.add, s, days[i % 3], name, rows, &err);
            if (!rc && app) {
                silt_delta_action *t = silt_delta_actions_push(&acts, SILT_DELTA_TXN);
                if (!t || !(t->u.txn.app_id = silt_strdup(app)))
                    rc = silt_error_set(&err, SILT_ENOMEM, "out of memory");
                else {
                    t->u.txn.version = i + 1;
                    t->u.txn.last_updated = silt_time_wall_ms();
                }
            }
            silt_delta_map params = {0};
            silt_delta_map_set(&params, "mode", "Append");
            silt_delta_commit_opts o = {"WRITE", &params, 0, NULL, 0};
            int64_t v = -1;
            /* a streaming writer commits against the version it last saw */
            if (!rc) rc = silt_delta_commit(&v, s, read_version, &acts, &o, &err);
            if (!rc) {
                printf("%" PRId64 "\n", v);
                fflush(stdout);
                read_version = v;
            }
            silt_delta_map_clear(&params);
            silt_delta_actions_clear(&acts);
        }
    } else if (strcmp(argv[1], "overwrite") == 0 && argc >= 6) {
        silt_delta_add a;
        silt_delta_map part = {0};
        int64_t v = -1;
        rc = make_file(&a, s, argv[3], argv[4], atoll(argv[5]), &err);
        if (!rc && silt_delta_map_set(&part, "day", argv[3]))
            rc = silt_error_set(&err, SILT_ENOMEM, "out of memory");
        if (!rc) rc = silt_delta_overwrite(&v, s, NULL, &part, &a, 1, NULL, 0, NULL, &err);
        if (!rc) printf("%" PRId64 "\n", v);
        silt_delta_add_clear(&a);
        silt_delta_map_clear(&part);
    } else {
        fprintf(stderr, "tool_delta_writer: unknown or incomplete command '%s'\n", argv[1]);
        rc = SILT_EINVAL;
    }
    silt_store_destroy(s);
    return rc ? die(&err) : 0;
}
