/* Unit tests for the Parquet read side: Thrift compact decoding, level and value decoders on
 * hand-made byte vectors (the examples of Encodings.md), codecs, row-group statistics, and
 * robustness: every prefix of a valid file, bit flips and failed allocations give errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <lz4.h>
#include <snappy-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "batch/canon.h"
#include "parquet/decode.h"
#include "parquet/decompress.h"
#include "parquet/format.h"
#include "parquet/meta.h"
#include "parquet/reader.h"
#include "parquet/thrift_dec.h"
#include "util/alloc.h"

/* ---- helpers */

static uint8_t *load_fixture(const char *name, size_t *n)
{
    const char *dir = getenv("SILT_FIXTURES");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "../../shared/fixtures", name);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open fixture %s (set SILT_FIXTURES)", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)len);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return buf;
}

/* Opens and reads every row group of an in-memory file, rendering rows. Returns 0 or the first
 * error code; *rows gets the rows read. */
static int read_all(const uint8_t *data, size_t n, int64_t *rows, silt_error *err)
{
    silt_pq_source *src = silt_pq_source_mem(data, n, "mem.parquet");
    if (!src) return SILT_ENOMEM;
    silt_pq_reader *r = NULL;
    int rc = silt_pq_reader_open(&r, src, err);
    *rows = 0;
    for (int g = 0; rc == 0 && g < silt_pq_reader_num_row_groups(r); g++) {
        silt_batch *b;
        rc = silt_pq_reader_read_row_group(r, g, NULL, 0, &b, err);
        if (rc) break;
        silt_buf out = SILT_BUF_INIT;
        rc = silt_canon_batch(&out, b);
        silt_buf_free(&out);
        *rows += b->n_rows;
        silt_batch_destroy(b);
    }
    silt_pq_reader_destroy(r);
    silt_pq_source_destroy(src);
    return rc;
}

/* ---- Thrift compact protocol */

static void test_thrift_basic(void **state)
{
    (void)state;
    /* struct { 1: i32 = -3, 2: binary "ab", 5: bool true, 20: i64 = 300 } */
    const uint8_t b[] = {0x15, 0x05, 0x18, 0x02, 'a', 'b', 0x31, 0x06, 0x28, 0xd8, 0x04, 0x00};
    silt_thrift_dec d;
    silt_thrift_dec_init(&d, b, sizeof b);
    int16_t last = 0, id;
    int t;
    int32_t v32;
    int64_t v64;
    const uint8_t *p;
    size_t n;
    assert_int_equal(silt_thrift_struct_begin(&d), 0);
    assert_int_equal(silt_thrift_read_field(&d, &t, &id, &last), 0);
    assert_int_equal(t, SILT_THRIFT_I32);
    assert_int_equal(id, 1);
    assert_int_equal(silt_thrift_read_i32(&d, &v32), 0);
    assert_int_equal(v32, -3);
    assert_int_equal(silt_thrift_read_field(&d, &t, &id, &last), 0);
    assert_int_equal(t, SILT_THRIFT_BINARY);
    assert_int_equal(id, 2);
    assert_int_equal(silt_thrift_read_binary(&d, &p, &n), 0);
    assert_int_equal(n, 2);
    assert_memory_equal(p, "ab", 2);
    assert_int_equal(silt_thrift_read_field(&d, &t, &id, &last), 0);
    assert_int_equal(id, 5);
    assert_true(silt_thrift_field_bool(t));
    assert_int_equal(silt_thrift_read_field(&d, &t, &id, &last), 0);
    assert_int_equal(t, SILT_THRIFT_I64);
    assert_int_equal(id, 20);
    assert_int_equal(silt_thrift_read_i64(&d, &v64), 0);
    assert_int_equal(v64, 300);
    assert_int_equal(silt_thrift_read_field(&d, &t, &id, &last), 0);
    assert_int_equal(t, SILT_THRIFT_STOP);
    assert_false(d.failed);
}

static void test_thrift_errors(void **state)
{
    (void)state;
    silt_thrift_dec d;
    /* binary whose length runs past the end */
    const uint8_t b1[] = {0x10, 'x'};
    const uint8_t *p;
    size_t n;
    silt_thrift_dec_init(&d, b1, sizeof b1);
    assert_int_equal(silt_thrift_read_binary(&d, &p, &n), -1);
    assert_true(d.failed);
    /* an 11-byte varint */
    const uint8_t b2[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    uint64_t u;
    silt_thrift_dec_init(&d, b2, sizeof b2);
    assert_int_equal(silt_thrift_read_varint(&d, &u), -1);
    /* structs nested past the depth limit: field 1 of type struct, repeated */
    uint8_t deep[200];
    memset(deep, 0x1c, sizeof deep);
    silt_thrift_dec_init(&d, deep, sizeof deep);
    assert_int_equal(silt_thrift_skip(&d, SILT_THRIFT_STRUCT), -1);
    assert_non_null(strstr(d.why, "deep"));
    /* a list claiming more elements than bytes */
    const uint8_t b3[] = {0xf5, 0xff, 0xff, 0x03, 0x00};
    silt_thrift_dec_init(&d, b3, sizeof b3);
    assert_int_equal(silt_thrift_skip(&d, SILT_THRIFT_LIST), -1);
    /* truncated at every byte: a struct with a nested list must fail, never read past */
    const uint8_t full[] = {0x15, 0x04, 0x19, 0x35, 0x02, 0x04, 0x06, 0x18, 0x01, 'z', 0x00};
    for (size_t k = 0; k < sizeof full; k++) {
        uint8_t *cut = malloc(k ? k : 1);
        memcpy(cut, full, k);
        silt_thrift_dec_init(&d, cut, k);
        assert_int_equal(silt_thrift_skip(&d, SILT_THRIFT_STRUCT), -1);
        free(cut);
    }
    silt_thrift_dec_init(&d, full, sizeof full);
    assert_int_equal(silt_thrift_skip(&d, SILT_THRIFT_STRUCT), 0);
    assert_int_equal(silt_thrift_dec_pos(&d), sizeof full);
}

static void test_page_header(void **state)
{
    (void)state;
    /* PageHeader{1: type DATA_PAGE, 2: 10, 3: 8, 4: crc 7, 5: DataPageHeader{1: 3, 2: PLAIN,
     * 3: RLE, 4: RLE}} */
    const uint8_t b[] = {0x15, 0x00, 0x15, 0x14, 0x15, 0x10, 0x15, 0x0e, 0x1c, 0x15,
                         0x06, 0x15, 0x00, 0x15, 0x06, 0x15, 0x06, 0x00, 0x00};
    silt_pq_page_header h;
    size_t used;
    silt_error err;
    silt_error_clear(&err);
    assert_int_equal(silt_pq_page_header_parse(&h, &used, b, sizeof b, &err), 0);
    assert_int_equal(used, sizeof b);
    assert_int_equal(h.type, SILT_PQ_PAGE_DATA);
    assert_int_equal(h.uncompressed_size, 10);
    assert_int_equal(h.compressed_size, 8);
    assert_true(h.has_crc);
    assert_int_equal(h.crc, 7);
    assert_int_equal(h.num_values, 3);
    assert_int_equal(h.encoding, SILT_PQ_ENC_PLAIN);
    assert_int_equal(h.def_encoding, SILT_PQ_ENC_RLE);
    assert_true(h.has_type_header);
    for (size_t k = 0; k < sizeof b - 1; k++)
        assert_int_equal(silt_pq_page_header_parse(&h, &used, b, k, &err), SILT_ECORRUPT);
}

/* ---- levels and bit packing */

static void test_rle_hybrid(void **state)
{
    (void)state;
    silt_error err;
    silt_error_clear(&err);
    /* Encodings.md: bit-packed run of 0..7 with width 3, then an RLE run of ten 5s */
    const uint8_t b[] = {0x03, 0x88, 0xc6, 0xfa, 0x14, 0x05};
    silt_pq_rle r;
    uint32_t out[18];
    assert_int_equal(silt_pq_rle_init(&r, b, sizeof b, 3, &err), 0);
    assert_int_equal(silt_pq_rle_read32(&r, out, 3, &err), 0);
    assert_int_equal(silt_pq_rle_read32(&r, out + 3, 15, &err), 0);
    for (int i = 0; i < 8; i++) assert_int_equal(out[i], i);
    for (int i = 8; i < 18; i++) assert_int_equal(out[i], 5);
    /* one more value: the data is exhausted */
    assert_int_equal(silt_pq_rle_read32(&r, out, 1, &err), SILT_ECORRUPT);
    /* 16-bit variant */
    uint16_t o16[18];
    assert_int_equal(silt_pq_rle_init(&r, b, sizeof b, 3, &err), 0);
    assert_int_equal(silt_pq_rle_read16(&r, o16, 18, &err), 0);
    assert_int_equal(o16[7], 7);
    assert_int_equal(o16[17], 5);
    /* bad widths and truncated RLE values */
    assert_int_equal(silt_pq_rle_init(&r, b, sizeof b, 33, &err), SILT_ECORRUPT);
    const uint8_t t[] = {0x14};
    silt_pq_rle_init(&r, t, sizeof t, 8, &err);
    assert_int_equal(silt_pq_rle_read32(&r, out, 1, &err), SILT_ECORRUPT);
}

static void test_bitpacked_legacy_and_unpack(void **state)
{
    (void)state;
    silt_error err;
    silt_error_clear(&err);
    /* Encodings.md BIT_PACKED: 0..7 with width 3, most significant bit first */
    const uint8_t b[] = {0x05, 0x39, 0x77};
    uint16_t out[8];
    assert_int_equal(silt_pq_bitpacked_msb16(out, 8, b, sizeof b, 3, &err), 0);
    for (int i = 0; i < 8; i++) assert_int_equal(out[i], i);
    assert_int_equal(silt_pq_bitpacked_msb16(out, 9, b, sizeof b, 3, &err), SILT_ECORRUPT);
    /* unpack every width against a reference packer */
    for (int w = 0; w <= 32; w++) {
        uint32_t vals[37], got[37];
        uint8_t buf[37 * 4 + 8];
        memset(buf, 0, sizeof buf);
        uint64_t bit = 0;
        for (int i = 0; i < 37; i++) {
            uint64_t v =
                w == 0 ? 0
                       : ((uint64_t)i * 2654435761u) & ((w == 32) ? 0xffffffffu : ((1u << w) - 1));
            vals[i] = (uint32_t)v;
            for (int k = 0; k < w; k++, bit++)
                if ((v >> k) & 1) buf[bit >> 3] |= (uint8_t)(1u << (bit & 7));
        }
        silt_pq_unpack32(got, buf, 37, w);
        assert_memory_equal(got, vals, sizeof vals);
    }
    assert_int_equal(silt_pq_bit_width(0), 0);
    assert_int_equal(silt_pq_bit_width(1), 1);
    assert_int_equal(silt_pq_bit_width(255), 8);
}

/* ---- value encodings */

static void test_delta_binary_packed(void **state)
{
    (void)state;
    silt_error err;
    silt_error_clear(&err);
    int64_t out[8];
    size_t used;
    /* 1,2,3,4,5: constant delta, all widths 0 */
    const uint8_t a[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00};
    assert_int_equal(silt_pq_decode_delta_binary(out, 5, a, sizeof a, &used, &err), 0);
    for (int i = 0; i < 5; i++) assert_int_equal(out[i], i + 1);
    assert_int_equal(used, sizeof a);
    /* 7,5,3,1,2,3,4,5: min delta -2, width 2 in the first miniblock */
    const uint8_t b[] = {0x80, 0x01, 0x04, 0x08, 0x0e, 0x03, 0x02, 0x00, 0x00,
                         0x00, 0xc0, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    const int64_t want[] = {7, 5, 3, 1, 2, 3, 4, 5};
    assert_int_equal(silt_pq_decode_delta_binary(out, 8, b, sizeof b, &used, &err), 0);
    assert_memory_equal(out, want, sizeof want);
    assert_int_equal(used, sizeof b);
    /* truncated miniblock, more values than the header holds, bad block size */
    assert_int_equal(silt_pq_decode_delta_binary(out, 8, b, sizeof b - 1, &used, &err),
                     SILT_ECORRUPT);
    assert_int_equal(silt_pq_decode_delta_binary(out, 6, a, sizeof a, &used, &err), SILT_ECORRUPT);
    const uint8_t c[] = {0x7f, 0x04, 0x05, 0x02};
    assert_int_equal(silt_pq_decode_delta_binary(out, 1, c, sizeof c, &used, &err), SILT_ECORRUPT);
}

static void check_bin(const silt_pq_bin *b, const char *const *want, int n)
{
    assert_int_equal(b->n, n);
    for (int i = 0; i < n; i++) {
        size_t len = (size_t)(b->offsets[i + 1] - b->offsets[i]);
        assert_int_equal(len, strlen(want[i]));
        assert_memory_equal(b->data + b->offsets[i], want[i], len);
    }
}

static void test_delta_byte_arrays(void **state)
{
    (void)state;
    silt_error err;
    silt_error_clear(&err);
    /* DELTA_LENGTH_BYTE_ARRAY of Hello, World, Foobar, ABCDEF */
    const uint8_t dl[] = {0x80, 0x01, 0x04, 0x04, 0x0a, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00,
                          0x00, 0x00, 'H',  'e',  'l',  'l',  'o',  'W',  'o',  'r',  'l',  'd',
                          'F',  'o',  'o',  'b',  'a',  'r',  'A',  'B',  'C',  'D',  'E',  'F'};
    const char *w1[] = {"Hello", "World", "Foobar", "ABCDEF"};
    silt_pq_bin b = {0};
    assert_int_equal(silt_pq_decode_delta_length(&b, dl, sizeof dl, 4, &err), 0);
    check_bin(&b, w1, 4);
    silt_pq_bin_free(&b);
    assert_int_equal(silt_pq_decode_delta_length(&b, dl, sizeof dl - 1, 4, &err), SILT_ECORRUPT);
    silt_pq_bin_free(&b);
    /* DELTA_BYTE_ARRAY of axis, axle, babble, babyhood */
    uint8_t da[128];
    size_t n = 0;
    const uint8_t pre[] = {0x80, 0x01, 0x04, 0x04, 0x00, 0x03, 0x03, 0x00, 0x00, 0x00, 0x44, 0x01};
    const uint8_t suf[] = {0x80, 0x01, 0x04, 0x04, 0x08, 0x03, 0x03, 0x00, 0x00, 0x00, 0x70};
    memcpy(da + n, pre, sizeof pre);
    n += sizeof pre;
    memset(da + n, 0, 10);
    n += 10;
    memcpy(da + n, suf, sizeof suf);
    n += sizeof suf;
    memset(da + n, 0, 11);
    n += 11;
    memcpy(da + n, "axislebabbleyhood", 17);
    n += 17;
    const char *w2[] = {"axis", "axle", "babble", "babyhood"};
    assert_int_equal(silt_pq_decode_delta_byte_array(&b, da, n, 4, &err), 0);
    check_bin(&b, w2, 4);
    silt_pq_bin_free(&b);
    /* a first prefix longer than the previous value is corrupt */
    da[4] = 0x02;
    assert_int_equal(silt_pq_decode_delta_byte_array(&b, da, n, 4, &err), SILT_ECORRUPT);
    silt_pq_bin_free(&b);
}

static void test_plain_and_byte_stream_split(void **state)
{
    (void)state;
    silt_error err;
    silt_error_clear(&err);
    const uint8_t p[] = {2, 0, 0, 0, 'h', 'i', 0, 0, 0, 0, 3, 0, 0, 0, 'a', 'b', 'c'};
    silt_pq_bin b = {0};
    size_t used;
    const char *w[] = {"hi", "", "abc"};
    assert_int_equal(silt_pq_decode_plain_bin(&b, p, sizeof p, 3, &used, &err), 0);
    check_bin(&b, w, 3);
    assert_int_equal(used, sizeof p);
    silt_pq_bin_free(&b);
    assert_int_equal(silt_pq_decode_plain_bin(&b, p, sizeof p - 1, 3, &used, &err), SILT_ECORRUPT);
    silt_pq_bin_free(&b);
    uint8_t bools[10];
    const uint8_t bb[] = {0xa5, 0x02};
    assert_int_equal(silt_pq_decode_plain_bool(bools, bb, 2, 10, &err), 0);
    const uint8_t wb[] = {1, 0, 1, 0, 0, 1, 0, 1, 0, 1};
    assert_memory_equal(bools, wb, 10);
    assert_int_equal(silt_pq_decode_plain_bool(bools, bb, 1, 10, &err), SILT_ECORRUPT);
    /* two floats 1.5 and -2.0 split into byte streams */
    float f[2] = {1.5f, -2.0f};
    uint8_t raw[8], split[8], back[8];
    memcpy(raw, f, 8);
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 2; i++) split[k * 2 + i] = raw[i * 4 + k];
    assert_int_equal(silt_pq_decode_byte_stream_split(back, split, 8, 2, 4, &err), 0);
    assert_memory_equal(back, raw, 8);
    assert_int_equal(silt_pq_decode_byte_stream_split(back, split, 7, 2, 4, &err), SILT_ECORRUPT);
}

/* ---- codecs */

static void test_codecs(void **state)
{
    (void)state;
    silt_error err;
    silt_error_clear(&err);
    char plain[4000];
    for (size_t i = 0; i < sizeof plain; i++) plain[i] = (char)("abcab"[i % 5] + (i % 97 == 0));
    uint8_t comp[8192], out[4000];
    /* snappy */
    size_t clen = sizeof comp;
    assert_int_equal(snappy_compress(plain, sizeof plain, (char *)comp, &clen), SNAPPY_OK);
    assert_int_equal(silt_pq_decompress(SILT_PQ_CODEC_SNAPPY, comp, clen, out, sizeof out, &err),
                     0);
    assert_memory_equal(out, plain, sizeof plain);
    assert_int_equal(
        silt_pq_decompress(SILT_PQ_CODEC_SNAPPY, comp, clen - 1, out, sizeof out, &err),
        SILT_ECORRUPT);
    /* zstd */
    clen = ZSTD_compress(comp, sizeof comp, plain, sizeof plain, 3);
    assert_false(ZSTD_isError(clen));
    assert_int_equal(silt_pq_decompress(SILT_PQ_CODEC_ZSTD, comp, clen, out, sizeof out, &err), 0);
    assert_memory_equal(out, plain, sizeof plain);
    assert_int_equal(silt_pq_decompress(SILT_PQ_CODEC_ZSTD, comp, clen, out, sizeof out - 1, &err),
                     SILT_ECORRUPT);
    /* lz4_raw */
    int l = LZ4_compress_default(plain, (char *)comp, (int)sizeof plain, (int)sizeof comp);
    assert_true(l > 0);
    assert_int_equal(
        silt_pq_decompress(SILT_PQ_CODEC_LZ4_RAW, comp, (size_t)l, out, sizeof out, &err), 0);
    assert_memory_equal(out, plain, sizeof plain);
    /* legacy Hadoop-framed LZ4: [u32be raw size][u32be block size][block] */
    uint8_t framed[8200];
    int bl = LZ4_compress_default(plain, (char *)framed + 8, (int)sizeof plain, 8000);
    assert_true(bl > 0);
    const uint32_t sizes[2] = {(uint32_t)sizeof plain, (uint32_t)bl};
    for (int k = 0; k < 2; k++)
        for (int b = 0; b < 4; b++) framed[4 * k + b] = (uint8_t)(sizes[k] >> (24 - 8 * b));
    memset(out, 0, sizeof out);
    assert_int_equal(
        silt_pq_decompress(SILT_PQ_CODEC_LZ4, framed, (size_t)bl + 8, out, sizeof out, &err), 0);
    assert_memory_equal(out, plain, sizeof plain);
    /* gzip: two members, each half of the text */
    size_t total = 0;
    for (int m = 0; m < 2; m++) {
        z_stream z;
        memset(&z, 0, sizeof z);
        assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
        z.next_in = (Bytef *)plain + m * 2000;
        z.avail_in = 2000;
        z.next_out = comp + total;
        z.avail_out = (uInt)(sizeof comp - total);
        assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
        total += z.total_out;
        deflateEnd(&z);
    }
    assert_int_equal(silt_pq_decompress(SILT_PQ_CODEC_GZIP, comp, total, out, sizeof out, &err), 0);
    assert_memory_equal(out, plain, sizeof plain);
    assert_int_equal(silt_pq_decompress(SILT_PQ_CODEC_GZIP, comp, total - 3, out, sizeof out, &err),
                     SILT_ECORRUPT);
    assert_int_equal(silt_pq_decompress(SILT_PQ_CODEC_BROTLI, comp, total, out, sizeof out, &err),
                     SILT_EUNSUPPORTED);
}

/* ---- whole files */

static void test_read_fixture_projection(void **state)
{
    (void)state;
    size_t n;
    uint8_t *data = load_fixture("parquet-testing/alltypes_plain.parquet", &n);
    silt_pq_source *src = silt_pq_source_mem(data, n, "alltypes_plain.parquet");
    silt_pq_reader *r;
    silt_error err;
    silt_error_clear(&err);
    assert_int_equal(silt_pq_reader_open(&r, src, &err), 0);
    assert_int_equal(silt_pq_reader_num_rows(r), 8);
    const silt_schema *s = silt_pq_reader_schema(r);
    assert_int_equal(s->n_fields, 11);
    assert_int_equal(s->fields[10].type, SILT_TYPE_TIMESTAMP); /* INT96 */
    int cols[] = {9, 0};
    silt_batch *b;
    assert_int_equal(silt_pq_reader_read_row_group(r, 0, cols, 2, &b, &err), 0);
    assert_int_equal(b->n_cols, 2);
    assert_string_equal(b->schema->fields[0].name, "string_col");
    assert_string_equal(b->schema->fields[1].name, "id");
    silt_buf out = SILT_BUF_INIT;
    assert_int_equal(silt_canon_row(&out, b, 0), 0);
    assert_int_equal(silt_buf_cstr(&out), 0);
    assert_string_equal((char *)out.ptr, "x'30'\t4");
    silt_buf_free(&out);
    silt_batch_destroy(b);
    int bad[] = {11};
    assert_int_equal(silt_pq_reader_read_row_group(r, 0, bad, 1, &b, &err), SILT_EINVAL);
    assert_int_equal(silt_pq_reader_read_row_group(r, 1, NULL, 0, &b, &err), SILT_EINVAL);
    silt_pq_reader_destroy(r);
    silt_pq_source_destroy(src);
    free(data);
}

/* The statistics of column `name` in row group 0. */
static void stats_of(silt_pq_rg_stats *st, silt_pq_reader *r, const char *name)
{
    silt_error err;
    silt_error_clear(&err);
    long c = silt_schema_find(silt_pq_reader_schema(r), name);
    assert_true(c >= 0);
    assert_int_equal(silt_pq_reader_row_group_stats(st, r, 0, (int)c, &err), 0);
}

static void test_statistics(void **state)
{
    (void)state;
    size_t n;
    uint8_t *data =
        load_fixture("spark-streaming-table/"
                     "part-00000-31bf7eb8-ac64-4319-81a7-49739bc384a7-c000.snappy.parquet",
                     &n);
    silt_pq_source *src = silt_pq_source_mem(data, n, "spark.parquet");
    silt_pq_reader *r;
    silt_error err;
    silt_error_clear(&err);
    assert_int_equal(silt_pq_reader_open(&r, src, &err), 0);
    /* one row: Quantity 1, Price 6.19, Country "United Kingdom" */
    silt_pq_rg_stats st;
    stats_of(&st, r, "Quantity");
    assert_true(st.has_min_max);
    assert_int_equal(st.num_values, 1);
    assert_int_equal(st.null_count, 0);
    assert_int_equal(silt_column_get_int(&st.min_max, 0), 1);
    assert_int_equal(silt_column_get_int(&st.min_max, 1), 1);
    silt_pq_rg_stats_clear(&st);
    stats_of(&st, r, "Price");
    assert_true(st.has_min_max);
    double price = st.min_max.type == SILT_TYPE_FLOAT ? ((float *)(void *)st.min_max.values)[1]
                                                      : ((double *)(void *)st.min_max.values)[1];
    assert_true(price > 6.18 && price < 6.20);
    silt_pq_rg_stats_clear(&st);
    stats_of(&st, r, "Country");
    assert_true(st.has_min_max);
    size_t len;
    const uint8_t *s = silt_column_bytes(&st.min_max, 0, &len);
    assert_int_equal(len, 14);
    assert_memory_equal(s, "United Kingdom", 14);
    s = silt_column_bytes(&st.min_max, 1, &len);
    assert_int_equal(len, 14);
    assert_memory_equal(s, "United Kingdom", 14);
    assert_int_equal(st.null_count, 0);
    silt_pq_rg_stats_clear(&st);
    assert_int_equal(silt_pq_reader_row_group_stats(&st, r, 1, 0, &err), SILT_EINVAL);
    assert_int_equal(silt_pq_reader_row_group_stats(&st, r, 0, 999, &err), SILT_EINVAL);
    silt_pq_reader_destroy(r);
    silt_pq_source_destroy(src);
    free(data);
}

static void test_statistics_dates(void **state)
{
    (void)state;
    size_t n;
    uint8_t *data =
        load_fixture("delta-golden/data-reader-date-types-utc/delta/"
                     "part-00001-0108113a-2933-41b3-b9a6-e68bb9ed25cc-c000.snappy.parquet",
                     &n);
    silt_pq_source *src = silt_pq_source_mem(data, n, "dates.parquet");
    silt_pq_reader *r;
    silt_error err;
    silt_error_clear(&err);
    assert_int_equal(silt_pq_reader_open(&r, src, &err), 0);
    /* one row: date 2020-01-01 (day 18262 since 1970-01-01) */
    silt_pq_rg_stats st;
    stats_of(&st, r, "date");
    assert_true(st.has_min_max);
    assert_int_equal(st.min_max.type, SILT_TYPE_DATE32);
    assert_int_equal(silt_column_get_int(&st.min_max, 0), 18262);
    assert_int_equal(silt_column_get_int(&st.min_max, 1), 18262);
    silt_pq_rg_stats_clear(&st);
    /* INT96 statistics are not comparable: no bounds */
    stats_of(&st, r, "timestamp");
    assert_false(st.has_min_max);
    silt_pq_rg_stats_clear(&st);
    silt_pq_reader_destroy(r);
    silt_pq_source_destroy(src);
    free(data);
}

static void test_every_prefix_fails(void **state)
{
    (void)state;
    const char *files[] = {"parquet-testing/nested_maps.snappy.parquet",
                           "parquet-testing/datapage_v2.snappy.parquet",
                           "parquet-testing/rle-dict-snappy-checksum.parquet"};
    for (size_t f = 0; f < 3; f++) {
        size_t n;
        uint8_t *data = load_fixture(files[f], &n);
        int64_t rows;
        silt_error err;
        silt_error_clear(&err);
        assert_int_equal(read_all(data, n, &rows, &err), 0);
        assert_true(rows > 0);
        for (size_t k = 0; k < n; k++) {
            uint8_t *cut = malloc(k ? k : 1);
            memcpy(cut, data, k);
            silt_error_clear(&err);
            int rc = read_all(cut, k, &rows, &err);
            if (rc == 0) fail_msg("%s: prefix of %zu bytes was accepted", files[f], k);
            assert_string_equal(err.path, "mem.parquet");
            free(cut);
        }
        free(data);
    }
}

static void test_bit_flips(void **state)
{
    (void)state;
    size_t n;
    /* every page carries a CRC: a flip inside any page must be caught */
    uint8_t *data = load_fixture("parquet-testing/rle-dict-snappy-checksum.parquet", &n);
    silt_pq_source *src = silt_pq_source_mem(data, n, "x");
    silt_pq_reader *r;
    silt_error err;
    silt_error_clear(&err);
    assert_int_equal(silt_pq_reader_open(&r, src, &err), 0);
    const silt_pq_file_meta *m = silt_pq_reader_meta(r);
    /* mark the page bodies (the bytes each CRC covers) by walking the page headers */
    uint8_t *in_body = calloc(n, 1);
    int crc_pages = 0;
    assert_non_null(in_body);
    for (size_t c = 0; c < m->row_groups[0].n_columns; c++) {
        const silt_pq_column_meta *cm = &m->row_groups[0].columns[c].meta;
        int64_t s =
            cm->dictionary_page_offset > 0 ? cm->dictionary_page_offset : cm->data_page_offset;
        int64_t end = s + cm->total_compressed_size;
        while (s < end) {
            silt_pq_page_header h;
            size_t hl;
            assert_int_equal(silt_pq_page_header_parse(&h, &hl, data + s, (size_t)(end - s), &err),
                             0);
            if (h.has_crc) {
                memset(in_body + s + (int64_t)hl, 1, (size_t)h.compressed_size);
                crc_pages++;
            }
            s += (int64_t)hl + h.compressed_size;
        }
    }
    assert_true(crc_pages > 0);
    silt_pq_reader_destroy(r);
    silt_pq_source_destroy(src);
    int caught = 0, tried = 0;
    for (size_t pos = 0; pos < n; pos += 7) {
        for (int bit = 0; bit < 8; bit += 3) {
            data[pos] ^= (uint8_t)(1u << bit);
            int64_t rows;
            silt_error_clear(&err);
            int rc = read_all(data, n, &rows, &err);
            data[pos] ^= (uint8_t)(1u << bit);
            tried++;
            if (rc) caught++;
            /* flips in page bytes other than headers' size fields are CRC failures */
            if (in_body[pos] && rc == 0)
                fail_msg("flip at byte %zu bit %d inside the pages was not detected", pos, bit);
        }
    }
    assert_true(caught > tried / 4);
    free(in_body);
    free(data);
}

static void test_oom(void **state)
{
    (void)state;
    size_t n;
    uint8_t *data = load_fixture("parquet-testing/nested_maps.snappy.parquet", &n);
    int64_t rows;
    silt_error err;
    int failures = 0;
    for (uint64_t k = 1; k < 2000; k++) {
        silt_alloc_fail_nth(k);
        silt_error_clear(&err);
        int rc = read_all(data, n, &rows, &err);
        silt_alloc_fail_nth(0);
        if (rc == 0) break;
        assert_int_equal(rc, SILT_ENOMEM);
        failures++;
    }
    assert_true(failures > 10);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thrift_basic),
        cmocka_unit_test(test_thrift_errors),
        cmocka_unit_test(test_page_header),
        cmocka_unit_test(test_rle_hybrid),
        cmocka_unit_test(test_bitpacked_legacy_and_unpack),
        cmocka_unit_test(test_delta_binary_packed),
        cmocka_unit_test(test_delta_byte_arrays),
        cmocka_unit_test(test_plain_and_byte_stream_split),
        cmocka_unit_test(test_codecs),
        cmocka_unit_test(test_read_fixture_projection),
        cmocka_unit_test(test_statistics),
        cmocka_unit_test(test_statistics_dates),
        cmocka_unit_test(test_every_prefix_fails),
        cmocka_unit_test(test_bit_flips),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
