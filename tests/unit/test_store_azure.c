/* Unit tests for the Azure store: location forms and settings (no network), then against
 * Azurite (started here): the store contract, the streaming block writer, list pagination and
 * the same blob read through every location form. */
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

static void parse_ok(silt_az_config *c, const char *url, const char *const *opts)
{
    silt_error err;
    if (silt_az_config_parse(c, url, opts, &err)) fail_msg("%s: %s", url, err.msg);
}

static void parse_err(const char *url, const char *const *opts, const char *needle)
{
    silt_az_config c;
    silt_error err;
    assert_int_equal(silt_az_config_parse(&c, url, opts, &err), SILT_EINVAL);
    if (!strstr(err.msg, needle)) fail_msg("'%s' not in: %s", needle, err.msg);
}

static void test_locations(void **state)
{
    (void)state;
    silt_az_config c;
    const char *key[] = {"AZURE_STORAGE_ACCOUNT_KEY=" SILT_AZ_TEST_KEY, NULL};
    parse_ok(&c, "abfss://lake@acct.dfs.core.windows.net/bronze/events/", key);
    assert_string_equal(c.account, "acct");
    assert_string_equal(c.container, "lake");
    assert_string_equal(c.prefix, "bronze/events");
    assert_string_equal(c.endpoint, "https://acct.blob.core.windows.net");
    assert_int_equal(c.auth, SILT_AZ_AUTH_SHARED_KEY);
    assert_int_equal(c.key_len, 64);
    silt_az_config_free(&c);
    parse_ok(&c, "abfs://lake@acct.dfs.core.chinacloudapi.cn", key);
    assert_string_equal(c.endpoint, "https://acct.blob.core.chinacloudapi.cn");
    assert_string_equal(c.prefix, "");
    silt_az_config_free(&c);
    const char *acc[] = {"azure_storage_account_name=acct2", NULL};
    parse_ok(&c, "az://lake/t", acc);
    assert_string_equal(c.account, "acct2");
    assert_string_equal(c.endpoint, "https://acct2.blob.core.windows.net");
    assert_int_equal(c.auth, SILT_AZ_AUTH_NONE);
    silt_az_config_free(&c);
    parse_ok(&c, "azure://lake/a/b", acc);
    assert_string_equal(c.prefix, "a/b");
    silt_az_config_free(&c);
    parse_ok(&c, "https://acct.blob.core.windows.net/lake/x", NULL);
    assert_string_equal(c.account, "acct");
    assert_string_equal(c.container, "lake");
    assert_string_equal(c.endpoint, "https://acct.blob.core.windows.net");
    silt_az_config_free(&c);
    parse_ok(&c, "https://acct.dfs.core.windows.net/lake/x", NULL);
    assert_string_equal(c.endpoint, "https://acct.blob.core.windows.net");
    silt_az_config_free(&c);
    parse_ok(&c, "http://127.0.0.1:10000/devstoreaccount1/lake/t", NULL);
    assert_string_equal(c.account, "devstoreaccount1");
    assert_string_equal(c.endpoint, "http://127.0.0.1:10000/devstoreaccount1");
    silt_az_config_free(&c);
    /* the emulator: account, key and endpoint; AZURE_STORAGE_ENDPOINT moves it */
    const char *emu[] = {"AZURE_STORAGE_USE_EMULATOR=true",
                         "AZURE_STORAGE_ENDPOINT=http://127.0.0.1:1234/devstoreaccount1/", NULL};
    parse_ok(&c, "az://lake/t", emu);
    assert_string_equal(c.account, "devstoreaccount1");
    assert_string_equal(c.endpoint, "http://127.0.0.1:1234/devstoreaccount1");
    assert_int_equal(c.auth, SILT_AZ_AUTH_SHARED_KEY);
    silt_az_config_free(&c);
    const char *sas[] = {"AZURE_STORAGE_SAS_TOKEN=?sv=2020-12-06&sig=abc", NULL};
    parse_ok(&c, "abfss://lake@acct.dfs.core.windows.net/t", sas);
    assert_int_equal(c.auth, SILT_AZ_AUTH_SAS);
    assert_string_equal(c.sas, "sv=2020-12-06&sig=abc");
    silt_az_config_free(&c);
}

static void test_location_errors(void **state)
{
    (void)state;
    unsetenv("AZURE_STORAGE_ACCOUNT_NAME");
    parse_err("az://lake/t", NULL, "AZURE_STORAGE_ACCOUNT_NAME");
    parse_err("az://", NULL, "names no container");
    parse_err("abfss://acct.dfs.core.windows.net/t", NULL, "abfss://container@account");
    parse_err("http://127.0.0.1:10000/", NULL, "path-style");
    const char *badkey[] = {"AZURE_STORAGE_ACCOUNT_KEY=not base64!", NULL};
    parse_err("abfss://lake@acct.dfs.core.windows.net/t", badkey, "not valid base64");
    const char *typo[] = {"AZURE_STORAGE_ACOUNT_KEY=x", NULL};
    parse_err("abfss://lake@acct.dfs.core.windows.net/t", typo,
              "did you mean "
              "AZURE_STORAGE_ACCOUNT_KEY");
    const char *cs[] = {"AZURE_CLIENT_SECRET=s3cr3t", "AZURE_CLIENT_ID=id", NULL};
    parse_err("abfss://lake@acct.dfs.core.windows.net/t", cs, "AZURE_TENANT_ID");
    /* a SAS in the location is refused without echoing it */
    silt_az_config c;
    silt_error err;
    assert_int_equal(
        silt_az_config_parse(&c, "https://acct.blob.core.windows.net/l/t?sig=SECRET", NULL, &err),
        SILT_EINVAL);
    assert_null(strstr(err.msg, "SECRET"));
    assert_non_null(strstr(err.msg, "AZURE_STORAGE_SAS_TOKEN"));
    assert_int_equal(silt_store_option_check("AZURE_STORAGE_TOKEN=x", &err), 0);
    assert_int_equal(silt_store_option_check("novalue", &err), SILT_EINVAL);
    /* the secrets never show in what a credential is called */
    for (int a = SILT_AZ_AUTH_NONE; a <= SILT_AZ_AUTH_MANAGED_ID; a++)
        assert_non_null(silt_az_auth_name((silt_az_auth)a));
}

static void test_contract(void **state)
{
    (void)state;
    silt_az_test_container("contract");
    const char *small[] = {"SILT_AZURE_BLOCK_SIZE=65536", NULL};
    silt_store *s = silt_az_test_open("az://contract/t1", small);
    silt_test_store_contract(s);
    /* 300,000 bytes in 64 KiB blocks: 4 Put Block, 1 Put Block List */
    silt_test_store_writer_contract(s, 300000);
    /* a put of more than two 64 KiB pieces goes up as parallel blocks */
    size_t big = 1000003;
    uint8_t *data = silt_malloc(big);
    assert_non_null(data);
    for (size_t i = 0; i < big; i++) data[i] = (uint8_t)(i * 31 + (i >> 11));
    silt_error err;
    assert_int_equal(silt_store_put(s, "big/parallel.bin", data, big, &err), 0);
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_store_get(s, &b, "big/parallel.bin", &err), 0);
    assert_int_equal(b.len, big);
    assert_memory_equal(b.ptr, data, big);
    /* ranged reads, small (through the read-ahead) and large */
    uint8_t *r = silt_malloc(300003); /* the large ranged read below fills all of it */
    assert_non_null(r);
    assert_int_equal(silt_store_get_range(s, r, "big/parallel.bin", 999000, 1003, &err), 0);
    assert_memory_equal(r, data + 999000, 1003);
    assert_int_equal(silt_store_get_range(s, r, "big/parallel.bin", 700000, 300003, &err), 0);
    assert_memory_equal(r, data + 700000, 300003);
    assert_int_equal(silt_store_get_range(s, r, "big/parallel.bin", 999000, 1004, &err),
                     SILT_ECORRUPT);
    assert_int_equal(silt_store_get_range(s, r, "big/parallel.bin", 2000000, 10, &err),
                     SILT_ECORRUPT);
    /* a put replacing it is seen by the next ranged read (the read-ahead is dropped) */
    memset(data, 'z', 4096);
    assert_int_equal(silt_store_put(s, "big/parallel.bin", data, 4096, &err), 0);
    assert_int_equal(silt_store_get_range(s, r, "big/parallel.bin", 0, 16, &err), 0);
    assert_memory_equal(r, "zzzzzzzzzzzzzzzz", 16);
    silt_buf_free(&b);
    silt_free(r);
    silt_free(data);
    silt_store_destroy(s);
    /* another prefix of the same container sees none of it */
    s = silt_az_test_open("az://contract/t2", NULL);
    silt_store_listing l = {0};
    assert_int_equal(silt_store_list(s, &l, "", &err), 0);
    assert_int_equal(l.n, 0);
    silt_store_destroy(s);
}

static void test_pagination(void **state)
{
    (void)state;
    silt_az_test_container("pages");
    const char *page[] = {"SILT_AZURE_LIST_PAGE=3", NULL};
    silt_store *s = silt_az_test_open("az://pages/t", page);
    silt_error err;
    char key[64];
    for (int i = 10; i >= 0; i--) {
        snprintf(key, sizeof key, "_delta_log/%020d.json", i);
        assert_int_equal(silt_store_put(s, key, key, strlen(key), &err), 0);
    }
    assert_int_equal(silt_store_put(s, "odd & <name>.txt", "x", 1, &err), 0);
    silt_store_listing l = {0};
    assert_int_equal(silt_store_list(s, &l, "_delta_log/", &err), 0);
    assert_int_equal(l.n, 11);
    for (int i = 0; i <= 10; i++) {
        snprintf(key, sizeof key, "_delta_log/%020d.json", i);
        assert_string_equal(l.entries[i].key, key);
        assert_int_equal(l.entries[i].size, strlen(key));
    }
    silt_store_list_clear(&l);
    assert_int_equal(silt_store_list(s, &l, "odd", &err), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.entries[0].key, "odd & <name>.txt");
    silt_store_list_clear(&l);
    silt_store_destroy(s);
}

/* The same blob through every location form. */
static void test_forms(void **state)
{
    (void)state;
    silt_az_test_container("forms");
    silt_store *s = silt_az_test_open("az://forms/deep/table", NULL);
    silt_error err;
    assert_int_equal(silt_store_put(s, "k.txt", "form", 4, &err), 0);
    silt_store_destroy(s);
    char http[256];
    snprintf(http, sizeof http, "%s/forms/deep/table", silt_az_test_endpoint);
    const char *urls[] = {"azure://forms/deep/table",
                          "abfss://forms@devstoreaccount1.dfs.core.windows.net/deep/table",
                          "abfs://forms@devstoreaccount1.dfs.core.windows.net/deep/table/", http};
    for (size_t i = 0; i < sizeof urls / sizeof *urls; i++) {
        s = silt_az_test_open(urls[i], NULL);
        silt_buf b = SILT_BUF_INIT;
        if (silt_store_get(s, &b, "k.txt", &err)) fail_msg("%s: %s", urls[i], err.msg);
        assert_int_equal(b.len, 4);
        assert_memory_equal(b.ptr, "form", 4);
        silt_buf_free(&b);
        silt_store_destroy(s);
    }
}

int main(void)
{
    const struct CMUnitTest offline[] = {
        cmocka_unit_test(test_locations),
        cmocka_unit_test(test_location_errors),
    };
    const struct CMUnitTest online[] = {
        cmocka_unit_test(test_contract),
        cmocka_unit_test(test_pagination),
        cmocka_unit_test(test_forms),
    };
    int rc = cmocka_run_group_tests(offline, NULL, NULL);
    return rc | cmocka_run_group_tests(online, silt_az_test_setup, silt_az_test_teardown);
}
