/* Azure test helper: creates containers, uploads and downloads folders through the Azure store,
 * and makes service SAS tokens and unsigned test JWTs for the credential tests.
 *   tool_az_admin mkcontainer URL
 *   tool_az_admin upload LOCALDIR URL        (every file under LOCALDIR, same relative keys)
 *   tool_az_admin download URL LOCALDIR
 *   tool_az_admin sas ACCOUNT KEY CONTAINER PERMISSIONS EXPIRY_SECONDS (negative: expired)
 *   tool_az_admin jwt EXPIRY_SECONDS
 * Credentials and endpoints come from the AZURE_* environment, as for silt. */
#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store/store.h"
#include "store/store_azure.h"

static int die(const silt_error *e)
{
    fprintf(stderr, "tool_az_admin: %s\n", e->msg);
    return 1;
}

/* Adds every file under root/rel to keys (relative paths). */
static int collect(silt_store_listing *keys, const char *root, const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    DIR *d = opendir(path);
    if (!d) return fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno)), 1;
    struct dirent *de;
    int rc = 0;
    while (!rc && (de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        char key[4096], full[8192];
        snprintf(key, sizeof key, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
        snprintf(full, sizeof full, "%s/%s", root, key);
        struct stat st;
        if (stat(full, &st) != 0) continue;
        if (S_ISDIR(st.st_mode))
            rc = collect(keys, root, key);
        else if (silt_store_list_push(keys, key, (uint64_t)st.st_size, 0))
            rc = 1;
    }
    closedir(d);
    return rc;
}

typedef struct copy_job {
    silt_store *from, *to;
    silt_store_listing *keys;
    size_t next;
    int rc;
    pthread_mutex_t lock;
} copy_job;

static void *copy_worker(void *arg)
{
    copy_job *j = arg;
    silt_buf b = SILT_BUF_INIT;
    silt_error err;
    for (;;) {
        pthread_mutex_lock(&j->lock);
        size_t i = j->rc ? j->keys->n : j->next++;
        pthread_mutex_unlock(&j->lock);
        if (i >= j->keys->n) break;
        const char *k = j->keys->entries[i].key;
        if (silt_store_get(j->from, &b, k, &err) ||
            silt_store_put(j->to, k, b.ptr ? (char *)b.ptr : "", b.len, &err)) {
            pthread_mutex_lock(&j->lock);
            j->rc = die(&err);
            pthread_mutex_unlock(&j->lock);
        }
    }
    silt_buf_free(&b);
    return NULL;
}

/* Copies the objects keys from one store to the other with 8 threads. */
static int copy_keys(silt_store *from, silt_store *to, silt_store_listing *keys)
{
    copy_job j = {from, to, keys, 0, 0, PTHREAD_MUTEX_INITIALIZER};
    pthread_t th[8];
    for (int i = 0; i < 8; i++) pthread_create(&th[i], NULL, copy_worker, &j);
    for (int i = 0; i < 8; i++) pthread_join(th[i], NULL);
    return j.rc;
}

static int upload_dir(silt_store *s, const char *root)
{
    silt_store_listing keys = {0};
    silt_store *local = NULL;
    silt_error err;
    int rc = collect(&keys, root, "");
    if (!rc && silt_store_local_create(&local, root, &err)) rc = die(&err);
    if (!rc) rc = copy_keys(local, s, &keys);
    silt_store_list_clear(&keys);
    silt_store_destroy(local);
    return rc;
}

static int download(silt_store *s, const char *dir)
{
    silt_error err;
    silt_store *local = NULL;
    silt_store_listing l = {0};
    int rc = 0;
    if (silt_store_local_create(&local, dir, &err) || silt_store_list(s, &l, "", &err))
        rc = die(&err);
    if (!rc) rc = copy_keys(s, local, &l);
    silt_store_list_clear(&l);
    silt_store_destroy(local);
    return rc;
}

static void iso(char *out, size_t n, time_t t)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A container service SAS (version 2020-12-06), printed as a query string. */
static int sas(const char *account, const char *key64, const char *container, const char *perms,
               long expiry)
{
    uint8_t key[64];
    long kn = silt_az_b64_decode(key, sizeof key, key64);
    if (kn <= 0) return fprintf(stderr, "bad key\n"), 1;
    char st[32], se[32];
    iso(st, sizeof st, time(NULL) - 600 + (expiry < 0 ? expiry : 0));
    iso(se, sizeof se, time(NULL) + expiry);
    char sts[1024];
    snprintf(sts, sizeof sts, "%s\n%s\n%s\n/blob/%s/%s\n\n\n\n2020-12-06\nc\n\n\n\n\n\n\n", perms,
             st, se, account, container);
    uint8_t mac[64];
    unsigned ml = 0;
    HMAC(EVP_sha256(), key, (int)kn, (uint8_t *)sts, strlen(sts), mac, &ml);
    silt_buf sig = SILT_BUF_INIT, enc = SILT_BUF_INIT;
    silt_az_b64_encode(&sig, mac, ml);
    silt_az_url_encode(&enc, (char *)sig.ptr, false);
    silt_buf_cstr(&enc);
    printf("sv=2020-12-06&sr=c&sp=%s&st=%s&se=%s&sig=%s\n", perms, st, se, (char *)enc.ptr);
    silt_buf_free(&sig);
    silt_buf_free(&enc);
    return 0;
}

static void b64url(char *out, size_t n, const char *in)
{
    silt_buf b = SILT_BUF_INIT;
    silt_az_b64_encode(&b, in, strlen(in));
    size_t j = 0;
    for (size_t i = 0; i < b.len && j + 1 < n; i++) {
        char c = (char)b.ptr[i];
        if (c == '=') break;
        out[j++] = c == '+' ? '-' : c == '/' ? '_' : c;
    }
    out[j] = '\0';
    silt_buf_free(&b);
}

/* An unsigned JWT shaped as Entra ID issues them for storage (Azurite's basic OAuth does not
 * check signatures). */
static int jwt(long expiry)
{
    char payload[512], h[256], p[1024];
    long now = (long)time(NULL);
    snprintf(payload, sizeof payload,
             "{\"aud\":\"https://storage.azure.com\",\"iss\":\"https://sts.windows.net/"
             "00000000-0000-0000-0000-000000000000/\",\"iat\":%ld,\"nbf\":%ld,\"exp\":%ld,"
             "\"oid\":\"11111111-1111-1111-1111-111111111111\"}",
             now - 600 + (expiry < 0 ? expiry : 0), now - 600 + (expiry < 0 ? expiry : 0),
             now + expiry);
    b64url(h, sizeof h, "{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
    b64url(p, sizeof p, payload);
    printf("%s.%s.c2lnbmF0dXJl\n", h, p);
    return 0;
}

int main(int argc, char **argv)
{
    silt_error err;
    silt_store *s = NULL;
    if (argc == 3 && strcmp(argv[1], "jwt") == 0) return jwt(atol(argv[2]));
    if (argc == 7 && strcmp(argv[1], "sas") == 0)
        return sas(argv[2], argv[3], argv[4], argv[5], atol(argv[6]));
    int rc = 2;
    if (argc == 3 && strcmp(argv[1], "mkcontainer") == 0) {
        if (silt_store_open(&s, argv[2], &err) || silt_az_container_create(s, &err))
            rc = die(&err);
        else
            rc = 0;
    } else if (argc == 4 && strcmp(argv[1], "upload") == 0) {
        rc = silt_store_open(&s, argv[3], &err) ? die(&err) : upload_dir(s, argv[2]);
    } else if (argc == 4 && strcmp(argv[1], "download") == 0) {
        rc = silt_store_open(&s, argv[2], &err) ? die(&err) : download(s, argv[3]);
    } else {
        fprintf(stderr, "usage: see the comment at the top of tests/tools/az_admin.c\n");
    }
    silt_store_destroy(s);
    return rc;
}
