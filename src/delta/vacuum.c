/* VACUUM: delete the files under a table that no version within the retention references,
 * never one a writer may still be about to commit. */
#include "delta/maint.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "delta/props.h"
#include "util/alloc.h"
#include "util/log.h"

void silt_delta_vacuum_result_clear(silt_delta_vacuum_result *r)
{
    for (size_t i = 0; i < r->n; i++) silt_free(r->paths[i]);
    for (size_t i = 0; i < r->n_kept; i++) silt_free(r->kept[i].path);
    silt_free(r->paths);
    silt_free(r->kept);
    memset(r, 0, sizeof *r);
}

/* Hidden per Spark: a path component starting with '_' or '.', unless it is a partition
 * directory (contains '='). */
static bool hidden(const char *key)
{
    const char *c = key;
    while (*c) {
        const char *slash = strchr(c, '/');
        size_t len = slash ? (size_t)(slash - c) : strlen(c);
        bool is_dir = slash != NULL;
        if ((c[0] == '_' || c[0] == '.') && !(is_dir && memchr(c, '=', len))) return true;
        if (!slash) break;
        c = slash + 1;
    }
    return false;
}

/* Sets out->retention_ms and out->min_retention_ms; refuses a retention below the table's
 * property unless forced. */
static int choose_retention(silt_delta_vacuum_result *out, silt_store *store,
                            const silt_delta_snapshot *snap, const silt_delta_vacuum_opts *opts,
                            silt_error *err)
{
    const char *text;
    int rc = silt_delta_prop_duration(&out->min_retention_ms, &text, snap,
                                      SILT_DELTA_PROP_DELETED_FILE_RETENTION,
                                      SILT_DELTA_DELETED_FILE_RETENTION_DEFAULT, err);
    if (rc) return rc;
    out->retention_ms = opts->retention_ms < 0 ? out->min_retention_ms : opts->retention_ms;
    if (out->retention_ms >= out->min_retention_ms || opts->force) return 0;
    char have[24], need[24];
    silt_delta_duration_text(have, sizeof have, out->retention_ms);
    silt_delta_duration_text(need, sizeof need, out->min_retention_ms);
    return silt_error_set(err, SILT_EINVAL,
                          "VACUUM of '%s' refused: a retention of %s is shorter than the table's "
                          "%s ('%s' = %s), so it could delete files that a writer is about to "
                          "commit or that a reader of an older version needs. Use a retention of "
                          "at least %s, or force it (silt table vacuum --force; files modified in "
                          "the last %" PRId64 " minutes are kept even then)",
                          store->url, have, SILT_DELTA_PROP_DELETED_FILE_RETENTION, text, need,
                          need, SILT_DELTA_VACUUM_SAFETY_MS / 60000);
}

static int keep(silt_delta_vacuum_result *out, const char *key, silt_delta_vacuum_keep why,
                int64_t when)
{
    silt_delta_vacuum_kept *k = &out->kept[out->n_kept];
    if (!(k->path = silt_strdup(key))) return SILT_ENOMEM;
    k->why = why;
    k->when_ms = when;
    out->n_kept++;
    return 0;
}

/* Sorts the objects of listing l into out->paths (to delete) and out->kept. */
static int classify(silt_delta_vacuum_result *out, const silt_store_listing *l,
                    const silt_delta_snapshot *snap, int64_t tomb_cutoff)
{
    size_t pl = strlen(SILT_DELTA_LOG_DIR);
    for (size_t i = 0; i < l->n; i++) {
        const silt_store_entry *e = &l->entries[i];
        if (strncmp(e->key, SILT_DELTA_LOG_DIR, pl) == 0 || hidden(e->key)) continue;
        if (silt_delta_snapshot_find(snap, e->key)) continue;
        const silt_delta_remove *t = silt_delta_snapshot_find_tombstone(snap, e->key);
        int64_t ts = t ? t->deletion_timestamp : 0;
        if (t && (ts < 0 || ts > tomb_cutoff)) {
            if (keep(out, e->key, SILT_DELTA_VACUUM_KEEP_REMOVED_RECENTLY, ts)) return SILT_ENOMEM;
            continue;
        }
        if (e->mtime_ms >= out->file_cutoff_ms) { /* may belong to a commit in flight */
            if (keep(out, e->key, SILT_DELTA_VACUUM_KEEP_RECENT, e->mtime_ms)) return SILT_ENOMEM;
            continue;
        }
        if (!(out->paths[out->n] = silt_strdup(e->key))) return SILT_ENOMEM;
        out->n++;
        out->bytes += e->size;
    }
    return 0;
}

int silt_delta_vacuum(silt_delta_vacuum_result *out, silt_store *store,
                      const silt_delta_snapshot *snap, const silt_delta_vacuum_opts *opts,
                      silt_error *err)
{
    memset(out, 0, sizeof *out);
    silt_store_listing l = {0};
    int rc = choose_retention(out, store, snap, opts, err);
    if (rc) return rc;
    int64_t window = out->retention_ms > SILT_DELTA_VACUUM_SAFETY_MS ? out->retention_ms
                                                                     : SILT_DELTA_VACUUM_SAFETY_MS;
    out->file_cutoff_ms = opts->now_ms - window;
    if ((rc = silt_store_list(store, &l, "", err))) goto fail;
    out->paths = silt_calloc(l.n + 1, sizeof *out->paths);
    out->kept = silt_calloc(l.n + 1, sizeof *out->kept);
    if (!out->paths || !out->kept || classify(out, &l, snap, opts->now_ms - out->retention_ms)) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto fail;
    }
    assert(out->n + out->n_kept <= l.n && out->file_cutoff_ms <= opts->now_ms);
    for (size_t i = 0; !opts->dry_run && i < out->n; i++) {
        rc = silt_store_delete(store, out->paths[i], err);
        if (rc == SILT_ENOTFOUND) continue;
        if (rc) goto fail;
        out->n_deleted++;
    }
    rc = 0;
    goto done;
fail:
    silt_delta_vacuum_result_clear(out);
done:
    silt_store_list_clear(&l);
    return rc;
}
