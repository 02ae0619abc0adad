/* Parquet reader, schema: the schema tree with the definition/repetition level of every node,
 * and the plan that maps it to silt fields (which levels make a slot, a null, a list element). */
#include "parquet/reader_int.h"

#include <stdio.h>
#include <string.h>

#include "util/alloc.h"

void silt_pqr_node_free(pq_node *n)
{
    for (int i = 0; i < n->n_children; i++) silt_pqr_node_free(&n->children[i]);
    silt_free(n->children);
    n->children = NULL;
    n->n_children = 0;
}

void silt_pqr_plan_free(pq_plan *p)
{
    for (size_t i = 0; i < p->n_children; i++) silt_pqr_plan_free(&p->children[i]);
    silt_free(p->children);
    p->children = NULL;
    p->n_children = 0;
}

static int schema_fail(silt_error *err, const char *what, const char *name)
{
    return silt_error_set(err, SILT_ECORRUPT, "invalid Parquet schema: %s%s%s", what,
                          name ? " at " : "", name ? name : "");
}

static int build_tree(silt_pq_reader *r, pq_node *n, size_t *idx, int depth, int16_t def,
                      int16_t rep, silt_error *err)
{
    const silt_pq_file_meta *m = r->meta;
    if (*idx >= m->n_schema) return schema_fail(err, "fewer elements than num_children says", NULL);
    if (depth > SILT_PQR_MAX_DEPTH) return schema_fail(err, "nesting deeper than 64 levels", NULL);
    const silt_pq_schema_elem *e = &m->schema[(*idx)++];
    n->e = e;
    if (!e->name) return schema_fail(err, "element without a name", NULL);
    if (depth > 0) {
        if (e->repetition == SILT_PQ_OPTIONAL)
            def++;
        else if (e->repetition == SILT_PQ_REPEATED) {
            def++;
            rep++;
        } else if (e->repetition != SILT_PQ_REQUIRED)
            return schema_fail(err, "bad repetition type", e->name);
    }
    n->def = def;
    n->rep = rep;
    n->first_leaf = r->n_leaves;
    if (e->num_children < 0 || (size_t)e->num_children > m->n_schema - *idx)
        return schema_fail(err, "bad num_children", e->name);
    if (e->num_children == 0 && depth > 0) {
        if (e->type < 0 || e->type > SILT_PQ_FIXED_LEN_BYTE_ARRAY)
            return schema_fail(err, "leaf without a valid physical type", e->name);
        if (e->type == SILT_PQ_FIXED_LEN_BYTE_ARRAY &&
            (e->type_length <= 0 || e->type_length > (1 << 20)))
            return schema_fail(err, "FIXED_LEN_BYTE_ARRAY with a bad type_length", e->name);
        n->n_leaves = 1;
        r->n_leaves++;
        return 0;
    }
    if (depth > 0 && e->num_children == 0) return schema_fail(err, "empty group", e->name);
    if (e->num_children) {
        n->children = silt_calloc((size_t)e->num_children, sizeof *n->children);
        if (!n->children) return silt_error_set(err, SILT_ENOMEM, "out of memory reading schema");
        n->n_children = e->num_children;
    }
    for (int i = 0; i < n->n_children; i++) {
        int rc = build_tree(r, &n->children[i], idx, depth + 1, def, rep, err);
        if (rc) return rc;
    }
    n->n_leaves = r->n_leaves - n->first_leaf;
    return 0;
}

static int fill_leaves(silt_pq_reader *r, pq_node *n, char *path, size_t plen, size_t cap,
                       silt_error *err)
{
    size_t nl = strlen(n->e->name);
    size_t newlen = plen ? plen + 1 + nl : nl;
    if (newlen + 1 > cap) return schema_fail(err, "column path too long", n->e->name);
    if (plen) path[plen] = '.';
    memcpy(path + (plen ? plen + 1 : 0), n->e->name, nl + 1);
    if (n->n_children == 0) {
        pq_leaf *l = &r->leaves[n->first_leaf];
        l->e = n->e;
        l->max_def = n->def;
        l->max_rep = n->rep;
        l->path = silt_strdup(path);
        if (!l->path) return silt_error_set(err, SILT_ENOMEM, "out of memory reading schema");
        return 0;
    }
    for (int i = 0; i < n->n_children; i++) {
        int rc = fill_leaves(r, &n->children[i], path, newlen, cap, err);
        if (rc) return rc;
    }
    path[plen] = 0;
    return 0;
}

static bool is_list_annot(const silt_pq_schema_elem *e)
{
    return e->converted_type == SILT_PQ_CT_LIST || e->logical_type == SILT_PQ_LT_LIST;
}
static bool is_map_annot(const silt_pq_schema_elem *e)
{
    return e->converted_type == SILT_PQ_CT_MAP || e->converted_type == SILT_PQ_CT_MAP_KEY_VALUE ||
           e->logical_type == SILT_PQ_LT_MAP;
}

/* Primitive mapping of a leaf element to a silt field type (name/nullable set by the caller). */
static int map_leaf(silt_field *f, const silt_pq_schema_elem *e, silt_error *err)
{
    int ct = e->converted_type, lt = e->logical_type;
    int32_t prec = lt == SILT_PQ_LT_DECIMAL ? e->lt_precision : e->precision;
    int32_t scale = lt == SILT_PQ_LT_DECIMAL ? e->lt_scale : e->scale;
    bool decimal = lt == SILT_PQ_LT_DECIMAL || ct == SILT_PQ_CT_DECIMAL;
    silt_type_id t;
    switch (e->type) {
    case SILT_PQ_BOOLEAN: t = SILT_TYPE_BOOL; break;
    case SILT_PQ_INT32:
        t = SILT_TYPE_INT32;
        if (decimal)
            t = SILT_TYPE_DECIMAL;
        else if (ct == SILT_PQ_CT_DATE || lt == SILT_PQ_LT_DATE)
            t = SILT_TYPE_DATE32;
        else if (ct == SILT_PQ_CT_INT_8 || ct == SILT_PQ_CT_UINT_8 ||
                 (lt == SILT_PQ_LT_INTEGER && e->lt_bit_width == 8))
            t = SILT_TYPE_INT8;
        else if (ct == SILT_PQ_CT_INT_16 || ct == SILT_PQ_CT_UINT_16 ||
                 (lt == SILT_PQ_LT_INTEGER && e->lt_bit_width == 16))
            t = SILT_TYPE_INT16;
        else if (ct == SILT_PQ_CT_TIME_MILLIS || lt == SILT_PQ_LT_TIME)
            t = SILT_TYPE_INT64;
        break;
    case SILT_PQ_INT64:
        t = SILT_TYPE_INT64;
        if (decimal)
            t = SILT_TYPE_DECIMAL;
        else if (lt == SILT_PQ_LT_TIMESTAMP)
            t = e->lt_unit == SILT_PQ_UNIT_NANOS ? SILT_TYPE_TIMESTAMP_NS : SILT_TYPE_TIMESTAMP;
        else if (ct == SILT_PQ_CT_TIMESTAMP_MILLIS || ct == SILT_PQ_CT_TIMESTAMP_MICROS)
            t = SILT_TYPE_TIMESTAMP;
        break;
    case SILT_PQ_INT96: t = SILT_TYPE_TIMESTAMP; break;
    case SILT_PQ_FLOAT: t = SILT_TYPE_FLOAT; break;
    case SILT_PQ_DOUBLE: t = SILT_TYPE_DOUBLE; break;
    case SILT_PQ_BYTE_ARRAY:
        t = SILT_TYPE_BINARY;
        if (decimal)
            t = SILT_TYPE_DECIMAL;
        else if (ct == SILT_PQ_CT_UTF8 || ct == SILT_PQ_CT_ENUM || ct == SILT_PQ_CT_JSON ||
                 lt == SILT_PQ_LT_STRING || lt == SILT_PQ_LT_ENUM || lt == SILT_PQ_LT_JSON)
            t = SILT_TYPE_STRING;
        break;
    default:
        t = SILT_TYPE_FIXED_BINARY;
        if (decimal)
            t = SILT_TYPE_DECIMAL;
        else if (lt == SILT_PQ_LT_FLOAT16 && e->type_length == 2)
            t = SILT_TYPE_FLOAT;
        break;
    }
    if (t == SILT_TYPE_DECIMAL && (prec <= 0 || prec > 38 || scale < 0 || scale > prec))
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "column %s: DECIMAL(%d,%d) is outside what silt reads (precision "
                              "1..38)",
                              e->name, prec, scale);
    f->type = t;
    f->precision = t == SILT_TYPE_DECIMAL ? prec : 0;
    f->scale = t == SILT_TYPE_DECIMAL ? scale : 0;
    f->byte_width = t == SILT_TYPE_FIXED_BINARY ? e->type_length : 0;
    f->is_unsigned = ct == SILT_PQ_CT_UINT_8 || ct == SILT_PQ_CT_UINT_16 ||
                     ct == SILT_PQ_CT_UINT_32 || ct == SILT_PQ_CT_UINT_64 ||
                     (lt == SILT_PQ_LT_INTEGER && !e->lt_signed && e->lt_bit_width > 0);
    if (t == SILT_TYPE_TIMESTAMP || t == SILT_TYPE_TIMESTAMP_NS)
        f->tz_utc = lt == SILT_PQ_LT_TIMESTAMP ? e->lt_utc : true;
    return 0;
}

static int map_node(const pq_node *n, silt_field *f, pq_plan *pl, const char *name,
                    bool as_required, int16_t d_slot, int16_t r_slot, silt_error *err);

/* Maps a repeated node R as the element of a list (required element). */
static int map_element(const pq_node *parent_list, const pq_node *rn, silt_field *f, pq_plan *pl,
                       silt_error *err)
{
    if (rn->n_children == 0) return map_node(rn, f, pl, "element", true, rn->def, rn->rep, err);
    bool tuple = false;
    if (rn->n_children == 1) {
        char buf[300];
        snprintf(buf, sizeof buf, "%s_tuple", parent_list ? parent_list->e->name : "");
        tuple = strcmp(rn->e->name, "array") == 0 || (parent_list && strcmp(rn->e->name, buf) == 0);
    }
    if (rn->n_children > 1 || tuple)
        return map_node(rn, f, pl, "element", true, rn->def, rn->rep, err);
    return map_node(&rn->children[0], f, pl, "element", false, rn->def, rn->rep, err);
}

static int nested_init(silt_field *f, pq_plan *pl, const char *name, silt_type_id t, bool nullable,
                       size_t n, silt_error *err)
{
    if (silt_field_init_nested(f, name, t, nullable, n))
        return silt_error_set(err, SILT_ENOMEM, "out of memory reading schema");
    pl->type = t;
    pl->children = silt_calloc(n ? n : 1, sizeof *pl->children);
    if (!pl->children) return silt_error_set(err, SILT_ENOMEM, "out of memory reading schema");
    pl->n_children = n;
    return 0;
}

static int map_node(const pq_node *n, silt_field *f, pq_plan *pl, const char *name,
                    bool as_required, int16_t d_slot, int16_t r_slot, silt_error *err)
{
    const silt_pq_schema_elem *e = n->e;
    int rc;
    pl->d_slot = d_slot;
    pl->r_slot = r_slot;
    pl->leaf = n->first_leaf;
    if (n->n_leaves == 0) return schema_fail(err, "group without leaves", e->name);
    if (!as_required && e->repetition == SILT_PQ_REPEATED) {
        /* a bare repeated field: a non-null list of required elements */
        if ((rc = nested_init(f, pl, name, SILT_TYPE_LIST, false, 1, err))) return rc;
        pl->d_valid = (int16_t)(n->def - 1);
        pl->d_elem = n->def;
        pl->r_elem = n->rep;
        return map_node(n, &f->children[0], &pl->children[0], "element", true, n->def, n->rep, err);
    }
    bool nullable = !as_required && e->repetition == SILT_PQ_OPTIONAL;
    pl->d_valid = as_required ? d_slot : n->def;
    if (n->n_children == 0) {
        if (silt_field_init(f, name, SILT_TYPE_INT32, nullable))
            return silt_error_set(err, SILT_ENOMEM, "out of memory reading schema");
        if ((rc = map_leaf(f, e, err))) return rc;
        pl->type = f->type;
        pl->e = e;
        return 0;
    }
    if (is_list_annot(e) && n->n_children == 1 &&
        n->children[0].e->repetition == SILT_PQ_REPEATED) {
        const pq_node *rn = &n->children[0];
        if ((rc = nested_init(f, pl, name, SILT_TYPE_LIST, nullable, 1, err))) return rc;
        pl->d_elem = rn->def;
        pl->r_elem = rn->rep;
        return map_element(n, rn, &f->children[0], &pl->children[0], err);
    }
    if (is_map_annot(e) && n->n_children == 1 && n->children[0].e->repetition == SILT_PQ_REPEATED &&
        n->children[0].n_children >= 1 && n->children[0].n_children <= 2) {
        const pq_node *kv = &n->children[0];
        if ((rc = nested_init(f, pl, name, SILT_TYPE_MAP, nullable, 1, err))) return rc;
        pl->d_elem = kv->def;
        pl->r_elem = kv->rep;
        silt_field *sf = &f->children[0];
        pq_plan *sp = &pl->children[0];
        if ((rc = nested_init(sf, sp, "key_value", SILT_TYPE_STRUCT, false, 2, err))) return rc;
        sp->d_slot = kv->def;
        sp->r_slot = kv->rep;
        sp->d_valid = kv->def;
        sp->leaf = kv->first_leaf;
        if ((rc = map_node(&kv->children[0], &sf->children[0], &sp->children[0], "key", false,
                           kv->def, kv->rep, err)))
            return rc;
        sf->children[0].nullable = false;
        if (kv->n_children == 2)
            return map_node(&kv->children[1], &sf->children[1], &sp->children[1], "value", false,
                            kv->def, kv->rep, err);
        return silt_error_set(err, SILT_EUNSUPPORTED, "map %s without values is not supported",
                              e->name);
    }
    if ((rc = nested_init(f, pl, name, SILT_TYPE_STRUCT, nullable, (size_t)n->n_children, err)))
        return rc;
    for (int i = 0; i < n->n_children; i++) {
        rc = map_node(&n->children[i], &f->children[i], &pl->children[i], n->children[i].e->name,
                      false, d_slot, r_slot, err);
        if (rc) return rc;
    }
    return 0;
}

/* The dotted path of every leaf, for messages. */
static int fill_all_leaves(silt_pq_reader *r, silt_error *err)
{
    char *path = silt_malloc(4096);
    if (!path) return silt_error_set(err, SILT_ENOMEM, "out of memory reading schema");
    path[0] = 0;
    int rc = 0;
    for (int i = 0; i < r->root.n_children && rc == 0; i++)
        rc = fill_leaves(r, &r->root.children[i], path, 0, 4096, err);
    silt_free(path);
    return rc;
}

int silt_pqr_schema_build(silt_pq_reader *r, silt_error *err)
{
    const silt_pq_file_meta *m = r->meta;
    if (m->n_schema == 0) return schema_fail(err, "no schema elements", NULL);
    size_t idx = 0;
    int rc = build_tree(r, &r->root, &idx, 0, 0, 0, err);
    if (rc) return rc;
    if (idx != m->n_schema)
        return schema_fail(err, "elements left over after the root's children", NULL);
    r->leaves = silt_calloc((size_t)(r->n_leaves ? r->n_leaves : 1), sizeof *r->leaves);
    if (!r->leaves) return silt_error_set(err, SILT_ENOMEM, "out of memory reading schema");
    if ((rc = fill_all_leaves(r, err))) return rc;
    size_t nf = (size_t)r->root.n_children;
    r->schema = silt_schema_create(nf);
    r->plans = silt_calloc(nf ? nf : 1, sizeof *r->plans);
    if (!r->schema || !r->plans)
        return silt_error_set(err, SILT_ENOMEM, "out of memory reading schema");
    for (size_t i = 0; i < nf; i++) {
        const pq_node *c = &r->root.children[i];
        if ((rc = map_node(c, &r->schema->fields[i], &r->plans[i], c->e->name, false, 0, 0, err)))
            return rc;
    }
    return 0;
}
