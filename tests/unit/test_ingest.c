/* Unit tests for the ingestion runtime with an in-memory source and sink: exactly one row per
 * offset through batching, crashes, conflicting workers and retried commit failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/ingest.h"
#include "support/mem_source.h"

#define NPART 3
#define NMSG 1000

/* ---- the table: positions per partition and a count of rows per offset, shared by the
 * sinks of several workers (each worker stages into its own sink) ---- */
typedef struct {
    pthread_mutex_t mu;
    int64_t pos[NPART]; /* SILT_INGEST_OFFSET_DEFAULT until first commit */
    int count[NPART][NMSG];
    int64_t version;
    int fail_retriable; /* fail this many commits with a retriable error */
    int injected;       /* commits failed that way */
    int retries;        /* commits of the very rows a failed commit had staged */
    int fail_stage;     /* fail this many stage calls */
} mem_table;

typedef struct {
    silt_ingest_sink base;
    mem_table *table;
    int64_t (*staged)[2]; /* (partition, offset) of staged rows */
    size_t n_staged, cap_staged;
    size_t failed_staged; /* rows staged at the last failed commit; 0 after a success */
} mem_sink;

static int sink_position(silt_ingest_sink *s, const char *topic, int32_t partition, int64_t *out,
                         silt_error *err)
{
    (void)topic;
    (void)err;
    mem_table *t = ((mem_sink *)s)->table;
    pthread_mutex_lock(&t->mu);
    *out = t->pos[partition];
    pthread_mutex_unlock(&t->mu);
    return 0;
}

static int sink_stage(silt_ingest_sink *s, const silt_batch *rows, silt_error *err)
{
    mem_sink *m = (mem_sink *)s;
    pthread_mutex_lock(&m->table->mu);
    bool fail = m->table->fail_stage > 0 && m->table->fail_stage-- > 0;
    pthread_mutex_unlock(&m->table->mu);
    if (fail) return silt_error_set(err, SILT_EIO, "injected stage failure");
    const silt_column *part = &rows->cols[SILT_BRONZE_PARTITION];
    const silt_column *off = &rows->cols[SILT_BRONZE_OFFSET];
    for (int64_t i = 0; i < rows->n_rows; i++) {
        if (m->n_staged == m->cap_staged) {
            m->cap_staged = m->cap_staged ? 2 * m->cap_staged : 256;
            m->staged = realloc(m->staged, m->cap_staged * sizeof *m->staged);
            assert_non_null(m->staged);
        }
        m->staged[m->n_staged][0] = silt_column_get_int(part, i);
        m->staged[m->n_staged][1] = silt_column_get_int(off, i);
        m->n_staged++;
    }
    return 0;
}

static int sink_commit(silt_ingest_sink *s, const silt_ingest_range *r, size_t n,
                       int64_t *out_version, silt_error *err)
{
    mem_sink *m = (mem_sink *)s;
    mem_table *t = m->table;
    int rc = 0;
    pthread_mutex_lock(&t->mu);
    if (m->failed_staged && m->failed_staged == m->n_staged) t->retries++;
    m->failed_staged = 0;
    if (t->fail_retriable > 0) {
        t->fail_retriable--;
        t->injected++;
        m->failed_staged = m->n_staged;
        silt_error_set(err, SILT_EIO, "injected failure");
        silt_error_retriable(err, true);
        rc = SILT_EIO;
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (t->pos[r[i].partition] != r[i].start) {
            rc = silt_error_set(err, SILT_ECONFLICT, "partition %d moved", r[i].partition);
            goto done;
        }
    for (size_t i = 0; i < m->n_staged; i++) t->count[m->staged[i][0]][m->staged[i][1]]++;
    m->n_staged = 0;
    for (size_t i = 0; i < n; i++) t->pos[r[i].partition] = r[i].next;
    *out_version = ++t->version;
done:
    pthread_mutex_unlock(&t->mu);
    return rc;
}

static void sink_discard(silt_ingest_sink *s)
{
    ((mem_sink *)s)->n_staged = 0;
}

static const struct silt_ingest_sink_ops sink_ops = {sink_position, sink_stage, sink_commit,
                                                     sink_discard};

static void table_init(mem_table *t)
{
    memset(t, 0, sizeof *t);
    pthread_mutex_init(&t->mu, NULL);
    for (int p = 0; p < NPART; p++) t->pos[p] = SILT_INGEST_OFFSET_DEFAULT;
}

static void sink_init(mem_sink *m, mem_table *t)
{
    free(m->staged);
    memset(m, 0, sizeof *m);
    m->base.ops = &sink_ops;
    m->table = t;
}

static void check_exactly_once(const mem_table *m)
{
    for (int p = 0; p < NPART; p++) {
        assert_int_equal(m->pos[p], NMSG);
        for (int o = 0; o < NMSG; o++)
            if (m->count[p][o] != 1)
                fail_msg("partition %d offset %d: %d rows", p, o, m->count[p][o]);
    }
}
static FILE *devnull;

static silt_ingest *make(mem_sink *sink, int64_t max_rows, int64_t chunk_rows)
{
    silt_ingest_options o;
    silt_ingest_options_default(&o);
    o.max_rows = max_rows;
    o.chunk_rows = chunk_rows;
    o.until_caught_up = true;
    o.progress_us = 0;
    if (!devnull) devnull = fopen("/dev/null", "w");
    o.progress = devnull;
    silt_ingest *ing = NULL;
    silt_error err;
    assert_int_equal(silt_ingest_create(&ing, &sink->base, &o, &err), 0);
    return ing;
}

static void destroy(silt_ingest *ing)
{
    silt_ingest_destroy(ing);
}

/* A worker that reads every message (per_poll at a time) and stops once caught up. */
static void run_all(mem_sink *sink, int64_t max_rows, int64_t chunk_rows, int per_poll)
{
    mem_source src;
    mem_source_init(&src, NPART, NMSG, per_poll);
    silt_ingest *ing = make(sink, max_rows, chunk_rows);
    silt_error err;
    assert_int_equal(silt_ingest_run(ing, &src.base, NULL, &err), 0);
    destroy(ing);
}

static void test_batches_exactly_once(void **state)
{
    (void)state;
    static mem_table table;
    static mem_sink sink;
    table_init(&table);
    sink_init(&sink, &table);
    mem_source src;
    mem_source_init(&src, NPART, NMSG, 37);
    silt_ingest *ing = make(&sink, 100, 0);
    silt_error err;
    assert_int_equal(silt_ingest_run(ing, &src.base, NULL, &err), 0);
    check_exactly_once(&table);
    const silt_ingest_stats *st = silt_ingest_get_stats(ing);
    assert_int_equal(st->rows, NPART * NMSG);
    assert_int_equal(st->commits, NPART * NMSG / 100);
    destroy(ing);
}

/* A worker that dies (its source fails) with rows buffered never commits them; the next worker
 * starts from the table's positions and the table ends with every offset once. */
static void test_crash_and_restart(void **state)
{
    (void)state;
    static mem_table table;
    static mem_sink sink;
    table_init(&table);
    sink_init(&sink, &table);
    silt_error err;
    for (int64_t crash_at = 450; crash_at < NPART * NMSG; crash_at += 611) {
        mem_source a;
        mem_source_init(&a, NPART, NMSG, 10);
        a.pause_every = crash_at;
        silt_ingest *ing = make(&sink, 400, 64);
        int rc = silt_ingest_run(ing, &a.base, NULL, &err);
        assert_true(rc == SILT_ECANCELLED || rc == 0); /* 0: it finished before its crash */
        destroy(ing); /* no final flush: the buffered rows die with the worker */
    }
    run_all(&sink, 400, 64, 10);
    check_exactly_once(&table);
}

/* Two workers that both believe they own every partition: commits that would write offsets the
 * other already wrote are refused; the loser drops its rows and re-reads from the table. */
static void test_conflicting_workers(void **state)
{
    (void)state;
    static mem_table table;
    static mem_sink sink_a, sink_b;
    table_init(&table);
    sink_init(&sink_a, &table);
    sink_init(&sink_b, &table);
    mem_source a, b;
    mem_source_init(&a, NPART, NMSG, 30);
    mem_source_init(&b, NPART, NMSG, 30);
    a.pause_every = 170;
    b.pause_every = 230;
    silt_ingest *ia = make(&sink_a, 300, 16);
    silt_ingest *ib = make(&sink_b, 300, 0);
    silt_error err;
    int done_a = 0, done_b = 0;
    for (int round = 0; round < 10000 && !(done_a && done_b); round++) {
        if (!done_a) done_a = silt_ingest_run(ia, &a.base, NULL, &err) == 0;
        if (!done_b) done_b = silt_ingest_run(ib, &b.base, NULL, &err) == 0;
    }
    assert_true(done_a && done_b);
    assert_true(silt_ingest_get_stats(ia)->conflicts + silt_ingest_get_stats(ib)->conflicts > 0);
    destroy(ia);
    destroy(ib);
    check_exactly_once(&table);
}

static void test_retried_commit(void **state)
{
    (void)state;
    static mem_table table;
    static mem_sink sink;
    table_init(&table);
    sink_init(&sink, &table);
    table.fail_retriable = 2;
    run_all(&sink, 500, 50, 100);
    check_exactly_once(&table);
    assert_int_equal(table.injected, 2);
    assert_int_equal(table.retries, 2); /* each failed commit was tried again, same rows */
}

/* Many small chunks per batch (more than the runtime keeps at once, so reading waits for the
 * commit thread), and a chunk that the sink fails to stage: that batch is dropped, run reports
 * the error, and a second run re-reads the dropped rows from the table's positions. */
static void test_chunks_and_failed_stage(void **state)
{
    (void)state;
    static mem_table table;
    static mem_sink sink;
    table_init(&table);
    sink_init(&sink, &table);
    run_all(&sink, 2000, 3, 1000);
    check_exactly_once(&table);
    assert_true(table.version >= 2);

    table_init(&table);
    sink_init(&sink, &table);
    table.fail_stage = 1;
    mem_source src;
    mem_source_init(&src, NPART, NMSG, 1000);
    silt_ingest *ing = make(&sink, 2000, 7);
    silt_error err;
    silt_error_clear(&err);
    assert_int_equal(silt_ingest_run(ing, &src.base, NULL, &err), SILT_EIO);
    assert_non_null(strstr(err.msg, "injected stage failure"));
    const silt_ingest_stats *st = silt_ingest_get_stats(ing);
    assert_true(st->dropped > 0);
    destroy(ing);
    run_all(&sink, 2000, 7, 1000);
    check_exactly_once(&table);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batches_exactly_once),    cmocka_unit_test(test_crash_and_restart),
        cmocka_unit_test(test_conflicting_workers),     cmocka_unit_test(test_retried_commit),
        cmocka_unit_test(test_chunks_and_failed_stage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
