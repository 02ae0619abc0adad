/* `silt pipeline run ... --http HOST:PORT [--token-file F]`: the server of `silt serve` (same
 * routes, same security rules) inside the pipeline's process, over the pipeline's lake, with
 * the live registry (pipeline/live.h) turned on so that /api/tables and /metrics show the
 * running pipeline's figures. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/serve.h"
#include "pipeline/live.h"

int silt_pipeline_http_start(silt_http_server **out, const char *listen, const char *token_file,
                             const char *lake, silt_error *err)
{
    char token[512];
    *out = NULL;
    if (token_file && silt_serve_read_token(token, sizeof token, token_file, err))
        return SILT_EINVAL;
    if (strstr(lake, "://"))
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "--http serves a lake in a local folder; %s is remote (run `silt "
                              "serve` beside a local copy, or drop --http)",
                              lake);
    silt_http_config cfg = silt_http_config_default();
    cfg.lake = lake;
    cfg.listen = listen;
    cfg.token = token_file ? token : NULL;
    silt_live_enable();
    signal(SIGPIPE, SIG_IGN); /* a client that goes away is an error on its socket */
    int rc = silt_http_server_start(out, &cfg, err);
    if (rc) {
        silt_error_prefix(err, "--http %s", listen);
        return rc;
    }
    char host[128];
    const char *colon = strrchr(listen, ':');
    snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
    if (!strcmp(host, "0.0.0.0") || !strcmp(host, "[::]")) strcpy(host, "127.0.0.1");
    fprintf(
        stderr,
        "pipeline: dashboard at http://%s:%u/ (lake %s; API under /api, metrics at /metrics%s)\n",
        host, (unsigned)silt_http_server_port(*out), lake,
        cfg.token ? "; requests need the bearer token" : "");
    return 0;
}
