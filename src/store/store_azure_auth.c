/* Azure request authorization: Shared Key (HMAC-SHA256 over the canonical request), SAS tokens,
 * bearer tokens given or fetched from Microsoft Entra ID (client credentials) or the managed
 * identity endpoint, plus the base64 and URL-encoding helpers they need. */
#include "store/store_azure.h"
#include "util/crypto_dl.h"

#include <ctype.h>
#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/alloc.h"
#include "util/log.h"

int silt_az_b64_encode(silt_buf *out, const void *data, size_t n)
{
    silt_buf_reset(out);
    uint8_t *p = silt_buf_extend(out, 4 * ((n + 2) / 3) + 1);
    if (!p) return SILT_ENOMEM;
    int len = EVP_EncodeBlock(p, data, (int)n);
    out->len = (size_t)len;
    return silt_buf_cstr(out);
}

long silt_az_b64_decode(uint8_t *out, size_t cap, const char *in)
{
    size_t n = strlen(in);
    uint8_t tmp[192];
    if (n == 0 || n % 4 != 0 || (n / 4) * 3 > sizeof tmp) return -1;
    int len = EVP_DecodeBlock(tmp, (const unsigned char *)in, (int)n);
    if (len < 0) return -1;
    if (in[n - 1] == '=') len--;
    if (in[n - 2] == '=') len--;
    if ((size_t)len > cap) return -1;
    memcpy(out, tmp, (size_t)len);
    memset(tmp, 0, sizeof tmp);
    return len;
}

int silt_az_url_encode(silt_buf *out, const char *s, bool keep_slash)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (isalnum(*c) || *c == '-' || *c == '_' || *c == '.' || *c == '~' ||
            (keep_slash && *c == '/'))
            silt_buf_putc(out, *c);
        else
            silt_buf_printf(out, "%%%02X", *c);
    }
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;
}

static int cmp_param(const void *a, const void *b)
{
    return strcmp(((const silt_az_param *)a)->name, ((const silt_az_param *)b)->name);
}

static int cmp_header(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The Shared Key string to sign (version 2015-02-21 and later). */
static void string_to_sign(silt_buf *s, silt_az_store *az, const silt_az_req *req, const char *date,
                           const char *url_path)
{
    char len[32] = "";
    if (req->data_len > 0) snprintf(len, sizeof len, "%zu", req->data_len);
    /* VERB, Content-Encoding, -Language, -Length, -MD5, -Type, Date, If-Modified-Since,
     * If-Match, If-None-Match, If-Unmodified-Since, Range */
    silt_buf_printf(s, "%s\n\n\n%s\n\n\n\n\n\n%s\n\n\n", req->method, len,
                    req->if_none_match ? "*" : "");
    const char *hdrs[SILT_AZ_MAX_HEADERS + 2];
    size_t nh = 0;
    for (size_t i = 0; i < req->nheaders; i++)
        if (strncmp(req->headers[i], "x-ms-", 5) == 0) hdrs[nh++] = req->headers[i];
    qsort(hdrs, nh, sizeof *hdrs, cmp_header);
    /* x-ms-date and x-ms-version sort before every other header we send except x-ms-blob-*
     * and x-ms-copy-*, so merge them in order */
    char dh[64], vh[64];
    snprintf(dh, sizeof dh, "x-ms-date:%s", date);
    snprintf(vh, sizeof vh, "x-ms-version:%s", "2021-12-02");
    hdrs[nh++] = dh;
    hdrs[nh++] = vh;
    qsort(hdrs, nh, sizeof *hdrs, cmp_header);
    for (size_t i = 0; i < nh; i++) silt_buf_printf(s, "%s\n", hdrs[i]);
    silt_buf_printf(s, "/%s%s", az->cfg.account, url_path);
    silt_az_param ps[SILT_AZ_MAX_PARAMS];
    memcpy(ps, req->params, req->nparams * sizeof *ps);
    qsort(ps, req->nparams, sizeof *ps, cmp_param);
    for (size_t i = 0; i < req->nparams; i++)
        silt_buf_printf(s, "\n%s:%s", ps[i].name, ps[i].value);
}

static int shared_key(silt_az_store *az, const silt_az_req *req, const char *date,
                      const char *url_path, silt_buf *auth, silt_error *err)
{
    if (silt_crypto_dl_load(err)) return SILT_EUNSUPPORTED;
    silt_buf sts = SILT_BUF_INIT, sig = SILT_BUF_INIT;
    string_to_sign(&sts, az, req, date, url_path);
    uint8_t mac[EVP_MAX_MD_SIZE];
    unsigned mlen = 0;
    int rc = 0;
    if (silt_buf_oom(&sts) ||
        !HMAC(EVP_sha256(), az->cfg.key, (int)az->cfg.key_len, sts.ptr, sts.len, mac, &mlen) ||
        silt_az_b64_encode(&sig, mac, mlen)) {
        rc = silt_error_set(err, SILT_ENOMEM, "cannot sign the request to account '%s'",
                            az->cfg.account);
        goto fail;
    }
    silt_buf_printf(auth, "Authorization: SharedKey %s:%s", az->cfg.account, (char *)sig.ptr);
    if (silt_buf_cstr(auth)) rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
fail:
    silt_buf_free(&sts);
    silt_buf_free(&sig);
    return rc;
}

int silt_az_authorize(silt_az_store *az, const silt_az_req *req, const char *date,
                      const char *url_path, silt_buf *auth_header, silt_error *err)
{
    silt_buf_reset(auth_header);
    switch (az->cfg.auth) {
    case SILT_AZ_AUTH_SHARED_KEY: return shared_key(az, req, date, url_path, auth_header, err);
    case SILT_AZ_AUTH_BEARER:
    case SILT_AZ_AUTH_CLIENT_SECRET:
    case SILT_AZ_AUTH_MANAGED_ID: {
        pthread_mutex_lock(&az->lock);
        int rc = 0;
        if (az->cfg.auth != SILT_AZ_AUTH_BEARER &&
            (!az->cfg.token || (int64_t)time(NULL) + 300 >= az->cfg.token_exp_s))
            rc = silt_az_fetch_token(az, err);
        if (!rc) silt_buf_printf(auth_header, "Authorization: Bearer %s", az->cfg.token);
        pthread_mutex_unlock(&az->lock);
        if (!rc && silt_buf_cstr(auth_header))
            rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        return rc;
    }
    default: return 0; /* SAS goes into the URL; anonymous needs nothing */
    }
}

/* ---- token fetching ---- */

static size_t collect(char *p, size_t sz, size_t n, void *ud)
{
    return silt_buf_append(ud, p, sz * n) ? 0 : sz * n;
}

/* Reads access_token and its expiry from a token endpoint's JSON answer. */
static int take_token(silt_az_store *az, const silt_buf *body, long status, const char *source,
                      silt_error *err)
{
    json_error_t je;
    json_t *j = json_loadb((const char *)body->ptr, body->len, 0, &je);
    const char *tok = j ? json_string_value(json_object_get(j, "access_token")) : NULL;
    if (status != 200 || !tok) {
        const char *code = j ? json_string_value(json_object_get(j, "error")) : NULL;
        silt_error_set(err, status == 400 || status == 401 ? SILT_EINVAL : SILT_EIO,
                       "cannot get a token for storage account '%s' (container '%s') from %s: "
                       "HTTP %ld%s%s; check %s",
                       az->cfg.account, az->cfg.container, source, status, code ? ", " : "",
                       code ? code : "", silt_az_auth_name(az->cfg.auth));
        json_decref(j);
        return err ? err->code : SILT_EIO;
    }
    json_t *ei = json_object_get(j, "expires_in"), *eo = json_object_get(j, "expires_on");
    int64_t now = (int64_t)time(NULL), exp = now + 3600;
    if (json_is_integer(ei))
        exp = now + json_integer_value(ei);
    else if (json_is_string(ei))
        exp = now + atoll(json_string_value(ei));
    else if (json_is_string(eo))
        exp = atoll(json_string_value(eo));
    else if (json_is_integer(eo))
        exp = json_integer_value(eo);
    silt_free(az->cfg.token);
    az->cfg.token = silt_strdup(tok);
    az->cfg.token_exp_s = exp;
    json_decref(j);
    if (!az->cfg.token) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    silt_log_debug("azure: got a token for account '%s' from %s, valid %llds", az->cfg.account,
                   source, (long long)(exp - now));
    return 0;
}

/* One token request (GET when form is NULL), with a few retries on connection errors and 5xx. */
static int token_request(silt_az_store *az, const char *url, const char *form, bool metadata,
                         const char *source, silt_error *err)
{
    silt_buf body = SILT_BUF_INIT;
    long status = 0;
    CURLcode cc = CURLE_OK;
    int rc = 0;
    for (int attempt = 0; attempt < 4; attempt++) {
        CURL *h = curl_easy_init();
        if (!h) return silt_error_set(err, SILT_ENOMEM, "out of memory");
        struct curl_slist *hl = metadata ? curl_slist_append(NULL, "Metadata: true") : NULL;
        silt_buf_reset(&body);
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, az->cfg.timeout_ms);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, az->cfg.connect_timeout_ms);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
        if (az->cfg.ca_file) curl_easy_setopt(h, CURLOPT_CAINFO, az->cfg.ca_file);
        if (form) curl_easy_setopt(h, CURLOPT_POSTFIELDS, form);
        cc = curl_easy_perform(h);
        status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        curl_slist_free_all(hl);
        curl_easy_cleanup(h);
        if (cc == CURLE_OK && status < 500 && status != 429) break;
        struct timespec ts = {0, (long)(100000000L << attempt)};
        nanosleep(&ts, NULL);
    }
    if (cc != CURLE_OK)
        rc = silt_error_set(err, SILT_EIO,
                            "cannot reach %s for a token for storage account '%s': %s", source,
                            az->cfg.account, curl_easy_strerror(cc));
    else
        rc = take_token(az, &body, status, source, err);
    silt_buf_free(&body);
    return rc;
}

int silt_az_fetch_token(silt_az_store *az, silt_error *err)
{
    silt_buf url = SILT_BUF_INIT, form = SILT_BUF_INIT;
    int rc;
    if (az->cfg.auth == SILT_AZ_AUTH_CLIENT_SECRET) {
        silt_buf_printf(&url, "%s/", az->cfg.authority_host);
        silt_az_url_encode(&url, az->cfg.tenant_id, false);
        silt_buf_puts(&url, "/oauth2/v2.0/token");
        silt_buf_puts(&form, "grant_type=client_credentials&client_id=");
        silt_az_url_encode(&form, az->cfg.client_id, false);
        silt_buf_puts(&form, "&client_secret=");
        silt_az_url_encode(&form, az->cfg.client_secret, false);
        silt_buf_puts(&form, "&scope=https%3A%2F%2Fstorage.azure.com%2F.default");
        if (silt_buf_cstr(&url) || silt_buf_cstr(&form)) {
            rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
            goto fail;
        }
        rc = token_request(az, (char *)url.ptr, (char *)form.ptr, false,
                           "Microsoft Entra ID (AZURE_AUTHORITY_HOST)", err);
    } else {
        silt_buf_printf(
            &url, "%s%sapi-version=2018-02-01&resource=https%%3A%%2F%%2Fstorage.azure.com%%2F",
            az->cfg.msi_endpoint, strchr(az->cfg.msi_endpoint, '?') ? "&" : "?");
        if (az->cfg.client_id) {
            silt_buf_puts(&url, "&client_id=");
            silt_az_url_encode(&url, az->cfg.client_id, false);
        }
        if (silt_buf_cstr(&url)) {
            rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
            goto fail;
        }
        rc = token_request(az, (char *)url.ptr, NULL, true,
                           "the managed identity endpoint (AZURE_MSI_ENDPOINT)", err);
    }
fail:
    if (form.ptr) memset(form.ptr, 0, form.len);
    silt_buf_free(&url);
    silt_buf_free(&form);
    return rc;
}
