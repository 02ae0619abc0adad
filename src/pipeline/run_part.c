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
    int64_t row;
} part_row;

static int is_part_col(const silt_delta_snapshot *s, const char *name)
{
    for (size_t k = 0; k < s->metadata.n_partition_columns; k++)
        if (!strcasecmp(s->metadata.partition_columns[k], name)) return 1;
    return 0;
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
    if (!rc)
        rc = silt_delta_write_data_file(add, d->store, &d->ops, b,
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

/* The rows' distinct partition values: each group of rows with the same raw values (bytes as
 * stored, hashed), and its partition's key (the values as Delta writes them in paths, joined
 * by '\x01', "\x02" for a null), formatted once per group rather than once per row. */
typedef struct part_group {
    size_t raw, raw_len, key; /* offsets in the raw and key texts */
    uint64_t hash;
    int64_t part; /* the partition (groups whose values format alike share one) */
} part_group;

typedef struct grouper {
    const silt_delta_snapshot *s;
    const silt_batch *rows;
    silt_buf raw, key, one;
    part_group *g;
    size_t ng, gcap, cap;
    uint32_t *slots; /* cap slots (a power of two), group index + 1 */
    size_t *pc, npc; /* the partition columns' indexes in rows */
} grouper;

/* Row i's partition values as stored, appended to o. */
static void raw_values(silt_buf *o, const grouper *gr, int64_t i)
{
    for (size_t k = 0; k < gr->npc; k++) {
        const silt_column *col = &gr->rows->cols[gr->pc[k]];
        bool valid = silt_column_is_valid(col, i);
        silt_buf_putc(o, valid);
        if (!valid) continue;
        size_t len;
        if (col->type == SILT_TYPE_STRING || col->type == SILT_TYPE_BINARY ||
            col->type == SILT_TYPE_FIXED_BINARY) {
            const uint8_t *p = silt_column_bytes(col, i, &len);
            silt_buf_append(o, &len, sizeof len);
            silt_buf_append(o, p, len);
        } else if (col->type == SILT_TYPE_BOOL || col->byte_width <= 0) {
            int64_t v = silt_column_get_int(col, i);
            silt_buf_append(o, &v, sizeof v);
        } else {
            silt_buf_append(o, col->values + (size_t)i * (size_t)col->byte_width,
                            (size_t)col->byte_width);
        }
    }
}

/* Row i's partition key, as Delta writes the values in paths, appended to gr->key. */
static int format_key(grouper *gr, int64_t i, silt_error *err)
{
    for (size_t k = 0; k < gr->npc; k++) {
        size_t c = gr->pc[k];
        bool null;
        silt_buf_reset(&gr->one);
        int rc = silt_delta_partition_format(&gr->one, &null, &gr->rows->schema->fields[c],
                                             &gr->rows->cols[c], i, err);
        if (rc) return rc;
        if (null)
            silt_buf_putc(&gr->key, '\x02');
        else
            silt_buf_append(&gr->key, gr->one.ptr ? (const char *)gr->one.ptr : "", gr->one.len);
        silt_buf_putc(&gr->key, '\x01');
    }
    silt_buf_putc(&gr->key, 0);
    return 0;
}

static int rehash(grouper *gr, size_t cap)
{
    uint32_t *slots = silt_calloc(cap, sizeof *slots);
    if (!slots) return SILT_ENOMEM;
    for (size_t k = 0; k < gr->ng; k++) {
        size_t j = gr->g[k].hash & (cap - 1);
        while (slots[j]) j = (j + 1) & (cap - 1);
        slots[j] = (uint32_t)k + 1;
    }
    silt_free(gr->slots);
    gr->slots = slots;
    gr->cap = cap;
    return 0;
}

/* The group of row i (added, with its key, when new); -1 on failure. */
static int64_t group_of(grouper *gr, int64_t i, silt_error *err)
{
    size_t at = gr->raw.len;
    raw_values(&gr->raw, gr, i);
    if (silt_buf_oom(&gr->raw)) return -1;
    size_t len = gr->raw.len - at;
    uint64_t h = silt_hash_bytes(gr->raw.ptr + at, len, 0x9a27);
    size_t j = h & (gr->cap - 1);
    for (; gr->slots[j]; j = (j + 1) & (gr->cap - 1)) {
        const part_group *x = &gr->g[gr->slots[j] - 1];
        if (x->hash == h && x->raw_len == len &&
            !memcmp(gr->raw.ptr + x->raw, gr->raw.ptr + at, len)) {
            gr->raw.len = at; /* known: its bytes are not kept */
            return gr->slots[j] - 1;
        }
    }
    if (gr->ng == gr->gcap) {
        size_t nc = gr->gcap ? gr->gcap * 2 : 64;
        part_group *ng = silt_realloc(gr->g, nc * sizeof *ng);
        if (!ng) return -1;
        gr->g = ng;
        gr->gcap = nc;
    }
    gr->g[gr->ng] = (part_group){at, len, gr->key.len, h, 0};
    if (format_key(gr, i, err) || silt_buf_oom(&gr->key)) return -1;
    gr->slots[j] = (uint32_t)++gr->ng;
    if (gr->ng * 2 > gr->cap && rehash(gr, gr->cap * 2)) return -1; /* at most half full */
    return (int64_t)gr->ng - 1;
}

/* A group and its key, for sorting by key. */
typedef struct keyed {
    const char *key;
    part_group *g;
} keyed;

static int cmp_keyed(const void *x, const void *y)
{
    return strcmp(((const keyed *)x)->key, ((const keyed *)y)->key);
}

/* Reorders the rows into runs, one per partition, the partitions in their keys' order and the
 * rows of each in their order (what a sort by key then row gives, in time linear in the rows,
 * for the hundreds of partitions a batch over many dates has); *starts (*np + 1 entries) gets
 * where each partition's run starts. */
static int group_rows(part_row *pr, int64_t **starts, size_t *np, const silt_delta_snapshot *s,
                      const silt_batch *rows, silt_error *err)
{
    int64_t n = rows->n_rows;
    grouper gr = {.s = s, .rows = rows};
    keyed *ord = NULL;
    int32_t *gid = silt_malloc((size_t)(n ? n : 1) * sizeof *gid);
    int64_t *st = NULL, *at = NULL;
    gr.pc = silt_malloc((rows->n_cols + 1) * sizeof *gr.pc);
    for (size_t c = 0; gr.pc && c < rows->n_cols; c++)
        if (is_part_col(s, rows->schema->fields[c].name)) gr.pc[gr.npc++] = c;
    int rc = gid && gr.pc && n < INT32_MAX && !rehash(&gr, 256) ? 0 : SILT_ENOMEM;
    for (int64_t i = 0; !rc && i < n; i++) {
        int64_t k = group_of(&gr, i, err);
        if (k < 0)
            rc = err->code ? err->code : SILT_ENOMEM;
        else
            gid[i] = (int32_t)k;
    }
    size_t ng = gr.ng, npart = 0;
    if (!rc &&
        (!(ord = silt_malloc((ng + 1) * sizeof *ord)) ||
         !(st = silt_malloc((ng + 1) * sizeof *st)) || !(at = silt_calloc(ng + 1, sizeof *at))))
        rc = SILT_ENOMEM;
    if (!rc) {
        for (size_t k = 0; k < ng; k++)
            ord[k] = (keyed){(const char *)gr.key.ptr + gr.g[k].key, &gr.g[k]};
        qsort(ord, ng, sizeof *ord, cmp_keyed);
        for (size_t k = 0; k < ng; k++) { /* groups whose keys are alike: one partition */
            if (k == 0 || strcmp(ord[k - 1].key, ord[k].key)) npart++;
            ord[k].g->part = (int64_t)npart - 1;
        }
        for (int64_t i = 0; i < n; i++) at[gr.g[gid[i]].part]++;
        for (size_t p = 0, sum = 0; p < npart; p++) { /* counts -> where each run starts */
            st[p] = (int64_t)sum;
            sum += (size_t)at[p];
            at[p] = st[p];
        }
        st[npart] = n;
        for (int64_t i = 0; i < n; i++) pr[at[gr.g[gid[i]].part]++].row = i;
        *starts = st;
        *np = npart;
        st = NULL;
    }
    if (rc && !err->code) silt_error_set(err, rc, "out of memory grouping rows by partition");
    silt_free(st);
    silt_free(at);
    silt_free(ord);
    silt_free(gid);
    silt_free(gr.slots);
    silt_free(gr.pc);
    silt_free(gr.g);
    silt_buf_free(&gr.raw);
    silt_buf_free(&gr.key);
    silt_buf_free(&gr.one);
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
    silt_schema *data = NULL;
    int64_t *starts = NULL;
    part_pool p;
    memset(&p, 0, sizeof p);
    int rc = pr ? 0 : silt_error_set(err, SILT_ENOMEM, "out of memory");
    if (!rc && data_schema(&data, d->snap, rows->schema))
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
    if (!rc) rc = group_rows(pr, &starts, &p.ng, d->snap, rows, err);
    if (!rc && !(p.adds = silt_calloc(p.ng + 1, sizeof *p.adds)))
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
    silt_free(pr);
    return rc;
}
