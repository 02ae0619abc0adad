/* Parquet writer, statistics: min / max / null count of each column chunk (merged into the
 * file's), truncation of byte-array bounds, and the per-column statistics callers read after
 * close. */
#include "parquet/writer_int.h"

#include <math.h>
#include <string.h>

static int cmp_vals(const leaf *L, const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    switch (L->order) {
    case O_I32: {
        int32_t x, y;
        memcpy(&x, a, 4), memcpy(&y, b, 4);
        return (x > y) - (x < y);
    }
    case O_U32: {
        uint32_t x, y;
        memcpy(&x, a, 4), memcpy(&y, b, 4);
        return (x > y) - (x < y);
    }
    case O_I64: {
        int64_t x, y;
        memcpy(&x, a, 8), memcpy(&y, b, 8);
        return (x > y) - (x < y);
    }
    case O_U64: {
        uint64_t x, y;
        memcpy(&x, a, 8), memcpy(&y, b, 8);
        return (x > y) - (x < y);
    }
    case O_F32: {
        float x, y;
        memcpy(&x, a, 4), memcpy(&y, b, 4);
        return (x > y) - (x < y);
    }
    case O_F64: {
        double x, y;
        memcpy(&x, a, 8), memcpy(&y, b, 8);
        return (x > y) - (x < y);
    }
    case O_BOOL: return (a[0] > b[0]) - (a[0] < b[0]);
    case O_DEC_BE:
        if ((a[0] ^ b[0]) & 0x80) return (a[0] & 0x80) ? -1 : 1;
        return memcmp(a, b, al);
    case O_BYTES: {
        size_t m = al < bl ? al : bl;
        int c = m ? memcmp(a, b, m) : 0;
        if (c) return c;
        return (al > bl) - (al < bl);
    }
    }
    return 0;
}

static bool is_nan(const leaf *L, const uint8_t *p)
{
    if (L->order == O_F32) {
        float x;
        memcpy(&x, p, 4);
        return isnan(x);
    }
    if (L->order == O_F64) {
        double x;
        memcpy(&x, p, 8);
        return isnan(x);
    }
    return false;
}

/* Min and max of the values of V into mn / mx (plain form). Returns false when there is no
 * value (all null or NaN). */
static bool vals_min_max(const leaf *L, const vals *V, silt_buf *mn, silt_buf *mx)
{
    const uint8_t *pmin = NULL, *pmax = NULL;
    size_t lmin = 0, lmax = 0;
    bool fl = L->order == O_F32 || L->order == O_F64;
    for (size_t e = 0; e < V->n; e++) {
        size_t len;
        const uint8_t *p = vals_get(L, V, e, &len);
        if (fl && is_nan(L, p)) continue;
        if (!pmin) {
            pmin = pmax = p;
            lmin = lmax = len;
        } else if (cmp_vals(L, p, len, pmin, lmin) < 0) {
            pmin = p, lmin = len;
        } else if (cmp_vals(L, p, len, pmax, lmax) > 0) {
            pmax = p, lmax = len;
        }
    }
    silt_buf_reset(mn);
    silt_buf_reset(mx);
    if (!pmin) return false;
    silt_buf_append(mn, pmin, lmin);
    silt_buf_append(mx, pmax, lmax);
    return true;
}

/* Writers put -0.0 as a zero min and +0.0 as a zero max (parquet.thrift). */
static void normalize_zero(const leaf *L, silt_buf *mn, silt_buf *mx)
{
    if (L->order == O_F32) {
        float a, b;
        memcpy(&a, mn->ptr, 4), memcpy(&b, mx->ptr, 4);
        if (a == 0) a = -0.0f;
        if (b == 0) b = 0.0f;
        memcpy(mn->ptr, &a, 4), memcpy(mx->ptr, &b, 4);
    } else if (L->order == O_F64) {
        double a, b;
        memcpy(&a, mn->ptr, 8), memcpy(&b, mx->ptr, 8);
        if (a == 0) a = -0.0;
        if (b == 0) b = 0.0;
        memcpy(mn->ptr, &a, 8), memcpy(mx->ptr, &b, 8);
    }
}

static size_t utf8_cut(const uint8_t *s, size_t len, size_t limit)
{
    size_t cut = limit < len ? limit : len;
    while (cut > 0 && cut < len && (s[cut] & 0xc0) == 0x80) cut--;
    return cut;
}

static size_t utf8_put(uint8_t *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (uint8_t)(0xc0 | cp >> 6), o[1] = (uint8_t)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (uint8_t)(0xe0 | cp >> 12), o[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (uint8_t)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (uint8_t)(0xf0 | cp >> 18), o[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f)), o[3] = (uint8_t)(0x80 | (cp & 0x3f));
    return 4;
}

/* Truncates a byte-array min (in place, as a prefix) to at most limit bytes; for strings on a
 * UTF-8 boundary. Returns whether the value is still exact. */
static bool trunc_min(const leaf *L, silt_buf *v, size_t limit)
{
    if (!limit || L->ptype != SILT_PQ_BYTE_ARRAY || v->len <= limit) return true;
    v->len = L->field->type == SILT_TYPE_STRING ? utf8_cut(v->ptr, v->len, limit) : limit;
    return false;
}

/* Truncates a byte-array max to at most limit bytes and increments it so it stays an upper
 * bound (the last code point for strings, the last byte for binary, carrying leftwards).
 * Leaves v untouched and returns true (exact) when no shorter upper bound exists. */
static bool trunc_max(const leaf *L, silt_buf *v, size_t limit)
{
    if (!limit || L->ptype != SILT_PQ_BYTE_ARRAY || v->len <= limit) return true;
    uint8_t *s = v->ptr;
    if (L->field->type != SILT_TYPE_STRING) {
        for (size_t n = limit; n > 0; n--) {
            if (s[n - 1] != 0xff) {
                s[n - 1]++;
                v->len = n;
                return false;
            }
        }
        return true;
    }
    size_t n = utf8_cut(s, v->len, limit);
    while (n > 0) {
        size_t st = n - 1;
        while (st > 0 && (s[st] & 0xc0) == 0x80) st--;
        uint32_t cp;
        uint8_t c0 = s[st];
        size_t clen = n - st;
        if (c0 < 0x80)
            cp = c0;
        else if ((c0 & 0xe0) == 0xc0)
            cp = c0 & 0x1f;
        else if ((c0 & 0xf0) == 0xe0)
            cp = c0 & 0x0f;
        else
            cp = c0 & 0x07;
        for (size_t k = st + 1; k < n; k++) cp = cp << 6 | (s[k] & 0x3f);
        uint32_t nx = cp + 1;
        if (nx == 0xd800) nx = 0xe000;
        uint8_t enc[4];
        if (nx <= 0x10ffff) {
            size_t el = utf8_put(enc, nx);
            if (st + el <= limit && (el == clen || clen > 0)) {
                memcpy(s + st, enc, el);
                v->len = st + el;
                return false;
            }
        }
        n = st;
    }
    return true;
}

/* Widens the file's bounds (L->fmin, L->fmax) to include the chunk's (mn, mx). */
static int merge_file_bounds(leaf *L, const silt_buf *mn, const silt_buf *mx)
{
    if (!L->has_mm) {
        silt_buf_reset(&L->fmin), silt_buf_reset(&L->fmax);
        silt_buf_append(&L->fmin, mn->ptr, mn->len);
        silt_buf_append(&L->fmax, mx->ptr, mx->len);
        L->has_mm = true;
    } else {
        if (cmp_vals(L, mn->ptr, mn->len, L->fmin.ptr, L->fmin.len) < 0) {
            silt_buf_reset(&L->fmin);
            silt_buf_append(&L->fmin, mn->ptr, mn->len);
        }
        if (cmp_vals(L, mx->ptr, mx->len, L->fmax.ptr, L->fmax.len) > 0) {
            silt_buf_reset(&L->fmax);
            silt_buf_append(&L->fmax, mx->ptr, mx->len);
        }
    }
    return silt_buf_oom(&L->fmin) || silt_buf_oom(&L->fmax) ? SILT_ENOMEM : 0;
}

int silt_pqw_chunk_stats(chunk_stats *out, silt_pq_writer *w, leaf *L, size_t n_values)
{
    const vals *V = L->dict_mode ? &L->dict : &L->raw;
    out->nulls = (int64_t)(L->n_levels - n_values);
    out->has_min_max = w->opts.statistics && vals_min_max(L, V, &w->smin, &w->smax);
    out->min_exact = out->max_exact = true;
    if (silt_buf_oom(&w->smin) || silt_buf_oom(&w->smax)) return SILT_ENOMEM;
    L->null_count += out->nulls;
    if (!out->has_min_max) return 0;
    normalize_zero(L, &w->smin, &w->smax);
    if (merge_file_bounds(L, &w->smin, &w->smax)) return SILT_ENOMEM;
    out->min_exact = trunc_min(L, &w->smin, (size_t)w->opts.stats_truncate);
    out->max_exact = trunc_max(L, &w->smax, (size_t)w->opts.stats_truncate);
    return 0;
}

/* ---- file statistics for callers ---- */

static int mm_append(leaf *L, const silt_buf *v)
{
    silt_column *c = &L->mm;
    const uint8_t *p = v->ptr;
    int32_t i32;
    int64_t i64;
    switch (L->kind) {
    case K_BOOL: return silt_column_append_bool(c, p[0] != 0);
    case K_I8:
    case K_U8:
    case K_I16:
    case K_U16:
    case K_I32:
        memcpy(&i32, p, 4);
        return silt_column_append_int(
            c, L->kind == K_U8 || L->kind == K_U16 ? (int64_t)(uint32_t)i32 : (int64_t)i32);
    case K_I64: memcpy(&i64, p, 8); return silt_column_append_int(c, i64);
    case K_DEC32: memcpy(&i32, p, 4); return silt_column_append_decimal_i64(c, i32);
    case K_DEC64: memcpy(&i64, p, 8); return silt_column_append_decimal_i64(c, i64);
    case K_FLOAT: {
        float x;
        memcpy(&x, p, 4);
        return silt_column_append_float(c, x);
    }
    case K_DOUBLE: {
        double x;
        memcpy(&x, p, 8);
        return silt_column_append_double(c, x);
    }
    case K_BYTES:
    case K_FIXED: return silt_column_append_bytes(c, v->len ? p : (const uint8_t *)"", v->len);
    case K_DECFLBA: {
        uint8_t le[16];
        memset(le, (p[0] & 0x80) ? 0xff : 0, 16);
        for (size_t k = 0; k < v->len; k++) le[k] = p[v->len - 1 - k];
        return silt_column_append_decimal(c, le);
    }
    }
    return SILT_EINVAL;
}

int silt_pqw_build_stats(silt_pq_writer *w)
{
    for (size_t i = 0; i < w->n_leaves; i++) {
        leaf *L = &w->leaves[i];
        silt_pq_column_stats *s = &L->stats;
        s->path = L->path;
        s->field = L->field;
        s->repeated = L->repeated;
        s->null_count = L->null_count;
        s->has_min_max = L->has_mm;
        s->min_exact = s->max_exact = true;
        if (silt_column_init(&L->mm, L->field)) return SILT_ENOMEM;
        L->mm_init = true;
        s->min_max = &L->mm;
        if (!L->has_mm) continue;
        s->min_exact = trunc_min(L, &L->fmin, (size_t)w->opts.stats_truncate);
        s->max_exact = trunc_max(L, &L->fmax, (size_t)w->opts.stats_truncate);
        if (mm_append(L, &L->fmin) || mm_append(L, &L->fmax)) return SILT_ENOMEM;
    }
    return 0;
}
