/* Azure Blob / ADLS Gen2 object store: whole and ranged gets, puts, put-if-absent (If-None-Match
 * with a content check when an earlier attempt's answer was lost), delete and head. */
#include "store/store_azure.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/curl_dl.h"
#include "util/alloc.h"

int silt_az_blob_name(silt_az_store *az, silt_buf *out, const char *key, silt_error *err)
{
    silt_buf_reset(out);
    if (!key || !*key || key[0] == '/')
        return silt_error_set(err, SILT_EINVAL, "object key '%s' is not a relative path",
                              key ? key : "");
    if (az->cfg.prefix[0]) silt_buf_printf(out, "%s/", az->cfg.prefix);
    silt_buf_puts(out, key);
    return silt_buf_cstr(out) ? silt_error_set(err, SILT_ENOMEM, "out of memory") : 0;
}

/* What to fix, for an authorization failure with the credential in use. */
static const char *auth_hint(silt_az_store *az, const char *code, long status)
{
    bool perm = strstr(code, "Permission") || strstr(code, "ResourceTypeMismatch");
    switch (az->cfg.auth) {
    case SILT_AZ_AUTH_SHARED_KEY:
        return "the account key does not match this account: check AZURE_STORAGE_ACCOUNT_KEY "
               "(key1 or key2 of this account) and AZURE_STORAGE_ACCOUNT_NAME";
    case SILT_AZ_AUTH_SAS:
        return perm ? "the SAS token lacks a permission this operation needs (silt needs read, "
                      "add, create, write, delete and list: sp=racwdl)"
                    : "the SAS token was refused: it is expired, not yet valid, malformed or "
                      "signed for another account or container: issue a new "
                      "AZURE_STORAGE_SAS_TOKEN";
    case SILT_AZ_AUTH_NONE:
        return "no credential was given: set AZURE_STORAGE_ACCOUNT_KEY, AZURE_STORAGE_SAS_TOKEN, "
               "AZURE_STORAGE_TOKEN or client credentials (see docs/AZURE.md)";
    default:
        return perm || status == 403
                   ? "the identity lacks a role on this container (e.g. Storage Blob Data "
                     "Contributor) or its token is not for https://storage.azure.com"
                   : "the bearer token was refused: it is expired or not for "
                     "https://storage.azure.com";
    }
}

int silt_az_status_error(silt_az_store *az, const silt_az_resp *r, const char *what,
                         const char *key, silt_error *err)
{
    const char *code = r->code[0] ? r->code : "no error code";
    const char *acc = az->cfg.account, *cont = az->cfg.container;
    const char *cred = silt_az_auth_name(az->cfg.auth);
    if (r->status == 404 && strcmp(code, "ContainerNotFound") == 0)
        return silt_error_set(err, SILT_ENOTFOUND,
                              "container '%s' does not exist in storage account '%s' (%s "
                              "'%s'): create it or fix the location (credential: %s)",
                              cont, acc, what, key, cred);
    if (r->status == 404)
        return silt_error_set(err, SILT_ENOTFOUND,
                              "'%s' does not exist (container '%s', storage account '%s')", key,
                              cont, acc);
    if (r->status == 409 || r->status == 412)
        return silt_error_set(err, SILT_EEXISTS,
                              "'%s' already exists (container '%s', storage account '%s')", key,
                              cont, acc);
    if (r->status == 416)
        return silt_error_set(err, SILT_ECORRUPT,
                              "%s '%s': the range is past the end of the object (container "
                              "'%s', storage account '%s')",
                              what, key, cont, acc);
    if (r->status == 401 || r->status == 403)
        return silt_error_set(err, SILT_EINVAL,
                              "%s '%s' refused by storage account '%s' (container '%s'): HTTP "
                              "%ld %s: %s (credential: %s)",
                              what, key, acc, cont, r->status, code, auth_hint(az, code, r->status),
                              cred);
    silt_error_set(err, SILT_EIO,
                   "%s '%s' failed in container '%s' of storage account '%s': HTTP %ld %s "
                   "(after %d attempts)",
                   what, key, cont, acc, r->status, code, r->attempts);
    silt_error_retriable(err, r->status >= 500 || r->status == 408 || r->status == 429);
    return SILT_EIO;
}

static int az_get(silt_store *s, silt_buf *out, const char *key, silt_error *err)
{
    silt_az_store *az = (silt_az_store *)s;
    silt_buf name = SILT_BUF_INIT;
    silt_az_resp r;
    int rc = silt_az_blob_name(az, &name, key, err);
    if (rc) goto fail;
    silt_az_req q = {.method = "GET", .blob = (char *)name.ptr, .body = out};
    if ((rc = silt_az_http_do(az, &q, &r, err))) goto fail;
    if (r.status != 200)
        rc = silt_az_status_error(az, &r, "reading", key, err);
    else if (silt_buf_oom(out))
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory reading '%s'", key);
fail:
    silt_buf_free(&name);
    return rc;
}

static int az_head(silt_store *s, silt_store_entry *out, const char *key, silt_error *err)
{
    silt_az_store *az = (silt_az_store *)s;
    silt_buf name = SILT_BUF_INIT;
    silt_az_resp r;
    out->key = NULL;
    int rc = silt_az_blob_name(az, &name, key, err);
    if (rc) goto fail;
    silt_az_req q = {.method = "HEAD", .blob = (char *)name.ptr};
    if ((rc = silt_az_http_do(az, &q, &r, err))) goto fail;
    if (r.status != 200) {
        rc = silt_az_status_error(az, &r, "reading the properties of", key, err);
        goto fail;
    }
    if (!(out->key = silt_strdup(key))) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto fail;
    }
    out->size = r.length;
    out->mtime_ms = r.mtime_ms;
fail:
    silt_buf_free(&name);
    return rc;
}

/* Ranged GET of [offset, offset+n) into dst; *got gets the bytes the object had there. */
static int fetch_range(silt_az_store *az, const char *key, uint64_t offset, size_t n, void *dst,
                       size_t *got, silt_error *err)
{
    silt_buf name = SILT_BUF_INIT;
    silt_az_resp r;
    char range[80];
    snprintf(range, sizeof range, "x-ms-range:bytes=%llu-%llu", (unsigned long long)offset,
             (unsigned long long)(offset + n - 1));
    int rc = silt_az_blob_name(az, &name, key, err);
    if (rc) goto fail;
    silt_az_req q = {.method = "GET",
                     .blob = (char *)name.ptr,
                     .headers = {range},
                     .nheaders = 1,
                     .has_range = true,
                     .range_off = offset,
                     .range_len = n,
                     .range_dst = dst};
    if ((rc = silt_az_http_do(az, &q, &r, err))) goto fail;
    if (r.status != 206 && r.status != 200) rc = silt_az_status_error(az, &r, "reading", key, err);
    *got = r.got;
fail:
    silt_buf_free(&name);
    return rc;
}

static int past_end(silt_az_store *az, const char *key, uint64_t offset, size_t n, silt_error *err)
{
    silt_error_set(err, SILT_ECORRUPT,
                   "'%s' ends before byte %llu (read of %zu bytes at %llu, container '%s')", key,
                   (unsigned long long)(offset + n), n, (unsigned long long)offset,
                   az->cfg.container);
    return silt_error_path(err, key);
}

/* A small read through the read-ahead cache. */
static int cached_range(silt_az_store *az, void *buf, const char *key, uint64_t offset, size_t n,
                        silt_error *err)
{
    bool end = false;
    if (silt_az_cache_read(az, key, offset, n, buf, &end))
        return end ? past_end(az, key, offset, n, err) : 0;
    uint64_t start;
    size_t len, got = 0;
    silt_az_cache_window(offset, n, &start, &len);
    uint8_t *win = silt_malloc(len);
    if (!win) return silt_error_set(err, SILT_ENOMEM, "out of memory reading '%s'", key);
    int rc = fetch_range(az, key, start, len, win, &got, err);
    if (rc) {
        silt_free(win);
        return rc;
    }
    bool ok = offset + n <= start + got;
    if (ok) memcpy(buf, win + (offset - start), n);
    silt_az_cache_put(az, key, start, win, got, got < len);
    return ok ? 0 : past_end(az, key, offset, n, err);
}

static int az_get_range(silt_store *s, void *buf, const char *key, uint64_t offset, size_t n,
                        silt_error *err)
{
    silt_az_store *az = (silt_az_store *)s;
    if (n == 0) {
        silt_store_entry e = {0};
        int rc = az_head(s, &e, key, err);
        silt_free(e.key);
        if (!rc && offset > e.size)
            rc = silt_error_set(err, SILT_ECORRUPT, "'%s' ends before byte %llu", key,
                                (unsigned long long)offset);
        return rc;
    }
    if (silt_az_cache_wants(n)) return cached_range(az, buf, key, offset, n, err);
    size_t got = 0;
    int rc = fetch_range(az, key, offset, n, buf, &got, err);
    if (!rc && got != n) rc = past_end(az, key, offset, n, err);
    return rc;
}

/* Put Blob, optionally with If-None-Match: *. */
static int put_blob(silt_az_store *az, const char *key, const void *data, size_t n, bool if_absent,
                    silt_az_resp *r, silt_error *err)
{
    silt_buf name = SILT_BUF_INIT;
    int rc = silt_az_blob_name(az, &name, key, err);
    if (rc) goto fail;
    silt_az_req q = {.method = "PUT",
                     .blob = (char *)name.ptr,
                     .headers = {"x-ms-blob-type:BlockBlob"},
                     .nheaders = 1,
                     .data = data,
                     .data_len = n,
                     .if_none_match = if_absent};
    rc = silt_az_http_do(az, &q, r, err);
fail:
    silt_buf_free(&name);
    return rc;
}

static int az_put(silt_store *s, const char *key, const void *data, size_t n, silt_error *err)
{
    silt_az_store *az = (silt_az_store *)s;
    silt_az_resp r;
    silt_az_cache_drop(az, key);
    if (n > 2 * silt_az_piece_size(az)) {
        silt_buf name = SILT_BUF_INIT;
        int rc = silt_az_blob_name(az, &name, key, err);
        if (!rc) rc = silt_az_put_parallel(az, (char *)name.ptr, key, data, n, err);
        silt_buf_free(&name);
        return rc;
    }
    int rc = put_blob(az, key, data, n, false, &r, err);
    if (!rc && r.status != 201) rc = silt_az_status_error(az, &r, "writing", key, err);
    return rc;
}

/* After an ambiguous put-if-absent found the object present: is it the one we wrote? */
static int is_own_object(silt_az_store *az, const char *key, const void *data, size_t n, bool *own,
                         silt_error *err)
{
    silt_buf cur = SILT_BUF_INIT;
    int rc = az_get(&az->base, &cur, key, err);
    *own = rc == 0 && cur.len == n && (n == 0 || memcmp(cur.ptr, data, n) == 0);
    silt_buf_free(&cur);
    return rc;
}

static int az_put_if_absent(silt_store *s, const char *key, const void *data, size_t n,
                            silt_error *err)
{
    silt_az_store *az = (silt_az_store *)s;
    silt_az_resp r;
    silt_az_cache_drop(az, key);
    int rc = put_blob(az, key, data, n, true, &r, err);
    if (rc || r.status == 201) return rc;
    if ((r.status == 409 || r.status == 412) && r.ambiguous) {
        bool own = false;
        if ((rc = is_own_object(az, key, data, n, &own, err))) return rc;
        if (own) return 0; /* our first attempt landed; its answer was lost */
    }
    return silt_az_status_error(az, &r, "writing", key, err);
}

static int az_del(silt_store *s, const char *key, silt_error *err)
{
    silt_az_store *az = (silt_az_store *)s;
    silt_buf name = SILT_BUF_INIT;
    silt_az_resp r;
    int rc = silt_az_blob_name(az, &name, key, err);
    if (rc) goto fail;
    silt_az_cache_drop(az, key);
    silt_az_req q = {.method = "DELETE", .blob = (char *)name.ptr};
    if ((rc = silt_az_http_do(az, &q, &r, err))) goto fail;
    if (r.status == 404 && r.ambiguous && strcmp(r.code, "BlobNotFound") == 0) goto fail;
    if (r.status != 202 && r.status != 200) rc = silt_az_status_error(az, &r, "deleting", key, err);
fail:
    silt_buf_free(&name);
    return rc;
}

static void az_destroy(silt_store *s)
{
    silt_az_store *az = (silt_az_store *)s;
    silt_az_cache_drop(az, NULL);
    for (size_t i = 0; i < az->npool; i++) curl_easy_cleanup(az->pool[i]);
    silt_free(az->pool);
    silt_az_config_free(&az->cfg);
    pthread_mutex_destroy(&az->lock);
    silt_free(az->base.url);
    silt_free(az);
}

static const struct silt_store_ops az_ops = {
    .get = az_get,
    .get_range = az_get_range,
    .put = az_put,
    .put_if_absent = az_put_if_absent,
    .list = silt_az_list,
    .del = az_del,
    .head = az_head,
    .destroy = az_destroy,
    .open_writer = silt_az_open_writer,
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

int silt_store_azure_create(silt_store **out, const char *url, const char *const *options,
                            silt_error *err)
{
    *out = NULL;
    int rc = silt_curl_dl_load(err);
    if (rc) return rc;
    pthread_once(&curl_once, curl_init_once);
    silt_az_store *az = silt_calloc(1, sizeof *az);
    if (!az) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    rc = silt_az_config_parse(&az->cfg, url, options, err);
    if (rc) {
        silt_free(az);
        return rc;
    }
    pthread_mutex_init(&az->lock, NULL);
    az->rng = (uint64_t)(uintptr_t)az ^ (uint64_t)time(NULL) * 2654435761ULL;
    az->base.ops = &az_ops;
    if (!(az->base.url = silt_strdup(url))) {
        az_destroy(&az->base);
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    *out = &az->base;
    return 0;
}

int silt_az_container_create(silt_store *s, silt_error *err)
{
    if (s->ops != &az_ops)
        return silt_error_set(err, SILT_EINVAL, "'%s' is not an Azure location", s->url);
    silt_az_store *az = (silt_az_store *)s;
    silt_az_resp r;
    silt_az_req q = {.method = "PUT", .params = {{"restype", "container"}}, .nparams = 1};
    int rc = silt_az_http_do(az, &q, &r, err);
    if (rc || r.status == 201 || (r.status == 409 && strcmp(r.code, "ContainerAlreadyExists") == 0))
        return rc;
    return silt_az_status_error(az, &r, "creating the container", az->cfg.container, err);
}
