/* libsnappy loaded on first use (dlopen): it is a C++ library, and linking it made every start
 * of every command load and relocate libstdc++ (~4 ms of a `silt sql` query's ~20 ms start-up on
 * a 2-core VM) although only snappy-compressed Parquet pages need it; compress.c and
 * decompress.c keep calling snappy's C API unchanged. */
#ifndef SILT_PARQUET_SNAPPY_DL_H
#define SILT_PARQUET_SNAPPY_DL_H

#include "util/error.h"

/* Loads libsnappy.so.1 and resolves the entry points silt uses (once per process; thread-safe).
 * Returns 0, or SILT_EUNSUPPORTED with a message naming the library and how to install it. Until
 * it has succeeded, the snappy_* functions fail (SNAPPY_INVALID_INPUT, a maximum length of 0). */
int silt_snappy_dl_load(silt_error *err);

#endif
