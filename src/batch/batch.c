/* Column batch construction, growth, appends and validation. Builds without NDEBUG (Debug, and
 * the sanitizer builds of `make asan` and `make tsan`) assert the layout's invariants as columns
 * are built: rows within capacity, offsets that never decrease, nested rows whose children are
 * complete, ranges within their source. Release and RelWithDebInfo compile them out. */
#include "batch/batch.h"

#include "util/alloc.h"
#include "util/hot.h"

#include <assert.h>
#include <string.h>

int silt_type_width(silt_type_id t)
{
    switch (t) {
    case SILT_TYPE_INT8: return 1;
    case SILT_TYPE_INT16: return 2;
    case SILT_TYPE_INT32:
    case SILT_TYPE_DATE32:
    case SILT_TYPE_FLOAT: return 4;
    case SILT_TYPE_INT64:
    case SILT_TYPE_DOUBLE:
    case SILT_TYPE_TIMESTAMP:
    case SILT_TYPE_TIMESTAMP_NS: return 8;
    case SILT_TYPE_DECIMAL: return 16;
    default: return 0;
    }
}

const char *silt_type_name(silt_type_id t)
{
    switch (t) {
    case SILT_TYPE_BOOL: return "boolean";
    case SILT_TYPE_INT8: return "int8";
    case SILT_TYPE_INT16: return "int16";
    case SILT_TYPE_INT32: return "int32";
    case SILT_TYPE_INT64: return "int64";
    case SILT_TYPE_FLOAT: return "float";
    case SILT_TYPE_DOUBLE: return "double";
    case SILT_TYPE_STRING: return "string";
    case SILT_TYPE_BINARY: return "binary";
    case SILT_TYPE_FIXED_BINARY: return "fixed_binary";
    case SILT_TYPE_DATE32: return "date";
    case SILT_TYPE_TIMESTAMP: return "timestamp";
    case SILT_TYPE_TIMESTAMP_NS: return "timestamp_ns";
    case SILT_TYPE_DECIMAL: return "decimal";
    case SILT_TYPE_STRUCT: return "struct";
    case SILT_TYPE_LIST: return "list";
    case SILT_TYPE_MAP: return "map";
    }
    return "unknown";
}

int silt_field_init(silt_field *out, const char *name, silt_type_id type, bool nullable)
{
    memset(out, 0, sizeof *out);
    out->name = silt_strdup(name ? name : "");
    if (!out->name) return SILT_ENOMEM;
    out->type = type;
    out->nullable = nullable;
    if (type == SILT_TYPE_TIMESTAMP || type == SILT_TYPE_TIMESTAMP_NS) out->tz_utc = true;
    return 0;
}

int silt_field_init_nested(silt_field *out, const char *name, silt_type_id type, bool nullable,
                           size_t n_children)
{
    if (silt_field_init(out, name, type, nullable)) return SILT_ENOMEM;
    if (n_children) {
        out->children = silt_calloc(n_children, sizeof *out->children);
        if (!out->children) {
            silt_field_clear(out);
            return SILT_ENOMEM;
        }
    }
    out->n_children = n_children;
    return 0;
}

void silt_field_clear(silt_field *f)
{
    if (!f) return;
    for (size_t i = 0; i < f->n_children; i++) silt_field_clear(&f->children[i]);
    silt_free(f->children);
    silt_free(f->name);
    memset(f, 0, sizeof *f);
}

int silt_field_copy(silt_field *out, const silt_field *src)
{
    *out = *src;
    out->name = NULL;
    out->children = NULL;
    out->n_children = 0;
    out->name = silt_strdup(src->name ? src->name : "");
    if (!out->name) goto fail;
    if (src->n_children) {
        out->children = silt_calloc(src->n_children, sizeof *out->children);
        if (!out->children) goto fail;
        out->n_children = src->n_children;
        for (size_t i = 0; i < src->n_children; i++)
            if (silt_field_copy(&out->children[i], &src->children[i])) goto fail;
    }
    return 0;
fail:
    silt_field_clear(out);
    return SILT_ENOMEM;
}

silt_schema *silt_schema_create(size_t n_fields)
{
    silt_schema *s = silt_calloc(1, sizeof *s);
    if (!s) return NULL;
    if (n_fields) {
        s->fields = silt_calloc(n_fields, sizeof *s->fields);
        if (!s->fields) {
            silt_free(s);
            return NULL;
        }
    }
    s->n_fields = n_fields;
    return s;
}

silt_schema *silt_schema_copy(const silt_schema *src)
{
    silt_schema *s = silt_schema_create(src->n_fields);
    if (!s) return NULL;
    for (size_t i = 0; i < src->n_fields; i++) {
        if (silt_field_copy(&s->fields[i], &src->fields[i])) {
            silt_schema_destroy(s);
            return NULL;
        }
    }
    return s;
}

void silt_schema_destroy(silt_schema *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n_fields; i++) silt_field_clear(&s->fields[i]);
    silt_free(s->fields);
    silt_free(s);
}

long silt_schema_find(const silt_schema *s, const char *name)
{
    for (size_t i = 0; i < s->n_fields; i++)
        if (strcmp(s->fields[i].name, name) == 0) return (long)i;
    return -1;
}

static bool has_offsets(silt_type_id t)
{
    return t == SILT_TYPE_STRING || t == SILT_TYPE_BINARY || t == SILT_TYPE_LIST ||
           t == SILT_TYPE_MAP;
}

int silt_column_init(silt_column *out, const silt_field *f)
{
    memset(out, 0, sizeof *out);
    out->type = f->type;
    out->byte_width = f->type == SILT_TYPE_FIXED_BINARY ? f->byte_width : silt_type_width(f->type);
    if (f->n_children) {
        out->children = silt_calloc(f->n_children, sizeof *out->children);
        if (!out->children) return SILT_ENOMEM;
        out->n_children = f->n_children;
        for (size_t i = 0; i < f->n_children; i++) {
            if (silt_column_init(&out->children[i], &f->children[i])) {
                silt_column_clear(out);
                return SILT_ENOMEM;
            }
        }
    }
    return 0;
}

void silt_column_clear(silt_column *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n_children; i++) silt_column_clear(&c->children[i]);
    silt_free(c->children);
    silt_free(c->validity);
    silt_free(c->values);
    silt_free(c->offsets);
    silt_column_drop_dict(c);
    memset(c, 0, sizeof *c);
}

void silt_column_reset(silt_column *c)
{
    c->length = 0;
    c->null_count = 0;
    c->lazy = false;
    if (c->offsets) c->offsets[0] = 0;
    silt_column_drop_dict(c);
    for (size_t i = 0; i < c->n_children; i++) silt_column_reset(&c->children[i]);
}

static int grow(void **p, int64_t old_elems, int64_t new_elems, size_t elem, bool zero)
{
    size_t bytes;
    if (silt_mul_size(&bytes, (size_t)new_elems, elem)) return SILT_ENOMEM;
    void *np = silt_realloc(*p, bytes);
    if (!np) return SILT_ENOMEM;
    if (zero && new_elems > old_elems)
        memset((uint8_t *)np + (size_t)old_elems * elem, 0, (size_t)(new_elems - old_elems) * elem);
    *p = np;
    return 0;
}

int silt_column_reserve(silt_column *c, int64_t rows, int64_t bytes)
{
    int64_t need = c->length + rows;
    if (need > c->cap_rows) {
        int64_t cap = c->cap_rows ? c->cap_rows : 64;
        while (cap < need) cap *= 2;
        int64_t old_bm = (c->cap_rows + 7) / 8, new_bm = (cap + 7) / 8;
        if (c->validity && grow((void **)&c->validity, old_bm, new_bm, 1, true)) return SILT_ENOMEM;
        if (c->type == SILT_TYPE_BOOL) {
            if (grow((void **)&c->values, old_bm, new_bm, 1, true)) return SILT_ENOMEM;
        } else if (c->byte_width > 0 && !has_offsets(c->type)) {
            if (grow((void **)&c->values, c->cap_rows, cap, (size_t)c->byte_width, false))
                return SILT_ENOMEM;
        }
        if (has_offsets(c->type)) {
            bool first = c->offsets == NULL;
            if (grow((void **)&c->offsets, c->cap_rows + 1, cap + 1, sizeof(int32_t), false))
                return SILT_ENOMEM;
            if (first) c->offsets[0] = 0;
        }
        c->cap_rows = cap;
    }
    if ((c->type == SILT_TYPE_STRING || c->type == SILT_TYPE_BINARY) && bytes > 0) {
        int64_t used = c->offsets ? c->offsets[c->length] : 0;
        if (used + bytes > INT32_MAX) return SILT_ERANGE;
        if (used + bytes > c->cap_bytes) {
            int64_t cap = c->cap_bytes ? c->cap_bytes : 256;
            while (cap < used + bytes) cap *= 2;
            if (cap > INT32_MAX) cap = INT32_MAX;
            if (grow((void **)&c->values, c->cap_bytes, cap, 1, false)) return SILT_ENOMEM;
            c->cap_bytes = cap;
        }
    }
    assert(rows >= 0 && bytes >= 0 && c->length + rows <= c->cap_rows);
    return 0;
}

static int ensure_validity(silt_column *c)
{
    if (c->validity) return 0;
    int64_t nb = (c->cap_rows + 7) / 8;
    c->validity = silt_malloc((size_t)(nb ? nb : 1));
    if (!c->validity) return SILT_ENOMEM;
    memset(c->validity, 0xff, (size_t)(nb ? nb : 1));
    return 0;
}

static inline void mark_valid(silt_column *c)
{
    if (c->validity) silt_bit_set(c->validity, c->length, true);
}

static inline void close_offsets(silt_column *c)
{
    if (!c->offsets) return;
    assert(c->length < c->cap_rows);
    if (c->type == SILT_TYPE_LIST || c->type == SILT_TYPE_MAP) {
        /* the row's elements were appended to the child: its length only grows */
        assert(c->children[0].length >= c->offsets[c->length] &&
               c->children[0].length <= INT32_MAX);
        c->offsets[c->length + 1] = (int32_t)c->children[0].length;
    } else {
        c->offsets[c->length + 1] = c->offsets[c->length];
    }
}

int silt_column_append_null(silt_column *c)
{
    int rc = silt_column_reserve(c, 1, 0);
    if (rc) return rc;
    if (ensure_validity(c)) return SILT_ENOMEM;
    silt_bit_set(c->validity, c->length, false);
    switch (c->type) {
    case SILT_TYPE_BOOL: silt_bit_set(c->values, c->length, false); break;
    case SILT_TYPE_STRUCT:
        for (size_t i = 0; i < c->n_children; i++)
            if ((rc = silt_column_append_null(&c->children[i]))) return rc;
        break;
    case SILT_TYPE_STRING:
    case SILT_TYPE_BINARY:
    case SILT_TYPE_LIST:
    case SILT_TYPE_MAP: close_offsets(c); break;
    default:
        if (c->byte_width > 0)
            memset(c->values + (size_t)c->length * (size_t)c->byte_width, 0, (size_t)c->byte_width);
        break;
    }
    c->length++;
    c->null_count++;
    return 0;
}

int silt_column_append_bool(silt_column *c, bool v)
{
    int rc = silt_column_reserve(c, 1, 0);
    if (rc) return rc;
    silt_bit_set(c->values, c->length, v);
    mark_valid(c);
    c->length++;
    return 0;
}

int silt_column_append_int(silt_column *c, int64_t v)
{
    int rc = silt_column_reserve(c, 1, 0);
    if (rc) return rc;
    switch (c->type) {
    case SILT_TYPE_BOOL: silt_bit_set(c->values, c->length, v != 0); break;
    case SILT_TYPE_INT8: ((int8_t *)c->values)[c->length] = (int8_t)v; break;
    case SILT_TYPE_INT16: ((int16_t *)c->values)[c->length] = (int16_t)v; break;
    case SILT_TYPE_INT32:
    case SILT_TYPE_DATE32: ((int32_t *)c->values)[c->length] = (int32_t)v; break;
    case SILT_TYPE_INT64:
    case SILT_TYPE_TIMESTAMP:
    case SILT_TYPE_TIMESTAMP_NS: ((int64_t *)c->values)[c->length] = v; break;
    case SILT_TYPE_DECIMAL: return silt_column_append_decimal_i64(c, v);
    default: return SILT_EINVAL;
    }
    mark_valid(c);
    c->length++;
    return 0;
}

int silt_column_append_float(silt_column *c, float v)
{
    if (c->type == SILT_TYPE_DOUBLE) return silt_column_append_double(c, v);
    if (c->type != SILT_TYPE_FLOAT) return SILT_EINVAL;
    int rc = silt_column_reserve(c, 1, 0);
    if (rc) return rc;
    ((float *)c->values)[c->length] = v;
    mark_valid(c);
    c->length++;
    return 0;
}

int silt_column_append_double(silt_column *c, double v)
{
    if (c->type == SILT_TYPE_FLOAT) return silt_column_append_float(c, (float)v);
    if (c->type != SILT_TYPE_DOUBLE) return SILT_EINVAL;
    int rc = silt_column_reserve(c, 1, 0);
    if (rc) return rc;
    ((double *)c->values)[c->length] = v;
    mark_valid(c);
    c->length++;
    return 0;
}

int silt_column_append_bytes(silt_column *c, const void *data, size_t len)
{
    if (c->type == SILT_TYPE_FIXED_BINARY) {
        if ((int64_t)len != c->byte_width) return SILT_EINVAL;
        int rc = silt_column_reserve(c, 1, 0);
        if (rc) return rc;
        if (len) memcpy(c->values + (size_t)c->length * len, data, len);
        mark_valid(c);
        c->length++;
        return 0;
    }
    if (c->type != SILT_TYPE_STRING && c->type != SILT_TYPE_BINARY) return SILT_EINVAL;
    if (len > INT32_MAX) return SILT_ERANGE;
    int rc = silt_column_reserve(c, 1, (int64_t)len);
    if (rc) return rc;
    int32_t off = c->offsets[c->length];
    assert(off >= 0 && (c->length == 0 || off >= c->offsets[c->length - 1]) &&
           off + (int64_t)len <= c->cap_bytes);
    if (len) memcpy(c->values + off, data, len);
    c->offsets[c->length + 1] = off + (int32_t)len;
    mark_valid(c);
    c->length++;
    return 0;
}

int silt_column_append_decimal(silt_column *c, const uint8_t le16[16])
{
    if (c->type != SILT_TYPE_DECIMAL) return SILT_EINVAL;
    int rc = silt_column_reserve(c, 1, 0);
    if (rc) return rc;
    memcpy(c->values + (size_t)c->length * 16, le16, 16);
    mark_valid(c);
    c->length++;
    return 0;
}

int silt_column_append_decimal_i64(silt_column *c, int64_t unscaled)
{
    uint8_t b[16];
    uint64_t u = (uint64_t)unscaled;
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(u >> (8 * i));
    memset(b + 8, unscaled < 0 ? 0xff : 0, 8);
    return silt_column_append_decimal(c, b);
}

int silt_column_append_valid(silt_column *c)
{
    if (c->type != SILT_TYPE_STRUCT && c->type != SILT_TYPE_LIST && c->type != SILT_TYPE_MAP)
        return SILT_EINVAL;
    int rc = silt_column_reserve(c, 1, 0);
    if (rc) return rc;
#ifndef NDEBUG
    if (c->type == SILT_TYPE_STRUCT) /* every child holds a value for this row (children may be
                                        filled ahead, a range at a time, then rows closed) */
        for (size_t i = 0; i < c->n_children; i++) assert(c->children[i].length > c->length);
#endif
    close_offsets(c);
    mark_valid(c);
    c->length++;
    return 0;
}

void silt_column_truncate(silt_column *c, int64_t n)
{
    assert(n <= c->length);
    if (n < 0) n = 0;
    if (n < c->length) {
        if (c->validity)
            for (int64_t i = n; i < c->length; i++)
                if (!silt_bit_get(c->validity, i)) c->null_count--;
        c->length = n;
    }
    if (c->dict_rows > n) c->dict_rows = n; /* the codes of the rows kept stay true */
    assert(c->null_count >= 0 && c->null_count <= c->length);
    if (c->type == SILT_TYPE_STRUCT)
        for (size_t i = 0; i < c->n_children; i++) silt_column_truncate(&c->children[i], n);
    else if ((c->type == SILT_TYPE_LIST || c->type == SILT_TYPE_MAP) && c->n_children)
        silt_column_truncate(&c->children[0], c->offsets ? c->offsets[n] : 0);
}

int silt_column_append_range(silt_column *dst, const silt_column *src, int64_t start, int64_t n)
{
    if (n <= 0) return 0;
    assert(start >= 0 && start + n <= src->length);
    if (src->lazy) return silt_column_append_lazy(dst, src, start, n);
    assert(!src->offsets || src->offsets[start] <= src->offsets[start + n]);
    if (dst->type != src->type || dst->n_children != src->n_children) return SILT_EINVAL;
    int64_t bytes = 0;
    if (src->type == SILT_TYPE_STRING || src->type == SILT_TYPE_BINARY)
        bytes = (int64_t)src->offsets[start + n] - src->offsets[start];
    int rc = silt_column_reserve(dst, n, bytes);
    if (rc) return rc;
    int64_t base = dst->length;
    if (src->validity && !dst->validity && ensure_validity(dst)) return SILT_ENOMEM;
    if (dst->validity) {
        for (int64_t i = 0; i < n; i++) {
            bool v = silt_column_is_valid(src, start + i);
            silt_bit_set(dst->validity, base + i, v);
            if (!v) dst->null_count++;
        }
    }
    switch (src->type) {
    case SILT_TYPE_BOOL:
        for (int64_t i = 0; i < n; i++)
            silt_bit_set(dst->values, base + i, silt_bit_get(src->values, start + i));
        break;
    case SILT_TYPE_STRING:
    case SILT_TYPE_BINARY: {
        int32_t s0 = src->offsets[start], d0 = dst->offsets[base];
        if (bytes) memcpy(dst->values + d0, src->values + s0, (size_t)bytes);
        for (int64_t i = 1; i <= n; i++)
            dst->offsets[base + i] = d0 + (src->offsets[start + i] - s0);
        break;
    }
    case SILT_TYPE_LIST:
    case SILT_TYPE_MAP: {
        int32_t s0 = src->offsets[start], cn = src->offsets[start + n] - s0;
        int32_t d0 = (int32_t)dst->children[0].length;
        rc = silt_column_append_range(&dst->children[0], &src->children[0], s0, cn);
        if (rc) return rc;
        for (int64_t i = 1; i <= n; i++)
            dst->offsets[base + i] = d0 + (src->offsets[start + i] - s0);
        break;
    }
    case SILT_TYPE_STRUCT:
        for (size_t k = 0; k < src->n_children; k++)
            if ((rc = silt_column_append_range(&dst->children[k], &src->children[k], start, n)))
                return rc;
        break;
    default:
        memcpy(dst->values + (size_t)base * (size_t)dst->byte_width,
               src->values + (size_t)start * (size_t)src->byte_width,
               (size_t)n * (size_t)src->byte_width);
        break;
    }
    dst->length += n;
    return 0;
}

int64_t silt_column_get_int(const silt_column *c, int64_t i)
{
    assert(i >= 0 && i < c->length);
    switch (c->type) {
    case SILT_TYPE_BOOL: return silt_bit_get(c->values, i);
    case SILT_TYPE_INT8: return ((const int8_t *)c->values)[i];
    case SILT_TYPE_INT16: return ((const int16_t *)c->values)[i];
    case SILT_TYPE_INT32:
    case SILT_TYPE_DATE32: return ((const int32_t *)c->values)[i];
    case SILT_TYPE_INT64:
    case SILT_TYPE_TIMESTAMP:
    case SILT_TYPE_TIMESTAMP_NS: return ((const int64_t *)c->values)[i];
    default: return 0;
    }
}

static silt_batch *batch_new(const silt_schema *schema, silt_schema *owned)
{
    silt_batch *b = silt_calloc(1, sizeof *b);
    if (!b) goto fail;
    b->schema = schema;
    b->owned_schema = owned;
    if (schema->n_fields) {
        b->cols = silt_calloc(schema->n_fields, sizeof *b->cols);
        if (!b->cols) goto fail;
    }
    b->n_cols = schema->n_fields;
    for (size_t i = 0; i < schema->n_fields; i++)
        if (silt_column_init(&b->cols[i], &schema->fields[i])) goto fail;
    return b;
fail:
    if (b)
        silt_batch_destroy(b);
    else
        silt_schema_destroy(owned);
    return NULL;
}

silt_batch *silt_batch_create(const silt_schema *schema)
{
    return batch_new(schema, NULL);
}

silt_batch *silt_batch_create_owned(silt_schema *schema)
{
    if (!schema) return NULL;
    return batch_new(schema, schema);
}

void silt_batch_destroy(silt_batch *b)
{
    if (!b) return;
    for (size_t i = 0; i < b->n_cols; i++) silt_column_clear(&b->cols[i]);
    silt_free(b->cols);
    silt_schema_destroy(b->owned_schema);
    silt_free(b);
}

void silt_batch_reset(silt_batch *b)
{
    for (size_t i = 0; i < b->n_cols; i++) silt_column_reset(&b->cols[i]);
    b->n_rows = 0;
}

static int validate_column(const silt_column *c, const silt_field *f, int64_t expect,
                           silt_error *err)
{
    if (c->length != expect)
        return silt_error_column(
            err, (silt_error_set(err, SILT_ECORRUPT, "column has %lld rows, expected %lld",
                                 (long long)c->length, (long long)expect),
                  f->name));
    if (c->type != f->type)
        return silt_error_set(err, SILT_ECORRUPT, "column %s: type %s does not match field %s",
                              f->name, silt_type_name(c->type), silt_type_name(f->type));
    if (c->n_children != f->n_children)
        return silt_error_set(err, SILT_ECORRUPT, "column %s: %zu children, field has %zu", f->name,
                              c->n_children, f->n_children);
    if (c->lazy) { /* no offsets yet: the reader checked every code against its dictionary */
        if (c->dict_rows != c->length || !c->codes || !c->dict || c->null_count)
            return silt_error_set(err, SILT_ECORRUPT,
                                  "column %s: a lazy column needs a code for every row", f->name);
        return 0;
    }
    if (has_offsets(c->type) && c->length > 0) {
        if (!c->offsets || c->offsets[0] != 0)
            return silt_error_set(err, SILT_ECORRUPT, "column %s: offsets must start at 0",
                                  f->name);
        for (int64_t i = 0; i < c->length; i++)
            if (c->offsets[i + 1] < c->offsets[i])
                return silt_error_set(err, SILT_ECORRUPT, "column %s: offsets decrease at row %lld",
                                      f->name, (long long)i);
    }
    if (c->type == SILT_TYPE_STRUCT) {
        for (size_t i = 0; i < c->n_children; i++)
            if (validate_column(&c->children[i], &f->children[i], c->length, err))
                return SILT_ECORRUPT;
    } else if (c->type == SILT_TYPE_LIST || c->type == SILT_TYPE_MAP) {
        if (c->n_children != 1)
            return silt_error_set(err, SILT_ECORRUPT, "column %s: list needs one child", f->name);
        int64_t n = c->length ? c->offsets[c->length] : 0;
        if (validate_column(&c->children[0], &f->children[0], n, err)) return SILT_ECORRUPT;
    }
    return 0;
}

SILT_HOT int silt_batch_validate(silt_batch *b, silt_error *err)
{
    int64_t n = b->n_cols ? b->cols[0].length : 0;
    for (size_t i = 0; i < b->n_cols; i++)
        if (validate_column(&b->cols[i], &b->schema->fields[i], n, err)) return SILT_ECORRUPT;
    b->n_rows = n;
    return 0;
}
