/* The Azure HTTP layer on libcurl: pooled handles (connections reused), one attempt per call with
 * a timeout, and retries with exponential backoff, full jitter and Retry-After. */
#define _GNU_SOURCE
#include "store/store_azure.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/alloc.h"
#include "util/log.h"
#include "util/time.h"

void *silt_az_handle_get(silt_az_store *az, bool *pooled)
{
    void *h = NULL;
    pthread_mutex_lock(&az->lock);
    if (az->npool > 0) h = az->pool[--az->npool];
    pthread_mutex_unlock(&az->lock);
    if (pooled) *pooled = h != NULL;
    if (h) curl_easy_reset(h);
    return h ? h : curl_easy_init();
}

void silt_az_handle_put(silt_az_store *az, void *h)
{
    if (!h) return;
    pthread_mutex_lock(&az->lock);
    if (az->npool == az->cappool) {
        size_t nc = az->cappool ? az->cappool * 2 : 4;
        void **np = silt_realloc(az->pool, nc * sizeof *np);
        if (np) {
            az->pool = np;
            az->cappool = nc;
        }
    }
    if (az->npool < az->cappool) {
        az->pool[az->npool++] = h;
        h = NULL;
    }
    pthread_mutex_unlock(&az->lock);
    if (h) curl_easy_cleanup(h);
}

/* State of one attempt, seen by the curl callbacks. */
typedef struct attempt {
    silt_az_req *req;
    silt_az_resp *resp;
    silt_buf errbody; /* body of an error answer */
    size_t sent;      /* request body bytes handed to curl */
} attempt;

static size_t on_read(char *dst, size_t sz, size_t n, void *ud)
{
    attempt *a = ud;
    size_t left = a->req->data_len - a->sent, want = sz * n;
    if (want > left) want = left;
    if (want) memcpy(dst, (const char *)a->req->data + a->sent, want);
    a->sent += want;
    return want;
}

static size_t on_write(char *p, size_t sz, size_t n, void *ud)
{
    attempt *a = ud;
    size_t len = sz * n;
    long st = a->resp->status;
    if (st < 200 || st >= 300) return silt_buf_append(&a->errbody, p, len) ? 0 : len;
    if (a->req->range_dst) {
        if (a->resp->got + len > a->req->range_len) return 0; /* more than asked: refuse */
        memcpy((char *)a->req->range_dst + a->resp->got, p, len);
        a->resp->got += len;
        return len;
    }
    if (a->req->body && silt_buf_append(a->req->body, p, len)) return 0;
    a->resp->got += len;
    return len;
}

/* Copies a header's value (trimmed) into out. */
static void header_value(char *out, size_t cap, const char *v, size_t n)
{
    while (n > 0 && (*v == ' ' || *v == '\t')) v++, n--;
    while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' ')) n--;
    if (n >= cap) n = cap - 1;
    memcpy(out, v, n);
    out[n] = '\0';
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    attempt *a = ud;
    size_t len = sz * n;
    silt_az_resp *r = a->resp;
    char v[128];
    if (len > 5 && strncmp(p, "HTTP/", 5) == 0) {
        const char *sp = memchr(p, ' ', len);
        r->status = sp ? strtol(sp + 1, NULL, 10) : 0;
        r->code[0] = '\0';
        r->retry_after_ms = -1;
        return len;
    }
    const char *colon = memchr(p, ':', len);
    if (!colon) return len;
    size_t kn = (size_t)(colon - p);
    header_value(v, sizeof v, colon + 1, len - kn - 1);
#define IS(name) (kn == strlen(name) && strncasecmp(p, name, kn) == 0)
    if (IS("x-ms-error-code")) {
        header_value(r->code, sizeof r->code, colon + 1, len - kn - 1);
    } else if (IS("content-length")) {
        r->length = strtoull(v, NULL, 10);
    } else if (IS("content-range")) {
        const char *slash = strchr(v, '/');
        if (slash) r->total = strtoull(slash + 1, NULL, 10);
    } else if (IS("retry-after")) {
        r->retry_after_ms = strtol(v, NULL, 10) * 1000;
    } else if (IS("last-modified")) {
        struct tm tm = {0};
        if (strptime(v, "%a, %d %b %Y %H:%M:%S", &tm)) r->mtime_ms = (int64_t)timegm(&tm) * 1000;
    }
#undef IS
    return len;
}

/* The request URL (into url) and its path as signed (into path). */
static int build_url(silt_az_store *az, const silt_az_req *req, silt_buf *url, silt_buf *path)
{
    const char *ep = az->cfg.endpoint;
    const char *host = strstr(ep, "://");
    const char *ppart = host ? strchr(host + 3, '/') : NULL;
    silt_buf_reset(path);
    if (ppart) silt_buf_puts(path, ppart);
    silt_buf_putc(path, '/');
    silt_az_url_encode(path, az->cfg.container, false);
    if (req->blob) {
        silt_buf_putc(path, '/');
        silt_az_url_encode(path, req->blob, true);
    }
    silt_buf_reset(url);
    silt_buf_printf(url, "%.*s", (int)(ppart ? ppart - ep : (long)strlen(ep)), ep);
    silt_buf_append(url, path->ptr, path->len);
    for (size_t i = 0; i < req->nparams; i++) {
        silt_buf_putc(url, i ? '&' : '?');
        silt_buf_puts(url, req->params[i].name);
        silt_buf_putc(url, '=');
        silt_az_url_encode(url, req->params[i].value, false);
    }
    if (az->cfg.auth == SILT_AZ_AUTH_SAS) {
        silt_buf_putc(url, req->nparams ? '&' : '?');
        silt_buf_puts(url, az->cfg.sas);
    }
    return silt_buf_cstr(url) || silt_buf_cstr(path) ? SILT_ENOMEM : 0;
}

static struct curl_slist *add(struct curl_slist *l, const char *h, bool *oom)
{
    struct curl_slist *n = curl_slist_append(l, h);
    if (!n) *oom = true;
    return n ? n : l;
}

/* Headers of one attempt (date, version, range, conditions, authorization). */
static int build_headers(silt_az_store *az, silt_az_req *req, const char *path,
                         struct curl_slist **out, silt_error *err)
{
    char date[64], line[96];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    silt_buf auth = SILT_BUF_INIT;
    int rc = silt_az_authorize(az, req, date, path, &auth, err);
    if (rc) return rc;
    bool oom = false;
    struct curl_slist *l = NULL;
    snprintf(line, sizeof line, "x-ms-date: %s", date);
    l = add(l, line, &oom);
    l = add(l, "x-ms-version: 2021-12-02", &oom);
    l = add(l, "Expect:", &oom);
    l = add(l, "Content-Type:", &oom);
    if (req->if_none_match) l = add(l, "If-None-Match: *", &oom);
    for (size_t i = 0; i < req->nheaders; i++) {
        const char *c = strchr(req->headers[i], ':');
        snprintf(line, sizeof line, "%.*s: %s", (int)(c - req->headers[i]), req->headers[i], c + 1);
        l = add(l, line, &oom);
    }
    if (auth.len) l = add(l, (char *)auth.ptr, &oom);
    if (auth.ptr) memset(auth.ptr, 0, auth.len);
    silt_buf_free(&auth);
    *out = l;
    return oom ? silt_error_set(err, SILT_ENOMEM, "out of memory") : 0;
}

/* One attempt. Returns 0 (resp->status set) or a curl error code in *cc. */
static int one_attempt(silt_az_store *az, silt_az_req *req, silt_az_resp *resp, CURLcode *cc,
                       silt_error *err)
{
    silt_buf url = SILT_BUF_INIT, path = SILT_BUF_INIT;
    struct curl_slist *hl = NULL;
    attempt a = {.req = req, .resp = resp};
    CURL *h = NULL;
    int rc = build_url(az, req, &url, &path);
    if (rc) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto fail;
    }
    if ((rc = build_headers(az, req, (char *)path.ptr, &hl, err))) goto fail;
    bool pooled = false;
    if (!(h = silt_az_handle_get(az, &pooled))) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto fail;
    }
    curl_easy_setopt(h, CURLOPT_URL, (char *)url.ptr);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    /* every attempt has a deadline: the timeout plus 1 ms per KB moved (a 1 MB/s floor); a
     * whole-object get, of unknown size, must instead keep moving 1 KB/s */
    if (req->body && !req->range_dst) {
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, az->cfg.timeout_ms / 1000 + 1);
    } else {
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                         az->cfg.timeout_ms + (long)((req->data_len + req->range_len) / 1000));
    }
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, az->cfg.connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &a);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
    if (az->cfg.ca_file) curl_easy_setopt(h, CURLOPT_CAINFO, az->cfg.ca_file);
    if (strcmp(req->method, "HEAD") == 0) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (strcmp(req->method, "PUT") == 0) {
        curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(h, CURLOPT_READDATA, &a);
        curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)req->data_len);
    } else if (strcmp(req->method, "GET") != 0) {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
    }
    *cc = curl_easy_perform(h);
    /* libcurl silently resends a request when a reused connection dies before the answer:
     * a new connection on a pooled handle means the request may have been sent twice */
    long nconn = 0;
    curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &nconn);
    if (pooled && nconn > 0) resp->resent = true;
    if (*cc == CURLE_OK && resp->status >= 400 && !resp->code[0] && a.errbody.len) {
        /* the error code is also in the body: <Code>...</Code> */
        silt_buf_cstr(&a.errbody);
        const char *c = a.errbody.ptr ? strstr((char *)a.errbody.ptr, "<Code>") : NULL;
        const char *e = c ? strstr(c, "</Code>") : NULL;
        if (e) header_value(resp->code, sizeof resp->code, c + 6, (size_t)(e - c - 6));
    }
fail:
    silt_az_handle_put(az, h);
    curl_slist_free_all(hl);
    silt_buf_free(&url);
    silt_buf_free(&path);
    silt_buf_free(&a.errbody);
    return rc;
}

static bool retriable_status(long st)
{
    return st == 408 || st == 429 || st == 500 || st == 502 || st == 503 || st == 504;
}

/* Full-jitter exponential backoff, at least Retry-After when the service gave one. */
static long backoff_ms(silt_az_store *az, int retry, long retry_after)
{
    long cap = az->cfg.backoff_ms << (retry < 16 ? retry : 16);
    if (cap > az->cfg.backoff_max_ms || cap <= 0) cap = az->cfg.backoff_max_ms;
    pthread_mutex_lock(&az->lock);
    az->rng = az->rng * 6364136223846793005ULL + 1442695040888963407ULL;
    uint64_t r = az->rng >> 33;
    pthread_mutex_unlock(&az->lock);
    long d = cap / 2 + (long)(r % (uint64_t)(cap / 2 + 1));
    if (retry_after > d) d = retry_after > 60000 ? 60000 : retry_after;
    return d;
}

int silt_az_http_do(silt_az_store *az, silt_az_req *req, silt_az_resp *resp, silt_error *err)
{
    memset(resp, 0, sizeof *resp);
    resp->retry_after_ms = -1;
    CURLcode cc = CURLE_OK;
    bool ambiguous = false;
    for (int i = 0;; i++) {
        memset(resp, 0, sizeof *resp);
        resp->retry_after_ms = -1;
        if (req->body) silt_buf_reset(req->body);
        int rc = one_attempt(az, req, resp, &cc, err);
        resp->attempts = i + 1;
        if (resp->resent) ambiguous = true;
        resp->ambiguous = ambiguous;
        if (rc) return rc;
        bool again = cc != CURLE_OK || retriable_status(resp->status);
        if (!again) return 0;
        /* a request that may have reached the service makes later 404/409/412 answers
         * ambiguous; a refused connection never sent anything */
        if (cc != CURLE_COULDNT_CONNECT && cc != CURLE_COULDNT_RESOLVE_HOST) ambiguous = true;
        if (i >= az->cfg.max_retries) break;
        long d = backoff_ms(az, i, resp->retry_after_ms);
        silt_log_debug("azure: %s '%s' in container '%s': %s, retry %d in %ld ms", req->method,
                       req->blob ? req->blob : "", az->cfg.container,
                       cc != CURLE_OK ? curl_easy_strerror(cc) : "retriable HTTP status", i + 1, d);
        struct timespec ts = {d / 1000, (d % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (cc == CURLE_OK) return 0; /* the last answer was still retriable: the caller reports it */
    int code = cc == CURLE_OPERATION_TIMEDOUT ? SILT_ETIMEOUT : SILT_EIO;
    silt_error_set(err, code,
                   "%s '%s' in container '%s' of storage account '%s' (%s): no answer after %d "
                   "attempts: %s",
                   req->method, req->blob ? req->blob : "", az->cfg.container, az->cfg.account,
                   az->cfg.endpoint, resp->attempts, curl_easy_strerror(cc));
    silt_error_retriable(err, true);
    return code;
}
