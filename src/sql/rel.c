/* Relations (lists of batches) and row gathering: the executor's way of moving selected,
 * sorted or joined rows into new batches with tight loops per physical layout. */
#include <string.h>

#include "sql/exec.h"
#include "util/alloc.h"
#include "util/hot.h"

int sql_gather(silt_column *dst, const silt_column *src, const int64_t *idx, int64_t n)
{
    bool fresh = dst->length == 0;
    int rc = silt_column_gather(dst, src, idx, n);
    /* a column gathered whole from one with a dictionary view keeps the view */
    if (!rc && fresh) rc = silt_column_share_dict(dst, src, idx, n);
    return rc;
}

/* values[codes[r]] for a source without nulls: 4- and 8-byte values and booleans. */
SILT_HOT static bool gather_codes_fast(silt_column *dst, const silt_column *values,
                                       const int32_t *codes, int64_t n)
{
    int w = values->byte_width;
    if ((values->validity && values->null_count) || values->n_children) return false;
    if (values->type == SILT_TYPE_BOOL) {
        /* each distinct value's bit as a byte, then eight rows to an output byte */
        uint8_t stack[1024], *lut = stack;
        int64_t nd = values->length;
        if (nd > (int64_t)sizeof stack && !(lut = silt_malloc((size_t)nd))) return false;
        for (int64_t d = 0; d < nd; d++) lut[d] = silt_bit_get(values->values, d);
        int64_t i = 0;
        for (; i + 8 <= n; i += 8) {
            const int32_t *c = codes + i;
            dst->values[i >> 3] =
                (uint8_t)(lut[c[0]] | lut[c[1]] << 1 | lut[c[2]] << 2 | lut[c[3]] << 3 |
                          lut[c[4]] << 4 | lut[c[5]] << 5 | lut[c[6]] << 6 | lut[c[7]] << 7);
        }
        if (i < n) {
            uint8_t byte = 0;
            for (int64_t j = 0; i + j < n; j++) byte |= (uint8_t)(lut[codes[i + j]] << j);
            dst->values[i >> 3] = byte;
        }
        if (lut != stack) silt_free(lut);
    } else if (w == 8) {
        const uint64_t *v = (const uint64_t *)(const void *)values->values;
        uint64_t *o = (uint64_t *)(void *)dst->values;
        for (int64_t i = 0; i < n; i++) o[i] = v[codes[i]];
    } else if (w == 4) {
        const uint32_t *v = (const uint32_t *)(const void *)values->values;
        uint32_t *o = (uint32_t *)(void *)dst->values;
        for (int64_t i = 0; i < n; i++) o[i] = v[codes[i]];
    } else {
        return false;
    }
    dst->length = n;
    return true;
}

int sql_gather_codes(silt_column *dst, const silt_column *values, const int32_t *codes, int64_t n,
                     silt_dict *dict)
{
    int rc = 0;
    bool fast =
        (values->type == SILT_TYPE_BOOL || values->byte_width == 4 || values->byte_width == 8) &&
        values->type != SILT_TYPE_STRING && values->type != SILT_TYPE_BINARY;
    if (fast && (rc = silt_column_reserve(dst, n, 0))) return rc;
    if (!fast || !gather_codes_fast(dst, values, codes, n)) {
        int64_t *idx = silt_malloc((size_t)(n ? n : 1) * sizeof *idx);
        if (!idx) return SILT_ENOMEM;
        for (int64_t i = 0; i < n; i++) idx[i] = codes[i];
        rc = silt_column_gather(dst, values, idx, n);
        silt_free(idx);
        if (rc) return rc;
    }
    if (!dict || n <= 0) return 0;
    if (!(dst->codes = silt_malloc((size_t)n * sizeof *dst->codes))) return SILT_ENOMEM;
    memcpy(dst->codes, codes, (size_t)n * sizeof *codes);
    dst->dict = dict;
    silt_dict_retain(dict);
    dst->dict_rows = n;
    return 0;
}

int sql_col_nulls(silt_column *dst, int64_t n)
{
    bool plain = dst->type == SILT_TYPE_BOOL || dst->type == SILT_TYPE_STRING ||
                 dst->type == SILT_TYPE_BINARY || dst->byte_width > 0;
    if (dst->n_children || dst->length || !plain) {
        for (int64_t i = 0; i < n; i++)
            if (silt_column_append_null(dst)) return SILT_ENOMEM;
        return 0;
    }
    size_t rows = (size_t)(n ? n : 1), bits = (rows + 7) / 8;
    bool offs = dst->type == SILT_TYPE_STRING || dst->type == SILT_TYPE_BINARY;
    uint8_t *validity = silt_calloc(bits, 1);
    void *vals = dst->type == SILT_TYPE_BOOL ? silt_calloc(bits, 1)
                 : offs                      ? silt_calloc(1, 16)
                                             : silt_calloc(rows, (size_t)dst->byte_width);
    int32_t *off = offs ? silt_calloc(rows + 1, sizeof *off) : NULL;
    if (!validity || !vals || (offs && !off)) {
        silt_free(validity);
        silt_free(vals);
        silt_free(off);
        return SILT_ENOMEM;
    }
    silt_free(dst->validity);
    silt_free(dst->values);
    silt_free(dst->offsets);
    dst->validity = validity;
    dst->values = vals;
    dst->offsets = off;
    dst->cap_rows = (int64_t)rows;
    dst->cap_bytes = offs ? 16 : 0;
    dst->length = n;
    dst->null_count = n;
    return 0;
}

int sql_gather_batch(silt_batch **out, const silt_batch *b, const silt_schema *schema,
                     const int64_t *idx, int64_t n)
{
    silt_batch *o = silt_batch_create(schema);
    if (!o) return SILT_ENOMEM;
    for (size_t c = 0; c < o->n_cols; c++) {
        int rc = sql_gather(&o->cols[c], &b->cols[c], idx, n);
        if (rc) {
            silt_batch_destroy(o);
            return rc;
        }
    }
    o->n_rows = n;
    *out = o;
    return 0;
}

int sql_rel_push(sql_rel *r, silt_batch *b)
{
    if (r->n == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 8;
        silt_batch **nb = silt_realloc(r->b, nc * sizeof *nb);
        if (!nb) {
            silt_batch_destroy(b);
            return SILT_ENOMEM;
        }
        r->b = nb;
        r->cap = nc;
    }
    r->b[r->n++] = b;
    return 0;
}

void sql_rel_free(sql_rel *r)
{
    for (size_t i = 0; i < r->n; i++) silt_batch_destroy(r->b[i]);
    silt_free(r->b);
    memset(r, 0, sizeof *r);
}

int64_t sql_rel_rows(const sql_rel *r)
{
    int64_t n = 0;
    for (size_t i = 0; i < r->n; i++) n += r->b[i]->n_rows;
    return n;
}

int sql_rel_concat(silt_batch **out, const sql_rel *r, const silt_schema *schema)
{
    silt_batch *o = silt_batch_create(schema);
    if (!o) return SILT_ENOMEM;
    for (size_t i = 0; i < r->n; i++) {
        for (size_t c = 0; c < o->n_cols; c++) {
            int rc = silt_column_append_range(&o->cols[c], &r->b[i]->cols[c], 0, r->b[i]->n_rows);
            if (rc) {
                silt_batch_destroy(o);
                return rc;
            }
        }
        o->n_rows += r->b[i]->n_rows;
    }
    *out = o;
    return 0;
}
