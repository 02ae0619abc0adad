/* Value and level decoders of the Parquet reader: RLE/bit-packed hybrid, legacy BIT_PACKED,
 * PLAIN, DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT.
 * Every decoder checks its input lengths and fails with SILT_ECORRUPT instead of reading past. */
#ifndef SILT_PARQUET_DECODE_H
#define SILT_PARQUET_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* RLE / bit-packed hybrid decoder over borrowed bytes. */
typedef struct silt_pq_rle {
    const uint8_t *p, *end;
    int bit_width;
    uint32_t rle_left;  /* values left in the current RLE run */
    uint32_t rle_value; /* its value */
    uint32_t bp_left;   /* values left in the current bit-packed run */
    const uint8_t *bp;  /* bit-packed data of the current run */
    uint64_t bp_bit;    /* bit position within bp */
} silt_pq_rle;

/* bit_width 0..32. Returns 0 or SILT_ECORRUPT. */
int silt_pq_rle_init(silt_pq_rle *r, const uint8_t *p, size_t n, int bit_width, silt_error *err);
/* Decodes count values. Returns 0 or SILT_ECORRUPT (data ran out or was malformed). */
int silt_pq_rle_read32(silt_pq_rle *r, uint32_t *out, size_t count, silt_error *err);
int silt_pq_rle_read16(silt_pq_rle *r, uint16_t *out, size_t count, silt_error *err);
/* Legacy BIT_PACKED levels (most significant bit first). Returns 0 or SILT_ECORRUPT. */
int silt_pq_bitpacked_msb16(uint16_t *out, size_t count, const uint8_t *p, size_t n, int bit_width,
                            silt_error *err);
/* Unpacks count LSB-first values of bit_width (0..32) bits from p, which must hold at least
 * (count * bit_width + 7) / 8 bytes. */
void silt_pq_unpack32(uint32_t *out, const uint8_t *p, size_t count, int bit_width);

/* Number of bits needed for v (0 for 0). */
int silt_pq_bit_width(uint64_t v);

/* Growing byte-array accumulator in the Arrow layout (int32 offsets + data). Owns its memory. */
typedef struct silt_pq_bin {
    int32_t *offsets; /* n + 1 entries once reserved */
    int64_t n, cap;
    uint8_t *data;
    int64_t len, data_cap;
} silt_pq_bin;

/* Ensures room for rows more values and bytes more data bytes. Returns 0, SILT_ENOMEM, or
 * SILT_ERANGE past 2 GiB of data. */
int silt_pq_bin_reserve(silt_pq_bin *b, int64_t rows, int64_t bytes);
void silt_pq_bin_free(silt_pq_bin *b);
/* PLAIN byte arrays: count values of (u32le length, bytes). *used = bytes consumed. */
int silt_pq_decode_plain_bin(silt_pq_bin *out, const uint8_t *p, size_t n, size_t count,
                             size_t *used, silt_error *err);
/* PLAIN booleans: count bits, LSB first, into one byte (0/1) per value. */
int silt_pq_decode_plain_bool(uint8_t *out, const uint8_t *p, size_t n, size_t count,
                              silt_error *err);
/* DELTA_BINARY_PACKED: decodes count values (64-bit wrapping arithmetic; for INT32 columns
 * the low 32 bits are the values). *used = bytes consumed. */
int silt_pq_decode_delta_binary(int64_t *out, size_t count, const uint8_t *p, size_t n,
                                size_t *used, silt_error *err);
/* DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY: count values appended to out. */
int silt_pq_decode_delta_length(silt_pq_bin *out, const uint8_t *p, size_t n, size_t count,
                                silt_error *err);
int silt_pq_decode_delta_byte_array(silt_pq_bin *out, const uint8_t *p, size_t n, size_t count,
                                    silt_error *err);
/* BYTE_STREAM_SPLIT: count values of width bytes; p must hold exactly count * width bytes. */
int silt_pq_decode_byte_stream_split(uint8_t *out, const uint8_t *p, size_t n, size_t count,
                                     int width, silt_error *err);

#endif
