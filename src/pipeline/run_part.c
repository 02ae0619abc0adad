/* A batch of rows written as a Delta table's data files, one per partition: the rows grouped
 * by their partition values (hashed, then laid out in the partitions' order, rows in their
 * order within each), each partition's rows gathered into a file by a pool of writers. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "delta/pqio.h"
#include "delta/schema.h"
#include "pipeline/run_int.h"
#include "util/alloc.h"
#include "util/hash.h"

typedef struct part_row {
    const char *key; /* partition values joined by '\x01' ("\x02" marks a null) */
    int64_t row;
} part_row;

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

/* A partition of the batch: its key, its rows' count, then where its rows go. */
typedef struct part_group {
    const char *key;
    uint64_t hash;
    int64_t n, at;
} part_group;

static int cmp_group(const void *x, const void *y)
{
    return strcmp((*(part_group *const *)x)->key, (*(part_group *const *)y)->key);
}

/* The slots of a table of cap slots (a power of two) over the groups g[0..ng). */
static uint32_t *group_slots(const part_group *g, size_t ng, size_t cap)
{
    uint32_t *slots = silt_calloc(cap, sizeof *slots);
    for (size_t k = 0; slots && k < ng; k++) {
        size_t j = g[k].hash & (cap - 1);
        while (slots[j]) j = (j + 1) & (cap - 1);
        slots[j] = (uint32_t)k + 1;
    }
    return slots;
}

/* The index of pr's partition among *g (added when new), in a table of *cap slots. */
static int64_t group_of(part_group **g, size_t *ng, size_t *gcap, uint32_t **slots, size_t *cap,
                        const char *key)
{
    uint64_t h = silt_hash_bytes(key, strlen(key), 0x9a27);
    size_t j = h & (*cap - 1);
    for (; (*slots)[j]; j = (j + 1) & (*cap - 1)) {
        const part_group *x = &(*g)[(*slots)[j] - 1];
        if (x->hash == h && !strcmp(x->key, key)) return (*slots)[j] - 1;
    }
    if (*ng == *gcap) {
        size_t nc = *gcap ? *gcap * 2 : 64;
        part_group *ngs = silt_realloc(*g, nc * sizeof *ngs);
        if (!ngs) return -1;
        *g = ngs;
        *gcap = nc;
    }
    (*g)[*ng] = (part_group){key, h, 0, 0};
    (*slots)[j] = (uint32_t)++ * ng;
    if (*ng * 2 > *cap) { /* kept at most half full */
        uint32_t *ns = group_slots(*g, *ng, *cap * 2);
        if (!ns) return -1;
        silt_free(*slots);
        *slots = ns;
        *cap *= 2;
    }
    return (int64_t)*ng - 1;
}

/* Reorders pr into runs of equal keys, the partitions in their keys' order and the rows of each
 * in their order (what a sort by key then row gives, in time linear in the rows, for the
 * hundreds of partitions a batch over many dates has); *starts (*ng + 1 entries) gets where
 * each partition's run starts. */
static int group_rows(part_row *pr, int64_t n, int64_t **starts, size_t *ng)
{
    size_t cap = 256, ngr = 0, gcap = 0;
    part_group *g = NULL, **ord = NULL;
    uint32_t *slots = silt_calloc(cap, sizeof *slots);
    int32_t *gid = silt_malloc((size_t)(n ? n : 1) * sizeof *gid);
    part_row *tmp = silt_malloc((size_t)(n ? n : 1) * sizeof *tmp);
    int64_t *st = NULL;
    int rc = slots && gid && tmp && n < INT32_MAX ? 0 : SILT_ENOMEM;
    for (int64_t i = 0; !rc && i < n; i++) {
        int64_t k = group_of(&g, &ngr, &gcap, &slots, &cap, pr[i].key);
        if (k < 0)
            rc = SILT_ENOMEM;
        else {
            gid[i] = (int32_t)k;
            g[k].n++;
        }
    }
    if (!rc && (!(ord = silt_malloc((ngr + 1) * sizeof *ord)) ||
                !(st = silt_malloc((ngr + 1) * sizeof *st))))
        rc = SILT_ENOMEM;
    if (!rc) {
        for (size_t k = 0; k < ngr; k++) ord[k] = &g[k];
        qsort(ord, ngr, sizeof *ord, cmp_group);
        int64_t at = 0;
        for (size_t k = 0; k < ngr; k++) {
            st[k] = ord[k]->at = at;
            at += ord[k]->n;
        }
        st[ngr] = n;
        for (int64_t i = 0; i < n; i++) tmp[g[gid[i]].at++] = pr[i];
        memcpy(pr, tmp, (size_t)n * sizeof *pr);
        *starts = st;
        *ng = ngr;
        st = NULL;
    }
    silt_free(st);
    silt_free(ord);
    silt_free(tmp);
    silt_free(gid);
    silt_free(slots);
    silt_free(g);
    return rc;
}

/* Writes rows into files, one per partition: *adds (owned) and *n_adds. */
int run_part_write_files(silt_delta_add **adds, size_t *n_adds, run_delta *d,
                         const silt_batch *rows, silt_error *err)
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
    if (!rc && (group_rows(pr, rows->n_rows, &starts, &p.ng) ||
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
