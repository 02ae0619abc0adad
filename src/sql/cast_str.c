/* CAST to string: every type as Spark prints it (integers, Java-style doubles, decimals with
 * their scale, true/false, ISO dates and timestamps, arrays as [a, b], structs as {a, b},
 * maps as {k -> v}). */
#include <string.h>

#include "sql/cast.h"
#include "sql/exec.h"
#include "sql/sql.h"
#include "util/buf.h"

static void fmt_value(silt_buf *b, const silt_column *c, const silt_field *t, int64_t i);

static void fmt_nested(silt_buf *b, const silt_column *c, const silt_field *t, int64_t i)
{
    if (t->type == SILT_TYPE_STRUCT) {
        silt_buf_putc(b, '{');
        for (size_t k = 0; k < t->n_children; k++) {
            if (k) silt_buf_puts(b, ", ");
            if (silt_column_is_valid(&c->children[k], i))
                fmt_value(b, &c->children[k], &t->children[k], i);
            else
                silt_buf_puts(b, "null");
        }
        silt_buf_putc(b, '}');
        return;
    }
    bool map = t->type == SILT_TYPE_MAP;
    silt_buf_putc(b, map ? '{' : '[');
    for (int32_t k = c->offsets[i]; k < c->offsets[i + 1]; k++) {
        if (k > c->offsets[i]) silt_buf_puts(b, ", ");
        if (map) {
            const silt_column *kv = &c->children[0];
            const silt_field *kt = &t->children[0].children[0], *vt = &t->children[0].children[1];
            fmt_value(b, &kv->children[0], kt, k);
            silt_buf_puts(b, " -> ");
            if (silt_column_is_valid(&kv->children[1], k))
                fmt_value(b, &kv->children[1], vt, k);
            else
                silt_buf_puts(b, "null");
        } else if (silt_column_is_valid(&c->children[0], k)) {
            fmt_value(b, &c->children[0], &t->children[0], k);
        } else {
            silt_buf_puts(b, "null");
        }
    }
    silt_buf_putc(b, map ? '}' : ']');
}

static void fmt_value(silt_buf *b, const silt_column *c, const silt_field *t, int64_t i)
{
    char tmp[64];
    size_t len;
    switch (c->type) {
    case SILT_TYPE_BOOL: silt_buf_puts(b, silt_bit_get(c->values, i) ? "true" : "false"); break;
    case SILT_TYPE_FLOAT:
        sql_fmt_double(tmp, sizeof tmp, ((const float *)c->values)[i], true);
        silt_buf_puts(b, tmp);
        break;
    case SILT_TYPE_DOUBLE:
        sql_fmt_double(tmp, sizeof tmp, ((const double *)c->values)[i], false);
        silt_buf_puts(b, tmp);
        break;
    case SILT_TYPE_DECIMAL: {
        __int128 v;
        memcpy(&v, c->values + i * 16, 16);
        sql_fmt_decimal(tmp, sizeof tmp, v, t->scale);
        silt_buf_puts(b, tmp);
        break;
    }
    case SILT_TYPE_DATE32:
        sql_fmt_date(tmp, sizeof tmp, silt_column_get_int(c, i));
        silt_buf_puts(b, tmp);
        break;
    case SILT_TYPE_TIMESTAMP:
    case SILT_TYPE_TIMESTAMP_NS: {
        int64_t v = silt_column_get_int(c, i);
        sql_fmt_timestamp(tmp, sizeof tmp, c->type == SILT_TYPE_TIMESTAMP ? v : v / 1000);
        silt_buf_puts(b, tmp);
        break;
    }
    case SILT_TYPE_STRING:
    case SILT_TYPE_BINARY:
    case SILT_TYPE_FIXED_BINARY: {
        const uint8_t *p = silt_column_bytes(c, i, &len);
        silt_buf_append(b, p, len);
        break;
    }
    case SILT_TYPE_STRUCT:
    case SILT_TYPE_LIST:
    case SILT_TYPE_MAP: fmt_nested(b, c, t, i); break;
    default: silt_buf_printf(b, "%lld", (long long)silt_column_get_int(c, i)); break;
    }
}

int sql_cast_to_string_row(silt_column *o, const silt_column *c, const silt_field *t, int64_t i);
int sql_cast_to_string_row(silt_column *o, const silt_column *c, const silt_field *t, int64_t i)
{
    if (!silt_column_is_valid(c, i)) return silt_column_append_null(o);
    silt_buf b = SILT_BUF_INIT;
    fmt_value(&b, c, t, i);
    int rc = silt_buf_oom(&b) ? SILT_ENOMEM
                              : silt_column_append_bytes(o, b.ptr ? b.ptr : (uint8_t *)"", b.len);
    silt_buf_free(&b);
    return rc;
}

int silt_sql_format_value(silt_buf *out, const silt_field *f, const silt_column *c, int64_t i)
{
    if (!silt_column_is_valid(c, i)) return silt_buf_puts(out, "NULL");
    fmt_value(out, c, f, i);
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;
}
