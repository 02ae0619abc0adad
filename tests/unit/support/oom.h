/* Test support: the one out-of-memory loop. It runs an operation once for a reference result,
 * then again with allocation 1, 2, 3, ... failing in turn (silt_alloc_fail_nth) until a run
 * makes fewer allocations than the failing one, so every allocation the operation makes today
 * or later is covered. Each failed run must return SILT_ENOMEM; a run that absorbed the failure
 * and every run after the last failure point must give a result identical to the reference.
 * Leaks on the failure paths are caught by the sanitizer build (`make asan`). Every callback but
 * run is called with failure injection off. */
#ifndef SILT_TEST_OOM_H
#define SILT_TEST_OOM_H

#include <stdbool.h>
#include <stdint.h>

typedef struct oom_case {
    const char *name; /* for failure messages */
    void *ctx;        /* handed to every callback */
    /* Optional: prepares a fresh starting state before each run (no failure injected). */
    void (*setup)(void *ctx);
    /* The operation, run with one allocation failing. Returns 0 and an owned *result that does
     * not depend on the state setup made, or a negative SILT_E* code (*result is ignored). */
    int (*run)(void *ctx, void **result);
    /* True when got is the same result as ref. */
    bool (*same)(void *ctx, const void *ref, const void *got);
    /* Frees a result. */
    void (*drop)(void *ctx, void *result);
    /* Optional: after each run, frees what setup made; after a failed run (rc < 0) it may also
     * assert that the failure left no partial state behind. */
    void (*teardown)(void *ctx, int rc);
    /* Safety cap on the number of allocations; the test FAILS when an operation makes more.
     * 0 = OOM_DEFAULT_CAP. */
    uint64_t cap;
} oom_case;

#define OOM_DEFAULT_CAP 200000

/* Runs the loop described above with cmocka assertions; returns the number of failing runs
 * (asserted to be at least one). */
uint64_t oom_check_every_allocation(const oom_case *c);

/* Ready-made callbacks for operations whose result is a silt_batch *: same when both are
 * valid and print the same canonical rows (batch/canon.h); drop destroys the batch. */
bool oom_same_batch(void *ctx, const void *ref, const void *got);
void oom_drop_batch(void *ctx, void *result);
/* The same for a silt_buf * (the struct allocated with silt_calloc): same bytes. */
bool oom_same_buf(void *ctx, const void *ref, const void *got);
void oom_drop_buf(void *ctx, void *result);

#endif
