/* A set of byte strings for DISTINCT aggregates (one per group): open addressing over hashes,
 * the keys copied into one growing arena; or, for sets of 8-byte keys (one integer or double
 * argument), the keys themselves in one open-addressing array, so that a lookup touches one
 * cache line. Owns its memory; fn_set_destroy(NULL) is a no-op. */
#ifndef SILT_SQL_FN_SET_H
#define SILT_SQL_FN_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fn_set {
    bool fixed8; /* every key is 8 bytes, kept in slots (0 = empty; the key 0 in has_zero) */
    bool has_zero;
    uint64_t *slots; /* 0 = empty, else (hash | 1); fixed8: the keys */
    uint32_t *refs;  /* per slot: offset of the key in data (a 4-byte length, then the bytes) */
    size_t cap, n;   /* cap: a power of two */
    uint8_t *data;
    size_t data_len, data_cap;
} fn_set;

/* fixed8: every key will be exactly 8 bytes. */
fn_set *fn_set_create(bool fixed8);
void fn_set_destroy(fn_set *s);
/* Adds key (len bytes) if absent. Returns 0 or SILT_ENOMEM (the set unchanged). */
int fn_set_add(fn_set *s, const void *key, size_t len);
/* Adds every key of src to dst. */
int fn_set_merge(fn_set *dst, const fn_set *src);
/* Iterates: start with *pos = 0; returns 0 and sets key/len while keys remain, else -1. */
int fn_set_next(const fn_set *s, size_t *pos, const uint8_t **key, size_t *len);

#endif
