/* `silt sql [--format table|jsonl|csv|canonical] "QUERY"`, `silt sql -f FILE.sql`, or `silt sql`
 * reading statements from standard input (with a prompt on a terminal): runs SQL over Delta
 * tables, Parquet, JSON and CSV files and prints the rows. Exit 2 for a bad query, 1 for a
 * failure while running it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>

#include "batch/canon.h"
#include "batch/render.h"
#include "cli/cli.h"
#include "sql/sql.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/heap.h"

/* The output formats, by --format's choice value. */
static const char *const format_names[] = {"table", "jsonl", "csv", "canonical"};
static const silt_opt_choice formats[] = {
    {"table", 0}, {"jsonl", 1}, {"csv", 2}, {"canonical", 3}, {NULL, 0},
};

typedef struct sql_settings {
    int format; /* index into format_names */
    const char *file;
    bool stats;
} sql_settings;

static const silt_opt_spec spec[] = {
    {"format", 0, SILT_OPT_CHOICE, "FMT", "table", NULL,
     "output: an aligned table, JSON lines, CSV with a header, or the test oracle's canonical "
     "form (TAB-separated, no header)",
     SILT_OPT_TO_INT(sql_settings, format), SILT_OPT_CHOICES(formats)},
    {"file", 'f', SILT_OPT_STRING, "FILE", NULL, NULL, "read the statements from FILE",
     SILT_OPT_TO_STR(sql_settings, file)},
    {"stats", 0, SILT_OPT_FLAG, NULL, NULL, NULL,
     "print the plan with rows, files read and memory per operator to stderr after each "
     "statement",
     SILT_OPT_TO_BOOL(sql_settings, stats)},
    {0},
};

typedef struct run_ctx {
    const char *text;
    const char *format;
    bool stats;
    int exit;
} run_ctx;

static void print_table(silt_buf *out, const silt_batch *b)
{
    const silt_schema *s = b->schema;
    size_t nc = s->n_fields, *w = silt_calloc(nc + 1, sizeof *w);
    silt_buf cell = SILT_BUF_INIT;
    if (!w) return;
    for (size_t k = 0; k < nc; k++) w[k] = strlen(s->fields[k].name);
    for (int64_t i = 0; i < b->n_rows; i++)
        for (size_t k = 0; k < nc; k++) {
            silt_buf_reset(&cell);
            silt_sql_format_value(&cell, &s->fields[k], &b->cols[k], i);
            if (cell.len > w[k]) w[k] = cell.len;
        }
    for (size_t k = 0; k < nc; k++)
        silt_buf_printf(out, "%s%-*s", k ? " | " : "", (int)w[k], s->fields[k].name);
    silt_buf_putc(out, '\n');
    for (size_t k = 0; k < nc; k++) {
        if (k) silt_buf_puts(out, "-+-");
        for (size_t j = 0; j < w[k]; j++) silt_buf_putc(out, '-');
    }
    silt_buf_putc(out, '\n');
    for (int64_t i = 0; i < b->n_rows; i++) {
        for (size_t k = 0; k < nc; k++) {
            silt_buf_reset(&cell);
            silt_sql_format_value(&cell, &s->fields[k], &b->cols[k], i);
            silt_buf_printf(out, "%s%.*s%*s", k ? " | " : "", (int)cell.len,
                            cell.ptr ? (char *)cell.ptr : "", (int)(w[k] - cell.len), "");
        }
        silt_buf_putc(out, '\n');
    }
    silt_buf_printf(out, "(%lld row%s)\n", (long long)b->n_rows, b->n_rows == 1 ? "" : "s");
    silt_buf_free(&cell);
    silt_free(w);
}

static void print_rows(silt_buf *out, const silt_batch *b, const char *fmt)
{
    const silt_schema *s = b->schema;
    bool csv = !strcmp(fmt, "csv"), canon = !strcmp(fmt, "canonical");
    if (!strcmp(fmt, "table")) {
        print_table(out, b);
        return;
    }
    for (size_t k = 0; csv && k < s->n_fields; k++) {
        if (k) silt_buf_putc(out, ',');
        silt_render_csv_text(out, (const uint8_t *)s->fields[k].name, strlen(s->fields[k].name));
    }
    if (csv) silt_buf_putc(out, '\n');
    for (int64_t i = 0; i < b->n_rows; i++) {
        if (canon) {
            silt_canon_row(out, b, i);
        } else {
            if (!csv) silt_buf_putc(out, '{');
            for (size_t k = 0; k < s->n_fields; k++) {
                if (k) silt_buf_putc(out, ',');
                if (csv) {
                    silt_render_csv_value(out, &s->fields[k], &b->cols[k], i);
                    continue;
                }
                silt_canon_json_string(out, (const uint8_t *)s->fields[k].name,
                                       strlen(s->fields[k].name));
                silt_buf_putc(out, ':');
                silt_render_json_value(out, &s->fields[k], &b->cols[k], i);
            }
            if (!csv) silt_buf_putc(out, '}');
        }
        silt_buf_putc(out, '\n');
    }
}

static int run_one(void *arg, size_t off, size_t len)
{
    run_ctx *r = arg;
    char *stmt = silt_strndup(r->text + off, len);
    silt_error err;
    silt_error_clear(&err);
    silt_sql_plan *p = NULL;
    silt_batch *b = NULL;
    if (!stmt) {
        fprintf(stderr, "silt sql: out of memory\n");
        return r->exit = SILT_EXIT_RUNTIME;
    }
    int rc = silt_sql_prepare(&p, stmt, NULL, 0, &err);
    if (rc) {
        fprintf(stderr, "silt sql: %s\n", err.msg);
        /* a bad query, or a table that cannot be opened: exit 2; out of memory: 1 */
        r->exit = rc == SILT_ENOMEM ? SILT_EXIT_RUNTIME : SILT_EXIT_USAGE;
    } else if ((rc = silt_sql_run(p, NULL, &b, &err))) {
        char msg[1024];
        fprintf(stderr, "silt sql: %s\n", silt_error_format(&err, msg, sizeof msg));
        r->exit = SILT_EXIT_RUNTIME;
    } else {
        silt_buf out = SILT_BUF_INIT;
        print_rows(&out, b, r->format);
        fwrite(out.ptr ? out.ptr : (uint8_t *)"", 1, out.len, stdout);
        silt_buf_free(&out);
        if (r->stats) {
            silt_buf st = SILT_BUF_INIT;
            silt_sql_explain(p, &st, true);
            fprintf(stderr, "%.*s", (int)st.len, st.ptr ? (char *)st.ptr : "");
            silt_buf_free(&st);
        }
    }
    silt_batch_destroy(b);
    silt_sql_plan_destroy(p);
    silt_free(stmt);
    return rc ? r->exit : 0;
}

static int read_all(silt_buf *out, FILE *f)
{
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f))) silt_buf_append(out, buf, n);
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;
}

/* A terminal: a prompt, and each statement run when a line ends with ';'. */
static int interactive(run_ctx *r)
{
    char line[65536];
    silt_buf text = SILT_BUF_INIT;
    fprintf(stderr, "silt sql: statements end with ';', Ctrl-D quits\nsilt sql> ");
    while (fgets(line, sizeof line, stdin)) {
        silt_buf_puts(&text, line);
        size_t k = strlen(line);
        while (k && (line[k - 1] == '\n' || line[k - 1] == ' ' || line[k - 1] == '\r')) k--;
        if (k && line[k - 1] == ';') {
            silt_buf_cstr(&text);
            r->text = (const char *)text.ptr;
            silt_sql_split(r->text, run_one, r);
            fflush(stdout);
            silt_buf_reset(&text);
        }
        fprintf(stderr, text.len ? "      -> " : "silt sql> ");
    }
    silt_buf_cstr(&text);
    r->text = text.ptr ? (const char *)text.ptr : "";
    silt_sql_split(r->text, run_one, r);
    silt_buf_free(&text);
    return r->exit;
}

static int run(int argc, char **argv)
{
    silt_heap_prepare((size_t)16 << 20); /* a query's first-touch page faults, in 2 MiB pages */
    silt_opts o;
    sql_settings set = {0};
    int code;
    if (silt_cli_parse(&o, &code, spec, &set, argc, argv, 1, NULL,
                       "silt sql [--format table|jsonl|csv|canonical] [-f FILE] [QUERY]",
                       "Runs SQL (Spark's dialect) over delta.`path`, parquet.`file-or-glob`, "
                       "json.`file` and csv.`file` tables. Without QUERY or -f, statements are "
                       "read from standard input. Several statements are separated by ';'. "
                       "SILT_READ_THREADS=0..2 fixes how many threads decode a local Parquet "
                       "file's row groups ahead (default: the cores the load average leaves "
                       "idle). See docs/SQL.md."))
        return code;
    silt_buf text = SILT_BUF_INIT;
    silt_error err;
    silt_error_clear(&err);
    if (o.n_args > 1) {
        silt_error_set(&err, SILT_EINVAL, "give the query as one argument (quote it)");
        return silt_cli_fail("sql", &err);
    }
    const char *file = set.file;
    if (o.n_args == 1) {
        silt_buf_puts(&text, o.args[0]);
    } else if (!file && isatty(fileno(stdin))) {
        run_ctx r = {"", format_names[set.format], set.stats, 0};
        return interactive(&r);
    } else {
        FILE *f = file ? fopen(file, "rb") : stdin;
        if (!f) {
            silt_error_set_errno(&err, SILT_EIO, errno, "cannot open %s", file);
            return silt_cli_fail("sql", &err);
        }
        read_all(&text, f);
        if (file) fclose(f);
    }
    silt_buf_cstr(&text);
    run_ctx r = {text.ptr ? (const char *)text.ptr : "", format_names[set.format], set.stats, 0};
    silt_sql_split(r.text, run_one, &r);
    fflush(stdout);
    silt_buf_free(&text);
    return r.exit;
}

const silt_command silt_cmd_sql = {"sql", "run SQL queries over Delta tables and files", run};
