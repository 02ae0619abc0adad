/* Fuzz target: the schema-directed JSON decoder on arbitrary bytes, one row per line, into a
 * schema with every kind of column. Every row either lands (and then jansson, an independent
 * parser, must accept the text as JSON, unless it uses NaN or Infinity or a number past
 * jansson's ranges) or is refused with a decoding code and leaves the batch valid and as long
 * as before. */
#define _GNU_SOURCE /* memmem */
#include "batch/batch.h"
#include "json/decode.h"
#include "util/error.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void leaf(silt_field *f, const char *name, silt_type_id t)
{
    if (silt_field_init(f, name, t, true)) abort();
}

static silt_schema *make_schema(void)
{
    silt_schema *s = silt_schema_create(10);
    if (!s) abort();
    leaf(&s->fields[0], "i", SILT_TYPE_INT64);
    leaf(&s->fields[1], "s", SILT_TYPE_STRING);
    leaf(&s->fields[2], "d", SILT_TYPE_DECIMAL);
    s->fields[2].precision = 12;
    s->fields[2].scale = 3;
    leaf(&s->fields[3], "x", SILT_TYPE_DOUBLE);
    leaf(&s->fields[4], "t", SILT_TYPE_TIMESTAMP);
    s->fields[4].tz_utc = true;
    leaf(&s->fields[5], "day", SILT_TYPE_DATE32);
    leaf(&s->fields[6], "b", SILT_TYPE_BINARY);
    silt_field *l = &s->fields[7];
    if (silt_field_init_nested(l, "l", SILT_TYPE_LIST, true, 1)) abort();
    silt_field *st = &l->children[0];
    if (silt_field_init_nested(st, "element", SILT_TYPE_STRUCT, true, 2)) abort();
    leaf(&st->children[0], "k", SILT_TYPE_INT8);
    if (silt_field_init(&st->children[1], "v", SILT_TYPE_BOOL, false)) abort();
    silt_field *m = &s->fields[8];
    if (silt_field_init_nested(m, "m", SILT_TYPE_MAP, true, 1)) abort();
    silt_field *kv = &m->children[0];
    if (silt_field_init_nested(kv, "key_value", SILT_TYPE_STRUCT, false, 2)) abort();
    if (silt_field_init(&kv->children[0], "key", SILT_TYPE_STRING, false)) abort();
    leaf(&kv->children[1], "value", SILT_TYPE_FLOAT);
    if (silt_field_init(&s->fields[9], "req", SILT_TYPE_INT32, false)) abort();
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16) return 0;
    silt_schema *s = make_schema();
    silt_json_decode_opts o = {.coerce_strings = size % 2,
                               .keep_nan = size % 3 == 0,
                               .unknown_fields_error = size % 5 == 0,
                               .max_depth = 16};
    silt_json_decoder *d = NULL;
    silt_error err;
    if (silt_json_decoder_create(&d, s, &o, &err)) abort();
    silt_batch *b = silt_batch_create(s);
    if (!b) abort();
    const char *p = (const char *)data, *end = p + size;
    while (p <= end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        int64_t before = b->n_rows;
        int rc = silt_json_decode_row(d, b, p, (size_t)(e - p), &err);
        if (rc == 0) {
            if (b->n_rows != before + 1) abort();
            bool ext =
                memmem(p, (size_t)(e - p), "NaN", 3) || memmem(p, (size_t)(e - p), "Infinity", 8);
            if (!ext) {
                json_error_t je;
                json_t *v = json_loadb(p, (size_t)(e - p), JSON_ALLOW_NUL, &je);
                /* jansson refuses numbers past its int64 and double ranges, valid JSON */
                if (!v && !strstr(je.text, "overflow") && !strstr(je.text, "too big")) abort();
                json_decref(v);
            }
        } else {
            if (rc != SILT_ECORRUPT && rc != SILT_EINVAL && rc != SILT_ERANGE) abort();
            if (b->n_rows != before || !err.msg[0] || err.offset < 0 || err.offset > e - p) abort();
        }
        silt_error verr;
        if (silt_batch_validate(b, &verr) || b->n_rows != before + (rc == 0)) abort();
        if (!nl) break;
        p = nl + 1;
    }
    silt_batch_destroy(b);
    silt_json_decoder_destroy(d);
    silt_schema_destroy(s);
    return 0;
}
