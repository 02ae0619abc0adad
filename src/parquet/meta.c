/* Parsing of the Parquet footer and page headers from the Thrift compact protocol. */
#include "parquet/meta.h"

#include "parquet/format.h"
#include "parquet/format_ids.h"
#include "parquet/thrift_dec.h"
#include "util/alloc.h"

#include <string.h>

typedef struct parser {
    silt_thrift_dec d;
    silt_arena *arena;
    bool oom;
} parser;

/* Parses one struct field (id, wire type) into obj. Returns 0 or -1. */
typedef int (*field_fn)(parser *p, void *obj, int16_t fid, int ft);

/* Reads a struct, handing each field to fn; unknown fields are skipped by fn's default. */
static int read_struct(parser *p, void *obj, field_fn fn)
{
    if (silt_thrift_struct_begin(&p->d)) return -1;
    int16_t last = 0, fid;
    int ft;
    for (;;) {
        if (silt_thrift_read_field(&p->d, &ft, &fid, &last)) return -1;
        if (ft == SILT_THRIFT_STOP) break;
        if (fn(p, obj, fid, ft)) return -1;
    }
    silt_thrift_struct_end(&p->d);
    return 0;
}

static int want(parser *p, int ft, int type)
{
    if (ft == type) return 0;
    if ((type == SILT_THRIFT_TRUE || type == SILT_THRIFT_FALSE) &&
        (ft == SILT_THRIFT_TRUE || ft == SILT_THRIFT_FALSE))
        return 0;
    return silt_thrift_fail(&p->d, "field has an unexpected wire type");
}

static int rd_i32(parser *p, int ft, int32_t *out)
{
    if (ft == SILT_THRIFT_BYTE) {
        uint8_t b;
        if (silt_thrift_read_byte(&p->d, &b)) return -1;
        *out = (int8_t)b;
        return 0;
    }
    if (ft != SILT_THRIFT_I32 && ft != SILT_THRIFT_I16 && ft != SILT_THRIFT_I64)
        return silt_thrift_fail(&p->d, "field has an unexpected wire type");
    return silt_thrift_read_i32(&p->d, out);
}

static int rd_int(parser *p, int ft, int *out)
{
    int32_t v;
    if (rd_i32(p, ft, &v)) return -1;
    *out = v;
    return 0;
}

static int rd_i64(parser *p, int ft, int64_t *out)
{
    if (ft != SILT_THRIFT_I64 && ft != SILT_THRIFT_I32 && ft != SILT_THRIFT_I16)
        return silt_thrift_fail(&p->d, "field has an unexpected wire type");
    return silt_thrift_read_i64(&p->d, out);
}

static int rd_bytes(parser *p, int ft, silt_pq_bytes *out)
{
    if (want(p, ft, SILT_THRIFT_BINARY)) return -1;
    return silt_thrift_read_binary(&p->d, &out->ptr, &out->len);
}

static int rd_str(parser *p, int ft, char **out)
{
    silt_pq_bytes b;
    if (rd_bytes(p, ft, &b)) return -1;
    *out = silt_arena_strndup(p->arena, (const char *)b.ptr, b.len);
    if (!*out) {
        p->oom = true;
        return silt_thrift_fail(&p->d, "out of memory");
    }
    return 0;
}

/* Reads a list header of structs (or any type) and allocates n elements of size sz. */
static int rd_list(parser *p, int ft, int elem_type, size_t sz, void **out, size_t *n)
{
    int et;
    if (want(p, ft, SILT_THRIFT_LIST)) return -1;
    if (silt_thrift_read_list(&p->d, &et, n)) return -1;
    if (*n && et != elem_type)
        return silt_thrift_fail(&p->d, "list has an unexpected element type");
    *out = NULL;
    if (*n) {
        *out = silt_arena_alloc(p->arena, *n * sz);
        if (!*out) {
            p->oom = true;
            return silt_thrift_fail(&p->d, "out of memory");
        }
        memset(*out, 0, *n * sz);
    }
    return 0;
}

static int parse_time_unit_field(parser *p, void *obj, int16_t fid, int ft)
{
    int *unit = obj;
    switch (fid) {
    case SILT_PQ_UNIT_MILLIS:
    case SILT_PQ_UNIT_MICROS:
    case SILT_PQ_UNIT_NANOS:
        *unit = fid;
        if (silt_thrift_skip(&p->d, ft)) return -1;
        break;
    default: return silt_thrift_skip(&p->d, ft);
    }
    return 0;
}

static int parse_time_unit(parser *p, int *unit)
{
    return read_struct(p, unit, parse_time_unit_field);
}

/* DecimalType */
static int decimal_field(parser *p, void *obj, int16_t fid, int ft)
{
    silt_pq_schema_elem *e = obj;
    switch (fid) {
    case SILT_PQ_DECIMAL_SCALE: return rd_i32(p, ft, &e->lt_scale);
    case SILT_PQ_DECIMAL_PRECISION: return rd_i32(p, ft, &e->lt_precision);
    default: return silt_thrift_skip(&p->d, ft);
    }
}

/* TimeType and TimestampType */
static int time_field(parser *p, void *obj, int16_t fid, int ft)
{
    silt_pq_schema_elem *e = obj;
    if (fid == SILT_PQ_TIME_IS_ADJUSTED_TO_UTC &&
        (ft == SILT_THRIFT_TRUE || ft == SILT_THRIFT_FALSE)) {
        e->lt_utc = silt_thrift_field_bool(ft);
        return 0;
    }
    if (fid == SILT_PQ_TIME_UNIT && ft == SILT_THRIFT_STRUCT)
        return parse_time_unit(p, &e->lt_unit);
    return silt_thrift_skip(&p->d, ft);
}

/* IntType */
static int int_field(parser *p, void *obj, int16_t fid, int ft)
{
    silt_pq_schema_elem *e = obj;
    if (fid == SILT_PQ_INT_BIT_WIDTH && ft == SILT_THRIFT_BYTE) {
        uint8_t b;
        if (silt_thrift_read_byte(&p->d, &b)) return -1;
        e->lt_bit_width = (int8_t)b;
        return 0;
    }
    if (fid == SILT_PQ_INT_IS_SIGNED && (ft == SILT_THRIFT_TRUE || ft == SILT_THRIFT_FALSE)) {
        e->lt_signed = silt_thrift_field_bool(ft);
        return 0;
    }
    return silt_thrift_skip(&p->d, ft);
}

/* The LogicalType union: the field id names the type. */
static int parse_logical_field(parser *p, void *obj, int16_t fid, int ft)
{
    silt_pq_schema_elem *e = obj;
    switch (fid) {
    case SILT_PQ_LT_DECIMAL:
    case SILT_PQ_LT_TIME:
    case SILT_PQ_LT_TIMESTAMP:
    case SILT_PQ_LT_INTEGER:
        e->logical_type = fid;
        if (want(p, ft, SILT_THRIFT_STRUCT)) return -1;
        return read_struct(p, e,
                           fid == SILT_PQ_LT_DECIMAL   ? decimal_field
                           : fid == SILT_PQ_LT_INTEGER ? int_field
                                                       : time_field);
    case SILT_PQ_LT_STRING:
    case SILT_PQ_LT_MAP:
    case SILT_PQ_LT_LIST:
    case SILT_PQ_LT_ENUM:
    case SILT_PQ_LT_DATE:
    case SILT_PQ_LT_UNKNOWN:
    case SILT_PQ_LT_JSON:
    case SILT_PQ_LT_BSON:
    case SILT_PQ_LT_UUID:
    case SILT_PQ_LT_FLOAT16: e->logical_type = fid; return silt_thrift_skip(&p->d, ft);
    default: return silt_thrift_skip(&p->d, ft);
    }
}

static int parse_logical(parser *p, silt_pq_schema_elem *e)
{
    return read_struct(p, e, parse_logical_field);
}

static int parse_schema_elem_field(parser *p, void *obj, int16_t fid, int ft)
{
    silt_pq_schema_elem *e = obj;
    switch (fid) {
    case SILT_PQ_SE_TYPE:
        if (rd_int(p, ft, &e->type)) return -1;
        break;
    case SILT_PQ_SE_TYPE_LENGTH:
        if (rd_i32(p, ft, &e->type_length)) return -1;
        break;
    case SILT_PQ_SE_REPETITION_TYPE:
        if (rd_int(p, ft, &e->repetition)) return -1;
        break;
    case SILT_PQ_SE_NAME:
        if (rd_str(p, ft, &e->name)) return -1;
        break;
    case SILT_PQ_SE_NUM_CHILDREN:
        if (rd_i32(p, ft, &e->num_children)) return -1;
        break;
    case SILT_PQ_SE_CONVERTED_TYPE:
        if (rd_int(p, ft, &e->converted_type)) return -1;
        break;
    case SILT_PQ_SE_SCALE:
        if (rd_i32(p, ft, &e->scale)) return -1;
        break;
    case SILT_PQ_SE_PRECISION:
        if (rd_i32(p, ft, &e->precision)) return -1;
        break;
    case SILT_PQ_SE_FIELD_ID:
        if (rd_i32(p, ft, &e->field_id)) return -1;
        break;
    case SILT_PQ_SE_LOGICAL_TYPE:
        if (want(p, ft, SILT_THRIFT_STRUCT) || parse_logical(p, e)) return -1;
        break;
    default: return silt_thrift_skip(&p->d, ft);
    }
    return 0;
}

static int parse_schema_elem(parser *p, silt_pq_schema_elem *e)
{
    e->type = -1;
    e->repetition = -1;
    e->converted_type = -1;
    e->field_id = -1;
    return read_struct(p, e, parse_schema_elem_field);
}

static int parse_stats(parser *p, silt_pq_stats *s)
{
    silt_pq_bytes omin = {0}, omax = {0};
    bool has_omin = false, has_omax = false;
    if (silt_thrift_struct_begin(&p->d)) return -1;
    int16_t last = 0, fid;
    int ft;
    for (;;) {
        if (silt_thrift_read_field(&p->d, &ft, &fid, &last)) return -1;
        if (ft == SILT_THRIFT_STOP) break;
        switch (fid) {
        case SILT_PQ_STATS_MAX:
            if (rd_bytes(p, ft, &omax)) return -1;
            has_omax = true;
            break;
        case SILT_PQ_STATS_MIN:
            if (rd_bytes(p, ft, &omin)) return -1;
            has_omin = true;
            break;
        case SILT_PQ_STATS_NULL_COUNT:
            if (rd_i64(p, ft, &s->null_count)) return -1;
            s->has_null_count = true;
            break;
        case SILT_PQ_STATS_DISTINCT_COUNT:
            if (rd_i64(p, ft, &s->distinct_count)) return -1;
            s->has_distinct = true;
            break;
        case SILT_PQ_STATS_MAX_VALUE:
            if (rd_bytes(p, ft, &s->max)) return -1;
            s->has_max = true;
            break;
        case SILT_PQ_STATS_MIN_VALUE:
            if (rd_bytes(p, ft, &s->min)) return -1;
            s->has_min = true;
            break;
        default:
            if (silt_thrift_skip(&p->d, ft)) return -1;
        }
    }
    silt_thrift_struct_end(&p->d);
    if (!s->has_min && !s->has_max && (has_omin || has_omax)) {
        s->legacy_minmax = true;
        s->has_min = has_omin;
        s->min = omin;
        s->has_max = has_omax;
        s->max = omax;
    }
    return 0;
}

static int parse_column_meta_field(parser *p, void *obj, int16_t fid, int ft)
{
    silt_pq_column_meta *m = obj;
    switch (fid) {
    case SILT_PQ_CMD_TYPE:
        if (rd_int(p, ft, &m->type)) return -1;
        break;
    case SILT_PQ_CMD_ENCODINGS: {
        void *arr;
        if (rd_list(p, ft, SILT_THRIFT_I32, sizeof(int32_t), &arr, &m->n_encodings)) return -1;
        m->encodings = arr;
        for (size_t i = 0; i < m->n_encodings; i++)
            if (silt_thrift_read_i32(&p->d, &m->encodings[i])) return -1;
        break;
    }
    case SILT_PQ_CMD_PATH_IN_SCHEMA: {
        void *arr;
        if (rd_list(p, ft, SILT_THRIFT_BINARY, sizeof(char *), &arr, &m->n_path)) return -1;
        m->path = arr;
        for (size_t i = 0; i < m->n_path; i++)
            if (rd_str(p, SILT_THRIFT_BINARY, &m->path[i])) return -1;
        break;
    }
    case SILT_PQ_CMD_CODEC:
        if (rd_int(p, ft, &m->codec)) return -1;
        break;
    case SILT_PQ_CMD_NUM_VALUES:
        if (rd_i64(p, ft, &m->num_values)) return -1;
        break;
    case SILT_PQ_CMD_TOTAL_UNCOMPRESSED_SIZE:
        if (rd_i64(p, ft, &m->total_uncompressed_size)) return -1;
        break;
    case SILT_PQ_CMD_TOTAL_COMPRESSED_SIZE:
        if (rd_i64(p, ft, &m->total_compressed_size)) return -1;
        break;
    case SILT_PQ_CMD_DATA_PAGE_OFFSET:
        if (rd_i64(p, ft, &m->data_page_offset)) return -1;
        break;
    case SILT_PQ_CMD_INDEX_PAGE_OFFSET:
        if (rd_i64(p, ft, &m->index_page_offset)) return -1;
        break;
    case SILT_PQ_CMD_DICTIONARY_PAGE_OFFSET:
        if (rd_i64(p, ft, &m->dictionary_page_offset)) return -1;
        break;
    case SILT_PQ_CMD_STATISTICS:
        if (want(p, ft, SILT_THRIFT_STRUCT) || parse_stats(p, &m->stats)) return -1;
        m->has_stats = true;
        break;
    default: return silt_thrift_skip(&p->d, ft);
    }
    return 0;
}

static int parse_column_meta(parser *p, silt_pq_column_meta *m)
{
    m->data_page_offset = m->index_page_offset = m->dictionary_page_offset = -1;
    return read_struct(p, m, parse_column_meta_field);
}

static int parse_column_chunk_field(parser *p, void *obj, int16_t fid, int ft)
{
    silt_pq_column_chunk *c = obj;
    switch (fid) {
    case SILT_PQ_CC_FILE_PATH:
        if (rd_str(p, ft, &c->file_path)) return -1;
        break;
    case SILT_PQ_CC_FILE_OFFSET:
        if (rd_i64(p, ft, &c->file_offset)) return -1;
        break;
    case SILT_PQ_CC_META_DATA:
        if (want(p, ft, SILT_THRIFT_STRUCT) || parse_column_meta(p, &c->meta)) return -1;
        c->has_meta = true;
        break;
    default: return silt_thrift_skip(&p->d, ft);
    }
    return 0;
}

static int parse_column_chunk(parser *p, silt_pq_column_chunk *c)
{
    return read_struct(p, c, parse_column_chunk_field);
}

static int parse_row_group_field(parser *p, void *obj, int16_t fid, int ft)
{
    silt_pq_row_group *g = obj;
    switch (fid) {
    case SILT_PQ_RG_COLUMNS: {
        void *arr;
        if (rd_list(p, ft, SILT_THRIFT_STRUCT, sizeof(silt_pq_column_chunk), &arr, &g->n_columns))
            return -1;
        g->columns = arr;
        for (size_t i = 0; i < g->n_columns; i++)
            if (parse_column_chunk(p, &g->columns[i])) return -1;
        break;
    }
    case SILT_PQ_RG_TOTAL_BYTE_SIZE:
        if (rd_i64(p, ft, &g->total_byte_size)) return -1;
        break;
    case SILT_PQ_RG_NUM_ROWS:
        if (rd_i64(p, ft, &g->num_rows)) return -1;
        break;
    default: return silt_thrift_skip(&p->d, ft);
    }
    return 0;
}

static int parse_row_group(parser *p, silt_pq_row_group *g)
{
    return read_struct(p, g, parse_row_group_field);
}

static int parse_kv_field(parser *p, void *obj, int16_t fid, int ft)
{
    silt_pq_kv *kv = obj;
    switch (fid) {
    case SILT_PQ_KV_KEY:
        if (rd_str(p, ft, &kv->key)) return -1;
        break;
    case SILT_PQ_KV_VALUE:
        if (rd_str(p, ft, &kv->value)) return -1;
        break;
    default: return silt_thrift_skip(&p->d, ft);
    }
    return 0;
}

static int parse_kv(parser *p, silt_pq_kv *kv)
{
    return read_struct(p, kv, parse_kv_field);
}

static int parse_file_meta_field(parser *p, void *obj, int16_t fid, int ft)
{
    silt_pq_file_meta *m = obj;
    switch (fid) {
    case SILT_PQ_FMD_VERSION:
        if (rd_i32(p, ft, &m->version)) return -1;
        break;
    case SILT_PQ_FMD_SCHEMA: {
        void *arr;
        if (rd_list(p, ft, SILT_THRIFT_STRUCT, sizeof(silt_pq_schema_elem), &arr, &m->n_schema))
            return -1;
        m->schema = arr;
        for (size_t i = 0; i < m->n_schema; i++)
            if (parse_schema_elem(p, &m->schema[i])) return -1;
        break;
    }
    case SILT_PQ_FMD_NUM_ROWS:
        if (rd_i64(p, ft, &m->num_rows)) return -1;
        break;
    case SILT_PQ_FMD_ROW_GROUPS: {
        void *arr;
        if (rd_list(p, ft, SILT_THRIFT_STRUCT, sizeof(silt_pq_row_group), &arr, &m->n_row_groups))
            return -1;
        m->row_groups = arr;
        for (size_t i = 0; i < m->n_row_groups; i++)
            if (parse_row_group(p, &m->row_groups[i])) return -1;
        break;
    }
    case SILT_PQ_FMD_KEY_VALUE_METADATA: {
        void *arr;
        if (rd_list(p, ft, SILT_THRIFT_STRUCT, sizeof(silt_pq_kv), &arr, &m->n_kv)) return -1;
        m->kv = arr;
        for (size_t i = 0; i < m->n_kv; i++)
            if (parse_kv(p, &m->kv[i])) return -1;
        break;
    }
    case SILT_PQ_FMD_CREATED_BY:
        if (rd_str(p, ft, &m->created_by)) return -1;
        break;
    default: return silt_thrift_skip(&p->d, ft);
    }
    return 0;
}

static int parse_file_meta(parser *p, silt_pq_file_meta *m)
{
    return read_struct(p, m, parse_file_meta_field);
}

int silt_pq_file_meta_parse(silt_pq_file_meta **out, const void *data, size_t n, silt_error *err)
{
    *out = NULL;
    silt_pq_file_meta *m = silt_calloc(1, sizeof *m);
    if (!m) return silt_error_set(err, SILT_ENOMEM, "out of memory parsing the Parquet footer");
    m->arena = silt_arena_create(n + 4096 < (1u << 20) ? n + 4096 : (1u << 20));
    uint8_t *copy = m->arena ? silt_arena_alloc(m->arena, n ? n : 1) : NULL;
    if (!copy) {
        silt_pq_file_meta_destroy(m);
        return silt_error_set(err, SILT_ENOMEM, "out of memory parsing the Parquet footer");
    }
    memcpy(copy, data, n);
    parser p = {.arena = m->arena};
    silt_thrift_dec_init(&p.d, copy, n);
    if (parse_file_meta(&p, m)) {
        int code = p.oom ? SILT_ENOMEM : SILT_ECORRUPT;
        silt_error_set(err, code, "corrupt Parquet footer: %s at footer byte %zu",
                       p.d.why ? p.d.why : "malformed Thrift", silt_thrift_dec_pos(&p.d));
        silt_error_offset(err, (int64_t)silt_thrift_dec_pos(&p.d));
        silt_pq_file_meta_destroy(m);
        return code;
    }
    *out = m;
    return 0;
}

void silt_pq_file_meta_destroy(silt_pq_file_meta *m)
{
    if (!m) return;
    silt_arena_destroy(m->arena);
    silt_free(m);
}

/* DataPageHeader (v1) */
static int data_page_field(parser *p, void *obj, int16_t fid, int ft)
{
    silt_pq_page_header *h = obj;
    switch (fid) {
    case SILT_PQ_DPH_NUM_VALUES: return rd_i32(p, ft, &h->num_values);
    case SILT_PQ_DPH_ENCODING: return rd_int(p, ft, &h->encoding);
    case SILT_PQ_DPH_DEFINITION_LEVEL_ENCODING: return rd_int(p, ft, &h->def_encoding);
    case SILT_PQ_DPH_REPETITION_LEVEL_ENCODING: return rd_int(p, ft, &h->rep_encoding);
    default: return silt_thrift_skip(&p->d, ft);
    }
}

/* DictionaryPageHeader */
static int dict_page_field(parser *p, void *obj, int16_t fid, int ft)
{
    silt_pq_page_header *h = obj;
    switch (fid) {
    case SILT_PQ_DICT_NUM_VALUES: return rd_i32(p, ft, &h->num_values);
    case SILT_PQ_DICT_ENCODING: return rd_int(p, ft, &h->encoding);
    default: return silt_thrift_skip(&p->d, ft);
    }
}

/* DataPageHeaderV2 */
static int data_page_v2_field(parser *p, void *obj, int16_t fid, int ft)
{
    silt_pq_page_header *h = obj;
    switch (fid) {
    case SILT_PQ_DPH2_NUM_VALUES: return rd_i32(p, ft, &h->num_values);
    case SILT_PQ_DPH2_NUM_NULLS: return rd_i32(p, ft, &h->num_nulls);
    case SILT_PQ_DPH2_NUM_ROWS: return rd_i32(p, ft, &h->num_rows);
    case SILT_PQ_DPH2_ENCODING: return rd_int(p, ft, &h->encoding);
    case SILT_PQ_DPH2_DEFINITION_LEVELS_BYTE_LENGTH: return rd_i32(p, ft, &h->def_length);
    case SILT_PQ_DPH2_REPETITION_LEVELS_BYTE_LENGTH: return rd_i32(p, ft, &h->rep_length);
    case SILT_PQ_DPH2_IS_COMPRESSED:
        if (ft != SILT_THRIFT_TRUE && ft != SILT_THRIFT_FALSE) return silt_thrift_skip(&p->d, ft);
        h->is_compressed = silt_thrift_field_bool(ft);
        return 0;
    default: return silt_thrift_skip(&p->d, ft);
    }
}

static int parse_page_header_field(parser *p, void *obj, int16_t fid, int ft)
{
    silt_pq_page_header *h = obj;
    switch (fid) {
    case SILT_PQ_PH_TYPE:
        if (rd_int(p, ft, &h->type)) return -1;
        break;
    case SILT_PQ_PH_UNCOMPRESSED_PAGE_SIZE:
        if (rd_i32(p, ft, &h->uncompressed_size)) return -1;
        break;
    case SILT_PQ_PH_COMPRESSED_PAGE_SIZE:
        if (rd_i32(p, ft, &h->compressed_size)) return -1;
        break;
    case SILT_PQ_PH_CRC: {
        int32_t crc;
        if (rd_i32(p, ft, &crc)) return -1;
        h->crc = (uint32_t)crc;
        h->has_crc = true;
        break;
    }
    case SILT_PQ_PH_DATA_PAGE_HEADER:
    case SILT_PQ_PH_DICTIONARY_PAGE_HEADER:
    case SILT_PQ_PH_DATA_PAGE_HEADER_V2:
        if (want(p, ft, SILT_THRIFT_STRUCT)) return -1;
        if ((fid == SILT_PQ_PH_DATA_PAGE_HEADER && h->type == SILT_PQ_PAGE_DATA) ||
            (fid == SILT_PQ_PH_DICTIONARY_PAGE_HEADER && h->type == SILT_PQ_PAGE_DICTIONARY) ||
            (fid == SILT_PQ_PH_DATA_PAGE_HEADER_V2 && h->type == SILT_PQ_PAGE_DATA_V2))
            h->has_type_header = true;
        if (read_struct(p, h,
                        fid == SILT_PQ_PH_DATA_PAGE_HEADER         ? data_page_field
                        : fid == SILT_PQ_PH_DICTIONARY_PAGE_HEADER ? dict_page_field
                                                                   : data_page_v2_field))
            return -1;
        break;
    default: return silt_thrift_skip(&p->d, ft);
    }
    return 0;
}

static int parse_page_header(parser *p, silt_pq_page_header *h)
{
    return read_struct(p, h, parse_page_header_field);
}

int silt_pq_page_header_parse(silt_pq_page_header *out, size_t *out_len, const void *data, size_t n,
                              silt_error *err)
{
    memset(out, 0, sizeof *out);
    out->is_compressed = true;
    out->type = -1;
    parser p = {0};
    silt_thrift_dec_init(&p.d, data, n);
    if (parse_page_header(&p, out)) {
        silt_error_set(err, SILT_ECORRUPT, "corrupt page header: %s",
                       p.d.why ? p.d.why : "malformed Thrift");
        silt_error_offset(err, (int64_t)silt_thrift_dec_pos(&p.d));
        return SILT_ECORRUPT;
    }
    *out_len = silt_thrift_dec_pos(&p.d);
    return 0;
}

const char *silt_pq_type_name(int t)
{
    static const char *names[] = {"BOOLEAN", "INT32",  "INT64",      "INT96",
                                  "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
    return t >= 0 && t < 8 ? names[t] : t == -1 ? "group" : "UNKNOWN";
}

const char *silt_pq_encoding_name(int e)
{
    static const char *names[] = {
        "PLAIN",          "GROUP_VAR_INT",       "PLAIN_DICTIONARY",        "RLE",
        "BIT_PACKED",     "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
        "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"};
    return e >= 0 && e < 10 ? names[e] : "UNKNOWN";
}

const char *silt_pq_codec_name(int c)
{
    static const char *names[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
                                  "BROTLI",       "LZ4",    "ZSTD", "LZ4_RAW"};
    return c >= 0 && c < 8 ? names[c] : "UNKNOWN";
}

const char *silt_pq_converted_name(int c)
{
    static const char *names[] = {"UTF8",
                                  "MAP",
                                  "MAP_KEY_VALUE",
                                  "LIST",
                                  "ENUM",
                                  "DECIMAL",
                                  "DATE",
                                  "TIME_MILLIS",
                                  "TIME_MICROS",
                                  "TIMESTAMP_MILLIS",
                                  "TIMESTAMP_MICROS",
                                  "UINT_8",
                                  "UINT_16",
                                  "UINT_32",
                                  "UINT_64",
                                  "INT_8",
                                  "INT_16",
                                  "INT_32",
                                  "INT_64",
                                  "JSON",
                                  "BSON",
                                  "INTERVAL"};
    return c >= 0 && c < 22 ? names[c] : "NONE";
}
