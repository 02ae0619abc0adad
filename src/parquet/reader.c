/* The Parquet reader: opens a file (footer, schema), reads row groups into Arrow-layout column
 * batches and hands out row-group statistics as silt values.
 *
 * How a file becomes columns
 * --------------------------
 * A Parquet file stores each leaf of the schema tree (a primitive field, however deeply nested
 * in structs, lists and maps) as one column chunk per row group. A chunk holds, per entry, a
 * repetition level r, a definition level d and (only where d reaches the leaf's maximum) a
 * value. d counts how many optional or repeated ancestors (the leaf included) are present, so
 * d < max marks a null (or an empty / null list) at the depth where it stops; r says at which
 * repeated ancestor a new entry starts (0: a new row, k: a new element of the k-th repeated
 * ancestor). The writer produced these by walking each row down to every leaf (shredding);
 * the reader undoes it.
 *
 * 1. Open (this file): read the 8-byte tail (footer length, "PAR1"), parse the Thrift footer
 *    (meta.c), then reader_schema.c builds the schema tree with the levels of every node and
 *    maps it to silt fields. For every silt column it records a *plan*: which entries of which
 *    leaf make one of its slots (rep <= r_slot && def >= d_slot), when a slot is valid
 *    (def >= d_valid), and for lists and maps when an entry starts an element
 *    (rep <= r_elem && def >= d_elem). A struct's plan uses its first leaf's levels.
 *
 * 2. Read a row group (this file): the plans name the leaves the projected columns need; each
 *    needed chunk is read in one piece (reader_chunk.c) and its pages are walked in order:
 *    header, CRC, decompression, then the levels (RLE/bit-packed hybrid, or legacy BIT_PACKED)
 *    and the values (reader_values.c: PLAIN, dictionary indices gathered from the dictionary
 *    page, RLE booleans, DELTA_*, BYTE_STREAM_SPLIT). A chunk ends up as flat arrays: def[],
 *    rep[] (one per entry) and the dense non-null values.
 *
 * 3. Assemble (reader_assemble.c): walking a plan top-down, each column counts its slots in the
 *    levels of its leaf, writes validity from def, and for lists/maps writes offsets by counting
 *    element starts between slots; then its children are assembled from the same entries.
 *    At a leaf, dense physical values are converted to silt values (INT96 and millisecond
 *    stamps to microseconds, big-endian decimals to 16-byte little-endian, float16 to float)
 *    and spread over the slots, leaving zeroed gaps at nulls. Flat non-null columns take the
 *    decoded buffer as is, without a copy.
 *
 * Every step checks what it reads against the footer (row counts, value counts, level maxima,
 * byte ranges) and reports SILT_ECORRUPT with the file, column and byte offset. */
#include "parquet/reader_int.h"

#include <stdio.h>
#include <string.h>

#include "util/alloc.h"

/* ---------------------------------------------------------------- open */

/* Reads and parses the footer into r->meta. */
static int read_footer(silt_pq_reader *r, silt_error *err)
{
    silt_pq_source *src = r->src;
    uint8_t tail[8];
    if (src->size < 12) {
        int rc =
            silt_error_set(err, SILT_ECORRUPT,
                           "not a Parquet file: %llu bytes is shorter than the 12-byte minimum",
                           (unsigned long long)src->size);
        silt_error_offset(err, 0);
        return rc;
    }
    int rc = src->ops->read_at(src, src->size - 8, tail, 8, err);
    if (rc) return rc;
    if (memcmp(tail + 4, SILT_PQ_MAGIC, 4) != 0) {
        rc = silt_error_set(err, SILT_ECORRUPT,
                            "not a Parquet file: no PAR1 magic at the end (truncated or not "
                            "Parquet)");
        silt_error_offset(err, (int64_t)src->size - 4);
        return rc;
    }
    uint32_t flen = (uint32_t)tail[0] | (uint32_t)tail[1] << 8 | (uint32_t)tail[2] << 16 |
                    (uint32_t)tail[3] << 24;
    if ((uint64_t)flen + 12 > src->size || flen > SILT_PQR_MAX_FOOTER) {
        rc = silt_error_set(err, SILT_ECORRUPT,
                            "footer length %u does not fit in a file of %llu bytes", flen,
                            (unsigned long long)src->size);
        silt_error_offset(err, (int64_t)src->size - 8);
        return rc;
    }
    uint64_t foff = src->size - 8 - flen;
    uint8_t *footer = silt_malloc(flen ? flen : 1);
    if (!footer) return silt_error_set(err, SILT_ENOMEM, "out of memory reading the footer");
    rc = src->ops->read_at(src, foff, footer, flen, err);
    if (!rc && (rc = silt_pq_file_meta_parse(&r->meta, footer, flen, err)) && err)
        err->offset += (int64_t)foff;
    silt_free(footer);
    return rc;
}

/* Every row group has one chunk per leaf and a row count that is not negative. */
static int check_row_groups(const silt_pq_reader *r, silt_error *err)
{
    const silt_pq_file_meta *m = r->meta;
    for (size_t g = 0; g < m->n_row_groups; g++) {
        const silt_pq_row_group *rg = &m->row_groups[g];
        if (rg->n_columns != (size_t)r->n_leaves)
            return silt_error_set(err, SILT_ECORRUPT,
                                  "row group %zu has %zu column chunks but the schema has %d "
                                  "leaf columns",
                                  g, rg->n_columns, r->n_leaves);
        if (rg->num_rows < 0)
            return silt_error_set(err, SILT_ECORRUPT, "row group %zu has a negative row count", g);
    }
    return 0;
}

int silt_pq_reader_open(silt_pq_reader **out, silt_pq_source *src, silt_error *err)
{
    *out = NULL;
    int rc;
    silt_pq_reader *r = silt_calloc(1, sizeof *r);
    if (!r) return silt_error_set(err, SILT_ENOMEM, "out of memory opening Parquet file");
    r->src = src;
    if ((rc = read_footer(r, err)) || (rc = silt_pqr_schema_build(r, err)) ||
        (rc = check_row_groups(r, err)))
        goto fail;
    *out = r;
    return 0;
fail:
    silt_pq_reader_destroy(r);
    silt_error_path(err, src->name);
    return rc;
}

void silt_pq_reader_destroy(silt_pq_reader *r)
{
    if (!r) return;
    if (r->lds)
        for (int l = 0; l < r->n_leaves; l++) silt_pqr_leaf_data_free(&r->lds[l]);
    silt_free(r->lds);
    silt_free(r->chunk_buf);
    silt_free(r->page_buf);
    if (r->plans && r->schema)
        for (size_t i = 0; i < r->schema->n_fields; i++) silt_pqr_plan_free(&r->plans[i]);
    silt_free(r->plans);
    silt_schema_destroy(r->schema);
    if (r->leaves)
        for (int i = 0; i < r->n_leaves; i++) silt_free(r->leaves[i].path);
    silt_free(r->leaves);
    silt_pqr_node_free(&r->root);
    silt_pq_file_meta_destroy(r->meta);
    silt_free(r);
}

const silt_schema *silt_pq_reader_schema(const silt_pq_reader *r)
{
    return r->schema;
}
const silt_pq_file_meta *silt_pq_reader_meta(const silt_pq_reader *r)
{
    return r->meta;
}
int64_t silt_pq_reader_num_rows(const silt_pq_reader *r)
{
    return r->meta->num_rows;
}
int silt_pq_reader_num_row_groups(const silt_pq_reader *r)
{
    return (int)r->meta->n_row_groups;
}

/* ---------------------------------------------------------------- row groups */

static int no_row_group(const silt_pq_reader *r, int row_group, silt_error *err)
{
    silt_error_set(err, SILT_EINVAL, "row group %d does not exist (the file has %zu)", row_group,
                   r->meta->n_row_groups);
    silt_error_path(err, r->src->name);
    return SILT_EINVAL;
}

/* The projection: *out_cols (owned) holds the field index of each output column and *out_s the
 * projected schema. */
static int project(int **out_cols, silt_schema **out_s, const silt_pq_reader *r, const int *columns,
                   size_t n_columns, silt_error *err)
{
    size_t nf = r->schema->n_fields;
    int *cols = silt_malloc((n_columns ? n_columns : 1) * sizeof *cols);
    silt_schema *s = silt_schema_create(n_columns);
    int rc = 0;
    if (!cols || !s) rc = silt_error_set(err, SILT_ENOMEM, "out of memory reading a row group");
    for (size_t i = 0; i < n_columns && rc == 0; i++) {
        cols[i] = columns ? columns[i] : (int)i;
        if (cols[i] < 0 || (size_t)cols[i] >= nf)
            rc = silt_error_set(err, SILT_EINVAL, "column index %d out of range (%zu fields)",
                                cols[i], nf);
        else if (silt_field_copy(&s->fields[i], &r->schema->fields[cols[i]]))
            rc = silt_error_set(err, SILT_ENOMEM, "out of memory reading a row group");
    }
    if (rc) {
        silt_free(cols);
        silt_schema_destroy(s);
        return rc;
    }
    *out_cols = cols;
    *out_s = s;
    return 0;
}

/* Reads the column chunks of row group rg that the columns cols[0..n) need into r->lds. */
static int read_chunks(silt_pq_reader *r, int rg, const int *cols, size_t n, silt_error *err)
{
    size_t nl = (size_t)(r->n_leaves ? r->n_leaves : 1);
    if (!r->lds) r->lds = silt_calloc(nl, sizeof *r->lds);
    bool *need = silt_calloc(nl, sizeof *need);
    int rc = 0;
    if (!r->lds || !need)
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory reading a row group");
    for (size_t i = 0; i < n && rc == 0; i++) {
        const pq_plan *pl = &r->plans[cols[i]];
        silt_pqr_plan_leaves(pl, need);
        if (r->lazy_dict && !pl->n_children &&
            (pl->type == SILT_TYPE_STRING || pl->type == SILT_TYPE_BINARY))
            r->lds[pl->leaf].lazy = true; /* cleared by the recycle after the row group */
    }
    for (int l = 0; l < r->n_leaves && rc == 0; l++)
        if (need[l]) rc = silt_pqr_read_chunk(r, rg, l, &r->lds[l], err);
    silt_free(need);
    return rc;
}

/* Assembles the columns of b from r->lds; each must have the row group's row count. */
static int assemble_columns(silt_pq_reader *r, silt_batch *b, const int *cols, int64_t want_rows,
                            silt_error *err)
{
    for (size_t i = 0; i < b->schema->n_fields; i++) {
        const pq_plan *pl = &r->plans[cols[i]];
        int rc = silt_pqr_assemble(r, pl, &b->cols[i], r->lds, err);
        if (rc) return rc;
        if (b->cols[i].length != want_rows) {
            chunk_ctx c = {.r = r, .leaf = &r->leaves[pl->leaf], .err = err};
            char msg[96];
            snprintf(msg, sizeof msg, "%lld rows but the row group says %lld",
                     (long long)b->cols[i].length, (long long)want_rows);
            return silt_pqr_chunk_err(&c, SILT_ECORRUPT, r->lds[pl->leaf].chunk_off,
                                      "column has %s", msg);
        }
    }
    return 0;
}

void silt_pq_reader_set_lazy_dict(silt_pq_reader *r, bool on)
{
    r->lazy_dict = on;
}

int silt_pq_reader_read_row_group(silt_pq_reader *r, int row_group, const int *columns,
                                  size_t n_columns, silt_batch **out, silt_error *err)
{
    *out = NULL;
    if (row_group < 0 || (size_t)row_group >= r->meta->n_row_groups)
        return no_row_group(r, row_group, err);
    if (!columns || n_columns == 0) {
        columns = NULL;
        n_columns = r->schema->n_fields;
    }
    int *cols = NULL;
    silt_schema *s = NULL;
    int rc = project(&cols, &s, r, columns, n_columns, err);
    if (rc) return rc;
    silt_batch *b = silt_batch_create_owned(s);
    int64_t want_rows = r->meta->row_groups[row_group].num_rows;
    if (!b)
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory reading a row group");
    else if (!(rc = read_chunks(r, row_group, cols, n_columns, err)) &&
             !(rc = assemble_columns(r, b, cols, want_rows, err)) &&
             (rc = silt_batch_validate(b, err)))
        silt_error_path(err, r->src->name);
    if (r->lds)
        for (int l = 0; l < r->n_leaves; l++) silt_pqr_leaf_data_recycle(&r->lds[l]);
    silt_free(cols);
    if (rc) {
        silt_batch_destroy(b);
        return rc;
    }
    b->n_rows = want_rows;
    *out = b;
    return 0;
}

/* ---------------------------------------------------------------- statistics */

/* Can the chunk's min/max be compared as silt values of field f? */
static bool min_max_usable(const silt_pq_schema_elem *e, const silt_field *f,
                           const silt_pq_stats *st)
{
    if (!st->has_min || !st->has_max || f->is_unsigned) return false;
    switch (f->type) {
    case SILT_TYPE_BOOL:
    case SILT_TYPE_INT8:
    case SILT_TYPE_INT16:
    case SILT_TYPE_INT32:
    case SILT_TYPE_INT64:
    case SILT_TYPE_DATE32:
    case SILT_TYPE_FLOAT:
    case SILT_TYPE_DOUBLE: return e->type != SILT_PQ_FIXED_LEN_BYTE_ARRAY; /* not float16 */
    case SILT_TYPE_TIMESTAMP:
    case SILT_TYPE_TIMESTAMP_NS: return e->type == SILT_PQ_INT64; /* INT96 has no order */
    case SILT_TYPE_STRING:
    case SILT_TYPE_BINARY: return !st->legacy_minmax; /* old writers used signed byte order */
    default: return false;                            /* decimals, fixed-size binary */
    }
}

/* A two-entry leaf_data holding min and max as the chunk's pages would. Returns 0, SILT_ENOMEM,
 * or 1 when their sizes do not fit the physical type (the statistics are then not used). */
static int stats_leaf_data(leaf_data *d, const silt_pq_schema_elem *e, const silt_pq_stats *st)
{
    memset(d, 0, sizeof *d);
    d->n = 2;
    d->is_bin = e->type == SILT_PQ_BYTE_ARRAY;
    d->width = silt_pqr_phys_width(e);
    const silt_pq_bytes *v[2] = {&st->min, &st->max};
    if (d->is_bin) {
        if (silt_pq_bin_reserve(&d->bin, 2, (int64_t)(st->min.len + st->max.len) + 16))
            return SILT_ENOMEM;
        d->bin.offsets[0] = 0;
        for (int i = 0; i < 2; i++) {
            if (v[i]->len) memcpy(d->bin.data + d->bin.len, v[i]->ptr, v[i]->len);
            d->bin.len += (int64_t)v[i]->len;
            d->bin.offsets[++d->bin.n] = (int32_t)d->bin.len;
        }
        return 0;
    }
    if (st->min.len != (size_t)d->width || st->max.len != (size_t)d->width) return 1;
    if (silt_pqr_grow_values(d, 2)) return SILT_ENOMEM;
    memcpy(d->fixed, st->min.ptr, (size_t)d->width);
    memcpy(d->fixed + d->width, st->max.ptr, (size_t)d->width);
    d->n_values = 2;
    return 0;
}

static bool has_nan(const silt_column *c)
{
    for (int64_t i = 0; i < 2; i++) {
        double x = c->type == SILT_TYPE_FLOAT ? ((const float *)(const void *)c->values)[i]
                                              : ((const double *)(const void *)c->values)[i];
        if (x != x) return true;
    }
    return false;
}

/* Converts the chunk's min/max into out->min_max. */
static int stats_min_max(silt_pq_rg_stats *out, silt_pq_reader *r, const pq_plan *pl,
                         const silt_field *f, const silt_pq_stats *st, silt_error *err)
{
    leaf_data d;
    silt_error ignored = {0}; /* values that do not convert only make the statistics unusable */
    int rc = stats_leaf_data(&d, pl->e, st);
    if (rc == 0 && (rc = silt_column_init(&out->min_max, f)) != 0) rc = SILT_ENOMEM;
    if (rc == 0) rc = silt_pqr_assemble_leaf(r, pl, &out->min_max, &d, 2, &ignored);
    silt_pqr_leaf_data_free(&d);
    if (rc == SILT_ENOMEM) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    out->has_min_max =
        rc == 0 && out->min_max.length == 2 &&
        !((f->type == SILT_TYPE_FLOAT || f->type == SILT_TYPE_DOUBLE) && has_nan(&out->min_max));
    return 0;
}

int silt_pq_reader_row_group_stats(silt_pq_rg_stats *out, silt_pq_reader *r, int row_group,
                                   int column, silt_error *err)
{
    memset(out, 0, sizeof *out);
    out->null_count = -1;
    if (row_group < 0 || (size_t)row_group >= r->meta->n_row_groups)
        return no_row_group(r, row_group, err);
    if (column < 0 || (size_t)column >= r->schema->n_fields)
        return silt_error_set(err, SILT_EINVAL, "column index %d out of range (%zu fields)", column,
                              r->schema->n_fields);
    const pq_plan *pl = &r->plans[column];
    const silt_pq_column_chunk *cc = &r->meta->row_groups[row_group].columns[pl->leaf];
    out->num_values = cc->has_meta ? cc->meta.num_values : -1;
    if (!pl->e || !cc->has_meta || !cc->meta.has_stats) return 0; /* nested: no usable stats */
    const silt_pq_stats *st = &cc->meta.stats;
    const silt_field *f = &r->schema->fields[column];
    if (st->has_null_count) out->null_count = st->null_count;
    if (!min_max_usable(pl->e, f, st)) return 0;
    int rc = stats_min_max(out, r, pl, f, st, err);
    if (rc) silt_pq_rg_stats_clear(out);
    return rc;
}

void silt_pq_rg_stats_clear(silt_pq_rg_stats *s)
{
    silt_column_clear(&s->min_max);
    s->has_min_max = false;
}
