/* Unit tests for the string (fn_string.c, fn_concat.c) and regular-expression (fn_regex.c,
 * fn_split.c) functions through the registry; expected values are the examples of Spark 3.5's
 * SQL function reference, plus NULLs, empty strings, multi-byte and invalid UTF-8. */
#include "test_sql_fn_harness.h"

#include <stdlib.h>

/* f(s) over one row of a string, returning the result as text ("NULL" for NULL). */
static const char *str1(const char *fn, const char *s)
{
    static char buf[512];
    silt_error err = {0};
    tcol a, out, *args[1] = {&a};
    tcol_str1(&a, s);
    assert_int_equal(call_scalar(&out, fn, args, NULL, 1, 1, &err), 0);
    if (!silt_column_is_valid(&out.c, 0)) {
        snprintf(buf, sizeof buf, "NULL");
    } else if (out.c.type == SILT_TYPE_STRING) {
        size_t len;
        const uint8_t *p = silt_column_bytes(&out.c, 0, &len);
        snprintf(buf, sizeof buf, "%.*s", (int)len, (const char *)p);
    } else if (out.c.type == SILT_TYPE_BOOL) {
        snprintf(buf, sizeof buf, "%s", silt_bit_get(out.c.values, 0) ? "true" : "false");
    } else {
        snprintf(buf, sizeof buf, "%lld", (long long)silt_column_get_int(&out.c, 0));
    }
    tcol_clear(&out);
    tcol_clear(&a);
    return buf;
}

/* f(args...) over one row: the first argument a string column, the others one-row string
 * constants or, for "#n", int constants. */
static const char *strn(const char *fn, int n, ...)
{
    static char buf[1024];
    silt_error err = {0};
    tcol cols[MAXA], *args[MAXA], out;
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        const char *s = va_arg(ap, const char *);
        if (s && s[0] == '#')
            tcol_int1(&cols[i], SILT_TYPE_INT32, atoi(s + 1));
        else
            tcol_str1(&cols[i], s);
        args[i] = &cols[i];
    }
    va_end(ap);
    bool k[MAXA] = {false};
    for (int i = 1; i < n; i++) k[i] = true;
    int rc = call_scalar(&out, fn, args, k, n, 1, &err);
    if (rc != 0) {
        snprintf(buf, sizeof buf, "ERROR %s", err.msg);
    } else if (!silt_column_is_valid(&out.c, 0)) {
        snprintf(buf, sizeof buf, "NULL");
    } else if (out.c.type == SILT_TYPE_STRING) {
        size_t len;
        const uint8_t *p = silt_column_bytes(&out.c, 0, &len);
        snprintf(buf, sizeof buf, "%.*s", (int)len, (const char *)p);
    } else if (out.c.type == SILT_TYPE_BOOL) {
        snprintf(buf, sizeof buf, "%s", silt_bit_get(out.c.values, 0) ? "true" : "false");
    } else if (out.c.type == SILT_TYPE_LIST) {
        size_t len = 0;
        buf[len++] = '[';
        const silt_column *el = &out.c.children[0];
        for (int32_t e = out.c.offsets[0]; e < out.c.offsets[1]; e++) {
            size_t l;
            const uint8_t *p = silt_column_bytes(el, e, &l);
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s'%.*s'",
                                    e > out.c.offsets[0] ? "," : "", (int)l, (const char *)p);
        }
        snprintf(buf + len, sizeof buf - len, "]");
    } else {
        snprintf(buf, sizeof buf, "%lld", (long long)silt_column_get_int(&out.c, 0));
    }
    if (rc == 0) tcol_clear(&out);
    for (int i = 0; i < n; i++) tcol_clear(&cols[i]);
    return buf;
}

static void test_case_trim_length(void **state)
{
    (void)state;
    assert_string_equal(str1("upper", "SparkSql"), "SPARKSQL");
    assert_string_equal(str1("lower", "SparkSql"), "sparksql");
    assert_string_equal(str1("upper", "éa"), "ÉA");
    assert_string_equal(str1("lower", "ÀÉÎ"), "àéî");
    assert_string_equal(str1("upper", "a\xff"
                                      "b"),
                        "A\xff"
                        "B"); /* invalid byte kept */
    assert_string_equal(str1("initcap", "sPark sql"), "Spark Sql");
    assert_string_equal(str1("trim", "    SparkSQL   "), "SparkSQL");
    assert_string_equal(str1("ltrim", "    SparkSQL   "), "SparkSQL   ");
    assert_string_equal(str1("rtrim", "    SparkSQL   "), "    SparkSQL");
    assert_string_equal(str1("trim", "\tx "), "\tx"); /* only spaces */
    assert_string_equal(strn("trim", 2, "SSparkSQLS", "SL"), "parkSQ");
    assert_string_equal(str1("length", "Spark SQL "), "10");
    assert_string_equal(str1("length", "héllo"), "5");
    assert_string_equal(str1("length", ""), "0");
    assert_string_equal(str1("length", NULL), "NULL");
    assert_string_equal(str1("reverse", "Spark SQL"), "LQS krapS");
    assert_string_equal(str1("reverse", "añb"), "bña");
    assert_string_equal(str1("ascii", "222"), "50");
}

static void test_substr(void **state)
{
    (void)state;
    /* Spark doc: substr('Spark SQL', 5) -> 'k SQL'; substr('Spark SQL', -3) -> 'SQL';
     * substr('Spark SQL', 5, 1) -> 'k' */
    assert_string_equal(strn("substr", 2, "Spark SQL", "#5"), "k SQL");
    assert_string_equal(strn("substr", 2, "Spark SQL", "#-3"), "SQL");
    assert_string_equal(strn("substring", 3, "Spark SQL", "#5", "#1"), "k");
    assert_string_equal(strn("substr", 3, "Spark SQL", "#0", "#2"), "Sp");
    assert_string_equal(strn("substr", 3, "Spark SQL", "#-20", "#22"), "Spark SQL");
    assert_string_equal(strn("substr", 3, "Spark SQL", "#-10", "#3"), "Sp");
    assert_string_equal(strn("substr", 3, "Spark SQL", "#100", "#2"), "");
    assert_string_equal(strn("substr", 3, "Spark SQL", "#2", "#-1"), "");
    assert_string_equal(strn("substr", 3, "héllo", "#2", "#2"), "él");
    assert_string_equal(strn("substr", 3, NULL, "#2", "#2"), "NULL");
    assert_string_equal(strn("left", 2, "Spark SQL", "#3"), "Spa");
    assert_string_equal(strn("right", 2, "Spark SQL", "#3"), "SQL");
    assert_string_equal(strn("right", 2, "Spark SQL", "#-1"), "");
}

static void test_pad_concat_replace(void **state)
{
    (void)state;
    /* Spark doc: lpad('hi', 5, '??') -> '???hi'; lpad('hi', 1, '??') -> 'h'; lpad('hi', 5) ->
     * '   hi'; rpad('hi', 5, '??') -> 'hi???' */
    assert_string_equal(strn("lpad", 3, "hi", "#5", "??"), "???hi");
    assert_string_equal(strn("lpad", 3, "hi", "#1", "??"), "h");
    assert_string_equal(strn("lpad", 2, "hi", "#5"), "   hi");
    assert_string_equal(strn("rpad", 3, "hi", "#5", "??"), "hi???");
    assert_string_equal(strn("rpad", 3, "hi", "#5", "ab"), "hiaba");
    assert_string_equal(strn("lpad", 3, "hi", "#5", ""), "hi");
    assert_string_equal(strn("lpad", 3, "hi", "#-1", "x"), "");
    assert_string_equal(strn("concat", 2, "Spark", "SQL"), "SparkSQL");
    assert_string_equal(strn("concat", 2, "Spark", NULL), "NULL");
    assert_string_equal(strn("concat_ws", 3, " ", "Spark", "SQL"), "Spark SQL");
    assert_string_equal(strn("concat_ws", 4, "s", NULL, "a", NULL), "a");
    assert_string_equal(strn("concat_ws", 3, NULL, "a", "b"), "NULL");
    assert_string_equal(strn("replace", 3, "ABCabc", "abc", "DEF"), "ABCDEF");
    assert_string_equal(strn("replace", 2, "ABCabc", "abc"), "ABC");
    assert_string_equal(strn("replace", 3, "aaa", "", "x"), "aaa");
    assert_string_equal(strn("replace", 3, "aaaa", "aa", "b"), "bb");
    assert_string_equal(strn("repeat", 2, "123", "#2"), "123123");
}

static void test_predicates(void **state)
{
    (void)state;
    assert_string_equal(strn("starts_with", 2, "Spark SQL", "Spark"), "true");
    assert_string_equal(strn("startswith", 2, "Spark SQL", "SQL"), "false");
    assert_string_equal(strn("starts_with", 2, "Spark SQL", ""), "true");
    assert_string_equal(strn("starts_with", 2, "Spark SQL", NULL), "NULL");
    assert_string_equal(strn("ends_with", 2, "Spark SQL", "SQL"), "true");
    assert_string_equal(strn("contains", 2, "Spark SQL", "k S"), "true");
    assert_string_equal(strn("contains", 2, "", ""), "true");
    assert_string_equal(strn("instr", 2, "SparkSQL", "SQL"), "6");
    assert_string_equal(strn("instr", 2, "héllo", "l"), "3");
    assert_string_equal(strn("locate", 3, "bar", "foobarbar", "#5"), "7");
    assert_string_equal(strn("locate", 2, "bar", "foobarbar"), "4");
    assert_string_equal(strn("locate", 3, "bar", "foobarbar", "#0"), "0");
}

static void test_regex(void **state)
{
    (void)state;
    /* Spark doc examples */
    assert_string_equal(strn("regexp_extract", 3, "100-200", "(\\d+)-(\\d+)", "#1"), "100");
    assert_string_equal(strn("regexp_extract", 3, "100-200", "(\\d+)-(\\d+)", "#0"), "100-200");
    assert_string_equal(strn("regexp_extract", 2, "100-200", "(\\d+)"), "100");
    assert_string_equal(strn("regexp_extract", 2, "abc", "(\\d+)"), "");
    assert_string_equal(strn("regexp_extract", 2, "a", "(x)?a"), "");
    assert_non_null(strstr(strn("regexp_extract", 3, "x", "(a)", "#2"), "ERROR"));
    assert_string_equal(strn("regexp_replace", 3, "100-200", "(\\d+)", "num"), "num-num");
    assert_string_equal(strn("regexp_replace", 3, "abc", "x*", "-"), "-a-b-c-");
    assert_string_equal(strn("regexp_replace", 3, "baaa", "a*", "-"), "-b--");
    assert_string_equal(strn("regexp_replace", 3, "2024-01-31", "(\\d+)-(\\d+)-(\\d+)", "$3/$2/$1"),
                        "31/01/2024");
    assert_string_equal(strn("regexp_replace", 3, "a.b", "\\.", "\\$"), "a$b");
    assert_string_equal(strn("regexp_replace", 3, "héllo", "l", "L"), "héLLo");
    assert_string_equal(strn("regexp_replace", 4, "aaa", "a", "b", "#2"), "abb");
    assert_non_null(strstr(strn("regexp_replace", 3, "x", "(a)", "$2"), "ERROR"));
    assert_non_null(strstr(strn("rlike", 2, "x", "(unclosed"), "ERROR"));
    assert_string_equal(strn("rlike", 2, "Spark", "ar"), "true");
    assert_string_equal(strn("rlike", 2, "Spark", "^ar"), "false");
    assert_string_equal(strn("rlike", 2, "%SystemDrive%\\Users\\John", "%SystemDrive%\\\\Users.*"),
                        "true");
    assert_string_equal(strn("rlike", 2, NULL, "a"), "NULL");
    /* Java's POSIX classes */
    assert_string_equal(strn("regexp_replace", 3, "a1,b2!", "\\p{Punct}", ""), "a1b2");
    assert_string_equal(strn("regexp_replace", 3, "a1,b2!", "\\P{Alpha}+", "_"), "a_b_");
    assert_string_equal(strn("regexp_replace", 3, "a1,b2!", "[\\p{Digit}b]", ""), "a,!");
    assert_string_equal(strn("rlike", 2,
                             "a\xff"
                             "b",
                             "b$"),
                        "true"); /* invalid UTF-8 */
}

static void test_split(void **state)
{
    (void)state;
    /* Spark doc: split('oneAtwoBthreeC', '[ABC]') -> ["one","two","three",""];
     * with limit 2 -> ["one","twoBthreeC"]; limit -1 -> all four */
    assert_string_equal(strn("split", 2, "oneAtwoBthreeC", "[ABC]"), "['one','two','three','']");
    assert_string_equal(strn("split", 3, "oneAtwoBthreeC", "[ABC]", "#2"), "['one','twoBthreeC']");
    assert_string_equal(strn("split", 3, "oneAtwoBthreeC", "[ABC]", "#-1"),
                        "['one','two','three','']");
    assert_string_equal(strn("split", 2, "", ","), "['']");
    assert_string_equal(strn("split", 2, "abc", ""), "['a','b','c']");
    assert_string_equal(strn("split", 2, ",a,,b", ","), "['','a','','b']");
    /* Java: an empty match right after a non-empty one splits again */
    assert_string_equal(strn("split", 2, "a1b", "\\d*"), "['a','','b','']");
    assert_string_equal(strn("split", 2, NULL, ","), "NULL");
}

static void test_digests(void **state)
{
    (void)state;
    /* Spark doc: md5('Spark') -> 8cde774d6f7333752ed72cacddb05126; sha1('Spark') ->
     * 85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c; sha2('Spark', 256) -> 529bc3b0...;
     * crc32('Spark') -> 1557323817 */
    assert_string_equal(str1("md5", "Spark"), "8cde774d6f7333752ed72cacddb05126");
    assert_string_equal(str1("sha1", "Spark"), "85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c");
    assert_string_equal(strn("sha2", 2, "Spark", "#256"),
                        "529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b");
    assert_string_equal(strn("sha2", 2, "Spark", "#0"),
                        "529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b");
    assert_string_equal(strn("sha2", 2, "Spark", "#1"), "NULL");
    assert_string_equal(str1("crc32", "Spark"), "1557323817");
    assert_string_equal(str1("md5", ""), "d41d8cd98f00b204e9800998ecf8427e");
    assert_string_equal(str1("md5", NULL), "NULL");
}

/* A column of patterns that vary per row: compiled per distinct pattern; a bad one is NULL. */
static void test_regex_vector_patterns(void **state)
{
    (void)state;
    silt_error err = {0};
    tcol s, p, out, *args[2] = {&s, &p};
    const char *sv[] = {"abc", "abc", "abc", "abc"}, *pv[] = {"^a", "^a", "(", "c$"};
    tcol_strs(&s, sv, 4);
    tcol_strs(&p, pv, 4);
    assert_int_equal(call_scalar(&out, "rlike", args, NULL, 2, 4, &err), 0);
    want_bool(&out, 0, true);
    want_bool(&out, 1, true);
    want_null(&out, 2);
    want_bool(&out, 3, true);
    tcol_clear(&out);
    tcol_clear(&s);
    tcol_clear(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_trim_length),
        cmocka_unit_test(test_substr),
        cmocka_unit_test(test_pad_concat_replace),
        cmocka_unit_test(test_predicates),
        cmocka_unit_test(test_regex),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_regex_vector_patterns),
        cmocka_unit_test(test_digests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
