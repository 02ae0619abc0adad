/* Process-wide heap set-up, for short commands that touch a few megabytes of fresh memory and
 * exit (one `silt sql` query) and for long runs whose threads allocate and free a batch's worth
 * over and over (a pipeline): every first touch of a 4 KiB page is a page fault, and on a
 * virtual machine those faults were a quarter to a half of such a query's CPU time. */
#ifndef SILT_UTIL_HEAP_H
#define SILT_UTIL_HEAP_H

#include <stddef.h>

/* Keeps freed memory in the process for reuse (one arena for every thread, no trimming or
 * unmapping below 64 MiB, blocks up to 32 MiB from the heap, which grows 4 MiB at a time) and
 * grows the heap by `bytes` at once, asking the kernel to back it with transparent huge pages
 * where it allows them ("madvise" mode), so one fault maps 2 MiB instead of 4 KiB. Memory is
 * only resident once touched. Call once, before the work starts; does nothing where glibc's
 * malloc is not the allocator's base (the settings are hints: failures are ignored). */
void silt_heap_prepare(size_t bytes);

/* For long runs whose threads allocate and free blocks of a batch's size over and over (a
 * pipeline): each heap grows by at least `bytes` at a time and keeps that much free memory at
 * its top instead of giving it back. A thread's heap then grows in steps large enough for
 * transparent huge pages, and a heap emptied by a batch is not unmapped only to be faulted in
 * again, 4 KiB at a time, by the next. Call before the threads start. */
void silt_heap_pad(size_t bytes);

#endif
