/* Spark StructType JSON <-> silt_schema, partition value conversion and Spark's statistics
 * conventions (truncated strings, numRecords). */
#include "delta/schema.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/canon.h"
#include "util/alloc.h"
#include "util/datefmt.h"
#include "util/time.h"

/* ---- StructType JSON -> silt_schema ---- */

static int parse_type(silt_field *out, const char *name, json_t *type, bool nullable,
                      silt_error *err, int depth);

static int unsupported(silt_error *err, const char *name, const char *what)
{
    silt_error_set(err, SILT_EUNSUPPORTED,
                   "schema: column '%s' has type %s, which silt does not support", name, what);
    return silt_error_column(err, name);
}

static int corrupt(silt_error *err, const char *name, const char *what)
{
    silt_error_set(err, SILT_ECORRUPT, "schema: column '%s': %s", name, what);
    return silt_error_column(err, name);
}

static int parse_struct_fields(silt_field *out, const char *name, json_t *type, bool nullable,
                               silt_error *err, int depth)
{
    json_t *fields = json_object_get(type, "fields");
    if (!json_is_array(fields)) return corrupt(err, name, "struct without a 'fields' array");
    size_t n = json_array_size(fields);
    if (silt_field_init_nested(out, name, SILT_TYPE_STRUCT, nullable, n))
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        json_t *f = json_array_get(fields, i);
        json_t *fn = json_object_get(f, "name");
        json_t *ft = json_object_get(f, "type");
        json_t *fnull = json_object_get(f, "nullable");
        if (!json_is_string(fn) || !ft)
            return corrupt(err, name, "a struct field lacks 'name' or 'type'");
        int rc = parse_type(&out->children[i], json_string_value(fn), ft,
                            !fnull || json_is_true(fnull), err, depth + 1);
        if (rc) return rc;
    }
    return 0;
}

static int parse_type(silt_field *out, const char *name, json_t *type, bool nullable,
                      silt_error *err, int depth)
{
    if (depth > 64) return corrupt(err, name, "types nested deeper than 64 levels");
    if (json_is_string(type)) {
        static const struct {
            const char *name;
            silt_type_id id;
        } prims[] = {
            {"boolean", SILT_TYPE_BOOL},        {"byte", SILT_TYPE_INT8},
            {"short", SILT_TYPE_INT16},         {"integer", SILT_TYPE_INT32},
            {"long", SILT_TYPE_INT64},          {"float", SILT_TYPE_FLOAT},
            {"double", SILT_TYPE_DOUBLE},       {"string", SILT_TYPE_STRING},
            {"binary", SILT_TYPE_BINARY},       {"date", SILT_TYPE_DATE32},
            {"timestamp", SILT_TYPE_TIMESTAMP}, {"timestamp_ntz", SILT_TYPE_TIMESTAMP},
        };
        const char *t = json_string_value(type);
        for (size_t i = 0; i < sizeof prims / sizeof prims[0]; i++) {
            if (strcmp(t, prims[i].name) == 0) {
                if (silt_field_init(out, name, prims[i].id, nullable))
                    return silt_error_set(err, SILT_ENOMEM, "out of memory");
                out->tz_utc = strcmp(t, "timestamp") == 0;
                return 0;
            }
        }
        int p = 10, s = 0;
        if (strcmp(t, "decimal") == 0 || sscanf(t, "decimal(%d,%d)", &p, &s) == 2 ||
            sscanf(t, "decimal(%d, %d)", &p, &s) == 2) {
            if (p < 1 || p > 38 || s < 0 || s > p)
                return corrupt(err, name, "decimal precision must be 1..38 and scale 0..precision");
            if (silt_field_init(out, name, SILT_TYPE_DECIMAL, nullable))
                return silt_error_set(err, SILT_ENOMEM, "out of memory");
            out->precision = p;
            out->scale = s;
            return 0;
        }
        return unsupported(err, name, t);
    }
    if (!json_is_object(type)) return corrupt(err, name, "type is neither a string nor an object");
    const char *kind = json_string_value(json_object_get(type, "type"));
    if (!kind) return corrupt(err, name, "nested type without a 'type' name");
    if (strcmp(kind, "struct") == 0)
        return parse_struct_fields(out, name, type, nullable, err, depth);
    if (strcmp(kind, "array") == 0) {
        json_t *et = json_object_get(type, "elementType");
        json_t *cn = json_object_get(type, "containsNull");
        if (!et) return corrupt(err, name, "array without 'elementType'");
        if (silt_field_init_nested(out, name, SILT_TYPE_LIST, nullable, 1))
            return silt_error_set(err, SILT_ENOMEM, "out of memory");
        return parse_type(&out->children[0], "element", et, !cn || json_is_true(cn), err,
                          depth + 1);
    }
    if (strcmp(kind, "map") == 0) {
        json_t *kt = json_object_get(type, "keyType");
        json_t *vt = json_object_get(type, "valueType");
        json_t *vn = json_object_get(type, "valueContainsNull");
        if (!kt || !vt) return corrupt(err, name, "map without 'keyType' or 'valueType'");
        if (silt_field_init_nested(out, name, SILT_TYPE_MAP, nullable, 1) ||
            silt_field_init_nested(&out->children[0], "key_value", SILT_TYPE_STRUCT, false, 2))
            return silt_error_set(err, SILT_ENOMEM, "out of memory");
        int rc = parse_type(&out->children[0].children[0], "key", kt, false, err, depth + 2);
        if (rc) return rc;
        return parse_type(&out->children[0].children[1], "value", vt, !vn || json_is_true(vn), err,
                          depth + 2);
    }
    return unsupported(err, name, kind);
}

int silt_delta_schema_parse(silt_schema **out, const char *json, silt_error *err)
{
    *out = NULL;
    json_error_t jerr;
    json_t *root = json_loads(json ? json : "", 0, &jerr);
    if (!root)
        return silt_error_set(err, SILT_ECORRUPT, "schema: invalid JSON at line %d column %d: %s",
                              jerr.line, jerr.column, jerr.text);
    silt_field top = {0};
    int rc;
    const char *kind = json_string_value(json_object_get(root, "type"));
    if (!kind || strcmp(kind, "struct") != 0) {
        rc = silt_error_set(err, SILT_ECORRUPT, "schema: the top level must be a struct type");
        goto fail;
    }
    if ((rc = parse_struct_fields(&top, "", root, false, err, 0))) goto fail;
    silt_schema *s = silt_schema_create(0);
    if (!s) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto fail;
    }
    s->n_fields = top.n_children;
    s->fields = top.children;
    top.children = NULL;
    top.n_children = 0;
    *out = s;
fail:
    silt_field_clear(&top);
    json_decref(root);
    return rc;
}

/* ---- silt_schema -> StructType JSON ---- */

static json_t *type_json(const silt_field *f, silt_error *err);

static json_t *field_json(const silt_field *f, silt_error *err)
{
    json_t *t = type_json(f, err);
    if (!t) return NULL;
    json_t *o = json_object();
    if (!o || json_object_set_new(o, "name", json_string(f->name)) ||
        json_object_set_new(o, "type", t) ||
        json_object_set_new(o, "nullable", json_boolean(f->nullable)) ||
        json_object_set_new(o, "metadata", json_object())) {
        json_decref(o);
        silt_error_set(err, SILT_ENOMEM, "out of memory");
        return NULL;
    }
    return o;
}

static json_t *struct_json(const silt_field *children, size_t n, silt_error *err)
{
    json_t *fields = json_array();
    json_t *o = json_object();
    if (!fields || !o) goto oom;
    for (size_t i = 0; i < n; i++) {
        json_t *fj = field_json(&children[i], err);
        if (!fj) goto fail;
        if (json_array_append_new(fields, fj)) goto oom;
    }
    if (json_object_set_new(o, "type", json_string("struct")) ||
        json_object_set_new(o, "fields", fields))
        goto oom;
    return o;
oom:
    silt_error_set(err, SILT_ENOMEM, "out of memory");
fail:
    json_decref(fields);
    json_decref(o);
    return NULL;
}

static json_t *type_json(const silt_field *f, silt_error *err)
{
    const char *p = NULL;
    switch (f->type) {
    case SILT_TYPE_BOOL: p = "boolean"; break;
    case SILT_TYPE_INT8: p = "byte"; break;
    case SILT_TYPE_INT16: p = "short"; break;
    case SILT_TYPE_INT32: p = "integer"; break;
    case SILT_TYPE_INT64: p = "long"; break;
    case SILT_TYPE_FLOAT: p = "float"; break;
    case SILT_TYPE_DOUBLE: p = "double"; break;
    case SILT_TYPE_STRING: p = "string"; break;
    case SILT_TYPE_BINARY:
    case SILT_TYPE_FIXED_BINARY: p = "binary"; break;
    case SILT_TYPE_DATE32: p = "date"; break;
    case SILT_TYPE_TIMESTAMP: p = f->tz_utc ? "timestamp" : "timestamp_ntz"; break;
    case SILT_TYPE_DECIMAL: {
        char buf[40];
        snprintf(buf, sizeof buf, "decimal(%d,%d)", (int)f->precision, (int)f->scale);
        json_t *s = json_string(buf);
        if (!s) silt_error_set(err, SILT_ENOMEM, "out of memory");
        return s;
    }
    case SILT_TYPE_STRUCT: return struct_json(f->children, f->n_children, err);
    case SILT_TYPE_LIST: {
        json_t *et = f->n_children == 1 ? type_json(&f->children[0], err) : NULL;
        if (!et) {
            if (f->n_children != 1) unsupported(err, f->name, "list without one element field");
            return NULL;
        }
        json_t *o = json_pack("{s:s,s:o,s:b}", "type", "array", "elementType", et, "containsNull",
                              f->children[0].nullable);
        if (!o) silt_error_set(err, SILT_ENOMEM, "out of memory");
        return o;
    }
    case SILT_TYPE_MAP: {
        const silt_field *kv = f->n_children == 1 ? &f->children[0] : NULL;
        if (!kv || kv->n_children != 2) {
            unsupported(err, f->name, "map without key and value fields");
            return NULL;
        }
        json_t *kt = type_json(&kv->children[0], err);
        json_t *vt = kt ? type_json(&kv->children[1], err) : NULL;
        if (!vt) {
            json_decref(kt);
            return NULL;
        }
        json_t *o = json_pack("{s:s,s:o,s:o,s:b}", "type", "map", "keyType", kt, "valueType", vt,
                              "valueContainsNull", kv->children[1].nullable);
        if (!o) silt_error_set(err, SILT_ENOMEM, "out of memory");
        return o;
    }
    default: unsupported(err, f->name, silt_type_name(f->type)); return NULL;
    }
    json_t *s = json_string(p);
    if (!s) silt_error_set(err, SILT_ENOMEM, "out of memory");
    return s;
}

int silt_delta_schema_write(silt_buf *out, const silt_schema *schema, silt_error *err)
{
    json_t *o = struct_json(schema->fields, schema->n_fields, err);
    if (!o) return err ? err->code : SILT_ENOMEM;
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!s) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    silt_buf_puts(out, s);
    free(s);
    return silt_buf_oom(out) ? silt_error_set(err, SILT_ENOMEM, "out of memory") : 0;
}

/* ---- partition values ---- */

static int bad_value(silt_error *err, const silt_field *f, const char *v)
{
    silt_error_set(err, SILT_ECORRUPT, "partition column '%s': '%s' is not a valid %s value",
                   f->name, v, silt_type_name(f->type));
    return silt_error_column(err, f->name);
}

/* The patterns of partition values, compiled once (a scan parses a file's value per row). */
static silt_datefmt date_fmt, iso_fmt;
static int fmt_rc;
static pthread_once_t fmt_once = PTHREAD_ONCE_INIT;

static void compile_fmts(void)
{
    fmt_rc = silt_datefmt_compile(&date_fmt, "y-M-d", NULL) ||
             silt_datefmt_compile(&iso_fmt, NULL, NULL);
}

/* A partition value "YYYY-MM-DD" (the whole text) -> days since 1970-01-01; 0 on success. */
static int parse_date(const char *s, int64_t *days)
{
    int64_t secs;
    int32_t nanos;
    pthread_once(&fmt_once, compile_fmts);
    if (fmt_rc || silt_datefmt_parse(&secs, &nanos, NULL, &date_fmt, s, strlen(s), NULL)) return -1;
    *days = secs / 86400;
    return 0;
}

/* A partition value "YYYY-MM-DD[ T]HH:MM[:SS[.f]][offset]" (ISO 8601) -> microseconds since
 * the epoch (UTC); 0 on success. */
static int parse_timestamp(const char *s, int64_t *us)
{
    int64_t secs;
    int32_t nanos;
    pthread_once(&fmt_once, compile_fmts);
    if (fmt_rc || silt_datefmt_parse(&secs, &nanos, NULL, &iso_fmt, s, strlen(s), NULL)) return -1;
    *us = secs * 1000000 + nanos / 1000;
    return 0;
}

static int parse_decimal(const char *s, int32_t scale, uint8_t le16[16])
{
    __int128 v = 0;
    bool neg = false;
    int frac = -1;
    const char *p = s;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    if (!*p) return -1;
    for (; *p; p++) {
        if (*p == '.') {
            if (frac >= 0) return -1;
            frac = 0;
            continue;
        }
        if (*p < '0' || *p > '9') return -1;
        if (frac >= 0 && frac == scale) {
            if (*p != '0') return -1; /* more precision than the column's scale */
            continue;
        }
        if (v > ((__int128)1 << 124)) return -1;
        v = v * 10 + (*p - '0');
        if (frac >= 0) frac++;
    }
    for (int f = frac < 0 ? 0 : frac; f < scale; f++) v *= 10;
    if (neg) v = -v;
    unsigned __int128 u = (unsigned __int128)v;
    for (int i = 0; i < 16; i++) le16[i] = (uint8_t)(u >> (8 * i));
    return 0;
}

int silt_delta_value_parse(silt_delta_value *out, const silt_field *f, const char *text,
                           silt_error *err)
{
    memset(out, 0, sizeof *out);
    char *end = NULL;
    errno = 0;
    switch (f->type) {
    case SILT_TYPE_STRING:
    case SILT_TYPE_BINARY:
        out->kind = SILT_DELTA_VAL_BYTES;
        out->s = text;
        out->n = strlen(text);
        return 0;
    case SILT_TYPE_BOOL:
        if (strcmp(text, "true") != 0 && strcmp(text, "false") != 0) break;
        out->kind = SILT_DELTA_VAL_INT;
        out->i = text[0] == 't';
        return 0;
    case SILT_TYPE_INT8:
    case SILT_TYPE_INT16:
    case SILT_TYPE_INT32:
    case SILT_TYPE_INT64:
        out->kind = SILT_DELTA_VAL_INT;
        out->i = strtoll(text, &end, 10);
        if (!*text || *end || errno) break;
        return 0;
    case SILT_TYPE_FLOAT:
    case SILT_TYPE_DOUBLE:
        out->kind = SILT_DELTA_VAL_DOUBLE;
        out->d = strtod(text, &end);
        if (!*text || *end) break;
        return 0;
    case SILT_TYPE_DATE32:
        out->kind = SILT_DELTA_VAL_INT;
        if (parse_date(text, &out->i)) break;
        return 0;
    case SILT_TYPE_TIMESTAMP:
        out->kind = SILT_DELTA_VAL_INT;
        if (parse_timestamp(text, &out->i)) break;
        return 0;
    case SILT_TYPE_DECIMAL: {
        uint8_t le[16];
        out->kind = SILT_DELTA_VAL_DECIMAL;
        if (parse_decimal(text, f->scale, le)) break;
        unsigned __int128 u = 0;
        for (int i = 15; i >= 0; i--) u = (u << 8) | le[i];
        out->dec = (__int128)u;
        return 0;
    }
    default:
        silt_error_set(err, SILT_EUNSUPPORTED, "column '%s' of type %s has no comparable values",
                       f->name, silt_type_name(f->type));
        return silt_error_column(err, f->name);
    }
    silt_error_set(err, SILT_ECORRUPT, "column '%s': '%s' is not a valid %s value", f->name, text,
                   silt_type_name(f->type));
    return silt_error_column(err, f->name);
}

int silt_delta_value_cmp(const silt_delta_value *a, const silt_delta_value *b)
{
    switch (a->kind) {
    case SILT_DELTA_VAL_INT: return (a->i > b->i) - (a->i < b->i);
    case SILT_DELTA_VAL_DOUBLE: return (a->d > b->d) - (a->d < b->d);
    case SILT_DELTA_VAL_DECIMAL: return (a->dec > b->dec) - (a->dec < b->dec);
    case SILT_DELTA_VAL_BYTES: {
        size_t n = a->n < b->n ? a->n : b->n;
        int c = memcmp(a->s, b->s, n);
        if (c) return c < 0 ? -1 : 1;
        return (a->n > b->n) - (a->n < b->n);
    }
    }
    return 0;
}

int silt_delta_partition_append(silt_column *c, const silt_field *f, const char *value,
                                silt_error *err)
{
    int rc = 0;
    if (!value) {
        rc = silt_column_append_null(c);
        goto done;
    }
    char *end = NULL;
    errno = 0;
    switch (f->type) {
    case SILT_TYPE_STRING:
    case SILT_TYPE_BINARY: rc = silt_column_append_bytes(c, value, strlen(value)); break;
    case SILT_TYPE_BOOL:
        if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0)
            return bad_value(err, f, value);
        rc = silt_column_append_bool(c, value[0] == 't');
        break;
    case SILT_TYPE_INT8:
    case SILT_TYPE_INT16:
    case SILT_TYPE_INT32:
    case SILT_TYPE_INT64: {
        long long v = strtoll(value, &end, 10);
        int w = silt_type_width(f->type) * 8;
        if (!*value || *end || errno ||
            (w < 64 && (v < -(1LL << (w - 1)) || v >= (1LL << (w - 1)))))
            return bad_value(err, f, value);
        rc = silt_column_append_int(c, v);
        break;
    }
    case SILT_TYPE_FLOAT:
    case SILT_TYPE_DOUBLE: {
        double v = strtod(value, &end);
        if (!*value || *end) return bad_value(err, f, value);
        rc = f->type == SILT_TYPE_FLOAT ? silt_column_append_float(c, (float)v)
                                        : silt_column_append_double(c, v);
        break;
    }
    case SILT_TYPE_DATE32: {
        int64_t d;
        if (parse_date(value, &d)) return bad_value(err, f, value);
        rc = silt_column_append_int(c, d);
        break;
    }
    case SILT_TYPE_TIMESTAMP: {
        int64_t us;
        if (parse_timestamp(value, &us)) return bad_value(err, f, value);
        rc = silt_column_append_int(c, us);
        break;
    }
    case SILT_TYPE_DECIMAL: {
        uint8_t le[16];
        if (parse_decimal(value, f->scale, le)) return bad_value(err, f, value);
        rc = silt_column_append_decimal(c, le);
        break;
    }
    default:
        silt_error_set(err, SILT_EUNSUPPORTED,
                       "partition column '%s' has type %s, which cannot "
                       "be a partition column",
                       f->name, silt_type_name(f->type));
        return silt_error_column(err, f->name);
    }
done:
    return rc ? silt_error_set(err, SILT_ENOMEM, "out of memory") : 0;
}

int silt_delta_partition_format(silt_buf *out, bool *is_null, const silt_field *f,
                                const silt_column *c, int64_t i, silt_error *err)
{
    *is_null = !silt_column_is_valid(c, i);
    if (*is_null) return 0;
    size_t len;
    const uint8_t *p;
    switch (f->type) {
    case SILT_TYPE_STRING:
    case SILT_TYPE_BINARY:
        p = silt_column_bytes(c, i, &len);
        silt_buf_append(out, p, len);
        break;
    case SILT_TYPE_BOOL: silt_buf_puts(out, silt_column_get_int(c, i) ? "true" : "false"); break;
    case SILT_TYPE_INT8:
    case SILT_TYPE_INT16:
    case SILT_TYPE_INT32:
    case SILT_TYPE_INT64: silt_buf_printf(out, "%lld", (long long)silt_column_get_int(c, i)); break;
    case SILT_TYPE_FLOAT:
    case SILT_TYPE_DOUBLE: {
        double v = f->type == SILT_TYPE_FLOAT ? ((const float *)c->values)[i]
                                              : ((const double *)c->values)[i];
        size_t at = out->len;
        silt_canon_double(out, v);
        if (!silt_buf_oom(out) && isfinite(v) && !memchr(out->ptr + at, '.', out->len - at) &&
            !memchr(out->ptr + at, 'e', out->len - at))
            silt_buf_puts(out, ".0");
        break;
    }
    case SILT_TYPE_DATE32: silt_canon_date(out, silt_column_get_int(c, i)); break;
    case SILT_TYPE_TIMESTAMP: {
        int64_t us = silt_column_get_int(c, i);
        size_t at = out->len;
        silt_canon_timestamp(out, us, 6);
        /* Spark omits a zero fraction: "2021-09-08 11:11:11" */
        if (!silt_buf_oom(out) && us % 1000000 == 0 && out->len >= at + 7) out->len -= 7;
        break;
    }
    case SILT_TYPE_DECIMAL: silt_canon_decimal(out, c->values + (size_t)i * 16, f->scale); break;
    default:
        silt_error_set(err, SILT_EUNSUPPORTED,
                       "partition column '%s' has type %s, which cannot be a partition column",
                       f->name, silt_type_name(f->type));
        return silt_error_column(err, f->name);
    }
    return silt_buf_oom(out) ? silt_error_set(err, SILT_ENOMEM, "out of memory") : 0;
}

static int escape_component(silt_buf *out, const char *s)
{
    static const char special[] = "\"#%'*/:=?\\\x7f{[]^";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || strchr(special, *p))
            silt_buf_printf(out, "%%%02X", *p);
        else
            silt_buf_putc(out, *p);
    }
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;
}

int silt_delta_partition_dir(silt_buf *out, const char *name, const char *value)
{
    escape_component(out, name);
    silt_buf_putc(out, '=');
    if (!value || !*value)
        silt_buf_puts(out, "__HIVE_DEFAULT_PARTITION__");
    else
        escape_component(out, value);
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;
}

/* ---- statistics ---- */

/* Length in bytes of the UTF-8 sequence starting with byte b (1 for invalid lead bytes). */
static size_t utf8_len(unsigned char b)
{
    if (b < 0x80) return 1;
    if ((b & 0xE0) == 0xC0) return 2;
    if ((b & 0xF0) == 0xE0) return 3;
    if ((b & 0xF8) == 0xF0) return 4;
    return 1;
}

static uint32_t utf8_cp(const unsigned char *p, size_t n)
{
    switch (n) {
    case 2: return ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
    case 3: return ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
    case 4:
        return ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) |
               (p[3] & 0x3Fu);
    default: return p[0];
    }
}

/* Byte offset after the first k characters of s (or n). */
static size_t prefix_bytes(const char *s, size_t n, size_t k)
{
    size_t off = 0;
    for (size_t i = 0; i < k && off < n; i++) off += utf8_len((unsigned char)s[off]);
    return off > n ? n : off;
}

int silt_delta_stats_truncate_min(silt_buf *out, const char *s, size_t n)
{
    return silt_buf_append(out, s, prefix_bytes(s, n, SILT_DELTA_STATS_PREFIX));
}

int silt_delta_stats_truncate_max(silt_buf *out, bool *out_none, const char *s, size_t n)
{
    *out_none = false;
    size_t off = prefix_bytes(s, n, SILT_DELTA_STATS_PREFIX);
    if (off >= n) return silt_buf_append(out, s, n);
    /* keep characters until one sorts below U+FFFD: the prefix up to it plus U+FFFD is then
     * greater than every string with that prefix */
    while (off < n) {
        size_t l = utf8_len((unsigned char)s[off]);
        if (off + l > n) l = n - off;
        if (utf8_cp((const unsigned char *)s + off, l) < 0xFFFD) {
            silt_buf_append(out, s, off);
            return silt_buf_append(out, "\xEF\xBF\xBD", 3);
        }
        off += l;
    }
    *out_none = true;
    return 0;
}

bool silt_delta_stats_max_truncated(const char *s, size_t n)
{
    return n >= 3 && memcmp(s + n - 3, "\xEF\xBF\xBD", 3) == 0;
}

int silt_delta_stats_num_records(int64_t *out, const char *stats, silt_error *err)
{
    *out = -1;
    if (!stats) return SILT_ENOTFOUND;
    /* {"numRecords":N,... as silt and Spark write them: read without parsing the rest */
    static const char lead[] = "{\"numRecords\":";
    if (!strncmp(stats, lead, sizeof lead - 1)) {
        const char *p = stats + sizeof lead - 1;
        int64_t v = 0;
        int digits = 0;
        for (; *p >= '0' && *p <= '9' && digits < 18; p++, digits++) v = v * 10 + (*p - '0');
        if (digits && (*p == ',' || *p == '}')) {
            *out = v;
            return 0;
        }
    }
    json_error_t jerr;
    json_t *o = json_loads(stats, 0, &jerr);
    if (!o) return silt_error_set(err, SILT_ECORRUPT, "stats: invalid JSON: %s", jerr.text);
    json_t *n = json_object_get(o, "numRecords");
    int rc = SILT_ENOTFOUND;
    if (json_is_integer(n)) {
        *out = (int64_t)json_integer_value(n);
        rc = 0;
    }
    json_decref(o);
    return rc;
}

static char *dump_member(json_t *o, const char *group, const char *column, bool *oom)
{
    json_t *v = json_object_get(json_object_get(o, group), column);
    if (!v) return NULL;
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
    char *copy = s ? silt_strdup(s) : NULL;
    free(s);
    if (!copy) *oom = true;
    return copy;
}

int silt_delta_stats_column(silt_delta_col_stats *out, const char *stats, const char *column,
                            silt_error *err)
{
    memset(out, 0, sizeof *out);
    out->null_count = -1;
    if (!stats) return 0;
    json_error_t jerr;
    json_t *o = json_loads(stats, 0, &jerr);
    if (!o) return silt_error_set(err, SILT_ECORRUPT, "stats: invalid JSON: %s", jerr.text);
    bool oom = false;
    out->min_json = dump_member(o, "minValues", column, &oom);
    out->max_json = dump_member(o, "maxValues", column, &oom);
    json_t *mx = json_object_get(json_object_get(o, "maxValues"), column);
    if (json_is_string(mx))
        out->max_truncated =
            silt_delta_stats_max_truncated(json_string_value(mx), json_string_length(mx));
    json_t *nc = json_object_get(json_object_get(o, "nullCount"), column);
    if (json_is_integer(nc)) out->null_count = (int64_t)json_integer_value(nc);
    json_decref(o);
    if (oom) {
        silt_delta_col_stats_clear(out);
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    return 0;
}

void silt_delta_col_stats_clear(silt_delta_col_stats *s)
{
    silt_free(s->min_json);
    silt_free(s->max_json);
    memset(s, 0, sizeof *s);
    s->null_count = -1;
}
