/* Page decompression for the Parquet reader: snappy, gzip (several members), zstd, lz4_raw and
 * the legacy Hadoop-framed LZ4, each checked to produce exactly the expected size. */
#ifndef SILT_PARQUET_DECOMPRESS_H
#define SILT_PARQUET_DECOMPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Decompresses n bytes of src compressed with codec (silt_pq_codec) into dst, which must hold
 * exactly dst_n bytes (the page's uncompressed size). Returns 0, SILT_ECORRUPT when the data is
 * malformed or does not decompress to exactly dst_n bytes, or SILT_EUNSUPPORTED for codecs
 * silt does not implement (LZO, BROTLI); err is set. */
int silt_pq_decompress(int codec, const uint8_t *src, size_t n, uint8_t *dst, size_t dst_n,
                       silt_error *err);

/* Checks, before the caller allocates dst_n bytes, that n bytes of src compressed with codec
 * can plausibly expand to dst_n (the sizes in snappy and zstd headers must agree; gzip and lz4
 * cannot exceed their maximum ratios). Returns 0 or SILT_ECORRUPT with err set. */
int silt_pq_decompress_check(int codec, const uint8_t *src, size_t n, size_t dst_n,
                             silt_error *err);

#endif
