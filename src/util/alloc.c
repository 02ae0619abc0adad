/* Allocation wrapper with a fail-the-Nth-allocation hook for out-of-memory tests. */
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

static uint64_t g_count;
static uint64_t g_fail_at; /* absolute allocation number that fails; 0 = never */

static int should_fail(void)
{
    g_count++;
    if (g_fail_at && g_count == g_fail_at) {
        g_fail_at = 0;
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
    g_fail_at = n ? g_count + n : 0;
}

uint64_t silt_alloc_count(void)
{
    return g_count;
}
