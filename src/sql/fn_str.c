/* Shared machinery of the string functions: UTF-8 stepping and the kernel-per-row eval. */
#include "sql/fn_str.h"
#include "util/utf8.h"

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
    uint32_t cp;
    size_t n = silt_utf8_decode(p, len, &cp);
    *w = n ? n : 1;
    return n ? (int32_t)cp : -1;
}

void fn_utf8_put(silt_buf *o, int32_t cp)
{
    uint8_t b[4];
    silt_buf_append(o, b, silt_utf8_encode(b, (uint32_t)cp));
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
