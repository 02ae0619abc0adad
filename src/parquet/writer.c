/* The Parquet writer: streams column batches into a Parquet file, one row group at a time.
 *
 * How columns become a file
 * -------------------------
 * Parquet stores only leaves (primitive fields, however deeply nested in structs, lists and
 * maps), each as a sequence of entries: a repetition level r, a definition level d and, where
 * d reaches the leaf's maximum, a value. For a leaf whose path from the top-level column
 * passes optional and repeated nodes, d counts how many of them are present (so a null or an
 * empty list stops d at its depth) and r names the repeated node at which an entry starts a
 * new element (0: a new row). writer_schema.c turns the silt schema into leaves, each with the
 * path of steps that reaches it and its maximum levels.
 *
 * The order of work:
 * 1. write (this file): a batch is checked against the schema, then cut into slices of
 *    SLICE_ROWS rows; for each slice every leaf shreds its top-level column (writer_shred.c):
 *    a recursive walk of each row that emits (d, r) for every null, empty list or value met
 *    on the way down. Values go straight into the leaf's dictionary (a hash table of distinct
 *    values plus one index per value) until it outgrows dictionary_bytes, then into a plain
 *    buffer. Flat columns skip the walk: one definition level per row from the validity bitmap.
 * 2. Once the buffered bytes reach row_group_bytes, the row group is flushed
 *    (writer_chunk.c): per leaf, a dictionary page (if the chunk kept its dictionary), then data
 *    pages of about page_bytes, each holding whole rows: RLE-encoded levels, then the values as
 *    dictionary indexes, or as the smaller of PLAIN and DELTA_BINARY_PACKED (integers) or RLE
 *    (booleans, when enabled). Pages are compressed and written to the sink with their headers
 *    as they are made, so only one row group is ever held in memory. The chunk's statistics
 *    (writer_stats.c) and its ColumnChunk metadata (Thrift, ids from format_ids.h) follow.
 * 3. close: the last row group, then the footer (writer_footer.c: schema elements, row groups,
 *    key-value metadata, column orders), its length and "PAR1"; then the file's per-column
 *    statistics for Delta. */
#include "parquet/writer_int.h"

#include <stdio.h>
#include <string.h>

#include "util/alloc.h"

/* Rows shredded per leaf before moving to the next leaf (keeps a slice in cache). */
#define SLICE_ROWS 4096

void silt_pq_writer_options_default(silt_pq_writer_options *out)
{
    memset(out, 0, sizeof *out);
    out->codec = SILT_PQ_CODEC_ZSTD;
    out->compression_level = 0;
    out->row_group_bytes = 128ll << 20;
    out->page_bytes = 1ll << 20;
    out->dictionary_bytes = 1ll << 20;
    out->dictionary = true;
    out->statistics = true;
    out->stats_truncate = 64;
}

static int check_shape(const silt_column *c, const silt_field *f, int64_t n, silt_error *err)
{
    if (c->type != f->type || c->n_children != f->n_children || c->length < n) goto bad;
    if (c->type == SILT_TYPE_BOOL || c->type == SILT_TYPE_STRUCT) {
        if (c->type == SILT_TYPE_BOOL && n > 0 && !c->values) goto bad;
    } else if (silt_type_width(c->type) > 0 || c->type == SILT_TYPE_FIXED_BINARY) {
        if (c->type == SILT_TYPE_FIXED_BINARY && c->byte_width != f->byte_width) goto bad;
        if (n > 0 && !c->values) goto bad;
    }
    int64_t child_n = n;
    if (c->type == SILT_TYPE_STRING || c->type == SILT_TYPE_BINARY || c->type == SILT_TYPE_LIST ||
        c->type == SILT_TYPE_MAP) {
        if (n == 0) return 0;
        if (!c->offsets || c->offsets[0] < 0) goto bad;
        for (int64_t i = 0; i < n; i++)
            if (c->offsets[i + 1] < c->offsets[i]) goto bad;
        child_n = c->offsets[n];
    }
    if (c->type == SILT_TYPE_STRUCT) {
        for (size_t i = 0; i < c->n_children; i++)
            if (check_shape(&c->children[i], &f->children[i], n, err)) return SILT_EINVAL;
    } else if (c->type == SILT_TYPE_LIST) {
        if (check_shape(&c->children[0], &f->children[0], child_n, err)) return SILT_EINVAL;
    } else if (c->type == SILT_TYPE_MAP) {
        const silt_column *kv = &c->children[0];
        if (kv->type != SILT_TYPE_STRUCT || kv->n_children != 2 || kv->length < child_n) goto bad;
        for (size_t i = 0; i < 2; i++)
            if (check_shape(&kv->children[i], &f->children[0].children[i], child_n, err))
                return SILT_EINVAL;
        const silt_column *key = &kv->children[0];
        for (int64_t i = c->offsets[0]; i < child_n; i++)
            if (!silt_column_is_valid(key, i)) {
                int rc = silt_error_set(err, SILT_EINVAL,
                                        "parquet writer: map %s has a null key at entry %lld: "
                                        "Parquet map keys are required",
                                        f->name, (long long)i);
                silt_error_column(err, f->name);
                return rc;
            }
    }
    return 0;
bad:;
    int rc = silt_error_set(
        err, SILT_EINVAL,
        "parquet writer: column %s (%s) does not match the writer's schema (%s) or is "
        "inconsistent",
        f->name, silt_type_name(c->type), silt_type_name(f->type));
    silt_error_column(err, f->name);
    return rc;
}

int silt_pq_writer_write(silt_pq_writer *w, const silt_batch *b, silt_error *err)
{
    if (w->failed || w->closed)
        return silt_error_set(err, SILT_EINVAL, "parquet writer: write after %s",
                              w->closed ? "close" : "an error");
    if (b->n_cols != w->schema->n_fields)
        return silt_error_set(err, SILT_EINVAL,
                              "parquet writer: batch has %zu columns, the file's schema %zu",
                              b->n_cols, w->schema->n_fields);
    int rc;
    for (size_t i = 0; i < b->n_cols; i++)
        if ((rc = check_shape(&b->cols[i], &w->schema->fields[i], b->n_rows, err))) return rc;
    int64_t limit = w->opts.dictionary_bytes;
    for (int64_t r0 = 0; r0 < b->n_rows;) {
        int64_t r1 = b->n_rows - r0 < SLICE_ROWS ? b->n_rows : r0 + SLICE_ROWS;
        int64_t buffered = 0;
        for (size_t i = 0; i < w->n_leaves; i++) {
            leaf *L = &w->leaves[i];
            silt_pqw_shred(L, &b->cols[L->top], r0, r1, limit);
            if (L->oom || silt_buf_oom(&L->def) || silt_buf_oom(&L->rep)) {
                w->failed = true;
                rc = silt_error_set(err, SILT_ENOMEM,
                                    "parquet writer: out of memory buffering column %s", L->path);
                silt_error_column(err, L->path);
                return rc;
            }
            buffered += L->plain_bytes + (int64_t)(L->def.len + L->rep.len);
        }
        w->rg_rows += r1 - r0;
        r0 = r1;
        if (buffered >= w->opts.row_group_bytes && (rc = silt_pqw_flush_row_group(w, err))) {
            w->failed = true;
            return rc;
        }
    }
    return 0;
}

int silt_pq_writer_close(silt_pq_writer *w, silt_error *err)
{
    if (w->failed || w->closed)
        return silt_error_set(err, SILT_EINVAL, "parquet writer: close after %s",
                              w->closed ? "close" : "an error");
    int rc = silt_pqw_flush_row_group(w, err);
    if (!rc) rc = silt_pqw_write_footer(w, err);
    if (!rc) {
        rc = w->sink->ops->finish(w->sink, err);
        if (rc) silt_error_prefix(err, "parquet writer");
    }
    if (!rc && silt_pqw_build_stats(w))
        rc = silt_error_set(err, SILT_ENOMEM, "parquet writer: out of memory collecting stats");
    if (rc) {
        w->failed = true;
        return rc;
    }
    w->file_size = w->sink->written - w->start_offset;
    w->closed = true;
    return 0;
}

int64_t silt_pq_writer_rows(const silt_pq_writer *w)
{
    return w->total_rows;
}

uint64_t silt_pq_writer_file_size(const silt_pq_writer *w)
{
    return w->file_size;
}

size_t silt_pq_writer_n_columns(const silt_pq_writer *w)
{
    return w->n_leaves;
}

const silt_pq_column_stats *silt_pq_writer_column_stats(const silt_pq_writer *w, size_t i)
{
    if (!w->closed || i >= w->n_leaves) return NULL;
    return &w->leaves[i].stats;
}

int silt_pq_writer_create(silt_pq_writer **out, silt_pq_sink *sink, const silt_schema *schema,
                          const silt_pq_writer_options *opts, silt_error *err)
{
    *out = NULL;
    silt_pq_writer_options def;
    if (!opts) {
        silt_pq_writer_options_default(&def);
        opts = &def;
    }
    if (opts->row_group_bytes <= 0 || opts->page_bytes <= 0 || opts->dictionary_bytes <= 0 ||
        opts->stats_truncate < 0 || (opts->n_kv && (!opts->kv_keys || !opts->kv_values)))
        return silt_error_set(err, SILT_EINVAL,
                              "parquet writer: row_group_bytes, page_bytes and dictionary_bytes "
                              "must be positive, stats_truncate >= 0, kv arrays given");
    int rc;
    silt_pq_writer *w = silt_calloc(1, sizeof *w);
    if (!w) goto oom;
    w->sink = sink;
    w->opts = *opts;
    w->start_offset = sink->written;
    rc = silt_pq_compressor_create(&w->comp, opts->codec, opts->compression_level, err);
    if (rc) goto fail;
    w->schema = silt_schema_copy(schema);
    if (!w->schema) goto oom;
    if (opts->n_kv) {
        w->kv_keys = silt_calloc(opts->n_kv, sizeof(char *));
        w->kv_values = silt_calloc(opts->n_kv, sizeof(char *));
        if (!w->kv_keys || !w->kv_values) goto oom;
        for (size_t i = 0; i < opts->n_kv; i++) {
            w->kv_keys[i] = silt_strdup(opts->kv_keys[i]);
            w->kv_values[i] = silt_strdup(opts->kv_values[i] ? opts->kv_values[i] : "");
            if (!w->kv_keys[i] || !w->kv_values[i]) goto oom;
        }
    }
    rc = silt_pqw_build_leaves(w, err);
    if (rc) goto fail;
    rc = silt_pqw_sink_write(w, SILT_PQ_MAGIC, 4, err);
    if (rc) goto fail;
    *out = w;
    return 0;
oom:
    rc = silt_error_set(err, SILT_ENOMEM, "parquet writer: out of memory creating the writer");
fail:
    silt_pq_writer_destroy(w);
    return rc;
}

void silt_pq_writer_destroy(silt_pq_writer *w)
{
    if (!w) return;
    for (size_t i = 0; i < w->n_leaves; i++) {
        leaf *L = &w->leaves[i];
        silt_free(L->path);
        for (size_t k = 0; k < L->n_names; k++) silt_free(L->names[k]);
        silt_free(L->names);
        silt_free(L->steps);
        silt_buf_free(&L->def);
        silt_buf_free(&L->rep);
        silt_pqw_vals_free(&L->dict);
        silt_pqw_vals_free(&L->raw);
        silt_buf_free(&L->idx);
        silt_buf_free(&L->hashes);
        silt_free(L->slots);
        silt_buf_free(&L->fmin);
        silt_buf_free(&L->fmax);
        if (L->mm_init) silt_column_clear(&L->mm);
    }
    silt_free(w->leaves);
    for (size_t i = 0; i < w->opts.n_kv && w->kv_keys; i++) silt_free(w->kv_keys[i]);
    for (size_t i = 0; i < w->opts.n_kv && w->kv_values; i++) silt_free(w->kv_values[i]);
    silt_free(w->kv_keys);
    silt_free(w->kv_values);
    silt_schema_destroy(w->schema);
    silt_pq_compressor_destroy(w->comp);
    silt_buf_free(&w->page);
    silt_buf_free(&w->cpage);
    silt_buf_free(&w->hdr);
    silt_buf_free(&w->tmp);
    silt_buf_free(&w->smin);
    silt_buf_free(&w->smax);
    silt_buf_free(&w->rg_meta);
    silt_free(w);
}
