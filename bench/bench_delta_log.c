/* Benchmark: latest-snapshot load of a local table with many commits, from JSON only and from a
 * real Parquet checkpoint (through silt_delta_parquet_ops) in the same run; append-commit latency
 * on local disk, without and with checkpointing every 10 commits.
 *   bench_delta_log [COMMITS=10000] [DIR=$TMPDIR]   prints one "name value unit" line per figure */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "delta/checkpoint.h"
#include "delta/commit.h"
#include "delta/log.h"
#include "delta/pqio.h"
#include "delta/schema.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/time.h"

static void die(const char *what, const silt_error *err)
{
    fprintf(stderr, "bench_delta_log: %s: %s\n", what, err->msg);
    exit(1);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One blind-append commit of one add (with stats and a partition value) and a txn. */
static double commit_one(silt_store *s, int64_t *version, int i, const silt_delta_commit_opts *opts)
{
    silt_error err;
    silt_delta_actions a = {0};
    silt_delta_action *x = silt_delta_actions_push(&a, SILT_DELTA_ADD);
    char path[128], stats[200], day[16];
    snprintf(day, sizeof day, "2024-01-%02d", i % 28 + 1);
    snprintf(path, sizeof path, "day=%s/part-%06d-c000.zstd.parquet", day, i);
    snprintf(stats, sizeof stats,
             "{\"numRecords\":100,\"minValues\":{\"id\":%d,\"name\":\"a%d\"},\"maxValues\":"
             "{\"id\":%d,\"name\":\"z%d\"},\"nullCount\":{\"id\":0,\"name\":1}}",
             i * 100, i, i * 100 + 99, i);
    x->u.add.path = silt_strdup(path);
    x->u.add.stats = silt_strdup(stats);
    x->u.add.size = 4096 + i % 1000;
    x->u.add.modification_time = silt_time_wall_ms();
    x->u.add.data_change = true;
    if (!x->u.add.path || !x->u.add.stats ||
        silt_delta_map_set(&x->u.add.partition_values, "day", day)) {
        fprintf(stderr, "bench_delta_log: out of memory\n");
        exit(1);
    }
    silt_delta_action *t = silt_delta_actions_push(&a, SILT_DELTA_TXN);
    t->u.txn.app_id = silt_strdup("silt:bench:topic:0");
    t->u.txn.version = i + 1;
    t->u.txn.last_updated = silt_time_wall_ms();
    uint64_t t0 = silt_time_mono_ns();
    if (silt_delta_commit(version, s, *version, &a, opts, &err)) die("commit", &err);
    double ms = (double)(silt_time_mono_ns() - t0) / 1e6;
    silt_delta_actions_clear(&a);
    return ms;
}

/* Best of 3 latest-snapshot loads (ms); checks the result. */
static double load_ms(silt_store *s, const silt_delta_file_ops *ops, size_t files,
                      int64_t want_checkpoint, size_t want_commits)
{
    silt_error err;
    double best = 1e30;
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    ro.file_ops = ops;
    for (int r = 0; r < 3; r++) {
        silt_delta_snapshot *snap = NULL;
        uint64_t t0 = silt_time_mono_ns();
        if (silt_delta_snapshot_load(&snap, s, &ro, &err)) die("load", &err);
        double ms = (double)(silt_time_mono_ns() - t0) / 1e6;
        if (ms < best) best = ms;
        if (snap->n_files != files || snap->checkpoint_version != want_checkpoint ||
            snap->n_commits_read != want_commits) {
            fprintf(stderr,
                    "bench_delta_log: load gave %zu files, checkpoint %" PRId64
                    ", %zu commits; expected %zu, %" PRId64 ", %zu\n",
                    snap->n_files, snap->checkpoint_version, snap->n_commits_read, files,
                    want_checkpoint, want_commits);
            exit(1);
        }
        silt_delta_snapshot_destroy(snap);
    }
    return best;
}

static void percentiles(const char *name, double *lat, int n)
{
    qsort(lat, (size_t)n, sizeof *lat, cmp_double);
    printf("%s_p50 %.3f ms\n", name, lat[n / 2]);
    printf("%s_p99 %.3f ms\n", name, lat[(size_t)((double)n * 0.99)]);
}

int main(int argc, char **argv)
{
    int commits = argc > 1 ? atoi(argv[1]) : 10000;
    const char *base = argc > 2 ? argv[2] : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (commits < 20) commits = 20;
    char dir[512];
    snprintf(dir, sizeof dir, "%s/silt-bench-delta-log-%ld", base, (long)getpid());
    silt_error err;
    silt_store *s = NULL;
    if (silt_store_local_create(&s, dir, &err)) die("store", &err);
    silt_schema *schema = NULL;
    if (silt_delta_schema_parse(
            &schema,
            "{\"type\":\"struct\",\"fields\":["
            "{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
            "{\"name\":\"name\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
            "{\"name\":\"day\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}}]}",
            &err))
        die("schema", &err);
    const char *parts[] = {"day"};
    silt_delta_table_def def = {schema, parts, 1, NULL, NULL, NULL};
    int64_t v;
    if (silt_delta_create_table(&v, s, &def, NULL, &err)) die("create", &err);
    const silt_delta_file_ops *ops = silt_delta_parquet_ops();

    /* commits 1..commits-10 without checkpoints: plain append latency */
    int plain = commits - 10;
    double *lat = malloc(sizeof(double) * (size_t)commits);
    if (!lat) return 1;
    for (int i = 0; i < plain; i++) lat[i] = commit_one(s, &v, i, NULL);
    percentiles("delta_append_commit", lat, plain);
    /* a real Parquet checkpoint of that version, as the interval-10 writer would have left */
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    silt_delta_snapshot *snap = NULL;
    if (silt_delta_snapshot_load(&snap, s, &ro, &err)) die("load", &err);
    uint64_t t0 = silt_time_mono_ns();
    if (silt_delta_checkpoint_write(s, snap, ops, silt_time_wall_ms(), &err))
        die("checkpoint", &err);
    printf("delta_checkpoint_write_%zu_files %.1f ms\n", snap->n_files,
           (double)(silt_time_mono_ns() - t0) / 1e6);
    int64_t cp_version = snap->version;
    silt_delta_snapshot_destroy(snap);
    /* the last 10 commits with checkpointing on (one of them writes the next checkpoint
     * when the version is a multiple of 10) */
    silt_delta_commit_opts co;
    memset(&co, 0, sizeof co);
    co.operation = "WRITE";
    co.file_ops = ops;
    for (int i = plain; i < commits; i++) lat[i - plain] = commit_one(s, &v, i, &co);
    qsort(lat, 10, sizeof *lat, cmp_double);
    printf("delta_append_commit_with_checkpointing_max %.3f ms\n", lat[9]);
    printf("delta_append_commit_with_checkpointing_p50 %.3f ms\n", lat[5]);
    /* latest snapshot: JSON only vs from the newest checkpoint */
    char key[80];
    int64_t newest_cp = (v / 10) * 10 > cp_version ? (v / 10) * 10 : cp_version;
    silt_delta_checkpoint_key(key, sizeof key, newest_cp);
    silt_store_entry e;
    if (silt_store_head(s, &e, key, &err)) die("checkpoint written by the commit", &err);
    printf("delta_checkpoint_bytes %" PRIu64 " bytes\n", e.size);
    silt_free(e.key);
    double json = load_ms(s, NULL, (size_t)commits, -1, (size_t)v + 1);
    double cp = load_ms(s, ops, (size_t)commits, newest_cp, (size_t)(v - newest_cp));
    printf("delta_snapshot_load_json_only_%d_commits %.1f ms\n", commits, json);
    printf("delta_snapshot_load_checkpoint_%" PRId64 "_plus_%" PRId64 "_json %.1f ms\n", newest_cp,
           v - newest_cp, cp);
    printf("delta_snapshot_load_speedup %.1f x\n", json / cp);
    silt_schema_destroy(schema);
    silt_store_destroy(s);
    free(lat);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench_delta_log: could not remove %s\n", dir);
    return 0;
}
