/* Unit tests for Delta scans (partition columns rebuilt, projection, pruning, skipping, row
 * filters, limits), OPTIMIZE (bin packing, races with appends and other compactions) and
 * auto-compaction, on the real Parquet reader/writer over an in-memory store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/canon.h"
#include "delta/commit.h"
#include "delta/log.h"
#include "delta/optimize.h"
#include "delta/pqio.h"
#include "delta/scan.h"
#include "delta/schema.h"
#include "util/alloc.h"

#define OK(call)                                                                                   \
    do {                                                                                           \
        silt_error_clear(&err);                                                                    \
        int rc_ = (call);                                                                          \
        if (rc_) fail_msg("%s: %s", #call, err.msg);                                               \
    } while (0)

static const char *schema_json =
    "{\"type\":\"struct\",\"fields\":["
    "{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"name\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"day\",\"type\":\"date\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"grp\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}}]}";

typedef struct table {
    silt_store *store;
    silt_schema *schema; /* full table schema */
    silt_schema *data;   /* without partition columns */
    bool partitioned;
} table;

static void table_create(table *t, bool partitioned, const silt_delta_map *config)
{
    silt_error err;
    memset(t, 0, sizeof *t);
    OK(silt_store_mem_create(&t->store, &err));
    OK(silt_delta_schema_parse(&t->schema, schema_json, &err));
    t->partitioned = partitioned;
    const char *parts[] = {"day", "grp"};
    t->data = silt_schema_create(partitioned ? 2 : 4);
    for (size_t i = 0; i < t->data->n_fields; i++)
        assert_int_equal(silt_field_copy(&t->data->fields[i], &t->schema->fields[i]), 0);
    silt_delta_table_def def = {t->schema, parts, partitioned ? 2 : 0, "t", NULL, config};
    silt_delta_commit_opts co = {0};
    int64_t v;
    OK(silt_delta_create_table(&v, t->store, &def, &co, &err));
}

static void table_destroy(table *t)
{
    silt_schema_destroy(t->schema);
    silt_schema_destroy(t->data);
    silt_store_destroy(t->store);
}

/* Appends one commit of one file with ids [first, first+n): name "n<id>" (null when id % 5 ==
 * 0), day 2024-01-0<day> (0: null), grp (-1: null). */
static int64_t append_rows(table *t, int64_t first, int64_t n, int day, int grp)
{
    silt_error err;
    silt_batch *b = silt_batch_create(t->data);
    for (int64_t i = first; i < first + n; i++) {
        char name[32];
        int k = snprintf(name, sizeof name, "n%lld", (long long)i);
        silt_column_append_int(&b->cols[0], i);
        if (i % 5 == 0)
            silt_column_append_null(&b->cols[1]);
        else
            silt_column_append_bytes(&b->cols[1], name, (size_t)k);
        if (!t->partitioned) {
            if (day)
                silt_column_append_int(&b->cols[2], 19723 + day - 1);
            else
                silt_column_append_null(&b->cols[2]);
            if (grp >= 0)
                silt_column_append_int(&b->cols[3], grp);
            else
                silt_column_append_null(&b->cols[3]);
        }
    }
    OK(silt_batch_validate(b, &err));
    silt_delta_map pv = {0};
    char d[16], g[16];
    snprintf(d, sizeof d, "2024-01-0%d", day);
    snprintf(g, sizeof g, "%d", grp);
    silt_delta_map_set(&pv, "day", day ? d : NULL);
    silt_delta_map_set(&pv, "grp", grp >= 0 ? g : NULL);
    const char *parts[] = {"day", "grp"};
    silt_delta_add add;
    OK(silt_delta_write_data_file(&add, t->store, silt_delta_parquet_ops(), b,
                                  t->partitioned ? &pv : NULL, parts, t->partitioned ? 2 : 0,
                                  &err));
    silt_delta_commit_opts co = {0};
    co.file_ops = silt_delta_parquet_ops();
    int64_t v;
    OK(silt_delta_append(&v, t->store, NULL, &add, 1, NULL, 0, &co, &err));
    silt_delta_add_clear(&add);
    silt_delta_map_clear(&pv);
    silt_batch_destroy(b);
    return v;
}

static silt_delta_snapshot *load(table *t, int64_t version)
{
    silt_error err;
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    ro.file_ops = silt_delta_parquet_ops();
    ro.version = version;
    silt_delta_snapshot *s = NULL;
    OK(silt_delta_snapshot_load(&s, t->store, &ro, &err));
    return s;
}

static int collect(void *arg, const silt_batch *b, silt_error *err)
{
    (void)err;
    return silt_canon_batch(arg, b);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The canonical rows of a scan through ops, sorted, as one string (owned). */
static char *scan_sorted_ops(table *t, const silt_delta_snapshot *snap,
                             const silt_delta_scan_opts *o, const silt_delta_file_ops *ops,
                             silt_delta_scan_stats *st)
{
    silt_error err;
    silt_buf b = SILT_BUF_INIT;
    silt_delta_scan_opts so = o ? *o : silt_delta_scan_opts_default();
    so.file_ops = ops;
    OK(silt_delta_scan(st, snap, t->store, &so, collect, &b, &err));
    silt_buf_cstr(&b);
    char *text = (char *)b.ptr;
    size_t n = 0;
    for (size_t i = 0; i < b.len; i++) n += text[i] == '\n';
    char **lines = calloc(n + 1, sizeof *lines);
    size_t k = 0;
    for (char *tok = strtok(text, "\n"); tok; tok = strtok(NULL, "\n")) lines[k++] = tok;
    qsort(lines, k, sizeof *lines, cmp_str);
    silt_buf out = SILT_BUF_INIT;
    for (size_t i = 0; i < k; i++) silt_buf_printf(&out, "%s\n", lines[i]);
    silt_buf_cstr(&out);
    free(lines);
    silt_buf_free(&b);
    return out.ptr ? (char *)out.ptr : calloc(1, 1);
}

/* The canonical rows of a scan, sorted, as one string (owned). */
static char *scan_sorted(table *t, const silt_delta_snapshot *snap, const silt_delta_scan_opts *o,
                         silt_delta_scan_stats *st)
{
    return scan_sorted_ops(t, snap, o, silt_delta_parquet_ops(), st);
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

/* The same rows whether a table is partitioned or not; partition values come back typed. */
static void fill(table *t)
{
    append_rows(t, 0, 10, 1, 1);  /* ids 0..9 */
    append_rows(t, 10, 10, 2, 1); /* ids 10..19 */
    append_rows(t, 20, 10, 2, 2); /* ids 20..29 */
    append_rows(t, 30, 5, 0, -1); /* ids 30..34, null partitions */
}

static void test_scan_partitioned_matches_unpartitioned(void **state)
{
    (void)state;
    table p, u;
    table_create(&p, true, NULL);
    table_create(&u, false, NULL);
    fill(&p);
    fill(&u);
    silt_delta_snapshot *sp = load(&p, -1), *su = load(&u, -1);
    silt_delta_scan_stats st;
    char *a = scan_sorted(&p, sp, NULL, &st), *b = scan_sorted(&u, su, NULL, NULL);
    assert_int_equal(count_lines(a), 35);
    assert_int_equal(st.files_read, 4);
    assert_int_equal(st.rows_emitted, 35);
    assert_string_equal(a, b);
    /* partition values typed, null included: id 30 has null day and grp, id 0 a null name */
    assert_non_null(strstr(a, "30\tnull\tnull\tnull\n"));
    assert_non_null(strstr(a, "0\tnull\t2024-01-01\t1\n"));
    assert_non_null(strstr(a, "12\t\"n12\"\t2024-01-02\t1\n"));
    free(a);
    free(b);

    /* projection: chosen columns in the chosen order */
    const char *cols[] = {"grp", "id"};
    silt_delta_scan_opts o = silt_delta_scan_opts_default();
    o.columns = cols;
    o.n_columns = 2;
    a = scan_sorted(&p, sp, &o, NULL);
    assert_int_equal(count_lines(a), 35);
    assert_non_null(strstr(a, "2\t25\n"));
    assert_non_null(strstr(a, "null\t33\n"));
    free(a);

    silt_delta_snapshot_destroy(sp);
    silt_delta_snapshot_destroy(su);
    table_destroy(&p);
    table_destroy(&u);
}

/* A scan of partition columns only takes each file's row count from its footer: it decodes no
 * page. Every file's pages are overwritten with garbage (footers intact): such a scan still
 * gives every row, while a scan that reads a data column fails. */
static void test_scan_partition_columns_reads_no_page(void **state)
{
    (void)state;
    silt_error err;
    table p;
    table_create(&p, true, NULL);
    fill(&p);
    silt_delta_snapshot *sp = load(&p, -1);
    for (size_t i = 0; i < sp->n_files; i++) {
        silt_buf f = SILT_BUF_INIT;
        OK(silt_store_get(p.store, &f, sp->files[i].path, &err));
        assert_true(f.len > 12);
        uint32_t footer = (uint32_t)f.ptr[f.len - 8] | (uint32_t)f.ptr[f.len - 7] << 8 |
                          (uint32_t)f.ptr[f.len - 6] << 16 | (uint32_t)f.ptr[f.len - 5] << 24;
        assert_true(footer + 12 < f.len);
        memset(f.ptr + 4, 0xEE, f.len - 8 - footer - 4);
        OK(silt_store_put(p.store, sp->files[i].path, f.ptr, f.len, &err));
        silt_buf_free(&f);
    }
    const char *cols[] = {"grp", "day"};
    silt_delta_scan_opts o = silt_delta_scan_opts_default();
    o.columns = cols;
    o.n_columns = 2;
    silt_delta_scan_stats st;
    char *a = scan_sorted(&p, sp, &o, &st);
    assert_int_equal(count_lines(a), 35);
    assert_int_equal(st.files_read, 4);
    assert_non_null(strstr(a, "2\t2024-01-02\n"));
    assert_non_null(strstr(a, "null\tnull\n"));
    free(a);
    /* the pages are unreadable indeed */
    const char *name[] = {"name"};
    o.columns = name;
    o.n_columns = 1;
    o.file_ops = silt_delta_parquet_ops();
    silt_buf b = SILT_BUF_INIT;
    silt_error_clear(&err);
    assert_int_not_equal(silt_delta_scan(NULL, sp, p.store, &o, collect, &b, &err), 0);
    silt_buf_free(&b);
    silt_delta_snapshot_destroy(sp);
    table_destroy(&p);
}

static void check_pred(table *t, const silt_delta_snapshot *s, const char *text, size_t rows,
                       size_t files_read, const char *must_have)
{
    silt_error err;
    silt_delta_pred pred;
    OK(silt_delta_pred_parse(&pred, text, &err));
    silt_delta_scan_opts o = silt_delta_scan_opts_default();
    o.pred = &pred;
    silt_delta_scan_stats st;
    char *a = scan_sorted(t, s, &o, &st);
    if (count_lines(a) != rows || st.files_read != files_read)
        fail_msg("'%s': %zu rows from %zu files, expected %zu from %zu:\n%s", text, count_lines(a),
                 st.files_read, rows, files_read, a);
    if (must_have) assert_non_null(strstr(a, must_have));
    free(a);
}

static void test_scan_predicates(void **state)
{
    (void)state;
    table p, u;
    table_create(&p, true, NULL);
    table_create(&u, false, NULL);
    fill(&p);
    fill(&u);
    silt_delta_snapshot *sp = load(&p, -1), *su = load(&u, -1);
    /* partition pruning */
    check_pred(&p, sp, "day = '2024-01-02'", 20, 2, "29\t\"n29\"\t2024-01-02\t2\n");
    check_pred(&p, sp, "grp IS NULL", 5, 1, "34\t\"n34\"\tnull\tnull\n");
    check_pred(&p, sp, "grp >= 2", 10, 1, NULL);
    check_pred(&p, sp, "day < 2024-01-02", 10, 1, NULL);
    /* data skipping from statistics, then the row filter */
    check_pred(&p, sp, "id > 27", 7, 2, "28\t\"n28\"\t2024-01-02\t2\n");
    check_pred(&p, sp, "id = 15", 1, 1, "15\tnull\t2024-01-02\t1\n");
    check_pred(&p, sp, "id <= 0", 1, 1, NULL);
    check_pred(&p, sp, "name IS NULL", 7, 4, NULL);
    check_pred(&p, sp, "name = 'n7'", 1, 1, "7\t\"n7\"\t2024-01-01\t1\n");
    /* on the unpartitioned table the same predicates give the same rows, files being skipped
     * by their statistics (the all-null file has no min/max and nullCount = numRecords) */
    check_pred(&u, su, "day = '2024-01-02'", 20, 2, NULL);
    check_pred(&u, su, "grp IS NULL", 5, 1, NULL);
    check_pred(&u, su, "id > 27", 7, 2, NULL);
    check_pred(&u, su, "grp < 2", 20, 2, NULL);

    /* a limit stops the scan */
    silt_delta_scan_opts o = silt_delta_scan_opts_default();
    o.limit = 12;
    silt_delta_scan_stats st;
    char *a = scan_sorted(&p, sp, &o, &st);
    assert_int_equal(count_lines(a), 12);
    assert_int_equal(st.files_read, 2);
    free(a);

    /* errors name the column and suggest */
    silt_error err;
    silt_delta_pred pred;
    OK(silt_delta_pred_parse(&pred, "idd = 3", &err));
    o = silt_delta_scan_opts_default();
    o.pred = &pred;
    o.file_ops = silt_delta_parquet_ops();
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_delta_scan(NULL, sp, p.store, &o, collect, &b, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "idd"));
    const char *bad[] = {"nmae"};
    o = silt_delta_scan_opts_default();
    o.columns = bad;
    o.n_columns = 1;
    o.file_ops = silt_delta_parquet_ops();
    assert_int_equal(silt_delta_scan(NULL, sp, p.store, &o, collect, &b, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "did you mean 'name'"));
    OK(silt_delta_pred_parse(&pred, "id = abc", &err));
    o = silt_delta_scan_opts_default();
    o.pred = &pred;
    o.file_ops = silt_delta_parquet_ops();
    assert_int_not_equal(silt_delta_scan(NULL, sp, p.store, &o, collect, &b, &err), 0);
    assert_non_null(strstr(err.msg, "abc"));
    silt_buf_free(&b);

    silt_delta_snapshot_destroy(sp);
    silt_delta_snapshot_destroy(su);
    table_destroy(&p);
    table_destroy(&u);
}

static size_t files_in(const silt_delta_snapshot *s, const char *day)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_files; i++) {
        const char *v = NULL;
        silt_delta_map_get(&s->files[i].partition_values, "day", &v);
        if ((!day && !v) || (day && v && strcmp(v, day) == 0)) n++;
    }
    return n;
}

/* One file of 20,000 rows (id = row, name "n<id>" or null when id % 5 == 0, day by blocks of
 * 5,000 ids, grp = id % 3) written in row groups of 4,096 rows. */
static void append_row_groups(table *t)
{
    silt_error err;
    silt_batch *b = silt_batch_create(t->data);
    for (int64_t i = 0; i < 20000; i++) {
        char name[32];
        int k = snprintf(name, sizeof name, "n%lld", (long long)i);
        silt_column_append_int(&b->cols[0], i);
        if (i % 5 == 0)
            silt_column_append_null(&b->cols[1]);
        else
            silt_column_append_bytes(&b->cols[1], name, (size_t)k);
        silt_column_append_int(&b->cols[2], 19723 + i / 5000);
        silt_column_append_int(&b->cols[3], i % 3);
    }
    b->n_rows = 20000;
    OK(silt_batch_validate(b, &err));
    /* the writer ends a row group once a slice of 4,096 rows passes row_group_bytes */
    silt_delta_pqio_options po = {SILT_PQ_CODEC_ZSTD, 0, 1};
    silt_delta_file_ops ops;
    silt_delta_parquet_ops_with(&ops, &po);
    silt_delta_add add;
    OK(silt_delta_write_data_file(&add, t->store, &ops, b, NULL, NULL, 0, &err));
    silt_delta_commit_opts co = {0};
    co.file_ops = silt_delta_parquet_ops();
    int64_t v;
    OK(silt_delta_append(&v, t->store, NULL, &add, 1, NULL, 0, &co, &err));
    silt_delta_add_clear(&add);
    silt_batch_destroy(b);
}

/* Scans with the conjunction of texts, with and without row-group skipping: the same rows
 * (rows of them), and the expected row groups read and skipped. */
static void check_row_groups(table *t, const silt_delta_snapshot *s, const char *const *texts,
                             size_t n, size_t rows, int64_t rg_read, int64_t rg_skipped)
{
    silt_error err;
    silt_delta_pred preds[4];
    for (size_t i = 0; i < n; i++) OK(silt_delta_pred_parse(&preds[i], texts[i], &err));
    silt_delta_scan_opts o = silt_delta_scan_opts_default();
    o.preds = preds;
    o.n_preds = n;
    silt_delta_scan_stats st, st_plain;
    char *a = scan_sorted(t, s, &o, &st);
    silt_delta_file_ops plain = *silt_delta_parquet_ops();
    plain.read_file_filtered = NULL;
    char *b = scan_sorted_ops(t, s, &o, &plain, &st_plain);
    if (count_lines(a) != rows || st.row_groups_read != rg_read ||
        st.row_groups_skipped != rg_skipped)
        fail_msg("'%s'...: %zu rows, %lld row groups read, %lld skipped; expected %zu, %lld, %lld",
                 texts[0], count_lines(a), (long long)st.row_groups_read,
                 (long long)st.row_groups_skipped, rows, (long long)rg_read, (long long)rg_skipped);
    assert_string_equal(a, b);
    assert_int_equal(st_plain.row_groups_read + st_plain.row_groups_skipped, 0);
    assert_int_equal(st.rows_emitted, st_plain.rows_emitted);
    /* what was skipped was not read */
    assert_true(st.rows_read < st_plain.rows_read || rg_skipped == 0);
    free(a);
    free(b);
}

static void test_scan_skips_row_groups(void **state)
{
    (void)state;
    table u;
    table_create(&u, false, NULL);
    append_row_groups(&u);
    silt_delta_snapshot *s = load(&u, -1);
    /* row groups hold ids [0, 4096), [4096, 8192), ..., [16384, 20000) */
    const char *high[] = {"id >= 17000"};
    check_row_groups(&u, s, high, 1, 3000, 1, 4);
    const char *band[] = {"id >= 5000", "id < 6000"};
    check_row_groups(&u, s, band, 2, 1000, 1, 4);
    const char *one[] = {"id >= 5000", "id < 6000", "name = 'n5001'"};
    check_row_groups(&u, s, one, 3, 1, 1, 4);
    const char *nulls[] = {"name IS NULL", "id > 19000"};
    check_row_groups(&u, s, nulls, 2, 199, 1, 4);
    const char *days[] = {"day = '2024-01-02'"}; /* ids 5000..9999: row groups 1 and 2 */
    check_row_groups(&u, s, days, 1, 5000, 2, 3);
    const char *all[] = {"grp <= 2"};
    check_row_groups(&u, s, all, 1, 20000, 5, 0);
    /* a predicate in pred and in preds: both hold */
    silt_error err;
    silt_delta_pred one_pred, more[1];
    OK(silt_delta_pred_parse(&one_pred, "id < 100", &err));
    OK(silt_delta_pred_parse(&more[0], "grp = 1", &err));
    silt_delta_scan_opts o = silt_delta_scan_opts_default();
    o.pred = &one_pred;
    o.preds = more;
    o.n_preds = 1;
    silt_delta_scan_stats st;
    char *a = scan_sorted(&u, s, &o, &st);
    assert_int_equal(count_lines(a), 33);
    assert_int_equal(st.row_groups_read, 1);
    free(a);
    silt_delta_snapshot_destroy(s);
    table_destroy(&u);
}

/* An operator outside silt_pred_op is refused up front, and never skips data where it gets
 * through (one rule with the Parquet side, batch/pred.h). */
static void test_unknown_operator_keeps(void **state)
{
    (void)state;
    table u;
    table_create(&u, false, NULL);
    fill(&u);
    silt_delta_snapshot *s = load(&u, -1);
    silt_error err;
    silt_delta_pred pred;
    OK(silt_delta_pred_parse(&pred, "id = 3", &err));
    pred.op = (silt_pred_op)99;
    silt_delta_term term;
    assert_int_equal(silt_delta_term_resolve(&term, s, &pred, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "unknown operator"));
    silt_delta_scan_opts o = silt_delta_scan_opts_default();
    o.pred = &pred;
    o.file_ops = silt_delta_parquet_ops();
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_delta_scan(NULL, s, u.store, &o, collect, &b, &err), SILT_EINVAL);
    silt_buf_free(&b);
    /* a term built by hand: statistics that exclude every known operator still keep */
    pred.op = SILT_PRED_EQ;
    OK(silt_delta_term_resolve(&term, s, &pred, &err));
    term.op = (silt_pred_op)99;
    for (size_t i = 0; i < s->n_files; i++)
        assert_true(silt_delta_file_may_match(&term, &s->files[i]));
    silt_column mm;
    assert_int_equal(silt_column_init(&mm, term.field), 0);
    silt_column_append_int(&mm, 1000);
    silt_column_append_int(&mm, 2000);
    assert_true(silt_delta_term_may_match(&term, &mm, 0, 10));
    term.op = SILT_PRED_EQ;
    assert_false(silt_delta_term_may_match(&term, &mm, 0, 10));
    silt_column_clear(&mm);
    silt_delta_snapshot_destroy(s);
    table_destroy(&u);
}

static void test_optimize(void **state)
{
    (void)state;
    table p;
    table_create(&p, true, NULL);
    for (int i = 0; i < 6; i++) append_rows(&p, i * 10, 10, 1 + i % 2, 1);
    append_rows(&p, 60, 3, 0, -1); /* a lone file: nothing to pack it with */
    silt_delta_snapshot *before = load(&p, -1);
    char *rows_before = scan_sorted(&p, before, NULL, NULL);
    silt_error err;
    silt_delta_optimize_opts oo = {0};
    oo.file_ops = silt_delta_parquet_ops();
    silt_delta_optimize_result r;
    OK(silt_delta_optimize(&r, p.store, before, &oo, &err));
    assert_int_equal(r.version, before->version + 1);
    assert_int_equal(r.files_removed, 6);
    assert_int_equal(r.files_added, 2);
    assert_int_equal(r.partitions, 2);
    assert_int_equal(r.rows, 60);
    silt_delta_snapshot *after = load(&p, -1);
    assert_int_equal(after->n_files, 3);
    assert_int_equal(files_in(after, "2024-01-01"), 1);
    assert_int_equal(files_in(after, NULL), 1);
    for (size_t i = 0; i < after->n_files; i++) assert_true(after->files[i].stats != NULL);
    char *rows_after = scan_sorted(&p, after, NULL, NULL);
    assert_string_equal(rows_before, rows_after);
    /* the old version is still readable, with its 7 files */
    silt_delta_snapshot *old = load(&p, before->version);
    assert_int_equal(old->n_files, 7);
    char *rows_old = scan_sorted(&p, old, NULL, NULL);
    assert_string_equal(rows_before, rows_old);
    /* the commit: OPTIMIZE, removes and adds with dataChange false */
    char key[64];
    silt_delta_commit_key(key, sizeof key, r.version);
    silt_buf body = SILT_BUF_INIT;
    OK(silt_store_get(p.store, &body, key, &err));
    silt_buf_cstr(&body);
    assert_non_null(strstr((char *)body.ptr, "\"operation\":\"OPTIMIZE\""));
    assert_non_null(strstr((char *)body.ptr, "\"numRemovedFiles\":\"6\""));
    assert_non_null(strstr((char *)body.ptr, "\"numAddedFiles\":\"2\""));
    assert_non_null(strstr((char *)body.ptr, "\"numRemovedBytes\""));
    assert_null(strstr((char *)body.ptr, "\"dataChange\":true"));
    silt_buf_free(&body);
    /* nothing left to do: no commit */
    OK(silt_delta_optimize(&r, p.store, after, &oo, &err));
    assert_int_equal(r.version, -1);
    /* a tiny target keeps every file as it is */
    oo.target_size = 10;
    OK(silt_delta_optimize(&r, p.store, old, &oo, &err));
    assert_int_equal(r.version, -1);
    free(rows_before);
    free(rows_after);
    free(rows_old);
    silt_delta_snapshot_destroy(before);
    silt_delta_snapshot_destroy(after);
    silt_delta_snapshot_destroy(old);
    table_destroy(&p);
}

static size_t data_objects(silt_store *s)
{
    silt_error err;
    silt_store_listing l = {0};
    OK(silt_store_list(s, &l, "", &err));
    size_t n = 0;
    for (size_t i = 0; i < l.n; i++)
        n += strncmp(l.entries[i].key, "_delta_log/", 11) != 0 &&
             strstr(l.entries[i].key, ".parquet") != NULL;
    silt_store_list_clear(&l);
    return n;
}

static void test_optimize_races(void **state)
{
    (void)state;
    silt_error err;
    table u;
    table_create(&u, false, NULL);
    for (int i = 0; i < 4; i++) append_rows(&u, i * 10, 10, 1, 1);
    silt_delta_snapshot *s = load(&u, -1);
    /* an append lands after OPTIMIZE read the table: both commit, no row is lost */
    append_rows(&u, 100, 7, 2, 2);
    silt_delta_optimize_opts oo = {0};
    oo.file_ops = silt_delta_parquet_ops();
    silt_delta_optimize_result r;
    OK(silt_delta_optimize(&r, u.store, s, &oo, &err));
    assert_int_equal(r.version, s->version + 2);
    silt_delta_snapshot *now = load(&u, -1);
    assert_int_equal(now->n_files, 2);
    char *rows = scan_sorted(&u, now, NULL, NULL);
    assert_int_equal(count_lines(rows), 47);
    free(rows);
    /* two compactions of the same version: the second loses and changes nothing */
    for (int i = 0; i < 3; i++) append_rows(&u, 200 + i * 10, 10, 1, 1);
    silt_delta_snapshot_destroy(s);
    s = load(&u, -1);
    OK(silt_delta_optimize(&r, u.store, s, &oo, &err));
    size_t objects = data_objects(u.store);
    silt_delta_optimize_result r2;
    assert_int_equal(silt_delta_optimize(&r2, u.store, s, &oo, &err), SILT_ECONFLICT);
    assert_non_null(strstr(err.msg, "removed concurrently"));
    assert_int_equal(r2.version, -1);
    assert_int_equal(data_objects(u.store), objects); /* the loser's file was deleted again */
    /* auto-compaction treats a lost race as "nothing to do" */
    oo.min_files = 2;
    OK(silt_delta_auto_compact(&r2, u.store, s, &oo, &err));
    assert_int_equal(r2.version, -1);
    silt_delta_snapshot_destroy(now);
    now = load(&u, -1);
    assert_int_equal(now->version, r.version);
    assert_int_equal(now->n_files, 1);
    rows = scan_sorted(&u, now, NULL, NULL);
    assert_int_equal(count_lines(rows), 77);
    free(rows);
    silt_delta_snapshot_destroy(now);
    silt_delta_snapshot_destroy(s);
    table_destroy(&u);
}

/* File ops whose write_file fails from the nth call on (the Parquet ops otherwise). */
static int failing_writes_left;
static int failing_write_file(void *ctx, silt_delta_add *out, silt_store *store, const char *key,
                              const silt_batch *b, silt_error *err)
{
    if (--failing_writes_left < 0) return silt_error_set(err, SILT_EIO, "injected write failure");
    return silt_delta_parquet_ops()->write_file(ctx, out, store, key, b, err);
}

/* An OPTIMIZE that does not commit leaves no file behind: neither when writing its second file
 * fails nor when its commit is refused; when the commit's outcome is unknown (an I/O error on
 * the commit file) its files stay, since the commit may have landed. */
static void test_optimize_failure_cleans_up(void **state)
{
    (void)state;
    silt_error err;
    table p;
    table_create(&p, true, NULL);
    for (int i = 0; i < 6; i++) append_rows(&p, i * 10, 10, 1 + i % 2, 1); /* two bins */
    silt_delta_snapshot *s = load(&p, -1);
    size_t objects = data_objects(p.store);
    silt_delta_file_ops ops = *silt_delta_parquet_ops();
    ops.write_file = failing_write_file;
    silt_delta_optimize_opts oo = {0};
    oo.file_ops = &ops;
    silt_delta_optimize_result r;
    failing_writes_left = 1;
    assert_int_equal(silt_delta_optimize(&r, p.store, s, &oo, &err), SILT_EIO);
    assert_non_null(strstr(err.msg, "injected"));
    assert_int_equal(failing_writes_left, -1); /* the first file was written */
    assert_int_equal(r.version, -1);
    assert_int_equal(data_objects(p.store), objects);
    /* the commit itself fails with an I/O error: the two new files stay */
    char key[64];
    silt_delta_commit_key(key, sizeof key, s->version + 1);
    silt_store_mem_fail_path(p.store, key);
    oo.file_ops = silt_delta_parquet_ops();
    assert_int_equal(silt_delta_optimize(&r, p.store, s, &oo, &err), SILT_EIO);
    assert_int_equal(data_objects(p.store), objects + 2);
    silt_store_mem_fail_path(p.store, NULL);
    silt_delta_snapshot *now = load(&p, -1);
    assert_int_equal(now->version, s->version);
    silt_delta_snapshot_destroy(now);
    silt_delta_snapshot_destroy(s);
    table_destroy(&p);
}

static void test_auto_compact_keeps_few_files(void **state)
{
    (void)state;
    silt_error err;
    silt_delta_map conf = {0};
    silt_delta_map_set(&conf, SILT_DELTA_PROP_AUTO_COMPACT_MIN_FILES, "6");
    table p;
    table_create(&p, true, &conf);
    silt_delta_optimize_opts oo = {0};
    oo.file_ops = silt_delta_parquet_ops();
    size_t compactions = 0, max_files = 0;
    /* a streaming writer: one row per commit, two partitions, 80 commits */
    for (int i = 0; i < 80; i++) {
        append_rows(&p, i, 1, 1 + i % 2, 1);
        silt_delta_optimize_result r;
        OK(silt_delta_auto_compact(&r, p.store, NULL, &oo, &err));
        if (r.version >= 0) compactions++;
        silt_delta_snapshot *s = load(&p, -1);
        if (s->n_files > max_files) max_files = s->n_files;
        silt_delta_snapshot_destroy(s);
    }
    silt_delta_snapshot *s = load(&p, -1);
    char *rows = scan_sorted(&p, s, NULL, NULL);
    assert_int_equal(count_lines(rows), 80);
    assert_true(max_files <= 2 * 6);
    assert_true(compactions >= 10);
    assert_true(s->checkpoint_version > 0); /* compactions checkpoint like any commit */
    free(rows);
    silt_delta_snapshot_destroy(s);
    table_destroy(&p);
    silt_delta_map_clear(&conf);

    /* without the property the default is 10 small files per partition */
    table u;
    table_create(&u, false, NULL);
    for (int i = 0; i < 9; i++) append_rows(&u, i, 1, 1, 1);
    silt_delta_optimize_result r;
    OK(silt_delta_auto_compact(&r, u.store, NULL, &oo, &err));
    assert_int_equal(r.version, -1); /* 9 < 10 */
    append_rows(&u, 9, 1, 1, 1);
    OK(silt_delta_auto_compact(&r, u.store, NULL, &oo, &err));
    assert_true(r.version > 0);
    assert_int_equal(r.files_removed, 10);
    table_destroy(&u);
}

static int count_rows_cb(void *arg, const silt_batch *b, silt_error *err)
{
    (void)err;
    *(int64_t *)arg += b->n_rows;
    return 0;
}

/* Auto-compaction packs files of one size tier together: a big file is not rewritten with
 * every batch of small ones. */
static void test_auto_compact_tiers(void **state)
{
    (void)state;
    silt_error err;
    table u;
    table_create(&u, false, NULL);
    append_rows(&u, 0, 20000, 1, 1);
    silt_delta_snapshot *s = load(&u, -1);
    char *big = strdup(s->files[0].path);
    int64_t big_size = s->files[0].size;
    silt_delta_snapshot_destroy(s);
    for (int i = 0; i < 9; i++) append_rows(&u, 100000 + i, 1, 1, 1);
    s = load(&u, -1);
    for (size_t i = 0; i < s->n_files; i++)
        if (strcmp(s->files[i].path, big) != 0 && s->files[i].size * 10 > big_size)
            fail_msg("test setup: a one-row file (%lld bytes) is not 10x smaller than the big "
                     "file (%lld bytes)",
                     (long long)s->files[i].size, (long long)big_size);
    silt_delta_snapshot_destroy(s);
    silt_delta_optimize_opts oo = {0};
    oo.file_ops = silt_delta_parquet_ops();
    oo.target_size = 4 * 1024 * 1024; /* tiers from 2 KiB: [0,2K) [2K,20K) [20K,200K) ... */
    silt_delta_optimize_result r;
    OK(silt_delta_auto_compact(&r, u.store, NULL, &oo, &err));
    assert_int_equal(r.files_removed, 9);
    assert_int_equal(r.files_added, 1);
    s = load(&u, -1);
    assert_int_equal(s->n_files, 2);
    assert_non_null(silt_delta_snapshot_find(s, big));
    char *rows = scan_sorted(&u, s, NULL, NULL);
    assert_int_equal(count_lines(rows), 20009);
    free(rows);
    /* OPTIMIZE itself packs across sizes */
    OK(silt_delta_optimize(&r, u.store, s, &oo, &err));
    assert_int_equal(r.files_removed, 2);
    silt_delta_snapshot_destroy(s);
    free(big);
    table_destroy(&u);
}

/* Every allocation of a scan and of an OPTIMIZE failing in turn: an error, never a crash, and
 * the table keeps its rows whatever step failed. */
static void test_out_of_memory(void **state)
{
    (void)state;
    table p;
    table_create(&p, true, NULL);
    fill(&p);
    append_rows(&p, 40, 4, 1, 1);
    silt_delta_snapshot *s = load(&p, -1);
    silt_delta_pred pred;
    silt_error err;
    OK(silt_delta_pred_parse(&pred, "id > 3", &err));
    int rc = -1;
    int64_t rows = 0;
    uint64_t n;
    for (n = 1; rc != 0 && n < 100000; n++) {
        silt_delta_scan_opts o = silt_delta_scan_opts_default();
        o.pred = &pred;
        o.file_ops = silt_delta_parquet_ops();
        rows = 0;
        silt_alloc_fail_nth(n);
        rc = silt_delta_scan(NULL, s, p.store, &o, count_rows_cb, &rows, &err);
        silt_alloc_fail_nth(0);
        if (rc) assert_int_equal(rc, SILT_ENOMEM);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(rows, 35);
    assert_true(n > 10);
    silt_delta_optimize_opts oo = {0};
    oo.file_ops = silt_delta_parquet_ops();
    silt_delta_optimize_result r;
    rc = -1;
    for (n = 1; rc != 0 && n < 100000; n++) {
        silt_alloc_fail_nth(n);
        rc = silt_delta_optimize(&r, p.store, s, &oo, &err);
        silt_alloc_fail_nth(0);
        if (rc == 0) break;
        silt_delta_snapshot *now = load(&p, -1);
        char *a = scan_sorted(&p, now, NULL, NULL);
        assert_int_equal(count_lines(a), 39);
        free(a);
        silt_delta_snapshot_destroy(now);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(r.files_removed, 2);
    silt_delta_snapshot *now = load(&p, -1);
    assert_int_equal(now->version, s->version + 1);
    char *a = scan_sorted(&p, now, NULL, NULL);
    assert_int_equal(count_lines(a), 39);
    free(a);
    silt_delta_snapshot_destroy(now);
    silt_delta_snapshot_destroy(s);
    table_destroy(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_partitioned_matches_unpartitioned),
        cmocka_unit_test(test_scan_partition_columns_reads_no_page),
        cmocka_unit_test(test_scan_predicates),
        cmocka_unit_test(test_scan_skips_row_groups),
        cmocka_unit_test(test_unknown_operator_keeps),
        cmocka_unit_test(test_optimize),
        cmocka_unit_test(test_optimize_races),
        cmocka_unit_test(test_optimize_failure_cleans_up),
        cmocka_unit_test(test_auto_compact_keeps_few_files),
        cmocka_unit_test(test_auto_compact_tiers),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
