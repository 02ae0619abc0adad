/* Read-ahead for small ranged reads on Azure: a read of up to 256 KiB fetches the aligned 1 MiB
 * window around it (or the whole object, when smaller) and keeps the last few windows, so the
 * Parquet reader's footer and column-chunk reads of one file cost one request instead of ten.
 * Entries of a key are dropped when this process writes or deletes it. */
#include "store/store_azure.h"

#include <string.h>

#include "util/alloc.h"

#define WINDOW (1u << 20)
#define SMALL_READ (256u << 10)

bool silt_az_cache_wants(size_t n)
{
    return n > 0 && n <= SMALL_READ;
}

/* Copies [off, off+n) of key from the cache into buf. True on a hit; *past_end when the cached
 * window reaches the object's end before off+n. */
bool silt_az_cache_read(silt_az_store *az, const char *key, uint64_t off, size_t n, void *buf,
                        bool *past_end)
{
    bool hit = false;
    *past_end = false;
    pthread_mutex_lock(&az->lock);
    for (size_t i = 0; i < SILT_AZ_CACHE_SLOTS; i++) {
        silt_az_window *w = &az->cache[i];
        if (!w->key || strcmp(w->key, key) != 0 || off < w->start) continue;
        if (off + n <= w->start + w->len) {
            memcpy(buf, w->data + (off - w->start), n);
            w->used = ++az->cache_clock;
            hit = true;
            break;
        }
        if (w->eof && off + n > w->start + w->len) {
            *past_end = true;
            hit = true;
            break;
        }
    }
    pthread_mutex_unlock(&az->lock);
    return hit;
}

/* The window to fetch for a small read at off. */
void silt_az_cache_window(uint64_t off, size_t n, uint64_t *start, size_t *len)
{
    *start = off - off % WINDOW;
    size_t need = (size_t)(off + n - *start);
    *len = need > WINDOW ? need : WINDOW;
}

/* Keeps data (consumed: freed by the cache) as key's window at start; eof when the object ends
 * inside it. */
void silt_az_cache_put(silt_az_store *az, const char *key, uint64_t start, uint8_t *data,
                       size_t len, bool eof)
{
    char *k = silt_strdup(key);
    if (!k) {
        silt_free(data);
        return;
    }
    pthread_mutex_lock(&az->lock);
    silt_az_window *victim = &az->cache[0];
    for (size_t i = 0; i < SILT_AZ_CACHE_SLOTS; i++)
        if (az->cache[i].used < victim->used) victim = &az->cache[i];
    silt_free(victim->key);
    silt_free(victim->data);
    *victim = (silt_az_window){k, start, len, data, eof, ++az->cache_clock};
    pthread_mutex_unlock(&az->lock);
}

void silt_az_cache_drop(silt_az_store *az, const char *key)
{
    pthread_mutex_lock(&az->lock);
    for (size_t i = 0; i < SILT_AZ_CACHE_SLOTS; i++) {
        silt_az_window *w = &az->cache[i];
        if (!w->key || (key && strcmp(w->key, key) != 0)) continue;
        silt_free(w->key);
        silt_free(w->data);
        memset(w, 0, sizeof *w);
    }
    pthread_mutex_unlock(&az->lock);
}
