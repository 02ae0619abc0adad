/* Parquet value and level encoders (apache/parquet-format Encodings.md): bit packing, the
 * RLE / bit-packed hybrid (levels, dictionary indices, booleans), PLAIN booleans and
 * DELTA_BINARY_PACKED integers. All append to a silt_buf (sticky out-of-memory flag). */
#ifndef SILT_PARQUET_ENCODE_H
#define SILT_PARQUET_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* Number of bits needed to represent v (0 for 0). */
static inline int silt_pq_bit_width(uint64_t v)
{
    return v ? 64 - __builtin_clzll(v) : 0;
}

/* Appends n values (n a multiple of 8 is not required: the last byte is zero-padded) of
 * `width` bits each (0..32), LSB first, as the bit-packed part of the hybrid encoding does. */
int silt_pq_bitpack_u32(silt_buf *out, const uint32_t *v, size_t n, int width);
/* Same for 64-bit values, width 0..64 (DELTA_BINARY_PACKED miniblocks). */
int silt_pq_bitpack_u64(silt_buf *out, const uint64_t *v, size_t n, int width);

/* RLE / bit-packed hybrid of n values of `width` bits (1..32), without the 4-byte length
 * prefix. Runs of 8 or more equal values become RLE runs, the rest bit-packed groups of 8
 * (the last group zero-padded). Returns 0 or SILT_ENOMEM. */
int silt_pq_rle_u8(silt_buf *out, const uint8_t *v, size_t n, int width);
int silt_pq_rle_u32(silt_buf *out, const uint32_t *v, size_t n, int width);
/* Same with the 4-byte little-endian length prefix used for levels in data page v1. */
int silt_pq_rle_u8_prefixed(silt_buf *out, const uint8_t *v, size_t n, int width);

/* PLAIN booleans: n values (each byte 0 or 1) packed 8 per byte, LSB first. */
int silt_pq_plain_bool(silt_buf *out, const uint8_t *v, size_t n);

/* DELTA_BINARY_PACKED with blocks of 128 values in 4 miniblocks of 32. Deltas wrap in the
 * width of the type (as parquet-mr computes them). Returns 0 or SILT_ENOMEM. */
int silt_pq_delta_i32(silt_buf *out, const int32_t *v, size_t n);
int silt_pq_delta_i64(silt_buf *out, const int64_t *v, size_t n);

#endif
