/* Heap set-up for short commands and for long runs of many threads (see heap.h). */
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
#if defined(MADV_POPULATE_WRITE)
    /* The block's head below the first 2 MiB boundary cannot take a huge page, and the work's
     * first allocations land there: its 4 KiB pages are mapped in one call rather than faulted
     * one by one (a few hundred faults of a short query). Needs Linux 5.14; ignored before. */
    uintptr_t head = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
    if (start > head && start - head <= HUGE_PAGE)
        (void)madvise((void *)head, start - head, MADV_POPULATE_WRITE);
#endif
#endif
    free(p);
#else
    (void)bytes;
#endif
}

void silt_heap_pad(size_t bytes)
{
#if defined(__GLIBC__)
    mallopt(M_TOP_PAD, bytes > INT32_MAX ? INT32_MAX : (int)bytes);
#else
    (void)bytes;
#endif
}
