/* Replaying a planned segment into a snapshot: the checkpoint's actions, then each JSON commit's
 * in order, applied to hash maps of live files and tombstones by path (an add replaces the file
 * and clears its tombstone; a remove drops the file and becomes the tombstone), the latest txn
 * per appId, and the last protocol and metadata; then compacted and sorted by path. */
#include "delta/log_int.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "delta/checkpoint.h"
#include "delta/dv.h"
#include "delta/schema.h"
#include "util/alloc.h"
#include "util/hash.h"

/* ---- path maps ---- */

static void pmap_free(silt_delta_pmap *m)
{
    silt_free(m->hashes);
    silt_free(m->slots);
    memset(m, 0, sizeof *m);
}

typedef const char *(*key_of_fn)(const void *arr, int64_t idx);

static int pmap_grow(silt_delta_pmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    uint64_t *h = silt_calloc(cap, sizeof *h);
    int64_t *s = silt_malloc(cap * sizeof *s);
    if (!h || !s) {
        silt_free(h);
        silt_free(s);
        return SILT_ENOMEM;
    }
    for (size_t i = 0; i < cap; i++) s[i] = -1;
    size_t used = 0;
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i] < 0) continue;
        size_t j = m->hashes[i] & (cap - 1);
        while (s[j] != -1) j = (j + 1) & (cap - 1);
        s[j] = m->slots[i];
        h[j] = m->hashes[i];
        used++;
    }
    silt_free(m->hashes);
    silt_free(m->slots);
    m->hashes = h;
    m->slots = s;
    m->cap = cap;
    m->used = used;
    return 0;
}

/* Slot holding key, or -1. */
static long pmap_find(const silt_delta_pmap *m, const char *key, uint64_t h, const void *arr,
                      key_of_fn key_of)
{
    if (!m->cap) return -1;
    size_t j = h & (m->cap - 1);
    while (m->slots[j] != -1) {
        if (m->slots[j] >= 0 && m->hashes[j] == h && strcmp(key_of(arr, m->slots[j]), key) == 0)
            return (long)j;
        j = (j + 1) & (m->cap - 1);
    }
    return -1;
}

static int pmap_insert(silt_delta_pmap *m, uint64_t h, int64_t idx)
{
    assert(idx >= 0);
    if ((m->used + 1) * 2 > m->cap && pmap_grow(m)) return SILT_ENOMEM;
    assert(m->cap && (m->cap & (m->cap - 1)) == 0 && m->used < m->cap);
    size_t j = h & (m->cap - 1);
    while (m->slots[j] >= 0) j = (j + 1) & (m->cap - 1);
    if (m->slots[j] == -1) m->used++;
    m->slots[j] = idx;
    m->hashes[j] = h;
    return 0;
}

/* ---- applying actions ---- */

static const char *add_key(const void *arr, int64_t i)
{
    return ((const silt_delta_add *)arr)[i].path;
}
static const char *tomb_key(const void *arr, int64_t i)
{
    return ((const silt_delta_remove *)arr)[i].path;
}

static uint64_t path_hash(const char *p)
{
    return silt_hash_bytes(p, strlen(p), 0x5117);
}

void silt_delta_replay_init(silt_delta_replay *r)
{
    memset(r, 0, sizeof *r);
    r->last_commit_ts = -1;
}

void silt_delta_replay_free(silt_delta_replay *r)
{
    for (size_t i = 0; i < r->n_files; i++) silt_delta_add_clear(&r->files[i]);
    for (size_t i = 0; i < r->n_tombs; i++) silt_delta_remove_clear(&r->tombs[i]);
    for (size_t i = 0; i < r->n_txns; i++) silt_free(r->txns[i].app_id);
    silt_free(r->files);
    silt_free(r->tombs);
    silt_free(r->txns);
    pmap_free(&r->fmap);
    pmap_free(&r->tmap);
    silt_delta_protocol_clear(&r->protocol);
    silt_delta_metadata_clear(&r->metadata);
}

static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap) return 0;
    size_t c = *cap ? *cap * 2 : 64;
    void *p = silt_realloc(*arr, c * elem);
    if (!p) return SILT_ENOMEM;
    *arr = p;
    *cap = c;
    return 0;
}

static void clear_add(void *p)
{
    silt_delta_add_clear(p);
}

static void clear_remove(void *p)
{
    silt_delta_remove_clear(p);
}

/* Puts *item (elem bytes, its contents owned) into the array *arr (*n used of *cap) indexed by
 * map under path (hash h): an entry of the same path is cleared and replaced, else the item is
 * appended. On success *item is zeroed. */
static int upsert(void **arr, size_t *n, size_t *cap, size_t elem, silt_delta_pmap *map,
                  key_of_fn key, void (*clear)(void *), void *item, const char *path, uint64_t h)
{
    long s = pmap_find(map, path, h, *arr, key);
    if (s >= 0) {
        void *old = (char *)*arr + (size_t)map->slots[s] * elem;
        clear(old);
        memcpy(old, item, elem);
    } else {
        if (grow(arr, cap, *n, elem)) return SILT_ENOMEM;
        void *slot = (char *)*arr + *n * elem;
        memcpy(slot, item, elem);
        if (pmap_insert(map, h, (int64_t)*n)) {
            memset(slot, 0, elem);
            return SILT_ENOMEM;
        }
        (*n)++;
    }
    memset(item, 0, elem);
    return 0;
}

/* An add: replaces a live file of the same path (or is appended) and clears its tombstone. */
static int apply_add(silt_delta_replay *r, silt_delta_add *add)
{
    uint64_t h = path_hash(add->path);
    long t = pmap_find(&r->tmap, add->path, h, r->tombs, tomb_key);
    if (t >= 0) {
        silt_delta_remove_clear(&r->tombs[r->tmap.slots[t]]);
        r->tmap.slots[t] = -2;
    }
    return upsert((void **)&r->files, &r->n_files, &r->cap_files, sizeof *add, &r->fmap, add_key,
                  clear_add, add, add->path, h);
}

/* A remove: drops the live file of that path and deletion vector (taking its size when the remove
 * has none) and becomes its tombstone. */
static int apply_remove(silt_delta_replay *r, silt_delta_remove *rm)
{
    uint64_t h = path_hash(rm->path);
    long s = pmap_find(&r->fmap, rm->path, h, r->files, add_key);
    /* the live entry is the file (path, deletion vector): a remove of the same path with
     * another DV removes an earlier state of a file that was re-added with a new DV */
    if (s >= 0 && !silt_delta_dv_same(&r->files[r->fmap.slots[s]].dv, &rm->dv)) s = -1;
    if (s >= 0) {
        silt_delta_add *f = &r->files[r->fmap.slots[s]];
        if (rm->size < 0) rm->size = f->size;
        silt_delta_add_clear(f);
        r->fmap.slots[s] = -2;
    }
    return upsert((void **)&r->tombs, &r->n_tombs, &r->cap_tombs, sizeof *rm, &r->tmap, tomb_key,
                  clear_remove, rm, rm->path, h);
}

static int apply_txn(silt_delta_replay *r, silt_delta_txn *t)
{
    for (size_t i = 0; i < r->n_txns; i++) {
        if (strcmp(r->txns[i].app_id, t->app_id) == 0) {
            r->txns[i].version = t->version;
            r->txns[i].last_updated = t->last_updated;
            return 0;
        }
    }
    if (grow((void **)&r->txns, &r->cap_txns, r->n_txns, sizeof *r->txns)) return SILT_ENOMEM;
    r->txns[r->n_txns++] = *t;
    memset(t, 0, sizeof *t);
    return 0;
}

int silt_delta_replay_apply(silt_delta_replay *r, silt_delta_action *a)
{
    switch (a->type) {
    case SILT_DELTA_ADD: return apply_add(r, &a->u.add);
    case SILT_DELTA_REMOVE: return apply_remove(r, &a->u.remove);
    case SILT_DELTA_TXN: return apply_txn(r, &a->u.txn);
    case SILT_DELTA_METADATA:
        silt_delta_metadata_clear(&r->metadata);
        r->metadata = a->u.metadata;
        r->has_metadata = true;
        memset(&a->u.metadata, 0, sizeof a->u.metadata);
        return 0;
    case SILT_DELTA_PROTOCOL:
        silt_delta_protocol_clear(&r->protocol);
        r->protocol = a->u.protocol;
        r->has_protocol = true;
        memset(&a->u.protocol, 0, sizeof a->u.protocol);
        return 0;
    case SILT_DELTA_COMMIT_INFO:
        if (a->u.commit_info.timestamp >= 0) r->last_commit_ts = a->u.commit_info.timestamp;
        return 0;
    default: return 0;
    }
}

static int apply_all(silt_delta_replay *r, silt_delta_actions *acts, silt_error *err)
{
    for (size_t i = 0; i < acts->n; i++)
        if (silt_delta_replay_apply(r, &acts->items[i]))
            return silt_error_set(err, SILT_ENOMEM, "out of memory replaying the log");
    return 0;
}

/* Applies a copy of each of s's files, tombstones and txns. */
static int seed_actions(silt_delta_replay *r, const silt_delta_snapshot *s)
{
    for (size_t i = 0; i < s->n_files; i++) {
        silt_delta_action a = {.type = SILT_DELTA_ADD};
        if (silt_delta_add_copy(&a.u.add, &s->files[i]) || silt_delta_replay_apply(r, &a)) {
            silt_delta_action_clear(&a);
            return SILT_ENOMEM;
        }
    }
    for (size_t i = 0; i < s->n_tombstones; i++) {
        silt_delta_action a = {.type = SILT_DELTA_REMOVE};
        if (silt_delta_remove_copy(&a.u.remove, &s->tombstones[i]) ||
            silt_delta_replay_apply(r, &a)) {
            silt_delta_action_clear(&a);
            return SILT_ENOMEM;
        }
    }
    for (size_t i = 0; i < s->n_txns; i++) {
        silt_delta_action a = {.type = SILT_DELTA_TXN};
        a.u.txn = s->txns[i];
        if (!(a.u.txn.app_id = silt_strdup(s->txns[i].app_id)) || silt_delta_replay_apply(r, &a)) {
            silt_delta_action_clear(&a);
            return SILT_ENOMEM;
        }
    }
    return 0;
}

int silt_delta_replay_seed(silt_delta_replay *r, const silt_delta_snapshot *s, silt_error *err)
{
    if (seed_actions(r, s) || silt_delta_protocol_copy(&r->protocol, &s->protocol) ||
        silt_delta_metadata_copy(&r->metadata, &s->metadata))
        return silt_error_set(err, SILT_ENOMEM, "out of memory updating a snapshot");
    r->has_protocol = r->has_metadata = true;
    return 0;
}

static int cmp_add(const void *a, const void *b)
{
    return strcmp(((const silt_delta_add *)a)->path, ((const silt_delta_add *)b)->path);
}
static int cmp_tomb(const void *a, const void *b)
{
    return strcmp(((const silt_delta_remove *)a)->path, ((const silt_delta_remove *)b)->path);
}
static int cmp_txn(const void *a, const void *b)
{
    return strcmp(((const silt_delta_txn *)a)->app_id, ((const silt_delta_txn *)b)->app_id);
}

/* ---- loading ---- */

typedef struct emit_ctx {
    silt_delta_replay *r;
    size_t batches;
} emit_ctx;

static int emit_checkpoint_batch(void *arg, const silt_batch *b, silt_error *err)
{
    emit_ctx *e = arg;
    silt_delta_actions acts = {0};
    int rc = silt_delta_actions_from_batch(&acts, b, err);
    if (!rc) rc = apply_all(e->r, &acts, err);
    silt_delta_actions_clear(&acts);
    e->batches++;
    return rc;
}

/* Reads, parses and applies the JSON commits keys[0..n). */
int silt_delta_replay_commits(silt_delta_replay *r, silt_store *store, char *const *keys, size_t n,
                              silt_error *err)
{
    if (n == 1) { /* the usual update: no threads */
        silt_buf b = SILT_BUF_INIT;
        silt_delta_actions acts = {0};
        int rc = silt_store_get(store, &b, keys[0], err);
        if (!rc) rc = silt_delta_actions_parse(&acts, b.ptr, b.len, keys[0], err);
        if (!rc) rc = apply_all(r, &acts, err);
        silt_delta_actions_clear(&acts);
        silt_buf_free(&b);
        return rc;
    }
    if (n == 0) return 0;
    silt_delta_fetch *f = NULL;
    int rc = silt_delta_fetch_open(&f, store, keys, n);
    if (rc) rc = silt_error_set(err, SILT_ENOMEM, "out of memory reading the log");
    for (size_t i = 0; i < n && !rc; i++) {
        silt_delta_fetched *x = silt_delta_fetch_wait(f, i);
        rc = x->rc;
        if (rc && err) *err = x->err;
        if (!rc) rc = apply_all(r, &x->acts, err);
        silt_delta_fetch_release(f, i);
    }
    silt_delta_fetch_close(f);
    return rc;
}

int silt_delta_replay_finish(silt_delta_snapshot **out, silt_delta_replay *r, silt_store *store,
                             int64_t version, silt_error *err)
{
    *out = NULL;
    if (!r->has_protocol)
        return silt_error_set(err, SILT_ECORRUPT,
                              "the log of '%s' has no protocol action up to version %" PRId64,
                              store->url, version);
    if (!r->has_metadata)
        return silt_error_set(err, SILT_ECORRUPT,
                              "the log of '%s' has no metaData action up to version %" PRId64,
                              store->url, version);
    int rc = silt_delta_protocol_check_read(&r->protocol, &r->metadata, err);
    if (rc) {
        silt_error_prefix(err, "cannot read '%s'", store->url);
        return rc;
    }
    silt_delta_snapshot *s = silt_calloc(1, sizeof *s);
    if (!s) return silt_error_set(err, SILT_ENOMEM, "out of memory loading a snapshot");
    if ((rc = silt_delta_schema_parse(&s->schema, r->metadata.schema_string, err))) {
        silt_free(s);
        return rc;
    }
    s->version = version;
    s->timestamp_ms = r->last_commit_ts;
    s->checkpoint_version = -1;
    s->protocol = r->protocol;
    s->metadata = r->metadata;
    memset(&r->protocol, 0, sizeof r->protocol);
    memset(&r->metadata, 0, sizeof r->metadata);
    size_t k = 0;
    for (size_t i = 0; i < r->n_files; i++)
        if (r->files[i].path) r->files[k++] = r->files[i];
    r->n_files = k;
    k = 0;
    for (size_t i = 0; i < r->n_tombs; i++)
        if (r->tombs[i].path) r->tombs[k++] = r->tombs[i];
    r->n_tombs = k;
    if (r->n_files) qsort(r->files, r->n_files, sizeof *r->files, cmp_add);
    if (r->n_tombs) qsort(r->tombs, r->n_tombs, sizeof *r->tombs, cmp_tomb);
    if (r->n_txns) qsort(r->txns, r->n_txns, sizeof *r->txns, cmp_txn);
    s->files = r->files;
    s->n_files = r->n_files;
    s->tombstones = r->tombs;
    s->n_tombstones = r->n_tombs;
    s->txns = r->txns;
    s->n_txns = r->n_txns;
    r->files = NULL;
    r->tombs = NULL;
    r->txns = NULL;
    r->n_files = r->n_tombs = r->n_txns = 0;
    *out = s;
    return 0;
}

int silt_delta_replay_segment(silt_delta_snapshot **out, bool *out_cp_failed, silt_store *store,
                              const silt_delta_segment *seg, const silt_delta_file_ops *file_ops,
                              silt_error *err)
{
    *out = NULL;
    *out_cp_failed = false;
    silt_delta_replay r;
    silt_delta_replay_init(&r);
    int rc = 0;
    emit_ctx ec = {&r, 0};
    if (seg->checkpoint_version >= 0) {
        if (!file_ops || !file_ops->read_checkpoint) {
            rc = silt_error_set(err, SILT_EUNSUPPORTED,
                                "version %" PRId64 " of '%s' starts at the checkpoint of version "
                                "%" PRId64 ", and no checkpoint (Parquet) reader is available",
                                seg->version, store->url, seg->checkpoint_version);
            goto fail;
        }
        for (size_t i = 0; i < seg->n_checkpoint_parts && !rc; i++)
            rc = file_ops->read_checkpoint(file_ops->ctx, store, seg->checkpoint_keys[i],
                                           emit_checkpoint_batch, &ec, err);
        if (rc) {
            *out_cp_failed = rc != SILT_ENOMEM;
            goto fail;
        }
    }
    if ((rc = silt_delta_replay_commits(&r, store, seg->commit_keys, seg->n_commits, err)))
        goto fail;
    int64_t ts = r.last_commit_ts;
    if ((rc = silt_delta_replay_finish(out, &r, store, seg->version, err))) goto fail;
    silt_delta_snapshot *s = *out;
    s->timestamp_ms = seg->version_mtime_ms;
    if (seg->n_commits && ts >= 0) s->timestamp_ms = ts;
    s->checkpoint_version = seg->checkpoint_version;
    s->n_commits_read = seg->n_commits;
    s->n_checkpoint_batches = ec.batches;
    s->used_last_checkpoint = seg->used_last_checkpoint;
fail:
    silt_delta_replay_free(&r);
    return rc;
}

int silt_delta_snapshot_from_segment(silt_delta_snapshot **out, silt_store *store,
                                     const silt_delta_segment *seg,
                                     const silt_delta_file_ops *file_ops, silt_error *err)
{
    bool cp_failed;
    return silt_delta_replay_segment(out, &cp_failed, store, seg, file_ops, err);
}
