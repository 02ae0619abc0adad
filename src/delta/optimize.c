/* OPTIMIZE and auto-compaction: group live files by partition, pack the small ones into bins of
 * about the target size, rewrite each bin as one file and commit remove + add (dataChange false).
 */
#include "delta/optimize.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta/commit.h"
#include "delta/scan.h"
#include "delta/schema.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/time.h"

/* Sort key of a file: its partition values in partition-column order, then its path. */
typedef struct file_ref {
    size_t index;
    char *part_key; /* owned */
    int tier;       /* size tier (auto-compaction); 0 for OPTIMIZE */
} file_ref;

static int cmp_ref(const void *a, const void *b)
{
    const file_ref *x = a, *y = b;
    int c = strcmp(x->part_key, y->part_key);
    if (c) return c;
    if (x->tier != y->tier) return x->tier < y->tier ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

static char *partition_key(const silt_delta_snapshot *snap, const silt_delta_add *f)
{
    silt_buf b = SILT_BUF_INIT;
    for (size_t i = 0; i < snap->metadata.n_partition_columns; i++) {
        const char *v = NULL;
        bool has =
            silt_delta_map_get(&f->partition_values, snap->metadata.partition_columns[i], &v);
        silt_buf_putc(&b, (uint8_t)(has && v ? '1' : '0'));
        if (has && v) silt_buf_puts(&b, v);
        silt_buf_putc(&b, 0x1f);
    }
    if (silt_buf_cstr(&b)) {
        silt_buf_free(&b);
        return NULL;
    }
    return (char *)silt_buf_detach(&b, NULL);
}

static bool in_partition(const silt_delta_add *f, const silt_delta_map *want)
{
    if (!want) return true;
    for (size_t k = 0; k < want->n; k++) {
        const char *v = NULL, *w = want->items[k].value;
        if (!silt_delta_map_get(&f->partition_values, want->items[k].key, &v)) return false;
        if ((v == NULL) != (w == NULL) || (v && strcmp(v, w) != 0)) return false;
    }
    return true;
}

/* Rows of a bin gathered into one batch. */
typedef struct gather {
    silt_batch *batch;
} gather;

static int gather_emit(void *arg, const silt_batch *b, silt_error *err)
{
    gather *g = arg;
    for (size_t i = 0; i < b->n_cols; i++) {
        int rc = silt_column_append_range(&g->batch->cols[i], &b->cols[i], 0, b->n_rows);
        if (rc)
            return silt_error_set(err, rc,
                                  rc == SILT_ERANGE ? "a compacted file would hold more than 2 GiB "
                                                      "of one column: use a smaller target size"
                                                    : "out of memory");
    }
    g->batch->n_rows += b->n_rows;
    return 0;
}

typedef struct plan {
    silt_delta_actions actions;
    size_t n_written;
    char **written; /* keys of the new files, deleted again when the commit fails */
} plan;

static int note_written(plan *p, const char *key)
{
    char **w = silt_realloc(p->written, (p->n_written + 1) * sizeof *w);
    if (!w) return SILT_ENOMEM;
    p->written = w;
    if (!(w[p->n_written] = silt_strdup(key))) return SILT_ENOMEM;
    p->n_written++;
    return 0;
}

/* Reads the files of one bin and writes them as one file; adds the remove and add actions. */
static int compact_bin(plan *p, silt_delta_optimize_result *res, silt_store *store,
                       const silt_delta_snapshot *snap, const silt_delta_add *const *bin,
                       size_t n_bin, const char *const *data_cols, size_t n_data_cols,
                       const silt_delta_file_ops *ops, int64_t now, silt_error *err)
{
    silt_delta_snapshot sub = *snap;
    silt_delta_add *files = silt_calloc(n_bin, sizeof *files);
    silt_schema *schema = NULL;
    gather g = {NULL};
    silt_delta_add add;
    memset(&add, 0, sizeof add);
    int rc;
    if (!files) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (size_t i = 0; i < n_bin; i++) files[i] = *bin[i]; /* shallow: borrowed from snap */
    sub.files = files;
    sub.n_files = n_bin;
    if ((rc = silt_delta_scan_schema(&schema, snap, data_cols, n_data_cols, err))) goto fail;
    if (!(g.batch = silt_batch_create(schema))) goto oom;
    silt_delta_scan_opts so = silt_delta_scan_opts_default();
    so.columns = data_cols;
    so.n_columns = n_data_cols;
    so.file_ops = ops;
    if ((rc = silt_delta_scan(NULL, &sub, store, &so, gather_emit, &g, err))) goto fail;
    rc = silt_delta_write_data_file(&add, store, ops, g.batch, &bin[0]->partition_values,
                                    (const char *const *)snap->metadata.partition_columns,
                                    snap->metadata.n_partition_columns, err);
    if (rc) goto fail;
    if (note_written(p, add.path)) goto oom;
    add.data_change = false;
    res->files_added++;
    res->bytes_added += add.size;
    res->rows += g.batch->n_rows;
    for (size_t i = 0; i < n_bin; i++) {
        silt_delta_action *r = silt_delta_actions_push(&p->actions, SILT_DELTA_REMOVE);
        if (!r) goto oom;
        r->u.remove.path = silt_strdup(bin[i]->path);
        r->u.remove.deletion_timestamp = now;
        r->u.remove.data_change = false;
        r->u.remove.extended_file_metadata = true;
        r->u.remove.size = bin[i]->size;
        if (!r->u.remove.path ||
            silt_delta_map_copy(&r->u.remove.partition_values, &bin[i]->partition_values) ||
            silt_delta_dv_copy(&r->u.remove.dv, &bin[i]->dv))
            goto oom;
        res->files_removed++;
        res->bytes_removed += bin[i]->size;
    }
    silt_delta_action *a = silt_delta_actions_push(&p->actions, SILT_DELTA_ADD);
    if (!a) goto oom;
    a->u.add = add;
    memset(&add, 0, sizeof add);
    goto fail;
oom:
    rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
fail:
    silt_delta_add_clear(&add);
    silt_batch_destroy(g.batch);
    silt_schema_destroy(schema);
    silt_free(files);
    return rc;
}

static int64_t config_int(const silt_delta_snapshot *snap, const char *key, int64_t dflt)
{
    const char *v = silt_delta_snapshot_config(snap, key);
    if (!v) return dflt;
    char *end;
    long long n = strtoll(v, &end, 10);
    return (*v && !*end && n > 0) ? n : dflt;
}

/* Size tier of a file: 0 below base, then one tier per factor `ratio`. */
static int size_tier(int64_t size, int64_t base, int64_t ratio)
{
    int t = 0;
    for (int64_t lim = base; base > 0 && size >= lim && t < 60; lim *= ratio) t++;
    return t;
}

/* One compaction run: its inputs, and the files and actions it has produced so far. */
typedef struct run {
    silt_store *store;
    const silt_delta_snapshot *snap;
    const silt_delta_optimize_opts *opts;
    int64_t target, small_limit, min_small, tier_base, now;
    const char **data_cols; /* the non-partition columns */
    size_t n_data_cols;
    const silt_delta_add **bin; /* scratch: the files of one bin */
    file_ref *refs;             /* the files considered, sorted by partition, tier, path */
    size_t n_refs;
    plan p;
} run;

static void run_free(run *x)
{
    for (size_t i = 0; i < x->n_refs; i++) silt_free(x->refs[i].part_key);
    for (size_t i = 0; i < x->p.n_written; i++) silt_free(x->p.written[i]);
    silt_free(x->p.written);
    silt_delta_actions_clear(&x->p.actions);
    silt_free(x->refs);
    silt_free(x->bin);
    silt_free(x->data_cols);
}

/* Deletes the files this run wrote (the table does not reference them). */
static void discard_written(run *x)
{
    for (size_t i = 0; i < x->p.n_written; i++) {
        silt_error e;
        int rc = silt_store_delete(x->store, x->p.written[i], &e);
        if (rc && rc != SILT_ENOTFOUND)
            silt_log_warn("delta: could not delete '%s' after a failed OPTIMIZE of '%s': %s",
                          x->p.written[i], x->store->url, e.msg);
    }
}

/* Whether more than SILT_DELTA_OPTIMIZE_MAX_DELETED_RATIO of f's rows are deleted by its
 * deletion vector (as Delta's maxDeletedRowsRatio): such a file is rewritten whatever its size,
 * which drops the deleted rows. */
static bool mostly_deleted(const silt_delta_add *f)
{
    int64_t records = -1;
    if (!silt_delta_add_has_dv(f)) return false;
    if (silt_delta_stats_num_records(&records, f->stats, NULL) || records <= 0) return true;
    return (double)f->dv.cardinality > SILT_DELTA_OPTIMIZE_MAX_DELETED_RATIO * (double)records;
}

/* The data columns, and the files to consider (smaller than small_limit or mostly deleted, in
 * the partition asked for) sorted by partition, size tier and path. */
static int select_files(run *x)
{
    const silt_delta_snapshot *snap = x->snap;
    x->refs = silt_calloc(snap->n_files ? snap->n_files : 1, sizeof *x->refs);
    x->bin = silt_calloc(snap->n_files ? snap->n_files : 1, sizeof *x->bin);
    x->data_cols =
        silt_calloc(snap->schema->n_fields ? snap->schema->n_fields : 1, sizeof *x->data_cols);
    if (!x->refs || !x->bin || !x->data_cols) return SILT_ENOMEM;
    for (size_t i = 0; i < snap->schema->n_fields; i++) {
        const char *name = snap->schema->fields[i].name;
        bool part = false;
        for (size_t k = 0; k < snap->metadata.n_partition_columns; k++)
            part |= strcmp(snap->metadata.partition_columns[k], name) == 0;
        if (!part) x->data_cols[x->n_data_cols++] = name;
    }
    for (size_t i = 0; i < snap->n_files; i++) {
        const silt_delta_add *f = &snap->files[i];
        if ((f->size >= x->small_limit && !mostly_deleted(f)) ||
            !in_partition(f, x->opts->partition))
            continue;
        file_ref *r = &x->refs[x->n_refs];
        r->index = i;
        r->tier = size_tier(f->size, x->tier_base, x->min_small);
        if (!(r->part_key = partition_key(snap, f))) return SILT_ENOMEM;
        x->n_refs++;
    }
    qsort(x->refs, x->n_refs, sizeof *x->refs, cmp_ref);
    return 0;
}

/* Packs the files refs[g0..g1) of one partition into bins (in order, up to the target, one
 * size tier each) and rewrites every bin of two or more files. */
static int pack_partition(run *x, silt_delta_optimize_result *out, size_t g0, size_t g1,
                          silt_error *err)
{
    size_t before = out->files_added;
    for (size_t i = g0; i < g1;) {
        size_t n_bin = 0, first = i;
        int64_t total = 0;
        while (i < g1) {
            const silt_delta_add *f = &x->snap->files[x->refs[i].index];
            if (n_bin > 0 &&
                (total + f->size > x->target || x->refs[i].tier != x->refs[first].tier))
                break;
            x->bin[n_bin++] = f;
            total += f->size;
            i++;
        }
        assert(n_bin <= g1 - g0);
        /* a lone file is rewritten only to drop its deleted rows */
        if (n_bin < 2 && !(n_bin == 1 && mostly_deleted(x->bin[0]))) continue;
        int rc = compact_bin(&x->p, out, x->store, x->snap, x->bin, n_bin, x->data_cols,
                             x->n_data_cols, x->opts->file_ops, x->now, err);
        if (rc) return rc;
    }
    if (out->files_added > before) out->partitions++;
    return 0;
}

/* Commits the run's actions as one OPTIMIZE version with its metrics. */
static int commit_run(run *x, silt_delta_optimize_result *out, silt_error *err)
{
    silt_delta_map metrics = {0}, params = {0};
    int rc = SILT_ENOMEM;
    char num[32];
#define METRIC(k, v)                                                                               \
    do {                                                                                           \
        snprintf(num, sizeof num, "%" PRId64, (int64_t)(v));                                       \
        if (silt_delta_map_set(&metrics, k, num)) goto oom;                                        \
    } while (0)
    METRIC("numRemovedBytes", out->bytes_removed);
    METRIC("numAddedBytes", out->bytes_added);
    METRIC("numPartitionsOptimized", out->partitions);
    METRIC("numBatches", 1);
    METRIC("numTargetFileSize", x->target);
#undef METRIC
    if (silt_delta_map_set(&params, "predicate", "[]") ||
        silt_delta_map_set(&params, "zOrderBy", "[]") ||
        silt_delta_map_set(&params, "auto", x->small_limit < x->target ? "true" : "false"))
        goto oom;
    silt_delta_commit_opts co;
    memset(&co, 0, sizeof co);
    co.operation = "OPTIMIZE";
    co.operation_parameters = &params;
    co.file_ops = x->opts->file_ops;
    co.checkpoint_interval = config_int(x->snap, "delta.checkpointInterval", 0);
    rc = silt_delta_commit_with_metrics(&out->version, x->store, x->snap->version, &x->p.actions,
                                        &co, &metrics, err);
    goto done;
oom:
    rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
done:
    silt_delta_map_clear(&metrics);
    silt_delta_map_clear(&params);
    return rc;
}

/* The shared engine. small_limit: files at or above it are left alone; min_small: a partition
 * needs at least this many small files to be compacted (OPTIMIZE: 2). tier_base > 0 packs only
 * files of the same size tier together (tiers grow by factor min_small from tier_base), so a
 * partition fed many small commits rewrites each byte a few times, not at every compaction.
 * When it does not commit, the files it wrote are deleted again, unless the commit failed with
 * an I/O error: then it may have landed, and an unreferenced file is left for VACUUM rather than
 * a referenced one deleted. */
static int compact(silt_delta_optimize_result *out, silt_store *store,
                   const silt_delta_snapshot *snap, const silt_delta_optimize_opts *opts,
                   int64_t target, int64_t small_limit, int64_t min_small, int64_t tier_base,
                   silt_error *err)
{
    run x = {.store = store,
             .snap = snap,
             .opts = opts,
             .target = target,
             .small_limit = small_limit,
             .min_small = min_small,
             .tier_base = tier_base,
             .now = silt_time_wall_ms()};
    bool committing = false;
    memset(out, 0, sizeof *out);
    out->version = -1;
    const silt_delta_file_ops *ops = opts->file_ops;
    if (!ops || !ops->read_file || !ops->write_file)
        return silt_error_set(err, SILT_EINVAL, "OPTIMIZE of '%s': no data-file reader/writer",
                              store->url);
    int rc = silt_delta_protocol_check_write(&snap->protocol, &snap->metadata, err);
    if (rc) {
        silt_error_prefix(err, "cannot optimize '%s'", store->url);
        return rc;
    }
    if (select_files(&x)) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t g0 = 0, g1; g0 < x.n_refs && !rc; g0 = g1) {
        for (g1 = g0; g1 < x.n_refs && strcmp(x.refs[g1].part_key, x.refs[g0].part_key) == 0;) g1++;
        bool due = (int64_t)(g1 - g0) >= min_small;
        for (size_t i = g0; i < g1 && !due; i++)
            due = mostly_deleted(&snap->files[x.refs[i].index]);
        if (due) rc = pack_partition(&x, out, g0, g1, err);
    }
    if (!rc && out->files_added > 0) {
        committing = true;
        rc = commit_run(&x, out, err);
    }
    if (rc) {
        out->version = -1;
        if (!committing || rc != SILT_EIO)
            discard_written(&x);
        else
            silt_log_warn("delta: OPTIMIZE of '%s' may or may not have committed (%s); its %zu "
                          "new files are left in place (VACUUM removes them if unreferenced)",
                          store->url, err ? err->msg : "I/O error", x.p.n_written);
    }
done:
    run_free(&x);
    return rc;
}

static int load_if_needed(const silt_delta_snapshot **snap, silt_delta_snapshot **owned,
                          silt_store *store, const silt_delta_optimize_opts *opts, silt_error *err)
{
    *owned = NULL;
    if (*snap) return 0;
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    ro.file_ops = opts->file_ops;
    int rc = silt_delta_snapshot_load(owned, store, &ro, err);
    *snap = *owned;
    return rc;
}

int silt_delta_optimize(silt_delta_optimize_result *out, silt_store *store,
                        const silt_delta_snapshot *snap, const silt_delta_optimize_opts *opts,
                        silt_error *err)
{
    silt_delta_snapshot *owned = NULL;
    memset(out, 0, sizeof *out);
    out->version = -1;
    int rc = load_if_needed(&snap, &owned, store, opts, err);
    if (rc == 0) {
        int64_t target =
            opts->target_size > 0 ? opts->target_size : SILT_DELTA_OPTIMIZE_TARGET_DEFAULT;
        rc = compact(out, store, snap, opts, target, target, 2, 0, err);
    }
    silt_delta_snapshot_destroy(owned);
    return rc;
}

int silt_delta_auto_compact(silt_delta_optimize_result *out, silt_store *store,
                            const silt_delta_snapshot *snap, const silt_delta_optimize_opts *opts,
                            silt_error *err)
{
    silt_delta_snapshot *owned = NULL;
    memset(out, 0, sizeof *out);
    out->version = -1;
    int rc = load_if_needed(&snap, &owned, store, opts, err);
    if (rc == 0) {
        int64_t target = opts->target_size > 0
                             ? opts->target_size
                             : config_int(snap, SILT_DELTA_PROP_AUTO_COMPACT_TARGET,
                                          SILT_DELTA_OPTIMIZE_TARGET_DEFAULT);
        int64_t min_files = opts->min_files > 0
                                ? opts->min_files
                                : config_int(snap, SILT_DELTA_PROP_AUTO_COMPACT_MIN_FILES,
                                             SILT_DELTA_AUTO_COMPACT_MIN_FILES_DEFAULT);
        if (min_files < 2) min_files = 2;
        /* tiers: [0, b), [b, b*N), [b*N, b*N^2), ... with b = (target/2) / N^3: four tiers below
         * half the target (for 128 MiB and N = 10: 67 KB, 671 KB, 6.7 MB, 64 MiB) */
        int64_t base = target / 2;
        for (int k = 0; k < 3 && base / min_files > 0; k++) base /= min_files;
        rc = compact(out, store, snap, opts, target, target / 2, min_files, base, err);
        if (rc == SILT_ECONFLICT) {
            /* another compaction (or an overwrite) got there first: nothing to do now */
            silt_log_info("delta: auto-compaction of '%s' skipped: %s", store->url, err->msg);
            silt_error_clear(err);
            memset(out, 0, sizeof *out);
            out->version = -1;
            rc = 0;
        }
    }
    silt_delta_snapshot_destroy(owned);
    return rc;
}
