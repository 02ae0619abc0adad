/* Rows picked by index: tight loops per physical layout (fixed width, bytes, a lazy column's
 * codes), row by row for nested columns. Shared by the SQL engine's gathers and the pipeline's
 * partitioned writes. */
#include <string.h>

#include "batch/batch.h"
#include "util/alloc.h"

static int gather_fixed(silt_column *dst, const silt_column *src, const int64_t *idx, int64_t n)
{
    int rc = silt_column_reserve(dst, n, 0);
    if (rc) return rc;
    int64_t base = dst->length;
    size_t w = (size_t)src->byte_width;
    bool nulls = src->validity && src->null_count;
    for (int64_t k = 0; k < n && !nulls; k++)
        if (idx[k] < 0) nulls = true;
    if (nulls && !dst->validity) {
        int64_t nb = (dst->cap_rows + 7) / 8;
        dst->validity = silt_malloc((size_t)(nb ? nb : 1));
        if (!dst->validity) return SILT_ENOMEM;
        memset(dst->validity, 0xff, (size_t)(nb ? nb : 1));
    }
    if (!dst->validity && (w == 8 || w == 4) && src->type != SILT_TYPE_BOOL) {
        /* no nulls in or out: a typed copy per row */
        if (w == 8) {
            uint64_t *d = (uint64_t *)dst->values + base;
            const uint64_t *v = (const uint64_t *)src->values;
            for (int64_t k = 0; k < n; k++) d[k] = v[idx[k]];
        } else {
            uint32_t *d = (uint32_t *)dst->values + base;
            const uint32_t *v = (const uint32_t *)src->values;
            for (int64_t k = 0; k < n; k++) d[k] = v[idx[k]];
        }
        dst->length += n;
        return 0;
    }
    for (int64_t k = 0; k < n; k++) {
        int64_t i = idx[k];
        bool valid = i >= 0 && silt_column_is_valid(src, i);
        if (src->type == SILT_TYPE_BOOL)
            silt_bit_set(dst->values, base + k, i >= 0 && silt_bit_get(src->values, i));
        else if (i >= 0)
            memcpy(dst->values + (size_t)(base + k) * w, src->values + (size_t)i * w, w);
        else
            memset(dst->values + (size_t)(base + k) * w, 0, w);
        if (dst->validity) silt_bit_set(dst->validity, base + k, valid);
        if (!valid) dst->null_count++;
    }
    dst->length += n;
    return 0;
}

static int gather_bytes(silt_column *dst, const silt_column *src, const int64_t *idx, int64_t n)
{
    int64_t bytes = 0;
    for (int64_t k = 0; k < n; k++)
        if (idx[k] >= 0) bytes += src->offsets[idx[k] + 1] - src->offsets[idx[k]];
    int rc = silt_column_reserve(dst, n, bytes);
    if (rc) return rc;
    for (int64_t k = 0; k < n; k++) {
        int64_t i = idx[k];
        if (i < 0 || !silt_column_is_valid(src, i)) {
            if ((rc = silt_column_append_null(dst))) return rc;
            continue;
        }
        int32_t o = dst->offsets[dst->length], len = src->offsets[i + 1] - src->offsets[i];
        if (len) memcpy(dst->values + o, src->values + src->offsets[i], (size_t)len);
        dst->offsets[dst->length + 1] = o + len;
        if (dst->validity) silt_bit_set(dst->validity, dst->length, true);
        dst->length++;
    }
    return 0;
}

/* Rows of a lazy column (silt_column.lazy): only the rows kept get their bytes. */
static int gather_lazy(silt_column *dst, const silt_column *src, const int64_t *idx, int64_t n)
{
    int32_t buf[1024];
    int rc = 0;
    for (int64_t k = 0; k < n && !rc;) {
        if (idx[k] < 0) {
            rc = silt_column_append_null(dst);
            k++;
            continue;
        }
        int64_t m = 0;
        for (; k < n && idx[k] >= 0 && m < 1024; k++) buf[m++] = src->codes[idx[k]];
        rc = silt_column_append_codes(dst, &src->dict->values, buf, m);
    }
    return rc;
}

int silt_column_gather(silt_column *dst, const silt_column *src, const int64_t *idx, int64_t n)
{
    if (src->lazy) return gather_lazy(dst, src, idx, n);
    if (src->type == SILT_TYPE_STRING || src->type == SILT_TYPE_BINARY)
        return gather_bytes(dst, src, idx, n);
    if (src->type == SILT_TYPE_BOOL || (src->byte_width > 0 && src->type != SILT_TYPE_STRUCT &&
                                        src->type != SILT_TYPE_LIST && src->type != SILT_TYPE_MAP))
        return gather_fixed(dst, src, idx, n);
    for (int64_t k = 0; k < n; k++) {
        int rc = idx[k] < 0 ? silt_column_append_null(dst)
                            : silt_column_append_range(dst, src, idx[k], 1);
        if (rc) return rc;
    }
    return 0;
}
