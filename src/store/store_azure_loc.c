/* Azure locations and settings: parses abfs[s]://, az://, azure:// and http[s]:// locations and
 * the AZURE_* settings (storage options first, then the environment) into one configuration. */
#include "store/store_azure.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/alloc.h"
#include "util/suggest.h"

/* Azurite's well-known development account (documented by Microsoft, not a secret). */
#define EMU_ACCOUNT "devstoreaccount1"
#define EMU_KEY                                                                                    \
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
#define EMU_ENDPOINT "http://127.0.0.1:10000/" EMU_ACCOUNT

/* Every setting name accepted (environment or --storage-option, names case-insensitive). */
static const char *const setting_names[] = {
    "AZURE_STORAGE_ACCOUNT_NAME",
    "AZURE_STORAGE_ACCOUNT_KEY",
    "AZURE_STORAGE_SAS_TOKEN",
    "AZURE_STORAGE_TOKEN",
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_TENANT_ID",
    "AZURE_AUTHORITY_HOST",
    "AZURE_MSI_ENDPOINT",
    "AZURE_USE_MSI",
    "AZURE_STORAGE_USE_EMULATOR",
    "AZURE_STORAGE_ENDPOINT",
    "SILT_AZURE_CA_FILE",
    "SILT_AZURE_TIMEOUT_MS",
    "SILT_AZURE_MAX_RETRIES",
    "SILT_AZURE_BACKOFF_MS",
    "SILT_AZURE_BLOCK_SIZE",
    "SILT_AZURE_LIST_PAGE",
};
#define N_SETTINGS (sizeof setting_names / sizeof *setting_names)

int silt_store_option_check(const char *option, silt_error *err)
{
    const char *eq = option ? strchr(option, '=') : NULL;
    if (!eq || eq == option)
        return silt_error_set(err, SILT_EINVAL,
                              "storage option '%.40s' is not name=value (e.g. "
                              "--storage-option AZURE_STORAGE_ACCOUNT_NAME=myaccount)",
                              option ? option : "");
    char name[64];
    size_t n = (size_t)(eq - option);
    if (n >= sizeof name) n = sizeof name - 1;
    memcpy(name, option, n);
    name[n] = '\0';
    for (size_t i = 0; i < N_SETTINGS; i++)
        if (strcasecmp(name, setting_names[i]) == 0) return 0;
    const char *s = silt_suggest(name, setting_names, N_SETTINGS);
    if (s)
        return silt_error_set(err, SILT_EINVAL, "unknown storage option '%s' (did you mean %s?)",
                              name, s);
    return silt_error_set(err, SILT_EINVAL,
                          "unknown storage option '%s' (see docs/AZURE.md for the list)", name);
}

/* Process-wide options from the command line (--storage-option), owned, NULL-terminated. */
static char **global_opts;
static size_t n_global;
static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;

int silt_store_option_add(const char *option, silt_error *err)
{
    int rc = silt_store_option_check(option, err);
    if (rc) return rc;
    char *copy = silt_strdup(option);
    pthread_mutex_lock(&global_lock);
    char **g = copy ? silt_realloc(global_opts, (n_global + 2) * sizeof *g) : NULL;
    if (g) {
        g[n_global++] = copy;
        g[n_global] = NULL;
        global_opts = g;
    }
    pthread_mutex_unlock(&global_lock);
    if (!g) {
        silt_free(copy);
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    return 0;
}

int silt_store_options_from_argv(int *argc, char **argv, silt_error *err)
{
    int out = 0;
    for (int i = 0; i < *argc; i++) {
        const char *v = NULL;
        if (strcmp(argv[i], "--storage-option") == 0) {
            if (i + 1 >= *argc)
                return silt_error_set(err, SILT_EINVAL,
                                      "--storage-option needs NAME=VALUE (e.g. "
                                      "--storage-option AZURE_STORAGE_ACCOUNT_NAME=myaccount)");
            v = argv[++i];
        } else if (strncmp(argv[i], "--storage-option=", 17) == 0) {
            v = argv[i] + 17;
        }
        if (!v) {
            argv[out++] = argv[i];
            continue;
        }
        int rc = silt_store_option_add(v, err);
        if (rc) return rc;
    }
    *argc = out;
    argv[out] = NULL;
    return 0;
}

static const char *lookup(const char *const *options, const char *name)
{
    const char *found = NULL;
    size_t n = strlen(name);
    for (size_t i = 0; options && options[i]; i++)
        if (strncasecmp(options[i], name, n) == 0 && options[i][n] == '=')
            found = options[i] + n + 1;
    return found;
}

/* The value of a setting: the last matching option given to the open, else the last
 * --storage-option, else the environment, else NULL. */
static const char *setting(const char *const *options, const char *name)
{
    const char *found = lookup(options, name);
    if (found) return found;
    pthread_mutex_lock(&global_lock);
    found = lookup((const char *const *)global_opts, name);
    pthread_mutex_unlock(&global_lock);
    if (found) return found;
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static bool truthy(const char *v)
{
    return v && (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcasecmp(v, "yes") == 0);
}

static int dup_into(char **dst, const char *s, size_t n, silt_error *err)
{
    silt_free(*dst);
    *dst = silt_strndup(s, n);
    return *dst ? 0 : silt_error_set(err, SILT_ENOMEM, "out of memory");
}

/* Splits "container/path/..." (or "container") into container and prefix. */
static int split_container(silt_az_config *cfg, const char *p, const char *url, silt_error *err)
{
    while (*p == '/') p++;
    const char *slash = strchr(p, '/');
    size_t cn = slash ? (size_t)(slash - p) : strlen(p);
    if (cn == 0)
        return silt_error_set(err, SILT_EINVAL,
                              "location '%s' names no container (e.g. "
                              "az://mycontainer/path/to/table)",
                              url);
    if (dup_into(&cfg->container, p, cn, err)) return SILT_ENOMEM;
    const char *rest = slash ? slash + 1 : "";
    size_t rn = strlen(rest);
    while (rn > 0 && rest[rn - 1] == '/') rn--;
    return dup_into(&cfg->prefix, rest, rn, err);
}

/* Formats cfg->endpoint (any trailing '/' dropped). */
__attribute__((format(printf, 3, 4))) static int set_endpoint(silt_az_config *cfg, silt_error *err,
                                                              const char *fmt, ...)
{
    silt_buf e = SILT_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    char tmp[1024];
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    silt_buf_puts(&e, tmp);
    while (e.len > 0 && e.ptr[e.len - 1] == '/') e.len--;
    if (silt_buf_cstr(&e)) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    silt_free(cfg->endpoint);
    cfg->endpoint = (char *)silt_buf_detach(&e, NULL);
    return 0;
}

/* abfs[s]://container@account.dfs.core.windows.net/path */
static int parse_abfs(silt_az_config *cfg, const char *url, const char *rest, silt_error *err)
{
    const char *at = strchr(rest, '@');
    const char *slash = strchr(rest, '/');
    if (!at || (slash && slash < at) || at == rest)
        return silt_error_set(err, SILT_EINVAL,
                              "location '%s' is not "
                              "abfss://container@account.dfs.core.windows.net/path",
                              url);
    if (dup_into(&cfg->container, rest, (size_t)(at - rest), err)) return SILT_ENOMEM;
    const char *host = at + 1;
    const char *hend = slash ? slash : host + strlen(host);
    const char *dot = memchr(host, '.', (size_t)(hend - host));
    const char *aend = dot ? dot : hend;
    if (aend == host)
        return silt_error_set(err, SILT_EINVAL, "location '%s' names no storage account", url);
    if (dup_into(&cfg->account, host, (size_t)(aend - host), err)) return SILT_ENOMEM;
    const char *suffix = "core.windows.net";
    size_t sn = strlen(suffix);
    if (dot) { /* account.dfs.<suffix> or account.blob.<suffix> */
        const char *svc = dot + 1;
        const char *d2 = memchr(svc, '.', (size_t)(hend - svc));
        if (d2) {
            suffix = d2 + 1;
            sn = (size_t)(hend - suffix);
        }
    }
    if (set_endpoint(cfg, err, "https://%s.blob.%.*s", cfg->account, (int)sn, suffix))
        return SILT_ENOMEM;
    const char *p = slash ? slash + 1 : "";
    size_t pn = strlen(p);
    while (pn > 0 && p[pn - 1] == '/') pn--;
    return dup_into(&cfg->prefix, p, pn, err);
}

/* https://account.blob.core.windows.net/container/path, or path style
 * http://127.0.0.1:10000/account/container/path (Azurite, custom endpoints). */
static int parse_http(silt_az_config *cfg, const char *url, silt_error *err)
{
    const char *host = strstr(url, "://") + 3;
    const char *slash = strchr(host, '/');
    if (!slash)
        return silt_error_set(err, SILT_EINVAL,
                              "location '%s' names no container "
                              "(https://account.blob.core.windows.net/container/path)",
                              url);
    const char *dot = memchr(host, '.', (size_t)(slash - host));
    bool svc = dot && (strncmp(dot, ".blob.", 6) == 0 || strncmp(dot, ".dfs.", 5) == 0);
    if (svc) {
        if (dup_into(&cfg->account, host, (size_t)(dot - host), err)) return SILT_ENOMEM;
        bool dfs = strncmp(dot, ".dfs.", 5) == 0;
        const char *tail = dfs ? dot + 5 : dot + 6;
        if (set_endpoint(cfg, err, "%.*s.blob.%.*s", (int)(dot - url), url, (int)(slash - tail),
                         tail))
            return SILT_ENOMEM;
        return split_container(cfg, slash, url, err);
    }
    /* path style: the first segment is the account */
    const char *acc = slash + 1;
    const char *aend = strchr(acc, '/');
    if (!aend || aend == acc)
        return silt_error_set(err, SILT_EINVAL,
                              "location '%s': a path-style URL needs "
                              "http://host:port/account/container/path",
                              url);
    if (dup_into(&cfg->account, acc, (size_t)(aend - acc), err)) return SILT_ENOMEM;
    if (set_endpoint(cfg, err, "%.*s", (int)(aend - url), url)) return SILT_ENOMEM;
    return split_container(cfg, aend, url, err);
}

bool silt_az_is_url(const char *url)
{
    static const char *const schemes[] = {"abfss://", "abfs://",  "az://",
                                          "azure://", "https://", "http://"};
    for (size_t i = 0; i < sizeof schemes / sizeof *schemes; i++)
        if (strncmp(url, schemes[i], strlen(schemes[i])) == 0) return true;
    return false;
}

static int parse_location(silt_az_config *cfg, const char *url, const char *const *options,
                          silt_error *err)
{
    int rc;
    const char *q = strchr(url, '?');
    if (q)
        return silt_error_set(err, SILT_EINVAL,
                              "location '%.*s?...' has a query string: give a SAS token as "
                              "AZURE_STORAGE_SAS_TOKEN (or --storage-option), not in the location",
                              (int)(q - url), url);
    bool emu = truthy(setting(options, "AZURE_STORAGE_USE_EMULATOR"));
    const char *endpoint = setting(options, "AZURE_STORAGE_ENDPOINT");
    const char *account = setting(options, "AZURE_STORAGE_ACCOUNT_NAME");
    if (strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0)
        return parse_http(cfg, url, err);
    if (strncmp(url, "abfss://", 8) == 0 || strncmp(url, "abfs://", 7) == 0) {
        rc = parse_abfs(cfg, url, strstr(url, "://") + 3, err);
    } else {
        rc = split_container(cfg, strstr(url, "://") + 3, url, err);
        if (!rc && (account || emu))
            rc = dup_into(&cfg->account, account ? account : EMU_ACCOUNT,
                          strlen(account ? account : EMU_ACCOUNT), err);
        if (!rc && !cfg->account)
            return silt_error_set(err, SILT_EINVAL,
                                  "location '%s' names no storage account: set "
                                  "AZURE_STORAGE_ACCOUNT_NAME (or --storage-option "
                                  "AZURE_STORAGE_ACCOUNT_NAME=...), or use "
                                  "abfss://container@account.dfs.core.windows.net/path",
                                  url);
        if (!rc) rc = set_endpoint(cfg, err, "https://%s.blob.core.windows.net", cfg->account);
    }
    if (rc) return rc;
    if (endpoint || emu) {
        const char *e = endpoint ? endpoint : EMU_ENDPOINT;
        if (strncmp(e, "http://", 7) != 0 && strncmp(e, "https://", 8) != 0)
            return silt_error_set(err, SILT_EINVAL,
                                  "AZURE_STORAGE_ENDPOINT '%s' is not an http:// or https:// URL",
                                  e);
        rc = set_endpoint(cfg, err, "%s", e);
    }
    return rc;
}

static int dup_setting(char **dst, const char *const *options, const char *name, silt_error *err)
{
    const char *v = setting(options, name);
    if (!v) return 0;
    return dup_into(dst, v, strlen(v), err);
}

static int parse_long(long *out, const char *const *options, const char *name, long lo, long hi,
                      silt_error *err)
{
    const char *v = setting(options, name);
    if (!v) return 0;
    char *end = NULL;
    long x = strtol(v, &end, 10);
    if (!end || *end || end == v || x < lo || x > hi)
        return silt_error_set(err, SILT_EINVAL, "%s '%s' is not a number from %ld to %ld", name, v,
                              lo, hi);
    *out = x;
    return 0;
}

/* Chooses the credential: account key, SAS, bearer token, client secret, managed identity,
 * the emulator's well-known key, else anonymous. */
static int parse_credentials(silt_az_config *cfg, const char *const *options, silt_error *err)
{
    const char *key = setting(options, "AZURE_STORAGE_ACCOUNT_KEY");
    const char *sas = setting(options, "AZURE_STORAGE_SAS_TOKEN");
    int rc = 0;
    if (!key && !sas && !setting(options, "AZURE_STORAGE_TOKEN") &&
        !setting(options, "AZURE_CLIENT_SECRET") && !setting(options, "AZURE_MSI_ENDPOINT") &&
        !truthy(setting(options, "AZURE_USE_MSI")) &&
        truthy(setting(options, "AZURE_STORAGE_USE_EMULATOR")) &&
        strcmp(cfg->account, EMU_ACCOUNT) == 0)
        key = EMU_KEY;
    if (key) {
        long n = silt_az_b64_decode(cfg->key, sizeof cfg->key, key);
        if (n <= 0)
            return silt_error_set(err, SILT_EINVAL,
                                  "AZURE_STORAGE_ACCOUNT_KEY for account '%s' (container "
                                  "'%s') is not valid base64 (copy key1 or key2 from the "
                                  "portal's Access keys)",
                                  cfg->account, cfg->container);
        cfg->key_len = (size_t)n;
        cfg->auth = SILT_AZ_AUTH_SHARED_KEY;
    } else if (sas) {
        while (*sas == '?') sas++;
        rc = dup_into(&cfg->sas, sas, strlen(sas), err);
        cfg->auth = SILT_AZ_AUTH_SAS;
    } else if (setting(options, "AZURE_STORAGE_TOKEN")) {
        rc = dup_setting(&cfg->token, options, "AZURE_STORAGE_TOKEN", err);
        cfg->auth = SILT_AZ_AUTH_BEARER;
    } else if (setting(options, "AZURE_CLIENT_SECRET")) {
        cfg->auth = SILT_AZ_AUTH_CLIENT_SECRET;
        if (!setting(options, "AZURE_CLIENT_ID") || !setting(options, "AZURE_TENANT_ID"))
            return silt_error_set(err, SILT_EINVAL,
                                  "AZURE_CLIENT_SECRET is set for account '%s' but %s is not: "
                                  "client credentials need AZURE_CLIENT_ID and AZURE_TENANT_ID",
                                  cfg->account,
                                  setting(options, "AZURE_CLIENT_ID") ? "AZURE_TENANT_ID"
                                                                      : "AZURE_CLIENT_ID");
    } else if (setting(options, "AZURE_MSI_ENDPOINT") ||
               truthy(setting(options, "AZURE_USE_MSI"))) {
        cfg->auth = SILT_AZ_AUTH_MANAGED_ID;
    }
    if (rc) return rc;
    const char *msi = setting(options, "AZURE_MSI_ENDPOINT");
    const char *auth_host = setting(options, "AZURE_AUTHORITY_HOST");
    if ((rc = dup_setting(&cfg->client_id, options, "AZURE_CLIENT_ID", err)) ||
        (rc = dup_setting(&cfg->client_secret, options, "AZURE_CLIENT_SECRET", err)) ||
        (rc = dup_setting(&cfg->tenant_id, options, "AZURE_TENANT_ID", err)))
        return rc;
    if (!auth_host) auth_host = "https://login.microsoftonline.com";
    if (!msi) msi = "http://169.254.169.254/metadata/identity/oauth2/token";
    size_t an = strlen(auth_host);
    while (an > 0 && auth_host[an - 1] == '/') an--;
    if ((rc = dup_into(&cfg->authority_host, auth_host, an, err)) ||
        (rc = dup_into(&cfg->msi_endpoint, msi, strlen(msi), err)))
        return rc;
    return 0;
}

static int parse_tuning(silt_az_config *cfg, const char *const *options, silt_error *err)
{
    long retries = 10, block = 8L << 20, page = 5000;
    cfg->timeout_ms = 30000;
    cfg->connect_timeout_ms = 5000;
    cfg->backoff_ms = 100;
    cfg->backoff_max_ms = 5000;
    int rc;
    if ((rc = parse_long(&cfg->timeout_ms, options, "SILT_AZURE_TIMEOUT_MS", 100, 3600000, err)) ||
        (rc = parse_long(&retries, options, "SILT_AZURE_MAX_RETRIES", 0, 100, err)) ||
        (rc = parse_long(&cfg->backoff_ms, options, "SILT_AZURE_BACKOFF_MS", 1, 60000, err)) ||
        (rc = parse_long(&block, options, "SILT_AZURE_BLOCK_SIZE", 65536, 100L << 20, err)) ||
        (rc = parse_long(&page, options, "SILT_AZURE_LIST_PAGE", 1, 5000, err)) ||
        (rc = dup_setting(&cfg->ca_file, options, "SILT_AZURE_CA_FILE", err)))
        return rc;
    cfg->max_retries = (int)retries;
    cfg->block_size = (size_t)block;
    cfg->list_page = (int)page;
    if (cfg->connect_timeout_ms > cfg->timeout_ms) cfg->connect_timeout_ms = cfg->timeout_ms;
    return 0;
}

int silt_az_config_parse(silt_az_config *cfg, const char *url, const char *const *options,
                         silt_error *err)
{
    memset(cfg, 0, sizeof *cfg);
    for (size_t i = 0; options && options[i]; i++) {
        int rc = silt_store_option_check(options[i], err);
        if (rc) return rc;
    }
    int rc = parse_location(cfg, url, options, err);
    if (!rc && !cfg->prefix) rc = dup_into(&cfg->prefix, "", 0, err);
    if (!rc) rc = parse_credentials(cfg, options, err);
    if (!rc) rc = parse_tuning(cfg, options, err);
    if (rc) silt_az_config_free(cfg);
    return rc;
}

void silt_az_config_free(silt_az_config *cfg)
{
    char **strs[] = {&cfg->account,   &cfg->container,      &cfg->prefix,       &cfg->endpoint,
                     &cfg->sas,       &cfg->token,          &cfg->client_id,    &cfg->client_secret,
                     &cfg->tenant_id, &cfg->authority_host, &cfg->msi_endpoint, &cfg->ca_file};
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) {
        if (*strs[i] &&
            (strs[i] == &cfg->sas || strs[i] == &cfg->token || strs[i] == &cfg->client_secret))
            memset(*strs[i], 0, strlen(*strs[i]));
        silt_free(*strs[i]);
        *strs[i] = NULL;
    }
    memset(cfg->key, 0, sizeof cfg->key);
    cfg->key_len = 0;
}

const char *silt_az_auth_name(silt_az_auth a)
{
    switch (a) {
    case SILT_AZ_AUTH_SHARED_KEY: return "Shared Key (AZURE_STORAGE_ACCOUNT_KEY)";
    case SILT_AZ_AUTH_SAS: return "SAS token (AZURE_STORAGE_SAS_TOKEN)";
    case SILT_AZ_AUTH_BEARER: return "bearer token (AZURE_STORAGE_TOKEN)";
    case SILT_AZ_AUTH_CLIENT_SECRET:
        return "client secret (AZURE_CLIENT_ID / AZURE_CLIENT_SECRET / AZURE_TENANT_ID)";
    case SILT_AZ_AUTH_MANAGED_ID: return "managed identity (AZURE_MSI_ENDPOINT)";
    default: return "no credential (anonymous)";
    }
}
