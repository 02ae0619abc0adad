/* Unit tests for src/store: both backends' operations, put-if-absent races between processes,
 * fault injection, range gets, sorted listing and the Parquet byte-range source adapter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"
#include "support/store_contract.h"
#include "util/alloc.h"

static char tmproot[256];

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmproot, sizeof tmproot, "%s/silt-store-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    return mkdtemp(tmproot) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmproot);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_local_ops(void **state)
{
    (void)state;
    silt_error err;
    silt_store *s = NULL;
    char url[300];
    snprintf(url, sizeof url, "file://%s/t1", tmproot);
    assert_int_equal(silt_store_open(&s, url, &err), 0);
    silt_test_store_contract(s);
    silt_test_store_writer_contract(s, 300000);
    /* keys may not escape the root */
    assert_int_equal(silt_store_put(s, "../evil", "x", 1, &err), SILT_EINVAL);
    assert_int_equal(silt_store_put(s, "a/../../evil", "x", 1, &err), SILT_EINVAL);
    assert_int_equal(silt_store_put(s, "a/..", "x", 1, &err), SILT_EINVAL);
    assert_int_equal(silt_store_put(s, "c/a..b.parquet", "x", 1, &err), 0);
    silt_store_destroy(s);
    silt_store_destroy(NULL);
}

static void test_mem_ops(void **state)
{
    (void)state;
    silt_error err;
    silt_store *s = NULL, *s2 = NULL;
    assert_int_equal(silt_store_open(&s, "mem://unit", &err), 0);
    silt_test_store_contract(s);
    silt_test_store_writer_contract(s, 100000);
    /* a second open of the same name sees the same objects */
    assert_int_equal(silt_store_open(&s2, "mem://unit", &err), 0);
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_store_get(s2, &b, "a/3.json", &err), 0);
    assert_memory_equal(b.ptr, "three", 5);
    silt_buf_free(&b);
    silt_store_destroy(s2);
    silt_store_destroy(s);
}

static void test_open_errors(void **state)
{
    (void)state;
    silt_error err;
    silt_store *s = NULL;
    /* a relative path is taken from the current directory */
    assert_int_equal(silt_store_open(&s, "./relative/path", &err), 0);
    assert_non_null(strstr(s->url, "/relative/path"));
    assert_int_equal(s->url[0], '/');
    silt_store_destroy(s);
    s = NULL;
    assert_int_equal(silt_store_open(&s, "s3://bucket/t", &err), SILT_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "s3"));
    assert_int_equal(silt_store_open(&s, "file://rel", &err), SILT_EINVAL);
    assert_int_equal(silt_store_open(&s, "mem://", &err), SILT_EINVAL);
    assert_null(s);
}

static void test_mem_faults(void **state)
{
    (void)state;
    silt_error err;
    silt_store *s = NULL;
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_store_mem_create(&s, &err), 0);
    assert_int_equal(silt_store_put(s, "k1", "v", 1, &err), 0);
    silt_store_mem_fail_nth(s, 2);
    assert_int_equal(silt_store_get(s, &b, "k1", &err), 0);
    assert_int_equal(silt_store_get(s, &b, "k1", &err), SILT_EIO);
    assert_true(err.retriable);
    assert_non_null(strstr(err.msg, "injected"));
    assert_int_equal(silt_store_get(s, &b, "k1", &err), 0); /* only the nth */
    silt_store_mem_fail_path(s, "_delta_log/");
    assert_int_equal(silt_store_put(s, "_delta_log/0.json", "x", 1, &err), SILT_EIO);
    assert_int_equal(silt_store_put(s, "data/f.parquet", "x", 1, &err), 0);
    silt_store_listing l = {0};
    assert_int_equal(silt_store_list(s, &l, "_delta_log/", &err), SILT_EIO);
    silt_store_mem_fail_path(s, NULL);
    assert_int_equal(silt_store_put(s, "_delta_log/0.json", "x", 1, &err), 0);
    assert_true(silt_store_mem_calls(s) >= 7);
    silt_buf_free(&b);
    silt_store_destroy(s);
}

/* N processes race to put-if-absent the same keys; each key has exactly one winner, and its
 * content is the winner's. */
static void test_local_put_if_absent_race(void **state)
{
    (void)state;
    enum { PROCS = 6, KEYS = 40 };
    char dir[300];
    snprintf(dir, sizeof dir, "%s/race", tmproot);
    int pipes[PROCS][2];
    pid_t pids[PROCS];
    for (int p = 0; p < PROCS; p++) {
        assert_int_equal(pipe(pipes[p]), 0);
        pids[p] = fork();
        assert_true(pids[p] >= 0);
        if (pids[p] == 0) {
            silt_store *s = NULL;
            silt_error err;
            if (silt_store_local_create(&s, dir, &err)) _exit(2);
            unsigned char won[KEYS] = {0};
            for (int k = 0; k < KEYS; k++) {
                char key[64], val[16];
                snprintf(key, sizeof key, "_delta_log/%020d.json", k);
                int n = snprintf(val, sizeof val, "p%d", p);
                int rc = silt_store_put_if_absent(s, key, val, (size_t)n, &err);
                if (rc != 0 && rc != SILT_EEXISTS) _exit(3);
                won[k] = rc == 0;
            }
            if (write(pipes[p][1], won, KEYS) != KEYS) _exit(4);
            silt_store_destroy(s);
            _exit(0);
        }
        close(pipes[p][1]);
    }
    int winners[KEYS] = {0}, who[KEYS];
    for (int p = 0; p < PROCS; p++) {
        unsigned char won[KEYS];
        assert_int_equal(read(pipes[p][0], won, KEYS), KEYS);
        close(pipes[p][0]);
        int st;
        assert_int_equal(waitpid(pids[p], &st, 0), pids[p]);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        for (int k = 0; k < KEYS; k++)
            if (won[k]) winners[k]++, who[k] = p;
    }
    silt_store *s = NULL;
    silt_error err;
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_store_local_create(&s, dir, &err), 0);
    for (int k = 0; k < KEYS; k++) {
        assert_int_equal(winners[k], 1);
        char key[64], val[16];
        snprintf(key, sizeof key, "_delta_log/%020d.json", k);
        int n = snprintf(val, sizeof val, "p%d", who[k]);
        assert_int_equal(silt_store_get(s, &b, key, &err), 0);
        assert_int_equal(b.len, (size_t)n);
        assert_memory_equal(b.ptr, val, (size_t)n);
    }
    /* no temporary files are left behind or listed */
    silt_store_listing l = {0};
    assert_int_equal(silt_store_list(s, &l, "", &err), 0);
    assert_int_equal(l.n, KEYS);
    silt_store_list_clear(&l);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "test $(ls -A '%s/_delta_log' | wc -l) -eq %d", dir, KEYS);
    assert_int_equal(system(cmd), 0);
    silt_buf_free(&b);
    silt_store_destroy(s);
}

static void test_oom_paths(void **state)
{
    (void)state;
    silt_error err;
    /* every allocation failure point of open + put + list reports ENOMEM and leaks nothing */
    for (uint64_t n = 1; n < 40; n++) {
        silt_store *s = NULL;
        silt_alloc_fail_nth(n);
        int rc = silt_store_mem_create(&s, &err);
        if (rc == 0) {
            rc = silt_store_put(s, "x/y", "data", 4, &err);
            if (rc == 0) {
                silt_store_listing l = {0};
                rc = silt_store_list(s, &l, "x/", &err);
                silt_store_list_clear(&l);
            }
        }
        silt_alloc_fail_nth(0);
        assert_true(rc == 0 || rc == SILT_ENOMEM);
        silt_store_destroy(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_local_ops),
        cmocka_unit_test(test_mem_ops),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_mem_faults),
        cmocka_unit_test(test_local_put_if_absent_race),
        cmocka_unit_test(test_oom_paths),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
