/* Benchmark of the Parquet writer on the seed's e-commerce schema: generates N deterministic
 * rows (transactions of several items, thousands of products, dozens of countries), times
 * silt writing them with zstd on one thread (best of 3), and dumps the same rows as CSV for
 * DuckDB (bench/parquet_write.sh compares). Usage: bench_parquet_write OUTDIR [ROWS] */
#include "batch/batch.h"
#include "parquet/io.h"
#include "parquet/writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static uint64_t st = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void)
{
    st ^= st << 13;
    st ^= st >> 7;
    st ^= st << 17;
    return st;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#define N_PRODUCTS 3800
static const char *const ADJ[] = {"WHITE",   "RED",      "PINK",   "BLUE",     "VINTAGE",
                                  "REGENCY", "SET OF 3", "JUMBO",  "SMALL",    "LARGE",
                                  "RETRO",   "GLASS",    "WOODEN", "HEART",    "PAPER",
                                  "CERAMIC", "GREEN",    "IVORY",  "POLKADOT", "FELT"};
static const char *const NOUN[] = {"HANGING HEART T-LIGHT HOLDER",
                                   "LANTERN",
                                   "CAKE CASES",
                                   "BAG",
                                   "ALARM CLOCK BAKELIKE",
                                   "CHRISTMAS DECORATION",
                                   "TEACUP AND SAUCER",
                                   "LUNCH BOX",
                                   "BUNTING",
                                   "DOORMAT",
                                   "WATER BOTTLE",
                                   "NAPKINS",
                                   "PHOTO FRAME",
                                   "CANDLE",
                                   "HOT WATER BOTTLE",
                                   "STORAGE JAR",
                                   "MUG",
                                   "NOTEBOOK",
                                   "GIFT WRAP",
                                   "TRINKET BOX",
                                   "PARTY BUNTING",
                                   "CUSHION COVER"};
static const char *const COUNTRY[] = {"United Kingdom",
                                      "Germany",
                                      "France",
                                      "EIRE",
                                      "Spain",
                                      "Netherlands",
                                      "Belgium",
                                      "Switzerland",
                                      "Portugal",
                                      "Australia",
                                      "Norway",
                                      "Italy",
                                      "Channel Islands",
                                      "Finland",
                                      "Cyprus",
                                      "Sweden",
                                      "Austria",
                                      "Denmark",
                                      "Japan",
                                      "Poland",
                                      "USA",
                                      "Israel",
                                      "Unspecified",
                                      "Singapore",
                                      "Iceland",
                                      "Canada",
                                      "Greece",
                                      "Malta",
                                      "United Arab Emirates",
                                      "European Community",
                                      "RSA",
                                      "Lebanon",
                                      "Lithuania",
                                      "Brazil",
                                      "Czech Republic",
                                      "Bahrain",
                                      "Saudi Arabia",
                                      "Hong Kong"};

typedef struct product {
    char no[8];
    char name[64];
    float price;
} product;

static void add_str(silt_column *c, const char *s)
{
    if (silt_column_append_bytes(c, s, strlen(s))) exit(1);
}

static int64_t data_bytes;

static silt_batch *generate(const silt_schema *s, int64_t rows)
{
    static product P[N_PRODUCTS];
    for (int i = 0; i < N_PRODUCTS; i++) {
        int no = 20000 + (int)(rnd() % 70000);
        snprintf(P[i].no, sizeof P[i].no, rnd() % 10 == 0 ? "%dA" : "%d", no);
        snprintf(P[i].name, sizeof P[i].name, "%s %s %s", ADJ[rnd() % 20], ADJ[rnd() % 20],
                 NOUN[rnd() % 22]);
        P[i].price = (float)((int)(rnd() % 2500) + 99) / 100.0f;
    }
    silt_batch *b = silt_batch_create(s);
    if (!b) exit(1);
    for (size_t i = 0; i < b->n_cols; i++)
        if (silt_column_reserve(&b->cols[i], rows, i == 3 ? rows * 30 : rows * 10)) exit(1);
    int64_t r = 0, tx = 536365;
    int day = 0;
    while (r < rows) {
        int items = 1 + (int)(rnd() % 40);
        bool cancel = rnd() % 33 == 0;
        char txs[24], date[40];
        snprintf(txs, sizeof txs, cancel ? "C%lld" : "%lld", (long long)tx++);
        if (rnd() % 60 == 0) day++;
        int d = day % 365, m = d / 31 + 1, dd = d % 28 + 1;
        snprintf(date, sizeof date, "%d/%d/%d", m, dd, 2019 + day / 365);
        bool nocust = rnd() % 200 == 0;
        float cust = (float)(12346 + (int)(rnd() % 5900));
        const char *country = rnd() % 10 < 9 ? COUNTRY[0] : COUNTRY[1 + rnd() % 37];
        for (int k = 0; k < items && r < rows; k++, r++) {
            uint64_t x = rnd() % N_PRODUCTS;
            const product *p = &P[(x * x) / N_PRODUCTS]; /* skewed popularity */
            add_str(&b->cols[0], txs);
            add_str(&b->cols[1], date);
            add_str(&b->cols[2], p->no);
            add_str(&b->cols[3], p->name);
            float price = rnd() % 8 == 0 ? p->price * 0.85f : p->price;
            silt_column_append_float(&b->cols[4], (float)(int)(price * 100) / 100.0f);
            static const int Q[] = {1, 1, 2, 2, 3, 4, 6, 12, 12, 24, 48, 96};
            int q = Q[rnd() % 12];
            silt_column_append_int(&b->cols[5], cancel ? -q : q);
            if (nocust)
                silt_column_append_null(&b->cols[6]);
            else
                silt_column_append_float(&b->cols[6], cust);
            add_str(&b->cols[7], country);
            data_bytes += (int64_t)(strlen(txs) + strlen(date) + strlen(p->no) + strlen(p->name) +
                                    strlen(country) + 12);
        }
    }
    silt_error err;
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
