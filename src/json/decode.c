/* The schema-directed JSON decoder: a single pass over each row's text that appends every
 * value to its column as it is met. Keys are matched against the schema in the order they last
 * came (rows of one stream nearly always share it), so a field costs one comparison. */
#include "json/decode.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/buf.h"
#include "util/datefmt.h"

typedef struct node {
    const silt_field *f;
    size_t name_len;
    bool plain_name; /* the name is ASCII with nothing JSON would escape */
    size_t n_children;
    struct node *children;
    size_t hint;   /* the child expected next */
    uint64_t mark; /* generation of the object in which this child was last set */
    silt_datefmt fmt;
} node;

struct silt_json_decoder {
    const silt_schema *schema;
    silt_json_decode_opts opts;
    node root;
    uint64_t gen;
    silt_buf scratch; /* unescaped strings, long number tokens */
};

typedef struct ctx {
    const char *p, *end, *base;
    silt_json_decoder *d;
    silt_error *err;
    int depth;
} ctx;

/* ---- errors ---- */

static int json_err(ctx *c, const char *what)
{
    silt_error_set(c->err, SILT_ECORRUPT, "invalid JSON: %s", what);
    return silt_error_offset(c->err, c->p - c->base);
}

/* A short rendering of the value that starts at s, for messages: string "abc", number 12.5,
 * true, object, array. */
static void describe(char *out, size_t n, ctx *c, const char *s)
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

static const char *type_label(const silt_field *f, char *buf, size_t n)
{
    if (f->type == SILT_TYPE_DECIMAL)
        snprintf(buf, n, "decimal(%d,%d)", (int)f->precision, (int)f->scale);
    else if (f->type == SILT_TYPE_TIMESTAMP)
        snprintf(buf, n, "%s", f->tz_utc ? "timestamp" : "timestamp_ntz");
    else
        snprintf(buf, n, "%s%s", f->is_unsigned ? "u" : "", silt_type_name(f->type));
    return buf;
}

static int type_err(ctx *c, const node *nd, const char *at)
{
    char got[96], want[48];
    describe(got, sizeof got, c, at);
    silt_error_set(c->err, SILT_EINVAL, "expected %s, got %s", type_label(nd->f, want, sizeof want),
                   got);
    return silt_error_offset(c->err, at - c->base);
}

static int value_err(ctx *c, int code, const char *at, const char *fmt, const char *arg)
{
    silt_error_set(c->err, code, fmt, arg);
    return silt_error_offset(c->err, at - c->base);
}

/* Copies s into out (size n), cut to fit. */
static void copy_trunc(char *out, size_t n, const char *s)
{
    size_t l = strlen(s);
    if (l >= n) l = n - 1;
    memmove(out, s, l);
    out[l] = '\0';
}

/* Puts a path component in front of err->column: "name" or "[i]". */
static void path_push(silt_error *err, const char *name, int64_t index)
{
    if (!err) return;
    char buf[2 * SILT_ERROR_COLUMN_MAX + 32];
    const char *old = err->column, *sep = old[0] && old[0] != '[' ? "." : "";
    if (name)
        snprintf(buf, sizeof buf, "%.*s%s%s", SILT_ERROR_COLUMN_MAX, name, sep, old);
    else
        snprintf(buf, sizeof buf, "[%lld]%s%s", (long long)index, sep, old);
    copy_trunc(err->column, sizeof err->column, buf);
}

/* ---- scanning ---- */

static inline void ws(ctx *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\n' || *c->p == '\r' || *c->p == '\t'))
        c->p++;
}

static int hex4(const char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char h = p[i];
        v <<= 4;
        if (h >= '0' && h <= '9')
            v |= (uint32_t)(h - '0');
        else if (h >= 'a' && h <= 'f')
            v |= (uint32_t)(h - 'a' + 10);
        else if (h >= 'A' && h <= 'F')
            v |= (uint32_t)(h - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* *pp at a backslash in a string: checks the escape (one of \" \\ \/ \b \f \n \r \t, or
 * \uXXXX with surrogates in pairs) and moves past it. */
static int check_escape(ctx *c, const char **pp)
{
    const char *q = *pp;
    uint32_t cp, lo;
    if (c->end - q < 2 || !strchr("\"\\/bfnrtu", q[1]) || !q[1]) {
        c->p = q;
        return json_err(c, c->end - q < 2 ? "unterminated string" : "unknown escape in a string");
    }
    if (q[1] != 'u') {
        *pp = q + 2;
        return 0;
    }
    if (c->end - q < 6 || hex4(q + 2, &cp)) {
        c->p = q;
        return json_err(c, "bad \\u escape");
    }
    if (cp >= 0xd800 && cp <= 0xdbff) {
        if (c->end - q < 12 || q[6] != '\\' || q[7] != 'u' || hex4(q + 8, &lo) || lo < 0xdc00 ||
            lo > 0xdfff) {
            c->p = q;
            return json_err(c, "unpaired UTF-16 surrogate in a \\u escape");
        }
        *pp = q + 12;
        return 0;
    }
    if (cp >= 0xdc00 && cp <= 0xdfff) {
        c->p = q;
        return json_err(c, "unpaired UTF-16 surrogate in a \\u escape");
    }
    *pp = q + 6;
    return 0;
}

/* Length of the valid UTF-8 sequence of 2-4 bytes at p (p[0] >= 0x80), or 0. */
static size_t utf8_seq(const uint8_t *p, const uint8_t *end)
{
    uint8_t b = p[0];
    size_t k;
    uint32_t cp;
    if ((b & 0xe0) == 0xc0) {
        k = 1;
        cp = b & 0x1f;
    } else if ((b & 0xf0) == 0xe0) {
        k = 2;
        cp = b & 0x0f;
    } else if ((b & 0xf8) == 0xf0) {
        k = 3;
        cp = b & 0x07;
    } else {
        return 0;
    }
    if ((size_t)(end - p) <= k) return 0;
    for (size_t j = 1; j <= k; j++) {
        if ((p[j] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (p[j] & 0x3f);
    }
    static const uint32_t min_cp[4] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[k] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return k + 1;
}

/* Whether any of the 8 bytes in w is a quote, a backslash, a control character or not ASCII. */
static inline bool special8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t q = w ^ (ones * '"'), bs = w ^ (ones * '\\');
    uint64_t zero_q = (q - ones) & ~q, zero_bs = (bs - ones) & ~bs;
    uint64_t ctrl = (w - ones * 0x20) & ~w;
    return ((zero_q | zero_bs | ctrl) & high) || (w & high);
}

/* c->p at '"': finds the closing quote, checking escapes and UTF-8 on the way. *s and *n =
 * the raw content; *esc = it holds escapes. */
static int scan_string(ctx *c, const char **s, size_t *n, bool *esc)
{
    const char *p = ++c->p;
    bool e = false;
    int rc;
    for (;;) {
        while (c->end - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            if (special8(w)) break;
            p += 8;
        }
        if (p >= c->end) {
            c->p = c->end;
            return json_err(c, "unterminated string");
        }
        uint8_t ch = (uint8_t)*p;
        if (ch == '"') break;
        if (ch == '\\') {
            e = true;
            if ((rc = check_escape(c, &p))) return rc;
        } else if (ch < 0x20) {
            c->p = p;
            return json_err(c, "control character in a string (escape it)");
        } else if (ch >= 0x80) {
            size_t k = utf8_seq((const uint8_t *)p, (const uint8_t *)c->end);
            if (!k) {
                c->p = p;
                return json_err(c, "a string is not valid UTF-8");
            }
            p += k;
        } else {
            p++;
        }
    }
    *s = c->p;
    *n = (size_t)(p - c->p);
    *esc = e;
    c->p = p + 1;
    return 0;
}

static void put_utf8(silt_buf *b, uint32_t cp)
{
    uint8_t o[4];
    size_t k;
    if (cp < 0x80) {
        o[0] = (uint8_t)cp;
        k = 1;
    } else if (cp < 0x800) {
        o[0] = (uint8_t)(0xc0 | (cp >> 6));
        o[1] = (uint8_t)(0x80 | (cp & 0x3f));
        k = 2;
    } else if (cp < 0x10000) {
        o[0] = (uint8_t)(0xe0 | (cp >> 12));
        o[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (uint8_t)(0x80 | (cp & 0x3f));
        k = 3;
    } else {
        o[0] = (uint8_t)(0xf0 | (cp >> 18));
        o[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
        o[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        o[3] = (uint8_t)(0x80 | (cp & 0x3f));
        k = 4;
    }
    silt_buf_append(b, o, k);
}

/* Decodes the string content s[0..n) (from scan_string, which has checked its escapes and
 * UTF-8) into UTF-8: *out and *out_n point either into the text (no escapes) or into the
 * decoder's scratch buffer. */
static int string_value(ctx *c, const char *s, size_t n, bool esc, const char **out, size_t *out_n)
{
    if (!esc) { /* already checked to be UTF-8 by scan_string */
        *out = s;
        *out_n = n;
        return 0;
    }
    silt_buf *b = &c->d->scratch;
    silt_buf_reset(b);
    const char *p = s, *end = s + n;
    while (p < end) {
        const char *q = p;
        while (q < end && *q != '\\') q++;
        silt_buf_append(b, p, (size_t)(q - p));
        if (q >= end) break;
        char e = q[1];
        p = q + 2;
        switch (e) {
        case 'b': silt_buf_putc(b, '\b'); break;
        case 'f': silt_buf_putc(b, '\f'); break;
        case 'n': silt_buf_putc(b, '\n'); break;
        case 'r': silt_buf_putc(b, '\r'); break;
        case 't': silt_buf_putc(b, '\t'); break;
        case 'u': { /* check_escape made sure of four hex digits and paired surrogates */
            uint32_t cp = 0, lo = 0xdc00;
            hex4(p, &cp);
            p += 4;
            if (cp >= 0xd800 && cp <= 0xdbff) {
                hex4(p + 2, &lo);
                p += 6;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            }
            put_utf8(b, cp);
            break;
        }
        default: silt_buf_putc(b, (uint8_t)e); break; /* '"', '\\' and '/' stand for themselves */
        }
    }
    if (silt_buf_oom(b)) return silt_error_set(c->err, SILT_ENOMEM, "out of memory");
    /* valid: the raw text was UTF-8 and escapes only add whole code points */
    *out = b->len ? (const char *)b->ptr : "";
    *out_n = b->len;
    return 0;
}

enum { NUM_INT, NUM_FLOAT, NUM_NAN, NUM_POS_INF, NUM_NEG_INF };

static bool lit(ctx *c, const char *w, size_t n)
{
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0) return false;
    c->p += n;
    return true;
}

/* c->p at '-', a digit, 'N' or 'I': scans a number (JSON grammar, plus NaN and +-Infinity). */
static int scan_number(ctx *c, const char **tok, size_t *n, int *kind)
{
    const char *s = c->p, *p = c->p;
    if (lit(c, "NaN", 3)) {
        *kind = NUM_NAN;
        goto done;
    }
    if (lit(c, "Infinity", 8)) {
        *kind = NUM_POS_INF;
        goto done;
    }
    if (lit(c, "-Infinity", 9)) {
        *kind = NUM_NEG_INF;
        goto done;
    }
    *kind = NUM_INT;
    if (p < c->end && *p == '-') p++;
    if (p < c->end && *p == '0') {
        p++;
    } else if (p < c->end && *p >= '1' && *p <= '9') {
        while (p < c->end && *p >= '0' && *p <= '9') p++;
    } else {
        c->p = p;
        return json_err(c, "bad number");
    }
    if (p < c->end && *p == '.') {
        p++;
        *kind = NUM_FLOAT;
        if (p >= c->end || *p < '0' || *p > '9') {
            c->p = p;
            return json_err(c, "expected digits after the decimal point");
        }
        while (p < c->end && *p >= '0' && *p <= '9') p++;
    }
    if (p < c->end && (*p == 'e' || *p == 'E')) {
        p++;
        *kind = NUM_FLOAT;
        if (p < c->end && (*p == '+' || *p == '-')) p++;
        if (p >= c->end || *p < '0' || *p > '9') {
            c->p = p;
            return json_err(c, "expected digits in the exponent");
        }
        while (p < c->end && *p >= '0' && *p <= '9') p++;
    }
    c->p = p;
done:
    *tok = s;
    *n = (size_t)(c->p - s);
    return 0;
}

static int skip_value(ctx *c);

/* c->p at an opening bracket: checks the nesting limit and steps in; *empty = the closing
 * bracket follows at once (consumed). */
static int enter(ctx *c, char close, bool *empty)
{
    if (++c->depth > c->d->opts.max_depth) return json_err(c, "nested too deeply");
    c->p++;
    ws(c);
    *empty = c->p < c->end && *c->p == close;
    if (*empty) {
        c->p++;
        c->depth--;
    }
    return 0;
}

/* After a member or an element: 1 when a comma follows (another one comes), 0 at the closing
 * bracket (consumed, the nesting level left), or the error. */
static int next_item(ctx *c, char close)
{
    ws(c);
    if (c->p < c->end && *c->p == ',') {
        c->p++;
        return 1;
    }
    if (c->p < c->end && *c->p == close) {
        c->p++;
        c->depth--;
        return 0;
    }
    return json_err(c, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
}

static int skip_container(ctx *c, char close)
{
    bool empty;
    int rc = enter(c, close, &empty);
    if (rc || empty) return rc;
    do {
        ws(c);
        if (close == '}') {
            const char *s;
            size_t n;
            bool esc;
            if (c->p >= c->end || *c->p != '"') return json_err(c, "expected a key in quotes");
            if ((rc = scan_string(c, &s, &n, &esc))) return rc;
            ws(c);
            if (c->p >= c->end || *c->p != ':') return json_err(c, "expected ':' after a key");
            c->p++;
        }
        if ((rc = skip_value(c))) return rc;
    } while ((rc = next_item(c, close)) > 0);
    return rc;
}

static int skip_value(ctx *c)
{
    ws(c);
    if (c->p >= c->end) return json_err(c, "unexpected end of text");
    switch (*c->p) {
    case '{': return skip_container(c, '}');
    case '[': return skip_container(c, ']');
    case '"': {
        const char *s;
        size_t n;
        bool esc;
        return scan_string(c, &s, &n, &esc);
    }
    case 't': return lit(c, "true", 4) ? 0 : json_err(c, "unknown literal");
    case 'f': return lit(c, "false", 5) ? 0 : json_err(c, "unknown literal");
    case 'n': return lit(c, "null", 4) ? 0 : json_err(c, "unknown literal");
    default: {
        const char *t;
        size_t n;
        int kind;
        if (*c->p == '-' || (*c->p >= '0' && *c->p <= '9') || *c->p == 'N' || *c->p == 'I')
            return scan_number(c, &t, &n, &kind);
        return json_err(c, "unexpected character");
    }
    }
}

/* ---- numbers into columns ---- */

static bool int_fits(const silt_field *f, int64_t v)
{
    if (f->is_unsigned) {
        switch (f->type) {
        case SILT_TYPE_INT8: return v >= 0 && v <= UINT8_MAX;
        case SILT_TYPE_INT16: return v >= 0 && v <= UINT16_MAX;
        case SILT_TYPE_INT32: return v >= 0 && v <= (int64_t)UINT32_MAX;
        default: return true; /* INT64: checked while parsing */
        }
    }
    switch (f->type) {
    case SILT_TYPE_INT8: return v >= INT8_MIN && v <= INT8_MAX;
    case SILT_TYPE_INT16: return v >= INT16_MIN && v <= INT16_MAX;
    case SILT_TYPE_INT32: return v >= INT32_MIN && v <= INT32_MAX;
    default: return true;
    }
}

/* A double from a number token (not NUL-terminated). */
static int token_double(ctx *c, const char *t, size_t n, bool as_float, double *out)
{
    char small[64];
    char *z = small;
    if (n >= sizeof small) {
        silt_buf *b = &c->d->scratch;
        silt_buf_reset(b);
        silt_buf_append(b, t, n);
        silt_buf_putc(b, 0);
        if (silt_buf_oom(b)) return silt_error_set(c->err, SILT_ENOMEM, "out of memory");
        z = (char *)b->ptr;
    } else {
        memcpy(small, t, n);
        small[n] = 0;
    }
    *out = as_float ? (double)strtof(z, NULL) : strtod(z, NULL);
    return 0;
}

static int null_value(ctx *c, const node *nd, silt_column *col, const char *at)
{
    if (!nd->f->nullable)
        return value_err(c, SILT_EINVAL, at, "%s", "null in a field that is not nullable");
    return silt_column_append_null(col) ? silt_error_set(c->err, SILT_ENOMEM, "out of memory") : 0;
}

static int oom_rc(ctx *c, int rc)
{
    if (rc == SILT_ENOMEM) return silt_error_set(c->err, SILT_ENOMEM, "out of memory");
    if (rc)
        return silt_error_set(c->err, rc, "column append failed (%s)", silt_error_code_name(rc));
    return 0;
}

/* SILT_ERANGE for the number token t[0..n) at `at`: "<t> <what> <type>". */
static int range_err(ctx *c, const silt_field *f, const char *t, size_t n, const char *at,
                     const char *what)
{
    char want[48];
    silt_error_set(c->err, SILT_ERANGE, "%.*s %s %s", (int)(n > 40 ? 40 : n), t, what,
                   type_label(f, want, sizeof want));
    return silt_error_offset(c->err, at - c->base);
}

static int put_int(ctx *c, const node *nd, silt_column *col, const char *t, size_t n, int kind,
                   const char *at)
{
    const silt_field *f = nd->f;
    if (kind == NUM_NAN) return null_value(c, nd, col, at);
    if (kind != NUM_INT && kind != NUM_FLOAT) return type_err(c, nd, at);
    int64_t v;
    size_t int_len = n;
    if (kind == NUM_FLOAT) { /* 17490.0 (pandas' ints with gaps): the digits before the point */
        const char *dot = memchr(t, '.', n);
        size_t i = dot ? (size_t)(dot - t) + 1 : n;
        while (i < n && t[i] == '0') i++;
        if (dot && i == n) {
            int_len = (size_t)(dot - t);
            kind = NUM_INT;
        }
    }
    if (kind == NUM_INT) {
        const char *p = t;
        bool neg = *p == '-';
        if (neg) p++;
        uint64_t u = 0;
        for (; p < t + int_len; p++) {
            uint64_t d = (uint64_t)(*p - '0');
            if (u > (UINT64_MAX - d) / 10) goto range;
            u = u * 10 + d;
        }
        if (f->is_unsigned && f->type == SILT_TYPE_INT64) {
            if (neg && u) goto range;
            v = (int64_t)u;
        } else if (neg) {
            if (u > (uint64_t)INT64_MAX + 1) goto range;
            v = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
        } else {
            if (u > (uint64_t)INT64_MAX) goto range;
            v = (int64_t)u;
        }
    } else {
        double dv = 0;
        int rc = token_double(c, t, n, false, &dv);
        if (rc) return rc;
        if (dv != floor(dv)) return type_err(c, nd, at);
        if (!(dv >= -9223372036854775808.0 && dv < 9223372036854775808.0)) goto range;
        v = (int64_t)dv;
        if (f->is_unsigned && f->type == SILT_TYPE_INT64 && v < 0) goto range;
    }
    if (!int_fits(f, v)) goto range;
    return oom_rc(c, silt_column_append_int(col, v));
range:
    return range_err(c, f, t, n, at, "is out of range for");
}

static int put_real(ctx *c, const node *nd, silt_column *col, const char *t, size_t n, int kind,
                    const char *at)
{
    bool is_float = nd->f->type == SILT_TYPE_FLOAT;
    double v = 0;
    switch (kind) {
    case NUM_NAN:
        if (!c->d->opts.keep_nan) return null_value(c, nd, col, at);
        v = NAN;
        break;
    case NUM_POS_INF: v = INFINITY; break;
    case NUM_NEG_INF: v = -INFINITY; break;
    default: {
        int rc = token_double(c, t, n, is_float, &v);
        if (rc) return rc;
        if (isinf(v)) return range_err(c, nd->f, t, n, at, "is out of range for");
    }
    }
    return oom_rc(c, is_float ? silt_column_append_float(col, (float)v)
                              : silt_column_append_double(col, v));
}

typedef unsigned __int128 u128;

static int put_decimal(ctx *c, const node *nd, silt_column *col, const char *t, size_t n, int kind,
                       const char *at)
{
    const silt_field *f = nd->f;
    if (kind == NUM_NAN) return null_value(c, nd, col, at);
    if (kind != NUM_INT && kind != NUM_FLOAT) return type_err(c, nd, at);
    const char *p = t, *end = t + n;
    bool neg = *p == '-';
    if (neg) p++;
    /* the digits (integer and fraction) and where the point falls among them */
    const char *dig = p;
    int64_t n_int = 0;
    while (p < end && *p >= '0' && *p <= '9') {
        p++;
        n_int++;
    }
    const char *frac = NULL;
    int64_t n_frac = 0;
    if (p < end && *p == '.') {
        frac = ++p;
        while (p < end && *p >= '0' && *p <= '9') {
            p++;
            n_frac++;
        }
    }
    int64_t exp = 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        bool eneg = *p == '-';
        if (*p == '+' || *p == '-') p++;
        for (; p < end; p++)
            if (exp < 1000000) exp = exp * 10 + (*p - '0');
        if (eneg) exp = -exp;
    }
    /* digit k (1-based over integer then fraction digits) has place 10^(n_int + exp - k); keep
     * those with place >= 10^-scale, i.e. k <= K */
    int64_t total = n_int + n_frac, K = n_int + exp + f->scale;
    u128 acc = 0, limit = 1;
    for (int i = 0; i < f->precision; i++) limit *= 10;
    int round_digit = 0;
    for (int64_t k = 1; k <= total; k++) {
        int d = k <= n_int ? dig[k - 1] - '0' : frac[k - n_int - 1] - '0';
        if (k <= K) {
            acc = acc * 10 + (u128)d;
            if (acc >= limit) goto range;
        } else {
            if (k == K + 1) round_digit = d;
            break;
        }
    }
    for (int64_t k = total + 1; k <= K && acc; k++) { /* trailing zeros the exponent adds */
        acc *= 10;
        if (acc >= limit) goto range;
    }
    if (round_digit >= 5 && ++acc >= limit) goto range;
    __int128 v = neg ? -(__int128)acc : (__int128)acc;
    uint8_t le[16];
    for (int i = 0; i < 16; i++) le[i] = (uint8_t)((u128)v >> (8 * i));
    return oom_rc(c, silt_column_append_decimal(col, le));
range:
    return range_err(c, f, t, n, at, "does not fit");
}

static int put_number(ctx *c, const node *nd, silt_column *col, const char *t, size_t n, int kind,
                      const char *at)
{
    switch (nd->f->type) {
    case SILT_TYPE_INT8:
    case SILT_TYPE_INT16:
    case SILT_TYPE_INT32:
    case SILT_TYPE_INT64: return put_int(c, nd, col, t, n, kind, at);
    case SILT_TYPE_FLOAT:
    case SILT_TYPE_DOUBLE: return put_real(c, nd, col, t, n, kind, at);
    case SILT_TYPE_DECIMAL: return put_decimal(c, nd, col, t, n, kind, at);
    case SILT_TYPE_STRING:
        if (kind == NUM_NAN) return null_value(c, nd, col, at);
        return oom_rc(c, silt_column_append_bytes(col, t, n));
    default: return type_err(c, nd, at);
    }
}

/* ---- strings into columns ---- */

static int b64val(uint8_t ch)
{
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    if (ch == '+' || ch == '-') return 62;
    if (ch == '/' || ch == '_') return 63;
    return -1;
}

/* Base64 (standard or URL-safe alphabet, padding optional) of s into the scratch buffer. */
static int base64(ctx *c, const char *s, size_t n, const char *at)
{
    while (n && s[n - 1] == '=') n--;
    if (n % 4 == 1) return value_err(c, SILT_EINVAL, at, "%s", "not valid base64 (length)");
    silt_buf *b = &c->d->scratch;
    silt_buf_reset(b);
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64val((uint8_t)s[i]);
        if (v < 0) return value_err(c, SILT_EINVAL, at, "%s", "not valid base64 (character)");
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            silt_buf_putc(b, (uint8_t)(acc >> bits));
        }
    }
    if (silt_buf_oom(b)) return silt_error_set(c->err, SILT_ENOMEM, "out of memory");
    return 0;
}

static int put_datetime(ctx *c, const node *nd, silt_column *col, const char *s, size_t n,
                        const char *at)
{
    int64_t secs;
    int32_t nanos;
    bool has_off;
    const char *why = NULL;
    if (silt_datefmt_parse(&secs, &nanos, &has_off, &nd->fmt, s, n, &why)) {
        char want[48];
        silt_error_set(c->err, SILT_EINVAL, "expected %s, got \"%.*s\" (%s)",
                       type_label(nd->f, want, sizeof want), (int)(n > 40 ? 40 : n), s, why);
        return silt_error_offset(c->err, at - c->base);
    }
    int64_t v;
    switch (nd->f->type) {
    case SILT_TYPE_DATE32: v = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400); break;
    case SILT_TYPE_TIMESTAMP:
    case SILT_TYPE_TIMESTAMP_NS:
        if (has_off && !nd->f->tz_utc)
            return value_err(c, SILT_EINVAL, at, "%s",
                             "a time zone offset in a timestamp_ntz value (local time has none)");
        if (nd->f->type == SILT_TYPE_TIMESTAMP) {
            if (__builtin_mul_overflow(secs, 1000000, &v) ||
                __builtin_add_overflow(v, nanos / 1000, &v))
                goto range;
        } else if (__builtin_mul_overflow(secs, 1000000000, &v) ||
                   __builtin_add_overflow(v, nanos, &v)) {
            goto range;
        }
        break;
    default: return type_err(c, nd, at);
    }
    return oom_rc(c, silt_column_append_int(col, v));
range:
    return value_err(c, SILT_ERANGE, at, "%s", "date out of the column's range");
}

/* A string value in text with coerce_strings: decoded again as a number or bool. */
static int put_coerced(ctx *c, const node *nd, silt_column *col, const char *s, size_t n,
                       const char *at)
{
    if (nd->f->type == SILT_TYPE_BOOL) {
        if (n == 4 && memcmp(s, "true", 4) == 0) return oom_rc(c, silt_column_append_bool(col, 1));
        if (n == 5 && memcmp(s, "false", 5) == 0) return oom_rc(c, silt_column_append_bool(col, 0));
        return type_err(c, nd, at);
    }
    ctx sub = {.p = s, .end = s + n, .base = s, .d = c->d, .err = c->err};
    const char *t;
    size_t tn;
    int kind;
    if (!n || !(*s == '-' || (*s >= '0' && *s <= '9') || *s == 'N' || *s == 'I') ||
        scan_number(&sub, &t, &tn, &kind) || sub.p != sub.end) {
        silt_error_clear(c->err);
        return type_err(c, nd, at);
    }
    /* the token lives in the text (s is not in scratch here unless escaped; copy if so) */
    char small[128];
    if ((const uint8_t *)s == c->d->scratch.ptr) {
        if (n >= sizeof small) return type_err(c, nd, at);
        memcpy(small, s, n);
        t = small;
    }
    int rc = put_number(c, nd, col, t, tn, kind, at);
    if (rc) silt_error_offset(c->err, at - c->base);
    return rc;
}

static int put_string(ctx *c, const node *nd, silt_column *col, const char *at)
{
    const char *raw, *s;
    size_t rn, n;
    bool esc;
    int rc = scan_string(c, &raw, &rn, &esc);
    if (rc) return rc;
    switch (nd->f->type) {
    case SILT_TYPE_STRING:
        if ((rc = string_value(c, raw, rn, esc, &s, &n))) return rc;
        return oom_rc(c, silt_column_append_bytes(col, s, n));
    case SILT_TYPE_BINARY:
    case SILT_TYPE_FIXED_BINARY:
        if ((rc = string_value(c, raw, rn, esc, &s, &n))) return rc;
        if ((rc = base64(c, s, n, at))) return rc;
        if (nd->f->type == SILT_TYPE_FIXED_BINARY && c->d->scratch.len != (size_t)nd->f->byte_width)
            return value_err(c, SILT_EINVAL, at, "%s", "base64 value of the wrong length");
        return oom_rc(c, silt_column_append_bytes(
                             col, c->d->scratch.ptr ? (const char *)c->d->scratch.ptr : "",
                             c->d->scratch.len));
    case SILT_TYPE_DATE32:
    case SILT_TYPE_TIMESTAMP:
    case SILT_TYPE_TIMESTAMP_NS:
        if ((rc = string_value(c, raw, rn, esc, &s, &n))) return rc;
        return put_datetime(c, nd, col, s, n, at);
    case SILT_TYPE_BOOL:
    case SILT_TYPE_INT8:
    case SILT_TYPE_INT16:
    case SILT_TYPE_INT32:
    case SILT_TYPE_INT64:
    case SILT_TYPE_FLOAT:
    case SILT_TYPE_DOUBLE:
    case SILT_TYPE_DECIMAL:
        if (!c->d->opts.coerce_strings) return type_err(c, nd, at);
        if ((rc = string_value(c, raw, rn, esc, &s, &n))) return rc;
        return put_coerced(c, nd, col, s, n, at);
    default: return type_err(c, nd, at);
    }
}

/* ---- objects and arrays ---- */

static int decode_value(ctx *c, node *nd, silt_column *col);

/* c->p at '{': the members of an object into the children of nd (columns cols). */
static int decode_fields(ctx *c, node *nd, silt_column *cols)
{
    uint64_t gen = ++c->d->gen;
    const char *open = c->p;
    bool empty;
    int rc = enter(c, '}', &empty);
    if (rc) return rc;
    for (int more = !empty; more; more = rc) {
        ws(c);
        if (c->p >= c->end || *c->p != '"') return json_err(c, "expected a key in quotes");
        const char *key_at = c->p, *raw, *key = NULL;
        size_t rn, kn = 0, nc = nd->n_children, idx = nc;
        bool esc;
        /* the key expected next, compared in place (names without characters to escape) */
        node *hc = nc ? &nd->children[nd->hint] : NULL;
        if (hc && hc->plain_name && (size_t)(c->end - c->p) > hc->name_len + 1 &&
            c->p[hc->name_len + 1] == '"' && memcmp(c->p + 1, hc->f->name, hc->name_len) == 0) {
            idx = nd->hint;
            c->p += hc->name_len + 2;
        } else {
            if ((rc = scan_string(c, &raw, &rn, &esc))) return rc;
            if (esc) {
                if ((rc = string_value(c, raw, rn, esc, &key, &kn))) return rc;
            } else {
                key = raw;
                kn = rn;
            }
            for (size_t i = 0, j = nd->hint; i < nc; i++, j = j + 1 == nc ? 0 : j + 1) {
                node *ch = &nd->children[j];
                if (ch->name_len == kn && memcmp(ch->f->name, key, kn) == 0) {
                    idx = j;
                    break;
                }
            }
        }
        ws(c);
        if (c->p >= c->end || *c->p != ':') return json_err(c, "expected ':' after a key");
        c->p++;
        if (idx == nc) {
            if (c->d->opts.unknown_fields_error) {
                silt_error_set(c->err, SILT_EINVAL, "key \"%.*s\" is not in the schema",
                               (int)(kn > 60 ? 60 : kn), key);
                return silt_error_offset(c->err, key_at - c->base);
            }
            if ((rc = skip_value(c))) return rc;
        } else {
            node *ch = &nd->children[idx];
            if (ch->mark == gen) {
                silt_error_set(c->err, SILT_EINVAL, "key \"%s\" given twice", ch->f->name);
                return silt_error_offset(c->err, key_at - c->base);
            }
            ch->mark = gen;
            nd->hint = idx + 1 == nc ? 0 : idx + 1;
            if ((rc = decode_value(c, ch, &cols[idx]))) {
                path_push(c->err, ch->f->name, 0);
                return rc;
            }
        }
        if ((rc = next_item(c, '}')) < 0) return rc;
    }
    for (size_t i = 0; i < nd->n_children; i++) {
        node *ch = &nd->children[i];
        if (ch->mark == gen) continue;
        if (!ch->f->nullable) {
            silt_error_set(c->err, SILT_EINVAL, "missing (the field is not nullable)");
            silt_error_offset(c->err, open - c->base);
            path_push(c->err, ch->f->name, 0);
            return SILT_EINVAL;
        }
        if (silt_column_append_null(&cols[i]))
            return silt_error_set(c->err, SILT_ENOMEM, "out of memory");
    }
    return 0;
}

static int decode_map(ctx *c, node *nd, silt_column *col)
{
    silt_column *kv = &col->children[0];
    node *vn = &nd->children[0].children[1];
    bool empty;
    int rc = enter(c, '}', &empty);
    if (rc) return rc;
    for (int more = !empty; more; more = rc) {
        ws(c);
        if (c->p >= c->end || *c->p != '"') return json_err(c, "expected a key in quotes");
        const char *raw, *key;
        size_t rn, kn;
        bool esc;
        if ((rc = scan_string(c, &raw, &rn, &esc)) ||
            (rc = string_value(c, raw, rn, esc, &key, &kn)))
            return rc;
        if ((rc = oom_rc(c, silt_column_append_bytes(&kv->children[0], key, kn)))) return rc;
        ws(c);
        if (c->p >= c->end || *c->p != ':') return json_err(c, "expected ':' after a key");
        c->p++;
        if ((rc = decode_value(c, vn, &kv->children[1]))) {
            char name[SILT_ERROR_COLUMN_MAX];
            snprintf(name, sizeof name, "%.*s", (int)(rn > 60 ? 60 : rn), raw);
            path_push(c->err, name, 0);
            return rc;
        }
        if ((rc = oom_rc(c, silt_column_append_valid(kv)))) return rc;
        if ((rc = next_item(c, '}')) < 0) return rc;
    }
    return oom_rc(c, silt_column_append_valid(col));
}

static int decode_list(ctx *c, node *nd, silt_column *col)
{
    node *en = &nd->children[0];
    bool empty;
    int rc = enter(c, ']', &empty);
    if (rc) return rc;
    for (int64_t i = 0, more = !empty; more; i++, more = rc) {
        if ((rc = decode_value(c, en, &col->children[0]))) {
            path_push(c->err, NULL, i);
            return rc;
        }
        if ((rc = next_item(c, ']')) < 0) return rc;
    }
    return oom_rc(c, silt_column_append_valid(col));
}

/* A non-string value into a string column: its text as written. */
static int put_raw(ctx *c, const node *nd, silt_column *col, const char *at)
{
    (void)nd;
    int rc = skip_value(c);
    if (rc) return rc;
    return oom_rc(c, silt_column_append_bytes(col, at, (size_t)(c->p - at)));
}

static int decode_value(ctx *c, node *nd, silt_column *col)
{
    ws(c);
    if (c->p >= c->end) return json_err(c, "unexpected end of text");
    const char *at = c->p;
    silt_type_id t = nd->f->type;
    switch (*at) {
    case '"': return put_string(c, nd, col, at);
    case '{':
        if (t == SILT_TYPE_STRUCT) {
            int rc = decode_fields(c, nd, col->children);
            return rc ? rc : oom_rc(c, silt_column_append_valid(col));
        }
        if (t == SILT_TYPE_MAP) return decode_map(c, nd, col);
        if (t == SILT_TYPE_STRING) return put_raw(c, nd, col, at);
        return type_err(c, nd, at);
    case '[':
        if (t == SILT_TYPE_LIST) return decode_list(c, nd, col);
        if (t == SILT_TYPE_STRING) return put_raw(c, nd, col, at);
        return type_err(c, nd, at);
    case 'n':
        if (!lit(c, "null", 4)) return json_err(c, "unknown literal");
        return null_value(c, nd, col, at);
    case 't':
    case 'f': {
        bool v = *at == 't';
        if (!(v ? lit(c, "true", 4) : lit(c, "false", 5))) return json_err(c, "unknown literal");
        if (t == SILT_TYPE_BOOL) return oom_rc(c, silt_column_append_bool(col, v));
        if (t == SILT_TYPE_STRING) return oom_rc(c, silt_column_append_bytes(col, at, v ? 4 : 5));
        c->p = at;
        return type_err(c, nd, at);
    }
    default:
        if (*at == '-' || (*at >= '0' && *at <= '9') || *at == 'N' || *at == 'I') {
            const char *tok;
            size_t n;
            int kind;
            int rc = scan_number(c, &tok, &n, &kind);
            return rc ? rc : put_number(c, nd, col, tok, n, kind, at);
        }
        return json_err(c, "unexpected character");
    }
}

/* ---- the decoder ---- */

static void node_clear(node *nd)
{
    for (size_t i = 0; i < nd->n_children; i++) node_clear(&nd->children[i]);
    silt_free(nd->children);
    nd->children = NULL;
    nd->n_children = 0;
}

static int node_build(node *nd, const silt_field *f, const silt_field *kids, size_t n_kids,
                      const char *date_pattern, const char *ts_pattern, silt_error *err)
{
    nd->f = f;
    nd->name_len = f ? strlen(f->name) : 0;
    nd->plain_name = f != NULL;
    for (size_t i = 0; i < nd->name_len; i++) {
        uint8_t ch = (uint8_t)f->name[i];
        if (ch < 0x20 || ch >= 0x80 || ch == '"' || ch == '\\') nd->plain_name = false;
    }
    if (f && f->type == SILT_TYPE_MAP) {
        const silt_field *kv = f->n_children == 1 ? &f->children[0] : NULL;
        if (!kv || kv->n_children != 2 ||
            (kv->children[0].type != SILT_TYPE_STRING && kv->children[0].type != SILT_TYPE_BINARY))
            return silt_error_set(err, SILT_EUNSUPPORTED,
                                  "field '%s': JSON objects decode only into maps with string keys",
                                  f->name);
    }
    if (f && (f->type == SILT_TYPE_DATE32 || f->type == SILT_TYPE_TIMESTAMP ||
              f->type == SILT_TYPE_TIMESTAMP_NS)) {
        int rc = silt_datefmt_compile(&nd->fmt,
                                      f->type == SILT_TYPE_DATE32 ? date_pattern : ts_pattern, err);
        if (rc) return rc;
    }
    if (!n_kids) return 0;
    nd->children = silt_calloc(n_kids, sizeof *nd->children);
    if (!nd->children) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    nd->n_children = n_kids;
    for (size_t i = 0; i < n_kids; i++) {
        const silt_field *k = &kids[i];
        int rc = node_build(&nd->children[i], k, k->children, k->n_children, date_pattern,
                            ts_pattern, err);
        if (rc) return rc;
    }
    return 0;
}

int silt_json_decoder_create(silt_json_decoder **out, const silt_schema *schema,
                             const silt_json_decode_opts *opts, silt_error *err)
{
    *out = NULL;
    silt_json_decoder *d = silt_calloc(1, sizeof *d);
    if (!d) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    d->schema = schema;
    if (opts) d->opts = *opts;
    if (d->opts.max_depth <= 0) d->opts.max_depth = 64;
    silt_buf_init(&d->scratch);
    int rc = node_build(&d->root, NULL, schema->fields, schema->n_fields, d->opts.date_pattern,
                        d->opts.timestamp_pattern, err);
    for (size_t i = 0; !rc && i < d->opts.n_formats; i++) {
        const silt_json_field_format *ff = &d->opts.formats[i];
        long idx = silt_schema_find(schema, ff->field);
        if (idx < 0) {
            rc = silt_error_set(err, SILT_EINVAL, "format for '%s': no such field", ff->field);
            break;
        }
        node *nd = &d->root.children[idx];
        silt_type_id t = nd->f->type;
        if (t != SILT_TYPE_DATE32 && t != SILT_TYPE_TIMESTAMP && t != SILT_TYPE_TIMESTAMP_NS) {
            rc = silt_error_set(err, SILT_EINVAL,
                                "format for '%s': the field is %s, not a date or timestamp",
                                ff->field, silt_type_name(t));
            break;
        }
        rc = silt_datefmt_compile(&nd->fmt, ff->pattern, err);
    }
    if (rc) {
        silt_json_decoder_destroy(d);
        return rc;
    }
    *out = d;
    return 0;
}

void silt_json_decoder_destroy(silt_json_decoder *d)
{
    if (!d) return;
    node_clear(&d->root);
    silt_buf_free(&d->scratch);
    silt_free(d);
}

int silt_json_decode_row(silt_json_decoder *d, silt_batch *b, const char *text, size_t len,
                         silt_error *err)
{
    silt_error local;
    if (!err) err = &local;
    silt_error_clear(err);
    ctx c = {.p = text, .end = text + len, .base = text, .d = d, .err = err};
    int64_t rows = b->n_rows;
    ws(&c);
    int rc;
    if (c.p >= c.end)
        rc = json_err(&c, "empty row");
    else if (*c.p != '{')
        rc = json_err(&c, "a row must be a JSON object ('{')");
    else
        rc = decode_fields(&c, &d->root, b->cols);
    if (!rc) {
        ws(&c);
        if (c.p != c.end) rc = json_err(&c, "text after the end of the object");
    }
    if (rc) {
        for (size_t i = 0; i < b->n_cols; i++) silt_column_truncate(&b->cols[i], rows);
        if (err->column[0]) {
            char msg[SILT_ERROR_MSG_MAX + SILT_ERROR_COLUMN_MAX + 16];
            snprintf(msg, sizeof msg, "field '%s': %s", err->column, err->msg);
            copy_trunc(err->msg, sizeof err->msg, msg);
        }
        return rc;
    }
    b->n_rows = rows + 1;
    return 0;
}
