/* A pipeline's queries bound before any of its tables exists: the schema each source hands its
 * query, each table's output schema in topological order, and the checks that need schemas
 * (expectations are boolean over the output, partition and declared columns exist with their
 * types, the watermark column is a timestamp of the stream). */
#ifndef SILT_PIPELINE_BIND_H
#define SILT_PIPELINE_BIND_H

#include "batch/batch.h"
#include "pipeline/def.h"
#include "util/error.h"

typedef struct silt_pipeline_bound {
    silt_schema **schemas; /* output schema of each table, by index into def->tables (owned) */
    size_t n;
} silt_pipeline_bound;

/* The schema source s hands its query (owned, *out): bronze's for read_kafka, the upstream's
 * output (tables[upstream], borrowed) for a table, and for read_files its schema => 'DDL'
 * argument or, without one, the schema inferred from the folder's first file (by name).
 * Returns 0 or SILT_EINVAL saying what is missing. */
int silt_pipeline_source_schema(silt_schema **out, const silt_pipeline_source *s,
                                silt_schema *const *tables, silt_error *err);

/* Binds every table's bind_query in d->order. Returns 0 and *out (owned;
 * silt_pipeline_bound_destroy), or SILT_EINVAL with err naming the file, the table's line and
 * what does not bind. */
int silt_pipeline_bind(silt_pipeline_bound **out, const silt_pipeline_def *d, silt_error *err);
void silt_pipeline_bound_destroy(silt_pipeline_bound *b);

#endif
