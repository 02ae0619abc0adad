/* The Parquet writer: streams column batches (src/batch) into a Parquet file through a sink,
 * with dictionary / PLAIN / DELTA_BINARY_PACKED encodings, page compression, row groups bounded
 * by size, column statistics and a footer that Spark, DuckDB and delta-rs read. */
#ifndef SILT_PARQUET_WRITER_H
#define SILT_PARQUET_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "batch/batch.h"
#include "parquet/format.h"
#include "parquet/io.h"
#include "util/error.h"

typedef struct silt_pq_writer silt_pq_writer;

typedef struct silt_pq_writer_options {
    silt_pq_codec codec;      /* default SILT_PQ_CODEC_ZSTD */
    int compression_level;    /* codec level; default 3 for zstd, 6 gzip */
    int64_t row_group_bytes;  /* target uncompressed bytes per row group, default 128 MiB */
    int64_t page_bytes;       /* target page size, default 1 MiB */
    int64_t dictionary_bytes; /* dictionary size limit per column chunk, default 1 MiB */
    bool dictionary;          /* try dictionary encoding, default true */
    bool statistics;          /* write min/max/null_count, default true */
    int stats_truncate;       /* max bytes of byte-array min/max, default 64 (0 = none) */
    bool rle_booleans;        /* RLE-encode booleans where smaller than PLAIN; default false, as
                                 Spark < 3.3's vectorized reader refuses RLE booleans in v1 pages */
    size_t n_kv;              /* footer key-value metadata: n_kv pairs (borrowed, copied) */
    const char *const *kv_keys;
    const char *const *kv_values;
} silt_pq_writer_options;

/* Statistics of one leaf column over the whole file, available after close. */
typedef struct silt_pq_column_stats {
    const char *path;        /* dotted Parquet path, e.g. "a.b" or "tags.list.element" */
    const silt_field *field; /* the leaf field (in the writer's copy of the schema) */
    bool repeated;           /* inside a list or map (Delta keeps no stats for these) */
    int64_t null_count;      /* leaf entries that are null (including null/empty parents) */
    bool has_min_max;        /* false when every value is null (or NaN) or stats are off */
    /* min (row 0) and max (row 1) as a two-row column of field->type: read them with
     * silt_column_get_int (integers, dates, timestamps; for is_unsigned fields cast the result
     * to the unsigned type of that width), silt_column_bytes (strings, binary), or the values
     * array (float, double, 16-byte little-endian decimals). Empty when !has_min_max. */
    const silt_column *min_max;
    bool min_exact; /* false when min is a truncated prefix (byte arrays) */
    bool max_exact; /* false when max was truncated and incremented */
} silt_pq_column_stats;

/* Fills out with the defaults above. */
void silt_pq_writer_options_default(silt_pq_writer_options *out);

/* Creates a writer and writes the leading magic. sink is borrowed (the caller destroys it after
 * close); schema and options (including kv strings) are copied. Returns 0 or SILT_EINVAL /
 * SILT_EUNSUPPORTED (a schema Parquet cannot hold, a bad option), SILT_ENOMEM, or the sink's
 * error. */
int silt_pq_writer_create(silt_pq_writer **out, silt_pq_sink *sink, const silt_schema *schema,
                          const silt_pq_writer_options *opts, silt_error *err);
/* Appends the rows of b (of any size; its schema must have the writer's shape). Flushes a row
 * group whenever the buffered data reaches row_group_bytes. Returns 0 or a SILT_E* code; after
 * an error the writer only accepts destroy. */
int silt_pq_writer_write(silt_pq_writer *w, const silt_batch *b, silt_error *err);
/* Flushes the last row group, writes the footer and finishes the sink. Returns 0 or a code. */
int silt_pq_writer_close(silt_pq_writer *w, silt_error *err);
/* Frees the writer (not the sink). NULL is a no-op. */
void silt_pq_writer_destroy(silt_pq_writer *w);

/* After a successful close: rows written and the file size in bytes. */
int64_t silt_pq_writer_rows(const silt_pq_writer *w);
uint64_t silt_pq_writer_file_size(const silt_pq_writer *w);
/* Number of leaf columns, and the statistics of leaf i (owned by the writer, valid until
 * destroy; available after a successful close, NULL before or when i is out of range). */
size_t silt_pq_writer_n_columns(const silt_pq_writer *w);
const silt_pq_column_stats *silt_pq_writer_column_stats(const silt_pq_writer *w, size_t i);

#endif
