/* Unit tests of the Parquet writer: the Thrift compact encoder, the level / value encoders
 * against hand-computed bytes (apache/parquet-format Encodings.md), statistics with truncation,
 * argument errors, and out-of-memory paths (every allocation failed in turn). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "batch/batch.h"
#include "parquet/compress.h"
#include "parquet/encode.h"
#include "parquet/thrift_enc.h"
#include "parquet/writer.h"
#include "support/oom.h"
#include "util/alloc.h"

static void expect_bytes(const silt_buf *b, const uint8_t *want, size_t n)
{
    assert_false(silt_buf_oom(b));
    assert_int_equal(b->len, n);
    assert_memory_equal(b->ptr, want, n);
}

/* ---- Thrift compact protocol ---- */

static void test_thrift_varints(void **state)
{
    (void)state;
    silt_buf b = SILT_BUF_INIT;
    silt_thrift_enc_uvarint(&b, 0);
    silt_thrift_enc_uvarint(&b, 127);
    silt_thrift_enc_uvarint(&b, 128);
    silt_thrift_enc_uvarint(&b, 300);
    const uint8_t want[] = {0x00, 0x7f, 0x80, 0x01, 0xac, 0x02};
    expect_bytes(&b, want, sizeof want);
    assert_int_equal(silt_thrift_enc_zigzag(0), 0);
    assert_int_equal(silt_thrift_enc_zigzag(-1), 1);
    assert_int_equal(silt_thrift_enc_zigzag(1), 2);
    assert_int_equal(silt_thrift_enc_zigzag(-2), 3);
    assert_true(silt_thrift_enc_zigzag(INT64_MIN) == UINT64_MAX);
    assert_true(silt_thrift_enc_zigzag(INT64_MAX) == UINT64_MAX - 1);
    silt_buf_free(&b);
}

static void test_thrift_struct(void **state)
{
    (void)state;
    silt_buf b = SILT_BUF_INIT;
    silt_thrift_enc e;
    silt_thrift_enc_init(&e, &b);
    silt_thrift_enc_struct_begin(&e);
    silt_thrift_enc_field_i32(&e, 1, -1);               /* 0x15 0x01 */
    silt_thrift_enc_field_i64(&e, 3, 300);              /* delta 2, type 6: 0x26 0xd8 0x04 */
    silt_thrift_enc_field_string(&e, 4, "ab");          /* 0x18 0x02 'a' 'b' */
    silt_thrift_enc_field_bool(&e, 5, true);            /* 0x11 */
    silt_thrift_enc_field_bool(&e, 6, false);           /* 0x12 */
    silt_thrift_enc_field_struct(&e, 30);               /* long form: 0x0c zigzag(30)=0x3c */
    silt_thrift_enc_field_i8(&e, 1, -3);                /* 0x13 0xfd */
    silt_thrift_enc_struct_end(&e);                     /* 0x00 */
    silt_thrift_enc_field_list(&e, 31, SILT_TC_I32, 2); /* 0x19 0x25 */
    silt_thrift_enc_i32(&e, 1);
    silt_thrift_enc_i32(&e, -2);
    silt_thrift_enc_field_list(&e, 32, SILT_TC_STRUCT, 15); /* 0x19 0xfc 0x0f */
    for (int i = 0; i < 15; i++) {
        silt_thrift_enc_struct_begin(&e);
        silt_thrift_enc_struct_end(&e);
    }
    silt_thrift_enc_field_i16(&e, 50, 7); /* delta 18: long form 0x04 zigzag(50)=0x64 0x0e */
    silt_thrift_enc_struct_end(&e);
    assert_int_equal(silt_thrift_enc_status(&e), 0);
    const uint8_t head[] = {0x15, 0x01, 0x26, 0xd8, 0x04, 0x18, 0x02, 'a',  'b',  0x11, 0x12, 0x0c,
                            0x3c, 0x13, 0xfd, 0x00, 0x19, 0x25, 0x02, 0x03, 0x19, 0xfc, 0x0f};
    assert_true(b.len == sizeof head + 15 + 4);
    assert_memory_equal(b.ptr, head, sizeof head);
    for (int i = 0; i < 15; i++) assert_int_equal(b.ptr[sizeof head + i], 0);
    const uint8_t tail[] = {0x04, 0x64, 0x0e, 0x00};
    assert_memory_equal(b.ptr + sizeof head + 15, tail, 4);
    silt_buf_free(&b);
}

static void test_thrift_unbalanced(void **state)
{
    (void)state;
    silt_buf b = SILT_BUF_INIT;
    silt_thrift_enc e;
    silt_thrift_enc_init(&e, &b);
    silt_thrift_enc_struct_begin(&e);
    assert_int_equal(silt_thrift_enc_status(&e), SILT_EINVAL);
    silt_thrift_enc_struct_end(&e);
    assert_int_equal(silt_thrift_enc_status(&e), 0);
    silt_thrift_enc_struct_end(&e);
    assert_int_equal(silt_thrift_enc_status(&e), SILT_EINVAL);
    silt_buf_free(&b);
}

/* ---- bit packing and the RLE hybrid ---- */

static void test_bitpack(void **state)
{
    (void)state;
    silt_buf b = SILT_BUF_INIT;
    const uint32_t v[] = {0, 1, 2, 3, 4, 5, 6, 7};
    assert_int_equal(silt_pq_bitpack_u32(&b, v, 8, 3), 0);
    const uint8_t want[] = {0x88, 0xc6, 0xfa}; /* Encodings.md example */
    expect_bytes(&b, want, 3);
    silt_buf_reset(&b);
    const uint64_t w[] = {UINT64_MAX, 1};
    assert_int_equal(silt_pq_bitpack_u64(&b, w, 2, 64), 0);
    const uint8_t want64[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                              1,    0,    0,    0,    0,    0,    0,    0};
    expect_bytes(&b, want64, 16);
    silt_buf_reset(&b);
    const uint64_t x[] = {0x1ffffffffull, 0, 1}; /* 33 bits each */
    assert_int_equal(silt_pq_bitpack_u64(&b, x, 3, 33), 0);
    const uint8_t want33[] = {0xff, 0xff, 0xff, 0xff, 0x01, 0, 0, 0, 0x04, 0, 0, 0, 0};
    expect_bytes(&b, want33, sizeof want33);
    silt_buf_free(&b);
}

static void test_rle_hybrid(void **state)
{
    (void)state;
    silt_buf b = SILT_BUF_INIT;
    uint32_t run[10];
    for (int i = 0; i < 10; i++) run[i] = 5;
    assert_int_equal(silt_pq_rle_u32(&b, run, 10, 3), 0);
    const uint8_t w1[] = {0x14, 0x05}; /* RLE run: header 10<<1, value in 1 byte */
    expect_bytes(&b, w1, 2);

    silt_buf_reset(&b);
    const uint32_t seq[] = {0, 1, 2, 3, 4, 5, 6, 7};
    assert_int_equal(silt_pq_rle_u32(&b, seq, 8, 3), 0);
    const uint8_t w2[] = {0x03, 0x88, 0xc6, 0xfa}; /* one bit-packed group */
    expect_bytes(&b, w2, 4);

    silt_buf_reset(&b);
    const uint8_t few[] = {1, 2, 3};
    assert_int_equal(silt_pq_rle_u8(&b, few, 3, 2), 0);
    const uint8_t w3[] = {0x03, 0x39, 0x00}; /* padded to a group of 8: 2 bytes */
    expect_bytes(&b, w3, 3);

    silt_buf_reset(&b);
    const uint8_t mixed[] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 2};
    assert_int_equal(silt_pq_rle_u8(&b, mixed, 10, 2), 0);
    const uint8_t w4[] = {0x10, 0x00, 0x03, 0x09, 0x00};
    expect_bytes(&b, w4, 5);

    silt_buf_reset(&b);
    uint8_t many[300];
    memset(many, 1, sizeof many);
    assert_int_equal(silt_pq_rle_u8_prefixed(&b, many, 300, 1), 0);
    const uint8_t w5[] = {0x03, 0, 0, 0, 0xd8, 0x04, 0x01}; /* length 3, run of 300 */
    expect_bytes(&b, w5, 7);

    silt_buf_reset(&b);
    const uint32_t wide[] = {0x12345678, 0x12345678, 0x12345678, 0x12345678,
                             0x12345678, 0x12345678, 0x12345678, 0x12345678};
    assert_int_equal(silt_pq_rle_u32(&b, wide, 8, 32), 0);
    const uint8_t w6[] = {0x10, 0x78, 0x56, 0x34, 0x12};
    expect_bytes(&b, w6, 5);

    /* 16 alternating values then a run: two groups bit-packed, then the run */
    silt_buf_reset(&b);
    uint8_t alt[26];
    for (int i = 0; i < 16; i++) alt[i] = (uint8_t)(i & 1);
    memset(alt + 16, 1, 10);
    assert_int_equal(silt_pq_rle_u8(&b, alt, 26, 1), 0);
    const uint8_t w7[] = {0x05, 0xaa, 0xaa, 0x14, 0x01};
    expect_bytes(&b, w7, 5);
    silt_buf_free(&b);
}

static void test_plain_bool(void **state)
{
    (void)state;
    silt_buf b = SILT_BUF_INIT;
    const uint8_t v[] = {1, 0, 1, 1, 0, 0, 0, 0, 1};
    assert_int_equal(silt_pq_plain_bool(&b, v, 9), 0);
    const uint8_t want[] = {0x0d, 0x01};
    expect_bytes(&b, want, 2);
    silt_buf_free(&b);
}

/* ---- DELTA_BINARY_PACKED ---- */

static void test_delta(void **state)
{
    (void)state;
    silt_buf b = SILT_BUF_INIT;
    const int32_t v1[] = {1, 2, 3, 4, 5}; /* Encodings.md example 1 */
    assert_int_equal(silt_pq_delta_i32(&b, v1, 5), 0);
    const uint8_t w1[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0};
    expect_bytes(&b, w1, sizeof w1);

    silt_buf_reset(&b);
    const int64_t v2[] = {7, 5, 3, 1, 2, 3, 4, 5}; /* Encodings.md example 2 */
    assert_int_equal(silt_pq_delta_i64(&b, v2, 8), 0);
    const uint8_t w2[] = {0x80, 0x01, 0x04, 0x08, 0x0e, 0x03, 0x02, 0x00, 0x00,
                          0x00, 0xc0, 0x3f, 0,    0,    0,    0,    0,    0};
    expect_bytes(&b, w2, sizeof w2);

    /* int32 deltas wrap in 32 bits: MIN -> MAX is delta -1 */
    silt_buf_reset(&b);
    const int32_t v3[] = {INT32_MIN, INT32_MAX};
    assert_int_equal(silt_pq_delta_i32(&b, v3, 2), 0);
    const uint8_t w3[] = {0x80, 0x01, 0x04, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0, 0, 0, 0};
    expect_bytes(&b, w3, sizeof w3);

    /* a single value: header only; none: header with count 0 */
    silt_buf_reset(&b);
    const int64_t v4[] = {-3};
    assert_int_equal(silt_pq_delta_i64(&b, v4, 1), 0);
    const uint8_t w4[] = {0x80, 0x01, 0x04, 0x01, 0x05};
    expect_bytes(&b, w4, sizeof w4);

    /* 130 values: two blocks; the second holds 1 delta in miniblock 0 */
    silt_buf_reset(&b);
    int32_t v5[130];
    for (int i = 0; i < 130; i++) v5[i] = i * 2;
    assert_int_equal(silt_pq_delta_i32(&b, v5, 130), 0);
    const uint8_t w5[] = {0x80, 0x01, 0x04, 0x82, 0x01, 0x00, /* header, first 0 */
                          0x04, 0,    0,    0,    0,          /* block 1: min 2, widths 0 */
                          0x04, 0,    0,    0,    0};         /* block 2 */
    expect_bytes(&b, w5, sizeof w5);
    silt_buf_free(&b);
}

/* ---- compression ---- */

static void test_codecs(void **state)
{
    (void)state;
    silt_error err;
    silt_pq_compressor *c = NULL;
    assert_int_equal(silt_pq_compressor_create(&c, SILT_PQ_CODEC_LZO, 0, &err), SILT_EUNSUPPORTED);
    assert_null(c);
    assert_int_equal(silt_pq_compressor_create(&c, SILT_PQ_CODEC_GZIP, 12, &err), SILT_EINVAL);
    const silt_pq_codec ok[] = {SILT_PQ_CODEC_UNCOMPRESSED, SILT_PQ_CODEC_SNAPPY,
                                SILT_PQ_CODEC_GZIP, SILT_PQ_CODEC_ZSTD};
    uint8_t src[4000];
    for (size_t i = 0; i < sizeof src; i++) src[i] = (uint8_t)(i % 7);
    for (int k = 0; k < 4; k++) {
        assert_int_equal(silt_pq_compressor_create(&c, ok[k], 0, &err), 0);
        silt_buf b = SILT_BUF_INIT;
        assert_int_equal(silt_pq_compress(c, &b, src, sizeof src, &err), 0);
        if (k == 0)
            assert_int_equal(b.len, sizeof src);
        else
            assert_true(b.len < 200);
        if (ok[k] == SILT_PQ_CODEC_GZIP) assert_true(b.ptr[0] == 0x1f && b.ptr[1] == 0x8b);
        if (ok[k] == SILT_PQ_CODEC_ZSTD) assert_true(b.ptr[0] == 0x28 && b.ptr[1] == 0xb5);
        silt_buf_free(&b);
        silt_pq_compressor_destroy(c);
    }
    silt_pq_compressor_destroy(NULL);
}

/* ---- the writer ---- */

static silt_schema *stats_schema(void)
{
    silt_schema *s = silt_schema_create(5);
    assert_non_null(s);
    assert_int_equal(silt_field_init(&s->fields[0], "i", SILT_TYPE_INT32, true), 0);
    assert_int_equal(silt_field_init(&s->fields[1], "s", SILT_TYPE_STRING, true), 0);
    assert_int_equal(silt_field_init(&s->fields[2], "d", SILT_TYPE_DOUBLE, true), 0);
    assert_int_equal(silt_field_init(&s->fields[3], "bin", SILT_TYPE_BINARY, false), 0);
    assert_int_equal(silt_field_init(&s->fields[4], "dec", SILT_TYPE_DECIMAL, true), 0);
    s->fields[4].precision = 25;
    s->fields[4].scale = 2;
    return s;
}

static void test_writer_stats(void **state)
{
    (void)state;
    silt_schema *s = stats_schema();
    silt_batch *b = silt_batch_create(s);
    const char *strs[] = {"éééééé", "b", NULL, "éééééé"};
    const double ds[] = {0.0, NAN, -0.0, 2.5};
    const int64_t is[] = {7, -3, 0, 12};
    for (int r = 0; r < 4; r++) {
        if (r == 2)
            assert_int_equal(silt_column_append_null(&b->cols[0]), 0);
        else
            assert_int_equal(silt_column_append_int(&b->cols[0], is[r]), 0);
        if (strs[r])
            assert_int_equal(silt_column_append_bytes(&b->cols[1], strs[r], strlen(strs[r])), 0);
        else
            assert_int_equal(silt_column_append_null(&b->cols[1]), 0);
        assert_int_equal(silt_column_append_double(&b->cols[2], ds[r]), 0);
        const uint8_t ff[10] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
        assert_int_equal(silt_column_append_bytes(&b->cols[3], ff, r == 1 ? 10 : 2), 0);
        assert_int_equal(silt_column_append_decimal_i64(&b->cols[4], r == 3 ? -500 : r * 100), 0);
    }
    silt_error err;
    assert_int_equal(silt_batch_validate(b, &err), 0);
    silt_buf out = SILT_BUF_INIT;
    silt_pq_sink *sink = silt_pq_sink_buf(&out);
    silt_pq_writer_options o;
    silt_pq_writer_options_default(&o);
    o.stats_truncate = 8;
    silt_pq_writer *w = NULL;
    assert_int_equal(silt_pq_writer_create(&w, sink, s, &o, &err), 0);
    assert_null(silt_pq_writer_column_stats(w, 0));
    assert_int_equal(silt_pq_writer_write(w, b, &err), 0);
    assert_int_equal(silt_pq_writer_write(w, b, &err), 0);
    assert_int_equal(silt_pq_writer_close(w, &err), 0);
    assert_int_equal(silt_pq_writer_rows(w), 8);
    assert_int_equal(silt_pq_writer_file_size(w), out.len);
    assert_memory_equal(out.ptr, "PAR1", 4);
    assert_memory_equal(out.ptr + out.len - 4, "PAR1", 4);
    uint32_t flen;
    memcpy(&flen, out.ptr + out.len - 8, 4);
    assert_true(flen > 0 && flen < out.len - 12);
    assert_int_equal(silt_pq_writer_n_columns(w), 5);

    const silt_pq_column_stats *st = silt_pq_writer_column_stats(w, 0);
    assert_string_equal(st->path, "i");
    assert_int_equal(st->null_count, 2);
    assert_true(st->has_min_max && st->min_exact && st->max_exact);
    assert_int_equal(silt_column_get_int(st->min_max, 0), -3);
    assert_int_equal(silt_column_get_int(st->min_max, 1), 12);

    st = silt_pq_writer_column_stats(w, 1); /* 12-byte string cut to 8 bytes on UTF-8 chars */
    assert_int_equal(st->null_count, 2);
    size_t n;
    const uint8_t *p = silt_column_bytes(st->min_max, 0, &n);
    assert_int_equal(n, 1);
    assert_memory_equal(p, "b", 1);
    assert_true(st->min_exact);
    p = silt_column_bytes(st->min_max, 1, &n);
    assert_int_equal(n, 8);
    assert_memory_equal(p, "ééé\xc3\xaa", 8); /* é (U+E9) incremented to ê (U+EA) */
    assert_false(st->max_exact);

    st = silt_pq_writer_column_stats(w, 2); /* NaN ignored, zero min is -0.0, max 2.5 */
    assert_true(st->has_min_max);
    double mn = ((const double *)st->min_max->values)[0];
    double mx = ((const double *)st->min_max->values)[1];
    assert_true(mn == 0.0 && signbit(mn));
    assert_true(mx == 2.5);

    st = silt_pq_writer_column_stats(w, 3); /* all 0xff: no shorter upper bound: kept whole */
    p = silt_column_bytes(st->min_max, 1, &n);
    assert_int_equal(n, 10);
    assert_true(st->max_exact);
    p = silt_column_bytes(st->min_max, 0, &n);
    assert_int_equal(n, 2);

    st = silt_pq_writer_column_stats(w, 4); /* decimal(25,2) as FLBA: signed order */
    int64_t lo;
    memcpy(&lo, st->min_max->values, 8);
    assert_int_equal(lo, -500);
    memcpy(&lo, st->min_max->values + 16, 8);
    assert_int_equal(lo, 200);
    assert_null(silt_pq_writer_column_stats(w, 5));

    silt_pq_writer_destroy(w);
    silt_pq_sink_destroy(sink);
    silt_buf_free(&out);
    silt_batch_destroy(b);
    silt_schema_destroy(s);
}

static void test_writer_errors(void **state)
{
    (void)state;
    silt_error err;
    silt_buf out = SILT_BUF_INIT;
    silt_pq_sink *sink = silt_pq_sink_buf(&out);
    silt_pq_writer *w = NULL;

    silt_schema *s = silt_schema_create(1);
    assert_int_equal(silt_field_init_nested(&s->fields[0], "e", SILT_TYPE_STRUCT, true, 0), 0);
    assert_int_equal(silt_pq_writer_create(&w, sink, s, NULL, &err), SILT_EUNSUPPORTED);
    assert_null(w);
    assert_string_equal(err.column, "e");
    silt_schema_destroy(s);

    s = stats_schema();
    silt_pq_writer_options o;
    silt_pq_writer_options_default(&o);
    o.codec = SILT_PQ_CODEC_BROTLI;
    assert_int_equal(silt_pq_writer_create(&w, sink, s, &o, &err), SILT_EUNSUPPORTED);
    o.codec = SILT_PQ_CODEC_ZSTD;
    o.page_bytes = 0;
    assert_int_equal(silt_pq_writer_create(&w, sink, s, &o, &err), SILT_EINVAL);
    s->fields[4].precision = 40;
    assert_int_equal(silt_pq_writer_create(&w, sink, s, NULL, &err), SILT_EINVAL);
    s->fields[4].precision = 25;

    /* a batch of another schema */
    assert_int_equal(silt_pq_writer_create(&w, sink, s, NULL, &err), 0);
    silt_schema *other = silt_schema_create(5);
    for (int i = 0; i < 5; i++)
        assert_int_equal(silt_field_init(&other->fields[i], "x", SILT_TYPE_INT64, true), 0);
    silt_batch *b = silt_batch_create(other);
    assert_int_equal(silt_pq_writer_write(w, b, &err), SILT_EINVAL);
    assert_string_equal(err.column, "i");
    assert_int_equal(silt_pq_writer_close(w, &err), 0);
    assert_int_equal(silt_pq_writer_write(w, b, &err), SILT_EINVAL);
    assert_int_equal(silt_pq_writer_close(w, &err), SILT_EINVAL);
    silt_pq_writer_destroy(w);
    silt_pq_writer_destroy(NULL);
    silt_batch_destroy(b);
    silt_schema_destroy(other);

    /* a null map key is refused */
    silt_schema *ms = silt_schema_create(1);
    silt_field *m = &ms->fields[0];
    assert_int_equal(silt_field_init_nested(m, "m", SILT_TYPE_MAP, true, 1), 0);
    assert_int_equal(
        silt_field_init_nested(&m->children[0], "key_value", SILT_TYPE_STRUCT, false, 2), 0);
    assert_int_equal(silt_field_init(&m->children[0].children[0], "key", SILT_TYPE_STRING, true),
                     0);
    assert_int_equal(silt_field_init(&m->children[0].children[1], "value", SILT_TYPE_INT32, true),
                     0);
    b = silt_batch_create(ms);
    silt_column *kv = &b->cols[0].children[0];
    assert_int_equal(silt_column_append_null(&kv->children[0]), 0);
    assert_int_equal(silt_column_append_int(&kv->children[1], 1), 0);
    assert_int_equal(silt_column_append_valid(kv), 0);
    assert_int_equal(silt_column_append_valid(&b->cols[0]), 0);
    assert_int_equal(silt_batch_validate(b, &err), 0);
    assert_int_equal(silt_pq_writer_create(&w, sink, ms, NULL, &err), 0);
    assert_int_equal(silt_pq_writer_write(w, b, &err), SILT_EINVAL);
    assert_string_equal(err.column, "m");
    silt_pq_writer_destroy(w);
    silt_batch_destroy(b);
    silt_schema_destroy(ms);

    silt_schema_destroy(s);
    silt_pq_sink_destroy(sink);
    silt_buf_free(&out);
}

/* list<struct<k string, v map<string, int>>> plus flat columns, for the out-of-memory loop. */
static silt_schema *oom_schema(void)
{
    silt_schema *s = silt_schema_create(3);
    assert_int_equal(silt_field_init(&s->fields[0], "id", SILT_TYPE_INT64, false), 0);
    assert_int_equal(silt_field_init(&s->fields[1], "name", SILT_TYPE_STRING, true), 0);
    silt_field *l = &s->fields[2];
    assert_int_equal(silt_field_init_nested(l, "l", SILT_TYPE_LIST, true, 1), 0);
    silt_field *e = &l->children[0];
    assert_int_equal(silt_field_init_nested(e, "element", SILT_TYPE_STRUCT, true, 2), 0);
    assert_int_equal(silt_field_init(&e->children[0], "k", SILT_TYPE_STRING, true), 0);
    silt_field *m = &e->children[1];
    assert_int_equal(silt_field_init_nested(m, "v", SILT_TYPE_MAP, true, 1), 0);
    assert_int_equal(
        silt_field_init_nested(&m->children[0], "key_value", SILT_TYPE_STRUCT, false, 2), 0);
    assert_int_equal(silt_field_init(&m->children[0].children[0], "key", SILT_TYPE_STRING, false),
                     0);
    assert_int_equal(silt_field_init(&m->children[0].children[1], "value", SILT_TYPE_INT32, true),
                     0);
    return s;
}

static silt_batch *oom_batch(const silt_schema *s, int rows)
{
    silt_batch *b = silt_batch_create(s);
    char tmp[32];
    for (int r = 0; r < rows; r++) {
        assert_int_equal(silt_column_append_int(&b->cols[0], r * 3), 0);
        int n = snprintf(tmp, sizeof tmp, "name-%d", r % 50);
        if (r % 7 == 0)
            assert_int_equal(silt_column_append_null(&b->cols[1]), 0);
        else
            assert_int_equal(silt_column_append_bytes(&b->cols[1], tmp, (size_t)n), 0);
        silt_column *l = &b->cols[2];
        if (r % 5 == 0) {
            assert_int_equal(silt_column_append_null(l), 0);
            continue;
        }
        silt_column *st = &l->children[0];
        for (int j = 0; j < r % 3; j++) {
            n = snprintf(tmp, sizeof tmp, "k%d", r);
            assert_int_equal(silt_column_append_bytes(&st->children[0], tmp, (size_t)n), 0);
            silt_column *m = &st->children[1];
            silt_column *kv = &m->children[0];
            for (int k = 0; k < j; k++) {
                n = snprintf(tmp, sizeof tmp, "key%d", k);
                assert_int_equal(silt_column_append_bytes(&kv->children[0], tmp, (size_t)n), 0);
                assert_int_equal(silt_column_append_int(&kv->children[1], r + k), 0);
                assert_int_equal(silt_column_append_valid(kv), 0);
            }
            assert_int_equal(silt_column_append_valid(m), 0);
            assert_int_equal(silt_column_append_valid(st), 0);
        }
        assert_int_equal(silt_column_append_valid(l), 0);
    }
    silt_error err;
    assert_int_equal(silt_batch_validate(b, &err), 0);
    return b;
}

/* Writes b twice with small limits (dictionary fallback, several row groups). */
static int oom_run(const silt_schema *s, const silt_batch *b, silt_pq_codec codec, silt_buf *out,
                   silt_error *err)
{
    silt_pq_sink *sink = silt_pq_sink_buf(out);
    if (!sink) return SILT_ENOMEM;
    silt_pq_writer_options o;
    silt_pq_writer_options_default(&o);
    o.dictionary_bytes = 300;
    o.row_group_bytes = 4000;
    o.page_bytes = 500;
    o.stats_truncate = 3;
    o.codec = codec;
    const char *k[] = {"a"}, *v[] = {"b"};
    o.n_kv = 1;
    o.kv_keys = k;
    o.kv_values = v;
    silt_pq_writer *w = NULL;
    int rc = silt_pq_writer_create(&w, sink, s, &o, err);
    if (!rc) rc = silt_pq_writer_write(w, b, err);
    if (!rc) rc = silt_pq_writer_write(w, b, err);
    if (!rc) rc = silt_pq_writer_close(w, err);
    silt_pq_writer_destroy(w);
    silt_pq_sink_destroy(sink);
    return rc;
}

typedef struct oom_write_ctx {
    const silt_schema *schema;
    const silt_batch *batch;
    silt_pq_codec codec;
} oom_write_ctx;

static int oom_write(void *ctx, void **result)
{
    oom_write_ctx *c = ctx;
    silt_error err;
    silt_buf *out = silt_calloc(1, sizeof *out);
    if (!out) return SILT_ENOMEM;
    int rc = oom_run(c->schema, c->batch, c->codec, out, &err);
    if (rc) {
        silt_buf_free(out);
        silt_free(out);
        return rc;
    }
    *result = out;
    return 0;
}

/* Every allocation of a write may fail: SILT_ENOMEM, or (a failure absorbed, e.g. a scratch
 * buffer) the same file byte for byte. */
static void oom_loop(const char *name, silt_pq_codec codec)
{
    silt_schema *s = oom_schema();
    silt_batch *b = oom_batch(s, 300);
    oom_write_ctx ctx = {s, b, codec};
    oom_case c = {
        .name = name, .ctx = &ctx, .run = oom_write, .same = oom_same_buf, .drop = oom_drop_buf};
    assert_true(oom_check_every_allocation(&c) > 20);
    silt_batch_destroy(b);
    silt_schema_destroy(s);
}

static void test_writer_oom(void **state)
{
    (void)state;
    oom_loop("parquet write zstd", SILT_PQ_CODEC_ZSTD);
    oom_loop("parquet write gzip", SILT_PQ_CODEC_GZIP); /* zlib allocates through silt_calloc */
    oom_loop("parquet write uncompressed", SILT_PQ_CODEC_UNCOMPRESSED);
}

/* ---- steady state: no allocation once the buffers have grown ---- */

/* A sink that only counts bytes (a memory sink would allocate as it grows). */
typedef struct count_sink {
    silt_pq_sink base;
} count_sink;

static int count_write(silt_pq_sink *s, const void *data, size_t n, silt_error *err)
{
    (void)s; /* silt_pq_sink_write counts the bytes */
    (void)data;
    (void)n;
    (void)err;
    return 0;
}

static int count_finish(silt_pq_sink *s, silt_error *err)
{
    (void)s;
    (void)err;
    return 0;
}

static void count_destroy(silt_pq_sink *s)
{
    (void)s;
}

static const struct silt_pq_sink_ops count_ops = {count_write, count_finish, count_destroy};

/* The e-commerce shape: a low-cardinality string (dictionary), a unique string (falls back to
 * PLAIN), a nullable double, an int32 and an int64. Row values depend on seed. */
static silt_batch *steady_batch(const silt_schema *s, int64_t rows, int seed)
{
    silt_batch *b = silt_batch_create(s);
    assert_non_null(b);
    char tmp[48];
    for (int64_t r = 0; r < rows; r++) {
        int n = snprintf(tmp, sizeof tmp, "country-%d", (int)((r * 7 + seed) % 37));
        assert_int_equal(silt_column_append_bytes(&b->cols[0], tmp, (size_t)n), 0);
        n = snprintf(tmp, sizeof tmp, "txn-%d-%lld", seed, (long long)r);
        assert_int_equal(silt_column_append_bytes(&b->cols[1], tmp, (size_t)n), 0);
        if (r % 11 == 3)
            assert_int_equal(silt_column_append_null(&b->cols[2]), 0);
        else
            assert_int_equal(silt_column_append_double(&b->cols[2], (double)(r % 500) / 4), 0);
        assert_int_equal(silt_column_append_int(&b->cols[3], (r * 13 + seed) % 100), 0);
        assert_int_equal(silt_column_append_int(&b->cols[4], r * 1000003 + seed), 0);
    }
    b->n_rows = rows;
    return b;
}

/* After a few row groups have sized the writer's buffers, writing more row groups (pages,
 * dictionaries, compression, statistics) allocates nothing: the count of allocations through
 * util/alloc moves only when the footer's row-group list doubles. */
static void test_writer_steady_state(void **state)
{
    (void)state;
    silt_schema *s = silt_schema_create(5);
    assert_non_null(s);
    assert_int_equal(silt_field_init(&s->fields[0], "country", SILT_TYPE_STRING, false), 0);
    assert_int_equal(silt_field_init(&s->fields[1], "txn", SILT_TYPE_STRING, false), 0);
    assert_int_equal(silt_field_init(&s->fields[2], "price", SILT_TYPE_DOUBLE, true), 0);
    assert_int_equal(silt_field_init(&s->fields[3], "qty", SILT_TYPE_INT32, false), 0);
    assert_int_equal(silt_field_init(&s->fields[4], "id", SILT_TYPE_INT64, false), 0);
    silt_batch *batches[4];
    for (int i = 0; i < 4; i++) batches[i] = steady_batch(s, 20000, i);
    const silt_pq_codec codecs[] = {SILT_PQ_CODEC_ZSTD, SILT_PQ_CODEC_SNAPPY,
                                    SILT_PQ_CODEC_UNCOMPRESSED};
    for (size_t c = 0; c < sizeof codecs / sizeof codecs[0]; c++) {
        count_sink sink = {{&count_ops, 0}};
        silt_pq_writer_options o;
        silt_pq_writer_options_default(&o);
        o.codec = codecs[c];
        o.row_group_bytes = 200 * 1000; /* several row groups per batch */
        o.page_bytes = 64 * 1024;
        o.dictionary_bytes = 64 * 1024; /* "txn" falls back to PLAIN in every chunk */
        silt_pq_writer *w = NULL;
        silt_error err;
        assert_int_equal(silt_pq_writer_create(&w, &sink.base, s, &o, &err), 0);
        for (int i = 0; i < 4; i++) assert_int_equal(silt_pq_writer_write(w, batches[i], &err), 0);
        uint64_t before = silt_alloc_count(), bytes = sink.base.written;
        for (int round = 0; round < 5; round++)
            for (int i = 0; i < 4; i++)
                assert_int_equal(silt_pq_writer_write(w, batches[i], &err), 0);
        uint64_t after = silt_alloc_count();
        assert_true(sink.base.written > bytes + 500 * 1000); /* row groups were written */
        /* ~80 row groups were cut: only the footer's list of row groups (which must grow with
         * the file) may still double, a few times at most; one allocation per page, chunk or
         * row group would be dozens */
        if (after - before > 4)
            fail_msg("codec %d: %llu allocations in the steady state", (int)codecs[c],
                     (unsigned long long)(after - before));
        assert_int_equal(silt_pq_writer_close(w, &err), 0);
        silt_pq_writer_destroy(w);
    }
    for (int i = 0; i < 4; i++) silt_batch_destroy(batches[i]);
    silt_schema_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thrift_varints),
        cmocka_unit_test(test_thrift_struct),
        cmocka_unit_test(test_thrift_unbalanced),
        cmocka_unit_test(test_bitpack),
        cmocka_unit_test(test_rle_hybrid),
        cmocka_unit_test(test_plain_bool),
        cmocka_unit_test(test_delta),
        cmocka_unit_test(test_codecs),
        cmocka_unit_test(test_writer_stats),
        cmocka_unit_test(test_writer_errors),
        cmocka_unit_test(test_writer_oom),
        cmocka_unit_test(test_writer_steady_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
