/* Declarations shared by delta/pqio.c (writing, the ops table) and delta/pqio_read.c
 * (reading); not part of the public interface. */
#ifndef SILT_DELTA_PQIO_INT_H
#define SILT_DELTA_PQIO_INT_H

#include "delta/fileio.h"
#include "parquet/io.h"

typedef int (*silt_delta_pqio_emit_fn)(void *arg, const silt_batch *b, silt_error *err);

/* The read_file, read_file_filtered and read_checkpoint ops of silt_delta_parquet_ops. */
int silt_delta_pq_read_file(void *ctx, silt_store *store, const char *key,
                            const silt_schema *schema, silt_delta_pqio_emit_fn emit, void *arg,
                            silt_error *err);
int silt_delta_pq_read_file_filtered(void *ctx, silt_store *store, const char *key,
                                     const silt_schema *schema, silt_delta_read_filter *filter,
                                     silt_delta_pqio_emit_fn emit, void *arg, silt_error *err);
int silt_delta_pq_read_checkpoint(void *ctx, silt_store *store, const char *key,
                                  silt_delta_pqio_emit_fn emit, void *arg, silt_error *err);

/* A Parquet sink streaming into a writer for key on store (pqio_sink.c): finish publishes the
 * object whole and stores its size in *size_out (may be NULL); destroying an unfinished sink
 * aborts the writer, so that no part of the file ever appears. Returns 0 and *out (owned), or
 * the store's error. */
int silt_delta_store_sink(silt_pq_sink **out, silt_store *store, const char *key,
                          uint64_t *size_out, silt_error *err);

#endif
