/* Parquet reader, assembly: converts a leaf's dense physical values to silt values and
 * rebuilds validity, offsets and children of Arrow-layout columns from the levels. */
#include "parquet/reader_int.h"

#include <string.h>

#include "util/alloc.h"

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

/* Converts the dense physical values of a leaf into dense silt values of width sw (BOOL: one
 * byte per value). *out is either d->fixed (identity) or a new block the caller frees. */
int silt_pqr_convert_dense(const pq_plan *pl, leaf_data *d, uint8_t **out, bool *owned,
                           chunk_ctx *c)
{
    const silt_pq_schema_elem *e = pl->e;
    int64_t n = d->is_bin ? d->bin.n : d->n_values;
    int sw = pl->type == SILT_TYPE_BOOL ? 1 : silt_type_width(pl->type);
    *owned = false;
    *out = d->fixed;
    if (pl->type == SILT_TYPE_STRING || pl->type == SILT_TYPE_BINARY) return 0;
    if (pl->type == SILT_TYPE_FIXED_BINARY) return 0;
    bool identity = (sw == d->width && !d->is_bin) &&
                    !(e->type == SILT_PQ_INT64 && pl->type == SILT_TYPE_TIMESTAMP &&
                      ((e->logical_type == SILT_PQ_LT_TIMESTAMP && e->lt_unit == 1) ||
                       (e->logical_type != SILT_PQ_LT_TIMESTAMP &&
                        e->converted_type == SILT_PQ_CT_TIMESTAMP_MILLIS))) &&
                    !(e->type == SILT_PQ_INT64 && pl->type == SILT_TYPE_INT64 &&
                      e->logical_type == SILT_PQ_LT_TIME && e->lt_unit == 3) &&
                    pl->type != SILT_TYPE_DECIMAL;
    if (identity) return 0;
    size_t bytes;
    if (silt_mul_size(&bytes, (size_t)n, (size_t)sw)) return SILT_ENOMEM;
    uint8_t *dst = silt_malloc(bytes ? bytes : 1);
    if (!dst)
        return silt_pqr_chunk_err(c, SILT_ENOMEM, d->chunk_off, "out of memory converting values%s",
                                  NULL);
    *out = dst;
    *owned = true;
    const uint8_t *src = d->fixed;
    for (int64_t i = 0; i < n; i++) {
        uint8_t *o = dst + (size_t)i * (size_t)sw;
        const uint8_t *s = src ? src + (size_t)i * (size_t)d->width : NULL;
        switch (pl->type) {
        case SILT_TYPE_INT8: o[0] = s[0]; break;
        case SILT_TYPE_INT16: memcpy(o, s, 2); break;
        case SILT_TYPE_FLOAT: {
            uint16_t h = (uint16_t)(s[0] | s[1] << 8);
            float f = half_to_float(h);
            memcpy(o, &f, 4);
            break;
        }
        case SILT_TYPE_INT64:
        case SILT_TYPE_TIMESTAMP:
        case SILT_TYPE_TIMESTAMP_NS: {
            int64_t v;
            if (e->type == SILT_PQ_INT96) {
                int64_t nanos;
                int32_t day;
                memcpy(&nanos, s, 8);
                memcpy(&day, s + 8, 4);
                v = (int64_t)((uint64_t)((int64_t)day - 2440588) * 86400000000ull +
                              (uint64_t)(nanos / 1000));
            } else if (e->type == SILT_PQ_INT32) {
                int32_t x;
                memcpy(&x, s, 4);
                v = (int64_t)x * 1000; /* TIME_MILLIS to micros */
            } else {
                memcpy(&v, s, 8);
                if (e->logical_type == SILT_PQ_LT_TIME && e->lt_unit == 3)
                    v /= 1000;
                else if (pl->type == SILT_TYPE_TIMESTAMP &&
                         e->logical_type == SILT_PQ_LT_TIMESTAMP && e->lt_unit == 1)
                    v = (int64_t)((uint64_t)v * 1000u);
                else if (pl->type == SILT_TYPE_TIMESTAMP &&
                         e->logical_type != SILT_PQ_LT_TIMESTAMP &&
                         e->converted_type == SILT_PQ_CT_TIMESTAMP_MILLIS)
                    v = (int64_t)((uint64_t)v * 1000u);
            }
            memcpy(o, &v, 8);
            break;
        }
        case SILT_TYPE_DECIMAL:
            if (e->type == SILT_PQ_INT32) {
                int32_t x;
                memcpy(&x, s, 4);
                i64_to_dec16(o, x);
            } else if (e->type == SILT_PQ_INT64) {
                int64_t x;
                memcpy(&x, s, 8);
                i64_to_dec16(o, x);
            } else {
                const uint8_t *b = d->is_bin ? d->bin.data + d->bin.offsets[i] : s;
                size_t len = d->is_bin ? (size_t)(d->bin.offsets[i + 1] - d->bin.offsets[i])
                                       : (size_t)d->width;
                if (be_to_dec16(o, b, len)) {
                    silt_free(dst);
                    *out = NULL;
                    *owned = false;
                    return silt_pqr_chunk_err(c, SILT_ECORRUPT, d->chunk_off,
                                              "decimal value wider than 128 bits%s", NULL);
                }
            }
            break;
        default: memcpy(o, s, (size_t)sw); break;
        }
    }
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

int silt_pqr_assemble_leaf(silt_pq_reader *r, const pq_plan *pl, silt_column *col, leaf_data *d,
                           int64_t slots, silt_error *err)
{
    const pq_leaf *l = &r->leaves[pl->leaf];
    chunk_ctx c = {.r = r, .leaf = l, .err = err};
    const uint16_t *def = d->def, *rep = d->rep;
    int64_t n = d->n, nvals = d->is_bin ? d->bin.n : d->n_values;
    uint16_t mx = (uint16_t)l->max_def;
    int rc;
    uint8_t *dense = NULL;
    bool owned = false;
    uint8_t *valid = NULL;
    if ((rc = silt_pqr_convert_dense(pl, d, &dense, &owned, &c))) return rc;
    bool flat_full = slots == n && nvals == n;
    int64_t base = col->length;
    if (pl->type == SILT_TYPE_STRING || pl->type == SILT_TYPE_BINARY) {
        if (flat_full && base == 0 && !col->offsets && !col->values) {
            /* hand the accumulated buffers to the column */
            if (!d->bin.offsets && (rc = silt_pq_bin_reserve(&d->bin, 0, 0))) goto oom;
            col->offsets = d->bin.offsets;
            col->values = d->bin.data;
            col->cap_rows = d->bin.cap - 1;
            col->cap_bytes = d->bin.data_cap;
            col->length = n;
            memset(&d->bin, 0, sizeof d->bin);
            goto done;
        }
        if ((rc = silt_column_reserve(col, slots ? slots : 1, d->bin.len ? d->bin.len : 1)))
            goto oom;
        int32_t *off = col->offsets;
        int32_t b0 = off[base];
        if (d->bin.len) memcpy(col->values + b0, d->bin.data, (size_t)d->bin.len);
        const int32_t *so = d->bin.offsets;
        valid = silt_malloc((size_t)(slots ? slots : 1));
        if (!valid) goto oom;
        int64_t row = base, k = 0, j = 0;
        for (int64_t i = 0; i < n; i++) {
            if (!is_slot(rep, def, i, pl->r_slot, pl->d_slot)) continue;
            bool v = !def || def[i] == mx;
            if (v) {
                if (k >= nvals) goto corrupt;
                off[row + 1] = b0 + so[k + 1];
                k++;
            } else {
                off[row + 1] = off[row];
            }
            valid[j++] = v;
            row++;
        }
        if (k != nvals) goto corrupt;
        col->length = row;
        if ((rc = set_validity(col, base, valid, slots))) goto oom;
        goto done;
    }
    int sw = pl->type == SILT_TYPE_BOOL           ? 1
             : pl->type == SILT_TYPE_FIXED_BINARY ? (int)col->byte_width
                                                  : silt_type_width(pl->type);
    if (pl->type != SILT_TYPE_BOOL && flat_full && base == 0 && !owned && dense &&
        pl->type != SILT_TYPE_FIXED_BINARY && !col->values && !col->validity) {
        /* the decoded values are already silt values: hand the buffer to the column */
        col->values = d->fixed;
        col->cap_rows = d->cap_values;
        col->length = n;
        d->fixed = NULL;
        d->cap_values = 0;
        goto done;
    }
    if ((rc = silt_column_reserve(col, slots, 0))) goto oom;
    if (pl->type != SILT_TYPE_BOOL && flat_full && base == 0) {
        if (n) memcpy(col->values, dense, (size_t)n * (size_t)sw);
        col->length = n;
        goto done;
    }
    valid = silt_malloc((size_t)(slots ? slots : 1));
    if (!valid) goto oom;
    int64_t row = base, k = 0, j = 0;
    for (int64_t i = 0; i < n; i++) {
        if (!is_slot(rep, def, i, pl->r_slot, pl->d_slot)) continue;
        bool v = !def || def[i] == mx;
        if (v) {
            if (k >= nvals) goto corrupt;
            if (pl->type == SILT_TYPE_BOOL)
                silt_bit_set(col->values, row, dense[k] != 0);
            else
                memcpy(col->values + (size_t)row * (size_t)sw, dense + (size_t)k * (size_t)sw,
                       (size_t)sw);
            k++;
        } else if (pl->type == SILT_TYPE_BOOL) {
            silt_bit_set(col->values, row, false);
        } else {
            memset(col->values + (size_t)row * (size_t)sw, 0, (size_t)sw);
        }
        valid[j++] = v;
        row++;
    }
    if (k != nvals) goto corrupt;
    col->length = row;
    if ((rc = set_validity(col, base, valid, slots))) goto oom;
done:
    silt_free(valid);
    if (owned) silt_free(dense);
    return 0;
corrupt:
    silt_free(valid);
    if (owned) silt_free(dense);
    return silt_pqr_chunk_err(&c, SILT_ECORRUPT, d->chunk_off,
                              "definition levels do not match the number of values%s", NULL);
oom:
    silt_free(valid);
    if (owned) silt_free(dense);
    return silt_pqr_chunk_err(&c, rc == SILT_ERANGE ? SILT_EUNSUPPORTED : SILT_ENOMEM, d->chunk_off,
                              "%s",
                              rc == SILT_ERANGE ? "column holds more than 2 GiB" : "out of memory");
}

int silt_pqr_assemble(silt_pq_reader *r, const pq_plan *pl, silt_column *col, leaf_data *lds,
                      silt_error *err)
{
    leaf_data *d = &lds[pl->leaf];
    const uint16_t *def = d->def, *rep = d->rep;
    int64_t n = d->n, slots = 0;
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
    }
    col->length = row;
    rc = set_validity(col, base, valid, slots);
    silt_free(valid);
    if (rc) return silt_pqr_chunk_err(&c, SILT_ENOMEM, d->chunk_off, "out of memory%s", NULL);
    for (size_t k = 0; k < pl->n_children; k++)
        if ((rc = silt_pqr_assemble(r, &pl->children[k], &col->children[k], lds, err))) return rc;
    return 0;
}

/* Marks the leaves whose column chunks a plan needs. */
void silt_pqr_plan_leaves(const pq_plan *pl, bool *need)
{
    need[pl->leaf] = true;
    for (size_t k = 0; k < pl->n_children; k++) silt_pqr_plan_leaves(&pl->children[k], need);
}
