/* Unit tests for the bronze Delta table sink: the ingestion runtime on a real table (Parquet
 * files, Delta commits with txn actions): crashes and two workers fighting over the same
 * partitions still leave exactly one row per offset, with every value byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "delta/log.h"
#include "pipeline/bronze_table.h"
#include "support/mem_source.h"
#include "support/tmpdir.h"

#define NPART 3
#define NMSG 300

typedef struct {
    int count[NPART][NMSG];
    int bad_values;
} tally;

static int tally_rows(void *arg, const silt_batch *b, silt_error *err)
{
    (void)err;
    tally *t = arg;
    long cp = silt_schema_find(b->schema, "partition"), co = silt_schema_find(b->schema, "offset");
    long cv = silt_schema_find(b->schema, "value");
    assert_true(cp >= 0 && co >= 0 && cv >= 0);
    for (int64_t i = 0; i < b->n_rows; i++) {
        int64_t p = silt_column_get_int(&b->cols[cp], i), o = silt_column_get_int(&b->cols[co], i);
        assert_true(p >= 0 && p < NPART && o >= 0 && o < NMSG);
        t->count[p][o]++;
        char expect[32];
        int len = snprintf(expect, sizeof expect, "v%d-%lld", (int)p, (long long)o);
        size_t n;
        const uint8_t *v = silt_column_bytes(&b->cols[cv], i, &n);
        if (n != (size_t)len || memcmp(v, expect, n) != 0) t->bad_values++;
    }
    return 0;
}

static silt_ingest *make(silt_bronze_table *t, int64_t max_rows)
{
    static FILE *devnull;
    if (!devnull) devnull = fopen("/dev/null", "w");
    silt_ingest_options o;
    silt_ingest_options_default(&o);
    o.max_rows = max_rows;
    o.until_caught_up = true;
    o.progress_us = 0;
    o.progress = devnull;
    silt_ingest *ing = NULL;
    silt_error err;
    assert_int_equal(silt_ingest_create(&ing, silt_bronze_table_sink(t), &o, &err), 0);
    return ing;
}

/* Loads the table at loc and reads every live file into *t (each file must carry an
 * ingest_date partition value). Returns the snapshot; the caller destroys it. */
static silt_delta_snapshot *read_table(const char *loc, tally *t)
{
    silt_error err;
    silt_store *store = NULL;
    assert_int_equal(silt_store_open(&store, loc, &err), 0);
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    ro.file_ops = silt_delta_parquet_ops();
    silt_delta_snapshot *snap = NULL;
    assert_int_equal(silt_delta_snapshot_load(&snap, store, &ro, &err), 0);
    silt_schema *data = silt_schema_create(snap->schema->n_fields - 1);
    for (size_t i = 0; i + 1 < snap->schema->n_fields; i++)
        silt_field_copy(&data->fields[i], &snap->schema->fields[i]);
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < snap->n_files; i++) {
        if (ro.file_ops->read_file(NULL, store, snap->files[i].path, data, tally_rows, t, &err))
            fail_msg("%s", err.msg);
        const char *date;
        assert_true(silt_delta_map_get(&snap->files[i].partition_values, "ingest_date", &date));
    }
    silt_schema_destroy(data);
    silt_store_destroy(store);
    return snap;
}

/* Makes the temporary directory `dir` (a mkdtemp template) and the table location in it. */
static void make_location(char *dir, char *loc, size_t n, const char *name)
{
    assert_non_null(mkdtemp(dir));
    snprintf(loc, n, "%s/%s", dir, name);
}

static void remove_dir(const char *dir)
{
    assert_int_equal(test_tmpdir_remove(dir), 0);
}

static void test_workers_crashes_exactly_once(void **state)
{
    (void)state;
    char dir[] = "/tmp/silt-bronze-XXXXXX";
    char loc[128];
    make_location(dir, loc, sizeof loc, "bronze_events");
    silt_error err;
    silt_bronze_table *ta = NULL, *tb = NULL;
    int rc = silt_bronze_table_open(&ta, loc, NULL, &err);
    if (rc) fail_msg("%s", err.msg);
    assert_int_equal(silt_bronze_table_open(&tb, loc, NULL, &err), 0);
    assert_string_equal(silt_bronze_table_name(ta), "bronze_events");

    /* a worker that dies with rows buffered */
    mem_source dead;
    mem_source_init(&dead, NPART, NMSG, 7);
    dead.pause_every = 130;
    silt_ingest *id = make(ta, 40);
    rc = silt_ingest_run(id, &dead.base, NULL, &err);
    assert_int_equal(rc, SILT_ECANCELLED);
    silt_ingest_destroy(id);

    /* two workers that both think they own every partition */
    mem_source a, b;
    mem_source_init(&a, NPART, NMSG, 11);
    mem_source_init(&b, NPART, NMSG, 13);
    a.pause_every = 70;
    b.pause_every = 90;
    silt_ingest *ia = make(ta, 50), *ib = make(tb, 60);
    int done_a = 0, done_b = 0;
    for (int round = 0; round < 1000 && !(done_a && done_b); round++) {
        if (!done_a) {
            rc = silt_ingest_run(ia, &a.base, NULL, &err);
            if (rc && rc != SILT_ECANCELLED) fail_msg("worker a: %s", err.msg);
            done_a = rc == 0;
        }
        if (!done_b) {
            rc = silt_ingest_run(ib, &b.base, NULL, &err);
            if (rc && rc != SILT_ECANCELLED) fail_msg("worker b: %s", err.msg);
            done_b = rc == 0;
        }
    }
    assert_true(done_a && done_b);
    silt_ingest_destroy(ia);
    silt_ingest_destroy(ib);

    /* the table: one row per offset, positions at the end, files readable */
    static tally t;
    silt_delta_snapshot *snap = read_table(loc, &t);
    for (int p = 0; p < NPART; p++) {
        char app[64];
        snprintf(app, sizeof app, "silt:bronze_events:t:%d", p);
        assert_int_equal(silt_delta_snapshot_txn_version(snap, app), NMSG);
    }
    for (int p = 0; p < NPART; p++)
        for (int o = 0; o < NMSG; o++)
            if (t.count[p][o] != 1)
                fail_msg("partition %d offset %d: %d rows", p, o, t.count[p][o]);
    assert_int_equal(t.bad_values, 0);
    silt_delta_snapshot_destroy(snap);
    silt_bronze_table_destroy(ta);
    silt_bronze_table_destroy(tb);
    remove_dir(dir);
}

/* A trickle: 300 micro-batches of 3 messages each stay a few tens of files, and every row
 * is still there exactly once. */
static void test_trickle_stays_compact(void **state)
{
    (void)state;
    char dir[] = "/tmp/silt-trickle-XXXXXX";
    char loc[128];
    make_location(dir, loc, sizeof loc, "bronze_trickle");
    silt_error err;
    silt_bronze_table *tb = NULL;
    assert_int_equal(silt_bronze_table_open(&tb, loc, NULL, &err), 0);
    mem_source src;
    mem_source_init(&src, NPART, NMSG, 3);
    silt_ingest *ing = make(tb, 3);
    int rc = silt_ingest_run(ing, &src.base, NULL, &err);
    if (rc) fail_msg("%s", err.msg);
    assert_int_equal(silt_ingest_get_stats(ing)->commits, NPART * NMSG / 3);
    silt_ingest_destroy(ing);
    static tally t;
    silt_delta_snapshot *snap = read_table(loc, &t);
    if (snap->n_files > 40) fail_msg("%zu live files after 300 commits", snap->n_files);
    for (int p = 0; p < NPART; p++)
        for (int o = 0; o < NMSG; o++)
            if (t.count[p][o] != 1)
                fail_msg("partition %d offset %d: %d rows", p, o, t.count[p][o]);
    silt_delta_snapshot_destroy(snap);
    silt_bronze_table_destroy(tb);
    remove_dir(dir);
}

/* The sink on its own: one staged chunk whose rows straddle midnight (UTC) becomes two files,
 * one per ingest_date partition, in one commit with the partition's txn; a second commit
 * built on a stale position is refused and leaves nothing behind in the log. */
static void test_chunk_across_midnight(void **state)
{
    (void)state;
    char dir[] = "/tmp/silt-midnight-XXXXXX";
    char loc[128];
    make_location(dir, loc, sizeof loc, "bronze_events");
    silt_error err;
    silt_error_clear(&err);
    silt_bronze_table *t = NULL;
    assert_int_equal(silt_bronze_table_open(&t, loc, NULL, &err), 0);
    silt_ingest_sink *sink = silt_bronze_table_sink(t);
    silt_schema *schema = silt_bronze_schema();
    silt_batch *b = silt_batch_create(schema);
    const int64_t midnight_us = 1767225600LL * 1000000; /* 2026-01-01T00:00:00Z */
    for (int o = 0; o < 10; o++) {
        char v[32];
        int len = snprintf(v, sizeof v, "v0-%d", o);
        silt_bronze_msg m = {NULL, 0, v, (size_t)len, "t", 0, o, 1767225590000 + o, 0, NULL};
        assert_int_equal(silt_bronze_append(b, &m, midnight_us + (o - 6) * 1000000), 0);
    }
    assert_int_equal(sink->ops->stage(sink, b, &err), 0);
    silt_ingest_range r = {"t", 0, SILT_INGEST_OFFSET_DEFAULT, 10};
    int64_t version = -1;
    assert_int_equal(sink->ops->commit(sink, &r, 1, &version, &err), 0);
    assert_int_equal(version, 1);

    static tally tl;
    silt_delta_snapshot *snap = read_table(loc, &tl);
    assert_int_equal(snap->n_files, 2);
    assert_int_equal(silt_delta_snapshot_txn_version(snap, "silt:bronze_events:t:0"), 10);
    int days = 0;
    for (size_t i = 0; i < snap->n_files; i++) {
        const char *date;
        assert_true(silt_delta_map_get(&snap->files[i].partition_values, "ingest_date", &date));
        days += strcmp(date, "2025-12-31") == 0 ? 1 : strcmp(date, "2026-01-01") == 0 ? 10 : 100;
        assert_non_null(strstr(snap->files[i].path, ".zstd.parquet"));
    }
    assert_int_equal(days, 11); /* one file per date */
    for (int o = 0; o < 10; o++) assert_int_equal(tl.count[0][o], 1);
    assert_int_equal(tl.bad_values, 0);

    /* the same range again: the table has moved on, nothing is committed */
    assert_int_equal(sink->ops->stage(sink, b, &err), 0);
    assert_int_equal(sink->ops->commit(sink, &r, 1, &version, &err), SILT_ECONFLICT);
    sink->ops->discard(sink);
    silt_delta_snapshot_destroy(snap);
    snap = read_table(loc, &tl);
    assert_int_equal(snap->version, 1);

    silt_delta_snapshot_destroy(snap);
    silt_batch_destroy(b);
    silt_schema_destroy(schema);
    silt_bronze_table_destroy(t);
    remove_dir(dir);
}

/* Nothing exists until create_missing (a failed first run leaves no table), which reports the
 * version; every commit reports the version the table is at afterwards, also when an
 * auto-compaction followed it (`describe` and the summary then agree). */
static void test_versions_reported(void **state)
{
    (void)state;
    char dir[] = "/tmp/silt-versions-XXXXXX";
    char loc[128];
    make_location(dir, loc, sizeof loc, "bronze_v");
    silt_error err;
    silt_error_clear(&err);
    silt_bronze_table *t = NULL;
    assert_int_equal(silt_bronze_table_prepare(&t, loc, NULL, &err), 0);
    assert_int_equal(access(loc, F_OK), -1); /* nothing created yet */
    int64_t version = -1;
    assert_int_equal(silt_bronze_table_create_missing(t, &version, &err), 0);
    assert_int_equal(version, 0);
    silt_ingest_sink *sink = silt_bronze_table_sink(t);
    silt_schema *schema = silt_bronze_schema();
    silt_batch *b = silt_batch_create(schema);
    int commits = 0;
    for (int o = 0; o < 25; o++, commits++) {
        silt_batch_reset(b);
        char v[32];
        int len = snprintf(v, sizeof v, "v0-%d", o);
        silt_bronze_msg m = {NULL, 0, v, (size_t)len, "t", 0, o, 1767225590000, 0, NULL};
        assert_int_equal(silt_bronze_append(b, &m, 1767225600LL * 1000000), 0);
        assert_int_equal(sink->ops->stage(sink, b, &err), 0);
        silt_ingest_range r = {"t", 0, o ? o : SILT_INGEST_OFFSET_DEFAULT, o + 1};
        if (sink->ops->commit(sink, &r, 1, &version, &err)) fail_msg("%s", err.msg);
        static tally tl;
        silt_delta_snapshot *snap = read_table(loc, &tl);
        assert_int_equal(version, snap->version);
        silt_delta_snapshot_destroy(snap);
    }
    assert_true(version > commits); /* compactions happened between the commits */
    int64_t again = -1;
    assert_int_equal(silt_bronze_table_create_missing(t, &again, &err), 0);
    assert_int_equal(again, version);
    silt_batch_destroy(b);
    silt_schema_destroy(schema);
    silt_bronze_table_destroy(t);
    remove_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workers_crashes_exactly_once),
        cmocka_unit_test(test_trickle_stays_compact),
        cmocka_unit_test(test_chunk_across_midnight),
        cmocka_unit_test(test_versions_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
