/* History from commitInfo, expired-log cleanup and VACUUM file selection. */
#include "delta/maint.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "delta/action.h"
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
    size_t pl = strlen(SILT_DELTA_LOG_DIR);
    if (strncmp(key, SILT_DELTA_LOG_DIR, pl) != 0) return -1;
    const char *n = key + pl;
    for (int i = 0; i < 20; i++)
        if (n[i] < '0' || n[i] > '9') return -1;
    if (strcmp(n + 20, ".json") != 0) return -1;
    return strtoll(n, NULL, 10);
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
    size_t pl = strlen(SILT_DELTA_LOG_DIR);
    *is_checkpoint = false;
    if (strncmp(key, SILT_DELTA_LOG_DIR, pl) != 0) return -1;
    const char *n = key + pl;
    for (int i = 0; i < 20; i++)
        if (n[i] < '0' || n[i] > '9') return -1;
    const char *rest = n + 20;
    if (strncmp(rest, ".checkpoint.", 12) == 0 && strstr(rest, ".parquet")) {
        *is_checkpoint = true;
    } else if (strcmp(rest, ".json") != 0 && strcmp(rest, ".crc") != 0) {
        return -1;
    }
    return strtoll(n, NULL, 10);
}

int silt_delta_log_cleanup(size_t *out_deleted, silt_store *store, const silt_delta_snapshot *snap,
                           int64_t now_ms, silt_error *err)
{
    *out_deleted = 0;
    int64_t retention = 30LL * 86400000;
    const char *conf = silt_delta_snapshot_config(snap, "delta.logRetentionDuration");
    if (conf && silt_delta_parse_interval(&retention, conf, err)) {
        silt_error_prefix(err, "table property delta.logRetentionDuration");
        return err ? err->code : SILT_EINVAL;
    }
    const char *enabled = silt_delta_snapshot_config(snap, "delta.enableExpiredLogCleanup");
    if (enabled && strcmp(enabled, "false") == 0) return 0;
    int64_t cutoff = now_ms - retention;
    silt_store_listing l = {0};
    int rc = silt_store_list(store, &l, SILT_DELTA_LOG_DIR, err);
    if (rc) return rc;
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

/* ---- vacuum ---- */

void silt_delta_vacuum_result_clear(silt_delta_vacuum_result *r)
{
    for (size_t i = 0; i < r->n; i++) silt_free(r->paths[i]);
    silt_free(r->paths);
    memset(r, 0, sizeof *r);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
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

int silt_delta_vacuum(silt_delta_vacuum_result *out, silt_store *store,
                      const silt_delta_snapshot *snap, int64_t retention_ms, int64_t now_ms,
                      bool dry_run, silt_error *err)
{
    memset(out, 0, sizeof *out);
    if (retention_ms < 0) {
        retention_ms = 7LL * 86400000;
        const char *conf = silt_delta_snapshot_config(snap, "delta.deletedFileRetentionDuration");
        if (conf && silt_delta_parse_interval(&retention_ms, conf, err)) {
            silt_error_prefix(err, "table property delta.deletedFileRetentionDuration");
            return err ? err->code : SILT_EINVAL;
        }
    }
    int64_t cutoff = now_ms - retention_ms;
    silt_store_listing l = {0};
    const char **valid = silt_calloc(snap->n_files + snap->n_tombstones + 1, sizeof *valid);
    if (!valid) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    size_t nv = 0;
    for (size_t i = 0; i < snap->n_files; i++) valid[nv++] = snap->files[i].path;
    for (size_t i = 0; i < snap->n_tombstones; i++)
        if (snap->tombstones[i].deletion_timestamp < 0 ||
            snap->tombstones[i].deletion_timestamp > cutoff)
            valid[nv++] = snap->tombstones[i].path;
    qsort(valid, nv, sizeof *valid, cmp_str);
    int rc = silt_store_list(store, &l, "", err);
    if (rc) goto fail;
    out->paths = silt_calloc(l.n + 1, sizeof *out->paths);
    if (!out->paths) goto oom;
    for (size_t i = 0; i < l.n; i++) {
        const char *key = l.entries[i].key;
        if (strncmp(key, SILT_DELTA_LOG_DIR, strlen(SILT_DELTA_LOG_DIR)) == 0 || hidden(key))
            continue;
        if (bsearch(&key, valid, nv, sizeof *valid, cmp_str)) continue;
        if (l.entries[i].mtime_ms >= cutoff) continue; /* may belong to a running write */
        if (!(out->paths[out->n] = silt_strdup(key))) goto oom;
        out->n++;
        out->bytes += l.entries[i].size;
    }
    for (size_t i = 0; !dry_run && i < out->n; i++) {
        rc = silt_store_delete(store, out->paths[i], err);
        if (rc == SILT_ENOTFOUND) continue;
        if (rc) goto fail;
        out->n_deleted++;
    }
    rc = 0;
    goto done;
oom:
    rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
fail:
    silt_delta_vacuum_result_clear(out);
done:
    silt_store_list_clear(&l);
    silt_free(valid);
    return rc;
}
