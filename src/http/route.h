/* Request routing and parameter parsing for `silt serve`, as pure functions over strings (no
 * server, no lake), so that they can be fuzzed and unit-tested on their own. */
#ifndef SILT_HTTP_ROUTE_H
#define SILT_HTTP_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest catalog name (a table's path relative to the lake) a request may carry. */
#define SILT_HTTP_NAME_MAX 256

typedef enum silt_http_route_kind {
    SILT_HTTP_R_NONE = 0,
    SILT_HTTP_R_INDEX,   /* GET / */
    SILT_HTTP_R_ASSET,   /* GET /assets/<name> */
    SILT_HTTP_R_HEALTH,  /* GET /healthz */
    SILT_HTTP_R_TABLES,  /* GET /api/tables */
    SILT_HTTP_R_TABLE,   /* GET /api/tables/<name> (rows: name ended with /rows) */
    SILT_HTTP_R_SQL,     /* POST /api/sql */
    SILT_HTTP_R_METRICS, /* GET /metrics */
    SILT_HTTP_R_EVENTS,  /* GET /api/events */
} silt_http_route_kind;

typedef struct silt_http_route {
    silt_http_route_kind kind;
    /* R_TABLE: the whole name after /api/tables/; when it ends with "/rows", rows is set and
     * rows_name holds the name before it (the server picks whichever is a table). R_ASSET: the
     * asset's file name. */
    char name[SILT_HTTP_NAME_MAX + 1];
    char rows_name[SILT_HTTP_NAME_MAX + 1];
    bool rows;
    const char *allow; /* the methods the path accepts (for 405's Allow header) */
} silt_http_route;

/* Routes a request by method and (percent-decoded) path without its query string. Returns 0
 * and fills *out; 404 for an unknown path, 405 for a known path with another method (out->allow
 * set), 400 for a table or asset name that is not a clean name (silt_http_name_ok). */
int silt_http_route_parse(silt_http_route *out, const char *method, const char *path);

/* True when name is a clean catalog name: 1..SILT_HTTP_NAME_MAX bytes of letters, digits and
 * "_-.=", in '/'-separated non-empty components none of which is "." or "..". */
bool silt_http_name_ok(const char *name);

/* Parses an integer query parameter: NULL or "" gives def; otherwise decimal digits only (no
 * sign unless min < 0), within [min, max]. Returns 0 and *out, or -1 (a 400 for the caller). */
int silt_http_param_int(int64_t *out, const char *s, int64_t min, int64_t max, int64_t def);

typedef enum silt_http_format {
    SILT_HTTP_FMT_JSON = 0,
    SILT_HTTP_FMT_CSV,
    SILT_HTTP_FMT_ARROW,
} silt_http_format;

/* The response format an Accept header asks for: the first of application/json, text/csv,
 * application/vnd.apache.arrow.stream it names (media ranges in order, q=0 ones skipped), JSON
 * for NULL, empty, any type or application/any. Returns 0 and *out, or -1 when it names only types
 * silt does not produce (a 406 for the caller). */
int silt_http_accept(silt_http_format *out, const char *accept);

/* Checks an Authorization header against the token: "Bearer <token>" (scheme case-insensitive,
 * one space). The comparison of the token takes the same time wherever the first difference
 * is. Returns true when they match. A NULL or empty token never matches. */
bool silt_http_auth_ok(const char *header, const char *token);

/* The value of a hexadecimal digit, or -1. */
int silt_http_hex(char c);

#endif
