/* Parquet writer, footer: the FileMetaData (schema elements with converted and logical types,
 * row groups, key-value metadata, column orders) and the closing length and magic. */
#include "parquet/writer_int.h"

#include <string.h>

#include "parquet/format_ids.h"
#include "version.h"

static size_t count_elements(const silt_field *f)
{
    switch (f->type) {
    case SILT_TYPE_STRUCT: {
        size_t n = 1;
        for (size_t i = 0; i < f->n_children; i++) n += count_elements(&f->children[i]);
        return n;
    }
    case SILT_TYPE_LIST: return 2 + count_elements(&f->children[0]);
    case SILT_TYPE_MAP:
        return 2 + count_elements(&f->children[0].children[0]) +
               count_elements(&f->children[0].children[1]);
    default: return 1;
    }
}

/* A group SchemaElement (struct, list, map and their repeated middles). */
static void elem_group(silt_thrift_enc *e, const char *name, int rep, int n, int converted,
                       int logical)
{
    silt_thrift_enc_struct_begin(e);
    silt_thrift_enc_field_i32(e, SILT_PQ_SE_REPETITION_TYPE, rep);
    silt_thrift_enc_field_string(e, SILT_PQ_SE_NAME, name);
    silt_thrift_enc_field_i32(e, SILT_PQ_SE_NUM_CHILDREN, n);
    if (converted >= 0) silt_thrift_enc_field_i32(e, SILT_PQ_SE_CONVERTED_TYPE, converted);
    if (logical) {
        silt_thrift_enc_field_struct(e, SILT_PQ_SE_LOGICAL_TYPE);
        silt_thrift_enc_field_struct(e, (int16_t)logical);
        silt_thrift_enc_struct_end(e);
        silt_thrift_enc_struct_end(e);
    }
    silt_thrift_enc_struct_end(e);
}

static void elem_int(silt_thrift_enc *e, int bits, bool is_signed)
{
    silt_thrift_enc_field_struct(e, SILT_PQ_LT_INTEGER);
    silt_thrift_enc_field_i8(e, SILT_PQ_INT_BIT_WIDTH, (int8_t)bits);
    silt_thrift_enc_field_bool(e, SILT_PQ_INT_IS_SIGNED, is_signed);
    silt_thrift_enc_struct_end(e);
}

/* An empty LogicalType member (STRING, DATE). */
static void elem_empty(silt_thrift_enc *e, int logical)
{
    silt_thrift_enc_field_struct(e, (int16_t)logical);
    silt_thrift_enc_struct_end(e);
}

/* The ConvertedType of a primitive field, or -1. */
static int converted_type(const silt_field *f)
{
    switch (f->type) {
    case SILT_TYPE_STRING: return SILT_PQ_CT_UTF8;
    case SILT_TYPE_INT8: return f->is_unsigned ? SILT_PQ_CT_UINT_8 : SILT_PQ_CT_INT_8;
    case SILT_TYPE_INT16: return f->is_unsigned ? SILT_PQ_CT_UINT_16 : SILT_PQ_CT_INT_16;
    case SILT_TYPE_INT32: return f->is_unsigned ? SILT_PQ_CT_UINT_32 : -1;
    case SILT_TYPE_INT64: return f->is_unsigned ? SILT_PQ_CT_UINT_64 : -1;
    case SILT_TYPE_DATE32: return SILT_PQ_CT_DATE;
    case SILT_TYPE_TIMESTAMP: return f->tz_utc ? SILT_PQ_CT_TIMESTAMP_MICROS : -1;
    case SILT_TYPE_DECIMAL: return SILT_PQ_CT_DECIMAL;
    default: return -1;
    }
}

/* The LogicalType union of a primitive field that has one. */
static void logical_type(silt_thrift_enc *e, const silt_field *f)
{
    silt_thrift_enc_field_struct(e, SILT_PQ_SE_LOGICAL_TYPE);
    switch (f->type) {
    case SILT_TYPE_STRING: elem_empty(e, SILT_PQ_LT_STRING); break;
    case SILT_TYPE_INT8: elem_int(e, 8, !f->is_unsigned); break;
    case SILT_TYPE_INT16: elem_int(e, 16, !f->is_unsigned); break;
    case SILT_TYPE_INT32: elem_int(e, 32, false); break;
    case SILT_TYPE_INT64: elem_int(e, 64, false); break;
    case SILT_TYPE_DATE32: elem_empty(e, SILT_PQ_LT_DATE); break;
    case SILT_TYPE_TIMESTAMP:
    case SILT_TYPE_TIMESTAMP_NS:
        silt_thrift_enc_field_struct(e, SILT_PQ_LT_TIMESTAMP);
        silt_thrift_enc_field_bool(e, SILT_PQ_TIME_IS_ADJUSTED_TO_UTC, f->tz_utc);
        silt_thrift_enc_field_struct(e, SILT_PQ_TIME_UNIT);
        elem_empty(e, f->type == SILT_TYPE_TIMESTAMP ? SILT_PQ_UNIT_MICROS : SILT_PQ_UNIT_NANOS);
        silt_thrift_enc_struct_end(e);
        silt_thrift_enc_struct_end(e);
        break;
    case SILT_TYPE_DECIMAL:
        silt_thrift_enc_field_struct(e, SILT_PQ_LT_DECIMAL);
        silt_thrift_enc_field_i32(e, SILT_PQ_DECIMAL_SCALE, f->scale);
        silt_thrift_enc_field_i32(e, SILT_PQ_DECIMAL_PRECISION, f->precision);
        silt_thrift_enc_struct_end(e);
        break;
    default: break;
    }
    silt_thrift_enc_struct_end(e);
}

/* The SchemaElement of a primitive field. */
static void elem_leaf(silt_thrift_enc *e, const silt_field *f, const char *name, int rep)
{
    leaf L;
    memset(&L, 0, sizeof L);
    silt_pqw_leaf_setup(&L, f, NULL);
    silt_thrift_enc_struct_begin(e);
    silt_thrift_enc_field_i32(e, SILT_PQ_SE_TYPE, L.ptype);
    if (L.ptype == SILT_PQ_FIXED_LEN_BYTE_ARRAY)
        silt_thrift_enc_field_i32(e, SILT_PQ_SE_TYPE_LENGTH, L.width);
    silt_thrift_enc_field_i32(e, SILT_PQ_SE_REPETITION_TYPE, rep);
    silt_thrift_enc_field_string(e, SILT_PQ_SE_NAME, name);
    int ct = converted_type(f);
    if (ct >= 0) silt_thrift_enc_field_i32(e, SILT_PQ_SE_CONVERTED_TYPE, ct);
    if (f->type == SILT_TYPE_DECIMAL) {
        silt_thrift_enc_field_i32(e, SILT_PQ_SE_SCALE, f->scale);
        silt_thrift_enc_field_i32(e, SILT_PQ_SE_PRECISION, f->precision);
    }
    if (ct >= 0 || f->type == SILT_TYPE_TIMESTAMP || f->type == SILT_TYPE_TIMESTAMP_NS)
        logical_type(e, f);
    silt_thrift_enc_struct_end(e);
}

/* The SchemaElements of field f, depth first, in the three-level list and map layout. */
static void write_elements(silt_thrift_enc *e, const silt_field *f, const char *name, bool optional)
{
    int rep = optional ? SILT_PQ_OPTIONAL : SILT_PQ_REQUIRED;
    switch (f->type) {
    case SILT_TYPE_STRUCT:
        elem_group(e, name, rep, (int)f->n_children, -1, 0);
        for (size_t i = 0; i < f->n_children; i++)
            write_elements(e, &f->children[i], f->children[i].name, f->children[i].nullable);
        return;
    case SILT_TYPE_LIST:
        elem_group(e, name, rep, 1, SILT_PQ_CT_LIST, SILT_PQ_LT_LIST);
        elem_group(e, "list", SILT_PQ_REPEATED, 1, -1, 0);
        write_elements(e, &f->children[0], "element", f->children[0].nullable);
        return;
    case SILT_TYPE_MAP: {
        const silt_field *kv = &f->children[0];
        elem_group(e, name, rep, 1, SILT_PQ_CT_MAP, SILT_PQ_LT_MAP);
        elem_group(e, "key_value", SILT_PQ_REPEATED, 2, -1, 0);
        write_elements(e, &kv->children[0], "key", false);
        write_elements(e, &kv->children[1], "value", kv->children[1].nullable);
        return;
    }
    default: elem_leaf(e, f, name, rep); return;
    }
}

int silt_pqw_write_footer(silt_pq_writer *w, silt_error *err)
{
    silt_buf *fb = &w->tmp;
    silt_buf_reset(fb);
    silt_thrift_enc e;
    silt_thrift_enc_init(&e, fb);
    silt_thrift_enc_struct_begin(&e);
    silt_thrift_enc_field_i32(&e, SILT_PQ_FMD_VERSION, 1);
    size_t n_el = 1;
    for (size_t i = 0; i < w->schema->n_fields; i++) n_el += count_elements(&w->schema->fields[i]);
    silt_thrift_enc_field_list(&e, SILT_PQ_FMD_SCHEMA, SILT_TC_STRUCT, n_el);
    silt_thrift_enc_struct_begin(&e);
    silt_thrift_enc_field_string(&e, SILT_PQ_SE_NAME, "schema");
    silt_thrift_enc_field_i32(&e, SILT_PQ_SE_NUM_CHILDREN, (int32_t)w->schema->n_fields);
    silt_thrift_enc_struct_end(&e);
    for (size_t i = 0; i < w->schema->n_fields; i++) {
        const silt_field *f = &w->schema->fields[i];
        write_elements(&e, f, f->name, f->nullable);
    }
    silt_thrift_enc_field_i64(&e, SILT_PQ_FMD_NUM_ROWS, w->total_rows);
    silt_thrift_enc_field_list(&e, SILT_PQ_FMD_ROW_GROUPS, SILT_TC_STRUCT, w->n_row_groups);
    silt_thrift_enc_raw(&e, w->rg_meta.ptr, w->rg_meta.len);
    if (w->opts.n_kv) {
        silt_thrift_enc_field_list(&e, SILT_PQ_FMD_KEY_VALUE_METADATA, SILT_TC_STRUCT,
                                   w->opts.n_kv);
        for (size_t i = 0; i < w->opts.n_kv; i++) {
            silt_thrift_enc_struct_begin(&e);
            silt_thrift_enc_field_string(&e, SILT_PQ_KV_KEY, w->kv_keys[i]);
            silt_thrift_enc_field_string(&e, SILT_PQ_KV_VALUE, w->kv_values[i]);
            silt_thrift_enc_struct_end(&e);
        }
    }
    silt_thrift_enc_field_string(&e, SILT_PQ_FMD_CREATED_BY,
                                 "silt version " SILT_VERSION " (build " SILT_GIT_REVISION ")");
    silt_thrift_enc_field_list(&e, SILT_PQ_FMD_COLUMN_ORDERS, SILT_TC_STRUCT, w->n_leaves);
    for (size_t i = 0; i < w->n_leaves; i++) {
        silt_thrift_enc_struct_begin(&e);
        silt_thrift_enc_field_struct(&e, SILT_PQ_CO_TYPE_ORDER);
        silt_thrift_enc_struct_end(&e);
        silt_thrift_enc_struct_end(&e);
    }
    silt_thrift_enc_struct_end(&e);
    if (silt_thrift_enc_status(&e) || silt_buf_put_u32le(fb, (uint32_t)fb->len) ||
        silt_buf_append(fb, SILT_PQ_MAGIC, 4))
        return silt_error_set(err, SILT_ENOMEM, "parquet writer: out of memory in the footer");
    return silt_pqw_sink_write(w, fb->ptr, fb->len, err);
}
