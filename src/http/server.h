/* `silt serve`'s HTTP server on libmicrohttpd: the catalog and query API, Server-Sent Events,
 * /metrics and the dashboard, with its security defaults (loopback unless a token is given,
 * bearer tokens compared in constant time, security headers, no CORS) and limits (request size,
 * rows, query time, concurrent queries, connections, idle clients). */
#ifndef SILT_HTTP_SERVER_H
#define SILT_HTTP_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

typedef struct silt_http_config {
    const char *lake;    /* folder of tables (borrowed) */
    const char *listen;  /* "HOST:PORT": an IPv4 address, [IPv6] or localhost; port 0 picks one */
    const char *token;   /* bearer token; NULL: none (then only a loopback address is allowed) */
    int64_t max_body;    /* bytes of a request body (413 past it) */
    int64_t max_rows;    /* rows a response carries at most (the rest is cut, and said so) */
    int64_t query_ms;    /* a query's time limit (504 past it) */
    int64_t max_queries; /* queries running at once (503 past it) */
    int64_t max_conns;   /* connections at once */
    int64_t idle_s;      /* a connection silent this long is closed */
    int64_t poll_ms;     /* how often the catalog looks for new tables and commits */
    int64_t nice;        /* nice levels of the server's threads below the process (20: idle) */
    int64_t cache_ms;    /* /metrics and /api/tables are rendered at most this often (0: always) */
} silt_http_config;

/* The defaults: 1 MiB bodies, 10000 rows, 30 s queries, 4 queries, 256 connections, 30 s idle,
 * 1 s polling, nice 10, 250 ms cache. lake, listen and token are NULL. */
silt_http_config silt_http_config_default(void);

typedef struct silt_http_server silt_http_server;

/* Reads the lake's catalog and starts serving (its own threads). Returns 0 and *out (owned;
 * silt_http_server_stop), SILT_EINVAL for a bad listen address or a non-loopback address
 * without a token, SILT_EIO when the address cannot be bound, the catalog's errors. */
int silt_http_server_start(silt_http_server **out, const silt_http_config *cfg, silt_error *err);
/* The port it listens on (the chosen one for port 0). */
uint16_t silt_http_server_port(const silt_http_server *s);
/* Stops serving, waits for the threads and frees everything. NULL is a no-op. */
void silt_http_server_stop(silt_http_server *s);

/* Parses "HOST:PORT" into a socket address (struct sockaddr_storage, size *out_len) and tells
 * whether it is a loopback address. Returns 0 or SILT_EINVAL with a message. */
int silt_http_listen_parse(void *out_addr, unsigned *out_len, bool *out_loopback,
                           const char *listen, silt_error *err);

#endif
