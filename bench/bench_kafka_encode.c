/* Benchmark of the producer-side encoders: CSV rows to JSON objects (the sample CSV repeated),
 * generated transactions to JSON, and Python-repr double formatting. Prints rows/s and MB/s. */
#include "json/write.h"
#include "feed/csv.h"
#include "feed/gen.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double secs_since(uint64_t t0)
{
    return (double)(silt_time_mono_ns() - t0) / 1e9;
}

static int bench_csv(const char *path, int repeat)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bench_kafka_encode: cannot open %s\n", path);
        return 1;
    }
    silt_buf one = SILT_BUF_INIT, all = SILT_BUF_INIT, json = SILT_BUF_INIT;
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) silt_buf_append(&one, chunk, k);
    fclose(f);
    /* header once, then the data rows `repeat` times */
    const uint8_t *nl = memchr(one.ptr, '\n', one.len);
    if (!nl) return 1;
    size_t hlen = (size_t)(nl - one.ptr) + 1;
    silt_buf_append(&all, one.ptr, hlen);
    for (int i = 0; i < repeat; i++) {
        silt_buf_append(&all, one.ptr + hlen, one.len - hlen);
        silt_buf_putc(&all, '\n');
    }
    silt_error err;
    silt_csv_reader *r;
    if (silt_csv_reader_create(&r, all.ptr, all.len, path, &err)) return 1;
    silt_csv_type types[64];
    int64_t rows = 0, out_bytes = 0;
    if (silt_csv_reader_ncols(r) > 64) return 1;
    uint64_t t0 = silt_time_mono_ns();
    if (silt_csv_infer_types(types, &rows, r, &err)) return 1;
    double infer = secs_since(t0);
    t0 = silt_time_mono_ns();
    while (silt_csv_reader_next(r, &err) == 1) {
        silt_buf_reset(&json);
        if (silt_csv_record_to_json(&json, r, types, SILT_JSON_PY, &err)) return 1;
        out_bytes += (int64_t)json.len;
    }
    double conv = secs_since(t0);
    printf("csv infer:    %lld rows, %.1f MB in %.3f s: %.0f rows/s, %.0f MB/s\n", (long long)rows,
           (double)all.len / 1e6, infer, (double)rows / infer, (double)all.len / 1e6 / infer);
    printf("csv to json:  %lld rows -> %.1f MB JSON in %.3f s: %.0f rows/s, %.0f MB/s out\n",
           (long long)rows, (double)out_bytes / 1e6, conv, (double)rows / conv,
           (double)out_bytes / 1e6 / conv);
    silt_csv_reader_destroy(r);
    silt_buf_free(&one);
    silt_buf_free(&all);
    silt_buf_free(&json);
    return 0;
}

static int bench_gen(int64_t n)
{
    silt_gen *g;
    silt_error err;
    silt_buf json = SILT_BUF_INIT;
    if (silt_gen_create(&g, 1, &err)) return 1;
    int64_t bytes = 0;
    uint64_t t0 = silt_time_mono_ns();
    for (int64_t i = 0; i < n; i++) {
        silt_gen_row row;
        silt_gen_next(g, &row);
        silt_buf_reset(&json);
        silt_gen_row_to_json(&json, &row, SILT_JSON_PY);
        bytes += (int64_t)json.len;
    }
    double s = secs_since(t0);
    printf("generate:     %lld rows -> %.1f MB JSON in %.3f s: %.0f rows/s\n", (long long)n,
           (double)bytes / 1e6, s, (double)n / s);
    silt_buf_free(&json);
    silt_gen_destroy(g);
    return 0;
}

static void bench_double(int64_t n)
{
    char out[SILT_JSON_DOUBLE_MAX];
    size_t total = 0;
    uint64_t x = 12345;
    uint64_t t0 = silt_time_mono_ns();
    for (int64_t i = 0; i < n; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        double v = (double)(x >> 40) / 100.0; /* prices with two decimals */
        total += silt_json_format_double(out, v);
    }
    double s = secs_since(t0);
    printf("double repr:  %lld values in %.3f s: %.0f values/s (%zu chars)\n", (long long)n, s,
           (double)n / s, total);
}

int main(int argc, char **argv)
{
    const char *fixtures = getenv("SILT_FIXTURES");
    char path[1024];
    snprintf(path, sizeof path, "%s/sales-transactions-sample.csv",
             fixtures ? fixtures : "../shared/fixtures");
    int repeat = argc > 1 ? atoi(argv[1]) : 400;
    if (bench_csv(argc > 2 ? argv[2] : path, repeat)) return 1;
    if (bench_gen(1000000)) return 1;
    bench_double(2000000);
    return 0;
}
