/* Parquet writer, column chunks: pages (encoding choice per page, compression, headers), the
 * ColumnChunk metadata of each chunk, and row groups. */
#include "parquet/writer_int.h"

#include <assert.h>
#include <string.h>

#include "parquet/encode.h"
#include "parquet/format_ids.h"

typedef struct chunk_acc {
    int64_t uncomp, comp;
} chunk_acc;

int silt_pqw_sink_write(silt_pq_writer *w, const void *p, size_t n, silt_error *err)
{
    int rc = silt_pq_sink_write(w->sink, p, n, err);
    if (rc) silt_error_prefix(err, "parquet writer");
    return rc;
}

static int write_page(silt_pq_writer *w, bool dict_page, int32_t num_values, int enc,
                      chunk_acc *acc, silt_error *err)
{
    const silt_buf *body = &w->page;
    if (body->len > INT32_MAX)
        return silt_error_set(err, SILT_ERANGE,
                              "parquet writer: a page of %zu bytes is too large: lower page_bytes",
                              body->len);
    const uint8_t *cb = body->ptr;
    size_t cl = body->len;
    if (w->opts.codec != SILT_PQ_CODEC_UNCOMPRESSED) {
        silt_buf_reset(&w->cpage);
        int rc = silt_pq_compress(w->comp, &w->cpage, body->ptr, body->len, err);
        if (rc) return rc;
        cb = w->cpage.ptr;
        cl = w->cpage.len;
    }
    silt_buf_reset(&w->hdr);
    silt_thrift_enc e;
    silt_thrift_enc_init(&e, &w->hdr);
    silt_thrift_enc_struct_begin(&e);
    silt_thrift_enc_field_i32(&e, SILT_PQ_PH_TYPE,
                              dict_page ? SILT_PQ_PAGE_DICTIONARY : SILT_PQ_PAGE_DATA);
    silt_thrift_enc_field_i32(&e, SILT_PQ_PH_UNCOMPRESSED_PAGE_SIZE, (int32_t)body->len);
    silt_thrift_enc_field_i32(&e, SILT_PQ_PH_COMPRESSED_PAGE_SIZE, (int32_t)cl);
    if (dict_page) {
        silt_thrift_enc_field_struct(&e, SILT_PQ_PH_DICTIONARY_PAGE_HEADER);
        silt_thrift_enc_field_i32(&e, SILT_PQ_DICT_NUM_VALUES, num_values);
        silt_thrift_enc_field_i32(&e, SILT_PQ_DICT_ENCODING, SILT_PQ_ENC_PLAIN);
        silt_thrift_enc_struct_end(&e);
    } else {
        silt_thrift_enc_field_struct(&e, SILT_PQ_PH_DATA_PAGE_HEADER);
        silt_thrift_enc_field_i32(&e, SILT_PQ_DPH_NUM_VALUES, num_values);
        silt_thrift_enc_field_i32(&e, SILT_PQ_DPH_ENCODING, enc);
        silt_thrift_enc_field_i32(&e, SILT_PQ_DPH_DEFINITION_LEVEL_ENCODING, SILT_PQ_ENC_RLE);
        silt_thrift_enc_field_i32(&e, SILT_PQ_DPH_REPETITION_LEVEL_ENCODING, SILT_PQ_ENC_RLE);
        silt_thrift_enc_struct_end(&e);
    }
    silt_thrift_enc_struct_end(&e);
    if (silt_thrift_enc_status(&e))
        return silt_error_set(err, SILT_ENOMEM, "parquet writer: out of memory in a page header");
    int rc = silt_pqw_sink_write(w, w->hdr.ptr, w->hdr.len, err);
    if (!rc) rc = silt_pqw_sink_write(w, cb, cl, err);
    if (rc) return rc;
    acc->uncomp += (int64_t)(w->hdr.len + body->len);
    acc->comp += (int64_t)(w->hdr.len + cl);
    return 0;
}

static int plain_encode(const leaf *L, const vals *V, size_t v0, size_t v1, silt_buf *out)
{
    size_t n = v1 - v0;
    if (n == 0) return 0;
    if (L->kind == K_BOOL) return silt_pq_plain_bool(out, V->data.ptr + v0, n);
    if (L->width)
        return silt_buf_append(out, V->data.ptr + v0 * (size_t)L->width, n * (size_t)L->width);
    int64_t s0 = v0 ? vals_end(V, v0 - 1) : 0, s1 = n ? vals_end(V, v1 - 1) : s0;
    if (silt_buf_reserve(out, n * 4 + (size_t)(s1 - s0))) return SILT_ENOMEM;
    uint8_t *p = out->ptr + out->len;
    int64_t prev = s0;
    for (size_t i = v0; i < v1; i++) {
        int64_t e = vals_end(V, i);
        uint32_t len = (uint32_t)(e - prev);
        memcpy(p, &len, 4);
        if (len) memcpy(p + 4, V->data.ptr + prev, len);
        p += 4 + len;
        prev = e;
    }
    out->len = (size_t)(p - out->ptr);
    return 0;
}

static bool is_int_kind(leaf_kind k)
{
    return k == K_I8 || k == K_U8 || k == K_I16 || k == K_U16 || k == K_I32 || k == K_I64 ||
           k == K_DEC32 || k == K_DEC64;
}

enum { ENC_PLAIN = 1, ENC_RLE = 2, ENC_DBP = 4, ENC_DICT = 8 };

/* Where a chunk's pages went and how they were encoded. */
typedef struct chunk_out {
    chunk_acc acc;
    unsigned encs; /* ENC_* used by some page */
    int bw;        /* bit width of dictionary indexes */
    uint64_t chunk_start, data_off;
} chunk_out;

static int chunk_oom(silt_error *err)
{
    return silt_error_set(err, SILT_ENOMEM, "parquet writer: out of memory writing a column chunk");
}

/* The dictionary page, when the chunk kept its dictionary. */
static int write_dict_page(silt_pq_writer *w, leaf *L, chunk_out *o, silt_error *err)
{
    if (!L->dict_mode) return 0;
    silt_buf_reset(&w->page);
    if (plain_encode(L, &L->dict, 0, L->dict.n, &w->page)) return chunk_oom(err);
    int rc = write_page(w, true, (int32_t)L->dict.n, SILT_PQ_ENC_PLAIN, &o->acc, err);
    if (rc) return rc;
    o->encs |= ENC_PLAIN;
    o->bw = L->dict.n > 1 ? silt_pq_bit_width(L->dict.n - 1) : 1;
    return 0;
}

/* Values per page for about page_bytes of encoded values, and a cap on level entries that
 * keeps page value counts in int32. */
static void page_sizes(const silt_pq_writer *w, const leaf *L, size_t nv, int bw,
                       size_t *out_target, size_t *out_max_entries)
{
    double avg = L->dict_mode ? bw / 8.0 : (nv ? (double)L->plain_bytes / (double)nv : 1.0);
    if (avg < 0.125) avg = 0.125;
    size_t target = (size_t)((double)w->opts.page_bytes / avg);
    if (target < 1) target = 1;
    size_t max_entries = w->opts.page_bytes < (1 << 28) ? (size_t)w->opts.page_bytes * 4 : 1u << 30;
    *out_target = target < max_entries ? target : max_entries;
    *out_max_entries = max_entries;
}

/* The end (*l1 levels, *v1 values) of the page that starts at level l, value v: about target
 * values, never splitting a row (a page ends before an entry with repetition level 0). */
static void page_end(const leaf *L, size_t l, size_t v, size_t target, size_t max_entries,
                     size_t *l1, size_t *v1)
{
    if (!L->max_def && !L->max_rep) {
        size_t k = L->n_levels - l < target ? L->n_levels - l : target;
        *l1 = l + k, *v1 = v + k;
        return;
    }
    const uint8_t *defs = L->def.ptr, *reps = L->rep.ptr;
    size_t e = l, n = v;
    for (;;) {
        if (!L->max_def || defs[e] == L->max_def) n++;
        e++;
        if (e >= L->n_levels) break;
        if ((n - v >= target || e - l >= max_entries) && (!L->max_rep || reps[e] == 0)) break;
    }
    assert(e > l && e <= L->n_levels && n >= v);
    *l1 = e, *v1 = n;
}

/* RLE booleans into pg when smaller than PLAIN. Returns 1 (used), 0 (not) or SILT_ENOMEM. */
static int try_rle_bools(silt_pq_writer *w, const leaf *L, size_t v, size_t v1, silt_buf *pg)
{
    if (L->kind != K_BOOL || !w->opts.rle_booleans || v1 <= v) return 0;
    silt_buf_reset(&w->tmp);
    if (silt_pq_rle_u8_prefixed(&w->tmp, L->raw.data.ptr + v, v1 - v, 1)) return SILT_ENOMEM;
    if (w->tmp.len >= (v1 - v + 7) / 8) return 0;
    return silt_buf_append(pg, w->tmp.ptr, w->tmp.len) ? SILT_ENOMEM : 1;
}

/* DELTA_BINARY_PACKED integers into pg when smaller than PLAIN. Returns 1, 0 or SILT_ENOMEM. */
static int try_delta(silt_pq_writer *w, const leaf *L, size_t v, size_t v1, silt_buf *pg)
{
    if (!is_int_kind(L->kind) || v1 - v < 2) return 0;
    silt_buf_reset(&w->tmp);
    const uint8_t *base = L->raw.data.ptr + v * (size_t)L->width;
    int rc = L->width == 4
                 ? silt_pq_delta_i32(&w->tmp, (const int32_t *)(const void *)base, v1 - v)
                 : silt_pq_delta_i64(&w->tmp, (const int64_t *)(const void *)base, v1 - v);
    if (rc) return SILT_ENOMEM;
    if (w->tmp.len >= (v1 - v) * (size_t)L->width) return 0;
    return silt_buf_append(pg, w->tmp.ptr, w->tmp.len) ? SILT_ENOMEM : 1;
}

/* Appends values [v, v1) to the page in the encoding chosen for them (dictionary indexes, or
 * the smallest of DELTA_BINARY_PACKED / RLE and PLAIN); sets *enc. Returns 0 or SILT_ENOMEM. */
static int encode_values(silt_pq_writer *w, const leaf *L, chunk_out *o, size_t v, size_t v1,
                         int *enc)
{
    silt_buf *pg = &w->page;
    if (L->dict_mode) {
        *enc = SILT_PQ_ENC_RLE_DICTIONARY;
        o->encs |= ENC_DICT;
        if (silt_buf_putc(pg, (uint8_t)o->bw) ||
            silt_pq_rle_u32(pg, (const uint32_t *)(const void *)L->idx.ptr + v, v1 - v, o->bw))
            return SILT_ENOMEM;
        return 0;
    }
    int rle = try_rle_bools(w, L, v, v1, pg);
    int delta = rle == 0 ? try_delta(w, L, v, v1, pg) : 0;
    if (rle < 0 || delta < 0) return SILT_ENOMEM;
    if (delta) {
        *enc = SILT_PQ_ENC_DELTA_BINARY_PACKED;
        o->encs |= ENC_DBP;
    } else if (rle) {
        *enc = SILT_PQ_ENC_RLE;
        o->encs |= ENC_RLE;
    } else {
        *enc = SILT_PQ_ENC_PLAIN;
        o->encs |= ENC_PLAIN;
        if (plain_encode(L, &L->raw, v, v1, pg)) return SILT_ENOMEM;
    }
    return 0;
}

/* The data pages of the chunk: levels, then values, page by page. */
static int write_data_pages(silt_pq_writer *w, leaf *L, chunk_out *o, size_t nv, silt_error *err)
{
    size_t target, max_entries;
    page_sizes(w, L, nv, o->bw, &target, &max_entries);
    o->data_off = w->sink->written;
    for (size_t l = 0, v = 0; l < L->n_levels;) {
        size_t l1, v1;
        page_end(L, l, v, target, max_entries, &l1, &v1);
        silt_buf *pg = &w->page;
        silt_buf_reset(pg);
        if (L->max_rep &&
            silt_pq_rle_u8_prefixed(pg, L->rep.ptr + l, l1 - l, silt_pq_bit_width(L->max_rep)))
            return chunk_oom(err);
        if (L->max_def &&
            silt_pq_rle_u8_prefixed(pg, L->def.ptr + l, l1 - l, silt_pq_bit_width(L->max_def)))
            return chunk_oom(err);
        int enc;
        if (encode_values(w, L, o, v, v1, &enc)) return chunk_oom(err);
        int rc = write_page(w, false, (int32_t)(l1 - l), enc, &o->acc, err);
        if (rc) return rc;
        l = l1, v = v1;
    }
    return 0;
}

/* The ColumnChunk's Statistics struct. */
static void write_statistics(silt_thrift_enc *rg, const silt_pq_writer *w, const leaf *L,
                             const chunk_stats *cs)
{
    silt_thrift_enc_field_struct(rg, SILT_PQ_CMD_STATISTICS);
    /* the deprecated min/max (signed order) too, where that order is the column's */
    bool legacy = L->order == O_I32 || L->order == O_I64 || L->order == O_F32 ||
                  L->order == O_F64 || L->order == O_BOOL;
    if (cs->has_min_max && legacy) {
        silt_thrift_enc_field_binary(rg, SILT_PQ_STATS_MAX, w->smax.ptr, w->smax.len);
        silt_thrift_enc_field_binary(rg, SILT_PQ_STATS_MIN, w->smin.ptr, w->smin.len);
    }
    silt_thrift_enc_field_i64(rg, SILT_PQ_STATS_NULL_COUNT, cs->nulls);
    if (cs->has_min_max) {
        silt_thrift_enc_field_binary(rg, SILT_PQ_STATS_MAX_VALUE, w->smax.ptr, w->smax.len);
        silt_thrift_enc_field_binary(rg, SILT_PQ_STATS_MIN_VALUE, w->smin.ptr, w->smin.len);
        silt_thrift_enc_field_bool(rg, SILT_PQ_STATS_IS_MAX_VALUE_EXACT, cs->max_exact);
        silt_thrift_enc_field_bool(rg, SILT_PQ_STATS_IS_MIN_VALUE_EXACT, cs->min_exact);
    }
    silt_thrift_enc_struct_end(rg);
}

/* The ColumnChunk struct (with its ColumnMetaData) of the chunk just written. */
static void write_chunk_meta(silt_thrift_enc *rg, const silt_pq_writer *w, const leaf *L,
                             const chunk_out *o, const chunk_stats *cs)
{
    silt_thrift_enc_struct_begin(rg);
    silt_thrift_enc_field_i64(rg, SILT_PQ_CC_FILE_OFFSET, (int64_t)o->chunk_start);
    silt_thrift_enc_field_struct(rg, SILT_PQ_CC_META_DATA);
    silt_thrift_enc_field_i32(rg, SILT_PQ_CMD_TYPE, L->ptype);
    silt_thrift_enc_field_list(rg, SILT_PQ_CMD_ENCODINGS, SILT_TC_I32,
                               (size_t)__builtin_popcount(o->encs));
    if (o->encs & ENC_PLAIN) silt_thrift_enc_i32(rg, SILT_PQ_ENC_PLAIN);
    if (o->encs & ENC_RLE) silt_thrift_enc_i32(rg, SILT_PQ_ENC_RLE);
    if (o->encs & ENC_DBP) silt_thrift_enc_i32(rg, SILT_PQ_ENC_DELTA_BINARY_PACKED);
    if (o->encs & ENC_DICT) silt_thrift_enc_i32(rg, SILT_PQ_ENC_RLE_DICTIONARY);
    silt_thrift_enc_field_list(rg, SILT_PQ_CMD_PATH_IN_SCHEMA, SILT_TC_BINARY, L->n_names);
    for (size_t i = 0; i < L->n_names; i++)
        silt_thrift_enc_binary(rg, L->names[i], strlen(L->names[i]));
    silt_thrift_enc_field_i32(rg, SILT_PQ_CMD_CODEC, w->opts.codec);
    silt_thrift_enc_field_i64(rg, SILT_PQ_CMD_NUM_VALUES, (int64_t)L->n_levels);
    silt_thrift_enc_field_i64(rg, SILT_PQ_CMD_TOTAL_UNCOMPRESSED_SIZE, o->acc.uncomp);
    silt_thrift_enc_field_i64(rg, SILT_PQ_CMD_TOTAL_COMPRESSED_SIZE, o->acc.comp);
    silt_thrift_enc_field_i64(rg, SILT_PQ_CMD_DATA_PAGE_OFFSET, (int64_t)o->data_off);
    if (L->dict_mode)
        silt_thrift_enc_field_i64(rg, SILT_PQ_CMD_DICTIONARY_PAGE_OFFSET, (int64_t)o->chunk_start);
    if (w->opts.statistics) write_statistics(rg, w, L, cs);
    silt_thrift_enc_struct_end(rg);
    silt_thrift_enc_struct_end(rg);
}

/* Writes leaf L's buffered rows as one column chunk and appends its ColumnChunk to rg. */
static int write_chunk(silt_pq_writer *w, leaf *L, silt_thrift_enc *rg, chunk_acc *rg_acc,
                       silt_error *err)
{
    int rc = 0;
    /* a dictionary of mostly distinct values costs more than it saves */
    if (L->dict_mode && L->idx.len / 4 >= 16 && L->dict.n * 2 > L->idx.len / 4 &&
        silt_pqw_dict_to_raw(L))
        rc = chunk_oom(err);
    if (L->dict_mode && L->dict.n == 0) L->dict_mode = false; /* all null: no dictionary */
    size_t nv = L->dict_mode ? L->idx.len / 4 : L->raw.n;
    chunk_out o = {.chunk_start = w->sink->written};
    o.encs = (L->max_def || L->max_rep) ? ENC_RLE : 0;
    chunk_stats cs;
    if (!rc && !(rc = write_dict_page(w, L, &o, err)) &&
        !(rc = write_data_pages(w, L, &o, nv, err)) && silt_pqw_chunk_stats(&cs, w, L, nv))
        rc = chunk_oom(err);
    if (rc) {
        silt_error_column(err, L->path);
        return rc;
    }
    write_chunk_meta(rg, w, L, &o, &cs);
    rg_acc->uncomp += o.acc.uncomp;
    rg_acc->comp += o.acc.comp;
    return 0;
}

static void leaf_reset(silt_pq_writer *w, leaf *L)
{
    silt_buf_reset(&L->def);
    silt_buf_reset(&L->rep);
    L->n_levels = 0;
    silt_pqw_dict_clear(L);
    silt_pqw_vals_reset(&L->raw);
    L->plain_bytes = 0;
    L->dict_mode = w->opts.dictionary && L->kind != K_BOOL;
}

int silt_pqw_flush_row_group(silt_pq_writer *w, silt_error *err)
{
    if (w->rg_rows == 0) return 0;
    uint64_t rg_start = w->sink->written;
    silt_thrift_enc e;
    silt_thrift_enc_init(&e, &w->rg_meta);
    silt_thrift_enc_struct_begin(&e);
    silt_thrift_enc_field_list(&e, SILT_PQ_RG_COLUMNS, SILT_TC_STRUCT, w->n_leaves);
    chunk_acc acc = {0, 0};
    for (size_t i = 0; i < w->n_leaves; i++) {
        int rc = write_chunk(w, &w->leaves[i], &e, &acc, err);
        if (rc) return rc;
    }
    silt_thrift_enc_field_i64(&e, SILT_PQ_RG_TOTAL_BYTE_SIZE, acc.uncomp);
    silt_thrift_enc_field_i64(&e, SILT_PQ_RG_NUM_ROWS, w->rg_rows);
    silt_thrift_enc_field_i64(&e, SILT_PQ_RG_FILE_OFFSET, (int64_t)rg_start);
    silt_thrift_enc_field_i64(&e, SILT_PQ_RG_TOTAL_COMPRESSED_SIZE, acc.comp);
    if (w->n_row_groups <= INT16_MAX)
        silt_thrift_enc_field_i16(&e, SILT_PQ_RG_ORDINAL, (int16_t)w->n_row_groups);
    silt_thrift_enc_struct_end(&e);
    if (silt_thrift_enc_status(&e))
        return silt_error_set(err, SILT_ENOMEM,
                              "parquet writer: out of memory in row group metadata");
    w->n_row_groups++;
    w->total_rows += w->rg_rows;
    w->rg_rows = 0;
    for (size_t i = 0; i < w->n_leaves; i++) leaf_reset(w, &w->leaves[i]);
    return 0;
}
