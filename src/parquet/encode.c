/* Parquet encoders: bit packing, RLE / bit-packed hybrid, PLAIN booleans, DELTA_BINARY_PACKED. */
#include "parquet/encode.h"

#include "parquet/thrift_enc.h"
#include "util/error.h"

#include <string.h>

int silt_pq_bitpack_u32(silt_buf *out, const uint32_t *v, size_t n, int width)
{
    size_t bytes = (n * (size_t)width + 7) / 8;
    if (silt_buf_reserve(out, bytes + 8)) return SILT_ENOMEM;
    uint8_t *p = out->ptr + out->len;
    uint64_t acc = 0;
    int nbits = 0;
    uint64_t mask = width == 32 ? 0xffffffffull : ((1ull << width) - 1);
    for (size_t i = 0; i < n; i++) {
        acc |= ((uint64_t)v[i] & mask) << nbits;
        nbits += width;
        while (nbits >= 8) {
            *p++ = (uint8_t)acc;
            acc >>= 8;
            nbits -= 8;
        }
    }
    if (nbits > 0) *p++ = (uint8_t)acc;
    out->len += bytes;
    return 0;
}

int silt_pq_bitpack_u64(silt_buf *out, const uint64_t *v, size_t n, int width)
{
    size_t bytes = (n * (size_t)width + 7) / 8;
    if (silt_buf_reserve(out, bytes + 16)) return SILT_ENOMEM;
    uint8_t *p = out->ptr + out->len;
    uint64_t acc = 0;
    int nbits = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t x = width == 64 ? v[i] : v[i] & ((1ull << width) - 1);
        int w = width;
        /* feed at most 32 bits at a time so acc (holding < 8 pending bits) never overflows */
        while (w > 0) {
            int take = w > 32 ? 32 : w;
            uint64_t part = take == 64 ? x : x & ((1ull << take) - 1);
            acc |= part << nbits;
            nbits += take;
            x = take == 64 ? 0 : x >> take;
            w -= take;
            while (nbits >= 8) {
                *p++ = (uint8_t)acc;
                acc >>= 8;
                nbits -= 8;
            }
        }
    }
    if (nbits > 0) *p++ = (uint8_t)acc;
    out->len += bytes;
    return 0;
}

/* The hybrid encoder, generic over the value type T. Bit-packed sections are made of groups
 * of 8 values and end where a run of 8 or more equal values starts at a group boundary. */
#define SILT_PQ_RLE_BODY(T, pack)                                                                  \
    size_t i = 0;                                                                                  \
    int vbytes = (width + 7) / 8;                                                                  \
    while (i < n) {                                                                                \
        size_t r = 1;                                                                              \
        while (i + r < n && v[i + r] == v[i]) r++;                                                 \
        if (r >= 8) {                                                                              \
            silt_thrift_enc_uvarint(out, (uint64_t)r << 1);                                        \
            uint32_t x = (uint32_t)v[i];                                                           \
            uint8_t le[4] = {(uint8_t)x, (uint8_t)(x >> 8), (uint8_t)(x >> 16),                    \
                             (uint8_t)(x >> 24)};                                                  \
            silt_buf_append(out, le, (size_t)vbytes);                                              \
            i += r;                                                                                \
            continue;                                                                              \
        }                                                                                          \
        size_t start = i, groups = 0;                                                              \
        while (i < n) {                                                                            \
            i += 8;                                                                                \
            groups++;                                                                              \
            if (i >= n) break;                                                                     \
            size_t k = 1;                                                                          \
            while (k < 8 && i + k < n && v[i + k] == v[i]) k++;                                    \
            if (k >= 8) break;                                                                     \
        }                                                                                          \
        if (i > n) i = n;                                                                          \
        silt_thrift_enc_uvarint(out, (uint64_t)groups << 1 | 1);                                   \
        size_t cnt = i - start;                                                                    \
        if (pack(out, v + start, cnt, width)) return SILT_ENOMEM;                                  \
        size_t pad = (groups * 8 * (size_t)width + 7) / 8 - (cnt * (size_t)width + 7) / 8;         \
        if (pad && !silt_buf_extend(out, pad)) return SILT_ENOMEM;                                 \
    }                                                                                              \
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;

static int pack_u8(silt_buf *out, const uint8_t *v, size_t n, int width)
{
    uint32_t tmp[256];
    while (n > 0) {
        size_t k = n < 256 ? n : 256;
        for (size_t j = 0; j < k; j++) tmp[j] = v[j];
        /* k is a multiple of 8 except at the very end, so the packed bits stay aligned */
        if (silt_pq_bitpack_u32(out, tmp, k, width)) return SILT_ENOMEM;
        v += k;
        n -= k;
    }
    return 0;
}

int silt_pq_rle_u8(silt_buf *out, const uint8_t *v, size_t n, int width)
{
    SILT_PQ_RLE_BODY(uint8_t, pack_u8)
}

int silt_pq_rle_u32(silt_buf *out, const uint32_t *v, size_t n, int width)
{
    SILT_PQ_RLE_BODY(uint32_t, silt_pq_bitpack_u32)
}

int silt_pq_rle_u8_prefixed(silt_buf *out, const uint8_t *v, size_t n, int width)
{
    size_t at = out->len;
    if (!silt_buf_extend(out, 4)) return SILT_ENOMEM;
    if (silt_pq_rle_u8(out, v, n, width)) return SILT_ENOMEM;
    uint32_t len = (uint32_t)(out->len - at - 4);
    uint8_t *p = out->ptr + at;
    p[0] = (uint8_t)len;
    p[1] = (uint8_t)(len >> 8);
    p[2] = (uint8_t)(len >> 16);
    p[3] = (uint8_t)(len >> 24);
    return 0;
}

int silt_pq_plain_bool(silt_buf *out, const uint8_t *v, size_t n)
{
    uint8_t *p = silt_buf_extend(out, (n + 7) / 8);
    if (!p) return SILT_ENOMEM;
    for (size_t i = 0; i < n; i++) p[i >> 3] |= (uint8_t)((v[i] & 1) << (i & 7));
    return 0;
}

#define SILT_PQ_BLOCK 128
#define SILT_PQ_MINIBLOCKS 4
#define SILT_PQ_MINI (SILT_PQ_BLOCK / SILT_PQ_MINIBLOCKS)

/* Writes the blocks of deltas d[0..n) (already wrapped to the type width, sign-extended). */
static int delta_blocks(silt_buf *out, const int64_t *d, size_t n, uint64_t mask)
{
    uint64_t packed[SILT_PQ_MINI];
    for (size_t b = 0; b < n; b += SILT_PQ_BLOCK) {
        size_t cnt = n - b < SILT_PQ_BLOCK ? n - b : SILT_PQ_BLOCK;
        int64_t min = d[b];
        for (size_t k = 1; k < cnt; k++)
            if (d[b + k] < min) min = d[b + k];
        silt_thrift_enc_uvarint(out, silt_thrift_enc_zigzag(min));
        uint8_t widths[SILT_PQ_MINIBLOCKS] = {0};
        for (int m = 0; m < SILT_PQ_MINIBLOCKS; m++) {
            size_t lo = (size_t)m * SILT_PQ_MINI;
            if (lo >= cnt) break;
            uint64_t mx = 0;
            for (size_t k = lo; k < lo + SILT_PQ_MINI && k < cnt; k++)
                mx |= ((uint64_t)d[b + k] - (uint64_t)min) & mask;
            widths[m] = (uint8_t)silt_pq_bit_width(mx);
        }
        silt_buf_append(out, widths, SILT_PQ_MINIBLOCKS);
        for (int m = 0; m < SILT_PQ_MINIBLOCKS; m++) {
            size_t lo = (size_t)m * SILT_PQ_MINI;
            if (lo >= cnt) break;
            for (size_t k = 0; k < SILT_PQ_MINI; k++)
                packed[k] = lo + k < cnt ? ((uint64_t)d[b + lo + k] - (uint64_t)min) & mask : 0;
            if (silt_pq_bitpack_u64(out, packed, SILT_PQ_MINI, widths[m])) return SILT_ENOMEM;
        }
    }
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;
}

static void delta_header(silt_buf *out, size_t n, int64_t first)
{
    silt_thrift_enc_uvarint(out, SILT_PQ_BLOCK);
    silt_thrift_enc_uvarint(out, SILT_PQ_MINIBLOCKS);
    silt_thrift_enc_uvarint(out, n);
    silt_thrift_enc_uvarint(out, silt_thrift_enc_zigzag(first));
}

int silt_pq_delta_i32(silt_buf *out, const int32_t *v, size_t n)
{
    delta_header(out, n, n ? v[0] : 0);
    int64_t d[SILT_PQ_BLOCK];
    for (size_t i = 1; i < n; i += SILT_PQ_BLOCK) {
        size_t cnt = n - i < SILT_PQ_BLOCK ? n - i : SILT_PQ_BLOCK;
        for (size_t k = 0; k < cnt; k++)
            d[k] = (int32_t)((uint32_t)v[i + k] - (uint32_t)v[i + k - 1]);
        if (delta_blocks(out, d, cnt, 0xffffffffull)) return SILT_ENOMEM;
    }
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;
}

int silt_pq_delta_i64(silt_buf *out, const int64_t *v, size_t n)
{
    delta_header(out, n, n ? v[0] : 0);
    int64_t d[SILT_PQ_BLOCK];
    for (size_t i = 1; i < n; i += SILT_PQ_BLOCK) {
        size_t cnt = n - i < SILT_PQ_BLOCK ? n - i : SILT_PQ_BLOCK;
        for (size_t k = 0; k < cnt; k++)
            d[k] = (int64_t)((uint64_t)v[i + k] - (uint64_t)v[i + k - 1]);
        if (delta_blocks(out, d, cnt, ~0ull)) return SILT_ENOMEM;
    }
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;
}
