/* Heap set-up for short commands (see heap.h). */
#include "util/heap.h"

#include <stdint.h>
#include <stdlib.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

#define HUGE_PAGE ((uintptr_t)2 << 20)

void silt_heap_prepare(size_t bytes)
{
#if defined(__GLIBC__)
    mallopt(M_ARENA_MAX, 1); /* threads share the prepared heap instead of growing their own */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_TOP_PAD, 4 << 20);
    /* the block is freed at once: it stays in the heap as free space the work then reuses */
    char *p = malloc(bytes);
    if (!p) return;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    uintptr_t start = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uintptr_t end = ((uintptr_t)p + bytes) & ~(HUGE_PAGE - 1);
    if (end > start) (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#endif
    free(p);
#else
    (void)bytes;
#endif
}
