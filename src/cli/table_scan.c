/* `silt table scan`: print a table's rows (projection, --where, time travel) as JSON lines,
 * CSV, an aligned table or the canonical test form. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/table.h"
#include "batch/canon.h"
#include "batch/render.h"
#include "delta/pqio.h"
#include "delta/scan.h"
#include "delta/skip.h"
#include "util/alloc.h"
#include "util/buf.h"

typedef enum { FMT_JSONL, FMT_CSV, FMT_TABLE, FMT_CANONICAL } scan_format;

static const silt_opt_choice scan_formats[] = {
    {"jsonl", FMT_JSONL},         {"csv", FMT_CSV}, {"table", FMT_TABLE},
    {"canonical", FMT_CANONICAL}, {NULL, 0},
};

static const silt_opt_spec scan_spec[] = {
    {"version", 0, SILT_OPT_INT, "N", NULL, "0..", "read the table as of version N",
     TS_(I64, version), TS_GIVEN(has_version)},
    {"timestamp", 0, SILT_OPT_STRING, "T", NULL, NULL,
     "read the latest version committed at or before T (epoch ms or 'YYYY-MM-DD HH:MM:SS', UTC)",
     TS_(STR, timestamp)},
    {"format", 'f', SILT_OPT_CHOICE, "FMT", "table", NULL,
     "output: JSON lines, CSV with a header, an aligned table, or the canonical test form",
     TS_(INT, format), SILT_OPT_CHOICES(scan_formats)},
    {"columns", 'c', SILT_OPT_STRING, "A,B,...", NULL, NULL,
     "print only these columns, in this order (default: all)", TS_(STR, columns)},
    {"where", 'w', SILT_OPT_STRING, "PRED", NULL, NULL,
     "only rows with COLUMN =|<|<=|>|>= VALUE or COLUMN IS NULL (files that cannot match are "
     "skipped using partition values and statistics)",
     TS_(STR, where)},
    {"limit", 'n', SILT_OPT_INT, "N", NULL, "0..", "stop after N rows", TS_(I64, limit),
     TS_GIVEN(has_limit)},
    {"stats", 0, SILT_OPT_FLAG, NULL, NULL, NULL,
     "print to stderr how the snapshot was loaded and how many files and rows were read",
     TS_(BOOL, stats)},
    {0},
};

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

/* --columns, --where and --limit into *so (names and pred hold what it points to; colbuf, of
 * size n, keeps the column names). */
static int scan_opts_from_cli(silt_delta_scan_opts *so, silt_delta_pred *pred, char **names,
                              char *colbuf, size_t n, const silt_cli_table_settings *set,
                              silt_error *err)
{
    so->file_ops = silt_delta_parquet_ops();
    if (set->columns) {
        snprintf(colbuf, n, "%s", set->columns);
        so->n_columns = split_columns(names, 256, colbuf);
        so->columns = (const char *const *)names;
        if (so->n_columns == 0)
            return silt_error_set(err, SILT_EINVAL, "--columns: give column names like 'a,b'");
    }
    if (set->where) {
        int rc = silt_delta_pred_parse(pred, set->where, err);
        if (rc) {
            silt_error_prefix(err, "--where");
            return rc;
        }
        so->pred = pred;
    }
    if (set->has_limit) so->limit = set->limit;
    return 0;
}

static void print_csv_header(const silt_schema *schema)
{
    for (size_t k = 0; k < schema->n_fields; k++) {
        bool q = strpbrk((char *)schema->fields[k].name, ",\"\n") != NULL;
        printf("%s%s%s%s", k ? "," : "", q ? "\"" : "", schema->fields[k].name, q ? "\"" : "");
    }
    printf("\n");
}

/* --stats: how the snapshot was loaded and what the scan read, to stderr. */
static void print_scan_stats(const silt_delta_snapshot *snap, const silt_delta_scan_stats *st)
{
    if (snap->checkpoint_version >= 0)
        fprintf(stderr,
                "snapshot: version %" PRId64 " from checkpoint %" PRId64 " + %zu JSON commits\n",
                snap->version, snap->checkpoint_version, snap->n_commits_read);
    else
        fprintf(stderr, "snapshot: version %" PRId64 " from %zu JSON commits\n", snap->version,
                snap->n_commits_read);
    fprintf(stderr,
            "scan: %zu of %zu files read, %" PRId64 " rows read, %" PRId64 " rows returned\n",
            st->files_read, st->files_total, st->rows_read, st->rows_emitted);
}

int silt_cli_table_scan(int argc, char **argv)
{
    silt_opts o;
    silt_cli_table_settings set = {0};
    int code;
    if (silt_cli_table_parse(
            &o, &code, scan_spec, &set, argc, argv, "table scan",
            "silt table scan LOCATION [--version N | --timestamp T] [--format jsonl|csv|table|"
            "canonical] [--columns A,B] [--where PRED] [--limit N]",
            "Print the rows of a Delta table (partition columns included), reading only the "
            "files that can hold rows matching --where."))
        return code;
    silt_error err;
    silt_error_clear(&err);
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
    so.fmt = (scan_format)set.format;
    int rc = scan_opts_from_cli(&sopts, &pred, names, colbuf, sizeof colbuf, &set, &err);
    if (!rc) rc = silt_cli_table_load(&snap, &store, o.args[0], &set, &err);
    if (!rc) rc = silt_delta_scan_schema(&schema, snap, sopts.columns, sopts.n_columns, &err);
    if (!rc && so.fmt == FMT_CSV) print_csv_header(schema);
    if (!rc) rc = silt_delta_scan(&st, snap, store, &sopts, scan_emit, &so, &err);
    if (!rc && so.fmt == FMT_TABLE) print_table(&so, schema);
    if (snap && set.stats) print_scan_stats(snap, &st);
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
