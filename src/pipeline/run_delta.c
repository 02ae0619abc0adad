/* The pipeline runtime's Delta tables: opening, creating, reading txn positions, and writing
 * a batch of rows as data files (one per partition) in one commit with its txn. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "delta/optimize.h"
#include "delta/pqio.h"
#include "delta/schema.h"
#include "pipeline/run_int.h"
#include "util/alloc.h"

static const char *base_name(const char *loc)
{
    size_t n = strlen(loc);
    while (n > 1 && loc[n - 1] == '/') n--;
    size_t s = n;
    while (s > 0 && loc[s - 1] != '/') s--;
    return loc + s;
}

int run_delta_open(run_delta *d, const char *location, silt_error *err)
{
    memset(d, 0, sizeof *d);
    d->appended = d->kept_version = -1;
    d->location = silt_strdup(location);
    d->name = silt_strdup(base_name(location));
    if (!d->location || !d->name) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    size_t n = strlen(d->name);
    while (n > 0 && d->name[n - 1] == '/') d->name[--n] = 0;
    int rc = silt_store_open(&d->store, location, err);
    if (rc) return rc;
    return run_delta_refresh(d, err);
}

void run_delta_close(run_delta *d)
{
    run_kept_drop(d);
    silt_delta_snapshot_destroy(d->snap);
    silt_store_destroy(d->store);
    silt_free(d->location);
    silt_free(d->name);
    memset(d, 0, sizeof *d);
}

int run_delta_refresh(run_delta *d, silt_error *err)
{
    if (d->snap) {
        int rc = silt_delta_snapshot_update(&d->snap, d->store, err);
        if (rc != SILT_ENOTFOUND) return rc;
        silt_error_clear(err);
        silt_delta_snapshot_destroy(d->snap);
        d->snap = NULL;
    }
    silt_delta_read_opts o = silt_delta_read_opts_default();
    o.file_ops = silt_delta_parquet_ops();
    int rc = silt_delta_snapshot_load(&d->snap, d->store, &o, err);
    if (rc == SILT_ENOTFOUND) {
        silt_error_clear(err);
        d->snap = NULL;
        return 0;
    }
    if (rc) silt_error_prefix(err, "table '%s'", d->location);
    return rc;
}

int run_delta_create(run_delta *d, const silt_schema *schema, const char *const *parts,
                     size_t n_parts, const char *description, const silt_delta_map *config,
                     silt_error *err)
{
    if (d->snap) return 0;
    silt_delta_table_def def = {schema, parts, n_parts, NULL, description, config};
    int64_t v;
    int rc = silt_delta_create_table(&v, d->store, &def, NULL, err);
    if (rc == SILT_EEXISTS) {
        silt_error_clear(err);
        rc = 0;
    }
    if (rc) {
        silt_error_prefix(err, "creating table '%s'", d->location);
        return rc;
    }
    return run_delta_refresh(d, err);
}

int64_t run_delta_txn(const run_delta *d, const char *a, const char *b)
{
    if (!d->snap) return -1;
    char id[1024];
    snprintf(id, sizeof id, "silt:%s:%s", a, b);
    return silt_delta_snapshot_txn_version(d->snap, id);
}

int run_copy_row(silt_batch *dst, size_t dst_col0, const silt_batch *src, int64_t i)
{
    for (size_t c = 0; c < src->n_cols; c++) {
        int rc = silt_column_append_range(&dst->cols[dst_col0 + c], &src->cols[c], i, 1);
        if (rc) return rc;
    }
    return 0;
}

/* ---- partitioned writes ---- */

typedef struct part_row {
    const char *key; /* partition values joined by '\x01' ("\x02" marks a null) */
    int64_t row;
} part_row;

static int cmp_part_row(const void *x, const void *y)
{
    const part_row *a = x, *b = y;
    int c = strcmp(a->key, b->key);
    return c ? c : (a->row < b->row ? -1 : a->row > b->row);
}

static int is_part_col(const silt_delta_snapshot *s, const char *name)
{
    for (size_t k = 0; k < s->metadata.n_partition_columns; k++)
        if (!strcasecmp(s->metadata.partition_columns[k], name)) return 1;
    return 0;
}

/* Row keys of the partition columns: one string per row in keys (offsets into txt). */
static int row_keys(part_row *pr, silt_buf *txt, const silt_delta_snapshot *s,
                    const silt_batch *rows, silt_error *err)
{
    silt_buf v = SILT_BUF_INIT;
    int64_t *off = silt_malloc((size_t)(rows->n_rows + 1) * sizeof *off);
    int rc = off ? 0 : SILT_ENOMEM;
    for (int64_t i = 0; !rc && i < rows->n_rows; i++) {
        off[i] = (int64_t)txt->len;
        for (size_t c = 0; !rc && c < rows->n_cols; c++) {
            if (!is_part_col(s, rows->schema->fields[c].name)) continue;
            bool null;
            silt_buf_reset(&v);
            rc = silt_delta_partition_format(&v, &null, &rows->schema->fields[c], &rows->cols[c], i,
                                             err);
            if (null)
                silt_buf_putc(txt, '\x02');
            else
                silt_buf_append(txt, v.ptr ? (const char *)v.ptr : "", v.len);
            silt_buf_putc(txt, '\x01');
        }
        silt_buf_putc(txt, 0);
    }
    if (!rc && silt_buf_oom(txt)) rc = SILT_ENOMEM;
    for (int64_t i = 0; !rc && i < rows->n_rows; i++) {
        pr[i].key = (const char *)txt->ptr + off[i];
        pr[i].row = i;
    }
    silt_free(off);
    silt_buf_free(&v);
    if (rc && !err->code) silt_error_set(err, rc, "out of memory");
    return rc;
}

/* Writes rows pr[0..n) (one partition) of rows as one data file, appending its add. */
static int write_part(silt_delta_add *add, run_delta *d, const silt_batch *rows,
                      const silt_schema *data, const part_row *pr, int64_t n, silt_error *err)
{
    const silt_delta_snapshot *s = d->snap;
    silt_batch *b = silt_batch_create(data);
    silt_delta_map pv = {0};
    silt_buf v = SILT_BUF_INIT;
    int64_t *idx = silt_malloc((size_t)(n ? n : 1) * sizeof *idx); /* the partition's rows */
    int rc = b && idx ? 0 : SILT_ENOMEM;
    for (int64_t k = 0; !rc && k < n; k++) idx[k] = pr[k].row;
    for (size_t c = 0, j = 0; !rc && c < rows->n_cols; c++) {
        if (is_part_col(s, rows->schema->fields[c].name)) {
            bool null;
            silt_buf_reset(&v);
            rc = silt_delta_partition_format(&v, &null, &rows->schema->fields[c], &rows->cols[c],
                                             pr[0].row, err);
            if (!rc && silt_buf_cstr(&v)) rc = SILT_ENOMEM;
            if (!rc)
                rc = silt_delta_map_set(&pv, rows->schema->fields[c].name,
                                        null ? NULL : (const char *)v.ptr);
            continue;
        }
        rc = silt_column_gather(&b->cols[j], &rows->cols[c], idx, n);
        j++;
    }
    if (b) b->n_rows = n;
    silt_delta_pqio_options po = {.codec = SILT_PQ_CODEC_ZSTD, .row_group_bytes = 8 << 20};
    silt_delta_file_ops ops;
    silt_delta_parquet_ops_with(&ops, &po);
    if (!rc)
        rc = silt_delta_write_data_file(add, d->store, &ops, b,
                                        s->metadata.n_partition_columns ? &pv : NULL,
                                        (const char *const *)s->metadata.partition_columns,
                                        s->metadata.n_partition_columns, err);
    else if (!err->code)
        silt_error_set(err, rc, "out of memory writing a data file");
    silt_delta_map_clear(&pv);
    silt_buf_free(&v);
    silt_free(idx);
    silt_batch_destroy(b);
    return rc;
}

static int data_schema(silt_schema **out, const silt_delta_snapshot *s, const silt_schema *full)
{
    size_t n = 0;
    for (size_t i = 0; i < full->n_fields; i++) n += !is_part_col(s, full->fields[i].name);
    silt_schema *o = silt_schema_create(n);
    if (!o) return SILT_ENOMEM;
    for (size_t i = 0, j = 0; i < full->n_fields; i++)
        if (!is_part_col(s, full->fields[i].name) &&
            silt_field_copy(&o->fields[j++], &full->fields[i])) {
            silt_schema_destroy(o);
            return SILT_ENOMEM;
        }
    *out = o;
    return 0;
}

/* The partitions' files written by up to WRITERS threads on a local store (each file is
 * fsynced on its own: with many partitions per batch the waits overlap), or, from
 * DEFER_SYNC_FILES files on, published unsynced and flushed by one silt_store_sync. */
#define WRITERS 4
#define DEFER_SYNC_FILES 8

typedef struct part_pool {
    run_delta *d;
    const silt_batch *rows;
    const silt_schema *data;
    const part_row *pr;
    const int64_t *starts; /* ng + 1 */
    size_t ng;
    silt_delta_add *adds;
    size_t next; /* atomic */
    int rc;      /* first failure */
    silt_error err;
    pthread_mutex_t lock;
} part_pool;

static void *part_worker(void *arg)
{
    part_pool *p = arg;
    for (;;) {
        size_t g = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED);
        if (g >= p->ng || __atomic_load_n(&p->rc, __ATOMIC_RELAXED)) break;
        silt_error e;
        silt_error_clear(&e);
        int rc = write_part(&p->adds[g], p->d, p->rows, p->data, p->pr + p->starts[g],
                            p->starts[g + 1] - p->starts[g], &e);
        if (!rc) continue;
        pthread_mutex_lock(&p->lock);
        if (!p->rc) {
            p->err = e;
            __atomic_store_n(&p->rc, rc, __ATOMIC_RELAXED);
        }
        pthread_mutex_unlock(&p->lock);
    }
    return NULL;
}

static int write_parallel(part_pool *p, silt_error *err)
{
    bool local = !strstr(p->d->location, "://");
    size_t nt = local ? (p->ng < WRITERS ? p->ng : WRITERS) : 1;
    pthread_t th[WRITERS];
    size_t started = 0;
    pthread_mutex_init(&p->lock, NULL);
    for (size_t i = 1; i < nt; i++)
        if (pthread_create(&th[started], NULL, part_worker, p) == 0) started++;
    part_worker(p);
    for (size_t i = 0; i < started; i++) pthread_join(th[i], NULL);
    pthread_mutex_destroy(&p->lock);
    if (p->rc) *err = p->err;
    return p->rc;
}

/* Row indexes where each partition's run of pr starts (*out, ng + 1 entries). */
static int part_starts(int64_t **out, size_t *ng, const part_row *pr, int64_t n)
{
    int64_t *st = silt_malloc(((size_t)n + 1) * sizeof *st);
    if (!st) return SILT_ENOMEM;
    size_t k = 0;
    for (int64_t i = 0; i < n; i++)
        if (i == 0 || strcmp(pr[i].key, pr[i - 1].key)) st[k++] = i;
    st[k] = n;
    *out = st;
    *ng = k;
    return 0;
}

/* Writes rows into files, one per partition: *adds (owned) and *n_adds. */
static int write_files(silt_delta_add **adds, size_t *n_adds, run_delta *d, const silt_batch *rows,
                       silt_error *err)
{
    *adds = NULL;
    *n_adds = 0;
    if (rows->n_rows == 0) return 0;
    part_row *pr = silt_malloc((size_t)rows->n_rows * sizeof *pr);
    silt_buf txt = SILT_BUF_INIT;
    silt_schema *data = NULL;
    int64_t *starts = NULL;
    part_pool p;
    memset(&p, 0, sizeof p);
    int rc = pr ? 0 : silt_error_set(err, SILT_ENOMEM, "out of memory");
    if (!rc) rc = row_keys(pr, &txt, d->snap, rows, err);
    if (!rc && data_schema(&data, d->snap, rows->schema))
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
    if (!rc) qsort(pr, (size_t)rows->n_rows, sizeof *pr, cmp_part_row);
    if (!rc && (part_starts(&starts, &p.ng, pr, rows->n_rows) ||
                !(p.adds = silt_calloc(p.ng + 1, sizeof *p.adds))))
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
    if (!rc) {
        /* many files (a batch over many partitions): published without an fsync each, then
         * made durable at once, before the commit that adds them */
        bool defer = p.ng >= DEFER_SYNC_FILES;
        p.d = d, p.rows = rows, p.data = data, p.pr = pr, p.starts = starts;
        silt_store_defer_sync(d->store, defer);
        rc = write_parallel(&p, err);
        silt_store_defer_sync(d->store, false);
        if (!rc && defer) rc = silt_store_sync(d->store, err);
    }
    if (!rc) {
        *adds = p.adds;
        *n_adds = p.ng;
    } else if (p.adds) {
        for (size_t i = 0; i < p.ng; i++) silt_delta_add_clear(&p.adds[i]);
        silt_free(p.adds);
    }
    silt_free(starts);
    silt_schema_destroy(data);
    silt_buf_free(&txt);
    silt_free(pr);
    return rc;
}

static void free_adds(silt_delta_add *adds, size_t n)
{
    for (size_t i = 0; i < n; i++) silt_delta_add_clear(&adds[i]);
    silt_free(adds);
}

int run_delta_write_txns(run_delta *d, const silt_batch *rows, const silt_delta_txn *txns,
                         size_t n_txns, bool overwrite, silt_error *err)
{
    silt_delta_add *adds = NULL;
    size_t n = 0;
    silt_delta_commit_opts co = {0};
    co.file_ops = silt_delta_parquet_ops();
    co.operation = overwrite ? "WRITE" : "STREAMING UPDATE";
    int64_t v;
    int rc = write_files(&adds, &n, d, rows, err);
    if (!rc && overwrite)
        rc = silt_delta_overwrite(&v, d->store, d->snap, NULL, adds, n, txns, n_txns, &co, err);
    else if (!rc)
        rc = silt_delta_append(&v, d->store, d->snap, adds, n, txns, n_txns, &co, err);
    d->appended = !rc && !overwrite ? v : -1;
    free_adds(adds, n);
    if (rc) {
        silt_error_prefix(err, "writing table '%s'", d->location);
        return rc;
    }
    if ((rc = run_delta_refresh(d, err))) return rc;
    silt_delta_optimize_opts oo = {0};
    oo.file_ops = silt_delta_parquet_ops();
    silt_delta_optimize_result res;
    silt_error e2;
    silt_error_clear(&e2);
    if (!overwrite && silt_delta_auto_compact(&res, d->store, d->snap, &oo, &e2) == 0 &&
        res.version >= 0)
        rc = run_delta_refresh(d, err);
    return rc;
}

int run_delta_write(run_delta *d, const silt_batch *rows, const char *txn_a, const char *txn_b,
                    int64_t version, bool overwrite, silt_error *err)
{
    char id[1024];
    snprintf(id, sizeof id, "silt:%s:%s", txn_a ? txn_a : "", txn_b ? txn_b : "");
    silt_delta_txn txn = {id, version, -1};
    return run_delta_write_txns(d, rows, txn_a ? &txn : NULL, txn_a ? 1 : 0, overwrite, err);
}
