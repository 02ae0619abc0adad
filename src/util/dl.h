/* A shared library loaded on first use: dlopen plus the dlsym of each entry point a forwarding
 * file (store/curl_dl.c, http/mhd_dl.c, ...) needs, with one message when anything is missing. */
#ifndef SILT_UTIL_DL_H
#define SILT_UTIL_DL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

/* An entry point: its symbol name and where its address goes. */
typedef struct silt_dl_sym {
    void **slot;
    const char *name;
} silt_dl_sym;

/* Opens soname (RTLD_NOW | RTLD_LOCAL) and stores each symbol's address in its slot. Returns 0,
 * or -1 with what failed written to msg (size cap). The library stays loaded. */
int silt_dl_resolve(const char *soname, const silt_dl_sym *syms, size_t n, char *msg, size_t cap);

/* A library a forwarding file loads once, by whichever thread needs it first: its soname, its
 * entry points (a static array), and what the one attempt found. */
typedef struct silt_dl_lib {
    const char *soname;
    const silt_dl_sym *syms;
    size_t n_syms;
    pthread_mutex_t lock;
    int state;     /* 0: not tried yet; 1: loaded; -1: failed, msg says why */
    char msg[256]; /* why it could not be loaded */
} silt_dl_lib;

#define SILT_DL_LIB(soname, syms)                                                                  \
    {                                                                                              \
        (soname), (syms), sizeof(syms) / sizeof((syms)[0]), PTHREAD_MUTEX_INITIALIZER, 0,          \
        {                                                                                          \
            0                                                                                      \
        }                                                                                          \
    }

/* Loads lib on the first call (silt_dl_resolve); later calls return what that one found. True
 * when loaded; otherwise lib->msg says what failed. Thread-safe. */
bool silt_dl_load(silt_dl_lib *lib);

#endif
