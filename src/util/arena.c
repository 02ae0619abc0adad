/* Chunked bump allocator with a malloc fall-through mode for sanitizer builds. */
#include "util/arena.h"

#include "util/alloc.h"

#include <string.h>

typedef struct chunk {
    struct chunk *next;
    size_t cap;
    size_t used;
    _Alignas(16) unsigned char data[];
} chunk;

struct silt_arena {
    chunk *head;
    size_t chunk_size;
    size_t total;
};

silt_arena *silt_arena_create(size_t chunk_size)
{
    silt_arena *a = silt_calloc(1, sizeof *a);
    if (!a) return NULL;
    a->chunk_size = chunk_size < 4096 ? 4096 : chunk_size;
    return a;
}

static void free_chunks(chunk *c)
{
    while (c) {
        chunk *next = c->next;
        silt_free(c);
        c = next;
    }
}

void silt_arena_destroy(silt_arena *a)
{
    if (!a) return;
    free_chunks(a->head);
    silt_free(a);
}

void *silt_arena_alloc(silt_arena *a, size_t n)
{
    size_t need = (n + 15) & ~(size_t)15;
    if (need < n) return NULL;
#ifdef SILT_ARENA_MALLOC
    chunk *c = silt_malloc(sizeof(chunk) + n);
    if (!c) return NULL;
    c->cap = c->used = n;
    c->next = a->head;
    a->head = c;
    a->total += need;
    return c->data;
#else
    chunk *c = a->head;
    if (!c || c->cap - c->used < need) {
        size_t cap = need > a->chunk_size ? need : a->chunk_size;
        chunk *nc = silt_malloc(sizeof(chunk) + cap);
        if (!nc) return NULL;
        nc->cap = cap;
        nc->used = 0;
        nc->next = c;
        a->head = nc;
        c = nc;
    }
    void *p = c->data + c->used;
    c->used += need;
    a->total += need;
    return p;
#endif
}

char *silt_arena_strndup(silt_arena *a, const char *s, size_t n)
{
    char *p = silt_arena_alloc(a, n + 1);
    if (!p) return NULL;
    if (n) memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void silt_arena_reset(silt_arena *a)
{
    if (!a || !a->head) return;
#ifdef SILT_ARENA_MALLOC
    free_chunks(a->head);
    a->head = NULL;
#else
    /* keep the most recent (largest) chunk, free the rest */
    free_chunks(a->head->next);
    a->head->next = NULL;
    a->head->used = 0;
#endif
    a->total = 0;
}

size_t silt_arena_used(const silt_arena *a)
{
    return a ? a->total : 0;
}
