/* Allocation wrapper with a fail-the-Nth-allocation hook for out-of-memory tests. */
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

/* Atomic: allocations also happen on the ingestion runtime's commit thread. */
static uint64_t g_count;
static uint64_t g_fail_at; /* absolute allocation number that fails; 0 = never */

static int should_fail(void)
{
    uint64_t n = __atomic_add_fetch(&g_count, 1, __ATOMIC_RELAXED);
    uint64_t at = __atomic_load_n(&g_fail_at, __ATOMIC_RELAXED);
    if (at && n == at) {
        __atomic_store_n(&g_fail_at, 0, __ATOMIC_RELAXED);
        return 1;
    }
    return 0;
}

void *silt_malloc(size_t size)
{
    if (should_fail()) return NULL;
    return malloc(size ? size : 1);
}

void *silt_calloc(size_t n, size_t size)
{
    if (should_fail()) return NULL;
    if (n == 0 || size == 0) return calloc(1, 1);
    return calloc(n, size);
}

void *silt_realloc(void *ptr, size_t size)
{
    if (should_fail()) return NULL;
    return realloc(ptr, size ? size : 1);
}

void silt_free(void *ptr)
{
    free(ptr);
}

char *silt_strndup(const char *s, size_t n)
{
    if (!s) return NULL;
    char *p = silt_malloc(n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *silt_strdup(const char *s)
{
    return s ? silt_strndup(s, strlen(s)) : NULL;
}

int silt_mul_size(size_t *out, size_t a, size_t b)
{
    if (a && b > SIZE_MAX / a) return -1;
    *out = a * b;
    return 0;
}

void silt_alloc_fail_nth(uint64_t n)
{
    uint64_t now = __atomic_load_n(&g_count, __ATOMIC_RELAXED);
    __atomic_store_n(&g_fail_at, n ? now + n : 0, __ATOMIC_RELAXED);
}

uint64_t silt_alloc_count(void)
{
    return __atomic_load_n(&g_count, __ATOMIC_RELAXED);
}
