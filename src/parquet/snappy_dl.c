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

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int loaded;
static char load_msg[256];

#define SYM(field) (void **)&fn.field

static void load(void)
{
    const silt_dl_sym syms[] = {
        {SYM(compress), "snappy_compress"},
        {SYM(uncompress), "snappy_uncompress"},
        {SYM(max_compressed_length), "snappy_max_compressed_length"},
        {SYM(uncompressed_length), "snappy_uncompressed_length"},
    };
    loaded = silt_dl_resolve(SILT_SNAPPY_SONAME, syms, sizeof syms / sizeof syms[0], load_msg,
                             sizeof load_msg) == 0;
}

static int ready(void)
{
    pthread_once(&load_once, load);
    return loaded;
}

int silt_snappy_dl_load(silt_error *err)
{
    if (ready()) return 0;
    return silt_error_set(err, SILT_EUNSUPPORTED,
                          "snappy-compressed Parquet needs libsnappy (%s), which could not be "
                          "loaded: %s; install it (Debian/Ubuntu: apt-get install libsnappy1v5)",
                          SILT_SNAPPY_SONAME, load_msg);
}

snappy_status snappy_compress(const char *input, size_t input_length, char *compressed,
                              size_t *compressed_length)
{
    return ready() ? fn.compress(input, input_length, compressed, compressed_length)
                   : SNAPPY_INVALID_INPUT;
}

snappy_status snappy_uncompress(const char *compressed, size_t compressed_length,
                                char *uncompressed, size_t *uncompressed_length)
{
    return ready() ? fn.uncompress(compressed, compressed_length, uncompressed, uncompressed_length)
                   : SNAPPY_INVALID_INPUT;
}

size_t snappy_max_compressed_length(size_t source_length)
{
    return ready() ? fn.max_compressed_length(source_length) : 0;
}

snappy_status snappy_uncompressed_length(const char *compressed, size_t compressed_length,
                                         size_t *result)
{
    return ready() ? fn.uncompressed_length(compressed, compressed_length, result)
                   : SNAPPY_INVALID_INPUT;
}
