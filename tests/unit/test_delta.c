/* Unit tests for src/delta reading: actions, schemas, partition values, statistics, log replay
 * of the fixture tables (delta-golden, spark-streaming-table, delta-txn), time travel, protocol
 * refusals, and checkpoint batches (Spark's schema, snapshot <-> rows, by-name resolution). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "batch/canon.h"
#include "delta/action.h"
#include "delta/checkpoint.h"
#include "delta/log.h"
#include "delta/props.h"
#include "delta/schema.h"
#include "delta/skip.h"
#include "store/store.h"
#include "util/alloc.h"

static const char *fixtures(void)
{
    const char *f = getenv("SILT_FIXTURES");
    return f ? f : "../../shared/fixtures";
}

static silt_store *open_fixture(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", fixtures(), rel);
    silt_store *s = NULL;
    silt_error err;
    assert_int_equal(silt_store_open(&s, path, &err), 0);
    return s;
}

static silt_delta_snapshot *load(silt_store *s, int64_t version, const silt_delta_file_ops *ops)
{
    silt_delta_read_opts o = silt_delta_read_opts_default();
    o.version = version;
    o.file_ops = ops;
    silt_delta_snapshot *snap = NULL;
    silt_error err;
    int rc = silt_delta_snapshot_load(&snap, s, &o, &err);
    if (rc) fail_msg("load of %s failed: %s", s->url, err.msg);
    return snap;
}

static int64_t sum_records(const silt_delta_snapshot *snap)
{
    int64_t sum = 0;
    for (size_t i = 0; i < snap->n_files; i++) {
        int64_t n;
        silt_error err;
        assert_int_equal(silt_delta_stats_num_records(&n, snap->files[i].stats, &err), 0);
        sum += n;
    }
    return sum;
}

/* ---- actions ---- */

static void test_actions_parse(void **state)
{
    (void)state;
    /* two objects on one line (delta-rs wrote this), blank lines, unknown actions */
    const char *commit =
        "{\"txn\":{\"appId\":\"a\",\"version\":3}}{\"add\":{\"path\":\"x%20y/f%2525.parquet\","
        "\"partitionValues\":{\"p\":null,\"q\":\"1\"},\"size\":10,\"modificationTime\":5,"
        "\"dataChange\":true,\"stats\":\"{\\\"numRecords\\\":7}\"}}\n\n"
        "{\"cdc\":{\"path\":\"c\"}}\n{\"domainMetadata\":{\"domain\":\"d\"}}\n"
        "{\"commitInfo\":{\"timestamp\":42,\"operation\":\"WRITE\"}}\n";
    silt_delta_actions a = {0};
    silt_error err;
    assert_int_equal(silt_delta_actions_parse(&a, commit, strlen(commit), "c.json", &err), 0);
    assert_int_equal(a.n, 5);
    assert_int_equal(a.items[0].type, SILT_DELTA_TXN);
    assert_int_equal(a.items[0].u.txn.version, 3);
    assert_int_equal(a.items[1].type, SILT_DELTA_ADD);
    assert_string_equal(a.items[1].u.add.path, "x y/f%25.parquet");
    const char *v = "?";
    assert_true(silt_delta_map_get(&a.items[1].u.add.partition_values, "p", &v));
    assert_null(v);
    int64_t n;
    assert_int_equal(silt_delta_stats_num_records(&n, a.items[1].u.add.stats, &err), 0);
    assert_int_equal(n, 7);
    /* numRecords first (read without a parser) or anywhere else, spaced or not */
    static const struct {
        const char *stats;
        int rc;
        int64_t n;
    } nr[] = {{"{\"numRecords\":123456789012,\"minValues\":{}}", 0, 123456789012},
              {"{\"minValues\":{\"numRecords\":1},\"numRecords\":5}", 0, 5},
              {"{ \"numRecords\" : 6 }", 0, 6},
              {"{\"numRecords\":12345678901234567890}", 0, -1}, /* past int64: jansson's */
              {"{\"numRecords\":7.5}", SILT_ENOTFOUND, -1},
              {"{\"numRecords\":8x", SILT_ECORRUPT, -1},
              {"{\"nullCount\":{}}", SILT_ENOTFOUND, -1}};
    for (size_t i = 0; i < sizeof nr / sizeof nr[0]; i++) {
        silt_error_clear(&err);
        int rc = silt_delta_stats_num_records(&n, nr[i].stats, &err);
        if (nr[i].rc == 0 && nr[i].n < 0) { /* out of range: an error or a clamped value */
            assert_true(rc != 0 || n != 123456789012);
            continue;
        }
        assert_int_equal(rc, nr[i].rc);
        assert_int_equal(n, nr[i].n);
    }
    silt_error_clear(&err);
    assert_int_equal(a.items[2].type, SILT_DELTA_OTHER);
    assert_int_equal(a.items[4].u.commit_info.timestamp, 42);
    assert_string_equal(a.items[4].u.commit_info.operation, "WRITE");
    /* write and parse back: same actions */
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_delta_actions_write(&b, &a, &err), 0);
    silt_delta_actions a2 = {0};
    assert_int_equal(silt_delta_actions_parse(&a2, b.ptr, b.len, "w.json", &err), 0);
    assert_int_equal(a2.n, 3); /* OTHER actions are not written */
    assert_string_equal(a2.items[1].u.add.path, "x y/f%25.parquet");
    assert_non_null(strstr((char *)b.ptr, "x%20y/f%2525.parquet"));
    assert_string_equal(a2.items[1].u.add.stats, "{\"numRecords\":7}");
    assert_int_equal(a2.items[2].u.commit_info.timestamp, 42);
    silt_delta_actions_clear(&a2);
    silt_delta_actions_clear(&a);
    silt_buf_free(&b);
}

static void test_actions_errors(void **state)
{
    (void)state;
    silt_delta_actions a = {0};
    silt_error err;
    const char *bad1 = "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n{\"add\":";
    assert_int_equal(silt_delta_actions_parse(&a, bad1, strlen(bad1), "b.json", &err),
                     SILT_ECORRUPT);
    assert_int_equal(err.line, 2);
    assert_int_equal(a.n, 0); /* nothing kept on failure */
    const char *bad2 = "{\"add\":{\"size\":1,\"dataChange\":true}}";
    assert_int_equal(silt_delta_actions_parse(&a, bad2, strlen(bad2), "b.json", &err),
                     SILT_ECORRUPT);
    assert_non_null(strstr(err.msg, "'path' is missing"));
    const char *bad3 = "{\"txn\":{\"appId\":\"a\",\"version\":\"x\"}}";
    assert_int_equal(silt_delta_actions_parse(&a, bad3, strlen(bad3), "b.json", &err),
                     SILT_ECORRUPT);
    assert_non_null(strstr(err.msg, "'version' is not an integer"));
    /* an empty commit file is an error naming the file, never an empty commit */
    assert_int_equal(
        silt_delta_actions_parse(&a, "", 0, "_delta_log/00000000000000000003.json", &err),
        SILT_ECORRUPT);
    assert_non_null(strstr(err.msg, "_delta_log/00000000000000000003.json is empty (0 bytes)"));
    assert_non_null(strstr(err.msg, "not written completely"));
    assert_string_equal(err.path, "_delta_log/00000000000000000003.json");
    assert_int_equal(silt_delta_actions_parse(&a, " \n\n", 3, "e.json", &err), SILT_ECORRUPT);
    assert_non_null(strstr(err.msg, "only white space"));
    assert_int_equal(a.n, 0);
    const char *bad4 = "[1,2]";
    assert_int_equal(silt_delta_actions_parse(&a, bad4, strlen(bad4), "b.json", &err),
                     SILT_ECORRUPT);
    const char *bad5 = "{\"add\":{\"path\":\"a%zz\",\"size\":1,\"dataChange\":true}}";
    assert_int_equal(silt_delta_actions_parse(&a, bad5, strlen(bad5), "b.json", &err),
                     SILT_ECORRUPT);
    assert_non_null(strstr(err.msg, "escape"));
    silt_delta_actions_clear(&a);
}

/* ---- schemas ---- */

static void test_schema_roundtrip(void **state)
{
    (void)state;
    const char *json =
        "{\"type\":\"struct\",\"fields\":["
        "{\"name\":\"b\",\"type\":\"boolean\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"i8\",\"type\":\"byte\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"i16\",\"type\":\"short\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"i32\",\"type\":\"integer\",\"nullable\":false,\"metadata\":{}},"
        "{\"name\":\"i64\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"f\",\"type\":\"float\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"d\",\"type\":\"double\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"s\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"bin\",\"type\":\"binary\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"dt\",\"type\":\"date\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"ts\",\"type\":\"timestamp\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"tn\",\"type\":\"timestamp_ntz\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"dec\",\"type\":\"decimal(38,18)\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"arr\",\"type\":{\"type\":\"array\",\"elementType\":\"integer\","
        "\"containsNull\":false},\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"keyType\":\"string\",\"valueType\":"
        "{\"type\":\"struct\",\"fields\":[{\"name\":\"x\",\"type\":\"double\",\"nullable\":true,"
        "\"metadata\":{}}]},\"valueContainsNull\":true},\"nullable\":true,\"metadata\":{}}]}";
    silt_schema *s = NULL;
    silt_error err;
    assert_int_equal(silt_delta_schema_parse(&s, json, &err), 0);
    assert_int_equal(s->n_fields, 15);
    assert_int_equal(s->fields[0].type, SILT_TYPE_BOOL);
    assert_int_equal(s->fields[3].type, SILT_TYPE_INT32);
    assert_false(s->fields[3].nullable);
    assert_int_equal(s->fields[10].type, SILT_TYPE_TIMESTAMP);
    assert_true(s->fields[10].tz_utc);
    assert_false(s->fields[11].tz_utc);
    assert_int_equal(s->fields[12].precision, 38);
    assert_int_equal(s->fields[12].scale, 18);
    assert_int_equal(s->fields[13].type, SILT_TYPE_LIST);
    assert_false(s->fields[13].children[0].nullable);
    assert_int_equal(s->fields[14].type, SILT_TYPE_MAP);
    assert_int_equal(s->fields[14].children[0].children[1].type, SILT_TYPE_STRUCT);
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_delta_schema_write(&b, s, &err), 0);
    assert_int_equal(silt_buf_cstr(&b), 0);
    assert_string_equal((char *)b.ptr, json);
    silt_buf_free(&b);
    silt_schema_destroy(s);
    /* unknown types are refused, naming the column */
    assert_int_equal(silt_delta_schema_parse(
                         &s,
                         "{\"type\":\"struct\",\"fields\":[{\"name\":\"v\",\"type\":\"variant\","
                         "\"nullable\":true,\"metadata\":{}}]}",
                         &err),
                     SILT_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "'v'"));
    assert_non_null(strstr(err.msg, "variant"));
    assert_int_equal(silt_delta_schema_parse(&s, "{\"type\":\"struct\"", &err), SILT_ECORRUPT);
}

/* ---- partition values and stats ---- */

static void test_partition_values(void **state)
{
    (void)state;
    const char *json =
        "{\"type\":\"struct\",\"fields\":["
        "{\"name\":\"i\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"b\",\"type\":\"boolean\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"f\",\"type\":\"float\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"dt\",\"type\":\"date\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"ts\",\"type\":\"timestamp\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"dec\",\"type\":\"decimal(5,2)\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"s\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"by\",\"type\":\"byte\",\"nullable\":true,\"metadata\":{}}]}";
    silt_schema *s = NULL;
    silt_error err;
    assert_int_equal(silt_delta_schema_parse(&s, json, &err), 0);
    silt_batch *batch = silt_batch_create(s);
    const char *row1[] = {"-7",    "true", "1.5", "2021-09-08", "2021-09-08 11:11:11.5",
                          "-12.5", "null", "12"};
    for (size_t i = 0; i < 8; i++)
        assert_int_equal(silt_delta_partition_append(&batch->cols[i], &s->fields[i], row1[i], &err),
                         0);
    for (size_t i = 0; i < 8; i++)
        assert_int_equal(silt_delta_partition_append(&batch->cols[i], &s->fields[i], NULL, &err),
                         0);
    assert_int_equal(silt_batch_validate(batch, &err), 0);
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_canon_batch(&b, batch), 0);
    silt_buf_cstr(&b);
    assert_string_equal(
        (char *)b.ptr,
        "-7\ttrue\t1.5\t2021-09-08\t2021-09-08 11:11:11.500000\t-12.50\t\"null\"\t12\n"
        "null\tnull\tnull\tnull\tnull\tnull\tnull\tnull\n");
    /* formatting gives the log's text back */
    const char *expect[] = {"-7",     "true", "1.5", "2021-09-08", "2021-09-08 11:11:11.500000",
                            "-12.50", "null", "12"};
    for (size_t i = 0; i < 8; i++) {
        silt_buf_reset(&b);
        bool is_null;
        assert_int_equal(
            silt_delta_partition_format(&b, &is_null, &s->fields[i], &batch->cols[i], 0, &err), 0);
        assert_false(is_null);
        silt_buf_cstr(&b);
        assert_string_equal((char *)b.ptr, expect[i]);
        assert_int_equal(
            silt_delta_partition_format(&b, &is_null, &s->fields[i], &batch->cols[i], 1, &err), 0);
        assert_true(is_null);
    }
    /* bad values name the column */
    assert_int_equal(silt_delta_partition_append(&batch->cols[0], &s->fields[0], "x1", &err),
                     SILT_ECORRUPT);
    assert_string_equal(err.column, "i");
    assert_int_equal(silt_delta_partition_append(&batch->cols[7], &s->fields[7], "300", &err),
                     SILT_ECORRUPT);
    assert_int_equal(
        silt_delta_partition_append(&batch->cols[3], &s->fields[3], "2021-13-01", &err),
        SILT_ECORRUPT);
    /* directory names */
    silt_buf_reset(&b);
    assert_int_equal(silt_delta_partition_dir(&b, "_2", "bar+%21 a/b=c"), 0);
    silt_buf_cstr(&b);
    assert_string_equal((char *)b.ptr, "_2=bar+%2521 a%2Fb%3Dc");
    silt_buf_reset(&b);
    assert_int_equal(silt_delta_partition_dir(&b, "p", NULL), 0);
    silt_buf_cstr(&b);
    assert_string_equal((char *)b.ptr, "p=__HIVE_DEFAULT_PARTITION__");
    silt_buf_free(&b);
    silt_batch_destroy(batch);
    silt_schema_destroy(s);
}

static void test_stats_truncation(void **state)
{
    (void)state;
    silt_buf b = SILT_BUF_INIT;
    bool none;
    /* the ProductName max Spark wrote in the streaming fixture */
    const char *name = "Tree T-Light Holder Willie Winkie";
    assert_int_equal(silt_delta_stats_truncate_max(&b, &none, name, strlen(name)), 0);
    assert_false(none);
    assert_int_equal(b.len, 35);
    assert_memory_equal(b.ptr, "Tree T-Light Holder Willie Winki\xEF\xBF\xBD", 35);
    assert_true(silt_delta_stats_max_truncated((char *)b.ptr, b.len));
    silt_buf_reset(&b);
    assert_int_equal(silt_delta_stats_truncate_min(&b, name, strlen(name)), 0);
    assert_int_equal(b.len, 32);
    silt_buf_reset(&b);
    assert_int_equal(silt_delta_stats_truncate_max(&b, &none, "short", 5), 0);
    assert_int_equal(b.len, 5);
    assert_false(silt_delta_stats_max_truncated("short", 5));
    /* multi-byte characters count as one */
    silt_buf_reset(&b);
    char s[200] = "";
    for (int i = 0; i < 40; i++) strcat(s, "\xC3\xA9");
    assert_int_equal(silt_delta_stats_truncate_min(&b, s, strlen(s)), 0);
    assert_int_equal(b.len, 64);
    silt_buf_free(&b);
    /* reading the truncated max from Spark's stats */
    silt_delta_col_stats cs;
    silt_error err;
    const char *stats =
        "{\"numRecords\":9,\"minValues\":{\"P\":\"a\"},\"maxValues\":{\"P\":"
        "\"Tree T-Light Holder Willie Winki\xEF\xBF\xBD\"},\"nullCount\":{\"P\":2}}";
    assert_int_equal(silt_delta_stats_column(&cs, stats, "P", &err), 0);
    assert_string_equal(cs.min_json, "\"a\"");
    assert_true(cs.max_truncated);
    assert_int_equal(cs.null_count, 2);
    silt_delta_col_stats_clear(&cs);
    assert_int_equal(silt_delta_stats_column(&cs, "{bad", "P", &err), SILT_ECORRUPT);
}

/* ---- fixture tables ---- */

static void test_spark_streaming_replay(void **state)
{
    (void)state;
    silt_store *s = open_fixture("spark-streaming-table");
    silt_delta_snapshot *snap = load(s, -1, NULL);
    assert_int_equal(snap->version, 420);
    assert_int_equal(snap->n_files, 421);
    assert_int_equal(snap->n_commits_read, 421);
    assert_int_equal(snap->checkpoint_version, -1);
    assert_int_equal(sum_records(snap), 432);
    assert_int_equal(snap->protocol.min_reader_version, 1);
    assert_int_equal(snap->protocol.min_writer_version, 2);
    assert_int_equal(snap->schema->n_fields, 8);
    assert_string_equal(snap->schema->fields[4].name, "Price");
    assert_int_equal(snap->schema->fields[4].type, SILT_TYPE_FLOAT);
    assert_int_equal(snap->n_txns, 1);
    assert_int_equal(snap->txns[0].version, 420);
    /* every live file exists in the table directory */
    for (size_t i = 0; i < snap->n_files; i++) {
        silt_store_entry e;
        silt_error err;
        assert_int_equal(silt_store_head(s, &e, snap->files[i].path, &err), 0);
        assert_int_equal((int64_t)e.size, snap->files[i].size);
        silt_free(e.key);
    }
    silt_delta_snapshot_destroy(snap);
    /* time travel */
    const int64_t versions[] = {0, 9, 10, 100, 419};
    const size_t files[] = {1, 10, 11, 101, 420};
    int64_t prev_rows = 0;
    for (size_t i = 0; i < 5; i++) {
        snap = load(s, versions[i], NULL);
        assert_int_equal(snap->version, versions[i]);
        assert_int_equal(snap->n_files, files[i]);
        int64_t rows = sum_records(snap);
        assert_true(rows > prev_rows && rows <= 432);
        prev_rows = rows;
        if (versions[i] == 0) assert_int_equal(rows, 9);
        silt_delta_snapshot_destroy(snap);
    }
    silt_error err;
    silt_delta_read_opts o = silt_delta_read_opts_default();
    o.version = 421;
    assert_int_equal(silt_delta_snapshot_load(&snap, s, &o, &err), SILT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "latest version is 420"));
    /* by timestamp: commitInfo.timestamp of version 1 is 1724782618406 */
    o = silt_delta_read_opts_default();
    o.timestamp_ms = 1724782618406;
    assert_int_equal(silt_delta_snapshot_load(&snap, s, &o, &err), 0);
    assert_int_equal(snap->version, 1);
    assert_int_equal(snap->timestamp_ms, 1724782618406);
    silt_delta_snapshot_destroy(snap);
    o.timestamp_ms = 1724782618405;
    assert_int_equal(silt_delta_snapshot_load(&snap, s, &o, &err), 0);
    assert_int_equal(snap->version, 0);
    silt_delta_snapshot_destroy(snap);
    o.timestamp_ms = 1000;
    assert_int_equal(silt_delta_snapshot_load(&snap, s, &o, &err), SILT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "earliest"));
    silt_store_destroy(s);
}

static void test_txn_fixtures(void **state)
{
    (void)state;
    const char *tables[] = {"delta-txn/app-txn-no-checkpoint", "delta-txn/app-txn-checkpoint"};
    for (size_t t = 0; t < 2; t++) {
        silt_store *s = open_fixture(tables[t]);
        silt_delta_snapshot *snap = load(s, -1, NULL);
        assert_int_equal(silt_delta_snapshot_txn_version(snap, "my-app"), 3);
        assert_int_equal(silt_delta_snapshot_txn_version(snap, "my-app2"), 2);
        assert_int_equal(silt_delta_snapshot_txn_version(snap, "other"), -1);
        assert_int_equal(snap->n_files, 4);
        assert_int_equal(snap->metadata.n_partition_columns, 1);
        assert_string_equal(snap->metadata.partition_columns[0], "modified");
        silt_delta_snapshot_destroy(snap);
        silt_store_destroy(s);
    }
}

static void test_invalid_tables(void **state)
{
    (void)state;
    silt_error err;
    silt_delta_snapshot *snap = NULL;
    silt_store *s = open_fixture("delta-golden/deltalog-invalid-protocol-version/delta");
    assert_int_equal(silt_delta_snapshot_load(&snap, s, NULL, &err), SILT_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "reader version 99"));
    assert_null(snap);
    silt_store_destroy(s);
    s = open_fixture("delta-golden/versions-not-contiguous/delta");
    assert_int_equal(silt_delta_snapshot_load(&snap, s, NULL, &err), SILT_ECORRUPT);
    assert_non_null(strstr(err.msg, "not contiguous"));
    assert_non_null(strstr(err.msg, "version 1 is missing"));
    silt_store_destroy(s);
    s = open_fixture("delta-golden/no-such-table");
    assert_int_equal(silt_delta_snapshot_load(&snap, s, NULL, &err), SILT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "not a Delta table"));
    silt_store_destroy(s);
}

/* Every golden table: loads, its schema parses, every live file exists, and its partition
 * values convert to the partition columns' types. */
static void test_golden_tables(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/delta-golden", fixtures());
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    int loaded = 0;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        if (strcmp(de->d_name, "deltalog-invalid-protocol-version") == 0 ||
            strcmp(de->d_name, "versions-not-contiguous") == 0)
            continue;
        char rel[512];
        snprintf(rel, sizeof rel, "delta-golden/%s/delta", de->d_name);
        silt_store *s = open_fixture(rel);
        silt_delta_snapshot *snap = load(s, -1, NULL);
        assert_non_null(snap->schema);
        assert_true(snap->schema->n_fields > 0);
        assert_true(snap->n_files > 0);
        silt_error err;
        for (size_t i = 0; i < snap->n_files; i++) {
            silt_store_entry e;
            if (silt_store_head(s, &e, snap->files[i].path, &err))
                fail_msg("%s: live file %s missing: %s", rel, snap->files[i].path, err.msg);
            silt_free(e.key);
            for (size_t p = 0; p < snap->metadata.n_partition_columns; p++) {
                const char *col = snap->metadata.partition_columns[p], *v = NULL;
                long fi = silt_schema_find(snap->schema, col);
                assert_true(fi >= 0);
                assert_true(silt_delta_map_get(&snap->files[i].partition_values, col, &v));
                silt_column c;
                assert_int_equal(silt_column_init(&c, &snap->schema->fields[fi]), 0);
                if (silt_delta_partition_append(&c, &snap->schema->fields[fi], v, &err))
                    fail_msg("%s: %s", rel, err.msg);
                silt_column_clear(&c);
            }
        }
        silt_delta_snapshot_destroy(snap);
        silt_store_destroy(s);
        loaded++;
    }
    closedir(d);
    assert_int_equal(loaded, 16);
}

static void test_golden_details(void **state)
{
    (void)state;
    silt_store *s = open_fixture("delta-golden/data-reader-escaped-chars/delta");
    silt_delta_snapshot *snap = load(s, -1, NULL);
    assert_int_equal(snap->n_files, 3);
    const char *v;
    assert_true(silt_delta_map_get(&snap->files[0].partition_values, "_2", &v));
    assert_string_equal(v, "bar+%21");
    assert_string_equal(
        snap->files[0].path,
        "_2=bar+%2521/part-00000-af08f887-922f-4c31-82a7-8e142c4280a6.c000.snappy.parquet");
    silt_delta_snapshot_destroy(snap);
    silt_store_destroy(s);

    s = open_fixture("delta-golden/data-reader-partition-values/delta");
    snap = load(s, -1, NULL);
    assert_int_equal(snap->n_files, 3);
    assert_int_equal(snap->metadata.n_partition_columns, 12);
    size_t nulls = 0;
    for (size_t i = 0; i < snap->n_files; i++)
        if (silt_delta_map_get(&snap->files[i].partition_values, "as_int", &v) && !v) nulls++;
    assert_int_equal(nulls, 1);
    silt_delta_snapshot_destroy(snap);
    silt_store_destroy(s);

    /* removes: the inserts/deletes table keeps files whose removes are replayed */
    s = open_fixture("delta-golden/basic-with-inserts-deletes-checkpoint/delta");
    snap = load(s, -1, NULL);
    assert_int_equal(snap->version, 13);
    assert_true(snap->n_tombstones > 0);
    for (size_t i = 0; i < snap->n_tombstones; i++)
        assert_null(silt_delta_snapshot_find(snap, snap->tombstones[i].path));
    silt_delta_snapshot_destroy(snap);
    silt_store_destroy(s);
}

/* ---- checkpoints as batches ---- */

/* A fake checkpoint reader: serves batches built by silt_delta_checkpoint_batch from a
 * reference snapshot, and counts its calls. */
typedef struct fake_cp {
    const silt_delta_snapshot *ref;
    int calls;
    char last_key[256];
} fake_cp;

static int fake_read_checkpoint(void *ctx, silt_store *store, const char *key,
                                int (*emit)(void *, const silt_batch *, silt_error *), void *arg,
                                silt_error *err)
{
    (void)store;
    fake_cp *f = ctx;
    f->calls++;
    snprintf(f->last_key, sizeof f->last_key, "%s", key);
    silt_batch *b = NULL;
    int rc = silt_delta_checkpoint_batch(&b, f->ref, 0, err);
    if (!rc) rc = emit(arg, b, err);
    silt_batch_destroy(b);
    return rc;
}

static void test_checkpoint_schema_matches_spark(void **state)
{
    (void)state;
    /* the schema in Spark's own _last_checkpoint, parsed independently */
    silt_store *s = open_fixture("spark-streaming-table");
    silt_buf b = SILT_BUF_INIT;
    silt_error err;
    assert_int_equal(silt_store_get(s, &b, "_delta_log/_last_checkpoint", &err), 0);
    silt_buf_cstr(&b);
    char *start = strstr((char *)b.ptr, "\"checkpointSchema\":");
    assert_non_null(start);
    start += strlen("\"checkpointSchema\":");
    char *end = strstr(start, ",\"checkpoint\"");
    if (!end) end = strstr(start, ",\"checksum\"");
    assert_non_null(end);
    *end = '\0';
    silt_schema *spark = NULL, *ours = NULL;
    assert_int_equal(silt_delta_schema_parse(&spark, start, &err), 0);
    assert_int_equal(silt_delta_checkpoint_schema(&ours, &err), 0);
    silt_buf x = SILT_BUF_INIT, y = SILT_BUF_INIT;
    assert_int_equal(silt_delta_schema_write(&x, spark, &err), 0);
    assert_int_equal(silt_delta_schema_write(&y, ours, &err), 0);
    assert_int_equal(x.len, y.len);
    assert_memory_equal(x.ptr, y.ptr, x.len);
    const char *top[] = {"txn", "add", "remove", "metaData", "protocol", "domainMetadata"};
    assert_int_equal(ours->n_fields, 6);
    for (size_t i = 0; i < 6; i++) assert_string_equal(ours->fields[i].name, top[i]);
    silt_buf_free(&x);
    silt_buf_free(&y);
    silt_buf_free(&b);
    silt_schema_destroy(spark);
    silt_schema_destroy(ours);
    silt_store_destroy(s);
}

static void test_checkpoint_roundtrip_spark(void **state)
{
    (void)state;
    silt_store *s = open_fixture("spark-streaming-table");
    silt_delta_snapshot *json_snap = load(s, -1, NULL);
    /* the plan starts from the checkpoint at 420 and reads no JSON commit */
    silt_delta_segment seg;
    silt_error err;
    assert_int_equal(silt_delta_segment_plan(&seg, s, -1, true, &err), 0);
    assert_int_equal(seg.checkpoint_version, 420);
    assert_int_equal(seg.n_checkpoint_parts, 1);
    assert_string_equal(seg.checkpoint_keys[0],
                        "_delta_log/00000000000000000420.checkpoint.parquet");
    assert_int_equal(seg.n_commits, 0);
    assert_true(seg.used_last_checkpoint);
    silt_delta_segment_clear(&seg);
    /* loading through a checkpoint reader: one call, zero JSON commits, same state */
    fake_cp f = {json_snap, 0, ""};
    silt_delta_file_ops ops = {&f, NULL, NULL, fake_read_checkpoint, NULL, NULL, NULL};
    silt_delta_snapshot *cp_snap = load(s, -1, &ops);
    assert_int_equal(f.calls, 1);
    assert_string_equal(f.last_key, "_delta_log/00000000000000000420.checkpoint.parquet");
    assert_int_equal(cp_snap->checkpoint_version, 420);
    assert_int_equal(cp_snap->n_commits_read, 0);
    assert_int_equal(cp_snap->n_files, 421);
    assert_int_equal(sum_records(cp_snap), 432);
    assert_int_equal(silt_delta_snapshot_txn_version(cp_snap, json_snap->txns[0].app_id), 420);
    for (size_t i = 0; i < cp_snap->n_files; i++) {
        assert_string_equal(cp_snap->files[i].path, json_snap->files[i].path);
        assert_int_equal(cp_snap->files[i].size, json_snap->files[i].size);
        assert_string_equal(cp_snap->files[i].stats, json_snap->files[i].stats);
    }
    assert_string_equal(cp_snap->metadata.schema_string, json_snap->metadata.schema_string);
    silt_delta_snapshot_destroy(cp_snap);
    /* an earlier version with the reader: checkpoint 410 + 9 commits */
    f.calls = 0;
    silt_delta_snapshot *v419 = load(s, 419, NULL);
    f.ref = NULL;
    assert_int_equal(silt_delta_segment_plan(&seg, s, 419, true, &err), 0);
    assert_int_equal(seg.checkpoint_version, 410);
    assert_int_equal(seg.n_commits, 9);
    assert_false(seg.used_last_checkpoint);
    silt_delta_segment_clear(&seg);
    silt_delta_snapshot_destroy(v419);
    silt_delta_snapshot_destroy(json_snap);
    silt_store_destroy(s);
}

static void test_checkpoint_by_name(void **state)
{
    (void)state;
    /* a delta-rs-like layout: different column order, extra columns, no remove/txn columns */
    const char *json =
        "{\"type\":\"struct\",\"fields\":["
        "{\"name\":\"protocol\",\"type\":{\"type\":\"struct\",\"fields\":["
        "{\"name\":\"minWriterVersion\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"minReaderVersion\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}}]},"
        "\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"add\",\"type\":{\"type\":\"struct\",\"fields\":["
        "{\"name\":\"stats_parsed\",\"type\":{\"type\":\"struct\",\"fields\":[{\"name\":"
        "\"numRecords\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]},\"nullable\":true,"
        "\"metadata\":{}},"
        "{\"name\":\"size\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"path\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"dataChange\",\"type\":\"boolean\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"partitionValues\",\"type\":{\"type\":\"map\",\"keyType\":\"string\","
        "\"valueType\":\"string\",\"valueContainsNull\":true},\"nullable\":true,\"metadata\":{}}]},"
        "\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"extra\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}}]}";
    silt_schema *schema = NULL;
    silt_error err;
    assert_int_equal(silt_delta_schema_parse(&schema, json, &err), 0);
    silt_batch *b = silt_batch_create(schema);
    silt_column *proto = &b->cols[0], *add = &b->cols[1], *extra = &b->cols[2];
    /* row 0: protocol 1/2 */
    assert_int_equal(silt_column_append_int(&proto->children[0], 2), 0);
    assert_int_equal(silt_column_append_int(&proto->children[1], 1), 0);
    assert_int_equal(silt_column_append_valid(proto), 0);
    assert_int_equal(silt_column_append_null(add), 0);
    assert_int_equal(silt_column_append_bytes(extra, "x", 1), 0);
    /* row 1: add with partition value p=null, q=7 */
    assert_int_equal(silt_column_append_null(proto), 0);
    assert_int_equal(silt_column_append_int(&add->children[0].children[0], 5), 0);
    assert_int_equal(silt_column_append_valid(&add->children[0]), 0);
    assert_int_equal(silt_column_append_int(&add->children[1], 99), 0);
    assert_int_equal(silt_column_append_bytes(&add->children[2], "q=7/f%20x.parquet", 17), 0);
    assert_int_equal(silt_column_append_bool(&add->children[3], true), 0);
    silt_column *kv = &add->children[4].children[0];
    assert_int_equal(silt_column_append_bytes(&kv->children[0], "p", 1), 0);
    assert_int_equal(silt_column_append_null(&kv->children[1]), 0);
    assert_int_equal(silt_column_append_valid(kv), 0);
    assert_int_equal(silt_column_append_bytes(&kv->children[0], "q", 1), 0);
    assert_int_equal(silt_column_append_bytes(&kv->children[1], "7", 1), 0);
    assert_int_equal(silt_column_append_valid(kv), 0);
    assert_int_equal(silt_column_append_valid(&add->children[4]), 0);
    assert_int_equal(silt_column_append_valid(add), 0);
    assert_int_equal(silt_column_append_null(extra), 0);
    assert_int_equal(silt_batch_validate(b, &err), 0);
    silt_delta_actions a = {0};
    assert_int_equal(silt_delta_actions_from_batch(&a, b, &err), 0);
    assert_int_equal(a.n, 2);
    assert_int_equal(a.items[0].type, SILT_DELTA_PROTOCOL);
    assert_int_equal(a.items[0].u.protocol.min_reader_version, 1);
    assert_int_equal(a.items[0].u.protocol.min_writer_version, 2);
    assert_int_equal(a.items[1].type, SILT_DELTA_ADD);
    assert_string_equal(a.items[1].u.add.path, "q=7/f x.parquet");
    assert_int_equal(a.items[1].u.add.size, 99);
    assert_true(a.items[1].u.add.data_change);
    assert_null(a.items[1].u.add.stats);
    const char *v = "?";
    assert_true(silt_delta_map_get(&a.items[1].u.add.partition_values, "p", &v));
    assert_null(v);
    assert_true(silt_delta_map_get(&a.items[1].u.add.partition_values, "q", &v));
    assert_string_equal(v, "7");
    silt_delta_actions_clear(&a);
    silt_batch_destroy(b);
    silt_schema_destroy(schema);
}

static void test_checkpoint_batch_shape(void **state)
{
    (void)state;
    silt_store *s = open_fixture("delta-txn/app-txn-no-checkpoint");
    silt_delta_snapshot *snap = load(s, -1, NULL);
    silt_batch *b = NULL;
    silt_error err;
    assert_int_equal(silt_delta_checkpoint_batch(&b, snap, 0, &err), 0);
    assert_int_equal(silt_batch_validate(b, &err), 0);
    /* protocol + metaData + 2 txns + 4 adds; exactly one non-null column per row */
    assert_int_equal(b->n_rows, 8);
    for (int64_t i = 0; i < b->n_rows; i++) {
        int set = 0;
        for (size_t c = 0; c < b->n_cols; c++) set += silt_column_is_valid(&b->cols[c], i);
        assert_int_equal(set, 1);
    }
    /* and back */
    silt_delta_actions a = {0};
    assert_int_equal(silt_delta_actions_from_batch(&a, b, &err), 0);
    assert_int_equal(a.n, 8);
    assert_int_equal(a.items[0].type, SILT_DELTA_PROTOCOL);
    assert_int_equal(a.items[1].type, SILT_DELTA_METADATA);
    assert_string_equal(a.items[1].u.metadata.partition_columns[0], "modified");
    assert_int_equal(a.items[2].type, SILT_DELTA_TXN);
    assert_string_equal(a.items[2].u.txn.app_id, "my-app");
    assert_int_equal(a.items[2].u.txn.version, 3);
    silt_delta_actions_clear(&a);
    silt_batch_destroy(b);
    silt_delta_snapshot_destroy(snap);
    silt_store_destroy(s);
}

static void test_last_checkpoint_tolerance(void **state)
{
    (void)state;
    silt_store *s = NULL;
    silt_error err;
    assert_int_equal(silt_store_mem_create(&s, &err), 0);
    /* copy the txn table's log: versions 0, 1 plus a checkpoint at 1 */
    silt_store *src = open_fixture("delta-txn/app-txn-checkpoint");
    silt_store_listing l = {0};
    assert_int_equal(silt_store_list(src, &l, "_delta_log/", &err), 0);
    silt_buf b = SILT_BUF_INIT;
    for (size_t i = 0; i < l.n; i++) {
        assert_int_equal(silt_store_get(src, &b, l.entries[i].key, &err), 0);
        assert_int_equal(silt_store_put(s, l.entries[i].key, b.ptr, b.len, &err), 0);
    }
    silt_store_list_clear(&l);
    silt_delta_segment seg;
    assert_int_equal(silt_delta_segment_plan(&seg, s, -1, true, &err), 0);
    assert_int_equal(seg.checkpoint_version, 1);
    assert_true(seg.used_last_checkpoint);
    silt_delta_segment_clear(&seg);
    /* corrupt: falls back to the listing */
    assert_int_equal(silt_store_put(s, "_delta_log/_last_checkpoint", "{garbage", 8, &err), 0);
    assert_int_equal(silt_delta_segment_plan(&seg, s, -1, true, &err), 0);
    assert_int_equal(seg.checkpoint_version, 1);
    assert_false(seg.used_last_checkpoint);
    assert_true(seg.last_checkpoint_bad);
    silt_delta_segment_clear(&seg);
    /* stale (names a checkpoint that does not exist) */
    assert_int_equal(silt_store_put(s, "_delta_log/_last_checkpoint", "{\"version\":0}", 13, &err),
                     0);
    assert_int_equal(silt_delta_segment_plan(&seg, s, -1, true, &err), 0);
    assert_int_equal(seg.checkpoint_version, 1);
    assert_true(seg.last_checkpoint_bad);
    silt_delta_segment_clear(&seg);
    /* missing */
    assert_int_equal(silt_store_delete(s, "_delta_log/_last_checkpoint", &err), 0);
    assert_int_equal(silt_delta_segment_plan(&seg, s, -1, true, &err), 0);
    assert_int_equal(seg.checkpoint_version, 1);
    assert_false(seg.last_checkpoint_bad);
    silt_delta_segment_clear(&seg);
    /* without version 0, a JSON-only load is refused and says why */
    assert_int_equal(silt_store_delete(s, "_delta_log/00000000000000000000.json", &err), 0);
    silt_delta_snapshot *snap = NULL;
    assert_int_equal(silt_delta_snapshot_load(&snap, s, NULL, &err), SILT_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "checkpoint"));
    /* a store fault surfaces as an I/O error */
    silt_store_mem_fail_path(s, "00000000000000000001.json");
    assert_int_equal(silt_delta_snapshot_load(&snap, s, NULL, &err), SILT_EUNSUPPORTED);
    silt_store_mem_fail_path(s, "_delta_log/");
    assert_int_equal(silt_delta_snapshot_load(&snap, s, NULL, &err), SILT_EIO);
    silt_buf_free(&b);
    silt_store_destroy(src);
    silt_store_destroy(s);
}

static void test_multi_part_checkpoint_plan(void **state)
{
    (void)state;
    silt_store *s = open_fixture("delta-golden/multi-part-checkpoint/delta");
    silt_delta_segment seg;
    silt_error err;
    assert_int_equal(silt_delta_segment_plan(&seg, s, -1, true, &err), 0);
    assert_int_equal(seg.version, 1);
    assert_int_equal(seg.checkpoint_version, 1);
    assert_int_equal(seg.n_checkpoint_parts, 2);
    assert_string_equal(seg.checkpoint_keys[0],
                        "_delta_log/00000000000000000001.checkpoint.0000000001.0000000002.parquet");
    assert_string_equal(seg.checkpoint_keys[1],
                        "_delta_log/00000000000000000001.checkpoint.0000000002.0000000002.parquet");
    assert_int_equal(seg.n_commits, 0);
    silt_delta_segment_clear(&seg);
    /* a missing part makes the checkpoint unusable: plan from JSON instead */
    silt_store *m = NULL;
    assert_int_equal(silt_store_mem_create(&m, &err), 0);
    silt_store_listing l = {0};
    silt_buf b = SILT_BUF_INIT;
    assert_int_equal(silt_store_list(s, &l, "_delta_log/", &err), 0);
    for (size_t i = 0; i < l.n; i++) {
        if (strstr(l.entries[i].key, "checkpoint.0000000002")) continue;
        assert_int_equal(silt_store_get(s, &b, l.entries[i].key, &err), 0);
        assert_int_equal(silt_store_put(m, l.entries[i].key, b.ptr, b.len, &err), 0);
    }
    assert_int_equal(silt_delta_segment_plan(&seg, m, -1, true, &err), 0);
    assert_int_equal(seg.checkpoint_version, -1);
    assert_int_equal(seg.n_commits, 2);
    assert_true(seg.last_checkpoint_bad);
    silt_delta_segment_clear(&seg);
    silt_store_list_clear(&l);
    silt_buf_free(&b);
    silt_store_destroy(m);
    silt_store_destroy(s);
}

static void test_file_selection(void **state)
{
    (void)state;
    silt_delta_pred p;
    silt_error err;
    assert_int_equal(silt_delta_pred_parse(&p, "Quantity >= 12", &err), 0);
    assert_string_equal(p.column, "Quantity");
    assert_int_equal(p.op, SILT_PRED_GE);
    assert_string_equal(p.value, "12");
    assert_int_equal(silt_delta_pred_parse(&p, " name = 'a b' ", &err), 0);
    assert_string_equal(p.value, "a b");
    assert_int_equal(silt_delta_pred_parse(&p, "x is null", &err), 0);
    assert_int_equal(p.op, SILT_PRED_IS_NULL);
    assert_int_equal(silt_delta_pred_parse(&p, "x ~ 3", &err), SILT_EINVAL);
    assert_int_equal(silt_delta_pred_parse(&p, "x <", &err), SILT_EINVAL);
    /* partition pruning with typed values and nulls */
    silt_store *s = open_fixture("delta-golden/data-reader-partition-values/delta");
    silt_delta_snapshot *snap = load(s, -1, NULL);
    size_t *sel = NULL, n = 0;
    const struct {
        const char *pred;
        size_t expect;
    } cases[] = {{"as_int = 1", 1},
                 {"as_int >= 0", 2},
                 {"as_int IS NULL", 1},
                 {"as_date = 2021-09-08", 2},
                 {"as_timestamp > 2021-09-08 11:11:10", 2},
                 {"as_big_decimal < 1", 1},
                 {"as_boolean = false", 1},
                 {"as_double > 0.5", 1},
                 {"as_string = 'null'", 0},
                 {"as_string_lit_null = 'null'", 2}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(silt_delta_pred_parse(&p, cases[i].pred, &err), 0);
        if (silt_delta_select_files(&sel, &n, snap, &p, &err))
            fail_msg("%s: %s", cases[i].pred, err.msg);
        if (n != cases[i].expect)
            fail_msg("%s: %zu files, expected %zu", cases[i].pred, n, cases[i].expect);
        silt_free(sel);
    }
    assert_int_equal(silt_delta_pred_parse(&p, "as_nt = 1", &err), 0);
    assert_int_equal(silt_delta_select_files(&sel, &n, snap, &p, &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "did you mean 'as_int'"));
    assert_int_equal(silt_delta_pred_parse(&p, "as_int = x", &err), 0);
    assert_int_equal(silt_delta_select_files(&sel, &n, snap, &p, &err), SILT_EINVAL);
    silt_delta_snapshot_destroy(snap);
    silt_store_destroy(s);
}

static void test_interval(void **state)
{
    (void)state;
    int64_t ms;
    silt_error err;
    assert_int_equal(silt_delta_parse_interval(&ms, "interval 30 days", &err), 0);
    assert_int_equal(ms, 30LL * 86400000);
    assert_int_equal(silt_delta_parse_interval(&ms, "interval 1 week", &err), 0);
    assert_int_equal(ms, 604800000LL);
    assert_int_equal(silt_delta_parse_interval(&ms, "2 hours", &err), 0);
    assert_int_equal(ms, 7200000LL);
    assert_int_equal(silt_delta_parse_interval(&ms, "interval forever", &err), SILT_EINVAL);
    /* Spark's CalendarInterval forms: several units, any case, sub-second units */
    assert_int_equal(silt_delta_parse_interval(&ms, "INTERVAL 1 Day 12 hours", &err), 0);
    assert_int_equal(ms, 36LL * 3600000);
    assert_int_equal(silt_delta_parse_interval(&ms, "interval 1500 milliseconds", &err), 0);
    assert_int_equal(ms, 1500);
    assert_int_equal(silt_delta_parse_interval(&ms, "interval 0 seconds", &err), 0);
    assert_int_equal(ms, 0);
    assert_int_equal(silt_delta_parse_interval(&ms, "interval 1 month", &err), SILT_EINVAL);
    assert_non_null(strstr(err.msg, "months and years"));
    assert_int_equal(silt_delta_parse_interval(&ms, "interval", &err), SILT_EINVAL);
    assert_int_equal(silt_delta_parse_interval(&ms, "interval -1 day", &err), SILT_EINVAL);
    assert_int_equal(silt_delta_parse_interval(&ms, "interval 7 days 3", &err), SILT_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_actions_parse),
        cmocka_unit_test(test_actions_errors),
        cmocka_unit_test(test_schema_roundtrip),
        cmocka_unit_test(test_partition_values),
        cmocka_unit_test(test_stats_truncation),
        cmocka_unit_test(test_spark_streaming_replay),
        cmocka_unit_test(test_txn_fixtures),
        cmocka_unit_test(test_invalid_tables),
        cmocka_unit_test(test_golden_tables),
        cmocka_unit_test(test_golden_details),
        cmocka_unit_test(test_checkpoint_schema_matches_spark),
        cmocka_unit_test(test_checkpoint_roundtrip_spark),
        cmocka_unit_test(test_checkpoint_by_name),
        cmocka_unit_test(test_checkpoint_batch_shape),
        cmocka_unit_test(test_last_checkpoint_tolerance),
        cmocka_unit_test(test_multi_part_checkpoint_plan),
        cmocka_unit_test(test_file_selection),
        cmocka_unit_test(test_interval),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
