/* Joining and searching strings, as Spark does: concat (NULL if any argument is), concat_ws
 * (skips NULLs, takes arrays of strings too), replace, starts_with, ends_with, contains, instr,
 * locate. Positions are 1-based in characters; 0 means not found. */
#define _GNU_SOURCE
#include <string.h>

#include "sql/fn_str.h"

static int k_concat(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    for (size_t i = 0; i < a->n; i++) {
        size_t n;
        const uint8_t *s = fn_str(a, i, r, &n);
        silt_buf_append(o, s, n);
    }
    return 0;
}
FN_STR_BIND(k_concat, "concat", "S", SILT_TYPE_STRING)

/* concat_ws checks its own NULLs: only a NULL separator makes the result NULL. */
static int concat_ws_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                          silt_error *err)
{
    silt_buf o = SILT_BUF_INIT;
    int rc = 0;
    for (int64_t r = 0; r < n && rc == 0; r++) {
        if (!fn_valid(a, 0, r)) {
            rc = silt_column_append_null(out);
            continue;
        }
        silt_buf_reset(&o);
        size_t ns;
        const uint8_t *sep = fn_str(a, 0, r, &ns);
        bool first = true;
        for (size_t i = 1; i < a->n; i++) {
            if (!fn_valid(a, i, r)) continue;
            const silt_column *c = a->cols[i];
            int64_t row = silt_sql_arg_row(a, i, r), lo = row, hi = row + 1;
            const silt_column *elems = c;
            if (c->type == SILT_TYPE_LIST) {
                elems = &c->children[0];
                lo = c->offsets[row];
                hi = c->offsets[row + 1];
            }
            for (int64_t e = lo; e < hi; e++) {
                if (!silt_column_is_valid(elems, e)) continue;
                size_t len;
                const uint8_t *p = silt_column_bytes(elems, e, &len);
                if (!first) silt_buf_append(&o, sep, ns);
                silt_buf_append(&o, p, len);
                first = false;
            }
        }
        rc = silt_buf_oom(&o)
                 ? SILT_ENOMEM
                 : silt_column_append_bytes(out, o.ptr ? o.ptr : (const uint8_t *)"", o.len);
    }
    silt_buf_free(&o);
    return rc ? FN_OOM(err) : 0;
}

static int concat_ws_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fn_str_bind(b, "concat_ws", "SA", SILT_TYPE_STRING, NULL, err);
}

static int k_replace(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    size_t n, nf, nt = 0;
    const uint8_t *s = fn_str(a, 0, r, &n), *from = fn_str(a, 1, r, &nf);
    const uint8_t *to = a->n > 2 ? fn_str(a, 2, r, &nt) : NULL;
    if (nf == 0) {
        silt_buf_append(o, s, n);
        return 0;
    }
    size_t i = 0;
    for (;;) {
        const uint8_t *hit = memmem(s + i, n - i, from, nf);
        if (!hit) break;
        silt_buf_append(o, s + i, (size_t)(hit - (s + i)));
        if (nt) silt_buf_append(o, to, nt);
        i = (size_t)(hit - s) + nf;
    }
    silt_buf_append(o, s + i, n - i);
    return 0;
}
FN_STR_BIND(k_replace, "replace", "S", SILT_TYPE_STRING)

static int k_starts(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    size_t n, np;
    const uint8_t *s = fn_str(a, 0, r, &n), *p = fn_str(a, 1, r, &np);
    *iv = np <= n && memcmp(s, p, np) == 0;
    return 0;
}
FN_STR_BIND(k_starts, "starts_with", "S", SILT_TYPE_BOOL)

static int k_ends(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    size_t n, np;
    const uint8_t *s = fn_str(a, 0, r, &n), *p = fn_str(a, 1, r, &np);
    *iv = np <= n && memcmp(s + n - np, p, np) == 0;
    return 0;
}
FN_STR_BIND(k_ends, "ends_with", "S", SILT_TYPE_BOOL)

static int k_contains(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    size_t n, np;
    const uint8_t *s = fn_str(a, 0, r, &n), *p = fn_str(a, 1, r, &np);
    *iv = np == 0 || memmem(s, n, p, np) != NULL;
    return 0;
}
FN_STR_BIND(k_contains, "contains", "S", SILT_TYPE_BOOL)

/* 1-based character position of needle in s at or after character start (0-based), or 0. */
static int64_t find_from(const uint8_t *s, size_t n, const uint8_t *p, size_t np, int64_t start)
{
    size_t b = fn_utf8_skip(s, n, start);
    if (start > 0 && b >= n && np > 0) return 0;
    const uint8_t *hit = np == 0 ? s + b : memmem(s + b, n - b, p, np);
    if (!hit) return 0;
    return fn_utf8_count(s, (size_t)(hit - s)) + 1;
}

static int k_instr(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    size_t n, np;
    const uint8_t *s = fn_str(a, 0, r, &n), *p = fn_str(a, 1, r, &np);
    *iv = find_from(s, n, p, np, 0);
    return 0;
}
FN_STR_BIND(k_instr, "instr", "S", SILT_TYPE_INT32)

/* locate(substr, str[, pos]): Spark gives 0 for pos < 1. */
static int k_locate(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    size_t n, np;
    const uint8_t *p = fn_str(a, 0, r, &np), *s = fn_str(a, 1, r, &n);
    int64_t pos = a->n > 2 ? fn_get_i64(a->cols[2], silt_sql_arg_row(a, 2, r)) : 1;
    *iv = pos < 1 ? 0 : find_from(s, n, p, np, pos - 1);
    return 0;
}
FN_STR_BIND(k_locate, "locate", "SSI", SILT_TYPE_INT32)

#define STR(name, lo, hi, k, doc)                                                                  \
    {                                                                                              \
        name, lo, hi, k##_bind, fn_str_eval, NULL, doc                                             \
    }

const silt_sql_scalar_fn silt_sql_fn_concat[] = {
    STR("concat", 0, -1, k_concat,
        "concat(a, b, ...) - the strings joined; NULL if any is NULL. concat('Spark', 'SQL') -> "
        "'SparkSQL'"),
    {"concat_ws", 1, -1, concat_ws_bind, concat_ws_eval, NULL,
     "concat_ws(sep, a, ...) - the non-NULL strings (or array elements) joined by sep. "
     "concat_ws(' ', 'Spark', 'SQL') -> 'Spark SQL'"},
    STR("replace", 2, 3, k_replace,
        "replace(str, search[, rep]) - every search in str replaced by rep (default ''). "
        "replace('ABCabc', 'abc', 'DEF') -> 'ABCDEF'"),
    STR("starts_with", 2, 2, k_starts,
        "starts_with(str, prefix) - whether str begins with prefix. starts_with('Spark SQL', "
        "'Spark') -> true"),
    STR("startswith", 2, 2, k_starts,
        "startswith(str, prefix) - same as starts_with. startswith('Spark SQL', 'SQL') -> false"),
    STR("ends_with", 2, 2, k_ends,
        "ends_with(str, suffix) - whether str ends with suffix. ends_with('Spark SQL', 'SQL') -> "
        "true"),
    STR("endswith", 2, 2, k_ends,
        "endswith(str, suffix) - same as ends_with. endswith('Spark SQL', 'Spark') -> false"),
    STR("contains", 2, 2, k_contains,
        "contains(str, sub) - whether sub occurs in str. contains('Spark SQL', 'Spark') -> true"),
    STR("instr", 2, 2, k_instr,
        "instr(str, sub) - 1-based position of the first sub in str, 0 if none. "
        "instr('SparkSQL', 'SQL') -> 6"),
    STR("locate", 2, 3, k_locate,
        "locate(sub, str[, pos]) - 1-based position of the first sub at or after pos, 0 if "
        "none. locate('bar', 'foobarbar', 5) -> 7"),
    {0},
};
