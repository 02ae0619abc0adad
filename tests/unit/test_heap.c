/* Unit tests for the process-wide heap settings (util/heap.h): with silt_heap_pad, a thread that
 * allocates, touches and frees a batch's worth of blocks again and again faults its memory in
 * once, not once per batch. A binary of its own: the settings are the process's. */
#define _GNU_SOURCE /* RUSAGE_THREAD */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <string.h>
#include <sys/resource.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "util/alloc.h"
#include "util/heap.h"

#define BLOCK ((size_t)8 << 20)
#define BLOCKS 12
#define ROUNDS 4

typedef struct churn {
    long faults[ROUNDS]; /* minor page faults of each round, in the thread */
} churn;

/* Each round: BLOCKS blocks of 8 MiB allocated, written and freed (a batch's buffers). */
static void *churn_main(void *arg)
{
    churn *c = arg;
    for (int r = 0; r < ROUNDS; r++) {
        struct rusage a, b;
        getrusage(RUSAGE_THREAD, &a);
        char *p[BLOCKS];
        for (int i = 0; i < BLOCKS; i++) {
            p[i] = silt_malloc(BLOCK);
            if (p[i]) memset(p[i], r + 1, BLOCK);
        }
        for (int i = 0; i < BLOCKS; i++) silt_free(p[i]);
        getrusage(RUSAGE_THREAD, &b);
        c->faults[r] = b.ru_minflt - a.ru_minflt;
    }
    return NULL;
}

static void test_pad_keeps_thread_memory(void **state)
{
    (void)state;
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    mallopt(M_MMAP_THRESHOLD, 32 << 20); /* as silt's main sets it: blocks from the heaps */
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    silt_heap_pad((size_t)32 << 20);
    churn c = {{0}};
    pthread_t th; /* a thread of its own: its own heap, as a pipeline's stages have */
    assert_int_equal(pthread_create(&th, NULL, churn_main, &c), 0);
    pthread_join(th, NULL);
    /* the first round faults its 96 MiB in (24,576 pages of 4 KiB); later rounds reuse them.
     * Without the pad, the blocks past the thread's first 64 MiB heap went back to the kernel
     * with their heap at every round, and each later round faulted 10,241 pages again. */
    long later = 0;
    for (int r = 1; r < ROUNDS; r++) later += c.faults[r];
    print_message("page faults per round: %ld %ld %ld %ld\n", c.faults[0], c.faults[1], c.faults[2],
                  c.faults[3]);
    assert_true(c.faults[0] > 0);
    assert_true(later <= c.faults[0] / 4);
#else
    /* another allocator (a sanitizer's): the settings are hints it does not take */
    silt_heap_pad((size_t)32 << 20);
    churn c = {{0}};
    churn_main(&c);
    assert_true(c.faults[0] >= 0);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pad_keeps_thread_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
