/* Scanning a Delta snapshot into column batches: file selection by the predicates (skip.h),
 * data-file reads through file_ops (filtered by row group where the reader can), partition
 * columns rebuilt from partitionValues, projection and row filtering. */
#include "delta/scan.h"

#include <string.h>

#include "delta/dv.h"
#include "delta/schema.h"
#include "util/alloc.h"

silt_delta_scan_opts silt_delta_scan_opts_default(void)
{
    silt_delta_scan_opts o;
    memset(&o, 0, sizeof o);
    o.limit = -1;
    return o;
}

int silt_delta_scan_schema(silt_schema **out, const silt_delta_snapshot *snap,
                           const char *const *columns, size_t n_columns, silt_error *err)
{
    *out = NULL;
    const silt_schema *ts = snap->schema;
    if (!columns) {
        *out = silt_schema_copy(ts);
        return *out ? 0 : silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n_columns; i++)
        if (silt_schema_find(ts, columns[i]) < 0)
            return silt_delta_unknown_column(ts, columns[i], err);
    silt_schema *s = silt_schema_create(n_columns);
    if (!s) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (size_t i = 0; i < n_columns; i++)
        if (silt_field_copy(&s->fields[i], &ts->fields[silt_schema_find(ts, columns[i])])) {
            silt_schema_destroy(s);
            return silt_error_set(err, SILT_ENOMEM, "out of memory");
        }
    *out = s;
    return 0;
}

/* State shared by the batches of one scan. */
typedef struct scan_state {
    const silt_delta_snapshot *snap;
    const silt_delta_scan_opts *opts;
    silt_schema *out_schema;  /* what is emitted */
    silt_schema *read_schema; /* data columns read from the files */
    const silt_delta_add *file;
    silt_delta_scan_emit_fn emit;
    void *arg;
    silt_delta_scan_stats st;
    silt_delta_term *terms; /* every predicate, resolved: a conjunction */
    size_t n_terms;
    bool has_data_terms; /* some term is on a data column (rows are filtered) */
    bool stopped;        /* the limit was reached */
    uint8_t *mask;
    int64_t mask_cap;
    silt_delta_rowset deleted; /* rows of the current file its deletion vector removes */
    uint64_t file_row;         /* index in the file of the current batch's first row */
    uint64_t *pos;             /* emit_pos: the emitted rows' indexes in the file */
    int64_t pos_cap;
    silt_column *view; /* out_schema->n_fields columns of a batch whose rows are all kept */
    bool *owned;       /* view[k] built for the batch (else a shallow copy of the file's) */
} scan_state;

static bool int_like(silt_type_id t)
{
    return t == SILT_TYPE_INT8 || t == SILT_TYPE_INT16 || t == SILT_TYPE_INT32 ||
           t == SILT_TYPE_INT64;
}

/* Appends rows [start, start+n) of src (as the file stores it) to dst (the table's type):
 * copies when the types agree, converts nanosecond stamps (INT96) to microseconds and integers
 * between widths; anything else is a type mismatch. */
static int append_conformed(silt_column *dst, const silt_field *f, const silt_column *src,
                            int64_t start, int64_t n, const char *path, silt_error *err)
{
    if (src->type == dst->type) {
        int rc = silt_column_append_range(dst, src, start, n);
        if (rc == SILT_ERANGE)
            return silt_error_set(err, rc, "'%s': column '%s' holds more than 2 GiB", path,
                                  f->name);
        return rc ? silt_error_set(err, rc, "out of memory") : 0;
    }
    bool ts = src->type == SILT_TYPE_TIMESTAMP_NS && dst->type == SILT_TYPE_TIMESTAMP;
    if (!ts && !(int_like(src->type) && int_like(dst->type))) {
        silt_error_set(err, SILT_ECORRUPT,
                       "data file '%s': column '%s' is stored as %s but the table schema says %s",
                       path, f->name, silt_type_name(src->type), silt_type_name(dst->type));
        silt_error_path(err, path);
        return silt_error_column(err, f->name);
    }
    for (int64_t i = start; i < start + n; i++) {
        int rc;
        if (!silt_column_is_valid(src, i)) {
            rc = silt_column_append_null(dst);
        } else {
            int64_t v = silt_column_get_int(src, i);
            if (ts) v = v >= 0 ? v / 1000 : -((-v + 999) / 1000);
            rc = silt_column_append_int(dst, v);
        }
        if (rc) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    return 0;
}

static long find_child(const silt_batch *b, const char *name)
{
    return b->schema ? silt_schema_find(b->schema, name) : -1;
}

/* Clears the mask of the rows that fail term t (a term on a data column). */
static void filter_term(uint8_t *mask, const silt_delta_term *t, const silt_batch *b)
{
    long ci = find_child(b, t->field->name);
    const silt_column *c = ci >= 0 ? &b->cols[ci] : NULL;
    for (int64_t i = 0; i < b->n_rows; i++) {
        if (!mask[i]) continue;
        bool valid = c && silt_column_is_valid(c, i);
        if (t->op == SILT_PRED_IS_NULL || !valid) {
            mask[i] = t->op == SILT_PRED_IS_NULL && !valid;
            continue;
        }
        silt_delta_value v;
        silt_delta_value_of_row(&v, c, i);
        mask[i] = silt_pred_holds(t->op, silt_delta_value_cmp(&v, &t->value));
    }
}

/* Clears the mask of the batch's rows the file's deletion vector removes. */
static void clear_deleted(scan_state *s, int64_t rows)
{
    const silt_delta_rowset *d = &s->deleted;
    uint64_t first = s->file_row, end = first + (uint64_t)rows;
    size_t lo = 0, hi = d->n;
    while (lo < hi) { /* first deleted row at or after `first` */
        size_t mid = lo + (hi - lo) / 2;
        if (d->rows[mid] < first)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = lo; k < d->n && d->rows[k] < end; k++) s->mask[d->rows[k] - first] = 0;
}

/* Sets s->mask to the rows of b to emit: those matching every data term, within the limit.
 * Returns their number, or -1 when out of memory. */
static int64_t select_rows(scan_state *s, const silt_batch *b)
{
    int64_t rows = b->n_rows;
    if (s->mask_cap < rows) {
        uint8_t *m = silt_realloc(s->mask, (size_t)rows);
        if (!m) return -1;
        s->mask = m;
        s->mask_cap = rows;
    }
    memset(s->mask, 1, (size_t)rows);
    if (s->deleted.n) clear_deleted(s, rows);
    /* partition terms were settled per file */
    for (size_t k = 0; k < s->n_terms && !s->opts->prune_only; k++)
        if (!s->terms[k].on_partition) filter_term(s->mask, &s->terms[k], b);
    int64_t keep = 0, limit = s->opts->limit;
    for (int64_t i = 0; i < rows; i++) {
        if (!s->mask[i]) continue;
        if (limit >= 0 && s->st.rows_emitted + keep >= limit) {
            s->mask[i] = 0;
            s->stopped = true;
            continue;
        }
        keep++;
    }
    if (limit >= 0 && s->st.rows_emitted + keep >= limit) s->stopped = true;
    return keep;
}

/* Appends the `keep` selected rows of output field f (column k) to dst: the file's partition
 * value, nulls for a column the file lacks, or the masked rows of the file's column. */
static int fill_column(scan_state *s, silt_column *dst, const silt_field *f, const silt_batch *b,
                       int64_t keep, silt_error *err)
{
    const silt_delta_add *file = s->file;
    int rc = 0;
    if (silt_delta_is_partition_column(s->snap, f->name)) {
        const char *pv = NULL;
        silt_delta_map_get(&file->partition_values, f->name, &pv);
        /* the file's value parsed once, then repeated for each row */
        silt_column one;
        if (silt_column_init(&one, f)) return silt_error_set(err, SILT_ENOMEM, "out of memory");
        if ((rc = silt_delta_partition_append(&one, f, pv, err))) silt_error_path(err, file->path);
        for (int64_t i = 0; i < keep && rc == 0; i++)
            if (silt_column_append_range(dst, &one, 0, 1))
                rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        silt_column_clear(&one);
        return rc;
    }
    long ci = find_child(b, f->name);
    if (ci < 0) {
        /* a column the file lacks (added to the table later) reads as null */
        for (int64_t i = 0; i < keep && rc == 0; i++)
            if (silt_column_append_null(dst))
                rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        return rc;
    }
    for (int64_t i = 0, rows = b->n_rows; i < rows && rc == 0;) {
        if (!s->mask[i]) {
            i++;
            continue;
        }
        int64_t j = i;
        while (j < rows && s->mask[j]) j++;
        rc = append_conformed(dst, f, &b->cols[ci], i, j - i, file->path, err);
        i = j;
    }
    return rc;
}

/* Emits out (the kept rows of b) with their positions in the file. */
static int emit_with_pos(scan_state *s, const silt_batch *b, const silt_batch *out, silt_error *err)
{
    if (s->pos_cap < out->n_rows) {
        uint64_t *p = silt_realloc(s->pos, (size_t)out->n_rows * sizeof *p);
        if (!p) return silt_error_set(err, SILT_ENOMEM, "out of memory");
        s->pos = p;
        s->pos_cap = out->n_rows;
    }
    int64_t k = 0;
    for (int64_t i = 0; i < b->n_rows; i++)
        if (s->mask[i]) s->pos[k++] = s->file_row - (uint64_t)b->n_rows + (uint64_t)i;
    silt_delta_scan_pos pos = {s->file, s->pos};
    s->st.rows_emitted += out->n_rows;
    return s->opts->emit_pos(s->arg, out, &pos, err);
}

/* b as a batch of the scan's schema when every row is kept: each file column of the table's
 * type is passed through without a copy (a shallow copy of b's column, borrowed from b); only
 * the others are built (a partition column, one the file lacks, a type to conform), owned[k]. */
static int view_of(silt_batch *v, scan_state *s, const silt_batch *b, silt_error *err)
{
    const silt_schema *os = s->out_schema;
    size_t n = os->n_fields ? os->n_fields : 1;
    if (!s->view && !(s->view = silt_calloc(n, sizeof *s->view)))
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    if (!s->owned && !(s->owned = silt_calloc(n, sizeof *s->owned)))
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    memset(s->owned, 0, n * sizeof *s->owned);
    int rc = 0;
    for (size_t k = 0; k < os->n_fields && !rc; k++) {
        const silt_field *f = &os->fields[k];
        long ci = silt_delta_is_partition_column(s->snap, f->name) ? -1 : find_child(b, f->name);
        if (ci >= 0 && b->cols[ci].type == f->type) {
            s->view[k] = b->cols[ci];
        } else if (silt_column_init(&s->view[k], f)) {
            rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        } else {
            s->owned[k] = true;
            rc = fill_column(s, &s->view[k], f, b, b->n_rows, err);
        }
    }
    *v = (silt_batch){.schema = os, .n_rows = b->n_rows, .n_cols = os->n_fields, .cols = s->view};
    return rc;
}

static void view_release(scan_state *s)
{
    for (size_t k = 0; s->owned && k < s->out_schema->n_fields; k++)
        if (s->owned[k]) silt_column_clear(&s->view[k]);
}

/* One batch of a file: filter, rebuild the table's columns (or pass them through when every
 * row is kept and they fit), emit. */
static int on_batch(void *arg, const silt_batch *b, silt_error *err)
{
    scan_state *s = arg;
    s->st.rows_read += b->n_rows;
    if (b->n_rows == 0 || s->stopped) return 0;
    int64_t keep = select_rows(s, b);
    s->file_row += (uint64_t)b->n_rows;
    if (keep < 0) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    if (keep == 0) return 0;
    silt_batch view, *out = &view;
    int rc = 0;
    if (keep == b->n_rows) {
        rc = view_of(&view, s, b, err);
    } else {
        if (!(out = silt_batch_create(s->out_schema)))
            return silt_error_set(err, SILT_ENOMEM, "out of memory");
        for (size_t k = 0; k < s->out_schema->n_fields && rc == 0; k++)
            rc = fill_column(s, &out->cols[k], &s->out_schema->fields[k], b, keep, err);
        out->n_rows = keep;
    }
    if (rc == 0 && s->opts->emit_pos)
        rc = emit_with_pos(s, b, out, err);
    else if (rc == 0) {
        s->st.rows_emitted += keep;
        rc = s->emit(s->arg, out, err);
    }
    if (out != &view)
        silt_batch_destroy(out);
    else
        view_release(s);
    return rc;
}

/* Resolves opts->pred and opts->preds into s->terms. */
static int resolve_terms(scan_state *s, silt_error *err)
{
    const silt_delta_scan_opts *o = s->opts;
    size_t n = o->n_preds + (o->pred != NULL);
    if (o->n_preds && !o->preds)
        return silt_error_set(err, SILT_EINVAL, "scan: n_preds is %zu but preds is NULL",
                              o->n_preds);
    s->terms = silt_calloc(n ? n : 1, sizeof *s->terms);
    if (!s->terms) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (size_t k = 0; k < n; k++) {
        const silt_delta_pred *p = k < o->n_preds ? &o->preds[k] : o->pred;
        int rc = silt_delta_term_resolve(&s->terms[k], s->snap, p, err);
        if (rc) return rc;
        s->has_data_terms |= !s->terms[k].on_partition;
        s->n_terms++;
    }
    return 0;
}

/* The data columns to read: projected non-partition columns plus those the terms test. */
static int build_read_schema(scan_state *s, silt_error *err)
{
    const silt_schema *os = s->out_schema;
    size_t n_all = os->n_fields + s->n_terms, n = 0;
    const silt_field **pick = silt_calloc(n_all ? n_all : 1, sizeof *pick);
    if (!pick) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (size_t i = 0; i < n_all; i++) {
        const silt_field *f = i < os->n_fields ? &os->fields[i] : s->terms[i - os->n_fields].field;
        bool dup = silt_delta_is_partition_column(s->snap, f->name);
        for (size_t k = 0; k < n && !dup; k++) dup = strcmp(pick[k]->name, f->name) == 0;
        if (!dup) pick[n++] = f;
    }
    int rc = 0;
    s->read_schema = silt_schema_create(n);
    if (!s->read_schema) rc = SILT_ENOMEM;
    for (size_t k = 0; k < n && rc == 0; k++)
        if (silt_field_copy(&s->read_schema->fields[k], pick[k])) rc = SILT_ENOMEM;
    silt_free(pick);
    return rc ? silt_error_set(err, SILT_ENOMEM, "out of memory") : 0;
}

/* Must file be read: may it hold rows matching every term? */
static int file_selected(bool *out, const scan_state *s, const silt_delta_add *file,
                         silt_error *err)
{
    *out = true;
    for (size_t k = 0; k < s->n_terms && *out; k++) {
        const silt_delta_term *t = &s->terms[k];
        if (!t->on_partition) {
            *out = silt_delta_file_may_match(t, file);
            continue;
        }
        int rc = silt_delta_partition_holds(out, t, file, err);
        if (rc) return rc;
    }
    return 0;
}

/* Reads one data file into on_batch, skipping row groups when the reader can. */
static int read_one(scan_state *s, silt_store *store, const silt_delta_add *file, silt_error *err)
{
    const silt_delta_file_ops *ops = s->opts->file_ops;
    s->deleted.n = 0;
    s->file_row = 0;
    if (silt_delta_add_has_dv(file)) {
        int rc = silt_delta_dv_load(&s->deleted, store, &file->dv, err);
        if (rc) {
            silt_error_prefix(err, "deletion vector of data file '%s'", file->path);
            return rc;
        }
    }
    s->file = file;
    s->st.files_read++;
    int rc;
    /* row groups are skipped only where no deletion vector needs the rows' positions */
    bool lazy = s->opts->lazy_dict && s->opts->prune_only;
    if (ops->read_file_filtered && (s->has_data_terms || lazy) && !s->deleted.n &&
        !s->opts->emit_pos) {
        silt_delta_read_filter filter = {s->terms, s->n_terms, 0, 0, lazy};
        rc = ops->read_file_filtered(ops->ctx, store, file->path, s->read_schema, &filter, on_batch,
                                     s, err);
        if (s->has_data_terms) { /* else nothing was tested: the counts stay 0 */
            s->st.row_groups_read += filter.parts_read;
            s->st.row_groups_skipped += filter.parts_skipped;
        }
    } else {
        rc = ops->read_file(ops->ctx, store, file->path, s->read_schema, on_batch, s, err);
    }
    if (rc == SILT_ENOTFOUND)
        silt_error_prefix(err,
                          "version %lld of '%s' references a data file that is missing "
                          "(deleted by hand, or by a VACUUM with a retention shorter than "
                          "the age of this version?)",
                          (long long)s->snap->version, store->url);
    return rc;
}

int silt_delta_scan(silt_delta_scan_stats *out_stats, const silt_delta_snapshot *snap,
                    silt_store *store, const silt_delta_scan_opts *opts,
                    silt_delta_scan_emit_fn emit, void *arg, silt_error *err)
{
    scan_state s;
    memset(&s, 0, sizeof s);
    s.snap = snap;
    s.opts = opts;
    s.emit = emit;
    s.arg = arg;
    s.st.files_total = snap->n_files;
    int rc;
    if (!emit && !opts->emit_pos) {
        rc = silt_error_set(err, SILT_EINVAL, "scan of '%s': no emit function given", store->url);
        goto fail;
    }
    if (!opts->file_ops || !opts->file_ops->read_file) {
        rc =
            silt_error_set(err, SILT_EINVAL, "scan of '%s': no data-file reader given", store->url);
        goto fail;
    }
    if ((rc = silt_delta_scan_schema(&s.out_schema, snap, opts->columns, opts->n_columns, err)) ||
        (rc = resolve_terms(&s, err)) || (rc = build_read_schema(&s, err)))
        goto fail;
    for (size_t i = 0; i < snap->n_files && !s.stopped; i++) {
        bool keep;
        if ((rc = file_selected(&keep, &s, &snap->files[i], err))) goto fail;
        if (keep && (rc = read_one(&s, store, &snap->files[i], err))) goto fail;
    }
fail:
    if (out_stats) *out_stats = s.st;
    silt_free(s.terms);
    silt_free(s.mask);
    silt_delta_rowset_free(&s.deleted);
    silt_free(s.pos);
    silt_free(s.view);
    silt_free(s.owned);
    silt_schema_destroy(s.out_schema);
    silt_schema_destroy(s.read_schema);
    return rc;
}

int silt_delta_scan_files(silt_delta_scan_stats *out_stats, const silt_delta_snapshot *snap,
                          const silt_delta_add *files, size_t n_files, silt_store *store,
                          const silt_delta_scan_opts *opts, silt_delta_scan_emit_fn emit, void *arg,
                          silt_error *err)
{
    silt_delta_snapshot view = *snap; /* shallow: only the file list differs */
    view.files = (silt_delta_add *)files;
    view.n_files = n_files;
    return silt_delta_scan(out_stats, &view, store, opts, emit, arg, err);
}
