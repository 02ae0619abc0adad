/* Logical kernels: AND, OR, NOT with SQL's three-valued logic, IS [NOT] NULL, and CASE
 * (first true branch wins, else the ELSE value). */
#include <string.h>

#include "sql/exec.h"

static int bool_out(sql_vec *out, int64_t n)
{
    silt_field bt = sql_type(SILT_TYPE_BOOL);
    out->owned = true;
    out->c = &out->own;
    return sql_col_alloc(&out->own, &bt, n);
}

/* value of a boolean vector at row i: 0 false, 1 true, 2 null */
static inline int tv(const sql_vec *v, int64_t i)
{
    int64_t r = vrow(v, i);
    if (!silt_column_is_valid(v->c, r)) return 2;
    return silt_bit_get(v->c->values, r);
}

static bool no_nulls(const sql_vec *v)
{
    return !v->is_const && (!v->c->validity || !v->c->null_count);
}

/* AND, OR, NOT of vectors without nulls: a byte at a time. */
static bool logic_bytes(silt_column *o, sql_op op, const sql_vec *args, int64_t n)
{
    if (!no_nulls(&args[0]) || (op != OP_NOT && !no_nulls(&args[1]))) return false;
    const uint8_t *a = args[0].c->values, *b = op == OP_NOT ? NULL : args[1].c->values;
    for (int64_t j = 0; j < (n + 7) / 8; j++)
        o->values[j] = op == OP_NOT ? (uint8_t)~a[j] : op == OP_AND ? a[j] & b[j] : a[j] | b[j];
    return true;
}

int sql_k_logic(sql_vec *out, const sql_expr *e, sql_vec *args, int64_t n)
{
    int rc = bool_out(out, n);
    if (rc) return rc;
    silt_column *o = &out->own;
    if (logic_bytes(o, e->op, args, n)) return 0;
    for (int64_t i = 0; i < n; i++) {
        int a = tv(&args[0], i), r;
        if (e->op == OP_NOT) {
            r = a == 2 ? 2 : !a;
        } else {
            int b = tv(&args[1], i);
            if (e->op == OP_AND)
                r = (a == 0 || b == 0) ? 0 : (a == 2 || b == 2) ? 2 : 1;
            else
                r = (a == 1 || b == 1) ? 1 : (a == 2 || b == 2) ? 2 : 0;
        }
        if (r == 2) {
            if ((rc = sql_col_set_null(o, i))) return rc;
            r = 0;
        }
        silt_bit_set(o->values, i, r);
    }
    return 0;
}

int sql_k_isnull(sql_vec *out, const sql_expr *e, sql_vec *a, int64_t n)
{
    int rc = bool_out(out, n);
    if (rc) return rc;
    for (int64_t i = 0; i < n; i++) silt_bit_set(out->own.values, i, vvalid(a, i) == e->negated);
    return 0;
}

static int case_pick(silt_column *o, const sql_vec *v, int64_t i, int64_t row)
{
    const silt_column *c = v->c;
    int64_t r = vrow(v, i);
    bool fixed = o->type != SILT_TYPE_STRING && o->type != SILT_TYPE_BINARY &&
                 o->type != SILT_TYPE_STRUCT && o->type != SILT_TYPE_LIST &&
                 o->type != SILT_TYPE_MAP;
    if (!fixed) return silt_column_append_range(o, c, r, 1);
    if (!silt_column_is_valid(c, r)) return sql_col_set_null(o, row);
    if (o->type == SILT_TYPE_BOOL)
        silt_bit_set(o->values, row, silt_bit_get(c->values, r));
    else
        memcpy(o->values + row * o->byte_width, c->values + r * c->byte_width,
               (size_t)o->byte_width);
    return 0;
}

int sql_k_case(sql_vec *out, const sql_expr *e, sql_vec *args, int64_t n)
{
    silt_column *o = &out->own;
    out->owned = true;
    out->c = o;
    int rc = sql_col_alloc(o, &e->type, n);
    if (rc) return rc;
    size_t nw = (e->n_args - 1) / 2;
    for (int64_t i = 0; i < n && !rc; i++) {
        size_t k = 0;
        for (; k < nw; k++)
            if (tv(&args[2 * k], i) == 1) break;
        const sql_vec *v = k < nw ? &args[2 * k + 1] : &args[e->n_args - 1];
        rc = case_pick(o, v, i, i);
    }
    return rc;
}
