/* The DISTINCT aggregates' byte-string set (see fn_set.h). */
#include <string.h>

#include "sql/fn_set.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/hash.h"

fn_set *fn_set_create(bool fixed8)
{
    fn_set *s = silt_calloc(1, sizeof(fn_set));
    if (s) s->fixed8 = fixed8;
    return s;
}

static const uint64_t zero_key;

static int grow8(fn_set *s)
{
    size_t cap = s->cap ? s->cap * 2 : 16;
    uint64_t *slots = silt_calloc(cap, sizeof *slots);
    if (!slots) return SILT_ENOMEM;
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->slots[i]) continue;
        size_t j = silt_hash_u64(s->slots[i]) & (cap - 1);
        while (slots[j]) j = (j + 1) & (cap - 1);
        slots[j] = s->slots[i];
    }
    silt_free(s->slots);
    s->slots = slots;
    s->cap = cap;
    return 0;
}

static int add8(fn_set *s, uint64_t k)
{
    if (k == 0) {
        s->n += !s->has_zero;
        s->has_zero = true;
        return 0;
    }
    if ((s->n + 1) * 2 > s->cap && grow8(s) != 0) return SILT_ENOMEM;
    size_t j = silt_hash_u64(k) & (s->cap - 1);
    while (s->slots[j]) {
        if (s->slots[j] == k) return 0;
        j = (j + 1) & (s->cap - 1);
    }
    s->slots[j] = k;
    s->n++;
    return 0;
}

void fn_set_destroy(fn_set *s)
{
    if (!s) return;
    silt_free(s->slots);
    silt_free(s->refs);
    silt_free(s->data);
    silt_free(s);
}

static uint32_t key_len(const fn_set *s, uint32_t ref)
{
    uint32_t n;
    memcpy(&n, s->data + ref, 4);
    return n;
}

static int grow(fn_set *s)
{
    size_t cap = s->cap ? s->cap * 2 : 16;
    uint64_t *slots = silt_calloc(cap, sizeof *slots);
    uint32_t *refs = silt_malloc(cap * sizeof *refs);
    if (!slots || !refs) {
        silt_free(slots);
        silt_free(refs);
        return SILT_ENOMEM;
    }
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->slots[i]) continue;
        size_t j = s->slots[i] & (cap - 1);
        while (slots[j]) j = (j + 1) & (cap - 1);
        slots[j] = s->slots[i];
        refs[j] = s->refs[i];
    }
    silt_free(s->slots);
    silt_free(s->refs);
    s->slots = slots;
    s->refs = refs;
    s->cap = cap;
    return 0;
}

static int store_key(fn_set *s, const void *key, size_t len, uint32_t *ref)
{
    size_t need = s->data_len + 4 + len;
    if (len > UINT32_MAX - 8 || need > UINT32_MAX) return SILT_ENOMEM;
    if (need > s->data_cap) {
        size_t cap = s->data_cap ? s->data_cap * 2 : 256;
        while (cap < need) cap *= 2;
        uint8_t *d = silt_realloc(s->data, cap);
        if (!d) return SILT_ENOMEM;
        s->data = d;
        s->data_cap = cap;
    }
    uint32_t n = (uint32_t)len;
    memcpy(s->data + s->data_len, &n, 4);
    if (len) memcpy(s->data + s->data_len + 4, key, len);
    *ref = (uint32_t)s->data_len;
    s->data_len = need;
    return 0;
}

int fn_set_add(fn_set *s, const void *key, size_t len)
{
    if (s->fixed8) {
        uint64_t k;
        if (len != 8) return SILT_EINVAL;
        memcpy(&k, key, 8);
        return add8(s, k);
    }
    if ((s->n + 1) * 4 > s->cap * 3 && grow(s) != 0) return SILT_ENOMEM;
    uint64_t h = silt_hash_bytes(key, len, 0x5ca1ab1e) | 1;
    size_t j = h & (s->cap - 1);
    while (s->slots[j]) {
        if (s->slots[j] == h && key_len(s, s->refs[j]) == len &&
            (len == 0 || memcmp(s->data + s->refs[j] + 4, key, len) == 0))
            return 0;
        j = (j + 1) & (s->cap - 1);
    }
    uint32_t ref;
    if (store_key(s, key, len, &ref) != 0) return SILT_ENOMEM;
    s->slots[j] = h;
    s->refs[j] = ref;
    s->n++;
    return 0;
}

int fn_set_merge(fn_set *dst, const fn_set *src)
{
    size_t pos = 0, len;
    const uint8_t *key;
    while (fn_set_next(src, &pos, &key, &len) == 0)
        if (fn_set_add(dst, key, len) != 0) return SILT_ENOMEM;
    return 0;
}

int fn_set_next(const fn_set *s, size_t *pos, const uint8_t **key, size_t *len)
{
    if (s->fixed8) {
        while (*pos < s->cap && !s->slots[*pos]) (*pos)++;
        *len = 8;
        if (*pos < s->cap) {
            *key = (const uint8_t *)&s->slots[(*pos)++];
            return 0;
        }
        if (*pos == s->cap && s->has_zero) {
            *key = (const uint8_t *)&zero_key;
            (*pos)++;
            return 0;
        }
        return -1;
    }
    if (*pos >= s->data_len) return -1;
    uint32_t n = key_len(s, (uint32_t)*pos);
    *key = s->data + *pos + 4;
    *len = n;
    *pos += 4 + n;
    return 0;
}
