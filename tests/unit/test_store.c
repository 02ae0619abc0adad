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
#include "support/oom.h"
#include "support/store_contract.h"
#include "util/alloc.h"
#include "support/tmpdir.h"

static char tmproot[256];

static int setup_dir(void **state)
{
    (void)state;
    test_tmpdir_make(tmproot, sizeof tmproot, "store");
    return 0;
}

static int teardown_dir(void **state)
{
    (void)state;
    return test_tmpdir_remove(tmproot);
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

/* Writers opened while sync is deferred publish their objects as usual (the contract holds);
 * silt_store_sync then succeeds, on a local store and as a no-op on a memory store, and the
 * setting does not outlive its scope. */
static void test_deferred_sync(void **state)
{
    (void)state;
    silt_error err;
    silt_store *s = NULL, *m = NULL;
    char url[300];
    snprintf(url, sizeof url, "file://%s/deferred", tmproot);
    assert_int_equal(silt_store_open(&s, url, &err), 0);
    assert_int_equal(silt_store_sync(s, &err), 0); /* the folder does not exist yet */
    silt_store_defer_sync(s, true);
    assert_true(s->defer_sync);
    silt_test_store_writer_contract(s, 100000);
    silt_store_writer *w = NULL;
    assert_int_equal(silt_store_open_writer(s, &w, "p=1/part-0.parquet", &err), 0);
    assert_int_equal(silt_store_writer_write(w, "abc", 3, &err), 0);
    silt_store_defer_sync(s, false); /* an open writer keeps the setting it was opened with */
    assert_int_equal(silt_store_writer_close(w, &err), 0);
    assert_int_equal(silt_store_sync(s, &err), 0);
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_store_get(s, &b, "p=1/part-0.parquet", &err), 0);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.ptr, "abc", 3);
    silt_buf_free(&b);
    assert_false(s->defer_sync);
    silt_store_destroy(s);
    assert_int_equal(silt_store_mem_create(&m, &err), 0);
    silt_store_defer_sync(m, true);
    silt_test_store_writer_contract(m, 1000);
    assert_int_equal(silt_store_sync(m, &err), 0);
    silt_store_destroy(m);
}

/* An object open for ranged reads gives the same bytes as get_range, on a local store (one open
 * file) and on a memory store (ranges by key); a missing object or a folder is SILT_ENOTFOUND,
 * and a range past the end is SILT_ECORRUPT. */
static void test_object_reads(void **state)
{
    (void)state;
    silt_error err;
    char url[300];
    snprintf(url, sizeof url, "file://%s/objects", tmproot);
    silt_store *stores[2] = {NULL, NULL};
    assert_int_equal(silt_store_open(&stores[0], url, &err), 0);
    assert_int_equal(silt_store_mem_create(&stores[1], &err), 0);
    char data[5000];
    for (size_t i = 0; i < sizeof data; i++) data[i] = (char)(i * 7 + i / 251);
    for (int k = 0; k < 2; k++) {
        silt_store *s = stores[k];
        assert_int_equal(silt_store_put(s, "d/part-0.parquet", data, sizeof data, &err), 0);
        silt_store_object o;
        assert_int_equal(silt_store_object_open(&o, s, "d/part-0.parquet", &err), 0);
        assert_int_equal(o.size, sizeof data);
        assert_true(k == 0 ? o.fd >= 0 : o.fd < 0);
        char buf[1000];
        for (uint64_t off = 0; off + sizeof buf <= sizeof data; off += 1333) {
            assert_int_equal(silt_store_object_read(&o, buf, off, sizeof buf, &err), 0);
            assert_memory_equal(buf, data + off, sizeof buf);
        }
        assert_int_equal(silt_store_object_read(&o, buf, sizeof data - 10, 20, &err),
                         SILT_ECORRUPT);
        silt_store_object_close(&o);
        silt_store_object_close(&o); /* twice is harmless */
        assert_int_equal(silt_store_object_open(&o, s, "d/missing.parquet", &err), SILT_ENOTFOUND);
        if (k == 0) assert_int_equal(silt_store_object_open(&o, s, "d", &err), SILT_ENOTFOUND);
        silt_store_destroy(s);
    }
}

static void test_mem_ops(void **state)
{
    (void)state;
    silt_error err;
    silt_store *s = NULL, *s2 = NULL;
    assert_int_equal(silt_store_mem_open_named(&s, "unit", &err), 0);
    silt_test_store_contract(s);
    silt_test_store_writer_contract(s, 100000);
    /* a second open of the same name sees the same objects */
    assert_int_equal(silt_store_mem_open_named(&s2, "unit", &err), 0);
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
    assert_non_null(strstr(err.msg, "remote host"));
    /* file:relative is refused, not a folder named "file:relative" */
    assert_int_equal(silt_store_open(&s, "file:t", &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "file:///abs/path"));
    assert_int_equal(silt_store_open(&s, "file:/a%zz", &err), SILT_EINVAL);
    /* a scheme without "//" is a scheme too; ./ makes it a relative path */
    assert_int_equal(silt_store_open(&s, "s3:bucket", &err), SILT_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "./s3:bucket"));
    assert_int_equal(silt_store_open(&s, "./a:b", &err), 0);
    assert_non_null(strstr(s->url, "/a:b"));
    silt_store_destroy(s);
    s = NULL;
    /* in-memory stores are for tests (silt_store_mem_open_named), not locations */
    assert_int_equal(silt_store_open(&s, "mem://t", &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "vanish when the process exits"));
    assert_int_equal(silt_store_open(&s, "mem://", &err), SILT_EINVAL);
    assert_null(s);
}

/* The forms of file: URI Spark and delta-rs accept name the same folder; a file is no table. */
static void test_open_file_uris(void **state)
{
    (void)state;
    silt_error err;
    silt_store *s = NULL;
    char dir[300], url[400];
    snprintf(dir, sizeof dir, "%s/my table", tmproot);
    const char *forms[] = {"file://%s", "file:%s", "file://localhost%s"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(url, sizeof url, forms[i], dir);
        assert_int_equal(silt_store_open(&s, url, &err), 0);
        assert_string_equal(s->url, dir);
        silt_store_destroy(s);
    }
    snprintf(url, sizeof url, "file://%s/my%%20table", tmproot);
    assert_int_equal(silt_store_open(&s, url, &err), 0);
    assert_string_equal(s->url, dir);
    assert_int_equal(silt_store_put(s, "f", "x", 1, &err), 0);
    silt_store_destroy(s);
    s = NULL;
    char file[320];
    snprintf(file, sizeof file, "%s/f", dir);
    assert_int_equal(silt_store_open(&s, file, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "is a file, not a table folder"));
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

/* The out-of-memory operation on one backend: open, put, put-if-absent, replace, get, list,
 * head, delete and list again; the result is a text of what was read. ctx: oom_store_ctx. */
typedef struct oom_store_ctx {
    bool local;
    int run;       /* local: each run gets a fresh directory tmproot/oom/<run> */
    char dir[300]; /* local: this run's directory */
} oom_store_ctx;

static void oom_store_setup(void *ctx)
{
    oom_store_ctx *c = ctx;
    snprintf(c->dir, sizeof c->dir, "%s/oom/%d", tmproot, c->run++);
}

static int oom_store_steps(silt_store *s, silt_buf *out, silt_error *err)
{
    silt_buf got = SILT_BUF_INIT;
    silt_store_listing l = {0};
    silt_store_entry e = {0};
    int rc = silt_store_put(s, "a/1", "one", 3, err);
    if (!rc) rc = silt_store_put_if_absent(s, "a/2", "two", 3, err);
    if (!rc) rc = silt_store_put(s, "a/1", "uno!", 4, err);
    if (!rc) rc = silt_store_put(s, "b/sub/3", "three", 5, err);
    if (!rc) rc = silt_store_get(s, &got, "a/1", err);
    if (!rc) rc = silt_store_head(s, &e, "a/2", err);
    if (!rc) rc = silt_store_list(s, &l, "a/", err);
    for (size_t i = 0; !rc && i < l.n; i++)
        silt_buf_printf(out, "%s %llu\n", l.entries[i].key, (unsigned long long)l.entries[i].size);
    silt_store_list_clear(&l);
    if (!rc) rc = silt_store_delete(s, "a/2", err);
    if (!rc) rc = silt_store_list(s, &l, "", err);
    for (size_t i = 0; !rc && i < l.n; i++) silt_buf_printf(out, "%s\n", l.entries[i].key);
    silt_buf_printf(out, "get %.*s head %s %llu\n", (int)got.len, got.ptr ? (char *)got.ptr : "",
                    e.key ? e.key : "", (unsigned long long)e.size);
    if (!rc && silt_buf_oom(out)) rc = SILT_ENOMEM;
    silt_store_list_clear(&l);
    silt_free(e.key);
    silt_buf_free(&got);
    return rc;
}

static int oom_store_run(void *ctx, void **result)
{
    oom_store_ctx *c = ctx;
    silt_error err;
    silt_store *s = NULL;
    int rc = c->local ? silt_store_local_create(&s, c->dir, &err) : silt_store_mem_create(&s, &err);
    silt_buf *out = rc ? NULL : silt_calloc(1, sizeof *out);
    if (!rc && !out) rc = SILT_ENOMEM;
    if (!rc) rc = oom_store_steps(s, out, &err);
    silt_store_destroy(s);
    if (rc) {
        if (out) silt_buf_free(out);
        silt_free(out);
        return rc;
    }
    *result = out;
    return 0;
}

/* After a failed run on the local backend, no temporary file may be left behind. */
static void oom_store_teardown(void *ctx, int rc)
{
    oom_store_ctx *c = ctx;
    if (!c->local || !rc) return;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "test -z \"$(find '%s' -name '*.tmp' 2>/dev/null)\"", c->dir);
    assert_int_equal(system(cmd), 0);
}

static void test_oom_paths(void **state)
{
    (void)state;
    oom_store_ctx mem = {.local = false}, local = {.local = true};
    oom_case c = {.name = "mem store",
                  .ctx = &mem,
                  .run = oom_store_run,
                  .same = oom_same_buf,
                  .drop = oom_drop_buf};
    oom_check_every_allocation(&c);
    c.name = "local store";
    c.ctx = &local;
    c.setup = oom_store_setup;
    c.teardown = oom_store_teardown;
    oom_check_every_allocation(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_local_ops),    cmocka_unit_test(test_mem_ops),
        cmocka_unit_test(test_open_errors),  cmocka_unit_test(test_open_file_uris),
        cmocka_unit_test(test_mem_faults),   cmocka_unit_test(test_local_put_if_absent_race),
        cmocka_unit_test(test_oom_paths),    cmocka_unit_test(test_deferred_sync),
        cmocka_unit_test(test_object_reads),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
