/* Thrift field ids of the Parquet footer and page headers, one enum per struct of
 * apache/parquet-format's parquet.thrift, named as there. The writer (writer_*.c) encodes with
 * them and meta.c decodes with them, so an id is written down once. The LogicalType union's
 * members are silt_pq_logical_type in format.h. */
#ifndef SILT_PARQUET_FORMAT_IDS_H
#define SILT_PARQUET_FORMAT_IDS_H

/* struct FileMetaData */
enum {
    SILT_PQ_FMD_VERSION = 1,
    SILT_PQ_FMD_SCHEMA = 2,
    SILT_PQ_FMD_NUM_ROWS = 3,
    SILT_PQ_FMD_ROW_GROUPS = 4,
    SILT_PQ_FMD_KEY_VALUE_METADATA = 5,
    SILT_PQ_FMD_CREATED_BY = 6,
    SILT_PQ_FMD_COLUMN_ORDERS = 7,
};

/* struct KeyValue */
enum {
    SILT_PQ_KV_KEY = 1,
    SILT_PQ_KV_VALUE = 2,
};

/* union ColumnOrder */
enum {
    SILT_PQ_CO_TYPE_ORDER = 1,
};

/* struct SchemaElement */
enum {
    SILT_PQ_SE_TYPE = 1,
    SILT_PQ_SE_TYPE_LENGTH = 2,
    SILT_PQ_SE_REPETITION_TYPE = 3,
    SILT_PQ_SE_NAME = 4,
    SILT_PQ_SE_NUM_CHILDREN = 5,
    SILT_PQ_SE_CONVERTED_TYPE = 6,
    SILT_PQ_SE_SCALE = 7,
    SILT_PQ_SE_PRECISION = 8,
    SILT_PQ_SE_FIELD_ID = 9,
    SILT_PQ_SE_LOGICAL_TYPE = 10,
};

/* struct DecimalType (LogicalType DECIMAL) */
enum {
    SILT_PQ_DECIMAL_SCALE = 1,
    SILT_PQ_DECIMAL_PRECISION = 2,
};

/* structs TimeType and TimestampType (LogicalType TIME, TIMESTAMP) */
enum {
    SILT_PQ_TIME_IS_ADJUSTED_TO_UTC = 1,
    SILT_PQ_TIME_UNIT = 2,
};

/* union TimeUnit (silt_pq_schema_elem.lt_unit holds one of these) */
enum {
    SILT_PQ_UNIT_MILLIS = 1,
    SILT_PQ_UNIT_MICROS = 2,
    SILT_PQ_UNIT_NANOS = 3,
};

/* struct IntType (LogicalType INTEGER) */
enum {
    SILT_PQ_INT_BIT_WIDTH = 1,
    SILT_PQ_INT_IS_SIGNED = 2,
};

/* struct RowGroup */
enum {
    SILT_PQ_RG_COLUMNS = 1,
    SILT_PQ_RG_TOTAL_BYTE_SIZE = 2,
    SILT_PQ_RG_NUM_ROWS = 3,
    SILT_PQ_RG_SORTING_COLUMNS = 4,
    SILT_PQ_RG_FILE_OFFSET = 5,
    SILT_PQ_RG_TOTAL_COMPRESSED_SIZE = 6,
    SILT_PQ_RG_ORDINAL = 7,
};

/* struct ColumnChunk */
enum {
    SILT_PQ_CC_FILE_PATH = 1,
    SILT_PQ_CC_FILE_OFFSET = 2,
    SILT_PQ_CC_META_DATA = 3,
};

/* struct ColumnMetaData */
enum {
    SILT_PQ_CMD_TYPE = 1,
    SILT_PQ_CMD_ENCODINGS = 2,
    SILT_PQ_CMD_PATH_IN_SCHEMA = 3,
    SILT_PQ_CMD_CODEC = 4,
    SILT_PQ_CMD_NUM_VALUES = 5,
    SILT_PQ_CMD_TOTAL_UNCOMPRESSED_SIZE = 6,
    SILT_PQ_CMD_TOTAL_COMPRESSED_SIZE = 7,
    SILT_PQ_CMD_KEY_VALUE_METADATA = 8,
    SILT_PQ_CMD_DATA_PAGE_OFFSET = 9,
    SILT_PQ_CMD_INDEX_PAGE_OFFSET = 10,
    SILT_PQ_CMD_DICTIONARY_PAGE_OFFSET = 11,
    SILT_PQ_CMD_STATISTICS = 12,
};

/* struct Statistics */
enum {
    SILT_PQ_STATS_MAX = 1, /* deprecated: signed order */
    SILT_PQ_STATS_MIN = 2, /* deprecated: signed order */
    SILT_PQ_STATS_NULL_COUNT = 3,
    SILT_PQ_STATS_DISTINCT_COUNT = 4,
    SILT_PQ_STATS_MAX_VALUE = 5,
    SILT_PQ_STATS_MIN_VALUE = 6,
    SILT_PQ_STATS_IS_MAX_VALUE_EXACT = 7,
    SILT_PQ_STATS_IS_MIN_VALUE_EXACT = 8,
};

/* struct PageHeader */
enum {
    SILT_PQ_PH_TYPE = 1,
    SILT_PQ_PH_UNCOMPRESSED_PAGE_SIZE = 2,
    SILT_PQ_PH_COMPRESSED_PAGE_SIZE = 3,
    SILT_PQ_PH_CRC = 4,
    SILT_PQ_PH_DATA_PAGE_HEADER = 5,
    SILT_PQ_PH_INDEX_PAGE_HEADER = 6,
    SILT_PQ_PH_DICTIONARY_PAGE_HEADER = 7,
    SILT_PQ_PH_DATA_PAGE_HEADER_V2 = 8,
};

/* struct DataPageHeader */
enum {
    SILT_PQ_DPH_NUM_VALUES = 1,
    SILT_PQ_DPH_ENCODING = 2,
    SILT_PQ_DPH_DEFINITION_LEVEL_ENCODING = 3,
    SILT_PQ_DPH_REPETITION_LEVEL_ENCODING = 4,
    SILT_PQ_DPH_STATISTICS = 5,
};

/* struct DictionaryPageHeader */
enum {
    SILT_PQ_DICT_NUM_VALUES = 1,
    SILT_PQ_DICT_ENCODING = 2,
    SILT_PQ_DICT_IS_SORTED = 3,
};

/* struct DataPageHeaderV2 */
enum {
    SILT_PQ_DPH2_NUM_VALUES = 1,
    SILT_PQ_DPH2_NUM_NULLS = 2,
    SILT_PQ_DPH2_NUM_ROWS = 3,
    SILT_PQ_DPH2_ENCODING = 4,
    SILT_PQ_DPH2_DEFINITION_LEVELS_BYTE_LENGTH = 5,
    SILT_PQ_DPH2_REPETITION_LEVELS_BYTE_LENGTH = 6,
    SILT_PQ_DPH2_IS_COMPRESSED = 7,
    SILT_PQ_DPH2_STATISTICS = 8,
};

#endif
