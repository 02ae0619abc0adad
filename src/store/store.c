/* Store location parsing, listing helpers and the byte-range source adapter shared by every
 * object-store backend. */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>
#include <errno.h>

#include "store/store_azure.h"
#include "util/alloc.h"

int silt_store_open(silt_store **out, const char *url, silt_error *err)
{
    return silt_store_open_opts(out, url, NULL, err);
}

int silt_store_open_opts(silt_store **out, const char *url, const char *const *options,
                         silt_error *err)
{
    *out = NULL;
    if (!url || !*url) return silt_error_set(err, SILT_EINVAL, "empty table location");
    if (silt_az_is_url(url)) return silt_store_azure_create(out, url, options, err);
    if (strncmp(url, "file://", 7) == 0) {
        const char *p = url + 7;
        if (*p != '/')
            return silt_error_set(err, SILT_EINVAL,
                                  "location '%s': file:// URLs need an absolute path "
                                  "(file:///abs/path)",
                                  url);
        return silt_store_local_create(out, p, err);
    }
    if (strncmp(url, "mem://", 6) == 0) {
        return silt_store_mem_open_named(out, url + 6, err);
    }
    if (url[0] == '/') return silt_store_local_create(out, url, err);
    const char *colon = strstr(url, "://");
    if (colon)
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "location '%s': unsupported scheme '%.*s' (use /abs/path, "
                              "file:///abs/path, mem://name, abfss://, az:// or https://)",
                              url, (int)(colon - url), url);
    /* a relative path: relative to the current directory */
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd))
        return silt_error_set_errno(err, SILT_EIO, errno,
                                    "location '%s' is relative and the current directory is "
                                    "unknown: give an absolute path",
                                    url);
    size_t need = strlen(cwd) + strlen(url) + 2;
    char *abs = silt_malloc(need);
    if (!abs) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    const char *rel = url;
    while (rel[0] == '.' && rel[1] == '/') rel += 2;
    snprintf(abs, need, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, rel);
    int rc = silt_store_local_create(out, abs, err);
    silt_free(abs);
    return rc;
}

void silt_store_destroy(silt_store *s)
{
    if (s) s->ops->destroy(s);
}

void silt_store_list_clear(silt_store_listing *l)
{
    for (size_t i = 0; i < l->n; i++) silt_free(l->entries[i].key);
    silt_free(l->entries);
    l->entries = NULL;
    l->n = 0;
}

int silt_store_list_push(silt_store_listing *l, const char *key, uint64_t size, int64_t mtime_ms)
{
    /* capacity is 16, then doubles: the array is full when n is 16 times a power of two */
    size_t n = l->n;
    if (n == 0 || (n >= 16 && (n & (n - 1)) == 0)) {
        silt_store_entry *e = silt_realloc(l->entries, (n ? n * 2 : 16) * sizeof *e);
        if (!e) return SILT_ENOMEM;
        l->entries = e;
    }
    char *k = silt_strdup(key);
    if (!k) return SILT_ENOMEM;
    l->entries[l->n].key = k;
    l->entries[l->n].size = size;
    l->entries[l->n].mtime_ms = mtime_ms;
    l->n++;
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const silt_store_entry *)a)->key, ((const silt_store_entry *)b)->key);
}

void silt_store_list_sort(silt_store_listing *l)
{
    if (l->n > 1) qsort(l->entries, l->n, sizeof *l->entries, cmp_entry);
}

/* ---- byte-range source ---- */

typedef struct store_source {
    silt_pq_source base;
    silt_store *store;
    char *key;
} store_source;

static int source_read_at(silt_pq_source *s, uint64_t offset, void *buf, size_t n, silt_error *err)
{
    store_source *ss = (store_source *)s;
    if (offset > s->size || n > s->size - offset) {
        silt_error_set(err, SILT_ECORRUPT,
                       "read of %zu bytes at offset %llu is past the end of '%s' (%llu bytes)", n,
                       (unsigned long long)offset, ss->key, (unsigned long long)s->size);
        silt_error_path(err, ss->key);
        return silt_error_offset(err, (int64_t)offset);
    }
    return silt_store_get_range(ss->store, buf, ss->key, offset, n, err);
}

static void source_destroy(silt_pq_source *s)
{
    store_source *ss = (store_source *)s;
    silt_free(ss->key);
    silt_free(ss);
}

static const struct silt_pq_source_ops store_source_ops = {source_read_at, source_destroy};

int silt_store_source(silt_pq_source **out, silt_store *s, const char *key, silt_error *err)
{
    *out = NULL;
    silt_store_entry e = {0};
    int rc = silt_store_head(s, &e, key, err);
    if (rc) return rc;
    silt_free(e.key);
    store_source *ss = silt_calloc(1, sizeof *ss);
    if (!ss || !(ss->key = silt_strdup(key))) {
        silt_free(ss);
        return silt_error_set(err, SILT_ENOMEM, "out of memory opening '%s'", key);
    }
    ss->base.ops = &store_source_ops;
    ss->base.size = e.size;
    ss->base.name = ss->key;
    ss->store = s;
    *out = &ss->base;
    return 0;
}
