/* Unit tests for streamed Delta I/O: a large data file goes to the store as it is encoded (the
 * process never holds it whole), and nothing of it appears before it is finished. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "delta/pqio.h"
#include "util/alloc.h"
#include "support/tmpdir.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UNDER_SANITIZER 1 /* shadow memory and quarantine make RSS meaningless */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif
#ifndef UNDER_SANITIZER
#define UNDER_SANITIZER 0
#endif

#define BATCH_ROWS 131072 /* 1 MiB of int64 values */
#define N_BATCHES 96      /* a 96 MiB file */
#define KEY "part-big.parquet"

/* Writes the big file through a file writer on a local store in dir; returns a process exit
 * status (0 when every check passed). Runs in a child process so its peak RSS is its own. */
static int write_big_file(const char *dir)
{
    silt_error err;
    silt_store *store = NULL;
    if (silt_store_open(&store, dir, &err)) return 10;
    silt_schema *schema = silt_schema_create(1);
    silt_field_init(&schema->fields[0], "x", SILT_TYPE_INT64, false);
    silt_batch *b = silt_batch_create(schema);
    silt_delta_pqio_options o = {SILT_PQ_CODEC_UNCOMPRESSED, 0, 4 << 20};
    silt_delta_file_writer *fw = NULL;
    if (silt_delta_file_writer_open(&fw, &o, schema, store, KEY, &err)) return 11;
    uint64_t x = 88172645463325252ull;
    for (int k = 0; k < N_BATCHES; k++) {
        silt_batch_reset(b);
        for (int i = 0; i < BATCH_ROWS; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* incompressible, no dictionary */
            silt_column_append_int(&b->cols[0], (int64_t)x);
        }
        b->n_rows = BATCH_ROWS;
        if (silt_delta_file_writer_write(fw, b, &err)) return 12;
    }
    silt_store_entry e;
    if (silt_store_head(store, &e, KEY, &err) != SILT_ENOTFOUND) return 13; /* not yet there */
    silt_delta_add add;
    if (silt_delta_file_writer_finish(fw, &add, &err)) return 14;
    if (add.size < (int64_t)N_BATCHES * BATCH_ROWS * 8) return 15;
    if (silt_store_head(store, &e, KEY, &err) || e.size != (uint64_t)add.size) return 16;
    silt_free(e.key);
    silt_delta_add_clear(&add);
    silt_delta_file_writer_destroy(fw);
    silt_batch_destroy(b);
    silt_schema_destroy(schema);
    silt_store_destroy(store);
    return 0;
}

/* A 96 MiB data file written through a file writer: complete once finished, absent before, and
 * the writing process's peak RSS stays far below the file's size. */
static void test_large_file_streams(void **state)
{
    (void)state;
    char dir[256];
    test_tmpdir_make(dir, sizeof dir, "stream");
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) _exit(write_big_file(dir));
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    struct rusage ru;
    assert_int_equal(getrusage(RUSAGE_CHILDREN, &ru), 0);
    long peak_mib = ru.ru_maxrss / 1024; /* ru_maxrss is in KiB on Linux */
    print_message("peak RSS writing a %d MiB file: %ld MiB\n", N_BATCHES, peak_mib);
    if (!UNDER_SANITIZER) assert_true(peak_mib < N_BATCHES / 3);
    assert_int_equal(test_tmpdir_remove(dir), 0);
}

/* A failed write aborts the file: nothing appears, and finishing fails for good. */
static void test_failed_file_leaves_nothing(void **state)
{
    (void)state;
    silt_error err;
    silt_store *store = NULL;
    assert_int_equal(silt_store_mem_create(&store, &err), 0);
    silt_schema *schema = silt_schema_create(1);
    silt_field_init(&schema->fields[0], "x", SILT_TYPE_INT64, false);
    silt_batch *b = silt_batch_create(schema);
    for (int i = 0; i < 10; i++) silt_column_append_int(&b->cols[0], i);
    b->n_rows = 10;
    silt_delta_file_writer *fw = NULL;
    assert_int_equal(silt_delta_file_writer_open(&fw, NULL, schema, store, KEY, &err), 0);
    assert_int_equal(silt_delta_file_writer_write(fw, b, &err), 0);
    silt_store_mem_fail_path(store, KEY);
    silt_delta_add add;
    assert_int_not_equal(silt_delta_file_writer_finish(fw, &add, &err), 0);
    silt_store_mem_fail_path(store, NULL);
    assert_int_equal(silt_delta_file_writer_finish(fw, &add, &err), SILT_EIO);
    assert_false(err.retriable);
    assert_non_null(strstr(err.msg, "must be written again"));
    silt_delta_file_writer_destroy(fw);
    silt_store_entry e;
    assert_int_equal(silt_store_head(store, &e, KEY, &err), SILT_ENOTFOUND);
    silt_batch_destroy(b);
    silt_schema_destroy(schema);
    silt_store_destroy(store);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_large_file_streams),
        cmocka_unit_test(test_failed_file_leaves_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
