/* libcrypto loaded on first use (see crypto_dl.h): resolves the OpenSSL functions silt calls
 * with dlopen/dlsym and defines each as a forwarder, so that the program does not link
 * libcrypto. The list below is the one place that names them: a new call needs its line here
 * (the link fails without it), with OpenSSL's prototype, which the compiler checks against. */
#include "util/crypto_dl.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/opensslv.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/dl.h"

#define STR2(x) #x
#define STR(x) STR2(x)
#define SILT_CRYPTO_SONAME "libcrypto.so." STR(OPENSSL_VERSION_MAJOR)

/* F(return type, name, parameters, arguments). */
/* clang-format off */
#define SILT_CRYPTO_FUNCTIONS(F) \
    F(const char *, OpenSSL_version, (int type), (type)) \
    F(int, CRYPTO_memcmp, (const void *in_a, const void *in_b, size_t len), (in_a, in_b, len)) \
    F(const EVP_MD *, EVP_md5, (void), ()) \
    F(const EVP_MD *, EVP_sha1, (void), ()) \
    F(const EVP_MD *, EVP_sha224, (void), ()) \
    F(const EVP_MD *, EVP_sha256, (void), ()) \
    F(const EVP_MD *, EVP_sha384, (void), ()) \
    F(const EVP_MD *, EVP_sha512, (void), ()) \
    F(int, EVP_Digest, (const void *data, size_t count, unsigned char *md, unsigned int *size, \
                        const EVP_MD *type, ENGINE *impl), (data, count, md, size, type, impl)) \
    F(int, EVP_EncodeBlock, (unsigned char *t, const unsigned char *f, int n), (t, f, n)) \
    F(int, EVP_DecodeBlock, (unsigned char *t, const unsigned char *f, int n), (t, f, n)) \
    F(unsigned char *, HMAC, (const EVP_MD *evp_md, const void *key, int key_len, \
                              const unsigned char *data, size_t data_len, unsigned char *md, \
                              unsigned int *md_len), \
      (evp_md, key, key_len, data, data_len, md, md_len)) \
    F(unsigned char *, SHA256, (const unsigned char *d, size_t n, unsigned char *md), (d, n, md))
/* clang-format on */

#define FIELD(ret, name, params, args) ret(*name) params;
static struct {
    SILT_CRYPTO_FUNCTIONS(FIELD)
} fn;

#define SYM(ret, name, params, args) {(void **)&fn.name, #name},
static const silt_dl_sym syms[] = {SILT_CRYPTO_FUNCTIONS(SYM)};
static silt_dl_lib lib = SILT_DL_LIB(SILT_CRYPTO_SONAME, syms);

int silt_crypto_dl_load(silt_error *err)
{
    if (silt_dl_load(&lib)) return 0;
    return silt_error_set(err, SILT_EUNSUPPORTED,
                          "digests, Azure signing and serve tokens need OpenSSL's libcrypto (%s), "
                          "which could not be loaded: %s; install it (Debian/Ubuntu: apt-get "
                          "install libssl3, libssl3t64 on newer releases)",
                          SILT_CRYPTO_SONAME, lib.msg);
}

const char *silt_crypto_dl_version(void)
{
    return silt_crypto_dl_load(NULL) ? NULL : fn.OpenSSL_version(OPENSSL_VERSION);
}

/* A forwarder reached without the library: callers that can report an error check
 * silt_crypto_dl_load first; going on would call through a null pointer. */
static void need(void)
{
    if (silt_dl_load(&lib)) return;
    silt_error e = {0};
    silt_crypto_dl_load(&e);
    fprintf(stderr, "silt: %s\n", e.msg);
    exit(EXIT_FAILURE);
}

#define FORWARD(ret, name, params, args)                                                           \
    ret name params                                                                                \
    {                                                                                              \
        need();                                                                                    \
        return fn.name args;                                                                       \
    }
SILT_CRYPTO_FUNCTIONS(FORWARD)
