/* Parquet encodings (apache/parquet-format Encodings.md), decoded with bounds checks. */
#include "parquet/decode.h"

#include "util/alloc.h"
#include "util/hot.h"

#include <string.h>

static int corrupt(silt_error *err, const char *what)
{
    return silt_error_set(err, SILT_ECORRUPT, "%s", what);
}

int silt_pq_bit_width(uint64_t v)
{
    int w = 0;
    while (v) {
        w++;
        v >>= 1;
    }
    return w;
}

static int read_uvarint(const uint8_t **pp, const uint8_t *end, uint64_t *out)
{
    const uint8_t *p = *pp;
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (p >= end) return -1;
        uint8_t b = *p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            *pp = p;
            return 0;
        }
    }
    return -1;
}

int silt_pq_rle_init(silt_pq_rle *r, const uint8_t *p, size_t n, int bit_width, silt_error *err)
{
    memset(r, 0, sizeof *r);
    if (bit_width < 0 || bit_width > 32) return corrupt(err, "RLE bit width above 32");
    r->p = p;
    r->end = p + n;
    r->bit_width = bit_width;
    return 0;
}

/* Unpacks count LSB-first values of bw bits starting at bit `bit` of p (avail bytes). */
SILT_HOT static void unpack_bits(uint32_t *out, const uint8_t *p, size_t avail, uint64_t bit,
                                 size_t count, int bw)
{
    if (bw == 0) {
        memset(out, 0, count * sizeof *out);
        return;
    }
    uint64_t mask = (bw == 32) ? 0xffffffffu : ((1u << bw) - 1);
    size_t i = 0;
    /* groups of 8 values starting on a byte (bit-packed runs are made of such groups): the
     * 8 loads of a group are independent, and the last one stays inside the buffer */
    while (i + 8 <= count && !(bit & 7) && (bit >> 3) + (size_t)bw + 8 <= avail) {
        const uint8_t *q = p + (bit >> 3);
        for (int j = 0; j < 8; j++) {
            uint64_t w;
            unsigned at = (unsigned)(j * bw);
            memcpy(&w, q + (at >> 3), 8);
            out[i + (size_t)j] = (uint32_t)((w >> (at & 7)) & mask);
        }
        i += 8;
        bit += 8 * (uint64_t)bw;
    }
    /* fast path: an 8-byte load stays inside the buffer */
    while (i < count && (bit >> 3) + 8 <= avail) {
        uint64_t w;
        memcpy(&w, p + (bit >> 3), 8);
        out[i++] = (uint32_t)((w >> (bit & 7)) & mask);
        bit += (uint64_t)bw;
    }
    for (; i < count; i++) {
        uint64_t w = 0;
        size_t at = (size_t)(bit >> 3);
        for (size_t k = 0; k < 8 && at + k < avail; k++) w |= (uint64_t)p[at + k] << (8 * k);
        out[i] = (uint32_t)((w >> (bit & 7)) & mask);
        bit += (uint64_t)bw;
    }
}

void silt_pq_unpack32(uint32_t *out, const uint8_t *p, size_t count, int bw)
{
    unpack_bits(out, p, (count * (size_t)bw + 7) / 8, 0, count, bw);
}

/* Loads the next run header. */
static int rle_next(silt_pq_rle *r, silt_error *err)
{
    uint64_t h;
    if (read_uvarint(&r->p, r->end, &h)) return corrupt(err, "truncated RLE run header");
    if (h & 1) {
        uint64_t groups = h >> 1;
        uint64_t bytes = groups * (uint64_t)r->bit_width;
        if (groups == 0 || groups > (1u << 28)) return corrupt(err, "bad bit-packed run length");
        size_t avail = (size_t)(r->end - r->p);
        uint64_t values = groups * 8;
        if (bytes > avail) {
            /* a final run may be cut short: keep only the values fully present */
            values = r->bit_width ? (uint64_t)avail * 8 / (uint64_t)r->bit_width : values;
            bytes = avail;
            if (values == 0) return corrupt(err, "truncated bit-packed run");
        }
        r->bp = r->p;
        r->bp_bit = 0;
        r->bp_left = (uint32_t)values;
        r->p += bytes;
    } else {
        uint64_t count = h >> 1;
        if (count == 0 || count > UINT32_MAX) return corrupt(err, "bad RLE run length");
        int nb = (r->bit_width + 7) / 8;
        if (r->end - r->p < nb) return corrupt(err, "truncated RLE run value");
        uint32_t v = 0;
        for (int k = 0; k < nb; k++) v |= (uint32_t)r->p[k] << (8 * k);
        r->p += nb;
        r->rle_left = (uint32_t)count;
        r->rle_value = v;
    }
    return 0;
}

SILT_HOT int silt_pq_rle_read32(silt_pq_rle *r, uint32_t *out, size_t count, silt_error *err)
{
    while (count) {
        if (r->rle_left) {
            size_t k = r->rle_left < count ? r->rle_left : count;
            uint32_t v = r->rle_value;
            for (size_t i = 0; i < k; i++) out[i] = v;
            out += k;
            count -= k;
            r->rle_left -= (uint32_t)k;
        } else if (r->bp_left) {
            size_t k = r->bp_left < count ? r->bp_left : count;
            unpack_bits(out, r->bp, (size_t)(r->p - r->bp), r->bp_bit, k, r->bit_width);
            r->bp_bit += (uint64_t)k * (uint64_t)r->bit_width;
            r->bp_left -= (uint32_t)k;
            out += k;
            count -= k;
        } else {
            if (r->p >= r->end) return corrupt(err, "RLE data ends before all values were read");
            if (rle_next(r, err)) return SILT_ECORRUPT;
        }
    }
    return 0;
}

int silt_pq_rle_read16(silt_pq_rle *r, uint16_t *out, size_t count, silt_error *err)
{
    uint32_t tmp[256];
    while (count) {
        if (r->rle_left) {
            size_t k = r->rle_left < count ? r->rle_left : count;
            uint16_t v = (uint16_t)r->rle_value;
            for (size_t i = 0; i < k; i++) out[i] = v;
            out += k;
            count -= k;
            r->rle_left -= (uint32_t)k;
            continue;
        }
        size_t k = count < 256 ? count : 256;
        if (!r->bp_left) {
            if (r->p >= r->end) return corrupt(err, "level data ends before all values were read");
            if (rle_next(r, err)) return SILT_ECORRUPT;
            continue;
        }
        if (k > r->bp_left) k = r->bp_left;
        if (silt_pq_rle_read32(r, tmp, k, err)) return SILT_ECORRUPT;
        for (size_t i = 0; i < k; i++) out[i] = (uint16_t)tmp[i];
        out += k;
        count -= k;
    }
    return 0;
}

int silt_pq_bitpacked_msb16(uint16_t *out, size_t count, const uint8_t *p, size_t n, int bw,
                            silt_error *err)
{
    if (bw < 0 || bw > 16) return corrupt(err, "BIT_PACKED level width above 16");
    if ((uint64_t)count * (uint64_t)bw > (uint64_t)n * 8)
        return corrupt(err, "BIT_PACKED levels are truncated");
    uint64_t bit = 0;
    for (size_t i = 0; i < count; i++) {
        uint32_t v = 0;
        for (int k = 0; k < bw; k++, bit++) v = (v << 1) | ((p[bit >> 3] >> (7 - (bit & 7))) & 1);
        out[i] = (uint16_t)v;
    }
    return 0;
}

int silt_pq_bin_reserve(silt_pq_bin *b, int64_t rows, int64_t bytes)
{
    if (rows < 0 || bytes < 0) return SILT_ERANGE;
    if (b->n + rows + 1 > b->cap) {
        int64_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + rows + 1) cap *= 2;
        int32_t *o = silt_realloc(b->offsets, (size_t)cap * sizeof *o);
        if (!o) return SILT_ENOMEM;
        if (!b->offsets) o[0] = 0;
        b->offsets = o;
        b->cap = cap;
    }
    if (b->len + bytes > INT32_MAX) return SILT_ERANGE;
    if (b->len + bytes > b->data_cap || !b->data) {
        int64_t cap = b->data_cap ? b->data_cap : 256;
        while (cap < b->len + bytes) cap *= 2;
        if (cap > INT32_MAX) cap = INT32_MAX;
        uint8_t *d = silt_realloc(b->data, (size_t)cap);
        if (!d) return SILT_ENOMEM;
        b->data = d;
        b->data_cap = cap;
    }
    return 0;
}

void silt_pq_bin_free(silt_pq_bin *b)
{
    silt_free(b->offsets);
    silt_free(b->data);
    memset(b, 0, sizeof *b);
}

static int bin_fail(silt_error *err, int rc)
{
    if (rc == SILT_ERANGE)
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "byte-array column chunk holds more than 2 GiB of data");
    return silt_error_set(err, SILT_ENOMEM, "out of memory decoding byte arrays");
}

int silt_pq_decode_plain_bin(silt_pq_bin *out, const uint8_t *p, size_t n, size_t count,
                             size_t *used, silt_error *err)
{
    /* each value takes at least 4 bytes: bound the count first, then the data */
    if (count > n / 4) return corrupt(err, "PLAIN byte arrays: more values than bytes");
    int rc = silt_pq_bin_reserve(out, (int64_t)count, (int64_t)(n - count * 4));
    if (rc) return bin_fail(err, rc);
    size_t pos = 0;
    int32_t *offs = out->offsets;
    int64_t len = out->len, k = out->n;
    uint8_t *data = out->data;
    for (size_t i = 0; i < count; i++) {
        if (n - pos < 4) return corrupt(err, "PLAIN byte array length is truncated");
        uint32_t l;
        memcpy(&l, p + pos, 4);
        pos += 4;
        if (l > n - pos) return corrupt(err, "PLAIN byte array runs past the page");
        memcpy(data + len, p + pos, l);
        pos += l;
        len += l;
        offs[++k] = (int32_t)len;
    }
    out->len = len;
    out->n = k;
    *used = pos;
    return 0;
}

int silt_pq_decode_plain_bool(uint8_t *out, const uint8_t *p, size_t n, size_t count,
                              silt_error *err)
{
    if ((count + 7) / 8 > n) return corrupt(err, "PLAIN booleans are truncated");
    for (size_t i = 0; i < count; i++) out[i] = (p[i >> 3] >> (i & 7)) & 1;
    return 0;
}

static uint64_t get_bits64(const uint8_t *p, uint64_t bit, int bw)
{
    /* caller guarantees the bits exist; reads byte by byte */
    uint64_t v = 0;
    int got = 0;
    size_t at = (size_t)(bit >> 3);
    int sh = (int)(bit & 7);
    uint64_t first = p[at] >> sh;
    v = first;
    got = 8 - sh;
    at++;
    while (got < bw) {
        v |= (uint64_t)p[at++] << got;
        got += 8;
    }
    if (bw < 64) v &= ((uint64_t)1 << bw) - 1;
    return v;
}

int silt_pq_decode_delta_binary(int64_t *out, size_t count, const uint8_t *p, size_t n,
                                size_t *used, silt_error *err)
{
    const uint8_t *q = p, *end = p + n;
    uint64_t block, mini, total, zz;
    if (read_uvarint(&q, end, &block) || read_uvarint(&q, end, &mini) ||
        read_uvarint(&q, end, &total) || read_uvarint(&q, end, &zz))
        return corrupt(err, "truncated DELTA_BINARY_PACKED header");
    if (block == 0 || block % 128 || mini == 0 || block % mini || (block / mini) % 32 ||
        block > (1u << 20))
        return corrupt(err, "bad DELTA_BINARY_PACKED block layout");
    if (total < count) return corrupt(err, "DELTA_BINARY_PACKED holds fewer values than needed");
    uint64_t per_mini = block / mini;
    uint64_t value = (zz >> 1) ^ (~(zz & 1) + 1);
    size_t k = 0;
    if (count > 0) out[k++] = (int64_t)value;
    uint64_t remaining = total ? total - 1 : 0;
    while (remaining > 0) {
        uint64_t mzz;
        if (read_uvarint(&q, end, &mzz)) return corrupt(err, "truncated DELTA_BINARY_PACKED block");
        uint64_t min_delta = (mzz >> 1) ^ (~(mzz & 1) + 1);
        if ((uint64_t)(end - q) < mini) return corrupt(err, "truncated DELTA_BINARY_PACKED widths");
        const uint8_t *widths = q;
        q += mini;
        for (uint64_t m = 0; m < mini && remaining > 0; m++) {
            int bw = widths[m];
            if (bw > 64) return corrupt(err, "DELTA_BINARY_PACKED bit width above 64");
            uint64_t bytes = per_mini * (uint64_t)bw / 8;
            if (bytes > (uint64_t)(end - q))
                return corrupt(err, "truncated DELTA_BINARY_PACKED miniblock");
            uint64_t take = remaining < per_mini ? remaining : per_mini;
            /* values past `count` are only skipped over, to find where the stream ends */
            uint64_t want = k < count ? count - k : 0;
            if (want > take) want = take;
            for (uint64_t i = 0; i < want; i++) {
                uint64_t d = bw ? get_bits64(q, i * (uint64_t)bw, bw) : 0;
                value += min_delta + d;
                out[k++] = (int64_t)value;
            }
            remaining -= take;
            q += bytes;
        }
    }
    *used = (size_t)(q - p);
    return 0;
}

static int delta_lengths(int64_t **lens, size_t count, const uint8_t *p, size_t n, size_t *used,
                         silt_error *err)
{
    if ((uint64_t)count > (uint64_t)n * 256 + 1024)
        return corrupt(err, "DELTA lengths: more values than the page holds");
    *lens = silt_malloc((count ? count : 1) * sizeof **lens);
    if (!*lens) return silt_error_set(err, SILT_ENOMEM, "out of memory decoding DELTA lengths");
    int rc = silt_pq_decode_delta_binary(*lens, count, p, n, used, err);
    if (rc) {
        silt_free(*lens);
        *lens = NULL;
    }
    return rc;
}

int silt_pq_decode_delta_length(silt_pq_bin *out, const uint8_t *p, size_t n, size_t count,
                                silt_error *err)
{
    int64_t *lens;
    size_t used;
    int rc = delta_lengths(&lens, count, p, n, &used, err);
    if (rc) return rc;
    uint64_t total = 0;
    for (size_t i = 0; i < count; i++) {
        if (lens[i] < 0 || (uint64_t)lens[i] > n) {
            rc = corrupt(err, "DELTA_LENGTH_BYTE_ARRAY: bad length");
            goto done;
        }
        total += (uint64_t)lens[i];
    }
    if (total > n - used) {
        rc = corrupt(err, "DELTA_LENGTH_BYTE_ARRAY: data shorter than the lengths");
        goto done;
    }
    rc = silt_pq_bin_reserve(out, (int64_t)count, (int64_t)total);
    if (rc) {
        rc = bin_fail(err, rc);
        goto done;
    }
    const uint8_t *d = p + used;
    for (size_t i = 0; i < count; i++) {
        memcpy(out->data + out->len, d, (size_t)lens[i]);
        out->len += lens[i];
        d += lens[i];
        out->offsets[++out->n] = (int32_t)out->len;
    }
done:
    silt_free(lens);
    return rc;
}

int silt_pq_decode_delta_byte_array(silt_pq_bin *out, const uint8_t *p, size_t n, size_t count,
                                    silt_error *err)
{
    int64_t *pre = NULL, *suf = NULL;
    size_t used1 = 0, used2 = 0;
    int rc = delta_lengths(&pre, count, p, n, &used1, err);
    if (rc) return rc;
    rc = delta_lengths(&suf, count, p + used1, n - used1, &used2, err);
    if (rc) goto done;
    const uint8_t *d = p + used1 + used2;
    size_t avail = n - used1 - used2;
    uint64_t total = 0, prev = 0, suf_total = 0;
    for (size_t i = 0; i < count; i++) {
        if (pre[i] < 0 || suf[i] < 0 || (uint64_t)pre[i] > prev || (uint64_t)suf[i] > avail) {
            rc = corrupt(err, "DELTA_BYTE_ARRAY: bad prefix or suffix length");
            goto done;
        }
        prev = (uint64_t)pre[i] + (uint64_t)suf[i];
        total += prev;
        suf_total += (uint64_t)suf[i];
        if (suf_total > avail || total > INT32_MAX) {
            rc = corrupt(err, "DELTA_BYTE_ARRAY: data shorter than the lengths");
            goto done;
        }
    }
    rc = silt_pq_bin_reserve(out, (int64_t)count, (int64_t)total);
    if (rc) {
        rc = bin_fail(err, rc);
        goto done;
    }
    int64_t prev_start = out->len;
    for (size_t i = 0; i < count; i++) {
        int64_t start = out->len;
        if (pre[i]) memmove(out->data + start, out->data + prev_start, (size_t)pre[i]);
        memcpy(out->data + start + pre[i], d, (size_t)suf[i]);
        d += suf[i];
        out->len = start + pre[i] + suf[i];
        out->offsets[++out->n] = (int32_t)out->len;
        prev_start = start;
    }
done:
    silt_free(pre);
    silt_free(suf);
    return rc;
}

int silt_pq_decode_byte_stream_split(uint8_t *out, const uint8_t *p, size_t n, size_t count,
                                     int width, silt_error *err)
{
    if (width <= 0 || (uint64_t)count * (uint64_t)width > n)
        return corrupt(err, "BYTE_STREAM_SPLIT data is shorter than the values");
    for (int k = 0; k < width; k++) {
        const uint8_t *s = p + (size_t)k * count;
        for (size_t i = 0; i < count; i++) out[i * (size_t)width + (size_t)k] = s[i];
    }
    return 0;
}
