/* Deletion vector descriptors in the log's JSON: the deletionVector object of add and remove
 * actions (storageType, pathOrInlineDv, offset, sizeInBytes, cardinality, maxRowIndex). */
#include <jansson.h>
#include <string.h>

#include "delta/dv.h"
#include "util/alloc.h"

static int bad(const char *field, const char *what, silt_error *err)
{
    return silt_error_set(err, SILT_ECORRUPT, "deletionVector: '%s' %s", field, what);
}

/* An integer field: required, or -1 when absent. */
static int get_int(int64_t *out, const json_t *o, const char *key, bool required, silt_error *err)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        *out = -1;
        return required ? bad(key, "is missing", err) : 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return bad(key, "is not a non-negative integer", err);
    *out = (int64_t)json_integer_value(v);
    return 0;
}

int silt_delta_dv_parse_json(silt_delta_dv *out, const json_t *o, silt_error *err)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(o))
        return silt_error_set(err, SILT_ECORRUPT, "deletionVector is not an object");
    json_t *st = json_object_get(o, "storageType");
    json_t *p = json_object_get(o, "pathOrInlineDv");
    if (!json_is_string(st)) return bad("storageType", "is missing or not a string", err);
    if (!json_is_string(p)) return bad("pathOrInlineDv", "is missing or not a string", err);
    const char *t = json_string_value(st);
    if (strlen(t) != 1 || !strchr("uip", t[0]))
        return silt_error_set(err, SILT_ECORRUPT,
                              "deletionVector: unknown storageType '%s' (expected 'u', 'i' or "
                              "'p')",
                              t);
    int rc;
    if ((rc = get_int(&out->offset, o, "offset", false, err)) ||
        (rc = get_int(&out->size_in_bytes, o, "sizeInBytes", true, err)) ||
        (rc = get_int(&out->cardinality, o, "cardinality", true, err)) ||
        (rc = get_int(&out->max_row_index, o, "maxRowIndex", false, err)))
        return rc;
    out->path_or_inline_dv = silt_strdup(json_string_value(p));
    if (!out->path_or_inline_dv) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    out->storage_type = t[0];
    return 0;
}

json_t *silt_delta_dv_to_json(const silt_delta_dv *dv)
{
    json_t *o = json_object();
    if (!o) return NULL;
    char t[2] = {dv->storage_type, 0};
    bool f = json_object_set_new(o, "storageType", json_string(t)) != 0;
    f |= json_object_set_new(o, "pathOrInlineDv",
                             json_string(dv->path_or_inline_dv ? dv->path_or_inline_dv : "")) != 0;
    if (dv->offset >= 0) f |= json_object_set_new(o, "offset", json_integer(dv->offset)) != 0;
    f |= json_object_set_new(o, "sizeInBytes", json_integer(dv->size_in_bytes)) != 0;
    f |= json_object_set_new(o, "cardinality", json_integer(dv->cardinality)) != 0;
    if (dv->max_row_index >= 0)
        f |= json_object_set_new(o, "maxRowIndex", json_integer(dv->max_row_index)) != 0;
    if (f) {
        json_decref(o);
        return NULL;
    }
    return o;
}
