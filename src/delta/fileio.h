/* The seam between the Delta engine and the Parquet reader/writer: data files and classic
 * checkpoints are read and written through these function pointers, so the engine does not
 * depend on the Parquet module and tests can plug in fakes. */
#ifndef SILT_DELTA_FILEIO_H
#define SILT_DELTA_FILEIO_H

#include "batch/batch.h"
#include "delta/action.h"
#include "store/store.h"
#include "util/error.h"

struct silt_delta_term; /* delta/skip.h */

/* What a filtered read may skip, and what it skipped. */
typedef struct silt_delta_read_filter {
    /* A conjunction: parts of the file (Parquet row groups) whose statistics prove that some
     * term holds for none of their rows need not be read. Terms on partition columns are
     * ignored. Rows of the parts read are not filtered. */
    const struct silt_delta_term *terms;
    size_t n_terms;
    int64_t parts_read, parts_skipped; /* added to by the reader */
    /* Dictionary-encoded string columns may come as lazy columns (silt_column.lazy), for a
     * caller that evaluates them through the dictionary and gathers what it keeps. */
    bool lazy_dict;
} silt_delta_read_filter;

typedef struct silt_delta_file_ops {
    void *ctx; /* passed to every call; owned by whoever set up the ops */
    /* Writes batch (rows of the table schema, partition columns excluded) as one data file at
     * key and fills out: path = key, size, modificationTime, stats (numRecords, minValues,
     * maxValues truncated per Spark's rules, nullCount). partitionValues and dataChange are
     * set by the caller. Returns 0 or a SILT_E* code with err set. */
    int (*write_file)(void *ctx, silt_delta_add *out, silt_store *store, const char *key,
                      const silt_batch *batch, silt_error *err);
    /* Reads every row of the data file at key as batches of `schema` (the data columns), calling
     * emit for each; emit returns 0 to go on. */
    int (*read_file)(void *ctx, silt_store *store, const char *key, const silt_schema *schema,
                     int (*emit)(void *arg, const silt_batch *b, silt_error *err), void *arg,
                     silt_error *err);
    /* Reads the classic checkpoint (or one part of a multi-part one) at key, calling emit with
     * batches of its rows: nested struct columns add, remove, metaData, protocol, txn, ...
     * (any subset, any order; they are resolved by name). */
    int (*read_checkpoint)(void *ctx, silt_store *store, const char *key,
                           int (*emit)(void *arg, const silt_batch *b, silt_error *err), void *arg,
                           silt_error *err);
    /* Writes batch (silt_delta_checkpoint_schema) as the Parquet checkpoint file at key,
     * atomically (put, not a partial file). *out_size is the file's size in bytes. */
    int (*write_checkpoint)(void *ctx, uint64_t *out_size, silt_store *store, const char *key,
                            const silt_batch *batch, silt_error *err);
    /* End of new data files' names after the uuid, as Spark names them by codec:
     * ".zstd.parquet", ".snappy.parquet", ... (NULL: ".parquet"). */
    const char *data_file_suffix;
    /* Optional (NULL: scans use read_file): read_file that skips what filter allows and counts
     * it in filter. */
    int (*read_file_filtered)(void *ctx, silt_store *store, const char *key,
                              const silt_schema *schema, silt_delta_read_filter *filter,
                              int (*emit)(void *arg, const silt_batch *b, silt_error *err),
                              void *arg, silt_error *err);
} silt_delta_file_ops;

#endif
