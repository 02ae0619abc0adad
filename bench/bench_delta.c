/* Benchmark: latest-snapshot load of a table with many commits (JSON-only replay, and from a
 * checkpoint batch held in memory, i.e. the replay cost without Parquet decoding), and
 * append-commit latency on local disk.
 *   bench_delta [COMMITS=10000] [DIR=$TMPDIR]   prints one "name value unit" line per figure */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "delta/checkpoint.h"
#include "delta/commit.h"
#include "delta/log.h"
#include "delta/schema.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/time.h"

static void die(const char *what, const silt_error *err)
{
    fprintf(stderr, "bench_delta: %s: %s\n", what, err->msg);
    exit(1);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Serves one prepared checkpoint batch: the Parquet-free half of a checkpoint read. */
static int mem_read_checkpoint(void *ctx, silt_store *store, const char *key,
                               int (*emit)(void *, const silt_batch *, silt_error *), void *arg,
                               silt_error *err)
{
    (void)store;
    (void)key;
    return emit(arg, ctx, err);
}

int main(int argc, char **argv)
{
    int commits = argc > 1 ? atoi(argv[1]) : 10000;
    const char *base = argc > 2 ? argv[2] : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    char dir[512];
    snprintf(dir, sizeof dir, "%s/silt-bench-delta-%ld", base, (long)getpid());
    silt_error err;
    silt_store *s = NULL;
    if (silt_store_local_create(&s, dir, &err)) die("store", &err);
    silt_schema *schema = NULL;
    if (silt_delta_schema_parse(
            &schema,
            "{\"type\":\"struct\",\"fields\":["
            "{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
            "{\"name\":\"day\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}}]}",
            &err))
        die("schema", &err);
    const char *parts[] = {"day"};
    silt_delta_table_def def = {schema, parts, 1, NULL, NULL, NULL};
    int64_t v;
    if (silt_delta_create_table(&v, s, &def, NULL, &err)) die("create", &err);
    /* append commits, timing each (local disk, fsync of file and directory) */
    double *lat = malloc(sizeof(double) * (size_t)commits);
    int64_t read_version = 0;
    uint64_t t_all = silt_time_mono_ns();
    for (int i = 0; i < commits; i++) {
        silt_delta_actions a = {0};
        silt_delta_action *x = silt_delta_actions_push(&a, SILT_DELTA_ADD);
        char path[128], stats[160];
        snprintf(path, sizeof path, "day=2024-01-%02d/part-%06d.parquet", i % 28 + 1, i);
        snprintf(stats, sizeof stats,
                 "{\"numRecords\":100,\"minValues\":{\"id\":%d},\"maxValues\":{\"id\":%d},"
                 "\"nullCount\":{\"id\":0}}",
                 i * 100, i * 100 + 99);
        x->u.add.path = silt_strdup(path);
        x->u.add.stats = silt_strdup(stats);
        x->u.add.size = 4096;
        x->u.add.modification_time = silt_time_wall_ms();
        x->u.add.data_change = true;
        silt_delta_map_set(&x->u.add.partition_values, "day", path + 4);
        x->u.add.partition_values.items[0].value[10] = '\0';
        silt_delta_action *t = silt_delta_actions_push(&a, SILT_DELTA_TXN);
        t->u.txn.app_id = silt_strdup("silt:bench:topic:0");
        t->u.txn.version = i + 1;
        t->u.txn.last_updated = silt_time_wall_ms();
        uint64_t t0 = silt_time_mono_ns();
        if (silt_delta_commit(&v, s, read_version, &a, NULL, &err)) die("commit", &err);
        lat[i] = (double)(silt_time_mono_ns() - t0) / 1e6;
        read_version = v;
        silt_delta_actions_clear(&a);
    }
    double total_s = (double)(silt_time_mono_ns() - t_all) / 1e9;
    qsort(lat, (size_t)commits, sizeof *lat, cmp_double);
    printf("delta_append_commit_p50 %.3f ms\n", lat[commits / 2]);
    printf("delta_append_commit_p99 %.3f ms\n", lat[(size_t)((double)commits * 0.99)]);
    printf("delta_append_commits_per_s %.0f commits/s\n", commits / total_s);
    /* latest snapshot from JSON only: best of 3 */
    silt_delta_snapshot *snap = NULL;
    double best = 1e30;
    for (int r = 0; r < 3; r++) {
        silt_delta_snapshot_destroy(snap);
        uint64_t t0 = silt_time_mono_ns();
        if (silt_delta_snapshot_load(&snap, s, NULL, &err)) die("load", &err);
        double ms = (double)(silt_time_mono_ns() - t0) / 1e6;
        if (ms < best) best = ms;
    }
    if (snap->n_files != (size_t)commits) {
        fprintf(stderr, "bench_delta: expected %d files, got %zu\n", commits, snap->n_files);
        return 1;
    }
    printf("delta_snapshot_load_json_%d_commits %.1f ms\n", commits, best);
    /* from a checkpoint at the latest version, its rows already decoded into a batch */
    silt_batch *cp = NULL;
    if (silt_delta_checkpoint_batch(&cp, snap, 0, &err)) die("checkpoint batch", &err);
    char key[80];
    silt_delta_checkpoint_key(key, sizeof key, snap->version);
    if (silt_store_put(s, key, "x", 1, &err)) die("checkpoint marker", &err);
    silt_delta_file_ops ops = {cp, NULL, NULL, mem_read_checkpoint, NULL};
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    ro.file_ops = &ops;
    best = 1e30;
    for (int r = 0; r < 3; r++) {
        silt_delta_snapshot *s2 = NULL;
        uint64_t t0 = silt_time_mono_ns();
        if (silt_delta_snapshot_load(&s2, s, &ro, &err)) die("load from checkpoint", &err);
        double ms = (double)(silt_time_mono_ns() - t0) / 1e6;
        if (ms < best) best = ms;
        if (s2->n_files != (size_t)commits || s2->n_commits_read != 0) {
            fprintf(stderr, "bench_delta: checkpoint load gave %zu files, %zu commits\n",
                    s2->n_files, s2->n_commits_read);
            return 1;
        }
        silt_delta_snapshot_destroy(s2);
    }
    printf("delta_snapshot_load_checkpoint_batch_%d_files %.1f ms (Parquet decoding excluded)\n",
           commits, best);
    silt_batch_destroy(cp);
    silt_delta_snapshot_destroy(snap);
    silt_schema_destroy(schema);
    silt_store_destroy(s);
    free(lat);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench_delta: could not remove %s\n", dir);
    return 0;
}
