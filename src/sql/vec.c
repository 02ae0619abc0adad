/* Column vectors of the executor: allocation and validity of result columns, gathering rows
 * by index, hashing, equality and ordering of single values, and relations (lists of
 * batches). */
#include <string.h>

#include "sql/exec.h"
#include "util/alloc.h"
#include "util/hash.h"

void sql_vec_free(sql_vec *v)
{
    if (v->owned) silt_column_clear(&v->own);
    memset(v, 0, sizeof *v);
}

int sql_col_alloc(silt_column *out, const silt_field *t, int64_t n)
{
    int rc = silt_column_init(out, t);
    if (rc) return rc;
    if ((rc = silt_column_reserve(out, n > 0 ? n : 1, 0))) return rc;
    if (out->byte_width > 0 && out->type != SILT_TYPE_STRUCT && out->type != SILT_TYPE_LIST &&
        out->type != SILT_TYPE_MAP && out->type != SILT_TYPE_STRING &&
        out->type != SILT_TYPE_BINARY)
        out->length = n;
    if (out->type == SILT_TYPE_BOOL) out->length = n;
    return 0;
}

static int ensure_validity(silt_column *c)
{
    if (c->validity) return 0;
    int64_t nb = (c->cap_rows + 7) / 8;
    c->validity = silt_malloc((size_t)(nb ? nb : 1));
    if (!c->validity) return SILT_ENOMEM;
    memset(c->validity, 0xff, (size_t)(nb ? nb : 1));
    return 0;
}

int sql_col_set_null(silt_column *out, int64_t i)
{
    if (ensure_validity(out)) return SILT_ENOMEM;
    if (silt_bit_get(out->validity, i)) out->null_count++;
    silt_bit_set(out->validity, i, false);
    return 0;
}

void sql_col_count_nulls(silt_column *c)
{
    c->null_count = 0;
    if (!c->validity) return;
    for (int64_t i = 0; i < c->length; i++)
        if (!silt_bit_get(c->validity, i)) c->null_count++;
}

int sql_col_validity_and(silt_column *out, const sql_vec *const *v, size_t nv, int64_t n)
{
    bool any = false;
    for (size_t k = 0; k < nv; k++)
        if (v[k]->c->validity && v[k]->c->null_count) any = true;
    if (!any) return 0;
    if (ensure_validity(out)) return SILT_ENOMEM;
    for (size_t k = 0; k < nv; k++) {
        const sql_vec *x = v[k];
        if (!x->c->validity || !x->c->null_count) continue;
        if (x->is_const) {
            if (!silt_bit_get(x->c->validity, 0)) memset(out->validity, 0, (size_t)(n + 7) / 8);
        } else {
            for (int64_t b = 0; b < (n + 7) / 8; b++) out->validity[b] &= x->c->validity[b];
        }
    }
    out->null_count = 0;
    for (int64_t i = 0; i < n; i++)
        if (!silt_bit_get(out->validity, i)) out->null_count++;
    return 0;
}

/* ---- single values ---- */

static bool is_intlike(silt_type_id t)
{
    return (t >= SILT_TYPE_INT8 && t <= SILT_TYPE_INT64) || t == SILT_TYPE_DATE32 ||
           t == SILT_TYPE_TIMESTAMP || t == SILT_TYPE_TIMESTAMP_NS || t == SILT_TYPE_BOOL;
}

static __int128 dec_get(const silt_column *c, int64_t i)
{
    __int128 v;
    memcpy(&v, c->values + i * 16, 16);
    return v;
}

uint64_t sql_hash_row(const silt_column *c, int64_t i, uint64_t seed)
{
    if (!silt_column_is_valid(c, i)) return silt_hash_u64(seed ^ 0x9e3779b97f4a7c15ull);
    if (is_intlike(c->type)) return silt_hash_u64(seed ^ (uint64_t)silt_column_get_int(c, i));
    switch (c->type) {
    case SILT_TYPE_FLOAT: {
        double d = ((const float *)c->values)[i];
        if (d == 0) d = 0;
        return silt_hash_bytes(&d, 8, seed);
    }
    case SILT_TYPE_DOUBLE: {
        double d = ((const double *)c->values)[i];
        if (d == 0) d = 0;
        if (d != d) d = __builtin_nan("");
        return silt_hash_bytes(&d, 8, seed);
    }
    case SILT_TYPE_DECIMAL: return silt_hash_bytes(c->values + i * 16, 16, seed);
    case SILT_TYPE_STRING:
    case SILT_TYPE_BINARY:
    case SILT_TYPE_FIXED_BINARY: {
        size_t len;
        const uint8_t *p = silt_column_bytes(c, i, &len);
        return silt_hash_bytes(p, len, seed);
    }
    case SILT_TYPE_STRUCT: {
        uint64_t h = seed;
        for (size_t k = 0; k < c->n_children; k++) h = sql_hash_row(&c->children[k], i, h);
        return h;
    }
    case SILT_TYPE_LIST:
    case SILT_TYPE_MAP: {
        uint64_t h = seed + 7;
        for (int32_t k = c->offsets[i]; k < c->offsets[i + 1]; k++)
            h = sql_hash_row(&c->children[0], k, h);
        return h;
    }
    default: return seed;
    }
}

static int cmp_nested(const silt_column *a, int64_t i, const silt_column *b, int64_t j)
{
    if (a->type == SILT_TYPE_STRUCT) {
        for (size_t k = 0; k < a->n_children; k++) {
            bool va = silt_column_is_valid(&a->children[k], i);
            bool vb = silt_column_is_valid(&b->children[k], j);
            if (!va || !vb) {
                if (va != vb) return va ? 1 : -1;
                continue;
            }
            int c = sql_compare_rows(&a->children[k], i, &b->children[k], j);
            if (c) return c;
        }
        return 0;
    }
    int32_t na = a->offsets[i + 1] - a->offsets[i], nb = b->offsets[j + 1] - b->offsets[j];
    for (int32_t k = 0; k < na && k < nb; k++) {
        const silt_column *ca = &a->children[0], *cb = &b->children[0];
        int64_t x = a->offsets[i] + k, y = b->offsets[j] + k;
        bool va = silt_column_is_valid(ca, x), vb = silt_column_is_valid(cb, y);
        if (!va || !vb) {
            if (va != vb) return va ? 1 : -1;
            continue;
        }
        int c = sql_compare_rows(ca, x, cb, y);
        if (c) return c;
    }
    return na < nb ? -1 : na > nb;
}

int sql_compare_rows(const silt_column *a, int64_t i, const silt_column *b, int64_t j)
{
    if (is_intlike(a->type)) {
        int64_t x = silt_column_get_int(a, i), y = silt_column_get_int(b, j);
        return x < y ? -1 : x > y;
    }
    switch (a->type) {
    case SILT_TYPE_FLOAT:
    case SILT_TYPE_DOUBLE: {
        double x = a->type == SILT_TYPE_FLOAT ? ((const float *)a->values)[i]
                                              : ((const double *)a->values)[i];
        double y = b->type == SILT_TYPE_FLOAT ? ((const float *)b->values)[j]
                                              : ((const double *)b->values)[j];
        if (x != x || y != y) return (x != x) - (y != y); /* NaN is the largest */
        return x < y ? -1 : x > y;
    }
    case SILT_TYPE_DECIMAL: {
        __int128 x = dec_get(a, i), y = dec_get(b, j);
        return x < y ? -1 : x > y;
    }
    case SILT_TYPE_STRING:
    case SILT_TYPE_BINARY:
    case SILT_TYPE_FIXED_BINARY: {
        size_t la, lb;
        const uint8_t *pa = silt_column_bytes(a, i, &la), *pb = silt_column_bytes(b, j, &lb);
        int c = memcmp(pa, pb, la < lb ? la : lb);
        if (c) return c < 0 ? -1 : 1;
        return la < lb ? -1 : la > lb;
    }
    default: return cmp_nested(a, i, b, j);
    }
}

bool sql_rows_equal(const silt_column *a, int64_t i, const silt_column *b, int64_t j)
{
    bool va = silt_column_is_valid(a, i), vb = silt_column_is_valid(b, j);
    if (!va || !vb) return va == vb;
    if (a->type == SILT_TYPE_DOUBLE || a->type == SILT_TYPE_FLOAT) {
        double x = a->type == SILT_TYPE_FLOAT ? ((const float *)a->values)[i]
                                              : ((const double *)a->values)[i];
        double y = b->type == SILT_TYPE_FLOAT ? ((const float *)b->values)[j]
                                              : ((const double *)b->values)[j];
        return x == y || (x != x && y != y);
    }
    return sql_compare_rows(a, i, b, j) == 0;
}
