/* Unit tests for src/util: allocation hook, buffers, errors, options, suggestions, time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/opt.h"
#include "util/suggest.h"
#include "util/time.h"

static void test_alloc_fail_nth(void **state)
{
    (void)state;
    silt_alloc_fail_nth(2);
    void *a = silt_malloc(8);
    void *b = silt_malloc(8);
    void *c = silt_malloc(8);
    assert_non_null(a);
    assert_null(b);
    assert_non_null(c);
    silt_free(a);
    silt_free(c);
    silt_free(NULL);
}

static void test_buf_grow_and_oom(void **state)
{
    (void)state;
    silt_buf b = SILT_BUF_INIT;
    for (int i = 0; i < 1000; i++) assert_int_equal(silt_buf_printf(&b, "%d,", i), 0);
    assert_true(b.len > 2000);
    assert_memory_equal(b.ptr, "0,1,2,", 6);
    silt_buf_reset(&b);
    silt_buf_free(&b);
    /* a failed growth sticks: later appends are no-ops and report ENOMEM */
    silt_alloc_fail_nth(1);
    assert_int_equal(silt_buf_append(&b, "abc", 3), SILT_ENOMEM);
    assert_true(silt_buf_oom(&b));
    assert_int_equal(silt_buf_puts(&b, "x"), SILT_ENOMEM);
    assert_int_equal(b.len, 0);
    silt_buf_free(&b);
    assert_int_equal(silt_buf_put_u32le(&b, 0x01020304), 0);
    assert_int_equal(b.ptr[0], 4);
    silt_buf_free(&b);
}

static void test_error_format(void **state)
{
    (void)state;
    silt_error err;
    silt_error_clear(&err);
    assert_int_equal(silt_error_set(&err, SILT_ECORRUPT, "bad page header"), SILT_ECORRUPT);
    silt_error_path(&err, "/tmp/x.parquet");
    silt_error_column(&err, "a.b");
    silt_error_offset(&err, 1234);
    char out[512];
    silt_error_format(&err, out, sizeof out);
    assert_string_equal(out, "bad page header (/tmp/x.parquet, column a.b, offset 1234)");
    silt_error_prefix(&err, "reading %s", "footer");
    assert_string_equal(err.msg, "reading footer: bad page header");
    silt_error_set(&err, SILT_ECORRUPT, "unexpected token");
    silt_error_position(&err, 3, 14);
    silt_error_format(&err, out, sizeof out);
    assert_string_equal(out, "unexpected token (line 3:14)");
}

static const silt_opt_spec spec[] = {
    {"trigger", 0, SILT_OPT_DURATION, "DURATION", "1s", NULL, "micro-batch trigger"},
    {"limit", 'n', SILT_OPT_INT, "N", "10", "0..100", "row limit"},
    {"format", 0, SILT_OPT_CHOICE, "FMT", "jsonl", "jsonl|csv|table", "output format"},
    {"dry-run", 0, SILT_OPT_FLAG, NULL, NULL, NULL, "only print"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL},
};

static void test_opts_parse(void **state)
{
    (void)state;
    char *argv[] = {"cmd",
                    "--trigger=250ms",
                    "-n",
                    "5",
                    "pos1",
                    "--dry-run",
                    "kafka.acks=all",
                    "--kafka.linger.ms",
                    "7",
                    "--",
                    "--pos2"};
    silt_opts o;
    silt_error err;
    assert_int_equal(silt_opts_parse(&o, spec, 11, argv, 1, "kafka.", &err), 0);
    assert_int_equal(silt_opts_duration_us(&o, "trigger"), 250000);
    assert_int_equal(silt_opts_int(&o, "limit"), 5);
    assert_true(silt_opts_flag(&o, "dry-run"));
    assert_string_equal(silt_opts_str(&o, "format"), "jsonl");
    assert_false(silt_opts_given(&o, "format"));
    assert_int_equal(o.n_args, 2);
    assert_string_equal(o.args[0], "pos1");
    assert_string_equal(o.args[1], "--pos2");
    assert_int_equal(o.n_extra, 2);
    assert_string_equal(o.extra_key[0], "kafka.acks");
    assert_string_equal(o.extra_val[0], "all");
    assert_string_equal(o.extra_key[1], "kafka.linger.ms");
    assert_string_equal(o.extra_val[1], "7");
}

static void test_opts_errors_suggest(void **state)
{
    (void)state;
    silt_opts o;
    silt_error err;
    char *a1[] = {"cmd", "--triger", "1s"};
    assert_int_equal(silt_opts_parse(&o, spec, 3, a1, 1, NULL, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "did you mean --trigger?"));
    char *a2[] = {"cmd", "--limit", "500"};
    assert_int_equal(silt_opts_parse(&o, spec, 3, a2, 1, NULL, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "out of range"));
    char *a3[] = {"cmd", "--format", "xml"};
    assert_int_equal(silt_opts_parse(&o, spec, 3, a3, 1, NULL, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "jsonl|csv|table"));
    char *a4[] = {"cmd", "--trigger", "soon"};
    assert_int_equal(silt_opts_parse(&o, spec, 3, a4, 1, NULL, &err), SILT_EINVAL);
    char *a5[] = {"cmd", "--limit"};
    assert_int_equal(silt_opts_parse(&o, spec, 2, a5, 1, NULL, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "needs a value"));
}

static void test_suggest(void **state)
{
    (void)state;
    const char *names[] = {"ingest", "produce", "parquet", "table", "version", "kafka-dev"};
    assert_string_equal(silt_suggest("ingets", names, 6), "ingest");
    assert_string_equal(silt_suggest("parqet", names, 6), "parquet");
    assert_string_equal(silt_suggest("versoin", names, 6), "version");
    assert_null(silt_suggest("zzzzzzzzzz", names, 6));
    assert_int_equal(silt_suggest_distance("kitten", "sitting"), 3);
}

static void test_time(void **state)
{
    (void)state;
    int64_t y;
    unsigned m, d;
    silt_time_civil_from_days(0, &y, &m, &d);
    assert_int_equal(y, 1970);
    assert_int_equal(m, 1);
    assert_int_equal(d, 1);
    assert_int_equal(silt_time_days_from_civil(2000, 3, 1), 11017);
    silt_time_civil_from_days(-1, &y, &m, &d);
    assert_int_equal(y, 1969);
    assert_int_equal(d, 31);
    char buf[64];
    silt_time_format_iso(buf, sizeof buf, 1700000000123456LL);
    assert_string_equal(buf, "2023-11-14T22:13:20.123Z");
    int64_t us;
    assert_int_equal(silt_time_parse_duration_us(&us, "1.5s"), 0);
    assert_int_equal(us, 1500000);
    assert_int_equal(silt_time_parse_duration_us(&us, "7d"), 0);
    assert_int_equal(us, 7LL * 86400 * 1000000);
    assert_int_equal(silt_time_parse_duration_us(&us, "fast"), -1);
    uint64_t t0 = silt_time_mono_ns();
    assert_true(silt_time_mono_ns() >= t0);
}

static void test_arena_and_hash(void **state)
{
    (void)state;
    silt_arena *a = silt_arena_create(4096);
    assert_non_null(a);
    for (int i = 0; i < 1000; i++) {
        char *p = silt_arena_strndup(a, "hello world", 11);
        assert_non_null(p);
        assert_int_equal(((uintptr_t)p) & 15, 0);
        assert_string_equal(p, "hello world");
    }
    assert_true(silt_arena_used(a) >= 16000);
    silt_arena_reset(a);
    assert_int_equal(silt_arena_used(a), 0);
    assert_non_null(silt_arena_alloc(a, 100000));
    silt_arena_destroy(a);
    silt_arena_destroy(NULL);
    assert_int_equal(silt_hash_bytes("abc", 3, 1), silt_hash_bytes("abc", 3, 1));
    assert_int_not_equal(silt_hash_bytes("abc", 3, 1), silt_hash_bytes("abd", 3, 1));
    int64_t sz;
    assert_int_equal(silt_opt_parse_size(&sz, "128M"), 0);
    assert_int_equal(sz, 128LL << 20);
    assert_int_equal(silt_opt_parse_size(&sz, "64KiB"), 0);
    assert_int_equal(sz, 64LL << 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_fail_nth),
        cmocka_unit_test(test_buf_grow_and_oom),
        cmocka_unit_test(test_error_format),
        cmocka_unit_test(test_opts_parse),
        cmocka_unit_test(test_opts_errors_suggest),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_arena_and_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
