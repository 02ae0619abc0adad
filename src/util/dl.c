/* Loading a shared library on first use (see dl.h). */
#include "util/dl.h"

#include <dlfcn.h>
#include <stdio.h>

int silt_dl_resolve(const char *soname, const silt_dl_sym *syms, size_t n, char *msg, size_t cap)
{
    void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(msg, cap, "%s", e ? e : "dlopen failed");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        *syms[i].slot = dlsym(h, syms[i].name);
        if (!*syms[i].slot) {
            snprintf(msg, cap, "%s has no symbol %s", soname, syms[i].name);
            return -1;
        }
    }
    return 0;
}
