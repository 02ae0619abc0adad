/* Shared machinery of the string functions: UTF-8 stepping and the kernel-per-row eval. */
#include "sql/fn_str.h"

int64_t fn_utf8_count(const uint8_t *p, size_t len)
{
    int64_t n = 0;
    for (size_t i = 0; i < len; i += fn_utf8_width(p[i])) n++;
    return n;
}

size_t fn_utf8_skip(const uint8_t *p, size_t len, int64_t n)
{
    size_t i = 0;
    for (; i < len && n > 0; n--) i += fn_utf8_width(p[i]);
    return i < len ? i : len;
}

int32_t fn_utf8_decode(const uint8_t *p, size_t len, size_t *w)
{
    uint8_t c = p[0];
    *w = 1;
    if (c < 0x80) return c;
    size_t n = c >= 0xF0 && c < 0xF8   ? 4
               : c >= 0xE0 && c < 0xF0 ? 3
               : c >= 0xC2 && c < 0xE0 ? 2
                                       : 0;
    if (n == 0 || n > len) return -1;
    int32_t cp = c & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return -1;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    *w = n;
    return cp;
}

void fn_utf8_put(silt_buf *o, int32_t cp)
{
    uint8_t b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (uint8_t)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (uint8_t)(0xC0 | (cp >> 6));
        b[1] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (uint8_t)(0xE0 | (cp >> 12));
        b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (uint8_t)(0xF0 | (cp >> 18));
        b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 4;
    }
    silt_buf_append(o, b, n);
}

static bool is_string_array(const silt_field *t)
{
    return t->type == SILT_TYPE_LIST && t->n_children == 1 &&
           t->children[0].type == SILT_TYPE_STRING;
}

int fn_str_bind(silt_sql_fn_bind *b, const char *name, const char *sig, silt_type_id ret,
                fn_str_kernel kernel, silt_error *err)
{
    size_t ns = strlen(sig);
    for (size_t i = 0; i < b->n_args; i++) {
        char k = sig[i < ns ? i : ns - 1];
        const silt_field *t = b->arg_types[i];
        if (k == 'A' && is_string_array(t)) continue;
        if (t->n_children > 0 || t->type == SILT_TYPE_MAP || t->type == SILT_TYPE_LIST)
            return fn_bad_args(err, name, b, "expected scalar arguments");
        if (k == 'I') {
            if (!fn_is_numeric(t->type) && t->type != SILT_TYPE_STRING && t->type != 0)
                return fn_bad_args(err, name, b, "expected an integer argument");
            if (t->type != SILT_TYPE_INT64) fn_want(b, i, SILT_TYPE_INT64);
        } else if (t->type != SILT_TYPE_STRING && t->type != SILT_TYPE_BINARY) {
            fn_want(b, i, SILT_TYPE_STRING);
        }
    }
    b->state = (void *)kernel;
    return fn_ret(b, ret, err);
}

int fn_str_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                silt_error *err)
{
    fn_str_kernel k = (fn_str_kernel)state;
    silt_buf o = SILT_BUF_INIT;
    int rc = silt_column_reserve(out, n, 0);
    for (int64_t r = 0; r < n && rc == 0; r++) {
        int64_t iv = 0;
        silt_buf_reset(&o);
        int kr = fn_all_valid(a, r) ? k(a, r, &o, &iv) : 1;
        if (kr < 0) {
            rc = kr;
            break;
        }
        if (silt_buf_oom(&o))
            rc = SILT_ENOMEM;
        else if (kr == 1)
            rc = silt_column_append_null(out);
        else if (out->type == SILT_TYPE_BOOL)
            rc = silt_column_append_bool(out, iv != 0);
        else if (out->type == SILT_TYPE_STRING || out->type == SILT_TYPE_BINARY)
            rc = silt_column_append_bytes(out, o.ptr ? o.ptr : (const uint8_t *)"", o.len);
        else
            rc = silt_column_append_int(out, iv);
    }
    silt_buf_free(&o);
    if (rc == SILT_ENOMEM) return FN_OOM(err);
    if (rc) return silt_error_set(err, rc, "string function: result too large");
    return 0;
}
