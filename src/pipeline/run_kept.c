/* The rows a streaming table's latest commit appended, kept in memory for the tables that read
 * it in the same pass (in the topological order, right after it): they read that version from
 * here instead of opening each of its data files again (a partitioned silver writes hundreds of
 * small files per batch). Only a commit this runtime made itself is kept, and only while the
 * pass runs; a reader that comes later, or after a restart, reads the files as before, and gets
 * the same rows (the order within a version may differ: partition by partition in the files). */
#include <strings.h>

#include "pipeline/run_int.h"
#include "util/alloc.h"
#include "util/log.h"

struct run_kept_rows {
    silt_batch *b;
    int refs; /* atomic: the table's own, and one per reader holding the rows past the pass */
};

void run_kept_unref(run_kept_rows *k)
{
    if (!k || __atomic_sub_fetch(&k->refs, 1, __ATOMIC_ACQ_REL) > 0) return;
    silt_batch_destroy(k->b);
    silt_free(k);
}

void run_kept_set(run_delta *d, silt_batch *rows, int64_t version)
{
    run_kept_drop(d);
    run_kept_rows *k = version >= 0 ? silt_calloc(1, sizeof *k) : NULL;
    if (!k) { /* not kept: the readers read the files */
        silt_batch_destroy(rows);
        return;
    }
    k->b = rows;
    k->refs = 1;
    d->kept = k;
    d->kept_version = version;
}

void run_kept_drop(run_delta *d)
{
    run_kept_unref(d->kept);
    d->kept = NULL;
    d->kept_version = -1;
}

run_kept_rows *run_kept_ref(const run_delta *up, int64_t v, int64_t n_records)
{
    run_kept_rows *k = up->kept;
    if (!k || up->kept_version != v || (n_records >= 0 && k->b->n_rows != n_records)) return NULL;
    for (size_t c = 0; c < k->b->n_cols; c++)
        if (k->b->cols[c].lazy) return NULL; /* a reader may fill it in: not shared */
    __atomic_add_fetch(&k->refs, 1, __ATOMIC_ACQ_REL);
    return k;
}

/* Same type and shape (a leaf column: nested ones are read from the files). */
static bool same_type(const silt_field *a, const silt_field *b)
{
    return a->type == b->type && !a->n_children && !b->n_children &&
           a->is_unsigned == b->is_unsigned && a->precision == b->precision &&
           a->scale == b->scale && a->byte_width == b->byte_width &&
           (a->type != SILT_TYPE_TIMESTAMP || a->tz_utc == b->tz_utc);
}

bool run_kept_view_of(silt_batch *view, silt_column *cols, const run_kept_rows *kr,
                      const silt_schema *want)
{
    const silt_batch *k = kr->b;
    for (size_t c = 0; c < want->n_fields; c++) {
        long j = -1;
        for (size_t i = 0; i < k->schema->n_fields && j < 0; i++)
            if (!strcasecmp(k->schema->fields[i].name, want->fields[c].name)) j = (long)i;
        if (j < 0 || !same_type(&k->schema->fields[j], &want->fields[c])) return false;
        cols[c] = k->cols[j]; /* shallow: read only */
    }
    view->schema = want;
    view->owned_schema = NULL;
    view->n_rows = k->n_rows;
    view->n_cols = want->n_fields;
    view->cols = cols;
    return true;
}

bool run_kept_view(silt_batch *view, silt_column *cols, const run_delta *up, int64_t v,
                   const silt_schema *want, int64_t n_records)
{
    const run_kept_rows *k = up->kept;
    if (!k || up->kept_version != v || k->b->n_rows != n_records) return false;
    if (!run_kept_view_of(view, cols, k, want)) return false;
    silt_log_debug("pipeline: version %lld of %s read from memory (%lld rows)", (long long)v,
                   up->name, (long long)k->b->n_rows);
    return true;
}
