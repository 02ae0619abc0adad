/* Page compression for the Parquet writer: none, snappy, gzip and zstd (with a level). */
#ifndef SILT_PARQUET_COMPRESS_H
#define SILT_PARQUET_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "parquet/format.h"
#include "util/buf.h"
#include "util/error.h"

typedef struct silt_pq_compressor silt_pq_compressor;

/* Creates a compressor for codec (UNCOMPRESSED, SNAPPY, GZIP or ZSTD) at level (ignored by
 * snappy; 0 picks the codec's default: zstd 3, gzip 6). Returns 0, SILT_EUNSUPPORTED for
 * other codecs, SILT_EINVAL for a level out of range, or SILT_ENOMEM. */
int silt_pq_compressor_create(silt_pq_compressor **out, silt_pq_codec codec, int level,
                              silt_error *err);
/* Appends the compressed form of src[0..n) to out. Returns 0 or a SILT_E* code. */
int silt_pq_compress(silt_pq_compressor *c, silt_buf *out, const uint8_t *src, size_t n,
                     silt_error *err);
/* Lower-case codec name ("zstd"), "unknown" for others. */
const char *silt_pq_compress_codec_name(silt_pq_codec codec);
void silt_pq_compressor_destroy(silt_pq_compressor *c);

#endif
