/* History from commitInfo and expired-log cleanup (VACUUM is in vacuum.c). */
#include "delta/maint.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "delta/action.h"
#include "delta/props.h"
#include "util/alloc.h"
#include "util/log.h"

/* ---- history ---- */

void silt_delta_history_clear(silt_delta_history *h)
{
    for (size_t i = 0; i < h->n; i++) {
        silt_free(h->entries[i].operation);
        silt_free(h->entries[i].commit_info);
    }
    silt_free(h->entries);
    h->entries = NULL;
    h->n = 0;
}

/* Version of a "_delta_log/<20 digits>.json" key, or -1. */
static int64_t commit_version(const char *key)
{
    silt_delta_logname n;
    return silt_delta_logname_parse(&n, key) == SILT_DELTA_LOGFILE_COMMIT ? n.version : -1;
}

int silt_delta_history_read(silt_delta_history *out, silt_store *store, size_t limit,
                            silt_error *err)
{
    memset(out, 0, sizeof *out);
    silt_store_listing l = {0};
    silt_buf b = SILT_BUF_INIT;
    silt_delta_actions a = {0};
    int rc = silt_store_list(store, &l, SILT_DELTA_LOG_DIR, err);
    if (rc) return rc;
    size_t n_commits = 0;
    for (size_t i = 0; i < l.n; i++) n_commits += commit_version(l.entries[i].key) >= 0;
    if (!n_commits) {
        rc = silt_error_set(err, SILT_ENOTFOUND, "'%s' is not a Delta table: no commits in %s",
                            store->url, SILT_DELTA_LOG_DIR);
        goto fail;
    }
    size_t want = limit && limit < n_commits ? limit : n_commits;
    out->entries = silt_calloc(want, sizeof *out->entries);
    if (!out->entries) goto oom;
    for (size_t i = l.n; i-- > 0 && out->n < want;) {
        int64_t v = commit_version(l.entries[i].key);
        if (v < 0) continue;
        if ((rc = silt_store_get(store, &b, l.entries[i].key, err))) goto fail;
        silt_delta_actions_clear(&a);
        if ((rc = silt_delta_actions_parse(&a, b.ptr, b.len, l.entries[i].key, err))) goto fail;
        silt_delta_history_entry *e = &out->entries[out->n++];
        e->version = v;
        e->timestamp_ms = l.entries[i].mtime_ms;
        for (size_t k = 0; k < a.n; k++) {
            if (a.items[k].type != SILT_DELTA_COMMIT_INFO) continue;
            silt_delta_commit_info *ci = &a.items[k].u.commit_info;
            if (ci->timestamp >= 0) e->timestamp_ms = ci->timestamp;
            e->operation = ci->operation;
            e->commit_info = ci->json;
            ci->operation = NULL;
            ci->json = NULL;
            break;
        }
    }
    goto done;
oom:
    rc = silt_error_set(err, SILT_ENOMEM, "out of memory reading history");
fail:
    silt_delta_history_clear(out);
done:
    silt_delta_actions_clear(&a);
    silt_buf_free(&b);
    silt_store_list_clear(&l);
    return rc;
}

/* ---- expired-log cleanup ---- */

/* Version of a log file name (commit, checkpoint or .crc), or -1. */
static int64_t log_file_version(const char *key, bool *is_checkpoint)
{
    silt_delta_logname n;
    silt_delta_logname_parse(&n, key);
    *is_checkpoint = silt_delta_logname_is_checkpoint(&n);
    return n.kind == SILT_DELTA_LOGFILE_LAST_CHECKPOINT ? -1 : n.version;
}

int silt_delta_log_cleanup(size_t *out_deleted, silt_store *store, const silt_delta_snapshot *snap,
                           int64_t now_ms, silt_error *err)
{
    *out_deleted = 0;
    int64_t retention;
    int rc = silt_delta_prop_duration(&retention, NULL, snap, SILT_DELTA_PROP_LOG_RETENTION,
                                      SILT_DELTA_LOG_RETENTION_DEFAULT, err);
    if (rc) return rc;
    const char *enabled = silt_delta_snapshot_config(snap, "delta.enableExpiredLogCleanup");
    if (enabled && strcmp(enabled, "false") == 0) return 0;
    int64_t cutoff = now_ms - retention;
    silt_store_listing l = {0};
    if ((rc = silt_store_list(store, &l, SILT_DELTA_LOG_DIR, err))) return rc;
    /* the newest checkpoint written before the cutoff: everything older than it can go */
    int64_t keep_from = -1;
    for (size_t i = 0; i < l.n; i++) {
        bool cp;
        int64_t v = log_file_version(l.entries[i].key, &cp);
        if (cp && v <= snap->version && l.entries[i].mtime_ms <= cutoff && v > keep_from)
            keep_from = v;
    }
    for (size_t i = 0; keep_from > 0 && i < l.n; i++) {
        bool cp;
        int64_t v = log_file_version(l.entries[i].key, &cp);
        if (v < 0 || v >= keep_from || l.entries[i].mtime_ms > cutoff) continue;
        rc = silt_store_delete(store, l.entries[i].key, err);
        if (rc == SILT_ENOTFOUND) continue; /* another cleaner got there first */
        if (rc) break;
        (*out_deleted)++;
    }
    if (rc == SILT_ENOTFOUND) rc = 0;
    if (*out_deleted)
        silt_log_info("delta: '%s': removed %zu log files older than version %" PRId64, store->url,
                      *out_deleted, keep_from);
    silt_store_list_clear(&l);
    return rc;
}
