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

bool silt_dl_load(silt_dl_lib *lib)
{
    int st = __atomic_load_n(&lib->state, __ATOMIC_ACQUIRE);
    if (st) return st > 0;
    pthread_mutex_lock(&lib->lock);
    if (!(st = lib->state)) {
        st = silt_dl_resolve(lib->soname, lib->syms, lib->n_syms, lib->msg, sizeof lib->msg) ? -1
                                                                                             : 1;
        __atomic_store_n(&lib->state, st, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&lib->lock);
    return st > 0;
}
