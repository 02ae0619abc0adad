/* Predicate terms of Delta scans: parsing, resolution against the table schema, and file
 * selection by partition values and min/max/nullCount statistics (via batch/pred.h). */
#include "delta/skip.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "delta/schema.h"
#include "util/alloc.h"
#include "util/suggest.h"

int silt_delta_pred_parse(silt_delta_pred *out, const char *text, silt_error *err)
{
    memset(out, 0, sizeof *out);
    const char *p = text;
    while (isspace((unsigned char)*p)) p++;
    const char *c0 = p;
    while (*p && !isspace((unsigned char)*p) && !strchr("=<>", *p)) p++;
    size_t cl = (size_t)(p - c0);
    if (!cl || cl >= sizeof out->column) goto bad;
    memcpy(out->column, c0, cl);
    while (isspace((unsigned char)*p)) p++;
    if (strncasecmp(p, "is null", 7) == 0 && !p[7 + strspn(p + 7, " \t")]) {
        out->op = SILT_PRED_IS_NULL;
        return 0;
    }
    if (strncmp(p, "<=", 2) == 0)
        out->op = SILT_PRED_LE, p += 2;
    else if (strncmp(p, ">=", 2) == 0)
        out->op = SILT_PRED_GE, p += 2;
    else if (*p == '<')
        out->op = SILT_PRED_LT, p++;
    else if (*p == '>')
        out->op = SILT_PRED_GT, p++;
    else if (*p == '=')
        out->op = SILT_PRED_EQ, p += p[1] == '=' ? 2 : 1;
    else
        goto bad;
    while (isspace((unsigned char)*p)) p++;
    size_t vl = strlen(p);
    while (vl && isspace((unsigned char)p[vl - 1])) vl--;
    if (vl >= 2 && p[0] == '\'' && p[vl - 1] == '\'') p++, vl -= 2;
    if (!vl && out->op != SILT_PRED_EQ) goto bad;
    if (vl >= sizeof out->value) goto bad;
    memcpy(out->value, p, vl);
    return 0;
bad:
    return silt_error_set(err, SILT_EINVAL,
                          "predicate '%s': expected COLUMN = VALUE, <, <=, >, >= or COLUMN IS "
                          "NULL",
                          text);
}

int silt_delta_unknown_column(const silt_schema *s, const char *name, silt_error *err)
{
    const char *names[256];
    size_t n = s->n_fields < 256 ? s->n_fields : 256;
    for (size_t i = 0; i < n; i++) names[i] = s->fields[i].name;
    const char *hint = silt_suggest(name, names, n);
    silt_error_set(err, SILT_EINVAL, "the table has no column '%s'%s%s%s", name,
                   hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
    return silt_error_column(err, name);
}

bool silt_delta_is_partition_column(const silt_delta_snapshot *snap, const char *name)
{
    for (size_t i = 0; i < snap->metadata.n_partition_columns; i++)
        if (strcmp(snap->metadata.partition_columns[i], name) == 0) return true;
    return false;
}

int silt_delta_term_resolve(silt_delta_term *out, const silt_delta_snapshot *snap,
                            const silt_delta_pred *pred, silt_error *err)
{
    memset(out, 0, sizeof *out);
    long fi = silt_schema_find(snap->schema, pred->column);
    if (fi < 0) return silt_delta_unknown_column(snap->schema, pred->column, err);
    if (!silt_pred_op_known(pred->op))
        return silt_error_set(err, SILT_EINVAL, "predicate on '%s': unknown operator %d",
                              pred->column, (int)pred->op);
    out->field = &snap->schema->fields[fi];
    out->op = pred->op;
    out->on_partition = silt_delta_is_partition_column(snap, out->field->name);
    if (pred->op == SILT_PRED_IS_NULL) return 0;
    int rc = silt_delta_value_parse(&out->value, out->field, pred->value, err);
    if (rc == SILT_ECORRUPT) err->code = rc = SILT_EINVAL;
    if (rc) return rc;
    /* compare a float column with the value as the column would store it */
    if (out->field->type == SILT_TYPE_FLOAT) out->value.d = (double)(float)out->value.d;
    return 0;
}

void silt_delta_value_of_row(silt_delta_value *v, const silt_column *c, int64_t i)
{
    memset(v, 0, sizeof *v);
    switch (c->type) {
    case SILT_TYPE_FLOAT:
        v->kind = SILT_DELTA_VAL_DOUBLE;
        v->d = ((const float *)(const void *)c->values)[i];
        break;
    case SILT_TYPE_DOUBLE:
        v->kind = SILT_DELTA_VAL_DOUBLE;
        v->d = ((const double *)(const void *)c->values)[i];
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
    default:
        v->kind = SILT_DELTA_VAL_INT;
        v->i = silt_column_get_int(c, i);
        if (c->type == SILT_TYPE_TIMESTAMP_NS)
            v->i = v->i >= 0 ? v->i / 1000 : -((-v->i + 999) / 1000);
    }
}

bool silt_delta_term_may_match(const silt_delta_term *t, const silt_column *min_max,
                               int64_t null_count, int64_t count)
{
    silt_pred_range r = silt_pred_range_unknown();
    r.null_count = null_count;
    r.count = count;
    if (min_max && min_max->length == 2 && t->op != SILT_PRED_IS_NULL) {
        silt_delta_value mn, mx;
        silt_delta_value_of_row(&mn, min_max, 0);
        silt_delta_value_of_row(&mx, min_max, 1);
        /* bounds of another kind than the literal (a file typed unlike the table) say nothing */
        r.has_min = r.has_max = mn.kind == t->value.kind;
        if (r.has_min) {
            r.cmp_min = silt_delta_value_cmp(&mn, &t->value);
            r.cmp_max = silt_delta_value_cmp(&mx, &t->value);
        }
    }
    return silt_pred_range_may_hold(t->op, &r);
}

int silt_delta_partition_holds(bool *out, const silt_delta_term *t, const silt_delta_add *file,
                               silt_error *err)
{
    const char *pv = NULL;
    silt_delta_map_get(&file->partition_values, t->field->name, &pv);
    if (pv && !*pv && t->field->type != SILT_TYPE_STRING) pv = NULL;
    if (t->op == SILT_PRED_IS_NULL || !pv) {
        *out = t->op == SILT_PRED_IS_NULL ? pv == NULL : !silt_pred_op_known(t->op);
        return 0;
    }
    silt_delta_value v;
    int rc = silt_delta_value_parse(&v, t->field, pv, err);
    if (rc) return silt_error_path(err, file->path), rc;
    *out = silt_pred_holds(t->op, silt_delta_value_cmp(&v, &t->value));
    return 0;
}

/* Typed value of a JSON statistic; false when absent or not usable. */
static bool stat_value(silt_delta_value *out, char *buf, size_t bufsz, const silt_field *f,
                       json_t *v)
{
    if (!v) return false;
    if (json_is_string(v)) {
        snprintf(buf, bufsz, "%s", json_string_value(v));
        if (json_string_length(v) >= bufsz) return false;
        return silt_delta_value_parse(out, f, buf, NULL) == 0;
    }
    if (f->type == SILT_TYPE_DECIMAL) return false; /* JSON reals are not exact */
    if (json_is_integer(v)) {
        snprintf(buf, bufsz, "%lld", (long long)json_integer_value(v));
        if (silt_delta_value_parse(out, f, buf, NULL)) return false;
        if (f->type == SILT_TYPE_FLOAT) out->d = (double)(float)out->d;
        return true;
    }
    if (json_is_real(v) && (f->type == SILT_TYPE_FLOAT || f->type == SILT_TYPE_DOUBLE)) {
        memset(out, 0, sizeof *out);
        out->kind = SILT_DELTA_VAL_DOUBLE;
        out->d = json_real_value(v);
        /* a float column's statistic is the shortest decimal of a float: compare the float */
        if (f->type == SILT_TYPE_FLOAT) out->d = (double)(float)out->d;
        return true;
    }
    return false;
}

/* May the file hold a row satisfying t, judging by its statistics JSON? */
static bool stats_may_match(const char *stats, const silt_delta_term *t)
{
    if (!stats) return true;
    json_error_t jerr;
    json_t *o = json_loads(stats, 0, &jerr);
    if (!o) return true;
    const silt_field *f = t->field;
    silt_pred_range r = silt_pred_range_unknown();
    json_t *nc = json_object_get(json_object_get(o, "nullCount"), f->name);
    json_t *nr = json_object_get(o, "numRecords");
    if (json_is_integer(nc)) r.null_count = json_integer_value(nc);
    if (json_is_integer(nr)) r.count = json_integer_value(nr);
    char b1[1024], b2[1024];
    silt_delta_value mn, mx;
    if (t->op != SILT_PRED_IS_NULL) {
        r.has_min = stat_value(&mn, b1, sizeof b1, f,
                               json_object_get(json_object_get(o, "minValues"), f->name));
        r.has_max = stat_value(&mx, b2, sizeof b2, f,
                               json_object_get(json_object_get(o, "maxValues"), f->name));
        /* timestamp statistics are truncated to milliseconds: the true max may be 999us more */
        if (r.has_max && f->type == SILT_TYPE_TIMESTAMP) mx.i += 999;
        if (r.has_min) r.cmp_min = silt_delta_value_cmp(&mn, &t->value);
        if (r.has_max) r.cmp_max = silt_delta_value_cmp(&mx, &t->value);
    }
    bool keep = silt_pred_range_may_hold(t->op, &r);
    json_decref(o);
    return keep;
}

bool silt_delta_file_may_match(const silt_delta_term *t, const silt_delta_add *file)
{
    if (!t->on_partition) return stats_may_match(file->stats, t);
    const char *pv = NULL;
    bool m;
    /* a file without the partition value, or with one that does not parse, is kept */
    if (!silt_delta_map_get(&file->partition_values, t->field->name, &pv)) return true;
    return silt_delta_partition_holds(&m, t, file, NULL) != 0 || m;
}

int silt_delta_select_files(size_t **out, size_t *out_n, const silt_delta_snapshot *snap,
                            const silt_delta_pred *pred, silt_error *err)
{
    *out = NULL;
    *out_n = 0;
    silt_delta_term t;
    int rc = silt_delta_term_resolve(&t, snap, pred, err);
    if (rc) return rc;
    size_t *idx = silt_calloc(snap->n_files + 1, sizeof *idx);
    if (!idx) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < snap->n_files; i++)
        if (silt_delta_file_may_match(&t, &snap->files[i])) idx[n++] = i;
    *out = idx;
    *out_n = n;
    return 0;
}
