/* libcurl loaded on first use (dlopen) so that commands which never touch Azure do not pay for
 * libcurl's ~25 shared libraries at start-up; store_azure*.c keep calling curl's API unchanged. */
#ifndef SILT_STORE_CURL_DL_H
#define SILT_STORE_CURL_DL_H

#include "util/error.h"

/* Loads libcurl.so.4 and resolves the entry points silt uses (once per process; thread-safe).
 * Returns 0, or SILT_EUNSUPPORTED with a message naming the library and how to install it. Until
 * it has succeeded, the curl_* functions fail as curl does (NULL handle, CURLE_FAILED_INIT). */
int silt_curl_dl_load(silt_error *err);

/* Returns libcurl's version string (static), or NULL when libcurl cannot be loaded. */
const char *silt_curl_dl_version(void);

#endif
