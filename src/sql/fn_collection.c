/* Building and reading structs, arrays and maps: named_struct, struct, array, size/cardinality
 * (-1 for NULL, as Spark without ANSI), element_at (1-based, negative from the end, NULL out
 * of range; or a map's value for a key), array_contains (NULL when not found but the array
 * holds a NULL, as SQL's three-valued IN). */
#include <stdio.h>

#include "sql/fn_util.h"
#include "util/alloc.h"

/* ---- named_struct, struct ---- */

/* Binds a struct of args [first, n) step `step`, named by constant strings (named_struct) or
 * col1, col2... (struct). */
static int struct_bind_kind(silt_sql_fn_bind *b, bool named, silt_error *err)
{
    const char *name = named ? "named_struct" : "struct";
    if (named && b->n_args % 2 != 0) return fn_bad_args(err, name, b, "expected name, value pairs");
    size_t nf = named ? b->n_args / 2 : b->n_args;
    if (silt_field_init_nested(&b->ret, "", SILT_TYPE_STRUCT, true, nf)) return FN_OOM(err);
    for (size_t k = 0; k < nf; k++) {
        const silt_field *t = b->arg_types[named ? 2 * k + 1 : k];
        char fname[256];
        if (named) {
            const silt_column *c = b->const_args[2 * k];
            if (!c || b->arg_types[2 * k]->type != SILT_TYPE_STRING || !silt_column_is_valid(c, 0))
                return fn_bad_args(err, name, b, "field names must be constant strings");
            size_t len;
            const uint8_t *p = silt_column_bytes(c, 0, &len);
            snprintf(fname, sizeof fname, "%.*s", (int)len, len ? (const char *)p : "");
        } else {
            snprintf(fname, sizeof fname, "col%zu", k + 1);
        }
        silt_field *f = &b->ret.children[k];
        if (silt_field_copy(f, t)) return FN_OOM(err);
        silt_free(f->name);
        if (!(f->name = silt_strdup(fname))) return FN_OOM(err);
        f->nullable = true;
    }
    return 0;
}
static int named_struct_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fn_bind_done(b, struct_bind_kind(b, true, err), NULL);
}
static int struct_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fn_bind_done(b, struct_bind_kind(b, false, err), NULL);
}

static int struct_eval_kind(silt_column *out, const silt_sql_fn_args *a, int64_t n, bool named)
{
    for (int64_t r = 0; r < n; r++) {
        for (size_t k = 0; k < out->n_children; k++) {
            size_t i = named ? 2 * k + 1 : k;
            int64_t row = silt_sql_arg_row(a, i, r);
            int rc = silt_column_is_valid(a->cols[i], row)
                         ? fn_copy_value(&out->children[k], a->cols[i], row)
                         : silt_column_append_null(&out->children[k]);
            if (rc) return rc;
        }
        if (silt_column_append_valid(out)) return SILT_ENOMEM;
    }
    return 0;
}
static int named_struct_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                             silt_error *err)
{
    return struct_eval_kind(out, a, n, true) ? FN_OOM(err) : 0;
}
static int struct_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                       silt_error *err)
{
    return struct_eval_kind(out, a, n, false) ? FN_OOM(err) : 0;
}

/* ---- array ---- */

static int array_bind_impl(silt_sql_fn_bind *b, silt_error *err)
{
    silt_field elem = {0};
    if (b->n_args > 0) {
        int rc = fn_unify(b, 0, b->n_args, "array", err);
        if (rc) return rc;
        elem = b->ret;
        memset(&b->ret, 0, sizeof b->ret);
    } else if (silt_field_init(&elem, "", SILT_TYPE_STRING, true)) {
        return FN_OOM(err);
    }
    if (silt_field_init_nested(&b->ret, "", SILT_TYPE_LIST, true, 1)) {
        silt_field_clear(&elem);
        return FN_OOM(err);
    }
    silt_free(elem.name);
    elem.name = silt_strdup("element");
    elem.nullable = true;
    b->ret.children[0] = elem;
    return elem.name ? 0 : FN_OOM(err);
}
static int array_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fn_bind_done(b, array_bind_impl(b, err), NULL);
}

static int array_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                      silt_error *err)
{
    silt_column *el = &out->children[0];
    for (int64_t r = 0; r < n; r++) {
        for (size_t i = 0; i < a->n; i++) {
            int64_t row = silt_sql_arg_row(a, i, r);
            int rc = silt_column_is_valid(a->cols[i], row) ? fn_copy_value(el, a->cols[i], row)
                                                           : silt_column_append_null(el);
            if (rc) return FN_OOM(err);
        }
        if (silt_column_append_valid(out)) return FN_OOM(err);
    }
    return 0;
}

/* ---- map ---- */

/* The common type of args start, start+2, ...: casts asked for those that differ. */
static int unify_every_other(silt_sql_fn_bind *b, size_t start, silt_field *out, silt_error *err)
{
    silt_field acc = {0};
    for (size_t i = start; i < b->n_args; i += 2) {
        silt_field next;
        if (b->arg_types[i]->n_children || !fn_wider(&next, &acc, b->arg_types[i])) {
            silt_field_clear(&acc);
            return fn_bad_args(err, "map", b,
                               start ? "the values have no common scalar type"
                                     : "the keys have no common scalar type");
        }
        silt_field_clear(&acc);
        acc = next;
    }
    for (size_t i = start; i < b->n_args; i += 2) {
        const silt_field *t = b->arg_types[i];
        bool same =
            t->type == acc.type && (t->type != SILT_TYPE_DECIMAL ||
                                    (t->precision == acc.precision && t->scale == acc.scale));
        if (!same && silt_field_copy(&b->want[i], &acc)) {
            silt_field_clear(&acc);
            return FN_OOM(err);
        }
    }
    *out = acc;
    return 0;
}

static int map_bind_impl(silt_sql_fn_bind *b, silt_error *err)
{
    if (b->n_args % 2 != 0) return fn_bad_args(err, "map", b, "expected key, value pairs");
    silt_field k = {0}, v = {0};
    if (b->n_args == 0) {
        if (silt_field_init(&k, "", SILT_TYPE_STRING, false) ||
            silt_field_init(&v, "", SILT_TYPE_STRING, true))
            goto oom;
    } else if (unify_every_other(b, 0, &k, err) || unify_every_other(b, 1, &v, err)) {
        silt_field_clear(&k);
        return SILT_EINVAL;
    }
    if (silt_field_init_nested(&b->ret, "", SILT_TYPE_MAP, true, 1) ||
        silt_field_init_nested(&b->ret.children[0], "key_value", SILT_TYPE_STRUCT, false, 2))
        goto oom;
    silt_free(k.name);
    silt_free(v.name);
    k.name = silt_strdup("key");
    v.name = silt_strdup("value");
    k.nullable = false;
    v.nullable = true;
    b->ret.children[0].children[0] = k;
    b->ret.children[0].children[1] = v;
    return k.name && v.name ? 0 : FN_OOM(err);
oom:
    silt_field_clear(&k);
    silt_field_clear(&v);
    return FN_OOM(err);
}
static int map_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fn_bind_done(b, map_bind_impl(b, err), NULL);
}

/* One map row; a NULL key makes the whole map NULL (Spark refuses such a map). */
static int map_row(silt_column *out, const silt_sql_fn_args *a, int64_t r)
{
    silt_column *kv = &out->children[0];
    for (size_t i = 0; i < a->n; i += 2)
        if (!fn_valid(a, i, r)) return silt_column_append_null(out);
    for (size_t i = 0; i < a->n; i += 2) {
        int64_t kr = silt_sql_arg_row(a, i, r), vr = silt_sql_arg_row(a, i + 1, r);
        int rc = fn_copy_value(&kv->children[0], a->cols[i], kr);
        if (!rc)
            rc = silt_column_is_valid(a->cols[i + 1], vr)
                     ? fn_copy_value(&kv->children[1], a->cols[i + 1], vr)
                     : silt_column_append_null(&kv->children[1]);
        if (!rc) rc = silt_column_append_valid(kv);
        if (rc) return rc;
    }
    return silt_column_append_valid(out);
}

static int map_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                    silt_error *err)
{
    for (int64_t r = 0; r < n; r++)
        if (map_row(out, a, r)) return FN_OOM(err);
    return 0;
}

/* ---- size, element_at, array_contains ---- */

static int size_bind(silt_sql_fn_bind *b, silt_error *err)
{
    silt_type_id t = b->arg_types[0]->type;
    if (t != SILT_TYPE_LIST && t != SILT_TYPE_MAP)
        return fn_bad_args(err, "size", b, "expected an array or a map");
    if (fn_ret(b, SILT_TYPE_INT32, err)) return SILT_ENOMEM;
    b->ret.nullable = false;
    return 0;
}

static int size_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                     silt_error *err)
{
    const silt_column *c = a->cols[0];
    for (int64_t r = 0; r < n; r++) {
        int64_t i = silt_sql_arg_row(a, 0, r);
        int64_t v = silt_column_is_valid(c, i) ? c->offsets[i + 1] - c->offsets[i] : -1;
        if (silt_column_append_int(out, v)) return FN_OOM(err);
    }
    return 0;
}

/* Binds element_at / array_contains: the second argument is cast to the element (or key) type. */
static int lookup_bind(silt_sql_fn_bind *b, const char *name, bool contains, silt_error *err)
{
    const silt_field *t = b->arg_types[0];
    bool map = t->type == SILT_TYPE_MAP;
    if (t->type != SILT_TYPE_LIST && !(map && !contains))
        return fn_bad_args(err, name, b,
                           contains ? "expected an array" : "expected an array or a map");
    const silt_field *elem = map ? &t->children[0].children[0] : &t->children[0];
    if (elem->n_children > 0) return fn_bad_args(err, name, b, "expected scalar elements");
    if (!map && !contains) {
        if (!fn_is_int(b->arg_types[1]->type))
            return fn_bad_args(err, name, b, "the index must be an integer");
    } else if (b->arg_types[1]->type != elem->type ||
               (elem->type == SILT_TYPE_DECIMAL && b->arg_types[1]->scale != elem->scale)) {
        if (silt_field_copy(&b->want[1], elem)) return FN_OOM(err);
    }
    if (contains) return fn_ret(b, SILT_TYPE_BOOL, err);
    return fn_ret_copy(b, map ? &t->children[0].children[1] : &t->children[0], err);
}
static int element_at_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fn_bind_done(b, lookup_bind(b, "element_at", false, err), NULL);
}
static int contains_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fn_bind_done(b, lookup_bind(b, "array_contains", true, err), NULL);
}

static int element_one(silt_column *out, const silt_sql_fn_args *a, int64_t r)
{
    const silt_column *c = a->cols[0], *k = a->cols[1];
    int64_t i = silt_sql_arg_row(a, 0, r), j = silt_sql_arg_row(a, 1, r);
    int64_t lo = c->offsets[i], len = c->offsets[i + 1] - lo;
    if (c->type == SILT_TYPE_MAP) {
        const silt_column *kv = &c->children[0];
        for (int64_t e = lo; e < lo + len; e++)
            if (fn_value_cmp(&kv->children[0], e, k, j) == 0) {
                if (!silt_column_is_valid(&kv->children[1], e)) break;
                return fn_copy_value(out, &kv->children[1], e);
            }
        return silt_column_append_null(out);
    }
    int64_t idx = fn_get_i64(k, j);
    int64_t e = idx > 0 ? idx - 1 : len + idx;
    if (idx == 0 || e < 0 || e >= len || !silt_column_is_valid(&c->children[0], lo + e))
        return silt_column_append_null(out);
    return fn_copy_value(out, &c->children[0], lo + e);
}

static int element_at_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                           silt_error *err)
{
    for (int64_t r = 0; r < n; r++) {
        int rc = fn_all_valid(a, r) ? element_one(out, a, r) : silt_column_append_null(out);
        if (rc) return FN_OOM(err);
    }
    return 0;
}

static int contains_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                         silt_error *err)
{
    const silt_column *c = a->cols[0], *v = a->cols[1];
    for (int64_t r = 0; r < n; r++) {
        int rc;
        if (!fn_all_valid(a, r)) {
            rc = silt_column_append_null(out);
        } else {
            int64_t i = silt_sql_arg_row(a, 0, r), j = silt_sql_arg_row(a, 1, r);
            bool found = false, null_seen = false;
            for (int64_t e = c->offsets[i]; e < c->offsets[i + 1] && !found; e++) {
                if (!silt_column_is_valid(&c->children[0], e))
                    null_seen = true;
                else
                    found = fn_value_cmp(&c->children[0], e, v, j) == 0;
            }
            rc = !found && null_seen ? silt_column_append_null(out)
                                     : silt_column_append_bool(out, found);
        }
        if (rc) return FN_OOM(err);
    }
    return 0;
}

const silt_sql_scalar_fn silt_sql_fn_collection[] = {
    {"named_struct", 2, -1, named_struct_bind, named_struct_eval, NULL,
     "named_struct(name, value, ...) - a struct of the values, fields named by the constant "
     "names. named_struct('a', 1, 'b', 2) -> {a: 1, b: 2}"},
    {"struct", 1, -1, struct_bind, struct_eval, NULL,
     "struct(a, b, ...) - a struct of the values, fields col1, col2... struct(1, 'x') -> "
     "{col1: 1, col2: 'x'}"},
    {"array", 0, -1, array_bind, array_eval, NULL,
     "array(a, b, ...) - an array of the values, unified to one type. array(1, 2, 3) -> "
     "[1, 2, 3]"},
    {"map", 0, -1, map_bind, map_eval, NULL,
     "map(k, v, ...) - a map of the key, value pairs (keys unified to one type, values to "
     "another; a NULL key gives NULL). map(1.0, '2', 3.0, '4') -> {1.0 -> '2', 3.0 -> '4'}"},
    {"size", 1, 1, size_bind, size_eval, NULL,
     "size(x) - elements of an array or entries of a map; -1 for NULL. size(array('b', 'd')) "
     "-> 2"},
    {"cardinality", 1, 1, size_bind, size_eval, NULL,
     "cardinality(x) - same as size. cardinality(array(1, 2)) -> 2"},
    {"element_at", 2, 2, element_at_bind, element_at_eval, NULL,
     "element_at(arr, i) - element i (1-based; negative counts from the end; NULL out of "
     "range), or element_at(map, key) - the key's value. element_at(array(1, 2, 3), 2) -> 2"},
    {"array_contains", 2, 2, contains_bind, contains_eval, NULL,
     "array_contains(arr, v) - whether arr holds v (NULL if not and arr holds a NULL). "
     "array_contains(array(1, 2, 3), 2) -> true"},
    {0},
};
