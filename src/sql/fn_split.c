/* split(str, regex[, limit]) as Spark does it: Java's String.split (no empty leading part for
 * an empty match at the start; trailing empty parts kept since Spark passes -1 for limit 0),
 * and an empty regex splitting into characters. The result is array<string>. */
#include "sql/fn_re.h"
#include "sql/fn_str.h"

int fn_split_bind(silt_sql_fn_bind *b, silt_error *err);
int fn_split_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                  silt_error *err);

static int fn_split_bind_impl(silt_sql_fn_bind *b, silt_error *err)
{
    int rc = fn_re_bind(b, "split", 1, SILT_TYPE_STRING, err);
    if (rc) return rc;
    /* fn_re_bind lets a third argument be a string (regexp_replace's replacement): a limit is
     * an integer */
    if (b->n_args > 2 && !fn_is_int(b->arg_types[2]->type)) fn_want(b, 2, SILT_TYPE_INT64);
    silt_field_clear(&b->ret);
    if (silt_field_init_nested(&b->ret, "", SILT_TYPE_LIST, true, 1) != 0 ||
        silt_field_init(&b->ret.children[0], "element", SILT_TYPE_STRING, true) != 0)
        return FN_OOM(err);
    return 0;
}

int fn_split_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fn_bind_done(b, fn_split_bind_impl(b, err), fn_re_site_free);
}

/* An empty pattern: one part per character, the last holding the rest past limit. */
static int split_chars(silt_column *el, const uint8_t *s, size_t n, int64_t limit)
{
    int64_t nc = fn_utf8_count(s, n);
    int64_t parts = limit > nc || limit <= 0 ? nc : limit;
    size_t i = 0;
    for (int64_t k = 0; k + 1 < parts; k++) {
        size_t w = fn_utf8_width(s[i]);
        if (i + w > n) w = n - i;
        if (silt_column_append_bytes(el, s + i, w)) return SILT_ENOMEM;
        i += w;
    }
    return silt_column_append_bytes(el, s + i, n - i);
}

/* Java's String.split(regex, limit) with limit -1 for Spark's 0 or less. */
static int split_regex(silt_column *el, fn_re *re, const uint8_t *s, size_t n, int64_t limit)
{
    size_t pos = 0, index = 0, s0, s1;
    int64_t parts = 0;
    bool limited = limit > 0, any = false;
    int m;
    while ((m = fn_re_next(re, s, n, &pos, &s0, &s1)) == 1) {
        if (limited && parts >= limit - 1) break;
        if (index == 0 && s0 == 0 && s1 == 0) continue;
        if (silt_column_append_bytes(el, s + index, s0 - index)) return SILT_ENOMEM;
        parts++;
        index = s1;
        any = true;
    }
    if (m < 0) return m;
    if (!any) return silt_column_append_bytes(el, s, n);
    return silt_column_append_bytes(el, s + index, n - index);
}

static int split_one(silt_column *out, fn_re *re, const silt_sql_fn_args *a, int64_t r)
{
    size_t n;
    const uint8_t *s = fn_str(a, 0, r, &n);
    int64_t limit = a->n > 2 ? fn_get_i64(a->cols[2], silt_sql_arg_row(a, 2, r)) : -1;
    silt_column *el = &out->children[0];
    int64_t mark = el->length;
    int rc =
        n > 0 && re->len == 0 ? split_chars(el, s, n, limit) : split_regex(el, re, s, n, limit);
    if (rc == SILT_ENOMEM) return rc;
    if (rc < 0) {
        silt_column_truncate(el, mark);
        return silt_column_append_null(out);
    }
    return silt_column_append_valid(out);
}

int fn_split_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                  silt_error *err)
{
    fn_re cache = {0};
    int rc = 0;
    for (int64_t r = 0; r < n && rc == 0; r++) {
        fn_re *re = fn_all_valid(a, r) ? fn_re_for_row(state, &cache, a, r) : NULL;
        rc = re ? split_one(out, re, a, r) : silt_column_append_null(out);
    }
    fn_re_clear(&cache);
    return rc ? FN_OOM(err) : 0;
}
