/* Unit tests for the struct, array and map functions (fn_collection.c) through the registry,
 * on the examples of Spark 3.5's SQL function reference and its non-ANSI edge cases. */
#include "test_sql_fn_harness.h"

static void test_named_struct_array(void **state)
{
    (void)state;
    silt_error err = {0};
    tcol n1, v1, n2, v2, out, *args[4] = {&n1, &v1, &n2, &v2};
    bool k[4] = {true, false, true, false};
    int64_t iv[] = {1, 2};
    bool valid[] = {true, false};
    tcol_str1(&n1, "a");
    tcol_ints(&v1, SILT_TYPE_INT32, iv, valid, 2);
    tcol_str1(&n2, "b");
    tcol_strs(&v2, (const char *[]){"x", "y"}, 2);
    /* Spark doc: named_struct("a", 1, "b", 2) -> {"a":1,"b":2} */
    assert_int_equal(call_scalar(&out, "named_struct", args, k, 4, 2, &err), 0);
    want_type(&out, "struct<a:int,b:string>");
    want_int(&(tcol){.c = out.c.children[0]}, 0, 1);
    assert_false(silt_column_is_valid(&out.c.children[0], 1));
    tcol_clear(&out);
    /* the names must be constants */
    assert_int_equal(call_scalar(&out, "named_struct", args, NULL, 4, 2, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "named_struct"));
    tcol *aargs[2] = {&v1, &v1};
    /* Spark doc: array(1, 2, 3) -> [1,2,3]; size(array('b', 'd', 'c', 'a')) -> 4 */
    assert_int_equal(call_scalar(&out, "array", aargs, NULL, 2, 2, &err), 0);
    want_type(&out, "array<int>");
    assert_int_equal(out.c.offsets[1], 2);
    assert_int_equal(out.c.offsets[2], 4);
    tcol sz, *sargs[1] = {&out};
    assert_int_equal(call_scalar(&sz, "size", sargs, NULL, 1, 2, &err), 0);
    want_int(&sz, 0, 2);
    tcol_clear(&sz);
    /* element_at: 1-based, negative from the end, NULL past the end or at a NULL element */
    tcol idx, *eargs[2] = {&out, &idx};
    int64_t ix[] = {-2, 3};
    tcol_ints(&idx, SILT_TYPE_INT32, ix, NULL, 2);
    tcol e;
    assert_int_equal(call_scalar(&e, "element_at", eargs, NULL, 2, 2, &err), 0);
    want_int(&e, 0, 1);
    want_null(&e, 1);
    tcol_clear(&e);
    tcol_clear(&idx);
    /* array_contains: NULL when not found but a NULL is in the array */
    int64_t probe[] = {1, 3};
    tcol_ints(&idx, SILT_TYPE_INT32, probe, NULL, 2);
    assert_int_equal(call_scalar(&e, "array_contains", eargs, NULL, 2, 2, &err), 0);
    want_bool(&e, 0, true);
    want_null(&e, 1);
    tcol_clear(&e);
    tcol_clear(&idx);
    tcol_clear(&out);
    tcol_clear(&n1);
    tcol_clear(&v1);
    tcol_clear(&n2);
    tcol_clear(&v2);
}

static void test_size_of_null(void **state)
{
    (void)state;
    silt_error err = {0};
    tcol s, p, arr, out, *args[2] = {&s, &p};
    bool k[2] = {false, true};
    tcol_strs(&s, (const char *[]){"a,b", NULL}, 2);
    tcol_str1(&p, ",");
    assert_int_equal(call_scalar(&arr, "split", args, k, 2, 2, &err), 0);
    tcol *sargs[1] = {&arr};
    /* non-ANSI Spark: size(NULL) -> -1 */
    assert_int_equal(call_scalar(&out, "size", sargs, NULL, 1, 2, &err), 0);
    want_int(&out, 0, 2);
    want_int(&out, 1, -1);
    tcol_clear(&out);
    tcol_clear(&arr);
    tcol_clear(&s);
    tcol_clear(&p);
}

static void test_map(void **state)
{
    (void)state;
    silt_error err = {0};
    tcol k1, v1, k2, v2, out, *args[4] = {&k1, &v1, &k2, &v2};
    bool k[4] = {true, false, true, true};
    int64_t iv[] = {1, 2};
    bool valid[] = {true, false};
    tcol_str1(&k1, "a");
    tcol_ints(&v1, SILT_TYPE_INT32, iv, valid, 2);
    tcol_str1(&k2, "b");
    tcol_decs(&v2, 3, 1, (int64_t[]){25}, NULL, 1);
    /* Spark doc: map(1.0, '2', 3.0, '4') -> {1.0:"2",3.0:"4"}; values unified: int and
     * decimal(3,1) -> decimal(11,1) */
    assert_int_equal(call_scalar(&out, "map", args, k, 4, 2, &err), 0);
    want_type(&out, "map<string,decimal(11,1)>");
    assert_int_equal(out.c.offsets[1], 2);
    assert_int_equal(out.c.offsets[2], 4);
    tcol key, look, *eargs[2] = {&out, &key};
    bool ek[2] = {false, true};
    tcol_str1(&key, "b");
    assert_int_equal(call_scalar(&look, "element_at", eargs, ek, 2, 2, &err), 0);
    want_dec(&look, 0, 25, 11, 1);
    tcol_clear(&look);
    tcol_clear(&key);
    tcol_str1(&key, "a");
    assert_int_equal(call_scalar(&look, "element_at", eargs, ek, 2, 2, &err), 0);
    want_dec(&look, 0, 10, 11, 1);
    want_null(&look, 1); /* the value is NULL */
    tcol_clear(&look);
    tcol_clear(&key);
    tcol_clear(&out);
    tcol_clear(&k1);
    tcol_clear(&v1);
    tcol_clear(&k2);
    tcol_clear(&v2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_named_struct_array),
        cmocka_unit_test(test_size_of_null),
        cmocka_unit_test(test_map),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
