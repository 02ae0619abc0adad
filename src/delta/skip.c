/* Partition pruning and min/max/nullCount data skipping for one-column predicates. */
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
        out->op = SILT_DELTA_IS_NULL;
        return 0;
    }
    if (strncmp(p, "<=", 2) == 0)
        out->op = SILT_DELTA_LE, p += 2;
    else if (strncmp(p, ">=", 2) == 0)
        out->op = SILT_DELTA_GE, p += 2;
    else if (*p == '<')
        out->op = SILT_DELTA_LT, p++;
    else if (*p == '>')
        out->op = SILT_DELTA_GT, p++;
    else if (*p == '=')
        out->op = SILT_DELTA_EQ, p += p[1] == '=' ? 2 : 1;
    else
        goto bad;
    while (isspace((unsigned char)*p)) p++;
    size_t vl = strlen(p);
    while (vl && isspace((unsigned char)p[vl - 1])) vl--;
    if (vl >= 2 && p[0] == '\'' && p[vl - 1] == '\'') p++, vl -= 2;
    if (!vl && out->op != SILT_DELTA_EQ) goto bad;
    if (vl >= sizeof out->value) goto bad;
    memcpy(out->value, p, vl);
    return 0;
bad:
    return silt_error_set(err, SILT_EINVAL,
                          "predicate '%s': expected COLUMN = VALUE, <, <=, >, >= or COLUMN IS "
                          "NULL",
                          text);
}

static bool holds(int cmp, silt_delta_op op)
{
    switch (op) {
    case SILT_DELTA_EQ: return cmp == 0;
    case SILT_DELTA_LT: return cmp < 0;
    case SILT_DELTA_LE: return cmp <= 0;
    case SILT_DELTA_GT: return cmp > 0;
    case SILT_DELTA_GE: return cmp >= 0;
    default: return true;
    }
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

/* May file hold a matching row, judging by its statistics? */
static bool stats_may_match(const char *stats, const silt_field *f, const silt_delta_pred *pred,
                            const silt_delta_value *v)
{
    if (!stats) return true;
    json_error_t jerr;
    json_t *o = json_loads(stats, 0, &jerr);
    if (!o) return true;
    bool keep = true;
    json_t *nc = json_object_get(json_object_get(o, "nullCount"), f->name);
    json_t *nr = json_object_get(o, "numRecords");
    if (pred->op == SILT_DELTA_IS_NULL) {
        keep = !(json_is_integer(nc) && json_integer_value(nc) == 0);
        goto done;
    }
    if (json_is_integer(nc) && json_is_integer(nr) &&
        json_integer_value(nc) == json_integer_value(nr)) {
        keep = false; /* every value is null: no comparison holds */
        goto done;
    }
    char b1[1024], b2[1024];
    silt_delta_value mn, mx;
    bool has_min = stat_value(&mn, b1, sizeof b1, f,
                              json_object_get(json_object_get(o, "minValues"), f->name));
    bool has_max = stat_value(&mx, b2, sizeof b2, f,
                              json_object_get(json_object_get(o, "maxValues"), f->name));
    /* timestamp statistics are truncated to milliseconds: the true max may be up to 999us more */
    if (has_max && f->type == SILT_TYPE_TIMESTAMP) mx.i += 999;
    switch (pred->op) {
    case SILT_DELTA_EQ:
        keep = !(has_min && silt_delta_value_cmp(v, &mn) < 0) &&
               !(has_max && silt_delta_value_cmp(v, &mx) > 0);
        break;
    case SILT_DELTA_LT: keep = !has_min || silt_delta_value_cmp(&mn, v) < 0; break;
    case SILT_DELTA_LE: keep = !has_min || silt_delta_value_cmp(&mn, v) <= 0; break;
    case SILT_DELTA_GT: keep = !has_max || silt_delta_value_cmp(&mx, v) > 0; break;
    case SILT_DELTA_GE: keep = !has_max || silt_delta_value_cmp(&mx, v) >= 0; break;
    default: break;
    }
done:
    json_decref(o);
    return keep;
}

int silt_delta_select_files(size_t **out, size_t *out_n, const silt_delta_snapshot *snap,
                            const silt_delta_pred *pred, silt_error *err)
{
    *out = NULL;
    *out_n = 0;
    long fi = silt_schema_find(snap->schema, pred->column);
    if (fi < 0) {
        const char *names[256];
        size_t n = 0;
        for (size_t i = 0; i < snap->schema->n_fields && n < 256; i++)
            names[n++] = snap->schema->fields[i].name;
        const char *best = silt_suggest(pred->column, names, n);
        silt_error_set(err, SILT_EINVAL, "the table has no column '%s'%s%s%s", pred->column,
                       best ? "; did you mean '" : "", best ? best : "", best ? "'?" : "");
        return silt_error_column(err, pred->column);
    }
    const silt_field *f = &snap->schema->fields[fi];
    silt_delta_value v = {0};
    if (pred->op != SILT_DELTA_IS_NULL) {
        int rc = silt_delta_value_parse(&v, f, pred->value, err);
        if (rc == SILT_ECORRUPT) err->code = rc = SILT_EINVAL;
        if (rc) return rc;
    }
    bool is_part = false;
    for (size_t i = 0; i < snap->metadata.n_partition_columns; i++)
        is_part |= strcmp(snap->metadata.partition_columns[i], f->name) == 0;
    size_t *idx = silt_calloc(snap->n_files + 1, sizeof *idx);
    if (!idx) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < snap->n_files; i++) {
        const silt_delta_add *a = &snap->files[i];
        bool keep = true;
        if (is_part) {
            const char *pv = NULL;
            if (silt_delta_map_get(&a->partition_values, f->name, &pv)) {
                silt_delta_value x;
                if (!pv || (f->type != SILT_TYPE_STRING && !*pv))
                    keep = pred->op == SILT_DELTA_IS_NULL;
                else if (pred->op == SILT_DELTA_IS_NULL)
                    keep = false;
                else if (silt_delta_value_parse(&x, f, pv, NULL) == 0)
                    keep = holds(silt_delta_value_cmp(&x, &v), pred->op);
            }
        } else {
            keep = stats_may_match(a->stats, f, pred, &v);
        }
        if (keep) idx[n++] = i;
    }
    *out = idx;
    *out_n = n;
    return 0;
}
