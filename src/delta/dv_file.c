/* Deletion vector descriptors and files: copies, unique ids, the file a descriptor points to,
 * reading a DV (inline or from its file, size and CRC-32 checked) and writing a DV file. */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <zlib.h>

#include "delta/dv.h"
#include "util/alloc.h"
#include "util/hash.h"
#include "util/time.h"

#define UUID_Z85_LEN 20

int silt_delta_dv_copy(silt_delta_dv *out, const silt_delta_dv *src)
{
    *out = *src;
    if (!src->path_or_inline_dv) return 0;
    out->path_or_inline_dv = silt_strdup(src->path_or_inline_dv);
    if (!out->path_or_inline_dv) {
        memset(out, 0, sizeof *out);
        return SILT_ENOMEM;
    }
    return 0;
}

void silt_delta_dv_clear(silt_delta_dv *dv)
{
    silt_free(dv->path_or_inline_dv);
    memset(dv, 0, sizeof *dv);
}

int silt_delta_dv_unique_id(silt_buf *out, const silt_delta_dv *dv)
{
    if (!dv->storage_type) return 0;
    silt_buf_putc(out, (uint8_t)dv->storage_type);
    silt_buf_puts(out, dv->path_or_inline_dv ? dv->path_or_inline_dv : "");
    if (dv->offset >= 0) silt_buf_printf(out, "@%lld", (long long)dv->offset);
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;
}

bool silt_delta_dv_same(const silt_delta_dv *a, const silt_delta_dv *b)
{
    if (a->storage_type != b->storage_type) return false;
    if (!a->storage_type) return true;
    const char *pa = a->path_or_inline_dv ? a->path_or_inline_dv : "";
    const char *pb = b->path_or_inline_dv ? b->path_or_inline_dv : "";
    return strcmp(pa, pb) == 0 &&
           (a->offset < 0 ? -1 : a->offset) == (b->offset < 0 ? -1 : b->offset);
}

/* Appends the canonical text of a 16-byte uuid. */
static void uuid_text(silt_buf *out, const uint8_t u[16])
{
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) silt_buf_putc(out, '-');
        silt_buf_printf(out, "%02x", u[i]);
    }
}

/* Appends the key of a 'p' DV's file when its path lies under the table. */
static int absolute_key(silt_buf *key, const char *path, const char *table_url, silt_error *err)
{
    static const char *const schemes[] = {"", "file://", "file:"};
    size_t tl = strlen(table_url);
    while (tl && table_url[tl - 1] == '/') tl--;
    for (size_t i = 0; i < sizeof schemes / sizeof *schemes; i++) {
        size_t sl = strlen(schemes[i]);
        if (strncmp(path, schemes[i], sl) == 0 && strncmp(path + sl, table_url, tl) == 0 &&
            path[sl + tl] == '/')
            return silt_buf_puts(key, path + sl + tl + 1)
                       ? silt_error_set(err, SILT_ENOMEM, "out of memory")
                       : 0;
    }
    return silt_error_set(err, SILT_EUNSUPPORTED,
                          "deletion vector at '%s' lies outside the table '%s'; silt reads "
                          "absolute-path deletion vectors only under the table's own location",
                          path, table_url);
}

int silt_delta_dv_file_key(silt_buf *key, const silt_delta_dv *dv, const char *table_url,
                           silt_error *err)
{
    const char *s = dv->path_or_inline_dv ? dv->path_or_inline_dv : "";
    if (dv->storage_type == 'p') return absolute_key(key, s, table_url, err);
    if (dv->storage_type != 'u')
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "deletion vector of storage type '%c' has no file",
                              dv->storage_type ? dv->storage_type : '?');
    size_t n = strlen(s);
    if (n < UUID_Z85_LEN)
        return silt_error_set(err, SILT_ECORRUPT,
                              "deletion vector '%s': pathOrInlineDv is shorter than a Z85 uuid "
                              "(20 characters)",
                              s);
    silt_buf u = SILT_BUF_INIT;
    int rc = silt_delta_z85_decode(&u, s + n - UUID_Z85_LEN, UUID_Z85_LEN, err);
    if (rc) {
        silt_error_prefix(err, "deletion vector '%s'", s);
        goto fail;
    }
    if (n > UUID_Z85_LEN) {
        silt_buf_append(key, s, n - UUID_Z85_LEN);
        silt_buf_putc(key, '/');
    }
    silt_buf_puts(key, "deletion_vector_");
    uuid_text(key, u.ptr);
    silt_buf_puts(key, ".bin");
    if (silt_buf_oom(key)) rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
fail:
    silt_buf_free(&u);
    return rc;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* The serialized bitmap of dv into data: decoded inline text, or its range of the DV file. */
static int dv_bytes(silt_buf *data, silt_store *store, const silt_delta_dv *dv, silt_buf *key,
                    silt_error *err)
{
    const char *s = dv->path_or_inline_dv ? dv->path_or_inline_dv : "";
    if (dv->size_in_bytes < 0 || dv->size_in_bytes > INT32_MAX)
        return silt_error_set(err, SILT_ECORRUPT, "deletion vector '%s': sizeInBytes %lld", s,
                              (long long)dv->size_in_bytes);
    size_t size = (size_t)dv->size_in_bytes;
    if (dv->storage_type == 'i') {
        int rc = silt_delta_z85_decode(data, s, strlen(s), err);
        if (rc) return rc;
        if (data->len < size)
            return silt_error_set(err, SILT_ECORRUPT,
                                  "inline deletion vector holds %zu bytes, sizeInBytes says %zu",
                                  data->len, size);
        data->len = size;
        return 0;
    }
    int rc = silt_delta_dv_file_key(key, dv, store->url, err);
    if (rc || (rc = silt_buf_cstr(key) ? silt_error_set(err, SILT_ENOMEM, "out of memory") : 0))
        return rc;
    uint64_t off = dv->offset >= 0 ? (uint64_t)dv->offset : 1;
    uint8_t *p = silt_buf_extend(data, size + 8);
    if (!p) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    if ((rc = silt_store_get_range(store, p, (const char *)key->ptr, off, size + 8, err)))
        return rc;
    if (be32(p) != size)
        return silt_error_set(err, SILT_ECORRUPT,
                              "deletion vector file '%s' at offset %llu: size field %u, the log "
                              "says %zu",
                              (const char *)key->ptr, (unsigned long long)off, be32(p), size);
    uint32_t crc = (uint32_t)crc32(0L, p + 4, (uInt)size);
    if (crc != be32(p + 4 + size))
        return silt_error_set(err, SILT_ECORRUPT,
                              "deletion vector file '%s' at offset %llu: CRC-32 mismatch (the "
                              "file is damaged)",
                              (const char *)key->ptr, (unsigned long long)off);
    memmove(data->ptr, p + 4, size);
    data->len = size;
    return 0;
}

int silt_delta_dv_load(silt_delta_rowset *out, silt_store *store, const silt_delta_dv *dv,
                       silt_error *err)
{
    out->n = 0;
    silt_buf data = SILT_BUF_INIT, key = SILT_BUF_INIT;
    int rc = dv_bytes(&data, store, dv, &key, err);
    if (rc) goto fail;
    uint64_t card = dv->cardinality < 0 ? 0 : (uint64_t)dv->cardinality;
    if ((rc = silt_delta_roaring_decode(out, data.ptr, data.len, card, err))) {
        if (key.len) silt_error_path(err, (const char *)key.ptr);
        goto fail;
    }
    if (out->n != card)
        rc = silt_error_set(
            err, SILT_ECORRUPT, "deletion vector '%s' marks %zu rows, its cardinality says %llu",
            dv->path_or_inline_dv ? dv->path_or_inline_dv : "", out->n, (unsigned long long)card);
fail:
    silt_buf_free(&data);
    silt_buf_free(&key);
    return rc;
}

int silt_delta_dv_file_build(silt_buf *file, silt_delta_dv *out, const silt_delta_rowset *sets,
                             size_t n, const uint8_t uuid16[16])
{
    memset(out, 0, n * sizeof *out);
    silt_buf name = SILT_BUF_INIT;
    int rc = silt_delta_z85_encode(&name, uuid16, 16) || silt_buf_cstr(&name) ? SILT_ENOMEM : 0;
    size_t first = file->len;
    if (!rc) rc = silt_buf_putc(file, 1);
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t at = file->len;
        if (!silt_buf_extend(file, 4) || silt_delta_roaring_encode(file, &sets[i])) {
            rc = SILT_ENOMEM;
            break;
        }
        size_t size = file->len - at - 4;
        put_be32(file->ptr + at, (uint32_t)size);
        uint8_t *c = silt_buf_extend(file, 4);
        if (!c) {
            rc = SILT_ENOMEM;
            break;
        }
        put_be32(c, (uint32_t)crc32(0L, file->ptr + at + 4, (uInt)size));
        out[i] = (silt_delta_dv){'u',
                                 silt_strdup((const char *)name.ptr),
                                 (int64_t)(at - first),
                                 (int64_t)size,
                                 (int64_t)sets[i].n,
                                 -1};
        if (!out[i].path_or_inline_dv) rc = SILT_ENOMEM;
        if (sets[i].n) out[i].max_row_index = (int64_t)sets[i].rows[sets[i].n - 1];
    }
    silt_buf_free(&name);
    return rc;
}

/* Fills u with 16 random bytes shaped as a version 4 uuid. */
static void random_uuid(uint8_t u[16])
{
    if (getrandom(u, 16, 0) != 16) {
        uint64_t a = silt_hash_u64(silt_time_mono_ns() ^ (uint64_t)(uintptr_t)u);
        uint64_t b = silt_hash_u64(a ^ (uint64_t)silt_time_wall_us());
        memcpy(u, &a, 8);
        memcpy(u + 8, &b, 8);
    }
    u[6] = (uint8_t)((u[6] & 0x0F) | 0x40);
    u[8] = (uint8_t)((u[8] & 0x3F) | 0x80);
}

int silt_delta_dv_write(silt_delta_dv *out, uint64_t *out_bytes, silt_store *store,
                        const silt_delta_rowset *sets, size_t n, silt_error *err)
{
    if (n == 0) return silt_error_set(err, SILT_EINVAL, "a deletion vector file needs a row set");
    uint8_t u[16];
    random_uuid(u);
    silt_buf file = SILT_BUF_INIT, key = SILT_BUF_INIT;
    int rc = silt_delta_dv_file_build(&file, out, sets, n, u);
    if (rc) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto fail;
    }
    if ((rc = silt_delta_dv_file_key(&key, &out[0], store->url, err))) goto fail;
    if (silt_buf_cstr(&key)) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto fail;
    }
    rc = silt_store_put(store, (const char *)key.ptr, file.ptr, file.len, err);
    if (out_bytes) *out_bytes = file.len;
fail:
    if (rc)
        for (size_t i = 0; i < n; i++) silt_delta_dv_clear(&out[i]);
    silt_buf_free(&file);
    silt_buf_free(&key);
    return rc;
}
