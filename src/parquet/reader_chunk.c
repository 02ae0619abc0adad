/* Parquet reader, column chunks: reads a chunk's bytes, walks its pages (checksum,
 * decompression) and decodes their repetition/definition levels; values go to reader_values.c. */
#include "parquet/reader_int.h"

#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "parquet/decompress.h"
#include "util/alloc.h"
#include "util/hot.h"

void silt_pqr_leaf_data_free(leaf_data *d)
{
    silt_free(d->def);
    silt_free(d->rep);
    silt_free(d->fixed);
    silt_pq_bin_free(&d->bin);
    silt_free(d->dict_fixed);
    silt_pq_bin_free(&d->dict_bin);
    silt_free(d->codes);
    memset(d, 0, sizeof *d);
}

/* Empties d for the next row group, keeping the level, value and byte buffers. */
void silt_pqr_leaf_data_recycle(leaf_data *d)
{
    leaf_data keep = *d;
    silt_free(d->dict_fixed);
    silt_pq_bin_free(&d->dict_bin);
    memset(d, 0, sizeof *d);
    d->def = keep.def;
    d->rep = keep.rep;
    d->cap = keep.cap;
    d->fixed = keep.fixed;
    d->cap_values = keep.cap_values;
    d->bin = keep.bin;
    d->bin.n = 0;
    d->bin.len = 0;
    d->codes = keep.codes;
    d->cap_codes = keep.cap_codes;
}

/* Grows a scratch buffer to at least n bytes. Returns 0 or SILT_ENOMEM. */
int silt_pqr_scratch(uint8_t **buf, size_t *cap, size_t n)
{
    if (n <= *cap && *buf) return 0;
    uint8_t *p = silt_realloc(*buf, n ? n : 1);
    if (!p) return SILT_ENOMEM;
    *buf = p;
    *cap = n;
    return 0;
}

int silt_pqr_phys_width(const silt_pq_schema_elem *e)
{
    switch (e->type) {
    case SILT_PQ_BOOLEAN: return 1;
    case SILT_PQ_INT32:
    case SILT_PQ_FLOAT: return 4;
    case SILT_PQ_INT64:
    case SILT_PQ_DOUBLE: return 8;
    case SILT_PQ_INT96: return 12;
    case SILT_PQ_FIXED_LEN_BYTE_ARRAY: return e->type_length;
    default: return 0;
    }
}

int silt_pqr_chunk_err(chunk_ctx *c, int code, uint64_t off, const char *fmt, const char *detail)
{
    char msg[SILT_ERROR_MSG_MAX];
    snprintf(msg, sizeof msg, fmt, detail ? detail : "");
    silt_error_set(c->err, code, "%s", msg);
    silt_error_path(c->err, c->r->src->name);
    silt_error_column(c->err, c->leaf->path);
    silt_error_offset(c->err, (int64_t)off);
    return code;
}

/* Adds context to an error set by a lower decoder. */
int silt_pqr_chunk_ctx_err(chunk_ctx *c, int code)
{
    if (c->err) {
        char msg[SILT_ERROR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", c->err->msg);
        return silt_pqr_chunk_err(c, code, c->page_off, "%s", msg);
    }
    return code;
}

int silt_pqr_grow_levels(leaf_data *d, const pq_leaf *l, int64_t more)
{
    if (d->n + more <= d->cap) return 0;
    int64_t cap = d->cap ? d->cap : 1024;
    while (cap < d->n + more) cap *= 2;
    if (l->max_def > 0) {
        uint16_t *p = silt_realloc(d->def, (size_t)cap * sizeof *p);
        if (!p) return SILT_ENOMEM;
        d->def = p;
    }
    if (l->max_rep > 0) {
        uint16_t *p = silt_realloc(d->rep, (size_t)cap * sizeof *p);
        if (!p) return SILT_ENOMEM;
        d->rep = p;
    }
    d->cap = cap;
    return 0;
}

int silt_pqr_grow_values(leaf_data *d, int64_t more)
{
    if (d->n_values + more <= d->cap_values) return 0;
    int64_t cap = d->cap_values ? d->cap_values : 1024;
    while (cap < d->n_values + more) cap *= 2;
    size_t bytes;
    if (silt_mul_size(&bytes, (size_t)cap, (size_t)d->width)) return SILT_ENOMEM;
    uint8_t *p = silt_realloc(d->fixed, bytes ? bytes : 1);
    if (!p) return SILT_ENOMEM;
    d->fixed = p;
    d->cap_values = cap;
    return 0;
}

SILT_HOT static int decode_levels_rle(chunk_ctx *c, uint16_t *out, size_t count, int max,
                                      const uint8_t *p, size_t n)
{
    silt_pq_rle rle;
    int rc = silt_pq_rle_init(&rle, p, n, silt_pq_bit_width((uint64_t)max), c->err);
    if (!rc) rc = silt_pq_rle_read16(&rle, out, count, c->err);
    if (rc) return silt_pqr_chunk_ctx_err(c, rc);
    uint16_t top = 0; /* the largest level, in a loop without exits (vectorized) */
    for (size_t i = 0; i < count; i++) top = out[i] > top ? out[i] : top;
    if (top > max)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off,
                                  "level above the column's maximum%s", NULL);
    return 0;
}

/* v1 levels: RLE with a 4-byte length prefix, or legacy BIT_PACKED. Advances p and n. */
static int decode_levels_v1(chunk_ctx *c, uint16_t *out, size_t count, int max, int enc,
                            const uint8_t **p, size_t *n)
{
    if (enc == SILT_PQ_ENC_BIT_PACKED) {
        int bw = silt_pq_bit_width((uint64_t)max);
        size_t bytes = (count * (size_t)bw + 7) / 8;
        int rc = silt_pq_bitpacked_msb16(out, count, *p, *n, bw, c->err);
        if (rc) return silt_pqr_chunk_ctx_err(c, rc);
        for (size_t i = 0; i < count; i++)
            if (out[i] > max)
                return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off,
                                          "level above the maximum%s", NULL);
        *p += bytes;
        *n -= bytes;
        return 0;
    }
    if (*n < 4)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off, "truncated level length%s", NULL);
    uint32_t len = (uint32_t)(*p)[0] | (uint32_t)(*p)[1] << 8 | (uint32_t)(*p)[2] << 16 |
                   (uint32_t)(*p)[3] << 24;
    if (len > *n - 4)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off,
                                  "levels run past the end of the page%s", NULL);
    int rc = decode_levels_rle(c, out, count, max, *p + 4, len);
    if (rc) return rc;
    *p += 4 + len;
    *n -= 4 + len;
    return 0;
}

static int read_data_page(chunk_ctx *c, leaf_data *d, const silt_pq_page_header *h,
                          const uint8_t *levels_v2, const uint8_t *p, size_t n)
{
    const pq_leaf *l = c->leaf;
    bool v2 = h->type == SILT_PQ_PAGE_DATA_V2;
    if (h->num_values < 0 || h->num_values > SILT_PQR_MAX_PAGE_VALUES)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off, "bad value count in a data page%s",
                                  NULL);
    size_t count = (size_t)h->num_values;
    if (count == 0) return 0;
    if ((uint64_t)d->n + count > INT32_MAX ||
        (l->max_rep == 0 && d->n + (int64_t)count > d->max_entries))
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off,
                                  "data pages hold more values than the row group has rows%s",
                                  NULL);
    if (silt_pqr_grow_levels(d, l, (int64_t)count))
        return silt_pqr_chunk_err(c, SILT_ENOMEM, c->page_off, "out of memory for levels%s", NULL);
    uint16_t *rep = l->max_rep ? d->rep + d->n : NULL;
    uint16_t *def = l->max_def ? d->def + d->n : NULL;
    int rc;
    if (v2) {
        const uint8_t *q = levels_v2;
        if (rep && (rc = decode_levels_rle(c, rep, count, l->max_rep, q, (size_t)h->rep_length)))
            return rc;
        q += h->rep_length;
        if (def && (rc = decode_levels_rle(c, def, count, l->max_def, q, (size_t)h->def_length)))
            return rc;
    } else {
        if (rep && (rc = decode_levels_v1(c, rep, count, l->max_rep, h->rep_encoding, &p, &n)))
            return rc;
        if (def && (rc = decode_levels_v1(c, def, count, l->max_def, h->def_encoding, &p, &n)))
            return rc;
    }
    if (rep && count && d->n == 0 && rep[0] != 0)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off,
                                  "first repetition level of the column chunk is not 0%s", NULL);
    size_t non_null = count;
    if (def) {
        non_null = 0;
        uint16_t mx = (uint16_t)l->max_def;
        for (size_t i = 0; i < count; i++) non_null += def[i] == mx;
    }
    d->n += (int64_t)count;
    if (non_null == 0) return 0;
    return silt_pqr_decode_values(c, d, h->encoding, p, n, non_null);
}

/* Checks the chunk's metadata against the schema and the file; sets its byte range. */
static int chunk_range(chunk_ctx *c, const silt_pq_column_chunk *cc, int64_t *out_start,
                       int64_t *out_size)
{
    const silt_pq_column_meta *cm = &cc->meta;
    if (!cc->has_meta)
        return silt_pqr_chunk_err(c, SILT_EUNSUPPORTED, (uint64_t)cc->file_offset,
                                  "column chunk without metadata%s", NULL);
    if (cc->file_path)
        return silt_pqr_chunk_err(c, SILT_EUNSUPPORTED, (uint64_t)cc->file_offset,
                                  "column chunk stored in another file (%s)", cc->file_path);
    if (cm->type != c->leaf->e->type)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, (uint64_t)cm->data_page_offset,
                                  "column chunk type differs from the schema%s", NULL);
    int64_t start = cm->data_page_offset;
    if (cm->dictionary_page_offset > 0 && cm->dictionary_page_offset < start)
        start = cm->dictionary_page_offset;
    int64_t size = cm->total_compressed_size;
    uint64_t fsize = c->r->src->size;
    if (start < 4 || size < 0 || (uint64_t)start > fsize ||
        (uint64_t)size > fsize - (uint64_t)start)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, (uint64_t)(start < 0 ? 0 : start),
                                  "column chunk byte range lies outside the file%s", NULL);
    if (cm->num_values < 0)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, (uint64_t)start, "negative value count%s",
                                  NULL);
    *out_start = start;
    *out_size = size;
    return 0;
}

/* Reads the chunk's bytes into r->chunk_buf and sizes d's buffers from the metadata. */
static int load_chunk(chunk_ctx *c, silt_pq_reader *r, const silt_pq_column_meta *cm, int64_t start,
                      int64_t size, leaf_data *d)
{
    if (silt_pqr_scratch(&r->chunk_buf, &r->chunk_cap, (size_t)size))
        return silt_pqr_chunk_err(c, SILT_ENOMEM, (uint64_t)start, "out of memory%s", NULL);
    int rc = r->src->ops->read_at(r->src, (uint64_t)start, r->chunk_buf, (size_t)size, c->err);
    if (rc) {
        silt_error_column(c->err, c->leaf->path);
        return rc;
    }
    /* size the buffers once from the metadata when it is plausible for the chunk's bytes */
    int64_t plausible = cm->total_uncompressed_size * 8 + 4096;
    int64_t pre = cm->num_values < plausible ? cm->num_values : plausible;
    if (pre > (1 << 24)) pre = 1 << 24;
    if (silt_pqr_grow_levels(d, c->leaf, pre) ||
        (!d->is_bin && d->width <= 16 && silt_pqr_grow_values(d, pre)))
        return silt_pqr_chunk_err(c, SILT_ENOMEM, (uint64_t)start, "out of memory%s", NULL);
    return 0;
}

/* Parses the page header at chunk[*pos] and checks the body's size and checksum; *body points
 * at the body and *pos past it. */
static int page_at(chunk_ctx *c, const uint8_t *chunk, size_t size, size_t *pos,
                   silt_pq_page_header *h, const uint8_t **body)
{
    size_t hlen;
    int rc = silt_pq_page_header_parse(h, &hlen, chunk + *pos, size - *pos, c->err);
    if (rc) return silt_pqr_chunk_ctx_err(c, rc);
    *pos += hlen;
    if (h->compressed_size < 0 || h->uncompressed_size < 0 ||
        (size_t)h->compressed_size > size - *pos)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off,
                                  "page size runs past the column chunk%s", NULL);
    *body = chunk + *pos;
    size_t clen = (size_t)h->compressed_size;
    *pos += clen;
    if (h->has_crc && (uint32_t)crc32(0L, *body, (uInt)clen) != h->crc)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off,
                                  "page checksum (CRC32) mismatch: the page is corrupt%s", NULL);
    return 0;
}

/* A page's v2 levels (NULL for v1 and dictionary pages) and its values, decompressed into
 * r->page_buf when the codec says so. */
static int page_parts(chunk_ctx *c, silt_pq_reader *r, const silt_pq_page_header *h,
                      const uint8_t *body, const uint8_t **levels_v2, const uint8_t **vals,
                      size_t *vlen)
{
    size_t clen = (size_t)h->compressed_size, lv_len = 0;
    bool v2 = h->type == SILT_PQ_PAGE_DATA_V2;
    *levels_v2 = NULL;
    if (v2) {
        uint64_t lv = (uint64_t)h->rep_length + (uint64_t)h->def_length;
        if (h->rep_length < 0 || h->def_length < 0 || lv > clen ||
            lv > (uint64_t)h->uncompressed_size)
            return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off,
                                      "bad level lengths in a v2 page%s", NULL);
        lv_len = (size_t)lv;
        *levels_v2 = body;
    }
    *vals = body + lv_len;
    *vlen = clen - lv_len;
    size_t ulen = (size_t)h->uncompressed_size - lv_len;
    bool compressed = c->codec != SILT_PQ_CODEC_UNCOMPRESSED && (!v2 || h->is_compressed);
    if (!compressed || (v2 && *vlen == 0 && ulen == 0)) return 0;
    if (ulen > (size_t)1 << 30)
        return silt_pqr_chunk_err(c, SILT_ECORRUPT, c->page_off, "page larger than 1 GiB%s", NULL);
    int rc = silt_pq_decompress_check(c->codec, *vals, *vlen, ulen, c->err);
    if (rc) return silt_pqr_chunk_ctx_err(c, rc);
    if (silt_pqr_scratch(&r->page_buf, &r->page_cap, ulen))
        return silt_pqr_chunk_err(c, SILT_ENOMEM, c->page_off, "out of memory%s", NULL);
    if ((rc = silt_pq_decompress(c->codec, *vals, *vlen, r->page_buf, ulen, c->err)))
        return silt_pqr_chunk_ctx_err(c, rc);
    *vals = r->page_buf;
    *vlen = ulen;
    return 0;
}

/* Room for a flat chunk's values at once (not copied again as they grow page by page); the
 * count the metadata claims is bounded by the row group's rows and 16M. */
static int presize(chunk_ctx *c, leaf_data *d, int64_t num_values)
{
    int64_t n = num_values < d->max_entries ? num_values : d->max_entries;
    if (c->leaf->max_rep > 0 || n <= 0 || n > (1 << 24)) return 0;
    int rc = d->is_bin ? silt_pq_bin_reserve(&d->bin, n, 0) : silt_pqr_grow_values(d, n);
    return rc ? silt_pqr_chunk_err(c, SILT_ENOMEM, d->chunk_off, "out of memory%s", NULL) : 0;
}

/* Reads and decodes every page of column chunk `leaf` of row group rg. */
int silt_pqr_read_chunk(silt_pq_reader *r, int rg, int leaf, leaf_data *d, silt_error *err)
{
    const silt_pq_column_chunk *cc = &r->meta->row_groups[rg].columns[leaf];
    const silt_pq_column_meta *cm = &cc->meta;
    chunk_ctx c = {.r = r, .leaf = &r->leaves[leaf], .err = err, .codec = cm->codec};
    d->width = silt_pqr_phys_width(c.leaf->e);
    d->is_bin = c.leaf->e->type == SILT_PQ_BYTE_ARRAY;
    int64_t start = 0, size = 0;
    int rc = chunk_range(&c, cc, &start, &size);
    if (rc) return rc;
    d->chunk_off = (uint64_t)start;
    d->max_entries = r->meta->row_groups[rg].num_rows;
    if ((rc = load_chunk(&c, r, cm, start, size, d))) return rc;
    if ((rc = presize(&c, d, cm->num_values))) return rc;
    size_t pos = 0;
    while (d->n < cm->num_values) {
        c.page_off = (uint64_t)start + pos;
        if (pos >= (size_t)size)
            return silt_pqr_chunk_err(&c, SILT_ECORRUPT, c.page_off,
                                      "column chunk ends before all its values were read%s", NULL);
        silt_pq_page_header h;
        const uint8_t *body = NULL, *levels_v2 = NULL, *vals = NULL;
        size_t vlen = 0;
        if ((rc = page_at(&c, r->chunk_buf, (size_t)size, &pos, &h, &body))) return rc;
        if (h.type != SILT_PQ_PAGE_DATA && h.type != SILT_PQ_PAGE_DATA_V2 &&
            h.type != SILT_PQ_PAGE_DICTIONARY)
            continue; /* index pages and unknown page types are skipped */
        if (!h.has_type_header)
            return silt_pqr_chunk_err(&c, SILT_ECORRUPT, c.page_off,
                                      "page header lacks its type header%s", NULL);
        if ((rc = page_parts(&c, r, &h, body, &levels_v2, &vals, &vlen))) return rc;
        rc = h.type == SILT_PQ_PAGE_DICTIONARY ? silt_pqr_read_dictionary(&c, d, &h, vals, vlen)
                                               : read_data_page(&c, d, &h, levels_v2, vals, vlen);
        if (rc) return rc;
    }
    if (d->n != cm->num_values)
        return silt_pqr_chunk_err(&c, SILT_ECORRUPT, (uint64_t)start + pos,
                                  "pages hold more values than the column chunk metadata says%s",
                                  NULL);
    return 0;
}
