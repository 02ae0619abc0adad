/* Comparison kernels: = <> < <= > >= and <=> over two same-typed vectors (integers, dates,
 * timestamps, floating point, decimals, strings in byte order, booleans, nested values),
 * giving a boolean vector; NULL in gives NULL out except for <=>. */
#include <string.h>

#include "sql/exec.h"

static inline bool apply(sql_op op, int c)
{
    switch (op) {
    case OP_EQ:
    case OP_EQNS: return c == 0;
    case OP_NE: return c != 0;
    case OP_LT: return c < 0;
    case OP_LE: return c <= 0;
    case OP_GT: return c > 0;
    default: return c >= 0;
    }
}

/* Tests x[i * sa] REL y[i * sb] for i < n, eight results packed per output byte. */
#define CMP_PACK(T, REL)                                                                           \
    do {                                                                                           \
        const T *x = (const T *)a->c->values, *y = (const T *)b->c->values;                        \
        if (sa && !sb) { /* column REL constant */                                                 \
            T q = y[0];                                                                            \
            int64_t full = n & ~(int64_t)7;                                                        \
            for (int64_t i0 = 0; i0 < full; i0 += 8) {                                             \
                unsigned byte = 0;                                                                 \
                for (int j = 0; j < 8; j++) byte |= (unsigned)(x[i0 + j] REL q) << j;              \
                o->values[i0 >> 3] = (uint8_t)byte;                                                \
            }                                                                                      \
            if (full < n) {                                                                        \
                unsigned byte = 0;                                                                 \
                for (int j = 0; full + j < n; j++) byte |= (unsigned)(x[full + j] REL q) << j;     \
                o->values[full >> 3] = (uint8_t)byte;                                              \
            }                                                                                      \
            break;                                                                                 \
        }                                                                                          \
        for (int64_t i0 = 0; i0 < n; i0 += 8) {                                                    \
            int e = n - i0 < 8 ? (int)(n - i0) : 8;                                                \
            unsigned byte = 0;                                                                     \
            for (int j = 0; j < e; j++)                                                            \
                byte |= (unsigned)(x[(i0 + j) * sa] REL y[(i0 + j) * sb]) << j;                    \
            o->values[i0 >> 3] = (uint8_t)byte;                                                    \
        }                                                                                          \
    } while (0)

#define CMP_LOOP(T)                                                                                \
    do {                                                                                           \
        switch (op) {                                                                              \
        case OP_EQ:                                                                                \
        case OP_EQNS: CMP_PACK(T, ==); break;                                                      \
        case OP_NE: CMP_PACK(T, !=); break;                                                        \
        case OP_LT: CMP_PACK(T, <); break;                                                         \
        case OP_LE: CMP_PACK(T, <=); break;                                                        \
        case OP_GT: CMP_PACK(T, >); break;                                                         \
        default: CMP_PACK(T, >=); break;                                                           \
        }                                                                                          \
    } while (0)

/* Strings (and binary) in byte order; equality tests the lengths first. */
static void cmp_bytes(silt_column *o, sql_op op, const sql_vec *a, const sql_vec *b, int64_t n)
{
    int sa = a->is_const ? 0 : 1, sb = b->is_const ? 0 : 1;
    const int32_t *xo = a->c->offsets, *yo = b->c->offsets;
    const uint8_t *xd = a->c->values, *yd = b->c->values;
    if (sa && !sb && (op == OP_EQ || op == OP_NE)) { /* column = constant */
        size_t ly = (size_t)(yo[1] - yo[0]);
        const uint8_t *q = yd + yo[0];
        unsigned ne = op == OP_NE;
        for (int64_t i0 = 0; i0 < n; i0 += 8) {
            int e = n - i0 < 8 ? (int)(n - i0) : 8;
            unsigned byte = 0;
            for (int j = 0; j < e; j++) {
                int32_t x0 = xo[i0 + j];
                bool eq = (size_t)(xo[i0 + j + 1] - x0) == ly && (!ly || !memcmp(xd + x0, q, ly));
                byte |= ((unsigned)eq ^ ne) << j;
            }
            o->values[i0 >> 3] = (uint8_t)byte;
        }
        return;
    }
    for (int64_t i = 0; i < n; i++) {
        int32_t x0 = xo[i * sa], y0 = yo[i * sb];
        size_t lx = (size_t)(xo[i * sa + 1] - x0), ly = (size_t)(yo[i * sb + 1] - y0);
        int c;
        if (op == OP_EQ || op == OP_NE) {
            c = lx != ly || (lx && memcmp(xd + x0, yd + y0, lx));
        } else {
            size_t lm = lx < ly ? lx : ly; /* no pointer arithmetic on an empty column's NULL */
            c = lm ? memcmp(xd + x0, yd + y0, lm) : 0;
            if (!c) c = (lx > ly) - (lx < ly);
        }
        silt_bit_set(o->values, i, apply(op, c));
    }
}

static bool fast_cmp(silt_column *o, sql_op op, const sql_vec *a, const sql_vec *b, int64_t n)
{
    int sa = a->is_const ? 0 : 1, sb = b->is_const ? 0 : 1;
    switch (a->c->type) {
    case SILT_TYPE_INT8: CMP_LOOP(int8_t); return true;
    case SILT_TYPE_INT16: CMP_LOOP(int16_t); return true;
    case SILT_TYPE_INT32:
    case SILT_TYPE_DATE32: CMP_LOOP(int32_t); return true;
    case SILT_TYPE_INT64:
    case SILT_TYPE_TIMESTAMP:
    case SILT_TYPE_TIMESTAMP_NS: CMP_LOOP(int64_t); return true;
    case SILT_TYPE_DECIMAL: {
        for (int64_t i = 0; i < n; i++) {
            __int128 p, q;
            memcpy(&p, a->c->values + i * sa * 16, 16);
            memcpy(&q, b->c->values + i * sb * 16, 16);
            silt_bit_set(o->values, i, apply(op, (p > q) - (p < q)));
        }
        return true;
    }
    case SILT_TYPE_STRING:
    case SILT_TYPE_BINARY: cmp_bytes(o, op, a, b, n); return true;
    default: return false;
    }
}

static int cmp_eqns(silt_column *o, const sql_vec *a, const sql_vec *b, int64_t n)
{
    for (int64_t i = 0; i < n; i++) {
        bool va = vvalid(a, i), vb = vvalid(b, i), r;
        if (!va || !vb)
            r = va == vb;
        else
            r = sql_compare_rows(a->c, vrow(a, i), b->c, vrow(b, i)) == 0;
        silt_bit_set(o->values, i, r);
    }
    return 0;
}

int sql_k_cmp(sql_vec *out, const sql_expr *e, sql_vec *a, sql_vec *b, int64_t n)
{
    silt_column *o = &out->own;
    out->owned = true;
    out->c = o;
    silt_field bt = sql_type(SILT_TYPE_BOOL);
    int rc = sql_col_alloc(o, &bt, n);
    if (rc) return rc;
    if (e->op == OP_EQNS) return cmp_eqns(o, a, b, n);
    const sql_vec *v[2] = {a, b};
    if ((rc = sql_col_validity_and(o, v, 2, n))) return rc;
    if (fast_cmp(o, e->op, a, b, n)) return 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t x = vrow(a, i), y = vrow(b, i);
        bool r = false;
        if (vvalid(a, i) && vvalid(b, i)) {
            int c = sql_compare_rows(a->c, x, b->c, y);
            if ((a->c->type == SILT_TYPE_DOUBLE || a->c->type == SILT_TYPE_FLOAT) &&
                (e->op == OP_EQ || e->op == OP_NE)) {
                /* NaN = NaN is true in Spark */
                c = sql_rows_equal(a->c, x, b->c, y) ? 0 : (c ? c : 1);
            }
            r = apply(e->op, c);
        }
        silt_bit_set(o->values, i, r);
    }
    return 0;
}
