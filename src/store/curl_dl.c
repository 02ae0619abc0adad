/* libcurl loaded on first use: resolves curl's entry points with dlopen/dlsym and defines the
 * few curl_* functions silt calls as forwarders, so that the program does not link libcurl. */
#include "util/dl.h"
#include "store/curl_dl.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#define SILT_CURL_SONAME "libcurl.so.4"

static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    void (*easy_reset)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    curl_version_info_data *(*version_info)(CURLversion);
} fn;

#define SYM(field) (void **)&fn.field

static const silt_dl_sym syms[] = {
    {SYM(global_init), "curl_global_init"},   {SYM(easy_init), "curl_easy_init"},
    {SYM(easy_setopt), "curl_easy_setopt"},   {SYM(easy_perform), "curl_easy_perform"},
    {SYM(easy_getinfo), "curl_easy_getinfo"}, {SYM(easy_cleanup), "curl_easy_cleanup"},
    {SYM(easy_reset), "curl_easy_reset"},     {SYM(easy_strerror), "curl_easy_strerror"},
    {SYM(slist_append), "curl_slist_append"}, {SYM(slist_free_all), "curl_slist_free_all"},
    {SYM(version_info), "curl_version_info"},
};
static silt_dl_lib lib = SILT_DL_LIB(SILT_CURL_SONAME, syms);

int silt_curl_dl_load(silt_error *err)
{
    if (silt_dl_load(&lib)) return 0;
    return silt_error_set(err, SILT_EUNSUPPORTED,
                          "Azure storage needs libcurl (%s), which could not be loaded: %s; "
                          "install it (Debian/Ubuntu: apt-get install libcurl4)",
                          SILT_CURL_SONAME, lib.msg);
}

const char *silt_curl_dl_version(void)
{
    if (silt_curl_dl_load(NULL)) return NULL;
    return fn.version_info(CURLVERSION_NOW)->version;
}

/* The forwarders. curl's names are wrapped in parentheses so its type-checking macros do not
 * expand here. */
CURLcode(curl_global_init)(long flags)
{
    return silt_dl_load(&lib) ? fn.global_init(flags) : CURLE_FAILED_INIT;
}

CURL *(curl_easy_init)(void)
{
    return silt_dl_load(&lib) ? fn.easy_init() : NULL;
}

/* curl_easy_setopt takes one argument whose type follows from the option's number range. */
CURLcode(curl_easy_setopt)(CURL *c, CURLoption opt, ...)
{
    if (!silt_dl_load(&lib)) return CURLE_FAILED_INIT;
    va_list ap;
    va_start(ap, opt);
    CURLcode rc;
    if (opt < CURLOPTTYPE_OBJECTPOINT)
        rc = fn.easy_setopt(c, opt, va_arg(ap, long));
    else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
        rc = fn.easy_setopt(c, opt, va_arg(ap, void *));
    else if (opt < CURLOPTTYPE_OFF_T) {
        void (*f)(void) = va_arg(ap, void (*)(void));
        rc = fn.easy_setopt(c, opt, f);
    } else if (opt < CURLOPTTYPE_BLOB)
        rc = fn.easy_setopt(c, opt, va_arg(ap, curl_off_t));
    else
        rc = fn.easy_setopt(c, opt, va_arg(ap, void *));
    va_end(ap);
    return rc;
}

CURLcode(curl_easy_perform)(CURL *c)
{
    return silt_dl_load(&lib) ? fn.easy_perform(c) : CURLE_FAILED_INIT;
}

/* Every curl_easy_getinfo result is returned through a pointer. */
CURLcode(curl_easy_getinfo)(CURL *c, CURLINFO info, ...)
{
    if (!silt_dl_load(&lib)) return CURLE_FAILED_INIT;
    va_list ap;
    va_start(ap, info);
    CURLcode rc = fn.easy_getinfo(c, info, va_arg(ap, void *));
    va_end(ap);
    return rc;
}

void(curl_easy_cleanup)(CURL *c)
{
    if (c && silt_dl_load(&lib)) fn.easy_cleanup(c);
}

void(curl_easy_reset)(CURL *c)
{
    if (c && silt_dl_load(&lib)) fn.easy_reset(c);
}

const char *(curl_easy_strerror)(CURLcode rc)
{
    return silt_dl_load(&lib) ? fn.easy_strerror(rc) : "libcurl could not be loaded";
}

struct curl_slist *(curl_slist_append)(struct curl_slist *l, const char *s)
{
    return silt_dl_load(&lib) ? fn.slist_append(l, s) : NULL;
}

void(curl_slist_free_all)(struct curl_slist *l)
{
    if (l && silt_dl_load(&lib)) fn.slist_free_all(l);
}

curl_version_info_data *(curl_version_info)(CURLversion v)
{
    return silt_dl_load(&lib) ? fn.version_info(v) : NULL;
}
