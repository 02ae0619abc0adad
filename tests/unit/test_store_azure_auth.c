/* Unit tests for the Azure store's credentials and failure handling against Azurite: each
 * credential kind working and each one's error message (account, container and credential
 * named, secrets never shown), and retries through the fault proxy: 500/503/resets/delays, and
 * put-if-absent answers lost after the service applied them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_azure.h"
#include "support/azurite.h"
#include "support/store_contract.h"
#include "util/alloc.h"

#define WRONG_KEY                                                                                  \
    "AAAAvdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

/* Opens url with exactly opts (no emulator key). */
static silt_store *open_plain(const char *url, const char *const *opts)
{
    silt_store *s = NULL;
    silt_error err;
    if (silt_store_open_opts(&s, url, opts, &err)) fail_msg("open %s: %s", url, err.msg);
    return s;
}

static void expect_msg(const silt_error *err, const char *const *needles, const char *secret)
{
    for (size_t i = 0; needles[i]; i++)
        if (!strstr(err->msg, needles[i])) fail_msg("'%s' not in: %s", needles[i], err->msg);
    if (secret && strstr(err->msg, secret)) fail_msg("secret shown in: %s", err->msg);
}

static void test_shared_key_errors(void **state)
{
    (void)state;
    silt_az_test_container("keys");
    char ep[200];
    snprintf(ep, sizeof ep, "AZURE_STORAGE_ENDPOINT=%s", silt_az_test_endpoint);
    const char *wrong[] = {ep, "AZURE_STORAGE_ACCOUNT_NAME=devstoreaccount1",
                           "AZURE_STORAGE_ACCOUNT_KEY=" WRONG_KEY, NULL};
    silt_store *s = open_plain("az://keys/t", wrong);
    silt_error err;
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_store_put(s, "x", "1", 1, &err), SILT_EINVAL);
    expect_msg(&err,
               (const char *[]){"devstoreaccount1", "'keys'", "AZURE_STORAGE_ACCOUNT_KEY",
                                "Shared Key", NULL},
               "AAAAvdM02x");
    silt_store_destroy(s);
    /* a missing container */
    s = silt_az_test_open("az://nocontainer/t", NULL);
    assert_int_equal(silt_store_get(s, &b, "_delta_log/00000000000000000000.json", &err),
                     SILT_ENOTFOUND);
    expect_msg(&err,
               (const char *[]){"container 'nocontainer' does not exist", "devstoreaccount1",
                                "Shared Key", NULL},
               NULL);
    silt_store_listing l = {0};
    assert_int_equal(silt_store_list(s, &l, "_delta_log/", &err), SILT_ENOTFOUND);
    expect_msg(&err, (const char *[]){"nocontainer", NULL}, NULL);
    silt_store_destroy(s);
    /* no credential at all */
    const char *none[] = {ep, "AZURE_STORAGE_ACCOUNT_NAME=devstoreaccount1", NULL};
    s = open_plain("az://keys/t", none);
    assert_int_not_equal(silt_store_put(s, "x", "1", 1, &err), 0);
    expect_msg(&err, (const char *[]){"keys", "no credential", NULL}, NULL);
    silt_store_destroy(s);
    silt_buf_free(&b);
}

/* A SAS for container c from the test tool. */
static const char *make_sas(const char *container, const char *perms, long expiry)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s/tool_az_admin sas devstoreaccount1 %s %s %s %ld",
             getenv("SILT_BUILD") ? getenv("SILT_BUILD") : ".", SILT_AZ_TEST_KEY, container, perms,
             expiry);
    return silt_az_test_run(cmd);
}

static void test_sas(void **state)
{
    (void)state;
    silt_az_test_container("sas");
    char ep[200], tok[1200];
    snprintf(ep, sizeof ep, "AZURE_STORAGE_ENDPOINT=%s", silt_az_test_endpoint);
    /* the permissions silt needs: read, add, create, write, delete, list */
    snprintf(tok, sizeof tok, "AZURE_STORAGE_SAS_TOKEN=%s", make_sas("sas", "racwdl", 3600));
    assert_non_null(strstr(tok, "sig="));
    const char *ok[] = {ep, "AZURE_STORAGE_ACCOUNT_NAME=devstoreaccount1", tok, NULL};
    silt_store *s = open_plain("az://sas/t", ok);
    silt_test_store_contract(s);
    silt_store_destroy(s);
    const char *sig = strstr(tok, "sig=") + 4;
    /* read and list only: writes are refused, naming the missing permission */
    snprintf(tok, sizeof tok, "AZURE_STORAGE_SAS_TOKEN=%s", make_sas("sas", "rl", 3600));
    s = open_plain("az://sas/t", ok);
    silt_error err;
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_store_get(s, &b, "b/x.txt", &err), 0);
    assert_int_equal(silt_store_put(s, "new", "1", 1, &err), SILT_EINVAL);
    expect_msg(&err, (const char *[]){"'sas'", "devstoreaccount1", "SAS", "permission", NULL},
               strstr(tok, "sig=") + 4);
    silt_store_destroy(s);
    /* expired */
    snprintf(tok, sizeof tok, "AZURE_STORAGE_SAS_TOKEN=%s", make_sas("sas", "racwdl", -60));
    s = open_plain("az://sas/t", ok);
    assert_int_equal(silt_store_get(s, &b, "b/x.txt", &err), SILT_EINVAL);
    expect_msg(&err, (const char *[]){"'sas'", "devstoreaccount1", "expired", NULL},
               strstr(tok, "sig=") + 4);
    assert_null(strstr(err.msg, sig));
    silt_store_destroy(s);
    silt_buf_free(&b);
}

/* Bearer tokens, Entra client credentials and managed identity, against Azurite over HTTPS with
 * its basic OAuth check (it needs TLS), through a stand-in token server. */
static void test_tokens(void **state)
{
    (void)state;
    char dir[300], pf[300], tpf[300], ca[340], ep[200], tok[1200], auth[128], msi[160];
    snprintf(dir, sizeof dir, "%s/https", silt_az_test_tmp);
    snprintf(pf, sizeof pf, "%s/https.port", silt_az_test_tmp);
    snprintf(tpf, sizeof tpf, "%s/token.port", silt_az_test_tmp);
    int port = 0, tport = 0;
    pid_t az = silt_az_test_start_node(
        "azurite.mjs", (const char *[]){"--dir", dir, "--port-file", pf, "--https", NULL}, pf,
        &port);
    pid_t ts = silt_az_test_start_node("token_server.mjs",
                                       (const char *[]){"--port-file", tpf, "--client-id", "app1",
                                                        "--client-secret", "s3cr3t-value", NULL},
                                       tpf, &tport);
    snprintf(ca, sizeof ca, "SILT_AZURE_CA_FILE=%s/cert.pem", dir);
    snprintf(ep, sizeof ep, "AZURE_STORAGE_ENDPOINT=https://127.0.0.1:%d/devstoreaccount1", port);
    /* the container, made with the account key */
    const char *key[] = {ep, ca, "AZURE_STORAGE_USE_EMULATOR=true", NULL};
    silt_store *s = open_plain("az://tokens/t", key);
    silt_error err;
    if (silt_az_container_create(s, &err)) fail_msg("%s", err.msg);
    silt_store_destroy(s);
    /* a given bearer token */
    char cmd[400];
    snprintf(cmd, sizeof cmd, "%s/tool_az_admin jwt 3600",
             getenv("SILT_BUILD") ? getenv("SILT_BUILD") : ".");
    snprintf(tok, sizeof tok, "AZURE_STORAGE_TOKEN=%s", silt_az_test_run(cmd));
    const char *bearer[] = {ep, ca, "AZURE_STORAGE_ACCOUNT_NAME=devstoreaccount1", tok, NULL};
    s = open_plain("az://tokens/t", bearer);
    silt_test_store_contract(s);
    silt_store_destroy(s);
    /* an expired one */
    snprintf(cmd, sizeof cmd, "%s/tool_az_admin jwt -60",
             getenv("SILT_BUILD") ? getenv("SILT_BUILD") : ".");
    snprintf(tok, sizeof tok, "AZURE_STORAGE_TOKEN=%s", silt_az_test_run(cmd));
    s = open_plain("az://tokens/t", bearer);
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_store_get(s, &b, "b/x.txt", &err), SILT_EINVAL);
    expect_msg(&err, (const char *[]){"'tokens'", "devstoreaccount1", "bearer token", NULL},
               tok + 20);
    silt_store_destroy(s);
    /* client credentials from the token server */
    snprintf(auth, sizeof auth, "AZURE_AUTHORITY_HOST=http://127.0.0.1:%d", tport);
    const char *cc[] = {ep,
                        ca,
                        "AZURE_STORAGE_ACCOUNT_NAME=devstoreaccount1",
                        auth,
                        "AZURE_TENANT_ID=tenant1",
                        "AZURE_CLIENT_ID=app1",
                        "AZURE_CLIENT_SECRET=s3cr3t-value",
                        NULL};
    s = open_plain("az://tokens/t", cc);
    assert_int_equal(silt_store_get(s, &b, "b/x.txt", &err), 0);
    assert_memory_equal(b.ptr, "HELLO WORLD!", 12);
    silt_store_destroy(s);
    const char *badcc[] = {ep,
                           ca,
                           "AZURE_STORAGE_ACCOUNT_NAME=devstoreaccount1",
                           auth,
                           "AZURE_TENANT_ID=tenant1",
                           "AZURE_CLIENT_ID=app1",
                           "AZURE_CLIENT_SECRET=wrong-secret",
                           NULL};
    s = open_plain("az://tokens/t", badcc);
    assert_int_equal(silt_store_get(s, &b, "b/x.txt", &err), SILT_EINVAL);
    expect_msg(&err,
               (const char *[]){"devstoreaccount1", "'tokens'", "invalid_client",
                                "AZURE_CLIENT_SECRET", NULL},
               "wrong-secret");
    silt_store_destroy(s);
    /* managed identity */
    snprintf(msi, sizeof msi,
             "AZURE_MSI_ENDPOINT=http://127.0.0.1:%d/metadata/identity/oauth2/token", tport);
    const char *mi[] = {ep, ca, "AZURE_STORAGE_ACCOUNT_NAME=devstoreaccount1", msi, NULL};
    s = open_plain("az://tokens/t", mi);
    assert_int_equal(silt_store_get(s, &b, "b/x.txt", &err), 0);
    assert_int_equal(b.len, 12);
    silt_store_destroy(s);
    silt_buf_free(&b);
    silt_az_test_stop(ts);
    silt_az_test_stop(az);
}

/* Sets the proxy's faults (JSON) through its control endpoint. */
static void faults(const char *json)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "curl -s -X PUT -H 'content-type: application/json' --data '%s' "
             "http://127.0.0.1:%d/__faults",
             json, silt_az_test_proxy_port);
    silt_az_test_run(cmd);
}

static silt_store *open_proxied(const char *url)
{
    char ep[200];
    snprintf(ep, sizeof ep, "AZURE_STORAGE_ENDPOINT=http://127.0.0.1:%d/devstoreaccount1",
             silt_az_test_proxy_port);
    const char *opts[] = {"AZURE_STORAGE_USE_EMULATOR=true", ep, "SILT_AZURE_BACKOFF_MS=5",
                          "SILT_AZURE_TIMEOUT_MS=2000", NULL};
    return open_plain(url, opts);
}

static void test_faults(void **state)
{
    (void)state;
    silt_az_test_container("faults");
    silt_store *s = open_proxied("az://faults/t");
    silt_error err;
    silt_buf b = SILT_BUF_INIT;
    /* every kind of fault once per request kind, then the request goes through */
    faults("{\"rules\":[{\"action\":\"500\",\"count\":1},{\"action\":\"503\",\"count\":1},"
           "{\"action\":\"reset\",\"count\":1},{\"action\":\"delay\",\"count\":1}]}");
    assert_int_equal(silt_store_put(s, "a.txt", "alpha", 5, &err), 0);
    faults("{\"rules\":[{\"action\":\"reset\",\"count\":2},{\"action\":\"500\",\"count\":1}]}");
    assert_int_equal(silt_store_get(s, &b, "a.txt", &err), 0);
    assert_memory_equal(b.ptr, "alpha", 5);
    /* random faults on everything but deletes (whose retried 404 after a fault counts as done,
     * which the contract's double delete would see) */
    faults("{\"p500\":0.1,\"p503\":0.05,\"preset\":0.05,\"pdelay\":0.1,"
           "\"methods\":[\"GET\",\"PUT\",\"HEAD\"]}");
    silt_store *c = open_proxied("az://faults/contract");
    silt_test_store_contract(c);
    silt_store_destroy(c);
    faults("{}");
    /* a put-if-absent applied by the service whose answer was lost: the retry finds the
     * object, sees it is its own, and succeeds */
    faults("{\"rules\":[{\"method\":\"PUT\",\"match\":\"00001.json\",\"action\":\"drop\","
           "\"count\":1}]}");
    assert_int_equal(silt_store_put_if_absent(s, "_delta_log/00001.json", "mine", 4, &err), 0);
    assert_int_equal(silt_store_get(s, &b, "_delta_log/00001.json", &err), 0);
    assert_memory_equal(b.ptr, "mine", 4);
    /* the same when the answer comes after the request's timeout (2 s here) */
    faults("{\"delayMs\":3500,\"rules\":[{\"method\":\"PUT\",\"match\":\"00002.json\","
           "\"action\":\"delay\",\"count\":1}]}");
    assert_int_equal(silt_store_put_if_absent(s, "_delta_log/00002.json", "late", 4, &err), 0);
    assert_int_equal(silt_store_get(s, &b, "_delta_log/00002.json", &err), 0);
    assert_memory_equal(b.ptr, "late", 4);
    /* the same, but another writer's object was there: a conflict */
    faults("{\"rules\":[{\"method\":\"PUT\",\"match\":\"00001.json\",\"action\":\"reset\","
           "\"count\":1}]}");
    assert_int_equal(silt_store_put_if_absent(s, "_delta_log/00001.json", "theirs", 6, &err),
                     SILT_EEXISTS);
    /* a lost delete answer: the retry's 404 is our own delete */
    faults("{\"rules\":[{\"method\":\"DELETE\",\"action\":\"drop\",\"count\":1}]}");
    assert_int_equal(silt_store_delete(s, "_delta_log/00001.json", &err), 0);
    assert_int_equal(silt_store_delete(s, "_delta_log/00001.json", &err), SILT_ENOTFOUND);
    /* a service that keeps failing: a clear error after the retries */
    silt_store_destroy(s);
    char ep[200];
    snprintf(ep, sizeof ep, "AZURE_STORAGE_ENDPOINT=http://127.0.0.1:%d/devstoreaccount1",
             silt_az_test_proxy_port);
    s = open_plain("az://faults/t", (const char *[]){"AZURE_STORAGE_USE_EMULATOR=true", ep,
                                                     "SILT_AZURE_MAX_RETRIES=2", NULL});
    faults("{\"p503\":1}");
    assert_int_equal(silt_store_get(s, &b, "a.txt", &err), SILT_EIO);
    expect_msg(&err, (const char *[]){"503", "'faults'", "attempts", NULL}, NULL);
    assert_true(err.retriable);
    faults("{}");
    silt_store_destroy(s);
    silt_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_key_errors),
        cmocka_unit_test(test_sas),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_faults),
    };
    return cmocka_run_group_tests(tests, silt_az_test_setup, silt_az_test_teardown);
}
