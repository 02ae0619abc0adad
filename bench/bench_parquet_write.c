/* Benchmark of the Parquet writer on the seed's e-commerce schema: generates N deterministic
 * rows (transactions of several items, thousands of products, dozens of countries), times
 * silt writing them with zstd on one thread (best of 3), and dumps the same rows as CSV for
 * DuckDB (bench/parquet_write.sh compares). Usage: bench_parquet_write OUTDIR [ROWS] */
#include "batch/batch.h"
#include "parquet/io.h"
#include "feed/gen.h"
#include "parquet/writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void add_str(silt_column *c, const char *s)
{
    if (silt_column_append_bytes(c, s, strlen(s))) exit(1);
}

static int64_t data_bytes;

/* The seed's e-commerce rows, from the same generator as `silt produce --generate`. */
static silt_batch *generate(const silt_schema *s, int64_t rows)
{
    silt_gen *g = NULL;
    silt_error err;
    if (silt_gen_create(&g, 1, &err)) exit(1);
    silt_batch *b = silt_batch_create(s);
    if (!b) exit(1);
    for (size_t i = 0; i < b->n_cols; i++)
        if (silt_column_reserve(&b->cols[i], rows, i == 3 ? rows * 30 : rows * 10)) exit(1);
    for (int64_t r = 0; r < rows; r++) {
        silt_gen_row row;
        silt_gen_next(g, &row);
        add_str(&b->cols[0], row.transaction_no);
        add_str(&b->cols[1], row.date);
        add_str(&b->cols[2], row.product_no);
        add_str(&b->cols[3], row.product_name);
        silt_column_append_float(&b->cols[4], (float)row.price);
        silt_column_append_int(&b->cols[5], row.quantity);
        if (row.has_customer)
            silt_column_append_float(&b->cols[6], (float)row.customer_no);
        else
            silt_column_append_null(&b->cols[6]);
        add_str(&b->cols[7], row.country);
        data_bytes +=
            (int64_t)(strlen(row.transaction_no) + strlen(row.date) + strlen(row.product_no) +
                      strlen(row.product_name) + strlen(row.country) + 12);
    }
    silt_gen_destroy(g);
    if (silt_batch_validate(b, &err)) exit(1);
    return b;
}

static void csv_str(FILE *f, const silt_column *c, int64_t i)
{
    size_t n;
    const uint8_t *p = silt_column_bytes(c, i, &n);
    fputc('"', f);
    for (size_t k = 0; k < n; k++) {
        if (p[k] == '"') fputc('"', f);
        fputc(p[k], f);
    }
    fputc('"', f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_parquet_write OUTDIR [ROWS]\n");
        return 2;
    }
    const char *dir = argv[1];
    int64_t rows = argc > 2 ? atoll(argv[2]) : 1000000;
    silt_schema *s = silt_schema_create(8);
    static const char *const names[] = {"TransactionNo", "Date",     "ProductNo",  "ProductName",
                                        "Price",         "Quantity", "CustomerNo", "Country"};
    static const silt_type_id types[] = {SILT_TYPE_STRING, SILT_TYPE_STRING, SILT_TYPE_STRING,
                                         SILT_TYPE_STRING, SILT_TYPE_FLOAT,  SILT_TYPE_INT32,
                                         SILT_TYPE_FLOAT,  SILT_TYPE_STRING};
    for (int i = 0; i < 8; i++)
        if (!s || silt_field_init(&s->fields[i], names[i], types[i], true)) return 1;
    silt_batch *b = generate(s, rows);

    char path[4096];
    snprintf(path, sizeof path, "%s/silt.parquet", dir);
    double best = 1e9;
    uint64_t size = 0;
    for (int rep = 0; rep < 3; rep++) {
        silt_error err;
        double t0 = now();
        silt_pq_sink *sink = silt_pq_sink_file(path, &err);
        silt_pq_writer *w = NULL;
        silt_pq_writer_options o;
        silt_pq_writer_options_default(&o);
        if (!sink || silt_pq_writer_create(&w, sink, s, &o, &err) ||
            silt_pq_writer_write(w, b, &err) || silt_pq_writer_close(w, &err)) {
            char m[1024];
            fprintf(stderr, "bench: %s\n", silt_error_format(&err, m, sizeof m));
            return 1;
        }
        double t = now() - t0;
        size = silt_pq_writer_file_size(w);
        silt_pq_writer_destroy(w);
        silt_pq_sink_destroy(sink);
        if (t < best) best = t;
    }
    printf("silt rows=%lld seconds=%.4f bytes=%llu data_bytes=%lld\n", (long long)rows, best,
           (unsigned long long)size, (long long)data_bytes);

    snprintf(path, sizeof path, "%s/rows.csv", dir);
    FILE *f = fopen(path, "w");
    if (!f) return 1;
    fprintf(f, "TransactionNo,Date,ProductNo,ProductName,Price,Quantity,CustomerNo,Country\n");
    for (int64_t i = 0; i < b->n_rows; i++) {
        for (int c = 0; c < 4; c++) {
            csv_str(f, &b->cols[c], i);
            fputc(',', f);
        }
        fprintf(f, "%.9g,%d,", (double)((float *)b->cols[4].values)[i],
                ((int32_t *)b->cols[5].values)[i]);
        if (silt_column_is_valid(&b->cols[6], i))
            fprintf(f, "%.9g", (double)((float *)b->cols[6].values)[i]);
        fputc(',', f);
        csv_str(f, &b->cols[7], i);
        fputc('\n', f);
    }
    fclose(f);
    silt_batch_destroy(b);
    silt_schema_destroy(s);
    return 0;
}
