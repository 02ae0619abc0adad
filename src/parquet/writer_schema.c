/* Parquet writer, schema: maps a silt schema to leaf columns (the path of steps from a
 * top-level column down to each leaf, maximum levels, physical type and sort order). */
#include "parquet/writer_int.h"

#include <math.h>
#include <string.h>

#include "util/alloc.h"

static int decimal_bytes(int32_t precision)
{
    int n = 1;
    while (n < 16 && (double)(n * 8 - 1) * log10(2.0) < (double)precision) n++;
    return n;
}

typedef struct build_ctx {
    silt_pq_writer *w;
    step steps[64];
    const char *names[130];
    size_t n_steps, n_names;
    size_t top;
    silt_error *err;
} build_ctx;

int silt_pqw_leaf_setup(leaf *L, const silt_field *f, silt_error *err)
{
    L->width = 0;
    switch (f->type) {
    case SILT_TYPE_BOOL:
        L->kind = K_BOOL, L->ptype = SILT_PQ_BOOLEAN, L->order = O_BOOL, L->width = 1;
        break;
    case SILT_TYPE_INT8:
        L->kind = f->is_unsigned ? K_U8 : K_I8;
        L->ptype = SILT_PQ_INT32, L->width = 4;
        L->order = f->is_unsigned ? O_U32 : O_I32;
        break;
    case SILT_TYPE_INT16:
        L->kind = f->is_unsigned ? K_U16 : K_I16;
        L->ptype = SILT_PQ_INT32, L->width = 4;
        L->order = f->is_unsigned ? O_U32 : O_I32;
        break;
    case SILT_TYPE_INT32:
    case SILT_TYPE_DATE32:
        L->kind = K_I32, L->ptype = SILT_PQ_INT32, L->width = 4;
        L->order = f->is_unsigned && f->type == SILT_TYPE_INT32 ? O_U32 : O_I32;
        break;
    case SILT_TYPE_INT64:
    case SILT_TYPE_TIMESTAMP:
    case SILT_TYPE_TIMESTAMP_NS:
        L->kind = K_I64, L->ptype = SILT_PQ_INT64, L->width = 8;
        L->order = f->is_unsigned && f->type == SILT_TYPE_INT64 ? O_U64 : O_I64;
        break;
    case SILT_TYPE_FLOAT:
        L->kind = K_FLOAT, L->ptype = SILT_PQ_FLOAT, L->order = O_F32, L->width = 4;
        break;
    case SILT_TYPE_DOUBLE:
        L->kind = K_DOUBLE, L->ptype = SILT_PQ_DOUBLE, L->order = O_F64, L->width = 8;
        break;
    case SILT_TYPE_STRING:
    case SILT_TYPE_BINARY:
        L->kind = K_BYTES, L->ptype = SILT_PQ_BYTE_ARRAY, L->order = O_BYTES;
        break;
    case SILT_TYPE_FIXED_BINARY:
        if (f->byte_width <= 0)
            return silt_error_set(err, SILT_EINVAL,
                                  "parquet writer: fixed_binary column has byte width %d: "
                                  "give it a positive width",
                                  f->byte_width);
        L->kind = K_FIXED, L->ptype = SILT_PQ_FIXED_LEN_BYTE_ARRAY, L->order = O_BYTES;
        L->width = f->byte_width;
        break;
    case SILT_TYPE_DECIMAL:
        if (f->precision < 1 || f->precision > 38 || f->scale < 0 || f->scale > f->precision)
            return silt_error_set(err, SILT_EINVAL,
                                  "parquet writer: decimal(%d,%d) is invalid: precision must be "
                                  "1..38 and scale 0..precision",
                                  f->precision, f->scale);
        if (f->precision <= 9) {
            L->kind = K_DEC32, L->ptype = SILT_PQ_INT32, L->order = O_I32, L->width = 4;
        } else if (f->precision <= 18) {
            L->kind = K_DEC64, L->ptype = SILT_PQ_INT64, L->order = O_I64, L->width = 8;
        } else {
            L->kind = K_DECFLBA, L->ptype = SILT_PQ_FIXED_LEN_BYTE_ARRAY, L->order = O_DEC_BE;
            L->width = decimal_bytes(f->precision);
        }
        break;
    default:
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "parquet writer: type %s cannot be written to Parquet",
                              silt_type_name(f->type));
    }
    return 0;
}

static int add_leaf(build_ctx *b, const silt_field *f, uint8_t def, uint8_t rep)
{
    silt_pq_writer *w = b->w;
    leaf *L = &w->leaves[w->n_leaves];
    memset(L, 0, sizeof *L);
    w->n_leaves++;
    L->field = f;
    L->top = b->top;
    L->max_def = def;
    L->max_rep = rep;
    L->repeated = rep > 0;
    int rc = silt_pqw_leaf_setup(L, f, b->err);
    if (rc) {
        silt_error_column(b->err, f->name);
        return rc;
    }
    L->steps = silt_calloc(b->n_steps, sizeof *L->steps);
    L->names = silt_calloc(b->n_names, sizeof *L->names);
    if (!L->steps || !L->names) return SILT_ENOMEM;
    memcpy(L->steps, b->steps, b->n_steps * sizeof *L->steps);
    L->n_steps = b->n_steps;
    size_t plen = 0;
    for (size_t i = 0; i < b->n_names; i++) {
        L->names[i] = silt_strdup(b->names[i]);
        if (!L->names[i]) return SILT_ENOMEM;
        L->n_names = i + 1;
        plen += strlen(b->names[i]) + 1;
    }
    L->path = silt_malloc(plen);
    if (!L->path) return SILT_ENOMEM;
    L->path[0] = 0;
    for (size_t i = 0; i < b->n_names; i++) {
        if (i) strcat(L->path, ".");
        strcat(L->path, b->names[i]);
    }
    L->dict_mode = w->opts.dictionary && L->kind != K_BOOL;
    return 0;
}

static size_t count_leaves(const silt_field *f)
{
    if (f->type == SILT_TYPE_STRUCT || f->type == SILT_TYPE_LIST || f->type == SILT_TYPE_MAP) {
        size_t n = 0;
        for (size_t i = 0; i < f->n_children; i++) n += count_leaves(&f->children[i]);
        return n;
    }
    return 1;
}

static int build(build_ctx *b, const silt_field *f, const char *name, bool optional, uint8_t def,
                 uint8_t rep)
{
    if (b->n_steps + 1 >= 64 || b->n_names + 2 >= 130 || def > 250)
        return silt_error_set(b->err, SILT_EUNSUPPORTED,
                              "parquet writer: column %s is nested too deeply (at most 60 levels)",
                              name);
    step st = {f, optional, 0, 0};
    uint8_t d = (uint8_t)(def + optional);
    b->names[b->n_names++] = name;
    int rc = 0;
    switch (f->type) {
    case SILT_TYPE_STRUCT:
        if (f->n_children == 0) {
            rc = silt_error_set(b->err, SILT_EUNSUPPORTED,
                                "parquet writer: struct %s has no fields; Parquet cannot hold an "
                                "empty group",
                                name);
            silt_error_column(b->err, name);
            return rc;
        }
        for (size_t i = 0; i < f->n_children; i++) {
            st.child = (uint32_t)i;
            b->steps[b->n_steps++] = st;
            rc = build(b, &f->children[i], f->children[i].name, f->children[i].nullable, d, rep);
            b->n_steps--;
            if (rc) return rc;
        }
        break;
    case SILT_TYPE_LIST:
        if (f->n_children != 1)
            return silt_error_set(b->err, SILT_EINVAL,
                                  "parquet writer: list %s must have exactly one child", name);
        st.rep_level = (uint8_t)(rep + 1);
        b->steps[b->n_steps++] = st;
        b->names[b->n_names++] = "list";
        rc = build(b, &f->children[0], "element", f->children[0].nullable, (uint8_t)(d + 1),
                   (uint8_t)(rep + 1));
        b->n_names--;
        b->n_steps--;
        if (rc) return rc;
        break;
    case SILT_TYPE_MAP: {
        const silt_field *kv = f->n_children == 1 ? &f->children[0] : NULL;
        if (!kv || kv->type != SILT_TYPE_STRUCT || kv->n_children != 2)
            return silt_error_set(b->err, SILT_EINVAL,
                                  "parquet writer: map %s must have one struct child with a key "
                                  "and a value",
                                  name);
        st.rep_level = (uint8_t)(rep + 1);
        b->names[b->n_names++] = "key_value";
        for (uint32_t i = 0; i < 2; i++) {
            st.child = i;
            b->steps[b->n_steps++] = st;
            rc = build(b, &kv->children[i], i ? "value" : "key",
                       i ? kv->children[i].nullable : false, (uint8_t)(d + 1), (uint8_t)(rep + 1));
            b->n_steps--;
            if (rc) return rc;
        }
        b->n_names--;
        break;
    }
    default:
        b->steps[b->n_steps++] = st;
        rc = add_leaf(b, f, d, rep);
        b->n_steps--;
        if (rc) return rc;
        break;
    }
    b->n_names--;
    return 0;
}

int silt_pqw_build_leaves(silt_pq_writer *w, silt_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < w->schema->n_fields; i++) n += count_leaves(&w->schema->fields[i]);
    w->leaves = silt_calloc(n ? n : 1, sizeof *w->leaves);
    if (!w->leaves)
        return silt_error_set(err, SILT_ENOMEM,
                              "parquet writer: out of memory creating the writer");
    build_ctx b;
    memset(&b, 0, sizeof b);
    b.w = w;
    b.err = err;
    for (size_t i = 0; i < w->schema->n_fields; i++) {
        const silt_field *f = &w->schema->fields[i];
        b.top = i;
        if (err) err->code = 0;
        int rc = build(&b, f, f->name, f->nullable, 0, 0);
        if (rc == SILT_ENOMEM && (!err || err->code != SILT_ENOMEM))
            return silt_error_set(err, SILT_ENOMEM,
                                  "parquet writer: out of memory creating the writer");
        if (rc) return rc;
    }
    return 0;
}
