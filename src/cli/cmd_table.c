/* `silt table describe|history|scan|optimize|vacuum|checkpoint LOCATION`: inspect a Delta table
 * (at a version or a timestamp), list its commit history, print its rows, compact its small
 * files, find or delete files VACUUM would remove, and write a checkpoint. Every read goes
 * through the Parquet file ops, so checkpoints are used. */
#include "batch/render.h"
#include "cli/cli.h"

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
#include "delta/scan.h"
#include "delta/schema.h"
#include "delta/skip.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/time.h"

/* Opens the store for a location given on the command line (the store resolves relative
 * paths against the current directory). */
static int open_location(silt_store **out, const char *loc, silt_error *err)
{
    return silt_store_open(out, loc, err);
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
    ro.file_ops = silt_delta_parquet_ops();
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
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    ro.file_ops = silt_delta_parquet_ops();
    if (!rc) rc = silt_delta_snapshot_load(&snap, store, &ro, &err);
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

/* ---- scan ---- */

static const silt_opt_spec scan_spec[] = {
    {"version", 0, SILT_OPT_INT, "N", NULL, "0..", "read the table as of version N"},
    {"timestamp", 0, SILT_OPT_STRING, "T", NULL, NULL,
     "read the latest version committed at or before T (epoch ms or 'YYYY-MM-DD HH:MM:SS', UTC)"},
    {"format", 'f', SILT_OPT_CHOICE, "FMT", "table", "jsonl|csv|table|canonical",
     "output: JSON lines, CSV with a header, an aligned table, or the canonical test form"},
    {"columns", 'c', SILT_OPT_STRING, "A,B,...", NULL, NULL,
     "print only these columns, in this order (default: all)"},
    {"where", 'w', SILT_OPT_STRING, "PRED", NULL, NULL,
     "only rows with COLUMN =|<|<=|>|>= VALUE or COLUMN IS NULL (files that cannot match are "
     "skipped using partition values and statistics)"},
    {"limit", 'n', SILT_OPT_INT, "N", NULL, "0..", "stop after N rows"},
    {"stats", 0, SILT_OPT_FLAG, NULL, NULL, NULL,
     "print to stderr how the snapshot was loaded and how many files and rows were read"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL},
};

typedef enum { FMT_JSONL, FMT_CSV, FMT_TABLE, FMT_CANONICAL } scan_format;

typedef struct scan_out {
    scan_format fmt;
    silt_buf line;
    /* --format table: every cell, row-major, kept until the end to size the columns */
    size_t n_cols;
    size_t n_cells, cap_cells;
    char **cells;
} scan_out;

static int keep_cell(scan_out *so, silt_buf *cell, silt_error *err)
{
    if (so->n_cells == so->cap_cells) {
        size_t cap = so->cap_cells ? so->cap_cells * 2 : 256;
        char **c = silt_realloc(so->cells, cap * sizeof *c);
        if (!c) return silt_error_set(err, SILT_ENOMEM, "out of memory");
        so->cells = c;
        so->cap_cells = cap;
    }
    if (silt_buf_cstr(cell)) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    so->cells[so->n_cells++] = (char *)silt_buf_detach(cell, NULL);
    return 0;
}

static int scan_emit(void *arg, const silt_batch *b, silt_error *err)
{
    scan_out *so = arg;
    for (int64_t i = 0; i < b->n_rows; i++) {
        silt_buf *l = &so->line;
        silt_buf_reset(l);
        switch (so->fmt) {
        case FMT_CANONICAL: silt_canon_row(l, b, i); break;
        case FMT_JSONL:
            silt_buf_putc(l, '{');
            for (size_t k = 0; k < b->n_cols; k++) {
                const silt_field *f = &b->schema->fields[k];
                if (k) silt_buf_putc(l, ',');
                silt_canon_json_string(l, (const uint8_t *)f->name, strlen(f->name));
                silt_buf_putc(l, ':');
                silt_render_json_value(l, f, &b->cols[k], i);
            }
            silt_buf_putc(l, '}');
            break;
        case FMT_CSV:
            for (size_t k = 0; k < b->n_cols; k++) {
                if (k) silt_buf_putc(l, ',');
                silt_render_csv_value(l, &b->schema->fields[k], &b->cols[k], i);
            }
            break;
        case FMT_TABLE:
            for (size_t k = 0; k < b->n_cols; k++) {
                silt_buf cell = SILT_BUF_INIT;
                const silt_field *f = &b->schema->fields[k];
                if (f->type == SILT_TYPE_STRING && silt_column_is_valid(&b->cols[k], i)) {
                    size_t n;
                    const uint8_t *p = silt_column_bytes(&b->cols[k], i, &n);
                    silt_buf_append(&cell, p, n);
                } else {
                    silt_canon_value(&cell, f, &b->cols[k], i);
                }
                int rc = keep_cell(so, &cell, err);
                silt_buf_free(&cell);
                if (rc) return rc;
            }
            continue;
        }
        silt_buf_putc(l, '\n');
        if (silt_buf_oom(l)) return silt_error_set(err, SILT_ENOMEM, "out of memory");
        if (fwrite(l->ptr, 1, l->len, stdout) != l->len)
            return silt_error_set(err, SILT_EIO, "cannot write to standard output");
    }
    return 0;
}

/* Size in display columns of a UTF-8 string (code points). */
static size_t display_width(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static void print_table(const scan_out *so, const silt_schema *schema)
{
    size_t nc = schema->n_fields;
    if (nc == 0) return;
    size_t *w = silt_calloc(nc, sizeof *w);
    if (!w) return;
    for (size_t k = 0; k < nc; k++) w[k] = display_width(schema->fields[k].name);
    for (size_t i = 0; i < so->n_cells; i++) {
        size_t dw = display_width(so->cells[i]);
        if (dw > w[i % nc]) w[i % nc] = dw;
    }
    for (size_t k = 0; k < nc; k++)
        printf("%s%s%*s", k ? " | " : "", schema->fields[k].name,
               (int)(w[k] - display_width(schema->fields[k].name)), "");
    printf("\n");
    for (size_t k = 0; k < nc; k++) {
        printf("%s", k ? "-+-" : "");
        for (size_t j = 0; j < w[k]; j++) putchar('-');
    }
    printf("\n");
    for (size_t i = 0; i < so->n_cells; i++) {
        size_t k = i % nc;
        printf("%s%s%*s", k ? " | " : "", so->cells[i], (int)(w[k] - display_width(so->cells[i])),
               "");
        if (k == nc - 1) printf("\n");
    }
    silt_free(w);
}

/* Splits "a,b,c" into names (pointers into buf, which is modified). Returns their number. */
static size_t split_columns(char **names, size_t max, char *buf)
{
    size_t n = 0;
    for (char *tok = strtok(buf, ","); tok && n < max; tok = strtok(NULL, ",")) {
        while (*tok == ' ') tok++;
        char *e = tok + strlen(tok);
        while (e > tok && e[-1] == ' ') *--e = 0;
        if (*tok) names[n++] = tok;
    }
    return n;
}

static int run_scan(int argc, char **argv)
{
    silt_opts o;
    int code;
    if (silt_cli_parse(
            &o, &code, scan_spec, argc, argv, 1, NULL,
            "silt table scan LOCATION [--version N | --timestamp T] [--format jsonl|csv|table|"
            "canonical] [--columns A,B] [--where PRED] [--limit N]",
            "Print the rows of a Delta table (partition columns included), reading only the "
            "files that can hold rows matching --where."))
        return code;
    silt_error err;
    silt_error_clear(&err);
    if (o.n_args != 1) {
        silt_error_set(&err, SILT_EINVAL, "give exactly one table LOCATION");
        return silt_cli_fail("table scan", &err);
    }
    silt_store *store = NULL;
    silt_delta_snapshot *snap = NULL;
    silt_schema *schema = NULL;
    scan_out so;
    memset(&so, 0, sizeof so);
    char colbuf[4096];
    char *names[256];
    silt_delta_pred pred;
    silt_delta_scan_opts sopts = silt_delta_scan_opts_default();
    silt_delta_scan_stats st;
    memset(&st, 0, sizeof st);
    sopts.file_ops = silt_delta_parquet_ops();
    const char *fmt = silt_opts_str(&o, "format");
    so.fmt = strcmp(fmt, "jsonl") == 0       ? FMT_JSONL
             : strcmp(fmt, "csv") == 0       ? FMT_CSV
             : strcmp(fmt, "canonical") == 0 ? FMT_CANONICAL
                                             : FMT_TABLE;
    int rc = 0;
    if (silt_opts_given(&o, "columns")) {
        snprintf(colbuf, sizeof colbuf, "%s", silt_opts_str(&o, "columns"));
        sopts.n_columns = split_columns(names, 256, colbuf);
        sopts.columns = (const char *const *)names;
        if (sopts.n_columns == 0)
            rc = silt_error_set(&err, SILT_EINVAL, "--columns: give column names like 'a,b'");
    }
    if (!rc && silt_opts_given(&o, "where")) {
        rc = silt_delta_pred_parse(&pred, silt_opts_str(&o, "where"), &err);
        if (rc) silt_error_prefix(&err, "--where");
        sopts.pred = &pred;
    }
    if (silt_opts_given(&o, "limit")) sopts.limit = silt_opts_int(&o, "limit");
    if (!rc) rc = load_snapshot(&snap, &store, &o, &err);
    if (!rc) rc = silt_delta_scan_schema(&schema, snap, sopts.columns, sopts.n_columns, &err);
    if (!rc && so.fmt == FMT_CSV) {
        for (size_t k = 0; k < schema->n_fields; k++) {
            bool q = strpbrk((char *)schema->fields[k].name, ",\"\n") != NULL;
            printf("%s%s%s%s", k ? "," : "", q ? "\"" : "", schema->fields[k].name, q ? "\"" : "");
        }
        printf("\n");
    }
    if (!rc) rc = silt_delta_scan(&st, snap, store, &sopts, scan_emit, &so, &err);
    if (!rc && so.fmt == FMT_TABLE) print_table(&so, schema);
    if (snap && silt_opts_flag(&o, "stats")) {
        if (snap->checkpoint_version >= 0)
            fprintf(stderr,
                    "snapshot: version %" PRId64 " from checkpoint %" PRId64
                    " + %zu JSON commits\n",
                    snap->version, snap->checkpoint_version, snap->n_commits_read);
        else
            fprintf(stderr, "snapshot: version %" PRId64 " from %zu JSON commits\n", snap->version,
                    snap->n_commits_read);
        fprintf(stderr,
                "scan: %zu of %zu files read, %" PRId64 " rows read, %" PRId64 " rows returned\n",
                st.files_read, st.files_total, st.rows_read, st.rows_emitted);
    }
    for (size_t i = 0; i < so.n_cells; i++) silt_free(so.cells[i]);
    silt_free(so.cells);
    silt_buf_free(&so.line);
    silt_schema_destroy(schema);
    silt_delta_snapshot_destroy(snap);
    silt_store_destroy(store);
    if (fflush(stdout) != 0 && !rc)
        rc = silt_error_set(&err, SILT_EIO, "cannot write to standard output");
    return rc ? silt_cli_fail("table scan", &err) : 0;
}

/* ---- optimize ---- */

static const silt_opt_spec optimize_spec[] = {
    {"target-size", 0, SILT_OPT_SIZE, "BYTES", "128M", NULL,
     "pack small files into files of about this size (files this big are left alone)"},
    {"auto", 0, SILT_OPT_FLAG, NULL, NULL, NULL,
     "auto-compaction rule: only partitions holding at least --min-files files smaller than "
     "half the target"},
    {"min-files", 0, SILT_OPT_INT, "N", NULL, "2..",
     "with --auto: small files a partition needs (default: table property "
     "silt.autoCompact.minFiles, else 10)"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL},
};

static int run_optimize(int argc, char **argv)
{
    silt_opts o;
    int code;
    if (silt_cli_parse(
            &o, &code, optimize_spec, argc, argv, 1, NULL,
            "silt table optimize LOCATION [--target-size BYTES] [--auto [--min-files N]]",
            "Compact a Delta table's small files: within each partition, files smaller "
            "than the target are packed into bins and each bin is rewritten as one "
            "file, committed as an OPTIMIZE (dataChange false) version."))
        return code;
    silt_error err;
    silt_error_clear(&err);
    if (o.n_args != 1) {
        silt_error_set(&err, SILT_EINVAL, "give exactly one table LOCATION");
        return silt_cli_fail("table optimize", &err);
    }
    silt_store *store = NULL;
    silt_delta_optimize_result r;
    silt_delta_optimize_opts oo;
    memset(&oo, 0, sizeof oo);
    oo.file_ops = silt_delta_parquet_ops();
    bool autoc = silt_opts_flag(&o, "auto");
    if (!autoc || silt_opts_given(&o, "target-size"))
        oo.target_size = silt_opts_size(&o, "target-size");
    if (silt_opts_given(&o, "min-files")) oo.min_files = silt_opts_int(&o, "min-files");
    int rc = open_location(&store, o.args[0], &err);
    if (!rc)
        rc = autoc ? silt_delta_auto_compact(&r, store, NULL, &oo, &err)
                   : silt_delta_optimize(&r, store, NULL, &oo, &err);
    if (!rc) {
        if (r.version < 0)
            printf("nothing to compact\n");
        else
            printf("version %" PRId64 ": %zu files (%" PRId64 " bytes) compacted into %zu (%" PRId64
                   " bytes) in %zu partition%s, %" PRId64 " rows\n",
                   r.version, r.files_removed, r.bytes_removed, r.files_added, r.bytes_added,
                   r.partitions, r.partitions == 1 ? "" : "s", r.rows);
    }
    silt_store_destroy(store);
    return rc ? silt_cli_fail("table optimize", &err) : 0;
}

/* ---- checkpoint ---- */

static const silt_opt_spec checkpoint_spec[] = {
    {"version", 0, SILT_OPT_INT, "N", NULL, "0..", "checkpoint version N (default: the latest)"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL},
};

static int run_checkpoint(int argc, char **argv)
{
    silt_opts o;
    int code;
    if (silt_cli_parse(&o, &code, checkpoint_spec, argc, argv, 1, NULL,
                       "silt table checkpoint LOCATION [--version N]",
                       "Write a classic Parquet checkpoint of the table (and _last_checkpoint), so "
                       "readers need not replay the JSON commits before it."))
        return code;
    silt_error err;
    silt_error_clear(&err);
    if (o.n_args != 1) {
        silt_error_set(&err, SILT_EINVAL, "give exactly one table LOCATION");
        return silt_cli_fail("table checkpoint", &err);
    }
    silt_store *store = NULL;
    silt_delta_snapshot *snap = NULL;
    int rc = load_snapshot(&snap, &store, &o, &err);
    if (!rc)
        rc = silt_delta_checkpoint_write(store, snap, silt_delta_parquet_ops(), silt_time_wall_ms(),
                                         &err);
    if (!rc) {
        char key[80];
        silt_delta_checkpoint_key(key, sizeof key, snap->version);
        printf("%s\n", key);
    }
    silt_delta_snapshot_destroy(snap);
    silt_store_destroy(store);
    return rc ? silt_cli_fail("table checkpoint", &err) : 0;
}

static const silt_command subs[] = {
    {"describe", "show a table's version, schema, files and txn versions", run_describe},
    {"history", "list the table's commits from their commitInfo", run_history},
    {"scan", "print the table's rows (projection, --where filtering, time travel)", run_scan},
    {"optimize", "compact small files into larger ones (OPTIMIZE)", run_optimize},
    {"vacuum", "delete (or with --dry-run list) files no version references", run_vacuum},
    {"checkpoint", "write a Parquet checkpoint of the latest (or a given) version", run_checkpoint},
};

static int run(int argc, char **argv)
{
    silt_error err; /* --storage-option NAME=VALUE (any subcommand): Azure settings */
    if (silt_store_options_from_argv(&argc, argv, &err))
        return fprintf(stderr, "silt table: %s\n", err.msg), SILT_EXIT_USAGE;
    return silt_cli_dispatch_sub("table", subs, sizeof subs / sizeof subs[0], argc, argv);
}

const silt_command silt_cmd_table = {"table", "inspect and maintain Delta tables", run};
