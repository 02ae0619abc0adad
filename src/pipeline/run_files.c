/* STREAM read_files(...) in the runtime, like Databricks' Auto Loader: each pass lists the
 * folder (any store location), takes the files not done yet whose size and modification time
 * did not change for a settle time (a quarter of --trigger), decodes them (JSON lines, CSV,
 * Parquet) into the source's schema, runs the query and the expectations, and writes
 * quarantine -> event log -> table, each commit with the batch number (txn
 * silt:<table>:read_files) and one txn per file of the batch (silt:<table>:read_files:<name>).
 * The table's per-file txns are the set of files done; after a crash, a quarantine or event log
 * ahead of the table names the files of the interrupted batch, which is read again and written
 * only where it is missing: every file's rows land once. A line or record that does not decode
 * goes to the quarantine with the decoder's reason, a file that cannot be read as one row. */
#include <stdlib.h>
#include <string.h>

#include "delta/pqio.h"
#include "feed/csv.h"
#include "json/decode.h"
#include "json/write.h"
#include "parquet/reader.h"
#include "pipeline/bind.h"
#include "pipeline/files_src.h"
#include "pipeline/run_int.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/time.h"

typedef struct seen_file {
    char *key;
    uint64_t size;
    int64_t mtime_ms;
    uint64_t since_ns; /* first listing that saw it with this size and mtime */
} seen_file;

struct run_files {
    silt_pipeline_files f;
    silt_store *store;
    silt_json_decoder *jd; /* JSON and CSV records into t->in_schema */
    seen_file *seen;       /* files not done at the last listing, sorted by key */
    size_t n_seen;
};

/* The rows of one batch and where each came from. */
typedef struct files_in {
    silt_batch *rows; /* t->in_schema */
    int32_t *file;    /* per row: index into keys */
    int64_t *line;    /* per row: line, record or row number in its file (1-based) */
    int64_t cap;
    silt_batch *quar; /* t->q_schema */
    char **keys;      /* the batch's files (owned) */
    size_t n_keys;
    int64_t b; /* the batch number */
    int64_t n_bad;
} files_in;

enum { Q_FILE, Q_LINE, Q_RAW, Q_EXPECT, Q_REASON, Q_BATCH };

static silt_schema *files_quarantine_schema(const silt_schema *in)
{
    static const char *const names[] = {"_file", "_line", "_raw"};
    static const silt_type_id types[] = {SILT_TYPE_STRING, SILT_TYPE_INT64, SILT_TYPE_BINARY};
    silt_schema *up = silt_schema_create(in->n_fields + 3), *q = NULL;
    bool ok = up != NULL;
    for (size_t i = 0; ok && i < in->n_fields; i++)
        ok = !silt_field_copy(&up->fields[i], &in->fields[i]);
    for (size_t k = 0; ok && k < 3; k++)
        ok = !silt_field_init(&up->fields[in->n_fields + k], names[k], types[k], true);
    if (ok) q = run_quarantine_schema(up);
    silt_schema_destroy(up);
    return q;
}

int run_files_bind(run_table *t, const silt_pipeline_source *s, silt_error *err)
{
    struct run_files *rf = silt_calloc(1, sizeof *rf);
    if (!rf) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    t->files = rf;
    t->in_name = s->input_name;
    int rc = silt_pipeline_files_init(&rf->f, s, err);
    if (!rc) rc = silt_pipeline_source_schema(&t->in_schema, s, NULL, err);
    if (!rc) rc = silt_store_open(&rf->store, rf->f.dir, err);
    silt_json_decode_opts o = {0};
    o.coerce_strings = rf->f.format == SILT_PIPELINE_FILES_CSV;
    if (!rc) rc = silt_json_decoder_create(&rf->jd, t->in_schema, &o, err);
    if (!rc && !(t->q_schema = files_quarantine_schema(t->in_schema)))
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
    if (rc) silt_error_prefix(err, "table %s (line %d)", t->def->name, t->def->line);
    t->has_quarantine = true;
    return rc;
}

int run_files_mode(run_table *t, bool linear, silt_error *err)
{
    const silt_pipeline_table *d = t->def;
    if (d->kind != SILT_PIPELINE_STREAMING_TABLE || d->has_watermark || !linear)
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "table %s (line %d): a table over STREAM read_files(...) must be a "
                              "streaming table whose query is a chain of projections and filters "
                              "(no aggregate, join, DISTINCT, ORDER BY, LIMIT or WATERMARK); "
                              "aggregate in another table that reads STREAM(%s)",
                              d->name, d->line, d->name);
    t->mode = RUN_FILES;
    t->traced = true;
    return 0;
}

static void seen_clear(struct run_files *rf)
{
    for (size_t i = 0; i < rf->n_seen; i++) silt_free(rf->seen[i].key);
    silt_free(rf->seen);
    rf->seen = NULL;
    rf->n_seen = 0;
}

void run_files_free(run_table *t)
{
    struct run_files *rf = t->files;
    if (!rf) return;
    seen_clear(rf);
    silt_json_decoder_destroy(rf->jd);
    silt_store_destroy(rf->store);
    silt_pipeline_files_clear(&rf->f);
    silt_free(rf);
    t->files = NULL;
}

/* ---- which files ---- */

static bool file_done(const run_table *t, const char *key)
{
    char b[4200];
    snprintf(b, sizeof b, "%s:%s", t->in_name, key);
    return run_delta_txn(&t->d, t->d.name, b) >= 0;
}

static const seen_file *seen_find(const struct run_files *rf, const char *key)
{
    size_t lo = 0, hi = rf->n_seen;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(rf->seen[mid].key, key);
        if (!c) return &rf->seen[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int push_key(files_in *fi, const char *key)
{
    char **nk = silt_realloc(fi->keys, (fi->n_keys + 1) * sizeof *nk);
    if (!nk) return SILT_ENOMEM;
    fi->keys = nk;
    return (fi->keys[fi->n_keys] = silt_strdup(key)) ? (fi->n_keys++, 0) : SILT_ENOMEM;
}

/* Lists the folder: the files not done, remembered with their size and mtime; those unchanged
 * since at least settle_ns ago go to fi->keys (at most max files). *out_pending: files not done. */
static int list_new(files_in *fi, size_t *out_pending, const silt_pipeline_run *r, run_table *t,
                    silt_error *err)
{
    struct run_files *rf = t->files;
    silt_store_listing l = {0};
    int rc = silt_store_list(rf->store, &l, "", err);
    if (rc == SILT_ENOTFOUND) {
        silt_error_clear(err);
        rc = 0;
    }
    seen_file *ns = rc ? NULL : silt_calloc(l.n + 1, sizeof *ns);
    if (!rc && !ns) rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
    uint64_t now = silt_time_mono_ns(), settle = (uint64_t)r->opts.trigger_us * 250;
    if (settle < 50000000ull) settle = 50000000ull;
    size_t n = 0;
    for (size_t i = 0; !rc && i < l.n; i++) {
        const silt_store_entry *e = &l.entries[i];
        /* an empty file is one whose writer has not written yet: left for later */
        if (!e->size || !silt_pipeline_files_match(&rf->f, e->key) || file_done(t, e->key))
            continue;
        const seen_file *old = seen_find(rf, e->key);
        bool same = old && old->size == e->size && old->mtime_ms == e->mtime_ms;
        ns[n] = (seen_file){silt_strdup(e->key), e->size, e->mtime_ms, same ? old->since_ns : now};
        if (!ns[n++].key) rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        if (!rc && same && now - old->since_ns >= settle &&
            fi->n_keys < (size_t)r->opts.max_versions && push_key(fi, e->key))
            rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    seen_clear(rf);
    rf->seen = ns;
    rf->n_seen = n;
    *out_pending = n;
    silt_store_list_clear(&l);
    if (rc) silt_error_prefix(err, "read_files('%s')", rf->f.path);
    return rc;
}

/* The files of batch b from d's per-file txns (prefix silt:<a>:<in_name>:). */
static int keys_of_batch(files_in *fi, const run_delta *d, const char *a, const char *in_name,
                         int64_t b)
{
    char pre[1024];
    int np = snprintf(pre, sizeof pre, "silt:%s:%s:", a, in_name);
    for (size_t i = 0; d->snap && i < d->snap->n_txns; i++) {
        const silt_delta_txn *x = &d->snap->txns[i];
        if (x->version == b && !strncmp(x->app_id, pre, (size_t)np) && push_key(fi, x->app_id + np))
            return SILT_ENOMEM;
    }
    return 0;
}

/* ---- reading ---- */

static int grow(files_in *fi, int64_t n)
{
    if (n <= fi->cap) return 0;
    int64_t cap = n * 2 + 64;
    int32_t *f = silt_realloc(fi->file, (size_t)cap * sizeof *f);
    if (f) fi->file = f;
    int64_t *l = f ? silt_realloc(fi->line, (size_t)cap * sizeof *l) : NULL;
    if (l) fi->line = l;
    if (!f || !l) return SILT_ENOMEM;
    fi->cap = cap;
    return 0;
}

/* The row just appended to fi->rows came from line `line` of file k. */
static int note_row(files_in *fi, int32_t k, int64_t line)
{
    int64_t i = fi->rows->n_rows - 1;
    if (grow(fi, i + 1)) return SILT_ENOMEM;
    fi->file[i] = k;
    fi->line[i] = line;
    return 0;
}

static int put_text(silt_column *c, const char *s, size_t n)
{
    return s ? silt_column_append_bytes(c, s, n) : silt_column_append_null(c);
}

/* A quarantine row for what did not decode: the source's columns NULL, the file, line (< 1:
 * none), the text as written (raw may be NULL) and why. */
static int add_bad(files_in *fi, size_t k, int64_t line, const char *raw, size_t raw_len,
                   const char *why)
{
    silt_batch *q = fi->quar;
    size_t nu = q->n_cols - 6;
    int rc = 0;
    for (size_t c = 0; c < nu && !rc; c++) rc = silt_column_append_null(&q->cols[c]);
    if (!rc) rc = put_text(&q->cols[nu + Q_FILE], fi->keys[k], strlen(fi->keys[k]));
    if (!rc)
        rc = line > 0 ? silt_column_append_int(&q->cols[nu + Q_LINE], line)
                      : silt_column_append_null(&q->cols[nu + Q_LINE]);
    if (!rc) rc = put_text(&q->cols[nu + Q_RAW], raw, raw_len);
    if (!rc) rc = put_text(&q->cols[nu + Q_EXPECT], "[]", 2);
    if (!rc) rc = put_text(&q->cols[nu + Q_REASON], why, strlen(why));
    if (!rc) rc = silt_column_append_int(&q->cols[nu + Q_BATCH], fi->b);
    q->n_rows++;
    fi->n_bad++;
    return rc;
}

/* Decodes one JSON object into fi->rows, or sends it to the quarantine with the reason. */
static int decode_one(files_in *fi, struct run_files *rf, size_t k, int64_t line, const char *text,
                      size_t len, silt_error *err)
{
    silt_error e2;
    silt_error_clear(&e2);
    int rc = silt_json_decode_row(rf->jd, fi->rows, text, len, &e2);
    if (rc == SILT_ENOMEM) return silt_error_set(err, rc, "out of memory");
    if (!rc) return note_row(fi, (int32_t)k, line) ? silt_error_set(err, SILT_ENOMEM, "oom") : 0;
    char why[SILT_ERROR_MSG_MAX + 64];
    snprintf(why, sizeof why, "%s (line %lld, offset %lld)", e2.msg, (long long)line,
             (long long)e2.offset);
    if (add_bad(fi, k, line, text, len, why)) return silt_error_set(err, SILT_ENOMEM, "oom");
    return 0;
}

static int read_json(files_in *fi, struct run_files *rf, size_t k, const silt_buf *data,
                     silt_error *err)
{
    const char *p = (const char *)data->ptr, *end = p + data->len;
    int rc = 0;
    for (int64_t line = 1; !rc && p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        size_t sp = 0;
        while (sp < len && (p[sp] == ' ' || p[sp] == '\t' || p[sp] == '\r')) sp++;
        if (sp < len) rc = decode_one(fi, rf, k, line, p, len, err);
        p += len + 1;
    }
    return rc;
}

/* The current CSV record as a JSON object of its fields' text (NA values null). */
static int csv_record_json(silt_buf *o, const silt_csv_reader *cr)
{
    silt_buf_reset(o);
    silt_buf_putc(o, '{');
    for (size_t i = 0; i < silt_csv_reader_ncols(cr); i++) {
        const char *v, *name = silt_csv_reader_column(cr, i);
        size_t n;
        if (i) silt_buf_putc(o, ',');
        silt_json_write_string(o, name, strlen(name), 0);
        silt_buf_putc(o, ':');
        if (!silt_csv_reader_field(cr, i, &v, &n) || silt_csv_is_na(v, n))
            silt_buf_puts(o, "null");
        else
            silt_json_write_string(o, v, n, 0);
    }
    silt_buf_putc(o, '}');
    return silt_buf_oom(o) ? SILT_ENOMEM : 0;
}

static int read_csv(files_in *fi, struct run_files *rf, size_t k, const silt_buf *data,
                    silt_error *err)
{
    silt_csv_reader *cr = NULL;
    silt_error e2;
    silt_error_clear(&e2);
    int rc = silt_csv_reader_create(&cr, data->ptr, data->len, fi->keys[k], &e2);
    if (rc == SILT_ENOMEM) return silt_error_set(err, rc, "out of memory");
    if (rc) return add_bad(fi, k, 0, NULL, 0, e2.msg) ? silt_error_set(err, SILT_ENOMEM, "oom") : 0;
    silt_buf o = SILT_BUF_INIT;
    while ((rc = silt_csv_reader_next(cr, &e2)) == 1) {
        int64_t line = silt_csv_reader_line(cr);
        rc = csv_record_json(&o, cr) ? silt_error_set(err, SILT_ENOMEM, "out of memory")
                                     : decode_one(fi, rf, k, line, (const char *)o.ptr, o.len, err);
        if (rc) break;
    }
    if (rc == SILT_ENOMEM) silt_error_set(err, rc, "out of memory");
    if (rc < 0 && rc != SILT_ENOMEM) /* the rest of the file is not CSV: one row says why */
        rc = add_bad(fi, k, silt_csv_reader_line(cr), NULL, 0, e2.msg)
                 ? silt_error_set(err, SILT_ENOMEM, "out of memory")
                 : 0;
    silt_buf_free(&o);
    silt_csv_reader_destroy(cr);
    return rc > 0 ? 0 : rc;
}

/* Where each source column is in the Parquet file's schema (-1: absent, read as NULL); a
 * column there with another type makes the file unreadable (SILT_EINVAL with why). */
static int parquet_map(int *map, const silt_schema *in, const silt_schema *fs, char *why, size_t n)
{
    for (size_t i = 0; i < in->n_fields; i++) {
        map[i] = -1;
        for (size_t j = 0; j < fs->n_fields; j++)
            if (!strcasecmp(in->fields[i].name, fs->fields[j].name)) map[i] = (int)j;
        if (map[i] >= 0 && fs->fields[map[i]].type != in->fields[i].type) {
            snprintf(why, n, "column '%s' has another type in the file than in the schema",
                     in->fields[i].name);
            return SILT_EINVAL;
        }
    }
    return 0;
}

static int parquet_groups(files_in *fi, silt_pq_reader *pr, const int *map, size_t k,
                          silt_error *err)
{
    int64_t row = 0;
    int rc = 0;
    for (int g = 0; !rc && g < silt_pq_reader_num_row_groups(pr); g++) {
        silt_batch *b = NULL;
        if ((rc = silt_pq_reader_read_row_group(pr, g, NULL, 0, &b, err))) break;
        for (size_t c = 0; !rc && c < fi->rows->n_cols; c++)
            for (int64_t i = 0; !rc && map[c] < 0 && i < b->n_rows; i++)
                rc = silt_column_append_null(&fi->rows->cols[c]);
        for (size_t c = 0; !rc && c < fi->rows->n_cols; c++)
            if (map[c] >= 0)
                rc = silt_column_append_range(&fi->rows->cols[c], &b->cols[map[c]], 0, b->n_rows);
        for (int64_t i = 0; !rc && i < b->n_rows; i++) {
            fi->rows->n_rows++;
            rc = note_row(fi, (int32_t)k, ++row);
        }
        if (rc && !err->code) silt_error_set(err, rc, "out of memory");
        silt_batch_destroy(b);
    }
    return rc;
}

static int read_parquet(files_in *fi, struct run_files *rf, size_t k, bool *out_gone,
                        silt_error *err)
{
    silt_pq_source *src = NULL;
    silt_pq_reader *pr = NULL;
    silt_error e2;
    silt_error_clear(&e2);
    int *map = silt_calloc(fi->rows->n_cols + 1, sizeof *map);
    char why[SILT_ERROR_MSG_MAX];
    int rc = map ? silt_delta_store_source(&src, rf->store, fi->keys[k], &e2) : SILT_ENOMEM;
    if (rc == SILT_ENOTFOUND) *out_gone = true;
    if (!rc) rc = silt_pq_reader_open(&pr, src, &e2);
    snprintf(why, sizeof why, "%s", e2.msg);
    if (!rc) rc = parquet_map(map, fi->rows->schema, silt_pq_reader_schema(pr), why, sizeof why);
    int64_t n0 = fi->rows->n_rows;
    if (!rc && (rc = parquet_groups(fi, pr, map, k, &e2)) && rc != SILT_ENOMEM) {
        snprintf(why, sizeof why, "%s", e2.msg); /* a broken page: none of the file is kept */
        for (size_t c = 0; c < fi->rows->n_cols; c++) silt_column_truncate(&fi->rows->cols[c], n0);
        fi->rows->n_rows = n0;
    }
    silt_pq_reader_destroy(pr);
    silt_pq_source_destroy(src);
    silt_free(map);
    if (rc == SILT_ENOMEM) return silt_error_set(err, rc, "out of memory");
    if (rc && !*out_gone && add_bad(fi, k, 0, NULL, 0, why))
        return silt_error_set(err, SILT_ENOMEM, "oom");
    return 0;
}

/* Reads file k of the batch; *out_gone when it is no longer there (deleted since listed). */
static int read_one(files_in *fi, struct run_files *rf, size_t k, bool *out_gone, silt_error *err)
{
    *out_gone = false;
    if (rf->f.format == SILT_PIPELINE_FILES_PARQUET) return read_parquet(fi, rf, k, out_gone, err);
    silt_buf data = SILT_BUF_INIT;
    silt_error e2;
    silt_error_clear(&e2);
    int rc = silt_store_get(rf->store, &data, fi->keys[k], &e2);
    if (rc == SILT_ENOTFOUND) *out_gone = true;
    if (rc == SILT_ENOMEM)
        rc = silt_error_set(err, rc, "out of memory");
    else if (rc && !*out_gone)
        rc = add_bad(fi, k, 0, NULL, 0, e2.msg) ? silt_error_set(err, SILT_ENOMEM, "oom") : 0;
    else if (!rc && rf->f.format == SILT_PIPELINE_FILES_CSV)
        rc = read_csv(fi, rf, k, &data, err);
    else if (!rc)
        rc = read_json(fi, rf, k, &data, err);
    silt_buf_free(&data);
    return *out_gone ? 0 : rc;
}

/* Reads the batch's files in order. Unless fixed (a batch being written again after a crash),
 * a file deleted since it was listed leaves the batch, and the files after the one that took
 * the rows to max_rows wait for the next batch. */
static int read_all(files_in *fi, struct run_files *rf, bool fixed, int64_t max_rows,
                    silt_error *err)
{
    size_t k = 0;
    while (k < fi->n_keys) {
        bool gone;
        int rc = read_one(fi, rf, k, &gone, err);
        if (rc) return rc;
        if (gone && fixed && add_bad(fi, k, 0, NULL, 0, "the file was deleted before it was read"))
            return silt_error_set(err, SILT_ENOMEM, "out of memory");
        if (gone && !fixed) {
            silt_log_warn("read_files('%s'): %s was deleted before it was read", rf->f.path,
                          fi->keys[k]);
            silt_free(fi->keys[k]);
            memmove(&fi->keys[k], &fi->keys[k + 1], (fi->n_keys - k - 1) * sizeof *fi->keys);
            fi->n_keys--;
            continue;
        }
        k++;
        if (!fixed && fi->rows->n_rows + fi->quar->n_rows >= max_rows) break;
    }
    for (size_t j = k; j < fi->n_keys; j++) silt_free(fi->keys[j]);
    fi->n_keys = k;
    return 0;
}

/* ---- the batch ---- */

typedef struct files_batch {
    files_in in;
    silt_batch *out, *kept;
    run_verdict v;
    silt_buf ej, names;
    silt_delta_txn *txns; /* the batch's txns for one of the tables (owned ids) */
    size_t n_txns;
} files_batch;

static void txns_free(files_batch *c)
{
    for (size_t i = 0; i < c->n_txns; i++) silt_free(c->txns[i].app_id);
    silt_free(c->txns);
    c->txns = NULL;
    c->n_txns = 0;
}

static void files_batch_free(files_batch *c)
{
    silt_batch_destroy(c->in.rows);
    silt_batch_destroy(c->in.quar);
    silt_free(c->in.file);
    silt_free(c->in.line);
    for (size_t i = 0; i < c->in.n_keys; i++) silt_free(c->in.keys[i]);
    silt_free(c->in.keys);
    silt_batch_destroy(c->out);
    silt_batch_destroy(c->kept);
    run_verdict_free(&c->v);
    silt_buf_free(&c->ej);
    silt_buf_free(&c->names);
    txns_free(c);
}

/* c->txns for a table whose txn appIds start with silt:<a>: the batch number, and each file. */
static int make_txns(files_batch *c, const char *a, const char *in_name)
{
    txns_free(c);
    if (!(c->txns = silt_calloc(c->in.n_keys + 1, sizeof *c->txns))) return SILT_ENOMEM;
    for (size_t i = 0; i <= c->in.n_keys; i++) {
        silt_buf id = SILT_BUF_INIT;
        silt_buf_printf(&id, "silt:%s:%s", a, in_name);
        if (i) silt_buf_printf(&id, ":%s", c->in.keys[i - 1]);
        silt_buf_cstr(&id);
        c->txns[c->n_txns++] = (silt_delta_txn){(char *)silt_buf_detach(&id, NULL), c->in.b, -1};
        if (!c->txns[i].app_id) return SILT_ENOMEM;
    }
    return 0;
}

static void broken_names(silt_buf *o, const run_table *t, uint64_t mask)
{
    silt_buf_reset(o);
    silt_buf_putc(o, '[');
    for (size_t k = 0, first = 1; k < t->def->n_expects && k < 64; k++)
        if (mask & ((uint64_t)1 << k)) {
            silt_buf_printf(o, "%s\"%s\"", first ? "" : ",", t->def->expects[k].name);
            first = 0;
        }
    silt_buf_putc(o, ']');
}

/* Output row i broke a QUARANTINE expectation: its source row goes to the quarantine. */
static int quarantine_row(files_batch *c, const run_table *t, int64_t i)
{
    files_in *fi = &c->in;
    size_t nu = fi->rows->n_cols;
    int64_t o = silt_sql_plan_row_origin(t->plan, i);
    if (o < 0) return SILT_EGENERIC;
    const char *why = silt_sql_plan_row_reason(t->plan, i);
    const char *key = fi->keys[fi->file[o]];
    broken_names(&c->names, t, c->v.failed_mask[i]);
    silt_batch *q = fi->quar;
    int rc = run_copy_row(q, 0, fi->rows, o);
    if (!rc) rc = put_text(&q->cols[nu + Q_FILE], key, strlen(key));
    if (!rc) rc = silt_column_append_int(&q->cols[nu + Q_LINE], fi->line[o]);
    if (!rc) rc = silt_column_append_null(&q->cols[nu + Q_RAW]);
    if (!rc) rc = put_text(&q->cols[nu + Q_EXPECT], (const char *)c->names.ptr, c->names.len);
    if (!rc) rc = put_text(&q->cols[nu + Q_REASON], why, why ? strlen(why) : 0);
    if (!rc) rc = silt_column_append_int(&q->cols[nu + Q_BATCH], fi->b);
    q->n_rows++;
    return rc;
}

/* Runs the query and the expectations; splits the output into kept and quarantined rows. */
static int transform(files_batch *c, run_table *t, silt_error *err)
{
    int rc = silt_sql_run_traced(t->plan, c->in.rows, &c->out, err);
    if (rc) {
        silt_error_prefix(err, "table %s", t->def->name);
        return rc;
    }
    if ((rc = run_expect_eval(&c->v, t, c->out, err))) return rc;
    if (!(c->kept = silt_batch_create(c->out->schema)))
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (int64_t i = 0; i < c->out->n_rows && !rc; i++) {
        uint8_t a = c->v.n_rows ? c->v.action[i] : 0;
        if (a == 0) {
            rc = run_copy_row(c->kept, 0, c->out, i);
            c->kept->n_rows++;
        } else if (a == 2)
            rc = quarantine_row(c, t, i);
    }
    if (!rc) rc = run_expect_json(&c->ej, t, &c->v);
    return rc ? silt_error_set(err, SILT_ENOMEM, "out of memory splitting rows") : 0;
}

/* pos: a (the table's batch), q and e (the quarantine's and event log's). */
static int write_all(silt_pipeline_run *r, run_table *t, files_batch *c, const int64_t pos[3],
                     int64_t t0, silt_error *err)
{
    int64_t b = c->in.b, nq = c->in.quar->n_rows, nk = c->kept->n_rows;
    int64_t nread = c->in.rows->n_rows + c->in.n_bad;
    char evid[600];
    run_evlog_appid(evid, sizeof evid, t);
    int rc = 0;
    if (nq && pos[1] < b && !(rc = make_txns(c, t->q.name, t->in_name) ? SILT_ENOMEM : 0))
        rc = run_delta_write_txns(&t->q, c->in.quar, c->txns, c->n_txns, false, err);
    if (!rc && r->opts.crash_after == 1)
        return silt_error_set(err, SILT_EIO, "crash after the quarantine (test)");
    run_event ev = {t->def->name,
                    NULL,
                    t->in_name,
                    b,
                    b,
                    nread,
                    nk,
                    c->out->n_rows - nk - (nq - c->in.n_bad),
                    nq,
                    0,
                    (const char *)c->ej.ptr,
                    (int64_t)(silt_time_mono_ns() / 1000000) - t0,
                    NULL};
    if (!rc && pos[2] < b && !(rc = make_txns(c, evid, t->in_name) ? SILT_ENOMEM : 0))
        rc = run_evlog_write_txns(r, &ev, c->txns, c->n_txns, err);
    if (!rc && r->opts.crash_after == 2)
        return silt_error_set(err, SILT_EIO, "crash after the event log (test)");
    if (!rc && !(rc = make_txns(c, t->d.name, t->in_name) ? SILT_ENOMEM : 0))
        rc = run_delta_write_txns(&t->d, c->kept, c->txns, c->n_txns, false, err);
    if (rc == SILT_ENOMEM && !err->code) silt_error_set(err, rc, "out of memory");
    if (rc) return rc;
    t->st.rows_read += nread;
    t->st.rows_written += nk;
    t->st.rows_dropped += ev.dropped;
    t->st.rows_quarantined += nq;
    t->st.batches++;
    t->st.version = t->d.snap ? t->d.snap->version : -1;
    t->st.upstream = b;
    t->last_ms = ev.duration_ms;
    return 0;
}

/* The batch to run: the one a crash interrupted (named by the quarantine's or the event log's
 * per-file txns), else the settled new files. Returns false when there is none. */
static int plan_batch(files_in *fi, int64_t pos[3], bool *fixed, size_t *pending,
                      silt_pipeline_run *r, run_table *t, silt_error *err)
{
    char evid[600];
    run_evlog_appid(evid, sizeof evid, t);
    pos[0] = run_delta_txn(&t->d, t->d.name, t->in_name);
    pos[1] = run_delta_txn(&t->q, t->q.name, t->in_name);
    pos[2] = run_delta_txn(&r->ev, evid, t->in_name);
    int64_t done = pos[1] > pos[2] ? pos[1] : pos[2];
    *fixed = done > pos[0];
    *pending = 0;
    fi->b = *fixed ? done : pos[0] + 1;
    if (!*fixed) return list_new(fi, pending, r, t, err);
    int rc = pos[1] == done ? keys_of_batch(fi, &t->q, t->q.name, t->in_name, done)
                            : keys_of_batch(fi, &r->ev, evid, t->in_name, done);
    return rc ? silt_error_set(err, rc, "out of memory") : 0;
}

static int refresh_all(silt_pipeline_run *r, run_table *t, silt_error *err)
{
    int rc = run_delta_refresh(&t->d, err);
    if (!rc) rc = run_delta_refresh(&t->q, err);
    if (!rc) rc = run_delta_refresh(&r->ev, err);
    return rc;
}

int run_files_batch(silt_pipeline_run *r, run_table *t, bool *out_did, silt_error *err)
{
    *out_did = false;
    files_batch c;
    memset(&c, 0, sizeof c);
    int64_t pos[3], t0 = (int64_t)(silt_time_mono_ns() / 1000000);
    bool fixed = false;
    size_t pending = 0;
    int rc = refresh_all(r, t, err);
    if (!rc) rc = plan_batch(&c.in, pos, &fixed, &pending, r, t, err);
    t->st.lag = (int64_t)pending;
    if (rc || !c.in.n_keys) {
        if (!rc && pending) r->waiting = true; /* files still settling: not caught up */
        goto done;
    }
    *out_did = true;
    if (!(c.in.rows = silt_batch_create(t->in_schema)) ||
        !(c.in.quar = silt_batch_create(t->q_schema))) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = read_all(&c.in, t->files, fixed, r->opts.max_rows, err))) goto done;
    if (!c.in.n_keys) goto done; /* every file was deleted before it was read */
    if ((rc = transform(&c, t, err))) goto done;
    rc = write_all(r, t, &c, pos, t0, err);
    t->st.lag = (int64_t)(pending > c.in.n_keys ? pending - c.in.n_keys : 0);
done:
    if (rc && rc != SILT_ENOMEM && *out_did) {
        run_event ev = {t->def->name, NULL, t->in_name, c.in.b, c.in.b, 0, 0, 0, 0, 0,
                        NULL,         0,    err->msg};
        silt_error e2;
        silt_error_clear(&e2);
        if (run_evlog_write(r, &ev, &e2)) silt_log_warn("event log: %s", e2.msg);
    }
    files_batch_free(&c);
    return rc;
}
