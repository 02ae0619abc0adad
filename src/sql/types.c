/* SQL types in the engine: arena copies of types, Spark's implicit widening and decimal
 * result types. */
#include <stdio.h>
#include <string.h>

#include "sql/fn.h"
#include "sql/types.h"

int sql_field_dup(silt_arena *a, silt_field *out, const silt_field *src, const char *name)
{
    *out = *src;
    out->name = silt_arena_strndup(a, name ? name : (src->name ? src->name : ""),
                                   strlen(name ? name : (src->name ? src->name : "")));
    if (!out->name) return SILT_ENOMEM;
    out->children = NULL;
    if (src->n_children) {
        out->children = silt_arena_alloc(a, src->n_children * sizeof *out->children);
        if (!out->children) return SILT_ENOMEM;
        for (size_t i = 0; i < src->n_children; i++)
            if (sql_field_dup(a, &out->children[i], &src->children[i], NULL)) return SILT_ENOMEM;
    }
    return 0;
}

silt_field sql_type(silt_type_id t)
{
    silt_field f;
    memset(&f, 0, sizeof f);
    f.name = "";
    f.type = t;
    f.nullable = true;
    f.tz_utc = true;
    return f;
}

silt_field sql_decimal_type(int p, int s)
{
    silt_field f = sql_type(SILT_TYPE_DECIMAL);
    f.precision = p;
    f.scale = s;
    return f;
}

silt_field sql_decimal_adjust(int p, int s)
{
    if (p <= 38) return sql_decimal_type(p, s);
    int int_digits = p - s;
    int min_scale = s < 6 ? s : 6;
    int ns = 38 - int_digits > min_scale ? 38 - int_digits : min_scale;
    return sql_decimal_type(38, ns);
}

bool sql_type_is_integral(const silt_field *t)
{
    return t->type >= SILT_TYPE_INT8 && t->type <= SILT_TYPE_INT64;
}

bool sql_type_is_numeric(const silt_field *t)
{
    return sql_type_is_integral(t) || t->type == SILT_TYPE_FLOAT || t->type == SILT_TYPE_DOUBLE ||
           t->type == SILT_TYPE_DECIMAL;
}

bool sql_type_is_string(const silt_field *t)
{
    return t->type == SILT_TYPE_STRING;
}

bool sql_type_equal(const silt_field *a, const silt_field *b)
{
    if (a->type != b->type || a->n_children != b->n_children) return false;
    if (a->type == SILT_TYPE_DECIMAL && (a->precision != b->precision || a->scale != b->scale))
        return false;
    if (a->type == SILT_TYPE_TIMESTAMP && a->tz_utc != b->tz_utc) return false;
    for (size_t i = 0; i < a->n_children; i++) {
        if (a->type == SILT_TYPE_STRUCT && strcmp(a->children[i].name, b->children[i].name))
            return false;
        if (!sql_type_equal(&a->children[i], &b->children[i])) return false;
    }
    return true;
}

silt_field sql_decimal_of(const silt_field *t)
{
    switch (t->type) {
    case SILT_TYPE_INT8: return sql_decimal_type(3, 0);
    case SILT_TYPE_INT16: return sql_decimal_type(5, 0);
    case SILT_TYPE_INT32: return sql_decimal_type(10, 0);
    case SILT_TYPE_INT64: return sql_decimal_type(20, 0);
    default: return *t;
    }
}

static int num_rank(silt_type_id t)
{
    switch (t) {
    case SILT_TYPE_INT8: return 1;
    case SILT_TYPE_INT16: return 2;
    case SILT_TYPE_INT32: return 3;
    case SILT_TYPE_INT64: return 4;
    case SILT_TYPE_FLOAT: return 6;
    case SILT_TYPE_DOUBLE: return 7;
    default: return 0;
    }
}

static bool common_leaf(silt_field *out, const silt_field *x, const silt_field *y)
{
    if (x->type == SILT_TYPE_DECIMAL || y->type == SILT_TYPE_DECIMAL) {
        if (x->type == SILT_TYPE_FLOAT || x->type == SILT_TYPE_DOUBLE ||
            y->type == SILT_TYPE_FLOAT || y->type == SILT_TYPE_DOUBLE) {
            *out = sql_type(SILT_TYPE_DOUBLE);
            return true;
        }
        if (!sql_type_is_numeric(x) || !sql_type_is_numeric(y)) return false;
        silt_field a = sql_decimal_of(x), b = sql_decimal_of(y);
        int s = a.scale > b.scale ? a.scale : b.scale;
        int r = a.precision - a.scale > b.precision - b.scale ? a.precision - a.scale
                                                              : b.precision - b.scale;
        *out = sql_decimal_type(r + s > 38 ? 38 : r + s, s);
        return true;
    }
    if (num_rank(x->type) && num_rank(y->type)) {
        *out = num_rank(x->type) >= num_rank(y->type) ? sql_type(x->type) : sql_type(y->type);
        return true;
    }
    if ((x->type == SILT_TYPE_DATE32 && y->type == SILT_TYPE_TIMESTAMP) ||
        (y->type == SILT_TYPE_DATE32 && x->type == SILT_TYPE_TIMESTAMP)) {
        *out = sql_type(SILT_TYPE_TIMESTAMP);
        out->tz_utc = x->type == SILT_TYPE_TIMESTAMP ? x->tz_utc : y->tz_utc;
        return true;
    }
    /* string with an atomic type: the string is cast (Spark's PromoteStrings) */
    if (x->type == SILT_TYPE_STRING && y->n_children == 0) {
        *out = *y;
        return true;
    }
    if (y->type == SILT_TYPE_STRING && x->n_children == 0) {
        *out = *x;
        return true;
    }
    return false;
}

bool sql_common_type(silt_arena *a, silt_field *out, const silt_field *x, const silt_field *y)
{
    silt_field r;
    if (x->type == SQL_TYPE_NULL)
        r = *y;
    else if (y->type == SQL_TYPE_NULL || sql_type_equal(x, y))
        r = *x;
    else if (!common_leaf(&r, x, y))
        return false;
    return sql_field_dup(a, out, &r, "") == 0;
}

const char *sql_type_str(const silt_field *t, char *buf, size_t cap)
{
    if (t->type == SQL_TYPE_NULL) {
        snprintf(buf, cap, "void");
        return buf;
    }
    return silt_sql_type_format(buf, cap, t);
}
