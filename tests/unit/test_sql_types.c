/* Unit tests for src/sql/typename.c: Spark type names formatted and parsed, DDL schemas. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "sql/fn.h"
#include "util/alloc.h"

/* Parses text and formats it back. */
static void roundtrip(const char *text, const char *want)
{
    silt_field f;
    silt_error err = {0};
    char buf[256];
    assert_int_equal(silt_sql_type_parse(&f, text, &err), 0);
    assert_string_equal(silt_sql_type_format(buf, sizeof buf, &f), want);
    silt_field_clear(&f);
}

static void test_type_names(void **state)
{
    (void)state;
    roundtrip("INT", "int");
    roundtrip("integer", "int");
    roundtrip("Long", "bigint");
    roundtrip("short", "smallint");
    roundtrip("byte", "tinyint");
    roundtrip("real", "float");
    roundtrip("DOUBLE", "double");
    roundtrip("decimal", "decimal(10,0)");
    roundtrip("DECIMAL( 38 , 9 )", "decimal(38,9)");
    roundtrip("varchar(20)", "string");
    roundtrip("timestamp", "timestamp");
    roundtrip("timestamp_ntz", "timestamp_ntz");
    roundtrip("array<int>", "array<int>");
    roundtrip("map<string, array<double>>", "map<string,array<double>>");
    roundtrip("struct<a: int, `b c`: struct<x:date>>", "struct<a:int,b c:struct<x:date>>");
    roundtrip("struct<>", "struct<>");
}

static void test_type_errors(void **state)
{
    (void)state;
    const char *bad[] = {"intt",     "decimal(39,0)", "decimal(5,6)", "array<int",
                         "map<int>", "struct<a int",  "int extra",    "",
                         "array<"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        silt_field f;
        silt_error err = {0};
        assert_int_equal(silt_sql_type_parse(&f, bad[i], &err), SILT_EINVAL);
        assert_true(strlen(err.msg) > 0);
    }
    silt_field f;
    silt_error err = {0};
    assert_int_equal(silt_sql_type_parse(&f, "struct<a:intt>", &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "unknown type 'intt' at position 10"));
}

static void test_ddl(void **state)
{
    (void)state;
    silt_schema *s = NULL;
    silt_error err = {0};
    const char *ddl = "TransactionNo STRING, Date STRING, Price FLOAT NOT NULL, "
                      "Quantity INT COMMENT 'units, sold', t STRUCT<x: DOUBLE>";
    assert_int_equal(silt_sql_ddl_parse(&s, ddl, &err), 0);
    assert_int_equal(s->n_fields, 5);
    assert_string_equal(s->fields[0].name, "TransactionNo");
    assert_int_equal(s->fields[2].type, SILT_TYPE_FLOAT);
    assert_false(s->fields[2].nullable);
    assert_true(s->fields[3].nullable);
    assert_int_equal(s->fields[4].type, SILT_TYPE_STRUCT);
    assert_string_equal(s->fields[4].children[0].name, "x");
    silt_schema_destroy(s);
    assert_int_equal(silt_sql_ddl_parse(&s, "a INT,", &err), SILT_EINVAL);
    assert_int_equal(silt_sql_ddl_parse(&s, "a INT b INT", &err), SILT_EINVAL);
}

static void test_oom(void **state)
{
    (void)state;
    int failures = 0;
    for (uint64_t n = 1;; n++) {
        silt_schema *s = NULL;
        silt_error err = {0};
        silt_alloc_fail_nth(n);
        int rc = silt_sql_ddl_parse(&s, "a map<string,struct<b:array<int>>>, c decimal(5,2)", &err);
        silt_alloc_fail_nth(0);
        if (rc == 0) {
            silt_schema_destroy(s);
            break;
        }
        assert_int_equal(rc, SILT_ENOMEM);
        failures++;
        assert_true(n < 1000);
    }
    assert_true(failures > 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_type_errors),
        cmocka_unit_test(test_ddl),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
