/* A shared library loaded on first use: dlopen plus the dlsym of each entry point a forwarding
 * file (store/curl_dl.c, http/mhd_dl.c) needs, with one message when anything is missing. */
#ifndef SILT_UTIL_DL_H
#define SILT_UTIL_DL_H

#include <stddef.h>

/* An entry point: its symbol name and where its address goes. */
typedef struct silt_dl_sym {
    void **slot;
    const char *name;
} silt_dl_sym;

/* Opens soname (RTLD_NOW | RTLD_LOCAL) and stores each symbol's address in its slot. Returns 0,
 * or -1 with what failed written to msg (size cap). The library stays loaded. */
int silt_dl_resolve(const char *soname, const silt_dl_sym *syms, size_t n, char *msg, size_t cap);

#endif
