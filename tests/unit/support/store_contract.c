/* The store contract: the behaviour every backend (local, mem, Azure) must show, checked by
 * cmocka assertions on an empty store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "support/store_contract.h"

#include "delta/pqio.h"
#include "util/alloc.h"

void silt_test_store_contract(silt_store *s)
{
    silt_error err;
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_store_get(s, &b, "a/missing.json", &err), SILT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "missing.json"));
    assert_int_equal(silt_store_put(s, "b/x.txt", "hello world", 11, &err), 0);
    assert_int_equal(silt_store_put(s, "a/2.json", "two", 3, &err), 0);
    assert_int_equal(silt_store_put(s, "a/10.json", "ten", 3, &err), 0);
    assert_int_equal(silt_store_put(s, "a/1.json", "one", 3, &err), 0);
    assert_int_equal(silt_store_put(s, "a/sub/z.bin", "", 0, &err), 0);
    assert_int_equal(silt_store_put(s, "ab.txt", "x", 1, &err), 0);
    /* put replaces */
    assert_int_equal(silt_store_put(s, "b/x.txt", "HELLO WORLD!", 12, &err), 0);
    assert_int_equal(silt_store_get(s, &b, "b/x.txt", &err), 0);
    assert_int_equal(b.len, 12);
    assert_memory_equal(b.ptr, "HELLO WORLD!", 12);
    /* range gets */
    char r[8] = {0};
    assert_int_equal(silt_store_get_range(s, r, "b/x.txt", 6, 5, &err), 0);
    assert_string_equal(r, "WORLD");
    assert_int_equal(silt_store_get_range(s, r, "b/x.txt", 10, 5, &err), SILT_ECORRUPT);
    /* put-if-absent */
    assert_int_equal(silt_store_put_if_absent(s, "a/1.json", "uno", 3, &err), SILT_EEXISTS);
    assert_int_equal(silt_store_get(s, &b, "a/1.json", &err), 0);
    assert_memory_equal(b.ptr, "one", 3);
    assert_int_equal(silt_store_put_if_absent(s, "a/3.json", "three", 5, &err), 0);
    /* sorted, prefix-filtered, recursive listing */
    silt_store_listing l = {0};
    assert_int_equal(silt_store_list(s, &l, "a/", &err), 0);
    assert_int_equal(l.n, 5);
    assert_string_equal(l.entries[0].key, "a/1.json");
    assert_string_equal(l.entries[1].key, "a/10.json");
    assert_string_equal(l.entries[2].key, "a/2.json");
    assert_string_equal(l.entries[3].key, "a/3.json");
    assert_string_equal(l.entries[4].key, "a/sub/z.bin");
    assert_int_equal(l.entries[3].size, 5);
    silt_store_list_clear(&l);
    assert_int_equal(silt_store_list(s, &l, "a", &err), 0);
    assert_int_equal(l.n, 6); /* includes ab.txt */
    silt_store_list_clear(&l);
    assert_int_equal(silt_store_list(s, &l, "nothing/", &err), 0);
    assert_int_equal(l.n, 0);
    assert_int_equal(silt_store_list(s, &l, "", &err), 0);
    assert_int_equal(l.n, 7);
    silt_store_list_clear(&l);
    /* head and delete */
    silt_store_entry e;
    assert_int_equal(silt_store_head(s, &e, "a/10.json", &err), 0);
    assert_int_equal(e.size, 3);
    assert_true(e.mtime_ms > 1600000000000LL);
    silt_free(e.key);
    assert_int_equal(silt_store_delete(s, "a/10.json", &err), 0);
    assert_int_equal(silt_store_head(s, &e, "a/10.json", &err), SILT_ENOTFOUND);
    assert_int_equal(silt_store_delete(s, "a/10.json", &err), SILT_ENOTFOUND);
    /* byte-range source */
    silt_pq_source *src = NULL;
    assert_int_equal(silt_delta_store_source(&src, s, "b/x.txt", &err), 0);
    assert_int_equal(src->size, 12);
    memset(r, 0, sizeof r);
    assert_int_equal(src->ops->read_at(src, 0, r, 5, &err), 0);
    assert_string_equal(r, "HELLO");
    assert_int_equal(src->ops->read_at(src, 11, r, 2, &err), SILT_ECORRUPT);
    silt_pq_source_destroy(src);
    assert_int_equal(silt_delta_store_source(&src, s, "nope", &err), SILT_ENOTFOUND);
    silt_buf_free(&b);
}

void silt_test_store_writer_contract(silt_store *s, size_t total)
{
    silt_error err;
    silt_store_writer *w = NULL;
    /* a pattern that changes every byte, written in odd-sized pieces */
    uint8_t piece[7919];
    assert_int_equal(silt_store_open_writer(s, &w, "w/big.bin", &err), 0);
    uint64_t off = 0;
    while (off < total) {
        size_t n = total - off < sizeof piece ? (size_t)(total - off) : sizeof piece;
        for (size_t i = 0; i < n; i++) piece[i] = (uint8_t)((off + i) * 131 + ((off + i) >> 13));
        assert_int_equal(silt_store_writer_write(w, piece, n, &err), 0);
        off += n;
        /* nothing is visible before close */
        if (off == n) {
            silt_store_entry e;
            assert_int_equal(silt_store_head(s, &e, "w/big.bin", &err), SILT_ENOTFOUND);
        }
    }
    assert_int_equal(w->written, total);
    assert_int_equal(silt_store_writer_close(w, &err), 0);
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_store_get(s, &b, "w/big.bin", &err), 0);
    assert_int_equal(b.len, total);
    for (size_t i = 0; i < total; i++)
        if (b.ptr[i] != (uint8_t)(i * 131 + (i >> 13))) fail_msg("byte %zu differs", i);
    /* an aborted writer leaves nothing */
    assert_int_equal(silt_store_open_writer(s, &w, "w/aborted.bin", &err), 0);
    assert_int_equal(silt_store_writer_write(w, "abc", 3, &err), 0);
    silt_store_writer_abort(w);
    silt_store_entry e;
    assert_int_equal(silt_store_head(s, &e, "w/aborted.bin", &err), SILT_ENOTFOUND);
    /* an empty object */
    assert_int_equal(silt_store_open_writer(s, &w, "w/empty.bin", &err), 0);
    assert_int_equal(silt_store_writer_close(w, &err), 0);
    assert_int_equal(silt_store_head(s, &e, "w/empty.bin", &err), 0);
    assert_int_equal(e.size, 0);
    silt_free(e.key);
    silt_buf_free(&b);
}
