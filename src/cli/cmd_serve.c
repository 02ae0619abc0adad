/* `silt serve [--lake DIR] [--listen 127.0.0.1:8080] [--token-file F]`: serves the lake's
 * catalog, read-only SQL, Server-Sent Events, Prometheus metrics and the dashboard over HTTP
 * until Ctrl-C. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/serve.h"
#include "http/server.h"

typedef struct serve_settings {
    const char *lake, *listen, *token_file, *port_file;
    int64_t max_rows, max_body, query_us, max_queries, max_conns, idle_us, poll_us, nice, cache_us;
} serve_settings;

static const silt_opt_spec spec[] = {
    {"lake", 0, SILT_OPT_STRING, "DIR", "./lake", NULL,
     "the lake: every folder under it with a _delta_log is a table, named by its path",
     SILT_OPT_TO_STR(serve_settings, lake)},
    {"listen", 0, SILT_OPT_STRING, "HOST:PORT", "127.0.0.1:8080", NULL,
     "address to listen on (port 0 picks a free one); an address other than loopback needs "
     "--token-file",
     SILT_OPT_TO_STR(serve_settings, listen)},
    {"token-file", 0, SILT_OPT_STRING, "FILE", NULL, NULL,
     "file holding a token (16 characters or more) that every request must send as "
     "'Authorization: Bearer <token>'",
     SILT_OPT_TO_STR(serve_settings, token_file)},
    {"max-rows", 0, SILT_OPT_INT, "N", "10000", "1..10000000",
     "rows a query or sample returns at most (the response says when it was cut)",
     SILT_OPT_TO_I64(serve_settings, max_rows)},
    {"max-body", 0, SILT_OPT_SIZE, "BYTES", "1M", "1K..64M",
     "largest request body (larger ones get 413)", SILT_OPT_TO_I64(serve_settings, max_body)},
    {"query-timeout", 0, SILT_OPT_DURATION, "DUR", "30s", "10ms..1h",
     "a query's time limit (past it the client gets 504)",
     SILT_OPT_TO_I64(serve_settings, query_us)},
    {"max-queries", 0, SILT_OPT_INT, "N", "4", "1..256", "queries running at once (more get 503)",
     SILT_OPT_TO_I64(serve_settings, max_queries)},
    {"max-connections", 0, SILT_OPT_INT, "N", "256", "8..10000", "connections at once",
     SILT_OPT_TO_I64(serve_settings, max_conns)},
    {"idle-timeout", 0, SILT_OPT_DURATION, "DUR", "30s", "1s..1h",
     "a connection that sends nothing this long is closed (slow clients cannot hold one)",
     SILT_OPT_TO_I64(serve_settings, idle_us)},
    {"poll", 0, SILT_OPT_DURATION, "DUR", "1s", "50ms..1h",
     "how often to look for new tables and commits", SILT_OPT_TO_I64(serve_settings, poll_us)},
    {"nice", 0, SILT_OPT_INT, "N", "10", "0..20",
     "the server's threads run N nice levels below the process, so that clients cannot take "
     "the CPU from a pipeline (0: the same priority; 20: Linux's idle class, answering only on "
     "CPU time the pipeline leaves, the choice beside a busy pipeline on a small machine)",
     SILT_OPT_TO_I64(serve_settings, nice)},
    {"cache", 0, SILT_OPT_DURATION, "DUR", "250ms", "0s..1h",
     "/metrics and /api/tables are rendered at most this often, and at once when the catalog "
     "changes; the requests in between share the answer (0s: render each one)",
     SILT_OPT_TO_I64(serve_settings, cache_us)},
    {"port-file", 0, SILT_OPT_STRING, "FILE", NULL, NULL,
     "write the port listened on to FILE once serving (for scripts using port 0)",
     SILT_OPT_TO_STR(serve_settings, port_file)},
    {0},
};

int silt_serve_read_token(char *out, size_t n, const char *path, silt_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f) return silt_error_set_errno(err, SILT_EINVAL, errno, "--token-file %s", path);
    if (!fgets(out, (int)n, f)) out[0] = 0;
    fclose(f);
    size_t len = strlen(out);
    while (len && (out[len - 1] == '\n' || out[len - 1] == '\r' || out[len - 1] == ' ' ||
                   out[len - 1] == '\t'))
        out[--len] = 0;
    size_t skip = strspn(out, " \t");
    memmove(out, out + skip, len - skip + 1);
    if (strlen(out) < 16)
        return silt_error_set(err, SILT_EINVAL,
                              "--token-file %s: the token must be 16 characters or more (e.g. "
                              "openssl rand -hex 32 > %s)",
                              path, path);
    return 0;
}

static int serve(const serve_settings *set, const char *token)
{
    silt_http_config cfg = silt_http_config_default();
    silt_http_server *srv = NULL;
    silt_error err;
    silt_error_clear(&err);
    cfg.lake = set->lake;
    cfg.listen = set->listen;
    cfg.token = token;
    cfg.max_rows = set->max_rows;
    cfg.max_body = set->max_body;
    cfg.query_ms = set->query_us / 1000;
    cfg.max_queries = set->max_queries;
    cfg.max_conns = set->max_conns;
    cfg.idle_s = set->idle_us / 1000000;
    cfg.poll_ms = set->poll_us / 1000;
    cfg.nice = set->nice;
    cfg.cache_ms = set->cache_us / 1000;
    silt_cli_catch_stop();
    signal(SIGPIPE, SIG_IGN); /* a client that goes away is an error on its socket, not an exit */
    if (silt_http_server_start(&srv, &cfg, &err)) return silt_cli_fail("serve", &err);
    unsigned port = silt_http_server_port(srv);
    char host[128];
    const char *colon = strrchr(set->listen, ':');
    snprintf(host, sizeof host, "%.*s", (int)(colon - set->listen), set->listen);
    if (!strcmp(host, "0.0.0.0") || !strcmp(host, "[::]")) strcpy(host, "127.0.0.1");
    printf("silt serve: dashboard at http://%s:%u/ (lake %s; API under /api, metrics at "
           "/metrics%s); Ctrl-C stops\n",
           host, port, set->lake, token ? "; requests need the bearer token" : "");
    fflush(stdout);
    if (set->port_file) {
        FILE *f = fopen(set->port_file, "w");
        if (f) fprintf(f, "%u\n", port), fclose(f);
    }
    while (!silt_cli_stop) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    fprintf(stderr, "silt serve: stopping\n");
    silt_http_server_stop(srv);
    return 0;
}

static int run(int argc, char **argv)
{
    silt_opts o;
    serve_settings set = {0};
    int code;
    if (silt_cli_parse(
            &o, &code, spec, &set, argc, argv, 1, NULL,
            "silt serve [--lake DIR] [--listen 127.0.0.1:8080] [--token-file FILE]",
            "Serves the lake over HTTP: the dashboard (/), the catalog "
            "(GET /api/tables, /api/tables/NAME, /api/tables/NAME/rows?limit=&version=), "
            "read-only SQL over catalog names (POST /api/sql; JSON, CSV or Arrow by "
            "Accept), changes as Server-Sent Events (/api/events) and Prometheus "
            "metrics (/metrics). Listens on loopback unless told otherwise; any other "
            "address needs --token-file."))
        return code;
    silt_error err;
    silt_error_clear(&err);
    if (o.n_args) {
        silt_error_set(&err, SILT_EINVAL, "unexpected argument '%s' (the lake is --lake DIR)",
                       o.args[0]);
        return silt_cli_fail("serve", &err);
    }
    char token[512];
    if (set.token_file && silt_serve_read_token(token, sizeof token, set.token_file, &err))
        return silt_cli_fail("serve", &err);
    return serve(&set, set.token_file ? token : NULL);
}

const silt_command silt_cmd_serve = {
    "serve", "serve the lake: dashboard, catalog and SQL API, events, Prometheus metrics", run};
