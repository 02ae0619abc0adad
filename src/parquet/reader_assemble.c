/* Parquet reader, assembly: converts a leaf's dense physical values to silt values and
 * rebuilds validity, offsets and children of Arrow-layout columns from the levels. */
#include "parquet/reader_int.h"

#include <string.h>

#include "util/alloc.h"
#include "util/hot.h"

/* ---------------------------------------------------------------- assembly */

static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
    if (exp == 0) {
        if (man == 0)
            bits = sign;
        else {
            int e = -1;
            do {
                e++;
                man <<= 1;
            } while (!(man & 0x400));
            bits = sign | (uint32_t)(127 - 15 - e) << 23 | (man & 0x3ff) << 13;
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | man << 13;
    } else {
        bits = sign | (exp + 127 - 15) << 23 | man << 13;
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

/* Big-endian two's complement of len bytes to a 16-byte little-endian decimal. */
static int be_to_dec16(uint8_t out[16], const uint8_t *p, size_t len)
{
    uint8_t fill = (len && (p[0] & 0x80)) ? 0xff : 0x00;
    if (len > 16) {
        for (size_t i = 0; i < len - 16; i++)
            if (p[i] != fill) return -1;
        p += len - 16;
        len = 16;
    }
    memset(out, fill, 16);
    for (size_t i = 0; i < len; i++) out[i] = p[len - 1 - i];
    return 0;
}

static void i64_to_dec16(uint8_t out[16], int64_t v)
{
    memcpy(out, &v, 8);
    memset(out + 8, v < 0 ? 0xff : 0, 8);
}

/* Are the leaf's physical values already the silt values of the plan's type? */
static bool same_values(const pq_plan *pl, const leaf_data *d, int sw)
{
    const silt_pq_schema_elem *e = pl->e;
    bool millis_stamp =
        e->type == SILT_PQ_INT64 && pl->type == SILT_TYPE_TIMESTAMP &&
        ((e->logical_type == SILT_PQ_LT_TIMESTAMP && e->lt_unit == SILT_PQ_UNIT_MILLIS) ||
         (e->logical_type != SILT_PQ_LT_TIMESTAMP &&
          e->converted_type == SILT_PQ_CT_TIMESTAMP_MILLIS));
    bool nanos_time = e->type == SILT_PQ_INT64 && pl->type == SILT_TYPE_INT64 &&
                      e->logical_type == SILT_PQ_LT_TIME && e->lt_unit == SILT_PQ_UNIT_NANOS;
    return sw == d->width && !d->is_bin && !millis_stamp && !nanos_time &&
           pl->type != SILT_TYPE_DECIMAL;
}

/* A time or timestamp value in microseconds (INT96: Julian day + nanoseconds). */
static int64_t to_micros(const silt_pq_schema_elem *e, silt_type_id type, const uint8_t *s)
{
    int64_t v;
    if (e->type == SILT_PQ_INT96) {
        int64_t nanos;
        int32_t day;
        memcpy(&nanos, s, 8);
        memcpy(&day, s + 8, 4);
        return (int64_t)((uint64_t)((int64_t)day - 2440588) * 86400000000ull +
                         (uint64_t)(nanos / 1000));
    }
    if (e->type == SILT_PQ_INT32) {
        int32_t x;
        memcpy(&x, s, 4);
        return (int64_t)x * 1000; /* TIME_MILLIS to micros */
    }
    memcpy(&v, s, 8);
    if (e->logical_type == SILT_PQ_LT_TIME && e->lt_unit == SILT_PQ_UNIT_NANOS) return v / 1000;
    bool millis = e->logical_type == SILT_PQ_LT_TIMESTAMP
                      ? e->lt_unit == SILT_PQ_UNIT_MILLIS
                      : e->converted_type == SILT_PQ_CT_TIMESTAMP_MILLIS;
    if (type == SILT_TYPE_TIMESTAMP && millis) return (int64_t)((uint64_t)v * 1000u);
    return v;
}

/* Value i as a 16-byte little-endian decimal. Returns 0 or -1 (wider than 128 bits). */
static int to_dec16(uint8_t o[16], const silt_pq_schema_elem *e, const leaf_data *d, int64_t i,
                    const uint8_t *s)
{
    if (e->type == SILT_PQ_INT32) {
        int32_t x;
        memcpy(&x, s, 4);
        i64_to_dec16(o, x);
        return 0;
    }
    if (e->type == SILT_PQ_INT64) {
        int64_t x;
        memcpy(&x, s, 8);
        i64_to_dec16(o, x);
        return 0;
    }
    const uint8_t *b = d->is_bin ? d->bin.data + d->bin.offsets[i] : s;
    size_t len = d->is_bin ? (size_t)(d->bin.offsets[i + 1] - d->bin.offsets[i]) : (size_t)d->width;
    return be_to_dec16(o, b, len);
}

/* Converts value i into o (sw bytes). Returns 0 or -1 (a decimal too wide). */
static inline int convert_one(const pq_plan *pl, const leaf_data *d, int64_t i, uint8_t *o, int sw)
{
    const uint8_t *s = d->fixed ? d->fixed + (size_t)i * (size_t)d->width : NULL;
    switch (pl->type) {
    case SILT_TYPE_INT8: o[0] = s[0]; return 0;
    case SILT_TYPE_INT16: memcpy(o, s, 2); return 0;
    case SILT_TYPE_FLOAT: {
        float f = half_to_float((uint16_t)(s[0] | s[1] << 8));
        memcpy(o, &f, 4);
        return 0;
    }
    case SILT_TYPE_INT64:
    case SILT_TYPE_TIMESTAMP:
    case SILT_TYPE_TIMESTAMP_NS: {
        int64_t v = to_micros(pl->e, pl->type, s);
        memcpy(o, &v, 8);
        return 0;
    }
    case SILT_TYPE_DECIMAL: return to_dec16(o, pl->e, d, i, s);
    default: memcpy(o, s, (size_t)sw); return 0;
    }
}

/* Converts the dense physical values of a leaf into dense silt values of width sw (BOOL: one
 * byte per value). *out is either d->fixed (identity) or a new block the caller frees. */
int silt_pqr_convert_dense(const pq_plan *pl, leaf_data *d, uint8_t **out, bool *owned,
                           chunk_ctx *c)
{
    int64_t n = d->is_bin ? d->bin.n : d->n_values;
    int sw = pl->type == SILT_TYPE_BOOL ? 1 : silt_type_width(pl->type);
    *owned = false;
    *out = d->fixed;
    if (pl->type == SILT_TYPE_STRING || pl->type == SILT_TYPE_BINARY ||
        pl->type == SILT_TYPE_FIXED_BINARY || same_values(pl, d, sw))
        return 0;
    size_t bytes;
    if (silt_mul_size(&bytes, (size_t)n, (size_t)sw)) return SILT_ENOMEM;
    uint8_t *dst = silt_malloc(bytes ? bytes : 1);
    if (!dst)
        return silt_pqr_chunk_err(c, SILT_ENOMEM, d->chunk_off, "out of memory converting values%s",
                                  NULL);
    for (int64_t i = 0; i < n; i++) {
        if (convert_one(pl, d, i, dst + (size_t)i * (size_t)sw, sw)) {
            silt_free(dst);
            return silt_pqr_chunk_err(c, SILT_ECORRUPT, d->chunk_off,
                                      "decimal value wider than 128 bits%s", NULL);
        }
    }
    *out = dst;
    *owned = true;
    return 0;
}

static inline bool is_slot(const uint16_t *rep, const uint16_t *def, int64_t i, int r, int dl)
{
    return (!rep || rep[i] <= r) && (!def || def[i] >= dl);
}

int silt_pqr_assemble(silt_pq_reader *r, const pq_plan *pl, silt_column *col, leaf_data *lds,
                      silt_error *err);

static int set_validity(silt_column *col, int64_t base, const uint8_t *bits_valid, int64_t slots)
{
    /* bits_valid: one byte per slot, 1 = valid */
    int64_t nulls = 0;
    for (int64_t j = 0; j < slots; j++) nulls += !bits_valid[j];
    if (nulls == 0 && !col->validity) return 0;
    if (!col->validity) {
        int64_t nb = (col->cap_rows + 7) / 8;
        col->validity = silt_malloc((size_t)(nb ? nb : 1));
        if (!col->validity) return SILT_ENOMEM;
        memset(col->validity, 0xff, (size_t)(nb ? nb : 1));
    }
    for (int64_t j = 0; j < slots; j++) silt_bit_set(col->validity, base + j, bits_valid[j]);
    col->null_count += nulls;
    return 0;
}

/* Returned by the spreading helpers when the levels and the values disagree. */
#define ASM_CORRUPT 1

/* A flat column without nulls whose byte arrays were decoded in one piece: the column takes
 * the buffers as they are. */
static int take_bytes(silt_column *col, leaf_data *d)
{
    int rc;
    if (!d->bin.offsets && (rc = silt_pq_bin_reserve(&d->bin, 0, 0))) return rc;
    col->offsets = d->bin.offsets;
    col->values = d->bin.data;
    col->cap_rows = d->bin.cap - 1;
    col->cap_bytes = d->bin.data_cap;
    col->length = d->n;
    memset(&d->bin, 0, sizeof d->bin);
    return 0;
}

/* Gives a flat byte-array column taken whole (take_bytes) the chunk's dictionary and codes
 * when every value came through the dictionary; otherwise nothing. */
static int take_dict(silt_column *col, leaf_data *d)
{
    if (!d->has_dict || !d->is_bin || d->n_codes != col->length || !col->length) return 0;
    silt_field f = {.type = col->type};
    silt_dict *dict = silt_dict_create(&f);
    if (!dict) return SILT_ENOMEM;
    silt_column *v = &dict->values;
    v->offsets = d->dict_bin.offsets;
    v->values = d->dict_bin.data;
    v->cap_rows = d->dict_bin.cap - 1;
    v->cap_bytes = d->dict_bin.data_cap;
    v->length = d->dict_n;
    memset(&d->dict_bin, 0, sizeof d->dict_bin);
    col->dict = dict;
    col->codes = d->codes;
    col->dict_rows = col->length;
    d->codes = NULL;
    d->n_codes = d->cap_codes = 0;
    return 0;
}

/* Writes one byte per slot of the leaf's entries into valid (1: the slot holds a value) and
 * returns the number of values the slots take. */
static int64_t slot_validity(const pq_plan *pl, const leaf_data *d, uint16_t mx, uint8_t *valid,
                             int64_t slots)
{
    const uint16_t *def = d->def, *rep = d->rep;
    int64_t j = 0, k = 0;
    for (int64_t i = 0; i < d->n; i++) {
        if (!is_slot(rep, def, i, pl->r_slot, pl->d_slot)) continue;
        bool v = !def || def[i] == mx;
        assert(j < slots);
        valid[j++] = v;
        k += v;
    }
    assert(j == slots);
    return k;
}

/* Appends the slots of a string or binary leaf: value bytes in one copy, then one offset per
 * slot (a null repeats the previous offset). valid: slot_validity's. */
static int spread_bytes(silt_column *col, const leaf_data *d, const uint8_t *valid, int64_t slots)
{
    int64_t base = col->length;
    int rc = silt_column_reserve(col, slots ? slots : 1, d->bin.len ? d->bin.len : 1);
    if (rc) return rc;
    int32_t *off = col->offsets + base;
    int32_t b0 = off[0];
    if (d->bin.len) memcpy(col->values + b0, d->bin.data, (size_t)d->bin.len);
    const int32_t *so = d->bin.offsets;
    for (int64_t j = 0, k = 0; j < slots; j++) {
        off[j + 1] = valid[j] ? b0 + so[++k] : off[j];
        assert(off[j + 1] >= off[j]);
    }
    col->length = base + slots;
    return 0;
}

/* Appends the slots of a fixed-width leaf (bits for booleans): dense value k goes to the k-th
 * valid slot; null slots are zeroed. */
static int spread_fixed(const pq_plan *pl, silt_column *col, const uint8_t *dense, int sw,
                        const uint8_t *valid, int64_t slots)
{
    int64_t base = col->length;
    if (slots <= 0) return 0; /* an empty column may have no buffer yet */
    if (pl->type == SILT_TYPE_BOOL) {
        for (int64_t j = 0, k = 0; j < slots; j++) {
            silt_bit_set(col->values, base + j, valid[j] && dense[k] != 0);
            k += valid[j];
        }
    } else {
        uint8_t *o = col->values + (size_t)base * (size_t)sw;
        for (int64_t j = 0, k = 0; j < slots; j++, o += sw) {
            if (valid[j])
                memcpy(o, dense + (size_t)k++ * (size_t)sw, (size_t)sw);
            else
                memset(o, 0, (size_t)sw);
        }
    }
    col->length = base + slots;
    return 0;
}

/* Spreads the leaf's values over its slots (bytes or fixed width) and sets their validity. */
static int spread(const pq_plan *pl, silt_column *col, const leaf_data *d, const uint8_t *dense,
                  int sw, int64_t slots, uint16_t mx)
{
    int64_t nvals = d->is_bin ? d->bin.n : d->n_values, base = col->length;
    uint8_t *valid = silt_malloc((size_t)(slots ? slots : 1));
    if (!valid) return SILT_ENOMEM;
    int rc = slot_validity(pl, d, mx, valid, slots) != nvals ? ASM_CORRUPT : 0;
    if (!rc)
        rc = pl->type == SILT_TYPE_STRING || pl->type == SILT_TYPE_BINARY
                 ? spread_bytes(col, d, valid, slots)
                 : spread_fixed(pl, col, dense, sw, valid, slots);
    if (!rc) rc = set_validity(col, base, valid, slots);
    silt_free(valid);
    return rc;
}

/* The fixed-width cases: hand over the decoded buffer, copy it whole, or spread it. */
static int assemble_fixed(const pq_plan *pl, silt_column *col, leaf_data *d, uint8_t *dense,
                          bool owned, int64_t slots, uint16_t mx)
{
    int64_t n = d->n, nvals = d->is_bin ? d->bin.n : d->n_values;
    bool flat_full = slots == n && nvals == n && col->length == 0;
    bool whole = flat_full && pl->type != SILT_TYPE_BOOL;
    int sw = pl->type == SILT_TYPE_BOOL           ? 1
             : pl->type == SILT_TYPE_FIXED_BINARY ? (int)col->byte_width
                                                  : silt_type_width(pl->type);
    if (whole && pl->type != SILT_TYPE_FIXED_BINARY && !owned && dense && !col->values &&
        !col->validity) {
        /* the decoded values are already silt values: hand the buffer to the column */
        col->values = d->fixed;
        col->cap_rows = d->cap_values;
        col->length = n;
        d->fixed = NULL;
        d->cap_values = 0;
        return 0;
    }
    int rc = silt_column_reserve(col, slots, 0);
    if (rc) return rc;
    if (whole) {
        if (n) memcpy(col->values, dense, (size_t)n * (size_t)sw);
        col->length = n;
        return 0;
    }
    return spread(pl, col, d, dense, sw, slots, mx);
}

int silt_pqr_assemble_leaf(silt_pq_reader *r, const pq_plan *pl, silt_column *col, leaf_data *d,
                           int64_t slots, silt_error *err)
{
    const pq_leaf *l = &r->leaves[pl->leaf];
    chunk_ctx c = {.r = r, .leaf = l, .err = err};
    uint16_t mx = (uint16_t)l->max_def;
    uint8_t *dense = NULL;
    bool owned = false;
    int rc = silt_pqr_convert_dense(pl, d, &dense, &owned, &c);
    if (rc) return rc;
    if ((pl->type == SILT_TYPE_STRING || pl->type == SILT_TYPE_BINARY) && d->lazy) {
        /* codes only: a lazy column when it can be one, else the bytes are gathered now */
        bool lazy = slots == d->n && d->n_codes == d->n && d->n > 0 && d->has_dict &&
                    d->dict_n * 2 <= d->n && col->length == 0 && !col->offsets && !col->values;
        if (lazy) {
            col->length = d->n;
            col->lazy = true;
            d->lazy = false;
            rc = take_dict(col, d); /* the conditions above are take_dict's: it gives a view */
            if (owned) silt_free(dense);
            if (!rc && !col->dict) rc = SILT_EGENERIC;
            return rc ? silt_pqr_chunk_err(&c, rc, d->chunk_off, "%s",
                                           rc == SILT_ENOMEM ? "out of memory"
                                                             : "internal: no dictionary view")
                      : 0;
        }
        if ((rc = silt_pqr_unlazy(&c, d))) {
            if (owned) silt_free(dense);
            return rc;
        }
    }
    if (pl->type == SILT_TYPE_STRING || pl->type == SILT_TYPE_BINARY) {
        bool flat_full = slots == d->n && d->bin.n == d->n && col->length == 0;
        bool take = flat_full && !col->offsets && !col->values;
        rc = take ? take_bytes(col, d) : spread(pl, col, d, NULL, 0, slots, mx);
        if (!rc && take) rc = take_dict(col, d);
    } else {
        rc = assemble_fixed(pl, col, d, dense, owned, slots, mx);
    }
    if (owned) silt_free(dense);
    if (rc == ASM_CORRUPT)
        return silt_pqr_chunk_err(&c, SILT_ECORRUPT, d->chunk_off,
                                  "definition levels do not match the number of values%s", NULL);
    if (rc)
        return silt_pqr_chunk_err(
            &c, rc == SILT_ERANGE ? SILT_EUNSUPPORTED : SILT_ENOMEM, d->chunk_off, "%s",
            rc == SILT_ERANGE ? "column holds more than 2 GiB" : "out of memory");
    return 0;
}

SILT_HOT int silt_pqr_assemble(silt_pq_reader *r, const pq_plan *pl, silt_column *col,
                               leaf_data *lds, silt_error *err)
{
    leaf_data *d = &lds[pl->leaf];
    const uint16_t *def = d->def, *rep = d->rep;
    int64_t n = d->n, slots = 0;
    if (!rep && def) /* flat: a loop the compiler vectorizes */
        for (int64_t i = 0; i < n; i++) slots += def[i] >= pl->d_slot;
    else
        for (int64_t i = 0; i < n; i++) slots += is_slot(rep, def, i, pl->r_slot, pl->d_slot);
    if (pl->e) return silt_pqr_assemble_leaf(r, pl, col, d, slots, err);
    chunk_ctx c = {.r = r, .leaf = &r->leaves[pl->leaf], .err = err};
    int rc = silt_column_reserve(col, slots ? slots : 1, 0);
    uint8_t *valid = silt_malloc((size_t)(slots ? slots : 1));
    if (rc || !valid) {
        silt_free(valid);
        return silt_pqr_chunk_err(&c, SILT_ENOMEM, d->chunk_off,
                                  "out of memory assembling a nested column%s", NULL);
    }
    int64_t base = col->length, row = base, j = 0;
    if (pl->type == SILT_TYPE_STRUCT) {
        for (int64_t i = 0; i < n; i++) {
            if (!is_slot(rep, def, i, pl->r_slot, pl->d_slot)) continue;
            valid[j++] = !def || def[i] >= pl->d_valid;
            row++;
        }
    } else {
        int32_t *off = col->offsets;
        int64_t elems = col->children[0].length;
        for (int64_t i = 0; i < n; i++) {
            if (is_slot(rep, def, i, pl->r_slot, pl->d_slot)) {
                if (elems > INT32_MAX) {
                    silt_free(valid);
                    return silt_pqr_chunk_err(&c, SILT_EUNSUPPORTED, d->chunk_off,
                                              "list with more than 2^31 elements%s", NULL);
                }
                off[row] = (int32_t)elems;
                valid[j++] = !def || def[i] >= pl->d_valid;
                row++;
            }
            if (is_slot(rep, def, i, pl->r_elem, pl->d_elem)) elems++;
        }
        if (elems > INT32_MAX) {
            silt_free(valid);
            return silt_pqr_chunk_err(&c, SILT_EUNSUPPORTED, d->chunk_off,
                                      "list with more than 2^31 elements%s", NULL);
        }
        off[row] = (int32_t)elems;
        assert(row == base || off[row] >= off[row - 1]);
    }
    assert(j == slots);
    col->length = row;
    rc = set_validity(col, base, valid, slots);
    silt_free(valid);
    if (rc) return silt_pqr_chunk_err(&c, SILT_ENOMEM, d->chunk_off, "out of memory%s", NULL);
    for (size_t k = 0; k < pl->n_children; k++)
        if ((rc = silt_pqr_assemble(r, &pl->children[k], &col->children[k], lds, err))) return rc;
    /* a list's element slots are its child's slots, counted on the same leaf's levels */
    assert(pl->type == SILT_TYPE_STRUCT || pl->children[0].leaf != pl->leaf ||
           col->children[0].length == col->offsets[col->length]);
    return 0;
}

/* Marks the leaves whose column chunks a plan needs. */
void silt_pqr_plan_leaves(const pq_plan *pl, bool *need)
{
    need[pl->leaf] = true;
    for (size_t k = 0; k < pl->n_children; k++) silt_pqr_plan_leaves(&pl->children[k], need);
}
