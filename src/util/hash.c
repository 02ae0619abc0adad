/* Byte-string hash: 8-byte lanes folded with multiply-xorshift mixing. */
#include "util/hash.h"

#include <string.h>

static inline uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

uint64_t silt_hash_bytes(const void *data, size_t n, uint64_t seed)
{
    const uint8_t *p = data;
    uint64_t h = seed ^ (0x9e3779b97f4a7c15ull * (n + 1));
    while (n >= 8) {
        h = (h ^ silt_hash_u64(rd64(p))) * 0x9e3779b97f4a7c15ull;
        p += 8;
        n -= 8;
    }
    uint64_t tail = 0;
    for (size_t i = 0; i < n; i++) tail |= (uint64_t)p[i] << (8 * i);
    h = (h ^ silt_hash_u64(tail ^ n)) * 0x9e3779b97f4a7c15ull;
    return silt_hash_u64(h);
}
