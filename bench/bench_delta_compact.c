/* Benchmark: a streaming writer's table fed one small commit at a time (one row per commit, as a
 * topic with one message a second would), with silt_delta_auto_compact after each commit: live
 * files at the end, compactions, bytes rewritten per byte written, and per-commit latency.
 *   bench_delta_compact [COMMITS=2000] [DIR=$TMPDIR]   prints "name value unit" lines */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "delta/commit.h"
#include "delta/log.h"
#include "delta/optimize.h"
#include "delta/pqio.h"
#include "delta/schema.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/time.h"

static void die(const char *what, const silt_error *err)
{
    fprintf(stderr, "bench_delta_compact: %s: %s\n", what, err->msg);
    exit(1);
}

int main(int argc, char **argv)
{
    int commits = argc > 1 ? atoi(argv[1]) : 2000;
    const char *base = argc > 2 ? argv[2] : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    char dir[512];
    snprintf(dir, sizeof dir, "%s/silt-bench-delta-compact-%ld", base, (long)getpid());
    silt_error err;
    silt_store *s = NULL;
    if (silt_store_local_create(&s, dir, &err)) die("store", &err);
    silt_schema *schema = NULL;
    if (silt_delta_schema_parse(
            &schema,
            "{\"type\":\"struct\",\"fields\":["
            "{\"name\":\"offset\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
            "{\"name\":\"ts\",\"type\":\"timestamp\",\"nullable\":true,\"metadata\":{}},"
            "{\"name\":\"value\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}}]}",
            &err))
        die("schema", &err);
    silt_delta_table_def def = {schema, NULL, 0, NULL, NULL, NULL};
    const silt_delta_file_ops *ops = silt_delta_parquet_ops();
    silt_delta_commit_opts co;
    memset(&co, 0, sizeof co);
    co.file_ops = ops;
    int64_t v;
    if (silt_delta_create_table(&v, s, &def, &co, &err)) die("create", &err);
    silt_delta_optimize_opts oo;
    memset(&oo, 0, sizeof oo);
    oo.file_ops = ops;
    int64_t written = 0, rewritten = 0, compactions = 0;
    uint64_t t_all = silt_time_mono_ns();
    for (int i = 0; i < commits; i++) {
        silt_batch *b = silt_batch_create(schema);
        char msg[200];
        int n = snprintf(msg, sizeof msg,
                         "{\"order\":%d,\"customer\":\"c%05d\",\"amount\":%d.%02d,\"country\":"
                         "\"United Kingdom\"}",
                         i, i * 7919 % 100000, i % 500, i % 100);
        if (!b || silt_column_append_int(&b->cols[0], i) ||
            silt_column_append_int(&b->cols[1], 1700000000000000LL + i * 1000000LL) ||
            silt_column_append_bytes(&b->cols[2], msg, (size_t)n) || silt_batch_validate(b, &err))
            die("batch", &err);
        silt_delta_add add;
        if (silt_delta_write_data_file(&add, s, ops, b, NULL, NULL, 0, &err)) die("write", &err);
        written += add.size;
        if (silt_delta_append(&v, s, NULL, &add, 1, NULL, 0, &co, &err)) die("append", &err);
        silt_delta_add_clear(&add);
        silt_batch_destroy(b);
        silt_delta_optimize_result r;
        if (silt_delta_auto_compact(&r, s, NULL, &oo, &err)) die("auto-compact", &err);
        if (r.version >= 0) {
            compactions++;
            rewritten += r.bytes_added;
        }
    }
    double secs = (double)(silt_time_mono_ns() - t_all) / 1e9;
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    ro.file_ops = ops;
    silt_delta_snapshot *snap = NULL;
    if (silt_delta_snapshot_load(&snap, s, &ro, &err)) die("load", &err);
    int64_t rows = 0;
    for (size_t i = 0; i < snap->n_files; i++) {
        int64_t n = 0;
        if (silt_delta_stats_num_records(&n, snap->files[i].stats, &err)) die("stats", &err);
        rows += n;
    }
    if (rows != commits) {
        fprintf(stderr, "bench_delta_compact: %" PRId64 " rows, expected %d\n", rows, commits);
        return 1;
    }
    printf("delta_auto_compact_commits %d commits\n", commits);
    printf("delta_auto_compact_live_files %zu files\n", snap->n_files);
    printf("delta_auto_compact_compactions %" PRId64 " commits\n", compactions);
    printf("delta_auto_compact_rewrite_ratio %.2f bytes rewritten per byte appended\n",
           written ? (double)rewritten / (double)written : 0.0);
    printf("delta_auto_compact_commit_and_check %.2f ms per commit\n", secs * 1000 / commits);
    silt_delta_snapshot_destroy(snap);
    silt_schema_destroy(schema);
    silt_store_destroy(s);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench_delta_compact: could not remove %s\n", dir);
    return 0;
}
