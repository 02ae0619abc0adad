/* Fuzz target: deletion vector decoders. The bytes as a serialized RoaringBitmapArray (what
 * decodes must re-encode and decode to the same rows), as Z85 text, and as a DV file read
 * through a descriptor (size and CRC checks). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "delta/dv.h"
#include "store/store.h"

static void roaring(const uint8_t *data, size_t size)
{
    silt_error err;
    silt_delta_rowset rs = {0}, back = {0};
    if (silt_delta_roaring_decode(&rs, data, size, 1 << 20, &err) == 0) {
        for (size_t i = 1; i < rs.n; i++)
            if (rs.rows[i - 1] >= rs.rows[i]) abort();
        silt_buf b = SILT_BUF_INIT;
        if (silt_delta_roaring_encode(&b, &rs) == 0) {
            if (silt_delta_roaring_decode(&back, b.ptr, b.len, rs.n, &err) != 0 || back.n != rs.n ||
                (rs.n && memcmp(back.rows, rs.rows, rs.n * sizeof *rs.rows) != 0))
                abort();
        }
        silt_buf_free(&b);
    }
    silt_delta_rowset_free(&rs);
    silt_delta_rowset_free(&back);
}

static void z85(const uint8_t *data, size_t size)
{
    silt_error err;
    silt_buf d = SILT_BUF_INIT, e = SILT_BUF_INIT;
    if (silt_delta_z85_decode(&d, (const char *)data, size, &err) == 0) {
        if (silt_delta_z85_encode(&e, d.ptr, d.len) != 0 || e.len != size ||
            (size && memcmp(e.ptr, data, size) != 0))
            abort();
    }
    silt_buf_free(&d);
    silt_buf_free(&e);
}

/* The bytes as the DV file of a descriptor whose offset and size come from the first bytes. */
static void dv_file(const uint8_t *data, size_t size)
{
    if (size < 3) return;
    silt_error err;
    silt_store *s = NULL;
    static const char uuid_z85[] = "^-aqEH.-t@S}K{vb[*k^";
    if (silt_store_mem_create(&s, &err) == 0 &&
        silt_store_put(s, "deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin", data + 2,
                       size - 2, &err) == 0) {
        silt_delta_dv dv = {'u', (char *)uuid_z85, data[0] % 8, data[1], 1 << 16, -1};
        silt_delta_rowset rs = {0};
        (void)silt_delta_dv_load(&rs, s, &dv, &err);
        silt_delta_rowset_free(&rs);
    }
    silt_store_destroy(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20) return 0;
    roaring(data, size);
    z85(data, size);
    dv_file(data, size);
    return 0;
}
