/* Internal interface of the Azure Blob / ADLS Gen2 store backend, shared by its files: the
 * parsed location and credentials, request signing, the HTTP layer and the blob operations. */
#ifndef SILT_STORE_STORE_AZURE_H
#define SILT_STORE_STORE_AZURE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/buf.h"
#include "util/error.h"

/* How requests are authorized. */
typedef enum {
    SILT_AZ_AUTH_NONE = 0,      /* anonymous (public containers) */
    SILT_AZ_AUTH_SHARED_KEY,    /* AZURE_STORAGE_ACCOUNT_KEY: HMAC-SHA256 per request */
    SILT_AZ_AUTH_SAS,           /* AZURE_STORAGE_SAS_TOKEN appended to every URL */
    SILT_AZ_AUTH_BEARER,        /* AZURE_STORAGE_TOKEN as given */
    SILT_AZ_AUTH_CLIENT_SECRET, /* Entra ID client credentials, token fetched and refreshed */
    SILT_AZ_AUTH_MANAGED_ID,    /* instance metadata endpoint, token fetched and refreshed */
} silt_az_auth;

/* Every setting of one Azure location (all strings owned, NULL when unset). */
typedef struct silt_az_config {
    char *account;   /* storage account name */
    char *container; /* container (ADLS file system) */
    char *prefix;    /* path inside the container, no leading or trailing '/', maybe "" */
    char *endpoint;  /* blob service base URL without trailing '/': requests go to
                      * endpoint/container/blob */
    silt_az_auth auth;
    uint8_t key[64]; /* decoded account key (Shared Key) */
    size_t key_len;
    char *sas;           /* SAS token without the leading '?' */
    char *token;         /* bearer token (given, or the last one fetched) */
    int64_t token_exp_s; /* fetched token's expiry (epoch seconds), 0 when given */
    char *client_id, *client_secret, *tenant_id, *authority_host;
    char *msi_endpoint; /* managed identity token endpoint */
    char *ca_file;      /* extra CA bundle for https endpoints (tests, private clouds) */
    long timeout_ms;    /* whole-request timeout */
    long connect_timeout_ms;
    int max_retries;     /* retries after the first attempt */
    long backoff_ms;     /* first backoff; doubles per retry, with full jitter */
    long backoff_max_ms; /* backoff cap */
    size_t block_size;   /* streaming uploads: bytes per Put Block */
    int list_page;       /* List Blobs page size (maxresults) */
} silt_az_config;

/* Parses url (abfs[s]://, az://, azure://, http[s]://) and options (NULL-terminated
 * "name=value" strings, taking precedence over the environment) into cfg. Returns 0 or
 * SILT_EINVAL naming what is wrong and how to fix it; messages never contain secrets. */
int silt_az_config_parse(silt_az_config *cfg, const char *url, const char *const *options,
                         silt_error *err);
void silt_az_config_free(silt_az_config *cfg);
/* A short description of the credential in use, for error messages, e.g. "Shared Key
 * (AZURE_STORAGE_ACCOUNT_KEY)". Never contains a secret. */
const char *silt_az_auth_name(silt_az_auth a);
/* True when url names an Azure location (so silt_store_open should route it here). */
bool silt_az_is_url(const char *url);

/* One query parameter (name and raw, unencoded value). */
typedef struct silt_az_param {
    const char *name;
    const char *value;
} silt_az_param;

#define SILT_AZ_MAX_PARAMS 6
#define SILT_AZ_MAX_HEADERS 8

/* One request. blob is the full blob name inside the container (NULL for container-level
 * requests). Responses go into body (when set) or, for ranged gets, into range_dst. */
typedef struct silt_az_req {
    const char *method;
    const char *blob;
    silt_az_param params[SILT_AZ_MAX_PARAMS];
    size_t nparams;
    const char *headers[SILT_AZ_MAX_HEADERS]; /* "name:value", x-ms-* lowercase */
    size_t nheaders;
    const void *data; /* request body (borrowed) */
    size_t data_len;
    bool has_range;
    uint64_t range_off;
    size_t range_len;
    void *range_dst;    /* when set with has_range: exactly range_len bytes land here */
    silt_buf *body;     /* response body (borrowed, replaced), may be NULL */
    bool if_none_match; /* adds If-None-Match: * */
} silt_az_req;

/* What came back. */
typedef struct silt_az_resp {
    long status;            /* HTTP status, 0 when no answer */
    char code[96];          /* x-ms-error-code or the body's <Code> */
    uint64_t length;        /* Content-Length */
    uint64_t total;         /* from Content-Range, when ranged */
    int64_t mtime_ms;       /* Last-Modified */
    int64_t retry_after_ms; /* Retry-After, -1 when absent */
    size_t got;             /* bytes written to range_dst */
    int attempts;           /* attempts made */
    bool resent;            /* libcurl resent this attempt on a fresh connection */
    bool ambiguous;         /* an earlier attempt may have reached the service (timeout, reset,
                             * 5xx): a 404/409/412 now may be the result of our own attempt */
} silt_az_resp;

typedef struct silt_az_store silt_az_store;

/* Runs the request with retries (408, 429, 500, 502, 503, 504 and connection errors, exponential
 * backoff with full jitter, Retry-After honoured, a timeout on every attempt) over a pooled
 * connection. Returns 0 with resp filled for any final HTTP status (the caller judges it), or
 * SILT_EIO / SILT_ETIMEOUT when no attempt got an answer. */
int silt_az_http_do(silt_az_store *az, silt_az_req *req, silt_az_resp *resp, silt_error *err);

/* Adds the authorization (Shared Key header, SAS query or bearer header) for a request; for
 * token credentials fetches or refreshes the token first. Fills auth_header (may stay empty)
 * and appends the SAS to url when used. */
int silt_az_authorize(silt_az_store *az, const silt_az_req *req, const char *date,
                      const char *url_path, silt_buf *auth_header, silt_error *err);

/* Turns a final non-success status into an error that names the account, the container,
 * the object and the credential in use, and says what to fix. Returns the code. */
int silt_az_status_error(silt_az_store *az, const silt_az_resp *resp, const char *what,
                         const char *key, silt_error *err);

/* Base64 helpers (OpenSSL). encode: out gets a NUL-terminated string. decode: returns the
 * decoded length or -1. */
int silt_az_b64_encode(silt_buf *out, const void *data, size_t n);
long silt_az_b64_decode(uint8_t *out, size_t cap, const char *in);
/* Percent-encodes s into out (keeping '/' when keep_slash). */
int silt_az_url_encode(silt_buf *out, const char *s, bool keep_slash);

/* One cached read-ahead window of an object. */
typedef struct silt_az_window {
    char *key;      /* owned; NULL when the slot is free */
    uint64_t start; /* object offset of data[0] */
    size_t len;
    uint8_t *data; /* owned */
    bool eof;      /* the object ends at start + len */
    uint64_t used; /* clock of the last use (least recently used goes first) */
} silt_az_window;

#define SILT_AZ_CACHE_SLOTS 8

/* The store itself. */
struct silt_az_store {
    silt_store base;
    silt_az_config cfg;
    pthread_mutex_t lock; /* guards the handle pool, the token and the jitter state */
    void **pool;          /* idle CURL easy handles (each keeps its connection) */
    size_t npool, cappool;
    uint64_t rng;
    silt_az_window cache[SILT_AZ_CACHE_SLOTS]; /* read-ahead windows (under lock) */
    uint64_t cache_clock;
};

/* Read-ahead cache (store_azure_cache.c). */
bool silt_az_cache_wants(size_t n);
bool silt_az_cache_read(silt_az_store *az, const char *key, uint64_t off, size_t n, void *buf,
                        bool *past_end);
void silt_az_cache_window(uint64_t off, size_t n, uint64_t *start, size_t *len);
void silt_az_cache_put(silt_az_store *az, const char *key, uint64_t start, uint8_t *data,
                       size_t len, bool eof);
/* Drops key's windows (every window when key is NULL). */
void silt_az_cache_drop(silt_az_store *az, const char *key);

/* Blob name for a store key (prefix + '/' + key). Returns 0 or SILT_ENOMEM/SILT_EINVAL. */
int silt_az_blob_name(silt_az_store *az, silt_buf *out, const char *key, silt_error *err);
/* Fetches a bearer token for client-credential / managed-identity auth (lock held). */
int silt_az_fetch_token(silt_az_store *az, silt_error *err);
/* Block uploads (store_azure_block.c): the id of block index of an upload tagged tag (all ids
 * of a blob have one length); one Put Block; the Put Block List of ids ("<Latest>id</Latest>"
 * elements, in order). */
int silt_az_block_id(silt_buf *out, uint64_t tag, unsigned index);
int silt_az_put_block(silt_az_store *az, const char *blob, const char *key, const char *id,
                      const void *data, size_t n, silt_error *err);
int silt_az_put_block_list(silt_az_store *az, const char *blob, const char *key,
                           const silt_buf *ids, silt_error *err);
/* Puts a large object as blocks uploaded by up to 4 threads, then Put Block List. */
int silt_az_put_parallel(silt_az_store *az, const char *blob, const char *key, const void *data,
                         size_t n, silt_error *err);
/* The piece size of a parallel put; objects over twice this go up in parallel blocks. */
size_t silt_az_piece_size(const silt_az_store *az);
/* Streaming writer with Put Block / Put Block List. */
int silt_az_open_writer(silt_store *s, silt_store_writer **out, const char *key, silt_error *err);
/* List Blobs with prefix and marker pagination; the store's list op. */
int silt_az_list(silt_store *s, silt_store_listing *out, const char *prefix, silt_error *err);
/* Opens the Azure store for url with options (see silt_store_open_opts). */
int silt_store_azure_create(silt_store **out, const char *url, const char *const *options,
                            silt_error *err);
/* Creates the store's container; an existing one is fine. For tests and tools. */
int silt_az_container_create(silt_store *s, silt_error *err);
/* Takes an easy handle from the pool (*pooled: it had been used, so may hold a connection) or
 * makes one; returns one to the pool. */
void *silt_az_handle_get(silt_az_store *az, bool *pooled);
void silt_az_handle_put(silt_az_store *az, void *h);

#endif
