/* Regular-expression functions through PCRE2, with Java's semantics where Spark shows them:
 * rlike (a match anywhere), regexp_extract (group idx of the first match, '' when none),
 * regexp_replace (every match, Java's $n / ${name} / \ replacement syntax), split (Java's
 * String.split with Spark's limit). A constant pattern compiles once, in bind. */
#include "sql/fn_re.h"
#include "sql/fn_str.h"
#include "util/alloc.h"

/* ---- rlike ---- */

static int rlike_bind_impl(silt_sql_fn_bind *b, silt_error *err)
{
    return fn_re_bind(b, "rlike", 1, SILT_TYPE_BOOL, err);
}

static int rlike_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fn_bind_done(b, rlike_bind_impl(b, err), fn_re_site_free);
}

static int rlike_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                      silt_error *err)
{
    fn_re cache = {0};
    int rc = 0;
    for (int64_t r = 0; r < n && rc == 0; r++) {
        fn_re *re = fn_all_valid(a, r) ? fn_re_for_row(state, &cache, a, r) : NULL;
        if (!re) {
            rc = silt_column_append_null(out);
            continue;
        }
        size_t len, pos = 0, s0, s1;
        const uint8_t *s = fn_str(a, 0, r, &len);
        int m = fn_re_next(re, s, len, &pos, &s0, &s1);
        rc = m < 0 ? silt_column_append_null(out) : silt_column_append_bool(out, m == 1);
    }
    fn_re_clear(&cache);
    return rc ? FN_OOM(err) : 0;
}

/* ---- regexp_extract ---- */

static int extract_bind_impl(silt_sql_fn_bind *b, silt_error *err)
{
    int rc = fn_re_bind(b, "regexp_extract", 1, SILT_TYPE_STRING, err);
    if (rc || b->n_args < 3) return rc;
    if (!fn_is_int(b->arg_types[2]->type)) fn_want(b, 2, SILT_TYPE_INT64); /* idx: an integer */
    fn_re_site *s = b->state;
    const silt_column *k = b->const_args[2];
    if (s->constant && k && fn_is_int(b->arg_types[2]->type) && silt_column_is_valid(k, 0)) {
        int64_t idx = fn_get_i64(k, 0);
        if (idx < 0 || idx > (int64_t)s->re.groups)
            return silt_error_set(err, SILT_EINVAL,
                                  "regexp_extract: the pattern has %u groups, but the group "
                                  "index is %lld",
                                  (unsigned)s->re.groups, (long long)idx);
    }
    return 0;
}

static int extract_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fn_bind_done(b, extract_bind_impl(b, err), fn_re_site_free);
}

static int extract_one(silt_column *out, fn_re *re, const silt_sql_fn_args *a, int64_t r)
{
    size_t len, pos = 0, s0, s1;
    const uint8_t *s = fn_str(a, 0, r, &len);
    int64_t idx = a->n > 2 ? fn_get_i64(a->cols[2], silt_sql_arg_row(a, 2, r)) : 1;
    if (idx < 0 || idx > (int64_t)re->groups) return silt_column_append_null(out);
    int m = fn_re_next(re, s, len, &pos, &s0, &s1);
    if (m < 0) return silt_column_append_null(out);
    if (m == 0 || !fn_re_group(re, (uint32_t)idx, &s0, &s1))
        return silt_column_append_bytes(out, "", 0);
    return silt_column_append_bytes(out, s + s0, s1 - s0);
}

static int extract_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                        silt_error *err)
{
    fn_re cache = {0};
    int rc = 0;
    for (int64_t r = 0; r < n && rc == 0; r++) {
        fn_re *re = fn_all_valid(a, r) ? fn_re_for_row(state, &cache, a, r) : NULL;
        rc = re ? extract_one(out, re, a, r) : silt_column_append_null(out);
    }
    fn_re_clear(&cache);
    return rc ? FN_OOM(err) : 0;
}

/* ---- regexp_replace ---- */

/* A replacement parsed once: literal text and group references. */
typedef struct repl_part {
    int32_t group; /* -1: literal */
    uint32_t off, len;
} repl_part;

typedef struct repl {
    repl_part *parts;
    size_t n;
    silt_buf lit;
} repl;

static void repl_free(void *p)
{
    repl *x = p;
    if (!x) return;
    silt_free(x->parts);
    silt_buf_free(&x->lit);
    silt_free(x);
}

static int repl_add(repl *x, int32_t group, const uint8_t *p, size_t len)
{
    repl_part *np = silt_realloc(x->parts, (x->n + 1) * sizeof *np);
    if (!np) return SILT_ENOMEM;
    x->parts = np;
    np[x->n++] = (repl_part){group, (uint32_t)x->lit.len, (uint32_t)len};
    return group < 0 ? silt_buf_append(&x->lit, p, len) : 0;
}

/* A group reference at rep[*i] (just after '$'), as Java reads it: ${name}, or digits taken
 * while the number stays a valid group. Returns the group, or -1 if malformed. */
static int32_t parse_ref(const fn_re *re, const uint8_t *rep, size_t n, size_t *i)
{
    if (*i < n && rep[*i] == '{') {
        size_t j = *i + 1;
        while (j < n && rep[j] != '}') j++;
        if (j >= n || j == *i + 1) return -1;
        char name[64];
        if (j - *i - 1 >= sizeof name) return -1;
        memcpy(name, rep + *i + 1, j - *i - 1);
        name[j - *i - 1] = '\0';
        int g = pcre2_substring_number_from_name(re->code, (PCRE2_SPTR)name);
        *i = j + 1;
        return g < 0 ? -1 : g;
    }
    if (*i >= n || rep[*i] < '0' || rep[*i] > '9') return -1;
    int32_t g = rep[(*i)++] - '0';
    while (*i < n && rep[*i] >= '0' && rep[*i] <= '9') {
        int32_t ng = g * 10 + (rep[*i] - '0');
        if (ng > (int32_t)re->groups) break;
        g = ng;
        (*i)++;
    }
    return g > (int32_t)re->groups ? -1 : g;
}

/* Parses a Java replacement string against re into *out. Returns 0, SILT_EINVAL when it is
 * malformed (a reference to a group the pattern lacks), or SILT_ENOMEM. */
static int repl_parse(repl **out, const fn_re *re, const uint8_t *rep, size_t n)
{
    repl *x = silt_calloc(1, sizeof *x);
    *out = NULL;
    if (!x) return SILT_ENOMEM;
    size_t i = 0, lit = 0;
    int rc = 0;
    while (i < n && rc == 0) {
        if (rep[i] == '\\' && i + 1 < n) {
            rc = repl_add(x, -1, rep + lit, i - lit);
            lit = i + 1;
            i += 2;
        } else if (rep[i] == '$') {
            rc = repl_add(x, -1, rep + lit, i - lit);
            i++;
            int32_t g = parse_ref(re, rep, n, &i);
            if (rc == 0) rc = g < 0 ? SILT_EINVAL : repl_add(x, g, NULL, 0);
            lit = i;
        } else {
            i++;
        }
    }
    if (rc == 0) rc = repl_add(x, -1, rep + lit, n - lit);
    if (rc == 0 && silt_buf_oom(&x->lit)) rc = SILT_ENOMEM;
    if (rc) {
        repl_free(x);
        return rc == SILT_EINVAL ? rc : SILT_ENOMEM;
    }
    *out = x;
    return 0;
}

static int replace_bind_impl(silt_sql_fn_bind *b, silt_error *err)
{
    int rc = fn_re_bind(b, "regexp_replace", 1, SILT_TYPE_STRING, err);
    if (rc) return rc;
    fn_re_site *s = b->state;
    const silt_column *k = b->const_args[2];
    if (b->arg_types[2]->type != SILT_TYPE_STRING) fn_want(b, 2, SILT_TYPE_STRING);
    if (!s->constant || !k || b->arg_types[2]->type != SILT_TYPE_STRING ||
        !silt_column_is_valid(k, 0))
        return 0;
    size_t len;
    const uint8_t *p = silt_column_bytes(k, 0, &len);
    s->free_extra = repl_free;
    rc = repl_parse((repl **)&s->extra, &s->re, p, len);
    if (rc == SILT_ENOMEM) return FN_OOM(err);
    if (rc)
        return silt_error_set(err, SILT_EINVAL,
                              "regexp_replace: invalid replacement '%.*s' (use $n or ${name} "
                              "for groups the pattern has, \\$ for a dollar sign)",
                              (int)(len > 100 ? 100 : len), (const char *)p);
    return 0;
}

static int replace_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fn_bind_done(b, replace_bind_impl(b, err), fn_re_site_free);
}

static void expand(silt_buf *o, const repl *x, const fn_re *re, const uint8_t *s)
{
    for (size_t i = 0; i < x->n; i++) {
        const repl_part *p = &x->parts[i];
        size_t g0, g1;
        if (p->group < 0)
            silt_buf_append(o, x->lit.ptr + p->off, p->len);
        else if (fn_re_group(re, (uint32_t)p->group, &g0, &g1))
            silt_buf_append(o, s + g0, g1 - g0);
    }
}

/* Replaces every match in row r into o. Returns 0, 1 (NULL result) or a negative code. */
static int replace_row(fn_re_site *st, fn_re *re, const repl *x, const silt_sql_fn_args *a,
                       int64_t r, silt_buf *o)
{
    size_t n, s0, s1;
    const uint8_t *s = fn_str(a, 0, r, &n);
    int64_t from = a->n > 3 ? fn_get_i64(a->cols[3], silt_sql_arg_row(a, 3, r)) : 1;
    if (from < 1) return 1;
    size_t pos = fn_utf8_skip(s, n, from - 1), last = 0;
    if (from > 1 && pos >= n) {
        silt_buf_append(o, s, n);
        return 0;
    }
    int m;
    while ((m = fn_re_next(re, s, n, &pos, &s0, &s1)) == 1) {
        silt_buf_append(o, s + last, s0 - last);
        expand(o, x, re, s);
        last = s1;
    }
    if (m < 0) return 1;
    silt_buf_append(o, s + last, n - last);
    return 0;
}

static int replace_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                        silt_error *err)
{
    fn_re_site *st = state;
    fn_re cache = {0};
    silt_buf o = SILT_BUF_INIT;
    int rc = 0;
    for (int64_t r = 0; r < n && rc == 0; r++) {
        fn_re *re = fn_all_valid(a, r) ? fn_re_for_row(st, &cache, a, r) : NULL;
        repl *x = st->extra, *own = NULL;
        if (re && !x) {
            size_t len;
            const uint8_t *p = fn_str(a, 2, r, &len);
            if (repl_parse(&own, re, p, len) == SILT_ENOMEM) {
                rc = SILT_ENOMEM;
                break;
            }
            x = own;
        }
        silt_buf_reset(&o);
        int k = re && x ? replace_row(st, re, x, a, r, &o) : 1;
        repl_free(own);
        if (silt_buf_oom(&o))
            rc = SILT_ENOMEM;
        else if (k)
            rc = silt_column_append_null(out);
        else
            rc = silt_column_append_bytes(out, o.ptr ? o.ptr : (const uint8_t *)"", o.len);
    }
    fn_re_clear(&cache);
    silt_buf_free(&o);
    return rc ? FN_OOM(err) : 0;
}

extern int fn_split_bind(silt_sql_fn_bind *b, silt_error *err);
extern int fn_split_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                         silt_error *err);

const silt_sql_scalar_fn silt_sql_fn_regex[] = {
    {"rlike", 2, 2, rlike_bind, rlike_eval, fn_re_site_free,
     "rlike(str, regex) - whether regex matches somewhere in str (also `str RLIKE regex`). "
     "rlike('Spark', 'ar') -> true"},
    {"regexp", 2, 2, rlike_bind, rlike_eval, fn_re_site_free,
     "regexp(str, regex) - same as rlike. regexp('Spark', '^S') -> true"},
    {"regexp_like", 2, 2, rlike_bind, rlike_eval, fn_re_site_free,
     "regexp_like(str, regex) - same as rlike. regexp_like('Spark', 'k$') -> true"},
    {"regexp_extract", 2, 3, extract_bind, extract_eval, fn_re_site_free,
     "regexp_extract(str, regex[, idx]) - group idx (default 1; 0 = the whole match) of the "
     "first match, '' when none. regexp_extract('100-200', '(\\d+)-(\\d+)', 1) -> '100'"},
    {"regexp_replace", 3, 4, replace_bind, replace_eval, fn_re_site_free,
     "regexp_replace(str, regex, rep[, pos]) - every match (from character pos) replaced by "
     "rep ($1, ${name} refer to groups). regexp_replace('100-200', '(\\d+)', 'num') -> "
     "'num-num'"},
    {"split", 2, 3, fn_split_bind, fn_split_eval, fn_re_site_free,
     "split(str, regex[, limit]) - str split around matches of regex, array<string> (limit > "
     "0: at most limit parts). split('oneAtwoBthreeC', '[ABC]') -> ['one','two','three','']"},
    {0},
};
