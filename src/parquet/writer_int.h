/* Declarations shared by the files of the Parquet writer (writer.c, writer_shred.c,
 * writer_schema.c, writer_chunk.c, writer_stats.c, writer_footer.c); not part of the public
 * interface. */
#ifndef SILT_PARQUET_WRITER_INT_H
#define SILT_PARQUET_WRITER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "parquet/compress.h"
#include "parquet/format.h"
#include "parquet/thrift_enc.h"
#include "parquet/writer.h"
#include "util/buf.h"

/* How a leaf's batch values become Parquet physical values. */
typedef enum {
    K_BOOL,
    K_I8,
    K_U8,
    K_I16,
    K_U16,
    K_I32,
    K_I64,
    K_DEC32,
    K_DEC64,
    K_FLOAT,
    K_DOUBLE,
    K_BYTES,
    K_FIXED,
    K_DECFLBA,
} leaf_kind;

/* Orderings for statistics. */
typedef enum { O_I32, O_U32, O_I64, O_U64, O_F32, O_F64, O_BOOL, O_BYTES, O_DEC_BE } leaf_order;

/* One step from a top-level column down to a leaf. */
typedef struct step {
    const silt_field *field;
    bool optional;
    uint32_t child;    /* STRUCT: child index; MAP: 0 key, 1 value */
    uint8_t rep_level; /* LIST/MAP: repetition level of the repeated group */
} step;

/* Values in physical form: fixed-width values back to back, or byte arrays as concatenated
 * bytes plus the end offset of each. */
typedef struct vals {
    silt_buf data;
    silt_buf ends; /* int64 per value, byte arrays only */
    size_t n;
} vals;

typedef struct leaf {
    char *path;
    char **names;
    size_t n_names;
    const silt_field *field;
    size_t top;
    step *steps;
    size_t n_steps;
    leaf_kind kind;
    leaf_order order;
    silt_pq_type ptype;
    int32_t width; /* fixed-width physical bytes (1 for bool), 0 for byte arrays */
    uint8_t max_def, max_rep;
    bool repeated;
    /* the current column chunk */
    silt_buf def, rep;
    size_t n_levels;
    bool dict_mode;
    vals dict, raw;
    silt_buf idx;    /* uint32 dictionary index per value */
    silt_buf hashes; /* uint64 per dictionary entry */
    uint32_t *slots; /* entry + 1, 0 = empty */
    size_t slot_cap;
    int64_t dict_bytes;
    int64_t plain_bytes;
    bool oom;
    /* the file so far */
    int64_t null_count;
    bool has_mm;
    silt_buf fmin, fmax;
    silt_pq_column_stats stats;
    silt_column mm;
    bool mm_init;
} leaf;

struct silt_pq_writer {
    silt_pq_sink *sink;
    silt_schema *schema;
    silt_pq_writer_options opts;
    char **kv_keys, **kv_values;
    leaf *leaves;
    size_t n_leaves;
    silt_pq_compressor *comp;
    silt_buf page, cpage, hdr, tmp, smin, smax;
    silt_buf rg_meta; /* encoded RowGroup structs */
    size_t n_row_groups;
    int64_t rg_rows, total_rows;
    uint64_t start_offset, file_size;
    bool failed, closed;
};

static inline int put4(silt_buf *b, uint32_t v)
{
    if (b->cap - b->len < 4 || b->oom)
        if (silt_buf_reserve(b, 4)) return SILT_ENOMEM;
    memcpy(b->ptr + b->len, &v, 4);
    b->len += 4;
    return 0;
}

static inline int put8(silt_buf *b, uint64_t v)
{
    if (b->cap - b->len < 8 || b->oom)
        if (silt_buf_reserve(b, 8)) return SILT_ENOMEM;
    memcpy(b->ptr + b->len, &v, 8);
    b->len += 8;
    return 0;
}

static inline int64_t vals_end(const vals *v, size_t i)
{
    int64_t e;
    memcpy(&e, v->ends.ptr + i * 8, 8);
    return e;
}

/* Pointer to value i of v, its length in *len. */
static inline const uint8_t *vals_get(const leaf *L, const vals *v, size_t i, size_t *len)
{
    if (L->width) {
        *len = (size_t)L->width;
        return v->data.ptr + i * (size_t)L->width;
    }
    int64_t s = i ? vals_end(v, i - 1) : 0;
    *len = (size_t)(vals_end(v, i) - s);
    return v->data.ptr ? v->data.ptr + s : v->data.ptr; /* no bytes yet: only empty values */
}

/* ---- writer_shred.c */

void silt_pqw_vals_reset(vals *v);
void silt_pqw_vals_free(vals *v);
int silt_pqw_vals_push(const leaf *L, vals *v, const uint8_t *p, size_t len);
/* Empties the leaf's dictionary (entries, indexes, hash slots). */
void silt_pqw_dict_clear(leaf *L);
/* Moves the chunk's values from dictionary form to raw form. Returns 0 or SILT_ENOMEM. */
int silt_pqw_dict_to_raw(leaf *L);
/* Appends the levels and values of rows [r0, r1) of top-level column c to leaf L (dictionary
 * limit in bytes); an allocation failure sets L->oom. */
void silt_pqw_shred(leaf *L, const silt_column *c, int64_t r0, int64_t r1, int64_t limit);

/* ---- writer_schema.c */

/* The physical type, kind, width and order of a leaf of field f. Returns 0 or SILT_EINVAL /
 * SILT_EUNSUPPORTED with err set (err may be NULL). */
int silt_pqw_leaf_setup(leaf *L, const silt_field *f, silt_error *err);
/* Allocates and fills w->leaves from w->schema. Returns 0 or a SILT_E* code with err set. */
int silt_pqw_build_leaves(silt_pq_writer *w, silt_error *err);

/* ---- writer_chunk.c */

/* Appends n bytes to the sink, prefixing an error with "parquet writer". */
int silt_pqw_sink_write(silt_pq_writer *w, const void *p, size_t n, silt_error *err);
/* Writes the buffered rows as one row group (nothing when there are none). */
int silt_pqw_flush_row_group(silt_pq_writer *w, silt_error *err);

/* ---- writer_stats.c */

/* The bounds of the chunk just buffered, as the ColumnChunk's Statistics will hold them. */
typedef struct chunk_stats {
    int64_t nulls;
    bool has_min_max; /* w->smin / w->smax hold min and max (truncated) */
    bool min_exact, max_exact;
} chunk_stats;
/* Computes the chunk's statistics into *out (and w->smin / w->smax) and merges them into the
 * file's (L->fmin, L->fmax, L->null_count). Returns 0 or SILT_ENOMEM. */
int silt_pqw_chunk_stats(chunk_stats *out, silt_pq_writer *w, leaf *L, size_t n_values);
/* Fills each leaf's silt_pq_column_stats after the footer is written. Returns 0 or SILT_ENOMEM. */
int silt_pqw_build_stats(silt_pq_writer *w);

/* ---- writer_footer.c */

/* Writes the FileMetaData, its length and the closing magic. */
int silt_pqw_write_footer(silt_pq_writer *w, silt_error *err);

#endif
