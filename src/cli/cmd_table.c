/* `silt table describe|history|vacuum LOCATION`: inspect a Delta table (at a version or a
 * timestamp), list its commit history, and find or delete files VACUUM would remove. */
#include "cli/cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "delta/log.h"
#include "delta/maint.h"
#include "delta/schema.h"
#include "delta/skip.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/time.h"

/* Opens the store for a location given on the command line (relative paths are made absolute). */
static int open_location(silt_store **out, const char *loc, silt_error *err)
{
    if (loc[0] == '/' || strstr(loc, "://")) return silt_store_open(out, loc, err);
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd))
        return silt_error_set(err, SILT_EIO, "cannot get the current directory");
    silt_buf b = SILT_BUF_INIT;
    silt_buf_printf(&b, "%s/%s", cwd, loc);
    if (silt_buf_cstr(&b)) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    int rc = silt_store_open(out, (char *)b.ptr, err);
    silt_buf_free(&b);
    return rc;
}

/* Epoch milliseconds, or "YYYY-MM-DD[ T]HH:MM:SS[.fff][Z]" in UTC. */
static int parse_when(int64_t *out, const char *s, silt_error *err)
{
    char *end;
    long long ms = strtoll(s, &end, 10);
    if (*s && !*end) {
        *out = ms;
        return 0;
    }
    int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
    if (sscanf(s, "%d-%d-%d%n", &y, &mo, &d, &n) == 3) {
        const char *p = s + n;
        int k = 0;
        if ((*p == ' ' || *p == 'T') && sscanf(p + 1, "%d:%d:%d%n", &h, &mi, &sec, &k) == 3)
            p += 1 + k;
        int64_t frac = 0, scale = 1000;
        if (*p == '.')
            for (p++; *p >= '0' && *p <= '9'; p++)
                if (scale > 1) frac += (*p - '0') * (scale /= 10);
        if (*p == 'Z') p++;
        if (!*p && mo >= 1 && mo <= 12 && d >= 1 && d <= 31) {
            int64_t days = silt_time_days_from_civil(y, (unsigned)mo, (unsigned)d);
            *out = ((days * 24 + h) * 60 + mi) * 60000LL + sec * 1000LL + frac;
            return 0;
        }
    }
    return silt_error_set(err, SILT_EINVAL,
                          "--timestamp '%s': give epoch milliseconds or "
                          "'YYYY-MM-DD HH:MM:SS[.fff]' (UTC)",
                          s);
}

static const silt_opt_spec describe_spec[] = {
    {"version", 0, SILT_OPT_INT, "N", NULL, "0..", "read the table as of version N"},
    {"timestamp", 0, SILT_OPT_STRING, "T", NULL, NULL,
     "read the latest version committed at or before T (epoch ms or 'YYYY-MM-DD HH:MM:SS', UTC)"},
    {"files", 0, SILT_OPT_FLAG, NULL, NULL, NULL,
     "list the live files: path, size, numRecords, partition values (JSON)"},
    {"where", 0, SILT_OPT_STRING, "PRED", NULL, NULL,
     "with --files: only files that may hold rows with COLUMN =|<|<=|>|>= VALUE or COLUMN IS "
     "NULL (partition pruning and file statistics)"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL},
};

static int load_snapshot(silt_delta_snapshot **out, silt_store **store, const silt_opts *o,
                         silt_error *err)
{
    int rc = open_location(store, o->args[0], err);
    if (rc) return rc;
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    if (silt_opts_given(o, "version")) ro.version = silt_opts_int(o, "version");
    if (silt_opts_given(o, "timestamp") &&
        (rc = parse_when(&ro.timestamp_ms, silt_opts_str(o, "timestamp"), err)))
        return rc;
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

static int run_describe(int argc, char **argv)
{
    silt_opts o;
    int code;
    if (silt_cli_parse(&o, &code, describe_spec, argc, argv, 1, NULL,
                       "silt table describe LOCATION [--version N | --timestamp T] [--files]",
                       "Show a Delta table's version, protocol, schema, partitioning, properties, "
                       "live files and application transaction versions."))
        return code;
    silt_error err;
    silt_error_clear(&err);
    if (o.n_args != 1) {
        silt_error_set(&err, SILT_EINVAL, "give exactly one table LOCATION");
        return silt_cli_fail("table describe", &err);
    }
    silt_store *store = NULL;
    silt_delta_snapshot *snap = NULL;
    int rc = load_snapshot(&snap, &store, &o, &err);
    if (rc) {
        silt_store_destroy(store);
        return silt_cli_fail("table describe", &err);
    }
    if (silt_opts_flag(&o, "files")) {
        size_t *sel = NULL, n_sel = snap->n_files;
        if (silt_opts_given(&o, "where")) {
            silt_delta_pred pred;
            rc = silt_delta_pred_parse(&pred, silt_opts_str(&o, "where"), &err);
            if (!rc) rc = silt_delta_select_files(&sel, &n_sel, snap, &pred, &err);
            if (rc) {
                silt_delta_snapshot_destroy(snap);
                silt_store_destroy(store);
                return silt_cli_fail("table describe", &err);
            }
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
            printf("\t{");
            /* keys in byte order, so the listing is deterministic */
            const silt_delta_kv *kv = f->partition_values.items;
            size_t np = f->partition_values.n;
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
            printf("}\n");
        }
        silt_free(sel);
        goto done;
    }
    char when[40] = "unknown";
    if (snap->timestamp_ms >= 0) silt_time_format_iso(when, sizeof when, snap->timestamp_ms * 1000);
    int64_t rows = 0, bytes = 0;
    bool rows_known = true;
    for (size_t i = 0; i < snap->n_files; i++) {
        int64_t n;
        bytes += snap->files[i].size;
        if (silt_delta_stats_num_records(&n, snap->files[i].stats, NULL) == 0)
            rows += n;
        else
            rows_known = false;
    }
    printf("location:      %s\n", store->url);
    printf("version:       %" PRId64 " (committed %s)\n", snap->version, when);
    printf("protocol:      reader %d, writer %d\n", (int)snap->protocol.min_reader_version,
           (int)snap->protocol.min_writer_version);
    printf("id:            %s\n", snap->metadata.id ? snap->metadata.id : "");
    if (snap->metadata.name) printf("name:          %s\n", snap->metadata.name);
    if (snap->metadata.description) printf("description:   %s\n", snap->metadata.description);
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
    for (size_t i = 0; i < snap->metadata.configuration.n; i++)
        printf("property:      %s = %s\n", snap->metadata.configuration.items[i].key,
               snap->metadata.configuration.items[i].value
                   ? snap->metadata.configuration.items[i].value
                   : "null");
    printf("files:         %zu (%" PRId64 " bytes)\n", snap->n_files, bytes);
    if (rows_known)
        printf("rows:          %" PRId64 " (from file statistics)\n", rows);
    else
        printf("rows:          unknown (files without statistics)\n");
    for (size_t i = 0; i < snap->n_txns; i++)
        printf("txn:           %s = %" PRId64 "\n", snap->txns[i].app_id, snap->txns[i].version);
    if (snap->checkpoint_version >= 0)
        printf("loaded from:   checkpoint %" PRId64 " + %zu JSON commits\n",
               snap->checkpoint_version, snap->n_commits_read);
    else
        printf("loaded from:   %zu JSON commits\n", snap->n_commits_read);
    /* what a reader with checkpoint support would do for this version */
    silt_delta_segment seg;
    if (silt_delta_segment_plan(&seg, store, snap->version, true, &err) == 0) {
        if (seg.checkpoint_version >= 0)
            printf("checkpoint:    %" PRId64 " (%zu part%s%s): a checkpoint reader replays it + "
                   "%zu JSON commits\n",
                   seg.checkpoint_version, seg.n_checkpoint_parts,
                   seg.n_checkpoint_parts == 1 ? "" : "s",
                   seg.used_last_checkpoint ? ", named by _last_checkpoint" : "", seg.n_commits);
        silt_delta_segment_clear(&seg);
    }
done:
    silt_delta_snapshot_destroy(snap);
    silt_store_destroy(store);
    return 0;
}

static const silt_opt_spec history_spec[] = {
    {"limit", 'n', SILT_OPT_INT, "N", "0", "0..", "show only the newest N commits (0: all)"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL},
};

static int run_history(int argc, char **argv)
{
    silt_opts o;
    int code;
    if (silt_cli_parse(&o, &code, history_spec, argc, argv, 1, NULL,
                       "silt table history LOCATION [--limit N]",
                       "List a Delta table's commits, newest first: version, time, operation and "
                       "the commitInfo JSON."))
        return code;
    silt_error err;
    silt_error_clear(&err);
    if (o.n_args != 1) {
        silt_error_set(&err, SILT_EINVAL, "give exactly one table LOCATION");
        return silt_cli_fail("table history", &err);
    }
    silt_store *store = NULL;
    silt_delta_history h = {0};
    int rc = open_location(&store, o.args[0], &err);
    if (!rc) rc = silt_delta_history_read(&h, store, (size_t)silt_opts_int(&o, "limit"), &err);
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

static const silt_opt_spec vacuum_spec[] = {
    {"dry-run", 0, SILT_OPT_FLAG, NULL, NULL, NULL, "list the files that would be deleted"},
    {"retention", 0, SILT_OPT_DURATION, "DURATION", NULL, NULL,
     "keep files removed less than this long ago (default: the table's "
     "delta.deletedFileRetentionDuration, else 7d)"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL},
};

static int run_vacuum(int argc, char **argv)
{
    silt_opts o;
    int code;
    if (silt_cli_parse(&o, &code, vacuum_spec, argc, argv, 1, NULL,
                       "silt table vacuum LOCATION [--dry-run] [--retention DURATION]",
                       "Delete the data files that no version of the table within the retention "
                       "period references (files removed by older commits, files of failed "
                       "writes)."))
        return code;
    silt_error err;
    silt_error_clear(&err);
    if (o.n_args != 1) {
        silt_error_set(&err, SILT_EINVAL, "give exactly one table LOCATION");
        return silt_cli_fail("table vacuum", &err);
    }
    silt_store *store = NULL;
    silt_delta_snapshot *snap = NULL;
    silt_delta_vacuum_result r = {0};
    int rc = open_location(&store, o.args[0], &err);
    if (!rc) rc = silt_delta_snapshot_load(&snap, store, NULL, &err);
    int64_t retention =
        silt_opts_given(&o, "retention") ? silt_opts_duration_us(&o, "retention") / 1000 : -1;
    bool dry = silt_opts_flag(&o, "dry-run");
    if (!rc) rc = silt_delta_vacuum(&r, store, snap, retention, silt_time_wall_ms(), dry, &err);
    if (!rc) {
        for (size_t i = 0; i < r.n; i++) printf("%s\n", r.paths[i]);
        fprintf(stderr, "%s %zu files (%llu bytes)\n", dry ? "would delete" : "deleted",
                dry ? r.n : r.n_deleted, (unsigned long long)r.bytes);
    }
    silt_delta_vacuum_result_clear(&r);
    silt_delta_snapshot_destroy(snap);
    silt_store_destroy(store);
    return rc ? silt_cli_fail("table vacuum", &err) : 0;
}

static const silt_command subs[] = {
    {"describe", "show a table's version, schema, files and txn versions", run_describe},
    {"history", "list the table's commits from their commitInfo", run_history},
    {"vacuum", "delete (or with --dry-run list) files no version references", run_vacuum},
};

static int run(int argc, char **argv)
{
    return silt_cli_dispatch_sub("table", subs, sizeof subs / sizeof subs[0], argc, argv);
}

const silt_command silt_cmd_table = {"table", "inspect and maintain Delta tables", run};
