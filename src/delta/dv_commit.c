/* Deleting rows with deletion vectors: merging new deletions with a file's DV, writing the
 * commit's DVs in one file, remove + add of each touched file, and the protocol upgrade. */
#include "delta/dv_commit.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "delta/schema.h"
#include "util/alloc.h"
#include "util/time.h"

#define FEATURE "deletionVectors"

static bool has_feature(char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], FEATURE) == 0) return true;
    return false;
}

bool silt_delta_dvs_enabled(const silt_delta_snapshot *snap)
{
    const silt_delta_protocol *p = &snap->protocol;
    return p->min_reader_version >= 3 && p->min_writer_version >= 7 &&
           has_feature(p->reader_features, p->n_reader_features) &&
           has_feature(p->writer_features, p->n_writer_features);
}

/* Appends name to the list unless it is there. */
static int add_feature(char ***v, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i], name) == 0) return 0;
    char **g = silt_realloc(*v, (*n + 1) * sizeof *g);
    if (!g) return SILT_ENOMEM;
    *v = g;
    if (!(g[*n] = silt_strdup(name))) return SILT_ENOMEM;
    (*n)++;
    return 0;
}

/* The upgraded protocol into p (owned). */
static int upgraded(silt_delta_protocol *p, const silt_delta_protocol *old)
{
    if (silt_delta_protocol_copy(p, old)) return SILT_ENOMEM;
    int rc = 0;
    if (old->min_writer_version < 7) {
        /* legacy writer versions name their features implicitly */
        if (old->min_writer_version >= 2)
            rc = add_feature(&p->writer_features, &p->n_writer_features, "appendOnly") ||
                 add_feature(&p->writer_features, &p->n_writer_features, "invariants");
    }
    p->min_reader_version = 3;
    p->min_writer_version = 7;
    if (!rc)
        rc = add_feature(&p->reader_features, &p->n_reader_features, FEATURE) ||
             add_feature(&p->writer_features, &p->n_writer_features, FEATURE);
    return rc ? SILT_ENOMEM : 0;
}

int silt_delta_enable_dvs(int64_t *out_version, silt_store *store, const silt_delta_snapshot *snap,
                          const silt_delta_commit_opts *opts, silt_error *err)
{
    *out_version = snap->version;
    if (silt_delta_dvs_enabled(snap)) return 0;
    int rc = silt_delta_protocol_check_write(&snap->protocol, &snap->metadata, err);
    if (rc) return rc;
    silt_delta_actions a = {0};
    silt_delta_action *p = silt_delta_actions_push(&a, SILT_DELTA_PROTOCOL);
    if (!p || upgraded(&p->u.protocol, &snap->protocol)) goto oom;
    silt_delta_action *m = silt_delta_actions_push(&a, SILT_DELTA_METADATA);
    if (!m || silt_delta_metadata_copy(&m->u.metadata, &snap->metadata) ||
        silt_delta_map_set(&m->u.metadata.configuration, "delta.enableDeletionVectors", "true"))
        goto oom;
    silt_delta_commit_opts o = opts ? *opts : (silt_delta_commit_opts){0};
    o.operation = "SET TBLPROPERTIES";
    rc = silt_delta_commit(out_version, store, snap->version, &a, &o, err);
    silt_delta_actions_clear(&a);
    return rc;
oom:
    silt_delta_actions_clear(&a);
    return silt_error_set(err, SILT_ENOMEM, "out of memory");
}

/* Per touched file: the merged rows and whether it keeps any live row. */
typedef struct touched {
    const silt_delta_add *file;
    silt_delta_rowset rows;
    bool dropped;
} touched;

/* Merges dels[i] with the file's current DV into t. */
static int merge_one(touched *t, silt_delta_dv_commit_stats *st, silt_store *store,
                     const silt_delta_snapshot *snap, const silt_delta_row_delete *d,
                     silt_error *err)
{
    t->file = silt_delta_snapshot_find(snap, d->path);
    if (!t->file)
        return silt_error_set(err, SILT_EINVAL,
                              "cannot delete rows of '%s': it is not a live file of version "
                              "%" PRId64,
                              d->path, snap->version);
    size_t before = 0;
    if (silt_delta_add_has_dv(t->file)) {
        int rc = silt_delta_dv_load(&t->rows, store, &t->file->dv, err);
        if (rc) return rc;
        before = t->rows.n;
    }
    if (silt_delta_rowset_union(&t->rows, d->rows))
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    st->rows_deleted += (int64_t)(t->rows.n - before);
    int64_t records = -1;
    silt_delta_stats_num_records(&records, t->file->stats, NULL);
    t->dropped = records >= 0 && (int64_t)t->rows.n >= records;
    return 0;
}

/* remove of f's current entry. */
static int push_remove(silt_delta_actions *a, const silt_delta_add *f, int64_t now)
{
    silt_delta_action *r = silt_delta_actions_push(a, SILT_DELTA_REMOVE);
    if (!r) return SILT_ENOMEM;
    silt_delta_remove *x = &r->u.remove;
    x->deletion_timestamp = now;
    x->data_change = true;
    x->extended_file_metadata = true;
    x->size = f->size;
    if (!(x->path = silt_strdup(f->path)) ||
        silt_delta_map_copy(&x->partition_values, &f->partition_values) ||
        silt_delta_dv_copy(&x->dv, &f->dv))
        return SILT_ENOMEM;
    return 0;
}

/* add of f with its new DV (consumed). */
static int push_readd(silt_delta_actions *a, const silt_delta_add *f, silt_delta_dv *dv,
                      int64_t now)
{
    silt_delta_action *x = silt_delta_actions_push(a, SILT_DELTA_ADD);
    if (!x) return SILT_ENOMEM;
    if (silt_delta_add_copy(&x->u.add, f)) {
        a->n--;
        return SILT_ENOMEM;
    }
    silt_delta_dv_clear(&x->u.add.dv);
    x->u.add.dv = *dv;
    memset(dv, 0, sizeof *dv);
    x->u.add.data_change = true;
    x->u.add.modification_time = now;
    return 0;
}

/* Writes the DVs of the files that keep rows and pushes every remove and re-add. */
static int build_actions(silt_delta_actions *a, silt_delta_dv_commit_stats *st, silt_store *store,
                         touched *t, size_t n, silt_error *err)
{
    size_t n_keep = 0;
    for (size_t i = 0; i < n; i++) n_keep += !t[i].dropped;
    silt_delta_rowset *sets = silt_calloc(n_keep ? n_keep : 1, sizeof *sets);
    silt_delta_dv *dvs = silt_calloc(n_keep ? n_keep : 1, sizeof *dvs);
    int rc = sets && dvs ? 0 : silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (size_t i = 0, k = 0; i < n && rc == 0; i++)
        if (!t[i].dropped) sets[k++] = t[i].rows; /* shallow: t keeps ownership */
    if (rc == 0 && n_keep)
        rc = silt_delta_dv_write(dvs, &st->dv_file_size, store, sets, n_keep, err);
    int64_t now = silt_time_wall_ms();
    for (size_t i = 0, k = 0; i < n && rc == 0; i++) {
        rc = push_remove(a, t[i].file, now);
        if (rc == 0 && !t[i].dropped) rc = push_readd(a, t[i].file, &dvs[k++], now);
        if (rc) rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        st->files_touched += !t[i].dropped;
        st->files_dropped += t[i].dropped;
    }
    for (size_t k = 0; dvs && k < n_keep; k++) silt_delta_dv_clear(&dvs[k]);
    silt_free(dvs);
    silt_free(sets);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int check_distinct(const silt_delta_row_delete *dels, size_t n, silt_error *err)
{
    const char **p = silt_calloc(n ? n : 1, sizeof *p);
    if (!p) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) p[i] = dels[i].path;
    qsort(p, n, sizeof *p, cmp_str);
    int rc = 0;
    for (size_t i = 1; i < n && rc == 0; i++)
        if (strcmp(p[i - 1], p[i]) == 0)
            rc = silt_error_set(err, SILT_EINVAL, "delete: file '%s' is given twice", p[i]);
    silt_free(p);
    return rc;
}

int silt_delta_delete_rows(int64_t *out_version, silt_delta_dv_commit_stats *out_stats,
                           silt_store *store, const silt_delta_snapshot *snap,
                           const silt_delta_row_delete *dels, size_t n_dels,
                           const silt_delta_add *adds, size_t n_adds, const silt_delta_txn *txns,
                           size_t n_txns, const silt_delta_commit_opts *opts, silt_error *err)
{
    silt_delta_dv_commit_stats st = {0};
    silt_delta_actions a = {0};
    touched *t = silt_calloc(n_dels ? n_dels : 1, sizeof *t);
    int rc = t ? 0 : silt_error_set(err, SILT_ENOMEM, "out of memory");
    if (rc == 0 && n_dels && !silt_delta_dvs_enabled(snap))
        rc = silt_error_set(err, SILT_EUNSUPPORTED,
                            "table '%s' does not have the deletionVectors table feature "
                            "(reader 3 / writer 7): upgrade it first (silt table delete "
                            "--enable-deletion-vectors does)",
                            store->url);
    if (rc == 0) rc = silt_delta_protocol_check_write(&snap->protocol, &snap->metadata, err);
    if (rc == 0) rc = check_distinct(dels, n_dels, err);
    for (size_t i = 0; i < n_dels && rc == 0; i++)
        rc = merge_one(&t[i], &st, store, snap, &dels[i], err);
    if (rc == 0) rc = build_actions(&a, &st, store, t, n_dels, err);
    if (rc == 0) rc = silt_delta_actions_push_writes(&a, adds, n_adds, txns, n_txns, snap, err);
    if (rc == 0) {
        silt_delta_commit_opts o = opts ? *opts : (silt_delta_commit_opts){0};
        if (!o.operation) o.operation = "DELETE";
        const char *interval = silt_delta_snapshot_config(snap, "delta.checkpointInterval");
        if (!o.checkpoint_interval && interval) o.checkpoint_interval = atoll(interval);
        rc = silt_delta_commit(out_version, store, snap->version, &a, &o, err);
    }
    for (size_t i = 0; t && i < n_dels; i++) silt_delta_rowset_free(&t[i].rows);
    silt_free(t);
    silt_delta_actions_clear(&a);
    if (out_stats) *out_stats = st;
    return rc;
}
