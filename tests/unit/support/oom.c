/* Test support: the shared out-of-memory loop (see oom.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "batch/batch.h"
#include "batch/canon.h"
#include "support/oom.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

/* One run with allocation n failing (n = 0: none). Sets *used to the allocations it made. */
static int run_once(const oom_case *c, uint64_t n, void **result, uint64_t *used)
{
    if (c->setup) c->setup(c->ctx);
    *result = NULL;
    uint64_t before = silt_alloc_count();
    silt_alloc_fail_nth(n);
    int rc = c->run(c->ctx, result);
    silt_alloc_fail_nth(0);
    *used = silt_alloc_count() - before;
    return rc;
}

/* Checks one run with allocation n failing; returns true when allocation n was reached. */
static bool check_failing(const oom_case *c, uint64_t n, const void *ref, uint64_t *failures)
{
    void *got = NULL;
    uint64_t used = 0;
    int rc = run_once(c, n, &got, &used);
    bool fired = used >= n;
    if (rc) {
        if (rc != SILT_ENOMEM)
            fail_msg("%s: with allocation %llu failing the operation returned %d, not SILT_ENOMEM",
                     c->name, (unsigned long long)n, rc);
        if (!fired)
            fail_msg("%s: failed (%d) although allocation %llu never happened", c->name, rc,
                     (unsigned long long)n);
        (*failures)++;
    } else {
        if (!c->same(c->ctx, ref, got))
            fail_msg("%s: with allocation %llu failing (%s) the result differs from the "
                     "reference",
                     c->name, (unsigned long long)n, fired ? "absorbed" : "never reached");
        c->drop(c->ctx, got);
    }
    if (c->teardown) c->teardown(c->ctx, rc);
    return fired;
}

uint64_t oom_check_every_allocation(const oom_case *c)
{
    uint64_t cap = c->cap ? c->cap : OOM_DEFAULT_CAP;
    void *ref = NULL;
    uint64_t used = 0;
    int rc = run_once(c, 0, &ref, &used);
    if (rc) fail_msg("%s: the reference run failed with %d", c->name, rc);
    if (c->teardown) c->teardown(c->ctx, 0);
    if (used == 0) fail_msg("%s: the operation allocates nothing", c->name);
    uint64_t failures = 0, n = 1;
    for (; check_failing(c, n, ref, &failures); n++)
        if (n == cap)
            fail_msg("%s: still allocating after %llu allocations (raise its cap if that is "
                     "right)",
                     c->name, (unsigned long long)cap);
    c->drop(c->ctx, ref);
    if (failures == 0) fail_msg("%s: no allocation failure made the operation fail", c->name);
    print_message("%s: %llu allocations, %llu failures made it fail with SILT_ENOMEM\n", c->name,
                  (unsigned long long)(n - 1), (unsigned long long)failures);
    return failures;
}

/* Canonical rows of a valid batch into out; false when it is invalid. */
static bool canon_of(silt_buf *out, const silt_batch *b)
{
    silt_error err;
    silt_batch *mut = (silt_batch *)b; /* validate only recomputes n_rows */
    if (silt_batch_validate(mut, &err)) {
        print_error("invalid batch: %s\n", err.msg);
        return false;
    }
    assert_int_equal(silt_canon_batch(out, b), 0);
    return true;
}

bool oom_same_batch(void *ctx, const void *ref, const void *got)
{
    (void)ctx;
    silt_buf a = SILT_BUF_INIT, b = SILT_BUF_INIT;
    bool same = canon_of(&a, ref) && canon_of(&b, got) && a.len == b.len &&
                (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
    silt_buf_free(&a);
    silt_buf_free(&b);
    return same;
}

void oom_drop_batch(void *ctx, void *result)
{
    (void)ctx;
    silt_batch_destroy(result);
}

bool oom_same_buf(void *ctx, const void *ref, const void *got)
{
    (void)ctx;
    const silt_buf *a = ref, *b = got;
    return a->len == b->len && (a->len == 0 || memcmp(a->ptr, b->ptr, a->len) == 0);
}

void oom_drop_buf(void *ctx, void *result)
{
    (void)ctx;
    silt_buf_free(result);
    silt_free(result);
}
