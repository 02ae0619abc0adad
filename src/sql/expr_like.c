/* LIKE and ILIKE: a constant pattern is classified once (exact, prefix, suffix, contains)
 * for memcmp/memmem fast paths; other patterns use a matcher over UTF-8 with % and _ and an
 * escape character. */
#define _GNU_SOURCE
#include <ctype.h>
#include <string.h>

#include "sql/exec.h"

static size_t u8len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

static bool ceq(unsigned char a, unsigned char b, bool icase)
{
    return icase ? tolower(a) == tolower(b) : a == b;
}

static bool match(const unsigned char *s, size_t n, const unsigned char *p, size_t m, char esc,
                  bool icase)
{
    size_t i = 0, j = 0, star_j = (size_t)-1, star_i = 0;
    while (i < n) {
        if (j < m && p[j] == '%') {
            star_j = ++j;
            star_i = i;
            continue;
        }
        if (j < m && p[j] == '_') {
            i += u8len(s[i]);
            j++;
            continue;
        }
        if (j < m) {
            size_t pj = j;
            if (esc && p[j] == (unsigned char)esc && j + 1 < m) pj = j + 1;
            if (ceq(s[i], p[pj], icase)) {
                i++;
                j = pj + 1;
                continue;
            }
        }
        if (star_j == (size_t)-1) return false;
        star_i += u8len(s[star_i]);
        i = star_i;
        j = star_j;
    }
    while (j < m && p[j] == '%') j++;
    return j == m;
}

static bool mem_ieq(const unsigned char *a, const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (tolower(a[i]) != tolower(b[i])) return false;
    return true;
}

static bool like_fast(const sql_like *l, const unsigned char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)l->pat;
    size_t m = l->pat_len;
    switch (l->mode) {
    case 1: return n == m && (l->icase ? mem_ieq(s, p, m) : !memcmp(s, p, m));
    case 2: return n >= m && (l->icase ? mem_ieq(s, p, m) : !memcmp(s, p, m));
    case 3: return n >= m && (l->icase ? mem_ieq(s + n - m, p, m) : !memcmp(s + n - m, p, m));
    case 4:
        if (!l->icase) return m == 0 || memmem(s, n, p, m) != NULL;
        for (size_t i = 0; i + m <= n; i++)
            if (mem_ieq(s + i, p, m)) return true;
        return false;
    default: return match(s, n, p, m, l->esc, l->icase);
    }
}

int sql_k_like(sql_vec *out, const sql_expr *e, sql_vec *a, int64_t n)
{
    silt_field bt = sql_type(SILT_TYPE_BOOL);
    out->owned = true;
    out->c = &out->own;
    int rc = sql_col_alloc(&out->own, &bt, n);
    if (rc) return rc;
    const sql_vec *v[1] = {a};
    if ((rc = sql_col_validity_and(&out->own, v, 1, n))) return rc;
    for (int64_t i = 0; i < n; i++) {
        int64_t r = vrow(a, i);
        bool m = false;
        if (silt_column_is_valid(a->c, r)) {
            size_t len;
            const uint8_t *s = silt_column_bytes(a->c, r, &len);
            m = like_fast(&e->like, s, len) != e->negated;
        }
        silt_bit_set(out->own.values, i, m);
    }
    return 0;
}

/* Classifies a constant pattern: fills l (pat points into arena-owned text). */
void sql_like_compile(sql_like *l, const char *pat, size_t len, char esc, bool icase);
void sql_like_compile(sql_like *l, const char *pat, size_t len, char esc, bool icase)
{
    memset(l, 0, sizeof *l);
    l->icase = icase;
    l->esc = esc;
    l->pat = pat;
    l->pat_len = len;
    bool special = false;
    for (size_t i = 0; i < len; i++)
        if (pat[i] == '_' || (esc && pat[i] == esc)) special = true;
    size_t lead = 0, trail = 0;
    while (lead < len && pat[lead] == '%') lead++;
    while (trail < len - lead && pat[len - 1 - trail] == '%') trail++;
    const char *mid = pat + lead;
    size_t ml = len - lead - trail;
    if (special || memchr(mid, '%', ml) || lead > 1 || trail > 1) return;
    l->pat = mid;
    l->pat_len = ml;
    l->mode = !lead && !trail ? 1 : !lead ? 2 : !trail ? 3 : 4;
}
