/* Unit tests for STREAM read_files(...) in the pipeline runtime: a crash between the writes of
 * a batch (quarantine, then event log, then the table) is finished by the next run with the same
 * files, nothing twice; files already done are not read again; a query that aggregates over
 * read_files, and one over two streams, are refused with the way out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline/run.h"
#include "sql/sql.h"
#include "support/pipeline_fixture.h"
#include "support/tmpdir.h"

static char dir[256], in_dir[300], loc[300], query[600];
static silt_pipeline_kv args[] = {{"format", "json"}, {"schema", "id BIGINT, price DOUBLE"}};
static silt_pipeline_source src = {SILT_PIPELINE_SRC_FILES, "read_files", -1, args, 2, in_dir};
static silt_pipeline_expect expects[] = {
    {"valid", "id IS NOT NULL", SILT_PIPELINE_ON_QUARANTINE, 2}};
static int order[] = {0};
static silt_pipeline_table table;
static silt_pipeline_def def;

static void build_def(const char *q)
{
    snprintf(query, sizeof query, "%s", q);
    table = (silt_pipeline_table){.kind = SILT_PIPELINE_STREAMING_TABLE,
                                  .name = "events",
                                  .location = loc,
                                  .expects = expects,
                                  .n_expects = 1,
                                  .sources = &src,
                                  .n_sources = 1,
                                  .query = query,
                                  .line = 1};
    def = (silt_pipeline_def){
        .file = "test.sql", .lake = dir, .tables = &table, .n_tables = 1, .order = order};
}

static int run(int crash_after, silt_error *err)
{
    return pf_run_caught_up(&def, false, 2, crash_after, err); /* two files per batch */
}

static void write_file(const char *name, const char *text)
{
    char p[400];
    snprintf(p, sizeof p, "%s/%s", in_dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    test_tmpdir_make(dir, sizeof dir, "pfiles");
    snprintf(in_dir, sizeof in_dir, "%s/in", dir);
    snprintf(loc, sizeof loc, "%s/events", dir);
    assert_int_equal(mkdir(in_dir, 0755), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    (void)test_tmpdir_remove(dir);
    return 0;
}

static void test_crash_between_writes(void **state)
{
    (void)state;
    build_def("SELECT id, price FROM read_files");
    write_file("a.json", "{\"id\": 1, \"price\": 1.5}\nbad\n");
    write_file("b.json", "{\"id\": 2, \"price\": 2.5}\n{\"price\": 9}\n");
    write_file("c.json", "{\"id\": 3, \"price\": 3.5}\n");
    silt_error err;
    for (int where = 1; where <= 2; where++) {
        silt_error_clear(&err);
        assert_int_equal(run(where, &err), SILT_EIO);
        if (where == 1) write_file("d.json", "{\"id\": 4, \"price\": 4.5}\nbad again\n");
    }
    if (run(0, &err)) fail_msg("%s", err.msg);
    if (run(0, &err)) fail_msg("%s", err.msg); /* nothing new: nothing read */
    pf_expect_q("4", "SELECT count(*) FROM delta.`%s`", loc);
    pf_expect_q("10", "SELECT sum(id) FROM delta.`%s`", loc);
    pf_expect_q("3", "SELECT count(*) FROM delta.`%s_quarantine`", loc);
    pf_expect_q("3", "SELECT count(DISTINCT _file || _line) FROM delta.`%s_quarantine`", loc);
    pf_expect_q("7,4,3",
                "SELECT concat_ws(',', sum(rows_read), sum(rows_written), sum(rows_quarantined)) "
                "FROM delta.`%s/_event_log` WHERE table_name = 'events' AND error IS NULL",
                dir);
    pf_expect_q("2", "SELECT count(*) FROM delta.`%s/_event_log` WHERE rows_read > 0", dir);
}

static void test_aggregate_refused(void **state)
{
    (void)state;
    build_def("SELECT count(*) AS n FROM read_files");
    table.n_expects = 0;
    write_file("a.json", "{\"id\": 1, \"price\": 1.5}\n");
    silt_error err;
    silt_error_clear(&err);
    assert_int_equal(run(0, &err), SILT_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "STREAM(events)"));
}

/* Two STREAM sources in one query: refused, saying what to write instead. */
static void test_two_streams_refused(void **state)
{
    (void)state;
    build_def("SELECT id FROM read_files UNION ALL SELECT id FROM read_files_2");
    static silt_pipeline_source two[2];
    two[0] = src;
    two[1] = src;
    two[1].input_name = "read_files_2";
    table.sources = two;
    table.n_sources = 2;
    silt_error err;
    silt_error_clear(&err);
    assert_int_equal(run(0, &err), SILT_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "2 STREAM sources"));
    assert_non_null(strstr(err.msg, "materialized view"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_crash_between_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_aggregate_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_streams_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
