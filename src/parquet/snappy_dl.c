/* libsnappy loaded on first use (see snappy_dl.h): resolves snappy's C entry points with
 * dlopen/dlsym and defines the four snappy_* functions silt calls as forwarders, so that the
 * program links neither libsnappy nor, through it, libstdc++. */
#include "parquet/snappy_dl.h"

#include <pthread.h>
#include <snappy-c.h>

#include "util/dl.h"

#define SILT_SNAPPY_SONAME "libsnappy.so.1"

static struct {
    snappy_status (*compress)(const char *, size_t, char *, size_t *);
    snappy_status (*uncompress)(const char *, size_t, char *, size_t *);
    size_t (*max_compressed_length)(size_t);
    snappy_status (*uncompressed_length)(const char *, size_t, size_t *);
} fn;

#define SYM(field) (void **)&fn.field

static const silt_dl_sym syms[] = {
    {SYM(compress), "snappy_compress"},
    {SYM(uncompress), "snappy_uncompress"},
    {SYM(max_compressed_length), "snappy_max_compressed_length"},
    {SYM(uncompressed_length), "snappy_uncompressed_length"},
};
static silt_dl_lib lib = SILT_DL_LIB(SILT_SNAPPY_SONAME, syms);

int silt_snappy_dl_load(silt_error *err)
{
    if (silt_dl_load(&lib)) return 0;
    return silt_error_set(err, SILT_EUNSUPPORTED,
                          "snappy-compressed Parquet needs libsnappy (%s), which could not be "
                          "loaded: %s; install it (Debian/Ubuntu: apt-get install libsnappy1v5)",
                          SILT_SNAPPY_SONAME, lib.msg);
}

snappy_status snappy_compress(const char *input, size_t input_length, char *compressed,
                              size_t *compressed_length)
{
    return silt_dl_load(&lib) ? fn.compress(input, input_length, compressed, compressed_length)
                              : SNAPPY_INVALID_INPUT;
}

snappy_status snappy_uncompress(const char *compressed, size_t compressed_length,
                                char *uncompressed, size_t *uncompressed_length)
{
    return silt_dl_load(&lib)
               ? fn.uncompress(compressed, compressed_length, uncompressed, uncompressed_length)
               : SNAPPY_INVALID_INPUT;
}

size_t snappy_max_compressed_length(size_t source_length)
{
    return silt_dl_load(&lib) ? fn.max_compressed_length(source_length) : 0;
}

snappy_status snappy_uncompressed_length(const char *compressed, size_t compressed_length,
                                         size_t *result)
{
    return silt_dl_load(&lib) ? fn.uncompressed_length(compressed, compressed_length, result)
                              : SNAPPY_INVALID_INPUT;
}
