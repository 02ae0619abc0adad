/* In-memory object store for tests, with fault injection (fail the Nth call, or every call on
 * keys containing a given text). Named stores ("mem://name") are shared within the process. */
#include "store/store.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/time.h"

typedef struct mem_object {
    char *key;
    uint8_t *data;
    size_t size;
    int64_t mtime_ms;
} mem_object;

typedef struct mem_data {
    pthread_mutex_t mu;
    size_t n, cap;
    mem_object *objs;
    char *name; /* NULL for anonymous stores */
    struct mem_data *next;
} mem_data;

typedef struct mem_store {
    silt_store base;
    mem_data *d;
    bool owns_data;
    uint64_t calls;
    uint64_t fail_at; /* absolute call number that fails; 0 = none */
    char *fail_path;
} mem_store;

static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static mem_data *registry;

/* Guards the call counters and injected faults of every mem store: a store may be used from
 * several threads (the log reader fetches commits in parallel). */
static pthread_mutex_t fault_mu = PTHREAD_MUTEX_INITIALIZER;

/* Counts the call and applies injected faults. Returns 0 or SILT_EIO. */
static int fault(mem_store *ms, const char *op, const char *key, silt_error *err)
{
    pthread_mutex_lock(&fault_mu);
    uint64_t calls = ++ms->calls;
    bool nth = ms->fail_at && calls == ms->fail_at;
    if (nth) ms->fail_at = 0;
    bool path = !nth && ms->fail_path && key && strstr(key, ms->fail_path);
    if (nth) {
        silt_error_set(err, SILT_EIO, "injected failure of %s '%s' (call %llu)", op, key ? key : "",
                       (unsigned long long)calls);
        silt_error_retriable(err, true);
    } else if (path) {
        silt_error_set(err, SILT_EIO, "injected failure of %s '%s' (path matches '%s')", op, key,
                       ms->fail_path);
        silt_error_path(err, key);
    }
    pthread_mutex_unlock(&fault_mu);
    return nth || path ? SILT_EIO : 0;
}

/* Binary search: index of key, or -(insertion point) - 1. */
static long find(const mem_data *d, const char *key)
{
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(d->objs[mid].key, key);
        if (c == 0) return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -(long)lo - 1;
}

static int not_found(silt_error *err, const char *key)
{
    silt_error_set(err, SILT_ENOTFOUND, "object '%s' does not exist", key);
    return silt_error_path(err, key);
}

static int mem_get(silt_store *s, silt_buf *out, const char *key, silt_error *err)
{
    mem_store *ms = (mem_store *)s;
    int rc = fault(ms, "get", key, err);
    if (rc) return rc;
    pthread_mutex_lock(&ms->d->mu);
    long i = find(ms->d, key);
    if (i < 0) {
        rc = not_found(err, key);
    } else {
        silt_buf_reset(out);
        if (silt_buf_append(out, ms->d->objs[i].data, ms->d->objs[i].size))
            rc = silt_error_set(err, SILT_ENOMEM, "out of memory reading '%s'", key);
    }
    pthread_mutex_unlock(&ms->d->mu);
    return rc;
}

static int mem_get_range(silt_store *s, void *buf, const char *key, uint64_t offset, size_t n,
                         silt_error *err)
{
    mem_store *ms = (mem_store *)s;
    int rc = fault(ms, "get_range", key, err);
    if (rc) return rc;
    pthread_mutex_lock(&ms->d->mu);
    long i = find(ms->d, key);
    if (i < 0) {
        rc = not_found(err, key);
    } else if (offset > ms->d->objs[i].size || n > ms->d->objs[i].size - offset) {
        rc =
            silt_error_set(err, SILT_ECORRUPT, "range %llu+%zu is past the end of '%s' (%zu bytes)",
                           (unsigned long long)offset, n, key, ms->d->objs[i].size);
        silt_error_path(err, key);
    } else {
        memcpy(buf, ms->d->objs[i].data + offset, n);
    }
    pthread_mutex_unlock(&ms->d->mu);
    return rc;
}

static int mem_put_common(silt_store *s, const char *key, const void *data, size_t n,
                          bool if_absent, silt_error *err)
{
    mem_store *ms = (mem_store *)s;
    int rc = fault(ms, if_absent ? "put_if_absent" : "put", key, err);
    if (rc) return rc;
    uint8_t *copy = silt_malloc(n ? n : 1);
    if (!copy) return silt_error_set(err, SILT_ENOMEM, "out of memory writing '%s'", key);
    if (n) memcpy(copy, data, n);
    mem_data *d = ms->d;
    pthread_mutex_lock(&d->mu);
    long i = find(d, key);
    if (i >= 0) {
        if (if_absent) {
            silt_free(copy);
            rc = silt_error_set(err, SILT_EEXISTS, "'%s' already exists", key);
            silt_error_path(err, key);
        } else {
            silt_free(d->objs[i].data);
            d->objs[i].data = copy;
            d->objs[i].size = n;
            d->objs[i].mtime_ms = silt_time_wall_ms();
        }
        goto out;
    }
    size_t at = (size_t)(-i - 1);
    char *k = silt_strdup(key);
    if (k && d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        mem_object *objs = silt_realloc(d->objs, cap * sizeof *objs);
        if (objs) {
            d->objs = objs;
            d->cap = cap;
        }
    }
    if (!k || d->n == d->cap) {
        silt_free(k);
        silt_free(copy);
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory writing '%s'", key);
        goto out;
    }
    memmove(d->objs + at + 1, d->objs + at, (d->n - at) * sizeof *d->objs);
    d->objs[at] = (mem_object){k, copy, n, silt_time_wall_ms()};
    d->n++;
out:
    pthread_mutex_unlock(&d->mu);
    return rc;
}

static int mem_put(silt_store *s, const char *key, const void *data, size_t n, silt_error *err)
{
    return mem_put_common(s, key, data, n, false, err);
}

static int mem_put_if_absent(silt_store *s, const char *key, const void *data, size_t n,
                             silt_error *err)
{
    return mem_put_common(s, key, data, n, true, err);
}

static int mem_list(silt_store *s, silt_store_listing *out, const char *prefix, silt_error *err)
{
    mem_store *ms = (mem_store *)s;
    out->n = 0;
    out->entries = NULL;
    int rc = fault(ms, "list", prefix, err);
    if (rc) return rc;
    size_t plen = prefix ? strlen(prefix) : 0;
    pthread_mutex_lock(&ms->d->mu);
    long i = plen ? find(ms->d, prefix) : 0;
    for (size_t j = (size_t)(i < 0 ? -i - 1 : i); j < ms->d->n; j++) {
        const mem_object *o = &ms->d->objs[j];
        if (plen && strncmp(o->key, prefix, plen) != 0) break;
        if (silt_store_list_push(out, o->key, o->size, o->mtime_ms)) {
            rc = silt_error_set(err, SILT_ENOMEM, "out of memory listing");
            break;
        }
    }
    pthread_mutex_unlock(&ms->d->mu);
    if (rc) silt_store_list_clear(out);
    return rc;
}

static int mem_del(silt_store *s, const char *key, silt_error *err)
{
    mem_store *ms = (mem_store *)s;
    int rc = fault(ms, "delete", key, err);
    if (rc) return rc;
    mem_data *d = ms->d;
    pthread_mutex_lock(&d->mu);
    long i = find(d, key);
    if (i < 0) {
        rc = not_found(err, key);
    } else {
        silt_free(d->objs[i].key);
        silt_free(d->objs[i].data);
        memmove(d->objs + i, d->objs + i + 1, (d->n - (size_t)i - 1) * sizeof *d->objs);
        d->n--;
    }
    pthread_mutex_unlock(&d->mu);
    return rc;
}

static int mem_head(silt_store *s, silt_store_entry *out, const char *key, silt_error *err)
{
    mem_store *ms = (mem_store *)s;
    out->key = NULL;
    int rc = fault(ms, "head", key, err);
    if (rc) return rc;
    pthread_mutex_lock(&ms->d->mu);
    long i = find(ms->d, key);
    if (i < 0) {
        rc = not_found(err, key);
    } else if (!(out->key = silt_strdup(key))) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
    } else {
        out->size = ms->d->objs[i].size;
        out->mtime_ms = ms->d->objs[i].mtime_ms;
    }
    pthread_mutex_unlock(&ms->d->mu);
    return rc;
}

static void data_free(mem_data *d)
{
    for (size_t i = 0; i < d->n; i++) {
        silt_free(d->objs[i].key);
        silt_free(d->objs[i].data);
    }
    silt_free(d->objs);
    silt_free(d->name);
    pthread_mutex_destroy(&d->mu);
    silt_free(d);
}

static void mem_destroy(silt_store *s)
{
    mem_store *ms = (mem_store *)s;
    if (ms->owns_data && ms->d) data_free(ms->d);
    silt_free(ms->fail_path);
    silt_free(ms->base.url);
    silt_free(ms);
}

static const struct silt_store_ops mem_ops = {
    mem_get,  mem_get_range, mem_put, mem_put_if_absent, mem_list, mem_del,
    mem_head, mem_destroy,   NULL, /* writers buffer and put on close */
    NULL,                          /* every put is as durable as the process */
    NULL,                          /* ranges are read by key */
};

static int mem_wrap(silt_store **out, mem_data *d, bool owns, const char *url, silt_error *err)
{
    mem_store *ms = silt_calloc(1, sizeof *ms);
    if (!ms || !(ms->base.url = silt_strdup(url))) {
        silt_free(ms);
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    ms->base.ops = &mem_ops;
    ms->d = d;
    ms->owns_data = owns;
    *out = &ms->base;
    return 0;
}

static mem_data *data_create(const char *name)
{
    mem_data *d = silt_calloc(1, sizeof *d);
    if (!d) return NULL;
    if (name && !(d->name = silt_strdup(name))) {
        silt_free(d);
        return NULL;
    }
    pthread_mutex_init(&d->mu, NULL);
    return d;
}

int silt_store_mem_create(silt_store **out, silt_error *err)
{
    *out = NULL;
    mem_data *d = data_create(NULL);
    if (!d) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    int rc = mem_wrap(out, d, true, "mem://", err);
    if (rc) data_free(d);
    return rc;
}

int silt_store_mem_open_named(silt_store **out, const char *name, silt_error *err)
{
    *out = NULL;
    if (!name || !*name)
        return silt_error_set(err, SILT_EINVAL, "mem:// location needs a name (mem://name)");
    pthread_mutex_lock(&registry_mu);
    mem_data *d = registry;
    while (d && strcmp(d->name, name) != 0) d = d->next;
    if (!d && (d = data_create(name))) {
        d->next = registry;
        registry = d;
    }
    pthread_mutex_unlock(&registry_mu);
    if (!d) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    char url[300];
    snprintf(url, sizeof url, "mem://%s", name);
    return mem_wrap(out, d, false, url, err);
}

void silt_store_mem_fail_nth(silt_store *s, uint64_t n)
{
    if (!s || s->ops != &mem_ops) return;
    mem_store *ms = (mem_store *)s;
    pthread_mutex_lock(&fault_mu);
    ms->fail_at = n ? ms->calls + n : 0;
    pthread_mutex_unlock(&fault_mu);
}

void silt_store_mem_fail_path(silt_store *s, const char *path_substr)
{
    if (!s || s->ops != &mem_ops) return;
    mem_store *ms = (mem_store *)s;
    pthread_mutex_lock(&fault_mu);
    silt_free(ms->fail_path);
    ms->fail_path = path_substr ? silt_strdup(path_substr) : NULL;
    pthread_mutex_unlock(&fault_mu);
}

uint64_t silt_store_mem_calls(const silt_store *s)
{
    if (!s || s->ops != &mem_ops) return 0;
    pthread_mutex_lock(&fault_mu);
    uint64_t calls = ((const mem_store *)s)->calls;
    pthread_mutex_unlock(&fault_mu);
    return calls;
}
