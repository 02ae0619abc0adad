/* The pipeline runtime's Delta tables: opening, creating, reading txn positions, and writing
 * a batch of rows as data files (one per partition) in one commit with its txn. */
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
    run_delta_set_codec(d, SILT_PQ_CODEC_SNAPPY);
    d->location = silt_strdup(location);
    d->name = silt_strdup(base_name(location));
    if (!d->location || !d->name) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    size_t n = strlen(d->name);
    while (n > 0 && d->name[n - 1] == '/') d->name[--n] = 0;
    int rc = silt_store_open(&d->store, location, err);
    if (rc) return rc;
    return run_delta_refresh(d, err);
}

void run_delta_set_codec(run_delta *d, silt_pq_codec codec)
{
    d->po = (silt_delta_pqio_options){.codec = codec, .row_group_bytes = 8 << 20};
    silt_delta_parquet_ops_with(&d->ops, &d->po); /* d stays where it is while open */
}

int run_table_codec(silt_pq_codec *codec, const silt_pipeline_table *def, silt_pq_codec dflt,
                    silt_error *err)
{
    static const struct {
        const char *name;
        silt_pq_codec codec;
    } names[] = {{"snappy", SILT_PQ_CODEC_SNAPPY},
                 {"zstd", SILT_PQ_CODEC_ZSTD},
                 {"gzip", SILT_PQ_CODEC_GZIP},
                 {"none", SILT_PQ_CODEC_UNCOMPRESSED},
                 {"uncompressed", SILT_PQ_CODEC_UNCOMPRESSED}};
    *codec = dflt;
    for (size_t i = 0; i < def->n_properties; i++) {
        if (strcasecmp(def->properties[i].key, "parquet.compression")) continue;
        const char *v = def->properties[i].value;
        size_t k = 0;
        while (k < sizeof names / sizeof names[0] && strcasecmp(names[k].name, v)) k++;
        if (k == sizeof names / sizeof names[0])
            return silt_error_set(err, SILT_EINVAL,
                                  "table %s (line %d): TBLPROPERTIES 'parquet.compression' = "
                                  "'%s' is not a codec silt writes: use 'snappy' (the "
                                  "default), 'zstd', 'gzip' or 'none'",
                                  def->name, def->line, v);
        *codec = names[k].codec;
    }
    return 0;
}

static void free_adds(silt_delta_add *adds, size_t n)
{
    for (size_t i = 0; i < n; i++) silt_delta_add_clear(&adds[i]);
    silt_free(adds);
}

void run_delta_close(run_delta *d)
{
    free_adds(d->adds, d->n_adds);
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
        free_adds(d->adds, d->n_adds); /* the table is gone: its versions may come again */
        d->adds = NULL;
        d->n_adds = 0;
        d->appended = -1;
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

int run_delta_write_txns(run_delta *d, const silt_batch *rows, const silt_delta_txn *txns,
                         size_t n_txns, bool overwrite, silt_error *err)
{
    silt_delta_add *adds = NULL;
    size_t n = 0;
    silt_delta_commit_opts co = {0};
    co.file_ops = &d->ops;
    co.operation = overwrite ? "WRITE" : "STREAMING UPDATE";
    int64_t v;
    int rc = run_part_write_files(&adds, &n, d, rows, err);
    if (!rc && overwrite)
        rc = silt_delta_overwrite(&v, d->store, d->snap, NULL, adds, n, txns, n_txns, &co, err);
    else if (!rc)
        rc = silt_delta_append(&v, d->store, d->snap, adds, n, txns, n_txns, &co, err);
    d->appended = !rc && !overwrite ? v : -1;
    free_adds(d->adds, d->n_adds); /* kept for the readers of the version appended */
    d->adds = d->appended >= 0 ? adds : NULL;
    d->n_adds = d->appended >= 0 ? n : 0;
    if (d->appended < 0) free_adds(adds, n);
    if (rc) {
        silt_error_prefix(err, "writing table '%s'", d->location);
        return rc;
    }
    if ((rc = run_delta_refresh(d, err))) return rc;
    silt_delta_optimize_opts oo = {0};
    oo.file_ops = &d->ops;
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
