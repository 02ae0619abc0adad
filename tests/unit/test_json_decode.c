/* Unit tests for src/json/decode (the schema-directed JSON decoder) and src/util/datefmt: every
 * JSON value kind into every column type, the seed's rows (pandas NaN, M/d/yyyy dates), errors
 * that name the field and the byte offset and leave the batch as it was, and OOM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/batch.h"
#include "batch/canon.h"
#include "json/decode.h"
#include "support/oom.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/datefmt.h"
#include "util/error.h"

/* ---- schema building ---- */

static silt_field leaf(const char *name, silt_type_id t, bool nullable)
{
    silt_field f;
    assert_int_equal(silt_field_init(&f, name, t, nullable), 0);
    return f;
}

/* The seed's transaction: TransactionNo,Date,ProductNo,ProductName,Price,Quantity,CustomerNo,
 * Country, typed as silver would. */
static silt_schema *seed_schema(void)
{
    silt_schema *s = silt_schema_create(8);
    assert_non_null(s);
    s->fields[0] = leaf("TransactionNo", SILT_TYPE_STRING, false);
    s->fields[1] = leaf("Date", SILT_TYPE_DATE32, true);
    s->fields[2] = leaf("ProductNo", SILT_TYPE_STRING, true);
    s->fields[3] = leaf("ProductName", SILT_TYPE_STRING, true);
    s->fields[4] = leaf("Price", SILT_TYPE_DECIMAL, true);
    s->fields[4].precision = 10;
    s->fields[4].scale = 2;
    s->fields[5] = leaf("Quantity", SILT_TYPE_INT32, true);
    s->fields[6] = leaf("CustomerNo", SILT_TYPE_INT64, true);
    s->fields[7] = leaf("Country", SILT_TYPE_STRING, true);
    return s;
}

/* id int64 not null, tags list<string>, attrs map<string,double>, pos struct<x int32, y int32
 * not null>, raw string, blob binary, at timestamp, ok bool, f float */
static silt_schema *nested_schema(void)
{
    silt_schema *s = silt_schema_create(9);
    assert_non_null(s);
    s->fields[0] = leaf("id", SILT_TYPE_INT64, false);
    silt_field *tags = &s->fields[1];
    assert_int_equal(silt_field_init_nested(tags, "tags", SILT_TYPE_LIST, true, 1), 0);
    tags->children[0] = leaf("element", SILT_TYPE_STRING, true);
    silt_field *attrs = &s->fields[2];
    assert_int_equal(silt_field_init_nested(attrs, "attrs", SILT_TYPE_MAP, true, 1), 0);
    silt_field *kv = &attrs->children[0];
    assert_int_equal(silt_field_init_nested(kv, "key_value", SILT_TYPE_STRUCT, false, 2), 0);
    kv->children[0] = leaf("key", SILT_TYPE_STRING, false);
    kv->children[1] = leaf("value", SILT_TYPE_DOUBLE, true);
    silt_field *pos = &s->fields[3];
    assert_int_equal(silt_field_init_nested(pos, "pos", SILT_TYPE_STRUCT, true, 2), 0);
    pos->children[0] = leaf("x", SILT_TYPE_INT32, true);
    pos->children[1] = leaf("y", SILT_TYPE_INT32, false);
    s->fields[4] = leaf("raw", SILT_TYPE_STRING, true);
    s->fields[5] = leaf("blob", SILT_TYPE_BINARY, true);
    s->fields[6] = leaf("at", SILT_TYPE_TIMESTAMP, true);
    s->fields[6].tz_utc = true;
    s->fields[7] = leaf("ok", SILT_TYPE_BOOL, true);
    s->fields[8] = leaf("f", SILT_TYPE_FLOAT, true);
    return s;
}

typedef struct fixture {
    silt_schema *schema;
    silt_json_decoder *d;
    silt_batch *b;
    silt_error err;
} fixture;

static void open_fx(fixture *fx, silt_schema *s, const silt_json_decode_opts *opts)
{
    memset(fx, 0, sizeof *fx);
    fx->schema = s;
    int rc = silt_json_decoder_create(&fx->d, s, opts, &fx->err);
    if (rc) fail_msg("create: %s", fx->err.msg);
    fx->b = silt_batch_create(s);
    assert_non_null(fx->b);
}

static void close_fx(fixture *fx)
{
    silt_batch_destroy(fx->b);
    silt_json_decoder_destroy(fx->d);
    silt_schema_destroy(fx->schema);
}

static int dec(fixture *fx, const char *json)
{
    return silt_json_decode_row(fx->d, fx->b, json, strlen(json), &fx->err);
}

/* Decodes json, which must succeed, and checks the row's canonical text. */
static void ok_row(fixture *fx, const char *json, const char *want)
{
    int rc = dec(fx, json);
    if (rc) fail_msg("decoding %s: %s", json, fx->err.msg);
    silt_error verr;
    if (silt_batch_validate(fx->b, &verr)) fail_msg("batch invalid after %s: %s", json, verr.msg);
    silt_buf out = SILT_BUF_INIT;
    assert_int_equal(silt_canon_row(&out, fx->b, fx->b->n_rows - 1), 0);
    assert_int_equal(silt_buf_cstr(&out), 0);
    if (strcmp((char *)out.ptr, want) != 0)
        fail_msg("%s\n  got:  %s\n  want: %s", json, (char *)out.ptr, want);
    silt_buf_free(&out);
}

/* Decodes json, which must fail with code; the message must contain msg_part, err->column be
 * column and err->offset be offset (-2 = do not check); the batch must be unchanged. */
static void bad_row(fixture *fx, const char *json, int code, const char *column, int64_t offset,
                    const char *msg_part)
{
    int64_t rows = fx->b->n_rows;
    silt_buf before = SILT_BUF_INIT, after = SILT_BUF_INIT;
    assert_int_equal(silt_canon_batch(&before, fx->b), 0);
    int rc = dec(fx, json);
    if (rc != code)
        fail_msg("%s: expected code %d, got %d (%s)", json, code, rc, rc ? fx->err.msg : "ok");
    if (!strstr(fx->err.msg, msg_part))
        fail_msg("%s: message '%s' lacks '%s'", json, fx->err.msg, msg_part);
    if (strcmp(fx->err.column, column) != 0)
        fail_msg("%s: column '%s', want '%s'", json, fx->err.column, column);
    if (offset != -2 && fx->err.offset != offset)
        fail_msg("%s: offset %lld, want %lld (%s)", json, (long long)fx->err.offset,
                 (long long)offset, fx->err.msg);
    assert_int_equal(fx->b->n_rows, rows);
    silt_error verr;
    if (silt_batch_validate(fx->b, &verr)) fail_msg("batch invalid after %s: %s", json, verr.msg);
    assert_int_equal(fx->b->n_rows, rows);
    assert_int_equal(silt_canon_batch(&after, fx->b), 0);
    assert_int_equal(before.len, after.len);
    if (before.len) assert_memory_equal(before.ptr, after.ptr, before.len);
    silt_buf_free(&before);
    silt_buf_free(&after);
}

/* ---- tests ---- */

/* The seed's rows as json.dumps wrote them from pandas: a float CustomerNo (17490.0) when the
 * column had gaps, NaN for a missing one, dates as M/d/yyyy. */
static void test_seed_rows(void **state)
{
    (void)state;
    fixture fx;
    silt_json_field_format ff[] = {{"Date", "M/d/yyyy"}};
    silt_json_decode_opts o = {.formats = ff, .n_formats = 1};
    open_fx(&fx, seed_schema(), &o);
    ok_row(&fx,
           "{\"TransactionNo\": \"581482\", \"Date\": \"12/9/2019\", \"ProductNo\": \"22485\", "
           "\"ProductName\": \"Set Of 2 Wooden Market Crates\", \"Price\": 21.47, \"Quantity\": "
           "12, \"CustomerNo\": 17490.0, \"Country\": \"United Kingdom\"}",
           "\"581482\"\t2019-12-09\t\"22485\"\t\"Set Of 2 Wooden Market Crates\"\t21.47\t12\t"
           "17490\t\"United Kingdom\"");
    /* a cancellation: C-prefixed number, negative quantity, no customer (NaN), escaped quote */
    ok_row(&fx,
           "{\"TransactionNo\": \"C581499\", \"Date\": \"1/2/2019\", \"ProductNo\": \"M\", "
           "\"ProductName\": \"Record Frame 7\\\" Single Size\", \"Price\": 6.19, \"Quantity\": "
           "-2, \"CustomerNo\": NaN, \"Country\": \"United Kingdom\"}",
           "\"C581499\"\t2019-01-02\t\"M\"\t\"Record Frame 7\\\" Single Size\"\t6.19\t-2\tnull\t"
           "\"United Kingdom\"");
    /* keys in another order, missing nullable keys */
    ok_row(&fx, "{\"Country\":\"France\",\"TransactionNo\":\"1\"}",
           "\"1\"\tnull\tnull\tnull\tnull\tnull\tnull\t\"France\"");
    assert_int_equal(fx.b->n_rows, 3);
    close_fx(&fx);
}

static void test_nested_and_kinds(void **state)
{
    (void)state;
    fixture fx;
    open_fx(&fx, nested_schema(), NULL);
    ok_row(&fx,
           "{\"id\": 1, \"tags\": [\"a\", null, \"\\u00e9\\ud83d\\ude00\"], "
           "\"attrs\": {\"w\": 1.5, \"h\": null}, \"pos\": {\"y\": 2}, \"raw\": {\"k\": [1, 2]}, "
           "\"blob\": \"aGk=\", \"at\": \"2024-02-29T23:59:59.123456+01:00\", \"ok\": true, "
           "\"f\": 1.1}",
           "1\t[\"a\", null, \"\xc3\xa9\xf0\x9f\x98\x80\"]\tmap[\"w\": 1.5, \"h\": null]\t"
           "{\"x\": null, \"y\": 2}\t\"{\\\"k\\\": [1, 2]}\"\tx'6869'\t"
           "2024-02-29 22:59:59.123456\ttrue\t1.100000023841858");
    /* empty containers, null struct, numbers and literals as text in a string column, unknown
     * keys (of every kind) skipped */
    ok_row(&fx,
           "  {\"zz\": {\"a\": [1, {\"b\": null}]}, \"id\": -9223372036854775808, \"tags\": [], "
           "\"attrs\": {}, \"pos\": null, \"raw\": 12.50, \"blob\": \"\", \"at\": "
           "\"1969-12-31 23:59:59\", \"ok\": false, \"f\": -Infinity, \"more\": \"x\"}  \n",
           "-9223372036854775808\t[]\tmap[]\tnull\t\"12.50\"\tx''\t1969-12-31 23:59:59.000000\t"
           "false\t-Infinity");
    ok_row(&fx, "{\"id\": 3, \"raw\": true, \"f\": NaN, \"attrs\": {\"n\": NaN}}",
           "3\tnull\tmap[\"n\": null]\tnull\t\"true\"\tnull\tnull\tnull\tnull");
    close_fx(&fx);
}

static void test_errors_leave_batch_unchanged(void **state)
{
    (void)state;
    fixture fx;
    open_fx(&fx, nested_schema(), NULL);
    ok_row(&fx,
           "{\"id\": 1, \"tags\": [\"a\"], \"attrs\": {\"k\": 1}, \"pos\": {\"x\": 1, \"y\": 2}}",
           "1\t[\"a\"]\tmap[\"k\": 1]\t{\"x\": 1, \"y\": 2}\tnull\tnull\tnull\tnull\tnull");
    /* wrong types, with the field's path and the value's offset */
    bad_row(&fx, "{\"id\": \"7\"}", SILT_EINVAL, "id", 7,
            "field 'id': expected int64, got string \"7\"");
    bad_row(&fx, "{\"id\": 12.5}", SILT_EINVAL, "id", 7, "expected int64, got number 12.5");
    bad_row(&fx, "{\"id\": 1, \"tags\": [\"a\", \"b\", \"\xff\"]}", SILT_ECORRUPT, "tags[2]", 30,
            "field 'tags[2]': invalid JSON: a string is not valid UTF-8");
    bad_row(&fx, "{\"id\": 1, \"tags\": \"a\"}", SILT_EINVAL, "tags", 18,
            "field 'tags': expected list, got string \"a\"");
    bad_row(&fx, "{\"id\": 1, \"attrs\": {\"a\": 1, \"b\": \"x\"}}", SILT_EINVAL, "attrs.b", 33,
            "expected double, got string \"x\"");
    bad_row(&fx, "{\"id\": 1, \"pos\": {\"x\": 1}}", SILT_EINVAL, "pos.y", 17, "missing");
    bad_row(&fx, "{\"tags\": [\"a\"]}", SILT_EINVAL, "id", 0, "missing");
    bad_row(&fx, "{\"id\": null}", SILT_EINVAL, "id", 7, "not nullable");
    bad_row(&fx, "{\"id\": 1, \"id\": 2}", SILT_EINVAL, "", 10, "given twice");
    bad_row(&fx, "{\"id\": 1, \"ok\": 1}", SILT_EINVAL, "ok", 16, "expected boolean, got number 1");
    bad_row(&fx, "{\"id\": 1, \"pos\": [1]}", SILT_EINVAL, "pos", 17, "expected struct, got array");
    bad_row(&fx, "{\"id\": 1, \"blob\": \"a!==\"}", SILT_EINVAL, "blob", 18, "base64");
    bad_row(&fx, "{\"id\": 1, \"at\": \"2023-02-29T00:00:00Z\"}", SILT_EINVAL, "at", 16,
            "no such day");
    bad_row(&fx, "{\"id\": 99999999999999999999}", SILT_ERANGE, "id", 7, "out of range");
    bad_row(&fx, "{\"id\": 1, \"f\": 1e999}", SILT_ERANGE, "f", 15, "out of range");
    /* invalid JSON, anywhere, also inside skipped keys */
    bad_row(&fx, "", SILT_ECORRUPT, "", 0, "invalid JSON: empty row");
    bad_row(&fx, "[1]", SILT_ECORRUPT, "", 0, "must be a JSON object");
    bad_row(&fx, "{\"id\": 1", SILT_ECORRUPT, "", 8, "expected ',' or '}'");
    bad_row(&fx, "{\"id\": 1} x", SILT_ECORRUPT, "", 10, "text after the end");
    bad_row(&fx, "{\"id\": 01}", SILT_ECORRUPT, "", -2, "invalid JSON");
    bad_row(&fx, "{\"id\": 1, \"zz\": [1, 2,]}", SILT_ECORRUPT, "", 22, "unexpected character");
    bad_row(&fx, "{\"id\": 1, \"zz\": tru}", SILT_ECORRUPT, "", 16, "unknown literal");
    bad_row(&fx, "{\"id\": 1, \"tags\": [\"a\\x\"]}", SILT_ECORRUPT, "tags[0]", 21,
            "unknown escape");
    bad_row(&fx, "{\"id\": 1, \"tags\": [\"\xff\"]}", SILT_ECORRUPT, "tags[0]", 20, "UTF-8");
    bad_row(&fx, "{\"id\": 1, \"tags\": [\"\xed\xa0\x80\"]}", SILT_ECORRUPT, "tags[0]", 20,
            "UTF-8"); /* an encoded surrogate */
    bad_row(&fx, "{\"id\": 1, \"tags\": [\"\\ud800x\"]}", SILT_ECORRUPT, "tags[0]", 20,
            "surrogate");
    bad_row(&fx, "{\"id\": 1, \"raw\": \"a\nb\"}", SILT_ECORRUPT, "raw", 19, "control character");
    bad_row(&fx, "{\"id\": 1, \"raw\": \"abc", SILT_ECORRUPT, "raw", -2, "unterminated string");
    /* nesting limit */
    char deep[400];
    size_t k = (size_t)snprintf(deep, sizeof deep, "{\"id\": 1, \"zz\": ");
    for (int i = 0; i < 100; i++) deep[k++] = '[';
    deep[k] = '\0';
    bad_row(&fx, deep, SILT_ECORRUPT, "", -2, "nested too deeply");
    /* the good row is still the only one, and the next good row lands after it */
    assert_int_equal(fx.b->n_rows, 1);
    ok_row(&fx, "{\"id\": 2, \"tags\": [\"z\"]}",
           "2\t[\"z\"]\tnull\tnull\tnull\tnull\tnull\tnull\tnull");
    assert_int_equal(fx.b->n_rows, 2);
    close_fx(&fx);
}

static void test_numbers(void **state)
{
    (void)state;
    silt_schema *s = silt_schema_create(6);
    assert_non_null(s);
    s->fields[0] = leaf("i8", SILT_TYPE_INT8, true);
    s->fields[1] = leaf("u16", SILT_TYPE_INT16, true);
    s->fields[1].is_unsigned = true;
    s->fields[2] = leaf("u64", SILT_TYPE_INT64, true);
    s->fields[2].is_unsigned = true;
    s->fields[3] = leaf("d", SILT_TYPE_DECIMAL, true);
    s->fields[3].precision = 5;
    s->fields[3].scale = 2;
    s->fields[4] = leaf("big", SILT_TYPE_DECIMAL, true);
    s->fields[4].precision = 38;
    s->fields[4].scale = 0;
    s->fields[5] = leaf("x", SILT_TYPE_DOUBLE, true);
    fixture fx;
    open_fx(&fx, s, NULL);
    ok_row(
        &fx,
        "{\"i8\": -128, \"u16\": 65535, \"u64\": 18446744073709551615, \"d\": 123.455, "
        "\"big\": 99999999999999999999999999999999999999, \"x\": 0.1}",
        "-128\t65535\t18446744073709551615\t123.46\t99999999999999999999999999999999999999\t0.1");
    ok_row(&fx, "{\"i8\": 1.27e2, \"d\": -0.005, \"big\": 1e3, \"x\": -0.0}",
           "127\tnull\tnull\t-0.01\t1000\t0");
    ok_row(&fx, "{\"d\": 1.2E-1, \"big\": 0.4, \"x\": 1e-320}",
           "null\tnull\tnull\t0.12\t0\t1e-320");
    ok_row(&fx, "{\"d\": 0e999999999, \"big\": 5e-1}", "null\tnull\tnull\t0.00\t1\tnull");
    bad_row(&fx, "{\"i8\": 128}", SILT_ERANGE, "i8", 7, "128 is out of range for int8");
    bad_row(&fx, "{\"u16\": -1}", SILT_ERANGE, "u16", 8, "out of range for uint16");
    bad_row(&fx, "{\"u64\": -1}", SILT_ERANGE, "u64", 8, "out of range");
    bad_row(&fx, "{\"d\": 1000}", SILT_ERANGE, "d", 6, "does not fit decimal(5,2)");
    bad_row(&fx, "{\"d\": 999.995}", SILT_ERANGE, "d", 6, "does not fit"); /* rounds to 1000.00 */
    bad_row(&fx, "{\"big\": 1e38}", SILT_ERANGE, "big", 8, "does not fit");
    bad_row(&fx, "{\"d\": Infinity}", SILT_EINVAL, "d", 6, "expected decimal(5,2)");
    bad_row(&fx, "{\"i8\": 1.5e0}", SILT_EINVAL, "i8", 7, "expected int8");
    bad_row(&fx, "{\"x\": -}", SILT_ECORRUPT, "x", 7, "bad number");
    bad_row(&fx, "{\"x\": 1.}", SILT_ECORRUPT, "x", 8, "after the decimal point");
    bad_row(&fx, "{\"x\": 1e+}", SILT_ECORRUPT, "x", 9, "exponent");
    close_fx(&fx);
}

/* Plain decimals (the decoder reads most of them without strtod) give exactly what strtof and
 * strtod give: random digits and scales around the fast path's limits, and its edges. */
static void test_decimals_as_strtod(void **state)
{
    (void)state;
    silt_schema *s = silt_schema_create(2);
    assert_non_null(s);
    s->fields[0] = leaf("f", SILT_TYPE_FLOAT, true);
    s->fields[1] = leaf("d", SILT_TYPE_DOUBLE, true);
    silt_json_decoder *dec = NULL;
    silt_error err;
    silt_error_clear(&err);
    assert_int_equal(silt_json_decoder_create(&dec, s, NULL, &err), 0);
    silt_batch *b = silt_batch_create(s);
    assert_non_null(b);
    static const char *const edges[] = {
        "16777216",      "16777217",           "16777216.5",          "0.1",
        "-0.0",          "9007199254740993",   "9007199254740992.0",  "1.0000000000",
        "0.00000000001", "123456789012345678", "1234567890123456789", "3.4028235e38",
        "0.50"};
    char text[128], num[40];
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (int k = 0; k < 20000 + (int)(sizeof edges / sizeof edges[0]); k++) {
        if (k < (int)(sizeof edges / sizeof edges[0])) {
            snprintf(num, sizeof num, "%s", edges[k]);
        } else { /* up to 20 digits, the point anywhere (or nowhere), either sign */
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            int nd = 1 + (int)(x % 20), dot = (int)((x >> 8) % (uint64_t)(nd + 1));
            char *p = num;
            if ((x >> 20) & 1) *p++ = '-';
            char *first = p;
            for (int i = 0; i < nd; i++) {
                if (i == dot && i > 0) *p++ = '.';
                *p++ = (char)('0' + (x >> (24 + i * 2)) % 10);
            }
            *p = 0;
            if (first[0] == '0' && first[1] && first[1] != '.') first[0] = '1'; /* JSON: no 012 */
        }
        snprintf(text, sizeof text, "{\"f\": %s, \"d\": %s}", num, num);
        silt_batch_reset(b);
        if (silt_json_decode_row(dec, b, text, strlen(text), &err))
            fail_msg("%s: %s", text, err.msg);
        float f = ((const float *)b->cols[0].values)[0];
        double d = ((const double *)b->cols[1].values)[0];
        float wf = strtof(num, NULL);
        double wd = strtod(num, NULL);
        if (memcmp(&f, &wf, sizeof f) || memcmp(&d, &wd, sizeof d))
            fail_msg("%s: float %.9g (strtof %.9g), double %.17g (strtod %.17g)", num, f, wf, d,
                     wd);
    }
    silt_batch_destroy(b);
    silt_json_decoder_destroy(dec);
    silt_schema_destroy(s);
}

static void test_options(void **state)
{
    (void)state;
    silt_schema *s = silt_schema_create(4);
    assert_non_null(s);
    s->fields[0] = leaf("n", SILT_TYPE_INT32, true);
    s->fields[1] = leaf("b", SILT_TYPE_BOOL, true);
    s->fields[2] = leaf("x", SILT_TYPE_DOUBLE, true);
    s->fields[3] = leaf("day", SILT_TYPE_DATE32, true);
    silt_json_decode_opts o = {.coerce_strings = true,
                               .keep_nan = true,
                               .unknown_fields_error = true,
                               .date_pattern = "dd.MM.yy"};
    fixture fx;
    open_fx(&fx, s, &o);
    ok_row(&fx, "{\"n\": \"-12\", \"b\": \"true\", \"x\": \"NaN\", \"day\": \"05.03.24\"}",
           "-12\ttrue\tNaN\t2024-03-05");
    ok_row(&fx, "{\"x\": NaN, \"n\": \"1e1\"}", "10\tnull\tNaN\tnull");
    bad_row(&fx, "{\"n\": \"12a\"}", SILT_EINVAL, "n", 6, "expected int32, got string \"12a\"");
    bad_row(&fx, "{\"b\": \"yes\"}", SILT_EINVAL, "b", 6, "expected bool");
    bad_row(&fx, "{\"other\": 1}", SILT_EINVAL, "", 1, "key \"other\" is not in the schema");
    bad_row(&fx, "{\"day\": \"5.3.24\"}", SILT_EINVAL, "day", 8, "expected date");
    close_fx(&fx);

    /* a pattern or a per-field format that cannot work is refused at creation */
    silt_error err;
    silt_json_decoder *d = NULL;
    silt_schema *s2 = seed_schema();
    silt_json_decode_opts bad1 = {.date_pattern = "MMM d, yyyy"};
    assert_int_equal(silt_json_decoder_create(&d, s2, &bad1, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "MMM"));
    silt_json_field_format ff[] = {{"Price", "yyyy"}};
    silt_json_decode_opts bad2 = {.formats = ff, .n_formats = 1};
    assert_int_equal(silt_json_decoder_create(&d, s2, &bad2, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "not a date or timestamp"));
    silt_json_field_format ff3[] = {{"Nope", "yyyy"}};
    silt_json_decode_opts bad3 = {.formats = ff3, .n_formats = 1};
    assert_int_equal(silt_json_decoder_create(&d, s2, &bad3, &err), SILT_EINVAL);
    assert_null(d);
    silt_schema_destroy(s2);
}

static void parse_ok(const char *pattern, const char *text, int64_t secs, int32_t nanos,
                     bool has_off)
{
    silt_datefmt f;
    silt_error err;
    if (silt_datefmt_compile(&f, pattern, &err)) fail_msg("compile %s: %s", pattern, err.msg);
    int64_t s;
    int32_t ns;
    bool off;
    const char *why = NULL;
    if (silt_datefmt_parse(&s, &ns, &off, &f, text, strlen(text), &why))
        fail_msg("'%s' with '%s': %s", text, pattern ? pattern : "ISO", why);
    if (s != secs || ns != nanos || off != has_off)
        fail_msg("'%s' with '%s': %lld.%09d off=%d, want %lld.%09d off=%d", text,
                 pattern ? pattern : "ISO", (long long)s, ns, off, (long long)secs, nanos, has_off);
}

static void parse_bad(const char *pattern, const char *text)
{
    silt_datefmt f;
    silt_error err;
    assert_int_equal(silt_datefmt_compile(&f, pattern, &err), 0);
    int64_t s;
    int32_t ns;
    const char *why = NULL;
    if (silt_datefmt_parse(&s, &ns, NULL, &f, text, strlen(text), &why) != SILT_ECORRUPT)
        fail_msg("'%s' with '%s' parsed", text, pattern ? pattern : "ISO");
    assert_non_null(why);
}

static void test_datefmt(void **state)
{
    (void)state;
    parse_ok(NULL, "1970-01-01", 0, 0, false);
    parse_ok(NULL, "2019-12-09", 1575849600, 0, false);
    parse_ok(NULL, "2019-12-09T10:11:12.5Z", 1575849600 + 36672, 500000000, true);
    parse_ok(NULL, "2019-12-09 10:11", 1575849600 + 36660, 0, false);
    parse_ok(NULL, "2019-12-09T10:11:12.123456789-03:30", 1575849600 + 36672 + 12600, 123456789,
             true);
    parse_ok(NULL, "1900-03-01T00:00:00+0000", -2203891200, 0, true);
    parse_ok("M/d/yyyy", "12/9/2019", 1575849600, 0, false);
    parse_ok("M/d/yyyy", "2/29/2020", 1582934400, 0, false);
    parse_ok("yyyyMMdd'T'HHmmss", "20191209T101112", 1575849600 + 36672, 0, false);
    parse_ok("dd/MM/yyyy hh:mm a", "09/12/2019 12:05 AM", 1575849600 + 300, 0, false);
    parse_ok("dd/MM/yyyy hh:mm a", "09/12/2019 01:05 PM", 1575849600 + 13 * 3600 + 300, 0, false);
    parse_ok("yyyy-MM-dd HH:mm:ss.SSS XXX", "2019-12-09 10:11:12.007 +01:00",
             1575849600 + 36672 - 3600, 7000000, true);
    parse_ok("''yy''", "'19'", 1546300800, 0, false);
    parse_bad(NULL, "2019-12-9");
    parse_bad(NULL, "2019-13-01");
    parse_bad(NULL, "2019-02-29");
    parse_bad(NULL, "2019-12-09T25:00");
    parse_bad(NULL, "2019-12-09T10:00+2");
    parse_bad(NULL, "2019-12-09 trailing");
    parse_bad("M/d/yyyy", "12-9-2019");
    parse_bad("M/d/yyyy", "123/9/2019");
    parse_bad("hh:mm a", "13:00 PM");
    silt_datefmt f;
    silt_error err;
    assert_int_equal(silt_datefmt_compile(&f, "yyyy-MM-dd EEE", &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "'E'"));
    assert_int_equal(silt_datefmt_compile(&f, "'open", &err), SILT_EINVAL);
}

/* The out-of-memory case: a decoder and a batch (owning the schema setup made) and three rows
 * with every kind of nested value. A failing row leaves the batch with the rows before it. */
typedef struct oom_decode_ctx {
    silt_schema *schema;  /* made by setup; moved into the batch by run */
    silt_batch *b;        /* kept after a failure for teardown to check */
    int64_t rows_decoded; /* rows decoded before the failure */
} oom_decode_ctx;

static void oom_decode_setup(void *ctx)
{
    oom_decode_ctx *c = ctx;
    c->schema = nested_schema();
    c->b = NULL;
    c->rows_decoded = 0;
}

static int oom_decode_run(void *ctx, void **result)
{
    static const char *const rows[] = {
        "{\"id\": 1, \"tags\": [\"a\", \"b\\n\"], \"attrs\": {\"w\": 1.5}, "
        "\"pos\": {\"x\": 1, \"y\": 2}, \"raw\": [1], \"blob\": \"aGk=\"}",
        "{\"id\": 2, \"tags\": [], \"attrs\": {\"u\": null, \"v\": 2}, \"at\": "
        "\"2024-01-02T03:04:05Z\", \"raw\": {\"k\": [true, null]}, \"ok\": true}",
        "{\"id\": 3, \"tags\": [null, \"\\u00e9t\\u00e9 long enough to grow the buffer\"], "
        "\"f\": 2.5}",
    };
    oom_decode_ctx *c = ctx;
    silt_json_decoder *d = NULL;
    silt_error err;
    silt_schema *s = c->schema;
    c->schema = NULL;
    c->b = silt_batch_create_owned(s); /* frees s when it fails */
    if (!c->b) return SILT_ENOMEM;
    int rc = silt_json_decoder_create(&d, s, NULL, &err);
    for (size_t i = 0; !rc && i < sizeof rows / sizeof *rows; i++) {
        rc = silt_json_decode_row(d, c->b, rows[i], strlen(rows[i]), &err);
        if (!rc) c->rows_decoded++;
    }
    silt_json_decoder_destroy(d);
    if (rc) return rc;
    *result = c->b;
    c->b = NULL;
    return 0;
}

static void oom_decode_teardown(void *ctx, int rc)
{
    oom_decode_ctx *c = ctx;
    if (rc && c->b) {
        silt_error verr;
        assert_int_equal(silt_batch_validate(c->b, &verr), 0);
        assert_int_equal(c->b->n_rows, c->rows_decoded);
    }
    silt_batch_destroy(c->b);
    silt_schema_destroy(c->schema);
    c->b = NULL;
    c->schema = NULL;
}

/* Every allocation the decoder makes may fail: it reports SILT_ENOMEM and the batch stays
 * consistent (the row is either in or not). */
static void test_oom(void **state)
{
    (void)state;
    oom_decode_ctx ctx = {0};
    oom_case c = {.name = "json decode",
                  .ctx = &ctx,
                  .setup = oom_decode_setup,
                  .run = oom_decode_run,
                  .same = oom_same_batch,
                  .drop = oom_drop_batch,
                  .teardown = oom_decode_teardown};
    assert_true(oom_check_every_allocation(&c) > 5);
}

static void test_column_truncate(void **state)
{
    (void)state;
    silt_schema *s = nested_schema();
    fixture fx;
    open_fx(&fx, s, NULL);
    ok_row(&fx, "{\"id\": 1, \"tags\": [\"a\", null], \"pos\": null}",
           "1\t[\"a\", null]\tnull\tnull\tnull\tnull\tnull\tnull\tnull");
    ok_row(&fx, "{\"id\": 2, \"tags\": [\"b\", \"c\", \"d\"], \"pos\": {\"y\": 1}}",
           "2\t[\"b\", \"c\", \"d\"]\tnull\t{\"x\": null, \"y\": 1}\tnull\tnull\tnull\tnull\tnull");
    for (size_t i = 0; i < fx.b->n_cols; i++) silt_column_truncate(&fx.b->cols[i], 1);
    silt_error verr;
    assert_int_equal(silt_batch_validate(fx.b, &verr), 0);
    assert_int_equal(fx.b->n_rows, 1);
    assert_int_equal(fx.b->cols[1].children[0].length, 2);
    assert_int_equal(fx.b->cols[1].children[0].null_count, 1);
    assert_int_equal(fx.b->cols[3].null_count, 1);
    ok_row(&fx, "{\"id\": 3, \"tags\": [\"e\"]}",
           "3\t[\"e\"]\tnull\tnull\tnull\tnull\tnull\tnull\tnull");
    close_fx(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_rows),
        cmocka_unit_test(test_nested_and_kinds),
        cmocka_unit_test(test_errors_leave_batch_unchanged),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_decimals_as_strtod),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_datefmt),
        cmocka_unit_test(test_oom),
        cmocka_unit_test(test_column_truncate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
