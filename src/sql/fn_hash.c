/* Digests of strings and binary, as Spark prints them: md5, sha1, sha2 (224, 256, 384, 512;
 * 0 means 256; another length gives NULL) in lower-case hex, and crc32 as a bigint. */
#include <openssl/evp.h>
#include <zlib.h>

#include "sql/fn_str.h"

static void put_hex(silt_buf *o, const unsigned char *d, unsigned n)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t *p = silt_buf_extend(o, (size_t)n * 2);
    if (!p) return;
    for (unsigned i = 0; i < n; i++) {
        p[2 * i] = (uint8_t)hex[d[i] >> 4];
        p[2 * i + 1] = (uint8_t)hex[d[i] & 15];
    }
}

/* Hex digest of row r's first argument with md; 1 (NULL) when md is NULL. */
static int digest(const EVP_MD *md, const silt_sql_fn_args *a, int64_t r, silt_buf *o)
{
    if (!md) return 1;
    size_t n;
    const uint8_t *s = fn_str(a, 0, r, &n);
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    if (!EVP_Digest(s, n, d, &len, md, NULL)) return SILT_ENOMEM;
    put_hex(o, d, len);
    return 0;
}

static int k_md5(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    return digest(EVP_md5(), a, r, o);
}
FN_STR_BIND(k_md5, "md5", "S", SILT_TYPE_STRING)

static int k_sha1(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    return digest(EVP_sha1(), a, r, o);
}
FN_STR_BIND(k_sha1, "sha1", "S", SILT_TYPE_STRING)

static int k_sha2(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    int64_t bits = fn_get_i64(a->cols[1], silt_sql_arg_row(a, 1, r));
    const EVP_MD *md = bits == 224                ? EVP_sha224()
                       : bits == 256 || bits == 0 ? EVP_sha256()
                       : bits == 384              ? EVP_sha384()
                       : bits == 512              ? EVP_sha512()
                                                  : NULL;
    return digest(md, a, r, o);
}
FN_STR_BIND(k_sha2, "sha2", "SI", SILT_TYPE_STRING)

static int k_crc32(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv)
{
    size_t n;
    const uint8_t *s = fn_str(a, 0, r, &n);
    uLong c = crc32(0L, Z_NULL, 0);
    for (size_t off = 0; off < n;) { /* zlib takes uInt lengths */
        uInt k = n - off > 1u << 30 ? 1u << 30 : (uInt)(n - off);
        c = crc32(c, s + off, k);
        off += k;
    }
    *iv = (int64_t)c;
    return 0;
}
FN_STR_BIND(k_crc32, "crc32", "S", SILT_TYPE_INT64)

#define STR(name, lo, hi, k, doc)                                                                  \
    {                                                                                              \
        name, lo, hi, k##_bind, fn_str_eval, NULL, doc                                             \
    }

const silt_sql_scalar_fn silt_sql_fn_hash[] = {
    STR("md5", 1, 1, k_md5,
        "md5(x) - the MD5 digest of a string or binary, in hex. md5('Spark') -> "
        "'8cde774d6f7333752ed72cacddb05126'"),
    STR("sha1", 1, 1, k_sha1,
        "sha1(x) - the SHA-1 digest in hex. sha1('Spark') -> "
        "'85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c'"),
    STR("sha", 1, 1, k_sha1,
        "sha(x) - same as sha1. sha('Spark') -> "
        "'85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c'"),
    STR("sha2", 2, 2, k_sha2,
        "sha2(x, bits) - the SHA-2 digest (bits 224, 256, 384, 512; 0 = 256) in hex, NULL for "
        "other bits. sha2('Spark', 256) -> "
        "'529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b'"),
    STR("crc32", 1, 1, k_crc32,
        "crc32(x) - the CRC-32 of a string or binary, bigint. "
        "crc32('Spark') -> 1557323817"),
    {0},
};
