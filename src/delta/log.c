/* Log listing, segment planning (checkpoint + commits, _last_checkpoint), replay into
 * snapshots, protocol checks and time travel. */
#include "delta/log.h"

#include <assert.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta/checkpoint.h"
#include "delta/schema.h"
#include "util/alloc.h"
#include "util/hash.h"
#include "util/log.h"
#include "util/time.h"

silt_delta_read_opts silt_delta_read_opts_default(void)
{
    silt_delta_read_opts o = {-1, INT64_MIN, NULL};
    return o;
}

/* ---- listing ---- */

typedef struct cp_info {
    int64_t version;
    int32_t parts; /* declared number of parts (1 for a single file) */
    int32_t found; /* parts seen */
    size_t first;  /* index in the listing of the first part seen */
    bool single;   /* a classic single-file checkpoint */
} cp_info;

typedef struct log_listing {
    silt_store_listing l;
    size_t n_commits;
    int64_t *versions; /* commit versions, ascending */
    size_t *idx;       /* their index in l */
    size_t n_cps;
    cp_info *cps; /* ascending by version */
} log_listing;

static void listing_clear(log_listing *x)
{
    silt_store_list_clear(&x->l);
    silt_free(x->versions);
    silt_free(x->idx);
    silt_free(x->cps);
    memset(x, 0, sizeof *x);
}

/* Adds checkpoint file i of the listing (parsed as n) to out->cps. Parts must be listed in
 * order (the listing is sorted); a single file wins over parts of the same version. */
static void note_checkpoint(log_listing *out, const silt_delta_logname *n, size_t i)
{
    bool single = n->kind == SILT_DELTA_LOGFILE_CHECKPOINT;
    int64_t v = n->version;
    cp_info *last = out->n_cps ? &out->cps[out->n_cps - 1] : NULL;
    if (last && last->version == v) {
        if (last->single) return;
        if (single)
            *last = (cp_info){v, 1, 1, i, true};
        else if (n->parts == last->parts && n->part == last->found + 1)
            last->found++;
        return;
    }
    if (!single && n->part != 1) return; /* part 1 missing: incomplete */
    out->cps[out->n_cps++] = (cp_info){v, n->parts, 1, i, single};
}

static int list_log(log_listing *out, silt_store *store, silt_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = silt_store_list(store, &out->l, SILT_DELTA_LOG_DIR, err);
    if (rc) return rc;
    size_t n = out->l.n;
    out->versions = silt_calloc(n ? n : 1, sizeof *out->versions);
    out->idx = silt_calloc(n ? n : 1, sizeof *out->idx);
    out->cps = silt_calloc(n ? n : 1, sizeof *out->cps);
    if (!out->versions || !out->idx || !out->cps) {
        listing_clear(out);
        return silt_error_set(err, SILT_ENOMEM, "out of memory listing the log");
    }
    for (size_t i = 0; i < n; i++) {
        silt_delta_logname ln;
        silt_delta_logname_parse(&ln, out->l.entries[i].key);
        if (ln.kind == SILT_DELTA_LOGFILE_COMMIT) {
            assert(!out->n_commits || out->versions[out->n_commits - 1] < ln.version);
            out->versions[out->n_commits] = ln.version;
            out->idx[out->n_commits++] = i;
        } else if (silt_delta_logname_is_checkpoint(&ln)) {
            note_checkpoint(out, &ln, i);
        }
    }
    /* drop incomplete checkpoints */
    size_t k = 0;
    for (size_t i = 0; i < out->n_cps; i++)
        if (out->cps[i].found == out->cps[i].parts) out->cps[k++] = out->cps[i];
    out->n_cps = k;
    return 0;
}

static const cp_info *find_cp(const log_listing *x, int64_t v)
{
    for (size_t i = 0; i < x->n_cps; i++)
        if (x->cps[i].version == v) return &x->cps[i];
    return NULL;
}

/* Index in x->versions of commit v, or -1 (versions are sorted). */
static long find_commit(const log_listing *x, int64_t v)
{
    size_t lo = 0, hi = x->n_commits;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (x->versions[mid] == v) return (long)mid;
        if (x->versions[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* Reads _last_checkpoint: its version, or -1 when absent; *bad when present but unusable. */
static int64_t read_last_checkpoint(silt_store *store, bool *bad)
{
    silt_buf b = SILT_BUF_INIT;
    silt_error e;
    int64_t v = -1;
    *bad = false;
    int rc = silt_store_get(store, &b, SILT_DELTA_LAST_CHECKPOINT_KEY, &e);
    if (rc) {
        if (rc != SILT_ENOTFOUND) {
            *bad = true;
            silt_log_warn("delta: cannot read _last_checkpoint (%s); listing the log instead",
                          e.msg);
        }
        silt_buf_free(&b);
        return -1;
    }
    json_error_t jerr;
    json_t *o = json_loadb((const char *)b.ptr, b.len, 0, &jerr);
    json_t *jv = json_object_get(o, "version");
    if (json_is_integer(jv) && json_integer_value(jv) >= 0) {
        v = (int64_t)json_integer_value(jv);
    } else {
        *bad = true;
        silt_log_warn("delta: _last_checkpoint is corrupt; listing the log instead");
    }
    json_decref(o);
    silt_buf_free(&b);
    return v;
}

void silt_delta_segment_clear(silt_delta_segment *s)
{
    for (size_t i = 0; i < s->n_checkpoint_parts; i++) silt_free(s->checkpoint_keys[i]);
    for (size_t i = 0; i < s->n_commits; i++) silt_free(s->commit_keys[i]);
    silt_free(s->checkpoint_keys);
    silt_free(s->commit_keys);
    silt_free(s->commit_mtimes);
    memset(s, 0, sizeof *s);
    s->checkpoint_version = -1;
}

static int plan_from_listing(silt_delta_segment *out, const log_listing *x, silt_store *store,
                             int64_t version, bool use_checkpoints, silt_error *err)
{
    memset(out, 0, sizeof *out);
    out->checkpoint_version = -1;
    int64_t latest = -1;
    if (x->n_commits) latest = x->versions[x->n_commits - 1];
    if (x->n_cps && x->cps[x->n_cps - 1].version > latest) latest = x->cps[x->n_cps - 1].version;
    if (latest < 0) {
        silt_error_set(err, SILT_ENOTFOUND,
                       "'%s' is not a Delta table: %s has no commit or checkpoint files",
                       store->url, SILT_DELTA_LOG_DIR);
        return silt_error_path(err, store->url);
    }
    out->latest_version = latest;
    if (version < 0) version = latest;
    if (version > latest)
        return silt_error_set(err, SILT_ENOTFOUND,
                              "version %" PRId64 " does not exist: the latest version is %" PRId64,
                              version, latest);
    out->version = version;
    const cp_info *cp = NULL;
    if (use_checkpoints) {
        bool bad;
        int64_t hint = read_last_checkpoint(store, &bad);
        const cp_info *h = hint >= 0 && hint <= version ? find_cp(x, hint) : NULL;
        if (hint >= 0 && !h && hint <= version) {
            bad = true;
            silt_log_warn("delta: _last_checkpoint names version %" PRId64
                          " but that checkpoint is missing or incomplete; listing instead",
                          hint);
        }
        for (size_t i = x->n_cps; i-- > 0;) {
            if (x->cps[i].version <= version) {
                cp = &x->cps[i];
                break;
            }
        }
        if (h && cp && cp->version > h->version && hint <= version) bad = true; /* stale */
        out->used_last_checkpoint = h && cp == h;
        out->last_checkpoint_bad = bad;
    }
    int64_t start = 0;
    if (cp) {
        out->checkpoint_version = cp->version;
        out->checkpoint_keys = silt_calloc((size_t)cp->parts, sizeof(char *));
        if (!out->checkpoint_keys) goto oom;
        for (int32_t p = 0; p < cp->parts; p++) {
            if (!(out->checkpoint_keys[p] = silt_strdup(x->l.entries[cp->first + (size_t)p].key)))
                goto oom;
            out->n_checkpoint_parts++;
        }
        start = cp->version + 1;
    } else if (find_commit(x, 0) < 0) {
        if (!use_checkpoints && x->n_cps)
            return silt_error_set(err, SILT_EUNSUPPORTED,
                                  "the log of '%s' starts at a checkpoint (version 0 was cleaned "
                                  "up) and no checkpoint reader is available",
                                  store->url);
        return silt_error_set(err, SILT_ENOTFOUND,
                              "version %" PRId64 " of '%s' cannot be reconstructed: no "
                              "checkpoint at or before it and no commit 0",
                              version, store->url);
    }
    out->first_commit = start;
    size_t n = (size_t)(version - start + 1);
    if (version >= start) {
        out->commit_keys = silt_calloc(n, sizeof(char *));
        out->commit_mtimes = silt_calloc(n, sizeof(int64_t));
        if (!out->commit_keys || !out->commit_mtimes) goto oom;
        long at = find_commit(x, start);
        for (size_t i = 0; i < n; i++) {
            int64_t want = start + (int64_t)i;
            if (at < 0 || (size_t)at + i >= x->n_commits || x->versions[at + (long)i] != want) {
                int64_t before = -1, after = -1;
                for (size_t k = 0; k < x->n_commits; k++) {
                    if (x->versions[k] < want) before = x->versions[k];
                    if (x->versions[k] > want && after < 0) after = x->versions[k];
                }
                char around[96] = "";
                if (before >= 0 && after >= 0)
                    snprintf(around, sizeof around,
                             " (the log has versions %" PRId64 " and %" PRId64 ")", before, after);
                silt_error_set(err, SILT_ECORRUPT,
                               "log versions are not contiguous: version %" PRId64
                               " is missing from %s of '%s'%s",
                               want, SILT_DELTA_LOG_DIR, store->url, around);
                silt_error_path(err, store->url);
                return SILT_ECORRUPT;
            }
            const silt_store_entry *e = &x->l.entries[x->idx[at + (long)i]];
            if (!(out->commit_keys[i] = silt_strdup(e->key))) goto oom;
            out->commit_mtimes[i] = e->mtime_ms;
            out->n_commits++;
        }
    }
    return 0;
oom:
    return silt_error_set(err, SILT_ENOMEM, "out of memory planning the log");
}

int silt_delta_segment_plan(silt_delta_segment *out, silt_store *store, int64_t version,
                            bool use_checkpoints, silt_error *err)
{
    log_listing x;
    int rc = list_log(&x, store, err);
    if (rc) {
        memset(out, 0, sizeof *out);
        out->checkpoint_version = -1;
        return rc;
    }
    rc = plan_from_listing(out, &x, store, version, use_checkpoints, err);
    if (rc) silt_delta_segment_clear(out);
    listing_clear(&x);
    return rc;
}

/* ---- replay state ---- */

/* Open-addressing map from a path string to an index into an array. */
typedef struct pmap {
    size_t cap, used; /* used counts live + deleted slots */
    uint64_t *hashes;
    int64_t *slots; /* -1 empty, -2 deleted, else index */
} pmap;

static void pmap_free(pmap *m)
{
    silt_free(m->hashes);
    silt_free(m->slots);
    memset(m, 0, sizeof *m);
}

typedef const char *(*key_of_fn)(const void *arr, int64_t idx);

static int pmap_grow(pmap *m)
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
static long pmap_find(const pmap *m, const char *key, uint64_t h, const void *arr, key_of_fn key_of)
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

static int pmap_insert(pmap *m, uint64_t h, int64_t idx)
{
    if ((m->used + 1) * 2 > m->cap && pmap_grow(m)) return SILT_ENOMEM;
    size_t j = h & (m->cap - 1);
    while (m->slots[j] >= 0) j = (j + 1) & (m->cap - 1);
    if (m->slots[j] == -1) m->used++;
    m->slots[j] = idx;
    m->hashes[j] = h;
    return 0;
}

typedef struct replay {
    silt_delta_add *files;
    size_t n_files, cap_files; /* includes dead entries (path NULL) */
    pmap fmap;
    silt_delta_remove *tombs;
    size_t n_tombs, cap_tombs;
    pmap tmap;
    silt_delta_txn *txns;
    size_t n_txns, cap_txns;
    silt_delta_protocol protocol;
    bool has_protocol;
    silt_delta_metadata metadata;
    bool has_metadata;
    int64_t last_commit_ts;
} replay;

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

static void replay_free(replay *r)
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

/* Applies one action, taking ownership of its contents (the action is left zeroed). */
static int apply(replay *r, silt_delta_action *a)
{
    switch (a->type) {
    case SILT_DELTA_ADD: {
        silt_delta_add *add = &a->u.add;
        uint64_t h = path_hash(add->path);
        long t = pmap_find(&r->tmap, add->path, h, r->tombs, tomb_key);
        if (t >= 0) {
            silt_delta_remove_clear(&r->tombs[r->tmap.slots[t]]);
            r->tmap.slots[t] = -2;
        }
        long s = pmap_find(&r->fmap, add->path, h, r->files, add_key);
        if (s >= 0) {
            silt_delta_add_clear(&r->files[r->fmap.slots[s]]);
            r->files[r->fmap.slots[s]] = *add;
        } else {
            if (grow((void **)&r->files, &r->cap_files, r->n_files, sizeof *r->files))
                return SILT_ENOMEM;
            r->files[r->n_files] = *add;
            if (pmap_insert(&r->fmap, h, (int64_t)r->n_files)) {
                memset(&r->files[r->n_files], 0, sizeof *add);
                return SILT_ENOMEM;
            }
            r->n_files++;
        }
        memset(add, 0, sizeof *add);
        return 0;
    }
    case SILT_DELTA_REMOVE: {
        silt_delta_remove *rm = &a->u.remove;
        uint64_t h = path_hash(rm->path);
        long s = pmap_find(&r->fmap, rm->path, h, r->files, add_key);
        if (s >= 0) {
            silt_delta_add *f = &r->files[r->fmap.slots[s]];
            if (rm->size < 0) rm->size = f->size;
            silt_delta_add_clear(f);
            r->fmap.slots[s] = -2;
        }
        long t = pmap_find(&r->tmap, rm->path, h, r->tombs, tomb_key);
        if (t >= 0) {
            silt_delta_remove_clear(&r->tombs[r->tmap.slots[t]]);
            r->tombs[r->tmap.slots[t]] = *rm;
        } else {
            if (grow((void **)&r->tombs, &r->cap_tombs, r->n_tombs, sizeof *r->tombs))
                return SILT_ENOMEM;
            r->tombs[r->n_tombs] = *rm;
            if (pmap_insert(&r->tmap, h, (int64_t)r->n_tombs)) {
                memset(&r->tombs[r->n_tombs], 0, sizeof *rm);
                return SILT_ENOMEM;
            }
            r->n_tombs++;
        }
        memset(rm, 0, sizeof *rm);
        return 0;
    }
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
    case SILT_DELTA_TXN: {
        silt_delta_txn *t = &a->u.txn;
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
    case SILT_DELTA_COMMIT_INFO:
        if (a->u.commit_info.timestamp >= 0) r->last_commit_ts = a->u.commit_info.timestamp;
        return 0;
    default: return 0;
    }
}

static int apply_all(replay *r, silt_delta_actions *acts, silt_error *err)
{
    for (size_t i = 0; i < acts->n; i++)
        if (apply(r, &acts->items[i]))
            return silt_error_set(err, SILT_ENOMEM, "out of memory replaying the log");
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

/* ---- protocol checks ---- */

static const char *const reader_features_ok[] = {"timestampNtz", "vacuumProtocolCheck",
                                                 "checkpointProtection"};
static const char *const writer_features_ok[] = {"appendOnly", "invariants", "timestampNtz",
                                                 "vacuumProtocolCheck", "checkpointProtection"};

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0) return true;
    return false;
}

static int check_features(char *const *features, size_t n, const char *const *ok, size_t n_ok,
                          const char *kind, silt_error *err)
{
    char names[300] = "";
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (in_list(features[i], ok, n_ok)) continue;
        size_t l = strlen(names);
        snprintf(names + l, sizeof names - l, "%s'%s'", bad ? ", " : "", features[i]);
        bad++;
    }
    if (!bad) return 0;
    return silt_error_set(err, SILT_EUNSUPPORTED,
                          "the table uses %s feature%s %s, which silt does not support", kind,
                          bad > 1 ? "s" : "", names);
}

static bool column_mapping(const silt_delta_metadata *m)
{
    const char *mode;
    return m && silt_delta_map_get(&m->configuration, "delta.columnMapping.mode", &mode) && mode &&
           strcmp(mode, "none") != 0;
}

int silt_delta_protocol_check_read(const silt_delta_protocol *p, const silt_delta_metadata *m,
                                   silt_error *err)
{
    if (p->min_reader_version < 1 || p->min_reader_version > SILT_DELTA_MAX_READER_VERSION)
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "the table requires Delta reader version %d; silt supports reader "
                              "versions 1 to %d",
                              (int)p->min_reader_version, SILT_DELTA_MAX_READER_VERSION);
    if (p->min_reader_version == 3) {
        int rc =
            check_features(p->reader_features, p->n_reader_features, reader_features_ok,
                           sizeof reader_features_ok / sizeof *reader_features_ok, "reader", err);
        if (rc) return rc;
    }
    if (column_mapping(m))
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "the table uses reader feature 'columnMapping', which silt does not "
                              "support");
    return 0;
}

int silt_delta_protocol_check_write(const silt_delta_protocol *p, const silt_delta_metadata *m,
                                    silt_error *err)
{
    int rc = silt_delta_protocol_check_read(p, m, err);
    if (rc) return rc;
    if (p->min_writer_version < 1 || p->min_writer_version > SILT_DELTA_MAX_WRITER_VERSION ||
        (p->min_writer_version > 2 && p->min_writer_version < 7))
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "the table requires Delta writer version %d; silt writes tables of "
                              "writer version 1, 2 or 7 (with features it implements)",
                              (int)p->min_writer_version);
    if (p->min_writer_version == 7)
        return check_features(p->writer_features, p->n_writer_features, writer_features_ok,
                              sizeof writer_features_ok / sizeof *writer_features_ok, "writer",
                              err);
    return 0;
}

/* ---- loading ---- */

typedef struct emit_ctx {
    replay *r;
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
static int apply_commits(replay *r, silt_store *store, char *const *keys, size_t n, silt_error *err)
{
    silt_buf b = SILT_BUF_INIT;
    silt_delta_actions acts = {0};
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        if ((rc = silt_store_get(store, &b, keys[i], err))) break;
        if ((rc = silt_delta_actions_parse(&acts, b.ptr, b.len, keys[i], err))) break;
        rc = apply_all(r, &acts, err);
        silt_delta_actions_clear(&acts);
    }
    silt_delta_actions_clear(&acts);
    silt_buf_free(&b);
    return rc;
}

/* Turns a finished replay into a snapshot of `version` (protocol and metadata checks, schema,
 * compaction and sorting). The replay's arrays move into the snapshot. */
static int replay_finish(silt_delta_snapshot **out, replay *r, silt_store *store, int64_t version,
                         silt_error *err)
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

int silt_delta_snapshot_from_segment(silt_delta_snapshot **out, silt_store *store,
                                     const silt_delta_segment *seg,
                                     const silt_delta_file_ops *file_ops, silt_error *err)
{
    *out = NULL;
    replay r;
    memset(&r, 0, sizeof r);
    r.last_commit_ts = -1;
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
        for (size_t i = 0; i < seg->n_checkpoint_parts; i++) {
            rc = file_ops->read_checkpoint(file_ops->ctx, store, seg->checkpoint_keys[i],
                                           emit_checkpoint_batch, &ec, err);
            if (rc) goto fail;
        }
    }
    if ((rc = apply_commits(&r, store, seg->commit_keys, seg->n_commits, err))) goto fail;
    int64_t ts = r.last_commit_ts;
    if ((rc = replay_finish(out, &r, store, seg->version, err))) goto fail;
    silt_delta_snapshot *s = *out;
    s->timestamp_ms = seg->n_commits ? seg->commit_mtimes[seg->n_commits - 1] : -1;
    if (seg->n_commits && ts >= 0) s->timestamp_ms = ts;
    s->checkpoint_version = seg->checkpoint_version;
    s->n_commits_read = seg->n_commits;
    s->n_checkpoint_batches = ec.batches;
    s->used_last_checkpoint = seg->used_last_checkpoint;
fail:
    replay_free(&r);
    return rc;
}

int silt_delta_snapshot_update(silt_delta_snapshot **snap, silt_store *store, silt_error *err)
{
    silt_delta_snapshot *old = *snap;
    log_listing x;
    replay r;
    memset(&r, 0, sizeof r);
    r.last_commit_ts = -1;
    char **keys = NULL;
    size_t n_keys = 0;
    int rc = list_log(&x, store, err);
    if (rc) return rc;
    int64_t latest = x.n_commits ? x.versions[x.n_commits - 1] : -1;
    if (latest <= old->version) goto done;
    /* collect the commit keys old->version+1 .. latest; all must be there */
    long at = find_commit(&x, old->version + 1);
    size_t n = (size_t)(latest - old->version);
    keys = silt_calloc(n, sizeof *keys);
    if (!keys) goto oom;
    for (size_t i = 0; i < n; i++) {
        if (at < 0 || x.versions[at + (long)i] != old->version + 1 + (int64_t)i) {
            rc = silt_error_set(err, SILT_ENOTFOUND,
                                "cannot update the snapshot of '%s' from version %" PRId64
                                ": commit %" PRId64 " is missing; load the table again",
                                store->url, old->version, old->version + 1 + (int64_t)i);
            goto done;
        }
        keys[n_keys++] = x.l.entries[x.idx[at + (long)i]].key;
    }
    /* a replay seeded with a copy of the old state (the old snapshot stays valid on failure) */
    for (size_t i = 0; i < old->n_files; i++) {
        silt_delta_action a = {.type = SILT_DELTA_ADD};
        if (silt_delta_add_copy(&a.u.add, &old->files[i]) || apply(&r, &a)) {
            silt_delta_action_clear(&a);
            goto oom;
        }
    }
    for (size_t i = 0; i < old->n_tombstones; i++) {
        silt_delta_action a = {.type = SILT_DELTA_REMOVE};
        if (silt_delta_remove_copy(&a.u.remove, &old->tombstones[i]) || apply(&r, &a)) {
            silt_delta_action_clear(&a);
            goto oom;
        }
    }
    for (size_t i = 0; i < old->n_txns; i++) {
        silt_delta_action a = {.type = SILT_DELTA_TXN};
        a.u.txn = old->txns[i];
        if (!(a.u.txn.app_id = silt_strdup(old->txns[i].app_id)) || apply(&r, &a)) {
            silt_delta_action_clear(&a);
            goto oom;
        }
    }
    if (silt_delta_protocol_copy(&r.protocol, &old->protocol) ||
        silt_delta_metadata_copy(&r.metadata, &old->metadata))
        goto oom;
    r.has_protocol = r.has_metadata = true;
    if ((rc = apply_commits(&r, store, keys, n_keys, err))) goto done;
    int64_t ts = r.last_commit_ts;
    silt_delta_snapshot *s = NULL;
    if ((rc = replay_finish(&s, &r, store, latest, err))) goto done;
    s->timestamp_ms = ts >= 0 ? ts : x.l.entries[x.idx[x.n_commits - 1]].mtime_ms;
    s->checkpoint_version = old->checkpoint_version;
    s->n_commits_read = old->n_commits_read + n_keys;
    s->n_checkpoint_batches = old->n_checkpoint_batches;
    s->used_last_checkpoint = old->used_last_checkpoint;
    silt_delta_snapshot_destroy(old);
    *snap = s;
    goto done;
oom:
    rc = silt_error_set(err, SILT_ENOMEM, "out of memory updating a snapshot");
done:
    silt_free(keys);
    replay_free(&r);
    listing_clear(&x);
    return rc;
}

/* Commit time of version v: commitInfo.timestamp of its commit file, else its mtime. */
static int commit_time(int64_t *out, silt_store *store, const log_listing *x, long ci,
                       silt_error *err)
{
    const silt_store_entry *e = &x->l.entries[x->idx[ci]];
    silt_buf b = SILT_BUF_INIT;
    silt_delta_actions acts = {0};
    *out = e->mtime_ms;
    int rc = silt_store_get(store, &b, e->key, err);
    if (!rc) rc = silt_delta_actions_parse(&acts, b.ptr, b.len, e->key, err);
    for (size_t i = 0; !rc && i < acts.n; i++)
        if (acts.items[i].type == SILT_DELTA_COMMIT_INFO &&
            acts.items[i].u.commit_info.timestamp >= 0)
            *out = acts.items[i].u.commit_info.timestamp;
    silt_delta_actions_clear(&acts);
    silt_buf_free(&b);
    return rc;
}

/* The latest commit version whose commit time is <= ts (binary search over the listing's
 * commits, whose times are assumed to increase with the version). */
static int version_at(int64_t *out, silt_store *store, const log_listing *x, int64_t ts,
                      silt_error *err)
{
    if (!x->n_commits)
        return silt_error_set(err, SILT_ENOTFOUND, "'%s' has no commit files to time-travel in",
                              store->url);
    long lo = 0, hi = (long)x->n_commits - 1, found = -1;
    int64_t first_ts = -1;
    while (lo <= hi) {
        long mid = (lo + hi) / 2;
        int64_t t;
        int rc = commit_time(&t, store, x, mid, err);
        if (rc) return rc;
        if (mid == 0) first_ts = t;
        if (t <= ts) {
            found = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    if (found < 0) {
        char when[40] = "?";
        if (first_ts >= 0) silt_time_format_iso(when, sizeof when, first_ts * 1000);
        return silt_error_set(err, SILT_ENOTFOUND,
                              "no version of '%s' was committed at or before the timestamp "
                              "given; the earliest available commit is version %" PRId64 " at %s",
                              store->url, x->versions[0], when);
    }
    *out = x->versions[found];
    return 0;
}

int silt_delta_snapshot_load(silt_delta_snapshot **out, silt_store *store,
                             const silt_delta_read_opts *opts, silt_error *err)
{
    *out = NULL;
    silt_delta_read_opts def = silt_delta_read_opts_default();
    if (!opts) opts = &def;
    bool use_cp = opts->file_ops && opts->file_ops->read_checkpoint;
    log_listing x;
    silt_delta_segment seg;
    memset(&seg, 0, sizeof seg);
    int rc = list_log(&x, store, err);
    if (rc) return rc;
    int64_t version = opts->version;
    if (opts->timestamp_ms != INT64_MIN) {
        int64_t v = -1;
        if ((rc = version_at(&v, store, &x, opts->timestamp_ms, err))) goto fail;
        if (version < 0 || v < version) version = v;
    }
    if ((rc = plan_from_listing(&seg, &x, store, version, use_cp, err))) goto fail;
    if (seg.last_checkpoint_bad)
        silt_log_debug("delta: '%s': _last_checkpoint ignored (stale or corrupt)", store->url);
    rc = silt_delta_snapshot_from_segment(out, store, &seg, opts->file_ops, err);
fail:
    silt_delta_segment_clear(&seg);
    listing_clear(&x);
    return rc;
}

void silt_delta_snapshot_destroy(silt_delta_snapshot *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n_files; i++) silt_delta_add_clear(&s->files[i]);
    for (size_t i = 0; i < s->n_tombstones; i++) silt_delta_remove_clear(&s->tombstones[i]);
    for (size_t i = 0; i < s->n_txns; i++) silt_free(s->txns[i].app_id);
    silt_free(s->files);
    silt_free(s->tombstones);
    silt_free(s->txns);
    silt_delta_protocol_clear(&s->protocol);
    silt_delta_metadata_clear(&s->metadata);
    silt_schema_destroy(s->schema);
    silt_free(s);
}

int64_t silt_delta_snapshot_txn_version(const silt_delta_snapshot *s, const char *app_id)
{
    for (size_t i = 0; i < s->n_txns; i++)
        if (strcmp(s->txns[i].app_id, app_id) == 0) return s->txns[i].version;
    return -1;
}

const silt_delta_add *silt_delta_snapshot_find(const silt_delta_snapshot *s, const char *path)
{
    size_t lo = 0, hi = s->n_files;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s->files[mid].path, path);
        if (c == 0) return &s->files[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *silt_delta_snapshot_config(const silt_delta_snapshot *s, const char *key)
{
    const char *v = NULL;
    return silt_delta_map_get(&s->metadata.configuration, key, &v) ? v : NULL;
}
