/* libmicrohttpd loaded on first use (dlopen) so that commands other than `silt serve` do not pay
 * for it and the GnuTLS libraries it pulls in at start-up; callers use MHD's API unchanged. */
#ifndef SILT_HTTP_MHD_DL_H
#define SILT_HTTP_MHD_DL_H

#include "util/error.h"

/* Loads libmicrohttpd.so.12 and resolves the entry points silt uses (once; thread-safe).
 * Returns 0, or SILT_EUNSUPPORTED with a message naming the library and how to install it. Until
 * it has succeeded, the MHD_* functions fail as MHD does (NULL daemon/response, MHD_NO). */
int silt_mhd_dl_load(silt_error *err);

/* Returns libmicrohttpd's version string (static), or NULL when it cannot be loaded. */
const char *silt_mhd_dl_version(void);

#endif
