/* Test tool: writes Parquet files with silt's writer covering every type, nesting, codec and
 * encoding path, and next to each FILE.parquet the rows it wrote in canonical form
 * (FILE.expected, unsorted) and DuckDB's expected column types (FILE.types, the oracle's
 * `--types` header line). tests/integration/parquet_write_roundtrip.sh diffs them against
 * DuckDB's reading. Usage: tool_pq_writegen OUTDIR [--big] [--random N] (N files of random
 * schemas, nesting and writer options) */
#include "batch/batch.h"
#include "batch/canon.h"
#include "parquet/io.h"
#include "parquet/writer.h"
#include "util/alloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static void die(const char *what, const silt_error *err)
{
    char msg[1024];
    fprintf(stderr, "pq_writegen: %s: %s\n", what,
            err ? silt_error_format(err, msg, sizeof msg) : "");
    exit(1);
}

/* ---- schema helpers ---- */

static void leaf(silt_field *f, const char *name, silt_type_id t, bool nullable)
{
    if (silt_field_init(f, name, t, nullable)) die("oom", NULL);
}

static void nested(silt_field *f, const char *name, silt_type_id t, bool nullable, size_t n)
{
    if (silt_field_init_nested(f, name, t, nullable, n)) die("oom", NULL);
}

static void decimal(silt_field *f, const char *name, int p, int s, bool nullable)
{
    leaf(f, name, SILT_TYPE_DECIMAL, nullable);
    f->precision = p;
    f->scale = s;
}

/* A map field name: MAP<key_t, value> where the value is left to fill by the caller. */
static silt_field *map_field(silt_field *f, const char *name, silt_type_id key_t, bool nullable)
{
    nested(f, name, SILT_TYPE_MAP, nullable, 1);
    nested(&f->children[0], "key_value", SILT_TYPE_STRUCT, false, 2);
    leaf(&f->children[0].children[0], "key", key_t, false);
    return &f->children[0].children[1];
}

/* DuckDB's name of the type of f. */
static void duck_type(silt_buf *o, const silt_field *f)
{
    switch (f->type) {
    case SILT_TYPE_BOOL: silt_buf_puts(o, "BOOLEAN"); break;
    case SILT_TYPE_INT8: silt_buf_puts(o, f->is_unsigned ? "UTINYINT" : "TINYINT"); break;
    case SILT_TYPE_INT16: silt_buf_puts(o, f->is_unsigned ? "USMALLINT" : "SMALLINT"); break;
    case SILT_TYPE_INT32: silt_buf_puts(o, f->is_unsigned ? "UINTEGER" : "INTEGER"); break;
    case SILT_TYPE_INT64: silt_buf_puts(o, f->is_unsigned ? "UBIGINT" : "BIGINT"); break;
    case SILT_TYPE_FLOAT: silt_buf_puts(o, "FLOAT"); break;
    case SILT_TYPE_DOUBLE: silt_buf_puts(o, "DOUBLE"); break;
    case SILT_TYPE_STRING: silt_buf_puts(o, "VARCHAR"); break;
    case SILT_TYPE_BINARY:
    case SILT_TYPE_FIXED_BINARY: silt_buf_puts(o, "BLOB"); break;
    case SILT_TYPE_DATE32: silt_buf_puts(o, "DATE"); break;
    case SILT_TYPE_TIMESTAMP:
        silt_buf_puts(o, f->tz_utc ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP");
        break;
    case SILT_TYPE_TIMESTAMP_NS: silt_buf_puts(o, "TIMESTAMP_NS"); break;
    case SILT_TYPE_DECIMAL: silt_buf_printf(o, "DECIMAL(%d,%d)", f->precision, f->scale); break;
    case SILT_TYPE_STRUCT:
        silt_buf_puts(o, "STRUCT(");
        for (size_t i = 0; i < f->n_children; i++) {
            if (i) silt_buf_puts(o, ", ");
            silt_buf_printf(o, "\"%s\" ", f->children[i].name);
            duck_type(o, &f->children[i]);
        }
        silt_buf_puts(o, ")");
        break;
    case SILT_TYPE_LIST:
        duck_type(o, &f->children[0]);
        silt_buf_puts(o, "[]");
        break;
    case SILT_TYPE_MAP:
        silt_buf_puts(o, "MAP(");
        duck_type(o, &f->children[0].children[0]);
        silt_buf_puts(o, ", ");
        duck_type(o, &f->children[0].children[1]);
        silt_buf_puts(o, ")");
        break;
    }
}

/* ---- value generation ---- */

static const char *const STRINGS[] = {
    "",
    "a",
    "héllo wörld",
    "日本語のテキスト",
    "emoji 😀 and more 🎉",
    "tab\there\nnewline",
    "quote\" backslash\\",
    "Ünïcödé ßtraße",
    "A somewhat longer string that goes past sixty-four bytes of text, to test truncation",
    "ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé",
    "z\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f"
    "\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf"
    "\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f"
    "\xbf\xbf",
};
#define N_STRINGS (sizeof STRINGS / sizeof STRINGS[0])

static int distinct_mode; /* 1: values mostly distinct (dictionary overflow) */
static int null_pct = 15;
static int bool_runs; /* 1: booleans in long runs */

static int64_t pick_int(int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)(hi - lo) + 1;
    return span ? lo + (int64_t)(rnd() % span) : (int64_t)rnd();
}

static void gen(silt_column *c, const silt_field *f, int64_t row);

static void gen_leaf(silt_column *c, const silt_field *f, int64_t row)
{
    int rc = 0;
    bool pool = !distinct_mode && rnd() % 2;
    uint64_t r = pool ? rnd() % 20 : rnd();
    switch (f->type) {
    case SILT_TYPE_BOOL:
        rc = silt_column_append_bool(c, bool_runs ? (row / 300) % 2 != 0 : (r & 1) != 0);
        break;
    case SILT_TYPE_INT8:
        rc = silt_column_append_int(c, f->is_unsigned ? (int64_t)(r % 256) : (int8_t)r);
        break;
    case SILT_TYPE_INT16:
        rc = silt_column_append_int(c, f->is_unsigned ? (int64_t)(r % 65536) : (int16_t)r);
        break;
    case SILT_TYPE_INT32:
        if (r % 13 == 1) r = (uint64_t)(int64_t)INT32_MIN;
        if (r % 13 == 2) r = INT32_MAX;
        rc = silt_column_append_int(c, f->is_unsigned ? (int64_t)(uint32_t)r : (int32_t)r);
        break;
    case SILT_TYPE_INT64:
        if (r % 13 == 1) r = (uint64_t)INT64_MIN;
        if (r % 13 == 2) r = INT64_MAX;
        if (distinct_mode) r = (uint64_t)row * 3 + (rnd() % 3);
        rc = silt_column_append_int(c, (int64_t)r);
        break;
    case SILT_TYPE_FLOAT: {
        static const float sp[] = {0.0f, -0.0f, 1.5f, -2.25f, INFINITY, -INFINITY, NAN, 3.4e38f};
        float v =
            r % 5 == 0 ? sp[(r / 5) % 8] : (float)((double)(int64_t)(r % 2000001) / 7.0 - 1e5);
        rc = silt_column_append_float(c, v);
        break;
    }
    case SILT_TYPE_DOUBLE: {
        static const double sp[] = {0.0, -0.0, 0.1, -1e300, INFINITY, -INFINITY, NAN, 5e-324};
        double v = r % 5 == 0 ? sp[(r / 5) % 8] : (double)(int64_t)r / 3.0e9;
        rc = silt_column_append_double(c, v);
        break;
    }
    case SILT_TYPE_STRING:
        if (distinct_mode || r % 3 == 0) {
            char s[48];
            int n = snprintf(s, sizeof s, "s%llu-é-%lld", (unsigned long long)(r % 1000003),
                             (long long)row);
            rc = silt_column_append_bytes(c, s, (size_t)n);
        } else {
            const char *s = STRINGS[r % N_STRINGS];
            rc = silt_column_append_bytes(c, s, strlen(s));
        }
        break;
    case SILT_TYPE_BINARY: {
        uint8_t b[9];
        size_t n = r % 10;
        for (size_t i = 0; i < n; i++) b[i] = (uint8_t)(r >> (i * 7));
        if (r % 7 == 0) memset(b, 0xff, n);
        rc = silt_column_append_bytes(c, b, n);
        break;
    }
    case SILT_TYPE_FIXED_BINARY: {
        uint8_t b[64];
        for (int i = 0; i < f->byte_width && i < 64; i++) b[i] = (uint8_t)(r >> ((i % 8) * 8));
        rc = silt_column_append_bytes(c, b, (size_t)f->byte_width);
        break;
    }
    case SILT_TYPE_DATE32:
        rc = silt_column_append_int(c, pick_int(-80000, 80000) + (int64_t)(r % 3));
        break;
    case SILT_TYPE_TIMESTAMP:
    case SILT_TYPE_TIMESTAMP_NS:
        rc = silt_column_append_int(c, (int64_t)(r % 8000000000000000ull) - 4000000000000000ll);
        break;
    case SILT_TYPE_DECIMAL: {
        __int128 lim = 1;
        for (int i = 0; i < f->precision; i++) lim *= 10;
        unsigned __int128 u = ((unsigned __int128)rnd() << 64) | rnd();
        __int128 v = (__int128)(u % (unsigned __int128)lim);
        if (v < 0) v = -v;
        if (r % 11 == 3) v = lim - 1;
        if (r & 2) v = -v;
        uint8_t le[16];
        memcpy(le, &v, 16);
        rc = silt_column_append_decimal(c, le);
        break;
    }
    default: break;
    }
    if (rc) die("append", NULL);
}

static void gen(silt_column *c, const silt_field *f, int64_t row)
{
    int rc = 0;
    bool all_null = strncmp(f->name, "allnull", 7) == 0;
    if (f->nullable && (all_null || (int)(rnd() % 100) < null_pct)) {
        if (silt_column_append_null(c)) die("append", NULL);
        return;
    }
    switch (f->type) {
    case SILT_TYPE_STRUCT:
        for (size_t i = 0; i < f->n_children; i++) gen(&c->children[i], &f->children[i], row);
        rc = silt_column_append_valid(c);
        break;
    case SILT_TYPE_LIST: {
        int n = (int)(rnd() % 4);
        for (int j = 0; j < n; j++) gen(&c->children[0], &f->children[0], row);
        rc = silt_column_append_valid(c);
        break;
    }
    case SILT_TYPE_MAP: {
        int n = (int)(rnd() % 4);
        silt_column *kv = &c->children[0];
        const silt_field *kf = &f->children[0].children[0];
        for (int j = 0; j < n; j++) {
            if (kf->type == SILT_TYPE_STRING) {
                char k[16];
                int kn = snprintf(k, sizeof k, "k%d", j);
                rc |= silt_column_append_bytes(&kv->children[0], k, (size_t)kn);
            } else {
                rc |= silt_column_append_int(&kv->children[0], j * 7 - 3);
            }
            gen(&kv->children[1], &f->children[0].children[1], row);
            rc |= silt_column_append_valid(kv);
        }
        rc |= silt_column_append_valid(c);
        break;
    }
    default: gen_leaf(c, f, row); break;
    }
    if (rc) die("append", NULL);
}

/* ---- cases ---- */

static silt_schema *flat_schema(bool nullable)
{
    silt_schema *s = silt_schema_create(22);
    if (!s) die("oom", NULL);
    silt_field *f = s->fields;
    leaf(f++, "b", SILT_TYPE_BOOL, nullable);
    leaf(f++, "i8", SILT_TYPE_INT8, nullable);
    leaf(f++, "i16", SILT_TYPE_INT16, nullable);
    leaf(f++, "i32", SILT_TYPE_INT32, nullable);
    leaf(f++, "i64", SILT_TYPE_INT64, nullable);
    leaf(f++, "f32", SILT_TYPE_FLOAT, nullable);
    leaf(f++, "f64", SILT_TYPE_DOUBLE, nullable);
    leaf(f++, "s", SILT_TYPE_STRING, nullable);
    leaf(f++, "bin", SILT_TYPE_BINARY, nullable);
    leaf(f, "fix", SILT_TYPE_FIXED_BINARY, nullable);
    f++->byte_width = 5;
    leaf(f++, "d", SILT_TYPE_DATE32, nullable);
    leaf(f, "ts", SILT_TYPE_TIMESTAMP, nullable);
    f++->tz_utc = true;
    leaf(f, "ts_ntz", SILT_TYPE_TIMESTAMP, nullable);
    f++->tz_utc = false;
    decimal(f++, "dec5", 5, 2, nullable);
    decimal(f++, "dec15", 15, 3, nullable);
    decimal(f++, "dec30", 30, 4, nullable);
    decimal(f++, "dec38", 38, 0, nullable);
    leaf(f, "u8", SILT_TYPE_INT8, nullable);
    f++->is_unsigned = true;
    leaf(f, "u16", SILT_TYPE_INT16, nullable);
    f++->is_unsigned = true;
    leaf(f, "u32", SILT_TYPE_INT32, nullable);
    f++->is_unsigned = true;
    leaf(f, "u64", SILT_TYPE_INT64, nullable);
    f++->is_unsigned = true;
    leaf(f, "ts_ns", SILT_TYPE_TIMESTAMP_NS, nullable);
    f->tz_utc = false;
    return s;
}

static silt_schema *nested_schema(void)
{
    silt_schema *s = silt_schema_create(8);
    if (!s) die("oom", NULL);
    silt_field *f = s->fields;
    /* s: struct<a int, l list<struct<x bigint not null, y string>>> */
    nested(f, "st", SILT_TYPE_STRUCT, true, 2);
    leaf(&f->children[0], "a", SILT_TYPE_INT32, true);
    nested(&f->children[1], "l", SILT_TYPE_LIST, true, 1);
    nested(&f->children[1].children[0], "element", SILT_TYPE_STRUCT, true, 2);
    leaf(&f->children[1].children[0].children[0], "x", SILT_TYPE_INT64, false);
    leaf(&f->children[1].children[0].children[1], "y", SILT_TYPE_STRING, true);
    f++;
    /* m: map<string, list<int>> */
    silt_field *v = map_field(f++, "m", SILT_TYPE_STRING, true);
    nested(v, "value", SILT_TYPE_LIST, true, 1);
    leaf(&v->children[0], "element", SILT_TYPE_INT32, true);
    /* lm: list<map<int, string>> */
    nested(f, "lm", SILT_TYPE_LIST, true, 1);
    v = map_field(&f->children[0], "element", SILT_TYPE_INT32, true);
    leaf(v, "value", SILT_TYPE_STRING, true);
    f++;
    /* rs: required struct<r int not null, o string> */
    nested(f, "rs", SILT_TYPE_STRUCT, false, 2);
    leaf(&f->children[0], "r", SILT_TYPE_INT32, false);
    leaf(&f->children[1], "o", SILT_TYPE_STRING, true);
    f++;
    leaf(f++, "allnull_i", SILT_TYPE_INT32, true);
    /* ll: list<list<string>> with required inner lists */
    nested(f, "ll", SILT_TYPE_LIST, true, 1);
    nested(&f->children[0], "element", SILT_TYPE_LIST, false, 1);
    leaf(&f->children[0].children[0], "element", SILT_TYPE_STRING, true);
    f++;
    /* allnull_st: struct that is always null; ck: struct of map of strings (Delta checkpoints) */
    nested(f, "allnull_st", SILT_TYPE_STRUCT, true, 1);
    leaf(&f->children[0], "z", SILT_TYPE_DOUBLE, true);
    f++;
    nested(f, "ck", SILT_TYPE_STRUCT, true, 2);
    leaf(&f->children[0], "path", SILT_TYPE_STRING, false);
    v = map_field(&f->children[1], "pv", SILT_TYPE_STRING, true);
    leaf(v, "value", SILT_TYPE_STRING, true);
    return s;
}

static FILE *open_out(const char *dir, const char *name, const char *ext)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s%s", dir, name, ext);
    FILE *fp = fopen(path, "wb");
    if (!fp) {
        perror(path);
        exit(1);
    }
    return fp;
}

/* Writes `rows` generated rows of schema (in batches of `batch_rows`) to DIR/NAME.parquet with
 * opts, plus NAME.expected and NAME.types. */
static void write_case(const char *dir, const char *name, silt_schema *schema,
                       const silt_pq_writer_options *opts, int64_t rows, int64_t batch_rows)
{
    silt_error err;
    silt_error_clear(&err);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.parquet", dir, name);
    silt_pq_sink *sink = silt_pq_sink_file(path, &err);
    if (!sink) die(path, &err);
    silt_pq_writer *w;
    if (silt_pq_writer_create(&w, sink, schema, opts, &err)) die(name, &err);
    silt_batch *b = silt_batch_create(schema);
    if (!b) die("oom", NULL);
    silt_buf canon = SILT_BUF_INIT;
    for (int64_t done = 0; done < rows;) {
        int64_t n = rows - done < batch_rows ? rows - done : batch_rows;
        silt_batch_reset(b);
        for (int64_t r = 0; r < n; r++)
            for (size_t i = 0; i < schema->n_fields; i++)
                gen(&b->cols[i], &schema->fields[i], done + r);
        if (silt_batch_validate(b, &err)) die(name, &err);
        if (silt_pq_writer_write(w, b, &err)) die(name, &err);
        if (silt_canon_batch(&canon, b)) die("oom", NULL);
        done += n;
    }
    if (silt_pq_writer_close(w, &err)) die(name, &err);
    silt_pq_writer_destroy(w);
    silt_pq_sink_destroy(sink);
    FILE *fp = open_out(dir, name, ".expected");
    if (canon.len) fwrite(canon.ptr, 1, canon.len, fp);
    fclose(fp);
    silt_buf t = SILT_BUF_INIT;
    silt_buf_puts(&t, "# ");
    for (size_t i = 0; i < schema->n_fields; i++) {
        if (i) silt_buf_puts(&t, "\t");
        silt_buf_printf(&t, "%s ", schema->fields[i].name);
        duck_type(&t, &schema->fields[i]);
    }
    silt_buf_puts(&t, "\n");
    fp = open_out(dir, name, ".types");
    fwrite(t.ptr, 1, t.len, fp);
    fclose(fp);
    silt_buf_free(&t);
    silt_buf_free(&canon);
    silt_batch_destroy(b);
    printf("%s\n", name);
}

/* A random field: any leaf type or, above depth 3, a struct, list or map of random fields. */
static void random_field(silt_field *f, const char *name, int depth)
{
    static const silt_type_id T[] = {
        SILT_TYPE_BOOL,    SILT_TYPE_INT8,         SILT_TYPE_INT16,  SILT_TYPE_INT32,
        SILT_TYPE_INT64,   SILT_TYPE_FLOAT,        SILT_TYPE_DOUBLE, SILT_TYPE_STRING,
        SILT_TYPE_BINARY,  SILT_TYPE_FIXED_BINARY, SILT_TYPE_DATE32, SILT_TYPE_TIMESTAMP,
        SILT_TYPE_DECIMAL, SILT_TYPE_STRUCT,       SILT_TYPE_LIST,   SILT_TYPE_MAP};
    size_t n_t = sizeof T / sizeof T[0];
    silt_type_id t = T[rnd() % (depth < 3 ? n_t : n_t - 3)];
    bool nullable = rnd() % 3 != 0;
    char cn[32];
    switch (t) {
    case SILT_TYPE_STRUCT: {
        size_t n = 1 + rnd() % 3;
        nested(f, name, t, nullable, n);
        for (size_t i = 0; i < n; i++) {
            snprintf(cn, sizeof cn, "f%zu", i);
            random_field(&f->children[i], cn, depth + 1);
        }
        return;
    }
    case SILT_TYPE_LIST:
        nested(f, name, t, nullable, 1);
        random_field(&f->children[0], "element", depth + 1);
        return;
    case SILT_TYPE_MAP:
        random_field(map_field(f, name, rnd() % 2 ? SILT_TYPE_STRING : SILT_TYPE_INT32, nullable),
                     "value", depth + 1);
        return;
    default: leaf(f, name, t, nullable); break;
    }
    f->byte_width = 1 + (int32_t)(rnd() % 17);
    f->precision = 1 + (int32_t)(rnd() % 38);
    f->scale = (int32_t)(rnd() % (uint64_t)(f->precision + 1));
    f->tz_utc = rnd() % 2;
}

/* n files of random schemas, rows and writer options. */
static void write_random(const char *dir, int n)
{
    static const silt_pq_codec codecs[] = {SILT_PQ_CODEC_UNCOMPRESSED, SILT_PQ_CODEC_SNAPPY,
                                           SILT_PQ_CODEC_GZIP, SILT_PQ_CODEC_ZSTD};
    for (int i = 0; i < n; i++) {
        silt_schema *s = silt_schema_create(1 + rnd() % 4);
        if (!s) die("oom", NULL);
        for (size_t k = 0; k < s->n_fields; k++) {
            char name[32];
            snprintf(name, sizeof name, "c%zu", k);
            random_field(&s->fields[k], name, 0);
        }
        silt_pq_writer_options o;
        silt_pq_writer_options_default(&o);
        o.codec = codecs[rnd() % 4];
        o.dictionary = rnd() % 2;
        o.dictionary_bytes = 16 + (int64_t)(rnd() % 2000);
        o.page_bytes = 1 + (int64_t)(rnd() % 3000);
        o.row_group_bytes = 100 + (int64_t)(rnd() % 20000);
        o.stats_truncate = (int)(rnd() % 10);
        o.rle_booleans = rnd() % 2;
        null_pct = (int)(rnd() % 60);
        char name[32];
        snprintf(name, sizeof name, "random_%02d", i);
        write_case(dir, name, s, &o, (int64_t)(rnd() % 300), 1 + (int64_t)(rnd() % 100));
        silt_schema_destroy(s);
    }
    null_pct = 15;
}

/* 3M narrow rows in one row group: expected aggregates instead of rows. */
static void write_big(const char *dir)
{
    silt_schema *s = silt_schema_create(3);
    if (!s) die("oom", NULL);
    leaf(&s->fields[0], "id", SILT_TYPE_INT64, false);
    leaf(&s->fields[1], "v", SILT_TYPE_INT32, true);
    leaf(&s->fields[2], "c", SILT_TYPE_STRING, false);
    silt_error err;
    silt_error_clear(&err);
    char path[4096];
    snprintf(path, sizeof path, "%s/big.parquet", dir);
    silt_pq_sink *sink = silt_pq_sink_file(path, &err);
    if (!sink) die(path, &err);
    silt_pq_writer *w;
    if (silt_pq_writer_create(&w, sink, s, NULL, &err)) die("big", &err);
    silt_batch *b = silt_batch_create(s);
    const int64_t N = 3000000, B = 250000;
    __int128 sum_id = 0, sum_v = 0;
    int64_t cnt_v = 0;
    static const char *const C[] = {"PT", "BR", "US", "DE", "日本"};
    for (int64_t done = 0; done < N; done += B) {
        silt_batch_reset(b);
        for (int64_t i = done; i < done + B; i++) {
            silt_column_append_int(&b->cols[0], i);
            sum_id += i;
            if (i % 10 == 3) {
                silt_column_append_null(&b->cols[1]);
            } else {
                silt_column_append_int(&b->cols[1], (i * 7919) % 1000 - 500);
                sum_v += (i * 7919) % 1000 - 500;
                cnt_v++;
            }
            silt_column_append_bytes(&b->cols[2], C[i % 5], strlen(C[i % 5]));
        }
        if (silt_batch_validate(b, &err) || silt_pq_writer_write(w, b, &err)) die("big", &err);
    }
    if (silt_pq_writer_close(w, &err)) die("big", &err);
    silt_pq_writer_destroy(w);
    silt_pq_sink_destroy(sink);
    silt_batch_destroy(b);
    silt_schema_destroy(s);
    FILE *fp = open_out(dir, "big", ".expected");
    fprintf(fp, "%lld\t%lld\t%lld\t%lld\t0\t%lld\n", (long long)N, (long long)sum_id,
            (long long)cnt_v, (long long)sum_v, (long long)(N - 1));
    fclose(fp);
    printf("big\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: tool_pq_writegen OUTDIR [--big]\n");
        return 2;
    }
    const char *dir = argv[1];
    silt_pq_writer_options o;
    silt_pq_writer_options_default(&o);

    silt_schema *flat = flat_schema(true);
    silt_schema *req = flat_schema(false);
    silt_schema *nest = nested_schema();

    write_case(dir, "flat_nullable", flat, &o, 3000, 700);
    write_case(dir, "flat_required", req, &o, 3000, 1000);
    write_case(dir, "nested", nest, &o, 2000, 333);

    static const silt_pq_codec codecs[] = {SILT_PQ_CODEC_UNCOMPRESSED, SILT_PQ_CODEC_SNAPPY,
                                           SILT_PQ_CODEC_GZIP, SILT_PQ_CODEC_ZSTD};
    static const char *const cnames[] = {"codec_none", "codec_snappy", "codec_gzip", "codec_zstd9"};
    for (int i = 0; i < 4; i++) {
        silt_pq_writer_options c = o;
        c.codec = codecs[i];
        c.compression_level = codecs[i] == SILT_PQ_CODEC_ZSTD ? 9 : 0;
        c.page_bytes = 4096;
        write_case(dir, cnames[i], flat, &c, 2000, 2000);
    }
    silt_pq_writer_options nd = o;
    nd.dictionary = false;
    write_case(dir, "nodict_flat", flat, &nd, 2000, 500);
    write_case(dir, "nodict_nested", nest, &nd, 1000, 1000);

    /* deltas: sequential ints without a dictionary */
    silt_schema *seq = silt_schema_create(2);
    leaf(&seq->fields[0], "allnull_x", SILT_TYPE_INT8, true);
    leaf(&seq->fields[1], "id", SILT_TYPE_INT64, false);
    distinct_mode = 1;
    write_case(dir, "delta", seq, &nd, 5000, 5000);

    /* dictionary overflow: a small limit and mostly distinct values */
    silt_pq_writer_options ov = o;
    ov.dictionary_bytes = 2000;
    write_case(dir, "dict_overflow", flat, &ov, 3000, 1000);
    distinct_mode = 0;

    /* several row groups and small pages, nested */
    silt_pq_writer_options rg = o;
    rg.row_group_bytes = 40000;
    rg.page_bytes = 512;
    write_case(dir, "multi_rg", nest, &rg, 4000, 1500);
    write_case(dir, "multi_rg_flat", flat, &rg, 4000, 4000);

    /* RLE booleans: long runs of equal booleans, some nulls */
    silt_schema *bs = silt_schema_create(2);
    leaf(&bs->fields[0], "flag", SILT_TYPE_BOOL, true);
    leaf(&bs->fields[1], "req", SILT_TYPE_BOOL, false);
    silt_pq_writer_options rb = o;
    rb.rle_booleans = true;
    bool_runs = 1;
    write_case(dir, "rle_bool", bs, &rb, 5000, 5000);
    bool_runs = 0;
    silt_schema_destroy(bs);

    /* zero rows, and few rows with heavy nulls */
    write_case(dir, "empty", nest, &o, 0, 1);
    null_pct = 70;
    write_case(dir, "sparse", nest, &o, 300, 7);
    null_pct = 15;

    /* key-value metadata (checked by the script via parquet_kv_metadata) */
    const char *keys[] = {"org.apache.spark.version", "silt.test"};
    const char *vals[] = {"3.5.0", "véritable"};
    silt_pq_writer_options kv = o;
    kv.n_kv = 2;
    kv.kv_keys = keys;
    kv.kv_values = vals;
    write_case(dir, "kv", seq, &kv, 10, 10);

    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--big") == 0) write_big(dir);
        if (strcmp(argv[i], "--random") == 0 && i + 1 < argc) write_random(dir, atoi(argv[++i]));
    }

    silt_schema_destroy(flat);
    silt_schema_destroy(req);
    silt_schema_destroy(nest);
    silt_schema_destroy(seq);
    return 0;
}
