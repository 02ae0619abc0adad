/* What `silt serve` shares with `silt pipeline run --http`: the token file, and the server
 * started beside a running pipeline. */
#ifndef SILT_CLI_SERVE_H
#define SILT_CLI_SERVE_H

#include <stddef.h>

#include "http/server.h"
#include "util/error.h"

/* Reads --token-file: its first line without surrounding blanks, 16 characters or more. */
int silt_serve_read_token(char *out, size_t n, const char *path, silt_error *err);

/* `silt pipeline run --http HOST:PORT [--token-file F]`: turns the live registry on and starts
 * the server over lake (a folder); prints the dashboard's address. Returns 0 and *out, or an
 * error (a non-loopback address without a token, an address in use, a lake that is not a
 * folder). */
int silt_pipeline_http_start(silt_http_server **out, const char *listen, const char *token_file,
                             const char *lake, silt_error *err);

#endif
