/* Constants of the Parquet format (apache/parquet-format parquet.thrift), shared by the writer
 * and the reader. */
#ifndef SILT_PARQUET_FORMAT_H
#define SILT_PARQUET_FORMAT_H

/* 4-byte magic at both ends of a file. */
#define SILT_PQ_MAGIC "PAR1"

typedef enum {
    SILT_PQ_BOOLEAN = 0,
    SILT_PQ_INT32 = 1,
    SILT_PQ_INT64 = 2,
    SILT_PQ_INT96 = 3,
    SILT_PQ_FLOAT = 4,
    SILT_PQ_DOUBLE = 5,
    SILT_PQ_BYTE_ARRAY = 6,
    SILT_PQ_FIXED_LEN_BYTE_ARRAY = 7,
} silt_pq_type;

typedef enum {
    SILT_PQ_CT_UTF8 = 0,
    SILT_PQ_CT_MAP = 1,
    SILT_PQ_CT_MAP_KEY_VALUE = 2,
    SILT_PQ_CT_LIST = 3,
    SILT_PQ_CT_ENUM = 4,
    SILT_PQ_CT_DECIMAL = 5,
    SILT_PQ_CT_DATE = 6,
    SILT_PQ_CT_TIME_MILLIS = 7,
    SILT_PQ_CT_TIME_MICROS = 8,
    SILT_PQ_CT_TIMESTAMP_MILLIS = 9,
    SILT_PQ_CT_TIMESTAMP_MICROS = 10,
    SILT_PQ_CT_UINT_8 = 11,
    SILT_PQ_CT_UINT_16 = 12,
    SILT_PQ_CT_UINT_32 = 13,
    SILT_PQ_CT_UINT_64 = 14,
    SILT_PQ_CT_INT_8 = 15,
    SILT_PQ_CT_INT_16 = 16,
    SILT_PQ_CT_INT_32 = 17,
    SILT_PQ_CT_INT_64 = 18,
    SILT_PQ_CT_JSON = 19,
    SILT_PQ_CT_BSON = 20,
    SILT_PQ_CT_INTERVAL = 21,
} silt_pq_converted_type;

typedef enum {
    SILT_PQ_REQUIRED = 0,
    SILT_PQ_OPTIONAL = 1,
    SILT_PQ_REPEATED = 2,
} silt_pq_repetition;

typedef enum {
    SILT_PQ_ENC_PLAIN = 0,
    SILT_PQ_ENC_PLAIN_DICTIONARY = 2,
    SILT_PQ_ENC_RLE = 3,
    SILT_PQ_ENC_BIT_PACKED = 4,
    SILT_PQ_ENC_DELTA_BINARY_PACKED = 5,
    SILT_PQ_ENC_DELTA_LENGTH_BYTE_ARRAY = 6,
    SILT_PQ_ENC_DELTA_BYTE_ARRAY = 7,
    SILT_PQ_ENC_RLE_DICTIONARY = 8,
    SILT_PQ_ENC_BYTE_STREAM_SPLIT = 9,
} silt_pq_encoding;

typedef enum {
    SILT_PQ_CODEC_UNCOMPRESSED = 0,
    SILT_PQ_CODEC_SNAPPY = 1,
    SILT_PQ_CODEC_GZIP = 2,
    SILT_PQ_CODEC_LZO = 3,
    SILT_PQ_CODEC_BROTLI = 4,
    SILT_PQ_CODEC_LZ4 = 5,
    SILT_PQ_CODEC_ZSTD = 6,
    SILT_PQ_CODEC_LZ4_RAW = 7,
} silt_pq_codec;

typedef enum {
    SILT_PQ_PAGE_DATA = 0,
    SILT_PQ_PAGE_INDEX = 1,
    SILT_PQ_PAGE_DICTIONARY = 2,
    SILT_PQ_PAGE_DATA_V2 = 3,
} silt_pq_page_type;

/* Field ids of the LogicalType union. */
typedef enum {
    SILT_PQ_LT_STRING = 1,
    SILT_PQ_LT_MAP = 2,
    SILT_PQ_LT_LIST = 3,
    SILT_PQ_LT_ENUM = 4,
    SILT_PQ_LT_DECIMAL = 5,
    SILT_PQ_LT_DATE = 6,
    SILT_PQ_LT_TIME = 7,
    SILT_PQ_LT_TIMESTAMP = 8,
    SILT_PQ_LT_INTEGER = 10,
    SILT_PQ_LT_UNKNOWN = 11,
    SILT_PQ_LT_JSON = 12,
    SILT_PQ_LT_BSON = 13,
    SILT_PQ_LT_UUID = 14,
    SILT_PQ_LT_FLOAT16 = 15,
} silt_pq_logical_type;

#endif
