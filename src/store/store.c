/* Store location parsing, listing helpers and the byte-range source adapter shared by every
 * object-store backend. */
#include "store/store.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_azure.h"
#include "util/alloc.h"

/* Opens the local store at an absolute path; refuses a path that is a regular file (a table is
 * a folder). `loc` is the location as given, for messages. */
static int open_local(silt_store **out, const char *path, const char *loc, silt_error *err)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode))
        return silt_error_set(err, SILT_EINVAL,
                              "location '%s' is a file, not a table folder (a Delta table is a "
                              "folder holding _delta_log/): give the folder that contains it",
                              loc);
    return silt_store_local_create(out, path, err);
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* A file: URI as Spark (Hadoop's Path) and delta-rs take it: file:/abs, file:///abs or
 * file://localhost/abs, percent-escapes decoded. Anything else is refused with the forms that
 * work. */
static int open_file_uri(silt_store **out, const char *url, silt_error *err)
{
    const char *p = url + 5; /* after "file:" */
    if (strncmp(p, "//", 2) == 0) {
        p += 2;
        if (strncmp(p, "localhost/", 10) == 0) p += 9;
        if (*p != '/')
            return silt_error_set(err, SILT_EINVAL,
                                  "location '%s': a file: URI names a local absolute path "
                                  "(file:///abs/path or file:/abs/path); '%.*s' would be a "
                                  "remote host",
                                  url, (int)strcspn(p, "/"), p);
    }
    if (*p != '/')
        return silt_error_set(err, SILT_EINVAL,
                              "location '%s': a file: URI needs an absolute path (file:///abs/path "
                              "or file:/abs/path); give a relative path without 'file:'",
                              url);
    char *path = silt_malloc(strlen(p) + 1);
    if (!path) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    size_t n = 0;
    for (const char *c = p; *c; c++) {
        int hi, lo;
        if (*c == '%' && (hi = hex_digit(c[1])) >= 0 && (lo = hex_digit(c[2])) >= 0) {
            path[n++] = (char)(hi * 16 + lo);
            c += 2;
        } else if (*c == '%') {
            silt_free(path);
            return silt_error_set(err, SILT_EINVAL,
                                  "location '%s': '%%' must start an escape like %%20 in a file: "
                                  "URI",
                                  url);
        } else {
            path[n++] = *c;
        }
    }
    path[n] = '\0';
    int rc = n != strlen(path)
                 ? silt_error_set(err, SILT_EINVAL, "location '%s': %%00 in a path", url)
                 : open_local(out, path, url, err);
    silt_free(path);
    return rc;
}

/* Length of a URI scheme followed by ':' at the start of s ("s3:", "file:"), or 0. */
static size_t scheme_len(const char *s)
{
    size_t i = 0;
    if (!isalpha((unsigned char)s[0])) return 0;
    while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.') i++;
    return s[i] == ':' ? i : 0;
}

int silt_store_open(silt_store **out, const char *url, silt_error *err)
{
    return silt_store_open_opts(out, url, NULL, err);
}

int silt_store_open_opts(silt_store **out, const char *url, const char *const *options,
                         silt_error *err)
{
    *out = NULL;
    if (!url || !*url) return silt_error_set(err, SILT_EINVAL, "empty table location");
    if (silt_az_is_url(url)) return silt_store_azure_create(out, url, options, err);
    if (strncmp(url, "file:", 5) == 0) return open_file_uri(out, url, err);
    if (strncmp(url, "mem:", 4) == 0)
        return silt_error_set(err, SILT_EINVAL,
                              "location '%s': in-memory tables vanish when the process exits, so "
                              "silt takes no mem: location; give a folder (/abs/path, "
                              "relative/path or file:///abs/path)",
                              url);
    if (url[0] == '/') return open_local(out, url, url, err);
    size_t sl = scheme_len(url);
    if (sl)
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "location '%s': unsupported scheme '%.*s' (use /abs/path, "
                              "relative/path, file:///abs/path, abfss://, az:// or https:// "
                              "(Azure); write a relative path that contains ':' as ./%s)",
                              url, (int)sl, url, url);
    /* a relative path: relative to the current directory */
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd))
        return silt_error_set_errno(err, SILT_EIO, errno,
                                    "location '%s' is relative and the current directory is "
                                    "unknown: give an absolute path",
                                    url);
    size_t need = strlen(cwd) + strlen(url) + 2;
    char *abs = silt_malloc(need);
    if (!abs) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    const char *rel = url;
    while (rel[0] == '.' && rel[1] == '/') rel += 2;
    snprintf(abs, need, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, rel);
    int rc = open_local(out, abs, url, err);
    silt_free(abs);
    return rc;
}

void silt_store_destroy(silt_store *s)
{
    if (s) s->ops->destroy(s);
}

void silt_store_defer_sync(silt_store *s, bool on)
{
    s->defer_sync = on;
}

int silt_store_sync(silt_store *s, silt_error *err)
{
    return s->ops->sync ? s->ops->sync(s, err) : 0;
}

void silt_store_list_clear(silt_store_listing *l)
{
    for (size_t i = 0; i < l->n; i++) silt_free(l->entries[i].key);
    silt_free(l->entries);
    l->entries = NULL;
    l->n = 0;
}

int silt_store_list_push(silt_store_listing *l, const char *key, uint64_t size, int64_t mtime_ms)
{
    /* capacity is 16, then doubles: the array is full when n is 16 times a power of two */
    size_t n = l->n;
    if (n == 0 || (n >= 16 && (n & (n - 1)) == 0)) {
        silt_store_entry *e = silt_realloc(l->entries, (n ? n * 2 : 16) * sizeof *e);
        if (!e) return SILT_ENOMEM;
        l->entries = e;
    }
    char *k = silt_strdup(key);
    if (!k) return SILT_ENOMEM;
    l->entries[l->n].key = k;
    l->entries[l->n].size = size;
    l->entries[l->n].mtime_ms = mtime_ms;
    l->n++;
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const silt_store_entry *)a)->key, ((const silt_store_entry *)b)->key);
}

void silt_store_list_sort(silt_store_listing *l)
{
    if (l->n > 1) qsort(l->entries, l->n, sizeof *l->entries, cmp_entry);
}
