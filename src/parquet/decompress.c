/* Codec back ends for Parquet pages (libsnappy, zlib, libzstd, liblz4). */
#include "parquet/decompress.h"

#include "parquet/format.h"
#include "parquet/meta.h"
#include "parquet/snappy_dl.h"

#include <lz4.h>
#include <pthread.h>
#include <snappy-c.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

static int bad(silt_error *err, int codec, const char *why)
{
    return silt_error_set(err, SILT_ECORRUPT, "%s page does not decompress: %s",
                          silt_pq_codec_name(codec), why);
}

static int gunzip(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_n, silt_error *err)
{
    size_t in_used = 0, out_used = 0;
    while (in_used < n) {
        z_stream z;
        memset(&z, 0, sizeof z);
        if (inflateInit2(&z, 15 + 32) != Z_OK)
            return silt_error_set(err, SILT_ENOMEM, "out of memory starting zlib");
        z.next_in = (Bytef *)(src + in_used);
        z.avail_in = (uInt)(n - in_used > UINT32_MAX ? UINT32_MAX : n - in_used);
        z.next_out = dst + out_used;
        z.avail_out = (uInt)(dst_n - out_used);
        int rc = inflate(&z, Z_FINISH);
        size_t consumed = (size_t)z.total_in, produced = (size_t)z.total_out;
        inflateEnd(&z);
        if (rc != Z_STREAM_END) {
            if (rc == Z_BUF_ERROR && z.avail_out == 0)
                return bad(err, SILT_PQ_CODEC_GZIP, "more data than the page size says");
            return bad(err, SILT_PQ_CODEC_GZIP, "malformed or truncated gzip stream");
        }
        in_used += consumed;
        out_used += produced;
        if (consumed == 0) break;
        /* trailing zero padding after the last member is tolerated */
        while (in_used < n && src[in_used] == 0) in_used++;
    }
    if (out_used != dst_n) return bad(err, SILT_PQ_CODEC_GZIP, "size differs from the header");
    return 0;
}

/* One zstd decompression context per thread, kept for the thread's life: ZSTD_decompress()
 * sets up a new one per page, and that setup probes the CPU (cpuid), which in a virtual machine
 * traps to the hypervisor and cost the pipeline a fifth of its time. */
static pthread_key_t zstd_key;
static pthread_once_t zstd_once = PTHREAD_ONCE_INIT;
static int zstd_key_ok;

static void zstd_dctx_free(void *p)
{
    ZSTD_freeDCtx(p);
}

static void zstd_key_make(void)
{
    zstd_key_ok = pthread_key_create(&zstd_key, zstd_dctx_free) == 0;
}

/* The calling thread's context (created on first use), or NULL when none can be made. */
static ZSTD_DCtx *zstd_dctx(void)
{
    pthread_once(&zstd_once, zstd_key_make);
    if (!zstd_key_ok) return NULL;
    ZSTD_DCtx *d = pthread_getspecific(zstd_key);
    if (d) return d;
    if (!(d = ZSTD_createDCtx())) return NULL;
    if (pthread_setspecific(zstd_key, d)) {
        ZSTD_freeDCtx(d);
        return NULL;
    }
    return d;
}

static int unzstd(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_n, silt_error *err)
{
    ZSTD_DCtx *d = zstd_dctx();
    size_t got =
        d ? ZSTD_decompressDCtx(d, dst, dst_n, src, n) : ZSTD_decompress(dst, dst_n, src, n);
    if (ZSTD_isError(got)) return bad(err, SILT_PQ_CODEC_ZSTD, ZSTD_getErrorName(got));
    if (got != dst_n) return bad(err, SILT_PQ_CODEC_ZSTD, "size differs from the page header");
    return 0;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Hadoop framing: repeated [u32be uncompressed][u32be compressed][lz4 block]. */
static int hadoop_lz4(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_n)
{
    size_t in = 0, out = 0;
    while (in < n) {
        if (n - in < 8) return -1;
        uint32_t ulen = be32(src + in), clen = be32(src + in + 4);
        in += 8;
        if (clen > n - in || ulen > dst_n - out) return -1;
        int got =
            LZ4_decompress_safe((const char *)src + in, (char *)dst + out, (int)clen, (int)ulen);
        if (got < 0 || (uint32_t)got != ulen) return -1;
        in += clen;
        out += ulen;
    }
    return out == dst_n ? 0 : -1;
}

int silt_pq_decompress(int codec, const uint8_t *src, size_t n, uint8_t *dst, size_t dst_n,
                       silt_error *err)
{
    uint8_t empty = 0;
    if (!dst) { /* an empty page: give the codecs a valid pointer to write nothing to */
        dst = &empty;
        dst_n = 0;
    }
    switch (codec) {
    case SILT_PQ_CODEC_UNCOMPRESSED:
        if (n != dst_n) return bad(err, codec, "sizes differ for an uncompressed page");
        if (n) memcpy(dst, src, n);
        return 0;
    case SILT_PQ_CODEC_SNAPPY: {
        size_t len;
        int rc = silt_snappy_dl_load(err);
        if (rc) return rc;
        if (snappy_uncompressed_length((const char *)src, n, &len) != SNAPPY_OK)
            return bad(err, codec, "malformed snappy header");
        if (len != dst_n) return bad(err, codec, "size differs from the page header");
        size_t out_len = dst_n;
        if (snappy_uncompress((const char *)src, n, (char *)dst, &out_len) != SNAPPY_OK ||
            out_len != dst_n)
            return bad(err, codec, "malformed snappy data");
        return 0;
    }
    case SILT_PQ_CODEC_GZIP: return gunzip(src, n, dst, dst_n, err);
    case SILT_PQ_CODEC_ZSTD: return unzstd(src, n, dst, dst_n, err);
    case SILT_PQ_CODEC_LZ4_RAW:
    case SILT_PQ_CODEC_LZ4: {
        if (n > INT32_MAX || dst_n > INT32_MAX) return bad(err, codec, "page too large");
        if (codec == SILT_PQ_CODEC_LZ4 && hadoop_lz4(src, n, dst, dst_n) == 0) return 0;
        int got = LZ4_decompress_safe((const char *)src, (char *)dst, (int)n, (int)dst_n);
        if (got < 0 || (size_t)got != dst_n) return bad(err, codec, "malformed lz4 block");
        return 0;
    }
    default:
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "compression codec %s (%d) is not supported by silt; rewrite the "
                              "file with snappy, gzip, zstd or lz4_raw",
                              silt_pq_codec_name(codec), codec);
    }
}

int silt_pq_decompress_check(int codec, const uint8_t *src, size_t n, size_t dst_n, silt_error *err)
{
    switch (codec) {
    case SILT_PQ_CODEC_SNAPPY: {
        size_t len;
        int rc = silt_snappy_dl_load(err);
        if (rc) return rc;
        if (snappy_uncompressed_length((const char *)src, n, &len) != SNAPPY_OK)
            return bad(err, codec, "malformed snappy header");
        if (len != dst_n) return bad(err, codec, "size differs from the page header");
        return 0;
    }
    case SILT_PQ_CODEC_ZSTD: {
        unsigned long long len = ZSTD_getFrameContentSize(src, n);
        if (len == ZSTD_CONTENTSIZE_ERROR) return bad(err, codec, "malformed zstd frame header");
        if (len != ZSTD_CONTENTSIZE_UNKNOWN && len != dst_n &&
            ZSTD_findFrameCompressedSize(src, n) == n)
            return bad(err, codec, "size differs from the page header");
        return 0;
    }
    case SILT_PQ_CODEC_GZIP:
        if (dst_n / 1032 > n + 64)
            return bad(err, codec, "page size beyond what gzip can expand to");
        return 0;
    case SILT_PQ_CODEC_LZ4:
    case SILT_PQ_CODEC_LZ4_RAW:
        if (dst_n / 256 > n + 64) return bad(err, codec, "page size beyond what lz4 can expand to");
        return 0;
    default: return 0;
    }
}
