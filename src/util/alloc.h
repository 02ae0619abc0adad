/* The one allocation wrapper: every heap block in silt goes through these functions, so tests
 * can make the Nth allocation fail and check that out-of-memory paths clean up and report. */
#ifndef SILT_UTIL_ALLOC_H
#define SILT_UTIL_ALLOC_H

#include <stddef.h>
#include <stdint.h>

/* Same contracts as malloc/calloc/realloc/free; return NULL on failure (or injected failure).
 * silt_realloc leaves the old block untouched on failure. silt_free(NULL) is a no-op. */
void *silt_malloc(size_t size);
void *silt_calloc(size_t n, size_t size);
void *silt_realloc(void *ptr, size_t size);
void silt_free(void *ptr);

/* Returns an owned copy of s (or of its first n bytes, NUL-terminated); NULL on failure. */
char *silt_strdup(const char *s);
char *silt_strndup(const char *s, size_t n);

/* Multiplies with overflow check: returns 0 and stores a*b, or -1 on overflow. */
int silt_mul_size(size_t *out, size_t a, size_t b);

/* Test hook: the nth allocation from now (1 = the next one) fails, and every one after it
 * succeeds again. 0 disables the hook. Counts allocations of every thread. */
void silt_alloc_fail_nth(uint64_t n);

/* Number of allocations made since start (for tests that loop over failure points). */
uint64_t silt_alloc_count(void);

#endif
