/* The bronze Delta table as an ingestion sink: creates the table when asked (partitioned by
 * ingestion date), commits each micro-batch as Parquet files plus one txn action per Kafka
 * partition (appId "silt:<table>:<topic>:<partition>", version = next offset to read), and
 * refuses a commit whose partitions another worker has moved on. */
#ifndef SILT_PIPELINE_BRONZE_TABLE_H
#define SILT_PIPELINE_BRONZE_TABLE_H

#include "delta/pqio.h"
#include "pipeline/ingest.h"

typedef struct silt_bronze_table silt_bronze_table;

/* Opens the bronze table at location (a path or URL) without creating anything: a missing
 * table is created by silt_bronze_table_create_missing (e.g. once the source is known to
 * answer, so that a failed first run leaves nothing behind). opts may be NULL (zstd).
 * Returns 0, or the store's / Delta engine's error; SILT_EINVAL when the table exists with a
 * schema that is not bronze's. */
int silt_bronze_table_prepare(silt_bronze_table **out, const char *location,
                              const silt_delta_pqio_options *opts, silt_error *err);
/* Creates the table when it does not exist yet (another worker creating it first is fine).
 * *out_version: the table's current version. Returns 0 or the Delta engine's error. */
int silt_bronze_table_create_missing(silt_bronze_table *t, int64_t *out_version, silt_error *err);
/* silt_bronze_table_prepare, then silt_bronze_table_create_missing. */
int silt_bronze_table_open(silt_bronze_table **out, const char *location,
                           const silt_delta_pqio_options *opts, silt_error *err);
void silt_bronze_table_destroy(silt_bronze_table *t);
/* The sink interface of the table (borrowed; valid while t lives). */
silt_ingest_sink *silt_bronze_table_sink(silt_bronze_table *t);
/* The table's name in txn appIds (the last component of the location). */
const char *silt_bronze_table_name(const silt_bronze_table *t);

#endif
