/* Responses of `silt serve`: the security headers every response carries, JSON errors, and the
 * embedded dashboard files. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "http/assets.h"
#include "http/server_int.h"

static atomic_uint_fast64_t n_client_errors, n_server_errors;

void silt_http_respond_counts(uint64_t *out_4xx, uint64_t *out_5xx)
{
    *out_4xx = atomic_load(&n_client_errors);
    *out_5xx = atomic_load(&n_server_errors);
}

static void count(unsigned status)
{
    if (status >= 500)
        atomic_fetch_add(&n_server_errors, 1);
    else if (status >= 400)
        atomic_fetch_add(&n_client_errors, 1);
}

void silt_http_secure_headers(struct MHD_Response *r, bool api)
{
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; style-src 'self'; "
                            "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
                            "base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
    if (api) MHD_add_response_header(r, "Cache-Control", "no-store");
}

enum MHD_Result silt_http_respond(struct MHD_Connection *conn, unsigned status,
                                  const char *content_type, const void *body, size_t len)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    silt_http_secure_headers(r, true);
    MHD_add_response_header(r, "Content-Type", content_type);
    count(status);
    enum MHD_Result ok = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ok;
}

enum MHD_Result silt_http_respond_error(struct MHD_Connection *conn, unsigned status,
                                        const char *msg, const char *suggestion)
{
    json_t *o = json_object();
    json_object_set_new(o, "error", json_string(msg));
    if (suggestion) json_object_set_new(o, "suggestion", json_string(suggestion));
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!text) return MHD_NO;
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_COPY);
    free(text);
    if (!r) return MHD_NO;
    silt_http_secure_headers(r, true);
    MHD_add_response_header(r, "Content-Type", "application/json");
    if (status == 401) MHD_add_response_header(r, "WWW-Authenticate", "Bearer realm=\"silt\"");
    if (status == 503) MHD_add_response_header(r, "Retry-After", "1");
    count(status);
    enum MHD_Result ok = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ok;
}

static const char *type_of(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (!strcmp(dot, types[i].ext)) return types[i].type;
    return "application/octet-stream";
}

enum MHD_Result silt_http_serve_asset(struct MHD_Connection *conn, const char *name)
{
    for (size_t i = 0; i < silt_http_n_assets; i++) {
        const silt_http_asset *a = &silt_http_assets[i];
        if (strcmp(a->name, name)) continue;
        struct MHD_Response *r =
            MHD_create_response_from_buffer(a->len, (void *)a->data, MHD_RESPMEM_PERSISTENT);
        if (!r) return MHD_NO;
        silt_http_secure_headers(r, false);
        MHD_add_response_header(r, "Content-Type", type_of(name));
        MHD_add_response_header(r, "Cache-Control", "no-cache");
        enum MHD_Result ok = MHD_queue_response(conn, 200, r);
        MHD_destroy_response(r);
        return ok;
    }
    return silt_http_respond_error(conn, 404, "no such file in the dashboard", NULL);
}
