/* String functions over UTF-8 text, with Spark's semantics: upper, lower, initcap, trim,
 * ltrim, rtrim (spaces, or the characters given), length (characters), substr/substring
 * (1-based, negative positions from the end), left, right, lpad, rpad, reverse, repeat, ascii.
 * Invalid UTF-8 never fails: bytes that do not decode pass through as they are. */
#include <locale.h>
#include <pthread.h>
#include <wctype.h>

#include "sql/fn_str.h"

/* ---- case ---- */

static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void open_locale(void)
{
    utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/* Maps every character of s with upper (or lower) case; ASCII fast, others via the C.UTF-8
 * locale's tables (Unicode simple case mapping). */
static void map_case(silt_buf *o, const uint8_t *s, size_t n, bool upper)
{
    pthread_once(&utf8_once, open_locale);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j] < 0x80) j++;
        if (j > i) { /* a run of ASCII: same length, mapped in place */
            uint8_t *d = silt_buf_extend(o, j - i);
            if (!d) return;
            for (size_t k = i; k < j; k++) {
                uint8_t c = s[k];
                if (upper && c >= 'a' && c <= 'z') c -= 32;
                if (!upper && c >= 'A' && c <= 'Z') c += 32;
                *d++ = c;
            }
            i = j;
            continue;
        }
        size_t w;
        int32_t cp = fn_utf8_decode(s + i, n - i, &w);
        if (cp < 0 || !utf8_locale) {
            silt_buf_append(o, s + i, w);
        } else {
            wint_t m =
                upper ? towupper_l((wint_t)cp, utf8_locale) : towlower_l((wint_t)cp, utf8_locale);
            fn_utf8_put(o, (int32_t)m);
        }
        i += w;
    }
}

static int k_upper(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    size_t n;
    const uint8_t *s = fn_str(a, 0, r, &n);
    map_case(o, s, n, true);
    return 0;
}
FN_STR_BIND(k_upper, "upper", "S", SILT_TYPE_STRING)

static int k_lower(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    size_t n;
    const uint8_t *s = fn_str(a, 0, r, &n);
    map_case(o, s, n, false);
    return 0;
}
FN_STR_BIND(k_lower, "lower", "S", SILT_TYPE_STRING)

/* Spark's initcap: every word (split on spaces) with its first letter upper, the rest lower. */
static int k_initcap(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    size_t n;
    const uint8_t *s = fn_str(a, 0, r, &n);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j] != ' ') j++;
        if (j > i) {
            size_t w = fn_utf8_width(s[i]);
            if (w > j - i) w = j - i;
            map_case(o, s + i, w, true);
            map_case(o, s + i + w, j - i - w, false);
        }
        for (; j < n && s[j] == ' '; j++) silt_buf_putc(o, ' ');
        i = j;
    }
    return 0;
}
FN_STR_BIND(k_initcap, "initcap", "S", SILT_TYPE_STRING)

/* ---- trim ---- */

/* Whether the character at p (w bytes) is in set (UTF-8 characters); set NULL = a space. */
static bool in_set(const uint8_t *p, size_t w, const uint8_t *set, size_t ns)
{
    if (!set) return w == 1 && *p == ' ';
    for (size_t i = 0; i < ns;) {
        size_t cw = fn_utf8_width(set[i]);
        if (cw == w && i + cw <= ns && memcmp(set + i, p, w) == 0) return true;
        i += cw;
    }
    return false;
}

/* Trims the left (bit 1) and/or right (bit 2) of row r's first argument. */
static int trim_kind(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int sides)
{
    size_t n, ns = 0;
    const uint8_t *s = fn_str(a, 0, r, &n), *set = a->n > 1 ? fn_str(a, 1, r, &ns) : NULL;
    size_t start = 0, end = n;
    while ((sides & 1) && start < end) {
        size_t w = fn_utf8_width(s[start]);
        if (start + w > end || !in_set(s + start, w, set, ns)) break;
        start += w;
    }
    while ((sides & 2) && end > start) {
        size_t b = end - 1;
        while (b > start && (s[b] & 0xC0) == 0x80 && end - b < 4) b--;
        if (!in_set(s + b, end - b, set, ns)) break;
        end = b;
    }
    silt_buf_append(o, s + start, end - start);
    return 0;
}

static int k_trim(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    return trim_kind(a, r, o, 3);
}
FN_STR_BIND(k_trim, "trim", "S", SILT_TYPE_STRING)
static int k_ltrim(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    return trim_kind(a, r, o, 1);
}
FN_STR_BIND(k_ltrim, "ltrim", "S", SILT_TYPE_STRING)
static int k_rtrim(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    return trim_kind(a, r, o, 2);
}
FN_STR_BIND(k_rtrim, "rtrim", "S", SILT_TYPE_STRING)

/* ---- length and slices ---- */

static int k_length(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    size_t n;
    const uint8_t *s = fn_str(a, 0, r, &n);
    *iv = a->cols[0]->type == SILT_TYPE_BINARY ? (int64_t)n : fn_utf8_count(s, n);
    return 0;
}
FN_STR_BIND(k_length, "length", "S", SILT_TYPE_INT32)

/* Characters [start, end) of s, start and end as Spark's substringSQL computes them. */
static void put_slice(silt_buf *o, const uint8_t *s, size_t n, int64_t pos, int64_t len)
{
    int64_t nc = pos > 0 ? 0 : fn_utf8_count(s, n);
    int64_t start = pos > 0 ? pos - 1 : (pos < 0 ? nc + pos : 0);
    int64_t end = start + len;
    if (start < 0) start = 0;
    if (start >= end) return;
    size_t b0 = fn_utf8_skip(s, n, start);
    size_t b1 = b0 + fn_utf8_skip(s + b0, n - b0, end - start);
    silt_buf_append(o, s + b0, b1 - b0);
}

static int64_t arg_int(const silt_sql_fn_args *a, size_t i, int64_t r)
{
    return fn_get_i64(a->cols[i], silt_sql_arg_row(a, i, r));
}

/* Spark takes positions and lengths as int: a bigint is cut to its low 32 bits. */
static int64_t arg_int32(const silt_sql_fn_args *a, size_t i, int64_t r)
{
    return (int32_t)(uint32_t)(uint64_t)arg_int(a, i, r);
}

static int k_substr(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    size_t n;
    const uint8_t *s = fn_str(a, 0, r, &n);
    put_slice(o, s, n, arg_int32(a, 1, r), a->n > 2 ? arg_int32(a, 2, r) : INT32_MAX);
    return 0;
}
FN_STR_BIND(k_substr, "substr", "SII", SILT_TYPE_STRING)

static int k_left(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    size_t n;
    const uint8_t *s = fn_str(a, 0, r, &n);
    int64_t len = arg_int32(a, 1, r);
    if (len > 0) put_slice(o, s, n, 1, len);
    return 0;
}
FN_STR_BIND(k_left, "left", "SI", SILT_TYPE_STRING)

static int k_right(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    size_t n;
    const uint8_t *s = fn_str(a, 0, r, &n);
    int64_t len = arg_int32(a, 1, r);
    if (len > 0) put_slice(o, s, n, -len, INT32_MAX);
    return 0;
}
FN_STR_BIND(k_right, "right", "SI", SILT_TYPE_STRING)

/* ---- padding, repeat, reverse ---- */

/* Appends `count` characters taken cyclically from pad. */
static void put_fill(silt_buf *o, const uint8_t *pad, size_t np, int64_t count)
{
    for (size_t i = 0; count > 0; count--) {
        size_t w = fn_utf8_width(pad[i]);
        if (i + w > np) w = np - i;
        silt_buf_append(o, pad + i, w);
        i += w;
        if (i >= np) i = 0;
        if (silt_buf_oom(o)) return;
    }
}

static int pad_kind(const silt_sql_fn_args *a, int64_t r, silt_buf *o, bool left)
{
    size_t n, np = 1;
    const uint8_t *s = fn_str(a, 0, r, &n), *pad = (const uint8_t *)" ";
    int64_t len = arg_int32(a, 1, r);
    if (a->n > 2) pad = fn_str(a, 2, r, &np);
    int64_t spaces = len - fn_utf8_count(s, n);
    if (spaces <= 0 || np == 0) {
        if (len > 0) put_slice(o, s, n, 1, len);
        return 0;
    }
    if (!left) silt_buf_append(o, s, n);
    put_fill(o, pad, np, spaces);
    if (left) silt_buf_append(o, s, n);
    return 0;
}

static int k_lpad(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    return pad_kind(a, r, o, true);
}
FN_STR_BIND(k_lpad, "lpad", "SIS", SILT_TYPE_STRING)
static int k_rpad(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    return pad_kind(a, r, o, false);
}
FN_STR_BIND(k_rpad, "rpad", "SIS", SILT_TYPE_STRING)

static int k_repeat(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    size_t n;
    const uint8_t *s = fn_str(a, 0, r, &n);
    int64_t times = arg_int32(a, 1, r);
    if (times > 0 && n > 0 && (uint64_t)times * n > (1u << 30)) return SILT_ERANGE;
    for (int64_t i = 0; i < times; i++) silt_buf_append(o, s, n);
    return 0;
}
FN_STR_BIND(k_repeat, "repeat", "SI", SILT_TYPE_STRING)

static int k_reverse(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    size_t n;
    const uint8_t *s = fn_str(a, 0, r, &n);
    uint8_t *d = silt_buf_extend(o, n);
    if (!d) return 0;
    for (size_t i = 0; i < n;) {
        size_t w = fn_utf8_width(s[i]);
        if (i + w > n) w = n - i;
        memcpy(d + n - i - w, s + i, w);
        i += w;
    }
    return 0;
}
FN_STR_BIND(k_reverse, "reverse", "S", SILT_TYPE_STRING)

static int k_ascii(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    size_t n, w;
    const uint8_t *s = fn_str(a, 0, r, &n);
    *iv = n == 0 ? 0 : fn_utf8_decode(s, n, &w);
    if (*iv < 0) *iv = s[0];
    return 0;
}
FN_STR_BIND(k_ascii, "ascii", "S", SILT_TYPE_INT32)

#define STR(name, lo, hi, k, doc)                                                                  \
    {                                                                                              \
        name, lo, hi, k##_bind, fn_str_eval, NULL, doc                                             \
    }

const silt_sql_scalar_fn silt_sql_fn_string[] = {
    STR("upper", 1, 1, k_upper, "upper(str) - str in upper case. upper('SparkSql') -> 'SPARKSQL'"),
    STR("ucase", 1, 1, k_upper, "ucase(str) - same as upper. ucase('SparkSql') -> 'SPARKSQL'"),
    STR("lower", 1, 1, k_lower, "lower(str) - str in lower case. lower('SparkSql') -> 'sparksql'"),
    STR("lcase", 1, 1, k_lower, "lcase(str) - same as lower. lcase('SparkSql') -> 'sparksql'"),
    STR("initcap", 1, 1, k_initcap,
        "initcap(str) - each space-separated word capitalised. initcap('sPark sql') -> "
        "'Spark Sql'"),
    STR("trim", 1, 2, k_trim,
        "trim(str[, chars]) - str without leading and trailing spaces (or chars). "
        "trim('  SparkSQL   ') -> 'SparkSQL'"),
    STR("btrim", 1, 2, k_trim,
        "btrim(str[, chars]) - same as trim. btrim('    SparkSQL   ') -> 'SparkSQL'"),
    STR("ltrim", 1, 2, k_ltrim,
        "ltrim(str[, chars]) - str without leading spaces (or chars). ltrim('  a ') -> 'a '"),
    STR("rtrim", 1, 2, k_rtrim,
        "rtrim(str[, chars]) - str without trailing spaces (or chars). rtrim(' a  ') -> ' a'"),
    STR("length", 1, 1, k_length,
        "length(str) - characters in str (bytes for binary), int. length('Spark SQL ') -> 10"),
    STR("char_length", 1, 1, k_length,
        "char_length(str) - same as length. char_length('Spark SQL ') -> 10"),
    STR("character_length", 1, 1, k_length,
        "character_length(str) - same as length. character_length('Spark SQL ') -> 10"),
    STR("len", 1, 1, k_length, "len(str) - same as length. len('Spark SQL ') -> 10"),
    STR("substr", 2, 3, k_substr,
        "substr(str, pos[, len]) - len characters from pos (1-based; negative counts from the "
        "end). substr('Spark SQL', -3, 2) -> 'SQ'"),
    STR("substring", 2, 3, k_substr,
        "substring(str, pos[, len]) - same as substr. substring('Spark SQL', 5, 1) -> 'k'"),
    STR("left", 2, 2, k_left,
        "left(str, len) - the first len characters. left('Spark SQL', 3) "
        "-> 'Spa'"),
    STR("right", 2, 2, k_right,
        "right(str, len) - the last len characters. right('Spark SQL', 3) -> 'SQL'"),
    STR("lpad", 2, 3, k_lpad,
        "lpad(str, len[, pad]) - str left-padded with pad (a space) to len characters, or cut "
        "to len. lpad('hi', 5, 'ab') -> 'abahi'"),
    STR("rpad", 2, 3, k_rpad,
        "rpad(str, len[, pad]) - str right-padded with pad (a space) to len characters, or cut "
        "to len. rpad('hi', 5, 'ab') -> 'hiaba'"),
    STR("repeat", 2, 2, k_repeat,
        "repeat(str, n) - str repeated n times. repeat('123', 2) -> "
        "'123123'"),
    STR("reverse", 1, 1, k_reverse,
        "reverse(str) - the characters of str in reverse order. reverse('Spark SQL') -> "
        "'LQS krapS'"),
    STR("ascii", 1, 1, k_ascii,
        "ascii(str) - the code point of the first character (0 for ''). ascii('222') -> 50"),
    {0},
};
