/* Incremental aggregate views: the touched groups' keys in a hash set, a scan of the view that
 * finds their rows (and where they are), the merge, and the one commit that marks the old rows
 * deleted and appends the merged ones with the upstream's txns. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "delta/commit.h"
#include "delta/scan.h"
#include "pipeline/mv_int.h"
#include "util/alloc.h"
#include "util/hash.h"

/* The partial batch's group keys: open addressing over their bytes. */
typedef struct keyset {
    silt_buf bytes;   /* every key's bytes, back to back */
    size_t *off;      /* n + 1 offsets into bytes */
    int64_t *slots;   /* partial row, or -1 */
    uint64_t *hashes; /* of each slot */
    size_t cap, n;
} keyset;

static uint64_t key_hash(const uint8_t *p, size_t n)
{
    return silt_hash_bytes(p, n, 0x6d76);
}

/* The partial row with these key bytes, or -1. */
static int64_t keyset_find(const keyset *k, const uint8_t *p, size_t n, uint64_t h)
{
    for (size_t j = h & (k->cap - 1);; j = (j + 1) & (k->cap - 1)) {
        int64_t r = k->slots[j];
        if (r < 0) return -1;
        size_t a = k->off[r], len = k->off[r + 1] - a;
        if (k->hashes[j] == h && len == n && memcmp(k->bytes.ptr + a, p, n) == 0) return r;
    }
}

static int keyset_build(keyset *k, const silt_batch *b, const silt_pipeline_mv_spec *spec,
                        silt_error *err)
{
    size_t n = (size_t)b->n_rows;
    k->cap = 16;
    while (k->cap < 2 * n) k->cap *= 2;
    k->off = silt_malloc((n + 1) * sizeof *k->off);
    k->slots = silt_malloc(k->cap * sizeof *k->slots);
    k->hashes = silt_malloc(k->cap * sizeof *k->hashes);
    if (!k->off || !k->slots || !k->hashes)
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (size_t j = 0; j < k->cap; j++) k->slots[j] = -1;
    for (size_t r = 0; r < n; r++) {
        k->off[r] = k->bytes.len;
        if (mv_key_bytes(&k->bytes, b, (int64_t)r, spec))
            return silt_error_set(err, SILT_ENOMEM, "out of memory");
        k->off[r + 1] = k->bytes.len;
        const uint8_t *p = k->bytes.ptr + k->off[r];
        size_t len = k->off[r + 1] - k->off[r];
        uint64_t h = key_hash(p, len);
        if (keyset_find(k, p, len, h) >= 0)
            return silt_error_set(err, SILT_EINVAL,
                                  "incremental view: the batch holds group %zu twice (its "
                                  "partial aggregates must be grouped)",
                                  r);
        size_t j = h & (k->cap - 1);
        while (k->slots[j] >= 0) j = (j + 1) & (k->cap - 1);
        k->slots[j] = (int64_t)r;
        k->hashes[j] = h;
        k->n++;
    }
    return 0;
}

static void keyset_free(keyset *k)
{
    silt_buf_free(&k->bytes);
    silt_free(k->off);
    silt_free(k->slots);
    silt_free(k->hashes);
}

/* What the scan of the view finds. */
typedef struct found {
    const keyset *keys;
    const silt_pipeline_mv_spec *spec;
    silt_batch *old; /* the view rows of touched groups */
    int64_t *match;  /* per partial row: its row in old, or -1 */
    silt_buf scratch;
    silt_delta_row_delete *dels; /* per file: the rows to delete */
    silt_delta_rowset *sets;
    size_t n_files, cap_files;
} found;

static int note_file(found *f, const char *path)
{
    if (f->n_files && strcmp(f->dels[f->n_files - 1].path, path) == 0) return 0;
    if (f->n_files == f->cap_files) {
        size_t cap = f->cap_files ? f->cap_files * 2 : 16;
        silt_delta_row_delete *d = silt_realloc(f->dels, cap * sizeof *d);
        if (d) f->dels = d;
        silt_delta_rowset *s = silt_realloc(f->sets, cap * sizeof *s);
        if (s) f->sets = s;
        if (!d || !s) return SILT_ENOMEM;
        f->cap_files = cap;
    }
    f->dels[f->n_files].path = path;
    memset(&f->sets[f->n_files], 0, sizeof f->sets[f->n_files]);
    f->n_files++;
    return 0;
}

static int on_view_rows(void *arg, const silt_batch *b, const silt_delta_scan_pos *pos,
                        silt_error *err)
{
    found *f = arg;
    for (int64_t i = 0; i < b->n_rows; i++) {
        silt_buf_reset(&f->scratch);
        if (mv_key_bytes(&f->scratch, b, i, f->spec)) goto oom;
        int64_t p = keyset_find(f->keys, f->scratch.ptr, f->scratch.len,
                                key_hash(f->scratch.ptr, f->scratch.len));
        if (p < 0) continue;
        if (f->match[p] >= 0)
            return silt_error_set(err, SILT_ECORRUPT,
                                  "incremental view: the view holds a group twice (in '%s', "
                                  "row %" PRIu64 "); recompute it in full",
                                  pos->file->path, pos->rows[i]);
        f->match[p] = f->old->n_rows;
        for (size_t c = 0; c < b->n_cols; c++)
            if (silt_column_append_range(&f->old->cols[c], &b->cols[c], i, 1)) goto oom;
        f->old->n_rows++;
        if (note_file(f, pos->file->path) ||
            silt_delta_rowset_add(&f->sets[f->n_files - 1], pos->rows[i]))
            goto oom;
    }
    return 0;
oom:
    return silt_error_set(err, SILT_ENOMEM, "out of memory");
}

/* With one integer key column: the range of the touched keys as prune-only predicates, so the
 * files whose statistics lie outside it are not read. Returns the number of predicates. */
static size_t key_range(silt_delta_pred preds[2], const silt_batch *partial,
                        const silt_pipeline_mv_spec *spec, const silt_schema *view)
{
    long key = -1;
    for (size_t c = 0; c < spec->n; c++) {
        if (spec->ops[c] != SILT_MV_KEY) continue;
        if (key >= 0) return 0;
        key = (long)c;
    }
    const silt_column *col = &partial->cols[key];
    silt_type_id t = col->type;
    if (t != SILT_TYPE_INT8 && t != SILT_TYPE_INT16 && t != SILT_TYPE_INT32 && t != SILT_TYPE_INT64)
        return 0;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (int64_t i = 0; i < partial->n_rows; i++) {
        if (!silt_column_is_valid(col, i)) return 0; /* a null key: every file may hold it */
        int64_t v = silt_column_get_int(col, i);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    const char *name = view->fields[key].name;
    char text[300];
    silt_error e;
    snprintf(text, sizeof text, "%s >= %" PRId64, name, lo);
    if (strlen(name) >= 100 || silt_delta_pred_parse(&preds[0], text, &e)) return 0;
    snprintf(text, sizeof text, "%s <= %" PRId64, name, hi);
    if (silt_delta_pred_parse(&preds[1], text, &e)) return 0;
    return 2;
}

static void found_free(found *f)
{
    for (size_t i = 0; i < f->n_files; i++) silt_delta_rowset_free(&f->sets[i]);
    silt_free(f->sets);
    silt_free(f->dels);
    silt_free(f->match);
    silt_buf_free(&f->scratch);
    silt_batch_destroy(f->old);
}

/* Finds the view's rows of the touched groups. */
static int find_rows(found *f, silt_pipeline_mv_stats *st, silt_store *store,
                     const silt_delta_snapshot *snap, const silt_batch *partial,
                     const silt_delta_file_ops *ops, silt_error *err)
{
    f->old = silt_batch_create(snap->schema);
    f->match = silt_malloc((size_t)(partial->n_rows + 1) * sizeof *f->match);
    if (!f->old || !f->match) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (int64_t i = 0; i < partial->n_rows; i++) f->match[i] = -1;
    silt_delta_pred preds[2];
    silt_delta_scan_opts o = silt_delta_scan_opts_default();
    o.file_ops = ops;
    o.n_preds = key_range(preds, partial, f->spec, snap->schema);
    o.preds = o.n_preds ? preds : NULL;
    o.prune_only = true;
    o.emit_pos = on_view_rows;
    silt_delta_scan_stats ss;
    int rc = silt_delta_scan(&ss, snap, store, &o, NULL, f, err);
    st->files_total = ss.files_total;
    st->files_read = ss.files_read;
    for (size_t i = 0; i < f->n_files; i++) {
        silt_delta_rowset_normalize(&f->sets[i]);
        f->dels[i].rows = &f->sets[i];
    }
    return rc;
}

/* The rows to append: each touched group merged with its view row, or as it is when new. */
static int merged_rows(silt_batch *out, const found *f, const silt_batch *partial,
                       silt_pipeline_mv_stats *st)
{
    for (int64_t p = 0; p < partial->n_rows; p++) {
        int64_t m = f->match[p];
        st->groups_updated += m >= 0;
        st->groups_new += m < 0;
        for (size_t c = 0; c < partial->n_cols; c++) {
            silt_column *dst = &out->cols[c];
            int rc = m < 0 || f->spec->ops[c] == SILT_MV_KEY
                         ? silt_column_append_range(dst, &partial->cols[c], p, 1)
                         : mv_merge_value(dst, f->spec->ops[c], &f->old->cols[c], m,
                                          &partial->cols[c], p);
            if (rc) return SILT_ENOMEM;
        }
        out->n_rows++;
    }
    return 0;
}

static int check_input(const silt_delta_snapshot *snap, const silt_pipeline_mv_spec *spec,
                       const silt_batch *partial, silt_error *err)
{
    int rc = silt_pipeline_mv_check(spec, snap->schema, err);
    if (rc) return rc;
    if (snap->metadata.n_partition_columns)
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "incremental view: a partitioned view is recomputed in full");
    if (partial->n_cols != snap->schema->n_fields)
        return silt_error_set(err, SILT_EINVAL,
                              "incremental view: the batch has %zu columns, "
                              "the view %zu",
                              partial->n_cols, snap->schema->n_fields);
    for (size_t c = 0; c < partial->n_cols; c++)
        if (partial->cols[c].type != snap->schema->fields[c].type)
            return silt_error_set(err, SILT_EINVAL,
                                  "incremental view: column '%s' is %s in the batch, %s in the "
                                  "view",
                                  snap->schema->fields[c].name,
                                  silt_type_name(partial->cols[c].type),
                                  silt_type_name(snap->schema->fields[c].type));
    return 0;
}

/* Writes the merged rows and commits them with the deletions and txns. */
static int commit_batch(silt_pipeline_mv_stats *st, silt_store *store,
                        const silt_delta_snapshot *snap, found *f, const silt_batch *rows,
                        const silt_delta_txn *txns, size_t n_txns, const silt_delta_file_ops *ops,
                        silt_error *err)
{
    silt_delta_add add;
    memset(&add, 0, sizeof add);
    int rc = 0;
    if (rows->n_rows) rc = silt_delta_write_data_file(&add, store, ops, rows, NULL, NULL, 0, err);
    silt_delta_dv_commit_stats ds = {0};
    silt_delta_commit_opts co = {0};
    co.operation = "MERGE";
    co.file_ops = ops;
    if (!rc)
        rc = silt_delta_delete_rows(&st->version, &ds, store, snap, f->dels, f->n_files, &add,
                                    rows->n_rows ? 1 : 0, txns, n_txns, &co, err);
    if (!rc) st->bytes_added = (uint64_t)add.size + ds.dv_file_size;
    silt_delta_add_clear(&add);
    return rc;
}

int silt_pipeline_mv_upsert(silt_pipeline_mv_stats *out, silt_store *store,
                            silt_delta_snapshot **snap, const silt_pipeline_mv_spec *spec,
                            const silt_batch *partial, const silt_delta_txn *txns, size_t n_txns,
                            const silt_delta_file_ops *ops, silt_error *err)
{
    silt_pipeline_mv_stats st = {0};
    st.version = -1;
    st.groups_in = partial->n_rows;
    keyset keys = {0};
    found f = {0};
    silt_batch *rows = NULL;
    int rc = check_input(*snap, spec, partial, err);
    if (rc || (!partial->n_rows && !n_txns)) goto done;
    if (!silt_delta_dvs_enabled(*snap) && (*snap)->n_files && partial->n_rows) {
        int64_t v;
        if ((rc = silt_delta_enable_dvs(&v, store, *snap, NULL, err)) ||
            (rc = silt_delta_snapshot_update(snap, store, err)))
            goto done;
    }
    f.keys = &keys;
    f.spec = spec;
    if ((rc = keyset_build(&keys, partial, spec, err)) ||
        (rc = find_rows(&f, &st, store, *snap, partial, ops, err)))
        goto done;
    rows = silt_batch_create((*snap)->schema);
    if (!rows || merged_rows(rows, &f, partial, &st)) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = commit_batch(&st, store, *snap, &f, rows, txns, n_txns, ops, err))) goto done;
    rc = silt_delta_snapshot_update(snap, store, err);
done:
    silt_batch_destroy(rows);
    found_free(&f);
    keyset_free(&keys);
    if (out) *out = st;
    return rc;
}
