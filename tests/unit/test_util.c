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

typedef struct opt_settings {
    int64_t trigger_us, limit;
    int format;
    bool format_given, dry_run;
    silt_opt_strings tags;
    const char *name;
} opt_settings;

enum { F_JSONL = 10, F_CSV = 20, F_TABLE = 30 };
static const silt_opt_choice formats[] = {
    {"jsonl", F_JSONL}, {"csv", F_CSV}, {"table", F_TABLE}, {NULL, 0}};

static const silt_opt_spec spec[] = {
    {"trigger", 0, SILT_OPT_DURATION, "DURATION", "1s", NULL, "micro-batch trigger",
     SILT_OPT_TO_I64(opt_settings, trigger_us)},
    {"limit", 'n', SILT_OPT_INT, "N", "10", "0..100", "row limit",
     SILT_OPT_TO_I64(opt_settings, limit)},
    {"format", 0, SILT_OPT_CHOICE, "FMT", "csv", NULL, "output format",
     SILT_OPT_TO_INT(opt_settings, format), SILT_OPT_CHOICES(formats),
     SILT_OPT_GIVEN(opt_settings, format_given)},
    {"dry-run", 0, SILT_OPT_FLAG, NULL, NULL, NULL, "only print",
     SILT_OPT_TO_BOOL(opt_settings, dry_run)},
    {"tag", 0, SILT_OPT_STRINGS, "T", NULL, NULL, "repeatable",
     SILT_OPT_TO_STRINGS(opt_settings, tags)},
    {"name", 0, SILT_OPT_STRING, "N", NULL, NULL, "no default",
     SILT_OPT_TO_STR(opt_settings, name)},
    {0},
};

static void test_opts_parse(void **state)
{
    (void)state;
    char *argv[] = {
        "cmd",     "--trigger=250ms",   "-n", "5",     "pos1", "--dry-run", "kafka.acks=all",
        "--tag=a", "--kafka.linger.ms", "7",  "--tag", "b",    "--",        "--pos2"};
    silt_opts o;
    opt_settings set;
    memset(&set, 0xa5, sizeof set); /* every member must be written */
    silt_error err;
    assert_int_equal(silt_opts_parse(&o, spec, &set, 14, argv, 1, "kafka.", &err), 0);
    assert_int_equal(set.trigger_us, 250000);
    assert_int_equal(set.limit, 5);
    assert_true(set.dry_run);
    assert_int_equal(set.format, F_CSV); /* the default, mapped to its value */
    assert_false(set.format_given);
    assert_null(set.name);
    assert_int_equal(set.tags.n, 2);
    assert_string_equal(set.tags.v[0], "a");
    assert_string_equal(set.tags.v[1], "b");
    char *argv2[] = {"cmd", "--format", "table"};
    assert_int_equal(silt_opts_parse(&o, spec, &set, 3, argv2, 1, NULL, &err), 0);
    assert_int_equal(set.format, F_TABLE);
    assert_true(set.format_given);
    assert_false(set.dry_run);
    assert_int_equal(set.tags.n, 0);
    assert_int_equal(silt_opts_parse(&o, spec, &set, 11 + 3, argv, 1, "kafka.", &err), 0);
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
    opt_settings set;
    silt_error err;
    char *a1[] = {"cmd", "--triger", "1s"};
    assert_int_equal(silt_opts_parse(&o, spec, &set, 3, a1, 1, NULL, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "did you mean --trigger?"));
    char *a2[] = {"cmd", "--limit", "500"};
    assert_int_equal(silt_opts_parse(&o, spec, &set, 3, a2, 1, NULL, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "out of range"));
    char *a3[] = {"cmd", "--format", "xml"};
    assert_int_equal(silt_opts_parse(&o, spec, &set, 3, a3, 1, NULL, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "jsonl|csv|table"));
    char *a4[] = {"cmd", "--trigger", "soon"};
    assert_int_equal(silt_opts_parse(&o, spec, &set, 3, a4, 1, NULL, &err), SILT_EINVAL);
    char *a5[] = {"cmd", "--limit"};
    assert_int_equal(silt_opts_parse(&o, spec, &set, 2, a5, 1, NULL, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "needs a value"));
}

/* A size range's bounds are sizes too: "1..2G" takes 64M and refuses 3G. */
static void test_opts_size_range(void **state)
{
    (void)state;
    silt_opts o;
    opt_settings set;
    silt_error err;
    const silt_opt_spec sized[] = {{"max-bytes", 0, SILT_OPT_SIZE, "B", "128M", "1..2G", "x",
                                    SILT_OPT_TO_I64(opt_settings, limit)},
                                   {0}};
    char *ok[] = {"cmd", "--max-bytes", "64M"};
    assert_int_equal(silt_opts_parse(&o, sized, &set, 3, ok, 1, NULL, &err), 0);
    assert_int_equal(set.limit, 64ll << 20);
    char *dflt[] = {"cmd"};
    assert_int_equal(silt_opts_parse(&o, sized, &set, 1, dflt, 1, NULL, &err), 0);
    assert_int_equal(set.limit, 128ll << 20);
    char *big[] = {"cmd", "--max-bytes", "3G"};
    assert_int_equal(silt_opts_parse(&o, sized, &set, 3, big, 1, NULL, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "out of range"));
}

/* A table entry that cannot be stored fails loudly, whatever the command line. */
static void test_opts_bad_tables(void **state)
{
    (void)state;
    silt_opts o;
    opt_settings set;
    silt_error err;
    char *argv[] = {"cmd"};
    const silt_opt_spec no_dest[] = {
        {"limit", 0, SILT_OPT_INT, "N", NULL, NULL, "x", .choices = NULL}, {0}};
    assert_int_equal(silt_opts_parse(&o, no_dest, &set, 1, argv, 1, NULL, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "internal: option --limit"));
    const silt_opt_spec wrong_type[] = {
        {"limit", 0, SILT_OPT_INT, "N", NULL, NULL, "x", SILT_OPT_TO_BOOL(opt_settings, dry_run)},
        {0}};
    assert_int_equal(silt_opts_parse(&o, wrong_type, &set, 1, argv, 1, NULL, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "not of its type"));
    const silt_opt_spec bad_default[] = {{"format", 0, SILT_OPT_CHOICE, "F", "xml", NULL, "x",
                                          SILT_OPT_TO_INT(opt_settings, format),
                                          SILT_OPT_CHOICES(formats)},
                                         {0}};
    assert_int_equal(silt_opts_parse(&o, bad_default, &set, 1, argv, 1, NULL, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "default"));
    const silt_opt_spec no_choices[] = {
        {"format", 0, SILT_OPT_CHOICE, "F", NULL, NULL, "x", SILT_OPT_TO_INT(opt_settings, format)},
        {0}};
    assert_int_equal(silt_opts_parse(&o, no_choices, &set, 1, argv, 1, NULL, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "no choices"));
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
        cmocka_unit_test(test_opts_bad_tables),
        cmocka_unit_test(test_opts_size_range),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_arena_and_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
