/* The JSON decoder's error messages: what went wrong, at which byte, for which type. */
#include <stdio.h>
#include <string.h>

#include "json/decode_int.h"

int silt_json_syntax_err(silt_json_ctx *c, const char *what)
{
    silt_error_set(c->err, SILT_ECORRUPT, "invalid JSON: %s", what);
    return silt_error_offset(c->err, c->p - c->base);
}

/* A short rendering of the value that starts at s, for messages: string "abc", number 12.5,
 * true, object, array. */
static void describe(char *out, size_t n, silt_json_ctx *c, const char *s)
{
    if (s >= c->end) {
        snprintf(out, n, "nothing");
        return;
    }
    if (*s == '{' || *s == '[') {
        snprintf(out, n, "%s", *s == '{' ? "object" : "array");
        return;
    }
    size_t k = 1;
    if (*s == '"') {
        while (s + k < c->end && k < 40 && !(s[k] == '"' && s[k - 1] != '\\')) k++;
        if (s + k < c->end && s[k] == '"') k++;
    } else {
        while (s + k < c->end && k < 40 && s[k] != ',' && s[k] != '}' && s[k] != ']' &&
               s[k] != ' ' && s[k] != '\n')
            k++;
    }
    const char *kind = *s == '"'                               ? "string "
                       : (*s == 't' || *s == 'f' || *s == 'n') ? ""
                                                               : "number ";
    snprintf(out, n, "%s%.*s%s", kind, (int)k, s, k == 40 && s + k < c->end ? "..." : "");
}

const char *silt_json_type_label(const silt_field *f, char *buf, size_t n)
{
    if (f->type == SILT_TYPE_DECIMAL)
        snprintf(buf, n, "decimal(%d,%d)", (int)f->precision, (int)f->scale);
    else if (f->type == SILT_TYPE_TIMESTAMP)
        snprintf(buf, n, "%s", f->tz_utc ? "timestamp" : "timestamp_ntz");
    else
        snprintf(buf, n, "%s%s", f->is_unsigned ? "u" : "", silt_type_name(f->type));
    return buf;
}

int silt_json_type_err(silt_json_ctx *c, const silt_json_node *nd, const char *at)
{
    char got[96], want[48];
    describe(got, sizeof got, c, at);
    silt_error_set(c->err, SILT_EINVAL, "expected %s, got %s",
                   silt_json_type_label(nd->f, want, sizeof want), got);
    return silt_error_offset(c->err, at - c->base);
}

int silt_json_value_err(silt_json_ctx *c, int code, const char *at, const char *fmt,
                        const char *arg)
{
    silt_error_set(c->err, code, fmt, arg);
    return silt_error_offset(c->err, at - c->base);
}

int silt_json_append_err(silt_json_ctx *c, int rc)
{
    if (rc == SILT_ENOMEM) return silt_error_set(c->err, SILT_ENOMEM, "out of memory");
    return silt_error_set(c->err, rc, "column append failed (%s)", silt_error_code_name(rc));
}

int silt_json_put_null(silt_json_ctx *c, const silt_json_node *nd, silt_column *col, const char *at)
{
    if (!nd->f->nullable)
        return silt_json_value_err(c, SILT_EINVAL, at, "%s",
                                   "null in a field that is not nullable");
    return silt_column_append_null(col) ? silt_error_set(c->err, SILT_ENOMEM, "out of memory") : 0;
}
