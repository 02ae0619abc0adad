/* Parquet writer, shredding: walks each row of a batch down to every leaf column, appending
 * its definition / repetition levels and its value, dictionary-encoded as it goes (falling back
 * to plain values when the dictionary outgrows its limit). */
#include "parquet/writer_int.h"

#include <string.h>

#include "util/alloc.h"
#include "util/hash.h"

/* ---- values ---- */

void silt_pqw_vals_reset(vals *v)
{
    silt_buf_reset(&v->data);
    silt_buf_reset(&v->ends);
    v->n = 0;
}

void silt_pqw_vals_free(vals *v)
{
    silt_buf_free(&v->data);
    silt_buf_free(&v->ends);
    v->n = 0;
}

int silt_pqw_vals_push(const leaf *L, vals *v, const uint8_t *p, size_t len)
{
    if (silt_buf_append(&v->data, p, len)) return SILT_ENOMEM;
    if (!L->width && put8(&v->ends, (uint64_t)v->data.len)) return SILT_ENOMEM;
    v->n++;
    return 0;
}

/* ---- dictionary ---- */

void silt_pqw_dict_clear(leaf *L)
{
    silt_pqw_vals_reset(&L->dict);
    silt_buf_reset(&L->idx);
    silt_buf_reset(&L->hashes);
    if (L->slots) memset(L->slots, 0, L->slot_cap * sizeof *L->slots);
    L->dict_bytes = 0;
}

/* Moves the chunk's values from dictionary form to raw form. */
int silt_pqw_dict_to_raw(leaf *L)
{
    size_t n = L->idx.len / 4;
    const uint32_t *ix = (const uint32_t *)L->idx.ptr;
    if (L->width) {
        if (silt_buf_reserve(&L->raw.data, n * (size_t)L->width)) return SILT_ENOMEM;
    } else if (silt_buf_reserve(&L->raw.ends, n * 8)) {
        return SILT_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const uint8_t *p = vals_get(L, &L->dict, ix[i], &len);
        if (silt_pqw_vals_push(L, &L->raw, p, len)) return SILT_ENOMEM;
    }
    silt_pqw_dict_clear(L);
    L->dict_mode = false;
    return 0;
}

static int dict_grow(leaf *L)
{
    size_t cap = L->slot_cap ? L->slot_cap * 2 : 1024;
    uint32_t *s = silt_calloc(cap, sizeof *s);
    if (!s) return SILT_ENOMEM;
    const uint64_t *h = (const uint64_t *)L->hashes.ptr;
    for (size_t e = 0; e < L->dict.n; e++) {
        size_t k = h[e] & (cap - 1);
        while (s[k]) k = (k + 1) & (cap - 1);
        s[k] = (uint32_t)e + 1;
    }
    silt_free(L->slots);
    L->slots = s;
    L->slot_cap = cap;
    return 0;
}

/* Adds a new dictionary entry at slot k and records its index. */
static int dict_add(leaf *L, size_t k, uint64_t h, const uint8_t *p, size_t len, int64_t limit)
{
    uint32_t e = (uint32_t)L->dict.n;
    if (silt_pqw_vals_push(L, &L->dict, p, len) || put8(&L->hashes, h) || put4(&L->idx, e))
        return SILT_ENOMEM;
    L->slots[k] = e + 1;
    L->dict_bytes += (int64_t)len + (L->width ? 0 : 4);
    if (L->dict_bytes > limit) return silt_pqw_dict_to_raw(L);
    if (L->dict.n * 2 > L->slot_cap) return dict_grow(L);
    return 0;
}

/* The dictionary index of the previous value (runs of one value are common: the rows of one
 * transaction share its date, customer and country), or UINT32_MAX. */
static inline uint32_t prev_index(const leaf *L)
{
    uint32_t e;
    if (L->idx.len < 4) return UINT32_MAX;
    memcpy(&e, L->idx.ptr + L->idx.len - 4, 4);
    return e;
}

static inline int dict_put4(leaf *L, uint32_t v, int64_t limit)
{
    uint32_t pe = prev_index(L);
    if (pe != UINT32_MAX && ((const uint32_t *)L->dict.data.ptr)[pe] == v) return put4(&L->idx, pe);
    if (!L->slot_cap && dict_grow(L)) return SILT_ENOMEM;
    uint64_t h = silt_hash_u64(v);
    size_t mask = L->slot_cap - 1, k = h & mask;
    const uint32_t *d = (const uint32_t *)L->dict.data.ptr;
    for (;;) {
        uint32_t e = L->slots[k];
        if (!e) break;
        if (d[e - 1] == v) return put4(&L->idx, e - 1);
        k = (k + 1) & mask;
    }
    return dict_add(L, k, h, (const uint8_t *)&v, 4, limit);
}

static inline int dict_put8(leaf *L, uint64_t v, int64_t limit)
{
    uint32_t pe = prev_index(L);
    if (pe != UINT32_MAX && ((const uint64_t *)L->dict.data.ptr)[pe] == v) return put4(&L->idx, pe);
    if (!L->slot_cap && dict_grow(L)) return SILT_ENOMEM;
    uint64_t h = silt_hash_u64(v ^ 0x5bd1e995u);
    size_t mask = L->slot_cap - 1, k = h & mask;
    const uint64_t *d = (const uint64_t *)L->dict.data.ptr;
    for (;;) {
        uint32_t e = L->slots[k];
        if (!e) break;
        if (d[e - 1] == v) return put4(&L->idx, e - 1);
        k = (k + 1) & mask;
    }
    return dict_add(L, k, h, (const uint8_t *)&v, 8, limit);
}

static inline int dict_putb(leaf *L, const uint8_t *p, size_t len, int64_t limit)
{
    uint32_t pe = prev_index(L);
    if (pe != UINT32_MAX) {
        size_t l2;
        const uint8_t *q = vals_get(L, &L->dict, pe, &l2);
        if (l2 == len && (len == 0 || memcmp(p, q, len) == 0)) return put4(&L->idx, pe);
    }
    if (!L->slot_cap && dict_grow(L)) return SILT_ENOMEM;
    uint64_t h = silt_hash_bytes(p, len, 0x243f6a8885a308d3ull);
    size_t mask = L->slot_cap - 1, k = h & mask;
    const uint64_t *hs = (const uint64_t *)L->hashes.ptr;
    for (;;) {
        uint32_t e = L->slots[k];
        if (!e) break;
        if (hs[e - 1] == h) {
            size_t l2;
            const uint8_t *q = vals_get(L, &L->dict, e - 1, &l2);
            if (l2 == len && (len == 0 || memcmp(p, q, len) == 0)) return put4(&L->idx, e - 1);
        }
        k = (k + 1) & mask;
    }
    return dict_add(L, k, h, p, len, limit);
}

/* ---- storing one value ---- */

static inline void store4(leaf *L, uint32_t v, int64_t limit)
{
    L->plain_bytes += 4;
    int rc;
    if (L->dict_mode)
        rc = dict_put4(L, v, limit);
    else if (!(rc = put4(&L->raw.data, v)))
        L->raw.n++;
    if (rc) L->oom = true;
}

static inline void store8(leaf *L, uint64_t v, int64_t limit)
{
    L->plain_bytes += 8;
    int rc;
    if (L->dict_mode)
        rc = dict_put8(L, v, limit);
    else if (!(rc = put8(&L->raw.data, v)))
        L->raw.n++;
    if (rc) L->oom = true;
}

static inline void storeb(leaf *L, const uint8_t *p, size_t len, int64_t limit)
{
    L->plain_bytes += (int64_t)len + (L->width ? 0 : 4);
    int rc = L->dict_mode ? dict_putb(L, p, len, limit) : silt_pqw_vals_push(L, &L->raw, p, len);
    if (rc) L->oom = true;
}

static inline void put_value(leaf *L, const silt_column *c, int64_t i, int64_t limit)
{
    const uint8_t *v = c->values;
    switch (L->kind) {
    case K_BOOL: {
        uint8_t b = silt_bit_get(v, i);
        L->plain_bytes += 1;
        if (silt_buf_putc(&L->raw.data, b))
            L->oom = true;
        else
            L->raw.n++;
        break;
    }
    case K_I8: store4(L, (uint32_t)(int32_t)((const int8_t *)v)[i], limit); break;
    case K_U8: store4(L, ((const uint8_t *)v)[i], limit); break;
    case K_I16: store4(L, (uint32_t)(int32_t)((const int16_t *)v)[i], limit); break;
    case K_U16: store4(L, ((const uint16_t *)v)[i], limit); break;
    case K_I32:
    case K_FLOAT: {
        uint32_t x;
        memcpy(&x, v + (size_t)i * 4, 4);
        store4(L, x, limit);
        break;
    }
    case K_I64:
    case K_DOUBLE: {
        uint64_t x;
        memcpy(&x, v + (size_t)i * 8, 8);
        store8(L, x, limit);
        break;
    }
    case K_DEC32: {
        uint32_t x;
        memcpy(&x, v + (size_t)i * 16, 4);
        store4(L, x, limit);
        break;
    }
    case K_DEC64: {
        uint64_t x;
        memcpy(&x, v + (size_t)i * 16, 8);
        store8(L, x, limit);
        break;
    }
    case K_BYTES: {
        size_t len = (size_t)(c->offsets[i + 1] - c->offsets[i]);
        storeb(L, len ? v + c->offsets[i] : (const uint8_t *)"", len, limit);
        break;
    }
    case K_FIXED: storeb(L, v + (size_t)i * (size_t)L->width, (size_t)L->width, limit); break;
    case K_DECFLBA: {
        uint8_t be[16];
        const uint8_t *le = v + (size_t)i * 16;
        for (int32_t k = 0; k < L->width; k++) be[k] = le[L->width - 1 - k];
        storeb(L, be, (size_t)L->width, limit);
        break;
    }
    }
}

/* ---- shredding: levels and values of one leaf ---- */

static inline void push_level(leaf *L, uint8_t def, uint8_t rep)
{
    if (L->max_def && silt_buf_putc(&L->def, def)) L->oom = true;
    if (L->max_rep && silt_buf_putc(&L->rep, rep)) L->oom = true;
    L->n_levels++;
}

static void emit(leaf *L, size_t k, const silt_column *c, int64_t i, uint8_t def, uint8_t rep,
                 int64_t limit)
{
    const step *s = &L->steps[k];
    if (s->optional) {
        if (!silt_column_is_valid(c, i)) {
            push_level(L, def, rep);
            return;
        }
        def++;
    }
    switch (s->field->type) {
    case SILT_TYPE_STRUCT: emit(L, k + 1, &c->children[s->child], i, def, rep, limit); return;
    case SILT_TYPE_LIST:
    case SILT_TYPE_MAP: {
        int32_t a = c->offsets[i], b = c->offsets[i + 1];
        if (a >= b) {
            push_level(L, def, rep);
            return;
        }
        const silt_column *ch =
            s->field->type == SILT_TYPE_LIST ? &c->children[0] : &c->children[0].children[s->child];
        for (int32_t j = a; j < b; j++)
            emit(L, k + 1, ch, j, (uint8_t)(def + 1), j == a ? rep : s->rep_level, limit);
        return;
    }
    default:
        push_level(L, def, rep);
        put_value(L, c, i, limit);
        return;
    }
}

void silt_pqw_shred(leaf *L, const silt_column *c, int64_t r0, int64_t r1, int64_t limit)
{
    if (L->n_steps > 1) {
        for (int64_t r = r0; r < r1; r++) emit(L, 0, c, r, 0, 0, limit);
        return;
    }
    int64_t n = r1 - r0;
    L->n_levels += (size_t)n;
    if (!L->max_def) {
        for (int64_t r = r0; r < r1; r++) put_value(L, c, r, limit);
        return;
    }
    uint8_t *d = silt_buf_extend(&L->def, (size_t)n);
    if (!d) {
        L->oom = true;
        return;
    }
    if (!c->validity) {
        memset(d, 1, (size_t)n);
        for (int64_t r = r0; r < r1; r++) put_value(L, c, r, limit);
        return;
    }
    for (int64_t r = r0; r < r1; r++) {
        uint8_t ok = silt_bit_get(c->validity, r);
        d[r - r0] = ok;
        if (ok) put_value(L, c, r, limit);
    }
}
