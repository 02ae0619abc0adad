/* Benchmark: latest-snapshot load of a 10,000-commit table from Azure (Azurite), from the JSON
 * commits only and from its Parquet checkpoint, measured in the same run. The table is built on
 * local disk and copied to the Azure location with parallel puts.
 *   bench_azure_log AZURE_LOCATION [COMMITS=10000]   (settings from the AZURE_* environment)
 * Prints one "name value unit" line per figure. */
#include <inttypes.h>
#include <pthread.h>
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
    fprintf(stderr, "bench_azure_log: %s: %s\n", what, err->msg);
    exit(1);
}

/* One blind-append commit of one add and a txn. */
static void commit_one(silt_store *s, int64_t *version, int i)
{
    silt_error err;
    silt_delta_actions a = {0};
    silt_delta_action *x = silt_delta_actions_push(&a, SILT_DELTA_ADD);
    char path[128], day[16];
    snprintf(day, sizeof day, "2024-01-%02d", i % 28 + 1);
    snprintf(path, sizeof path, "day=%s/part-%06d-c000.zstd.parquet", day, i);
    x->u.add.path = silt_strdup(path);
    x->u.add.stats = silt_strdup("{\"numRecords\":100}");
    x->u.add.size = 4096 + i % 1000;
    x->u.add.modification_time = silt_time_wall_ms();
    x->u.add.data_change = true;
    silt_delta_action *t = silt_delta_actions_push(&a, SILT_DELTA_TXN);
    t->u.txn.app_id = silt_strdup("silt:bench:topic:0");
    t->u.txn.version = i + 1;
    t->u.txn.last_updated = silt_time_wall_ms();
    if (!x->u.add.path || !x->u.add.stats || !t->u.txn.app_id ||
        silt_delta_map_set(&x->u.add.partition_values, "day", day)) {
        fprintf(stderr, "bench_azure_log: out of memory\n");
        exit(1);
    }
    if (silt_delta_commit(version, s, *version, &a, NULL, &err)) die("commit", &err);
    silt_delta_actions_clear(&a);
}

typedef struct copy_job {
    silt_store *from, *to;
    silt_store_listing *l;
    size_t next;
    pthread_mutex_t lock;
} copy_job;

static void *copy_worker(void *arg)
{
    copy_job *j = arg;
    silt_buf b = SILT_BUF_INIT;
    silt_error err;
    for (;;) {
        pthread_mutex_lock(&j->lock);
        size_t i = j->next++;
        pthread_mutex_unlock(&j->lock);
        if (i >= j->l->n) break;
        const char *k = j->l->entries[i].key;
        if (silt_store_get(j->from, &b, k, &err) ||
            silt_store_put(j->to, k, b.ptr ? (char *)b.ptr : "", b.len, &err))
            die("copy", &err);
    }
    silt_buf_free(&b);
    return NULL;
}

static void copy_all(silt_store *from, silt_store *to)
{
    silt_error err;
    silt_store_listing l = {0};
    if (silt_store_list(from, &l, "", &err)) die("list", &err);
    copy_job j = {from, to, &l, 0, PTHREAD_MUTEX_INITIALIZER};
    pthread_t th[8];
    for (int i = 0; i < 8; i++) pthread_create(&th[i], NULL, copy_worker, &j);
    for (int i = 0; i < 8; i++) pthread_join(th[i], NULL);
    silt_store_list_clear(&l);
}

/* Best of reps latest-snapshot loads (ms), checked. */
static double load_ms(silt_store *s, const silt_delta_file_ops *ops, size_t files, int64_t cp,
                      int reps)
{
    silt_error err;
    double best = 1e30;
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    ro.file_ops = ops;
    for (int r = 0; r < reps; r++) {
        silt_delta_snapshot *snap = NULL;
        uint64_t t0 = silt_time_mono_ns();
        if (silt_delta_snapshot_load(&snap, s, &ro, &err)) die("load", &err);
        double ms = (double)(silt_time_mono_ns() - t0) / 1e6;
        if (ms < best) best = ms;
        if (snap->n_files != files || snap->checkpoint_version != cp) {
            fprintf(stderr, "bench_azure_log: load gave %zu files, checkpoint %" PRId64 "\n",
                    snap->n_files, snap->checkpoint_version);
            exit(1);
        }
        silt_delta_snapshot_destroy(snap);
    }
    return best;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_azure_log AZURE_LOCATION [COMMITS]\n");
        return 2;
    }
    int commits = argc > 2 ? atoi(argv[2]) : 10000;
    char dir[512];
    snprintf(dir, sizeof dir, "%s/silt-bench-azure-log-%ld",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
    silt_error err;
    silt_store *s = NULL, *az = NULL;
    silt_schema *schema = NULL;
    if (silt_store_local_create(&s, dir, &err)) die("store", &err);
    if (silt_store_open(&az, argv[1], &err)) die(argv[1], &err);
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
    for (int i = 0; i < commits; i++) commit_one(s, &v, i);
    uint64_t t0 = silt_time_mono_ns();
    copy_all(s, az);
    printf("azure_copy_%d_commits %.1f s\n", commits, (double)(silt_time_mono_ns() - t0) / 1e9);
    double json = load_ms(az, NULL, (size_t)commits, -1, 1); /* slow: once */
    printf("azure_snapshot_load_json_only_%d_commits %.1f ms\n", commits, json);
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    silt_delta_snapshot *snap = NULL;
    if (silt_delta_snapshot_load(&snap, az, &ro, &err)) die("load", &err);
    const silt_delta_file_ops *ops = silt_delta_parquet_ops();
    if (silt_delta_checkpoint_write(az, snap, ops, silt_time_wall_ms(), &err))
        die("checkpoint", &err);
    silt_delta_snapshot_destroy(snap);
    double cp = load_ms(az, ops, (size_t)commits, v, 3);
    printf("azure_snapshot_load_checkpoint_%" PRId64 " %.1f ms\n", v, cp);
    printf("azure_snapshot_load_speedup %.1f x\n", json / cp);
    silt_schema_destroy(schema);
    silt_store_destroy(s);
    silt_store_destroy(az);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench_azure_log: could not remove %s\n", dir);
    return 0;
}
