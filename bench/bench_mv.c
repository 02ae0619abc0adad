/* Benchmark: an aggregate view over GROUPS groups (count, sum, min, max of x by k) kept with
 * deletion vectors: the view is built from a source table, then a batch of rows touching
 * TOUCHED random groups is merged (silt_pipeline_mv_upsert). Prints the merge's time and the
 * bytes it wrote against the view's, and leaves the source table's directory for a peer's full
 * recompute (bench/mv.sh).
 *   bench_mv DIR [GROUPS=1000000] [TOUCHED=1000]   prints "name value unit" lines */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta/commit.h"
#include "delta/pqio.h"
#include "delta/schema.h"
#include "pipeline/mv.h"
#include "sql/sql.h"
#include "util/hash.h"
#include "util/time.h"

_Noreturn static void die(const char *what, const silt_error *err)
{
    fprintf(stderr, "bench_mv: %s: %s\n", what, err->msg);
    exit(1);
}

static const silt_pipeline_mv_op ops[] = {SILT_MV_KEY, SILT_MV_COUNT, SILT_MV_SUM, SILT_MV_MIN,
                                          SILT_MV_MAX};

typedef struct bench {
    silt_store *src, *view;
    silt_schema *schema;
    silt_sql_plan *plan;
    silt_delta_snapshot *snap;
} bench;

/* Appends rows to the source and merges their aggregates into the view; returns the stats. */
static silt_pipeline_mv_stats feed(bench *b, const int64_t *k, const int64_t *x, int64_t n,
                                   int64_t *out_ms)
{
    silt_error err;
    silt_error_clear(&err);
    silt_batch *rows = silt_batch_create(b->schema);
    for (int64_t i = 0; i < n; i++)
        if (silt_column_append_int(&rows->cols[0], k[i]) ||
            silt_column_append_int(&rows->cols[1], x[i]))
            die("rows", &err);
    rows->n_rows = n;
    silt_delta_add add;
    int64_t v = 0;
    if (silt_delta_write_data_file(&add, b->src, silt_delta_parquet_ops(), rows, NULL, NULL, 0,
                                   &err) ||
        silt_delta_append(&v, b->src, NULL, &add, 1, NULL, 0, NULL, &err))
        die("source", &err);
    silt_delta_add_clear(&add);
    uint64_t t0 = silt_time_mono_ns();
    silt_batch *partial = NULL;
    if (silt_sql_run(b->plan, rows, &partial, &err)) die("aggregate", &err);
    silt_delta_txn txn = {(char *)"silt:view:src", v, -1};
    silt_pipeline_mv_spec spec = {ops, 5};
    silt_pipeline_mv_stats st;
    if (silt_pipeline_mv_upsert(&st, b->view, &b->snap, &spec, partial, &txn, 1,
                                silt_delta_parquet_ops(), &err))
        die("merge", &err);
    *out_ms = (int64_t)((silt_time_mono_ns() - t0) / 1000000);
    silt_batch_destroy(partial);
    silt_batch_destroy(rows);
    return st;
}

static void open_tables(bench *b, const char *dir)
{
    silt_error err;
    char p[600];
    if (silt_delta_schema_parse(&b->schema,
                                "{\"type\":\"struct\",\"fields\":[{\"name\":\"k\",\"type\":"
                                "\"long\",\"nullable\":true,\"metadata\":{}},{\"name\":\"x\","
                                "\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}",
                                &err))
        die("schema", &err);
    silt_sql_input in = {"batch", b->schema};
    if (silt_sql_prepare(&b->plan,
                         "SELECT k, count(*) AS n, sum(x) AS total, min(x) AS lo, max(x) AS hi "
                         "FROM batch GROUP BY k",
                         &in, 1, &err))
        die("query", &err);
    snprintf(p, sizeof p, "%s/src", dir);
    if (silt_store_open(&b->src, p, &err)) die("store", &err);
    snprintf(p, sizeof p, "%s/view", dir);
    if (silt_store_open(&b->view, p, &err)) die("store", &err);
    silt_delta_table_def sd = {b->schema, NULL, 0, "src", NULL, NULL};
    silt_delta_table_def vd = {silt_sql_plan_schema(b->plan), NULL, 0, "view", NULL, NULL};
    int64_t v;
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    ro.file_ops = silt_delta_parquet_ops();
    if (silt_delta_create_table(&v, b->src, &sd, NULL, &err) ||
        silt_delta_create_table(&v, b->view, &vd, NULL, &err) ||
        silt_delta_snapshot_load(&b->snap, b->view, &ro, &err))
        die("create", &err);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_mv DIR [GROUPS] [TOUCHED]\n");
        return 2;
    }
    int64_t groups = argc > 2 ? atoll(argv[2]) : 1000000,
            touched = argc > 3 ? atoll(argv[3]) : 1000;
    if (groups < 10 || touched < 1 || touched > groups) return 2;
    bench b = {0};
    open_tables(&b, argv[1]);
    int64_t part = groups / 10, ms = 0;
    int64_t *k = malloc((size_t)(part + touched) * sizeof *k);
    int64_t *x = malloc((size_t)(part + touched) * sizeof *x);
    if (!k || !x) return 1;
    for (int p = 0; p < 10; p++) {
        for (int64_t i = 0; i < part; i++) {
            k[i] = p * part + i;
            x[i] = (int64_t)(silt_hash_u64((uint64_t)k[i]) % 1000000000);
        }
        feed(&b, k, x, part, &ms);
    }
    uint64_t view_bytes = 0;
    for (size_t i = 0; i < b.snap->n_files; i++) view_bytes += (uint64_t)b.snap->files[i].size;
    uint8_t *used = calloc((size_t)(part * 10), 1);
    if (!used) return 1;
    for (int64_t i = 0, j = 0; i < touched; j++) { /* distinct random groups */
        int64_t g = (int64_t)(silt_hash_u64((uint64_t)j + 42) % (uint64_t)(part * 10));
        if (used[g]) continue;
        used[g] = 1;
        k[i] = g;
        x[i++] = j;
    }
    free(used);
    silt_pipeline_mv_stats st = feed(&b, k, x, touched, &ms);
    printf("mv_groups %" PRId64 " groups\n", part * 10);
    printf("mv_touched %" PRId64 " groups\n", st.groups_updated);
    printf("mv_view_bytes %" PRIu64 " bytes\n", view_bytes);
    printf("mv_merge_bytes %" PRIu64 " bytes\n", st.bytes_added);
    printf("mv_merge_share %.3f %%\n", 100.0 * (double)st.bytes_added / (double)view_bytes);
    printf("mv_merge_files_read %zu of %zu\n", st.files_read, st.files_total);
    printf("mv_merge_ms %" PRId64 " ms\n", ms);
    free(k);
    free(x);
    silt_delta_snapshot_destroy(b.snap);
    silt_sql_plan_destroy(b.plan);
    silt_schema_destroy(b.schema);
    silt_store_destroy(b.src);
    silt_store_destroy(b.view);
    return 0;
}
