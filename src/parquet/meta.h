/* The parsed Parquet footer (FileMetaData: schema elements, row groups, column chunks, column
 * metadata, statistics, key-value metadata) and page headers, decoded from Thrift compact bytes. */
#ifndef SILT_PARQUET_META_H
#define SILT_PARQUET_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/error.h"

/* A byte string borrowed from the parsed buffer (or the arena); not NUL-terminated. */
typedef struct silt_pq_bytes {
    const uint8_t *ptr;
    size_t len;
} silt_pq_bytes;

typedef struct silt_pq_schema_elem {
    char *name; /* NUL-terminated, in the meta arena */
    int type;   /* silt_pq_type, or -1 for a group */
    int32_t type_length;
    int repetition; /* silt_pq_repetition, -1 when absent (the root) */
    int32_t num_children;
    int converted_type; /* silt_pq_converted_type or -1 */
    int32_t scale, precision, field_id;
    int logical_type; /* silt_pq_logical_type field id, 0 when absent */
    /* LogicalType parameters */
    int32_t lt_scale, lt_precision; /* DECIMAL */
    bool lt_utc;                    /* TIME / TIMESTAMP isAdjustedToUTC */
    int lt_unit;                    /* TIME / TIMESTAMP: SILT_PQ_UNIT_* */
    int lt_bit_width;               /* INTEGER */
    bool lt_signed;                 /* INTEGER */
} silt_pq_schema_elem;

typedef struct silt_pq_stats {
    bool has_min, has_max, has_null_count, has_distinct;
    silt_pq_bytes min, max; /* min_value/max_value, else the deprecated min/max */
    bool legacy_minmax;     /* min/max came from the deprecated fields */
    int64_t null_count, distinct_count;
} silt_pq_stats;

typedef struct silt_pq_column_meta {
    int type;
    size_t n_encodings;
    int32_t *encodings;
    size_t n_path;
    char **path; /* path_in_schema */
    int codec;
    int64_t num_values;
    int64_t total_uncompressed_size, total_compressed_size;
    int64_t data_page_offset, index_page_offset, dictionary_page_offset; /* -1 when absent */
    bool has_stats;
    silt_pq_stats stats;
} silt_pq_column_meta;

typedef struct silt_pq_column_chunk {
    char *file_path; /* NULL: same file */
    int64_t file_offset;
    bool has_meta;
    silt_pq_column_meta meta;
} silt_pq_column_chunk;

typedef struct silt_pq_row_group {
    size_t n_columns;
    silt_pq_column_chunk *columns;
    int64_t total_byte_size;
    int64_t num_rows;
} silt_pq_row_group;

typedef struct silt_pq_kv {
    char *key;
    char *value; /* NULL when absent */
} silt_pq_kv;

typedef struct silt_pq_file_meta {
    int32_t version;
    size_t n_schema;
    silt_pq_schema_elem *schema; /* depth-first; [0] is the root */
    int64_t num_rows;
    size_t n_row_groups;
    silt_pq_row_group *row_groups;
    size_t n_kv;
    silt_pq_kv *kv;
    char *created_by;  /* NULL when absent */
    silt_arena *arena; /* owns every block above */
} silt_pq_file_meta;

typedef struct silt_pq_page_header {
    int type; /* silt_pq_page_type */
    int32_t uncompressed_size, compressed_size;
    bool has_crc;
    uint32_t crc;
    /* data page v1/v2 and dictionary page */
    int32_t num_values;
    int encoding;
    int def_encoding, rep_encoding; /* v1 */
    int32_t num_nulls, num_rows;    /* v2 */
    int32_t def_length, rep_length; /* v2 */
    bool is_compressed;             /* v2 (default true) */
    bool has_type_header;           /* the header for `type` was present */
} silt_pq_page_header;

/* Parses a FileMetaData from n bytes (copied into the meta's arena, so data may be freed).
 * Returns 0 and an owned *out (free with silt_pq_file_meta_destroy), or SILT_ECORRUPT /
 * SILT_ENOMEM with err set (offset = byte offset within data). */
int silt_pq_file_meta_parse(silt_pq_file_meta **out, const void *data, size_t n, silt_error *err);
void silt_pq_file_meta_destroy(silt_pq_file_meta *m);

/* Parses a page header at the start of data (n bytes available). Returns 0 with *out_len =
 * header bytes consumed, or SILT_ECORRUPT with err set (offset relative to data). */
int silt_pq_page_header_parse(silt_pq_page_header *out, size_t *out_len, const void *data, size_t n,
                              silt_error *err);

/* Names for display. Never NULL. */
const char *silt_pq_type_name(int t);
const char *silt_pq_encoding_name(int e);
const char *silt_pq_codec_name(int c);
const char *silt_pq_converted_name(int c);

#endif
