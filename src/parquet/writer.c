/* The Parquet writer: shreds Arrow-layout column batches into definition / repetition levels
 * and values per leaf column, buffers one row group (dictionary-encoding as it goes, falling
 * back to PLAIN when the dictionary outgrows its limit), then writes pages, statistics and,
 * at close, the footer. */
#include "parquet/writer.h"

#include "parquet/compress.h"
#include "parquet/encode.h"
#include "parquet/thrift_enc.h"
#include "util/alloc.h"
#include "util/hash.h"
#include "version.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define SLICE_ROWS 4096

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

/* ---- small buffer helpers ---- */

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
    return v->data.ptr + s;
}

static void vals_reset(vals *v)
{
    silt_buf_reset(&v->data);
    silt_buf_reset(&v->ends);
    v->n = 0;
}

static void vals_free(vals *v)
{
    silt_buf_free(&v->data);
    silt_buf_free(&v->ends);
    v->n = 0;
}

static int vals_push(const leaf *L, vals *v, const uint8_t *p, size_t len)
{
    if (silt_buf_append(&v->data, p, len)) return SILT_ENOMEM;
    if (!L->width && put8(&v->ends, (uint64_t)v->data.len)) return SILT_ENOMEM;
    v->n++;
    return 0;
}

/* ---- dictionary ---- */

static void dict_clear(leaf *L)
{
    vals_reset(&L->dict);
    silt_buf_reset(&L->idx);
    silt_buf_reset(&L->hashes);
    if (L->slots) memset(L->slots, 0, L->slot_cap * sizeof *L->slots);
    L->dict_bytes = 0;
}

/* Moves the chunk's values from dictionary form to raw form. */
static int dict_to_raw(leaf *L)
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
        if (vals_push(L, &L->raw, p, len)) return SILT_ENOMEM;
    }
    dict_clear(L);
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
    if (vals_push(L, &L->dict, p, len) || put8(&L->hashes, h) || put4(&L->idx, e))
        return SILT_ENOMEM;
    L->slots[k] = e + 1;
    L->dict_bytes += (int64_t)len + (L->width ? 0 : 4);
    if (L->dict_bytes > limit) return dict_to_raw(L);
    if (L->dict.n * 2 > L->slot_cap) return dict_grow(L);
    return 0;
}

static inline int dict_put4(leaf *L, uint32_t v, int64_t limit)
{
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
    int rc = L->dict_mode ? dict_putb(L, p, len, limit) : vals_push(L, &L->raw, p, len);
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

static void shred(leaf *L, const silt_column *c, int64_t r0, int64_t r1, int64_t limit)
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

/* ---- schema ---- */

static int decimal_bytes(int32_t precision)
{
    int n = 1;
    while (n < 16 && (double)(n * 8 - 1) * log10(2.0) < (double)precision) n++;
    return n;
}

typedef struct build_ctx {
    silt_pq_writer *w;
    step steps[64];
    const char *names[130];
    size_t n_steps, n_names;
    size_t top;
    silt_error *err;
} build_ctx;

static int leaf_setup(leaf *L, const silt_field *f, silt_error *err)
{
    L->width = 0;
    switch (f->type) {
    case SILT_TYPE_BOOL:
        L->kind = K_BOOL, L->ptype = SILT_PQ_BOOLEAN, L->order = O_BOOL, L->width = 1;
        break;
    case SILT_TYPE_INT8:
        L->kind = f->is_unsigned ? K_U8 : K_I8;
        L->ptype = SILT_PQ_INT32, L->width = 4;
        L->order = f->is_unsigned ? O_U32 : O_I32;
        break;
    case SILT_TYPE_INT16:
        L->kind = f->is_unsigned ? K_U16 : K_I16;
        L->ptype = SILT_PQ_INT32, L->width = 4;
        L->order = f->is_unsigned ? O_U32 : O_I32;
        break;
    case SILT_TYPE_INT32:
    case SILT_TYPE_DATE32:
        L->kind = K_I32, L->ptype = SILT_PQ_INT32, L->width = 4;
        L->order = f->is_unsigned && f->type == SILT_TYPE_INT32 ? O_U32 : O_I32;
        break;
    case SILT_TYPE_INT64:
    case SILT_TYPE_TIMESTAMP:
    case SILT_TYPE_TIMESTAMP_NS:
        L->kind = K_I64, L->ptype = SILT_PQ_INT64, L->width = 8;
        L->order = f->is_unsigned && f->type == SILT_TYPE_INT64 ? O_U64 : O_I64;
        break;
    case SILT_TYPE_FLOAT:
        L->kind = K_FLOAT, L->ptype = SILT_PQ_FLOAT, L->order = O_F32, L->width = 4;
        break;
    case SILT_TYPE_DOUBLE:
        L->kind = K_DOUBLE, L->ptype = SILT_PQ_DOUBLE, L->order = O_F64, L->width = 8;
        break;
    case SILT_TYPE_STRING:
    case SILT_TYPE_BINARY:
        L->kind = K_BYTES, L->ptype = SILT_PQ_BYTE_ARRAY, L->order = O_BYTES;
        break;
    case SILT_TYPE_FIXED_BINARY:
        if (f->byte_width <= 0)
            return silt_error_set(err, SILT_EINVAL,
                                  "parquet writer: fixed_binary column has byte width %d: "
                                  "give it a positive width",
                                  f->byte_width);
        L->kind = K_FIXED, L->ptype = SILT_PQ_FIXED_LEN_BYTE_ARRAY, L->order = O_BYTES;
        L->width = f->byte_width;
        break;
    case SILT_TYPE_DECIMAL:
        if (f->precision < 1 || f->precision > 38 || f->scale < 0 || f->scale > f->precision)
            return silt_error_set(err, SILT_EINVAL,
                                  "parquet writer: decimal(%d,%d) is invalid: precision must be "
                                  "1..38 and scale 0..precision",
                                  f->precision, f->scale);
        if (f->precision <= 9) {
            L->kind = K_DEC32, L->ptype = SILT_PQ_INT32, L->order = O_I32, L->width = 4;
        } else if (f->precision <= 18) {
            L->kind = K_DEC64, L->ptype = SILT_PQ_INT64, L->order = O_I64, L->width = 8;
        } else {
            L->kind = K_DECFLBA, L->ptype = SILT_PQ_FIXED_LEN_BYTE_ARRAY, L->order = O_DEC_BE;
            L->width = decimal_bytes(f->precision);
        }
        break;
    default:
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "parquet writer: type %s cannot be written to Parquet",
                              silt_type_name(f->type));
    }
    return 0;
}

static int add_leaf(build_ctx *b, const silt_field *f, uint8_t def, uint8_t rep)
{
    silt_pq_writer *w = b->w;
    leaf *L = &w->leaves[w->n_leaves];
    memset(L, 0, sizeof *L);
    w->n_leaves++;
    L->field = f;
    L->top = b->top;
    L->max_def = def;
    L->max_rep = rep;
    L->repeated = rep > 0;
    int rc = leaf_setup(L, f, b->err);
    if (rc) {
        silt_error_column(b->err, f->name);
        return rc;
    }
    L->steps = silt_calloc(b->n_steps, sizeof *L->steps);
    L->names = silt_calloc(b->n_names, sizeof *L->names);
    if (!L->steps || !L->names) return SILT_ENOMEM;
    memcpy(L->steps, b->steps, b->n_steps * sizeof *L->steps);
    L->n_steps = b->n_steps;
    size_t plen = 0;
    for (size_t i = 0; i < b->n_names; i++) {
        L->names[i] = silt_strdup(b->names[i]);
        if (!L->names[i]) return SILT_ENOMEM;
        L->n_names = i + 1;
        plen += strlen(b->names[i]) + 1;
    }
    L->path = silt_malloc(plen);
    if (!L->path) return SILT_ENOMEM;
    L->path[0] = 0;
    for (size_t i = 0; i < b->n_names; i++) {
        if (i) strcat(L->path, ".");
        strcat(L->path, b->names[i]);
    }
    L->dict_mode = w->opts.dictionary && L->kind != K_BOOL;
    return 0;
}

static size_t count_leaves(const silt_field *f)
{
    if (f->type == SILT_TYPE_STRUCT || f->type == SILT_TYPE_LIST || f->type == SILT_TYPE_MAP) {
        size_t n = 0;
        for (size_t i = 0; i < f->n_children; i++) n += count_leaves(&f->children[i]);
        return n;
    }
    return 1;
}

static int build(build_ctx *b, const silt_field *f, const char *name, bool optional, uint8_t def,
                 uint8_t rep)
{
    if (b->n_steps + 1 >= 64 || b->n_names + 2 >= 130 || def > 250)
        return silt_error_set(b->err, SILT_EUNSUPPORTED,
                              "parquet writer: column %s is nested too deeply (at most 60 levels)",
                              name);
    step st = {f, optional, 0, 0};
    uint8_t d = (uint8_t)(def + optional);
    b->names[b->n_names++] = name;
    int rc = 0;
    switch (f->type) {
    case SILT_TYPE_STRUCT:
        if (f->n_children == 0) {
            rc = silt_error_set(b->err, SILT_EUNSUPPORTED,
                                "parquet writer: struct %s has no fields; Parquet cannot hold an "
                                "empty group",
                                name);
            silt_error_column(b->err, name);
            return rc;
        }
        for (size_t i = 0; i < f->n_children; i++) {
            st.child = (uint32_t)i;
            b->steps[b->n_steps++] = st;
            rc = build(b, &f->children[i], f->children[i].name, f->children[i].nullable, d, rep);
            b->n_steps--;
            if (rc) return rc;
        }
        break;
    case SILT_TYPE_LIST:
        if (f->n_children != 1)
            return silt_error_set(b->err, SILT_EINVAL,
                                  "parquet writer: list %s must have exactly one child", name);
        st.rep_level = (uint8_t)(rep + 1);
        b->steps[b->n_steps++] = st;
        b->names[b->n_names++] = "list";
        rc = build(b, &f->children[0], "element", f->children[0].nullable, (uint8_t)(d + 1),
                   (uint8_t)(rep + 1));
        b->n_names--;
        b->n_steps--;
        if (rc) return rc;
        break;
    case SILT_TYPE_MAP: {
        const silt_field *kv = f->n_children == 1 ? &f->children[0] : NULL;
        if (!kv || kv->type != SILT_TYPE_STRUCT || kv->n_children != 2)
            return silt_error_set(b->err, SILT_EINVAL,
                                  "parquet writer: map %s must have one struct child with a key "
                                  "and a value",
                                  name);
        st.rep_level = (uint8_t)(rep + 1);
        b->names[b->n_names++] = "key_value";
        for (uint32_t i = 0; i < 2; i++) {
            st.child = i;
            b->steps[b->n_steps++] = st;
            rc = build(b, &kv->children[i], i ? "value" : "key",
                       i ? kv->children[i].nullable : false, (uint8_t)(d + 1), (uint8_t)(rep + 1));
            b->n_steps--;
            if (rc) return rc;
        }
        b->n_names--;
        break;
    }
    default:
        b->steps[b->n_steps++] = st;
        rc = add_leaf(b, f, d, rep);
        b->n_steps--;
        if (rc) return rc;
        break;
    }
    b->n_names--;
    return 0;
}

/* ---- statistics ---- */

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

/* ---- pages ---- */

typedef struct chunk_acc {
    int64_t uncomp, comp;
} chunk_acc;

static int sink_write(silt_pq_writer *w, const void *p, size_t n, silt_error *err)
{
    int rc = silt_pq_sink_write(w->sink, p, n, err);
    if (rc) silt_error_prefix(err, "parquet writer");
    return rc;
}

static int write_page(silt_pq_writer *w, bool dict_page, int32_t num_values, int enc,
                      chunk_acc *acc, silt_error *err)
{
    const silt_buf *body = &w->page;
    if (body->len > INT32_MAX)
        return silt_error_set(err, SILT_ERANGE,
                              "parquet writer: a page of %zu bytes is too large: lower page_bytes",
                              body->len);
    const uint8_t *cb = body->ptr;
    size_t cl = body->len;
    if (w->opts.codec != SILT_PQ_CODEC_UNCOMPRESSED) {
        silt_buf_reset(&w->cpage);
        int rc = silt_pq_compress(w->comp, &w->cpage, body->ptr, body->len, err);
        if (rc) return rc;
        cb = w->cpage.ptr;
        cl = w->cpage.len;
    }
    silt_buf_reset(&w->hdr);
    silt_thrift_enc e;
    silt_thrift_enc_init(&e, &w->hdr);
    silt_thrift_enc_struct_begin(&e);
    silt_thrift_enc_field_i32(&e, 1, dict_page ? SILT_PQ_PAGE_DICTIONARY : SILT_PQ_PAGE_DATA);
    silt_thrift_enc_field_i32(&e, 2, (int32_t)body->len);
    silt_thrift_enc_field_i32(&e, 3, (int32_t)cl);
    if (dict_page) {
        silt_thrift_enc_field_struct(&e, 7);
        silt_thrift_enc_field_i32(&e, 1, num_values);
        silt_thrift_enc_field_i32(&e, 2, SILT_PQ_ENC_PLAIN);
        silt_thrift_enc_struct_end(&e);
    } else {
        silt_thrift_enc_field_struct(&e, 5);
        silt_thrift_enc_field_i32(&e, 1, num_values);
        silt_thrift_enc_field_i32(&e, 2, enc);
        silt_thrift_enc_field_i32(&e, 3, SILT_PQ_ENC_RLE);
        silt_thrift_enc_field_i32(&e, 4, SILT_PQ_ENC_RLE);
        silt_thrift_enc_struct_end(&e);
    }
    silt_thrift_enc_struct_end(&e);
    if (silt_thrift_enc_status(&e))
        return silt_error_set(err, SILT_ENOMEM, "parquet writer: out of memory in a page header");
    int rc = sink_write(w, w->hdr.ptr, w->hdr.len, err);
    if (!rc) rc = sink_write(w, cb, cl, err);
    if (rc) return rc;
    acc->uncomp += (int64_t)(w->hdr.len + body->len);
    acc->comp += (int64_t)(w->hdr.len + cl);
    return 0;
}

static int plain_encode(const leaf *L, const vals *V, size_t v0, size_t v1, silt_buf *out)
{
    size_t n = v1 - v0;
    if (n == 0) return 0;
    if (L->kind == K_BOOL) return silt_pq_plain_bool(out, V->data.ptr + v0, n);
    if (L->width)
        return silt_buf_append(out, V->data.ptr + v0 * (size_t)L->width, n * (size_t)L->width);
    int64_t s0 = v0 ? vals_end(V, v0 - 1) : 0, s1 = n ? vals_end(V, v1 - 1) : s0;
    if (silt_buf_reserve(out, n * 4 + (size_t)(s1 - s0))) return SILT_ENOMEM;
    uint8_t *p = out->ptr + out->len;
    int64_t prev = s0;
    for (size_t i = v0; i < v1; i++) {
        int64_t e = vals_end(V, i);
        uint32_t len = (uint32_t)(e - prev);
        memcpy(p, &len, 4);
        if (len) memcpy(p + 4, V->data.ptr + prev, len);
        p += 4 + len;
        prev = e;
    }
    out->len = (size_t)(p - out->ptr);
    return 0;
}

static bool is_int_kind(leaf_kind k)
{
    return k == K_I8 || k == K_U8 || k == K_I16 || k == K_U16 || k == K_I32 || k == K_I64 ||
           k == K_DEC32 || k == K_DEC64;
}

enum { ENC_PLAIN = 1, ENC_RLE = 2, ENC_DBP = 4, ENC_DICT = 8 };

static int write_chunk(silt_pq_writer *w, leaf *L, silt_thrift_enc *rg, chunk_acc *rg_acc,
                       silt_error *err)
{
    int rc = 0;
    if (L->dict_mode && L->idx.len / 4 >= 16 && L->dict.n * 2 > L->idx.len / 4 && dict_to_raw(L))
        goto oom;
    if (L->dict_mode && L->dict.n == 0) L->dict_mode = false; /* all null: no dictionary */
    size_t nv = L->dict_mode ? L->idx.len / 4 : L->raw.n;
    uint64_t chunk_start = w->sink->written;
    chunk_acc acc = {0, 0};
    unsigned encs = (L->max_def || L->max_rep) ? ENC_RLE : 0;
    int bw = 0;
    if (L->dict_mode) {
        silt_buf_reset(&w->page);
        if (plain_encode(L, &L->dict, 0, L->dict.n, &w->page)) goto oom;
        if ((rc = write_page(w, true, (int32_t)L->dict.n, SILT_PQ_ENC_PLAIN, &acc, err))) goto fail;
        encs |= ENC_PLAIN;
        bw = L->dict.n > 1 ? silt_pq_bit_width(L->dict.n - 1) : 1;
    }
    uint64_t data_off = w->sink->written;
    double avg = L->dict_mode ? bw / 8.0 : (nv ? (double)L->plain_bytes / (double)nv : 1.0);
    if (avg < 0.125) avg = 0.125;
    size_t target = (size_t)((double)w->opts.page_bytes / avg);
    if (target < 1) target = 1;
    size_t max_entries = w->opts.page_bytes < (1 << 28) ? (size_t)w->opts.page_bytes * 4 : 1u << 30;
    if (target > max_entries) target = max_entries; /* page value counts stay in int32 */
    const uint8_t *defs = L->def.ptr, *reps = L->rep.ptr;
    size_t l = 0, v = 0;
    while (l < L->n_levels) {
        size_t l1 = l, v1 = v;
        if (!L->max_def && !L->max_rep) {
            size_t k = L->n_levels - l < target ? L->n_levels - l : target;
            l1 = l + k, v1 = v + k;
        } else {
            for (;;) {
                if (!L->max_def || defs[l1] == L->max_def) v1++;
                l1++;
                if (l1 >= L->n_levels) break;
                if ((v1 - v >= target || l1 - l >= max_entries) && (!L->max_rep || reps[l1] == 0))
                    break;
            }
        }
        silt_buf *pg = &w->page;
        silt_buf_reset(pg);
        if (L->max_rep &&
            silt_pq_rle_u8_prefixed(pg, reps + l, l1 - l, silt_pq_bit_width(L->max_rep)))
            goto oom;
        if (L->max_def &&
            silt_pq_rle_u8_prefixed(pg, defs + l, l1 - l, silt_pq_bit_width(L->max_def)))
            goto oom;
        int enc = SILT_PQ_ENC_PLAIN;
        if (L->dict_mode) {
            if (silt_buf_putc(pg, (uint8_t)bw) ||
                silt_pq_rle_u32(pg, (const uint32_t *)L->idx.ptr + v, v1 - v, bw))
                goto oom;
            enc = SILT_PQ_ENC_RLE_DICTIONARY;
            encs |= ENC_DICT;
        } else {
            bool delta = false, rle = false;
            if (L->kind == K_BOOL && w->opts.rle_booleans && v1 > v) {
                silt_buf_reset(&w->tmp);
                if (silt_pq_rle_u8_prefixed(&w->tmp, L->raw.data.ptr + v, v1 - v, 1)) goto oom;
                if (w->tmp.len < (v1 - v + 7) / 8) {
                    if (silt_buf_append(pg, w->tmp.ptr, w->tmp.len)) goto oom;
                    rle = true;
                }
            }
            if (is_int_kind(L->kind) && v1 - v >= 2) {
                silt_buf_reset(&w->tmp);
                const uint8_t *base = L->raw.data.ptr + v * (size_t)L->width;
                rc = L->width == 4 ? silt_pq_delta_i32(&w->tmp, (const int32_t *)base, v1 - v)
                                   : silt_pq_delta_i64(&w->tmp, (const int64_t *)base, v1 - v);
                if (rc) goto oom;
                if (w->tmp.len < (v1 - v) * (size_t)L->width) {
                    if (silt_buf_append(pg, w->tmp.ptr, w->tmp.len)) goto oom;
                    delta = true;
                }
            }
            if (delta) {
                enc = SILT_PQ_ENC_DELTA_BINARY_PACKED;
                encs |= ENC_DBP;
            } else if (rle) {
                enc = SILT_PQ_ENC_RLE;
                encs |= ENC_RLE;
            } else {
                if (plain_encode(L, &L->raw, v, v1, pg)) goto oom;
                encs |= ENC_PLAIN;
            }
        }
        if ((rc = write_page(w, false, (int32_t)(l1 - l), enc, &acc, err))) goto fail;
        l = l1, v = v1;
    }
    /* statistics */
    const vals *V = L->dict_mode ? &L->dict : &L->raw;
    int64_t nulls = (int64_t)(L->n_levels - nv);
    bool has = w->opts.statistics && vals_min_max(L, V, &w->smin, &w->smax);
    if (silt_buf_oom(&w->smin) || silt_buf_oom(&w->smax)) goto oom;
    L->null_count += nulls;
    if (has) {
        normalize_zero(L, &w->smin, &w->smax);
        if (!L->has_mm) {
            silt_buf_reset(&L->fmin), silt_buf_reset(&L->fmax);
            silt_buf_append(&L->fmin, w->smin.ptr, w->smin.len);
            silt_buf_append(&L->fmax, w->smax.ptr, w->smax.len);
            L->has_mm = true;
        } else {
            if (cmp_vals(L, w->smin.ptr, w->smin.len, L->fmin.ptr, L->fmin.len) < 0) {
                silt_buf_reset(&L->fmin);
                silt_buf_append(&L->fmin, w->smin.ptr, w->smin.len);
            }
            if (cmp_vals(L, w->smax.ptr, w->smax.len, L->fmax.ptr, L->fmax.len) > 0) {
                silt_buf_reset(&L->fmax);
                silt_buf_append(&L->fmax, w->smax.ptr, w->smax.len);
            }
        }
        if (silt_buf_oom(&L->fmin) || silt_buf_oom(&L->fmax)) goto oom;
    }
    bool min_exact = true, max_exact = true;
    if (has) {
        min_exact = trunc_min(L, &w->smin, (size_t)w->opts.stats_truncate);
        max_exact = trunc_max(L, &w->smax, (size_t)w->opts.stats_truncate);
    }
    /* ColumnChunk */
    silt_thrift_enc_struct_begin(rg);
    silt_thrift_enc_field_i64(rg, 2, (int64_t)chunk_start);
    silt_thrift_enc_field_struct(rg, 3);
    silt_thrift_enc_field_i32(rg, 1, L->ptype);
    int n_enc = __builtin_popcount(encs);
    silt_thrift_enc_field_list(rg, 2, SILT_TC_I32, (size_t)n_enc);
    if (encs & ENC_PLAIN) silt_thrift_enc_i32(rg, SILT_PQ_ENC_PLAIN);
    if (encs & ENC_RLE) silt_thrift_enc_i32(rg, SILT_PQ_ENC_RLE);
    if (encs & ENC_DBP) silt_thrift_enc_i32(rg, SILT_PQ_ENC_DELTA_BINARY_PACKED);
    if (encs & ENC_DICT) silt_thrift_enc_i32(rg, SILT_PQ_ENC_RLE_DICTIONARY);
    silt_thrift_enc_field_list(rg, 3, SILT_TC_BINARY, L->n_names);
    for (size_t i = 0; i < L->n_names; i++)
        silt_thrift_enc_binary(rg, L->names[i], strlen(L->names[i]));
    silt_thrift_enc_field_i32(rg, 4, w->opts.codec);
    silt_thrift_enc_field_i64(rg, 5, (int64_t)L->n_levels);
    silt_thrift_enc_field_i64(rg, 6, acc.uncomp);
    silt_thrift_enc_field_i64(rg, 7, acc.comp);
    silt_thrift_enc_field_i64(rg, 9, (int64_t)data_off);
    if (L->dict_mode) silt_thrift_enc_field_i64(rg, 11, (int64_t)chunk_start);
    if (w->opts.statistics) {
        silt_thrift_enc_field_struct(rg, 12);
        bool legacy = L->order == O_I32 || L->order == O_I64 || L->order == O_F32 ||
                      L->order == O_F64 || L->order == O_BOOL;
        if (has && legacy) {
            silt_thrift_enc_field_binary(rg, 1, w->smax.ptr, w->smax.len);
            silt_thrift_enc_field_binary(rg, 2, w->smin.ptr, w->smin.len);
        }
        silt_thrift_enc_field_i64(rg, 3, nulls);
        if (has) {
            silt_thrift_enc_field_binary(rg, 5, w->smax.ptr, w->smax.len);
            silt_thrift_enc_field_binary(rg, 6, w->smin.ptr, w->smin.len);
            silt_thrift_enc_field_bool(rg, 7, max_exact);
            silt_thrift_enc_field_bool(rg, 8, min_exact);
        }
        silt_thrift_enc_struct_end(rg);
    }
    silt_thrift_enc_struct_end(rg);
    silt_thrift_enc_struct_end(rg);
    rg_acc->uncomp += acc.uncomp;
    rg_acc->comp += acc.comp;
    return 0;
oom:
    rc = silt_error_set(err, SILT_ENOMEM, "parquet writer: out of memory writing a column chunk");
fail:
    silt_error_column(err, L->path);
    return rc;
}

static void leaf_reset(silt_pq_writer *w, leaf *L)
{
    silt_buf_reset(&L->def);
    silt_buf_reset(&L->rep);
    L->n_levels = 0;
    dict_clear(L);
    vals_reset(&L->raw);
    L->plain_bytes = 0;
    L->dict_mode = w->opts.dictionary && L->kind != K_BOOL;
}

static int flush_row_group(silt_pq_writer *w, silt_error *err)
{
    if (w->rg_rows == 0) return 0;
    uint64_t rg_start = w->sink->written;
    silt_thrift_enc e;
    silt_thrift_enc_init(&e, &w->rg_meta);
    silt_thrift_enc_struct_begin(&e);
    silt_thrift_enc_field_list(&e, 1, SILT_TC_STRUCT, w->n_leaves);
    chunk_acc acc = {0, 0};
    for (size_t i = 0; i < w->n_leaves; i++) {
        int rc = write_chunk(w, &w->leaves[i], &e, &acc, err);
        if (rc) return rc;
    }
    silt_thrift_enc_field_i64(&e, 2, acc.uncomp);
    silt_thrift_enc_field_i64(&e, 3, w->rg_rows);
    silt_thrift_enc_field_i64(&e, 5, (int64_t)rg_start);
    silt_thrift_enc_field_i64(&e, 6, acc.comp);
    if (w->n_row_groups <= INT16_MAX) silt_thrift_enc_field_i16(&e, 7, (int16_t)w->n_row_groups);
    silt_thrift_enc_struct_end(&e);
    if (silt_thrift_enc_status(&e))
        return silt_error_set(err, SILT_ENOMEM,
                              "parquet writer: out of memory in row group metadata");
    w->n_row_groups++;
    w->total_rows += w->rg_rows;
    w->rg_rows = 0;
    for (size_t i = 0; i < w->n_leaves; i++) leaf_reset(w, &w->leaves[i]);
    return 0;
}

/* ---- writing batches ---- */

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
bad : {
    int rc = silt_error_set(err, SILT_EINVAL,
                            "parquet writer: column %s (%s) does not match the writer's schema "
                            "(%s) or is inconsistent",
                            f->name, silt_type_name(c->type), silt_type_name(f->type));
    silt_error_column(err, f->name);
    return rc;
}
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
            shred(L, &b->cols[L->top], r0, r1, limit);
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
        if (buffered >= w->opts.row_group_bytes && (rc = flush_row_group(w, err))) {
            w->failed = true;
            return rc;
        }
    }
    return 0;
}

/* ---- footer ---- */

static size_t count_elements(const silt_field *f)
{
    switch (f->type) {
    case SILT_TYPE_STRUCT: {
        size_t n = 1;
        for (size_t i = 0; i < f->n_children; i++) n += count_elements(&f->children[i]);
        return n;
    }
    case SILT_TYPE_LIST: return 2 + count_elements(&f->children[0]);
    case SILT_TYPE_MAP:
        return 2 + count_elements(&f->children[0].children[0]) +
               count_elements(&f->children[0].children[1]);
    default: return 1;
    }
}

static void elem_group(silt_thrift_enc *e, const char *name, int rep, int n, int converted,
                       int logical)
{
    silt_thrift_enc_struct_begin(e);
    silt_thrift_enc_field_i32(e, 3, rep);
    silt_thrift_enc_field_string(e, 4, name);
    silt_thrift_enc_field_i32(e, 5, n);
    if (converted >= 0) silt_thrift_enc_field_i32(e, 6, converted);
    if (logical) {
        silt_thrift_enc_field_struct(e, 10);
        silt_thrift_enc_field_struct(e, (int16_t)logical);
        silt_thrift_enc_struct_end(e);
        silt_thrift_enc_struct_end(e);
    }
    silt_thrift_enc_struct_end(e);
}

static void elem_int(silt_thrift_enc *e, int bits, bool is_signed)
{
    silt_thrift_enc_field_struct(e, SILT_PQ_LT_INTEGER);
    silt_thrift_enc_field_i8(e, 1, (int8_t)bits);
    silt_thrift_enc_field_bool(e, 2, is_signed);
    silt_thrift_enc_struct_end(e);
}

static void write_elements(silt_thrift_enc *e, const silt_field *f, const char *name, bool optional)
{
    int rep = optional ? SILT_PQ_OPTIONAL : SILT_PQ_REQUIRED;
    switch (f->type) {
    case SILT_TYPE_STRUCT:
        elem_group(e, name, rep, (int)f->n_children, -1, 0);
        for (size_t i = 0; i < f->n_children; i++)
            write_elements(e, &f->children[i], f->children[i].name, f->children[i].nullable);
        return;
    case SILT_TYPE_LIST:
        elem_group(e, name, rep, 1, SILT_PQ_CT_LIST, SILT_PQ_LT_LIST);
        elem_group(e, "list", SILT_PQ_REPEATED, 1, -1, 0);
        write_elements(e, &f->children[0], "element", f->children[0].nullable);
        return;
    case SILT_TYPE_MAP: {
        const silt_field *kv = &f->children[0];
        elem_group(e, name, rep, 1, SILT_PQ_CT_MAP, SILT_PQ_LT_MAP);
        elem_group(e, "key_value", SILT_PQ_REPEATED, 2, -1, 0);
        write_elements(e, &kv->children[0], "key", false);
        write_elements(e, &kv->children[1], "value", kv->children[1].nullable);
        return;
    }
    default: break;
    }
    leaf L;
    memset(&L, 0, sizeof L);
    leaf_setup(&L, f, NULL);
    silt_thrift_enc_struct_begin(e);
    silt_thrift_enc_field_i32(e, 1, L.ptype);
    if (L.ptype == SILT_PQ_FIXED_LEN_BYTE_ARRAY) silt_thrift_enc_field_i32(e, 2, L.width);
    silt_thrift_enc_field_i32(e, 3, rep);
    silt_thrift_enc_field_string(e, 4, name);
    int ct = -1;
    switch (f->type) {
    case SILT_TYPE_STRING: ct = SILT_PQ_CT_UTF8; break;
    case SILT_TYPE_INT8: ct = f->is_unsigned ? SILT_PQ_CT_UINT_8 : SILT_PQ_CT_INT_8; break;
    case SILT_TYPE_INT16: ct = f->is_unsigned ? SILT_PQ_CT_UINT_16 : SILT_PQ_CT_INT_16; break;
    case SILT_TYPE_INT32:
        if (f->is_unsigned) ct = SILT_PQ_CT_UINT_32;
        break;
    case SILT_TYPE_INT64:
        if (f->is_unsigned) ct = SILT_PQ_CT_UINT_64;
        break;
    case SILT_TYPE_DATE32: ct = SILT_PQ_CT_DATE; break;
    case SILT_TYPE_TIMESTAMP:
        if (f->tz_utc) ct = SILT_PQ_CT_TIMESTAMP_MICROS;
        break;
    case SILT_TYPE_DECIMAL: ct = SILT_PQ_CT_DECIMAL; break;
    default: break;
    }
    if (ct >= 0) silt_thrift_enc_field_i32(e, 6, ct);
    if (f->type == SILT_TYPE_DECIMAL) {
        silt_thrift_enc_field_i32(e, 7, f->scale);
        silt_thrift_enc_field_i32(e, 8, f->precision);
    }
    bool logical = ct >= 0 || f->type == SILT_TYPE_TIMESTAMP || f->type == SILT_TYPE_TIMESTAMP_NS;
    if (logical) {
        silt_thrift_enc_field_struct(e, 10);
        switch (f->type) {
        case SILT_TYPE_STRING:
            silt_thrift_enc_field_struct(e, SILT_PQ_LT_STRING);
            silt_thrift_enc_struct_end(e);
            break;
        case SILT_TYPE_INT8: elem_int(e, 8, !f->is_unsigned); break;
        case SILT_TYPE_INT16: elem_int(e, 16, !f->is_unsigned); break;
        case SILT_TYPE_INT32: elem_int(e, 32, false); break;
        case SILT_TYPE_INT64: elem_int(e, 64, false); break;
        case SILT_TYPE_DATE32:
            silt_thrift_enc_field_struct(e, SILT_PQ_LT_DATE);
            silt_thrift_enc_struct_end(e);
            break;
        case SILT_TYPE_TIMESTAMP:
        case SILT_TYPE_TIMESTAMP_NS:
            silt_thrift_enc_field_struct(e, SILT_PQ_LT_TIMESTAMP);
            silt_thrift_enc_field_bool(e, 1, f->tz_utc);
            silt_thrift_enc_field_struct(e, 2);
            silt_thrift_enc_field_struct(e, f->type == SILT_TYPE_TIMESTAMP ? 2 : 3);
            silt_thrift_enc_struct_end(e);
            silt_thrift_enc_struct_end(e);
            silt_thrift_enc_struct_end(e);
            break;
        case SILT_TYPE_DECIMAL:
            silt_thrift_enc_field_struct(e, SILT_PQ_LT_DECIMAL);
            silt_thrift_enc_field_i32(e, 1, f->scale);
            silt_thrift_enc_field_i32(e, 2, f->precision);
            silt_thrift_enc_struct_end(e);
            break;
        default: break;
        }
        silt_thrift_enc_struct_end(e);
    }
    silt_thrift_enc_struct_end(e);
}

static int write_footer(silt_pq_writer *w, silt_error *err)
{
    silt_buf *fb = &w->tmp;
    silt_buf_reset(fb);
    silt_thrift_enc e;
    silt_thrift_enc_init(&e, fb);
    silt_thrift_enc_struct_begin(&e);
    silt_thrift_enc_field_i32(&e, 1, 1);
    size_t n_el = 1;
    for (size_t i = 0; i < w->schema->n_fields; i++) n_el += count_elements(&w->schema->fields[i]);
    silt_thrift_enc_field_list(&e, 2, SILT_TC_STRUCT, n_el);
    silt_thrift_enc_struct_begin(&e);
    silt_thrift_enc_field_string(&e, 4, "schema");
    silt_thrift_enc_field_i32(&e, 5, (int32_t)w->schema->n_fields);
    silt_thrift_enc_struct_end(&e);
    for (size_t i = 0; i < w->schema->n_fields; i++) {
        const silt_field *f = &w->schema->fields[i];
        write_elements(&e, f, f->name, f->nullable);
    }
    silt_thrift_enc_field_i64(&e, 3, w->total_rows);
    silt_thrift_enc_field_list(&e, 4, SILT_TC_STRUCT, w->n_row_groups);
    silt_thrift_enc_raw(&e, w->rg_meta.ptr, w->rg_meta.len);
    if (w->opts.n_kv) {
        silt_thrift_enc_field_list(&e, 5, SILT_TC_STRUCT, w->opts.n_kv);
        for (size_t i = 0; i < w->opts.n_kv; i++) {
            silt_thrift_enc_struct_begin(&e);
            silt_thrift_enc_field_string(&e, 1, w->kv_keys[i]);
            silt_thrift_enc_field_string(&e, 2, w->kv_values[i]);
            silt_thrift_enc_struct_end(&e);
        }
    }
    silt_thrift_enc_field_string(&e, 6,
                                 "silt version " SILT_VERSION " (build " SILT_GIT_REVISION ")");
    silt_thrift_enc_field_list(&e, 7, SILT_TC_STRUCT, w->n_leaves);
    for (size_t i = 0; i < w->n_leaves; i++) {
        silt_thrift_enc_struct_begin(&e);
        silt_thrift_enc_field_struct(&e, 1);
        silt_thrift_enc_struct_end(&e);
        silt_thrift_enc_struct_end(&e);
    }
    silt_thrift_enc_struct_end(&e);
    if (silt_thrift_enc_status(&e) || silt_buf_put_u32le(fb, (uint32_t)fb->len) ||
        silt_buf_append(fb, SILT_PQ_MAGIC, 4))
        return silt_error_set(err, SILT_ENOMEM, "parquet writer: out of memory in the footer");
    return sink_write(w, fb->ptr, fb->len, err);
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

static int build_stats(silt_pq_writer *w)
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

int silt_pq_writer_close(silt_pq_writer *w, silt_error *err)
{
    if (w->failed || w->closed)
        return silt_error_set(err, SILT_EINVAL, "parquet writer: close after %s",
                              w->closed ? "close" : "an error");
    int rc = flush_row_group(w, err);
    if (!rc) rc = write_footer(w, err);
    if (!rc) {
        rc = w->sink->ops->finish(w->sink, err);
        if (rc) silt_error_prefix(err, "parquet writer");
    }
    if (!rc && build_stats(w))
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

/* ---- lifecycle ---- */

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
    size_t n = 0;
    for (size_t i = 0; i < w->schema->n_fields; i++) n += count_leaves(&w->schema->fields[i]);
    w->leaves = silt_calloc(n ? n : 1, sizeof *w->leaves);
    if (!w->leaves) goto oom;
    build_ctx b;
    memset(&b, 0, sizeof b);
    b.w = w;
    b.err = err;
    for (size_t i = 0; i < w->schema->n_fields; i++) {
        const silt_field *f = &w->schema->fields[i];
        b.top = i;
        if (err) err->code = 0;
        rc = build(&b, f, f->name, f->nullable, 0, 0);
        if (rc == SILT_ENOMEM && (!err || err->code != SILT_ENOMEM)) goto oom;
        if (rc) goto fail;
    }
    rc = sink_write(w, SILT_PQ_MAGIC, 4, err);
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
        vals_free(&L->dict);
        vals_free(&L->raw);
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
