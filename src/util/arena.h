/* Bump allocator for per-batch scratch memory: many small allocations, one reset.
 * Built with SILT_ARENA_MALLOC (the sanitizer build), every allocation is a separate malloc
 * so that sanitizers still see each block's bounds and lifetime. */
#ifndef SILT_UTIL_ARENA_H
#define SILT_UTIL_ARENA_H

#include <stddef.h>

typedef struct silt_arena silt_arena;

/* Returns a new arena whose chunks are at least chunk_size bytes, or NULL on oom. */
silt_arena *silt_arena_create(size_t chunk_size);
/* Frees everything; NULL is a no-op. */
void silt_arena_destroy(silt_arena *a);
/* 16-byte aligned block of n bytes, valid until the next reset; NULL on oom. */
void *silt_arena_alloc(silt_arena *a, size_t n);
/* Copies n bytes into the arena (NUL-terminated as a convenience). */
char *silt_arena_strndup(silt_arena *a, const char *s, size_t n);
/* Releases every block at once; keeps the first chunk for reuse. */
void silt_arena_reset(silt_arena *a);
/* Bytes handed out since the last reset. */
size_t silt_arena_used(const silt_arena *a);

#endif
