/* Incremental views: checking a merge spec against a view's schema, group keys as bytes, and
 * merging one aggregate value of a view row with the same group's partial value. */
#include <string.h>

#include "delta/schema.h"
#include "delta/skip.h"
#include "pipeline/mv_int.h"

static bool is_int(silt_type_id t)
{
    return t == SILT_TYPE_INT8 || t == SILT_TYPE_INT16 || t == SILT_TYPE_INT32 ||
           t == SILT_TYPE_INT64;
}

static bool is_primitive(silt_type_id t)
{
    return t != SILT_TYPE_STRUCT && t != SILT_TYPE_LIST && t != SILT_TYPE_MAP;
}

int silt_pipeline_mv_check(const silt_pipeline_mv_spec *spec, const silt_schema *view,
                           silt_error *err)
{
    if (spec->n != view->n_fields)
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "incremental view: %zu merge rules for %zu columns", spec->n,
                              view->n_fields);
    size_t keys = 0;
    for (size_t i = 0; i < spec->n; i++) {
        const silt_field *f = &view->fields[i];
        silt_pipeline_mv_op op = spec->ops[i];
        bool ok = is_primitive(f->type);
        if (op == SILT_MV_SUM)
            ok = is_int(f->type) || f->type == SILT_TYPE_DOUBLE || f->type == SILT_TYPE_FLOAT;
        else if (op == SILT_MV_COUNT)
            ok = is_int(f->type);
        else if (op != SILT_MV_KEY && op != SILT_MV_MIN && op != SILT_MV_MAX)
            ok = false;
        if (!ok)
            return silt_error_set(err, SILT_EUNSUPPORTED,
                                  "incremental view: column '%s' of type %s cannot be merged "
                                  "that way",
                                  f->name, silt_type_name(f->type));
        keys += op == SILT_MV_KEY;
    }
    if (!keys) return silt_error_set(err, SILT_EUNSUPPORTED, "incremental view: no group key");
    return 0;
}

int mv_key_bytes(silt_buf *out, const silt_batch *b, int64_t row, const silt_pipeline_mv_spec *spec)
{
    for (size_t c = 0; c < spec->n; c++) {
        if (spec->ops[c] != SILT_MV_KEY) continue;
        const silt_column *col = &b->cols[c];
        if (!silt_column_is_valid(col, row)) {
            silt_buf_putc(out, 0);
            continue;
        }
        silt_buf_putc(out, 1);
        if (col->type == SILT_TYPE_STRING || col->type == SILT_TYPE_BINARY ||
            col->type == SILT_TYPE_FIXED_BINARY) {
            size_t len;
            const uint8_t *p = silt_column_bytes(col, row, &len);
            silt_buf_put_u32le(out, (uint32_t)len);
            silt_buf_append(out, p, len);
        } else if (col->type == SILT_TYPE_BOOL) {
            silt_buf_putc(out, (uint8_t)silt_column_get_int(col, row));
        } else {
            size_t w = (size_t)silt_type_width(col->type);
            silt_buf_append(out, col->values + (size_t)row * w, w);
        }
    }
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;
}

static int copy_value(silt_column *dst, const silt_column *src, int64_t i)
{
    return silt_column_append_range(dst, src, i, 1);
}

/* a + b of two valid numbers of dst's type. */
static int add(silt_column *dst, const silt_column *a, int64_t ia, const silt_column *b, int64_t ib)
{
    if (dst->type == SILT_TYPE_DOUBLE)
        return silt_column_append_double(dst, ((const double *)a->values)[ia] +
                                                  ((const double *)b->values)[ib]);
    if (dst->type == SILT_TYPE_FLOAT)
        return silt_column_append_float(dst, ((const float *)a->values)[ia] +
                                                 ((const float *)b->values)[ib]);
    uint64_t s = (uint64_t)silt_column_get_int(a, ia) + (uint64_t)silt_column_get_int(b, ib);
    return silt_column_append_int(dst, (int64_t)s); /* wraps like Spark's non-ANSI long sum */
}

int mv_merge_value(silt_column *dst, silt_pipeline_mv_op op, const silt_column *a, int64_t ia,
                   const silt_column *b, int64_t ib)
{
    bool va = silt_column_is_valid(a, ia), vb = silt_column_is_valid(b, ib);
    if (!va || !vb) return copy_value(dst, va ? a : b, va ? ia : ib);
    if (op == SILT_MV_SUM || op == SILT_MV_COUNT) return add(dst, a, ia, b, ib);
    silt_delta_value x, y;
    silt_delta_value_of_row(&x, a, ia);
    silt_delta_value_of_row(&y, b, ib);
    int c = silt_delta_value_cmp(&x, &y);
    bool take_a = op == SILT_MV_MIN ? c <= 0 : c >= 0;
    return copy_value(dst, take_a ? a : b, take_a ? ia : ib);
}
