/* Unit tests for src/feed/csv: RFC 4180 parsing, pandas-like type inference, rows to JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/write.h"
#include "feed/csv.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

/* Converts a whole CSV text to JSON lines (SILT_JSON_PY), or returns the error code. */
static int csv_to_jsonl(silt_buf *out, const char *text, silt_error *err)
{
    silt_csv_reader *r = NULL;
    silt_csv_type types[16];
    int64_t rows;
    int rc = silt_csv_reader_create(&r, text, strlen(text), "t.csv", err);
    if (rc) return rc;
    assert_true(silt_csv_reader_ncols(r) <= 16);
    rc = silt_csv_infer_types(types, &rows, r, err);
    while (rc == 0 && (rc = silt_csv_reader_next(r, err)) == 1) {
        rc = silt_csv_record_to_json(out, r, types, SILT_JSON_PY, err);
        if (rc == 0) rc = silt_buf_putc(out, '\n');
    }
    silt_csv_reader_destroy(r);
    silt_buf_cstr(out);
    return rc;
}

static void check(const char *csv, const char *want)
{
    silt_buf b = SILT_BUF_INIT;
    silt_error err;
    silt_error_clear(&err);
    int rc = csv_to_jsonl(&b, csv, &err);
    if (rc) fail_msg("csv error %d: %s", rc, err.msg);
    assert_string_equal(b.ptr ? (char *)b.ptr : "", want);
    silt_buf_free(&b);
}

static void test_rfc4180_quoting(void **state)
{
    (void)state;
    check("name,n\r\n\"a, b\",1\r\n\"say \"\"hi\"\"\",2\r\n\"two\nlines\",3",
          "{\"name\": \"a, b\", \"n\": 1}\n"
          "{\"name\": \"say \\\"hi\\\"\", \"n\": 2}\n"
          "{\"name\": \"two\\nlines\", \"n\": 3}\n");
    /* the fixture's own row */
    check("ProductName\n\"Record Frame 7\"\" Single Size\"\n",
          "{\"ProductName\": \"Record Frame 7\\\" Single Size\"}\n");
    /* quoted header, BOM, blank lines skipped, last line without newline */
    check("\xef\xbb\xbf\"a\",b\n\n1,x\n\n\n2,y",
          "{\"a\": 1, \"b\": \"x\"}\n{\"a\": 2, \"b\": \"y\"}\n");
    /* header only */
    check("a,b\n", "");
    /* empty fields, trailing empty field, short row */
    check("a,b,c\nx,,\ny\n", "{\"a\": \"x\", \"b\": null, \"c\": null}\n"
                             "{\"a\": \"y\", \"b\": null, \"c\": null}\n");
}

static void test_type_inference(void **state)
{
    (void)state;
    /* int; float (mixed); int with an empty -> float; bool; string; all empty; NA strings */
    check(
        "i,f,in,b,s,e,na\n"
        "1,1.5,7,True,12,,NA\n"
        "-20,3,,false,abc,,x\n"
        "+3,1e3,8,TRUE,4.5,,null\n",
        "{\"i\": 1, \"f\": 1.5, \"in\": 7.0, \"b\": true, \"s\": \"12\", \"e\": null, \"na\": "
        "null}\n"
        "{\"i\": -20, \"f\": 3.0, \"in\": null, \"b\": false, \"s\": \"abc\", \"e\": null, "
        "\"na\": \"x\"}\n"
        "{\"i\": 3, \"f\": 1000.0, \"in\": 8.0, \"b\": true, \"s\": \"4.5\", \"e\": null, \"na\": "
        "null}\n");
    /* numbers that are not numbers for pandas' C parser stay strings; int64 overflow is float */
    check("a,b,c\n0x10,1.,99999999999999999999\n5,.5,1\n",
          "{\"a\": \"0x10\", \"b\": 1.0, \"c\": 1e+20}\n{\"a\": \"5\", \"b\": 0.5, \"c\": 1.0}\n");
    /* inf/nan spellings: NaN is NA, inf keeps the column a string (JSON has no Infinity) */
    check("a,b\nNaN,inf\n2,3\n", "{\"a\": null, \"b\": \"inf\"}\n{\"a\": 2.0, \"b\": \"3\"}\n");
}

static void test_na_strings(void **state)
{
    (void)state;
    assert_true(silt_csv_is_na("", 0));
    assert_true(silt_csv_is_na("NA", 2));
    assert_true(silt_csv_is_na("#N/A N/A", 8));
    assert_true(silt_csv_is_na("None", 4));
    assert_false(silt_csv_is_na("none", 4));
    assert_false(silt_csv_is_na("NAN", 3));
    assert_false(silt_csv_is_na("Namibia", 7));
}

static void expect_error(const char *csv, int code, const char *needle, int64_t line)
{
    silt_buf b = SILT_BUF_INIT;
    silt_error err;
    silt_error_clear(&err);
    int rc = csv_to_jsonl(&b, csv, &err);
    assert_int_equal(rc, code);
    if (!strstr(err.msg, needle)) fail_msg("message '%s' lacks '%s'", err.msg, needle);
    assert_string_equal(err.path, "t.csv");
    if (line > 0) assert_int_equal(err.line, line);
    silt_buf_free(&b);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("", SILT_ECORRUPT, "empty", -1);
    expect_error("\n\n", SILT_ECORRUPT, "empty", -1);
    expect_error("a,b\n1,2\n3,4,5\n", SILT_ECORRUPT, "3 fields", 3);
    expect_error("a,b\n1,2\n\"open,4\n5,6\n", SILT_ECORRUPT, "unterminated", 3);
}

/* Invalid UTF-8 in a cell (here Latin-1 0xE9 and a truncated 3-byte sequence) stops the
 * conversion with line, column and byte by default; replacing turns each bad byte into U+FFFD. */
static void test_invalid_utf8(void **state)
{
    (void)state;
    expect_error("id,name\n1,ok\n2,Caf\xe9\n", SILT_ECORRUPT, "line 3, column 2 (name)", 3);
    expect_error("id,name\n1,ok\n2,Caf\xe9\n", SILT_ECORRUPT, "byte 0xe9 at byte 4", 3);
    expect_error("id,name\n1,x\xe2\x82\n", SILT_ECORRUPT, "line 2, column 2", 2);
    expect_error("id,n\xffme\n1,x\n", SILT_ECORRUPT, "column name", 1);
    /* valid multi-byte text passes as it is */
    check("id,name\n1,Caf\xc3\xa9 \xe2\x82\xac\n",
          "{\"id\": 1, \"name\": \"Caf\\u00e9 \\u20ac\"}\n");

    const char *csv = "id,name\n1,Caf\xe9\n";
    silt_csv_reader *r = NULL;
    silt_csv_type types[2];
    int64_t rows;
    silt_error err;
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_csv_reader_create(&r, csv, strlen(csv), "t.csv", &err), 0);
    silt_csv_reader_set_invalid_utf8(r, SILT_CSV_UTF8_REPLACE);
    assert_int_equal(silt_csv_infer_types(types, &rows, r, &err), 0);
    assert_int_equal(silt_csv_reader_next(r, &err), 1);
    assert_int_equal(silt_csv_record_to_json(&b, r, types, SILT_JSON_PY, &err), 0);
    assert_int_equal(silt_buf_cstr(&b), 0);
    assert_string_equal((const char *)b.ptr, "{\"id\": 1, \"name\": \"Caf\\ufffd\"}");
    silt_buf_free(&b);
    silt_csv_reader_destroy(r);
}

static void test_reader_api(void **state)
{
    (void)state;
    const char *text = "x,y\n1,\"a\"\"b\"\n2,c\n";
    silt_csv_reader *r;
    silt_error err;
    assert_int_equal(silt_csv_reader_create(&r, text, strlen(text), NULL, &err), 0);
    assert_int_equal(silt_csv_reader_ncols(r), 2);
    assert_string_equal(silt_csv_reader_column(r, 1), "y");
    assert_null(silt_csv_reader_column(r, 2));
    assert_int_equal(silt_csv_reader_next(r, &err), 1);
    assert_int_equal(silt_csv_reader_line(r), 2);
    const char *s;
    size_t n;
    assert_true(silt_csv_reader_field(r, 1, &s, &n));
    assert_int_equal(n, 3);
    assert_memory_equal(s, "a\"b", 3);
    assert_false(silt_csv_reader_field(r, 2, &s, &n));
    assert_int_equal(silt_csv_reader_next(r, &err), 1);
    assert_int_equal(silt_csv_reader_line(r), 3);
    assert_int_equal(silt_csv_reader_next(r, &err), 0);
    silt_csv_reader_rewind(r);
    assert_int_equal(silt_csv_reader_next(r, &err), 1);
    assert_true(silt_csv_reader_field(r, 0, &s, &n));
    assert_memory_equal(s, "1", 1);
    silt_csv_reader_destroy(r);
    silt_csv_reader_destroy(NULL);
}

static void test_fixture(void **state)
{
    (void)state;
    const char *dir = getenv("SILT_FIXTURES");
    char path[1024];
    snprintf(path, sizeof path, "%s/sales-transactions-sample.csv",
             dir ? dir : "../../shared/fixtures");
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s (set SILT_FIXTURES)", path);
    silt_buf text = SILT_BUF_INIT;
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) silt_buf_append(&text, chunk, k);
    fclose(f);
    silt_csv_reader *r;
    silt_error err;
    assert_int_equal(silt_csv_reader_create(&r, text.ptr, text.len, path, &err), 0);
    silt_csv_type t[8];
    int64_t rows;
    assert_int_equal(silt_csv_reader_ncols(r), 8);
    assert_int_equal(silt_csv_infer_types(t, &rows, r, &err), 0);
    assert_int_equal(rows, 1305); /* 1,306 lines, the last without a newline */
    silt_csv_type want[8] = {SILT_CSV_INT,   SILT_CSV_STRING, SILT_CSV_STRING, SILT_CSV_STRING,
                             SILT_CSV_FLOAT, SILT_CSV_INT,    SILT_CSV_INT,    SILT_CSV_STRING};
    for (int i = 0; i < 8; i++) assert_int_equal(t[i], want[i]);
    silt_buf json = SILT_BUF_INIT;
    assert_int_equal(silt_csv_reader_next(r, &err), 1);
    assert_int_equal(silt_csv_record_to_json(&json, r, t, SILT_JSON_PY, &err), 0);
    silt_buf_cstr(&json);
    assert_string_equal((char *)json.ptr,
                        "{\"TransactionNo\": 581482, \"Date\": \"12/9/2019\", \"ProductNo\": "
                        "\"22485\", \"ProductName\": \"Set Of 2 Wooden Market Crates\", "
                        "\"Price\": 21.47, \"Quantity\": 12, \"CustomerNo\": 17490, \"Country\": "
                        "\"United Kingdom\"}");
    silt_buf_free(&json);
    silt_csv_reader_destroy(r);
    silt_buf_free(&text);
}

static void test_oom_every_allocation(void **state)
{
    (void)state;
    const char *csv = "a,b,c\n1,\"x,y\",2.5\n3,\"q\"\"q\",\n";
    for (uint64_t nth = 1; nth < 40; nth++) {
        silt_buf b = SILT_BUF_INIT;
        silt_error err;
        silt_error_clear(&err);
        silt_alloc_fail_nth(nth);
        int rc = csv_to_jsonl(&b, csv, &err);
        silt_alloc_fail_nth(0);
        if (rc == 0 && !silt_buf_oom(&b))
            assert_string_equal((char *)b.ptr, "{\"a\": 1, \"b\": \"x,y\", \"c\": 2.5}\n"
                                               "{\"a\": 3, \"b\": \"q\\\"q\", \"c\": null}\n");
        else
            assert_true(rc == SILT_ENOMEM || silt_buf_oom(&b));
        silt_buf_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4180_quoting),      cmocka_unit_test(test_type_inference),
        cmocka_unit_test(test_na_strings),           cmocka_unit_test(test_errors),
        cmocka_unit_test(test_reader_api),           cmocka_unit_test(test_fixture),
        cmocka_unit_test(test_oom_every_allocation), cmocka_unit_test(test_invalid_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
