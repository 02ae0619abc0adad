/* libcrypto (OpenSSL) loaded on first use (dlopen): only the SQL digests (md5, sha1, sha2),
 * Azure Shared Key signing and base64, and `silt serve`'s token check need it, and linking it
 * made every start of every command map and relocate it. Callers keep including OpenSSL's
 * headers; crypto_dl.c defines the few functions silt calls as forwarders. */
#ifndef SILT_UTIL_CRYPTO_DL_H
#define SILT_UTIL_CRYPTO_DL_H

#include "util/error.h"

/* Loads libcrypto (the soname of the OpenSSL major version silt was built with) and resolves
 * every entry point silt uses (once per process; thread-safe). Returns 0, or SILT_EUNSUPPORTED
 * with a message naming the library, what failed and the package to install. A forwarder called
 * while the library cannot be loaded prints the same message and exits the process. */
int silt_crypto_dl_load(silt_error *err);

/* OpenSSL's version text, or NULL when libcrypto cannot be loaded. */
const char *silt_crypto_dl_version(void);

#endif
