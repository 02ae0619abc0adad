/* Reading a Delta table: a snapshot of one version, planned from the log's listing and replayed.
 *
 * A Delta table's state at version v is the result of replaying its actions in order: the
 * commits _delta_log/00000000000000000000.json .. <v>.json, each a file of one JSON action per
 * line. A checkpoint (<n>.checkpoint.parquet, or a multi-part one in numbered parts) holds the
 * replayed state of version n, so a reader may start there and replay only commits n+1 .. v.
 *
 * Planning (logplan.c). _delta_log/ is listed once and every name parsed (logname.c): the commit
 * versions, ascending, and the complete checkpoints (every part present). The version wanted
 * (-1: the newest in the listing; a timestamp is first turned into the newest version committed
 * at or before it, by a binary search over commit times) must exist. Its starting point is the
 * newest complete checkpoint at or before it; _last_checkpoint, which writers update after each
 * checkpoint, is read to say whether it named that checkpoint, and is reported as bad when it is
 * corrupt, names a checkpoint that is not there, or is older than a checkpoint in the listing
 * (the listing is the truth: _last_checkpoint is only a hint). Without a checkpoint, replay
 * starts at commit 0, which must then exist. Every commit after the starting point up to the
 * version must be in the listing (a gap is corruption, named). The result is a segment:
 * checkpoint parts + commit keys.
 *
 * Replay (replay.c). The checkpoint's rows are read through the Parquet file ops and turned into
 * actions, then each JSON commit is read and parsed; every action is applied to hash maps keyed
 * by path (add: the live file, replacing one of the same path and clearing its tombstone;
 * remove: drops the live file, becomes the tombstone), the latest txn per appId, and the last
 * protocol and metadata seen. The snapshot is that state, compacted and sorted by path, once
 * the protocol is known to be readable.
 *
 * Recovery (here). A checkpoint that cannot be read (truncated, corrupt: "no PAR1 magic", a CRC
 * mismatch) does not make the table unreadable while what it summarises is still there: the
 * load warns, forgets that checkpoint, plans again (from an older checkpoint or commit 0) and
 * replays from there. Only when nothing older can rebuild the version is it an error.
 *
 * Updating (here). A snapshot is brought forward by listing again and replaying only the commits
 * after its version onto a copy of its state. */
#include "delta/log.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta/log_int.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/time.h"

silt_delta_read_opts silt_delta_read_opts_default(void)
{
    silt_delta_read_opts o = {-1, INT64_MIN, NULL};
    return o;
}

/* The keys of commits from+1 .. to (borrowed from the listing), all of which must be there. */
static int commits_after(char ***out, const silt_delta_listing *x, silt_store *store, int64_t from,
                         int64_t to, silt_error *err)
{
    long at = silt_delta_listing_find_commit(x, from + 1);
    size_t n = (size_t)(to - from);
    char **keys = silt_calloc(n, sizeof *keys);
    if (!keys) return silt_error_set(err, SILT_ENOMEM, "out of memory updating a snapshot");
    for (size_t i = 0; i < n; i++) {
        int64_t want = from + 1 + (int64_t)i;
        if (at < 0 || (size_t)at + i >= x->n_commits || x->versions[at + (long)i] != want) {
            silt_free(keys);
            return silt_error_set(err, SILT_ENOTFOUND,
                                  "cannot update the snapshot of '%s' from version %" PRId64
                                  ": commit %" PRId64 " is missing; load the table again",
                                  store->url, from, want);
        }
        keys[i] = x->l.entries[x->idx[at + (long)i]].key;
    }
    *out = keys;
    return 0;
}

int silt_delta_snapshot_update(silt_delta_snapshot **snap, silt_store *store, silt_error *err)
{
    silt_delta_snapshot *old = *snap;
    silt_delta_listing x;
    silt_delta_replay r;
    silt_delta_replay_init(&r);
    char **keys = NULL;
    /* only the versions after the snapshot's (and a few before) are listed */
    int rc = silt_delta_listing_read_from(&x, store, old->version + 1, err);
    if (rc) return rc;
    int64_t latest = x.n_commits ? x.versions[x.n_commits - 1] : -1;
    if (latest <= old->version) goto done;
    size_t n_keys = (size_t)(latest - old->version);
    if ((rc = commits_after(&keys, &x, store, old->version, latest, err))) goto done;
    /* a replay seeded with a copy of the old state (the old snapshot stays valid on failure) */
    if ((rc = silt_delta_replay_seed(&r, old, err))) goto done;
    if ((rc = silt_delta_replay_commits(&r, store, keys, n_keys, err))) goto done;
    int64_t ts = r.last_commit_ts;
    silt_delta_snapshot *s = NULL;
    if ((rc = silt_delta_replay_finish(&s, &r, store, latest, err))) goto done;
    s->timestamp_ms = ts >= 0 ? ts : x.l.entries[x.idx[x.n_commits - 1]].mtime_ms;
    s->checkpoint_version = old->checkpoint_version;
    s->n_commits_read = old->n_commits_read + n_keys;
    s->n_checkpoint_batches = old->n_checkpoint_batches;
    s->used_last_checkpoint = old->used_last_checkpoint;
    silt_delta_snapshot_destroy(old);
    *snap = s;
done:
    silt_free(keys);
    silt_delta_replay_free(&r);
    silt_delta_listing_clear(&x);
    return rc;
}

/* Commit time of version v: commitInfo.timestamp of its commit file, else its mtime. */
static int commit_time(int64_t *out, silt_store *store, const silt_delta_listing *x, long ci,
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
static int version_at(int64_t *out, silt_store *store, const silt_delta_listing *x, int64_t ts,
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

/* Plans and replays `version`; when a checkpoint cannot be read, warns, forgets it and plans
 * again without it, until a replay succeeds or nothing older can rebuild the version. */
static int load_from_listing(silt_delta_snapshot **out, silt_delta_listing *x, silt_store *store,
                             int64_t version, const silt_delta_file_ops *file_ops, silt_error *err)
{
    bool use_cp = file_ops && file_ops->read_checkpoint;
    silt_delta_segment seg;
    silt_error first;
    char first_key[128] = "";
    bool fell_back = false;
    for (;;) {
        int rc = silt_delta_listing_plan(&seg, x, store, version, use_cp, err);
        if (rc && fell_back) { /* nothing older to fall back on: report the bad checkpoint */
            silt_error_set(err, first.code,
                           "checkpoint %s of '%s' is unreadable (%s), and no older checkpoint or "
                           "complete JSON history can rebuild the table without it: restore it "
                           "from a backup",
                           first_key, store->url, first.msg);
            if (first.path[0]) silt_error_path(err, first.path);
        }
        if (rc) return rc;
        if (seg.last_checkpoint_bad)
            silt_log_debug("delta: '%s': _last_checkpoint ignored (stale or corrupt)", store->url);
        bool cp_failed;
        rc = silt_delta_replay_segment(out, &cp_failed, store, &seg, file_ops, err);
        int64_t bad = seg.checkpoint_version;
        if (rc && cp_failed && !fell_back)
            snprintf(first_key, sizeof first_key, "%s", seg.checkpoint_keys[0]);
        if (rc && cp_failed)
            silt_log_warn("delta: '%s': checkpoint %s%s is unreadable (%s); reading the table "
                          "without it (`silt table checkpoint` writes a good one)",
                          store->url, seg.checkpoint_keys[0],
                          seg.n_checkpoint_parts > 1 ? " (multi-part)" : "", err->msg);
        silt_delta_segment_clear(&seg);
        if (!rc || !cp_failed) return rc;
        if (!fell_back) {
            first = *err;
            fell_back = true;
        }
        silt_delta_listing_drop_checkpoint(x, bad);
        silt_error_clear(err);
    }
}

/* The latest snapshot (or a version at or after _last_checkpoint's) from a listing of the log
 * from _last_checkpoint's version on, which on object stores costs a fraction of listing the
 * whole log. Returns SILT_ENOTFOUND with *out NULL (and err clear) when that does not apply or
 * does not work out (no _last_checkpoint, a missing or unreadable checkpoint, a gap): the
 * caller then lists the whole log, which finds, reports or works around the problem. */
static int load_narrowed(silt_delta_snapshot **out, silt_store *store,
                         const silt_delta_read_opts *opts, silt_error *err)
{
    *out = NULL;
    if (opts->timestamp_ms != INT64_MIN || !opts->file_ops || !opts->file_ops->read_checkpoint)
        return SILT_ENOTFOUND;
    bool bad;
    int64_t cp = silt_delta_read_last_checkpoint(store, &bad);
    if (cp < 0 || (opts->version >= 0 && opts->version < cp)) return SILT_ENOTFOUND;
    silt_delta_listing x;
    int rc = silt_delta_listing_read_from(&x, store, cp, err);
    if (rc == 0) {
        bool has_cp = false;
        for (size_t i = 0; i < x.n_cps; i++) has_cp |= x.cps[i].version == cp;
        rc = has_cp ? load_from_listing(out, &x, store, opts->version, opts->file_ops, err)
                    : SILT_ENOTFOUND;
        silt_delta_listing_clear(&x);
    }
    if (rc == 0 || rc == SILT_ENOMEM) return rc;
    silt_log_debug("delta: '%s': no snapshot from checkpoint %" PRId64 " on (%s); listing the "
                   "whole log",
                   store->url, cp, err->code ? err->msg : "not in the listing");
    silt_error_clear(err);
    return SILT_ENOTFOUND;
}

int silt_delta_snapshot_load(silt_delta_snapshot **out, silt_store *store,
                             const silt_delta_read_opts *opts, silt_error *err)
{
    *out = NULL;
    silt_error local;
    if (!err) err = &local; /* the fallback reads the message */
    silt_delta_read_opts def = silt_delta_read_opts_default();
    if (!opts) opts = &def;
    int rc = load_narrowed(out, store, opts, err);
    if (rc != SILT_ENOTFOUND || *out) return rc;
    silt_delta_listing x;
    if ((rc = silt_delta_listing_read(&x, store, err))) return rc;
    int64_t version = opts->version;
    if (opts->timestamp_ms != INT64_MIN) {
        int64_t v = -1;
        if ((rc = version_at(&v, store, &x, opts->timestamp_ms, err))) goto fail;
        if (version < 0 || v < version) version = v;
    }
    rc = load_from_listing(out, &x, store, version, opts->file_ops, err);
fail:
    silt_delta_listing_clear(&x);
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

static int cmp_add_path(const void *key, const void *elem)
{
    return strcmp(key, ((const silt_delta_add *)elem)->path);
}

static int cmp_remove_path(const void *key, const void *elem)
{
    return strcmp(key, ((const silt_delta_remove *)elem)->path);
}

const silt_delta_add *silt_delta_snapshot_find(const silt_delta_snapshot *s, const char *path)
{
    if (!s->n_files) return NULL;
    return bsearch(path, s->files, s->n_files, sizeof *s->files, cmp_add_path);
}

const silt_delta_remove *silt_delta_snapshot_find_tombstone(const silt_delta_snapshot *s,
                                                            const char *path)
{
    if (!s->n_tombstones) return NULL;
    return bsearch(path, s->tombstones, s->n_tombstones, sizeof *s->tombstones, cmp_remove_path);
}

const char *silt_delta_snapshot_config(const silt_delta_snapshot *s, const char *key)
{
    const char *v = NULL;
    return silt_delta_map_get(&s->metadata.configuration, key, &v) ? v : NULL;
}
