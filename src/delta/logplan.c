/* Planning a snapshot: _delta_log/ listed and parsed once, then the segment a version is built
 * from chosen (the newest usable checkpoint at or before it, found through _last_checkpoint or
 * the listing, plus the JSON commits after it, which must all be there). */
#include "delta/log_int.h"

#include <assert.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/log.h"

void silt_delta_listing_drop_checkpoint(silt_delta_listing *x, int64_t v)
{
    for (size_t i = 0; i < x->n_cps; i++)
        if (x->cps[i].version == v) x->cps[i].dropped = true;
}

static const silt_delta_cp_info *find_cp(const silt_delta_listing *x, int64_t v)
{
    for (size_t i = 0; i < x->n_cps; i++)
        if (x->cps[i].version == v) return &x->cps[i];
    return NULL;
}

/* Index in x->versions of commit v, or -1 (versions are sorted). */
long silt_delta_listing_find_commit(const silt_delta_listing *x, int64_t v)
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

int64_t silt_delta_read_last_checkpoint(silt_store *store, bool *bad)
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

/* The newest checkpoint at or before version; notes in out whether _last_checkpoint named it
 * (and whether _last_checkpoint was unusable: corrupt, naming a missing checkpoint, or stale). */
static const silt_delta_cp_info *choose_checkpoint(silt_delta_segment *out,
                                                   const silt_delta_listing *x, silt_store *store,
                                                   int64_t version)
{
    bool bad;
    int64_t hint = silt_delta_read_last_checkpoint(store, &bad);
    const silt_delta_cp_info *h = hint >= 0 && hint <= version ? find_cp(x, hint) : NULL;
    if (h && h->dropped) { /* named an unreadable checkpoint (already reported) */
        h = NULL;
        bad = true;
    } else if (hint >= 0 && !h && hint <= version) {
        bad = true;
        silt_log_warn("delta: _last_checkpoint names version %" PRId64
                      " but that checkpoint is missing or incomplete; listing instead",
                      hint);
    }
    const silt_delta_cp_info *cp = NULL;
    for (size_t i = x->n_cps; i-- > 0 && !cp;)
        if (x->cps[i].version <= version && !x->cps[i].dropped) cp = &x->cps[i];
    if (h && cp && cp->version > h->version) bad = true; /* stale */
    out->used_last_checkpoint = h && cp == h;
    out->last_checkpoint_bad = bad;
    return cp;
}

/* Sets out->version and out->latest_version (version -1: the latest). */
static int choose_version(silt_delta_segment *out, const silt_delta_listing *x, silt_store *store,
                          int64_t version, silt_error *err)
{
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
    long at = silt_delta_listing_find_commit(x, version);
    out->version_mtime_ms = at >= 0 ? x->l.entries[x->idx[at]].mtime_ms : -1;
    return 0;
}

static int copy_checkpoint_keys(silt_delta_segment *out, const silt_delta_listing *x,
                                const silt_delta_cp_info *cp)
{
    out->checkpoint_version = cp->version;
    out->checkpoint_keys = silt_calloc((size_t)cp->parts, sizeof(char *));
    if (!out->checkpoint_keys) return SILT_ENOMEM;
    assert(cp->found == cp->parts && !cp->dropped);
    for (int32_t p = 0; p < cp->parts; p++) {
        if (!(out->checkpoint_keys[p] = silt_strdup(x->l.entries[cp->first + (size_t)p].key)))
            return SILT_ENOMEM;
        out->n_checkpoint_parts++;
    }
    return 0;
}

/* SILT_ECORRUPT naming the missing commit `want` and the versions around it. */
static int missing_commit(const silt_delta_listing *x, silt_store *store, int64_t want,
                          silt_error *err)
{
    int64_t before = -1, after = -1;
    for (size_t k = 0; k < x->n_commits; k++) {
        if (x->versions[k] < want) before = x->versions[k];
        if (x->versions[k] > want && after < 0) after = x->versions[k];
    }
    char around[96] = "";
    if (before >= 0 && after >= 0)
        snprintf(around, sizeof around, " (the log has versions %" PRId64 " and %" PRId64 ")",
                 before, after);
    silt_error_set(err, SILT_ECORRUPT,
                   "log versions are not contiguous: version %" PRId64 " is missing from %s of "
                   "'%s'%s",
                   want, SILT_DELTA_LOG_DIR, store->url, around);
    silt_error_path(err, store->url);
    return SILT_ECORRUPT;
}

/* The commit keys start..out->version, every one of which must be in the listing. */
static int copy_commit_keys(silt_delta_segment *out, const silt_delta_listing *x, silt_store *store,
                            int64_t start, silt_error *err)
{
    out->first_commit = start;
    if (out->version < start) return 0;
    size_t n = (size_t)(out->version - start + 1);
    out->commit_keys = silt_calloc(n, sizeof(char *));
    out->commit_mtimes = silt_calloc(n, sizeof(int64_t));
    if (!out->commit_keys || !out->commit_mtimes) return SILT_ENOMEM;
    long at = silt_delta_listing_find_commit(x, start);
    for (size_t i = 0; i < n; i++) {
        int64_t want = start + (int64_t)i;
        if (at < 0 || (size_t)at + i >= x->n_commits || x->versions[at + (long)i] != want)
            return missing_commit(x, store, want, err);
        const silt_store_entry *e = &x->l.entries[x->idx[at + (long)i]];
        if (!(out->commit_keys[i] = silt_strdup(e->key))) return SILT_ENOMEM;
        out->commit_mtimes[i] = e->mtime_ms;
        out->n_commits++;
    }
    assert(out->n_commits == n && out->commit_keys[n - 1]);
    return 0;
}

int silt_delta_listing_plan(silt_delta_segment *out, const silt_delta_listing *x, silt_store *store,
                            int64_t version, bool use_checkpoints, silt_error *err)
{
    memset(out, 0, sizeof *out);
    out->checkpoint_version = -1;
    int rc = choose_version(out, x, store, version, err);
    if (rc) return rc;
    const silt_delta_cp_info *cp =
        use_checkpoints ? choose_checkpoint(out, x, store, out->version) : NULL;
    int64_t start = 0;
    if (cp) {
        if (copy_checkpoint_keys(out, x, cp)) goto oom;
        start = cp->version + 1;
    } else if (silt_delta_listing_find_commit(x, 0) < 0) {
        if (!use_checkpoints && x->n_cps)
            return silt_error_set(err, SILT_EUNSUPPORTED,
                                  "the log of '%s' starts at a checkpoint (version 0 was cleaned "
                                  "up) and no checkpoint reader is available",
                                  store->url);
        return silt_error_set(err, SILT_ENOTFOUND,
                              "version %" PRId64 " of '%s' cannot be reconstructed: no "
                              "checkpoint at or before it and no commit 0",
                              out->version, store->url);
    }
    rc = copy_commit_keys(out, x, store, start, err);
    if (rc == SILT_ENOMEM) goto oom;
    if (rc) silt_delta_segment_clear(out);
    return rc;
oom:
    silt_delta_segment_clear(out);
    return silt_error_set(err, SILT_ENOMEM, "out of memory planning the log");
}

int silt_delta_segment_plan(silt_delta_segment *out, silt_store *store, int64_t version,
                            bool use_checkpoints, silt_error *err)
{
    silt_delta_listing x;
    int rc = silt_delta_listing_read(&x, store, err);
    if (rc) {
        memset(out, 0, sizeof *out);
        out->checkpoint_version = -1;
        return rc;
    }
    rc = silt_delta_listing_plan(out, &x, store, version, use_checkpoints, err);
    silt_delta_listing_clear(&x);
    return rc;
}
