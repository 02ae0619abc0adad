/* The catalog's lifetime and refresh (new tables, vanished tables, new commits) and its ring of
 * events for Server-Sent Events. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "http/catalog_int.h"
#include "util/alloc.h"

int silt_http_catalog_create(silt_http_catalog **out, const char *lake, silt_error *err)
{
    char abs[PATH_MAX];
    struct stat st;
    *out = NULL;
    if (stat(lake, &st))
        return silt_error_set_errno(err, errno == ENOENT ? SILT_ENOTFOUND : SILT_EIO, errno,
                                    "lake folder %s", lake);
    if (!S_ISDIR(st.st_mode))
        return silt_error_set(err, SILT_EINVAL, "the lake %s is not a folder", lake);
    if (!realpath(lake, abs)) return silt_error_set_errno(err, SILT_EIO, errno, "%s", lake);
    silt_http_catalog *c = silt_calloc(1, sizeof *c);
    if (!c || !(c->lake = silt_strdup(abs))) {
        silt_free(c);
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    pthread_rwlock_init(&c->lock, NULL);
    pthread_mutex_init(&c->ev_mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&c->ev_cv, &ca);
    pthread_condattr_destroy(&ca);
    int rc = silt_http_catalog_refresh(c, err);
    if (rc) {
        silt_http_catalog_destroy(c);
        return rc;
    }
    *out = c;
    return 0;
}

void silt_http_catalog_destroy(silt_http_catalog *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n; i++) silt_http_table_clear(&c->tables[i]);
    silt_free(c->tables);
    for (size_t i = 0; i < SILT_HTTP_EVENT_RING; i++) silt_free(c->ev_text[i]);
    silt_http_evlog_free(c->evlog);
    pthread_rwlock_destroy(&c->lock);
    pthread_mutex_destroy(&c->ev_mu);
    pthread_cond_destroy(&c->ev_cv);
    silt_free(c->lake);
    silt_free(c);
}

static void table_event(silt_http_catalog *c, const char *type, const silt_http_table *t)
{
    char json[1024];
    const silt_delta_snapshot *s = t->snap;
    snprintf(json, sizeof json,
             "{\"table\":\"%s\",\"layer\":\"%s\",\"version\":%lld,\"rows\":%lld,\"bytes\":%lld,"
             "\"files\":%zu,\"commit_time_ms\":%lld}",
             t->name, t->layer, (long long)(s ? s->version : -1), (long long)t->rows,
             (long long)t->bytes, s ? s->n_files : 0, (long long)(s ? s->timestamp_ms : -1));
    silt_http_catalog_event(c, type, json);
}

/* Publishes the merge of the current tables (minus those not found) and the new ones. The
 * current array is only read while the new one is built (lookups are binary searches). */
static int publish(silt_http_catalog *c, const found_list *f, silt_http_table *fresh,
                   size_t n_fresh)
{
    silt_http_table *v = silt_calloc(f->n + 1, sizeof *v);
    bool *moved = silt_calloc(c->n + 1, sizeof *moved);
    if (!v || !moved) {
        silt_free(v);
        silt_free(moved);
        return SILT_ENOMEM;
    }
    size_t n = 0, j = 0;
    pthread_rwlock_wrlock(&c->lock);
    for (size_t i = 0; i < f->n; i++) {
        const silt_http_table *old = silt_http_catalog_find(c, f->names[i]);
        if (old) {
            v[n++] = *old;
            moved[old - c->tables] = true;
        } else if (j < n_fresh && !strcmp(fresh[j].name, f->names[i])) {
            v[n++] = fresh[j++];
        }
    }
    for (size_t i = 0; i < c->n; i++)
        if (!moved[i]) {
            char json[600];
            snprintf(json, sizeof json, "{\"table\":\"%s\"}", c->tables[i].name);
            silt_http_catalog_event(c, "table_removed", json);
            silt_http_table_clear(&c->tables[i]);
        }
    silt_free(c->tables);
    c->tables = v;
    c->n = n;
    pthread_rwlock_unlock(&c->lock);
    silt_free(moved);
    return 0;
}

int silt_http_catalog_refresh(silt_http_catalog *c, silt_error *err)
{
    found_list f;
    silt_http_table *fresh = NULL;
    size_t n_fresh = 0;
    bool changed = false;
    int rc = silt_http_catalog_walk(&f, c->lake);
    if (rc) goto fail;
    if (!(fresh = silt_calloc(f.n + 1, sizeof *fresh))) goto fail;
    for (size_t i = 0; i < f.n; i++) {
        silt_http_table *t = (silt_http_table *)silt_http_catalog_find(c, f.names[i]);
        if (t) {
            if (silt_http_table_update(c, t)) {
                pthread_mutex_lock(&c->ev_mu);
                c->commits_seen++;
                atomic_fetch_add(&c->gen, 1);
                pthread_mutex_unlock(&c->ev_mu);
                table_event(c, "commit", t);
            }
            continue;
        }
        if ((rc = silt_http_table_init(&fresh[n_fresh], c->lake, f.names[i]))) goto fail;
        table_event(c, "table", &fresh[n_fresh++]);
        changed = true;
    }
    if (changed || f.n != c->n) {
        if ((rc = publish(c, &f, fresh, n_fresh))) goto fail;
        n_fresh = 0;
        silt_http_catalog_changed(c);
    }
    pthread_mutex_lock(&c->ev_mu);
    c->refreshes++;
    pthread_mutex_unlock(&c->ev_mu);
    silt_free(fresh);
    silt_http_found_clear(&f);
    return 0;
fail:
    for (size_t i = 0; i < n_fresh; i++) silt_http_table_clear(&fresh[i]);
    silt_free(fresh);
    silt_http_found_clear(&f);
    return silt_error_set(err, SILT_ENOMEM, "out of memory while reading the lake's catalog");
}

void silt_http_catalog_event(silt_http_catalog *c, const char *type, const char *json)
{
    size_t n = strlen(type) + strlen(json) + 32;
    char *text = silt_malloc(n);
    if (!text) return;
    snprintf(text, n, "event: %s\ndata: %s\n", type, json);
    pthread_mutex_lock(&c->ev_mu);
    c->ev_seq++;
    atomic_fetch_add(&c->gen, 1);
    size_t slot = c->ev_seq % SILT_HTTP_EVENT_RING;
    silt_free(c->ev_text[slot]);
    c->ev_text[slot] = text;
    pthread_cond_broadcast(&c->ev_cv);
    pthread_mutex_unlock(&c->ev_mu);
}

void silt_http_catalog_wake(silt_http_catalog *c)
{
    pthread_mutex_lock(&c->ev_mu);
    c->woken = true;
    pthread_cond_broadcast(&c->ev_cv);
    pthread_mutex_unlock(&c->ev_mu);
}

size_t silt_http_catalog_events(silt_http_catalog *c, uint64_t *seq, int timeout_ms, silt_buf *out)
{
    size_t n = 0;
    pthread_mutex_lock(&c->ev_mu);
    if (*seq == UINT64_MAX) {
        *seq = c->ev_seq;
        pthread_mutex_unlock(&c->ev_mu);
        return 0;
    }
    if (c->ev_seq == *seq && !c->woken && timeout_ms > 0) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_sec += timeout_ms / 1000;
        ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
        while (c->ev_seq == *seq && !c->woken)
            if (pthread_cond_timedwait(&c->ev_cv, &c->ev_mu, &ts)) break;
    }
    uint64_t from = *seq + 1;
    if (c->ev_seq >= SILT_HTTP_EVENT_RING && from <= c->ev_seq - SILT_HTTP_EVENT_RING)
        from = c->ev_seq - SILT_HTTP_EVENT_RING + 1;
    for (uint64_t s = from; s <= c->ev_seq; s++) {
        const char *text = c->ev_text[s % SILT_HTTP_EVENT_RING];
        if (!text) continue;
        silt_buf_printf(out, "id: %llu\n%s\n", (unsigned long long)s, text);
        n++;
    }
    *seq = c->ev_seq;
    pthread_mutex_unlock(&c->ev_mu);
    return n;
}

void silt_http_catalog_counters(silt_http_catalog *c, uint64_t *out_refreshes,
                                uint64_t *out_commits_seen)
{
    pthread_mutex_lock(&c->ev_mu);
    *out_refreshes = c->refreshes;
    *out_commits_seen = c->commits_seen;
    pthread_mutex_unlock(&c->ev_mu);
}

uint64_t silt_http_catalog_generation(silt_http_catalog *c)
{
    return atomic_load(&c->gen);
}

void silt_http_catalog_changed(silt_http_catalog *c)
{
    atomic_fetch_add(&c->gen, 1);
}
