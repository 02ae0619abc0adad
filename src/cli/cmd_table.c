/* `silt table describe|history|scan|optimize|vacuum|checkpoint|delete LOCATION`: inspect a
 * Delta table (at a version or a timestamp), list its commit history, print its rows, compact
 * its small files, find or delete files VACUUM would remove, write a checkpoint, delete rows.
 * Every read goes through the Parquet file ops, so checkpoints are used. Here: dispatch,
 * opening a table, describe and history; scan is in table_scan.c, vacuum, optimize and
 * checkpoint in table_maint.c, delete in table_delete.c. */
#include "batch/render.h"
#include "cli/cli.h"
#include "cli/table.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch/canon.h"
#include "delta/checkpoint.h"
#include "delta/log.h"
#include "delta/maint.h"
#include "delta/optimize.h"
#include "delta/pqio.h"
#include "delta/props.h"
#include "delta/scan.h"
#include "delta/schema.h"
#include "delta/skip.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/datefmt.h"
#include "util/time.h"

/* Opens the store for a location given on the command line (the store resolves relative
 * paths against the current directory). */
int silt_cli_table_parse(silt_opts *o, int *out_exit, const silt_opt_spec *spec,
                         silt_cli_table_settings *set, int argc, char **argv, const char *name,
                         const char *usage, const char *help)
{
    if (silt_cli_parse(o, out_exit, spec, set, argc, argv, 1, NULL, usage, help)) return 1;
    if (o->n_args == 1) return 0;
    silt_error err;
    silt_error_set(&err, SILT_EINVAL, "give exactly one table LOCATION");
    *out_exit = silt_cli_fail(name, &err);
    return 1;
}

/* Epoch milliseconds, or an ISO 8601 date and time ("YYYY-MM-DD[ T]HH:MM:SS[.fff]", UTC unless
 * it carries an offset). */
static int parse_when(int64_t *out, const char *s, silt_error *err)
{
    char *end;
    long long ms = strtoll(s, &end, 10);
    if (*s && !*end) {
        *out = ms;
        return 0;
    }
    silt_datefmt iso;
    int64_t secs;
    int32_t nanos;
    const char *why = NULL;
    if (silt_datefmt_compile(&iso, NULL, err) == 0 &&
        silt_datefmt_parse(&secs, &nanos, NULL, &iso, s, strlen(s), &why) == 0) {
        *out = secs * 1000 + nanos / 1000000;
        return 0;
    }
    return silt_error_set(err, SILT_EINVAL,
                          "--timestamp '%s'%s%s: give epoch milliseconds or "
                          "'YYYY-MM-DD HH:MM:SS[.fff]' (UTC)",
                          s, why ? ": " : "", why ? why : "");
}

static const silt_opt_spec describe_spec[] = {
    {"version", 0, SILT_OPT_INT, "N", NULL, "0..", "read the table as of version N",
     TS_(I64, version), TS_GIVEN(has_version)},
    {"timestamp", 0, SILT_OPT_STRING, "T", NULL, NULL,
     "read the latest version committed at or before T (epoch ms or 'YYYY-MM-DD HH:MM:SS', UTC)",
     TS_(STR, timestamp)},
    {"files", 0, SILT_OPT_FLAG, NULL, NULL, NULL,
     "list the live files: path, size, numRecords, partition values (JSON)", TS_(BOOL, files)},
    {"where", 0, SILT_OPT_STRING, "PRED", NULL, NULL,
     "with --files: only files that may hold rows with COLUMN =|<|<=|>|>= VALUE or COLUMN IS "
     "NULL (partition pruning and file statistics)",
     TS_(STR, where)},
    {0},
};

int silt_cli_table_load(silt_delta_snapshot **out, silt_store **store, const char *loc,
                        const silt_cli_table_settings *set, silt_error *err)
{
    int rc = silt_store_open(store, loc, err);
    if (rc) return rc;
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    ro.file_ops = silt_delta_parquet_ops();
    ro.version = set->has_version ? set->version : -1;
    if (set->timestamp && (rc = parse_when(&ro.timestamp_ms, set->timestamp, err))) return rc;
    return silt_delta_snapshot_load(out, *store, &ro, err);
}

static void print_json_string(const char *s)
{
    silt_buf b = SILT_BUF_INIT;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            silt_buf_printf(&b, "\\%c", *p);
        else if (*p < 0x20)
            silt_buf_printf(&b, "\\u%04x", *p);
        else
            silt_buf_putc(&b, *p);
    }
    printf("\"%.*s\"", (int)b.len, b.ptr ? (char *)b.ptr : "");
    silt_buf_free(&b);
}

static void print_type(const silt_field *f)
{
    switch (f->type) {
    case SILT_TYPE_DECIMAL: printf("decimal(%d,%d)", (int)f->precision, (int)f->scale); break;
    case SILT_TYPE_TIMESTAMP: printf(f->tz_utc ? "timestamp" : "timestamp_ntz"); break;
    case SILT_TYPE_LIST:
        printf("array<");
        print_type(&f->children[0]);
        printf(">");
        break;
    case SILT_TYPE_MAP:
        printf("map<");
        print_type(&f->children[0].children[0]);
        printf(",");
        print_type(&f->children[0].children[1]);
        printf(">");
        break;
    case SILT_TYPE_STRUCT:
        printf("struct<");
        for (size_t i = 0; i < f->n_children; i++) {
            printf("%s%s:", i ? "," : "", f->children[i].name);
            print_type(&f->children[i]);
        }
        printf(">");
        break;
    default: printf("%s", silt_type_name(f->type));
    }
}

/* A live file's partition values as a JSON object, keys in byte order (deterministic). */
static void print_partition_values(const silt_delta_map *pv)
{
    const silt_delta_kv *kv = pv->items;
    size_t np = pv->n;
    printf("{");
    for (size_t done = 0, last = (size_t)-1; done < np; done++) {
        size_t best = (size_t)-1;
        for (size_t j = 0; j < np; j++) {
            if (last != (size_t)-1 && strcmp(kv[j].key, kv[last].key) <= 0) continue;
            if (best == (size_t)-1 || strcmp(kv[j].key, kv[best].key) < 0) best = j;
        }
        if (done) printf(",");
        print_json_string(kv[best].key);
        printf(":");
        if (kv[best].value)
            print_json_string(kv[best].value);
        else
            printf("null");
        last = best;
    }
    printf("}");
}

/* --files [--where PRED]: path, size, numRecords and partition values of each live file. */
static int print_files(const silt_delta_snapshot *snap, const char *where, silt_error *err)
{
    size_t *sel = NULL, n_sel = snap->n_files;
    if (where) {
        silt_delta_pred pred;
        int rc = silt_delta_pred_parse(&pred, where, err);
        if (!rc) rc = silt_delta_select_files(&sel, &n_sel, snap, &pred, err);
        if (rc) return rc;
    }
    for (size_t si = 0; si < n_sel; si++) {
        const silt_delta_add *f = &snap->files[sel ? sel[si] : si];
        int64_t n = -1;
        silt_delta_stats_num_records(&n, f->stats, NULL);
        printf("%s\t%" PRId64 "\t", f->path, f->size);
        if (n >= 0)
            printf("%" PRId64, n);
        else
            printf("null");
        printf("\t");
        print_partition_values(&f->partition_values);
        if (silt_delta_add_has_dv(f)) printf("\tdeleted %" PRId64, f->dv.cardinality);
        printf("\n");
    }
    silt_free(sel);
    return 0;
}

static void print_schema_and_properties(const silt_delta_snapshot *snap)
{
    printf("schema:\n");
    for (size_t i = 0; i < snap->schema->n_fields; i++) {
        const silt_field *f = &snap->schema->fields[i];
        printf("  %-24s ", f->name);
        print_type(f);
        printf("%s\n", f->nullable ? "" : " not null");
    }
    printf("partitioned by:");
    for (size_t i = 0; i < snap->metadata.n_partition_columns; i++)
        printf(" %s", snap->metadata.partition_columns[i]);
    printf("%s\n", snap->metadata.n_partition_columns ? "" : " (none)");
    const silt_delta_map *conf = &snap->metadata.configuration;
    for (size_t i = 0; i < conf->n; i++)
        printf("property:      %s = %s\n", conf->items[i].key,
               conf->items[i].value ? conf->items[i].value : "null");
}

/* Files, bytes and rows (from statistics), txns, and how the snapshot was (and would be)
 * loaded. */
static void print_contents(const silt_delta_snapshot *snap, silt_store *store)
{
    int64_t rows = 0, bytes = 0, dv_files = 0, dv_rows = 0;
    bool rows_known = true;
    for (size_t i = 0; i < snap->n_files; i++) {
        int64_t n;
        bytes += snap->files[i].size;
        if (silt_delta_add_has_dv(&snap->files[i])) {
            dv_files++;
            dv_rows += snap->files[i].dv.cardinality;
        }
        if (silt_delta_stats_num_records(&n, snap->files[i].stats, NULL) == 0)
            rows += n;
        else
            rows_known = false;
    }
    printf("files:         %zu (%" PRId64 " bytes)\n", snap->n_files, bytes);
    if (rows_known)
        printf("rows:          %" PRId64 " (from file statistics)\n", rows);
    else
        printf("rows:          unknown (files without statistics)\n");
    if (dv_files)
        printf("deleted rows:  %" PRId64 " in %" PRId64 " file%s with deletion vectors "
               "(rows above count them; %" PRId64 " live)\n",
               dv_rows, dv_files, dv_files == 1 ? "" : "s", rows_known ? rows - dv_rows : -1);
    for (size_t i = 0; i < snap->n_txns; i++)
        printf("txn:           %s = %" PRId64 "\n", snap->txns[i].app_id, snap->txns[i].version);
    if (snap->checkpoint_version >= 0)
        printf("loaded from:   checkpoint %" PRId64 " + %zu JSON commits\n",
               snap->checkpoint_version, snap->n_commits_read);
    else
        printf("loaded from:   %zu JSON commits\n", snap->n_commits_read);
    /* what a reader with checkpoint support would do for this version */
    silt_delta_segment seg;
    silt_error err;
    if (silt_delta_segment_plan(&seg, store, snap->version, true, &err) == 0) {
        if (seg.checkpoint_version > snap->checkpoint_version)
            printf("checkpoint:    %" PRId64 " is unreadable: the table was read without it "
                   "(silt table checkpoint writes a good one)\n",
                   seg.checkpoint_version);
        else if (seg.checkpoint_version >= 0)
            printf("checkpoint:    %" PRId64 " (%zu part%s%s): a checkpoint reader replays it + "
                   "%zu JSON commits\n",
                   seg.checkpoint_version, seg.n_checkpoint_parts,
                   seg.n_checkpoint_parts == 1 ? "" : "s",
                   seg.used_last_checkpoint ? ", named by _last_checkpoint" : "", seg.n_commits);
        silt_delta_segment_clear(&seg);
    }
}

static void print_description(const silt_delta_snapshot *snap, silt_store *store)
{
    char when[40] = "unknown";
    if (snap->timestamp_ms >= 0) silt_time_format_iso(when, sizeof when, snap->timestamp_ms * 1000);
    printf("location:      %s\n", store->url);
    printf("version:       %" PRId64 " (committed %s)\n", snap->version, when);
    printf("protocol:      reader %d, writer %d\n", (int)snap->protocol.min_reader_version,
           (int)snap->protocol.min_writer_version);
    printf("id:            %s\n", snap->metadata.id ? snap->metadata.id : "");
    if (snap->metadata.name) printf("name:          %s\n", snap->metadata.name);
    if (snap->metadata.description) printf("description:   %s\n", snap->metadata.description);
    print_schema_and_properties(snap);
    print_contents(snap, store);
}

static int run_describe(int argc, char **argv)
{
    silt_opts o;
    silt_cli_table_settings set = {0};
    int code;
    if (silt_cli_table_parse(
            &o, &code, describe_spec, &set, argc, argv, "table describe",
            "silt table describe LOCATION [--version N | --timestamp T] [--files]",
            "Show a Delta table's version, protocol, schema, partitioning, properties, "
            "live files and application transaction versions."))
        return code;
    silt_error err;
    silt_error_clear(&err);
    silt_store *store = NULL;
    silt_delta_snapshot *snap = NULL;
    int rc = silt_cli_table_load(&snap, &store, o.args[0], &set, &err);
    if (!rc && set.files)
        rc = print_files(snap, set.where, &err);
    else if (!rc)
        print_description(snap, store);
    silt_delta_snapshot_destroy(snap);
    silt_store_destroy(store);
    return rc ? silt_cli_fail("table describe", &err) : 0;
}

static const silt_opt_spec history_spec[] = {
    {"limit", 'n', SILT_OPT_INT, "N", "0", "0..", "show only the newest N commits (0: all)",
     TS_(I64, limit)},
    {0},
};

static int run_history(int argc, char **argv)
{
    silt_opts o;
    silt_cli_table_settings set = {0};
    int code;
    if (silt_cli_table_parse(
            &o, &code, history_spec, &set, argc, argv, "table history",
            "silt table history LOCATION [--limit N]",
            "List a Delta table's commits, newest first: version, time, operation and "
            "the commitInfo JSON."))
        return code;
    silt_error err;
    silt_error_clear(&err);
    silt_store *store = NULL;
    silt_delta_history h = {0};
    int rc = silt_store_open(&store, o.args[0], &err);
    if (!rc) rc = silt_delta_history_read(&h, store, (size_t)set.limit, &err);
    if (rc) {
        silt_store_destroy(store);
        return silt_cli_fail("table history", &err);
    }
    for (size_t i = 0; i < h.n; i++) {
        char when[40];
        silt_time_format_iso(when, sizeof when, h.entries[i].timestamp_ms * 1000);
        printf("%" PRId64 "\t%s\t%s\t%s\n", h.entries[i].version, when,
               h.entries[i].operation ? h.entries[i].operation : "-",
               h.entries[i].commit_info ? h.entries[i].commit_info : "{}");
    }
    silt_delta_history_clear(&h);
    silt_store_destroy(store);
    return 0;
}

static const silt_command subs[] = {
    {"describe", "show a table's version, schema, files and txn versions", run_describe},
    {"history", "list the table's commits from their commitInfo", run_history},
    {"scan", "print the table's rows (projection, --where filtering, time travel)",
     silt_cli_table_scan},
    {"optimize", "compact small files into larger ones (OPTIMIZE)", silt_cli_table_optimize},
    {"vacuum", "delete (or with --dry-run list) files no version references",
     silt_cli_table_vacuum},
    {"checkpoint", "write a Parquet checkpoint of the latest (or a given) version",
     silt_cli_table_checkpoint},
    {"delete", "mark the rows matching --where deleted, with deletion vectors",
     silt_cli_table_delete},
};

static int run(int argc, char **argv)
{
    return silt_cli_dispatch_sub("table", subs, sizeof subs / sizeof subs[0], argc, argv);
}

const silt_command silt_cmd_table = {"table", "inspect and maintain Delta tables", run};
