/* Request routing, catalog-name checks, query parameters, Accept negotiation and the bearer
 * token check of `silt serve`: pure functions over strings (fuzzed by fuzz/fuzz_http_route.c). */
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "http/route.h"
#include "util/crypto_dl.h"
#include "util/log.h"

bool silt_http_name_ok(const char *name)
{
    size_t n = strlen(name), start = 0;
    if (n == 0 || n > SILT_HTTP_NAME_MAX) return false;
    for (size_t i = 0; i <= n; i++) {
        unsigned char c = (unsigned char)name[i];
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '_' || c == '-' || c == '.' || c == '=';
        if (i < n && c != '/' && !plain) return false;
        if (i < n && c != '/') continue;
        size_t len = i - start;
        if (len == 0) return false; /* leading, trailing or doubled '/' */
        if (len == 1 && name[start] == '.') return false;
        if (len == 2 && name[start] == '.' && name[start + 1] == '.') return false;
        start = i + 1;
    }
    return true;
}

static int set_name(char *dst, const char *src, size_t n)
{
    if (n > SILT_HTTP_NAME_MAX) return 400;
    memcpy(dst, src, n);
    dst[n] = 0;
    return silt_http_name_ok(dst) ? 0 : 400;
}

static int method_is(const char *method, const char *want, silt_http_route *out, const char *allow)
{
    out->allow = allow;
    return strcmp(method, want) ? 405 : 0;
}

static int route_table(silt_http_route *out, const char *method, const char *rest)
{
    size_t n = strlen(rest);
    int rc = method_is(method, "GET", out, "GET");
    if (rc) return rc;
    out->kind = SILT_HTTP_R_TABLE;
    if ((rc = set_name(out->name, rest, n))) return rc;
    if (n > 5 && !strcmp(rest + n - 5, "/rows")) {
        out->rows = true;
        if ((rc = set_name(out->rows_name, rest, n - 5))) return rc;
    }
    return 0;
}

int silt_http_route_parse(silt_http_route *out, const char *method, const char *path)
{
    memset(out, 0, sizeof *out);
    if (!method || !path || path[0] != '/') return 404;
    if (!strcmp(path, "/") || !strcmp(path, "/index.html")) {
        out->kind = SILT_HTTP_R_INDEX;
        return method_is(method, "GET", out, "GET");
    }
    if (!strncmp(path, "/assets/", 8)) {
        out->kind = SILT_HTTP_R_ASSET;
        int rc = method_is(method, "GET", out, "GET");
        if (rc) return rc;
        if (strchr(path + 8, '/')) return 404;
        return set_name(out->name, path + 8, strlen(path + 8));
    }
    static const struct {
        const char *path, *method;
        silt_http_route_kind kind;
    } fixed[] = {
        {"/healthz", "GET", SILT_HTTP_R_HEALTH},    {"/api/tables", "GET", SILT_HTTP_R_TABLES},
        {"/api/sql", "POST", SILT_HTTP_R_SQL},      {"/metrics", "GET", SILT_HTTP_R_METRICS},
        {"/api/events", "GET", SILT_HTTP_R_EVENTS},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (!strcmp(path, fixed[i].path) ||
            (!strcmp(fixed[i].path, "/api/tables") && !strcmp(path, "/api/tables/"))) {
            out->kind = fixed[i].kind;
            return method_is(method, fixed[i].method, out, fixed[i].method);
        }
    if (!strncmp(path, "/api/tables/", 12)) return route_table(out, method, path + 12);
    return 404;
}

int silt_http_param_int(int64_t *out, const char *s, int64_t min, int64_t max, int64_t def)
{
    if (!s || !*s) {
        *out = def;
        return 0;
    }
    bool neg = false;
    if (*s == '-' && min < 0) {
        neg = true;
        s++;
    }
    if (!*s || strlen(s) > 18) return -1;
    int64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return -1;
        v = v * 10 + (*s - '0');
    }
    if (neg) v = -v;
    if (v < min || v > max) return -1;
    *out = v;
    return 0;
}

/* One media range of an Accept header: [p, e) without parameters; q=0 sets *zero. */
static void media_range(const char *p, const char *e, size_t *out_len, bool *zero)
{
    const char *semi = memchr(p, ';', (size_t)(e - p));
    const char *end = semi ? semi : e;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t')) end--;
    *out_len = (size_t)(end - p);
    *zero = false;
    for (const char *q = semi; q && q < e; q++) {
        if ((*q == 'q' || *q == 'Q') && q + 1 < e && q[1] == '=') {
            const char *v = q + 2;
            bool nonzero = false;
            for (; v < e && *v != ';'; v++)
                if (*v >= '1' && *v <= '9') nonzero = true;
            *zero = !nonzero;
        }
    }
}

int silt_http_accept(silt_http_format *out, const char *accept)
{
    static const struct {
        const char *type;
        silt_http_format fmt;
    } known[] = {
        {"application/json", SILT_HTTP_FMT_JSON},
        {"text/csv", SILT_HTTP_FMT_CSV},
        {"application/vnd.apache.arrow.stream", SILT_HTTP_FMT_ARROW},
        {"*/*", SILT_HTTP_FMT_JSON},
        {"application/*", SILT_HTTP_FMT_JSON},
        {"text/*", SILT_HTTP_FMT_CSV},
    };
    *out = SILT_HTTP_FMT_JSON;
    if (!accept || !*accept) return 0;
    const char *p = accept;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',') p++;
        if (!*p) break;
        const char *e = strchr(p, ',');
        if (!e) e = p + strlen(p);
        size_t len;
        bool zero;
        media_range(p, e, &len, &zero);
        for (size_t i = 0; !zero && i < sizeof known / sizeof known[0]; i++)
            if (strlen(known[i].type) == len && !strncasecmp(p, known[i].type, len)) {
                *out = known[i].fmt;
                return 0;
            }
        p = e;
    }
    return -1;
}

bool silt_http_auth_ok(const char *header, const char *token)
{
    if (!header || !token || !*token) return false;
    if (strncasecmp(header, "Bearer ", 7)) return false;
    /* Digests of both sides have the same length whatever the inputs: comparing them in
     * constant time reveals neither the position of a difference nor the token's length. */
    /* Without libcrypto no token can be checked: refuse (and say why in the log). */
    silt_error e = {0};
    if (silt_crypto_dl_load(&e)) {
        silt_log_error("serve: %s", e.msg);
        return false;
    }
    unsigned char a[SHA256_DIGEST_LENGTH], b[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)header + 7, strlen(header + 7), a);
    SHA256((const unsigned char *)token, strlen(token), b);
    return CRYPTO_memcmp(a, b, sizeof a) == 0;
}

int silt_http_hex(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
