/* Parquet reader: footer and schema mapping, column-chunk page decoding, and assembly of
 * definition/repetition levels into Arrow-layout columns (validity, offsets, children). */
#include "parquet/reader.h"

#include "parquet/decode.h"
#include "parquet/decompress.h"
#include "parquet/format.h"
#include "util/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MAX_DEPTH 64
#define MAX_PAGE_VALUES (64 * 1024 * 1024)
#define MAX_FOOTER (256u * 1024 * 1024)

/* A node of the Parquet schema tree. */
typedef struct pq_node {
    const silt_pq_schema_elem *e;
    struct pq_node *children;
    int n_children;
    int16_t def, rep; /* levels of this node (counting itself) */
    int first_leaf, n_leaves;
} pq_node;

/* How one silt column is assembled from the levels of one leaf. */
typedef struct pq_plan {
    silt_type_id type;
    int16_t d_slot, r_slot; /* a slot exists for entries with rep <= r_slot && def >= d_slot */
    int16_t d_valid;        /* the slot is valid when def >= d_valid */
    int16_t d_elem, r_elem; /* LIST/MAP: an element starts when rep <= r_elem && def >= d_elem */
    int leaf;               /* leaf whose levels drive this column */
    const silt_pq_schema_elem *e; /* leaf: its schema element */
    size_t n_children;
    struct pq_plan *children;
} pq_plan;

typedef struct pq_leaf {
    const silt_pq_schema_elem *e;
    char *path; /* dotted path for messages */
    int16_t max_def, max_rep;
} pq_leaf;

struct silt_pq_reader {
    silt_pq_source *src;
    silt_pq_file_meta *meta;
    pq_node root;
    int n_leaves;
    pq_leaf *leaves;
    silt_schema *schema;
    pq_plan *plans; /* one per top-level field */
    /* scratch kept across row groups, so large buffers are not faulted in again each time */
    uint8_t *chunk_buf, *page_buf;
    size_t chunk_cap, page_cap;
    struct leaf_data *lds; /* one per leaf */
};

static void leaf_data_free(struct leaf_data *d);

/* Decoded contents of one column chunk. */
struct leaf_data {
    uint16_t *def, *rep;
    int64_t n, cap; /* level entries */
    uint8_t *fixed; /* fixed-width physical values */
    int64_t n_values, cap_values;
    int width;
    silt_pq_bin bin; /* byte arrays */
    bool is_bin;
    /* dictionary */
    uint8_t *dict_fixed;
    silt_pq_bin dict_bin;
    int64_t dict_n;
    bool has_dict;
    uint64_t chunk_off;  /* file offset of the column chunk, for errors found after decoding */
    int64_t max_entries; /* flat columns: the row group's row count */
};
typedef struct leaf_data leaf_data;

/* ---------------------------------------------------------------- schema */

static void node_free(pq_node *n)
{
    for (int i = 0; i < n->n_children; i++) node_free(&n->children[i]);
    silt_free(n->children);
    n->children = NULL;
    n->n_children = 0;
}

static void plan_free(pq_plan *p)
{
    for (size_t i = 0; i < p->n_children; i++) plan_free(&p->children[i]);
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
    if (depth > MAX_DEPTH) return schema_fail(err, "nesting deeper than 64 levels", NULL);
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
            t = e->lt_unit == 3 ? SILT_TYPE_TIMESTAMP_NS : SILT_TYPE_TIMESTAMP;
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

/* ---------------------------------------------------------------- open */

int silt_pq_reader_open(silt_pq_reader **out, silt_pq_source *src, silt_error *err)
{
    *out = NULL;
    int rc;
    uint8_t *footer = NULL;
    char *path = NULL;
    silt_pq_reader *r = silt_calloc(1, sizeof *r);
    if (!r) return silt_error_set(err, SILT_ENOMEM, "out of memory opening Parquet file");
    r->src = src;
    uint8_t tail[8];
    if (src->size < 12) {
        rc = silt_error_set(err, SILT_ECORRUPT,
                            "not a Parquet file: %llu bytes is shorter than the 12-byte minimum",
                            (unsigned long long)src->size);
        silt_error_offset(err, 0);
        goto fail;
    }
    if ((rc = src->ops->read_at(src, src->size - 8, tail, 8, err))) goto fail;
    if (memcmp(tail + 4, SILT_PQ_MAGIC, 4) != 0) {
        rc = silt_error_set(err, SILT_ECORRUPT,
                            "not a Parquet file: no PAR1 magic at the end (truncated or not "
                            "Parquet)");
        silt_error_offset(err, (int64_t)src->size - 4);
        goto fail;
    }
    uint32_t flen = (uint32_t)tail[0] | (uint32_t)tail[1] << 8 | (uint32_t)tail[2] << 16 |
                    (uint32_t)tail[3] << 24;
    if ((uint64_t)flen + 12 > src->size || flen > MAX_FOOTER) {
        rc = silt_error_set(err, SILT_ECORRUPT,
                            "footer length %u does not fit in a file of %llu bytes", flen,
                            (unsigned long long)src->size);
        silt_error_offset(err, (int64_t)src->size - 8);
        goto fail;
    }
    uint64_t foff = src->size - 8 - flen;
    footer = silt_malloc(flen ? flen : 1);
    if (!footer) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory reading the footer");
        goto fail;
    }
    if ((rc = src->ops->read_at(src, foff, footer, flen, err))) goto fail;
    if ((rc = silt_pq_file_meta_parse(&r->meta, footer, flen, err))) {
        if (err) err->offset += (int64_t)foff;
        goto fail;
    }
    silt_free(footer);
    footer = NULL;
    const silt_pq_file_meta *m = r->meta;
    if (m->n_schema == 0) {
        rc = schema_fail(err, "no schema elements", NULL);
        goto fail;
    }
    size_t idx = 0;
    if ((rc = build_tree(r, &r->root, &idx, 0, 0, 0, err))) goto fail;
    if (idx != m->n_schema) {
        rc = schema_fail(err, "elements left over after the root's children", NULL);
        goto fail;
    }
    r->leaves = silt_calloc((size_t)(r->n_leaves ? r->n_leaves : 1), sizeof *r->leaves);
    path = silt_malloc(4096);
    if (!r->leaves || !path) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory reading schema");
        goto fail;
    }
    path[0] = 0;
    for (int i = 0; i < r->root.n_children; i++)
        if ((rc = fill_leaves(r, &r->root.children[i], path, 0, 4096, err))) goto fail;
    size_t nf = (size_t)r->root.n_children;
    r->schema = silt_schema_create(nf);
    r->plans = silt_calloc(nf ? nf : 1, sizeof *r->plans);
    if (!r->schema || !r->plans) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory reading schema");
        goto fail;
    }
    for (size_t i = 0; i < nf; i++) {
        const pq_node *c = &r->root.children[i];
        if ((rc = map_node(c, &r->schema->fields[i], &r->plans[i], c->e->name, false, 0, 0, err)))
            goto fail;
    }
    for (size_t g = 0; g < m->n_row_groups; g++) {
        const silt_pq_row_group *rg = &m->row_groups[g];
        if (rg->n_columns != (size_t)r->n_leaves) {
            rc = silt_error_set(err, SILT_ECORRUPT,
                                "row group %zu has %zu column chunks but the schema has %d "
                                "leaf columns",
                                g, rg->n_columns, r->n_leaves);
            goto fail;
        }
        if (rg->num_rows < 0) {
            rc = silt_error_set(err, SILT_ECORRUPT, "row group %zu has a negative row count", g);
            goto fail;
        }
    }
    silt_free(path);
    *out = r;
    return 0;
fail:
    silt_free(path);
    silt_free(footer);
    silt_pq_reader_destroy(r);
    silt_error_path(err, src->name);
    return rc;
}

void silt_pq_reader_destroy(silt_pq_reader *r)
{
    if (!r) return;
    if (r->lds)
        for (int l = 0; l < r->n_leaves; l++) leaf_data_free(&r->lds[l]);
    silt_free(r->lds);
    silt_free(r->chunk_buf);
    silt_free(r->page_buf);
    if (r->plans && r->schema)
        for (size_t i = 0; i < r->schema->n_fields; i++) plan_free(&r->plans[i]);
    silt_free(r->plans);
    silt_schema_destroy(r->schema);
    if (r->leaves)
        for (int i = 0; i < r->n_leaves; i++) silt_free(r->leaves[i].path);
    silt_free(r->leaves);
    node_free(&r->root);
    silt_pq_file_meta_destroy(r->meta);
    silt_free(r);
}

const silt_schema *silt_pq_reader_schema(const silt_pq_reader *r)
{
    return r->schema;
}
const silt_pq_file_meta *silt_pq_reader_meta(const silt_pq_reader *r)
{
    return r->meta;
}
int64_t silt_pq_reader_num_rows(const silt_pq_reader *r)
{
    return r->meta->num_rows;
}
int silt_pq_reader_num_row_groups(const silt_pq_reader *r)
{
    return (int)r->meta->n_row_groups;
}

/* ---------------------------------------------------------------- column chunks */

static void leaf_data_free(leaf_data *d)
{
    silt_free(d->def);
    silt_free(d->rep);
    silt_free(d->fixed);
    silt_pq_bin_free(&d->bin);
    silt_free(d->dict_fixed);
    silt_pq_bin_free(&d->dict_bin);
    memset(d, 0, sizeof *d);
}

/* Empties d for the next row group, keeping the level, value and byte buffers. */
static void leaf_data_recycle(leaf_data *d)
{
    leaf_data keep = *d;
    silt_free(d->dict_fixed);
    silt_pq_bin_free(&d->dict_bin);
    memset(d, 0, sizeof *d);
    d->def = keep.def;
    d->rep = keep.rep;
    d->cap = keep.cap;
    d->fixed = keep.fixed;
    d->cap_values = keep.cap_values;
    d->bin = keep.bin;
    d->bin.n = 0;
    d->bin.len = 0;
}

/* Grows a scratch buffer to at least n bytes. Returns 0 or SILT_ENOMEM. */
static int scratch(uint8_t **buf, size_t *cap, size_t n)
{
    if (n <= *cap && *buf) return 0;
    uint8_t *p = silt_realloc(*buf, n ? n : 1);
    if (!p) return SILT_ENOMEM;
    *buf = p;
    *cap = n;
    return 0;
}

static int phys_width(const silt_pq_schema_elem *e)
{
    switch (e->type) {
    case SILT_PQ_BOOLEAN: return 1;
    case SILT_PQ_INT32:
    case SILT_PQ_FLOAT: return 4;
    case SILT_PQ_INT64:
    case SILT_PQ_DOUBLE: return 8;
    case SILT_PQ_INT96: return 12;
    case SILT_PQ_FIXED_LEN_BYTE_ARRAY: return e->type_length;
    default: return 0;
    }
}

/* Context for errors while reading one column chunk. */
typedef struct chunk_ctx {
    const silt_pq_reader *r;
    const pq_leaf *leaf;
    int codec;
    uint64_t page_off; /* file offset of the current page */
    silt_error *err;
} chunk_ctx;

static int chunk_err(chunk_ctx *c, int code, uint64_t off, const char *fmt, const char *detail)
{
    char msg[SILT_ERROR_MSG_MAX];
    snprintf(msg, sizeof msg, fmt, detail ? detail : "");
    silt_error_set(c->err, code, "%s", msg);
    silt_error_path(c->err, c->r->src->name);
    silt_error_column(c->err, c->leaf->path);
    silt_error_offset(c->err, (int64_t)off);
    return code;
}

/* Adds context to an error set by a lower decoder. */
static int chunk_ctx_err(chunk_ctx *c, int code)
{
    if (c->err) {
        char msg[SILT_ERROR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", c->err->msg);
        return chunk_err(c, code, c->page_off, "%s", msg);
    }
    return code;
}

static int grow_levels(leaf_data *d, const pq_leaf *l, int64_t more)
{
    if (d->n + more <= d->cap) return 0;
    int64_t cap = d->cap ? d->cap : 1024;
    while (cap < d->n + more) cap *= 2;
    if (l->max_def > 0) {
        uint16_t *p = silt_realloc(d->def, (size_t)cap * sizeof *p);
        if (!p) return SILT_ENOMEM;
        d->def = p;
    }
    if (l->max_rep > 0) {
        uint16_t *p = silt_realloc(d->rep, (size_t)cap * sizeof *p);
        if (!p) return SILT_ENOMEM;
        d->rep = p;
    }
    d->cap = cap;
    return 0;
}

static int grow_values(leaf_data *d, int64_t more)
{
    if (d->n_values + more <= d->cap_values) return 0;
    int64_t cap = d->cap_values ? d->cap_values : 1024;
    while (cap < d->n_values + more) cap *= 2;
    size_t bytes;
    if (silt_mul_size(&bytes, (size_t)cap, (size_t)d->width)) return SILT_ENOMEM;
    uint8_t *p = silt_realloc(d->fixed, bytes ? bytes : 1);
    if (!p) return SILT_ENOMEM;
    d->fixed = p;
    d->cap_values = cap;
    return 0;
}

/* Decodes count PLAIN fixed-width or byte-array values into (fixed, bin). */
static int decode_plain(chunk_ctx *c, leaf_data *d, uint8_t *fixed, silt_pq_bin *bin,
                        const uint8_t *p, size_t n, size_t count)
{
    int t = c->leaf->e->type;
    if (t == SILT_PQ_BYTE_ARRAY) {
        size_t used;
        int rc = silt_pq_decode_plain_bin(bin, p, n, count, &used, c->err);
        return rc ? chunk_ctx_err(c, rc) : 0;
    }
    if (t == SILT_PQ_BOOLEAN) {
        int rc = silt_pq_decode_plain_bool(fixed, p, n, count, c->err);
        return rc ? chunk_ctx_err(c, rc) : 0;
    }
    size_t need = count * (size_t)d->width;
    if (need / (size_t)d->width != count || need > n)
        return chunk_err(c, SILT_ECORRUPT, c->page_off, "PLAIN values are truncated%s", NULL);
    if (need) memcpy(fixed, p, need);
    return 0;
}

static int read_dictionary(chunk_ctx *c, leaf_data *d, const silt_pq_page_header *h,
                           const uint8_t *p, size_t n)
{
    if (d->has_dict)
        return chunk_err(c, SILT_ECORRUPT, c->page_off,
                         "second dictionary page in a column chunk%s", NULL);
    if (h->num_values < 0 || (uint64_t)h->num_values > (uint64_t)n * 8 + 8)
        return chunk_err(c, SILT_ECORRUPT, c->page_off,
                         "dictionary page claims more values than its bytes hold%s", NULL);
    if (h->encoding != SILT_PQ_ENC_PLAIN && h->encoding != SILT_PQ_ENC_PLAIN_DICTIONARY)
        return chunk_err(c, SILT_EUNSUPPORTED, c->page_off, "dictionary page encoding %s",
                         silt_pq_encoding_name(h->encoding));
    size_t cnt = (size_t)h->num_values;
    if (!d->is_bin) {
        d->dict_fixed = silt_malloc(cnt * (size_t)d->width + 1);
        if (!d->dict_fixed)
            return chunk_err(c, SILT_ENOMEM, c->page_off, "out of memory for the dictionary%s",
                             NULL);
    }
    int rc = decode_plain(c, d, d->dict_fixed, &d->dict_bin, p, n, cnt);
    if (rc) return rc;
    /* 16 bytes of slack after the last value, read by the short-value copy in the gather */
    if (d->is_bin && silt_pq_bin_reserve(&d->dict_bin, 0, 16))
        return chunk_err(c, SILT_ENOMEM, c->page_off, "out of memory for the dictionary%s", NULL);
    d->dict_n = (int64_t)cnt;
    d->has_dict = true;
    return 0;
}

/* Gathers count dictionary entries selected by RLE indices. */
static int decode_dict_indices(chunk_ctx *c, leaf_data *d, const uint8_t *p, size_t n, size_t count)
{
    if (!d->has_dict)
        return chunk_err(c, SILT_ECORRUPT, c->page_off,
                         "dictionary-encoded page without a dictionary page%s", NULL);
    if (count == 0) return 0;
    if (n < 1)
        return chunk_err(c, SILT_ECORRUPT, c->page_off, "missing dictionary index width%s", NULL);
    silt_pq_rle rle;
    int rc = silt_pq_rle_init(&rle, p + 1, n - 1, p[0], c->err);
    if (rc) return chunk_ctx_err(c, rc);
    uint32_t idx[1024];
    uint32_t dn = (uint32_t)d->dict_n;
    if (d->is_bin) {
        const int32_t *doff = d->dict_bin.offsets;
        const uint8_t *dd = d->dict_bin.data;
        while (count) {
            size_t k = count < 1024 ? count : 1024;
            if ((rc = silt_pq_rle_read32(&rle, idx, k, c->err))) return chunk_ctx_err(c, rc);
            int64_t bytes = 0;
            for (size_t i = 0; i < k; i++) {
                if (idx[i] >= dn)
                    return chunk_err(c, SILT_ECORRUPT, c->page_off,
                                     "dictionary index out of range%s", NULL);
                bytes += doff[idx[i] + 1] - doff[idx[i]];
            }
            /* 16 bytes of slack let short values be copied with one fixed-size move */
            if ((rc = silt_pq_bin_reserve(&d->bin, (int64_t)k, bytes + 16)))
                return chunk_err(
                    c, rc == SILT_ERANGE ? SILT_EUNSUPPORTED : SILT_ENOMEM, c->page_off, "%s",
                    rc == SILT_ERANGE ? "column chunk holds more than 2 GiB" : "out of memory");
            int32_t *o = d->bin.offsets;
            uint8_t *data = d->bin.data;
            int64_t len = d->bin.len, nn = d->bin.n;
            for (size_t i = 0; i < k; i++) {
                int32_t s = doff[idx[i]], l = doff[idx[i] + 1] - s;
                if (l <= 16)
                    memcpy(data + len, dd + s, 16);
                else
                    memcpy(data + len, dd + s, (size_t)l);
                len += l;
                o[++nn] = (int32_t)len;
            }
            d->bin.len = len;
            d->bin.n = nn;
            count -= k;
        }
        return 0;
    }
    int w = d->width;
    uint8_t *dst = d->fixed + (size_t)d->n_values * (size_t)w;
    while (count) {
        size_t k = count < 1024 ? count : 1024;
        if ((rc = silt_pq_rle_read32(&rle, idx, k, c->err))) return chunk_ctx_err(c, rc);
        for (size_t i = 0; i < k; i++)
            if (idx[i] >= dn)
                return chunk_err(c, SILT_ECORRUPT, c->page_off, "dictionary index out of range%s",
                                 NULL);
        if (w == 4) {
            const uint32_t *dv = (const uint32_t *)(void *)d->dict_fixed;
            for (size_t i = 0; i < k; i++) memcpy(dst + 4 * i, &dv[idx[i]], 4);
        } else if (w == 8) {
            for (size_t i = 0; i < k; i++)
                memcpy(dst + 8 * i, d->dict_fixed + 8 * (size_t)idx[i], 8);
        } else {
            for (size_t i = 0; i < k; i++)
                memcpy(dst + (size_t)w * i, d->dict_fixed + (size_t)w * idx[i], (size_t)w);
        }
        dst += (size_t)w * k;
        count -= k;
    }
    return 0;
}

static int decode_values(chunk_ctx *c, leaf_data *d, int enc, const uint8_t *p, size_t n,
                         size_t count)
{
    int rc;
    if ((enc == SILT_PQ_ENC_PLAIN || enc == SILT_PQ_ENC_BYTE_STREAM_SPLIT) && !d->is_bin &&
        c->leaf->e->type != SILT_PQ_BOOLEAN && (uint64_t)count * (uint64_t)d->width > n)
        return chunk_err(c, SILT_ECORRUPT, c->page_off, "%s values are truncated",
                         silt_pq_encoding_name(enc));
    if (!d->is_bin && (rc = grow_values(d, (int64_t)count)))
        return chunk_err(c, SILT_ENOMEM, c->page_off, "out of memory decoding values%s", NULL);
    uint8_t *dst = d->is_bin ? NULL : d->fixed + (size_t)d->n_values * (size_t)d->width;
    int t = c->leaf->e->type;
    switch (enc) {
    case SILT_PQ_ENC_PLAIN:
        if ((rc = decode_plain(c, d, dst, &d->bin, p, n, count))) return rc;
        break;
    case SILT_PQ_ENC_PLAIN_DICTIONARY:
    case SILT_PQ_ENC_RLE_DICTIONARY:
        if ((rc = decode_dict_indices(c, d, p, n, count))) return rc;
        break;
    case SILT_PQ_ENC_RLE: {
        if (t != SILT_PQ_BOOLEAN)
            return chunk_err(c, SILT_ECORRUPT, c->page_off,
                             "RLE encoding on a non-boolean column%s", NULL);
        if (n < 4)
            return chunk_err(c, SILT_ECORRUPT, c->page_off, "truncated RLE booleans%s", NULL);
        uint32_t len =
            (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        if (len > n - 4)
            return chunk_err(c, SILT_ECORRUPT, c->page_off, "RLE booleans run past the page%s",
                             NULL);
        silt_pq_rle rle;
        silt_pq_rle_init(&rle, p + 4, len, 1, c->err);
        uint32_t tmp[1024];
        size_t done = 0;
        while (done < count) {
            size_t k = count - done < 1024 ? count - done : 1024;
            if ((rc = silt_pq_rle_read32(&rle, tmp, k, c->err))) return chunk_ctx_err(c, rc);
            for (size_t i = 0; i < k; i++) dst[done + i] = (uint8_t)tmp[i];
            done += k;
        }
        break;
    }
    case SILT_PQ_ENC_DELTA_BINARY_PACKED: {
        if (t != SILT_PQ_INT32 && t != SILT_PQ_INT64)
            return chunk_err(c, SILT_ECORRUPT, c->page_off,
                             "DELTA_BINARY_PACKED on a non-integer column%s", NULL);
        int64_t *tmp = silt_malloc((count ? count : 1) * sizeof *tmp);
        if (!tmp) return chunk_err(c, SILT_ENOMEM, c->page_off, "out of memory%s", NULL);
        size_t used;
        rc = silt_pq_decode_delta_binary(tmp, count, p, n, &used, c->err);
        if (rc) {
            silt_free(tmp);
            return chunk_ctx_err(c, rc);
        }
        if (t == SILT_PQ_INT32)
            for (size_t i = 0; i < count; i++) {
                int32_t v = (int32_t)(uint32_t)(uint64_t)tmp[i];
                memcpy(dst + 4 * i, &v, 4);
            }
        else
            memcpy(dst, tmp, count * 8);
        silt_free(tmp);
        break;
    }
    case SILT_PQ_ENC_DELTA_LENGTH_BYTE_ARRAY:
    case SILT_PQ_ENC_DELTA_BYTE_ARRAY:
        if (t != SILT_PQ_BYTE_ARRAY &&
            !(t == SILT_PQ_FIXED_LEN_BYTE_ARRAY && enc == SILT_PQ_ENC_DELTA_BYTE_ARRAY))
            return chunk_err(c, SILT_ECORRUPT, c->page_off, "%s on a column of the wrong type",
                             silt_pq_encoding_name(enc));
        if (t == SILT_PQ_BYTE_ARRAY) {
            rc = enc == SILT_PQ_ENC_DELTA_LENGTH_BYTE_ARRAY
                     ? silt_pq_decode_delta_length(&d->bin, p, n, count, c->err)
                     : silt_pq_decode_delta_byte_array(&d->bin, p, n, count, c->err);
            if (rc) return chunk_ctx_err(c, rc);
        } else {
            silt_pq_bin tmp = {0};
            rc = silt_pq_decode_delta_byte_array(&tmp, p, n, count, c->err);
            if (rc) {
                silt_pq_bin_free(&tmp);
                return chunk_ctx_err(c, rc);
            }
            for (size_t i = 0; i < count; i++) {
                if (tmp.offsets[i + 1] - tmp.offsets[i] != d->width) {
                    silt_pq_bin_free(&tmp);
                    return chunk_err(c, SILT_ECORRUPT, c->page_off,
                                     "DELTA_BYTE_ARRAY value of the wrong fixed length%s", NULL);
                }
            }
            if (count) memcpy(dst, tmp.data, count * (size_t)d->width);
            silt_pq_bin_free(&tmp);
        }
        break;
    case SILT_PQ_ENC_BYTE_STREAM_SPLIT:
        if (d->is_bin || t == SILT_PQ_BOOLEAN || t == SILT_PQ_INT96)
            return chunk_err(c, SILT_ECORRUPT, c->page_off,
                             "BYTE_STREAM_SPLIT on a column of the wrong type%s", NULL);
        if ((size_t)d->width * count != n)
            return chunk_err(c, SILT_ECORRUPT, c->page_off,
                             "BYTE_STREAM_SPLIT data size does not match the value count%s", NULL);
        if ((rc = silt_pq_decode_byte_stream_split(dst, p, n, count, d->width, c->err)))
            return chunk_ctx_err(c, rc);
        break;
    default:
        return chunk_err(c, SILT_EUNSUPPORTED, c->page_off, "value encoding %s is not supported",
                         silt_pq_encoding_name(enc));
    }
    if (!d->is_bin) d->n_values += (int64_t)count;
    return 0;
}

static int decode_levels_rle(chunk_ctx *c, uint16_t *out, size_t count, int max, const uint8_t *p,
                             size_t n)
{
    silt_pq_rle rle;
    int rc = silt_pq_rle_init(&rle, p, n, silt_pq_bit_width((uint64_t)max), c->err);
    if (!rc) rc = silt_pq_rle_read16(&rle, out, count, c->err);
    if (rc) return chunk_ctx_err(c, rc);
    for (size_t i = 0; i < count; i++)
        if (out[i] > max)
            return chunk_err(c, SILT_ECORRUPT, c->page_off, "level above the column's maximum%s",
                             NULL);
    return 0;
}

/* v1 levels: RLE with a 4-byte length prefix, or legacy BIT_PACKED. Advances p and n. */
static int decode_levels_v1(chunk_ctx *c, uint16_t *out, size_t count, int max, int enc,
                            const uint8_t **p, size_t *n)
{
    if (enc == SILT_PQ_ENC_BIT_PACKED) {
        int bw = silt_pq_bit_width((uint64_t)max);
        size_t bytes = (count * (size_t)bw + 7) / 8;
        int rc = silt_pq_bitpacked_msb16(out, count, *p, *n, bw, c->err);
        if (rc) return chunk_ctx_err(c, rc);
        for (size_t i = 0; i < count; i++)
            if (out[i] > max)
                return chunk_err(c, SILT_ECORRUPT, c->page_off, "level above the maximum%s", NULL);
        *p += bytes;
        *n -= bytes;
        return 0;
    }
    if (*n < 4) return chunk_err(c, SILT_ECORRUPT, c->page_off, "truncated level length%s", NULL);
    uint32_t len = (uint32_t)(*p)[0] | (uint32_t)(*p)[1] << 8 | (uint32_t)(*p)[2] << 16 |
                   (uint32_t)(*p)[3] << 24;
    if (len > *n - 4)
        return chunk_err(c, SILT_ECORRUPT, c->page_off, "levels run past the end of the page%s",
                         NULL);
    int rc = decode_levels_rle(c, out, count, max, *p + 4, len);
    if (rc) return rc;
    *p += 4 + len;
    *n -= 4 + len;
    return 0;
}

static int read_data_page(chunk_ctx *c, leaf_data *d, const silt_pq_page_header *h,
                          const uint8_t *levels_v2, const uint8_t *p, size_t n)
{
    const pq_leaf *l = c->leaf;
    bool v2 = h->type == SILT_PQ_PAGE_DATA_V2;
    if (h->num_values < 0 || h->num_values > MAX_PAGE_VALUES)
        return chunk_err(c, SILT_ECORRUPT, c->page_off, "bad value count in a data page%s", NULL);
    size_t count = (size_t)h->num_values;
    if (count == 0) return 0;
    if ((uint64_t)d->n + count > INT32_MAX ||
        (l->max_rep == 0 && d->n + (int64_t)count > d->max_entries))
        return chunk_err(c, SILT_ECORRUPT, c->page_off,
                         "data pages hold more values than the row group has rows%s", NULL);
    if (grow_levels(d, l, (int64_t)count))
        return chunk_err(c, SILT_ENOMEM, c->page_off, "out of memory for levels%s", NULL);
    uint16_t *rep = l->max_rep ? d->rep + d->n : NULL;
    uint16_t *def = l->max_def ? d->def + d->n : NULL;
    int rc;
    if (v2) {
        const uint8_t *q = levels_v2;
        if (rep && (rc = decode_levels_rle(c, rep, count, l->max_rep, q, (size_t)h->rep_length)))
            return rc;
        q += h->rep_length;
        if (def && (rc = decode_levels_rle(c, def, count, l->max_def, q, (size_t)h->def_length)))
            return rc;
    } else {
        if (rep && (rc = decode_levels_v1(c, rep, count, l->max_rep, h->rep_encoding, &p, &n)))
            return rc;
        if (def && (rc = decode_levels_v1(c, def, count, l->max_def, h->def_encoding, &p, &n)))
            return rc;
    }
    if (rep && count && d->n == 0 && rep[0] != 0)
        return chunk_err(c, SILT_ECORRUPT, c->page_off,
                         "first repetition level of the column chunk is not 0%s", NULL);
    size_t non_null = count;
    if (def) {
        non_null = 0;
        uint16_t mx = (uint16_t)l->max_def;
        for (size_t i = 0; i < count; i++) non_null += def[i] == mx;
    }
    d->n += (int64_t)count;
    if (non_null == 0) return 0;
    return decode_values(c, d, h->encoding, p, n, non_null);
}

/* Reads and decodes every page of column chunk `leaf` of row group rg. */
static int read_chunk(silt_pq_reader *r, int rg, int leaf, leaf_data *d, silt_error *err)
{
    const silt_pq_column_chunk *cc = &r->meta->row_groups[rg].columns[leaf];
    chunk_ctx c = {.r = r, .leaf = &r->leaves[leaf], .err = err};
    const silt_pq_column_meta *cm = &cc->meta;
    uint8_t *chunk, *page = r->page_buf;
    int rc;
    d->width = phys_width(c.leaf->e);
    d->is_bin = c.leaf->e->type == SILT_PQ_BYTE_ARRAY;
    if (!cc->has_meta)
        return chunk_err(&c, SILT_EUNSUPPORTED, (uint64_t)cc->file_offset,
                         "column chunk without metadata%s", NULL);
    if (cc->file_path)
        return chunk_err(&c, SILT_EUNSUPPORTED, (uint64_t)cc->file_offset,
                         "column chunk stored in another file (%s)", cc->file_path);
    if (cm->type != c.leaf->e->type)
        return chunk_err(&c, SILT_ECORRUPT, (uint64_t)cm->data_page_offset,
                         "column chunk type differs from the schema%s", NULL);
    c.codec = cm->codec;
    int64_t start = cm->data_page_offset;
    if (cm->dictionary_page_offset > 0 && cm->dictionary_page_offset < start)
        start = cm->dictionary_page_offset;
    int64_t size = cm->total_compressed_size;
    uint64_t fsize = r->src->size;
    if (start < 4 || size < 0 || (uint64_t)start > fsize ||
        (uint64_t)size > fsize - (uint64_t)start)
        return chunk_err(&c, SILT_ECORRUPT, (uint64_t)(start < 0 ? 0 : start),
                         "column chunk byte range lies outside the file%s", NULL);
    if (cm->num_values < 0)
        return chunk_err(&c, SILT_ECORRUPT, (uint64_t)start, "negative value count%s", NULL);
    d->chunk_off = (uint64_t)start;
    d->max_entries = r->meta->row_groups[rg].num_rows;
    if (scratch(&r->chunk_buf, &r->chunk_cap, (size_t)size))
        return chunk_err(&c, SILT_ENOMEM, (uint64_t)start, "out of memory%s", NULL);
    chunk = r->chunk_buf;
    if ((rc = r->src->ops->read_at(r->src, (uint64_t)start, chunk, (size_t)size, err))) {
        silt_error_column(err, c.leaf->path);
        goto fail;
    }
    /* size the buffers once from the metadata when it is plausible for the chunk's bytes */
    int64_t plausible = cm->total_uncompressed_size * 8 + 4096;
    int64_t pre = cm->num_values < plausible ? cm->num_values : plausible;
    if (pre > (1 << 24)) pre = 1 << 24;
    if (grow_levels(d, c.leaf, pre) || (!d->is_bin && d->width <= 16 && grow_values(d, pre))) {
        rc = chunk_err(&c, SILT_ENOMEM, (uint64_t)start, "out of memory%s", NULL);
        goto fail;
    }
    size_t pos = 0;
    while (d->n < cm->num_values) {
        c.page_off = (uint64_t)start + pos;
        if (pos >= (size_t)size) {
            rc = chunk_err(&c, SILT_ECORRUPT, c.page_off,
                           "column chunk ends before all its values were read%s", NULL);
            goto fail;
        }
        silt_pq_page_header h;
        size_t hlen;
        if ((rc = silt_pq_page_header_parse(&h, &hlen, chunk + pos, (size_t)size - pos, err))) {
            rc = chunk_ctx_err(&c, rc);
            goto fail;
        }
        pos += hlen;
        if (h.compressed_size < 0 || h.uncompressed_size < 0 ||
            (size_t)h.compressed_size > (size_t)size - pos) {
            rc = chunk_err(&c, SILT_ECORRUPT, c.page_off, "page size runs past the column chunk%s",
                           NULL);
            goto fail;
        }
        const uint8_t *body = chunk + pos;
        size_t clen = (size_t)h.compressed_size;
        pos += clen;
        if (h.has_crc && (uint32_t)crc32(0L, body, (uInt)clen) != h.crc) {
            rc = chunk_err(&c, SILT_ECORRUPT, c.page_off,
                           "page checksum (CRC32) mismatch: the page is corrupt%s", NULL);
            goto fail;
        }
        if (h.type != SILT_PQ_PAGE_DATA && h.type != SILT_PQ_PAGE_DATA_V2 &&
            h.type != SILT_PQ_PAGE_DICTIONARY)
            continue; /* index pages and unknown page types are skipped */
        if (!h.has_type_header) {
            rc = chunk_err(&c, SILT_ECORRUPT, c.page_off, "page header lacks its type header%s",
                           NULL);
            goto fail;
        }
        const uint8_t *levels_v2 = NULL;
        size_t lv_len = 0;
        if (h.type == SILT_PQ_PAGE_DATA_V2) {
            if (h.rep_length < 0 || h.def_length < 0 ||
                (uint64_t)h.rep_length + (uint64_t)h.def_length > clen ||
                (uint64_t)h.rep_length + (uint64_t)h.def_length > (uint64_t)h.uncompressed_size) {
                rc = chunk_err(&c, SILT_ECORRUPT, c.page_off, "bad level lengths in a v2 page%s",
                               NULL);
                goto fail;
            }
            lv_len = (size_t)h.rep_length + (size_t)h.def_length;
            levels_v2 = body;
        }
        const uint8_t *vals = body + lv_len;
        size_t vlen = clen - lv_len;
        size_t ulen = (size_t)h.uncompressed_size - lv_len;
        bool compressed = c.codec != SILT_PQ_CODEC_UNCOMPRESSED &&
                          (h.type != SILT_PQ_PAGE_DATA_V2 || h.is_compressed);
        if (compressed && !(h.type == SILT_PQ_PAGE_DATA_V2 && vlen == 0 && ulen == 0)) {
            if (ulen > (size_t)1 << 30) {
                rc = chunk_err(&c, SILT_ECORRUPT, c.page_off, "page larger than 1 GiB%s", NULL);
                goto fail;
            }
            if ((rc = silt_pq_decompress_check(c.codec, vals, vlen, ulen, err))) {
                rc = chunk_ctx_err(&c, rc);
                goto fail;
            }
            if (scratch(&r->page_buf, &r->page_cap, ulen)) {
                rc = chunk_err(&c, SILT_ENOMEM, c.page_off, "out of memory%s", NULL);
                goto fail;
            }
            page = r->page_buf;
            if ((rc = silt_pq_decompress(c.codec, vals, vlen, page, ulen, err))) {
                rc = chunk_ctx_err(&c, rc);
                goto fail;
            }
            vals = page;
            vlen = ulen;
        }
        if (h.type == SILT_PQ_PAGE_DICTIONARY)
            rc = read_dictionary(&c, d, &h, vals, vlen);
        else
            rc = read_data_page(&c, d, &h, levels_v2, vals, vlen);
        if (rc) goto fail;
    }
    if (d->n != cm->num_values) {
        rc = chunk_err(&c, SILT_ECORRUPT, (uint64_t)start + pos,
                       "pages hold more values than the column chunk metadata says%s", NULL);
        goto fail;
    }
    return 0;
fail:
    return rc;
}

/* ---------------------------------------------------------------- assembly */

static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
    if (exp == 0) {
        if (man == 0)
            bits = sign;
        else {
            int e = -1;
            do {
                e++;
                man <<= 1;
            } while (!(man & 0x400));
            bits = sign | (uint32_t)(127 - 15 - e) << 23 | (man & 0x3ff) << 13;
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | man << 13;
    } else {
        bits = sign | (exp + 127 - 15) << 23 | man << 13;
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

/* Big-endian two's complement of len bytes to a 16-byte little-endian decimal. */
static int be_to_dec16(uint8_t out[16], const uint8_t *p, size_t len)
{
    uint8_t fill = (len && (p[0] & 0x80)) ? 0xff : 0x00;
    if (len > 16) {
        for (size_t i = 0; i < len - 16; i++)
            if (p[i] != fill) return -1;
        p += len - 16;
        len = 16;
    }
    memset(out, fill, 16);
    for (size_t i = 0; i < len; i++) out[i] = p[len - 1 - i];
    return 0;
}

static void i64_to_dec16(uint8_t out[16], int64_t v)
{
    memcpy(out, &v, 8);
    memset(out + 8, v < 0 ? 0xff : 0, 8);
}

/* Converts the dense physical values of a leaf into dense silt values of width sw (BOOL: one
 * byte per value). *out is either d->fixed (identity) or a new block the caller frees. */
static int convert_dense(const pq_plan *pl, leaf_data *d, uint8_t **out, bool *owned, chunk_ctx *c)
{
    const silt_pq_schema_elem *e = pl->e;
    int64_t n = d->is_bin ? d->bin.n : d->n_values;
    int sw = pl->type == SILT_TYPE_BOOL ? 1 : silt_type_width(pl->type);
    *owned = false;
    *out = d->fixed;
    if (pl->type == SILT_TYPE_STRING || pl->type == SILT_TYPE_BINARY) return 0;
    if (pl->type == SILT_TYPE_FIXED_BINARY) return 0;
    bool identity = (sw == d->width && !d->is_bin) &&
                    !(e->type == SILT_PQ_INT64 && pl->type == SILT_TYPE_TIMESTAMP &&
                      ((e->logical_type == SILT_PQ_LT_TIMESTAMP && e->lt_unit == 1) ||
                       (e->logical_type != SILT_PQ_LT_TIMESTAMP &&
                        e->converted_type == SILT_PQ_CT_TIMESTAMP_MILLIS))) &&
                    !(e->type == SILT_PQ_INT64 && pl->type == SILT_TYPE_INT64 &&
                      e->logical_type == SILT_PQ_LT_TIME && e->lt_unit == 3) &&
                    pl->type != SILT_TYPE_DECIMAL;
    if (identity) return 0;
    size_t bytes;
    if (silt_mul_size(&bytes, (size_t)n, (size_t)sw)) return SILT_ENOMEM;
    uint8_t *dst = silt_malloc(bytes ? bytes : 1);
    if (!dst)
        return chunk_err(c, SILT_ENOMEM, d->chunk_off, "out of memory converting values%s", NULL);
    *out = dst;
    *owned = true;
    const uint8_t *src = d->fixed;
    for (int64_t i = 0; i < n; i++) {
        uint8_t *o = dst + (size_t)i * (size_t)sw;
        const uint8_t *s = src ? src + (size_t)i * (size_t)d->width : NULL;
        switch (pl->type) {
        case SILT_TYPE_INT8: o[0] = s[0]; break;
        case SILT_TYPE_INT16: memcpy(o, s, 2); break;
        case SILT_TYPE_FLOAT: {
            uint16_t h = (uint16_t)(s[0] | s[1] << 8);
            float f = half_to_float(h);
            memcpy(o, &f, 4);
            break;
        }
        case SILT_TYPE_INT64:
        case SILT_TYPE_TIMESTAMP:
        case SILT_TYPE_TIMESTAMP_NS: {
            int64_t v;
            if (e->type == SILT_PQ_INT96) {
                int64_t nanos;
                int32_t day;
                memcpy(&nanos, s, 8);
                memcpy(&day, s + 8, 4);
                v = (int64_t)((uint64_t)((int64_t)day - 2440588) * 86400000000ull +
                              (uint64_t)(nanos / 1000));
            } else if (e->type == SILT_PQ_INT32) {
                int32_t x;
                memcpy(&x, s, 4);
                v = (int64_t)x * 1000; /* TIME_MILLIS to micros */
            } else {
                memcpy(&v, s, 8);
                if (e->logical_type == SILT_PQ_LT_TIME && e->lt_unit == 3)
                    v /= 1000;
                else if (pl->type == SILT_TYPE_TIMESTAMP &&
                         e->logical_type == SILT_PQ_LT_TIMESTAMP && e->lt_unit == 1)
                    v = (int64_t)((uint64_t)v * 1000u);
                else if (pl->type == SILT_TYPE_TIMESTAMP &&
                         e->logical_type != SILT_PQ_LT_TIMESTAMP &&
                         e->converted_type == SILT_PQ_CT_TIMESTAMP_MILLIS)
                    v = (int64_t)((uint64_t)v * 1000u);
            }
            memcpy(o, &v, 8);
            break;
        }
        case SILT_TYPE_DECIMAL:
            if (e->type == SILT_PQ_INT32) {
                int32_t x;
                memcpy(&x, s, 4);
                i64_to_dec16(o, x);
            } else if (e->type == SILT_PQ_INT64) {
                int64_t x;
                memcpy(&x, s, 8);
                i64_to_dec16(o, x);
            } else {
                const uint8_t *b = d->is_bin ? d->bin.data + d->bin.offsets[i] : s;
                size_t len = d->is_bin ? (size_t)(d->bin.offsets[i + 1] - d->bin.offsets[i])
                                       : (size_t)d->width;
                if (be_to_dec16(o, b, len)) {
                    silt_free(dst);
                    *out = NULL;
                    *owned = false;
                    return chunk_err(c, SILT_ECORRUPT, d->chunk_off,
                                     "decimal value wider than 128 bits%s", NULL);
                }
            }
            break;
        default: memcpy(o, s, (size_t)sw); break;
        }
    }
    return 0;
}

static inline bool is_slot(const uint16_t *rep, const uint16_t *def, int64_t i, int r, int dl)
{
    return (!rep || rep[i] <= r) && (!def || def[i] >= dl);
}

static int assemble(silt_pq_reader *r, const pq_plan *pl, silt_column *col, leaf_data *lds,
                    silt_error *err);

static int set_validity(silt_column *col, int64_t base, const uint8_t *bits_valid, int64_t slots)
{
    /* bits_valid: one byte per slot, 1 = valid */
    int64_t nulls = 0;
    for (int64_t j = 0; j < slots; j++) nulls += !bits_valid[j];
    if (nulls == 0 && !col->validity) return 0;
    if (!col->validity) {
        int64_t nb = (col->cap_rows + 7) / 8;
        col->validity = silt_malloc((size_t)(nb ? nb : 1));
        if (!col->validity) return SILT_ENOMEM;
        memset(col->validity, 0xff, (size_t)(nb ? nb : 1));
    }
    for (int64_t j = 0; j < slots; j++) silt_bit_set(col->validity, base + j, bits_valid[j]);
    col->null_count += nulls;
    return 0;
}

static int assemble_leaf(silt_pq_reader *r, const pq_plan *pl, silt_column *col, leaf_data *d,
                         int64_t slots, silt_error *err)
{
    const pq_leaf *l = &r->leaves[pl->leaf];
    chunk_ctx c = {.r = r, .leaf = l, .err = err};
    const uint16_t *def = d->def, *rep = d->rep;
    int64_t n = d->n, nvals = d->is_bin ? d->bin.n : d->n_values;
    uint16_t mx = (uint16_t)l->max_def;
    int rc;
    uint8_t *dense = NULL;
    bool owned = false;
    uint8_t *valid = NULL;
    if ((rc = convert_dense(pl, d, &dense, &owned, &c))) return rc;
    bool flat_full = slots == n && nvals == n;
    int64_t base = col->length;
    if (pl->type == SILT_TYPE_STRING || pl->type == SILT_TYPE_BINARY) {
        if (flat_full && base == 0 && !col->offsets && !col->values) {
            /* hand the accumulated buffers to the column */
            if (!d->bin.offsets && (rc = silt_pq_bin_reserve(&d->bin, 0, 0))) goto oom;
            col->offsets = d->bin.offsets;
            col->values = d->bin.data;
            col->cap_rows = d->bin.cap - 1;
            col->cap_bytes = d->bin.data_cap;
            col->length = n;
            memset(&d->bin, 0, sizeof d->bin);
            goto done;
        }
        if ((rc = silt_column_reserve(col, slots ? slots : 1, d->bin.len ? d->bin.len : 1)))
            goto oom;
        int32_t *off = col->offsets;
        int32_t b0 = off[base];
        if (d->bin.len) memcpy(col->values + b0, d->bin.data, (size_t)d->bin.len);
        const int32_t *so = d->bin.offsets;
        valid = silt_malloc((size_t)(slots ? slots : 1));
        if (!valid) goto oom;
        int64_t row = base, k = 0, j = 0;
        for (int64_t i = 0; i < n; i++) {
            if (!is_slot(rep, def, i, pl->r_slot, pl->d_slot)) continue;
            bool v = !def || def[i] == mx;
            if (v) {
                if (k >= nvals) goto corrupt;
                off[row + 1] = b0 + so[k + 1];
                k++;
            } else {
                off[row + 1] = off[row];
            }
            valid[j++] = v;
            row++;
        }
        if (k != nvals) goto corrupt;
        col->length = row;
        if ((rc = set_validity(col, base, valid, slots))) goto oom;
        goto done;
    }
    int sw = pl->type == SILT_TYPE_BOOL           ? 1
             : pl->type == SILT_TYPE_FIXED_BINARY ? (int)col->byte_width
                                                  : silt_type_width(pl->type);
    if (pl->type != SILT_TYPE_BOOL && flat_full && base == 0 && !owned && dense &&
        pl->type != SILT_TYPE_FIXED_BINARY && !col->values && !col->validity) {
        /* the decoded values are already silt values: hand the buffer to the column */
        col->values = d->fixed;
        col->cap_rows = d->cap_values;
        col->length = n;
        d->fixed = NULL;
        d->cap_values = 0;
        goto done;
    }
    if ((rc = silt_column_reserve(col, slots, 0))) goto oom;
    if (pl->type != SILT_TYPE_BOOL && flat_full && base == 0) {
        if (n) memcpy(col->values, dense, (size_t)n * (size_t)sw);
        col->length = n;
        goto done;
    }
    valid = silt_malloc((size_t)(slots ? slots : 1));
    if (!valid) goto oom;
    int64_t row = base, k = 0, j = 0;
    for (int64_t i = 0; i < n; i++) {
        if (!is_slot(rep, def, i, pl->r_slot, pl->d_slot)) continue;
        bool v = !def || def[i] == mx;
        if (v) {
            if (k >= nvals) goto corrupt;
            if (pl->type == SILT_TYPE_BOOL)
                silt_bit_set(col->values, row, dense[k] != 0);
            else
                memcpy(col->values + (size_t)row * (size_t)sw, dense + (size_t)k * (size_t)sw,
                       (size_t)sw);
            k++;
        } else if (pl->type == SILT_TYPE_BOOL) {
            silt_bit_set(col->values, row, false);
        } else {
            memset(col->values + (size_t)row * (size_t)sw, 0, (size_t)sw);
        }
        valid[j++] = v;
        row++;
    }
    if (k != nvals) goto corrupt;
    col->length = row;
    if ((rc = set_validity(col, base, valid, slots))) goto oom;
done:
    silt_free(valid);
    if (owned) silt_free(dense);
    return 0;
corrupt:
    silt_free(valid);
    if (owned) silt_free(dense);
    return chunk_err(&c, SILT_ECORRUPT, d->chunk_off,
                     "definition levels do not match the number of values%s", NULL);
oom:
    silt_free(valid);
    if (owned) silt_free(dense);
    return chunk_err(&c, rc == SILT_ERANGE ? SILT_EUNSUPPORTED : SILT_ENOMEM, d->chunk_off, "%s",
                     rc == SILT_ERANGE ? "column holds more than 2 GiB" : "out of memory");
}

static int assemble(silt_pq_reader *r, const pq_plan *pl, silt_column *col, leaf_data *lds,
                    silt_error *err)
{
    leaf_data *d = &lds[pl->leaf];
    const uint16_t *def = d->def, *rep = d->rep;
    int64_t n = d->n, slots = 0;
    for (int64_t i = 0; i < n; i++) slots += is_slot(rep, def, i, pl->r_slot, pl->d_slot);
    if (pl->e) return assemble_leaf(r, pl, col, d, slots, err);
    chunk_ctx c = {.r = r, .leaf = &r->leaves[pl->leaf], .err = err};
    int rc = silt_column_reserve(col, slots ? slots : 1, 0);
    uint8_t *valid = silt_malloc((size_t)(slots ? slots : 1));
    if (rc || !valid) {
        silt_free(valid);
        return chunk_err(&c, SILT_ENOMEM, d->chunk_off,
                         "out of memory assembling a nested column%s", NULL);
    }
    int64_t base = col->length, row = base, j = 0;
    if (pl->type == SILT_TYPE_STRUCT) {
        for (int64_t i = 0; i < n; i++) {
            if (!is_slot(rep, def, i, pl->r_slot, pl->d_slot)) continue;
            valid[j++] = !def || def[i] >= pl->d_valid;
            row++;
        }
    } else {
        int32_t *off = col->offsets;
        int64_t elems = col->children[0].length;
        for (int64_t i = 0; i < n; i++) {
            if (is_slot(rep, def, i, pl->r_slot, pl->d_slot)) {
                if (elems > INT32_MAX) {
                    silt_free(valid);
                    return chunk_err(&c, SILT_EUNSUPPORTED, d->chunk_off,
                                     "list with more than 2^31 elements%s", NULL);
                }
                off[row] = (int32_t)elems;
                valid[j++] = !def || def[i] >= pl->d_valid;
                row++;
            }
            if (is_slot(rep, def, i, pl->r_elem, pl->d_elem)) elems++;
        }
        if (elems > INT32_MAX) {
            silt_free(valid);
            return chunk_err(&c, SILT_EUNSUPPORTED, d->chunk_off,
                             "list with more than 2^31 elements%s", NULL);
        }
        off[row] = (int32_t)elems;
    }
    col->length = row;
    rc = set_validity(col, base, valid, slots);
    silt_free(valid);
    if (rc) return chunk_err(&c, SILT_ENOMEM, d->chunk_off, "out of memory%s", NULL);
    for (size_t k = 0; k < pl->n_children; k++)
        if ((rc = assemble(r, &pl->children[k], &col->children[k], lds, err))) return rc;
    return 0;
}

/* Marks the leaves whose column chunks a plan needs. */
static void plan_leaves(const pq_plan *pl, bool *need)
{
    need[pl->leaf] = true;
    for (size_t k = 0; k < pl->n_children; k++) plan_leaves(&pl->children[k], need);
}

int silt_pq_reader_read_row_group(silt_pq_reader *r, int row_group, const int *columns,
                                  size_t n_columns, silt_batch **out, silt_error *err)
{
    *out = NULL;
    int rc = 0;
    silt_batch *b = NULL;
    leaf_data *lds = NULL;
    bool *need = NULL;
    int *cols = NULL;
    if (row_group < 0 || (size_t)row_group >= r->meta->n_row_groups) {
        silt_error_set(err, SILT_EINVAL, "row group %d does not exist (the file has %zu)",
                       row_group, r->meta->n_row_groups);
        silt_error_path(err, r->src->name);
        return SILT_EINVAL;
    }
    size_t nf = r->schema->n_fields;
    if (!columns || n_columns == 0) {
        columns = NULL;
        n_columns = nf;
    }
    cols = silt_malloc((n_columns ? n_columns : 1) * sizeof *cols);
    silt_schema *s = silt_schema_create(n_columns);
    if (!cols || !s) {
        silt_free(cols);
        silt_schema_destroy(s);
        return silt_error_set(err, SILT_ENOMEM, "out of memory reading a row group");
    }
    for (size_t i = 0; i < n_columns; i++) {
        cols[i] = columns ? columns[i] : (int)i;
        if (cols[i] < 0 || (size_t)cols[i] >= nf) {
            int bad = cols[i];
            silt_schema_destroy(s);
            silt_free(cols);
            return silt_error_set(err, SILT_EINVAL, "column index %d out of range (%zu fields)",
                                  bad, nf);
        }
        if (silt_field_copy(&s->fields[i], &r->schema->fields[cols[i]])) {
            silt_schema_destroy(s);
            silt_free(cols);
            return silt_error_set(err, SILT_ENOMEM, "out of memory reading a row group");
        }
    }
    b = silt_batch_create_owned(s);
    if (!r->lds) r->lds = silt_calloc((size_t)(r->n_leaves ? r->n_leaves : 1), sizeof *r->lds);
    lds = r->lds;
    need = silt_calloc((size_t)(r->n_leaves ? r->n_leaves : 1), sizeof *need);
    if (!b || !lds || !need) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory reading a row group");
        goto fail;
    }
    for (size_t i = 0; i < n_columns; i++) plan_leaves(&r->plans[cols[i]], need);
    for (int l = 0; l < r->n_leaves; l++)
        if (need[l] && (rc = read_chunk(r, row_group, l, &lds[l], err))) goto fail;
    int64_t want_rows = r->meta->row_groups[row_group].num_rows;
    for (size_t i = 0; i < n_columns; i++) {
        if ((rc = assemble(r, &r->plans[cols[i]], &b->cols[i], lds, err))) goto fail;
        if (b->cols[i].length != want_rows) {
            chunk_ctx c = {.r = r, .leaf = &r->leaves[r->plans[cols[i]].leaf], .err = err};
            char msg[96];
            snprintf(msg, sizeof msg, "%lld rows but the row group says %lld",
                     (long long)b->cols[i].length, (long long)want_rows);
            rc = chunk_err(&c, SILT_ECORRUPT, lds[c.leaf - r->leaves].chunk_off, "column has %s",
                           msg);
            goto fail;
        }
    }
    if ((rc = silt_batch_validate(b, err))) {
        silt_error_path(err, r->src->name);
        goto fail;
    }
    b->n_rows = want_rows;
    for (int l = 0; l < r->n_leaves; l++) leaf_data_recycle(&lds[l]);
    silt_free(need);
    silt_free(cols);
    *out = b;
    return 0;
fail:
    if (lds)
        for (int l = 0; l < r->n_leaves; l++) leaf_data_recycle(&lds[l]);
    silt_free(need);
    silt_free(cols);
    silt_batch_destroy(b);
    return rc;
}

/* ---------------------------------------------------------------- statistics */

static int days_from_civil(int64_t *out, const char *s)
{
    int y, m, d;
    char extra;
    if (sscanf(s, "%d-%d-%d%c", &y, &m, &d, &extra) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *out = era * 146097 + doe - 719468;
    return 0;
}

static int cmp3(double a, double b)
{
    return a < b ? -1 : a > b ? 1 : 0;
}

static int bytes_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    if (c) return c < 0 ? -1 : 1;
    return an < bn ? -1 : an > bn ? 1 : 0;
}

/* Decides from cmp(min, v) and cmp(max, v). */
static int decide(silt_pq_op op, int cmin, int cmax)
{
    switch (op) {
    case SILT_PQ_OP_EQ: return cmin <= 0 && cmax >= 0;
    case SILT_PQ_OP_LT: return cmin < 0;
    case SILT_PQ_OP_LE: return cmin <= 0;
    case SILT_PQ_OP_GT: return cmax > 0;
    case SILT_PQ_OP_GE: return cmax >= 0;
    default: return 1;
    }
}

int silt_pq_reader_row_group_may_match(const silt_pq_reader *r, int row_group, const char *column,
                                       silt_pq_op op, const char *value, silt_error *err)
{
    if (row_group < 0 || (size_t)row_group >= r->meta->n_row_groups)
        return silt_error_set(err, SILT_EINVAL, "row group %d does not exist (the file has %zu)",
                              row_group, r->meta->n_row_groups);
    long idx = silt_schema_find(r->schema, column);
    if (idx < 0) {
        silt_error_set(err, SILT_EINVAL, "no column '%s' in the file", column);
        silt_error_path(err, r->src->name);
        return SILT_EINVAL;
    }
    const pq_plan *pl = &r->plans[idx];
    if (!pl->e) return 1; /* nested columns: no usable statistics */
    const silt_pq_column_chunk *cc = &r->meta->row_groups[row_group].columns[pl->leaf];
    if (!cc->has_meta || !cc->meta.has_stats) return 1;
    const silt_pq_stats *st = &cc->meta.stats;
    const silt_field *f = &r->schema->fields[idx];
    if (op == SILT_PQ_OP_IS_NULL) return st->has_null_count ? st->null_count > 0 : 1;
    if (!value) return silt_error_set(err, SILT_EINVAL, "comparison without a value");
    if (st->has_null_count && st->null_count == cc->meta.num_values && cc->meta.num_values > 0)
        return 0; /* only nulls: no comparison is true */
    if (!st->has_min || !st->has_max || f->is_unsigned) return 1;
    const silt_pq_schema_elem *e = pl->e;
    char *end;
    switch (f->type) {
    case SILT_TYPE_INT8:
    case SILT_TYPE_INT16:
    case SILT_TYPE_INT32:
    case SILT_TYPE_INT64:
    case SILT_TYPE_DATE32: {
        int64_t v;
        if (f->type == SILT_TYPE_DATE32) {
            if (days_from_civil(&v, value))
                return silt_error_set(err, SILT_EINVAL, "'%s' is not a date (YYYY-MM-DD)", value);
        } else {
            v = strtoll(value, &end, 10);
            if (end == value || *end)
                return silt_error_set(err, SILT_EINVAL, "'%s' is not an integer", value);
        }
        int64_t mn, mx;
        if (e->type == SILT_PQ_INT32 && st->min.len == 4 && st->max.len == 4) {
            int32_t a, b;
            memcpy(&a, st->min.ptr, 4);
            memcpy(&b, st->max.ptr, 4);
            mn = a;
            mx = b;
        } else if (e->type == SILT_PQ_INT64 && st->min.len == 8 && st->max.len == 8) {
            memcpy(&mn, st->min.ptr, 8);
            memcpy(&mx, st->max.ptr, 8);
        } else
            return 1;
        return decide(op, mn < v ? -1 : mn > v, mx < v ? -1 : mx > v);
    }
    case SILT_TYPE_FLOAT:
    case SILT_TYPE_DOUBLE: {
        double v = strtod(value, &end);
        if (end == value || *end)
            return silt_error_set(err, SILT_EINVAL, "'%s' is not a number", value);
        double mn, mx;
        if (e->type == SILT_PQ_FLOAT && st->min.len == 4 && st->max.len == 4) {
            float a, b;
            memcpy(&a, st->min.ptr, 4);
            memcpy(&b, st->max.ptr, 4);
            mn = a;
            mx = b;
        } else if (e->type == SILT_PQ_DOUBLE && st->min.len == 8 && st->max.len == 8) {
            memcpy(&mn, st->min.ptr, 8);
            memcpy(&mx, st->max.ptr, 8);
        } else
            return 1;
        if (v != v || mn != mn || mx != mx) return 1;
        return decide(op, cmp3(mn, v), cmp3(mx, v));
    }
    case SILT_TYPE_STRING:
    case SILT_TYPE_BINARY: {
        if (st->legacy_minmax) return 1; /* old writers used signed byte order */
        const uint8_t *v = (const uint8_t *)value;
        size_t n = strlen(value);
        return decide(op, bytes_cmp(st->min.ptr, st->min.len, v, n),
                      bytes_cmp(st->max.ptr, st->max.len, v, n));
    }
    case SILT_TYPE_BOOL: {
        int v = strcmp(value, "true") == 0 ? 1 : strcmp(value, "false") == 0 ? 0 : -1;
        if (v < 0) return silt_error_set(err, SILT_EINVAL, "'%s' is not true or false", value);
        if (st->min.len != 1 || st->max.len != 1) return 1;
        int mn = st->min.ptr[0] != 0, mx = st->max.ptr[0] != 0;
        return decide(op, mn - v, mx - v);
    }
    default: return 1;
    }
}
