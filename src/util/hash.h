/* Fast non-cryptographic hashing for hash tables (dictionary encoding, dedup). */
#ifndef SILT_UTIL_HASH_H
#define SILT_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

/* 64-bit hash of n bytes with a seed; stable across runs and platforms. */
uint64_t silt_hash_bytes(const void *data, size_t n, uint64_t seed);

/* Mixes a 64-bit integer into a well-distributed 64-bit hash. */
static inline uint64_t silt_hash_u64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

#endif
