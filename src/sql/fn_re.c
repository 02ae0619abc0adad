/* PCRE2 behind the SQL regular-expression functions (see fn_re.h). */
#include "sql/fn_re.h"
#include "sql/fn_str.h"
#include "util/alloc.h"
#include "util/buf.h"

void fn_re_clear(fn_re *re)
{
    pcre2_match_data_free(re->md);
    pcre2_code_free(re->code);
    silt_free(re->text);
    memset(re, 0, sizeof *re);
}

/* Java's POSIX property classes (\p{Alpha}) that PCRE2 spells [[:alpha:]]. */
static const char *const java_classes[][2] = {
    {"Lower", "lower"}, {"Upper", "upper"}, {"ASCII", "ascii"}, {"Alpha", "alpha"},
    {"Digit", "digit"}, {"Alnum", "alnum"}, {"Punct", "punct"}, {"Graph", "graph"},
    {"Print", "print"}, {"Blank", "blank"}, {"Cntrl", "cntrl"}, {"XDigit", "xdigit"},
    {"Space", "space"},
};

/* Rewrites \p{Alpha} and \P{Alpha} (outside character classes) for PCRE2 into out; other text
 * is copied. */
static void java_to_pcre(silt_buf *out, const uint8_t *p, size_t n)
{
    int in_class = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\\' && i + 3 < n && (p[i + 1] == 'p' || p[i + 1] == 'P') && p[i + 2] == '{') {
            size_t j = i + 3;
            while (j < n && p[j] != '}') j++;
            for (size_t k = 0; j < n && k < sizeof java_classes / sizeof java_classes[0]; k++) {
                const char *name = java_classes[k][0];
                if (strlen(name) != j - i - 3 || memcmp(name, p + i + 3, j - i - 3) != 0) continue;
                bool neg = p[i + 1] == 'P';
                if (in_class && neg) break; /* no PCRE2 spelling: left as written */
                silt_buf_printf(out,
                                in_class ? "[:%s:]"
                                : neg    ? "[^[:%s:]]"
                                         : "[[:%s:]]",
                                java_classes[k][1]);
                i = j;
                goto next;
            }
        }
        if (p[i] == '\\' && i + 1 < n) {
            silt_buf_append(out, p + i, 2);
            i++;
            continue;
        }
        if (p[i] == '[') in_class++;
        if (p[i] == ']' && in_class) in_class--;
        silt_buf_putc(out, p[i]);
    next:;
    }
}

int fn_re_compile(fn_re *re, const uint8_t *pattern, size_t len, silt_error *err)
{
    if (re->code && re->len == len && memcmp(re->text, pattern, len) == 0) return 0;
    fn_re_clear(re);
    int ec;
    PCRE2_SIZE eo;
    if (!pattern) pattern = (const uint8_t *)"";
    silt_buf pcre = SILT_BUF_INIT;
    java_to_pcre(&pcre, pattern, len);
    if (silt_buf_oom(&pcre)) return FN_OOM(err);
    re->code = pcre2_compile(pcre.ptr ? pcre.ptr : (const uint8_t *)"", pcre.len,
                             PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ec, &eo, NULL);
    silt_buf_free(&pcre);
    if (!re->code) {
        if (ec == PCRE2_ERROR_HEAP_FAILED) return FN_OOM(err);
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(ec, msg, sizeof msg);
        return silt_error_set(
            err, SILT_EINVAL, "invalid regular expression '%.*s': %s at offset %zu",
            (int)(len > 200 ? 200 : len), (const char *)pattern, (const char *)msg, (size_t)eo);
    }
    pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE); /* an interpreter fallback if it fails */
    re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
    re->text = silt_strndup((const char *)pattern, len);
    if (!re->md || !re->text) {
        fn_re_clear(re);
        return FN_OOM(err);
    }
    re->len = len;
    pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &re->groups);
    return 0;
}

int fn_re_next(fn_re *re, const uint8_t *s, size_t n, size_t *pos, size_t *start, size_t *end)
{
    if (*pos > n) return 0;
    int rc = pcre2_match(re->code, s, n, *pos, 0, re->md, NULL);
    if (rc == PCRE2_ERROR_NOMATCH) return 0;
    if (rc < 0) return SILT_ERANGE;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);
    *start = ov[0];
    *end = ov[1];
    if (*end < *start) *end = *start; /* \K tricks: treat as empty */
    *pos = *end > *start ? *end : *end + (*end < n ? fn_utf8_width(s[*end]) : 1);
    return 1;
}

bool fn_re_group(const fn_re *re, uint32_t g, size_t *start, size_t *end)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);
    if (g > re->groups || ov[2 * g] == PCRE2_UNSET) return false;
    *start = ov[2 * g];
    *end = ov[2 * g + 1];
    return *end >= *start;
}

int fn_re_bind(silt_sql_fn_bind *b, const char *name, size_t pat_arg, silt_type_id ret,
               silt_error *err)
{
    for (size_t i = 0; i < b->n_args; i++) {
        const silt_field *t = b->arg_types[i];
        if (t->n_children > 0) return fn_bad_args(err, name, b, "expected scalar arguments");
        if ((i == 0 || i == pat_arg) && t->type != SILT_TYPE_STRING)
            fn_want(b, i, SILT_TYPE_STRING);
        else if (i != 0 && i != pat_arg && !fn_is_int(t->type) && t->type != SILT_TYPE_STRING)
            fn_want(b, i, SILT_TYPE_INT64);
    }
    fn_re_site *s = silt_calloc(1, sizeof *s);
    if (!s) return FN_OOM(err);
    b->state = s;
    s->pat_arg = pat_arg;
    const silt_column *k = b->const_args[pat_arg];
    if (k && b->arg_types[pat_arg]->type == SILT_TYPE_STRING && silt_column_is_valid(k, 0)) {
        size_t len;
        const uint8_t *p = silt_column_bytes(k, 0, &len);
        int rc = fn_re_compile(&s->re, p, len, err);
        if (rc) {
            silt_error_prefix(err, "%s", name);
            return rc;
        }
        s->constant = true;
    }
    return fn_ret(b, ret, err);
}

void fn_re_site_free(void *state)
{
    fn_re_site *s = state;
    if (!s) return;
    fn_re_clear(&s->re);
    if (s->free_extra) s->free_extra(s->extra);
    silt_free(s);
}

fn_re *fn_re_for_row(fn_re_site *s, fn_re *cache, const silt_sql_fn_args *a, int64_t r)
{
    if (s->constant) return &s->re;
    size_t len;
    const uint8_t *p = fn_str(a, s->pat_arg, r, &len);
    silt_error e = {0};
    return fn_re_compile(cache, p, len, &e) == 0 ? cache : NULL;
}
