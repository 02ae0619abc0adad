/* Benchmark: read every row group of a Parquet file with all columns materialised and every
 * batch kept in memory until the end (like DuckDB's CREATE TABLE AS), single thread, best of N
 * runs; prints rows/s and MB/s (file bytes per second). */
#include "parquet/reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_parquet_read FILE [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 3;
    if (runs < 1) runs = 1;
    double best = 1e30;
    int64_t rows = 0;
    uint64_t bytes = 0;
    for (int k = 0; k < runs; k++) {
        silt_error err;
        silt_error_clear(&err);
        double t0 = now();
        silt_pq_source *src = silt_pq_source_file(argv[1], &err);
        silt_pq_reader *r = NULL;
        if (!src || silt_pq_reader_open(&r, src, &err)) {
            char buf[1024];
            fprintf(stderr, "bench_parquet_read: %s\n", silt_error_format(&err, buf, sizeof buf));
            silt_pq_source_destroy(src);
            return 1;
        }
        rows = 0;
        int ng = silt_pq_reader_num_row_groups(r);
        silt_batch **all = calloc((size_t)(ng ? ng : 1), sizeof *all);
        if (!all) return 1;
        for (int g = 0; g < ng; g++) {
            silt_batch *b;
            if (silt_pq_reader_read_row_group(r, g, NULL, 0, &b, &err)) {
                char buf[1024];
                fprintf(stderr, "bench_parquet_read: %s\n",
                        silt_error_format(&err, buf, sizeof buf));
                silt_pq_reader_destroy(r);
                silt_pq_source_destroy(src);
                return 1;
            }
            rows += b->n_rows;
            all[g] = b;
        }
        bytes = src->size;
        silt_pq_reader_destroy(r);
        silt_pq_source_destroy(src);
        double t = now() - t0; /* freeing the batches is not timed, as DuckDB's DROP is not */
        if (t < best) best = t;
        for (int g = 0; g < ng; g++) silt_batch_destroy(all[g]);
        free(all);
    }
    printf("silt_read_seconds=%.6f rows=%lld bytes=%llu\n", best, (long long)rows,
           (unsigned long long)bytes);
    printf("silt read: %lld rows in %.3f s: %.0f rows/s, %.1f MB/s\n", (long long)rows, best,
           (double)rows / best, (double)bytes / best / 1e6);
    return 0;
}
