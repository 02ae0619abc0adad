/* Benchmark: decode a JSON-lines file of the seed's transactions into column batches of the
 * silver types (dates as M/d/yyyy, Price decimal(10,2), CustomerNo int64), every batch kept in
 * memory until the end (like DuckDB's CREATE TABLE AS), single thread, best of N runs. The
 * file is read into memory first (untimed: DuckDB reads it from the page cache). Prints the
 * time, rows, and sums of Quantity and Price (hundredths) so the peer's can be compared. */
#include "delta/schema.h"
#include "json/decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The seed's transaction as silver types it, in Delta's schema JSON. */
static const char SEED_SCHEMA[] =
    "{\"type\":\"struct\",\"fields\":["
    "{\"name\":\"TransactionNo\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"Date\",\"type\":\"date\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"ProductNo\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"ProductName\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"Price\",\"type\":\"decimal(10,2)\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"Quantity\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"CustomerNo\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"Country\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}}]}";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_json_decode FILE [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 3;
    if (runs < 1) runs = 1;
    FILE *fp = fopen(argv[1], "rb");
    if (!fp) {
        perror(argv[1]);
        return 1;
    }
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, fp) != (size_t)size) return 1;
    fclose(fp);

    silt_schema *s = NULL;
    silt_error err;
    if (silt_delta_schema_parse(&s, SEED_SCHEMA, &err)) {
        fprintf(stderr, "bench_json_decode: %s\n", err.msg);
        return 1;
    }
    silt_json_field_format ff[] = {{"Date", "M/d/yyyy"}};
    silt_json_decode_opts o = {.formats = ff, .n_formats = 1};
    silt_json_decoder *d = NULL;
    if (silt_json_decoder_create(&d, s, &o, &err)) {
        fprintf(stderr, "bench_json_decode: %s\n", err.msg);
        return 1;
    }
    const int64_t batch_rows = 122880; /* DuckDB's row group size */
    double best = 1e30;
    int64_t rows = 0, qty = 0, cents = 0, bad = 0;
    for (int k = 0; k < runs; k++) {
        size_t cap = 64, nb = 0;
        silt_batch **all = malloc(cap * sizeof *all);
        if (!all) return 1;
        rows = 0;
        bad = 0;
        double t0 = now();
        silt_batch *b = NULL;
        const char *p = text, *end = text + size;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *e = nl ? nl : end;
            if (e > p) {
                if (!b || b->n_rows == batch_rows) {
                    if (nb == cap) {
                        cap *= 2;
                        all = realloc(all, cap * sizeof *all);
                        if (!all) return 1;
                    }
                    b = all[nb++] = silt_batch_create(s);
                    if (!b) return 1;
                }
                if (silt_json_decode_row(d, b, p, (size_t)(e - p), &err)) {
                    if (bad++ == 0)
                        fprintf(stderr, "bench_json_decode: row %lld: %s\n", (long long)rows,
                                err.msg);
                } else {
                    rows++;
                }
            }
            p = e + 1;
        }
        double t = now() - t0; /* freeing the batches is not timed, as DuckDB's DROP is not */
        if (t < best) best = t;
        qty = cents = 0;
        for (size_t i = 0; i < nb; i++) {
            silt_batch *x = all[i];
            const int32_t *q = (const int32_t *)x->cols[5].values;
            const uint8_t *pr = x->cols[4].values;
            for (int64_t r = 0; r < x->n_rows; r++) {
                if (silt_column_is_valid(&x->cols[5], r)) qty += q[r];
                int64_t lo;
                memcpy(&lo, pr + 16 * r, 8); /* prices fit the low 8 bytes */
                if (silt_column_is_valid(&x->cols[4], r)) cents += lo;
            }
            silt_batch_destroy(x);
        }
        free(all);
    }
    printf("silt_decode_seconds=%.6f rows=%lld bad=%lld bytes=%ld qty_sum=%lld price_cents=%lld\n",
           best, (long long)rows, (long long)bad, size, (long long)qty, (long long)cents);
    silt_json_decoder_destroy(d);
    silt_schema_destroy(s);
    free(text);
    return bad ? 1 : 0;
}
