/* Unit tests for the libraries loaded on first use (src/http/mhd_dl.c, src/store/curl_dl.c): an
 * HTTP server started through the MHD forwarders answers a request made through the curl ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <curl/curl.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "http/mhd_dl.h"
#include "store/curl_dl.h"

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **state)
{
    const char *who = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Who");
    char body[128];
    snprintf(body, sizeof body, "%s %s %s", method, url, who ? who : "-");
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "X-Served", "yes");
    enum MHD_Result rc = MHD_queue_response(conn, 207, r);
    MHD_destroy_response(r);
    return rc;
}

typedef struct sink {
    char buf[256];
    size_t len;
} sink;

static size_t on_body(char *p, size_t size, size_t n, void *userdata)
{
    sink *s = userdata;
    size_t k = size * n;
    if (s->len + k >= sizeof s->buf) return 0;
    memcpy(s->buf + s->len, p, k);
    s->len += k;
    s->buf[s->len] = '\0';
    return k;
}

static void test_served_and_fetched(void **state)
{
    silt_error err = {0};
    assert_int_equal(silt_mhd_dl_load(&err), 0);
    assert_int_equal(silt_curl_dl_load(&err), 0);
    assert_non_null(silt_mhd_dl_version());
    assert_non_null(silt_curl_dl_version());
    assert_int_equal(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);

    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, answer,
                                            NULL, MHD_OPTION_CONNECTION_LIMIT, 4u, MHD_OPTION_END);
    assert_non_null(d);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    assert_non_null(info);
    assert_true(info->port > 0);

    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/lazy", (unsigned)info->port);
    CURL *c = curl_easy_init();
    assert_non_null(c);
    struct curl_slist *h = curl_slist_append(NULL, "X-Who: silt");
    assert_non_null(h);
    sink s = {{0}, 0};
    curl_off_t max_size = 1 << 20;
    /* one option of each argument kind: pointer, long, function pointer, curl_off_t */
    assert_int_equal(curl_easy_setopt(c, CURLOPT_URL, url), CURLE_OK);
    assert_int_equal(curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L), CURLE_OK);
    assert_int_equal(curl_easy_setopt(c, CURLOPT_HTTPHEADER, h), CURLE_OK);
    assert_int_equal(curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body), CURLE_OK);
    assert_int_equal(curl_easy_setopt(c, CURLOPT_WRITEDATA, &s), CURLE_OK);
    assert_int_equal(curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, max_size), CURLE_OK);
    CURLcode rc = curl_easy_perform(c);
    assert_string_equal(rc == CURLE_OK ? "ok" : curl_easy_strerror(rc), "ok");
    long status = 0;
    assert_int_equal(curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status), CURLE_OK);
    assert_int_equal(status, 207);
    assert_string_equal(s.buf, "GET /lazy silt");

    curl_easy_reset(c);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    MHD_stop_daemon(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_served_and_fetched),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
