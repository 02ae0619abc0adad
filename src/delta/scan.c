/* Scanning a Delta snapshot into column batches: file selection (skip.h), data-file reads through
 * file_ops, partition columns rebuilt from partitionValues, projection and row filtering. */
#include "delta/scan.h"

#include <string.h>

#include "delta/schema.h"
#include "util/alloc.h"
#include "util/suggest.h"

silt_delta_scan_opts silt_delta_scan_opts_default(void)
{
    silt_delta_scan_opts o;
    memset(&o, 0, sizeof o);
    o.limit = -1;
    return o;
}

static bool is_partition_column(const silt_delta_snapshot *snap, const char *name)
{
    for (size_t i = 0; i < snap->metadata.n_partition_columns; i++)
        if (strcmp(snap->metadata.partition_columns[i], name) == 0) return true;
    return false;
}

static int unknown_column(const silt_schema *s, const char *name, silt_error *err)
{
    const char *names[256];
    size_t n = s->n_fields < 256 ? s->n_fields : 256;
    for (size_t i = 0; i < n; i++) names[i] = s->fields[i].name;
    const char *hint = silt_suggest(name, names, n);
    silt_error_set(err, SILT_EINVAL, "the table has no column '%s'%s%s%s", name,
                   hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
    return silt_error_column(err, name);
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
        if (silt_schema_find(ts, columns[i]) < 0) return unknown_column(ts, columns[i], err);
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
    /* the predicate, resolved */
    const silt_field *pred_field; /* NULL without predicate */
    bool pred_on_partition;
    silt_delta_value pred_value;
    bool stopped; /* the limit was reached */
    uint8_t *mask;
    int64_t mask_cap;
} scan_state;

static bool holds(int cmp, silt_delta_op op)
{
    switch (op) {
    case SILT_DELTA_EQ: return cmp == 0;
    case SILT_DELTA_LT: return cmp < 0;
    case SILT_DELTA_LE: return cmp <= 0;
    case SILT_DELTA_GT: return cmp > 0;
    case SILT_DELTA_GE: return cmp >= 0;
    default: return false;
    }
}

/* Comparable value of row i of a primitive column. */
static void row_value(silt_delta_value *v, const silt_column *c, int64_t i)
{
    memset(v, 0, sizeof *v);
    switch (c->type) {
    case SILT_TYPE_FLOAT:
        v->kind = SILT_DELTA_VAL_DOUBLE;
        v->d = ((const float *)c->values)[i];
        break;
    case SILT_TYPE_DOUBLE:
        v->kind = SILT_DELTA_VAL_DOUBLE;
        v->d = ((const double *)c->values)[i];
        break;
    case SILT_TYPE_STRING:
    case SILT_TYPE_BINARY:
    case SILT_TYPE_FIXED_BINARY: {
        size_t n;
        v->kind = SILT_DELTA_VAL_BYTES;
        v->s = (const char *)silt_column_bytes(c, i, &n);
        v->n = n;
        break;
    }
    case SILT_TYPE_DECIMAL: {
        unsigned __int128 u = 0;
        const uint8_t *p = c->values + (size_t)i * 16;
        for (int k = 15; k >= 0; k--) u = (u << 8) | p[k];
        v->kind = SILT_DELTA_VAL_DECIMAL;
        v->dec = (__int128)u;
        break;
    }
    default: v->kind = SILT_DELTA_VAL_INT; v->i = silt_column_get_int(c, i);
    }
}

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

/* One batch of a file: filter, rebuild the table's columns, emit. */
static int on_batch(void *arg, const silt_batch *b, silt_error *err)
{
    scan_state *s = arg;
    const silt_delta_add *file = s->file;
    int64_t rows = b->n_rows;
    s->st.rows_read += rows;
    if (rows == 0 || s->stopped) return 0;
    if (s->mask_cap < rows) {
        uint8_t *m = silt_realloc(s->mask, (size_t)rows);
        if (!m) return silt_error_set(err, SILT_ENOMEM, "out of memory");
        s->mask = m;
        s->mask_cap = rows;
    }
    memset(s->mask, 1, (size_t)rows);
    /* the predicate on a data column, row by row (partition predicates were settled per file) */
    if (s->pred_field && !s->pred_on_partition) {
        long ci = find_child(b, s->pred_field->name);
        const silt_column *c = ci >= 0 ? &b->cols[ci] : NULL;
        silt_delta_op op = s->opts->pred->op;
        for (int64_t i = 0; i < rows; i++) {
            bool valid = c && silt_column_is_valid(c, i);
            if (op == SILT_DELTA_IS_NULL) {
                s->mask[i] = !valid;
                continue;
            }
            if (!valid) {
                s->mask[i] = 0;
                continue;
            }
            silt_delta_value v;
            row_value(&v, c, i);
            if (c->type == SILT_TYPE_TIMESTAMP_NS)
                v.i = v.i >= 0 ? v.i / 1000 : -((-v.i + 999) / 1000);
            s->mask[i] = holds(silt_delta_value_cmp(&v, &s->pred_value), op);
        }
    }
    /* apply the limit */
    int64_t keep = 0;
    for (int64_t i = 0; i < rows; i++) {
        if (!s->mask[i]) continue;
        if (s->opts->limit >= 0 && s->st.rows_emitted + keep >= s->opts->limit) {
            s->mask[i] = 0;
            s->stopped = true;
            continue;
        }
        keep++;
    }
    if (s->opts->limit >= 0 && s->st.rows_emitted + keep >= s->opts->limit) s->stopped = true;
    if (keep == 0) return 0;
    silt_batch *out = silt_batch_create(s->out_schema);
    if (!out) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    int rc = 0;
    for (size_t k = 0; k < s->out_schema->n_fields && rc == 0; k++) {
        const silt_field *f = &s->out_schema->fields[k];
        silt_column *dst = &out->cols[k];
        if (is_partition_column(s->snap, f->name)) {
            const char *pv = NULL;
            silt_delta_map_get(&file->partition_values, f->name, &pv);
            for (int64_t i = 0; i < keep && rc == 0; i++) {
                rc = silt_delta_partition_append(dst, f, pv, err);
                if (rc) silt_error_path(err, file->path);
            }
            continue;
        }
        long ci = find_child(b, f->name);
        if (ci < 0) {
            /* a column the file lacks (added to the table later) reads as null */
            for (int64_t i = 0; i < keep && rc == 0; i++)
                if (silt_column_append_null(dst))
                    rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
            continue;
        }
        for (int64_t i = 0; i < rows && rc == 0;) {
            if (!s->mask[i]) {
                i++;
                continue;
            }
            int64_t j = i;
            while (j < rows && s->mask[j]) j++;
            rc = append_conformed(dst, f, &b->cols[ci], i, j - i, file->path, err);
            i = j;
        }
    }
    out->n_rows = keep;
    if (rc == 0) {
        s->st.rows_emitted += keep;
        rc = s->emit(s->arg, out, err);
    }
    silt_batch_destroy(out);
    return rc;
}

/* Does the file's partition satisfy a predicate on a partition column? */
static int partition_matches(bool *out, const scan_state *s, const silt_delta_add *file,
                             silt_error *err)
{
    const char *pv = NULL;
    silt_delta_map_get(&file->partition_values, s->pred_field->name, &pv);
    if (pv && !*pv && s->pred_field->type != SILT_TYPE_STRING) pv = NULL;
    if (s->opts->pred->op == SILT_DELTA_IS_NULL) {
        *out = pv == NULL;
        return 0;
    }
    if (!pv) {
        *out = false;
        return 0;
    }
    silt_delta_value v;
    int rc = silt_delta_value_parse(&v, s->pred_field, pv, err);
    if (rc) return silt_error_path(err, file->path), rc;
    *out = holds(silt_delta_value_cmp(&v, &s->pred_value), s->opts->pred->op);
    return 0;
}

/* The data columns to read: projected non-partition columns plus the predicate's column. */
static int build_read_schema(scan_state *s, silt_error *err)
{
    const silt_schema *os = s->out_schema;
    size_t n = 0;
    bool add_pred =
        s->pred_field && !s->pred_on_partition && silt_schema_find(os, s->pred_field->name) < 0;
    for (size_t i = 0; i < os->n_fields; i++)
        if (!is_partition_column(s->snap, os->fields[i].name)) n++;
    s->read_schema = silt_schema_create(n + add_pred);
    if (!s->read_schema) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < os->n_fields; i++)
        if (!is_partition_column(s->snap, os->fields[i].name) &&
            silt_field_copy(&s->read_schema->fields[k++], &os->fields[i]))
            return silt_error_set(err, SILT_ENOMEM, "out of memory");
    if (add_pred && silt_field_copy(&s->read_schema->fields[k], s->pred_field))
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    return 0;
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
    size_t *sel = NULL, n_sel = snap->n_files;
    int rc;
    if (!opts->file_ops || !opts->file_ops->read_file) {
        rc =
            silt_error_set(err, SILT_EINVAL, "scan of '%s': no data-file reader given", store->url);
        goto fail;
    }
    if ((rc = silt_delta_scan_schema(&s.out_schema, snap, opts->columns, opts->n_columns, err)))
        goto fail;
    if (opts->pred) {
        long fi = silt_schema_find(snap->schema, opts->pred->column);
        if (fi < 0) {
            rc = unknown_column(snap->schema, opts->pred->column, err);
            goto fail;
        }
        s.pred_field = &snap->schema->fields[fi];
        s.pred_on_partition = is_partition_column(snap, s.pred_field->name);
        if ((rc = silt_delta_select_files(&sel, &n_sel, snap, opts->pred, err))) goto fail;
        if (opts->pred->op != SILT_DELTA_IS_NULL) {
            if ((rc = silt_delta_value_parse(&s.pred_value, s.pred_field, opts->pred->value, err)))
                goto fail;
            /* compare a float column with the value as the column would store it */
            if (s.pred_field->type == SILT_TYPE_FLOAT)
                s.pred_value.d = (double)(float)s.pred_value.d;
        }
    }
    if ((rc = build_read_schema(&s, err))) goto fail;
    for (size_t si = 0; si < n_sel && !s.stopped; si++) {
        const silt_delta_add *file = &snap->files[sel ? sel[si] : si];
        if (s.pred_field && s.pred_on_partition) {
            bool m;
            if ((rc = partition_matches(&m, &s, file, err))) goto fail;
            if (!m) continue;
        }
        if (file->has_deletion_vector) {
            rc = silt_error_set(err, SILT_EUNSUPPORTED,
                                "data file '%s' has a deletion vector, which silt cannot apply",
                                file->path);
            silt_error_path(err, file->path);
            goto fail;
        }
        s.file = file;
        s.st.files_read++;
        rc = opts->file_ops->read_file(opts->file_ops->ctx, store, file->path, s.read_schema,
                                       on_batch, &s, err);
        if (rc == SILT_ENOTFOUND)
            silt_error_prefix(err,
                              "version %lld of '%s' references a data file that is missing "
                              "(deleted by hand, or by a VACUUM with a retention shorter than "
                              "the age of this version?)",
                              (long long)snap->version, store->url);
        if (rc) goto fail;
    }
fail:
    if (out_stats) *out_stats = s.st;
    silt_free(sel);
    silt_free(s.mask);
    silt_schema_destroy(s.out_schema);
    silt_schema_destroy(s.read_schema);
    return rc;
}
