/* get_json_object(json, path): walks the JSON text once, without building a tree, to the value
 * at a path of .name, ['name'] and [index] steps, and returns it as text: a string unquoted
 * and unescaped, anything else as compact JSON. Missing values and malformed text give NULL.
 * The path is parsed in bind when it is a constant. */
#include "sql/fn_str.h"
#include "util/alloc.h"

#define MAX_STEPS 32
#define MAX_DEPTH 128

typedef struct path {
    int n;
    bool ok;
    struct {
        int64_t index;    /* >= 0: array index; -1: object key */
        const char *name; /* key bytes (into text) */
        size_t len;
    } steps[MAX_STEPS];
    char text[512]; /* the path's own copy */
} path;

/* Parses $.a.b[0]['c d'] into p; false when it is not a path silt reads. */
static bool path_parse(path *p, const uint8_t *s, size_t n)
{
    memset(p, 0, sizeof *p);
    if (n == 0 || n >= sizeof p->text || s[0] != '$') return false;
    memcpy(p->text, s, n);
    const char *t = p->text;
    size_t i = 1;
    while (i < n) {
        if (p->n >= MAX_STEPS) return false;
        if (t[i] == '.') {
            size_t j = ++i;
            while (j < n && t[j] != '.' && t[j] != '[') j++;
            if (j == i || (j - i == 1 && t[i] == '*')) return false;
            p->steps[p->n++] = (typeof(p->steps[0])){-1, t + i, j - i};
            i = j;
        } else if (t[i] == '[' && i + 1 < n && t[i + 1] == '\'') {
            size_t j = i + 2;
            while (j < n && t[j] != '\'') j++;
            if (j + 1 >= n || t[j + 1] != ']') return false;
            p->steps[p->n++] = (typeof(p->steps[0])){-1, t + i + 2, j - i - 2};
            i = j + 2;
        } else if (t[i] == '[') {
            int64_t v = 0;
            size_t j = i + 1;
            while (j < n && t[j] >= '0' && t[j] <= '9' && v < 100000000)
                v = v * 10 + (t[j++] - '0');
            if (j == i + 1 || j >= n || t[j] != ']') return false;
            p->steps[p->n++] = (typeof(p->steps[0])){v, NULL, 0};
            i = j + 1;
        } else {
            return false;
        }
    }
    p->ok = true;
    return true;
}

typedef struct cur {
    const uint8_t *p, *end;
} cur;

static void ws(cur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

/* Skips a string starting at its quote; false if unterminated. */
static bool skip_string(cur *c)
{
    for (c->p++; c->p < c->end; c->p++) {
        if (*c->p == '\\') {
            c->p++;
        } else if (*c->p == '"') {
            c->p++;
            return true;
        }
    }
    return false;
}

/* Skips one value; false when the text is not JSON there. */
static bool skip_value(cur *c, int depth)
{
    ws(c);
    if (c->p >= c->end || depth > MAX_DEPTH) return false;
    uint8_t ch = *c->p;
    if (ch == '"') return skip_string(c);
    if (ch == '{' || ch == '[') {
        uint8_t close = ch == '{' ? '}' : ']';
        c->p++;
        ws(c);
        if (c->p < c->end && *c->p == close) return c->p++, true;
        for (;;) {
            if (ch == '{') {
                ws(c);
                if (c->p >= c->end || *c->p != '"' || !skip_string(c)) return false;
                ws(c);
                if (c->p >= c->end || *c->p++ != ':') return false;
            }
            if (!skip_value(c, depth + 1)) return false;
            ws(c);
            if (c->p >= c->end) return false;
            if (*c->p == ',') {
                c->p++;
                continue;
            }
            return *c->p++ == close;
        }
    }
    const uint8_t *s = c->p;
    while (c->p < c->end &&
           ((*c->p >= '0' && *c->p <= '9') || *c->p == '-' || *c->p == '+' || *c->p == '.' ||
            (*c->p >= 'a' && *c->p <= 'z') || (*c->p >= 'A' && *c->p <= 'Z')))
        c->p++;
    return c->p > s;
}

/* Whether the JSON string at c (a quote) equals name; moves past the string. */
static bool key_is(cur *c, const char *name, size_t len)
{
    const uint8_t *s = c->p + 1;
    if (!skip_string(c)) return false;
    size_t n = (size_t)(c->p - 1 - s);
    return n == len && memcmp(s, name, len) == 0;
}

/* Moves c to the value of key (in an object) or index (in an array); false if absent. */
static bool step(cur *c, int64_t index, const char *name, size_t len)
{
    ws(c);
    if (c->p >= c->end || *c->p != (index < 0 ? '{' : '[')) return false;
    c->p++;
    ws(c);
    if (c->p < c->end && *c->p == (index < 0 ? '}' : ']')) return false;
    for (int64_t k = 0;; k++) {
        bool hit = index == k;
        if (index < 0) {
            ws(c);
            if (c->p >= c->end || *c->p != '"') return false;
            hit = key_is(c, name, len);
            ws(c);
            if (c->p >= c->end || *c->p++ != ':') return false;
        }
        if (hit) return true;
        if (!skip_value(c, 0)) return false;
        ws(c);
        if (c->p >= c->end || *c->p != ',') return false;
        c->p++;
    }
}

static int hexval(uint8_t h)
{
    if (h >= '0' && h <= '9') return h - '0';
    if (h >= 'a' && h <= 'f') return h - 'a' + 10;
    if (h >= 'A' && h <= 'F') return h - 'A' + 10;
    return -1;
}

static int32_t hex4(const uint8_t *p)
{
    int32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(p[i]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

/* Appends the unescaped contents of the string s..e (between the quotes). */
static bool unescape(silt_buf *o, const uint8_t *s, const uint8_t *e)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    while (s < e) {
        if (*s != '\\') {
            silt_buf_putc(o, *s++);
            continue;
        }
        if (++s >= e) return false;
        const char *k = strchr(from, *s);
        if (*s != 'u') {
            if (!k || !*s) return false;
            silt_buf_putc(o, (uint8_t)to[k - from]);
            s++;
            continue;
        }
        if (e - s < 5) return false;
        int32_t cp = hex4(s + 1);
        s += 5;
        if (cp >= 0xD800 && cp < 0xDC00 && e - s >= 6 && s[0] == '\\' && s[1] == 'u') {
            int32_t lo = hex4(s + 2);
            if (lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                s += 6;
            }
        }
        if (cp < 0) return false;
        fn_utf8_put(o, cp);
    }
    return true;
}

/* Appends s..e without the white space outside strings. */
static void compact(silt_buf *o, const uint8_t *s, const uint8_t *e)
{
    bool in_str = false;
    for (; s < e; s++) {
        if (in_str) {
            silt_buf_putc(o, *s);
            if (*s == '\\' && s + 1 < e)
                silt_buf_putc(o, *++s);
            else if (*s == '"')
                in_str = false;
        } else if (*s == '"') {
            in_str = true;
            silt_buf_putc(o, *s);
        } else if (*s != ' ' && *s != '\n' && *s != '\t' && *s != '\r') {
            silt_buf_putc(o, *s);
        }
    }
}

/* The value at p in json into o. Returns 0, or 1 for NULL. */
static int extract(silt_buf *o, const path *p, const uint8_t *json, size_t n)
{
    cur c = {json, json + n};
    for (int i = 0; i < p->n; i++)
        if (!step(&c, p->steps[i].index, p->steps[i].name, p->steps[i].len)) return 1;
    ws(&c);
    const uint8_t *start = c.p;
    if (!skip_value(&c, 0)) return 1;
    if (*start == '"') return unescape(o, start + 1, c.p - 1) ? 0 : 1;
    if (c.p - start == 4 && memcmp(start, "null", 4) == 0) return 1;
    compact(o, start, c.p);
    return 0;
}

int fn_json_path_bind(silt_sql_fn_bind *b, silt_error *err);
int fn_json_path_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                      silt_error *err);

static int fn_json_path_bind_impl(silt_sql_fn_bind *b, silt_error *err)
{
    for (size_t i = 0; i < 2; i++)
        if (b->arg_types[i]->type != SILT_TYPE_STRING) fn_want(b, i, SILT_TYPE_STRING);
    path *p = silt_calloc(1, sizeof *p);
    if (!p) return FN_OOM(err);
    b->state = p;
    const silt_column *k = b->const_args[1];
    if (k && b->arg_types[1]->type == SILT_TYPE_STRING && silt_column_is_valid(k, 0)) {
        size_t len;
        const uint8_t *s = silt_column_bytes(k, 0, &len);
        if (!path_parse(p, s, len))
            return silt_error_set(err, SILT_EINVAL,
                                  "get_json_object: '%.*s' is not a JSON path silt reads (use "
                                  "$, .name, ['name'] and [index]; wildcards are not supported)",
                                  (int)(len > 100 ? 100 : len), (const char *)s);
    }
    return fn_ret(b, SILT_TYPE_STRING, err);
}

int fn_json_path_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fn_bind_done(b, fn_json_path_bind_impl(b, err), silt_free);
}

int fn_json_path_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                      silt_error *err)
{
    const path *cp = state;
    path *row = NULL;
    silt_buf o = SILT_BUF_INIT;
    int rc = 0;
    for (int64_t r = 0; r < n && rc == 0; r++) {
        const path *p = cp;
        if (!cp->ok && fn_all_valid(a, r)) {
            if (!row && !(row = silt_malloc(sizeof *row))) {
                rc = SILT_ENOMEM;
                break;
            }
            size_t len;
            const uint8_t *s = fn_str(a, 1, r, &len);
            p = path_parse(row, s, len) ? row : NULL;
        }
        silt_buf_reset(&o);
        int k = 1;
        if (p && fn_all_valid(a, r)) {
            size_t len;
            const uint8_t *json = fn_str(a, 0, r, &len);
            k = extract(&o, p, json, len);
        }
        if (silt_buf_oom(&o))
            rc = SILT_ENOMEM;
        else if (k)
            rc = silt_column_append_null(out);
        else
            rc = silt_column_append_bytes(out, o.ptr ? o.ptr : (const uint8_t *)"", o.len);
    }
    silt_free(row);
    silt_buf_free(&o);
    return rc ? FN_OOM(err) : 0;
}
