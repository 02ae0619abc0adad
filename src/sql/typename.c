/* SQL type names both ways, as Spark writes them: formatting a silt_field for messages and
 * DESCRIBE, and parsing type names and DDL schemas ('a INT, b STRUCT<x: DOUBLE>'). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sql/fn.h"
#include "util/alloc.h"

/* ---- formatting ---- */

typedef struct tfmt {
    char *p;
    size_t cap, len;
} tfmt;

static void put(tfmt *f, const char *s)
{
    size_t n = strlen(s);
    if (f->len + 1 < f->cap) {
        size_t room = f->cap - 1 - f->len;
        memcpy(f->p + f->len, s, n < room ? n : room);
    }
    f->len += n;
    f->p[f->len < f->cap ? f->len : f->cap - 1] = '\0';
}

static const char *leaf_name(const silt_field *t)
{
    switch (t->type) {
    case SILT_TYPE_BOOL: return "boolean";
    case SILT_TYPE_INT8: return "tinyint";
    case SILT_TYPE_INT16: return "smallint";
    case SILT_TYPE_INT32: return "int";
    case SILT_TYPE_INT64: return "bigint";
    case SILT_TYPE_FLOAT: return "float";
    case SILT_TYPE_DOUBLE: return "double";
    case SILT_TYPE_STRING: return "string";
    case SILT_TYPE_BINARY:
    case SILT_TYPE_FIXED_BINARY: return "binary";
    case SILT_TYPE_DATE32: return "date";
    case SILT_TYPE_TIMESTAMP:
    case SILT_TYPE_TIMESTAMP_NS: return t->tz_utc ? "timestamp" : "timestamp_ntz";
    default: return NULL;
    }
}

static void format_type(tfmt *f, const silt_field *t)
{
    char num[64];
    const char *leaf = leaf_name(t);
    if (leaf) {
        put(f, leaf);
        return;
    }
    switch (t->type) {
    case SILT_TYPE_DECIMAL:
        snprintf(num, sizeof num, "decimal(%d,%d)", (int)t->precision, (int)t->scale);
        put(f, num);
        return;
    case SILT_TYPE_STRUCT:
        put(f, "struct<");
        for (size_t i = 0; i < t->n_children; i++) {
            if (i) put(f, ",");
            put(f, t->children[i].name ? t->children[i].name : "");
            put(f, ":");
            format_type(f, &t->children[i]);
        }
        put(f, ">");
        return;
    case SILT_TYPE_LIST:
        put(f, "array<");
        if (t->n_children == 1) format_type(f, &t->children[0]);
        put(f, ">");
        return;
    case SILT_TYPE_MAP: {
        const silt_field *kv = t->n_children == 1 ? &t->children[0] : NULL;
        put(f, "map<");
        if (kv && kv->n_children == 2) {
            format_type(f, &kv->children[0]);
            put(f, ",");
            format_type(f, &kv->children[1]);
        }
        put(f, ">");
        return;
    }
    default: put(f, "unknown"); return;
    }
}

char *silt_sql_type_format(char *out, size_t cap, const silt_field *t)
{
    if (!cap) return out;
    tfmt f = {out, cap, 0};
    out[0] = '\0';
    format_type(&f, t);
    return out;
}

/* ---- parsing ---- */

typedef struct tparse {
    const char *s;
    size_t pos;
    silt_error *err;
} tparse;

static void skip_ws(tparse *p)
{
    while (isspace((unsigned char)p->s[p->pos])) p->pos++;
}

static int fail_at(tparse *p, const char *what)
{
    silt_error_set(p->err, SILT_EINVAL, "%s at position %zu of '%s'", what, p->pos + 1, p->s);
    return silt_error_position(p->err, 1, (int64_t)p->pos + 1);
}

/* Reads an identifier (letters, digits, '_') or a `quoted` one into buf. */
static int read_ident(tparse *p, char *buf, size_t cap)
{
    size_t n = 0;
    skip_ws(p);
    if (p->s[p->pos] == '`') {
        p->pos++;
        while (p->s[p->pos] && !(p->s[p->pos] == '`' && p->s[p->pos + 1] != '`')) {
            if (p->s[p->pos] == '`') p->pos++; /* `` is an escaped backquote */
            if (n + 1 >= cap) return fail_at(p, "name too long");
            buf[n++] = p->s[p->pos++];
        }
        if (p->s[p->pos] != '`') return fail_at(p, "unterminated `name`");
        p->pos++;
    } else {
        while (isalnum((unsigned char)p->s[p->pos]) || p->s[p->pos] == '_') {
            if (n + 1 >= cap) return fail_at(p, "name too long");
            buf[n++] = p->s[p->pos++];
        }
    }
    buf[n] = '\0';
    return n ? 0 : fail_at(p, "expected a name");
}

static bool accept(tparse *p, char c)
{
    skip_ws(p);
    if (p->s[p->pos] != c) return false;
    p->pos++;
    return true;
}

static int expect(tparse *p, char c)
{
    if (accept(p, c)) return 0;
    char msg[32];
    snprintf(msg, sizeof msg, "expected '%c'", c);
    return fail_at(p, msg);
}

static int read_int(tparse *p, int32_t *out)
{
    skip_ws(p);
    long v = 0;
    size_t start = p->pos;
    while (isdigit((unsigned char)p->s[p->pos]) && v < 100000) v = v * 10 + (p->s[p->pos++] - '0');
    if (p->pos == start) return fail_at(p, "expected a number");
    *out = (int32_t)v;
    return 0;
}

static int parse_type(tparse *p, silt_field *out, int depth);

static const struct {
    const char *name;
    silt_type_id id;
    bool tz_utc;
} leaf_types[] = {
    {"boolean", SILT_TYPE_BOOL, false},
    {"bool", SILT_TYPE_BOOL, false},
    {"tinyint", SILT_TYPE_INT8, false},
    {"byte", SILT_TYPE_INT8, false},
    {"smallint", SILT_TYPE_INT16, false},
    {"short", SILT_TYPE_INT16, false},
    {"int", SILT_TYPE_INT32, false},
    {"integer", SILT_TYPE_INT32, false},
    {"bigint", SILT_TYPE_INT64, false},
    {"long", SILT_TYPE_INT64, false},
    {"float", SILT_TYPE_FLOAT, false},
    {"real", SILT_TYPE_FLOAT, false},
    {"double", SILT_TYPE_DOUBLE, false},
    {"string", SILT_TYPE_STRING, false},
    {"varchar", SILT_TYPE_STRING, false},
    {"char", SILT_TYPE_STRING, false},
    {"binary", SILT_TYPE_BINARY, false},
    {"date", SILT_TYPE_DATE32, false},
    {"timestamp", SILT_TYPE_TIMESTAMP, true},
    {"timestamp_ltz", SILT_TYPE_TIMESTAMP, true},
    {"timestamp_ntz", SILT_TYPE_TIMESTAMP, false},
};

static int parse_decimal(tparse *p, silt_field *out)
{
    int32_t prec = 10, scale = 0; /* Spark's default DECIMAL is decimal(10,0) */
    if (accept(p, '(')) {
        if (read_int(p, &prec) || (accept(p, ',') && read_int(p, &scale)) || expect(p, ')'))
            return p->err->code;
    }
    if (prec < 1 || prec > 38 || scale < 0 || scale > prec)
        return fail_at(p, "decimal precision must be 1..38 and scale 0..precision");
    if (silt_field_init(out, "", SILT_TYPE_DECIMAL, true))
        return silt_error_set(p->err, SILT_ENOMEM, "out of memory parsing a type");
    out->precision = prec;
    out->scale = scale;
    return 0;
}

/* Children of struct<a:int, b:string>, after the '<'. */
static int parse_struct_fields(tparse *p, silt_field *out, int depth)
{
    if (silt_field_init_nested(out, "", SILT_TYPE_STRUCT, true, 0))
        return silt_error_set(p->err, SILT_ENOMEM, "out of memory parsing a type");
    if (accept(p, '>')) return 0;
    size_t cap = 0;
    do {
        char name[256];
        if (out->n_children == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            silt_field *grown = silt_realloc(out->children, ncap * sizeof *grown);
            if (!grown) goto oom;
            out->children = grown;
            cap = ncap;
        }
        silt_field *f = &out->children[out->n_children];
        memset(f, 0, sizeof *f);
        if (read_ident(p, name, sizeof name)) goto fail;
        accept(p, ':');
        if (parse_type(p, f, depth + 1)) goto fail;
        out->n_children++;
        silt_free(f->name);
        if (!(f->name = silt_strdup(name))) goto oom;
    } while (accept(p, ','));
    if (expect(p, '>')) goto fail;
    return 0;
oom:
    silt_error_set(p->err, SILT_ENOMEM, "out of memory parsing a type");
fail:
    silt_field_clear(out);
    return p->err->code;
}

static int parse_array(tparse *p, silt_field *out, int depth)
{
    silt_field el = {0};
    int rc = parse_type(p, &el, depth + 1);
    if (!rc) rc = expect(p, '>');
    if (!rc && silt_field_init_nested(out, "", SILT_TYPE_LIST, true, 1))
        rc = silt_error_set(p->err, SILT_ENOMEM, "out of memory parsing a type");
    if (rc) {
        silt_field_clear(&el);
        return rc;
    }
    silt_free(el.name);
    el.name = silt_strdup("element");
    out->children[0] = el;
    if (el.name) return 0;
    silt_field_clear(out);
    return silt_error_set(p->err, SILT_ENOMEM, "out of memory parsing a type");
}

static int parse_map(tparse *p, silt_field *out, int depth)
{
    silt_field k = {0}, v = {0};
    int rc = parse_type(p, &k, depth + 1);
    if (!rc) rc = expect(p, ',');
    if (!rc) rc = parse_type(p, &v, depth + 1);
    if (!rc) rc = expect(p, '>');
    if (!rc && (silt_field_init_nested(out, "", SILT_TYPE_MAP, false, 1) ||
                silt_field_init_nested(&out->children[0], "key_value", SILT_TYPE_STRUCT, false, 0)))
        rc = silt_error_set(p->err, SILT_ENOMEM, "out of memory parsing a type");
    if (rc) {
        silt_field_clear(&k);
        silt_field_clear(&v);
        silt_field_clear(out);
        return rc;
    }
    out->nullable = true;
    silt_field *kv = &out->children[0];
    kv->children = silt_calloc(2, sizeof *kv->children);
    silt_free(k.name);
    silt_free(v.name);
    k.name = silt_strdup("key");
    v.name = silt_strdup("value");
    k.nullable = false;
    if (!kv->children || !k.name || !v.name) {
        silt_field_clear(&k);
        silt_field_clear(&v);
        silt_field_clear(out);
        return silt_error_set(p->err, SILT_ENOMEM, "out of memory parsing a type");
    }
    kv->n_children = 2;
    kv->children[0] = k;
    kv->children[1] = v;
    return 0;
}

static int parse_type(tparse *p, silt_field *out, int depth)
{
    char word[64];
    memset(out, 0, sizeof *out);
    if (depth > 64) return fail_at(p, "type nested too deeply");
    if (read_ident(p, word, sizeof word)) return p->err->code;
    if (!strcasecmp(word, "decimal") || !strcasecmp(word, "dec") || !strcasecmp(word, "numeric"))
        return parse_decimal(p, out);
    if (!strcasecmp(word, "struct"))
        return expect(p, '<') ? p->err->code : parse_struct_fields(p, out, depth);
    if (!strcasecmp(word, "array"))
        return expect(p, '<') ? p->err->code : parse_array(p, out, depth);
    if (!strcasecmp(word, "map")) return expect(p, '<') ? p->err->code : parse_map(p, out, depth);
    for (size_t i = 0; i < sizeof leaf_types / sizeof leaf_types[0]; i++) {
        if (strcasecmp(word, leaf_types[i].name)) continue;
        if (leaf_types[i].id == SILT_TYPE_STRING && accept(p, '(')) {
            int32_t len;
            if (read_int(p, &len) || expect(p, ')')) return p->err->code;
        }
        if (silt_field_init(out, "", leaf_types[i].id, true))
            return silt_error_set(p->err, SILT_ENOMEM, "out of memory parsing a type");
        out->tz_utc = leaf_types[i].tz_utc;
        return 0;
    }
    p->pos -= strlen(word);
    silt_error_set(p->err, SILT_EINVAL, "unknown type '%s' at position %zu of '%s'", word,
                   p->pos + 1, p->s);
    return silt_error_position(p->err, 1, (int64_t)p->pos + 1);
}

int silt_sql_type_parse(silt_field *out, const char *text, silt_error *err)
{
    tparse p = {text, 0, err};
    int rc = parse_type(&p, out, 0);
    if (rc) return rc;
    skip_ws(&p);
    if (text[p.pos]) {
        silt_field_clear(out);
        return fail_at(&p, "unexpected text after the type");
    }
    return 0;
}

/* One column of a DDL schema: name, type, optional NOT NULL and COMMENT 'text'. */
static int parse_ddl_column(tparse *p, silt_field *out)
{
    char name[256];
    if (read_ident(p, name, sizeof name)) return p->err->code;
    accept(p, ':');
    if (parse_type(p, out, 0)) return p->err->code;
    silt_free(out->name);
    out->name = silt_strdup(name);
    if (!out->name) return silt_error_set(p->err, SILT_ENOMEM, "out of memory parsing a schema");
    skip_ws(p);
    if (!strncasecmp(p->s + p->pos, "not", 3) && !isalnum((unsigned char)p->s[p->pos + 3])) {
        p->pos += 3;
        skip_ws(p);
        if (strncasecmp(p->s + p->pos, "null", 4)) return fail_at(p, "expected NULL after NOT");
        p->pos += 4;
        out->nullable = false;
    }
    skip_ws(p);
    if (!strncasecmp(p->s + p->pos, "comment", 7) && !isalnum((unsigned char)p->s[p->pos + 7])) {
        p->pos += 7;
        skip_ws(p);
        char q = p->s[p->pos];
        if (q != '\'' && q != '"') return fail_at(p, "expected a quoted comment");
        p->pos++;
        while (p->s[p->pos] && p->s[p->pos] != q)
            p->pos += (p->s[p->pos] == '\\' && p->s[p->pos + 1]) ? 2 : 1;
        if (!p->s[p->pos]) return fail_at(p, "unterminated comment");
        p->pos++;
    }
    return 0;
}

int silt_sql_ddl_parse(silt_schema **out, const char *text, silt_error *err)
{
    tparse p = {text, 0, err};
    size_t n = 0, cap = 8;
    silt_field *fields = silt_calloc(cap, sizeof *fields);
    if (!fields) return silt_error_set(err, SILT_ENOMEM, "out of memory parsing a schema");
    int rc = 0;
    do {
        if (n == cap) {
            silt_field *grown = silt_realloc(fields, cap * 2 * sizeof *fields);
            if (!grown) {
                rc = silt_error_set(err, SILT_ENOMEM, "out of memory parsing a schema");
                goto fail;
            }
            fields = grown;
            memset(fields + cap, 0, cap * sizeof *fields);
            cap *= 2;
        }
        if ((rc = parse_ddl_column(&p, &fields[n++]))) goto fail;
    } while (accept(&p, ','));
    skip_ws(&p);
    if (text[p.pos]) {
        rc = fail_at(&p, "expected ',' or the end of the schema");
        goto fail;
    }
    silt_schema *s = silt_calloc(1, sizeof *s);
    if (!s) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory parsing a schema");
        goto fail;
    }
    s->n_fields = n;
    s->fields = fields;
    *out = s;
    return 0;
fail:
    for (size_t i = 0; i < n; i++) silt_field_clear(&fields[i]);
    silt_free(fields);
    return rc;
}
