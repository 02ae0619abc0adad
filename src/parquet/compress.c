/* Page compression: thin wrappers over libsnappy, zlib (gzip members) and libzstd. */
#include "parquet/compress.h"
#include "parquet/snappy_dl.h"

#include "util/alloc.h"

#include <snappy-c.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

struct silt_pq_compressor {
    silt_pq_codec codec;
    int level;
    ZSTD_CCtx *zstd;
    z_stream z;
    bool z_ready;
};

const char *silt_pq_compress_codec_name(silt_pq_codec codec)
{
    switch (codec) {
    case SILT_PQ_CODEC_UNCOMPRESSED: return "none";
    case SILT_PQ_CODEC_SNAPPY: return "snappy";
    case SILT_PQ_CODEC_GZIP: return "gzip";
    case SILT_PQ_CODEC_ZSTD: return "zstd";
    case SILT_PQ_CODEC_LZO: return "lzo";
    case SILT_PQ_CODEC_BROTLI: return "brotli";
    case SILT_PQ_CODEC_LZ4: return "lz4";
    case SILT_PQ_CODEC_LZ4_RAW: return "lz4_raw";
    }
    return "unknown";
}

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    return silt_calloc(items, size);
}

static void z_free(voidpf opaque, voidpf p)
{
    (void)opaque;
    silt_free(p);
}

int silt_pq_compressor_create(silt_pq_compressor **out, silt_pq_codec codec, int level,
                              silt_error *err)
{
    *out = NULL;
    silt_pq_compressor *c = NULL;
    switch (codec) {
    case SILT_PQ_CODEC_UNCOMPRESSED: break;
    case SILT_PQ_CODEC_SNAPPY: {
        int rc = silt_snappy_dl_load(err); /* loaded on first use (snappy_dl.h) */
        if (rc) return rc;
        break;
    }
    case SILT_PQ_CODEC_GZIP:
        if (level == 0) level = 6;
        if (level < 1 || level > 9)
            return silt_error_set(err, SILT_EINVAL,
                                  "gzip compression level %d is out of range: use 1..9", level);
        break;
    case SILT_PQ_CODEC_ZSTD:
        if (level == 0) level = 3;
        if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel())
            return silt_error_set(err, SILT_EINVAL,
                                  "zstd compression level %d is out of range: use %d..%d", level,
                                  ZSTD_minCLevel(), ZSTD_maxCLevel());
        break;
    default:
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "parquet writer: codec %s is not supported: use none, snappy, "
                              "gzip or zstd",
                              silt_pq_compress_codec_name(codec));
    }
    c = silt_calloc(1, sizeof *c);
    if (!c) goto oom;
    c->codec = codec;
    c->level = level;
    if (codec == SILT_PQ_CODEC_ZSTD) {
        c->zstd = ZSTD_createCCtx();
        if (!c->zstd) goto oom;
        if (ZSTD_isError(ZSTD_CCtx_setParameter(c->zstd, ZSTD_c_compressionLevel, level))) goto oom;
    } else if (codec == SILT_PQ_CODEC_GZIP) {
        c->z.zalloc = z_alloc;
        c->z.zfree = z_free;
        if (deflateInit2(&c->z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            goto oom;
        c->z_ready = true;
    }
    *out = c;
    return 0;
oom:
    silt_pq_compressor_destroy(c);
    return silt_error_set(err, SILT_ENOMEM, "out of memory creating the %s compressor",
                          silt_pq_compress_codec_name(codec));
}

int silt_pq_compress(silt_pq_compressor *c, silt_buf *out, const uint8_t *src, size_t n,
                     silt_error *err)
{
    switch (c->codec) {
    case SILT_PQ_CODEC_UNCOMPRESSED:
        if (silt_buf_append(out, src, n)) goto oom;
        return 0;
    case SILT_PQ_CODEC_SNAPPY: {
        size_t cap = snappy_max_compressed_length(n);
        if (silt_buf_reserve(out, cap)) goto oom;
        size_t len = cap;
        if (snappy_compress((const char *)src, n, (char *)out->ptr + out->len, &len) != SNAPPY_OK)
            return silt_error_set(err, SILT_EGENERIC, "snappy compression of %zu bytes failed", n);
        out->len += len;
        return 0;
    }
    case SILT_PQ_CODEC_ZSTD: {
        size_t cap = ZSTD_compressBound(n);
        if (silt_buf_reserve(out, cap)) goto oom;
        size_t r = ZSTD_compress2(c->zstd, out->ptr + out->len, cap, src, n);
        if (ZSTD_isError(r))
            return silt_error_set(
                err,
                ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation ? SILT_ENOMEM : SILT_EGENERIC,
                "zstd compression of %zu bytes failed: %s", n, ZSTD_getErrorName(r));
        out->len += r;
        return 0;
    }
    case SILT_PQ_CODEC_GZIP: {
        if (deflateReset(&c->z) != Z_OK)
            return silt_error_set(err, SILT_EGENERIC, "gzip compressor reset failed");
        size_t cap = deflateBound(&c->z, (uLong)n) + 32;
        if (silt_buf_reserve(out, cap)) goto oom;
        c->z.next_in = (Bytef *)src;
        c->z.avail_in = (uInt)n;
        c->z.next_out = out->ptr + out->len;
        c->z.avail_out = (uInt)cap;
        int zr = deflate(&c->z, Z_FINISH);
        if (zr == Z_MEM_ERROR) goto oom;
        if (zr != Z_STREAM_END)
            return silt_error_set(err, SILT_EGENERIC, "gzip compression of %zu bytes failed (%d)",
                                  n, zr);
        out->len += cap - c->z.avail_out;
        return 0;
    }
    default: break;
    }
    return silt_error_set(err, SILT_EUNSUPPORTED, "codec %s is not supported",
                          silt_pq_compress_codec_name(c->codec));
oom:
    return silt_error_set(err, SILT_ENOMEM, "out of memory compressing a %zu-byte page (%s)", n,
                          silt_pq_compress_codec_name(c->codec));
}

void silt_pq_compressor_destroy(silt_pq_compressor *c)
{
    if (!c) return;
    if (c->zstd) ZSTD_freeCCtx(c->zstd);
    if (c->z_ready) deflateEnd(&c->z);
    silt_free(c);
}
