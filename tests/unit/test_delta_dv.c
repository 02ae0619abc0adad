/* Unit tests for deletion vectors (src/delta/dv*.c): Z85 and Roaring against hand-computed
 * vectors from the specs, round trips across container kinds and 64-bit keys, the DV file
 * format with its size and CRC checks, descriptors in JSON and paths from them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta/action.h"
#include "delta/dv.h"
#include "store/store.h"
#include "util/alloc.h"

static size_t unhex(uint8_t *out, const char *hex)
{
    size_t n = 0;
    for (; hex[0] && hex[1]; hex += 2) {
        unsigned v;
        sscanf(hex, "%2x", &v);
        out[n++] = (uint8_t)v;
    }
    return n;
}

/* ZeroMQ RFC 32's test vector. */
static void test_z85_rfc_vector(void **state)
{
    (void)state;
    const uint8_t in[8] = {0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B};
    silt_buf b = SILT_BUF_INIT;
    silt_error err;
    assert_int_equal(silt_delta_z85_encode(&b, in, 8), 0);
    assert_int_equal(b.len, 10);
    assert_memory_equal(b.ptr, "HelloWorld", 10);
    silt_buf d = SILT_BUF_INIT;
    assert_int_equal(silt_delta_z85_decode(&d, "HelloWorld", 10, &err), 0);
    assert_int_equal(d.len, 8);
    assert_memory_equal(d.ptr, in, 8);
    /* errors: a length that is not a multiple of 5, a character outside the alphabet, and a
     * group above 2^32-1 ("#####" is 85^5-1) */
    assert_int_equal(silt_delta_z85_decode(&d, "Hello", 4, &err), SILT_ECORRUPT);
    assert_int_equal(silt_delta_z85_decode(&d, "Hel\"o", 5, &err), SILT_ECORRUPT);
    assert_int_equal(err.offset, 3);
    assert_int_equal(silt_delta_z85_decode(&d, "#####", 5, &err), SILT_ECORRUPT);
    silt_buf_free(&b);
    silt_buf_free(&d);
}

/* The Delta protocol's example descriptor: 'u' with prefix "ab" names
 * ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin. */
static void test_dv_path_from_protocol_example(void **state)
{
    (void)state;
    silt_error err;
    silt_delta_dv dv = {'u', (char *)"ab^-aqEH.-t@S}K{vb[*k^", 4, 40, 6, -1};
    silt_buf key = SILT_BUF_INIT;
    assert_int_equal(silt_delta_dv_file_key(&key, &dv, "/tmp/t", &err), 0);
    assert_int_equal(silt_buf_cstr(&key), 0);
    assert_string_equal((char *)key.ptr,
                        "ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin");
    /* no prefix */
    silt_buf_reset(&key);
    dv.path_or_inline_dv = (char *)"^-aqEH.-t@S}K{vb[*k^";
    assert_int_equal(silt_delta_dv_file_key(&key, &dv, "/tmp/t", &err), 0);
    assert_int_equal(silt_buf_cstr(&key), 0);
    assert_string_equal((char *)key.ptr,
                        "deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin");
    /* 'p' under the table, 'p' outside it, too short a 'u' */
    silt_buf_reset(&key);
    dv = (silt_delta_dv){'p', (char *)"file:///tmp/t/dv/x.bin", 1, 40, 6, -1};
    assert_int_equal(silt_delta_dv_file_key(&key, &dv, "/tmp/t", &err), 0);
    assert_int_equal(silt_buf_cstr(&key), 0);
    assert_string_equal((char *)key.ptr, "dv/x.bin");
    dv.path_or_inline_dv = (char *)"s3://elsewhere/x.bin";
    assert_int_equal(silt_delta_dv_file_key(&key, &dv, "/tmp/t", &err), SILT_EUNSUPPORTED);
    dv = (silt_delta_dv){'u', (char *)"short", 1, 40, 6, -1};
    assert_int_equal(silt_delta_dv_file_key(&key, &dv, "/tmp/t", &err), SILT_ECORRUPT);
    silt_buf_free(&key);
}

/* The protocol's inline example decodes to rows {3, 4, 7, 11, 18, 29}. */
static void test_inline_protocol_example(void **state)
{
    (void)state;
    silt_error err;
    silt_delta_dv dv = {
        'i', (char *)"wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L", -1, 40, 6, -1};
    silt_delta_rowset rs = {0};
    assert_int_equal(silt_delta_dv_load(&rs, NULL, &dv, &err), 0);
    const uint64_t want[] = {3, 4, 7, 11, 18, 29};
    assert_int_equal(rs.n, 6);
    for (size_t i = 0; i < 6; i++) assert_int_equal(rs.rows[i], want[i]);
    /* a cardinality that disagrees is corrupt */
    dv.cardinality = 5;
    assert_int_equal(silt_delta_dv_load(&rs, NULL, &dv, &err), SILT_ECORRUPT);
    silt_delta_rowset_free(&rs);
}

/* A Databricks DV marking row 1, byte for byte: magic, one bitmap of key 0, no-run cookie,
 * one array container {1} with its offset header. silt encodes {1} to the same bytes. */
static void test_roaring_hand_vector(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t n = unhex(buf, "d1d33964010000000000000000000000"
                          "3a30000001000000000000001000000001"
                          "00");
    silt_error err;
    silt_delta_rowset rs = {0};
    assert_int_equal(silt_delta_roaring_decode(&rs, buf, n, 10, &err), 0);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.rows[0], 1);
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_delta_roaring_encode(&b, &rs), 0);
    assert_int_equal(b.len, n);
    assert_memory_equal(b.ptr, buf, n);
    silt_buf_free(&b);
    silt_delta_rowset_free(&rs);
}

/* A run container as Spark writes them: cookie 12347 with one container, its run flag, key 0
 * cardinality 4, no offsets (fewer than 4 containers), runs [5,7] and [10,10]. */
static void test_roaring_run_container(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t n = unhex(buf, "d1d33964"
                          "0100000000000000"
                          "00000000"
                          "3b300000"
                          "01"
                          "00000300"
                          "0200"
                          "05000200"
                          "0a000000");
    silt_error err;
    silt_delta_rowset rs = {0};
    assert_int_equal(silt_delta_roaring_decode(&rs, buf, n, 100, &err), 0);
    const uint64_t want[] = {5, 6, 7, 10};
    assert_int_equal(rs.n, 4);
    for (size_t i = 0; i < 4; i++) assert_int_equal(rs.rows[i], want[i]);
    /* the cardinality field must agree with the runs */
    buf[16 + 4 + 1 + 2] = 4;
    assert_int_equal(silt_delta_roaring_decode(&rs, buf, n, 100, &err), SILT_ECORRUPT);
    silt_delta_rowset_free(&rs);
}

static void test_roaring_errors(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t n = unhex(buf, "d1d33964010000000000000000000000"
                          "3a3000000100000000000000100000000100");
    silt_error err;
    silt_delta_rowset rs = {0};
    for (size_t cut = 0; cut < n; cut++)
        assert_int_equal(silt_delta_roaring_decode(&rs, buf, cut, 10, &err), SILT_ECORRUPT);
    buf[n] = 0; /* trailing byte */
    assert_int_equal(silt_delta_roaring_decode(&rs, buf, n + 1, 10, &err), SILT_ECORRUPT);
    assert_non_null(strstr(err.msg, "trailing"));
    assert_int_equal(silt_delta_roaring_decode(&rs, buf, n, 0, &err), SILT_ECORRUPT);
    assert_non_null(strstr(err.msg, "more rows"));
    buf[0] ^= 1;
    assert_int_equal(silt_delta_roaring_decode(&rs, buf, n, 10, &err), SILT_ECORRUPT);
    assert_non_null(strstr(err.msg, "magic"));
    silt_delta_rowset_free(&rs);
}

/* Sparse rows, a dense container (bitmap), rows past 2^32: encode, decode, same set. */
static void test_roaring_round_trip(void **state)
{
    (void)state;
    silt_delta_rowset rs = {0};
    for (uint64_t r = 0; r < 70000; r += 7) assert_int_equal(silt_delta_rowset_add(&rs, r), 0);
    for (uint64_t r = 200000; r < 210000; r++) assert_int_equal(silt_delta_rowset_add(&rs, r), 0);
    assert_int_equal(silt_delta_rowset_add(&rs, (1ull << 32) + 5), 0);
    assert_int_equal(silt_delta_rowset_add(&rs, (3ull << 32) + 65536 * 3), 0);
    assert_int_equal(silt_delta_rowset_add(&rs, 14), 0); /* duplicate, out of order */
    silt_delta_rowset_normalize(&rs);
    assert_int_equal(rs.n, 10000 + 10000 + 2);
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_delta_roaring_encode(&b, &rs), 0);
    silt_error err;
    silt_delta_rowset back = {0};
    assert_int_equal(silt_delta_roaring_decode(&back, b.ptr, b.len, rs.n, &err), 0);
    assert_int_equal(back.n, rs.n);
    assert_memory_equal(back.rows, rs.rows, rs.n * sizeof *rs.rows);
    assert_true(silt_delta_rowset_has(&back, 203456));
    assert_false(silt_delta_rowset_has(&back, 15));
    /* the empty set */
    silt_delta_rowset empty = {0};
    silt_buf_reset(&b);
    assert_int_equal(silt_delta_roaring_encode(&b, &empty), 0);
    assert_int_equal(silt_delta_roaring_decode(&back, b.ptr, b.len, 0, &err), 0);
    assert_int_equal(back.n, 0);
    silt_buf_free(&b);
    silt_delta_rowset_free(&rs);
    silt_delta_rowset_free(&back);
}

/* A DV file with two DVs: version byte, then size, data, CRC each; the descriptors' offsets
 * point at the size fields; loading reads each back; a flipped byte fails the CRC. */
static void test_dv_file(void **state)
{
    (void)state;
    silt_error err;
    silt_store *st = NULL;
    assert_int_equal(silt_store_mem_create(&st, &err), 0);
    silt_delta_rowset sets[2] = {{0}, {0}};
    for (uint64_t r = 0; r < 10; r++) assert_int_equal(silt_delta_rowset_add(&sets[0], r * 3), 0);
    assert_int_equal(silt_delta_rowset_add(&sets[1], 99), 0);
    silt_delta_dv dvs[2];
    uint64_t bytes = 0;
    assert_int_equal(silt_delta_dv_write(dvs, &bytes, st, sets, 2, &err), 0);
    assert_int_equal(dvs[0].storage_type, 'u');
    assert_int_equal(dvs[0].offset, 1);
    assert_int_equal(dvs[1].offset, 1 + 4 + dvs[0].size_in_bytes + 4);
    assert_int_equal(bytes, 1 + 2 * 8 + dvs[0].size_in_bytes + dvs[1].size_in_bytes);
    assert_int_equal(dvs[0].cardinality, 10);
    assert_int_equal(dvs[1].max_row_index, 99);
    for (int k = 0; k < 2; k++) {
        silt_delta_rowset back = {0};
        assert_int_equal(silt_delta_dv_load(&back, st, &dvs[k], &err), 0);
        assert_int_equal(back.n, sets[k].n);
        assert_memory_equal(back.rows, sets[k].rows, back.n * sizeof *back.rows);
        silt_delta_rowset_free(&back);
    }
    /* damage one byte of the second DV's data: its CRC no longer matches */
    silt_buf key = SILT_BUF_INIT, file = SILT_BUF_INIT;
    assert_int_equal(silt_delta_dv_file_key(&key, &dvs[1], st->url, &err), 0);
    assert_int_equal(silt_buf_cstr(&key), 0);
    assert_int_equal(silt_store_get(st, &file, (char *)key.ptr, &err), 0);
    assert_int_equal(file.ptr[0], 1);
    file.ptr[dvs[1].offset + 4 + 20] ^= 0x40;
    assert_int_equal(silt_store_put(st, (char *)key.ptr, file.ptr, file.len, &err), 0);
    silt_delta_rowset back = {0};
    assert_int_equal(silt_delta_dv_load(&back, st, &dvs[0], &err), 0);
    assert_int_equal(silt_delta_dv_load(&back, st, &dvs[1], &err), SILT_ECORRUPT);
    assert_non_null(strstr(err.msg, "CRC"));
    /* a size field that disagrees with the descriptor */
    dvs[0].size_in_bytes--;
    assert_int_equal(silt_delta_dv_load(&back, st, &dvs[0], &err), SILT_ECORRUPT);
    for (int k = 0; k < 2; k++) {
        silt_delta_dv_clear(&dvs[k]);
        silt_delta_rowset_free(&sets[k]);
    }
    silt_delta_rowset_free(&back);
    silt_buf_free(&key);
    silt_buf_free(&file);
    silt_store_destroy(st);
}

/* add and remove actions keep their descriptor through a write and re-parse; unique ids and
 * bad descriptors. */
static void test_descriptor_json(void **state)
{
    (void)state;
    const char *log =
        "{\"add\":{\"path\":\"a.parquet\",\"partitionValues\":{},\"size\":10,"
        "\"modificationTime\":1,\"dataChange\":true,\"deletionVector\":{\"storageType\":\"u\","
        "\"pathOrInlineDv\":\"ab^-aqEH.-t@S}K{vb[*k^\",\"offset\":4,\"sizeInBytes\":40,"
        "\"cardinality\":6}}}\n"
        "{\"remove\":{\"path\":\"a.parquet\",\"dataChange\":true,\"deletionVector\":{"
        "\"storageType\":\"i\",\"pathOrInlineDv\":\"wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5"
        "=-{L\",\"sizeInBytes\":40,\"cardinality\":6,\"maxRowIndex\":29}}}\n";
    silt_error err;
    silt_delta_actions a = {0}, back = {0};
    assert_int_equal(silt_delta_actions_parse(&a, log, strlen(log), "x.json", &err), 0);
    silt_buf w = SILT_BUF_INIT;
    assert_int_equal(silt_delta_actions_write(&w, &a, &err), 0);
    assert_int_equal(silt_delta_actions_parse(&back, w.ptr, w.len, "y.json", &err), 0);
    assert_int_equal(back.n, 2);
    const silt_delta_dv *d0 = &back.items[0].u.add.dv, *d1 = &back.items[1].u.remove.dv;
    assert_int_equal(d0->storage_type, 'u');
    assert_int_equal(d0->offset, 4);
    assert_int_equal(d0->cardinality, 6);
    assert_int_equal(d1->storage_type, 'i');
    assert_int_equal(d1->offset, -1);
    assert_int_equal(d1->max_row_index, 29);
    assert_true(silt_delta_dv_same(d0, &a.items[0].u.add.dv));
    assert_false(silt_delta_dv_same(d0, d1));
    silt_buf id = SILT_BUF_INIT;
    assert_int_equal(silt_delta_dv_unique_id(&id, d0), 0);
    assert_int_equal(silt_buf_cstr(&id), 0);
    assert_string_equal((char *)id.ptr, "uab^-aqEH.-t@S}K{vb[*k^@4");
    silt_delta_actions_clear(&a);
    const char *bad = "{\"add\":{\"path\":\"a\",\"partitionValues\":{},\"size\":1,"
                      "\"modificationTime\":1,\"dataChange\":true,\"deletionVector\":{"
                      "\"storageType\":\"x\",\"pathOrInlineDv\":\"\",\"sizeInBytes\":1,"
                      "\"cardinality\":1}}}\n";
    assert_int_equal(silt_delta_actions_parse(&a, bad, strlen(bad), "bad.json", &err),
                     SILT_ECORRUPT);
    assert_non_null(strstr(err.msg, "storageType"));
    assert_non_null(strstr(err.msg, "line 1"));
    silt_delta_actions_clear(&a);
    silt_delta_actions_clear(&back);
    silt_buf_free(&w);
    silt_buf_free(&id);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_z85_rfc_vector),
        cmocka_unit_test(test_dv_path_from_protocol_example),
        cmocka_unit_test(test_inline_protocol_example),
        cmocka_unit_test(test_roaring_hand_vector),
        cmocka_unit_test(test_roaring_run_container),
        cmocka_unit_test(test_roaring_errors),
        cmocka_unit_test(test_roaring_round_trip),
        cmocka_unit_test(test_dv_file),
        cmocka_unit_test(test_descriptor_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
