/* IN lists (a hashed set when every element is a constant, so 10,000 elements cost one probe
 * per row), struct field access and array / map subscripts. */
#include <string.h>

#include "sql/exec.h"
#include "util/alloc.h"

struct sql_inset {
    silt_column vals; /* the constants, one per row */
    uint32_t *slots;  /* open addressing: value index + 1, 0 = empty */
    size_t mask;
    bool has_null;
};

void sql_inset_free(struct sql_inset *s)
{
    if (!s) return;
    silt_column_clear(&s->vals);
    silt_free(s->slots);
    silt_free(s);
}

static int inset_fill(struct sql_inset *s, const sql_expr *e)
{
    for (size_t k = 1; k < e->n_args; k++) {
        const silt_column *c = e->args[k]->value;
        if (!silt_column_is_valid(c, 0)) {
            s->has_null = true;
            continue;
        }
        int rc = silt_column_append_range(&s->vals, c, 0, 1);
        if (rc) return rc;
        int64_t idx = s->vals.length - 1;
        size_t h = (size_t)sql_hash_row(&s->vals, idx, 1) & s->mask;
        while (s->slots[h]) {
            if (sql_rows_equal(&s->vals, s->slots[h] - 1, &s->vals, idx)) break;
            h = (h + 1) & s->mask;
        }
        if (!s->slots[h]) s->slots[h] = (uint32_t)idx + 1;
    }
    return 0;
}

int sql_inset_build(struct sql_inset **out, const sql_expr *e, silt_error *err)
{
    struct sql_inset *s = silt_calloc(1, sizeof *s);
    size_t cap = 16;
    while (cap < e->n_args * 2) cap *= 2;
    if (!s || silt_column_init(&s->vals, &e->args[0]->type) ||
        !(s->slots = silt_calloc(cap, sizeof *s->slots)) || (s->mask = cap - 1, inset_fill(s, e))) {
        sql_inset_free(s);
        return silt_error_set(err, SILT_ENOMEM, "out of memory building an IN list");
    }
    *out = s;
    return 0;
}

static int in_row(const sql_expr *e, const sql_vec *args, int64_t i)
{
    const sql_vec *x = &args[0];
    if (!vvalid(x, i)) return 2;
    int64_t r = vrow(x, i);
    if (e->set) {
        const struct sql_inset *s = e->set;
        size_t h = (size_t)sql_hash_row(x->c, r, 1) & s->mask;
        for (; s->slots[h]; h = (h + 1) & s->mask)
            if (sql_rows_equal(&s->vals, s->slots[h] - 1, x->c, r)) return 1;
        return s->has_null ? 2 : 0;
    }
    bool null = false;
    for (size_t k = 1; k < e->n_args; k++) {
        if (!vvalid(&args[k], i)) {
            null = true;
            continue;
        }
        if (sql_rows_equal(x->c, r, args[k].c, vrow(&args[k], i))) return 1;
    }
    return null ? 2 : 0;
}

int sql_k_in(sql_vec *out, const sql_expr *e, sql_vec *args, int64_t n, silt_error *err)
{
    silt_field bt = sql_type(SILT_TYPE_BOOL);
    out->owned = true;
    out->c = &out->own;
    int rc = sql_col_alloc(&out->own, &bt, n);
    for (int64_t i = 0; i < n && !rc; i++) {
        int r = in_row(e, e->set ? args : args, i);
        if (r == 2) rc = sql_col_set_null(&out->own, i);
        silt_bit_set(out->own.values, i, e->negated ? r == 0 : r == 1);
    }
    if (rc) return silt_error_set(err, rc, "out of memory in IN");
    return 0;
}

/* Whether the field column ch holds the field's value of every row of the struct column s
 * as it is: null wherever the struct row is null (as silt_column_append_null leaves it). */
static bool field_as_is(const silt_column *s, const silt_column *ch, const sql_expr *e, int64_t n)
{
    if (s->lazy || ch->lazy || ch->type != e->type.type || s->length != n || ch->length != n)
        return false;
    if (!s->null_count) return true;
    for (int64_t i = 0; i < n; i++)
        if (!silt_column_is_valid(s, i) && silt_column_is_valid(ch, i)) return false;
    return true;
}

int sql_k_field(sql_vec *out, const sql_expr *e, sql_vec *a, int64_t n)
{
    const silt_column *s = a->c, *ch = &s->children[e->index];
    if (!a->is_const && field_as_is(s, ch, e, n)) {
        if (a->owned) { /* the struct is this evaluation's own: its field is moved out */
            out->own = a->own.children[e->index];
            out->c = &out->own;
            out->owned = true;
            memset(&a->own.children[e->index], 0, sizeof out->own);
            return silt_column_init(&a->own.children[e->index], &e->type);
        }
        out->c = ch; /* borrowed, like the struct: the input outlives the evaluation */
        out->owned = false;
        return 0;
    }
    out->owned = true;
    out->c = &out->own;
    int rc = silt_column_init(&out->own, &e->type);
    for (int64_t i = 0; i < n && !rc; i++) {
        int64_t r = vrow(a, i);
        rc = silt_column_is_valid(s, r) ? silt_column_append_range(&out->own, ch, r, 1)
                                        : silt_column_append_null(&out->own);
    }
    return rc;
}

int sql_k_subscript(sql_vec *out, const sql_expr *e, sql_vec *a, sql_vec *b, int64_t n)
{
    const silt_column *c = a->c;
    out->owned = true;
    out->c = &out->own;
    int rc = silt_column_init(&out->own, &e->type);
    for (int64_t i = 0; i < n && !rc; i++) {
        int64_t r = vrow(a, i), k = vrow(b, i), hit = -1;
        if (silt_column_is_valid(c, r) && silt_column_is_valid(b->c, k)) {
            int32_t lo = c->offsets[r], hi = c->offsets[r + 1];
            if (c->type == SILT_TYPE_LIST) {
                int64_t ix = silt_column_get_int(b->c, k);
                if (ix >= 0 && ix < hi - lo) hit = lo + ix;
            } else {
                const silt_column *keys = &c->children[0].children[0];
                for (int32_t j = lo; j < hi && hit < 0; j++)
                    if (sql_rows_equal(keys, j, b->c, k)) hit = j;
            }
        }
        const silt_column *src =
            c->type == SILT_TYPE_LIST ? &c->children[0] : &c->children[0].children[1];
        rc = hit >= 0 ? silt_column_append_range(&out->own, src, hit, 1)
                      : silt_column_append_null(&out->own);
    }
    return rc;
}
