/* Out of memory in the SQL functions: every allocation of a bind, an evaluation or an
 * aggregate's update/merge/finalize is made to fail in turn (util/alloc.h's test hook), and
 * each call must return 0 or SILT_ENOMEM and release what it held (run under the address
 * sanitizer, `make asan`, this also checks for leaks). */
#include "test_sql_fn_harness.h"

/* Columns built before the failure points, so that only the function's own allocations fail. */
typedef struct fixture {
    tcol s, pat, rep, json, schema, num, path;
} fixture;

static void fixture_init(fixture *f)
{
    const char *s[] = {"a1b22c333", NULL, "", "héllo wörld", "x,y,,z"};
    const char *js[] = {"{\"a\": 1, \"b\": [\"x\", \"y\"]}", "bad", NULL, "{\"a\": \"x\"}",
                        "{\"b\": []}"};
    tcol_strs(&f->s, s, 5);
    tcol_strs(&f->json, js, 5);
    tcol_str1(&f->pat, "(\\d+)");
    tcol_str1(&f->rep, "<$1>");
    tcol_str1(&f->schema, "a INT, b ARRAY<STRING>");
    tcol_str1(&f->path, "$.b[1]");
    int64_t v[] = {3, 1, 3, 7, 1};
    tcol_ints(&f->num, SILT_TYPE_INT64, v, NULL, 5);
}

static void fixture_clear(fixture *f)
{
    tcol_clear(&f->s);
    tcol_clear(&f->pat);
    tcol_clear(&f->rep);
    tcol_clear(&f->json);
    tcol_clear(&f->schema);
    tcol_clear(&f->num);
    tcol_clear(&f->path);
}

/* One scalar call with the nth allocation failing; returns the code (0 = it succeeded). */
static int scalar_once(const char *name, tcol **args, int n_args, uint64_t nth)
{
    const silt_sql_scalar_fn *fn = silt_sql_scalar_find(name);
    const silt_field *types[MAXA];
    const silt_column *consts[MAXA], *cols[MAXA];
    bool k[MAXA];
    silt_field want[MAXA];
    memset(want, 0, sizeof want);
    for (int i = 0; i < n_args; i++) {
        types[i] = &args[i]->f;
        cols[i] = &args[i]->c;
        k[i] = i > 0;
        consts[i] = i > 0 ? &args[i]->c : NULL;
    }
    silt_sql_fn_bind b = {
        .n_args = (size_t)n_args, .arg_types = types, .const_args = consts, .want = want};
    silt_error err = {0};
    silt_alloc_fail_nth(nth);
    int rc = fn->bind(&b, &err);
    if (rc == 0) {
        silt_sql_fn_args a = {.n = (size_t)n_args, .cols = cols, .is_const = k, .types = types};
        silt_column out;
        if (silt_column_init(&out, &b.ret) == 0) {
            rc = fn->eval(b.state, &out, &a, args[0]->c.length, &err);
            silt_column_clear(&out);
        } else {
            rc = SILT_ENOMEM;
        }
        if (fn->free_state) fn->free_state(b.state);
        silt_field_clear(&b.ret);
    }
    silt_alloc_fail_nth(0);
    for (int i = 0; i < n_args; i++) silt_field_clear(&want[i]);
    if (rc != 0 && rc != SILT_ENOMEM)
        fail_msg("%s: rc %d (%s) at failure %lu", name, rc, err.msg, (unsigned long)nth);
    return rc;
}

/* Fails each allocation in turn until the call goes through without a failure. */
static void sweep_scalar(const char *name, tcol **args, int n_args)
{
    for (uint64_t nth = 1; nth < 10000; nth++) {
        uint64_t before = silt_alloc_count();
        int rc = scalar_once(name, args, n_args, nth);
        if (rc == 0 && silt_alloc_count() - before < nth) return;
    }
    fail_msg("%s: no end to allocations", name);
}

static void test_scalar_oom(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f);
    sweep_scalar("regexp_replace", (tcol *[]){&f.s, &f.pat, &f.rep}, 3);
    sweep_scalar("regexp_extract", (tcol *[]){&f.s, &f.pat}, 2);
    sweep_scalar("split", (tcol *[]){&f.s, &f.pat}, 2);
    sweep_scalar("upper", (tcol *[]){&f.s}, 1);
    sweep_scalar("concat_ws", (tcol *[]){&f.pat, &f.s, &f.s}, 3);
    sweep_scalar("from_json", (tcol *[]){&f.json, &f.schema}, 2);
    sweep_scalar("get_json_object", (tcol *[]){&f.json, &f.path}, 2);
    sweep_scalar("to_date", (tcol *[]){&f.s, &f.rep}, 2);
    sweep_scalar("from_unixtime", (tcol *[]){&f.num}, 1);
    fixture_clear(&f);
}

/* One aggregate run (bind, init, update, merge, finalize, destroy) with the nth allocation
 * failing. */
static int agg_once(const char *name, bool distinct, tcol *arg, uint64_t nth)
{
    const silt_sql_agg_fn *fn = silt_sql_agg_find(name);
    const silt_field *types[1] = {&arg->f};
    const silt_column *consts[1] = {NULL}, *cols[1] = {&arg->c};
    silt_field want[1];
    memset(want, 0, sizeof want);
    silt_sql_fn_bind b = {
        .n_args = 1, .arg_types = types, .const_args = consts, .want = want, .distinct = distinct};
    silt_error err = {0};
    silt_alloc_fail_nth(nth);
    int rc = fn->bind(&b, &err);
    if (rc == 0) {
        size_t stride = (b.agg_state_size + 15) / 16 * 16;
        uint8_t st[2 * 1024] __attribute__((aligned(16)));
        assert_true(2 * stride <= sizeof st);
        fn->init(b.state, st);
        fn->init(b.state, st + stride);
        bool k[1] = {false};
        uint32_t groups[5] = {0, 1, 0, 1, 0};
        silt_sql_fn_args a = {.n = 1, .cols = cols, .is_const = k, .types = types};
        rc = fn->update(b.state, st, stride, groups, &a, arg->c.length, &err);
        if (rc == 0) rc = fn->merge(b.state, st, st + stride, &err);
        silt_column out;
        if (rc == 0 && (rc = silt_column_init(&out, &b.ret)) == 0) {
            rc = fn->finalize(b.state, &out, st, stride, 2, &err);
            silt_column_clear(&out);
        }
        if (fn->destroy) {
            fn->destroy(b.state, st);
            fn->destroy(b.state, st + stride);
        }
        if (fn->free_state) fn->free_state(b.state);
        silt_field_clear(&b.ret);
    }
    silt_alloc_fail_nth(0);
    silt_field_clear(&want[0]);
    if (rc != 0 && rc != SILT_ENOMEM) fail_msg("%s: rc %d (%s)", name, rc, err.msg);
    return rc;
}

static void sweep_agg(const char *name, bool distinct, tcol *arg)
{
    for (uint64_t nth = 1; nth < 10000; nth++) {
        uint64_t before = silt_alloc_count();
        int rc = agg_once(name, distinct, arg, nth);
        if (rc == 0 && silt_alloc_count() - before < nth) return;
    }
    fail_msg("%s: no end to allocations", name);
}

static void test_agg_oom(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f);
    sweep_agg("count", true, &f.s);
    sweep_agg("count", true, &f.num);
    sweep_agg("sum", true, &f.num);
    sweep_agg("max", false, &f.s);
    sweep_agg("approx_count_distinct", false, &f.s);
    sweep_agg("collect_set", false, &f.s);
    sweep_agg("collect_list", false, &f.num);
    sweep_agg("first", false, &f.s);
    fixture_clear(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalar_oom),
        cmocka_unit_test(test_agg_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
