/* VACUUM: delete the files under a table that no version within the retention references,
 * never one a writer may still be about to commit. */
#include "delta/maint.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "delta/dv.h"
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

/* A deletion vector file some action references: for a live file's DV, when = -1 (always
 * kept); for a tombstone's, its deletion timestamp. */
typedef struct dv_ref {
    char *key;
    int64_t when;
} dv_ref;

typedef struct dv_refs {
    dv_ref *items;
    size_t n;
} dv_refs;

static int cmp_ref(const void *a, const void *b)
{
    return strcmp(((const dv_ref *)a)->key, ((const dv_ref *)b)->key);
}

static int ref_dv(dv_refs *r, const silt_delta_dv *dv, int64_t when, const char *url)
{
    if (dv->storage_type != 'u' && dv->storage_type != 'p') return 0;
    silt_buf key = SILT_BUF_INIT;
    silt_error e;
    int rc = silt_delta_dv_file_key(&key, dv, url, &e);
    if (rc == SILT_ENOMEM || silt_buf_cstr(&key)) rc = SILT_ENOMEM;
    if (rc == 0) {
        r->items[r->n].key = (char *)silt_buf_detach(&key, NULL);
        r->items[r->n++].when = when;
    }
    silt_buf_free(&key);
    /* a descriptor that names no file under the table protects nothing here */
    return rc == SILT_ENOMEM ? SILT_ENOMEM : 0;
}

/* Every DV file the snapshot's live files and tombstones reference, sorted by key. */
static int collect_dv_refs(dv_refs *r, const silt_delta_snapshot *snap, const char *url)
{
    r->items = silt_calloc(snap->n_files + snap->n_tombstones + 1, sizeof *r->items);
    if (!r->items) return SILT_ENOMEM;
    for (size_t i = 0; i < snap->n_files; i++)
        if (ref_dv(r, &snap->files[i].dv, -1, url)) return SILT_ENOMEM;
    for (size_t i = 0; i < snap->n_tombstones; i++) {
        int64_t ts = snap->tombstones[i].deletion_timestamp;
        if (ref_dv(r, &snap->tombstones[i].dv, ts < 0 ? INT64_MAX : ts, url)) return SILT_ENOMEM;
    }
    qsort(r->items, r->n, sizeof *r->items, cmp_ref);
    /* a key referenced twice keeps its strongest claim: live (-1), else the latest removal */
    size_t w = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (w && strcmp(r->items[w - 1].key, r->items[i].key) == 0) {
            dv_ref *k = &r->items[w - 1];
            if (k->when >= 0 && (r->items[i].when < 0 || r->items[i].when > k->when))
                k->when = r->items[i].when;
            silt_free(r->items[i].key);
            continue;
        }
        r->items[w++] = r->items[i];
    }
    r->n = w;
    return 0;
}

static void dv_refs_free(dv_refs *r)
{
    for (size_t i = 0; i < r->n; i++) silt_free(r->items[i].key);
    silt_free(r->items);
}

static const dv_ref *find_ref(const dv_refs *r, const char *key)
{
    dv_ref k = {(char *)key, 0};
    return r->n ? bsearch(&k, r->items, r->n, sizeof k, cmp_ref) : NULL;
}

/* Sorts the objects of listing l into out->paths (to delete) and out->kept: live data files
 * and the DV files live files reference are not listed; removed ones (data files, and DV files
 * of removed entries) are kept within the retention. */
static int classify(silt_delta_vacuum_result *out, const silt_store_listing *l,
                    const silt_delta_snapshot *snap, const dv_refs *dvs, int64_t tomb_cutoff)
{
    size_t pl = strlen(SILT_DELTA_LOG_DIR);
    for (size_t i = 0; i < l->n; i++) {
        const silt_store_entry *e = &l->entries[i];
        if (strncmp(e->key, SILT_DELTA_LOG_DIR, pl) == 0 || hidden(e->key)) continue;
        if (silt_delta_snapshot_find(snap, e->key)) continue;
        const dv_ref *dv = find_ref(dvs, e->key);
        if (dv && dv->when < 0) continue;
        const silt_delta_remove *t = silt_delta_snapshot_find_tombstone(snap, e->key);
        bool removed = t || dv;
        int64_t ts = dv ? dv->when : t ? t->deletion_timestamp : 0;
        if (removed && (ts < 0 || ts > tomb_cutoff)) {
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
    dv_refs dvs = {0};
    int rc = choose_retention(out, store, snap, opts, err);
    if (rc) return rc;
    int64_t window = out->retention_ms > SILT_DELTA_VACUUM_SAFETY_MS ? out->retention_ms
                                                                     : SILT_DELTA_VACUUM_SAFETY_MS;
    out->file_cutoff_ms = opts->now_ms - window;
    if ((rc = silt_store_list(store, &l, "", err))) goto fail;
    out->paths = silt_calloc(l.n + 1, sizeof *out->paths);
    out->kept = silt_calloc(l.n + 1, sizeof *out->kept);
    if (!out->paths || !out->kept || collect_dv_refs(&dvs, snap, store->url) ||
        classify(out, &l, snap, &dvs, opts->now_ms - out->retention_ms)) {
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
    dv_refs_free(&dvs);
    silt_store_list_clear(&l);
    return rc;
}
