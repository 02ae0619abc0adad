/* Parquet reader, values: decodes the values of a data page (PLAIN, dictionary, RLE, DELTA_*,
 * BYTE_STREAM_SPLIT) into a leaf's dense physical values, and reads dictionary pages. */
#include "parquet/reader_int.h"

#include <string.h>

#include "parquet/decode.h"
#include "util/alloc.h"
#include "util/hot.h"

/* Decodes count PLAIN fixed-width or byte-array values into (fixed, bin). */
static int decode_plain(chunk_ctx *c, leaf_data *d, uint8_t *fixed, silt_pq_bin *bin,
                        const uint8_t *p, size_t n, size_t count)
{
    int t = c->leaf->e->type;
    if (t == SILT_PQ_BYTE_ARRAY) {
        size_t used;
        int rc = silt_pq_decode_plain_bin(bin, p, n, count, &used, c->err);
        return rc ? silt_pqr_chunk_ctx_err(c, rc) : 0;
    }
    if (t == SILT_PQ_BOOLEAN) {
        int rc = silt_pq_decode_plain_bool(fixed, p, n, count, c->err);
        return rc ? silt_pqr_chunk_ctx_err(c, rc) : 0;
    }
    size_t need = count * (size_t)d->width;
    if (need / (size_t)d->width != count || need > n)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off, "PLAIN values are truncated%s",
                                  NULL);
    if (need) memcpy(fixed, p, need);
    return 0;
}

int silt_pqr_read_dictionary(chunk_ctx *c, leaf_data *d, const silt_pq_page_header *h,
                             const uint8_t *p, size_t n)
{
    if (d->has_dict)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off,
                                  "second dictionary page in a column chunk%s", NULL);
    if (h->num_values < 0 || (uint64_t)h->num_values > (uint64_t)n * 8 + 8)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off,
                                  "dictionary page claims more values than its bytes hold%s", NULL);
    if (h->encoding != SILT_PQ_ENC_PLAIN && h->encoding != SILT_PQ_ENC_PLAIN_DICTIONARY)
        return silt_pqr_chunk_err(c, SILT_EUNSUPPORTED, c->page_off, "dictionary page encoding %s",
                                  silt_pq_encoding_name(h->encoding));
    size_t cnt = (size_t)h->num_values;
    if (!d->is_bin) {
        d->dict_fixed = silt_malloc(cnt * (size_t)d->width + 1);
        if (!d->dict_fixed)
            return silt_pqr_chunk_err(c, SILT_ENOMEM, c->page_off,
                                      "out of memory for the dictionary%s", NULL);
    }
    int rc = decode_plain(c, d, d->dict_fixed, &d->dict_bin, p, n, cnt);
    if (rc) return rc;
    /* 16 bytes of slack after the last value, read by the short-value copy in the gather */
    if (d->is_bin && silt_pq_bin_reserve(&d->dict_bin, 0, 16))
        return silt_pqr_chunk_err(c, SILT_ENOMEM, c->page_off, "out of memory for the dictionary%s",
                                  NULL);
    d->dict_n = (int64_t)cnt;
    d->has_dict = true;
    return 0;
}

/* Keeps k byte-array dictionary indices as the values' codes (see leaf_data.codes). */
static int keep_codes(leaf_data *d, const uint32_t *idx, size_t k)
{
    if (!d->lazy && d->n_codes != d->bin.n) return 0; /* a page was not dictionary-encoded */
    if (d->n_codes + (int64_t)k > d->cap_codes) {
        int64_t nc = d->cap_codes                                       ? d->cap_codes * 2
                     : d->max_entries > 0 && d->max_entries < (1 << 24) ? d->max_entries
                                                                        : 4096;
        while (nc < d->n_codes + (int64_t)k) nc *= 2;
        int32_t *p = silt_realloc(d->codes, (size_t)nc * sizeof *p);
        if (!p) return SILT_ENOMEM;
        d->codes = p;
        d->cap_codes = nc;
    }
    int32_t *o = d->codes + d->n_codes;
    for (size_t i = 0; i < k; i++) o[i] = (int32_t)idx[i];
    d->n_codes += (int64_t)k;
    return 0;
}

static int32_t longest_entry(const leaf_data *d)
{
    const int32_t *doff = d->dict_bin.offsets;
    int32_t longest = 0;
    for (int64_t e = 0; e < d->dict_n; e++)
        longest = doff[e + 1] - doff[e] > longest ? doff[e + 1] - doff[e] : longest;
    return longest;
}

/* Appends the byte-array dictionary entries idx[0..k) to d->bin; longest: longest_entry(d). */
SILT_HOT static int append_entries(chunk_ctx *c, leaf_data *d, const uint32_t *idx, size_t k,
                                   int32_t longest)
{
    const int32_t *doff = d->dict_bin.offsets;
    const uint8_t *dd = d->dict_bin.data;
    int64_t bytes = (int64_t)k * longest; /* exact when some entry is long */
    if (longest > 64) {
        bytes = 0;
        for (size_t i = 0; i < k; i++) bytes += doff[idx[i] + 1] - doff[idx[i]];
    }
    /* 16 bytes of slack let short values be copied with one fixed-size move */
    int rc = silt_pq_bin_reserve(&d->bin, (int64_t)k, bytes + 16);
    if (rc)
        return silt_pqr_chunk_err(
            c, rc == SILT_ERANGE ? SILT_EUNSUPPORTED : SILT_ENOMEM, c->page_off, "%s",
            rc == SILT_ERANGE ? "column chunk holds more than 2 GiB" : "out of memory");
    int32_t *o = d->bin.offsets;
    uint8_t *data = d->bin.data;
    int64_t len = d->bin.len, nn = d->bin.n;
    for (size_t i = 0; i < k; i++) {
        int32_t s = doff[idx[i]], l = doff[idx[i] + 1] - s;
        if (l <= 16)
            memcpy(data + len, dd + s, 16);
        else
            memcpy(data + len, dd + s, (size_t)l);
        len += l;
        o[++nn] = (int32_t)len;
    }
    d->bin.len = len;
    d->bin.n = nn;
    return 0;
}

int silt_pqr_unlazy(chunk_ctx *c, leaf_data *d)
{
    if (!d->lazy) return 0;
    d->lazy = false; /* no page before held anything but codes: bin is empty */
    int32_t longest = longest_entry(d);
    uint32_t idx[1024];
    for (int64_t i = 0; i < d->n_codes;) {
        size_t k = d->n_codes - i < 1024 ? (size_t)(d->n_codes - i) : 1024;
        for (size_t j = 0; j < k; j++) idx[j] = (uint32_t)d->codes[i + (int64_t)j];
        int rc = append_entries(c, d, idx, k, longest);
        if (rc) return rc;
        i += (int64_t)k;
    }
    return 0;
}

/* Gathers count byte-array dictionary entries selected by the indices rle yields (only their
 * codes, for a lazy leaf). */
SILT_HOT static int gather_dict_bin(chunk_ctx *c, leaf_data *d, silt_pq_rle *rle, size_t count)
{
    uint32_t idx[1024];
    uint32_t dn = (uint32_t)d->dict_n;
    int rc;
    int32_t longest = d->lazy ? 0 : longest_entry(d);  /* room for k values is reserved from it */
    int64_t whole = d->max_entries * (int64_t)longest; /* the chunk's values, at most */
    if (d->bin.len == 0 && whole > 0 && whole < (64 << 20) &&
        (rc = silt_pq_bin_reserve(&d->bin, 0, whole + 16)))
        return silt_pqr_chunk_err(c, SILT_ENOMEM, c->page_off, "out of memory%s", NULL);
    while (count) {
        size_t k = count < 1024 ? count : 1024;
        if ((rc = silt_pq_rle_read32(rle, idx, k, c->err))) return silt_pqr_chunk_ctx_err(c, rc);
        uint32_t top = 0;
        for (size_t i = 0; i < k; i++) top = idx[i] > top ? idx[i] : top;
        if (top >= dn)
            return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off,
                                      "dictionary index out of range%s", NULL);
        if (keep_codes(d, idx, k))
            return silt_pqr_chunk_err(c, SILT_ENOMEM, c->page_off, "out of memory%s", NULL);
        if (!d->lazy && (rc = append_entries(c, d, idx, k, longest))) return rc;
        count -= k;
    }
    return 0;
}

/* Gathers count dictionary entries selected by RLE indices. */
SILT_HOT static int decode_dict_indices(chunk_ctx *c, leaf_data *d, const uint8_t *p, size_t n,
                                        size_t count)
{
    if (!d->has_dict)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off,
                                  "dictionary-encoded page without a dictionary page%s", NULL);
    if (count == 0) return 0;
    if (n < 1)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off, "missing dictionary index width%s",
                                  NULL);
    silt_pq_rle rle;
    int rc = silt_pq_rle_init(&rle, p + 1, n - 1, p[0], c->err);
    if (rc) return silt_pqr_chunk_ctx_err(c, rc);
    uint32_t idx[1024];
    uint32_t dn = (uint32_t)d->dict_n;
    if (d->is_bin) return gather_dict_bin(c, d, &rle, count);
    int w = d->width;
    uint8_t *dst = d->fixed + (size_t)d->n_values * (size_t)w;
    while (count) {
        size_t k = count < 1024 ? count : 1024;
        if ((rc = silt_pq_rle_read32(&rle, idx, k, c->err))) return silt_pqr_chunk_ctx_err(c, rc);
        uint32_t top = 0; /* the largest index, in a loop without exits (vectorized) */
        for (size_t i = 0; i < k; i++) top = idx[i] > top ? idx[i] : top;
        if (top >= dn)
            return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off,
                                      "dictionary index out of range%s", NULL);
        if (w == 4) {
            const uint32_t *dv = (const uint32_t *)(void *)d->dict_fixed;
            for (size_t i = 0; i < k; i++) memcpy(dst + 4 * i, &dv[idx[i]], 4);
        } else if (w == 8) {
            for (size_t i = 0; i < k; i++)
                memcpy(dst + 8 * i, d->dict_fixed + 8 * (size_t)idx[i], 8);
        } else {
            for (size_t i = 0; i < k; i++)
                memcpy(dst + (size_t)w * i, d->dict_fixed + (size_t)w * idx[i], (size_t)w);
        }
        dst += (size_t)w * k;
        count -= k;
    }
    return 0;
}

/* RLE booleans (a 4-byte length, then the RLE/bit-packed hybrid of width 1). */
static int decode_rle_bools(chunk_ctx *c, uint8_t *dst, const uint8_t *p, size_t n, size_t count)
{
    if (c->leaf->e->type != SILT_PQ_BOOLEAN)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off,
                                  "RLE encoding on a non-boolean column%s", NULL);
    if (n < 4)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off, "truncated RLE booleans%s", NULL);
    uint32_t len =
        (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    if (len > n - 4)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off, "RLE booleans run past the page%s",
                                  NULL);
    silt_pq_rle rle;
    silt_pq_rle_init(&rle, p + 4, len, 1, c->err);
    uint32_t tmp[1024];
    size_t done = 0;
    while (done < count) {
        size_t k = count - done < 1024 ? count - done : 1024;
        int rc = silt_pq_rle_read32(&rle, tmp, k, c->err);
        if (rc) return silt_pqr_chunk_ctx_err(c, rc);
        for (size_t i = 0; i < k; i++) dst[done + i] = (uint8_t)tmp[i];
        done += k;
    }
    return 0;
}

static int decode_delta_ints(chunk_ctx *c, uint8_t *dst, const uint8_t *p, size_t n, size_t count)
{
    int t = c->leaf->e->type;
    if (t != SILT_PQ_INT32 && t != SILT_PQ_INT64)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off,
                                  "DELTA_BINARY_PACKED on a non-integer column%s", NULL);
    int64_t *tmp = silt_malloc((count ? count : 1) * sizeof *tmp);
    if (!tmp) return silt_pqr_chunk_err(c, SILT_ENOMEM, c->page_off, "out of memory%s", NULL);
    size_t used;
    int rc = silt_pq_decode_delta_binary(tmp, count, p, n, &used, c->err);
    if (rc) {
        silt_free(tmp);
        return silt_pqr_chunk_ctx_err(c, rc);
    }
    if (t == SILT_PQ_INT32)
        for (size_t i = 0; i < count; i++) {
            int32_t v = (int32_t)(uint32_t)(uint64_t)tmp[i];
            memcpy(dst + 4 * i, &v, 4);
        }
    else
        memcpy(dst, tmp, count * 8);
    silt_free(tmp);
    return 0;
}

/* DELTA_BYTE_ARRAY values of a FIXED_LEN_BYTE_ARRAY column, each of the column's width. */
static int decode_delta_fixed(chunk_ctx *c, leaf_data *d, uint8_t *dst, const uint8_t *p, size_t n,
                              size_t count)
{
    silt_pq_bin tmp = {0};
    int rc = silt_pq_decode_delta_byte_array(&tmp, p, n, count, c->err);
    if (rc) {
        silt_pq_bin_free(&tmp);
        return silt_pqr_chunk_ctx_err(c, rc);
    }
    for (size_t i = 0; i < count; i++) {
        if (tmp.offsets[i + 1] - tmp.offsets[i] != d->width) {
            silt_pq_bin_free(&tmp);
            return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off,
                                      "DELTA_BYTE_ARRAY value of the wrong fixed length%s", NULL);
        }
    }
    if (count) memcpy(dst, tmp.data, count * (size_t)d->width);
    silt_pq_bin_free(&tmp);
    return 0;
}

static int decode_delta_bytes(chunk_ctx *c, leaf_data *d, int enc, uint8_t *dst, const uint8_t *p,
                              size_t n, size_t count)
{
    int t = c->leaf->e->type;
    if (t == SILT_PQ_FIXED_LEN_BYTE_ARRAY && enc == SILT_PQ_ENC_DELTA_BYTE_ARRAY)
        return decode_delta_fixed(c, d, dst, p, n, count);
    if (t != SILT_PQ_BYTE_ARRAY)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off, "%s on a column of the wrong type",
                                  silt_pq_encoding_name(enc));
    int rc = enc == SILT_PQ_ENC_DELTA_LENGTH_BYTE_ARRAY
                 ? silt_pq_decode_delta_length(&d->bin, p, n, count, c->err)
                 : silt_pq_decode_delta_byte_array(&d->bin, p, n, count, c->err);
    return rc ? silt_pqr_chunk_ctx_err(c, rc) : 0;
}

static int decode_split(chunk_ctx *c, leaf_data *d, uint8_t *dst, const uint8_t *p, size_t n,
                        size_t count)
{
    int t = c->leaf->e->type;
    if (d->is_bin || t == SILT_PQ_BOOLEAN || t == SILT_PQ_INT96)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off,
                                  "BYTE_STREAM_SPLIT on a column of the wrong type%s", NULL);
    if ((size_t)d->width * count != n)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off,
                                  "BYTE_STREAM_SPLIT data size does not match the value count%s",
                                  NULL);
    int rc = silt_pq_decode_byte_stream_split(dst, p, n, count, d->width, c->err);
    return rc ? silt_pqr_chunk_ctx_err(c, rc) : 0;
}

int silt_pqr_decode_values(chunk_ctx *c, leaf_data *d, int enc, const uint8_t *p, size_t n,
                           size_t count)
{
    int rc;
    if (d->lazy && enc != SILT_PQ_ENC_PLAIN_DICTIONARY && enc != SILT_PQ_ENC_RLE_DICTIONARY &&
        (rc = silt_pqr_unlazy(c, d)))
        return rc; /* the values so far get their bytes before these are appended */
    if ((enc == SILT_PQ_ENC_PLAIN || enc == SILT_PQ_ENC_BYTE_STREAM_SPLIT) && !d->is_bin &&
        c->leaf->e->type != SILT_PQ_BOOLEAN && (uint64_t)count * (uint64_t)d->width > n)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off, "%s values are truncated",
                                  silt_pq_encoding_name(enc));
    if (!d->is_bin && (rc = silt_pqr_grow_values(d, (int64_t)count)))
        return silt_pqr_chunk_err(c, SILT_ENOMEM, c->page_off, "out of memory decoding values%s",
                                  NULL);
    uint8_t *dst = d->is_bin ? NULL : d->fixed + (size_t)d->n_values * (size_t)d->width;
    switch (enc) {
    case SILT_PQ_ENC_PLAIN: rc = decode_plain(c, d, dst, &d->bin, p, n, count); break;
    case SILT_PQ_ENC_PLAIN_DICTIONARY:
    case SILT_PQ_ENC_RLE_DICTIONARY: rc = decode_dict_indices(c, d, p, n, count); break;
    case SILT_PQ_ENC_RLE: rc = decode_rle_bools(c, dst, p, n, count); break;
    case SILT_PQ_ENC_DELTA_BINARY_PACKED: rc = decode_delta_ints(c, dst, p, n, count); break;
    case SILT_PQ_ENC_DELTA_LENGTH_BYTE_ARRAY:
    case SILT_PQ_ENC_DELTA_BYTE_ARRAY: rc = decode_delta_bytes(c, d, enc, dst, p, n, count); break;
    case SILT_PQ_ENC_BYTE_STREAM_SPLIT: rc = decode_split(c, d, dst, p, n, count); break;
    default:
        return silt_pqr_chunk_err(c, SILT_EUNSUPPORTED, c->page_off,
                                  "value encoding %s is not supported", silt_pq_encoding_name(enc));
    }
    if (rc) return rc;
    if (!d->is_bin) d->n_values += (int64_t)count;
    return 0;
}
