/* Unit tests for the JSON functions (fn_json.c, fn_json_path.c, fn_json_write.c) through the
 * registry: from_json through the schema-directed decoder (Spark 3.5 PERMISSIVE: a struct of
 * NULLs for text that does not fit, with the reason kept), get_json_object and to_json, on the
 * examples of Spark's SQL function reference and on malformed input. */
#include "test_sql_fn_harness.h"

#include "sql/fn_json.h"

/* from_json over texts (NULL = SQL NULL) with a constant schema; the call site's state is
 * returned in *site (the caller frees it with the function's free_state). */
static void from_json(tcol *out, const char *const *texts, int n, const char *schema, void **site)
{
    const silt_sql_scalar_fn *fn = silt_sql_scalar_find("from_json");
    tcol a, s;
    tcol_strs(&a, texts, n);
    tcol_str1(&s, schema);
    const silt_field *types[2] = {&a.f, &s.f};
    const silt_column *consts[2] = {NULL, &s.c}, *cols[2] = {&a.c, &s.c};
    silt_field want[2];
    memset(want, 0, sizeof want);
    silt_sql_fn_bind b = {.n_args = 2, .arg_types = types, .const_args = consts, .want = want};
    silt_error err = {0};
    assert_int_equal(fn->bind(&b, &err), 0);
    bool k[2] = {false, true};
    silt_sql_fn_args args = {.n = 2, .cols = cols, .is_const = k, .types = types};
    memset(out, 0, sizeof *out);
    out->f = b.ret;
    assert_int_equal(silt_column_init(&out->c, &out->f), 0);
    assert_int_equal(fn->eval(b.state, &out->c, &args, n, &err), 0);
    *site = b.state;
    tcol_clear(&a);
    tcol_clear(&s);
}

/* to_json of row i of a column as text. */
static const char *to_json(const tcol *in, int64_t i)
{
    static char buf[512];
    const silt_sql_scalar_fn *fn = silt_sql_scalar_find("to_json");
    const silt_field *types[1] = {&in->f};
    const silt_column *consts[1] = {NULL}, *cols[1] = {&in->c};
    silt_field want[1];
    memset(want, 0, sizeof want);
    silt_sql_fn_bind b = {.n_args = 1, .arg_types = types, .const_args = consts, .want = want};
    silt_error err = {0};
    assert_int_equal(fn->bind(&b, &err), 0);
    bool k[1] = {false};
    silt_sql_fn_args args = {.n = 1, .cols = cols, .is_const = k, .types = types};
    tcol out;
    out.f = b.ret;
    assert_int_equal(silt_column_init(&out.c, &out.f), 0);
    assert_int_equal(fn->eval(NULL, &out.c, &args, in->c.length, &err), 0);
    if (!silt_column_is_valid(&out.c, i)) {
        snprintf(buf, sizeof buf, "NULL");
    } else {
        size_t len;
        const uint8_t *p = silt_column_bytes(&out.c, i, &len);
        snprintf(buf, sizeof buf, "%.*s", (int)len, (const char *)p);
    }
    tcol_clear(&out);
    return buf;
}

static void test_from_json(void **state)
{
    (void)state;
    const char *texts[] = {"{\"a\":1, \"b\":0.8}",  "{\"a\":\"x\"}", NULL, "not json", "",
                           "{\"b\": 2, \"c\": [1]}"};
    tcol out;
    void *site;
    /* Spark doc: from_json('{"a":1, "b":0.8}', 'a INT, b DOUBLE') -> {"a":1,"b":0.8} */
    from_json(&out, texts, 6, "a INT, b DOUBLE", &site);
    want_type(&out, "struct<a:int,b:double>");
    assert_true(silt_column_is_valid(&out.c, 0));
    assert_int_equal(silt_column_get_int(&out.c.children[0], 0), 1);
    assert_true(((double *)out.c.children[1].values)[0] == 0.8);
    /* a value that does not fit: a struct of NULLs (Spark 3: Row(null)), the reason kept */
    assert_true(silt_column_is_valid(&out.c, 1));
    assert_false(silt_column_is_valid(&out.c.children[0], 1));
    assert_false(silt_column_is_valid(&out.c.children[1], 1));
    assert_non_null(fn_json_reason(site, 1));
    assert_non_null(strstr(fn_json_reason(site, 1), "'a'"));
    /* NULL in, NULL out */
    assert_false(silt_column_is_valid(&out.c, 2));
    assert_null(fn_json_reason(site, 2));
    assert_true(silt_column_is_valid(&out.c, 3));
    assert_non_null(fn_json_reason(site, 3));
    assert_true(silt_column_is_valid(&out.c, 4));
    assert_false(silt_column_is_valid(&out.c.children[0], 4));
    assert_null(fn_json_reason(site, 5));
    assert_false(silt_column_is_valid(&out.c.children[0], 5));
    assert_true(((double *)out.c.children[1].values)[5] == 2.0);
    assert_string_equal(to_json(&out, 0), "{\"a\":1,\"b\":0.8}");
    assert_string_equal(to_json(&out, 1), "{}");
    assert_string_equal(to_json(&out, 2), "NULL");
    assert_string_equal(to_json(&out, 5), "{\"b\":2.0}");
    silt_sql_scalar_find("from_json")->free_state(site);
    tcol_clear(&out);
}

static void test_nested_roundtrip(void **state)
{
    (void)state;
    const char *texts[] = {
        "{\"s\": {\"x\": 1e10, \"d\": \"2024-02-29\"}, \"l\": [\"a\", null, \"\\u00e9\\\"\"], "
        "\"m\": {\"k\": 1.5}, \"t\": \"2024-01-02T03:04:05.678Z\", \"p\": 12.30}"};
    tcol out;
    void *site;
    from_json(&out, texts, 1,
              "s STRUCT<x: DOUBLE, d: DATE>, l ARRAY<STRING>, m MAP<STRING, DOUBLE>, t TIMESTAMP, "
              "p DECIMAL(5,2)",
              &site);
    assert_string_equal(to_json(&out, 0),
                        "{\"s\":{\"x\":1.0E10,\"d\":\"2024-02-29\"},\"l\":[\"a\",null,\"é\\\"\"],"
                        "\"m\":{\"k\":1.5},\"t\":\"2024-01-02T03:04:05.678Z\",\"p\":12.30}");
    silt_sql_scalar_find("from_json")->free_state(site);
    tcol_clear(&out);
    /* a schema that does not parse is an error at bind, naming the function */
    silt_error err = {0};
    tcol a, s, o, *args[2] = {&a, &s};
    tcol_str1(&a, "{}");
    tcol_str1(&s, "a INTEGR");
    bool k[2] = {false, true};
    assert_int_equal(call_scalar(&o, "from_json", args, k, 2, 1, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "from_json"));
    tcol_clear(&a);
    tcol_clear(&s);
}

static const char *gjo(const char *json, const char *path)
{
    static char buf[512];
    silt_error err = {0};
    tcol a, p, out, *args[2] = {&a, &p};
    bool k[2] = {false, true};
    tcol_str1(&a, json);
    tcol_str1(&p, path);
    int rc = call_scalar(&out, "get_json_object", args, k, 2, 1, &err);
    if (rc) {
        snprintf(buf, sizeof buf, "ERROR");
    } else if (!silt_column_is_valid(&out.c, 0)) {
        snprintf(buf, sizeof buf, "NULL");
    } else {
        size_t len;
        const uint8_t *s = silt_column_bytes(&out.c, 0, &len);
        snprintf(buf, sizeof buf, "%.*s", (int)len, (const char *)s);
    }
    if (!rc) tcol_clear(&out);
    tcol_clear(&a);
    tcol_clear(&p);
    return buf;
}

static void test_get_json_object(void **state)
{
    (void)state;
    /* Spark doc: get_json_object('{"a":"b"}', '$.a') -> b */
    assert_string_equal(gjo("{\"a\":\"b\"}", "$.a"), "b");
    const char *j = "{\"a\": {\"b\": [10, {\"c\": \"x\\ty\"}, [1, 2]]}, \"d\": null, \"e\": true,"
                    " \"f g\": 1.50}";
    assert_string_equal(gjo(j, "$.a.b[0]"), "10");
    assert_string_equal(gjo(j, "$.a.b[1].c"), "x\ty");
    assert_string_equal(gjo(j, "$.a.b[2]"), "[1,2]");
    assert_string_equal(gjo(j, "$.a.b[1]"), "{\"c\":\"x\\ty\"}");
    assert_string_equal(gjo(j, "$.a.b[3]"), "NULL");
    assert_string_equal(gjo(j, "$.d"), "NULL");
    assert_string_equal(gjo(j, "$.e"), "true");
    assert_string_equal(gjo(j, "$['f g']"), "1.50");
    assert_string_equal(gjo(j, "$.zz"), "NULL");
    assert_string_equal(gjo("{\"a\": 1", "$.b"), "NULL");
    assert_string_equal(gjo("not json", "$.a"), "NULL");
    assert_string_equal(gjo("", "$.a"), "NULL");
    assert_string_equal(gjo("[1, 2]", "$[1]"), "2");
    assert_string_equal(gjo("{\"a\":\"\\ud83d\\ude00\"}", "$.a"), "\xf0\x9f\x98\x80");
    assert_string_equal(gjo("{\"a\":1}", "a"), "ERROR");
    assert_string_equal(gjo("{\"a\":1}", "$.a[*]"), "ERROR");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_from_json),
        cmocka_unit_test(test_nested_roundtrip),
        cmocka_unit_test(test_get_json_object),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
