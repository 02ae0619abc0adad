/* The JSON decoder's scanner: white space, strings (escapes and UTF-8 checked in one pass),
 * numbers, and stepping over nesting and values the schema does not want. */
#include <string.h>

#include "json/decode_int.h"
#include "util/utf8.h"

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
static int check_escape(silt_json_ctx *c, const char **pp)
{
    const char *q = *pp;
    uint32_t cp, lo;
    if (c->end - q < 2 || !strchr("\"\\/bfnrtu", q[1]) || !q[1]) {
        c->p = q;
        return silt_json_syntax_err(c, c->end - q < 2 ? "unterminated string"
                                                      : "unknown escape in a string");
    }
    if (q[1] != 'u') {
        *pp = q + 2;
        return 0;
    }
    if (c->end - q < 6 || hex4(q + 2, &cp)) {
        c->p = q;
        return silt_json_syntax_err(c, "bad \\u escape");
    }
    if (cp >= 0xd800 && cp <= 0xdbff) {
        if (c->end - q < 12 || q[6] != '\\' || q[7] != 'u' || hex4(q + 8, &lo) || lo < 0xdc00 ||
            lo > 0xdfff) {
            c->p = q;
            return silt_json_syntax_err(c, "unpaired UTF-16 surrogate in a \\u escape");
        }
        *pp = q + 12;
        return 0;
    }
    if (cp >= 0xdc00 && cp <= 0xdfff) {
        c->p = q;
        return silt_json_syntax_err(c, "unpaired UTF-16 surrogate in a \\u escape");
    }
    *pp = q + 6;
    return 0;
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
int silt_json_scan_string(silt_json_ctx *c, const char **s, size_t *n, bool *esc)
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
            return silt_json_syntax_err(c, "unterminated string");
        }
        uint8_t ch = (uint8_t)*p;
        if (ch == '"') break;
        if (ch == '\\') {
            e = true;
            if ((rc = check_escape(c, &p))) return rc;
        } else if (ch < 0x20) {
            c->p = p;
            return silt_json_syntax_err(c, "control character in a string (escape it)");
        } else if (ch >= 0x80) {
            uint32_t cp;
            size_t k = silt_utf8_decode((const uint8_t *)p, (size_t)(c->end - p), &cp);
            if (!k) {
                c->p = p;
                return silt_json_syntax_err(c, "a string is not valid UTF-8");
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
    silt_buf_append(b, o, silt_utf8_encode(o, cp));
}

/* Decodes the string content s[0..n) (from silt_json_scan_string, which has checked its escapes and
 * UTF-8) into UTF-8: *out and *out_n point either into the text (no escapes) or into the
 * decoder's scratch buffer. */
int silt_json_string_value(silt_json_ctx *c, const char *s, size_t n, bool esc, const char **out,
                           size_t *out_n)
{
    if (!esc) { /* already checked to be UTF-8 by silt_json_scan_string */
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

/* c->p at '-', a digit, 'N' or 'I': scans a number (JSON grammar, plus NaN and +-Infinity). */
int silt_json_scan_number(silt_json_ctx *c, const char **tok, size_t *n, int *kind)
{
    const char *s = c->p, *p = c->p;
    if (silt_json_lit(c, "NaN", 3)) {
        *kind = NUM_NAN;
        goto done;
    }
    if (silt_json_lit(c, "Infinity", 8)) {
        *kind = NUM_POS_INF;
        goto done;
    }
    if (silt_json_lit(c, "-Infinity", 9)) {
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
        return silt_json_syntax_err(c, "bad number");
    }
    if (p < c->end && *p == '.') {
        p++;
        *kind = NUM_FLOAT;
        if (p >= c->end || *p < '0' || *p > '9') {
            c->p = p;
            return silt_json_syntax_err(c, "expected digits after the decimal point");
        }
        while (p < c->end && *p >= '0' && *p <= '9') p++;
    }
    if (p < c->end && (*p == 'e' || *p == 'E')) {
        p++;
        *kind = NUM_FLOAT;
        if (p < c->end && (*p == '+' || *p == '-')) p++;
        if (p >= c->end || *p < '0' || *p > '9') {
            c->p = p;
            return silt_json_syntax_err(c, "expected digits in the exponent");
        }
        while (p < c->end && *p >= '0' && *p <= '9') p++;
    }
    c->p = p;
done:
    *tok = s;
    *n = (size_t)(c->p - s);
    return 0;
}

/* c->p at an opening bracket: checks the nesting limit and steps in; *empty = the closing
 * bracket follows at once (consumed). */
int silt_json_enter(silt_json_ctx *c, char close, bool *empty)
{
    if (++c->depth > c->d->opts.max_depth) return silt_json_syntax_err(c, "nested too deeply");
    c->p++;
    silt_json_ws(c);
    *empty = c->p < c->end && *c->p == close;
    if (*empty) {
        c->p++;
        c->depth--;
    }
    return 0;
}

/* After a member or an element: 1 when a comma follows (another one comes), 0 at the closing
 * bracket (consumed, the nesting level left), or the error. */
int silt_json_next_item(silt_json_ctx *c, char close)
{
    silt_json_ws(c);
    if (c->p < c->end && *c->p == ',') {
        c->p++;
        return 1;
    }
    if (c->p < c->end && *c->p == close) {
        c->p++;
        c->depth--;
        return 0;
    }
    return silt_json_syntax_err(c, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
}

static int skip_container(silt_json_ctx *c, char close)
{
    bool empty;
    int rc = silt_json_enter(c, close, &empty);
    if (rc || empty) return rc;
    do {
        silt_json_ws(c);
        if (close == '}') {
            const char *s;
            size_t n;
            bool esc;
            if (c->p >= c->end || *c->p != '"')
                return silt_json_syntax_err(c, "expected a key in quotes");
            if ((rc = silt_json_scan_string(c, &s, &n, &esc))) return rc;
            silt_json_ws(c);
            if (c->p >= c->end || *c->p != ':')
                return silt_json_syntax_err(c, "expected ':' after a key");
            c->p++;
        }
        if ((rc = silt_json_skip_value(c))) return rc;
    } while ((rc = silt_json_next_item(c, close)) > 0);
    return rc;
}

int silt_json_skip_value(silt_json_ctx *c)
{
    silt_json_ws(c);
    if (c->p >= c->end) return silt_json_syntax_err(c, "unexpected end of text");
    switch (*c->p) {
    case '{': return skip_container(c, '}');
    case '[': return skip_container(c, ']');
    case '"': {
        const char *s;
        size_t n;
        bool esc;
        return silt_json_scan_string(c, &s, &n, &esc);
    }
    case 't': return silt_json_lit(c, "true", 4) ? 0 : silt_json_syntax_err(c, "unknown literal");
    case 'f': return silt_json_lit(c, "false", 5) ? 0 : silt_json_syntax_err(c, "unknown literal");
    case 'n': return silt_json_lit(c, "null", 4) ? 0 : silt_json_syntax_err(c, "unknown literal");
    default: {
        const char *t;
        size_t n;
        int kind;
        if (*c->p == '-' || (*c->p >= '0' && *c->p <= '9') || *c->p == 'N' || *c->p == 'I')
            return silt_json_scan_number(c, &t, &n, &kind);
        return silt_json_syntax_err(c, "unexpected character");
    }
    }
}
