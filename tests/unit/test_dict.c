/* Unit tests of dictionary views (batch/dict.c): the Parquet reader attaches a chunk's
 * dictionary and codes to string columns (and not when a page fell back to PLAIN), and the SQL
 * engine's dictionary paths (expressions once per distinct value, GROUP BY and joins by code)
 * give the same rows as the plain paths, NULLs included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "batch/batch.h"
#include "batch/canon.h"
#include "parquet/reader.h"
#include "parquet/writer.h"
#include "sql/sql.h"
#include "util/alloc.h"
#include "util/buf.h"

#define ROWS 600

static const char *const KEYS[] = {"b", "a", "Norway", "c", "a-long-key-over-16-bytes"};
static const char *const DATES[] = {"12/1/2018", "12/9/2018",  "1/3/2019", "1/30/2019",
                                    "2/2/2019",  "not a date", "3/31/2019"};

static silt_schema *test_schema(void)
{
    silt_schema *s = silt_schema_create(3);
    assert_non_null(s);
    assert_int_equal(silt_field_init(&s->fields[0], "k", SILT_TYPE_STRING, true), 0);
    assert_int_equal(silt_field_init(&s->fields[1], "d", SILT_TYPE_STRING, true), 0);
    assert_int_equal(silt_field_init(&s->fields[2], "v", SILT_TYPE_INT64, true), 0);
    return s;
}

/* Row r's key: an index into KEYS, or -1 for NULL (every 7th row when nulls is set). */
static int key_of(int64_t r, bool nulls)
{
    if (nulls && r % 7 == 3) return -1;
    return (int)((r * 3 + r / 50) % 5);
}

static silt_batch *plain_batch(const silt_schema *s, bool nulls)
{
    silt_batch *b = silt_batch_create(s);
    assert_non_null(b);
    for (int64_t r = 0; r < ROWS; r++) {
        int k = key_of(r, nulls);
        if (k < 0)
            assert_int_equal(silt_column_append_null(&b->cols[0]), 0);
        else
            assert_int_equal(silt_column_append_bytes(&b->cols[0], KEYS[k], strlen(KEYS[k])), 0);
        const char *d = DATES[(r / 40) % 7];
        assert_int_equal(silt_column_append_bytes(&b->cols[1], d, strlen(d)), 0);
        assert_int_equal(silt_column_append_int(&b->cols[2], r), 0);
    }
    b->n_rows = ROWS;
    return b;
}

/* Attaches a dictionary view to string column c: values (with an extra entry no row uses, as
 * a dictionary may hold), codes from the rows' strings. upper: the dictionary holds the values
 * in upper case (a view that disagrees with the data, to see which one a path reads). */
static void attach_dict(silt_column *c, const char *const *values, size_t n, bool upper)
{
    silt_field f = {.type = SILT_TYPE_STRING};
    silt_dict *d = silt_dict_create(&f);
    assert_non_null(d);
    assert_int_equal(silt_column_append_bytes(&d->values, "unused", 6), 0);
    for (size_t i = 0; i < n; i++) {
        char tmp[64];
        size_t len = strlen(values[i]);
        for (size_t j = 0; j <= len; j++)
            tmp[j] = upper && values[i][j] >= 'a' && values[i][j] <= 'z' ? (char)(values[i][j] - 32)
                                                                         : values[i][j];
        assert_int_equal(silt_column_append_bytes(&d->values, tmp, len), 0);
    }
    int32_t *codes = silt_calloc((size_t)c->length, sizeof *codes);
    assert_non_null(codes);
    for (int64_t r = 0; r < c->length; r++) {
        if (!silt_column_is_valid(c, r)) continue;
        size_t len;
        const uint8_t *p = silt_column_bytes(c, r, &len);
        for (size_t i = 0; i < n; i++)
            if (strlen(values[i]) == len && !memcmp(values[i], p, len)) codes[r] = (int32_t)i + 1;
        assert_true(codes[r] > 0);
    }
    c->dict = d;
    c->codes = codes;
    c->dict_rows = c->length;
}

/* Runs sql over input t (schema s) and returns the rows in canonical form (owned). */
static char *run(const char *sql, const silt_schema *s, const silt_batch *b)
{
    silt_sql_input in = {"t", s};
    silt_sql_plan *p = NULL;
    silt_error err = {0};
    if (silt_sql_prepare(&p, sql, &in, 1, &err)) fail_msg("prepare %s: %s", sql, err.msg);
    silt_batch *o = NULL;
    if (silt_sql_run(p, b, &o, &err)) fail_msg("run %s: %s", sql, err.msg);
    silt_buf out = SILT_BUF_INIT;
    assert_int_equal(silt_canon_batch(&out, o), 0);
    silt_buf_cstr(&out);
    char *r = silt_strdup(out.ptr ? (char *)out.ptr : "");
    silt_buf_free(&out);
    silt_batch_destroy(o);
    silt_sql_plan_destroy(p);
    return r;
}

static const char *const QUERIES[] = {
    "SELECT k, count(*), sum(v), min(v) FROM t GROUP BY k ORDER BY k",
    "SELECT count(*), sum(v) FROM t WHERE k = 'Norway'",
    "SELECT count(*) FROM t WHERE k <> 'a' AND k LIKE '%o%'",
    "SELECT upper(k), length(k), count(*) FROM t GROUP BY 1, 2 ORDER BY 1, 2",
    "SELECT to_date(d, 'M/d/yyyy') AS x, count(*) FROM t GROUP BY 1 ORDER BY 1",
    "SELECT date_trunc('MONTH', to_date(d, 'M/d/yyyy')) AS m, count(DISTINCT k), count(*) "
    "FROM t GROUP BY 1 ORDER BY 1",
    "SELECT k, d, v FROM t WHERE v % 97 = 1 ORDER BY v",
    "SELECT coalesce(k, 'none') AS c, k IS NULL, count(*) FROM t GROUP BY 1, 2 ORDER BY 1",
    "SELECT CASE WHEN k = 'a' THEN 'A!' ELSE k END AS c, count(*) FROM t GROUP BY 1 ORDER BY 1",
    "SELECT x.k, count(*), sum(y.n) FROM t x JOIN (SELECT k, count(*) AS n FROM t GROUP BY k) y "
    "ON x.k = y.k GROUP BY x.k ORDER BY 1",
    "SELECT y.k, count(*) FROM (SELECT k FROM t WHERE v < 10) y JOIN t x ON x.k = y.k "
    "GROUP BY y.k ORDER BY 1",
    "SELECT k, v FROM t ORDER BY v DESC LIMIT 3",
    /* casts between string and binary hand the bytes on without copying (eval.c relabel):
     * of an input column, of an owned result, twice, and to the same type */
    "SELECT CAST(CAST(k AS BINARY) AS STRING) AS x, count(*) FROM t GROUP BY 1 ORDER BY 1",
    "SELECT length(CAST(upper(k) AS BINARY)) AS x, CAST(k AS STRING) AS y, count(*) FROM t "
    "GROUP BY 1, 2 ORDER BY 1, 2",
    "SELECT CAST(d AS BINARY) AS x, k FROM t WHERE v % 101 = 7 ORDER BY v",
};

/* Every query gives the same rows with and without dictionary views, with and without NULLs. */
static void test_sql_same_rows(void **state)
{
    (void)state;
    silt_schema *s = test_schema();
    for (int nulls = 0; nulls < 2; nulls++) {
        silt_batch *plain = plain_batch(s, nulls);
        silt_batch *dict = plain_batch(s, nulls);
        attach_dict(&dict->cols[0], KEYS, 5, false);
        attach_dict(&dict->cols[1], DATES, 7, false);
        assert_non_null(silt_column_dict(&dict->cols[0]));
        for (size_t q = 0; q < sizeof QUERIES / sizeof QUERIES[0]; q++) {
            char *want = run(QUERIES[q], s, plain), *got = run(QUERIES[q], s, dict);
            if (strcmp(want, got))
                fail_msg("%s (nulls %d)\nplain:\n%s\ndictionary:\n%s", QUERIES[q], nulls, want,
                         got);
            assert_true(strlen(want) > 2);
            /* the inputs are left as they were (a cast of a column is a view of it) */
            assert_int_equal(dict->cols[0].type, SILT_TYPE_STRING);
            assert_non_null(silt_column_dict(&dict->cols[0]));
            silt_free(want);
            silt_free(got);
        }
        silt_batch_destroy(plain);
        silt_batch_destroy(dict);
    }
    silt_schema_destroy(s);
}

/* The dictionary paths are taken: given a view that disagrees with the data (upper-case
 * values), GROUP BY and functions over the column see the view's values. Readers never make
 * such a view; this only shows which copy each path reads. */
static void test_sql_paths_taken(void **state)
{
    (void)state;
    silt_schema *s = test_schema();
    silt_batch *b = plain_batch(s, false);
    attach_dict(&b->cols[0], KEYS, 5, true);
    char *got = run("SELECT k, count(*) FROM t GROUP BY k ORDER BY k", s, b);
    assert_non_null(strstr(got, "\"NORWAY\""));
    silt_free(got);
    got = run("SELECT count(*) FROM t WHERE k = 'NORWAY'", s, b);
    assert_string_not_equal(got, "0\n");
    silt_free(got);
    /* a view that no longer covers every row (rows appended) is not used */
    silt_column *c = &b->cols[0];
    assert_int_equal(silt_column_append_bytes(c, "b", 1), 0);
    assert_int_equal(silt_column_append_bytes(&b->cols[1], "1/1/2019", 8), 0);
    assert_int_equal(silt_column_append_int(&b->cols[2], ROWS), 0);
    b->n_rows++;
    assert_null(silt_column_dict(c));
    got = run("SELECT count(*) FROM t WHERE k = 'NORWAY'", s, b);
    assert_string_equal(got, "0\n");
    silt_free(got);
    /* truncation keeps the codes of the rows left */
    silt_column_truncate(c, ROWS);
    assert_non_null(silt_column_dict(c));
    silt_batch_destroy(b);
    silt_schema_destroy(s);
}

/* Writes rows of strings as one Parquet file (one row group) in memory. */
static void write_strings(silt_buf *out, const silt_schema *s, const silt_batch *b,
                          int64_t dictionary_bytes)
{
    silt_pq_sink *sink = silt_pq_sink_buf(out);
    assert_non_null(sink);
    silt_pq_writer_options o;
    silt_pq_writer_options_default(&o);
    o.dictionary_bytes = dictionary_bytes;
    o.page_bytes = 1024; /* several pages */
    silt_pq_writer *w = NULL;
    silt_error err;
    assert_int_equal(silt_pq_writer_create(&w, sink, s, &o, &err), 0);
    assert_int_equal(silt_pq_writer_write(w, b, &err), 0);
    assert_int_equal(silt_pq_writer_close(w, &err), 0);
    silt_pq_writer_destroy(w);
    silt_pq_sink_destroy(sink);
}

static silt_batch *read_back(const silt_buf *file)
{
    silt_pq_source *src = silt_pq_source_mem(file->ptr, file->len, "mem.parquet");
    silt_pq_reader *r = NULL;
    silt_error err;
    assert_int_equal(silt_pq_reader_open(&r, src, &err), 0);
    silt_batch *b = NULL;
    assert_int_equal(silt_pq_reader_read_row_group(r, 0, NULL, 0, &b, &err), 0);
    silt_pq_reader_destroy(r);
    silt_pq_source_destroy(src);
    return b;
}

/* The reader's view: values[codes[r]] is row r's string; with a PLAIN fallback, no view. */
static void test_reader_view(void **state)
{
    (void)state;
    silt_schema *s = test_schema();
    silt_batch *b = plain_batch(s, false);
    silt_buf file = SILT_BUF_INIT;
    write_strings(&file, s, b, 1 << 20);
    silt_batch *got = read_back(&file);
    for (int c = 0; c < 2; c++) {
        const silt_column *col = &got->cols[c];
        const silt_dict *d = silt_column_dict(col);
        assert_non_null(d);
        assert_true(d->values.length <= 7);
        for (int64_t r = 0; r < got->n_rows; r++) {
            size_t la, lb;
            const uint8_t *pa = silt_column_bytes(col, r, &la);
            const uint8_t *pb = silt_column_bytes(&d->values, col->codes[r], &lb);
            assert_int_equal(la, lb);
            assert_memory_equal(pa, pb, la);
        }
    }
    assert_null(silt_column_dict(&got->cols[2])); /* integers: no view */
    silt_batch_destroy(got);
    /* a dictionary limit so small that the writer falls back to PLAIN mid-chunk */
    silt_buf_reset(&file);
    write_strings(&file, s, b, 16);
    got = read_back(&file);
    assert_null(silt_column_dict(&got->cols[0]));
    assert_int_equal(got->n_rows, ROWS);
    silt_batch_destroy(got);
    silt_buf_free(&file);
    silt_batch_destroy(b);
    silt_schema_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sql_same_rows),
        cmocka_unit_test(test_sql_paths_taken),
        cmocka_unit_test(test_reader_view),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
