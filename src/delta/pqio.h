/* The real data-file and checkpoint I/O of the Delta engine: the Parquet writer and reader
 * plugged into the silt_delta_file_ops seam, and Delta file statistics (numRecords, minValues,
 * maxValues, nullCount) built from the writer's column statistics per Spark's rules. */
#ifndef SILT_DELTA_PQIO_H
#define SILT_DELTA_PQIO_H

#include "delta/fileio.h"
#include "parquet/io.h"
#include "parquet/writer.h"
#include "store/store.h"

/* Options of the data files silt writes (checkpoints always use snappy). */
typedef struct silt_delta_pqio_options {
    silt_pq_codec codec; /* default zstd */
    int compression_level;
    int64_t row_group_bytes; /* default 128 MiB */
} silt_delta_pqio_options;

/* Ops backed by src/parquet, with default options (ctx = NULL). Static; never freed. */
const silt_delta_file_ops *silt_delta_parquet_ops(void);
/* Ops with the given options: *out is filled, with out->ctx pointing at opts (borrowed: keep
 * opts alive while the ops are used). */
void silt_delta_parquet_ops_with(silt_delta_file_ops *out, const silt_delta_pqio_options *opts);

/* A data file written a batch at a time and streamed to the store as its row groups are
 * encoded (never held whole in memory); the object appears, whole, only when finish succeeds. */
typedef struct silt_delta_file_writer silt_delta_file_writer;
/* opts may be NULL (defaults). schema: the file's columns (partition columns excluded),
 * borrowed. store (borrowed; must outlive the writer) and key: where the file goes. Returns 0,
 * SILT_ENOMEM, the store's error, or the Parquet writer's (a schema it cannot hold). */
int silt_delta_file_writer_open(silt_delta_file_writer **out, const silt_delta_pqio_options *opts,
                                const silt_schema *schema, silt_store *store, const char *key,
                                silt_error *err);
int silt_delta_file_writer_write(silt_delta_file_writer *w, const silt_batch *b, silt_error *err);
/* Closes the file, publishes it at its key and fills *out (path = key, size, modificationTime,
 * stats, dataChange true; partitionValues are the caller's). No more rows may be written once
 * it was called. Once it has failed the rows are gone: a further call fails with SILT_EIO (not
 * retriable), and the caller stages the rows again in a new writer. */
int silt_delta_file_writer_finish(silt_delta_file_writer *w, silt_delta_add *out, silt_error *err);
/* Aborts an unfinished file (nothing of it appears). NULL is a no-op. */
void silt_delta_file_writer_destroy(silt_delta_file_writer *w);

/* A byte-range source over one stored object, for the Parquet reader. Returns 0 and *out
 * (owned; destroy with silt_pq_source_destroy; the store is borrowed and must outlive it), or
 * the store's error (SILT_ENOTFOUND for a missing object). It lives here, where the store and
 * Parquet meet, so that neither module depends on the other. */
int silt_delta_store_source(silt_pq_source **out, silt_store *s, const char *key, silt_error *err);

/* Appends the Delta stats JSON of a closed writer to out: {"numRecords":N,"minValues":{...},
 * "maxValues":{...},"nullCount":{...}}. Strings are cut to 32 characters (max gets U+FFFD
 * appended when cut), timestamps are written to the millisecond, binary and boolean columns and
 * anything inside lists or maps have no min/max. Returns 0 or SILT_ENOMEM. */
int silt_delta_stats_json(silt_buf *out, const silt_pq_writer *w);

#endif
